"""The four diagrams as inline SVG: shapes as numbers, labels as the model's own words.

This module computes geometry only: every shape is a tag from a short list with numeric
attributes, and every label is a list of lines of the model's text, which the Jinja template
writes (and escapes) as ``<text>`` and ``<tspan>``. Lines are found with the same HarfBuzz line
breaker the PDF uses (``handouts.render.textlayout``), on the same font files the page embeds,
so a label wraps inside its box; the browser then shapes each line itself (Arabic joining,
Devanagari conjuncts) and orders it by the Unicode bidi algorithm.

The drawings follow ``handouts/render/pdf/diagrams.py``: the same labels, colours (Okabe-Ito) and
meaning, simplified for a screen a phone wide. The two side-by-side diagrams (comparison,
checkpoint) stack their panels, as large print does; the CAR-T cycle is a column of steps with
an arrow from the last back to the first; the timeline's bars are as long as their weeks. In a
right-to-left handout every diagram is mirrored, as the PDF mirrors it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from handouts.render.textlayout import Paragraph, Span

PALETTE = {"cell": "#56B4E9", "cancer": "#E69F00", "medicine": "#009E73", "lab": "#CC79A7",
           "line": "#1a1a1a", "panel": "#F2F2F2"}
WIDTH = 340.0          # the drawing's width in SVG units; CSS scales it to the column
SIZE = 17.0          # label size in SVG units: 14 CSS px on a 320 px screen
LEADING = 1.3
PAD = 8.0
BARS = (("daily", "cell"), ("stay_near", "medicine"), ("no_driving", "lab"))
AXIS = (0.06, 0.92)    # week 0 and the last week, in fractions of the width
# "At least N weeks": those bars end in a dashed tail; the fever band runs on past the last week
# and ends in an arrowhead (as in the PDF's timeline)
OPEN_ENDED, TAIL_WEEKS, BAND_BEYOND = ("stay_near", "no_driving"), 0.6, 0.035


def tint(hex_colour: str, amount: float) -> str:
    """A colour moved towards white by ``amount`` (0: itself, 1: white), as the PDF tints it."""
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def num(value: float) -> str:
    """A coordinate as short, stable text."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass
class Shape:
    """One SVG element: its tag, its attributes (numbers and colours), and for text its lines."""

    tag: str
    attrs: dict
    lines: tuple = ()
    line_x: str = ""
    line_dy: str = ""


@dataclass
class FaceStyle:
    font_path: str
    size: float


@dataclass
class Drawing:
    """Shapes in a drawing ``WIDTH`` wide, mirrored for right-to-left handouts."""

    rtl: bool
    regular: str                # font files, for measuring labels
    bold: str
    cjk: bool = False
    language: str = ""
    shapes: list = field(default_factory=list)
    height: float = 0.0

    # -- placing ------------------------------------------------------------------------------
    def x(self, x: float, w: float = 0.0) -> float:
        """A distance from the start side as an x: from the right in a right-to-left handout."""
        return WIDTH - x - w if self.rtl else x

    def wrap(self, text: str, width: float, bold: bool = False, size: float = SIZE) -> list:
        """The lines of a label at a width, broken where the PDF would break them (a little narrower
        than the box: a browser's advances may differ from HarfBuzz's by a hair)."""
        if not text:
            return []
        style = FaceStyle(self.bold if bold else self.regular, size)
        paragraph = Paragraph([Span(text, style)], rtl=self.rtl, cjk=self.cjk, language=self.language)
        return paragraph.lines(width * 0.94)

    def label(self, text: str, x: float, top: float, width: float, *, align: str = "middle", bold: bool = False,
              size: float = SIZE, css: str = "") -> float:
        """A label in a box from ``x`` (start side) ``width`` wide, its first line at ``top``; the
        height it takes. Centred labels are centred; others start at the box's start edge."""
        lines = self.wrap(text, width, bold, size)
        if not lines:
            return 0.0
        lead = size * LEADING
        if align == "middle":
            at = self.x(x + width / 2)
        else:  # "start": with direction rtl, an SVG text's start is its right end
            at = self.x(x)
        attrs = {"x": num(at), "y": num(top + size * 0.95), "font-size": num(size), "text-anchor": align}
        if bold:
            attrs["font-weight"] = "bold"
        if css:
            attrs["class"] = css
        self.shapes.append(Shape("text", attrs, tuple(line.text for line in lines), num(at), num(lead)))
        return len(lines) * lead

    def measure(self, text: str, width: float, bold: bool = False, size: float = SIZE) -> float:
        return len(self.wrap(text, width, bold, size)) * size * LEADING

    def last_line_width(self, text: str, width: float, size: float = SIZE) -> float:
        lines = self.wrap(text, width, size=size)
        return lines[-1].width if lines else 0.0

    # -- shapes (coordinates from the start side, y down) ------------------------------------
    def rect(self, x, y, w, h, fill, *, stroke=PALETTE["line"], width=1.0, radius=6.0, **extra):
        attrs = {"x": num(self.x(x, w)), "y": num(y), "width": num(w), "height": num(h), "rx": num(radius),
                 "fill": fill, "stroke": stroke or "none", "stroke-width": num(width)}
        self.shapes.append(Shape("rect", attrs | extra))

    def circle(self, cx, cy, r, fill, *, stroke=PALETTE["line"], width=1.0):
        self.shapes.append(Shape("circle", {"cx": num(self.x(cx)), "cy": num(cy), "r": num(r), "fill": fill,
                                            "stroke": stroke or "none", "stroke-width": num(width)}))

    def polygon(self, points, fill, *, stroke=PALETTE["line"], width=1.0):
        text = " ".join(f"{num(self.x(px))},{num(py)}" for px, py in points)
        self.shapes.append(Shape("polygon", {"points": text, "fill": fill, "stroke": stroke or "none",
                                             "stroke-width": num(width), "stroke-linejoin": "round"}))

    def line(self, x1, y1, x2, y2, *, stroke=PALETTE["line"], width=1.0):
        self.shapes.append(Shape("line", {"x1": num(self.x(x1)), "y1": num(y1), "x2": num(self.x(x2)),
                                          "y2": num(y2), "stroke": stroke, "stroke-width": num(width),
                                          "stroke-linecap": "round"}))

    def polyline(self, points, *, stroke=PALETTE["line"], width=1.0):
        text = " ".join(f"{num(self.x(px))},{num(py)}" for px, py in points)
        self.shapes.append(Shape("polyline", {"points": text, "fill": "none", "stroke": stroke,
                                              "stroke-width": num(width), "stroke-linejoin": "round"}))

    def arrow(self, x1, y1, x2, y2, width=1.6):
        """A line with a head at (x2, y2); its shaft stops at the head's base."""
        angle = math.atan2(y2 - y1, x2 - x1)
        size = 6 + width * 2
        base = (x2 - size * 0.8 * math.cos(angle), y2 - size * 0.8 * math.sin(angle))
        self.line(x1, y1, *base, width=width)
        left = (x2 - size * math.cos(angle - 0.45), y2 - size * math.sin(angle - 0.45))
        right = (x2 - size * math.cos(angle + 0.45), y2 - size * math.sin(angle + 0.45))
        self.polygon([(x2, y2), left, right], PALETTE["line"], width=0.5)

    # -- pictures ---------------------------------------------------------------------------
    def cell(self, cx, cy, r, colour, spiky=False):
        """A cell: a circle with a nucleus; a cancer cell has a ragged edge."""
        if spiky:
            points = []
            for step in range(18):
                a = 2 * math.pi * step / 18
                rr = r * (1.0 if step % 2 == 0 else 0.82)
                points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
            self.polygon(points, tint(colour, 0.45))
        else:
            self.circle(cx, cy, r, tint(colour, 0.45))
        self.circle(cx, cy, r * 0.35, colour, width=0.6)

    def person(self, cx, cy, s):
        self.circle(cx, cy - s * 0.3, s * 0.16, "#ffffff", width=1.2)
        self.rect(cx - s * 0.2, cy - s * 0.12, s * 0.4, s * 0.55, "#ffffff", width=1.2, radius=s * 0.12)

    def flask(self, cx, cy, h):
        half = h / 2
        base, neck = half * 0.95, half * 0.28
        self.polygon([(cx - base, cy + half), (cx + base, cy + half), (cx + neck, cy - half * 0.1),
                      (cx + neck, cy - half), (cx - neck, cy - half), (cx - neck, cy - half * 0.1)],
                     tint(PALETTE["lab"], 0.4))

    def drip(self, cx, cy, h):
        """A drip bag and its line: a medicine given from outside."""
        self.rect(cx - h * 0.3, cy - h / 2, h * 0.6, h * 0.75, tint(PALETTE["medicine"], 0.35), radius=4)
        self.line(cx, cy + h * 0.25, cx, cy + h / 2, width=1.5)


# -- the four kinds --------------------------------------------------------------------------------

def panel(d: Drawing, top: float, title: str, colour: str) -> float:
    """A panel's title strip from ``top``; the y below it."""
    inner = WIDTH - 2 * PAD
    height = d.measure(title, inner - 16, bold=True) + 12
    d.rect(PAD + 4, top + 4, inner - 8, height, tint(colour, 0.6))
    d.label(title, PAD + 12, top + 10, inner - 24, bold=True)
    return top + 4 + height + 10


def panel_backdrop(d: Drawing, first: int, top: float, bottom: float) -> None:
    """The panel's light box from ``top`` to ``bottom``, drawn behind the shapes from index
    ``first`` on (its height is known only once they are placed)."""
    drawn = d.shapes[first:]
    del d.shapes[first:]
    d.rect(PAD, top, WIDTH - 2 * PAD, bottom - top, tint(PALETTE["panel"], 0.3), width=0.6, radius=8)
    d.shapes += drawn


def comparison(d: Drawing, labels: dict) -> None:
    """Immunotherapy (a medicine from outside helps your own cells) above CAR-T (your cells taken
    out, changed in a lab, given back)."""
    icon_w, gap = 64.0, 22.0
    text_x = PAD + 12 + icon_w + 10
    text_w = WIDTH - PAD - 10 - text_x
    top = PAD
    for side, colour, icons in (("left", PALETTE["medicine"], ("drip", "cell")),
                                ("right", PALETTE["lab"], ("person", "flask", "back"))):
        start = top
        body = len(d.shapes)  # the panel's background goes under what is drawn in it, once its height is known
        y = panel(d, top, labels[f"{side}_title"], colour)
        centres = []
        for index, icon in enumerate(icons, start=1):
            height = max(56.0, d.measure(labels[f"{side}_step{index}"], text_w) + 8)
            cy, cx = y + height / 2, PAD + 12 + icon_w / 2
            d.label(labels[f"{side}_step{index}"], text_x, cy - d.measure(labels[f"{side}_step{index}"], text_w) / 2,
                    text_w, align="start")
            if icon == "drip":
                d.drip(cx, cy, 44)
            elif icon == "cell":
                d.cell(cx, cy, 17, PALETTE["cell"])
            elif icon == "person":
                d.person(cx, cy, 52)
            elif icon == "flask":
                d.flask(cx, cy, 42)
            else:
                d.person(cx, cy, 52)
                d.cell(cx + 18, cy + 14, 7, PALETTE["cell"])
            centres.append((cx, cy, height))
            y += height + gap
        for (cx, cy, h), (_, ny, nh) in zip(centres, centres[1:]):
            d.arrow(cx, cy + 26, cx, ny - 26)
        bottom = y - gap + 8
        panel_backdrop(d, body, start, bottom)
        top = bottom + 12
    d.height = top - 12 + PAD


def checkpoint(d: Drawing, labels: dict) -> None:
    """Before: the cancer's signal is plugged into the T cell's brake and the T cell stops. After:
    the medicine covers the brake and the T cell attacks."""
    t_x, c_x, radius = 82.0, 258.0, 32.0
    top = PAD
    for name in ("before", "after"):
        start = top
        body = len(d.shapes)
        y = panel(d, top, labels[f"{name}_title"], PALETTE["cell"])
        if name == "before":  # the cells are named once, over the first panel's cells
            used = max(d.label(labels["t_cell"], t_x - 75, y, 150), d.label(labels["cancer_cell"], c_x - 75, y, 150))
        else:
            used = d.label(labels["medicine"], t_x + radius - 45, y, 150)
        cy = y + used + 6 + radius
        d.cell(t_x, cy, radius, PALETTE["cell"])
        d.cell(c_x, cy, radius, PALETTE["cancer"], spiky=True)
        brake = t_x + radius - 2
        d.rect(brake, cy - 7, 12, 14, "#ffffff", radius=0)  # the T cell's brake: a socket on its edge
        if name == "before":  # the cancer's signal, plugged into the brake
            d.rect(brake + 12, cy - 4, c_x - radius * 0.85 - brake - 12, 8, tint(PALETTE["cancer"], 0.2), radius=0)
        else:  # the medicine: a Y-shaped antibody over the brake
            green = PALETTE["medicine"]
            d.line(brake + 12, cy, brake + 26, cy, stroke=green, width=3)
            d.line(brake + 26, cy, brake + 36, cy - 10, stroke=green, width=3)
            d.line(brake + 26, cy, brake + 36, cy + 10, stroke=green, width=3)
            d.arrow(t_x + radius + 8, cy + radius + 6, c_x - radius - 8, cy + radius + 6, width=2)  # it attacks
        y = cy + radius + 18
        used = d.label(labels[f"{name}_text"], PAD + 10, y, WIDTH - 2 * PAD - 20)
        bottom = y + used + 8
        panel_backdrop(d, body, start, bottom)
        top = bottom + 12
    d.height = top - 12 + PAD


CYCLE = ("you", "step1", "step2", "step3", "step4", "step5")
CYCLE_FILLS = (None, "cell", "lab", "lab", "cancer", "medicine")


def car_t_cycle(d: Drawing, labels: dict) -> None:
    """You, then the five steps, each box to the next, and from the last back to you: the cycle,
    in a column a phone can show."""
    box_x, gap = 52.0, 24.0
    box_w = WIDTH - PAD - box_x
    y = PAD
    boxes = []
    for key, fill in zip(CYCLE, CYCLE_FILLS):
        text_h = d.measure(labels[key], box_w - 16, bold=key == "you")
        height = text_h + 16
        d.rect(box_x, y, box_w, height, "#ffffff" if fill is None else tint(PALETTE[fill], 0.6))
        d.label(labels[key], box_x + 8, y + 8, box_w - 16, bold=key == "you")
        boxes.append((y, height))
        y += height + gap
    centre = box_x + box_w / 2
    for (top, height), (next_top, _) in zip(boxes, boxes[1:]):
        d.arrow(centre, top + height + 2, centre, next_top - 2)
    (first, first_h), (last, last_h) = boxes[0], boxes[-1]
    loop = 22.0
    d.polyline([(box_x - 2, last + last_h / 2), (loop, last + last_h / 2), (loop, first + first_h / 2)], width=1.6)
    d.arrow(loop, first + first_h / 2, box_x - 2, first + first_h / 2)
    d.height = y - gap + PAD


def timeline(d: Drawing, labels: dict, values: dict) -> None:
    """The weeks after the infusion: a bar for each period, as long as its weeks, the fever band
    along the whole axis, week ticks, and the infusion at week 0. Time runs towards the end side."""
    x0, x1 = WIDTH * AXIS[0], WIDTH * AXIS[1]
    weeks = {key: max(0, int(values.get(key, 0))) for key, _ in BARS}
    span = max(1, int(values.get("span") or max(weeks["stay_near"], weeks["no_driving"], 1) + 1))

    def week_x(week: float) -> float:
        return x0 + (x1 - x0) * week / span

    lead = SIZE * LEADING
    y = PAD
    # "Your infusion date:" and a line to write it on
    date_w = WIDTH * 0.55
    used = d.label(labels["your_date"], x0, y, date_w, align="start")
    end = x0 + d.last_line_width(labels["your_date"], date_w) + 6
    d.line(end, y + used - lead * 0.2, end + WIDTH * 0.3, y + used - lead * 0.2, width=0.9)
    y += used + lead * 0.6
    for key, colour in BARS:
        y += d.label(labels[key], x0, y, WIDTH - PAD - x0, align="start") + 3
        length = week_x(min(weeks[key], span)) - x0
        if length > 0.5:
            d.rect(x0, y, length, lead * 0.6, tint(PALETTE[colour], 0.3), width=0.8, radius=lead * 0.15,
                   **{"class": "bar", "data-key": key, "data-weeks": str(weeks[key])})
            if key in OPEN_ENDED:  # "at least": a dashed tail after the end, towards later weeks
                tail = (week_x(1) - x0) * TAIL_WEEKS
                d.rect(x0 + length, y, tail, lead * 0.6, "none", width=0.8, radius=lead * 0.15,
                       **{"class": "tail", "stroke-dasharray": "3 2"})
        y += lead * 0.6 + lead * 0.6
    # fever: a warning triangle by the label, and a hatched band along the whole axis
    side = SIZE * 1.15
    fever_x = x0 + side + 6
    tall = side * 0.87
    ty = y + (lead - tall) / 2
    d.polygon([(x0, ty + tall), (x0 + side, ty + tall), (x0 + side / 2, ty)], PALETTE["cancer"], width=0.9)
    d.line(x0 + side / 2, ty + tall * 0.3, x0 + side / 2, ty + tall * 0.62, width=side * 0.11)
    d.circle(x0 + side / 2, ty + tall * 0.8, side * 0.065, PALETTE["line"], stroke=None)
    y += d.label(labels["fever"], fever_x, y, WIDTH - PAD - fever_x, align="start") + 3
    band = lead * 0.5
    band_end = WIDTH * (AXIS[1] + BAND_BEYOND)  # past the last week, to the axis arrow's tip
    d.rect(x0, y, band_end - x0, band, tint(PALETTE["cancer"], 0.7), stroke=None, radius=0,
           **{"class": "band"})
    x = x0 - band
    while x < band_end:  # the hatching, drawn as short diagonal lines inside the band
        a, b = max(x, x0), min(x + band, band_end)
        if b > a:
            d.line(a, y + band - (a - x), b, y + band - (b - x), stroke=PALETTE["cancer"], width=1.6)
        x += band * 0.8
    d.rect(x0, y, band_end - x0, band, "none", width=0.8, radius=0)
    d.polygon([(band_end, y - band * 0.35), (band_end, y + band * 1.35), (band_end + band * 0.9, y + band / 2)],
              PALETTE["cancer"], width=0.8)
    y += band + lead * 0.9
    # the axis: an arrow in the direction of time, a tick at each week, a drop at the infusion
    drop = lead * 0.3
    d.circle(week_x(0), y - drop * 1.3, drop, tint(PALETTE["cell"], 0.1), width=0.9)
    d.polygon([(week_x(0) - drop * 0.75, y - drop * 1.95), (week_x(0), y - drop * 3.2),
               (week_x(0) + drop * 0.75, y - drop * 1.95)], tint(PALETTE["cell"], 0.1), width=0.9)
    d.arrow(x0, y, min(x1 + WIDTH * 0.05, WIDTH - 2), y, width=1.2)
    tick_w = min(34.0, 0.9 * (x1 - x0) / span)
    tick_h = 0.0
    for week in range(span + 1):
        d.line(week_x(week), y, week_x(week), y + lead * 0.35, width=1.2)
        key = f"tick{week}"
        if key in labels:
            tick_h = max(tick_h, d.label(labels[key], week_x(week) - tick_w / 2, y + lead * 0.45, tick_w,
                                         size=SIZE * 0.9))
    y += lead * 0.45 + tick_h + 4
    y += d.label(labels["infusion"], max(PAD, x0 - drop), y, WIDTH * 0.6, align="start") + 4
    y += d.label(labels["axis"], x0, y, x1 - x0)
    d.height = y + PAD


KINDS = {"comparison": comparison, "checkpoint": checkpoint, "car-t-cycle": car_t_cycle}


def draw(kind: str, labels: dict, values: dict, *, rtl: bool, regular: str, bold: str, cjk: bool = False,
         language: str = "") -> Drawing:
    """The drawing of one figure."""
    drawing = Drawing(rtl, regular, bold, cjk, language)
    if kind == "timeline":
        timeline(drawing, labels, values)
    elif kind in KINDS:
        KINDS[kind](drawing, labels)
    else:
        raise ValueError(f"the HTML renderer cannot draw a '{kind}' diagram")
    return drawing
