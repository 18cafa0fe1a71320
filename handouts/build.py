"""Build handouts: the library API the ``handouts build`` command calls.

load content -> resolve locale -> lay out -> render -> write atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts.clinic import Clinic, load_clinic
from handouts.errors import ContentError, UnknownNameError
from handouts.facts import load_facts
from handouts.fonts import family_for
from handouts.i18n import translator_for
from handouts.layouts import RENDERER_FOR_KIND, load_layout, load_paper
from handouts.output import write_atomic
from handouts.prepare import Handout, common_translator, localize, localized_words, placeholder_values
from handouts.registry import Registry

DEFAULT_PAPER = "a4"
DEFAULT_OUT = Path("build")


@dataclass
class BuildResult:
    """What one ``build_handouts`` call wrote, and what it warned about."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def output_path(out_dir: Path, module: str, locale: str, paper: str) -> Path:
    return Path(out_dir) / f"{module}.{locale}.{paper}.pdf"


def prepare(registry: Registry, module_name: str, *, locale: str = "en", paper: str = DEFAULT_PAPER,
            clinic: Clinic | None = None) -> Handout:
    """Everything needed to draw one handout, checked; raises our own errors for bad input."""
    clinic = clinic or Clinic()
    module = registry.module(module_name)
    layout = load_layout(module.layout, registry)
    if layout.renderer != RENDERER_FOR_KIND[module.kind]:
        raise ContentError(f"layout '{module.layout}' draws {layout.renderer}s, but this module is a {module.kind}",
                           path=module.shown, line=module.data.line_of("layout"),
                           hint=f"name a layout whose renderer is {RENDERER_FOR_KIND[module.kind]}")
    translate = translator_for(module, locale)
    values = placeholder_values(load_facts(registry), clinic)
    doc = localize(module, translate, values)
    common = common_translator(locale)
    words = localized_words(common)
    warnings = [f"{module.name} [{locale}]: {text}, English used" for text in translate.missing]
    warnings += [f"_common [{locale}]: {text}, English used" for text in common.missing]
    return Handout(module=module, locale=locale, layout=layout, paper=load_paper(paper, registry),
                   font=family_for(layout["font"], registry), clinic=clinic, doc=doc, words=words,
                   values=values, draft=translate.draft or common.draft, warnings=warnings)


def render_handout(handout: Handout) -> bytes:
    from handouts.render import render  # ReportLab loads only when something is drawn
    return render(handout)


def build_handouts(modules=None, *, locale: str = "en", paper: str | None = None, clinic=None,
                   out_dir=DEFAULT_OUT, content=(), layouts=(), registry: Registry | None = None) -> BuildResult:
    """Build PDFs for ``modules`` (default: every module) and write them to ``out_dir``.

    ``clinic`` is a profile path or a ``Clinic``; its paper is used unless ``paper`` is given.
    Nothing is written for a module that fails: each PDF is rendered in memory, then written whole.
    """
    registry = registry or Registry.with_extra(content, layouts)
    if clinic is not None and not isinstance(clinic, Clinic):
        clinic = load_clinic(clinic)
    clinic = clinic or Clinic()
    paper = paper or clinic.paper or DEFAULT_PAPER
    names = list(modules) if modules else list(registry.module_paths())
    known = registry.module_paths()
    for name in names:
        if name not in known:
            raise UnknownNameError(f"unknown module '{name}'", hint=f"known modules: {', '.join(known)}")
    result = BuildResult()
    for name in names:
        handout = prepare(registry, name, locale=locale, paper=paper, clinic=clinic)
        data = render_handout(handout)
        target = output_path(out_dir, name, locale, paper)
        write_atomic(target, data)
        result.written.append(target)
        result.warnings += handout.warnings
    return result
