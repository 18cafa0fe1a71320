"""A daily log: for the first weeks after CAR-T, a page a week to fill in every day - the date, the
morning and evening temperature, a tick for each sign that came (after the call it asks for), a
sentence copied by hand (a change in handwriting can be an early sign of a nerve side effect) and
notes. The emergency box and how to fill it in come first.

Day 1 is the day of the infusion, then at least two full weeks (15 days); more where the clinic
keeps its patients near for longer (``stay_near_weeks``). A layout says how many days one table
holds (its ``log.days_per_table``).
"""

from __future__ import annotations

from dataclasses import replace

from handouts.kinds import Kind
from handouts.kinds.parts import EMERGENCY
from handouts.schema import ListOf, Record, Text

MIN_WEEKS = 2    # the labels' shortest stay near the centre (June 2025)
MAX_WEEKS = 8    # the longest any label has asked

LOG = Record(required=True, doc="the words of the log's tables", fields={
    "date": Text(required=True, markdown=False, doc="the row to write each day's date on"),
    "morning": Text(required=True, markdown=False, doc="the row for the morning temperature"),
    "evening": Text(required=True, markdown=False, doc="the row for the evening temperature"),
    "call_emergency": Text(required=True, markdown=False,
                           doc="over the signs that mean calling the emergency number: call, then tick"),
    "emergency_signs": ListOf(required=True, item=Text(markdown=False), min_items=1, max_items=12,
                              doc="a short name of each emergency sign (the emergency box's, in a few words)"),
    "call_team": Text(required=True, markdown=False,
                      doc="over the signs that mean calling the care team: call, then tick"),
    "team_signs": ListOf(required=True, item=Text(markdown=False), min_items=1, max_items=14,
                         doc="a short name of each sign that means calling the care team"),
    "writing_heading": Text(required=True, markdown=False, doc="the heading over the handwriting and notes"),
    "copy": Text(required=True, markdown=False, doc="the column to copy the sentence in"),
    "sentence": Text(required=True, markdown=False, doc="the sentence to copy by hand each day, the same every day"),
    "notes": Text(required=True, markdown=False, doc="the column for notes"),
})

SCAFFOLD = """\
summary:
  - "REPLACE: what the log is for and how long to fill it in."
  - "REPLACE: call first, then tick."
emergency:
  call_emergency:
    - "REPLACE: a sign that means calling the emergency number"
  call_team:
    - "REPLACE: a sign that means calling your care team"
how_to:
  heading: "REPLACE: How to fill in this log"
  steps:
    - "REPLACE: one thing to do each day."
log:
  date: Date
  morning: Morning temperature
  evening: Evening temperature
  call_emergency: "Call {emergency_number} now, then tick:"
  emergency_signs:
    - "REPLACE: an emergency sign, in a few words"
  call_team: "Call your care team now, then tick:"
  team_signs:
    - "REPLACE: a sign to call your team about, in a few words"
  writing_heading: "REPLACE: Your handwriting and notes"
  copy: Copy this sentence
  sentence: "REPLACE: a short sentence to copy by hand each day."
  notes: Notes
"""

KIND = Kind("diary", "a daily log to fill in: temperatures, signs to mark, handwriting and notes",
            {"summary": ListOf(required=True, item=Text(), min_items=1, max_items=3,
                               doc="two or three lines: what the log is for, and call first, then tick"),
             "emergency": replace(EMERGENCY, required=True),   # a log without the box is not given out
             "how_to": Record(required=True, doc="how to fill in the log, step by step", fields={
                 "heading": Text(required=True, markdown=False),
                 "steps": ListOf(required=True, item=Text(), min_items=1, max_items=8)}),
             "log": LOG},
            renderer="sheet", large_renderer="sheet", layout="daily-log", scaffold=SCAFFOLD)
