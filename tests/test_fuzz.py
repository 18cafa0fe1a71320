"""A property-based fuzz of everything a person types: module fields, Markdown, clinic profiles,
project files and translations (msgstr). Whatever the input, the tool either makes a PDF that
pikepdf reads, whose only links are https, tel or mailto, whose only image is the clinic's logo
and which carries no JavaScript - or it stops with one line that names the file. Any other
outcome (a traceback, a two-line refusal, a link to a file) fails the test.

Each input kind runs a bounded, seeded search (``derandomize``) of 500 examples, so a run is
repeatable and takes a few seconds per kind. The figures of the last run are in the closing note.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.clinic import load_clinic
from handouts.document import prepare
from handouts.errors import HandoutsError
from handouts.project import load_project
from handouts.registry import Registry
from handouts.render import render

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = 500
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
SAFE_SCHEMES = ("https:", "tel:", "mailto:")
OUTCOMES: Counter = Counter()
ONE_LINE = re.compile(r"^[^:\n]+\.(yaml|po|png|jpg)(:\d+)?: \S")  # file[:line]: message

# Text people type: mostly words in the handout's own script (so most inputs build and their PDFs
# are checked), sometimes anything at all, with the characters markup and formats are made of.
WORDS = st.text(alphabet=st.sampled_from("abcdefghij ABCXYZ 0123456789 .,:;!?'\"()-/&<>*_[]#{}%°éñü"),
                min_size=1, max_size=40).filter(lambda text: text.strip())
ANYTHING = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
TYPED = st.one_of(WORDS, WORDS, WORDS, ANYTHING)
MARKUP_BITS = st.sampled_from([
    "**bold**", "*it*", "[x](https://example.org)", "[x](javascript:alert(1))", "[x](file:///etc/passwd)",
    "[x](tel:5550100)", "![i](/etc/hostname)", "<img src=/etc/hostname>", "<a href='file:x'>a</a>",
    "<font name=x>", "{fever}", "{fever:x}", "{nope}", "{", "}", "{{", "- item", "1. step", "\n\n", "  \n",
    "# title", "`code`", "&amp;", "<b>", "38 °C", "العلاج", "कि", "有些", "\u202e", "\x00", "\ufeff",
])
MARKDOWN = st.lists(st.one_of(MARKUP_BITS, TYPED), max_size=8).map(" ".join)


def check_pdf(data: bytes, logo: bool) -> None:
    """The PDF opens, and holds no link but https/tel/mailto, no image but the logo, no JavaScript."""
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
        images = 0
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None:
                    assert action.get("/S") == "/URI", action
                    assert str(action.get("/URI")).lower().startswith(SAFE_SCHEMES), action
            for _, xobject in (page.get("/Resources", {}).get("/XObject", {}) or {}).items():
                images += xobject.get("/Subtype") == "/Image"
        assert images == 0 or logo, "an image that is not the clinic's logo"


class HtmlAudit(HTMLParser):
    """What in an HTML twin could run, load or lead anywhere: scripts, event handlers, frames,
    anything loaded from outside the file, links to anything but https, tel and mailto."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "form", "link", "frame"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            elif name in ("src", "srcset", "poster", "data", "action", "formaction", "xlink:href") and \
                    not value.startswith("data:"):
                self.problems.append(f"{tag} {name}={value[:40]}")
            elif name == "href" and not (value.startswith(SAFE_SCHEMES) or value.startswith("#")):
                self.problems.append(f"{tag} href={value[:40]}")
            elif name == "http-equiv" and value == "refresh":
                self.problems.append("meta refresh")


def check_html(data: bytes) -> None:
    audit = HtmlAudit()
    audit.feed(data.decode("utf-8"))
    assert not audit.problems, audit.problems


def attempt_both(make) -> str:
    """Like ``attempt``, and the same handout's HTML twin checked too: ``make() -> (handout, logo)``."""
    made = {}

    def build():
        made["handout"], logo = make()
        return render(made["handout"]), logo

    outcome = attempt(build)
    if outcome == "built":
        check_html(render(made["handout"], "html"))
    return outcome


def attempt(build) -> str:
    """Run one build: 'built' (and the PDF checked) or 'refused' with one line naming a file."""
    try:
        data, logo = build()
    except HandoutsError as exc:
        message = exc.format_message()
        assert exc.exit_code == 1, message  # a problem with an input file, not a usage error or a bug
        assert "\n" not in message, message
        assert ONE_LINE.match(message), message
        OUTCOMES["refused"] += 1
        return "refused"
    check_pdf(data, logo)
    OUTCOMES["built"] += 1
    return "built"


def _content(folder: Path) -> Path:
    """A content folder with a copy of the mini-card module to change."""
    target = folder / "content"
    shutil.copytree(FIXTURES / "content" / "mini-card", target / "mini-card")
    return target


CARD = yaml.safe_load((FIXTURES / "content" / "mini-card" / "module.yaml").read_text())


@FUZZ
@given(title=TYPED, banner=TYPED, version=TYPED, text=MARKDOWN, bullet=MARKDOWN, labels=st.lists(TYPED, max_size=3),
       kind=st.sampled_from(["card", "sheet", [1, 2], None, "card"]), note=st.one_of(st.none(), st.integers(-5, 50)))
def test_module_fields(title, banner, version, text, bullet, labels, kind, note):
    with tempfile.TemporaryDirectory() as folder:
        content = _content(Path(folder))
        module = dict(CARD, title=title, version=version, kind=kind)
        module["front"] = [{"banner": banner}, {"text": text}] + ([{"fields": labels}] if labels else [])
        module["back"] = [{"heading": banner}, {"bullets": [bullet, "Trouble breathing"]}]
        if note is not None:
            module["note_lines"] = note
        (content / "mini-card" / "module.yaml").write_text(yaml.safe_dump(module, allow_unicode=True))

        def build():
            return render(prepare(Registry.with_extra([content]), "mini-card")), False

        attempt(build)


@FUZZ
@given(markdown=MARKDOWN)
def test_markdown(markdown):
    with tempfile.TemporaryDirectory() as folder:
        content = _content(Path(folder))
        module = dict(CARD, front=[{"banner": "Card"}, {"text": markdown}])
        (content / "mini-card" / "module.yaml").write_text(yaml.safe_dump(module, allow_unicode=True))
        attempt_both(lambda: (prepare(Registry.with_extra([content]), "mini-card"), False))


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 500), TYPED)


@FUZZ
@given(name=TYPED, phones=st.dictionaries(st.sampled_from(["daytime", "after_hours", "emergency", "fax"]), TYPED),
       address=st.one_of(st.none(), TYPED), fever=st.one_of(st.none(), NUMBERS), weeks=st.one_of(st.none(), NUMBERS),
       paper=st.one_of(st.none(), st.sampled_from(["a4", "letter", "legal", ""])),
       logo=st.sampled_from([None, "logo.png", "missing.png", "clinic.yaml", "../../etc/hostname"]),
       raw=st.one_of(st.none(), st.sampled_from(["name: [unclosed", "- a\n- b", "name: &a x\nb: *a", "", "\t"])),
       web=st.one_of(st.none(), TYPED, st.sampled_from(["https://example.org/h/", "javascript:alert(1)", "file:///etc/",
                                                       "https://a.org/?q=1", 'https://x.org/"><script>', "http://a.org"])))
def test_clinic_profile(name, phones, address, fever, weeks, paper, logo, raw, web):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        shutil.copy(FIXTURES / "clinics" / "logo.png", folder / "logo.png")
        profile = {"name": name, "phones": phones}
        for key, value in (("address", address), ("paper", paper), ("logo", logo), ("web", web)):
            if value is not None:
                profile[key] = value
        settings_ = {k: v for k, v in (("fever_threshold_c", fever), ("stay_near_weeks", weeks)) if v is not None}
        if settings_:
            profile["settings"] = settings_
        path = folder / "clinic.yaml"
        path.write_text(raw if raw is not None else yaml.safe_dump(profile, allow_unicode=True))

        def make():
            clinic = load_clinic(path)
            return prepare(Registry(), "car-t-side-effects", clinic=clinic, paper=clinic.paper or "a4"), \
                clinic.logo is not None

        attempt_both(make)


ANY_VALUE = st.one_of(TYPED, st.lists(TYPED, max_size=3), st.integers(-3, 300), st.none())
PROJECT_VALUES = {  # mostly sensible values, so that many projects build, and sometimes anything
    "modules": st.lists(st.sampled_from(["car-t-side-effects", "questions-to-ask", "mini-card", "nope"]), max_size=2),
    "locales": st.lists(st.sampled_from(["en", "es", "ar", "es-MX", "all", "xx", "zh-Hans"]), max_size=2),
    "papers": st.lists(st.sampled_from(["a4", "letter", "legal"]), max_size=2),
    "variants": st.lists(st.sampled_from(["standard", "large-print", "tiny"]), max_size=2),
    "clinic": st.sampled_from(["clinic.yaml", "missing.yaml", "../etc/hostname"]),
    "out": st.sampled_from(["build", "site", "/dev/null/x"]),
    "content": st.lists(st.sampled_from(["content", "missing"]), max_size=1),
    "jobs": st.integers(-1, 300),
    "colour": TYPED,
}


@FUZZ
@given(data=st.one_of(st.just({}), st.just({}), st.dictionaries(st.sampled_from(sorted(PROJECT_VALUES)), ANY_VALUE,
                                                                max_size=2)),
       sensible=st.fixed_dictionaries({}, optional=PROJECT_VALUES))
def test_project_file(data, sensible):
    data = {**sensible, **data}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "handouts.yaml"
        _content(Path(folder))
        (Path(folder) / "clinic.yaml").write_text("name: Riverside\nphones: {daytime: '555-0100'}\n")
        path.write_text(yaml.safe_dump(data, allow_unicode=True))

        def build():
            project = load_project(path)
            clinic = load_clinic(project.clinic) if project.clinic else None
            registry = Registry.with_extra(project.content, project.layouts)
            project.check_names(registry)
            module = (project.modules or ["car-t-side-effects"])[0]
            locale = (project.locales or ["en"])[0]
            paper = (project.papers or ["a4"])[0]
            return render(prepare(registry, module, locale=locale, paper=paper, clinic=clinic)), bool(clinic)

        attempt(build)


CATALOGUE = (FIXTURES / "content" / "mini-card" / "locales" / "es.po").read_text(encoding="utf-8")


@FUZZ
@given(msgstr=st.one_of(MARKDOWN, TYPED.map(lambda t: t.replace('"', '\\"'))),
       target=st.sampled_from(['"Fiebre de {fever} o más"', '"Dificultad para respirar"',
                               '"**Muestre esta tarjeta** a cualquier médico o enfermera."']),
       quote=st.sampled_from(['"', '"', '"', '', '\\"']))
def test_msgstr(msgstr, target, quote):
    with tempfile.TemporaryDirectory() as folder:
        content = _content(Path(folder))
        escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        text = CATALOGUE.replace(f"msgstr {target}", f'msgstr "{escaped}{quote}')
        (content / "mini-card" / "locales" / "es.po").write_text(text, encoding="utf-8")
        attempt(lambda: (render(prepare(Registry.with_extra([content]), "mini-card", locale="es")), False))


@pytest.fixture(scope="module", autouse=True)
def report_outcomes():
    yield
    print(f"\nfuzz outcomes: {dict(OUTCOMES)}")
