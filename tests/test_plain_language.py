"""Automated plain-language checks (not a PEMAT score)."""

from __future__ import annotations

from handouts.document import prepare
from handouts.plain_language import check_document
from handouts.registry import Registry


def _items(checklist):
    return {item.name: item for item in checklist.items}


def test_bundled_modules_pass():
    registry = Registry()
    for name in registry.module_paths():
        checklist = check_document(registry, prepare(registry, name).document)
        assert checklist.score >= 70 and not checklist.failures, (name, checklist.failures)


def test_missing_glossary_term_long_sentence_and_capitals(content_copy):
    path = content_copy / "mini-sheet" / "module.yaml"
    text = path.read_text().replace(
        "Eat both. Call your team", "Your T cells fight germs. EAT BOTH APPLES AND PEARS EVERY DAY NOW. "
        "This sentence goes on and on with many small words so that it is far longer than twenty five words "
        "which is too long for a patient. Call your team")
    path.write_text(text)
    registry = Registry.with_extra([content_copy])
    items = _items(check_document(registry, prepare(registry, "mini-sheet").document))
    assert not items["Defines the medical terms it uses"].passed
    assert "T cell" in items["Defines the medical terms it uses"].detail
    assert not items["No sentence over 25 words"].passed
    assert items["Has at least one explicit action"].passed


def test_cards_are_not_scored_on_a_glossary():
    registry = Registry()
    items = _items(check_document(registry, prepare(registry, "car-t-side-effects").document))
    assert items["Defines the medical terms it uses"].passed is None
    assert items["Has at least one explicit action"].passed
