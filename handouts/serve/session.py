"""Who may use ``handouts serve``: an access token, exchanged once for a signed session cookie.

The convention clinic IT knows from Jupyter: the app always has a token (the administrator's,
from ``--token-file`` or ``$HANDOUTS_TOKEN``, else a random one it makes at start and prints in
the address to open). The address's token is exchanged for a session: a cookie holding an
expiry and a signature made with a key derived from the token. The token itself is never stored
in the cookie, and nothing is stored on the server, so several instances behind one proxy,
started with the same token, accept each other's sessions. Wrong tokens are counted per client
address, and refused for a minute after ``MAX_FAILURES``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections import deque

SESSION_COOKIE = "handouts_session"
SESSION_SECONDS = 12 * 3600        # a nurse's shift
MIN_TOKEN_BITS = 96                # an estimate: length x log2(distinct characters)
MAX_FAILURES = 10                  # wrong tokens from one address in WINDOW seconds, then 429
WINDOW = 60.0


def make_token() -> str:
    """A strong random token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def token_bits(token: str) -> float:
    """A rough, generous strength estimate: every character drawn from the set of those used.
    "aaaaaaaaaaaaaaaa" scores 0; a 43-character ``token_urlsafe`` about 200."""
    distinct = len(set(token))
    return len(token) * math.log2(distinct) if distinct > 1 else 0.0


def is_weak(token: str) -> bool:
    return token_bits(token) < MIN_TOKEN_BITS


class Sessions:
    """Signs and checks session cookies with a key derived from the access token."""

    def __init__(self, token: str, seconds: int = SESSION_SECONDS, clock=time.time):
        self.token = token
        self.key = hmac.new(token.encode(), b"handouts session v1", hashlib.sha256).digest()
        self.seconds = seconds
        self.clock = clock

    def token_matches(self, offered: str) -> bool:
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def _signature(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()

    def new(self) -> str:
        """A cookie value: ``expiry.nonce.signature``."""
        body = f"{int(self.clock()) + self.seconds}.{secrets.token_hex(8)}"
        return f"{body}.{self._signature(body)}"

    def form_token(self, session: str) -> str:
        """The token a form made for this session carries back (against cross-site request forgery:
        a page elsewhere can make a browser send the cookie, never read the form to learn this)."""
        return hmac.new(self.key, b"form\0" + session.encode(), hashlib.sha256).hexdigest()[:32]

    def form_token_matches(self, session: str, offered: str) -> bool:
        return hmac.compare_digest(offered.encode(), self.form_token(session).encode())

    def valid(self, value: str) -> bool:
        """Signed with this token's key and not expired."""
        body, _, signature = value.rpartition(".")
        expiry = body.split(".", 1)[0]
        if not body or not expiry.isdigit():
            return False
        return hmac.compare_digest(signature.encode(), self._signature(body).encode()) and int(expiry) > self.clock()


class Failures:
    """Wrong tokens per client address over the last ``WINDOW`` seconds."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.seen: dict[str, deque] = {}
        self.logged: dict[str, float] = {}

    def _recent(self, client: str) -> int:
        """Forget the address's wrong tokens older than the window (and the address, when none is
        left: asking never adds one); how many are left."""
        times = self.seen.get(client)
        if times is None:
            return 0
        now = self.clock()
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            del self.seen[client]
        return len(times)

    def blocked(self, client: str) -> bool:
        return self._recent(client) >= self.limit

    def add(self, client: str) -> int:
        """Count one wrong token; the number in the window."""
        self._recent(client)
        times = self.seen.setdefault(client, deque())
        times.append(self.clock())
        if len(self.seen) > 10000:   # a flood of addresses cannot grow this without end
            self.seen.pop(next(iter(self.seen)))
        return len(times)

    def should_log(self, client: str) -> bool:
        """At most one log line per address per window."""
        now = self.clock()
        if now - self.logged.get(client, -self.window - 1) > self.window:
            self.logged[client] = now
            if len(self.logged) > 10000:
                self.logged.pop(next(iter(self.logged)))
            return True
        return False
