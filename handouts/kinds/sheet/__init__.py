"""An information sheet: key points, the emergency box, sections (text, steps, a diagram) and a
glossary of the medical words it uses."""

from __future__ import annotations

from handouts.kinds import Kind
from handouts.kinds.parts import EMERGENCY, GLOSSARY, KEY_POINTS, SECTION
from handouts.schema import ListOf

SCAFFOLD = """\
key_points:
  - "REPLACE: the first thing to know."
  - "REPLACE: the second thing to know."
sections:
  - heading: "REPLACE: a heading"
    body: |
      REPLACE: a short paragraph. Say what to do, and when to call your care team.
glossary:
  - term: "REPLACE: a medical word"
    definition: "REPLACE: what it means, in plain words."
"""

KIND = Kind("sheet", "an information sheet: key points, sections and a glossary",
            {"key_points": KEY_POINTS, "emergency": EMERGENCY,
             "sections": ListOf(required=True, item=SECTION, min_items=1), "glossary": GLOSSARY},
            renderer="sheet", large_renderer="sheet", layout="info-sheet", scaffold=SCAFFOLD)
