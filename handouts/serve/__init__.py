"""``handouts serve``: the handouts in a nurse's browser (``pip install 'handouts[serve]'``).

A Starlette application (``app``) served by Uvicorn, rendering in a pool of worker processes
(``pool``). Loopback only unless an access token is set.
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
    if token is not None and not TOKEN_PATTERN.fullmatch(token):
        raise UsageProblem("the access token must be 16 to 256 letters, digits or . _ ~ - "
                           "(python -c 'import secrets; print(secrets.token_urlsafe())' makes one)")
    return token


def check_binding(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise UsageProblem(f"--host {host} lets other computers in: set an access token first "
                           f"(--token-file FILE or ${TOKEN_ENV}), then open the address with ?token=...")


def serve(options, port: int = DEFAULT_PORT) -> None:
    """Run the app until Ctrl-C."""
    import uvicorn

    from handouts.serve.app import HandoutsApp, build

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asgi = build(HandoutsApp(options))
    uvicorn.run(asgi, host=options.host, port=port, access_log=False, server_header=False, log_config=None,
                timeout_graceful_shutdown=5)
