"""The data behind every figure the notebooks save, and the notebooks' own promises.

nbval re-executes the notebooks and compares their text outputs, but not
their images.  So, for every figure of :data:`analysis.report.figures.FIGURES`:

- :data:`BUILDERS` makes it with exactly the calls its notebook makes, and a
  test checks the table the figure was drawn from (``fig.analysis_data``)
  against the CSV files of ``data/processed`` read directly;
- the committed PNG must be the bytes those calls render now (the figure in
  ``figures/`` is what the code and the data produce, not a stale one).

And for every notebook: it has been executed, holds no error, warning or
absolute path in its outputs, opens with its question, closes with "What the
charts show", and every decimal number that closing text quotes is printed by
one of its cells (the statements are checked against the tables, not typed
from memory).
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
from matplotlib.image import AxesImage  # noqa: E402

from tests.conftest import MANIFEST_PLANS  # noqa: E402
from analysis import compare, paths  # noqa: E402
from analysis import plots as charts  # noqa: E402
from analysis.plots import style  # noqa: E402
from analysis.report import figures  # noqa: E402

PLANS = MANIFEST_PLANS


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


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ------------------------------------------------ the notebooks' calls, per figure
def _graphs(t):
    return {j: compare.coassignment_graph(t["actions"], t["assignments"], j) for j in compare.plans_of(t["actions"])}


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
    "department_network": lambda t: charts.department_network(_graphs(t)),
    "cluster_composition": lambda t: charts.cluster_composition(compare.cluster_composition(t["clusters"], t["actions"]),
                                                                compare.cluster_spread(t["clusters"], t["actions"])),
    "cluster_map": lambda t: charts.cluster_map(compare.action_map(t["actions"], t["clusters"])),
    "keyness": lambda t: charts.keyness(compare.top_keyness(t["keyness"], 10)),
    "jurisdiction_similarity": lambda t: charts.jurisdiction_similarity(
        compare.similarity_matrix(t["jurisdiction_similarity"])),
    "text_reuse": lambda t: charts.text_reuse(compare.reuse_matrix(t["reuse_matrix"], t["documents"]["jurisdiction"]),
                                              compare.longest_passages(t["reuse_passages"], 10)),
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


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_committed_png_is_what_the_code_draws_now(drawn, name):
    """The PNG in figures/ equals a fresh rendering of the notebook's calls on today's data."""
    path = paths.FIGURES / f"{name}.png"
    assert path.is_file(), f"{path.name} missing: run `python -m analysis notebooks`"
    assert style.figure_bytes(drawn[name], "png") == path.read_bytes(), (
        f"figures/{name}.png is stale (data or chart code changed): run `python -m analysis notebooks`")


def _images(fig):
    return [im.get_array() for ax in fig.axes for im in ax.get_images() if isinstance(im, AxesImage)]


# ---------------------------------------------------------------- per figure
def test_corpus_overview_data(drawn, raw):
    ov = drawn["corpus_overview"].analysis_data.set_index("jurisdiction")
    docs = raw("documents").set_index("jurisdiction")
    acts = raw("actions")
    assert list(ov.index) == PLANS
    for j in PLANS:
        a = acts[acts["jurisdiction"] == j]
        assert ov.loc[j, "n_actions"] == (a["kind"] == "action").sum() == docs.loc[j, "n_actions"]
        assert ov.loc[j, "n_safeguards"] == (a["kind"] == "safeguard").sum() == docs.loc[j, "n_safeguards"]
        assert ov.loc[j, "operative_chars"] == a["n_chars"].sum() == docs.loc[j, "operative_chars"]
        # the stacked bar of group lines adds up to the plan's actions
        assert ov.loc[j, [c for c in ov.columns if c.startswith("actions_")]].sum() == ov.loc[j, "n_actions"]


def test_measurability_data(drawn, raw):
    data = drawn["measurability"].analysis_data
    s = data["summary"].set_index("jurisdiction")
    acts, targets = raw("actions"), raw("targets")
    for j in PLANS:
        ids = set(acts.loc[(acts["jurisdiction"] == j) & (acts["kind"] == "action"), "action_id"])
        hit = targets[targets["action_id"].isin(ids)]
        assert s.loc[j, "n_actions"] == len(ids)
        assert s.loc[j, "n_measurable"] == hit["action_id"].nunique()
        assert s.loc[j, "share_measurable"] == pytest.approx(hit["action_id"].nunique() / len(ids))
        # the unit bar of a plan adds up to its commitments
        assert data["by_unit"].loc[data["by_unit"]["jurisdiction"] == j, "n_targets"].sum() == len(hit)


@pytest.mark.parametrize("name", ["coverage_heatmap", "coverage_heatmap_zh"])
def test_coverage_heatmap_data(drawn, raw, name):
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
    # the first panel's image is the dedicated-actions matrix (groups x plans), NaN cells masked
    dedicated = compare.matrix(fig.analysis_data, "dedicated_actions", index="group", columns="jurisdiction",
                               index_order=compare.group_ids(), column_order=PLANS).to_numpy()
    img = _images(fig)[0]
    assert np.array_equal(np.ma.getmaskarray(img), np.isnan(dedicated))
    assert np.allclose(img.filled(-1), np.nan_to_num(dedicated, nan=-1))


def test_department_workload_heatmap_data(drawn, raw):
    """Inner Mongolia names no departments: not assigned (NaN), never zero; shares as counted by hand."""
    fig = drawn["department_workload_heatmap"]
    w = fig.analysis_data["workload"]
    im = w[w["jurisdiction"] == "inner_mongolia"]
    assert len(im) and not im["assigned"].any()
    assert im[["actions", "share", "load", "load_share", "leads"]].isna().all().all()
    assert raw("assignments").query("jurisdiction == 'inner_mongolia'").empty
    coll = fig.analysis_data["collective"]
    assert coll.loc[coll["jurisdiction"] == "inner_mongolia", ["actions", "share"]].isna().all().all()
    acts, asg = raw("actions"), raw("assignments")
    act_ids = set(acts.loc[acts["kind"] == "action", "action_id"])
    named = asg[asg["action_id"].isin(act_ids) & ~asg["collective"].astype(bool)]
    for j in ["zhifu", "pingyin", "chongqing", "shenzhen"]:
        n = named[named["jurisdiction"] == j]
        wj = w[w["jurisdiction"] == j].set_index("category")
        assert wj["assigned"].all()
        cast = n.loc[n["category"] == "cast", "action_id"].nunique()
        assert wj.loc["cast", "actions"] == cast
        assert wj.loc["cast", "share"] == pytest.approx(cast / n["action_id"].nunique())
        assert wj["load"].sum() == pytest.approx(n["action_id"].nunique())  # 1/k per department
        # leads only where the plan names leads (Shenzhen)
        assert wj["leads"].isna().all() == (not (n["role"] == "lead").any())
    # the Inner Mongolia column of both panels is masked (drawn grey and hatched)
    for img in _images(fig)[:2]:
        assert np.ma.getmaskarray(img)[:, PLANS.index("inner_mongolia")].all()


def test_department_network_data(drawn, t):
    data = drawn["department_network"].analysis_data
    assert data.loc[data["jurisdiction"] == "inner_mongolia", "kind"].tolist() == ["plan"]  # the 'not assigned' panel
    edges = compare.coassignment_edges(t["actions"], t["assignments"])
    drawn_edges = data[data["kind"] == "edge"]
    weights = {(r.jurisdiction, r.source, r.target): r.weight for r in edges.itertuples()}
    assert len(drawn_edges)
    for r in drawn_edges.itertuples():
        key = (r.jurisdiction, *sorted([r.source, r.target]))
        assert weights[key] == r.value
    nodes = data[data["kind"] == "node"]
    for j, g in nodes.groupby("jurisdiction"):  # node area: share of the plan's load, at most the whole plan
        assert ((g["value"] > 0) & (g["value"] <= 1)).all()
    summary = compare.department_summary(t["actions"], t["assignments"]).set_index("jurisdiction")
    assert not summary.loc["inner_mongolia", "assigned"] and np.isnan(summary.loc["inner_mongolia", "hhi"])


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
    for j in PLANS:
        mine = k[(k["jurisdiction"] == j) & (k["log_ratio"] > 0)].sort_values("rank").head(10)
        got = top[top["jurisdiction"] == j]
        assert got["term"].tolist() == mine["term"].tolist()
        assert got["score"].tolist() == pytest.approx(mine["g2"].tolist())


def test_jurisdiction_similarity_data(drawn, raw):
    m = drawn["jurisdiction_similarity"].analysis_data
    sim = raw("jurisdiction_similarity")
    assert list(m.index) == list(m.columns) == PLANS
    for r in sim.itertuples():
        assert m.loc[r.jurisdiction, r.other_jurisdiction] == r.mean_best_similarity
    # the heatmap shows the off-diagonal values; the diagonal (a plan with itself) is masked
    img = _images(drawn["jurisdiction_similarity"])[0]
    assert np.ma.getmaskarray(img).diagonal().all()
    off = ~np.eye(len(PLANS), dtype=bool)
    assert np.allclose(img.filled(np.nan)[off], m.to_numpy()[off])


def test_text_reuse_data(drawn, raw):
    data = drawn["text_reuse"].analysis_data
    m, passages = data["reuse"], data["passages"]
    r = raw("reuse_matrix")
    listed = {(x.jurisdiction, x.other_jurisdiction): x.share for x in r.itertuples()}
    for a in PLANS:
        for b in PLANS:
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


# ------------------------------------------------------ counterparts (notebook 05)
def test_counterparts_agree_with_alignment_and_plan_similarity(t, raw):
    cp = compare.counterparts(t["alignment"], t["actions"], "zhifu", "pingyin")
    al = raw("alignment").query("jurisdiction == 'zhifu' and other_jurisdiction == 'pingyin'")
    assert sorted(cp["action_id"]) == sorted(al["action_id"])
    best = al.set_index("action_id")
    assert (cp.set_index("action_id").loc[best.index, "match_action_id"] == best["match_action_id"]).all()
    assert cp["similarity"].tolist() == sorted(cp["similarity"], reverse=True)
    # share of counterparts == the build's share_matched for the pair
    js = raw("jurisdiction_similarity").query("jurisdiction == 'zhifu' and other_jurisdiction == 'pingyin'")
    assert cp["counterpart"].mean() == pytest.approx(js["share_matched"].iloc[0], abs=1e-6)
    titles = raw("actions").set_index("action_id")["title"]
    assert cp["title"].tolist() == titles.loc[cp["action_id"]].tolist()
    with pytest.raises(ValueError):
        compare.counterparts(t["alignment"], t["actions"], "zhifu", "zhifu")


def test_counterparts_on_a_tiny_example():
    actions = pd.DataFrame({"action_id": ["z-1", "z-2", "p-1"], "jurisdiction": ["zhifu", "zhifu", "pingyin"],
                            "title": ["提升教师科学素质", np.nan, "提升教师科学素质"],
                            "text": ["提升教师科学素质。", "一段没有标题的很长的行动文本，用来检查开头的截取是否正确。", "提升教师科学素质。"]})
    alignment = pd.DataFrame({"action_id": ["z-1", "z-2"], "jurisdiction": ["zhifu", "zhifu"],
                              "other_jurisdiction": ["pingyin", "pingyin"], "match_action_id": ["p-1", "p-1"],
                              "similarity": [0.2, 0.9], "rank": [1, 1], "mutual": [False, True]})
    cp = compare.counterparts(alignment, actions, "zhifu", "pingyin")
    assert cp["action_id"].tolist() == ["z-2", "z-1"]
    assert cp["counterpart"].tolist() == [True, False]  # threshold 0.35
    assert cp["title"].iloc[0].endswith("…") and cp["match_title"].iloc[0] == "提升教师科学素质"
    with pytest.raises(ValueError):
        compare.counterparts(alignment, actions, "pingyin", "zhifu")


def test_group_ids_in_codebook_order():
    assert compare.group_ids()[:2] == ["youth", "farmers"]
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


def test_the_five_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == sorted({nb for nb, _ in figures.FIGURES.values()}) == [
        "01_overview.ipynb", "02_target_groups.ipynb", "03_departments.ipynb", "04_clusters.ipynb",
        "05_alignment_reuse.ipynb"]


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
def test_notebook_opens_with_its_question_and_closes_with_what_the_charts_show(path):
    nb = nbformat.read(path, as_version=4)
    first, last = nb.cells[0], nb.cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# ") and "**Question.**" in first.source
    assert last.cell_type == "markdown" and last.source.startswith("## What the charts show")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbers_quoted_in_the_conclusions_are_printed_by_the_notebook(path):
    """Every decimal number the closing text quotes (0.484, 19.856 ...) appears in a printed table."""
    nb = nbformat.read(path, as_version=4)
    outputs = _text_outputs(nb)
    printed = set(re.findall(r"(?<![\d.])\d+\.\d+(?![\d])", outputs))
    quoted = set(re.findall(r"(?<![\d.])\d+\.\d+(?![\d])", nb.cells[-1].source))
    assert quoted, "the conclusions quote no number from the tables"
    assert quoted <= printed, f"quoted but not printed: {sorted(quoted - printed)}"
