"""``handouts serve`` as a nurse's browser meets it: a real Uvicorn server in a child process
(``serve_live.live_server``), over real sockets.

- A patient's details (a marker nobody else would type) go in and come back in the handouts, and
  are then searched for everywhere else: the server's log, its TMPDIR, the system's temporary
  folders, the server's working folder, every response header. They must be nowhere.
- 20 clients at once for 30 seconds: every answer right, none lost.
- An access token set: nothing without it.
"""

from __future__ import annotations

import http.client
import io
import os
import random
import re
import signal
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from pypdf import PdfReader
from serve_live import TOKENS, live_server

CARD = "car-t-side-effects"
SHEETS = ("immunotherapy-vs-car-t", "questions-to-ask")
LOCALES = ("en", "es", "zh-Hans", "vi", "ar", "hi")
PAPERS = ("a4", "letter")
FORM = "application/x-www-form-urlencoded"
LOAD_CLIENTS = 20
LOAD_SECONDS = 30.0
REQUEST_TIMEOUT = 30.0


def call(url: str, method: str, path: str, fields: dict | None = None, headers: dict | None = None,
         body: bytes | None = None, auth: bool = True):
    """One request on a new connection: (status, [(header, value)...], body). With ``auth``, it
    carries the server's token (as a script would: Authorization: Bearer)."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    try:
        headers = dict(headers or {})
        if auth and url in TOKENS:
            headers.setdefault("Authorization", f"Bearer {TOKENS[url]}")
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode("ascii")
            headers.setdefault("Content-Type", FORM)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def pdf_words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() or "" for page in reader.pages)


def letters_only(text: str) -> str:
    """A uuid's hex digits as letters a-p: a marker any handout font can print, and no one types."""
    return "".join(c if c.isalpha() else chr(ord("g") + int(c)) for c in text)


def forms_of(marker: str) -> list[bytes]:
    """The marker as bytes, as a leak could have written it."""
    return [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be"),
            marker.upper().encode("utf-8"), marker.encode("unicode_escape")]


def files_under(folder: Path, since: float | None = None):
    """Every regular file below ``folder`` (not following links), modified since ``since`` if given;
    unreadable ones skipped."""
    for root, dirs, files in os.walk(folder, onerror=lambda error: None):
        for name in files:
            path = Path(root) / name
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                if since is not None and path.stat().st_mtime < since:
                    continue
                yield path
            except OSError:
                continue


def holds(path: Path, needles: list[bytes]) -> bool:
    """Whether a file holds any needle, as bytes or (for a PDF) as the words pypdf reads in it."""
    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    if any(needle in data for needle in needles):
        return True
    if data.startswith(b"%PDF"):
        try:
            words = pdf_words(data).encode("utf-8")
        except Exception:  # noqa: BLE001 - a PDF pypdf cannot read (another test's) is not ours
            return False
        return any(needle in words for needle in needles)
    return False


# -- the patient's details go nowhere but the handout ---------------------------------------------

def test_patient_details_are_in_the_handouts_and_nowhere_else(tmp_path):
    started = time.time() - 2
    marker = "Zqxmarker" + letters_only(uuid.uuid4().hex[:16])     # 25 letters: a name that fits
    product = "Prod" + marker
    date = "2003-07-19"          # printed as the card's language writes it; searched for as typed
    folder = tmp_path / "server"
    folder.mkdir()
    answers = []             # (what, status, headers, body)
    with live_server(folder, "--workers", "1") as server:
        for locale in ("en", "es"):
            for kind in ("pdf", "html"):
                fields = {"lang": "en", "locale": locale, "paper": "a4", "variant": "standard", "format": kind,
                          "name": marker, "product": product, "date": date}
                answers.append((f"{locale} {kind}", *call(server.url, "POST", f"/handouts/{CARD}", fields)))
        base = {"locale": "es", "paper": "a4", "variant": "standard", "format": "pdf"}
        refusals = {
            "uncovered": (f"/handouts/{CARD}", {**base, "name": marker + "\u0645", "product": product}),
            "too long": (f"/handouts/{CARD}", {**base, "name": marker + "W" * 40, "date": date}),
            "bad date": (f"/handouts/{CARD}", {**base, "name": marker, "date": marker}),
            "sheet": ("/handouts/questions-to-ask", {**base, "name": marker}),
            "unknown key": (f"/handouts/{CARD}", {**base, "name": marker, "nickname": marker}),
            "unknown module": ("/handouts/nowhere", {**base, "name": marker}),
        }
        for what, (path, fields) in refusals.items():
            answers.append((what, *call(server.url, "POST", path, fields)))
        answers.append(("too large", *call(server.url, "POST", f"/handouts/{CARD}",
                                           {**base, "name": marker * 1000})))
        answers.append(("bad type", *call(server.url, "POST", f"/handouts/{CARD}", headers={
            "Content-Type": "text/plain"}, body=f"name={marker}".encode())))
        answers.append(("list", *call(server.url, "GET", "/")))
    assert server.process.poll() is not None          # stopped: its log and files are complete

    statuses = {what: status for what, status, _, _ in answers}
    assert statuses.pop("sheet") == 400               # details a sheet's form has no field for
    assert statuses == {"en pdf": 200, "en html": 200, "es pdf": 200, "es html": 200, "uncovered": 422,
                        "too long": 422, "bad date": 422, "unknown key": 400, "unknown module": 404,
                        "too large": 413, "bad type": 415, "list": 200}
    # the details are where they belong, so a search for them would find them anywhere else
    bodies = {what: body for what, _, _, body in answers}
    for locale in ("en", "es"):
        assert marker in pdf_words(bodies[f"{locale} pdf"]) and product in pdf_words(bodies[f"{locale} pdf"])
        assert marker in bodies[f"{locale} html"].decode("utf-8")
    assert "July 19, 2003" in pdf_words(bodies["en pdf"]).replace("\u00a0", " ")
    assert marker.encode() in bodies["too long"]                          # the form again, as typed
    assert marker.encode() not in bodies["unknown key"] + bodies["unknown module"] + bodies["too large"]

    needles = forms_of(marker) + [date.encode()]
    leaks = []
    for what, _, headers, _ in answers:
        for key, value in headers:
            if any(needle.decode("latin-1") in f"{key}: {value}" for needle in forms_of(marker)):
                leaks.append(f"response header of {what}: {key}")
        lowered = [(key.lower(), value) for key, value in headers]
        if ("cache-control", "no-store") not in lowered or ("x-content-type-options", "nosniff") not in lowered:
            leaks.append(f"{what}: no Cache-Control: no-store or no nosniff")
        if any(key == "server" for key, _ in lowered):
            leaks.append(f"{what}: a Server header")
    log = server.log.read_bytes()
    assert b"POST /handouts/car-t-side-effects 200" in log     # the log is there, and was written
    if any(needle in log for needle in needles):
        leaks.append("the server's log")
    leaks += [f"the server's TMPDIR: {path}" for path in files_under(server.tmp) if holds(path, needles)]
    leaks += [f"the server's folder: {path}" for path in files_under(folder) if holds(path, needles)]
    assert not (folder / "build").exists() or not any(files_under(folder / "build"))
    seen = set()
    for temporary in (Path(tempfile.gettempdir()), Path("/tmp"), Path("/dev/shm"), Path.home() / ".cache"):
        if not temporary.is_dir() or temporary.resolve() in seen:
            continue
        seen.add(temporary.resolve())
        leaks += [f"a temporary file: {path}" for path in files_under(temporary, since=started)
                  if holds(path, needles)]
    assert leaks == []


# -- under load ----------------------------------------------------------------------------------

def test_twenty_clients_for_thirty_seconds_all_answered(tmp_path, capsys):
    """Each client loops: the list, a form, a card PDF (any language, any paper) and every 4th
    time a sheet PDF, on one kept-alive connection, until the time is up."""
    folder = tmp_path / "server"
    folder.mkdir()
    errors: list[str] = []
    renders: list[float] = []
    counts = {"requests": 0}
    lock = threading.Lock()

    def client(number: int, url: str, deadline: float) -> None:
        rng = random.Random(number)
        address = urllib.parse.urlsplit(url)
        connection = None
        turn = 0
        while time.monotonic() < deadline:
            turn += 1
            locale, paper = rng.choice(LOCALES), rng.choice(PAPERS)
            steps = [("GET", "/", None, "text/html"), ("GET", f"/handouts/{CARD}?lang={locale}", None, "text/html"),
                     ("POST", f"/handouts/{CARD}", {"locale": locale, "paper": paper, "variant": "standard",
                                                     "format": "pdf", "name": "Ana Lu"}, "application/pdf")]
            if turn % 4 == 0:
                steps.append(("POST", f"/handouts/{rng.choice(SHEETS)}",
                              {"locale": rng.choice(LOCALES), "paper": rng.choice(PAPERS), "variant": "standard",
                               "format": "pdf"}, "application/pdf"))
            for method, path, fields, kind in steps:
                if time.monotonic() >= deadline:
                    break
                what = f"client {number}: {method} {path} {fields or ''}"
                started = time.monotonic()
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(address.hostname, address.port,
                                                                timeout=REQUEST_TIMEOUT)
                    body = urllib.parse.urlencode(fields) if fields else None
                    auth = {"Authorization": f"Bearer {TOKENS[url]}"}
                    headers = {**auth, "Content-Type": FORM} if fields else auth
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    problem = None
                    if response.status != 200:
                        problem = f"status {response.status}"
                    elif not (response.getheader("Content-Type") or "").startswith(kind):
                        problem = f"content type {response.getheader('Content-Type')}"
                    elif kind == "application/pdf" and not data.startswith(b"%PDF-"):
                        problem = "not a PDF"
                except (OSError, http.client.HTTPException) as error:
                    problem = f"{type(error).__name__}: {error}"
                    if connection is not None:
                        connection.close()
                    connection = None
                with lock:
                    counts["requests"] += 1
                    if problem:
                        errors.append(f"{what}: {problem}")
                    elif method == "POST":
                        renders.append(time.monotonic() - started)
        if connection is not None:
            connection.close()

    with live_server(folder) as server:
        deadline = time.monotonic() + LOAD_SECONDS
        threads = [threading.Thread(target=client, args=(n, server.url, deadline), daemon=True)
                   for n in range(LOAD_CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(LOAD_SECONDS + 2 * REQUEST_TIMEOUT)
        alive = [thread.name for thread in threads if thread.is_alive()]
    log = server.log_text()    # once the server has stopped: the last lines are written after the answers
    renders.sort()
    summary = (f"load: {LOAD_CLIENTS} clients, {LOAD_SECONDS:.0f} s: {counts['requests']} requests, "
               f"{len(renders)} renders, {len(errors)} errors; render p50 "
               f"{renders[len(renders) // 2] * 1000 if renders else 0:.0f} ms, p95 "
               f"{renders[int(len(renders) * 0.95)] * 1000 if renders else 0:.0f} ms")
    with capsys.disabled():
        print("\n" + summary)
    assert alive == []
    assert errors == []
    assert len(renders) >= 100
    assert re.findall(r"handouts\.serve: [A-Z]+ \S+ (5\d\d) ", log) == [] and "internal error" not in log
    assert len(re.findall(r"handouts\.serve: POST \S+ 200 ", log)) == len(renders)


# -- the access token ----------------------------------------------------------------------------

def test_with_an_access_token_nothing_is_served_without_it(tmp_path):
    token = "Tok" + uuid.uuid4().hex
    folder = tmp_path / "server"
    folder.mkdir()
    with live_server(folder, "--host", "127.0.0.1", "--workers", "1", env={"HANDOUTS_TOKEN": token}) as server:
        fields = {"locale": "en", "paper": "a4", "variant": "standard", "format": "pdf", "name": "Ana"}
        for method, path, extra in (("GET", "/", {}), ("GET", f"/handouts/{CARD}", {}), ("GET", "/app.css", {}),
                                    ("GET", f"/thumbnails/{CARD}/en.png", {}), ("GET", "/nowhere", {}),
                                    ("GET", "/", {"Authorization": "Bearer " + "y" * 35}),
                                    ("GET", "/", {"Cookie": "handouts_session=" + token}),
                                    ("GET", "/?token=" + token.upper(), {})):
            status, headers, body = call(server.url, method, path, headers=extra, auth=False)
            assert (path, status) == (path, 401)
            assert b"Access code needed" in body and token.encode() not in body
        status, _, _ = call(server.url, "POST", f"/handouts/{CARD}", fields, auth=False)
        assert status == 401

        status, headers, _ = call(server.url, "GET", f"/?lang=es&token={token}", auth=False)
        found = dict((key.lower(), value) for key, value in headers)
        assert status == 303 and found["location"] == "/?lang=es"
        assert "HttpOnly" in found["set-cookie"] and "SameSite=strict" in found["set-cookie"]
        assert token not in found["set-cookie"]
        cookie = found["set-cookie"].split(";")[0]
        status, _, body = call(server.url, "GET", "/?lang=es", headers={"Cookie": cookie}, auth=False)
        assert status == 200 and b'<html lang="es"' in body
        status, headers, body = call(server.url, "POST", f"/handouts/{CARD}", fields,
                                     headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and body.startswith(b"%PDF-")
        # a Host the app does not serve is refused, session or not
        foreign = {"Host": "handouts.example", "Cookie": cookie}
        assert call(server.url, "GET", "/", headers=foreign, auth=False)[0] == 400
    assert token not in server.log_text()


def session_cookie(url: str, token: str) -> str:
    status, headers, _ = call(url, "GET", f"/?token={token}", auth=False)
    assert status == 303
    return dict((key.lower(), value) for key, value in headers)["set-cookie"].split(";")[0]


def form_token_in(page: bytes) -> str:
    found = re.findall(rb'name="form_token" value="([0-9a-f]+)"', page)
    assert len(found) == 1, "the form carries one token"
    return found[0].decode()


def test_a_form_sent_with_the_cookie_needs_the_token_of_a_form_made_for_that_session(tmp_path):
    # what a page on another port of this computer could send: the cookie (same-site), the
    # browser's headers saying same-origin as a careless proxy might, but no token it cannot read
    with live_server(tmp_path, "--workers", "1") as server:
        cookie = session_cookie(server.url, server.token)
        other = session_cookie(server.url, server.token)
        status, _, page = call(server.url, "GET", f"/handouts/{CARD}", headers={"Cookie": cookie}, auth=False)
        assert status == 200
        mine = form_token_in(page)
        fields = {"locale": "en", "paper": "a4", "variant": "standard", "format": "pdf", "name": "Zqxana Lu"}
        host = urllib.parse.urlsplit(server.url).netloc
        browser = {"Cookie": cookie, "Origin": server.url, "Sec-Fetch-Site": "same-origin", "Host": host}
        results = {}
        for what, extra in (("no token", {}), ("empty", {"form_token": ""}), ("wrong", {"form_token": "0" * 32}),
                            ("another session's", {"form_token": form_token_in(call(
                                server.url, "GET", f"/handouts/{CARD}", headers={"Cookie": other}, auth=False)[2])}),
                            ("its own", {"form_token": mine})):
            status, _, body = call(server.url, "POST", f"/handouts/{CARD}", {**fields, **extra}, headers=browser,
                                   auth=False)
            results[what] = status
            if status == 200:
                assert body.startswith(b"%PDF-")
        # a refused form shown again carries the token again
        refused = {**fields, "name": "Z" * 41, "form_token": mine}
        status, _, again = call(server.url, "POST", f"/handouts/{CARD}", refused, headers=browser, auth=False)
        # a script with the access token needs no form
        script = call(server.url, "POST", f"/handouts/{CARD}", fields)[0]
    assert results == {"no token": 403, "empty": 403, "wrong": 403, "another session's": 403, "its own": 200}
    assert status == 422 and form_token_in(again) == mine
    assert script == 200


def test_a_session_made_on_one_instance_is_accepted_by_another_with_the_same_token(tmp_path):
    """Sessions are signed, not stored: two instances started with one token (behind one proxy)
    accept each other's, and an instance with another token does not."""
    token = "Tok" + uuid.uuid4().hex
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        folder.mkdir()
    with live_server(folders[0], "--workers", "1", token=token) as first, \
            live_server(folders[1], "--workers", "1", token=token) as second, \
            live_server(folders[2], "--workers", "1") as other:
        status, headers, _ = call(first.url, "GET", f"/?token={token}", auth=False)
        cookie = dict((key.lower(), value) for key, value in headers)["set-cookie"].split(";")[0]
        assert status == 303
        assert call(second.url, "GET", "/", headers={"Cookie": cookie}, auth=False)[0] == 200
        assert call(other.url, "GET", "/", headers={"Cookie": cookie}, auth=False)[0] == 401


def test_serve_without_a_token_prints_the_address_with_a_new_one(tmp_path):
    """Started without a token, the app makes one and prints the address that carries it on
    standard output; that address opens a session."""
    import re
    import subprocess
    import sys

    from serve_live import free_port

    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key != "HANDOUTS_TOKEN"}
    process = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--port", str(port), "--workers", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, cwd=tmp_path,
                               start_new_session=True, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(rf"http://127\.0\.0\.1:{port}/\?token=([A-Za-z0-9_-]{{43}})", line)
        assert found, line
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, _ = call(f"http://127.0.0.1:{port}", "GET", f"/?token={found.group(1)}", auth=False)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 303 and "handouts_session=" in dict(headers).get("set-cookie", "")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(15)


# -- the log -------------------------------------------------------------------------------------

def test_a_path_cannot_write_a_line_of_its_own_in_the_log(tmp_path):
    folder = tmp_path / "server"
    folder.mkdir()
    with live_server(folder, "--workers", "1") as server:
        status, _, _ = call(server.url, "GET", "/handouts/x%0d%0aZqxforged%20INFO%20handouts.serve:%20GET%20/%20200")
        assert status == 404
    lines = server.log_text().splitlines()
    assert [line for line in lines if line.startswith("Zqxforged")] == []
