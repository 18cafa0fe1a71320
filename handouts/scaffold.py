"""``handouts new``: a module to start from, in the user's own content folder, that builds at once.

A blank page is the hardest part of writing a handout, and the schema is easiest learned from a
file that already passes it. Every text a patient would read is a short placeholder that starts
with ``REPLACE:``, so one left behind is plain to see on the page and easy to search for.

The module goes into a folder of the user's (``./content`` by default), never into the installed
package. So that a plain ``handouts build`` finds it, the working folder gets a ``handouts.yaml``
naming that folder when it has none - the project file is the one place a folder says what it
builds from, and the same file then carries the clinic, papers and languages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import HandoutsError
from handouts.kinds import KINDS
from handouts.output import write_output
from handouts.project import PROJECT_FILE, find_project
from handouts.registry import Registry, bundled_dir, refuse_installed, shown_path

MODULE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_NAME = 64

HEADER = """\
# A new {kind} module made by 'handouts new'. Every text that starts with "REPLACE:" is a
# placeholder: write your own in its place (plain words, short sentences).
# Facts that change are placeholders too: {{fever}}, {{stay_near_weeks}}, {{no_driving_weeks}},
# and any fact of your own in facts.yaml beside this folder. The format: docs/content-format.md.
title: "REPLACE: the title of your handout"
kind: {kind}
layout: {layout}
version: "0.1"
reviewed: {today}     # the date your team last checked this content
sources:
  - "REPLACE: where the facts come from"
"""

PROJECT_TEXT = """\
# handouts.yaml: what 'handouts build' run in this folder builds (see the README for every key).
content: [{folder}]     # folders of your own modules, besides the bundled ones
"""


@dataclass
class Scaffolded:
    """What ``new`` wrote, and what the user should know about it."""

    module: Path
    project: Path | None = None     # the handouts.yaml written, if one was
    note: str | None = None         # said when the existing handouts.yaml does not name the folder


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a module's name (its folder and its PDFs' file names), or None."""
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if not MODULE_NAME.match(name):
        return "use lower-case letters, digits and single hyphens, like my-card"
    return None


def new_module(name: str, kind: str, content=Path("content"), *, today: dt.date | None = None) -> Scaffolded:
    """Write ``<content>/<name>/module.yaml`` for a module of ``kind`` with placeholder text.

    Refuses an existing name, among the bundled modules too: a new module of the same name would
    hide a bundled handout behind placeholder text.
    """
    assert kind in KINDS and name_problem(name) is None, (kind, name)
    content = Path(content)
    refuse_installed(content, "handouts new")
    project = find_project(everything=False)
    registry = Registry.with_extra([p for p in [*project.content, content] if Path(p).is_dir()])
    existing = registry.module_paths().get(name)
    if existing is not None:
        raise HandoutsError(f"module '{name}' exists already", path=shown_path(existing),
                        hint="choose another name")
    folder = content / name
    if folder.exists():
        raise HandoutsError(f"'{name}' exists already", path=shown_path(folder), hint="choose another name")
    text = HEADER.format(kind=kind, layout=KINDS[kind].layout, today=(today or dt.date.today()).isoformat())
    write_output(folder / "module.yaml", (text + KINDS[kind].scaffold).encode("utf-8"))
    return Scaffolded(folder / "module.yaml", *_project_file(content, project))


def _project_file(content: Path, project) -> tuple[Path | None, str | None]:
    """A ``handouts.yaml`` naming ``content`` when the working folder has none; a note when it has
    one that does not name it. The bundled folder of a source checkout needs neither."""
    if content.resolve() == bundled_dir("content").resolve():
        return None, None
    if project.path is not None:
        if content.resolve() in [Path(p).resolve() for p in project.content]:
            return None, None
        return None, (f"{project.path} does not name {content}: build with --content {content}, "
                      f"or add it to the project's content: list")
    path = Path(PROJECT_FILE)
    folder = os.path.relpath(content.resolve(), Path.cwd().resolve())
    if folder.startswith(".."):
        folder = str(content.resolve())
    write_output(path, PROJECT_TEXT.format(folder=_yaml_str(folder)).encode("utf-8"))
    return path, None


def _yaml_str(text: str) -> str:
    """A path as a YAML flow-sequence item: quoted when it holds anything YAML would read itself."""
    return text if re.fullmatch(r"[A-Za-z0-9_./-]+", text) else json.dumps(text)  # JSON strings are YAML
