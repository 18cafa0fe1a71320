"""The HTML twins are valid HTML, as the Nu HTML Checker (vnu, the W3C's checker; ``vnu-jar`` from
the npm registry, run with Debian's Java) reads them: every twin of the catalogue, standard and
large print, with a full clinic profile. ``.ci/run`` installs it and sets ``VNU_JAR``; without it the
test is skipped, except in CI, where it fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from handouts.batch import Plan, catalogue_items, run_batch
from handouts.registry import Registry

JAR = os.environ.get("VNU_JAR") or str(Path(__file__).parents[2] / ".ci/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
pytestmark = pytest.mark.skipif((not Path(JAR).is_file() or not shutil.which("java")) and not os.environ.get("CI"),
                                reason="needs the Nu HTML Checker (VNU_JAR) and java")
PROFILE = """name: Springfield Regional Cancer Center
short_name: SRCC
address: "1200 Oak Street, Building C, Springfield, IL 62701"
phones:
  daytime: "(217) 555-0100"
  after_hours: "(217) 555-0199"
settings:
  emergency_number: "911"
web: https://handouts.example.org/
"""


def test_every_html_twin_is_valid_html(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    registry = Registry()
    modules = sorted(registry.module_paths())
    items = catalogue_items(registry, modules, every_locale=True, variants=["standard", "large-print"],
                            formats=["html"])
    report = run_batch(Plan(out_dir=str(tmp_path / "out"), clinic=str(profile)), items, jobs=2)
    assert not report.failed, [outcome.error for outcome in report.failed]
    twins = sorted((tmp_path / "out").glob("*.html"))
    assert len(twins) == len(items) >= 2 * len(modules)
    result = subprocess.run(["java", "-jar", JAR, "--errors-only", "--format", "json", *map(str, twins)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") == "error"]
    assert errors == [], "\n".join(errors[:20])
