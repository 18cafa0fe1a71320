"""The PDF renderer: a document model and a layout -> PDF bytes, through ReportLab."""

from __future__ import annotations

from handouts.document import Handout


def render_flowing(handout: Handout) -> bytes:
    """Sheets and checklists: the title block, then every block of the model in order."""
    from handouts.render.pdf.flow import Context, story
    from handouts.render.pdf.page import build_pdf, text_width, title_block
    from handouts.render.pdf.styles import Styles

    styles = Styles(handout.layout, handout.font, rtl=handout.rtl, language=handout.locale)
    width = text_width(handout)
    ctx = Context(styles, width, handout.paper.size[1], stacked=bool(handout.layout["table"].get("stacked")
                                                                     if "table" in handout.layout.values else False))
    flow = title_block(handout, styles, width) + story(handout.document.blocks, ctx)
    return build_pdf(handout, flow, styles)


def render_pdf(handout: Handout) -> bytes:
    """Draw one handout with the drawing its layout names (sheet, checklist, card or alert)."""
    from reportlab.platypus.doctemplate import LayoutError

    from handouts.errors import FitError
    from handouts.render.pdf.card import render_alert_sheet, render_card

    draw = {"card": render_card, "alert": render_alert_sheet}.get(handout.layout.renderer, render_flowing)
    try:
        return draw(handout)
    except LayoutError as exc:
        # A flowable larger than a page (a table row, an unbreakable word): say where, not how.
        raise FitError(f"{handout.document.module} [{handout.locale}, {handout.paper.name}] cannot be laid out: "
                       f"{str(exc).splitlines()[0][:120]}", path=handout.module.shown,
                       hint="shorten the text that does not fit on one page") from None
