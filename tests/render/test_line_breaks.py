"""Where lines break, read back with poppler's pdftotext: a lone capital letter or digit stays
with its word ("B cells", "células T", "tế bào B", "आपकी T कोशिकाओं")."""

from __future__ import annotations

import re
import subprocess

import pytest
from pdfread import needs

from handouts.batch import Plan, run_batch
from handouts.build import catalogue_items
from handouts.registry import Registry
from handouts.render.textlayout import break_opportunities

pytestmark = needs("pdftotext")
LOCALES = ["en", "es", "vi", "hi"]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    out = tmp_path_factory.mktemp("sheets")
    items = catalogue_items(Registry(), ["car-t-journey", "immunotherapy-vs-car-t"], LOCALES, ["a4"],
                            variants=["standard", "large-print"])
    report = run_batch(Plan(out_dir=str(out)), items, jobs=2)
    assert not report.failed, [o.error for o in report.failed]
    return out


@pytest.mark.parametrize("locale", LOCALES)
def test_no_line_of_a_paragraph_ends_with_a_lone_capital(sheets, locale):
    pdfs = sorted(sheets.glob(f"*.{locale}.a4*.pdf"))
    assert len(pdfs) == 4
    stranded = []
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for line in text.splitlines():
            words = line.split()
            # a label of its own ("Célula T", a diagram's box) is a whole line, not a broken paragraph
            if len(words) > 3 and re.fullmatch(r"[A-Z]", words[-1]):   # ("Page 1 of 7" ends a footer)
                stranded.append(f"{pdf.name}: ...{line[-50:]}")
    assert stranded == []


@pytest.mark.parametrize("text, kept", [
    ("Make your B cells work", "B cells"), ("sus células T atacan", "células T"), ("tế bào B là", "bào B"),
    ("लैब में आपकी T कोशिकाओं", "आपकी T"), ("call within 2 hours today", "2 hours")])
def test_a_lone_capital_or_digit_is_never_a_place_to_break(text, kept):
    allowed, _ = break_opportunities(text, False)
    start = text.index(kept)
    inside = {start + offset for offset in range(1, len(kept))}
    assert not allowed & inside
    assert allowed        # other spaces still break


def test_lower_case_one_letter_words_stay_free():
    allowed, _ = break_opportunities("sangre y fiebre", False)
    assert allowed == {7, 9}


def test_no_chinese_line_starts_with_a_separator_dot(tmp_path):
    # the signs run on "发烧 · 咳嗽 · ..."; a line may break only after the dot, never before it
    items = catalogue_items(Registry(), ["car-t-journey", "car-t-side-effects", "immunotherapy-side-effects"],
                            ["zh-Hans"], ["a4", "letter"], variants=["standard", "large-print"])
    report = run_batch(Plan(out_dir=str(tmp_path)), items, jobs=2)
    assert not report.failed, [o.error for o in report.failed]
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 12
    starting = []
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        starting += [f"{pdf.name}: {line}" for line in text.splitlines() if line.lstrip(" \u00a0").startswith("\u00b7")]
    assert "\u00b7" in text              # the dots are there to be found
    assert starting == []


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh")
    items = catalogue_items(Registry(), ["car-t-journey", "immunotherapy-vs-car-t", "questions-to-ask"], ["zh-Hans"],
                            ["a4", "letter"], variants=["standard", "large-print"])
    report = run_batch(Plan(out_dir=str(out)), items, jobs=2)
    assert not report.failed, [o.error for o in report.failed]
    return out


def test_no_chinese_paragraph_ends_on_a_line_of_one_character(chinese):
    """"即使几个月 / 后": a paragraph's last line holds two characters at least, its closing
    punctuation aside (67 such lines in the Chinese catalogue before). A diagram's one-character
    label ("您", you) is a whole label, not a broken paragraph."""
    import unicodedata

    from handouts.document import prepare
    from handouts.model import Figure

    labels = {text for module in ("car-t-journey", "immunotherapy-vs-car-t", "questions-to-ask")
              for block in prepare(Registry(), module, locale="zh-Hans").document.blocks
              if isinstance(block, Figure) for _, text in block.labels}
    assert "您" in labels
    pdfs = sorted(chinese.glob("*.pdf"))
    assert len(pdfs) == 12
    lines = []
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        lines += [(pdf.name, part) for line in text.splitlines() for part in re.split(r"\s{2,}", line.strip())]
    assert len(lines) > 1000

    def one_character(part: str) -> bool:
        core = [c for c in part if not unicodedata.category(c).startswith("P") and not c.isspace()]
        return len(core) == 1 and ord(core[0]) >= 0x2E80 and part not in labels

    assert [line for line in lines if one_character(line[1])] == []


@pytest.mark.parametrize("text", ["即使几个月后", "即使几个月后。", "所以称为“活的药物”。"])
def test_the_last_two_chinese_characters_are_never_split(text):
    allowed, _ = break_opportunities(text, True)
    letters = [index for index, char in enumerate(text) if not unicodedata_punct(char)]
    assert not allowed & set(range(letters[-2] + 1, len(text)))   # nothing between the last two, or after
    assert allowed        # the rest still breaks


def unicodedata_punct(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char).startswith("P")
