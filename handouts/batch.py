"""Batch builds: every module x locale x paper, in parallel, recorded in ``manifest.json``.

Each item is rebuilt only when one of its inputs changed (content, catalogue, layout, fonts,
clinic profile, tool version); its output is byte-reproducible, so a release can be rebuilt and
compared by sha256.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import handouts
from handouts.content import COMMON, LOCALES_FOLDER, REVIEW_FILE, SOURCE_LOCALE, module_locales
from handouts.errors import HandoutsError, UnknownNameError
from handouts.output import write_atomic

MANIFEST = "manifest.json"
VARIANTS = ("standard", "large-print")
DEFAULT_PAPER = "a4"
DEFAULT_OUT = Path("build")
# The libraries whose upgrade can change the bytes of a PDF: an upgrade rebuilds everything.
TRACKED_DISTRIBUTIONS = ("reportlab", "rl_accel", "uharfbuzz", "python-bidi", "babel")


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
    strict: bool = False    # a string left in English (missing or fuzzy translation) fails its item


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


# -- choosing items -----------------------------------------------------------------------------

def catalogue_items(registry, modules=None, locales=None, papers=None, *,
                    every_locale: bool = False, variants=("standard",)) -> list[Item]:
    """The items to build: modules x locales x papers x variants.

    Without ``locales``, English only, or with ``every_locale`` each module's every catalogue.
    A locale asked for by name must exist for every module asked for.

    Here, below the renderers and translations, so that ``handouts build`` lists its items without
    importing Babel or Markdown when nothing is stale.
    """
    known = registry.module_paths()
    names = list(modules) if modules else list(known)
    for name in names:
        if name not in known:
            raise UnknownNameError(f"unknown module '{name}'", hint=f"known modules: {', '.join(known)}")
    for paper in papers or ():
        if paper not in registry.paper_paths():
            known_papers = ", ".join(registry.paper_paths())
            raise UnknownNameError(f"unknown paper '{paper}'", hint=f"known papers: {known_papers}")
    items = []
    for name in names:
        module = registry.module(name)
        available = module_locales(module)
        wanted = list(locales) if locales else (available if every_locale else [SOURCE_LOCALE])
        for locale in wanted:
            if locale not in available:
                from handouts.i18n import translator_for

                translator_for(module, locale)  # raises the error that names the known locales
            for paper in papers or [DEFAULT_PAPER]:
                for variant in variants:
                    items.append(Item(name, locale, paper, variant))
    return sorted(set(items))


# -- inputs -------------------------------------------------------------------------------------

_digests: dict[tuple, str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per process by path, size, time and inode (fonts are large).

    The path is made absolute, not resolved: ``stat`` follows links, so a link pointed elsewhere
    changes the key anyway, and a no-op rebuild looks at hundreds of files.
    """
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _digests:
        _digests[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _digests[key]


@functools.cache
def installed_version(distribution: str) -> str:
    """The installed version of a distribution, or "absent", read from its metadata, not by importing it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "absent"


class InputFiles:
    """Every item's input files for one run, reading each module, layout and ``fonts.yaml`` once.

    It is made afresh for each run, so a file edited between two runs of one process is read again;
    within a run the files are taken to stay as they are (the PDFs are built from them anyway).
    It needs only the registry, layouts and fonts modules: deciding that nothing needs building
    imports neither ReportLab nor Babel.
    """

    def __init__(self, registry, clinic=None):
        self.registry, self.clinic = registry, clinic
        self._memo: dict = {}

    def _once(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def _layout_files(self, name: str) -> tuple[list, str | None]:
        """The files of a layout's ``extends`` chain and the name of its large-print layout."""
        from handouts.layouts import layout_problems

        layout, _ = layout_problems(name, self.registry)
        return (list(layout.paths), layout.values.get("large_print")) if layout else ([], None)

    def _shared_files(self) -> list[Path]:
        """The files every item reads: common strings, facts, fonts.yaml, the font files, the clinic's."""
        from handouts.fonts import font_families

        registry = self.registry
        files = [self.common / "strings.yaml", *registry.facts_paths(), *registry.fonts_paths()]
        for family in font_families(registry).values():
            files += list(family.files.values())
        if self.clinic is not None and self.clinic.source:
            files.append(Path(self.clinic.source))
            if self.clinic.logo:
                files.append(Path(self.clinic.logo))
        return files

    @property
    def common(self) -> Path:
        return self.registry.content_dirs[0] / COMMON

    def files(self, item: Item) -> list[Path]:
        """Every file whose change can change the item's PDF."""
        module = self._once(("module", item.module), lambda: self.registry.module(item.module))
        files = [module.path, *self._once("shared", self._shared_files)]
        for folder in (module.folder, self.common):
            files += [folder / LOCALES_FOLDER / f"{item.locale}.po", folder / LOCALES_FOLDER / REVIEW_FILE]
        layout, large = self._once(("layout", module.layout), lambda: self._layout_files(module.layout))
        files += layout
        if item.variant == "large-print" and large:
            files += self._once(("layout", large), lambda: self._layout_files(large))[0]
        papers = self._once("papers", self.registry.paper_paths)
        files.append(papers.get(item.paper, Path("-")))
        return files

    def digest(self, item: Item) -> str:
        """One hash of the tool, its libraries, the item, the PDF date and every input file's bytes."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # the date stamped into every PDF
        digest = hashlib.sha256(f"handouts {handouts.__version__}\n{item!r}\nepoch {epoch}\n".encode())
        for distribution in TRACKED_DISTRIBUTIONS:
            digest.update(f"{distribution} {installed_version(distribution)}\n".encode())
        for path in sorted(set(self.files(item)), key=str):
            digest.update(self._once(("file", path), lambda: _file_line(path)))
        return digest.hexdigest()


def _file_line(path: Path) -> bytes:
    # names, not absolute paths: the same inputs elsewhere give the same digest
    return f"{path.name}:{file_digest(path) if path.is_file() else 'absent'}\n".encode()


def input_files(registry, item: Item, clinic) -> list[Path]:
    """Every file whose change can change the item's PDF."""
    return InputFiles(registry, clinic).files(item)


def inputs_digest(registry, item: Item, clinic) -> str:
    return InputFiles(registry, clinic).digest(item)


def is_up_to_date(item: Item, out_dir: Path, entry: dict | None, inputs: str) -> bool:
    """The manifest has the item with these inputs, and its PDF is there with the bytes recorded."""
    target = Path(out_dir) / item.filename
    if not entry or entry.get("inputs") != inputs:
        return False
    try:
        size = target.stat().st_size
    except OSError:
        return False
    return size == entry.get("bytes") and file_digest(target) == entry.get("sha256")


def sort_out(plan: Plan, items: list[Item], previous: dict[str, dict]) -> tuple[list[Outcome], list[tuple]]:
    """Check every item in this process: outcomes for those up to date or failing, and the rest to build.

    Each item to build comes with its inputs digest, so a worker need not work it out again.
    """
    from handouts.clinic import load_clinic
    from handouts.registry import Registry

    try:
        registry = Registry.with_extra(plan.content, plan.layouts)
        clinic = load_clinic(plan.clinic) if plan.clinic else None
    except HandoutsError as exc:
        return [Outcome(item, "failed", error=exc.format_message()) for item in items], []
    inputs = InputFiles(registry, clinic)
    done, stale = [], []
    for item in items:
        entry = previous.get(item.filename)
        try:
            digest = inputs.digest(item)
        except HandoutsError as exc:
            done.append(Outcome(item, "failed", error=exc.format_message()))
            continue
        # --strict looks again at an item built with strings left in English, to name them
        if not plan.force and is_up_to_date(item, Path(plan.out_dir), entry, digest) and \
                not (plan.strict and entry.get("untranslated")):
            done.append(Outcome(item, "up to date", str(Path(plan.out_dir) / item.filename), entry))
        else:
            stale.append((plan, item, digest))
    return done, stale


# -- building -----------------------------------------------------------------------------------

def count_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def build_one(plan: Plan, item: Item, inputs: str | None = None) -> Outcome:
    """Build one item (``inputs`` is its inputs digest, worked out if not given).

    Our errors become a failed outcome, never a crash. Whether the item is up to date was decided
    before, in the main process (see ``sort_out``).
    """
    from handouts.clinic import load_clinic
    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render import render

    target = Path(plan.out_dir) / item.filename
    try:
        registry = Registry.with_extra(plan.content, plan.layouts)
        clinic = load_clinic(plan.clinic) if plan.clinic else None
        inputs = inputs or inputs_digest(registry, item, clinic)
        handout = prepare(registry, item.module, locale=item.locale, paper=item.paper, clinic=clinic,
                          variant=item.variant)
        if plan.strict and handout.warnings:  # CI must not ship a part-English handout with exit 0
            more = f" (and {len(handout.warnings) - 1} more)" if len(handout.warnings) > 1 else ""
            return Outcome(item, "failed", error=f"--strict: {handout.warnings[0]}{more}")
        data = render(handout)
        write_atomic(target, data)
        review = "source" if item.locale == "en" else ("draft" if handout.draft else "reviewed")
        entry = {
            "path": item.filename, "module": item.module, "locale": item.locale, "paper": item.paper,
            "variant": item.variant, "content_version": handout.module.version,
            "content_reviewed": handout.module.reviewed.isoformat(), "review_status": review,
            "pages": count_pages(data), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "inputs": inputs, "untranslated": len(handout.warnings),
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
    """Build ``items`` with ``jobs`` processes; stop at the first failure unless ``keep_going``.

    Which items are up to date is decided here first, so a run with nothing to build starts no
    process and imports no renderer; only the stale items go to the workers.
    """
    previous = load_manifest(Path(plan.out_dir))
    report = BatchReport()
    items = sorted(items)

    def record(outcome: Outcome) -> bool:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome, len(report.outcomes), len(items))
        return outcome.status == "failed" and not keep_going

    done, stale = sort_out(plan, items, previous)
    for outcome in done:
        record(outcome)
    if report.failed and not keep_going:
        stale = []
    if jobs <= 1 or len(stale) <= 1:
        for args in stale:
            if record(build_one(*args)):
                break
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=min(jobs, len(stale))) as pool:
            futures = [pool.submit(_build_in_worker, args) for args in stale]
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
