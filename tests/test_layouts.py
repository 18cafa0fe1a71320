"""Layouts as data: extends, abstract bases, and their mistakes."""

from __future__ import annotations

import pytest

from handouts.errors import UnknownNameError, ValidationFailed
from handouts.layouts import contrast_ratio, layout_problems, load_layout, load_paper
from handouts.registry import Registry


def test_bundled_layout_inherits_from_base():
    layout = load_layout("wallet-card", Registry())
    assert layout.renderer == "card"
    assert layout.pt("body") == 6.5                      # its own
    assert layout.colour("accent") == "#0b4f8a"          # from base
    assert layout.files == ["layouts/wallet-card.yaml", "layouts/base.yaml"]


def test_clinic_layout_overrides_by_name(tmp_path):
    (tmp_path / "comparison-sheet.yaml").write_text("extends: base\nrenderer: sheet\ntable: {topic_width: 0.3}\n"
                                                    "colours: {accent: '#006400'}\n")
    layout = load_layout("comparison-sheet", Registry.with_extra(layouts=[tmp_path]))
    assert layout.colour("accent") == "#006400" and layout.colour("text") == "#1a1a1a"


def test_loop_and_unknown_key(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b\nrenderer: sheet\n")
    (tmp_path / "b.yaml").write_text("extends: a\n")
    (tmp_path / "c.yaml").write_text("extends: base\nrenderer: sheet\ntable: {topic_width: 0.2}\nshadow: 3\n")
    registry = Registry.with_extra(layouts=[tmp_path])
    with pytest.raises(ValidationFailed, match="loop"):
        load_layout("a", registry)
    with pytest.raises(ValidationFailed, match=r"c.yaml:4: unknown key 'shadow'"):
        load_layout("c", registry)


def test_papers():
    assert load_paper("letter", Registry()).size == pytest.approx((612, 792), abs=0.01)
    with pytest.raises(UnknownNameError):
        load_paper("tabloid", Registry())


# -- legibility: type sizes and contrast ------------------------------------------------------------

SHEET = "extends: base\nrenderer: sheet\ntable: {topic_width: 0.2}\n"
CARD = ("extends: base\nrenderer: card\ncard: {width_mm: 85.6, height_mm: 54, padding_mm: 3, gap_mm: 6, crop_mm: 4, "
        "columns: 2, rows: 4}\n")
CARD_SIZES = "{title: 8.5, subtitle: 7, heading: 7, body: 6.5, small: 6.5, footer: 6.5, leading: 1.2}"


def problems_of(tmp_path, name="x", **files):
    """The problems of layout ``name`` among ``files`` (file name without .yaml -> YAML text)."""
    for stem, text in files.items():
        (tmp_path / f"{stem}.yaml").write_text(text)
    found = layout_problems(name, Registry.with_extra(layouts=[tmp_path]))[1]
    return [str(p).replace(f"{tmp_path}/", "") for p in found]


@pytest.mark.parametrize("name", list(Registry().layout_paths()))
def test_every_bundled_layout_is_legible(name):
    assert [str(p) for p in layout_problems(name, Registry())[1]] == []


def test_body_under_11_points_is_refused_with_file_and_line(tmp_path):
    assert problems_of(tmp_path, x=SHEET + "type_pt: {body: 7}\n") == [
        "x.yaml:4: type_pt.body: 7 pt is too small; body text needs at least 11 pt"]
    (tmp_path / "x.yaml").write_text(SHEET + "type_pt:\n  title: 20\n  body: 10.5\n")
    with pytest.raises(ValidationFailed, match=r"x\.yaml:6: type_pt\.body: 10\.5 pt is too small"):
        load_layout("x", Registry.with_extra(layouts=[tmp_path]))
    assert problems_of(tmp_path, x=SHEET + "type_pt: {body: 11}\n") == []


def test_nothing_on_a_wallet_card_within_3_mm_of_its_cut(tmp_path):
    layout = CARD.replace("padding_mm: 3", "padding_mm: 2") + f"type_pt: {CARD_SIZES}\n"
    assert problems_of(tmp_path, x=layout) == [
        "x.yaml:3: card.padding_mm: 2 mm; nothing may be drawn within 3 mm of a card's cut line (a guillotine wanders)"]


def test_a_wallet_card_may_be_smaller_but_not_under_6_5_points(tmp_path):
    assert problems_of(tmp_path, x=CARD + f"type_pt: {CARD_SIZES}\n") == []
    assert problems_of(tmp_path, x=CARD + f"type_pt: {CARD_SIZES}\n".replace("small: 6.5", "small: 6")) == [
        "x.yaml:4: type_pt.small: 6 pt is too small; text on a wallet card needs at least 6.5 pt"]
    # 7 pt body is fine on a card, not on a sheet
    assert problems_of(tmp_path, x=CARD + f"type_pt: {CARD_SIZES}\n".replace("body: 6.5", "body: 7")) == []
    assert problems_of(tmp_path, x=SHEET + "type_pt: {body: 7}\n") != []


def test_a_yellow_accent_on_white_is_refused(tmp_path):
    found = problems_of(tmp_path, x=SHEET + "colours:\n  accent: '#ffd700'\n")
    assert "x.yaml:5: colours.accent '#ffd700' on the white page has contrast 1.40:1; text needs at least 4.5:1 " \
           "(WCAG 2.1)" in found
    # white header text on that accent, and headings in the shaded boxes, fail too: all at the line changed
    assert any("colours.accent_text '#ffffff' on colours.accent '#ffd700'" in p for p in found)
    assert any("colours.accent '#ffd700' on colours.shade" in p for p in found)
    assert all(p.startswith("x.yaml:5: ") for p in found)
    with pytest.raises(ValidationFailed, match="contrast"):
        load_layout("x", Registry.with_extra(layouts=[tmp_path]))


def test_text_on_a_fill_is_measured_against_the_fill(tmp_path):
    found = problems_of(tmp_path, x=SHEET + "colours: {shade: '#555555'}\n")
    assert "x.yaml:4: colours.text '#1a1a1a' on colours.shade '#555555' has contrast 2.33:1; text needs at least " \
           "4.5:1 (WCAG 2.1)" in found
    assert not any("the white page" in p for p in found)   # the text colours themselves are fine on white
    assert problems_of(tmp_path, x=SHEET + "colours: {stripe: '#666666'}\n") == [
        "x.yaml:4: colours.text '#1a1a1a' on colours.stripe '#666666' has contrast 3.03:1; text needs at least "
        "4.5:1 (WCAG 2.1)"]


def test_an_inherited_fault_is_reported_where_it_was_written(tmp_path):
    base = "extends: base\nabstract: true\ncolours:\n  muted: '#999999'\ntype_pt: {body: 9}\n"
    assert problems_of(tmp_path, "soft", soft=base) == []   # an abstract layout is never printed itself
    found = problems_of(tmp_path, x="extends: soft\nrenderer: sheet\ntable: {topic_width: 0.2}\n", soft=base)
    assert "soft.yaml:4: colours.muted '#999999' on the white page has contrast 2.85:1; text needs at least 4.5:1 " \
           "(WCAG 2.1)" in found
    assert "soft.yaml:5: type_pt.body: 9 pt is too small; body text needs at least 11 pt" in found
    # fixed in the leaf, the leaf's values count
    assert problems_of(tmp_path, x="extends: soft\nrenderer: sheet\ntable: {topic_width: 0.2}\n"
                                   "colours: {muted: '#4d4d4d'}\ntype_pt: {body: 12}\n", soft=base) == []


def test_colours_must_be_six_hex_digits(tmp_path):
    assert problems_of(tmp_path, x=SHEET + "colours: {accent: red, rule: '#abc'}\n") == [
        "x.yaml:4: colours.accent: 'red' is not a colour; write '#' and six hex digits, like '#1f5f8b'",
        "x.yaml:4: colours.rule: '#abc' is not a colour; write '#' and six hex digits, like '#1f5f8b'"]


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#0b4f8a", "#0b4f8a") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)   # the palest grey that passes
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)   # and one step paler fails
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")
