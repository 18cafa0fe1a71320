"""A real ``handouts serve`` in a child process, for the tests that need an HTTP server on
loopback (a browser, concurrent clients, the patient-details marker search).

Its log (stdout and stderr) goes to a file the test can read, and its ``TMPDIR`` is a folder of
the test's own, so a test can show that nothing was written there. It always has an access token
(``token``; a fresh strong one unless the test gives its own), which ``TOKENS`` keeps by address
for the helpers that ask it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

TOKENS: dict[str, str] = {}   # each running server's access token, by its address


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path
    tmp: Path
    token: str = ""

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def limit_files(descriptors: int | None):
    if descriptors is None:
        return None

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))
    return limit


@contextlib.contextmanager
def live_server(folder: Path, *args: str, env: dict | None = None, timeout: float = 60.0, token: str | None = None,
                descriptors: int | None = None):
    """Start ``handouts serve`` on a free loopback port, wait until it answers, stop it after.
    It is asked with its access token (``token``, else ``HANDOUTS_TOKEN`` in ``env``, else a new one).
    ``descriptors``: the most files it may open (soft and hard limit), as on a small server."""
    token = token or (env or {}).get("HANDOUTS_TOKEN") or secrets.token_urlsafe(32)
    env = {**(env or {}), "HANDOUTS_TOKEN": token}
    port = free_port()
    tmp = folder / "server-tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    log = folder / "server.log"
    environment = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1", **(env or {})}
    environment.pop("HANDOUTS_DEBUG", None)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT, env=environment, cwd=folder,
                                   start_new_session=True, preexec_fn=limit_files(descriptors))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"handouts serve ended ({process.returncode}):\n{log.read_text()}")
            try:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                asking = urllib.request.Request(url + "/", headers=headers)
                with urllib.request.urlopen(asking, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"handouts serve did not answer in {timeout} s:\n{log.read_text()}")
            time.sleep(0.2)
        TOKENS[url] = token
        yield LiveServer(url, process, log, tmp, token)
    finally:
        TOKENS.pop(url, None)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def state_of(pid: int) -> str:
    """A process's state letter (R running, S sleeping, Z ended but not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def workers_of(pid: int) -> list[int]:
    """The render workers of the app running in process ``pid``: its children, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat", encoding="ascii").read()
            except OSError:
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if int(parent) == pid and state != "Z":   # a worker killed but not yet reaped is gone
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as handle:
                        if b"resource_tracker" not in handle.read():   # multiprocessing's helper, not a worker
                            found.append(int(entry))
                except OSError:
                    continue
    return found
