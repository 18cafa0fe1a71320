"""``handouts serve`` behind the deployment guide's nginx, over HTTPS, as two instances with one
token: what a clinic's IT sets up (docs/deploy.md). Everything here goes through the proxy."""

from __future__ import annotations

import os
import random
import re
import secrets
import urllib.parse

import pytest

pytest.importorskip("uvicorn", reason="the web app's tests need: pip install '.[serve]'")

from pdfread import needs  # noqa: E402
from proxy_live import nginx_in_front  # noqa: E402
from serve_live import live_server  # noqa: E402

pytestmark = needs("nginx", "openssl")   # Debian's nginx-light and openssl: .ci/run installs them

CARD = "car-t-side-effects"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """nginx (the guide's file) in front of two instances started with the same token."""
    token = secrets.token_urlsafe(32)
    folder = tmp_path_factory.mktemp("deployment")
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    with live_server(folder / "a", "--workers", "1", token=token) as first, \
            live_server(folder / "b", "--workers", "1", token=token) as second:
        ports = [int(server.url.rsplit(":", 1)[1]) for server in (first, second)]
        with nginx_in_front(folder / "nginx", ports) as proxy:
            yield proxy, token, (first, second)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def sign_in(proxy, token: str) -> tuple[str, dict]:
    status, headers, _ = proxy.call("GET", f"/?token={token}")
    assert status == 303
    return headers["set-cookie"].split(";")[0], headers


def browser_headers(proxy, cookie: str, site: str = "same-origin", origin: str | None = None) -> dict:
    return {"Cookie": cookie, "Content-Type": FORM, "Sec-Fetch-Site": site, "Origin": origin or proxy.url}


def test_behind_the_proxy_nothing_is_served_without_a_session(deployment):
    proxy, token, _ = deployment
    for path in ("/", f"/handouts/{CARD}", "/app.css", f"/thumbnails/{CARD}/en.png", "/?token=" + "x" * 43):
        status, _, body = proxy.call("GET", path)
        assert (path, status) == (path, 401)
        assert token.encode() not in body
    fields = urllib.parse.urlencode({"locale": "en", "paper": "a4", "variant": "standard", "format": "pdf"})
    assert proxy.call("POST", f"/handouts/{CARD}", fields.encode(), {"Content-Type": FORM})[0] == 401


def test_the_token_is_exchanged_for_a_secure_cookie_and_leaves_no_trace(deployment):
    proxy, token, servers = deployment
    cookie, headers = sign_in(proxy, token)
    attributes = {part.strip().lower() for part in headers["set-cookie"].split(";")[1:]}
    assert {"secure", "httponly", "samesite=strict"} <= attributes   # X-Forwarded-Proto: https, from nginx
    assert headers["location"] == "/"                                 # the app's own path, never a Host
    assert token not in headers["set-cookie"]
    assert headers["strict-transport-security"].startswith("max-age=")
    # a session made by one instance is accepted by the other: nginx sends requests to both
    for _ in range(6):
        assert proxy.call("GET", "/", headers={"Cookie": cookie})[0] == 200
    for server in servers:
        assert re.search(r"GET / 200 ", server.log_text()), "each instance answered a request with the cookie"
        assert token not in server.log_text()
    assert token not in proxy.logs()                                 # the access log names no query
    assert "GET /" in proxy.logs()


def test_a_card_made_through_the_proxy_leaves_nothing_on_its_disk(deployment):
    proxy, token, servers = deployment
    cookie, _ = sign_in(proxy, token)
    status, _, page = proxy.call("GET", f"/handouts/{CARD}", headers={"Cookie": cookie})
    assert status == 200
    form_token = re.search(rb'name="form_token" value="([0-9a-f]{32})"', page).group(1).decode()
    marker = "Zqx" + "".join(random.choice("abcdefghijklmnop") for _ in range(12))
    fields = {"locale": "es", "paper": "letter", "variant": "standard", "format": "pdf", "name": marker,
              "form_token": form_token}
    status, headers, body = proxy.call("POST", f"/handouts/{CARD}", urllib.parse.urlencode(fields).encode(),
                                       browser_headers(proxy, cookie))
    assert status == 200 and body.startswith(b"%PDF-") and headers["cache-control"] == "no-store"
    status, _, _ = proxy.call("POST", f"/handouts/{CARD}", urllib.parse.urlencode(fields).encode(),
                              browser_headers(proxy, cookie, "cross-site", "https://evil.example"))
    assert status == 403
    assert proxy.files_written() == []            # neither the form nor the PDF was buffered to a file
    assert marker not in proxy.logs()
    assert all(marker not in server.log_text() for server in servers)


def test_the_proxy_refuses_what_the_app_would_and_earlier(deployment):
    proxy, token, _ = deployment
    cookie, _ = sign_in(proxy, token)
    big = urllib.parse.urlencode({"name": "x" * 20000}).encode()
    assert proxy.call("POST", f"/handouts/{CARD}", big, browser_headers(proxy, cookie))[0] == 413
    smuggled = (f"POST /handouts/{CARD} HTTP/1.1\r\nHost: {proxy.host}\r\nCookie: {cookie}\r\n"
                f"Content-Type: {FORM}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                f"GET /smuggled HTTP/1.1\r\nHost: {proxy.host}\r\n\r\n").encode()
    answer = proxy.raw(smuggled)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"/smuggled" not in answer
    # plain HTTP sends the browser to the HTTPS start page, whatever Host or path it asked for
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    connection.request("GET", "/handouts/x?token=abc", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("location") == f"{proxy.url}/"
    connection.close()


HOSTILE_PATHS = ["/", f"/handouts/{CARD}", "/handouts/../../etc/passwd", "/handouts/%2e%2e%2f%2e%2e%2fetc",
                 "/app.css?x=1", "/fonts/../../pyproject.toml", "/thumbnails/x/../../en.png", "/%00", "/%ff%fe",
                 "/handouts/" + "a" * 3000, "//evil.example/", "/\\evil", "/handouts/car-t-side-effects/"]
HOSTILE_HEADERS = [{}, {"Host": "evil.example"}, {"Content-Type": "text/plain"}, {"Origin": "null"},
                   {"Sec-Fetch-Site": "cross-site"}, {"Accept-Language": "ar;q=x, *;;;"},
                   {"Cookie": "handouts_session=" + "9" * 80}, {"Authorization": "Bearer " + "\u00e9" * 10},
                   {"X-Forwarded-For": "1.2.3.4"}, {"Content-Length": "-1"}]


def hostile_request(rng: random.Random, cookie: str):
    method = rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
    path = rng.choice(HOSTILE_PATHS)
    headers = dict(rng.choice(HOSTILE_HEADERS))
    if rng.random() < 0.7:
        headers.setdefault("Cookie", cookie)
    fields = {rng.choice(["name", "locale", "paper", "format", "variant", "date", "form_token", "x"]):
              "".join(rng.choice("aZ09%&=+;\u00e9\u0645\u4e2d\x00\r\n<>\"'") for _ in range(rng.randint(0, 60)))
              for _ in range(rng.randint(0, 6))}
    body = urllib.parse.urlencode(fields).encode() if method == "POST" else None
    if method == "POST" and "Content-Type" not in headers:
        headers["Content-Type"] = FORM
    return method, path, headers, body


def test_a_hostile_request_fuzz_through_the_proxy_gets_no_5xx(deployment):
    proxy, token, servers = deployment
    cookie, _ = sign_in(proxy, token)
    rng = random.Random(int(os.environ.get("HANDOUTS_FUZZ_SEED", "18")))
    count = int(os.environ.get("HANDOUTS_FUZZ_REQUESTS", "400"))   # 5,000 for the report
    statuses: dict[int, int] = {}
    for _ in range(count):
        method, path, headers, body = hostile_request(rng, cookie)
        try:
            status = proxy.call(method, path, body, headers, timeout=40)[0]
        except (ConnectionError, OSError) as error:          # http.client refuses some of its own input
            status = type(error).__name__
        statuses[status] = statuses.get(status, 0) + 1
    print(f"\nfuzz through nginx: {count} requests: {dict(sorted(statuses.items(), key=str))}")
    assert not [status for status in statuses if isinstance(status, int) and status >= 500], statuses
    assert sum(n for status, n in statuses.items() if isinstance(status, int)) >= count * 0.9
    for server in servers:
        assert "Traceback" not in server.log_text() and "internal error" not in server.log_text()
    assert token not in proxy.logs()
