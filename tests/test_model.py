"""The document model stands on its own: no renderer, no ReportLab."""

from __future__ import annotations

import subprocess
import sys

import pytest

from handouts import model as m
from handouts.document import prepare
from handouts.registry import Registry


def test_importing_the_model_does_not_import_reportlab():
    code = "import sys, handouts.model, handouts.document; print('reportlab' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_furniture_is_decided_in_the_model():
    document = prepare(Registry(), "car-t-side-effects", locale="es").document
    fur = document.furniture
    assert fur.draft.endswith("Draft translation: not yet checked by a clinician.")  # and in Spanish before it
    assert fur.version.endswith(Registry().module("car-t-side-effects").version)
    assert fur.notice and fur.contacts.rows[0].number is None
    large = prepare(Registry(), "immunotherapy-vs-car-t", variant="large-print").document
    assert not large.furniture.notice_in_footer
    # large print: the emergency boxes first (the signs, the team's, who to call), then the notice
    assert [type(b).__name__ for b in large.blocks[:4]] == ["Emergency", "Emergency", "Emergency", "Callout"]
    assert large.blocks[3].role == "notice" and large.blocks[0].first_page and not large.blocks[1].first_page
    assert large.blocks[2].contacts is not None and not large.blocks[0].contacts
    standard = prepare(Registry(), "immunotherapy-vs-car-t").document
    assert [type(b).__name__ for b in standard.blocks[:2]] == ["Callout", "Emergency"]  # under the key points
    assert standard.blocks[1].contacts.rows == standard.furniture.contacts.rows  # the numbers; the name heads the page


def test_nodes_know_where_their_text_came_from():
    document = prepare(Registry(), "immunotherapy-vs-car-t", locale="es").document
    heading = next(block for block in document.blocks if isinstance(block, m.Heading))
    assert heading.source.path.endswith("immunotherapy-vs-car-t/locales/es.po") and heading.source.line
    english = prepare(Registry(), "immunotherapy-vs-car-t").document
    heading = next(block for block in english.blocks if isinstance(block, m.Heading))
    assert heading.source.path.endswith("module.yaml") and heading.source.line > 1


def test_text_typed_into_plain_fields_is_printed_as_typed(content_copy, tmp_path):
    """The model holds plain text: a tag typed into the version or the title is printed, never
    obeyed (the old renderer passed the version to ReportLab as markup, so `<img src>` read a
    local file and `<a href>` wrote any link)."""
    import pikepdf
    from pdfread import pdf_text

    from handouts.build import build_handouts
    from handouts.markup import curly_quotes

    path = content_copy / "mini-sheet" / "module.yaml"
    version = '<a href="file:x">&'  # a version is short (20 characters at most)
    title = 'Salt & <b>pepper</b> <img src="/etc/hostname"/>'
    text = path.read_text().replace('version: "0.1"', f"version: '{version}'")
    path.write_text(text.replace("title: Test comparison", f"title: '{title}'"))
    [pdf] = build_handouts(["mini-sheet"], content=[content_copy], out_dir=tmp_path).written
    shown = pdf_text(pdf)
    # as typed, its straight quotes printed curly (the title is content, set typographically)
    assert version in shown and curly_quotes(title) in shown
    # the typed text is in the metadata too, as text: but no link and no image (read with qpdf: the
    # objects are in compressed object streams, where a search of the bytes would find nothing)
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            assert "/Annots" not in page.obj
            assert not [x for x in page.Resources.get("/XObject", {}).values() if x.get("/Subtype") == "/Image"]
        assert all("/URI" not in obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary))


def test_a_fault_in_a_translation_names_the_catalogue_and_line(content_copy, tmp_path):
    """Model nodes carry the catalogue file and line their text came from, so an unsafe msgstr
    is reported where a translator can fix it, not at the English module."""
    from handouts.build import BuildFailed, build_handouts

    catalogue = content_copy / "mini-card" / "locales" / "es.po"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        'msgstr "**Muestre esta tarjeta** a cualquier médico o enfermera."',
        'msgstr "[Muestre](javascript:alert(1)) esta tarjeta."'), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_handouts(["mini-card"], locale="es", content=[content_copy], out_dir=tmp_path)
    message = caught.value.format_message()
    assert "mini-card/locales/es.po:33:" in message and "javascript:" in message
    assert not list(tmp_path.glob("*.pdf"))
