"""``handouts.yaml``: a clinic's catalogue as a file it keeps under version control.

Everything in it can also be given on the command line, and the command line wins; paths in it
are relative to the file, so the project builds the same from any folder. Its lists of modules,
locales, papers and variants choose what a plain ``handouts build`` makes; ``build --all`` makes
everything, whatever they say.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    "variants": ListOf(item=Choice(values=("standard", "large-print")), min_items=1,
                       doc="standard, large-print or both (default: standard)"),
    "formats": ListOf(item=Choice(values=("pdf", "html")), min_items=1,
                      doc="pdf, html or both (default: pdf); kept by build --all"),
    "clinic": Str(doc="the clinic profile, relative to this file"),
    "out": Str(doc="the output folder, relative to this file (default: build)"),
    "content": ListOf(item=Str(), doc="folders of the clinic's own modules"),
    "layouts": ListOf(item=Str(), doc="folders of the clinic's own layouts"),
    "jobs": Number(integer=True, minimum=1, maximum=256, doc="parallel builds (default: the cores)"),
}


@dataclass
class Project:
    """The settings of one project file, paths already resolved."""

    path: Path | None = None
    modules: list = field(default_factory=list)
    locales: list = field(default_factory=list)
    papers: list = field(default_factory=list)
    variants: list = field(default_factory=list)
    formats: list = field(default_factory=list)
    clinic: Path | None = None
    out: Path | None = None
    content: list = field(default_factory=list)
    layouts: list = field(default_factory=list)
    jobs: int | None = None
    lines: dict = field(default_factory=dict)  # (key, index) -> the line it is written on

    def check_names(self, registry) -> None:
        """A module, locale or paper the project names that does not exist is an error at its line
        in the project file, not an unknown name with no file to fix."""
        from handouts.content import module_locales
        from handouts.registry import catalogue_candidates

        if self.path is None:
            return
        known = registry.module_paths()
        shown = shown_path(self.path)
        for index, name in enumerate(self.modules):
            if name not in known:
                raise ContentError(f"modules: unknown module '{name}'", path=shown,
                                   line=self.lines.get(("modules", index)), hint=f"known modules: {', '.join(known)}")
        for index, paper in enumerate(self.papers):
            if paper not in registry.paper_paths():
                raise ContentError(f"papers: unknown paper '{paper}'", path=shown,
                                   line=self.lines.get(("papers", index)),
                                   hint=f"known papers: {', '.join(registry.paper_paths())}")
        for index, locale in enumerate(self.locales):
            if locale == "all":
                continue
            for name in self.modules or known:
                available = module_locales(registry.module(name))
                if not any(candidate in available for candidate in catalogue_candidates(locale)):
                    raise ContentError(f"locales: module '{name}' has no '{locale}' translation", path=shown,
                                       line=self.lines.get(("locales", index)),
                                       hint=f"locales for it: {', '.join(available)}")

    def everything(self) -> "Project":
        """The project without its choice of what to build: where things are, and nothing less
        than every module in every language on every paper and variant (in the formats it names:
        those say what kind of file, not which part of the catalogue)."""
        return replace(self, modules=[], locales=[], papers=[], variants=[])


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

    # a path the project names must be there: said at its line here, not later without one
    for key, want_file in (("clinic", True), ("content", False), ("layouts", False)):
        values = data.get(key)
        for index, value in enumerate(values if isinstance(values, list) else [values] if values else []):
            target = base / value
            if not (target.is_file() if want_file else target.is_dir()):
                line = data[key].line_of(index) if isinstance(data[key], list) else data.line_of(key)
                raise ContentError(f"{key}: {'file' if want_file else 'folder'} '{value}' not found", path=shown,
                                   line=line, hint="paths in a project file are relative to it")

    lines = {(key, index): data[key].line_of(index) for key in ("modules", "locales", "papers")
             if isinstance(data.get(key), list) for index in range(len(data[key]))}
    return Project(
        lines=lines, path=path, modules=list(data.get("modules") or []), locales=list(data.get("locales") or []),
        papers=list(data.get("papers") or []), variants=list(data.get("variants") or []),
        formats=list(data.get("formats") or []),
        clinic=here(data.get("clinic")), out=here(data.get("out")),
        content=[base / p for p in data.get("content") or []], layouts=[base / p for p in data.get("layouts") or []],
        jobs=data.get("jobs"),
    )


def find_project(explicit=None, *, everything: bool = False) -> Project:
    """The project file given, or ``handouts.yaml`` in the working folder, or an empty project.

    With ``everything`` (``build --all``) the project's lists of modules, locales, papers and
    variants are dropped: --all means all, not the project's subset.
    """
    if explicit is not None:
        project = load_project(explicit)
    else:
        default = Path(PROJECT_FILE)
        project = load_project(default) if default.is_file() else Project()
    return project.everything() if everything else project
