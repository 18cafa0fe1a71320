"""A small declarative schema for our YAML data, so checks collect every problem with its line.

The same schema also says which strings a patient reads (``Text``): those are the strings the
translation catalogues hold, the readability checks measure, and the markup whitelist guards.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from handouts.errors import Problem


@dataclass(frozen=True)
class Spec:
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Text(Spec):
    """Words a patient reads. ``markdown`` says whether the whitelist of Markdown applies."""

    markdown: bool = True


@dataclass(frozen=True)
class Str(Spec):
    """A name or label for the tool, never shown to a patient and never translated."""

    max_length: int | None = None  # for the few that are printed in a fixed place (the version)


@dataclass(frozen=True)
class Number(Spec):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Bool(Spec):
    pass


@dataclass(frozen=True)
class Date(Spec):
    pass


@dataclass(frozen=True)
class Choice(Spec):
    values: tuple = ()


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec = field(default_factory=Spec)
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class Record(Spec):
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OneOf(Spec):
    """A mapping with exactly one key out of ``options`` (a card block: ``banner:``, ``text:``...)."""

    options: dict = field(default_factory=dict)


def _line(container, key):
    line_of = getattr(container, "line_of", None)
    return line_of(key) if line_of else None


def _describe(spec: Spec) -> str:
    return {
        Text: "text", Str: "text", Number: "a number", Bool: "true or false",
        Date: "a date like 2026-01-31", Choice: "one of the listed words",
        ListOf: "a list", Record: "a mapping of keys", OneOf: "a mapping with one key",
    }[type(spec)]


def validate(spec: Spec, value: Any, *, path, line: int | None, keypath: str) -> list[Problem]:
    """Every way ``value`` departs from ``spec``, each with the best line we know."""
    problems: list[Problem] = []

    def bad(message: str, at: int | None = line) -> None:
        problems.append(Problem(path, at, f"{keypath}: {message}"))

    if isinstance(spec, (Text, Str)):
        if not isinstance(value, str):
            bad(f"should be {_describe(spec)}, not {type(value).__name__}")
        elif not value.strip():
            bad("is empty")
        elif isinstance(spec, Str) and spec.max_length and len(value) > spec.max_length:
            bad(f"is {len(value)} characters long; keep it to {spec.max_length} at most")
    elif isinstance(spec, Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            bad("should be a number")
        elif not math.isfinite(value):  # .nan or .inf would print as "NaN °C"
            bad("should be a finite number")
        elif spec.integer and not isinstance(value, int):
            bad("should be a whole number")
        elif spec.minimum is not None and value < spec.minimum:
            bad(f"should be at least {spec.minimum}")
        elif spec.maximum is not None and value > spec.maximum:
            bad(f"should be at most {spec.maximum}")
    elif isinstance(spec, Bool):
        if not isinstance(value, bool):
            bad("should be true or false")
    elif isinstance(spec, Date):
        if not isinstance(value, dt.date):
            bad("should be a date written like 2026-01-31")
    elif isinstance(spec, Choice):
        if value not in spec.values:
            bad(f"'{value}' is not one of: {', '.join(map(str, spec.values))}")
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            bad("should be a list")
        else:
            if len(value) < spec.min_items:
                bad(f"needs at least {spec.min_items} item{'s' if spec.min_items != 1 else ''}")
            if spec.max_items is not None and len(value) > spec.max_items:
                bad(f"has {len(value)} items; at most {spec.max_items} fit")
            for index, item in enumerate(value):
                problems += validate(spec.item, item, path=path, line=_line(value, index) or line,
                                     keypath=f"{keypath}[{index + 1}]")
    elif isinstance(spec, Record):
        if not isinstance(value, dict):
            bad("should be a mapping of keys")
        else:
            problems += validate_record(spec.fields, value, path=path, line=line, keypath=keypath)
    elif isinstance(spec, OneOf):
        if not isinstance(value, dict) or len(value) != 1:
            bad(f"should have exactly one of: {', '.join(spec.options)}")
        else:
            (key, inner), = value.items()
            if key not in spec.options:
                bad(f"unknown block '{key}'; use one of: {', '.join(spec.options)}", _line(value, key) or line)
            else:
                problems += validate(spec.options[key], inner, path=path, line=_line(value, key) or line,
                                     keypath=f"{keypath}.{key}")
    return problems


def validate_record(fields: dict, value: dict, *, path, line, keypath: str = "") -> list[Problem]:
    """Unknown keys, missing required keys and wrong values of one mapping."""
    problems = []
    prefix = f"{keypath}." if keypath else ""
    for key in value:
        if key not in fields:
            near = ", ".join(sorted(fields))
            problems.append(Problem(path, _line(value, key) or line,
                                    f"unknown key '{prefix}{key}' (known keys: {near})"))
    for key, spec in fields.items():
        if key not in value:
            if spec.required:
                problems.append(Problem(path, line, f"missing required key '{prefix}{key}'"
                                        + (f": {spec.doc}" if spec.doc else "")))
            continue
        problems += validate(spec, value[key], path=path, line=_line(value, key) or line,
                             keypath=f"{prefix}{key}")
    return problems


def iter_texts(spec: Spec, value: Any, keypath: str = "", line: int | None = None
               ) -> Iterator[tuple[str, str, Text, int | None]]:
    """Yield ``(keypath, string, spec, line)`` for every patient-facing string, in reading order."""
    if isinstance(spec, Text) and isinstance(value, str):
        yield keypath, value, spec, line
    elif isinstance(spec, ListOf) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_texts(spec.item, item, f"{keypath}[{index + 1}]", _line(value, index) or line)
    elif isinstance(spec, Record) and isinstance(value, dict):
        yield from iter_record_texts(spec.fields, value, keypath, line)
    elif isinstance(spec, OneOf) and isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key in spec.options:
            yield from iter_texts(spec.options[key], inner, f"{keypath}.{key}", _line(value, key) or line)


def iter_record_texts(fields: dict, value: dict, keypath: str = "", line=None):
    """``iter_texts`` over the fields of one mapping, in the schema's order."""
    prefix = f"{keypath}." if keypath else ""
    for key, spec in fields.items():
        if key in value:
            yield from iter_texts(spec, value[key], f"{prefix}{key}", _line(value, key) or line)


def map_texts(spec: Spec, value: Any, fn: Callable[[str, str, Text], Any], keypath: str = ""):
    """A copy of ``value`` with every patient-facing string replaced by ``fn(keypath, text, spec)``."""
    if isinstance(spec, Text) and isinstance(value, str):
        return fn(keypath, value, spec)
    if isinstance(spec, ListOf) and isinstance(value, list):
        return [map_texts(spec.item, item, fn, f"{keypath}[{i + 1}]") for i, item in enumerate(value)]
    if isinstance(spec, Record) and isinstance(value, dict):
        return map_record_texts(spec.fields, value, fn, keypath)
    if isinstance(spec, OneOf) and isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        return {key: map_texts(spec.options.get(key, Spec()), inner, fn, f"{keypath}.{key}")}
    return value


def map_record_texts(fields: dict, value: dict, fn, keypath: str = "") -> dict:
    prefix = f"{keypath}." if keypath else ""
    return {key: map_texts(fields.get(key, Spec()), item, fn, f"{prefix}{key}") for key, item in value.items()}
