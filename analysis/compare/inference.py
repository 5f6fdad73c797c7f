"""Comparisons by tests: is one plan's share higher than another's?

A sentence says "higher" or "lower" only from a direct test of the difference, at the unit that is
independent (:mod:`analysis.compare.units`), with a correction for the number of comparisons made:

- **Fisher's exact test** (:func:`fisher_difference`) for two shares of countable units that are
  independent (k of n actions, each its own unit);
- a **cluster bootstrap of the difference** (:func:`bootstrap_difference`) otherwise: each plan's units are
  resampled within their strata (:func:`analysis.compare.intervals.ratio_draws`), the difference of the two
  ratios is recomputed, and the two-sided p-value is twice the smaller tail of the draws at zero, counted as
  ``(k + 1) / (B + 1)`` (Davison & Hinkley 1997), so it is never 0;
- **Holm's step-down correction** (:func:`holm`; Holm 1979) over every comparison one set of sentences makes
  (one notebook's findings): it controls the family-wise error rate at ``alpha`` and is uniformly more
  powerful than Bonferroni.

:func:`pairwise_differences` runs every pair of plans on a table of units; :func:`tied_top` reports ties
as ties (the hub of a network, the most used kind).
"""
from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.compare.intervals import DEFAULT_BOOT, MIN_UNITS, ratio_draws

#: Family-wise error rate of the comparisons.
ALPHA = 0.05
#: Bootstrap draws of a test: the smallest p-value is 2 / (TEST_BOOT + 1) = 0.0002, small enough to survive
#: Holm's correction over the hundred-odd comparisons a notebook can make.
TEST_BOOT = 9999

#: Columns of :func:`pairwise_differences`.
PAIR_COLUMNS = ["jurisdiction", "other_jurisdiction", "estimate", "other_estimate", "difference", "difference_lo",
                "difference_hi", "n_units", "other_n_units", "method", "p_value", "p_adjusted", "direction"]


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries are left NaN and not counted).

    Parameters
    ----------
    p_values : sequence of float
        Raw p-values of one family of comparisons.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order: the i-th smallest of m is ``max_{j<=i} min(1, (m - j + 1) p_(j))``.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if not m:
        return out
    order = ok[np.argsort(p[ok], kind="mergesort")]
    adj = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(adj)
    return out


def fisher_difference(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of k1/n1 against k2/n2 (NaN when either n is 0).

    Parameters
    ----------
    k1, n1, k2, n2 : int
        Successes and units of the two samples.

    Returns
    -------
    float
        The p-value.
    """
    from scipy.stats import fisher_exact  # scipy.stats takes ~0.5 s to import; only this test needs it

    if n1 <= 0 or n2 <= 0:
        return float("nan")
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")[1])


def bootstrap_difference(a: pd.DataFrame, b: pd.DataFrame, n_boot: int = DEFAULT_BOOT, seed: int = 0,
                         conf: float = 0.95, min_units: int = MIN_UNITS) -> dict:
    """The difference of two ratios ``sum(num) / sum(den)``, with a cluster-bootstrap interval and p-value.

    Parameters
    ----------
    a, b : pandas.DataFrame
        Unit tables (columns ``num``, ``den``, and optionally ``cluster`` and ``stratum``), one per plan.
    n_boot, seed : int
        Draws per plan; plan *a* draws with *seed*, plan *b* with ``seed + 1``.
    conf : float
        Confidence level of the interval of the difference.
    min_units : int
        Fewest clusters per plan.

    Returns
    -------
    dict
        ``difference, difference_lo, difference_hi, p_value`` (NaN where a plan has too few units).
    """
    ra = _draws(a, n_boot, seed, min_units)
    rb = _draws(b, n_boot, seed + 1, min_units)
    est = _ratio(a) - _ratio(b)
    if ra is None or rb is None:
        return {"difference": est, "difference_lo": np.nan, "difference_hi": np.nan, "p_value": np.nan}
    n = min(len(ra), len(rb))
    d = ra[:n] - rb[:n]
    q = (1 - conf) / 2
    tail = min(int((d <= 0).sum()), int((d >= 0).sum()))
    return {"difference": est, "difference_lo": float(np.quantile(d, q)), "difference_hi": float(np.quantile(d, 1 - q)),
            "p_value": min(1.0, 2 * (tail + 1) / (n + 1))}


def paired_difference(num1, num2, den, clusters=None, strata=None, n_boot: int = DEFAULT_BOOT, seed: int = 0,
                      conf: float = 0.95, min_units: int = MIN_UNITS) -> dict:
    """Difference of two ratios over the *same* units, ``sum(num1)/sum(den) - sum(num2)/sum(den)``, with a
    paired cluster-bootstrap interval and p-value (every draw resamples the units once, for both ratios).

    Parameters
    ----------
    num1, num2, den : sequence of float
        One value per row (action).
    clusters, strata : sequence, optional
        As :func:`analysis.compare.intervals.ratio_draws`.
    n_boot, seed, min_units : int
        Draws, seed, fewest clusters.
    conf : float
        Confidence level.

    Returns
    -------
    dict
        ``difference, difference_lo, difference_hi, p_value`` (NaN intervals and p with too few units).
    """
    num1, num2, den = (np.asarray(x, dtype=float) for x in (num1, num2, den))
    tot = den.sum()
    est = (num1.sum() - num2.sum()) / tot if tot > 0 else float("nan")
    d = ratio_draws(num1 - num2, den, clusters, strata, n_boot, seed, min_units)
    if d is None or not len(d):
        return {"difference": est, "difference_lo": np.nan, "difference_hi": np.nan, "p_value": np.nan}
    q = (1 - conf) / 2
    tail = min(int((d <= 0).sum()), int((d >= 0).sum()))
    return {"difference": est, "difference_lo": float(np.quantile(d, q)), "difference_hi": float(np.quantile(d, 1 - q)),
            "p_value": min(1.0, 2 * (tail + 1) / (len(d) + 1))}


def _ratio(u: pd.DataFrame) -> float:
    den = float(u["den"].sum())
    return float(u["num"].sum()) / den if den > 0 else float("nan")


def _draws(u: pd.DataFrame, n_boot: int, seed: int, min_units: int):
    return ratio_draws(u["num"].to_numpy(float), u["den"].to_numpy(float),
                       u["cluster"] if "cluster" in u else None, u["stratum"] if "stratum" in u else None,
                       n_boot, seed, min_units)


def _independent_binary(u: pd.DataFrame) -> bool:
    """Every row its own unit, one unit each, counted 0 or 1, no strata: Fisher's test applies."""
    clusters_ok = "cluster" not in u or u["cluster"].nunique() == len(u)
    strata_ok = "stratum" not in u or u["stratum"].nunique() <= 1
    return bool(clusters_ok and strata_ok and (u["den"] == 1).all() and u["num"].isin([0, 1]).all())


def pairwise_differences(units: pd.DataFrame, plans: Sequence[str] | None = None, alpha: float = ALPHA,
                         n_boot: int = TEST_BOOT, seed: int = 0, min_units: int = MIN_UNITS,
                         adjust: bool = True) -> pd.DataFrame:
    """Test every pair of plans for a difference in ``sum(num) / sum(den)``.

    Fisher's exact test where both plans' units are independent 0/1 rows (:func:`fisher_difference`), the
    cluster bootstrap of the difference otherwise (:func:`bootstrap_difference`).  One row per unordered pair,
    in plan order.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit of measurement (an action): ``jurisdiction, num, den`` and optionally ``cluster``
        (the independent unit) and ``stratum``.
    plans : sequence of str, optional
        The plans compared, in order (default: those of *units*, in order of appearance).
    alpha : float
        Family-wise error rate: ``direction`` is +1 or -1 only where ``p_adjusted < alpha``.
    n_boot, seed, min_units : int
        As :func:`bootstrap_difference` (each pair draws with its own seed, from *seed* up).
    adjust : bool
        Holm-adjust over the pairs (False leaves ``p_adjusted`` equal to ``p_value``, for a caller that adjusts
        a larger family with :func:`adjust_family`).

    Returns
    -------
    pandas.DataFrame
        :data:`PAIR_COLUMNS`: ``difference`` = estimate - other_estimate; ``direction`` +1 (higher), -1
        (lower) or 0 (the test does not tell them apart).
    """
    plans = list(plans) if plans is not None else list(dict.fromkeys(units["jurisdiction"]))
    by = {j: g for j, g in units.groupby("jurisdiction", sort=False)}
    rows = []
    for i, (a, b) in enumerate(itertools.combinations(plans, 2)):
        ua, ub = by.get(a), by.get(b)
        if ua is None or ub is None or not len(ua) or not len(ub):
            continue
        na = int(ua["cluster"].nunique()) if "cluster" in ua else len(ua)
        nb = int(ub["cluster"].nunique()) if "cluster" in ub else len(ub)
        if _independent_binary(ua) and _independent_binary(ub):
            p = fisher_difference(int(ua["num"].sum()), len(ua), int(ub["num"].sum()), len(ub))
            res = {"difference": _ratio(ua) - _ratio(ub), "difference_lo": np.nan, "difference_hi": np.nan,
                   "p_value": p}
            method = "fisher"
        else:
            res = bootstrap_difference(ua, ub, n_boot, seed + 2 * i, min_units=min_units)
            method = "cluster_bootstrap"
        rows.append({"jurisdiction": a, "other_jurisdiction": b, "estimate": _ratio(ua), "other_estimate": _ratio(ub),
                     **res, "n_units": na, "other_n_units": nb, "method": method})
    out = pd.DataFrame(rows, columns=[c for c in PAIR_COLUMNS if c not in ("p_adjusted", "direction")])
    out["p_adjusted"] = holm(out["p_value"]) if adjust else out["p_value"]
    return _directions(out, alpha)


def _directions(out: pd.DataFrame, alpha: float) -> pd.DataFrame:
    sig = out["p_adjusted"].lt(alpha)
    out["direction"] = np.where(sig, np.sign(out["difference"]), 0).astype(int)
    return out[PAIR_COLUMNS]


def adjust_family(tables: Sequence[pd.DataFrame], alpha: float = ALPHA) -> list[pd.DataFrame]:
    """Holm-adjust the ``p_value`` of several tables of :func:`pairwise_differences` as one family.

    Parameters
    ----------
    tables : sequence of pandas.DataFrame
        Results of :func:`pairwise_differences` (any ``p_adjusted`` they hold is replaced).
    alpha : float
        Family-wise error rate.

    Returns
    -------
    list of pandas.DataFrame
        The tables, with ``p_adjusted`` and ``direction`` recomputed over all their rows together.
    """
    sizes = [len(t) for t in tables]
    adj = holm(np.concatenate([t["p_value"].to_numpy(float) for t in tables]) if tables else [])
    out, at = [], 0
    for t, n in zip(tables, sizes):
        t = t.copy()
        t["p_adjusted"] = adj[at:at + n]
        at += n
        out.append(_directions(t, alpha))
    return out


def tied_top(values: dict, tol: float = 1e-9) -> list:
    """The keys sharing the largest value (within *tol*), in the order of *values*: a tie is reported as one.

    Parameters
    ----------
    values : dict
        Key -> number (NaN values are ignored).
    tol : float
        Values this close to the largest are tied with it.

    Returns
    -------
    list
        The tied keys (empty when there is no number).
    """
    vals = {k: v for k, v in values.items() if v == v}
    if not vals:
        return []
    top = max(vals.values())
    return [k for k, v in vals.items() if v >= top - tol]


__all__ = ["ALPHA", "TEST_BOOT", "PAIR_COLUMNS", "holm", "fisher_difference", "bootstrap_difference", "paired_difference",
           "pairwise_differences",
           "adjust_family", "tied_top"]
