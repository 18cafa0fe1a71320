"""Content 1.2, first part: translated wallet cards that emergency staff can read, label weeks per
CAR-T product, numbers as a regional locale writes them, and the new placeholders.

Cards are read back with poppler's ``pdftotext`` (the outside reference), and compared with the
catalogues: a translated card must hold the staff's English *and* the patient's own words.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pdfread import poppler_text

from handouts.clinic import load_clinic
from handouts.content import catalogue_locales
from handouts.document import placeholder_values, prepare
from handouts.errors import ContentError, UnknownNameError
from handouts.facts import load_facts, load_products
from handouts.i18n import translator_for
from handouts.registry import Registry
from handouts.render import render

CARDS = ("car-t-side-effects", "immunotherapy-side-effects")
BUNDLED = Path(__file__).parent.parent / "content"
STAFF_LINES = ("Doctors, nurses and emergency staff: please read the whole card.", "For doctors and nurses only:")


def translated_locales(module: str) -> list[str]:
    locales = [locale for locale in catalogue_locales(BUNDLED / module) if locale != "en"]
    assert len(locales) >= 1, f"{module} has no translation to test"
    return locales


def folded(text: str) -> str:
    """NFKC (Arabic presentation forms to letters) without bidi controls, white space folded."""
    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())


def card_text(tmp_path: Path, module: str, locale: str, clinic=None, variant: str = "standard") -> str:
    handout = prepare(Registry(), module, locale=locale, clinic=clinic, variant=variant)
    path = tmp_path / f"{module}.{locale}.{variant}.pdf"
    path.write_bytes(render(handout))
    return folded(poppler_text(path))


def profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("module", CARDS)
def test_translated_cards_hold_the_staff_lines_in_english_and_the_patients_words(tmp_path, module):
    registry = Registry()
    english = registry.module(module).data
    banner = next(block["banner"] for block in english["front"] if "banner" in block)
    for locale in translated_locales(module):
        text = card_text(tmp_path, module, locale)
        # the banner's words before any bracket: pdftotext may mirror brackets inside right-to-left lines
        for line in (*STAFF_LINES, banner.split(" (")[0], "Name:"):
            assert line in text, (locale, line)
        ours = translator_for(registry.module(module), locale)(banner)
        # each run of the patient's own script in order ("تلقيت العلاج بخلايا" of "... CAR-T"): poppler
        # may put a Latin run ("CAR-T") at either end of a right-to-left line
        runs = [run.strip() for run in re.split(r"CAR-T|[()]", folded(ours)) if run.strip()]
        assert ours != banner and runs and all(run in text for run in runs), (locale, runs)


@pytest.mark.parametrize("module", CARDS)
def test_large_print_alert_sheets_hold_the_staff_lines_too(tmp_path, module):
    for locale in translated_locales(module):
        text = card_text(tmp_path, module, locale, variant="large-print")
        assert all(line in text for line in STAFF_LINES), locale


def test_a_card_in_the_staffs_own_language_says_each_line_once(tmp_path):
    from handouts.render.pdf.card import sheet_panels

    text = card_text(tmp_path, "car-t-side-effects", "en")
    cards = sum(face.name == "front" for _, _, face in sheet_panels(prepare(Registry(), "car-t-side-effects"))[0][1])
    assert text.count("please read the whole card.") == cards > 1    # one per card on the sheet, not two
    spanish = load_clinic(profile(tmp_path, "name: Clínica\nsettings:\n  clinicians_language: es\n"))
    text = card_text(tmp_path, "car-t-side-effects", "es", clinic=spanish)
    assert "please read the whole card" not in text and "For doctors and nurses only:" not in text


@pytest.mark.parametrize("module", CARDS)
def test_staff_reading_a_latin_script_language_can_read_every_card(tmp_path, module):
    """Staff who read Spanish or Vietnamese get their lines on a card in every other language,
    the Chinese one included: read back with poppler, accents and all."""
    registry = Registry()
    to_staff = next(block["to_staff"] for block in registry.module(module).data["front"] if "to_staff" in block)
    for staff in ("es", "vi"):
        clinic = load_clinic(profile(tmp_path, f"name: Clinic\nsettings:\n  clinicians_language: {staff}\n"))
        theirs = folded(translator_for(registry.module(module), staff)(to_staff).replace("**", ""))
        assert STAFF_LINES[0] not in theirs and any(ord(c) > 0x7F for c in theirs), (staff, theirs)
        for locale in [loc for loc in translated_locales(module) if loc != staff]:
            text = card_text(tmp_path, module, locale, clinic=clinic)
            assert theirs in text, (staff, locale)


def test_staff_in_a_script_the_cards_font_lacks_is_one_line_at_the_profile(tmp_path, run):
    """Arabic-reading staff cannot have their lines on a Chinese card (its font has no Arabic): the
    build says so at the profile's line, not at a translation file."""
    path = profile(tmp_path, "name: Clinic\nsettings:\n  temperature_checks_per_day: 2\n"
                             "  clinicians_language: ar\n")
    with pytest.raises(ContentError) as caught:
        prepare(Registry(), "car-t-side-effects", locale="zh-Hans", clinic=load_clinic(path))
    assert caught.value.problem.path.endswith("clinic.yaml") and caught.value.problem.line == 4
    assert "cannot draw Arabic" in str(caught.value)
    result = run("build", "car-t-side-effects", "-l", "zh-Hans", "-c", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "clinicians_language" in line]
    assert len(lines) == 1 and "clinic.yaml:4:" in lines[0] and "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_the_staffs_words_are_marked_english_in_the_html_twin():
    from handouts.render.html import render_html

    html = render_html(prepare(Registry(), "car-t-side-effects", locale="ar")).decode()
    assert '<span lang="en" dir="ltr">' in html
    assert "please read the whole card" in html.split('<span lang="en" dir="ltr">', 1)[1]


def test_a_product_with_longer_label_weeks_changes_every_duration(tmp_path):
    """Aucatzyl's label (4 weeks near, 8 weeks no driving) replaces the June 2025 minimum in every
    handout that prints a duration; without a product, each prints 2 weeks."""
    products = load_products(Registry())
    longer = next(p for p in products.values() if p.stay_near_weeks > 2 and p.no_driving_weeks > 2)
    clinic = load_clinic(profile(tmp_path, f"name: Clinic\nsettings:\n  car_t_product: {longer.key}\n"))
    changed = 0
    for module in ("immunotherapy-vs-car-t", "car-t-journey"):  # the cards have no room for the weeks
        default = card_text(tmp_path, module, "en")
        assert "2 weeks" in default, module
        text = card_text(tmp_path, module, "en", clinic=clinic)
        assert "2 weeks" not in text, module
        assert f"at least {longer.stay_near_weeks} weeks" in text and f"{longer.no_driving_weeks} weeks" in text
        changed += 1
    assert changed == 2


def test_build_product_prints_its_label_weeks_and_rebuilds_when_it_changes(run, tmp_path):
    """``build --product`` changes every duration of the build (and the timeline's numbers); the
    manifest's inputs digest changes with it, so a build for another product is never "up to date"."""
    out = tmp_path / "out"
    result = run("build", "car-t-journey", "immunotherapy-vs-car-t", "--product", "aucatzyl", "-o", out)
    assert result.exit_code == 0, result.output
    for module in ("car-t-journey", "immunotherapy-vs-car-t"):
        text = folded(poppler_text(out / f"{module}.en.a4.pdf"))
        assert "at least 4 weeks" in text and "8 weeks" in text and "2 weeks" not in text, module
    again = run("build", "car-t-journey", "--product", "yescarta", "-o", out)  # not "up to date"
    assert again.exit_code == 0 and "at least 2 weeks" in folded(poppler_text(out / "car-t-journey.en.a4.pdf"))


def test_an_unknown_product_on_the_command_line_is_a_usage_error(run):
    result = run("build", "car-t-journey", "--product", "yescart")
    assert result.exit_code == 2 and "did you mean 'yescarta'" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_the_timeline_follows_the_product(tmp_path):
    clinic = load_clinic(profile(tmp_path, "name: Clinic\nsettings:\n  car_t_product: aucatzyl\n"))
    handout = prepare(Registry(), "car-t-journey", locale="en", clinic=clinic)
    timeline = next(block for block in handout.document.blocks if getattr(block, "kind", "") == "timeline")
    values = dict(timeline.values)
    assert values["stay_near"] == 4 and values["no_driving"] == 8 and values["span"] > 8


def test_a_clinic_may_ask_for_longer_than_the_label_but_never_less(tmp_path, run):
    longer = profile(tmp_path, "name: C\nsettings:\n  car_t_product: yescarta\n  stay_near_weeks: 4\n")
    text = card_text(tmp_path, "car-t-journey", "en", clinic=load_clinic(longer))
    assert "at least 4 weeks after your infusion" in text
    shorter = profile(tmp_path, "name: C\nsettings:\n  car_t_product: aucatzyl\n  no_driving_weeks: 2\n")
    with pytest.raises(ContentError, match="less than the 8 weeks of the Aucatzyl"):
        prepare(Registry(), "car-t-journey", clinic=load_clinic(shorter))
    result = run("build", "car-t-journey", "--clinic", shorter)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("error:") or "clinic.yaml" in result.output


def test_an_unknown_product_says_which_are_known(tmp_path):
    clinic = load_clinic(profile(tmp_path, "name: C\nsettings:\n  car_t_product: yescart\n"))
    with pytest.raises(UnknownNameError, match="did you mean 'yescarta'"):
        prepare(Registry(), "car-t-journey", clinic=clinic)


def test_a_broken_product_table_names_its_file_and_line(tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "facts.yaml").write_text("car_t_products:\n  newcel:\n    name: New\n    stay_near_weeks: two\n"
                                       "    no_driving_weeks: 2\n    label: 2026-01-01\n")
    from handouts.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        load_facts(Registry.with_extra([folder]))
    assert "facts.yaml:4: car_t_products.newcel.stay_near_weeks" in str(caught.value)


def test_a_broken_product_table_named_on_the_command_line_is_one_line_not_a_crash(run, tmp_path):
    """``build --product`` reads the table before any handout is built: a table missing its weeks
    is reported with its file and line (it once ended in an internal error)."""
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "facts.yaml").write_text("car_t_products:\n  newcel:\n    name: New\n")
    result = run("build", "car-t-journey", "--product", "newcel", "--content", folder)
    assert result.exit_code == 1 and "Traceback" not in result.output and "internal error" not in result.output
    assert "facts.yaml:2: missing required key 'car_t_products.newcel.stay_near_weeks'" in result.output


def test_temperature_checks_and_fever_medicine_fill_in():
    registry = Registry()
    facts = load_facts(registry)
    values = placeholder_values(facts, load_clinic_settings(temperature_checks_per_day=3))
    assert values["temperature_checks"] == "3\u00a0times a day"
    assert "hide a fever" in values["fever_medicine"]
    assert placeholder_values(facts, load_clinic_settings())["temperature_checks"] == "2\u00a0times a day"


def load_clinic_settings(**settings):
    from handouts.clinic import Clinic

    return Clinic(name="C", settings=settings)


def test_us_spanish_writes_the_threshold_as_a_us_thermometer_shows_it(tmp_path):
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale="es-US", paper="letter")
    path = tmp_path / "es-US.pdf"
    path.write_bytes(render(handout))
    text = poppler_text(path)
    assert "100.4 °F" in text and "100,4" not in text
    spain = prepare(Registry(), "immunotherapy-vs-car-t", locale="es", paper="letter")
    path.write_bytes(render(spain))
    assert "100,4 °F" in poppler_text(path)  # the same catalogue; only the region's numbers differ


LONGEST = """name: {name}
short_name: {short}
phones:
  daytime: "+1 (555) 010-0100 ext. 2345"
  after_hours: "+1 (555) 010-0199 ask for the on-call oncologist"
  emergency: "911"
address: |
  1234 Long Riverside Boulevard, Building C
  Springfield, ST 00000
web: https://{host}/handouts/
settings:
  emergency_number: "112 555 0100 99"
  clinicians_language: en
"""


@pytest.mark.parametrize("module", CARDS)
def test_cards_fit_in_every_language_with_the_longest_clinic_profile(tmp_path, module):
    """Both card faces at the card's own type size, every locale, standard and large print, with a
    profile with long fields (a 40-character short name, long numbers and address; the emergency number
    is 911: a 15-character one does not fit the Spanish CAR-T card beside a 40-character short name,
    and that build fails with one line, see the README's known limits)."""
    clinic = load_clinic(profile(tmp_path, LONGEST.format(name="Riverside Regional Cancer Center and Clinics",
                                                          short="Riverside Regional Cancer Center Clinics",
                                                          host="a" * 60 + ".example.org")))
    locales = ["en", *translated_locales(module)]
    for locale in locales:
        for variant in ("standard", "large-print"):
            handout = prepare(Registry(), module, locale=locale, clinic=clinic, variant=variant)
            assert render(handout).startswith(b"%PDF"), (locale, variant)


@pytest.mark.parametrize("module", CARDS)
def test_every_card_fits_with_its_lines_for_staff_in_its_own_language(tmp_path, module):
    """A clinic whose staff read the card's own language gets the line for doctors in that language
    (longer than the English); with every phone line left blank to write on (the most room a back
    needs), each card still fits, on both papers."""
    from handouts.render.pdf.card import sheet_panels

    locales = translated_locales(module)
    for locale in locales:
        clinic = load_clinic(profile(tmp_path, f"name: Clinic\nsettings:\n  clinicians_language: {locale}\n"))
        for paper in ("a4", "letter"):
            handout = prepare(Registry(), module, locale=locale, clinic=clinic, paper=paper)
            assert render(handout).startswith(b"%PDF-"), (locale, paper)
            assert len(sheet_panels(handout)[0][1]) > 2
