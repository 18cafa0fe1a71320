"""Benchmark: how long handouts take to build, and how much memory a build needs.

    python bench/bench_build.py [--repeat 3]

Prints: milliseconds per handout per locale (prepare + render, in memory, median of --repeat),
the whole catalogue's wall time at -j1 and -j2 (fresh processes, --force), a no-op rebuild's
time, and each run's peak resident memory. Figures depend on the machine: compare them on one.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def per_handout(repeat: int) -> dict[tuple[str, str], float]:
    from handouts.build import prepare, render_handout
    from handouts.i18n import module_locales
    from handouts.registry import Registry

    registry = Registry()
    timings = {}
    for name in registry.module_paths():
        module = registry.module(name)
        for locale in module_locales(module):
            render_handout(prepare(registry, name, locale=locale))  # warm: fonts registered once a process
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                render_handout(prepare(registry, name, locale=locale))
                runs.append((time.perf_counter() - start) * 1000)
            timings[(name, locale)] = statistics.median(runs)
    return timings


def timed_build(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MiB) of the largest process of one ``handouts build``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "handouts", "build", *args], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    timings = per_handout(options.repeat)
    locales = sorted({locale for _, locale in timings})
    modules = sorted({name for name, _ in timings})
    print("ms per handout (prepare + render, A4, median of", options.repeat, "runs)")
    print(f"{'module':<28}" + "".join(f"{loc:>9}" for loc in locales))
    for name in modules:
        print(f"{name:<28}" + "".join(f"{timings[(name, loc)]:>9.0f}" for loc in locales))
    print(f"{'mean':<28}" + "".join(
        f"{statistics.mean(timings[(n, loc)] for n in modules):>9.0f}" for loc in locales))

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "catalogue"
        print()
        print("whole catalogue (--all: every module x locale x paper x standard/large print)")
        for jobs in ("1", "2"):
            seconds, peak = timed_build(["--all", "--force", "-j", jobs, "-o", str(out)])
            count = len(list(out.glob("*.pdf")))
            print(f"  -j{jobs}: {seconds:6.2f} s for {count} PDFs ({seconds / count * 1000:.0f} ms each), "
                  f"peak RSS {peak:.0f} MiB")
        seconds, peak = timed_build(["--all", "-j", "2", "-o", str(out)])
        print(f"  no-op rebuild (-j2, all up to date): {seconds:6.2f} s, peak RSS {peak:.0f} MiB")
        size = sum(p.stat().st_size for p in out.glob("*.pdf"))
        print(f"  catalogue size: {size / 1024 / 1024:.1f} MiB in {len(list(out.glob('*.pdf')))} PDFs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
