"""The raw corpus guard: every bad input stops the build, names the file, and writes nothing.

The damage is done to a copy of data/raw, to whichever plans its manifest lists.
"""
import csv
import hashlib
from pathlib import Path

import pytest

from analysis.corpus.decode import read_text
from analysis.pipeline.run import build
from analysis.errors import BuildError
from tests.conftest import copy_raw, rewrite_manifest


def snapshot(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A good earlier build, to check that failures leave it untouched."""
    raw = copy_raw(tmp_path_factory.mktemp("raw"))
    out = tmp_path_factory.mktemp("out") / "processed"
    build(raw, out, progress=False, similarity=False)
    return out


def edit_manifest(raw: Path, fn):
    path = raw / "manifest.csv"
    rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    rows = fn(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def manifest_rows(raw: Path) -> list[dict]:
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def plan_file(raw: Path, i: int = 0) -> str:
    """The file of the manifest's *i*-th plan (counting round, so any corpus of one plan or more will do)."""
    files = [r["file"] for r in manifest_rows(raw) if (r.get("role") or "plan") == "plan"]
    return files[i % len(files)]


def empty_file(raw):
    f = plan_file(raw, 2)
    (raw / f).write_bytes(b"")
    rewrite_manifest(raw)
    return f"{f}: the file is empty"


def binary_file(raw):
    f = plan_file(raw, 2)
    (raw / f).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    rewrite_manifest(raw)
    return f"{f}: byte 8 is a NUL byte"


def undecodable_file(raw):
    f = plan_file(raw, 2)
    data = read_text(raw / f)[0].encode("utf-8")  # the plan as UTF-8, whatever it was saved in
    at = data.find(b"\n", 100) + 1  # a character boundary (0: the start, if no line break follows byte 100)
    (raw / f).write_bytes(data[:at] + b"\xff\xff" + data[at:])
    rewrite_manifest(raw)
    return f"{f}: cannot be decoded. Byte {at} (0xff)"


def row_without_file(raw):
    f = plan_file(raw, 3)
    (raw / f).unlink()
    return f"{f}: listed but missing"


def file_without_row(raw):
    name = next(n for n in (f"unlisted_{i}.txt" for i in range(1000)) if not (raw / n).exists())
    (raw / name).write_text("一、总体要求\n", encoding="utf-8")
    return f"{name}: this file is in the raw folder but has no row"


def sha_mismatch(raw):
    f = plan_file(raw, 1)
    p = raw / f
    p.write_bytes(p.read_bytes() + b"\n")
    return f"{f}: sha256 is"


def duplicate_jurisdiction(raw):
    first = manifest_rows(raw)[0]

    def dup(rows):
        if len(rows) > 1:
            rows[1]["jurisdiction"] = first["jurisdiction"]
        else:  # a corpus of one document: a second row, for a copy of its file
            (raw / "dup_of_first.txt").write_bytes((raw / first["file"]).read_bytes() + b"\n")
            rows.append({**first, "file": "dup_of_first.txt",
                         "sha256": hashlib.sha256((raw / "dup_of_first.txt").read_bytes()).hexdigest()})
        return rows
    edit_manifest(raw, dup)
    return f"jurisdiction '{first['jurisdiction']}' is listed twice"


def no_manifest(raw):
    (raw / "manifest.csv").unlink()
    return "manifest.csv: no manifest"


@pytest.mark.parametrize("breaker", [empty_file, binary_file, undecodable_file, row_without_file,
                                     file_without_row, sha_mismatch, duplicate_jurisdiction, no_manifest])
def test_bad_input_stops_with_clear_message_and_writes_nothing(breaker, tmp_path, previous):
    raw = copy_raw(tmp_path / "raw")
    expected = breaker(raw)
    before = snapshot(previous)
    with pytest.raises(BuildError) as e:
        build(raw, previous, progress=False, similarity=False)
    assert expected in str(e.value)
    assert snapshot(previous) == before
    assert not list(previous.parent.glob(".*staging*"))


def test_cli_reports_error_without_traceback(tmp_path, capsys):
    from analysis.__main__ import main

    raw = copy_raw(tmp_path / "raw")
    broken = sha_mismatch(raw).split(":")[0]
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and broken in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_refuses_to_replace_unrelated_folder(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="was not written by the build"):
        build(copy_raw(tmp_path / "raw"), out, progress=False, similarity=False)
    assert (out / "notes.txt").read_text() == "keep me"


def test_another_plan_needs_only_a_file_and_a_row(tmp_path):
    """A plan added as its file (here: GB18030) and one manifest row is read like the others."""
    raw = copy_raw(tmp_path / "raw")
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    model = next(r for r in rows if r.get("role", "plan") != "reference")  # any plan will do
    text = read_text(raw / model["file"])[0]
    (raw / "added_plan.txt").write_bytes(text.encode("gb18030"))
    new = {**{c: "" for c in header}, "jurisdiction": "added_plan", "file": "added_plan.txt",
           "sha256": hashlib.sha256((raw / "added_plan.txt").read_bytes()).hexdigest(),
           "name_zh": model["name_zh"], "name_en": "An added plan", "level": model["level"]}
    with open(raw / "manifest.csv", "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow(new)
    c = build(raw, tmp_path / "out", progress=False, similarity=False)
    assert list(c.documents.jurisdiction)[-1] == "added_plan"
    a = c.actions
    assert a[a.jurisdiction == "added_plan"].title.tolist() == a[a.jurisdiction == model["jurisdiction"]].title.tolist()
    assert c.documents.set_index("jurisdiction").loc["added_plan", "encoding"] == "gb18030"
