"""The way from paper to screen: a QR code of the handout's HTML twin, with its address in words.

Printed when the clinic profile gives ``web:`` (where it publishes the HTML handouts). The code is
ReportLab's own QR widget, drawn as vector squares, so it stays sharp at any print resolution; the
address is printed under the words, as a link on screen, for those who cannot scan.
"""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from handouts.document import Handout
from handouts.render.pdf.flow import grid, mirrored, sub, tagged
from handouts.render.pdf.styles import Styles
from handouts.render.pdf.tags import Marked, StructNode
from handouts.render.pdf.text import TextBlock

SIZE = 22 * mm     # 0.5 mm a module for an address of about 80 characters: what phones read easily


class QrCode(Flowable):
    """A square QR code of ``value``, its quiet zone included, ``size`` points wide."""

    struct = None   # its Figure element (tagged PDF), whose /Alt is the address

    def __init__(self, value: str, font_name: str, size: float = SIZE, border: int = 4):
        super().__init__()
        self.value, self.size, self.border = value, size, border   # border: the quiet zone, in modules
        self.font_name = font_name   # the drawing's initial font: else ReportLab names Helvetica, never embedded

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def drawing(self) -> Drawing:
        # Error correction M (15 % of the code may be lost); a code squeezed under a Letter sheet's
        # cards uses L (7 %): one version smaller, so its squares are larger and it reads at 150 dpi
        widget = QrCodeWidget(self.value, barLevel="M" if self.size >= SIZE else "L", barBorder=self.border)
        x1, y1, x2, y2 = widget.getBounds()
        drawing = Drawing(self.size, self.size, transform=[self.size / (x2 - x1), 0, 0, self.size / (y2 - y1), 0, 0],
                          initialFontName=self.font_name)
        drawing.add(widget)
        return drawing

    def draw(self):
        with Marked(self.canv, self.struct):
            renderPDF.draw(self.drawing(), self.canv, 0, 0)


def online_parts(handout: Handout, styles: Styles, parent: StructNode | None, links: bool = True):
    """The QR code and the words beside it (what to do, then the address), tagged under ``parent``."""
    fur = handout.document.furniture
    code = tagged(QrCode(fur.web, styles.font_name), sub(parent, "Figure", alt=fur.web, quiet=True))
    style = styles.small.but(space_after=1, links=links)
    address = style.but(rtl=False, align="end" if styles.rtl else "start")  # an address reads left to right
    words = [tagged(TextBlock([(fur.web_label, False, False, None)], style), sub(parent, "P")),
             tagged(TextBlock([(fur.web, False, False, fur.web if links else None)], address),
                    sub(parent, "P"))]
    return code, words


def online_block(handout: Handout, styles: Styles, width: float, parent: StructNode | None) -> list:
    """At the end of a sheet: the code, and beside it the words and the address."""
    if not handout.document.furniture.web:
        return []
    section = sub(parent, "Sect")
    code, words = online_parts(handout, styles, section)
    cells, widths = mirrored([code, words], [SIZE + 4 * mm, width - SIZE - 4 * mm], styles.rtl)
    table = grid([cells], widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    table.spaceBefore = styles.space * 2
    kept = KeepTogether([table])
    table.online = kept.online = True   # the page layout keeps it off a last page of its own
    return [kept]
