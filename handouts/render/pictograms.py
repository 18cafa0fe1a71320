"""The action pictograms, as shapes both renderers draw: a phone in a solid rounded square
("call the emergency number"), a phone in an outlined circle ("call your care team"), and a
thermometer (a wallet card's fever line: what to measure, and when to call).

PEMAT item 26 asks for a visual aid beside an action. The two differ in shape (square or circle)
and in fill (solid or outline), not only in colour, so they stay apart in black-and-white print and
for a colour-blind reader. The emergency one is not an octagon: that reads as "stop", next to
"call now". In a right-to-left handout the phone faces the other way, as the page
does. Coordinates are in a unit square, y up; colours are layout colour names (or ``white``, the
page), in pairs whose contrast a layout must keep (``accent_text`` on ``warning``, ``accent`` on the
page).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("emergency", "team", "fever")


@dataclass(frozen=True)
class Shape:
    """A closed outline (``points``) or a circle (``circle``: cx, cy, r), filled and/or stroked."""

    fill: str = ""
    stroke: str = ""
    stroke_width: float = 0.0
    points: tuple = ()
    circle: tuple = ()


def _smooth(edge0: float, edge1: float, x: float) -> float:
    t = min(max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * t * (3 - 2 * t)


@lru_cache(maxsize=None)
def handset(mirrored: bool = False) -> tuple:
    """A telephone handset's outline: a curved grip whose back bows to the lower left, with the ear
    and mouth pieces standing out toward the upper right, inside the square's middle 70 %."""
    cx, cy, radius, steps = 0.86, 0.86, 0.66, 24
    start, end = math.radians(176), math.radians(274)
    outer, inner = [], []
    for step in range(steps + 1):
        s = step / steps
        angle = start + (end - start) * s
        pad = max(1 - _smooth(0.2, 0.34, s), _smooth(0.66, 0.8, s))  # 1 at the two ends, 0 on the grip
        thickness = 0.13 + 0.15 * pad
        outer.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        inner.append((cx + (radius - thickness) * math.cos(angle), cy + (radius - thickness) * math.sin(angle)))
    outline = outer + inner[::-1]
    scale, middle = 0.7, 0.5
    points = tuple((middle + (x - 0.5) * scale, middle + (y - 0.5) * scale) for x, y in outline)
    if mirrored:
        points = tuple((1 - x, y) for x, y in points)
    return points


def _rounded_square(radius: float = 0.2, steps: int = 6) -> tuple:
    """The unit square with rounded corners, as an outline: each corner a quarter circle."""
    points = []
    for corner, (cx, cy) in enumerate(((1 - radius, 1 - radius), (radius, 1 - radius), (radius, radius),
                                       (1 - radius, radius))):
        for step in range(steps + 1):
            angle = math.radians(90 * corner + 90 * step / steps)
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return tuple(points)


def _round_topped_bar(x0: float, x1: float, y0: float, y1: float, steps: int = 8) -> tuple:
    """A bar standing from ``y0`` to ``y1`` whose top is a half circle as wide as the bar."""
    radius = (x1 - x0) / 2
    cx, cy = x0 + radius, y1 - radius
    arc = [(cx + radius * math.cos(math.pi * s / steps), cy + radius * math.sin(math.pi * s / steps))
           for s in range(steps + 1)]
    return ((x0, y0), (x1, y0), *arc)


def thermometer() -> tuple:
    """A thermometer in the care team's colour, filled up to the top one of three marks beside its
    tube, which is longer and thicker (the reading to call at): outline, then the page inside it,
    then the reading."""
    marks = tuple(Shape(fill="accent", points=((0.62, y - half), (end, y - half), (end, y + half),
                                               (0.62, y + half)))
                  for y, end, half in ((0.45, 0.8, 0.025), (0.6, 0.8, 0.025), (0.75, 0.95, 0.045)))
    return (Shape(fill="accent", circle=(0.42, 0.2, 0.19)),
            Shape(fill="accent", points=_round_topped_bar(0.29, 0.55, 0.2, 0.97)),
            Shape(fill="white", circle=(0.42, 0.2, 0.13)),
            Shape(fill="white", points=_round_topped_bar(0.35, 0.49, 0.2, 0.91)),
            Shape(fill="accent", circle=(0.42, 0.2, 0.09)),
            Shape(fill="accent", points=((0.39, 0.2), (0.45, 0.2), (0.45, 0.75), (0.39, 0.75))),
            *marks)


def _mirror(shape: Shape) -> Shape:
    if shape.circle:
        cx, cy, r = shape.circle
        return Shape(shape.fill, shape.stroke, shape.stroke_width, circle=(1 - cx, cy, r))
    return Shape(shape.fill, shape.stroke, shape.stroke_width, points=tuple((1 - x, y) for x, y in shape.points))


@lru_cache(maxsize=None)
def shapes(kind: str, mirrored: bool = False) -> tuple[Shape, ...]:
    """The shapes of a pictogram, back to front."""
    if kind == "emergency":
        return (Shape(fill="warning", points=_rounded_square()), Shape(fill="accent_text", points=handset(mirrored)))
    if kind == "team":
        return (Shape(fill="white", stroke="accent", stroke_width=0.08, circle=(0.5, 0.5, 0.46)),
                Shape(fill="accent", points=handset(mirrored)))
    if kind == "fever":  # its marks on the side the line's text comes from
        return tuple(_mirror(shape) for shape in thermometer()) if mirrored else thermometer()
    raise ValueError(f"no pictogram '{kind}'")
