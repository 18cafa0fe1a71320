"""``handouts preflight``: the objective page checks, run over built PDFs.

A clinic runs it over what it built from its own modules; the test suite runs it over the whole
catalogue, with and without a full clinic profile. Each problem is one ``file:page: problem``
line; page 0 is the file as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.errors import HandoutsError


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one page of one built PDF."""

    path: str
    page: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.page}: {self.message}" if self.page else f"{self.path}: {self.message}"


def pdf_files(target: Path) -> list[Path]:
    """The PDFs under a folder (the catalogue's ``build/``), or the one file named."""
    target = Path(target)
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise HandoutsError("no such file or folder", path=target,
                            hint="build the handouts first: handouts build --all")
    found = sorted(target.rglob("*.pdf"))
    if not found:
        raise HandoutsError("no PDF in this folder", path=target, hint="build the handouts first: handouts build --all")
    return found


def preflight_file(path: Path, rules=None) -> list[Finding]:
    """Every rule (or those given) over one PDF."""
    from handouts.preflight.pages import PdfFacts
    from handouts.preflight.rules import RULES

    doc = PdfFacts(path)
    try:
        return sorted({Finding(str(path), page, message) for rule in (rules or RULES) for page, message in rule(doc)})
    finally:
        doc.close()


def preflight(target: Path, jobs: int = 1, rules=None) -> list[Finding]:
    """Every rule (or those given) over every PDF under ``target``, in file and page order;
    ``jobs`` PDFs at once."""
    from functools import partial

    paths = pdf_files(target)
    check = partial(preflight_file, rules=rules)
    if jobs <= 1 or len(paths) < 2:
        return [finding for path in paths for finding in check(path)]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [finding for found in pool.map(check, paths, chunksize=4) for finding in found]
