"""Every example of the documentation runs as written, in a temporary folder, and leaves the repository unchanged.

An example is a fenced block of ``docs/*.md`` or ``README.md`` marked ``python`` or ``bash`` (unmarked blocks
show files and output).  A Python block is executed whole.  In a bash block every command
``python -m analysis …`` is run through the command line's own entry point (:func:`analysis.cli.main`; same
parser, exit codes and messages) in this process:

- a runnable command must exit 0;
- a *synopsis* (optional parts in ``[…]``, alternatives ``|``, placeholders in capitals such as ``FILE.csv``
  or ``N``) must name a command and options the parser knows; its required form (the optional parts left
  out) is run too when no placeholder is left.

Examples run in one temporary folder holding what they name: ``my_plans/`` (two plans of our own making,
``county_a`` and ``county_b``), ``my_build/`` built from it first, ``my_codebook.yaml``, and, for
the QDA and validation commands, ``reviewed.qdpx`` and two codings of a validation sample.  Commands that
name no build read the repository's ``data/processed`` (reading only).  After every example the repository's
``git status`` is what it was, and no process-wide setting (:func:`analysis.get_config`) has changed.
Commands listed in :data:`NOT_RUN` are not run, each for the reason given (a command of the package is still
parsed); :data:`SCALED` ones run at a smaller size; long ones are marked ``slow``.
"""
from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import analysis
from analysis import paths
from tests.corpora import write_raw

ROOT = paths.ROOT
DOC_FILES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]

#: The workspace's plans (ids the examples name), layout fixtures of our own making.
MY_PLANS = [("county_a", "division_of_tasks_2016"), ("county_b", "lead_lines_per_item_2008")]

#: Commands not run here, and why, by the command as run (a synopsis without its optional parts).  Each writes
#: into the repository on purpose -- the command line names the repository's folders by default -- so running it
#: would change the checkout this test keeps unchanged.  A key that no longer matches an example fails a test.
NOT_RUN = {
    "make figures": "rebuilds the repository's own outputs (that is its job); the coordinator runs it",
    "make test": "runs this whole suite (CI runs it through .ci/run)",
    "python -m analysis notebooks": "executes the repository's notebooks in place (nbval runs them)",
    "python -m analysis bench": "the full benchmark (1,000 and 2,000 plans) writes the repository's "
                                "benchmarks/results.json by design",
    "python -m analysis bench --sizes 100 --out bench.json": "takes over six minutes (a 100-plan build and the 10- "
                                                             "and 20-million-character linearity check); "
                                                             "tests/test_bench.py runs the same code at tiny sizes",
    "python -m analysis report --raw my_plans --out my_report --codebook my_codebook.yaml":
        "the report of corpus.md, which runs (minutes), with --codebook, which the build beside it runs",
    "python -m analysis report --raw my_plans --out my_report --set match_threshold=0.4":
        "the report of corpus.md, which runs (minutes), with --set, which the build beside it runs",
}
#: Commands run at a smaller size than written, and why.
SCALED = {
    "python -m analysis synth --plans 1000 --seed 0 --out synth": (
        "python -m analysis synth --plans 20 --seed 0 --out synth",
        "1,000 plans is the benchmark's size (minutes to build); 20 run the same two commands"),
}

#: Subcommands that take minutes: their examples run in the slow tier.
SLOW = {"report": "executes every report notebook", "bench": "benchmarks a build with two long plans"}


@dataclass(frozen=True)
class Example:
    file: str
    line: int
    lang: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"


def _blocks() -> list[Example]:
    out = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
            if m.group(1) in ("python", "bash"):
                out.append(Example(path.name, text[:m.start()].count("\n") + 1, m.group(1), m.group(2)))
    return out


def _commands(block: str) -> list[str]:
    """The logical lines of a bash block (continuations joined), comments and blank lines dropped."""
    out = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(" ".join(shlex.quote(w) for w in words))
    return out


_PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(?:[.=][A-Za-z_.,]*)?$")


def _is_placeholder(word: str) -> bool:
    """``FILE.csv``, ``N``, ``NAME=VALUE``, ``A.qdpx``: a word a reader replaces."""
    return bool(_PLACEHOLDER.match(word))


def _is_synopsis(words: list[str]) -> bool:
    return any(w.startswith("[") or w.endswith("]") or w == "|" or w in ("…", "...") or _is_placeholder(w)
               for w in words)


def _required_form(words: list[str]) -> list[str]:
    """*words* without their optional parts (``[…]``, possibly over several words)."""
    out, depth = [], 0
    for w in words:
        opens, closes = w.count("["), w.count("]")
        if depth == 0 and not opens:
            out.append(w)
        depth += opens - closes
    return out


def _cases() -> list:
    """Every example; the first ``build`` command in document order runs in the fast tier, the later ones (the
    same command with other options: a codebook, ``--set``) and the slow commands in ``make test-all``."""
    cases, builds = [], 0
    for ex in _blocks():
        if ex.lang == "python":
            cases.append(pytest.param(ex, None, id=ex.id))
            continue
        for cmd in _commands(ex.code):
            words = shlex.split(cmd)
            marks = []
            sub = words[3] if words[:3] == ["python", "-m", "analysis"] and len(words) > 3 else ""
            builds += sub == "build"
            if sub in SLOW or "synth/raw" in words or sub == "synth" or (sub == "build" and builds > 1):
                marks.append(pytest.mark.slow)
            cases.append(pytest.param(ex, cmd, id=f"{ex.id}:{cmd[:60]}", marks=marks))
    return cases


CASES = _cases()


# ------------------------------------------------------------------ the workspace
def _git_status() -> str | None:
    """``git status`` of the repository (None where it is not a git checkout: hashes of tracked files then)."""
    try:
        proc = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _tree_digest() -> dict[str, int]:
    """Size and modification time of every file of the repository outside caches (when git is not there)."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", "site", ".ipynb_checkpoints"}
    return {str(p.relative_to(ROOT)): (p.stat().st_size, p.stat().st_mtime_ns) for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)}


def _repo_state():
    status = _git_status()
    return ("git", status) if status is not None else ("files", _tree_digest())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from analysis.pipeline.run import build

    ws = tmp_path_factory.mktemp("docs_examples")
    write_raw(ws / "my_plans", MY_PLANS)
    shutil.copy2(paths.CODEBOOK, ws / "my_codebook.yaml")
    build(ws / "my_plans", ws / "my_build", progress=False, verbose=False)
    return ws


@pytest.fixture(scope="module")
def repo_before():
    return _repo_state()


def _prepare(ws: Path, words: list[str]) -> None:
    """Files a command names as input that no earlier example wrote: a project to review, two codings."""
    if "reviewed.qdpx" in words and not (ws / "reviewed.qdpx").exists():
        from analysis.exchange import export_qdpx

        export_qdpx(ws / "reviewed.qdpx", paths.PROCESSED)  # what a reviewer opens and saves again
    if "coder_a.qdpx" in words and not (ws / "coder_a.qdpx").exists():
        _codings(ws)


def _codings(ws: Path) -> None:
    """Two coders' codings of a validation sample of data/processed: the package's own codes (as a coder who
    agrees with it would set them), written as a QDA program exports them."""
    from analysis.exchange.sample import write_validation_sample
    from tests.test_validation_kit import NS, _codes, _leaves, _package_truth, _project, _write_coding

    sample = ws / "codings" / "sample.qdpx"
    write_validation_sample(sample, 12, seed=3, processed=paths.PROCESSED)
    root, _ = _project(sample)
    codes = _codes(root)
    units = [s.get("name") for s in root.iter(f"{{{NS}}}TextSource")]
    leaves = _leaves(k for k in codes if len(k) >= 2 and k[0] != "Sample")
    truth = {u: {k for k in keys if k in leaves} for u, keys in _package_truth(paths.PROCESSED, units).items()}
    for name in ("coder_a.qdpx", "coder_b.qdpx", "adjudicated.qdpx"):
        _write_coding(sample, ws / name, truth, codes)


def _as_run(command: str) -> list[str]:
    """The words of *command* as run: a synopsis without its optional parts, trailing ``/`` of folders dropped."""
    words = shlex.split(command)
    if _is_synopsis(words):
        words = _required_form(words)
    return [w.rstrip("/") if len(w) > 1 else w for w in words]


_RAN: set[tuple[str, ...]] = set()


def _run_cli(words: list[str]) -> tuple[int, str]:
    from analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(words[3:])
    return rc, err.getvalue()[-3000:]


def _parse(words: list[str]) -> None:
    """*words* (``python -m analysis …``) are a command line the parser accepts."""
    from analysis.cli import parser

    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            parser().parse_args(words[3:])
    except SystemExit:
        pytest.fail(f"`{' '.join(words)}` is refused by the parser: {err.getvalue().strip()}")


def _check_synopsis(words: list[str]) -> None:
    """The command and every option a synopsis names exist in the parser."""
    from analysis.cli import parser

    sub = words[3]
    actions = parser()._subparsers._group_actions[0].choices  # noqa: SLF001 (argparse keeps them here)
    assert sub in actions, f"no command {sub!r}"
    known = {o for a in actions[sub]._actions for o in a.option_strings}
    named = {w.strip("[]") for w in words[4:] if w.strip("[]").startswith("-")}
    assert named <= known, f"{sub}: unknown option(s) {sorted(named - known)}"


@pytest.mark.parametrize("example, command", CASES)
def test_example_runs_and_changes_nothing_in_the_repository(example, command, workspace, repo_before,
                                                          monkeypatch):
    run = " ".join(_as_run(command)) if command else ""
    if run in NOT_RUN:
        if run.startswith("python -m analysis"):
            _parse(shlex.split(run))  # not run, but it must be a command line the parser accepts
        pytest.skip(f"not run: {NOT_RUN[run]}")
    monkeypatch.chdir(workspace)
    settings = analysis.get_config()
    if command is None:  # a Python block, executed whole
        exec(compile(example.code, example.id, "exec"), {"__name__": "__doc_example__"})  # noqa: S102
        plt.close("all")
    else:
        words = shlex.split(command)
        if words[0] == "make":
            pytest.fail(f"{example.id}: `{command}` is neither run nor listed in NOT_RUN with a reason")
        assert words[:3] == ["python", "-m", "analysis"], f"{example.id}: not a command of the package: {command}"
        if _is_synopsis(words):
            _check_synopsis(words)
        words = _as_run(command)
        words = shlex.split(SCALED[" ".join(words)][0]) if " ".join(words) in SCALED else words
        if _is_synopsis(words):
            return  # placeholders left: a reader fills them in
        if tuple(words) in _RAN:
            return  # the same command, written again on another page, ran above
        _RAN.add(tuple(words))
        _prepare(workspace, words)
        rc, err = _run_cli(words)
        assert rc == 0, f"{example.id}: `{' '.join(words)}` exited {rc}:\n{err}"
    after = analysis.get_config()
    assert after.keys() == settings.keys() and all(after[k] is settings[k] for k in after), \
        f"{example.id} changed a process-wide setting"
    assert _repo_state() == repo_before, f"{example.id} changed the repository"


def test_every_listed_exception_is_still_an_example():
    commands = {" ".join(_as_run(c)) for p in CASES for c in [p.values[1]] if c is not None}
    assert set(NOT_RUN) <= commands, f"stale NOT_RUN entries: {sorted(set(NOT_RUN) - commands)}"
    assert set(SCALED) <= commands, f"stale SCALED entries: {sorted(set(SCALED) - commands)}"


def test_examples_are_found():
    files = {p.values[0].file for p in CASES}
    assert {"library.md", "parameters.md", "corpus.md", "qda.md"} <= files
    assert any(p.values[1] is None for p in CASES) and any(p.values[1] for p in CASES)


def test_synopsis_rules():
    words = shlex.split("python -m analysis export-qdpx --out coding.qdpx [--processed my_build] [--force]")
    assert _is_synopsis(words) and _required_form(words) == ["python", "-m", "analysis", "export-qdpx", "--out",
                                                             "coding.qdpx"]
    words = shlex.split("python -m analysis synth --plans N [--seed S] --out DIR")
    assert _is_synopsis(_required_form(words))  # N and DIR stay: not run
    assert not _is_synopsis(shlex.split("python -m analysis kwic 校园e站 --literal --plans county_a,county_b"))
    assert _commands("a \\\n  b  # note\n# only a comment\n\nc") == ["a b", "c"]
