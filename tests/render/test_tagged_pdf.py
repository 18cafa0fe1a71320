"""Tagged PDF, read back by outside tools: poppler's ``pdfinfo -struct-text`` for the structure
tree and its text in reading order, qpdf (through pikepdf) for the catalogue entries, the /Alt of
every figure, the annotations' structure parents and the marked content of every page.

poppler's structure reader takes each glyph's own Unicode and ignores /ActualText (its
MarkedContentOutputDev), so for the shaped scripts (Arabic, Hindi) it cannot spell the words that
``pdftotext`` reads right from the same file: there the tree is compared with the English one of
the same handout, element by element, and the text check is left to the pdftotext tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from functools import lru_cache

import pikepdf
import pytest
from pdfread import needs

from handouts import model as m
from handouts.document import prepare
from handouts.registry import Registry

pytestmark = needs("pdfinfo", "pdftoppm")

MODULES = tuple(Registry().module_paths())   # every bundled handout, the daily log included
assert len(MODULES) >= 6
LOCALES = ("en", "es", "zh-Hans", "vi", "ar", "hi")
READ_BY_POPPLER = ("en", "es", "zh-Hans", "vi")   # no shaping: one glyph per character
CARDS = ("car-t-side-effects", "immunotherapy-side-effects")
ITEMS = [(module, locale, paper, variant) for module in MODULES for locale in LOCALES
         for paper in ("a4", "letter") for variant in ("standard", "large-print")]
ROLES = {"Document", "Sect", "H1", "H2", "H3", "H4", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
         "Figure", "Caption", "Form", "Link", "Span"}


@pytest.fixture(scope="module")
def catalogue(bundled_catalogue):
    return bundled_catalogue   # every bundled handout, built once (conftest.py)


def pdf_of(out, module, locale, paper, variant):
    return out / f"{module}.{locale}.{paper}{'.large-print' if variant == 'large-print' else ''}.pdf"


# -- reading pdfinfo -struct-text -------------------------------------------------------------------

class Element:
    def __init__(self, role: str, depth: int):
        self.role, self.depth, self.kids, self.texts, self.attributes, self.objects = role, depth, [], [], [], []

    @property
    def text(self) -> str:
        return "".join(self.texts) + "".join(kid.text for kid in self.kids)

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()


LINE = re.compile(r'^(?P<indent> *)(?:"(?P<text>.*)"|(?P<attr>/\S+ .*)|(?P<object>Object \d+ \d+)|'
                  r'(?P<role>\w+)(?: \(\w+\))?:?(?:\[.*\])?)$')


@lru_cache(maxsize=None)
def struct_tree(path, text: bool = True) -> Element:
    """The tree ``pdfinfo -struct-text`` prints: an element per line, indented two spaces a level,
    its text in quotes below it, its attributes (``/Scope /Column``) under a colon, an annotation
    as ``Object N 0``. Without ``text``, ``pdfinfo -struct``: the same tree without its text (poppler
    renders the page once per marked-content sequence to find the text, which for the thousands of
    /ActualText spans of an Arabic sheet takes a minute)."""
    option = "-struct-text" if text else "-struct"
    out = subprocess.run(["pdfinfo", option, str(path)], capture_output=True, text=True, check=True).stdout
    root = Element("", -1)
    stack = [root]
    for line in out.splitlines():
        match = LINE.match(line)
        assert match, f"unexpected pdfinfo line: {line!r}"
        depth = len(match["indent"]) // 2
        while stack[-1].depth >= depth:
            stack.pop()
        if match["text"] is not None:
            stack[-1].texts.append(match["text"])
        elif match["attr"] is not None:
            stack[-1].attributes.append(match["attr"].strip())
        elif match["object"] is not None:   # an annotation (a check box, a link) in the element
            stack[-1].objects.append(match["object"])
        else:
            element = Element(match["role"], depth)
            stack[-1].kids.append(element)
            stack.append(element)
    assert len(root.kids) == 1, "one Document element"
    return root.kids[0]


def folded(text: str, locale: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u00ad\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069]", "", text)
    return re.sub(r"\s+", "" if locale == "zh-Hans" else " ", text).strip()


@lru_cache(maxsize=None)
def handout_of(module, locale, paper, variant):
    return prepare(Registry(), module, locale=locale, paper=paper, variant=variant)


def expected(handout):
    """From the model: the words of each heading, list item, table cell and question, in order, and
    the fields to fill in (a checklist's questions and a log's boxes are each a Form)."""
    headings, items, cells, questions, fields = [], [], [], [], []
    compact = handout.document.kind == "card" and handout.variant == "standard"  # a card's long lists run on
    for block in handout.document.walk():
        if isinstance(block, m.Heading):
            headings.append(m.plain(block.content))
        elif isinstance(block, m.ListBlock) and (len(block.items) <= 4 or not compact):
            items += [m.plain(item) for item in block.items]
        elif isinstance(block, m.Emergency) and handout.variant == "standard" and not compact:
            items += [m.plain(item) for item in (*block.emergency_signs, *block.team_signs)]
        elif isinstance(block, m.Table) and handout.variant == "standard":
            cells += [m.plain(m.joined(cell)) for row in (*block.header, *block.rows) for cell in row]
        elif isinstance(block, m.ChecklistGroup):
            questions += [m.plain(q.content) for q in block.questions]
            fields += [q.id for q in block.questions]
        elif isinstance(block, m.FormTable):   # its title is a heading; a cell holding a field has no text
            headings.append(m.plain(block.title))
            cells += [block.corner, *block.columns]   # an empty corner is an empty TD
            for group in block.groups:
                cells += [m.plain(group.heading)] if group.heading else []
                for row in group.rows:
                    cells += [m.plain(row.label)] + [""] * len(row.fields)
            fields += [field.id for field in block.fields]
    return headings, items, cells, questions, fields


def has_content(path):
    """For each heading, list item body and table cell of the tree: whether it marks content."""
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot.K[0]]
        while stack:
            element = stack.pop()
            kids = [kid for kid in element.get("/K", [])]
            empty_corner = str(element.get("/S")) == "/TD" and len(kids) == 0   # a log's corner cell
            if str(element.get("/S")) in ("/H1", "/H2", "/H3", "/LBody", "/TH", "/TD", "/P") and not empty_corner:
                # marked content on the element's page is a bare MCID number; elsewhere an MCR
                yield any(isinstance(kid, int) or isinstance(kid, pikepdf.Dictionary) and
                          kid.get("/Type") in ("/MCR", "/StructElem") for kid in kids)
            stack += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def roles(tree: Element, letters: bool = True) -> list[str]:
    """The roles of the tree's elements in order; without ``letters``, leaving out the /Span
    elements that give a right-to-left cluster of several letters (lam-alef) in reading order."""
    return [element.role for element in tree.walk() if letters or element.role != "Span"]


# -- the tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("module,locale,paper,variant", ITEMS)
def test_structure_tree_holds_every_heading_item_cell_and_question(catalogue, module, locale, paper, variant):
    tree = struct_tree(pdf_of(catalogue, module, locale, paper, variant), locale in READ_BY_POPPLER)
    assert tree.role == "Document"
    assert set(roles(tree)) <= ROLES, set(roles(tree)) - ROLES
    assert roles(tree).count("H1") == 1
    levels = [int(role[1]) for role in roles(tree) if re.fullmatch(r"H[1-6]", role)]
    assert levels[0] == 1, levels          # headings in order: the title first (Matterhorn 14-002)
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:])), levels   # none skipped
    handout = handout_of(module, locale, paper, variant)
    headings, items, cells, questions, fields = expected(handout)
    forms = [e for e in tree.walk() if e.role == "Form"]
    assert len(forms) == len(fields) and all(len(form.objects) == 1 for form in forms)  # each with its field
    if locale not in READ_BY_POPPLER:
        # the same elements in the same order as the English of this handout: the reading order is
        # the model's, not the mirrored drawing order of a right-to-left page
        english = struct_tree(pdf_of(catalogue, module, "en", paper, variant), False)
        fur = handout.document.furniture
        card = handout.document.kind == "card" and variant == "standard"
        if fur.draft_mark and (card or not fur.notice_in_footer):
            # a draft translation has one paragraph more: on a card's front, the draft mark; in large
            # print (whose medical-advice notice is a box of its own, not in the footer), the draft notice
            assert [r for r in roles(tree, False) if r != "P"] == [r for r in roles(english) if r != "P"]
            assert roles(tree).count("P") == roles(english).count("P") + 1
        else:
            assert roles(tree, False) == roles(english)
        assert all(has_content(pdf_of(catalogue, module, locale, paper, variant)))
        return
    fold = lambda text: folded(text, locale)  # noqa: E731
    found_headings = [fold(e.text) for e in tree.walk() if re.fullmatch(r"H[2-6]", e.role)]
    position = 0
    for heading in map(fold, headings):  # every heading, in the model's order
        assert heading in found_headings[position:], (heading, found_headings)
        position = found_headings.index(heading, position) + 1
    bodies = [fold(e.text) for e in tree.walk() if e.role == "LBody"]
    for item in map(fold, items):
        assert item in bodies, (item, bodies[:5])
    bare = lambda text: re.sub(r"[\s•]", "", folded(text, locale))  # noqa: E731
    table_cells = [bare(e.text) for e in tree.walk() if e.role in ("TH", "TD")]
    assert [bare(cell) for cell in cells] == table_cells  # every cell, row by row, from the start side
    for question in map(fold, questions):
        assert question in bodies, question
    header = [e for e in tree.walk() if e.role == "TH"]
    if cells:
        assert all(any(a.startswith("/Scope") for a in e.attributes) for e in header), "every TH has a /Scope"
        assert {a for e in header for a in e.attributes if a.startswith("/Scope")} == {"/Scope /Column", "/Scope /Row"}


# poppler spells the words of these (no shaped glyphs), and their footer is page furniture (a card's
# version line is on the card itself)
FOOTED = [(module, locale, paper, variant) for module, locale, paper, variant in ITEMS
          if paper == "a4" and locale in READ_BY_POPPLER and not (module in CARDS and variant == "standard")]


@pytest.mark.parametrize("module,locale,paper,variant", FOOTED)
def test_page_furniture_is_not_in_the_tree(catalogue, module, locale, paper, variant):
    handout = handout_of(module, locale, paper, variant)
    text = folded(struct_tree(pdf_of(catalogue, module, locale, paper, variant)).text, locale)
    page_one = handout.document.furniture.page_label.format(page=1, pages=2).split("2")[0]
    assert folded(page_one, locale) not in text  # "Page 1 of": the running footer is an artifact


def twin_texts(module: str, locale: str) -> tuple[str, list[str]]:
    """The HTML twin's words (its text, and the names of its pictures), as letters and digits only."""
    from html.parser import HTMLParser

    from handouts.render.html import render_html

    class Words(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.names, self.skip = [], [], 0

        def handle_starttag(self, tag, attributes):
            self.skip += tag in ("style", "script")
            self.names += [value for key, value in attributes if key in ("aria-label", "alt") and value]

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    words = Words()
    words.feed(render_html(handout_of(module, locale, "a4", "standard")).decode("utf-8"))
    return letters(" ".join(words.parts)), [letters(name) for name in words.names]


def letters(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if unicodedata.category(char)[0] in "LNM")


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_arabic_reads_in_logical_order_in_the_structure_tree(catalogue, variant):
    """Read as a screen reader reads it: the structure tree in order, each marked content's
    /ActualText in place of its glyphs, a figure's /Alt in place of its drawing. Each element's words
    must be found as they are in the HTML twin (its letters in order; white space and punctuation
    aside). Drawn order, as before, read "CAR-T ايالخب جالعلا" and matched 0 of 1,312 elements. The
    ones allowed to differ: the footer's version line and notices (the twin sets them apart) and a
    card's short draft mark."""
    from pdfread import structure_texts

    found = total = 0
    missing = []
    for module in MODULES:
        page, names = twin_texts(module, "ar")
        for role, text in structure_texts(pdf_of(catalogue, module, "ar", "a4", variant)):
            if role == "Lbl" or not letters(text):    # a list's bullet: a CSS marker in the twin
                continue
            total += 1
            if letters(text) in page or letters(text) in names:
                found += 1
            else:
                missing.append((module, role, text[:60]))
    assert total > 300, total
    assert found / total >= 0.95, (found, total, missing)


@pytest.mark.parametrize("locale", READ_BY_POPPLER)
def test_write_on_lines_are_drawn_not_typed(catalogue, locale):
    """"Your date: ____________" was read aloud as twelve underscores: the line is now drawn, and
    the label alone is text (pdftotext, the journey sheet on both papers, standard and large print)."""
    labels = {block.date_label for block in handout_of("car-t-journey", locale, "a4", "standard").document.walk()
              if isinstance(block, m.Step) and block.date_label}
    assert len(labels) == 1, labels
    for paper in ("a4", "letter"):
        for variant in ("standard", "large-print"):
            pdf = pdf_of(catalogue, "car-t-journey", locale, paper, variant)
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert "___" not in text and folded(next(iter(labels)), locale) in folded(text, locale), (paper, variant)


@pytest.mark.parametrize("module,locale,paper,variant", FOOTED)
def test_the_safety_text_of_the_footer_is_read_once(catalogue, module, locale, paper, variant):
    """The version and review date, the medical-advice notice and a draft translation's notice are
    in the tree once (the footer of the last page), as poppler reads it; the English half of the
    draft notice is marked English there."""
    fur = handout_of(module, locale, paper, variant).document.furniture
    pdf = pdf_of(catalogue, module, locale, paper, variant)
    text = folded(struct_tree(pdf).text, locale)
    said = [fur.version, fur.reviewed] + ([fur.notice] if fur.notice_in_footer else [])
    said += [part for part, _ in fur.draft_parts if part.strip(" /")]
    for words in said:
        assert text.count(folded(words.strip(" /"), locale)) == 1, words
    if fur.draft_parts:
        with pikepdf.open(pdf) as document:
            assert "en" in languages_marked(document.pages[-1])


@pytest.fixture(params=["no profile", "full profile"])
def built(request):
    """The catalogue, and the catalogue built with a clinic profile that sets every field (its
    name, address and numbers printed, its logo drawn, its QR code and address added)."""
    return request.getfixturevalue("bundled_catalogue" if request.param == "no profile" else "full_profile_catalogue")


@pytest.mark.parametrize("module,locale,paper,variant", ITEMS)
def test_catalogue_pages_figures_and_marked_content(built, module, locale, paper, variant):
    """What qpdf reads: the entries a reader needs, /Alt on every figure, every annotation in the
    tree, and no text on any page outside a tagged element or an artifact."""
    with pikepdf.open(pdf_of(built, module, locale, paper, variant)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == locale
        assert root.ViewerPreferences.DisplayDocTitle is True
        tree = root.StructTreeRoot
        parents = dict(zip(list(tree.ParentTree.Nums)[::2], list(tree.ParentTree.Nums)[1::2]))
        figures, alts = 0, []
        stack = [tree.K[0]]
        while stack:
            element = stack.pop()
            if element.get("/S") == "/Figure":
                figures += 1
                assert str(element.get("/Alt", "")).strip(), "a figure without /Alt"
                alts.append(str(element.Alt))
            stack += [kid for kid in element.get("/K", []) if isinstance(kid, pikepdf.Dictionary)
                      and kid.get("/Type") not in ("/MCR", "/OBJR")]
        diagrams = [b for b in handout_of(module, locale, paper, variant).document.walk() if isinstance(b, m.Figure)]
        if diagrams:
            assert figures >= 1
            # a diagram's /Alt says what it is ("Diagram", in the handout's language); its caption,
            # printed and tagged under it (in large print only its first sentence), is not read twice
            assert {d.called for d in diagrams} <= set(alts) and all(d.called for d in diagrams)
            assert not ({d.alt for d in diagrams} | {d.name for d in diagrams}) & set(alts)
        for index, page in enumerate(pdf.pages):
            assert page.obj.Tabs == "/S"
            assert int(page.obj.StructParents) == index
            for annot in page.obj.get("/Annots", []):
                assert int(annot.StructParent) in parents, "an annotation outside the structure tree"
                if annot.Subtype == "/Link":   # PDF/UA 7.18.5: a link's description; printed as shown
                    assert str(annot.get("/Contents", "")).strip(), "a link without /Contents"
                    assert int(annot.get("/F", 0)) & 4, "a link without the Print flag"
            untagged = text_outside_marked_content(page)
            assert not untagged, f"page {index + 1}: text drawn outside any tagged element or artifact"


@pytest.mark.parametrize("module,locale,paper,variant", ITEMS)
def test_every_pdf_says_it_is_pdf_ua_in_xmp_that_agrees_with_its_info(catalogue, module, locale, paper, variant):
    """ISO 14289-1 §5 and 7.1 (Matterhorn 06-001 to 06-003): XMP metadata with pdfuaid:part 1 and
    a dc:title, read by pikepdf's XMP parser, in step with the information dictionary."""
    with pikepdf.open(pdf_of(catalogue, module, locale, paper, variant)) as pdf:
        assert pdf.Root.Metadata.get("/Subtype") == "/XML"
        meta = pdf.open_metadata()
        title = str(pdf.docinfo.Title)
        assert title == handout_of(module, locale, paper, variant).document.title
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == title
        assert meta["pdf:Producer"] == str(pdf.docinfo.Producer)
        assert meta["xmp:CreatorTool"] == str(pdf.docinfo.Creator)


@pytest.mark.parametrize("module,locale,paper,variant", ITEMS)
def test_every_multi_page_pdf_has_bookmarks_to_its_headings(catalogue, module, locale, paper, variant):
    """An outline (bookmarks) from the headings, read with qpdf through pikepdf: each entry a
    heading of the handout, in order, pointing at a page of the file; a sheet's first is its title."""
    handout = handout_of(module, locale, paper, variant)
    headings = [" ".join(m.plain(block.content).split()) for block in handout.document.walk()
                if isinstance(block, m.Heading)]
    with pikepdf.open(pdf_of(catalogue, module, locale, paper, variant)) as pdf:
        pages = {page.obj.objgen for page in pdf.pages}
        with pdf.open_outline() as outline:
            entries = []
            stack = list(reversed(outline.root))
            while stack:
                item = stack.pop()
                entries.append(item)
                stack += list(reversed(item.children))
            titles = [item.title for item in entries]
            targets = [item.destination[0].objgen for item in entries]
    assert titles or len(pages) == 1, "a multi-page PDF without bookmarks"
    assert all(target in pages for target in targets)
    assert not any(unicodedata.category(char) == "Cf" for title in titles for char in title)
    if handout.document.kind != "card":
        assert titles[0] == " ".join(handout.document.title.split())
        found = [title for title in titles if title in headings]
        assert len(found) >= min(len(headings), 2), (titles, headings)


def text_outside_marked_content(page) -> int:
    """How many text-showing operators are neither in an element's marked content (an MCID) nor in
    an artifact."""
    count, open_marks = 0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if name == "BDC" else None
            counted = tag == "/Artifact" or (isinstance(props, pikepdf.Dictionary) and "/MCID" in props)
            open_marks.append(counted)
        elif name == "EMC":
            open_marks.pop()
        elif name in ("Tj", "TJ", "'", '"') and not any(open_marks):
            count += 1
    return count


def languages_marked(page) -> list[str]:
    """The /Lang of every marked-content sequence on a page that has one."""
    return [str(operands[1].Lang) for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/Lang" in operands[1]]


@pytest.mark.parametrize("locale", ["es", "ar", "en"])
def test_the_english_half_of_a_cards_draft_mark_says_it_is_english(catalogue, locale):
    """Where the language changes inside the tree (a draft translation's card says "Draft
    translation" in English too), its marked content carries /Lang (en), so a reader switches voice."""
    with pikepdf.open(pdf_of(catalogue, "car-t-side-effects", locale, "a4", "standard")) as pdf:
        front = languages_marked(pdf.pages[0])
    if locale == "en":
        assert front == []
    else:
        assert front and set(front) == {"en"}


def test_a_link_in_the_content_is_a_link_element_with_its_words_and_its_annotation(edit, content_copy, tmp_path):
    edit("mini-sheet", "Eat both. Call your team",
         "Eat both. See [the fruit guide](https://example.org/fruit). Call your team")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "handouts", "build", "mini-sheet", "--content", str(content_copy), "-o",
                    str(out)], check=True, capture_output=True)
    pdf = out / "mini-sheet.en.a4.pdf"
    lines = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "Link (inline)")
    assert lines[at + 1].strip() == '"the fruit guide"' and lines[at + 2].strip().startswith("Object ")
    with pikepdf.open(pdf) as document:
        nums = list(document.Root.StructTreeRoot.ParentTree.Nums)
        parents = dict(zip(nums[::2], nums[1::2]))
        [annotation] = [a for page in document.pages for a in page.obj.get("/Annots", [])]
        assert str(annotation.A.URI) == "https://example.org/fruit"
        assert parents[int(annotation.StructParent)].S == "/Link"  # the annotation points back at its element


def test_the_benchmarks_untagged_switch_draws_the_same_handout_untagged(monkeypatch):
    """bench/ measures tagging against ``tags.TAGGED = False``: that must still draw every script
    (an Arabic sheet once failed there) and write no structure."""
    import io

    from handouts.render import render
    from handouts.render.pdf import tags

    handout = handout_of("immunotherapy-vs-car-t", "ar", "a4", "standard")
    monkeypatch.setattr(tags, "TAGGED", False)
    with pikepdf.open(io.BytesIO(render(handout))) as untagged:
        assert "/StructTreeRoot" not in untagged.Root and "/MarkInfo" not in untagged.Root
        pages = len(untagged.pages)
    monkeypatch.setattr(tags, "TAGGED", True)
    with pikepdf.open(io.BytesIO(render(handout))) as tagged:
        assert "/StructTreeRoot" in tagged.Root and len(tagged.pages) == pages
