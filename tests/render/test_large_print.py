"""Large print: no patient-facing text under 18 pt, one-inch margins, cards become alert sheets."""

from __future__ import annotations

import pytest
from pdfread import needs
from pypdf import PdfReader
from pypdf.generic import ContentStream

from handouts.batch import Plan, run_batch
from handouts.build import build_handouts, catalogue_items
from handouts.registry import Registry

MODULES = tuple(Registry().module_paths())   # every bundled handout, the daily log included
assert len(MODULES) >= 6
INCH = 72


def font_sizes(pdf) -> list[float]:
    """Every size set with Tf in the page streams and the forms they draw."""
    reader = PdfReader(str(pdf))
    sizes = []

    def scan(stream_owner, resources):
        content = ContentStream(stream_owner, reader)
        for operands, operator in content.operations:
            if operator == b"Tf":
                sizes.append(float(operands[1]))
            elif operator == b"Do" and resources is not None:
                xobject = resources.get("/XObject", {}).get(operands[0])
                if xobject is not None and xobject.get_object().get("/Subtype") == "/Form":
                    form = xobject.get_object()
                    scan(form, form.get("/Resources"))

    for page in reader.pages:
        scan(page.get_contents(), page.get("/Resources"))
    return sizes


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    out = tmp_path_factory.mktemp("large")
    registry = Registry()
    items = catalogue_items(registry, MODULES, ["en", "es", "ar", "zh-Hans"], ["a4", "letter"],
                            variants=["large-print"])
    report = run_batch(Plan(out_dir=str(out)), items, jobs=2)
    assert not report.failed, [o.error for o in report.failed]
    return out


@pytest.mark.parametrize("locale", ["en", "ar", "zh-Hans"])
@pytest.mark.parametrize("module", MODULES)
def test_no_text_under_18_points(large, module, locale):
    pdf = large / f"{module}.{locale}.a4.large-print.pdf"
    sizes = font_sizes(pdf)
    assert sizes and min(sizes) >= 18, (pdf.name, sorted(set(sizes))[:5])


def test_standard_cards_do_have_small_text(fixtures, tmp_path):
    """The measure can fail: the wallet card itself is set at 6.5 pt."""
    [pdf] = build_handouts(["car-t-side-effects"], out_dir=tmp_path).written
    assert min(font_sizes(pdf)) < 8


def test_margins_are_at_least_an_inch(large):
    for pdf in sorted(large.glob("*.en.letter.large-print.pdf")):
        reader = PdfReader(str(pdf))
        for page in reader.pages:
            width = float(page.mediabox.width)
            positions = []
            page.extract_text(visitor_text=lambda text, cm, tm, font, size: positions.append(
                (tm[4] * cm[0] + cm[4], text)) if text.strip() else None)
            xs = [x for x, _ in positions]
            assert xs and min(xs) >= INCH - 0.5, pdf.name
            assert max(xs) <= width - INCH, pdf.name


def test_card_becomes_an_alert_sheet(large):
    pdf = large / "car-t-side-effects.en.a4.large-print.pdf"
    reader = PdfReader(str(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert text.count("I had CAR-T cell therapy") == 1  # one sheet, not eight cards
    assert "does not replace medical advice" in " ".join(text.split())
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4 page, not a card


def test_large_tick_boxes(large):
    reader = PdfReader(str(large / "questions-to-ask.en.a4.large-print.pdf"))
    boxes = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert len(boxes) >= 15
    assert all(float(b["/Rect"][2]) - float(b["/Rect"][0]) >= 24 for b in boxes)


def words_by_page(pdf) -> list[list[tuple[float, float, str]]]:
    """Each page's words as poppler places them: (x centre, y top, text)."""
    import re
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([((float(x0) + float(x1)) / 2, float(y0), word) for x0, y0, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)])
    return pages


ALERT_SHEETS = ["car-t-side-effects", "immunotherapy-side-effects"]


@needs("pdftotext")
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("locale", ["en", "ar", "zh-Hans"])
@pytest.mark.parametrize("module", ALERT_SHEETS)
def test_the_team_signs_are_one_column_in_large_print(large, module, locale, paper):
    # two columns at 18 pt cut signs into scraps ("a fever / of 38 °C (100.4 °F) or / higher")
    pages = words_by_page(large / f"{module}.{locale}.{paper}.large-print.pdf")
    bullets = [[round(x) for x, _, word in page if word == "\u2022"] for page in pages]
    assert max(len(found) for found in bullets) >= 4          # the team's signs, a bullet each
    for found in bullets:
        assert max(found, default=0) - min(found, default=0) <= 1, found   # one column: one bullet position


@needs("pdftotext")
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("locale", ["en", "es", "ar", "zh-Hans"])
@pytest.mark.parametrize("module", ALERT_SHEETS)
def test_the_alert_sheets_banner_is_on_the_page_of_its_fields(large, module, locale, paper):
    # the banner's staff line ("I had ...") and the labels ("Name:") are in English on every sheet
    pages = words_by_page(large / f"{module}.{locale}.{paper}.large-print.pdf")
    texts = [" ".join(word for _, _, word in page) for page in pages]
    banner = [index for index, text in enumerate(texts) if "I had" in text or "I have had" in text]
    name = [index for index, text in enumerate(texts) if "Name:" in text]
    date = [index for index, text in enumerate(texts) if "Name:" in text or index > name[0]
            and "date" in text.split("Name:")[-1]] if name else []
    dated = [index for index in date if "date" in texts[index].split("Name:")[-1]]
    assert banner and name and dated
    assert banner[0] == name[0] == dated[0], (banner, name, dated)   # the banner, the name, the last field


def body_lines_by_page(pdf) -> list[list[str]]:
    """Each page's lines of text as poppler finds them (``-bbox-layout``), top to bottom, leaving
    out the running footer: a line printed on every page, or one with the page's number and the count."""
    import re
    import subprocess
    import unicodedata

    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        lines = []
        for y_max, body in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                                      page, re.S):
            text = unicodedata.normalize("NFKC", " ".join(re.findall(r">([^<]*)</word>", body)))
            lines.append((float(y_max), "".join(c for c in text if unicodedata.category(c) != "Cf")))
        pages.append([text for _, text in sorted(lines)])
    everywhere = set.intersection(*(set(page) for page in pages))

    def page_number(line: str, number: int) -> bool:   # "Page 4 of 20", "第4页，共20页"
        return all(re.search(rf"(?<!\d){n}(?!\d)", line) for n in (number, len(pages)))

    return [[line for line in page if line not in everywhere and not page_number(line, number)]
            for number, page in enumerate(pages, start=1)]


@needs("pdftotext")
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("locale", ["en", "es", "zh-Hans"])
def test_a_comparison_label_never_ends_a_page_in_large_print(large, locale, paper):
    """Large print stacks the comparison: a point, then each treatment's label and answer. A label
    ("Immunotherapy") last on a page, its answer on the next, was found on 46 pages."""
    from handouts.document import prepare
    from handouts.model import Table, plain

    document = prepare(Registry(), "immunotherapy-vs-car-t", locale=locale, paper=paper).document
    [table] = [block for block in document.blocks if isinstance(block, Table)]
    labels = {plain(cell[0].content).strip() for cell in table.header[0][1:]}
    assert len(labels) == 2, labels
    pages = body_lines_by_page(large / f"immunotherapy-vs-car-t.{locale}.{paper}.large-print.pdf")
    found = sum(line in labels for page in pages for line in page)
    assert found >= 2 * len(table.rows), found          # the labels are found where they are printed
    stranded = [number for number, page in enumerate(pages, start=1) if page and page[-1] in labels]
    assert stranded == [], stranded


@pytest.mark.parametrize("module,locale,large_print", [("car-t-journey", "es", True), ("car-t-journey", "vi", True),
                                                       ("immunotherapy-vs-car-t", "es", False)])
def test_a_profile_with_every_field_set_keeps_the_emergency_box_on_page_1(run, fixtures, module, locale, large_print):
    # with a logo beside it, a large-print title wrapped onto more lines and a 22 mm logo over a long
    # name and address made the header taller: "the emergency box does not fit on the first page"
    args = ["build", module, "-l", locale, "-c", fixtures / "clinics" / "full.yaml"]
    result = run(*args, *(["--large-print"] if large_print else []))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_boxs_title_never_ends_a_page(run, tmp_path, locale, paper):
    # the large-print checklist left "Key points" alone at the foot of page 2, its points on page 3
    from handouts.preflight.pages import PdfFacts
    from handouts.preflight.rules import stranded_headings

    result = run("build", "questions-to-ask", "-l", locale, "-p", paper, "--large-print")
    assert result.exit_code == 0, result.output
    doc = PdfFacts(tmp_path / "build" / f"questions-to-ask.{locale}.{paper}.large-print.pdf")
    assert any(element.role == "H2" for element in doc.elements)
    assert list(stranded_headings(doc)) == []


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("module,locale", [("car-t-journey", "es"), ("car-t-journey", "en"),
                                           ("immunotherapy-vs-car-t", "vi"), ("immunotherapy-vs-car-t", "hi")])
def test_a_caption_stays_whole_with_its_picture_and_no_page_before_it_is_left_empty(run, tmp_path, module, locale,
                                                                                    paper):
    # large print: a timeline and its caption are taller than a page; the caption ran on to the next
    # page (16 PDFs), or the picture moved and left the page before it 7-20 % full (8 PDFs)
    from handouts.preflight.pages import PdfFacts
    from handouts.preflight.rules import page_fill, split_text

    result = run("build", module, "-l", locale, "-p", paper, "--large-print")
    assert result.exit_code == 0, result.output
    doc = PdfFacts(tmp_path / "build" / f"{module}.{locale}.{paper}.large-print.pdf")
    assert [element.role for element in doc.elements].count("Caption") >= 1
    assert list(split_text(doc)) + list(page_fill(doc)) == []


@pytest.mark.parametrize("module,locale,large_print", [("immunotherapy-vs-car-t", "en", True),
                                                       ("car-t-side-effects", "hi", False)])
def test_a_wrapped_phone_number_starts_on_its_labels_line(run, fixtures, tmp_path, module, locale, large_print):
    # the outside print review: "After hours:" stood beside the second line of "555-0199 (ask for the
    # / on-call oncologist)", so the first line read as a second daytime number (sheet and card)
    import re
    import subprocess

    args = ["build", module, "-l", locale, "-p", "letter", "-c", fixtures / "clinics" / "full.yaml", "-o", "out"]
    result = run(*args, *(["--large-print"] if large_print else []))
    assert result.exit_code == 0, result.output
    [pdf] = (tmp_path / "out").glob("*.pdf")
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = next(p for p in words.split("<page ") if "555-0199" in p)
    boxes = [(float(x0), float(y1), word) for x0, y1, word in
             re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
    number = next((x, y) for x, y, word in boxes if word == "555-0199")
    wrapped = next(y for x, y, word in boxes if word == "oncologist)" and abs(x - number[0]) < 200)
    assert wrapped - number[1] > 4                                  # the number does wrap
    # the label ("After hours:", its last word ending in a colon) is on the number's first line
    assert any(word.endswith(":") and abs(y - number[1]) < 3 and x < number[0] for x, y, word in boxes), \
        [(word, y) for x, y, word in boxes if word.endswith(":")]


@pytest.mark.parametrize("module,locale,paper", [("immunotherapy-vs-car-t", "en", "a4"),
                                                 ("car-t-journey", "zh-Hans", "letter")])
def test_the_qr_block_does_not_end_a_large_print_sheet_alone(run, fixtures, tmp_path, module, locale, paper):
    # with a web address, 19 large-print PDFs ended with a page holding only the QR block (an outside
    # review of the pages; preflight, once it left the footer tagged on the last page out)
    from handouts.preflight.pages import PdfFacts
    from handouts.preflight.rules import page_fill

    result = run("build", module, "-l", locale, "-p", paper, "--large-print", "-c", fixtures / "clinics" / "full.yaml")
    assert result.exit_code == 0, result.output
    doc = PdfFacts(tmp_path / "build" / f"{module}.{locale}.{paper}.large-print.pdf")
    assert any(element.role == "Figure" and (element.alt or "").startswith("https://") for element in doc.elements)
    assert not [message for _, message in page_fill(doc) if "QR block" in message]
