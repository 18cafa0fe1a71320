"""Layouts and papers: how a handout looks, as data the renderers read.

A layout can ``extends:`` another, so a clinic restyles by writing a few keys in its own folder.
Lengths are in millimetres (keys ending ``_mm``), type sizes in points (``_pt``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handouts.errors import ContentError, Problem, UnknownNameError, ValidationFailed
from handouts.registry import Registry, shown_path
from handouts.schema import Bool, Choice, Number, Record, Str, validate_record
from handouts.yamlsrc import load_yaml

MM = 72 / 25.4  # points per millimetre

RENDERER_FOR_KIND = {"comparison": "sheet", "sheet": "sheet", "card": "card", "checklist": "checklist"}
# A large-print card is an alert sheet: no wallet card can hold 18 pt text.
LARGE_RENDERER_FOR_KIND = RENDERER_FOR_KIND | {"card": "alert"}

_SIZE = Number(minimum=0, maximum=1000)
_PT = Number(minimum=4, maximum=96)
_COLOUR = Str(doc="a colour like '#1f5f8b'")

LAYOUT_FIELDS = {
    "extends": Str(doc="another layout whose keys this one starts from"),
    "description": Str(),
    "abstract": Bool(doc="true for a layout that only exists to be extended"),
    "renderer": Choice(values=("sheet", "card", "checklist", "alert")),
    "large_print": Str(doc="the layout of this one's large-print variant"),
    "footer_notice": Bool(doc="false to print the title and notice on the page, not in every footer"),
    "font": Str(doc="a font family named in fonts.yaml"),
    "margins_mm": Record(fields={k: _SIZE for k in ("top", "bottom", "left", "right")}),
    "type_pt": Record(fields={k: _PT for k in ("title", "subtitle", "heading", "body", "small", "footer")}
                      | {"leading": Number(minimum=1, maximum=3)}),
    "colours": Record(fields={k: _COLOUR for k in ("text", "accent", "accent_text", "muted", "rule",
                                                    "shade", "warning", "stripe")}),
    "spacing_mm": Record(fields={k: _SIZE for k in ("paragraph", "section", "footer")}),
    "table": Record(fields={"topic_width": Number(minimum=0.1, maximum=0.5),
                            "stacked": Bool(doc="one column: each point as a heading with both answers")}),
    "card": Record(fields={
        "width_mm": _SIZE, "height_mm": _SIZE, "padding_mm": _SIZE, "gap_mm": _SIZE, "crop_mm": _SIZE,
        "columns": Number(integer=True, minimum=1, maximum=10),
        "rows": Number(integer=True, minimum=1, maximum=20),
    }),
    "checklist": Record(fields={"box_pt": _PT, "note_lines": Number(integer=True, minimum=0, maximum=20),
                                "note_gap_pt": _PT}),
}
# Keys every finished layout (after ``extends``) must have.
REQUIRED = ("renderer", "font", "margins_mm", "type_pt", "colours", "spacing_mm")
REQUIRED_FOR_RENDERER = {"card": ("card",), "checklist": ("checklist",), "sheet": ("table",)}

PAPER_FIELDS = {
    "description": Str(),
    "width_mm": Number(required=True, minimum=50, maximum=2000),
    "height_mm": Number(required=True, minimum=50, maximum=2000),
}


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in points, as ReportLab wants them."""
        return self.width_mm * MM, self.height_mm * MM


@dataclass
class Layout:
    """A finished layout: every key resolved through ``extends``."""

    name: str
    values: dict
    files: list[str]  # the files it was built from, leaf first, as messages show them
    paths: list = field(default_factory=list)  # the same files as paths

    def __getitem__(self, key):
        return self.values[key]

    @property
    def renderer(self) -> str:
        return self.values["renderer"]

    def pt(self, name: str) -> float:
        return float(self.values["type_pt"][name])

    def mm(self, group: str, name: str) -> float:
        """A length from a ``*_mm`` group, in points."""
        return float(self.values[group][name]) * MM

    def colour(self, name: str) -> str:
        return self.values["colours"][name]


def _merge(base: dict, top: dict) -> dict:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def layout_problems(name: str, registry: Registry) -> tuple[Layout | None, list[Problem]]:
    """Resolve one layout through its ``extends`` chain, listing every problem found."""
    paths = registry.layout_paths()
    chain, problems, values = [], [], {}
    current = name
    while current is not None:
        if current in chain:
            return None, [Problem(shown_path(paths[chain[-1]]), None,
                                  f"layouts extend each other in a loop: {' -> '.join(chain + [current])}")]
        if current not in paths:
            where = shown_path(paths[chain[-1]]) if chain else None
            return None, [Problem(where, None, f"unknown layout '{current}' (known layouts: {', '.join(paths)})")]
        shown = shown_path(paths[current])
        try:
            data = load_yaml(paths[current], display=shown)
        except ContentError as exc:
            return None, [exc.problem]
        if not isinstance(data, dict):
            return None, [Problem(shown, 1, "a layout must be a mapping of keys")]
        problems += validate_record(LAYOUT_FIELDS, data, path=shown, line=1)
        chain.append(current)
        # Only the layout asked for may be abstract; what it extends passes on everything else.
        inherited = {k: v for k, v in data.items() if k != "abstract" or current == name}
        values = _merge(inherited, values)
        current = data.get("extends")
    leaf = shown_path(paths[name])
    required = () if values.get("abstract") else REQUIRED + REQUIRED_FOR_RENDERER.get(values.get("renderer"), ())
    for key in required:
        if key not in values:
            problems.append(Problem(leaf, None, f"missing required key '{key}' (here or in the layout it extends)"))
    return Layout(name, values, [shown_path(paths[n]) for n in chain], [paths[n] for n in chain]), problems


def load_layout(name: str, registry: Registry) -> Layout:
    if name not in registry.layout_paths():
        raise UnknownNameError(f"unknown layout '{name}'",
                               hint=f"known layouts: {', '.join(registry.layout_paths())}")
    layout, problems = layout_problems(name, registry)
    if problems:
        raise ValidationFailed(problems)
    return layout


def load_paper(name: str, registry: Registry) -> Paper:
    paths = registry.paper_paths()
    if name not in paths:
        raise UnknownNameError(f"unknown paper '{name}'", hint=f"known papers: {', '.join(paths)}")
    shown = shown_path(paths[name])
    data = load_yaml(paths[name], display=shown)
    problems = validate_record(PAPER_FIELDS, data, path=shown, line=1) if isinstance(data, dict) else [
        Problem(shown, 1, "a paper must be a mapping with width_mm and height_mm")]
    if problems:
        raise ValidationFailed(problems)
    return Paper(name, float(data["width_mm"]), float(data["height_mm"]))
