"""The web app of ``handouts serve``: a Starlette application over the library.

Three pages: the list of handouts (``/``), a handout's form (``/handouts/<module>``, which posts
back to itself and answers with the PDF or the HTML twin), and error pages. Every request is
checked here, at one boundary: a value that is not one of the choices offered, an oversized or
malformed body, an unknown address all get a 4xx page in the nurse's language, never a
traceback. Rendering happens in a process pool (``pool``); the event loop only waits.

Patient details arrive only in a POST body, are checked, handed to a worker in memory, and are
gone when the response is sent. No response that could carry them may be stored
(``Cache-Control: no-store`` on every page), and the access log written here names the method,
the path (never a query string) and the status only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from handouts.content import SOURCE_LOCALE
from handouts.i18n import is_rtl, translator_for
from handouts.patient import FIELDS, MAX_LENGTH, PatientProblems, parse_patient, printable_problems
from handouts.render import RENDERERS
from handouts.serve.pool import Order, Setup, make, thumbnail
from handouts.serve.session import SESSION_COOKIE, WINDOW
from handouts.serve.words import Words, app_locales, language_name

log = logging.getLogger("handouts.serve")

HERE = Path(__file__).parent
MAX_BODY = 16 * 1024          # the form is a few short fields; anything bigger is refused (413)
MAX_FIELDS = 16
BODY_TIMEOUT = 10.0           # seconds to send the form, once its headers are in
RENDERS_PER_WORKER = 500      # then the worker is replaced: what its memory held goes with the process
QUEUE_TIMEOUT = 30.0          # seconds a render may wait for a free worker, on top of its own
RENDER_TIMEOUT = 30.0         # seconds: a render stuck longer than this is answered with 503
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
FORM_KEYS = {"lang", "locale", "paper", "variant", "format", "car_t_product", "form_token", *FIELDS}
SESSION_SCOPE = "handouts.session"   # the request's session cookie, set by the Guard (None: a script's token)
VARIANTS = ("standard", "large-print")

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # a browser names this site as a form's Origin (a POST under "no-referrer" says "null"), and
    # sends the address of a page to nowhere else
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# A handout sent by the form's script is shown from a blob: address, and a blob: document takes the
# policy of the page that made it: so the pages allow what the HTML twin needs (its inline style,
# its fonts and images as data:), and scripts only from the app itself.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
               "base-uri 'none'")
TWIN_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
               "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


@dataclass(frozen=True)
class Entry:
    """One handout as the app offers it."""

    name: str
    kind: str
    title: str
    locales: tuple
    large_print: bool
    fields: tuple       # which patient details its card can print (name, product, date), if any
    weeks: bool = False  # it prints a CAR-T product's label weeks: the form offers the products


@dataclass
class Options:
    """What ``handouts serve`` was started with."""

    content: tuple = ()
    layouts: tuple = ()
    clinic: str | None = None
    locales: tuple = ()             # the project's languages; empty for every one a module has
    papers: tuple = ()
    default_paper: str = "a4"
    token: str | None = None        # None: nothing is served (``handouts serve`` always sets one)
    host: str = "127.0.0.1"
    workers: int = 2
    allowed_hosts: tuple = ()       # the names other computers reach the app by (the Host header)


class Refused(Exception):
    """A request the app answers with an error page: ``status`` and the words of its title and text."""

    def __init__(self, status: int, name: str, close: bool = False):
        super().__init__(name)
        self.status = status
        self.name = name
        self.close = close   # the connection too, after the answer


ERROR_PAGES = {400: "bad_request", 401: "access", 403: "cross_site", 404: "not_found", 405: "wrong_method",
               408: "bad_request",
               413: "too_large", 415: "bad_request", 429: "access", 503: "busy", 500: "server_error"}


class HandoutsApp:
    """The application's state: the catalogue offered, the words, the pool, the thumbnails."""

    def __init__(self, options: Options):
        from handouts.facts import load_fact_tables
        from handouts.registry import Registry
        from handouts.serve.session import Sessions

        self.options = options
        self.sessions = Sessions(options.token) if options.token else None
        self.registry = Registry.with_extra(options.content, options.layouts)
        self.clinic = None
        if options.clinic:
            from handouts.clinic import load_clinic

            self.clinic = load_clinic(options.clinic)
        self.papers = tuple(options.papers) or tuple(self.registry.paper_paths())
        self.products = load_fact_tables(self.registry)[1]
        self.entries = self._entries()
        served = {locale for entry in self.entries.values() for locale in entry.locales}
        self.ui_locales = [locale for locale in app_locales(self.registry) if locale in served or
                           locale == SOURCE_LOCALE]
        self.words = {locale: Words(self.registry, locale) for locale in self.ui_locales}
        self.thumbnails: dict[tuple, bytes] = {}
        self._covered: dict[tuple, frozenset] = {}
        self.pool = None   # a RenderPool while the app runs
        self.templates = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(
            default=True, default_for_string=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.fonts, faces = page_fonts(self.registry)
        self.css = faces.encode("utf-8") + (HERE / "templates" / "app.css").read_bytes()
        self.script = (HERE / "templates" / "app.js").read_bytes()

    # -- the catalogue -----------------------------------------------------------------------
    def _entries(self) -> dict[str, Entry]:
        from handouts.content import module_locales
        from handouts.document import prepare
        from handouts.facts import prints_product_weeks
        from handouts.kinds import KINDS
        from handouts.layouts import load_layout
        from handouts.patient import fields_of

        wanted = set(self.options.locales)
        entries = {}
        for name in self.registry.module_paths():
            module = self.registry.module(name)
            locales = tuple(loc for loc in module_locales(module) if not wanted or loc in wanted)
            if not locales:
                continue
            layout = load_layout(module.layout, self.registry)
            fields = fields_of(prepare(self.registry, name, locale=SOURCE_LOCALE)) \
                if KINDS[module.kind].patient_details else ()
            entries[name] = Entry(name, module.kind, module.data["title"], locales,
                                  bool(layout.values.get("large_print")), fields,
                                  bool(self.products) and prints_product_weeks(module.data))
        return entries

    @property
    def clinic_name(self) -> str:
        return self.clinic.name if self.clinic else ""

    @staticmethod
    def thumb_height(width: int = 160) -> int:
        return round(width * 297 / 210)   # the thumbnails are of the A4 page

    @property
    def default_product(self) -> str:
        """The clinic profile's CAR-T product, chosen in the form until the nurse picks another."""
        return str(self.clinic.settings.get("car_t_product") or "") if self.clinic else ""

    def product_choices(self, words: Words) -> list:
        """None chosen (the clinic's weeks, else the shortest label's, "or longer"), then each product."""
        return [("", words["product_none"])] + [(key, product.name) for key, product in self.products.items()]

    def paper_choices(self, words: Words) -> list:
        return [(paper, words[f"paper_{paper}"] if f"paper_{paper}" in words else paper) for paper in self.papers]

    def max_length(self, key: str) -> int:
        return MAX_LENGTH[key]

    def field_label(self, words: Words, key: str) -> str:
        """The words a form field is labelled with, for the list of problems above the form."""
        return words[{"locale": "handout_language", "paper": "paper", "variant": "print_size",
                      "car_t_product": "field_car_t_product",
                      "format": "format"}.get(key, f"field_{key}")]

    def first_value(self, key: str) -> str:
        """The first radio button of a group, where an error summary's link takes the focus."""
        return {"paper": self.papers[0], "variant": "standard", "format": "pdf"}[key]

    def covered(self, name: str, locale: str) -> frozenset:
        """The characters the font of a handout in a locale can draw (the same for large print)."""
        from handouts.fonts import covered_characters, family_for_locale
        from handouts.i18n import locale_script
        from handouts.layouts import load_layout

        if (name, locale) not in self._covered:
            layout = load_layout(self.registry.module(name).layout, self.registry)
            family = family_for_locale(layout["font"], locale, locale_script(locale), self.registry)
            self._covered[name, locale] = covered_characters(family)
        return self._covered[name, locale]

    def title(self, entry: Entry, locale: str) -> tuple[str, str]:
        """A handout's title in the nurse's language when it has one, with the language it is in."""
        if locale in entry.locales and locale != SOURCE_LOCALE:
            return translator_for(self.registry.module(entry.name), locale)(entry.title), locale
        return entry.title, SOURCE_LOCALE

    # -- the pool ------------------------------------------------------------------------------
    def start(self) -> None:
        from handouts.serve.pool import RenderPool

        setup = Setup(tuple(map(str, self.options.content)), tuple(map(str, self.options.layouts)),
                      self.options.clinic)
        self.pool = RenderPool(self.options.workers, setup, RENDERS_PER_WORKER)
        self.pool.start()

    def stop(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.stop()

    async def run(self, function, *args, tries: int = 2):
        """Run ``function`` in a worker, without blocking anything else. A render past
        ``RENDER_TIMEOUT`` (or waiting ``QUEUE_TIMEOUT`` for a free worker) is a 503, and a worker
        that overran is killed and replaced. A request whose worker died under it (killed from
        outside, out of memory) is tried once more on another, so it costs no answer."""
        from handouts.serve.pool import PastDeadline, WorkerDied

        try:
            return await self.pool.run(function, args, RENDER_TIMEOUT, QUEUE_TIMEOUT)
        except PastDeadline as error:
            log.error("a render took too long (%s): 503; an overrunning worker is replaced", error)
            raise Refused(503, "busy") from None
        except WorkerDied:
            if tries > 1:
                log.error("a render worker ended during a render; started a new one and trying again")
                return await self.run(function, *args, tries=tries - 1)
            log.error("a render worker ended during a render, twice")
            raise Refused(503, "busy") from None

    async def warm(self) -> None:
        """The first page of every handout in English, drawn while the server starts."""
        await asyncio.gather(*(self.thumbnail(name, SOURCE_LOCALE) for name in self.entries),
                             return_exceptions=True)

    async def thumbnail(self, name: str, locale: str) -> bytes:
        key = (name, locale)
        if key not in self.thumbnails:
            self.thumbnails[key] = await self.run(thumbnail, name, locale)
        return self.thumbnails[key]

    # -- requests -------------------------------------------------------------------------------
    def form_token(self, request: Request) -> str:
        """The token the form carries for the browser's session ("" for a script, which has none)."""
        session = request.scope.get(SESSION_SCOPE)
        return self.sessions.form_token(session) if session and self.sessions else ""

    def check_form_token(self, request: Request, offered: str) -> None:
        """A form sent with a session cookie must carry the token its page was made with: a page
        on another site, or on another port of this computer, can make the browser send the
        cookie but cannot read the token. A script with the access token needs none."""
        session = request.scope.get(SESSION_SCOPE)
        if session and not (self.sessions and self.sessions.form_token_matches(session, offered)):
            raise Refused(403, "cross_site")

    def ui_locale(self, request: Request, asked: str | None = None) -> str:
        """The nurse's language: asked for with ``lang``, else the browser's, else English."""
        if asked is not None:
            if asked not in self.ui_locales:
                raise Refused(400, "bad_request")
            return asked
        from babel import negotiate_locale

        header = request.headers.get("accept-language", "")[:200]
        preferred = [part.split(";")[0].strip().replace("_", "-") for part in header.split(",") if part.strip()]
        found = negotiate_locale(preferred, self.ui_locales, sep="-")
        return found or SOURCE_LOCALE

    def page(self, template: str, locale: str, status: int = 200, path: str = "/", **values) -> HTMLResponse:
        words = self.words.get(locale) or self.words[SOURCE_LOCALE]
        html = self.templates.get_template(template).render(
            words=words, lang=locale, dir="rtl" if is_rtl(locale) else "ltr", app=self, language_name=language_name,
            link=lambda to, **query: link(to, locale, **query), self_link=lambda code: link(path, code),
            **values)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": PAGE_POLICY})

    def refusal(self, refused: Refused, locale: str = SOURCE_LOCALE) -> HTMLResponse:
        response = self.page("message.html.j2", locale, refused.status,
                             name=ERROR_PAGES.get(refused.status, "bad_request"))
        if refused.close:
            response.headers["Connection"] = "close"
        return response


SCRIPT_RANGES = {   # where a script's own font takes over from the Latin one, in the pages' CSS
    "Arab": "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF",
    "Deva": "U+0900-097F, U+1CD0-1CFF, U+A8E0-A8FF",
    "Hans": "U+2E80-2FDF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF",
}


def page_fonts(registry) -> tuple[dict, str]:
    """The fonts the handouts ship, for the app's own pages: a nurse's computer may have no font for
    Hindi or Chinese, and a language's name must not show as empty boxes in the language menu.
    Returns the files by the name they are served under, and the ``@font-face`` rules (each
    script's face only for its own characters, so a page loads only what it shows)."""
    from handouts.fonts import family_for_locale

    files, rules = {}, []
    for locale, script in (("en", "Latn"), ("ar", "Arab"), ("hi", "Deva"), ("zh-Hans", "Hans")):
        family = family_for_locale("Noto Sans", locale, script, registry)
        for weight, style in ((400, "regular"), (700, "bold")):
            path = Path(family.files[style])
            files[path.name] = path
            where = f" unicode-range: {SCRIPT_RANGES[script]};" if script in SCRIPT_RANGES else ""
            rules.append(f'@font-face {{ font-family: "Handouts Sans"; src: url("/fonts/{path.name}") '
                         f'format("truetype"); font-weight: {weight}; font-display: swap;{where} }}')
    return files, "\n".join(rules) + "\n"


def link(path: str, locale: str, **query) -> str:
    """An address inside the app, keeping the nurse's language (English needs no ``lang``)."""
    if locale != SOURCE_LOCALE:
        query = {"lang": locale, **query}
    return path + ("?" + urlencode(query) if query else "")


def only_query(request: Request, allowed: set) -> dict:
    """The query string as a dict: an unknown or repeated key is a 400."""
    return single_keys(request.query_params.multi_items(), allowed)


def single_keys(pairs: list, allowed: set) -> dict:
    """Key-value pairs as a dict, each key one of ``allowed`` and given once; else a 400."""
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)) or not set(keys) <= allowed:
        raise Refused(400, "bad_request")
    return dict(pairs)


async def form_body(request: Request) -> dict:
    """The posted form, read to at most ``MAX_BODY`` bytes: URL-encoded UTF-8, each key once."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Refused(415, "bad_request")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise Refused(413, "too_large")
    body = bytearray()

    async def read() -> None:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY:
                raise Refused(413, "too_large")

    try:   # a form of a few fields arrives at once; a client trickling it holds a connection
        await asyncio.wait_for(read(), BODY_TIMEOUT)
    except asyncio.TimeoutError:
        raise Refused(408, "bad_request", close=True) from None
    try:
        pairs = parse_qsl(bytes(body).decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          max_num_fields=MAX_FIELDS, errors="strict")   # Ana%FF is refused, not "Ana\ufffd"
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "bad_request") from None
    return single_keys(pairs, FORM_KEYS)


def build(app: HandoutsApp) -> Starlette:
    """The Starlette application around ``app``."""

    async def index(request: Request) -> Response:
        query = only_query(request, {"lang"})
        locale = app.ui_locale(request, query.get("lang"))
        return app.page("index.html.j2", locale, entries=list(app.entries.values()))

    def entry_of(request: Request) -> Entry:
        entry = app.entries.get(request.path_params["module"])
        if entry is None:
            raise Refused(404, "not_found")
        return entry

    async def form(request: Request) -> Response:
        entry = entry_of(request)
        if request.method == "GET":
            query = only_query(request, {"lang"})
            locale = app.ui_locale(request, query.get("lang"))
            chosen = {"locale": locale if locale in entry.locales else entry.locales[0],
                      "paper": app.options.default_paper, "variant": "standard", "format": "pdf",
                      "car_t_product": app.default_product}
            return app.page("form.html.j2", locale, path=request.url.path, entry=entry, chosen=chosen, errors={},
                            form_token=app.form_token(request))
        if request.query_params:
            raise Refused(400, "bad_request")
        values = await form_body(request)
        app.check_form_token(request, values.pop("form_token", ""))
        locale = app.ui_locale(request, values.get("lang"))
        if any(values.get(key) for key in FIELDS if key not in entry.fields) or \
                ("car_t_product" in values and not entry.weeks):
            raise Refused(400, "bad_request")   # the form has no such field: not sent by it
        choices = {"locale": entry.locales, "paper": app.papers,
                   "variant": VARIANTS if entry.large_print else VARIANTS[:1], "format": tuple(RENDERERS),
                   **({"car_t_product": ("", *app.products)} if entry.weeks else {})}
        chosen = {key: values.get(key, "") for key in choices}
        errors = {key: app.words[locale]["error_choice"] for key, allowed in choices.items()
                  if chosen[key] not in allowed}
        patient = None
        try:
            patient = parse_patient(values)
        except PatientProblems as problems:
            errors.update(field_errors(app.words[locale], problems.problems))
            patient = problems.partial   # what passed is still checked for its script
        if patient and "locale" not in errors:
            errors.update(field_errors(app.words[locale], [
                problem for problem in printable_problems(patient, app.covered(entry.name, chosen["locale"]),
                                                          entry.fields) if problem.field not in errors]))
        if not errors:
            result = await app.run(make, Order(entry.name, chosen["locale"], chosen["paper"], chosen["variant"],
                                               chosen["format"], patient, chosen.get("car_t_product", "")))
            if result.data:
                return made(entry, chosen, result.data)
            if result.problems:
                errors.update(field_errors(app.words[locale], result.problems))
            elif result.too_big:
                errors["name"] = app.words[locale]["error_too_big"]
            else:
                log.error("%s [%s, %s, %s, %s]: %s", entry.name, chosen["locale"], chosen["paper"],
                          chosen["variant"], chosen["format"], result.error)
                raise Refused(500, "server_error")
        errors = {key: errors[key] for key in (*choices, *FIELDS) if key in errors}   # in the form's order
        typed = {key: values.get(key, "") for key in FIELDS}
        return app.page("form.html.j2", locale, 422, path=request.url.path, entry=entry, chosen=chosen,
                        errors=errors, typed=typed, form_token=app.form_token(request))

    async def thumbnail_png(request: Request) -> Response:
        entry = entry_of(request)
        locale = request.path_params["locale"]
        if locale not in entry.locales or request.query_params:
            raise Refused(404, "not_found")
        data = await app.thumbnail(entry.name, locale)
        if not data:
            raise Refused(404, "not_found")
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    async def stylesheet(request: Request) -> Response:
        return Response(app.css, media_type="text/css", headers={"Cache-Control": "private, max-age=3600"})

    async def script(request: Request) -> Response:
        return Response(app.script, media_type="text/javascript", headers={"Cache-Control": "private, max-age=3600"})

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers={"Cache-Control": "private, max-age=86400"})

    async def font(request: Request) -> Response:
        path = app.fonts.get(request.path_params["name"])
        if path is None or request.query_params:
            raise Refused(404, "not_found")
        return Response(path.read_bytes(), media_type="font/ttf", headers={"Cache-Control": "private, max-age=86400"})

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/handouts/{module:str}", form, methods=["GET", "POST"]),
        Route("/thumbnails/{module:str}/{locale:str}.png", thumbnail_png, methods=["GET"]),
        Route("/app.css", stylesheet, methods=["GET"]),
        Route("/app.js", script, methods=["GET"]),
        Route("/fonts/{name:str}", font, methods=["GET"]),
        Route("/favicon.ico", no_icon, methods=["GET"]),   # browsers ask; "no content" keeps their consoles quiet
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_):
        app.start()
        await app.warm()
        yield
        app.stop()

    def page_for(request: Request, status: int) -> Response:
        return app.refusal(Refused(status, ERROR_PAGES.get(status, "bad_request")), locale_of(app, request))

    async def on_refused(request: Request, refused: Refused) -> Response:
        return app.refusal(refused, locale_of(app, request))

    async def on_http(request: Request, error: HTTPException) -> Response:
        response = page_for(request, error.status_code if error.status_code in ERROR_PAGES else 400)
        if error.status_code == 405 and error.headers:
            response.headers["Allow"] = error.headers.get("Allow", "")
        return response

    async def on_bug(request: Request, error: Exception) -> Response:
        return page_for(request, 500)   # the Guard logs it, by type and place only

    handlers = {Refused: on_refused, HTTPException: on_http, Exception: on_bug}
    starlette = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    # no "/handouts/x/" -> "/handouts/x" redirect: Starlette builds its Location from the Host
    # header, which (with a token, on any interface) a request may set to another site
    starlette.router.redirect_slashes = False
    return Guard(starlette, app)


def locale_of(app: HandoutsApp, request: Request) -> str:
    """The nurse's language for an error page: never itself an error."""
    try:
        asked = request.query_params.get("lang")
        return app.ui_locale(request, asked if asked in app.ui_locales else None)
    except Exception:  # noqa: BLE001 - an unreadable header: the page is in English
        return SOURCE_LOCALE


def made(entry: Entry, chosen: dict, data: bytes) -> Response:
    """The handout itself, shown in the browser (its name carries no patient detail)."""
    from handouts.batch import Item

    renderer = RENDERERS[chosen["format"]]
    name = Item(entry.name, chosen["locale"], chosen["paper"], chosen["variant"], chosen["format"]).filename
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    if chosen["format"] == "html":
        headers["Content-Security-Policy"] = TWIN_POLICY
    return Response(data, media_type=renderer.format + ("; charset=utf-8" if chosen["format"] == "html" else ""),
                    headers=headers)


def field_errors(words: Words, problems) -> dict:
    """Each field's first problem, worded for the nurse: a date limit as her language writes dates
    (an ISO date reads backwards inside Arabic), a character as itself and its code point."""
    import datetime as dt

    from handouts.document import format_date

    errors: dict = {}
    for problem in problems:
        if problem.field in errors:
            continue
        limit, char = problem.limit, problem.char
        if problem.code in ("too_early", "too_late"):
            limit = format_date(dt.date.fromisoformat(limit), words.locale)
        if char:
            code = char.split()[0]
            char = f"\u2068{chr(int(code[2:], 16))}\u2069 {code}"
        errors[problem.field] = words.format(f"error_{problem.code}", limit=limit, char=char)
    return errors


def shown_path(path: str) -> str:
    """A request's path as the log shows it: at most 200 characters, every control character and
    backslash escaped, so a path with %0a in it cannot start a forged line of its own."""
    return path[:200].encode("unicode_escape").decode("ascii")


class Guard:
    """The ASGI wrapper every request passes first: the Host header (loopback names only, against
    DNS rebinding), the access token (when one is set), the security headers, and the access log
    (method, path, status, milliseconds: never a query string or a body). An exception that gets
    here was already answered with a 500 page; it is logged by its type and place, never its
    message, which could quote what a nurse typed."""

    def __init__(self, inner, app: HandoutsApp):
        from handouts.serve.session import Failures

        self.inner = inner
        self.app = app
        self.sessions = app.sessions
        self.failures = Failures()
        # the Host names served, known at start: loopback, the bound address, each --allowed-host
        self.hosts = LOOPBACK_HOSTS | {app.options.host.lower()} | {name.lower() for name in app.options.allowed_hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        started = time.perf_counter()
        request = Request(scope, receive)
        status = {"code": 500, "sent": False}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.lower().encode() not in present:
                        headers.append((key.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            answer = self.guard(request)
            if answer is not None:
                await answer(scope, receive, send_with_headers)
            else:
                await self.inner(scope, receive, send_with_headers)
        except Exception as error:  # noqa: BLE001 - logged by type and place, never its message
            from handouts.serve.pool import where

            log.error("internal error (%s at %s) on %s %s", type(error).__name__, where(error), scope["method"],
                      shown_path(scope["path"]))
            if not status["sent"]:
                await self.app.refusal(Refused(500, "server_error"))(scope, receive, send_with_headers)
        finally:
            log.info("%s %s %d %.0f ms", scope["method"], shown_path(scope["path"]), status["code"],
                     (time.perf_counter() - started) * 1000)

    def guard(self, request: Request):
        """None when the request may go on; else the response that answers it."""
        try:
            self.check_framing(request)
            self.check_host(request)
            answer = self.check_token(request)
            self.check_origin(request)
            return answer
        except Refused as refused:
            response = self.app.refusal(refused, locale_of(self.app, request))
            if refused.status == 429:
                response.headers["Retry-After"] = str(int(WINDOW))
            return response

    @staticmethod
    def check_framing(request: Request) -> None:
        """A body's length said two ways (Content-Length and Transfer-Encoding) is how a request
        is smuggled past a proxy that reads the other one: refused, and the connection closed, so
        nothing sent after it on the same connection is read as a request."""
        if "content-length" in request.headers and "transfer-encoding" in request.headers:
            raise Refused(400, "bad_request", close=True)

    def check_host(self, request: Request) -> None:
        """The Host header names this app (against DNS rebinding, and so that nothing built from
        it can point elsewhere): a loopback name, the address it is bound to, or a name given with
        ``--allowed-host``."""
        host = request.headers.get("host", "").lower()
        name = host if host.endswith("]") else host.rsplit(":", 1)[0]
        if name not in self.hosts:
            raise Refused(400, "bad_request")

    @staticmethod
    def check_origin(request: Request) -> None:
        """A form is taken only from this app's own pages (no cross-site request forgery: a page
        elsewhere, even on another port of this computer, cannot make the app print a card with
        its words). A browser says where a POST comes from: ``Sec-Fetch-Site`` must be
        ``same-origin``, and ``Origin`` the scheme-less address the browser asked for (``Host``;
        behind a proxy, the proxy passes the browser's ``Host`` on). A client that sends neither (a
        script, curl) is not a browser a page elsewhere could drive."""
        if request.method != "POST":
            return
        site = request.headers.get("sec-fetch-site")
        if site is not None and site != "same-origin":
            raise Refused(403, "cross_site")
        origin = request.headers.get("origin")
        if origin is None or (origin == "null" and site == "same-origin"):  # a privacy setting may hide it
            return
        parts = urlsplit(origin)
        if origin == "null" or parts.scheme not in ("http", "https") or \
                parts.netloc.lower() != request.headers.get("host", "").lower():
            raise Refused(403, "cross_site")

    def check_token(self, request: Request):
        """None when the request has a session (or the token, from a script); the redirect that
        makes the session when the token came in the address (the token leaves the address bar
        and the history with it). A wrong token is counted against the client's address; after
        ``MAX_FAILURES`` in a minute that address gets 429 for the rest of it."""
        sessions = self.sessions
        if sessions is None:
            raise Refused(401, "access")
        client = request.client.host if request.client else "unknown"
        given = request.query_params.get("token")
        header = request.headers.get("authorization", "")
        bearer = header[7:] if header.lower().startswith("bearer ") else None
        offered = given if given is not None else bearer
        if offered is not None:
            if self.failures.blocked(client):
                raise Refused(429, "access")
            if not sessions.token_matches(offered):
                count = self.failures.add(client)
                if self.failures.should_log(client):
                    log.warning("wrong access token from %s (%d in the last minute)", shown_path(client), count)
                raise Refused(401, "access")
            if given is None:   # a script with the token in its header: no cookie needed
                request.scope[SESSION_SCOPE] = None
                return None
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            # one leading slash: "//evil.example/" would send the browser to another site
            target = "/" + request.url.path.lstrip("/\\") + ("?" + urlencode(rest) if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(SESSION_COOKIE, sessions.new(), max_age=sessions.seconds, httponly=True,
                                samesite="strict", path="/", secure=request.url.scheme == "https")
            return response
        session = request.cookies.get(SESSION_COOKIE, "")
        if sessions.valid(session):
            request.scope[SESSION_SCOPE] = session
            return None
        raise Refused(401, "access")
