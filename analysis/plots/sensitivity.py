"""Charts of the choices that move results: the reuse length threshold, the counterpart similarity threshold,
and the number of clusters.

Tables in from :mod:`analysis.compare.sensitivity` (and the build's
``cluster_quality.csv`` / ``cluster_sensitivity.csv``), one titled Figure out
with the data drawn as ``fig.analysis_data``.  Each chart marks the value the
build uses, so a reader sees where the reported result sits on the curve.

Pairs of plans are ordered (A → B: A's text or actions found in B).  Up to
:data:`MAX_PAIRS_ONE_PANEL` pairs share one panel (colour = A, marker = B);
beyond that there is one panel per plan A (colour and marker = B), so the
chart stays readable for any number of plans.  The two threshold charts are
``seaborn.objects`` plots (``so.Line``, ``so.Range`` at the build's threshold,
``so.Dot`` for mutual matches; ``facet(wrap=...)`` for one panel per plan);
the cluster choice is a matplotlib line chart beside a table.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.compare.tables import plan_order
from analysis.plots import style, theme
from analysis.plots.kit import empty_figure, empty_panel, finish, grid_shape, label, percent_axis, plan_names
from analysis.textstats.align import MATCH_THRESHOLD
from analysis.textstats.reuse import MIN_CHARS

#: Up to this many ordered pairs of plans are drawn in one panel; beyond, one panel per row plan.
MAX_PAIRS_ONE_PANEL = 20
#: Line styles of the two punctuation settings of :func:`reuse_threshold`.
PUNCT_STYLES = {"counted": "-", "excluded": (0, (3, 2))}
#: Colours of the cluster-quality measures (Tol's muted scheme: there are no plans in that chart).
METRIC_COLORS = {"score": "#222222", "silhouette": style.TOL_MUTED[0], "silhouette_full": "#999999",
                 "stability_seeds_ari": style.TOL_MUTED[2], "stability_bootstrap_ari": style.TOL_MUTED[6]}
BUILD_COLOR = style.OKABE_ITO["vermillion"]


def _pair_label(a: str, b: str, names: dict[str, str]) -> str:
    return f"{names.get(a, label(a))} → {names.get(b, label(b))}"


def _pairs(table: pd.DataFrame, keep) -> list[tuple[str, str]]:
    """Ordered pairs of *table* (plan order of A, then of B) for which ``keep(rows)`` is true."""
    order = {j: i for i, j in enumerate(plan_order(list(table["jurisdiction"]) + list(table["other_jurisdiction"])))}
    out = [(a, b) for (a, b), g in table.groupby(["jurisdiction", "other_jurisdiction"], sort=False) if keep(g)]
    return sorted(out, key=lambda p: (order[p[0]], order[p[1]]))


def _pair_plot(drawn: pd.DataFrame, pairs: list[tuple[str, str]], names: dict[str, str], max_cols: int,
               panel: tuple[float, float], title_of) -> tuple[Figure, pd.DataFrame, so.Plot, bool]:
    """The figure (one panel for every pair when few, else one per row plan), *drawn* with what is mapped --
    ``color`` and ``marker`` (:func:`_style_of`), ``panel`` -- and its ``so.Plot``.

    A pair's line is its (colour, marker) in its panel: unique by the plans' palette and marker cycle, so
    seaborn needs no further group (each grouping variable multiplies the groups it looks up)."""
    faceted = len(pairs) > MAX_PAIRS_ONE_PANEL
    rows = plan_order([a for a, _ in pairs]) if faceted else []
    nrows, ncols = grid_shape(len(rows), max_cols)
    fig = plt.figure(figsize=(3.0 * ncols + 1.6, 2.5 * nrows + 0.6) if faceted else (panel[0] + 2.6, panel[1]))
    key = list(zip(drawn["jurisdiction"], drawn["other_jurisdiction"]))
    d = drawn.assign(color=[_style_of(a, b, faceted)["color"] for a, b in key],
                     marker=[_style_of(a, b, faceted)["marker"] for a, b in key],
                     panel=[title_of(names.get(a, label(a))) for a, _ in key])
    markers = sorted(set(d["marker"]))  # each plan's own marker: an identity mapping seaborn turns into MarkerStyle
    p = so.Plot(d, color="color", marker="marker").scale(
        color=None, marker=so.Nominal(dict(zip(markers, markers)), order=markers))
    if faceted:
        p = p.facet(col="panel", order=[title_of(names.get(a, label(a))) for a in rows], wrap=ncols).share(y=True)
    return fig, d, p, faceted


def _mark_build(ax, threshold: float, text: str) -> None:
    """The build's value: a dotted vertical line, labelled at the top."""
    ax.axvline(threshold, color=BUILD_COLOR, linewidth=1.0, linestyle=":", zorder=0)
    ax.text(threshold, 1.0, text, color=BUILD_COLOR, fontsize=7, va="top", ha="left",
            transform=ax.get_xaxis_transform())


def _style_of(a: str, b: str, faceted: bool) -> dict:
    """Colour = row plan and marker = column plan in one panel; colour and marker = column plan when faceted."""
    return {"color": style.plan_color(b if faceted else a), "marker": style.plan_marker(b)}


def _legend(fig: Figure, handles: list, title: str | None = None) -> None:
    if not handles:
        return
    ncol = 1 + (len(handles) - 1) // 26
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=7, ncol=ncol, title=title,
               title_fontsize=7.5, handlelength=2.6)


def reuse_threshold(table: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None,
                    threshold: int = MIN_CHARS, max_cols: int = 4) -> Figure:
    """Verbatim share against the shortest passage counted, one line per ordered pair of plans.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.compare.sensitivity.reuse_threshold`: ``jurisdiction,
        other_jurisdiction, min_chars, punctuation, share``.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    threshold : int
        The build's shortest passage (``reuse_min_chars``, 20), marked.
    max_cols : int
        Panels per row when there is one panel per plan.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"table", "drawn", "threshold"}``:
        *table*, its rows drawn (pairs sharing anything at some length), and
        *threshold*.

    Notes
    -----
    Only pairs that share a passage at some length are drawn (the others
    are 0 everywhere).  Solid: punctuation counted in the passage; dashed:
    passages matched with punctuation removed.  Colour: the plan whose text
    is shared (the share is of its operative text); marker: the plan it is
    found in.
    """
    with style.styled(lang) as lang:
        title = style.tr("Verbatim reuse by shortest passage counted", "逐字复用与最短段落长度", lang)
        cols = ["jurisdiction", "other_jurisdiction", "min_chars", "punctuation", "share"]
        table = table if table is not None else pd.DataFrame(columns=cols)
        pairs = _pairs(table, lambda g: float(g["share"].max()) > 0) if len(table) else []
        drawn = table[[(a, b) in set(pairs) for a, b in zip(table["jurisdiction"], table["other_jurisdiction"])]] \
            if len(table) else table
        data = {"table": table, "drawn": drawn.reset_index(drop=True), "threshold": threshold}
        note = style.tr(
            "Share of the row plan's operative text inside passages of at least "
            f"that many characters found verbatim in the other plan; the build counts passages of {threshold} or "
            "more. Pairs that share nothing at any length are not drawn.",
            f"该行方案执行部分中、长度不少于横轴字数并与另一方案逐字相同的段落所占比例；"
            f"构建采用不少于{threshold}字的段落。任何长度下都无相同段落的方案对未绘出。", lang)
        if not pairs:
            return empty_figure(title, data, lang, style.tr("No pair of plans shares a passage at any length",
                                                            "任何长度下各方案之间都没有相同段落", lang), note=note)
        names = plan_names(documents, lang)
        fig, d, p, faceted = _pair_plot(drawn, pairs, names, max_cols, (6.0, 4.0),
                                        lambda n: style.tr(f"text of {n}", f"{n}的文本", lang))
        counted = d["punctuation"] == "counted"  # layer data keep d's index: the inherited variables align by it
        theme.draw(p.add(so.Line(linewidth=1.1, pointsize=4.0, linestyle=PUNCT_STYLES["counted"]), data=d[counted],
                         x="min_chars", y="share", legend=False)
                   .add(so.Line(linewidth=1.1, pointsize=3.0, linestyle=PUNCT_STYLES["excluded"], fillcolor="white"),
                        data=d[~counted], x="min_chars", y="share", legend=False)
                   .label(x=style.tr("shortest passage counted (characters)", "最短段落长度（字）", lang),
                          y=style.tr("share of the row plan's operative text", "占该方案执行部分的比例", lang)), fig)
        lengths = sorted(table["min_chars"].astype(int).unique())
        for ax in fig.axes:
            _mark_build(ax, threshold, style.tr(f" build: {threshold}", f" 构建：{threshold}", lang))
            ax.set_xticks(lengths)
            ax.set_ylim(bottom=0)
            percent_axis(ax.yaxis)
            ax.title.set_fontsize(9)
        handles = _pair_handles(pairs, names, faceted)
        handles += [Line2D([], [], color="#444444", linestyle=ls, label=style.tr(
            "punctuation counted" if p == "counted" else "punctuation excluded",
            "计入标点" if p == "counted" else "不计标点", lang)) for p, ls in PUNCT_STYLES.items()]
        _legend(fig, handles)
        return finish(fig, data, title, note)


def _pair_handles(pairs: list[tuple[str, str]], names: dict[str, str], faceted: bool) -> list[Line2D]:
    if faceted:  # colour and marker = the other plan: one entry per plan
        others = plan_order([b for _, b in pairs])
        return [Line2D([], [], color=style.plan_color(b), marker=style.plan_marker(b), markersize=4, linewidth=1.1,
                       label=names.get(b, label(b))) for b in others]
    return [Line2D([], [], color=style.plan_color(a), marker=style.plan_marker(b), markersize=4, linewidth=1.1,
                   label=_pair_label(a, b, names)) for a, b in pairs]


def counterpart_threshold(table: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None,
                          threshold: float = MATCH_THRESHOLD, min_share: float = 0.05, max_cols: int = 4) -> Figure:
    """Share of a plan's actions with a counterpart in another plan, against the similarity threshold.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.compare.sensitivity.counterpart_threshold`:
        ``jurisdiction, other_jurisdiction, threshold, share, share_lo,
        share_hi, share_mutual`` ...
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    threshold : float
        The build's threshold (``match_threshold``, 0.35), marked; the
        Wilson interval of each share is drawn there.
    min_share : float
        Draw only pairs whose share exceeds this at some threshold.
    max_cols : int
        Panels per row when there is one panel per plan.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"table", "drawn", "threshold", "mutual_x"}``:
        *table*, its rows drawn, the build's threshold, and the x position
        of the mutual-best-match markers.

    Notes
    -----
    A counterpart: the action's best match in the other plan reaches the
    threshold.  At the right edge, past the last threshold, a hollow marker
    shows the share of the plan's actions whose best match is *mutual* (the
    match's own best match is the action), which needs no threshold at all.
    """
    with style.styled(lang) as lang:
        title = style.tr("Counterparts by similarity threshold", "对应行动与相似度阈值", lang)
        table = table if table is not None else pd.DataFrame(
            columns=["jurisdiction", "other_jurisdiction", "threshold", "share", "share_mutual"])
        pairs = _pairs(table, lambda g: float(g["share"].max()) > min_share) if len(table) else []
        keep = set(pairs)
        drawn = (table[[(a, b) in keep for a, b in zip(table["jurisdiction"], table["other_jurisdiction"])]]
                 .reset_index(drop=True) if len(table) else table)
        ths = sorted(table["threshold"].astype(float).unique()) if len(table) else [threshold]
        step = (ths[-1] - ths[0]) / max(len(ths) - 1, 1) if len(ths) > 1 else 0.05
        mutual_x = round(ths[-1] + 1.5 * step, 6)
        data = {"table": table, "drawn": drawn, "threshold": threshold, "mutual_x": mutual_x}
        note = style.tr(
            "Each action's best match in each other plan (TF-IDF cosine). Line: share of the "
            "row plan's actions whose best match reaches the threshold; whiskers at the build's threshold "
            f"({threshold:g}): 95% Wilson interval; hollow marker: mutual best matches (no threshold). Pairs whose "
            f"share never exceeds {100 * min_share:.0f}% are not drawn.",
            "每项行动在其他各方案中的最佳匹配（TF-IDF 余弦相似度）。折线：最佳匹配达到阈值的行动占比；"
            f"构建阈值（{threshold:g}）处的误差线为95% Wilson区间；空心标记：互为最佳匹配的占比（不需阈值）。"
            f"占比始终不超过{100 * min_share:.0f}%的方案对未绘出。", lang)
        if not pairs:
            return empty_figure(title, data, lang, style.tr(
                f"No pair of plans has more than {100 * min_share:.0f}% counterparts at any threshold",
                f"任何阈值下都没有对应行动占比超过{100 * min_share:.0f}%的方案对", lang), note=note)
        names = plan_names(documents, lang)
        fig, d, p, faceted = _pair_plot(drawn, pairs, names, max_cols, (6.0, 4.2),
                                        lambda n: style.tr(f"actions of {n}", f"{n}的行动", lang))
        p = p.add(so.Line(linewidth=1.1, pointsize=3.5), x="threshold", y="share", legend=False)
        if {"share_lo", "share_hi"} <= set(d.columns):
            p = p.add(so.Range(linewidth=0.8, alpha=0.8), data=d[np.isclose(d["threshold"].astype(float), threshold)],
                      x="threshold", ymin="share_lo", ymax="share_hi", orient="x", legend=False)
        if "share_mutual" in d.columns:
            # layer data keep d's index: seaborn aligns the inherited variables (colour, marker, panel) by it
            p = p.add(so.Dot(pointsize=5.3, fill=False, stroke=1.1),
                      data=d.drop_duplicates(["jurisdiction", "other_jurisdiction"]).assign(x=mutual_x),
                      x="x", y="share_mutual", legend=False)
        theme.draw(p.label(x=style.tr("similarity threshold of a counterpart", "对应行动的相似度阈值", lang),
                           y=style.tr("share of the row plan's actions", "占该方案行动的比例", lang)), fig)
        for ax in fig.axes:
            _mark_build(ax, threshold, style.tr(f" build: {threshold:g}", f" 构建：{threshold:g}", lang))
            ax.axvline((ths[-1] + mutual_x) / 2, color="#cccccc", linewidth=0.6)
            ax.set_xticks(list(ths) + [mutual_x], [f"{t:g}" for t in ths] + [style.tr("mutual", "互为\n最佳", lang)])
            ax.set_xlim(ths[0] - step / 2, mutual_x + step / 2)
            ax.set_ylim(0, 1.02)
            percent_axis(ax.yaxis)
            ax.title.set_fontsize(9)
        handles = _pair_handles(pairs, names, faceted)
        handles.append(Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="#444444",
                              label=style.tr("mutual best match", "互为最佳匹配", lang)))
        _legend(fig, handles)
        return finish(fig, data, title, note)


def _chosen_k(quality: pd.DataFrame) -> int | None:
    if quality is None or quality.empty or "chosen" not in quality.columns:
        return None
    c = quality[quality["chosen"].astype(str).str.lower().isin(["true", "1"])]
    return int(c["k"].iloc[0]) if len(c) else None


def cluster_choice(quality: pd.DataFrame, sensitivity: pd.DataFrame | None = None,
                   lang: str | None = None) -> Figure:
    """How the number of clusters was chosen: quality against k, and the k chosen in other LSA spaces.

    Parameters
    ----------
    quality : pandas.DataFrame
        ``cluster_quality.csv``: ``k, silhouette, silhouette_full,
        stability_seeds_ari, stability_bootstrap_ari, score, chosen`` (and
        ``lsa_components``, ``n_clustered``).
    sensitivity : pandas.DataFrame, optional
        ``cluster_sensitivity.csv``: ``lsa_components, k, score,
        ari_with_build, is_build`` ...
    lang : {"en", "zh"}, optional
        Label language.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"quality", "sensitivity", "chosen_k"}``.

    Notes
    -----
    Left: the score k is chosen by (mean of the silhouette and the two
    stabilities), the silhouette in the LSA space clustered (and, thin and
    grey, in the full TF-IDF space), and the two stabilities (mean adjusted
    Rand index against re-clusterings with other seeds and on bootstrap
    samples), the chosen k marked.  Right: the k the same rule chooses in
    LSA spaces of other sizes, its score and its agreement (ARI) with the
    build's partition.
    """
    with style.styled(lang) as lang:
        title = style.tr("Choosing the number of clusters", "聚类数的选择", lang)
        k_chosen = _chosen_k(quality)
        data = {"quality": quality, "sensitivity": sensitivity, "chosen_k": k_chosen}
        fig, (ax, tab) = plt.subplots(1, 2, figsize=(9.4, 3.9), width_ratios=[1.7, 1])
        measures = [("score", style.tr("score (mean of the three below)", "综合得分（下列三项均值）", lang), 2.2, "-"),
                    ("silhouette", style.tr("silhouette (LSA space)", "轮廓系数（LSA空间）", lang), 1.2, "-"),
                    ("silhouette_full", style.tr("silhouette (full TF-IDF space)", "轮廓系数（完整TF-IDF空间）", lang),
                     0.9, (0, (1, 1.5))),
                    ("stability_seeds_ari", style.tr("stability across seeds (ARI)", "不同随机种子的稳定性（ARI）", lang),
                     1.2, "-"),
                    ("stability_bootstrap_ari", style.tr("stability on bootstrap samples (ARI)",
                                                         "自助样本的稳定性（ARI）", lang), 1.2, (0, (4, 2)))]
        if quality is not None and len(quality) and "k" in quality.columns:
            q = quality.sort_values("k")
            for col, label, lw, ls in measures:
                if col not in q.columns or not np.isfinite(q[col].astype(float)).any():
                    continue
                ax.plot(q["k"].astype(int), q[col].astype(float), color=METRIC_COLORS[col], linewidth=lw,
                        linestyle=ls, marker="o" if col == "score" else None, markersize=3, label=label)
            if k_chosen is not None:
                ax.axvline(k_chosen, color=BUILD_COLOR, linewidth=1.0, linestyle=":", zorder=0)
                ax.text(k_chosen, 1.0, style.tr(f" chosen k = {k_chosen}", f" 选定 k = {k_chosen}", lang),
                        color=BUILD_COLOR, fontsize=7.5, va="top", ha="left", transform=ax.get_xaxis_transform())
            ax.set_xlabel(style.tr("number of clusters k", "聚类数 k", lang))
            ax.set_ylabel(style.tr("value", "取值", lang))
            ax.legend(loc="lower right", fontsize=7, frameon=True, framealpha=0.9)
            ax.xaxis.get_major_locator().set_params(integer=True)
        else:
            empty_panel(ax, lang=lang)
        ax.set_title(style.tr("Quality of the partition by k", "不同 k 的聚类质量", lang))
        _sensitivity_table(tab, sensitivity, lang)
        lsa = (int(quality["lsa_components"].iloc[0]) if quality is not None and len(quality)
               and "lsa_components" in quality.columns else None)
        n_cl = (int(quality["n_clustered"].iloc[0]) if quality is not None and len(quality)
                and "n_clustered" in quality.columns else None)
        note = style.tr(
            "k-means on LSA vectors of the actions' TF-IDF"
            + (f" ({lsa} dimensions" if lsa else "") + (f", {n_cl} actions" if n_cl else "") + (")" if lsa else "")
            + "; k is the one with the highest score (ties: the smaller k). Table: shaded row = the build's LSA size.",
            "对行动 TF-IDF 的 LSA 向量做 k-means"
            + (f"（{lsa}维" if lsa else "") + (f"，{n_cl}项行动" if n_cl else "") + ("）" if lsa else "")
            + "；取综合得分最高的 k（并列取较小者）。表中底色行为构建采用的维数。", lang)
        return finish(fig, data, title, note)


def _sensitivity_table(ax, sensitivity: pd.DataFrame | None, lang: str) -> None:
    """The k chosen at each LSA size, as a small table (the build's row highlighted)."""
    ax.set_title(style.tr("k chosen in other LSA spaces", "其他 LSA 维数下选出的 k", lang))
    if sensitivity is None or sensitivity.empty or not {"lsa_components", "k"} <= set(sensitivity.columns):
        empty_panel(ax, lang=lang)
        return
    ax.axis("off")
    s = sensitivity.sort_values("lsa_components")
    header = [style.tr("LSA\ndimensions", "LSA\n维数", lang), "k", style.tr("score", "得分", lang),
              style.tr("ARI with\nthe build", "与构建的\nARI", lang)]
    cells = [[f"{int(r.lsa_components)}", f"{int(r.k)}",
              f"{float(getattr(r, 'score', np.nan)):.3f}" if hasattr(r, "score") else "",
              f"{float(getattr(r, 'ari_with_build', np.nan)):.2f}" if hasattr(r, "ari_with_build") else ""]
             for r in s.itertuples()]
    build = (s["is_build"].astype(str).str.lower().isin(["true", "1"]).to_list() if "is_build" in s.columns
             else [False] * len(s))
    t = ax.table(cellText=cells, colLabels=header, loc="upper center", cellLoc="center")
    t.auto_set_font_size(False)
    t.set_fontsize(8)
    t.scale(1.0, 1.5)
    for (r, c), cell in t.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if r == 0:
            cell.set_facecolor("#eeeeee")
            cell.set_height(cell.get_height() * 1.6)
        elif build[r - 1]:
            cell.set_facecolor("#fde6d8")


__all__ = ["MAX_PAIRS_ONE_PANEL", "reuse_threshold", "counterpart_threshold", "cluster_choice"]
