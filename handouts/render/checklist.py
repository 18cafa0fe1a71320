"""Question checklists: each question with a real tick box (a PDF form field, so it can be
ticked on screen or in pen) and lined space for the answers."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from handouts.markup import plain_text
from handouts.prepare import Handout
from handouts.render.common import Styles, build_document, contacts_box, grid, para, paragraphs, title_block


class TickBox(Flowable):
    """An AcroForm check box that prints as an empty square when not ticked."""

    def __init__(self, name: str, size: float, tooltip: str, colours: dict):
        super().__init__()
        self.name, self.size, self.tooltip, self.colours = name, size, tooltip, colours

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.acroForm.checkbox(
            name=self.name, tooltip=self.tooltip, x=0, y=0, size=self.size, relative=True,
            buttonStyle="check", borderStyle="solid", borderWidth=1, forceBorder=True,
            borderColor=self.colours["text"], fillColor=self.colours["white"], textColor=self.colours["text"],
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


def group_flowables(handout: Handout, index: int, group: dict, styles: Styles, width: float) -> list:
    settings = handout.layout["checklist"]
    box = float(settings["box_pt"])
    from reportlab.lib import colors
    colours = {"text": styles.colours["text"], "white": colors.white}
    rows = []
    for number, question in enumerate(group["questions"], start=1):
        tick = TickBox(f"{handout.module.name}.g{index}.q{number}", box, plain_text(question), colours)
        rows.append([tick, para(question, styles.cell)])
    widths = [box + 10, width - box - 10]
    if styles.rtl:
        rows, widths = [r[::-1] for r in rows], widths[::-1]
    table = grid(rows, widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        # the box sits at the start side of its column, the gap between it and the question
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT") if styles.rtl else ("ALIGN", (0, 0), (0, -1), "LEFT"),
    ])
    lines = group.get("note_lines")
    lines = int(settings["note_lines"] if lines is None else lines)
    heading = para(group["heading"], styles.heading)
    flow = [KeepTogether([heading, table])]
    if lines:
        flow.append(KeepTogether([para(handout.words["notes"], styles.small),
                                  NoteLines(lines, float(settings["note_gap_pt"]), styles.colours["rule"])]))
    return flow


def render_checklist(handout: Handout) -> bytes:
    styles = Styles(handout)
    width = handout.paper.size[0] - handout.layout.mm("margins_mm", "left") - handout.layout.mm("margins_mm", "right")
    story = title_block(handout, styles, width)
    if handout.doc.get("intro"):
        story += paragraphs(handout.doc["intro"], styles.body, styles)
    for index, group in enumerate(handout.doc["groups"], start=1):
        story += group_flowables(handout, index, group, styles, width)
    story.append(contacts_box(handout, styles, width))
    return build_document(handout, story, styles)
