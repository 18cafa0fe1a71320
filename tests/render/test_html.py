"""The HTML twin of a handout, read back with the standard library's HTML parser (no browser):
language and direction, the heading outline, table and form semantics, named diagrams, the
emergency box first, phone links, nothing loaded from outside, escaping, and the same bytes on
every run."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from fontTools.ttLib import TTFont

from handouts import model as m
from handouts.clinic import load_clinic
from handouts.document import prepare
from handouts.markup import curly_quotes
from handouts.registry import Registry
from handouts.render import RENDERERS, render
from handouts.render.html import fonts as html_fonts
from handouts.render.html import phone_href, phone_parts, render_html, shown_text

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list = []

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    @property
    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())


class Tree(HTMLParser):
    """A document tree from the standard library's parser; it fails on a tag closed out of order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.node = self.root
        self.doctype = None
        self.order: list[Element] = []

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.node)
        self.node.children.append(element)
        self.order.append(element)
        if tag not in VOID:
            self.node = element

    def handle_startendtag(self, tag, attrs):  # <rect .../> in SVG
        element = Element(tag, dict(attrs), self.node)
        self.node.children.append(element)
        self.order.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.node.tag == tag, f"</{tag}> closes <{self.node.tag}>"
        self.node = self.node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(data: bytes) -> Tree:
    tree = Tree()
    tree.feed(data.decode("utf-8"))
    tree.close()
    assert tree.node is tree.root, "an element is left open"
    return tree


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MODULES = list(Registry().module_paths())
_cache: dict = {}


def html_of(name: str, locale: str = "en", variant: str = "standard", clinic=None, registry=None) -> tuple:
    key = (name, locale, variant, clinic)
    if key not in _cache or registry is not None:
        handout = prepare(registry or Registry(), name, locale=locale, variant=variant,
                          clinic=load_clinic(clinic) if clinic else None)
        data = render_html(handout)
        if registry is not None:
            return handout, data, parse(data)
        _cache[key] = handout, data, parse(data)
    return _cache[key]


def by_id(tree: Tree) -> dict:
    return {element.attrs["id"]: element for element in tree.order if "id" in element.attrs}


# -- the page --------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale,direction", [("en", "ltr"), ("ar", "rtl"), ("hi", "ltr"), ("zh-Hans", "ltr")])
def test_language_direction_and_head(locale, direction):
    handout, data, tree = html_of("car-t-journey", locale)
    assert data.startswith(b"<!doctype html>")
    [html] = list(tree.root.iter("html"))
    assert html.attrs["lang"] == locale and html.attrs["dir"] == direction
    metas = list(tree.root.iter("meta"))
    assert any(meta.attrs.get("charset", "").lower() == "utf-8" for meta in metas)
    [viewport] = [meta for meta in metas if meta.attrs.get("name") == "viewport"]
    assert viewport.attrs["content"] == "width=device-width, initial-scale=1"   # zoom never blocked
    [title] = list(tree.root.iter("title"))
    assert title.text() == handout.document.title


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_one_h1_and_headings_never_skip_a_level(name, variant):
    handout, _, tree = html_of(name, "en", variant)
    levels = [int(element.tag[1]) for element in tree.order if element.tag in HEADINGS]
    assert levels.count(1) == 1 and levels[0] == 1
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == [], f"{name}: heading levels skip {skips} in {levels}"
    [h1] = list(tree.root.iter("h1"))
    assert h1.text() == handout.document.title
    for heading in tree.order:
        if heading.tag in HEADINGS:
            assert heading.text().strip(), f"{name}: an empty <{heading.tag}>"
    [html] = list(tree.root.iter("html"))
    assert ("large-print" in html.classes) == (variant == "large-print")


@pytest.mark.parametrize("name", MODULES)
def test_emergency_box_comes_first_after_the_title(name):
    handout, _, tree = html_of(name)
    assert any(isinstance(block, m.Emergency) for block in handout.document.walk())
    order = tree.order
    start = order.index(next(tree.root.iter("h1")))
    after = order[start + 1:]
    first_section = next(element for element in after if element.tag == "section")
    assert "emergency" in first_section.classes
    before = after[:after.index(first_section)]
    assert not [element.tag for element in before if element.tag in HEADINGS + ("ul", "ol", "table", "figure",
                                                                                "fieldset")]
    ids = by_id(tree)
    label = ids[first_section.attrs["aria-labelledby"]]
    assert label.tag in HEADINGS and label.text() == next(b for b in handout.document.walk()
                                                          if isinstance(b, m.Emergency)).title
    # the signs are real lists, the emergency ones before the care team's
    lists = [ul for ul in first_section.iter("ul")]
    assert lists and all(child.tag == "li" for ul in lists for child in ul.children if isinstance(child, Element))


def test_emergency_box_in_the_layout_warning_colour():
    handout, data, tree = html_of("car-t-journey")
    warning = handout.layout.values["colours"]["warning"]
    css = next(tree.root.iter("style")).text()
    assert f"--warning: {warning};" in css
    assert re.search(r"\.emergency \{[^}]*var\(--warning\)", css)
    assert re.search(r"\.emergency-title \{[^}]*background: var\(--warning\)", css)


def test_comparison_table_semantics():
    handout, _, tree = html_of("immunotherapy-vs-car-t")
    [table_block] = [block for block in handout.document.blocks if isinstance(block, m.Table)]
    [table] = list(tree.root.iter("table"))
    [caption] = list(table.iter("caption"))
    assert caption.text() == table_block.caption
    [thead] = list(table.iter("thead"))
    heads = list(thead.iter("th"))
    assert [th.attrs.get("scope") for th in heads] == ["col"] * len(table_block.header[0])
    assert [th.text() for th in heads] == [m.plain(m.joined(cell)) for cell in table_block.header[0]]
    [tbody] = list(table.iter("tbody"))
    rows = list(tbody.iter("tr"))
    assert len(rows) == len(table_block.rows)
    for row, model_row in zip(rows, table_block.rows):
        cells = [child for child in row.children if isinstance(child, Element)]
        assert cells[0].tag == "th" and cells[0].attrs.get("scope") == "row"
        assert cells[0].text() == m.plain(m.joined(model_row[0]))
        assert [cell.tag for cell in cells[1:]] == ["td"] * (len(model_row) - 1)
        # the column a stacked (narrow screen) cell shows before it
        assert [cell.attrs["data-label"] for cell in cells[1:]] == [th.text() for th in heads[1:]]


def test_checklist_questions_are_labelled_checkboxes_in_fieldsets():
    handout, _, tree = html_of("questions-to-ask")
    groups = [block for block in handout.document.blocks if isinstance(block, m.ChecklistGroup)]
    fieldsets = list(tree.root.iter("fieldset"))
    assert len(fieldsets) == len(groups)
    labels = {label.attrs.get("for"): label for label in tree.root.iter("label")}
    for fieldset, group in zip(fieldsets, groups):
        legend = next(child for child in fieldset.children if isinstance(child, Element))
        assert legend.tag == "legend" and legend.text() == m.plain(group.heading)
        boxes = [element for element in fieldset.iter("input")]
        assert [box.attrs["name"] for box in boxes] == [question.id for question in group.questions]
        for box, question in zip(boxes, group.questions):
            assert box.attrs["type"] == "checkbox"
            assert labels[box.attrs["id"]].text() == m.plain(question.content)
        [area] = list(fieldset.iter("textarea"))
        assert labels[area.attrs["id"]].text() == group.notes_label
        assert int(area.attrs["rows"]) == group.note_lines
    ids = [element.attrs["id"] for element in tree.order if "id" in element.attrs]
    assert len(ids) == len(set(ids)), "an id is used twice"


def test_card_faces_and_fields():
    handout, _, tree = html_of("car-t-side-effects")
    faces = [section for section in tree.root.iter("section") if "face" in section.classes]
    sides = []  # a folded card's two inside panels are one section, "inside"
    for face in handout.document.faces:
        side = handout.document.furniture.side(face.side)
        sides += [side] if side not in sides else []
    assert [by_id(tree)[face.attrs["aria-labelledby"]].text() for face in faces] == sides
    assert len(sides) == 3 and "inside" in sides
    labels = {label.attrs.get("for"): label.text() for label in tree.root.iter("label")}
    [fields] = [block for face in handout.document.faces for block in face.blocks
                if isinstance(block, m.WriteOnLines)]
    inputs = [element for element in tree.root.iter("input") if element.attrs.get("type") == "text"]
    assert [labels[element.attrs["id"]] for element in inputs] == list(fields.labels)


def test_every_diagram_is_a_named_svg():
    for name in ("car-t-journey", "immunotherapy-vs-car-t"):
        handout, _, tree = html_of(name)
        figures = [block for block in handout.document.blocks if isinstance(block, m.Figure)]
        svgs = [svg for svg in tree.root.iter("svg") if svg.attrs.get("class") != "pictogram"]
        assert len(svgs) == len(figures) >= 2
        for svg, figure in zip(svgs, figures):
            assert svg.attrs["role"] == "img"
            # named by what kind of thing it is, not by its caption (or the caption's first sentence)
            # read twice
            assert svg.attrs["aria-label"] == figure.called and figure.called not in figure.alt
            [caption] = [kid for kid in svg.parent.children if getattr(kid, "tag", "") == "figcaption"]
            assert caption.text() == figure.alt and not caption.text().startswith(figure.called)
            assert svg.parent.tag == "figure"
            # the same labels as the PDF, every one of them drawn
            drawn = "".join(text.text() for text in svg.iter("text"))
            for key, label in figure.labels:
                assert label.replace(" ", "") in drawn.replace(" ", ""), (figure.kind, key)


def test_timeline_bars_are_as_long_as_their_weeks_and_mirror_in_rtl():
    spans = {}
    for locale in ("en", "ar"):
        handout, _, tree = html_of("car-t-journey", locale)
        [figure] = [block for block in handout.document.blocks if isinstance(block, m.Figure)
                    and block.kind == "timeline"]
        [svg] = [svg for svg in tree.root.iter("svg") if "timeline" in svg.parent.classes]
        bars = {rect.attrs["data-key"]: rect for rect in svg.iter("rect") if "bar" in rect.classes}
        values = figure.value_map
        assert set(bars) == {"daily", "stay_near", "no_driving"}
        per_week = {key: float(rect.attrs["width"]) / values[key] for key, rect in bars.items()}
        assert max(per_week.values()) - min(per_week.values()) < 0.2, per_week
        starts = {round(float(rect.attrs["x"]) + (float(rect.attrs["width"]) if locale == "ar" else 0))
                  for rect in bars.values()}
        assert len(starts) == 1, "every bar starts at week 0"
        spans[locale] = starts.pop()
    width = 340
    assert spans["en"] < width / 4 and spans["ar"] > width * 3 / 4  # time runs from the start side


def test_phone_numbers_are_tel_links_and_missing_ones_a_blank(fixtures):
    _, _, tree = html_of("questions-to-ask", clinic=str(fixtures / "clinics" / "riverside.yaml"))
    links = {a.attrs["href"]: a.text() for a in tree.root.iter("a") if a.attrs.get("href", "").startswith("tel:")}
    assert links["tel:5550100"] == "555-0100"
    assert links["tel:911"] == "911"
    assert links["tel:5550199"].startswith("555-0199")
    assert all(re.fullmatch(r"tel:\+?\d+", href) for href in links)
    _, _, blank = html_of("questions-to-ask")  # no clinic: lines to write the numbers on
    assert not [a for a in blank.root.iter("a") if a.attrs.get("href", "").startswith("tel:")]
    blanks = [span for span in blank.root.iter("span") if "blank" in span.classes]
    assert len(blanks) == 3 and all(span.text() == "" for span in blanks)
    for row in (parent for parent in blank.root.iter("div") if "to-write" in parent.classes):
        assert next(row.iter("dt")).text().strip()  # the label is said; the blank is after it
    assert all(a.text().strip() for a in blank.root.iter("a"))  # no empty link anywhere


def test_phone_href():
    assert phone_href("555-0100") == "tel:5550100"
    assert phone_href("\u2066+1 (555) 010-0100\u2069") == "tel:+15550100100"
    assert phone_href("911") == "tel:911"
    assert phone_href('<img src="x" width="100">') is None
    assert phone_href(None) is None and phone_href("") is None
    # the dialable start is kept on one line, words after it wrap (a narrow screen never scrolls)
    assert phone_parts("555-0199 <ask for the on-call oncologist>") == ("555-0199", " <ask for the on-call oncologist>")
    assert phone_parts("\u2066+1 555 0100\u2069") == ("\u2066+1 555 0100", "\u2069")


def test_nothing_is_loaded_from_outside(fixtures):
    for name in MODULES:
        _, data, tree = html_of(name)
        text = data.decode()
        assert "http://" not in text
        sources = [element.attrs["src"] for element in tree.order if "src" in element.attrs]
        assert all(src.startswith("data:") for src in sources)
        assert not list(tree.root.iter("script")) and not list(tree.root.iter("link"))
        assert not list(tree.root.iter("iframe")) and not list(tree.root.iter("object"))
        css = next(tree.root.iter("style")).text()
        assert all(url.startswith("data:") for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css))
        assert "@import" not in css
        hrefs = [element.attrs["href"] for element in tree.order if "href" in element.attrs]
        assert all(element.tag == "a" for element in tree.order if "href" in element.attrs)
        content_links = {node.href for block in _cache[(name, "en", "standard", None)][0].document.walk()
                         for node in links_in(block)}
        assert all(href in content_links or href.startswith("tel:") for href in hrefs)
        csp = [meta.attrs["content"] for meta in tree.root.iter("meta")
               if meta.attrs.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in csp[0]
    _, _, tree = html_of("mini-sheet", clinic=str(fixtures / "clinics" / "with-logo.yaml"),
                         registry=Registry.with_extra(content=[fixtures / "content"]))
    [logo] = list(tree.root.iter("img"))
    assert logo.attrs["src"].startswith("data:image/png;base64,")
    assert base64.b64decode(logo.attrs["src"].split(",", 1)[1]) == (fixtures / "clinics" / "logo.png").read_bytes()
    assert logo.attrs["alt"] == "Lakeside Oncology"


def links_in(block):
    def visit(nodes):
        for node in nodes:
            if isinstance(node, m.Link):
                yield node
            if isinstance(node, (m.Strong, m.Emphasis, m.Link)):
                yield from visit(node.children)
            elif isinstance(node, tuple):
                yield from visit(node)
            elif hasattr(node, "__dataclass_fields__") and not isinstance(node, (m.Text, m.LineBreak)):
                yield from visit(getattr(node, name) for name in node.__dataclass_fields__)
    yield from visit([block])


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_hostile_text_is_escaped_everywhere(content_copy, edit):
    """Plain-text fields (the title, a table's topic, a glossary term, a diagram label) hold what a
    writer typed, markup included; it must come out as text, never as a tag or an attribute."""
    edit("mini-sheet", "title: Test comparison", f"title: '{HOSTILE}'")
    edit("mini-sheet", "topic: Colour", f"topic: '{HOSTILE}'")
    edit("mini-sheet", "term: Fruit", f"term: '{HOSTILE}'")
    handout = prepare(Registry.with_extra(content=[content_copy]), "mini-sheet")
    data = render_html(handout)
    text = data.decode()
    assert "<script" not in text and "<img" not in text and "onerror=alert(2)>" not in text
    # what was typed, its straight quote printed curly (content's typography), escaped
    typed = curly_quotes(HOSTILE)
    assert typed != HOSTILE and "<script>" in typed
    assert text.count(typed.replace("<", "&lt;").replace(">", "&gt;")) >= 4
    tree = parse(data)
    assert next(tree.root.iter("h1")).text() == typed
    assert next(tree.root.iter("title")).text() == typed
    assert next(tree.root.iter("caption")).text() == typed
    assert not list(tree.root.iter("script")) and not list(tree.root.iter("img"))


def test_hostile_model_text_and_link_are_escaped():
    """Built straight as a model: text and a link whose address holds a quote."""
    handout = prepare(Registry(), "car-t-journey")
    evil_link = m.Link('https://example.org/"onmouseover="alert(1)', (m.Text("<b>x</b>"),))
    paragraph = m.Paragraph((m.Text(HOSTILE), m.Strong((m.Text("<i>"),)), evil_link, m.LineBreak()))
    figure = next(block for block in handout.document.blocks if isinstance(block, m.Figure))
    figure = replace(figure, alt=HOSTILE, labels=tuple((key, HOSTILE if key == "you" else value)
                                                      for key, value in figure.labels))
    document = replace(handout.document, blocks=(paragraph, figure, *handout.document.blocks))
    data = render_html(replace(handout, document=document))
    text = data.decode()
    assert "<script" not in text and "<img" not in text and "<i>" not in text
    assert 'href="https://example.org/&#34;onmouseover=&#34;alert(1)"' in text
    tree = parse(data)
    [link] = [a for a in tree.root.iter("a") if a.attrs["href"].startswith("https://example.org/")]
    assert link.attrs == {"href": 'https://example.org/"onmouseover="alert(1)'} and link.text() == "<b>x</b>"
    caption = next(element for element in tree.root.iter("figcaption"))
    assert caption.text() == HOSTILE
    assert any(HOSTILE in text_.text() for text_ in tree.root.iter("text"))


def test_a_link_outside_the_safe_schemes_cannot_be_made():
    with pytest.raises(ValueError):
        m.Link("javascript:alert(1)", (m.Text("x"),))


# -- fonts and reproducibility -----------------------------------------------------------------------

def faces_in(tree: Tree) -> list[bytes]:
    css = next(tree.root.iter("style")).text()
    return [base64.b64decode(data) for data in re.findall(r"data:font/woff2;base64,([A-Za-z0-9+/=]+)", css)]


@pytest.mark.parametrize("locale", ["en", "ar", "hi", "zh-Hans"])
def test_fonts_are_subsets_of_the_handout_font_covering_the_page(locale):
    handout, data, tree = html_of("immunotherapy-vs-car-t", locale)
    faces = faces_in(tree)
    assert len(faces) >= 2
    source = TTFont(str(handout.font.files["regular"]))
    wanted = {ord(char) for char in shown_text(data.decode())} & set(source.getBestCmap())
    for face in faces:
        font = TTFont(io.BytesIO(face))
        assert font.flavor == "woff2"
        cmap = set(font.getBestCmap())
        assert wanted <= cmap, f"missing {sorted(chr(c) for c in wanted - cmap)[:10]}"
        assert len(cmap) < len(source.getBestCmap())  # a subset, not the whole font
    # the timestamps are the source font's, not the time of the build
    regular = TTFont(io.BytesIO(faces[0]))
    assert regular["head"].modified == source["head"].modified
    assert regular["head"].created == source["head"].created


def test_two_renders_are_byte_identical():
    handout = prepare(Registry(), "car-t-journey", locale="ar")
    first = render_html(handout)
    html_fonts.subset_woff2.cache_clear()
    second = render_html(prepare(Registry(), "car-t-journey", locale="ar"))
    assert first == second


def test_registered_as_a_renderer():
    renderer = RENDERERS["html"]
    assert (renderer.format, renderer.suffix) == ("text/html", ".html")
    handout = prepare(Registry(), "car-t-side-effects")
    assert render(handout, "html") == render_html(handout)


def test_draft_notice_near_the_top_and_furniture_in_the_page():
    handout, _, tree = html_of("car-t-journey", "ar")
    fur = handout.document.furniture
    assert fur.draft, "the Arabic catalogue is a draft"
    order = tree.order
    [draft] = [element for element in order if "draft" in element.classes]
    emergency = next(section for section in tree.root.iter("section") if "emergency" in section.classes)
    assert order.index(draft) < order.index(emergency) and draft.text() == fur.draft
    # the English half of the notice says it is English (WCAG 3.1.2, language of parts)
    [english] = [element for element in draft.iter() if element.attrs.get("lang") == "en"]
    assert "Draft translation" in english.text()
    [footer] = list(tree.root.iter("footer"))
    assert fur.version in footer.text() and fur.reviewed in footer.text() and fur.notice in footer.text()


CYCLE = """  - heading: The steps in a picture
    diagram:
      kind: car-t-cycle
      alt: A circle of five steps. It starts and ends with you.
      labels: {you: You, step1: "1. One", step2: "2. Two", step3: "3. Three", step4: "4. Four", step5: "5. Five"}
  - heading: Steps
"""


@pytest.mark.parametrize("name", [None, "Diagram of five steps"])
def test_a_diagram_is_called_by_its_name_or_diagram_never_by_its_caption(content_copy, edit, name):
    """A screen reader says a diagram's name, then reads its caption: the module's ``name:`` when
    it has one, else the common word ("Diagram"), in the PDF's /Alt and the twin's aria-label."""
    import pikepdf

    from handouts.render.pdf import render_pdf

    edit("mini-sheet", "  - heading: Steps\n",
         CYCLE.replace("      alt:", f"      name: {name}\n      alt:") if name else CYCLE)
    handout = prepare(Registry.with_extra(content=[content_copy]), "mini-sheet")
    [svg] = [svg for svg in parse(render_html(handout)).root.iter("svg") if svg.attrs.get("class") != "pictogram"]
    assert svg.attrs["aria-label"] == (name or "Diagram")
    with pikepdf.open(io.BytesIO(render_pdf(handout))) as pdf:
        alts = [str(element.Alt) for element in pdf.Root.StructTreeRoot.K[0].K
                if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/Figure"]
    assert alts == [name or "Diagram"]
