"""Safety on paper, read back from every bundled PDF: the emergency box whole on page 1 (on every
card front), emergency number before care team, the layout's page rules, and wallet cards people
can write on. Text is read with poppler's ``pdftotext``; geometry with PyMuPDF."""

from __future__ import annotations

import subprocess
from functools import lru_cache

import pytest
from pdfread import MM, needs, words

from handouts import model as m
from handouts.document import prepare
from handouts.registry import Registry

pytestmark = needs("pdftotext", "pdftoppm")

MODULES = tuple(Registry().module_paths())   # every bundled handout, the daily log included
assert len(MODULES) >= 6
LOCALES = ("en", "es", "zh-Hans", "vi", "ar", "hi")
CARDS = ("car-t-side-effects", "immunotherapy-side-effects")
ITEMS = [(module, locale, paper, variant) for module in MODULES for locale in LOCALES
         for paper in ("a4", "letter") for variant in ("standard", "large-print")]


@pytest.fixture(scope="module")
def catalogue(bundled_catalogue):
    """Every bundled handout, built once by the command a CI pipeline runs (conftest.py)."""
    return bundled_catalogue


def pdf_of(out, module, locale, paper, variant):
    return out / f"{module}.{locale}.{paper}{'.large-print' if variant == 'large-print' else ''}.pdf"


@lru_cache(maxsize=None)
def handout_of(module, locale, paper, variant):
    return prepare(Registry(), module, locale=locale, paper=paper, variant=variant)


def page_text(pdf, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def found_at(wanted: str, text: str, locale: str) -> int:
    """Where a sentence starts among the words of ``text`` (-1 if absent); a sentence may wrap."""
    got, want = words(text), words(wanted)
    if locale == "zh-Hans":  # no spaces between words: compare characters
        return "".join(got).find("".join(want))
    return next((i for i in range(len(got) - len(want) + 1) if got[i:i + len(want)] == want), -1)


def count_of(wanted: str, text: str, locale: str) -> int:
    got, want = words(text), words(wanted)
    if locale == "zh-Hans":
        return "".join(got).count("".join(want))
    return sum(got[i:i + len(want)] == want for i in range(len(got) - len(want) + 1))


@pytest.mark.parametrize("module,locale,paper,variant", ITEMS)
def test_emergency_box_is_whole_on_page_one_emergency_number_first(catalogue, module, locale, paper, variant):
    handout = handout_of(module, locale, paper, variant)
    pdf = pdf_of(catalogue, module, locale, paper, variant)
    boxes = [b for b in handout.document.walk() if isinstance(b, m.Emergency) and b.first_page]
    box, page = boxes[0], 1
    cards = cards_on_sheet(handout) if module in CARDS and variant == "standard" else 0
    if not box.emergency_signs:  # a folded card's cover: which sign means which call, the emergency first
        text = page_text(pdf, 1)
        at_emergency, at_team = (found_at(s, text, locale) for s in (box.emergency_heading, box.team_overleaf))
        assert 0 <= at_emergency < at_team, (box.emergency_heading, text[:600])
        assert count_of(box.emergency_heading, text, locale) == count_of(box.team_overleaf, text, locale) == cards
        box, page = boxes[1], 2   # opened, the emergency signs come first
    text = page_text(pdf, page)
    emergency_line = box.emergency_heading
    team = next((b for b in handout.document.walk() if isinstance(b, m.ListBlock) and b.lead), None)
    team_line = box.team_heading if box.team_signs else box.team_overleaf or team.lead
    # the last sign's first words: in a list of two columns, pdftotext reads across both, so a sign
    # that wraps in one column is interleaved with its neighbour in the other
    last = " ".join(m.plain(box.emergency_signs[-1]).split()[:4])
    at_emergency, at_team, at_last = (found_at(s, text, locale) for s in (emergency_line, team_line, last))
    assert at_emergency >= 0, (emergency_line, text[:600])
    assert at_last > at_emergency, (last, text[:600])       # the box is not cut short on its page
    assert at_team > at_emergency, (team_line, text[:600])  # the emergency number comes first
    if cards:                                               # on every card of the sheet
        assert count_of(emergency_line, text, locale) == count_of(team_line, text, locale) == cards > 1


def cards_on_sheet(handout) -> int:
    """How many cards the layout puts on a sheet (each has one front)."""
    from handouts.render.pdf.card import sheet_panels

    return sum(face.name == "front" for _, _, face in sheet_panels(handout)[0][1])


def page_fills(pdf, top_margin_mm: float) -> list[tuple[float, float, str]]:
    """Per page: how full the text frame is, measured from what is drawn (text and drawings), and
    the size and colour of the lowest line of text. The frame ends 6 pt above the footer's rule,
    the lowest line across the text width."""
    import pymupdf

    fills = []
    with pymupdf.open(str(pdf)) as document:
        for page in document:
            width = page.rect.width
            rules = [d["rect"] for d in page.get_drawings()
                     if d["rect"].height < 1.5 and d["rect"].width > width * 0.55]
            footer = max(r.y0 for r in rules)
            top, bottom = top_margin_mm * MM, footer - 6
            lines = [(line["bbox"], line["spans"][0]) for block in page.get_text("dict")["blocks"]
                     for line in block.get("lines", []) if line["spans"] and line["bbox"][3] < footer - 1]
            drawn = [d["rect"].y1 for d in page.get_drawings() if d["rect"].y1 < footer - 1]
            lowest = max([bbox[3] for bbox, _ in lines] + drawn + [top])
            last_line = max(lines, key=lambda item: item[0][3], default=None)
            fills.append(((lowest - top) / (bottom - top), last_line[1]["size"] if last_line else 0,
                          last_line[1]["color"] if last_line else 0, last_line[0][3] if last_line else 0, lowest))
    return fills


@pytest.mark.parametrize("module,locale,paper,variant",
                         [item for item in ITEMS if not (item[0] in CARDS and item[3] == "standard")])
def test_page_rules(catalogue, module, locale, paper, variant):
    """No page but the last under 30 % full; no heading ends a page; the last page is more than a
    few lines; a checklist's notes lines never start a page (they stay with their group)."""
    pytest.importorskip("pymupdf")
    handout = handout_of(module, locale, paper, variant)
    layout = handout.layout
    rules = layout.values["pages"]
    pdf = pdf_of(catalogue, module, locale, paper, variant)
    fills = page_fills(pdf, layout.mm("margins_mm", "top") / MM)
    heading_size = layout.pt("heading")
    accent = int(layout.values["colours"]["accent"][1:], 16)
    for number, (fill, size, colour, line_bottom, lowest) in enumerate(fills, start=1):
        if number < len(fills):   # the page before a picture too (it used to be let off)
            assert fill >= rules["min_fill"] - 0.01, f"page {number} of {len(fills)} is {fill:.0%} full"
            ends_with_heading = abs(size - heading_size) < 0.3 and colour == accent and lowest - line_bottom < 2
            assert not ends_with_heading, f"page {number} ends with a heading"
    if len(fills) > 1:  # measured from ink here, from line boxes by the renderer: a point of slack
        assert fills[-1][0] >= rules["min_last_fill"] - 0.01, f"the last page is {fills[-1][0]:.0%} full"
    if handout.document.kind == "checklist":
        notes = next(b for b in handout.document.blocks if isinstance(b, m.ChecklistGroup)).notes_label
        for number in range(2, len(fills) + 1):
            first = next((line for line in page_text(pdf, number).splitlines() if line.strip()), "")
            assert words(first) != words(notes), f"page {number} starts with the notes of a group"


def card_geometry(pdf, handout, page_index: int):
    """The cards' panels on a page (PyMuPDF rectangles, each with its face), with every line of
    text and every drawing on the page."""
    import pymupdf

    from handouts.render.pdf.card import sheet_panels

    card = handout.layout["card"]
    w, h = card["width_mm"] * MM, card["height_mm"] * MM
    with pymupdf.open(str(pdf)) as document:
        page = document[page_index]
        height = page.rect.height
        rects = [(pymupdf.Rect(x, height - y - h, x + w, height - y), face)
                 for x, y, face in sheet_panels(handout)[page_index][1]]
        spans = [(pymupdf.Rect(span["bbox"]), span["size"], span["text"])
                 for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
                 for span in line["spans"] if span["text"].strip()]
        drawings = [(d["rect"], d.get("width") or 0, d) for d in page.get_drawings()]
    return rects, spans, drawings


def _hex(colour) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour) if colour else ""


def inked_band(pdf, page_index: int, rects, keep: float) -> list[int]:
    """Per card, how many pixels poppler paints (darker than light grey) on the card within ``keep``
    of its cut line, at 300 dpi: what a guillotine that wanders a little would cut through."""
    from PIL import Image

    out = pdf.parent / f"{pdf.stem}-{page_index}"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", str(page_index + 1),
                    "-l", str(page_index + 1), str(pdf), str(out)], check=True)
    image = Image.open(f"{out}.png").convert("L")
    scale = 300 / 72
    counts = []
    for rect in rects:
        x0, y0, x1, y1 = (round(v * scale) for v in (rect.x0, rect.y0, rect.x1, rect.y1))
        k = round(keep * scale) - 2  # two pixels (0.17 mm) for rounding where a card's edge falls between pixels
        card = image.crop((x0 + 1, y0 + 1, x1 - 1, y1 - 1))
        w, h = card.size
        inner = Image.new("L", (w - 2 * k, h - 2 * k), 255)
        card.paste(inner, (k, k))  # blank out the inside: what is left is the band
        # a banner's band that runs solid off the left or right edge (bleed) is not ink near the cut:
        # wherever the guillotine falls it cuts through colour. Text inside it is white, and inside
        # the band it breaks the solid run, so it still counts.
        pixels = card.load()
        for y in range(h):
            for xs in (range(0, k), range(w - k, w)):
                if all(pixels[x, y] < 200 for x in xs):
                    for x in xs:
                        pixels[x, y] = 255
        counts.append(sum(card.histogram()[:200]))  # pixels darker than light grey
    return counts


@pytest.mark.parametrize("module", CARDS)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_wallet_card_can_be_written_on_and_cut(catalogue, module, locale, paper):
    pytest.importorskip("pymupdf")
    handout = handout_of(module, locale, paper, "standard")
    pdf = pdf_of(catalogue, module, locale, paper, "standard")
    keep = 3.5 * MM   # 3 mm, and half a millimetre for a guillotine that wanders
    rule = handout.layout.values["colours"]["rule"].lower()
    faces = set()
    for page_index in (0, 1):
        panels, spans, drawings = card_geometry(pdf, handout, page_index)
        # each ID-1 panel keeps 3.5 mm clear: a card's cut lines, and a folded card's fold
        ink = inked_band(pdf, page_index, [rect for rect, _ in panels], keep)
        assert ink == [0] * len(panels), f"ink within 3.5 mm of a panel's edge (dark pixels per panel): {ink}"
        for rect, face in panels:
            faces.add(face.name)
            on_card = [(r, size, text) for r, size, text in spans if r.intersects(rect)]
            assert on_card
            for r, size, text in on_card:
                assert size >= 6.5 - 0.01, (text, size)
            # lines to write on (drawn in the rule colour): phone numbers on the back at least 40 mm long
            # and 5 mm apart; the name and dates on the front at least 4.5 mm apart
            lines = sorted(r.y0 for r, _, d in drawings if r.height < 1 and r.width >= 40 * MM and rect.contains(r)
                           and _hex(d.get("color")) == rule)
            needed = {"back": len(handout.document.furniture.contacts.rows), "front": 3}.get(face.name, 0)
            gap = 5 if face.name == "back" else 4.5
            assert len(lines) == needed, f"{len(lines)} lines to write on the {face.name}"
            assert all(b - a >= gap * MM - 0.01 for a, b in zip(lines, lines[1:])), [round((b - a) / MM, 2) for a, b
                                                                                       in zip(lines, lines[1:])]
    assert faces == {face.name for face in handout.document.faces} >= {"front", "back"}  # each face is drawn
    front = page_text(pdf, 1)
    mark = handout.document.furniture.draft_mark
    cards = cards_on_sheet(handout)
    if handout.draft:
        assert mark and count_of(mark, front, locale) == cards > 1  # on every card
    else:
        assert not mark


@needs("pdftotext")
@pytest.mark.parametrize("weeks,expected", [
    (1, {"en": "1 week", "es": "1 semana", "zh-Hans": "1 周", "vi": "1 tuần", "ar": "أسبوع واحد", "hi": "1 सप्ताह"}),
    (2, {"en": "2 weeks", "es": "2 semanas", "zh-Hans": "2 周", "vi": "2 tuần", "ar": "أسبوعين", "hi": "2 सप्ताह"}),
    (5, {"en": "5 weeks", "ar": "5 أسابيع"}),
    (11, {"en": "11 weeks", "ar": "11 أسبوعًا"}),
])
def test_counted_weeks_take_each_languages_plural_form(run, tmp_path, weeks, expected):
    """A clinic's setting of 1 prints "1 week", not "1 weeks"; Arabic takes its dual for 2."""
    profile = tmp_path / "clinic.yaml"
    profile.write_text(f"name: Test clinic\nsettings:\n  stay_near_weeks: {weeks}\n", encoding="utf-8")
    for locale, phrase in expected.items():
        out = tmp_path / locale
        # the journey sheet: a wallet card has no room for the weeks (its key points are on page 3
        # in large print, page 1 here)
        result = run("build", "car-t-journey", "--locale", locale, "--clinic", str(profile), "-o", str(out))
        assert result.exit_code == 0, result.output
        text = " ".join(page_text(next(out.glob("*.pdf")), 1).split())
        assert " ".join(words(phrase)) in " ".join(words(text)) if locale != "zh-Hans" else \
            phrase.replace(" ", "") in text.replace(" ", ""), (locale, phrase, text[:500])


def test_a_clinics_address_and_numbers_tighten_the_page_not_push_the_box_off_it(run, tmp_path):
    """A US clinic's Spanish comparison sheet on Letter, with its name and address at the top and
    its numbers in the box, once failed: the box was 'not on page 1' though tighter spacing fits it."""
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside Cancer Centre\nshort_name: Riverside\naddress: 12 River Road, Springfield\n"
                       "phones:\n  daytime: '+1 555 0100'\n  after_hours: '+1 555 0199'\n")
    result = run("build", "immunotherapy-vs-car-t", "-l", "es", "-p", "letter", "-c", profile, "--strict", "-o", "out")
    assert result.exit_code == 0, result.output
    box = next(b for b in handout_of("immunotherapy-vs-car-t", "es", "letter", "standard").document.walk()
               if isinstance(b, m.Emergency))
    text = page_text(tmp_path / "out" / "immunotherapy-vs-car-t.es.letter.pdf", 1)
    assert found_at(m.plain(box.emergency_signs[-1]), text, "es") > found_at(box.emergency_heading, text, "es") >= 0
    assert "+1 555 0199" in text
