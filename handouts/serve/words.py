"""The web app's own words, in the nurse's language: ``content/_app/strings.yaml``, translated in
``content/_app/locales/<locale>.po`` like any module, so the same ``handouts i18n`` commands keep them."""

from __future__ import annotations

from functools import lru_cache

from handouts.content import APP, SOURCE_LOCALE, catalogue_locales
from handouts.i18n import load_translator


class Words:
    """``words["submit"]`` in one locale, English where a string is not translated yet."""

    def __init__(self, registry, locale: str):
        self.locale = locale
        self._english = {key: text for key, (text, _, _) in registry.app_string_entries().items()}
        self._translate = load_translator(registry.app_folders(), locale)

    def __getitem__(self, key: str) -> str:
        english = self._english[key]
        return self._translate(english, context=f"{APP}.{key}")

    def __contains__(self, key: str) -> bool:
        return key in self._english

    def format(self, key: str, **values) -> str:
        return self[key].format(**values)


def app_locales(registry) -> list[str]:
    """English and every locale with a catalogue of the app's words."""
    found = [SOURCE_LOCALE]
    for folder in registry.app_folders():
        found += [locale for locale in catalogue_locales(folder) if locale not in found]
    return found


@lru_cache(maxsize=64)
def language_name(locale: str) -> str:
    """A language named in itself (Español, العربية), as a nurse looks for it."""
    from handouts.i18n import babel_locale

    name = babel_locale(locale).get_display_name(babel_locale(locale)) or locale
    return name[:1].upper() + name[1:]
