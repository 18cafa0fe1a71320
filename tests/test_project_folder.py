"""The user's folder is a project: new modules, its own common words, facts and reviews, --all,
locale fallback, and no command writing into the installed package."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from catalogue import PDFS
from pdfread import pdf_text
from pypdf import PdfReader

import handouts.registry as registry_module
from handouts.batch import BatchReport, Outcome
from handouts.clinic import Clinic
from handouts.content import module_locales
from handouts.document import placeholder_values
from handouts.facts import load_facts, placeholder_problem
from handouts.i18n import translator_for
from handouts.kinds import KINDS
from handouts.project import PROJECT_FIELDS
from handouts.registry import Registry, bundled_dir, bundled_is_installed, catalogue_candidates

README = Path(__file__).parent.parent / "README.md"


def write_catalogue(path: Path, locale: str, translations: dict[str, str]) -> Path:
    """A real gettext catalogue, written by Babel as translators' tools write them."""
    catalog = Catalog(locale=locale.replace("-", "_"), project="test")
    for english, translated in translations.items():
        catalog.add(english, translated)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        write_po(file, catalog)
    return path


def one_line_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


# -- handouts new -------------------------------------------------------------------------------

def test_new_offers_every_kind(run):
    help_text = run("new", "--help").output
    assert all(kind in help_text for kind in KINDS)


def test_new_modules_build_at_once_and_pass_check(run, tmp_path):
    """From an empty folder: one module of each kind, English placeholder text, built and checked."""
    for kind in KINDS:
        result = run("new", f"my-{kind}", "--kind", kind)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"content/my-{kind}/module.yaml"
        text = (tmp_path / "content" / f"my-{kind}" / "module.yaml").read_text()
        assert f"kind: {kind}" in text and 'title: "REPLACE:' in text
    # the folder became a project naming its content, so a plain build finds the modules
    assert yaml.safe_load((tmp_path / "handouts.yaml").read_text()) == {"content": ["content"]}
    plain = run("build", "my-card")
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.split() == ["build/my-card.en.a4.pdf"]
    assert "REPLACE: a line. Show this card to any nurse." in pdf_text(tmp_path / "build/my-card.en.a4.pdf")
    explicit = run("build", "my-card", "my-sheet", "my-checklist", "my-comparison", "--content", "content",
                   "-o", "out")
    assert explicit.exit_code == 0, explicit.output
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4
    sheet = pdf_text(tmp_path / "out/my-sheet.en.a4.pdf")
    assert "REPLACE: the title of your handout" in sheet and "REPLACE: the first thing to know." in sheet
    checked = run("check", "--content", "content")
    assert checked.exit_code == 0, checked.output
    assert "content/my-" not in checked.output  # no problem, no warning names them
    assert "my-comparison" in checked.output and "my-checklist" in checked.output  # they were measured


def test_new_refuses_a_taken_or_bad_name(run, tmp_path):
    assert run("new", "my-card", "--kind", "card").exit_code == 0
    before = (tmp_path / "content/my-card/module.yaml").read_text()
    again = one_line_error(run("new", "my-card", "--kind", "sheet"))
    assert "content/my-card/module.yaml: module 'my-card' exists already" in again
    assert (tmp_path / "content/my-card/module.yaml").read_text() == before  # not overwritten
    bundled = one_line_error(run("new", "car-t-journey", "--kind", "sheet"))
    assert "module 'car-t-journey' exists already" in bundled
    for bad in ("My_Card", "_common", "two--hyphens", "x" * 65, "-card"):
        result = run("new", "--kind", "card", "--", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "Invalid value for MODULE" in result.output
        assert not (tmp_path / "content" / bad).exists()
    assert run("new", "my-leaflet", "--kind", "leaflet").exit_code == 2


def test_new_leaves_an_existing_project_file_alone(run, tmp_path):
    project = tmp_path / "handouts.yaml"
    project.write_text("locales: [es]\n")
    result = run("new", "my-card", "--kind", "card", "--content", "mine")
    assert result.exit_code == 0, result.output
    assert project.read_text() == "locales: [es]\n"
    assert "handouts.yaml does not name mine" in result.output and "--content mine" in result.output
    assert (tmp_path / "mine/my-card/module.yaml").is_file()


# -- never writing inside the installed package ------------------------------------------------------

@pytest.fixture
def installed(tmp_path, monkeypatch, fixtures):
    """The bundled content as an installed wheel holds it: site-packages/handouts/_bundled/content."""
    package = tmp_path / "site-packages" / "handouts"
    content = package / "_bundled" / "content"
    shutil.copytree(fixtures / "content" / "mini-card", content / "mini-card")
    shutil.copytree(bundled_dir("content") / "_common", content / "_common")
    monkeypatch.setattr(registry_module, "PACKAGE_DIR", package)
    return content


def test_i18n_refuses_to_write_into_an_installed_package(run, installed, content_copy):
    assert bundled_is_installed()
    before = sorted((p, p.read_bytes()) for p in installed.rglob("*") if p.is_file())
    for args in (["extract"], ["update"], ["update", "--locale", "fr"]):
        out = one_line_error(run("i18n", *args))
        assert "would write inside the installed handouts package" in out and "--content DIR" in out
        assert len(out.strip().splitlines()) == 1
    assert sorted((p, p.read_bytes()) for p in installed.rglob("*") if p.is_file()) == before
    # a folder of one's own still works, and nothing lands in the package
    assert run("i18n", "update", "--locale", "fr", "--content", content_copy).exit_code == 0
    assert (content_copy / "mini-card/locales/fr.po").is_file() and not (installed / "mini-card/locales/fr.po").exists()
    assert one_line_error(run("new", "x-card", "--kind", "card", "--content", installed))


def test_i18n_still_writes_the_bundled_content_of_a_source_checkout(run, tmp_path, monkeypatch, fixtures):
    checkout = tmp_path / "checkout"
    shutil.copytree(fixtures / "content", checkout / "content")
    shutil.copytree(bundled_dir("content") / "_common", checkout / "content" / "_common")
    (checkout / "content/mini-card/locales/messages.pot").unlink()
    monkeypatch.setattr(registry_module, "PACKAGE_DIR", checkout / "handouts")
    assert not bundled_is_installed()
    result = run("i18n", "extract")
    assert result.exit_code == 0, result.output
    assert (checkout / "content/mini-card/locales/messages.pot").is_file()
    assert run("i18n", "update", "--locale", "fr").exit_code == 0
    assert (checkout / "content/_common/locales/fr.po").is_file()
    assert (checkout / "content/mini-sheet/locales/fr.po").is_file()


def test_the_real_checkout_is_not_an_installed_package():
    assert bundled_dir("content") == Path(registry_module.__file__).resolve().parent.parent / "content"
    assert not bundled_is_installed()


# -- a clinic's own common words ---------------------------------------------------------------------

@pytest.fixture
def clinic_folder(tmp_path, fixtures) -> Path:
    folder = tmp_path / "clinic"
    shutil.copytree(fixtures / "content" / "mini-card", folder / "mini-card")
    return folder


def test_own_common_strings_reword_the_bundled_ones_key_by_key(run, tmp_path, clinic_folder):
    (clinic_folder / "_common").mkdir()
    (clinic_folder / "_common/strings.yaml").write_text('card_notice: "Not medical advice. Ask us."\n')
    result = run("build", "mini-card", "--content", clinic_folder)
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "build/mini-card.en.a4.pdf")
    assert "Not medical advice. Ask us." in text
    assert "Cut along the crop marks" in text  # the other keys are still the bundled ones
    (clinic_folder / "_common/strings.yaml").write_text('card_notice: "x"\nnotise: "typo"\n')
    out = one_line_error(run("build", "mini-card", "--content", clinic_folder, "--force"))
    assert "_common/strings.yaml:2: unknown common string 'notise'" in out
    (clinic_folder / "_common/strings.yaml").write_text('page: "Page {page}"\n')
    out = one_line_error(run("build", "mini-card", "--content", clinic_folder, "--force"))
    assert "_common/strings.yaml:1: page: keep the placeholders" in out


def test_a_new_language_gets_its_own_notice(run, tmp_path, clinic_folder):
    write_catalogue(clinic_folder / "mini-card/locales/pt-BR.po", "pt-BR",
                    {"I had a test treatment": "Fiz um tratamento de teste"})
    without = run("build", "mini-card", "-l", "pt-BR", "--content", clinic_folder)
    assert without.exit_code == 0, without.output
    assert "_common [pt-BR]: '_common.card_notice' is missing, English used" in without.output
    write_catalogue(clinic_folder / "_common/locales/pt-BR.po", "pt-BR",
                    {"Carry this card. Show it to any doctor or nurse.": "Não é aconselhamento médico.",
                     "Draft translation: not yet checked by a clinician.": "Tradução em rascunho."})
    result = run("build", "mini-card", "-l", "pt-BR", "--content", clinic_folder, "-o", "pt")
    assert result.exit_code == 0, result.output
    assert "'_common.card_notice' is missing" not in result.output
    text = pdf_text(tmp_path / "pt/mini-card.pt-BR.a4.pdf")
    assert "Não é aconselhamento médico." in text and "Fiz um tratamento de teste" in text
    assert "Tradução em rascunho. / Draft translation" in text


def test_own_common_catalogue_replaces_the_bundled_one(run, tmp_path, clinic_folder):
    write_catalogue(clinic_folder / "_common/locales/es.po", "es",
                    {"Carry this card. Show it to any doctor or nurse.": "No es consejo médico (clínica)."})
    result = run("build", "mini-card", "-l", "es", "--content", clinic_folder)
    assert result.exit_code == 0, result.output
    assert "No es consejo médico (clínica)." in pdf_text(tmp_path / "build/mini-card.es.a4.pdf")


def test_i18n_update_starts_a_clinics_common_catalogue_from_the_bundled_one(run, clinic_folder):
    (clinic_folder / "_common").mkdir()
    (clinic_folder / "_common/strings.yaml").write_text('card_notice: "Carry this card. Show it to any doctor."\n')
    assert run("i18n", "extract", "--content", clinic_folder).exit_code == 0
    template = (clinic_folder / "_common/locales/messages.pot").read_text()
    assert 'msgid "Carry this card. Show it to any doctor."' in template
    assert run("i18n", "update", "--locale", "es", "--content", clinic_folder).exit_code == 0
    with open(clinic_folder / "_common/locales/es.po", "rb") as file:
        ours = read_po(file, locale="es")
    with open(bundled_dir("content") / "_common/locales/es.po", "rb") as file:
        bundled = read_po(file, locale="es")
    assert ours.get("Words to know").string == bundled.get("Words to know").string != ""
    reworded = ours.get("Carry this card. Show it to any doctor.")
    old = bundled.get("Carry this card. Show it to any doctor or nurse.").string
    assert reworded.fuzzy and reworded.string == old != ""  # the bundled Spanish, to check
    status = run("i18n", "status", "--content", clinic_folder)
    assert "_common" in status.output


# -- a clinic's own facts ------------------------------------------------------------------------

def _card_with(folder: Path, bullet: str) -> None:
    path = folder / "mini-card/module.yaml"
    text = path.read_text()
    assert "      - Trouble breathing\n" in text
    path.write_text(text.replace("      - Trouble breathing\n", f"      - Trouble breathing\n      - \"{bullet}\"\n"))


def test_own_facts_are_placeholders_in_the_locales_notation(run, tmp_path, clinic_folder):
    (clinic_folder / "facts.yaml").write_text(
        "visit_days:\n  value: 2.5\n  since: 2026-01-01\n  unit: days\n"
        "pharmacy:\n  value: Building B\n  since: 2026-01-01\n")
    _card_with(clinic_folder, "Come back in {visit_days} days, to {pharmacy}.")
    for locale in ("en", "es"):
        result = run("build", "mini-card", "-l", locale, "--content", clinic_folder)
        assert result.exit_code == 0, result.output
    english, spanish = (pdf_text(tmp_path / f"build/mini-card.{loc}.a4.pdf") for loc in ("en", "es"))
    assert "Come back in 2.5 days, to Building B." in english
    assert "Come back in 2,5 days, to Building B." in spanish  # untranslated, but the number is Spanish
    assert "38 °C (100.4 °F)" in english and "38 °C (100,4 °F)" in spanish  # the bundled facts as ever
    # the placeholder belongs to the folder that defines it: without it, it is unknown again
    with_own = placeholder_values(load_facts(Registry.with_extra([clinic_folder])), Clinic())
    assert placeholder_problem("{visit_days}", known=with_own) is None
    bundled = placeholder_values(load_facts(Registry()), Clinic())
    assert placeholder_problem("{visit_days}", known=bundled) == "unknown placeholder {visit_days}"


def test_unknown_placeholders_and_doubtful_facts_are_errors(run, clinic_folder):
    (clinic_folder / "facts.yaml").write_text("visit_days:\n  value: 2\n  since: 2026-01-01\n")
    _card_with(clinic_folder, "Come back in {visit_day} days.")
    out = one_line_error(run("build", "mini-card", "--content", clinic_folder))
    assert "unknown placeholder {visit_day}" in out and "mini-card/module.yaml:" in out
    for facts, message in [
        ("stay_near_week:\n  value: 3\n  since: 2026-01-01\n", "facts.yaml:1: unknown fact 'stay_near_week': did you"),
        ("fever:\n  value: 39\n  since: 2026-01-01\n", "facts.yaml:1: fact 'fever': {fever} is a placeholder already"),
        ("Visit-Days:\n  value: 3\n  since: 2026-01-01\n", "facts.yaml:1: fact 'Visit-Days': a name is lower-case"),
        ("room:\n  value: \"*B*\"\n  since: 2026-01-01\n", "a text fact is printed as written"),
        ("room:\n  value: 3\n", "missing required key 'room.since'"),
    ]:
        (clinic_folder / "facts.yaml").write_text(facts)
        assert message in one_line_error(run("build", "mini-card", "--content", clinic_folder, "--force"))


# -- a clinic's own review -----------------------------------------------------------------------

REVIEWED = "es:\n  status: reviewed\n  reviewed_by: Dr. A. Example\n  reviewed_on: 2026-11-20\n"


def test_a_clinics_review_yaml_counts_for_a_bundled_module(run, tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "car-t-side-effects/locales").mkdir(parents=True)
    (clinic / "car-t-side-effects/locales/review.yaml").write_text(REVIEWED)
    registry = Registry.with_extra([clinic])
    assert translator_for(registry.module("car-t-side-effects"), "es").review["reviewed_by"] == "Dr. A. Example"
    assert translator_for(registry.module("car-t-journey"), "es").draft  # only the module named
    # the common words are still a draft, so the notice stays ...
    result = run("build", "car-t-side-effects", "-l", "es", "--content", clinic)
    assert result.exit_code == 0, result.output
    assert "Draft translation" in pdf_text(tmp_path / "build/car-t-side-effects.es.a4.pdf")
    # ... until the clinic says it reviewed those too
    (clinic / "_common/locales").mkdir(parents=True)
    (clinic / "_common/locales/review.yaml").write_text(REVIEWED)
    result = run("build", "car-t-side-effects", "-l", "es", "--content", clinic, "-o", "reviewed")
    assert result.exit_code == 0, result.output
    assert "Draft translation" not in pdf_text(tmp_path / "reviewed/car-t-side-effects.es.a4.pdf")
    manifest = yaml.safe_load((tmp_path / "reviewed/manifest.json").read_text())
    assert manifest["items"][0]["review_status"] == "reviewed"
    (clinic / "_common/locales/review.yaml").write_text("es:\n  status: reviewed\n")
    out = one_line_error(run("build", "car-t-side-effects", "-l", "es", "--content", clinic, "-o", "bad"))
    assert "clinic/_common/locales/review.yaml:1: es: status 'reviewed' needs reviewed_by" in out


# -- --all means all ---------------------------------------------------------------------------

@pytest.fixture
def planned(monkeypatch):
    """The items a build would make, without making them."""
    import handouts.batch

    seen = []

    def fake_run_batch(plan, items, **options):
        seen[:] = items
        return BatchReport(outcomes=[Outcome(item, "up to date") for item in items])

    monkeypatch.setattr(handouts.batch, "run_batch", fake_run_batch)
    return seen


def test_all_ignores_the_project_files_lists(run, tmp_path, planned):
    (tmp_path / "handouts.yaml").write_text(
        "modules: [questions-to-ask]\nlocales: [es]\npapers: [letter]\nvariants: [standard]\n")
    assert run("build").exit_code == 0
    assert [(i.module, i.locale, i.paper, i.variant) for i in planned] == [("questions-to-ask", "es", "letter",
                                                                           "standard")]
    assert run("build", "--all").exit_code == 0
    registry = Registry()
    expected = sum(len(module_locales(registry.module(name))) for name in registry.module_paths()) * 2 * 2
    assert len(planned) == expected == PDFS
    assert {i.paper for i in planned} == {"a4", "letter"} and {i.variant for i in planned} == {"standard",
                                                                                            "large-print"}
    assert {i.module for i in planned} == set(registry.module_paths())


# -- locale fallback -------------------------------------------------------------------------------

def test_catalogue_candidates_drop_the_region_not_the_script():
    assert catalogue_candidates("es-MX") == ["es-MX", "es"]
    assert catalogue_candidates("es-419") == ["es-419", "es"]
    assert catalogue_candidates("zh-Hant-TW") == ["zh-Hant-TW", "zh-Hant"]
    assert catalogue_candidates("zh-Hans") == ["zh-Hans"]


def test_a_regional_locale_falls_back_to_its_language(run, tmp_path, fixtures, caplog):
    with caplog.at_level(logging.WARNING, logger="handouts"):
        result = run("build", "mini-card", "-l", "es-MX", "--content", fixtures / "content")
    assert result.exit_code == 0, result.output
    assert "mini-card [es-MX]: no es-MX catalogue, so the es one is used" in caplog.text
    assert "mini-card/locales/es.po" in caplog.text
    pdf = tmp_path / "build/mini-card.es-MX.a4.pdf"
    text = pdf_text(pdf)
    assert "Recibí un tratamiento de prueba" in text and "Lleve esta tarjeta." in text  # module and common
    assert PdfReader(str(pdf)).trailer["/Root"]["/Lang"] == "es-MX"
    out = one_line_error(run("build", "mini-card", "-l", "pt-BR", "--content", fixtures / "content"), code=2)
    assert "no 'pt-BR' translation" in out


def test_the_fallback_warning_reaches_the_terminal(tmp_path, fixtures):
    """Outside pytest's log capture, the warning is one plain line on stderr."""
    result = subprocess.run([sys.executable, "-m", "handouts", "build", "mini-card", "-l", "es-MX", "--content",
                             str(fixtures / "content")], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning: mini-card [es-MX]: no es-MX catalogue, so the es one is used" in result.stderr


def test_translation_files_name_every_catalogue_a_handout_may_read(clinic_folder):
    """What a batch must hash to know a handout is stale: the fallback catalogue and the clinic's files too."""
    registry = Registry.with_extra([clinic_folder])
    files = registry.translation_files(clinic_folder / "_common", "es-MX")
    for root in (bundled_dir("content"), clinic_folder):
        for name in ("locales/es-MX.po", "locales/es.po", "locales/review.yaml", "strings.yaml"):
            assert root / "_common" / name in files
    module_files = registry.translation_files(clinic_folder / "mini-card", "es")
    assert clinic_folder / "mini-card/locales/es.po" in module_files
    assert not any(path.name == "strings.yaml" for path in module_files)


# -- documentation ----------------------------------------------------------------------------------

def test_readme_documents_every_project_key():
    readme = README.read_text()
    section = readme[readme.index("### handouts.yaml keys"):]
    section = section[:section.index("\n## ")]
    for key in PROJECT_FIELDS:
        assert f"| `{key}` |" in section, key
