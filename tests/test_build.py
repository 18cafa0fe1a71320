"""The library API under the command line."""

from __future__ import annotations

import hashlib

from handouts.build import build_handouts


def test_same_input_same_bytes(fixtures, tmp_path):
    first = build_handouts(["mini-sheet", "mini-card", "mini-checklist"], content=[fixtures / "content"],
                           out_dir=tmp_path / "one").written
    second = build_handouts(["mini-sheet", "mini-card", "mini-checklist"], content=[fixtures / "content"],
                            out_dir=tmp_path / "two").written
    for a, b in zip(first, second):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_a_failing_module_writes_nothing_for_it(content_copy, tmp_path):
    path = content_copy / "mini-sheet" / "module.yaml"
    path.write_text(path.read_text().replace("left: Crisp.", "left: '<b>Crisp</b>'"))
    out = tmp_path / "out"
    try:
        build_handouts(["mini-card", "mini-sheet"], content=[content_copy], out_dir=out)
    except Exception as exc:  # noqa: BLE001 - the error type is tested in test_cli
        assert "raw HTML" in str(exc)
    assert sorted(p.name for p in out.glob("*.pdf")) == ["mini-card.en.a4.pdf"]
