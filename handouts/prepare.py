"""Turn one English module into what a renderer draws: translated, filled in and made safe.

This is the single place where content text becomes ReportLab markup, so every renderer gets
strings that are already translated, have their facts filled in, and passed the markup whitelist.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from handouts.clinic import Clinic
from handouts.content import Module
from handouts.errors import ContentError, FontError
from handouts.facts import PLACEHOLDERS, Fact, fill, unknown_placeholders
from handouts.fonts import FontFamily
from handouts.i18n import COMMON, Translator, babel_locale, is_rtl, load_translator
from handouts.layouts import Layout, Paper
from handouts.markup import Block, escape_text, to_blocks
from handouts.registry import bundled_dir
from handouts.schema import Text, map_record_texts
from handouts.yamlsrc import load_yaml

COMMON_STRINGS = "_common/strings.yaml"


@dataclass
class Handout:
    """Everything a renderer needs for one PDF, with every patient-facing string ready to draw.

    In ``doc``, Markdown fields are lists of ``Block`` and plain fields are escaped strings.
    """

    module: Module
    locale: str
    layout: Layout
    paper: Paper
    font: FontFamily
    clinic: Clinic
    doc: dict
    words: dict           # the common strings (footer, labels), escaped
    draft: bool = False   # built from a catalogue no clinician has reviewed
    variant: str = "standard"
    warnings: list = field(default_factory=list)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.locale)

    @property
    def title(self) -> str:
        return self.doc["title"]


def common_strings() -> dict:
    """The English words every handout prints around its content."""
    return dict(load_yaml(bundled_dir("content") / COMMON_STRINGS, display="content/" + COMMON_STRINGS))


def format_number(value: float, locale: str = "en") -> str:
    """At most one decimal, in the locale's notation (38,3 in Spanish)."""
    from babel.numbers import format_decimal

    return format_decimal(round(float(value), 1), format="#,##0.#", locale=babel_locale(locale))


def placeholder_values(facts: dict[str, Fact], clinic: Clinic, locale: str = "en") -> dict[str, str]:
    """Each placeholder's text: the clinic's setting where it has one, else the dated default."""
    settings = {name: fact.value for name, fact in facts.items()} | clinic.settings
    celsius = float(settings["fever_threshold_c"])
    fahrenheit = celsius * 9 / 5 + 32
    values = {
        # no-break spaces: the threshold is never split across two lines
        "fever": f"{format_number(celsius, locale)}\u00a0°C\u00a0({format_number(fahrenheit, locale)}\u00a0°F)",
        "stay_near_weeks": format_number(settings["stay_near_weeks"], locale),
        "no_driving_weeks": format_number(settings["no_driving_weeks"], locale),
    }
    assert set(values) == set(PLACEHOLDERS)
    return {name: escape_text(text) for name, text in values.items()}


def uncovered(text: str, covered: frozenset) -> str | None:
    """The first character of ``text`` the font cannot draw (white space and controls excepted)."""
    for char in text:
        if char not in covered and not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"):
            return char
    return None


def describe_char(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"


def localize(module: Module, translate: Translator, values: dict[str, str], covered: frozenset | None = None,
             font_name: str = "") -> dict:
    """The module's data with each patient-facing string translated, checked and made markup.

    With ``covered`` (the characters the font has), a character the font cannot draw is an error
    naming it, rather than a box on the page.
    """

    def convert(keypath: str, english: str, spec: Text):
        line = _line_for(module, keypath)
        text = translate(english, context=keypath)
        missing = uncovered(text, covered) if covered is not None else None
        if missing:
            raise FontError(f"{keypath} [{translate.locale}]: {describe_char(missing)} is not in the font "
                            f"{font_name}", path=module.shown, line=line,
                            hint="fix the text, or add a font that covers it to fonts.yaml")
        for source in {english, text}:
            unknown = unknown_placeholders(source)
            if unknown:
                raise ContentError(f"{keypath}: unknown placeholder {unknown[0]}", path=module.shown, line=line,
                                   hint=f"placeholders are {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        if not spec.markdown:
            return fill(escape_text(text), values)
        blocks = to_blocks(text, path=module.shown, line=line, field_name=keypath)
        return [Block(b.kind, [fill(item, values) for item in b.items]) for b in blocks]

    return map_record_texts(module.fields, module.data, convert)


def _line_for(module: Module, keypath: str) -> int | None:
    """The line of a key path like ``comparison.rows[3].left`` in the module's YAML."""
    node, line = module.data, 1
    for part in keypath.replace("]", "").replace("[", ".").split("."):
        if node is None:
            break
        key = int(part) - 1 if part.isdigit() else part
        try:
            line = node.line_of(key) or line
            node = node[key]
        except (AttributeError, IndexError, KeyError, TypeError):
            break
        if not hasattr(node, "line_of"):
            node = None
    return line


def common_translator(locale: str) -> Translator:
    """The translator for the words around the content (footer, labels) in one locale."""
    return load_translator(bundled_dir("content") / COMMON, locale)


def localized_words(translate: Translator) -> dict:
    """The common strings, translated and escaped (placeholders such as ``{page}`` kept).

    The draft notice is printed in the handout's language *and* in English, so a clinician who
    does not read the language still sees that nobody has reviewed it.
    """
    english = common_strings()
    words = {key: escape_text(translate(text, context=f"{COMMON}.{key}")) for key, text in english.items()}
    english = escape_text(english["draft"])
    if words["draft"] != english:
        words["draft"] = f"{words['draft']} / {english}"
    return words


def format_date(value: date, locale: str) -> str:
    """A date as the locale writes it (25 de noviembre de 2026, 2026年11月25日)."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format="long", locale=babel_locale(locale))


def check_clinic_covered(clinic: Clinic, covered: frozenset, font_name: str, locale: str) -> None:
    """A clinic's name or numbers in a script the handout's font lacks is an error, not boxes."""
    for key, text in [("name", clinic.name), ("address", clinic.address), *clinic.phones.items()]:
        missing = uncovered(text or "", covered)
        if missing:
            raise FontError(f"{key}: {describe_char(missing)} cannot be drawn in the {locale} handouts' font "
                            f"{font_name}", path=clinic.source, hint="write it in letters that font covers")
