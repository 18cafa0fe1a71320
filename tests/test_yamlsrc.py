"""Reading YAML with lines kept, so every message can point at its line."""

from __future__ import annotations

import pytest

from handouts.errors import ContentError
from handouts.yamlsrc import load_yaml


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
