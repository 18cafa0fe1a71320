"""Ctrl-C, SIGKILL, a full disk, a read-only folder: the output folder stays consistent.

Consistent means: every manifest entry matches its file (sha256), no ``.part`` file is left for
long, no worker outlives its build, and the next build picks up where the last one stopped.
The subprocess tests wait with generous bounds; they never assert how fast something happened.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from catalogue import PDFS
from click.testing import CliRunner

from handouts import output
from handouts.batch import MANIFEST
from handouts.cli import main

try:
    import psutil
except ImportError:  # not a test dependency: /proc serves on Linux
    psutil = None

pytestmark = pytest.mark.skipif(sys.platform == "win32" or (psutil is None and not Path("/proc/self/stat").exists()),
                                reason="needs POSIX signals and a way to list processes")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
SUMMARY = re.compile(r"(\d+) built, (\d+) up to date, (\d+) failed, (\d+) in all")
STALE_PART = ".car-t-journey.en.a4.pdf.k3j9x_2q.part"  # as write_atomic names its temporary files


# -- processes ----------------------------------------------------------------------------------

def _proc_stat(pid) -> list[str] | None:
    """The fields of /proc/PID/stat after ``(comm)``: state first, ppid second, start time at 19."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _children(pid: int) -> list[tuple[int, float | str]]:
    """The processes ``pid`` started, as (pid, start time): a pid reused later is not taken for them."""
    if psutil is not None:
        return [(child.pid, child.create_time()) for child in psutil.Process(pid).children(recursive=True)]
    stats = {int(entry.name): _proc_stat(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    return [(child, stat[19]) for child, stat in stats.items() if stat and stat[1] == str(pid)]


def _running(process: tuple) -> bool:
    """Still running: a zombie has ended (init reaps the orphans of a killed build when it gets round to it)."""
    pid, started = process
    if psutil is not None:
        try:
            found = psutil.Process(pid)
            return found.create_time() == started and found.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    stat = _proc_stat(pid)
    return bool(stat) and stat[19] == started and stat[0] != "Z"


def _wait_until(check, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class Build:
    """``handouts build --all -j2 -o OUT`` in a subprocess, its stderr read line by line as it comes."""

    def __init__(self, out: Path):
        self.process = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--all", "-j2", "-o", str(out)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
        self.lines: queue.Queue = queue.Queue()
        self.stderr: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.workers: list[tuple] = []

    def _read(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def built(self, count: int, timeout: float = 60.0) -> None:
        """Wait for the ``count``-th "built:" progress line, then note the workers then running."""
        deadline, seen = time.monotonic() + timeout, 0
        while seen < count:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "the build ended first:\n" + "".join(self.stderr)
            seen += "] built: " in line
        self.workers = _children(self.process.pid)
        assert self.workers, "no worker processes found"

    def finish(self, timeout: float = 10.0) -> tuple[int, str]:
        code = self.process.wait(timeout)
        self.reader.join(timeout)
        return code, "".join(self.stderr)

    def clean_up(self) -> None:
        """After a failed test: leave no process of ours behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid, _ in filter(_running, self.workers):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def start_build():
    builds = []

    def start(out: Path) -> Build:
        builds.append(Build(out))
        return builds[-1]

    yield start
    for build in builds:
        build.clean_up()


# -- the output folder --------------------------------------------------------------------------

def manifest_entries(out: Path) -> list[dict]:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["items"]


def assert_consistent(out: Path) -> list[dict]:
    """Every manifest entry matches its file, and no temporary file is left; returns the entries."""
    entries = manifest_entries(out)
    for entry in entries:
        data = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["bytes"], entry["path"]
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))
    return entries


# -- Ctrl-C and SIGKILL -------------------------------------------------------------------------

def test_ctrl_c_stops_the_workers_and_keeps_what_was_built(tmp_path, start_build):
    out = tmp_path / "out"
    build = start_build(out)
    build.built(5)
    build.process.send_signal(signal.SIGINT)
    code, stderr = build.finish(timeout=10)

    assert code == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr.splitlines()[-1]
    built, up_to_date, failed, total = map(int, SUMMARY.search(stderr).groups())
    assert (up_to_date, failed, total) == (0, 0, PDFS) and 5 <= built < PDFS
    assert not [worker for worker in build.workers if _running(worker)]
    entries = assert_consistent(out)
    assert len(entries) == built == stderr.count("] built: ")  # whatever finished is recorded
    # a worker may have written the PDF it was on before its result came back; nothing after that
    assert built <= len(list(out.glob("*.pdf"))) <= built + 2


def test_sigkill_ends_the_workers_and_the_next_build_picks_up(tmp_path, start_build):
    out = tmp_path / "out"
    build = start_build(out)
    build.built(5)
    build.process.kill()
    build.finish(timeout=10)
    assert _wait_until(lambda: not any(map(_running, build.workers))), "workers outlived their build"
    entries = manifest_entries(out)  # a worker ended mid-write may have left a .part file; the entries match
    assert len(entries) >= 5
    for entry in entries:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    (out / STALE_PART).write_bytes(b"%PDF-1.4 half a file")  # and one for certain

    again = subprocess.run([sys.executable, "-m", "handouts", "build", "--all", "-j2", "-o", str(out)],
                           capture_output=True, text=True, env=ENV, timeout=300)
    assert again.returncode == 0, again.stderr
    kept = len(entries)  # every entry left was up to date: the build picked up from it
    assert SUMMARY.search(again.stderr).groups() == (str(PDFS - kept), str(kept), "0", str(PDFS))
    assert len(assert_consistent(out)) == PDFS


def test_a_worker_without_prctl_still_dies_with_its_parent(tmp_path):
    """The fallback for systems without prctl: a thread that watches the parent pid."""
    code = """if True:
        import os, sys, time
        from handouts import batch
        batch._kernel_ends_orphans = lambda signum: False
        parent = os.getpid()
        if os.fork() == 0:
            batch.die_with_parent(parent)
            print("ready", flush=True)
            time.sleep(60)
            os._exit(0)
        time.sleep(60)
    """
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    children = []
    try:
        assert parent.stdout.readline() == "ready\n"
        children = _children(parent.pid)
        assert len(children) == 1
        parent.kill()
        parent.wait(10)
        assert _wait_until(lambda: not _running(children[0])), "the child outlived its parent"
    finally:
        parent.kill()
        for pid, _ in filter(_running, children):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("direct", [True, False])  # False: forked by a forkserver, not by the build
def test_a_worker_whose_parent_is_already_gone_exits(direct):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    late = subprocess.run([sys.executable, "-c", f"from handouts import batch; batch.die_with_parent({gone.pid}, "
                           f"{direct}); print('still here')"], capture_output=True, text=True, timeout=60)
    assert late.returncode != 0 and "still here" not in late.stdout


# -- a full disk, a read-only folder ------------------------------------------------------------

def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args)], catch_exceptions=False)


def _full_disk_for(monkeypatch, name_part: str) -> None:
    """Writes of files whose name contains ``name_part`` fail as on a full disk."""
    write = output.write_atomic

    def full(path, data):
        if name_part in Path(path).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write(path, data)

    monkeypatch.setattr(output, "write_atomic", full)


def _one_line_error(result, name: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if name in line and "cannot write" in line]
    assert len(errors) == 1, result.output
    return errors[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_fails_the_item_with_one_line_and_keep_going_goes_on(tmp_path, fixtures, monkeypatch, jobs):
    _full_disk_for(monkeypatch, "mini-card")  # forked workers (-j2) inherit the patch
    out = tmp_path / "out"
    args = ("--content", fixtures / "content", "-o", out, "-j", jobs, "mini-card", "mini-sheet")
    error = _one_line_error(build(*args), "mini-card.en.a4.pdf")
    assert str(out) in error and "No space left on device" in error
    going = build(*args, "--keep-going")
    _one_line_error(going, "mini-card.en.a4.pdf")
    assert SUMMARY.search(going.output).groups() in {("1", "0", "1", "2"), ("0", "1", "1", "2")}
    assert [entry["path"] for entry in assert_consistent(out)] == ["mini-sheet.en.a4.pdf"]


def test_a_manifest_that_cannot_be_written_is_one_line(tmp_path, fixtures, monkeypatch):
    _full_disk_for(monkeypatch, MANIFEST)
    out = tmp_path / "out"
    result = build("--content", fixtures / "content", "-o", out, "-j", "1", "--keep-going", "mini-card", "mini-sheet")
    assert str(out / MANIFEST) in _one_line_error(result, MANIFEST)
    assert not list(out.glob(".*.part"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="chmod does not stop root from writing")
def test_a_read_only_folder_is_one_line_per_item(tmp_path, fixtures):
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    try:
        args = ("--content", fixtures / "content", "-o", out, "-j", "1", "mini-card", "mini-sheet")
        error = _one_line_error(build(*args), "mini-card.en.a4.pdf")
        assert str(out) in error and "read-only" in error
        going = build(*args, "--keep-going")
        assert going.exit_code == 1 and "Traceback" not in going.output
        assert "0 built, 0 up to date, 2 failed, 2 in all" in going.output
    finally:
        out.chmod(0o755)
