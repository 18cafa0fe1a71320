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


def test_a_cards_lines_for_clinicians_are_not_checked_as_the_patients_text(content_copy):
    """A card's line for doctors may be one long clinical sentence (the readability score leaves it
    out too); the same sentence in the patient's own text fails the check."""
    long = ("Think of colitis, pneumonitis, hepatitis, myocarditis, adrenal crisis and diabetic ketoacidosis "
            "in anyone who had a checkpoint inhibitor and now has any new symptom at all, even months after the "
            "last dose")
    module = content_copy / "immunotherapy-side-effects" / "module.yaml"
    module.parent.mkdir(exist_ok=True)
    bundled = (Registry().module("immunotherapy-side-effects").path).read_text()
    start = bundled.index('  - for_doctors: "') + len('  - for_doctors: "')
    end = bundled.index('"', start)
    for where, text in (("doctors", bundled[:start] + long + bundled[end:]),
                        ("patient", bundled.replace("  - text: A checkpoint inhibitor is a medicine.",
                                                    f"  - text: {long}. A checkpoint inhibitor is a medicine."))):
        assert text != bundled and long in text, where
        module.write_text(text)
        registry = Registry.with_extra([content_copy])
        items = _items(check_document(registry, prepare(registry, "immunotherapy-side-effects").document))
        assert items["No sentence over 25 words"].passed == (where == "doctors"), where


def test_a_kind_the_checks_do_not_know_is_an_error_naming_the_file_not_scored_as_a_card():
    from dataclasses import replace

    import pytest

    from handouts.errors import ContentError

    document = prepare(Registry(), "car-t-side-effects").document
    with pytest.raises(ContentError) as error:
        check_document(Registry(), replace(document, kind="leaflet"))
    assert "unknown kind 'leaflet'" in str(error.value) and "module.yaml:1:" in str(error.value)


def test_a_registered_kind_without_checks_is_an_error_naming_the_file(monkeypatch):
    """A kind is registered before its stages are written: its handouts are refused with the file,
    never checked as another kind."""
    from dataclasses import replace

    import pytest

    from handouts import kinds
    from handouts.errors import ContentError

    document = prepare(Registry(), "car-t-side-effects").document
    monkeypatch.setitem(kinds.KINDS, "leaflet", replace(kinds.KINDS["sheet"], name="leaflet"))
    with pytest.raises(ContentError) as error:
        check_document(Registry(), replace(document, kind="leaflet"))
    assert "kind 'leaflet' has no checks stage yet" in str(error.value) and "module.yaml:1:" in str(error.value)
