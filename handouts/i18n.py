"""Languages: each module's English is the source; a language is a gettext catalogue beside it.

``locales/<locale>.po`` in a module folder holds its translations; the structure of the handout
comes from the English module and never forks per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handouts.content import Module
from handouts.errors import UnknownNameError

SOURCE_LOCALE = "en"
# Scripts written right to left; their layouts are mirrored.
RTL_LANGUAGES = ("ar", "he", "fa", "ur")


def module_locales(module: Module) -> list[str]:
    """The locales a module can be built in: English plus each catalogue beside it."""
    folder = module.locales_folder()
    found = sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []
    return [SOURCE_LOCALE] + [loc for loc in found if loc != SOURCE_LOCALE]


def is_rtl(locale: str) -> bool:
    return locale.split("-")[0].split("_")[0] in RTL_LANGUAGES


@dataclass
class Translator:
    """Looks up the translation of each English string of one module in one locale."""

    locale: str
    messages: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)

    def __call__(self, english: str, context: str = "") -> str:
        if self.locale == SOURCE_LOCALE:
            return english
        translated = self.messages.get(english)
        if not translated:
            self.missing.append(context or english)
            return english
        return translated


def translator_for(module: Module, locale: str) -> Translator:
    """The translator for one module and locale; unknown locales are an error listing the known."""
    known = module_locales(module)
    if locale not in known:
        raise UnknownNameError(f"module '{module.name}' has no '{locale}' translation",
                               hint=f"locales for it: {', '.join(known)}")
    return Translator(locale)
