"""Turn one English module into what a renderer draws: translated, filled in and made safe.

This is the single place where content text becomes ReportLab markup, so every renderer gets
strings that are already translated, have their facts filled in, and passed the markup whitelist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from handouts.clinic import Clinic
from handouts.content import Module
from handouts.errors import ContentError
from handouts.facts import Fact, PLACEHOLDERS, fill, unknown_placeholders
from handouts.fonts import FontFamily
from handouts.i18n import COMMON, Translator, is_rtl, load_translator
from handouts.layouts import Layout, Paper
from handouts.markup import Block, escape_text, to_blocks
from handouts.registry import bundled_dir, shown_path
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
    values: dict          # placeholder values, escaped
    draft: bool = False   # built from a catalogue no clinician has reviewed
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


def format_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def placeholder_values(facts: dict[str, Fact], clinic: Clinic) -> dict[str, str]:
    """Each placeholder's text: the clinic's setting where it has one, else the dated default."""
    settings = {name: fact.value for name, fact in facts.items()} | clinic.settings
    celsius = float(settings["fever_threshold_c"])
    fahrenheit = celsius * 9 / 5 + 32
    values = {
        "fever": f"{format_number(celsius)}\u00a0°C ({format_number(round(fahrenheit, 1))}\u00a0°F)",
        "stay_near_weeks": format_number(settings["stay_near_weeks"]),
        "no_driving_weeks": format_number(settings["no_driving_weeks"]),
    }
    assert set(values) == set(PLACEHOLDERS)
    return {name: escape_text(text) for name, text in values.items()}


def localize(module: Module, translate: Translator, values: dict[str, str]) -> dict:
    """The module's data with each patient-facing string translated, checked and made markup."""

    def convert(keypath: str, english: str, spec: Text):
        line = _line_for(module, keypath)
        text = translate(english, context=keypath)
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
    words = {key: escape_text(translate(text, context=f"{COMMON}.{key}")) for key, text in common_strings().items()}
    english = escape_text(common_strings()["draft"])
    if words["draft"] != english:
        words["draft"] = f"{words['draft']} / {english}"
    return words


def format_date(value: date, locale: str) -> str:
    return value.isoformat()
