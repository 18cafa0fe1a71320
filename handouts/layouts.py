"""Layouts and papers: how a handout looks, as data the renderers read.

A layout can ``extends:`` another, so a clinic restyles by writing a few keys in its own folder.
Lengths are in millimetres (keys ending ``_mm``), type sizes in points (``_pt``). A finished layout
must also be legible (type sizes and colour contrast, below): a patient never sees the YAML, only
the page, so the loader is where a pale or tiny restyle is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handouts.errors import ContentError, Problem, UnknownNameError, ValidationFailed
from handouts.registry import Registry, shown_path
from handouts.schema import Bool, Choice, Number, Record, Str, validate_record
from handouts.yamlsrc import load_yaml

MM = 72 / 25.4  # points per millimetre

COLOUR_PATTERN = "^#[0-9A-Fa-f]{6}$"  # what ReportLab's HexColor reads as the colour people mean


def _mm(doc: str) -> Number:
    return Number(minimum=0, maximum=1000, doc=f"{doc}, in millimetres")


def _pt(doc: str) -> Number:
    return Number(minimum=4, maximum=96, doc=f"{doc}, in points")


def _colour(doc: str) -> Str:
    return Str(doc=f"{doc}; '#' and six hex digits, like '#1f5f8b'")


# Which text sizes and colours each renderer draws where: render/pdf/styles.py, flow.py, card.py, page.py.
LAYOUT_FIELDS = {
    "extends": Str(doc="another layout whose keys this one starts from"),
    "description": Str(doc="what the layout is for, shown by 'handouts list'"),
    "abstract": Bool(doc="true for a layout that only exists to be extended"),
    "renderer": Choice(values=("sheet", "card", "checklist", "alert"),
                       doc="what draws it: sheet (comparison, sheet and diary modules), card (wallet cards), "
                           "checklist, or alert (a card module in large print)"),
    "large_print": Str(doc="the layout of this one's large-print variant"),
    "footer_notice": Bool(doc="false to print the title and notice on the page, not in every footer"),
    "font": Str(doc="a font family named in fonts.yaml"),
    "emergency_first": Bool(doc="true to print the emergency box before the key points (large print, where both "
                                "do not fit on the first page)"),
    "pages": Record(doc="page rules: the renderer keeps them, and fails or warns when it cannot", fields={
        "min_fill": Number(minimum=0, maximum=0.9, doc="a page other than the last is at least this full "
                                                       "(a share of the text frame's height)"),
        "min_last_fill": Number(minimum=0, maximum=0.9, doc="the last page is at least this full, unless the "
                                                            "handout has one page"),
    }),
    "margins_mm": Record(doc="the page margins, in millimetres",
                         fields={k: _mm(f"the {k} margin") for k in ("top", "bottom", "left", "right")}),
    "measure_em": Number(minimum=20, maximum=80,
                         doc="the longest line of running text (paragraphs, lists, captions, checklist questions), in "
                             "ems of its own type: 30-34 gives the 50-70 characters a line a reader follows best. "
                             "Boxes and tables keep the width the margins leave; without it, so does all text"),
    "type_pt": Record(doc="type sizes in points. Body text needs at least 11 pt; on a wallet card (renderer card) "
                          "every size needs at least 6.5 pt", fields={
        "title": _pt("the title (on a wallet card, the banner)"),
        "subtitle": _pt("the subtitle under the title"),
        "heading": _pt("section headings"),
        "body": _pt("body text, table cells, checklist questions"),
        "small": _pt("small print: captions, diagram labels, the clinic's address, a card's version line"),
        "footer": _pt("the page footer, and the note at the top of a sheet of cards"),
        "leading": Number(minimum=1, maximum=3, doc="line spacing, as a multiple of the type size"),
    }),
    "colours": Record(doc="colours of text, fills and lines. Text needs 4.5:1 contrast (WCAG 2.1) against white "
                          "and against the fill it is drawn on", fields={
        "text": _colour("body text, on white, shade and stripe"),
        "accent": _colour("titles and headings (on white and on shade), and the fill behind the table header "
                          "and a card's banner"),
        "accent_text": _colour("text on accent fills"),
        "muted": _colour("subtitle, small print and footer, on white and on shade"),
        "rule": _colour("lines: table grid, footer rule, box edges, note lines, card outlines"),
        "shade": _colour("the fill of the key-points, notice and contacts boxes"),
        "warning": _colour("the emergency box: its edge, and the fill behind its title (in accent_text)"),
        "stripe": _colour("the fill of every other table row"),
    }),
    "spacing_mm": Record(doc="vertical spacing, in millimetres", fields={
        "paragraph": _mm("space after each paragraph"),
        "section": _mm("space before each section heading"),
        "footer": _mm("from the paper's bottom edge to the footer"),
    }),
    "table": Record(doc="the comparison table", fields={
        "topic_width": Number(minimum=0.1, maximum=0.5, doc="the topic column's share of the text width"),
        "stacked": Bool(doc="one column: each point as a heading with both answers"),
    }),
    "card": Record(doc="wallet cards, imposed on a sheet with crop marks", fields={
        "width_mm": _mm("card width"), "height_mm": _mm("card height"),
        "padding_mm": _mm("space inside the card's edge"), "gap_mm": _mm("space between cards on the sheet"),
        "crop_mm": _mm("length of the crop marks"),
        "columns": Number(integer=True, minimum=1, maximum=10, doc="cards across the sheet"),
        "rows": Number(integer=True, minimum=1, maximum=20, doc="cards down the sheet"),
    }),
    "log": Record(doc="a daily log's tables to fill in", fields={
        "days_per_table": Number(integer=True, minimum=1, maximum=14, doc="days in one table (a column each)"),
        "label_width": Number(minimum=0.15, maximum=0.6, doc="the column of row labels' share of the text width"),
        "day_width": Number(minimum=0.1, maximum=0.4, doc="in the table of handwriting and notes, the column of "
                                                          "days' share of the text width"),
        "box_pt": _pt("a tick box's size"),
        "field_pt": _pt("the height of a box to write a temperature or date in"),
        "write_pt": _pt("the height of a row to copy a sentence or write notes in"),
        "keep_groups": Bool(doc="true to keep each group of rows (the emergency signs, the team's) on one page; "
                                "a group taller than a page then cannot be drawn"),
    }),
    "checklist": Record(doc="tick boxes and lines for notes", fields={
        "box_pt": _pt("the tick box's size"),
        "note_lines": Number(integer=True, minimum=0, maximum=20,
                             doc="lines for notes after each group, unless the module says otherwise"),
        "note_gap_pt": _pt("the distance between note lines"),
    }),
}
# Keys every finished layout (after ``extends``) must have.
REQUIRED = ("renderer", "font", "margins_mm", "type_pt", "colours", "spacing_mm")
REQUIRED_FOR_RENDERER = {"card": ("card",), "checklist": ("checklist",), "sheet": ("table",)}

# Legibility every finished layout must give, so no clinic restyle can print text a patient struggles to
# read: 4.5:1 contrast (WCAG 2.1 AA for text of any size) and body text of 11 pt or more. A wallet card
# cannot hold 11 pt, so its floor is lower but covers every size on it, the version line and notice too.
MIN_CONTRAST = 4.5
MIN_BODY_PT = 11.0
MIN_CARD_PT = 6.5
MIN_CARD_PADDING_MM = 3.0
TEXT_SIZES = ("title", "subtitle", "heading", "body", "small", "footer")
PAGE = "#ffffff"
# Each text colour and what the renderers draw it on (None: the white page). See styles.py and flow.py.
TEXT_ON = (("text", None), ("accent", None), ("muted", None), ("warning", None), ("accent_text", "accent"),
           ("accent_text", "warning"),
           ("text", "shade"), ("accent", "shade"), ("muted", "shade"), ("text", "stripe"))

PAPER_FIELDS = {
    "description": Str(doc="the paper's name as people know it"),
    "width_mm": Number(required=True, minimum=50, maximum=2000, doc="the paper's width, in millimetres"),
    "height_mm": Number(required=True, minimum=50, maximum=2000, doc="the paper's height, in millimetres"),
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
    origins: dict = {}  # ("colours", "accent") -> (position in the chain, file, line) of the value used
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
        problems += validate_record(LAYOUT_FIELDS, data, path=shown, line=1) + _colour_problems(data, shown)
        _note_origins(origins, data, shown, len(chain))
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
    if not values.get("abstract"):
        problems += size_problems(values, origins) + contrast_problems(values, origins)
    return Layout(name, values, [shown_path(paths[n]) for n in chain], [paths[n] for n in chain]), problems


def _note_origins(origins: dict, data: dict, shown: str, position: int) -> None:
    """Remember where each size and colour was set; the chain is walked leaf first, so the first
    file seen is the one whose value the finished layout uses."""
    for group in ("type_pt", "colours", "card"):
        block = data.get(group)
        if isinstance(block, dict):
            for key in block:
                line = block.line_of(key) if hasattr(block, "line_of") else None
                origins.setdefault((group, key), (position, shown, line))


def _colour_problems(data: dict, shown: str) -> list[Problem]:
    """Colours ReportLab would misread ('#abc' is not '#aabbcc' to it) or fail on ('red')."""
    block = data.get("colours")
    if not isinstance(block, dict):
        return []
    return [Problem(shown, block.line_of(key) if hasattr(block, "line_of") else None,
                    f"colours.{key}: '{value}' is not a colour; write '#' and six hex digits, like '#1f5f8b'")
            for key, value in block.items() if isinstance(value, str) and not re.fullmatch(COLOUR_PATTERN, value)]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def size_problems(values: dict, origins: dict) -> list[Problem]:
    """Body text under 11 pt; on a wallet card, any text under 6.5 pt."""
    sizes = values.get("type_pt") if isinstance(values.get("type_pt"), dict) else {}
    card = values.get("renderer") == "card"
    minimum, what = (MIN_CARD_PT, "text on a wallet card") if card else (MIN_BODY_PT, "body text")
    problems = []
    for key in TEXT_SIZES if card else ("body",):
        size = sizes.get(key)
        if _is_number(size) and size < minimum:
            _, path, line = origins[("type_pt", key)]
            problems.append(Problem(path, line, f"type_pt.{key}: {size:g} pt is too small; {what} needs at least "
                                                f"{minimum:g} pt"))
    padding = (values.get("card") or {}).get("padding_mm") if card and isinstance(values.get("card"), dict) else None
    if _is_number(padding) and padding < MIN_CARD_PADDING_MM and ("card", "padding_mm") in origins:
        _, path, line = origins[("card", "padding_mm")]
        problems.append(Problem(path, line, f"card.padding_mm: {padding:g} mm; nothing may be drawn within "
                                            f"{MIN_CARD_PADDING_MM:g} mm of a card's cut line (a guillotine wanders)"))
    return problems


def relative_luminance(colour: str) -> float:
    """The relative luminance of '#rrggbb', as WCAG 2.1 defines it."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two '#rrggbb' colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_problems(values: dict, origins: dict) -> list[Problem]:
    """Text colours under 4.5:1 against the page or the fill they are drawn on, each at the line of the
    colour set nearest this layout (the one its author most likely just changed)."""
    colours = values.get("colours") if isinstance(values.get("colours"), dict) else {}

    def usable(name):
        return isinstance(colours.get(name), str) and re.fullmatch(COLOUR_PATTERN, colours[name])

    problems = []
    for text, fill in TEXT_ON:
        if not usable(text) or (fill is not None and not usable(fill)):
            continue
        ratio = contrast_ratio(colours[text], colours[fill] if fill else PAGE)
        if ratio >= MIN_CONTRAST:
            continue
        where = [origins[("colours", text)]] + ([origins[("colours", fill)]] if fill else [])
        _, path, line = min(where, key=lambda origin: origin[0])
        under = f"colours.{fill} '{colours[fill]}'" if fill else "the white page"
        problems.append(Problem(path, line, f"colours.{text} '{colours[text]}' on {under} has contrast "
                                            f"{ratio:.2f}:1; text needs at least {MIN_CONTRAST:g}:1 (WCAG 2.1)"))
    return problems


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
