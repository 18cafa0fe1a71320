"""The command line: every user mistake ends in one clear line and a non-zero exit."""

from __future__ import annotations

import pytest
import yaml
from pdfread import page_size_mm, pdf_fonts, pdf_text

from handouts import __version__


def test_version_and_help(run):
    assert __version__ in run("--version").output
    for command in ("build", "list", "check"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--content" in result.output


def test_help_does_not_import_reportlab():
    import subprocess
    import sys
    code = "import sys; from handouts.cli import main; sys.exit(1 if 'reportlab' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_build_prints_paths_of_written_pdfs(run, fixtures, tmp_path):
    result = run("build", "mini-sheet", "mini-card", "--content", fixtures / "content", "--paper", "letter")
    assert result.exit_code == 0, result.output
    paths = result.stdout.split()
    assert sorted(paths) == ["build/mini-card.en.letter.pdf", "build/mini-sheet.en.letter.pdf"]
    for path in paths:
        assert page_size_mm(tmp_path / path) == (215.9, 279.4)
        assert all(pdf_fonts(tmp_path / path).values())


def test_list_shows_modules_and_layouts(run, fixtures):
    result = run("list", "--content", fixtures / "content")
    assert result.exit_code == 0
    assert "mini-card" in result.output and "card" in result.output and "wallet-card" in result.output
    assert "immunotherapy-vs-car-t" in result.output  # bundled modules are listed too


def _error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def _usage(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_unknown_module(run):
    out = _usage(run("build", "no-such-module"))
    assert "unknown module 'no-such-module'" in out and "car-t-side-effects" in out


def test_unknown_locale(run, fixtures):
    out = _usage(run("build", "mini-card", "--content", fixtures / "content", "--locale", "xx"))
    assert "no 'xx' translation" in out


def test_unknown_paper(run, fixtures):
    out = _usage(run("build", "mini-card", "--content", fixtures / "content", "--paper", "a3"))
    assert "unknown paper 'a3'" in out and "letter" in out
    assert "is not I/N" in _usage(run("build", "mini-card", "--content", fixtures / "content", "--shard", "a/b"))


def test_malformed_yaml_names_file_and_line(run, content_copy, edit):
    edit("mini-card", "kind: card", "kind: [card")
    out = _error(run("build", "mini-card", "--content", content_copy))
    assert "mini-card/module.yaml:" in out and "malformed YAML" in out


def test_missing_required_field(run, content_copy, edit):
    edit("mini-sheet", 'version: "0.1"\n', "")
    out = _error(run("build", "mini-sheet", "--content", content_copy))
    assert "missing required key 'version'" in out and "mini-sheet/module.yaml:1" in out


def test_unknown_key_has_its_line(run, content_copy):
    path = content_copy / "mini-sheet" / "module.yaml"
    lines = path.read_text().splitlines()
    lines.insert(3, "colour: blue")
    path.write_text("\n".join(lines))
    out = _error(run("check", "--content", content_copy))
    assert "mini-sheet/module.yaml:4: unknown key 'colour'" in out


def test_unknown_layout(run, content_copy, edit):
    edit("mini-card", "layout: wallet-card", "layout: passport-card")
    out = _error(run("build", "mini-card", "--content", content_copy))
    assert "unknown layout 'passport-card'" in out


def test_unsafe_markup_in_content(run, content_copy, tmp_path, edit):
    edit("mini-sheet", "left: Crisp.", 'left: Crisp. <img src="/etc/passwd"/>')
    out = _error(run("build", "mini-sheet", "--content", content_copy))
    assert "raw HTML is not allowed" in out and "mini-sheet/module.yaml:19" in out
    assert not list((tmp_path / "build").glob("*.pdf")) if (tmp_path / "build").exists() else True


def test_javascript_link_in_content(run, content_copy, edit):
    edit("mini-sheet", "right: Soft when ripe.", "right: '[Soft](javascript:alert(1))'")
    out = _error(run("build", "mini-sheet", "--content", content_copy))
    assert "javascript:alert(1)" in out and "only https:, tel: and mailto:" in out


def test_text_too_long_for_card_names_field_and_writes_nothing(run, content_copy, tmp_path):
    path = content_copy / "mini-card" / "module.yaml"
    long_list = "".join(f"      - Sign number {i} that needs a call to the team\n" for i in range(30))
    path.write_text(path.read_text().replace("      - Trouble breathing\n", long_list))
    out = _error(run("build", "mini-card", "--content", content_copy))
    assert "back[2].bullets does not fit on the back of the card" in out
    assert "content/mini-card/module.yaml:13" in out
    assert not (tmp_path / "build" / "mini-card.en.a4.pdf").exists()


def test_clinic_profile_with_markup_is_refused(run, fixtures):
    out = _error(run("build", "mini-card", "--content", fixtures / "content",
                     "--clinic", fixtures / "clinics" / "markup.yaml"))
    assert "markup.yaml:3: phones.daytime: contains markup '<img" in out


def test_missing_logo_file(run, fixtures, tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: A clinic\nlogo: nowhere.png\n")
    out = _error(run("build", "mini-card", "--content", fixtures / "content", "--clinic", profile))
    assert "clinic.yaml:2: logo file 'nowhere.png' not found" in out


def test_missing_font_file(run, fixtures, tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "fonts.yaml").write_text(
        "Noto Sans:\n  regular: Missing-Regular.ttf\n  bold: NotoSans-Bold.ttf\n"
        "  italic: NotoSans-Italic.ttf\n  bold_italic: NotoSans-BoldItalic.ttf\n  licence: OFL.txt\n")
    out = _error(run("build", "mini-card", "--content", fixtures / "content", "--layouts", layouts))
    assert "fonts.yaml:2: font file 'Missing-Regular.ttf' for Noto Sans (regular) not found" in out


def test_unknown_placeholder(run, content_copy, edit):
    edit("mini-card", "{no_driving_weeks}", "{driving}")
    out = _error(run("build", "mini-card", "--content", content_copy))
    assert "unknown placeholder {driving}" in out


def test_check_lists_every_problem_then_fails(run, content_copy):
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("kind: card", "kind: poster"))
    sheet = content_copy / "mini-sheet" / "module.yaml"
    sheet.write_text(sheet.read_text().replace("reviewed: 2026-01-31", "reviewed: last week"))
    result = run("check", "--content", content_copy)
    assert result.exit_code == 1
    assert "mini-card/module.yaml:2: kind: 'poster' is not one of" in result.output
    assert "mini-sheet/module.yaml:6: reviewed: should be a date" in result.output
    assert "check failed: 2 problems" in result.output


def test_check_passes_on_bundled_content(run):
    result = run("check", "--strict")  # complete catalogues, every target met, large print too
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_bad_yaml_in_layout(run, fixtures, tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "wallet-card.yaml").write_text("extends: base\nrenderer: card\ncard: {width_mm: 85.6\n")
    out = _error(run("build", "mini-card", "--content", fixtures / "content", "--layouts", layouts))
    assert "wallet-card.yaml:" in out and "malformed YAML" in out


@pytest.mark.parametrize("module", ["mini-sheet", "mini-card", "mini-checklist"])
def test_clinic_details_are_printed_as_typed(run, fixtures, tmp_path, module):
    result = run("build", module, "--content", fixtures / "content",
                 "--clinic", fixtures / "clinics" / "riverside.yaml")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "build" / f"{module}.en.letter.pdf"  # the clinic's paper
    text = pdf_text(pdf)
    assert "555-0100" in text
    assert "<ask for the on-call oncologist>" in text  # shown, not interpreted
    if module != "mini-checklist":
        assert "Riverside Cancer Center & Clinic" in text
    assert page_size_mm(pdf) == (215.9, 279.4)


def test_clinic_fever_threshold_overrides_default(run, fixtures, tmp_path):
    run("build", "mini-card", "--content", fixtures / "content")
    assert "38 °C (100.4 °F)" in pdf_text(tmp_path / "build" / "mini-card.en.a4.pdf")
    run("build", "mini-card", "--content", fixtures / "content", "--clinic", fixtures / "clinics" / "riverside.yaml")
    assert "100.9 °F (38.3 °C)" in pdf_text(tmp_path / "build" / "mini-card.en.letter.pdf")  # Letter: °F first


def test_clinic_profile_is_valid_yaml_fixture(fixtures):
    assert yaml.safe_load((fixtures / "clinics" / "riverside.yaml").read_text())["paper"] == "letter"


def test_the_clinic_sets_the_emergency_number_and_the_temperature_order(run, tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside\npaper: letter\nsettings:\n  emergency_number: 911\n"
                       "  temperature_first: celsius\n")
    assert run("build", "car-t-journey", "--clinic", profile).exit_code == 0
    text = pdf_text(tmp_path / "build" / "car-t-journey.en.letter.pdf")
    assert "Call 911 now for:" in text and "38 °C (100.4 °F)" in text and "100.4 °F (38 °C)" not in text
    assert run("build", "car-t-journey", "-o", tmp_path / "plain").exit_code == 0  # no clinic, A4
    text = pdf_text(tmp_path / "plain" / "car-t-journey.en.a4.pdf")
    assert "Call your emergency number now for:" in text and "38 °C (100.4 °F)" in text


def test_build_formats_pdf_and_html_beside_it(run, fixtures, tmp_path):
    result = run("build", "mini-sheet", "--content", fixtures / "content", "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.split()) == ["build/mini-sheet.en.a4.pdf", "build/mini-sheet.en.html"]
    html = (tmp_path / "build" / "mini-sheet.en.html").read_text()
    assert html.startswith("<!") and 'lang="en"' in html
    entries = {e["path"]: e for e in __import__("json").loads((tmp_path / "build" / "manifest.json")
                                                              .read_text())["items"]}
    assert entries["mini-sheet.en.html"]["format"] == "html" and entries["mini-sheet.en.html"]["pages"] is None
    assert entries["mini-sheet.en.a4.pdf"]["format"] == "pdf" and entries["mini-sheet.en.a4.pdf"]["pages"] >= 1


def test_build_html_only_and_from_the_project_file(run, fixtures, tmp_path):
    result = run("build", "mini-card", "--content", fixtures / "content", "-f", "html", "-p", "letter", "-p", "a4")
    assert result.exit_code == 0 and result.stdout.split() == ["build/mini-card.en.html"]  # once, whatever the paper
    (tmp_path / "handouts.yaml").write_text(f"content: [{fixtures / 'content'}]\nmodules: [mini-checklist]\n"
                                            "formats: [html]\nout: site\n")
    result = run("build")
    assert result.exit_code == 0 and result.stdout.split() == ["site/mini-checklist.en.html"]
    result = run("build", "--format", "pdf")  # the command line wins
    assert result.exit_code == 0 and result.stdout.split() == ["site/mini-checklist.en.a4.pdf"]


def test_unknown_format_is_a_usage_error(run, fixtures):
    out = _usage(run("build", "mini-sheet", "--content", fixtures / "content", "--format", "pdf,docx"))
    assert "unknown format 'docx'" in out and "pdf, html" in out
