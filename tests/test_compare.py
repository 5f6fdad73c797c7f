"""Comparison tables, checked against plain-pandas recomputations from data/processed.

No number is typed in: every expected value is recomputed here from the
build's CSV files; only structural facts of the corpus README are asserted
(e.g. Chongqing has no elderly line, Inner Mongolia names no departments).
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from tests.conftest import MANIFEST_PLANS  # noqa: E402
from analysis import compare

from analysis import paths

from analysis.compare import crossplan
from analysis.coding.codebook import load_codebook

PROCESSED = paths.PROCESSED


@pytest.fixture(scope="module")
def t():
    if not (PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    return compare.read_processed(PROCESSED)


def needs(t, *names):
    """Skip when a table of the similarity build is absent (it is written by the build's cross-plan stage)."""
    missing = [n for n in names if n not in t]
    if missing:
        pytest.skip(f"{', '.join(missing)} not in data/processed yet")


# ------------------------------------------------------------------ reading
def test_read_table_keeps_ids_as_text_and_empty_groups_missing(t):
    a = t["actions"]
    assert a["action_id"].map(type).eq(str).all()
    assert a["group"].isna().any() and not (a["group"] == "").any()
    assert a["n_chars"].dtype.kind == "i"
    assert t["assignments"]["collective"].dtype == bool
    with pytest.raises(FileNotFoundError, match="python -m analysis build"):
        compare.read_table("actions", PROCESSED / "nowhere")


def test_plan_order_is_the_manifest_order_registered_with_documents(t):
    assert compare.corpus_plans() == MANIFEST_PLANS  # read_processed read documents.csv
    first, last = MANIFEST_PLANS[0], MANIFEST_PLANS[-1]
    assert compare.plan_order([last, "zz_new", first, "aa_new"]) == [first, last, "zz_new", "aa_new"]
    saved = compare.corpus_plans()
    try:
        compare.set_plan_order(["b", "a"])
        assert compare.plan_order(["a", "c", "b"]) == ["b", "a", "c"]
    finally:
        compare.set_plan_order(saved)


# ----------------------------------------------------------------- overview
def test_corpus_overview_matches_documents(t):
    ov = compare.corpus_overview(t["documents"], t["actions"]).set_index("jurisdiction")
    docs = t["documents"].set_index("jurisdiction")
    assert list(ov.index) == MANIFEST_PLANS
    for col in ("n_actions", "n_safeguards", "operative_chars"):
        assert (ov[col] == docs.loc[ov.index, col].astype(int)).all(), col
    a = t["actions"][t["actions"]["kind"] == "action"]
    groups = [f"actions_{g.id}" for g in load_codebook().groups]
    assert (ov[groups].sum(axis=1) + ov["actions_no_group"] == ov["n_actions"]).all()
    for j, g in a.dropna(subset=["group"]).groupby(["jurisdiction", "group"]).size().items():
        assert ov.loc[j[0], f"actions_{j[1]}"] == g
    assert (ov["issued_year"] == docs["issued"].str[:4].astype(int)).all()


# ----------------------------------------------------------------- coverage
def test_group_coverage_recomputed_by_hand(t):
    a, men = t["actions"], t["group_mentions"]
    cov = compare.group_coverage(a, men)
    groups = [g.id for g in load_codebook().groups]
    assert len(cov) == len(MANIFEST_PLANS) * len(groups)
    for row in cov.itertuples():
        plan = a[a["jurisdiction"] == row.jurisdiction]
        line = plan[(plan["kind"] == "action") & (plan["group"] == row.group)]
        op = plan["n_chars"].sum()
        assert row.operative_chars == op
        assert row.has_line == (len(line) > 0)
        if len(line):
            assert row.dedicated_actions == len(line)
            assert row.text_share == pytest.approx(line["n_chars"].sum() / op)
        else:
            assert math.isnan(row.dedicated_actions) and math.isnan(row.text_share)
        n = ((men["jurisdiction"] == row.jurisdiction) & (men["group"] == row.group)).sum()
        assert row.mentions == n
        assert row.mentions_per_10k == pytest.approx(n / op * 10_000)


def test_no_line_is_not_zero(t):
    cov = compare.group_coverage(t["actions"], t["group_mentions"]).set_index(["jurisdiction", "group"])
    # corpus README: Chongqing and Shenzhen have no elderly action; Shenzhen no farmers line;
    # Inner Mongolia has one item for each of the five groups
    for key in [("chongqing", "elderly"), ("shenzhen", "elderly"), ("shenzhen", "farmers")]:
        assert not cov.loc[key, "has_line"] and math.isnan(cov.loc[key, "dedicated_actions"])
    im = cov.loc["inner_mongolia"]
    assert (im.loc[["youth", "farmers", "workers", "elderly", "cadres"], "dedicated_actions"] == 1).all()
    assert (cov.loc[cov["has_line"], "dedicated_actions"] > 0).all()


def test_documents_operative_chars_agree_with_actions(t):
    ov = compare.group_coverage(t["actions"], t["group_mentions"]).groupby("jurisdiction")["operative_chars"].first()
    docs = t["documents"].set_index("jurisdiction")["operative_chars"]
    assert (ov == docs.loc[ov.index]).all()


# ------------------------------------------------------------ measurability
def test_measurability_recomputed_by_hand(t):
    a, tg = t["actions"], t["targets"]
    m = compare.measurability(a, tg).set_index("jurisdiction")
    for j in MANIFEST_PLANS:
        ids = set(a.loc[(a["jurisdiction"] == j) & (a["kind"] == "action"), "action_id"])
        meas = set(tg["action_id"]) & ids
        assert m.loc[j, "n_actions"] == len(ids)
        assert m.loc[j, "n_measurable"] == len(meas)
        assert m.loc[j, "share_measurable"] == pytest.approx(len(meas) / len(ids))
        assert m.loc[j, "n_targets"] == tg["action_id"].isin(ids).sum()
    with_sg = compare.measurability(a, tg, include_safeguards=True).set_index("jurisdiction")
    assert (with_sg["n_actions"] == a.groupby("jurisdiction").size().loc[with_sg.index]).all()


def test_measurability_by_unit_adds_up(t):
    a, tg = t["actions"], t["targets"]
    by = compare.measurability_by_unit(a, tg)
    tot = by.groupby("jurisdiction")["n_targets"].sum()
    m = compare.measurability(a, tg).set_index("jurisdiction")
    assert (tot.loc[m.index] == m["n_targets"]).all()
    assert set(tg["unit"].map(compare.unit_class)) <= set(by["unit_class"])
    pct = tg[tg["unit"] == "%"]
    got = by[by["unit_class"] == "percent"].set_index("jurisdiction")["n_targets"]
    for j, n in pct.groupby("jurisdiction").size().items():
        assert got[j] == n
    assert compare.unit_class("万元") == "money" and compare.unit_class("???") == "other"


# ----------------------------------------------------------------- workload
def _named(t):
    a, s = t["actions"], t["assignments"]
    ids = set(a.loc[a["kind"] == "action", "action_id"])
    return s[s["action_id"].isin(ids) & ~s["collective"]].drop_duplicates(["action_id", "department"])


def test_department_workload_recomputed_by_hand(t):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s).set_index(["jurisdiction", "category"])
    named = _named(t)
    k = named.groupby("action_id")["department"].nunique()
    for j, plan in named.groupby("jurisdiction"):
        n_assigned = plan["action_id"].nunique()
        loads = plan.assign(w=plan["action_id"].map(1 / k)).groupby("category")["w"].sum()
        assert loads.sum() == pytest.approx(n_assigned)  # loads add up to the assigned actions
        for cat in w.loc[j].index:
            c = plan[plan["category"] == cat]
            row = w.loc[(j, cat)]
            assert row["actions"] == c["action_id"].nunique()
            assert row["share"] == pytest.approx(c["action_id"].nunique() / n_assigned)
            assert row["load"] == pytest.approx(loads.get(cat, 0.0))
            assert row["load_share"] == pytest.approx(loads.get(cat, 0.0) / n_assigned)


def test_plan_without_departments_is_not_assigned_not_zero(t):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s)
    im = w[w["jurisdiction"] == "inner_mongolia"]
    assert len(im) and not im["assigned"].any()
    assert im[["actions", "share", "load", "load_share", "leads"]].isna().all().all()
    others = w[w["jurisdiction"] != "inner_mongolia"]
    assert others["assigned"].all() and others[["actions", "share", "load"]].notna().all().all()
    assert (others["actions"] == 0).any()  # a category a plan does not name is a real zero
    summ = compare.department_summary(a, s).set_index("jurisdiction")
    assert not summ.loc["inner_mongolia", "assigned"]
    assert summ.loc["inner_mongolia", ["hhi", "cast_load_share", "collective_share"]].isna().all()
    coll = compare.collective_assignments(a, s)
    assert coll.loc[coll["jurisdiction"] == "inner_mongolia", ["actions", "share"]].isna().all().all()
    g = compare.coassignment_graph(a, s, "inner_mongolia")
    assert g.graph["assigned"] is False and g.number_of_nodes() == 0
    net = compare.network_summary(a, s).set_index("jurisdiction")
    assert not net.loc["inner_mongolia", "assigned"] and math.isnan(net.loc["inner_mongolia", "density"])


def test_leads_only_where_the_plan_names_leads(t):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s)
    named = _named(t)
    with_leads = set(s.loc[s["role"] == "lead", "jurisdiction"])
    for j, g in w.groupby("jurisdiction"):
        if j in with_leads:
            leads = named[(named["jurisdiction"] == j) & (named["role"] == "lead")]
            exp = leads.groupby("category")["action_id"].nunique()
            got = g.set_index("category")["leads"]
            assert (got == exp.reindex(got.index).fillna(0)).all()
        else:
            assert g["leads"].isna().all()
    assert "shenzhen" in with_leads  # README: Shenzhen names 牵头部门


def test_concentration_recomputed_by_hand(t):
    a, s = t["actions"], t["assignments"]
    summ = compare.department_summary(a, s).set_index("jurisdiction")
    named = _named(t)
    k = named.groupby("action_id")["department"].nunique()
    for j, plan in named.groupby("jurisdiction"):
        n = plan["action_id"].nunique()
        shares = plan.assign(w=plan["action_id"].map(1 / k)).groupby("category")["w"].sum() / n
        assert summ.loc[j, "hhi"] == pytest.approx((shares ** 2).sum())
        assert summ.loc[j, "effective_categories"] == pytest.approx(1 / (shares ** 2).sum())
        assert summ.loc[j, "cast_load_share"] == pytest.approx(shares.get("cast", 0.0))
        assert summ.loc[j, "cast_action_share"] == pytest.approx(
            plan.loc[plan["category"] == "cast", "action_id"].nunique() / n)
        assert summ.loc[j, "n_departments"] == plan["department"].nunique()


def test_collective_assignments_recomputed(t):
    a, s = t["actions"], t["assignments"]
    coll = compare.collective_assignments(a, s).set_index(["jurisdiction", "category"])
    acts = a[a["kind"] == "action"]
    for (j, cat), g in s[s["collective"]].groupby(["jurisdiction", "category"]):
        n = acts[acts["jurisdiction"] == j].shape[0]
        assert coll.loc[(j, cat), "actions"] == g["action_id"].nunique()
        assert coll.loc[(j, cat), "share"] == pytest.approx(g["action_id"].nunique() / n)
    summ = compare.department_summary(a, s).set_index("jurisdiction")
    cq = s[(s["jurisdiction"] == "chongqing") & s["collective"]]["action_id"].nunique()
    assert summ.loc["chongqing", "n_collective"] == cq
    # every action is assigned, collective-only or unassigned, exactly once
    parts = summ["n_assigned"] + summ["n_collective_only"].fillna(0) + summ["n_unassigned"]
    assert (parts == summ["n_actions"]).all()


def test_coassignment_network_weights(t):
    a, s = t["actions"], t["assignments"]
    named = _named(t)
    for j in ("zhifu", "chongqing"):
        g = compare.coassignment_graph(a, s, j)
        cats = named[named["jurisdiction"] == j].groupby("action_id")["category"].apply(set)
        expected = {}
        for cs in cats:
            for u, v in itertools.combinations(sorted(cs), 2):
                expected[(u, v)] = expected.get((u, v), 0) + 1
        got = {tuple(sorted((u, v))): d["weight"] for u, v, d in g.edges(data=True)}
        assert got == expected
        assert set(g.nodes) == set().union(*cats)
    edges = compare.coassignment_edges(a, s)
    assert "inner_mongolia" not in set(edges["jurisdiction"])
    assert edges.equals(compare.coassignment_edges(a, s))


def test_department_level_workload(t):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s, level="department")
    named = _named(t)
    for j, plan in named.groupby("jurisdiction"):
        got = w[w["jurisdiction"] == j]
        assert got["load"].sum() == pytest.approx(plan["action_id"].nunique())
    with pytest.raises(ValueError):
        compare.department_workload(a, s, level="ministry")


# ------------------------------------------------------------- cross-plan
def test_cluster_composition_and_spread(t):
    needs(t, "clusters")
    a, cl = t["actions"], t["clusters"]
    comp = compare.cluster_composition(cl, a)
    merged = cl[["action_id", "cluster"]].merge(a[["action_id", "jurisdiction"]], on="action_id")
    counts = merged.groupby(["cluster", "jurisdiction"]).size()
    for row in comp.itertuples():
        assert row.n_actions == counts.get((row.cluster, row.jurisdiction), 0)
    assert comp["n_actions"].sum() == len(cl)
    spread = compare.cluster_spread(cl, a)
    for row in spread.itertuples():
        plans = merged.loc[merged["cluster"] == row.cluster, "jurisdiction"].unique()
        assert row.n_plans == len(plans)
        assert row.shared_by_all == (len(plans) == len(MANIFEST_PLANS))
        assert row.unique_to == (plans[0] if len(plans) == 1 else "")
    assert list(spread["n_plans"]) == sorted(spread["n_plans"], reverse=True)
    shared = compare.shared_clusters(spread)
    unique = compare.unique_clusters(spread)
    assert shared["shared_by_all"].all() and (unique["n_plans"] == 1).all()
    if "cluster_summary" in t:  # agrees with the build's own summary
        cs = t["cluster_summary"].set_index("cluster")
        sp = spread.set_index("cluster")
        assert (sp["n_actions"] == cs.loc[sp.index, "n_actions"]).all()
        assert (sp["shared_by_all"] == (cs.loc[sp.index, "scope"] == "shared_by_all")).all()
        assert ((sp["unique_to"] != "") == (cs.loc[sp.index, "scope"] == "unique")).all()


def test_similarity_matrix_reads_the_build_table(t):
    needs(t, "jurisdiction_similarity")
    sim = t["jurisdiction_similarity"]
    m = compare.similarity_matrix(sim)
    assert list(m.index) == list(m.columns) == compare.plan_order(sim["jurisdiction"])
    col = next(c for c in crossplan.SIMILARITY_VALUES if c in sim.columns)
    for row in sim.itertuples():
        assert m.loc[row.jurisdiction, row.other_jurisdiction] == getattr(row, col)
    assert (np.diag(m.to_numpy()) == 1).all()


def test_reuse_matrix_and_passages(t):
    needs(t, "reuse_matrix", "reuse_passages")
    r = t["reuse_matrix"]
    m = compare.reuse_matrix(r, list(t["documents"]["jurisdiction"]))
    assert list(m.index) == MANIFEST_PLANS
    for row in r.itertuples():
        if row.jurisdiction != row.other_jurisdiction:
            assert m.loc[row.jurisdiction, row.other_jurisdiction] == pytest.approx(row.share)
    listed = set(zip(r["jurisdiction"], r["other_jurisdiction"]))
    for a_, b_ in itertools.permutations(MANIFEST_PLANS, 2):
        if (a_, b_) not in listed:
            assert m.loc[a_, b_] == 0  # shares nothing: zero, not missing
    assert np.isnan(np.diag(m.to_numpy())).all()
    top = compare.longest_passages(t["reuse_passages"], n=5)
    assert list(top["length"]) == sorted(top["length"], reverse=True)
    assert top["length"].iloc[0] == t["reuse_passages"]["length"].max()
    texts = {j: (PROCESSED / "text" / f"{j}.txt").read_text(encoding="utf-8") for j in MANIFEST_PLANS}
    for row in top.itertuples():  # the passage really is in both texts at the stated offsets
        assert texts[row.jurisdiction_a][row.start_a:row.end_a] == row.text
        assert texts[row.jurisdiction_b][row.start_b:row.end_b] == row.text


def test_top_keyness(t):
    needs(t, "keyness")
    k = t["keyness"]
    top = compare.top_keyness(k, n=5)
    score = top["measure"].iloc[0]
    assert score == "g2"
    for j, g in top.groupby("jurisdiction"):  # the build's key terms, in the build's rank order
        own = k[(k["jurisdiction"] == j) & k["key"].astype(bool)].sort_values("rank")
        assert list(g["term"]) == list(own["term"].head(5))
        assert list(g["rank"]) == list(range(1, len(g) + 1))


def test_action_map_is_deterministic(t):
    needs(t, "clusters")
    a, cl = t["actions"], t["clusters"]
    sub = cl.head(40)
    vecs = crossplan.cluster_space(a, sub)
    m1 = compare.action_map(a, sub, vectors=vecs)
    m2 = compare.action_map(a, sub, vectors=vecs)
    assert m1.equals(m2)
    assert list(m1["action_id"]) == list(a.loc[a["action_id"].isin(sub["action_id"]), "action_id"])
    assert (m1["cluster"].to_numpy() == sub.set_index("action_id").loc[m1["action_id"], "cluster"].to_numpy()).all()
    svd = compare.action_map(a, sub, vectors=vecs, method="svd")
    assert np.isfinite(svd[["x", "y"]].to_numpy()).all()


def test_cluster_space_reproduces_the_build_clustering(t):
    needs(t, "clusters", "cluster_quality")
    from sklearn.metrics import silhouette_score

    a, cl = t["actions"], t["clusters"]
    z = crossplan.cluster_space(a, cl)
    ids = a.loc[a["action_id"].isin(cl["action_id"]), "action_id"]
    labels = cl.set_index("action_id").loc[ids, "cluster"]
    chosen = t["cluster_quality"].loc[t["cluster_quality"]["chosen"], "silhouette"].iloc[0]
    assert silhouette_score(z, labels, metric="cosine") == pytest.approx(chosen, abs=1e-5)


# ------------------------------------------------- cross-plan, synthetic
def test_crossplan_functions_on_a_tiny_example():
    actions = pd.DataFrame({"action_id": ["a-1", "a-2", "b-1", "b-2", "c-1"],
                            "jurisdiction": ["zhifu", "zhifu", "pingyin", "pingyin", "shenzhen"],
                            "text": ["科普活动进校园", "科普活动进社区", "科普活动进校园学校", "老年人健康", "创客空间"]})
    clusters = pd.DataFrame({"action_id": ["a-1", "a-2", "b-1", "b-2", "c-1"], "cluster": [1, 2, 1, 2, 3],
                             "label": ["科普", "社区", "科普", "社区", "创客"]})
    spread = compare.cluster_spread(clusters, actions).set_index("cluster")
    assert spread.loc[3, "unique_to"] == "shenzhen" and not spread.loc[1, "shared_by_all"]
    comp = compare.cluster_composition(clusters, actions)
    assert len(comp) == 3 * 3 and comp["share_of_plan"].between(0, 1).all()
    with pytest.raises(ValueError):
        compare.cluster_composition(pd.concat([clusters, clusters.head(1).assign(action_id="zz-9")]), actions)
    wide = pd.DataFrame({"jurisdiction": ["pingyin", "zhifu"], "zhifu": [0.2, np.nan], "pingyin": [np.nan, 0.3]})
    m = compare.similarity_matrix(wide)
    assert list(m.index) == ["zhifu", "pingyin"] and m.loc["zhifu", "pingyin"] == 0.3 and m.loc["zhifu", "zhifu"] == 1
    reuse = pd.DataFrame({"jurisdiction": ["zhifu"], "other_jurisdiction": ["pingyin"], "shared_chars": [10],
                          "operative_chars": [100]})
    r = compare.reuse_matrix(reuse, ["zhifu", "pingyin", "shenzhen"])
    assert r.loc["zhifu", "pingyin"] == 0.1 and r.loc["pingyin", "zhifu"] == 0 and r.loc["shenzhen", "zhifu"] == 0
    key = pd.DataFrame({"jurisdiction": ["zhifu"] * 3, "term": ["乙", "甲", "丙"], "log_likelihood": [2.0, 2.0, -1.0]})
    top = compare.top_keyness(key)
    assert list(top["term"]) == sorted(["乙", "甲"]) and top["measure"].iloc[0] == "log_likelihood"
    g2 = pd.DataFrame({"jurisdiction": ["zhifu"] * 2, "term": ["多", "少"], "g2": [5.0, 9.0], "log_ratio": [1.0, -2.0]})
    assert list(compare.top_keyness(g2)["term"]) == ["多"]  # G² > 0 both ways; log_ratio < 0 is under-use
