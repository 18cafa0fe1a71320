"""A patient's details on a wallet card: checked, then printed on the card's lines to write on.

A nurse types them into ``handouts serve``. They are protected health information, so this module
holds them in memory only and never repeats them: ``repr`` hides them (a traceback or a log line
that prints the object shows no name), and a problem names the field and what to fix, never the
value typed.

A card says which line is for which detail in its ``patient:`` block (``name``, ``product``,
``date``, each with its label); a card with only ``fields:`` takes no details: its lines are for a pen.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace

from handouts import model as m
from handouts.document import FIRST_STRONG, Handout, format_date, isolated
from handouts.errors import HandoutsError
from handouts.fonts import covered_characters

FIELDS = ("name", "product", "date")   # the details a card's ``patient:`` block can have lines for
MAX_LENGTH = {"name": 40, "product": 40}   # what one line of a wallet card holds in bold, give or take
EARLIEST = dt.date(2000, 1, 1)          # a date outside these is a typing slip (2062 for 2026)
LATEST_YEARS_AHEAD = 2
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
JOINERS = {"\u200c", "\u200d"}          # zero-width (non-)joiner: part of how some names are spelt


@dataclass(frozen=True)
class FieldProblem:
    """One thing to fix in one field, as a code the app words in the nurse's language."""

    field: str
    code: str          # too_long, control, not_a_date, too_early, too_late, uncovered, too_big
    limit: str = ""    # the length limit or the date bound, for the message
    char: str = ""     # for "uncovered": the character the font cannot draw, as U+XXXX and its name


class PatientProblems(HandoutsError):
    """The details cannot be printed as typed. The message counts the problems and names the
    fields; it never quotes what was typed. ``partial`` holds the details that passed, so a form
    can check those further (for the script) while the others are fixed."""

    exit_code = 1

    def __init__(self, problems: list[FieldProblem], partial: PatientDetails | None = None):
        self.problems = list(problems)
        self.partial = partial
        names = ", ".join(dict.fromkeys(p.field for p in self.problems))
        super().__init__(f"the patient's details cannot be printed: check {names}")


@dataclass(frozen=True)
class PatientDetails:
    """The details typed for one card; empty ones leave their line blank for a pen."""

    name: str = ""
    product: str = ""
    date: dt.date | None = None

    def __repr__(self) -> str:  # never the values: this object may end up in a traceback
        given = [name for name in FIELDS if getattr(self, name)]
        return f"PatientDetails(<{', '.join(given) or 'nothing'} given, not shown>)"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.name or self.product or self.date)


def clean(text: str) -> str:
    """NFC, runs of white space as one space, no space at either end."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def parse_patient(fields: dict, today: dt.date | None = None) -> PatientDetails:
    """The details from the form's text fields, or ``PatientProblems`` listing every problem."""
    problems: list[FieldProblem] = []
    texts = {}
    for name in ("name", "product"):
        text = clean(fields.get(name) or "")
        if len(text) > MAX_LENGTH[name]:
            problems.append(FieldProblem(name, "too_long", str(MAX_LENGTH[name])))
        elif any(not printable(char) for char in text):
            problems.append(FieldProblem(name, "control"))
        texts[name] = text
    when = None
    raw = (fields.get("date") or "").strip()
    if raw:
        when = parse_date(raw, today or dt.date.today(), problems)
    wrong = {problem.field for problem in problems}
    details = PatientDetails(*("" if name in wrong else texts[name] for name in ("name", "product")),
                             None if "date" in wrong else when)
    if problems:
        raise PatientProblems(problems, details)
    return details


def parse_date(raw: str, today: dt.date, problems: list) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (what a browser's date field sends), between 2000 and
    two years from today."""
    try:
        if not ISO_DATE.fullmatch(raw):   # fromisoformat also takes week dates such as 2026-W05-3
            raise ValueError
        when = dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(FieldProblem("date", "not_a_date"))
        return None
    latest = today.replace(year=today.year + LATEST_YEARS_AHEAD, day=min(today.day, 28))
    if when < EARLIEST:
        problems.append(FieldProblem("date", "too_early", EARLIEST.isoformat()))
    elif when > latest:
        problems.append(FieldProblem("date", "too_late", latest.isoformat()))
    return when


def printable(char: str) -> bool:
    """A letter, mark, digit, punctuation, symbol or space: no control, format, private-use or
    unassigned character (a zero-width joiner, which some names need, is allowed)."""
    if char in JOINERS:
        return True
    return unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029"


def fields_of(handout: Handout) -> tuple:
    """The details this handout has lines for, in the order of its ``patient:`` block (none for a
    handout without one)."""
    for block in handout.document.walk():
        if isinstance(block, m.WriteOnLines) and block.keys:
            return block.keys
    return ()


def printed_values(details: PatientDetails, handout: Handout) -> dict:
    """Each detail as the card prints it: a date as the handout's language writes it, a name in the
    direction of its own first letter inside a right-to-left card."""
    values = {"name": details.name, "product": details.product,
              "date": format_date(details.date, handout.locale) if details.date else ""}
    return {key: isolated(text, handout.rtl, FIRST_STRONG) if text and key != "date" else text
            for key, text in values.items()}


def check_printable(details: PatientDetails, handout: Handout) -> None:
    """Every character must be one the handout's font draws: a Chinese name on a Hindi card would
    print as empty boxes. Raises ``PatientProblems``."""
    problems = printable_problems(details, covered_characters(handout.font), fields_of(handout))
    if problems:
        raise PatientProblems(problems)


def printable_problems(details: PatientDetails, covered: frozenset, wanted: tuple) -> list[FieldProblem]:
    """What ``check_printable`` finds, given the characters a font covers and the fields a card
    has: so a form can say it next to the field before anything is drawn."""
    problems = []
    for name in ("name", "product"):
        for char in getattr(details, name):
            if char not in covered and not char.isspace() and char not in JOINERS:
                label = unicodedata.name(char, "")
                problems.append(FieldProblem(name, "uncovered", char=f"U+{ord(char):04X} {label}".strip()))
                break
    for name in FIELDS:
        if name not in wanted and getattr(details, name):
            problems.append(FieldProblem(name, "no_field"))
    return problems


def with_patient(handout: Handout, details: PatientDetails) -> Handout:
    """The handout with the details printed on its lines to write on (checked first)."""
    if not details:
        return handout
    check_printable(details, handout)
    printed = printed_values(details, handout)
    filled = False

    def fill(block):
        nonlocal filled
        if isinstance(block, m.WriteOnLines) and block.keys and not filled:
            filled = True
            return replace(block, values=tuple(printed[key] for key in block.keys))
        return block

    document = handout.document
    blocks = tuple(fill(block) for block in document.blocks)
    faces = tuple(replace(face, blocks=tuple(fill(block) for block in face.blocks)) for face in document.faces)
    return replace(handout, document=replace(document, blocks=blocks, faces=faces))


__all__ = ["FIELDS", "FieldProblem", "PatientDetails", "PatientProblems", "parse_patient", "with_patient",
           "fields_of", "check_printable", "printable_problems"]
