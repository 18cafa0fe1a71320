"""The web app's own words (``content/_app``): every word the pages ask for exists in English,
every English word is used, and every catalogue translates all of them with their placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handouts.kinds import KINDS
from handouts.patient import FIELDS
from handouts.registry import Registry
from handouts.serve.app import ERROR_PAGES
from handouts.serve.words import Words, app_locales

SERVE = Path(__file__).parent.parent / "handouts" / "serve"
ENGLISH = {key: text for key, (text, _, _) in Registry().app_string_entries().items()}
CODES = ("too_long", "control", "not_a_date", "too_early", "too_late", "uncovered", "no_field", "too_big", "choice")
PAGES = sorted(set(ERROR_PAGES.values()))   # the error pages: each has a title and a text


def asked_for() -> set[str]:
    """Every key the templates and the app name literally, and those they build from a prefix."""
    sources = [path.read_text(encoding="utf-8") for path in [*SERVE.glob("*.py"), *SERVE.glob("templates/*.j2")]]
    found = set()
    for text in sources:
        found |= set(re.findall(r"""words(?:\[[a-z]+\])?\[["']([a-z_]+)["']\]""", text))
        found |= set(re.findall(r"""words(?:\[[a-z]+\])?\.format\(["']([a-z_]+)["']""", text))
    found |= {f"kind_{kind}" for kind in KINDS} | {f"error_{code}" for code in CODES}
    found |= {f"field_{name}" for name in FIELDS} | {f"paper_{paper}" for paper in Registry().paper_paths()}
    found |= {f"{page}_{part}" for page in PAGES for part in ("title", "text")}
    found |= {"handout_language", "paper", "print_size", "format"}   # field_label()'s names of the choices
    return found


def test_every_word_the_app_asks_for_is_in_english():
    assert sorted(asked_for() - set(ENGLISH)) == []


def test_every_english_word_is_used():
    assert sorted(set(ENGLISH) - asked_for()) == []


@pytest.mark.parametrize("locale", [locale for locale in app_locales(Registry()) if locale != "en"])
def test_every_catalogue_translates_every_word_with_its_placeholders(locale):
    from babel.messages.pofile import read_po

    path = Registry().app_folders()[0] / "locales" / f"{locale}.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale.replace("-", "_"))
    for key, english in ENGLISH.items():
        message = catalogue.get(english)
        assert message is not None and message.string and not message.fuzzy, (locale, key)
        assert sorted(re.findall(r"\{\w+\}", message.string)) == sorted(re.findall(r"\{\w+\}", english)), \
            (locale, key)
    assert Words(Registry(), locale)["submit"] == catalogue.get(ENGLISH["submit"]).string


def test_the_app_speaks_the_languages_of_the_handouts():
    assert set(app_locales(Registry())) == {"en", "es", "zh-Hans", "vi", "ar", "hi"}
