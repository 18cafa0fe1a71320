"""Wallet cards: ID-1 size, eight to a sheet, the back mirrored for duplex printing."""

from __future__ import annotations

import pytest
from pdfread import MM, pdf_fonts, pdf_text
from pypdf import PdfReader

from handouts.build import build_handouts, prepare
from handouts.registry import Registry
from handouts.render.pdf.card import card_positions


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_eight_cards_front_and_back(fixtures, tmp_path, paper):
    [pdf] = build_handouts(["mini-card"], paper=paper, content=[fixtures / "content"], out_dir=tmp_path).written
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 2
    front, back = (" ".join(p.extract_text().split()) for p in reader.pages)
    assert front.count("I had a test treatment") == 8
    assert back.count("Call right away if you have") == 8
    assert back.count("Version 0.1 · Reviewed January 31, 2026 · Not medical advice.") == 8
    assert "Do not drive for 2 weeks." in back
    assert all(pdf_fonts(pdf).values())


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_cards_are_id1_and_back_mirrors_front(fixtures, paper):
    registry = Registry.with_extra(content=[fixtures / "content"])
    handout = prepare(registry, "mini-card", paper=paper)
    page_width, page_height = handout.paper.size
    card = handout.layout["card"]
    width, height = card["width_mm"] * MM, card["height_mm"] * MM
    assert (card["width_mm"], card["height_mm"]) == (85.6, 54)
    positions = card_positions(handout)
    assert len(positions) == 8
    for x, y in positions:  # every card on the paper, none overlapping another
        assert 0 < x and x + width < page_width and 0 < y and y + height < page_height
    xs = sorted({x for x, _ in positions})
    assert xs[1] - xs[0] >= width
    # Flipped on the long edge, a card's back lands at the mirror image of its front.
    backs = sorted((round(page_width - x - width, 3), round(y, 3)) for x, y in positions)
    assert backs == sorted((round(x, 3), round(y, 3)) for x, y in positions)


def test_contacts_from_clinic_on_card(fixtures, tmp_path):
    [pdf] = build_handouts(["mini-card"], content=[fixtures / "content"], out_dir=tmp_path,
                           clinic=fixtures / "clinics" / "riverside.yaml").written
    text = pdf_text(pdf)
    assert text.count("555-0100") == 8 and "Riverside Cancer Center & Clinic" in text


def test_a_link_on_a_card_prints_its_words_without_an_annotation(content_copy, tmp_path):
    """A card face is a form XObject, which cannot hold link annotations: the words are printed,
    the link is not made (before, this was a traceback)."""
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace('"Do not drive for', '"[Call us](tel:5550100). Do not drive for'))
    [pdf] = build_handouts(["mini-card"], content=[content_copy], out_dir=tmp_path).written
    assert "Call us" in pdf_text(pdf)
    assert all("/Annots" not in page for page in PdfReader(str(pdf)).pages)


def test_a_clinic_name_too_long_for_the_card_front_asks_for_a_short_name(run, tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside Cancer Centre at the University Hospital of the Northern Region\n"
                       "phones: {daytime: '+1 555 0100'}\n")
    # in English the name has a line of its own under the banner (a two-language card names the
    # centre on the staff's banner line instead)
    result = run("build", "car-t-side-effects", "--locale", "en", "--clinic", profile)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "clinic.yaml: the clinic's name takes 2 lines on the front of a wallet card" in result.output
    assert "short_name" in result.output and not list(tmp_path.glob("build/*.pdf"))
    profile.write_text(profile.read_text() + "short_name: Riverside Cancer Centre\n")
    result = run("build", "immunotherapy-side-effects", "--locale", "es", "--clinic", profile)
    assert result.exit_code == 0, result.output
    front = " ".join(PdfReader(str(tmp_path / "build" / "immunotherapy-side-effects.es.a4.pdf")).pages[0]
                     .extract_text().split())  # on the staff's banner line, which may wrap
    assert front.count("Riverside Cancer Centre") == 8 and "Northern Region" not in front


@pytest.mark.parametrize("module", ["car-t-side-effects", "immunotherapy-side-effects"])
def test_the_back_ends_its_signs_with_the_recap_in_every_language(tmp_path, module):
    """PEMAT item 11: a bold line that sums the card up ("New or worse sign, day or night? Call
    now.") ends the care team's signs on the back, in the card's language, on every card."""
    from handouts import model as m
    from handouts.content import module_locales
    import subprocess

    from handouts.render import render

    registry = Registry()
    locales = module_locales(registry.module(module))
    assert {"en", "ar", "hi", "zh-Hans"} <= set(locales)
    recaps = set()
    for locale in locales:
        handout = prepare(registry, module, locale=locale, paper="letter")
        [signs] = [block for block in handout.document.faces[1].blocks if isinstance(block, m.ListBlock)]
        recap = m.plain(signs.recap)
        assert recap and recap not in recaps, locale          # there, and translated
        recaps.add(recap)
        path = tmp_path / f"{locale}.pdf"
        path.write_bytes(render(handout))
        back = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        key = " ".join(recap.split()[:2]) if " " in recap else recap[:6]   # its first words, or characters
        assert " ".join(back.split()).count(key) == 8, (locale, key)   # once on each card
