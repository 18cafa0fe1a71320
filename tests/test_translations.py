"""gettext catalogues: extraction, fuzzy updates, status, fallbacks and the draft notice."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from pdfread import pdf_text
from pypdf import PdfReader

from handouts.build import build_handouts
from handouts.errors import HandoutsError
from handouts.i18n import review_status
from handouts.registry import Registry
from handouts.translations import extract, status, update


def test_extract_is_stable(content_copy):
    registry = Registry.with_extra([content_copy])
    assert extract(registry) == []  # the fixtures' templates are current
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Trouble breathing or a cough"))
    changed = extract(Registry.with_extra([content_copy]))
    assert changed == [content_copy / "mini-card" / "locales" / "messages.pot"]
    assert extract(Registry.with_extra([content_copy])) == []


def test_changed_english_becomes_fuzzy_and_falls_back(content_copy, run):
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Trouble breathing or a cough"))
    update(Registry.with_extra([content_copy]))
    catalogue = read_po(open(content_copy / "mini-card" / "locales" / "es.po", "rb"), locale="es")
    entry = catalogue.get("Trouble breathing or a cough")
    assert entry.fuzzy and entry.string == "Dificultad para respirar"
    # the old English stays beside it, so a translator sees what changed
    assert '#| msgid "Trouble breathing"' in (content_copy / "mini-card" / "locales" / "es.po").read_text()
    [row] = status(Registry.with_extra([content_copy]))
    assert (row.module, row.locale, row.translated, row.fuzzy, row.missing) == ("mini-card", "es", 8, 1, 0)
    # The build uses English for the fuzzy string and says so; check --strict fails on it.
    result = run("build", "mini-card", "-l", "es", "--content", content_copy)
    assert result.exit_code == 0
    assert "mini-card [es]: 'back[2].bullets[2]' is fuzzy (the English changed), English used" in result.output
    strict = run("check", "--strict", "--content", content_copy)
    assert strict.exit_code == 1
    assert "mini-card [es]: 'back[2].bullets[2]' is fuzzy" in strict.output


def test_status_command(run, content_copy):
    result = run("i18n", "status", "--content", content_copy)
    assert result.exit_code == 0
    assert "mini-card" in result.output and "100.0%" in result.output


def test_new_locale_and_unknown_locale(run, content_copy):
    result = run("i18n", "update", "--locale", "fr", "--content", content_copy)
    assert result.exit_code == 0
    assert (content_copy / "mini-sheet" / "locales" / "fr.po").is_file()
    bad = run("i18n", "update", "--locale", "xx-nope", "--content", content_copy)
    assert bad.exit_code == 1 and "not a locale Babel knows" in bad.output


def test_spanish_build_is_marked_draft_on_every_page(fixtures, tmp_path):
    [pdf] = build_handouts(["mini-card"], locale="es", content=[fixtures / "content"], out_dir=tmp_path).written
    reader = PdfReader(str(pdf))
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "Draft translation: not yet checked by a clinician." in text
        assert "Traducción en borrador" in text  # the same notice in Spanish
    text = pdf_text(pdf)
    assert "Recibí un tratamiento de prueba" in text and "Fiebre de 38 °C (100,4 °F) o más" in text
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_reviewed_catalogue_has_no_draft_notice(content_copy, tmp_path):
    review = content_copy / "mini-card" / "locales" / "review.yaml"
    review.write_text("es:\n  status: reviewed\n  reviewed_by: Dr. A. Example\n  reviewed_on: 2026-11-20\n")
    common = Registry().content_dirs[0] / "_common"
    assert review_status(common, "es")["status"] == "draft"
    [pdf] = build_handouts(["mini-card"], locale="es", content=[content_copy], out_dir=tmp_path).written
    # The module is reviewed, but the bundled common words are a draft: the notice stays.
    assert "Draft translation" in pdf_text(pdf)


def test_review_claim_needs_reviewer(content_copy, tmp_path):
    review = content_copy / "mini-card" / "locales" / "review.yaml"
    review.write_text("es:\n  status: reviewed\n")
    with pytest.raises(HandoutsError, match="needs reviewed_by and reviewed_on"):
        build_handouts(["mini-card"], locale="es", content=[content_copy], out_dir=tmp_path)
