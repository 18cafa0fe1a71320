"""Right-to-left paragraphs (Arabic, Hebrew, Persian, Urdu) drawn word by word.

ReportLab's own right-to-left support needs ``rlbidi``, which is not on PyPI, and without it
mixed lines come out in the wrong order ("38 °C (100.4 °F)" reversed inside Arabic text). So
right-to-left paragraphs are laid out here: lines are broken in logical order, then each line is
put in visual order with the word-level part of the Unicode Bidirectional Algorithm (UAX #9):
right-to-left words run from the right, and a run of left-to-right words or numbers keeps its own
order. HarfBuzz (through ReportLab) shapes each word, so letters join and brackets mirror.

Limits: one style per paragraph (inline bold or italic is not drawn), and a left-to-right word
that ends in right-to-left punctuation keeps the punctuation on its own side.
"""

from __future__ import annotations

import re
import unicodedata

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.pdfgen.textobject import bidiShapedText
from reportlab.platypus import Flowable

from handouts.markup import plain_text


def direction(word: str) -> str:
    """'R' or 'L' for a word with a strong letter; 'N' for numbers and punctuation alone."""
    has_number = False
    for char in word:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
        has_number = has_number or kind in ("EN", "AN")
    return "EN" if has_number else "N"


_TRAILING = re.compile(r"^(.*?[^.,:;!?،؛؟])([.,:;!?،؛؟]+)$")


def tokens(text: str) -> list[tuple[str, bool]]:
    """(token, joined to the one before) for a line of text.

    Words break at ordinary spaces only (a no-break space holds "38 °C" together). Punctuation
    after a left-to-right word ("CAR-T:", "2.") is its own token, joined to the word, so that in
    right-to-left text it lands at the end of the sentence the way the bidi algorithm puts it.
    """
    result = []
    for word in re.sub(r"[^\S\u00a0]+", " ", text).split(" "):
        if not word:
            continue
        match = _TRAILING.match(word)
        if match and direction(match.group(1)) in ("L", "EN"):
            result += [(match.group(1), False), (match.group(2), True)]
        else:
            result.append((word, False))
    return result


def visual_order(line: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The tokens of one right-to-left line, left to right as drawn, each with whether a space
    comes before it."""
    words = [word for word, _ in line]
    kinds = [direction(word) for word in words]
    # Numbers are shown left to right, and join a neighbouring left-to-right run.
    kinds = ["L" if kind == "EN" else kind for kind in kinds]
    for index, kind in enumerate(kinds):
        if kind == "N":  # punctuation alone takes the side of its neighbours, else the paragraph's
            before = next((k for k in reversed(kinds[:index]) if k != "N"), "R")
            after = next((k for k in kinds[index + 1:] if k != "N"), "R")
            kinds[index] = "L" if before == after == "L" else "R"
    runs: list = []
    for index, kind in enumerate(kinds):
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(index)
        else:
            runs.append((kind, [index]))
    order = []
    for kind, run in reversed(runs):
        order += run if kind == "L" else run[::-1]
    drawn = []
    for position, index in enumerate(order):
        previous = order[position - 1] if position else None
        # no space between two tokens that touch in the text (a word and its punctuation)
        touching = previous is not None and abs(previous - index) == 1 and line[max(previous, index)][1]
        drawn.append((words[index], position > 0 and not touching))
    return drawn


class RightToLeftParagraph(Flowable):
    """A paragraph in a right-to-left script, in one style, that wraps and splits across pages."""

    def __init__(self, markup: str, style, lines=None):
        super().__init__()
        self.style = style
        self.markup = markup
        self.forced = [tokens(line) for line in plain_text(markup).split("\n")]
        self.lines = lines

    def _width(self, text: str) -> float:
        style = self.style
        return bidiShapedText(text, None, fontName=style.fontName, fontSize=style.fontSize,
                              shaping=bool(style.shaping))[1]

    def _break(self, width: float) -> list[list[tuple[str, bool]]]:
        """Lines in logical order; a joined token (punctuation) never starts a line."""
        space = self._width(" ")
        lines = []
        for words in self.forced:
            line, used = [], 0.0
            for word, joined in words:
                size = self._width(word) + (0 if joined else space if line else 0)
                if line and used + size > width and not joined:
                    lines.append(line)
                    line, used, size = [], 0.0, self._width(word)
                used += size
                line.append((word, joined))
            lines.append(line)
        return lines

    def wrap(self, available_width, available_height):
        inner = available_width - self.style.leftIndent - self.style.rightIndent
        if self.lines is None or getattr(self, "_wrapped_for", None) != inner:
            self.lines = self._break(inner)
            self._wrapped_for = inner
        self.width = available_width
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        fits = int(available_height // self.style.leading)
        if fits <= 0 or fits >= len(self.lines):
            return [] if fits <= 0 else [self]
        first = RightToLeftParagraph(self.markup, self.style, self.lines[:fits])
        rest = RightToLeftParagraph(self.markup, self.style, self.lines[fits:])
        first._wrapped_for = rest._wrapped_for = self._wrapped_for
        first.style = _no_space_after(self.style)
        rest.style = _no_space_before(self.style)
        return [first, rest]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        style, canvas = self.style, self.canv
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        space = self._width(" ")
        inner = self.width - style.leftIndent - style.rightIndent
        descent = (style.leading - style.fontSize) / 2 + style.fontSize * 0.22
        for number, line in enumerate(self.lines):
            ordered = visual_order(line)
            widths = [self._width(word) for word, _ in ordered]
            used = sum(widths) + space * sum(spaced for _, spaced in ordered)
            if style.alignment == TA_LEFT:
                x = style.leftIndent
            elif style.alignment == TA_CENTER:
                x = style.leftIndent + (inner - used) / 2
            else:
                x = style.leftIndent + inner - used
            y = self.height - (number + 1) * style.leading + descent
            for (word, spaced), width in zip(ordered, widths):
                x += space if spaced else 0
                canvas.drawString(x, y, word, shaping=bool(style.shaping))
                x += width


def _no_space_after(style):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-head", parent=style, spaceAfter=0)


def _no_space_before(style):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-tail", parent=style, spaceBefore=0)
