"""Files are written whole or not at all."""

from __future__ import annotations

import os

import pytest

from handouts.output import write_atomic


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "b.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["b.pdf"]


def test_interrupted_write_leaves_old_file_and_no_debris(tmp_path, monkeypatch):
    target = tmp_path / "b.pdf"
    write_atomic(target, b"old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["b.pdf"]
