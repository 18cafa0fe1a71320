"""Model nodes -> ReportLab flowables: one handler per node type.

``flowables(node, ctx)`` looks the handler up by the node's class; adding a node type means
adding one handler here (and one in each other renderer), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from handouts import model as m
from handouts.render.pdf.styles import Styles
from handouts.render.pdf.text import TextBlock, TextStyle

HANDLERS: dict = {}


def handles(node_type):
    def register(function):
        HANDLERS[node_type] = function
        return function
    return register


@dataclass
class Context:
    """What every handler needs: the styles, the width of the text column, and the mode."""

    styles: Styles
    width: float
    page_height: float
    stacked: bool = False     # one column (large print): tables become one point after another
    compact: bool = False     # a wallet card face: tight, no link annotations
    body_style: TextStyle | None = None   # body text here (steps and table cells have their own)

    @property
    def body(self) -> TextStyle:
        return self.body_style or self.styles.body


def flowables(node, ctx: Context) -> list:
    """The flowables for one block node."""
    try:
        handler = HANDLERS[type(node)]
    except KeyError:
        raise TypeError(f"the PDF renderer has no handler for {type(node).__name__}") from None
    return handler(node, ctx)


def story(blocks, ctx: Context) -> list:
    return [flowable for block in blocks for flowable in flowables(block, ctx)]


def para(inlines, style: TextStyle, bullet: str | None = None) -> TextBlock:
    """A paragraph of model inlines in a style."""
    return TextBlock(m.runs(inlines), style, bullet)


def plain_para(text: str, style: TextStyle) -> TextBlock:
    return TextBlock([(text, False, False, None)], style)


def grid(rows, widths, styles: Styles, commands=(), **options) -> Table:
    """A Table whose default font is ours (ReportLab would name Helvetica, which is not embedded)."""
    table = Table(rows, colWidths=widths, **options)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.font_name), *commands]))
    return table


def shaded_box(flow: list, styles: Styles, width: float, fill_name: str = "shade", rule: str = "accent") -> Table:
    """Flowables in a tinted box with a rule on the start side: key points, notices, contacts.

    One row per flowable, so a long box (large print) can break across pages between them.
    """
    side = "LINEAFTER" if styles.rtl else "LINEBEFORE"
    return grid([[item] for item in flow], [width], styles, [
        ("BACKGROUND", (0, 0), (-1, -1), styles.colours[fill_name]),
        (side, (0, 0), (0, -1), 3, styles.colours[rule]),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
    ], splitByRow=1)


def mirrored(cells: list, widths: list, rtl: bool):
    """A row's cells and widths from the start side: right to left in a right-to-left handout."""
    return (cells[::-1], widths[::-1]) if rtl else (cells, widths)


# -- handlers -------------------------------------------------------------------------------------

@handles(m.Heading)
def heading(node: m.Heading, ctx: Context) -> list:
    styles = ctx.styles
    style = styles.title if node.level == 1 else styles.heading
    if ctx.compact:
        style = style.but(space_before=0)
    return [para(node.content, style)]


@handles(m.Paragraph)
def paragraph(node: m.Paragraph, ctx: Context) -> list:
    styles = ctx.styles
    style = {"lead": styles.subtitle, "small": styles.small, "caption": styles.caption}.get(node.role, ctx.body)
    return [para(node.content, style)]


def list_items(node: m.ListBlock, style: TextStyle) -> list:
    indent = style.size * 1.3
    item_style = style.but(indent_start=style.indent_start + indent)
    return [para(item, item_style, f"{number}." if node.ordered else "•")
            for number, item in enumerate(node.items, start=1)]


@handles(m.ListBlock)
def list_block(node: m.ListBlock, ctx: Context) -> list:
    return list_items(node, ctx.body)


@handles(m.Step)
def step(node: m.Step, ctx: Context) -> list:
    styles = ctx.styles
    title = para((m.Text(f"{node.number}. "), *node.title), styles.body_bold)
    inner = replace(ctx, body_style=styles.step)
    return [KeepTogether([title, *story(node.blocks, inner)])]


@handles(m.Table)
def table(node: m.Table, ctx: Context) -> list:
    styles = ctx.styles
    if ctx.stacked:  # large print: each point, then what each treatment does
        header = node.header[0]
        flow = []
        inner = replace(ctx, body_style=styles.step)
        for row in node.rows:
            flow += [para(row[0][0].content, styles.heading)]
            for label, cell in zip(header[1:], row[1:]):
                flow.append(para(label[0].content, styles.body_bold))
                flow += story(cell, inner)
        return flow
    topic_width = ctx.width * float(styles.layout["table"]["topic_width"])
    other = (ctx.width - topic_width) / (len(node.header[0]) - 1)
    cell_ctx = replace(ctx, body_style=styles.cell)
    rows = [[para(cell[0].content, styles.cell_head) for cell in node.header[0]]]
    for row in node.rows:
        rows.append([para(row[0][0].content, styles.cell_bold), *[story(cell, cell_ctx) for cell in row[1:]]])
    widths = [topic_width] + [other] * (len(node.header[0]) - 1)
    if styles.rtl:  # right-to-left readers start at the right: the topic column goes there
        rows, widths = [r[::-1] for r in rows], widths[::-1]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), styles.colours["accent"]),
        ("GRID", (0, 0), (-1, -1), 0.5, styles.colours["rule"]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), styles.colours["stripe"]) for i in range(2, len(rows), 2)]
    return [Spacer(1, 6), grid(rows, widths, styles, commands, repeatRows=1, splitByRow=1)]


@handles(m.Callout)
def callout(node: m.Callout, ctx: Context) -> list:
    styles = ctx.styles
    if node.role == "banner":
        style = styles.cell_head.but(size=styles.layout.pt("title"), leading=styles.layout.pt("title") * styles.leading)
        box = grid([[para(node.title, style)]], [ctx.width], styles, [
            ("BACKGROUND", (0, 0), (-1, -1), styles.colours["accent"]),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
        box.spaceAfter = styles.space * 2
        return [box]
    flow = [para(node.title, styles.heading_in_box)] if node.title else []
    for block in node.blocks:
        if isinstance(block, m.ListBlock):  # one row per point, so the box can break between them
            flow += list_items(block, styles.body)
        else:
            flow += flowables(block, ctx)
    return [shaded_box(flow, styles, ctx.width), Spacer(1, 4)]


@handles(m.ChecklistGroup)
def checklist_group(node: m.ChecklistGroup, ctx: Context) -> list:
    from handouts.render.pdf.checklist import NoteLines, TickBox

    styles = ctx.styles
    settings = styles.layout["checklist"]
    box = float(settings["box_pt"])
    rows, widths = [], [box + 10, ctx.width - box - 10]
    for question in node.questions:
        tick = TickBox(question.id, box, m.plain(question.content), styles.colours["text"], colors.white)
        cells, row_widths = mirrored([tick, para(question.content, styles.cell)], widths, styles.rtl)
        rows.append(cells)
    _, widths = mirrored([None, None], widths, styles.rtl)
    grid_table = grid(rows, widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT") if styles.rtl else ("ALIGN", (0, 0), (0, -1), "LEFT"),
    ])
    flow = [KeepTogether([para(node.heading, styles.heading), grid_table])]
    if node.note_lines:
        flow.append(KeepTogether([plain_para(node.notes_label, styles.small),
                                  NoteLines(node.note_lines, float(settings["note_gap_pt"]), styles.colours["rule"])]))
    return flow


@handles(m.Figure)
def figure(node: m.Figure, ctx: Context) -> list:
    from handouts.render.pdf.diagrams import SIDE_BY_SIDE, Diagram

    styles = ctx.styles
    one_column = ctx.stacked and node.kind in SIDE_BY_SIDE
    pictures = [Diagram(node.kind, node.label_map, styles.label, rtl=styles.rtl, where=node.source.key or "diagram",
                        path=node.source.path, line=node.source.line, panel=panel)
                for panel in ((0, 1) if one_column else (None,))]
    for picture in pictures:
        picture.wrap(ctx.width, ctx.page_height)  # labels are fitted now, so one too long is reported plainly
    caption = plain_para(node.alt, styles.caption)
    return [*pictures, caption] if one_column else [KeepTogether([*pictures, caption])]


def label_rows(rows, styles: Styles, width: float, lined: bool) -> Table:
    """Label: value rows; with ``lined``, an empty line to write on after each label."""
    cells, widths = [], [width * 0.34, width * 0.66]
    for label, value in rows:
        row, _ = mirrored([plain_para(label, styles.body),
                           TextBlock([(value, True, False, None)], styles.body) if value else ""], widths, styles.rtl)
        cells.append(row)
    _, widths = mirrored([None, None], widths, styles.rtl)
    value_col = 0 if styles.rtl else 1
    commands = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]
    if lined:  # a line to write on, with room above it; rows grow when a label wraps
        commands += [("LINEBELOW", (value_col, 0), (value_col, -1), 0.4, styles.colours["rule"]),
                     ("TOPPADDING", (0, 0), (-1, -1), styles.body.leading * 0.5)]
    table_ = grid(cells, widths, styles, commands)
    table_.spaceAfter = styles.space
    return table_


@handles(m.WriteOnLines)
def write_on_lines(node: m.WriteOnLines, ctx: Context) -> list:
    return [label_rows([(label, "") for label in node.labels], ctx.styles, ctx.width, lined=True)]


BLANK = "_" * 18


@handles(m.ContactBlock)
def contact_block(node: m.ContactBlock, ctx: Context) -> list:
    styles = ctx.styles
    if ctx.compact:
        flow = [plain_para(node.clinic, styles.body_bold)] if node.clinic else []
        return flow + [label_rows([(row.label, row.number or BLANK) for row in node.rows], styles, ctx.width,
                                  lined=False)]
    flow = [plain_para(node.title, styles.body_bold)]
    if node.clinic:
        flow.append(plain_para(node.clinic, styles.body))
    for row in node.rows:
        flow.append(TextBlock([(row.label + " ", False, False, None), (row.number or BLANK, True, False, None)],
                              styles.body))
    if node.address:
        flow.append(TextBlock([(node.address.strip(), False, False, None)], styles.small))
    return [KeepTogether([Spacer(1, 6), shaded_box(flow, styles, ctx.width)])]


@handles(m.Definitions)
def definitions(node: m.Definitions, ctx: Context) -> list:
    styles = ctx.styles
    flow = [para(node.heading, styles.heading)]
    for term, definition in node.entries:
        flow.append(TextBlock([(term, True, False, None), (": ", False, False, None), *m.runs(definition)],
                              styles.body))
    return flow
