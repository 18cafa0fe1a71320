"""``handouts serve`` in a real browser (headless Chromium through Playwright) against a real server
(``serve_live.live_server``): a nurse filling in a wallet card's form gets the PDF with what she
typed on it (Spanish on Letter, Arabic on A4); a slip is answered with a 422 form whose errors sit
next to their fields and take the focus, and the keyboard reaches every control in reading order;
every page (the list in each of the app's languages, each form in English and Arabic, a form with
errors, the 404 and 400 pages) has no axe-core WCAG 2.1 A/AA violation, no console error, no failed
request, every thumbnail drawn, and no sideways scrolling at 320 CSS pixels.

The PDF: the form's script sends it with fetch() and shows the answer from a blob: address. Chromium
shows a PDF in its viewer, which Playwright cannot read; so the browser runs with a profile that has
``plugins.always_open_pdf_externally`` set: the PDF shown is then a download, and the test reads
the downloaded file (the browser's own bytes); the fetch's response gives the status and headers.
A browser profile on disk is searched for the patient's details after a card is made (and, as the
control that shows the search can find them, after the same card is made with JavaScript off).

axe-core is the copy ``axe-playwright-python`` ships (``axe.min.js``), injected into the page. The
pages' own fonts (the ones the handouts ship, served by the app) must all load. Screenshots go to
``$HANDOUTS_SCREENSHOTS`` when it is set (``serve.png``, the list at 1280 x 900, is the README's
``docs/serve.png``). Without a ``chromium`` on the PATH the tests are skipped, except in CI (``CI``
set), where they fail.
"""

from __future__ import annotations

import datetime
import json
import struct
from pathlib import Path

import pytest
from browsercheck import ARGS, axe_script, axe_violations, chromium_path, screenshots_folder, violations_report
from pdfread import poppler_text
from pypdf import PdfReader
from serve_live import live_server

from handouts.document import format_date
from handouts.registry import Registry
from handouts.serve.words import Words

MODULES = list(Registry().module_paths())
CARD = "car-t-side-effects"
SUBMIT = "button[type=submit]"
# what pdftotext may put inside a printed date, or around a name in a right-to-left line
INVISIBLE = dict.fromkeys(map(ord, "\u2060\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """Text as compared: no-break spaces as spaces, no word joiners or bidi controls."""
    return " ".join(text.replace("\u00a0", " ").translate(INVISIBLE).split())


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("serve")) as live:
        yield live


@pytest.fixture(scope="module")
def playwright_session():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright, path


@pytest.fixture(scope="module")
def browser(playwright_session):
    playwright, path = playwright_session
    chromium = playwright.chromium.launch(executable_path=path, args=ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def downloads(playwright_session, tmp_path_factory):
    """A browser whose profile saves a PDF instead of showing it, so the test gets its bytes."""
    playwright, path = playwright_session
    profile = tmp_path_factory.mktemp("profile")
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps({"plugins": {"always_open_pdf_externally": True}}))
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=path, args=ARGS, accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def sign_in(page, server) -> None:
    """What a nurse does first: open the address with the token. The app answers with a session
    cookie and sends the browser on to the same page without the token."""
    # every request of that page done (its fonts too), so none is cut off by the test's next page
    response = page.goto(f"{server.url}/?token={server.token}", wait_until="networkidle")
    assert response.status == 200 and page.url == f"{server.url}/", page.url
    [cookie] = [cookie for cookie in page.context.cookies() if cookie["name"] == "handouts_session"]
    assert server.token not in cookie["value"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshots_folder(tmp_path_factory)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server)
    yield page
    context.close()


# -- watching a page -------------------------------------------------------------------------------
class Watch:
    """Everything a page reports that a nurse's browser would show as a fault: console errors and
    warnings, script errors, requests that failed or were answered with an error status. The
    document's own expected error status (a 404 page is a 404) is not a fault, and the browser's own
    request for /favicon.ico is left to test_the_browser_finds_an_icon."""

    def __init__(self, page):
        self.page = page
        self.expected: dict[str, int] = {}
        self.download = False                # a handout shown from blob: is saved: that navigation ends, aborted
        self.faults: list[str] = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.faults.append(f"script error: {error}"))
        page.on("requestfailed", self.failed)
        page.on("response", self.response)

    def console(self, message) -> None:
        if message.type not in ("error", "warning"):
            return
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico"):
            return
        status = self.expected.get(url)
        if status and message.text.startswith(f"Failed to load resource: the server responded with a status of "
                                              f"{status} "):
            return
        self.faults.append(f"console {message.type}: {message.text} ({url})")

    def failed(self, request) -> None:
        if self.download and request.url.startswith("blob:") and request.failure == "net::ERR_ABORTED":
            return
        self.faults.append(f"failed: {request.method} {request.url} {request.failure}")

    def response(self, response) -> None:
        if response.status >= 400 and self.expected.get(response.url) != response.status:
            self.faults.append(f"{response.status}: {response.request.method} {response.url}")

    def goto(self, url: str, status: int = 200):
        self.expected[url] = status
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, f"{url}: {response and response.status}"
        return response

    def submit_refused(self, url: str):
        """Click the form's button, expecting the form back with its problems (422); the response."""
        self.expected[url] = 422
        with self.page.expect_response(lambda r: r.url == url and r.request.method == "POST") as answer:
            self.page.click(SUBMIT)
        assert answer.value.status == 422, f"{url}: {answer.value.status}"
        # the page's script shows the answer in place of the page once it has read it: wait for that
        self.page.wait_for_selector(".errors[role=alert]", timeout=10000)
        return answer.value


def audit(watch: Watch, axe: str, narrow: bool = True) -> list[str]:
    """What is wrong with the page as loaded: axe violations, images not drawn, faults reported,
    and (``narrow``) sideways scrolling at 320 CSS pixels."""
    page = watch.page
    label = page.url
    problems = []
    violations = axe_violations(page, axe)
    if violations:
        problems.append(f"{label} axe:\n" + violations_report(violations))
    fonts = page.evaluate("""document.fonts.ready.then(() => ({
        loaded: [...document.fonts].filter(f => f.status === 'loaded').length,
        failed: [...document.fonts].filter(f => f.status === 'error').map(f => f.family + ' ' + f.weight)}))""")
    if fonts["failed"] or not fonts["loaded"]:
        problems.append(f"{label}: the page's fonts did not load: {fonts}")
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    if broken:
        problems.append(f"{label}: images not drawn: {broken}")
    if narrow:
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 900})
        width = page.evaluate("new Promise(r => requestAnimationFrame(() => r(document.documentElement.scrollWidth)))")
        if width > 320:
            problems.append(f"{label}: scrolls sideways at 320 px ({width} px wide)")
        page.set_viewport_size(size)
    problems += [f"{label}: {fault}" for fault in watch.faults]
    watch.faults.clear()
    return problems




# -- 1, 2: a nurse makes a card --------------------------------------------------------------------
def make_card(downloads, server, tmp_path, locale: str, paper: str, details: dict) -> tuple:
    """Fill in the card's form as a nurse does, submit it; the response and the PDF's path."""
    url = f"{server.url}/handouts/{CARD}"
    page = downloads.new_page()
    sign_in(page, server)
    try:
        watch = Watch(page)
        watch.goto(url)
        page.select_option("#locale", locale)
        page.check(f"#paper-{paper}")
        for key in ("name", "product"):
            if details.get(key):
                page.locator(f"#{key}").press_sequentially(details[key])
        page.fill("#date", details["date"])
        # the PDF is a download (see the module's docstring); the response has its status and headers
        watch.download = True
        with page.expect_download() as download, page.expect_response(
                lambda r: r.url == url and r.request.method == "POST") as answer:
            page.click(SUBMIT)
        response = answer.value
        assert response.request.resource_type == "fetch"    # sent by the page's script, not by a navigation
        filename = response.headers["content-disposition"].split('filename="')[1].rstrip('"')
        path = tmp_path / filename
        download.value.save_as(path)
        assert watch.faults == []
        return response, filename, path
    finally:
        page.close()


def test_spanish_card_on_letter(downloads, server, tmp_path):
    name, medicine = "José Ñúñez-Pérez", "axicabtagene ciloleucel"
    response, filename, path = make_card(downloads, server, tmp_path, "es", "letter",
                                         {"name": name, "product": medicine, "date": "2026-11-20"})
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert filename == f"{CARD}.es.letter.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    text = plain(poppler_text(path))
    assert name in text
    assert medicine in text
    assert "20 de noviembre de 2026" in text
    box = PdfReader(str(path)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_arabic_card_on_a4(downloads, server, tmp_path):
    name = "محمد عبد الله"
    response, filename, path = make_card(downloads, server, tmp_path, "ar", "a4", {"name": name, "date": "2026-03-05"})
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert filename == f"{CARD}.ar.a4.pdf"
    text = plain(poppler_text(path))
    assert name in text          # in logical order: poppler reads the card's /ActualText
    date = plain(format_date(datetime.date(2026, 3, 5), "ar"))
    missing = [word for word in date.split(" ") if word not in text]
    assert missing == [], f"{date!r}: {missing} not in {text!r}"
    box = PdfReader(str(path)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# -- 3: slips, errors, the keyboard ----------------------------------------------------------------
def field_error(page, key: str) -> dict:
    """The field's state after a refused submit: aria-invalid, what aria-describedby points to, and
    where its error message sits (in the same .field, just above the field)."""
    return page.evaluate("""key => {
        const field = document.getElementById(key);
        const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
        const error = document.getElementById(key + '-error');
        const shown = e => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        const box = field.getBoundingClientRect(), at = error && error.getBoundingClientRect();
        return {invalid: field.getAttribute('aria-invalid'), ids, missing: ids.filter(i => !document.getElementById(i)),
                text: error && error.textContent.replace('!', '').trim(), shown: shown(error),
                together: !!error && error.closest('.field') === field.closest('.field'),
                gap: at ? box.top - at.bottom : null};
    }""", key)


def test_slips_answered_next_to_their_fields(page, server):
    words = Words(Registry(), "en")
    url = f"{server.url}/handouts/{CARD}"
    watch = Watch(page)
    watch.goto(url)
    page.eval_on_selector("#name", 'e => e.removeAttribute("maxlength")')
    long_name = "Maria Fernanda de los Santos Gutierrez Diaz"
    assert len(long_name) > 40
    page.fill("#name", long_name)
    page.fill("#date", "1999-12-31")
    watch.submit_refused(url)
    summary = page.locator(".errors")
    assert summary.count() == 1 and summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    # the summary takes the focus (autofocus, applied as the page is first drawn), so a screen reader
    # reads it and Tab goes on to its links; a summary that never gets it fails here after 5 s
    page.wait_for_function("document.activeElement === document.querySelector('.errors')", timeout=5000)
    links = page.eval_on_selector_all(".errors a", "links => links.map(a => a.getAttribute('href'))")
    assert links == ["#name", "#date"]
    expected = {"name": words.format("error_too_long", limit="40", char=""),
                "date": words.format("error_too_early", limit=format_date(datetime.date(2000, 1, 1), "en"), char="")}
    for key, message in expected.items():
        state = field_error(page, key)
        assert state["invalid"] == "true", key
        assert f"{key}-error" in state["ids"] and state["missing"] == [], state
        assert state["text"] == message and state["shown"] and state["together"], state
        assert 0 <= state["gap"] < 80, f"{key}'s error is not next to it: {state}"
    # what was typed is kept, so the nurse fixes it rather than typing it all again
    assert page.input_value("#name") == long_name
    assert page.input_value("#date") == "1999-12-31"
    assert watch.faults == []


def test_name_the_card_font_cannot_print(page, server):
    words = Words(Registry(), "en")
    url = f"{server.url}/handouts/{CARD}"
    watch = Watch(page)
    watch.goto(url)
    page.select_option("#locale", "es")
    name = "محمد عبد الله"
    page.fill("#name", name)
    watch.submit_refused(url)
    assert page.locator(".errors[role=alert]").count() == 1
    state = field_error(page, "name")
    first = name[0]
    message = words.format("error_uncovered", limit="", char=f"\u2068{first}\u2069 U+{ord(first):04X}")
    assert state["invalid"] == "true" and "name-error" in state["ids"], state
    assert state["text"] == message and state["shown"] and state["together"], state
    assert page.input_value("#locale") == "es"
    assert watch.faults == []


TAB_STOP = """() => {
    const e = document.activeElement, box = e.getBoundingClientRect();
    const name = e.id || (e.tagName === 'BUTTON' ? 'submit' : e.tagName.toLowerCase() + ' ' + e.getAttribute('href'));
    return {name, form: !!e.closest('form'), top: box.top + scrollY, bottom: box.bottom + scrollY,
            left: box.left, right: box.right};
}"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_keyboard_reaches_every_control_in_reading_order(page, server, lang):
    watch = Watch(page)
    watch.goto(f"{server.url}/handouts/{CARD}" + ("" if lang == "en" else f"?lang={lang}"))
    rtl = page.evaluate("document.documentElement.dir") == "rtl"
    assert rtl == (lang == "ar")
    large_print = page.locator("#variant").count() == 1
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if not stops or stops[-1]["name"] != stop["name"]:   # a date field's day, month and year are one stop
            stops.append(stop)
        if stop["name"] == "submit":
            break
    names = [stop["name"] for stop in stops]
    assert names[-1] == "submit", f"Tab never reached the button: {names}"
    expected = ["locale", "paper-a4"] + (["variant-standard"] if large_print else []) + \
        ["format-pdf", "name", "product", "date", "submit"]
    assert [stop["name"] for stop in stops if stop["form"]] == expected
    assert names[0].startswith("a /"), names      # the app's name, first on the page
    # each stop is below the one before, or on the same line and after it (in the page's direction)
    for before, after in zip(stops, stops[1:]):
        below = after["top"] >= before["bottom"] - 1
        later = after["right"] <= before["left"] + 1 if rtl else after["left"] >= before["right"] - 1
        beside = after["top"] < before["bottom"] and later
        assert below or beside, f"{after['name']} comes after {before['name']} but is placed before it"
    assert watch.faults == []


# -- 4: every page, for axe and for faults ---------------------------------------------------------
def test_list_in_every_language(page, server, axe):
    watch = Watch(page)
    watch.goto(server.url + "/")
    # the fonts this page asked for are loaded before the next page is opened: leaving it while
    # they load aborts their requests (net::ERR_ABORTED), a fault of the test, not of the app
    page.evaluate("document.fonts.ready.then(() => true)")
    languages = page.eval_on_selector_all("header nav a[hreflang]", "links => links.map(a => a.getAttribute('href'))")
    assert "/" in languages
    listed = page.eval_on_selector_all("ul.handouts h2 a", "links => links.map(a => a.getAttribute('href'))")
    assert listed == [f"/handouts/{name}" for name in MODULES]
    problems = []
    for address in languages:
        watch.goto(server.url + address)
        assert page.locator("ul.handouts img").count() == len(MODULES)
        problems += audit(watch, axe)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("module", MODULES)
def test_form_pages(page, server, axe, module):
    watch = Watch(page)
    problems = []
    for query in ("", "?lang=ar"):
        watch.goto(f"{server.url}/handouts/{module}{query}")
        assert page.locator("img.preview").count() == 1
        problems += audit(watch, axe)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_form_with_errors(page, server, axe, lang):
    url = f"{server.url}/handouts/{CARD}"
    watch = Watch(page)
    watch.goto(url + ("" if lang == "en" else f"?lang={lang}"))
    page.fill("#date", "1999-12-31")
    watch.submit_refused(url)
    assert page.evaluate("document.documentElement.lang") == lang
    problems = audit(watch, axe)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("address, status", [("/nope", 404), ("/nope?lang=ar", 404), ("/?x=1", 400)])
def test_error_pages(page, server, axe, address, status):
    watch = Watch(page)
    watch.goto(server.url + address, status)
    assert page.locator("h1").count() == 1
    problems = audit(watch, axe)
    assert problems == [], "\n".join(problems)


def test_the_browser_finds_an_icon(page, server):
    """A browser asks every site for an icon: without one the app answers /favicon.ico with its 404
    page, which Chromium reports in the console of every new session."""
    Watch(page).goto(server.url + "/")
    declared = page.eval_on_selector_all('link[rel~="icon"]', "links => links.map(l => l.href)")
    if declared:
        for href in declared:
            if not href.startswith("data:"):
                assert page.request.get(href).status == 200, href
    else:
        assert page.request.get(server.url + "/favicon.ico").status < 400


# -- 5: screenshots --------------------------------------------------------------------------------
def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshots(page, server, shots):
    watch = Watch(page)
    watch.goto(server.url + "/")
    page.evaluate("document.fonts.ready.then(() => true)")
    path = shots / "serve.png"
    page.screenshot(path=str(path))
    assert png_size(path) == (1280, 900)
    assert 20_000 < path.stat().st_size < 300_000
    watch.goto(f"{server.url}/handouts/{CARD}")
    page.select_option("#locale", "es")
    page.check("#paper-letter")
    page.fill("#name", "José Ñúñez-Pérez")
    page.fill("#product", "axicabtagene ciloleucel")
    page.fill("#date", "2026-11-20")
    page.evaluate("document.activeElement.blur()")
    form = shots / "serve-form.png"
    page.screenshot(path=str(form), full_page=True)
    assert png_size(form)[0] == 1280
    assert watch.faults == []



@pytest.mark.parametrize("elsewhere", ["http://127.0.0.1:9/evil.html", "https://evil.example/evil.html"])
def test_a_form_on_another_site_or_port_is_refused_by_chromium_s_own_headers(page, server, elsewhere):
    """A page elsewhere that posts a clinic-looking card to the app is refused: from another port
    of this computer (same site: Chromium sends the session cookie) by the origin check, 403; from
    another site Chromium does not even send the cookie (SameSite=Strict), 401. Chromium names the
    page's origin itself. The page is served by the test (nothing listens there)."""
    form = (f'<form method="post" action="{server.url}/handouts/{CARD}">'
            + "".join(f'<input name="{key}" value="{value}">' for key, value in
                      {"locale": "en", "paper": "a4", "variant": "standard", "format": "pdf",
                       "name": "Call 555-0142 not 911"}.items())
            + '<button type="submit">go</button></form>')
    page.route(elsewhere, lambda route: route.fulfill(status=200, content_type="text/html", body=form))
    page.goto(elsewhere)
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        page.click(SUBMIT)
    answer = info.value
    assert answer.status == (403 if elsewhere.startswith("http://127.0.0.1") else 401)
    sent = answer.request.all_headers()    # what Chromium said of the page, not the test
    assert sent["origin"] in (elsewhere.rsplit("/", 1)[0], "null")   # null: from https to plain http
    assert sent.get("sec-fetch-site", "cross-site") != "same-origin"
    assert "application/pdf" not in answer.headers["content-type"]


# -- 6: no trace of the patient in the browser's profile on disk -------------------------------------
def traces_in_profile(playwright_session, server, tmp_path, script: bool) -> list[str]:
    """Make a card (PDF), its HTML twin and a refused form in a Chromium with its profile on disk,
    each with a unique marker for the name and medicine; close the browser; the profile's files
    holding a marker (UTF-8 or UTF-16, as Chromium writes strings)."""
    import secrets

    playwright, path = playwright_session
    profile = tmp_path / "profile"
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=path, args=ARGS, accept_downloads=False, java_script_enabled=script)
    markers = []
    try:
        page = context.new_page()
        sign_in(page, server)
        url = f"{server.url}/handouts/{CARD}"
        for fmt, refused in (("pdf", False), ("html", False), ("pdf", True)):
            marker = "Zq" + secrets.token_hex(8)
            markers.append(marker)
            page.goto(url, wait_until="load")
            page.fill("#name", marker)
            page.fill("#product", "P" + marker)
            page.fill("#date", "1999-12-31" if refused else "2026-11-20")   # a refused form: too early
            page.check(f"#format-{fmt}")
            with page.expect_response(lambda r: r.url == url and r.request.method == "POST") as answer:
                page.click(SUBMIT)
            assert answer.value.status == (422 if refused else 200), (fmt, refused)
            assert (answer.value.request.resource_type == "fetch") == script
            page.wait_for_timeout(500)     # the handout shown (or saved), the session written
        page.goto(f"{server.url}/", wait_until="load")
    finally:
        context.close()
    forms = [form for marker in markers for form in (marker.encode(), marker.encode("utf-16-le"))]
    found = [str(file.relative_to(profile)) for file in profile.rglob("*")
             if file.is_file() and any(form in file.read_bytes() for form in forms)]
    assert (profile / "Default").is_dir() and any(profile.rglob("Session*")), "no profile written"
    return found


def test_a_card_made_in_a_browser_leaves_no_trace_in_its_profile_on_disk(playwright_session, server, tmp_path):
    """The form's script sends the details with fetch(), so no history entry holds them: after a
    PDF, a twin and a refused form, the closed profile holds none of the markers. The control:
    with JavaScript off the same form posts by navigation, and Chromium's session files hold it,
    so the search can find what it looks for."""
    assert traces_in_profile(playwright_session, server, tmp_path / "script", script=True) == []
    found = traces_in_profile(playwright_session, server, tmp_path / "no-script", script=False)
    assert any("Sessions" in name for name in found), found
