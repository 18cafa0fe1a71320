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
