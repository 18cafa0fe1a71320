"""The objective page rules of ``handouts preflight``: each reads one built PDF and yields
``(page number, problem)`` pairs. Page numbers count from 1; 0 means the file as a whole.

They are the checks a print shop's preflight and a careful proofreader make, written so that a
machine can make them on every page of every variant: a missing glyph, lines whose ink touches,
a heading stranded at the foot of a page, a caption or a word split across pages, a page left
nearly empty, a card whose ink strays into its safe margin or past its cut, an address broken
where it cannot be typed, a lone letter at a line end, a font not embedded, a QR code that does
not read back as the address printed beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from handouts.preflight.pages import MM, Box, PdfFacts

Finding = tuple[int, str]

SAFE_MM = 3.5         # a card's ink stays this far inside its cut: 3 mm and a miscut's tolerance
FULL_AT_LEAST = 0.30  # a page other than the last is at least this full
QR_DPI = 150          # a QR code reads at this resolution (a phone's camera, an office scanner)
CARD_DPI = 150
TOUCH = 0.05          # points of overlap below which two glyph boxes only meet
OVERPRINTED = 0.9     # of the type size: lines whose baselines are closer are drawn over each other,
RAISED = 0.3          # unless closer than this: a mark the font raises (the damma over an Arabic letter)
INKED = 250           # a grey level darker than this is ink (white is 255)


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- glyphs -------------------------------------------------------------------------------------

def missing_glyphs(doc: PdfFacts) -> Iterator[Finding]:
    """A character the font did not have: drawn as U+FFFD, or as code 0, which reads back as U+0000
    (what ReportLab, and this tool's renderer, draw for a character with no glyph)."""
    for page in doc.pages:
        for line in page.lines:
            bad = [char for char in line.chars if char in ("\ufffd", "\x00")]
            if bad:
                yield page.index + 1, f"a character the font lacks (glyph 0 or U+FFFD) in '{short(line.text)}'"


# -- lines -------------------------------------------------------------------------------------

def _overlap(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOUCH and min(a[3], b[3]) - max(a[1], b[1]) > TOUCH


def touching_lines(doc: PdfFacts) -> Iterator[Finding]:
    """Ink of two different lines overlapping: the glyph boxes of one line reach into the next
    (Arabic dots into the hamza below, a descender into a capital), or two lines drawn over each
    other, closer than their type allows, where their glyphs happen to miss."""
    for page in doc.pages:
        lines = [line for line in page.lines if line.ink is not None]
        for number, line in enumerate(lines):
            for other in lines[number + 1:]:
                if not _overlap(line.ink, other.ink):
                    continue
                size = max(line.size, other.size)
                if RAISED * size <= abs(line.baseline - other.baseline) < OVERPRINTED * size:
                    yield page.index + 1, (f"two lines drawn over each other: '{short(line.text, 30)}' and "
                                           f"'{short(other.text, 30)}'")
                    continue
                hit = next(((a, b) for a, box in line.placed for b, box2 in other.placed if _overlap(box, box2)), None)
                if hit:
                    yield page.index + 1, (f"ink of two lines touches: '{hit[0]}' of '{short(line.text, 30)}' and "
                                           f"'{hit[1]}' of '{short(other.text, 30)}'")


PUNCTUATION = ",.;:!?()[]\"'«»“”‘’"


def _lone(token: str) -> bool:
    core = token.strip(PUNCTUATION)
    return len(core) == 1 and (core.isupper() or core.isdigit())


def lone_letters(doc: PdfFacts) -> Iterator[Finding]:
    """A single capital letter or digit at the end of a line that its paragraph goes on from
    ("B / cells", "आपकी T / कोशिकाओं"), or at the start of one it went on to ("células / T"): it
    reads as a stray letter. Right-to-left lines are left out: PDFium does not give their words
    in reading order."""
    for page in doc.pages:
        lines = page.lines
        for line, after in zip(lines, lines[1:]):
            if line.rtl or after.rtl or _paragraph_role(doc, page.index, line, after) in (None, "Figure"):
                continue
            last, first = line.text.split()[-1:], after.text.split()[:1]
            if last and _lone(last[0]) and last[0][-1] not in PUNCTUATION and len(line.text.split()) > 1:
                yield page.index + 1, f"a lone '{last[0]}' ends the line '{short(line.text)}'"
            elif first and _lone(first[0]) and first[0][0] not in PUNCTUATION and \
                    (first[0][-1] in ",;:)" or first[0][-1] == "." and len(after.text.split()) == 1):
                yield page.index + 1, f"a lone '{first[0]}' starts the line '{short(after.text)}'"


def _paragraph_role(doc: PdfFacts, page: int, line, after) -> str | None:
    """The role of the structure element ``line`` ends in, when ``after`` goes on with it."""
    end = next((mcid for mcid in reversed(line.mcids) if mcid is not None), None)
    start = next((mcid for mcid in after.mcids if mcid is not None), None)
    where = doc.element_at
    if end is None or start is None or where.get((page, end), -1) != where.get((page, start), -2):
        return None
    return doc.elements[where[(page, end)]].role


def broken_addresses(doc: PdfFacts) -> Iterator[Finding]:
    """A printed web address broken across lines anywhere but after a '/' or before a '.': a
    reader must type it, and '…/car-t-jo / urney.en.html' cannot be typed."""
    for page in doc.pages:
        addresses = {uri for uri in page.links if uri.startswith(("http://", "https://"))}
        if not addresses:
            continue
        flat, breaks = printed(page)
        for address in sorted(addresses):
            for match in re.finditer(re.escape(address), flat):
                for at in range(match.start() + 1, match.end()):
                    if at in breaks and flat[at - 1] != "/" and flat[at] != ".":
                        yield page.index + 1, (f"the address {address} is broken inside a word: "
                                               f"'{flat[max(match.start(), at - 12):at]}' / '{flat[at:at + 12]}'")


def printed(page) -> tuple[str, set]:
    """The page's text objects in drawing order, joined, and where a new line starts in it. Read
    from the objects, not PDFium's lines: on a right-to-left page those reverse an address's parts."""
    flat, breaks, baseline = "", set(), None
    for drawn in page.drawn:
        if drawn.kind != "text" or not drawn.text:
            continue
        if flat and baseline is not None and abs(drawn.baseline - baseline) > 1:
            breaks.add(len(flat))
        flat += drawn.text.strip("\r\n")
        baseline = drawn.baseline
    return flat, breaks


# -- pages -------------------------------------------------------------------------------------

HEADING = re.compile(r"H[1-6]?$")


def stranded_headings(doc: PdfFacts) -> Iterator[Finding]:
    """A heading (or a label tagged as one) last on its page while what it heads starts the next."""
    elements = doc.elements
    for element, after in zip(elements, elements[1:]):
        if HEADING.match(element.role) and after.pages and element.pages and after.pages[0] > element.pages[-1]:
            page, mcid = element.parts[-1]
            yield page + 1, f"the heading '{short(doc.pages[page].text_of(mcid))}' is last on the page"


def split_text(doc: PdfFacts) -> Iterator[Finding]:
    """A caption split across pages or away from its figure, and a word split across pages."""
    elements = doc.elements
    for before, element in zip([None] + elements, elements):
        pages = element.pages
        if element.role == "Caption":
            if len(pages) > 1:
                yield pages[0] + 1, f"a caption is split across pages {pages[0] + 1}-{pages[-1] + 1}"
            elif before is not None and before.role == "Figure" and before.pages and before.pages[-1] != pages[0]:
                yield pages[0] + 1, f"a caption is on page {pages[0] + 1}, its figure on page {before.pages[-1] + 1}"
        for (page, mcid), (next_page, next_mcid) in zip(element.parts, element.parts[1:]):
            if next_page == page:
                continue
            end, start = doc.pages[page].text_of(mcid).rstrip(), doc.pages[next_page].text_of(next_mcid)
            if end[-2:-1].isalpha() and end[-1:] in ("-", "\u00ad", "\u2010") and start[:1].islower():
                yield page + 1, f"a word is split across pages: '{short(end[-12:])}' / '{short(start[:12])}'"


def page_fill(doc: PdfFacts) -> Iterator[Finding]:
    """A page other than the last less than 30 % full, or a last page that holds only the QR
    block. Fullness is the height its content spans (the running footer aside) over the height
    the fullest page spans."""
    if len(doc.pages) < 2 or card_grid(doc.pages[0]) is not None:
        return
    furniture = running_furniture(doc)
    spans = []
    for page in doc.pages:
        tops = [d.bounds for d in page.drawn if _band(d) not in furniture]
        spans.append((max(b[3] for b in tops), min(b[1] for b in tops)) if tops else None)
    filled = [span for span in spans if span]
    if not filled:
        return
    frame = max(top for top, _ in filled) - min(bottom for _, bottom in filled)
    for index, span in enumerate(spans[:-1]):
        share = (span[0] - span[1]) / frame if span else 0.0
        if share < FULL_AT_LEAST:
            yield index + 1, f"the page is only {share:.0%} full"
    last = len(doc.pages) - 1
    page = doc.pages[last]
    # the footer tagged once, on the last page, is furniture too: not what the page holds
    on_last = [element for element in doc.elements
               if last in element.pages and not _furniture(element, page, furniture)]
    blocks = {element.parent for element in on_last if _is_qr(element)}
    if on_last and all(blocks & set(element.ancestors) for element in on_last):
        yield last + 1, "the last page holds only the QR block"


def _furniture(element, page, furniture: set) -> bool:
    """Whether everything ``element`` draws on ``page`` is at the running footer's heights."""
    bands = [_band(drawn) for _, mcid in element.parts for drawn in page.drawn if drawn.mcid == mcid]
    bands = [band for band in bands if band[1] > band[0]]   # an empty glyph marking a span's end is no ink
    return bool(bands) and all(band in furniture for band in bands)


def _band(drawn) -> tuple[int, int]:
    return round(drawn.bounds[1]), round(drawn.bounds[3])


def running_furniture(doc: PdfFacts) -> set:
    """The heights (bottom, top) at which an artifact is drawn on at least half the pages: the
    running footer and header, whatever their words ("Page 6 of 11"), and the footer tagged once
    on the last page at the same height. Write-in lines and other artifacts count as content."""
    counts: dict = {}
    before = doc.pages[:-1]   # the last page's footer is tagged, not an artifact: the others say where it runs
    for page in before:
        for band in {_band(drawn) for drawn in page.drawn if drawn.artifact}:
            counts[band] = counts.get(band, 0) + 1
    return {band for band, count in counts.items() if count >= max(min(2, len(before)), len(before) / 2)}


def _is_qr(element) -> bool:
    """A QR code's figure: its alternative text is the address it holds."""
    return element.role == "Figure" and bool(element.alt) and element.alt.startswith(("https://", "http://"))


# -- cards -------------------------------------------------------------------------------------

def card_grid(page) -> tuple[list[float], list[float]] | None:
    """The cut lines of a card sheet, read from its crop marks: short thin lines outside the
    grid. Returns the x and y of every cut, or None on a page without crop marks."""
    xs, ys = [], []
    for drawn in page.drawn:
        if drawn.kind != "path":
            continue
        left, bottom, right, top = drawn.bounds
        if right - left < 0.8 and 2 * MM < top - bottom < 10 * MM:
            xs.append(round((left + right) / 2, 1))
        elif top - bottom < 0.8 and 2 * MM < right - left < 10 * MM:
            ys.append(round((top + bottom) / 2, 1))
    if len(xs) < 4 or len(ys) < 4:
        return None
    return sorted(set(xs)), sorted(set(ys))


def card_rects(page) -> list[Box]:
    grid = card_grid(page)
    if grid is None:
        return []
    xs, ys = grid
    columns = [(a, b) for a, b in zip(xs, xs[1:]) if b - a >= 20 * MM]
    rows = [(a, b) for a, b in zip(ys, ys[1:]) if b - a >= 20 * MM]
    return [(left, bottom, right, top) for left, right in columns for bottom, top in rows]


def card_margins(doc: PdfFacts) -> Iterator[Finding]:
    """On a card sheet, ink closer than 3.5 mm to a card's cut (or fold), and ink between the
    cards, which the cut throws away (or leaves on a card cut 1 mm off)."""
    for page in doc.pages:
        cards = card_rects(page)
        if not cards:
            continue
        scale = CARD_DPI / 72
        image = without_bleed(page.image(CARD_DPI), cards, page.height, scale)
        for number, card in enumerate(cards, 1):
            inked = _ink_box(image, card, page.height, scale, inset=0.2 * MM)
            if inked is None:
                continue
            gaps = [inked[0] - card[0], inked[1] - card[1], card[2] - inked[2], card[3] - inked[3]]
            if min(gaps) < SAFE_MM * MM - 1 / scale:
                yield page.index + 1, (f"card {number}: ink {min(gaps) / MM:.1f} mm from its cut "
                                       f"(keep {SAFE_MM} mm clear)")
        left = min(c[0] for c in cards)
        right = max(c[2] for c in cards)
        bottom = min(c[1] for c in cards)
        top = max(c[3] for c in cards)
        columns = sorted({(c[0], c[2]) for c in cards})
        rows = sorted({(c[1], c[3]) for c in cards})
        gutters = [(a[1], bottom, b[0], top) for a, b in zip(columns, columns[1:])] + \
                  [(left, a[1], right, b[0]) for a, b in zip(rows, rows[1:])]
        for gutter in gutters:
            if gutter[2] - gutter[0] > 2 * 0.2 * MM and gutter[3] - gutter[1] > 2 * 0.2 * MM and \
                    _ink_box(image, gutter, page.height, scale, inset=0.2 * MM, skip=cards) is not None:
                yield page.index + 1, "ink between the cards, where the sheet is cut away"


BLEED_AT_LEAST = 1.0  # mm: a band that runs this far past a cut is bleed, not ink near the cut


def without_bleed(image, cards: list[Box], page_height: float, scale: float):
    """The page image with each card's bleeding bands made white: a row of ink that runs solid
    from a card's edge across its whole safe margin, and on past the edge, at least
    ``BLEED_AT_LEAST`` mm over a cut or up to a fold (an edge two cards share). Such a band is
    edge to edge on the cut card wherever the guillotine falls; text and a band that stops short
    of the edge stay ink. Top and bottom edges are read on the image turned on its side."""
    from PIL import Image

    erased = _erase_side_bands(image.copy(), cards, page_height, scale)
    turned = erased.transpose(Image.Transpose.TRANSPOSE)
    # turned, a pixel's x is its row from the top, its y its column: each card's box turns with it
    width = image.width / scale
    sideways = [(page_height - top, width - right, page_height - bottom, width - left)
                for left, bottom, right, top in cards]
    return _erase_side_bands(turned, sideways, width, scale).transpose(Image.Transpose.TRANSPOSE)


def _erase_side_bands(image, cards: list[Box], page_height: float, scale: float):
    pixels = image.load()
    safe, beyond = round(SAFE_MM * MM * scale), round(BLEED_AT_LEAST * MM * scale)
    edges = {round(c[0] * scale) for c in cards} & {round(c[2] * scale) for c in cards}   # folds
    inked = lambda x, y: 0 <= x < image.width and pixels[x, y] < INKED  # noqa: E731
    for left, bottom, right, top in cards:
        rows = range(round((page_height - top) * scale) + 1, round((page_height - bottom) * scale) - 1)
        for edge, inward in ((round(left * scale), 1), (round(right * scale) - 1, -1)):
            fold = (edge if inward == 1 else edge + 1) in edges
            for y in rows:
                if not all(inked(edge + inward * step, y) for step in range(1, safe + 1)):
                    continue
                outside = 0
                while outside < beyond and inked(edge - inward * (outside + 1), y):
                    outside += 1
                if not fold and outside < beyond:
                    continue
                for step in (inward, -inward):   # the band's run, both ways from the edge
                    x = edge if step == inward else edge - inward
                    while inked(x, y):
                        pixels[x, y] = 255
                        x += step
    return image


def _ink_box(image, box: Box, page_height: float, scale: float, inset: float, skip=()) -> Box | None:
    """The bounding box (in points) of the ink inside ``box``, ``inset`` in from its edges."""
    left, bottom, right, top = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    crop = (round(left * scale), round((page_height - top) * scale),
            round(right * scale), round((page_height - bottom) * scale))
    region = image.crop(crop)
    if skip:
        region = region.copy()
        for other in skip:
            region.paste(255, (round(other[0] * scale) - crop[0], round((page_height - other[3]) * scale) - crop[1],
                               round(other[2] * scale) - crop[0], round((page_height - other[1]) * scale) - crop[1]))
    found = region.point(lambda grey: 255 if grey < INKED else 0).getbbox()
    if found is None:
        return None
    x0, y0, x1, y1 = found
    return (crop[0] / scale + x0 / scale, page_height - (crop[1] + y1) / scale,
            crop[0] / scale + x1 / scale, page_height - (crop[1] + y0) / scale)


# -- fonts and codes ------------------------------------------------------------------------------

def unembedded_fonts(doc: PdfFacts) -> Iterator[Finding]:
    """A font whose program is not in the file (a print shop substitutes one), used or not."""
    for page, name, embedded in doc.fonts:
        if not embedded:
            yield (page + 1 if page is not None else 0), f"the font {name} is not embedded" + \
                ("" if page is not None else " (and not used)")


def qr_codes(doc: PdfFacts) -> Iterator[Finding]:
    """Every QR code reads at 150 dpi as the address printed beside it."""
    import zxingcpp

    wanted: dict[int, set] = {}
    for element in doc.elements:
        if _is_qr(element):
            for page in element.pages:
                wanted.setdefault(page, set()).add(element.alt)
    for page in doc.pages:
        if page.index not in wanted and not page.links:
            continue
        read = {result.text for result in zxingcpp.read_barcodes(page.image(QR_DPI))
                if result.format == zxingcpp.BarcodeFormat.QRCode}
        shown = printed(page)[0]
        for text in sorted(read):
            if text not in shown:
                yield page.index + 1, f"a QR code reads '{short(text, 60)}', which is not printed beside it"
        for address in sorted(wanted.get(page.index, ())):
            if address not in read:
                yield page.index + 1, f"the QR code of {address} does not read at {QR_DPI} dpi"


RULES = [missing_glyphs, touching_lines, stranded_headings, split_text, page_fill, card_margins, broken_addresses,
         lone_letters, unembedded_fonts, qr_codes]
