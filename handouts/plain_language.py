"""Plain-language checks a machine can make, reported as a checklist per module.

Six items inspired by PEMAT-P that a machine can decide; the share that pass is not a PEMAT score
(PEMAT is scored item by item by a person), and ``handouts check`` says so.

Each check is scored only where it applies to the module's kind; what a machine cannot judge is
listed for a person to review and never scored. Checks read the English document model, the
same nodes a renderer draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handouts import model as m
from handouts.kinds import stage
from handouts.registry import Registry, shown_path
from handouts.yamlsrc import load_yaml

PASS_MARK = 70.0  # PEMAT: 70% or more of the applicable items
MAX_SENTENCE_WORDS = 25
ACTION_VERBS = ("call", "ask", "tell", "show", "write", "check", "tick", "stay", "do not", "don't", "keep",
                "bring", "go", "get", "take", "watch", "carry")
FOR_HUMAN_REVIEW = (
    "Uses common, everyday words (beyond what reading formulas measure)",
    "Uses the active voice",
    "Numbers are clear and need no calculation",
    "Information comes in a logical order",
    "Pictures and diagrams make the content easier to understand",
    "Medical facts are correct and current",
)


@dataclass
class Item:
    name: str
    passed: bool | None  # None: does not apply to this kind
    detail: str = ""


@dataclass(frozen=True)
class Reading:
    """What a kind's ``checks.items`` reads: the English document, its blocks in reading order,
    its prose as one text, and the terms its glossary defines."""

    document: m.Document
    blocks: list
    body: str
    glossary_terms: list
    registry: Registry


def undefined_terms(reading: Reading) -> list[str]:
    """The medical terms (``content/terms.yaml``) the text uses and its glossary does not define."""
    glossary = " | ".join(term.lower() for term in reading.glossary_terms)
    return [term for term, spellings in load_terms(reading.registry)
            if any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", reading.body, re.IGNORECASE) for s in spellings)
            and term.lower() not in glossary
            and not any(s.lower() in glossary for s in spellings)]


@dataclass
class Checklist:
    module: str
    items: list = field(default_factory=list)

    @property
    def applicable(self) -> list[Item]:
        return [item for item in self.items if item.passed is not None]

    @property
    def score(self) -> float:
        items = self.applicable
        return 100.0 * sum(item.passed for item in items) / len(items) if items else 100.0

    @property
    def failures(self) -> list[Item]:
        return [item for item in self.applicable if not item.passed]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?][\u201d\u2019)])\s+|(?<=[.!?])\s+|\n+", text) if s.strip()]


def load_terms(registry: Registry) -> list[tuple[str, list[str]]]:
    terms = []
    for root in registry.content_dirs:
        path = root / "terms.yaml"
        if path.is_file():
            for entry in (load_yaml(path, display=shown_path(path)) or {}).get("terms", []):
                terms.append((entry["term"], [entry["term"], *entry.get("also", [])]))
    return terms


def texts_of(document: m.Document) -> tuple[list[str], list[str]]:
    """(every text a patient reads but the glossary's words, the glossary's words), from the model's
    one walk (``model.passages``)."""
    found = list(m.passages(document))
    return ([p.text for p in found if p.role not in ("term", "staff")],
            [p.text for p in found if p.role == "term"])


def check_document(registry: Registry, document: m.Document) -> Checklist:
    """The checklist for one module, read from its English document model."""
    kind = document.kind
    prose, glossary_terms = texts_of(document)
    body = " ".join(prose)
    result = Checklist(document.module)
    blocks = list(document.walk())

    checks = stage(kind, "checks", document.source.path, document.source.line)
    result.items += checks.items(Reading(document, blocks, body, glossary_terms, registry))

    sentences = [s for text in prose for s in _sentences(text)]
    actions = [s for s in sentences if s.lower().startswith(ACTION_VERBS) or re.search(r"\bcall (your|the|us)\b",
                                                                                        s, re.IGNORECASE)]
    result.items.append(Item("Has at least one explicit action", bool(actions), actions[0][:60] if actions else
                             "no sentence tells the reader what to do"))
    shouting = [text for text in prose if sum(c.isalpha() for c in text) > 12 and text.upper() == text]
    result.items.append(Item("No paragraph in capitals", not shouting, shouting[0][:40] if shouting else ""))
    long_ones = [s for s in sentences if len(s.split()) > MAX_SENTENCE_WORDS]
    result.items.append(Item(f"No sentence over {MAX_SENTENCE_WORDS} words", not long_ones,
                             long_ones[0][:60] if long_ones else ""))
    return result
