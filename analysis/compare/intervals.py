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

:func:`differ` says whether two intervals support "higher"/"lower": only
when they do not overlap (a conservative reading; overlapping intervals can
still differ significantly, so "no difference shown" is what overlap means).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

Z95 = 1.959963984540054
DEFAULT_BOOT = 2000


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion *k/n* (``(nan, nan)`` for n = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_rate(count: float, exposure: float, per: float = 10_000, conf: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval of the rate *count* per *per* units of *exposure*."""
    from scipy.stats import chi2

    if exposure <= 0:
        return float("nan"), float("nan")
    a = 1 - conf
    lo = 0.0 if count == 0 else chi2.ppf(a / 2, 2 * count) / 2
    hi = chi2.ppf(1 - a / 2, 2 * count + 2) / 2
    return lo / exposure * per, hi / exposure * per


def bootstrap_ratio(num: Sequence[float], den: Sequence[float], n_boot: int = DEFAULT_BOOT, seed: int = 0,
                    conf: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(num) / sum(den)`` resampling the units (rows) with replacement."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    n = len(num)
    if n == 0 or den.sum() <= 0:
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
    """Percentile bootstrap interval of ``statistic(sample)`` over resamples of *units* (a list)."""
    units = list(units)
    if not units:
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


def differ(lo1: float, hi1: float, lo2: float, hi2: float) -> int:
    """+1 if interval 1 lies above interval 2, -1 if below, 0 if they overlap (or are undefined)."""
    if any(x != x for x in (lo1, hi1, lo2, hi2)):
        return 0
    if lo1 > hi2:
        return 1
    if hi1 < lo2:
        return -1
    return 0


__all__ = ["wilson", "poisson_rate", "bootstrap_ratio", "bootstrap_statistic", "differ", "Z95", "DEFAULT_BOOT"]
