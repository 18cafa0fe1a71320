"""Line breaking for Chinese (and other scripts written without spaces), with kinsoku rules.

ReportLab breaks CJK text between any two characters but keeps only one closing mark off the
start of a line, and its table lacks most full-width marks, so lines began with "，" or "”。".
Here the break points are chosen first - closing punctuation stays with the character before
it, opening punctuation with the one after, and Latin words and numbers are never split - and
handed to ReportLab as explicit line breaks.
"""

from __future__ import annotations

import re
from html import unescape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

# Never at the start of a line: closing brackets and quotes, stops, commas, iteration marks.
CANNOT_START = set("!%),.:;?]}¢°’”‰′″℃、。〉》」』】〕〗〙〛﹚﹜！＂％＇），．：；？］｝～｠､ー・…‥々〻ゝゞ")
# Never at the end of a line: opening brackets and quotes.
CANNOT_END = set("([{£¥‘“〈《「『【〔〖〘〚﹙﹛（［｛｟￡￥＄")
_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|.", re.S)


def _is_wide(char: str) -> bool:
    return ord(char) >= 0x2E80


def break_points(plain: str, widths: list[float], width: float) -> list[int]:
    """Offsets in ``plain`` where a new line should start (``widths``: each character's width)."""
    clusters: list[tuple[int, str]] = []  # (start offset, text), each unbreakable
    index = 0
    while index < len(plain):
        char = plain[index]
        if char == "\n" or char == " ":
            clusters.append((index, char))
            index += 1
            continue
        end = index + 1
        if not _is_wide(char):  # a Latin word or number stays whole
            while end < len(plain) and not _is_wide(plain[end]) and plain[end] not in " \n":
                end += 1
        text = plain[index:end]
        if clusters and (text[0] in CANNOT_START or clusters[-1][1][-1] in CANNOT_END) \
                and clusters[-1][1] not in (" ", "\n"):
            start, previous = clusters.pop()
            clusters.append((start, previous + text))
        else:
            clusters.append((index, text))
        index = end
    breaks, used = [], 0.0
    for start, text in clusters:
        if text == "\n":
            used = 0.0
            continue
        size_of = sum(widths[start:start + len(text)])
        if used and used + size_of > width and text != " ":
            breaks.append(start)
            used = 0.0
        if text == " " and used == 0.0:
            continue
        used += size_of
    return breaks


def with_breaks(markup: str, width: float, font: str, size: float) -> str:
    """``markup`` with ``<br/>`` wherever a line should end at ``width``."""
    from reportlab.lib.fonts import tt2ps

    tokens = _TOKEN.findall(markup)
    plain_chars, owner, widths = [], [], []
    bold = 0
    for position, token in enumerate(tokens):
        if token.startswith("<"):
            if re.match(r"<br\s*/?>", token):
                plain_chars.append("\n")
                owner.append(position)
                widths.append(0.0)
            elif re.match(r"<(b|strong)>", token):
                bold += 1
            elif re.match(r"</(b|strong)>", token):
                bold = max(0, bold - 1)
            continue
        char = unescape(token) if token.startswith("&") else token
        plain_chars.append(char)
        owner.append(position)
        widths.append(stringWidth(char, tt2ps(font, 1 if bold else 0, 0), size))
    breaks = set(break_points("".join(plain_chars), widths, width))
    out = []
    for plain_index, position in enumerate(owner):
        if plain_index in breaks:
            out.append(("br", position))
    insert_before = {position for _, position in out}
    result = []
    for position, token in enumerate(tokens):
        if position in insert_before:
            if result and result[-1] == " ":
                result.pop()
            result.append("<br/>")
            if token == " ":
                continue
        result.append(token)
    return "".join(result)


class KinsokuParagraph(Paragraph):
    """A Paragraph that chooses its own CJK line breaks for the width it is given."""

    def __init__(self, text, style, *args, **kwargs):
        self._source = text
        self._broken_for = None
        super().__init__(text, style, *args, **kwargs)

    def wrap(self, available_width, available_height):
        width = available_width - self.style.leftIndent - self.style.rightIndent - 0.5
        if self._broken_for != width and getattr(self, "_source", None) is not None:
            source = self._source
            Paragraph.__init__(self, with_breaks(source, width, self.style.fontName, self.style.fontSize),
                               self.style)
            self._source, self._broken_for = source, width
        return super().wrap(available_width, available_height)
