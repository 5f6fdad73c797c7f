"""Every chart: a Figure with a title, drawn without missing glyphs in both languages, showing its table.

nbval does not compare images, so these tests check what each figure is
built from: the arrays of its heatmaps (seaborn's cells) and the lengths of
its bars must be the numbers of the comparison tables.
"""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, QuadMesh  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from tests.conftest import MANIFEST_PLANS  # noqa: E402
from analysis import compare, paths  # noqa: E402
from analysis import plots as charts  # noqa: E402
from analysis.compare import crossplan  # noqa: E402
from analysis.plots import style  # noqa: E402

LANGS = ["en", "zh"]


#: every chart here is drawn under data/processed's settings (plans' order and colours, labels), as its notebooks do
pytestmark = pytest.mark.usefixtures("processed_settings")

@pytest.fixture(scope="module")
def t():
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    return compare.read_processed()


def unassigned(workload) -> list[str]:
    """Plans that name no department (the data say so: department_workload's ``assigned`` is False)."""
    flags = workload.groupby("jurisdiction", sort=False)["assigned"].any()
    return [j for j in MANIFEST_PLANS if j in flags.index and not flags[j]]


def needs(t, *names):
    missing = [n for n in names if n not in t]
    if missing:
        pytest.skip(f"{', '.join(missing)} not in data/processed yet")
    if t["actions"]["jurisdiction"].nunique() < 2:  # the build writes them empty then (and says so)
        pytest.skip("cross-plan tables compare plans: the corpus has fewer than two plans with actions")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def strict_draw(fig: Figure) -> Figure:
    """Draw, failing on 'Glyph ... missing from font' (an empty box in the picture)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing from.*")
        fig.canvas.draw()
    return fig


def check_common(fig: Figure, lang: str) -> None:
    assert isinstance(fig, Figure)
    title = fig.get_suptitle()
    assert title
    assert style.has_cjk(title) == (lang == "zh")  # titles follow the language setting
    strict_draw(fig)
    assert hasattr(fig, "analysis_data")


def images(fig: Figure) -> list[QuadMesh]:
    """The heatmaps' cells (seaborn's QuadMesh), in the order of the axes; colour bars left out."""
    return [c for ax in fig.axes if getattr(ax, "_colorbar", None) is None for c in ax.collections
            if isinstance(c, QuadMesh)]


def same(drawn, expected) -> None:
    """A heatmap's array equals the matrix: values where finite, masked where NaN."""
    exp = np.asarray(expected, dtype=float)
    arr = np.ma.asarray(drawn)
    assert arr.shape == exp.shape
    assert (np.ma.getmaskarray(arr) == np.isnan(exp)).all()
    np.testing.assert_allclose(arr.filled(np.nan), exp)


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def bar_rows(ax) -> dict[int, float]:
    """Total length of the horizontal bars in each row (the category at the bar's centre): a stack adds up, and
    a zero is no bar (seaborn.objects draws none)."""
    out: dict[int, float] = {}
    for c in ax.containers:
        if isinstance(c, BarContainer):
            for p in c:
                i = int(round(p.get_y() + p.get_height() / 2))
                out[i] = out.get(i, 0.0) + p.get_width()
    return out


def bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0
            and p.get_width() >= 0 and p.get_facecolor()[3] > 0 and not p.get_hatch()]


# ------------------------------------------------------------ per plan
@pytest.mark.parametrize("lang", LANGS)
def test_corpus_overview(t, lang):
    ov = compare.corpus_overview(t["documents"], t["actions"])
    fig = charts.corpus_overview(ov, lang=lang)
    check_common(fig, lang)
    pd.testing.assert_frame_equal(fig.analysis_data, ov)
    widths = [p.get_width() for p in fig.axes[1].patches]
    np.testing.assert_allclose(widths, ov["operative_chars"] / 1000)


@pytest.mark.parametrize("lang", LANGS)
def test_coverage_heatmap(t, lang):
    cov = compare.group_coverage(t["actions"], t["group_mentions"])
    fig = charts.coverage_heatmap(cov, lang=lang)
    check_common(fig, lang)
    ims = images(fig)
    assert len(ims) == 3
    groups = list(dict.fromkeys(cov["group"]))
    for im, col in zip(ims, ["dedicated_actions", "text_share", "mentions_per_10k"]):
        m = cov.pivot(index="group", columns="jurisdiction", values=col).reindex(
            index=groups, columns=MANIFEST_PLANS)
        same(im.get_array(), m)
    no_line = style.tr("no line", "未设", lang)
    assert texts(fig).count(no_line) == 2 * (~cov["has_line"]).sum()  # first two panels


@pytest.mark.parametrize("lang", LANGS)
def test_department_workload_heatmap(t, lang):
    a, s = t["actions"], t["assignments"]
    w = compare.department_workload(a, s)
    coll = compare.collective_assignments(a, s)
    fig = charts.department_workload_heatmap(w, coll, lang=lang)
    check_common(fig, lang)
    ims = images(fig)
    cats = list(dict.fromkeys(w["category"]))
    for im, col in zip(ims[:2], ["share", "load_share"]):
        m = w.pivot(index="category", columns="jurisdiction", values=col).reindex(
            index=cats, columns=MANIFEST_PLANS)
        same(im.get_array(), m)
    none = unassigned(w)
    masked = np.ma.getmaskarray(ims[0].get_array()).all(axis=0)
    assert [j for j, m in zip(MANIFEST_PLANS, masked) if m] == none  # not assigned: no colour at all
    na = style.tr("not assigned", "未分工", lang)
    assert sum(na in x for x in texts(fig)) == 1 + 2 * len(none)  # the legend, and each such column per panel
    cnt = w.pivot(index="category", columns="jurisdiction", values="actions").reindex(
        index=cats, columns=MANIFEST_PLANS)
    shown = {x for x in texts(fig) if x.isdigit()}
    assert {f"{v:.0f}" for v in cnt.to_numpy().ravel() if not np.isnan(v)} <= shown


@pytest.mark.parametrize("lang", LANGS)
def test_department_network(t, lang):
    a, s = t["actions"], t["assignments"]
    graphs = {j: compare.coassignment_graph(a, s, j) for j in MANIFEST_PLANS}
    fig = charts.department_network(graphs, lang=lang)
    check_common(fig, lang)
    d = fig.analysis_data
    edges = d[d["kind"] == "edge"]
    assert len(edges) or not any(g.number_of_edges() for g in graphs.values())
    for row in edges.itertuples():
        assert graphs[row.jurisdiction].edges[row.source, row.target]["weight"] == row.value
    none = unassigned(compare.department_workload(a, s))
    for j in none:
        assert d.loc[d["jurisdiction"] == j, "kind"].tolist() == ["plan"]
    assert set(d.loc[d["kind"] == "plan", "jurisdiction"]) == set(none)
    assert any(style.tr("not assigned", "未分工", lang) in x for x in texts(fig)) == bool(none)


@pytest.mark.parametrize("lang", LANGS)
def test_measurability(t, lang):
    a, tg = t["actions"], t["targets"]
    summ, by = compare.measurability(a, tg), compare.measurability_by_unit(a, tg)
    fig = charts.measurability(summ, by, lang=lang)
    check_common(fig, lang)
    shares = bar_rows(fig.axes[0])
    np.testing.assert_allclose([shares.get(i, 0.0) for i in range(len(summ))], summ["share_measurable"])
    assert set(shares) == {i for i, v in enumerate(summ["share_measurable"]) if v > 0}
    totals = bar_rows(fig.axes[1])  # the commitments stacked by unit add up to the plan's total
    np.testing.assert_allclose([totals.get(i, 0.0) for i in range(len(summ))], summ["n_targets"])


# ------------------------------------------------------------ cross-plan
@pytest.mark.parametrize("lang", LANGS)
def test_cluster_composition(t, lang):
    needs(t, "clusters")
    comp = compare.cluster_composition(t["clusters"], t["actions"])
    spread = compare.cluster_spread(t["clusters"], t["actions"])
    fig = charts.cluster_composition(comp, spread, lang=lang)
    check_common(fig, lang)
    m = comp.pivot(index="cluster", columns="jurisdiction", values="n_actions").reindex(
        index=list(spread["cluster"]), columns=MANIFEST_PLANS)
    same(images(fig)[0].get_array(), m.where(m != 0))  # a plan with no action in the cluster: a blank cell


@pytest.mark.parametrize("lang", LANGS)
def test_cluster_map(t, lang):
    needs(t, "clusters")
    sub = t["clusters"].head(30)
    pts = compare.action_map(t["actions"], sub, vectors=crossplan.cluster_space(t["actions"], sub))
    fig = charts.cluster_map(pts, lang=lang)
    check_common(fig, lang)
    offsets = np.vstack([c.get_offsets() for c in fig.axes[0].collections if isinstance(c, PathCollection)])
    drawn = {tuple(np.round(o, 4)) for o in offsets}
    assert drawn == {tuple(p) for p in pts[["x", "y"]].to_numpy()}
    pd.testing.assert_frame_equal(fig.analysis_data, pts)


@pytest.mark.parametrize("lang", LANGS)
def test_jurisdiction_similarity(t, lang):
    needs(t, "jurisdiction_similarity")
    m = compare.similarity_matrix(t["jurisdiction_similarity"])
    fig = charts.jurisdiction_similarity(m, lang=lang)
    check_common(fig, lang)
    exp = m.to_numpy(copy=True)
    np.fill_diagonal(exp, np.nan)
    same(images(fig)[0].get_array(), exp)


@pytest.mark.parametrize("lang", LANGS)
def test_text_reuse(t, lang):
    needs(t, "reuse_matrix", "reuse_passages")
    d = t["documents"]
    m = compare.reuse_matrix(t["reuse_matrix"], list(d.loc[d["role"] != "reference", "jurisdiction"]))
    top = compare.longest_passages(t["reuse_passages"], n=8)
    fig = charts.text_reuse(m, top, lang=lang)
    check_common(fig, lang)
    same(images(fig)[0].get_array(), m)
    if len(top):  # the longest passages (none if no two plans share one)
        bars = [ax for ax in fig.axes if ax.containers][0]
        np.testing.assert_allclose([p.get_width() for p in bars.containers[0]], top["length"])


@pytest.mark.parametrize("lang", LANGS)
def test_keyness(t, lang):
    needs(t, "keyness")
    top = compare.top_keyness(t["keyness"], n=8)
    fig = charts.keyness(top, lang=lang)
    check_common(fig, lang)
    panels = [ax for ax in fig.axes if ax.containers]
    for ax, (j, g) in zip(panels, top.groupby("jurisdiction", sort=False)):
        np.testing.assert_allclose([p.get_width() for p in ax.containers[0]], g.sort_values("rank")["score"])
        assert [x.get_text() for x in ax.get_yticklabels()] == list(g.sort_values("rank")["term"])


def test_chart_with_chinese_fails_clearly_without_a_cjk_font(t, monkeypatch):
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    cov = compare.group_coverage(t["actions"], t["group_mentions"])
    with pytest.raises(style.MissingFontError, match="pip install mplfonts"):
        charts.coverage_heatmap(cov, lang="zh")


@pytest.mark.slow  # the fast tier compares every figure the notebooks draw with the committed bytes
def test_charts_are_byte_identical_when_saved_twice(t, tmp_path):
    cov = compare.group_coverage(t["actions"], t["group_mentions"])
    style.save_figure(charts.coverage_heatmap(cov, lang="zh"), "c", tmp_path / "1")
    style.save_figure(charts.coverage_heatmap(cov, lang="zh"), "c", tmp_path / "2")
    for ext in ("png", "svg"):
        assert (tmp_path / "1" / f"c.{ext}").read_bytes() == (tmp_path / "2" / f"c.{ext}").read_bytes()
