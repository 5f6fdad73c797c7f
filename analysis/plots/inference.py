"""Charts of the choices and errors behind a share: the load under each weighting rule, and instrument shares as
coded, corrected for the coding's errors and as adjudicated.

Same contract as the other chart modules: tidy tables of :mod:`analysis.compare` in, one titled Figure out,
the data drawn attached as ``fig.analysis_data``.  Points with whiskers (95% intervals), one marker and colour
per rule or per source, so the rule or the source, not the plan, is what the colour tells.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.compare.tables import plan_order
from analysis.compare.workload import WEIGHTINGS
from analysis.plots import style
from analysis.plots.kit import empty_figure, finish, grid_shape, percent_axis

#: Colour and marker of each weighting rule, and of each source of an instrument share.
RULE_STYLE = {"inverse_k": (style.TOL_MUTED[0], "o"), "lead_weighted": (style.TOL_MUTED[2], "s"),
              "lead_only": (style.TOL_MUTED[6], "D")}
SOURCE_STYLE = {"raw": (style.TOL_MUTED[0], "o"), "corrected": (style.TOL_MUTED[6], "D"),
                "adjudicated": ("#222222", "x")}


def _rule_labels(lang: str) -> dict[str, str]:
    return {"inverse_k": style.tr("1/k: every named unit alike", "1/k：各单位等权", lang),
            "lead_weighted": style.tr("lead counted twice", "牵头单位计两倍", lang),
            "lead_only": style.tr("lead only", "仅计牵头单位", lang)}


def _points(ax, ys, xs, lo, hi, color, marker, label):
    err = np.vstack([np.asarray(xs) - np.asarray(lo), np.asarray(hi) - np.asarray(xs)])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    ax.errorbar(xs, ys, xerr=err, fmt=marker, color=color, ms=4.5, lw=1, capsize=2, label=label)


def weighting_rules(workload: pd.DataFrame, categories: list[str] | None = None, top: int = 6,
                    lang: str | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """Department categories' shares of each assigned plan's load under every weighting rule, side by side.

    Parameters
    ----------
    workload : pandas.DataFrame
        :func:`analysis.compare.department_workload` with ``weighting=analysis.compare.WEIGHTINGS``.
    categories : list of str, optional
        The categories drawn, top to bottom (default: 科协 and the heaviest others, *top* in all).
    top : int
        Categories drawn by default.
    lang : str, optional
        ``"en"`` or ``"zh"``.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for the plans' labels.

    Returns
    -------
    Figure
        One panel per assigned plan; ``fig.analysis_data`` the rows drawn.
    """
    with style.styled(lang) as lang:
        title = style.tr("Share of the weighted load under three weighting rules", "三种加权规则下的工作量占比",
                         lang)
        w = workload[workload["assigned"].astype(bool)].dropna(subset=["load_share"])
        if w.empty:
            return empty_figure(title, w, lang)
        if categories is None:
            base = w[w["weighting"] == w["weighting"].iloc[0]].groupby("category")["load_share"].mean()
            rest = [c for c in base.sort_values(ascending=False, kind="mergesort").index if c != "cast"]
            categories = (["cast"] if "cast" in base.index else []) + rest[:top - 1]
        plans = plan_order(w["jurisdiction"])
        rules = [r for r in WEIGHTINGS if r in set(w["weighting"])]
        clabels = style.category_labels(lang)
        plabels = style.plan_labels(documents, lang)
        rlabels = _rule_labels(lang)
        rows, cols = grid_shape(len(plans), 2)
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.45 * len(categories) * rows + 1.4),
                                 sharex=True, squeeze=False)
        drawn = w[w["category"].isin(categories)]
        x_max = float(np.nanmax(drawn[["load_share", "load_share_hi"]].to_numpy(dtype=float))) if len(drawn) else 1.0
        for ax, j in zip(axes.ravel(), plans):
            for i, rule in enumerate(rules):
                d = drawn[(drawn["jurisdiction"] == j) & (drawn["weighting"] == rule)].set_index("category")
                d = d.reindex([c for c in categories if c in d.index])
                ys = [categories.index(c) + (i - (len(rules) - 1) / 2) * 0.22 for c in d.index]
                color, marker = RULE_STYLE.get(rule, ("#777777", "o"))
                _points(ax, ys, d["load_share"], d["load_share_lo"], d["load_share_hi"], color, marker,
                        rlabels.get(rule, rule))
            ax.set_yticks(range(len(categories)), [clabels.get(c, c) for c in categories])
            ax.invert_yaxis()
            ax.set_title(plabels.get(j, j))
            ax.set_xlim(0, min(1.0, x_max * 1.08) if x_max == x_max else 1.0)
            percent_axis(ax.xaxis)
            ax.grid(axis="x", alpha=0.3)
        for ax in axes.ravel()[len(plans):]:
            ax.set_visible(False)
        handles, labels = axes.ravel()[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(rules), frameon=False)
        return finish(fig, drawn.reset_index(drop=True), title)


def corrected_shares(corrected: pd.DataFrame, labels: dict[str, str] | None = None, item: str = "code",
                     lang: str | None = None) -> Figure:
    """Shares of machine-coded categories as coded, corrected for the coding's errors, and as adjudicated.

    Parameters
    ----------
    corrected : pandas.DataFrame
        :func:`analysis.compare.misclassification.corrected_instrument_shares` (one plan or ``pooled=True``).
    labels : dict, optional
        Labels of the items.
    item : str
        The item column (``code``, ``kind`` or ``group``).
    lang : str, optional
        ``"en"`` or ``"zh"``.

    Returns
    -------
    Figure
        One panel per plan (one for a pooled table); ``fig.analysis_data`` the table drawn.  Where no validation
        sample covers the corpus (no sensitivity estimated), a figure that says so.
    """
    with style.styled(lang) as lang:
        title = style.tr("Shares as coded, corrected for the coding's errors, and adjudicated",
                         "规则编码、误分类校正与人工裁定的占比", lang)
        if corrected.empty:
            return empty_figure(title, corrected, lang)
        if corrected["sensitivity"].isna().all():
            return empty_figure(title, corrected, lang, text=style.tr(
                "No double-coded sample covers this corpus:\nthe coding's errors cannot be estimated",
                "本语料没有双人编码样本：无法估计编码误差", lang))
        labels = labels or {}
        plans = list(dict.fromkeys(corrected["jurisdiction"]))
        items = list(dict.fromkeys(corrected[item]))
        rows, cols = grid_shape(len(plans), 3)
        fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 0.32 * len(items) * rows + 1.4), sharex=True,
                                 squeeze=False)
        names = {"raw": style.tr("as the rules code it", "规则编码", lang),
                 "corrected": style.tr("corrected (Rogan–Gladen)", "误分类校正", lang),
                 "adjudicated": style.tr("adjudicated coding", "人工裁定", lang)}
        plabels = style.plan_labels(None, lang)
        for ax, j in zip(axes.ravel(), plans):
            d = corrected[corrected["jurisdiction"] == j].set_index(item).reindex(items)
            y = np.arange(len(items))
            for off, src, cols_ in ((-0.2, "raw", ("share_raw", "share_raw_lo", "share_raw_hi")),
                                    (0.2, "corrected", ("share_corrected", "share_corrected_lo",
                                                        "share_corrected_hi"))):
                color, marker = SOURCE_STYLE[src]
                _points(ax, y + off, d[cols_[0]], d[cols_[1]], d[cols_[2]], color, marker, names[src])
            if d["share_adjudicated"].notna().any():
                color, marker = SOURCE_STYLE["adjudicated"]
                ax.plot(d["share_adjudicated"], y, marker, color=color, ms=5, ls="none", label=names["adjudicated"])
            ax.set_yticks(y, [labels.get(i, i) for i in items])
            ax.invert_yaxis()
            ax.set_xlim(0, 1)
            percent_axis(ax.xaxis)
            ax.grid(axis="x", alpha=0.3)
            if len(plans) > 1 or j != "all":
                ax.set_title(plabels.get(j, j) if j != "all" else style.tr("All plans", "全部方案", lang))
        for ax in axes.ravel()[len(plans):]:
            ax.set_visible(False)
        handles, hl = axes.ravel()[0].get_legend_handles_labels()
        fig.legend(handles, hl, loc="outside lower center", ncols=3, frameon=False)
        return finish(fig, corrected.reset_index(drop=True), title)


__all__ = ["RULE_STYLE", "SOURCE_STYLE", "weighting_rules", "corrected_shares"]
