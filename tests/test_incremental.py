"""Incremental builds: a build into an earlier build's folder extracts only the plans that changed.

The per-plan results live in the output folder's cache (``.analysis-cache/``, :mod:`analysis.pipeline.cache`),
keyed on each plan's raw file, manifest row and errata, the codebook and the code.  Every case checks the
outcome against a build from scratch of the same raw folder: the same bytes, cache included.  The corpora
are plan texts of our own making (tests/fixtures/layouts) and a synthetic corpus large enough for worker
processes; nothing here depends on which plans data/raw holds.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from analysis.errors import BuildError
from analysis.files import file_sha256
from analysis.pipeline.output import CACHE_DIR, MARKER, TAG, is_own_cache
from analysis.pipeline.params import CrossPlanParams
from analysis.pipeline.run import build
from tests import cli

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
HEADER = ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level", "province"]
#: Cheap but complete cross-plan stage (fixed k, no stability runs, no LSA-size comparison).
CHEAP = CrossPlanParams(n_clusters=3, stability_runs=0, sensitivity=False)
PLANS = ["fragment_second_level", "one_level_workplan", "lead_lines_per_item_2008",
         "division_of_tasks_2016", "notice_variant_2019"]


def _raw(folder: Path, fixtures: list[str]) -> Path:
    """A raw folder of the layout fixtures *fixtures* (plan ids p1, p2, ...) with its manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(fixtures, 1):
        _add(folder, name, f"p{i}")
    return folder


def _add(raw: Path, fixture: str, jurisdiction: str) -> None:
    expected = json.loads((FIXTURES / f"{fixture}.expected.json").read_text(encoding="utf-8"))
    shutil.copy2(FIXTURES / f"{fixture}.txt", raw / f"{jurisdiction}.txt")
    manifest = raw / "manifest.csv"
    rows = list(csv.reader(manifest.open(encoding="utf-8", newline=""))) if manifest.is_file() else [HEADER]
    cells = {"jurisdiction": jurisdiction, "file": f"{jurisdiction}.txt",
             "sha256": file_sha256(raw / f"{jurisdiction}.txt"), "name_zh": expected["name_zh"],
             "name_en": f"Plan {jurisdiction}", "level": expected["level"]}
    rows.append([cells.get(h.strip(), "") for h in rows[0]])
    _write_manifest(raw, rows)


def _write_manifest(raw: Path, rows: list[list[str]]) -> None:
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_as_from_scratch(raw: Path, out: Path, tmp: Path, **kw) -> None:
    """*out* holds byte for byte what a build from scratch of *raw* writes (its cache included)."""
    scratch = tmp / "scratch"
    if scratch.exists():
        shutil.rmtree(scratch)
    full = build(raw, scratch, progress=False, verbose=False, **kw)
    assert full.reused == []
    a, b = _files(out), _files(scratch)
    assert sorted(a) == sorted(b)
    assert any(f.startswith(f"{CACHE_DIR}/") for f in a)
    assert [f for f in a if a[f] != b[f]] == []


def test_adding_a_plan_extracts_that_plan_only_and_writes_the_bytes_of_a_full_build(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:3])
    out = tmp_path / "out"
    first = build(raw, out, progress=False, verbose=False, params=CHEAP)
    assert first.reused == []
    assert is_own_cache(out / CACHE_DIR)
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == sorted([TAG, "p1.json", "p2.json", "p3.json"])
    assert not any(f.startswith(CACHE_DIR) for f in json.loads((out / MARKER).read_text("utf-8"))["files"])

    _add(raw, PLANS[3], "p4")
    second = build(raw, out, progress=False, verbose=False, params=CHEAP)
    assert second.reused == ["p1", "p2", "p3"]
    assert second.plans == ["p1", "p2", "p3", "p4"]
    assert second.crossplan is not None  # the cross-plan stage ran again, on the whole corpus
    _same_as_from_scratch(raw, out, tmp_path, params=CHEAP)


def test_a_changed_plan_a_changed_row_and_changed_errata_are_extracted_again(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:4])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    rows = list(csv.reader((raw / "manifest.csv").open(encoding="utf-8", newline="")))
    with open(raw / "p1.txt", "a", encoding="utf-8") as fh:  # the text of p1 changes (its row follows)
        fh.write("\n附件：无\n")
    rows[1][2] = file_sha256(raw / "p1.txt")
    rows[2][4] = "Another English name"  # p2: only its manifest row changes
    _write_manifest(raw, rows)
    c = build(raw, out, progress=False, verbose=False, similarity=False)
    assert c.reused == ["p3", "p4"]
    _same_as_from_scratch(raw, out, tmp_path, similarity=False)


def test_another_codebook_extracts_every_plan_again(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:2])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    from analysis import paths

    codebook = tmp_path / "codebook.yaml"
    codebook.write_bytes(paths.CODEBOOK.read_bytes() + b"\n# a comment: other bytes, the same codes\n")
    c = build(raw, out, codebook, progress=False, verbose=False, similarity=False)
    assert c.reused == []
    again = build(raw, out, codebook, progress=False, verbose=False, similarity=False)
    assert again.reused == ["p1", "p2"]


def test_reuse_false_extracts_every_plan(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:2])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    assert build(raw, out, progress=False, verbose=False, similarity=False, reuse=False).reused == []
    _same_as_from_scratch(raw, out, tmp_path, similarity=False)


@pytest.mark.parametrize("damage", ["garbled", "other_key", "truncated", "symlink"])
def test_a_damaged_cache_entry_is_ignored_and_rewritten(tmp_path, damage):
    raw = _raw(tmp_path / "raw", PLANS[:2])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    entry = out / CACHE_DIR / "p1.json"
    data = entry.read_bytes()
    if damage == "garbled":
        entry.write_bytes(data[:200] + b"X" + data[201:])
    elif damage == "other_key":
        head, rest = data.split(b"\n", 1)
        meta = json.loads(head)
        meta["key"] = "0" * 64
        entry.write_bytes(json.dumps(meta, sort_keys=True).encode() + b"\n" + rest)
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    else:
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(data)
        entry.unlink()
        entry.symlink_to(elsewhere)
    c = build(raw, out, progress=False, verbose=False, similarity=False)
    assert c.reused == ["p2"]
    _same_as_from_scratch(raw, out, tmp_path, similarity=False)


def test_a_cache_folder_the_build_did_not_write_is_never_read_or_touched(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:2])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    (out / CACHE_DIR / TAG).write_text("not the build's tag\n", encoding="utf-8")  # now a folder of someone else's
    theirs = {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()}
    with pytest.raises(BuildError, match=CACHE_DIR):
        build(raw, out, progress=False, verbose=False, similarity=False)
    c = build(raw, out, progress=False, verbose=False, similarity=False, keep_other_files=True)
    assert c.reused == []
    assert {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()} == theirs


def test_the_cache_of_a_folder_without_the_builds_marker_is_not_read(tmp_path):
    raw = _raw(tmp_path / "raw", PLANS[:2])
    out = tmp_path / "out"
    build(raw, out, progress=False, verbose=False, similarity=False)
    mine = tmp_path / "mine"  # someone's folder: their notes, and a copy of a build's cache
    mine.mkdir()
    (mine / "notes.md").write_text("# notes\n", encoding="utf-8")
    shutil.copytree(out / CACHE_DIR, mine / CACHE_DIR)
    theirs = {p.name: p.read_bytes() for p in (mine / CACHE_DIR).iterdir()}
    c = build(raw, mine, progress=False, verbose=False, similarity=False, keep_other_files=True)
    assert c.reused == []
    assert {p.name: p.read_bytes() for p in (mine / CACHE_DIR).iterdir()} == theirs
    assert (mine / "notes.md").read_text(encoding="utf-8") == "# notes\n"


@pytest.fixture(scope="module")
def synth_raw(tmp_path_factory) -> Path:
    """A synthetic corpus of 60 plans (its misses are extracted in worker processes)."""
    d = tmp_path_factory.mktemp("synth")
    r = cli.run("synth", "--plans", 60, "--seed", 3, "--out", d)
    assert r.rc == 0, r.err
    return d / "raw"


def test_many_plans_some_changed_some_added_some_dropped(tmp_path, synth_raw):
    raw = tmp_path / "raw"
    shutil.copytree(synth_raw, raw)
    out = tmp_path / "out"
    r = cli.run("build", "--raw", raw, "--out", out, "--no-similarity", "--quiet")
    assert r.rc == 0, r.err
    rows = list(csv.reader((raw / "manifest.csv").open(encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    ids = [row[header.index("jurisdiction")] for row in body]
    dropped = body.pop(5)  # one plan removed
    (raw / dropped[header.index("file")]).unlink()
    errata = raw / "errata.csv"
    if errata.is_file():  # its errata rows go with it
        kept = [e for e in csv.reader(errata.open(encoding="utf-8", newline=""))
                if e and e[0] != dropped[header.index("file")]]
        with open(errata, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(kept)
    changed = body[10]
    with open(raw / changed[header.index("file")], "a", encoding="utf-8") as fh:
        fh.write("\n附件：无\n")
    changed[header.index("sha256")] = file_sha256(raw / changed[header.index("file")])
    _write_manifest(raw, [header] + body)
    _add(raw, PLANS[0], "added_plan")
    r = cli.run("build", "--raw", raw, "--out", out, "--no-similarity")
    assert r.rc == 0, r.err
    unchanged = len(ids) - 2
    assert f"{unchanged} unchanged since the last build, not extracted again" in r.err, r.err[-2000:]
    assert not (out / CACHE_DIR / f"{dropped[0]}.json").exists()
    _same_as_from_scratch(raw, out, tmp_path, similarity=False)
