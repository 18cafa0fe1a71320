"""A sheet is checked for key points, headings, and a glossary entry for each medical term."""

from __future__ import annotations

from handouts import model as m
from handouts.plain_language import Item, Reading, undefined_terms


def items(reading: Reading) -> list[Item]:
    missing = undefined_terms(reading)
    return [Item("Has a summary or key points",
                 any(isinstance(b, m.Callout) and b.role == "key_points" for b in reading.blocks)),
            Item("Has headings", any(isinstance(b, m.Heading) for b in reading.blocks)),
            Item("Defines the medical terms it uses", not missing,
                 f"not in the glossary: {', '.join(missing)}" if missing else "")]
