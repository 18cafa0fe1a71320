"""Counting connected ink shapes, to check that text in our PDFs is shaped like HarfBuzz shapes it.

Why count shapes?  Text extraction cannot tell well-shaped Arabic from broken Arabic: both come back as
the same characters.  What differs is the ink.  Joined Arabic letters touch and form a few connected
shapes per word; letters drawn one by one in their isolated forms stay apart and give many more.  The
same holds for Devanagari (matras and conjuncts attach to their consonants).  So we render a line of
one of our PDFs, render the same text with ``hb-view`` (HarfBuzz's own renderer, our reference), count
the connected ink shapes in both images, and ask that the counts agree within 10 %.

The pieces:

* :func:`line_boxes` / :func:`find_line` -- where a line of text sits on a page (``pdftotext -bbox-layout``);
* :func:`pdf_box_shapes` -- rasterise just that box (``pdftoppm``) and count its shapes;
* :func:`reference_shapes` -- the same count for ``hb-view``'s rendering of the text;
* :func:`count_shapes` -- the counting itself, in pure Python + Pillow (no numpy in the test deps);
* :func:`agree` -- the 10 % rule.

Both renderings use the same resolution (``dpi``), so a glyph is about the same number of pixels in
each and anti-aliasing specks are filtered out the same way.
"""

from __future__ import annotations

import io
import math
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

__all__ = [
    "LineBox",
    "agree",
    "count_shapes",
    "find_line",
    "line_boxes",
    "pdf_box_shapes",
    "reference_shapes",
]

POINTS_PER_INCH = 72


@dataclass(frozen=True)
class LineBox:
    """One line of text as poppler sees it.

    Coordinates are PDF points with the origin at the TOP-left of the page (poppler's convention, not
    PDF's bottom-left), which is also what ``pdftoppm -x/-y`` crops with.
    """

    page: int  # 1-based, as pdftoppm -f/-l count
    text: str  # the line's words joined by single spaces
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def _local(tag: str) -> str:
    """``{http://www.w3.org/1999/xhtml}line`` -> ``line``: poppler's output is namespaced XHTML."""
    return tag.rsplit("}", 1)[-1]


def line_boxes(pdf_path) -> list[LineBox]:
    """Every text line of a PDF with its bounding box, in reading order, pages in order.

    ``pdftotext -bbox-layout`` writes XHTML: ``page > flow > block > line > word``.  We keep one
    :class:`LineBox` per ``<line>``; a line's box is poppler's (it spans the font's ascent to descent,
    so it holds every glyph of the line, accents and descenders included).  Poppler escapes ``&``,
    ``<`` and ``>`` in words, and the XML parser unescapes them.
    """
    result = subprocess.run(["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True, check=True)
    root = ET.fromstring(result.stdout)
    lines: list[LineBox] = []
    page_number = 0
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "page":
            page_number += 1
        elif tag == "line":
            words = [word.text or "" for word in element if _local(word.tag) == "word"]
            lines.append(
                LineBox(
                    page=page_number,
                    text=" ".join(" ".join(words).split()),
                    x_min=float(element.get("xMin")),
                    y_min=float(element.get("yMin")),
                    x_max=float(element.get("xMax")),
                    y_max=float(element.get("yMax")),
                )
            )
    return lines


def _readings(text: str) -> tuple[str, ...]:
    """The ways a line of poppler's text may spell ``text``: as is, and for shaped right-to-left text.

    A PDF of well-shaped Arabic holds glyphs in visual order, and poppler reads them back as
    presentation forms (U+FB50-U+FEFF) from left to right: ``العلاج`` comes out as ``جﻼﻌﻟا``.  Reversing
    the line and applying NFKC gives the logical text back, so such lines can be found by what was
    written.
    """
    return text, unicodedata.normalize("NFKC", text), unicodedata.normalize("NFKC", text[::-1])


def find_line(pdf_path, wanted_text: str, page: int | None = None) -> LineBox:
    """The first line whose text is ``wanted_text`` (whitespace folded), else the first that starts with it.

    The fallback to "starts with" lets a test name a line by its beginning when the rest may change.
    Shaped right-to-left lines match too, though poppler returns them reversed, in presentation forms
    (see :func:`_readings`).  Raises AssertionError listing the lines seen, so a failing test shows what
    poppler found instead.
    """
    wanted = " ".join(wanted_text.split())
    candidates = [line for line in line_boxes(pdf_path) if page is None or line.page == page]
    for line in candidates:
        if wanted in _readings(line.text):
            return line
    for line in candidates:
        if any(reading.startswith(wanted) for reading in _readings(line.text)):
            return line
    seen = "\n".join(f"  page {line.page}: {line.text!r}" for line in candidates)
    where = f" on page {page}" if page is not None else ""
    raise AssertionError(f"no line {wanted!r}{where} in {pdf_path}; lines seen:\n{seen}")


def _render_box(pdf_path, page: int, box, dpi: int, pad_pt: float) -> Image.Image:
    """Rasterise one box of one page, as a greyscale image (see :func:`pdf_box_shapes`)."""
    if isinstance(box, LineBox):
        box = (box.x_min, box.y_min, box.x_max, box.y_max)
    x_min, y_min, x_max, y_max = box
    scale = dpi / POINTS_PER_INCH
    left = max(0, math.floor((x_min - pad_pt) * scale))
    top = max(0, math.floor((y_min - pad_pt) * scale))
    right = math.ceil((x_max + pad_pt) * scale)
    bottom = math.ceil((y_max + pad_pt) * scale)
    command = [
        "pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
        "-x", str(left), "-y", str(top), "-W", str(right - left), "-H", str(bottom - top),
        "-gray", "-png", "-singlefile", str(pdf_path),
    ]  # fmt: skip
    # With no output root, pdftoppm writes the image to stdout.
    result = subprocess.run(command, capture_output=True, check=True)
    # poppler 22.12 ignores -gray for PNG and writes RGB; converting makes that harmless.
    return Image.open(io.BytesIO(result.stdout)).convert("L")


def pdf_box_shapes(pdf_path, page: int, box, dpi: int = 200, pad_pt: float = 1.0, **count_options) -> int:
    """The number of connected ink shapes inside ``box`` of ``page`` (1-based) of a PDF.

    ``box`` is a :class:`LineBox` or an ``(x_min, y_min, x_max, y_max)`` tuple in points, origin
    top-left.  Only that box is rendered (``pdftoppm -x -y -W -H`` in pixels, px = pt * dpi / 72),
    padded by ``pad_pt`` on every side so no glyph touching the box edge is cut in two (a cut glyph
    could split into extra shapes).  Keep the padding small: a neighbouring line's ink would count too.
    ``count_options`` go to :func:`count_shapes`.
    """
    return count_shapes(_render_box(pdf_path, page, box, dpi, pad_pt), **count_options)


def reference_shapes(
    text: str,
    font_path,
    size_pt: float,
    dpi: int = 200,
    direction: str | None = None,
    script: str | None = None,
    language: str | None = None,
    **count_options,
) -> int:
    """The number of connected ink shapes in HarfBuzz's own rendering of ``text`` (``hb-view``).

    hb-view draws at 72 pixels per inch, so the font size is given in pixels, size_pt * dpi / 72, to
    match a PDF rasterised at ``dpi``.  Direction and script are guessed by HarfBuzz from the text
    unless given (``direction`` is ltr/rtl/ttb/btt, ``script`` an ISO 15924 tag such as ``Arab``).
    hb-view's language defaults to ``$LANG``; pass ``language`` (a BCP 47 tag) where the language
    changes the glyphs.  The text goes as ``--text=...`` so a text starting with "-" is not read as
    an option.  ``count_options`` go to :func:`count_shapes`.
    """
    size_px = size_pt * dpi / POINTS_PER_INCH
    with tempfile.TemporaryDirectory(prefix="inkshapes-") as folder:
        output = Path(folder) / "reference.png"
        command = [
            "hb-view",
            f"--font-file={font_path}",
            f"--font-size={size_px:.3f}",  # hb-view 6 takes fractional sizes despite "integers" in --help
            f"--margin={math.ceil(size_px / 4)}",  # room so anti-aliased edges are not clipped
            "-O", "png", "-o", str(output),
        ]  # fmt: skip
        if direction:
            command.append(f"--direction={direction}")
        if script:
            command.append(f"--script={script}")
        if language:
            command.append(f"--language={language}")
        command.append(f"--text={text}")
        subprocess.run(command, capture_output=True, check=True)
        with Image.open(output) as image:
            return count_shapes(image, **count_options)


def _ink_mask(image: Image.Image, threshold: float) -> bytearray:
    """One byte per pixel, row by row: 1 for ink, 0 for background.

    The background is the most common grey level, so dark banners (white text on colour) work as well
    as paper.  The "range" is the furthest any grey level in the image is from that background; a pixel
    is ink when it is more than ``threshold`` of that range away.  Taking the range from the image
    rather than a fixed 255 keeps low-contrast pairs (white on a light colour) countable.
    """
    grey = image.convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    spread = max(abs(level - background) for level in range(256) if histogram[level])
    if spread == 0:  # a blank image: no ink at all
        return bytearray(grey.width * grey.height)
    cutoff = threshold * spread
    lookup = [1 if abs(level - background) > cutoff else 0 for level in range(256)]
    return bytearray(grey.point(lookup).tobytes())


def count_shapes(image, min_pixels: int = 3, threshold: float = 0.4, drop_edge_rows: bool = False) -> int:
    """The number of 8-connected ink shapes in an image (a PNG path or a PIL image).

    Ink is told from background by :func:`_ink_mask`.  Pixels touching at a corner belong to the same
    shape (8-connectivity): thin diagonal strokes of anti-aliased text often hold together only there.
    Shapes smaller than ``min_pixels`` are anti-aliasing specks and are not counted.

    The flood fill walks a flat bytearray with an explicit stack (no recursion, so no recursion limit),
    and ``bytearray.find`` jumps over background in C; a 2500 x 150 px line takes well under a second.
    """
    if not isinstance(image, Image.Image):
        with Image.open(image) as opened:
            return count_shapes(opened, min_pixels=min_pixels, threshold=threshold, drop_edge_rows=drop_edge_rows)
    width, height = image.size
    ink = _ink_mask(image, threshold)
    shapes = 0
    start = ink.find(1)
    while start != -1:
        ink[start] = 0  # cleared pixels are visited
        stack = [start]
        size = 0
        touches = False
        while stack:
            index = stack.pop()
            size += 1
            y, x = divmod(index, width)
            touches = touches or y == 0 or y == height - 1
            for ny in (y - 1, y, y + 1):
                if ny < 0 or ny >= height:
                    continue
                row = ny * width
                for nx in (x - 1, x, x + 1):
                    if 0 <= nx < width and ink[row + nx]:
                        ink[row + nx] = 0
                        stack.append(row + nx)
        # With drop_edge_rows, a shape cut by the top or bottom edge belongs to a neighbouring line.
        if size >= min_pixels and not (drop_edge_rows and touches):
            shapes += 1
        start = ink.find(1, start + 1)
    return shapes


def agree(ours: int, reference: int, tolerance: float = 0.10) -> bool:
    """Whether our count is within ``tolerance`` (10 %) of the reference: |ours - reference| <= tolerance * reference.

    A tolerance, not equality, because the two renderers differ slightly (hinting, anti-aliasing,
    sub-pixel placement), which can merge or split the odd pair of nearly touching glyphs.  Broken
    shaping is far outside it: unjoined Arabic has roughly twice the shapes of joined Arabic.
    """
    return abs(ours - reference) <= tolerance * reference
