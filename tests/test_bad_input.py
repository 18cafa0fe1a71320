"""Hostile or broken input ends in one line naming the file and line, exit 1; a bug in the tool
says so (exit 3); nothing is ever half-written and no traceback is ever printed."""

from __future__ import annotations

import pytest
from PIL import Image


def _one_line_error(result, where: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [line] = [text for text in result.output.splitlines() if text.startswith(("Error:", "error:"))]
    assert where in line, line
    return line


@pytest.mark.parametrize("profile, line", [
    # nine references at each of four levels: 6,561 values from four short lines
    ('name: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
     'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n', 2),
    ("base: &base {name: x}\nclinic:\n  <<: *base\n", 3),
    ("name: &n Riverside\naddress: *n\n", 2),
])
def test_yaml_aliases_are_refused(run, tmp_path, profile, line):
    path = tmp_path / "clinic.yaml"
    path.write_text(profile)
    result = run("build", "car-t-side-effects", "--clinic", path)
    message = _one_line_error(result, f"clinic.yaml:{line}: YAML aliases")
    assert "not allowed" in message
    assert not list(tmp_path.glob("build/*.pdf"))


def _logo(tmp_path, name: str, make) -> object:
    make(tmp_path / name)
    profile = tmp_path / "clinic.yaml"
    profile.write_text(f"name: Riverside\nlogo: {name}\n")
    return profile


@pytest.mark.parametrize("name, make, says", [
    ("huge.png", lambda p: Image.new("1", (5000, 5000)).save(p), "5000 x 5000 pixels"),
    ("sparse.png", lambda p: open(p, "wb").truncate(3 * 1024 ** 3), "3072.0 MB"),
    ("fake.png", lambda p: p.write_bytes(b"GIF89a not a png"), "not a readable PNG or JPEG"),
    ("gif.png", lambda p: Image.new("RGB", (10, 10)).save(p, format="GIF"), "a GIF image"),
])
def test_a_logo_is_checked_before_it_is_decoded(run, tmp_path, name, make, says):
    result = run("build", "car-t-side-effects", "--clinic", _logo(tmp_path, name, make))
    assert says in _one_line_error(result, "clinic.yaml:2: logo")


def test_a_kind_that_is_a_list_is_a_schema_error(run, edit, content_copy):
    edit("mini-card", "kind: card", "kind: [1, 2]")
    result = run("check", "--content", content_copy)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "mini-card/module.yaml:2:" in result.output and "kind" in result.output


def test_a_bug_is_called_a_bug(run, monkeypatch):
    from handouts import listing

    def broken(**_):
        raise RuntimeError("something no input should cause")

    monkeypatch.setattr(listing, "describe", broken)
    result = run("list")
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "internal error in handouts" in result.output and "This is a bug" in result.output
    assert "RuntimeError" in result.output and "something no input should cause" in result.output


@pytest.mark.parametrize("value, says", [
    (".nan", "should be a finite number"), (".inf", "should be a finite number"),
    ("100.4", "should be at most 39"), ("37", "should be at least 37.5"),
])
def test_a_fever_threshold_is_a_finite_number_in_range(run, tmp_path, value, says):
    profile = tmp_path / "clinic.yaml"
    profile.write_text(f"name: Riverside\nsettings:\n  fever_threshold_c: {value}\n")
    result = run("build", "car-t-side-effects", "--clinic", profile)
    assert says in _one_line_error(result, "clinic.yaml:3: settings.fever_threshold_c")


def test_a_fact_out_of_range_is_refused_at_its_line(run, content_copy):
    (content_copy / "facts.yaml").write_text(
        "fever_threshold_c:\n  value: 100.4\n  unit: celsius\n  since: 2026-01-01\n")
    result = run("build", "mini-card", "--content", content_copy)
    assert "should be at most 39" in _one_line_error(result, "facts.yaml:2: fever_threshold_c.value")


def test_a_version_of_three_thousand_words_is_refused(run, content_copy):
    path = content_copy / "mini-card" / "module.yaml"
    path.write_text(path.read_text().replace('version: "0.1"', f'version: "{" ".join(["word"] * 3000)}"'))
    result = run("build", "mini-card", "--content", content_copy)
    assert "keep it to 20 at most" in _one_line_error(result, "mini-card/module.yaml:4: version: is 14999")


def test_a_lone_surrogate_is_named_not_a_crash(run, content_copy):
    path = content_copy / "mini-card" / "module.yaml"
    path.write_text(path.read_text().replace("title: Test alert card", 'title: "Bad \\ud800 title"'))
    result = run("build", "mini-card", "--content", content_copy)
    assert "U+D800" in _one_line_error(result, "mini-card/module.yaml:1: title")


def test_a_table_taller_than_a_page_is_named_without_an_object_address(run, content_copy):
    path = content_copy / "mini-sheet" / "module.yaml"
    long_cell = " ".join(["Apples keep well in a cool dry place."] * 200)
    path.write_text(path.read_text().replace("left: Crisp.", f"left: {long_cell}", 1))
    result = run("build", "mini-sheet", "--content", content_copy)
    message = _one_line_error(result, "mini-sheet/module.yaml")
    assert "taller than a page" in message and "0x" not in message and "Flowable" not in message


def test_an_unwritable_cache_is_one_line_in_check(run, tmp_path, monkeypatch):
    """The reading-level check stores NLTK's syllable dictionary once; where neither the cache nor
    the temp folder can be written (a file stands where a folder should), check says so in a line."""
    import tempfile

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker / "tmp"))
    result = run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot store the syllable dictionary" in result.output and "XDG_CACHE_HOME" in result.output


def test_an_unknown_placeholder_is_a_problem_in_check_too(run, edit, content_copy):
    edit("mini-card", "Do not drive for {no_driving_weeks}.", "Wait {nope} weeks.")
    result = run("check", "--content", content_copy)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "mini-card/module.yaml:" in result.output and "unknown placeholder {nope}" in result.output


@pytest.mark.parametrize("setting, message", [
    ('emergency_number: "call 911"', "settings.emergency_number: digits, spaces, + and - only"),
    ('emergency_number: "1234567890123456"', "settings.emergency_number: is 16 characters long"),
    ("emergency_number: '<b>911</b>'", "contains markup"),
    ("temperature_first: kelvin", "settings.temperature_first: 'kelvin' is not one of: celsius, fahrenheit"),
])
def test_bad_emergency_and_temperature_settings(run, tmp_path, setting, message):
    path = tmp_path / "clinic.yaml"
    path.write_text(f"name: Riverside\nsettings:\n  {setting}\n")
    result = run("build", "car-t-side-effects", "--clinic", path)
    assert message in _one_line_error(result, "clinic.yaml:3: ")
    assert not list(tmp_path.glob("build/*.pdf"))


def test_a_counted_placeholder_followed_by_its_word_is_refused(run, edit, content_copy):
    edit("mini-sheet", "Call your team if you have a fever of {fever} or higher.",
         "Stay near for {stay_near_weeks} weeks.")
    result = run("build", "mini-sheet", "--content", content_copy)
    line = _one_line_error(result, "mini-sheet/module.yaml:")
    assert "{stay_near_weeks} prints its number with the word" in line


def test_an_emergency_box_too_tall_for_the_first_page_fails_naming_the_module(run, edit, content_copy):
    signs = "\n".join(f"    - sign number {n} that goes on and on, written out at length for a test"
                      for n in range(12))
    edit("mini-sheet", "comparison:\n", "emergency:\n  call_emergency: [a seizure]\n  call_team:\n"
         f"{signs}\ncomparison:\n")
    result = run("build", "mini-sheet", "--content", content_copy, "--large-print", "--paper", "letter")
    line = _one_line_error(result, "mini-sheet/module.yaml:")
    assert "the emergency box" in line and "shorten emergency.call_emergency" in line
    assert not list(content_copy.parent.glob("build/*.pdf"))


def test_a_kind_the_schema_admits_but_nothing_builds_is_one_line_with_file_and_line(content_copy, edit, monkeypatch,
                                                                                     run, tmp_path):
    """A kind registered before its builder (as a new kind is, while it is written) fails with the
    module's file and line: never drawn as some other kind, never a traceback."""
    import re
    from dataclasses import replace

    from handouts import content, kinds
    from handouts.schema import Choice

    monkeypatch.setitem(kinds.KINDS, "leaflet", replace(kinds.KINDS["comparison"], name="leaflet"))
    monkeypatch.setitem(content.META_FIELDS, "kind", Choice(required=True, values=tuple(kinds.KINDS)))
    edit("mini-sheet", "kind: comparison", "kind: leaflet")
    result = run("build", "mini-sheet", "--content", content_copy, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    [line] = [text for text in result.output.splitlines() if "leaflet" in text]
    assert re.search(r"mini-sheet/module\.yaml:3: kind 'leaflet' has no document stage yet", line), line
    assert "Traceback" not in result.output and not list((tmp_path / "out").glob("*.pdf"))
