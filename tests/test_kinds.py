"""A kind is one unit: its folder under handouts/kinds/ is the only code that names it.

The test reads the package's source (not its behaviour), so a dispatch on a kind's name added
anywhere else - ``if kind == "card"``, ``kind in ("comparison", "sheet")``, a dict keyed by
kinds - fails here, and a new kind never needs a line outside its folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import handouts
from handouts.kinds import KINDS, NAMES, stage
from handouts.registry import Registry

PACKAGE = Path(handouts.__file__).parent
KINDS_PACKAGE = PACKAGE / "kinds"


# What else is called "kind": a diagram's, a block's, a contact row's (``self.kind``, ``node.kind``).
HANDOUT_KIND = {"module", "document", "doc", "handout", "entry"}
# Renderers share three names with kinds ("sheet", "card", "checklist"); a list of renderers is not
# a list of kinds, but a list holding any other kind's name is.
RENDERER_NAMES = {name for kind in KINDS.values() for name in (kind.renderer, kind.large_renderer)}


def _is_handout_kind(node: ast.AST) -> bool:
    """``kind`` in ``kind == ...``, or ``module.kind`` (a handout's), not ``node.kind``."""
    if isinstance(node, ast.Name):
        return node.id == "kind"
    return isinstance(node, ast.Attribute) and node.attr == "kind" and _is_handout_kind_owner(node.value)


def _is_handout_kind_owner(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in HANDOUT_KIND


def _kind_constants(node: ast.AST) -> list[str]:
    values = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [v.value for v in values if isinstance(v, ast.Constant) and v.value in KINDS]


def _a_list_of_kinds(names: list[str]) -> bool:
    return len(names) >= 2 and not set(names) <= RENDERER_NAMES


def kind_dispatches(source: str) -> list[tuple[int, str]]:
    """Where ``source`` branches on a kind's name or keys a table by kinds."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_handout_kind(side) for side in sides) and any(_kind_constants(side) for side in sides):
                found[node.lineno] = ast.unparse(node)
        elif isinstance(node, ast.Dict):
            if _a_list_of_kinds([name for key in node.keys if key is not None for name in _kind_constants(key)]):
                found.setdefault(node.lineno, ast.unparse(node)[:60])
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and _a_list_of_kinds(_kind_constants(node)):
            found.setdefault(node.lineno, ast.unparse(node)[:60])
    return sorted(found.items())


def test_the_finder_finds_a_dispatch_on_a_kind():
    """The check below can fail: each way of naming kinds in code is found."""
    source = ('if module.kind == "card":\n    pass\n'
              'if kind in ("comparison", "sheet"):\n    pass\n'
              'RENDERER = {"comparison": "sheet", "card": "card"}\n'
              'x = kind == "diagram"\n'
              'y = self.kind == "comparison"\n'            # a diagram's kind
              'RENDERERS = ("sheet", "card", "checklist")\n'  # renderers, not kinds
              'z = document.kind != "checklist"\n')
    assert [line for line, _ in kind_dispatches(source)] == [1, 3, 5, 9]


def test_no_code_outside_the_kinds_package_names_a_kind():
    files = [path for path in sorted(PACKAGE.rglob("*.py")) if KINDS_PACKAGE not in path.parents]
    assert len(files) > 40   # the whole package was read, not an empty glob
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text}"
             for path in files for line, text in kind_dispatches(path.read_text(encoding="utf-8"))]
    assert found == []


def test_no_template_branches_on_a_kind():
    templates = sorted(PACKAGE.rglob("*.j2"))
    assert templates
    names = "|".join(map(re.escape, KINDS))
    owner = r"\b(module|document|doc|handout|entry)\.kind"
    pattern = re.compile(owner + r"\s*(==|!=|in)\s*[\"'(\[]\s*[\"']?(" + names + r")\b")
    found = [f"{path.relative_to(PACKAGE)}: {match.group(0)}"
             for path in templates for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_has_every_stage_and_a_bundled_module(name):
    kind = KINDS[name]
    assert kind.name == name and kind.fields and kind.scaffold.strip()
    assert callable(stage(name, "document", "x", None).build)
    assert callable(stage(name, "checks", "x", None).items)
    registry = Registry()
    assert any(registry.module(module).kind == name for module in registry.module_paths())
