"""Comparison tables, checked against plain-pandas recomputations from data/processed.

No number is typed in: every expected value is recomputed here from the
build's CSV files, for whatever plans they hold (which plans name no
departments, for instance, is read from documents.csv).  Structural facts the
corpus README states of the shipped texts (e.g. Chongqing has no elderly line)
are golden tests: they run while data/processed is built from those texts.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from tests.conftest import MANIFEST_PLANS, golden  # noqa: E402
from analysis import compare, config_context

from analysis import paths

from analysis.compare import crossplan
from analysis.coding.codebook import load_codebook

PROCESSED = paths.PROCESSED
#: every comparison here runs under data/processed's settings (its plans' order …), as its notebooks do
pytestmark = pytest.mark.usefixtures("processed_settings")


@pytest.fixture(scope="module")
def t():
    if not (PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    return compare.read_processed(PROCESSED)



def without_departments(t) -> list[str]:
    """Plans (with actions) that name no department, as documents.csv says (``assigns_departments``)."""
    d = t["documents"]
    d = d[(d["role"] != "reference") & d["jurisdiction"].isin(t["actions"]["jurisdiction"])]
    return [j for j, x in zip(d["jurisdiction"], d["assigns_departments"]) if str(x).lower() not in ("true", "1")]


def needs(t, *names):
    """Skip when a table of the similarity build is absent (it is written by the build's cross-plan stage), or
    when the corpus has too few plans for it to hold anything."""
    missing = [n for n in names if n not in t]
    if missing:
        pytest.skip(f"{', '.join(missing)} not in data/processed yet")
    if t["actions"]["jurisdiction"].nunique() < 2:  # the build writes them empty then (and says so)
        pytest.skip("cross-plan tables compare plans: the corpus has fewer than two plans with actions")


# ------------------------------------------------------------------ reading
def test_read_table_keeps_ids_as_text_and_empty_groups_missing(t):
    a = t["actions"]
    assert a["action_id"].map(type).eq(str).all()
    assert a["group"].isna().any() and not (a["group"] == "").any()
    assert a["n_chars"].dtype.kind == "i"
    assert t["assignments"]["collective"].dtype == bool
    with pytest.raises(FileNotFoundError, match="python -m analysis build"):
        compare.read_table("actions", PROCESSED / "nowhere")


def test_plan_order_is_the_manifest_order_of_documents_and_reading_sets_nothing(t):
    assert compare.documents_plan_order(t["documents"]) == MANIFEST_PLANS
    with config_context(plan_order=None):
        compare.read_processed(PROCESSED)  # reading a build changes no setting
        assert compare.corpus_plans() == []
        assert compare.plan_order(["b", "a", "b"]) == ["b", "a"]  # no order set: as they come
    with config_context(plan_order=compare.documents_plan_order(t["documents"])):
        assert compare.corpus_plans() == MANIFEST_PLANS
        first, last = MANIFEST_PLANS[0], MANIFEST_PLANS[-1]
        ends = list(dict.fromkeys([first, last]))  # one plan if the corpus has one
        assert compare.plan_order([last, "zz_new", first, "aa_new"]) == ends + ["zz_new", "aa_new"]
        with config_context(plan_order=["b", "a"]):
            assert compare.plan_order(["a", "c", "b"]) == ["b", "a", "c"]
        assert compare.corpus_plans() == MANIFEST_PLANS  # leaving the inner block restores the outer order


def test_matrix_without_a_plan_order_keeps_the_tables_order_not_the_alphabet():
    df = pd.DataFrame({"jurisdiction": ["zz", "zz", "aa"], "group": ["g1", "g2", "g1"], "v": [1.0, 2.0, 3.0]})
    with config_context(plan_order=None):
        assert list(compare.matrix(df, "v").index) == ["zz", "aa"]
        assert list(compare.matrix(df, "v", index="group", columns="jurisdiction").columns) == ["zz", "aa"]
    with config_context(plan_order=["aa", "zz"]):
        assert list(compare.matrix(df, "v").index) == ["aa", "zz"]


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
    year = pd.to_numeric(docs.loc[ov.index, "issued"].astype(str).str[:4], errors="coerce")
    got = pd.to_numeric(ov["issued_year"], errors="coerce")
    assert ((got == year) | (got.isna() & year.isna())).all()


# ----------------------------------------------------------------- coverage
def test_group_coverage_recomputed_by_hand(t):
    a, men = t["actions"], t["group_mentions"]
    cov = compare.group_coverage(a, men)
    groups = [g.id for g in load_codebook().groups]
    assert len(cov) == a["jurisdiction"].nunique() * len(groups)  # every plan with actions x every group
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
    cov = compare.group_coverage(t["actions"], t["group_mentions"])
    assert (cov.loc[cov["has_line"], "dedicated_actions"] > 0).all()
    no = cov[~cov["has_line"]]  # a group without a line of its own: missing, not zero
    assert no["dedicated_actions"].isna().all() and no["text_share"].isna().all()


@golden("chongqing", "shenzhen", "inner_mongolia", processed=True)
def test_no_line_where_the_readme_says(t):
    cov = compare.group_coverage(t["actions"], t["group_mentions"]).set_index(["jurisdiction", "group"])
    # corpus README: Chongqing and Shenzhen have no elderly action; Shenzhen no farmers line;
    # Inner Mongolia has one item for each of the five groups
    for key in [("chongqing", "elderly"), ("shenzhen", "elderly"), ("shenzhen", "farmers")]:
        assert not cov.loc[key, "has_line"] and math.isnan(cov.loc[key, "dedicated_actions"])
    im = cov.loc["inner_mongolia"]
    assert (im.loc[["youth", "farmers", "workers", "elderly", "cadres"], "dedicated_actions"] == 1).all()


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
    none = without_departments(t)
    if not none:
        pytest.skip("every plan of the corpus names departments")
    w = compare.department_workload(a, s)
    summ = compare.department_summary(a, s).set_index("jurisdiction")
    coll = compare.collective_assignments(a, s)
    net = compare.network_summary(a, s).set_index("jurisdiction")
    for j in none:
        rows = w[w["jurisdiction"] == j]
        assert len(rows) and not rows["assigned"].any()
        assert rows[["actions", "share", "load", "load_share", "leads"]].isna().all().all()
        assert not summ.loc[j, "assigned"]
        assert summ.loc[j, ["hhi", "cast_load_share"]].isna().all()
        if not (s["jurisdiction"] == j).any():  # not even a collective assignment
            assert math.isnan(summ.loc[j, "collective_share"])
            assert coll.loc[coll["jurisdiction"] == j, ["actions", "share"]].isna().all().all()
        g = compare.coassignment_graph(a, s, j)
        assert g.graph["assigned"] is False and g.number_of_nodes() == 0
        assert not net.loc[j, "assigned"] and math.isnan(net.loc[j, "density"])


def test_plan_with_departments_has_real_zeros(t):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s)
    named = _named(t)
    with_named = set(named["jurisdiction"])
    others = w[w["jurisdiction"].isin(with_named)]
    assert others["assigned"].all() and others[["actions", "share", "load"]].notna().all().all()
    carried = set(zip(named["jurisdiction"], named["category"]))
    for r in others.itertuples():  # a category a plan does not name is a real zero
        assert (r.actions == 0) == ((r.jurisdiction, r.category) not in carried), (r.jurisdiction, r.category)


@golden("inner_mongolia", processed=True)
def test_inner_mongolia_names_no_departments(t):
    assert "inner_mongolia" in without_departments(t)  # corpus README


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


@golden("shenzhen", processed=True)
def test_shenzhen_names_leads(t):
    s = t["assignments"]
    assert "shenzhen" in set(s.loc[s["role"] == "lead", "jurisdiction"])  # README: Shenzhen names 牵头部门


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
    on_actions = s[s["collective"] & s["action_id"].isin(set(acts["action_id"]))]  # safeguards are not counted
    named = set(on_actions.groupby(["jurisdiction", "category"]).groups)
    rest = coll[[k not in named for k in coll.index]]["actions"]
    assert ((rest == 0) | rest.isna()).all()  # every other plan x collective: a real zero, or not assigned
    for (j, cat), g in on_actions.groupby(["jurisdiction", "category"]):
        n = acts[acts["jurisdiction"] == j].shape[0]
        assert coll.loc[(j, cat), "actions"] == g["action_id"].nunique()
        assert coll.loc[(j, cat), "share"] == pytest.approx(g["action_id"].nunique() / n)
    summ = compare.department_summary(a, s).set_index("jurisdiction")
    for j in summ.index:
        ids = set(acts.loc[acts["jurisdiction"] == j, "action_id"])
        n = s[(s["jurisdiction"] == j) & s["collective"] & s["action_id"].isin(ids)]["action_id"].nunique()
        if s["action_id"].isin(ids).any():
            assert summ.loc[j, "n_collective"] == n, j
        else:  # no assignment row at all: not assigned, not zero
            assert math.isnan(summ.loc[j, "n_collective"]), j
    # every action is assigned, collective-only or unassigned, exactly once
    parts = summ["n_assigned"] + summ["n_collective_only"].fillna(0) + summ["n_unassigned"]
    assert (parts == summ["n_actions"]).all()


def test_coassignment_network_weights(t):
    a, s = t["actions"], t["assignments"]
    named = _named(t)
    for j in compare.plan_order(named["jurisdiction"].unique()):
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
    assert set(edges["jurisdiction"]) <= set(named["jurisdiction"])
    assert not set(edges["jurisdiction"]) & set(without_departments(t))
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
    if "other_role" in r.columns:  # the matrix is among plans; reuse from reference documents is in other rows
        r = r[r["other_role"].fillna("plan") == "plan"]
    d = t["documents"]
    m = compare.reuse_matrix(r, list(d.loc[d["role"] != "reference", "jurisdiction"]))  # plans, not references
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
    assert len(top) == min(5, len(t["reuse_passages"]))  # no passage at all if no two plans share one
    if len(top):
        assert top["length"].iloc[0] == t["reuse_passages"]["length"].max()
    texts = {j: (PROCESSED / "text" / f"{j}.txt").read_text(encoding="utf-8")
             for j in set(top["jurisdiction_a"]) | set(top["jurisdiction_b"])}
    for row in top.itertuples():  # the passage really is in both texts at the stated offsets
        assert texts[row.jurisdiction_a][row.start_a:row.end_a] == row.text
        assert texts[row.jurisdiction_b][row.start_b:row.end_b] == row.text


def test_top_keyness(t):
    needs(t, "keyness")
    k = t["keyness"]
    top = compare.top_keyness(k, n=5)
    assert (top["measure"] == "g2").all()
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
    with config_context(plan_order=["x_one", "x_two", "x_three"]):  # a corpus of its own, not data/processed's
        _tiny_example()


def _tiny_example():
    actions = pd.DataFrame({"action_id": ["a-1", "a-2", "b-1", "b-2", "c-1"],
                            "jurisdiction": ["x_one", "x_one", "x_two", "x_two", "x_three"],
                            "text": ["科普活动进校园", "科普活动进社区", "科普活动进校园学校", "老年人健康", "创客空间"]})
    clusters = pd.DataFrame({"action_id": ["a-1", "a-2", "b-1", "b-2", "c-1"], "cluster": [1, 2, 1, 2, 3],
                             "label": ["科普", "社区", "科普", "社区", "创客"]})
    spread = compare.cluster_spread(clusters, actions).set_index("cluster")
    assert spread.loc[3, "unique_to"] == "x_three" and not spread.loc[1, "shared_by_all"]
    comp = compare.cluster_composition(clusters, actions)
    assert len(comp) == 3 * 3 and comp["share_of_plan"].between(0, 1).all()
    with pytest.raises(ValueError):
        compare.cluster_composition(pd.concat([clusters, clusters.head(1).assign(action_id="zz-9")]), actions)
    wide = pd.DataFrame({"jurisdiction": ["x_two", "x_one"], "x_one": [0.2, np.nan], "x_two": [np.nan, 0.3]})
    m = compare.similarity_matrix(wide)
    assert list(m.index) == ["x_one", "x_two"] and m.loc["x_one", "x_two"] == 0.3 and m.loc["x_one", "x_one"] == 1
    reuse = pd.DataFrame({"jurisdiction": ["x_one"], "other_jurisdiction": ["x_two"], "shared_chars": [10],
                          "operative_chars": [100]})
    r = compare.reuse_matrix(reuse, ["x_one", "x_two", "x_three"])
    assert r.loc["x_one", "x_two"] == 0.1 and r.loc["x_two", "x_one"] == 0 and r.loc["x_three", "x_one"] == 0
    key = pd.DataFrame({"jurisdiction": ["x_one"] * 3, "term": ["乙", "甲", "丙"], "log_likelihood": [2.0, 2.0, -1.0]})
    top = compare.top_keyness(key)
    assert list(top["term"]) == sorted(["乙", "甲"]) and top["measure"].iloc[0] == "log_likelihood"
    g2 = pd.DataFrame({"jurisdiction": ["x_one"] * 2, "term": ["多", "少"], "g2": [5.0, 9.0], "log_ratio": [1.0, -2.0]})
    assert list(compare.top_keyness(g2)["term"]) == ["多"]  # G² > 0 both ways; log_ratio < 0 is under-use


def test_design_table_shows_years_as_whole_numbers():
    from analysis.compare import design_table

    docs = pd.DataFrame({"jurisdiction": ["a", "b"], "level": ["county", "province"], "period_start": [2021.0, None],
                         "period_end": [2025.0, None], "n_actions": [3, 0], "issued": ["2022-01-02", None]})
    d = design_table(docs)
    assert list(d.columns) == ["jurisdiction", "level", "period_start", "period_end", "issued", "n_actions"]
    assert d["period_start"].tolist()[0] == 2021 and pd.isna(d["period_start"].tolist()[1])
    assert "2021.0" not in d.to_string() and "2021" in d.to_string()
