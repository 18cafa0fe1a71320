"""Renderers, one per handout kind. Each turns a prepared ``Handout`` into PDF bytes."""

from __future__ import annotations


def render(handout) -> bytes:
    """Draw one handout with the renderer its layout names."""
    if handout.layout.renderer == "card":
        from handouts.render.card import render_card as draw
    elif handout.layout.renderer == "alert":
        from handouts.render.card import render_alert_sheet as draw
    elif handout.layout.renderer == "checklist":
        from handouts.render.checklist import render_checklist as draw
    else:
        from handouts.render.sheet import render_sheet as draw
    from reportlab.platypus.doctemplate import LayoutError

    from handouts.errors import FitError

    try:
        return draw(handout)
    except LayoutError as exc:
        # A flowable larger than a page (a table row, an unbreakable word): say where, not how.
        raise FitError(f"{handout.module.name} [{handout.locale}, {handout.paper.name}] cannot be laid out: "
                       f"{str(exc).splitlines()[0][:120]}", path=handout.module.shown,
                       hint="shorten the text that does not fit on one page") from None
