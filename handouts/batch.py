"""Batch builds: every module x locale x paper, in parallel, recorded in ``manifest.json``.

Each item is rebuilt only when one of its inputs changed (content, catalogue, layout, fonts,
clinic profile, tool version); its output is byte-reproducible, so a release can be rebuilt and
compared by sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import handouts
from handouts.errors import HandoutsError, UnknownNameError
from handouts.output import write_atomic

MANIFEST = "manifest.json"
VARIANTS = ("standard", "large-print")


@dataclass(frozen=True, order=True)
class Item:
    """One PDF of the catalogue."""

    module: str
    locale: str
    paper: str
    variant: str = "standard"

    @property
    def filename(self) -> str:
        suffix = "" if self.variant == "standard" else f".{self.variant}"
        return f"{self.module}.{self.locale}.{self.paper}{suffix}.pdf"

    def __str__(self) -> str:
        return f"{self.module} [{self.locale}, {self.paper}{'' if self.variant == 'standard' else ', ' + self.variant}]"


@dataclass(frozen=True)
class Plan:
    """What every worker needs to build items: plain values, so it crosses process boundaries."""

    out_dir: str
    content: tuple = ()
    layouts: tuple = ()
    clinic: str | None = None
    force: bool = False


@dataclass
class Outcome:
    item: Item
    status: str                 # "built", "up to date" or "failed"
    path: str | None = None
    entry: dict | None = None   # the manifest entry
    warnings: list = field(default_factory=list)
    error: str | None = None


@dataclass
class BatchReport:
    outcomes: list = field(default_factory=list)
    manifest: Path | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        return (f"{self.count('built')} built, {self.count('up to date')} up to date, "
                f"{self.count('failed')} failed, {len(self.outcomes)} in all")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> (2, 5): the second of five shards."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise UnknownNameError(f"shard '{text}' is not I/N", hint="write it like 1/4") from None
    if not 1 <= index <= count:
        raise UnknownNameError(f"shard '{text}' is out of range", hint="I goes from 1 to N")
    return index, count


def take_shard(items: list[Item], index: int, count: int) -> list[Item]:
    """A deterministic 1/N of the items: the same split on every machine, whatever the order given."""
    return [item for position, item in enumerate(sorted(items)) if position % count == index - 1]


# -- inputs -------------------------------------------------------------------------------------

_digests: dict[tuple, str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per process by path, size and time (fonts are large)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        _digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[key]


def input_files(registry, item: Item, clinic) -> list[Path]:
    """Every file whose change can change the item's PDF."""
    from handouts.i18n import REVIEW_FILE, common_strings_path, locales_folder
    from handouts.layouts import layout_problems

    module = registry.module(item.module)
    common = common_strings_path(registry).parent
    files = [module.path, common / "strings.yaml", *registry.facts_paths(), *registry.fonts_paths()]
    for folder in (module.folder, common):
        files += [locales_folder(folder) / f"{item.locale}.po", locales_folder(folder) / REVIEW_FILE]
    layout, _ = layout_problems(module.layout, registry)
    if layout:
        files += layout.paths
        if item.variant == "large-print" and layout.values.get("large_print"):
            large, _ = layout_problems(layout.values["large_print"], registry)
            files += large.paths if large else []
    files.append(registry.paper_paths().get(item.paper, Path("-")))
    from handouts.fonts import font_families
    for family in font_families(registry).values():
        files += list(family.files.values())
    if clinic is not None and clinic.source:
        files.append(Path(clinic.source))
        if clinic.logo:
            files.append(clinic.logo)
    return [Path(f) for f in files]


def inputs_digest(registry, item: Item, clinic) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # the date stamped into every PDF
    digest = hashlib.sha256(f"handouts {handouts.__version__}\n{item!r}\nepoch {epoch}\n".encode())
    for path in sorted(set(input_files(registry, item, clinic)), key=str):
        name = path.name  # names, not absolute paths: the same inputs elsewhere give the same digest
        digest.update(f"{name}:{file_digest(path) if path.is_file() else 'absent'}\n".encode())
    return digest.hexdigest()


# -- building -----------------------------------------------------------------------------------

def count_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def build_one(plan: Plan, item: Item, previous: dict | None) -> Outcome:
    """Build one item, or find it up to date. Our errors become a failed outcome, never a crash."""
    from handouts.build import prepare, render_handout
    from handouts.clinic import load_clinic
    from handouts.registry import Registry

    target = Path(plan.out_dir) / item.filename
    try:
        registry = Registry.with_extra(plan.content, plan.layouts)
        clinic = load_clinic(plan.clinic) if plan.clinic else None
        inputs = inputs_digest(registry, item, clinic)
        if (not plan.force and previous and previous.get("inputs") == inputs and target.is_file()
                and file_digest(target) == previous.get("sha256")):
            return Outcome(item, "up to date", str(target), previous)
        handout = prepare(registry, item.module, locale=item.locale, paper=item.paper, clinic=clinic,
                          variant=item.variant)
        data = render_handout(handout)
        write_atomic(target, data)
        review = "source" if item.locale == "en" else ("draft" if handout.draft else "reviewed")
        entry = {
            "path": item.filename, "module": item.module, "locale": item.locale, "paper": item.paper,
            "variant": item.variant, "content_version": handout.module.version,
            "content_reviewed": handout.module.reviewed.isoformat(), "review_status": review,
            "pages": count_pages(data), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "inputs": inputs,
        }
        return Outcome(item, "built", str(target), entry, handout.warnings)
    except HandoutsError as exc:
        return Outcome(item, "failed", error=exc.format_message())


def _build_in_worker(args):
    return build_one(*args)


def load_manifest(out_dir: Path) -> dict[str, dict]:
    path = Path(out_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("items", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out_dir: Path, entries: dict[str, dict]) -> Path:
    """The catalogue's record: sorted, no timestamps, no patient data - it rebuilds byte for byte."""
    path = Path(out_dir) / MANIFEST
    items = [entries[key] for key in sorted(entries) if (Path(out_dir) / key).is_file()]
    body = {"generator": f"handouts {handouts.__version__}", "items": items}
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if not (path.is_file() and path.read_text(encoding="utf-8") == text):
        write_atomic(path, text.encode("utf-8"))
    return path


def run_batch(plan: Plan, items: list[Item], *, jobs: int = 1, keep_going: bool = False,
              on_outcome=None) -> BatchReport:
    """Build ``items`` with ``jobs`` processes; stop at the first failure unless ``keep_going``."""
    previous = load_manifest(Path(plan.out_dir))
    report = BatchReport()
    items = sorted(items)
    work = [(plan, item, previous.get(item.filename)) for item in items]

    def record(outcome: Outcome) -> bool:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome, len(report.outcomes), len(items))
        return outcome.status == "failed" and not keep_going

    if jobs <= 1 or len(items) <= 1:
        for args in work:
            if record(build_one(*args)):
                break
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_build_in_worker, args) for args in work]
            for future in as_completed(futures):
                if record(future.result()):
                    for other in futures:
                        other.cancel()
                    break
    report.outcomes.sort(key=lambda o: o.item)
    entries = dict(previous)
    for outcome in report.outcomes:
        if outcome.entry:
            entries[outcome.item.filename] = outcome.entry
    Path(plan.out_dir).mkdir(parents=True, exist_ok=True)
    report.manifest = write_manifest(Path(plan.out_dir), entries)
    return report


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
