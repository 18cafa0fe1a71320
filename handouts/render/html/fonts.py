"""The handout's own fonts, cut to the characters its page uses, as WOFF2 data for ``@font-face``.

The page loads nothing: each face is subset with fontTools to the page's characters (with every
OpenType layout feature and the glyphs they reach, so the browser can still join Arabic letters
and form Devanagari conjuncts), compressed as WOFF2 (Brotli) and inlined as a base64 ``data:``
URI. The subset keeps the source font's timestamps (``recalc_timestamp`` off) and nothing in it
depends on the time or the process, so the same page gives the same bytes on every run.
"""

from __future__ import annotations

import base64
import io
import string
from dataclasses import dataclass
from functools import lru_cache

# Characters a page may show that are not in its text: list markers and numbers drawn by CSS,
# and printable ASCII, so a name typed into a field on screen is drawn in the same font.
ALWAYS = frozenset(string.printable.strip() + " \u00a0•·–—")


@dataclass(frozen=True)
class FontFace:
    """One ``@font-face`` rule: weight, style and the WOFF2 file as base64."""

    weight: int
    style: str
    data: str


VERTICAL = ("vert", "vrt2", "valt", "vkrn", "vpal", "vchw", "vhal")


@lru_cache(maxsize=64)
def subset_woff2(path: str, characters: str, cjk: bool = False) -> bytes:
    """The font at ``path`` cut to ``characters``, as WOFF2 bytes.

    The layout features kept are fontTools' default set: those for joining Arabic, for forming
    Devanagari conjuncts and placing marks, kerning and ligatures, with every glyph they reach.
    Vertical forms are left out (a page is never set vertically), and so, in a Chinese family,
    are the Japanese, Korean and traditional glyphs ``locl`` reaches, which would double the file."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = [feature for feature in options.layout_features
                               if feature not in VERTICAL and not (cjk and feature == "locl")]
    options.name_IDs = ["*"]              # keep the licence and copyright names
    options.name_languages = ["*"]
    options.notdef_outline = True         # a character the font lacks shows as a box, not as nothing
    options.recalc_timestamp = False      # keep head.modified: the same bytes on every run
    options.hinting = False               # screens scale the outlines; hints only add bytes
    options.desubroutinize = True
    font = subset.load_font(path, options)
    font.recalcTimestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def page_faces(family, text: str, italic: bool, private: bool = False) -> tuple[list[FontFace], bool]:
    """The ``@font-face`` rules of a page showing ``text`` in ``family`` (a ``fonts.FontFamily``),
    and whether emphasis is drawn bold: a family whose "italic" file is its bold one (Arabic,
    Devanagari, Chinese have no italic) emphasises in bold, as the PDF does. Italic faces are
    embedded only for a page with emphasis (``italic``). A ``private`` page (a patient's details
    on it) is cut without the cache: its key, the page's characters, would keep the name's letters."""
    characters = "".join(sorted(set(text) | ALWAYS))
    files = family.files
    emphasis_bold = files["italic"] == files["bold"]
    wanted = [(400, "normal", "regular"), (700, "normal", "bold")]
    if italic and not emphasis_bold:
        wanted += [(400, "italic", "italic"), (700, "italic", "bold_italic")]
    faces = []
    for weight, style, name in wanted:
        cut = subset_woff2.__wrapped__ if private else subset_woff2
        data = cut(str(files[name]), characters, family.cjk)
        faces.append(FontFace(weight, style, base64.b64encode(data).decode("ascii")))
    return faces, emphasis_bold
