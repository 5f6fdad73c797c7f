"""Choosing k and measuring how firm a clustering is, at a cost in proportion to what is learnt.

**The score.**  Every k of ``k_min..k_max`` is scored by the mean of three numbers: the mean cosine
silhouette of the k-means partition, its stability across seeds (mean adjusted Rand index, ARI, between the
partition and k-means runs with other seeds) and its stability across bootstrap resamples (mean ARI between
the partition and k-means fitted on a resample of the rows and applied to every row).  The score's standard
error comes from the spread of the stability runs.

**The rule** (:func:`select_k`): the smallest k whose score is within one standard error of the best score
(the one-standard-error rule of Breiman et al. 1984): k is weakly identified on short texts -- neighbouring
k score within noise of each other -- and among k the data cannot tell apart the simplest is chosen.  The
choice is flagged (``edge``) where the range may have set it: ``upper`` when the last k tried scores within
that standard error of the best (a larger k might score higher still), ``lower`` when the chosen k is the
first tried.

**The cost.**  Stability runs are the expensive part (each is a full k-means).  They are made in rounds,
every round one seed run and one resample run for each k still in contention; resamples are shared by all k
(common random numbers).  After ``min_runs`` rounds, a k whose score lies more than two standard errors below
the threshold of the rule is dropped, and the rounds stop as soon as the chosen k stays the same for two
rounds in a row, or after ``max_runs``.  The k-means fit of every k tried is kept, so the chosen k's
clustering is not fitted again, and its runs are kept for the reported stabilities and for:

**Co-assignment stability** (:func:`coassignment_stability`): for each row, the mean over the runs at the
chosen k of the Jaccard index between its cluster and the set of rows the run puts with it -- 1 when every
run keeps exactly its cluster's members together, near 0 when its company changes from run to run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score

#: Columns of the quality table (one row per k tried).
QUALITY_COLUMNS = ["k", "silhouette", "silhouette_full", "stability_seeds_ari", "stability_bootstrap_ari", "score",
                   "score_se", "runs", "chosen", "edge"]


@dataclass
class Runs:
    """The stability runs at one k: labels of every row (of the full matrix) per run, and their ARI with the
    partition on the rows k is chosen on."""

    seed_labels: list = field(default_factory=list)
    boot_labels: list = field(default_factory=list)
    seed_ari: list = field(default_factory=list)
    boot_ari: list = field(default_factory=list)

    def score(self, silhouette: float) -> tuple[float, float, float, float]:
        """``(mean seed ARI, mean resample ARI, score, standard error of the score)``.

        Parameters
        ----------
        silhouette : float
            The silhouette of the partition at this k.

        Returns
        -------
        tuple of 4 float
            The two mean ARIs (``nan`` with no runs), the score (mean of the silhouette and the ARIs that are not
            ``nan``) and its standard error from the runs' variances.
        """
        s = float(np.mean(self.seed_ari)) if self.seed_ari else float("nan")
        b = float(np.mean(self.boot_ari)) if self.boot_ari else float("nan")
        parts = [silhouette] + [x for x in (s, b) if x == x]
        var = sum(float(np.var(x, ddof=1)) / len(x) for x in (self.seed_ari, self.boot_ari) if len(x) > 1)
        return s, b, float(np.mean(parts)), float(np.sqrt(var)) / len(parts)


def adjusted_rand_score(a, b) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie 1985), as :func:`sklearn.metrics.adjusted_rand_score`
    computes it, from a contingency table built with :func:`numpy.bincount` (a stability run is cheap; the
    checks of scikit-learn's version cost more than the index on these small tables).

    Parameters
    ----------
    a, b : array-like
        Two labelings of the same rows (any hashable labels).

    Returns
    -------
    float
        1.0 for identical partitions (and for fewer than two rows), about 0 for chance agreement.
    """
    a = pd.factorize(np.asarray(a))[0]
    b = pd.factorize(np.asarray(b))[0]
    n = len(a)
    if n < 2:
        return 1.0
    nb = int(b.max()) + 1
    table = np.bincount(a * nb + b, minlength=(int(a.max()) + 1) * nb).astype(np.float64)
    pairs = lambda x: float((x * (x - 1)).sum() / 2)  # noqa: E731
    s_ij = pairs(table)
    s_a = pairs(np.bincount(a).astype(np.float64))
    s_b = pairs(np.bincount(b).astype(np.float64))
    total = n * (n - 1) / 2
    expected = s_a * s_b / total
    maximum = (s_a + s_b) / 2
    if maximum == expected:  # both labelings trivial (one cluster, or every row its own): identical
        return 1.0
    return float((s_ij - expected) / (maximum - expected))


def _stability_run(Z_fit, Z_all, sample, k, seed, idx, random_state, n_init, fit):
    """One seed run (seed *seed*) and one resample run (rows *idx*), each applied to every row of *Z_all*."""
    s = fit(Z_fit, k, seed, n_init)
    b = fit(Z_fit[idx], k, random_state, n_init)
    return s.predict(Z_all), b.predict(Z_all)


def select_k(Z: np.ndarray, k_min: int, k_max: int, random_state: int, n_init: int, fit, max_runs: int = 5,
             min_runs: int = 2, X_full=None, Z_all: np.ndarray | None = None, sample: np.ndarray | None = None):
    """Choose k by the one-standard-error rule, with stability runs in rounds (module docstring).

    Parameters
    ----------
    Z : numpy.ndarray
        The rows k is chosen on (a sample of *Z_all*, or all of it).
    k_min, k_max : int
        The range (capped to ``2 <= k < len(Z)``).
    random_state, n_init : int
        K-means seed and restarts; seed runs use ``random_state + r``, resample r draws with the same seed.
    fit : callable
        ``fit(Z, k, random_state, n_init)`` -> a fitted k-means with ``labels_`` and ``predict``.
    max_runs, min_runs : int
        Rounds of stability runs: at most *max_runs* (0: silhouette alone), at least *min_runs* before k are
        dropped or the rounds stop.
    X_full : array-like, optional
        Full-dimensional vectors of the rows of *Z*, for ``silhouette_full``.
    Z_all : numpy.ndarray, optional
        Every row (default *Z*): run labels are given for these rows.
    sample : numpy.ndarray, optional
        The row indices of *Z* within *Z_all* (default: all).

    Returns
    -------
    tuple
        ``(k, quality table, {k: fit on Z}, {k: Runs})``.
    """
    n = len(Z)
    Z_all = Z if Z_all is None else Z_all
    sample = np.arange(n) if sample is None else sample
    hi = min(k_max, n - 1)
    lo = max(2, min(k_min, hi))
    ks = list(range(lo, hi + 1))
    fits, sil, silf, runs = {}, {}, {}, {k: Runs() for k in ks}
    for k in ks:
        fits[k] = fit(Z, k, random_state, n_init)
        lab = fits[k].labels_
        several = len(set(lab)) > 1
        sil[k] = float(silhouette_score(Z, lab, metric="cosine")) if several else -1.0
        silf[k] = float(silhouette_score(X_full, lab, metric="cosine")) if X_full is not None and several \
            else float("nan")
    live, chosen_hist = list(ks), []
    for r in range(1, max(0, max_runs) + 1):
        idx = np.random.default_rng(random_state + r).integers(0, n, size=n)
        for k in live:
            s_all, b_all = _stability_run(Z, Z_all, sample, k, random_state + r, idx, random_state, n_init, fit)
            runs[k].seed_labels.append(s_all)
            runs[k].boot_labels.append(b_all)
            runs[k].seed_ari.append(adjusted_rand_score(fits[k].labels_, s_all[sample]))
            runs[k].boot_ari.append(adjusted_rand_score(fits[k].labels_, b_all[sample]))
        if r < min_runs:
            continue
        scores = {k: runs[k].score(sil[k]) for k in ks}
        choice, threshold = _one_se(scores, ks)
        chosen_hist.append(choice)
        live = [k for k in live if scores[k][2] + 2 * scores[k][3] >= threshold]
        if len(chosen_hist) >= 2 and chosen_hist[-1] == chosen_hist[-2]:
            break
    scores = {k: runs[k].score(sil[k]) for k in ks}
    choice, threshold = _one_se(scores, ks)
    edge = _edge(choice, lo, hi, n, scores[hi][2] >= threshold - 1e-12)
    rows = []
    for k in ks:
        s, b, sc, se = scores[k]
        rows.append({"k": k, "silhouette": sil[k], "silhouette_full": silf[k], "stability_seeds_ari": s,
                     "stability_bootstrap_ari": b, "score": sc, "score_se": se, "runs": len(runs[k].seed_ari),
                     "chosen": k == choice, "edge": edge if k == choice else ""})
    return choice, pd.DataFrame(rows, columns=QUALITY_COLUMNS), fits, runs


def _one_se(scores: dict, ks: list[int]) -> tuple[int, float]:
    """The smallest k whose score is within one standard error of the best, and that threshold."""
    best = max(ks, key=lambda k: (round(scores[k][2], 12), -k))
    threshold = scores[best][2] - (scores[best][3] if scores[best][3] == scores[best][3] else 0.0)
    return min(k for k in ks if scores[k][2] >= threshold - 1e-12), threshold


def _edge(k: int, lo: int, hi: int, n: int, end_in_reach: bool) -> str:
    """``upper`` when the last k tried scores within the rule's threshold (*end_in_reach*) and more rows would
    have allowed a larger k; ``lower`` when the chosen k is the first tried and a smaller one was possible."""
    if end_in_reach and hi < n - 1 and lo < hi:
        return "upper"
    if k == lo and lo > 2 and lo < hi:
        return "lower"
    return ""


def top_up(runs: Runs, Z_fit: np.ndarray, Z_all: np.ndarray, sample: np.ndarray, labels: np.ndarray, k: int,
           random_state: int, n_init: int, fit, n_runs: int) -> Runs:
    """*runs* with seed and resample runs added (rounds continuing its own) until it holds *n_runs* of each.

    Parameters
    ----------
    runs : Runs
        The runs so far at this k; extended in place.
    Z_fit : numpy.ndarray
        The rows k is chosen on.
    Z_all : numpy.ndarray
        Every row: each run's labels are given for these.
    sample : numpy.ndarray
        Indices of the rows of *Z_fit* within *Z_all*.
    labels : numpy.ndarray
        The partition of *Z_fit* at this k, the runs' reference.
    k : int
        Number of clusters.
    random_state : int
        Base seed: run r uses ``random_state + r`` (seed run) and resample seed ``random_state + r``.
    n_init : int
        K-means restarts per fit.
    fit : callable
        ``fit(Z, k, random_state, n_init)`` -> a fitted k-means with ``predict``.
    n_runs : int
        Seed runs and resample runs wanted, each.

    Returns
    -------
    Runs
        *runs* itself.
    """
    n = len(Z_fit)
    for r in range(len(runs.seed_ari) + 1, n_runs + 1):
        idx = np.random.default_rng(random_state + r).integers(0, n, size=n)
        s_all, b_all = _stability_run(Z_fit, Z_all, sample, k, random_state + r, idx, random_state, n_init, fit)
        runs.seed_labels.append(s_all)
        runs.boot_labels.append(b_all)
        runs.seed_ari.append(adjusted_rand_score(labels, s_all[sample]))
        runs.boot_ari.append(adjusted_rand_score(labels, b_all[sample]))
    return runs


def coassignment_stability(labels: np.ndarray, run_labels: list) -> np.ndarray:
    """Per row: the mean, over the runs, of the Jaccard index between its cluster and the rows the run puts
    with it (NaN without runs).

    Parameters
    ----------
    labels : numpy.ndarray
        The partition (one label per row).
    run_labels : list of numpy.ndarray
        Other partitions of the same rows.

    Returns
    -------
    numpy.ndarray
        One value in (0, 1] per row.
    """
    labels = np.asarray(labels)
    if not run_labels:
        return np.full(len(labels), np.nan)
    a = pd.factorize(labels)[0]
    size_a = np.bincount(a)
    out = np.zeros(len(labels))
    for run in run_labels:
        b = pd.factorize(np.asarray(run))[0]
        size_b = np.bincount(b)
        joint = pd.Series(1, index=pd.MultiIndex.from_arrays([a, b])).groupby(level=[0, 1]).size()
        both = joint.reindex(pd.MultiIndex.from_arrays([a, b])).to_numpy(float)
        out += both / (size_a[a] + size_b[b] - both)
    return out / len(run_labels)


__all__ = ["QUALITY_COLUMNS", "Runs", "select_k", "top_up", "coassignment_stability", "adjusted_rand_score"]
