"""Make the script fonts the handouts ship, from Debian's Noto packages (SIL OFL 1.1).

Run once by a maintainer, not at install time; the results are committed to handouts/fonts/:

    apt-get install fonts-noto-core fonts-noto-cjk
    python tools/build_fonts.py

Why each font is made, not taken as shipped:
- ReportLab draws one paragraph in one font when it reorders right-to-left text, so Arabic text
  with "CAR-T" or a phone number in it needs one font with both scripts: Noto Sans Arabic and
  Noto Sans merged. Devanagari gets the same treatment so Hindi and Latin never switch fonts.
- ReportLab cannot embed fonts with CFF (PostScript) outlines, and Noto Sans CJK has them. The
  Simplified Chinese face is cut down to the characters Chinese handouts need (GB 2312 level 1,
  the 3,755 most common hanzi, plus punctuation, every character the zh-Hans catalogues use, and
  the face's own accented Latin letters for staff lines in Spanish or Vietnamese) and its
  outlines converted to TrueType quadratic curves.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger, Options
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "handouts" / "fonts"
MAX_ERROR = 1.0  # font units: how far a quadratic curve may stray from the cubic it replaces


def rename(font: TTFont, family: str, style: str) -> None:
    """Give a derived font its own name, so it is never mistaken for the upstream file."""
    name = font["name"]
    postscript = f"{family.replace(' ', '')}-{style}"
    for record_id, value in ((1, family), (2, style), (3, f"{postscript};handouts"), (4, f"{family} {style}"),
                             (6, postscript), (16, family), (17, style)):
        name.setName(value, record_id, 3, 1, 0x409)
        name.setName(value, record_id, 1, 0, 0)


def merge_with_latin(script_file: str, latin_file: str, family: str, style: str) -> Path:
    merger = Merger(options=Options(drop_tables=["vhea", "vmtx"]))
    font = merger.merge([str(NOTO / script_file), str(NOTO / latin_file)])
    rename(font, family, style)
    target = OUT / f"{family.replace(' ', '')}-{style}.ttf"
    font.save(target)
    return target


def gb2312_level1() -> str:
    """The 3,755 hanzi of GB 2312 level 1, in code order."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def catalogue_characters(locale: str) -> str:
    from babel.messages.pofile import read_po

    used = set()
    for path in sorted((ROOT / "content").glob(f"*/locales/{locale}.po")):
        with open(path, "rb") as file:
            for message in read_po(file):
                if message.string:
                    used.update(message.string)
    return "".join(sorted(used))


def cff_to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by TrueType ones, in place (the glyph set stays the same)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def simplified_chinese(style: str) -> Path:
    collection = TTCollection(str(CJK / f"NotoSansCJK-{style}.ttc"))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    text = "".join(chr(c) for c in range(0x20, 0x7F)) + "°·–—‘’“”…•※、。《》「」『』【】〔〕（），．：；？！～"
    text += gb2312_level1() + catalogue_characters("zh-Hans")
    # The face's own accented Latin letters, so a Chinese wallet card can carry its lines for
    # emergency staff in a Latin-script language (Spanish, Vietnamese...) in the same design.
    text += "".join(chr(c) for c in (*range(0xA0, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "VORG", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    cff_to_truetype(font)
    rename(font, "Noto Sans SC Handouts", style)
    target = OUT / f"NotoSansSCHandouts-{style}.ttf"
    font.save(target)
    return target


def main() -> int:
    made = [
        merge_with_latin("NotoSansArabic-Regular.ttf", "NotoSans-Regular.ttf", "Noto Sans Arabic Latin", "Regular"),
        merge_with_latin("NotoSansArabic-Bold.ttf", "NotoSans-Bold.ttf", "Noto Sans Arabic Latin", "Bold"),
        merge_with_latin("NotoSansDevanagari-Regular.ttf", "NotoSans-Regular.ttf", "Noto Sans Devanagari Latin",
                         "Regular"),
        merge_with_latin("NotoSansDevanagari-Bold.ttf", "NotoSans-Bold.ttf", "Noto Sans Devanagari Latin", "Bold"),
        simplified_chinese("Regular"),
        simplified_chinese("Bold"),
    ]
    for path in made:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
