"""Content modules: the English source of each handout, loaded from ``<module>/module.yaml``.

A module is data. This file says what a valid module looks like for each kind (the schema), loads
one with every problem located, and knows which strings a patient reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import ContentError, Problem, ValidationFailed
from handouts.schema import (
    Bool,
    Choice,
    Date,
    ListOf,
    Number,
    OneOf,
    Record,
    Str,
    Text,
    iter_record_texts,
    validate_record,
)
from handouts.yamlsrc import LocatedDict, load_yaml

KINDS = ("comparison", "sheet", "card", "checklist")
SOURCE_LOCALE = "en"
LOCALES_FOLDER = "locales"   # a module's gettext catalogues live in <module>/locales/<locale>.po
REVIEW_FILE = "review.yaml"  # beside them, who reviewed each catalogue and when
COMMON = "_common"           # the words every handout prints around its content
APP = "_app"                 # the words of the web app (`handouts serve`), translated like a module


def unknown_kind(kind: str, path, line: int | None) -> ContentError:
    """The error for a kind a builder or check does not know: said, with the file and line, where
    falling through to another kind would draw a handout wrongly and quietly."""
    return ContentError(f"unknown kind '{kind}'", path=path, line=line, hint=f"use one of: {', '.join(KINDS)}")


def locales_folder(folder: Path) -> Path:
    return folder / LOCALES_FOLDER


def catalogue_locales(folder: Path) -> list[str]:
    """The locales with a catalogue in a module folder (English excluded)."""
    found = locales_folder(folder)
    return sorted(p.stem for p in found.glob("*.po")) if found.is_dir() else []


def module_locales(module: "Module") -> list[str]:
    """The locales a module can be built in: English plus each catalogue beside it."""
    return [SOURCE_LOCALE] + [loc for loc in catalogue_locales(module.folder) if loc != SOURCE_LOCALE]

META_FIELDS = {
    "title": Text(required=True, markdown=False, doc="the handout's title"),
    "subtitle": Text(markdown=False),
    "kind": Choice(required=True, values=KINDS, doc="comparison, sheet, card or checklist"),
    "layout": Str(required=True, doc="the layout to use, a file name in layouts/ without .yaml"),
    "version": Str(required=True, max_length=20, doc="the content version printed in the footer, e.g. \"1.0\""),
    "reviewed": Date(required=True, doc="the date the content was last reviewed"),
    "sources": ListOf(required=True, item=Str(), min_items=1, doc="where the facts come from"),
    "readability": Record(doc="this module's own reading-level targets", fields={
        "smog": Number(minimum=1, maximum=20), "flesch_kincaid": Number(minimum=1, maximum=20),
        "fernandez_huerta": Number(minimum=0, maximum=120),
    }),
}

_STEP = Record(fields={"title": Text(required=True, markdown=False), "text": Text(required=True)})
# The diagrams a sheet can show and the labels each needs (see handouts/render/pdf/diagrams.py).
DIAGRAM_LABELS = {
    "comparison": ("left_title", "left_step1", "left_step2", "right_title", "right_step1", "right_step2",
                   "right_step3"),
    "car-t-cycle": ("you", "step1", "step2", "step3", "step4", "step5"),
    "checkpoint": ("before_title", "after_title", "t_cell", "cancer_cell", "before_text", "after_text", "medicine"),
    "timeline": ("axis", "infusion", "your_date", "daily", "stay_near", "no_driving", "fever"),
}
_DIAGRAM = Record(fields={
    "kind": Choice(required=True, values=tuple(DIAGRAM_LABELS)),
    "alt": Text(required=True, markdown=False, doc="what the picture shows, for readers who cannot see it"),
    "name": Text(markdown=False, doc="what the picture is, in a few words (\"Diagram of the five CAR-T steps\"): "
                                     "a screen reader says it before it reads the caption (alt), so it must not "
                                     "repeat it; never printed. Without it, the picture is called \"Diagram\""),
    "how_to_use": Text(doc="one line on what to do with the picture"),
    "labels": Record(required=True, fields={key: Text(markdown=False) for keys in DIAGRAM_LABELS.values()
                                            for key in keys}),
})
_SECTION = Record(fields={
    "heading": Text(required=True, markdown=False),
    "body": Text(),
    "diagram": _DIAGRAM,
    "steps": ListOf(item=_STEP, min_items=1),
})
_GLOSSARY = ListOf(required=True, min_items=1, doc="a definition of each medical term used", item=Record(fields={
    "term": Text(required=True, markdown=False),
    "definition": Text(required=True),
}))
_KEY_POINTS = ListOf(required=True, item=Text(), min_items=2, max_items=8,
                     doc="a short summary a patient reads first")
_COMPARISON = Record(required=True, fields={
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
# What to do in an emergency: the box on the first page (a card's front), never split.
_EMERGENCY = Record(doc="the signs that mean calling the emergency number, then those that mean calling the care "
                        "team, and a line to the caregiver", fields={
    "call_emergency": ListOf(required=True, item=Text(), min_items=1, max_items=6,
                             doc="signs that mean calling the emergency number now"),
    "call_team": ListOf(required=True, item=Text(), min_items=1, max_items=12,
                        doc="signs that mean calling the care team now"),
    "note": Text(doc="to the caregiver: stay close and make the call"),
    "recap": Text(doc="on a wallet card, one bold line after the care team's signs that sums up what to do"),
})
CARD_FACES = ("front", "inside_first", "inside_second", "back")   # in reading order; the inside ones fold
_CARD_BLOCK = OneOf(options={
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

KIND_FIELDS = {
    "comparison": {"key_points": _KEY_POINTS, "emergency": _EMERGENCY, "comparison": _COMPARISON,
                   "sections": ListOf(item=_SECTION), "glossary": _GLOSSARY},
    "sheet": {"key_points": _KEY_POINTS, "emergency": _EMERGENCY,
              "sections": ListOf(required=True, item=_SECTION, min_items=1), "glossary": _GLOSSARY},
    "card": {"emergency": _EMERGENCY, "front": ListOf(required=True, item=_CARD_BLOCK, min_items=1),
             # a folded card (twice ID-1, folded in half): the two panels read when it is opened
             "inside_first": ListOf(item=_CARD_BLOCK, min_items=1, doc="a folded card: the inside panel read first"),
             "inside_second": ListOf(item=_CARD_BLOCK, min_items=1, doc="a folded card: the inside panel read next"),
             "back": ListOf(required=True, item=_CARD_BLOCK, min_items=1)},
    "checklist": {"summary": ListOf(item=Text(), min_items=1, max_items=3, doc="two or three lines: what the list is "
                                                                                 "for and how to use it"),
                  "intro": Text(), "emergency": _EMERGENCY,
                  "groups": ListOf(required=True, min_items=1, item=Record(fields={
        "heading": Text(required=True, markdown=False),
        "questions": ListOf(required=True, item=Text(markdown=False), min_items=1),
        "note_lines": Number(integer=True, minimum=0, maximum=20),
    }))},
}


@dataclass
class Module:
    """One loaded, validated content module (English source)."""

    name: str
    path: Path          # the module.yaml file
    shown: str          # the path as messages show it
    data: LocatedDict

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def layout(self) -> str:
        return self.data["layout"]

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def reviewed(self) -> dt.date:
        return self.data["reviewed"]

    @property
    def fields(self) -> dict:
        """The schema of this module's kind: metadata plus the kind's own keys."""
        return {**META_FIELDS, **KIND_FIELDS[self.kind]}

    def texts(self):
        """``(keypath, english, spec, line)`` for every string a patient reads, in reading order."""
        return iter_record_texts(self.fields, self.data)

    def locales_folder(self) -> Path:
        return self.folder / "locales"


def module_problems(name: str, path: Path, shown: str) -> tuple[LocatedDict | None, list[Problem]]:
    """Load ``module.yaml`` and list everything wrong with it, without stopping at the first."""
    try:
        data = load_yaml(path, display=shown)
    except ContentError as exc:
        return None, [exc.problem]
    if not isinstance(data, dict):
        return None, [Problem(shown, 1, "a module must be a mapping of keys (title:, kind:, ...)")]
    kind = data.get("kind")
    kind = kind if isinstance(kind, str) else None  # `kind: [1, 2]` is reported by the schema, not a crash
    fields = {**META_FIELDS, **KIND_FIELDS.get(kind, {})}
    problems = validate_record(fields, data, path=shown, line=1)
    if kind not in KINDS:
        # Without a known kind, the kind's own keys would all read as unknown: say the cause only.
        problems = [p for p in problems if "unknown key" not in p.message]
    if kind == "card" and ("inside_first" in data) != ("inside_second" in data):
        present = "inside_first" if "inside_first" in data else "inside_second"
        problems.append(Problem(shown, data.line_of(present), f"{present}: a folded card needs both inside panels, "
                                                              "'inside_first' and 'inside_second'"))
    if kind == "card" and isinstance(data.get("emergency"), dict) is False:
        for face in CARD_FACES:
            for index, block in enumerate(data.get(face) or []):
                if isinstance(block, dict) and (block.get("emergency") or block.get("team_signs") or block.get("note")):
                    problems.append(Problem(shown, data[face].line_of(index), f"{face}[{index + 1}]: "
                                            f"'{next(iter(block))}' draws the module's 'emergency:', which it lacks"))
    for index, section in enumerate(data.get("sections") or []):
        if isinstance(section, dict) and not {"body", "steps", "diagram"} & set(section):
            problems.append(Problem(shown, data["sections"].line_of(index),
                                    f"sections[{index + 1}]: needs a 'body', 'steps' or 'diagram'"))
        diagram = section.get("diagram") if isinstance(section, dict) else None
        if isinstance(diagram, dict) and isinstance(diagram.get("labels"), dict):
            wanted = DIAGRAM_LABELS.get(diagram.get("kind"), ())
            for key in wanted:
                if key not in diagram["labels"]:
                    problems.append(Problem(shown, diagram.line_of("labels"),
                                            f"sections[{index + 1}].diagram.labels: missing '{key}' "
                                            f"(a {diagram['kind']} diagram needs {', '.join(wanted)})"))
            for key in diagram["labels"]:
                if wanted and key not in wanted:
                    problems.append(Problem(shown, diagram["labels"].line_of(key), f"sections[{index + 1}].diagram."
                                            f"labels: '{key}' is not a label of a {diagram['kind']} diagram"))
    return data, problems


def load_module(name: str, path: Path, shown: str | None = None) -> Module:
    """Load and validate one module, raising with all its problems if it is not valid."""
    shown = shown or str(path)
    data, problems = module_problems(name, path, shown)
    if problems:
        raise ValidationFailed(problems) if len(problems) > 1 else ContentError(problems[0].message,
                                                                                 path=problems[0].path,
                                                                                 line=problems[0].line)
    return Module(name=name, path=path, shown=shown, data=data)
