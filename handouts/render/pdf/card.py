"""Wallet cards (ID-1, 85.6 x 54 mm), imposed several to a sheet: a front and a back, or folded
cards (two ID-1 panels a side, folded in half: a cover, two panels inside and a back).

The second page is mirrored, so that printed on both sides and flipped on the long edge each back
lands behind its front (and a folded card's inside behind its outside). Text that does not fit is
an error naming the block, never clipped.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Spacer

from handouts import model as m
from handouts.document import Handout
from handouts.errors import FitError
from handouts.render.pdf.flow import Context, flowables, plain_para, tagged
from handouts.render.pdf.page import document_info, laid_out, text_width, title_block
from handouts.render.pdf.styles import Styles, styles_for
from handouts.render.pdf.tags import StructNode, Tagger, artifact_page, new_root, tag_pdf
from handouts.render.pdf.text import TextBlock


def face_flowables(canvas: Canvas, handout: Handout, face: m.Face, ctx: Context, height: float) -> list:
    """The flowables of one face, checked to fit: a ``FitError`` names the block that overflows."""
    flow, used, name_lines, after = [], 0.0, 1, 0.0
    for index, block in enumerate(face.blocks):
        for flowable in flowables(block, ctx):
            _, h = flowable.wrapOn(canvas, ctx.width, height)
            # the space after a flowable counts once another follows it (the frame ends at the last one)
            used += after + h + flowable.getSpaceBefore()
            after = flowable.getSpaceAfter()
            if isinstance(block, m.Paragraph) and block.role == "clinic":
                name_lines = round(h / flowable.style.leading)
            if used > height + 0.01 and name_lines > 1:  # the clinic's name is the one to shorten
                raise FitError(f"the clinic's name takes {name_lines} lines on the front of a wallet card in "
                               f"'{handout.locale}', and the card's text does not fit",
                               path=handout.clinic.source, hint="give the clinic profile a short_name: of one line, "
                                                                "e.g. short_name: Riverside Cancer Centre")
            if used > height + 0.01:
                over = (used - height) / mm
                where = getattr(block, "source", None)
                key = where.key if where and where.key else f"{face.name}[{index + 1}]"
                raise FitError(
                    f"{key} does not fit on the {face.name} of the card in "
                    f"'{handout.locale}' (about {over:.1f} mm too tall)",
                    path=where.path if where and where.path else handout.module.shown,
                    line=where.line if where else None,
                    hint="shorten the text or move something to the other side; card text is never clipped")
            flow.append(flowable)
    return flow


def card_footer(handout: Handout, styles: Styles) -> TextBlock:
    """Version, review date and the notice, small, at the foot of the back of the card."""
    fur = handout.document.furniture
    size = handout.layout.pt("small")
    style = styles.footer.but(size=size, leading=size * 1.15, links=False)
    return plain_para(" · ".join([fur.version, fur.reviewed, fur.card_notice]), style)


def draft_line(handout: Handout, styles: Styles) -> TextBlock:
    """The draft mark at the foot of a card's front: every cut card of a draft translation says so."""
    size = handout.layout.pt("small")
    style = styles.footer.but(size=size, leading=size * 1.15, links=False, bold=True)
    fur = handout.document.furniture
    # the English half says it is English (its marked content carries /Lang), where the parts are known
    runs = [(text, False, False, None, lang) for text, lang in fur.draft_mark_parts] or \
        [(fur.draft_mark, False, False, None)]
    return TextBlock(runs, style)


GLYPH_OVERHANG = 0.4 * mm


def draw_face(canvas: Canvas, handout: Handout, face: m.Face, styles: Styles, size: tuple[float, float],
              section: StructNode | None = None):
    """Draw one face at the origin: into a form reused for every card on the sheet, or (with the
    face's ``section`` of the structure tree) once more, tagged, as the card a screen reader reads."""
    card_w, card_h = size
    # Nothing is drawn on the cut line or near it (no outline: a guillotine never cuts exactly on
    # it, and leaves grey arcs) but the banner's band, which runs across it; the padding (3.75 mm)
    # keeps every other mark clear of the 3.5 mm a guillotine may wander into.
    pad = handout.layout.mm("card", "padding_mm")
    # a line box is shorter than its glyphs' ascenders and descenders: keep those inside the padding too
    inner_w, inner_h = card_w - 2 * pad, card_h - 2 * pad - 2 * GLYPH_OVERHANG
    bottom = pad + GLYPH_OVERHANG
    footer = card_footer(handout, styles) if face.name == "back" else \
        draft_line(handout, styles) if face.name == "front" and handout.document.furniture.draft_mark else None
    if footer is not None:
        footer_node = StructNode("P")  # read after the face's content, though drawn first
        tagged(footer, footer_node)
        _, fh = footer.wrap(inner_w, inner_h)
        bottom += fh + 0.8
        inner_h -= fh + 0.8
    left, right = bleed_sides(handout, face)
    flow = squeezed_flowables(canvas, handout, face, styles, inner_w, inner_h, section, (pad + left, pad + right))
    if footer is not None:
        footer.drawOn(canvas, pad, pad + GLYPH_OVERHANG)
        if section is not None:
            section.kids.append(footer_node)
    Frame(pad, bottom, inner_w, inner_h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
          showBoundary=0).addFromList(flow, canvas)


CARD_SPACING = (1.0, 0.8, 0.6)   # of the layout's space between blocks: closed up in steps on a face that is full


def squeezed_flowables(canvas: Canvas, handout: Handout, face: m.Face, styles: Styles, width: float, height: float,
                       section: StructNode | None, bleed: tuple[float, float]) -> list:
    """A face's flowables at the layout's spacing or, where they do not fit (a long clinic name
    wraps the banner), with the space between blocks closed up: the text itself is never made
    smaller, and what does not fit even then is a ``FitError``."""
    kept = len(section.kids) if section is not None else 0

    def at(spacing: float) -> list:
        spaced = styles if spacing == 1.0 else styles_for(handout, links=False, spacing=spacing)
        ctx = Context(spaced, width, height, compact=True, lines=handout.document.folded, parent=section, bleed=bleed)
        return face_flowables(canvas, handout, face, ctx, height)

    for spacing in CARD_SPACING[:-1]:
        try:
            return at(spacing)
        except FitError:
            if section is not None:  # the try's structure elements go with it
                del section.kids[kept:]
    return at(CARD_SPACING[-1])


BLEED = 2 * mm   # how far the banner's band runs past a cut: a cut up to 2 mm off still shows no white edge


def bleed_sides(handout: Handout, face: m.Face) -> tuple[float, float]:
    """How far a face's banner runs past its panel's left and right edges: ``BLEED`` across a cut,
    nothing at a fold (a folded card's band ends where the card bends, and wraps no further)."""
    for _, shown in sheet_sides(handout):
        names = [each.name for each in shown]
        if face.name in names:
            index = names.index(face.name)
            return (BLEED if index == 0 else 0.0, BLEED if index == len(names) - 1 else 0.0)
    return BLEED, BLEED


def card_positions(handout: Handout, panels: int = 1) -> list[tuple[float, float]]:
    """Lower-left corners of the cards on the front page, in reading order. A folded card is
    ``panels`` (2) cards wide with no gap between them, and takes as many of the layout's columns.

    With a QR code under the grid (the profile gives ``web:``), the grid moves up, and if that is
    not enough its rows close up to ``MIN_ROW_GAP``, until the code has ``qr.SIZE`` of room: on
    Letter, centred, it had 10 mm and did not decode at 100 dpi."""
    card = handout.layout["card"]
    page_w, page_h = handout.paper.size
    w, h, gap = card["width_mm"] * mm * panels, card["height_mm"] * mm, card["gap_mm"] * mm
    cols, rows = max(1, card["columns"] // panels), card["rows"]
    grid_w = cols * w + (cols - 1) * gap
    if grid_w > page_w or rows * h + (rows - 1) * gap > page_h:
        raise FitError(f"{cols} x {rows} cards do not fit on {handout.paper.name} paper",
                       path=handout.layout.files[0], hint="use fewer columns or rows in the card layout")
    x0 = (page_w - grid_w) / 2
    row_gap = gap
    y0 = grid_bottom(handout, rows * h + (rows - 1) * row_gap)
    if handout.document.furniture.web:
        from handouts.render.pdf.qr import SIZE

        while qr_room(handout, y0) < SIZE and row_gap - 0.25 * mm >= min(gap, MIN_ROW_GAP):
            row_gap -= 0.25 * mm
            y0 = grid_bottom(handout, rows * h + (rows - 1) * row_gap)
    return [(x0 + c * (w + gap), y0 + (rows - 1 - r) * (h + row_gap)) for r in range(rows) for c in range(cols)]


def grid_box(positions, size) -> list[float]:
    """The box around every card of the sheet: left, bottom, right, top."""
    return [min(x for x, _ in positions), min(y for _, y in positions),
            max(x for x, _ in positions) + size[0], max(y for _, y in positions) + size[1]]


MIN_ROW_GAP = 3 * mm   # still room to cut each card on its own line


def grid_bottom(handout: Handout, grid_h: float) -> float:
    """The lowest card's bottom edge: the grid centred, or moved up (as far as the sheet's note
    allows) to leave the QR code its room."""
    page_h = handout.paper.size[1]
    y0 = (page_h - grid_h) / 2
    if handout.document.furniture.web:
        from handouts.render.pdf.qr import SIZE

        short = SIZE - qr_room(handout, y0)
        if short > 0:
            top = page_h - SHEET_NOTE_ROOM - (handout.layout["card"]["crop_mm"] + 1.5) * mm - grid_h
            y0 = max(y0, min(y0 + short, top))
    return y0


SHEET_NOTE_ROOM = 20 * mm   # the top of a card sheet: 10 mm, then up to three lines of the note


def qr_room(handout: Handout, bottom: float) -> float:
    """The height free for the QR code under a grid whose lowest card starts at ``bottom``."""
    return bottom - (handout.layout["card"]["crop_mm"] + 1.5) * mm - 1 * mm - PRINTER_MARGIN


def draw_crop_marks(canvas: Canvas, handout: Handout, positions, size, styles: Styles, panels: int = 1):
    """Short lines outside the grid on every cut line, so the cards can be cut with a guillotine,
    and dashed ones on a folded card's fold."""
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
    canvas.setDash(1, 1)
    for x in sorted({x + w * part / panels for x, _ in positions for part in range(1, panels)}):
        canvas.line(x, top + offset, x, top + offset + length)
        canvas.line(x, bottom - offset, x, bottom - offset - length)
    canvas.setDash()


def sheet_sides(handout: Handout) -> list[tuple[str, list]]:
    """Each page of the sheet: its side's name and the faces on each card, left to right. Folded
    (left to right), the outside is the back then the cover, and the inside reads left to right;
    right to left, both are mirrored, so the card opens the other way."""
    faces = {face.name: face for face in handout.document.faces}
    if not handout.document.folded:
        return [("front", [faces["front"]]), ("back", [faces["back"]])]
    outside, inside = [faces["back"], faces["front"]], [faces["inside_first"], faces["inside_second"]]
    if handout.document.rtl:
        outside, inside = outside[::-1], inside[::-1]
    return [("outside", outside), ("inside", inside)]


def sheet_panels(handout: Handout) -> list[tuple[str, list[tuple[float, float, m.Face]]]]:
    """Each page of the sheet: its side's name, and the lower-left corner and face of every ID-1
    panel on it, the first card's first. The second page is mirrored, so that printed on both
    sides and flipped on the long edge each panel lies behind its other side."""
    card = handout.layout["card"]
    width = card["width_mm"] * mm
    sides = sheet_sides(handout)
    panels = len(sides[0][1])
    page_w = handout.paper.size[0]
    pages = []
    for page, (side, shown) in enumerate(sides):
        placed = []
        for x, y in card_positions(handout, panels):
            if page == 1:
                x = page_w - x - width * panels
            placed += [(x + number * width, y, face) for number, face in enumerate(shown)]
        pages.append((side, placed))
    return pages


def render_card(handout: Handout) -> bytes:
    styles = styles_for(handout, links=False)
    card = handout.layout["card"]
    size = (card["width_mm"] * mm, card["height_mm"] * mm)
    page_w, page_h = handout.paper.size
    pages = sheet_panels(handout)
    panels = 2 if handout.document.folded else 1
    positions = card_positions(handout, panels)
    buffer = io.BytesIO()
    info = document_info(handout)
    root = new_root()
    canvas = CardCanvas(buffer, pagesize=(page_w, page_h), invariant=1, initialFontName=styles.font_name,
                        lang=info["lang"])
    canvas.tagger = Tagger() if root is not None else None
    canvas.setTitle(info["title"])
    canvas.setAuthor(info["author"])
    canvas.setSubject(info["subject"])
    canvas.setCreator(info["creator"])
    canvas.setProducer(info["producer"])
    canvas.setKeywords(info["keywords"])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    # the cards' outer cut lines, and the band's bleed past them, for a print shop's imposition tools
    trim = grid_box(positions, (size[0] * panels, size[1]))
    canvas.setTrimBox(trim)
    canvas.setBleedBox([trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED])
    faces = handout.document.faces
    for face in faces:
        canvas.beginForm(face.name, -BLEED, 0, size[0] + BLEED, size[1])
        draw_face(canvas, handout, face, styles, size)
        canvas.endForm()
    # the first card is drawn itself and tagged, a section a face in reading order (whatever page
    # it is drawn on); the copies are artifacts
    sections = {face.name: StructNode("Sect") for face in faces} if root is not None else {}
    fur = handout.document.furniture
    note_style = styles.footer.but(align="center")
    for page, (side, placed) in enumerate(pages):
        for number, (x, y, face) in enumerate(placed):
            canvas.saveState()
            canvas.translate(x, y)
            if number < panels:
                draw_face(canvas, handout, face, styles, size, sections.get(face.name))
            else:
                canvas.doForm(face.name)
            canvas.restoreState()
        draw_crop_marks(canvas, handout, positions, (size[0] * panels, size[1]), styles, panels)
        runs = [(fur.draft + " ", True, False, None)] if fur.draft else []
        # the draft notice goes on the sheet, not the card: a card has no room for it in every language
        instructions = fur.fold_instructions if panels > 1 else fur.card_instructions
        runs.append((f"{handout.document.title} · {fur.side(side)} ({page + 1}/2) · {instructions}",
                     False, False, None))
        note = TextBlock(runs, note_style)
        _, nh = note.wrap(page_w - 40 * mm, 20 * mm)
        note.drawOn(canvas, 20 * mm, page_h - 10 * mm - nh)
        if page == 0 and fur.web:
            online = StructNode("Sect") if root is not None else None  # read after the back, though drawn on page 1
            draw_online(canvas, handout, styles, positions, online)
        if page == 1:
            notice = StructNode("P") if root is not None else None
            draw_sheet_notice(canvas, handout, styles, positions, notice)
        canvas.showPage()
    canvas.save()
    if root is not None:
        root.kids += [sections[face.name] for face in faces] + [notice]
    if fur.web and root is not None:
        root.kids.append(online)
    return tag_pdf(buffer.getvalue(), root, lang=handout.locale)


PRINTER_MARGIN = 6 * mm   # most office printers leave the outer 4 to 6 mm blank


def draw_sheet_notice(canvas: Canvas, handout: Handout, styles: Styles, positions, node: StructNode | None) -> None:
    """The medical-advice notice under the cards of the sheet's second page, for the nurse and
    the patient given the whole sheet: the card itself says "carry this card", as a card whose
    job is "call now" should (two PEMAT-P reviewers read "not medical advice" there as telling
    staff to discount it)."""
    crop = (handout.layout["card"]["crop_mm"] + 1.5) * mm
    room = min(y for _, y in positions) - crop - 1 * mm - PRINTER_MARGIN
    page_w = handout.paper.size[0]
    block = tagged(plain_para(handout.document.furniture.notice, styles.footer.but(align="center")), node)
    _, height = block.wrap(page_w - 40 * mm, room)
    if height > room:
        raise FitError(f"the medical-advice notice does not fit under the cards of a {handout.paper.name} sheet in "
                       f"'{handout.locale}'", path=handout.layout.files[0], hint="use fewer rows of cards")
    block.drawOn(canvas, 20 * mm, PRINTER_MARGIN + room - height)


def draw_online(canvas: Canvas, handout: Handout, styles: Styles, positions, section: StructNode | None) -> None:
    """The QR code of the card's HTML twin in the sheet's bottom margin, below the crop marks (a
    wallet card has no room for it): for the nurse, or a patient given the whole sheet."""
    from handouts.render.pdf.qr import SIZE, online_parts

    room = qr_room(handout, min(y for _, y in positions))
    code, words = online_parts(handout, styles, section, links=True)
    code.size = max(min(SIZE, room), 12 * mm)
    if code.size < SIZE:
        # a smaller code keeps its modules large with half the quiet zone drawn: the sheet around
        # it is blank (the margin, the gap before the words, 1 mm to the crop marks) for the rest
        code.border = 2
    page_w = handout.paper.size[0]
    text_w = page_w - 40 * mm - code.size - 4 * mm
    x_code = 20 * mm if not styles.rtl else page_w - 20 * mm - code.size
    x_text = x_code + code.size + 4 * mm if not styles.rtl else 20 * mm
    code.wrapOn(canvas, code.size, code.size)
    code.drawOn(canvas, x_code, PRINTER_MARGIN)
    heights = [block.wrapOn(canvas, text_w, code.size)[1] for block in words]
    y = PRINTER_MARGIN + (code.size + sum(heights)) / 2
    for block, height in zip(words, heights):
        y -= height
        block.drawOn(canvas, x_text, y)


class CardCanvas(Canvas):
    """A canvas whose pages are artifacts but for what its tagger marks (the first card of a sheet)."""

    tagger: Tagger | None = None

    def showPage(self):
        if self.tagger is not None:
            artifact_page(self._code)
        super().showPage()


def render_alert_sheet(handout: Handout) -> bytes:
    """A card's content as a large-print page: the same blocks, front then back, at 18 pt and up."""
    from handouts.render.pdf.flow import story
    from handouts.render.pdf.qr import online_block

    width = text_width(handout)

    def make(spacing: float):
        styles = styles_for(handout, spacing=spacing)
        root = new_root()
        ctx = Context(styles, width, handout.paper.size[1], stacked=True, parent=root, banner="H2")
        # its title (the document's one H1, so headings read in order), the emergency box (in the
        # blocks: a card's front has only part of it), then the medical-advice notice, when the
        # footer lacks it
        flow = title_block(handout, styles, width, root) + story(handout.document.blocks, ctx)
        for index, face in enumerate(handout.document.faces):
            if index:
                flow.append(Spacer(1, handout.layout.mm("spacing_mm", "section") * spacing))
            flow += story(face.blocks, ctx)
        return flow + online_block(handout, styles, width, root), styles, root

    return laid_out(handout, make)
