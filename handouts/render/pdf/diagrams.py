"""The four diagrams the source material asks for, drawn as vector graphics.

Shapes are reportlab.graphics drawings; every label is an ordinary paragraph of our own, so it
is translated, shaped and wrapped like the rest of the handout, and a label too long for its box
is an error (as on cards), never clipped or shrunk below the layout's minimum size. The colours
are the Okabe-Ito palette, told apart by people with colour-blindness; outlines and light fills
keep every shape readable in black-and-white print. Right-to-left handouts mirror the diagrams
whose direction carries meaning (the flow of steps, the time on a timeline).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable

from handouts.errors import FitError
from handouts.kinds.parts import DIAGRAM_LABELS
from handouts.render.pdf.tags import Marked
from handouts.render.pdf.text import TextBlock, TextStyle, pdf_font

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = {"cell": "#56B4E9", "cancer": "#E69F00", "medicine": "#009E73", "lab": "#CC79A7",
           "line": "#1a1a1a", "panel": "#F2F2F2"}
PANELS = ((0.0, 0.48), (0.52, 1.0))  # the two halves of a side-by-side diagram
SIDE_BY_SIDE = ("comparison", "checkpoint")
PANEL_ASPECT = 0.62                 # height / width of one panel drawn on its own
NODE_W, NODE_H = 0.24, 0.17  # a step's box in the CAR-T cycle, in fractions of the drawing
ASPECT = {"comparison": 0.6, "car-t-cycle": 0.56, "checkpoint": 0.56, "timeline": 0.5}
# The timeline: week 0 and the last week on the axis, in fractions of the width; each bar's key and
# colour (top to bottom); how wide the "your infusion date" label may be, and the line after it.
AXIS = (0.05, 0.93)
BARS = (("daily", "cell"), ("stay_near", "medicine"), ("no_driving", "lab"))
# "At least N weeks": these bars end in a dashed tail, as they may go on longer; the fever band
# runs on past the axis's last week, to the tip of its arrow, and ends in an arrowhead of its own.
OPEN_ENDED, TAIL_WEEKS, BAND_BEYOND = ("stay_near", "no_driving"), 0.6, 0.035
DATE_LABEL_W, DATE_LINE_W = 0.55, 0.35
GAP_FLOOR = 0.25  # a timeline's gaps between rows close up to this share of their height, no further
LABEL_END = 0.98  # where the timeline's start-aligned labels may run to


@dataclass
class Box:
    """A label's place, in fractions of the diagram's width and height (y from the bottom)."""

    key: str
    x: float
    y: float
    w: float
    h: float
    bold: bool = False
    align: str = "center"  # or "start": the left, or the right in right-to-left handouts


def _tint(hex_colour: str, amount: float = 0.75):
    colour = colors.HexColor(hex_colour)
    return colors.Color(colour.red + (1 - colour.red) * amount, colour.green + (1 - colour.green) * amount,
                        colour.blue + (1 - colour.blue) * amount)


class Diagram(Flowable):
    """One diagram: shapes from reportlab.graphics, labels from the content catalogue."""

    def __init__(self, kind: str, labels: dict, style: TextStyle, *, rtl: bool, where: str, path=None,
                 line=None, panel: int | None = None, values: dict | None = None):
        super().__init__()
        self.kind, self.labels, self.rtl = kind, labels, rtl
        self.values = values  # numbers a diagram is drawn from (a timeline's weeks); others ignore it
        # A two-panel diagram can be drawn one panel at a time, each the full width (large print).
        self.panel = panel
        self.span = PANELS[panel] if panel is not None else (0.0, 1.0)
        self.label_style = style.but(align="center", space_before=0, space_after=0, keep_with_next=False)
        self.bold_style = self.label_style.but(bold=True)
        self.where, self.path, self.line = where, path, line
        self.spaceBefore, self.spaceAfter = 6, 4
        self.max_height: float | None = None   # a timeline's height at most (it keeps what its rows need)

    # -- geometry -----------------------------------------------------------------------------
    def wrap(self, available_width, available_height):
        # Larger type needs a taller drawing: scale with the label size (10 pt is the reference).
        scale = max(1.0, self.label_style.size / 10)
        self.width = available_width
        if self.panel is None:
            self.height = min(available_width * ASPECT[self.kind] * scale ** 0.5, available_width * 1.1)
        else:
            self.height = available_width * PANEL_ASPECT
        self._scale = 1 / (self.span[1] - self.span[0])  # design width -> drawing width
        if self.kind == "timeline":
            self.height = self._timeline_rows(min(self.height, self.max_height or self.height))
        self._placed = [(box, self._fit(box)) for box in self.boxes() if self._shows(box)]
        return self.width, self.height

    def _shows(self, box: Box) -> bool:
        return self.span[0] <= box.x + box.w / 2 <= self.span[1]

    def _x(self, x: float, w: float = 0.0) -> float:
        """A fraction across the design, in points, mirrored for right-to-left handouts."""
        left = (1 - x - w) if self.rtl else x
        span = (1 - self.span[1], 1 - self.span[0]) if self.rtl else self.span
        return (left - span[0]) * self._scale * self.width

    def _fit(self, box: Box):
        style = self.bold_style if box.bold else self.label_style
        if box.align != "center":
            style = style.but(align=box.align)
        paragraph = TextBlock([(self.labels[box.key], False, False, None)], style)
        width, height = box.w * self._scale * self.width, box.h * self.height
        _, used = paragraph.wrap(width, height)
        if used > height + 0.5:
            raise FitError(f"{self.where}.labels.{box.key} does not fit in its place in the diagram "
                           f"(about {(used - height) / 2.835:.1f} mm too tall)", path=self.path, line=self.line,
                           hint="shorten the label; diagram labels are never shrunk below the layout's size")
        return paragraph, used

    def boxes(self) -> list[Box]:
        if self.kind == "comparison":
            return [Box("left_title", 0.02, 0.86, 0.44, 0.12, True), Box("right_title", 0.54, 0.86, 0.44, 0.12, True),
                    Box("left_step1", 0.14, 0.52, 0.32, 0.26), Box("left_step2", 0.14, 0.11, 0.32, 0.26),
                    Box("right_step1", 0.65, 0.59, 0.33, 0.22), Box("right_step2", 0.65, 0.33, 0.33, 0.22),
                    Box("right_step3", 0.65, 0.05, 0.33, 0.24)]
        if self.kind == "car-t-cycle":
            boxes = []
            for index, key in enumerate(DIAGRAM_LABELS["car-t-cycle"]):
                cx, cy = self._cycle_point(index)
                boxes.append(Box(key, cx - NODE_W / 2, cy - NODE_H / 2, NODE_W, NODE_H, key == "you"))
            return boxes
        if self.kind == "timeline":
            return self._timeline_boxes()
        return [Box("before_title", 0.02, 0.86, 0.44, 0.12, True), Box("after_title", 0.54, 0.86, 0.44, 0.12, True),
                Box("t_cell", 0.02, 0.72, 0.16, 0.1), Box("cancer_cell", 0.30, 0.72, 0.16, 0.1),
                Box("before_text", 0.02, 0.03, 0.44, 0.28), Box("after_text", 0.54, 0.03, 0.44, 0.28),
                Box("medicine", 0.66, 0.72, 0.2, 0.1)]

    @staticmethod
    def _cycle_point(index: int) -> tuple[float, float]:
        angle = math.radians(90 - index * 60)  # "you" at the top, then clockwise
        return 0.5 + 0.37 * math.cos(angle), 0.5 + 0.39 * math.sin(angle)

    # -- the timeline ---------------------------------------------------------------------------
    def _weeks(self) -> dict:
        """The timeline's numbers: weeks of each bar and the weeks the axis shows."""
        values = self.values or {}
        missing = [key for key, _ in BARS if key not in values]
        if missing:
            raise ValueError(f"{self.where}: a timeline is drawn from values; missing {', '.join(missing)}")
        weeks = {key: max(0, int(values[key])) for key, _ in BARS}
        span = values.get("span") or max(weeks["stay_near"], weeks["no_driving"], 1) + 1
        weeks["span"] = max(1, int(span))
        return weeks

    def _week_x(self, week: float) -> float:
        """Where a week falls on the axis, in fractions of the design (before mirroring)."""
        return AXIS[0] + (AXIS[1] - AXIS[0]) * week / self._span_weeks["span"]

    def _frac(self, points: float) -> float:
        return points / (self._scale * self.width)

    def _tick_width(self) -> float:
        return min(0.1, 0.9 * (AXIS[1] - AXIS[0]) / self._span_weeks["span"])

    def _fever_x(self) -> float:
        """The fever label starts after the warning triangle."""
        return AXIS[0] + self._frac(self.label_style.size * 1.15) + 0.012

    def _label_height(self, key: str, width: float, lines: int) -> float:
        """A label's height at a width (a fraction), at most ``lines`` lines: a longer one fails in _fit."""
        paragraph = TextBlock([(self.labels[key], False, False, None)], self.label_style)
        _, used = paragraph.wrap(width * self._scale * self.width, 1e9)
        return min(used, lines * self.label_style.leading)

    def _timeline_rows(self, minimum: float) -> float:
        """Lay the timeline's rows out from the top, in points, and return the drawing's height.

        Each label row is as tall as its lines (up to a few: a label needing more is an error), the
        bars and the fever band a fraction of a line; the gaps between rows share whatever the
        aspect ratio leaves over, so large print grows the drawing instead of crowding it.
        """
        self._span_weeks = self._weeks()
        lead = self.label_style.leading
        x0, x1 = AXIS
        rows = []  # (name, height, flexible)

        def label(key, width, lines):
            rows.append((key, self._label_height(key, width, lines), False))

        def space(name, height, flexible=False):
            rows.append((name, height, flexible))

        space("", 2)
        label("your_date", DATE_LABEL_W, 2)
        space("", lead * 0.5, True)
        for key, _ in BARS:
            label(key, LABEL_END - x0, 2)
            space("", lead * 0.12)
            space(f"bar:{key}", lead * 0.6)
            space("", lead * 0.5, True)
        label("fever", LABEL_END - self._fever_x(), 3)
        space("", lead * 0.12)
        space("band", lead * 0.5)
        space("", self._drop_radius() * 2.2)   # the infusion's drop stands on the axis: clear of the band
        space("", lead * 0.75 - self._drop_radius() * 2.2, True)
        space("axis_line", 0)
        space("", lead * 0.45)  # the ticks and the infusion marker hang below the axis
        tick_w = self._tick_width()
        space("ticks", max(self._label_height(f"tick{week}", tick_w, 1)
                           for week in range(self._span_weeks["span"] + 1)))
        space("", lead * 0.1)
        label("infusion", self._infusion_w(), 2)
        space("", lead * 0.2)
        label("axis", x1 - x0, 2)
        space("", 2)
        needed = sum(height for _, height, _ in rows)
        if self.max_height is not None and needed > self.max_height:
            # too tall for a page with its caption (large print): the gaps between rows close up,
            # to no less than GAP_FLOOR of their usual height
            flexible = sum(height for _, height, flex in rows if flex)
            keep = max(GAP_FLOOR, 1 - (needed - self.max_height) / flexible) if flexible else 1.0
            rows = [(name, height * keep if flex else height, flex) for name, height, flex in rows]
            needed = sum(height for _, height, _ in rows)
        total = max(minimum, needed)
        share = (total - needed) / sum(1 for *_, flexible in rows if flexible)
        top, self._rows = total, {}
        for name, height, flexible in rows:
            height += share if flexible else 0.0
            top -= height
            if name:
                self._rows[name] = (top, height)
        return total

    def _infusion_x(self) -> float:
        """The infusion label starts under the drop that marks week 0."""
        return max(0.0, AXIS[0] - self._frac(self._drop_radius()))

    def _infusion_w(self) -> float:
        return 0.45

    def _drop_radius(self) -> float:
        return self.label_style.leading * 0.3

    def _timeline_boxes(self) -> list[Box]:
        x0, x1 = AXIS

        def at(key, x, w, row=None, align="start"):
            y, h = self._rows[row or key]
            return Box(key, x, y / self.height, w, h / self.height, align=align)

        boxes = [at("your_date", x0, DATE_LABEL_W)]
        boxes += [at(key, x0, LABEL_END - x0) for key, _ in BARS]
        boxes.append(at("fever", self._fever_x(), LABEL_END - self._fever_x()))
        tick_w = self._tick_width()
        boxes += [at(f"tick{week}", self._week_x(week) - tick_w / 2, tick_w, "ticks", "center")
                  for week in range(self._span_weeks["span"] + 1)]
        boxes.append(at("infusion", self._infusion_x(), self._infusion_w()))
        boxes.append(at("axis", x0, x1 - x0, align="center"))
        return boxes

    def bar_extent(self, key: str) -> tuple[float, float]:
        """A timeline bar's ends in points, (week 0, its last week): mirrored, the end is left of
        the start. ``fever`` is the band along the whole axis. After wrap()."""
        weeks = self._span_weeks
        end = weeks["span"] if key == "fever" else min(weeks[key], weeks["span"])
        return self._x(self._week_x(0)), self._x(self._week_x(end))

    # -- drawing ------------------------------------------------------------------------------
    struct = None   # the Figure element (tagged PDF): its /Alt stands for the shapes and labels

    def draw(self):
        with Marked(self.canv, self.struct):
            self._draw()

    def _draw(self):
        # The drawing's initial font is ours: ReportLab would otherwise select Helvetica 10, which
        # is not embedded and is smaller than large print allows, though no shape draws text.
        drawing = Drawing(self.width, self.height, initialFontName=pdf_font(self.label_style.faces.regular).name,
                          initialFontSize=self.label_style.size)
        getattr(self, f"_shapes_{self.kind.replace('-', '_')}")(drawing)
        self.canv.saveState()
        clip = self.canv.beginPath()
        clip.rect(-2, -2, self.width + 4, self.height + 4)  # one panel: the other falls outside
        self.canv.clipPath(clip, stroke=0, fill=0)
        renderPDF.draw(drawing, self.canv, 0, 0)
        self.canv.restoreState()
        for box, (paragraph, used) in self._placed:
            x = self._x(box.x, box.w)
            y = box.y * self.height + (box.h * self.height - used) / 2
            paragraph.drawOn(self.canv, x, y)

    def _rect(self, drawing, x, y, w, h, fill, radius=6, stroke_width=0.8):
        drawing.add(Rect(self._x(x, w), y * self.height, w * self._scale * self.width, h * self.height,
                         rx=radius, ry=radius,
                         fillColor=fill, strokeColor=colors.HexColor(PALETTE["line"]), strokeWidth=stroke_width))

    def _arrow(self, drawing, x1, y1, x2, y2, width=1.4):
        ax1, ay1 = self._x(x1), y1 * self.height
        ax2, ay2 = self._x(x2), y2 * self.height
        line_colour = colors.HexColor(PALETTE["line"])
        drawing.add(Line(ax1, ay1, ax2, ay2, strokeColor=line_colour, strokeWidth=width))
        angle = math.atan2(ay2 - ay1, ax2 - ax1)
        size = 6 + width * 2
        left = (ax2 - size * math.cos(angle - 0.45), ay2 - size * math.sin(angle - 0.45))
        right = (ax2 - size * math.cos(angle + 0.45), ay2 - size * math.sin(angle + 0.45))
        drawing.add(Polygon([ax2, ay2, *left, *right], fillColor=line_colour, strokeColor=line_colour,
                            strokeWidth=0.5))

    def _cell(self, drawing, cx, cy, r, colour, spiky=False):
        """A cell: a circle with a nucleus; a cancer cell has a ragged edge."""
        x, y, radius = self._x(cx), cy * self.height, r * self.width * min(self._scale, 1.6)
        line = colors.HexColor(PALETTE["line"])
        if spiky:
            points = []
            for step in range(18):
                a = 2 * math.pi * step / 18
                rr = radius * (1.0 if step % 2 == 0 else 0.82)
                points += [x + rr * math.cos(a), y + rr * math.sin(a)]
            drawing.add(Polygon(points, fillColor=_tint(colour, 0.45), strokeColor=line, strokeWidth=1))
        else:
            drawing.add(Circle(x, y, radius, fillColor=_tint(colour, 0.45), strokeColor=line, strokeWidth=1))
        drawing.add(Circle(x, y, radius * 0.35, fillColor=_tint(colour, 0.0), strokeColor=line, strokeWidth=0.6))

    def _person(self, drawing, cx, cy, size):
        x, y, s = self._x(cx), cy * self.height, size * self.height
        line = colors.HexColor(PALETTE["line"])
        drawing.add(Circle(x, y + s * 0.35, s * 0.16, fillColor=colors.white, strokeColor=line, strokeWidth=1.2))
        drawing.add(Rect(x - s * 0.2, y - s * 0.4, s * 0.4, s * 0.55, rx=s * 0.12, ry=s * 0.12,
                         fillColor=colors.white, strokeColor=line, strokeWidth=1.2))

    def _flask(self, drawing, cx, cy, h):
        """A lab flask (where the cells are changed): a narrow neck over a wide base."""
        half = h * self.height / 2
        base, neck = half * 0.95, half * 0.28
        x, y = self._x(cx), cy * self.height
        points = [x - base, y - half, x + base, y - half, x + neck, y + half * 0.1, x + neck, y + half,
                  x - neck, y + half, x - neck, y + half * 0.1]
        drawing.add(Polygon(points, fillColor=_tint(PALETTE["lab"], 0.4), strokeColor=colors.HexColor(PALETTE["line"]),
                            strokeWidth=1))

    def _shapes_comparison(self, drawing):
        for x, colour in ((0.0, PALETTE["medicine"]), (0.52, PALETTE["lab"])):
            self._rect(drawing, x, 0.0, 0.48, 1.0, _tint(PALETTE["panel"], 0.3), radius=8, stroke_width=0.5)
            self._rect(drawing, x + 0.01, 0.85, 0.46, 0.14, _tint(colour, 0.6))
        # Immunotherapy: a medicine given from outside (a drip bag), helping the body's own cells.
        self._rect(drawing, 0.045, 0.57, 0.06, 0.16, _tint(PALETTE["medicine"], 0.35), radius=4)
        self._arrow(drawing, 0.075, 0.54, 0.075, 0.36)
        self._cell(drawing, 0.075, 0.24, 0.03, PALETTE["cell"])
        # CAR-T: your own cells out, changed in a lab, and back into you.
        self._person(drawing, 0.585, 0.70, 0.2)
        self._arrow(drawing, 0.585, 0.58, 0.585, 0.53)
        self._flask(drawing, 0.585, 0.44, 0.14)
        self._arrow(drawing, 0.585, 0.35, 0.585, 0.29)
        self._person(drawing, 0.585, 0.17, 0.2)
        self._cell(drawing, 0.625, 0.13, 0.014, PALETTE["cell"])

    def _shapes_car_t_cycle(self, drawing):
        points = [self._cycle_point(i) for i in range(6)]
        half_w, half_h = NODE_W / 2 * self.width, NODE_H / 2 * self.height
        for index in range(6):
            (x1, y1), (x2, y2) = points[index], points[(index + 1) % 6]
            # from the edge of one box to the edge of the next, clockwise (counter-clockwise mirrored)
            dx, dy = (x2 - x1) * self.width, (y2 - y1) * self.height
            exit_at = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
            start, end = exit_at + 0.03, 1 - exit_at - 0.03
            self._arrow(drawing, x1 + (x2 - x1) * start, y1 + (y2 - y1) * start,
                        x1 + (x2 - x1) * end, y1 + (y2 - y1) * end, width=1.6)
        fills = [colors.white] + [_tint(PALETTE[name], 0.6)
                                  for name in ("cell", "lab", "lab", "cancer", "medicine")]
        for (cx, cy), fill in zip(points, fills):
            self._rect(drawing, cx - NODE_W / 2, cy - NODE_H / 2, NODE_W, NODE_H, fill)
        self._cell(drawing, 0.5, 0.5, 0.04, PALETTE["cell"])

    def _shapes_checkpoint(self, drawing):
        for x in (0.0, 0.52):
            self._rect(drawing, x, 0.0, 0.48, 1.0, _tint(PALETTE["panel"], 0.3), radius=8, stroke_width=0.5)
            self._rect(drawing, x + 0.01, 0.85, 0.46, 0.14, _tint(PALETTE["cell"], 0.6))
        for offset in (0.0, 0.52):
            self._cell(drawing, offset + 0.1, 0.52, 0.07, PALETTE["cell"])
            self._cell(drawing, offset + 0.38, 0.52, 0.07, PALETTE["cancer"], spiky=True)
        # Before: the cancer's signal (a plug) sits in the T cell's brake (a socket): the T cell stops.
        self._rect(drawing, 0.17, 0.49, 0.04, 0.06, colors.white, radius=0, stroke_width=1)
        self._rect(drawing, 0.21, 0.505, 0.1, 0.03, _tint(PALETTE["cancer"], 0.2), radius=0, stroke_width=1)
        # After: the medicine (a Y-shaped antibody) covers the brake; the T cell attacks.
        self._rect(drawing, 0.69, 0.49, 0.04, 0.06, colors.white, radius=0, stroke_width=1)
        y0 = 0.52 * self.height
        stem = [(0.73, 0.0), (0.77, 0.0)]
        arms = [(0.77, 0.0), (0.8, 0.06), (0.77, 0.0), (0.8, -0.06)]
        for (xa, ya), (xb, yb) in zip(stem + arms[::2], stem[1:] + arms[1::2]):
            drawing.add(Line(self._x(xa), y0 + ya * self.height, self._x(xb), y0 + yb * self.height,
                             strokeColor=colors.HexColor(PALETTE["medicine"]), strokeWidth=3))
        self._arrow(drawing, 0.62, 0.40, 0.84, 0.40, width=2)

    def _shapes_timeline(self, drawing):
        line, orange = colors.HexColor(PALETTE["line"]), colors.HexColor(PALETTE["cancer"])
        lead, size = self.label_style.leading, self.label_style.size
        # "Your infusion date:" and a line to write it on, at the last line's baseline
        paragraph = next(paragraph for box, (paragraph, _) in self._placed if box.key == "your_date")
        start = AXIS[0] + self._frac(paragraph.minWidth()) + 0.015
        base = self._rows["your_date"][0] + max((lead - 0.7 * size) / 2 - 1, 0.5)
        drawing.add(Line(self._x(start), base, self._x(start + DATE_LINE_W), base, strokeColor=line,
                         strokeWidth=0.9))
        # the bars, from week 0; one of 0 weeks is not drawn (its label stays)
        week = abs(self._x(self._week_x(1)) - self._x(self._week_x(0)))
        for key, colour in BARS:
            y, h = self._rows[f"bar:{key}"]
            start, end = self.bar_extent(key)
            left, right = sorted((start, end))
            if right - left > 0.5:
                drawing.add(Rect(left, y, right - left, h, rx=h * 0.25, ry=h * 0.25,
                                 fillColor=_tint(PALETTE[colour], 0.3), strokeColor=line, strokeWidth=0.8))
                if key in OPEN_ENDED:  # "at least": a dashed tail after the end, towards later weeks
                    tail = sorted((end, end + math.copysign(week * TAIL_WEEKS, end - start)))
                    drawing.add(Rect(tail[0], y, tail[1] - tail[0], h, fillColor=None, strokeColor=line,
                                     strokeWidth=0.8, strokeDashArray=[2, 1.5]))
        # fever: a hatched orange band along the whole axis and on, an arrowhead at its end, and a
        # warning triangle by its label
        y, h = self._rows["band"]
        start, end = self.bar_extent("fever")[0], self._x(AXIS[1] + BAND_BEYOND)
        left, right = sorted((start, end))
        head = math.copysign(h * 0.9, end - start)
        drawing.add(Polygon([end, y - h * 0.35, end, y + h * 1.35, end + head, y + h / 2],
                            fillColor=orange, strokeColor=line, strokeWidth=0.8, strokeLineJoin=1))
        drawing.add(Rect(left, y, right - left, h, fillColor=_tint(PALETTE["cancer"], 0.7), strokeColor=None,
                         strokeWidth=0))
        x = left - h
        while x < right:
            a, b = max(x, left), min(x + h, right)
            if b > a:
                drawing.add(Line(a, y + a - x, b, y + b - x, strokeColor=orange, strokeWidth=1.6))
            x += h * 0.8
        drawing.add(Rect(left, y, right - left, h, fillColor=None, strokeColor=line, strokeWidth=0.8))
        side = size * 1.15
        tall = side * 0.87
        top = sum(self._rows["fever"])
        cx, cy = self._x(AXIS[0] + self._frac(side) / 2), top - lead / 2
        bottom = cy - tall / 2
        drawing.add(Polygon([cx - side / 2, bottom, cx + side / 2, bottom, cx, bottom + tall],
                            fillColor=orange, strokeColor=line, strokeWidth=0.9, strokeLineJoin=1))
        drawing.add(Line(cx, bottom + tall * 0.36, cx, bottom + tall * 0.72, strokeColor=line,
                         strokeWidth=side * 0.11))
        drawing.add(Circle(cx, bottom + tall * 0.2, side * 0.065, fillColor=line, strokeColor=None))
        # the axis: an arrow in the direction of time, a tick at each week, a drop at the infusion
        axis_y = self._rows["axis_line"][0]
        self._arrow(drawing, AXIS[0], axis_y / self.height, AXIS[1] + 0.04, axis_y / self.height, width=1.2)
        for week in range(self._span_weeks["span"] + 1):
            x = self._x(self._week_x(week))
            drawing.add(Line(x, axis_y, x, axis_y - lead * 0.35, strokeColor=line, strokeWidth=1.2))
        radius = self._drop_radius()
        x = self._x(self._week_x(0))
        outline = [x, axis_y + radius * 2]  # a drop: a circle and the tip its tangents meet at
        for step in range(25):
            angle = math.radians(150 + 240 * step / 24)
            outline += [x + radius * math.cos(angle), axis_y + radius * math.sin(angle)]
        drawing.add(Polygon(outline, fillColor=_tint(PALETTE["cell"], 0.1), strokeColor=line, strokeWidth=0.9))
