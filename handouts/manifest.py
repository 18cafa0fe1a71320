"""Merging the output folders of a sharded build (``build --shard I/N``) into one catalogue.

A CI matrix builds each shard on its own runner; a last job merges the folders, so one release
carries every PDF and one ``manifest.json``. The merged manifest is written by the same function
a build uses, so merging the shards of a catalogue gives the bytes a whole build would have.

Every shard is read and checked before anything is written: a merge that fails leaves ``out`` as
it was, and a PDF that does not match its manifest (changed, truncated, swapped) is never copied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import handouts
from handouts.batch import MANIFEST, write_manifest
from handouts.errors import HandoutsError
from handouts.output import write_atomic

REQUIRED_KEYS = ("path", "sha256", "bytes")


class ManifestError(HandoutsError):
    """A shard folder's manifest or PDFs cannot be merged: missing, changed or contradicting another shard."""


@dataclass(frozen=True)
class Source:
    """One manifest entry and the shard folder it came from, so errors can name both."""

    shard: Path
    entry: dict

    @property
    def file(self) -> Path:
        return self.shard / self.entry["path"]


@dataclass
class MergeReport:
    manifest: Path
    written: list[Path]
    shards: int


def read_shard(shard: Path) -> list[Source]:
    """The entries of one shard's manifest, refused unless this version of handouts wrote it.

    The merged manifest carries this version's generator line, so a shard built by another
    version would be mislabelled; its ``inputs`` digests would not match a rebuild either.
    """
    shard = Path(shard)
    path = shard / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError("not found", path=path, hint="is this a folder written by 'handouts build'?") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot be read: {exc}", path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ManifestError("has no 'items' list", path=path, hint="is this a manifest written by 'handouts build'?")
    expected = f"handouts {handouts.__version__}"
    if data.get("generator") != expected:
        raise ManifestError(f"written by '{data.get('generator')}', not '{expected}'", path=path,
                            hint="build every shard with the version that merges them")
    return [Source(shard, _checked_entry(entry, path, number))
            for number, entry in enumerate(data["items"], start=1)]


def _checked_entry(entry, manifest: Path, number: int) -> dict:
    """An entry with the keys a merge relies on, and a plain file name, so a copy stays inside ``out``."""
    if not isinstance(entry, dict) or any(key not in entry for key in REQUIRED_KEYS):
        raise ManifestError(f"item {number} lacks one of {', '.join(REQUIRED_KEYS)}", path=manifest)
    name = entry["path"]
    if not isinstance(name, str) or name in ("", ".", "..", MANIFEST) or Path(name).name != name or "\\" in name:
        raise ManifestError(f"item {number} has path {name!r}, not a file name in the folder", path=manifest)
    return entry


def verified_bytes(source: Source) -> bytes:
    """The PDF's bytes, only if its size and sha256 are the ones its manifest recorded."""
    try:
        data = source.file.read_bytes()
    except FileNotFoundError:
        raise ManifestError(f"listed in {MANIFEST} but missing", path=source.file,
                            hint="rebuild this shard") from None
    except OSError as exc:
        raise ManifestError(f"cannot be read: {exc.strerror}", path=source.file) from None
    if len(data) != source.entry["bytes"]:
        raise ManifestError(f"is {len(data)} bytes, {MANIFEST} says {source.entry['bytes']}", path=source.file,
                            hint="the file changed after the build; rebuild this shard")
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.entry["sha256"]:
        raise ManifestError(f"sha256 {digest} does not match {MANIFEST} ({source.entry['sha256']})",
                            path=source.file, hint="the file changed after the build; rebuild this shard")
    return data


def combine(sources: list[Source]) -> dict[str, Source]:
    """One source per path; two shards may list a path only with the same entry (same bytes, same record)."""
    chosen: dict[str, Source] = {}
    for source in sources:
        name = source.entry["path"]
        first = chosen.setdefault(name, source)
        if first.entry == source.entry:
            continue
        what = "sha256" if first.entry["sha256"] != source.entry["sha256"] else "manifest entry"
        raise ManifestError(f"listed with a different {what} in {first.shard / MANIFEST} and "
                            f"{source.shard / MANIFEST}", path=name,
                            hint="shards of one catalogue never overlap; rebuild them from the same inputs")
    return chosen


def merge(out: Path, shards: list[Path]) -> MergeReport:
    """Merge shard folders into ``out``: every PDF copied after its check, one manifest as a build writes it.

    All manifests are read and every PDF is checked before the first write, so an error leaves
    ``out`` untouched. Each PDF is checked again as it is copied, in case it changed meanwhile.
    """
    out = Path(out)
    chosen = combine([source for shard in shards for source in read_shard(Path(shard))])
    for source in chosen.values():
        verified_bytes(source)
    written = []
    try:
        for name, source in sorted(chosen.items()):
            write_atomic(out / name, verified_bytes(source))
            written.append(out / name)
        out.mkdir(parents=True, exist_ok=True)
        manifest = write_manifest(out, {name: source.entry for name, source in chosen.items()})
    except OSError as exc:  # a full disk or a read-only folder is the user's to fix, not a bug
        raise ManifestError(f"cannot write: {exc.strerror}", path=exc.filename or out) from None
    return MergeReport(manifest, written, len(shards))
