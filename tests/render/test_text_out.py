"""Text that comes back out: poppler's pdftotext returns every heading and key point of every
handout in reading order, in every locale (Arabic and Hindi included, through /ActualText), and
PyMuPDF, a second reader, returns the same words."""

from __future__ import annotations

import subprocess

import pytest
from pdfread import in_order as _in_order
from pdfread import needs
from pdfread import words as _words

from handouts import model as m
from handouts.document import prepare
from handouts.registry import Registry
from handouts.render import render

pytestmark = needs("pdftotext")
def _headings_and_key_points(document: m.Document) -> list[str]:
    """The title, every heading and every key point, in reading order."""
    texts = [document.title]
    for block in document.walk():
        if isinstance(block, m.Heading):
            texts.append(m.plain(block.content))
        elif isinstance(block, m.Step):
            texts.append(m.plain(block.title))
        elif isinstance(block, m.ChecklistGroup):
            texts.append(m.plain(block.heading))
        elif isinstance(block, m.Emergency):  # a card's front box has no title row: the card has no room
            on_card = any(block in face.blocks for face in document.faces)
            texts += [text for text in (None if on_card else block.title, block.emergency_heading,
                                        block.team_overleaf) if text]
        elif isinstance(block, m.Callout) and block.title:
            # a two-language card's banner: the card's own words (pdftotext reads the staff's line,
            # in smaller type, with the card's other lines in that type; the tag tree keeps it under
            # the banner, and test_staff_and_products reads it back)
            texts.append(m.plain(tuple(node for node in block.title if not isinstance(node, m.Foreign))))
            if block.role == "key_points":
                texts += [m.plain(item) for item in block.blocks[0].items]
    return texts


MODULES = tuple(Registry().module_paths())   # every bundled handout, the daily log included
assert len(MODULES) >= 6


def _poppler(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _mupdf(pdf) -> str:
    import pymupdf

    with pymupdf.open(str(pdf)) as document:
        return "\n".join(page.get_text() for page in document)


@pytest.mark.parametrize("variant", ["standard", "large-print"])
@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("locale", ["en", "es", "zh-Hans", "vi", "ar", "hi"])
def test_headings_and_key_points_come_back_in_reading_order(tmp_path, locale, module, variant):
    handout = prepare(Registry(), module, locale=locale, variant=variant)
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(render(handout))
    text = _poppler(pdf)
    flat = _words(text)
    wanted_texts = _headings_and_key_points(handout.document)
    if module.endswith("side-effects") and variant == "large-print":
        wanted_texts = wanted_texts[1:]  # an alert sheet is headed by the card's banner, not the card's name
    assert len(wanted_texts) >= 2  # at least the banner and a heading
    for wanted in wanted_texts:
        words = _words(wanted)
        if locale == "zh-Hans":  # no spaces between words: compare the characters
            assert "".join(words) in "".join(flat), wanted
        else:
            # a sentence may wrap: its words run on from one line to the next
            assert _in_order(words, flat), (wanted, text[:400])


@pytest.mark.parametrize("locale", ["en", "es", "zh-Hans", "vi", "ar", "hi"])
def test_mupdf_reads_the_same_words(tmp_path, locale):
    """A second reader: PyMuPDF. Left-to-right sentences come back in order; in Arabic MuPDF keeps
    Latin runs where they are drawn, so there every word must come back whole (no reversed or
    doubled letters), not the order of runs."""
    pytest.importorskip("pymupdf")
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale=locale)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render(handout))
    flat = _words(_mupdf(pdf))
    for wanted in _headings_and_key_points(handout.document):
        words = _words(wanted)
        if locale == "zh-Hans":
            assert "".join(words) in "".join(flat), wanted
        elif handout.rtl:
            assert set(words) <= set(flat), (wanted, sorted(set(words) - set(flat)))
        else:
            assert _in_order(words, flat), wanted
