"""Charts across plans: clusters, the action map, plan similarity, text reuse, distinctive terms.

Same contract as :mod:`analysis.plots`: tidy tables in (from
:mod:`analysis.compare.crossplan`), one Figure out, titled, with the data drawn
attached as ``fig.analysis_data``.  Cluster labels, terms and passages are
Chinese in both languages -- they are the plans' own words.  The heatmaps are
:func:`seaborn.heatmap` (:func:`analysis.plots.theme.heatmap`), the distinctive
terms a ``seaborn.objects`` plot faceted by plan; the action map is a
matplotlib scatter (colour = cluster, marker = plan).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.compare.tables import matrix, plan_order
from analysis.plots import style, theme
from analysis.plots.kit import (ANNOT_SIZE, empty_figure, empty_panel, finish, grid_shape, label, pct_bounds,
                                percent_axis, plan_names, plan_ticks, slant_xticks, small_pct)


def _scope_text(row: pd.Series, names: dict[str, str], n_all: int, lang: str) -> str:
    if row["shared_by_all"]:
        return style.tr(f"all {n_all} plans", f"全部{n_all}份", lang)
    if row["unique_to"]:
        return style.tr(f"only {names.get(row['unique_to'], label(row['unique_to']))}",
                        f"仅{names.get(row['unique_to'], label(row['unique_to']))}", lang)
    return style.tr(f"{row['n_plans']} plans", f"{row['n_plans']}份", lang)


def cluster_composition(composition: pd.DataFrame, spread: pd.DataFrame, lang: str | None = None,
                        documents: pd.DataFrame | None = None) -> Figure:
    """Cluster x plan heatmap of action counts, clusters ordered from most to least widely shared.

    Parameters
    ----------
    composition : pandas.DataFrame
        :func:`analysis.compare.cluster_composition`.
    spread : pandas.DataFrame
        :func:`analysis.compare.cluster_spread` (its row order is kept).
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *composition*.  Each row is labelled with
        the cluster's number and c-TF-IDF terms, and on the right with its
        reach: all plans, some, or only one.  White cells: the plan has no
        action in the cluster.
    """
    with style.styled(lang) as lang:
        clusters = list(spread["cluster"])
        plans = plan_order(composition["jurisdiction"])
        names = plan_names(documents, lang)
        m = matrix(composition, "n_actions", index="cluster", columns="jurisdiction", index_order=clusters,
                   column_order=plans)
        ylabels = [label(f"{k}  {lab}") for k, lab in zip(spread["cluster"], spread["label"])]
        fig, ax = plt.subplots(figsize=(6.6, 1.3 + 0.24 * len(clusters)))
        im = theme.heatmap(ax, m, plan_ticks(plans, lang, documents), ylabels, vmin=0, blank_zero=True)
        ax.xaxis.tick_top()
        slant_xticks(ax, 30, "left")
        for i, (_, row) in enumerate(spread.iterrows()):
            ax.text(len(plans) + 0.15, i + 0.5, _scope_text(row, names, len(plans), lang), va="center", ha="left",
                    fontsize=ANNOT_SIZE, color="#222222" if row["shared_by_all"] or row["unique_to"] else "#666666")
        cb = fig.colorbar(im, ax=ax, location="bottom", shrink=0.5, aspect=30, pad=0.02)
        cb.set_label(style.tr("actions in the cluster", "聚类中的行动数", lang))
        ax.set_ylabel(style.tr("cluster (number and top terms)", "聚类（编号与关键词）", lang))
        return finish(fig, composition, style.tr("Clusters of similar actions across the plans",
                                                 "各方案相似行动的聚类", lang))


def cluster_map(points: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """2-D map of every clustered action: colour = cluster, marker = plan, each cluster's number at its
    median point, the cluster key on the right.

    Parameters
    ----------
    points : pandas.DataFrame
        :func:`analysis.compare.action_map`.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *points*.  Colours repeat after nine
        clusters (no palette keeps more apart for colour-blind readers); the
        numbers identify clusters unambiguously.
    """
    with style.styled(lang) as lang:
        clusters = sorted(points["cluster"].unique())
        colors = dict(zip(clusters, style.cluster_colors(len(clusters))))
        plans = plan_order(points["jurisdiction"])
        names = plan_names(documents, lang)
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
                          label=names.get(j, label(j))) for j in plans]
        ax.legend(handles=handles, title=style.tr("plan", "方案", lang), loc="best", frameon=True, framealpha=0.9)
        key.axis("off")
        labels = points.groupby("cluster")["label"].first()
        n = len(clusters)
        for i, k in enumerate(clusters):
            y = 1 - (i + 0.5) / max(n, 1)
            key.scatter([0.03], [y], s=40, color=colors[k], transform=key.transAxes, clip_on=False)
            key.text(0.08, y, label(f"{k}  {labels[k]}"), transform=key.transAxes, va="center", fontsize=7.5)
        key.set_title(style.tr("clusters", "聚类", lang), loc="left")
        return finish(fig, points, style.tr("Map of all actions, coloured by cluster", "全部行动分布图（按聚类着色）", lang))


def jurisdiction_similarity(similarity: pd.DataFrame, lang: str | None = None,
                            documents: pd.DataFrame | None = None) -> Figure:
    """Plan x plan heatmap of :func:`analysis.compare.similarity_matrix` (the diagonal, a plan with itself,
    is left grey).

    Parameters
    ----------
    similarity : pandas.DataFrame
        The square matrix, plans as index and columns.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *similarity*.  With the build's
        ``mean_best_similarity`` a row reads: on average, how close each of
        this plan's actions comes to its best match in the column plan.
    """
    with style.styled(lang) as lang:
        plans = list(similarity.index)
        m = similarity.copy()
        values = m.to_numpy(dtype=float, copy=True)
        np.fill_diagonal(values, np.nan)
        shown = pd.DataFrame(values, index=m.index, columns=m.columns)
        ticks = plan_ticks(plans, lang, documents)
        fig, ax = plt.subplots(figsize=(5.4, 4.4))
        im = theme.heatmap(ax, shown, plan_ticks(list(m.columns), lang, documents), ticks,
                           fmt=lambda v: f"{v:.2f}", missing="—")
        ax.set_xlabel(style.tr("best match searched in", "在该方案中找最相似行动", lang))
        ax.set_ylabel(style.tr("actions of", "行动所属方案", lang))
        slant_xticks(ax)
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(style.tr("mean cosine similarity of best matches", "最佳匹配的平均余弦相似度", lang))
        return finish(fig, similarity, style.tr("How similar are the plans' actions?", "方案之间行动的相似度", lang))


def _excerpt(text: str, n: int) -> str:
    """The first *n* characters of a passage (an ellipsis when cut), as chart text."""
    text = str(text).strip("，。、；： ")
    return label(text if len(text) <= n else text[:n] + "…")


def _reuse_interval_cells(reuse: pd.DataFrame, intervals: pd.DataFrame | None) -> pd.DataFrame | None:
    """Row plan x column plan strings '[lo–hi]' (percent) for the non-zero shares of *reuse*, from a
    :func:`analysis.compare.reuse_pairs` table; None without one."""
    if intervals is None or not {"share_lo", "share_hi"} <= set(intervals.columns):
        return None
    iv = intervals.set_index(["jurisdiction", "other_jurisdiction"])
    out = pd.DataFrame("", index=reuse.index, columns=reuse.columns, dtype=object)
    for a in reuse.index:
        for b in reuse.columns:
            v = reuse.loc[a, b]
            if a != b and np.isfinite(v) and v != 0 and (a, b) in iv.index:
                out.loc[a, b] = pct_bounds(float(iv.loc[(a, b), "share_lo"]), float(iv.loc[(a, b), "share_hi"]))
    return out


def text_reuse(reuse: pd.DataFrame, passages: pd.DataFrame, lang: str | None = None,
               documents: pd.DataFrame | None = None, excerpt_chars: int = 16,
               intervals: pd.DataFrame | None = None) -> Figure:
    """Left: share of each plan's operative text found verbatim in another; right: the longest shared passages.

    Parameters
    ----------
    reuse : pandas.DataFrame
        Square share matrix, :func:`analysis.compare.reuse_matrix`.
    passages : pandas.DataFrame
        :func:`analysis.compare.longest_passages`; bars are the length in
        characters, labelled with the two plans and the passage's opening.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    excerpt_chars : int
        Characters of each passage's opening in its label.
    intervals : pandas.DataFrame, optional
        :func:`analysis.compare.reuse_pairs`: its bootstrap interval
        (``share_lo``, ``share_hi``) is written under each non-zero share.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"reuse", "passages"}``, plus
        ``"intervals"`` (the cell texts written under the shares, a matrix
        like *reuse*) when *intervals* is given.
    """
    with style.styled(lang) as lang:
        title = style.tr("Text reuse between the plans", "方案之间的文本复用", lang)
        data = {"reuse": reuse, "passages": passages}
        sub = _reuse_interval_cells(reuse, intervals) if reuse is not None and len(reuse) else None
        if sub is not None:
            data["intervals"] = sub
        plans = list(reuse.index) if reuse is not None else []
        names = plan_names(documents, lang)
        n = len(plans)
        p = passages.reset_index(drop=True) if passages is not None else pd.DataFrame(
            columns=["jurisdiction_a", "jurisdiction_b", "length", "text"])
        cell = 0.62 if sub is not None else 0.5
        height = max(3.9, 1.8 + (0.42 if sub is not None else 0.3) * n, 1.2 + 0.22 * len(p))
        width = max(8.6, 4.6 + cell * n)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(width, height), width_ratios=[max(1.0, cell * n / 4.3), 1.15])
        if n:
            im = theme.heatmap(ax1, reuse, plan_ticks(list(reuse.columns), lang, documents),
                               plan_ticks(plans, lang, documents), fmt=small_pct, vmin=0, missing="—", subannot=sub)
            ax1.set_xlabel(style.tr("found in", "出现于", lang))
            ax1.set_ylabel(style.tr("text of", "文本所属方案", lang))
            slant_xticks(ax1)
            cb = fig.colorbar(im, ax=ax1, location="right", shrink=0.8, aspect=20, pad=0.03)
            percent_axis(cb.ax.yaxis)
            cb.set_label(style.tr("share of the row plan's text", "占该行方案文本的比例", lang))
        else:
            empty_panel(ax1, lang=lang)
        ax1.set_title(style.tr("Share of operative text shared verbatim", "执行部分中逐字相同文本的占比", lang))
        if len(p):
            y = np.arange(len(p))
            ax2.barh(y, p["length"], color=[style.plan_color(a) for a in p["jurisdiction_a"]], edgecolor="none")
            for yi, v in zip(y, p["length"]):
                ax2.text(v + 0.5, yi, f"{v}", va="center", fontsize=ANNOT_SIZE)
            labels = [f"{names.get(a, label(a))}–{names.get(b, label(b))}: {_excerpt(t, excerpt_chars)}"
                      for a, b, t in zip(p["jurisdiction_a"], p["jurisdiction_b"], p["text"])]
            ax2.set_yticks(y, labels, fontsize=7.5)
            ax2.invert_yaxis()
            ax2.tick_params(axis="y", length=0)
            ax2.set_xlim(0, max(p["length"].max(), 1) * 1.15)
            ax2.set_xlabel(style.tr("characters", "字数", lang))
        else:
            empty_panel(ax2, style.tr("No passage shared", "无相同段落", lang))
        ax2.set_title(style.tr("Longest shared passages", "最长的相同段落", lang))
        note = style.tr(
            "Verbatim: passages of at least the build's minimum length (reuse_min_chars)"
            + ("; [ ] 95% bootstrap interval over the row plan's actions (percent)" if sub is not None else "") + ".",
            "逐字相同：段落长度不少于构建参数 reuse_min_chars"
            + ("；[ ] 为按该行方案行动自助抽样的95%区间（百分比）" if sub is not None else "") + "。", lang)
        return finish(fig, data, title, note)


def keyness(top: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None,
            key_only: bool | None = None, max_cols: int = 4, plans: list[str] | None = None) -> Figure:
    """One panel per plan: its most distinctive terms against the other plans, on one shared G² axis.

    Parameters
    ----------
    top : pandas.DataFrame
        :func:`analysis.compare.top_keyness`; bar length = ``score`` (G²
        log-likelihood in the build's table).
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    key_only : bool, optional
        Draw only the key terms (``key`` column: significant after Bonferroni
        correction and at least twice as frequent).  Default: when *top* has
        a ``key`` column.  A plan with none says so in its panel.
    max_cols : int
        Panels per row; plans wrap into further rows.
    plans : list of str, optional
        Plans to draw a panel for; a plan with no term drawn gets a panel
        saying so.  Default: the plans of *documents* (so a plan without a
        key term, absent from *top*, still has its panel) or else those in *top*.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *top* with a boolean column ``drawn`` (the
        rows drawn as bars); ``analysis_data.attrs["xlim"]`` is the x range
        every panel shares.
    """
    with style.styled(lang) as lang:
        title = style.tr("Distinctive terms of each plan (against the other plans)",
                         "各方案的特色词（与其他方案相比）", lang)
        top = top if top is not None else pd.DataFrame(columns=["jurisdiction", "rank", "term", "score", "measure"])
        has_key = "key" in top.columns
        key_only = has_key if key_only is None else (bool(key_only) and has_key)
        drawn_mask = (top["key"].astype(str).str.lower().isin(["true", "1"]) if key_only
                      else pd.Series(True, index=top.index))
        data = top.assign(drawn=drawn_mask.to_numpy(dtype=bool))
        shown = data[data["drawn"]]
        if plans is None and documents is not None and "jurisdiction" in documents.columns:
            docs = documents[documents["role"] != "reference"] if "role" in documents.columns else documents
            plans = list(docs["jurisdiction"]) + list(top["jurisdiction"])
        plans = plan_order(list(plans) if plans is not None else top["jurisdiction"])
        if not plans:
            data.attrs["xlim"] = (0.0, 1.0)
            return empty_figure(title, data, lang)
        names = plan_names(documents, lang)
        titles = [names.get(j, label(j)) for j in plans]
        n_terms = int(shown.groupby("jurisdiction").size().max()) if len(shown) else 1
        xmax = float(shown["score"].astype(float).max()) * 1.08 if len(shown) else 1.0
        nrows, ncols = grid_shape(len(plans), max_cols)
        fig = plt.figure(figsize=(max(8.6, 2.15 * ncols), nrows * (1.0 + 0.24 * n_terms)))
        measure = str(top["measure"].iloc[0]) if "measure" in top and len(top) else "score"
        scale = {"g2": "G²", "chi2": "χ²"}.get(measure, measure)
        bars = shown[shown["jurisdiction"].isin(plans)].sort_values("rank", kind="mergesort").assign(
            panel=lambda d: d["jurisdiction"].map(dict(zip(plans, titles))), term=lambda d: d["term"].map(label),
            score=lambda d: d["score"].astype(float), color=lambda d: d["jurisdiction"].map(style.plan_color))
        theme.draw(so.Plot(bars, x="score", y="term", color="color").facet(col="panel", order=titles, wrap=ncols)
                   .add(so.Bar(alpha=1, edgewidth=0), legend=False).scale(color=None).share(y=False)
                   .limit(x=(0, xmax)).label(x=scale, y=""), fig)
        none_text = (style.tr("no key term\n(none significant and\ntwice as frequent)",
                              "无关键词\n（无显著且频率\n达两倍的词）", lang) if key_only
                     else style.tr("no distinctive term", "无特色词", lang))
        for ax, j in zip(fig.axes, plans):
            ax.set_ylim(n_terms - 0.5, -0.5)  # bars of one height in every panel
            ax.tick_params(axis="y", length=0)
            if j not in set(bars["jurisdiction"]):
                ax.set_yticks([])
                ax.text(0.5, 0.5, none_text, transform=ax.transAxes, ha="center", va="center", fontsize=8,
                        color="#444444", bbox={"boxstyle": "round,pad=0.4", "fc": "#f4f4f4",
                                               "ec": style.MISSING_EDGE, "lw": 0.6})
        data.attrs["xlim"] = (0.0, xmax)
        note = style.tr(
            "Each plan's terms against all the other plans together; bar = "
            f"{scale} log-likelihood, same scale in every panel"
            + ("; key terms only (Bonferroni-adjusted p < 0.05 and at least twice as frequent)" if key_only else "")
            + ".",
            f"每份方案与其余全部方案合并比较；条长 = {scale} 对数似然，各面板同一标尺"
            + ("；仅显示关键词（Bonferroni校正 p < 0.05 且频率至少两倍）" if key_only else "") + "。", lang)
        return finish(fig, data, title, note)


__all__ = ["cluster_composition", "cluster_map", "jurisdiction_similarity", "text_reuse", "keyness"]
