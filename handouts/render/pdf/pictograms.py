"""The action pictograms (``handouts.render.pictograms``) drawn with PDF path operators."""

from __future__ import annotations

from reportlab.lib import colors

from handouts.render.pictograms import shapes


def draw_pictogram(canvas, kind: str, x: float, y: float, size: float, colours: dict, mirrored: bool = False) -> None:
    """Draw pictogram ``kind`` in a ``size``-point square whose lower left corner is at (x, y)."""

    def colour(name: str):
        return colors.white if name == "white" else colours[name]

    for shape in shapes(kind, mirrored):
        canvas.saveState()
        if shape.fill:
            canvas.setFillColor(colour(shape.fill))
        if shape.stroke:
            canvas.setStrokeColor(colour(shape.stroke))
            canvas.setLineWidth(shape.stroke_width * size)
        if shape.circle:
            cx, cy, r = shape.circle
            canvas.circle(x + cx * size, y + cy * size, r * size, stroke=int(bool(shape.stroke)),
                          fill=int(bool(shape.fill)))
        else:
            path = canvas.beginPath()
            (first_x, first_y), *rest = shape.points
            path.moveTo(x + first_x * size, y + first_y * size)
            for px, py in rest:
                path.lineTo(x + px * size, y + py * size)
            path.close()
            canvas.drawPath(path, stroke=int(bool(shape.stroke)), fill=int(bool(shape.fill)))
        canvas.restoreState()
