"""The data behind every figure the notebooks save, and the notebooks' own promises.

nbval re-executes the notebooks and compares their text outputs, but not their
images. So, for every figure of :data:`analysis.report.figures.FIGURES`,
:data:`BUILDERS` makes it from the build's tables with the calls its notebook
makes, and a test checks the data the figure was drawn from
(``fig.analysis_data``) against the CSV files of ``data/processed`` read
directly. (That the committed PNG and SVG are what the notebooks draw today is
checked by running the whole report: ``tests/test_report.py``.)

Every check is stated for whatever plans the build holds: no test names a plan.

For every notebook: it has been executed, holds no error, warning or absolute
path in its outputs, opens with its question, closes with the findings written
from the data (``analysis.report.findings``), and its own prose (markdown)
types no number that the data should give.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402

from analysis import compare, paths, validation  # noqa: E402
from analysis import plots as charts  # noqa: E402
from analysis.pipeline.crossplan import read_params  # noqa: E402
from analysis.plots import style  # noqa: E402
from analysis.report import figures  # noqa: E402


@pytest.fixture(scope="module")
def t():
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    return compare.read_processed()


@pytest.fixture(scope="module")
def raw():
    """The CSV files read with plain pandas, independently of analysis.compare.tables."""
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    return lambda name: pd.read_csv(paths.PROCESSED / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def plans(raw):
    """The build's plans (not reference documents), in manifest order, and those with actions."""
    d = raw("documents")
    role = d["role"].fillna("plan") if "role" in d else pd.Series("plan", index=d.index)
    all_plans = [j for j, r in zip(d["jurisdiction"], role) if r != "reference"]
    with_actions = [j for j in all_plans if j in set(raw("actions")["jurisdiction"])]
    return all_plans, with_actions


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ------------------------------------------------ the notebooks' calls, per figure
def _graphs(t):
    return {j: compare.coassignment_graph(t["actions"], t["assignments"], j) for j in compare.plans_of(t["actions"])}


def _validation(t):
    texts = {j: (paths.text_dir(paths.PROCESSED) / f"{j}.txt").read_text(encoding="utf-8")
             for j in t["documents"]["jurisdiction"]}
    return (validation.segmentation_report(t["actions"], texts),
            validation.fields_report(t["actions"], t["assignments"], t["targets"]),
            validation.instruments_report(t["actions"], t["instruments"], split="test"))


def _with_actions(t):
    have = set(t["actions"]["jurisdiction"])
    return [j for j in t["documents"]["jurisdiction"] if j in have]


#: figure name -> the calls its notebook makes (notebooks/NN_*.ipynb), returning the Figure.
BUILDERS = {
    "corpus_overview": lambda t: charts.corpus_overview(compare.corpus_overview(t["documents"], t["actions"])),
    "measurability": lambda t: charts.measurability(compare.measurability(t["actions"], t["targets"]),
                                                    compare.measurability_by_unit(t["actions"], t["targets"])),
    "coverage_heatmap": lambda t: charts.coverage_heatmap(compare.group_coverage(t["actions"], t["group_mentions"])),
    "coverage_heatmap_zh": lambda t: charts.coverage_heatmap(
        compare.group_coverage(t["actions"], t["group_mentions"]), lang="zh"),
    "department_workload_heatmap": lambda t: charts.department_workload_heatmap(
        compare.department_workload(t["actions"], t["assignments"]),
        compare.collective_assignments(t["actions"], t["assignments"])),
    "department_weighting": lambda t: charts.weighting_rules(
        compare.department_workload(t["actions"], t["assignments"], weighting=compare.WEIGHTINGS),
        documents=t["documents"]),
    "department_network": lambda t: charts.department_network(_graphs(t)),
    "cluster_composition": lambda t: charts.cluster_composition(compare.cluster_composition(t["clusters"], t["actions"]),
                                                                compare.cluster_spread(t["clusters"], t["actions"])),
    "cluster_map": lambda t: charts.cluster_map(compare.action_map(t["actions"], t["clusters"])),
    "keyness": lambda t: charts.keyness(compare.top_keyness(t["keyness"], 10)),
    "jurisdiction_similarity": lambda t: charts.jurisdiction_similarity(
        compare.similarity_matrix(t["jurisdiction_similarity"])),
    "text_reuse": lambda t: charts.text_reuse(compare.reuse_matrix(t["reuse_matrix"], _with_actions(t)),
                                              compare.longest_passages(t["reuse_passages"], 10)),
    "instrument_mix": lambda t: charts.instrument_mix(
        compare.instrument_mix(t["actions"], t["instruments"], level="kind"),
        compare.instrument_mix(t["actions"], t["instruments"], level="code")),
    "instrument_corrected": lambda t: charts.corrected_shares(
        compare.misclassification.corrected_instrument_shares(t["actions"], t["instruments"], pooled=True)),
    "instrument_by_group": lambda t: charts.instrument_by_group(
        compare.instrument_by_group(t["actions"], t["instruments"], level="kind")),
    "reuse_threshold": lambda t: charts.reuse_threshold(
        compare.sensitivity.reuse_threshold(t["reuse_sensitivity"], _with_actions(t))),
    "counterpart_threshold": lambda t: charts.counterpart_threshold(
        compare.sensitivity.counterpart_threshold(t["alignment"], build_threshold=read_params(paths.PROCESSED)
                                                  .match_threshold)),
    "cluster_choice": lambda t: charts.cluster_choice(t["cluster_quality"], t["cluster_sensitivity"]),
    "validation": lambda t: charts.validation(*_validation(t)),
}


@pytest.fixture(scope="module")
def drawn(t):
    """Every figure, made once (the cluster map's t-SNE takes a few seconds)."""
    style.apply_style(lang="en")
    out = {name: build(t) for name, build in BUILDERS.items()}
    yield out
    for fig in out.values():
        plt.close(fig)


def test_every_registered_figure_has_its_data_checked():
    assert set(BUILDERS) == set(figures.FIGURES)
    checked = {name[len("test_"):-len("_data")] for name in globals() if name.endswith("_data")}
    assert set(figures.FIGURES) - {"coverage_heatmap_zh"} <= checked


def _images(fig):
    """The arrays of the figure's heatmaps (seaborn's cells), colour bars left out."""
    return [c.get_array() for ax in fig.axes if getattr(ax, "_colorbar", None) is None for c in ax.collections
            if isinstance(c, QuadMesh)]


# ---------------------------------------------------------------- per figure
def test_corpus_overview_data(drawn, raw, plans):
    ov = drawn["corpus_overview"].analysis_data.set_index("jurisdiction")
    docs = raw("documents").set_index("jurisdiction")
    acts = raw("actions")
    assert list(ov.index) == plans[0]
    for j in plans[0]:
        a = acts[acts["jurisdiction"] == j]
        assert ov.loc[j, "n_actions"] == (a["kind"] == "action").sum() == docs.loc[j, "n_actions"]
        assert ov.loc[j, "n_safeguards"] == (a["kind"] == "safeguard").sum() == docs.loc[j, "n_safeguards"]
        assert ov.loc[j, "operative_chars"] == a["n_chars"].sum() == docs.loc[j, "operative_chars"]
        # the stacked bar of group lines adds up to the plan's actions
        assert ov.loc[j, [c for c in ov.columns if c.startswith("actions_")]].sum() == ov.loc[j, "n_actions"]


def test_measurability_data(drawn, raw, plans):
    data = drawn["measurability"].analysis_data
    s = data["summary"].set_index("jurisdiction")
    acts, targets = raw("actions"), raw("targets")
    for j in plans[1]:
        ids = set(acts.loc[(acts["jurisdiction"] == j) & (acts["kind"] == "action"), "action_id"])
        if not ids:
            continue
        hit = targets[targets["action_id"].isin(ids)]
        assert s.loc[j, "n_actions"] == len(ids)
        assert s.loc[j, "n_measurable"] == hit["action_id"].nunique()
        assert s.loc[j, "share_measurable"] == pytest.approx(hit["action_id"].nunique() / len(ids))
        assert s.loc[j, "share_lo"] <= s.loc[j, "share_measurable"] <= s.loc[j, "share_hi"]
        # the unit bar of a plan adds up to its commitments
        assert data["by_unit"].loc[data["by_unit"]["jurisdiction"] == j, "n_targets"].sum() == len(hit)


@pytest.mark.parametrize("name", ["coverage_heatmap", "coverage_heatmap_zh"])
def test_coverage_heatmap_data(drawn, raw, plans, name):
    """The coverage drawn is compare.group_coverage of actions.csv: counted by hand here; no line is NaN."""
    fig = drawn[name]
    cov = fig.analysis_data.set_index(["jurisdiction", "group"])
    acts, mentions = raw("actions"), raw("group_mentions")
    act = acts[acts["kind"] == "action"]
    for (j, g), row in cov.iterrows():
        line = act[(act["jurisdiction"] == j) & (act["group"] == g)]
        op = acts.loc[acts["jurisdiction"] == j, "n_chars"].sum()
        if len(line):
            assert row["has_line"] and row["dedicated_actions"] == len(line)
            assert row["text_share"] == pytest.approx(line["n_chars"].sum() / op)
        else:  # no line: missing, never 0
            assert not row["has_line"] and np.isnan(row["dedicated_actions"]) and np.isnan(row["text_share"])
        n = ((mentions["jurisdiction"] == j) & (mentions["group"] == g)).sum()
        assert row["mentions_per_10k"] == pytest.approx(n / op * 10_000)
        if n and row["mentions_per_10k_lo"] == row["mentions_per_10k_lo"]:
            assert row["mentions_per_10k_lo"] <= row["mentions_per_10k"] <= row["mentions_per_10k_hi"]
        elif n:  # too few units of the plan support an interval: none is given (compare.intervals.MIN_UNITS)
            assert np.isnan(row["mentions_per_10k_hi"])
        else:  # a zero is what the plan says: no interval
            assert np.isnan(row["mentions_per_10k_lo"]) and np.isnan(row["mentions_per_10k_hi"])
    # the first panel's image is the dedicated-actions matrix (groups x plans), NaN cells masked
    dedicated = compare.matrix(fig.analysis_data, "dedicated_actions", index="group", columns="jurisdiction",
                               index_order=compare.group_ids(), column_order=plans[1]).to_numpy()
    img = _images(fig)[0]
    assert np.array_equal(np.ma.getmaskarray(img), np.isnan(dedicated))
    assert np.allclose(img.filled(-1), np.nan_to_num(dedicated, nan=-1))


def test_department_weighting_data(drawn, raw):
    """Every rule's load of every assigned plan sums to its assigned actions; the rules differ only where the plan
    names a lead, and then the lead-only load is the leads' (counted by hand from assignments.csv)."""
    w = drawn["department_weighting"].analysis_data
    acts, asg = raw("actions"), raw("assignments")
    full = compare.department_workload(acts, asg, weighting=compare.WEIGHTINGS)
    for (j, rule), g in full[full["assigned"].astype(bool)].groupby(["jurisdiction", "weighting"]):
        assert g["load_share"].sum() == pytest.approx(1.0)
    named = asg[~asg["collective"].astype(bool) & asg["action_id"].isin(set(acts.loc[acts["kind"] == "action",
                                                                                       "action_id"]))]
    for j, g in named.groupby("jurisdiction"):
        shares = w[(w["jurisdiction"] == j) & (w["category"] == "cast")].set_index("weighting")["load_share"]
        if not len(shares):
            continue
        if not (g["role"] == "lead").any():
            assert shares.nunique() == 1  # no lead named: the three rules agree
        else:  # lead only: each action's load split among its leads
            lead = g[g["role"] == "lead"].drop_duplicates(["action_id", "department"])
            per = lead.groupby("action_id")["department"].transform("size")
            no_lead = set(g["action_id"]) - set(lead["action_id"])
            k = g.drop_duplicates(["action_id", "department"]).groupby("action_id")["department"].size()
            cast_no_lead = g[(g["category"] == "cast") & g["action_id"].isin(no_lead)].drop_duplicates(
                ["action_id", "department"])
            load = (1 / per[lead["category"] == "cast"]).sum() + (1 / k.reindex(cast_no_lead["action_id"])).sum()
            assert shares["lead_only"] == pytest.approx(load / g["action_id"].nunique())


def test_instrument_corrected_data(drawn, raw):
    """The shares drawn as coded are counted by hand from instruments.csv; corrected ones lie in [0, 1]."""
    c = drawn["instrument_corrected"].analysis_data.set_index("code")
    acts, ins = raw("actions"), raw("instruments")
    n = len(acts)
    for code, row in c.iterrows():
        assert row["share_raw"] == pytest.approx(ins.loc[ins["code"] == code, "action_id"].nunique() / n)
        if row["share_corrected"] == row["share_corrected"]:
            assert 0 <= row["share_corrected"] <= 1


def test_department_workload_heatmap_data(drawn, raw, plans):
    """A plan that names no departments per action is *not assigned* (NaN), never zero; the others as
    counted by hand."""
    fig = drawn["department_workload_heatmap"]
    w = fig.analysis_data["workload"]
    coll = fig.analysis_data["collective"]
    acts, asg = raw("actions"), raw("assignments")
    act_ids = set(acts.loc[acts["kind"] == "action", "action_id"])
    named = asg[asg["action_id"].isin(act_ids) & ~asg["collective"].astype(bool)]
    assigned_plans = set(asg.loc[asg["action_id"].isin(act_ids), "jurisdiction"])
    drawn_plans = list(dict.fromkeys(w["jurisdiction"]))
    for j in drawn_plans:
        wj = w[w["jurisdiction"] == j].set_index("category")
        if j not in assigned_plans:
            assert not wj["assigned"].any()
            assert wj[["actions", "share", "load", "load_share", "leads"]].isna().all().all()
            assert coll.loc[coll["jurisdiction"] == j, ["actions", "share"]].isna().all().all()
            for img in _images(fig)[:2]:  # its column of both panels is masked (grey, hatched)
                assert np.ma.getmaskarray(img)[:, drawn_plans.index(j)].all()
            continue
        n = named[named["jurisdiction"] == j]
        assert wj["assigned"].all()
        for cat, g in n.groupby("category"):
            if cat in wj.index:
                assert wj.loc[cat, "actions"] == g["action_id"].nunique()
                assert wj.loc[cat, "share"] == pytest.approx(g["action_id"].nunique() / n["action_id"].nunique())
        assert wj["load"].sum() == pytest.approx(n["action_id"].nunique())  # 1/k per department
        # lead counts only where the plan names leads
        assert wj["leads"].isna().all() == (not (n["role"] == "lead").any())


def test_department_network_data(drawn, t, raw):
    data = drawn["department_network"].analysis_data
    asg, acts = raw("assignments"), raw("actions")
    act_ids = set(acts.loc[acts["kind"] == "action", "action_id"])
    assigned = set(asg.loc[asg["action_id"].isin(act_ids), "jurisdiction"])
    for j in _with_actions(t):
        if j not in assigned:  # the 'not assigned' panel: no node, no edge
            assert data.loc[data["jurisdiction"] == j, "kind"].tolist() == ["plan"]
    edges = compare.coassignment_edges(t["actions"], t["assignments"])
    drawn_edges = data[data["kind"] == "edge"]
    weights = {(r.jurisdiction, r.source, r.target): r.weight for r in edges.itertuples()}
    for r in drawn_edges.itertuples():
        key = (r.jurisdiction, *sorted([r.source, r.target]))
        assert weights[key] == r.value
    nodes = data[data["kind"] == "node"]
    for j, g in nodes.groupby("jurisdiction"):  # node area: share of the plan's load, at most the whole plan
        assert ((g["value"] > 0) & (g["value"] <= 1)).all()
    # one line-width scale across panels: width grows with the weight, whatever the plan
    if len(drawn_edges) > 1 and "linewidth" in drawn_edges:
        e = drawn_edges.sort_values("value")
        assert e["linewidth"].is_monotonic_increasing


def test_cluster_composition_data(drawn, raw, t):
    comp = drawn["cluster_composition"].analysis_data
    cp = raw("cluster_plans")  # the build's own cluster x plan counts (rows only where > 0)
    counts = {(r.cluster, r.jurisdiction): r.n_actions for r in cp.itertuples()}
    for r in comp.itertuples():
        assert r.n_actions == counts.get((r.cluster, r.jurisdiction), 0)
    assert comp["n_actions"].sum() == len(raw("clusters"))
    summary = raw("cluster_summary")
    spread = compare.cluster_spread(t["clusters"], t["actions"])
    assert set(compare.shared_clusters(spread)["cluster"]) == set(summary.loc[summary["scope"] == "shared_by_all",
                                                                              "cluster"])
    assert set(compare.unique_clusters(spread)["cluster"]) == set(summary.loc[summary["scope"] == "unique", "cluster"])


def test_cluster_map_data(drawn, raw):
    pts = drawn["cluster_map"].analysis_data
    cl = raw("clusters")
    assert sorted(pts["action_id"]) == sorted(cl["action_id"])  # every clustered action, once
    assert pts.set_index("action_id").loc[cl["action_id"], "cluster"].tolist() == cl["cluster"].tolist()
    assert np.isfinite(pts[["x", "y"]].to_numpy()).all()


def test_keyness_data(drawn, raw):
    top = drawn["keyness"].analysis_data
    k = raw("keyness")
    for j in dict.fromkeys(k["jurisdiction"]):
        mine = k[(k["jurisdiction"] == j) & k["key"].astype(bool)].sort_values("rank").head(10)
        got = top[(top["jurisdiction"] == j)]
        if "drawn" in got:
            got = got[got["drawn"].astype(bool)]
        assert got["term"].tolist() == mine["term"].tolist()
        assert got["score"].tolist() == pytest.approx(mine["g2"].tolist())


def test_jurisdiction_similarity_data(drawn, raw):
    m = drawn["jurisdiction_similarity"].analysis_data
    sim = raw("jurisdiction_similarity")
    have = list(dict.fromkeys(sim["jurisdiction"]))
    assert list(m.index) == list(m.columns) and set(have) <= set(m.index)
    for r in sim.itertuples():
        assert m.loc[r.jurisdiction, r.other_jurisdiction] == r.mean_best_similarity
    # the heatmap shows the off-diagonal values; the diagonal (a plan with itself) is masked
    img = _images(drawn["jurisdiction_similarity"])[0]
    assert np.ma.getmaskarray(img).diagonal().all()
    off = ~np.eye(len(m), dtype=bool)
    assert np.allclose(img.filled(np.nan)[off], m.to_numpy()[off], equal_nan=True)


def test_text_reuse_data(drawn, raw, plans):
    data = drawn["text_reuse"].analysis_data
    m, passages = data["reuse"], data["passages"]
    r = raw("reuse_matrix")
    listed = {(x.jurisdiction, x.other_jurisdiction): x.share for x in r.itertuples()}
    for a in plans[1]:
        for b in plans[1]:
            if a == b:
                assert np.isnan(m.loc[a, b])
            else:  # a pair the build lists no passage for shares nothing: 0, not missing
                assert m.loc[a, b] == pytest.approx(listed.get((a, b), 0.0))
    p = raw("reuse_passages")
    assert passages["length"].tolist() == sorted(p["length"], reverse=True)[:10]
    for x in passages.itertuples():  # each passage is in both texts at its offsets
        ta = (paths.PROCESSED / "text" / f"{x.jurisdiction_a}.txt").read_text(encoding="utf-8")
        tb = (paths.PROCESSED / "text" / f"{x.jurisdiction_b}.txt").read_text(encoding="utf-8")
        assert ta[x.start_a:x.end_a] == x.text == tb[x.start_b:x.end_b]


def test_instrument_mix_data(drawn, raw):
    data = drawn["instrument_mix"].analysis_data
    acts, ins = raw("actions"), raw("instruments")
    kinds = data["kinds"]
    for r in kinds.itertuples():
        ids = set(acts.loc[acts["jurisdiction"] == r.jurisdiction, "action_id"])
        using = ins[ins["action_id"].isin(ids) & (ins["kind"] == r.kind)]["action_id"].nunique()
        assert r.n_actions == len(ids) and r.n_using == using
        assert r.share == pytest.approx(using / len(ids)) and r.share_lo <= r.share <= r.share_hi
    bars = data["bars"]
    merged = bars.merge(kinds, on=["jurisdiction", "kind"], suffixes=("_drawn", ""))
    assert len(merged) == len(bars) and np.allclose(merged["share_drawn"], merged["share"])


def test_instrument_by_group_data(drawn, raw):
    data = drawn["instrument_by_group"].analysis_data
    acts, ins = raw("actions"), raw("instruments")
    for r in data.itertuples():
        pool = acts[(acts["jurisdiction"] == r.jurisdiction) & (acts["kind"] == "action")]  # lines hold actions
        pool = pool[pool["group"].fillna("").eq("" if r.group == compare.instruments.NO_GROUP else r.group)]
        using = ins[ins["action_id"].isin(set(pool["action_id"])) & (ins["kind"] == r.kind)]["action_id"].nunique()
        assert r.n_using == using and r.n_actions == len(pool)


def test_reuse_threshold_data(drawn, raw):
    data = drawn["reuse_threshold"].analysis_data
    assert data["threshold"] == read_params(paths.PROCESSED).reuse_min_chars
    sens = raw("reuse_sensitivity")
    key = ["jurisdiction", "other_jurisdiction", "min_chars", "punctuation"]
    got = data["drawn"].merge(sens, on=key, how="left", suffixes=("", "_csv"))
    assert len(got) == len(data["drawn"])  # a length at which a pair shares nothing is 0, not missing
    assert np.allclose(got["share"], got["share_csv"].fillna(0.0))


def test_counterpart_threshold_data(drawn, raw):
    data = drawn["counterpart_threshold"].analysis_data
    p = read_params(paths.PROCESSED)
    assert data["threshold"] == p.match_threshold
    at = data["table"][data["table"]["threshold"] == p.match_threshold]
    js = raw("jurisdiction_similarity").set_index(["jurisdiction", "other_jurisdiction"])["share_matched"]
    for r in at.itertuples():  # at the build's threshold, the share is the build's share_matched
        assert r.share == pytest.approx(js.loc[(r.jurisdiction, r.other_jurisdiction)], abs=1e-6)


def test_cluster_choice_data(drawn, raw):
    data = drawn["cluster_choice"].analysis_data
    q = raw("cluster_quality")
    assert data["chosen_k"] == int(q.loc[q["chosen"].astype(bool), "k"].iloc[0])
    assert np.allclose(data["quality"]["score"].astype(float), q["score"])


def test_validation_data(drawn, t):
    data = drawn["validation"].analysis_data
    seg, fields, instr = _validation(t)
    alpha = data["alpha"]
    assert len(alpha) and alpha["alpha"].between(-1, 1).all()
    drawn_codes = data["codes"].set_index("code")
    test = instr.set_index("code")
    for code, r in drawn_codes.iterrows():
        assert r.precision == pytest.approx(test.loc[code, "precision"], nan_ok=True)
        assert r.recall == pytest.approx(test.loc[code, "recall"], nan_ok=True)


# ------------------------------------------------------ counterparts (notebook 05)
def test_counterparts_agree_with_alignment_and_plan_similarity(t, raw):
    js = raw("jurisdiction_similarity")
    if js.empty:
        pytest.skip("no cross-plan results")
    best = js.sort_values(["mean_best_similarity", "jurisdiction", "other_jurisdiction"], ascending=False).iloc[0]
    a, b = best["jurisdiction"], best["other_jurisdiction"]
    threshold = read_params(paths.PROCESSED).match_threshold
    cp = compare.counterparts(t["alignment"], t["actions"], a, b, threshold=threshold)
    al = raw("alignment").query("jurisdiction == @a and other_jurisdiction == @b")
    assert sorted(cp["action_id"]) == sorted(al["action_id"])
    ref = al.set_index("action_id")
    assert (cp.set_index("action_id").loc[ref.index, "match_action_id"] == ref["match_action_id"]).all()
    assert cp["similarity"].tolist() == sorted(cp["similarity"], reverse=True)
    # share of counterparts == the build's share_matched for the pair
    assert cp["counterpart"].mean() == pytest.approx(best["share_matched"], abs=1e-6)
    titles = raw("actions").set_index("action_id")["title"]
    assert cp["title"].tolist() == titles.loc[cp["action_id"]].tolist()
    with pytest.raises(ValueError):
        compare.counterparts(t["alignment"], t["actions"], a, a)


def test_counterparts_on_a_tiny_example():
    actions = pd.DataFrame({"action_id": ["z-1", "z-2", "p-1"], "jurisdiction": ["a", "a", "b"],
                            "title": ["提升教师科学素质", np.nan, "提升教师科学素质"],
                            "text": ["提升教师科学素质。", "一段没有标题的很长的行动文本，用来检查开头的截取是否正确。", "提升教师科学素质。"]})
    alignment = pd.DataFrame({"action_id": ["z-1", "z-2"], "jurisdiction": ["a", "a"],
                              "other_jurisdiction": ["b", "b"], "match_action_id": ["p-1", "p-1"],
                              "similarity": [0.2, 0.9], "rank": [1, 1], "mutual": [False, True]})
    cp = compare.counterparts(alignment, actions, "a", "b")
    assert cp["action_id"].tolist() == ["z-2", "z-1"]
    assert cp["counterpart"].tolist() == [True, False]  # default threshold 0.35
    assert compare.counterparts(alignment, actions, "a", "b", threshold=0.1)["counterpart"].all()
    assert cp["title"].iloc[0].endswith("…") and cp["match_title"].iloc[0] == "提升教师科学素质"
    with pytest.raises(ValueError):
        compare.counterparts(alignment, actions, "b", "a")


def test_group_ids_in_codebook_order():
    from analysis.coding.codebook import load_codebook

    assert compare.group_ids() == [g.id for g in load_codebook().groups]
    assert list(style.group_labels()) == compare.group_ids()


# ---------------------------------------------------------------- notebooks
NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _text_outputs(nb) -> str:
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o["output_type"] == "stream":
                parts.append(o["text"])
            elif "data" in o:
                parts += [v for k, v in o["data"].items() if k.startswith("text/")]
    return "\n".join(parts)


def test_every_notebook_of_the_registry_exists_and_no_other():
    assert {p.name for p in NOTEBOOKS} >= {nb for nb, _ in figures.FIGURES.values()}
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == [f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)]  # numbered in reading order


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "not executed in order"
    for c in code:
        for o in c.outputs:
            assert o["output_type"] != "error", c.source
            assert not (o["output_type"] == "stream" and o["name"] == "stderr"), f"stderr output in: {c.source}"
    text = _text_outputs(nb)
    assert str(paths.ROOT) not in text and "/home/" not in text, "absolute path in an output"
    assert not re.search(r"Warning\b", text), "a warning in an output"
    assert " at 0x" not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_its_question_and_closes_with_generated_findings(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ") and "**Question.**" in first.source
    assert "parameters" in nb.cells[1].metadata.get("tags", []), "the second cell holds the report parameters"
    heads = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             and c.source.startswith("## What the data show")]
    assert heads, "no closing findings section"
    closing = nb.cells[heads[-1] + 1:]
    assert closing and all(c.cell_type == "code" and "say." in c.source for c in closing)
    shown = [o for c in closing for o in c.outputs if "text/markdown" in o.get("data", {})]
    assert shown, "the findings were not displayed"


#: Numbers prose may state: confidence levels, the 10,000 characters of a rate, years and decades of the
#: references, section numbers.  Any other number a markdown cell types is a result the data should give.
_ALLOWED = re.compile(r"95%|10,000|\b(19|20)\d\d\b|\b\d\b|2-D|G²|^#+ \d+")


#: A Chinese example quoted in the prose (覆盖率达到90%以上): its digits are the example's, not a result.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_EXAMPLE = re.compile(f"[{_CJK}]+[\\d.%…{_CJK}]*|[\\d.%]+[{_CJK}]+")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_types_no_result(path):
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        if c.cell_type != "markdown":
            continue
        for line in c.source.splitlines():
            rest = _CJK_EXAMPLE.sub("", _ALLOWED.sub("", line))
            found = re.findall(r"\d+(?:\.\d+)?%?", re.sub(r"`[^`]*`", "", rest))
            assert not found, f"{path.name}: a number typed in prose ({found}): {line!r}"


@pytest.mark.parametrize("line, flagged", [
    ("Zhifu reuses 19.5% of its text", True), ("k = 15 clusters", True), ("Wilson 95% interval", False),
    ("(覆盖率达到90%以上, 每年开展…活动5场)", False), ("per 10,000 characters", False), ("Dunning 1993", False),
    ("a `match_threshold` of `0.35`", False)])
def test_the_prose_rule_itself(line, flagged):
    rest = _CJK_EXAMPLE.sub("", _ALLOWED.sub("", line))
    assert bool(re.findall(r"\d+(?:\.\d+)?%?", re.sub(r"`[^`]*`", "", rest))) == flagged
