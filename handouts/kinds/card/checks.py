"""A card is itself a summary and has no glossary: it is checked for a heading or a banner."""

from __future__ import annotations

from handouts import model as m
from handouts.plain_language import Item, Reading


def items(reading: Reading) -> list[Item]:
    headed = any(isinstance(b, m.Heading) or (isinstance(b, m.Callout) and b.role == "banner")
                 for b in reading.blocks)
    return [Item("Has a summary or key points", None, "a wallet card is itself a summary"),
            Item("Has headings", headed),
            Item("Defines the medical terms it uses", None, "no glossary on this kind")]
