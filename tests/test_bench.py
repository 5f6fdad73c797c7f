"""The benchmark runs and writes every key.  No assertion here depends on
the machine's speed: a tiny N only checks that the benchmark works."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from analysis import paths
from benchmarks.bench import STAGES, StageClock, evaluate_targets, run_bench

RUN_KEYS = {"n_plans", "n_chars", "n_actions", "stages", "total_s", "peak_rss_mb", "peak_memory_mb",
            "tokenize_floor_s", "extraction_accuracy", "stage_detail", "memory", "build_complete", "stages_missing",
            "synth_s", "incremental"}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A whole benchmark run of 3 plans and a short long-plan check (fresh processes, as it measures: ~1 min)."""
    tmp = tmp_path_factory.mktemp("bench")
    doc = run_bench([3], tmp / "results.json", seed=0, work_dir=tmp / "work", quiet=True,
                    long_plan=(60_000, 120_000))
    return tmp, doc


@pytest.mark.slow
def test_results_file_has_every_key(results):
    tmp, doc = results
    text = (tmp / "results.json").read_text(encoding="utf-8")
    assert json.loads(text) == doc
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"  # sorted, stable layout
    assert {"machine", "runs", "targets", "seed", "sizes", "generated_at", "reproduce", "long_plan"} <= set(doc)
    lp = doc["long_plan"]
    assert len(lp["entries"]) == 2 and lp["entries"][1]["chars"] > lp["entries"][0]["chars"]
    for e in lp["entries"]:
        assert e["one_plan"]["wall_s"] > 0 and e["split"]["wall_s"] > 0 and e["n_parts"] > 1
    assert {"cpu_count", "python"} <= set(doc["machine"])
    assert doc["sizes"] == [3] and len(doc["runs"]) == 1
    run = doc["runs"][0]
    assert RUN_KEYS <= set(run)
    assert run["n_plans"] == 3 and run["n_actions"] > 0 and run["n_chars"] > 0
    assert set(STAGES) | {"other"} == set(run["stages"])
    assert run["stages"]["normalise"] is not None and run["stages"]["actions"] is not None
    timed = [v for v in run["stages"].values() if v is not None]
    assert all(v >= 0 for v in timed)
    assert sum(timed) == pytest.approx(run["total_s"], rel=0.02, abs=0.01)  # stages add up to the total
    assert run["tokenize_floor_s"] > 0 and run["peak_rss_mb"] > 0 and run["peak_memory_mb"] > 0
    assert 0 <= run["extraction_accuracy"] <= 1
    assert set(doc["targets"]) == {"time_vs_tokenize_floor_n1000", "growth_n2000_over_n1000", "peak_memory_n2000",
                                   "peak_memory_n10000", "incremental_add_one_n1000", "extraction_accuracy", "all"}
    assert doc["targets"]["peak_memory_n2000"]["pass"] is None  # N = 2,000 was not run
    inc = run["incremental"]  # one plan added to the corpus just built, and the build again
    assert inc["n_plans"] == run["n_plans"] + 1 and inc["reused"] == run["n_plans"] and inc["extracted"] == 1
    assert inc["total_s"] > 0 and inc["crossplan_s"] > 0
    assert not (tmp / "work").exists()  # synthetic corpora are cleaned up


def test_targets_pass_and_fail():
    def run(n, total, floor, rss=1000.0, acc=1.0, missing=(), extracted=1):
        return {"n_plans": n, "total_s": total, "tokenize_floor_s": floor, "peak_memory_mb": rss,
                "extraction_accuracy": acc, "stages_missing": list(missing), "incremental": {"extracted": extracted}}

    names = ("time_vs_tokenize_floor_n1000", "growth_n2000_over_n1000", "peak_memory_n2000", "peak_memory_n10000",
             "incremental_add_one_n1000", "extraction_accuracy", "all")
    ok = evaluate_targets([run(100, 5, 3), run(1000, 40, 30), run(2000, 80, 60, rss=3000),
                           run(10000, 500, 300, rss=7000)])
    assert set(ok) == set(names) and all(t["pass"] for t in ok.values())
    bad = evaluate_targets([run(1000, 50, 30, acc=0.98, extracted=1001), run(2000, 110, 60, rss=4100),
                            run(10000, 600, 300, rss=8100)])
    assert [bad[k]["pass"] for k in names] == [False] * len(names)
    assert bad["time_vs_tokenize_floor_n1000"]["rule"] == "N = 1,000: total_s <= 1.5 x tokenize_floor_s"
    partial = evaluate_targets([run(1000, 40, 30, missing=["clusters"])])
    assert partial["time_vs_tokenize_floor_n1000"]["pass"] is None
    assert "clusters" in partial["time_vs_tokenize_floor_n1000"]["note"]
    assert partial["peak_memory_n10000"]["pass"] is None and partial["peak_memory_n10000"]["note"] == "N = 10,000 not run"
    assert partial["all"]["pass"] is False


def test_stage_clock_is_exclusive():
    clock = StageClock()

    def inner():
        time.sleep(0.01)

    def outer():
        time.sleep(0.01)
        timed_inner()

    timed_inner = clock.wrap(inner, "b")
    t0 = time.perf_counter()
    clock.wrap(outer, "a")()
    elapsed = time.perf_counter() - t0
    assert set(clock.totals) == {"a", "b"}
    assert clock.totals["a"] + clock.totals["b"] == pytest.approx(elapsed, abs=0.005)
    assert clock.calls == {"a": 1, "b": 1}


def test_inherited_methods_are_timed_in_their_stage():
    """WordTfidf's fit/fit_transform/transform live on _TfidfBase: the instrumentation must still charge them
    to ``vectorize`` (so TF-IDF fitting counts as ``vectors``, not ``other``).  Run in a fresh process, as the
    benchmark does, so this test process stays uninstrumented."""
    script = textwrap.dedent("""
        import json
        from benchmarks.bench import StageClock, _WorkerTimes, _instrument
        from analysis.textstats.vectorize import LSA, CharNgramTfidf, WordTfidf, _TfidfBase
        from sklearn.base import BaseEstimator
        clock = StageClock()
        _instrument(clock, _WorkerTimes())
        wrapped = {c.__name__: sorted(m for m in ("fit", "fit_transform", "transform", "get_feature_names_out")
                                      if getattr(getattr(c, m), "__wrapped_by_bench__", False))
                   for c in (WordTfidf, CharNgramTfidf, LSA)}
        base_own = sorted(m for m, f in vars(_TfidfBase).items() if getattr(f, "__wrapped_by_bench__", False))
        sk = getattr(BaseEstimator.get_params, "__wrapped_by_bench__", False)
        WordTfidf().fit_transform([["科普", "活动"], ["科普", "教育"], ["青少年", "活动"]])
        print(json.dumps({"wrapped": wrapped, "base_own": base_own, "sklearn_wrapped": sk,
                          "calls": clock.calls, "totals": clock.totals}))
    """)
    env = dict(os.environ, PYTHONPATH=str(paths.ROOT))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                         cwd=paths.ROOT)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout.strip().splitlines()[-1])
    every = ["fit", "fit_transform", "get_feature_names_out", "transform"]
    assert res["wrapped"] == {"WordTfidf": every, "CharNgramTfidf": every, "LSA": every}
    assert res["base_own"] == every  # wrapped once, where they are defined
    assert res["sklearn_wrapped"] is False  # scikit-learn's own methods are left alone
    # one WordTfidf.fit_transform (plus the as_token_lists it calls), all charged to vectorize
    assert res["calls"].get("vectorize", 0) >= 1 and set(res["calls"]) == {"vectorize"}
    assert res["totals"]["vectorize"] > 0


@pytest.mark.slow
def test_tiny_run_charges_tfidf_to_vectors(results):
    _, doc = results
    run = doc["runs"][0]
    # the build fits one WordTfidf and one LSA (plus the as_token_lists the TF-IDF calls): each is a call
    assert run["stage_calls"]["vectorize"] >= 3
    assert run["stages"]["vectors"] is not None and run["stages"]["vectors"] > 0
