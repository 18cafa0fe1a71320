"""Content modules: the English source of each handout, loaded from ``<module>/module.yaml``.

A module is data. This file says what a valid module looks like for each kind (the schema), loads
one with every problem located, and knows which strings a patient reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import ContentError, Problem, ValidationFailed
from handouts.kinds import KINDS
from handouts.kinds.parts import DIAGRAM_LABELS
from handouts.schema import (
    Choice,
    Date,
    ListOf,
    Number,
    Record,
    Str,
    Text,
    iter_record_texts,
    validate_record,
)
from handouts.yamlsrc import LocatedDict, load_yaml

SOURCE_LOCALE = "en"
LOCALES_FOLDER = "locales"   # a module's gettext catalogues live in <module>/locales/<locale>.po
REVIEW_FILE = "review.yaml"  # beside them, who reviewed each catalogue and when
COMMON = "_common"           # the words every handout prints around its content
APP = "_app"                 # the words of the web app (`handouts serve`), translated like a module


def locales_folder(folder: Path) -> Path:
    return folder / LOCALES_FOLDER


def catalogue_locales(folder: Path) -> list[str]:
    """The locales with a catalogue in a module folder (English excluded)."""
    found = locales_folder(folder)
    return sorted(p.stem for p in found.glob("*.po")) if found.is_dir() else []


def module_locales(module: "Module") -> list[str]:
    """The locales a module can be built in: English plus each catalogue beside it."""
    return [SOURCE_LOCALE] + [loc for loc in catalogue_locales(module.folder) if loc != SOURCE_LOCALE]

META_FIELDS = {
    "title": Text(required=True, markdown=False, doc="the handout's title"),
    "subtitle": Text(markdown=False),
    "kind": Choice(required=True, values=tuple(KINDS), doc=", ".join(KINDS)),
    "layout": Str(required=True, doc="the layout to use, a file name in layouts/ without .yaml"),
    "version": Str(required=True, max_length=20, doc="the content version printed in the footer, e.g. \"1.0\""),
    "reviewed": Date(required=True, doc="the date the content was last reviewed"),
    "sources": ListOf(required=True, item=Str(), min_items=1, doc="where the facts come from"),
    "readability": Record(doc="this module's own reading-level targets", fields={
        "smog": Number(minimum=1, maximum=20), "flesch_kincaid": Number(minimum=1, maximum=20),
        "fernandez_huerta": Number(minimum=0, maximum=120),
    }),
}

@dataclass
class Module:
    """One loaded, validated content module (English source)."""

    name: str
    path: Path          # the module.yaml file
    shown: str          # the path as messages show it
    data: LocatedDict

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def layout(self) -> str:
        return self.data["layout"]

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def reviewed(self) -> dt.date:
        return self.data["reviewed"]

    @property
    def fields(self) -> dict:
        """The schema of this module's kind: metadata plus the kind's own keys."""
        return {**META_FIELDS, **KINDS[self.kind].fields}

    def texts(self):
        """``(keypath, english, spec, line)`` for every string a patient reads, in reading order."""
        return iter_record_texts(self.fields, self.data)

    def locales_folder(self) -> Path:
        return self.folder / "locales"


def module_problems(name: str, path: Path, shown: str) -> tuple[LocatedDict | None, list[Problem]]:
    """Load ``module.yaml`` and list everything wrong with it, without stopping at the first."""
    try:
        data = load_yaml(path, display=shown)
    except ContentError as exc:
        return None, [exc.problem]
    if not isinstance(data, dict):
        return None, [Problem(shown, 1, "a module must be a mapping of keys (title:, kind:, ...)")]
    kind = data.get("kind")
    kind = kind if isinstance(kind, str) else None  # `kind: [1, 2]` is reported by the schema, not a crash
    known = KINDS.get(kind) if kind else None
    problems = validate_record({**META_FIELDS, **(known.fields if known else {})}, data, path=shown, line=1)
    if known is None:
        # Without a known kind, the kind's own keys would all read as unknown: say the cause only.
        problems = [p for p in problems if "unknown key" not in p.message]
    else:
        problems += known.problems(data, shown)
    for index, section in enumerate(data.get("sections") or []):
        if isinstance(section, dict) and not {"body", "steps", "diagram"} & set(section):
            problems.append(Problem(shown, data["sections"].line_of(index),
                                    f"sections[{index + 1}]: needs a 'body', 'steps' or 'diagram'"))
        diagram = section.get("diagram") if isinstance(section, dict) else None
        if isinstance(diagram, dict) and isinstance(diagram.get("labels"), dict):
            wanted = DIAGRAM_LABELS.get(diagram.get("kind"), ())
            for key in wanted:
                if key not in diagram["labels"]:
                    problems.append(Problem(shown, diagram.line_of("labels"),
                                            f"sections[{index + 1}].diagram.labels: missing '{key}' "
                                            f"(a {diagram['kind']} diagram needs {', '.join(wanted)})"))
            for key in diagram["labels"]:
                if wanted and key not in wanted:
                    problems.append(Problem(shown, diagram["labels"].line_of(key), f"sections[{index + 1}].diagram."
                                            f"labels: '{key}' is not a label of a {diagram['kind']} diagram"))
    return data, problems


def load_module(name: str, path: Path, shown: str | None = None) -> Module:
    """Load and validate one module, raising with all its problems if it is not valid."""
    shown = shown or str(path)
    data, problems = module_problems(name, path, shown)
    if problems:
        raise ValidationFailed(problems) if len(problems) > 1 else ContentError(problems[0].message,
                                                                                 path=problems[0].path,
                                                                                 line=problems[0].line)
    return Module(name=name, path=path, shown=shown, data=data)
