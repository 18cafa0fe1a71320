"""Reading our PDFs back, so tests assert on real output."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata

import pytest
from pypdf import PdfReader

MM = 72 / 25.4


def pdf_text(path) -> str:
    """All the text of a PDF, pages joined, whitespace folded."""
    reader = PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def poppler_text(path) -> str:
    """The text poppler's ``pdftotext`` reads (it honours /ActualText, as pypdf does not), whitespace
    folded: the outside reference for shaped scripts."""
    import subprocess

    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def pdf_fonts(path) -> dict[str, bool]:
    """Every font a PDF uses (pages, forms, annotations) -> whether its program is embedded."""
    reader = PdfReader(str(path))
    fonts: dict[str, bool] = {}
    seen = set()

    def visit(obj):
        obj = obj.get_object() if hasattr(obj, "get_object") else obj
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, dict):
            if obj.get("/Type") == "/Font":
                descriptor = obj.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(obj.get("/BaseFont"))] = embedded
            for value in obj.values():
                visit(value)
        elif isinstance(obj, list):
            for value in obj:
                visit(value)

    visit(reader.trailer["/Root"])
    return fonts


def page_size_mm(path, index: int = 0) -> tuple[float, float]:
    box = PdfReader(str(path)).pages[index].mediabox
    return round(float(box.width) / MM, 1), round(float(box.height) / MM, 1)


def needs(*tools: str):
    """Skip a test when an outside tool it checks against is missing, except in CI (``CI`` set),
    where ``.ci/run`` installs them and a missing tool must fail the run, not hide it."""
    missing = [tool for tool in tools if not shutil.which(tool)]
    return pytest.mark.skipif(bool(missing) and not os.environ.get("CI"), reason=f"needs {', '.join(missing)}")


CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def words(text: str) -> list[str]:
    """Words without punctuation: poppler places brackets and stops at run ends by its own guess."""
    text = unicodedata.normalize("NFKC", text.translate(CONTROLS))
    return re.findall(WORD, text)


# A word is a run of one script's letters (poppler may lose the space where Latin meets Arabic).
WORD = re.compile(r"[\u0621-\u065f\u0670-\u06d3]+|[\u0900-\u0963\u0966-\u097f]+|[^\W\u0600-\u06ff\u0900-\u097f]"
                  r"[^\W\u0600-\u06ff\u0900-\u097f]*(?:-[^\W\u0600-\u06ff\u0900-\u097f]+)*")


def in_order(wanted: list[str], got: list[str]) -> bool:
    """Whether ``wanted`` appears in ``got`` as a run of consecutive words."""
    return any(got[i:i + len(wanted)] == wanted for i in range(len(got) - len(wanted) + 1))


def marked_texts(path) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID): its /ActualText where it
    has one (a joined Arabic letter, a conjunct), else its glyphs read through each font's
    /ToUnicode map. The content streams are parsed by qpdf (pikepdf); the meaning of /ActualText
    and /ToUnicode is the PDF standard's (14.9.4, 9.10.3), not taken from our writer."""
    import pikepdf

    def unicode_map(font) -> dict[int, str]:
        found: dict[int, str] = {}
        if "/ToUnicode" not in font:
            return found
        cmap = font.ToUnicode.read_bytes().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                found[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int(text, 16)
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    found[code] = chr(first + offset)
        return found

    def text_string(value) -> str:   # a PDF text string: UTF-16BE after its mark, else one byte a letter
        data = bytes(value)
        return data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff" else data.decode("latin-1")

    texts: dict[tuple[int, int], str] = {}
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            fonts = {str(name): unicode_map(font) for name, font in page.obj.Resources.get("/Font", {}).items()}
            marks: list[tuple[int | None, bool]] = []   # (MCID, has /ActualText) of each open sequence
            current: dict[int, str] = {}
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    props = operands[1] if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else {}
                    mcid = int(props["/MCID"]) if "/MCID" in props else None
                    if mcid is None and marks:
                        mcid = marks[-1][0]   # nested without an MCID: part of the enclosing one
                    spelled = "/ActualText" in props
                    if spelled and mcid is not None:
                        texts[(number, mcid)] = texts.get((number, mcid), "") + text_string(props.ActualText)
                    marks.append((mcid, spelled or any(s for _, s in marks[-1:])))
                elif name == "EMC" and marks:
                    marks.pop()
                elif name == "Tf":
                    current = fonts.get(str(operands[0]), {})
                elif name in ("Tj", "TJ", "'", '"') and marks and marks[-1][0] is not None and not marks[-1][1]:
                    strings = [item for item in (operands[-1] if name == "TJ" else [operands[-1]])
                               if isinstance(item, pikepdf.String)]
                    key = (number, marks[-1][0])
                    texts[key] = texts.get(key, "") + "".join(current.get(code, "") for item in strings
                                                              for code in bytes(item))
    return texts


def structure_texts(path) -> list[tuple[str, str]]:
    """(role, text) of each structure element that holds marked content, in the tree's order, its
    text its marked contents' in the order the tree lists them (``marked_texts``), a /Span's
    /ActualText in place of its content and a figure's /Alt in place of its drawing: what a screen
    reader reads. The tree is read with qpdf (pikepdf)."""
    import pikepdf

    texts = marked_texts(path)
    out = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

        def visit(element, page, own_of_parent=None):
            page = pages.get(element.Pg.objgen, page) if "/Pg" in element else page
            if "/ActualText" in element and own_of_parent is not None:   # what the element says, in full
                own_of_parent.append(str(element.ActualText))
                return
            if "/Alt" in element:   # a figure is read by its description, not its drawn labels (14.9.3)
                out.append((str(element.S)[1:], str(element.Alt)))
                return
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
            own = []
            for kid in kids:
                if isinstance(kid, int):
                    own.append(texts.get((page, kid), ""))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    on = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    own.append(texts.get((on, int(kid.MCID)), ""))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid and "/ActualText" in kid:
                    visit(kid, page, own)    # a span standing for its letters: part of this element's text
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if own:
                        out.append((str(element.S)[1:], "".join(own)))
                        own = []
                    visit(kid, page)
            if own:
                out.append((str(element.S)[1:], "".join(own)))

        visit(pdf.Root.StructTreeRoot.K[0], 0)
    return out
