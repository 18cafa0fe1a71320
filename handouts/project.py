"""``handouts.yaml``: a clinic's catalogue as a file it keeps under version control.

Everything in it can also be given on the command line, and the command line wins; paths in it
are relative to the file, so the project builds the same from any folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import ContentError, ValidationFailed
from handouts.registry import shown_path
from handouts.schema import Choice, ListOf, Number, Str, validate_record
from handouts.yamlsrc import load_yaml

PROJECT_FILE = "handouts.yaml"
PROJECT_FIELDS = {
    "modules": ListOf(item=Str(), min_items=1, doc="modules to build (default: all)"),
    "locales": ListOf(item=Str(), min_items=1, doc="locales to build, or [all] for every catalogue"),
    "papers": ListOf(item=Str(), min_items=1, doc="papers to build, e.g. [letter]"),
    "variants": ListOf(item=Choice(values=("standard", "large-print")), min_items=1),
    "clinic": Str(doc="the clinic profile, relative to this file"),
    "out": Str(doc="the output folder, relative to this file (default: build)"),
    "content": ListOf(item=Str(), doc="folders of the clinic's own modules"),
    "layouts": ListOf(item=Str(), doc="folders of the clinic's own layouts"),
    "jobs": Number(integer=True, minimum=1, maximum=256),
}


@dataclass
class Project:
    """The settings of one project file, paths already resolved."""

    path: Path | None = None
    modules: list = field(default_factory=list)
    locales: list = field(default_factory=list)
    papers: list = field(default_factory=list)
    variants: list = field(default_factory=list)
    clinic: Path | None = None
    out: Path | None = None
    content: list = field(default_factory=list)
    layouts: list = field(default_factory=list)
    jobs: int | None = None


def load_project(path) -> Project:
    path = Path(path)
    shown = shown_path(path)
    if not path.is_file():
        raise ContentError("project file not found", path=shown)
    data = load_yaml(path, display=shown)
    if not isinstance(data, dict):
        raise ContentError("a project file must be a mapping (modules:, locales:, ...)", path=shown, line=1)
    problems = validate_record(PROJECT_FIELDS, data, path=shown, line=1)
    if problems:
        raise ValidationFailed(problems)
    base = path.parent

    def here(value):
        return base / value if value is not None else None

    return Project(
        path=path, modules=list(data.get("modules") or []), locales=list(data.get("locales") or []),
        papers=list(data.get("papers") or []), variants=list(data.get("variants") or []),
        clinic=here(data.get("clinic")), out=here(data.get("out")),
        content=[base / p for p in data.get("content") or []], layouts=[base / p for p in data.get("layouts") or []],
        jobs=data.get("jobs"),
    )


def find_project(explicit=None) -> Project:
    """The project file given, or ``handouts.yaml`` in the working folder, or an empty project."""
    if explicit is not None:
        return load_project(explicit)
    default = Path(PROJECT_FILE)
    return load_project(default) if default.is_file() else Project()
