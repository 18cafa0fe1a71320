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


def test_a_qr_block_left_alone_on_the_last_page_gets_lines_to_write_on_above_it(fixtures, tmp_path):
    """A checklist whose QR block would stand alone on a last page (its questions fill the page
    before) gives that page "Notes" and lines to write on, the code under them: preflight finds the
    last page holds only the QR block without them, and nothing wrong with them."""
    import subprocess

    from reportlab.platypus import Flowable

    from handouts.clinic import load_clinic
    from handouts.document import prepare
    from handouts.preflight import rules
    from handouts.preflight.pages import PdfFacts
    from handouts.registry import Registry
    from handouts.render.pdf import writing_room
    from handouts.render.pdf.flow import sub
    from handouts.render.pdf.page import laid_out, text_width
    from handouts.render.pdf.qr import online_block
    from handouts.render.pdf.styles import styles_for
    from handouts.render.pdf.tags import new_root

    frame = []

    class FullPage(Flowable):   # the questions: a page's height all but a point, wherever they are set
        def wrap(self, available_width, available_height):
            frame[:] = frame or [available_height]   # the first wrap is at the top of page 1
            self.width, self.height = available_width, frame[0] - 1
            return self.width, self.height

        def draw(self):
            self.canv.rect(0, 0, self.width, self.height)

    (tmp_path / "clinic.yaml").write_text("name: Clinic\nweb: https://clinic.example.org/handouts/\n")
    registry = Registry.with_extra(content=[fixtures / "content"])
    handout = prepare(registry, "mini-checklist", clinic=load_clinic(tmp_path / "clinic.yaml"))
    width = text_width(handout)

    def make(spacing: float, room: bool = False):
        styles = styles_for(handout, spacing=spacing)
        root = new_root()
        node = sub(root, "P") if room else None
        online = online_block(handout, styles, width, root)
        notes = writing_room("Notes", styles, online, node) if room else []
        return [FullPage(), *notes, *online], styles, root

    found = {}
    for room in (False, True):
        path = tmp_path / f"room-{room}.pdf"
        path.write_bytes(laid_out(handout, make, writing_room=room))
        doc = PdfFacts(path)
        try:
            found[room] = [message for page, message in rules.page_fill(doc) if page == len(doc.pages)]
        finally:
            doc.close()
        last = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "clinic.example.org" in last
    assert found == {False: ["the last page holds only the QR block"], True: []}
    assert last.split()[0] == "Notes"
