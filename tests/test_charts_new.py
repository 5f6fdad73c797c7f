"""The charts added or extended with intervals, one shared scale, footnotes and small multiples.

Each chart is built from the real tables and its ``fig.analysis_data`` (and
the artists drawn) checked against them; each is drawn with one plan and with
seven (synthetic tables: real plans duplicated under new ids), and from an
empty table, where it must give a figure that says there is nothing to show.
"""
from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection, QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from analysis import compare, paths  # noqa: E402
from analysis import plots as charts  # noqa: E402
from analysis.compare import sensitivity as sens  # noqa: E402
from analysis.plots import kit, network, perplan, style  # noqa: E402

DRAW_DPI = 40  # drawing at a low resolution keeps the file fast; layout and glyph checks are the same


# ------------------------------------------------------------------ fixtures and helpers
@pytest.fixture(scope="module")
def t():
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    tables = compare.read_processed()
    missing = [n for n in ("instruments", "cluster_sensitivity", "reuse_sensitivity", "cluster_quality", "keyness",
                           "alignment", "reuse_matrix", "reuse_passages") if n not in tables]
    if missing:
        pytest.skip(f"{', '.join(missing)} not in data/processed yet")
    return tables


#: every chart here is drawn under data/processed's settings (plans' order and colours, labels), as its notebooks do
pytestmark = pytest.mark.usefixtures("processed_settings")

@pytest.fixture(scope="module")
def tab(t):
    """Every comparison table the charts take, computed once."""
    a = t["actions"]
    plans = compare.plans_of(a)
    return {
        "plans": plans,
        "coverage": compare.group_coverage(a, t["group_mentions"]),
        "meas": compare.measurability(a, t["targets"]),
        "by_unit": compare.measurability_by_unit(a, t["targets"]),
        "graphs": {j: compare.coassignment_graph(a, t["assignments"], j) for j in plans},
        "keyness": compare.top_keyness(t["keyness"], 10),
        "reuse": compare.reuse_matrix(t["reuse_matrix"], plans),
        "passages": compare.longest_passages(t["reuse_passages"], 10),
        "reuse_pairs": compare.reuse_pairs(t["reuse_matrix"], t["reuse_passages"], a, plans, n_boot=200),
        "kinds": compare.instrument_mix(a, t["instruments"], level="kind"),
        "codes": compare.instrument_mix(a, t["instruments"], level="code"),
        "by_group": compare.instrument_by_group(a, t["instruments"], level="kind"),
        "reuse_thr": sens.reuse_threshold(t["reuse_sensitivity"], plans),
        "cp_thr": sens.counterpart_threshold(t["alignment"]),
    }


@pytest.fixture(scope="module")
def reports(t):
    from analysis import validation

    texts = {j: (paths.text_dir(paths.PROCESSED) / f"{j}.txt").read_text(encoding="utf-8")
             for j in compare.plans_of(t["actions"])}
    return {"seg": validation.segmentation_report(t["actions"], texts),
            "fields": validation.fields_report(t["actions"], t["assignments"], t["targets"]),
            "instr": validation.instruments_report(t["actions"], t["instruments"])}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def draw(fig: Figure) -> Figure:
    """Lay out and draw (at a low resolution), failing on 'Glyph ... missing from font'."""
    assert isinstance(fig, Figure) and fig.get_suptitle()
    assert hasattr(fig, "analysis_data")
    fig.set_dpi(DRAW_DPI)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing from.*")
        fig.canvas.draw()
    return fig


def texts(fig: Figure) -> list[str]:
    return [x.get_text() for x in fig.findobj(Text)]


def images(ax) -> list[QuadMesh]:
    """The heatmap cells (seaborn's QuadMesh) of *ax*; none on a colour bar."""
    if getattr(ax, "_colorbar", None) is not None:
        return []
    return [c for c in ax.collections if isinstance(c, QuadMesh)]


def same(drawn, expected) -> None:
    exp = np.asarray(expected, dtype=float)
    arr = np.ma.asarray(drawn)
    assert arr.shape == exp.shape
    assert (np.ma.getmaskarray(arr) == np.isnan(exp)).all()
    np.testing.assert_allclose(arr.filled(np.nan), exp)


def says_nothing(fig: Figure, lang: str = "en") -> bool:
    return any(x.startswith(kit.nothing_to_show(lang)[:10]) for x in texts(fig))


def errorbar_x(ax) -> list[tuple[float, float, float]]:
    """``(lo, hi, y)`` of every horizontal whisker on *ax* (seaborn's ``so.Range``: segments of a LineCollection)."""
    out = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            for seg in coll.get_segments():
                if len(seg) == 2 and seg[0][1] == seg[1][1]:
                    out.append((float(min(seg[:, 0])), float(max(seg[:, 0])), float(seg[0][1])))
    return out


def sources(plans: list[str], n: int) -> dict[str, str]:
    """*n* plan ids -> the real plan each copies (the real ids first, then ``<id>_copyK``)."""
    out = {}
    for i in range(n):
        src = plans[i % len(plans)]
        out[src if i < len(plans) else f"{src}_copy{i // len(plans)}"] = src
    return out


def grow(df: pd.DataFrame, plans: list[str], n: int) -> pd.DataFrame:
    """*df* with *n* plans: each new plan's rows are a real plan's, under its new id."""
    parts = [df[df["jurisdiction"] == src].assign(jurisdiction=new) for new, src in sources(plans, n).items()]
    return pd.concat(parts, ignore_index=True)


def grow_pairs(df: pd.DataFrame, plans: list[str], n: int) -> pd.DataFrame:
    """A table of ordered pairs (``jurisdiction, other_jurisdiction``) grown to *n* plans."""
    src = sources(plans, n)
    parts = []
    for a, sa in src.items():
        for b, sb in src.items():
            if a == b:
                continue
            ob = sb if sa != sb else next(p for p in plans if p != sa)
            rows = df[(df["jurisdiction"] == sa) & (df["other_jurisdiction"] == ob)]
            parts.append(rows.assign(jurisdiction=a, other_jurisdiction=b))
    return pd.concat(parts, ignore_index=True) if parts else df.iloc[:0]


def variants(builder, plans):
    """The chart with 1 plan and with 7 plans."""
    return [builder(plans[:1], 1), builder(plans, 7)]


# ------------------------------------------------------------------ kit.footnote
def test_footnote_wraps_to_the_figure_width_and_is_saved(tmp_path):
    long = "Source: a table. " * 40 + "中文的脚注也要换行" * 10
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1], label="x")
    fig.legend(loc="outside lower center")
    plain = style.figure_bytes(fig, "png")
    note = kit.footnote(fig, long)
    assert fig.analysis_footnote is note and note in fig.texts
    lines = note.get_text().split("\n")
    assert len(lines) > 3
    width = 4 * 72 / kit.FOOTNOTE_SIZE
    assert all(kit._ems(line) <= width for line in lines)
    assert note.get_position()[1] < 0 and note.get_va() == "top"  # below the plot area
    kit.footnote(fig, "Source: x.csv")  # a second call adds a line below, once
    kit.footnote(fig, "Source: x.csv")
    assert len(fig.texts) == 1 and fig.texts[0].get_text().endswith("\nSource: x.csv")
    assert fig.analysis_footnote_parts == [long, "Source: x.csv"]
    kit.footnote(fig, "replaced", replace=True)
    assert [x.get_text() for x in fig.texts] == ["replaced"]
    kit.footnote(fig, long, replace=True)
    # the figure legend stays anchored to the figure, not to the (taller) saved image
    np.testing.assert_allclose(fig.legends[0].get_bbox_to_anchor().bounds, fig.bbox.bounds)
    with_note = style.figure_bytes(fig, "png")
    assert with_note == style.figure_bytes(fig, "png")  # deterministic
    h0 = Image.open(io.BytesIO(plain)).size[1]
    h1 = Image.open(io.BytesIO(with_note)).size[1]
    assert h1 > h0 + 100  # the footer is in the saved image
    svg = style.figure_bytes(fig, "svg")
    assert svg == style.figure_bytes(fig, "svg")


def test_wrap_text_keeps_words_and_breaks_chinese():
    assert kit.wrap_text("aaa bbb ccc", 3).split("\n") == ["aaa", "bbb", "ccc"]
    assert kit.wrap_text("aaa bbb ccc", 4.5).split("\n") == ["aaa bbb", "ccc"]
    assert kit.wrap_text("一二三四五六", 3).split("\n") == ["一二三", "四五六"]
    assert kit.wrap_text("x\ny", 100) == "x\ny"


# ------------------------------------------------------------------ measurability
def test_measurability_draws_wilson_intervals(tab):
    s = tab["meas"]
    fig = draw(charts.measurability(s, tab["by_unit"]))
    iv = fig.analysis_data["intervals"]
    assert list(iv["jurisdiction"]) == list(s["jurisdiction"])
    np.testing.assert_allclose(iv["lo"], s["share_lo"])
    np.testing.assert_allclose(iv["hi"], s["share_hi"])
    whiskers = sorted(errorbar_x(fig.axes[0]), key=lambda w: w[2])
    np.testing.assert_allclose([w[0] for w in whiskers], s["share_lo"])
    np.testing.assert_allclose([w[1] for w in whiskers], s["share_hi"])
    assert "Wilson" in fig.analysis_footnote.get_text()  # the chart says how to read the whiskers
    kit.footnote(fig, "Source: actions.csv, targets.csv")  # a notebook adds its source line below
    assert fig.analysis_footnote.get_text().endswith("Source: actions.csv, targets.csv")
    assert "Wilson" in fig.analysis_footnote.get_text()
    no_iv = charts.measurability(s.drop(columns=["share_lo", "share_hi"]), tab["by_unit"])
    assert not errorbar_x(no_iv.axes[0]) and no_iv.analysis_data["intervals"].empty


def test_measurability_stacks_each_unit_in_its_colour(tab):
    """Each segment of a plan's stacked bar is the plan's commitments of one unit, in the legend's colour."""
    s, by = tab["meas"], tab["by_unit"]
    fig = draw(charts.measurability(s, by))
    colour_of = {leg.get_text(): matplotlib.colors.to_hex(h.get_facecolor())
                 for legend in fig.legends for leg, h in zip(legend.get_texts(), legend.legend_handles)}
    unit_of = {colour_of[name]: u for u, name in perplan._unit_names("en").items() if name in colour_of}
    drawn = {}
    for p in fig.axes[1].patches:
        key = (int(round(p.get_y() + p.get_height() / 2)), unit_of[matplotlib.colors.to_hex(p.get_facecolor())])
        drawn[key] = drawn.get(key, 0.0) + p.get_width()
    plans = list(s["jurisdiction"])
    expected = {(plans.index(r.jurisdiction), r.unit_class): float(r.n_targets) for r in by.itertuples()
                if r.n_targets > 0 and r.jurisdiction in plans}
    assert drawn == pytest.approx(expected)


def test_measurability_any_number_of_plans_and_empty(tab):
    for fig in variants(lambda p, n: charts.measurability(grow(tab["meas"], p, n), grow(tab["by_unit"], p, n)),
                        tab["plans"]):
        draw(fig)
    fig = draw(charts.measurability(tab["meas"].iloc[:0], tab["by_unit"].iloc[:0]))
    assert says_nothing(fig)


# ------------------------------------------------------------------ coverage
def test_coverage_heatmap_writes_intervals_under_values(tab):
    cov = tab["coverage"]
    fig = draw(charts.coverage_heatmap(cov))
    shown = texts(fig)
    assert not any("nan" in x for x in shown)
    for r in cov.itertuples():
        if r.has_line:
            assert f"{100 * r.text_share:.1f}%" in shown or r.text_share == 0
        if r.has_line and r.text_share_lo == r.text_share_lo:  # too few units for an interval: none drawn
            d = 0 if 100 * r.text_share_hi >= 9.95 else 1
            assert f"[{100 * r.text_share_lo:.{d}f}–{100 * r.text_share_hi:.{d}f}]" in shown
        if r.mentions_per_10k_lo == r.mentions_per_10k_lo:  # a zero count carries no interval
            assert f"[{r.mentions_per_10k_lo:.1f}–{r.mentions_per_10k_hi:.1f}]" in shown
    # the value and its interval are two texts, the interval smaller
    v = next(x for x in fig.findobj(Text) if x.get_text().startswith("[") and x.get_text().endswith("]"))
    assert v.get_fontsize() < kit.ANNOT_SIZE
    plain = charts.coverage_heatmap(cov, intervals=False)
    assert not any(x.startswith("[") and x.endswith("]") for x in texts(plain))
    assert any("95%" in x for x in shown)  # the footnote explains the brackets


def test_coverage_heatmap_any_number_of_plans_and_empty(tab):
    for n in (1, 7):
        cov = grow(tab["coverage"], tab["plans"][:n], n)
        fig = draw(charts.coverage_heatmap(cov))
        ims = [im for ax in fig.axes for im in images(ax)]
        groups = list(dict.fromkeys(cov["group"]))
        order = compare.plan_order(cov["jurisdiction"])
        same(ims[0].get_array(), compare.matrix(cov, "dedicated_actions", index="group", columns="jurisdiction",
                                                index_order=groups, column_order=order))
    assert says_nothing(draw(charts.coverage_heatmap(tab["coverage"].iloc[:0])))


# ------------------------------------------------------------------ department network
def _drawn_edge_widths(fig: Figure, plans: list[str]) -> dict[str, list[float]]:
    """Line widths of every co-assignment line, per plan panel (by the panel's title)."""
    names = dict(zip(kit.plan_ticks(plans, "en", None), plans))
    out = {}
    for ax in fig.axes:
        if ax.get_title() in names:
            out[names[ax.get_title()]] = [ln.get_linewidth() for ln in ax.lines]
    return out


def test_department_network_one_scale_across_panels(tab):
    graphs = tab["graphs"]
    fig = draw(charts.department_network(graphs))
    d = fig.analysis_data
    scale = d.attrs["scale"]
    edges = d[d["kind"] == "edge"]
    assert len(edges) and scale["max_weight"] == edges["value"].max()
    # the widest line anywhere is the heaviest pair of any plan; every width follows the same scale
    widths = _drawn_edge_widths(fig, tab["plans"])
    widest = max(w for ws in widths.values() for w in ws)
    assert widest == pytest.approx(network.NETWORK_MAX_LW)
    heaviest = edges.loc[edges["value"].idxmax(), "jurisdiction"]
    assert max(widths[heaviest]) == pytest.approx(widest)
    expected = network.NETWORK_MIN_LW + (network.NETWORK_MAX_LW - network.NETWORK_MIN_LW) * edges["value"] / \
        scale["max_weight"]
    np.testing.assert_allclose(edges["linewidth"], expected)
    for j, g in edges.groupby("jurisdiction"):
        assert sorted(widths[j]) == pytest.approx(sorted(g["linewidth"]))
    # the key shows reference widths on that scale, ending at the widest line, and node areas
    assert scale["line_key"][-1] == (scale["max_weight"], pytest.approx(network.NETWORK_MAX_LW))
    key_widths = {round(ln.get_linewidth(), 6) for ax in fig.axes for ln in ax.lines
                  if ax.get_title() == ""}
    assert {round(w, 6) for _, w in scale["line_key"]} <= key_widths
    assert 2 <= len(scale["line_key"]) <= 3 and len(scale["node_key"]) >= 2
    shown = " ".join(texts(fig))
    assert "Line width" in shown and "Node area" in shown
    nodes = d[d["kind"] == "node"]
    np.testing.assert_allclose(nodes["size"], network.NETWORK_NODE_BASE + network.NETWORK_NODE_SCALE * nodes["value"])


def test_department_network_any_number_of_plans_and_empty(tab):
    graphs = tab["graphs"]
    for n in (1, 7):
        src = sources(tab["plans"][:n] if n == 1 else tab["plans"], n)
        grown = {}
        for new, old in src.items():
            g = graphs[old].copy()
            g.graph["jurisdiction"] = new
            grown[new] = g
        fig = draw(charts.department_network(grown))
        assert set(fig.analysis_data["jurisdiction"]) == set(grown)
    fig = draw(charts.department_network({}))
    assert says_nothing(fig) and fig.analysis_data.empty
    empty = nx.Graph(jurisdiction="x", assigned=False)
    draw(charts.department_network({"x": empty}))


# ------------------------------------------------------------------ keyness
def _bar_panels(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.axison and ax.get_title()]


def test_keyness_shares_one_axis_and_wraps(tab):
    top = tab["keyness"]
    fig = draw(charts.keyness(top))
    panels = _bar_panels(fig)
    assert len(panels) == top["jurisdiction"].nunique()
    assert len({ax.get_xlim() for ax in panels}) == 1  # one G² scale
    assert panels[0].get_xlim() == pytest.approx(fig.analysis_data.attrs["xlim"])
    assert fig.analysis_data.attrs["xlim"][1] >= top["score"].max()
    assert max(ax.get_subplotspec().get_gridspec().ncols for ax in panels) <= 4
    for ax in panels:
        if ax.containers:
            assert max(p.get_width() for p in ax.containers[0]) <= ax.get_xlim()[1]


def test_keyness_draws_only_key_terms():
    top = pd.DataFrame({"jurisdiction": ["a"] * 3 + ["b"] * 2, "rank": [1, 2, 3, 1, 2],
                        "term": ["甲", "乙", "丙", "丁", "戊"], "score": [30.0, 20.0, 10.0, 8.0, 5.0],
                        "measure": "g2", "key": [True, False, True, False, False]})
    fig = draw(charts.keyness(top))
    d = fig.analysis_data
    assert d["drawn"].tolist() == [True, False, True, False, False]
    panels = _bar_panels(fig)
    a = panels[0]
    assert [x.get_text() for x in a.get_yticklabels()] == ["甲", "丙"]
    np.testing.assert_allclose([p.get_width() for p in a.containers[0]], [30.0, 10.0])
    assert not panels[1].containers and any("no key term" in x for x in texts(fig))
    assert panels[1].get_xlim() == panels[0].get_xlim()
    every = charts.keyness(top, key_only=False)
    assert every.analysis_data["drawn"].all()
    # a plan named in plans= but absent from the table gets its own 'none' panel
    fig = charts.keyness(top, plans=["a", "b", "c"])
    assert len(_bar_panels(fig)) == 3


def test_keyness_any_number_of_plans_and_empty(tab):
    for fig in variants(lambda p, n: charts.keyness(grow(tab["keyness"], p, n)), tab["plans"]):
        draw(fig)
    fig = charts.keyness(grow(tab["keyness"], tab["plans"], 9))
    assert max(ax.get_subplotspec().get_gridspec().ncols for ax in _bar_panels(fig)) <= 4
    assert says_nothing(draw(charts.keyness(tab["keyness"].iloc[:0])))


# ------------------------------------------------------------------ text reuse
def test_text_reuse_writes_bootstrap_intervals(tab):
    m, iv = tab["reuse"], tab["reuse_pairs"]
    fig = draw(charts.text_reuse(m, tab["passages"], intervals=iv))
    cells = fig.analysis_data["intervals"]
    shown = texts(fig)
    for r in iv.itertuples():
        text = cells.loc[r.jurisdiction, r.other_jurisdiction]
        if m.loc[r.jurisdiction, r.other_jurisdiction] > 0:
            d = 0 if 100 * r.share_hi >= 9.95 else 1
            assert text == f"[{100 * r.share_lo:.{d}f}–{100 * r.share_hi:.{d}f}]" and text in shown
        else:
            assert text == ""
    same(images(fig.axes[0])[0].get_array(), m)
    assert "intervals" not in charts.text_reuse(m, tab["passages"]).analysis_data


def test_text_reuse_any_number_of_plans_and_empty(tab):
    for n in (1, 7):
        plans = list(sources(tab["plans"], n))
        src = sources(tab["plans"], n)
        m = pd.DataFrame([[np.nan if a == b else (tab["reuse"].loc[src[a], src[b]] if src[a] != src[b] else 0.1)
                           for b in plans] for a in plans], index=plans, columns=plans)
        iv = grow_pairs(tab["reuse_pairs"], tab["plans"], n)
        draw(charts.text_reuse(m, tab["passages"].iloc[:3], intervals=iv))
    empty = pd.DataFrame(dtype=float)
    fig = draw(charts.text_reuse(empty, tab["passages"].iloc[:0]))
    assert says_nothing(fig)


# ------------------------------------------------------------------ instruments
def test_instrument_mix_bars_intervals_and_heatmap(tab):
    kinds, codes = tab["kinds"], tab["codes"]
    fig = draw(charts.instrument_mix(kinds, codes))
    bars = fig.analysis_data["bars"].merge(kinds, on=["jurisdiction", "kind"], suffixes=("", "_t"))
    assert len(bars) == len(kinds)
    np.testing.assert_allclose(bars["lo"], bars["share_lo"])
    np.testing.assert_allclose(bars["hi"], bars["share_hi"])
    np.testing.assert_allclose(bars["share"], bars["share_t"])
    whiskers = {round(w[2], 6): (w[0], w[1]) for w in errorbar_x(fig.axes[0])}
    for r in bars.itertuples():
        assert whiskers[round(r.y, 6)] == pytest.approx((r.share_lo, r.share_hi))
    # bars take the kinds' colours, not the plans'
    plan_colors = {matplotlib.colors.to_hex(style.plan_color(j)) for j in tab["plans"]}
    bar_colors = {matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert not bar_colors & plan_colors
    order = compare.instrument_ids()
    m = compare.matrix(codes, "share", index="jurisdiction", columns="code", index_order=tab["plans"],
                       column_order=order)
    same(images(fig.axes[1])[0].get_array(), m)
    labels = [x.get_text() for x in fig.axes[1].get_xticklabels()]
    from analysis.plots.instruments import code_labels
    assert labels == [code_labels("en")[c] for c in order]
    zh = draw(charts.instrument_mix(kinds, codes, lang="zh"))
    assert style.has_cjk(zh.get_suptitle())
    assert [x.get_text() for x in zh.axes[1].get_xticklabels()] == [code_labels("zh")[c] for c in order]


def test_instrument_by_group_panels(tab):
    bg = tab["by_group"]
    fig = draw(charts.instrument_by_group(bg))
    pd.testing.assert_frame_equal(fig.analysis_data, bg)
    panels = [ax for ax in fig.axes if images(ax)]
    assert len(panels) == bg["jurisdiction"].nunique()
    kinds = compare.kind_ids()
    for ax, j in zip(panels, compare.plan_order(bg["jurisdiction"])):
        d = bg[bg["jurisdiction"] == j]
        groups = list(dict.fromkeys(g for g in compare.group_ids() + [compare.NO_GROUP] if g in set(d["group"])))
        same(images(ax)[0].get_array(), compare.matrix(d, "share", index="group", columns="kind",
                                                       index_order=groups, column_order=kinds))
        cell = {x.get_text() for x in ax.texts}
        for r in d.itertuples():
            assert f"{r.n_using}/{r.n_actions}" in cell
    assert any("not zero" in x for x in texts(fig))  # absent groups are explained


def test_instrument_charts_any_number_of_plans_and_empty(tab):
    for fig in variants(lambda p, n: charts.instrument_mix(grow(tab["kinds"], p, n), grow(tab["codes"], p, n)),
                        tab["plans"]):
        draw(fig)
    for fig in variants(lambda p, n: charts.instrument_by_group(grow(tab["by_group"], p, n)), tab["plans"]):
        draw(fig)
    assert says_nothing(draw(charts.instrument_mix(tab["kinds"].iloc[:0], tab["codes"].iloc[:0])))
    assert says_nothing(draw(charts.instrument_by_group(tab["by_group"].iloc[:0])))


# ------------------------------------------------------------------ sensitivity
def _data_lines(ax) -> list[Line2D]:
    return [ln for ln in ax.lines if len(ln.get_xdata()) > 2]


def test_reuse_threshold_lines(tab):
    table = tab["reuse_thr"]
    fig = draw(charts.reuse_threshold(table))
    data = fig.analysis_data
    assert data["threshold"] == 20
    drawn = data["drawn"]
    pairs = drawn.groupby(["jurisdiction", "other_jurisdiction"])["share"].max()
    assert (pairs > 0).all()
    every = table.groupby(["jurisdiction", "other_jurisdiction"])["share"].max()
    assert set(pairs.index) == set(every[every > 0].index)
    lines = [ln for ax in fig.axes for ln in _data_lines(ax)]
    assert len(lines) == 2 * len(pairs)  # punctuation counted and excluded
    assert {tuple(np.round(ln.get_ydata(), 9)) for ln in lines} == {
        tuple(np.round(g.sort_values("min_chars")["share"].to_numpy(), 9))
        for _, g in drawn.groupby(["jurisdiction", "other_jurisdiction", "punctuation"])}
    marks = [ln for ax in fig.axes for ln in ax.lines if len(ln.get_xdata()) == 2
             and ln.get_xdata()[0] == ln.get_xdata()[1]]
    assert marks and all(ln.get_xdata()[0] == 20 for ln in marks)


def test_counterpart_threshold_lines_and_mutual_markers(tab):
    table = tab["cp_thr"]
    fig = draw(charts.counterpart_threshold(table))
    d = fig.analysis_data
    assert d["threshold"] == 0.35
    drawn = d["drawn"]
    mx = drawn.groupby(["jurisdiction", "other_jurisdiction"])["share"].max()
    assert (mx > 0.05).all()
    every = table.groupby(["jurisdiction", "other_jurisdiction"])["share"].max()
    assert set(mx.index) == set(every[every > 0.05].index)
    axes = [ax for ax in fig.axes if _data_lines(ax)]  # one panel, or one per plan when there are many pairs
    lines = [ln for ax in axes for ln in _data_lines(ax)]
    assert len(lines) == len(mx)
    mutual = sorted(float(off[1]) for ax in axes for c in ax.collections if isinstance(c, PathCollection)
                    for off in c.get_offsets() if np.isclose(off[0], d["mutual_x"]))
    expected = sorted(drawn.groupby(["jurisdiction", "other_jurisdiction"])["share_mutual"].first())
    np.testing.assert_allclose(mutual, expected)
    for ax in axes:  # the build's threshold marked in every panel
        vertical = [ln.get_xdata()[0] for ln in ax.lines if len(ln.get_xdata()) == 2
                    and ln.get_xdata()[0] == ln.get_xdata()[1]]
        assert 0.35 in vertical


def test_cluster_choice(t):
    q, s = t["cluster_quality"], t["cluster_sensitivity"]
    fig = draw(charts.cluster_choice(q, s))
    k = int(q.loc[q["chosen"].astype(bool), "k"].iloc[0])
    assert fig.analysis_data["chosen_k"] == k
    ax = fig.axes[0]
    ys = {tuple(np.round(ln.get_ydata(), 9)) for ln in ax.lines if len(ln.get_xdata()) == len(q)}
    for col in ("score", "silhouette", "stability_seeds_ari", "stability_bootstrap_ari"):
        assert tuple(np.round(q.sort_values("k")[col].to_numpy(float), 9)) in ys
    assert any(len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == k for ln in ax.lines)
    table = [ax for ax in fig.axes if ax.tables][0].tables[0]
    cells = table.get_celld()
    rows = [[cells[i, c].get_text().get_text() for c in range(2)] for i in range(1, len(s) + 1)]
    assert rows == [[str(int(r.lsa_components)), str(int(r.k))] for r in s.sort_values("lsa_components").itertuples()]
    fig = draw(charts.cluster_choice(q.iloc[:0], s.iloc[:0]))
    assert says_nothing(fig) and fig.analysis_data["chosen_k"] is None


def test_sensitivity_charts_any_number_of_plans_and_empty(tab):
    for n in (1, 7):
        plans = tab["plans"][:n] if n == 1 else tab["plans"]
        rt = grow_pairs(tab["reuse_thr"], plans, n)
        ct = grow_pairs(tab["cp_thr"], plans, n)
        f1, f2 = draw(charts.reuse_threshold(rt)), draw(charts.counterpart_threshold(ct))
        if n == 1:  # one plan: no pair, a figure that says so
            assert f1.analysis_data["drawn"].empty and f2.analysis_data["drawn"].empty
        else:  # many pairs: one panel per plan, in rows of at most four
            assert len([ax for ax in f2.axes if ax.axison]) == 7
            assert max(ax.get_subplotspec().get_gridspec().ncols for ax in f2.axes) <= 4
    draw(charts.reuse_threshold(tab["reuse_thr"].iloc[:0]))
    draw(charts.counterpart_threshold(tab["cp_thr"].iloc[:0]))


# ------------------------------------------------------------------ validation
def test_validation_chart(reports):
    seg, fields, instr = reports["seg"], reports["fields"], reports["instr"]
    fig = draw(charts.validation(seg, fields, instr))
    alpha, codes = fig.analysis_data["alpha"], fig.analysis_data["codes"]
    assert list(alpha["field"]) == ["segmentation", "group", "departments", "commitments", "instruments"]
    expected = [seg.set_index("label").loc["all", "alpha_coders"]] + \
        list(fields.set_index("field").loc[["group", "departments", "commitments"], "alpha_coders"]) + \
        [instr.set_index("code").loc["all", "alpha_coders"]]
    np.testing.assert_allclose(alpha["alpha"], expected)
    np.testing.assert_allclose([p.get_width() for p in fig.axes[0].patches], expected)
    held = instr[instr["kind"].isin(["supply", "environment", "demand"])]
    assert sorted(codes["code"]) == sorted(held["code"])
    assert list(codes["kind"]) == sorted(codes["kind"], key=["supply", "environment", "demand"].index)
    ax = fig.axes[1]
    prec, rec = ax.containers[0], ax.containers[1]
    np.testing.assert_allclose([p.get_width() for p in prec], codes["precision"])
    np.testing.assert_allclose([p.get_width() for p in rec], codes["recall"])
    shown = {x.get_text() for x in ax.texts}
    assert {f"n = {int(v)}" for v in codes["n_gold"]} <= shown
    assert style.has_cjk(draw(charts.validation(seg, fields, instr, lang="zh")).get_suptitle())
    fig = draw(charts.validation(seg.iloc[:0], fields.iloc[:0], instr.iloc[:0]))
    assert says_nothing(fig)


# ------------------------------------------------------------------ registry and exports
def test_new_figures_are_registered_and_exported():
    from analysis.report import figures

    want = {"instrument_mix": "06_instruments.ipynb", "instrument_by_group": "06_instruments.ipynb",
            "reuse_threshold": "07_sensitivity.ipynb", "counterpart_threshold": "07_sensitivity.ipynb",
            "cluster_choice": "07_sensitivity.ipynb", "validation": "08_validation.ipynb"}
    for name, nb in want.items():
        assert figures.FIGURES[name][0] == nb
        assert callable(getattr(charts, name))
    for nb, caption in figures.FIGURES.values():
        assert "five" not in caption and "other four" not in caption
        assert "\n" not in caption and "|" not in caption
    assert callable(charts.footnote)


def test_corpus_overview_of_no_plan_says_so():
    """An empty corpus table gives a titled figure saying there is nothing to show, not an error."""
    import pandas as pd

    from analysis import compare, plots

    ov = compare.corpus_overview(pd.DataFrame(columns=["jurisdiction"]),
                                 pd.DataFrame(columns=["jurisdiction", "kind", "group", "n_chars"]))
    assert ov.empty and "n_actions" in ov.columns
    fig = plots.corpus_overview(ov)
    assert fig.analysis_data.empty and fig._suptitle is not None
