"""Layouts as data: extends, abstract bases, and their mistakes."""

from __future__ import annotations

import pytest

from handouts.errors import UnknownNameError, ValidationFailed
from handouts.layouts import load_layout, load_paper
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
