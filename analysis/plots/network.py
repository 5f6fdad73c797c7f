"""The department co-assignment networks: one panel per plan, drawn with matplotlib.

A network is the one chart left to matplotlib alone: nodes on a fixed circle,
lines whose width and darkness follow one scale across the panels, and a key
panel of reference sizes are simpler to draw directly than to map onto
seaborn's marks.  Same contract as every chart: the tables of
:mod:`analysis.compare` in, one titled Figure out, the data drawn attached as
``fig.analysis_data``.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.compare.tables import plan_order
from analysis.plots import style
from analysis.plots.kit import empty_figure, finish, label, labels, plan_ticks

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
        clabels = labels(style.category_labels(lang, short=True))
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
                ax.annotate(clabels.get(n, label(n)), (x, y), xytext=(off * x, off * y), textcoords="offset points",
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


__all__ = ["NETWORK_MIN_LW", "NETWORK_MAX_LW", "NETWORK_NODE_BASE", "NETWORK_NODE_SCALE", "department_network"]
