"""``handouts serve`` in process: the pages, the handouts it answers with, the headers on every
answer, each refusal (400, 401, 404, 405, 413, 415, 422) and the access token; the ``serve``
command's own refusals; and 200+ hostile requests, none of which may get anything but a 4xx page
without a traceback or the markup it was sent.

The app runs under Starlette's ``TestClient`` (its lifespan starts a real pool of one spawned
worker). Requests whose address or body an HTTP client would tidy up (``//etc/passwd``, a body
without Content-Length) are handed to the ASGI app as Uvicorn would: see ``asgi_call``.
"""

from __future__ import annotations

import random
import re
import urllib.parse
import warnings
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from pdfread import pdf_text

with warnings.catch_warnings():   # "Using `httpx` with `starlette.testclient` is deprecated"
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from handouts.registry import Registry
from handouts.serve.app import MAX_BODY, PAGE_POLICY, TWIN_POLICY, HandoutsApp, Options, build
from handouts.serve.session import MAX_FAILURES, SESSION_COOKIE, Sessions

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

BASE = "http://127.0.0.1:8000"
FORM = "application/x-www-form-urlencoded"
MODULES = tuple(Registry().module_paths())   # every bundled handout, the daily log included
assert len(MODULES) >= 6
CARD = "car-t-side-effects"
SHEET = "questions-to-ask"
LOCALES = ("en", "ar", "es", "hi", "vi", "zh-Hans")
TOKEN = "Tq7-kPz2_vXn8Rw4yLb9HcM1sJd5FgA0"   # strong: the app refuses weak ones
REFUSALS = {400, 401, 404, 405, 413, 415, 422}
ALWAYS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY"}
CACHED = ("/thumbnails/", "/app.css")     # the only answers a browser may keep (no patient detail in them)
CHOICES = {"locale": "en", "paper": "a4", "variant": "standard", "format": "pdf"}


@pytest.fixture(scope="module")
def client():
    """The app on loopback, asked with its token (as a script would: in the Authorization header)."""
    with TestClient(build(HandoutsApp(Options(workers=1, token=TOKEN))), base_url=BASE, follow_redirects=False,
                    headers={"authorization": f"Bearer {TOKEN}"}) as client:
        yield client


@pytest.fixture(scope="module")
def guarded():
    """The app bound to every interface, reached at an allowed address, asked without the token."""
    app = build(HandoutsApp(Options(workers=1, token=TOKEN, host="0.0.0.0", allowed_hosts=("192.0.2.10",))))
    with TestClient(app, base_url="http://192.0.2.10:8000", follow_redirects=False) as client:
        yield client


def post(client, module=CARD, headers=None, **values):
    return client.post(f"/handouts/{module}", content=urllib.parse.urlencode({**CHOICES, **values}),
                       headers={"content-type": FORM, **(headers or {})})


def check_headers(path: str, response) -> list[str]:
    """What is wrong with the headers of one answer (an empty list when nothing is)."""
    wrong = []
    headers = response.headers
    for key, value in ALWAYS.items():
        if headers.get(key) != value:
            wrong.append(f"{key}: {headers.get(key)!r}")
    if "server" in headers:
        wrong.append(f"server: {headers['server']!r}")
    cache = headers.get("cache-control")
    if path.startswith(CACHED) and response.status_code == 200:
        if cache != "private, max-age=3600":
            wrong.append(f"cache-control: {cache!r}")
    elif cache != "no-store":
        wrong.append(f"cache-control: {cache!r}")
    if headers.get("content-type", "").startswith("text/html"):
        if headers.get("content-security-policy") not in (PAGE_POLICY, TWIN_POLICY):
            wrong.append(f"content-security-policy: {headers.get('content-security-policy')!r}")
    return wrong


# -- the pages -----------------------------------------------------------------------------------

def test_the_list_shows_every_handout_with_its_thumbnail(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert sorted(re.findall(r'<h2><a href="/handouts/([^"?]+)"', page)) == list(MODULES)
    thumbnails = re.findall(r'<img src="(/thumbnails/[^"]+)"', page)
    assert sorted(thumbnails) == [f"/thumbnails/{module}/en.png" for module in MODULES]
    for address in thumbnails:
        image = client.get(address)
        assert image.status_code == 200, address
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(image.content) > 1000
        assert check_headers(address, image) == []


def test_the_list_in_spanish_shows_spanish_thumbnails(client):
    page = client.get("/?lang=es").text
    assert '<html lang="es" dir="ltr">' in page
    for module in MODULES:
        assert f'/thumbnails/{module}/es.png' in page
        assert f'href="/handouts/{module}?lang=es"' in page
    image = client.get(f"/thumbnails/{CARD}/es.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_the_list_follows_the_browsers_language(client):
    assert '<html lang="ar" dir="rtl">' in client.get("/", headers={"accept-language": "ar-EG,ar;q=0.9"}).text
    assert '<html lang="en" dir="ltr">' in client.get("/", headers={"accept-language": "tlh, x-;q=abc"}).text


def test_a_cards_form_asks_for_the_patients_details(client):
    response = client.get(f"/handouts/{CARD}")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert f'<form method="post" action="/handouts/{CARD}"' in page
    for key in ("name", "product", "date"):
        assert f'name="{key}"' in page
    assert 'maxlength="40"' in page and 'autocomplete="off"' in page
    for locale in LOCALES:
        assert f'<option value="{locale}"' in page
    assert 'value="a4" checked' in page


def test_a_sheets_form_has_no_patient_fields(client):
    page = client.get(f"/handouts/{SHEET}").text
    assert f'action="/handouts/{SHEET}"' in page
    assert 'name="name"' not in page and 'name="date"' not in page


def test_a_card_with_the_patients_details_is_a_pdf_named_without_them(client, tmp_path):
    response = post(client, name="Zqxana Lu", product="Zqxcel", date="2026-01-05")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == f'inline; filename="{CARD}.en.a4.pdf"'
    assert response.content.startswith(b"%PDF-")
    for key, value in response.headers.items():
        assert "Zqx" not in key + value and "2026" not in value
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert "Zqxana Lu" in text and "Zqxcel" in text


def test_the_large_print_card_on_letter_paper_in_spanish(client):
    response = post(client, locale="es", paper="letter", variant="large-print", name="Zqxana")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'inline; filename="{CARD}.es.letter.large-print.pdf"'


def test_the_html_twin_has_its_own_policy(client):
    response = post(client, format="html", name="Zqxana Lu")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == TWIN_POLICY != PAGE_POLICY
    assert response.headers["content-disposition"] == f'inline; filename="{CARD}.en.html"'
    assert response.headers["cache-control"] == "no-store"
    assert "Zqxana Lu" in response.text and "<script" not in response.text.lower()


def test_a_sheet_is_made_without_details(client):
    response = post(client, module=SHEET, locale="zh-Hans", paper="letter")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{SHEET}.zh-Hans.letter.pdf"'


JOURNEY = "car-t-journey"


@pytest.fixture(scope="module")
def products():
    from handouts.facts import load_fact_tables
    from handouts.registry import Registry

    return load_fact_tables(Registry())[1]


def test_a_sheet_with_weeks_offers_every_car_t_product(client, products):
    page = client.get(f"/handouts/{JOURNEY}").text
    assert '<select id="car_t_product" name="car_t_product"' in page
    assert '<option value="" selected>' in page   # none chosen: the usual weeks, "or longer"
    for key, product in products.items():
        assert f'<option value="{key}">{product.name}</option>' in page
    assert 'name="car_t_product"' not in client.get(f"/handouts/{SHEET}").text   # it prints no weeks


def test_the_chosen_product_sets_the_weeks_printed(client, products, tmp_path):
    key = max(products, key=lambda k: (products[k].stay_near_weeks, products[k].no_driving_weeks))
    longest = products[key]
    usual = min(products.values(), key=lambda p: (p.stay_near_weeks, p.no_driving_weeks))
    assert (longest.stay_near_weeks, longest.no_driving_weeks) != (usual.stay_near_weeks, usual.no_driving_weeks)
    texts = {}
    for chosen in ("", key):
        response = post(client, module=JOURNEY, car_t_product=chosen)
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == f'inline; filename="{JOURNEY}.en.a4.pdf"'
        path = tmp_path / f"{chosen or 'none'}.pdf"
        path.write_bytes(response.content)
        texts[chosen] = " ".join(pdf_text(path).split())
    assert f"at least {longest.no_driving_weeks} weeks" in texts[key]
    assert f"at least {longest.no_driving_weeks} weeks" not in texts[""]
    assert texts[key] != texts[""]


def test_an_unknown_product_is_422_and_a_product_for_a_sheet_without_weeks_is_400(client):
    response = post(client, module=JOURNEY, car_t_product="zqxcel")
    assert response.status_code == 422
    assert 'href="#car_t_product"' in response.text and "Pick one of the choices." in response.text
    assert post(client, module=SHEET, car_t_product="yescarta").status_code == 400


def test_every_answer_has_the_security_headers(client):
    answers = {
        "/": client.get("/"),
        "/?lang=ar": client.get("/?lang=ar"),
        f"/handouts/{CARD}": client.get(f"/handouts/{CARD}"),
        f"/thumbnails/{CARD}/en.png": client.get(f"/thumbnails/{CARD}/en.png"),
        "/app.css": client.get("/app.css"),
        "POST pdf": post(client, name="Ana"),
        "POST html": post(client, format="html"),
        "POST 422": post(client, name="W" * 41),
        "404": client.get("/nowhere"),
        "404 thumbnail": client.get(f"/thumbnails/{CARD}/xx.png"),
        "405": client.delete("/"),
        "400": client.get("/?lang=xx"),
        "400 host": client.get("/", headers={"host": "evil.example"}),
        "413": client.post(f"/handouts/{CARD}", content=b"a" * (MAX_BODY + 1), headers={"content-type": FORM}),
        "415": client.post(f"/handouts/{CARD}", content=b"locale=en", headers={"content-type": "text/plain"}),
        "HEAD /": client.head("/"),
    }
    assert answers["/app.css"].headers["content-type"].startswith("text/css")
    wrong = {path: check_headers(path, answer) for path, answer in answers.items()}
    assert {path: problems for path, problems in wrong.items() if problems} == {}
    assert [answer.status_code for answer in answers.values()] == [
        200, 200, 200, 200, 200, 200, 200, 422, 404, 404, 405, 400, 400, 413, 415, 200]


# -- refusals ------------------------------------------------------------------------------------

def refused(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f"<h1>{title}</h1>" in response.text
    assert "Traceback" not in response.text


def test_unknown_addresses_are_404(client):
    for address in ("/nowhere", "/handouts/nope", f"/handouts/{CARD}/extra", "/thumbnails/nope/en.png",
                    f"/thumbnails/{CARD}/xx.png", f"/thumbnails/{CARD}/en.png?size=9", "/handouts"):
        refused(client.get(address), 404, "Page not found")


def test_wrong_methods_are_405_with_allow(client):
    response = client.post("/", content=b"", headers={"content-type": FORM})
    refused(response, 405, "This page cannot be used that way")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        refused(client.request(method, f"/handouts/{CARD}"), 405, "This page cannot be used that way")
    refused(client.post(f"/thumbnails/{CARD}/en.png"), 405, "This page cannot be used that way")


def test_a_body_over_16_kib_is_413(client):
    refused(client.post(f"/handouts/{CARD}", content=b"name=" + b"a" * MAX_BODY, headers={"content-type": FORM}),
            413, "Too much was sent")

    def chunks():                      # no Content-Length: the app counts what arrives
        for _ in range(20):
            yield b"a" * 1024

    refused(client.post(f"/handouts/{CARD}", content=chunks(), headers={"content-type": FORM}), 413,
            "Too much was sent")
    # just under the limit is read (and refused for what it says, not its size)
    body = urllib.parse.urlencode({**CHOICES, "name": "W" * (MAX_BODY - 100)})
    assert len(body) <= MAX_BODY
    assert post(client, name="W" * (MAX_BODY - 100)).status_code == 422


def test_only_url_encoded_forms_are_read(client):
    body = urllib.parse.urlencode(CHOICES)
    for kind in ("text/plain", "application/json", "multipart/form-data; boundary=x", "", "form"):
        refused(client.post(f"/handouts/{CARD}", content=body, headers={"content-type": kind}), 415,
                "The request could not be read")
    response = client.post(f"/handouts/{CARD}", content=body,
                           headers={"content-type": "Application/X-WWW-Form-URLEncoded; charset=UTF-8"})
    assert response.status_code == 200


def test_unknown_and_repeated_keys_are_400(client):
    title = "The request could not be read"
    for body in ("locale=en&locale=es", "shoe=9", "name", "=x", "Name=Ana", "a=1&",
                 "&".join(f"k{i}=1" for i in range(20))):
        refused(client.post(f"/handouts/{CARD}", content=body, headers={"content-type": FORM}), 400, title)
    for address in ("/?lang=en&lang=en", "/?page=2", f"/handouts/{CARD}?lang=ar&lang=en", f"/handouts/{CARD}?x"):
        refused(client.get(address), 400, title)
    assert client.get("/?lang=es&lang=es").status_code == 400
    refused(client.post(f"/handouts/{CARD}?lang=en", content=urllib.parse.urlencode(CHOICES),
                        headers={"content-type": FORM}), 400, title)


def test_an_unknown_page_language_is_400(client):
    for address in ("/?lang=xx", "/?lang=", "/?lang=EN", f"/handouts/{CARD}?lang=de", "/?lang=..%2fetc"):
        refused(client.get(address), 400, "The request could not be read")
    refused(post(client, lang="fr"), 400, "The request could not be read")


def test_invalid_utf8_in_the_body_is_400(client):
    for raw in (b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80"):
        body = urllib.parse.urlencode(CHOICES).encode() + b"&name=" + raw
        refused(client.post(f"/handouts/{CARD}", content=body, headers={"content-type": FORM}), 400,
                "The request could not be read")


@pytest.mark.parametrize("escaped", ["%FF", "%C3%28", "%ED%A0%80", "%C0%AF"])
def test_invalid_utf8_in_a_percent_escape_is_400(client, escaped):
    body = urllib.parse.urlencode(CHOICES) + "&name=Ana" + escaped
    assert client.post(f"/handouts/{CARD}", content=body, headers={"content-type": FORM}).status_code == 400


def test_wrong_choices_are_422_with_the_form_again(client):
    response = post(client, locale="de", paper="a3", variant="huge", format="docx", name="Zqx<b>Ana</b>")
    assert response.status_code == 422
    page = response.text
    assert "Please fix the following:" in page
    assert page.count("Pick one of the choices.") >= 4
    assert 'value="Zqx&lt;b&gt;Ana&lt;/b&gt;"' in page     # what was typed is kept, escaped
    assert "<b>Ana" not in page
    assert check_headers("/handouts", response) == []


@pytest.mark.parametrize("values, field, words", [
    ({"name": "W" * 41}, "name", "Use at most 40 characters."),
    ({"product": "a\u202eb"}, "product", "Remove the special or invisible characters."),
    ({"date": "2026-02-30"}, "date", "Enter a real date: day, month and year."),
    ({"date": "1999-12-31"}, "date", "Enter a date on or after January\u00a01,\u00a02000."),
    ({"date": "2999-01-01"}, "date", "Enter a date on or before"),
    ({"locale": "es", "name": "\u0645\u062d\u0645\u062f"}, "name", "font cannot print one of these characters"),
])
def test_field_problems_are_422_naming_the_field(client, values, field, words):
    response = post(client, **values)
    assert response.status_code == 422
    assert words in response.text
    assert f'id="{field}-error"' in response.text and 'aria-invalid="true"' in response.text


def test_details_for_a_sheet_are_refused(client):
    """A sheet's form has no patient fields: details sent for one are a request its form cannot have
    sent (400)."""
    response = post(client, module=SHEET, name="Ana")
    refused(response, 400, "The request could not be read")
    assert "Ana" not in response.text


def test_errors_are_worded_in_the_nurses_language(client):
    response = post(client, lang="es", name="W" * 41)
    assert response.status_code == 422 and '<html lang="es"' in response.text


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"origin": "http://127.0.0.1:9999"},                                    # this computer, another port
    {"origin": "null"},                                                     # a sandboxed frame, a data: page
    {"origin": "http://127.0.0.1:8000.evil.example"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site", "origin": BASE},                        # a sibling port says same-site
])
def test_a_form_sent_from_another_site_is_403_and_nothing_is_made(client, headers):
    response = post(client, name="Zqxana", headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "This form can only be sent from this site" in response.text
    assert "Zqxana" not in response.text and not response.content.startswith(b"%PDF")


def test_a_form_from_the_apps_own_page_is_made(client):
    response = post(client, name="Zqxana", headers={"origin": BASE, "sec-fetch-site": "same-origin"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client.get(f"/handouts/{CARD}", headers={"sec-fetch-site": "cross-site"}).status_code == 200  # a link


def test_a_cross_site_form_is_403_even_with_the_access_token(guarded):
    bearer = {"authorization": f"Bearer {TOKEN}"}
    ok = post(guarded, headers={**bearer, "origin": "http://192.0.2.10:8000", "sec-fetch-site": "same-origin"})
    assert ok.status_code == 200
    assert post(guarded, headers={**bearer, "origin": "http://192.0.2.10:8001", "sec-fetch-site": "same-site"}
                ).status_code == 403


def test_a_foreign_host_name_is_400(client):
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example", ""):
        refused(client.get("/", headers={"host": host}), 400, "The request could not be read")
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/", headers={"host": host}).status_code == 200


# -- the access token ----------------------------------------------------------------------------

def test_without_the_token_every_page_is_401(guarded):
    for address in ("/", f"/handouts/{CARD}", f"/thumbnails/{CARD}/en.png", "/app.css", "/nowhere"):
        response = guarded.get(address)
        refused(response, 401, "Access code needed")
        assert check_headers(address, response) == []
    refused(post(guarded), 401, "Access code needed")


def test_a_wrong_token_is_401(guarded):
    for response in (guarded.get("/?token=" + "y" * 20), guarded.get("/?token="),
                     guarded.get("/", headers={"authorization": "Bearer " + "y" * 20}),
                     guarded.get("/", headers={"authorization": "Basic " + TOKEN}),
                     guarded.get("/", headers={"authorization": "Bearer " + TOKEN[:-1]}),
                     guarded.get("/", headers={"cookie": f"{SESSION_COOKIE}={'y' * 20}"}),
                     guarded.get("/", headers={"cookie": f"{SESSION_COOKIE}={TOKEN}"})):
        refused(response, 401, "Access code needed")
        assert TOKEN not in response.text and TOKEN not in str(response.headers)


def session_of(response) -> str:
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    return cookie.split(";")[0].split("=", 1)[1]


def test_the_token_in_the_address_makes_a_session_and_leaves_the_address(guarded):
    response = guarded.get(f"/handouts/{CARD}?lang=es&token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/handouts/{CARD}?lang=es"
    cookie = response.headers["set-cookie"]
    session = session_of(response)
    assert TOKEN not in cookie and Sessions(TOKEN).valid(session)   # signed, and never the token itself
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/", "max-age=43200"} <= attributes
    assert "secure" not in attributes   # plain HTTP here; over HTTPS (behind a proxy) it is Secure
    assert response.headers["cache-control"] == "no-store"
    assert guarded.get(f"/?token={TOKEN}").headers["location"] == "/"

    page = guarded.get(f"/handouts/{CARD}?lang=es", headers={"cookie": f"{SESSION_COOKIE}={session}"})
    assert page.status_code == 200 and '<html lang="es"' in page.text
    form_token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page.text).group(1)
    made = post(guarded, headers={"cookie": f"{SESSION_COOKIE}={session}"}, name="Ana", form_token=form_token)
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    assert post(guarded, headers={"cookie": f"{SESSION_COOKIE}={session}"}, name="Ana").status_code == 403


def test_a_session_is_signed_expires_and_works_on_another_instance_with_the_same_token():
    now = [1_000_000.0]
    sessions = Sessions(TOKEN, seconds=60, clock=lambda: now[0])
    value = sessions.new()
    assert Sessions(TOKEN, clock=lambda: now[0]).valid(value)          # another instance, the same token
    assert not Sessions(TOKEN[::-1], clock=lambda: now[0]).valid(value)  # another token
    expiry, nonce, signature = value.split(".")
    assert not sessions.valid(f"{int(expiry) + 3600}.{nonce}.{signature}")   # a later expiry, forged
    assert not sessions.valid(f"{expiry}.{nonce}.{signature[:-1]}0") or signature.endswith("0")
    for broken in ("", ".", "x.y.z", value + "0", "..", f"{expiry}..{signature}"):
        assert not sessions.valid(broken), broken
    now[0] += 61
    assert not sessions.valid(value)                                     # expired


def test_wrong_tokens_are_forgotten_after_the_window():
    from handouts.serve.session import Failures

    now = [0.0]
    failures = Failures(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        failures.add("192.0.2.7")
    assert failures.blocked("192.0.2.7") and not failures.blocked("192.0.2.8")   # per address
    assert set(failures.seen) == {"192.0.2.7"}   # asking about an address keeps nothing of it
    assert failures.should_log("192.0.2.7") and not failures.should_log("192.0.2.7")   # once a window
    now[0] = 61
    assert not failures.blocked("192.0.2.7") and failures.should_log("192.0.2.7")
    assert failures.seen == {}   # an address with nothing left in the window is forgotten


def test_the_token_over_https_makes_a_secure_cookie():
    app = build(HandoutsApp(Options(workers=1, token=TOKEN)))
    with TestClient(app, base_url="https://127.0.0.1:8443", follow_redirects=False) as secure:
        response = secure.get(f"/?token={TOKEN}")
        attributes = {part.strip().lower() for part in response.headers["set-cookie"].split(";")[1:]}
        assert response.status_code == 303 and "secure" in attributes


def test_wrong_tokens_from_one_address_are_refused_for_a_minute(caplog):
    """After MAX_FAILURES wrong tokens from one address, even the right one gets 429 (with
    Retry-After) for the rest of the minute; the log says so once, with the address, never a token."""
    app = build(HandoutsApp(Options(workers=1, token=TOKEN)))
    with caplog.at_level("INFO", logger="handouts.serve"), \
            TestClient(app, base_url=BASE, follow_redirects=False) as fresh:
        for attempt in range(MAX_FAILURES):
            assert fresh.get(f"/?token=wrong{attempt:02d}-{TOKEN[:12]}").status_code == 401
        refusal = fresh.get(f"/?token={TOKEN}")
        assert refusal.status_code == 429 and refusal.headers["retry-after"] == "60"
        assert fresh.get("/", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 429
    warnings = [record.getMessage() for record in caplog.records if "wrong access token" in record.getMessage()]
    assert len(warnings) == 1 and "testclient" in warnings[0]
    assert not [record for record in caplog.records if TOKEN[:12] in record.getMessage()]


@pytest.mark.parametrize("target", [b"//evil.example/", b"/%2F%2Fevil.example", b"//evil.example/?lang=es"])
def test_the_token_redirect_stays_on_this_site(guarded, target):
    target += (b"&" if b"?" in target else b"?") + b"token=" + TOKEN.encode()
    status, headers, _ = asgi_call(guarded, Hostile("redirect", "GET", target))
    assert status == 303
    location = headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_no_redirect_takes_its_address_from_the_host_header(guarded, client):
    """A trailing slash is 404, not a redirect to the Host a request named; and a Host the app
    does not serve is 400 before anything else."""
    bearer = {"authorization": f"Bearer {TOKEN}"}
    for path in (f"/handouts/{CARD}/", f"/thumbnails/{CARD}/en.png/", "/app.css/"):
        response = guarded.get(path, headers=bearer)
        assert response.status_code == 404 and "location" not in response.headers, path
        assert guarded.get(path, headers={**bearer, "host": "evil.example"}).status_code == 400
    assert client.get(f"/handouts/{CARD}/").status_code == 404


def test_a_bearer_token_works(guarded):
    bearer = {"authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/", headers=bearer).status_code == 200
    assert guarded.get(f"/thumbnails/{CARD}/en.png", headers=bearer).content.startswith(b"\x89PNG")
    made = post(guarded, headers=bearer, name="Ana")
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    # on every interface, only the names given with --allowed-host (and loopback) are served
    assert guarded.get("/", headers={**bearer, "host": "handouts.clinic.example"}).status_code == 400
    assert guarded.get("/", headers={**bearer, "host": "192.0.2.10:8000"}).status_code == 200


# -- the command ---------------------------------------------------------------------------------

@pytest.fixture
def no_server(monkeypatch):
    """Never start a real server here: a refusal that failed would otherwise serve forever."""
    started = []
    monkeypatch.setattr("handouts.serve.serve",
                        lambda options, port=8000, forwarded_allow_ips="": started.append(options))
    monkeypatch.delenv("HANDOUTS_TOKEN", raising=False)
    return started


def one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_serve_on_every_interface_needs_the_names_it_is_reached_at(run, no_server):
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    line = one_line(result)
    assert "--allowed-host" in line
    assert no_server == []
    assert run("serve", "--host", "::").exit_code == 2 and no_server == []


def test_serve_without_a_token_makes_one_and_prints_it_in_the_address(run, no_server):
    """Jupyter's way: a fresh strong token, printed (on standard output, not the log) in the
    address to open; two starts make two tokens."""
    from handouts.serve.session import is_weak

    first = run("serve", "--workers", "1")
    second = run("serve", "--workers", "1")
    assert first.exit_code == second.exit_code == 0, first.output
    tokens = [options.token for options in no_server]
    assert len(set(tokens)) == 2 and not any(is_weak(token) for token in tokens)
    assert f"http://127.0.0.1:8000/?token={tokens[0]}" in first.stdout


def test_serve_refuses_a_short_or_weak_token(run, no_server, tmp_path):
    for weak in ("short", "a" * 16, "abababababababababab", "0123456789abcdef"):
        (tmp_path / "token").write_text(weak + "\n")
        result = run("serve", "--token-file", tmp_path / "token")
        assert result.exit_code == 2, weak
        assert "16 to 256" in one_line(result) and weak not in one_line(result)
    assert no_server == []


def test_serve_with_a_token_file_starts(run, no_server, tmp_path):
    (tmp_path / "token").write_text(TOKEN + "\nignored\n")
    result = run("serve", "--host", "0.0.0.0", "--allowed-host", "clinic-pc.example.org", "--token-file",
                 tmp_path / "token", "--workers", "1")
    assert result.exit_code == 0, result.output
    [options] = no_server
    assert options.token == TOKEN and options.host == "0.0.0.0" and options.workers == 1
    assert options.allowed_hosts == ("clinic-pc.example.org",)
    assert TOKEN not in result.output and "http://clinic-pc.example.org:8000/" in result.output


def test_serve_reads_the_token_from_the_environment(run, no_server, monkeypatch):
    monkeypatch.setenv("HANDOUTS_TOKEN", "has spaces in it!!")
    assert run("serve").exit_code == 2
    monkeypatch.setenv("HANDOUTS_TOKEN", TOKEN)
    assert run("serve").exit_code == 0
    assert [options.token for options in no_server] == [TOKEN]


# -- 200+ hostile requests ---------------------------------------------------------------------

@dataclass
class Hostile:
    """One request made to be refused: what it is, what may answer it, and what it injected."""

    label: str
    method: str
    target: bytes                         # the request target as sent: raw path and query, ASCII
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    chunks: tuple | None = None           # the body in pieces, without Content-Length
    expect: frozenset = frozenset(REFUSALS)
    injected: str = ""                    # a value sent that must not come back unescaped


def asgi_call(client, request: Hostile) -> tuple[int, dict, bytes]:
    """Hand one request to the app running in ``client`` exactly as Uvicorn would: the path
    percent-decoded and nothing else (no ``..`` or ``//`` tidied up), the headers as sent."""
    raw_path, _, query = request.target.partition(b"?")
    headers = {"host": "127.0.0.1:8000", "authorization": f"Bearer {TOKEN}", **request.headers}
    if request.chunks is None and request.body and "content-length" not in headers:
        headers["content-length"] = str(len(request.body))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
             "scheme": "http", "path": urllib.parse.unquote(raw_path.decode("ascii")), "raw_path": raw_path,
             "query_string": query, "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
             "headers": [(key.encode("latin-1"), value.encode("latin-1") if isinstance(value, str) else value)
                         for key, value in headers.items() if value is not None]}
    pieces = list(request.chunks) if request.chunks is not None else [request.body]
    messages = [{"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
                for i, piece in enumerate(pieces)]
    answer = {"status": 0, "headers": {}, "body": b""}

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            for key, value in message.get("headers", []):
                answer["headers"][key.decode("latin-1").lower()] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    async def call():
        await client.app(scope, receive, send)

    client.portal.call(call)
    return answer["status"], answer["headers"], answer["body"]


INJECTIONS = [
    "<script>alert(1)</script>", "\"><script>alert(document.cookie)</script>", "<img src=x onerror=alert(1)>",
    "</textarea><svg onload=alert(1)>", "<iframe src=javascript:alert(1)>", "'><b onmouseover=alert(1)>x</b>",
    "' OR '1'='1", "'; DROP TABLE patients; --", "\" OR 1=1 --", "1; SELECT * FROM users", "admin'--",
    "{name}", "{0.__class__.__mro__}", "{limit}{char}{field}", "{{7*7}}", "{% for x in y %}", "${7*7}", "#{7*7}",
    "%s%s%s%s%n", "%(name)s", "%x%x%x", "%", "%%",
    "../../etc/passwd", "..\\..\\windows\\win.ini", "file:///etc/passwd", "/dev/zero", "\\\\server\\share",
    "$(rm -rf /)", "`id`", "| cat /etc/passwd", "\r\nSet-Cookie: evil=1", "\r\n\r\nHTTP/1.1 200 OK",
    "\x00", "A\x00B", "\u202eevil\u202c", "\u2066x\u2069", "\ufeff", "\u200b", "\x1b[31mred", "\x7f",
    "\U0001F600\U0001F600", "\ufdfa", "\U0001D54F", "null", "undefined", "NaN", "-1", "0x41", "\ufffd", "\u0000" * 3,
]
BREAKERS = ["\x00", "\x07", "\x1b", "\u202e", "\u200b", "\ufeff", "\ue000", "\x7f", "\u2066", "\U000f0000"]
LATIN = "abcdefghijklmnopqrstuvwxyz"
CHOICE_KEYS = ("locale", "paper", "variant", "format")


def random_text(rng: random.Random, size: int) -> str:
    """Any code points (no surrogates, which UTF-8 cannot carry), controls and bidi marks included."""
    chars = []
    while len(chars) < size:
        pick = rng.random()
        if pick < 0.15:
            chars.append(rng.choice(BREAKERS))
        elif pick < 0.3:
            chars.append(chr(rng.randrange(0x20)))
        else:
            code = rng.randrange(0x110000)
            if not 0xD800 <= code <= 0xDFFF:
                chars.append(chr(code))
    return "".join(chars)


def form_request(label, values: dict, expect: set, module: str = CARD, injected: str = "") -> Hostile:
    body = urllib.parse.urlencode(values, quote_via=urllib.parse.quote).encode("ascii")
    if len(body) > MAX_BODY:
        expect = {413}
    return Hostile(label, "POST", f"/handouts/{module}".encode(), {"content-type": FORM}, body,
                   expect=frozenset(expect), injected=injected)


def fuzzed_forms(rng: random.Random) -> list[Hostile]:
    """A valid form with one value made hostile - and made invalid for sure, so only a refusal is right."""
    requests = []
    payloads = INJECTIONS + [random_text(rng, rng.randrange(1, 60)) for _ in range(30)]
    for i in range(120):
        payload = payloads[i % len(payloads)] if i < len(payloads) else rng.choice(payloads)
        values = dict(CHOICES)
        where = rng.choice(("name", "name", "product", "date", "choice", "lang", "key"))
        if where in ("name", "product"):
            how = rng.choice(("break", "long", "choice", "sheet", "huge"))
            if how == "break":
                cut = rng.randrange(len(payload) + 1)
                value = payload[:cut] + rng.choice(BREAKERS) + payload[cut:]
            elif how == "long":
                value = payload + "W" * 41
            elif how == "huge":
                value = (payload or "x") * (MAX_BODY // max(1, len(payload.encode())) + rng.choice((-40, 400)))
                value = value[:MAX_BODY + rng.choice((-300, 10))]
            else:
                value = payload
            values[where] = value
            module = SHEET if how == "sheet" else CARD
            if how == "choice":
                values[rng.choice(CHOICE_KEYS)] = rng.choice(("xx", "de", "a3", "html5", "small", payload))
            if how in ("choice", "sheet") and not values.get(where, "").strip():
                values["locale"] = "xx"          # an empty name is fine: make it wrong another way
            expect = {400, 422} if how == "sheet" else {422}    # details a sheet's form has no field for
            requests.append(form_request(f"form {where}/{how} {payload[:20]!r}", values, expect, module, payload))
        elif where == "date":
            values["date"] = payload if payload.strip() else payload + "2026-02-30"
            requests.append(form_request(f"form date {payload[:20]!r}", values, {422}, injected=payload))
        elif where == "choice":
            key = rng.choice(CHOICE_KEYS)
            values[key] = payload
            requests.append(form_request(f"form {key} {payload[:20]!r}", values, {422}, injected=payload))
        elif where == "lang":
            values["lang"] = payload
            requests.append(form_request(f"form lang {payload[:20]!r}", values, {400}, injected=payload))
        else:
            values[payload or "\x00"] = "1"
            requests.append(form_request(f"form key {payload[:20]!r}", values, {400}, injected=payload))
    return requests


PATHS = [
    b"/handouts/..%2f..%2fetc%2fpasswd", b"/handouts/%2e%2e/%2e%2e/etc/passwd", b"/handouts/%00",
    b"/handouts/car-t-side-effects%00", b"//etc/passwd", b"//evil.example/", b"/thumbnails/../../x.png",
    b"/thumbnails/car-t-side-effects/..%2f..%2fx.png", b"/thumbnails/car-t-side-effects/en.png/x",
    b"/thumbnails/car-t-side-effects/xx.png", b"/thumbnails/nope/en.png", b"/thumbnails/car-t-side-effects/en.jpg",
    b"/thumbnails/car-t-side-effects/en.png?x=1", b"/thumbnails/car-t-side-effects/%2e%2e.png",
    b"/thumbnails/car-t-side-effects/en%00.png", b"/handouts/car-t-side-effects/extra", b"/handouts",
    b"/handouts/", b"/.env", b"/.git/config", b"/etc/passwd", b"/app.css/x", b"/app.css%00", b"/app.css.map",
    b"/static/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/handouts/CAR-T-SIDE-EFFECTS",
    b"/handouts/car-t-side-effects;jsessionid=1", b"/handouts/file:%2f%2f%2fetc%2fpasswd", b"/http://evil.example/",
    b"/handouts/%ff%fe", b"/handouts/%C0%AF", b"/handouts/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    b"/handouts/%7Bname%7D", b"/handouts/%25s%25n", b"/%0d%0aSet-Cookie:%20evil=1",
    b"/?lang=..%2f..%2fetc", b"/?lang=en&lang=en", b"/?foo=bar", b"/?lang=%ff",
    b"/?lang=%00", b"/?lang", b"/?lang=%3Cscript%3E", b"/handouts/car-t-side-effects?lang=zz",
    b"/handouts/car-t-side-effects?format=pdf", b"/handouts/questions-to-ask?lang=es&x=",
    b"/handouts/" + b"a" * 5000, b"/" + b"a/" * 2000 + b"b", b"/handouts/" + b"%2e%2e%2f" * 500,
]


def path_tricks(rng: random.Random) -> list[Hostile]:
    requests = [Hostile(f"path {path[:40]!r}", "GET", path, expect=frozenset({400, 404})) for path in PATHS]
    requests.append(Hostile("a wrong token in the address", "GET", b"/?token=" + b"x" * 20, expect=frozenset({401})))
    for i in range(15):
        segments = [urllib.parse.quote(random_text(rng, rng.randrange(1, 12)), safe="").encode()
                    for _ in range(rng.randrange(1, 6))]
        path = b"/" + rng.choice((b"handouts/", b"thumbnails/", b"x/")) + b"/".join(segments) + b"/z"
        requests.append(Hostile(f"random path {i}", "GET", path, expect=frozenset({404})))
    return requests


def wrong_methods() -> list[Hostile]:
    requests = []
    for target in (b"/", b"/handouts/car-t-side-effects", b"/thumbnails/car-t-side-effects/en.png", b"/app.css"):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "CONNECT", "get", "FOO"):
            requests.append(Hostile(f"{method} {target.decode()}", method, target, expect=frozenset({405})))
    for target in (b"/", b"/thumbnails/car-t-side-effects/en.png", b"/app.css"):
        requests.append(Hostile(f"POST {target.decode()}", "POST", target, {"content-type": FORM}, b"locale=en",
                                expect=frozenset({405})))
    return requests


def bodies(rng: random.Random) -> list[Hostile]:
    card = b"/handouts/car-t-side-effects"
    valid = urllib.parse.urlencode(CHOICES).encode()
    form = {"content-type": FORM}
    big = valid + b"&name=" + b"A" * MAX_BODY
    requests = [
        Hostile("body just over the limit", "POST", card, form, b"a" * (MAX_BODY + 1), expect=frozenset({413})),
        Hostile("valid form over the limit", "POST", card, form, big, expect=frozenset({413})),
        Hostile("a gigabyte declared", "POST", card, {**form, "content-length": "1000000000"}, valid,
                expect=frozenset({413})),
        Hostile("chunked over the limit", "POST", card, form, chunks=tuple([b"A" * 1000] * 17),
                expect=frozenset({413})),
        Hostile("one big chunk", "POST", card, form, chunks=(big,), expect=frozenset({413})),
        Hostile("many small chunks", "POST", card, form, chunks=tuple([b"A"] * (MAX_BODY + 5)),
                expect=frozenset({413})),
        Hostile("content-length abc", "POST", card, {**form, "content-length": "abc"}, valid,
                expect=frozenset({400, 413})),
        Hostile("content-length -1", "POST", card, {**form, "content-length": "-1"}, valid,
                expect=frozenset({400, 413})),
        Hostile("content-length 1e9", "POST", card, {**form, "content-length": "1e9"}, valid,
                expect=frozenset({400, 413})),
    ]
    for kind in (None, "", "text/plain", "application/json", "multipart/form-data; boundary=x", "text/html",
                 "application/x-www-form-urlencodedx", "application/x-www-form-urlencoded-evil", "application/xml",
                 "*/*", "form", "application/x-www-form", "\x00", "<script>alert(1)</script>"):
        requests.append(Hostile(f"content-type {kind!r}", "POST", card, {"content-type": kind}, valid,
                                expect=frozenset({415}), injected=kind or ""))
    for raw in (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf5\x80\x80\x80",
                b"\xe2\x82", b"\x80", b"Ana\xffLu", bytes(rng.randrange(128, 256) for _ in range(30))):
        requests.append(Hostile(f"invalid UTF-8 {raw[:8]!r}", "POST", card, form, valid + b"&name=" + raw,
                                expect=frozenset({400})))
    for malformed in (b"name", b"=x", b"&&", b"locale=en&locale=en", b"a=1&", valid + b"&" + valid,
                      b"&".join(b"k%d=1" % i for i in range(17)), valid + b"&Name=Ana", valid + b"&token=x",
                      valid + b"&name=a&name=b", b"locale=en;paper=a4", valid + b"&%00=1"):
        requests.append(Hostile(f"malformed {malformed[:30]!r}", "POST", card, form, malformed,
                                expect=frozenset({400, 422})))
    requests.append(Hostile("POST with a query", "POST", card + b"?lang=es", form, valid, expect=frozenset({400})))
    return requests


def wrong_choices_and_hosts() -> list[Hostile]:
    requests = []
    for key, value in (("locale", "xx"), ("locale", "EN"), ("locale", "en "), ("locale", "zh-hans"),
                       ("locale", "../en"), ("paper", "a3"), ("paper", "A4"), ("paper", "legal"),
                       ("variant", "large"), ("variant", "large-print "), ("format", "docx"), ("format", "PDF"),
                       ("format", "png"), ("locale", ""), ("format", "")):
        requests.append(form_request(f"choice {key}={value!r}", {**CHOICES, key: value}, {422}))
    for address in (b"/?lang=xx", b"/?lang=de", b"/handouts/car-t-side-effects?lang=fr",
                    b"/thumbnails/car-t-side-effects/de.png", b"/thumbnails/car-t-side-effects/EN.png"):
        requests.append(Hostile(f"unknown locale {address!r}", "GET", address, expect=frozenset({400, 404})))
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
                 "127.0.0.2", "0.0.0.0", "[::2]", "", None, "127.0.0.1@evil.example", "localhost:80:80",
                 "evil.example#127.0.0.1", "<script>alert(1)</script>"):
        requests.append(Hostile(f"host {host!r}", "GET", b"/", {"host": host}, expect=frozenset({400}),
                                injected=host or ""))
    for language in ("\x00", "<script>alert(1)</script>", "a" * 5000, ";q=1,,,", "zz-ZZ-x-1;q=abc", "*;q=-1"):
        requests.append(Hostile(f"accept-language {language[:20]!r} on a 404", "GET", b"/nowhere",
                                {"accept-language": language}, expect=frozenset({404}), injected=language))
    return requests


class Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        self.found.add(tag)
        self.found.update(f"{tag}[{name}]" for name, _ in attrs)


def markup_of(html: str) -> set:
    """Every element and element[attribute] a browser would see in ``html``."""
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.found


def hostile_requests(seed: int = 20261128) -> list[Hostile]:
    rng = random.Random(seed)
    return fuzzed_forms(rng) + path_tricks(rng) + wrong_methods() + bodies(rng) + wrong_choices_and_hosts()


def test_there_are_over_200_hostile_requests_of_every_kind():
    requests = hostile_requests()
    assert len(requests) >= 200
    assert requests == hostile_requests()           # the same ones every run
    kinds = {request.label.split()[0] for request in requests}
    assert {"form", "path", "random", "PUT", "body", "chunked", "content-type", "invalid", "malformed", "choice",
            "unknown", "host", "accept-language"} <= kinds
    assert all(request.expect <= REFUSALS for request in requests)


@pytest.fixture(scope="module")
def page_markup(client) -> set:
    """The elements and attributes of the app's own pages, with every error shown: the only markup a
    refusal may hold."""
    found = set()
    for response in (client.get("/"), client.get("/?lang=ar"), client.get(f"/handouts/{CARD}"),
                     client.get(f"/handouts/{SHEET}"), client.get("/nowhere"),
                     post(client, locale="xx", paper="xx", variant="xx", format="xx", name="W" * 41,
                          product="\x00", date="x"),
                     post(client, module=SHEET, locale="xx", paper="xx", variant="xx", format="xx")):
        found |= markup_of(response.text)
    assert {"form", "input[aria-invalid]", "h1", "img[src]"} <= found
    return found


def test_hostile_requests_get_a_4xx_page_and_nothing_else(client, page_markup):
    wrong = []
    statuses = []
    for request in hostile_requests():
        status, headers, body = asgi_call(client, request)
        statuses.append(status)
        text = body.decode("utf-8", "replace")
        problems = []
        if status not in request.expect:
            problems.append(f"status {status}, expected {sorted(request.expect)}")
        if "Traceback" in text or 'File "' in text:
            problems.append("a traceback")
        if markup_of(text) - page_markup:
            problems.append(f"markup sent came back: {sorted(markup_of(text) - page_markup)}")
        if request.injected and any(c in request.injected for c in "<>\"'") and request.injected in text:
            problems.append("the injected value came back unescaped")
        if not headers.get("content-type", "").startswith("text/html; charset=utf-8"):
            problems.append(f"content-type {headers.get('content-type')!r}")
        if headers.get("cache-control") != "no-store" or headers.get("content-security-policy") != PAGE_POLICY:
            problems.append("no no-store or no page policy")
        if headers.get("x-content-type-options") != "nosniff" or "server" in headers:
            problems.append("headers")
        if problems:
            wrong.append((request.label, problems))
    assert wrong == []
    assert set(statuses) == {400, 401, 404, 405, 413, 415, 422}
    assert len(statuses) >= 200


def test_the_app_still_works_after_the_hostile_requests(client):
    for request in hostile_requests()[:20]:
        asgi_call(client, request)
    response = post(client, name="Ana")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
