"""Read YAML while remembering where each value came from, so errors can say ``file:line``.

PyYAML throws positions away once it has built plain dicts; we keep them by building ``Located``
mappings and lists that carry the line of every key and item.

A batch reads the same few files for every handout, so each file is parsed once per process (with
libyaml where PyYAML has it) and every caller gets its own copy of the result.
"""

from __future__ import annotations

import os
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


# libyaml parses about ten times faster than PyYAML's pure-Python parser and gives the same marks.
FAST_LOADER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


def _make_loader(path: Path, base=yaml.SafeLoader):
    class Loader(base):
        pass

    def refuse_alias(loader, node, line: int):
        """Aliases (``*name``, ``<<: *name``) are refused: a handful of lines that refer to each
        other can stand for billions of values (a 631-byte profile ran for minutes), and a handout
        file has no need of them. An aliased node is one already built when it is met again."""
        if node in loader.constructed_objects or node.tag == "tag:yaml.org,2002:merge":
            raise ContentError("YAML aliases (*name and <<: *name) are not allowed", path=path, line=line,
                               hint="write the value out where it is needed")

    def construct_mapping(loader, node):
        result = LocatedDict()
        result.path, result.line = path, node.start_mark.line + 1
        for key_node, value_node in node.value:
            refuse_alias(loader, key_node, key_node.start_mark.line + 1)
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise ContentError("keys must be plain words", path=path, line=key_node.start_mark.line + 1)
            if key in result:
                raise ContentError(
                    f"key '{key}' appears twice", path=path, line=key_node.start_mark.line + 1,
                    hint="keep one of them",
                )
            refuse_alias(loader, value_node, key_node.start_mark.line + 1)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader, node):
        items = []
        for child in node.value:
            refuse_alias(loader, child, node.start_mark.line + 1)
            items.append(loader.construct_object(child, deep=True))
        result = LocatedList(items)
        result.path, result.line = path, node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


_parsed: dict[tuple, tuple] = {}  # (resolved path, display) -> ((size, mtime_ns, inode), parsed value)


def load_yaml(path: Path, *, display: str | Path | None = None):
    """Parse one YAML file, turning syntax errors into a ``ContentError`` with the line.

    ``display`` is the name shown in messages (a short relative path reads better than an
    absolute one inside a site-packages folder).

    A file is parsed once per process while its size, modification time and inode stay the same;
    each call returns a fresh copy, so a caller may change what it gets without changing what the
    next caller reads.
    """
    shown = display if display is not None else path
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise ContentError("file not found", path=shown) from None
    key, signature = (str(Path(path).resolve()), shown), (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    cached = _parsed.get(key)
    if cached is None or cached[0] != signature:
        cached = _parsed[key] = (signature, _parse(path, shown))
    return copy_located(cached[1])


def copy_located(value):
    """A copy of parsed YAML a caller may change: containers are new, scalars (immutable) are shared.

    Much cheaper than ``copy.deepcopy``, and it keeps the lines of every key and item.
    """
    if isinstance(value, LocatedDict):
        copy = LocatedDict({key: copy_located(item) for key, item in value.items()})
        copy.path, copy.line, copy.key_lines = value.path, value.line, dict(value.key_lines)
        return copy
    if isinstance(value, LocatedList):
        copy = LocatedList(copy_located(item) for item in value)
        copy.path, copy.line, copy.item_lines = value.path, value.line, list(value.item_lines)
        return copy
    if isinstance(value, dict):
        return {key: copy_located(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):  # !!omap and !!pairs give lists of tuples, !!set a set
        return type(value)(copy_located(item) for item in value)
    return value


def _parse(path: Path, shown):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", path=shown) from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text ({exc.reason})", path=shown, hint="save the file as UTF-8") from None
    if FAST_LOADER is not yaml.SafeLoader:
        try:
            return yaml.load(text, Loader=_make_loader(shown, FAST_LOADER))  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            # libyaml words its errors differently (and refuses a few things PyYAML reads): parse the
            # file again with the pure-Python parser, so messages and lines stay as they always were.
            pass
    try:
        return yaml.load(text, Loader=_make_loader(shown, yaml.SafeLoader))  # noqa: S506 - SafeLoader subclass
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
