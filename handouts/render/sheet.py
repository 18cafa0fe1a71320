"""Comparison sheets and information sheets: key points, a repeating-header table, sections,
who to call, and a glossary of the medical words used."""

from __future__ import annotations

from reportlab.platypus import KeepTogether, Spacer, Table

from handouts.markup import Block
from handouts.prepare import Handout
from handouts.render.common import (
    Styles,
    build_document,
    contacts_box,
    grid,
    para,
    paragraphs,
    shaded_box,
    title_block,
)


def key_points(handout: Handout, styles: Styles, width: float) -> list:
    """The summary a patient reads first (the item most handouts miss, per PEMAT)."""
    points = [item for point in handout.doc["key_points"] for block in point for item in block.items]
    flow = [para(handout.words["key_points"], styles.heading_in_box)]
    # one list per point, so the box can break between points when the type is large
    flow += [paragraphs([Block("ul", [point])], styles.body, styles)[0] for point in points]
    return [shaded_box(flow, styles, width), Spacer(1, 4)]


def comparison_table(handout: Handout, styles: Styles, width: float) -> Table:
    """Topic | left | right, the header repeated on every page the table runs onto."""
    comparison = handout.doc["comparison"]
    topic_width = width * float(handout.layout["table"]["topic_width"])
    other = (width - topic_width) / 2
    header = [para(comparison["topic_label"], styles.cell_head)] + [
        para(label, styles.cell_head) for label in comparison["columns"]]
    rows = [header]
    for row in comparison["rows"]:
        rows.append([para(row["topic"], styles.cell_bold),
                     paragraphs(row["left"], styles.cell, styles),
                     paragraphs(row["right"], styles.cell, styles)])
    widths = [topic_width, other, other]
    if styles.rtl:  # right-to-left readers start at the right: topic column goes there
        rows = [r[::-1] for r in rows]
        widths = widths[::-1]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), styles.colours["accent"]),
        ("GRID", (0, 0), (-1, -1), 0.5, styles.colours["rule"]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), styles.colours["stripe"]) for i in range(2, len(rows), 2)]
    return grid(rows, widths, styles, commands, repeatRows=1, splitByRow=1)


def stacked_comparison(handout: Handout, styles: Styles) -> list:
    """The comparison in one column, for large print: each point, then what each treatment does."""
    comparison = handout.doc["comparison"]
    flow = []
    for row in comparison["rows"]:
        flow.append(para(row["topic"], styles.heading))
        for label, answer in zip(comparison["columns"], (row["left"], row["right"])):
            flow.append(para(label, styles.body_bold))
            flow += paragraphs(answer, styles.step, styles)
    return flow


def diagram(handout: Handout, part: dict, styles: Styles, width: float) -> list:
    """The section's diagram, and its description under it for those who cannot see it.

    In a one-column (large-print) layout a side-by-side diagram is drawn one panel above the other.
    Labels are fitted here, before layout, so a label too long is reported plainly.
    """
    from handouts.prepare import _line_for
    from handouts.render.diagrams import SIDE_BY_SIDE, Diagram

    spec = part["diagram"]
    index = handout.doc["sections"].index(part) + 1
    where = f"sections[{index}].diagram"
    one_column = handout.layout["table"].get("stacked") and spec["kind"] in SIDE_BY_SIDE
    pictures = [Diagram(spec["kind"], spec["labels"], styles.label, rtl=styles.rtl, make_paragraph=para,
                        where=where, path=handout.module.shown, line=_line_for(handout.module, where), panel=panel)
                for panel in ((0, 1) if one_column else (None,))]
    for picture in pictures:
        picture.wrap(width, handout.paper.size[1])
    return [*pictures, para(spec["alt"], styles.caption)]


def section(handout: Handout, part: dict, styles: Styles, width: float) -> list:
    flow = [para(part["heading"], styles.heading)]
    if part.get("body"):
        flow += paragraphs(part["body"], styles.body, styles)
    if part.get("diagram"):
        picture = diagram(handout, part, styles, width)
        if len(picture) == 2:
            flow = [KeepTogether(flow + picture)]  # the picture stays with its heading
        else:
            flow += picture
    for number, step in enumerate(part.get("steps") or [], start=1):
        title = para(f"{number}. {step['title']}", styles.body_bold)
        flow.append(KeepTogether([title, *paragraphs(step["text"], styles.step, styles)]))
    return flow


def glossary(handout: Handout, styles: Styles) -> list:
    flow = [para(handout.words["glossary"], styles.heading)]
    for entry in handout.doc["glossary"]:
        definition = " ".join(item for block in entry["definition"] for item in block.items)
        flow.append(para(f"<b>{entry['term']}</b>: {definition}", styles.body))
    return flow


def render_sheet(handout: Handout) -> bytes:
    styles = Styles(handout)
    width = handout.paper.size[0] - handout.layout.mm("margins_mm", "left") - handout.layout.mm("margins_mm", "right")
    story = title_block(handout, styles, width)
    story += key_points(handout, styles, width)
    if handout.doc.get("comparison"):
        if handout.layout["table"].get("stacked"):
            story += stacked_comparison(handout, styles)
        else:
            story += [Spacer(1, 6), comparison_table(handout, styles, width)]
    for part in handout.doc.get("sections") or []:
        story += section(handout, part, styles, width)
    story.append(contacts_box(handout, styles, width))
    story += glossary(handout, styles)
    return build_document(handout, story, styles)
