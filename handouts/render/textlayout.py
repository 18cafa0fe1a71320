"""Lines of text for any script, laid out by the libraries made for it, without ReportLab.

A paragraph arrives as styled spans of logical text (the order a person reads and types). It is

1. given embedding levels by the Unicode Bidirectional Algorithm (python-bidi, which wraps the
   Rust ``unicode-bidi`` crate) when it holds right-to-left text or is itself right-to-left;
2. cut into runs of one style and one level, and each run is shaped by HarfBuzz (uharfbuzz) with
   the whole paragraph as context, so Arabic letters join across a change to bold and Devanagari
   matras and conjuncts form;
3. broken into lines in logical order, at spaces, or between Chinese characters under the kinsoku
   rules (closing punctuation never starts a line, opening punctuation never ends one);
4. put in visual order line by line (UAX #9 rule L2: reverse runs from the highest level down).

The result is glyphs and positions in points; ``handouts.render.pdf.text`` draws them. Nothing
here silently degrades: a font HarfBuzz cannot shape is an error, not unjoined letters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import uharfbuzz as hb

from handouts.errors import FontError

# Never at the start of a line: closing brackets and quotes, stops, commas, iteration marks, and the
# separator dot between signs with the no-break space before it ("发烧 · 咳嗽" breaks after the dot).
CANNOT_START = frozenset("\u00a0\u00b7"
                         "!%),.:;?]}¢°’”‰′″℃、。〉》」』】〕〗〙〛﹚﹜！＂％＇），．：；？］｝～｠､ー・…‥々〻ゝゞ")
# Never at the end of a line: opening brackets and quotes.
CANNOT_END = frozenset("([{£¥‘“〈《「『【〔〖〘〚﹙﹛（［｛｟￡￥＄")
BREAKING_SPACES = frozenset(" \t\u200b")
_STRONG_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
NO_LIGATURES = {"liga": False, "clig": False, "dlig": False}
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")

# Samples that HarfBuzz must change when it shapes them: a font for these scripts that comes back
# with the plain character glyphs is not being shaped, and would print unjoined letters.
SHAPING_PROBES = {"Arab": "\u0628\u0628\u0628", "Deva": "\u0915\u093f"}


@dataclass(frozen=True)
class Font:
    """One font file as HarfBuzz sees it."""

    path: str
    face: object
    font: object
    upem: int

    def nominal_glyph(self, char: str) -> int | None:
        return self.font.get_nominal_glyph(ord(char))


@lru_cache(maxsize=None)
def load_font(path: str) -> Font:
    """The HarfBuzz face of a font file, once per process (a font is immutable data)."""
    try:
        blob = hb.Blob.from_file_path(path)
    except Exception as exc:  # uharfbuzz raises plain exceptions for unreadable files  # noqa: BLE001
        raise FontError(f"HarfBuzz cannot read the font: {exc}", path=path) from None
    face = hb.Face(blob)
    font = hb.Font(face)
    return Font(path, face, font, face.upem)


def check_shaping(path: str, script: str) -> None:
    """Fail loudly when HarfBuzz leaves a script that needs shaping unshaped in this font."""
    probe = SHAPING_PROBES.get(script)
    if not probe:
        return
    font = load_font(path)
    buffer = hb.Buffer()
    buffer.add_str(probe)
    buffer.guess_segment_properties()
    hb.shape(font.font, buffer, {})
    shaped = [info.codepoint for info in buffer.glyph_infos]
    nominal = [font.nominal_glyph(char) for char in probe]
    if None in nominal:
        raise FontError(f"the font has no {script} letters", path=path,
                        hint=f"list it for the scripts it covers only, or use a font with {script} in it")
    if buffer.direction == "rtl":
        shaped = shaped[::-1]
    if shaped == nominal:
        raise FontError(f"HarfBuzz did not shape {script} text in this font (letters would print unjoined)",
                        path=path, hint="use a font with OpenType layout tables for the script")


class Glyph(NamedTuple):
    """A positioned glyph: its id, the index of the first character it draws, and its advance and
    offsets in points. (A named tuple: a page has thousands, and tuples are cheap to make.)"""

    gid: int
    cluster: int
    advance: float
    dx: float
    dy: float


@dataclass(frozen=True)
class Piece:
    """Part of a line in one style and one direction, its glyphs left to right as drawn."""

    style: object          # the span's style, passed through untouched (font, size, colour, link)
    glyphs: tuple
    start: int             # its logical text is the paragraph's text[start:end]
    end: int
    rtl: bool
    text: str

    def clusters(self):
        """(glyphs, the characters they draw) for each cluster, left to right as drawn."""
        bounds = sorted({glyph.cluster for glyph in self.glyphs} | {self.end})
        after = {bounds[i]: bounds[i + 1] for i in range(len(bounds) - 1)}
        group = []
        for glyph in self.glyphs:
            if group and glyph.cluster != group[0].cluster:
                yield tuple(group), self._chars(group[0].cluster, after)
                group = []
            group.append(glyph)
        if group:
            yield tuple(group), self._chars(group[0].cluster, after)

    def _chars(self, cluster: int, after: dict) -> str:
        # a WORD JOINER has no glyph (see shape_run): it belongs to no cluster's text
        return self.text[cluster - self.start:after[cluster] - self.start].replace("\u2060", "")

    @property
    def width(self) -> float:
        return sum(glyph.advance for glyph in self.glyphs)


@dataclass(frozen=True)
class Line:
    """One line: pieces left to right as drawn, and its logical text for copy, search and reading."""

    pieces: tuple
    text: str
    width: float
    broke_at_space: bool = False   # the space it was broken at is not drawn, but is still read


@dataclass(frozen=True)
class Span:
    """Logical text in one style. ``style`` must have ``font_path`` and ``size``."""

    text: str
    style: object


def is_wide(char: str) -> bool:
    """Characters written without spaces between words (CJK), each a place to break."""
    return ord(char) >= 0x2E80 and not ("\uac00" <= char <= "\ud7a3")


def has_rtl(text: str) -> bool:
    return bool(_STRONG_RTL.search(text))


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """Each character's bidi embedding level (odd: right to left), from python-bidi."""
    if not rtl and not has_rtl(text):
        return [0] * len(text)
    from bidi import get_display

    # python-bidi hands out the levels it computed only in its debug report (unicode-bidi's own
    # BidiInfo, one level per UTF-8 byte); a report of another shape is an error, never a guess.
    debug = get_display(text, base_dir="R" if rtl else "L", debug=True)
    per_byte = [int(level) for level in _LEVEL.findall(debug.split("paragraphs:")[0])]
    if len(per_byte) != len(text.encode("utf-8")):
        raise FontError("python-bidi did not report one embedding level per byte; this version's report "
                        "is not understood", hint="install the python-bidi version pyproject.toml names")
    levels, index = [], 0
    for char in text:  # unicode-bidi gives a level per UTF-8 byte; take each character's first
        levels.append(per_byte[index])
        index += len(char.encode("utf-8"))
    return levels


def break_opportunities(text: str, cjk: bool) -> tuple[frozenset, frozenset]:
    """(positions where a line may start, positions where it must): at spaces, after a line
    break, and between Chinese characters unless kinsoku forbids it. A no-break space is no place
    to break, so "38 °C" stays whole. A web address breaks after a "/" or before a ".", as style
    guides have it, so that no line of it ends inside a word or at its own hyphen."""
    allowed, forced = set(), set()
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if before == "\n":
            forced.add(index)
        elif char in BREAKING_SPACES or char == "\n" or char == "\u2060" or before == "\u2060":
            continue  # a WORD JOINER holds its neighbours together
        elif before in BREAKING_SPACES:
            allowed.add(index)
        elif cjk and (is_wide(before) or is_wide(char)) and char not in CANNOT_START and before not in CANNOT_END \
                and not (before.isdigit() and is_wide(char)):  # "2周", "38°": a number keeps its unit
            if unicodedata.category(char) not in ("Mn", "Mc", "Me"):
                allowed.add(index)
    allowed -= lone_letter_bounds(text)
    if cjk:
        allowed -= orphan_bounds(text)
    for match in URL.finditer(text):   # an address breaks only between its parts, never at its hyphens
        for index in range(match.start() + 1, match.end()):
            before, char = text[index - 1], text[index]
            if (before == "/" and char != "/") or (char == "." and before != "."):
                allowed.add(index)
    return frozenset(allowed), frozenset(forced)


WORD = re.compile(r"\S+")
PUNCTUATION = ",.;:!?()[]\"'«»“”‘’"


def lone_letter_bounds(text: str) -> set:
    """The line starts a single letter or digit forbids: "B / cells", "células / T", "tế bào /
    B", "आपकी T / कोशिकाओं" read as a stray letter. A line neither ends nor starts with a lone
    capital letter or digit ("B", "T", "2"). Lower-case one-letter words (Spanish "y", Vietnamese
    "ở") are left free: they are many, and a card has no room to spare."""
    bounds, words = set(), list(WORD.finditer(text))
    for previous, word in zip(words, words[1:]):
        before, after = previous.group().strip(PUNCTUATION), word.group().strip(PUNCTUATION)
        if (len(before) == 1 and (before.isupper() or before.isdigit()) and previous.group()[-1] == before) or \
                (len(after) == 1 and (after.isupper() or after.isdigit()) and word.group()[0] == after):
            bounds.add(word.start())
    return bounds


ORPHAN_MIN = 2   # Chinese characters a paragraph's last line holds at least, its closing punctuation aside


def orphan_bounds(text: str) -> set:
    """The breaks between Chinese characters that would leave a paragraph (or a line before a
    forced break) ending on a line of one character, as "即使几个月 / 后": a typesetter keeps at
    least two there. Only the breaks among the last characters are taken away."""
    bounds = set()
    ends = [index for index, char in enumerate(text) if char == "\n"] + [len(text)]
    for end in ends:
        counted, index = 0, end
        while index > 0 and counted < ORPHAN_MIN:
            index -= 1
            char = text[index]
            if unicodedata.category(char).startswith("P"):   # closing quotes and stops: not counted
                continue
            if not is_wide(char):
                break
            counted += 1
        if counted == ORPHAN_MIN:  # a run of wide characters: no break inside its last ones
            bounds.update(range(index + 1, end))
    return bounds


URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)   # a web address written out in the text


@dataclass(frozen=True)
class Shaped:
    """What shaping a paragraph's text yields, whatever its colours or links: runs of glyphs,
    the advance of each character, and where lines may break. Immutable, so it is shared."""

    text: str
    owner: tuple           # the span each character belongs to
    runs: tuple            # (start, end, level, glyphs in visual order)
    prefix: tuple          # prefix[i]: the advance of text[:i]
    allowed: frozenset
    forced: frozenset
    bounds: tuple


@lru_cache(maxsize=8192)
def shape_paragraph(text: str, spans: tuple, rtl: bool, cjk: bool, language: str) -> Shaped:
    """Shape a paragraph once per process: ``spans`` is ``(length, font_path, size)`` for each
    styled span. Shaping is a function of these alone, so the same sentence on A4 and on Letter,
    or in a worker's next handout, is shaped once."""
    owner: list = []
    starts = set()
    for number, (length, _, _) in enumerate(spans):
        starts.add(len(owner))
        owner += [number] * length
    levels = embedding_levels(text, rtl)
    scripts = resolved_scripts(text)
    breaks = [i for i, char in enumerate(text) if char == "\n"]
    cuts = starts | set(breaks) | {i + 1 for i in breaks}
    cuts |= {i for i in range(1, len(text)) if levels[i] != levels[i - 1] or scripts[i] != scripts[i - 1]}
    cuts = sorted(cut for cut in cuts | {len(text)} if 0 < cut <= len(text))
    runs, start = [], 0
    for end in cuts:
        _, font_path, size = spans[owner[start]]
        glyphs = shape_run(text, start, end, font_path, size, levels[start], language, scripts[start])
        runs.append((start, end, levels[start], glyphs))
        start = end
    advance = [0.0] * (len(text) + 1)
    for run in runs:
        for glyph in run[3]:
            advance[glyph.cluster] += glyph.advance
    allowed, forced = break_opportunities(text, cjk)
    prefix = tuple(accumulate(advance[:len(text)], initial=0.0))
    bounds = tuple(sorted(allowed | forced | {len(text)}))
    return Shaped(text, tuple(owner), tuple(runs), prefix, allowed, forced, bounds)


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """A character's ISO 15924 script (Unicode's Scripts.txt, through fontTools)."""
    from fontTools.unicodedata import script

    return script(char)


NEUTRAL_SCRIPTS = ("Zyyy", "Zinh", "Zzzz")  # common (digits, punctuation, spaces), inherited, unknown


def resolved_scripts(text: str) -> list[str]:
    """Each character's script, digits, punctuation and marks taking the script of the letters
    before them (or after, at the start), as UAX #24 suggests. A run is shaped in one script: a
    Hindi line that starts with "CAR-T" must not have its Devanagari shaped as Latin (the i-matra
    would follow its consonant and conjuncts would fall apart into half letters and viramas)."""
    scripts = [script_of(char) for char in text]
    last = next((script for script in scripts if script not in NEUTRAL_SCRIPTS), "Zyyy")
    for index, script in enumerate(scripts):
        if script in NEUTRAL_SCRIPTS:
            scripts[index] = last
        else:
            last = script
    return scripts


def shape_run(text: str, start: int, end: int, font_path: str, size: float, level: int, language: str,
              script: str = "") -> tuple:
    """HarfBuzz's glyphs for ``text[start:end]``, with the whole text as context, in visual order."""
    font = load_font(font_path)
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES  # a base and its marks: one cluster
    buffer.add_str(text, item_offset=start, item_length=end - start)
    buffer.guess_segment_properties()
    if script and script not in NEUTRAL_SCRIPTS:
        buffer.script = script
    buffer.direction = "rtl" if level % 2 else "ltr"
    if language:
        buffer.language = language
    # No optional ligatures in Latin text: "ff" stays two letters for every tool that copies text
    # without reading /ActualText, and for a reader who looks at each letter.
    features = NO_LIGATURES if buffer.script in ("Latn", "Zyyy") else {}
    hb.shape(font.font, buffer, features)
    scale = size / font.upem
    # A WORD JOINER only steers line breaking: it draws nothing, so no glyph (one would come back
    # out of the PDF as a stray character)
    return tuple([Glyph(info.codepoint, info.cluster, position.x_advance * scale, position.x_offset * scale,
                        position.y_offset * scale)
                  for info, position in zip(buffer.glyph_infos, buffer.glyph_positions)
                  if text[info.cluster] != "\u2060"])


class Paragraph:
    """One paragraph, shaped once; ``lines(width)`` breaks it for any width.

    ``private`` text (a patient's name typed into ``handouts serve``) is shaped without the
    per-process cache, so it is gone from memory once its handout is drawn."""

    def __init__(self, spans: list[Span], *, rtl: bool = False, cjk: bool = False, language: str = "",
                 private: bool = False):
        self.spans = [span for span in spans if span.text]
        self.text = "".join(span.text for span in self.spans)
        key = tuple((len(span.text), span.style.font_path, span.style.size) for span in self.spans)
        shape = shape_paragraph.__wrapped__ if private else shape_paragraph
        shaped = shape(self.text, key, rtl, cjk, language)
        self.owner, self.runs, self.prefix = shaped.owner, shaped.runs, shaped.prefix
        self.allowed, self.forced, self.bounds = shaped.allowed, shaped.forced, shaped.bounds

    def lines(self, width: float, first: float | None = None) -> list[Line]:
        """The paragraph broken to ``width`` points (the first line to ``first``, when given: it
        leaves room for a pictogram), greedily, at its break opportunities (a word wider than the
        line is cut where it must). Widths come from running sums of the advances, so the cost
        grows with the number of words, not characters."""
        text, prefix = self.text, self.prefix
        ranges, start, last = [], 0, None

        def room() -> float:
            return (width if ranges or first is None else first) + 0.01

        for bound in self.bounds:
            if bound <= start:
                continue
            end = bound
            while end > start and (text[end - 1] in BREAKING_SPACES or text[end - 1] == "\n"):
                end -= 1
            if prefix[end] - prefix[start] > room():
                if last is not None:  # the words up to the last opportunity make a line
                    ranges.append((start, last))
                    start, last = last, None
                while prefix[end] - prefix[start] > room() and end - start > 1:  # one word too wide
                    fits = bisect_right(prefix, prefix[start] + room(), start + 1, end) - 1
                    cut = self._cut(start, max(start + 1, fits))
                    if cut >= end or cut <= start:
                        break
                    ranges.append((start, cut))
                    start = cut
            if bound in self.forced:
                ranges.append((start, bound))
                start, last = bound, None
            elif bound < len(text):
                last = bound
        ranges.append((start, len(text)))
        return [self._line(a, b) for a, b in ranges]

    def _cut(self, start: int, index: int) -> int:
        """Where to cut a run too long for the line: before ``index``, not inside a cluster and not
        against kinsoku; where no such place is left, the line runs over rather than break a rule."""
        text = self.text

        def bad(cut: int) -> bool:
            return unicodedata.category(text[cut]) in ("Mn", "Mc", "Me") or text[cut] in CANNOT_START \
                or text[cut - 1] in CANNOT_END

        cut = index
        while cut > start + 1 and bad(cut):
            cut -= 1
        if not bad(cut):
            return cut
        cut = index + 1
        while cut < len(text) and bad(cut):
            cut += 1
        return cut

    def _line(self, start: int, end: int) -> Line:
        text = self.text
        broke = end < len(text) and text[end - 1] in " \t"
        while end > start and (text[end - 1] in BREAKING_SPACES or text[end - 1] == "\n"):
            end -= 1
        while start < end and text[start] == "\n":
            start += 1
        pieces = []
        for run_start, run_end, level, glyphs in self.runs:
            a, b = max(start, run_start), min(end, run_end)
            if a >= b:
                continue
            kept = tuple(g for g in glyphs if a <= g.cluster < b)
            if kept:
                pieces.append((level, Piece(self.spans[self.owner[a]].style, kept, a, b, bool(level % 2), text[a:b])))
        ordered = reorder(pieces)
        return Line(tuple(ordered), text[start:end].replace("\n", " "), sum(p.width for p in ordered), broke)


def reorder(pieces: list[tuple[int, Piece]]) -> list[Piece]:
    """UAX #9 rule L2 on whole pieces: from the highest level down to the lowest odd one, reverse
    every sequence of pieces at that level or higher. HarfBuzz already drew each right-to-left
    piece's own glyphs right to left."""
    if not pieces:
        return []
    levels = [level for level, _ in pieces]
    items = [piece for _, piece in pieces]
    highest = max(levels)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(items):
            if levels[index] >= level:
                end = index
                while end < len(items) and levels[end] >= level:
                    end += 1
                items[index:end] = items[index:end][::-1]
                levels[index:end] = levels[index:end][::-1]
                index = end
            else:
                index += 1
    return items
