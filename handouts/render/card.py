"""Wallet cards (ID-1, 85.6 x 54 mm): a front and a back, imposed several to a sheet.

The back page is mirrored, so that printed on both sides and flipped on the long edge each back
lands behind its front. Text that does not fit is an error naming the field, never clipped.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Table

from handouts.errors import FitError
from handouts.prepare import Handout, _line_for
from handouts.render.common import (
    Styles,
    _aligned,
    contact_rows,
    document_info,
    fill_words,
    format_date,
    grid,
    para,
    paragraphs,
)

FACES = ("front", "back")


class CardStyles(Styles):
    """Card type is set by the card layout's ``type_pt``; spacing is tight by design."""

    def __init__(self, handout: Handout):
        super().__init__(handout)
        self.banner = _aligned(self.cell_head, "start", self)
        self.banner.fontSize = handout.layout.pt("title")
        self.banner.leading = self.banner.fontSize * self.leading
        self.heading.spaceBefore = 0


def block_flowables(kind: str, value, handout: Handout, styles: CardStyles, width: float) -> list:
    """The flowables for one card block (``banner``, ``text``, ``bullets``...)."""
    if kind == "banner":
        table = grid([[para(value, styles.banner)]], [width], styles, [
            ("BACKGROUND", (0, 0), (-1, -1), styles.colours["accent"]),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
        table.spaceAfter = styles.body.spaceAfter * 2
        return [table]
    if kind == "heading":
        return [para(value, styles.heading)]
    if kind == "text":
        return paragraphs(value, styles.body, styles)
    if kind == "bullets":
        from handouts.markup import Block
        return paragraphs([Block("ul", [item for entry in value for b in entry for item in b.items])],
                          styles.body, styles)
    if kind == "fields":
        return [_label_lines([(label, "") for label in value], styles, width, lined=True, words=handout.words)]
    if kind == "contacts":
        if not value:
            return []
        rows = contact_rows(handout)
        flow = []
        if handout.clinic.name:
            from handouts.markup import escape_text
            flow.append(para(f"<b>{escape_text(handout.clinic.name)}</b>", styles.body))
        flow.append(_label_lines(rows, styles, width, lined=False, words=handout.words))
        return flow
    raise ValueError(kind)


def _label_lines(rows, styles: CardStyles, width: float, lined: bool, words: dict) -> Table:
    """Label: value rows; with ``lined``, an empty line to write on after each label."""
    cells = [[para(fill_words(words["label"], label=label), styles.body),
              para(f"<b>{value}</b>" if value else "", styles.body)] for label, value in rows]
    widths = [width * 0.34, width * 0.66]
    if styles.rtl:
        cells, widths = [row[::-1] for row in cells], widths[::-1]
    value_col = 0 if styles.rtl else 1
    commands = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]
    if lined:  # a line to write on, with room above it; rows grow when a label wraps
        commands += [("LINEBELOW", (value_col, 0), (value_col, -1), 0.4, styles.colours["rule"]),
                     ("TOPPADDING", (0, 0), (-1, -1), styles.body.leading * 0.5)]
    table = grid(cells, widths, styles, commands)
    table.spaceAfter = styles.body.spaceAfter
    return table


def card_footer(handout: Handout, styles: CardStyles) -> Paragraph:
    """Version, review date and the notice, small, at the foot of the back of the card."""
    words = handout.words
    text = " · ".join([fill_words(words["version"], version=handout.module.version),
                       fill_words(words["reviewed"], date=format_date(handout.module.reviewed, handout.locale)),
                       words["card_notice"]])
    style = _aligned(styles.footer, "start", styles)
    style.fontSize = handout.layout.pt("small")
    style.leading = style.fontSize * 1.15
    return para(text, style)


def face_flowables(canvas: Canvas, handout: Handout, face: str, styles: CardStyles, width: float, height: float):
    """The flowables of one face, checked to fit: a ``FitError`` names the block that overflows."""
    flow, used = [], 0.0
    for index, block in enumerate(handout.doc[face]):
        (kind, value), = block.items()
        for flowable in block_flowables(kind, value, handout, styles, width):
            _, h = flowable.wrapOn(canvas, width, height)
            used += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
            if used > height + 0.01:
                keypath = f"{face}[{index + 1}].{kind}"
                over = (used - height) / mm
                raise FitError(
                    f"{keypath} does not fit on the {face} of the card in '{handout.locale}' "
                    f"(about {over:.1f} mm too tall)", path=handout.module.shown,
                    line=_line_for(handout.module, keypath),
                    hint="shorten the text or move something to the other side; card text is never clipped")
            flow.append(flowable)
    return flow


def draw_face(canvas: Canvas, handout: Handout, face: str, styles: CardStyles, size: tuple[float, float]):
    """Draw one face at the origin (it is reused for every card on the sheet)."""
    card_w, card_h = size
    pad = handout.layout.mm("card", "padding_mm")
    canvas.setStrokeColor(styles.colours["rule"])
    canvas.setLineWidth(0.25)
    canvas.roundRect(0, 0, card_w, card_h, 3.18 * mm, stroke=1, fill=0)
    inner_w, inner_h = card_w - 2 * pad, card_h - 2 * pad
    bottom = pad
    if face == "back":
        footer = card_footer(handout, styles)
        _, fh = footer.wrap(inner_w, inner_h)
        footer.drawOn(canvas, pad, pad)
        bottom += fh + 1
        inner_h -= fh + 1
    flow = face_flowables(canvas, handout, face, styles, inner_w, inner_h)
    Frame(pad, bottom, inner_w, inner_h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
          showBoundary=0).addFromList(flow, canvas)


def card_positions(handout: Handout) -> list[tuple[float, float]]:
    """Lower-left corners of the cards on the front page, in reading order."""
    card = handout.layout["card"]
    page_w, page_h = handout.paper.size
    w, h, gap = card["width_mm"] * mm, card["height_mm"] * mm, card["gap_mm"] * mm
    cols, rows = card["columns"], card["rows"]
    grid_w, grid_h = cols * w + (cols - 1) * gap, rows * h + (rows - 1) * gap
    if grid_w > page_w or grid_h > page_h:
        raise FitError(f"{cols} x {rows} cards do not fit on {handout.paper.name} paper",
                       path=handout.layout.files[0], hint="use fewer columns or rows in the card layout")
    x0, y0 = (page_w - grid_w) / 2, (page_h - grid_h) / 2
    return [(x0 + c * (w + gap), y0 + (rows - 1 - r) * (h + gap)) for r in range(rows) for c in range(cols)]


def draw_crop_marks(canvas: Canvas, handout: Handout, positions, size, styles: CardStyles):
    """Short lines outside the grid on every cut line, so the cards can be cut with a guillotine."""
    w, h = size
    length = handout.layout["card"]["crop_mm"] * mm
    offset = 1.5 * mm
    xs = sorted({x for x, _ in positions} | {x + w for x, _ in positions})
    ys = sorted({y for _, y in positions} | {y + h for _, y in positions})
    left, right, bottom, top = xs[0], xs[-1], ys[0], ys[-1]
    canvas.setStrokeColor(styles.colours["text"])
    canvas.setLineWidth(0.3)
    for x in xs:
        canvas.line(x, top + offset, x, top + offset + length)
        canvas.line(x, bottom - offset, x, bottom - offset - length)
    for y in ys:
        canvas.line(left - offset, y, left - offset - length, y)
        canvas.line(right + offset, y, right + offset + length, y)


def render_card(handout: Handout) -> bytes:
    styles = CardStyles(handout)
    card = handout.layout["card"]
    size = (card["width_mm"] * mm, card["height_mm"] * mm)
    page_w, page_h = handout.paper.size
    positions = card_positions(handout)
    buffer = io.BytesIO()
    info = document_info(handout)
    canvas = Canvas(buffer, pagesize=(page_w, page_h), invariant=1, initialFontName=styles.font,
                    lang=info["lang"])
    canvas.setTitle(info["title"])
    canvas.setAuthor(info["author"])
    canvas.setSubject(info["subject"])
    canvas.setCreator(info["creator"])
    canvas.setProducer(info["producer"])
    canvas.setKeywords(info["keywords"])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    for face in FACES:
        canvas.beginForm(face, 0, 0, *size)
        draw_face(canvas, handout, face, styles, size)
        canvas.endForm()
    margin_note = _aligned(styles.footer, "center", styles)
    for page, face in enumerate(FACES):
        for x, y in positions:
            if face == "back":
                x = page_w - x - size[0]  # mirrored: the back of each card lies behind its front
            canvas.saveState()
            canvas.translate(x, y)
            canvas.doForm(face)
            canvas.restoreState()
        draw_crop_marks(canvas, handout, positions, size, styles)
        label = f"{handout.title} · {face} ({page + 1}/2) · {handout.words['card_instructions']}"
        if handout.draft:  # on the sheet, not the card: a card has no room for it in every language
            label = f"<b>{handout.words['draft']}</b> {label}"
        note = para(label, margin_note)
        _, nh = note.wrap(page_w - 40 * mm, 20 * mm)
        note.drawOn(canvas, 20 * mm, page_h - 10 * mm - nh)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_alert_sheet(handout: Handout) -> bytes:
    """A card's content as a large-print page: the same blocks, front then back, at 18 pt and up."""
    from reportlab.platypus import Spacer

    from handouts.render.common import build_document, notice_block

    styles = CardStyles(handout)
    styles.heading.spaceBefore = handout.layout.mm("spacing_mm", "section")
    width = handout.paper.size[0] - handout.layout.mm("margins_mm", "left") - handout.layout.mm("margins_mm", "right")
    story = notice_block(handout, styles, width)
    for face in FACES:
        for block in handout.doc[face]:
            (kind, value), = block.items()
            story += block_flowables(kind, value, handout, styles, width)
        story.append(Spacer(1, handout.layout.mm("spacing_mm", "section")))
    return build_document(handout, story, styles)
