"""The benchmark (issue #6) runs and writes every key.  No assertion here depends on
the machine's speed: a tiny N only checks that the benchmark works."""
from __future__ import annotations

import json
import time

import pytest

from analysis.bench import STAGES, StageClock, evaluate_targets, run_bench

RUN_KEYS = {"n_plans", "n_chars", "n_actions", "stages", "total_s", "peak_rss_mb", "tokenize_floor_s",
            "extraction_accuracy", "stage_detail", "memory", "build_complete", "stages_missing", "synth_s"}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    doc = run_bench([3], tmp / "results.json", seed=0, work_dir=tmp / "work", quiet=True)
    return tmp, doc


def test_results_file_has_every_key(results):
    tmp, doc = results
    text = (tmp / "results.json").read_text(encoding="utf-8")
    assert json.loads(text) == doc
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"  # sorted, stable layout
    assert {"machine", "runs", "targets", "seed", "sizes", "generated_at", "reproduce"} <= set(doc)
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
    assert run["tokenize_floor_s"] > 0 and run["peak_rss_mb"] > 0
    assert 0 <= run["extraction_accuracy"] <= 1
    assert set(doc["targets"]) == {"time_vs_tokenize_floor_n1000", "growth_n2000_over_n1000", "peak_rss_n2000",
                                   "extraction_accuracy", "all"}
    assert doc["targets"]["peak_rss_n2000"]["pass"] is None  # N = 2,000 was not run
    assert not (tmp / "work").exists()  # synthetic corpora are cleaned up


def test_targets_pass_and_fail():
    def run(n, total, floor, rss=1000.0, acc=1.0, missing=()):
        return {"n_plans": n, "total_s": total, "tokenize_floor_s": floor, "peak_rss_mb": rss,
                "extraction_accuracy": acc, "stages_missing": list(missing)}

    ok = evaluate_targets([run(100, 5, 3), run(1000, 50, 30), run(2000, 110, 60, rss=3000)])
    assert all(t["pass"] for t in ok.values())
    bad = evaluate_targets([run(1000, 70, 30, acc=0.98), run(2000, 170, 60, rss=4100)])
    assert [bad[k]["pass"] for k in ("time_vs_tokenize_floor_n1000", "growth_n2000_over_n1000", "peak_rss_n2000",
                                     "extraction_accuracy", "all")] == [False, False, False, False, False]
    partial = evaluate_targets([run(1000, 50, 30, missing=["clusters"])])
    assert partial["time_vs_tokenize_floor_n1000"]["pass"] is None
    assert "clusters" in partial["time_vs_tokenize_floor_n1000"]["note"]
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
