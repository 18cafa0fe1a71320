"""Batch builds: the whole catalogue, shards, the manifest, no-op rebuilds, reproducible bytes."""

from __future__ import annotations

import collections
import hashlib
import json
import os
import signal
import subprocess
import sys
import unicodedata

import pytest
from catalogue import PDFS
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pdfread import needs, poppler_text
from pypdf import PdfReader

from handouts import batch, yamlsrc
from handouts.batch import MANIFEST, Item, take_shard
from handouts.cli import main
from handouts.registry import Registry

LOCALES = ["ar", "en", "es", "hi", "vi", "zh-Hans"]
SCRIPT_SAMPLES = {  # a character class each locale's text must show, read back from the PDF
    "ar": lambda ch: "ARABIC" in unicodedata.name(ch, ""),
    "hi": lambda ch: "DEVANAGARI" in unicodedata.name(ch, ""),
    "zh-Hans": lambda ch: "CJK UNIFIED" in unicodedata.name(ch, ""),
    "vi": lambda ch: ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
    "es": lambda ch: ch in "áéíóúñ¿¡",
    "en": lambda ch: ch.isascii() and ch.isalpha(),
}


def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The whole bundled catalogue, built once with two processes."""
    out = tmp_path_factory.mktemp("catalogue")
    result = build("--all", "-j", "2", "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_all_builds_every_module_locale_and_paper(catalogue):
    manifest = json.loads((catalogue / MANIFEST).read_text())
    keys = {(e["module"], e["locale"], e["paper"], e["variant"]) for e in manifest["items"]}
    modules = {key[0] for key in keys}
    assert len(modules) >= 5
    assert keys == {(m, loc, p, v) for m in modules for loc in LOCALES for p in ("a4", "letter")
                    for v in ("standard", "large-print")}


@needs("pdftotext")
@pytest.mark.parametrize("locale", LOCALES)
def test_each_pdf_has_text_in_its_script(catalogue, locale):
    for pdf in sorted(catalogue.glob(f"*.{locale}.a4*.pdf")):
        text = poppler_text(pdf)  # shaped clusters come back through /ActualText as letters
        assert sum(map(SCRIPT_SAMPLES[locale], text)) >= 20, f"{pdf.name}: too little {locale} text"
        assert not any("\ue000" <= char <= "\uf8ff" for char in text), f"{pdf.name}: private-use characters"


def test_manifest_records_each_pdf(catalogue):
    manifest = json.loads((catalogue / MANIFEST).read_text())
    assert manifest["generator"].startswith("handouts ")
    for entry in manifest["items"]:
        pdf = catalogue / entry["path"]
        data = pdf.read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["pages"] == len(PdfReader(str(pdf)).pages)
        assert entry["content_version"] == Registry().module(entry["module"]).version
        assert entry["review_status"] == ("source" if entry["locale"] == "en" else "draft")
        assert not os.path.isabs(entry["path"])


def test_noop_rebuild_writes_nothing(catalogue):
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in catalogue.iterdir()}
    result = build("--all", "-j", "2", "-o", catalogue)
    assert result.exit_code == 0
    assert f"0 built, {PDFS} up to date, 0 failed, {PDFS} in all" in result.output
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in catalogue.iterdir()}
    assert after == before


def test_noop_rebuild_starts_no_worker_and_imports_no_renderer(catalogue):
    code = """if True:
        import sys
        from handouts.batch import VARIANTS, Plan, catalogue_items, run_batch
        from handouts.registry import Registry
        registry = Registry()
        items = catalogue_items(registry, papers=list(registry.paper_paths()), every_locale=True, variants=VARIANTS)
        report = run_batch(Plan(out_dir=sys.argv[1]), items, jobs=2)
        assert len(items) > 100, len(items)
        assert report.summary() == f"0 built, {len(items)} up to date, 0 failed, {len(items)} in all", report.summary()
        heavy = {"reportlab", "babel", "markdown", "textstat", "uharfbuzz", "bidi", "multiprocessing"}
        assert not heavy & set(sys.modules), heavy & set(sys.modules)
    """
    result = subprocess.run([sys.executable, "-c", code, str(catalogue)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_changed_input_rebuilds_only_its_items(tmp_path, content_copy):
    out = tmp_path / "out"
    assert build("--content", content_copy, "-o", out, "mini-card", "mini-sheet", "-j", "1").exit_code == 0
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Hard to breathe"))
    result = build("--content", content_copy, "-o", out, "mini-card", "mini-sheet", "-j", "1")
    assert "1 built, 1 up to date" in result.output
    forced = build("--content", content_copy, "-o", out, "mini-card", "mini-sheet", "--force")
    assert "2 built, 0 up to date" in forced.output


def test_changed_catalogue_rebuilds_only_its_locale(tmp_path, content_copy):
    args = ("--content", content_copy, "-o", tmp_path / "out", "mini-card", "-l", "en", "-l", "es", "-j", "1")
    assert "2 built, 0 up to date" in build(*args).output
    with open(content_copy / "mini-card" / "locales" / "es.po", "a", encoding="utf-8") as po:
        po.write("\n# a translator's note\n")
    assert "1 built, 1 up to date" in build(*args).output
    assert "0 built, 2 up to date" in build(*args).output


def test_library_upgrade_or_new_date_rebuilds(tmp_path, fixtures, monkeypatch):
    args = ("--content", fixtures / "content", "-o", tmp_path / "out", "mini-card", "mini-sheet", "-j", "1")
    assert "2 built, 0 up to date" in build(*args).output
    assert "0 built, 2 up to date" in build(*args).output
    installed = batch.installed_version
    monkeypatch.setattr(batch, "installed_version", lambda name: "99.0" if name == "reportlab" else installed(name))
    assert "2 built, 0 up to date" in build(*args).output
    assert "0 built, 2 up to date" in build(*args).output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert "2 built, 0 up to date" in build(*args).output


def test_tracked_libraries_are_looked_up_without_importing_them():
    assert batch.installed_version("no-such-distribution-for-handouts") == "absent"
    assert all(batch.installed_version(name) != "absent" for name in batch.TRACKED_DISTRIBUTIONS)


def test_each_yaml_file_is_parsed_once_per_build(tmp_path, fixtures, monkeypatch):
    parsed = collections.Counter()
    parse = yamlsrc._parse
    monkeypatch.setattr(yamlsrc, "_parsed", {})
    monkeypatch.setattr(yamlsrc, "_parse", lambda path, shown: parsed.update([str(path)]) or parse(path, shown))
    result = build("--content", fixtures / "content", "-o", tmp_path / "out", "-j", "1", "--paper", "a4",
                   "--paper", "letter", "mini-card", "mini-sheet", "mini-checklist")
    assert "6 built" in result.output
    assert any(path.endswith("module.yaml") for path in parsed) and set(parsed.values()) == {1}


def _build_in_process(out, epoch):
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    subprocess.run([sys.executable, "-m", "handouts", "build", "car-t-side-effects", "questions-to-ask",
                    "-l", "ar", "-l", "zh-Hans", "-o", str(out), "-j", "1", "--format", "pdf,html"],
                   check=True, capture_output=True, env=env)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("epoch", [None, "1764000000"])
def test_two_processes_give_identical_bytes(tmp_path, epoch):
    first = _build_in_process(tmp_path / "one", epoch)
    second = _build_in_process(tmp_path / "two", epoch)
    assert first == second and len(first) == 9  # 4 tagged PDFs, their 4 HTML twins, the manifest


def test_source_date_epoch_sets_the_pdf_date(tmp_path):
    _build_in_process(tmp_path / "dated", "1764000000")
    reader = PdfReader(str(tmp_path / "dated" / "car-t-side-effects.ar.a4.pdf"))
    assert reader.metadata["/CreationDate"].startswith("D:20251124")


def test_parallel_and_serial_builds_agree(tmp_path, fixtures):
    for jobs, name in (("1", "serial"), ("2", "parallel")):
        assert build("--content", fixtures / "content", "-o", tmp_path / name, "-j", jobs,
                     "mini-card", "mini-sheet", "mini-checklist").exit_code == 0
    serial = {p.name: p.read_bytes() for p in (tmp_path / "serial").iterdir()}
    parallel = {p.name: p.read_bytes() for p in (tmp_path / "parallel").iterdir()}
    assert serial == parallel


def test_keep_going_builds_the_rest_and_fails_at_the_end(tmp_path, content_copy):
    sheet = content_copy / "mini-sheet" / "module.yaml"
    sheet.write_text(sheet.read_text().replace("left: Crisp.", "left: '<i>Crisp</i>'"))
    out = tmp_path / "out"
    stopped = build("--content", content_copy, "-o", out, "-j", "1", "mini-sheet", "mini-checklist")
    assert stopped.exit_code == 1 and "raw HTML" in stopped.output
    going = build("--content", content_copy, "-o", out, "-j", "1", "--keep-going", "mini-sheet", "mini-checklist")
    assert going.exit_code == 1
    assert "0 built, 1 up to date, 1 failed, 2 in all" in going.output
    assert (out / "mini-checklist.en.a4.pdf").is_file() and not (out / "mini-sheet.en.a4.pdf").exists()


def test_shard_option(tmp_path, fixtures):
    out = tmp_path / "out"
    for shard in ("1/2", "2/2"):
        result = build("--content", fixtures / "content", "-o", out, "--shard", shard, "mini-card", "mini-sheet",
                       "mini-checklist", "--paper", "a4", "--paper", "letter")
        assert result.exit_code == 0
    assert len(list(out.glob("*.pdf"))) == 6
    bad = build("--shard", "3/2")
    assert bad.exit_code == 2 and "out of range" in bad.output  # a usage error


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["en", "ar"]), st.sampled_from(["a4", "letter"])),
                unique=True), st.integers(min_value=1, max_value=5))
def test_shards_partition_the_catalogue(keys, count):
    items = [Item(*key) for key in keys]
    shards = [take_shard(items, index, count) for index in range(1, count + 1)]
    assert sorted(item for shard in shards for item in shard) == sorted(items)
    assert take_shard(list(reversed(items)), 1, count) == shards[0]  # the order given does not matter


def test_project_file(tmp_path, fixtures):
    (tmp_path / "handouts.yaml").write_text(
        "modules: [mini-card]\nlocales: [en, es]\npapers: [letter]\n"
        f"clinic: {fixtures / 'clinics' / 'riverside.yaml'}\n"
        f"content: [{fixtures / 'content'}]\nout: site\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = build()
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "site").glob("*.pdf")) == ["mini-card.en.letter.pdf",
                                                                         "mini-card.es.letter.pdf"]
    manifest = (tmp_path / "site" / MANIFEST).read_text()
    assert "Riverside" not in manifest and "555-0100" not in manifest  # no clinic or patient data


def test_the_whole_catalogue_is_byte_identical_run_after_run_and_at_any_jobs(tmp_path):
    """Every PDF of the catalogue, built by one process and by two workers that each built other
    handouts first (the Hindi PDFs once differed with the order), has the same sha256."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    sums = []
    for run, jobs in enumerate(([], ["-j", "2"], ["-j", "1"])):  # the default -j, two workers, one process
        out = tmp_path / f"run{run}"
        subprocess.run([sys.executable, "-m", "handouts", "build", "--all", "-o", str(out), *jobs],
                       check=True, capture_output=True, env=env)
        sums.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.pdf")})
    assert len(sums[0]) == PDFS
    assert sums[0] == sums[1] == sums[2]


def test_a_rebuild_stopped_before_its_entry_is_written_leaves_no_stale_entry(tmp_path, content_copy, monkeypatch):
    """The old entry goes before the new PDF is written, so no moment has an entry that does not match."""
    out = tmp_path / "out"
    args = ("--content", content_copy, "-o", out, "-j", "1", "mini-card", "mini-sheet")
    assert build(*args).exit_code == 0
    card = content_copy / "mini-card" / "module.yaml"
    card.write_text(card.read_text().replace("Trouble breathing", "Hard to breathe"))
    build_one = batch.build_one

    def written_then_interrupted(*item):
        build_one(*item)
        raise KeyboardInterrupt  # Ctrl-C between the new PDF and its manifest entry

    monkeypatch.setattr(batch, "build_one", written_then_interrupted)
    handler = signal.getsignal(signal.SIGINT)
    try:
        stopped = build(*args)
    finally:
        signal.signal(signal.SIGINT, handler)  # the command ignores a second Ctrl-C on its way out
    assert stopped.exit_code == 130 and "interrupted" in stopped.output
    entries = json.loads((out / MANIFEST).read_text())["items"]
    assert [entry["path"] for entry in entries] == ["mini-sheet.en.a4.pdf"]
    assert entries[0]["sha256"] == hashlib.sha256((out / "mini-sheet.en.a4.pdf").read_bytes()).hexdigest()
    monkeypatch.setattr(batch, "build_one", build_one)
    assert "1 built, 1 up to date" in build(*args).output


def test_a_failed_rebuild_keeps_the_entry_of_the_pdf_it_left(tmp_path, content_copy):
    out = tmp_path / "out"
    args = ("--content", content_copy, "-o", out, "-j", "1", "mini-sheet", "mini-checklist")
    assert build(*args).exit_code == 0
    before = (out / MANIFEST).read_bytes()
    sheet = content_copy / "mini-sheet" / "module.yaml"
    sheet.write_text(sheet.read_text().replace("left: Crisp.", "left: '<i>Crisp</i>'"))
    assert build(*args).exit_code == 1
    assert (out / MANIFEST).read_bytes() == before  # the old PDF is still there, and still listed
