"""Charts of one plan at a time, side by side: overview, target groups, departments, measurability.

Every function takes the tidy tables of :mod:`analysis.compare`, draws one
figure in the house style (:mod:`analysis.plots.style`) and returns it, with the
table it drew attached as ``fig.analysis_data`` so tests (and readers) can
check the picture against the numbers.  Nothing is saved here: notebooks call
:func:`analysis.plots.style.save_figure`.

Cells that have no value by construction -- a group the plan has no line
for, a plan that assigns no departments -- are grey, hatched and labelled,
never drawn as the lowest colour of the scale.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from analysis.coding.codebook import load_codebook
from analysis.corpus import levels
from analysis.plots import style
from analysis.plots.kit import (ANNOT_SIZE, QUALITATIVE, empty_figure, finish, heatmap, interval_text,
                                missing_patch, pct, percent_axis, plan_ticks, slant_xticks, small_pct)
from analysis.compare.coverage import unit_class_order
from analysis.compare.tables import matrix, plan_order

# --------------------------------------------------------------- overview
def corpus_overview(overview: pd.DataFrame, lang: str | None = None,
                    documents: pd.DataFrame | None = None) -> Figure:
    """Three panels per plan: actions and safeguards; operative text length; actions per group line.

    *overview* is :func:`analysis.compare.corpus_overview`.  Plan labels carry
    the administrative level and the year of issue.
    """
    with style.styled(lang) as lang:
        if overview.empty:
            return empty_figure(style.tr("The plans at a glance", "各方案概览", lang), overview, lang)
        ov = overview.set_index("jurisdiction").loc[plan_order(overview["jurisdiction"])]
        plans = list(ov.index)
        names = plan_ticks(plans, lang, documents)
        ticks = [f"{n}\n({_level(lvl, lang)}, {yr})" for n, lvl, yr in zip(names, ov["level"], ov["issued_year"])]
        fig, axes = plt.subplots(1, 3, figsize=(7.6, 3.4), sharey=True, width_ratios=[1, 0.8, 1.2])
        y = np.arange(len(plans))
        ax = axes[0]
        ax.barh(y, ov["n_actions"], color=[style.plan_color(j) for j in plans])
        ax.barh(y, ov["n_safeguards"], left=ov["n_actions"], color="#bbbbbb", edgecolor="white", linewidth=0)
        for yi, a, s in zip(y, ov["n_actions"], ov["n_safeguards"]):
            ax.text(a + s + 0.8, yi, f"{a} + {s}", va="center", fontsize=ANNOT_SIZE)
        ax.set_xlim(0, (ov["n_actions"] + ov["n_safeguards"]).max() * 1.45)
        ax.set_title(style.tr("Actions + safeguards\n(grey)", "行动数 + 保障措施数\n（灰色）", lang))
        ax.set_yticks(y, ticks)
        ax.invert_yaxis()
        ax = axes[1]
        kchars = ov["operative_chars"] / 1000
        ax.barh(y, kchars, color=[style.plan_color(j) for j in plans])
        for yi, v in zip(y, kchars):
            ax.text(v + 0.15, yi, f"{v:.1f}", va="center", fontsize=ANNOT_SIZE)
        ax.set_xlim(0, kchars.max() * 1.35)
        ax.set_title(style.tr("Operative text\n(1,000 characters)", "执行部分篇幅\n（千字）", lang))
        ax = axes[2]
        glabels = style.group_labels(lang)
        groups = list(glabels)
        colors = _group_colors(groups)
        left = np.zeros(len(plans))
        for g in groups + ["no_group"]:
            v = ov[f"actions_{g}"].to_numpy(float)
            lab = glabels.get(g, style.tr("no group line", "不属人群专项", lang))
            ax.barh(y, v, left=left, color=colors[g], label=lab, edgecolor="white", linewidth=0.6)
            left += v
        ax.set_title(style.tr("Actions by target-group line", "按重点人群划分的行动", lang))
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=4, frameon=False,
                   fontsize=7.5)
        for a in axes:
            a.tick_params(axis="y", length=0)
        n = len(plans)
        return finish(fig, overview, style.tr("The plan at a glance" if n == 1 else f"The {n} plans at a glance",
                                              f"{n}份方案概况", lang))


def _level(level: object, lang: str) -> str:
    lv = levels.level(str(level))
    return (lv.zh if lv else str(level)) if lang == "zh" else str(level)


def _group_colors(groups: list[str]) -> dict[str, str]:
    # not the plans' Okabe-Ito colours: a group must not look like a plan
    out = {g: QUALITATIVE[i % len(QUALITATIVE)] for i, g in enumerate(groups)}
    out["no_group"] = "#dddddd"
    return out


# --------------------------------------------------------------- coverage
#: Up to this many plans the three coverage panels sit side by side; beyond, they are stacked.
COVERAGE_SIDE_BY_SIDE = 6


def _pct1(v: float) -> str:
    """Percent with one decimal for a cell that also shows its interval ('15.7%')."""
    return "0" if v == 0 else f"{100 * v:.1f}%"


def _pct_bounds(lo: float, hi: float) -> str:
    """'[4–30]': an interval in percent without the sign, whole percent unless the upper end is below 10%."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    d = 0 if 100 * hi >= 9.95 else 1
    return f"[{100 * lo:.{d}f}–{100 * hi:.{d}f}]"


def _rate_bounds(lo: float, hi: float) -> str:
    """'[12.6–40.5]': an interval of a rate, one decimal."""
    return interval_text(lo, hi, lambda v: f"{v:.1f}")


def _interval_cells(coverage: pd.DataFrame, col: str, fmt, groups: list[str], plans: list[str]) -> pd.DataFrame:
    """Group x plan strings ``fmt(lo, hi)`` of *col*'s interval columns (empty where the value is missing)."""
    lo = matrix(coverage, f"{col}_lo", index="group", columns="jurisdiction", index_order=groups, column_order=plans)
    hi = matrix(coverage, f"{col}_hi", index="group", columns="jurisdiction", index_order=groups, column_order=plans)
    val = matrix(coverage, col, index="group", columns="jurisdiction", index_order=groups, column_order=plans)
    out = pd.DataFrame("", index=val.index, columns=val.columns, dtype=object)
    for i in range(val.shape[0]):
        for j in range(val.shape[1]):
            if np.isfinite(val.iat[i, j]):
                out.iat[i, j] = fmt(lo.iat[i, j], hi.iat[i, j])
    return out


def coverage_heatmap(coverage: pd.DataFrame, lang: str | None = None,
                     documents: pd.DataFrame | None = None, intervals: bool | None = None) -> Figure:
    """Target group x plan, three panels: dedicated actions, share of operative text, mentions per 10,000 chars.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`analysis.compare.group_coverage`.
    lang : {"en", "zh"}, optional
        Label language (default: the current one).
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    intervals : bool, optional
        Write each cell's 95% interval under its value (smaller) in the
        share and rate panels.  Default: when the table has
        ``text_share_lo/hi`` and ``mentions_per_10k_lo/hi``.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *coverage*.

    Notes
    -----
    A group the plan has no line for is grey, hatched and marked 'no line' in
    the first two panels; in the third, 0 means the plan never names the
    group.  Up to :data:`COVERAGE_SIDE_BY_SIDE` plans the panels sit side by
    side, beyond it they are stacked, so cells stay legible for any number of plans.
    """
    with style.styled(lang) as lang:
        title = style.tr("Target-group coverage: three measures", "重点人群覆盖：三种度量", lang)
        if coverage is None or coverage.empty:
            return empty_figure(title, coverage, lang)
        groups = list(dict.fromkeys(coverage["group"]))
        plans = plan_order(coverage["jurisdiction"])
        have = {"text_share_lo", "text_share_hi", "mentions_per_10k_lo", "mentions_per_10k_hi"} <= set(coverage)
        intervals = have if intervals is None else (bool(intervals) and have)
        glabels = style.group_labels(lang)
        ylabels = [glabels.get(g, g) for g in groups]
        xlabels = plan_ticks(plans, lang, documents)
        panels = [("dedicated_actions", style.tr("Dedicated actions", "专项行动数", lang), lambda v: f"{v:.0f}", None),
                  ("text_share", style.tr("Share of operative text", "占执行部分篇幅", lang),
                   _pct1 if intervals else pct, _pct_bounds),
                  ("mentions_per_10k", style.tr("Mentions per 10,000 chars", "每万字提及次数", lang),
                   lambda v: f"{v:.1f}", _rate_bounds)]
        n = len(plans)
        side = n <= COVERAGE_SIDE_BY_SIDE
        col_w = 0.62 if intervals else 0.45
        row_h = 0.36 if intervals else 0.3
        if side:
            figsize = (max(8.6, 1.7 + 3 * col_w * n), max(3.9, 1.9 + row_h * len(groups)))
            fig, axes = plt.subplots(1, 3, figsize=figsize, sharey=True)
        else:
            figsize = (max(6.0, 2.4 + col_w * n), 3 * (0.8 + row_h * len(groups)) + 1.6)
            fig, axes = plt.subplots(3, 1, figsize=figsize, sharex=True)
        for k, (ax, (col, title_p, fmt, bound)) in enumerate(zip(axes, panels)):
            m = matrix(coverage, col, index="group", columns="jurisdiction", index_order=groups,
                       column_order=plans)
            sub = _interval_cells(coverage, col, bound, groups, plans) if intervals and bound else None
            im = heatmap(ax, m, xlabels, ylabels, fmt=fmt, vmin=0, missing=style.tr("no line", "未设", lang),
                         subannot=sub)
            ax.set_title(title_p)
            if side or k == 2:
                slant_xticks(ax, 40)
            cb = fig.colorbar(im, ax=ax, orientation="horizontal" if side else "vertical", fraction=0.05,
                              pad=0.02, aspect=25 if side else 12, shrink=1.0 if side else 0.8)
            cb.ax.tick_params(labelsize=7)
            if col == "text_share":
                percent_axis((cb.ax.xaxis if side else cb.ax.yaxis))
        fig.legend(handles=[missing_patch(style.tr("no dedicated line for this group in the plan",
                                                   "方案未设该人群专项", lang))],
                   loc="outside lower center", frameon=False)
        note = style.tr(
            "Share of operative text: characters of the group's own "
            "actions / the plan's operative characters"
            + ("; [ ] 95% bootstrap interval over the plan's actions (percent)" if intervals else "")
            + ". Mentions: the group's terms anywhere in the operative text"
            + ("; [ ] exact Poisson 95% interval (mentions cluster, so it is a lower bound on the uncertainty)"
               if intervals else "") + f". {n} plan{'s' if n != 1 else ''}.",
            "篇幅占比：该人群专项行动字数/方案执行部分字数"
            + ("；[ ] 为按行动自助抽样的95%区间（百分比）" if intervals else "")
            + "。提及：执行部分中该人群称谓出现次数" + ("；[ ] 为精确泊松95%区间（提及成簇出现，故为不确定性的下限）"
                                                   if intervals else "") + f"。共{n}份方案。", lang)
        return finish(fig, coverage, title, note)


# -------------------------------------------------------------- workloads
def department_workload_heatmap(workload: pd.DataFrame, collective: pd.DataFrame | None = None,
                                lang: str | None = None, documents: pd.DataFrame | None = None,
                                top: int | None = None) -> Figure:
    """Department category x plan: actions carried (share of the plan's assigned actions, count in the cell)
    and weighted load share, with collective assignments ('all responsible units') in a strip below.

    *workload* is :func:`analysis.compare.department_workload` (category
    level), *collective* :func:`analysis.compare.collective_assignments`.  A
    plan that assigns no departments is one grey hatched column labelled
    'not assigned'.  *top* keeps the heaviest categories only.
    """
    with style.styled(lang) as lang:
        cats = list(dict.fromkeys(workload["category"]))[:top] if top else list(dict.fromkeys(workload["category"]))
        plans = plan_order(workload["jurisdiction"])
        clabels = style.category_labels(lang)
        ylabels = [clabels.get(c, c) for c in cats]
        xlabels = plan_ticks(plans, lang, documents)
        share = matrix(workload, "share", index="category", columns="jurisdiction", index_order=cats,
                       column_order=plans)
        count = matrix(workload, "actions", index="category", columns="jurisdiction", index_order=cats,
                       column_order=plans)
        load = matrix(workload, "load_share", index="category", columns="jurisdiction", index_order=cats,
                      column_order=plans)
        annot = count.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
        n_coll = 0 if collective is None else collective["category"].nunique()
        height = 1.2 + 0.2 * len(cats) + (0.45 + 0.2 * n_coll if n_coll else 0)
        fig = plt.figure(figsize=(8.0, height))
        gs = fig.add_gridspec(2 if n_coll else 1, 2, height_ratios=[len(cats), n_coll + 0.6] if n_coll else [1])
        ax1 = fig.add_subplot(gs[0, 0])
        ax2 = fig.add_subplot(gs[0, 1], sharey=ax1)
        na = style.tr("not assigned: the plan names no departments", "未分工：方案未明确责任部门", lang)
        im1 = heatmap(ax1, share, xlabels, ylabels, annot=annot, vmin=0, vmax=1, missing_column=na)
        im2 = heatmap(ax2, load, xlabels, ylabels, fmt=small_pct, vmin=0, missing_column=na)
        ax1.set_title(style.tr("Actions carried\n(colour: share of assigned actions)",
                               "承担行动数\n（颜色：占已分工行动比例）", lang))
        ax2.set_title(style.tr("Weighted load\n(1/k per action shared by k)", "加权工作量占比\n（k个部门共担记1/k）", lang))
        ax2.tick_params(axis="y", labelleft=False)
        for ax, im in ((ax1, im1), (ax2, im2)):
            ax.xaxis.tick_top()
            # vertical plan names: a slanted last name would overhang into the colour bar's place
            ax.tick_params(axis="x", labelrotation=90)
            for t in ax.get_xticklabels():
                t.set_horizontalalignment("left")
                t.set_verticalalignment("center")
                t.set_rotation_mode("anchor")
        for ax, im, label in ((ax1, im1, style.tr("share of assigned actions", "占已分工行动比例", lang)),
                              (ax2, im2, style.tr("share of weighted load", "加权工作量占比", lang))):
            cb = fig.colorbar(im, ax=ax, location="right", shrink=min(0.6, 12 / max(len(cats), 1)), aspect=15,
                              fraction=0.04, pad=0.03)
            percent_axis(cb.ax.yaxis)
            cb.set_label(label, fontsize=8)
        fig.legend(handles=[missing_patch(na)], loc="outside lower center", frameon=False)
        data = {"workload": workload}
        if n_coll:
            ccats = sorted(collective["category"].unique())
            csh = matrix(collective, "share", index="category", columns="jurisdiction", index_order=ccats,
                         column_order=plans)
            cnt = matrix(collective, "actions", index="category", columns="jurisdiction", index_order=ccats,
                         column_order=plans)
            cann = cnt.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
            axc = fig.add_subplot(gs[1, 0])
            heatmap(axc, csh, xlabels, [clabels.get(c, c) for c in ccats], annot=cann, vmin=0, vmax=1,
                    missing="n/a")
            axc.tick_params(axis="x", labelbottom=False)
            axc.set_title(style.tr("Collective assignments (share of all actions)", "笼统分工（占全部行动）", lang),
                          fontsize=9)
            data["collective"] = collective
        return finish(fig, data, style.tr("Which departments carry the actions", "各部门承担的行动", lang))


#: Line width (points) of the lightest and of the heaviest co-assignment in :func:`department_network`.
NETWORK_MIN_LW, NETWORK_MAX_LW = 0.3, 3.5
#: Node area (points²) of a category absent from the plan / per unit share of the plan's weighted load.
NETWORK_NODE_BASE, NETWORK_NODE_SCALE = 10.0, 900.0


def _edge_width(weight: float, wmax: float) -> float:
    return NETWORK_MIN_LW + (NETWORK_MAX_LW - NETWORK_MIN_LW) * weight / wmax


def _edge_alpha(weight: float, wmax: float) -> float:
    return 0.25 + 0.6 * weight / wmax


def _node_size(share: float) -> float:
    return NETWORK_NODE_BASE + NETWORK_NODE_SCALE * share


def _reference_weights(wmax: float) -> list[int]:
    """Two or three round reference counts for the line-width key, ending at the largest weight."""
    wmax = int(round(wmax))
    if wmax <= 1:
        return [1]
    mid = int(round(wmax / 2))
    return sorted({1, mid, wmax}) if wmax >= 4 else sorted({1, wmax})


def department_network(graphs: dict[str, nx.Graph], lang: str | None = None,
                       documents: pd.DataFrame | None = None, top: int = 12, max_cols: int | None = None) -> Figure:
    """One panel per plan: the *top* department categories (by weighted load over all plans) on a circle,
    joined when the plan names them on the same actions.

    Parameters
    ----------
    graphs : dict of str to networkx.Graph
        Each plan's :func:`analysis.compare.coassignment_graph`.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    top : int
        Categories drawn (the same in every panel).
    max_cols : int, optional
        Panels per row (default 3, or 4 beyond eight plans); a key panel follows the plans.

    Returns
    -------
    Figure
        ``fig.analysis_data``: one row per thing drawn, ``jurisdiction, kind
        ("edge", "node" or "plan" for a not-assigned panel), source, target,
        value`` (edge: shared actions; node: share of the plan's weighted
        load), ``linewidth`` (edges, points) and ``size`` (nodes, points²).
        ``analysis_data.attrs["scale"]`` holds the one scale of every panel:
        ``max_weight``, ``min_linewidth``, ``max_linewidth``, the reference
        widths of the key (``line_key``: ``[(weight, linewidth)]``) and node
        sizes (``node_key``: ``[(share, size)]``).

    Notes
    -----
    Every category sits at the same place in every panel, and line width and
    darkness follow one scale across the panels: the thickest line of the
    figure is the largest number of shared actions of any drawn pair in any
    plan, so a thin line means the same in every plan.  Node area is the
    category's share of the plan's weighted load (a hollow ring: the plan
    does not name it).  A plan that assigns no departments gets a grey 'not
    assigned' panel.
    """
    with style.styled(lang) as lang:
        title = style.tr("Who works with whom: co-assignment networks", "部门协同网络（共同承担行动）", lang)
        columns = ["jurisdiction", "kind", "source", "target", "value", "linewidth", "size"]
        plans = plan_order(graphs)
        if not plans:
            data = pd.DataFrame(columns=columns)
            data.attrs["scale"] = {}
            return empty_figure(title, data, lang)
        clabels = style.category_labels(lang, short=True)
        load: dict[str, float] = {}
        for g in graphs.values():
            for n, d in g.nodes(data=True):
                load[n] = load.get(n, 0.0) + d.get("load", 0.0)
        nodes = sorted(load, key=lambda n: (-round(load[n], 9), n))[:top]
        ang = {n: math.pi / 2 - 2 * math.pi * i / max(len(nodes), 1) for i, n in enumerate(nodes)}
        pos = {n: (math.cos(a), math.sin(a)) for n, a in ang.items()}
        # one scale for every panel: the heaviest drawn pair of any plan is the thickest line
        weights = [float(d["weight"]) for g in graphs.values() for _, _, d in g.subgraph(nodes).edges(data=True)]
        wmax = max(weights) if weights else 1.0
        ref_w = _reference_weights(wmax)
        ref_s = [0.05, 0.2, 0.4]
        scale = {"max_weight": wmax, "min_linewidth": NETWORK_MIN_LW, "max_linewidth": NETWORK_MAX_LW,
                 "line_key": [(float(w), _edge_width(w, wmax)) for w in ref_w],
                 "node_key": [(sh, _node_size(sh)) for sh in ref_s]}
        ncols = max_cols or (3 if len(plans) <= 8 else 4)
        nrows = math.ceil((len(plans) + 1) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.8 * ncols, 2.5 * nrows), squeeze=False)
        axes = axes.ravel()
        names = dict(zip(plans, plan_ticks(plans, lang, documents)))
        rows = []
        for ax, j in zip(axes, plans):
            g = graphs[j]
            ax.set_title(names[j])
            ax.set_aspect("equal")
            ax.axis("off")
            ax.set_xlim(-2.1, 2.1)
            ax.set_ylim(-1.35, 1.4)
            if not g.graph.get("assigned", g.number_of_nodes() > 0):
                ax.add_patch(Rectangle((-1.5, -0.5), 3.0, 1.0, facecolor=style.MISSING_FACE,
                                       edgecolor=style.MISSING_EDGE, hatch=style.MISSING_HATCH, linewidth=0.8))
                ax.text(0, 0, style.tr("not assigned:\nno departments named", "未分工：\n未明确责任部门", lang),
                        ha="center", va="center", fontsize=8.5,
                        bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none"})
                rows.append({"jurisdiction": j, "kind": "plan", "source": "", "target": "", "value": np.nan,
                             "linewidth": np.nan, "size": np.nan})
                continue
            sub = g.subgraph(nodes)
            for u, v, d in sorted(sub.edges(data=True), key=lambda e: (e[2]["weight"], e[0], e[1])):
                (x1, y1), (x2, y2) = pos[u], pos[v]
                w = float(d["weight"])
                lw = _edge_width(w, wmax)
                ax.plot([x1, x2], [y1, y2], color=style.plan_color(j), alpha=_edge_alpha(w, wmax),
                        linewidth=lw, solid_capstyle="round", zorder=1)
                rows.append({"jurisdiction": j, "kind": "edge", "source": u, "target": v, "value": w,
                             "linewidth": lw, "size": np.nan})
            total = sum(d["load"] for _, d in g.nodes(data=True)) or 1.0
            for n in nodes:
                x, y = pos[n]
                size = 14.0
                if n in g:
                    share = g.nodes[n]["load"] / total
                    size = _node_size(share)
                    ax.scatter([x], [y], s=size, color=style.plan_color(j), edgecolor="black", linewidth=0.5,
                               zorder=3)
                    rows.append({"jurisdiction": j, "kind": "node", "source": n, "target": "", "value": share,
                                 "linewidth": np.nan, "size": size})
                else:
                    ax.scatter([x], [y], s=size, facecolor="white", edgecolor="#777777", linewidth=0.7, zorder=3)
                off = math.sqrt(size) / 2 + 3  # points from the node's edge, whatever its size
                ax.annotate(clabels.get(n, n), (x, y), xytext=(off * x, off * y), textcoords="offset points",
                            fontsize=6.5, zorder=4, ha="left" if x > 0.1 else ("right" if x < -0.1 else "center"),
                            va="bottom" if y > 0.1 else ("top" if y < -0.1 else "center"))
        for ax in axes[len(plans):]:
            ax.axis("off")
        _network_key(axes[len(plans)], len(nodes), scale, lang)
        data = pd.DataFrame(rows, columns=columns)
        data.attrs["scale"] = scale
        note = style.tr(
            "Named departments only (collective 'all units' rows left out), actions only. "
            f"Line width and darkness: one scale in every panel, thickest = {wmax:.0f} shared actions.",
            "仅计具名部门（不含“各责任单位”等笼统分工），仅计行动。"
            f"连线粗细与深浅在各面板使用同一标尺，最粗 = {wmax:.0f}个共同行动。", lang)
        return finish(fig, data, title, note)


def _network_key(ax, n_nodes: int, scale: dict, lang: str) -> None:
    """The key panel of :func:`department_network`: what node area and line width mean, with reference sizes."""
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.0, 1.0, style.tr(
        f"The {n_nodes} department categories with the\nmost weighted load over all plans;\n"
        "ring: not named by the plan.",
        f"全部方案中加权工作量最大的{n_nodes}类部门；\n空心圆：本方案未涉及。", lang),
        va="top", ha="left", fontsize=7.5, transform=ax.transAxes)
    ax.text(0.0, 0.72, style.tr("Line width: actions the two are\nnamed on together (same scale in all panels)",
                                "连线粗细：两类部门共同承担的行动数\n（各面板同一标尺）", lang),
            va="top", ha="left", fontsize=7.5, transform=ax.transAxes)
    keys = scale["line_key"]
    for i, (w, lw) in enumerate(keys):
        y = 0.53 - 0.075 * i
        ax.plot([0.02, 0.22], [y, y], color="#444444", linewidth=lw, alpha=_edge_alpha(w, scale["max_weight"]),
                solid_capstyle="round", transform=ax.transAxes, clip_on=False)
        ax.text(0.27, y, style.tr(f"{w:.0f} action{'s' if w != 1 else ''}", f"{w:.0f}个行动", lang), va="center",
                fontsize=7, transform=ax.transAxes)
    ax.text(0.0, 0.29, style.tr("Node area: share of the plan's\nweighted load", "节点面积：占本方案加权工作量的比例", lang),
            va="top", ha="left", fontsize=7.5, transform=ax.transAxes)
    for i, (sh, size) in enumerate(scale["node_key"]):
        x = 0.10 + 0.3 * i
        ax.scatter([x], [0.08], s=size, color="#999999", edgecolor="black", linewidth=0.5, transform=ax.transAxes,
                   clip_on=False)
        ax.text(x + 0.045 + 0.004 * math.sqrt(size), 0.08, f"{100 * sh:.0f}%", va="center", fontsize=7,
                transform=ax.transAxes)


# ---------------------------------------------------------- measurability
def measurability(summary: pd.DataFrame, by_unit: pd.DataFrame, lang: str | None = None,
                  documents: pd.DataFrame | None = None, intervals: bool | None = None) -> Figure:
    """Left: share of each plan's actions with a quantified commitment (k of n written beside the bar), with
    its 95% Wilson interval.  Right: the plan's quantified commitments by kind of unit.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`analysis.compare.measurability`.
    by_unit : pandas.DataFrame
        :func:`analysis.compare.measurability_by_unit`.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    intervals : bool, optional
        Draw the interval of each share as an error bar; default: when
        *summary* has ``share_lo`` and ``share_hi``.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"summary", "by_unit", "intervals"}``;
        ``intervals`` holds ``jurisdiction, share, lo, hi`` as drawn (empty
        without intervals).
    """
    with style.styled(lang) as lang:
        title = style.tr("How measurable are the plans?", "方案的可量化程度", lang)
        empty_iv = pd.DataFrame(columns=["jurisdiction", "share", "lo", "hi"])
        if summary is None or summary.empty:
            return empty_figure(title, {"summary": summary, "by_unit": by_unit, "intervals": empty_iv}, lang)
        s = summary.set_index("jurisdiction").loc[plan_order(summary["jurisdiction"])]
        plans = list(s.index)
        have = {"share_lo", "share_hi"} <= set(s.columns)
        intervals = have if intervals is None else (bool(intervals) and have)
        ticks = plan_ticks(plans, lang, documents)
        y = np.arange(len(plans))
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.4, max(2.9, 1.3 + 0.32 * len(plans))), sharey=True)
        share = s["share_measurable"].to_numpy(float)
        ax1.barh(y, share, color=[style.plan_color(j) for j in plans])
        right = share.copy()
        iv = empty_iv
        if intervals:
            lo, hi = s["share_lo"].to_numpy(float), s["share_hi"].to_numpy(float)
            err = np.vstack([np.clip(share - lo, 0, None), np.clip(hi - share, 0, None)])
            ax1.errorbar(share, y, xerr=err, fmt="none", ecolor="#333333", elinewidth=0.9, capsize=2.5,
                         capthick=0.9, zorder=3)
            right = np.fmax(share, hi)
            iv = pd.DataFrame({"jurisdiction": plans, "share": share, "lo": lo, "hi": hi})
        for yi, (v, k, n) in enumerate(zip(right, s["n_measurable"], s["n_actions"])):
            ax1.text((0 if np.isnan(v) else v) + 0.008, yi, style.tr(f"{k} of {n}", f"{k}/{n}", lang),
                     va="center", fontsize=ANNOT_SIZE)
        finite = right[np.isfinite(right)]
        ax1.set_xlim(0, max(0.05, float(finite.max()) if finite.size else 0.0) * 1.35)
        percent_axis(ax1.xaxis)
        ax1.set_title(style.tr("Actions with a quantified commitment", "含量化指标的行动占比", lang))
        ax1.set_yticks(y, ticks)
        ax1.invert_yaxis()
        bu = by_unit if by_unit is not None else pd.DataFrame(columns=["jurisdiction", "unit_class", "n_targets"])
        classes = [c for c in unit_class_order() if c in set(bu["unit_class"])]
        m = (matrix(bu, "n_targets", index="jurisdiction", columns="unit_class", index_order=plans,
                    column_order=classes).fillna(0.0) if classes else pd.DataFrame(index=plans))
        colors = QUALITATIVE  # not the plans' colours: a unit must not look like a plan
        names = _unit_names(lang)
        left = np.zeros(len(plans))
        for c, col in zip(classes, colors):
            v = m[c].to_numpy(float)
            ax2.barh(y, v, left=left, color=col, label=names.get(c, c), edgecolor="white", linewidth=0.5)
            left += v
        for yi, tot in enumerate(left):
            ax2.text(tot + 0.15, yi, f"{tot:.0f}", va="center", fontsize=ANNOT_SIZE)
        ax2.set_xlim(0, max(left.max() if len(left) else 0, 1) * 1.15)
        ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_title(style.tr("Quantified commitments by unit", "量化指标（按单位类型）", lang))
        ax2.set_xlabel(style.tr("number of commitments", "指标数", lang))
        handles, labels = ax2.get_legend_handles_labels()
        used = [i for i, c in enumerate(classes) if m[c].sum() > 0]
        if used:
            fig.legend([handles[i] for i in used], [labels[i] for i in used], loc="outside lower center",
                       ncol=len(used), frameon=False, fontsize=7.5)
        for a in (ax1, ax2):
            a.tick_params(axis="y", length=0)
        note = style.tr(
            "Actions only (safeguards left out)"
            + ("; whiskers: 95% Wilson interval of the share" if intervals else "") + ".",
            "仅计行动（不含保障措施）" + ("；误差线：占比的95% Wilson区间" if intervals else "")
            + "。", lang)
        return finish(fig, {"summary": summary, "by_unit": by_unit, "intervals": iv}, title, note)


def _unit_names(lang: str) -> dict[str, str]:
    names = {u.id: (u.zh if lang == "zh" else u.en) for u in load_codebook().unit_classes}
    names["other"] = style.tr("other", "其他", lang)
    return names


__all__ = ["corpus_overview", "coverage_heatmap", "department_workload_heatmap", "department_network",
           "measurability"]
