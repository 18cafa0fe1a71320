"""Benchmark: how long handouts take to build, and how much memory a build needs.

    python bench/bench_build.py [--repeat 3] [--serial]

Prints: milliseconds per comparison sheet per locale (immunotherapy-vs-car-t, A4, standard;
prepare + render in memory, median of --repeat), warm (the same sheet again in one process) and
uncached (the same, with the per-process shaping and Markdown caches emptied first), what the
tagged PDF's structure tree costs (ms and bytes per PDF, tagged against untagged), the whole
catalogue's wall time at -j2 (a fresh process, --force, into a new folder, SOURCE_DATE_EPOCH set;
with --serial at -j1 too), a no-op rebuild's time (``--all`` again into the same folder, median
of --repeat), each run's peak resident memory, and ``handouts preflight -j2`` over that
catalogue. Figures depend on the machine: compare them on one. It prints figures and checks
nothing: timings do not belong in the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHEET = "immunotherapy-vs-car-t"
EPOCH = "1764000000"  # 2025-11-24, used unless SOURCE_DATE_EPOCH is already set


def handout_api():
    """``(prepare, render)`` wherever the library keeps them today.

    ``handouts.build`` has long had ``prepare`` and ``render_handout``; the document model moved the
    work to ``handouts.document.prepare`` and ``handouts.render.render``. Use whichever exists.
    """
    try:
        from handouts.build import prepare, render_handout
    except ImportError:
        from handouts.document import prepare
        from handouts.render import render as render_handout
    return prepare, render_handout


def clear_text_caches() -> None:
    """Forget shaped paragraphs and converted Markdown (fonts stay loaded), where the library has
    such caches, so a run measures the text work itself."""
    for module, name in (("handouts.render.textlayout", "shape_paragraph"), ("handouts.markup", "_converted")):
        try:
            getattr(__import__(module, fromlist=[name]), name).cache_clear()
        except (ImportError, AttributeError):
            pass


def per_locale(repeat: int) -> dict[str, tuple[float, float]]:
    """(warm, uncached) milliseconds to prepare and render the comparison sheet, per locale,
    median of ``repeat``. Warm: the same sheet again in the same process. Uncached: the same,
    with the per-process text caches emptied first."""
    from handouts.i18n import module_locales
    from handouts.registry import Registry

    prepare, render = handout_api()
    registry = Registry()
    timings = {}
    for locale in module_locales(registry.module(SHEET)):
        def once():
            return render(prepare(registry, SHEET, locale=locale, paper="a4", variant="standard"))

        once()  # warm: fonts are registered and files read once a process
        figures = []
        for clear in (False, True):
            runs = []
            for _ in range(repeat):
                if clear:
                    clear_text_caches()
                start = time.perf_counter()
                once()
                runs.append((time.perf_counter() - start) * 1000)
            figures.append(statistics.median(runs))
        timings[locale] = tuple(figures)
    return timings


TAGGING_CASES = (("immunotherapy-vs-car-t", "standard"), ("car-t-journey", "standard"),
                 ("car-t-side-effects", "standard"), ("questions-to-ask", "standard"),
                 ("car-t-journey", "large-print"))
TAGGING_LOCALES = ("en", "ar", "hi", "zh-Hans")


def tagging_cost(repeat: int) -> list[str]:
    """What the structure tree costs per PDF: render time (median of ``repeat``, warm) and bytes,
    tagged and untagged, for a sheet, a journey, a card, a checklist and a large-print sheet in four
    scripts. Skipped (one line says so) where the library has no switch for it."""
    try:
        from handouts.render.pdf import tags
    except ImportError:
        return ["tagging cost: this version writes no tagged PDF"]
    from handouts.registry import Registry

    prepare, render = handout_api()
    registry = Registry()
    lines = [f"cost of tagging per PDF (A4; render only, warm, median of {repeat}): ms and KiB, untagged -> tagged"]
    extra_ms, extra_kib = [], []
    for module, variant in TAGGING_CASES:
        for locale in TAGGING_LOCALES:
            handout = prepare(registry, module, locale=locale, paper="a4", variant=variant)
            figures = {}
            for tagged in (False, True):
                tags.TAGGED = tagged
                data = render(handout)
                runs = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    data = render(handout)
                    runs.append((time.perf_counter() - start) * 1000)
                figures[tagged] = (statistics.median(runs), len(data) / 1024)
            tags.TAGGED = True
            (ms0, kib0), (ms1, kib1) = figures[False], figures[True]
            extra_ms.append(ms1 - ms0)
            extra_kib.append(kib1 - kib0)
            lines.append(f"  {module:<24}{variant:<12}{locale:<8}{ms0:6.0f} -> {ms1:4.0f} ms "
                         f"({ms1 - ms0:+4.0f}){kib0:8.0f} -> {kib1:4.0f} KiB ({kib1 - kib0:+4.0f})")
    lines.append(f"  mean difference: {statistics.mean(extra_ms):+.0f} ms, {statistics.mean(extra_kib):+.0f} KiB "
                 "per PDF (tagged ones are saved with compressed object streams, untagged as ReportLab writes them)")
    return lines


def timed_build(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds of one ``handouts build`` in a fresh process, and its peak RSS in MiB.

    ``os.wait4`` gives the usage of this child and the workers it waited for, and of nothing else
    (``RUSAGE_CHILDREN`` would keep the largest of every run so far).
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "handouts", "build", *args], env=env,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            sys.exit(f"handouts build {' '.join(args)} failed:\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def whole_catalogue(repeat: int, serial: bool) -> list[str]:
    """The ``--all`` figures, as lines to print."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", EPOCH)
    lines = [f"whole catalogue (--all: every module x locale x paper x standard/large print; "
             f"SOURCE_DATE_EPOCH={env['SOURCE_DATE_EPOCH']})"]
    with tempfile.TemporaryDirectory() as folder:
        for jobs in ("1", "2") if serial else ("2",):
            out = Path(folder) / f"j{jobs}"
            seconds, peak = timed_build(["--all", "--force", "-j", jobs, "-o", str(out)], env)
            count = len(list(out.glob("*.pdf")))
            lines.append(f"  -j{jobs} --force: {seconds:6.2f} s for {count} PDFs ({seconds / count * 1000:.0f} ms "
                         f"each), peak RSS {peak:.0f} MiB")
        runs = [timed_build(["--all", "-j", "2", "-o", str(out)], env) for _ in range(repeat)]
        seconds, peak = statistics.median(s for s, _ in runs), max(p for _, p in runs)
        lines.append(f"  no-op rebuild (--all -j2 again, all up to date): {seconds:6.2f} s (median of {repeat}), "
                     f"peak RSS {peak:.0f} MiB")
        size = sum(p.stat().st_size for p in out.glob("*.pdf"))
        lines.append(f"  catalogue size: {size / 1024 / 1024:.1f} MiB in {len(list(out.glob('*.pdf')))} PDFs")
        lines.append(timed_preflight(out, env))
    return lines


def timed_preflight(out: Path, env: dict) -> str:
    """``handouts preflight -j2`` over the catalogue just built, in a fresh process: its wall time
    and how many problem lines it printed (it exits 1 while it finds any; that is not a failure here)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "handouts", "preflight", "-j", "2", str(out)], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"handouts preflight failed:\n{done.stderr}")
    count = len(list(out.glob("*.pdf")))
    problems = len(done.stdout.splitlines()) if done.returncode else 0
    return (f"  preflight -j2: {seconds:6.2f} s for {count} PDFs ({seconds / count * 1000:.0f} ms each), "
            f"{problems} problem lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serial", action="store_true", help="also time the whole catalogue at -j1")
    options = parser.parse_args()

    # The builds run first: Linux counts the memory of this process, forked, in each child's peak,
    # so they must start before this process has loaded the library and drawn anything.
    catalogue = whole_catalogue(options.repeat, options.serial)
    timings = per_locale(options.repeat)
    print(f"ms per comparison sheet ({SHEET}, A4, standard; prepare + render in memory, "
          f"median of {options.repeat})")
    print(f"  {'locale':<9}{'warm':>7}{'uncached':>10}")
    for locale, (warm, uncached) in timings.items():
        print(f"  {locale:<9}{warm:>7.0f}{uncached:>10.0f}")
    print(f"  {'mean':<9}{statistics.mean(w for w, _ in timings.values()):>7.0f}"
          f"{statistics.mean(u for _, u in timings.values()):>10.0f}")
    print()
    print("\n".join(tagging_cost(options.repeat)))
    print()
    print("\n".join(catalogue))
    return 0


if __name__ == "__main__":
    sys.exit(main())
