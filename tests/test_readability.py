"""The readability gate: validated formulas only, targets from data, hard text fails --strict."""

from __future__ import annotations

from pathlib import Path

from handouts.document import prepare
from handouts.readability import count_words, measure
from handouts.registry import Registry

HARD = Path(__file__).parent / "fixtures" / "content-hard"


def _reading(registry, name, locale):
    return measure(registry, registry.module(name), prepare(registry, name, locale=locale).document)


def test_every_bundled_english_module_meets_its_targets():
    registry = Registry()
    for name in registry.module_paths():
        reading = _reading(registry, name, "en")
        assert reading.targets == {"smog": 8, "flesch_kincaid": 6}
        assert reading.verdict == "ok", (name, reading.scores)


def test_spanish_uses_its_own_formula_and_others_get_none():
    registry = Registry()
    spanish = _reading(registry, "immunotherapy-vs-car-t", "es")
    assert set(spanish.scores) == {"fernandez_huerta"} and spanish.scores["fernandez_huerta"] >= 70
    for locale in ("ar", "hi", "vi", "zh-Hans"):
        other = _reading(registry, "immunotherapy-vs-car-t", locale)
        assert other.scores == {} and other.verdict == "no validated formula"


def test_hard_text_fails_strict_and_names_the_hardest_sentence(run):
    relaxed = run("check", "--content", HARD)
    assert relaxed.exit_code == 0
    assert "warning: hard-sheet [en]: reads too hard" in relaxed.output
    strict = run("check", "--strict", "--content", HARD)
    assert strict.exit_code == 1
    assert "error: hard-sheet [en]: reads too hard: smog" in strict.output
    assert "start with: 'Immunomodulatory pharmacotherapeutic interventions" in strict.output
    assert "hard-sheet: plain language: has at least one explicit action fails" in strict.output


def test_a_module_can_set_its_own_target(content_copy):
    registry = Registry.with_extra([content_copy])
    assert _reading(registry, "mini-sheet", "en").verdict == "ok"
    path = content_copy / "mini-sheet" / "module.yaml"
    path.write_text(path.read_text().replace("sources: [test fixture]",
                                             "sources: [test fixture]\nreadability: {smog: 1, flesch_kincaid: 1}"))
    reading = _reading(Registry.with_extra([content_copy]), "mini-sheet", "en")
    assert reading.targets == {"smog": 1, "flesch_kincaid": 1} and reading.verdict.startswith("too hard")


def test_chinese_words_are_characters():
    assert count_words("免疫治疗和CAR-T细胞治疗") == 10  # nine characters and one Latin word
