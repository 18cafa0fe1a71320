"""Renderers, one per handout kind. Each turns a prepared ``Handout`` into PDF bytes."""

from __future__ import annotations


def render(handout) -> bytes:
    """Draw one handout with the renderer its layout names."""
    if handout.layout.renderer == "card":
        from handouts.render.card import render_card as draw
    elif handout.layout.renderer == "checklist":
        from handouts.render.checklist import render_checklist as draw
    else:
        from handouts.render.sheet import render_sheet as draw
    return draw(handout)
