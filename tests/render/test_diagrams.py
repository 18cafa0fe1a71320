"""The three diagrams: in the sheets, translated, mirrored, and never with a label that overflows."""

from __future__ import annotations

import unicodedata

import pytest
from pdfread import needs, pdf_text, poppler_text

from handouts import model as m
from handouts.build import build_handouts, prepare
from handouts.errors import HandoutsError
from handouts.registry import Registry
from handouts.render.pdf.diagrams import PALETTE, Diagram
from handouts.render.pdf.styles import Styles

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def test_english_sheets_carry_all_three_diagrams(tmp_path):
    journey, comparison = build_handouts(["immunotherapy-vs-car-t", "car-t-journey"], out_dir=tmp_path).written
    text = pdf_text(comparison)
    for label in ("Some of your T cells are taken out.", "A lab changes them and grows many more.",
                  "Without the medicine", "With the medicine", "The medicine blocks the brake."):
        assert label in text, label
    assert "Two pictures. In the first" in text  # the description is printed under the picture
    journey_text = pdf_text(journey)
    for label in ("You", "1. Collection", "2. Changing the cells", "3. Growing the cells", "4. Short chemo",
                  "5. Infusion"):
        assert label in journey_text


@needs("pdftotext")
@pytest.mark.parametrize("locale", ["ar", "es", "hi", "vi", "zh-Hans"])
def test_translated_labels_are_drawn(tmp_path, locale):
    registry = Registry()
    handout = prepare(registry, "immunotherapy-vs-car-t", locale=locale)
    labels = next(block.label_map for block in handout.document.blocks
                  if isinstance(block, m.Figure) and block.kind == "checkpoint")
    assert labels["before_title"] != "Without the medicine"  # translated, not English
    [pdf] = build_handouts(["immunotherapy-vs-car-t"], locale=locale, out_dir=tmp_path).written
    text = unicodedata.normalize("NFKC", poppler_text(pdf)).replace(" ", "")
    word = unicodedata.normalize("NFKC", labels["after_title"]).split()[-1]
    assert word in text, (locale, word)  # in reading order, right-to-left words too


def _diagram(locale: str) -> Diagram:
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale=locale)
    figure = next(block for block in handout.document.blocks if isinstance(block, m.Figure))
    styles = Styles(handout.layout, handout.font, rtl=handout.rtl, language=locale)
    diagram = Diagram(figure.kind, figure.label_map, styles.label, rtl=styles.rtl, where="d")
    diagram.wrap(480, 800)
    return diagram


def test_right_to_left_diagrams_are_mirrored():
    def left_title_x(diagram):
        box = next(box for box, _ in diagram._placed if box.key == "left_title")
        return diagram._x(box.x, box.w)

    assert left_title_x(_diagram("en")) < 240 < left_title_x(_diagram("ar"))


def test_labels_use_the_layouts_size_and_a_safe_palette():
    diagram = _diagram("en")
    assert diagram.label_style.size == 10  # type_pt.small of the standard layouts
    assert {value.upper() for key, value in PALETTE.items() if key not in ("line", "panel")} <= OKABE_ITO


def test_a_label_too_long_is_an_error(content_copy, tmp_path):
    path = content_copy / "mini-sheet" / "module.yaml"
    long_label = "A medicine " + "that keeps on going " * 12
    path.write_text(path.read_text().replace("  - heading: Steps\n", f'''  - heading: Picture
    diagram:
      kind: comparison
      alt: Two pictures.
      labels:
        left_title: One
        left_step1: {long_label}
        left_step2: Two
        right_title: Three
        right_step1: Four
        right_step2: Five
        right_step3: Six
  - heading: Steps
'''))
    with pytest.raises(HandoutsError, match=r"sections\[2\]\.diagram\.labels\.left_step1 does not fit"):
        build_handouts(["mini-sheet"], content=[content_copy], out_dir=tmp_path)


def test_a_missing_label_is_named(content_copy, run):
    path = content_copy / "mini-sheet" / "module.yaml"
    path.write_text(path.read_text().replace("  - heading: Steps\n", '''  - heading: Picture
    diagram:
      kind: checkpoint
      alt: Two pictures.
      labels:
        t_cell: T cell
  - heading: Steps
'''))
    result = run("check", "--content", content_copy)
    assert result.exit_code == 1
    assert "sections[2].diagram.labels: missing 'before_title'" in result.output
