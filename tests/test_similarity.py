"""The similarity outputs of the build: every file, fixed columns, byte-identical across runs."""
import os
import subprocess
import sys

import pandas as pd

from analysis import paths

from analysis.pipeline.crossplan import OUTPUT_FILES, CrossPlanParams, compute_crossplan, write_crossplan

import similarity_cache as sc

COLUMNS = {
    "clusters": ["action_id", "jurisdiction", "cluster", "label"],
    "cluster_terms": ["cluster", "rank", "term", "weight", "count"],
    "cluster_summary": ["cluster", "label", "n_actions", "n_jurisdictions", "jurisdictions", "scope"],
    "cluster_plans": ["cluster", "jurisdiction", "n_actions"],
    "cluster_quality": ["k", "silhouette", "chosen", "n_clustered", "n_sample", "stability_seeds_ari",
                        "stability_bootstrap_ari"],
    "alignment": ["action_id", "jurisdiction", "other_jurisdiction", "match_action_id", "similarity", "rank",
                  "mutual"],
    "jurisdiction_similarity": ["jurisdiction", "other_jurisdiction", "n_actions", "n_actions_other",
                                "mean_best_similarity", "share_matched", "centroid_cosine", "rank"],
    "keyness": ["jurisdiction", "rank", "term", "count_target", "count_reference", "total_target",
                "total_reference", "g2", "chi2", "p_value", "log_ratio"],
    "reuse_passages": ["jurisdiction_a", "start_a", "end_a", "jurisdiction_b", "start_b", "end_b", "length",
                       "text"],
    "reuse_matrix": ["jurisdiction", "other_jurisdiction", "shared_chars", "operative_chars", "share", "rank"],
    "reuse_summary": ["jurisdiction", "operative_chars", "shared_chars_any", "share_any", "n_sources"],
}


def test_write_similarity_is_byte_identical_and_matches_compute(corpus, tmp_path, capfd):
    a, b = tmp_path / "a", tmp_path / "b"
    write_crossplan(corpus, a, progress=False)
    write_crossplan(corpus, b, progress=False)
    assert capfd.readouterr().err == ""  # no progress bar, no jieba log
    assert sorted(p.name for p in a.iterdir()) == sorted(f"{n}.csv" for n in OUTPUT_FILES)
    tables = sc.result(corpus).tables
    for name in OUTPUT_FILES:
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name
        df = pd.read_csv(a / f"{name}.csv")
        assert list(df.columns) == COLUMNS[name] == list(tables[name].columns), name
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
