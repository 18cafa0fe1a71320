"""Pages for flowing handouts (sheets, checklists, alert sheets): frame, footer, metadata.

The footer carries what the model's furniture says: title, version and review date, page number
of total, the medical-advice notice (unless large print put it on the page) and the draft notice
on every page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, Image, KeepTogether, PageTemplate, Spacer
from reportlab.platypus.doctemplate import LayoutError

import handouts
from handouts.document import Handout
from handouts.errors import ContentError, FitError
from handouts.render.pdf.flow import FLOAT_WHILE_UNDER, EmergencyBox, grid, plain_para, sub, tagged
from handouts.render.pdf.styles import Styles
from handouts.render.pdf.tags import StructNode, Tagger, artifact_page, pagination, tag_pdf
from handouts.render.pdf.text import TextBlock


def document_info(handout: Handout) -> dict:
    """PDF metadata: what a screen reader, a file browser and a records system show."""
    doc = handout.document
    return {
        "title": doc.title,
        "subject": f"{doc.module} ({doc.kind}), content version {handout.module.version}",
        "author": handout.clinic.name or "handouts",
        "creator": f"handouts {handouts.__version__}",
        "producer": f"handouts {handouts.__version__} (ReportLab)",
        "lang": doc.locale,
        "keywords": [doc.module, doc.locale, handout.paper.name],
    }


def footer_lines(handout: Handout) -> tuple[str, list]:
    """The footer's first line (title, version, review date) and its notice runs."""
    fur = handout.document.furniture
    first = " · ".join(([handout.document.title] if fur.notice_in_footer else []) + [fur.version, fur.reviewed])
    notice = []
    if fur.draft:   # its English half marked English, so a screen reader switches voice (WCAG 3.1.2)
        parts = fur.draft_parts or ((fur.draft, ""),)
        notice += [(text, True, False, None, lang) for text, lang in parts] + [(" ", True, False, None)]
    if fur.notice_in_footer:
        notice.append((fur.notice, False, False, None))
    return first, notice


def numbered_canvas(draw_footer, tagger: Tagger | None = None):
    """A Canvas class that knows the page count when it draws each footer ("page 2 of 3"), and
    tags what it draws with ``tagger``: the footer, and all else not tagged, as artifacts."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages = []
            self.tagger = tagger

        def showPage(self):
            if tagger is not None:
                artifact_page(self._code)
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                if tagger is not None and self._pageNumber == total:   # read once, at the end
                    self._code.append("/Artifact BMC")   # the page number stays furniture
                    draw_footer(self, self._pageNumber, total, tagged=True)
                    self._code.append("EMC")
                elif tagger is not None:
                    pagination(self._code, lambda: draw_footer(self, self._pageNumber, total))
                else:
                    draw_footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def text_width(handout: Handout) -> float:
    layout = handout.layout
    return handout.paper.size[0] - layout.mm("margins_mm", "left") - layout.mm("margins_mm", "right")


class MeasuredDocTemplate(BaseDocTemplate):
    """A document template that notes how far down each page its content reaches, so the page
    rules (no page but the last under a third full) can be checked from what was drawn."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lowest: dict[int, float] = {}
        self.online_page: int | None = None      # the page of the QR block
        self.content_pages: set[int] = set()     # pages with something drawn on them but the QR block

    def filterFlowables(self, flowables):
        """Let the text after a floating picture go first while the picture does not fit in what is
        left of a page less than half full; never text that starts a section, never past one."""
        first, frame = flowables[0] if flowables else None, getattr(self, "frame", None)
        if not getattr(first, "floats", False) or frame is None or len(flowables) < 2 or \
                not movable(flowables[1]):
            return
        free = frame._y - frame._y1p
        if free < frame._aH * (1 - FLOAT_WHILE_UNDER):
            return
        first._frame, first.canv = frame, self.canv
        _, height = first.wrap(frame._getAvailableWidth(), free)
        if height + first.getSpaceBefore() > free:
            flowables[0], flowables[1] = flowables[1], first

    def afterFlowable(self, flowable):
        if self.frame is None or isinstance(flowable, Spacer):  # space is not content
            return
        page = self.canv.getPageNumber()
        # not a break or a marker (a Table keeps its size in _height)
        drawn = getattr(flowable, "height", 0) or getattr(flowable, "width", 0) or getattr(flowable, "_height", 0)
        if drawn and getattr(flowable, "online", False):
            self.online_page = page
        elif drawn:
            self.content_pages.add(page)
        bottom = self.frame._y + flowable.getSpaceAfter()  # where it ends, not the space kept after it
        self.lowest[page] = min(self.lowest.get(page, bottom), bottom)


def movable(flowable) -> bool:
    """Text that may be set before a floating picture: a paragraph, a list item, a step; not a
    heading that starts a section (nor a group it heads), a box, a table or another picture."""
    head = flowable._content[0] if isinstance(flowable, KeepTogether) and flowable._content else flowable
    return isinstance(flowable, (TextBlock, KeepTogether)) and not getattr(flowable, "floats", False) and \
        not getattr(head, "starts_section", False)


@dataclass
class PageFill:
    """How full each page's text frame is (0 to 1), from the lowest point drawn on it, and the
    frame's height (known before the pages are laid out)."""

    fills: list = field(default_factory=list)
    frame_height: float = 0.0
    online_alone: bool = False   # the QR block is the only content of its page

    def problems(self, rules: dict) -> list[str]:
        """What breaks the layout's page rules, in words a maintainer can act on."""
        found = []
        last = len(self.fills)
        for number, fill in enumerate(self.fills, start=1):
            if number < last and fill < rules.get("min_fill", 0):
                found.append(f"page {number} of {last} is {fill:.0%} full (the layout wants "
                             f"{rules['min_fill']:.0%} or more)")
        if last > 1 and self.fills[-1] < rules.get("min_last_fill", 0):
            found.append(f"the last page ({last}) is only {self.fills[-1]:.0%} full (the layout wants "
                         f"{rules['min_last_fill']:.0%} or more)")
        if last > 1 and self.online_alone:
            found.append(f"the last page ({last}) holds only the QR block")
        return found


def build_pdf(handout: Handout, story: list, styles: Styles, measure: PageFill | None = None,
              root: StructNode | None = None) -> bytes:
    """Lay a story onto pages of the handout's paper, with the footer on every page. With
    ``measure``, how full each page is, is filled in; with ``root``, the structure tree the story's
    flowables were tagged under is written into the PDF."""
    layout = handout.layout
    width, height = handout.paper.size
    margins = {side: layout.mm("margins_mm", side) for side in ("top", "bottom", "left", "right")}
    buffer = io.BytesIO()
    doc = MeasuredDocTemplate(
        buffer, pagesize=(width, height), leftMargin=margins["left"], rightMargin=margins["right"],
        topMargin=margins["top"], bottomMargin=margins["bottom"], invariant=1,
        initialFontName=styles.font_name, displayDocTitle=1, direction="R2L" if handout.rtl else None,
        **document_info(handout),
    )
    top_line, notice = footer_lines(handout)
    inner = width - margins["left"] - margins["right"]
    full = handout.document.furniture.notice_in_footer
    page_label = handout.document.furniture.page_label

    # The footer's version line and notices are safety text a screen reader must hear: tagged once,
    # on the last page, at the end of the tree; every other footer is a pagination artifact.
    said = root.add("Sect") if root is not None else None

    def footer(page: int, total: int, tagged: bool = False):
        page_text = page_label.format(page=page, pages=total)
        version = plain_para(top_line, styles.footer)
        first = [version, plain_para(page_text, styles.footer.but(align="end"))]
        widths = [inner * 0.78, inner * 0.22] if full else [inner * 0.6, inner * 0.4]
        if handout.rtl:
            first, widths = first[::-1], widths[::-1]
        notes = TextBlock(notice, styles.footer) if notice else None
        if tagged and said is not None:
            version.struct = said.add("P")
            if notes is not None:
                notes.struct = said.add("P")
        rows = [first, [notes, ""]] if notes is not None else [first]
        return grid(rows, widths, styles, [
            *([("SPAN", (0, 1), (1, 1))] if notice else []),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, styles.colours["rule"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])

    # The footer sits a fixed distance above the paper's edge; the text frame ends above it, so a
    # large-print footer (18 pt) pushes the text up instead of running into it.
    footer_bottom = layout.mm("spacing_mm", "footer") if "footer" in layout.values["spacing_mm"] else 8 * 72 / 25.4
    _, footer_height = footer(99, 99).wrap(inner, height)
    bottom = max(margins["bottom"], footer_bottom + footer_height + 6)
    frame = Frame(margins["left"], bottom, inner, height - margins["top"] - bottom, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame])])

    def draw_footer(canvas, page: int, total: int, tagged: bool = False):
        table = footer(page, total, tagged)
        table.wrapOn(canvas, inner, height)
        table.drawOn(canvas, margins["left"], footer_bottom)

    if measure is not None:
        measure.frame_height = frame._height  # known before the build, for a message if the build fails
    doc.build(story, canvasmaker=numbered_canvas(draw_footer, Tagger() if root is not None else None))
    if measure is not None:
        top = frame._y2
        pages = max(doc.lowest) if doc.lowest else 1
        measure.fills = [(top - doc.lowest.get(page, top)) / frame._height for page in range(1, pages + 1)]
        measure.online_alone = doc.online_page is not None and doc.online_page not in doc.content_pages
    return tag_pdf(buffer.getvalue(), root, lang=handout.locale)


TIGHTER = (1.0, 0.6, 0.3)   # spacing tried in turn when a page rule is broken: tighten before giving up


def laid_out(handout: Handout, make, writing_room: bool = False) -> bytes:
    """The story of ``make(spacing) -> (flow, styles, root)`` on pages, tagged under ``root``, checked:
    the emergency box whole on page 1, and the layout's page rules. Either, broken, is first met by
    tightening the spacing (a clinic's name, address and printed numbers can push the box off page
    1 of a Spanish sheet on Letter by a few points). An emergency box that still does not fit fails
    the build, naming what to shorten; a page rule still broken is a warning, which ``--strict``
    fails. With ``writing_room``, ``make(spacing, room=True)`` sets lines to write on before the
    QR block, for a QR block that neither moving up nor tighter spacing keeps off a page of its own."""
    rules = handout.layout.values.get("pages") or {}
    best = None

    def attempt(spacing: float, pulled: int, room: bool = False):
        flow, styles, root = make(spacing, room=True) if room else make(spacing)
        pull_online(flow, pulled)
        measure = PageFill()
        # found before the build, which consumes the story
        boxes = [part for item in flow for part in getattr(item, "_content", [item]) if isinstance(part, EmergencyBox)]
        try:
            return build_pdf(handout, flow, styles, measure, root), measure, boxes
        except LayoutError:
            tall = [box for box in boxes if box.wrap(text_width(handout), 1e6)[1] > measure.frame_height]
            if tall:  # the box is taller than a page: say which text to shorten, not ReportLab's words
                raise_emergency_fit(handout, tall[0], "is taller than a page")
            raise

    for spacing in TIGHTER:
        data, measure, boxes = attempt(spacing, 0)
        for pulled in range(1, PULL_ONLINE + 1):   # not a last page of only the QR block, if it can be helped
            if not measure.online_alone:
                break
            tried = attempt(spacing, pulled)
            better = not tried[1].online_alone and len(tried[1].fills) <= len(measure.fills) and \
                len(tried[1].problems(rules)) <= len(measure.problems(rules)) and \
                emptiest(tried[1]) >= min(emptiest(measure), 0.35)
            if better:   # else it stays last, alone: a page half empty in mid-document is worse
                data, measure, boxes = tried
        if writing_room and measure.online_alone:   # its page gets lines to write on, and the code under them
            tried = attempt(spacing, 0, room=True)
            if not tried[1].online_alone and len(tried[1].fills) <= len(measure.fills):
                data, measure, boxes = tried
        if spacing != TIGHTER[-1] and misfit(boxes):
            continue
        check_emergency_boxes(handout, boxes)
        problems = measure.problems(rules)
        if best is None or len(problems) < len(best[1]):
            best = (data, problems)
        if not problems:
            break
    data, problems = best
    handout.warnings += [f"{handout.module.shown}: {handout.document.module} [{handout.locale}, {handout.paper.name}, "
                         f"{handout.variant}]: {problem}" for problem in problems]
    return data


PULL_ONLINE = 3   # flowables the QR block may be set before, to keep it off a page of its own


def emptiest(measure) -> float:
    """How full the emptiest page but the last is (1 for a single page)."""
    return min(measure.fills[:-1], default=1.0)


def pull_online(flow: list, pulled: int) -> None:
    """Set the QR block (the story's last part) ``pulled`` flowables earlier, spaces not counted:
    alone on the last page, it goes up beside what was before it. Only the drawing order moves;
    the structure tree, made with the story, still reads it last."""
    at = next((index for index, item in enumerate(flow) if getattr(item, "online", False)), None)
    if at is None or not pulled:
        return
    block = flow.pop(at)
    to = at
    while pulled and to > 0:
        to -= 1
        if not isinstance(flow[to], Spacer):
            pulled -= 1
    flow.insert(to, block)


def misfit(boxes: list) -> list:
    """The emergency boxes that split, or are not on page 1 when they must be."""
    return [box for box in boxes if len(box.pages) > 1 or (box.first_page and box.pages != [1])]


def check_emergency_boxes(handout: Handout, boxes: list) -> None:
    for box in misfit(boxes):
        raise_emergency_fit(handout, box, "splits across pages" if len(box.pages) > 1
                            else "does not fit on the first page")


def raise_emergency_fit(handout: Handout, box, what: str):
    where = box.source
    raise FitError(f"the emergency box {what}", path=where.path or handout.module.shown, line=where.line,
                   hint="shorten emergency.call_emergency, emergency.call_team or emergency.note "
                        "(or the key points above the box); it is never split")


LOGO_MM = 14   # the logo's height at most: taller, beside a long name and address, it pushed a Spanish
# sheet's emergency box off page 1


def title_block(handout: Handout, styles: Styles, width: float, root: StructNode | None = None) -> list:
    """Title, subtitle and (when given) the clinic's name and logo at the top of the first page. The
    logo is an artifact: the clinic's name is printed beside it."""
    doc = handout.document
    heading = [tagged(plain_para(doc.title, styles.title), sub(root, "H1"))]
    if doc.subtitle:
        heading.append(tagged(plain_para(doc.subtitle, styles.subtitle), sub(root, "P")))
    fur = doc.furniture
    if not (fur.logo or fur.clinic):
        return heading
    if styles.body.size >= 14:
        # large print: the title keeps the full width, and the clinic is named in the "who to call"
        # box. A logo beside an 18 pt title wrapped it onto more lines and pushed the emergency box
        # off page 1 in Spanish and Vietnamese; the large-print sheet goes without it.
        return heading
    side = []
    if fur.logo:
        side.append(logo_image(fur.logo, max_width=width * 0.25, max_height=LOGO_MM * 72 / 25.4))
    if fur.clinic:
        side.append(tagged(plain_para(fur.clinic, styles.small.but(align="end")), sub(root, "P")))
    if fur.contacts is not None and fur.contacts.address:  # under the name (the emergency box has the numbers)
        side.append(tagged(TextBlock([(fur.contacts.address.strip(), False, False, None)],
                                     styles.small.but(align="end")), sub(root, "P")))
    cells = [heading, side] if not styles.rtl else [side, heading]
    widths = [width * 0.7, width * 0.3] if not styles.rtl else [width * 0.3, width * 0.7]
    heading_col = 1 if styles.rtl else 0
    return [grid([cells], widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        # the logo flush with the page's edge, above the name and address set against it
        ("ALIGN", (1 - heading_col, 0), (1 - heading_col, 0), "LEFT" if styles.rtl else "RIGHT"),
        # a gutter between a long title and the clinic's name
        ("RIGHTPADDING" if not styles.rtl else "LEFTPADDING", (heading_col, 0), (heading_col, 0), 12)])]


def logo_image(path, max_width: float, max_height: float) -> Image:
    """The clinic's logo scaled to fit its box, keeping its proportions."""
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(str(path))
        w, h = reader.getSize()
    except Exception as exc:  # Pillow raises many types for a bad image  # noqa: BLE001
        raise ContentError(f"cannot read logo image: {exc}", path=path, hint="use a PNG or JPEG file") from None
    scale = min(max_width / w, max_height / h)
    image = Image(str(path), width=w * scale, height=h * scale)
    image.hAlign = "RIGHT"
    return image
