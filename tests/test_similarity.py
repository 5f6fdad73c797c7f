"""The similarity outputs of the build: every file, fixed columns, byte-identical across runs."""
import copy
import os
import subprocess
import sys

import pandas as pd

from analysis import paths

from analysis.pipeline.crossplan import (INPUTS_FILE, OUTPUT_FILES, PARAMETERS_FILE, CrossPlanParams, compute_crossplan,
                                         write_crossplan)

import similarity_cache as sc

def _columns(name):
    """The catalogue's columns of table *name* (the one description of every table)."""
    from analysis.pipeline import catalog

    return catalog.columns(name)


def test_write_similarity_is_byte_identical_and_matches_compute(corpus, tmp_path, capfd):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus = copy.copy(corpus)  # write_crossplan sets the template families on its documents: not on the shared one
    write_crossplan(corpus, a, progress=False)
    write_crossplan(corpus, b, progress=False)
    assert capfd.readouterr().err == ""  # no progress bar, no jieba log
    written = sorted(p.name for p in a.iterdir())
    # the cross-plan tables, the parameters used, and documents.csv with the template families it detects
    assert set(written) - {"documents.csv"} == {f"{n}.csv" for n in OUTPUT_FILES} | {PARAMETERS_FILE, INPUTS_FILE}
    for name in written:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    tables = sc.result(corpus).tables
    for name in OUTPUT_FILES:
        df = pd.read_csv(a / f"{name}.csv")
        assert list(df.columns) == _columns(name) == list(tables[name].columns), name
        assert len(df) == len(tables[name]), name


def test_parameters_change_the_outputs(corpus):
    r = compute_crossplan(corpus, CrossPlanParams(n_clusters=6, stability_runs=0, keyness_top_n=5,
                                                    reuse_min_chars=30))
    t = r.tables
    assert t["clusters"]["cluster"].nunique() == 6
    assert t["keyness"].groupby("jurisdiction").size().max() == 5
    assert t["reuse_passages"]["length"].min() >= 30
    assert set(r.timings) == {"tokenize", "vectors", "clusters", "alignment", "keyness", "reuse"}


def test_build_is_byte_identical_under_different_hash_seeds(tmp_path):
    """Two whole builds in fresh processes with different string-hash seeds write the same bytes.

    The other determinism tests compare two runs in one process, where set and dict order of strings is the
    same both times; here PYTHONHASHSEED differs, so any output that depends on it would differ.
    """
    procs, outs = [], []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(paths.ROOT))
        procs.append(subprocess.Popen([sys.executable, "-m", "analysis", "build", "--quiet", "--out", str(out)],
                                      cwd=paths.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
        outs.append(out)
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    a, b = outs
    files = sorted(f.relative_to(a) for f in a.rglob("*") if f.is_file())
    assert {f"{n}.csv" for n in OUTPUT_FILES} <= {str(f) for f in files}
    assert files == sorted(f.relative_to(b) for f in b.rglob("*") if f.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
