"""Reading YAML with lines kept, so every message can point at its line."""

from __future__ import annotations

import pytest
import yaml

from handouts import yamlsrc
from handouts.errors import ContentError
from handouts.yamlsrc import LocatedDict, LocatedList, load_yaml


def test_lines_of_keys_and_items(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: x\nlist:\n  - one\n  - two\nmap:\n  key: value\n")
    data = load_yaml(path)
    assert data.line_of("title") == 1 and data.line_of("map") == 5
    assert data["list"].line_of(1) == 4
    assert data["map"].line_of("key") == 6


def test_duplicate_key_is_an_error(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: x\ntitle: y\n")
    with pytest.raises(ContentError, match=r"a.yaml:2: key 'title' appears twice"):
        load_yaml(path)


def test_malformed_yaml_has_line(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: x\nbody: [unclosed\nother: 1\n")
    with pytest.raises(ContentError) as caught:
        load_yaml(path, display="a.yaml")
    assert caught.value.problem.line is not None
    assert "malformed YAML" in caught.value.format_message()


def test_not_utf8(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(ContentError, match="not UTF-8"):
        load_yaml(path)


def _count_parses(monkeypatch) -> list:
    parsed = []
    real = yamlsrc._parse
    monkeypatch.setattr(yamlsrc, "_parse", lambda path, shown: parsed.append(path) or real(path, shown))
    return parsed


def test_a_file_is_parsed_once_until_it_changes(tmp_path, monkeypatch):
    parsed = _count_parses(monkeypatch)
    path = tmp_path / "a.yaml"
    path.write_text("title: x\n")
    assert load_yaml(path) == load_yaml(path, display=path) == {"title": "x"}
    assert len(parsed) == 1
    path.write_text("title: changed\n")
    assert load_yaml(path) == {"title": "changed"}
    assert len(parsed) == 2


def test_callers_get_their_own_copy(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: x\nmap:\n  list:\n    - one\n    - two\n")
    first = load_yaml(path, display="a.yaml")
    first["title"] = "changed"
    first["map"]["list"].append("three")
    first["map"]["new"] = 1
    again = load_yaml(path, display="a.yaml")
    assert again == {"title": "x", "map": {"list": ["one", "two"]}}
    assert again["map"].line_of("list") == 3 and again["map"]["list"].line_of(1) == 5
    assert again["map"]["list"].path == "a.yaml"


SAMPLE = """\
# a comment
title: x
flow: {a: 1,
  b: [1,
      2]}
text: |
  two
  lines

list:
- one
-   - nested
    - items
- key: value
  other: 2024-01-02
"""


def _shape(value):
    """Values with the line of every key and item, to compare two loaders."""
    if isinstance(value, LocatedDict):
        return value.line, value.key_lines, {key: _shape(item) for key, item in value.items()}
    if isinstance(value, LocatedList):
        return value.line, value.item_lines, [_shape(item) for item in value]
    return value


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
def test_libyaml_keeps_the_same_lines_as_pure_python(tmp_path, monkeypatch):
    path = tmp_path / "a.yaml"
    path.write_text(SAMPLE)
    assert yamlsrc.FAST_LOADER is yaml.CSafeLoader
    fast = _shape(load_yaml(path))
    monkeypatch.setattr(yamlsrc, "FAST_LOADER", yaml.SafeLoader)
    monkeypatch.setattr(yamlsrc, "_parsed", {})
    assert _shape(load_yaml(path)) == fast


@pytest.mark.parametrize("text", ["title: x\nbody: [unclosed\nother: 1\n", "a: b: c\n", "title: x\ntitle: y\n",
                                  "- a\nb: c\n", "a: '\n"])
def test_errors_read_as_pure_python_words_them(tmp_path, monkeypatch, text):
    path = tmp_path / "a.yaml"
    path.write_text(text)
    with pytest.raises(ContentError) as fast:
        load_yaml(path, display="a.yaml")
    monkeypatch.setattr(yamlsrc, "FAST_LOADER", yaml.SafeLoader)
    monkeypatch.setattr(yamlsrc, "_parsed", {})
    with pytest.raises(ContentError) as slow:
        load_yaml(path, display="a.yaml")
    assert fast.value.format_message() == slow.value.format_message()
    assert fast.value.problem.line == slow.value.problem.line
