"""The measures of the validation kit: Krippendorff's alpha for binary decisions, and their intervals.

:func:`alpha_binary` is Krippendorff's alpha (nominal) of two coders from the
2×2 counts; :func:`compare` computes, for groups of code columns of two
presence matrices (units × codes), the counts, alpha and -- for the package
against a reference -- precision, recall and F1, with Wilson intervals for
precision and recall and percentile intervals of a stratified bootstrap over
units (:func:`boot_weights`) for alpha and F1.
"""
from __future__ import annotations

import numpy as np

from analysis.compare.intervals import wilson

def alpha_binary(a11, a10, a01, n_units):
    """Krippendorff's alpha (nominal) of two coders over *n_units* units, value present/absent.

    Parameters
    ----------
    a11, a10, a01 : array-like
        Units both coders mark present, only the first, only the second.
    n_units : array-like
        Units (each coded by both).

    Returns
    -------
    numpy.ndarray or float
        ``1 - (2N - 1) d / (n0 n1)`` with ``d = a10 + a01`` and ``n1``/``n0`` the values present/absent;
        NaN where there is no variation (``n0 n1 = 0``).  The same number ``krippendorff.alpha(...,
        level_of_measurement="nominal")`` gives.
    """
    a11, a10, a01, n = (np.asarray(x, dtype=float) for x in (a11, a10, a01, n_units))
    d = a10 + a01
    n1 = 2 * a11 + d
    n0 = 2 * (n - a11 - d) + d
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((n0 > 0) & (n1 > 0), 1.0 - (2 * n - 1) * d / (n0 * n1), np.nan)
    return out if out.ndim else float(out)


def boot_weights(strata: list[str], n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap draws over units, resampled within their strata.

    Parameters
    ----------
    strata : list of str
        The stratum of each unit.
    n_boot : int
        Draws.
    seed : int
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        ``(n_boot, units)``: how often each unit is drawn in each draw; every stratum keeps its number of
        units in every draw.
    """
    rng = np.random.default_rng(seed)
    w = np.zeros((n_boot, len(strata)))
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(strata):
        groups.setdefault(s, []).append(i)
    rows = np.arange(n_boot)
    for idx in groups.values():
        idx = np.asarray(idx)
        draws = idx[rng.integers(0, len(idx), size=(n_boot, len(idx)))]
        np.add.at(w, (np.repeat(rows, len(idx)), draws.ravel()), 1)
    return w


def _interval(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5th and 97.5th percentiles of each column over finite draws (NaN where half the draws are undefined)."""
    lo, hi = np.full(draws.shape[1], np.nan), np.full(draws.shape[1], np.nan)
    for c in range(draws.shape[1]):
        x = draws[:, c]
        x = x[np.isfinite(x)]
        if len(x) >= draws.shape[0] / 2:
            lo[c], hi[c] = np.percentile(x, [2.5, 97.5])
    return lo, hi


def _wilson(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = [wilson(float(a), float(b)) for a, b in zip(k, n)]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def compare(ref: np.ndarray, other: np.ndarray, groups: list[tuple[str, str, str, bool, list[int]]], w: np.ndarray,
            accuracy: bool) -> dict[str, np.ndarray]:
    """Measures of *other* against *ref* for every group of code columns.

    Parameters
    ----------
    ref, other : numpy.ndarray
        Presence matrices (units × codes, bool): the reference and the compared coding.
    groups : list of tuple
        ``(dimension, code, name, leaf, columns)``: the decisions of *columns* are pooled (one column for a
        code, the leaf codes' columns for a dimension).
    w : numpy.ndarray
        Bootstrap draws (:func:`boot_weights`).
    accuracy : bool
        Also precision, recall and F1 of *other* against *ref*.

    Returns
    -------
    dict of numpy.ndarray
        Per group: ``n_units``, ``n_reference``, ``n_compared``, ``n_both`` (decisions marked present),
        ``alpha`` with ``alpha_lo``/``alpha_hi`` (bootstrap percentiles), and with *accuracy*
        ``precision``/``recall`` with Wilson intervals and ``f1`` with bootstrap percentiles.
    """
    x, y = ref.astype(float), other.astype(float)
    both, only_ref, only_other = x * y, x * (1 - y), (1 - x) * y
    agg = np.stack([both, only_ref, only_other], axis=0)  # 3 × units × codes
    cols = [g[4] for g in groups]
    n_units = ref.shape[0]

    def pooled(m):  # units × codes -> units × groups (sum over each group's columns)
        return np.stack([m[:, c].sum(axis=1) for c in cols], axis=1) if cols else np.zeros((m.shape[0], 0))

    tp, fn, fp = (pooled(agg[i]) for i in range(3))  # units × groups
    sizes = np.array([len(c) for c in cols], dtype=float)
    TP, FN, FP = tp.sum(0), fn.sum(0), fp.sum(0)
    N = n_units * sizes
    res = {"n_units": np.full(len(cols), n_units), "n_reference": TP + FN, "n_compared": TP + FP, "n_both": TP,
           "alpha": alpha_binary(TP, FN, FP, N)}
    bTP, bFN, bFP = w @ tp, w @ fn, w @ fp
    res["alpha_lo"], res["alpha_hi"] = _interval(alpha_binary(bTP, bFN, bFP, w.sum(1, keepdims=True) * sizes))
    if accuracy:
        with np.errstate(divide="ignore", invalid="ignore"):
            res["precision"] = np.where(TP + FP > 0, TP / (TP + FP), np.nan)
            res["recall"] = np.where(TP + FN > 0, TP / (TP + FN), np.nan)
            res["f1"] = np.where(2 * TP + FP + FN > 0, 2 * TP / (2 * TP + FP + FN), np.nan)
            bf1 = np.where(2 * bTP + bFP + bFN > 0, 2 * bTP / (2 * bTP + bFP + bFN), np.nan)
        res["precision_lo"], res["precision_hi"] = _wilson(TP, TP + FP)
        res["recall_lo"], res["recall_hi"] = _wilson(TP, TP + FN)
        res["f1_lo"], res["f1_hi"] = _interval(bf1)
    return res


__all__ = ["alpha_binary", "boot_weights", "compare"]
