"""The pipeline reads top to bottom: source -> i18n -> model -> checks -> render -> batch -> API.

Every import in the package, at the top of a file or inside a function, points to the same layer
or one below it, so there is no import cycle and the model never reaches up to a renderer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import handouts

PACKAGE = Path(handouts.__file__).parent
LAYERS = [
    ("source", {"errors", "yamlsrc", "schema", "registry", "content", "clinic", "facts", "layouts", "fonts",
                "project", "output", "jsonschema", "scaffold", "kinds"}),
    ("i18n", {"i18n", "translations"}),
    ("model", {"model", "markup", "document", "patient"}),
    ("checks", {"readability", "plain_language"}),
    ("render", {"render"}),
    ("batch", {"batch", "manifest", "preflight"}),
    ("api", {"build", "check", "listing", "cli", "__main__", "serve"}),
]


# A kind's folder (handouts/kinds/<kind>/) holds one file per stage: its declaration and schema
# are source, the rest sit in the layer of the stage they serve.
KIND_STAGES = {"document": "model", "checks": "checks"}


def layer_of(module: str) -> int:
    parts = module.split(".")
    if parts[1:2] == ["kinds"] and parts[-1] in KIND_STAGES:
        return [name for name, _ in LAYERS].index(KIND_STAGES[parts[-1]])
    top = parts[1] if len(parts) > 1 else ""
    for index, (_, names) in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"{module} is in no layer")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("handouts."):
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "handouts":
            found.update(f"handouts.{alias.name}" for alias in node.names if not alias.name.startswith("__"))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("handouts."))
    return found


def test_every_import_points_down_the_pipeline():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = "handouts." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        if name == "handouts":
            continue
        for target in imports(path):
            if layer_of(target) > layer_of(name):
                upward.append(f"{name} imports {target}")
    assert upward == []
