"""The choices that move results, shown rather than hidden.

Each function takes the build's tables and returns a tidy table of how one
result changes with one choice:

- :func:`reuse_threshold` -- verbatim shares by shortest passage and with
  punctuation counted or not (``reuse_sensitivity.csv``);
- :func:`counterpart_threshold` -- the share of a plan's actions that have a
  counterpart in another plan, by similarity threshold, next to the share of
  *mutual* best matches (which needs no threshold);
- :func:`cluster_choices` -- the number of clusters and the clusters' quality
  by LSA size, and how much each partition agrees with the build's
  (``cluster_sensitivity.csv``, ``cluster_quality.csv``);
- :func:`mention_lexicon` -- group mention rates with the outlines' names for
  the groups only, and with the common wordings added (the build's lexicon).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.coding.codebook import load_codebook
from analysis.compare.intervals import poisson_rate, wilson
from analysis.compare.tables import plan_order, plans_of

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def reuse_threshold(sensitivity: pd.DataFrame, plans: list[str] | None = None) -> pd.DataFrame:
    """Every ordered pair of plans x passage length x punctuation, with 0 for pairs that share nothing.

    Columns: ``jurisdiction, other_jurisdiction, min_chars, punctuation, share``.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        ``reuse_sensitivity.csv`` (one row per pair, ``min_chars`` and ``punctuation`` that share text).
    plans : list of str, optional
        Every plan to pair; None: the plans named in *sensitivity*.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of different plans (plan order), passage length in the table (ascending) and
        ``punctuation`` (``counted``, ``excluded``); ``share`` of A's operative characters, 0.0 where the table
        has no row.
    """
    plans = plan_order(plans if plans is not None else list(sensitivity["jurisdiction"]) +
                       list(sensitivity["other_jurisdiction"]))
    idx = pd.MultiIndex.from_tuples([(a, b, n, p) for a in plans for b in plans if a != b
                                     for n in sorted(sensitivity["min_chars"].unique())
                                     for p in ("counted", "excluded")],
                                    names=["jurisdiction", "other_jurisdiction", "min_chars", "punctuation"])
    s = sensitivity.set_index(list(idx.names))["share"]
    return s.reindex(idx, fill_value=0.0).rename("share").reset_index()


def counterpart_threshold(alignment: pd.DataFrame, thresholds: tuple[float, ...] = THRESHOLDS,
                          build_threshold: float | None = None) -> pd.DataFrame:
    """Ordered pairs of plans x threshold: the share of A's actions whose best match in B reaches it.

    *build_threshold* (the build's ``match_threshold``) is added to *thresholds* when missing, so the
    value the report uses is always among the rows.

    Columns: ``jurisdiction, other_jurisdiction, threshold, n_actions, n_matched, share, share_lo,
    share_hi`` (Wilson), and ``n_mutual`` / ``share_mutual``: A's actions that are their match's best
    match too, whatever the similarity (the same in every row of a pair).

    Parameters
    ----------
    alignment : pandas.DataFrame
        ``alignment.csv`` (one row per action of A and other plan B: its best match and ``similarity``).
    thresholds : tuple of float
        Cosine similarities (0..1) tried; default :data:`THRESHOLDS`.
    build_threshold : float, optional
        The build's ``match_threshold``; None adds nothing.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair in *alignment* and threshold, sorted by plan order of A, of B, then threshold;
        the columns above (``share`` of A's aligned actions, 0..1).
    """
    if build_threshold is not None:
        thresholds = tuple(sorted(set(thresholds) | {float(build_threshold)}))
    a = alignment.copy()
    a["similarity"] = a["similarity"].astype(float)
    a["mutual"] = a["mutual"].astype(str).str.lower().isin(["true", "1"])
    rows = []
    for (j, o), g in a.groupby(["jurisdiction", "other_jurisdiction"], sort=False):
        n = len(g)
        mutual = int(g["mutual"].sum())
        for t in thresholds:
            k = int((g["similarity"] >= t).sum())
            lo, hi = wilson(k, n)
            rows.append({"jurisdiction": j, "other_jurisdiction": o, "threshold": t, "n_actions": n,
                         "n_matched": k, "share": k / n, "share_lo": lo, "share_hi": hi, "n_mutual": mutual,
                         "share_mutual": mutual / n})
    out = pd.DataFrame(rows)
    order = {p: i for i, p in enumerate(plan_order(list(out["jurisdiction"]) if len(out) else []))}
    if len(out):
        out = out.assign(_a=out["jurisdiction"].map(order), _b=out["other_jurisdiction"].map(order)).sort_values(
            ["_a", "_b", "threshold"], kind="mergesort").drop(columns=["_a", "_b"])
    return out.reset_index(drop=True)


def best_match_distribution(alignment: pd.DataFrame, pair_filter=None) -> pd.DataFrame:
    """Quantiles of the best-match similarity per ordered pair of plans (where a threshold would cut).

    Parameters
    ----------
    alignment : pandas.DataFrame
        ``alignment.csv``.
    pair_filter : object, optional
        Not used: accepted and ignored (every pair in *alignment* is summarised).

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair (``jurisdiction, other_jurisdiction``) in order of first appearance:
        ``median, p90, max`` of the best-match cosine similarity of A's actions, and ``n_actions``.
    """
    a = alignment.copy()
    a["similarity"] = a["similarity"].astype(float)
    rows = []
    for (j, o), g in a.groupby(["jurisdiction", "other_jurisdiction"], sort=False):
        q = g["similarity"].quantile([0.5, 0.9, 1.0]).to_numpy()
        rows.append({"jurisdiction": j, "other_jurisdiction": o, "median": q[0], "p90": q[1], "max": q[2],
                     "n_actions": len(g)})
    return pd.DataFrame(rows)


def cluster_choices(quality: pd.DataFrame, sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The k chosen in each LSA space with its quality, next to the build's; from the two cluster tables.

    Parameters
    ----------
    quality : pandas.DataFrame
        ``cluster_quality.csv`` (one row per k tried at the build's LSA size; ``chosen`` marks the build's k).
    sensitivity : pandas.DataFrame
        ``cluster_sensitivity.csv`` (one row per LSA size).

    Returns
    -------
    pandas.DataFrame
        A copy of *sensitivity* (one row per LSA size) with ``n_k_tried`` (rows of *quality*) and ``build_k``
        (the chosen k, NaN when none is marked) added.
    """
    out = sensitivity.copy()
    chosen = quality[quality["chosen"].astype(str).str.lower().isin(["true", "1"])]
    out["n_k_tried"] = len(quality)
    out["build_k"] = int(chosen["k"].iloc[0]) if len(chosen) else np.nan
    return out


def mention_lexicon(actions: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Plan x group: mention rates with the outlines' terms only and with the build's full lexicon.

    Columns: ``jurisdiction, group, mentions_core, mentions_all, per_10k_core, per_10k_all``, and
    intervals (exact Poisson) ``per_10k_core_lo/hi``, ``per_10k_all_lo/hi``.  A mention whose term is one of the group's
    ``more_terms`` (学生, 职工 …) counts only in the full lexicon.

    Parameters
    ----------
    actions, mentions : pandas.DataFrame
        ``actions.csv`` (operative characters, safeguards included) and ``group_mentions.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per plan and codebook group (plan and codebook order), the columns above; rates per 10,000
        operative characters, NaN for a plan without text.
    """
    cb = load_codebook()
    core = {t for g in cb.groups for t in g.terms}
    rows = []
    for j in plans_of(actions):
        op = int(actions.loc[actions["jurisdiction"] == j, "n_chars"].sum())
        m = mentions[mentions["jurisdiction"] == j]
        for g in cb.groups:
            mg = m[m["group"] == g.id]
            n_all = len(mg)
            n_core = int(mg["term"].isin(core).sum())
            lo, hi = poisson_rate(n_all, op)
            clo, chi = poisson_rate(n_core, op)
            rows.append({"jurisdiction": j, "group": g.id, "mentions_core": n_core, "mentions_all": n_all,
                         "per_10k_core": n_core / op * 1e4 if op else np.nan, "per_10k_core_lo": clo,
                         "per_10k_core_hi": chi,
                         "per_10k_all": n_all / op * 1e4 if op else np.nan, "per_10k_all_lo": lo,
                         "per_10k_all_hi": hi})
    return pd.DataFrame(rows)


__all__ = ["THRESHOLDS", "reuse_threshold", "counterpart_threshold", "best_match_distribution", "cluster_choices",
           "mention_lexicon"]
