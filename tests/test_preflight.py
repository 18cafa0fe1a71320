"""``handouts preflight``: each rule finds the defect it names in a small PDF that has it, and the
rules that hold today find nothing over the whole catalogue, with and without a full clinic profile."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from handouts.preflight import pdf_files, preflight
from handouts.preflight import rules as r
from handouts.preflight.pages import PdfFacts

FONT = Path(__file__).parents[1] / "handouts" / "fonts" / "NotoSans-Regular.ttf"
FIXTURES = Path(__file__).parent / "fixtures"


def canvas(path: Path) -> Canvas:
    if "PreflightSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PreflightSans", str(FONT)))
    page = Canvas(str(path), pagesize=(210 * mm, 297 * mm), invariant=1)
    page.setFont("PreflightSans", 12)
    return page


def findings(path: Path, rule) -> list[str]:
    doc = PdfFacts(path)
    try:
        return [message for _, message in rule(doc)]
    finally:
        doc.close()


# -- each rule on a PDF that breaks it, and on one that does not -----------------------------------

@pytest.mark.parametrize("text,lacking", [("Fever", False), ("Fever \ufffd", True), ("Fever 发烧", True)])
def test_a_character_the_font_lacks_is_found(tmp_path, text, lacking):
    path = tmp_path / "glyphs.pdf"
    page = canvas(path)
    page.drawString(72, 700, text)   # NotoSans has no 发: ReportLab draws code 0 for it
    page.save()
    found = findings(path, r.missing_glyphs)
    assert bool(found) is lacking
    assert all("a character the font lacks" in message for message in found)


@pytest.mark.parametrize("leading,touches", [(12, True), (18, False)])
def test_lines_whose_ink_touches_are_found(tmp_path, leading, touches):
    path = tmp_path / "lines.pdf"
    page = canvas(path)   # 12 pt type: the j's tails reach down into the accents of the line below
    page.drawString(72, 700, "jujuju gaje")
    page.drawString(72, 700 - leading, "ÉÉÉÉÉÉ ÁÉÍ")
    page.save()
    assert bool(findings(path, r.touching_lines)) is touches


@pytest.mark.parametrize("gap,over", [(5.0, True), (8.0, False), (1.8, False)])
def test_lines_drawn_over_each_other_are_found_where_their_glyphs_miss(tmp_path, gap, over):
    # a card's label that wrapped inside a row of fixed height: its first line 5 pt under the
    # label above it, at 6.5 pt; PDFium reads the two as one line. 1.8 pt is a raised mark drawn
    # as its own text object (as an Arabic damma is), 8 pt the card's leading.
    path = tmp_path / "over.pdf"
    page = canvas(path)
    page.setFont("PreflightSans", 6.5)
    page.drawString(72, 700, "Tipo de CAR-T: / CAR-T medicine:")
    page.drawString(72, 700 - gap, "Fecha(s) CAR-T: / Infusion" if gap > 2 else "~")
    page.save()
    found = findings(path, r.touching_lines)
    assert any("drawn over each other" in message for message in found) is over, found


def test_an_unembedded_font_is_found(tmp_path):
    path = tmp_path / "helvetica.pdf"
    page = canvas(path)
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Call now")
    page.save()
    assert findings(path, r.unembedded_fonts) == ["the font Helvetica is not embedded"]


@pytest.mark.parametrize("first,second,broken", [
    ("https://example.org/car-t-jo", "urney.en.html", True),     # inside a word
    ("https://example.org/car-t-", "journey.en.html", True),     # at its own hyphen
    ("https://example.org/", "car-t-journey.en.html", False),    # after a slash
])
def test_an_address_broken_inside_a_word_is_found(tmp_path, first, second, broken):
    path = tmp_path / "address.pdf"
    page = canvas(path)
    page.drawString(72, 700, first)
    page.drawString(72, 685, second)
    page.linkURL(first + second, (72, 680, 300, 712))
    page.save()
    assert bool(findings(path, r.broken_addresses)) is broken


def test_a_qr_code_must_read_as_the_address_printed_beside_it(tmp_path):
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    def sheet(path, printed):
        page = canvas(path)
        widget = QrCodeWidget("https://example.org/a.en.html")
        scale = [30 * mm / widget.barWidth, 0, 0, 30 * mm / widget.barHeight, 0, 0]
        drawing = Drawing(30 * mm, 30 * mm, transform=scale)
        drawing.add(widget)
        renderPDF.draw(drawing, page, 72, 600)
        page.drawString(72, 580, printed)
        page.linkURL(printed, (72, 575, 300, 595))
        page.save()

    sheet(tmp_path / "same.pdf", "https://example.org/a.en.html")
    sheet(tmp_path / "other.pdf", "https://example.org/b.en.html")
    assert findings(tmp_path / "same.pdf", r.qr_codes) == []
    assert findings(tmp_path / "other.pdf", r.qr_codes) == [
        "a QR code reads 'https://example.org/a.en.html', which is not printed beside it"]


def test_a_page_left_nearly_empty_in_mid_document_is_found(tmp_path):
    path = tmp_path / "pages.pdf"
    page = canvas(path)
    for lines in (50, 4, 50):
        for line in range(lines):
            page.drawString(72, 780 - 14 * line, "A line of text.")
        page.showPage()
    page.save()
    assert findings(path, r.page_fill) == ["the page is only 7% full"]   # 4 lines of 50


@pytest.mark.parametrize("with_text,problem", [(False, True), (True, False)])
def test_a_last_page_of_only_the_qr_block_is_found(with_text, problem):
    from types import SimpleNamespace

    from handouts.preflight.pages import Drawn, Element

    def page(top):
        return SimpleNamespace(drawn=[Drawn("text", (72, 100, 500, top), "P", 0)], links=[], index=0)

    block = [Element("Figure", [(1, 1)], "https://example.org/a.en.html", (9, 0), ((8, 0), (9, 0))),
             Element("P", [(1, 2)], None, (9, 0), ((8, 0), (9, 0))),
             Element("Link", [(1, 3)], None, (10, 0), ((8, 0), (9, 0), (10, 0)))]   # the address, in its P
    text = [Element("P", [(1, 0)], None, (8, 0), ((8, 0),))] if with_text else []
    doc = SimpleNamespace(pages=[page(700), page(300)],
                          elements=[Element("P", [(0, 0)], None, (8, 0), ((8, 0),)), *text, *block])
    assert bool(list(r.page_fill(doc))) is problem


@pytest.fixture
def without_the_no_break_rule(monkeypatch):
    """The renderer as it was before it kept a lone capital with its word ("células / T"): its
    per-process cache of shaped paragraphs (which holds their break opportunities) emptied before
    and after, so no other test sees a paragraph broken without the rule."""
    from handouts.render import textlayout

    textlayout.shape_paragraph.cache_clear()
    monkeypatch.setattr(textlayout, "lone_letter_bounds", lambda text: set())
    yield
    textlayout.shape_paragraph.cache_clear()


def test_a_lone_capital_at_a_line_end_is_found(without_the_no_break_rule, tmp_path):
    # the rule holds over the whole catalogue (below); here it finds what the renderer's no-break
    # rule prevents, so that "holds" cannot mean "never fires"
    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render import render

    found = []
    for module, locale in (("immunotherapy-vs-car-t", "es"), ("car-t-journey", "vi")):
        path = tmp_path / f"{module}.{locale}.pdf"
        path.write_bytes(render(prepare(Registry(), module, locale=locale)))
        found += findings(path, r.lone_letters)
    tokens = [re.match(r"a lone '(.+?)' (ends|starts) the line", message) for message in found]
    assert found and all(token and r._lone(token.group(1)) for token in tokens)   # "T", "B", "“Ở"


def card_sheet(path: Path, inset_mm: float, band: tuple[float, float] | None = None, fold: bool = False):
    """Two cards side by side with crop marks, text ``inset_mm`` inside the first card's cut; a
    ``band`` across the first card from that many mm past its left cut (negative: inside it) to as
    many past its right one; ``fold``: the two cards one folded card, with no gap between them."""
    page = canvas(path)
    w, h, gap, x0, y0 = 85.6 * mm, 54 * mm, 0 if fold else 6 * mm, 16 * mm, 200 * mm
    xs = sorted({x0, x0 + w, x0 + w + gap, x0 + 2 * w + gap})
    if band:
        page.setFillColorRGB(0.05, 0.3, 0.55)
        page.rect(x0 - band[0] * mm, y0 + 40 * mm, w + (band[0] + band[1]) * mm, 6 * mm, stroke=0, fill=1)
        page.setFillColorRGB(1, 1, 1)
        page.drawString(x0 + 4 * mm, y0 + 42 * mm, "I had CAR-T cell therapy")
        page.setFillColorRGB(0, 0, 0)
    page.setLineWidth(0.3)
    for x in xs:
        page.line(x, y0 + h + 1.5 * mm, x, y0 + h + 5.5 * mm)
        page.line(x, y0 - 1.5 * mm, x, y0 - 5.5 * mm)
    for y in (y0, y0 + h):
        page.line(x0 - 1.5 * mm, y, x0 - 5.5 * mm, y)
        page.line(xs[-1] + 1.5 * mm, y, xs[-1] + 5.5 * mm, y)
    page.drawString(x0 + inset_mm * mm, y0 + 30 * mm, "Call now")
    page.save()


@pytest.mark.parametrize("inset,problem", [(2.0, True), (5.0, False)])
def test_card_ink_inside_the_safe_margin_is_found(tmp_path, inset, problem):
    path = tmp_path / "cards.pdf"
    card_sheet(path, inset)
    assert r.card_rects(PdfFacts(path).pages[0]) != []
    found = findings(path, r.card_margins)
    assert bool(found) is problem
    assert all(message.startswith("card 1: ink") for message in found)


@pytest.mark.parametrize("band,fold,problem", [
    ((2.0, 2.0), False, False),   # across both cuts: bleed
    ((0.0, 2.0), False, True),    # up to the left cut and no further: a cut 1 mm in shows white
    ((-3.0, 2.0), False, True),   # stops 3 mm inside the cut: an uneven frame when cut 1 mm off
    ((2.0, 0.0), True, False),    # across the cut, up to the fold
    ((2.0, -3.0), True, True),    # stops 3 mm short of the fold
])
def test_a_band_is_bleed_only_when_it_runs_past_the_cut_or_to_the_fold(tmp_path, band, fold, problem):
    path = tmp_path / "cards.pdf"
    card_sheet(path, 5.0, band, fold)
    found = findings(path, r.card_margins)
    assert bool(found) is problem, found


# -- the command -------------------------------------------------------------------------------

def test_the_command_lists_problems_by_file_and_page_and_exits_1(run, tmp_path):
    path = tmp_path / "build" / "bad.pdf"
    path.parent.mkdir()
    page = canvas(path)
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Call now")
    page.save()
    result = run("preflight")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "build/bad.pdf:1: the font Helvetica is not embedded"


@pytest.mark.parametrize("target,says", [("nowhere", "no such file or folder"), ("empty", "no PDF in this folder")])
def test_nothing_to_check_is_one_line(run, tmp_path, target, says):
    (tmp_path / "empty").mkdir()
    result = run("preflight", target)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and says in result.output


# -- the catalogue -----------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["no profile", "full profile"])
def catalogue(request):
    """The catalogue as built, and with the full clinic profile (both shared: conftest.py)."""
    return request.getfixturevalue("bundled_catalogue" if request.param == "no profile" else "full_profile_catalogue")


def test_the_catalogue_keeps_every_rule(catalogue):
    out, rules = catalogue, r.RULES
    listed = json.loads((out / "manifest.json").read_text())
    paths = pdf_files(out)
    assert len(paths) == len([entry for entry in listed["items"] if entry["format"] == "pdf"]) > 0
    assert [str(finding) for finding in preflight(out, jobs=2, rules=rules)] == []


def test_the_full_profile_sets_every_field():
    import yaml

    from handouts.jsonschema import schema_text

    fields = json.loads(schema_text("clinic"))["properties"]
    profile = yaml.safe_load((FIXTURES / "clinics" / "full.yaml").read_text())
    assert set(profile) == set(fields) - {"paper"}   # the catalogue is built on both papers
    assert set(profile["phones"]) == set(fields["phones"]["properties"])


def test_a_file_that_is_not_a_pdf_is_one_line(run, tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a PDF")
    result = run("preflight", "broken.pdf")
    assert result.exit_code == 1
    assert result.output.startswith("Error: broken.pdf: not a PDF that can be read")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("write_in,problem", [(True, False), (False, True)])
def test_a_running_footer_is_not_content_but_write_in_lines_are(tmp_path, write_in, problem):
    path = tmp_path / "footer.pdf"
    page = canvas(path)
    for number, lines in enumerate((50, 12, 50), 1):
        for line in range(lines):
            page.drawString(72, 780 - 14 * line, "A line of text.")
        if number == 2 and write_in:   # lines to write on, as an artifact, down to the foot of the frame
            page._code.append("/Artifact BMC")
            for y in range(600, 90, -40):
                page.line(72, y, 500, y)
            page._code.append("EMC")
        page._code.append("/Artifact BMC")
        page.drawString(72, 40, f"Page {number} of 3")
        page._code.append("EMC")
        page.showPage()
    page.save()
    assert bool(findings(path, r.page_fill)) is problem   # page 2 is a quarter full without its lines
