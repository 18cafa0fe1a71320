"""Checklists: a real, tickable form field for every question."""

from __future__ import annotations

from pdfread import pdf_fonts, pdf_text
from pypdf import PdfReader

from handouts.build import build_handouts


def test_every_question_has_a_checkbox_field(fixtures, tmp_path):
    [pdf] = build_handouts(["mini-checklist"], content=[fixtures / "content"], out_dir=tmp_path).written
    reader = PdfReader(str(pdf))
    fields = reader.get_fields()
    assert sorted(fields) == ["mini-checklist.g1.q1", "mini-checklist.g1.q2", "mini-checklist.g2.q1"]
    for field in fields.values():
        assert field["/FT"] == "/Btn"  # a check box, not a drawing of one
        assert not int(field.get("/Ff", 0)) & 2   # not Required: a question nobody must tick (PDF 12.7.3.1)
    widgets = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert {w["/TU"] for w in widgets} == {"Is this a question?", "Is this another one?", "Why?"}
    text = pdf_text(pdf)
    assert "First group" in text and "Notes" in text and "Page 1 of 1" in text
    assert all(pdf_fonts(pdf).values())
