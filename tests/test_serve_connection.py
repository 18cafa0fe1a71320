"""The guards below the app (``handouts.serve.connection``) and the request framing check, on a
real ``handouts serve``: slow clients cannot keep nurses out, a smuggled request is never read,
and no flood of connections floods the log."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

pytest.importorskip("uvicorn", reason="the web app's tests need: pip install '.[serve]'")

from serve_live import live_server, workers_of  # noqa: E402

from handouts.serve.connection import OncePerMinute, connection_cap  # noqa: E402


def answers(data: bytes) -> list[bytes]:
    """The status lines in what a server sent back on one connection."""
    return [line for line in data.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


def read_all(sock: socket.socket, wait: float = 10.0) -> bytes:
    sock.settimeout(wait)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            return data
        if not chunk:
            return data
        data += chunk


def get(port: int, token: str) -> tuple[int, float]:
    """A nurse's request: the status and the seconds it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                     "Connection: close\r\n\r\n".encode())
        data = read_all(sock)
    status = int(answers(data)[0].split()[1]) if answers(data) else 0
    return status, time.monotonic() - started


def test_slow_clients_do_not_keep_nurses_out_nor_flood_the_log(tmp_path):
    # 300 clients trickling headers, on a server that may open 256 files (as the outside test did)
    with live_server(tmp_path, "--workers", "1", descriptors=256) as server:
        port = int(server.url.rsplit(":", 1)[1])
        slow, stop = [], threading.Event()
        for _ in range(300):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(sock)

        def trickle() -> None:
            while not stop.wait(1.0):
                for sock in slow:
                    try:
                        sock.sendall(b"X-a: b\r\n")
                    except OSError:
                        pass
        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        try:
            served = [get(port, server.token) for _ in range(5)]
            time.sleep(12)   # past the header deadline: the slow ones are closed
            closed = 0
            for sock in slow:
                sock.settimeout(0.5)
                try:
                    closed += sock.recv(100) == b""
                except ConnectionResetError:
                    closed += 1
                except TimeoutError:
                    pass
        finally:
            stop.set()
            trickler.join()
            for sock in slow:
                sock.close()
        after = get(port, server.token)
    assert [status for status, _ in served] == [200] * 5
    assert max(seconds for _, seconds in served) < 2.0, served
    assert closed == len(slow)                    # none sent a whole request: every one is closed
    assert after[0] == 200
    log = server.log_text()
    assert server.log.stat().st_size < 1_000_000
    assert "Traceback" not in log
    assert "closed a connection that sent no complete request" in log
    # one line a minute per kind of trouble, whatever the number of connections
    assert log.count("closed a connection that sent no complete request") <= 2
    assert log.count("more than ") <= 2


def test_a_body_length_said_two_ways_is_refused_and_what_follows_never_read(tmp_path):
    with live_server(tmp_path, "--workers", "1") as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall((f"POST /handouts/car-t-side-effects HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Authorization: Bearer {server.token}\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n"
                          "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                          "GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode())
            data = read_all(sock)
    assert answers(data) == [b"HTTP/1.1 400 Bad Request"]    # one answer: the connection is closed
    assert b"connection: close" in data.lower()
    assert "/smuggled" not in server.log_text()


def test_a_form_sent_too_slowly_is_answered_408_and_the_connection_closed(tmp_path):
    from handouts.serve.app import BODY_TIMEOUT

    with live_server(tmp_path, "--workers", "1") as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall((f"POST /handouts/car-t-side-effects HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Authorization: Bearer {server.token}\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\n"
                          "locale=en").encode())
            started = time.monotonic()
            data = read_all(sock, wait=BODY_TIMEOUT + 10)
            waited = time.monotonic() - started
    assert answers(data) == [b"HTTP/1.1 408 Request Timeout"]
    assert BODY_TIMEOUT - 1 < waited < BODY_TIMEOUT + 5


def record(message: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("asyncio", level, __file__, 1, message, (), None)


def test_once_a_minute_per_kind_with_a_count_of_the_ones_held_back(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    once = OncePerMinute()
    let_through = [once.filter(record("socket.accept() out of system resource")) for _ in range(500)]
    assert let_through.count(True) == 1
    assert once.filter(record("another kind of trouble"))       # its own kind: let through
    assert once.filter(record("GET / 200", logging.INFO))        # the access log is not limited
    assert once.filter(record("GET / 200", logging.INFO))
    clock[0] += 61
    later = record("socket.accept() out of system resource")
    assert once.filter(later)
    assert "499 more like this" in later.getMessage()


def test_the_connection_cap_stays_below_the_files_the_process_may_open():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = connection_cap(10**9)
    now, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert now >= soft                                  # raised to the hard limit, never lowered
    assert cap < now or now == resource.RLIM_INFINITY
    assert connection_cap(50) <= 50


def core_limit(pid: int) -> str:
    for line in open(f"/proc/{pid}/limits", encoding="ascii"):
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    raise AssertionError(f"no core limit for {pid}")


def test_neither_the_server_nor_its_workers_can_write_a_core_file(tmp_path):
    with live_server(tmp_path, "--workers", "2") as server:
        workers = workers_of(server.process.pid)
        limits = {pid: core_limit(pid) for pid in [server.process.pid, *workers]}
    assert len(workers) >= 2                                  # the render workers, started with the server
    assert set(limits.values()) == {"0 0"}, limits
