"""Facts that change (fever threshold, label durations) as dated data, filled into sentences.

Content says ``{fever}`` or ``{stay_near_weeks}``; the value comes from ``content/facts.yaml``
unless the clinic profile sets its own. When a label changes, one number changes, not every
sentence in every language.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from handouts.errors import ContentError, ValidationFailed
from handouts.registry import Registry, shown_path
from handouts.schema import Choice, Date, Number, Str, validate_record
from handouts.yamlsrc import load_yaml

FACT_FIELDS = {
    "value": Number(required=True, minimum=0),
    "unit": Choice(required=True, values=("celsius", "weeks")),
    "since": Date(required=True, doc="the date this value took effect"),
    "before": Number(minimum=0, doc="the value before that date"),
    "note": Str(doc="why the value is what it is"),
}
KNOWN_FACTS = ("fever_threshold_c", "stay_near_weeks", "no_driving_weeks")
# What content may write in braces, and the fact each one shows.
PLACEHOLDERS = {"fever": "fever_threshold_c", "stay_near_weeks": "stay_near_weeks",
                "no_driving_weeks": "no_driving_weeks"}


@dataclass(frozen=True)
class Fact:
    name: str
    value: float
    since: date
    before: float | None = None


def load_facts(registry: Registry) -> dict[str, Fact]:
    """The dated defaults, a clinic's own ``facts.yaml`` overriding the bundled one key by key."""
    facts: dict[str, Fact] = {}
    for path in registry.facts_paths():
        shown = shown_path(path)
        data = load_yaml(path, display=shown)
        problems = []
        for name, entry in (data or {}).items():
            if name not in KNOWN_FACTS:
                raise ContentError(f"unknown fact '{name}' (known: {', '.join(KNOWN_FACTS)})",
                                   path=shown, line=data.line_of(name))
            if not isinstance(entry, dict):
                raise ContentError(f"{name}: should have value, unit and since", path=shown, line=data.line_of(name))
            problems += validate_record(FACT_FIELDS, entry, path=shown, line=data.line_of(name), keypath=name)
            if not problems:
                facts[name] = Fact(name, entry["value"], entry["since"], entry.get("before"))
        if problems:
            raise ValidationFailed(problems)
    missing = [name for name in KNOWN_FACTS if name not in facts]
    if missing:
        raise ContentError(f"facts.yaml lacks {', '.join(missing)}", path="content/facts.yaml",
                           hint="every placeholder needs a dated default value")
    return facts


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a string uses; raises ``ValueError`` on a stray single brace."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def placeholder_problem(text: str, english: str | None = None) -> str | None:
    """What is wrong with the placeholders of ``text`` (None when nothing): a stray brace, a name
    that is no placeholder, a format of its own (``{fever:x}``), or, for a translation of
    ``english``, a placeholder dropped, added or renamed - a Spanish sentence without ``{fever}``
    would tell a patient to call about a fever without saying which."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return "a single '{' or '}' (write '{{' or '}}' for a literal brace)"
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}"
        if spec or conversion:
            return f"'{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}': " \
                   f"a placeholder takes no format (write {{{name}}})"
    if english is not None:
        ours, theirs = sorted(name for name, _, _ in fields), sorted(placeholders_in(english))
        if ours != theirs:
            dropped = [f"{{{n}}}" for n in dict.fromkeys(theirs) if ours.count(n) < theirs.count(n)]
            added = [f"{{{n}}}" for n in dict.fromkeys(ours) if ours.count(n) > theirs.count(n)]
            return "; ".join(([f"the English has {', '.join(dropped)}, the translation does not"] if dropped else [])
                             + ([f"{', '.join(added)} is not in the English"] if added else []))
    return None


def fill(text: str, values: dict[str, str]) -> str:
    """Put the values into a string's placeholders (values are already escaped markup)."""
    return text.format_map(values)
