"""The patient's details a nurse types into ``handouts serve`` (handouts/patient.py): how they are
cleaned and checked, that they never show in a repr or an error message, and that they end up
printed on the card's lines - and nowhere they cannot be drawn.

Two property tests close the file: any text at all is either refused with ``PatientProblems`` or
comes back cleaned, short and printable; and any accepted Latin name renders on an English card or
is refused with one of the two errors the web app knows how to word.
"""

from __future__ import annotations

import datetime as dt
import gc
import unicodedata
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import pdf_text, poppler_text

from handouts import model as m
from handouts.document import prepare
from handouts.errors import FitError
from handouts.patient import (
    MAX_LENGTH,
    FieldProblem,
    PatientDetails,
    PatientProblems,
    fields_of,
    parse_patient,
    with_patient,
)
from handouts.registry import Registry
from handouts.render import render

CARD = "car-t-side-effects"
TODAY = dt.date(2026, 3, 15)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


def problems_of(fields: dict, today: dt.date = TODAY) -> list[tuple[str, str]]:
    """The (field, code) pairs ``parse_patient`` refuses ``fields`` with; [] when it accepts them."""
    try:
        parse_patient(fields, today=today)
    except PatientProblems as problems:
        return [(p.field, p.code) for p in problems.problems]
    return []


def write_on_lines(handout) -> m.WriteOnLines:
    found = [block for block in handout.document.walk() if isinstance(block, m.WriteOnLines)]
    assert found, "the card has no lines to write on"
    return found[0]


# -- cleaning and checking -----------------------------------------------------------------------

def test_names_are_nfc_and_their_white_space_is_folded():
    details = parse_patient({"name": "  Jose\u0301 \t\u00a0 Nun\u0303ez\u3000", "product": "\nAxi-cel  "})
    assert details.name == "Jos\u00e9 Nu\u00f1ez"
    assert unicodedata.is_normalized("NFC", details.name)
    assert details.product == "Axi-cel"
    assert details.date is None


def test_empty_fields_give_empty_details():
    details = parse_patient({"name": "   ", "product": "", "date": " "})
    assert not details
    assert (details.name, details.product, details.date) == ("", "", None)
    assert not parse_patient({})


@pytest.mark.parametrize("field", ["name", "product"])
def test_forty_characters_fit_and_forty_one_are_too_long(field):
    assert MAX_LENGTH[field] == 40
    assert getattr(parse_patient({field: "W" * 40}), field) == "W" * 40
    # white space is folded before counting: 40 letters with spaces around them still fit
    assert getattr(parse_patient({field: "  " + "W" * 20 + "    " + "W" * 19 + "  "}), field) == \
        "W" * 20 + " " + "W" * 19
    with pytest.raises(PatientProblems) as caught:
        parse_patient({field: "W" * 41})
    assert caught.value.problems == [FieldProblem(field, "too_long", "40")]


def test_length_is_counted_after_nfc():
    decomposed = "e\u0301" * 40            # 80 code points, 40 characters once composed
    assert parse_patient({"name": decomposed}).name == "\u00e9" * 40


@pytest.mark.parametrize("char", [
    "\x00", "\x07", "\x1b", "\x7f", "\x9b",       # controls (C0, DEL, C1)
    "\u200b",                                    # zero-width space (Cf)
    "\u202e", "\u202d", "\u2066", "\u2069",     # bidi overrides and isolates
    "\ufeff", "\u00ad",                          # BOM, soft hyphen (Cf)
    "\ue000", "\U000f0000",                      # private use
    "\u0378",                                    # unassigned
])
def test_control_format_and_private_use_characters_are_refused(char):
    assert problems_of({"name": f"Ana{char}Lu"}) == [("name", "control")]
    assert problems_of({"product": f"X{char}"}) == [("product", "control")]


@pytest.mark.parametrize("space", ["\u2028", "\u2029", "\x1c", "\x85", "\u3000", "\u00a0", "\r\n"])
def test_separators_and_white_space_controls_are_folded_into_one_space(space):
    assert parse_patient({"name": f"{space}Ana{space}{space}Lu{space}"}).name == "Ana Lu"


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d"])
def test_zero_width_joiners_are_part_of_some_names(joiner):
    name = f"\u0645\u06cc{joiner}\u062e\u0648\u0627\u0647\u0645"   # Persian, with a (non-)joiner
    assert parse_patient({"name": name}).name == name


def test_a_control_in_a_long_name_is_reported_once_as_too_long():
    assert problems_of({"name": "\x00" + "W" * 45}) == [("name", "too_long")]


@pytest.mark.parametrize("raw", ["2026-01-01", "2000-01-01", " 2026-02-28 ", "2024-02-29"])
def test_real_dates_are_accepted(raw):
    assert parse_patient({"date": raw}, today=TODAY).date == dt.date.fromisoformat(raw.strip())


@pytest.mark.parametrize("raw", [
    "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-2-3", "2026-02-3", "26-02-03",
    "\uff12\uff10\uff12\uff16-01-01",            # full-width digits
    "\u0662\u0660\u0662\u0666-01-01",            # Arabic-Indic digits
    "2026-01-01T00:00", "2026-01-01 00:00", "20260101", "01/02/2026", "2026/01/01",
    "today", "2026-01-01\x00", "-2026-01-01", "+2026-01-01",
])
def test_anything_but_a_real_yyyy_mm_dd_date_is_not_a_date(raw):
    assert problems_of({"date": raw}) == [("date", "not_a_date")]


def test_an_iso_week_date_is_not_a_date():
    assert problems_of({"date": "2026-W05-3"}) == [("date", "not_a_date")]


def test_dates_before_2000_are_too_early():
    with pytest.raises(PatientProblems) as caught:
        parse_patient({"date": "1999-12-31"}, today=TODAY)
    assert caught.value.problems == [FieldProblem("date", "too_early", "2000-01-01")]


def test_dates_more_than_two_years_ahead_are_too_late():
    assert parse_patient({"date": "2028-03-15"}, today=TODAY).date == dt.date(2028, 3, 15)
    with pytest.raises(PatientProblems) as caught:
        parse_patient({"date": "2028-03-16"}, today=TODAY)
    assert caught.value.problems == [FieldProblem("date", "too_late", "2028-03-15")]
    # the bound moves with today: what is too late today is fine in a year
    assert parse_patient({"date": "2028-03-16"}, today=dt.date(2027, 1, 1)).date == dt.date(2028, 3, 16)


def test_the_bound_two_years_ahead_of_a_leap_day_is_a_real_date():
    assert problems_of({"date": "2026-02-28"}, today=dt.date(2024, 2, 29)) == []
    assert problems_of({"date": "2026-03-01"}, today=dt.date(2024, 2, 29)) == [("date", "too_late")]


def test_every_field_problem_is_listed_at_once():
    assert problems_of({"name": "W" * 41, "product": "a\u202eb", "date": "2026-02-30"}) == [
        ("name", "too_long"), ("product", "control"), ("date", "not_a_date")]


# -- never repeated ------------------------------------------------------------------------------

def test_repr_and_str_of_the_details_never_show_them():
    details = parse_patient({"name": "Zqxname Person", "product": "Zqxproduct", "date": "2026-01-23"},
                            today=TODAY)
    assert details.name == "Zqxname Person"   # the values are there...
    for shown in (repr(details), str(details), f"{details}", f"{details!r}", repr([details]),
                  repr({"patient": details})):
        # ...and never shown
        assert "Zqx" not in shown and "2026" not in shown and "23" not in shown
        assert "not shown" in shown
    assert repr(PatientDetails()) == "PatientDetails(<nothing given, not shown>)"


@pytest.mark.parametrize("fields", [
    {"name": "Zqxsecret" * 5},
    {"product": "Zqxsecret\u202e"},
    {"date": "Zqxsecret"},
    {"date": "2026-02-30"},
    {"date": "1999-12-31"},
    {"name": "Zqxsecret" * 5, "product": "Zqxsecret\x00", "date": "Zqxsecret"},
])
def test_problems_never_quote_what_was_typed(fields):
    with pytest.raises(PatientProblems) as caught:
        parse_patient(fields, today=TODAY)
    error = caught.value
    told = " ".join([str(error), repr(error), error.format_message(), *map(repr, error.problems),
                     *map(str, error.args)])
    assert "Zqx" not in told
    for value in fields.values():
        assert value not in told
    for field in fields:
        assert field in error.format_message()   # the message names each field to check


# -- printed on the card -------------------------------------------------------------------------

@pytest.mark.parametrize("locale, date_words", [("en", "March 5, 2026"), ("es", "5 de marzo de 2026")])
def test_the_details_are_printed_on_the_cards_lines(registry, tmp_path, locale, date_words):
    handout = prepare(registry, CARD, locale=locale)
    assert fields_of(handout) == ("name", "product", "date")
    assert all(value == "" for value in write_on_lines(handout).values)
    details = parse_patient({"name": "Zqxana Nu\u00f1ez", "product": "Zqxcabtagene", "date": "2026-03-05"},
                            today=TODAY)
    filled = with_patient(handout, details)
    values = write_on_lines(filled).values
    assert values[:2] == ("Zqxana Nu\u00f1ez", "Zqxcabtagene")
    assert values[2].replace("\u00a0", " ") == date_words
    assert with_patient(handout, PatientDetails()) is handout          # nothing typed: nothing changes
    assert write_on_lines(handout).values == ()                         # the prepared card is untouched

    path = tmp_path / f"card.{locale}.pdf"
    path.write_bytes(render(filled, "pdf"))
    for text in (pdf_text(path), poppler_text(path)):
        text = text.replace("\u00a0", " ")
        assert "Zqxana Nu\u00f1ez" in text
        assert "Zqxcabtagene" in text
    assert date_words in poppler_text(path).replace("\u00a0", " ")
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(render(handout, "pdf"))
    assert "Zqxana" not in poppler_text(blank)


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_a_long_one_word_value_is_set_smaller_not_cut_in_two(registry, tmp_path, locale):
    # two-language labels ("Tipo de CAR-T: / CAR-T medicine:") leave the value the narrower column;
    # a 29-letter word of wide letters was cut "...mkmo / i" there, which a doctor misreads
    word = "ProdZqxmarkermmmmmmmmmmmmmmmm"   # the widest a live test's marker can be
    handout = prepare(registry, CARD, locale=locale)
    path = tmp_path / f"card.{locale}.pdf"
    path.write_bytes(render(with_patient(handout, parse_patient({"name": "Zqxana Lu", "product": word})), "pdf"))
    text = "".join(char for char in poppler_text(path) if unicodedata.category(char) != "Cf")  # bidi marks
    words = text.split()
    assert word in words
    assert not any(piece != word and piece and word.startswith(piece) for piece in words)


def test_the_details_are_in_the_html_twin(registry):
    handout = prepare(registry, CARD, locale="en")
    html = render(with_patient(handout, parse_patient({"name": "Zqxana Lu"})), "html").decode("utf-8")
    assert "Zqxana Lu" in html


def test_a_name_only_fills_the_first_line(registry):
    filled = with_patient(prepare(registry, CARD, locale="en"), parse_patient({"name": "Zqxana Lu"}))
    assert write_on_lines(filled).values == ("Zqxana Lu", "", "")


def test_a_name_in_arabic_script_on_a_spanish_card_is_uncovered(registry):
    handout = prepare(registry, CARD, locale="es")
    details = parse_patient({"name": "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"})   # accepted as text...
    with pytest.raises(PatientProblems) as caught:
        with_patient(handout, details)                                                # ...not on this card
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("name", "uncovered")
    assert problem.char.startswith("U+0") and "ARABIC" in problem.char
    assert "\u0645" not in str(caught.value)


def test_the_same_arabic_name_prints_on_an_arabic_card(registry, tmp_path):
    handout = prepare(registry, CARD, locale="ar")
    filled = with_patient(handout, parse_patient({"name": "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"}))
    assert "\u0645\u062d\u0645\u062f" in write_on_lines(filled).values[0]   # set apart by bidi isolates
    path = tmp_path / "card.ar.pdf"
    path.write_bytes(render(filled, "pdf"))
    assert "\u0645\u062d\u0645\u062f" in poppler_text(path)


@pytest.mark.parametrize("module", ["questions-to-ask", "immunotherapy-vs-car-t", "car-t-journey"])
def test_details_for_a_handout_without_lines_have_no_field(registry, module):
    handout = prepare(registry, module, locale="en")
    assert fields_of(handout) == ()
    with pytest.raises(PatientProblems) as caught:
        with_patient(handout, parse_patient({"name": "Ana Lu", "date": "2026-01-02"}, today=TODAY))
    assert [(p.field, p.code) for p in caught.value.problems] == [("name", "no_field"), ("date", "no_field")]


def holders(marker: str) -> list[str]:
    """Every object in this process that refers to a string holding ``marker`` (looking through
    the untracked tuples and dicts that caches keep their keys in)."""
    gc.collect()
    return [repr(obj)[:100] for obj in gc.get_objects()
            if type(obj).__name__ != "cell" and refers_to(obj, marker, 3)]


def refers_to(obj, marker: str, depth: int) -> bool:
    for ref in gc.get_referents(obj):
        if isinstance(ref, str):
            if marker in ref:
                return True
        elif depth and isinstance(ref, (tuple, frozenset, dict, list, set)) and not gc.is_tracked(ref):
            if refers_to(ref, marker, depth - 1):
                return True
    return False


def test_no_cache_keeps_the_details_once_the_card_is_made(registry):
    handout = prepare(registry, CARD, locale="en")
    render(handout, "pdf")
    marker = "Zqx" + uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))
    kept = [marker + " Lu"]
    assert len(holders(marker)) == 1          # the search finds a reference when there is one
    del kept
    assert holders(marker) == []
    for kind in ("pdf", "html"):
        render(with_patient(handout, parse_patient({"name": marker + " Lu", "product": "P" + marker})), kind)
    assert holders(marker) == []


def test_the_html_font_cache_never_keeps_the_letters_of_a_name(registry):
    # the cache key of a page's font subset is the page's characters: a name's letters with it
    from handouts.render.html.fonts import subset_woff2

    handout = prepare(registry, CARD, locale="en")
    render(handout, "html")
    before = subset_woff2.cache_info()
    html = render(with_patient(handout, parse_patient({"name": "\u014aqx \u01b7u"})), "html").decode("utf-8")
    after = subset_woff2.cache_info()
    assert "\u014aqx \u01b7u" in html and "@font-face" in html
    assert (after.currsize, after.misses, after.hits) == (before.currsize, before.misses, before.hits)


# -- properties ----------------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def printable(char: str) -> bool:
    return char in "\u200c\u200d" or (unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029")


@FUZZ
@given(name=ANY_TEXT, product=ANY_TEXT, date=st.one_of(ANY_TEXT, st.dates().map(dt.date.isoformat)))
def test_any_text_is_refused_or_comes_back_clean(name, product, date):
    try:
        details = parse_patient({"name": name, "product": product, "date": date}, today=TODAY)
    except PatientProblems as problems:
        details = None
        codes = {(p.field, p.code) for p in problems.problems}
    if details is None:
        assert codes and codes <= {("name", "too_long"), ("name", "control"), ("product", "too_long"),
                                   ("product", "control"), ("date", "not_a_date"), ("date", "too_early"),
                                   ("date", "too_late")}
        return
    for typed, got in ((name, details.name), (product, details.product)):
        assert got == " ".join(unicodedata.normalize("NFC", typed).split())
        assert len(got) <= 40
        assert all(printable(char) for char in got)
        assert got == got.strip() and "  " not in got
    assert details.date is None or dt.date(2000, 1, 1) <= details.date <= dt.date(2028, 3, 15)


LATIN = st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F)
LATIN_NAME = st.text(alphabet=st.one_of(LATIN, LATIN, LATIN, st.sampled_from(" -'.")), min_size=1, max_size=40)


@pytest.fixture(scope="module")
def english_card(registry):
    return prepare(registry, CARD, locale="en")


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(name=LATIN_NAME, product=st.one_of(st.just(""), LATIN_NAME),
       date=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2028, 3, 15))))
def test_any_accepted_latin_name_renders_or_is_refused_cleanly(english_card, name, product, date):
    # letters, spaces and - ' . up to 40, a date in range: always accepted (a refusal here fails the test)
    details = parse_patient({"name": name, "product": product, "date": date.isoformat() if date else ""},
                            today=TODAY)
    try:
        data = render(with_patient(english_card, details), "pdf")
    except (PatientProblems, FitError):
        return
    assert data.startswith(b"%PDF-")
