"""Charts across plans: clusters, the action map, plan similarity, text reuse, distinctive terms.

Same contract as :mod:`analysis.plots`: tidy tables in (from
:mod:`analysis.compare.crossplan`), one Figure out, titled, with the data drawn
attached as ``fig.analysis_data``.  Cluster labels, terms and passages are
Chinese in both languages -- they are the plans' own words.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.plots import style
from analysis.plots.kit import ANNOT_SIZE, finish, heatmap, pct, percent_axis, plan_ticks, slant_xticks
from analysis.compare.tables import matrix, plan_order


def _scope_text(row: pd.Series, names: dict[str, str], n_all: int, lang: str) -> str:
    if row["shared_by_all"]:
        return style.tr(f"all {n_all} plans", f"全部{n_all}份", lang)
    if row["unique_to"]:
        return style.tr(f"only {names.get(row['unique_to'], row['unique_to'])}",
                        f"仅{names.get(row['unique_to'], row['unique_to'])}", lang)
    return style.tr(f"{row['n_plans']} plans", f"{row['n_plans']}份", lang)


def cluster_composition(composition: pd.DataFrame, spread: pd.DataFrame, lang: str | None = None,
                        documents: pd.DataFrame | None = None) -> Figure:
    """Cluster x plan heatmap of action counts, clusters ordered from most to least widely shared.

    *composition* is :func:`analysis.compare.cluster_composition`, *spread*
    :func:`analysis.compare.cluster_spread` (its row order is kept).  Each row
    is labelled with the cluster's number and c-TF-IDF terms, and on the right
    with its reach: all plans, some, or only one.  White cells: the plan has
    no action in the cluster.
    """
    with style.styled(lang) as lang:
        clusters = list(spread["cluster"])
        plans = plan_order(composition["jurisdiction"])
        names = style.plan_labels(documents, lang)
        m = matrix(composition, "n_actions", index="cluster", columns="jurisdiction", index_order=clusters,
                   column_order=plans)
        annot = m.map(lambda v: "" if v == 0 else f"{v:.0f}")
        ylabels = [f"{k}  {lab}" for k, lab in zip(spread["cluster"], spread["label"])]
        fig, ax = plt.subplots(figsize=(6.6, 1.3 + 0.24 * len(clusters)))
        im = heatmap(ax, m, plan_ticks(plans, lang, documents), ylabels, annot=annot, vmin=0, blank_zero=True)
        ax.xaxis.tick_top()
        slant_xticks(ax, 30, "left")
        for i, (_, row) in enumerate(spread.iterrows()):
            ax.text(len(plans) - 0.35, i, _scope_text(row, names, len(plans), lang), va="center", ha="left",
                    fontsize=ANNOT_SIZE, color="#222222" if row["shared_by_all"] or row["unique_to"] else "#666666")
        cb = fig.colorbar(im, ax=ax, location="bottom", shrink=0.5, aspect=30, pad=0.02)
        cb.set_label(style.tr("actions in the cluster", "聚类中的行动数", lang))
        ax.set_ylabel(style.tr("cluster (number and top terms)", "聚类（编号与关键词）", lang))
        return finish(fig, composition, style.tr("Clusters of similar actions across the plans",
                                                 "各方案相似行动的聚类", lang))


def cluster_map(points: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """2-D map of every clustered action (:func:`analysis.compare.action_map`): colour = cluster,
    marker = plan, each cluster's number at its median point, the cluster key on the right.

    Colours repeat after nine clusters (no palette keeps more apart for
    colour-blind readers); the numbers identify clusters unambiguously.
    """
    with style.styled(lang) as lang:
        clusters = sorted(points["cluster"].unique())
        colors = dict(zip(clusters, style.cluster_colors(len(clusters))))
        plans = plan_order(points["jurisdiction"])
        names = style.plan_labels(documents, lang)
        fig, (ax, key) = plt.subplots(1, 2, figsize=(8.4, 5.4), width_ratios=[2.3, 1])
        for j in plans:
            p = points[points["jurisdiction"] == j]
            ax.scatter(p["x"], p["y"], c=[colors[k] for k in p["cluster"]], marker=style.plan_marker(j), s=26,
                       edgecolor="white", linewidth=0.4, alpha=0.9)
        for k in clusters:
            p = points[points["cluster"] == k]
            ax.text(p["x"].median(), p["y"].median(), str(k), fontsize=7.5, ha="center", va="center",
                    color="black", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colors[k], "lw": 1.2,
                                         "alpha": 0.9})
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(style.tr("t-SNE dimension 1 (only nearness is meaningful)", "t-SNE 维度1（仅远近有意义）", lang))
        ax.set_ylabel(style.tr("t-SNE dimension 2", "t-SNE 维度2", lang))
        handles = [Line2D([], [], linestyle="", marker=style.plan_marker(j), color="#444444", markersize=6,
                          label=names.get(j, j)) for j in plans]
        ax.legend(handles=handles, title=style.tr("plan", "方案", lang), loc="best", frameon=True, framealpha=0.9)
        key.axis("off")
        labels = points.groupby("cluster")["label"].first()
        n = len(clusters)
        for i, k in enumerate(clusters):
            y = 1 - (i + 0.5) / max(n, 1)
            key.scatter([0.03], [y], s=40, color=colors[k], transform=key.transAxes, clip_on=False)
            key.text(0.08, y, f"{k}  {labels[k]}", transform=key.transAxes, va="center", fontsize=7.5)
        key.set_title(style.tr("clusters", "聚类", lang), loc="left")
        return finish(fig, points, style.tr("Map of all actions, coloured by cluster", "全部行动分布图（按聚类着色）", lang))


def jurisdiction_similarity(similarity: pd.DataFrame, lang: str | None = None,
                            documents: pd.DataFrame | None = None) -> Figure:
    """Plan x plan heatmap of :func:`analysis.compare.similarity_matrix` (the diagonal, a plan with itself,
    is left grey).

    With the build's ``mean_best_similarity`` a row reads: on average, how
    close each of this plan's actions comes to its best match in the column plan.
    """
    with style.styled(lang) as lang:
        plans = list(similarity.index)
        m = similarity.copy()
        values = m.to_numpy(dtype=float, copy=True)
        np.fill_diagonal(values, np.nan)
        shown = pd.DataFrame(values, index=m.index, columns=m.columns)
        ticks = plan_ticks(plans, lang, documents)
        fig, ax = plt.subplots(figsize=(5.4, 4.4))
        im = heatmap(ax, shown, plan_ticks(list(m.columns), lang, documents), ticks, fmt=lambda v: f"{v:.2f}",
                     missing="—")
        ax.set_xlabel(style.tr("best match searched in", "在该方案中找最相似行动", lang))
        ax.set_ylabel(style.tr("actions of", "行动所属方案", lang))
        slant_xticks(ax)
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(style.tr("mean cosine similarity of best matches", "最佳匹配的平均余弦相似度", lang))
        return finish(fig, similarity, style.tr("How similar are the plans' actions?", "方案之间行动的相似度", lang))


def _excerpt(text: str, n: int) -> str:
    text = str(text).strip("，。、；： ")
    return text if len(text) <= n else text[:n] + "…"


def text_reuse(reuse: pd.DataFrame, passages: pd.DataFrame, lang: str | None = None,
               documents: pd.DataFrame | None = None, excerpt_chars: int = 16) -> Figure:
    """Left: share of each plan's operative text found verbatim in another (:func:`analysis.compare.reuse_matrix`).
    Right: the longest shared passages (:func:`analysis.compare.longest_passages`), length in characters,
    labelled with the two plans and the passage's opening.
    """
    with style.styled(lang) as lang:
        plans = list(reuse.index)
        names = style.plan_labels(documents, lang)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.9), width_ratios=[1, 1.15])
        im = heatmap(ax1, reuse, plan_ticks(list(reuse.columns), lang, documents), plan_ticks(plans, lang, documents),
                     fmt=lambda v: "0" if v == 0 else ("<1%" if v < 0.005 else pct(v)), vmin=0, missing="—")
        ax1.set_xlabel(style.tr("found in", "出现于", lang))
        ax1.set_ylabel(style.tr("text of", "文本所属方案", lang))
        slant_xticks(ax1)
        ax1.set_title(style.tr("Share of operative text shared verbatim", "执行部分中逐字相同文本的占比", lang))
        cb = fig.colorbar(im, ax=ax1, location="right", shrink=0.8, aspect=20, pad=0.03)
        percent_axis(cb.ax.yaxis)
        cb.set_label(style.tr("share of the row plan's text", "占该行方案文本的比例", lang))
        p = passages.reset_index(drop=True)
        y = np.arange(len(p))
        ax2.barh(y, p["length"], color=[style.plan_color(a) for a in p["jurisdiction_a"]], edgecolor="none")
        for yi, v in zip(y, p["length"]):
            ax2.text(v + 0.5, yi, f"{v}", va="center", fontsize=ANNOT_SIZE)
        labels = [f"{names.get(a, a)}–{names.get(b, b)}: {_excerpt(t, excerpt_chars)}"
                  for a, b, t in zip(p["jurisdiction_a"], p["jurisdiction_b"], p["text"])]
        ax2.set_yticks(y, labels, fontsize=7.5)
        ax2.invert_yaxis()
        ax2.tick_params(axis="y", length=0)
        ax2.set_xlim(0, max(p["length"].max() if len(p) else 1, 1) * 1.15)
        ax2.set_xlabel(style.tr("characters", "字数", lang))
        ax2.set_title(style.tr("Longest shared passages", "最长的相同段落", lang))
        return finish(fig, {"reuse": reuse, "passages": passages},
                      style.tr("Text reuse between the plans", "方案之间的文本复用", lang))


def keyness(top: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """One panel per plan: its most distinctive terms against the other plans (:func:`analysis.compare.top_keyness`),
    bar length = keyness score (G² log-likelihood in the build's table).
    """
    with style.styled(lang) as lang:
        plans = plan_order(top["jurisdiction"])
        names = style.plan_labels(documents, lang)
        n = int(top.groupby("jurisdiction").size().max()) if len(top) else 1
        fig, axes = plt.subplots(1, len(plans), figsize=(8.6, 0.9 + 0.24 * n), squeeze=False)
        measure = str(top["measure"].iloc[0]) if "measure" in top and len(top) else "score"
        label = {"g2": "G²", "chi2": "χ²"}.get(measure, measure)
        for ax, j in zip(axes[0], plans):
            t = top[top["jurisdiction"] == j].sort_values("rank")
            y = np.arange(len(t))
            ax.barh(y, t["score"], color=style.plan_color(j))
            ax.set_yticks(y, list(t["term"]))
            ax.set_ylim(n - 0.5, -0.5)
            ax.set_title(names.get(j, j))
            ax.set_xlabel(label)
            ax.tick_params(axis="y", length=0)
        return finish(fig, top, style.tr("Distinctive terms of each plan (against the other plans)",
                                         "各方案的特色词（与其他方案相比）", lang))


__all__ = ["cluster_composition", "cluster_map", "jurisdiction_similarity", "text_reuse", "keyness"]
