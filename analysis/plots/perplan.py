"""Charts of one plan at a time, side by side: overview, target groups, departments, measurability.

Every function takes the tidy tables of :mod:`analysis.compare`, draws one
figure in the house style (:mod:`analysis.plots.style`) and returns it, with the
table it drew attached as ``fig.analysis_data`` so tests (and readers) can
check the picture against the numbers.  Nothing is saved here: notebooks call
:func:`analysis.plots.style.save_figure`.  The heatmaps are
:func:`seaborn.heatmap` (:func:`analysis.plots.theme.heatmap`), the bars with
their intervals ``seaborn.objects``; the co-assignment networks are in
:mod:`analysis.plots.network`.

Cells that have no value by construction -- a group the plan has no line
for, a plan that assigns no departments -- are grey, hatched and labelled,
never drawn as the lowest colour of the scale.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysis.coding.codebook import load_codebook
from analysis.compare.coverage import unit_class_order
from analysis.compare.tables import matrix, plan_order
from analysis.corpus import levels
from analysis.plots import style, theme
from analysis.plots.kit import (ANNOT_SIZE, QUALITATIVE, empty_figure, finish, interval_text, label, labels,
                                missing_patch, pct, pct_bounds, percent_axis, plan_ticks, slant_xticks, small_pct)


# --------------------------------------------------------------- overview
def corpus_overview(overview: pd.DataFrame, lang: str | None = None,
                    documents: pd.DataFrame | None = None) -> Figure:
    """Three panels per plan: actions and safeguards; operative text length; actions per group line.

    Parameters
    ----------
    overview : pandas.DataFrame
        :func:`analysis.compare.corpus_overview`.
    lang : {"en", "zh"}, optional
        Label language (default: the current one).
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *overview*.  Plan labels carry the
        administrative level and the year of issue.
    """
    with style.styled(lang) as lang:
        if overview.empty:
            return empty_figure(style.tr("The plans at a glance", "各方案概览", lang), overview, lang)
        ov = overview.set_index("jurisdiction").loc[plan_order(overview["jurisdiction"])]
        plans = list(ov.index)
        names = style.plan_labels(documents, lang)
        ticks = [label(f"{names.get(j, j)}\n({_level(lvl, lang)}, {yr})")
                 for j, lvl, yr in zip(plans, ov["level"], ov["issued_year"])]
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
        glabels = labels(style.group_labels(lang))
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


def _rate_bounds(lo: float, hi: float) -> str:
    """'[12.6–40.5]': an interval of a rate, one decimal."""
    return interval_text(lo, hi, lambda v: f"{v:.1f}")


def _interval_cells(coverage: pd.DataFrame, col: str, fmt, groups: list[str], plans: list[str]) -> pd.DataFrame:
    """Group x plan strings ``fmt(lo, hi)`` of *col*'s interval columns (empty where the value is missing)."""
    val, lo, hi = (matrix(coverage, c, index="group", columns="jurisdiction", index_order=groups,
                          column_order=plans) for c in (col, f"{col}_lo", f"{col}_hi"))
    cells = [[fmt(a, b) if np.isfinite(v) else "" for v, a, b in zip(*rows)]
             for rows in zip(val.to_numpy(), lo.to_numpy(), hi.to_numpy())]
    return pd.DataFrame(cells, index=val.index, columns=val.columns, dtype=object)


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
        glabels = labels(style.group_labels(lang))
        ylabels = [glabels.get(g, label(g)) for g in groups]
        xlabels = plan_ticks(plans, lang, documents)
        panels = [("dedicated_actions", style.tr("Dedicated actions", "专项行动数", lang), lambda v: f"{v:.0f}", None),
                  ("text_share", style.tr("Share of operative text", "占执行部分篇幅", lang),
                   _pct1 if intervals else pct, pct_bounds),
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
            mesh = theme.heatmap(ax, m, xlabels, ylabels, fmt=fmt, vmin=0, missing=style.tr("no line", "未设", lang),
                                 subannot=sub)
            ax.set_title(title_p)
            if side or k == 2:
                slant_xticks(ax, 40)
            if k and side:
                ax.tick_params(axis="y", labelleft=False)
            cb = fig.colorbar(mesh, ax=ax, orientation="horizontal" if side else "vertical", fraction=0.05,
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

    Parameters
    ----------
    workload : pandas.DataFrame
        :func:`analysis.compare.department_workload` (category level).
    collective : pandas.DataFrame, optional
        :func:`analysis.compare.collective_assignments`.
    lang : {"en", "zh"}, optional
        Label language (default: the current one).
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    top : int, optional
        Keep the heaviest categories only.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"workload"}``, plus ``"collective"`` when drawn.  A plan that assigns no
        departments is one grey hatched column labelled 'not assigned'.
    """
    with style.styled(lang) as lang:
        cats = list(dict.fromkeys(workload["category"]))[:top] if top else list(dict.fromkeys(workload["category"]))
        plans = plan_order(workload["jurisdiction"])
        clabels = labels(style.category_labels(lang))
        ylabels = [clabels.get(c, label(c)) for c in cats]
        xlabels = plan_ticks(plans, lang, documents)
        share, count, load = (matrix(workload, c, index="category", columns="jurisdiction", index_order=cats,
                                     column_order=plans) for c in ("share", "actions", "load_share"))
        n_coll = 0 if collective is None else collective["category"].nunique()
        height = 1.2 + 0.2 * len(cats) + (0.45 + 0.2 * n_coll if n_coll else 0)
        fig = plt.figure(figsize=(8.0, height))
        gs = fig.add_gridspec(2 if n_coll else 1, 2, height_ratios=[len(cats), n_coll + 0.6] if n_coll else [1])
        ax1 = fig.add_subplot(gs[0, 0])
        ax2 = fig.add_subplot(gs[0, 1], sharey=ax1)
        na = style.tr("not assigned: the plan names no departments", "未分工：方案未明确责任部门", lang)
        cells = [(ax1, theme.heatmap(ax1, share, xlabels, ylabels, annot=_counts(count), vmin=0, vmax=1,
                                     missing_column=na), style.tr("share of assigned actions", "占已分工行动比例", lang)),
                 (ax2, theme.heatmap(ax2, load, xlabels, ylabels, fmt=small_pct, vmin=0, missing_column=na),
                  style.tr("share of weighted load", "加权工作量占比", lang))]
        ax1.set_title(style.tr("Actions carried\n(colour: share of assigned actions)",
                               "承担行动数\n（颜色：占已分工行动比例）", lang))
        ax2.set_title(style.tr("Weighted load\n(1/k per action shared by k)", "加权工作量占比\n（k个部门共担记1/k）", lang))
        ax2.tick_params(axis="y", labelleft=False)
        for ax, mesh, what in cells:
            ax.xaxis.tick_top()
            # vertical plan names: a slanted last name would overhang into the colour bar's place
            slant_xticks(ax, 90, "left")
            for t in ax.get_xticklabels():
                t.set_verticalalignment("center")
            cb = fig.colorbar(mesh, ax=ax, location="right", shrink=min(0.6, 12 / max(len(cats), 1)), aspect=15,
                              fraction=0.04, pad=0.03)
            percent_axis(cb.ax.yaxis)
            cb.set_label(what, fontsize=8)
        fig.legend(handles=[missing_patch(na)], loc="outside lower center", frameon=False)
        data = {"workload": workload}
        if n_coll:
            ccats = sorted(collective["category"].unique())
            csh, cnt = (matrix(collective, c, index="category", columns="jurisdiction", index_order=ccats,
                               column_order=plans) for c in ("share", "actions"))
            axc = fig.add_subplot(gs[1, 0])
            theme.heatmap(axc, csh, xlabels, [clabels.get(c, label(c)) for c in ccats], annot=_counts(cnt), vmin=0,
                          vmax=1, missing="n/a")
            axc.tick_params(axis="x", labelbottom=False)
            axc.set_title(style.tr("Collective assignments (share of all actions)", "笼统分工（占全部行动）", lang),
                          fontsize=9)
            data["collective"] = collective
        return finish(fig, data, style.tr("Which departments carry the actions", "各部门承担的行动", lang))


def _counts(m: pd.DataFrame) -> pd.DataFrame:
    """Cell texts of a matrix of counts: the count, empty where missing."""
    return m.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")


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
        Draw the interval of each share as a whisker; default: when
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
        share = s["share_measurable"].to_numpy(float)
        lo, hi = (s["share_lo"].to_numpy(float), s["share_hi"].to_numpy(float)) if intervals else (share, share)
        iv = pd.DataFrame({"jurisdiction": plans, "share": share, "lo": lo, "hi": hi}) if intervals else empty_iv
        right = np.nan_to_num(np.fmax(share, hi))
        bars = pd.DataFrame({"plan": ticks, "share": share, "lo": lo, "hi": hi, "right": right,
                             "color": [style.plan_color(j) for j in plans],
                             "kn": [style.tr(f"{k} of {n}", f"{k}/{n}", lang)
                                    for k, n in zip(s["n_measurable"], s["n_actions"])]})
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.4, max(2.9, 1.3 + 0.32 * len(plans))), sharey=True)
        p = so.Plot(bars, x="share", y="plan").add(so.Bar(alpha=1, edgewidth=0), color="color", legend=False)
        if intervals:
            p = p.add(so.Range(color="#333333", linewidth=0.9), xmin="lo", xmax="hi", legend=False)
        p = p.add(so.Text(halign="left", offset=3, fontsize=ANNOT_SIZE, color="black"), x="right", text="kn")
        theme.draw(p.scale(color=None, y=so.Nominal(order=ticks)).limit(x=(0, max(0.05, right.max()) * 1.35))
                   .label(x="", y=""), ax1)
        percent_axis(ax1.xaxis)
        ax1.set_title(style.tr("Actions with a quantified commitment", "含量化指标的行动占比", lang))
        _unit_bars(ax2, by_unit, plans, ticks, lang, fig)
        for a in (ax1, ax2):
            a.tick_params(axis="y", length=0)
        ax2.tick_params(axis="y", labelleft=False)
        note = style.tr(
            "Actions only (safeguards left out)"
            + ("; whiskers: 95% Wilson interval of the share" if intervals else "") + ".",
            "仅计行动（不含保障措施）" + ("；误差线：占比的95% Wilson区间" if intervals else "")
            + "。", lang)
        return finish(fig, {"summary": summary, "by_unit": by_unit, "intervals": iv}, title, note)


def _unit_bars(ax, by_unit: pd.DataFrame | None, plans: list[str], ticks: list[str], lang: str, fig: Figure) -> None:
    """The right panel of :func:`measurability`: each plan's commitments stacked by kind of unit, total beside."""
    bu = by_unit if by_unit is not None else pd.DataFrame(columns=["jurisdiction", "unit_class", "n_targets"])
    classes = [c for c in unit_class_order() if c in set(bu["unit_class"])]
    m = (matrix(bu, "n_targets", index="jurisdiction", columns="unit_class", index_order=plans,
                column_order=classes).fillna(0.0) if classes else pd.DataFrame(index=plans))
    names = labels(_unit_names(lang))
    colors = {names.get(c, label(c)): col for c, col in zip(classes, QUALITATIVE)}  # units must not look like plans
    stacks = m.set_axis(ticks).rename(columns=lambda c: names.get(c, label(c))).rename_axis("plan").reset_index() \
        .melt("plan", var_name="unit", value_name="n")
    totals = pd.DataFrame({"plan": ticks, "n": m.sum(axis=1).to_numpy(float)}).assign(text=lambda d: d["n"].map("{:.0f}".format))
    p = so.Plot()  # each layer names its data and every variable: seaborn aligns inherited ones by index
    if classes:
        p = p.add(so.Bar(alpha=1, edgecolor="white", edgewidth=0.5), so.Stack(), data=stacks, x="n", y="plan",
                  color="unit", legend=False).scale(color=so.Nominal(colors, order=list(colors)))
    p = p.add(so.Text(halign="left", offset=3, fontsize=ANNOT_SIZE, color="black"), data=totals, x="n", y="plan",
              text="text")
    theme.draw(p.scale(y=so.Nominal(order=ticks)).limit(x=(0, max(totals["n"].max(), 1) * 1.15))
               .label(x=style.tr("number of commitments", "指标数", lang), y=""), ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(style.tr("Quantified commitments by unit", "量化指标（按单位类型）", lang))
    used = [c for c in classes if m[c].sum() > 0]
    if used:
        fig.legend(handles=[Patch(color=colors[names.get(c, label(c))], label=names.get(c, label(c))) for c in used],
                   loc="outside lower center", ncol=len(used), frameon=False, fontsize=7.5)


def _unit_names(lang: str) -> dict[str, str]:
    names = {u.id: (u.zh if lang == "zh" else u.en) for u in load_codebook().unit_classes}
    names["other"] = style.tr("other", "其他", lang)
    return names


__all__ = ["COVERAGE_SIDE_BY_SIDE", "corpus_overview", "coverage_heatmap", "department_workload_heatmap",
           "measurability"]
