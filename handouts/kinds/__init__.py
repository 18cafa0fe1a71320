"""Handout kinds: what a comparison, a sheet, a card and a checklist are, each in a folder here.

A kind's folder holds one file per stage of the pipeline, so the pipeline's layers hold inside it:

- ``__init__.py`` (source) defines ``KIND``, a :class:`Kind`: the kind's own keys in a module (its
  schema), which renderers draw it, the module ``handouts new`` starts it with, and the checks of
  a module its schema cannot say;
- ``document.py`` (model) has ``build(parts)``: the kind's blocks, and a card's faces, from its
  translated content (``handouts.document.Parts``);
- ``checks.py`` (checks) has ``items(text)``: the plain-language checklist items that depend on
  the kind (``handouts.plain_language.Texts``).

The code that runs every kind asks this package, by the kind's name; nothing outside it says
``if kind == ...``, so a new kind is a new folder and a line in ``NAMES``, and a kind that lacks
a stage is an error naming the module's file and line, never drawn as some other kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Callable

from handouts.errors import ContentError, Problem

NAMES = ("comparison", "sheet", "card", "checklist", "diary")   # in the order they are listed to a user
STAGES = ("document", "checks")


def no_problems(data, shown: str) -> list[Problem]:
    return []


@dataclass(frozen=True)
class Kind:
    """One kind of handout, as data the pipeline's stages read."""

    name: str
    doc: str                       # what it is, for `handouts new --help` and the schema
    fields: dict                   # its own keys in a module, beside the metadata every module has
    renderer: str                  # the renderer a layout for it names ("sheet", "card", ...)
    large_renderer: str            # the renderer of its large-print layout
    layout: str                    # the layout `handouts new` names
    scaffold: str                  # the body `handouts new` writes, every text a REPLACE: placeholder
    problems: Callable[..., list[Problem]] = no_problems  # (data, shown) -> what the schema cannot say
    staff_lines: bool = False      # prints lines for emergency staff in their own language
    patient_details: bool = False  # has lines a nurse can fill in in `handouts serve`


KINDS: dict[str, Kind] = {name: import_module(f"{__name__}.{name}").KIND for name in NAMES}


def unknown_kind(kind: str, path, line: int | None) -> ContentError:
    """The error for a kind a builder or check does not know: said, with the file and line, where
    falling through to another kind would draw a handout wrongly and quietly."""
    return ContentError(f"unknown kind '{kind}'", path=path, line=line, hint=f"use one of: {', '.join(KINDS)}")


def kind_of(name: str, path, line: int | None) -> Kind:
    """The kind called ``name``; an error naming the module's file and line when there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise unknown_kind(name, path, line) from None


def stage(name: str, step: str, path, line: int | None) -> ModuleType:
    """The module of one stage (``document`` or ``checks``) of the kind ``name``. A kind that is
    registered but lacks the stage (as a new kind does while it is written) is the same error as
    an unknown kind: with the module's file and line, never a fall-through."""
    kind_of(name, path, line)
    try:
        return import_module(f"{__name__}.{name}.{step}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{__name__}.{name}", f"{__name__}.{name}.{step}"):
            raise   # a bug inside the stage's own imports, not a stage that is missing
        raise ContentError(f"kind '{name}' has no {step} stage yet", path=path, line=line,
                           hint=f"write handouts/kinds/{name}/{step}.py, or use one of: "
                                f"{', '.join(k for k in KINDS if k != name)}") from None
