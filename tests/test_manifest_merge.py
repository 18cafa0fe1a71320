"""``handouts manifest merge``: shards built apart come together as the catalogue a whole build makes."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from handouts.batch import MANIFEST
from handouts.cli import main

EPOCH = "1764000000"  # the PDF date; fixed, so the whole build and the shards can be compared byte for byte
CATALOGUE = ["car-t-side-effects", "questions-to-ask", "-l", "es", "-l", "en", "-p", "a4", "-p", "letter"]
SHARDS = 3


def handouts(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small catalogue built whole and in three shards, once for the module."""
    root = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = handouts("build", *CATALOGUE, "-j", "1", "-o", root / "whole")
        assert result.exit_code == 0, result.output
        for index in range(1, SHARDS + 1):
            result = handouts("build", *CATALOGUE, "-j", "1", "--shard", f"{index}/{SHARDS}",
                              "-o", root / f"shard-{index}")
            assert result.exit_code == 0, result.output
        patch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) - 86400))  # one handout dated a day earlier:
        result = handouts("build", "car-t-side-effects", "-l", "en", "-p", "a4", "-o", root / "other")
        assert result.exit_code == 0, result.output  # the same path as in a shard, other bytes
    return root


@pytest.fixture
def shards(built, tmp_path):
    """Writable copies of the shard folders, to break on purpose."""
    folders = []
    for index in range(1, SHARDS + 1):
        folders.append(shutil.copytree(built / f"shard-{index}", tmp_path / f"shard-{index}"))
    return folders


def items(folder) -> list[dict]:
    return json.loads((folder / MANIFEST).read_text())["items"]


def failed_merge(out, *folders) -> str:
    """Run a merge that must fail: one line, exit 1, and ``out`` never made."""
    result = handouts("manifest", "merge", out, *folders)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not out.exists(), sorted(p.name for p in out.iterdir())
    return result.output


def test_merged_shards_equal_the_whole_build(built, shards, tmp_path):
    whole = built / "whole"
    assert len(items(whole)) == 8
    assert all(0 < len(items(folder)) < 8 for folder in shards)  # really split, none holding everything
    out = tmp_path / "merged"
    result = handouts("manifest", "merge", out, *shards)
    assert result.exit_code == 0, result.output
    assert (out / MANIFEST).read_bytes() == (whole / MANIFEST).read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in whole.iterdir())
    for entry in items(out):
        data = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data == (whole / entry["path"]).read_bytes()
        assert str(out / entry["path"]) in result.output


def test_merge_in_another_order_and_again_gives_the_same_bytes(built, shards, tmp_path):
    out = tmp_path / "merged"
    for order in (shards[::-1], shards + shards[:1]):  # a shard given twice lists the same entries: no conflict
        result = handouts("manifest", "merge", out, *order)
        assert result.exit_code == 0, result.output
        assert (out / MANIFEST).read_bytes() == (built / "whole" / MANIFEST).read_bytes()


@pytest.mark.parametrize("tamper, says", [
    (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "does not match manifest.json"),  # same size, other bytes
    (lambda data: data[:-10], "manifest.json says"),                                    # truncated
])
def test_a_tampered_pdf_is_refused(shards, tmp_path, tamper, says):
    victim = shards[1] / items(shards[1])[0]["path"]
    victim.write_bytes(tamper(victim.read_bytes()))
    output = failed_merge(tmp_path / "merged", *shards)
    assert f"{victim}:" in output and says in output


def test_a_missing_pdf_is_refused(shards, tmp_path):
    victim = shards[2] / items(shards[2])[-1]["path"]
    victim.unlink()
    output = failed_merge(tmp_path / "merged", *shards)
    assert f"{victim}: listed in manifest.json but missing" in output


def test_the_same_path_with_other_bytes_in_two_shards_is_refused(built, shards, tmp_path):
    other = shutil.copytree(built / "other", tmp_path / "other")
    (entry,) = items(other)
    first = next(folder for folder in shards if any(e["path"] == entry["path"] for e in items(folder)))
    assert entry["sha256"] != next(e for e in items(first) if e["path"] == entry["path"])["sha256"]
    output = failed_merge(tmp_path / "merged", *shards, other)
    assert f"{entry['path']}: listed with a different sha256" in output
    assert str(first / MANIFEST) in output and str(other / MANIFEST) in output


def test_a_failed_merge_leaves_an_earlier_merge_as_it_was(shards, tmp_path):
    out = tmp_path / "merged"
    assert handouts("manifest", "merge", out, *shards).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (shards[0] / items(shards[0])[0]["path"]).write_bytes(b"%PDF-1.4 not the build's\n")
    result = handouts("manifest", "merge", out, *shards)
    assert result.exit_code == 1, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("break_manifest, says", [
    (lambda path: path.unlink(), "manifest.json: not found"),
    (lambda path: path.write_text('{\n  "items": [\n}\n'), "manifest.json:3: not valid JSON"),
    (lambda path: path.write_text(path.read_text().replace('"handouts ', '"handouts 0.0.0-')), "written by"),
    (lambda path: path.write_text(path.read_text().replace('"path": "', '"path": "../')), "not a file name"),
])
def test_a_broken_shard_manifest_is_refused(shards, tmp_path, break_manifest, says):
    break_manifest(shards[0] / MANIFEST)
    output = failed_merge(tmp_path / "merged", *shards)
    assert str(shards[0] / MANIFEST) in output and says in output


def test_merge_without_shards_is_a_usage_error(tmp_path):
    result = handouts("manifest", "merge", tmp_path / "merged")
    assert result.exit_code == 2
    assert not (tmp_path / "merged").exists()


def test_an_out_folder_that_cannot_be_made_is_one_line(shards, tmp_path):
    (tmp_path / "a-file").write_text("not a folder\n")
    output = failed_merge(tmp_path / "a-file" / "merged", *shards)
    assert "cannot write" in output
