"""The parts of a question checklist that are not text: real tick boxes and lines to write on."""

from __future__ import annotations

from reportlab.platypus import Flowable

from handouts.render.pdf.tags import tagger_of


class TickBox(Flowable):
    """An AcroForm check box (tick it on screen or in pen) that prints as an empty square."""

    def __init__(self, name: str, size: float, tooltip: str, ink, paper):
        super().__init__()
        self.name, self.size, self.tooltip, self.ink, self.paper = name, size, tooltip, ink, paper

    def wrap(self, available_width, available_height):
        return self.size, self.size

    struct = None   # its Form element (tagged PDF), tied to the check box's widget annotation

    def draw(self):
        tagger = tagger_of(self.canv)
        if tagger is not None:
            tagger.annotation(self.canv, self.struct)
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
