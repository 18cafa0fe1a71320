"""Font families as data (``layouts/fonts.yaml``), registered with ReportLab and embedded.

Only TrueType files are used: ReportLab embeds and subsets them, so every glyph a patient sees
travels inside the PDF. A missing file is an error that names the file, not a fallback to a
standard font that some readers would replace with boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.errors import ContentError, FontError, UnknownNameError
from handouts.registry import FONT_DIR, Registry, shown_path
from handouts.schema import Bool, Choice, ListOf, Number, Str, validate_record
from handouts.yamlsrc import load_yaml

STYLES = ("regular", "bold", "italic", "bold_italic")
FAMILY_FIELDS = {style: Str(required=True) for style in STYLES} | {
    "licence": Str(required=True),
    "scripts": ListOf(item=Str(), min_items=1, doc="ISO 15924 script codes it covers (default [Latn])"),
    "shaping": Bool(doc="true for scripts that need HarfBuzz shaping (Arabic, Devanagari)"),
    "line_breaking": Choice(values=("words", "cjk"), doc="cjk breaks lines between characters"),
    "leading_scale": Number(minimum=1.0, maximum=1.5,
                            doc="the layouts' line spacing times this, for a script whose marks reach "
                                "far above and below (Arabic): no ink of one line touches the next"),
    "min_leading": Number(minimum=1.0, maximum=2.0,
                          doc="the least line spacing, times the type size, at which no ink of one line "
                              "touches the next (handouts preflight measures it): a layout's closer "
                              "lines (a wallet card's) are opened to it"),
}


@dataclass(frozen=True)
class FontFamily:
    """A family's four faces as files, and the names ReportLab knows them by once registered."""

    name: str
    files: dict  # style -> Path
    scripts: tuple = ("Latn",)
    shaping: bool = False
    cjk: bool = False
    leading_scale: float = 1.0   # the layout's leading times this (see FAMILY_FIELDS)
    min_leading: float = 1.0     # and never less than this

    def face(self, style: str = "regular") -> str:
        return f"{self.name.replace(' ', '')}-{style}"


def font_families(registry: Registry) -> dict[str, FontFamily]:
    """Every family named in any ``fonts.yaml``; a clinic's file overrides a bundled family."""
    families: dict[str, FontFamily] = {}
    for path in registry.fonts_paths():
        shown = shown_path(path)
        data = load_yaml(path, display=shown)
        if not isinstance(data, dict):
            raise ContentError("fonts.yaml must map family names to their files", path=shown, line=1)
        for family, entry in data.items():
            problems = validate_record(FAMILY_FIELDS, entry, path=shown, line=data.line_of(family),
                                       keypath=str(family)) if isinstance(entry, dict) else []
            if not isinstance(entry, dict) or problems:
                first = problems[0] if problems else None
                raise ContentError(first.message if first else f"{family}: should list regular, bold, italic, "
                                   "bold_italic and licence", path=shown, line=data.line_of(family))
            files = {}
            for style in (*STYLES, "licence"):
                candidates = [path.parent / entry[style], FONT_DIR / entry[style]]
                found = next((c for c in candidates if c.is_file()), None)
                if found is None:
                    raise FontError(f"font file '{entry[style]}' for {family} ({style}) not found",
                                    path=shown, line=entry.line_of(style),
                                    hint=f"put the file beside {shown} or fix the name")
                files[style] = found
            families[family] = FontFamily(family, files, tuple(entry.get("scripts") or ("Latn",)),
                                          bool(entry.get("shaping")), entry.get("line_breaking") == "cjk",
                                          float(entry.get("leading_scale", 1.0)), float(entry.get("min_leading", 1.0)))
    return families


_registered: dict[str, Path] = {}


def register_family(family: FontFamily) -> None:
    """Register the four faces with ReportLab once per process (it is slow and global)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for style in STYLES:
        face = family.face(style)
        if _registered.get(face) == family.files[style]:
            continue
        try:
            pdfmetrics.registerFont(TTFont(face, str(family.files[style]), shapable=family.shaping))
        except (TTFError, OSError) as exc:
            raise FontError(f"cannot use font file: {exc}", path=family.files[style],
                            hint="use a TrueType (.ttf) font; OpenType CFF fonts cannot be embedded") from None
        _registered[face] = family.files[style]
    base = family.face("regular")
    for bold, italic, style in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
        addMapping(base, bold, italic, family.face(style))


def family_for_locale(layout_family: str, locale: str, script: str, registry: Registry) -> FontFamily:
    """The family to draw ``locale`` (written in ``script``) in: the layout's own when it covers
    the script, otherwise the first family that does."""
    families = font_families(registry)
    if layout_family not in families:
        raise UnknownNameError(f"unknown font family '{layout_family}'",
                               hint=f"families in fonts.yaml: {', '.join(families) or 'none'}")
    preferred = families[layout_family]
    if script in preferred.scripts:
        return preferred
    for family in families.values():
        if script in family.scripts:
            return family
    raise FontError(f"no font family covers the {script} script of locale '{locale}'",
                    hint=f"add a family with 'scripts: [{script}]' to a fonts.yaml in your layouts folder")


_cmaps: dict[Path, frozenset] = {}


def covered_characters(family: FontFamily) -> frozenset:
    """The characters the family's regular face has glyphs for (bold is cut from the same set)."""
    path = family.files["regular"]
    if path not in _cmaps:
        from reportlab.pdfbase.ttfonts import TTFontFile

        _cmaps[path] = frozenset(chr(code) for code in TTFontFile(str(path)).charToGlyph)
    return _cmaps[path]
