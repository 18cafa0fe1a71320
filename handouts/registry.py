"""Where content modules, layouts, papers and fonts are found.

The bundled ones come first; folders a clinic adds with ``--content`` / ``--layouts`` come after,
and a same-named module or layout there overrides the bundled one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts.content import Module, load_module
from handouts.errors import UnknownNameError

PACKAGE_DIR = Path(__file__).resolve().parent
FONT_DIR = PACKAGE_DIR / "fonts"


def bundled_dir(name: str) -> Path:
    """The bundled ``content`` or ``layouts`` folder: inside an installed wheel, or the checkout."""
    inside = PACKAGE_DIR / "_bundled" / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def shown_path(path: Path) -> str:
    """A short path for messages: relative to the working folder or to the bundled data."""
    path = Path(path).absolute()
    for root in (Path.cwd(), bundled_dir("content").parent):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


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
        return cls([bundled_dir("content"), *extra_content], [bundled_dir("layouts"), *extra_layouts])

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
        return load_module(name, paths[name], shown_path(paths[name]))

    def facts_paths(self) -> list[Path]:
        """Every ``facts.yaml``, bundled first, so a clinic's values override the defaults."""
        return [root / "facts.yaml" for root in self.content_dirs if (root / "facts.yaml").is_file()]

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


def _existing_dir(path, option: str) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise UnknownNameError(f"{option} folder not found", path=path, hint="give a folder that exists")
    return path
