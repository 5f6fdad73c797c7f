"""Hostile input and interruption: the build never loses a file, never reads outside the raw folder,
never builds silently wrong text and never prints a traceback.

Every case runs the command line (``python -m analysis build``) in a process of its own on a copy of
``data/raw`` in pytest's ``tmp_path`` and asserts, in this order:

1. the exit status;
2. the message (what it names: the file, the line, the problem);
3. that no byte of the previous output, of the raw folder or of any other file of the test's folder
   changed (sha256 snapshots of the whole folder before and after, symlinks not followed);
4. that stderr is clean: no ``Traceback``, every line holding ``error:`` starts with it (never glued to
   a progress bar, which redraws with ``\\r``), exactly one ``error:`` line, and nothing after it but
   indented detail lines (a list of problems).

The cases hold for any corpus: a case that needs a plan file takes one from the manifest of its
copy of ``data/raw`` (the first plan, or the first that suits it), and one that needs a passage the
corpus may lack (a department list, a text that converts to Big5) adds a plan text of our own making
(``tests/fixtures/layouts``) to its copy with a manifest row.  Lines, hashes and names are read from
the copy when the case is set up, never from ``data/raw`` when the module is imported.

Builds run without ``--quiet`` (so progress bars are drawn) and, where the cross-plan tables do not
matter, with ``--no-similarity`` (faster).  The command runs in a process forked from one that has
already imported the package (:mod:`tests.cli`: same exit status, same stdout and stderr, without paying
~2 s of imports per case); the signal, kill and concurrency tests, and a sample of the refusals
(:func:`test_refusals_are_the_same_from_a_fresh_interpreter`), run a fresh ``python -m analysis``.  stderr is read as bytes, not in universal-newline mode, so a
``\\r`` that glues a message to a progress bar is seen.
"""
from __future__ import annotations

import collections
import csv
import io
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from analysis.corpus.decode import read_text
from analysis.files import file_sha256
from analysis.pipeline.output import CACHE_DIR, is_own_cache
from analysis.corpus.manifest import Document, ERRATA_COLUMNS, load_manifest
from conftest import copy_build, copy_raw, rewrite_manifest
from tests.cli import Run, run

ROOT = Path(__file__).resolve().parents[1]
#: Plan texts of our own making, with their expected reading (see tests/fixtures/layouts/README.md).
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
MARKER = ".analysis-build.json"
HEADER = ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level", "province"]
POSIX = os.name == "posix"


# --------------------------------------------------------------------------------------------- helpers


def cli(*args, timeout: float = 300, fresh: bool = False) -> Run:
    """``python -m analysis ARGS`` from the repository root (:func:`tests.cli.run`: a process forked from one that
    has imported the package, or with *fresh* a new interpreter); stdout/stderr decoded without newline
    translation."""
    return run(*args, timeout=timeout, fresh_process=fresh)


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
    return file_sha256(path)


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


def assert_refusal(r: Run, before: dict, after: dict, *, needles=(), absent=(), code: int = 2,
                   what: str = "the test's folder") -> Run:
    """Exit *code*; the message holds every needle and none of *absent*; nothing changed; stderr clean."""
    assert r.rc == code, f"exit {r.rc}, expected {code}\n--- stderr:\n{r.err[-3000:]}"
    for n in needles:
        assert _match(n, r.err), f"message lacks {getattr(n, 'pattern', n)!r}:\n{r.err[-3000:]}"
    for a in absent:
        assert not _match(a, r.text), f"output holds {getattr(a, 'pattern', a)!r}:\n{r.text[-3000:]}"
    assert_unchanged(before, after, what)
    assert_clean_stderr(r)
    return r


def refused(root: Path, argv: list, *, needles=(), absent=(), code: int = 2, extra_roots=(),
            timeout: float = 300) -> Run:
    """Run *argv* now and check it as :func:`assert_refusal` (snapshots of *root* and *extra_roots*)."""
    before = snapshot(root, *extra_roots)
    r = cli(*argv, timeout=timeout)
    return assert_refusal(r, before, snapshot(root, *extra_roots), needles=needles, absent=absent, code=code,
                          what=str(root))


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
            name_en: str = "Moumou County", level: str = "county", province: str = "山东省") -> int:
    """Append a manifest row; returns its line in manifest.csv."""
    rows = manifest_rows(raw)
    ids = [r[rows[0].index("jurisdiction")].strip() for r in rows[1:] if r]
    assert jurisdiction not in ids, f"the corpus already holds a plan {jurisdiction!r}; the test needs a new id"
    cells = {"jurisdiction": jurisdiction, "file": file, "sha256": sha, "name_zh": name_zh, "name_en": name_en,
             "level": level, "province": province}
    rows.append([cells.get(h, "") for h in rows[0]])
    write_manifest(raw, rows)
    return last_line(raw / "manifest.csv")


def last_line(path: Path) -> int:
    """The number of the last line of a text file that ends with a newline (a row just appended)."""
    return Path(path).read_text(encoding="utf-8").count("\n")


def data_lines(raw: Path) -> list[int]:
    """The lines of manifest.csv holding a row (2 is the first), in order."""
    return list(range(2, len(manifest_rows(raw)) + 1))


def row_line(raw: Path, k: int) -> int:
    """The line of the *k*-th manifest row (1 = the first), or of the last row if the manifest has fewer."""
    return data_lines(raw)[min(k, len(data_lines(raw))) - 1]


def manifest_line(raw: Path, jurisdiction: str) -> int:
    """The line of manifest.csv holding the row of *jurisdiction*."""
    rows = manifest_rows(raw)
    col = [h.strip() for h in rows[0]].index("jurisdiction")
    return next(i for i, r in enumerate(rows, 1) if i > 1 and r and r[col].strip() == jurisdiction)


def plans(raw: Path) -> list[Document]:
    """The plan rows of *raw*'s manifest, in manifest order (whatever plans the corpus holds)."""
    return [d for d in load_manifest(raw, verify=False) if d.role == "plan"]


def plan_text(doc: Document) -> str:
    """The decoded text of a plan file, whatever encoding the corpus saved it in."""
    return read_text(doc.path)[0]


def add_fixture_plan(raw: Path, fixture: str, jurisdiction: str) -> Document:
    """Add the plan text of our own making tests/fixtures/layouts/FIXTURE.txt to *raw* as plan *jurisdiction*
    (its file, UTF-8, and one manifest row); returns its row."""
    expected = json.loads((FIXTURES / f"{fixture}.expected.json").read_text(encoding="utf-8"))
    name = f"{jurisdiction}.txt"
    assert not (raw / name).exists(), name
    shutil.copy2(FIXTURES / f"{fixture}.txt", raw / name)
    add_row(raw, jurisdiction, name, sha256(raw / name), name_zh=expected["name_zh"], name_en="A plan of the tests",
            level=expected["level"], province="")
    return next(d for d in plans(raw) if d.jurisdiction == jurisdiction)


def marker_files(out: Path) -> dict[str, str]:
    return json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]


def assert_complete_build(out: Path) -> None:
    """The marker lists exactly the files of *out* (but itself and the build's cache), each with its sha256;
    the cache, if there, carries its tag."""
    listed = marker_files(out)
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if (p.is_file() or p.is_symlink()) and p.name != MARKER
                     and p.relative_to(out).parts[0] != CACHE_DIR)
    assert not (out / CACHE_DIR).exists() or is_own_cache(out / CACHE_DIR)
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
    """A valid copy of data/raw (plans, manifest, errata), shared read-only by the module."""
    return copy_raw(tmp_path_factory.mktemp("base") / "raw")


@pytest.fixture(scope="module")
def prev_out(tmp_path_factory, base_raw) -> Path:
    """An earlier build's output (per-plan tables only); tests copy it."""
    out = tmp_path_factory.mktemp("prev") / "out"
    r = build(base_raw, out, "--quiet")
    assert r.rc == 0, r.err
    return out


@pytest.fixture(scope="module")
def full_out(shipped_build) -> Path:
    """An earlier full build's output (with the cross-plan tables) of the texts of ``base_raw``: the session's
    build of data/raw (conftest.shipped_build); tests copy it."""
    return shipped_build.out


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
    #: What a case's setup learnt of the corpus that its test checks (a line, a file name, a hash).
    facts: dict = field(default_factory=dict)


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


# ------------------------------------------------------------------------------------ refusals, in a batch
#
# Most cases are refusals: set up a folder, run one build, check it changed nothing.  Each takes a
# couple of seconds (mostly importing the package), so they are run together, a few at a time, by
# the module fixture ``batch`` the first time a test asks for one; each test then checks its own
# case.  A case is a function that prepares a :class:`Workspace` (a copy of the valid corpus in
# ``raw`` and of an earlier build's output in ``out``) and returns the command line to run; what it
# learnt of the corpus while preparing (the line of the row it added, the file it picked) it keeps in
# ``ws.facts`` for its test.  A case that cannot be set up here raises :class:`CannotRun` (its test is
# skipped, saying why).


class CannotRun(Exception):
    """A case cannot be set up here (no hard links on this file system, a corpus without what it needs);
    its test is skipped with the message."""


#: Refusal cases by name: a function preparing a workspace and returning the command line.
CASES: dict[str, Callable[[Workspace], list]] = {}


def case(name: str):
    """Register the decorated function as the refusal case *name*."""
    def register(fn):
        assert name not in CASES, name
        CASES[name] = fn
        return fn
    return register


def make_workspace(root: Path, base_raw: Path, prev_out: Path) -> Workspace:
    raw = root / "raw"
    shutil.copytree(base_raw, raw)
    out = root / "out"
    shutil.copytree(prev_out, out, symlinks=True)
    return Workspace(root, raw, out)


@dataclass
class Outcome:
    ws: Workspace
    argv: list | None = None
    run: Run | None = None
    before: dict | None = None
    after: dict | None = None
    error: str | None = None
    skip: str | None = None


class Batch:
    def __init__(self, outcomes: dict[str, Outcome]) -> None:
        self.outcomes = outcomes

    def _ran(self, name: str) -> Outcome:
        o = self.outcomes[name]
        if o.skip:
            pytest.skip(f"case {name!r}: {o.skip}")
        if o.error:
            pytest.fail(f"case {name!r} could not run:\n{o.error}")
        return o

    def check(self, name: str, *, needles=(), absent=(), code: int = 2) -> Run:
        o = self._ran(name)
        return assert_refusal(o.run, o.before, o.after, needles=needles, absent=absent, code=code,
                              what=f"the case's folder {o.ws.root}")

    def workspace(self, name: str) -> Workspace:
        return self._ran(name).ws

    def facts(self, name: str) -> dict:
        """What the case's setup recorded (see :class:`Workspace`)."""
        return self._ran(name).ws.facts


@pytest.fixture(scope="module")
def batch(tmp_path_factory, base_raw, prev_out) -> Batch:
    import traceback
    from concurrent.futures import ThreadPoolExecutor

    outcomes: dict[str, Outcome] = {}
    for name, setup in CASES.items():
        root = tmp_path_factory.mktemp(re.sub(r"[^A-Za-z0-9_]+", "_", name)[:40])
        o = outcomes[name] = Outcome(make_workspace(root, base_raw, prev_out))
        try:
            o.argv = setup(o.ws)
            o.before = snapshot(root)
        except CannotRun as exc:
            o.skip = str(exc)
        except Exception:
            o.error = traceback.format_exc()

    def run(o: Outcome) -> None:
        try:
            o.run = cli(*o.argv)
            o.after = snapshot(o.ws.root)
        except Exception:
            o.error = traceback.format_exc()

    with ThreadPoolExecutor(max_workers=max(2, min(4, (os.cpu_count() or 2) + 1))) as pool:
        list(pool.map(run, [o for o in outcomes.values() if not (o.error or o.skip)]))
    return Batch(outcomes)


# ------------------------------------------------------------------------ the forked command is the real one

#: Refusal cases run again, after the batch, from a fresh ``python -m analysis``: the same exit status and the
#: same bytes on stdout and stderr as from the forked process (and, again, nothing changed).
#: (All in ``make test-all``; ``make test`` compares a whole build with a fresh interpreter's instead:
#: :func:`test_a_build_is_the_same_from_a_fresh_interpreter`.)
FRESH_SAMPLE = [pytest.param(n, marks=pytest.mark.slow)
                for n in ("own_folder", "codebook:python_tag", "path:parent", "decode:random_bytes")]


@pytest.mark.parametrize("name", FRESH_SAMPLE)
def test_refusals_are_the_same_from_a_fresh_interpreter(batch, name):
    forked = batch.check(name)  # the case itself holds (status, message, nothing changed)
    ws = batch.workspace(name)
    before = snapshot(ws.root)
    r = cli(*batch.outcomes[name].argv, fresh=True)
    assert (r.rc, r.out, settled(r.err)) == (forked.rc, forked.out, settled(forked.err))
    assert_unchanged(before, snapshot(ws.root), f"the case's folder {ws.root}")


def test_a_build_is_the_same_from_a_fresh_interpreter(tmp_path, base_raw):
    a, b = tmp_path / "a", tmp_path / "b"
    forked = build(base_raw, a, "--quiet")
    fresh = cli("build", "--raw", base_raw, "--out", b, "--no-similarity", "--quiet", fresh=True)
    assert forked.rc == fresh.rc == 0, fresh.err + forked.err
    assert (forked.out.replace(str(a), "OUT"), settled(forked.err)) == (fresh.out.replace(str(b), "OUT"),
                                                                         settled(fresh.err))
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert [f for f in files if sha256(a / f) != sha256(b / f)] == []


_BAR = re.compile(r"^(?P<desc>[^\r\n|]*?):? *\d+%\|[^|]*\| *\d+/\d+ \[[^\]]*\]$")


def settled(err: str) -> list[str]:
    """stderr without the timing of its progress bars: each bar once (its description, drawn to the end or not),
    every other line as printed.  (How often a bar redraws, and its rates, depend on the machine's speed.)"""
    out: list[str] = []
    for seg in re.split(r"[\r\n]", err):
        m = _BAR.match(seg)
        item = f"<bar {m['desc'].strip()}>" if m else seg
        if not (m and out and out[-1] == item):
            out.append(item)
    return [x for x in out if x]


# ------------------------------------------------------------------------------------ output folder safety


def _own_folder(ws: Workspace) -> Path:
    mine = ws.root / "mine"
    mine.mkdir()
    (mine / "documents.csv").write_text("my,own\n1,2\n", encoding="utf-8")
    (mine / "notes.md").write_text("# my notes\n", encoding="utf-8")
    return mine


@case("own_folder")
def _(ws):
    return ["build", "--raw", ws.raw, "--out", _own_folder(ws), "--no-similarity"]


@case("own_folder_keep")
def _(ws):
    return ["build", "--raw", ws.raw, "--out", _own_folder(ws), "--no-similarity", "--keep-other-files"]


def test_folder_with_own_documents_csv_and_no_marker_is_refused(batch):
    batch.check("own_folder", needles=[re.compile(r"documents\.csv|notes\.md|\.analysis-build\.json")])


def test_own_documents_csv_is_not_overwritten_even_with_keep_other_files(batch):
    # --keep-other-files promises to leave the files the build did not write untouched; the user's own
    # documents.csv is such a file, so the build must refuse rather than replace it.
    batch.check("own_folder_keep", needles=["documents.csv"])


@case("notes")
def _(ws):
    (ws.out / "notes.md").write_text("# findings so far\n重要\n", encoding="utf-8")
    return build_argv(ws)


def test_notes_in_earlier_output_refused(batch):
    batch.check("notes", needles=["notes.md"])


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


@pytest.mark.parametrize("extra", [(), ("--keep-other-files",)], ids=["rebuild", "keep_other_files"])
def test_empty_folders_made_in_the_output_are_kept_or_refused(ws, extra):
    # Empty folders someone made in an earlier output (the build never writes an empty folder): a rebuild
    # keeps them, or refuses naming them; it never removes them silently.
    mine = {"mydir": ws.out / "mydir", "text/sub": ws.out / "text" / "sub"}
    for d in mine.values():
        d.mkdir()
    before = snapshot(ws.root)
    r = build(ws.raw, ws.out, *extra)
    if r.rc == 0:
        gone = [rel for rel, d in mine.items() if not d.is_dir()]
        assert not gone, f"exit 0, but the rebuild removed the empty folder(s) {gone} someone made"
        assert not [rel for rel, d in mine.items() if any(d.iterdir())]
        assert_complete_build(ws.out)
        assert not leftovers(ws.out)
        assert_clean_success(r)
    else:
        assert_refusal(r, before, snapshot(ws.root), needles=list(mine), what=f"the test's folder {ws.root}")


def _raw_inside_out(ws: Workspace, earlier_output: bool) -> list:
    x = ws.out if earlier_output else ws.root / "X"
    x.mkdir(exist_ok=True)
    shutil.copytree(ws.raw, x / "raw")
    return ["build", "--raw", x / "raw", "--out", x, "--no-similarity"]


case("raw_inside_out:earlier_output")(lambda ws: _raw_inside_out(ws, True))
case("raw_inside_out:plain_folder")(lambda ws: _raw_inside_out(ws, False))


@pytest.mark.parametrize("kind", ["earlier_output", "plain_folder"])
def test_raw_folder_inside_out_folder_refused(batch, kind):
    batch.check(f"raw_inside_out:{kind}", needles=["raw"])


def _out_inside_raw(ws: Workspace, kind: str) -> list:
    if kind == "out_inside_raw":
        out = ws.raw / "out"
    elif kind == "out_is_raw":
        out = ws.raw
    else:
        (ws.root / "link").symlink_to(ws.raw, target_is_directory=True)
        out = ws.root / "link" / "processed"
    return ["build", "--raw", ws.raw, "--out", out, "--no-similarity"]


OUT_INSIDE_RAW = ["out_inside_raw", "out_is_raw", "out_symlink_into_raw"]
for _k in OUT_INSIDE_RAW:
    case(f"out_inside_raw:{_k}")(lambda ws, k=_k: _out_inside_raw(ws, k))


@pytest.mark.parametrize("kind", OUT_INSIDE_RAW)
def test_out_folder_inside_raw_refused(batch, kind):
    batch.check(f"out_inside_raw:{kind}", needles=["raw"])


def _out_is_file(ws: Workspace, kind: str) -> list:
    f = ws.root / "results.txt"
    f.write_text("not a folder\n", encoding="utf-8")
    out = f if kind == "out_is_file" else f / "processed"
    return ["build", "--raw", ws.raw, "--out", out, "--no-similarity"]


for _k in ["out_is_file", "parent_is_file"]:
    case(f"out_file:{_k}")(lambda ws, k=_k: _out_is_file(ws, k))


@pytest.mark.parametrize("kind", ["out_is_file", "parent_is_file"])
def test_out_is_a_file_refused(batch, kind):
    batch.check(f"out_file:{kind}", needles=["results.txt"])


def test_read_only_output_parent_refused(ws):
    parent = ws.root / "ro"
    parent.mkdir()
    os.chmod(parent, 0o555)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("running as a user (root?) for whom a 0o555 folder is writable")
        refused(ws.root, ["build", "--raw", ws.raw, "--out", parent / "out", "--no-similarity"],
                needles=[re.compile(r"(?i)read-only|permission|not allowed")])
    finally:
        os.chmod(parent, 0o755)


@case("edited_actions")
def _(ws):
    actions = ws.out / "actions.csv"
    data = bytearray(actions.read_bytes())
    i = len(data) // 2
    data[i] = ord("X") if data[i] != ord("X") else ord("Y")
    actions.write_bytes(bytes(data))
    return build_argv(ws)


def test_edited_build_file_refused(batch):
    batch.check("edited_actions", needles=["actions.csv"])


@case("damaged_marker")
def _(ws):
    (ws.out / MARKER).write_text("{not json", encoding="utf-8")
    return build_argv(ws)


def test_damaged_marker_refused(batch):
    batch.check("damaged_marker", needles=[MARKER])


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

WRONG_SHA = "0" * 64


def _outside_file(ws: Workspace, name: str = "outside.txt") -> Path:
    """A copy of the corpus's first plan outside the raw folder; its hash (``facts["outside_sha"]``) must never
    be printed."""
    p = ws.root / name
    shutil.copy2(plans(ws.raw)[0].path, p)
    ws.facts["outside_sha"] = sha256(p)
    return p


@case("path:parent")
def _(ws):
    _outside_file(ws, "x.txt")
    ws.facts["line"] = add_row(ws.raw, "outside", "../x.txt", WRONG_SHA)
    return build_argv(ws)


@case("path:etc_passwd")
def _(ws):
    ws.facts["line"] = add_row(ws.raw, "passwd", "/etc/passwd", WRONG_SHA)
    return build_argv(ws)


@case("path:absolute")
def _(ws):
    ws.facts["line"] = add_row(ws.raw, "outside", str(_outside_file(ws)), WRONG_SHA)
    return build_argv(ws)


@case("path:subfolder")
def _(ws):
    (ws.raw / "sub").mkdir()
    shutil.copy2(plans(ws.raw)[0].path, ws.raw / "sub" / "x.txt")
    ws.facts["line"] = add_row(ws.raw, "sub", "sub/x.txt", sha256(ws.raw / "sub" / "x.txt"))
    return build_argv(ws)


@case("path:symlink_out_wrong_sha")
def _(ws):
    (ws.raw / "link.txt").symlink_to(_outside_file(ws))
    ws.facts["line"] = add_row(ws.raw, "linked", "link.txt", WRONG_SHA)
    return build_argv(ws)


@case("path:symlink_out_right_sha")
def _(ws):
    (ws.raw / "link.txt").symlink_to(_outside_file(ws))
    ws.facts["line"] = add_row(ws.raw, "linked", "link.txt", ws.facts["outside_sha"])
    return build_argv(ws)


@case("path:dot_slash_duplicate")
def _(ws):
    f = ws.facts["file"] = plans(ws.raw)[0].file
    ws.facts["line"] = add_row(ws.raw, "listed_again", f"./{f}", sha256(ws.raw / f))
    return build_argv(ws)


@case("path:inner_symlink_duplicate")
def _(ws):
    f = plans(ws.raw)[0].file
    link = ws.facts["file"] = f"{Path(f).stem}_copy.txt"
    (ws.raw / link).symlink_to(f)
    ws.facts["line"] = add_row(ws.raw, "listed_again", link, sha256(ws.raw / f))
    return build_argv(ws)


def _same_text_twice(ws: Workspace, how: str) -> list:
    """The first plan listed again under another id and another name: a hard link to its file, or a copy."""
    first = plans(ws.raw)[0]
    other = ws.raw / f"{Path(first.file).stem}_{how}.txt"
    if how == "hard_link":
        try:
            os.link(first.path, other)
        except OSError as exc:
            raise CannotRun(f"cannot make a hard link here ({exc})") from None
    else:
        shutil.copy2(first.path, other)
    ws.facts["lines"] = [manifest_line(ws.raw, first.jurisdiction),
                         add_row(ws.raw, "listed_again", other.name, sha256(other))]
    return build_argv(ws)


SAME_TEXT = ["hard_link", "identical_copy"]
for _k in SAME_TEXT:
    case(f"path:same_text:{_k}")(lambda ws, k=_k: _same_text_twice(ws, k))


def _side_file_symlink(ws: Workspace, name: str) -> list:
    if not (ws.raw / name).exists():  # a corpus without errata: give it an empty errata.csv to link
        (ws.raw / name).write_text(",".join(ERRATA_COLUMNS) + "\n", encoding="utf-8")
    outside = ws.root / f"their_{name}"
    shutil.move(ws.raw / name, outside)
    (ws.raw / name).symlink_to(outside)
    return build_argv(ws)


for _n in ["manifest.csv", "errata.csv"]:
    case(f"path:side_symlink:{_n}")(lambda ws, n=_n: _side_file_symlink(ws, n))


def _line(batch: Batch, name: str) -> re.Pattern:
    return line_re(batch.facts(name)["line"])


def test_manifest_parent_path_refused(batch):
    batch.check("path:parent", needles=[_line(batch, "path:parent"), "../x.txt"],
                absent=[batch.facts("path:parent")["outside_sha"]])


def test_manifest_etc_passwd_refused_without_leaking_its_hash(batch):
    absent = ["root:x:", "root:*:"]
    if os.access("/etc/passwd", os.R_OK):
        absent.append(sha256(Path("/etc/passwd")))
    batch.check("path:etc_passwd", needles=[_line(batch, "path:etc_passwd")], absent=absent)


def test_manifest_absolute_path_refused_without_leaking_its_hash(batch):
    batch.check("path:absolute", needles=[_line(batch, "path:absolute")],
                absent=[batch.facts("path:absolute")["outside_sha"]])


def test_manifest_subfolder_path_refused(batch):
    batch.check("path:subfolder", needles=[_line(batch, "path:subfolder"), "sub/x.txt"])


def test_manifest_symlink_out_of_raw_refused_without_leaking_its_hash(batch):
    name = "path:symlink_out_wrong_sha"
    batch.check(name, needles=[_line(batch, name), "link.txt"], absent=[batch.facts(name)["outside_sha"]])


def test_manifest_symlink_out_of_raw_refused_even_with_right_hash(batch):
    batch.check("path:symlink_out_right_sha", needles=[_line(batch, "path:symlink_out_right_sha"), "link.txt"])


def test_same_file_listed_as_dot_slash_refused(batch):
    name = "path:dot_slash_duplicate"
    batch.check(name, needles=[_line(batch, name), batch.facts(name)["file"]])


def test_same_file_listed_through_an_inner_symlink_refused(batch):
    name = "path:inner_symlink_duplicate"
    batch.check(name, needles=[_line(batch, name), batch.facts(name)["file"]])


@pytest.mark.parametrize("how", SAME_TEXT)
def test_same_text_under_two_ids_refused_naming_both_rows(batch, how):
    # One text under two ids would be counted twice: a hard link to a listed file, or an identical copy.
    name = f"path:same_text:{how}"
    first, again = batch.facts(name)["lines"]
    batch.check(name, needles=["manifest.csv", "same text", line_re(first), line_re(again)])


@pytest.mark.parametrize("name", ["manifest.csv", "errata.csv"])
def test_side_file_symlink_out_of_raw_refused(batch, name):
    batch.check(f"path:side_symlink:{name}", needles=[name])


# --------------------------------------------------------------------------------------------- decoding


def _big5_text(doc: Document) -> str | None:
    """The plan's text in Traditional characters, Taiwan forms, if Big5 can encode it (else None)."""
    import opencc

    # s2tw: s2t leaves 爲/羣/衆, which Big5 lacks; s2tw gives the Taiwan forms Big5 has
    text = opencc.OpenCC("s2tw").convert(plan_text(doc))
    try:
        text.encode("big5")
    except UnicodeEncodeError:
        return None
    return text


def _big5_plan(raw: Path, fits: Callable[[Document], bool] = lambda doc: True) -> tuple[Document, str]:
    """The first plan of *raw* that fits and whose text converts to Big5, with that text; if none does, the
    Traditional plan of our own making (tests/fixtures/layouts/traditional_big5.txt), added to *raw*."""
    for doc in plans(raw):
        text = _big5_text(doc) if fits(doc) else None
        if text is not None:
            return doc, text
    doc = add_fixture_plan(raw, "traditional_big5", "big5_plan")
    return doc, _big5_text(doc)


@dataclass
class EncodingsBuild:
    run: Run
    out: Path
    before: dict
    after: dict
    #: The build of the same corpus, every plan in UTF-8, to compare with.
    utf8_out: Path
    #: The plan saved in each encoding: "big5", "gb18030", "utf32" -> jurisdiction.
    plan: dict[str, str]


@pytest.fixture(scope="module")
def encodings_build(tmp_path_factory, base_raw, prev_out) -> EncodingsBuild:
    """One build of a corpus holding a plan saved as Big5 (converted to Traditional characters), another as
    GB18030 and another as UTF-32 with a BOM: different plans of the corpus where it has them (the Big5 one a
    plan with actions whose text converts to Big5), plans of our own making where it does not; and the build
    of the same corpus, every plan in UTF-8 (the earlier build's output when no plan had to be added)."""
    d = tmp_path_factory.mktemp("enc")
    utf8 = d / "utf8"
    shutil.copytree(base_raw, utf8)
    acted = {r["jurisdiction"] for r in read_csv(prev_out / "documents.csv") if int(r["n_actions"]) > 0}
    big5, big5_text = _big5_plan(utf8, lambda doc: doc.jurisdiction in acted)
    rest = [doc for doc in plans(utf8) if doc.jurisdiction != big5.jurisdiction]
    chosen = {"big5": big5}
    for kind, fixture in [("gb18030", "one_level_workplan"), ("utf32", "fragment_second_level")]:
        chosen[kind] = rest.pop(0) if rest else add_fixture_plan(utf8, fixture, f"{kind}_plan")
    raw = d / "raw"
    shutil.copytree(utf8, raw)
    (raw / big5.file).write_bytes(big5_text.encode("big5"))
    (raw / chosen["gb18030"].file).write_bytes(plan_text(chosen["gb18030"]).encode("gb18030"))
    u32 = plan_text(chosen["utf32"]).encode("utf-32")
    assert u32[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
    (raw / chosen["utf32"].file).write_bytes(u32)
    rewrite_manifest(raw)
    before = snapshot(raw)
    out, utf8_out = d / "out", prev_out
    if manifest_rows(utf8) != manifest_rows(base_raw):  # plans of our own making were added: build it too
        utf8_out = d / "utf8_out"
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            r0, r = pool.map(lambda a: build(*a), [(utf8, utf8_out), (raw, out)])
        assert r0.rc == 0, r0.err[-3000:]
    else:
        r = build(raw, out)
    return EncodingsBuild(r, out, before, snapshot(raw), utf8_out, {k: v.jurisdiction for k, v in chosen.items()})


def _doc(out: Path, j: str) -> dict[str, str]:
    return {r["jurisdiction"]: r for r in read_csv(out / "documents.csv")}[j]


def _text(out: Path, j: str) -> str:
    return (out / "text" / f"{j}.txt").read_text(encoding="utf-8")


def test_big5_traditional_plan_builds_as_big5hkscs(encodings_build):
    e = encodings_build
    assert e.run.rc == 0, e.run.err[-3000:]
    j = e.plan["big5"]
    row = _doc(e.out, j)
    assert row["encoding"] == "big5hkscs"
    n0 = int(_doc(e.utf8_out, j)["n_actions"])
    assert int(row["n_actions"]) >= 0.9 * n0 > 0
    text, utf8 = _text(e.out, j), _text(e.utf8_out, j)
    assert "\x00" not in text
    # converted back to Simplified characters: most lines read as in the UTF-8 build
    lines = [ln for ln in utf8.split("\n") if ln.strip()]
    same = set(text.split("\n"))
    assert sum(ln in same for ln in lines) >= 0.5 * len(lines), (j, text[:500])
    assert_unchanged(e.before, e.after, "raw folder")
    assert_clean_success(e.run)


def test_gb18030_plan_builds(encodings_build):
    e = encodings_build
    assert e.run.rc == 0, e.run.err[-3000:]
    j = e.plan["gb18030"]
    assert _doc(e.out, j)["encoding"] == "gb18030"
    assert (e.out / "text" / f"{j}.txt").read_bytes() == (e.utf8_out / "text" / f"{j}.txt").read_bytes()
    assert _doc(e.out, j)["n_actions"] == _doc(e.utf8_out, j)["n_actions"]


def test_utf32_with_bom_builds(encodings_build):
    e = encodings_build
    assert e.run.rc == 0, e.run.err[-3000:]
    j = e.plan["utf32"]
    assert _doc(e.out, j)["encoding"].lower().startswith("utf-32")
    text = (e.out / "text" / f"{j}.txt").read_bytes()
    assert b"\x00" not in text
    assert text == (e.utf8_out / "text" / f"{j}.txt").read_bytes()
    assert _doc(e.out, j)["n_actions"] == _doc(e.utf8_out, j)["n_actions"]


def _mangled_big5(text: str, how: str) -> bytes:
    """A short Big5 plan: the title block of *text* (Traditional, Big5-encodable), then its longest line mangled.

    ``swap``: the two bytes of every double-byte character swapped (no longer valid Big5 or GB18030);
    ``shift``: lead bytes moved from the frequent block into the rare one (valid Big5, but rare
    characters; GB18030 gives mojibake).
    """
    lines = text.split("\n")
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


def _first_plan_bytes(make: Callable[[str], bytes]) -> Callable[[Path], tuple[Document, bytes]]:
    """The corpus's first plan, and the bytes *make* gives for its text."""
    def made(raw: Path) -> tuple[Document, bytes]:
        doc = plans(raw)[0]
        return doc, make(plan_text(doc))
    return made


def _big5_mangled(how: str) -> Callable[[Path], tuple[Document, bytes]]:
    """A plan whose text converts to Big5, and its mangled Big5 form."""
    def made(raw: Path) -> tuple[Document, bytes]:
        doc, text = _big5_plan(raw)
        return doc, _mangled_big5(text, how)
    return made


#: kind -> (the plan replaced and the bytes that replace it, what the message must say beside the file name)
DECODE_REFUSALS = {
    "utf16le_no_bom": (_first_plan_bytes(lambda text: text.encode("utf-16-le")), re.compile(r"(?i)UTF-16[- ]?LE")),
    "random_bytes": (_first_plan_bytes(lambda text: _random_bytes(True)), None),
    "random_bytes_without_nul": (_first_plan_bytes(lambda text: _random_bytes(False)), None),
    "big5_mangled_line_undecodable": (_big5_mangled("swap"), None),
    "big5_mangled_line_implausible": (_big5_mangled("shift"), None),
    "empty": (_first_plan_bytes(lambda text: b""), re.compile(r"(?i)empty|0 bytes")),
}


def _bad_plan(ws: Workspace, make) -> list:
    doc, data = make(ws.raw)
    doc.path.write_bytes(data)
    rewrite_manifest(ws.raw)
    ws.facts["file"] = doc.file
    return build_argv(ws)


for _k, (_make, _) in DECODE_REFUSALS.items():
    case(f"decode:{_k}")(lambda ws, m=_make: _bad_plan(ws, m))


@pytest.mark.parametrize("kind", sorted(DECODE_REFUSALS))
def test_undecodable_or_implausible_plan_refused(batch, kind):
    needle = DECODE_REFUSALS[kind][1]
    batch.check(f"decode:{kind}", needles=[batch.facts(f"decode:{kind}")["file"]] + ([needle] if needle else []))


# ------------------------------------------------------------------------------------------ manifest hygiene

BAD_IDS = ["内蒙古", "zhifu²", "Zhifu", "a-b", "_zhifu", "ｚｈｉｆｕ", "zhi fu"]


def _edit(ws: Workspace, *edits: tuple[int, str, str], extra=()) -> list:
    """Set cells of manifest rows (row 1 = the first row, or the last row if there are fewer);
    ``ws.facts["lines"]``: the lines edited."""
    ws.facts["lines"] = []
    for k, column, value in edits:
        line = row_line(ws.raw, k)
        set_cell(ws.raw, line, column, value)
        ws.facts["lines"].append(line)
    return build_argv(ws, *extra)


def _lines(batch: Batch, name: str) -> list[re.Pattern]:
    return [line_re(n) for n in batch.facts(name)["lines"]]


for _v in BAD_IDS:
    case(f"id:{_v}")(lambda ws, v=_v: _edit(ws, (1, "jurisdiction", v)))


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_bad_jurisdiction_id_refused(batch, bad_id):
    batch.check(f"id:{bad_id}", needles=[line_re(2), bad_id])


@case("nul_in_cell")
def _(ws):
    m = ws.raw / "manifest.csv"
    rows = manifest_rows(ws.raw)
    name = rows[1][rows[0].index("name_zh")].encode()
    data = m.read_bytes()
    at = data.index(name, data.index(b"\n") + 1) + len(name[:3])  # after the first character of row 1's name_zh
    m.write_bytes(data[:at] + b"\x00" + data[at:])
    return build_argv(ws)


def test_nul_byte_in_manifest_cell_refused(batch):
    batch.check("nul_in_cell", needles=[re.compile(r"NUL|U\+0000")])


CONTROLS = {"bell": "\x07", "escape": "\x1b[31m", "c1_nel": "\x85", "line_separator": "\u2028", "del": "\x7f"}
for _k, _ch in CONTROLS.items():
    case(f"control:{_k}")(lambda ws, ch=_ch: _edit(ws, (2, "name_en", f"Moumou{ch}County")))


@pytest.mark.parametrize("kind", sorted(CONTROLS))
def test_control_character_in_manifest_cell_refused(batch, kind):
    r = batch.check(f"control:{kind}", needles=_lines(batch, f"control:{kind}"))
    assert "\x1b" not in r.err, "the message echoes a terminal escape sequence"


FORMULAS = {
    "hyperlink": ("name_en", '=HYPERLINK("http://example.com/x","Moumou")'),
    "plus": ("name_zh", "+某某市某某区"),
    "minus": ("name_en", "-Moumou District"),
    "at": ("province", "@SUM(1+1)"),
    "indented_equals": ("name_en", "  =1+1"),
}
for _k, (_col, _val) in FORMULAS.items():
    case(f"formula:{_k}")(lambda ws, c=_col, v=_val: _edit(ws, (2, c, v)))


@pytest.mark.parametrize("kind", sorted(FORMULAS))
def test_formula_leading_cell_refused(batch, kind):
    batch.check(f"formula:{kind}", needles=_lines(batch, f"formula:{kind}") + [FORMULAS[kind][0]])


case("long_cell")(lambda ws: _edit(ws, (3, "name_en", "A" * 131_073)))


def test_cell_over_csv_limit_reported_with_line(batch):
    batch.check("long_cell", needles=[re.compile(r"\bline \d+"), "manifest.csv"])


@case("semicolons")
def _(ws):
    write_manifest(ws.raw, manifest_rows(ws.raw), delimiter=";")
    return build_argv(ws)


def test_semicolon_manifest_gets_a_hint(batch):
    batch.check("semicolons", needles=["';'"])


@case("unterminated_quote")
def _(ws):
    # a cell with a comma is quoted; its closing quote lost, the rest of the file runs into it
    quoted = "Moumou County, Somewhere"
    set_cell(ws.raw, 2, "name_en", quoted)
    m = ws.raw / "manifest.csv"
    text = m.read_text(encoding="utf-8")
    assert f'"{quoted}"' in text
    m.write_text(text.replace(f'"{quoted}"', f'"{quoted}', 1), encoding="utf-8")
    return build_argv(ws)


def test_unterminated_quote_reported_as_such(batch):
    r = batch.check("unterminated_quote", needles=[re.compile(r"(?i)quote")])
    assert "empty level" not in r.err


def _own_plain_plan(raw: Path, i: int, **cells) -> int:
    """Add a short text of our own making (no actions) as plan ``own_I`` with *cells*; returns its line."""
    name = f"own_{i}.txt"
    (raw / name).write_text(PLAIN_TEXT + f"\n（第{i}份）\n", encoding="utf-8")
    return add_row(raw, f"own_{i}", name, sha256(raw / name), **cells)


@case("several_problems")
def _(ws):
    ws.facts["lines"] = [2]
    set_cell(ws.raw, 2, "jurisdiction", "Bad-Id")
    ws.facts["lines"].append(_own_plain_plan(ws.raw, 1, level="galaxy"))
    ws.facts["lines"].append(_own_plain_plan(ws.raw, 2, name_en="=1+1"))
    return build_argv(ws)


def test_several_manifest_problems_reported_together(batch):
    batch.check("several_problems", needles=_lines(batch, "several_problems"))


def test_county_level_city_prefecture_and_banner_levels_accepted(tmp_path, base_raw):
    raw = tmp_path / "raw"
    shutil.copytree(base_raw, raw)
    spellings = {"县级市": "county-level city", "county-level city": "county-level city",
                 "autonomous prefecture": "autonomous prefecture", "旗": "banner", "Banner": "banner"}
    for i in range(len(data_lines(raw)), len(spellings)):  # a smaller corpus: texts of our own for the rest
        _own_plain_plan(raw, i)
    rows = manifest_rows(raw)
    expected = {}
    for line, spelling in zip(data_lines(raw), itertools.cycle(spellings)):
        set_cell(raw, line, "level", spelling)
        expected[rows[line - 1][rows[0].index("jurisdiction")].strip()] = spellings[spelling]
    before = snapshot(raw)
    r = build(raw, tmp_path / "out")
    assert r.rc == 0, r.err[-3000:]
    got = {d["jurisdiction"]: d["level"] for d in read_csv(tmp_path / "out" / "documents.csv")}
    assert got == {j: lv for j, lv in expected.items() if j in {d.jurisdiction for d in plans(raw)}}
    assert_unchanged(before, snapshot(raw), "raw folder")
    assert_clean_success(r)


# --------------------------------------------------------------------------------------------------- errata


def _frequent_phrase(text: str) -> str:
    """Two Chinese characters that occur together most often in *text* (at least twice)."""
    han = re.compile(r"[\u4e00-\u9fff]{2}")
    counts = collections.Counter(text[i:i + 2] for i in range(len(text) - 1) if han.fullmatch(text[i:i + 2]))
    if not counts or counts.most_common(1)[0][1] < 2:
        raise CannotRun("the first plan repeats no two characters")
    return counts.most_common(1)[0][0]


#: kind -> the erratum row, made from the corpus's first plan
ERRATA: dict[str, Callable[[Document], list[str]]] = {
    "file_not_in_manifest": lambda doc: ["nothere.txt", "fix", "某段文字", "另一段文字", "test"],
    "text_occurs_0_times": lambda doc: [doc.file, "fix", "这段文字在文件里根本不存在", "替换", "test"],
    "text_occurs_many_times": lambda doc: [doc.file, "fix", _frequent_phrase(plan_text(doc)), "替换",
                                           "occurs many times"],
}


def _add_erratum(ws: Workspace, make: Callable[[Document], list[str]]) -> list:
    """Append an erratum row (to a new errata.csv if the corpus has none); ``ws.facts["line"]``: its line."""
    path = ws.raw / "errata.csv"
    text = path.read_text(encoding="utf-8") if path.exists() else ",".join(ERRATA_COLUMNS) + "\n"
    if not text.endswith("\n"):
        text += "\n"
    ws.facts["line"] = text.count("\n") + 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(make(plans(ws.raw)[0]))
    path.write_text(text + buf.getvalue(), encoding="utf-8")
    return build_argv(ws)


for _k, _make in ERRATA.items():
    case(f"erratum:{_k}")(lambda ws, m=_make: _add_erratum(ws, m))


@pytest.mark.parametrize("kind", sorted(ERRATA))
def test_bad_erratum_refused_with_line(batch, kind):
    batch.check(f"erratum:{kind}", needles=["errata.csv", _line(batch, f"erratum:{kind}")])


# ------------------------------------------------------------------------------------------------- codebook

#: Codebooks that are not codebooks, and copies of the package's codebook whose ``instruments`` section is
#: broken (see :func:`_break_instruments`).
INSTRUMENT_BREAKS = ["not_a_mapping", "code_without_id", "kind_not_in_kinds", "id_used_twice", "cue_not_a_regex",
                     "cue_empty", "cue_matching_empty"]
CODEBOOKS = ["yaml_syntax", "wrong_structure", "empty", "missing", "folder", "python_tag"] + \
    [f"instruments:{k}" for k in INSTRUMENT_BREAKS]


def _break_instruments(cb: dict, kind: str) -> str:
    """Break the ``instruments`` section of codebook *cb* (parsed YAML); returns the entry a message must name."""
    codes = cb["instruments"]["codes"]
    first = codes[0]
    if kind == "not_a_mapping":
        cb["instruments"] = 5
        return "instruments"
    if kind == "code_without_id":
        del first["id"]
    elif kind == "kind_not_in_kinds":
        assert "no_such_kind" not in cb["instruments"]["kinds"]
        first["kind"] = "no_such_kind"
    elif kind == "id_used_twice":
        codes.append(dict(first, zh="又一个", en="Again"))
        return f"instruments.codes[{len(codes) - 1}]"
    else:
        first["cues"] = list(first.get("cues") or []) + [{"cue_not_a_regex": "([", "cue_empty": "",
                                                           "cue_matching_empty": ".*"}[kind]]
    return "instruments.codes[0]"


def _bad_codebook(ws: Workspace, kind: str) -> list:
    import yaml

    from analysis import paths

    cb = ws.root / "codebook.yaml"
    if kind == "yaml_syntax":
        cb.write_text("categories: [\n  - {id: x, patterns: ['a'\n", encoding="utf-8")
    elif kind == "wrong_structure":
        cb.write_text("categories: 5\n", encoding="utf-8")
    elif kind == "empty":
        cb.write_text("", encoding="utf-8")
    elif kind == "folder":
        cb.mkdir()
    elif kind == "python_tag":
        pwned = ws.root / "PWNED"
        cb.write_text(f'categories: !!python/object/apply:os.system ["touch {pwned}"]\n', encoding="utf-8")
    elif kind.startswith("instruments:"):
        data = yaml.safe_load(paths.CODEBOOK.read_text(encoding="utf-8"))
        ws.facts["needles"] = list(dict.fromkeys(["instruments", _break_instruments(data, kind.split(":", 1)[1])]))
        cb.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return build_argv(ws, "--codebook", cb)


for _k in CODEBOOKS:
    case(f"codebook:{_k}")(lambda ws, k=_k: _bad_codebook(ws, k))


@pytest.mark.parametrize("kind", CODEBOOKS)
def test_bad_codebook_refused(batch, kind):
    name = f"codebook:{kind}"
    batch.check(name, needles=["codebook"] + batch.facts(name).get("needles", []))
    assert not (batch.workspace(name).root / "PWNED").exists(), "the codebook ran code"


#: A list of departments closing a passage: （县教体局、县科协按职责分工负责）
DEPARTMENT_LIST = re.compile(r"（[^（）]{2,40}(?:按职责分工负责|负责)）")


def _insert_unknown_department(ws: Workspace) -> None:
    """A plan names a department the codebook does not know (``ws.facts``: ``unknown``, its ``plan``, ``file``
    and raw ``line``).

    It is added to the first department list of the corpus, after the list's first department, with the
    list's prefix (县, 市 ...); a corpus without such a list gets a plan of our own making that has one.
    """
    for doc in plans(ws.raw):
        text = plan_text(doc)
        m = DEPARTMENT_LIST.search(text)
        if m:
            break
    else:
        doc = add_fixture_plan(ws.raw, "fragment_second_level", "own_plan")
        text = plan_text(doc)
        m = DEPARTMENT_LIST.search(text)
        assert m, "the plan of our own making has no department list"
    listed = m.group(0)
    unknown = (listed[1] if listed[1] in "省市县区旗州盟" else "") + "火星探测局"
    k = listed.find("、")
    at = m.start() + (k + 1 if k > 0 else 1)
    text = text[:at] + unknown + "、" + text[at:]
    doc.path.write_text(text, encoding="utf-8")
    rewrite_manifest(ws.raw)
    ws.facts.update(unknown=unknown, plan=doc.jurisdiction, file=doc.file, line=text[:at].count("\n") + 1)


def test_unknown_department_is_kept_uncoded_and_listed(ws):
    _insert_unknown_department(ws)
    unknown, file, line = ws.facts["unknown"], ws.facts["file"], ws.facts["line"]
    before = snapshot(ws.raw)
    r = build(ws.raw, ws.out)
    assert r.rc == 0, r.err[-3000:]
    gaps = [g for g in read_csv(ws.out / "codebook_gaps.csv") if g["name"] == unknown]
    assert gaps, "not listed in codebook_gaps.csv"
    assert gaps[0]["first_where"].endswith(f"{file}, line {line}"), gaps[0]["first_where"]
    cats = {a["category"] for a in read_csv(ws.out / "assignments.csv") if a["department"] == unknown}
    assert cats == {"uncoded"}
    assert unknown in r.err  # the end-of-build warning names it
    assert_unchanged(before, snapshot(ws.raw), "raw folder")
    assert_clean_success(r)


@case("strict_unknown_department")
def _(ws):
    _insert_unknown_department(ws)
    return build_argv(ws, "--strict")


def test_unknown_department_with_strict_refused(batch):
    facts = batch.facts("strict_unknown_department")
    batch.check("strict_unknown_department", needles=[facts["unknown"], facts["plan"]])


# -------------------------------------------------------------------------------------- degenerate corpora


def _plain_corpus(raw: Path, plans_from: Path | None = None, prev_out: Path | None = None) -> None:
    """A corpus of one short text without actions; with *plans_from*, also a plan with actions: the first of
    that corpus that has actions in its build *prev_out*, else a plan of our own making."""
    raw.mkdir(parents=True)
    (raw / "plain.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    write_manifest(raw, [HEADER, ["plain", "plain.txt", sha256(raw / "plain.txt"), "某某市", "Moumou City",
                                  "prefecture-level city", "山东省"]])
    if plans_from is None:
        return
    acted = {r["jurisdiction"] for r in read_csv(prev_out / "documents.csv") if int(r["n_actions"]) > 0}
    doc = next((d for d in plans(plans_from) if d.jurisdiction in acted and d.file != "plain.txt"), None)
    if doc is None:
        add_fixture_plan(raw, "one_level_workplan", "own_plan")
        return
    shutil.copy2(doc.path, raw / doc.file)
    add_row(raw, doc.jurisdiction, doc.file, sha256(raw / doc.file), doc.name_zh, doc.name_en, doc.level,
            doc.province)


def test_only_plan_without_actions_builds_empty_crossplan_tables(tmp_path, crossplan_tables):
    raw = tmp_path / "raw"
    _plain_corpus(raw)
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


def test_plan_without_actions_left_out_of_a_two_plan_corpus(tmp_path, base_raw, prev_out):
    raw = tmp_path / "raw"
    _plain_corpus(raw, base_raw, prev_out)
    out = tmp_path / "out"
    r = build(raw, out, similarity=True)
    assert r.rc == 0, r.err[-3000:]
    assert re.search(r"plain[^\n]*left out|left out[^\n]*plain", r.err), r.err[-3000:]
    acts = {d["jurisdiction"]: int(d["n_actions"]) for d in read_csv(out / "documents.csv")}
    assert acts["plain"] == 0 and len(acts) == 2 and max(acts.values()) > 0, acts
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
# make test interrupts the extraction with Ctrl-C; SIGTERM, and the stage phase (which waits for the cross-plan
# stage of 60 plans), run in make test-all
@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), pytest.param(signal.SIGTERM, 143, marks=pytest.mark.slow)],
                         ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("phase", ["extract", pytest.param("stage", marks=pytest.mark.slow)])
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
    said = [ln for ln in r.err.split("\n") if "error:" in ln]
    assert len(said) == 1, f"expected one error message, got {len(said)}:\n{r.err[-3000:]}"
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
@pytest.mark.slow
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


@pytest.mark.slow
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
    assert [d["jurisdiction"] for d in read_csv(out / "documents.csv")] == \
        [d["jurisdiction"] for d in read_csv(prev_out / "documents.csv")]
    assert not leftovers(out), f"left behind: {leftovers(out)}"
    assert_unchanged(before_raw, snapshot(base_raw), "raw folder")
