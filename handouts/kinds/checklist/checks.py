"""A checklist is checked for a summary (or an intro that says what to do) and a heading on
each group; it has no glossary."""

from __future__ import annotations

from handouts import model as m
from handouts.plain_language import Item, Reading


def items(reading: Reading) -> list[Item]:
    blocks = reading.blocks
    summary = any(isinstance(b, m.Paragraph) or (isinstance(b, m.Callout) and b.role == "key_points")
                  for b in blocks)
    groups = [b for b in blocks if isinstance(b, m.ChecklistGroup)]
    return [Item("Has a summary or key points", summary, "a summary or an intro says what to do"),
            Item("Has headings", bool(groups) and all(m.plain(g.heading) for g in groups)),
            Item("Defines the medical terms it uses", None, "no glossary on this kind")]
