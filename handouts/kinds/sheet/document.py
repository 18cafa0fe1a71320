"""A sheet's blocks: key points, the emergency box, a comparison's table, sections, glossary."""

from __future__ import annotations

from dataclasses import replace

from handouts import model as m
from handouts.document import Parts, emergency_blocks, format_number, summary_box


def build(parts: Parts) -> tuple[list, tuple]:
    blocks = sheet_blocks(parts.data, parts.sources, parts.words, parts.fur, parts.data["title"], parts.settings,
                          parts.locale, parts.emergency_first)
    return [*parts.notice, *blocks], ()


def how_to(words: dict, blocks) -> tuple:
    """"How to use this:" and the line that says what to do with a table or picture."""
    if not blocks:
        return ()
    return (m.Strong(m.text(words["how_to_use"])), m.Text(" "), *m.joined(blocks))


def timeline_values(settings: dict, locale: str) -> tuple:
    """What a timeline is drawn from: the weeks of each period, and its tick labels (0, 1, 2...)
    in the locale's notation."""
    stay, drive = int(settings["stay_near_weeks"]), int(settings["no_driving_weeks"])
    span = max(stay, drive, 1) + 1
    ticks = tuple((f"tick{week}", format_number(week, locale)) for week in range(span + 1))
    return (("stay_near", stay), ("no_driving", drive), ("daily", 1), ("span", span)), ticks


def sheet_blocks(data: dict, sources: dict, words: dict, fur: m.Furniture, title: str, settings: dict,
                 locale: str, split: bool = False) -> list:
    emergency = emergency_blocks(data, sources, words, fur, split=split)
    blocks = [summary_box(words, data["key_points"], sources.get("key_points[1]", m.Source())), *emergency]
    comparison = data.get("comparison")
    if comparison:
        header = tuple((m.Paragraph(m.text(label)),) for label in [comparison["topic_label"], *comparison["columns"]])
        rows = tuple(((m.Paragraph(m.text(row["topic"])),), tuple(row["left"]), tuple(row["right"]))
                     for row in comparison["rows"])
        if comparison.get("heading"):
            blocks.append(m.Heading(2, m.text(comparison["heading"]), sources.get("comparison.heading", m.Source())))
        blocks += comparison.get("intro") or ()  # the words the table uses, defined before it
        blocks.append(m.Table(title, (header,), rows, sources.get("comparison.rows[1].topic", m.Source()),
                              how_to(words, comparison.get("how_to_use"))))
    for index, part in enumerate(data.get("sections") or [], start=1):
        where = f"sections[{index}]"
        blocks.append(m.Heading(2, m.text(part["heading"]), sources.get(f"{where}.heading", m.Source())))
        blocks += part.get("body") or ()
        if part.get("diagram"):
            spec = part["diagram"]
            labels = tuple((key, value) for key, value in spec["labels"].items())
            values = ()
            if spec["kind"] == "timeline":
                values, ticks = timeline_values(settings, locale)
                labels += ticks
            origin = sources.get(f"{where}.diagram.alt", m.Source())
            blocks.append(m.Figure(spec["kind"], labels, spec["alt"], replace(origin, key=f"{where}.diagram"),
                                   values, how_to(words, spec.get("how_to_use")),
                                   spec.get("name") or words["diagram"]))
        for number, step in enumerate(part.get("steps") or [], start=1):
            blocks.append(m.Step(number, m.text(step["title"]), tuple(step["text"]),
                                 sources.get(f"{where}.steps[{number}].title", m.Source()), words["your_date"]))
    if not emergency:  # a clinic's module without an emergency box still says who to call
        blocks.append(fur.contacts)
    entries = tuple((entry["term"], m.joined(entry["definition"])) for entry in data["glossary"])
    blocks.append(m.Definitions(m.text(words["glossary"]), entries, sources.get("glossary[1].term", m.Source())))
    return blocks
