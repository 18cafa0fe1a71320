"""Counted words take each language's plural form: the catalogue's gettext rule against CLDR's
(through Babel's locale data), and the forms the catalogues hold."""

from __future__ import annotations

import pytest
from babel import Locale

from handouts.document import counted, localized_words
from handouts.i18n import load_translator, plural_function
from handouts.registry import Registry

LOCALES = ("es", "zh-Hans", "vi", "ar", "hi")


def common(locale):
    return load_translator(Registry().common_folders(), locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalogue_rule_sorts_numbers_as_cldr_does(locale):
    """Whatever order a catalogue's forms come in, numbers CLDR puts in one plural category take one
    form (Arabic: 0; 1; 2; 3-10; 11-99; 100-102 ...). A catalogue may give two categories one form
    where its language does not inflect (Vietnamese "1 tuần", "2 tuần"), never one category two."""
    rule = plural_function(common(locale).plural_expr)
    cldr = Locale.parse(locale.replace("-", "_")).plural_form
    form_of_category: dict = {}
    for n in range(0, 1001):
        category, form = cldr(n), rule(n)
        assert form_of_category.setdefault(category, form) == form, (locale, n, category, form)
    if locale == "ar":  # Arabic needs all six
        assert len(set(form_of_category.values())) == 6


@pytest.mark.parametrize("locale", LOCALES)
def test_every_plural_form_is_translated(locale):
    translate = common(locale)
    forms = translate.messages[("{n} week", "{n} weeks")]
    expected = max(plural_function(translate.plural_expr)(n) for n in range(0, 1001)) + 1
    assert len(forms) == expected and all(forms)


@pytest.mark.parametrize("count,locale,expected", [
    (1, "en", "1\u00a0week"), (2, "en", "2\u00a0weeks"), (0, "en", "0\u00a0weeks"),
    (1, "ar", "أسبوع واحد"), (2, "ar", "أسبوعين"), (3, "ar", "3\u00a0أسابيع"), (11, "ar", "11\u00a0أسبوعًا"),
    (100, "ar", "100\u00a0أسبوع"),
    (1, "es", "1\u00a0semana"), (2, "es", "2\u00a0semanas"),
])
def test_counted_weeks(count, locale, expected):
    words = localized_words(common(locale))
    assert counted(words, "weeks", count, locale) == expected


def test_a_form_that_holds_another_placeholder_is_refused(tmp_path):
    from handouts.document import counted_word
    from handouts.errors import ContentError
    from handouts.i18n import Translator

    translate = Translator("es", {("{n} week", "{n} weeks"): ("{n} semana", "{fever} semanas")}, path="es.po",
                           lines={("{n} week", "{n} weeks"): 7})
    with pytest.raises(ContentError, match=r"es.po:7: _common.weeks \[es\]: a form of a counted word holds only"):
        counted_word(translate, "weeks", ("{n} week", "{n} weeks"))
