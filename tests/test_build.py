"""The committed results are exactly what the build makes from data/raw."""
from pathlib import Path

import pytest

from analysis import paths
from analysis.pipeline.output import CACHE_DIR
from analysis.pipeline.run import build


@pytest.fixture(scope="module")
def fresh(shipped_build):
    """A build of data/raw made now (the session's, conftest.shipped_build)."""
    return shipped_build.out


def files(d: Path) -> dict[str, bytes]:
    """Every file of the build folder *d* but its per-plan cache (not committed: it is keyed on the code)."""
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and p.relative_to(d).parts[0] != CACHE_DIR}


def test_committed_processed_equals_a_fresh_build(fresh):
    committed, new = files(paths.PROCESSED), files(fresh)
    assert sorted(committed) == sorted(new), "run `make data` and commit data/processed"
    stale = [name for name in new if committed[name] != new[name]]
    assert not stale, f"stale results (run `make data` and commit): {stale}"


def test_outputs_hold_no_absolute_paths_or_timestamps(fresh):
    for name, data in files(fresh).items():
        text = data.decode("utf-8")
        assert str(paths.ROOT) not in text and "/tmp/" not in text, name
        assert "\r" not in text, name


def test_no_similarity_warns_when_the_kept_crossplan_tables_describe_other_texts(tmp_path, shipped_build):
    """--no-similarity keeps the cross-plan tables of the earlier build; if the texts changed since, it says so."""
    from analysis.corpus.manifest import load_manifest
    from tests.conftest import copy_build, copy_raw, rewrite_manifest

    raw = copy_raw(tmp_path / "raw")
    out = copy_build(shipped_build, tmp_path / "out")  # an earlier whole build of these texts
    same = build(raw, out, progress=False, verbose=False, similarity=False).warnings
    assert not [w for w in same if "describe other texts" in w], same  # same texts: nothing to say
    first = load_manifest(raw, verify=False)[0]
    with open(first.path, "a", encoding="utf-8") as fh:  # a changed text (its row updated deliberately)
        fh.write("\n")
    rewrite_manifest(raw)
    warnings = build(raw, out, progress=False, verbose=False, similarity=False).warnings
    assert any("describe other texts" in w and f"changed: {first.jurisdiction}" in w for w in warnings), warnings
