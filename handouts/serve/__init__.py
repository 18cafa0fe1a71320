"""``handouts serve``: the handouts in a nurse's browser (``pip install 'handouts[serve]'``).

A Starlette application (``app``) served by Uvicorn, rendering in a pool of worker processes
(``pool``). Every request needs a session, made from an access token (``session``); another
computer reaches it only at a name given with ``--allowed-host``.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import logging
import os
import re

from handouts.errors import UsageProblem

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_ENV = "HANDOUTS_TOKEN"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{16,256}")
EXTRA = ("starlette", "uvicorn", "pypdfium2", "PIL")   # what 'pip install handouts[serve]' brings


def require_extra() -> None:
    """Say what to install, in one line, when the ``serve`` extra is not there."""
    for name in EXTRA:
        if importlib.util.find_spec(name) is None:
            raise UsageProblem(f"'handouts serve' needs its extra ({name} is missing): "
                               "pip install 'handouts[serve]'")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(token_file: str | None) -> str | None:
    """The access token: from ``--token-file`` (its first line), else ``$HANDOUTS_TOKEN``."""
    token = None
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.readline().strip()
        except (OSError, UnicodeDecodeError) as error:
            raise UsageProblem(f"{token_file}: cannot read the access token ({error.strerror or 'not UTF-8'})")
    else:
        token = os.environ.get(TOKEN_ENV) or None
    from handouts.serve.session import is_weak

    if token is not None and (not TOKEN_PATTERN.fullmatch(token) or is_weak(token)):
        raise UsageProblem("the access token must be 16 to 256 letters, digits or . _ ~ -, and not easy to guess "
                           "(python -c 'import secrets; print(secrets.token_urlsafe())' makes one)")
    return token


def check_binding(host: str, allowed_hosts: tuple) -> None:
    """Another interface than loopback needs the names other computers use for it: the app
    answers no other Host (a DNS-rebinding page would name its own)."""
    if not is_loopback(host) and host in ("0.0.0.0", "::", "[::]") and not allowed_hosts:
        raise UsageProblem(f"--host {host} lets other computers in: say the name or address they open with "
                           "--allowed-host (e.g. --allowed-host clinic-pc.example.org)")


def serve(options, port: int = DEFAULT_PORT, forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Run the app until Ctrl-C. ``forwarded_allow_ips``: the proxies whose X-Forwarded-For and
    -Proto say the client's address and scheme (a session cookie is ``Secure`` over HTTPS)."""
    import uvicorn

    from handouts.serve.app import HandoutsApp, build
    from handouts.serve.connection import BACKLOG, GuardedH11Protocol, OncePerMinute, OneLine, connection_cap

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(OneLine())
        handler.addFilter(OncePerMinute())
    no_core_dumps()
    asgi = build(HandoutsApp(options))
    uvicorn.run(asgi, host=options.host, port=port, access_log=False, server_header=False, log_config=None,
                http=GuardedH11Protocol.configure(connection_cap()), timeout_keep_alive=5, backlog=BACKLOG,
                timeout_graceful_shutdown=5, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips)


def no_core_dumps() -> None:
    """A crash must not write the process's memory (a patient's name, in a render) to a core file;
    the render workers inherit the limit."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
