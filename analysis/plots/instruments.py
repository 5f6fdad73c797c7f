"""Charts of policy instruments: each plan's mix of supply-, environment- and demand-side instruments, and
instruments crossed with target-group lines.

Same contract as the other chart modules: tidy tables of
:mod:`analysis.compare.instruments` in, one titled Figure out, the data drawn
attached as ``fig.analysis_data``.  Kinds of instrument have their own
colours (:data:`KIND_COLORS`, from Paul Tol's muted scheme), never a plan's,
so a kind cannot be mistaken for a plan.  The kinds' bars and their intervals
are a ``seaborn.objects`` plot (``so.Bar`` and ``so.Range``, dodged), the
codes and the target-group lines :func:`seaborn.heatmap`
(:func:`analysis.plots.theme.heatmap`).
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes, instrument_kinds
from analysis.compare.instruments import NO_GROUP
from analysis.compare.tables import matrix, plan_order
from analysis.plots import style, theme
from analysis.plots.kit import (ANNOT_SIZE, empty_figure, empty_panel, finish, grid_shape, label, labels,
                                percent_axis, plan_ticks, slant_xticks, small_pct)

#: Colour of each kind of instrument (Tol's muted indigo, teal, rose: colour-blind safe, none a plan colour
#: of the first eight plans).
KIND_COLORS = {"supply": style.TOL_MUTED[0], "environment": style.TOL_MUTED[2], "demand": style.TOL_MUTED[6]}
_SPARE = [style.TOL_MUTED[i] for i in (4, 7, 8, 1)]


def kind_order(present: list[str] | None = None) -> list[str]:
    """The codebook's kinds in order (supply, environment, demand), then any other kind in *present*.

    Parameters
    ----------
    present : list of str, optional
        Kinds found in a table.

    Returns
    -------
    list of str
        Kind ids.
    """
    kinds = list(instrument_kinds(load_codebook()))
    extra = [k for k in dict.fromkeys(present or []) if k not in kinds]
    return kinds + extra


def kind_labels(lang: str | None = None, short: bool = False) -> dict[str, str]:
    """``{kind: label}`` from the codebook (Supply-side / 供给型).

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Label language.
    short : bool
        Without "-side" in English (Supply / 供给型).

    Returns
    -------
    dict of str to str
        Labels as written in the codebook (a chart escapes them with :func:`analysis.plots.kit.labels`).
    """
    lang = style.get_lang(lang)
    out = {k: (v.get("zh", k) if lang == "zh" else v.get("en", k))
           for k, v in instrument_kinds(load_codebook()).items()}
    return {k: (v.removesuffix("-side") if short and lang == "en" else v) for k, v in out.items()}


def code_labels(lang: str | None = None) -> dict[str, str]:
    """``{code: label}`` of the instrument codes from the codebook (Funding / 资金投入).

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Label language.

    Returns
    -------
    dict of str to str
        Labels as written in the codebook; a code without one is labelled by its id.
    """
    lang = style.get_lang(lang)
    return {c.id: (c.zh if lang == "zh" else c.en) or c.id for c in instrument_codes(load_codebook())}


def code_kinds() -> dict[str, str]:
    """``{code: kind}`` in codebook order.

    Returns
    -------
    dict of str to str
        Each instrument code's kind.
    """
    return {c.id: c.kind for c in instrument_codes(load_codebook())}


def kind_colors(kinds: list[str]) -> dict[str, str]:
    """:data:`KIND_COLORS`, with spare Tol colours for kinds the codebook does not know.

    Parameters
    ----------
    kinds : list of str
        Kind ids, in the order drawn.

    Returns
    -------
    dict of str to str
        ``{kind: colour}``.
    """
    out, spare = {}, iter(_SPARE * (1 + len(kinds)))
    for k in kinds:
        out[k] = KIND_COLORS.get(k) or next(spare)
    return out


def _kind_bars(ax, kinds: pd.DataFrame, plans: list[str], ticks: list[str], korder: list[str],
               colors: dict[str, str], names: dict[str, str]) -> pd.DataFrame:
    """Grouped horizontal bars (``so.Bar``, dodged), one group per plan and one bar per kind, with their Wilson
    intervals (``so.Range``). Returns the rows drawn: ``jurisdiction, kind, y, share, lo, hi`` (``y``: the
    centre of the bar, where ``so.Dodge`` puts it)."""
    have_iv = {"share_lo", "share_hi"} <= set(kinds.columns)
    d = kinds[kinds["jurisdiction"].isin(plans) & kinds["kind"].isin(korder)]
    d = pd.DataFrame({"jurisdiction": d["jurisdiction"], "kind": d["kind"], "share": d["share"].astype(float),
                      "lo": d["share_lo"].astype(float) if have_iv else np.nan,
                      "hi": d["share_hi"].astype(float) if have_iv else np.nan}).reset_index(drop=True)
    d["plan"] = d["jurisdiction"].map(dict(zip(plans, ticks)))
    d["name"] = d["kind"].map(names)
    p = so.Plot(d, x="share", y="plan", color="name").add(so.Bar(alpha=1, edgewidth=0), so.Dodge(gap=0.08),
                                                           legend=False)
    if have_iv:
        p = p.add(so.Range(color="#222222", linewidth=0.8), so.Dodge(), xmin="lo", xmax="hi", legend=False)
    theme.draw(p.scale(color=so.Nominal({names[k]: colors[k] for k in korder}, order=[names[k] for k in korder]),
                       y=so.Nominal(order=ticks)).limit(x=(0, 1.0)).label(y=""), ax)
    pos, at = {j: i for i, j in enumerate(plans)}, {k: i for i, k in enumerate(korder)}
    d["y"] = [pos[j] - 0.4 + 0.8 / len(korder) * (at[k] + 0.5) for j, k in zip(d["jurisdiction"], d["kind"])]
    return d[["jurisdiction", "kind", "y", "share", "lo", "hi"]]


def instrument_mix(kinds: pd.DataFrame, codes: pd.DataFrame, lang: str | None = None,
                   documents: pd.DataFrame | None = None) -> Figure:
    """Each plan's policy-instrument mix: kinds with intervals (left), codes as a heatmap (right).

    Parameters
    ----------
    kinds : pandas.DataFrame
        ``compare.instrument_mix(actions, instruments, level="kind")``:
        ``jurisdiction, kind, n_actions, n_using, share, share_lo, share_hi``.
    codes : pandas.DataFrame
        ``compare.instrument_mix(actions, instruments, level="code")``.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"kinds", "codes", "bars", "matrix"}``:
        the two input tables, the bars drawn (``jurisdiction, kind, y, share,
        lo, hi``: whiskers from ``lo`` to ``hi``) and the plan x code matrix
        of shares shown as the heatmap.

    Notes
    -----
    Left: per plan, the share of its actions and safeguards using at least
    one supply-, environment- or demand-side instrument, with 95% Wilson
    intervals; the three shares need not add up to 100% (an action can use
    several kinds, or none).  Right: plan x instrument code, the share of the
    plan's actions using it, codes grouped by kind (labels from the
    codebook's ``instruments`` section).
    """
    with style.styled(lang) as lang:
        title = style.tr("How the plans act: the mix of policy instruments", "方案的政策工具组合", lang)
        kinds = kinds if kinds is not None else pd.DataFrame(columns=["jurisdiction", "kind", "share"])
        codes = codes if codes is not None else pd.DataFrame(columns=["jurisdiction", "code", "share"])
        plans = plan_order(list(kinds["jurisdiction"]) + list(codes["jurisdiction"]))
        klabels, clabels = labels(kind_labels(lang)), labels(code_labels(lang))
        korder = [k for k in kind_order(list(kinds["kind"]) + [code_kinds().get(c, "") for c in codes["code"]
                                                               if c in code_kinds()]) if k]
        colors = kind_colors(korder)
        ckind = code_kinds()
        present = list(dict.fromkeys(codes["code"]))
        corder = [c for k in korder for c in ckind if ckind[c] == k and c in present] + \
            [c for c in present if c not in ckind]
        n = len(plans)
        data = {"kinds": kinds, "codes": codes}
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.0, max(3.6, 1.9 + 0.5 * n)),
                                       width_ratios=[1, max(1.4, 0.16 * len(corder))])
        n_by_plan = (kinds.groupby("jurisdiction")["n_actions"].first().to_dict()
                     if "n_actions" in kinds.columns and len(kinds) else {})
        ticks = [f"{lab}\n(n = {n_by_plan[j]})" if j in n_by_plan else lab
                 for j, lab in zip(plans, plan_ticks(plans, lang, documents))]
        names = {k: klabels.get(k, label(k)) for k in korder}
        if len(kinds) and n:
            shown = [k for k in korder if k in set(kinds["kind"])]
            bars = _kind_bars(ax1, kinds, plans, ticks, shown, colors, names)
            percent_axis(ax1.xaxis)
            ax1.set_xlabel(style.tr("share of the plan's actions using the kind", "使用该类工具的行动占比", lang))
            ax1.tick_params(axis="y", length=0)
            for p in range(1, n):
                ax1.axhline(p - 0.5, color="#e5e5e5", linewidth=0.6, zorder=0)
            fig.legend(handles=[Patch(color=colors[k], label=names[k]) for k in shown],
                       loc="outside lower center", ncol=len(shown), frameon=False, fontsize=8)
        else:
            bars = pd.DataFrame(columns=["jurisdiction", "kind", "y", "share", "lo", "hi"])
            empty_panel(ax1, lang=lang)
        ax1.set_title(style.tr("Kinds of instrument (95% interval)", "工具类型（95%区间）", lang))
        data["bars"] = bars
        if len(codes) and n and corder:
            m = matrix(codes, "share", index="jurisdiction", columns="code", index_order=plans, column_order=corder)
            im = theme.heatmap(ax2, m, [clabels.get(c, label(c)) for c in corder], ticks, fmt=small_pct, vmin=0,
                               vmax=max(float(np.nanmax(m.to_numpy())) if np.isfinite(m.to_numpy()).any() else 1.0,
                                        0.01))
            slant_xticks(ax2, 40)
            ax2.tick_params(axis="y", labelleft=False)
            # kinds: a coloured bracket and name above their codes, white gaps between them
            start = 0
            for k in korder:
                width = sum(1 for c in corder if ckind.get(c) == k)
                if not width:
                    continue
                x0, x1 = start, start + width
                ax2.plot([x0 + 0.08, x1 - 0.08], [-0.12, -0.12], color=colors[k], linewidth=3, clip_on=False,
                         solid_capstyle="butt")
                ax2.text((x0 + x1) / 2, -0.22, names[k], ha="center", va="bottom", fontsize=8, color=colors[k])
                if start:
                    ax2.axvline(x0, color="white", linewidth=3)
                start += width
            cb = fig.colorbar(im, ax=ax2, location="right", shrink=min(0.9, 0.25 + 0.12 * n), aspect=15, pad=0.02)
            percent_axis(cb.ax.yaxis)
            cb.set_label(style.tr("share of the plan's actions", "占方案行动的比例", lang), fontsize=8)
            data["matrix"] = m
        else:
            empty_panel(ax2, lang=lang)
            data["matrix"] = pd.DataFrame()
        ax2.set_title(style.tr("Instruments (codes)", "政策工具（细类）", lang), pad=24)
        note = style.tr(
            "Shares of each plan's actions and safeguards; an action counts once per instrument however many of "
            "its clauses use it. Kinds: Rothwell & Zegveld's supply-, environment- and demand-side "
            "instruments; an action can use several kinds or none. Whiskers: 95% Wilson intervals.",
            "占方案全部行动与保障措施的比例；一项行动无论几个分句使用某工具只计一次。"
            "工具类型按 Rothwell 与 Zegveld 的供给型、环境型、需求型划分；一项行动可使用多类或不使用。误差线：95% Wilson区间。",
            lang)
        return finish(fig, data, title, note)


def _wrap_label(text: str, lang: str, width: int = 18) -> str:
    return text if lang == "zh" else "\n".join(textwrap.wrap(text, width)) or text


def instrument_by_group(by_group: pd.DataFrame, lang: str | None = None, documents: pd.DataFrame | None = None,
                        max_cols: int = 3) -> Figure:
    """One small panel per plan: its target-group lines x kinds of instrument, the share of the line's
    actions using the kind (``k/n`` written in the cell).

    Parameters
    ----------
    by_group : pandas.DataFrame
        ``compare.instrument_by_group(actions, instruments, level="kind")``:
        ``jurisdiction, group, kind, n_actions, n_using, share, ...``.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for plan names.
    max_cols : int
        Panels per row; plans wrap into further rows.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is *by_group* (every row is one cell drawn).

    Notes
    -----
    A panel has a row only for the target-group lines the plan has (plus
    "no group line" for actions outside every line): a group absent from a
    panel is a group the plan has no line for, not a zero.  One colour
    scale (0-100%) for every panel.
    """
    with style.styled(lang) as lang:
        title = style.tr("Instruments by target-group line", "各重点人群专项使用的政策工具", lang)
        if by_group is None or by_group.empty:
            return empty_figure(title, by_group, lang)
        plans = plan_order(by_group["jurisdiction"])
        korder = [k for k in kind_order(list(by_group["kind"])) if k in set(by_group["kind"])]
        klabels = labels(kind_labels(lang, short=True))
        glabels = labels(style.group_labels(lang))
        glabels[NO_GROUP] = style.tr("no group line", "不属人群专项", lang)
        gorder = list(glabels) + [g for g in dict.fromkeys(by_group["group"]) if g not in glabels]
        names = dict(zip(plans, plan_ticks(plans, lang, documents)))
        per_plan = {j: [g for g in gorder if g in set(by_group.loc[by_group["jurisdiction"] == j, "group"])]
                    for j in plans}
        nrows, ncols = grid_shape(len(plans), max_cols)
        row_n = [max(len(per_plan[j]) for j in plans[r * ncols:(r + 1) * ncols]) for r in range(nrows)]
        fig = plt.figure(figsize=(3.3 * ncols, sum(0.9 + 0.36 * k for k in row_n) + 0.9))
        gs = fig.add_gridspec(nrows, ncols, height_ratios=[k + 1.5 for k in row_n])
        im = None
        axes = []
        for i, j in enumerate(plans):
            r, c = divmod(i, ncols)
            ax = fig.add_subplot(gs[r, c])
            axes.append(ax)
            d = by_group[by_group["jurisdiction"] == j]
            groups = per_plan[j]
            m, k_, n_ = (matrix(d, c, index="group", columns="kind", index_order=groups, column_order=korder)
                         for c in ("share", "n_using", "n_actions"))
            annot = pd.DataFrame([["" if np.isnan(k) else f"{k:.0f}/{n:.0f}" for k, n in zip(*rows)]
                                  for rows in zip(k_.to_numpy(), n_.to_numpy())])
            im = theme.heatmap(ax, m, [klabels.get(k, label(k)) for k in korder],
                               [_wrap_label(glabels.get(g, label(g)), lang) for g in groups], annot=annot, vmin=0,
                               vmax=1, fontsize=ANNOT_SIZE - 0.5)
            ax.set_ylim(row_n[r], 0)  # same cell height in every panel of the row
            ax.xaxis.tick_top()
            ax.tick_params(axis="x", labelsize=7.5)
            ax.tick_params(axis="y", labelsize=7.5)
            ax.set_title(names[j], fontsize=9.5)
        if im is not None:
            cb = fig.colorbar(im, ax=axes, location="bottom", shrink=min(0.5, 0.25 * ncols), aspect=30, pad=0.02)
            percent_axis(cb.ax.xaxis)
            cb.set_label(style.tr("share of the line's actions using the kind of instrument (k/n in the cell)",
                                  "该专项中使用该类政策工具的行动占比（格内为 k/n）", lang), fontsize=8)
        note = style.tr(
            "Actions only (safeguards belong to no line). A panel lists only "
            "the target-group lines the plan has: a group missing from a panel has no line in that plan (not zero). "
            "'No group line': the plan's actions outside every group line.",
            "仅计行动（保障措施不属任何专项）。每个面板只列出该方案设有的重点人群专项："
            "面板中没有的人群表示方案未设该专项（并非为零）。“不属人群专项”：不在任何人群专项内的行动。", lang)
        return finish(fig, by_group, title, note)


__all__ = ["KIND_COLORS", "kind_order", "kind_labels", "code_labels", "code_kinds", "kind_colors", "instrument_mix",
           "instrument_by_group"]
