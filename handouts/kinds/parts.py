"""Schema parts more than one kind shares: the emergency box, sections, diagrams, a glossary.

The emergency box is one shape everywhere, so that every kind prints the same signs in the same
order; a new kind that has one takes it from here.
"""

from __future__ import annotations

from handouts.schema import Choice, ListOf, Record, Text

STEP = Record(fields={"title": Text(required=True, markdown=False), "text": Text(required=True)})
# The diagrams a sheet can show and the labels each needs (see handouts/render/pdf/diagrams.py).
DIAGRAM_LABELS = {
    "comparison": ("left_title", "left_step1", "left_step2", "right_title", "right_step1", "right_step2",
                   "right_step3"),
    "car-t-cycle": ("you", "step1", "step2", "step3", "step4", "step5"),
    "checkpoint": ("before_title", "after_title", "t_cell", "cancer_cell", "before_text", "after_text", "medicine"),
    "timeline": ("axis", "infusion", "your_date", "daily", "stay_near", "no_driving", "fever"),
}
DIAGRAM = Record(fields={
    "kind": Choice(required=True, values=tuple(DIAGRAM_LABELS)),
    "alt": Text(required=True, markdown=False, doc="what the picture shows, for readers who cannot see it"),
    "name": Text(markdown=False, doc="what the picture is, in a few words (\"Diagram of the five CAR-T steps\"): "
                                     "a screen reader says it before it reads the caption (alt), so it must not "
                                     "repeat it; never printed. Without it, the picture is called \"Diagram\""),
    "how_to_use": Text(doc="one line on what to do with the picture"),
    "labels": Record(required=True, fields={key: Text(markdown=False) for keys in DIAGRAM_LABELS.values()
                                            for key in keys}),
})
SECTION = Record(fields={
    "heading": Text(required=True, markdown=False),
    "body": Text(),
    "diagram": DIAGRAM,
    "steps": ListOf(item=STEP, min_items=1),
})
GLOSSARY = ListOf(required=True, min_items=1, doc="a definition of each medical term used", item=Record(fields={
    "term": Text(required=True, markdown=False),
    "definition": Text(required=True),
}))
KEY_POINTS = ListOf(required=True, item=Text(), min_items=2, max_items=8,
                     doc="a short summary a patient reads first")
# What to do in an emergency: the box on the first page (a card's front), never split.
EMERGENCY = Record(doc="the signs that mean calling the emergency number, then those that mean calling the care "
                        "team, and a line to the caregiver", fields={
    "call_emergency": ListOf(required=True, item=Text(), min_items=1, max_items=6,
                             doc="signs that mean calling the emergency number now"),
    "call_team": ListOf(required=True, item=Text(), min_items=1, max_items=12,
                        doc="signs that mean calling the care team now"),
    "note": Text(doc="to the caregiver: stay close and make the call"),
    "recap": Text(doc="on a wallet card, one bold line after the care team's signs that sums up what to do"),
})
