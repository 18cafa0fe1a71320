"""Languages: each module's English is the source; a language is a gettext catalogue beside it.

``<module>/locales/messages.pot`` is extracted from the English; ``<module>/locales/<locale>.po``
holds one language, in the format translators and their tools (Poedit, Weblate) already use.
``<module>/locales/review.yaml`` says, per locale, whether a clinician has reviewed it.
The structure of a handout always comes from the English module and never forks per language.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from handouts.content import (  # noqa: F401  (re-exported: where catalogues live is part of the source)
    COMMON,
    REVIEW_FILE,
    SOURCE_LOCALE,
    Module,
    catalogue_locales,
    locales_folder,
    module_locales,
)
from handouts.errors import ContentError, UnknownNameError
from handouts.facts import placeholders_in
from handouts.registry import FoundModule, catalogue_candidates, shown_path
from handouts.schema import Choice, Date, Str, validate_record
from handouts.yamlsrc import load_yaml

TEMPLATE = "messages.pot"
REVIEW_FIELDS = {
    "status": Choice(required=True, values=("draft", "reviewed")),
    "translated_by": Str(doc="who or what wrote the translation"),
    "reviewed_by": Str(doc="the clinician who reviewed it (only with status: reviewed)"),
    "reviewed_on": Date(doc="when it was reviewed (only with status: reviewed)"),
}


def babel_locale(locale: str) -> Locale:
    """Babel's view of a locale tag such as ``zh-Hans`` or ``pt_BR``."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise UnknownNameError(f"'{locale}' is not a locale Babel knows",
                               hint="use a tag like es, vi, zh-Hans or pt-BR") from None


def locale_script(locale: str) -> str:
    """The ISO 15924 script a locale is written in (``ar`` -> ``Arab``, ``zh-Hans`` -> ``Hans``)."""
    from babel.core import get_global

    parsed = babel_locale(locale)
    if parsed.script:
        return parsed.script
    likely = get_global("likely_subtags").get(parsed.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


def script_name(script: str) -> str:
    """A script's English name for messages (``Arab`` -> ``Arabic``), from Babel's data."""
    from babel import Locale

    return Locale("en").scripts.get(script, script)


def is_rtl(locale: str) -> bool:
    return babel_locale(locale).character_order == "right-to-left"


# -- templates -------------------------------------------------------------------------------

def _template(entries, project: str, created: dt.date) -> Catalog:
    """A POT catalogue. Dated from the content, not the clock, so re-extracting changes nothing."""
    stamp = dt.datetime.combine(created, dt.time(), tzinfo=dt.timezone.utc)
    catalog = Catalog(project=project, version="1", creation_date=stamp, revision_date=stamp,
                      fuzzy=False, charset="utf-8", msgid_bugs_address="")
    for keypath, english, where, line in entries:
        existing = catalog.get(english)
        flags = ("python-brace-format",) if any(_has_placeholder(t) for t in _forms(english)) else ()
        if existing is None:
            catalog.add(english, locations=[(where, line or 0)], auto_comments=[keypath], flags=flags)
        else:
            existing.locations.append((where, line or 0))
            existing.auto_comments.append(keypath)
    return catalog


def _forms(english) -> tuple:
    """The strings of a message: one, or a counted word's singular and plural."""
    return english if isinstance(english, tuple) else (english,)


def translated(string) -> bool:
    """Whether a catalogue entry says something: a plural entry needs every form."""
    return all(string) if isinstance(string, tuple) else bool(string)


def _has_placeholder(text: str) -> bool:
    try:
        return bool(placeholders_in(text))
    except ValueError:
        return False


def module_template(module: Module) -> Catalog:
    """Every string a patient reads in one module, with its key path for the translator."""
    entries = [(keypath, english, "module.yaml", line) for keypath, english, _, line in module.texts()]
    return _template(entries, module.name, module.reviewed)


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, include_previous=True)
    return buffer.getvalue()


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?("(?:[^"\\]|\\.)*")?(.*)$')


def po_syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line of a catalogue that is not well-formed gettext, as ``msgfmt -c`` would find
    it (Babel's reader quietly cuts an unterminated string short: "Llame" became "Llam")."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE.match(line)
        string, rest = match.group(1), match.group(2).strip()
        if string is None:
            if line.startswith(('"', "msg")) and line.count('"') % 2:
                return number, "unterminated string (a closing \" is missing)"
            return number, f"not gettext syntax: {line[:40]!r}"
        if rest:
            return number, f"text after the closing quote: {rest[:40]!r}"
    return None


def read_catalogue(path: Path, locale: str) -> Catalog:
    try:
        data = path.read_bytes()
        problem = po_syntax_problem(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read catalogue: {exc}", path=shown_path(path),
                           hint="save the .po file as UTF-8") from None
    if problem:
        raise ContentError(problem[1], path=shown_path(path), line=problem[0],
                           hint="fix the .po file, or run 'handouts i18n update' to rewrite it")
    try:
        catalog = read_po(io.BytesIO(data), locale=locale.replace("-", "_"), abort_invalid=True)
    except Exception as exc:  # Babel raises PoFileError and others for a broken file  # noqa: BLE001
        raise ContentError(f"cannot read catalogue: {exc}", path=shown_path(path),
                           hint="fix the .po file, or run 'handouts i18n update' to rewrite it") from None
    _restore_previous_ids(catalog)
    return catalog


def _restore_previous_ids(catalog: Catalog) -> None:
    """Babel writes the old English of a fuzzy entry as '#| msgid' but reads it back as a plain
    comment, which the next write mangles into '# | msgid'. Put it back where it belongs."""
    from babel.messages.pofile import unescape

    for message in catalog:
        kept, previous = [], []
        for comment in message.user_comments:
            text = comment.strip()
            if text.startswith("| msgid "):
                previous.append(unescape(text[len("| msgid "):]))
            elif text.startswith('| "') and previous:
                previous[-1] += unescape(text[2:])
            else:
                kept.append(comment)
        if previous:
            message.user_comments = kept
            message.previous_id = previous[:1] if message.fuzzy else []


# -- translating -------------------------------------------------------------------------------

@dataclass
class Translator:
    """Looks up one module's English strings in one locale; remembers what it had to leave English."""

    locale: str
    messages: dict = field(default_factory=dict)
    fuzzy: set = field(default_factory=set)
    missing: list = field(default_factory=list)     # (where in the catalogue, what) left in English
    review: dict = field(default_factory=lambda: {"status": "reviewed"})
    path: str = ""                                  # the catalogue, as messages show it
    lines: dict = field(default_factory=dict)       # English -> the catalogue line of its entry (fuzzy too)
    fallback: str = ""                              # the locale whose catalogue stands in (es for es-MX)
    plural_expr: str = "(n != 1)"                   # the catalogue's gettext plural rule (Babel's, from CLDR)

    @property
    def source(self) -> bool:
        """English is written, not translated: for ``en``, and for ``en-GB`` falling back to it."""
        return (self.fallback or self.locale) == SOURCE_LOCALE

    def line_of(self, english: str) -> int | None:
        """The catalogue line a translation came from (None when English was used)."""
        return self.lines.get(english) if english in self.messages else None

    def __call__(self, english: str, context: str = "") -> str:
        if self.source:
            return english
        translated = self.messages.get(english)
        if not translated:
            state = "fuzzy (the English changed)" if english in self.fuzzy else "missing"
            line = self.lines.get(english)
            where = f"{self.path}:{line}: " if self.path and line else (f"{self.path}: " if self.path else "")
            self.missing.append((where, f"{context or english!r} is {state}"))
            return english
        return translated

    def plural_index(self, count: int) -> int:
        """Which form of a plural entry ``count`` takes, by the catalogue's ``Plural-Forms`` rule
        (the one Babel writes from CLDR: Arabic has six forms, Chinese one)."""
        return plural_function(self.plural_expr)(count)

    def counted(self, english: tuple, count: int, context: str = "") -> str:
        """The form of a counted word (``("{n} week", "{n} weeks")``) for ``count``, ``{n}`` left in.

        A translation with too few forms is left English, with a warning like a missing one."""
        if not self.source:
            forms = self.messages.get(english)
            index = self.plural_index(count)
            if forms and index < len(forms):
                return forms[index]
            state = "fuzzy (the English changed)" if english in self.fuzzy else "missing"
            line = self.lines.get(english)
            where = f"{self.path}:{line}: " if self.path and line else (f"{self.path}: " if self.path else "")
            self.missing.append((where, f"{context or english[0]!r} is {state}"))
        return english[0] if count == 1 else english[1]

    @property
    def draft(self) -> bool:
        return not self.source and self.review.get("status") != "reviewed"


@lru_cache(maxsize=64)
def plural_function(expr: str):
    """A gettext ``plural=`` expression as a function of n, through the standard library's parser."""
    import gettext

    return gettext.c2py(expr)


def serving_catalogue(folders, locale: str) -> tuple[str, Path] | None:
    """The catalogue that serves ``locale`` among ``folders`` (later ones win) as (its locale, its
    folder): the locale's own, else the nearest it falls back to (``es-MX`` -> ``es``). English
    needs no catalogue. None when there is nothing to fall back to."""
    for candidate in catalogue_candidates(locale):
        for folder in reversed(list(folders)):
            if candidate == SOURCE_LOCALE or (locales_folder(folder) / f"{candidate}.po").is_file():
                return candidate, folder
    return None


def load_translator(folder, locale: str, overlays=()) -> Translator:
    """The translator for a module folder (or ``_common``) and a locale.

    ``folder`` may be a list, bundled first (every ``_common``): the last one with a catalogue for
    the locale gives it, whole - a clinic's ``_common/locales/pt-BR.po`` gives a new language its
    own notice, and its ``es.po`` replaces the bundled Spanish. Whether it was reviewed is said by a
    ``review.yaml`` beside it, or in a later folder or one of ``overlays`` (a clinic's, which wins).
    """
    folders = [folder] if isinstance(folder, Path) else list(folder)
    found = serving_catalogue(folders, locale)
    if found is None:
        return Translator(locale, review={"status": "draft"})
    used, home = found
    fallback = used if used != locale else ""
    if used == SOURCE_LOCALE:
        return Translator(locale, fallback=fallback)
    path = locales_folder(home) / f"{used}.po"
    stat = path.stat()
    messages, fuzzy, lines, plural_expr = _catalogue_entries(path, used, stat.st_size, stat.st_mtime_ns)
    later = [*folders[folders.index(home) + 1:], *overlays]
    return Translator(locale, dict(messages), set(fuzzy), review=review_status(home, used, later),
                      path=shown_path(path), lines=dict(lines), fallback=fallback, plural_expr=plural_expr)


@lru_cache(maxsize=256)
def _catalogue_entries(path: Path, locale: str, size: int, mtime_ns: int) -> tuple:
    """(translations, fuzzy English, catalogue line of each translation) of one ``.po`` file,
    parsed once per process for as long as the file stays the same."""
    messages, fuzzy, lines = {}, set(), {}
    catalog = read_catalogue(path, locale)
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)  # a counted word: (one, other)
        if message.fuzzy:
            fuzzy.add(key)
            lines[key] = message.lineno
        elif translated(message.string):
            messages[key] = tuple(message.string) if isinstance(key, tuple) else message.string
            lines[key] = message.lineno
    return messages, frozenset(fuzzy), lines, catalog.plural_expr


def review_status(folder: Path, locale: str, later=()) -> dict:
    """What ``review.yaml`` says of a locale; a catalogue nobody vouched for is a draft.

    ``later`` are same-named folders of a clinic's ``--content`` folders: a ``review.yaml`` there
    that names the locale wins, so a clinic that reviewed a bundled translation can say so without
    copying the module (the bundled file is pip's, and an upgrade would undo an edit there).
    """
    for place in [*reversed(list(later)), folder]:
        path = locales_folder(place) / REVIEW_FILE
        if path.is_file():
            shown = shown_path(path)
            data = load_yaml(path, display=shown) or {}
            if not isinstance(data, dict):
                raise ContentError("review.yaml must map each locale to its status", path=shown, line=1)
            if data.get(locale) is not None:
                return _review_entry(data, locale, shown)
    return {"status": "draft"}


def _review_entry(data, locale: str, shown: str) -> dict:
    """One locale's entry of a ``review.yaml``, checked: "reviewed" needs who and when."""
    entry = data.get(locale)
    problems = validate_record(REVIEW_FIELDS, entry, path=shown, line=data.line_of(locale), keypath=locale) \
        if isinstance(entry, dict) else []
    if isinstance(entry, dict) and entry.get("status") == "reviewed" and not (
            entry.get("reviewed_by") and entry.get("reviewed_on")):
        raise ContentError(f"{locale}: status 'reviewed' needs reviewed_by and reviewed_on", path=shown,
                           line=data.line_of(locale), hint="say who reviewed it and when, or keep status: draft")
    if problems or not isinstance(entry, dict):
        first = problems[0] if problems else None
        raise ContentError(first.message if first else f"{locale}: should be a mapping with status:",
                           path=shown, line=first.line if first else data.line_of(locale))
    return dict(entry)


def translator_for(module: Module, locale: str) -> Translator:
    """The translator for one module and locale; a locale with no catalogue and nothing to fall
    back to (``es-MX`` falls back to ``es``) is an error listing the known ones."""
    known = module_locales(module)
    if not any(candidate in known for candidate in catalogue_candidates(locale)):
        raise UnknownNameError(f"module '{module.name}' has no '{locale}' translation",
                               hint=f"locales for it: {', '.join(known)}; "
                                    f"'handouts i18n update --locale {locale}' starts one")
    overlays = module.overlays if isinstance(module, FoundModule) else ()
    return load_translator(module.folder, locale, overlays)
