"""Files are written whole or not at all."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from handouts.output import WriteError, make_folder, remove_stale_parts, write_atomic, write_output


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


def test_stale_part_files_are_removed_and_nothing_else(tmp_path):
    left = [".b.pdf.k3j9x_2q.part", ".manifest.json.abcdefgh.part"]  # as write_atomic names them
    kept = ["b.pdf", "notes.part", ".b.pdf.short.part", ".hidden"]
    for name in left + kept:
        (tmp_path / name).write_bytes(b"x")
    assert sorted(path.name for path in remove_stale_parts(tmp_path)) == sorted(left)
    assert sorted(os.listdir(tmp_path)) == sorted(kept)
    assert remove_stale_parts(tmp_path / "missing") == []


def test_a_full_disk_is_one_error_naming_the_file(tmp_path, monkeypatch):
    target = tmp_path / "b.pdf"
    write_atomic(target, b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError) as error:
        write_output(target, b"new")
    message = error.value.format_message()
    assert message.startswith(f"{target}: cannot write: ") and "\n" not in message
    assert os.strerror(errno.ENOSPC) in message and "disk is full" in message
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["b.pdf"]


def test_a_folder_that_cannot_be_made_is_one_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(WriteError, match="cannot create the folder: .*read-only"):
        make_folder(tmp_path / "out")
