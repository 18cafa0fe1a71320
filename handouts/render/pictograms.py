"""The two action pictograms, as shapes both renderers draw: a phone in a solid rounded square
("call the emergency number") and a phone in an outlined circle ("call your care team").

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

KINDS = ("emergency", "team")


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


@lru_cache(maxsize=None)
def shapes(kind: str, mirrored: bool = False) -> tuple[Shape, ...]:
    """The shapes of a pictogram, back to front."""
    if kind == "emergency":
        return (Shape(fill="warning", points=_rounded_square()), Shape(fill="accent_text", points=handset(mirrored)))
    if kind == "team":
        return (Shape(fill="white", stroke="accent", stroke_width=0.08, circle=(0.5, 0.5, 0.46)),
                Shape(fill="accent", points=handset(mirrored)))
    raise ValueError(f"no pictogram '{kind}'")
