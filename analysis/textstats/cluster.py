"""Clusters of actions across plans: deterministic k-means on LSA vectors,
k chosen by silhouette, labels from class-based TF-IDF, a stability figure.

Why k-means on LSA vectors: topic models put most of a few hundred short
texts into one outlier topic, or change their number of topics between runs.
K-means on L2-normalised LSA vectors (an approximation of spherical k-means,
i.e. clustering by cosine) needs memory linear in the number of actions,
and with a fixed ``random_state`` and ``n_init`` it gives the
same partition on every run.

How k is chosen (:func:`choose_k`, :mod:`analysis.textstats.stability`): every k in ``k_min..k_max`` is
scored by the mean of the cosine silhouette and the partition's stability across k-means seeds and across
bootstrap resamples (adjusted Rand index); the chosen k is the smallest whose score is within one standard
error of the best (k is weakly identified on short policy texts, so among k the data cannot tell apart the
simplest is chosen), flagged when it is an end of the range.  Stability runs are made in rounds and stop
when the choice is stable; the fit of every k is kept, so the chosen k is not fitted again.  Pass ``k`` to
override.  The silhouette is also reported in the full TF-IDF space (``X_full``), not only in the LSA space
the clusters are fitted in, which flatters them.  For large corpora, k is chosen on a deterministic random
sample of ``selection_sample`` actions (silhouette is quadratic), then the final clustering is fitted on
every action.

Very few rows: k is chosen only from :data:`MIN_CLUSTERED` (3) rows on, since
the silhouette needs ``2 <= k < n``.  With one or two rows (e.g. two plans of
one action each) :func:`cluster_vectors` puts every row in one cluster
(``k = 1``, whatever ``k`` was asked for) and its quality table is one row
naming that k (``chosen`` True, the scores NaN), so a chosen k is always
defined; with no rows, ``k = 0`` and the quality table is empty.

Stability: adjusted Rand index (ARI; 1 = identical partitions, 0 = chance agreement) between the
clustering and (a) k-means runs with other seeds, (b) k-means fitted on bootstrap resamples and applied to
every action; both are reported as means, and per action as its **co-assignment stability**
(:func:`analysis.textstats.stability.coassignment_stability`): how far the runs keep it with the members of
its cluster.  A low figure says the partition's details are not to be read closely.

Labels (:func:`ctfidf_terms`): class-based TF-IDF (Grootendorst 2022): the
tokens of a cluster's actions form one document; a term's weight is its
frequency in the cluster (share of the cluster's tokens) times
``log(1 + A / f_t)``, with ``A`` the mean number of tokens per cluster and
``f_t`` the term's frequency over all clusters.  A label is made of the
cluster's own top terms, so every label term occurs in the cluster's actions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, silhouette_score

from analysis.textstats.kmeans import fit_kmeans, one_blas_thread
from analysis.textstats.stability import QUALITY_COLUMNS, Runs, coassignment_stability, select_k, top_up

__all__ = ["MIN_CLUSTERED", "QUALITY_COLUMNS", "ClusterResult", "choose_k", "stability",
           "cluster_vectors", "ctfidf_terms", "cluster_tables", "shared_by_all_counts"]

#: Fewest rows k is chosen for (silhouette needs 2 <= k < n); fewer rows form one cluster (module docstring).
MIN_CLUSTERED = 3


@dataclass
class ClusterResult:
    """Outcome of :func:`cluster_vectors`.

    ``labels``: cluster of each input row (1..k, 1 = largest cluster);
    ``k``: number of clusters; ``quality``: one row per k tried (:data:`QUALITY_COLUMNS`; one row with the
    scores NaN when k was fixed or when fewer than :data:`MIN_CLUSTERED` rows gave ``k = 1``; empty for no
    rows); ``stability_seeds`` / ``stability_bootstrap``: mean ARI at the chosen k (see module docstring);
    ``n_sample``: rows k was chosen on; ``coassignment``: each row's co-assignment stability (NaN without
    runs); ``seed_labels``: the partitions of every row by the seed runs at the chosen k (numbered like
    ``labels``, by size), for statements that should hold across seeds.
    """

    labels: np.ndarray
    k: int
    quality: pd.DataFrame
    stability_seeds: float
    stability_bootstrap: float
    n_sample: int
    coassignment: np.ndarray | None = None
    seed_labels: list = field(default_factory=list)


def _sample(n: int, size: int, random_state: int) -> np.ndarray:
    """Sorted deterministic sample of ``min(n, size)`` row indices (all rows if n <= size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=size, replace=False))


@one_blas_thread
def choose_k(Z: np.ndarray, k_min: int = 8, k_max: int = 30, random_state: int = 0,
             n_init: int = 10, selection_runs: int = 5, X_full=None) -> tuple[int, pd.DataFrame]:
    """The k in ``k_min..k_max`` chosen by the one-standard-error rule on the score (mean of silhouette and
    the two stabilities; :func:`analysis.textstats.stability.select_k`).

    Parameters
    ----------
    Z : numpy.ndarray
        The rows (L2-normalised vectors).
    k_min, k_max : int
        The range; ``k_max`` is capped at ``len(Z) - 1`` and ``k_min`` at ``k_max`` (silhouette needs
        2 <= k < n).
    random_state, n_init : int
        K-means seed and restarts.
    selection_runs : int
        Most rounds of stability runs (0: silhouette alone).
    X_full : array-like, optional
        The full-dimensional vectors of the rows, for ``silhouette_full``.

    Returns
    -------
    tuple
        ``(k, table)``: one row per k tried (:data:`QUALITY_COLUMNS`): ``silhouette`` (cosine, in the space of
        *Z*), ``silhouette_full`` (NaN without *X_full*), the two stabilities, ``score``, ``score_se``,
        ``runs`` (stability runs made at that k), ``chosen`` and ``edge``.
    """
    n = len(Z)
    if n < MIN_CLUSTERED:
        raise ValueError(f"choosing k needs at least {MIN_CLUSTERED} rows (2 <= k < n); got {n}")
    k, table, _, _ = select_k(np.asarray(Z, dtype=np.float64), k_min, k_max, random_state, n_init, fit_kmeans,
                              max_runs=selection_runs, X_full=X_full)
    return k, table


@one_blas_thread
def stability(Z: np.ndarray, labels: np.ndarray, k: int, random_state: int = 0, n_init: int = 10,
              runs: int = 10) -> tuple[float, float]:
    """Mean ARI of *labels* against *runs* re-clusterings with other seeds, and with bootstrap resamples.

    Seeds are ``random_state + 1 .. random_state + runs``; bootstrap sample r
    draws ``len(Z)`` rows with replacement (seed ``random_state + r``), fits
    k-means (seed *random_state*) on it and assigns every row to its nearest
    centre.

    Parameters
    ----------
    Z : numpy.ndarray
        The clustered rows.
    labels : numpy.ndarray
        The partition to assess, one label per row.
    k : int
        Its number of clusters.
    random_state, n_init : int
        The seed *labels* was fitted with (default 0) and the k-means restarts per run (default 10).
    runs : int, default 10
        Seed runs and resample runs, each.

    Returns
    -------
    mean_ari_seeds, mean_ari_bootstrap : float
        ``nan`` if *runs* is 0, k < 2 or there are no more rows than k.
    """
    if runs <= 0 or k < 2 or len(Z) <= k:
        return float("nan"), float("nan")
    seeds = [adjusted_rand_score(labels, fit_kmeans(Z, k, random_state + r, n_init).labels_)
             for r in range(1, runs + 1)]
    boots = []
    for r in range(1, runs + 1):
        idx = np.random.default_rng(random_state + r).integers(0, len(Z), size=len(Z))
        km = fit_kmeans(Z[idx], k, random_state, n_init)
        boots.append(adjusted_rand_score(labels, km.predict(Z)))
    return float(np.mean(seeds)), float(np.mean(boots))


def _relabel(raw: np.ndarray) -> np.ndarray:
    """Renumber clusters 1..k by size (largest first), ties by first row -- independent of k-means' ids."""
    ids, first, counts = np.unique(raw, return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {ids[i]: rank + 1 for rank, i in enumerate(order)}
    return np.asarray([mapping[x] for x in raw], dtype=np.int64)


@one_blas_thread
def cluster_vectors(Z: np.ndarray, k: int | None = None, k_min: int = 8, k_max: int = 30, random_state: int = 0,
                    n_init: int = 10, stability_runs: int = 5, selection_sample: int = 1000,
                    selection_runs: int = 5, X_full=None) -> ClusterResult:
    """Cluster the rows of *Z* (L2-normalised vectors, e.g. :class:`analysis.textstats.vectorize.LSA` output).

    Parameters
    ----------
    Z : numpy.ndarray
        The rows.
    k : int, optional
        Number of clusters; ``None`` chooses it over ``k_min..k_max`` (:func:`choose_k`, at most
        ``selection_runs`` rounds of stability runs).
    k_min, k_max : int
        The range k is chosen in (8..30).
    random_state, n_init : int
        K-means seed and restarts.
    stability_runs : int
        Seed and resample runs behind the chosen k's reported stabilities and co-assignment stability
        (0 skips); runs made while choosing k are reused.
    selection_sample : int
        Above this many rows, k and stability are computed on a deterministic sample of this size (the final
        clustering always uses every row).
    selection_runs : int
        Most rounds of stability runs while choosing k.
    X_full : array-like, optional
        The full-dimensional vectors of the same rows (e.g. TF-IDF), to report the silhouette there too.

    Returns
    -------
    ClusterResult
        Fewer than :data:`MIN_CLUSTERED` rows: one cluster (``k = 1``, any ``k`` asked for is ignored), its
        quality table one row with ``chosen`` True and the scores NaN; no rows: ``k = 0`` and an empty
        quality table.
    """
    Z = np.asarray(Z, dtype=np.float64)
    n = len(Z)
    if n == 0:
        return ClusterResult(np.zeros(0, dtype=np.int64), 0, pd.DataFrame(columns=QUALITY_COLUMNS), float("nan"),
                             float("nan"), 0)
    if n < MIN_CLUSTERED:
        return ClusterResult(np.ones(n, dtype=np.int64), 1, _fixed_quality(1), float("nan"), float("nan"), n)
    sample = _sample(n, selection_sample, random_state)
    Zs = Z[sample]
    Xs = X_full[sample] if X_full is not None else None
    runs = Runs()
    if k is None:
        k, quality, fits, all_runs = select_k(Zs, k_min, k_max, random_state, n_init, fit_kmeans,
                                              max_runs=selection_runs, X_full=Xs, Z_all=Z, sample=sample)
        km = fits[k] if len(sample) == n else fit_kmeans(Z, k, random_state, n_init)
        reference = fits[k].labels_
        runs = all_runs[k]
    else:
        k = int(min(max(k, 1), n))
        quality = _fixed_quality(k)
        km = fit_kmeans(Z, k, random_state, n_init)
        reference = km.labels_[sample]
        if 2 <= k < len(Zs):
            lab = fit_kmeans(Zs, k, random_state, n_init).labels_ if len(sample) < n else km.labels_
            reference = lab
            quality.loc[0, "silhouette"] = float(silhouette_score(Zs, lab, metric="cosine"))
            if Xs is not None:
                quality.loc[0, "silhouette_full"] = float(silhouette_score(Xs, lab, metric="cosine"))
    labels = _relabel(km.labels_)
    m = max(0, stability_runs)
    if m and 2 <= k < len(Zs):
        runs = top_up(runs, Zs, Z, sample, reference, k, random_state, n_init, fit_kmeans, m)
    seeds, boots = runs.seed_labels[:m], runs.boot_labels[:m]
    st_seed = float(np.mean(runs.seed_ari[:m])) if seeds else float("nan")
    st_boot = float(np.mean(runs.boot_ari[:m])) if boots else float("nan")
    return ClusterResult(labels, k, quality, st_seed, st_boot, len(sample),
                         coassignment_stability(labels, seeds + boots), [_relabel(x) for x in seeds])


def _fixed_quality(k: int) -> pd.DataFrame:
    """The quality table of a k not chosen by :func:`choose_k`: one row, ``chosen`` True, the scores NaN."""
    quality = pd.DataFrame({c: [float("nan")] for c in QUALITY_COLUMNS})
    quality["k"], quality["chosen"], quality["edge"], quality["runs"] = k, True, "", 0
    return quality


def ctfidf_terms(tokens: Sequence[Sequence[str]], labels: Sequence[int], top_n: int = 10) -> pd.DataFrame:
    """Class-based TF-IDF top terms of every cluster.

    Parameters
    ----------
    tokens : sequence of sequence of str
        One token list per row.
    labels : sequence of int
        The cluster of each row.
    top_n : int, default 10
        Terms kept per cluster.

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, term, weight, count`` (``count``: occurrences of the term in the cluster's actions),
        ``top_n`` rows per cluster (``rank`` 1 = highest weight), by weight descending then term, so the order
        is deterministic; empty with those columns when there are no tokens.
    """
    labels = np.asarray(labels)
    frame = pd.DataFrame({"cluster": np.repeat(labels, [len(t) for t in tokens]),
                          "term": [w for t in tokens for w in t]})
    cols = ["cluster", "rank", "term", "weight", "count"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    counts = frame.groupby(["cluster", "term"]).size().rename("count").reset_index()
    size = counts.groupby("cluster")["count"].transform("sum")
    f_t = counts.groupby("term")["count"].transform("sum")
    avg = counts["count"].sum() / counts["cluster"].nunique()
    counts["weight"] = (counts["count"] / size) * np.log1p(avg / f_t)
    counts["weight_key"] = counts["weight"].round(12)
    counts = counts.sort_values(["cluster", "weight_key", "term"], ascending=[True, False, True], kind="mergesort")
    counts["rank"] = counts.groupby("cluster").cumcount() + 1
    return counts[counts["rank"] <= top_n][cols].reset_index(drop=True)


def cluster_tables(items: pd.DataFrame, labels: np.ndarray, terms: pd.DataFrame, plans: Sequence[str],
                   label_terms: int = 3, label_sep: str = "、",
                   coassignment: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three cluster tables of the build, from clustered *items* (``action_id``, ``jurisdiction``).

    Parameters
    ----------
    items : pandas.DataFrame
        The clustered rows (``action_id``, ``jurisdiction``).
    labels : numpy.ndarray
        Their clusters.
    terms : pandas.DataFrame
        :func:`ctfidf_terms` of the clusters.
    plans : sequence of str
        The plans, in order.
    label_terms : int
        Terms joined into a label (3).
    label_sep : str
        What joins them ('、').
    coassignment : numpy.ndarray, optional
        Each row's co-assignment stability (:attr:`ClusterResult.coassignment`).

    Returns
    -------
    tuple of pandas.DataFrame
        - ``clusters``: ``action_id, jurisdiction, cluster, label, stability`` (rows in *items* order);
        - ``summary``: ``cluster, label, n_actions, n_jurisdictions, jurisdictions, scope, stability`` --
          ``jurisdictions`` lists the plans with actions in the cluster (in *plans* order, ``;``-separated);
          ``scope`` is ``shared_by_all`` (every plan of *plans*), ``unique`` (one plan) or ``shared``;
          ``stability`` the mean co-assignment stability of its actions;
        - ``plan_counts``: ``cluster, jurisdiction, n_actions`` (long form, one row per cluster and plan with
          at least one action).
    """
    order = {j: i for i, j in enumerate(plans)}
    lab = (terms[terms["rank"] <= label_terms].sort_values(["cluster", "rank"])
           .groupby("cluster")["term"].agg(label_sep.join))
    clusters = pd.DataFrame({"action_id": items["action_id"].to_numpy(),
                             "jurisdiction": items["jurisdiction"].to_numpy(), "cluster": labels})
    clusters["label"] = clusters["cluster"].map(lab).fillna("")
    clusters["stability"] = coassignment if coassignment is not None else np.nan
    pc = clusters.groupby(["cluster", "jurisdiction"]).size().rename("n_actions").reset_index()
    pc["_o"] = pc["jurisdiction"].map(order)
    pc = pc.sort_values(["cluster", "_o"], kind="mergesort").drop(columns="_o").reset_index(drop=True)
    stab = clusters.groupby("cluster")["stability"].mean()
    rows = []
    for c, g in pc.groupby("cluster", sort=True):
        nj = len(g)
        scope = "shared_by_all" if nj == len(plans) else ("unique" if nj == 1 else "shared")
        rows.append({"cluster": int(c), "label": lab.get(c, ""), "n_actions": int(g["n_actions"].sum()),
                     "n_jurisdictions": nj, "jurisdictions": ";".join(g["jurisdiction"]), "scope": scope,
                     "stability": float(stab.get(c, np.nan))})
    summary = pd.DataFrame(rows, columns=["cluster", "label", "n_actions", "n_jurisdictions", "jurisdictions",
                                          "scope", "stability"])
    return clusters, summary, pc


def shared_by_all_counts(partitions: Sequence[np.ndarray], jurisdictions: Sequence[str]) -> list[int]:
    """For each partition of the rows, the number of its clusters holding rows of every plan.

    Parameters
    ----------
    partitions : sequence of numpy.ndarray
        Labels of the same rows (e.g. :attr:`ClusterResult.seed_labels`).
    jurisdictions : sequence of str
        The plan of each row.

    Returns
    -------
    list of int
        One count per partition ("shared by all plans" across seeds).
    """
    j = np.asarray(jurisdictions, dtype=object)
    n_plans = len(set(j))
    out = []
    for lab in partitions:
        per = pd.DataFrame({"c": np.asarray(lab), "j": j}).groupby("c")["j"].nunique()
        out.append(int((per == n_plans).sum()))
    return out
