"""The PDF renderer: a document model and a layout -> PDF bytes, through ReportLab."""

from __future__ import annotations

from handouts import model as m
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

    groups = [block for block in handout.document.blocks if isinstance(block, m.ChecklistGroup)]

    def make(spacing: float, room: bool = False):
        styles = styles_for(handout, spacing=spacing)
        root = new_root()
        ctx = Context(styles, width, handout.paper.size[1], stacked=stacked, parent=root)
        flow = measured(title_block(handout, styles, width, root) + story(handout.document.blocks, ctx), handout)
        notes = ctx.tag("P") if room else None   # read before the QR block, as it is drawn
        online = online_block(handout, styles, width, root)
        if room:   # the page the QR block would have alone: "Notes", lines, then the code
            flow += writing_room(groups[0].notes_label, styles, online, notes)
        return flow + online, styles, root

    return laid_out(handout, make, writing_room=bool(groups))


def measured(flow: list, handout: Handout) -> list:
    """``flow`` with its running text kept to the layout's measure: about 65 characters a line,
    which a reader follows from one line to the next more easily than the page's 85-95. Running
    text is every paragraph, list and heading outside a box or table (inside what is kept together
    too: a step, a picture's caption) and a checklist's questions (their table says so with
    ``running_text``). Boxes, tables and pictures keep the full width, so the emergency box still
    fits on page 1."""
    from reportlab.platypus import KeepTogether, Table

    from handouts.render.pdf.text import TextBlock

    ems = handout.layout.values.get("measure_em")
    if not ems:
        return flow

    def walk(flowables):
        for flowable in flowables:
            if isinstance(flowable, TextBlock):
                flowable.measure_em = float(ems)
            elif isinstance(flowable, KeepTogether):
                walk(flowable._content)
            elif isinstance(flowable, Table) and getattr(flowable, "running_text", False):
                walk(cell for row in flowable._cellvalues for cell in row)

    walk(flow)
    return flow


def writing_room(label: str, styles, online: list, node) -> list:
    """"Notes" (tagged as ``node``) and lines to write on, as many as the page has room for above
    the QR block."""
    from handouts.render.pdf.checklist import WritingRoom
    from handouts.render.pdf.flow import plain_para, tagged

    gap = float(styles.layout["checklist"]["note_gap_pt"])
    title = tagged(plain_para(label, styles.small), node)
    return [WritingRoom(title, gap, styles.colours["rule"], online)]


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
