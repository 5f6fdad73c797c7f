"""Shared fixtures: the corpus read fresh from data/raw, helpers to copy it, and the golden-test gate.

Tests state properties of whatever plans data/raw holds.  The exception are
*golden* tests: regression tests that pin facts of one of the texts shipped
with the repository (its actions, departments, dates ...).  They run only
when the corpus holds that very text -- the manifest row and the file have
the shipped SHA-256 (:data:`SHIPPED`) -- and are skipped, saying which plan is
absent or different, when a researcher replaces or edits it.  Mark them with
``@golden("plan", ...)``, or call ``require_shipped("plan", ...)`` inside a test.

Speed (see docs/testing.md): the costly results are made once per session and shared, read-only --
the corpus of data/raw (:func:`corpus`), one whole build of it with the cross-plan stage
(:func:`shipped_build`, :func:`shipped`; its cross-plan result is the one every similarity test reads,
``tests/similarity_cache.py``) -- and the command line runs in processes forked from one that has
already imported the package (``tests/cli.py``).  Tests marked ``slow`` (whole reports on other
corpora, fresh-process determinism, interrupted builds) run in ``make test-all`` only.
"""
from __future__ import annotations

import csv
import functools
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis import paths
from analysis.files import file_sha256
from analysis.corpus.manifest import load_manifest
from analysis.pipeline.extract import Dataset, extract_corpus

# Test modules import this file both as ``conftest`` and as ``tests.conftest``: one module under both
# names, so the session's shared results exist once.
sys.modules.setdefault("conftest", sys.modules[__name__])
sys.modules.setdefault("tests.conftest", sys.modules[__name__])

#: The plans of the repository's corpus, in manifest order (tests never assume which, or how many).
MANIFEST_PLANS = [d.jurisdiction for d in load_manifest(paths.RAW, verify=False) if d.role == "plan"]

#: The texts shipped in data/raw: jurisdiction -> SHA-256 of the file as shipped.  The identity of the
#: showcase texts that golden tests pin facts of (a plan edited or replaced is no longer the shipped one).
SHIPPED = {
    "zhifu": "45bda8b099decff24d1308dee3e8424029d1bcdd3b33a26d4df3586ec2a14024",
    "pingyin": "a957dd73b9fc6f798cdb365d846c6b5dba19fb8b4e26381cb7c9a88e9e5904b8",
    "chongqing": "5eb951ce188373a50ac6eb6cac3f77a3fae258e105648c9c15a21497480bea59",
    "shenzhen": "741dfcab548c4fdb2e75df2cb162c22317be5e96a2ee169cd1aaa0f6ca3dec1a",
    "inner_mongolia": "c82c4fa9c0012d30173ec29a692d9c40c47ca12b4f20c51a7ae2c7a347fa3c83",
}


@functools.lru_cache(maxsize=None)
def _manifest_rows() -> dict[str, dict[str, str]]:
    """data/raw/manifest.csv as {jurisdiction: row}, read leniently (no manifest: no rows)."""
    try:
        with open(paths.RAW / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
            return {(r.get("jurisdiction") or "").strip(): r for r in csv.DictReader(fh)}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}


@functools.lru_cache(maxsize=None)
def _sha256(path: Path) -> str:
    return file_sha256(path) if path.is_file() else ""


@functools.lru_cache(maxsize=None)
def _processed_sha() -> dict[str, str] | None:
    """{jurisdiction: sha256} of data/processed/documents.csv (None if it is not built)."""
    try:
        with open(paths.PROCESSED / "documents.csv", encoding="utf-8-sig", newline="") as fh:
            return {r.get("jurisdiction", ""): r.get("sha256", "") for r in csv.DictReader(fh)}
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def shipped_problem(plan: str, processed: bool = False) -> str | None:
    """Why the corpus does not hold the shipped text of *plan* (None when it does).

    The plan must have a manifest row with the shipped SHA-256, role ``plan``,
    and its file must have that SHA-256; with *processed*, data/processed
    must also have been built from it (documents.csv).
    """
    if plan not in SHIPPED:
        raise KeyError(f"{plan!r} is not a shipped plan (tests.conftest.SHIPPED); a golden test names a shipped text")
    row = _manifest_rows().get(plan)
    if row is None:
        return f"shipped plan {plan!r} is absent from data/raw/manifest.csv"
    if (row.get("sha256") or "").strip().lower() != SHIPPED[plan]:
        return f"shipped plan {plan!r} is different: its manifest sha256 is not the shipped text's"
    if (row.get("role") or "plan").strip() != "plan":
        return f"shipped plan {plan!r} is listed with role {row.get('role')!r}, not as a plan"
    if _sha256(paths.RAW / (row.get("file") or "").strip()) != SHIPPED[plan]:
        return f"shipped plan {plan!r} is different: data/raw/{row.get('file')} is not the shipped text"
    if processed:
        built = _processed_sha()
        if built is None:
            return "data/processed not built (run `python -m analysis build`)"
        if built.get(plan) != SHIPPED[plan]:
            return f"data/processed was not built from the shipped text of {plan!r}"
    return None


def shipped_reason(*plans: str, processed: bool = False, whole: bool = False) -> str:
    """Why the golden facts of *plans* cannot be checked on this corpus ('' when they can).

    No *plans*: every shipped plan.  *whole*: the corpus must also hold no
    other document (for facts of the shipped corpus as a whole, e.g. which
    plan is most similar to which).
    """
    names = plans or tuple(SHIPPED)
    problems = [p for p in (shipped_problem(j, processed) for j in names) if p]
    if whole:
        others = sorted(set(_manifest_rows()) - set(SHIPPED))
        if others:
            problems.append(f"the corpus is not the shipped corpus: it also holds {', '.join(others)}")
    return "golden test: " + "; ".join(problems) if problems else ""


def golden(*plans: str, processed: bool = False, whole: bool = False) -> pytest.MarkDecorator:
    """Skip marker of a golden test: it runs only when the corpus holds the shipped text of every plan named.

    ``@golden("zhifu")`` on a test that pins facts of zhifu.txt; *processed*:
    the test reads data/processed, which must be built from that text too;
    *whole*: the facts depend on the corpus as a whole (cross-plan results),
    so the corpus must be exactly the shipped plans.
    """
    reason = shipped_reason(*plans, processed=processed, whole=whole)
    return pytest.mark.skipif(bool(reason), reason=reason or "the shipped texts are in the corpus")


def require_shipped(*plans: str, processed: bool = False, whole: bool = False) -> None:
    """Inside a test: skip it unless the corpus holds the shipped text of every plan named (see :func:`golden`)."""
    reason = shipped_reason(*plans, processed=processed, whole=whole)
    if reason:
        pytest.skip(reason)


def shipped_in_corpus(processed: bool = False) -> list[str]:
    """The shipped plans the corpus holds unchanged, in the order of :data:`SHIPPED`."""
    return [j for j in SHIPPED if shipped_problem(j, processed) is None]


def raw_path(jurisdiction: str, raw: Path | None = None) -> Path:
    """The raw file of *jurisdiction* (as its manifest row names it)."""
    raw = raw or paths.RAW
    if raw == paths.RAW and jurisdiction in _manifest_rows():
        return raw / _manifest_rows()[jurisdiction]["file"].strip()
    return next(d.path for d in load_manifest(raw, verify=False) if d.jurisdiction == jurisdiction)


@pytest.fixture(scope="session")
def corpus():
    """The plans of data/raw, decoded, normalised and coded (not read from data/processed)."""
    return extract_corpus(paths.RAW, progress=False)


# ------------------------------------------------------------------------------------ shared session results


@dataclass(frozen=True)
class Built:
    """One build made for the session: its output folder (read-only: copy it to change it) and the
    :class:`~analysis.pipeline.extract.Dataset` :func:`analysis.pipeline.run.build` returned."""

    out: Path
    dataset: Dataset


_SESSION: dict = {}


@pytest.fixture(scope="session", autouse=True)
def _session_folder(tmp_path_factory):
    """Where the session's shared builds go (pytest's temporary folder, kept as pytest keeps it)."""
    _SESSION["tmp"] = tmp_path_factory
    yield


def _session_dir(name: str) -> Path:
    factory = _SESSION.get("tmp")
    return factory.mktemp(name) if factory is not None else Path(tempfile.mkdtemp(prefix=f"{name}-"))


def shipped() -> Built:
    """The whole build of data/raw (every table, cross-plan stage at its defaults), made once per session
    with :func:`analysis.pipeline.run.build`, into a folder of the session.  For helpers that are not
    fixtures; tests ask for the :func:`shipped_build` fixture."""
    if "shipped" not in _SESSION:
        from analysis.pipeline.run import build

        out = _session_dir("shipped_build") / "processed"
        _SESSION["shipped"] = Built(out, build(paths.RAW, out, progress=False, verbose=False))
    return _SESSION["shipped"]


@pytest.fixture(scope="session")
def shipped_build() -> Built:
    """The whole build of data/raw, once per session (see :func:`shipped`); copy ``out`` before changing it."""
    return shipped()


def copy_raw(dst: Path) -> Path:
    """Copy data/raw (texts, manifest, errata) into *dst* and return it."""
    dst.mkdir(parents=True, exist_ok=True)
    for p in paths.RAW.iterdir():
        if p.is_file():
            shutil.copy2(p, dst / p.name)
    return dst


def rewrite_manifest(raw_dir: Path) -> None:
    """Recompute every sha256 in raw_dir/manifest.csv after a test changed the files on purpose."""
    path = raw_dir / "manifest.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["sha256"] = file_sha256(raw_dir / r["file"])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def copy_build(built: Built | Path, dst: Path) -> Path:
    """A copy of a build's output folder at *dst* (symlinks kept as links), to change or build over."""
    shutil.copytree(built.out if isinstance(built, Built) else built, dst, symlinks=True)
    return dst


# ------------------------------------------------------------------------------------------- tiers and order


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a costly test run by `make test-all` only (not by `make test`): "
                                       "whole reports, fresh-process determinism, interrupted builds")


#: The test that checks the figures nbval's run of the notebooks drew; it runs after every notebook.
AFTER_NOTEBOOKS = "test_notebooks_drew_the_committed_figures"


def pytest_collection_modifyitems(session, config, items):
    """Run the figure check after the notebooks nbval executes (it compares what they drew)."""
    last = [it for it in items if it.name == AFTER_NOTEBOOKS]
    if last:
        items[:] = [it for it in items if it.name != AFTER_NOTEBOOKS] + last
    _SESSION["nbval_items"] = [it for it in items if it.__class__.__module__.startswith("nbval")]
    _SESSION["figures_before"] = _digest(paths.FIGURES)


def _digest(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): file_sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def nbval_session() -> tuple[list, dict[str, str]]:
    """The notebook items nbval collected in this session, and the digests of figures/ before any test ran."""
    return _SESSION.get("nbval_items", []), _SESSION.get("figures_before", {})


@pytest.fixture(scope="module")
def processed_settings():
    """data/processed loaded (:func:`analysis.report.load`) and its settings -- plans' order, codebook, documents
    table -- in force for a whole test module (``with r:``), as a notebook of that build has them; None (and no
    settings) when it is not built.  Use with ``pytestmark = pytest.mark.usefixtures("processed_settings")``."""
    from analysis import report
    from analysis.errors import BuildError

    try:
        r = report.load(paths.PROCESSED)
    except BuildError:
        yield None
        return
    with r:
        yield r
