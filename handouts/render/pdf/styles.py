"""Paragraph styles for one handout, derived from its layout and mirrored for right-to-left."""

from __future__ import annotations

from reportlab.lib import colors

from handouts.fonts import FontFamily
from handouts.layouts import Layout
from handouts.render.pdf.text import Faces, TextStyle, pdf_font
from handouts.render.textlayout import check_shaping


def faces_of(family: FontFamily) -> Faces:
    """The family's four files, each registered for PDF and checked to shape its script."""
    files = {style: str(family.files[style]) for style in ("regular", "bold", "italic", "bold_italic")}
    for path in files.values():
        pdf_font(path)
        if family.shaping:
            for script in family.scripts:
                check_shaping(path, script)
    return Faces(**files)


class Styles:
    """Every text style a handout uses, from the layout's type sizes, colours and spacing."""

    def __init__(self, layout: Layout, family: FontFamily, *, rtl: bool, language: str, scale: float = 1.0,
                 links: bool = True, spacing: float = 1.0, open_lines: bool = True):
        self.layout = layout
        self.faces = faces_of(family)
        self.rtl = rtl
        # Arabic's marks reach further above and below than Latin's: its family's scale opens the lines
        # of a page's text (not a card's, whose every line is counted), and no layout sets them closer
        # than the family's least leading, at which no ink of one line touches the next
        set_leading = layout.values["type_pt"].get("leading", 1.3)
        self.min_leading = family.min_leading
        self.leading = max(set_leading * (family.leading_scale if open_lines else 1.0), family.min_leading)
        self.colours = {name: colors.HexColor(value) for name, value in layout.values["colours"].items()}
        text = self.colours["text"]
        space = layout.mm("spacing_mm", "paragraph") * spacing  # spacing < 1: a tighter second try
        self.space = space
        # links=False where text is drawn into a form XObject (a card face), which cannot carry link
        # annotations: the link's words are printed, its target is not.
        base = dict(faces=self.faces, rtl=rtl, cjk=family.cjk, language=language, links=links,
                    link_colour=self.colours.get("link", colors.HexColor("#0b4f8a")))

        def style(size_name, colour=text, bold=False, leading=None, **extra) -> TextStyle:
            size = layout.pt(size_name) * scale
            settings = dict(space_after=space) | extra
            return TextStyle(size=size, leading=size * (leading or self.leading), colour=colour, bold=bold, **base,
                             **settings)

        accent = self.colours["accent"]
        self.title = style("title", accent, True)
        self.subtitle = style("subtitle", self.colours["muted"], space_after=space * 2)
        self.heading = style("heading", accent, True, space_before=layout.mm("spacing_mm", "section") * spacing,
                             keep_with_next=True)
        self.heading_in_box = style("heading", accent, True, keep_with_next=True)
        self.body = style("body")
        self.body_bold = style("body", bold=True)
        self.small = style("small", self.colours["muted"])
        self.footer = style("footer", self.colours["muted"], space_after=0)
        self.cell = style("body", space_after=0)
        self.cell_head = style("body", self.colours["accent_text"], True, space_after=0)
        self.cell_bold = style("body", bold=True, space_after=0)
        indent = layout.pt("body") * 1.3
        self.step = style("body", indent_start=indent)
        self.label = style("small", space_after=0, leading=set_leading)
        self.caption = style("small", self.colours["muted"])

    @property
    def font_name(self) -> str:
        """The regular face's PDF name, for ReportLab tables and drawings that want a default."""
        return pdf_font(self.faces.regular).name


def styles_for(handout, links: bool = True, spacing: float = 1.0) -> Styles:
    """The styles of one prepared handout (``links=False`` for text drawn into a card face;
    ``spacing`` scales the space between paragraphs and before headings)."""
    return Styles(handout.layout, handout.font, rtl=handout.rtl, language=handout.locale, links=links,
                  spacing=spacing, open_lines=handout.layout.renderer != "card")
