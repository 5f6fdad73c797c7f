"""The similarity outputs of the build: every file, fixed columns, byte-identical across runs."""
import os

import pandas as pd
import pytest

from tests import cli

from analysis.pipeline.crossplan import (INPUTS_FILE, OUTPUT_FILES, PARAMETERS_FILE, CrossPlanParams, compute_crossplan,
                                         write_crossplan)

import similarity_cache as sc

def _columns(name):
    """The catalogue's columns of table *name* (the one description of every table)."""
    from analysis.pipeline import catalog

    return catalog.columns(name)


#: Parameters that make the cross-plan stage cheap (a fixed k, no stability runs, no LSA-size comparison):
#: every table is still computed and written.
CHEAP = CrossPlanParams(n_clusters=6, stability_runs=0, sensitivity=False)


def _written_tables_are_sound(a, tables) -> None:
    written = sorted(p.name for p in a.iterdir())
    # the cross-plan tables, the parameters used, and documents.csv with the template families it detects
    assert set(written) - {"documents.csv"} == {f"{n}.csv" for n in OUTPUT_FILES} | {PARAMETERS_FILE, INPUTS_FILE}
    for name in OUTPUT_FILES:
        df = pd.read_csv(a / f"{name}.csv")
        assert list(df.columns) == _columns(name) == list(tables[name].columns), name
        assert len(df) == len(tables[name]), name


def test_write_similarity_is_byte_identical_and_matches_compute(corpus, tmp_path, capfd):
    a, b = tmp_path / "a", tmp_path / "b"
    documents, tables = corpus.documents, {k: v.copy() for k, v in corpus.coded.items()}
    before = documents.copy()
    ra = write_crossplan(corpus, a, progress=False, params=CHEAP)
    write_crossplan(corpus, b, progress=False, params=CHEAP)
    assert capfd.readouterr().err == ""  # no progress bar, no jieba log
    for name in sorted(p.name for p in a.iterdir()):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    _written_tables_are_sound(a, ra.tables)
    # its input is left as it was: the template families are in the result, not set on the corpus
    assert corpus.documents is documents and documents.equals(before)
    assert all(corpus.coded[k].equals(v) for k, v in tables.items())
    if (a / "documents.csv").is_file():
        assert list(pd.read_csv(a / "documents.csv")["jurisdiction"]) == list(ra.documents["jurisdiction"])


@pytest.mark.slow
def test_write_similarity_at_the_defaults_is_the_builds_bytes(corpus, tmp_path, capfd, shipped_build):
    """At the default parameters: written again here, in this process, the cross-plan files are the bytes the
    session's build wrote (two computations of the whole stage, the clustering's choice of k included)."""
    a = tmp_path / "a"
    write_crossplan(corpus, a, progress=False)
    assert capfd.readouterr().err == ""
    for name in sorted(p.name for p in a.iterdir()):
        assert (a / name).read_bytes() == (shipped_build.out / name).read_bytes(), name
    _written_tables_are_sound(a, sc.result(corpus).tables)


def test_parameters_change_the_outputs(corpus):
    r = compute_crossplan(corpus, CrossPlanParams(n_clusters=6, stability_runs=0, keyness_top_n=5,
                                                    reuse_min_chars=30))
    t = r.tables
    assert t["clusters"]["cluster"].nunique() == 6
    assert t["keyness"].groupby("jurisdiction").size().max() == 5
    assert t["reuse_passages"]["length"].min() >= 30
    assert set(r.timings) == {"tokenize", "vectors", "clusters", "alignment", "keyness", "reuse"}


@pytest.mark.slow
def test_build_is_byte_identical_under_different_hash_seeds(tmp_path, shipped_build):
    """A whole build in a fresh process with another string-hash seed writes the bytes of the session's build.

    The other determinism tests compare two runs in one process, where set and dict order of strings is the
    same both times; here PYTHONHASHSEED differs from this process's, so any output that depends on it would
    differ.
    """
    mine = os.environ.get("PYTHONHASHSEED")
    seed = str(int(mine) + 1) if mine and mine.isdigit() else "1"  # unset or "random": this process's seed is random
    out = tmp_path / f"seed{seed}"
    r = cli.run("build", "--quiet", "--out", out, env=dict(os.environ, PYTHONHASHSEED=seed), timeout=600)
    assert r.rc == 0, r.err
    a, b = shipped_build.out, out
    files = sorted(f.relative_to(a) for f in a.rglob("*") if f.is_file())
    assert {f"{n}.csv" for n in OUTPUT_FILES} <= {str(f) for f in files}
    assert files == sorted(f.relative_to(b) for f in b.rglob("*") if f.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_the_reuse_stage_in_its_own_process_gives_the_same_tables(corpus, monkeypatch):
    """For a large corpus the reuse stage runs in a forked worker beside the other stages; the tables, warnings
    and notes are those of running it in this process (forced here on the corpus at hand)."""
    import multiprocessing

    from analysis.pipeline import crossplan

    if multiprocessing.get_start_method(allow_none=False) != "fork":
        pytest.skip("the reuse stage runs in the background only where processes fork")
    serial = compute_crossplan(corpus, CrossPlanParams(n_clusters=6, stability_runs=0, sensitivity=False, n_jobs=1))
    monkeypatch.setattr(crossplan, "MIN_PARALLEL_CHARS", 0)
    started = []
    real = crossplan._ReuseJob.__init__

    def spy(self, args, background):
        started.append(background)
        real(self, args, background)

    monkeypatch.setattr(crossplan._ReuseJob, "__init__", spy)
    forked = compute_crossplan(corpus, CrossPlanParams(n_clusters=6, stability_runs=0, sensitivity=False, n_jobs=2))
    assert started == [True]
    assert forked.warnings == serial.warnings
    assert set(forked.tables) == set(serial.tables) == set(OUTPUT_FILES)
    for name in OUTPUT_FILES:
        pd.testing.assert_frame_equal(forked.tables[name], serial.tables[name], check_exact=True, obj=name)
    assert forked.families.equals(serial.families)
    assert set(forked.timings) == set(serial.timings) and forked.timings["reuse"] > 0
