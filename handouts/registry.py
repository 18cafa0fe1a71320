"""Where content modules, layouts, papers and fonts are found.

The bundled ones come first; folders a clinic adds with ``--content`` / ``--layouts`` come after,
and a same-named module or layout there overrides the bundled one.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, fields
from pathlib import Path

from handouts.content import APP, COMMON, LOCALES_FOLDER, REVIEW_FILE, Module, load_module
from handouts.errors import ContentError, HandoutsError, UnknownNameError
from handouts.yamlsrc import load_yaml

PACKAGE_DIR = Path(__file__).resolve().parent
FONT_DIR = PACKAGE_DIR / "fonts"


def bundled_dir(name: str) -> Path:
    """The bundled ``content`` or ``layouts`` folder: inside an installed wheel, or the checkout."""
    inside = PACKAGE_DIR / "_bundled" / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def bundled_is_installed() -> bool:
    """Whether the bundled content is the copy inside the installed package (``handouts/_bundled``)
    rather than the top-level ``content/`` of a source checkout. The installed copy belongs to pip:
    an upgrade replaces it, so nothing of a user's may be written there."""
    return bundled_dir("content").is_relative_to(PACKAGE_DIR / "_bundled")


def refuse_installed(path: Path, doing: str) -> None:
    """Raise when ``path`` is inside the installed package: commands never write there."""
    path = Path(path).resolve()
    if bundled_is_installed() and path.is_relative_to(PACKAGE_DIR.resolve()):
        raise HandoutsError(f"{doing} would write inside the installed handouts package ({path})",
                            hint="give --content DIR, a folder of your own; the bundled content can only be "
                                 "changed in a source checkout")


def catalogue_candidates(locale: str) -> list[str]:
    """The catalogues that can serve a locale, best first: ``es-MX`` -> es-MX, es.

    Only region and variant subtags are dropped, never a script: ``zh-Hant-TW`` may use zh-Hant,
    but never a plain ``zh`` catalogue, which could be written in the other script."""
    parts = locale.replace("_", "-").split("-")
    found = [locale]
    while len(parts) > 1 and not (len(parts[-1]) == 4 and parts[-1].isalpha()):
        parts.pop()
        found.append("-".join(parts))
    return found


def shown_path(path: Path) -> str:
    """A short path for messages: relative to the working folder or to the bundled data."""
    path = Path(path).absolute()
    for root in (Path.cwd(), bundled_dir("content").parent):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


@dataclass
class FoundModule(Module):
    """A module as a registry found it, with the same-named folders of the content folders after its
    own (folders without a ``module.yaml``). A ``locales/review.yaml`` there counts for this module:
    a clinic that had a bundled translation reviewed can say so without copying the module."""

    overlays: tuple = ()


@dataclass
class Registry:
    """The folders one run looks in. Later folders override earlier ones, name by name."""

    content_dirs: list[Path] = field(default_factory=lambda: [bundled_dir("content")])
    layout_dirs: list[Path] = field(default_factory=lambda: [bundled_dir("layouts")])

    @classmethod
    def with_extra(cls, content: tuple | list | None = None, layouts: tuple | list | None = None) -> "Registry":
        """The bundled folders plus a clinic's own, checked to exist."""
        extra_content = [_existing_dir(p, "--content") for p in content or ()]
        extra_layouts = [_existing_dir(p, "--layouts") for p in layouts or ()]
        return cls(_distinct([bundled_dir("content"), *extra_content]),
                   _distinct([bundled_dir("layouts"), *extra_layouts]))

    # -- content ---------------------------------------------------------------------------
    def module_paths(self) -> dict[str, Path]:
        """Module name -> its ``module.yaml``, overrides applied, sorted by name."""
        found: dict[str, Path] = {}
        for root in self.content_dirs:
            for path in sorted(root.glob("*/module.yaml")):
                found[path.parent.name] = path
        return dict(sorted(found.items()))

    def module(self, name: str) -> Module:
        paths = self.module_paths()
        if name not in paths:
            raise UnknownNameError(f"unknown module '{name}'",
                                   hint=f"known modules: {', '.join(paths) or 'none'}; see 'handouts list'")
        module = load_module(name, paths[name], shown_path(paths[name]))
        own = max(i for i, root in enumerate(self.content_dirs) if paths[name].parent.parent == root)
        overlays = tuple(root / name for root in self.content_dirs[own + 1:] if (root / name).is_dir())
        return FoundModule(**{f.name: getattr(module, f.name) for f in fields(module)}, overlays=overlays)

    def facts_paths(self) -> list[Path]:
        """Every ``facts.yaml``, bundled first, so a clinic's values override the defaults."""
        return [root / "facts.yaml" for root in self.content_dirs if (root / "facts.yaml").is_file()]

    # -- the words around every handout --------------------------------------------------------
    def common_folders(self) -> list[Path]:
        """Every ``_common`` folder, bundled first: a clinic's own strings and catalogues come later
        and win (strings key by key, a ``<locale>.po`` as a whole)."""
        return [root / COMMON for root in self.content_dirs if (root / COMMON).is_dir()]

    def app_folders(self) -> list[Path]:
        """Every ``_app`` folder (the words of ``handouts serve``), bundled first; a clinic's own
        catalogue for a locale replaces the bundled one whole, as for ``_common``."""
        return [root / APP for root in self.content_dirs if (root / APP).is_dir()]

    def app_string_entries(self) -> dict[str, tuple]:
        """Key -> (English, file as shown, line) of the web app's words: the bundled
        ``_app/strings.yaml`` only (a clinic translates them, it does not reword them)."""
        path = self.content_dirs[0] / APP / "strings.yaml"
        if not path.is_file():
            return {}
        shown = shown_path(path)
        data = load_yaml(path, display=shown) or {}
        entries = {}
        for key, text in data.items():
            if not isinstance(text, str):
                raise ContentError(f"{key}: should be text", path=shown, line=data.line_of(key))
            entries[key] = (text, shown, data.line_of(key))
        return entries

    def common_string_entries(self) -> dict[str, tuple]:
        """Key -> (English, file as shown, line) of every common string, a clinic's
        ``_common/strings.yaml`` overriding the bundled one key by key. A counted word
        (``weeks: ["{n} week", "{n} weeks"]``) has a pair of strings as its English: the singular
        and plural of a gettext plural entry.

        A clinic's file may only reword: a key the bundled file lacks is a typo, and a reworded
        string keeps its placeholders (``{page}``, ``{date}``), which the handout fills in."""
        entries: dict[str, tuple[str, str, int | None]] = {}
        for position, folder in enumerate(self.common_folders()):
            path = folder / "strings.yaml"
            if not path.is_file():
                continue
            shown = shown_path(path)
            data = load_yaml(path, display=shown) or {}
            if not isinstance(data, dict):
                raise ContentError("strings.yaml must map keys to English text", path=shown, line=1)
            for key, text in data.items():
                line = data.line_of(key)
                if isinstance(text, list) and len(text) == 2 and all(isinstance(t, str) and t for t in text):
                    text = tuple(text)
                    if any(_fields(t, shown, line, key) != ["n"] for t in text):
                        raise ContentError(f"{key}: a counted word says where its number goes, as {{n}}, in both "
                                           "forms", path=shown, line=line)
                elif not isinstance(text, str):
                    raise ContentError(f"{key}: should be text (or, for a counted word, its singular and plural)",
                                       path=shown, line=line)
                if position and key not in entries:
                    raise ContentError(f"unknown common string '{key}'", path=shown, line=line,
                                       hint=f"known: {', '.join(entries)}")
                if position and type(text) is not type(entries[key][0]):
                    shape = "a counted word" if isinstance(text, str) else "text"
                    raise ContentError(f"{key}: the bundled text is {shape}; keep its shape", path=shown, line=line)
                if position and isinstance(text, str) and \
                        _fields(text, shown, line, key) != _fields(entries[key][0], *entries[key][1:], key):
                    raise ContentError(f"{key}: keep the placeholders of the bundled text {entries[key][0]!r}",
                                       path=shown, line=line)
                entries[key] = (text, shown, line)
        return entries

    def translation_files(self, folder: Path, locale: str) -> list[Path]:
        """Every file that can change how one module folder (or ``_common``) reads in a locale: its
        catalogues for the locale and its fallbacks, and each ``review.yaml``, in every content folder."""
        files = []
        for root in self.content_dirs:
            locales = root / folder.name / LOCALES_FOLDER
            files += [locales / f"{name}.po" for name in catalogue_candidates(locale)] + [locales / REVIEW_FILE]
            if folder.name == COMMON:
                files.append(root / COMMON / "strings.yaml")
        return files

    # -- layouts ---------------------------------------------------------------------------
    def layout_paths(self) -> dict[str, Path]:
        return self._named_yaml(".")

    def paper_paths(self) -> dict[str, Path]:
        return self._named_yaml("paper")

    def fonts_paths(self) -> list[Path]:
        return [root / "fonts.yaml" for root in self.layout_dirs if (root / "fonts.yaml").is_file()]

    def _named_yaml(self, sub: str) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for root in self.layout_dirs:
            for path in sorted((root / sub).glob("*.yaml")):
                if path.name != "fonts.yaml":
                    found[path.stem] = path
        return dict(sorted(found.items()))


def _fields(text: str, shown: str, line: int | None, key: str) -> list[str]:
    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        raise ContentError(f"{key}: a single '{{' or '}}' (write '{{{{' or '}}}}' for a literal brace)",
                           path=shown, line=line) from None


def _distinct(folders: list[Path]) -> list[Path]:
    """The folders, each once: ``--content content`` in a source checkout is the bundled folder again."""
    seen, kept = set(), []
    for folder in folders:
        if folder.resolve() not in seen:
            seen.add(folder.resolve())
            kept.append(folder)
    return kept


def _existing_dir(path, option: str) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise UnknownNameError(f"{option} folder not found", path=path, hint="give a folder that exists")
    return path
