"""Build handouts: the library API the ``handouts build`` command calls.

load content -> translate -> document model -> render -> write atomically (``batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts.batch import Item, Plan, run_batch
from handouts.clinic import load_clinic
from handouts.document import Handout, prepare
from handouts.errors import HandoutsError, UnknownNameError
from handouts.i18n import SOURCE_LOCALE, module_locales, translator_for
from handouts.registry import Registry

DEFAULT_PAPER = "a4"
DEFAULT_OUT = Path("build")


@dataclass
class BuildResult:
    """What one ``build_handouts`` call wrote, and what it warned about."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def render_handout(handout: Handout, format: str = "pdf") -> bytes:
    """Draw a prepared handout (ReportLab loads only when something is drawn)."""
    from handouts.render import render

    return render(handout, format)


def catalogue_items(registry: Registry, modules=None, locales=None, papers=None, *,
                    every_locale: bool = False, variants=("standard",)) -> list[Item]:
    """The items to build: modules x locales x papers x variants.

    Without ``locales``, English only, or with ``every_locale`` each module's every catalogue.
    A locale asked for by name must exist for every module asked for.
    """
    known = registry.module_paths()
    names = list(modules) if modules else list(known)
    for name in names:
        if name not in known:
            raise UnknownNameError(f"unknown module '{name}'", hint=f"known modules: {', '.join(known)}")
    for paper in papers or ():
        if paper not in registry.paper_paths():
            known_papers = ", ".join(registry.paper_paths())
            raise UnknownNameError(f"unknown paper '{paper}'", hint=f"known papers: {known_papers}")
    items = []
    for name in names:
        module = registry.module(name)
        available = module_locales(module)
        wanted = list(locales) if locales else (available if every_locale else [SOURCE_LOCALE])
        for locale in wanted:
            if locale not in available:
                translator_for(module, locale)  # raises the error that names the known locales
            for paper in papers or [DEFAULT_PAPER]:
                for variant in variants:
                    items.append(Item(name, locale, paper, variant))
    return sorted(set(items))


class BuildFailed(HandoutsError):
    """One or more items of a build failed; each message names its file and line."""


def build_handouts(modules=None, *, locale: str = "en", paper: str | None = None, clinic=None,
                   out_dir=DEFAULT_OUT, content=(), layouts=(), force: bool = False) -> BuildResult:
    """Build PDFs for ``modules`` (default: every module) in one locale and paper.

    ``clinic`` is a profile path; its paper is used unless ``paper`` is given. Nothing is written
    for a handout that fails: each PDF is rendered in memory, then written whole. Raises
    ``BuildFailed`` naming each failure after building the others.
    """
    registry = Registry.with_extra(content, layouts)
    profile = load_clinic(clinic) if clinic is not None else None
    paper = paper or (profile.paper if profile else None) or DEFAULT_PAPER
    items = catalogue_items(registry, modules, [locale], [paper])
    plan = Plan(out_dir=str(out_dir), content=tuple(map(str, content)), layouts=tuple(map(str, layouts)),
                clinic=str(clinic) if clinic is not None else None, force=force)
    report = run_batch(plan, items, keep_going=True)
    if report.failed:
        raise BuildFailed("\n".join(o.error for o in report.failed))
    return BuildResult(written=[Path(o.path) for o in report.outcomes],
                       warnings=[w for o in report.outcomes for w in o.warnings])
