"""Sentences on how the plans act: the instrument mix per plan, comparisons of plans by tests, the leading
kind by a test against the next, and the most used instruments as coded, corrected for the coding's errors and
as the adjudicated coding has them."""
from __future__ import annotations

import pandas as pd

from analysis.report.comparisons import p_text, tested_ranking
from analysis.report.wording import (agree, bullets, ci, count_word, counted, lower, names, pct, plural, with_ci)

KIND_NAMES = {"supply": "supply-side", "environment": "environment-side", "demand": "demand-side"}


def leading_kinds(composition: pd.DataFrame, tests: pd.DataFrame | None = None) -> dict[str, str | None]:
    """``{plan: kind}``: the kind of instrument that leads each plan, or ``None`` where no kind does.

    Parameters
    ----------
    composition : pandas.DataFrame
        :func:`analysis.compare.instrument_composition`.
    tests : pandas.DataFrame, optional
        :func:`analysis.compare.leading_kind_tests`: a kind leads where it is alone at the top and the test of
        its difference from the next kind is significant after adjustment.  Without tests, no kind is said to
        lead (intervals are not compared by eye).

    Returns
    -------
    dict
        Plan -> kind or None, for every plan with instrument codes.
    """
    plans = list(dict.fromkeys(composition.dropna(subset=["share"])["jurisdiction"]))
    if tests is None:
        return {j: None for j in plans}
    t = tests.set_index("jurisdiction")
    return {j: (t.loc[j, "kind"] if j in t.index and bool(t.loc[j, "leads"]) else None) for j in plans}


def instruments(kinds: pd.DataFrame, composition: pd.DataFrame, codes: pd.DataFrame, labels: dict[str, str],
                kind_labels: dict[str, str], code_labels: dict[str, str], kind_tests: pd.DataFrame | None = None,
                leading: pd.DataFrame | None = None, corrected: pd.DataFrame | None = None) -> str:
    """The instrument mix per plan, comparisons by tests, and what the coding's errors do to the shares.

    Parameters
    ----------
    kinds, composition, codes : pandas.DataFrame
        :func:`analysis.compare.instrument_mix` (kind, code) and :func:`analysis.compare.instrument_composition`.
    labels, kind_labels, code_labels : dict
        Labels.
    kind_tests : pandas.DataFrame, optional
        :func:`analysis.compare.kind_share_tests` ("higher" only from these).
    leading : pandas.DataFrame, optional
        :func:`analysis.compare.leading_kind_tests`.
    corrected : pandas.DataFrame, optional
        :func:`analysis.compare.misclassification.corrected_instrument_shares` with ``pooled=True`` (codes):
        the most used instruments as coded, corrected, and adjudicated.

    Returns
    -------
    str
        Markdown bullets.
    """
    out = []
    plans = list(dict.fromkeys(composition["jurisdiction"]))
    for j in plans:
        rows = composition[composition["jurisdiction"] == j]
        if rows["n_total"].iloc[0] == 0:
            out.append(f"{labels.get(j, j)}: no instrument coded.")
            continue
        n_total = int(rows["n_total"].iloc[0])
        out.append(f"{labels.get(j, j)}: " + ", ".join(
            f"{lower(kind_labels.get(x.kind, x.kind))} {pct(x.share)} {ci(x.share_lo, x.share_hi)}".strip()
            for x in rows.itertuples()) + f" of its instrument codes ({n_total} action × instrument "
            f"{plural(n_total, 'pair')}).")
    if leading is not None and len(leading):
        out.append(_leading_sentence(leading, labels, kind_labels))
    if kind_tests is not None and len(kind_tests) and len(plans) > 1:
        n = len(kind_tests)
        for k, g in kind_tests.groupby("kind", sort=False):
            out.append(tested_ranking(g, labels, f"actions using {kind_labels.get(k, k).lower()} instruments",
                                      n_family=n))
    if corrected is not None and len(corrected):
        out.append(_most_used(corrected, code_labels))
    else:
        pooled = codes.groupby("code", sort=False)[["n_using", "n_actions"]].sum()
        pooled["share"] = pooled["n_using"] / pooled["n_actions"]
        pooled = pooled.sort_values("share", ascending=False, kind="mergesort")
        n_all = int(pooled["n_actions"].iloc[0]) if len(pooled) else 0
        n_top = len(pooled.head(3))
        out.append(f"Across all {n_all} actions and safeguards, the {agree(n_top, 'instrument', 'instruments')} "
                   "the rules code most often: " + ", ".join(
                       f"{lower(code_labels.get(c, c))} ({pct(x.share)})" for c, x in pooled.head(3).iterrows())
                   + " (no validation sample applies to this corpus, so the coding's errors are not corrected).")
    out.append("Instruments are coded by rules (cues in the codebook). Two coders -- independent sessions of an AI "
               "assistant, not people (docs/validation.md) -- and an adjudicator coded every action of the shipped "
               "plans; the rules' errors on the held-out part are carried into the corrected shares.")
    return bullets(out)


def _leading_sentence(leading: pd.DataFrame, labels: dict[str, str], kind_labels: dict[str, str]) -> str:
    lead = leading[leading["leads"].astype(bool)]
    n = len(leading)
    rest = leading[~leading["leads"].astype(bool)]
    parts = [f"{labels.get(r.jurisdiction, r.jurisdiction)}: {lower(kind_labels.get(r.kind, r.kind))} "
             f"({pct(r.share)} against {pct(r.next_share)}, {p_text(r.p_adjusted)})" for r in lead.itertuples()]
    ties = [r.jurisdiction for r in rest.itertuples() if ";" in str(r.tied)]
    s = ("**Leading kind** (the largest kind of a plan's instrument codes against the next, paired cluster "
         f"bootstrap, Holm-adjusted over {counted(n, 'plan')}): ")
    if parts:
        s += "; ".join(parts)
        if len(rest):
            s += f"; in the other {count_word(len(rest))} no kind leads"
    elif n == 1:
        s += "in the one plan no kind leads the next by a test of the difference"
    else:
        s += (f"in {'neither plan' if n == 2 else 'none of the ' + count_word(n) + ' plans'} does one kind lead the "
              "next by a test of the difference")
    if ties:
        s += f" ({names(ties, labels)}: a tie at the top)"
    return s + "."


def _most_used(corrected: pd.DataFrame, code_labels: dict[str, str]) -> str:
    c = corrected.sort_values("share_raw", ascending=False, kind="mergesort")
    n = int(c["n_units"].iloc[0])
    top = c.head(3)
    raw = ", ".join(f"{lower(code_labels.get(x.code, x.code))} {with_ci(x.share_raw, x.share_raw_lo, x.share_raw_hi)}"
                    for x in top.itertuples())
    cor = c.sort_values("share_corrected", ascending=False, kind="mergesort").head(3)
    corr = ", ".join(f"{lower(code_labels.get(x.code, x.code))} "
                     f"{with_ci(x.share_corrected, x.share_corrected_lo, x.share_corrected_hi)}"
                     for x in cor.itertuples())
    s = (f"**Most used instruments** across all {n} actions and safeguards, as the rules code them: {raw}. "
         f"Corrected for the rules' errors (sensitivity and specificity on {int(c['n_validation'].iloc[0])} held-out "
         f"double-coded units, Rogan–Gladen): {corr}")
    adj = c.dropna(subset=["share_adjudicated"])
    if len(adj):
        a = adj.sort_values("share_adjudicated", ascending=False, kind="mergesort").head(4)
        s += ("; the adjudicated coding of the same units: " + ", ".join(
            f"{lower(code_labels.get(x.code, x.code))} {pct(x.share_adjudicated)}" for x in a.itertuples()))
    return s + ". Read the ranking of the coded shares with the corrected ones beside it."


__all__ = ["KIND_NAMES", "leading_kinds", "instruments"]
