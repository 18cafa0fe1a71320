"""Scripts other than Latin: shaping, right-to-left order and mirroring, Chinese line breaks,
and fonts that must cover every character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from handouts.build import build_handouts, prepare
from handouts.errors import HandoutsError
from handouts.registry import Registry
from handouts.render.bidi import tokens, visual_order
from handouts.render.cjk import CANNOT_START, with_breaks
from handouts.render.common import Styles
from handouts.translations import update


def test_devanagari_is_shaped_with_the_i_matra_before_its_consonant():
    import uharfbuzz as hb

    handout = prepare(Registry(), "car-t-side-effects", locale="hi")
    assert handout.font.name == "Noto Sans Devanagari Latin"
    assert Styles(handout).body.shaping == 1
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(handout.font.files["regular"]))))
    buffer = hb.Buffer()
    buffer.add_str("कि")
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    names = [font.glyph_to_string(info.codepoint) for info in buffer.glyph_infos]
    assert names[0].startswith("ivowelsign") and names[1] == "kadeva"  # drawn left of क


@pytest.mark.parametrize("logical, visual", [
    ("حمى 38 °C (100.4 °F) أو أعلى", "أعلى أو 38 °C (100.4 °F) حمى"),
    ("علاج CAR-T cell جديد", "جديد CAR-T cell علاج"),
    ("اتصل 555-0100 الآن", "الآن 555-0100 اتصل"),
    ("واحد / اثنان", "اثنان / واحد"),
    ("منتج CAR-T:", ":CAR-T منتج"),           # the colon ends the Arabic sentence, on the left
    ("1. جمع الخلايا", "الخلايا جمع .1"),      # a step number reads first, on the right
])
def test_mixed_runs_read_in_order(logical, visual):
    drawn = visual_order(tokens(logical))
    assert "".join((" " if spaced else "") + word for word, spaced in drawn) == visual


def _annotation_x(pdf) -> float:
    annotation = PdfReader(str(pdf)).pages[0]["/Annots"][0].get_object()
    return float(annotation["/Rect"][0])


def test_right_to_left_layout_is_mirrored(tmp_path):
    english = build_handouts(["questions-to-ask"], out_dir=tmp_path).written[0]
    arabic = build_handouts(["questions-to-ask"], locale="ar", out_dir=tmp_path).written[0]
    width = float(PdfReader(str(english)).pages[0].mediabox.width)
    assert _annotation_x(english) < width / 4      # tick boxes at the left in English
    assert _annotation_x(arabic) > width * 3 / 4   # and at the right in Arabic
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale="ar")
    from handouts.render.sheet import comparison_table
    table = comparison_table(handout, Styles(handout), 500)
    assert table._colWidths[-1] < table._colWidths[0]  # the narrow topic column is on the right


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=30, max_value=260))
def test_chinese_lines_never_start_with_closing_punctuation(width):
    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale="zh-Hans")
    style = Styles(handout).cell
    text = "有些种类能松开免疫系统的“刹车”。另一些能帮助它识别癌细胞，<b>CRS</b>是最常见的：发烧、疲倦！"
    for line in with_breaks(text, width, style.fontName, style.fontSize).split("<br/>")[1:]:
        plain = line.replace("<b>", "").replace("</b>", "")
        assert plain and plain[0] not in CANNOT_START, line


def test_character_no_font_covers_is_named(content_copy, tmp_path):
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Trouble breathing 癌"))
    with pytest.raises(HandoutsError) as caught:
        build_handouts(["mini-card"], content=[content_copy], out_dir=tmp_path)
    message = caught.value.format_message()
    assert "'癌' (U+764C CJK UNIFIED IDEOGRAPH-764C) is not in the font Noto Sans" in message
    assert "mini-card/module.yaml:15" in message


def test_a_seventh_locale_needs_only_a_catalogue(content_copy, tmp_path):
    update(Registry.with_extra([content_copy]), locales=["fr", "ja"])
    result = build_handouts(["mini-card"], locale="fr", content=[content_copy], out_dir=tmp_path)
    assert result.written and any("[fr]" in w for w in result.warnings)  # builds, English where missing
    with pytest.raises(HandoutsError, match="no font family covers the Jpan script of locale 'ja'"):
        build_handouts(["mini-card"], locale="ja", content=[content_copy], out_dir=tmp_path)
