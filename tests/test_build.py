"""The committed results are exactly what the build makes from data/raw."""
from pathlib import Path

import pytest

from analysis import paths
from analysis.pipeline.run import build


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("fresh") / "processed"
    build(paths.RAW, out, progress=False)
    return out


def files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


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
