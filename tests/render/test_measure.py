"""The measure: running text on a standard sheet or checklist is set no wider than the layout's
``measure_em``, so a line holds about 50-70 characters (the page's full width held 80-90), in
every language and on both papers; boxes and tables keep the page's width. Measured on the built
PDFs by PDFium's ink boxes, element by element through the structure tree, not by our own layout."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

from handouts.layouts import load_layout
from handouts.preflight.pages import PdfFacts
from handouts.preflight.rules import card_grid
from handouts.registry import Registry

BOXED = {"Sect", "Table", "TR", "TD", "TH", "Figure"}   # boxes and tables keep the full width
FUZZ = 1.0   # points


def measure_em() -> float:
    return float(load_layout("info-sheet", Registry()).values["measure_em"])


def body_pt() -> float:
    return load_layout("info-sheet", Registry()).pt("body")


def running_segments(path: Path) -> list[tuple[float, str, float]]:
    """Each running-text element's part of each printed line: its ink width, its text and its type
    size."""
    doc = PdfFacts(path)
    try:
        if card_grid(doc.pages[0]) is not None:
            return []
        found = []
        for page in doc.pages:
            for line in page.lines:
                for part in line.by_baseline():
                    pieces = defaultdict(lambda: ([], [], []))
                    for char, box, mcid, size in zip(part.chars, part.boxes, part.mcids, part.sizes):
                        at = doc.element_at.get((page.index, mcid))
                        if at is None:
                            continue
                        element = doc.elements[at]
                        if BOXED & {element.role, *element.lineage}:
                            continue
                        chars, boxes, sizes = pieces[at]
                        chars.append(char)
                        sizes.append(size)
                        if box[2] > box[0] and not char.isspace():
                            boxes.append(box)
                    for chars, boxes, sizes in pieces.values():
                        if boxes:
                            found.append((max(b[2] for b in boxes) - min(b[0] for b in boxes), "".join(chars).strip(),
                                          max(sizes)))
        return found
    finally:
        doc.close()


def standard_pdfs(folder: Path) -> list[dict]:
    items = json.loads((folder / "manifest.json").read_text())["items"]
    return [item for item in items if item["format"] == "pdf" and item["variant"] == "standard"]


def test_running_text_keeps_to_the_measure_in_every_language_and_paper(bundled_catalogue):
    ems = measure_em()
    checked = defaultdict(int)
    for item in standard_pdfs(bundled_catalogue):
        segments = running_segments(bundled_catalogue / item["path"])
        too_wide = [(round(width / (ems * size), 2), text[:50]) for width, text, size in segments
                    if width > ems * size + FUZZ]
        assert not too_wide, f"{item['path']}: lines wider than the measure: {too_wide[:3]}"
        if segments:
            checked[(item["locale"], item["paper"])] += 1
    # every language on both papers had sheets with running text to measure (not a vacuous pass)
    locales = {item["locale"] for item in standard_pdfs(bundled_catalogue)}
    assert len(locales) >= 6
    assert {(locale, paper) for locale in locales for paper in ("a4", "letter")} <= set(checked)


def test_a_full_line_holds_50_to_70_characters_in_latin_scripts(bundled_catalogue):
    """A full line (within 10 % of the measure) holds 50-70 characters in English, Spanish and
    Vietnamese: the measure a low-literacy reader follows best."""
    ems, body = measure_em(), body_pt()
    for locale in ("en", "es", "vi"):
        full = [len(text) for item in standard_pdfs(bundled_catalogue) if item["locale"] == locale
                for width, text, size in running_segments(bundled_catalogue / item["path"])
                if width > ems * size * 0.9 and abs(size - body) < 0.1]
        assert len(full) > 50, locale
        assert 50 <= statistics.median(full) <= 70, (locale, statistics.median(full))
        assert max(full) <= 75, (locale, max(full))


def test_boxes_and_tables_keep_the_full_width(bundled_catalogue):
    """The comparison table's rows span wider than the measure: only running text is held to it."""
    measure = measure_em() * body_pt()
    for name in ("immunotherapy-vs-car-t.en.a4.pdf", "immunotherapy-vs-car-t.ar.letter.pdf"):
        doc = PdfFacts(bundled_catalogue / name)
        try:
            spans = []   # how far the table's text reaches across each page
            for page in doc.pages:
                cells = [box for line in page.lines for box, mcid in zip(line.boxes, line.mcids)
                         if (page.index, mcid) in doc.element_at and box[2] > box[0]
                         and "Table" in doc.elements[doc.element_at[(page.index, mcid)]].lineage]
                if cells:
                    spans.append(max(b[2] for b in cells) - min(b[0] for b in cells))
        finally:
            doc.close()
        assert spans and max(spans) > measure * 1.15, name
