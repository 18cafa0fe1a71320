"""A comparison sheet: two treatments side by side in a table, then sections and a glossary.

It is a sheet with a table first; its blocks and checks are the sheet's.
"""

from __future__ import annotations

from handouts.kinds import Kind
from handouts.kinds.parts import EMERGENCY, GLOSSARY, KEY_POINTS, SECTION
from handouts.schema import ListOf, Record, Text

COMPARISON = Record(required=True, fields={
    "intro": Text(doc="what the words in the table mean, read before the table"),
    "heading": Text(markdown=False, doc="a heading over the table, so it has a title of its own"),
    "how_to_use": Text(doc="one line on what to do with the table"),
    "columns": ListOf(required=True, item=Text(markdown=False), min_items=2, max_items=2),
    "topic_label": Text(required=True, markdown=False),
    "rows": ListOf(required=True, min_items=1, item=Record(fields={
        "topic": Text(required=True, markdown=False),
        "left": Text(required=True),
        "right": Text(required=True),
    })),
})

SCAFFOLD = """\
key_points:
  - "REPLACE: the first thing to know."
  - "REPLACE: the second thing to know."
comparison:
  columns: ["REPLACE: one choice", "REPLACE: the other"]
  topic_label: Topic
  rows:
    - topic: "REPLACE: a point"
      left: "REPLACE: how the first one is."
      right: "REPLACE: how the other one is."
sections:
  - heading: "REPLACE: a heading"
    body: |
      REPLACE: a short paragraph about what this means for the reader. Ask your care team
      which one is right for you.
glossary:
  - term: "REPLACE: a medical word"
    definition: "REPLACE: what it means, in plain words."
"""

KIND = Kind("comparison", "a comparison of two treatments, side by side in a table",
            {"key_points": KEY_POINTS, "emergency": EMERGENCY, "comparison": COMPARISON,
             "sections": ListOf(item=SECTION), "glossary": GLOSSARY},
            renderer="sheet", large_renderer="sheet", layout="comparison-sheet", scaffold=SCAFFOLD)
