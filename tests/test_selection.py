"""Leaving documents out of the comparisons by genre, framework or id (``exclude_documents``)."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis import paths, selection
from analysis.pipeline.crossplan import CrossPlanParams, compute_crossplan

DOCS = pd.DataFrame({"jurisdiction": ["a", "b", "c", "d"], "genre": ["实施方案", "工作要点", "实施方案", ""],
                     "framework": ["纲要（2021—2035年）", "纲要（2006—2010—2020年）", "意见（2022年）", None]})


def test_rules_select_by_genre_framework_or_id():
    assert selection.excluded(DOCS, ["genre:工作要点"]) == {"b": "genre:工作要点"}
    assert selection.excluded(DOCS, ["framework:2006", "framework:2022"]) == {"b": "framework:2006",
                                                                              "c": "framework:2022"}
    assert selection.excluded(DOCS, ["plan:d"]) == {"d": "plan:d"}
    assert selection.excluded(DOCS, []) == {}
    for bad in ("genre", "colour:red", "genre:", ":工作要点"):
        with pytest.raises(ValueError, match="exclude_documents"):
            selection.parse_rules([bad])


def test_parameters_refuse_a_malformed_rule():
    assert CrossPlanParams.from_assignments(["exclude_documents=genre:工作要点,plan:x"]).exclude_documents == \
        ("genre:工作要点", "plan:x")
    with pytest.raises(ValueError, match="FIELD:TEXT"):
        CrossPlanParams.from_assignments(["exclude_documents=工作要点"])


def test_keep_compared_drops_rows_of_every_table_but_documents():
    tables = {"documents": DOCS, "actions": pd.DataFrame({"jurisdiction": ["a", "b", "b"], "x": [1, 2, 3]}),
              "reuse_passages": pd.DataFrame({"jurisdiction_a": ["a", "a"], "jurisdiction_b": ["b", "c"]}),
              "jurisdiction_similarity": pd.DataFrame({"jurisdiction": ["a", "c"], "other_jurisdiction": ["c", "b"]})}
    out = selection.keep_compared(tables, ["b"])
    assert len(out["documents"]) == 4 and out["actions"]["x"].tolist() == [1]
    assert out["reuse_passages"]["jurisdiction_b"].tolist() == ["c"]
    assert out["jurisdiction_similarity"]["other_jurisdiction"].tolist() == ["c"]  # the c -> b row is dropped


def test_mix_names_the_genres_and_frameworks_compared():
    m = selection.mix(DOCS, ["a", "b", "d"])
    assert m == {"genre": ["实施方案", "工作要点"], "framework": ["纲要（2021—2035年）", "纲要（2006—2010—2020年）"]}
    assert selection.mix(DOCS, ["a"])["genre"] == ["实施方案"]


def test_the_cross_plan_stage_leaves_an_excluded_plan_out(corpus):
    plans = corpus.plans_with_actions
    if len(plans) < 3:
        pytest.skip("needs three plans with actions")
    gone = plans[-1]
    r = compute_crossplan(corpus, CrossPlanParams(exclude_documents=(f"plan:{gone}",), n_clusters=4,
                                                   stability_runs=0, sensitivity=False))
    for name, t in r.tables.items():
        for col in ("jurisdiction", "other_jurisdiction", "jurisdiction_a", "jurisdiction_b"):
            if col in t:
                assert gone not in set(t[col].astype(str)), (name, col)
    assert set(r.tables["clusters"]["jurisdiction"]) == set(plans) - {gone}
    assert any(gone in w and "exclude_documents" in w for w in r.warnings)


def test_report_load_drops_the_rows_of_an_excluded_plan(tmp_path):
    from analysis import report

    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("no build in data/processed")
    build = tmp_path / "build"
    shutil.copytree(paths.PROCESSED, build)
    docs = pd.read_csv(build / "documents.csv")
    gone = str(docs["jurisdiction"].iloc[-1])
    params = json.loads((build / "parameters.json").read_text(encoding="utf-8"))
    params["exclude_documents"] = [f"plan:{gone}"]
    (build / "parameters.json").write_text(json.dumps(params), encoding="utf-8")
    r = report.load(build, tmp_path / "figures")
    assert r.excluded == {gone: f"plan:{gone}"} and gone not in r.plans
    assert gone in set(r.documents["jurisdiction"])  # still described
    assert gone not in set(r["actions"]["jurisdiction"]) and gone not in r.plans_with_actions
