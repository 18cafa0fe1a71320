"""A translation says what its English says: every placeholder kept, no format of its own, the
same link targets, and a catalogue that parses. Each fault is reported at the .po file and line."""

from __future__ import annotations

import pytest

from handouts.build import BuildFailed, build_handouts
from handouts.check import check_all
from handouts.facts import placeholder_problem
from handouts.registry import Registry

FEVER_LINE = 55  # the msgstr of "A fever of {fever} or higher" in the mini-card's es.po


def _break_catalogue(content_copy, old: str, new: str):
    path = content_copy / "mini-card" / "locales" / "es.po"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _failure(content_copy, tmp_path) -> str:
    with pytest.raises(BuildFailed) as caught:
        build_handouts(["mini-card"], locale="es", content=[content_copy], out_dir=tmp_path)
    assert not list(tmp_path.glob("*.pdf"))
    return caught.value.format_message()


@pytest.mark.parametrize("msgstr, says", [
    ('"Fiebre de 38 o más"', "the English has {fever}, the translation does not"),
    ('"Fiebre de {fever} o {fever} más"', "{fever} is not in the English"),
    ('"Fiebre de {fiebre} o más"', "unknown placeholder {fiebre}"),
    ('"Fiebre de {fever:x} o más"', "a placeholder takes no format"),
    ('"Fiebre de {fever:10} o más"', "a placeholder takes no format"),
    ('"Fiebre de {fever!r} o más"', "a placeholder takes no format"),
    ('"Fiebre de {fever o más"', "a single '{' or '}'"),
])
def test_a_translation_that_changes_placeholders_fails_build_and_check(content_copy, tmp_path, msgstr, says):
    _break_catalogue(content_copy, '"Fiebre de {fever} o más"', msgstr)
    message = _failure(content_copy, tmp_path)
    assert f"mini-card/locales/es.po:{FEVER_LINE - 1}: back[2].bullets[1] [es]: " in message, message
    assert says in message
    report = check_all(Registry.with_extra([content_copy]), render=False)
    assert any(p.path.endswith("mini-card/locales/es.po") and says in p.message for p in report.problems)


def test_a_translation_may_not_link_elsewhere(content_copy, tmp_path):
    _break_catalogue(content_copy, '"Dificultad para respirar"', '"[Dificultad](https://example.org) para respirar"')
    message = _failure(content_copy, tmp_path)
    assert "mini-card/locales/es.po:59:" in message and "the links differ from the English" in message


def test_an_unterminated_string_in_a_catalogue_is_an_error_at_its_line(content_copy, tmp_path):
    _break_catalogue(content_copy, 'msgstr "Dificultad para respirar"', 'msgstr "Dificultad para respirar')
    message = _failure(content_copy, tmp_path)
    assert "mini-card/locales/es.po:60: " in message and "unterminated" in message


def test_placeholder_problem_reads_the_english_too():
    assert placeholder_problem("Call at {fever}.") is None
    assert placeholder_problem("Llame a {fever}.", "Call at {fever}.") is None
    assert placeholder_problem("{fever} {fever}", "{fever}") == "{fever} is not in the English"
    assert "{stay_near_weeks}" in placeholder_problem("Quédese cerca.", "Stay near for {stay_near_weeks} weeks.")


def test_build_strict_fails_on_a_fuzzy_string_and_names_its_line(run, content_copy, tmp_path):
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Trouble breathing or a cough"))
    from handouts.translations import update

    update(Registry.with_extra([content_copy]))  # the changed English makes its translation fuzzy
    out = tmp_path / "out"
    relaxed = run("build", "mini-card", "-l", "es", "--content", content_copy, "-o", out)
    assert relaxed.exit_code == 0 and "is fuzzy" in relaxed.output
    strict = run("build", "mini-card", "-l", "es", "--strict", "--content", content_copy, "-o", out)
    assert strict.exit_code == 1
    assert "mini-card/locales/es.po:" in strict.output and "'back[2].bullets[2]' is fuzzy" in strict.output
    (out / "mini-card.es.a4.pdf").unlink()
    strict = run("build", "mini-card", "-l", "es", "--strict", "--content", content_copy, "-o", out)
    assert strict.exit_code == 1 and not (out / "mini-card.es.a4.pdf").exists()
