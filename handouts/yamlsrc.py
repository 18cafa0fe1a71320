"""Read YAML while remembering where each value came from, so errors can say ``file:line``.

PyYAML throws positions away once it has built plain dicts; we keep them by building ``Located``
mappings and lists that carry the line of every key and item.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from handouts.errors import ContentError


class LocatedDict(dict):
    """A mapping that knows its file, its own line and the line of each key (1-based)."""

    path: Path | None = None
    line: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int | None:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A list that knows its file, its own line and the line of each item (1-based)."""

    path: Path | None = None
    line: int | None = None

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _make_loader(path: Path):
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node):
        result = LocatedDict()
        result.path, result.line = path, node.start_mark.line + 1
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise ContentError("keys must be plain words", path=path, line=key_node.start_mark.line + 1)
            if key in result:
                raise ContentError(
                    f"key '{key}' appears twice", path=path, line=key_node.start_mark.line + 1,
                    hint="keep one of them",
                )
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader, node):
        result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
        result.path, result.line = path, node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


def load_yaml(path: Path, *, display: str | Path | None = None):
    """Parse one YAML file, turning syntax errors into a ``ContentError`` with the line.

    ``display`` is the name shown in messages (a short relative path reads better than an
    absolute one inside a site-packages folder).
    """
    shown = display if display is not None else path
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", path=shown) from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text ({exc.reason})", path=shown, hint="save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_make_loader(shown))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "malformed YAML"
        raise ContentError(
            f"malformed YAML: {what}", path=shown, line=line,
            hint="check indentation, and quote text that contains ': ' or starts with '{', '[', '*' or '&'",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"malformed YAML: {exc}", path=shown) from None
