"""Shaped lines drawn into a PDF, with the logical text attached for copy, search and screen readers.

``handouts.render.textlayout`` gives glyph ids and positions; this module writes them with PDF
text operators. ReportLab's TrueType embedding (subset, widths, ToUnicode) maps characters to
glyphs, so every glyph gets a fixed character code: its own character where the font maps one,
else a private-use code given in glyph order when the font is first loaded. That assignment is a
function of the font file alone, so the same text gives the same bytes in any process, whatever
was built before it (ReportLab's own shaping hands out private-use codes in the order it meets
glyphs, which made Hindi builds differ between worker processes).

A glyph cluster that does not spell its characters (a joined Arabic letter, a Devanagari conjunct)
is wrapped in a ``/Span`` with ``/ActualText``, so ``pdftotext`` returns the sentence in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.platypus import Flowable

from handouts.render.pdf.tags import Marked, tagger_of
from handouts.render.textlayout import Glyph, Line, Paragraph, Span, load_font

PRIVATE_USE = range(0xE000, 0xF900)
ORPHAN_LINES = WIDOW_LINES = 2  # a paragraph split across pages keeps two lines on each side


@dataclass(frozen=True)
class PdfFont:
    """A registered TrueType face and the character code of each glyph id."""

    name: str
    path: str
    codes: dict
    invisible: object = None  # a zero-width glyph that draws nothing (see INVISIBLE_CANDIDATES), as a Glyph
    aliases: dict = field(default_factory=dict)  # glyph id -> a private-use code, for use in spans


@lru_cache(maxsize=None)
def pdf_font(path: str) -> PdfFont:
    """Register a face with ReportLab once per process, with a code for every glyph it has."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    from handouts.errors import FontError

    name = font_name(path)
    try:
        font = TTFont(name, path, shapable=False)
    except (TTFError, OSError) as exc:
        raise FontError(f"cannot use font file: {exc}", path=path,
                        hint="use a TrueType (.ttf) font; OpenType CFF fonts cannot be embedded") from None
    face = font.face
    shaper = load_font(path)
    codes = {gid: min(chars) for gid, chars in face.glyphToChar.items() if chars}
    free = (code for code in PRIVATE_USE if code not in face.charToGlyph)
    for gid in range(face.numGlyphs):
        if gid not in codes:
            code = next(free, None)
            if code is None:
                raise FontError("the font has more unmapped glyphs than private-use codes", path=path)
            codes[gid] = code
            face.charToGlyph[code] = gid
            face.charWidths[code] = shaper.font.get_glyph_h_advance(gid) * 1000 / shaper.upem
    # Every glyph a character already names also gets a private-use alias while codes last: drawn
    # inside an /ActualText span, a glyph must not bring its own character along as well.
    aliases = {}
    for gid in sorted(gid for gid, chars in face.glyphToChar.items() if chars):
        code = next(free, None)
        if code is None:
            break
        aliases[gid] = code
        face.charToGlyph[code] = gid
        face.charWidths[code] = face.charWidths.get(codes[gid], 0)
    pdfmetrics.registerFont(font)
    invisible = next((Glyph(face.charToGlyph[c], 0, 0.0, 0.0, 0.0) for c in INVISIBLE_CANDIDATES
                      if c in face.charToGlyph and _draws_nothing(shaper, face.charToGlyph[c])), None)
    return PdfFont(name, path, codes, invisible, aliases)


# Characters whose glyph is usually empty and zero-width. ZERO WIDTH JOINER is not among them: in
# the Noto script fonts it has a visible outline, drawn only where a text shows its controls.
INVISIBLE_CANDIDATES = (0x200B, 0xFEFF, 0x200D, 0x200C)


def _draws_nothing(shaper, gid: int) -> bool:
    """Whether a glyph has no advance and no ink (HarfBuzz's extents of its outline)."""
    extents = shaper.font.get_glyph_extents(gid)
    return shaper.font.get_glyph_h_advance(gid) == 0 and (extents is None or (extents.width, extents.height) == (0, 0))


def font_name(path: str) -> str:
    """A name for ReportLab's font registry from the file's contents, not its place on disk, so a
    checkout in another folder makes the same bytes."""
    import zlib
    from pathlib import Path

    return f"H{zlib.crc32(Path(path).read_bytes()):08x}"


@dataclass(frozen=True)
class Faces:
    """The four faces of a family as font files."""

    regular: str
    bold: str
    italic: str
    bold_italic: str

    def pick(self, bold: bool, italic: bool) -> str:
        return (self.bold_italic if bold and italic else self.bold if bold else
                self.italic if italic else self.regular)


@dataclass(frozen=True)
class InlineStyle:
    """What a span of text looks like: what textlayout needs (font_path, size) and what is drawn."""

    font_path: str
    size: float
    colour: object
    href: str | None = None
    underline: bool = False
    lang: str = ""             # a language other than the document's (tagged PDF: /Lang on its marked content)


@dataclass(frozen=True)
class TextStyle:
    """A paragraph's look: faces, size, leading, colours, alignment and spacing."""

    faces: Faces
    size: float
    leading: float
    colour: object
    link_colour: object = None
    align: str = "start"          # start, end or center; start is the right in right-to-left text
    rtl: bool = False
    cjk: bool = False
    language: str = ""
    bold: bool = False            # the whole paragraph in bold (headings, labels)
    indent_start: float = 0.0
    indent_end: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False
    links: bool = True            # a form XObject (a card face) cannot carry link annotations

    def but(self, **changes) -> "TextStyle":
        from dataclasses import replace

        return replace(self, **changes)


def spans_for(runs, style: TextStyle) -> list[Span]:
    """Spans from ``(text, bold, italic, href)`` runs in a paragraph style; a fifth item, when
    given, is the run's language where it is not the document's."""
    spans = []
    for text, bold, italic, href, *lang in runs:
        colour = style.link_colour if href and style.link_colour is not None else style.colour
        inline = InlineStyle(style.faces.pick(bold or style.bold, italic), style.size, colour,
                             href if style.links else None, underline=bool(href), lang=lang[0] if lang else "")
        spans.append(Span(text, inline))
    return spans


class TextBlock(Flowable):
    """A paragraph in any script, shaped once, broken for the width it is given, split across
    pages between lines. ``bullet`` is a marker drawn in the start indent of the first line."""

    def __init__(self, runs, style: TextStyle, bullet: str | None = None, _lines=None, _shaped=None):
        super().__init__()
        self.runs, self.style, self.bullet = runs, style, bullet
        self.icon = None           # a pictogram drawn at the start of the first line (see with_icon)
        self.icon_struct, self.icon_scale = None, 1.15
        self._shaped = _shaped
        self._lines = _lines
        self._fixed = _lines is not None
        self._width_for = None
        self.keepWithNext = style.keep_with_next
        self.spaceBefore, self.spaceAfter = style.space_before, style.space_after
        self.struct = None         # the structure element it is part of (tagged PDF), and its bullet's
        self.bullet_struct = None
        self.struct_drawn = False
        self.private = False       # a patient's detail: shaped without the shaping cache (see Paragraph)
        self.measure_em = None     # the longest line in ems of its type, bullet indent included (see ``column``)

    @property
    def shaped(self) -> Paragraph:
        if self._shaped is None:
            style = self.style
            self._shaped = Paragraph(spans_for(self.runs, style), rtl=style.rtl, cjk=style.cjk,
                                     language=style.language, private=self.private)
        return self._shaped

    def column(self, available_width: float) -> tuple[float, float]:
        """Where the text's column starts from the left of the space given, and how wide it is: all
        of it, or no wider than ``measure_em`` at the start side (the right in right-to-left text), so
        running text keeps a readable line length while tables and boxes use the page's width. In
        ems of the paragraph's own type, so a smaller caption's lines are shorter too."""
        width = min(available_width, self.measure_em * self.style.size) if self.measure_em else available_width
        return (available_width - width if self.style.rtl else 0.0), width

    def wrap(self, available_width, available_height):
        inner = self.column(available_width)[1] - self.style.indent_start - self.style.indent_end
        if not self._fixed and self._width_for != inner:
            first = max(inner - self.icon_room(), 1.0) if self.icon else None
            self._lines = self.shaped.lines(max(inner, 1.0), first)
            self._width_for = inner
        self.width = available_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        fits = int((available_height + 0.001) // self.style.leading)
        if fits >= len(self._lines):
            return [self]
        fits = min(fits, len(self._lines) - WIDOW_LINES)  # no line left alone at the top of a page...
        if fits < ORPHAN_LINES:                            # ...nor at the foot of one
            return []
        head = TextBlock(self.runs, self.style.but(space_after=0, keep_with_next=False), self.bullet,
                         self._lines[:fits], self._shaped)
        head.icon, head.icon_struct, head.icon_scale = self.icon, self.icon_struct, self.icon_scale
        tail = TextBlock(self.runs, self.style.but(space_before=0), None, self._lines[fits:], self._shaped)
        head.measure_em = tail.measure_em = self.measure_em
        head.struct = tail.struct = self.struct  # both halves are one paragraph to a screen reader
        head.bullet_struct = self.bullet_struct
        return [head, tail]

    def minWidth(self):
        return max((line.width for line in self._lines or []), default=0.0) + \
            self.style.indent_start + self.style.indent_end

    def draw(self):
        style, canvas = self.style, self.canv
        offset, column = self.column(self.width)
        inner = column - style.indent_start - style.indent_end
        left = offset + (style.indent_end if style.rtl else style.indent_start)
        first = None
        # drawn again (a table's header row repeated on the next page): a copy, not more content
        fresh = not self.struct_drawn
        node, self.struct_drawn = (self.struct if fresh else None), True
        tagger = tagger_of(canvas)
        if tagger is not None and node is not None:
            tagger.bookmark(canvas, node, "".join(run[0] for run in self.runs), self.height)
        with Marked(canvas, node):
            for number, line in enumerate(self._lines):
                baseline = self.height - number * style.leading - (style.leading + style.size * 0.7) / 2
                room = self.icon_room() if self.icon and number == 0 else 0.0
                x = left + line_offset(line.width, inner - room, style) + (room if not style.rtl else 0.0)
                draw_line(canvas, line, x, baseline, style.links, style.rtl)
                if number == 0:
                    first = (x, baseline)
        if first is not None and self.icon:
            self._draw_icon(left, inner, first[1], self.icon_struct if fresh else None)
        if first is not None and self.bullet:
            with Marked(canvas, self.bullet_struct if node is not None else None):
                self._draw_bullet(x_start=left if not style.rtl else left + inner, baseline=first[1])

    def with_icon(self, kind: str, colours: dict, struct=None, scale: float = 1.15) -> "TextBlock":
        """This paragraph with a pictogram (``handouts.render.pictograms``) before its first line,
        at the start side, ``scale`` times the type size but never taller than the line, tagged as a
        ``Figure`` (``struct``) whose /Alt says what it is for."""
        self.icon, self.icon_struct, self.icon_scale = (kind, colours), struct, scale
        return self

    def icon_size(self) -> float:
        return min(self.style.size * self.icon_scale, self.style.leading)

    def icon_room(self) -> float:
        return self.icon_size() + self.style.size * 0.3

    def _draw_icon(self, left: float, inner: float, baseline: float, node):
        from handouts.render.pdf.pictograms import draw_pictogram

        kind, colours = self.icon
        size, style = self.icon_size(), self.style
        x = left if not style.rtl else left + inner - size
        y = baseline + style.size * 0.35 - size / 2  # centred on the middle of the letters
        with Marked(self.canv, node):
            draw_pictogram(self.canv, kind, x, y, size, colours, mirrored=style.rtl)

    def _draw_bullet(self, x_start: float, baseline: float):
        style = self.style
        marker = Paragraph(spans_for([(self.bullet, style.bold, False, None)], style.but(links=False)),
                           rtl=style.rtl).lines(1e6)[0]
        gap = style.size * 0.45
        x = x_start + gap if style.rtl else x_start - gap - marker.width
        draw_line(self.canv, marker, x, baseline, False)


def line_offset(width: float, inner: float, style: TextStyle) -> float:
    """Where a line starts from the left of its box, for the alignment and writing direction."""
    free = max(inner - width, 0.0)
    if style.align == "center":
        return free / 2
    at_right = (style.align == "end") != style.rtl
    return free if at_right else 0.0


def strip_controls(text: str) -> str:
    """Text without the invisible bidi isolates and marks we add around numbers."""
    return text.translate(BIDI_CONTROLS)


BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _utf16_hex(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def draw_line(canvas, line: Line, x: float, y: float, links: bool = True, rtl: bool = False) -> None:
    """Draw one laid-out line with its left end at ``x`` and its baseline at ``y``.

    Glyphs go left to right as they are seen. A cluster whose glyphs do not spell its characters
    (a joined Arabic letter, a Devanagari conjunct, a matra drawn before its consonant) is wrapped
    in a ``/Span`` whose ``/ActualText`` is those characters, so text extraction gets each one
    right and, from its position, in the order it is read.
    """
    doc = canvas._doc
    tagger = tagger_of(canvas)
    ops, decorations = ["BT"], []
    pen = 0.0
    within, link = ("", None), None  # the language and link of the run of the line being drawn
    # A line with right-to-left text is drawn in another order than it is read: each of its pieces,
    # and each cluster of a right-to-left piece, is marked on its own, and the tagger lists them in
    # reading order when the line ends.
    mixed = tagger is not None and any(piece.rtl for piece in line.pieces)
    if tagger is not None:
        tagger.start_line()
    for index, piece in enumerate(line.pieces):
        style = piece.style
        if tagger is not None:
            tagger.at(piece.start)
        if tagger is not None and (style.lang, style.href if links else None) != within:
            # into or out of a run in another language, or of a link: marked content of its own
            within = (style.lang, style.href if links else None)
            link = tagger.run(ops, canvas.getPageNumber(), *within)
        elif mixed and not piece.rtl:   # a right-to-left piece is split at each of its clusters below
            tagger.split(ops, canvas.getPageNumber())
        font = pdf_font(style.font_path)
        rl_font = _rl_font(font.name)
        codes = {glyph.gid: font.codes.get(glyph.gid, 0) for glyph in piece.glyphs}
        widths = rl_font.face.charWidths
        ops += [_colour(style.colour), f"1 0 0 1 {_fmt(x + pen)} {_fmt(y)} Tm"]
        start, position, subset, rise = pen, pen, None, 0.0
        per_cluster = mixed and piece.rtl
        if _spells(piece, codes) and not per_cluster:
            # The common case (most Latin, Chinese and Vietnamese lines): one glyph per character,
            # unmoved, each mapped to its own character; only kerning adjusts the positions.
            rl_font.splitString("".join(map(chr, codes.values())), doc)  # gives each code a subset place
            pen = _draw_plain(ops, piece, codes, rl_font.state[doc].assignments, widths, rl_font, doc, pen)
            if style.href or style.underline:
                decorations.append((start, pen, style, link))
            continue
        if font.invisible is not None:
            codes[font.invisible.gid] = font.codes[font.invisible.gid]
        # Inside a span each glyph of a left-to-right piece is drawn by a private-use alias, so that
        # it does not bring its own character along besides the span's text (MuPDF printed the aa
        # of a Devanagari conjunct twice). Right-to-left glyphs keep their letters: readers tell the
        # direction of a line from them.
        in_span = codes if piece.rtl else {gid: font.aliases.get(gid, code) for gid, code in codes.items()}
        clusters = []
        for glyphs, chars in piece.clusters():
            first = glyphs[0]
            exact = len(glyphs) == 1 and not (first.dx or first.dy) and \
                chr(codes[first.gid]).replace("\u00a0", " ") == chars.replace("\u00a0", " ")
            clusters.append((glyphs, chars, exact))
        used = [(codes if exact else in_span)[glyph.gid] for glyphs, _, exact in clusters for glyph in glyphs]
        if font.invisible is not None:
            used.append(in_span[font.invisible.gid])
        rl_font.splitString("".join(map(chr, used)), doc)
        assignments = rl_font.state[doc].assignments
        for glyphs, chars, exact in clusters:
            if per_cluster:
                tagger.at(min(glyph.cluster for glyph in glyphs))
                if exact:   # each cluster its own marked content, listed where it is read
                    tagger.split(ops, canvas.getPageNumber())
            placed = []  # (x where the glyph is drawn, glyph)
            cluster_start = pen
            for glyph in glyphs:
                placed.append((pen + glyph.dx, glyph))
                pen += glyph.advance
            if not exact:
                # Text extraction takes a span's extent from where its first glyph starts to where
                # its last ends. A matra or mark has no width and may sit anywhere over its base,
                # so an invisible glyph marks the cluster's start or end where no real glyph does.
                placed.sort(key=lambda item: item[0])
                end_of = lambda item: item[0] + widths.get(codes[item[1].gid], 0) * style.size / 1000  # noqa: E731
                if font.invisible is not None:
                    if placed[0][0] > cluster_start + 0.01:
                        placed.insert(0, (cluster_start, font.invisible))
                    if end_of(placed[-1]) < pen - 0.01:
                        placed.append((pen, font.invisible))
                # It reads a right-to-left line from drawn positions and reverses it, so a cluster
                # of several characters there (lam-alef) is spelled right to left too; the structure
                # tree, read in logical order, gets it the right way round (see Tagger.actual_text).
                spelled = strip_controls(chars[::-1] if piece.rtl else chars)
                logical = strip_controls(chars) if piece.rtl and len(spelled) > 1 else None
                own = tagger is not None and tagger.actual_text(ops, canvas.getPageNumber(), _utf16_hex(spelled),
                                                                logical)
                if not own:
                    ops.append(f"/Span <</ActualText <{_utf16_hex(spelled)}>>> BDC")
            run = []
            drawn = codes if exact else in_span
            for target, glyph in placed:
                code = drawn[glyph.gid]
                number = assignments.get(32 if code == 0xA0 else code, 0)
                if number >> 8 != subset or glyph.dy != rise:
                    if run:
                        ops.append("[" + " ".join(run) + "] TJ")
                        run = []
                    if number >> 8 != subset:
                        subset = number >> 8
                        ops.append(f"{rl_font.getSubsetInternalName(subset, doc)} {_fmt(style.size)} Tf")
                    if glyph.dy != rise:
                        rise = glyph.dy
                        ops.append(f"{_fmt(rise)} Ts")
                if abs(target - position) > 0.005:
                    run.append(_fmt(-(target - position) * 1000 / style.size))
                run.append(f"<{number & 0xFF:02x}>")
                position = target + widths.get(code, 0) * style.size / 1000
            if run:
                ops.append("[" + " ".join(run) + "] TJ")
            if not exact:
                if own and not per_cluster:
                    tagger.resume(ops, canvas.getPageNumber())
                elif not own:
                    ops.append("EMC")   # per cluster, the span stays open until what comes next
        if rise:
            ops.append("0 Ts")
        if style.href or style.underline:
            decorations.append((start, pen, style, link))
    if within != ("", None):
        tagger.run(ops, canvas.getPageNumber(), "", None)
    elif tagger is not None and tagger.in_span:   # the last cluster's span: closed, back in the node
        tagger.split(ops, canvas.getPageNumber())
    if line.broke_at_space and line.pieces and tagger is not None and tagger.current is not None:
        if mixed:   # the space read at the line's end: marked on its own, listed last
            tagger.at(max(piece.end for piece in line.pieces))
            tagger.split(ops, canvas.getPageNumber())
        _draw_read_space(ops, line, x, y, pen, doc, rtl)
    ops.append("ET")
    canvas._code.append("\n".join(ops))
    if tagger is not None:
        tagger.end_line()
    for start, end, style, link in decorations:
        canvas.saveState()
        canvas.setStrokeColor(style.colour)
        canvas.setLineWidth(max(style.size / 18, 0.4))
        canvas.line(x + start, y - style.size * 0.12, x + end, y - style.size * 0.12)
        canvas.restoreState()
        if style.href and links:
            if link is not None:  # the link's annotation, in the Link element that holds its words
                tagger.annotation(canvas, link)
            canvas.linkURL(style.href, (x + start, y - style.size * 0.25, x + end, y + style.size * 0.8),
                           relative=1, thickness=0)


HEX = [f"{code:02x}" for code in range(256)]


def _spells(piece, codes: dict) -> bool:
    """Whether a piece's glyphs are its characters one for one, in order and unmoved."""
    glyphs = piece.glyphs
    if len(glyphs) != len(piece.text) or piece.rtl:
        return False
    for glyph in glyphs:
        if glyph.dx or glyph.dy:
            return False
    return "".join([chr(codes[glyph.gid]) for glyph in glyphs]).replace("\u00a0", " ") == \
        piece.text.replace("\u00a0", " ")


def _draw_read_space(ops, line: Line, x: float, y: float, pen: float, doc, rtl: bool) -> None:
    """The space a line was broken at, drawn (it shows nothing) at the line's logical end, so that
    a screen reader reading the tagged paragraph says "not drive", not "notdrive"."""
    piece = line.pieces[0] if rtl else line.pieces[-1]
    style = piece.style
    rl_font = _rl_font(pdf_font(style.font_path).name)
    rl_font.splitString(" ", doc)
    number = rl_font.state[doc].assignments[32]
    width = rl_font.face.charWidths.get(32, 250) * style.size / 1000
    at = x - width if rtl else x + pen
    ops += [f"{rl_font.getSubsetInternalName(number >> 8, doc)} {_fmt(style.size)} Tf",
            f"1 0 0 1 {_fmt(at)} {_fmt(y)} Tm", f"<{HEX[number & 0xFF]}> Tj"]


def _draw_plain(ops, piece, codes, assignments, widths, rl_font, doc, pen: float) -> float:
    """Draw a piece that spells its text: TJ arrays, a font switch where the subset changes."""
    size = piece.style.size
    scale = size / 1000
    position, subset, run, hexes = pen, None, [], []

    def flush():
        if hexes:
            run.append("<" + "".join(hexes) + ">")
            hexes.clear()
        if run:
            ops.append("[" + " ".join(run) + "] TJ")
            run.clear()

    for glyph in piece.glyphs:
        code = codes[glyph.gid]
        number = assignments.get(32 if code == 0xA0 else code, 0)  # ReportLab draws a no-break space as a space
        if number >> 8 != subset:
            flush()
            subset = number >> 8
            ops.append(f"{rl_font.getSubsetInternalName(subset, doc)} {_fmt(size)} Tf")
        if abs(pen - position) > 0.005:
            if hexes:
                run.append("<" + "".join(hexes) + ">")
                hexes.clear()
            run.append(_fmt(-(pen - position) / scale))
        hexes.append(HEX[number & 0xFF])
        position = pen + widths.get(code, 0) * scale
        pen += glyph.advance
    flush()
    return pen


@lru_cache(maxsize=None)
def _rl_font(name: str):
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(name)


def _colour(colour) -> str:
    red, green, blue = colour.rgb()
    return f"{_fmt(red)} {_fmt(green)} {_fmt(blue)} rg"
