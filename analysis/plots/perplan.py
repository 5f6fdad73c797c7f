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

from analysis.coding.codebook import load_codebook
from analysis.corpus import levels
from analysis.plots import style
from analysis.plots.kit import (ANNOT_SIZE, QUALITATIVE, finish, heatmap, missing_patch, pct, percent_axis, plan_ticks,
                       slant_xticks, small_pct)
from analysis.compare.coverage import UNIT_CLASS_ORDER
from analysis.compare.tables import matrix, plan_order

# --------------------------------------------------------------- overview
def corpus_overview(overview: pd.DataFrame, lang: str | None = None,
                    documents: pd.DataFrame | None = None) -> Figure:
    """Three panels per plan: actions and safeguards; operative text length; actions per group line.

    *overview* is :func:`analysis.compare.corpus_overview`.  Plan labels carry
    the administrative level and the year of issue.
    """
    with style.styled(lang) as lang:
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
        return finish(fig, overview, style.tr("The five plans at a glance", "五份方案概况", lang))


def _level(level: object, lang: str) -> str:
    lv = levels.level(str(level))
    return (lv.zh if lv else str(level)) if lang == "zh" else str(level)


def _group_colors(groups: list[str]) -> dict[str, str]:
    # not the plans' Okabe-Ito colours: a group must not look like a plan
    out = {g: QUALITATIVE[i % len(QUALITATIVE)] for i, g in enumerate(groups)}
    out["no_group"] = "#dddddd"
    return out


# --------------------------------------------------------------- coverage
def coverage_heatmap(coverage: pd.DataFrame, lang: str | None = None,
                     documents: pd.DataFrame | None = None) -> Figure:
    """Target group x plan, three panels: dedicated actions, share of operative text, mentions per 10,000 chars.

    *coverage* is :func:`analysis.compare.group_coverage`.  A group the plan
    has no line for is grey, hatched and marked 'no line' in the first two
    panels; in the third, 0 means the plan never names the group.
    """
    with style.styled(lang) as lang:
        groups = list(dict.fromkeys(coverage["group"]))
        plans = plan_order(coverage["jurisdiction"])
        glabels = style.group_labels(lang)
        ylabels = [glabels.get(g, g) for g in groups]
        xlabels = plan_ticks(plans, lang, documents)
        panels = [("dedicated_actions", style.tr("Dedicated actions", "专项行动数", lang), lambda v: f"{v:.0f}"),
                  ("text_share", style.tr("Share of operative text", "占执行部分篇幅", lang), pct),
                  ("mentions_per_10k", style.tr("Mentions per 10,000 chars", "每万字提及次数", lang),
                   lambda v: f"{v:.1f}")]
        fig, axes = plt.subplots(1, 3, figsize=(8.6, 3.9), sharey=True)
        for ax, (col, title, fmt) in zip(axes, panels):
            m = matrix(coverage, col, index="group", columns="jurisdiction", index_order=groups,
                       column_order=plans)
            im = heatmap(ax, m, xlabels, ylabels, fmt=fmt, vmin=0, missing=style.tr("no line", "未设", lang))
            ax.set_title(title)
            slant_xticks(ax, 40)
            cb = fig.colorbar(im, ax=ax, orientation="horizontal", fraction=0.05, pad=0.02, aspect=25)
            cb.ax.tick_params(labelsize=7)
            if col == "text_share":
                percent_axis(cb.ax.xaxis)
        fig.legend(handles=[missing_patch(style.tr("no dedicated line for this group in the plan",
                                                   "方案未设该人群专项", lang))],
                   loc="outside lower center", frameon=False)
        return finish(fig, coverage, style.tr("Target-group coverage: three measures",
                                              "重点人群覆盖：三种度量", lang))


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


def department_network(graphs: dict[str, nx.Graph], lang: str | None = None,
                       documents: pd.DataFrame | None = None, top: int = 12) -> Figure:
    """One panel per plan: the *top* department categories (by weighted load over all plans) on a circle,
    joined when the plan names them on the same actions.

    *graphs* maps each plan to :func:`analysis.compare.coassignment_graph`.
    Every category sits at the same place in every panel, so panels compare at
    a glance; node area is the category's weighted load in that plan (a hollow
    ring: the plan does not name it), line width and darkness the number of
    actions the two share.  A plan that assigns no departments gets a grey
    'not assigned' panel.  ``fig.analysis_data`` holds the nodes and edges drawn.
    """
    with style.styled(lang) as lang:
        plans = plan_order(graphs)
        clabels = style.category_labels(lang, short=True)
        load: dict[str, float] = {}
        for g in graphs.values():
            for n, d in g.nodes(data=True):
                load[n] = load.get(n, 0.0) + d.get("load", 0.0)
        nodes = sorted(load, key=lambda n: (-round(load[n], 9), n))[:top]
        ang = {n: math.pi / 2 - 2 * math.pi * i / max(len(nodes), 1) for i, n in enumerate(nodes)}
        pos = {n: (math.cos(a), math.sin(a)) for n, a in ang.items()}
        ncols = 3
        nrows = math.ceil((len(plans) + 1) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(8.4, 2.5 * nrows))
        axes = np.atleast_1d(axes).ravel()
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
                rows.append({"jurisdiction": j, "kind": "plan", "source": "", "target": "", "value": np.nan})
                continue
            sub = g.subgraph(nodes)
            wmax = max([d["weight"] for _, _, d in sub.edges(data=True)] or [1])
            for u, v, d in sorted(sub.edges(data=True), key=lambda e: (e[2]["weight"], e[0], e[1])):
                (x1, y1), (x2, y2) = pos[u], pos[v]
                ax.plot([x1, x2], [y1, y2], color=style.plan_color(j), alpha=0.15 + 0.65 * d["weight"] / wmax,
                        linewidth=0.3 + 3.2 * d["weight"] / wmax, solid_capstyle="round", zorder=1)
                rows.append({"jurisdiction": j, "kind": "edge", "source": u, "target": v,
                             "value": float(d["weight"])})
            total = sum(d["load"] for _, d in g.nodes(data=True)) or 1.0
            for n in nodes:
                x, y = pos[n]
                size = 14.0
                if n in g:
                    share = g.nodes[n]["load"] / total
                    size = 10 + 900 * share
                    ax.scatter([x], [y], s=size, color=style.plan_color(j), edgecolor="black", linewidth=0.5,
                               zorder=3)
                    rows.append({"jurisdiction": j, "kind": "node", "source": n, "target": "", "value": share})
                else:
                    ax.scatter([x], [y], s=size, facecolor="white", edgecolor="#777777", linewidth=0.7, zorder=3)
                off = math.sqrt(size) / 2 + 3  # points from the node's edge, whatever its size
                ax.annotate(clabels.get(n, n), (x, y), xytext=(off * x, off * y), textcoords="offset points",
                            fontsize=6.5, zorder=4, ha="left" if x > 0.1 else ("right" if x < -0.1 else "center"),
                            va="bottom" if y > 0.1 else ("top" if y < -0.1 else "center"))
        for ax in axes[len(plans):]:
            ax.axis("off")
        axes[len(plans)].text(0.02, 0.5, style.tr(
            f"The {len(nodes)} department categories\nwith the most weighted load\nover all plans.\n\n"
            "Node area: the category's share\nof the plan's weighted load\n(ring: not named by the plan).\n"
            "Line: named together on the\nsame actions (width = number\nof shared actions).",
            f"全部方案中加权工作量最大的\n{len(nodes)}类部门。\n\n节点面积：该类部门在本方案\n加权工作量中的占比\n"
            "（空心圆：本方案未涉及）。\n连线：共同承担同一行动\n（粗细 = 共同行动数）。", lang),
            transform=axes[len(plans)].transAxes, va="center", fontsize=8)
        data = pd.DataFrame(rows, columns=["jurisdiction", "kind", "source", "target", "value"])
        return finish(fig, data, style.tr("Who works with whom: co-assignment networks",
                                          "部门协同网络（共同承担行动）", lang))


# ---------------------------------------------------------- measurability
def measurability(summary: pd.DataFrame, by_unit: pd.DataFrame, lang: str | None = None,
                  documents: pd.DataFrame | None = None) -> Figure:
    """Left: share of each plan's actions with a quantified commitment (k of n written on the bar).
    Right: the plan's quantified commitments by kind of unit.

    *summary* is :func:`analysis.compare.measurability`, *by_unit*
    :func:`analysis.compare.measurability_by_unit`.
    """
    with style.styled(lang) as lang:
        s = summary.set_index("jurisdiction").loc[plan_order(summary["jurisdiction"])]
        plans = list(s.index)
        ticks = plan_ticks(plans, lang, documents)
        y = np.arange(len(plans))
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.4, 2.9), sharey=True)
        ax1.barh(y, s["share_measurable"], color=[style.plan_color(j) for j in plans])
        for yi, (v, k, n) in enumerate(zip(s["share_measurable"], s["n_measurable"], s["n_actions"])):
            ax1.text(v + 0.005, yi, style.tr(f"{k} of {n}", f"{k}/{n}", lang), va="center", fontsize=ANNOT_SIZE)
        ax1.set_xlim(0, max(0.05, float(s["share_measurable"].max())) * 1.35)
        percent_axis(ax1.xaxis)
        ax1.set_title(style.tr("Actions with a quantified commitment", "含量化指标的行动占比", lang))
        ax1.set_yticks(y, ticks)
        ax1.invert_yaxis()
        classes = [c for c in UNIT_CLASS_ORDER if c in set(by_unit["unit_class"])]
        m = matrix(by_unit, "n_targets", index="jurisdiction", columns="unit_class", index_order=plans,
                   column_order=classes)
        colors = QUALITATIVE  # not the plans' colours: a unit must not look like a plan
        names = _unit_names(lang)
        left = np.zeros(len(plans))
        for c, col in zip(classes, colors):
            v = m[c].to_numpy(float)
            ax2.barh(y, v, left=left, color=col, label=names.get(c, c), edgecolor="white", linewidth=0.5)
            left += v
        for yi, tot in enumerate(left):
            ax2.text(tot + 0.15, yi, f"{tot:.0f}", va="center", fontsize=ANNOT_SIZE)
        ax2.set_xlim(0, max(left.max(), 1) * 1.15)
        ax2.set_title(style.tr("Quantified commitments by unit", "量化指标（按单位类型）", lang))
        ax2.set_xlabel(style.tr("number of commitments", "指标数", lang))
        handles, labels = ax2.get_legend_handles_labels()
        used = [i for i, c in enumerate(classes) if m[c].sum() > 0]
        fig.legend([handles[i] for i in used], [labels[i] for i in used], loc="outside lower center",
                   ncol=len(used), frameon=False, fontsize=7.5)
        for a in (ax1, ax2):
            a.tick_params(axis="y", length=0)
        return finish(fig, {"summary": summary, "by_unit": by_unit},
                      style.tr("How measurable are the plans?", "方案的可量化程度", lang))


def _unit_names(lang: str) -> dict[str, str]:
    names = {u.id: (u.zh if lang == "zh" else u.en) for u in load_codebook().unit_classes}
    names["other"] = style.tr("other", "其他", lang)
    return names


__all__ = ["corpus_overview", "coverage_heatmap", "department_workload_heatmap", "department_network",
           "measurability"]
