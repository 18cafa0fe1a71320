"""The pictograms beside the two calls (PEMAT item 26): how they tell each other apart without
colour, where poppler sees them drawn (at the start of the line, the right in Arabic), and what
the tagged PDF and the HTML twin tell a screen reader, in every language."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from inkshapes import find_line
from pdfread import needs
from PIL import Image

from handouts import model as m
from handouts.content import module_locales
from handouts.document import prepare
from handouts.registry import Registry
from handouts.render import render
from handouts.render.pictograms import handset, shapes

CARD = "car-t-side-effects"


def icons_of(handout) -> list[m.Pictogram]:
    """Every pictogram of the handout's emergency boxes, in reading order."""
    found = []
    for block in handout.document.walk():
        if isinstance(block, m.Emergency):
            found += [icon for icon in (block.emergency_icon, block.team_icon) if icon is not None]
    return found


def figures_in_order(pdf_bytes: bytes) -> list[tuple[str, str]]:
    """Each ``Figure`` of the structure tree, in reading order, as (its /Alt, the role after it)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    out = []

    def visit(element):
        kids = [kid for kid in element.get("/K", []) if isinstance(kid, pikepdf.Dictionary)
                and kid.get("/Type") not in ("/MCR", "/OBJR")] if isinstance(element.get("/K"), pikepdf.Array) else []
        for index, kid in enumerate(kids):
            if kid.get("/S") == "/Figure":
                after = str(kids[index + 1].get("/S")) if index + 1 < len(kids) else ""
                out.append((str(kid.get("/Alt", "")), after))
            visit(kid)

    visit(pdf.Root.StructTreeRoot.K[0])
    return out


def test_the_two_differ_in_shape_and_fill_not_only_in_colour():
    emergency, team = shapes("emergency"), shapes("team")
    assert len(emergency[0].points) > 8 and emergency[0].fill and not emergency[0].stroke   # a solid square
    xs, ys = zip(*emergency[0].points)
    assert min(xs) == pytest.approx(0) and max(xs) == pytest.approx(1) and max(ys) == pytest.approx(1)
    assert team[0].circle and team[0].stroke and team[0].fill == "white"                     # an outlined circle
    assert emergency[1].fill == "accent_text" and team[1].fill == "accent"   # the layout's contrast-checked pairs


def test_right_to_left_the_phone_faces_the_other_way():
    plain, mirrored = handset(False), handset(True)
    assert mirrored == tuple((1 - x, y) for x, y in plain)
    assert set(mirrored) != set(plain)          # not symmetric: mirroring shows
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in plain)


def every_emergency_handout():
    registry = Registry()
    items = []
    for name in registry.module_paths():
        module = registry.module(name)
        if module.data.get("emergency"):
            items += [(name, locale) for locale in module_locales(module)]
    return items


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_every_emergency_box_tags_each_pictogram_before_its_words(variant):
    """In every module with an emergency box and every language it has: each pictogram of the model
    is a ``Figure`` whose /Alt is its text alternative (translated), just before the paragraph or
    heading it pictures."""
    items = every_emergency_handout()
    assert {locale for _, locale in items} >= {"en", "ar", "es", "hi", "vi", "zh-Hans"}
    english = {}
    for name, locale in items:
        handout = prepare(Registry(), name, locale=locale, variant=variant)
        icons = icons_of(handout)
        assert {icon.kind for icon in icons} == {"emergency", "team"}, (name, locale)
        figures = [(alt, after) for alt, after in figures_in_order(render(handout))
                   if alt in {icon.alt for icon in icons}]
        drawn = {alt for alt, _ in figures}
        assert drawn == {icon.alt for icon in icons}, (name, locale, drawn)
        assert all(after in ("/P", "/H2") for _, after in figures), (name, locale, figures)
        if locale == "en":
            english[name] = drawn
        else:
            assert not drawn & english.get(name, set()), f"{name} [{locale}]: an English text alternative"


def warning_columns(pdf_path, box: tuple, dpi: int = 300) -> int:
    """How many pixel columns of ``box`` (points, top-left origin) hold the layout's warning colour
    (a dark red-brown): about 30 for the square at 300 dpi, 4 or 5 for the box's thin edge."""
    scale = dpi / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-x", str(x0), "-y", str(y0),
                          "-W", str(x1 - x0), "-H", str(y1 - y0), "-png", "-singlefile", str(pdf_path)],
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(out)).convert("RGB")
    width, height = image.size
    pixels = image.load()

    def warning(x, y) -> bool:
        r, g, b = pixels[x, y]
        return r > 110 and g < 80 and b < 60

    return sum(1 for x in range(width) if sum(warning(x, y) for y in range(height)) >= 3)


@needs("pdftoppm", "pdftotext")
@pytest.mark.parametrize("locale, start", [("en", "left"), ("ar", "right")])
def test_poppler_sees_the_emergency_pictogram_at_the_start_of_its_line(tmp_path, locale, start):
    """On the card's front, the emergency heading's line has the square at its start: left of the
    words in English, right of them in Arabic; none at the other end."""
    handout = prepare(Registry(), CARD, locale=locale, paper="letter")
    box = next(block for block in handout.document.faces[0].blocks if isinstance(block, m.Emergency))
    path = tmp_path / "card.pdf"
    path.write_bytes(render(handout))
    line = find_line(path, box.emergency_heading.split(":")[0], page=1)
    size = line.y_max - line.y_min
    reach = min(size, 10.0)   # the pictogram and its gap (the box's edge lies beyond)
    top, bottom = line.y_min + 0.3 * size, line.y_max - 0.3 * size   # the middle: no top or bottom edge
    if start == "left":
        before = (line.x_min - reach, top, line.x_min - 0.3, bottom)
        last_words = (line.x_max - reach, top, line.x_max, bottom)
    else:
        before = (line.x_max + 0.3, top, line.x_max + reach, bottom)
        last_words = (line.x_min, top, line.x_min + reach, bottom)
    assert warning_columns(path, before) >= 20, "no square before the line's first word"
    # at the other end, at most the box's thin edge (poppler's line box may reach it), never a square
    assert warning_columns(path, last_words) <= 8


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_html_twin_shows_each_pictogram_with_its_text_alternative(locale):
    """Each pictogram is an inline SVG with role="img" and the model's text alternative, inside the
    heading (or line) it pictures; the Arabic page draws the phone mirrored."""
    import re

    handout = prepare(Registry(), "immunotherapy-vs-car-t", locale=locale)
    page = render(handout, "html").decode("utf-8")
    icons = icons_of(handout)
    assert icons
    for icon in icons:
        found = re.search(r'<(div class="call"|p class="overleaf")><svg class="pictogram" viewBox="0 0 100 100" '
                          rf'role="img" aria-label="{re.escape(icon.alt)}">.*?</svg>'
                          r'(<h\d class="signs-heading">|<strong>)',
                          page)
        assert found, icon
    polygons = re.findall(r'<polygon class="(?:accent_text|accent)" points="([^"]+)"', page)
    assert polygons
    first_x = float(polygons[0].split()[0].split(",")[0])
    plain_x = handset(False)[0][0] * 100
    assert abs(first_x - ((100 - plain_x) if locale == "ar" else plain_x)) < 0.1


def test_the_thermometer_stands_in_its_square_and_mirrors_its_marks():
    """A tube and a bulb in the care team's colour, the page inside them, and three marks on the
    side the text comes from: the right of the tube, the left in a right-to-left handout."""
    plain, mirrored = shapes("fever"), shapes("fever", mirrored=True)
    assert {shape.fill for shape in plain} == {"accent", "white"} and not any(shape.stroke for shape in plain)
    points = [p for shape in plain for p in shape.points] + \
        [(x + dx * r, y + dy * r) for shape in plain if shape.circle for x, y, r in [shape.circle]
         for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    assert all(-1e-9 <= x <= 1 and -1e-9 <= y <= 1 for x, y in points)
    marks = [shape for shape in plain if len(shape.points) == 4 and min(x for x, _ in shape.points) > 0.6]
    assert len(marks) == 3
    mirrored_marks = [shape for shape in mirrored if len(shape.points) == 4 and max(x for x, _ in shape.points) < 0.4]
    assert sorted(sorted((round(1 - x, 6), y) for x, y in shape.points) for shape in mirrored_marks) == \
        sorted(sorted((round(x, 6), y) for x, y in shape.points) for shape in marks)
    # the reading reaches the longest mark, the one to call at
    [reading] = [shape for shape in plain if len(shape.points) == 4 and shape not in marks]
    longest = max(marks, key=lambda shape: max(x for x, _ in shape.points))
    top = max(y for _, y in reading.points)
    assert min(y for _, y in longest.points) < top < max(y for _, y in longest.points)


@pytest.mark.parametrize("module", ["car-t-side-effects", "immunotherapy-side-effects"])
def test_a_folded_cards_thermometer_and_phone_lines_are_figures_before_their_words(module):
    """In every language of the card: the fever line has a thermometer, and each phone line on the
    back the pictogram of its call (the emergency number's square, the team's circle), each a
    ``Figure`` with its translated /Alt just before the paragraph it belongs to; the HTML twin
    draws them with the same text alternatives."""
    import re

    locales = module_locales(Registry().module(module))
    assert {"en", "ar", "hi", "zh-Hans"} <= set(locales)
    alts = set()
    for locale in locales:
        handout = prepare(Registry(), module, locale=locale)
        fever = [block for block in handout.document.walk() if isinstance(block, m.Paragraph) and block.icon]
        contacts = [block for block in handout.document.walk() if isinstance(block, m.ContactBlock)]
        assert [block.icon.kind for block in fever] == ["fever"] and len(contacts) == 1, locale
        rows = contacts[0].rows
        assert [row.icon.kind for row in rows] == ["emergency" if row.kind == "emergency" else "team" for row in rows]
        figures = figures_in_order(render(handout))
        assert (fever[0].icon.alt, "/P") in figures, (locale, figures)
        # the back is read last: its phone lines' pictograms are the last figures but the QR code's
        on_back = [(alt, after) for alt, after in figures if alt in {row.icon.alt for row in rows}][-len(rows):]
        assert on_back == [(row.icon.alt, "/P") for row in rows], (locale, figures)
        alts.add(fever[0].icon.alt)
        page = render(handout, "html").decode("utf-8")
        assert re.search(rf'<div class="pictured"><svg class="pictogram" viewBox="0 0 100 100" role="img" '
                         rf'aria-label="{re.escape(fever[0].icon.alt)}">', page), locale
        for row in rows:
            assert re.search(rf'<dt><svg class="pictogram" [^>]*aria-label="{re.escape(row.icon.alt)}">.*?</svg>'
                             rf'{re.escape(row.label)}</dt>', page, re.S), (locale, row.label)
    assert len(alts) == len(locales)   # translated in each
