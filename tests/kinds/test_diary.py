"""The daily log (kind ``diary``): how many days, the fields a PDF and its HTML twin offer to fill
in, their names for a screen reader, and the font a PDF form types with - read back by pikepdf,
poppler and the HTML parser, not taken from the model that made them."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import pikepdf
import pytest
from pdfread import needs

from handouts import model as m
from handouts.clinic import Clinic
from handouts.document import prepare
from handouts.kinds.diary.document import day_count, runs
from handouts.registry import Registry
from handouts.render import render

MODULE = "car-t-daily-log"


def test_the_log_has_the_infusion_day_and_two_weeks_or_the_clinics_longer_stay():
    assert day_count({"stay_near_weeks": 2}) == 15
    assert day_count({}) == 15                       # never less than two weeks
    assert day_count({"stay_near_weeks": 1}) == 15
    assert day_count({"stay_near_weeks": 4}) == 29
    assert day_count({"stay_near_weeks": 30}) == 57  # eight weeks at most


@pytest.mark.parametrize("days,most", [(15, 8), (15, 3), (14, 4), (29, 8), (1, 7), (57, 8)])
def test_days_go_into_as_few_tables_as_hold_them_as_even_as_can_be(days, most):
    tables = runs(days, most)
    assert [day for run in tables for day in run] == list(range(1, days + 1))
    assert len(tables) == -(-days // most)
    sizes = [len(run) for run in tables]
    assert max(sizes) <= most and max(sizes) - min(sizes) <= 1


def test_a_clinic_that_keeps_its_patients_near_for_four_weeks_gets_29_days():
    handout = prepare(Registry(), MODULE, clinic=Clinic(settings={"stay_near_weeks": 4}))
    tables = [b for b in handout.document.blocks if isinstance(b, m.FormTable) and not b.tall]
    days = [name for table in tables for name in table.columns]
    assert len(tables) == 4 and days[0] == "Day 1" and days[-1] == "Day 29" and len(days) == 29


def _fields(pdf_bytes: bytes) -> list:
    with pikepdf.open(__import__("io").BytesIO(pdf_bytes)) as pdf:
        form = pdf.Root.AcroForm
        return [(str(f.FT), str(f.T), str(f.get("/TU", "")), str(f.get("/DA", "")), "/StructParent" in f,
                 sorted(str(k) for k in form.get("/DR", {}).get("/Font", {}).keys()),
                 [bool(font.get("/FontDescriptor") and
                       any(k in font.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
                  for font in form.get("/DR", {}).get("/Font", {}).values()])
                for f in form.Fields]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_english_log_has_a_text_field_for_each_day_and_row_and_a_tick_box_for_each_sign(paper):
    handout = prepare(Registry(), MODULE, paper=paper)
    data = render(handout, "pdf")
    fields = _fields(data)
    text = [f for f in fields if f[0] == "/Tx"]
    ticks = [f for f in fields if f[0] == "/Btn"]
    source = Registry().module(MODULE).data["log"]
    days = 15
    assert len(text) == days * 5 >= 28    # date, morning, evening, the sentence copied, notes
    assert len(ticks) == days * (len(source["emergency_signs"]) + len(source["team_signs"]))
    names = [f[1] for f in fields]
    assert len(set(names)) == len(names)  # a form field's name is its identity: never twice
    assert all(f[2] and re.match(r"Day \d+: \S", f[2]) for f in fields), fields[:3]   # named for a screen reader
    assert all(f[4] for f in fields)       # each tied to its Form element in the structure tree
    # typed in the handout's own embedded font, never an unembedded Helvetica
    assert all(f[5] and all(f[6]) and f[3].split()[0] in f[5] for f in text), text[:2]
    assert b"Helvetica" not in data and b"/Helv" not in data


@needs("pdfinfo")
def test_the_fields_sit_in_table_cells_of_the_structure_tree(tmp_path):
    path = tmp_path / "log.pdf"
    path.write_bytes(render(prepare(Registry(), MODULE), "pdf"))
    tree = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in tree.splitlines()]
    forms = [i for i, line in enumerate(lines) if line.startswith("Form")]
    assert len(forms) == 15 * 5 + 15 * 18
    assert all(lines[i - 1].startswith("TD") for i in forms)   # a Form in its own cell
    assert any("/ColSpan 9" in line for line in lines)          # a group's heading spans the day columns


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "textarea"):
            self.inputs.append((tag, dict(attrs)))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_html_twin_has_a_real_input_for_every_field_each_with_its_name(locale):
    handout = prepare(Registry(), MODULE, locale=locale)
    expected = [f for b in handout.document.blocks if isinstance(b, m.FormTable) for f in b.fields]
    parser = _Inputs()
    parser.feed(render(handout, "html").decode("utf-8"))
    assert len(parser.inputs) == len(expected) >= 28
    for (tag, attrs), spec in zip(parser.inputs, expected):
        assert attrs["id"] == attrs["name"] == spec.id
        assert attrs["aria-label"] == spec.label and spec.label
        assert (tag == "input" and attrs["type"] == "checkbox") == spec.tick
