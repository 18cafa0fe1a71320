"""Model nodes -> ReportLab flowables: one handler per node type.

``flowables(node, ctx)`` looks the handler up by the node's class; adding a node type means
adding one handler here (and one in each other renderer), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from handouts import model as m
from handouts.render.pdf.styles import Styles
from handouts.render.pdf.tags import StructNode
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
    lines: bool = False       # a folded card's panel: room for one sign per line, and headings
    body_style: TextStyle | None = None   # body text here (steps and table cells have their own)
    parent: StructNode | None = None      # the structure element new blocks go under (tagged PDF)
    banner: str = "H1"        # a card's banner: its title; under an alert sheet's own title, a section's
    bleed: tuple[float, float] | None = None   # a card's banner band: how far it reaches past the text, left and right

    @property
    def body(self) -> TextStyle:
        return self.body_style or self.styles.body

    def tag(self, role: str, **attributes) -> StructNode | None:
        """A new structure element under this context's parent, in reading order."""
        return sub(self.parent, role, **attributes)

    def under(self, node: StructNode | None) -> "Context":
        return replace(self, parent=node)


def sub(parent: StructNode | None, role: str, **attributes) -> StructNode | None:
    return parent.add(role, **attributes) if parent is not None else None


def tagged(flowable, node: StructNode | None):
    """``flowable`` drawn as (part of) the structure element ``node``."""
    flowable.struct = node
    return flowable


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


def shaded_box(flow: list, styles: Styles, width: float, fill_name: str = "shade", rule: str = "accent",
               titled: bool = False) -> Table:
    """Flowables in a tinted box with a rule on the start side: key points, notices, contacts.

    One row per flowable, so a long box (large print) can break across pages between them; a
    ``titled`` box never breaks between its title and the row under it (large print left "Key
    points" alone at the foot of page 2 of the checklist).
    """
    side = "LINEAFTER" if styles.rtl else "LINEBEFORE"
    keep = [("NOSPLIT", (0, 0), (0, 1))] if titled and len(flow) > 1 else []
    return grid([[item] for item in flow], [width], styles, [*keep,
        ("BACKGROUND", (0, 0), (-1, -1), styles.colours[fill_name]),
        (side, (0, 0), (0, -1), 3, styles.colours[rule]),
        ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
    ], splitByRow=1)


BOX_PADDING = 8   # points inside a shaded box, each side


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
    block = tagged(para(node.content, style), ctx.tag(f"H{min(node.level, 6)}"))
    block.starts_section = node.level <= 2   # a picture never floats past it
    return [block]


@handles(m.Paragraph)
def paragraph(node: m.Paragraph, ctx: Context) -> list:
    styles = ctx.styles
    style = {"lead": styles.subtitle, "small": styles.small, "caption": styles.caption,
             "clinic": styles.body_bold}.get(node.role, ctx.body)
    if node.icon is not None:
        return [beside_picture(node, style, ctx)]
    block = para(node.content, style)
    if node.role == "to_staff" and not ctx.compact:
        block.keepWithNext = True   # on a sheet: "please read the whole card" stays with what follows
    return [tagged(block, ctx.tag("P"))]


class PictogramFlowable(Flowable):
    """A pictogram drawn on its own, ``size`` points square, as a tagged ``Figure`` (its /Alt)."""

    def __init__(self, kind: str, size: float, colours: dict, mirrored: bool, struct: StructNode | None):
        super().__init__()
        self.kind, self.size, self.colours, self.mirrored, self.struct = kind, size, colours, mirrored, struct

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        from handouts.render.pdf.pictograms import draw_pictogram
        from handouts.render.pdf.tags import Marked

        with Marked(self.canv, self.struct):
            draw_pictogram(self.canv, self.kind, 0, 0, self.size, self.colours, mirrored=self.mirrored)


PICTURE_LINES = 3   # a paragraph's picture is as tall as three of its lines (a card's),
PICTURE_MAX = 14 * 72 / 25.4   # and never more than 14 mm (large print's lines are 9.5 mm)


def beside_picture(node: m.Paragraph, style: TextStyle, ctx: Context) -> Table:
    """A paragraph with its picture at the start side, a few lines tall: a visual aid with its
    caption (a card's thermometer beside the fever line). The picture is read first, as a
    ``Figure`` whose /Alt names it, then the paragraph."""
    styles = ctx.styles
    size = min(style.leading * PICTURE_LINES, PICTURE_MAX)
    gap = style.size * 0.6
    picture = PictogramFlowable(node.icon.kind, size, styles.colours, styles.rtl,
                                ctx.tag("Figure", alt=node.icon.alt))
    text = tagged(para(node.content, style.but(space_after=0)), ctx.tag("P"))
    cells, widths = mirrored([picture, text], [size + gap, ctx.width - size - gap], styles.rtl)
    table_ = grid([cells], widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    table_.spaceAfter = style.space_after
    return table_


def list_items(node: m.ListBlock, style: TextStyle, parent: StructNode | None) -> list:
    """One paragraph per item with its bullet or number; tagged as a list (``L``), each item an
    ``LI`` of a label (``Lbl``, the bullet) and a body (``LBody``)."""
    indent = style.size * 1.3
    item_style = style.but(indent_start=style.indent_start + indent)
    listing = sub(parent, "L")
    out = []
    for number, item in enumerate(node.items, start=1):
        block = para(item, item_style, f"{number}." if node.ordered else "•")
        entry = sub(listing, "LI")
        block.bullet_struct = sub(entry, "Lbl")
        out.append(tagged(block, sub(entry, "LBody")))
    return out


def list_columns(node: m.ListBlock, style: TextStyle, width: float, styles: Styles, parent: StructNode | None,
                 columns: int = 2) -> Table:
    """A list's items in columns, row by row (so it reads 1, 2 / 3, 4 in reading order): short signs
    take half the height, which is what lets a card or a large-print page hold them."""
    items = list_items(node, style.but(space_after=0), parent)
    rows = [items[i:i + columns] + [""] * (columns - len(items[i:i + columns])) for i in range(0, len(items), columns)]
    widths = [width / columns] * columns
    if styles.rtl:
        rows = [row[::-1] for row in rows]
    return grid(rows, widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), style.size * 0.8), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), style.size * 0.15)])


def pictured(block: TextBlock, icon: m.Pictogram | None, styles: Styles, parent: StructNode | None,
             compact: bool = False) -> TextBlock:
    """``block`` with the action's pictogram before its first line, tagged as a ``Figure`` just
    before the block's own element (call this before tagging the block). On a card the pictogram
    is as tall as the line (its type is small); elsewhere a little taller than the letters."""
    if icon is None:
        return block
    return block.with_icon(icon.kind, styles.colours, sub(parent, "Figure", alt=icon.alt),
                           scale=2.0 if compact else 1.15)


@handles(m.ListBlock)
def list_block(node: m.ListBlock, ctx: Context) -> list:
    if ctx.compact and len(node.items) > 4 and not ctx.lines:  # a flat card's signs: one run, set apart by dots
        return [tagged(run_in(node.lead, node.items, ctx.body, node.recap), ctx.tag("P"))]
    lead_style = ctx.styles.body_bold.but(keep_with_next=True)
    lead = [tagged(pictured(plain_para(node.lead, lead_style), node.icon, ctx.styles, ctx.parent, ctx.compact),
                   ctx.tag("P"))] if node.lead else []
    # on a folded card's panel the signs sit as close as the emergency box's
    body = ctx.body.but(space_after=ctx.body.size * 0.15) if ctx.compact else ctx.body
    items = list_items(node, body, ctx.parent)   # tagged before the recap: a screen reader reads it after them
    recap = [tagged(para(node.recap, ctx.styles.body_bold), ctx.tag("P"))] if node.recap else []
    return lead + items + recap


@handles(m.Step)
def step(node: m.Step, ctx: Context) -> list:
    styles = ctx.styles
    title = tagged(para((m.Text(f"{node.number}. "), *node.title), styles.body_bold.but(space_after=0)), ctx.tag("H3"))
    inner = replace(ctx, body_style=styles.step)
    if node.date_label:  # "Your date:" and a line at the end of the title's row, to write the day on
        from handouts.render.pdf.checklist import NoteLines

        label = tagged(plain_para(node.date_label, styles.body.but(align="end", space_after=0)), ctx.tag("P"))
        blank = DATE_BLANK_EM * styles.body.size   # a drawn line (an artifact), not typed underscores
        line_cells, line_widths = mirrored([label, NoteLines(1, 0, styles.colours["text"])],
                                           [ctx.width * 0.45 - blank, blank], styles.rtl)
        date = grid([line_cells], line_widths, styles, [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), 3) if styles.rtl else ("LEFTPADDING", (1, 0), (1, 0), 3)])
        cells, widths = mirrored([title, date], [ctx.width * 0.55, ctx.width * 0.45], styles.rtl)
        title = grid([cells], widths, styles, [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space)])
    return [KeepTogether([title, *story(node.blocks, inner)])]


DATE_BLANK_EM = 6   # the write-on line after "Your date:", in ems of body type


@handles(m.Table)
def table(node: m.Table, ctx: Context) -> list:
    styles = ctx.styles
    how_to_line = [tagged(para(node.how_to, styles.body.but(keep_with_next=True)), ctx.tag("P"))] \
        if node.how_to else []
    if ctx.stacked:  # large print: each point, then what each treatment does
        header = node.header[0]
        flow = []
        inner = replace(ctx, body_style=styles.step)
        label_style = styles.body_bold.but(keep_with_next=True)   # a label never ends a page: its answer follows
        for row in node.rows:
            flow += [tagged(para(row[0][0].content, styles.heading), ctx.tag("H3"))]
            for label, cell in zip(header[1:], row[1:]):
                flow.append(tagged(para(label[0].content, label_style), ctx.tag("H4")))
                flow += story(cell, inner)
        return how_to_line + flow
    topic_width = ctx.width * float(styles.layout["table"]["topic_width"])
    other = (ctx.width - topic_width) / (len(node.header[0]) - 1)
    cell_ctx = replace(ctx, body_style=styles.cell)
    grid_node = ctx.tag("Table")
    head_row = sub(grid_node, "TR")
    rows = [[tagged(para(cell[0].content, styles.cell_head), sub(head_row, "TH", scope="Column"))
             for cell in node.header[0]]]
    for row in node.rows:
        tr = sub(grid_node, "TR")
        topic = tagged(para(row[0][0].content, styles.cell_bold), sub(tr, "TH", scope="Row"))
        rows.append([topic, *[story(cell, cell_ctx.under(sub(tr, "TD"))) for cell in row[1:]]])
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
    # The line on how to use the table stays with its start, not with all of it: kept with a table
    # taller than a page, ReportLab moves the pair to a new page, leaving the page before nearly empty.
    if how_to_line:
        how_to_line[0].keepWithNext = False
        how_to_line.insert(0, CondPageBreak(styles.body.leading * TABLE_START_LINES))
    return [*(how_to_line or [Spacer(1, 6)]), grid(rows, widths, styles, commands, repeatRows=1, splitByRow=1)]


TABLE_START_LINES = 10  # room a table needs to start on a page: its how-to line, header and first row


def staff_line(inlines) -> tuple[tuple, tuple]:
    """Inlines split before a line break that starts a ``Foreign`` run (a card's line in the staff's
    language): the patient's words, and the staff's (empty when there are none)."""
    for index in range(len(inlines) - 1):
        if isinstance(inlines[index], m.LineBreak) and isinstance(inlines[index + 1], m.Foreign):
            return tuple(inlines[:index]), tuple(inlines[index + 1:])
    return tuple(inlines), ()


@handles(m.Callout)
def callout(node: m.Callout, ctx: Context) -> list:
    styles = ctx.styles
    if node.role == "banner":
        style = styles.cell_head.but(size=styles.layout.pt("title"), leading=styles.layout.pt("title") * styles.leading)
        ours, theirs = staff_line(node.title)
        heading = ctx.tag(ctx.banner)
        cell = [tagged(para(ours, style), heading)]
        top, bottom = 2, 2.5
        if theirs:  # a translated card's banner in the staff's language: under it, in body-size type,
            body = styles.layout.pt("body")  # set close, in a box padded a little less: the front is full
            close = body * max(1.1, styles.min_leading)   # as close as the script allows
            cell.append(tagged(para(theirs, style.but(size=body, leading=close)), heading))
            top, bottom = 1.5, 1.5
        left, right = ctx.bleed or (3, 3)
        box = grid([[cell]], [ctx.width + (left + right if ctx.bleed else 0)], styles, [
            ("BACKGROUND", (0, 0), (-1, -1), styles.colours["accent"]),
            ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
            ("LEFTPADDING", (0, 0), (-1, -1), left), ("RIGHTPADDING", (0, 0), (-1, -1), right)])
        if ctx.bleed:
            box = Bleeding(box, left)
        box.spaceAfter = styles.space
        # on a sheet (large print), the banner never ends a page: it goes with the lines under it
        box.keepWithNext = not ctx.compact
        return [box]
    section = ctx.tag("Sect")
    flow = [tagged(para(node.title, styles.heading_in_box), sub(section, "H2"))] if node.title else []
    for block in node.blocks:
        if isinstance(block, m.ListBlock):  # one row per point, so the box can break between them
            flow += list_items(block, styles.body, section)
        else:
            flow += flowables(block, ctx.under(section))
    return [shaded_box(flow, styles, ctx.width, titled=bool(node.title)), Spacer(1, 4)]


class Bleeding(Flowable):
    """A card's banner band, wider than the text it holds: it runs across the cut (and stops at a
    fold), so a card cut 1 or 2 mm off still has a band from edge to edge, where a band that
    stopped inside the cut showed an uneven frame. Its text stays in the card's safe area."""

    def __init__(self, box: Table, left: float):
        super().__init__()
        self.box, self.left = box, left

    def wrap(self, available_width, available_height):
        _, height = self.box.wrap(available_width, available_height)
        return available_width, height

    def draw(self):
        self.box.drawOn(self.canv, -self.left, 0)


RUN_IN_FROM = 14   # from this body size (large print), the emergency signs run on in one paragraph


class EmergencyBox(Table):
    """The emergency box: a table that notes the pages it is drawn on, so the renderer can prove it
    landed whole on the first page (and fail the build if not)."""

    pages: list
    source: m.Source

    def split(self, available_width, available_height):
        parts = super().split(available_width, available_height)
        for part in parts:  # the parts report to the same list: a split box is then seen as one
            part.pages, part.source, part.first_page = self.pages, self.source, self.first_page
        return parts

    def draw(self):
        self.pages.append(self.canv.getPageNumber())
        super().draw()


def run_in(heading: str, items, style: TextStyle, recap: tuple = ()) -> TextBlock:
    """A heading and its items as one paragraph ("Call 911 now for: a seizure · fainting"), and a
    bold ``recap`` after them: on a card there is no room for one line per sign."""
    runs = [(heading + " ", True, False, None)] if heading else []
    pieces = [m.runs(item) for item in items] + ([m.runs(recap, bold=True)] if recap else [])
    for index, piece in enumerate(pieces):  # the recap is set apart like a sign
        if index:  # the dot stays with the sign before it: a line never starts with it
            runs.append(("\u00a0· ", True, False, None))
        runs += piece
    return TextBlock(runs, style)


@handles(m.Emergency)
def emergency(node: m.Emergency, ctx: Context) -> list:
    styles = ctx.styles
    body = ctx.body.but(space_after=0)
    bold = body.but(bold=True)
    title_style = styles.heading_in_box.but(colour=styles.colours["accent_text"], space_after=0)
    gap = styles.space * (0.5 if ctx.compact else 1)
    section = ctx.tag("Sect")

    def p(flowable, icon: m.Pictogram | None = None):
        return tagged(pictured(flowable, icon, styles, section, ctx.compact), sub(section, "P"))

    signs = ()
    if ctx.compact:
        # no title row on a card: the warning edge marks the box, and every millimetre counts
        if ctx.lines and node.emergency_signs:  # a folded card's panel: a sign a line
            rows = [[p(plain_para(node.emergency_heading, bold), node.emergency_icon)],
                    [list_items(m.ListBlock(node.emergency_signs), body, section)]]
        else:
            rows = [[p(run_in(node.emergency_heading, node.emergency_signs, body), node.emergency_icon)]]
        if node.team_overleaf:
            rows.append([p(plain_para(node.team_overleaf, bold), node.team_icon)])
        if node.team_signs:
            rows.append([p(run_in(node.team_heading, node.team_signs, body), node.team_icon)])
        if node.note:
            rows.append([p(para(node.note, body))])
        pad = 2.5
    else:
        inner = ctx.width - 16
        # a box of the team's signs alone (large print) has their heading for a title, and its pictogram
        title_icon = node.team_icon if node.team_signs and not (node.emergency_signs or node.team_heading) else None
        rows = [[tagged(pictured(para(m.text(node.title), title_style), title_icon, styles, section),
                        sub(section, "H2"))]]
        if node.emergency_signs and body.size >= RUN_IN_FROM:  # large print: the signs run on after their heading
            rows.append([p(run_in(node.emergency_heading, node.emergency_signs, body), node.emergency_icon)])
        elif node.emergency_signs:
            rows += [[p(plain_para(node.emergency_heading, bold), node.emergency_icon)],
                     [list_columns(m.ListBlock(node.emergency_signs), body, inner, styles, section)]]
        if node.team_overleaf:
            rows.append([p(plain_para(node.team_overleaf, bold), node.team_icon)])
        if node.team_signs and node.team_heading:
            rows.append([p(plain_para(node.team_heading, bold), node.team_icon)])
        # ``signs``: the rows holding one sign each, closer together than the box's other rows
        if node.team_signs and body.size >= RUN_IN_FROM:
            # large print: one column, a sign a row, so that a long sign is not cut into a narrow
            # column ("a fever / of 38 °C") and a box taller than the page's room goes on between signs
            first = len(rows)
            rows += [[item] for item in list_items(m.ListBlock(node.team_signs), body, section)]
            signs = (first, len(rows) - 1)
        elif node.team_signs:
            rows.append([list_columns(m.ListBlock(node.team_signs), body, inner, styles, section)])
        if node.note:
            rows.append([p(para(node.note, body))])
        if node.contacts:
            rows.append([contact_lines(node.contacts, styles, inner, section)])
        pad = 8
    warning = styles.colours["warning"]
    edge = 2 if not ctx.compact else 1
    # the edge is stroked inside the text width: on a card, nothing may come nearer the cut line
    box = EmergencyBox(rows, colWidths=[ctx.width - edge - (1 if ctx.compact else 0)])
    box.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.font_name),
        ("BOX", (0, 0), (-1, -1), edge, warning),
        *([] if ctx.compact else [("BACKGROUND", (0, 0), (-1, 0), warning)]),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), gap),
        ("TOPPADDING", (0, 0), (-1, 0), gap), ("TOPPADDING", (0, 1), (-1, 1), gap),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *([("BOTTOMPADDING", (0, signs[0]), (-1, signs[1] - 1), gap * 0.4)] if signs and signs[1] > signs[0] else []),
    ]))
    box.pages = []
    box.source = node.source
    box.first_page = node.first_page
    box.spaceAfter = gap * 2
    return [KeepTogether([box])] if not ctx.compact else [box]


def contact_lines(node: m.ContactBlock, styles: Styles, width: float, parent: StructNode | None) -> Table:
    """Who to call, inside the emergency box: the clinic, then each number or a line to write it on."""
    flow = [tagged(plain_para(node.title, styles.body_bold.but(space_after=0)), sub(parent, "H3"))] \
        if node.title else []
    if node.clinic:
        flow.append(tagged(plain_para(node.clinic, styles.body.but(space_after=0)), sub(parent, "P")))
    # lines to write on only where a number is missing; printed numbers need no room for a pen
    lined = label_rows([(row.label, row.number or "") for row in node.rows], styles, width,
                       lined=any(not row.number for row in node.rows), parent=parent, numbers=True)
    flow.append(lined)
    if node.address:
        flow.append(tagged(TextBlock([(node.address.strip(), False, False, None)], styles.small.but(space_after=0)),
                           sub(parent, "P")))
    return grid([[item] for item in flow], [width], styles, [
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])


@handles(m.ChecklistGroup)
def checklist_group(node: m.ChecklistGroup, ctx: Context) -> list:
    from handouts.render.pdf.checklist import NoteLines, TickBox

    styles = ctx.styles
    settings = styles.layout["checklist"]
    box = float(settings["box_pt"])
    rows, widths = [], [box + 10, ctx.width - box - 10]
    heading = tagged(para(node.heading, styles.heading), ctx.tag("H2"))
    heading.starts_section = True
    listing = ctx.tag("L")
    for question in node.questions:
        entry = sub(listing, "LI")
        tick = tagged(TickBox(question.id, box, m.plain(question.content), styles.colours["text"], colors.white),
                      sub(sub(entry, "Lbl"), "Form"))
        text = tagged(para(question.content, styles.cell), sub(entry, "LBody"))
        cells, row_widths = mirrored([tick, text], widths, styles.rtl)
        rows.append(cells)
    _, widths = mirrored([None, None], widths, styles.rtl)
    grid_table = grid(rows, widths, styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT") if styles.rtl else ("ALIGN", (0, 0), (0, -1), "LEFT"),
    ])
    grid_table.running_text = True   # the questions are read like paragraphs: kept to the measure
    gap = float(settings["note_gap_pt"])
    notes = [tagged(plain_para(node.notes_label, styles.small), ctx.tag("P")),
             NoteLines(node.note_lines, gap, styles.colours["rule"])] if node.note_lines else []
    return [KeepTogether([heading, grid_table, *notes])]  # a group stays with its notes


@handles(m.FormTable)
def form_table(node: m.FormTable, ctx: Context) -> list:
    """A table to fill in: a header row of column names, a heading row over each group (the
    emergency box's colours for the emergency call), and a row label then a field per column.
    Each field is a Form element in its cell, named for a screen reader by its label."""
    from handouts.render.pdf.checklist import TextField, TickBox

    styles = ctx.styles
    settings = styles.layout.values.get("log") or {}
    box, field_height = float(settings.get("box_pt", 12)), float(settings.get("field_pt", 22))
    write_height = float(settings.get("write_pt", 30))
    columns = len(node.columns)
    label_width = ctx.width * float(settings.get("day_width" if node.tall else "label_width", 0.3))
    column_width = (ctx.width - label_width) / columns
    padding = 2
    title = heading(m.Heading(node.level, node.title, node.source), ctx)
    lead = [tagged(para(node.lead, styles.body.but(space_after=0)), ctx.tag("P"))] if node.lead else []
    table_node = ctx.tag("Table")
    head = sub(table_node, "TR")
    if node.corner:
        corner = tagged(plain_para(node.corner, styles.cell_head), sub(head, "TH", scope="Column"))
    else:   # an empty cell, tagged all the same: every row of the table has all its columns
        sub(head, "TD", empty=True)
        corner = ""
    rows = [[corner, *[tagged(plain_para(name, styles.cell_head), sub(head, "TH", scope="Column"))
                       for name in node.columns]]]
    commands = [("BACKGROUND", (0, 0), (-1, 0), styles.colours["accent"]),
                ("GRID", (0, 0), (-1, -1), 0.5, styles.colours["rule"]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), padding), ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                # the fields' columns: after the labels, which are at the right in a right-to-left handout
                ("ALIGN", (0, 0), (columns - 1, -1), "CENTER") if styles.rtl else ("ALIGN", (1, 0), (-1, -1), "CENTER")]
    bands = []   # the rows of the groups' headings
    for group in node.groups:
        first = len(rows)
        if group.heading:
            style = styles.cell_head if group.call == "emergency" else styles.cell_bold
            group_head = tagged(para(group.heading, style), sub(sub(table_node, "TR"), "TH", scope="Row",
                                                                 colspan=columns + 1))
            bands.append(first)
            rows.append([group_head] + [""] * columns)
            fill = styles.colours["warning"] if group.call == "emergency" else styles.colours["shade"]
            commands += [("SPAN", (0, first), (-1, first)), ("BACKGROUND", (0, first), (-1, first), fill),
                         ("ALIGN", (0, first), (-1, first), "RIGHT" if styles.rtl else "LEFT")]
        for row in group.rows:
            tr = sub(table_node, "TR")
            cells = [tagged(para(row.label, styles.cell), sub(tr, "TH", scope="Row"))]
            for spec in row.fields:
                form = sub(sub(tr, "TD"), "Form")
                widget = TickBox(spec.id, box, spec.label, styles.colours["text"], colors.white) if spec.tick \
                    else TextField(spec.id, column_width - 2 * padding, write_height if node.tall else field_height,
                                   spec.label, styles.colours["text"], multiline=node.tall)
                cells.append(tagged(widget, form))
            rows.append(cells)
        # a page may end between groups, not inside one: a heading stays with its signs. Where a
        # group is taller than a page (large print), a heading stays with its first row
        last = len(rows) - 1 if settings.get("keep_groups") else min(first + 1, len(rows) - 1)
        commands.append(("NOSPLIT", (0, first), (-1, last)))
    widths = [label_width] + [column_width] * columns
    if styles.rtl:   # the labels at the right, the first day next to them; a heading row's span
        # shows its first cell, so its heading stays there
        rows = [row if index in bands else row[::-1] for index, row in enumerate(rows)]
        widths = widths[::-1]
    table = grid(rows, widths, styles, commands, repeatRows=1, splitByRow=1)
    return [KeptIfItFits([*title, *lead, Spacer(1, 4), table], table, 1 + len(node.groups[0].rows))]


class KeptIfItFits(KeepTogether):
    """A table with its heading, kept on one page where a page can hold it (a week of a log is a
    page, its lines the next). Taller than any page (large print), it starts where it is if its
    heading and first ``lead_rows`` fit there, and breaks between rows under its header:
    ReportLab's KeepTogether would first move it to a new page, leaving the page before it with
    a few lines."""

    def __init__(self, flowables: list, table: Table, lead_rows: int):
        super().__init__(flowables)
        self.table, self.lead_rows = table, lead_rows

    def split(self, available_width, available_height):
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        frame = getattr(self, "_frame", None)
        if frame is None or self._H <= frame._height:
            return super().split(available_width, available_height)
        before = sum(f.wrapOn(self.canv, available_width, available_height)[1] + f.getSpaceBefore()
                     for f in self._content if f is not self.table)
        start = before + sum(self.table._rowHeights[:self.lead_rows])
        return [CondPageBreak(start), *self._content]


@handles(m.Figure)
def figure(node: m.Figure, ctx: Context) -> list:
    from handouts.render.pdf.diagrams import SIDE_BY_SIDE, Diagram

    styles = ctx.styles
    one_column = ctx.stacked and node.kind in SIDE_BY_SIDE
    pictures = [Diagram(node.kind, node.label_map, styles.label, rtl=styles.rtl, where=node.source.key or "diagram",
                        path=node.source.path, line=node.source.line, panel=panel, values=node.value_map)
                for panel in ((0, 1) if one_column else (None,))]
    # its /Alt is its short name ("Diagram of the five CAR-T steps", else "Diagram"); the caption under
    # it, read next, says the rest: an /Alt that repeats the caption (or its first sentence) is read twice
    shown = ctx.tag("Figure", alt=node.called or node.name, quiet=True)
    for picture in pictures:
        picture.wrap(ctx.width, ctx.page_height)  # labels are fitted now, so one too long is reported plainly
        picture.struct = shown
    # The caption is kept whole with its picture. In large print a timeline and its whole caption
    # are taller than a page: the caption is then its first sentence (what the picture is), and
    # the rest follows as a paragraph that may go on to the next page like any other.
    description = node.alt[len(node.name):].strip() if styles.body.size >= RUN_IN_FROM and \
        node.alt.startswith(node.name) else ""
    caption = [tagged(plain_para(node.name if description else node.alt, styles.caption), ctx.tag("Caption"))]
    if description:
        caption.append(tagged(plain_para(description, styles.caption), ctx.tag("P")))
    if node.how_to:
        caption.append(tagged(para(node.how_to, styles.body), ctx.tag("P")))
    if one_column:  # each panel with what follows it, never a picture alone at a page's foot
        return [pictures[0], PictureWithCaption([pictures[1], *caption])]
    return [PictureWithCaption([*pictures, *caption])]


FLOAT_WHILE_UNDER = 0.6   # a picture floats past text while its page is less full than this


class PictureWithCaption(KeepTogether):
    """A picture kept whole with its caption: the caption is never split and never leaves its
    picture. A timeline too tall for a page with its caption gives up the spare room between its
    rows; what follows the caption (a how-to line) may go on to the next page. The picture floats:
    when it does not fit in what is left of a page less than half full, the text after it is set
    first (``MeasuredDocTemplate.filterFlowables``), so no page is left mostly empty before it."""

    floats = True

    def _parts(self):
        at = next(index for index, part in enumerate(self._content) if isinstance(part, TextBlock))
        return self._content[:at], self._content[at], self._content[at + 1:]

    def wrap(self, available_width, available_height):
        frame = getattr(self, "_frame", None)
        if frame is not None:
            self._fit_page(available_width, frame._aH)
        return super().wrap(available_width, available_height)

    def _fit_page(self, width: float, page: float) -> None:
        """Shrink a timeline (to no less than its rows need) until it and its caption fit a page."""
        from handouts.render.pdf.diagrams import Diagram

        pictures, caption, _ = self._parts()
        timelines = [p for p in pictures if isinstance(p, Diagram) and p.kind == "timeline"]
        for picture in timelines:
            picture.max_height = None
        need = sum(p.wrap(width, page)[1] + p.getSpaceBefore() + p.getSpaceAfter() for p in pictures) + \
            caption.wrap(width, page)[1] + caption.getSpaceBefore()
        if need > page and timelines:
            picture = timelines[0]
            picture.max_height = picture.height - (need - page) - 1
            picture.wrap(width, page)

    def split(self, available_width, available_height):
        # (a KeepTogether always splits: its content is then set one by one, or after a frame break)
        pictures, caption, rest = self._parts()
        self.wrap(available_width, available_height)
        frame = getattr(self, "_frame", None)
        if self._H > available_height and frame is not None:
            # the picture and caption stay whole; what follows them may go on. On a page less than
            # half full (nothing could float past the picture), a timeline closes up to fit it.
            tries = [frame._aH] + ([available_height] if available_height >= frame._aH * (1 - FLOAT_WHILE_UNDER)
                                   else [])
            for page in tries:
                self._fit_page(available_width, page)
                if self._height_of([*pictures, caption], available_width, available_height) <= available_height:
                    return [*pictures, caption, *rest]
            self._fit_page(available_width, frame._aH)
        return super().split(available_width, available_height)

    def _height_of(self, parts: list, width: float, height: float) -> float:
        keep = KeepTogether(parts)
        keep.canv = self.canv
        keep.wrap(width, height)
        return keep._H


def label_rows(rows, styles: Styles, width: float, lined: bool, row_height: float | None = None,
               parent: StructNode | None = None, private: bool = False, icons=(), numbers: bool = False,
               printed_room: float = 0.5) -> Table:
    """Label: value rows; with ``lined``, an empty line to write on after each label (rows with
    nothing to write are at least ``row_height`` apart, room for a pen; a printed number needs none).
    Each row is one paragraph to a screen reader: the label, then the number. ``private`` values
    (a patient's details) are kept out of the shaping cache. ``icons`` (a pictogram or None a row)
    stand before the labels. ``numbers``: the values are phone numbers, printed larger and bold
    so they are easy to read off and dial (where the page has room: not on a card). ``printed_room``:
    the room above a row whose value is printed, in lines (a card needs no room for a pen there)."""
    icons = icons or (None,) * len(rows)
    value_style = styles.body.but(size=styles.body.size * NUMBER_SCALE, leading=styles.body.leading * NUMBER_SCALE,
                                  bold=True) if numbers else styles.body
    labels = [plain_para(label, styles.body) for label, _ in rows]
    for para_, icon in zip(labels, icons):  # tagged below, each before its row
        if icon is not None:
            para_.with_icon(icon.kind, styles.colours, None, scale=2.0)
    share = label_share(labels, width, styles.body.leading)
    cells, widths = [], [width * share, width * (1 - share)]
    for (label, value), para_, icon in zip(rows, labels, icons):
        if icon is not None:
            para_.icon_struct = sub(parent, "Figure", alt=icon.alt)
        line = sub(parent, "P")
        block = value_block(value, value_style, widths[1] - 1, private) if value else ""
        row, _ = mirrored([tagged(para_, line), tagged(block, line) if block else ""], widths, styles.rtl)
        cells.append(row)
    _, widths = mirrored([None, None], widths, styles.rtl)
    value_col = 0 if styles.rtl else 1
    commands = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_GAP), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]
    if lined:  # a line to write on, with room above it; rows grow when a label wraps
        commands += [("LINEBELOW", (value_col, 0), (value_col, -1), 0.4, styles.colours["rule"]),
                     ("TOPPADDING", (0, 0), (-1, -1), styles.body.leading * 0.5)]
    # A printed value that wraps ("555-0199 (ask for the / on-call oncologist)") starts on its
    # label's line, not the row's last: bottom-aligned, its first line stood under the label before,
    # as if a second number of that row. The label is moved down by the larger number's extra leading.
    label_col = 1 - value_col
    top = styles.body.leading * printed_room if lined else 0.0
    for index, (_, value) in enumerate(rows):
        if value:
            commands += [("VALIGN", (0, index), (-1, index), "TOP"),
                         ("TOPPADDING", (value_col, index), (value_col, index), top),
                         ("TOPPADDING", (label_col, index), (label_col, index),
                          top + max(0.0, value_style.leading - styles.body.leading))]
    # a label that still takes two lines makes its row grow: never text over the next row's line
    heights = [None if value or not one_line(para_, width * share - CELL_GAP, styles.body.leading) else row_height
               for (_, value), para_ in zip(rows, labels)] if row_height else None
    table_ = grid(cells, widths, styles, commands, rowHeights=heights)
    table_.spaceAfter = styles.space
    return table_


CELL_GAP = 1           # points after a label, before its line: the label wraps in its column less this
NUMBER_SCALE = 1.2      # a printed phone number on a sheet: this much larger than the body text
SMALLEST_VALUE = 0.75   # of the body size: a typed word too wide for its line is set this much smaller at most


def value_block(value: str, style: TextStyle, width: float, private: bool) -> TextBlock:
    """A typed value in bold, set smaller when one of its words is wider than its line (a long
    product or family name), as a form field shrinks its text: a word is cut in two only when even
    the smallest size cannot hold it, because "Tisagenlec / leucel" is misread."""
    def block_at(size_style: TextStyle, text: str = value) -> TextBlock:
        block = TextBlock([(text, True, False, None)], size_style)
        block.private = private
        return block

    def width_of(word: str) -> float:
        block = block_at(style, word)
        block.wrap(1e6, 1e6)
        return block.minWidth()

    widest = max(map(width_of, value.split()), default=0.0)
    if widest <= width:
        return block_at(style)
    scale = max(SMALLEST_VALUE, width / widest * 0.995)
    return block_at(style.but(size=style.size * scale))


# of the width, for labels: the narrowest that holds every one; the lines to write on keep at least 40 mm
LABEL_SHARES = (0.34, 0.4, 0.46)


def one_line(para_, width: float, leading: float) -> bool:
    return para_.wrap(width, 1e6)[1] <= leading * 1.01


def label_share(labels, width: float, leading: float) -> float:
    """The share of the width the labels take: the narrowest that holds each on one line (a card's
    two-language labels, "Nombre / Name:", need more than one language's), else the widest."""
    for share in LABEL_SHARES:
        if all(one_line(para_, width * share - CELL_GAP, leading) for para_ in labels):
            return share
    return LABEL_SHARES[-1]


PEN_GAP = 5.05 * 72 / 25.4   # lines to write a phone number on are at least 5 mm apart, even on a wallet card
FIELD_GAP = 4.5 * 72 / 25.4  # a card's name and date lines: closer, where the front has no room (two languages)


@handles(m.WriteOnLines)
def write_on_lines(node: m.WriteOnLines, ctx: Context) -> list:
    values = node.values or ("",) * len(node.labels)   # a nurse's typed details, else lines to write on
    return [label_rows(list(zip(node.labels, values)), ctx.styles, ctx.width, lined=True, private=bool(node.values),
                       row_height=FIELD_GAP if ctx.compact else None, parent=ctx.parent)]




@handles(m.ContactBlock)
def contact_block(node: m.ContactBlock, ctx: Context) -> list:
    styles = ctx.styles
    if ctx.compact:  # a card: a line for each number, long and far enough apart to write on
        # a folded card has room for a heading ("Phone numbers")
        flow = [tagged(plain_para(node.title, styles.body_bold), ctx.tag("H2"))] if ctx.lines and node.title else []
        flow += [tagged(plain_para(node.clinic, styles.body_bold), ctx.tag("P"))] if node.clinic else []
        rows = label_rows([(row.label, row.number or "") for row in node.rows], styles, ctx.width, lined=True,
                          row_height=PEN_GAP, parent=ctx.parent, icons=[row.icon for row in node.rows],
                          printed_room=0.25)
        # room under the last line for the pen, when it is left blank to write on
        rows.spaceAfter = styles.space * (1.5 if not node.rows[-1].number else 1.0)
        return flow + [rows]
    section = ctx.tag("Sect")
    flow = [tagged(plain_para(node.title, styles.body_bold), sub(section, "H3"))]
    if node.clinic:
        flow.append(tagged(plain_para(node.clinic, styles.body), sub(section, "P")))
    # each number printed large, or a line drawn to write it on (not typed underscores, read aloud)
    flow.append(label_rows([(row.label, row.number or "") for row in node.rows], styles, ctx.width - 2 * BOX_PADDING,
                           lined=any(not row.number for row in node.rows), parent=section, numbers=True))
    if node.address:
        flow.append(tagged(TextBlock([(node.address.strip(), False, False, None)], styles.small), sub(section, "P")))
    return [KeepTogether([Spacer(1, 6), shaded_box(flow, styles, ctx.width)])]


@handles(m.Definitions)
def definitions(node: m.Definitions, ctx: Context) -> list:
    styles = ctx.styles
    flow = [tagged(para(node.heading, styles.heading), ctx.tag("H2"))]
    for term, definition in node.entries:
        flow.append(tagged(TextBlock([(term, True, False, None), (": ", False, False, None), *m.runs(definition)],
                                     styles.body), ctx.tag("P")))
    return flow
