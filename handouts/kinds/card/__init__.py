"""A wallet card: the signs to act on and who to call, on a card kept with the patient; folded,
two inside panels more. In large print it is an alert sheet, since no wallet card holds 18 pt."""

from __future__ import annotations

from handouts.errors import Problem
from handouts.kinds import Kind
from handouts.kinds.parts import EMERGENCY
from handouts.schema import Bool, ListOf, OneOf, Record, Text

CARD_FACES = ("front", "inside_first", "inside_second", "back")   # in reading order; the inside ones fold
BLOCK = OneOf(options={
    "banner": Text(markdown=False),
    "heading": Text(markdown=False),
    "text": Text(),
    "to_staff": Text(doc="a line asking emergency staff to read the card; on a translated card it is printed in "
                         "the clinicians' language instead (settings.clinicians_language, default English)"),
    "emergency": Bool(doc="the emergency box: emergency signs, then 'call your care team for any sign on the back'"),
    "team_signs": Bool(doc="the signs that mean calling the care team, under their heading"),
    "for_doctors": Text(doc="a line for other clinicians, after 'For doctors:'; on a translated card it is "
                            "printed in the clinicians' language instead"),
    "bullets": ListOf(item=Text(), min_items=1),
    "fields": ListOf(item=Text(markdown=False), min_items=1, doc="labels, each with a line to write on by hand"),
    "patient": Record(doc="lines for the patient's details, each labelled; `handouts serve` can print what a "
                          "nurse types on them", fields={
        "name": Text(markdown=False, doc="the label of the patient's name, e.g. Name"),
        "product": Text(markdown=False, doc="the label of the medicine, e.g. CAR-T medicine"),
        "date": Text(markdown=False, doc="the label of the date, e.g. Date of infusion"),
    }),
    "contacts": Bool(doc="who to call: a line for each phone number (or the clinic's numbers)"),
    "calls": Bool(doc="a folded card's cover: the two calls in two lines, which sign means which call"),
    "fever": Text(doc="a line on fever (what temperature, whom to call), beside a thermometer"),
    "note": Bool(doc="the emergency box's note (to the caregiver; when the team does not answer) as a line "
                     "of its own, out of the box: on a folded card, under the fever line"),
})



def problems(data, shown: str) -> list[Problem]:
    """Both inside panels or neither; no block that draws the emergency box without one."""
    found = []
    if ("inside_first" in data) != ("inside_second" in data):
        present = "inside_first" if "inside_first" in data else "inside_second"
        found.append(Problem(shown, data.line_of(present), f"{present}: a folded card needs both inside panels, "
                                                            "'inside_first' and 'inside_second'"))
    if isinstance(data.get("emergency"), dict) is False:
        for face in CARD_FACES:
            for index, block in enumerate(data.get(face) or []):
                if isinstance(block, dict) and (block.get("emergency") or block.get("team_signs") or block.get("note")):
                    found.append(Problem(shown, data[face].line_of(index), f"{face}[{index + 1}]: "
                                         f"'{next(iter(block))}' draws the module's 'emergency:', which it lacks"))
    return found


SCAFFOLD = """\
front:
  - banner: "REPLACE: I had ..."
  - text: "REPLACE: a line. Show this card to any nurse."
  - patient: {name: Name, date: Date}
back:
  - heading: "REPLACE: Call if you have"
  - bullets:
      - "REPLACE: a sign to call about"
  - contacts: true
"""

KIND = Kind("card", "a wallet card: the signs to act on and who to call",
            {"emergency": EMERGENCY, "front": ListOf(required=True, item=BLOCK, min_items=1),
             # a folded card (twice ID-1, folded in half): the two panels read when it is opened
             "inside_first": ListOf(item=BLOCK, min_items=1, doc="a folded card: the inside panel read first"),
             "inside_second": ListOf(item=BLOCK, min_items=1, doc="a folded card: the inside panel read next"),
             "back": ListOf(required=True, item=BLOCK, min_items=1)},
            renderer="card", large_renderer="alert", layout="wallet-card", scaffold=SCAFFOLD,
            problems=problems, staff_lines=True, patient_details=True)
