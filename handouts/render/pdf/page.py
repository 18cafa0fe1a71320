"""Pages for flowing handouts (sheets, checklists, alert sheets): frame, footer, metadata.

The footer carries what the model's furniture says: title, version and review date, page number
of total, the medical-advice notice (unless large print put it on the page) and the draft notice
on every page.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageTemplate

import handouts
from handouts.document import Handout
from handouts.errors import ContentError
from handouts.render.pdf.flow import grid, plain_para
from handouts.render.pdf.styles import Styles
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
    if fur.draft:
        notice.append((fur.draft + " ", True, False, None))
    if fur.notice_in_footer:
        notice.append((fur.notice, False, False, None))
    return first, notice


def numbered_canvas(draw_footer):
    """A Canvas class that knows the page count when it draws each footer ("page 2 of 3")."""

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


def text_width(handout: Handout) -> float:
    layout = handout.layout
    return handout.paper.size[0] - layout.mm("margins_mm", "left") - layout.mm("margins_mm", "right")


def build_pdf(handout: Handout, story: list, styles: Styles) -> bytes:
    """Lay a story onto pages of the handout's paper, with the footer on every page."""
    layout = handout.layout
    width, height = handout.paper.size
    margins = {side: layout.mm("margins_mm", side) for side in ("top", "bottom", "left", "right")}
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=(width, height), leftMargin=margins["left"], rightMargin=margins["right"],
        topMargin=margins["top"], bottomMargin=margins["bottom"], invariant=1,
        initialFontName=styles.font_name, displayDocTitle=1, direction="R2L" if handout.rtl else None,
        **document_info(handout),
    )
    top_line, notice = footer_lines(handout)
    inner = width - margins["left"] - margins["right"]
    full = handout.document.furniture.notice_in_footer
    page_label = handout.document.furniture.page_label

    def footer(page: int, total: int):
        page_text = page_label.format(page=page, pages=total)
        first = [plain_para(top_line, styles.footer), plain_para(page_text, styles.footer.but(align="end"))]
        widths = [inner * 0.78, inner * 0.22] if full else [inner * 0.6, inner * 0.4]
        if handout.rtl:
            first, widths = first[::-1], widths[::-1]
        rows = [first, [TextBlock(notice, styles.footer), ""]] if notice else [first]
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

    def draw_footer(canvas, page: int, total: int):
        table = footer(page, total)
        table.wrapOn(canvas, inner, height)
        table.drawOn(canvas, margins["left"], footer_bottom)

    doc.build(story, canvasmaker=numbered_canvas(draw_footer))
    return buffer.getvalue()


def title_block(handout: Handout, styles: Styles, width: float) -> list:
    """Title, subtitle and (when given) the clinic's name and logo at the top of the first page."""
    doc = handout.document
    heading = [plain_para(doc.title, styles.title)]
    if doc.subtitle:
        heading.append(plain_para(doc.subtitle, styles.subtitle))
    fur = doc.furniture
    if not (fur.logo or fur.clinic):
        return heading
    side = []
    if fur.logo:
        side.append(logo_image(fur.logo, max_width=width * 0.25, max_height=22 * 72 / 25.4))
    if fur.clinic:
        side.append(plain_para(fur.clinic, styles.small.but(align="end")))
    cells = [heading, side] if not styles.rtl else [side, heading]
    widths = [width * 0.7, width * 0.3] if not styles.rtl else [width * 0.3, width * 0.7]
    heading_col = 1 if styles.rtl else 0
    return [grid([cells], widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
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
