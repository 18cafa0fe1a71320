"""What a built PDF shows, read back the way a print shop's preflight reads it: its lines of text
with each glyph's ink box, its drawn objects, its structure tree, its fonts and its links.

It reads the PDF itself, never the model that made it, so it checks any PDF this tool wrote,
with a clinic's own modules too. PDFium (pypdfium2) gives the glyph boxes, the drawn objects and
the page images; qpdf (pikepdf) gives the structure tree, the fonts and the links.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf

from handouts.errors import HandoutsError


def _pdfium():
    try:
        import PIL  # noqa: F401 - the page images
        import pypdfium2
        import pypdfium2.raw
        import zxingcpp  # noqa: F401 - the QR codes
    except ImportError:   # pragma: no cover - the extra is installed for the tests
        raise HandoutsError("handouts preflight needs PDFium and a QR reader",
                            hint="pip install 'handouts[preflight]'") from None
    return pypdfium2, pypdfium2.raw


MM = 72 / 25.4
Box = tuple[float, float, float, float]   # left, bottom, right, top, in points
SAME_BASELINE = 1.0   # points: text objects whose baselines differ less are on one line


@dataclass
class Line:
    """One line of text as PDFium reads it: its characters and each one's ink box. Text drawn
    inside a form (a card's copies on a sheet) is left out: PDFium misplaces some of it, and the
    first card, drawn on the page itself, carries the same text."""

    chars: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    mcids: list[int | None] = field(default_factory=list)   # each character's marked content, if tagged
    baselines: list[float] = field(default_factory=list)    # the baseline of each character's text object
    sizes: list[float] = field(default_factory=list)        # each character's font size, in points

    @property
    def baseline(self) -> float:
        return sorted(self.baselines)[len(self.baselines) // 2]

    @property
    def size(self) -> float:
        return max(self.sizes)

    def by_baseline(self) -> list["Line"]:
        """This line split where its characters sit on different baselines: PDFium reads two lines
        whose ink overlaps (a label drawn over the one above it) as one line."""
        groups: dict[float, Line] = {}
        for char, box, mcid, baseline, size in zip(self.chars, self.boxes, self.mcids, self.baselines, self.sizes):
            key = next((k for k in groups if abs(k - baseline) < SAME_BASELINE), baseline)
            part = groups.setdefault(key, Line())
            part.chars.append(char)
            part.boxes.append(box)
            part.mcids.append(mcid)
            part.baselines.append(baseline)
            part.sizes.append(size)
        return list(groups.values())

    @property
    def text(self) -> str:
        return "".join(self.chars)

    @cached_property
    def placed(self) -> list[tuple[str, Box]]:
        """Each inked character and its box, without those PDFium misplaces: in a form drawn
        several times, some characters come back far below their line (a box whose middle is
        more than a glyph's height from the line's)."""
        inked = [(char, box) for char, box in zip(self.chars, self.boxes)
                 if box[2] > box[0] and box[3] > box[1] and not char.isspace()]
        if not inked:
            return []
        middles = sorted((box[1] + box[3]) / 2 for _, box in inked)
        heights = sorted(box[3] - box[1] for _, box in inked)
        middle, height = middles[len(middles) // 2], heights[len(heights) // 2]
        return [(char, box) for char, box in inked if abs((box[1] + box[3]) / 2 - middle) <= max(height, 1.0)]

    @cached_property
    def ink(self) -> Box | None:
        inked = [box for _, box in self.placed]
        if not inked:
            return None
        return (min(b[0] for b in inked), min(b[1] for b in inked), max(b[2] for b in inked), max(b[3] for b in inked))

    @property
    def rtl(self) -> bool:
        return any(unicodedata.bidirectional(char) in ("R", "AL") for char in self.chars)


@dataclass
class Drawn:
    """A drawn object of a page: text, a path, an image or a form, and its tag."""

    kind: str
    bounds: Box
    tag: str | None          # the innermost marked-content tag: 'Artifact', 'P', 'H2'...
    mcid: int | None
    text: str = ""
    baseline: float | None = None   # a text object's origin's height
    handle: int | None = None       # a text object's PDFium handle, which its characters name

    @property
    def artifact(self) -> bool:
        return self.tag == "Artifact"


@dataclass
class Element:
    """A structure element and where its marked content is: ``parts`` in reading order, each
    (page index, MCID)."""

    role: str
    parts: list[tuple[int, int]]
    alt: str | None = None
    parent: tuple | None = None   # the parent element's object number, to tell which belong together
    ancestors: tuple = ()         # the object numbers of every element above it
    lineage: tuple = ()           # the roles of every element above it, the root's first

    @property
    def pages(self) -> list[int]:
        return sorted({page for page, _ in self.parts})


KINDS = {1: "text", 2: "path", 3: "image", 4: "shading", 5: "form"}


class Page:
    """One page: its size, lines, drawn objects and (on demand) its image at a resolution."""

    def __init__(self, document: "PdfFacts", index: int):
        self.document, self.index = document, index
        self._page = document.pdfium[index]
        self.width, self.height = self._page.get_size()

    @cached_property
    def lines(self) -> list[Line]:
        _, raw = _pdfium()
        text = self._textpage
        lines, line = [], Line()
        for index in range(text.count_chars()):
            code = raw.FPDFText_GetUnicode(text.raw, index)
            char = chr(code) if code < 0x110000 else "\ufffd"
            if char == "\n":
                lines.append(line)
                line = Line()
                continue
            if char == "\r":
                continue
            handle = ctypes.cast(raw.FPDFText_GetTextObject(text.raw, index), ctypes.c_void_p).value
            if handle not in self._text_objects:
                continue   # drawn inside a form: PDFium places some of those characters wrongly
            mcid, baseline = self._text_objects[handle]
            line.chars.append(char)
            line.boxes.append(text.get_charbox(index, loose=False))
            line.mcids.append(mcid)
            line.baselines.append(baseline)
            line.sizes.append(raw.FPDFText_GetFontSize(text.raw, index))
        lines.append(line)
        return [part for line in lines if line.chars for part in line.by_baseline()]

    @cached_property
    def drawn(self) -> list[Drawn]:
        _, raw = _pdfium()
        text = self._textpage
        found = []
        for obj in self._page.get_objects(max_depth=1):
            marks = [_mark_name(raw, raw.FPDFPageObj_GetMark(obj.raw, k))
                     for k in range(raw.FPDFPageObj_CountMarks(obj.raw))]
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            texts = obj.type == 1
            found.append(Drawn(KINDS.get(obj.type, "other"), tuple(obj.get_bounds()),
                               "Artifact" if "Artifact" in marks else (marks[-1] if marks else None),
                               mcid if mcid >= 0 else None, _object_text(raw, obj.raw, text.raw) if texts else "",
                               obj.get_matrix().f if texts else None,
                               ctypes.cast(obj.raw, ctypes.c_void_p).value if texts else None))
        return found

    @cached_property
    def _text_objects(self) -> dict:
        """The page's own text objects (not those inside forms), by handle: the MCID of each (or
        None) and its baseline."""
        return {drawn.handle: (drawn.mcid, drawn.baseline) for drawn in self.drawn if drawn.handle is not None}

    @cached_property
    def _textpage(self):
        return self._page.get_textpage()

    def text_of(self, mcid: int) -> str:
        return "".join(d.text for d in self.drawn if d.mcid == mcid)

    def image(self, dpi: int):
        """The page drawn at ``dpi`` as a greyscale PIL image (cached for the last resolution)."""
        cached = getattr(self, "_image", None)
        if cached is None or cached[0] != dpi:
            bitmap = self._page.render(scale=dpi / 72, grayscale=True)
            cached = (dpi, bitmap.to_pil().convert("L"))
            self._image = cached
        return cached[1]

    @property
    def links(self) -> list[str]:
        return self.document.links[self.index]


def _mark_name(raw, mark) -> str:
    size = ctypes.c_ulong()
    raw.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(size))
    buffer = (ctypes.c_ushort * max(1, size.value // 2))()
    raw.FPDFPageObjMark_GetName(mark, buffer, size.value, ctypes.byref(size))
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00")


def _object_text(raw, obj, text_page) -> str:
    count = raw.FPDFTextObj_GetText(obj, text_page, None, 0)
    buffer = (ctypes.c_ushort * max(1, count))()
    raw.FPDFTextObj_GetText(obj, text_page, buffer, count * 2)
    # PDFium reads a hyphen that ends a line as U+0002, its mark for a word broken there
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00").replace("\x02", "-")


class PdfFacts:
    """A built PDF opened for the preflight rules: its pages, structure, fonts and links."""

    def __init__(self, path: Path):
        pdfium, _ = _pdfium()
        self.path = path
        data = Path(path).read_bytes()
        try:
            self.pdfium = pdfium.PdfDocument(data)
            self.qpdf = pikepdf.Pdf.open(path)
        except (pdfium.PdfiumError, pikepdf.PdfError) as exc:
            raise HandoutsError(f"not a PDF that can be read ({exc})", path=path) from None
        self.pages = [Page(self, index) for index in range(len(self.pdfium))]

    def close(self) -> None:
        self.qpdf.close()
        self.pdfium.close()

    @cached_property
    def page_numbers(self) -> dict:
        return {page.objgen: index for index, page in enumerate(self.qpdf.pages)}

    @cached_property
    def elements(self) -> list[Element]:
        """The structure tree's elements with marked content of their own, in reading order."""
        root = self.qpdf.Root.get("/StructTreeRoot")
        found: list[Element] = []
        if root is not None:
            self._walk(root.get("/K"), None, found, (), ())
        return found

    def _walk(self, kids, page, found: list[Element], above: tuple, roles: tuple) -> None:
        if kids is None:
            return
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") in ("/MCR", "/OBJR"):
                continue
            here = self.page_numbers.get(kid.Pg.objgen, page) if "/Pg" in kid else page
            parts = []
            inner = kid.get("/K")
            for part in (inner if isinstance(inner, pikepdf.Array) else [inner] if inner is not None else []):
                if isinstance(part, int):
                    parts.append((here, int(part)))
                elif isinstance(part, pikepdf.Dictionary) and part.get("/Type") == "/MCR":
                    at = self.page_numbers.get(part.Pg.objgen, here) if "/Pg" in part else here
                    parts.append((at, int(part.MCID)))
            if parts:
                alt = str(kid.Alt) if "/Alt" in kid else None
                found.append(Element(str(kid.S)[1:], parts, alt, above[-1] if above else None, above, roles))
            self._walk(inner, here, found, (*above, kid.objgen), (*roles, str(kid.S)[1:]))

    @cached_property
    def element_at(self) -> dict:
        """(page index, MCID) -> the index of its element in reading order."""
        return {part: number for number, element in enumerate(self.elements) for part in element.parts}

    @cached_property
    def links(self) -> list[list[str]]:
        """Each page's link addresses."""
        found = []
        for page in self.qpdf.pages:
            found.append([str(annot.A.URI) for annot in page.get("/Annots", [])
                          if annot.get("/Subtype") == "/Link" and "/A" in annot and "/URI" in annot.A])
        return found

    @cached_property
    def fonts(self) -> list[tuple[int, str, bool]]:
        """Every font object in the file: (the first page that uses it, or 0; its name; whether its
        program is embedded), the unused ones included."""
        used = {}
        for index, page in enumerate(self.qpdf.pages):
            for font in _fonts_of(page.obj.get("/Resources")):
                used.setdefault(font.objgen, index)
        found = []
        for obj in self.qpdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and \
                    obj.get("/Subtype") != "/Type3":
                found.append((used.get(obj.objgen, 0), str(obj.get("/BaseFont", "?"))[1:], _embedded(obj)))
        return found


def _fonts_of(resources, seen=None):
    """The fonts a resource dictionary reaches, through its forms too."""
    seen = set() if seen is None else seen
    if not isinstance(resources, pikepdf.Dictionary) or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for font in (resources.get("/Font") or {}).values() if "/Font" in resources else []:
        yield font
    for xobject in (resources.get("/XObject") or {}).values() if "/XObject" in resources else []:
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_of(xobject.get("/Resources"), seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(descendant) for descendant in font.DescendantFonts)
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
