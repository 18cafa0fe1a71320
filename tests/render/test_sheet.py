"""Sheets read back from the PDF: text, pages, footer, table header repeated, metadata."""

from __future__ import annotations

import pytest
from pdfread import needs, page_size_mm, pdf_fonts, pdf_text
from pypdf import PdfReader

from handouts.build import build_handouts


def test_sheet_text_footer_and_metadata(fixtures, tmp_path):
    [pdf] = build_handouts(["mini-sheet"], content=[fixtures / "content"], out_dir=tmp_path).written
    text = pdf_text(pdf)
    for expected in ("Test comparison", "Key points", "Apples and pears are both fruit.", "Topic Apples Pears",
                     "Green or yellow.", "38 °C (100.4 °F)", "1. Wash", "Words to know",
                     "Fruit: The part of a plant that holds seeds.", "Who to call",
                     "Version 0.1", "Reviewed January 31, 2026", "Page 1 of 1", "does not replace medical advice"):
        assert expected in text, expected
    assert page_size_mm(pdf) == (210.0, 297.0)
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("NotoSans" in name for name in fonts)
    reader = PdfReader(str(pdf))
    meta = reader.metadata
    assert meta.title == "Test comparison"
    assert meta.author == "handouts"
    assert "mini-sheet" in meta.subject and "0.1" in meta.subject
    assert meta.creator.startswith("handouts ")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_long_table_repeats_its_header_and_numbers_pages(content_copy, tmp_path):
    path = content_copy / "mini-sheet" / "module.yaml"
    rows = "".join(f"    - topic: Point {i}\n      left: {'Left words. ' * 12}\n      right: Right.\n"
                   for i in range(40))
    path.write_text(path.read_text().replace("  rows:\n", "  rows:\n" + rows))
    [pdf] = build_handouts(["mini-sheet"], content=[content_copy], out_dir=tmp_path).written
    reader = PdfReader(str(pdf))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert f"Page {number} of {total}" in text
        assert "does not replace medical advice" in text
        if "Point" in text:
            assert "Topic Apples Pears" in text, f"header missing on page {number}"


def test_clinic_logo_and_author(fixtures, tmp_path):
    [pdf] = build_handouts(["mini-sheet"], content=[fixtures / "content"], out_dir=tmp_path,
                           clinic=fixtures / "clinics" / "with-logo.yaml").written
    reader = PdfReader(str(pdf))
    assert reader.metadata.author == "Lakeside Oncology"
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1
    assert "555-0123" in pdf_text(pdf)


def test_a_paragraph_split_across_pages_keeps_two_lines_on_each_side():
    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render.pdf.styles import styles_for
    from handouts.render.pdf.text import TextBlock

    styles = styles_for(prepare(Registry(), "car-t-journey"))
    block = TextBlock([("word " * 120, False, False, None)], styles.body)
    _, height = block.wrap(200, 10_000)
    lines = round(height / styles.body.leading)
    assert lines >= 6
    leading = styles.body.leading
    assert block.split(200, leading * 1.5) == []                # one line would be left at a page's foot
    head, tail = block.split(200, leading * (lines - 1))  # one line would go over alone: two go
    assert round(head.wrap(200, 10_000)[1] / leading) == lines - 2
    assert round(tail.wrap(200, 10_000)[1] / leading) == 2
    head, tail = block.split(200, leading * 3)
    assert round(head.wrap(200, 10_000)[1] / leading) == 3


def test_a_page_before_a_picture_is_held_to_the_rule_like_any_other():
    """A page left short because the picture after it did not fit is a page half empty all the
    same (a large-print Chinese journey left one 20 % full): the renderer tightens the spacing to
    mend it, as for any page, where it used to let it be."""
    from handouts.render.pdf.page import PageFill

    problems = PageFill(fills=[0.9, 0.2, 0.95, 0.5]).problems({"min_fill": 0.3})
    assert problems == ["page 2 of 4 is 20% full (the layout wants 30% or more)"]


@needs("pdftotext")
@pytest.mark.parametrize("locale", ["en", "ar", "zh-Hans"])
def test_printed_phone_numbers_are_larger_than_their_labels(tmp_path, locale):
    """A number on a sheet is read off and dialled: poppler finds it taller than its label's words."""
    import re
    import subprocess

    from handouts.clinic import load_clinic
    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render import render

    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: Clinic\nphones:\n  daytime: "555-0100"\n  after_hours: "555-0199"\n', encoding="utf-8")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(render(prepare(Registry(), "car-t-journey", locale=locale, clinic=load_clinic(profile))))
    words = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    boxes = [(float(y1) - float(y0), word) for y0, y1, word in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', words)]
    numbers = [height for height, word in boxes if "555-01" in word]
    assert len(numbers) >= 2, boxes[:5]
    body = sorted(height for height, word in boxes if len(word) > 3 and "555" not in word)
    median = body[len(body) // 2]
    assert min(numbers) >= 1.15 * median, (numbers, median)
