"""``handouts i18n``: keep the gettext catalogues in step with the English source.

extract -> messages.pot per module; update -> merge it into each <locale>.po (changed English
becomes fuzzy, keeping the old translation as a hint); status -> how complete each one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from handouts.i18n import (
    COMMON,
    TEMPLATE,
    babel_locale,
    catalogue_locales,
    common_strings_path,
    common_template,
    locales_folder,
    module_template,
    po_bytes,
    read_catalogue,
)
from handouts.output import write_atomic
from handouts.registry import Registry


@dataclass(frozen=True)
class Target:
    """One thing translators translate: a module, or the common words around every handout."""

    name: str
    folder: Path
    template: Catalog


def targets(registry: Registry, modules=None) -> list[Target]:
    """What to translate: the modules of the folders given with ``--content`` (the bundled ones
    and the common words when none was given), so a clinic never writes into the installed tool."""
    own = registry.content_dirs[1:] or registry.content_dirs[:1]
    found = []
    if own == registry.content_dirs[:1]:
        found.append(Target(COMMON, common_strings_path(registry).parent, common_template(registry)))
    for name, path in registry.module_paths().items():
        if (not modules or name in modules) and any(path.is_relative_to(root) for root in own):
            module = registry.module(name)
            found.append(Target(name, module.folder, module_template(module)))
    return found


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


def extract(registry: Registry, modules=None) -> list[Path]:
    """Write each module's ``messages.pot``; returns the files that changed."""
    changed = []
    for target in targets(registry, modules):
        path = locales_folder(target.folder) / TEMPLATE
        new = po_bytes(target.template)
        if path.is_file() and _without_volatile_header(path.read_bytes()) == _without_volatile_header(new):
            continue  # like Sphinx: a template is rewritten only when its messages change
        if _write_if_changed(path, new):
            changed.append(path)
    return changed


_VOLATILE = (b'"Generated-By:', b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def _without_volatile_header(data: bytes) -> bytes:
    """A template's bytes without the header lines that change with the tool's version or the day."""
    return b"\n".join(line for line in data.splitlines() if not line.startswith(_VOLATILE))


def update(registry: Registry, locales=(), modules=None) -> list[Path]:
    """Merge the English into every catalogue (and start catalogues for ``locales``)."""
    for locale in locales:
        babel_locale(locale)
    changed = []
    for target in targets(registry, modules):
        for locale in sorted(set(catalogue_locales(target.folder)) | set(locales)):
            path = locales_folder(target.folder) / f"{locale}.po"
            if path.is_file():
                catalog = read_catalogue(path, locale)
            else:
                catalog = Catalog(locale=locale.replace("-", "_"), project=target.name, version="1",
                                  creation_date=target.template.creation_date, fuzzy=False)
            catalog.update(target.template, no_fuzzy_matching=False, update_header_comment=False)
            catalog.obsolete.clear()  # the old text lives on as '#| msgid' of the fuzzy entry
            catalog.revision_date = target.template.revision_date
            catalog.language_team = f"{locale} <translators of {target.name}>"
            if _write_if_changed(path, po_bytes(catalog)):
                changed.append(path)
    return changed


@dataclass(frozen=True)
class Status:
    module: str
    locale: str
    translated: int
    fuzzy: int
    missing: int

    @property
    def percent(self) -> float:
        total = self.translated + self.fuzzy + self.missing
        return 100.0 * self.translated / total if total else 100.0


def status(registry: Registry) -> list[Status]:
    """Per module and locale: strings translated, fuzzy and missing, against the current English."""
    rows = []
    for target in targets(registry):
        english = [m.id for m in target.template if m.id]
        for locale in catalogue_locales(target.folder):
            catalog = read_catalogue(locales_folder(target.folder) / f"{locale}.po", locale)
            translated = fuzzy = 0
            for msgid in english:
                message = catalog.get(msgid)
                if message is not None and message.string and message.fuzzy:
                    fuzzy += 1
                elif message is not None and message.string:
                    translated += 1
            rows.append(Status(target.name, locale, translated, fuzzy, len(english) - translated - fuzzy))
    return rows
