"""``handouts check``: validate every module, layout, paper and font, collecting all problems.

Like Pelican, one bad file does not hide the next: everything is checked, then the run fails
with the whole list, each problem as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handouts.build import prepare, render_handout
from handouts.clinic import Clinic
from handouts.content import module_problems
from handouts.errors import HandoutsError, Problem, ValidationFailed
from handouts.facts import load_facts
from handouts.fonts import font_families
from handouts.i18n import module_locales
from handouts.layouts import layout_problems, load_paper
from handouts.registry import Registry, shown_path


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # "module [locale, paper]" items that built cleanly

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problems or (strict and self.warnings))


def _problems_of(error: HandoutsError) -> list[Problem]:
    return list(error.problems) if isinstance(error, ValidationFailed) else [error.problem]


def _collect(report: CheckReport, action) -> bool:
    """Run one check, turning our errors into problems; True when it passed."""
    try:
        action()
        return True
    except HandoutsError as exc:
        report.problems += _problems_of(exc)
        return False


def check_all(registry: Registry, *, clinic: Clinic | None = None, render: bool = True) -> CheckReport:
    """Check everything the registry can see. ``render`` also lays out each handout (card fit)."""
    report = CheckReport()
    for name in registry.layout_paths():
        _, problems = layout_problems(name, registry)
        report.problems += problems
    for name in registry.paper_paths():
        _collect(report, lambda name=name: load_paper(name, registry))
    _collect(report, lambda: font_families(registry))
    _collect(report, lambda: load_facts(registry))
    if report.problems:
        render = False  # the modules cannot be laid out without a sound layout, font and facts
    for name, path in registry.module_paths().items():
        data, problems = module_problems(name, path, shown_path(path))
        if problems:
            report.problems += problems
            continue
        module = registry.module(name)
        for locale in module_locales(module):
            for paper in registry.paper_paths():
                def one(locale=locale, paper=paper):
                    handout = prepare(registry, name, locale=locale, paper=paper, clinic=clinic)
                    report.warnings += handout.warnings
                    if render:
                        render_handout(handout)
                if _collect(report, one):
                    report.checked.append(f"{name} [{locale}, {paper}]")
    report.problems = list(dict.fromkeys(report.problems))  # the same fault seen on both papers once
    report.warnings = list(dict.fromkeys(report.warnings))
    return report
