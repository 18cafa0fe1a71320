"""Batch builds: every module x locale x paper, in parallel, recorded in ``manifest.json``.

Each item is rebuilt only when one of its inputs changed (content, catalogue, layout, fonts,
clinic profile, tool version); its output is byte-reproducible, so a release can be rebuilt and
compared by sha256.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import handouts
from handouts.content import COMMON, LOCALES_FOLDER, SOURCE_LOCALE, module_locales
from handouts.errors import HandoutsError, UnknownNameError
from handouts.output import make_folder, remove_stale_parts, twin_name, write_output

MANIFEST = "manifest.json"
VARIANTS = ("standard", "large-print")
DEFAULT_PAPER = "a4"
DEFAULT_OUT = Path("build")
# The libraries whose upgrade can change the bytes of a PDF: an upgrade rebuilds everything.
TRACKED_DISTRIBUTIONS = ("reportlab", "rl_accel", "uharfbuzz", "python-bidi", "babel", "pikepdf",
                         "jinja2", "fonttools", "brotli")
FORMATS = ("pdf", "html")
PR_SET_PDEATHSIG = 1        # from <linux/prctl.h>
ORPHAN_POLL_SECONDS = 0.25  # how often a worker without prctl looks whether its build is still there


@dataclass(frozen=True, order=True)
class Item:
    """One file of the catalogue: a PDF, or an HTML twin (whose name has no paper: it reflows to
    any screen; the paper only decides its temperature order, as on the PDF it stands beside)."""

    module: str
    locale: str
    paper: str
    variant: str = "standard"
    format: str = "pdf"

    @property
    def filename(self) -> str:
        suffix = "" if self.variant == "standard" else f".{self.variant}"
        if self.format == "html":
            return twin_name(self.module, self.locale, self.variant)
        return f"{self.module}.{self.locale}.{self.paper}{suffix}.pdf"

    def __str__(self) -> str:
        where = "" if self.format == "html" else f", {self.paper}"
        return (f"{self.module} [{self.locale}{where}{'' if self.variant == 'standard' else ', ' + self.variant}"
                f"{', html' if self.format == 'html' else ''}]")


def parse_formats(text: str) -> list[str]:
    """``"pdf,html"`` -> ["pdf", "html"]."""
    formats = [part.strip().lower() for part in text.split(",") if part.strip()]
    for name in formats:
        if name not in FORMATS:
            raise UnknownNameError(f"unknown format '{name}'", hint=f"formats: {', '.join(FORMATS)} (e.g. pdf,html)")
    return list(dict.fromkeys(formats)) or ["pdf"]


@dataclass(frozen=True)
class Plan:
    """What every worker needs to build items: plain values, so it crosses process boundaries."""

    out_dir: str
    content: tuple = ()
    layouts: tuple = ()
    clinic: str | None = None
    force: bool = False
    strict: bool = False    # a string left in English (missing or fuzzy translation) fails its item
    product: str | None = None  # a CAR-T product whose label weeks every handout prints (--product)

    def load_clinic(self):
        """The clinic profile (or none), with the product named on the command line in its settings."""
        from dataclasses import replace

        from handouts.clinic import Clinic, load_clinic

        clinic = load_clinic(self.clinic) if self.clinic else None
        if self.product:
            clinic = clinic or Clinic()
            clinic = replace(clinic, settings={**clinic.settings, "car_t_product": self.product})
        return clinic


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
    total: int = 0              # the items asked for: more than the outcomes after Ctrl-C or a first failure
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        return (f"{self.count('built')} built, {self.count('up to date')} up to date, "
                f"{self.count('failed')} failed, {self.total or len(self.outcomes)} in all")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a batch: still a ``KeyboardInterrupt``, so a caller stops, but with the report.

    The command line prints the usual summary from it and exits 130, as shells expect.
    """

    def __init__(self, report: BatchReport):
        super().__init__("interrupted")
        self.report = report


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
                    every_locale: bool = False, variants=("standard",), formats=("pdf",)) -> list[Item]:
    """The items to build: modules x locales x papers x variants, in each format (an HTML twin
    once per module, locale and variant, from the first paper).

    Without ``locales``, English only, or with ``every_locale`` each module's every catalogue.
    A locale asked for by name must exist for every module asked for, or fall back to one that
    does (``es-MX`` to ``es``): said once per module and locale, here, as a logged warning rather
    than on every PDF - a handout built from the Spanish catalogue is not left in English.

    Here, below the renderers and translations, so that ``handouts build`` lists its items without
    importing Babel or Markdown when nothing is stale.
    """
    import logging

    from handouts.registry import catalogue_candidates, shown_path

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
                from handouts.i18n import babel_locale, translator_for

                fallback = next((c for c in catalogue_candidates(locale) if c in available), None)
                if fallback is None:
                    translator_for(module, locale)  # raises the error that names the known locales
                babel_locale(locale)  # es-XX falls back to es only if es-XX is a locale at all
                po = module.folder / LOCALES_FOLDER / f"{fallback}.po"
                where = "" if fallback == SOURCE_LOCALE else f" ({shown_path(po)})"
                logging.getLogger("handouts").warning(
                    f"warning: {name} [{locale}]: no {locale} catalogue, so the {fallback} one is used{where}")
            for variant in variants:
                if "pdf" in formats:
                    items += [Item(name, locale, paper, variant) for paper in papers or [DEFAULT_PAPER]]
                if "html" in formats:
                    items.append(Item(name, locale, (papers or [DEFAULT_PAPER])[0], variant, "html"))
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
        for folder in (module.folder, self.common):  # in every content folder, with the locale's fallbacks
            files += self.registry.translation_files(folder, item.locale)
        layout, large = self._once(("layout", module.layout), lambda: self._layout_files(module.layout))
        files += layout
        if item.variant == "large-print" and large:
            files += self._once(("layout", large), lambda: self._layout_files(large))[0]
        papers = self._once("papers", self.registry.paper_paths)
        files.append(papers.get(item.paper, Path("-")))
        return files

    def digest(self, item: Item) -> str:
        """One hash of the tool, its libraries, the item, the PDF date, the CAR-T product and every
        input file's bytes."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # the date stamped into every PDF
        product = self.clinic.settings.get("car_t_product") if self.clinic is not None else None
        digest = hashlib.sha256(f"handouts {handouts.__version__}\n{item!r}\nepoch {epoch}\n"
                                f"product {product}\n".encode())
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
    from handouts.registry import Registry

    try:
        registry = Registry.with_extra(plan.content, plan.layouts)
        clinic = plan.load_clinic()
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
    import io

    import pikepdf  # the page objects may be in compressed object streams

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def build_one(plan: Plan, item: Item, inputs: str | None = None) -> Outcome:
    """Build one item (``inputs`` is its inputs digest, worked out if not given).

    Our errors become a failed outcome, never a crash. Whether the item is up to date was decided
    before, in the main process (see ``sort_out``).
    """
    from handouts.document import prepare
    from handouts.registry import Registry
    from handouts.render import render

    target = Path(plan.out_dir) / item.filename
    try:
        registry = Registry.with_extra(plan.content, plan.layouts)
        clinic = plan.load_clinic()
        inputs = inputs or inputs_digest(registry, item, clinic)
        handout = prepare(registry, item.module, locale=item.locale, paper=item.paper, clinic=clinic,
                          variant=item.variant)
        if not (plan.strict and handout.warnings):
            data = render(handout, item.format)  # laying out may add warnings (a page rule it could not keep)
        if plan.strict and handout.warnings:  # CI must not ship a part-English or badly laid out handout
            more = f" (and {len(handout.warnings) - 1} more)" if len(handout.warnings) > 1 else ""
            return Outcome(item, "failed", error=f"--strict: {handout.warnings[0]}{more}")
        write_output(target, data)  # a full disk or read-only folder fails this item, not the run
        review = "source" if item.locale == "en" else ("draft" if handout.draft else "reviewed")
        entry = {
            "path": item.filename, "module": item.module, "locale": item.locale, "format": item.format,
            "paper": item.paper, "variant": item.variant, "content_version": handout.module.version,
            "content_reviewed": handout.module.reviewed.isoformat(), "review_status": review,
            "pages": count_pages(data) if item.format == "pdf" else None, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
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
        write_output(path, text.encode("utf-8"))
    return path


def _still_matches(path: Path, entry: dict) -> bool:
    """The file is the one a manifest entry describes (same size and sha256)."""
    try:
        return path.stat().st_size == entry.get("bytes") and file_digest(path) == entry.get("sha256")
    except OSError:
        return False


class LiveManifest:
    """``manifest.json`` kept true throughout a build, so a build stopped anywhere leaves one to trust.

    A build can end at any moment (Ctrl-C, SIGKILL, a full disk) and the next one skips what the
    manifest says is up to date. So every entry must match its file at every moment: entries are
    dropped (the manifest rewritten) before their PDFs are rebuilt, and each new entry is written,
    atomically, as soon as its PDF is. At the end, an entry dropped for an item that was not rebuilt
    after all (it failed, or Ctrl-C came first) comes back if its file is still the one it describes,
    so a complete build writes the very manifest it always did.
    """

    def __init__(self, out_dir: Path, previous: dict[str, dict]):
        self.out_dir, self.previous, self.entries = Path(out_dir), previous, dict(previous)

    def rebuilding(self, names) -> None:
        if [name for name in names if self.entries.pop(name, None) is not None]:
            self.save()

    def add(self, entry: dict) -> None:
        """Record a PDF just written; a manifest that cannot be written stops the build (WriteError)."""
        self.entries[entry["path"]] = entry
        self.save()

    def close(self, outcomes) -> Path:
        for outcome in outcomes:
            if outcome.entry:
                self.entries[outcome.item.filename] = outcome.entry
        for name, entry in self.previous.items():
            if name not in self.entries and _still_matches(self.out_dir / name, entry):
                self.entries[name] = entry
        if not self.entries and not (self.out_dir / MANIFEST).exists():
            return self.out_dir / MANIFEST  # nothing built: a read-only folder gets no error of its own here
        return self.save()

    def save(self) -> Path:
        return write_manifest(self.out_dir, self.entries)


def run_batch(plan: Plan, items: list[Item], *, jobs: int = 1, keep_going: bool = False,
              on_outcome=None) -> BatchReport:
    """Build ``items`` with ``jobs`` processes; stop at the first failure unless ``keep_going``.

    Which items are up to date is decided here first, so a run with nothing to build starts no
    process and imports no renderer; only the stale items go to the workers. The manifest is kept
    true after every PDF (see ``LiveManifest``); Ctrl-C ends the workers and raises
    ``BatchInterrupted`` with the report of what was done.
    """
    out_dir = Path(plan.out_dir)
    make_folder(out_dir)
    remove_stale_parts(out_dir)
    previous = load_manifest(out_dir)
    items = sorted(items)
    report = BatchReport(total=len(items))
    manifest = LiveManifest(out_dir, previous)
    recorded = set()

    def record(outcome: Outcome) -> bool:
        if outcome.item in recorded:  # an item taken again after Ctrl-C (see _record_finished)
            return False
        with _sigint_deferred():  # the outcome, its manifest entry and its progress line, or none of them
            recorded.add(outcome.item)
            report.outcomes.append(outcome)
            if outcome.status == "built":
                manifest.add(outcome.entry)
            if on_outcome:
                on_outcome(outcome, len(report.outcomes), len(items))
        return outcome.status == "failed" and not keep_going

    try:
        _sort_out_and_build(plan, items, previous, jobs, keep_going, record, manifest)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        with _sigint_ignored():
            remove_stale_parts(out_dir)  # left by workers ended mid-write
            report.outcomes.sort(key=lambda o: o.item)
            report.manifest = manifest.close(report.outcomes)
    if report.interrupted:
        raise BatchInterrupted(report)
    return report


def _sort_out_and_build(plan, items, previous, jobs, keep_going, record, manifest) -> None:
    """The body of ``run_batch``: record the items up to date, then build the others."""
    done, stale = sort_out(plan, items, previous)
    for outcome in done:
        record(outcome)
    if any(outcome.status == "failed" for outcome in done) and not keep_going:
        return
    manifest.rebuilding(item.filename for _, item, _ in stale)
    if jobs <= 1 or len(stale) <= 1:
        for args in stale:
            if record(build_one(*args)):
                break
    else:
        _build_in_pool(stale, jobs, record)


def _build_in_pool(stale: list[tuple], jobs: int, record) -> None:
    """Build in worker processes; on Ctrl-C or an error, end the workers at once and keep what they finished.

    After a failure without ``--keep-going`` the running items finish (they are quick) and are
    recorded; nothing else starts.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context()  # a forkserver, not this process, forks the workers of some
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(stale)), mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), context.get_start_method() != "forkserver"))
    futures = []
    try:
        with _sigint_deferred():
            futures = [pool.submit(_build_in_worker, args) for args in stale]
        for future in as_completed(futures):
            if record(future.result()):
                break
    except KeyboardInterrupt:
        with _sigint_ignored():
            _end_workers(pool)
            _record_finished(futures, record)
        raise
    except BaseException:
        _end_workers(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
    _record_finished(futures, record)


def _record_finished(futures, record) -> None:
    """Record the items whose workers finished but whose results were not taken yet: their PDFs are written."""
    for future in futures:
        if future.done() and not future.cancelled() and future.exception() is None:
            record(future.result())


def _end_workers(pool) -> None:
    """Stop a pool now: cancel what has not started, terminate the workers, wait until they are gone.

    ``shutdown(cancel_futures=True)`` alone would let the running items finish. Before Python 3.14
    (``terminate_workers``) the pool's own process table is the only handle on its workers; without
    it this falls back to waiting for the running items. Their ``.part`` files are removed after.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    pool.shutdown(wait=True, cancel_futures=True)  # its manager thread reaps them; False would undo the cancel


@contextlib.contextmanager
def _sigint_deferred():
    """Hold Ctrl-C back for a moment, so that what is done here is done whole; it comes after.

    While the workers start: a forked worker starts with the parent's handler, and a SIGINT before
    its initializer ran would raise KeyboardInterrupt inside it and break the pool. Blocked, the
    signal waits: a worker drops it once it ignores SIGINT, and the parent gets it when this block
    ends. While an outcome is recorded: the report, the manifest and the progress line agree.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _sigint_ignored():
    """Keep a second Ctrl-C from cutting short the clean-up of the first (ending workers, the manifest)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


# -- workers ------------------------------------------------------------------------------------

def _start_worker(parent: int, direct: bool) -> None:
    """Each worker's initializer: Ctrl-C is the parent's to handle, and the worker ends with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by _sigint_deferred
    die_with_parent(parent, direct)


def die_with_parent(parent: int, direct: bool = True) -> None:
    """End this process when ``parent`` (the build that started it) ends, even by SIGKILL.

    A killed build runs no clean-up, so its workers would go on building for nobody. On Linux the
    kernel sends SIGTERM when the process that forked this one dies (the build itself, or under
    forkserver the server, which ends with the build); elsewhere a thread polls ``os.getppid()``.
    ``direct`` says ``parent`` forked this process itself (fork, spawn; not a forkserver): then
    a parent that died before the kernel was asked shows at once as another ``getppid()``.
    """
    if not _kernel_ends_orphans(signal.SIGTERM):
        threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True,
                         name="handouts-die-with-parent").start()
    orphaned = os.getppid() != parent if direct else not _is_alive(parent)
    if orphaned:  # the parent died before the kernel was asked
        os._exit(1)


def _kernel_ends_orphans(signum: int) -> bool:
    """Ask Linux for ``signum`` when the parent dies (``prctl(PR_SET_PDEATHSIG)``); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    """Where prctl is missing: once the parent is gone, this process is reparented, so ``getppid`` changes."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_SECONDS)
    os._exit(1)


def _is_alive(pid: int) -> bool:
    """Whether a process exists (signal 0 only checks); on Windows, where that would kill it, assume so."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
