"""Build handouts: the library API the ``handouts build`` command calls.

load content -> translate -> document model -> render -> write atomically (``batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts.batch import DEFAULT_OUT, DEFAULT_PAPER, Plan, catalogue_items, run_batch
from handouts.clinic import load_clinic
from handouts.document import Handout, prepare
from handouts.errors import HandoutsError
from handouts.registry import Registry

__all__ = ["BuildFailed", "BuildResult", "build_handouts", "catalogue_items", "prepare", "render_handout"]


@dataclass
class BuildResult:
    """What one ``build_handouts`` call wrote, and what it warned about."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def render_handout(handout: Handout, format: str = "pdf") -> bytes:
    """Draw a prepared handout (ReportLab loads only when something is drawn)."""
    from handouts.render import render

    return render(handout, format)


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
