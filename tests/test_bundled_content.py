"""The bundled handouts, built as a nurse would build them, read back from the PDFs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pdfread import page_size_mm, pdf_fonts, pdf_text
from pypdf import PdfReader

from handouts.build import build_handouts
from handouts.document import WORD_JOINER, format_date
from handouts.registry import Registry

MODULES = ["car-t-daily-log", "car-t-journey", "car-t-side-effects", "immunotherapy-side-effects",
           "immunotherapy-vs-car-t", "questions-to-ask"]
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundled")
    paths = {}
    for paper in PAPERS:
        for path in build_handouts(locale="en", paper=paper, out_dir=out).written:
            paths[(path.name.split(".")[0], paper)] = path
    return paths


def test_all_six_modules_are_bundled():
    assert list(Registry().module_paths()) == MODULES


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("module", MODULES)
def test_every_handout_has_notice_version_and_embedded_fonts(built, module, paper):
    pdf = built[(module, paper)]
    assert page_size_mm(pdf) == PAPERS[paper]
    text = pdf_text(pdf)
    source = Registry().module(module)  # the footer says the module's own version and review date
    assert f"Version {source.version}" in text
    assert f"Reviewed {' '.join(format_date(source.reviewed, 'en').replace(WORD_JOINER, '').split())}" in text
    assert "does not replace medical advice" in text or "Not medical advice." in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts


def test_comparison_sheet(built):
    pdf = built[("immunotherapy-vs-car-t", "a4")]
    text = pdf_text(pdf)
    for topic in ("What it is", "How it works", "How it is given", "How often and how long", "Where it is given",
                  "Hospital stay", "Recovery", "Common side effects", "Serious side effects", "Which cancers",
                  "When it is used", "Access and cost", "Can they be used together?", "Key points",
                  "What this means for you", "Ask your care team", "Words to know"):
        assert topic in text, topic
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 2
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    table = [page for page in pages if "What it is" in page or "Access and cost" in page]
    assert len(table) == 2  # the table runs over a page break and its header comes along
    for page in table:
        assert "Topic Immunotherapy CAR-T cell therapy" in page
    assert "Get help fast" in pages[0] and "Get help fast" not in " ".join(pages[1:])  # on page 1, once


def test_car_t_journey_has_the_five_steps_and_dated_durations(built):
    text = pdf_text(built[("car-t-journey", "a4")])
    for step in ("1. ", "2. ", "3. ", "4. ", "5. "):
        assert step in text
    for word in ("Collection", "Changing the cells", "Growing the cells", "lymphodepleting chemotherapy",
                 "Infusion", "B-cell aplasia", "leukapheresis"):
        assert word.lower() in text.lower(), word
    assert "at least 2 weeks after your infusion" in text and "38 °C (100.4 °F)" in text  # A4: Celsius first


def test_car_t_card_outside_and_inside(built):
    from handouts.build import prepare
    from handouts.registry import Registry
    from handouts.render.pdf.card import sheet_panels

    pages = sheet_panels(prepare(Registry(), "car-t-side-effects", paper="letter"))
    cards = sum(face.name == "front" for _, _, face in pages[0][1])
    reader = PdfReader(str(built[("car-t-side-effects", "letter")]))
    outside, inside = (" ".join(p.extract_text().split()) for p in reader.pages)
    assert outside.count("I had CAR-T cell therapy") == cards > 1
    assert outside.count("Infusion date(s)") == cards and "CAR-T medicine" in outside
    # the cover says which sign means which call, and what to do when the team does not answer
    assert outside.count("Emergency signs inside this card: call your emergency number now.") == cards
    assert outside.count("No answer, or not sure? Call your emergency number.") == cards
    assert outside.count("Phone numbers") == outside.count("For doctors and nurses only:") == cards
    # opened: the emergency signs, then the team's (Letter: °F first)
    assert inside.count("Call your emergency number now for:") == cards
    assert inside.count("fever of 100.4 °F (38 °C) or more, or chills, even months later") == cards
    assert inside.count("For doctors") == 0


def test_checklist_has_fifteen_or_more_tick_boxes(built):
    reader = PdfReader(str(built[("questions-to-ask", "a4")]))
    fields = reader.get_fields()
    assert len(fields) >= 15
    assert all(field["/FT"] == "/Btn" for field in fields.values())
    text = pdf_text(built[("questions-to-ask", "a4")])
    for group in ("Choosing a treatment", "The treatment itself", "Side effects", "Daily life and support",
                  "After treatment"):
        assert group in text


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "handouts", "build", "car-t-side-effects", "-o", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "car-t-side-effects.en.a4.pdf").is_file()
