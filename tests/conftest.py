"""Shared fixtures: small real content files, a CLI runner, and ways to read PDFs back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the ``handouts`` command in an empty folder; returns Click's result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the fixture modules, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def edit(content_copy):
    """Change one module of the writable fixture copy: ``edit("mini-card", old, new)``.

    The old text must be there, so a test never passes because its edit silently missed.
    """

    def replace(module: str, old: str, new: str) -> Path:
        path = content_copy / module / "module.yaml"
        text = path.read_text()
        assert old in text, f"{old!r} is not in {module}"
        path.write_text(text.replace(old, new))
        return path

    return replace


@pytest.fixture(scope="session")
def bundled_catalogue(tmp_path_factory) -> Path:
    """Every bundled handout, built once per run by the command a CI pipeline runs (``--strict``),
    for the tests that only read it (tagging, safety layout, preflight): one build, not three."""
    out = tmp_path_factory.mktemp("bundled-catalogue")
    subprocess.run([sys.executable, "-m", "handouts", "build", "--all", "-j", "2", "-o", str(out), "--strict"],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def full_profile_catalogue(tmp_path_factory) -> Path:
    """Every bundled handout built with a clinic profile that sets every field (fixtures/clinics/
    full.yaml: name, short name, three phones, address, logo, web address, a setting), once per run."""
    out = tmp_path_factory.mktemp("full-profile-catalogue")
    subprocess.run([sys.executable, "-m", "handouts", "build", "--all", "-j", "2", "-o", str(out),
                    "-c", str(FIXTURES / "clinics" / "full.yaml")], check=True, capture_output=True)
    return out
