"""The four diagrams: in the sheets, translated, mirrored, and never with a label that overflows."""

from __future__ import annotations

import unicodedata

import pytest
from pdfread import needs, pdf_text, poppler_text
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from handouts import model as m
from handouts.build import build_handouts, prepare
from handouts.errors import FitError, HandoutsError
from handouts.registry import Registry
from handouts.render.pdf.diagrams import PALETTE, SIDE_BY_SIDE, Diagram
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


TIMELINE = {"axis": "Weeks after your infusion", "infusion": "Infusion", "your_date": "Your infusion date:",
            "daily": "Checked every day", "stay_near": "Stay near your center", "no_driving": "No driving",
            "fever": "Fever of 38 °C (100.4 °F) or higher: call now, on any day"}
TIMELINE_AR = {"axis": "الأسابيع بعد التسريب", "infusion": "التسريب", "your_date": "تاريخ التسريب:",
               "daily": "فحص كل يوم", "stay_near": "ابق قرب مركزك", "no_driving": "ممنوع القيادة",
               "fever": "حمى 38 درجة أو أعلى: اتصل الآن، في أي يوم"}
LARGE_PRINT_WIDTH = (210 - 2 * 25.4) * 72 / 25.4  # A4 between one-inch margins


def _timeline(locale="en", variant="standard", width=480.0, labels=None, **weeks) -> Diagram:
    values = {"stay_near": 2, "no_driving": 2, "daily": 1} | weeks
    values.setdefault("span", max(values["stay_near"], values["no_driving"], 1) + 1)
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale=locale, variant=variant)
    styles = Styles(handout.layout, handout.font, rtl=handout.rtl, language=locale)
    ticks = {f"tick{week}": str(week) for week in range(values["span"] + 1)}
    words = TIMELINE_AR if locale == "ar" else TIMELINE
    diagram = Diagram("timeline", words | ticks | (labels or {}), styles.label, rtl=styles.rtl, where="d",
                      values=values)
    diagram.wrap(width, 800)
    return diagram


def _shapes(diagram) -> list:
    drawing = Drawing(diagram.width, diagram.height)
    diagram._shapes_timeline(drawing)
    return drawing.contents


def test_a_timeline_draws_its_labels_ticks_and_bars(tmp_path):
    diagram = _timeline(stay_near=2, no_driving=2)
    assert diagram.values["span"] == 3
    ticks = [box.key for box, _ in diagram._placed if box.key.startswith("tick")]
    assert ticks == ["tick0", "tick1", "tick2", "tick3"]  # one a week, from the values
    bars = [shape for shape in _shapes(diagram) if isinstance(shape, Rect)]
    tails = [shape for shape in bars if shape.strokeDashArray]
    assert len(bars) == 3 + 2 + 2  # three bars, the fever band's fill and outline, two dashed tails
    assert len(tails) == 2  # "at least": staying near and not driving may go on longer
    pdf = tmp_path / "timeline.pdf"
    SimpleDocTemplate(str(pdf), pagesize=A4).build([diagram])
    text = pdf_text(pdf)
    for label in TIMELINE.values():
        assert label in text, label


def test_a_bar_of_no_weeks_keeps_its_label_but_draws_nothing():
    diagram = _timeline(stay_near=3, no_driving=0)
    start, end = diagram.bar_extent("no_driving")
    assert start == end
    assert "no_driving" in [box.key for box, _ in diagram._placed]
    assert len([shape for shape in _shapes(diagram) if isinstance(shape, Rect)]) == 2 + 2 + 1  # one tail


def test_timeline_bars_are_as_long_as_their_weeks():
    def length(diagram, key):
        start, end = diagram.bar_extent(key)
        return end - start

    two, four = _timeline(stay_near=2, no_driving=4), _timeline(stay_near=4, no_driving=4)
    assert two.values["span"] == four.values["span"] == 5
    assert length(four, "stay_near") == pytest.approx(2 * length(two, "stay_near"))
    assert length(four, "stay_near") == pytest.approx(4 * length(four, "daily"))
    assert length(four, "fever") == pytest.approx(5 * length(four, "daily"))  # the whole axis
    drawn = sorted(round(shape.width, 3) for shape in _shapes(four) if isinstance(shape, Rect))
    assert round(length(four, "stay_near"), 3) in drawn and round(length(four, "daily"), 3) in drawn


def test_the_fever_band_runs_on_past_the_last_week():
    """The fever warning does not stop where the axis's weeks do: the band reaches past the last
    tick, with an arrowhead, in either direction."""
    for locale in ("en", "ar"):
        diagram = _timeline(locale)
        start, end = diagram.bar_extent("fever")  # the axis's last week
        band = max((shape for shape in _shapes(diagram) if isinstance(shape, Rect) and shape.fillColor is not None
                    and not shape.strokeDashArray), key=lambda shape: shape.width)
        assert band.width > abs(end - start) + 1, locale
        assert (band.x < min(start, end) - 1) if locale == "ar" else (band.x + band.width > max(start, end) + 1)


@pytest.mark.parametrize("key", ["stay_near", "fever", "your_date", "axis", "tick1"])
def test_a_timeline_label_too_long_is_an_error(key):
    long_label = "12345678901234567890" if key.startswith("tick") else "Stay near your center " * 20
    with pytest.raises(FitError, match=rf"d\.labels\.{key} does not fit"):
        _timeline(labels={key: long_label})


def test_right_to_left_timelines_run_from_right_to_left():
    def tick_x(diagram, week):
        box = next(box for box, _ in diagram._placed if box.key == f"tick{week}")
        return diagram._x(box.x, box.w) + box.w * diagram.width / 2

    english, arabic = _timeline("en"), _timeline("ar")
    assert tick_x(english, 0) < tick_x(english, 1)
    assert tick_x(arabic, 0) > tick_x(arabic, 1)  # the infusion is at the right
    start, end = arabic.bar_extent("stay_near")
    assert end < start
    assert "timeline" not in SIDE_BY_SIDE


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_timeline_labels_do_not_overlap(locale, variant):
    width = LARGE_PRINT_WIDTH if variant == "large-print" else 480.0
    diagram = _timeline(locale, variant, width, stay_near=4, no_driving=8)
    assert diagram.label_style.size == (18 if variant == "large-print" else 10)
    assert diagram.height <= width * 1.1
    placed = []
    for box, (paragraph, used) in diagram._placed:
        x = diagram._x(box.x, box.w)
        y = box.y * diagram.height + (box.h * diagram.height - used) / 2
        assert 0 <= x and x + box.w * diagram.width <= width + 0.01, box.key
        assert -0.01 <= y and y + used <= diagram.height + 0.01, box.key
        placed.append((box.key, x, y, x + box.w * diagram.width, y + used))
    for index, (key, x0, y0, x1, y1) in enumerate(placed):
        for other, a0, b0, a1, b1 in placed[index + 1:]:
            assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0, (key, other)
