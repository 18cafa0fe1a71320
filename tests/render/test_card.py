"""Wallet cards: ID-1 size, eight to a sheet, the back mirrored for duplex printing."""

from __future__ import annotations

import re

import pytest
from pdfread import MM, pdf_fonts, pdf_text
from pypdf import PdfReader

from handouts import model as m
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
    assert back.count("Version 0.1 · Reviewed January 31, 2026 · Carry this card. Show it to any doctor or nurse.") == 8
    # the medical-advice notice is on the sheet, under the cards, once
    assert back.count("It does not replace medical advice.") == 1
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
    profile.write_text("name: Riverside Cancer Centre at the University Hospital of the Northern Region, "
                       "Department of Blood and Marrow Transplant and Cellular Therapy, Adult and Children's Services, "
                       "North Campus, Building C, Floor 4, and the Riverside Regional Outpatient Infusion Centres of "
                       "Lakeside, Hillcrest and Old Mill Road\n"
                       "phones: {daytime: '+1 555 0100'}\n")
    # in English the name has a line of its own under the banner (a two-language card names the
    # centre on the staff's banner line instead)
    result = run("build", "car-t-side-effects", "--locale", "en", "--clinic", profile)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"clinic.yaml: the clinic's name takes \d lines on the front of a wallet card", result.output)
    assert "short_name" in result.output and not list(tmp_path.glob("build/*.pdf"))
    profile.write_text(profile.read_text() + "short_name: Riverside Cancer Centre\n")
    result = run("build", "immunotherapy-side-effects", "--locale", "es", "--clinic", profile)
    assert result.exit_code == 0, result.output
    front = " ".join(PdfReader(str(tmp_path / "build" / "immunotherapy-side-effects.es.a4.pdf")).pages[0]
                     .extract_text().split())  # on the staff's banner line, which may wrap
    cards = len(card_positions(prepare(Registry(), "immunotherapy-side-effects", locale="es"), panels=2))
    assert front.count("Riverside Cancer Centre") == cards > 1 and "Northern Region" not in front


@pytest.mark.parametrize("module", ["car-t-side-effects", "immunotherapy-side-effects"])
def test_the_team_signs_end_with_the_recap_in_every_language(tmp_path, module):
    """PEMAT item 11: a bold line that sums the card up ("New or worse sign, day or night? Call
    now.") ends the care team's signs inside the folded card, in its language, on every card."""
    import subprocess

    from handouts import model as m
    from handouts.content import module_locales
    from handouts.render import render

    registry = Registry()
    locales = module_locales(registry.module(module))
    assert {"en", "ar", "hi", "zh-Hans"} <= set(locales)
    recaps = set()
    for locale in locales:
        handout = prepare(registry, module, locale=locale, paper="letter")
        [signs] = [block for face in handout.document.faces for block in face.blocks if isinstance(block, m.ListBlock)]
        recap = m.plain(signs.recap)
        assert recap and recap not in recaps, locale          # there, and translated
        recaps.add(recap)
        path = tmp_path / f"{locale}.pdf"
        path.write_bytes(render(handout))
        inside = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout
        key = " ".join(recap.split()[:2]) if " " in recap else recap[:6]   # its first words, or characters
        cards = len(card_positions(handout, panels=2))
        assert " ".join(inside.split()).count(key) == cards > 1, (locale, key)   # once on each card


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_folded_card_opens_on_its_emergency_signs(locale):
    """Printed on both sides and flipped on the long edge, the panel behind the cover is the one
    read first when the card is opened (left to right: on the left; right to left: on the right),
    and the panel behind the back is read next."""
    from handouts.render.pdf.card import sheet_panels

    handout = prepare(Registry(), "car-t-side-effects", locale=locale)
    width = handout.layout["card"]["width_mm"] * MM
    page_width = handout.paper.size[0]
    outside, inside = (dict(((round(x, 2), round(y, 2)), face.name) for x, y, face in placed)
                       for _, placed in sheet_panels(handout))
    assert sorted(outside.values()).count("front") == len(outside) // 2 > 1
    for (x, y), name in outside.items():  # what lies behind each outside panel
        behind = inside[(round(page_width - x - width, 2), y)]
        assert behind == {"front": "inside_first", "back": "inside_second"}[name], (x, name, behind)
    top = max(y for _, y in outside)
    row = sorted((x, name) for (x, y), name in outside.items() if y == top)
    assert [name for _, name in row] == (["back", "front"] if locale == "en" else ["front", "back"])
    first = [block for face in handout.document.faces if face.name == "inside_first" for block in face.blocks]
    assert isinstance(first[0], m.Emergency) and first[0].emergency_signs   # opened, the emergency signs first
    assert not first[0].team_overleaf   # the team's signs face them


def test_a_folded_card_has_fold_marks_outside_the_cards(tmp_path):
    pymupdf = pytest.importorskip("pymupdf")
    from handouts.render.pdf.card import card_positions

    handout = prepare(Registry(), "immunotherapy-side-effects")
    path = tmp_path / "card.pdf"
    from handouts.render import render
    path.write_bytes(render(handout))
    width = handout.layout["card"]["width_mm"] * MM
    folds = {round(x + width, 1) for x, _ in card_positions(handout, panels=2)}
    with pymupdf.open(str(path)) as document:
        for page in document:
            dashed = {round(d["rect"].x0, 1) for d in page.get_drawings()
                      if d.get("dashes") not in (None, "[] 0", "[] 0.0") and d["rect"].width < 0.5}
            assert dashed == folds, (dashed, folds)


def test_a_card_with_one_inside_panel_is_refused(run, edit, content_copy):
    edit("mini-card", "back:\n", "inside_first:\n  - text: Inside.\nback:\n")
    result = run("check", "--content", content_copy)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"mini-card/module.yaml:\d+: inside_first: a folded card needs both inside panels",
                     result.output), result.output


def test_the_emergency_line_prints_the_clinics_emergency_number(tmp_path):
    """A profile with settings.emergency_number and no phones.emergency prints that number on the
    emergency line (a blank line there invites the clinic's own number, and a seizure needs 911);
    the care team's lines stay blank to write on."""
    from handouts.clinic import load_clinic
    from handouts.render import render

    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside\nsettings:\n  emergency_number: '112'\n", encoding="utf-8")
    handout = prepare(Registry(), "car-t-side-effects", clinic=load_clinic(profile))
    [contacts] = [block for block in handout.document.walk() if isinstance(block, m.ContactBlock)]
    assert [(row.kind, row.number) for row in contacts.rows] == [("daytime", None), ("after_hours", None),
                                                                  ("emergency", "112")]
    path = tmp_path / "card.pdf"
    path.write_bytes(render(handout))
    outside = " ".join(PdfReader(str(path)).pages[0].extract_text().split())
    cards = outside.count("I had CAR-T cell therapy")
    assert outside.count("Emergency number: 112") == cards > 1


def test_on_a_folded_card_the_note_stands_out_of_the_emergency_box():
    """"If you cannot reach your team..." inside the emergency box read as "try the team first" for
    a seizure: on the folded cards it is a line of its own after the fever line."""
    for module in ("car-t-side-effects", "immunotherapy-side-effects"):
        handout = prepare(Registry(), module)
        [inside] = [face for face in handout.document.faces if face.name == "inside_first"]
        box, *rest = inside.blocks
        note = str(Registry().module(module).data["emergency"]["note"])
        assert isinstance(box, m.Emergency) and box.emergency_signs and not box.note
        after = [m.plain(block.content) for block in rest if isinstance(block, m.Paragraph)]
        assert after and after[-1] == note.replace("{emergency_number}", "your emergency number"), after


def test_the_team_signs_are_read_before_their_recap():
    """In the structure tree (what a screen reader reads), the folded card's care-team panel reads
    its heading, then the list of signs, then the recap: as printed."""
    import io

    import pikepdf

    from handouts.render import render

    handout = prepare(Registry(), "car-t-side-effects")
    [signs] = [block for block in handout.document.walk() if isinstance(block, m.ListBlock)]
    pdf = pikepdf.open(io.BytesIO(render(handout)))
    roles = []

    def visit(element):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if isinstance(kids, pikepdf.Dictionary) else []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") is not None:
                roles.append(str(kid.get("/S")))
                if kid.get("/S") not in ("/L",):
                    visit(kid)

    visit(pdf.Root.StructTreeRoot)
    assert signs.recap and "/L" in roles
    last_list = len(roles) - 1 - roles[::-1].index("/L")
    # the recap P comes right after the last list (the care team's); nothing but P before the back's
    assert roles[last_list + 1] == "/P"
    assert roles.index("/L") < last_list   # two lists: the emergency signs, then the team's


@pytest.mark.parametrize("module,locale", [("mini-card", "en"), ("car-t-side-effects", "en"),
                                           ("car-t-side-effects", "ar")])
def test_the_banner_bleeds_past_the_cut_and_the_sheet_says_where_it_is_trimmed(fixtures, tmp_path, module, locale):
    """A miscut card shows no white sliver beside its banner: the band runs 2 mm past every cut
    (and up to a fold, no further), read back by poppler at 300 dpi, and the sheet's TrimBox and
    BleedBox name the cards' outer cut lines and 2 mm beyond them."""
    import subprocess

    from PIL import Image

    from handouts.render.pdf.card import BLEED, sheet_panels

    registry = Registry.with_extra(content=[fixtures / "content"])
    [pdf] = build_handouts([module], locale=locale, content=[fixtures / "content"], out_dir=tmp_path).written
    handout = prepare(registry, module, locale=locale)
    width, height = (handout.layout["card"][key] * MM for key in ("width_mm", "height_mm"))
    placed = sheet_panels(handout)[0][1]
    page = PdfReader(str(pdf)).pages[0]
    left = min(x for x, _, _ in placed)
    bottom = min(y for _, y, _ in placed)
    right, top = max(x for x, _, _ in placed) + width, max(y for _, y, _ in placed) + height
    assert [float(v) for v in page.trimbox] == pytest.approx([left, bottom, right, top], abs=0.01)
    bled = [left - BLEED, bottom - BLEED, right + BLEED, top + BLEED]
    assert [float(v) for v in page.bleedbox] == pytest.approx(bled, abs=0.01)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "sheet")], check=True)
    image = Image.open(tmp_path / "sheet.png").convert("L")
    scale, page_height = 300 / 72, float(page.mediabox.height)
    x, y, face = next((x, y, face) for x, y, face in placed if face.name == "front")
    # the banner's row: 1.5 mm under the top of its text block, which starts at the padding
    row = round((page_height - (y + height - handout.layout.mm("card", "padding_mm") - 1.5 * MM)) * scale)
    for edge in (x, x + width):
        # a fold: another panel of the same card meets this one at the edge
        fold = any(abs(other_y - y) < 0.01 and min(abs(other_x - edge), abs(other_x + width - edge)) < 0.01
                   for other_x, other_y, other in placed if other is not face)
        past = edge + (1 * MM if edge > x else -1 * MM)
        inside = edge + (-1 * MM if edge > x else 1 * MM)
        assert image.getpixel((round(inside * scale), row)) < 200, "the band reaches the edge"
        assert (image.getpixel((round(past * scale), row)) < 200) is (not fold), (edge, fold)
