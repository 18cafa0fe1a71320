"""Tests for the ink-shape counter that later checks our text is shaped like HarfBuzz shapes it.

These build their own small PDFs with ReportLab's canvas, not through ``handouts``, so they test the
measuring tool alone.  Counting is tested on images drawn with Pillow, where the right answer is known.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from inkshapes import LineBox, agree, count_shapes, find_line, line_boxes, pdf_box_shapes, reference_shapes
from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.pdfgen import canvas

FONTS = Path(__file__).resolve().parent.parent / "handouts" / "fonts"
LATIN_FONT = FONTS / "NotoSans-Regular.ttf"
ARABIC_FONT = FONTS / "NotoSansArabicLatin-Regular.ttf"
ARABIC = "العلاج المناعي"  # "immunotherapy", in logical order


def require(*tools: str) -> None:
    """Skip when a command-line tool is missing; the only reason these tests ever skip."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (poppler-utils / libharfbuzz-bin)")


def font_name(path: Path) -> str:
    """Register a TrueType font with ReportLab once, under a name of its own."""
    name = f"inkshapes-{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def one_line_pdf(path: Path, text, font: Path, size: float, x: float = 72, y: float = 600) -> LineBox:
    """A one-page PDF with ``text`` drawn by plain ``canvas.drawString`` at baseline (x, y).

    Returns the box the line was drawn in, from the font's metrics, with the origin turned to the top
    left as poppler has it: for text poppler cannot read back, the box is all we have.
    """
    name = font_name(font)
    pdf = canvas.Canvas(str(path))
    pdf.setFont(name, size)
    pdf.drawString(x, y, text)
    pdf.save()
    page_height = pdf._pagesize[1]
    ascent, descent = pdfmetrics.getAscentDescent(name, size)
    width = pdfmetrics.stringWidth(text, name, size)  # unshaped advances; shaped text is found by find_line
    return LineBox(1, str(text), x, page_height - (y + ascent), x + width, page_height - (y + descent))


def image(size=(200, 60), background="white") -> tuple[Image.Image, ImageDraw.ImageDraw]:
    picture = Image.new("RGB", size, background)
    return picture, ImageDraw.Draw(picture)


# count_shapes on pictures whose answer is known


def test_separate_rectangles_on_white_count_one_each():
    picture, draw = image()
    for left in (10, 60, 110):
        draw.rectangle((left, 10, left + 30, 50), fill="black")
    assert count_shapes(picture) == 3


def test_light_shapes_on_a_dark_banner_are_the_ink():
    picture, draw = image(background="#123a7a")  # white text on dark blue, as on our banners
    for left in (10, 50, 90, 130):
        draw.rectangle((left, 20, left + 20, 40), fill="white")
    assert count_shapes(picture) == 4


def test_a_one_pixel_speck_is_not_a_shape():
    picture, draw = image()
    draw.rectangle((10, 10, 40, 50), fill="black")
    draw.point((150, 30), fill="black")
    assert count_shapes(picture) == 1
    assert count_shapes(picture, min_pixels=1) == 2  # the speck is there; min_pixels is what drops it


def test_shapes_touching_at_a_corner_are_one_shape():
    picture, draw = image()
    draw.rectangle((10, 10, 29, 29), fill="black")
    draw.rectangle((30, 30, 49, 49), fill="black")  # meets the first only diagonally
    assert count_shapes(picture) == 1


def test_faint_grey_is_below_the_threshold():
    picture, draw = image()
    draw.rectangle((10, 10, 40, 50), fill="black")
    draw.rectangle((100, 10, 130, 50), fill=(200, 200, 200))  # 55 of 255 levels from the paper
    assert count_shapes(picture) == 1
    assert count_shapes(picture, threshold=0.1) == 2


def test_count_shapes_reads_a_png_file(tmp_path):
    picture, draw = image()
    draw.ellipse((10, 10, 50, 50), fill="black")
    draw.ellipse((70, 10, 110, 50), outline="black", width=3)
    picture.save(tmp_path / "two.png")
    assert count_shapes(tmp_path / "two.png") == 2
    assert count_shapes(str(tmp_path / "two.png")) == 2


def test_agree_is_within_ten_percent():
    assert agree(21, 21)
    assert agree(22, 20) and agree(18, 20)
    assert not agree(23, 20) and not agree(17, 20)
    assert not agree(17, 10)


# HarfBuzz's reference rendering


def test_reference_counts_one_shape_per_latin_letter():
    require("hb-view")
    assert reference_shapes("Hello", LATIN_FONT, 20) == 5


def test_reference_counts_the_dot_of_the_i():
    require("hb-view")
    assert reference_shapes("mi", LATIN_FONT, 20) == 3


# reading lines back from a PDF


def test_find_line_returns_the_box_poppler_reports(tmp_path):
    require("pdftotext")
    drawn = one_line_pdf(tmp_path / "line.pdf", "Dose & timing <today>", LATIN_FONT, 14)
    found = find_line(tmp_path / "line.pdf", "Dose  &  timing <today>")  # escaped by poppler, spaces folded
    assert found.page == 1 and found.text == "Dose & timing <today>"
    assert found.x_min == pytest.approx(drawn.x_min, abs=0.5)
    assert found.x_max == pytest.approx(drawn.x_max, abs=0.5)
    assert found.y_min < found.y_max and found.y_min == pytest.approx(drawn.y_min, abs=5)
    assert find_line(tmp_path / "line.pdf", "Dose &", page=1) == found  # starts with
    assert line_boxes(tmp_path / "line.pdf") == [found]


def test_find_line_lists_what_it_saw_when_nothing_matches(tmp_path):
    require("pdftotext")
    one_line_pdf(tmp_path / "line.pdf", "Call your care team today", LATIN_FONT, 14)
    with pytest.raises(AssertionError, match="lines seen:\n  page 1: 'Call your care team today'"):
        find_line(tmp_path / "line.pdf", "Call the clinic")
    with pytest.raises(AssertionError):
        find_line(tmp_path / "line.pdf", "Call your care team today", page=2)


# end to end: a PDF line against HarfBuzz


def test_latin_line_in_a_pdf_agrees_with_harfbuzz(tmp_path):
    require("pdftotext", "pdftoppm", "hb-view")
    text = "Call your care team today"
    one_line_pdf(tmp_path / "latin.pdf", text, LATIN_FONT, 14)
    ours = pdf_box_shapes(tmp_path / "latin.pdf", 1, find_line(tmp_path / "latin.pdf", text))
    reference = reference_shapes(text, LATIN_FONT, 14)
    assert reference == 21  # one shape per letter: Latin text has no joins and no dots here
    assert agree(ours, reference), f"ours {ours}, HarfBuzz {reference}"


def test_unshaped_arabic_does_not_agree_with_harfbuzz(tmp_path):
    """The comparison catches broken Arabic: letters drawn unjoined, in isolated forms.

    Plain ``canvas.drawString`` maps each character to its nominal glyph, with no joining, so every
    letter and every dot is a shape of its own; HarfBuzz joins the letters and gives far fewer.  The
    box comes from where we drew, since poppler may not read the broken line back as that text.
    """
    require("pdftoppm", "hb-view")
    drawn = one_line_pdf(tmp_path / "broken.pdf", ARABIC, ARABIC_FONT, 20)
    ours = pdf_box_shapes(tmp_path / "broken.pdf", 1, drawn)
    reference = reference_shapes(ARABIC, ARABIC_FONT, 20)
    assert ours > reference
    assert not agree(ours, reference), f"ours {ours}, HarfBuzz {reference}"


def test_arabic_shaped_by_harfbuzz_in_reportlab_agrees(tmp_path):
    """The control for the test above: the same word shaped (ReportLab + uharfbuzz) does agree.

    Without it, "does not agree" could just mean the tool cannot measure Arabic at all.  Poppler reads
    shaped Arabic back reversed and in presentation forms, which ``find_line`` undoes.
    """
    require("pdftotext", "pdftoppm", "hb-view")
    shaped = shapeStr(ARABIC, font_name(ARABIC_FONT), 20)  # glyphs in visual order, joined
    one_line_pdf(tmp_path / "shaped.pdf", shaped, ARABIC_FONT, 20)
    ours = pdf_box_shapes(tmp_path / "shaped.pdf", 1, find_line(tmp_path / "shaped.pdf", ARABIC))
    reference = reference_shapes(ARABIC, ARABIC_FONT, 20)
    assert agree(ours, reference), f"ours {ours}, HarfBuzz {reference}"
