"""What every renderer shares: styles from the layout, the page frame, footer and contacts."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

import handouts
from handouts.fonts import register_family
from handouts.markup import Block, escape_text, plain_text
from handouts.prepare import Handout, format_date
from handouts.render.bidi import RightToLeftParagraph
from handouts.render.cjk import KinsokuParagraph


class Styles:
    """Paragraph styles derived from a layout, mirrored for right-to-left locales."""

    def __init__(self, handout: Handout, scale: float = 1.0):
        layout = handout.layout
        register_family(handout.font)
        self.font = handout.font.face("regular")
        self.bold = handout.font.face("bold")
        self.rtl = handout.rtl
        self.align = TA_RIGHT if self.rtl else TA_LEFT
        # How lines break: right-to-left reordering, between any two CJK characters, or at spaces.
        self.wrap = "RTL" if self.rtl else ("CJK" if handout.font.cjk else None)
        self.leading = layout.values["type_pt"].get("leading", 1.3)
        text = colors.HexColor(layout.colour("text"))
        self.colours = {name: colors.HexColor(value) for name, value in layout.values["colours"].items()}
        space = layout.mm("spacing_mm", "paragraph")

        def style(name, size, font=None, colour=text, **extra):
            size = layout.pt(size) * scale
            settings = {"spaceAfter": space, "wordWrap": self.wrap, "shaping": int(handout.font.shaping)} | extra
            return ParagraphStyle(name, fontName=font or self.font, fontSize=size, leading=size * self.leading,
                                  textColor=colour, alignment=self.align, **settings)

        self.title = style("title", "title", self.bold, self.colours["accent"], spaceAfter=space)
        self.subtitle = style("subtitle", "subtitle", colour=self.colours["muted"], spaceAfter=space * 2)
        self.heading = style("heading", "heading", self.bold, self.colours["accent"],
                             spaceBefore=layout.mm("spacing_mm", "section"), keepWithNext=1)
        self.body = style("body", "body")
        self.body_bold = style("body_bold", "body", self.bold)
        self.small = style("small", "small", colour=self.colours["muted"])
        self.footer = style("footer", "footer", colour=self.colours["muted"], spaceAfter=0)
        self.cell = style("cell", "body", spaceAfter=0)
        self.cell_head = style("cell_head", "body", self.bold, self.colours["accent_text"], spaceAfter=0)
        self.cell_bold = style("cell_bold", "body", self.bold, spaceAfter=0)
        self.step = style("step", "body", leftIndent=0 if self.rtl else layout.pt("body") * 1.3,
                          rightIndent=layout.pt("body") * 1.3 if self.rtl else 0)
        self.heading_in_box = style("heading_in_box", "heading", self.bold, self.colours["accent"], keepWithNext=1)
        self.label = style("label", "small", spaceAfter=0)
        self.caption = style("caption", "small", colour=self.colours["muted"])


def grid(rows, widths, styles: "Styles", commands=(), **options) -> Table:
    """A Table in our font: ReportLab sets Helvetica for table cells otherwise, and Helvetica is
    not embedded, so a reader could substitute any face for it."""
    table = Table(rows, colWidths=widths, **options)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.font),
                               ("FONTSIZE", (0, 0), (-1, -1), styles.body.fontSize), *commands]))
    return table


def para(markup: str, style: ParagraphStyle):
    """A paragraph of our markup in the style's writing direction."""
    if style.wordWrap == "RTL":
        return RightToLeftParagraph(markup, style)
    if style.wordWrap == "CJK":
        return KinsokuParagraph(markup, style)
    return Paragraph(markup, style)


def paragraphs(blocks: list[Block], style: ParagraphStyle, styles: Styles) -> list:
    """Flowables for Markdown blocks: paragraphs, and bullet or numbered lists."""
    flow = []
    indent = style.fontSize * 1.3
    side = {"rightIndent": indent} if styles.rtl else {"leftIndent": indent}
    for block in blocks:
        if block.kind == "p":
            flow += [para(item, style) for item in block.items]
        else:
            items = [ListItem(para(item, style), **side) for item in block.items]
            flow.append(ListFlowable(
                items, bulletType="1" if block.kind == "ol" else "bullet", start=None if block.kind == "ol" else "•",
                bulletFontName=styles.font, bulletFontSize=style.fontSize, bulletDedent="auto",
                bulletDir="rtl" if styles.rtl else "ltr", spaceAfter=style.spaceAfter, **side,
            ))
    return flow


def fill_words(text: str, **values) -> str:
    """Fill ``{page}``-style slots in common strings; the values are our own numbers or escaped text."""
    return text.format_map(values)


def footer_in_full(handout: Handout) -> bool:
    """Whether the footer carries the title and the notice (large print moves them to the page)."""
    return handout.layout.values.get("footer_notice", True)


def footer_lines(handout: Handout) -> tuple[str, str]:
    """The two footer lines besides the page number: version and review date, and the notice.

    The draft notice is always in the footer, so that it is on every page.
    """
    words = handout.words
    version = fill_words(words["version"], version=handout.module.version)
    reviewed = fill_words(words["reviewed"], date=format_date(handout.module.reviewed, handout.locale))
    full = footer_in_full(handout)
    notice = words["notice"] if full else ""
    if handout.draft:
        notice = f"<b>{words['draft']}</b> {notice}".strip()
    first = f"{handout.title} · {version} · {reviewed}" if full else f"{version} · {reviewed}"
    return first, notice


def notice_block(handout: Handout, styles: Styles, width: float) -> list:
    """The medical-advice notice on the page itself, where the footer does not carry it."""
    if footer_in_full(handout):
        return []
    return [shaded_box([para(handout.words["notice"], styles.body)], styles, width), Spacer(1, 6)]


def contact_rows(handout: Handout) -> list[tuple[str, str]]:
    """(label, number) for each phone; blank lines to write on when the clinic gave none."""
    words, phones = handout.words, handout.clinic.phones
    blank = "_" * 18
    return [(words[kind], escape_text(phones[kind]) if phones.get(kind) else blank)
            for kind in ("daytime", "after_hours", "emergency")]


def document_info(handout: Handout) -> dict:
    """PDF metadata: what a screen reader, a file browser and a records system show."""
    clinic = handout.clinic.name
    return {
        "title": plain_text(handout.title),
        "subject": f"{handout.module.name} ({handout.module.kind}), content version {handout.module.version}",
        "author": clinic or "handouts",
        "creator": f"handouts {handouts.__version__}",
        "producer": f"handouts {handouts.__version__} (ReportLab)",
        "lang": handout.locale,
        "keywords": [handout.module.name, handout.locale, handout.paper.name],
    }


def numbered_canvas(draw_footer):
    """A Canvas class that knows the page count when it draws each footer ("page 2 of 3").

    Pages are held back until the document is complete, then each footer is drawn with the total.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages = []

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                draw_footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_document(handout: Handout, story: list, styles: Styles) -> bytes:
    """Lay a story onto pages of the handout's paper, with the footer on every page."""
    layout = handout.layout
    width, height = handout.paper.size
    margins = {side: layout.mm("margins_mm", side) for side in ("top", "bottom", "left", "right")}
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=(width, height), leftMargin=margins["left"], rightMargin=margins["right"],
        topMargin=margins["top"], bottomMargin=margins["bottom"], invariant=1,
        initialFontName=styles.font, displayDocTitle=1, direction="R2L" if handout.rtl else None,
        **document_info(handout),
    )
    top_line, notice = footer_lines(handout)
    inner = width - margins["left"] - margins["right"]

    def footer(page: int, total: int):
        page_text = fill_words(handout.words["page"], page=page, pages=total)
        first = [para(top_line, styles.footer), para(page_text, _aligned(styles.footer, "end", styles))]
        widths = [inner * 0.78, inner * 0.22] if footer_in_full(handout) else [inner * 0.6, inner * 0.4]
        if handout.rtl:
            first, widths = first[::-1], widths[::-1]
        rows = [first, [para(notice, styles.footer), ""]] if notice else [first]
        table = grid(rows, widths, styles, [
            *([("SPAN", (0, 1), (1, 1))] if notice else []),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, styles.colours["rule"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
        return table

    # The footer sits a fixed distance above the paper's edge; the text frame ends above it, so a
    # large-print footer (18 pt) pushes the text up instead of running into it.
    footer_bottom = layout.mm("spacing_mm", "footer") if "footer" in layout.values["spacing_mm"] else 8 * 72 / 25.4
    _, footer_height = footer(99, 99).wrap(inner, height)
    bottom = max(margins["bottom"], footer_bottom + footer_height + 6)
    frame = Frame(margins["left"], bottom, inner, height - margins["top"] - bottom, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame])])

    def draw_footer(canvas, page: int, total: int):
        table = footer(page, total)
        table.wrapOn(canvas, inner, height)
        table.drawOn(canvas, margins["left"], footer_bottom)

    doc.build(story, canvasmaker=numbered_canvas(draw_footer))
    return buffer.getvalue()


def _aligned(style: ParagraphStyle, where: str, styles: Styles) -> ParagraphStyle:
    """A copy of ``style`` aligned to the line's end (right, or left in right-to-left text)."""
    end = TA_LEFT if styles.rtl else TA_RIGHT
    return ParagraphStyle(f"{style.name}-{where}", parent=style,
                          alignment={"end": end, "center": TA_CENTER, "start": styles.align}[where])


def title_block(handout: Handout, styles: Styles, width: float) -> list:
    """Title, subtitle and (when given) the clinic's name and logo at the top of the first page."""
    flow = []
    doc = handout.doc
    heading = [para(doc["title"], styles.title)]
    if doc.get("subtitle"):
        heading.append(para(doc["subtitle"], styles.subtitle))
    clinic = handout.clinic
    if clinic.logo or clinic.name:
        side = []
        if clinic.logo:
            side.append(logo_image(clinic.logo, max_width=width * 0.25, max_height=22 * 72 / 25.4))
        if clinic.name:
            side.append(para(escape_text(clinic.name), _aligned(styles.small, "end", styles)))
        cells = [heading, side] if not styles.rtl else [side, heading]
        widths = [width * 0.7, width * 0.3] if not styles.rtl else [width * 0.3, width * 0.7]
        heading_col = 1 if styles.rtl else 0
        table = grid([cells], widths, styles, [
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            # a gutter between a long title and the clinic's name
            ("RIGHTPADDING" if not styles.rtl else "LEFTPADDING", (heading_col, 0), (heading_col, 0), 12)])
        flow.append(table)
    else:
        flow += heading
    return flow + notice_block(handout, styles, width)


def logo_image(path, max_width: float, max_height: float) -> Image:
    """The clinic's logo scaled to fit its box, keeping its proportions."""
    from reportlab.lib.utils import ImageReader

    from handouts.errors import ContentError
    try:
        reader = ImageReader(str(path))
        w, h = reader.getSize()
    except Exception as exc:  # Pillow raises many types for a bad image  # noqa: BLE001
        raise ContentError(f"cannot read logo image: {exc}", path=path, hint="use a PNG or JPEG file") from None
    scale = min(max_width / w, max_height / h)
    image = Image(str(path), width=w * scale, height=h * scale)
    image.hAlign = "RIGHT"
    return image


def shaded_box(flow: list, styles: Styles, width: float, fill_name: str = "shade") -> Table:
    """Flowables in a tinted box with a rule on the start side: key points, contacts.

    One row per flowable, so a long box (large print) can break across pages between them.
    """
    side = "LINEAFTER" if styles.rtl else "LINEBEFORE"
    return grid([[item] for item in flow], [width], styles, [
        ("BACKGROUND", (0, 0), (-1, -1), styles.colours[fill_name]),
        (side, (0, 0), (0, -1), 3, styles.colours["accent"]),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), styles.body.spaceAfter),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
    ], splitByRow=1)


def contacts_box(handout: Handout, styles: Styles, width: float) -> KeepTogether:
    """Who to call, with the clinic's numbers or lines to write them on."""
    words = handout.words
    flow = [para(words["contacts"], styles.body_bold)]
    if handout.clinic.name:
        flow.append(para(escape_text(handout.clinic.name), styles.body))
    for label, number in contact_rows(handout):
        flow.append(para(f"{fill_words(handout.words['label'], label=label)} <b>{number}</b>", styles.body))
    if handout.clinic.address:
        flow.append(para(escape_text(handout.clinic.address).replace("\n", "<br/>"), styles.small))
    return KeepTogether([Spacer(1, 6), shaded_box(flow, styles, width)])
