"""A checklist's blocks: its summary, the emergency box, an intro, then each group of questions."""

from __future__ import annotations

from handouts import model as m
from handouts.content import Module
from handouts.document import Parts, emergency_blocks, summary_box


def build(parts: Parts) -> tuple[list, tuple]:
    note_lines = int((parts.layout.get("checklist") or {}).get("note_lines", 3))   # unless a group says
    blocks = checklist_blocks(parts.module, parts.data, parts.sources, parts.words, parts.fur, note_lines,
                              parts.emergency_first)
    return [*parts.notice, *blocks], ()


def checklist_blocks(module: Module, data: dict, sources: dict, words: dict, fur: m.Furniture,
                     default_lines: int, split: bool = False) -> list:
    blocks = [summary_box(words, data["summary"], sources.get("summary[1]", m.Source()))] if data.get("summary") else []
    emergency = emergency_blocks(data, sources, words, fur, split=split)
    blocks += [*emergency, *(data.get("intro") or ())]
    for index, group in enumerate(data["groups"], start=1):
        questions = tuple(m.Question(f"{module.name}.g{index}.q{number}", m.text(question),
                                     sources.get(f"groups[{index}].questions[{number}]", m.Source()))
                          for number, question in enumerate(group["questions"], start=1))
        lines = group.get("note_lines")
        blocks.append(m.ChecklistGroup(m.text(group["heading"]), questions,
                                       int(default_lines if lines is None else lines), words["notes"],
                                       sources.get(f"groups[{index}].heading", m.Source())))
    if not emergency:
        blocks.append(fur.contacts)
    return blocks
