"""The format-neutral document model between translated content and any renderer.

Frozen dataclasses only, and no import of ReportLab: a renderer (PDF today, HTML next) maps each
node type to its own output. Text in the model is plain Unicode, never markup: a renderer draws
or escapes it, so nothing a writer, translator or clinic types can become a tag or a link. Each
block carries where it came from (the module file and line, or the catalogue file and line), so a
problem found while rendering can say where to fix it.

Page furniture (the medical-advice notice, version and review date, draft-translation notice,
clinic contacts, blank lines for phone numbers) is decided here, once, for every renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

SAFE_SCHEMES = ("https:", "tel:", "mailto:")


@dataclass(frozen=True)
class Source:
    """Where a node's text came from: a module or catalogue file, and a line (1-based)."""

    path: str = ""
    line: int | None = None
    key: str = ""              # the key path in the module, e.g. back[2].bullets

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


# -- inline runs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple


@dataclass(frozen=True)
class Emphasis:
    children: tuple


@dataclass(frozen=True)
class Link:
    """A link whose scheme is on the whitelist (checked when the node is made)."""

    href: str
    children: tuple

    def __post_init__(self):
        if not self.href.lower().startswith(SAFE_SCHEMES):
            raise ValueError(f"link scheme not allowed: {self.href!r}")


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Foreign:
    """Words in another language than the document's (a translated wallet card's lines for emergency
    staff, in their language): renderers mark the language (WCAG 3.1.2, PDF ``/Lang``) and keep
    the words in their own direction."""

    lang: str
    children: tuple
    rtl: bool = False


Inline = Union[Text, Strong, Emphasis, Link, LineBreak, Foreign]


def plain(inlines) -> str:
    """The words the inlines show, line breaks as newlines."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        else:
            out.append(plain(node.children))
    return "".join(out)


def runs(inlines, bold: bool = False, italic: bool = False, href: str | None = None, lang: str = "") -> list[tuple]:
    """``(text, bold, italic, href)`` runs, flattened in reading order; a run in a ``Foreign``
    language has that language as a fifth item."""
    out = []
    for node in inlines:
        extra = (lang,) if lang else ()
        if isinstance(node, Text):
            out.append((node.text, bold, italic, href, *extra))
        elif isinstance(node, LineBreak):
            out.append(("\n", bold, italic, href, *extra))
        elif isinstance(node, Strong):
            out += runs(node.children, True, italic, href, lang)
        elif isinstance(node, Emphasis):
            out += runs(node.children, bold, True, href, lang)
        elif isinstance(node, Link):
            out += runs(node.children, bold, italic, node.href, lang)
        elif isinstance(node, Foreign):
            out += runs(node.children, bold, italic, href, node.lang)
    return out


def items_of(blocks) -> tuple:
    """The items of Markdown blocks: each paragraph, and each list item, one run of inlines."""
    items: list = []
    for block in blocks:
        items += [block.content] if isinstance(block, Paragraph) else list(block.items)
    return tuple(items)


def joined(blocks) -> tuple:
    """Markdown blocks as one run of inlines, their items separated by line breaks (for places
    that hold a single paragraph: a table cell, a definition, a card bullet)."""
    out: list = []
    for item in items_of(blocks):
        if out:
            out.append(LineBreak())
        out += item
    return tuple(out)


def text(value: str) -> tuple:
    """Plain text as inlines: shown exactly as typed."""
    return (Text(value),) if value else ()


# -- blocks ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    level: int                 # 1 is the title
    content: tuple
    source: Source = Source()


@dataclass(frozen=True)
class Paragraph:
    content: tuple
    source: Source = Source()
    role: str = "body"         # body, lead (subtitle), small, caption, for_doctors (a card's line for
                               # other clinicians), to_staff (a card's line asking them to read it),
                               # clinic (a card's treating centre, under its banner)
    icon: "Pictogram | None" = None   # a visual aid beside it, a few lines tall (a card's thermometer)


@dataclass(frozen=True)
class Pictogram:
    """A picture of an action beside the words that say it (PEMAT item 26): ``emergency`` (call
    the emergency number) or ``team`` (call the care team), with its text alternative."""

    kind: str
    alt: str


@dataclass(frozen=True)
class ListBlock:
    """A one-level list; each item is a tuple of inlines."""

    items: tuple
    ordered: bool = False
    source: Source = Source()
    lead: str = ""             # words that introduce the list ("Call your care team now for:")
    recap: tuple = ()          # inlines after the list, in bold, that sum it up (a card's signs)
    icon: "Pictogram | None" = None   # the action's pictogram before the lead (a folded card's team signs)


@dataclass(frozen=True)
class Step:
    """A numbered step of a journey: a short title, then what happens."""

    number: int
    title: tuple
    blocks: tuple
    source: Source = Source()
    date_label: str = ""       # "Your date:", with a line to write the date of this step on


@dataclass(frozen=True)
class Table:
    """Rows of cells (each cell a tuple of blocks); the first column heads its row."""

    caption: str
    header: tuple              # one header row: a tuple of cells
    rows: tuple
    source: Source = Source()
    how_to: tuple = ()         # inlines: what to do with the table


@dataclass(frozen=True)
class Callout:
    """A box that stands out: ``key_points``, ``notice`` (medical advice) or ``banner`` (a card's
    title strip)."""

    role: str
    title: tuple
    blocks: tuple
    source: Source = Source()


@dataclass(frozen=True)
class Emergency:
    """What to do in an emergency, for the patient and the caregiver: the signs that mean calling
    the emergency number, then those that mean calling the care team, then who to call.

    Drawn as one box in the layout's warning colour that never splits. On a card's front the team
    signs are left out (``team_overleaf`` says they are on the back) and so are the contacts."""

    title: str
    emergency_heading: str          # "Call 911 now for:"
    emergency_signs: tuple          # items, each a tuple of inlines
    team_heading: str               # "Call your care team now for:"
    team_signs: tuple = ()
    note: tuple = ()                # inlines: to the caregiver
    contacts: "ContactBlock | None" = None
    team_overleaf: str = ""         # on a card front: "Call your care team now for any sign on the back."
    source: Source = Source()
    first_page: bool = True         # must be whole on the first page (a second box need only be whole)
    emergency_icon: Pictogram | None = None   # before the emergency heading
    team_icon: Pictogram | None = None        # before the team's heading (or the line pointing overleaf)


@dataclass(frozen=True)
class Question:
    id: str                    # stable form-field name
    content: tuple
    source: Source = Source()


@dataclass(frozen=True)
class ChecklistGroup:
    heading: tuple
    questions: tuple
    note_lines: int
    notes_label: str
    source: Source = Source()


@dataclass(frozen=True)
class Figure:
    """A diagram by kind, its translated labels, and a text alternative printed under it."""

    kind: str
    labels: tuple              # (key, text) pairs
    alt: str
    source: Source = Source()
    values: tuple = ()         # (key, number) pairs a diagram is drawn from (a timeline's weeks)
    how_to: tuple = ()         # inlines: what to do with the picture
    called: str = ""           # what a screen reader calls it (its name, else "Diagram"); the caption describes it

    @property
    def value_map(self) -> dict:
        return dict(self.values)

    @property
    def name(self) -> str:
        """What the picture is: the caption's first sentence ("Two pictures.", "A timeline that
        starts on the day of your infusion."), the whole caption where large print cannot keep the
        rest under the picture."""
        found = re.search(r"[.!?](\s|$)|[。！？।]", self.alt)
        return self.alt[:found.end()].strip() if found else self.alt

    @property
    def label_map(self) -> dict:
        return dict(self.labels)


@dataclass(frozen=True)
class ContactRow:
    kind: str                  # daytime, after_hours, emergency
    label: str
    number: str | None         # None: a blank line to write the number on
    icon: "Pictogram | None" = None   # a folded card's: the call's pictogram, the key to its signs


@dataclass(frozen=True)
class ContactBlock:
    title: str
    clinic: str
    rows: tuple
    address: str = ""
    source: Source = Source()


@dataclass(frozen=True)
class WriteOnLines:
    """Labels with a line after each to write on by hand (a card's name, product, date).

    ``keys`` say which of a patient's details each line is for (a card's ``patient:`` block), and
    ``values`` (as many as ``labels``, or none) are printed on the lines instead: the details a
    nurse typed into ``handouts serve``; an empty one leaves its line blank."""

    labels: tuple
    source: Source = Source()
    values: tuple = ()
    keys: tuple = ()       # which patient detail each line is for (name, product, date); () for none


@dataclass(frozen=True)
class Definitions:
    """Words to know: (term, definition inlines) pairs under a heading."""

    heading: tuple
    entries: tuple
    source: Source = Source()


@dataclass(frozen=True)
class Field:
    """A place to fill in: a box to write in or, with ``tick``, a box to tick. ``id`` names it in a
    PDF form and an HTML page; ``label`` is what a screen reader calls it ("Day 3: Morning
    temperature"), since its row and column say it only to the eye."""

    id: str
    label: str
    tick: bool = False


@dataclass(frozen=True)
class FormRow:
    """A row of a ``FormTable``: what it is for, then one field per column."""

    label: tuple               # inlines
    fields: tuple              # Field, as many as the table has columns


@dataclass(frozen=True)
class FormGroup:
    """Rows of a ``FormTable`` under a heading row that spans the table (none when ``heading`` is
    empty). ``call`` says which call the heading asks for ("emergency" or "team"), drawn as the
    emergency box draws it."""

    heading: tuple             # inlines
    rows: tuple                # FormRow
    call: str = ""


@dataclass(frozen=True)
class FormTable:
    """A table to fill in by hand or on screen: a header row naming the columns (``corner`` over
    the rows' labels), then groups of rows. A daily log's days are one (a column per day); its
    handwriting and notes another (a row per day, ``tall`` enough to write a sentence in)."""

    title: tuple               # inlines: its heading, kept with it on a page ("Days 1 to 7")
    level: int                 # the heading's level (2 or 3)
    corner: str
    columns: tuple             # str, one per column of fields
    groups: tuple              # FormGroup
    source: Source = Source()
    tall: bool = False
    lead: tuple = ()           # inlines read before the table and kept with it ("Copy this sentence: ...")

    @property
    def fields(self) -> tuple:
        return tuple(f for group in self.groups for row in group.rows for f in row.fields)


Block = Union[Heading, Paragraph, ListBlock, Step, Table, Callout, Emergency, ChecklistGroup, Figure,
              ContactBlock, WriteOnLines, Definitions, FormTable]


# -- the document ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Furniture:
    """What goes around the content on every page, decided once for every renderer."""

    notice: str                # does not replace medical advice
    notice_in_footer: bool     # large print prints it as a box on the first page instead
    version: str               # "Version 1.0"
    reviewed: str              # "Reviewed 25 November 2026"
    page_label: str            # "Page {page} of {pages}"
    draft: str = ""            # the draft-translation notice, in the locale and English; "" if none
    draft_parts: tuple = ()    # the same as (text, language) pairs: "en" marks the English (WCAG 3.1.2)
    card_notice: str = ""
    card_instructions: str = ""
    fold_instructions: str = ""   # a folded card's sheet: also "fold each card in half"
    draft_mark: str = ""       # a short draft mark for each wallet card of a draft translation; "" if none
    draft_mark_parts: tuple = ()   # the same as (text, language) pairs
    # a card's sides as (name, translated label) pairs: front, back, and a folded card's inside, outside
    sides: tuple = (("front", "front"), ("back", "back"), ("inside", "inside"), ("outside", "outside"))
    clinic: str = ""
    clinic_short: str = ""     # where room is tight (a card's front): the profile's short_name, else its name
    logo: str | None = None    # a file checked when the clinic profile was read
    contacts: ContactBlock | None = None
    web: str = ""              # the address of this handout's HTML twin (a QR code on the PDF); "" if none
    web_label: str = ""        # what to do with it: "Read this handout on a phone or computer: ..."

    def side(self, name: str) -> str:
        """The translated name of a card's side ("front", "inside"...)."""
        return dict(self.sides).get(name, name)


@dataclass(frozen=True)
class Face:
    """One side of a wallet card, or one panel of a folded card (``front``, ``inside_first``,
    ``inside_second``, ``back``: the order they are read in)."""

    name: str
    blocks: tuple

    @property
    def side(self) -> str:
        """Which side it is on, as the sheet and the HTML twin name it: both inside panels are "inside"."""
        return "inside" if self.name.startswith("inside") else self.name


@dataclass(frozen=True)
class Document:
    """One handout in one language, ready for any renderer."""

    module: str
    kind: str                  # the kind's name (handouts/kinds/)
    locale: str
    rtl: bool
    title: str
    subtitle: str
    blocks: tuple              # the body in reading order (empty for a card)
    furniture: Furniture
    faces: tuple = ()          # a card's front and back (and a folded card's inside panels, between them)
    source: Source = Source()

    @property
    def folded(self) -> bool:
        """A folded card: inside panels between its front and back."""
        return any(face.side == "inside" for face in self.faces)

    def walk(self):
        """Every block, faces included, in reading order."""
        yield from self.blocks
        for face in self.faces:
            yield from face.blocks


# -- what a reader reads -----------------------------------------------------------------------------

FOR_CLINICIANS = ("for_doctors", "to_staff")  # a card's lines for emergency staff, not for the patient
NAMES = ("clinic",)                           # a paragraph that names (a card's treating centre)


@dataclass(frozen=True)
class Passage:
    """One text of a document and what it is to a reader: ``heading`` (a title of a part),
    ``sentence`` (prose the patient reads: paragraphs, list items, the emergency signs and the note
    to the caregiver, table answers, steps, definitions, questions, a picture's caption), ``label``
    (a word or name that labels something: a table's column, a row of a log, a line to write on,
    a picture's labels, a centre's name), ``term`` (a glossary's word) or ``staff`` (a card's lines
    for clinicians, not the patient's to read)."""

    role: str
    text: str


def passages(document: Document):
    """Every text of a document in reading order, each with its role: the one walk that the
    readability score, the plain-language checks and the tests share, so a text (the emergency
    signs) is never counted by one and missed by another. The medical-advice notice and the page
    furniture are not content and are left out."""

    def inline(role, inlines):
        text = plain(inlines)
        if text:
            yield Passage(role, text)

    def said(role, text):
        if text:
            yield Passage(role, text)

    def walk(blocks):
        for block in blocks:
            if isinstance(block, Heading):
                yield from inline("heading", block.content)
            elif isinstance(block, Paragraph):
                role = "staff" if block.role in FOR_CLINICIANS else "label" if block.role in NAMES else "sentence"
                yield from inline(role, block.content)
            elif isinstance(block, ListBlock):
                yield from said("label", block.lead)
                for item in block.items:
                    yield from inline("sentence", item)
                yield from inline("sentence", block.recap)
            elif isinstance(block, Emergency):  # what to do, then the signs it is for
                yield from said("heading", block.title)
                yield from said("label", block.emergency_heading)
                for item in block.emergency_signs:
                    yield from inline("sentence", item)
                yield from said("label", block.team_heading if block.team_signs else "")
                yield from said("sentence", block.team_overleaf)
                for item in block.team_signs:
                    yield from inline("sentence", item)
                yield from inline("sentence", block.note)
            elif isinstance(block, Step):
                yield from inline("heading", block.title)
                yield from walk(block.blocks)
            elif isinstance(block, Callout):
                if block.role != "notice":  # the medical-advice notice is furniture, not content
                    yield from inline("heading", block.title)
                    yield from walk(block.blocks)
            elif isinstance(block, Table):
                for cell in block.header[0] if block.header else ():
                    yield from inline("label", joined(cell))
                for row in block.rows:
                    yield from inline("label", joined(row[0]))   # the topic column labels its row
                    for cell in row[1:]:
                        yield from walk(cell)
            elif isinstance(block, ChecklistGroup):
                yield from inline("heading", block.heading)
                for question in block.questions:
                    yield from inline("sentence", question.content)
            elif isinstance(block, Figure):
                yield from said("sentence", block.alt)
                for _, text in block.labels:
                    yield from said("label", text)
            elif isinstance(block, WriteOnLines):
                for label in block.labels:
                    yield from said("label", label)
            elif isinstance(block, Definitions):
                for term, definition in block.entries:
                    yield from said("term", term)
                    yield from inline("sentence", definition)
            elif isinstance(block, FormTable):
                yield from inline("heading", block.title)
                yield from inline("sentence", block.lead)
                for name in (block.corner, *block.columns):
                    yield from said("label", name)
                for group in block.groups:
                    yield from inline("label", group.heading)
                    for row in group.rows:
                        yield from inline("label", row.label)

    yield from walk(document.blocks)
    for face in document.faces:
        yield from walk(face.blocks)
