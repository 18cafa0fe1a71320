"""Guards below the app, on each connection: how long a client may take to send a request's
headers, how many connections are open at once, and how often one kind of trouble is logged.

Uvicorn reads headers as slowly as a client sends them and accepts connections until the process
runs out of file descriptors; 300 clients trickling headers a byte at a time kept every nurse out
and made asyncio log hundreds of thousands of "Too many open files" tracebacks. So here:

- a request's headers must be complete ``HEADER_TIMEOUT`` seconds after the connection opened (or
  after the previous response on it), else the connection is closed;
- at most ``max_connections`` are open: one more closes the connection that has waited longest
  for its headers (a nurse's browser sends a request at once, a slow client is the oldest), or,
  when every connection is busy with a request, the new one;
- ``OncePerMinute`` lets a log message through once a minute per kind, with a count of the ones
  it held back, so no flood of connections can fill a disk with log lines.

The body is bounded by the app (``app.form_body`` reads it within ``BODY_TIMEOUT``).
"""

from __future__ import annotations

import logging
import resource
import time

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0      # seconds for a request's headers: a browser needs milliseconds
MAX_CONNECTIONS = 200      # open at once; a clinic's nurses need a handful each
RESERVED_DESCRIPTORS = 64  # kept for the log, the workers' pipes, the fonts and the templates
BACKLOG = 64               # connections waiting to be accepted; asyncio accepts as many in one go

log = logging.getLogger("handouts.serve")


def connection_cap(wanted: int = MAX_CONNECTIONS) -> int:
    """The number of connections to allow: ``wanted``, or fewer when the process may open fewer
    files (the soft limit is first raised to the hard one). asyncio accepts up to ``BACKLOG``
    sockets before the first of them is counted, so those are kept free too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, soft - RESERVED_DESCRIPTORS - BACKLOG))


class GuardedH11Protocol(H11Protocol):
    """Uvicorn's HTTP/1.1 protocol with a deadline for headers and a cap on connections
    (``configure`` sets both for the server's run)."""

    header_timeout = HEADER_TIMEOUT
    max_connections = MAX_CONNECTIONS

    @classmethod
    def configure(cls, max_connections: int, header_timeout: float = HEADER_TIMEOUT) -> type:
        return type(cls.__name__, (cls,), {"max_connections": max_connections, "header_timeout": header_timeout})

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.waiting_since = time.monotonic()
        self.header_deadline = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.make_room()
        if not transport.is_closing():
            self.arm()

    def arm(self) -> None:
        """The headers of the next request are due ``header_timeout`` seconds from now."""
        self.disarm()
        self.waiting_since = time.monotonic()
        self.header_deadline = self.loop.call_later(self.header_timeout, self.too_slow)

    def disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def waiting_for_headers(self) -> bool:
        return self.conn.their_state is h11.IDLE and not self.transport.is_closing()

    def too_slow(self) -> None:
        self.header_deadline = None
        if self.waiting_for_headers():
            log.warning("closed a connection that sent no complete request in %.0f s", self.header_timeout)
            self.transport.close()

    def make_room(self) -> None:
        """Over the cap: close the connection that has waited longest for its headers."""
        waiting = [other for other in self.connections
                   if isinstance(other, GuardedH11Protocol) and other is not self and other.waiting_for_headers()]
        oldest = min(waiting, key=lambda other: other.waiting_since, default=self)
        log.warning("more than %d connections at once: closed the one waiting longest", self.max_connections)
        oldest.disarm()
        oldest.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self.disarm()   # the headers are in: the app bounds the body and the render

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.waiting_for_headers():
            self.arm()

    def connection_lost(self, exc) -> None:
        self.disarm()
        super().connection_lost(exc)


class OneLine(logging.Filter):
    """A traceback from outside our code (asyncio failing to accept a socket) as one line: its
    exception's type and words after the message, as every other line of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name.startswith(("asyncio", "uvicorn")):
            error = record.exc_info[1]
            record.msg = f"{record.getMessage().splitlines()[0]} ({type(error).__name__}: {error})"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


class OncePerMinute(logging.Filter):
    """At most one warning or error a minute for each message (by its format string, not its values: "too
    many open files" from a thousand sockets is one kind); the next one let through says how many
    were held back."""

    def __init__(self, window: float = 60.0):
        super().__init__()
        self.window = window
        self.last: dict = {}   # message -> (time let through, held back since)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True   # the access log: one line per request answered, bounded by the requests
        key = (record.name, str(record.msg)[:200])
        now = time.monotonic()
        seen = self.last.get(key)
        if seen is not None and now - seen[0] < self.window:
            self.last[key] = (seen[0], seen[1] + 1)
            return False
        held = seen[1] if seen else 0
        if len(self.last) > 1000:   # bounded, whatever the messages
            self.last.clear()
        self.last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like this in the last minute, not shown)"
        if record.exc_info and held:
            record.exc_info = None   # one traceback a minute at most, and not the repeats'
        return True
