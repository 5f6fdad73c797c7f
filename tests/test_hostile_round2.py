"""Hostile input, round two: imports that cannot exhaust a machine, searches that cannot hang, commands that
never overwrite what they did not write, arguments and environments checked (issue 20).

Every case asserts, as the first round does (tests/test_hostile.py):

1. the exit status;
2. the first line of the message (``error:`` and what it names);
3. that no byte outside the intended output changed (sha256 snapshots of the test's folders before and after);
4. that no temporary file is left (``*.tmp``, staging folders);
5. that the command finished within a stated time and memory: wall seconds, and the peak of Python's
   allocations (``tracemalloc``) for a command run in this process or the peak resident memory
   (``os.wait4``'s ``ru_maxrss``) for one run in a child process;
6. that no traceback was printed.

Commands run in this process (``analysis.cli.main(argv)``, stdout and stderr captured) unless the case needs
a real process: memory of a zip bomb, the locale of the arguments, the console's encoding, a Python without
the dependencies.  The corpus is of our own making: two plan texts of ``tests/fixtures/layouts``, one with a
run of 40 ``a``'s inside an action (the classic input of catastrophic backtracking), built once per module.
Cases that need a full build of several plans or a notebook kernel are marked ``slow``.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from analysis import cli, console, files
from analysis.errors import BuildError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
POSIX = os.name == "posix"
NS = "urn:QDA-XML:project:1.0"
A40 = "a" * 40
#: Bounds every case is held to unless it states its own: wall seconds (on a busy 2-core machine) and MB.
SECONDS, MB_INPROC, MB_CHILD = 30.0, 400.0, 600.0


# --------------------------------------------------------------------------------------------- helpers
@dataclass
class Outcome:
    rc: int
    out: str
    err: str
    seconds: float
    peak_mb: float  # tracemalloc peak (in process) or ru_maxrss (child)

    @property
    def first(self) -> str:
        return (self.err.splitlines() or [""])[0]


def run(capsys, *argv) -> Outcome:
    """``python -m analysis ARGV`` in this process, with its time and the peak of its Python allocations."""
    capsys.readouterr()
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        rc = cli.main([str(a) for a in argv])
    finally:
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        console.set_quiet(0)
    out, err = capsys.readouterr()
    return Outcome(rc, out, err, seconds, peak)


#: Runs a command and writes its peak resident memory (KB) to a file: started from this small process, the
#: command's ``ru_maxrss`` is its own, not that of the large test process it would otherwise be forked from.
_MEASURE = ("import resource, subprocess, sys\n"
            "code = subprocess.call(sys.argv[2:])\n"
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
            "sys.exit(code)\n")


def run_process(*argv, env: dict | None = None, cwd: Path = ROOT, timeout: float = 120,
                python: list[str] | None = None, encoding: str = "utf-8") -> Outcome:
    """``python -m analysis ARGV`` in a child process, with its wall time and peak resident memory."""
    import tempfile

    fd, rss_file = tempfile.mkstemp(prefix="rss-", suffix=".txt")
    os.close(fd)
    args = ([sys.executable, "-c", _MEASURE, rss_file] + (python or [sys.executable, "-m", "analysis"])
            + [a if isinstance(a, bytes) else str(a) for a in argv])
    t0 = time.perf_counter()
    p = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda k=k, s=s: chunks.__setitem__(k, s.read()))
               for k, s in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    try:
        _, status = os.waitpid(p.pid, 0)
    finally:
        killer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    try:
        rss_kb = float(Path(rss_file).read_text() or "inf")
    finally:
        os.unlink(rss_file)
    return Outcome(p.returncode, chunks["out"].decode(encoding, "replace"), chunks["err"].decode(encoding, "replace"),
                   time.perf_counter() - t0, rss_kb / 1024)


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING", "PYTHONUTF8"))}
    env.update(extra)
    return env


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(*roots) -> dict[str, str]:
    """Every file (sha256), folder and symlink (its target) under *roots*."""
    snap: dict[str, str] = {}
    for root in map(Path, roots):
        if not root.exists() and not root.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            d = Path(dirpath)
            snap[str(d)] = "dir"
            for name in dirnames + filenames:
                p = d / name
                if p.is_symlink():
                    snap[str(p)] = "link:" + os.readlink(p)
                elif p.is_file():
                    snap[str(p)] = sha256(p)
    return snap


def leftovers(*roots) -> list[str]:
    """Temporary files and staging folders under *roots*."""
    pattern = re.compile(r"\.tmp$|\.staging-|\.old-")
    return sorted(str(p) for root in map(Path, roots) if Path(root).exists()
                  for p in Path(root).rglob("*") if pattern.search(p.name))


def check(o: Outcome, rc: int, first: str | None = None, *, seconds: float = SECONDS, mb: float | None = None,
          child: bool = False) -> None:
    """Exit status, first line of stderr (a regular expression), time, memory, no traceback."""
    text = o.out + o.err
    assert o.rc == rc, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    if first is not None:
        assert re.search(first, o.first), o.first
    if rc == 2:
        assert o.first.startswith("error:"), o.err[-2000:]
        assert sum(1 for ln in o.err.splitlines() if ln.startswith("error:")) == 1, o.err
    assert o.seconds < seconds, f"took {o.seconds:.1f} s (bound {seconds} s)"
    bound = mb if mb is not None else (MB_CHILD if child else MB_INPROC)
    assert o.peak_mb < bound, f"peak {o.peak_mb:.0f} MB (bound {bound} MB)"


def unchanged(before: dict, after: dict, *intended) -> None:
    """No path but *intended* (and their sidecars) appeared, disappeared or changed."""
    allowed = {str(p) for p in intended} | {str(files.sidecar(p)) for p in intended}
    diff = {k for k in set(before) | set(after) if before.get(k) != after.get(k)} - allowed
    assert not diff, sorted(diff)[:10]


def write_manifest(raw: Path, rows: list[tuple[str, str, str, str, str]]) -> None:
    """A manifest for *rows* of ``(jurisdiction, file on disk, name in the row, name_zh, level)``."""
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"])
        for j, disk, listed, zh, level in rows:
            w.writerow([j, listed, sha256(raw / disk), zh, j.capitalize(), level])


def make_raw(folder: Path) -> Path:
    """Two plans of our own making; one has a run of 40 a's inside an action."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "one_level_workplan.txt").read_text(encoding="utf-8")
    assert "培训班2期，" in text
    (folder / "zheyang.txt").write_text(text.replace("培训班2期，", f"培训班2期，编写{A40}手册，"), encoding="utf-8")
    shutil.copy(FIXTURES / "division_of_tasks_2016.txt", folder / "jiangling.txt")
    write_manifest(folder, [("zheyang", "zheyang.txt", "zheyang.txt", "柘阳市", "county-level city"),
                            ("jiangling", "jiangling.txt", "jiangling.txt", "江岭省", "province")])
    return folder


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    return make_raw(tmp_path_factory.mktemp("raw") / "raw")


@pytest.fixture(scope="module")
def processed(raw, tmp_path_factory) -> Path:
    from analysis.pipeline.run import build

    out = tmp_path_factory.mktemp("build") / "processed"
    build(raw, out, progress=False, similarity=False, verbose=False)
    return out


@pytest.fixture(scope="module")
def exported(processed, tmp_path_factory) -> Path:
    from analysis.exchange import export_qdpx

    return export_qdpx(tmp_path_factory.mktemp("export") / "plans.qdpx", processed)


class Guard:
    """Snapshots of the test's folder, the raw folder and the build; ``guard(*intended)`` checks that nothing
    but *intended* (and their sidecars) changed since the last ``guard.start()`` and that no temporary file
    is left."""

    def __init__(self, *roots):
        self.roots = roots
        self.start()

    def start(self) -> None:
        self.before = snapshot(*self.roots)

    def __call__(self, *intended) -> None:
        unchanged(self.before, snapshot(*self.roots), *intended)
        assert not leftovers(*self.roots), leftovers(*self.roots)


@pytest.fixture
def guard(tmp_path, raw, processed) -> Guard:
    return Guard(tmp_path, raw, processed)


# --------------------------------------------------------------------------------------------- zip bombs
def _deflate_repeated(prefix: bytes, fill: bytes, mib: int, suffix: bytes) -> tuple[bytes, int]:
    """Raw deflate data that unpacks to ``prefix + fill * mib MiB + suffix``: one compressed MiB repeated
    (each block ends with a full flush, so it refers to nothing before it)."""
    def block(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = end.compress(suffix) + end.flush(zlib.Z_FINISH)
    return block(prefix) + block(fill * 2**20) * mib + tail, len(prefix) + mib * 2**20 + len(suffix)


def _zip_one(path: Path, name: str, data: bytes, size: int, declared: int | None = None) -> Path:
    """A zip of one deflated member written by hand, so its header can declare *declared* bytes."""
    declared = size if declared is None else declared
    n = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, 0, len(data), declared, len(n), 0) + n
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, 0, len(data), declared, len(n),
                          0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


QDE_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x">'


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bombs")
    zeros, n0 = _deflate_repeated(b"", b"\0", 1536, b"")  # 1.5 GB of zeros in about 1.6 MB
    blanks, n1 = _deflate_repeated(QDE_HEAD, b" ", 1228, b"</Project>\n")  # project.qde padded to 1.2 GB
    return {"zeros": _zip_one(d / "zeros.qdpx", "project.qde", zeros, n0),
            "padded": _zip_one(d / "padded.qdpx", "project.qde", blanks, n1),
            "liar": _zip_one(d / "liar.qdpx", "project.qde", blanks, n1, declared=8 * 2**20)}


@pytest.mark.parametrize("kind, size", [("zeros", "1,536.0 MB"), ("padded", "1,228.0 MB")])
def test_zip_bomb_refused_before_memory_grows(bombs, processed, tmp_path, guard, kind, size):
    """A member that unpacks to gigabytes is refused from its declared size: under 300 MB of resident memory
    (the Python process with pandas loaded) and in seconds, where the unbounded import took 3.3 GB."""
    o = run_process("import-qdpx", bombs[kind], "--processed", processed)
    check(o, 2, rf"^error: .*{kind}\.qdpx: member 'project\.qde' unpacks to {size}, more than the limit of "
                r"256\.0 MB for one member; refusing", seconds=30, mb=300, child=True)
    guard()


def test_raising_one_limit_still_meets_the_next(bombs, processed, capsys, guard):
    """--max-member-mb lets a large member through the size check; the compression ratio stops it."""
    o = run(capsys, "import-qdpx", bombs["padded"], "--processed", processed, "--max-member-mb", "2000")
    check(o, 2, r"^error: .*padded\.qdpx: member 'project\.qde' unpacks [\d,]+ times larger than it is stored .*"
                r"more than the limit of 100; refusing", seconds=10, mb=50)
    guard()


def test_member_that_unpacks_beyond_its_declared_size_stops_at_it(bombs, processed, capsys, guard):
    """A header that declares 8 MB for 1.2 GB: the member is read as a stream and stops at 8 MB (CRC fails)."""
    o = run(capsys, "import-qdpx", bombs["liar"], "--processed", processed)
    check(o, 2, r"^error: .*liar\.qdpx: member 'project\.qde' is damaged \(Bad CRC-32", seconds=60, mb=100)
    guard()


def test_too_many_members_refused_from_the_end_record(exported, processed, capsys, guard):
    with zipfile.ZipFile(exported) as z:
        n = len(z.namelist())
    o = run(capsys, "import-qdpx", exported, "--processed", processed, "--max-members", n - 1)
    check(o, 2, rf"^error: .*plans\.qdpx: the zip has {n} entries, more than the limit of {n - 1}; refusing",
          seconds=10, mb=50)
    guard()


def test_compression_ratio_refused(tmp_path, processed, capsys, guard):
    data, size = _deflate_repeated(QDE_HEAD, b" ", 20, b"</Project>\n")
    bomb = _zip_one(tmp_path / "ratio.qdpx", "project.qde", data, size)
    guard.start()
    o = run(capsys, "import-qdpx", bomb, "--processed", processed)
    check(o, 2, r"^error: .*ratio\.qdpx: member 'project\.qde' unpacks [\d,]+ times larger than it is stored",
          seconds=10, mb=50)
    guard()


def _project_zip(path: Path, qde: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde)
    return path


HOSTILE_XML = {
    "billion_laughs": (b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
                       + b"".join(b'<!ENTITY %s "%s">' % (b"a" + b"b" * i, (b"&a" + b"b" * (i - 1) + b";") * 10)
                                  for i in range(1, 10))
                       + b']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&abbbbbbbbb;"/>'),
    "external_entity": (b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'),
    "deep": (b'<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0">' + b"<a>" * 5000 + b"</a>" * 5000
             + b"</Project>"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_XML))
def test_hostile_xml_refused(kind, tmp_path, processed, capsys, guard):
    project = _project_zip(tmp_path / f"{kind}.qdpx", HOSTILE_XML[kind])
    guard.start()
    o = run(capsys, "import-qdpx", project, "--processed", processed)
    expected = "nested more than 256 deep" if kind == "deep" else "document type declaration"
    check(o, 2, rf"^error: .*{kind}\.qdpx: project\.qde: refused: .*{expected}", seconds=10, mb=50)
    assert "root:" not in o.err  # nothing of /etc/passwd
    guard()


def test_a_bare_qde_over_the_limit_is_refused_unread(tmp_path, processed, capsys, guard):
    qde = tmp_path / "big.qde"
    with open(qde, "wb") as fh:
        fh.write(QDE_HEAD)
        fh.truncate(3 * 2**20)  # a sparse file: 3 MB on paper
    guard.start()
    o = run(capsys, "import-qdpx", qde, "--processed", processed, "--max-member-mb", "1")
    check(o, 2, r"^error: .*big\.qde: 3\.0 MB, more than the limit of 1\.0 MB for a project file", seconds=10, mb=50)
    guard()


def test_limits_are_checked(exported, processed, capsys, guard):
    o = run(capsys, "import-qdpx", exported, "--processed", processed, "--max-ratio", "0")
    check(o, 2, r"^error: import-qdpx: --max-ratio 0: every limit must be above 0", seconds=10)
    guard()


# --------------------------------------------------------------------------------------------- import offsets
def _edited_export(exported: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(exported) as z:
        entries = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
    root = ET.fromstring(entries["project.qde"])
    edit(root)
    entries["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries.items():
            z.writestr(n, data)
    return out


def test_impossible_offsets_are_counted_and_excluded(exported, processed, tmp_path, capsys, guard):
    """Negative, past-the-end and reversed selections are excluded from the scores, counted by kind in the
    report and per code in the CSV; nothing is clipped or swapped into agreement."""
    from analysis.exchange import import_qdpx

    picked = {}

    def edit(root):
        sels = [s for s in root.iter(f"{{{NS}}}PlainTextSelection") if 5 < int(s.get("endPosition")) < 1000]
        a, b, c = sels[:3]
        a.set("startPosition", "-5")
        b.set("endPosition", "999999999")
        c.set("startPosition", str(int(c.get("endPosition")) + 1))
        picked.update(a=a.get("guid"), b=b.get("guid"), c=c.get("guid"))

    project = _edited_export(exported, tmp_path / "offsets.qdpx", edit)
    guard.start()
    out_csv = tmp_path / "agreement.csv"
    o = run(capsys, "import-qdpx", project, "--processed", processed, "--csv", out_csv)
    check(o, 0, seconds=20)
    line = next(ln for ln in o.out.splitlines() if ln.startswith("excluded from the scores"))
    assert line.startswith("excluded from the scores: 3 coded selection(s) with impossible offsets (2 outside, "
                           "1 reversed)"), line
    df = import_qdpx(project, processed)
    assert df.attrs["excluded"] == {"outside": 2, "reversed": 1, "splits a character": 0}
    assert int(df["n_excluded"].sum()) >= 3
    with open(out_csv, encoding="utf-8") as fh:
        assert sum(int(r["n_excluded"]) for r in csv.DictReader(fh)) == int(df["n_excluded"].sum())
    # excluded, not clipped: the human side lacks those spans, so agreement is below perfect
    assert (df["recall"].dropna() == 1).all() and (df["precision"].dropna() < 1).any()
    guard(out_csv)


# --------------------------------------------------------------------------------------------- bounded searches
def test_catastrophic_pattern_stops_with_an_error(processed, capsys, guard):
    """(a|aa)+$ on a run of 40 a's backtracks about 10**8 ways: stopped at the time limit, exit 2."""
    o = run(capsys, "kwic", "(a|aa)+$", "--processed", processed, "--timeout", "0.5")
    check(o, 2, r"^error: kwic: the regular expression '\(a\|aa\)\+\$' took more than 0\.5 s of CPU on plan "
                r"zheyang \([\d,]+ characters\)", seconds=8, mb=100)
    guard()


@pytest.mark.parametrize("pattern", ["(a+)+$", "(.+)+$", "(a*)*b"])
def test_nested_repetition_finishes_within_the_limit(pattern, processed, capsys, guard):
    """Patterns that hang Python's re on 40 a's end within plans x --timeout (found, or an error naming them)."""
    o = run(capsys, "kwic", pattern, "--processed", processed)
    assert o.rc in (0, 2), o.err
    check(o, o.rc, None if o.rc == 0 else r"^error: kwic: the regular expression", seconds=2 * 2.0 + 6, mb=100)
    guard()


@pytest.mark.slow
def test_nested_repetition_on_the_repository_build(tmp_path, capsys):
    """kwic '(.+)+$' on data/processed (the case that hung for over 60 s): done within plans x --timeout."""
    from analysis import paths

    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built")
    copy = shutil.copytree(paths.PROCESSED, tmp_path / "processed")
    n_plans = len((copy / "documents.csv").read_text(encoding="utf-8").splitlines()) - 1
    before = snapshot(tmp_path)
    o = run(capsys, "kwic", "(.+)+$", "--processed", copy, "--timeout", "1")
    assert o.rc in (0, 2), o.err
    check(o, o.rc, None if o.rc == 0 else r"^error: kwic: the regular expression '\(\.\+\)\+\$' took more than",
          seconds=n_plans * 1.0 * 3 + 10, mb=300)
    unchanged(before, snapshot(tmp_path))


def test_codebook_pattern_with_nested_repetition_stops_the_build(raw, tmp_path, capsys, guard):
    """A researcher's codebook whose instrument cue backtracks catastrophically on a clause: the build stops
    with an error naming the codebook entry, instead of hanging."""
    from analysis import paths

    cb = tmp_path / "my_codebook.yaml"
    text = paths.CODEBOOK.read_text(encoding="utf-8")
    m = re.search(r"(?m)^(\s*)cues:\s*\[", text)
    assert m, "the codebook's instrument codes have `cues: [` lists"
    cb.write_text(text[:m.end()] + "'(a|aa)+$', " + text[m.end():], encoding="utf-8")
    guard.start()
    out = tmp_path / "out"
    o = run(capsys, "build", "--raw", raw, "--out", out, "--codebook", cb, "--no-similarity", "-q")
    check(o, 2, r"^error: .*my_codebook\.yaml: instruments\.codes\[\d+\] \([\w.]+\)\.cues: the regular expression "
                r"'.*\(a\|aa\)\+\$.*' took more than 1 s of CPU", seconds=20)
    assert not out.exists()
    guard()


def test_shipped_codebook_patterns_do_not_backtrack_catastrophically():
    """The package's own codebook is trusted (compiled with re, no time limit): each of its patterns must
    finish at once on long runs of the characters it names."""
    import regex

    from analysis.coding.codebook import load_codebook
    from analysis.coding.instruments import instrument_codes

    cb = load_codebook()
    pats = [p.pattern for c in cb.categories for p in c.patterns + c.hints]
    pats += [p.pattern for p, _ in cb.canonical_names]
    pats += [p.pattern for c in instrument_codes(cb) for p in c.cues + c.exclude]
    assert pats
    for p in pats:
        chars = sorted(set(re.sub(r"\\.|[\[\]().*+?{}|^$!<=:,\d-]", "", p))) or ["a"]
        for probe in ("".join(chars) * 200 + "\n", chars[0] * 2000 + "!"):
            t0 = time.process_time()
            try:
                regex.search(p, probe, timeout=0.5)
            except TimeoutError:
                pytest.fail(f"the shipped pattern {p!r} backtracks catastrophically")
            assert time.process_time() - t0 < 0.5, p


# --------------------------------------------------------------------------------------------- never overwrite
def test_export_refuses_another_extension(processed, tmp_path, capsys, guard):
    target = tmp_path / "b.csv"
    target.write_text("a,b\n1,2\n", encoding="utf-8")
    guard.start()
    o = run(capsys, "export-qdpx", "--out", target, "--processed", processed)
    check(o, 2, r"^error: .*b\.csv: --out writes a \.qdpx file; give a name ending in \.qdpx \(nothing was written\)",
          seconds=10, mb=50)
    guard()


def test_export_refuses_a_file_it_did_not_write_and_replaces_it_with_force(processed, tmp_path, capsys, guard):
    target = tmp_path / "theirs.qdpx"
    target.write_bytes(b"a colleague's project")
    guard.start()
    o = run(capsys, "export-qdpx", "--out", target, "--processed", processed, "--no-validate")
    check(o, 2, r"^error: .*theirs\.qdpx: the file exists and was not written by this package .*refusing to "
                r"overwrite it", seconds=10, mb=50)
    guard()
    o = run(capsys, "export-qdpx", "--out", target, "--processed", processed, "--no-validate", "--force")
    check(o, 0, r"^wrote ", seconds=20)
    assert zipfile.is_zipfile(target) and files.is_owned(target)
    guard(target)


def test_export_replaces_its_own_file_but_not_an_edited_one(processed, tmp_path, capsys):
    target = tmp_path / "mine.qdpx"
    check(run(capsys, "export-qdpx", "--out", target, "--processed", processed, "--no-validate"), 0, r"^wrote ")
    o = run(capsys, "export-qdpx", "--out", target, "--processed", processed, "--no-validate")
    check(o, 0, r"mine\.qdpx unchanged \(it already held this export\)")
    with open(target, "ab") as fh:
        fh.write(b"edited")
    before = snapshot(tmp_path)
    o = run(capsys, "export-qdpx", "--out", target, "--processed", processed, "--no-validate")
    check(o, 2, r"^error: .*mine\.qdpx: the file exists and has changed since the package wrote it; refusing")
    unchanged(before, snapshot(tmp_path))
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("command", ["kwic", "import-qdpx"])
def test_csv_outputs_refuse_a_file_they_did_not_write(command, processed, exported, tmp_path, capsys, guard):
    target = tmp_path / "notes.csv"
    target.write_text("my,notes\n", encoding="utf-8")
    argv = (["kwic", "科协", "--processed", processed, "--out", target] if command == "kwic" else
            ["import-qdpx", exported, "--processed", processed, "--csv", target])
    option = "--out" if command == "kwic" else "--csv"
    guard.start()
    o = run(capsys, *argv)
    check(o, 2, rf"^error: .*notes\.csv: the file exists and was not written by this package .*Choose another "
                rf"{option}", seconds=10, mb=60)
    guard()
    check(run(capsys, *argv, "--force"), 0, seconds=20)
    assert files.is_owned(target) and target.read_text(encoding="utf-8") != "my,notes\n"
    guard(target)
    check(run(capsys, *argv), 0, seconds=20)  # its own file now: replaced without --force
    guard(target)


@pytest.mark.parametrize("what", ["folder", "symlink", "extension"])
def test_kwic_out_refuses_folders_links_and_other_extensions(what, processed, tmp_path, capsys, guard):
    other = tmp_path / "precious.txt"
    other.write_text("keep me\n", encoding="utf-8")
    if what == "folder":
        target = tmp_path / "hits.csv"
        target.mkdir()
        (target / "inside.txt").write_text("x", encoding="utf-8")
        first = r"hits\.csv: --out names a folder"
    elif what == "symlink":
        target = tmp_path / "hits.csv"
        target.symlink_to(other)
        first = r"hits\.csv: the file exists and is a symbolic link; refusing"
    else:
        target = tmp_path / "hits.txt"
        first = r"hits\.txt: --out writes a \.csv file"
    guard.start()
    guard_before = snapshot(tmp_path)
    for extra in ((), ("--force",)) if what != "symlink" else ((),):
        o = run(capsys, "kwic", "科协", "--processed", processed, "--out", target, *extra)
        check(o, 2, rf"^error: .*{first}", seconds=10, mb=60)
        unchanged(guard_before, snapshot(tmp_path))
    if what == "symlink":  # --force replaces the link itself, never the file it points to
        check(run(capsys, "kwic", "科协", "--processed", processed, "--out", target, "--force"), 0)
        assert not target.is_symlink() and other.read_text(encoding="utf-8") == "keep me\n"
    guard(target)


def test_bench_refuses_a_json_it_did_not_write(tmp_path, capsys, guard):
    target = tmp_path / "results.json"
    target.write_text('{"mine": true}\n', encoding="utf-8")
    guard.start()
    o = run(capsys, "bench", "--sizes", "1", "--long-plan", "", "--out", target)
    check(o, 2, r"^error: .*results\.json: the file exists and was not written by this package", seconds=10, mb=50)
    guard()


def test_docs_site_refuses_a_folder_with_files_it_did_not_write(tmp_path):
    from analysis.docgen import SITE_MARKER, build_site

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    (site / SITE_MARKER).write_text(json.dumps({"files": {"index.html": sha256(site / "index.html")}}),
                                    encoding="utf-8")
    (site / "my_notes.md").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(BuildError, match=r"holds files the documentation build did not write .*my_notes\.md"):
        build_site(site)
    unchanged(before, snapshot(tmp_path))


# --------------------------------------------------------------------------------------------- atomic writes
def _failing_write(exc: BaseException, after: int = 4096):
    """An ``os.write`` that fails once *after* bytes went to files (a disk filling up, a Ctrl-C)."""
    real = os.write
    written = {"n": 0}

    def write(fd, data):
        if fd <= 2:
            return real(fd, data)
        room = after - written["n"]
        if room <= 0:
            raise exc
        n = real(fd, bytes(data[:room]))
        written["n"] += n
        return n
    return write


@pytest.mark.parametrize("failure, rc, first", [
    (OSError(errno.ENOSPC, "No space left on device"), 2,
     r"^error: .*hits\.csv: no space left on the disk; free some space; nothing was changed"),
    (KeyboardInterrupt(), 130, r"^error: interrupted; nothing was changed"),
])
@pytest.mark.parametrize("command", ["kwic", "export-qdpx"])
def test_a_failed_write_leaves_nothing_behind(command, failure, rc, first, processed, tmp_path, capsys,
                                              monkeypatch, guard):
    """Disk full or Ctrl-C in the middle of writing: the earlier file (ours) is intact, no temporary file."""
    target = tmp_path / ("hits.csv" if command == "kwic" else "plans.qdpx")
    argv = (["kwic", "科", "--processed", processed, "--out", target] if command == "kwic" else
            ["export-qdpx", "--out", target, "--processed", processed, "--no-validate"])
    files.write_owned(target, b"an earlier output of ours\n", written_by="test", suffixes=(target.suffix,))
    before = snapshot(tmp_path, processed)
    monkeypatch.setattr(files.os, "write", _failing_write(failure, after=1024))
    o = run(capsys, *argv)
    monkeypatch.undo()
    if command == "export-qdpx" and rc == 2:
        first = r"^error: .*plans\.qdpx: cannot write the project: no space left on the disk; nothing was changed"
    check(o, rc, first, seconds=20)
    unchanged(before, snapshot(tmp_path, processed))
    guard(target)


def test_a_failed_write_removes_the_folders_it_made(processed, tmp_path, capsys, monkeypatch, guard):
    target = tmp_path / "new" / "deeper" / "hits.csv"
    monkeypatch.setattr(files.os, "write", _failing_write(OSError(errno.ENOSPC, "No space left on device"), 0))
    o = run(capsys, "kwic", "科协", "--processed", processed, "--out", target)
    monkeypatch.undo()
    check(o, 2, r"^error: .*hits\.csv: no space left on the disk")
    assert not (tmp_path / "new").exists()
    guard()


@pytest.fixture
def small_disk(tmp_path):
    """An 8 KB tmpfs (needs root and a kernel that allows the mount); removed afterwards."""
    if not POSIX or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_export_onto_a_full_disk(small_disk, processed, tmp_path, capsys):
    """A real full disk (the export is larger than the 8 KB file system): refused, nothing left on it."""
    (small_disk / "keep.txt").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path, processed)
    o = run(capsys, "export-qdpx", "--out", small_disk / "plans.qdpx", "--processed", processed, "--no-validate")
    check(o, 2, r"^error: .*plans\.qdpx: cannot write the project: no space left on the disk; nothing was changed",
          seconds=20)
    unchanged(before, snapshot(tmp_path, processed))
    assert not leftovers(tmp_path)


def test_kwic_onto_a_read_only_folder(small_disk, processed, tmp_path, capsys):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, capture_output=True)
    before = snapshot(tmp_path, processed)
    o = run(capsys, "kwic", "科协", "--processed", processed, "--out", small_disk / "hits.csv")
    check(o, 2, r"^error: .*hits\.csv: not allowed to write here \(read-only or no permission\)", seconds=20)
    unchanged(before, snapshot(tmp_path, processed))
    assert not any(small_disk.iterdir())


# --------------------------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("argv, first", [
    (["kwic", "科协", "--plans", "nosuchplan"], r"^error: kwic: no plan 'nosuchplan' in .*; its plans are "),
    (["kwic", "科协", "--plans", ","], r"^error: kwic: --plans ',' names no plan"),
    (["kwic", ""], r"^error: kwic: the pattern is empty"),
    (["kwic", "", "--literal"], r"^error: kwic: the pattern is empty"),
    (["kwic", "--code", " "], r"^error: kwic: --code is empty"),
    (["kwic", "科协", "--window", "-5"], r"^error: kwic: --window -5: the context is a number of characters, 0 or "),
    (["kwic", "科协", "--timeout", "0"], r"^error: kwic: --timeout 0: give a number of seconds above 0"),
    (["kwic", "(科协"], r"^error: kwic: '\(科协' is not a valid regular expression"),
])
def test_bad_arguments_are_errors(argv, first, processed, capsys, guard):
    o = run(capsys, *argv, "--processed", processed)
    check(o, 2, first, seconds=10, mb=60)
    guard()


def _count_hits(processed: Path, pattern: str) -> int:
    from analysis.compare.kwic import kwic

    return len(kwic(pattern, processed))


def test_arguments_under_an_ascii_locale_are_read_as_utf8(processed, guard):
    """LC_ALL=C without UTF-8 mode gives surrogates for 科协; their bytes are UTF-8, so they are decoded."""
    env = child_env(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    o = run_process("kwic", "科协", "--processed", processed, "--window", "0", env=env)
    check(o, 0, child=True, seconds=60)
    n = _count_hits(processed, "科协")
    assert n > 0 and len(o.out.splitlines()) == n
    guard()


def test_arguments_that_are_not_utf8_name_the_locale(processed, guard):
    env = child_env(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    o = run_process(b"kwic", "科协".encode("gbk"), b"--processed", bytes(processed), env=env)
    check(o, 2, r"^error: PATTERN: the argument's bytes .* are not UTF-8, and the locale \(LC_ALL=C, encoding "
                r"[\w.-]+\) cannot decode them; run the command in a UTF-8 locale", child=True, seconds=60)
    guard()


def test_a_console_that_cannot_show_a_character_gets_a_replacement(processed, guard):
    """PYTHONIOENCODING=gbk: the line-break sign ⏎ is not in GBK; shown as '?' instead of a crash."""
    o = run_process("kwic", "科协", "--processed", processed, "--window", "30",
                    env=child_env(PYTHONIOENCODING="gbk"), encoding="gbk")
    check(o, 0, child=True, seconds=60)
    assert "科协" in o.out and "?" in o.out and "⏎" not in o.out
    guard()


# --------------------------------------------------------------------------------------------- environment
def test_a_python_without_the_dependencies_names_the_environment(tmp_path):
    """python -S (no site-packages, so no pandas) from the repository: an error naming `.venv`/`make setup`."""
    o = run_process("kwic", "科协", python=[sys.executable, "-S", "-m", "analysis"], env=child_env())
    check(o, 2, r"^error: this Python \(.*\) lacks the package's dependencies \(no module 'pandas'", child=True,
          seconds=20, mb=100)
    assert ".venv/bin/python" in o.err or "make setup" in o.err
    assert "This is a bug" not in o.err


def test_a_missing_dependency_at_run_time_is_not_called_a_bug(capsys, monkeypatch, processed):
    def fail(*a, **k):
        raise ModuleNotFoundError("No module named 'regex'", name="regex")
    monkeypatch.setattr(cli, "_kwic", fail)
    o = run(capsys, "kwic", "科协", "--processed", processed)
    check(o, 2, r"^error: this Python \(.*\) lacks the package's dependencies \(no module 'regex'\)")


def test_a_codebook_that_is_not_utf8_names_its_encoding(raw, tmp_path, capsys, guard):
    from analysis import paths

    cb = tmp_path / "gbk_codebook.yaml"
    cb.write_bytes(paths.CODEBOOK.read_text(encoding="utf-8").encode("gb18030"))
    guard.start()
    out = tmp_path / "out"
    o = run(capsys, "build", "--raw", raw, "--out", out, "--codebook", cb, "--no-similarity")
    check(o, 2, r"^error: .*gbk_codebook\.yaml: the codebook is not UTF-8 \(byte \d+, 0x[0-9a-f]{2}\); it reads as "
                r"GB18030\. Re-save it as UTF-8", seconds=10, mb=60)
    assert not out.exists()
    guard()


# --------------------------------------------------------------------------------------------- report failures
def test_environment_causes_of_a_cell_error():
    from analysis.report.notebooks import environment_cause

    assert environment_cause("OSError", "[Errno 28] No space left on device: 'x.png'") == "no space left on the disk"
    assert environment_cause("OSError", "[Errno 30] Read-only file system: 'x'").startswith("the output folder is on")
    assert environment_cause("PermissionError", "[Errno 13] Permission denied: 'x'") == "no permission to write there"
    assert environment_cause("MemoryError", "") == "the machine ran out of memory"
    assert environment_cause("KeyError", "'actions'") is None


@pytest.mark.slow
def test_a_full_disk_in_a_notebook_names_the_cause_not_the_cell(tmp_path, capsys):
    """A cell that meets ENOSPC: the message starts with the cause; the notebook's traceback only with --debug."""
    import nbformat

    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import errno, os\n"
                                          "raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), 'fig.png')")]
    nb.cells[0]["id"] = "full"
    nbformat.write(nb, nbdir / "01_full.ipynb")
    before = snapshot(tmp_path)
    o = run(capsys, "notebooks", "--dir", nbdir)
    check(o, 2, r"^error: no space left on the disk: notebook 01_full\.ipynb stopped at cell 1 .*; the notebook was "
                r"left unchanged", seconds=120)
    assert "raise OSError" not in o.err
    o = run(capsys, "notebooks", "--dir", nbdir, "--debug")
    assert o.rc == 2 and "raise OSError" in o.err
    unchanged(before, snapshot(tmp_path))


# --------------------------------------------------------------------------------------------- quiet
PROSE = ("关于加强科普工作的意见\n各单位要高度重视科学普及工作，把提高公民科学素质作为一项长期任务，加强组织领导，"
         "完善工作机制，广泛动员社会力量参与，形成全社会共同推动科学普及的良好氛围。\n")


@pytest.mark.parametrize("flags, shown", [((), True), (("--quiet",), True), (("-q",), True), (("-qq",), False),
                                          (("--silent",), False)])
def test_warnings_survive_quiet(flags, shown, tmp_path, capsys):
    """A plan that yields no action is a warning, not progress: one -q keeps it; -qq or --silent hide it."""
    raw = make_raw(tmp_path / "raw")
    (raw / "prose.txt").write_text(PROSE, encoding="utf-8")
    rows = [("zheyang", "zheyang.txt", "zheyang.txt", "柘阳市", "county-level city"),
            ("jiangling", "jiangling.txt", "jiangling.txt", "江岭省", "province"),
            ("prose", "prose.txt", "prose.txt", "某某县", "county")]
    write_manifest(raw, rows)
    o = run(capsys, "build", "--raw", raw, "--out", tmp_path / "out", "--no-similarity", *flags)
    check(o, 0, seconds=60, mb=600)
    assert ("no action recognised" in o.err) == shown, o.err
    if flags:
        assert "built " not in o.err  # the summary line is information, hidden by any -q
    assert not leftovers(tmp_path)


def test_console_levels():
    console.set_quiet(True)
    assert console._quiet == 1
    console.set_quiet(2)
    assert console._quiet == 2
    console.set_quiet(0)


# --------------------------------------------------------------------------------------------- portable names
def test_plan_files_differing_only_in_case_are_refused(tmp_path, capsys):
    raw = make_raw(tmp_path / "raw")
    shutil.copy(raw / "zheyang.txt", raw / "ZHEYANG.txt")
    (raw / "ZHEYANG.txt").write_bytes((raw / "ZHEYANG.txt").read_bytes() + "附：说明。\n".encode("utf-8"))
    write_manifest(raw, [("zheyang", "zheyang.txt", "zheyang.txt", "柘阳市", "county-level city"),
                         ("zheyang_b", "ZHEYANG.txt", "ZHEYANG.txt", "柘阳市", "county-level city"),
                         ("jiangling", "jiangling.txt", "jiangling.txt", "江岭省", "province")])
    before = snapshot(tmp_path)
    o = run(capsys, "build", "--raw", raw, "--out", tmp_path / "out", "--no-similarity")
    check(o, 2, r"^error: .*manifest\.csv: 1 problem:", seconds=20)
    assert "'ZHEYANG.txt' and 'zheyang.txt' differ only in letter case; they collide on Windows and macOS" in o.err
    unchanged(before, snapshot(tmp_path))
    assert not leftovers(tmp_path)


def test_nfd_name_on_disk_matches_its_nfc_row(tmp_path, capsys):
    """macOS writes file names in NFD; a manifest typed elsewhere holds NFC: the row finds its file."""
    from analysis.corpus.manifest import load_manifest

    raw = make_raw(tmp_path / "raw")
    nfc = "柘阳é.txt"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    (raw / "zheyang.txt").rename(raw / nfd)
    write_manifest(raw, [("zheyang", nfd, nfc, "柘阳市", "county-level city"),
                         ("jiangling", "jiangling.txt", "jiangling.txt", "江岭省", "province")])
    docs = load_manifest(raw)
    assert [d.path.name for d in docs] == [nfd, "jiangling.txt"]
    o = run(capsys, "build", "--raw", raw, "--out", tmp_path / "out", "--no-similarity", "--silent")
    check(o, 0, seconds=30, mb=600)
    assert (tmp_path / "out" / "text" / "zheyang.txt").is_file()


def test_the_same_name_in_two_normalisations_is_refused(tmp_path, capsys):
    raw = make_raw(tmp_path / "raw")
    nfc = "柘阳é.txt"
    (raw / "zheyang.txt").rename(raw / nfc)
    (raw / unicodedata.normalize("NFD", nfc)).write_bytes((raw / nfc).read_bytes() + b"\n")
    write_manifest(raw, [("zheyang", nfc, nfc, "柘阳市", "county-level city"),
                         ("jiangling", "jiangling.txt", "jiangling.txt", "江岭省", "province")])
    before = snapshot(tmp_path)
    o = run(capsys, "build", "--raw", raw, "--out", tmp_path / "out", "--no-similarity")
    check(o, 2, r"^error: .*manifest\.csv: 1 problem:", seconds=20)
    assert "have the same name in different Unicode normalisations (NFC and NFD)" in o.err
    unchanged(before, snapshot(tmp_path))


def test_the_environment_check_knows_every_dependency():
    """analysis/environment.py lists the import names of pyproject.toml's dependencies (none forgotten)."""
    import tomllib

    from analysis.environment import DEPENDENCIES

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower() for d in deps}
    imports = {"scikit-learn": "sklearn", "pyyaml": "yaml", "python-docx": "docx"}
    assert {imports.get(n, n.replace("-", "_")) for n in names} == set(DEPENDENCIES)


def test_aligning_a_scrambled_text_is_bounded():
    """A source text shuffled on purpose (characters, or lines) against a long plan: the alignment the import
    makes for a changed text takes seconds at most, not the quadratic time of a character-level diff."""
    import random

    from analysis.exchange.project import ALIGN_SECONDS, AlignmentTooCostly, _Aligner

    rng = random.Random(0)
    words = ["科学", "素质", "行动", "加强", "推进", "青少年", "农民", "科普", "活动", "建设", "，", "。"]
    lines = ["".join(rng.choice(words) for _ in range(rng.randint(5, 40))) for _ in range(8000)]
    text = "\n".join(lines) + "\n"
    assert len(text) > 200_000
    chars = list(text)
    rng.shuffle(chars)
    shuffled_lines = lines[:]
    rng.shuffle(shuffled_lines)
    edited = text[:1000] + "新增的一句。" + text[1000:]
    for other in ("".join(chars), "\n".join(shuffled_lines) + "\n", edited, text.replace("\n", "\r\n")):
        t0 = time.process_time()
        try:
            align = _Aligner(other, text)
        except AlignmentTooCostly:
            align = None
        assert time.process_time() - t0 < ALIGN_SECONDS + 2
        if other is edited:
            assert align(1006 + 50) == 1050 and align(500) == 500


@pytest.mark.slow
def test_many_long_selections_are_scored_in_time(exported, processed, tmp_path, capsys, guard):
    """20,000 overlapping selections of almost a whole text, all coded: agreement is computed on intervals,
    so the cost grows with the selections, not with selections x text length."""
    def edit(root):
        src = next(root.iter(f"{{{NS}}}TextSource"))
        sel = next(src.iter(f"{{{NS}}}PlainTextSelection"))
        n = max(int(s.get("endPosition")) for s in src.iter(f"{{{NS}}}PlainTextSelection"))
        for k in range(20_000):
            copy = ET.SubElement(src, f"{{{NS}}}PlainTextSelection", dict(sel.attrib))
            copy.set("guid", f"00000000-0000-4000-8000-{k:012d}")
            copy.set("startPosition", str(k % 7))
            copy.set("endPosition", str(n - k % 11))
            for coding in sel:
                copy.append(coding)

    project = _edited_export(exported, tmp_path / "many.qdpx", edit)
    guard.start()
    o = run(capsys, "import-qdpx", project, "--processed", processed)
    check(o, 0, seconds=60, mb=400)
    guard()


@pytest.mark.skipif(not POSIX, reason="named pipes")
def test_a_pipe_is_not_read(processed, tmp_path, capsys, guard):
    """A FIFO named as the project would block the reader for ever: refused at once."""
    fifo = tmp_path / "project.qdpx"
    os.mkfifo(fifo)
    guard.start()
    o = run(capsys, "import-qdpx", fifo, "--processed", processed)
    check(o, 2, r"^error: .*project\.qdpx: not a regular file \(a folder, pipe or device\)", seconds=5, mb=50)
    guard()
