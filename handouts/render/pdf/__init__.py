"""The PDF renderer: a document model and a layout -> PDF bytes, through ReportLab."""

from __future__ import annotations

from handouts.document import Handout


def render_flowing(handout: Handout) -> bytes:
    """Sheets and checklists: the title block, then every block of the model in order."""
    from handouts.render.pdf.flow import Context, story
    from handouts.render.pdf.page import laid_out, text_width, title_block
    from handouts.render.pdf.qr import online_block
    from handouts.render.pdf.styles import styles_for
    from handouts.render.pdf.tags import new_root

    width = text_width(handout)
    stacked = bool(handout.layout["table"].get("stacked") if "table" in handout.layout.values else False)

    def make(spacing: float):
        styles = styles_for(handout, spacing=spacing)
        root = new_root()
        ctx = Context(styles, width, handout.paper.size[1], stacked=stacked, parent=root)
        flow = title_block(handout, styles, width, root) + story(handout.document.blocks, ctx)
        return flow + online_block(handout, styles, width, root), styles, root

    return laid_out(handout, make)


def render_pdf(handout: Handout) -> bytes:
    """Draw one handout with the drawing its layout names (sheet, checklist, card or alert)."""
    from reportlab.platypus.doctemplate import LayoutError

    from handouts.errors import FitError
    from handouts.render.pdf.card import render_alert_sheet, render_card

    draw = {"card": render_card, "alert": render_alert_sheet}.get(handout.layout.renderer, render_flowing)
    try:
        return draw(handout)
    except LayoutError:
        # A flowable larger than a page (a table row, a long unbroken word): say where and what to
        # do - ReportLab's own message is an object's address ("Flowable <Table@0x7F...>").
        raise FitError(f"{handout.document.module} [{handout.locale}, {handout.paper.name}"
                       f"{', large print' if handout.variant == 'large-print' else ''}]: something is taller "
                       "than a page (a table row or a paragraph with no place to break)", path=handout.module.shown,
                       hint="shorten the longest table cell or paragraph, or break it up") from None
