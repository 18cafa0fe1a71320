"""A daily log is checked for its summary, its headings, and a field for every day it promises;
it has no glossary (its words are the emergency box's)."""

from __future__ import annotations

from handouts import model as m
from handouts.plain_language import Item, Reading


def items(reading: Reading) -> list[Item]:
    blocks = reading.blocks
    tables = [b for b in blocks if isinstance(b, m.FormTable)]
    empty = [b for b in tables if not b.fields]
    return [Item("Has a summary or key points",
                 any(isinstance(b, m.Callout) and b.role == "key_points" for b in blocks)),
            Item("Has headings", any(isinstance(b, m.Heading) for b in blocks) and bool(tables) and not empty,
                 "" if tables and not empty else "a log needs tables of days to fill in"),
            Item("Defines the medical terms it uses", None, "no glossary on this kind")]
