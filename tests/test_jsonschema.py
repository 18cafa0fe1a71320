"""JSON Schemas for editors: valid draft 2020-12, accepting every file we ship, refusing what the tool refuses."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from handouts.clinic import CLINIC_FIELDS, load_clinic
from handouts.content import META_FIELDS, module_problems
from handouts.errors import HandoutsError
from handouts.jsonschema import FILE_KINDS, schema_for
from handouts.kinds import KINDS
from handouts.layouts import LAYOUT_FIELDS, PAPER_FIELDS, layout_problems, load_paper
from handouts.project import PROJECT_FIELDS, load_project
from handouts.registry import Registry
from handouts.schema import ListOf, OneOf, Record

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = "modules: [mini-card]\nlocales: [en, es]\npapers: [letter]\nvariants: [standard, large-print]\nout: site\n"
LAYOUT = "extends: base\nrenderer: sheet\ntable: {topic_width: 0.2}\n"

KIND_FIELDS = {name: kind.fields for name, kind in KINDS.items()}


def as_json(value):
    """Parsed YAML as an editor sees it: dates are the strings they were written as."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(kind: str, text: str) -> list[str]:
    data = json.loads(json.dumps(as_json(yaml.safe_load(text))))
    return [error.message for error in Draft202012Validator(schema_for(kind)).iter_errors(data)]


def tool_problems(kind: str, text: str, folder: Path) -> str:
    """What the tool says of one file of ``kind`` (empty when it accepts it)."""
    if kind in ("layout", "paper"):
        target = folder / "layouts" / ("paper" if kind == "paper" else "") / "x.yaml"
    else:
        target = folder / kind / "x.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    registry = Registry.with_extra(layouts=[folder / "layouts"]) if kind in ("layout", "paper") else None
    try:
        if kind == "module":
            return "\n".join(str(p) for p in module_problems("x", target, "x/module.yaml")[1])
        if kind == "layout":
            return "\n".join(str(p) for p in layout_problems("x", registry)[1])
        {"paper": lambda: load_paper("x", registry), "clinic": lambda: load_clinic(target),
         "project": lambda: load_project(target)}[kind]()
    except HandoutsError as exc:
        return exc.format_message()
    return ""


def readme_examples() -> dict:
    """The clinic profile and project file the README shows, by kind."""
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return {"clinic": [b for b in blocks if b.startswith("name:")], "project": [b for b in blocks
                                                                               if b.startswith("modules:")]}


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_each_schema_is_valid_draft_2020_12(kind):
    schema = schema_for(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["properties"]


def shipped_files():
    registry = Registry()
    files = [("module", path) for path in registry.module_paths().values()]
    files += [("module", path) for path in sorted(FIXTURES.glob("content*/*/module.yaml"))]
    files += [("layout", path) for path in registry.layout_paths().values()]
    files += [("paper", path) for path in registry.paper_paths().values()]
    files += [("clinic", path) for path in sorted((FIXTURES / "clinics").glob("*.yaml"))]
    return files


@pytest.mark.parametrize("kind, path", [pytest.param(kind, path, id=f"{path.parent.name}/{path.name}")
                                        for kind, path in shipped_files()])
def test_every_shipped_file_validates(kind, path):
    assert schema_errors(kind, path.read_text(encoding="utf-8")) == []


def test_shipped_files_cover_every_kind_of_module_and_renderer():
    """So the test above checks each if/then branch and each layout shape, not one of them."""
    modules = [yaml.safe_load(p.read_text()) for kind, p in shipped_files() if kind == "module"]
    layouts = [yaml.safe_load(p.read_text()) for kind, p in shipped_files() if kind == "layout"]
    assert {m["kind"] for m in modules} == set(KIND_FIELDS)
    assert {"sheet", "card", "checklist", "alert"} <= {lay.get("renderer") for lay in layouts}


@pytest.mark.parametrize("kind", ["clinic", "project"])
def test_readme_examples_and_project_fixture_validate(kind):
    examples = readme_examples()[kind] + ([PROJECT] if kind == "project" else [])
    assert examples
    for text in examples:
        assert schema_errors(kind, text) == []


def test_module_schema_branches_on_kind():
    branches = {b["if"]["properties"]["kind"]["const"]: b["then"] for b in schema_for("module")["allOf"]}
    assert set(branches) == set(KIND_FIELDS)
    assert branches["card"]["required"] == ["front", "back"]
    assert branches["card"]["properties"]["glossary"] is False    # a sheet's key on a card
    assert branches["sheet"]["properties"]["front"] is False


def described(fields: dict, schema: dict, where: str = "") -> list[str]:
    """Keypaths whose spec has a ``doc`` that the schema's description does not start with."""
    missing = []
    for key, spec in fields.items():
        prop = schema["properties"][key]
        if spec.doc and not prop.get("description", "").startswith(spec.doc):
            missing.append(f"{where}{key}")
        inner, inner_schema = spec, prop
        while isinstance(inner, ListOf):
            inner, inner_schema = inner.item, inner_schema["items"]
        if isinstance(inner, Record):
            missing += described(inner.fields, inner_schema, f"{where}{key}.")
        elif isinstance(inner, OneOf):
            missing += described(inner.options, inner_schema, f"{where}{key}.")
    return missing


@pytest.mark.parametrize("kind, fields", [
    ("layout", LAYOUT_FIELDS), ("paper", PAPER_FIELDS), ("clinic", CLINIC_FIELDS), ("project", PROJECT_FIELDS),
    ("module", META_FIELDS),
])
def test_every_documented_key_carries_its_doc(kind, fields):
    assert described(fields, schema_for(kind)) == []


@pytest.mark.parametrize("kind", KIND_FIELDS)
def test_every_documented_key_of_each_module_kind_carries_its_doc(kind):
    then = next(b["then"] for b in schema_for("module")["allOf"] if b["if"]["properties"]["kind"]["const"] == kind)
    assert described(KIND_FIELDS[kind], then) == []


def test_layout_keys_are_all_documented():
    """Layouts have no other reference than these descriptions and docs/layouts.md."""
    layout = schema_for("layout")

    def undocumented(schema, where=""):
        found = []
        for key, prop in schema.get("properties", {}).items():
            if not prop.get("description"):
                found.append(where + key)
            found += undocumented(prop, f"{where}{key}.")
        return found

    assert undocumented(layout) == []
    assert "millimetres" in layout["properties"]["margins_mm"]["properties"]["top"]["description"]
    assert "points" in layout["properties"]["type_pt"]["properties"]["body"]["description"]


def text_of(kind: str) -> str:
    return {"sheet": (FIXTURES / "content/mini-sheet/module.yaml").read_text(),
            "card": (FIXTURES / "content/mini-card/module.yaml").read_text(),
            "layout": LAYOUT, "paper": (ROOT / "layouts/paper/a4.yaml").read_text(),
            "clinic": (FIXTURES / "clinics/riverside.yaml").read_text(), "project": PROJECT}[kind]


KIND_OF = {"sheet": "module", "card": "module"}
CYCLE = "  - heading: Steps\n    diagram:\n      kind: car-t-cycle\n      alt: A circle.\n      labels: "


@pytest.mark.parametrize("source", ["sheet", "card", "layout", "paper", "clinic", "project"])
def test_the_unbroken_examples_pass_both(source, tmp_path):
    kind = KIND_OF.get(source, source)
    assert schema_errors(kind, text_of(source)) == []
    assert tool_problems(kind, text_of(source), tmp_path) == ""


BROKEN = [
    # source, old, new, what the tool says
    ("sheet", "kind: comparison\n", "kind: comparison\ncolour: red\n", "unknown key 'colour'"),
    ("sheet", 'version: "0.1"', "version: 0.1", "version: should be text"),
    ("sheet", "title: Test comparison\n", "", "missing required key 'title'"),
    ("sheet", "kind: comparison", "kind: leaflet", "'leaflet' is not one of"),
    ("sheet", "comparison:\n  columns", "front: [{text: Hi.}]\ncomparison:\n  columns", "unknown key 'front'"),
    ("sheet", "  - heading: Steps\n    steps:\n      - title: Wash\n        text: Wash the fruit.\n"
              "      - title: Eat\n        text: Eat the fruit.\n", "  - heading: Steps\n",
     "needs a 'body', 'steps' or 'diagram'"),
    ("sheet", "  - heading: Steps\n", f"{CYCLE}{{you: You, step1: One}}\n", "missing 'step2'"),
    ("sheet", "  - heading: Steps\n",
     f"{CYCLE}{{you: a, step1: b, step2: c, step3: d, step4: e, step5: f, t_cell: g}}\n",
     "'t_cell' is not a label of a car-t-cycle diagram"),
    ("sheet", "key_points:\n  - Apples and pears are both fruit.\n", "key_points:\n", "needs at least 2 items"),
    ("card", "  - fields: [Name, Date]\n", "  - fields: [Name, Date]\n    text: Two blocks in one.\n",
     "should have exactly one of"),
    ("card", "  - contacts: true", "  - contacts: yes please", "contacts: should be true or false"),
    ("card", "layout: wallet-card\n", "", "missing required key 'layout'"),
    ("layout", "renderer: sheet\n", "renderer: sheet\nshadow: 3\n", "unknown key 'shadow'"),
    ("layout", "renderer: sheet\n", "renderer: sheet\ntype_pt: {body: big}\n", "type_pt.body: should be a number"),
    ("layout", "renderer: sheet\n", "renderer: poster\n", "'poster' is not one of"),
    ("layout", "renderer: sheet\n", "renderer: sheet\ncolours: {accent: red}\n", "'red' is not a colour"),
    ("layout", "renderer: sheet\n", "renderer: sheet\ncolours: {accent: '#abc'}\n", "'#abc' is not a colour"),
    ("paper", "height_mm: 297\n", "", "missing required key 'height_mm'"),
    ("paper", "width_mm: 210", "width_mm: wide", "width_mm: should be a number"),
    ("clinic", "paper: letter\n", "paper: letter\nfax: '555-0101'\n", "unknown key 'fax'"),
    ("clinic", 'emergency: "911"', "emergency: 911", "phones.emergency: should be text"),
    ("clinic", "name: Riverside Cancer Center & Clinic\n", "", "missing required key 'name'"),
    ("clinic", "name: Riverside Cancer Center & Clinic", "name: '   '", "name: is empty"),
    ("clinic", "fever_threshold_c: 38.3", "fever_threshold_c: 101", "should be at most"),
    ("project", "out: site\n", "out: site\ncolour: red\n", "unknown key 'colour'"),
    ("project", "out: site\n", "out: site\njobs: many\n", "jobs: should be a number"),
    ("project", "variants: [standard, large-print]", "variants: [standard, huge]", "'huge' is not one of"),
    ("project", "locales: [en, es]", "locales: []", "needs at least 1 item"),
]


@pytest.mark.parametrize("source, old, new, message", BROKEN, ids=[f"{case[0]}: {case[3]}" for case in BROKEN])
def test_broken_files_are_refused_by_schema_and_tool(source, old, new, message, tmp_path):
    kind = KIND_OF.get(source, source)
    original = text_of(source)
    assert old in original, f"{old!r} is not in the {source} example"
    text = original.replace(old, new, 1)
    assert schema_errors(kind, text), "the schema accepted it"
    assert message in tool_problems(kind, text, tmp_path)


def test_schema_command_lists_prints_and_writes(run, tmp_path):
    listed = run("schema")
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == list(FILE_KINDS)
    printed = run("schema", "layout")
    assert printed.exit_code == 0 and json.loads(printed.output) == schema_for("layout")
    written = run("schema", "module", "-o", tmp_path / "module.schema.json")
    assert written.exit_code == 0
    assert json.loads((tmp_path / "module.schema.json").read_text(encoding="utf-8")) == schema_for("module")


def test_schema_command_refuses_an_unknown_kind(run):
    result = run("schema", "poster")
    assert result.exit_code == 2 and "module, layout, paper, clinic, project" in result.output
