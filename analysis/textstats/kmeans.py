"""k-means as the clustering stage runs it: k-means++ seeding and Lloyd iterations in NumPy, on one BLAS thread,
so every sum runs in the same order on every machine (:func:`fit_kmeans`).  Choosing k, stability and the
cluster tables are in :mod:`analysis.textstats.cluster`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["KMeansFit", "fit_kmeans", "one_blas_thread"]


def one_blas_thread(func):
    """*func*, run with BLAS/OpenMP limited to one thread (same sums, same order, on every machine).

    Parameters
    ----------
    func : callable
        The function to wrap.

    Returns
    -------
    callable
        The wrapped function.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return func(*args, **kwargs)

    return wrapper


@dataclass
class KMeansFit:
    """A k-means solution: ``labels_``, ``cluster_centers_``, ``inertia_`` (sum of squared distances)."""

    labels_: np.ndarray
    cluster_centers_: np.ndarray
    inertia_: float

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """The nearest centre of every row of *Z*.

        Parameters
        ----------
        Z : numpy.ndarray
            Rows with as many columns as the centres.

        Returns
        -------
        numpy.ndarray
            The index of each row's nearest centre (squared Euclidean distance; ties: the lower index).
        """
        return _sq_distances(np.asarray(Z, dtype=np.float64), self.cluster_centers_).argmin(axis=1)


def _sq_distances(Z: np.ndarray, C: np.ndarray, z_sq: np.ndarray | None = None) -> np.ndarray:
    """Squared Euclidean distances between the rows of *Z* and of *C* (n x k), never below 0."""
    z_sq = (Z * Z).sum(axis=1) if z_sq is None else z_sq
    d = Z @ C.T  # z_sq - 2 Z.C + c_sq, in place (the same floating-point operations, fewer temporaries)
    d *= -2.0
    d += z_sq[:, None]
    d += (C * C).sum(axis=1)[None, :]
    return np.maximum(d, 0.0, out=d)


def _cluster_sums(Z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of *Z* in each of *k* clusters, each added in row order (as ``np.add.at`` adds them,
    bit for bit, at a fraction of its cost)."""
    sums = np.zeros((k, Z.shape[1]))
    if Z.shape[1] < 2:  # a one-column sum along rows may be summed pairwise: keep the exact order
        np.add.at(sums, labels, Z)
        return sums
    o = np.argsort(labels, kind="stable")
    Zo = Z[o]
    b = np.searchsorted(labels[o], np.arange(k + 1))
    for c in np.flatnonzero(b[1:] > b[:-1]):
        sums[c] = Zo[b[c]:b[c + 1]].sum(axis=0)
    return sums


def _kmeans_plusplus(Z: np.ndarray, k: int, rng: np.random.Generator, z_sq: np.ndarray) -> np.ndarray:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii 2007): 2 + ln k candidates per centre, the one
    that lowers the potential most is kept."""
    n = len(Z)
    trials = 2 + int(np.log(k))
    centres = np.empty((k, Z.shape[1]))
    first = int(rng.integers(n))
    centres[0] = Z[first]
    closest = _sq_distances(Z, Z[first:first + 1], z_sq)[:, 0]
    potential = closest.sum()
    for c in range(1, k):
        if potential <= 0:  # fewer distinct points than k: repeat a point
            centres[c:] = Z[int(rng.integers(n))]
            break
        cand = np.searchsorted(np.cumsum(closest), rng.random(trials) * potential, side="right")
        cand = np.minimum(cand, n - 1)
        d = np.minimum(_sq_distances(Z, Z[cand], z_sq).T, closest[None, :])
        pots = d.sum(axis=1)
        best = int(pots.argmin())
        centres[c], closest, potential = Z[cand[best]], d[best], pots[best]
    return centres


def _lloyd(Z: np.ndarray, centres: np.ndarray, z_sq: np.ndarray, tol: float, max_iter: int) -> KMeansFit:
    """Lloyd iterations from *centres* until the centres move less than *tol* (squared, summed)."""
    k = len(centres)
    for _ in range(max_iter):
        d = _sq_distances(Z, centres, z_sq)
        labels = d.argmin(axis=1)
        counts = np.bincount(labels, minlength=k)
        sums = _cluster_sums(Z, labels, k)
        new = centres.copy()
        full = counts > 0
        new[full] = sums[full] / counts[full, None]
        if not full.all():  # an empty cluster takes the points farthest from their centres
            far = np.argsort(-d[np.arange(len(Z)), labels], kind="stable")
            for i, c in enumerate(np.flatnonzero(~full)):
                new[c] = Z[far[i]]
        shift = float(((new - centres) ** 2).sum())
        centres = new
        if shift <= tol:
            break
    d = _sq_distances(Z, centres, z_sq)
    labels = d.argmin(axis=1)
    return KMeansFit(labels, centres, float(d[np.arange(len(Z)), labels].sum()))


def fit_kmeans(Z: np.ndarray, k: int, random_state: int = 0, n_init: int = 10, max_iter: int = 300,
               tol: float = 1e-4) -> KMeansFit:
    """K-means (k-means++ seeding, Lloyd iterations) on the rows of *Z*: the best of *n_init* restarts.

    Restarts draw from one generator seeded with *random_state*; the solution with the lowest inertia wins
    (ties: the earlier restart).  Written in NumPy because the clustering is run thousands of times while k
    is chosen (every k, with its stability re-clusterings) on small matrices, where scikit-learn's per-call
    overhead was nine tenths of the time.  Call it inside ``threadpool_limits(1)`` for bit-identical sums on
    every machine (the public functions below do).

    Parameters
    ----------
    Z : numpy.ndarray
        The rows to cluster (converted to float64).
    k : int
        Number of clusters, 1 to ``len(Z)`` (else ``ValueError``).
    random_state, n_init, max_iter : int
        The seed of the generator all restarts draw from (default 0), the restarts (default 10, at least one)
        and the Lloyd iterations per restart at most (default 300).
    tol : float, default 1e-4
        Convergence tolerance on the centres' shift, relative to the mean variance of the columns, as in
        scikit-learn's ``KMeans``.

    Returns
    -------
    KMeansFit
        ``labels_``, ``cluster_centers_`` and ``inertia_`` of the best restart.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if not 1 <= k <= len(Z):
        raise ValueError(f"k = {k} needs 1 <= k <= {len(Z)} rows")
    rng = np.random.default_rng(random_state)
    z_sq = (Z * Z).sum(axis=1)
    abs_tol = tol * float(np.mean(np.var(Z, axis=0))) if len(Z) > 1 else 0.0
    best: KMeansFit | None = None
    for _ in range(max(1, n_init)):
        fit = _lloyd(Z, _kmeans_plusplus(Z, k, rng, z_sq), z_sq, abs_tol, max_iter)
        if best is None or fit.inertia_ < best.inertia_:
            best = fit
    return best
