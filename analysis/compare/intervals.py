"""Uncertainty of the rates and shares the comparisons report.

Three kinds of interval, each for the kind of number it suits (95% by default):

- **Wilson score interval** (:func:`wilson`) for a share of *countable units*:
  k of n actions are measurable, k of n assigned actions name 科协.
- **Exact Poisson interval** (Garwood, :func:`poisson_rate`) for a count per
  exposure: mentions of a group per 10,000 characters.  It treats mentions
  as a Poisson process along the text, which is an idealisation (mentions
  cluster inside a group's own action), so the interval is a lower bound on
  the real uncertainty.
- **Bootstrap over actions** (:func:`bootstrap_ratio`) for shares of
  *characters* or of *weighted load*, whose units (characters, 1/k shares) are
  not independent: the plan's actions are resampled with replacement and the
  ratio recomputed; the 2.5th and 97.5th percentiles are the interval.  Fixed
  seed, so the same data give the same interval.
- **Cluster bootstrap** (:func:`cluster_bootstrap_ratio`): the same, resampling
  the independent units (department lists, tasks; :mod:`analysis.compare.units`)
  within strata (group lines), so a number decided once for a list varies
  between lists only, and a line that exists is never drawn away.
- **Wilson with the design's effective size** (:func:`wilson_clustered`) for a
  share of actions when actions come in clusters that decide it together.

Resampling intervals need at least :data:`MIN_UNITS` independent units; with
fewer they are not computed (NaN), since a percentile bootstrap over a handful
of units gives intervals of no stated coverage (``[40.0–40.0%]`` on three).

:func:`differ` says whether two intervals support "higher"/"lower": only
when they do not overlap (a conservative reading; overlapping intervals can
still differ significantly, so "no difference shown" is what overlap means).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
DEFAULT_BOOT = 2000
#: Fewest independent units (actions, lists, tasks) a resampling interval is computed from.
MIN_UNITS = 5


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion *k/n* (``(nan, nan)`` for n = 0).

    Parameters
    ----------
    k, n : float
        Successes and trials.
    z : float
        Normal quantile of the confidence level (default 1.96, 95%).

    Returns
    -------
    tuple of float
        ``(lo, hi)``, clipped to 0..1.
    """
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_rate(count: float, exposure: float, per: float = 10_000, conf: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval of the rate *count* per *per* units of *exposure*.

    Parameters
    ----------
    count : float
        Events observed.
    exposure : float
        Units of exposure (e.g. characters of text); 0 or less gives ``(nan, nan)``.
    per : float
        Rate per this many units of exposure (default 10,000).
    conf : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lo, hi)`` of the rate, per *per* units; ``lo`` is 0 for a count of 0.
    """
    from scipy.stats import chi2  # scipy.stats takes ~0.5 s to import; only this test needs it

    if exposure <= 0:
        return float("nan"), float("nan")
    a = 1 - conf
    lo = 0.0 if count == 0 else chi2.ppf(a / 2, 2 * count) / 2
    hi = chi2.ppf(1 - a / 2, 2 * count + 2) / 2
    return lo / exposure * per, hi / exposure * per


def bootstrap_ratio(num: Sequence[float], den: Sequence[float], n_boot: int = DEFAULT_BOOT, seed: int = 0,
                    conf: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(num) / sum(den)`` resampling the units (rows) with replacement.

    Parameters
    ----------
    num, den : sequence of float
        One value per unit: its numerator and denominator.
    n_boot, seed : int
        Bootstrap draws and seed.
    conf : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lo, hi)``; ``(nan, nan)`` with fewer than :data:`MIN_UNITS` units, a zero denominator or no finite draw.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    n = len(num)
    if n < MIN_UNITS or den.sum() <= 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    r = r[np.isfinite(r)]
    if not len(r):
        return float("nan"), float("nan")
    a = (1 - conf) / 2
    return float(np.quantile(r, a)), float(np.quantile(r, 1 - a))


def bootstrap_statistic(units: Sequence, statistic, n_boot: int = DEFAULT_BOOT, seed: int = 0,
                        conf: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(sample)`` over resamples of *units* (a list).

    Parameters
    ----------
    units : sequence
        The units resampled (any objects *statistic* takes a list of).
    statistic : callable
        ``list of units -> float``; NaN results are dropped.
    n_boot, seed : int
        Bootstrap draws and seed.
    conf : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lo, hi)``; ``(nan, nan)`` with fewer than :data:`MIN_UNITS` units or no non-NaN draw.
    """
    units = list(units)
    if len(units) < MIN_UNITS:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(units), size=len(units))
        v = statistic([units[i] for i in idx])
        if v == v:
            vals.append(v)
    if not vals:
        return float("nan"), float("nan")
    a = (1 - conf) / 2
    return float(np.quantile(vals, a)), float(np.quantile(vals, 1 - a))


def _codes(x, n: int) -> np.ndarray:
    """Integer codes of the labels *x* (every row its own label when *x* is None), in order of appearance."""
    if x is None:
        return np.arange(n)
    return pd.factorize(pd.Series(list(x), dtype=object), sort=False)[0]


def ratio_draws(num: Sequence[float], den: Sequence[float], clusters=None, strata=None, n_boot: int = DEFAULT_BOOT,
                seed: int = 0, min_units: int = MIN_UNITS) -> np.ndarray | None:
    """Bootstrap draws of ``sum(num) / sum(den)``, resampling *clusters* with replacement within *strata*.

    Parameters
    ----------
    num, den : sequence of float
        One value per row (action).
    clusters : sequence, optional
        The independent unit of each row (rows of one cluster are drawn together); default: every row.
    strata : sequence, optional
        The stratum of each row: each stratum draws as many clusters as it has, from its own clusters only.
        A cluster must lie in one stratum (the first stratum it appears in is used).
    n_boot, seed : int
        Number of draws and the seed of the generator.
    min_units : int
        Fewest clusters for which draws are made.

    Returns
    -------
    numpy.ndarray or None
        *n_boot* ratios (draws with a zero denominator dropped), or None with fewer than *min_units*
        clusters or a zero denominator.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    n = len(num)
    if n == 0 or den.sum() <= 0:
        return None
    c = _codes(clusters, n)
    n_c = int(c.max()) + 1
    if n_c < min_units:
        return None
    num_c = np.bincount(c, weights=num, minlength=n_c)
    den_c = np.bincount(c, weights=den, minlength=n_c)
    s = _codes(strata, n) if strata is not None else np.zeros(n, dtype=np.int64)
    stratum_of = np.full(n_c, -1)
    for ci, si in zip(c, s):
        if stratum_of[ci] < 0:
            stratum_of[ci] = si
    rng = np.random.default_rng(seed)
    tot_num = np.zeros(n_boot)
    tot_den = np.zeros(n_boot)
    for h in range(int(stratum_of.max()) + 1):
        members = np.flatnonzero(stratum_of == h)
        if not len(members):
            continue
        idx = members[rng.integers(0, len(members), size=(n_boot, len(members)))]
        tot_num += num_c[idx].sum(axis=1)
        tot_den += den_c[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = tot_num / tot_den
    return r[np.isfinite(r)]


def cluster_bootstrap_ratio(num: Sequence[float], den: Sequence[float], clusters=None, strata=None,
                            n_boot: int = DEFAULT_BOOT, seed: int = 0, conf: float = 0.95,
                            min_units: int = MIN_UNITS) -> tuple[float, float]:
    """Percentile interval of ``sum(num) / sum(den)`` from :func:`ratio_draws` (clusters within strata).

    Parameters
    ----------
    num, den, clusters, strata, n_boot, seed, min_units
        As :func:`ratio_draws`.
    conf : float
        Confidence level (0.95).

    Returns
    -------
    tuple of float
        ``(lo, hi)``; ``(nan, nan)`` with fewer than *min_units* clusters.
    """
    r = ratio_draws(num, den, clusters, strata, n_boot, seed, min_units)
    if r is None or not len(r):
        return float("nan"), float("nan")
    a = (1 - conf) / 2
    return float(np.quantile(r, a)), float(np.quantile(r, 1 - a))


def design_effect(y: Sequence[float], clusters=None) -> float:
    """The design effect of the share ``mean(y)`` of 0/1 values *y* drawn in *clusters*.

    The ratio of its variance under cluster sampling (the linearised variance of a ratio estimator over the
    clusters, with the factor ``n_c / (n_c - 1)``) to its variance under simple random sampling, truncated
    below at 1 (Korn & Graubard 1998).  Where the share is 0 or 1 both variances vanish; the design effect is
    then that of clusters whose members always agree, ``sum(m_c**2) / n`` (the size-weighted mean cluster
    size).  Without clustering (every cluster of one row) it is 1.

    Parameters
    ----------
    y : sequence of float
        One 0/1 value per row.
    clusters : sequence, optional
        The cluster of each row.

    Returns
    -------
    float
        The design effect (>= 1); NaN for no rows.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n == 0:
        return float("nan")
    c = _codes(clusters, n)
    n_c = int(c.max()) + 1
    m = np.bincount(c, minlength=n_c).astype(float)
    if n_c == n:
        return 1.0
    p = y.mean()
    if p <= 0 or p >= 1 or n_c < 2:
        return float(max(1.0, (m ** 2).sum() / n))
    t = np.bincount(c, weights=y, minlength=n_c)
    var_c = n_c / (n_c - 1) * ((t - p * m) ** 2).sum() / n ** 2
    var_srs = p * (1 - p) / n
    return float(max(1.0, var_c / var_srs))


def wilson_clustered(y: Sequence[float], clusters=None, z: float = Z95) -> tuple[float, float, float]:
    """Wilson interval of the share ``mean(y)`` with the effective sample size of a cluster design.

    The Wilson interval of ``p`` with ``n_eff = n / deff`` units (:func:`design_effect`; Korn & Graubard
    1998).  Without clustering it is :func:`wilson`.  Where the clusters decide the value for all their
    members (科协 named by a task's shared division of work) and every cluster agrees, ``n_eff`` is about the
    number of clusters, not of actions.

    Parameters
    ----------
    y : sequence of float
        One 0/1 value per row (action).
    clusters : sequence, optional
        The cluster of each row.
    z : float
        The normal quantile (1.96 for 95%).

    Returns
    -------
    tuple of float
        ``(lo, hi, n_eff)``; NaN for no rows.
    """
    y = np.asarray(y, dtype=float)
    if not len(y):
        return float("nan"), float("nan"), float("nan")
    n_eff = len(y) / design_effect(y, clusters)
    lo, hi = wilson(float(y.mean()) * n_eff, n_eff, z)
    return lo, hi, float(n_eff)


def differ(lo1: float, hi1: float, lo2: float, hi2: float) -> int:
    """+1 if interval 1 lies above interval 2, -1 if below, 0 if they overlap (or are undefined).

    Parameters
    ----------
    lo1, hi1 : float
        Bounds of interval 1.
    lo2, hi2 : float
        Bounds of interval 2.

    Returns
    -------
    int
        1, -1 or 0.
    """
    if any(x != x for x in (lo1, hi1, lo2, hi2)):
        return 0
    if lo1 > hi2:
        return 1
    if hi1 < lo2:
        return -1
    return 0


__all__ = ["wilson", "poisson_rate", "bootstrap_ratio", "bootstrap_statistic", "differ", "ratio_draws",
           "cluster_bootstrap_ratio", "design_effect", "wilson_clustered", "Z95", "DEFAULT_BOOT", "MIN_UNITS"]
