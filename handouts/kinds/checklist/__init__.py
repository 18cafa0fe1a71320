"""A question checklist: groups of questions to tick and ask, with lines for the answers."""

from __future__ import annotations

from handouts.kinds import Kind
from handouts.kinds.parts import EMERGENCY
from handouts.schema import ListOf, Number, Record, Text

SCAFFOLD = """\
intro: |
  REPLACE: a line to start with. Tick the questions you want to ask.
groups:
  - heading: "REPLACE: a topic"
    questions:
      - "REPLACE: a question to ask?"
      - "REPLACE: another question?"
"""

KIND = Kind("checklist", "a checklist of questions to ask, with room for the answers",
            {"summary": ListOf(item=Text(), min_items=1, max_items=3,
                               doc="two or three lines: what the list is for and how to use it"),
             "intro": Text(), "emergency": EMERGENCY,
             "groups": ListOf(required=True, min_items=1, item=Record(fields={
                 "heading": Text(required=True, markdown=False),
                 "questions": ListOf(required=True, item=Text(markdown=False), min_items=1),
                 "note_lines": Number(integer=True, minimum=0, maximum=20),
             }))},
            renderer="checklist", large_renderer="checklist", layout="checklist", scaffold=SCAFFOLD)
