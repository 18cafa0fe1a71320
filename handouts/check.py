"""``handouts check``: validate every module, layout, paper and font, collecting all problems.

Like Pelican, one bad file does not hide the next: everything is checked, then the run fails
with the whole list, each problem as ``file:line: message``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from handouts.batch import DEFAULT_PAPER, VARIANTS
from handouts.clinic import Clinic
from handouts.content import SOURCE_LOCALE, module_problems
from handouts.document import prepare
from handouts.errors import HandoutsError, Problem, ValidationFailed
from handouts.facts import load_facts
from handouts.fonts import font_families
from handouts.i18n import module_locales
from handouts.layouts import layout_problems, load_paper
from handouts.plain_language import FOR_HUMAN_REVIEW, PASS_MARK, check_document
from handouts.readability import FORMULAS, measure
from handouts.registry import Registry, shown_path
from handouts.render import render as render_pdf


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # "module [locale, paper]" items that built cleanly
    readings: list = field(default_factory=list)      # readability.Reading per module and locale
    checklists: list = field(default_factory=list)    # plain_language.Checklist per module

    @property
    def advice(self) -> list[str]:
        """Targets missed: reported always, failures only with ``--strict``."""
        notes = [f"{r.module} [{r.locale}]: reads {r.verdict} - start with: {r.hardest[0][1]!r}"
                 if r.hardest else f"{r.module} [{r.locale}]: reads {r.verdict}"
                 for r in self.readings if r.failures]
        for checklist in self.checklists:
            notes += [f"{checklist.module}: plain language: {item.name.lower()} fails"
                      + (f" ({item.detail})" if item.detail else "") for item in checklist.failures]
        return notes

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problems or (strict and (self.warnings or self.advice)))


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
            for paper, variant in itertools.product(registry.paper_paths(), VARIANTS):
                def one(locale=locale, paper=paper, variant=variant):
                    handout = prepare(registry, name, locale=locale, paper=paper, clinic=clinic, variant=variant)
                    report.warnings += handout.warnings
                    if (paper, variant) == (DEFAULT_PAPER, "standard"):  # the checks read the model once
                        if locale == SOURCE_LOCALE:
                            report.checklists.append(check_document(registry, handout.document))
                        report.readings.append(measure(registry, module, handout.document))
                    if render:
                        render_pdf(handout)
                if _collect(report, one):
                    report.checked.append(f"{name} [{locale}, {paper}, {variant}]")
    report.problems = list(dict.fromkeys(report.problems))  # the same fault seen on both papers once
    report.warnings = list(dict.fromkeys(report.warnings))
    return report


def readability_table(report: CheckReport) -> list[str]:
    """Module, locale, words, SMOG, FK, the Spanish score, target and verdict, one row each."""
    rows = [("module", "locale", "words", "SMOG", "FK", "F-Huerta", "target", "verdict")]
    for r in report.readings:
        def score(name):
            return f"{r.scores[name]:.1f}" if name in r.scores else "-"
        target = ", ".join(f"{k.replace('flesch_kincaid', 'FK').replace('fernandez_huerta', 'F-H').upper()}"
                           f"{'<=' if FORMULAS[k] == 'at most' else '>='}{v:g}" for k, v in r.targets.items())
        rows.append((r.module, r.locale, str(r.words), score("smog"), score("flesch_kincaid"),
                     score("fernandez_huerta"), target or "-", r.verdict))
    lines = _columns(rows)
    for r in report.readings:
        if r.failures and r.hardest:
            lines.append(f"hardest sentences in {r.module} [{r.locale}]:")
            lines += [f"  grade {grade:4.1f}: {sentence}" for grade, sentence in r.hardest]
    return lines


def plain_language_table(report: CheckReport) -> list[str]:
    names = [item.name for item in report.checklists[0].items] if report.checklists else []
    rows = [("module", *[f"{i + 1}" for i in range(len(names))], "passed", "verdict")]
    for checklist in report.checklists:
        marks = ["n/a" if item.passed is None else ("yes" if item.passed else "NO") for item in checklist.items]
        verdict = "pass" if checklist.score >= PASS_MARK else "below 70%"
        rows.append((checklist.module, *marks, f"{checklist.score:.0f}%", verdict))
    lines = _columns(rows)
    lines += [f"  {i + 1}: {name}" for i, name in enumerate(names)]
    lines.append("For human review (not scored): " + "; ".join(FOR_HUMAN_REVIEW) + ".")
    return lines


def _columns(rows) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
