"""Hostile input and interruption: the build never loses a file, never reads outside the raw folder,
never builds silently wrong text and never prints a traceback (issue 14).

Every case runs the command line in a subprocess (``python -m analysis build``) on a copy of
``data/raw`` in pytest's ``tmp_path`` and asserts, in this order:

1. the exit status;
2. the message (what it names: the file, the line, the problem);
3. that no byte of the previous output, of the raw folder or of any other file of the test's folder
   changed (sha256 snapshots of the whole folder before and after, symlinks not followed);
4. that stderr is clean: no ``Traceback``, every line holding ``error:`` starts with it (never glued to
   a progress bar, which redraws with ``\\r``), exactly one ``error:`` line, and nothing after it but
   indented detail lines (a list of problems).

Builds run without ``--quiet`` (so progress bars are drawn) and, where the cross-plan tables do not
matter, with ``--no-similarity`` (faster).  stderr is read as bytes, not in universal-newline mode, so a
``\\r`` that glues a message to a progress bar is seen.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import copy_raw, rewrite_manifest

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".analysis-build.json"
HEADER = ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level", "province"]
NEW_ROW_LINE = 7  # data/raw/manifest.csv: header on line 1, five plans on lines 2-6
POSIX = os.name == "posix"


# --------------------------------------------------------------------------------------------- helpers


@dataclass
class Run:
    rc: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def cli(*args, timeout: float = 300) -> Run:
    """``python -m analysis ARGS`` from the repository root; stdout/stderr decoded without newline translation."""
    p = subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT, capture_output=True,
                       timeout=timeout)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def build(raw, out, *extra, similarity: bool = False, timeout: float = 300) -> Run:
    args = ["build", "--raw", raw, "--out", out, *extra]
    if not similarity:
        args.append("--no-similarity")
    return cli(*args, timeout=timeout)


def popen_build(raw, out, *extra, similarity: bool = False, log: Path) -> subprocess.Popen:
    """A build in the background, stderr (and stdout) into *log*, in a session of its own."""
    args = [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out), *map(str, extra)]
    if not similarity:
        args.append("--no-similarity")
    fh = open(log, "wb")
    try:
        return subprocess.Popen(args, cwd=ROOT, stdout=fh, stderr=fh, start_new_session=True)
    finally:
        fh.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(*roots) -> dict[str, str | None]:
    """Every file (sha256), folder and symlink (its target, not followed) under *roots*."""
    snap: dict[str, str | None] = {}
    for root in map(Path, roots):
        if root.is_symlink():
            snap[str(root)] = "link:" + os.readlink(root)
        elif root.is_file():
            snap[str(root)] = sha256(root)
        elif not root.exists():
            snap[str(root)] = None
        else:
            for dirpath, dirnames, filenames in os.walk(root):
                d = Path(dirpath)
                snap[str(d)] = "dir"
                for name in dirnames + filenames:
                    p = d / name
                    if p.is_symlink():
                        snap[str(p)] = "link:" + os.readlink(p)
                    elif p.is_file():
                        snap[str(p)] = sha256(p)
                    elif not p.is_dir():
                        snap[str(p)] = "other"
    return snap


def assert_unchanged(before: dict, after: dict, what: str = "") -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (added or removed or changed), (f"{what} changed: added {added[:10]}, removed {removed[:10]}, "
                                              f"changed {changed[:10]}")


def error_lines(r: Run) -> list[str]:
    return [ln for ln in r.err.split("\n") if ln.startswith("error:")]


def assert_clean_stderr(r: Run) -> None:
    """No traceback; one ``error:`` line, on a line of its own, last (but indented details)."""
    assert "Traceback" not in r.err and "Traceback" not in r.out, f"traceback printed:\n{r.err[-3000:]}"
    lines = r.err.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    glued = [ln for ln in lines if "error:" in ln and not ln.startswith("error:")]
    assert not glued, f"an error message does not start its line (glued to a progress bar?): {glued!r}"
    starts = [i for i, ln in enumerate(lines) if ln.startswith("error:")]
    assert len(starts) == 1, f"expected exactly one 'error:' line, got {len(starts)}:\n{r.err[-3000:]}"
    tail = lines[starts[-1] + 1:]
    assert all(ln[:1] in (" ", "\t") for ln in tail), \
        f"stderr does not end with the error message; after it comes: {tail[:5]!r}"


def assert_clean_success(r: Run) -> None:
    assert "Traceback" not in r.err, r.err[-3000:]
    assert not [ln for ln in r.err.split("\n") if "error:" in ln], r.err[-3000:]


def _match(needle, text: str) -> bool:
    if isinstance(needle, re.Pattern):
        return bool(needle.search(text))
    return needle in text


def refused(root: Path, argv: list, *, needles=(), absent=(), code: int = 2, extra_roots=(),
            timeout: float = 300) -> Run:
    """Run *argv* and assert: exit *code*; the message holds every needle and none of *absent*;
    nothing under *root* (and *extra_roots*) changed; stderr is clean."""
    before = snapshot(root, *extra_roots)
    r = cli(*argv, timeout=timeout)
    assert r.rc == code, f"exit {r.rc}, expected {code}\n--- stderr:\n{r.err[-3000:]}"
    for n in needles:
        assert _match(n, r.err), f"message lacks {getattr(n, 'pattern', n)!r}:\n{r.err[-3000:]}"
    for a in absent:
        assert not _match(a, r.text), f"output holds {getattr(a, 'pattern', a)!r}:\n{r.text[-3000:]}"
    assert_unchanged(before, snapshot(root, *extra_roots), str(root))
    assert_clean_stderr(r)
    return r


def line_re(n: int) -> re.Pattern:
    return re.compile(rf"\bline {n}\b")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def manifest_rows(raw: Path) -> list[list[str]]:
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_manifest(raw: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", delimiter=delimiter).writerows(rows)
    (raw / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")


def set_cell(raw: Path, line: int, column: str, value: str) -> None:
    """Set *column* of the manifest row on file line *line* (2 = first plan)."""
    rows = manifest_rows(raw)
    rows[line - 1][rows[0].index(column)] = value
    write_manifest(raw, rows)


def add_row(raw: Path, jurisdiction: str, file: str, sha: str, name_zh: str = "某某县",
            name_en: str = "Moumou County", level: str = "county", province: str = "山东省") -> None:
    rows = manifest_rows(raw)
    rows.append([jurisdiction, file, sha, name_zh, name_en, level, province])
    write_manifest(raw, rows)


def marker_files(out: Path) -> dict[str, str]:
    return json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]


def assert_complete_build(out: Path) -> None:
    """The marker lists exactly the files of *out* (but itself), each with its sha256."""
    listed = marker_files(out)
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if (p.is_file() or p.is_symlink()) and p.name != MARKER)
    assert sorted(listed) == present, (sorted(set(listed) ^ set(present)))
    bad = [f for f in present if sha256(out / f) != listed[f]]
    assert not bad, f"files whose sha256 differs from the marker: {bad}"


def leftovers(out: Path) -> list[str]:
    """Staging or backup folders of *out* next to it."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


PLAIN_TEXT = """关于加强科学普及工作的意见

科学普及是国家和社会普及科学技术知识、弘扬科学精神、传播科学思想、倡导科学方法的活动，是实现创新发展的重要基础性工作。近年来，我市科普工作取得了明显成效，公民科学素质稳步提升，但仍存在一些不足。

各地各部门要充分认识做好科普工作的重要意义，把科普工作摆在更加突出的位置，加强组织领导，完善工作机制，营造良好的社会氛围，推动全社会共同关心和支持科普事业发展。

本意见自印发之日起施行。
"""


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_raw(tmp_path_factory) -> Path:
    """A valid copy of data/raw (5 plans, manifest, errata), shared read-only by the module."""
    return copy_raw(tmp_path_factory.mktemp("base") / "raw")


@pytest.fixture(scope="module")
def prev_out(tmp_path_factory, base_raw) -> Path:
    """An earlier build's output (per-plan tables only); tests copy it."""
    out = tmp_path_factory.mktemp("prev") / "out"
    r = build(base_raw, out, "--quiet")
    assert r.rc == 0, r.err
    return out


@pytest.fixture(scope="module")
def full_out(tmp_path_factory, base_raw) -> Path:
    """An earlier full build's output (with the cross-plan tables); tests copy it."""
    out = tmp_path_factory.mktemp("full") / "out"
    r = build(base_raw, out, "--quiet", similarity=True, timeout=600)
    assert r.rc == 0, r.err
    return out


@pytest.fixture(scope="module")
def crossplan_tables(full_out, prev_out) -> list[str]:
    names = sorted({p.name for p in full_out.glob("*.csv")} - {p.name for p in prev_out.glob("*.csv")})
    assert {"clusters.csv", "alignment.csv", "keyness.csv"} <= set(names), names
    return names


@pytest.fixture(scope="module")
def synth_raw(tmp_path_factory) -> Path:
    """A synthetic corpus of 60 plans (enough for worker processes)."""
    d = tmp_path_factory.mktemp("synth")
    r = cli("synth", "--plans", 60, "--seed", 1, "--out", d)
    assert r.rc == 0, r.err
    return d / "raw"


@dataclass
class Workspace:
    root: Path
    raw: Path
    out: Path


@pytest.fixture
def ws(tmp_path, base_raw, prev_out) -> Workspace:
    """tmp_path/raw: a copy of the valid corpus; tmp_path/out: a copy of an earlier build's output."""
    raw = tmp_path / "raw"
    shutil.copytree(base_raw, raw)
    out = tmp_path / "out"
    shutil.copytree(prev_out, out, symlinks=True)
    return Workspace(tmp_path, raw, out)


def build_argv(ws: Workspace, *extra) -> list:
    return ["build", "--raw", ws.raw, "--out", ws.out, "--no-similarity", *extra]


# ------------------------------------------------------------------------------------ output folder safety


def test_folder_with_own_documents_csv_and_no_marker_is_refused(tmp_path, base_raw):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "documents.csv").write_text("my,own\n1,2\n", encoding="utf-8")
    (out / "notes.md").write_text("# my notes\n", encoding="utf-8")
    refused(tmp_path, ["build", "--raw", base_raw, "--out", out, "--no-similarity"],
            needles=[re.compile(r"documents\.csv|notes\.md|\.analysis-build\.json")])


def test_own_documents_csv_is_not_overwritten_even_with_keep_other_files(tmp_path, base_raw):
    # --keep-other-files promises to leave files the build did not write untouched; the user's own
    # documents.csv is such a file, so the build must refuse rather than replace it.
    out = tmp_path / "mine"
    out.mkdir()
    (out / "documents.csv").write_text("my,own\n1,2\n", encoding="utf-8")
    (out / "notes.md").write_text("# my notes\n", encoding="utf-8")
    refused(tmp_path, ["build", "--raw", base_raw, "--out", out, "--no-similarity", "--keep-other-files"],
            needles=["documents.csv"])


def test_notes_in_earlier_output_refused(ws):
    (ws.out / "notes.md").write_text("# findings so far\n重要\n", encoding="utf-8")
    refused(ws.root, build_argv(ws), needles=["notes.md"])


def test_notes_in_earlier_output_kept_with_keep_other_files(ws):
    notes = ws.out / "notes.md"
    notes.write_text("# findings so far\n重要\n", encoding="utf-8")
    (ws.out / "text" / "my_reading.txt").write_text("笔记\n", encoding="utf-8")
    before_notes = sha256(notes)
    before_raw = snapshot(ws.raw)
    r = build(ws.raw, ws.out, "--keep-other-files")
    assert r.rc == 0, r.err
    assert sha256(notes) == before_notes
    assert (ws.out / "text" / "my_reading.txt").read_text(encoding="utf-8") == "笔记\n"
    listed = marker_files(ws.out)
    assert "notes.md" not in listed and "text/my_reading.txt" not in listed
    assert (ws.out / "documents.csv").is_file() and "documents.csv" in listed
    assert all(sha256(ws.out / f) == h for f, h in listed.items())
    assert_unchanged(before_raw, snapshot(ws.raw), "raw folder")
    assert not leftovers(ws.out)
    assert_clean_success(r)


@pytest.mark.parametrize("kind", ["earlier_output", "plain_folder"])
def test_raw_folder_inside_out_folder_refused(tmp_path, base_raw, prev_out, kind):
    x = tmp_path / "X"
    if kind == "earlier_output":
        shutil.copytree(prev_out, x)
    else:
        x.mkdir()
    shutil.copytree(base_raw, x / "raw")
    refused(tmp_path, ["build", "--raw", x / "raw", "--out", x, "--no-similarity"],
            needles=[re.compile(r"raw")])


@pytest.mark.parametrize("kind", ["out_inside_raw", "out_is_raw", "out_symlink_into_raw"])
def test_out_folder_inside_raw_refused(ws, kind):
    if kind == "out_inside_raw":
        out = ws.raw / "out"
    elif kind == "out_is_raw":
        out = ws.raw
    else:
        (ws.root / "link").symlink_to(ws.raw, target_is_directory=True)
        out = ws.root / "link" / "processed"
    refused(ws.root, ["build", "--raw", ws.raw, "--out", out, "--no-similarity"], needles=["raw"])


@pytest.mark.parametrize("kind", ["out_is_file", "parent_is_file"])
def test_out_is_a_file_refused(ws, kind):
    f = ws.root / "results.txt"
    f.write_text("not a folder\n", encoding="utf-8")
    out = f if kind == "out_is_file" else f / "processed"
    refused(ws.root, ["build", "--raw", ws.raw, "--out", out, "--no-similarity"], needles=["results.txt"])


def test_read_only_output_parent_refused(ws):
    parent = ws.root / "ro"
    parent.mkdir()
    os.chmod(parent, 0o555)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("running as a user (root?) for whom a 0o555 folder is writable")
        r = refused(ws.root, ["build", "--raw", ws.raw, "--out", parent / "out", "--no-similarity"],
                    needles=[re.compile(r"(?i)read-only|permission|not allowed")])
        assert len([ln for ln in r.err.split("\n") if ln.strip()]) >= 1
    finally:
        os.chmod(parent, 0o755)


def test_edited_build_file_refused(ws):
    actions = ws.out / "actions.csv"
    data = bytearray(actions.read_bytes())
    i = len(data) // 2
    data[i] = ord("X") if data[i] != ord("X") else ord("Y")
    actions.write_bytes(bytes(data))
    refused(ws.root, build_argv(ws), needles=["actions.csv"])


def test_damaged_marker_refused(ws):
    (ws.out / MARKER).write_text("{not json", encoding="utf-8")
    refused(ws.root, build_argv(ws), needles=[MARKER])


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_marker_listing_a_file_outside_the_folder_never_touches_it(ws, how):
    # An output folder someone sent: its marker claims a file outside the folder as the build's.
    victim = ws.root / "victim.txt"
    victim.write_text("a researcher's file outside the output folder\n", encoding="utf-8")
    (ws.out / "notes.md").write_text("notes\n", encoding="utf-8")
    marker = json.loads((ws.out / MARKER).read_text(encoding="utf-8"))
    marker["files"]["../victim.txt" if how == "relative" else str(victim)] = sha256(victim)
    (ws.out / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    before = sha256(victim)
    r = build(ws.raw, ws.out, "--keep-other-files")
    assert victim.is_file() and sha256(victim) == before, f"exit {r.rc}: the file outside --out was deleted"
    assert r.rc in (0, 2), r.err
    assert (ws.out / "notes.md").read_text(encoding="utf-8") == "notes\n"
    (assert_clean_stderr if r.rc else assert_clean_success)(r)


def test_no_similarity_keeps_crossplan_tables_of_full_output(tmp_path, base_raw, full_out, crossplan_tables):
    out = tmp_path / "out"
    shutil.copytree(full_out, out)
    raw = tmp_path / "raw"
    shutil.copytree(base_raw, raw)
    before = {n: sha256(out / n) for n in crossplan_tables}
    before_raw = snapshot(raw)
    r = build(raw, out)
    assert r.rc == 0, r.err
    missing = [n for n in crossplan_tables if not (out / n).is_file()]
    assert not missing, f"--no-similarity deleted {missing}"
    changed = [n for n in crossplan_tables if sha256(out / n) != before[n]]
    assert not changed, f"--no-similarity changed {changed}"
    listed = marker_files(out)
    assert all(n in listed for n in crossplan_tables)
    assert_complete_build(out)
    assert_unchanged(before_raw, snapshot(raw), "raw folder")
    assert not leftovers(out)
    assert_clean_success(r)


def test_debug_shows_the_traceback(tmp_path):
    r = cli("build", "--raw", tmp_path / "nope", "--out", tmp_path / "out", "--debug")
    assert r.rc == 2
    assert "Traceback" in r.err and "error:" in r.err


# -------------------------------------------------------------------------------- reading only the raw folder


def _outside_file(ws: Workspace) -> Path:
    p = ws.root / "outside.txt"
    shutil.copy2(ws.raw / "pingyin.txt", p)
    return p


WRONG_SHA = "0" * 64


def test_manifest_parent_path_refused(ws):
    outside = ws.root / "x.txt"
    shutil.copy2(ws.raw / "pingyin.txt", outside)
    add_row(ws.raw, "outside", "../x.txt", sha256(outside))
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "../x.txt"])


def test_manifest_etc_passwd_refused_without_leaking_its_hash(ws):
    if not os.access("/etc/passwd", os.R_OK):
        pytest.skip("no readable /etc/passwd")
    secret = sha256(Path("/etc/passwd"))
    add_row(ws.raw, "passwd", "/etc/passwd", WRONG_SHA)
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE)], absent=[secret, "root:"],
            extra_roots=["/etc/passwd"])


def test_manifest_absolute_path_refused_without_leaking_its_hash(ws):
    outside = _outside_file(ws)
    add_row(ws.raw, "outside", str(outside), WRONG_SHA)
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE)], absent=[sha256(outside)])


def test_manifest_subfolder_path_refused(ws):
    (ws.raw / "sub").mkdir()
    shutil.copy2(ws.raw / "pingyin.txt", ws.raw / "sub" / "x.txt")
    add_row(ws.raw, "sub", "sub/x.txt", sha256(ws.raw / "sub" / "x.txt"))
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "sub/x.txt"])


def test_manifest_symlink_out_of_raw_refused_without_leaking_its_hash(ws):
    outside = _outside_file(ws)
    (ws.raw / "link.txt").symlink_to(outside)
    add_row(ws.raw, "linked", "link.txt", WRONG_SHA)
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "link.txt"], absent=[sha256(outside)])


def test_manifest_symlink_out_of_raw_refused_even_with_right_hash(ws):
    outside = _outside_file(ws)
    (ws.raw / "link.txt").symlink_to(outside)
    add_row(ws.raw, "linked", "link.txt", sha256(outside))
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "link.txt"])


def test_same_file_listed_as_dot_slash_refused(ws):
    add_row(ws.raw, "zhifu_again", "./zhifu.txt", sha256(ws.raw / "zhifu.txt"))
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "zhifu.txt"])


def test_same_file_listed_through_an_inner_symlink_refused(ws):
    (ws.raw / "zhifu_copy.txt").symlink_to("zhifu.txt")
    add_row(ws.raw, "zhifu_again", "zhifu_copy.txt", sha256(ws.raw / "zhifu.txt"))
    refused(ws.root, build_argv(ws), needles=[line_re(NEW_ROW_LINE), "zhifu_copy.txt"])


@pytest.mark.parametrize("name", ["manifest.csv", "errata.csv"])
def test_side_file_symlink_out_of_raw_refused(ws, name):
    outside = ws.root / f"their_{name}"
    shutil.move(ws.raw / name, outside)
    (ws.raw / name).symlink_to(outside)
    refused(ws.root, build_argv(ws), needles=[name])


# --------------------------------------------------------------------------------------------- decoding


@pytest.fixture(scope="module")
def encodings_build(tmp_path_factory, base_raw):
    """One build of a corpus whose pingyin.txt is Big5 (Traditional), chongqing.txt GB18030 and
    inner_mongolia.txt UTF-32 with a BOM."""
    import opencc

    d = tmp_path_factory.mktemp("enc")
    raw = d / "raw"
    shutil.copytree(base_raw, raw)
    text = (raw / "pingyin.txt").read_text(encoding="utf-8")
    # s2tw: s2t leaves 爲/羣/衆, which Big5 lacks; s2tw gives the Taiwan forms Big5 has
    (raw / "pingyin.txt").write_bytes(opencc.OpenCC("s2tw").convert(text).encode("big5"))
    (raw / "chongqing.txt").write_bytes((raw / "chongqing.txt").read_text(encoding="utf-8").encode("gb18030"))
    u32 = (raw / "inner_mongolia.txt").read_text(encoding="utf-8").encode("utf-32")
    assert u32[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
    (raw / "inner_mongolia.txt").write_bytes(u32)
    rewrite_manifest(raw)
    before = snapshot(raw)
    out = d / "out"
    r = build(raw, out)
    return r, out, before, snapshot(raw)


def _doc(out: Path, j: str) -> dict[str, str]:
    return {r["jurisdiction"]: r for r in read_csv(out / "documents.csv")}[j]


def test_big5_traditional_plan_builds_as_big5hkscs(encodings_build, prev_out):
    r, out, before, after = encodings_build
    assert r.rc == 0, r.err[-3000:]
    row = _doc(out, "pingyin")
    assert row["encoding"] == "big5hkscs"
    n0 = int(_doc(prev_out, "pingyin")["n_actions"])
    assert int(row["n_actions"]) >= 0.9 * n0 > 0
    text = (out / "text" / "pingyin.txt").read_text(encoding="utf-8")
    assert "\x00" not in text and "平" in text
    assert_unchanged(before, after, "raw folder")
    assert_clean_success(r)


def test_gb18030_plan_builds(encodings_build, prev_out):
    r, out, before, after = encodings_build
    assert r.rc == 0, r.err[-3000:]
    assert _doc(out, "chongqing")["encoding"] == "gb18030"
    assert (out / "text" / "chongqing.txt").read_bytes() == (prev_out / "text" / "chongqing.txt").read_bytes()
    assert _doc(out, "chongqing")["n_actions"] == _doc(prev_out, "chongqing")["n_actions"]


def test_utf32_with_bom_builds(encodings_build, prev_out):
    r, out, before, after = encodings_build
    assert r.rc == 0, r.err[-3000:]
    assert _doc(out, "inner_mongolia")["encoding"].lower().startswith("utf-32")
    text = (out / "text" / "inner_mongolia.txt").read_bytes()
    assert b"\x00" not in text
    assert text == (prev_out / "text" / "inner_mongolia.txt").read_bytes()
    assert _doc(out, "inner_mongolia")["n_actions"] == _doc(prev_out, "inner_mongolia")["n_actions"]


def _big5_lines() -> list[str]:
    import opencc

    text = (ROOT / "data" / "raw" / "pingyin.txt").read_text(encoding="utf-8")
    return opencc.OpenCC("s2tw").convert(text).split("\n")


def _mangled_big5(how: str) -> bytes:
    """A short Big5 plan: its title block, then its longest line mangled.

    ``swap``: the two bytes of every double-byte character swapped (no longer valid Big5 or GB18030);
    ``shift``: lead bytes moved from the frequent block into the rare one (valid Big5, but rare
    characters; GB18030 gives mojibake).
    """
    lines = _big5_lines()
    k = max(range(len(lines)), key=lambda i: len(lines[i]))
    head = [ln.encode("big5") for ln in lines[:k] if ln.strip()][:8]
    out = []
    for ch in lines[k]:
        e = ch.encode("big5")
        if len(e) == 2:
            e = e[::-1] if how == "swap" else (bytes([e[0] + 0x25, e[1]]) if 0xA4 <= e[0] <= 0xC5 else e)
        out.append(e)
    return b"\n".join(head + [b"".join(out)]) + b"\n"


def _random_bytes(nul: bool) -> bytes:
    rng = random.Random(14)
    data = bytes(rng.randrange(256) for _ in range(20000))
    return data if nul else data.replace(b"\x00", b"\x01")


DECODE_REFUSALS = {
    "utf16le_no_bom": (lambda: (ROOT / "data/raw/pingyin.txt").read_text(encoding="utf-8").encode("utf-16-le"),
                       re.compile(r"(?i)UTF-16[- ]?LE")),
    "random_bytes": (lambda: _random_bytes(True), None),
    "random_bytes_without_nul": (lambda: _random_bytes(False), None),
    "big5_mangled_line_undecodable": (lambda: _mangled_big5("swap"), None),
    "big5_mangled_line_implausible": (lambda: _mangled_big5("shift"), None),
    "empty": (lambda: b"", re.compile(r"(?i)empty|0 bytes")),
}


@pytest.mark.parametrize("case", sorted(DECODE_REFUSALS))
def test_undecodable_or_implausible_plan_refused(ws, case):
    make, needle = DECODE_REFUSALS[case]
    (ws.raw / "pingyin.txt").write_bytes(make())
    rewrite_manifest(ws.raw)
    refused(ws.root, build_argv(ws), needles=["pingyin.txt"] + ([needle] if needle else []))


# ------------------------------------------------------------------------------------------ manifest hygiene


@pytest.mark.parametrize("bad_id", ["内蒙古", "zhifu²", "Zhifu", "a-b", "_zhifu", "ｚｈｉｆｕ", "zhi fu"])
def test_bad_jurisdiction_id_refused(ws, bad_id):
    set_cell(ws.raw, 2, "jurisdiction", bad_id)
    refused(ws.root, build_argv(ws), needles=[line_re(2), bad_id])


def test_nul_byte_in_manifest_cell_refused(ws):
    m = ws.raw / "manifest.csv"
    m.write_bytes(m.read_bytes().replace("烟台市芝罘区".encode(), "烟台市\x00芝罘区".encode(), 1))
    refused(ws.root, build_argv(ws), needles=[re.compile(r"NUL|U\+0000")])


@pytest.mark.parametrize("ch", ["\x07", "\x1b[31m", "\x85", "\u2028", "\x7f"],
                         ids=["bell", "escape", "c1_nel", "line_separator", "del"])
def test_control_character_in_manifest_cell_refused(ws, ch):
    set_cell(ws.raw, 3, "name_en", f"Pingyin{ch}County")
    r = refused(ws.root, build_argv(ws), needles=[line_re(3)])
    assert "\x1b" not in r.err, "the message echoes a terminal escape sequence"


@pytest.mark.parametrize("column,value", [
    ("name_en", '=HYPERLINK("http://example.com/x","Zhifu")'),
    ("name_zh", "+烟台市芝罘区"),
    ("name_en", "-Zhifu District"),
    ("province", "@SUM(1+1)"),
    ("name_en", "  =1+1"),
])
def test_formula_leading_cell_refused(ws, column, value):
    set_cell(ws.raw, 3, column, value)
    refused(ws.root, build_argv(ws), needles=[line_re(3), column])


def test_cell_over_csv_limit_reported_with_line(ws):
    set_cell(ws.raw, 4, "name_en", "A" * 131_073)
    refused(ws.root, build_argv(ws), needles=[re.compile(r"\bline \d+"), "manifest.csv"])


def test_semicolon_manifest_gets_a_hint(ws):
    write_manifest(ws.raw, manifest_rows(ws.raw), delimiter=";")
    refused(ws.root, build_argv(ws), needles=["';'"])


def test_unterminated_quote_reported_as_such(ws):
    m = ws.raw / "manifest.csv"
    text = m.read_text(encoding="utf-8")
    assert '"Pingyin County, Jinan"' in text
    m.write_text(text.replace('"Pingyin County, Jinan"', '"Pingyin County, Jinan', 1), encoding="utf-8")
    r = refused(ws.root, build_argv(ws), needles=[re.compile(r"(?i)quote")])
    assert "empty level" not in r.err


def test_several_manifest_problems_reported_together(ws):
    set_cell(ws.raw, 2, "jurisdiction", "Bad-Id")
    set_cell(ws.raw, 5, "level", "galaxy")
    set_cell(ws.raw, 6, "name_en", "=1+1")
    refused(ws.root, build_argv(ws), needles=[line_re(2), line_re(5), line_re(6)])


def test_county_level_city_prefecture_and_banner_levels_accepted(tmp_path, base_raw):
    raw = tmp_path / "raw"
    shutil.copytree(base_raw, raw)
    levels = {2: "县级市", 3: "county-level city", 4: "autonomous prefecture", 5: "旗", 6: "Banner"}
    for line, lv in levels.items():
        set_cell(raw, line, "level", lv)
    before = snapshot(raw)
    r = build(raw, tmp_path / "out")
    assert r.rc == 0, r.err[-3000:]
    got = {d["jurisdiction"]: d["level"] for d in read_csv(tmp_path / "out" / "documents.csv")}
    assert got == {"zhifu": "county-level city", "pingyin": "county-level city",
                   "chongqing": "autonomous prefecture", "shenzhen": "banner", "inner_mongolia": "banner"}
    assert_unchanged(before, snapshot(raw), "raw folder")
    assert_clean_success(r)


# --------------------------------------------------------------------------------------------------- errata


def _add_erratum(raw: Path, row: list[str]) -> int:
    with open(raw / "errata.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    text = (raw / "errata.csv").read_text(encoding="utf-8")
    assert text.count("\n") == len(rows), "errata.csv has multi-line cells; line numbers would be off"
    rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (raw / "errata.csv").write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


@pytest.mark.parametrize("row", [
    ["nothere.txt", "fix", "某段文字", "另一段文字", "test"],
    ["zhifu.txt", "fix", "这段文字在文件里根本不存在", "替换", "test"],
    ["pingyin.txt", "fix", "科普", "科学普及", "occurs many times"],
], ids=["file_not_in_manifest", "text_occurs_0_times", "text_occurs_many_times"])
def test_bad_erratum_refused_with_line(ws, row):
    line = _add_erratum(ws.raw, row)
    refused(ws.root, build_argv(ws), needles=["errata.csv", line_re(line)])


# ------------------------------------------------------------------------------------------------- codebook


@pytest.mark.parametrize("kind", ["yaml_syntax", "wrong_structure", "empty", "missing", "folder", "python_tag"])
def test_bad_codebook_refused(ws, kind):
    cb = ws.root / "codebook.yaml"
    pwned = ws.root / "PWNED"
    if kind == "yaml_syntax":
        cb.write_text("categories: [\n  - {id: x, patterns: ['a'\n", encoding="utf-8")
    elif kind == "wrong_structure":
        cb.write_text("categories: 5\n", encoding="utf-8")
    elif kind == "empty":
        cb.write_text("", encoding="utf-8")
    elif kind == "folder":
        cb.mkdir()
    elif kind == "python_tag":
        cb.write_text(f'categories: !!python/object/apply:os.system ["touch {pwned}"]\n', encoding="utf-8")
    refused(ws.root, build_argv(ws, "--codebook", cb), needles=["codebook"])
    assert not pwned.exists(), "the codebook ran code"


UNKNOWN = "县火星探测局"


@pytest.fixture
def unknown_department(ws) -> int:
    """pingyin.txt names a department the codebook does not know; returns its raw line."""
    p = ws.raw / "pingyin.txt"
    text = p.read_text(encoding="utf-8")
    old = "（县教体局、县科协按职责分工负责）"
    assert old in text
    text = text.replace(old, f"（县教体局、{UNKNOWN}、县科协按职责分工负责）", 1)
    p.write_text(text, encoding="utf-8")
    rewrite_manifest(ws.raw)
    return text[:text.index(UNKNOWN)].count("\n") + 1


def test_unknown_department_is_kept_uncoded_and_listed(ws, unknown_department):
    before = snapshot(ws.raw)
    r = build(ws.raw, ws.out)
    assert r.rc == 0, r.err[-3000:]
    gaps = [g for g in read_csv(ws.out / "codebook_gaps.csv") if g["name"] == UNKNOWN]
    assert gaps, "not listed in codebook_gaps.csv"
    assert gaps[0]["first_where"].endswith(f"pingyin.txt, line {unknown_department}"), gaps[0]["first_where"]
    cats = {a["category"] for a in read_csv(ws.out / "assignments.csv") if a["department"] == UNKNOWN}
    assert cats == {"uncoded"}
    assert UNKNOWN in r.err  # the end-of-build warning names it
    assert_unchanged(before, snapshot(ws.raw), "raw folder")
    assert_clean_success(r)


def test_unknown_department_with_strict_refused(ws, unknown_department):
    refused(ws.root, build_argv(ws, "--strict"), needles=[UNKNOWN, "pingyin"])


# -------------------------------------------------------------------------------------- degenerate corpora


def _plain_corpus(raw: Path, with_zhifu: bool) -> None:
    raw.mkdir(parents=True)
    (raw / "plain.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    rows = [HEADER, ["plain", "plain.txt", sha256(raw / "plain.txt"), "某某市", "Moumou City",
                     "prefecture-level city", "山东省"]]
    if with_zhifu:
        shutil.copy2(ROOT / "data" / "raw" / "zhifu.txt", raw / "zhifu.txt")
        rows.insert(1, ["zhifu", "zhifu.txt", sha256(raw / "zhifu.txt"), "烟台市芝罘区", "Zhifu District, Yantai",
                        "district", "山东省"])
    write_manifest(raw, rows)


def test_only_plan_without_actions_builds_empty_crossplan_tables(tmp_path, crossplan_tables):
    raw = tmp_path / "raw"
    _plain_corpus(raw, with_zhifu=False)
    before = snapshot(raw)
    out = tmp_path / "out"
    r = build(raw, out, similarity=True)
    assert r.rc == 0, r.err[-3000:]
    assert [ln for ln in r.err.split("\n") if ln.startswith("warning:") and "plain.txt" in ln], r.err[-3000:]
    docs = read_csv(out / "documents.csv")
    assert [(d["jurisdiction"], d["n_actions"]) for d in docs] == [("plain", "0")]
    assert any(q["document"] == "plain" and q["kind"] == "no_actions" for q in read_csv(out / "qa_report.csv"))
    for name in crossplan_tables:
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1 and lines[0].strip(), f"{name}: {lines[:3]}"
    assert_complete_build(out)
    assert_unchanged(before, snapshot(raw), "raw folder")
    assert_clean_success(r)


def test_plan_without_actions_left_out_of_a_two_plan_corpus(tmp_path):
    raw = tmp_path / "raw"
    _plain_corpus(raw, with_zhifu=True)
    out = tmp_path / "out"
    r = build(raw, out, similarity=True)
    assert r.rc == 0, r.err[-3000:]
    assert re.search(r"plain[^\n]*left out|left out[^\n]*plain", r.err), r.err[-3000:]
    assert {d["jurisdiction"]: int(d["n_actions"]) for d in read_csv(out / "documents.csv")}["plain"] == 0
    assert_complete_build(out)
    assert_clean_success(r)


# ------------------------------------------------------------------------------------------------- signals


def _descendants(pid: int) -> set[tuple[int, float]]:
    """(pid, start time) of every descendant of *pid*."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            return {(c.pid, c.create_time()) for c in psutil.Process(pid).children(recursive=True)}
        except psutil.Error:
            return set()
    parents: dict[int, list[tuple[int, float]]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append((int(stat.parent.name), float(fields[19])))
    out, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.add(child)
            todo.append(child[0])
    return out


def _alive(proc: tuple[int, float]) -> bool:
    pid, start = proc
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            p = psutil.Process(pid)
            return p.create_time() == start and p.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return float(fields[19]) == start and fields[0] != "Z"


def _wait_gone(procs, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in procs if _alive(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in procs if _alive(p)]


def _wait_for_phase(proc: subprocess.Popen, out: Path, phase: str, timeout: float = 120) -> set | None:
    """Wait until the build has worker processes (phase ``extract``: before the staging folder exists;
    ``stage``: while it exists); returns the workers, or None if the build ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        kids = _descendants(proc.pid)
        staging = bool(leftovers(out))
        if kids and staging == (phase == "stage"):
            time.sleep(0.3)  # let the workers finish starting
            kids = _descendants(proc.pid)
            if kids and proc.poll() is None and bool(leftovers(out)) == (phase == "stage"):
                return kids
        time.sleep(0.02)
    return None


def _kill_proc(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(30)


posix_only = pytest.mark.skipif(not POSIX or not Path("/proc").is_dir(), reason="POSIX with /proc only")


@posix_only
@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("phase", ["extract", "stage"])
def test_signal_stops_build_cleanly(tmp_path, synth_raw, prev_out, sig, code, phase):
    out = tmp_path / "out"
    shutil.copytree(prev_out, out)
    before = snapshot(tmp_path)
    log = tmp_path.parent / f"{tmp_path.name}.log"
    proc = popen_build(synth_raw, out, similarity=True, log=log)
    try:
        kids = _wait_for_phase(proc, out, phase)
        if kids is None:
            pytest.skip(f"the build ended (exit {proc.returncode}) before reaching the {phase} phase")
        if sig == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground process group
        else:
            os.kill(proc.pid, signal.SIGTERM)
        rc = proc.wait(60)
    finally:
        _kill_proc(proc)
    r = Run(rc, "", log.read_bytes().decode("utf-8", "replace"))
    assert r.rc == code, f"exit {r.rc}, expected {code}\n{r.err[-3000:]}"
    assert len(error_lines(r)) == 1, r.err[-3000:]
    assert not _wait_gone(kids), "worker processes outlived the build"
    assert not leftovers(out), f"left behind: {leftovers(out)}"
    assert_unchanged(before, snapshot(tmp_path), "the previous output")
    assert_clean_stderr(r)


@posix_only
def test_sigkill_during_parallel_pass_leaves_no_workers(tmp_path, synth_raw, prev_out):
    out = tmp_path / "out"
    shutil.copytree(prev_out, out)
    before = snapshot(tmp_path)
    log = tmp_path.parent / f"{tmp_path.name}.log"
    proc = popen_build(synth_raw, out, log=log)
    try:
        kids = _wait_for_phase(proc, out, "extract")
        if kids is None:
            pytest.skip(f"the build ended (exit {proc.returncode}) before its parallel pass was seen")
        kids |= _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        _kill_proc(proc)
    alive = _wait_gone(kids, 10)
    for pid, _ in alive:  # do not leave them running for the rest of the session
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not alive, f"{len(alive)} worker process(es) still alive 10 s after the parent was killed"
    assert_unchanged(before, snapshot(tmp_path), "the previous output")


@posix_only
def test_sigkill_with_staging_then_next_build_cleans_up(tmp_path, synth_raw, base_raw, prev_out):
    out = tmp_path / "out"
    shutil.copytree(prev_out, out)
    before = snapshot(out)
    log = tmp_path.parent / f"{tmp_path.name}.log"
    proc = popen_build(synth_raw, out, similarity=True, log=log)
    try:
        kids = _wait_for_phase(proc, out, "stage")
        if kids is None:
            pytest.skip(f"the build ended (exit {proc.returncode}) before its staging folder was seen")
        kids |= _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        _kill_proc(proc)
    alive = _wait_gone(kids, 10)
    for pid, _ in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not alive, f"{len(alive)} worker process(es) still alive 10 s after the parent was killed"
    assert_unchanged(before, snapshot(out), "the previous output")
    stale = leftovers(out)
    assert stale, "no staging folder was left by kill -9 (precondition)"
    r = build(base_raw, out)
    assert r.rc == 0, r.err[-3000:]
    assert not leftovers(out), f"the next build did not remove {leftovers(out)}"
    assert_complete_build(out)
    assert_clean_success(r)


# ------------------------------------------------------------------------------------------------ disk full


def test_disk_full_is_a_message(tmp_path, base_raw, prev_out):
    if not POSIX or shutil.which("mount") is None:
        pytest.skip("no mount")
    mnt = tmp_path / "small"
    mnt.mkdir()
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True)
    if m.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {m.stderr.decode(errors='replace').strip()}")
    try:
        out = mnt / "out"
        shutil.copytree(prev_out, out)
        st = os.statvfs(mnt)
        free = st.f_bavail * st.f_frsize
        with open(mnt / "filler.bin", "wb") as fh:
            fh.write(b"\0" * max(0, free - 64 * 1024))
        before = snapshot(mnt, base_raw)
        r = build(base_raw, out)
        assert r.rc == 2, f"exit {r.rc}\n{r.err[-3000:]}"
        assert re.search(r"(?i)no space|disk.*full|full disk", r.err), r.err[-3000:]
        assert not leftovers(out), f"left behind: {leftovers(out)}"
        assert_unchanged(before, snapshot(mnt, base_raw), "the small disk")
        assert_clean_stderr(r)
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# ---------------------------------------------------------------------------------------------- concurrency


@pytest.mark.parametrize("start", ["earlier_output", "no_folder"])
def test_concurrent_builds_leave_one_complete_build(tmp_path, base_raw, prev_out, start):
    out = tmp_path / "out"
    if start == "earlier_output":
        shutil.copytree(prev_out, out)
    before_raw = snapshot(base_raw)
    procs = []
    for i in range(4):
        log = tmp_path / f"build{i}.log"
        procs.append((popen_build(base_raw, out, log=log), log))
    runs = []
    try:
        for p, log in procs:
            runs.append(Run(p.wait(300), "", log.read_bytes().decode("utf-8", "replace")))
    finally:
        for p, _ in procs:
            _kill_proc(p)
    assert all(r.rc in (0, 2) for r in runs), [(r.rc, r.err[-1500:]) for r in runs]
    assert any(r.rc == 0 for r in runs), [r.err[-1500:] for r in runs]
    for r in runs:
        (assert_clean_stderr if r.rc else assert_clean_success)(r)
    assert_complete_build(out)
    assert sorted(marker_files(out)) == sorted(marker_files(prev_out))
    assert (out / "documents.csv").read_bytes() == (prev_out / "documents.csv").read_bytes()
    assert not leftovers(out), f"left behind: {leftovers(out)}"
    assert_unchanged(before_raw, snapshot(base_raw), "raw folder")
