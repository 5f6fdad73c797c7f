"""Chart of the double-coded validation (two AI-assistant coders and an adjudicator): how well two coders agree, and how well the package agrees with them.

Tables in from :mod:`analysis.validation` (:func:`~analysis.validation.segmentation_report`,
:func:`~analysis.validation.fields_report`, :func:`~analysis.validation.instruments_report`),
one titled Figure out with the data drawn as ``fig.analysis_data``.

Note: the package attribute ``analysis.plots.validation`` is the chart
function (exported by :mod:`analysis.plots`); import the module itself with
``from analysis.plots.validation import validation`` or via ``sys.modules``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.plots import style
from analysis.plots.instruments import code_labels, kind_colors, kind_labels, kind_order
from analysis.plots.kit import ANNOT_SIZE, empty_panel, finish, label, labels

#: Krippendorff's (2004) conventions: alpha >= 0.8 reliable, >= 0.667 for tentative conclusions.
ALPHA_RELIABLE, ALPHA_TENTATIVE = 0.8, 0.667
#: Colours of precision and recall (Tol's muted scheme; no plans in this chart).
PR_COLORS = {"precision": style.TOL_MUTED[3], "recall": style.TOL_MUTED[5]}
FIELD_COLOR = style.TOL_MUTED[1]


def _alpha_rows(seg: pd.DataFrame | None, fields: pd.DataFrame | None, instr: pd.DataFrame | None,
                lang: str) -> pd.DataFrame:
    """``field, label, alpha, n``: the coders' alpha per coded field, in the order of the coding."""
    rows = []
    if seg is not None and len(seg) and "label" in seg.columns:
        r = seg[seg["label"] == "all"]
        if len(r):
            rows.append({"field": "segmentation", "label": style.tr("segmentation (line labels)", "切分（行标签）", lang),
                         "alpha": float(r["alpha_coders"].iloc[0]),
                         "n": int(r["n_lines"].iloc[0]) if "n_lines" in r.columns else np.nan})
    names = {"group": style.tr("target group", "重点人群", lang),
             "departments": style.tr("departments (category, role)", "责任部门（类别、角色）", lang),
             "commitments": style.tr("quantified commitments", "量化指标", lang)}
    if fields is not None and len(fields) and "field" in fields.columns:
        for f in ["group", "departments", "commitments"] + [x for x in fields["field"] if x not in names]:
            r = fields[fields["field"] == f]
            if len(r):
                rows.append({"field": f, "label": names.get(f, f), "alpha": float(r["alpha_coders"].iloc[0]),
                             "n": int(r["n_units"].iloc[0]) if "n_units" in r.columns else np.nan})
    if instr is not None and len(instr) and "code" in instr.columns:
        r = instr[instr["code"] == "all"]
        if len(r):
            rows.append({"field": "instruments", "label": style.tr("policy instruments (all codes)",
                                                                   "政策工具（全部细类）", lang),
                         "alpha": float(r["alpha_coders"].iloc[0]), "n": np.nan})
    return pd.DataFrame(rows, columns=["field", "label", "alpha", "n"])


def _code_rows(instr: pd.DataFrame | None) -> pd.DataFrame:
    """The instrument-code rows of *instr* (kind supply/environment/demand), codes grouped by kind."""
    cols = ["code", "kind", "n_gold", "precision", "recall"]
    if instr is None or instr.empty or not {"code", "kind"} <= set(instr.columns):
        return pd.DataFrame(columns=cols)
    kinds = kind_order()
    r = instr[instr["kind"].isin(kinds)].copy()
    r["_k"] = r["kind"].map({k: i for i, k in enumerate(kinds)})
    r["_o"] = range(len(r))
    return r.sort_values(["_k", "_o"], kind="mergesort")[[c for c in cols if c in r.columns]].reset_index(drop=True)


def validation(seg: pd.DataFrame | None, fields: pd.DataFrame | None, instr: pd.DataFrame | None,
               lang: str | None = None) -> Figure:
    """A: agreement between the two coders per coded field; B: the package's precision and recall per
    instrument code on the held-out part.

    Parameters
    ----------
    seg : pandas.DataFrame
        :func:`analysis.validation.segmentation_report` (its ``all`` row is used).
    fields : pandas.DataFrame
        :func:`analysis.validation.fields_report`.
    instr : pandas.DataFrame
        :func:`analysis.validation.instruments_report` (test split by
        default): its ``all`` row for panel A, its code rows (``kind`` supply,
        environment or demand) for panel B.
    lang : {"en", "zh"}, optional
        Label language.

    Returns
    -------
    Figure
        ``fig.analysis_data`` is ``{"alpha", "codes"}``: ``field, label,
        alpha, n`` (panel A) and ``code, kind, n_gold, precision, recall``
        (panel B), as drawn.

    Notes
    -----
    Alpha is Krippendorff's alpha (nominal); set-valued fields are compared
    as present/absent decisions.  Dotted lines: 0.8 (reliable) and 0.667
    (tentative).  Precision: of the package's codings, the share the gold
    (reconciled) coding has; recall: of the gold codings, the share the
    package finds.  ``n`` beside a code: the gold codings it is measured on.
    """
    with style.styled(lang) as lang:
        title = style.tr("Validation against two independent coders (AI-assistant sessions)",
                         "与两名独立编码员（AI 助手会话）的对照验证", lang)
        alpha = _alpha_rows(seg, fields, instr, lang)
        codes = _code_rows(instr)
        n_codes = len(codes)
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.2, max(3.8, 1.6 + 0.3 * n_codes)), width_ratios=[1, 1.25])
        # A: alpha per field
        if len(alpha):
            y = np.arange(len(alpha))
            ax1.barh(y, alpha["alpha"].fillna(0), color=FIELD_COLOR, height=0.5)
            for yi, v in zip(y, alpha["alpha"]):
                ax1.text((0 if np.isnan(v) else max(v, 0)) + 0.01, yi, "n/a" if np.isnan(v) else f"{v:.2f}",
                         va="center", fontsize=ANNOT_SIZE)
            ax1.set_yticks(y, [label(x) for x in alpha["label"]])
            ax1.set_ylim(len(alpha) - 0.5, -0.6)
            for x in (ALPHA_TENTATIVE, ALPHA_RELIABLE):
                ax1.axvline(x, color="#777777", linestyle=":", linewidth=0.9, zorder=0)
            ax1.set_xlim(min(0.0, float(np.nanmin(alpha["alpha"])) if alpha["alpha"].notna().any() else 0.0), 1.12)
            ax1.set_xticks([0, 0.2, 0.4, 0.667, 0.8, 1.0], ["0", "0.2", "0.4", "0.667", "0.8", "1"])
            ax1.set_xlabel(style.tr("Krippendorff's alpha between the coders", "编码员间 Krippendorff α", lang))
            ax1.tick_params(axis="y", length=0)
        else:
            empty_panel(ax1, lang=lang)
        ax1.set_title(style.tr("A. Agreement between the coders", "A. 编码员间一致性", lang), loc="left")
        # B: precision and recall per code
        if n_codes:
            clabels, klabels = labels(code_labels(lang)), labels(kind_labels(lang))
            kinds = [k for k in kind_order() if k in set(codes["kind"])]
            kcol = kind_colors(kinds)
            y = np.arange(n_codes)
            h = 0.38
            for i, m in enumerate(("precision", "recall")):
                v = codes[m].astype(float).to_numpy()
                ax2.barh(y - h / 2 + i * h, np.nan_to_num(v), height=h * 0.95, color=PR_COLORS[m],
                         label=style.tr(m, "精确率" if m == "precision" else "召回率", lang))
            for yi, ng in zip(y, codes["n_gold"]):
                ax2.text(1.02, yi, f"n = {int(ng)}", va="center", fontsize=ANNOT_SIZE - 0.5, color="#333333")
            ax2.set_yticks(y, [clabels.get(c, label(c)) for c in codes["code"]])
            for t, k in zip(ax2.get_yticklabels(), codes["kind"]):
                t.set_color(kcol[k])
            ax2.set_ylim(n_codes - 0.5, -0.5)
            # kind separators
            edges = [i for i in range(1, n_codes) if codes["kind"].iat[i] != codes["kind"].iat[i - 1]]
            for e in edges:
                ax2.axhline(e - 0.5, color="#999999", linewidth=0.7)
            ax2.set_xlim(0, 1.14)
            ax2.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
            ax2.set_xlabel(style.tr("against the reconciled coding, held-out actions", "对照裁定编码（留出部分）", lang))
            ax2.tick_params(axis="y", length=0)
            handles = [Patch(color=PR_COLORS[m], label=style.tr(m, "精确率" if m == "precision" else "召回率", lang))
                       for m in ("precision", "recall")]
            handles += [Patch(color=kcol[k], label=klabels.get(k, label(k))) for k in kinds]
            fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=7.5)
        else:
            empty_panel(ax2, lang=lang)
        ax2.set_title(style.tr("B. The package's instrument coding", "B. 本软件包的政策工具编码", lang), loc="left")
        split = str(instr["split"].iloc[0]) if instr is not None and len(instr) and "split" in instr.columns else ""
        n_act = (int(instr["n_actions"].iloc[0]) if instr is not None and len(instr) and "n_actions" in instr.columns
                 else None)
        note = style.tr(
            "Two coders' independent codings and the reconciled gold (data/validation). Alpha: nominal, "
            "set-valued fields as present/absent decisions; dotted lines 0.667 and 0.8. Precision and recall on the "
            + (f"'{split}' part" if split else "held-out part")
            + (f" ({n_act} actions)" if n_act else "") + "; the rules were tuned on the other part; "
            "code labels coloured by kind.",
            "两名编码员的独立编码与裁定后的金标准（data/validation）。α 为名义尺度，集合型字段按有/无判断计算；"
            "虚线为 0.667 与 0.8。精确率与召回率基于" + (f"“{split}”部分" if split else "留出部分")
            + (f"（{n_act}项行动）" if n_act else "") + "，规则在另一部分上调试；细类名称按工具类型着色。", lang)
        return finish(fig, {"alpha": alpha, "codes": codes}, title, note)


__all__ = ["ALPHA_RELIABLE", "ALPHA_TENTATIVE", "validation"]
