"""Writing files so that a reader never sees half of one: write beside it, then rename."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from handouts.errors import HandoutsError

# What ``write_atomic`` leaves behind when its process is killed mid-write: ``.<name>.<8 random>.part``
PART_FILE = re.compile(r"\..+\.[a-z0-9_]{8}\.part")
HINTS = {
    errno.ENOSPC: "the disk is full: free some space or write to another folder",
    errno.EROFS: "the folder is read-only: make it writable or write to another folder",
    errno.EACCES: "the folder is read-only for you: make it writable or write to another folder",
    errno.EPERM: "the folder is read-only for you: make it writable or write to another folder",
}


def twin_name(module: str, locale: str, variant: str = "standard") -> str:
    """The file name of a handout's HTML twin: written by ``build --format html``, and what the QR
    code on its PDF points at under the clinic's ``web`` address."""
    return f"{module}.{locale}{'' if variant == 'standard' else '.' + variant}.html"


class WriteError(HandoutsError):
    """A file or folder could not be written (a full disk, a read-only folder): one line, no traceback.

    It lives here, beside the writing, rather than in ``handouts.errors``, so that module need not
    know about ``errno``; it is a ``HandoutsError`` like the others.
    """


def cannot_write(path: Path, error: OSError, what: str = "cannot write") -> WriteError:
    """The one-line error for an ``OSError`` met while writing ``path``: the file, the reason, what to do."""
    reason = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
    return WriteError(f"{what}: {reason}", path=path, hint=HINTS.get(error.errno))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once; after an error or Ctrl-C the old file (or none) remains."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_output(path: Path, data: bytes) -> None:
    """``write_atomic``, but a full disk or a read-only folder is our ``WriteError`` naming the file.

    ``write_atomic`` itself keeps raising ``OSError``, for callers that handle it themselves.
    """
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise cannot_write(Path(path), exc) from exc


def make_folder(folder: Path) -> None:
    """Create an output folder up front, so one that cannot be made is one error, not one per file."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(Path(folder), exc, "cannot create the folder") from exc


def remove_stale_parts(folder: Path) -> list[Path]:
    """Remove the ``.part`` files a killed ``write_atomic`` left in ``folder``; returns them.

    A SIGKILL (or a worker ended mid-write) runs no ``except`` clause, so its temporary file stays.
    Best effort: a folder that cannot be listed or written is reported by the writes that follow.
    Two builds must not share an output folder at once: this would remove the other's live files.
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        if PART_FILE.fullmatch(name):
            try:
                (Path(folder) / name).unlink()
            except OSError:
                continue
            removed.append(Path(folder) / name)
    return removed
