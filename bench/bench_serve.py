"""Benchmark: how fast ``handouts serve`` answers, and whether its memory grows.

    python bench/bench_serve.py [--requests 1000] [--clients 8] [--seconds S] [--workers N] [--sequential 50]
                                [--same-name]

Starts a real server (``tests/serve_live.py``: a child process on a free loopback port), warms it
up (every language and paper of the card and of the sheet, --warm-rounds times from as many clients
as there are workers), then prints:

- p50 and p95 latency (ms, client side, whole request) of a card PDF POST (car-t-side-effects,
  with a patient's name) and of a sheet PDF POST (immunotherapy-vs-car-t), each measured unloaded
  (one request at a time, --sequential of each) and under load (--clients threads posting cards
  and sheets, 3 to 1, --requests in all, or for --seconds if given);
- the resident memory (VmRSS) of the server and its worker processes after the warm-up and after
  the load, with the growth in %. Each card is for a new patient name (as in a clinic), unless
  --same-name: the difference between the two shows what per-name state the workers keep.

Languages and papers are drawn at random (seeded), so every run asks for the same handouts.
Figures depend on the machine: compare them on one. It prints figures and checks nothing.
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from serve_live import TOKENS, live_server  # noqa: E402 - tests/ is not a package

CARD = "car-t-side-effects"
SHEET = "immunotherapy-vs-car-t"
LOCALES = ("en", "es", "zh-Hans", "vi", "ar", "hi")
PAPERS = ("a4", "letter")


# -- memory ------------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (the pool's workers, multiprocessing's resource tracker)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children(current)
    return tree


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pid: int) -> tuple[int, list[tuple[int, str, int]]]:
    """Total RSS (KiB) of the server's process tree, and (pid, name, KiB) of each process."""
    rows = []
    for member in process_tree(pid):
        try:
            name = Path(f"/proc/{member}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        role = "server" if member == pid else ("resource tracker" if "resource_tracker" in name else "worker")
        rows.append((member, role, rss_kib(member)))
    return sum(kib for _, _, kib in rows), rows


# -- requests ----------------------------------------------------------------------------------

SAME_NAME = {"on": False}


def order(rng: random.Random, kind: str) -> tuple[str, bytes]:
    """A card for a patient (a new name each time, as in a clinic, unless --same-name), or a sheet."""
    fields = {"locale": rng.choice(LOCALES), "paper": rng.choice(PAPERS), "variant": "standard", "format": "pdf"}
    if kind == "card":
        surname = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(9)).capitalize()
        fields["name"] = "Ana Lu" if SAME_NAME["on"] else f"Ana {surname}"
        fields["product"] = "Axi-cel"
        fields["date"] = "2026-01-05"
    return f"/handouts/{CARD if kind == 'card' else SHEET}", urllib.parse.urlencode(fields).encode("ascii")


class Client:
    """One kept-alive connection; ``post`` returns the milliseconds a PDF took, or raises."""

    def __init__(self, url: str):
        address = urllib.parse.urlsplit(url)
        self.host, self.port = address.hostname, address.port
        self.connection = None
        self.token = TOKENS[url]   # the server's access token, sent as a script sends it

    def post(self, path: str, body: bytes) -> float:
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.connection.request("POST", path, body=body,
                                        headers={"Content-Type": "application/x-www-form-urlencoded",
                                                 "Authorization": f"Bearer {self.token}"})
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        if response.status != 200 or not data.startswith(b"%PDF-"):
            raise RuntimeError(f"{path}: {response.status}")
        return (time.perf_counter() - started) * 1000

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def sequential(url: str, count: int, rng: random.Random) -> dict[str, list[float]]:
    client = Client(url)
    timings = {"card": [], "sheet": []}
    for kind in ("card", "sheet"):
        for _ in range(count):
            timings[kind].append(client.post(*order(rng, kind)))
    client.close()
    return timings


def loaded(url: str, clients: int, requests: int, seconds: float | None, seed: int):
    """``clients`` threads posting cards and sheets (3 to 1) until ``requests`` are answered (or
    ``seconds`` have passed): the timings of each kind, the errors, and the wall time."""
    timings = {"card": [], "sheet": []}
    errors: list[str] = []
    lock = threading.Lock()
    issued = {"count": 0}
    deadline = time.monotonic() + seconds if seconds else None

    def next_turn() -> int | None:
        with lock:
            if (deadline is None and issued["count"] >= requests) or (deadline and time.monotonic() >= deadline):
                return None
            issued["count"] += 1
            return issued["count"]

    def work(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        client = Client(url)
        while (turn := next_turn()) is not None:
            kind = "sheet" if turn % 4 == 0 else "card"
            try:
                took = client.post(*order(rng, kind))
            except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
                with lock:
                    errors.append(f"{kind}: {type(error).__name__}: {error}")
                continue
            with lock:
                timings[kind].append(took)
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - started


def warm_up(url: str, workers: int, rounds: int) -> None:
    """Every language, paper and handout, ``rounds`` times from as many clients as workers, so each
    worker has loaded its fonts and filled its caches for all of them before memory is measured."""
    combos = [(kind, locale, paper) for kind in ("card", "sheet") for locale in LOCALES for paper in PAPERS]

    def work(number: int) -> None:
        client = Client(url)
        rng = random.Random(number)
        for _ in range(rounds):
            for kind, locale, paper in combos:
                path, body = order(rng, kind)
                fields = {**dict(urllib.parse.parse_qsl(body.decode())), "locale": locale, "paper": paper}
                client.post(path, urllib.parse.urlencode(fields).encode())
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- the run -----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests under load (default 1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients under load (default 8)")
    parser.add_argument("--seconds", type=float, default=None, help="run the load for this long instead")
    parser.add_argument("--sequential", type=int, default=50, help="unloaded requests of each kind (default 50)")
    parser.add_argument("--workers", type=int, default=None, help="the server's render processes (default: cores)")
    parser.add_argument("--same-name", action="store_true",
                        help="the same patient on every card (default: a new name each time, as in a clinic)")
    parser.add_argument("--warm-rounds", type=int, default=3,
                        help="warm-up: every language x paper x handout this many times per worker (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    SAME_NAME["on"] = args.same_name

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        extra = ("--workers", str(args.workers)) if args.workers else ()
        started = time.perf_counter()
        with live_server(Path(folder), *extra) as server:
            up = time.perf_counter() - started
            pid = server.process.pid
            workers = sum(1 for _, role, _ in memory(pid)[1] if role == "worker")
            print(f"handouts serve: up in {up:.1f} s, {workers} worker process{'es' if workers != 1 else ''}, "
                  f"{args.clients} clients under load, {'one name' if args.same_name else 'a new name per card'}")

            warm_up(server.url, max(1, workers), args.warm_rounds)
            before, rows_before = memory(pid)

            quiet = sequential(server.url, args.sequential, rng)
            busy, errors, wall = loaded(server.url, args.clients, args.requests, args.seconds, args.seed)
            done = len(busy["card"]) + len(busy["sheet"])
            after, rows_after = memory(pid)

        print()
        print(f"{'latency (ms)':<28}{'n':>6}{'p50':>9}{'p95':>9}{'mean':>9}")
        for label, timings in (("unloaded", quiet), (f"{args.clients} clients", busy)):
            for kind, what in (("card", f"card PDF ({CARD})"), ("sheet", f"sheet PDF ({SHEET})")):
                values = timings[kind]
                mean = statistics.fmean(values) if values else float("nan")
                print(f"  {label + ', ' + kind:<26}{len(values):>6}{percentile(values, 0.5):>9.0f}"
                      f"{percentile(values, 0.95):>9.0f}{mean:>9.0f}")
        print(f"  under load: {done} PDFs in {wall:.1f} s = {done / wall:.1f} PDFs/s, {len(errors)} errors")
        for error in errors[:5]:
            print(f"    {error}")

        print()
        total = 2 * args.sequential + done
        print(f"{'memory (RSS, MiB)':<28}{'warm':>9}{'after':>9}{'growth':>9}")
        roles = {}
        for member, role, kib in rows_before:
            roles.setdefault(member, [role, kib, 0])
        for member, role, kib in rows_after:
            roles.setdefault(member, [role, 0, 0])[2] = kib
        for member, (role, first, last) in roles.items():
            growth = f"{(last - first) / first * 100:+.1f}%" if first and last else ("gone" if first else "new")
            print(f"  {role + ' ' + str(member):<26}{first / 1024:>9.1f}{last / 1024:>9.1f}{growth:>9}")
        print(f"  {'all, after ' + str(total) + ' requests':<26}{before / 1024:>9.1f}{after / 1024:>9.1f}"
              f"{(after - before) / before * 100:>+8.1f}%")


if __name__ == "__main__":
    main()
