"""``handouts i18n``: keep the gettext catalogues in step with the English source.

extract -> messages.pot per module; update -> merge it into each <locale>.po (changed English
becomes fuzzy, keeping the old translation as a hint); status -> how complete each one is.

They write beside the English they translate, so they work on the folders given with
``--content``, or on the bundled content of a source checkout - never inside an installed package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from handouts.content import APP
from handouts.i18n import (
    COMMON,
    TEMPLATE,
    _template,  # the one way a template is made, for the common words as for a module
    babel_locale,
    catalogue_locales,
    locales_folder,
    module_template,
    po_bytes,
    read_catalogue,
)
from handouts.i18n import translated as translated_
from handouts.output import write_output
from handouts.registry import Registry, refuse_installed


@dataclass(frozen=True)
class Target:
    """One thing translators translate: a module, or the common words around every handout."""

    name: str
    folder: Path
    template: Catalog
    below: tuple = ()   # the same-named folders of the content folders before this one, nearest last


def targets(registry: Registry, modules=None) -> list[Target]:
    """What to translate: the modules of the folders given with ``--content`` (the bundled ones
    when none was given), and the common words of each of those folders that has a ``_common``."""
    own = registry.content_dirs[1:] or registry.content_dirs[:1]
    found = []
    for index, root in enumerate(registry.content_dirs):
        if root in own and (root / COMMON).is_dir():
            below = tuple(r / COMMON for r in registry.content_dirs[:index] if (r / COMMON).is_dir())
            found.append(Target(COMMON, root / COMMON, common_template(registry), below))
    bundled = registry.content_dirs[0]
    if not modules and bundled in own and (bundled / APP).is_dir():  # the web app's words: bundled only
        found.append(Target(APP, bundled / APP, strings_template(registry.app_string_entries(), APP)))
    for name, path in registry.module_paths().items():
        if (not modules or name in modules) and path.parent.parent in own:
            module = registry.module(name)
            home = registry.content_dirs.index(path.parent.parent)
            below = tuple(root / name for root in registry.content_dirs[:home] if (root / name).is_dir())
            found.append(Target(name, module.folder, module_template(module), below))
    return found


def common_template(registry: Registry) -> Catalog:
    """The common words as the handouts print them: a clinic's ``_common/strings.yaml`` rewording
    the bundled English, so its translators translate what its handouts say."""
    return strings_template(registry.common_string_entries(), COMMON)


def strings_template(entries: dict, project: str) -> Catalog:
    """The template of a ``strings.yaml``'s words (key -> (English, file, line)), as the common
    words and the web app's words have."""
    return _template([(key, text, "strings.yaml", line) for key, (text, _, line) in entries.items()], project,
                     dt.date(2026, 1, 1))


def refuse_bundled(registry: Registry, command: str) -> None:
    """Without ``--content``, the catalogue commands write into the bundled content: fine in a
    source checkout (that is how its translations are kept), refused in an installed package."""
    if len(registry.content_dirs) == 1:
        refuse_installed(registry.content_dirs[0], command)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    write_output(path, data)
    return True


def extract(registry: Registry, modules=None) -> list[Path]:
    """Write each module's ``messages.pot``; returns the files that changed."""
    refuse_bundled(registry, "i18n extract")
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
    """Merge the English into every catalogue (and start catalogues for ``locales``).

    A catalogue started in a clinic's folder starts from the one it replaces (the bundled Spanish
    common words, say), so only what the clinic reworded needs translating again: it comes out fuzzy.
    """
    refuse_bundled(registry, "i18n update")
    for locale in locales:
        babel_locale(locale)
    changed = []
    for target in targets(registry, modules):
        for locale in sorted(set(catalogue_locales(target.folder)) | set(locales)):
            path = locales_folder(target.folder) / f"{locale}.po"
            seeds = [locales_folder(folder) / f"{locale}.po" for folder in reversed(target.below)]
            seed = next((seed for seed in [path, *seeds] if seed.is_file()), None)
            if seed is not None:
                catalog = read_catalogue(seed, locale)
                catalog.project = target.name
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
                if message is not None and translated_(message.string) and message.fuzzy:
                    fuzzy += 1
                elif message is not None and translated_(message.string):
                    translated += 1
            rows.append(Status(target.name, locale, translated, fuzzy, len(english) - translated - fuzzy))
    return rows
