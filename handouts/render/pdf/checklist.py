"""The parts of a question checklist that are not text: real tick boxes and lines to write on."""

from __future__ import annotations

from reportlab.platypus import Flowable

from handouts.render.pdf.tags import annotation


class TickBox(Flowable):
    """An AcroForm check box (tick it on screen or in pen) that prints as an empty square."""

    def __init__(self, name: str, size: float, tooltip: str, ink, paper):
        super().__init__()
        self.name, self.size, self.tooltip, self.ink, self.paper = name, size, tooltip, ink, paper

    def wrap(self, available_width, available_height):
        return self.size, self.size

    struct = None   # its Form element (tagged PDF), tied to the check box's widget annotation

    def draw(self):
        annotation(self.canv, self.struct)
        self.canv.acroForm.checkbox(
            name=self.name, tooltip=self.tooltip, x=0, y=0, size=self.size, relative=True,
            buttonStyle="check", borderStyle="solid", borderWidth=1, forceBorder=True,
            borderColor=self.ink, fillColor=self.paper, textColor=self.ink,
            fieldFlags="",   # ReportLab's default marks every box Required: a question to ask is not
        )


class NoteLines(Flowable):
    """Ruled lines for handwriting, spaced for a pen."""

    def __init__(self, count: int, gap: float, colour):
        super().__init__()
        self.count, self.gap, self.colour = count, gap, colour

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.count * self.gap

    def draw(self):
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(0.5)
        for i in range(self.count):
            y = i * self.gap
            self.canv.line(0, y, self.width, y)


class WritingRoom(Flowable):
    """A label ("Notes") and lines for notes that fill what a page has left but the room the
    flowables ``after`` them take (the QR block): a checklist whose QR block would stand alone on
    its last page gives that page to the reader to write on. With room for fewer than ``LEAST``
    lines it goes to the next page whole (it never splits)."""

    LEAST = 2

    def __init__(self, title, gap: float, colour, after: list):
        super().__init__()
        self.title, self.gap, self.after = title, gap, after
        self.lines = NoteLines(self.LEAST, gap, colour)

    def wrap(self, available_width, available_height):
        _, self.title_height = self.title.wrap(available_width, available_height)
        # (a KeepTogether says it is endless, to be split: its parts say how tall it is)
        parts = [part for block in self.after for part in getattr(block, "_content", [block])]
        reserve = sum(part.wrapOn(self.canv, available_width, MEASURING)[1] + part.getSpaceBefore() for part in parts)
        room = available_height - reserve - self.title_height
        if available_height < MEASURING and room < self.LEAST * self.gap:
            return available_width, available_height + 1   # not here: on the next page
        self.lines.count = self.LEAST if available_height >= MEASURING else int(room // self.gap)
        _, lines = self.lines.wrap(available_width, available_height)
        self.width, self.height = available_width, self.title_height + lines
        return self.width, self.height

    def split(self, available_width, available_height):
        return []

    def draw(self):
        self.title.drawOn(self.canv, 0, self.height - self.title_height)
        self.lines.drawOn(self.canv, 0, 0)


MEASURING = 1e5   # an available height this large is a container measuring, not a page


class TextField(Flowable):
    """An AcroForm text field (type in it on screen, or write in its box in pen) that prints as
    the empty space of its table cell: the table draws its lines. ``tooltip`` is its accessible
    name. ReportLab names Helvetica as the field's font; ``tags.form_fonts`` gives it the
    handout's own embedded font instead."""

    def __init__(self, name: str, width: float, height: float, tooltip: str, ink, multiline: bool = False):
        super().__init__()
        self.name, self.field_width, self.field_height = name, width, height
        self.tooltip, self.ink, self.multiline = tooltip, ink, multiline

    def wrap(self, available_width, available_height):
        self.field_width = min(self.field_width, available_width)
        return self.field_width, self.field_height

    struct = None   # its Form element (tagged PDF), tied to the field's widget annotation

    def draw(self):
        annotation(self.canv, self.struct)
        self.canv.acroForm.textfield(
            name=self.name, tooltip=self.tooltip, x=0, y=0, width=self.field_width, height=self.field_height,
            relative=True, borderWidth=0, fillColor=None, borderColor=None, textColor=self.ink,
            fontSize=0,   # 0: the viewer sizes what is typed to the box
            fieldFlags="multiline" if self.multiline else "", maxlen=0,
        )
