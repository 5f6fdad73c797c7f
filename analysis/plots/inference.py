"""Charts of the choices and errors behind a share: the load under each weighting rule, and instrument shares as
coded, corrected for the coding's errors and as adjudicated.

Same contract as the other chart modules: tidy tables of :mod:`analysis.compare` in, one titled Figure out,
the data drawn attached as ``fig.analysis_data``.  Points with whiskers (95% intervals), one marker and colour
per rule or per source, so the rule or the source, not the plan, is what the colour tells.  Both are
``seaborn.objects`` plots: ``so.Dot`` and ``so.Range`` dodged side by side, one panel per plan
(``facet(wrap=...)``).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.compare.tables import plan_order
from analysis.compare.workload import WEIGHTINGS
from analysis.plots import style, theme
from analysis.plots.kit import empty_figure, finish, grid_shape, label, labels, percent_axis, plan_names

#: Colour and marker of each weighting rule, and of each source of an instrument share.
RULE_STYLE = {"inverse_k": (style.TOL_MUTED[0], "o"), "lead_weighted": (style.TOL_MUTED[2], "s"),
              "lead_only": (style.TOL_MUTED[6], "D")}
SOURCE_STYLE = {"raw": (style.TOL_MUTED[0], "o"), "corrected": (style.TOL_MUTED[6], "D"),
                "adjudicated": ("#222222", "x")}


def _rule_labels(lang: str) -> dict[str, str]:
    return {"inverse_k": style.tr("1/k: every named unit alike", "1/k：各单位等权", lang),
            "lead_weighted": style.tr("lead counted twice", "牵头单位计两倍", lang),
            "lead_only": style.tr("lead only", "仅计牵头单位", lang)}


def _points(points: pd.DataFrame, kinds: dict[str, tuple[str, str, str]], y_order: list[str], panels: list[str],
            ncols: int, fig: Figure) -> list:
    """Draw ``y, x, lo, hi, kind, panel`` rows as points with whiskers, dodged by kind, one panel per *panels*.

    *kinds* maps a kind to ``(label, colour, marker)``; a column ``extra`` (where not NaN) adds undodged points
    at that x in the style of the ``"extra"`` kind.  Returns the legend handles."""
    names = {k: v[0] for k, v in kinds.items()}
    pts = points.assign(kind=points["kind"].map(names))
    order = [names[k] for k in kinds if k in set(points["kind"])]
    p = (so.Plot(pts, x="x", y="y", color="kind", marker="kind")
         .add(so.Range(linewidth=1), so.Dodge(), xmin="lo", xmax="hi", legend=False)
         .add(so.Dot(pointsize=4.5, edgewidth=0), so.Dodge(), legend=False))
    extra = points[points["extra"].notna()] if "extra" in points else points.iloc[:0]
    if len(extra):  # a subset of the rows, index kept: seaborn aligns the inherited variables (y, panel) by it
        _, color, marker = kinds["extra"]
        p = p.add(so.Dot(pointsize=5, color=color, marker=marker), data=extra, x="extra", color=None,
                  marker=None, legend=False)
    if len(panels) > 1 or panels[0]:
        p = p.facet(col="panel", order=panels, wrap=ncols)
    theme.draw(p.scale(color=so.Nominal({names[k]: kinds[k][1] for k in kinds}, order=order),
                       marker=so.Nominal({names[k]: kinds[k][2] for k in kinds}, order=order),
                       y=so.Nominal(order=y_order)).share(x=True).limit(x=(0, 1)).label(x="", y=""), fig)
    for ax in fig.axes:
        percent_axis(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
    shown = [k for k in kinds if k in set(points["kind"]) or (k == "extra" and len(extra))]
    return [Line2D([], [], color=kinds[k][1], marker=kinds[k][2], ms=4.5, lw=0 if k == "extra" else 1,
                   label=kinds[k][0]) for k in shown]


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
        clabels = labels(style.category_labels(lang))
        panel = plan_names(documents, lang)
        rlabels = _rule_labels(lang)
        rows, cols = grid_shape(len(plans), 2)
        fig = plt.figure(figsize=(4.2 * cols, 0.45 * len(categories) * rows + 1.4))
        drawn = w[w["category"].isin(categories)]
        d = drawn[drawn["weighting"].isin(rules)]
        pts = pd.DataFrame({"y": d["category"].map(lambda c: clabels.get(c, label(c))), "x": d["load_share"],
                            "lo": d["load_share_lo"], "hi": d["load_share_hi"], "kind": d["weighting"],
                            "panel": d["jurisdiction"].map(lambda j: panel.get(j, label(j)))}).astype(
            {"x": float, "lo": float, "hi": float})
        x_max = float(pts[["x", "hi"]].max().max()) if len(pts) else 1.0
        kinds = {r: (rlabels.get(r, r),) + RULE_STYLE.get(r, ("#777777", "o")) for r in rules}
        handles = _points(pts, kinds, [clabels.get(c, label(c)) for c in categories],
                          [panel.get(j, label(j)) for j in plans], cols, fig)
        for ax in fig.axes:
            ax.set_xlim(0, min(1.0, x_max * 1.08) if x_max == x_max else 1.0)
        fig.legend(handles=handles, loc="outside lower center", ncols=len(rules), frameon=False)
        return finish(fig, drawn.reset_index(drop=True), title)


def corrected_shares(corrected: pd.DataFrame, labels: dict[str, str] | None = None, item: str = "code",
                     lang: str | None = None) -> Figure:
    """Shares of machine-coded categories as coded, corrected for the coding's errors, and as adjudicated.

    Parameters
    ----------
    corrected : pandas.DataFrame
        :func:`analysis.compare.misclassification.corrected_instrument_shares` (one plan or ``pooled=True``).
    labels : dict, optional
        Labels of the items (drawn as written).
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
        names = {k: label(v) for k, v in (labels or {}).items()}
        plans = list(dict.fromkeys(corrected["jurisdiction"]))
        items = list(dict.fromkeys(corrected[item]))
        rows, cols = grid_shape(len(plans), 3)
        fig = plt.figure(figsize=(4.6 * cols, 0.32 * len(items) * rows + 1.4))
        plabels = plan_names(None, lang)
        titled = len(plans) > 1 or plans[0] != "all"
        panel = {j: (plabels.get(j, label(j)) if j != "all" else style.tr("All plans", "全部方案", lang))
                 if titled else "" for j in plans}
        base = corrected.assign(y=corrected[item].map(lambda i: names.get(i, label(i))),
                                panel=corrected["jurisdiction"].map(panel))
        pts = pd.concat([base[["y", "panel"]].assign(kind=src, x=base[f"share_{src}"], lo=base[f"share_{src}_lo"],
                                                     hi=base[f"share_{src}_hi"],
                                                     extra=base["share_adjudicated"] if src == "raw" else None)
                         for src in ("raw", "corrected")], ignore_index=True).astype(
            {"x": float, "lo": float, "hi": float, "extra": float})
        kinds = {"raw": (style.tr("as the rules code it", "规则编码", lang),) + SOURCE_STYLE["raw"],
                 "corrected": (style.tr("corrected (Rogan–Gladen)", "误分类校正", lang),) + SOURCE_STYLE["corrected"],
                 "extra": (style.tr("adjudicated coding", "人工裁定", lang),) + SOURCE_STYLE["adjudicated"]}
        handles = _points(pts, kinds, [names.get(i, label(i)) for i in items], [panel[j] for j in plans], cols,
                          fig)
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        return finish(fig, corrected.reset_index(drop=True), title)


__all__ = ["RULE_STYLE", "SOURCE_STYLE", "weighting_rules", "corrected_shares"]
