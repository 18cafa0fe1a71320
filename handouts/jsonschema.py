"""JSON Schemas (draft 2020-12) of our YAML files, made from the field specs the tool validates with.

Editors (the VS Code YAML extension, JetBrains) read a JSON Schema to complete keys, show each key's
``doc`` on hover and underline mistakes as they are typed. Generating it from ``schema.py`` specs,
never writing it by hand, means it cannot drift from what ``handouts check`` accepts.

It says what JSON Schema can say and the tool is the judge of the rest: files a layout
``extends:``, the sizes and contrast a finished layout needs, whether a clinic detail contains markup.
A YAML date (``reviewed: 2026-01-31``) reaches an editor as a string, so dates are strings here;
the tool wants them unquoted.
"""

from __future__ import annotations

import json

from handouts.clinic import CLINIC_FIELDS
from handouts.content import META_FIELDS
from handouts.kinds import KINDS
from handouts.kinds.parts import DIAGRAM_LABELS
from handouts.layouts import COLOUR_PATTERN, LAYOUT_FIELDS, PAPER_FIELDS
from handouts.project import PROJECT_FIELDS
from handouts.schema import Bool, Choice, Date, ListOf, Number, OneOf, Record, Spec, Str, Text

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# What each file kind is, as ``handouts schema`` lists them.
FILE_KINDS = {
    "module": "a content module, content/<name>/module.yaml",
    "layout": "a layout, layouts/<name>.yaml",
    "paper": "a paper size, layouts/paper/<name>.yaml",
    "clinic": "a clinic profile (--clinic FILE)",
    "project": "a project file, handouts.yaml",
}
_NOT_BLANK = "\\S"  # the tool refuses an empty or all-blank string


def spec_schema(spec: Spec) -> dict:
    """The JSON Schema of one field spec, with its ``doc`` as the description."""
    schema = _shape(spec)
    description = _description(spec)
    return ({"description": description} if description else {}) | schema


def _description(spec: Spec) -> str:
    """The spec's ``doc``, plus what kind of text or date it wants where the type alone does not say."""
    if isinstance(spec, Text):
        note = "Text a patient reads, translated in the catalogues: " + (
            "Markdown (**bold**, *italic*, lists, https:, tel: and mailto: links)." if spec.markdown
            else "plain text, no Markdown.")
    elif isinstance(spec, Date):
        note = "A date written unquoted, like 2026-01-31."
    else:
        return spec.doc
    return f"{spec.doc}. {note}" if spec.doc else note


def _shape(spec: Spec) -> dict:
    if isinstance(spec, (Text, Str)):
        schema = {"type": "string", "pattern": _NOT_BLANK}
        if isinstance(spec, Str) and spec.max_length:
            schema["maxLength"] = spec.max_length
        return schema
    if isinstance(spec, Number):
        schema = {"type": "integer" if spec.integer else "number"}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
        return schema
    if isinstance(spec, Bool):
        return {"type": "boolean"}
    if isinstance(spec, Date):
        return {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    if isinstance(spec, Choice):
        return {"enum": list(spec.values)}
    if isinstance(spec, ListOf):
        schema = {"type": "array", "items": spec_schema(spec.item)}
        if spec.min_items:
            schema["minItems"] = spec.min_items
        if spec.max_items is not None:
            schema["maxItems"] = spec.max_items
        return schema
    if isinstance(spec, Record):
        return record_schema(spec.fields)
    if isinstance(spec, OneOf):  # exactly one key, and that key one of the options
        return {"type": "object", "properties": {key: spec_schema(option) for key, option in spec.options.items()},
                "additionalProperties": False, "minProperties": 1, "maxProperties": 1}
    return {}


def record_schema(fields: dict) -> dict:
    """A mapping: the known keys, the required ones, and no other key (as ``validate_record``)."""
    schema = {"type": "object", "properties": {key: spec_schema(spec) for key, spec in fields.items()}}
    required = [key for key, spec in fields.items() if spec.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _document(kind: str, schema: dict) -> dict:
    return {"$schema": DRAFT, "title": f"handouts {kind}", "description": FILE_KINDS[kind][0].upper()
            + FILE_KINDS[kind][1:] + "."} | schema


# -- modules ---------------------------------------------------------------------------------------

def _section_rules(section: dict) -> None:
    """What ``module_problems`` adds to the field specs of a section: something to print, and exactly
    the labels its diagram's kind draws."""
    section["anyOf"] = [{"required": [key]} for key in ("body", "steps", "diagram")]
    diagram = section["properties"]["diagram"]
    diagram["allOf"] = [
        {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
         "then": {"properties": {"labels": {"required": list(labels), "propertyNames": {"enum": list(labels)}}}}}
        for kind, labels in DIAGRAM_LABELS.items()
    ]


def _kind_properties(kind: str) -> dict:
    properties = {key: spec_schema(spec) for key, spec in KINDS[kind].fields.items()}
    for key, value in properties.items():
        if key == "sections":
            _section_rules(value["items"])
    return properties


def module_schema() -> dict:
    """Metadata for every module, then each kind's own keys when ``kind`` names it (if/then).

    Every key of every kind is listed at the top, so an editor completes them before ``kind`` is
    written; each kind's branch then requires its keys and refuses the keys of the other kinds.
    """
    per_kind = {kind: _kind_properties(kind) for kind in KINDS}
    properties = {key: spec_schema(spec) for key, spec in META_FIELDS.items()}
    for kind in KINDS:
        for key, value in per_kind[kind].items():
            if key in properties and properties[key] != value:  # shaped differently per kind: the branch says
                properties[key] = {"description": value["description"]} if value.get("description") else {}
            else:
                properties.setdefault(key, value)
    branches = []
    for kind in KINDS:
        others = {key: False for key in properties if key not in META_FIELDS and key not in per_kind[kind]}
        then = {"properties": per_kind[kind] | others}
        required = [key for key, spec in KINDS[kind].fields.items() if spec.required]
        if required:
            then["required"] = required
        branches.append({"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": then})
    schema = record_schema(META_FIELDS)
    schema["properties"] = properties
    schema["allOf"] = branches
    return _document("module", schema)


# -- the other files -------------------------------------------------------------------------------

def layout_schema() -> dict:
    """One layout file as written: every key optional, since ``extends`` may supply it."""
    schema = record_schema(LAYOUT_FIELDS)
    for colour in schema["properties"]["colours"]["properties"].values():
        colour["pattern"] = COLOUR_PATTERN  # checked by the layout loader, not by the Str spec
    return _document("layout", schema)


def paper_schema() -> dict:
    return _document("paper", record_schema(PAPER_FIELDS))


def clinic_schema() -> dict:
    return _document("clinic", record_schema(CLINIC_FIELDS))


def project_schema() -> dict:
    return _document("project", record_schema(PROJECT_FIELDS))


SCHEMAS = {"module": module_schema, "layout": layout_schema, "paper": paper_schema, "clinic": clinic_schema,
           "project": project_schema}


def schema_for(kind: str) -> dict:
    """The JSON Schema of one file kind (a key of ``FILE_KINDS``)."""
    return SCHEMAS[kind]()


def schema_text(kind: str) -> str:
    """The schema as the JSON an editor reads: indented, in field order, non-ASCII kept as written."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"
