"""Cross-plan alignment: each action's most similar action in every other plan.

Similarity is the cosine of two actions' word TF-IDF vectors
(:class:`analysis.textstats.vectorize.WordTfidf`, rows L2-normalised, so a dot product).
It is 1 for identical wording, high for the counterpart of an action copied
from a common template and edited, and lower where the other plan has nothing
on the subject; between plans of no common template best matches still reach
0.4-0.5 on shared national wording, so no threshold separates counterparts
from chance matches cleanly.  ``MATCH_THRESHOLD`` is a stated choice, and the
sensitivity notebook shows the shares it gives across a range of thresholds.

Two regimes, one output format:

- up to ``all_pairs_max_plans`` plans (default 50), every action is compared
  with every action of every other plan (exact; memory bounded by computing
  the similarity matrix ``chunk_size`` rows at a time), and each action gets
  one row per other plan;
- beyond that, comparing all pairs of plans grows with the square of the
  corpus and the table would hold ``n_actions * (n_plans - 1)`` rows, so each
  action keeps only its ``top_k`` most similar plans (its best match in each).
  Candidates come from an inverted-file index over dense LSA vectors
  (``retrieval_components`` dimensions): k-means groups the actions into
  about sqrt(n) cells, and each action is compared only with the actions of
  its ``n_probe`` nearest cells -- memory and time grow with
  ``n_actions**2 * n_probe / n_cells``, i.e. about ``n**1.5``, instead of
  ``n**2``.  Each action's ``n_candidates`` nearest actions by that index
  are then re-scored with the exact TF-IDF cosine, which decides the match in
  each plan and the ranking and is the reported similarity.  So every
  reported similarity is exact; the candidates are approximate (a plan whose
  best action the index misses is left out or gets its second-best action).

Ties (equal similarity) go to the action that comes first in the input, and
between plans to the plan that comes first in ``plans``: deterministic.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize

from analysis import schema
from analysis.textstats.vectorize import LSA

__all__ = ["align_actions", "plan_similarity", "ALIGN_COLUMNS", "PLAN_SIMILARITY_COLUMNS", "MATCH_THRESHOLD"]

ALIGN_COLUMNS = schema.columns("alignment")
PLAN_SIMILARITY_COLUMNS = schema.columns("jurisdiction_similarity")

#: Default similarity above which a best match counts as a counterpart in
#: ``share_matched``: a choice, not a calibration (see the module docstring and
#: :func:`analysis.compare.sensitivity.counterpart_threshold`, shown in the sensitivity notebook).
MATCH_THRESHOLD = 0.35


def _dense(M) -> np.ndarray:
    return M.toarray() if sparse.issparse(M) else np.asarray(M)


def _codes(jurisdictions: Sequence[str], plans: Sequence[str]) -> np.ndarray:
    index = {j: i for i, j in enumerate(plans)}
    missing = sorted(set(jurisdictions) - set(index))
    if missing:
        raise ValueError(f"jurisdictions not in plans: {missing}")
    return np.asarray([index[j] for j in jurisdictions], dtype=np.int64)


def _segments(codes_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start column and plan code of every run of equal codes in plan-sorted order (ends appended)."""
    starts = np.flatnonzero(np.r_[True, np.diff(codes_sorted) != 0])
    return np.append(starts, len(codes_sorted)), codes_sorted[starts]


def _rank_plans(rows: np.ndarray, match: np.ndarray, sims: np.ndarray, plan: np.ndarray,
                k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep, for every row, its best match in each plan and its k best plans (ties: plan order)."""
    o = np.lexsort((match, -sims, plan, rows))  # best match per (row, plan) first; ties: earliest action
    rows, match, sims, plan = rows[o], match[o], sims[o], plan[o]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (plan[1:] != plan[:-1])]
    rows, match, sims, plan = rows[first], match[first], sims[first], plan[first]
    o = np.lexsort((plan, -sims, rows))
    rows, match, sims = rows[o], match[o], sims[o]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
    keep = rank < k
    return rows[keep], match[keep], sims[keep]


def _exact_chunk(S: np.ndarray, own: np.ndarray, bounds: np.ndarray, seg_plan: np.ndarray,
                 k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All-pairs: best match in every other plan, for each row of a similarity chunk (plan-sorted columns)."""
    rows, match, sims, plan = [], [], [], []
    for s, e, p in zip(bounds[:-1], bounds[1:], seg_plan):
        sel = np.flatnonzero(own != p)
        if not len(sel):
            continue
        block = S[sel, s:e]
        j = block.argmax(axis=1)  # first maximum: the earliest action of that plan
        rows.append(sel)
        match.append(s + j)
        sims.append(block[np.arange(len(sel)), j])
        plan.append(np.full(len(sel), p))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return _rank_plans(np.concatenate(rows), np.concatenate(match), np.concatenate(sims),
                       np.concatenate(plan), k)


def _row_dots(X, r: np.ndarray, j: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Exact dot products of rows ``X[r[t]]`` and ``X[j[t]]``, ``chunk`` pairs at a time (bounded memory)."""
    out = np.zeros(len(r), dtype=np.float64)
    for a in range(0, len(r), chunk):
        ra, ja = r[a:a + chunk], j[a:a + chunk]
        if sparse.issparse(X):
            out[a:a + chunk] = np.asarray(X[ra].multiply(X[ja]).sum(axis=1)).ravel()
        else:
            out[a:a + chunk] = np.einsum("ij,ij->i", np.asarray(X)[ra], np.asarray(X)[ja])
    return out


def _ivf_candidates(R: np.ndarray, codes: np.ndarray, n_cand: int, n_cells: int | None, n_probe: int,
                    random_state: int, max_block: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate (row, match) pairs by an inverted-file index over the retrieval vectors *R*.

    The rows are grouped into ``n_cells`` cells by k-means (fitted on at most
    20,000 rows); each row is compared only with the rows of its ``n_probe``
    nearest cells (so ~``n_probe / n_cells`` of all pairs); it keeps its
    ``n_cand`` best-scoring rows of each cell, then its ``n_cand`` best over
    all its cells.  Returns (row, candidate) pairs; a row may have several
    candidates of one plan (the exact re-scoring keeps the best).
    """
    n = len(R)
    C = int(min(n, n_cells or np.clip(round(np.sqrt(n)), 1, 1024)))
    probe = int(min(max(1, n_probe), C))
    samp = np.arange(n) if n <= 20000 else np.sort(np.random.default_rng(random_state).choice(n, 20000, False))
    km = KMeans(n_clusters=C, n_init=1, max_iter=20, random_state=random_state).fit(R[samp])
    cent = normalize(km.cluster_centers_).astype(np.float32)
    probes = np.empty((n, probe), dtype=np.int64)
    cell = np.empty(n, dtype=np.int64)
    step = max(1, max_block // C)
    for a in range(0, n, step):
        sc = R[a:a + step] @ cent.T
        cell[a:a + step] = sc.argmax(axis=1)
        probes[a:a + step] = np.argpartition(-sc, probe - 1, axis=1)[:, :probe] if probe < C else np.arange(C)
    members = np.lexsort((np.arange(n), cell))  # by cell, then row: inside a cell rows stay plan-sorted
    mstart = np.searchsorted(cell[members], np.arange(C + 1))
    flat = np.lexsort((np.repeat(np.arange(n), probe), probes.ravel()))  # (row, probe slot) pairs by cell
    qrow, qslot = flat // probe, flat % probe
    qstart = np.searchsorted(probes.ravel()[flat], np.arange(C + 1))
    # fixed-width candidate table: row x (probe slot, rank in that cell) -> score, member
    width = probe * n_cand
    cand_s = np.full((n, width), -np.inf, dtype=np.float32)
    cand_m = np.zeros((n, width), dtype=np.int64 if n >= 2 ** 31 else np.int32)  # row numbers: 4 bytes do
    for c in range(C):
        mem = members[mstart[c]:mstart[c + 1]]
        qs, sl = qrow[qstart[c]:qstart[c + 1]], qslot[qstart[c]:qstart[c + 1]]
        if not len(mem) or not len(qs):
            continue
        Rm = np.ascontiguousarray(R[mem].T)
        qstep = max(1, max_block // len(mem))
        for a in range(0, len(qs), qstep):
            q, qsl = qs[a:a + qstep], sl[a:a + qstep]
            S = R[q] @ Rm
            S[codes[q][:, None] == codes[mem][None, :]] = -np.inf
            keep = np.isfinite(S)
            if len(mem) > n_cand:  # each query's n_cand best members of this cell (first ones among ties)
                thr = np.partition(S, len(mem) - n_cand, axis=1)[:, len(mem) - n_cand]
                keep &= S >= thr[:, None]
            keep &= np.cumsum(keep, axis=1) <= n_cand
            qi, mi = np.nonzero(keep)
            rank = np.arange(len(qi)) - np.searchsorted(qi, qi, side="left")
            cand_s[q[qi], qsl[qi] * n_cand + rank] = S[qi, mi]
            cand_m[q[qi], qsl[qi] * n_cand + rank] = mem[mi]
    # each row's n_cand best candidates over all its cells (partition of a small fixed-width table), in blocks
    # of rows so the temporaries stay small
    out_r, out_m = [], []
    step = max(1, max_block // width)
    for a in range(0, n, step):
        cs = cand_s[a:a + step]
        if width > n_cand:
            thr = np.partition(cs, width - n_cand, axis=1)[:, width - n_cand]
            keep = (cs >= thr[:, None]) & np.isfinite(cs)
            keep &= np.cumsum(keep, axis=1, dtype=np.int32) <= n_cand
        else:
            keep = np.isfinite(cs)
        r, col = np.nonzero(keep)
        out_r.append(r + a)
        out_m.append(cand_m[a:a + step][r, col].astype(np.int64))
    return np.concatenate(out_r), np.concatenate(out_m)


def align_actions(action_ids: Sequence[str], jurisdictions: Sequence[str], X, plans: Sequence[str],
                  all_pairs_max_plans: int = 50, top_k: int = 10, chunk_size: int = 1024,
                  retrieval: np.ndarray | None = None, n_candidates: int | None = None,
                  retrieval_components: int = 64, retrieval_n_iter: int = 3, n_cells: int | None = None,
                  n_probe: int = 8, random_state: int = 0, max_chunk_elements: int = 2 ** 24) -> pd.DataFrame:
    """Best match of every action in every other plan (or in its ``top_k`` most similar plans).

    Parameters
    ----------
    action_ids, jurisdictions : sequence of str
        One per row of ``X``: the action's id and its plan.
    X : sparse matrix or ndarray
        L2-normalised vectors, one row per action, e.g. word TF-IDF.
    plans : sequence of str
        Every jurisdiction, in the order used for ties.
    all_pairs_max_plans : int, default 50
        Up to this many plans, exact all pairs.
    top_k : int, default 10
        Beyond ``all_pairs_max_plans``, plans kept per action.
    chunk_size : int, default 1024
        At most this many rows of the similarity matrix at once, fewer if ``chunk * n_actions`` would exceed
        ``max_chunk_elements``: memory stays bounded whatever the corpus.
    retrieval : ndarray, optional
        Dense L2-normalised vectors used beyond ``all_pairs_max_plans`` to find each action's candidate
        matches; None: :class:`analysis.textstats.vectorize.LSA` of ``X`` with ``retrieval_components``
        dimensions, ``retrieval_n_iter`` power iterations (candidates need not be exact) and ``random_state``.
    n_candidates : int, optional
        Beyond ``all_pairs_max_plans``, candidate actions re-scored exactly per action (several may belong to
        one plan, so an action can end up with fewer than ``top_k`` plans); None means ``max(3 * top_k, 20)``.
        Recall, measured against the exact all-pairs search (share of an action's ``top_k`` best plans found
        with their exact best match): the shipped plans with ``all_pairs_max_plans=2`` (top 4 plans, 20
        candidates) 0.967 (0.912 with the former 3 * top_k = 12; 0.980 with 32); 1,000 synthetic plans (top
        10, 30 candidates) 0.849, with 99.2% of the top-10 similarity mass found (40 candidates: 0.857, 50:
        0.867, at 20% and 40% more alignment time; ``n_probe`` 4 or 16 instead of 8 changed nothing there).
    retrieval_components : int, default 64
        Dimensions of the default ``retrieval`` vectors.
    retrieval_n_iter : int, default 3
        Power iterations of the default ``retrieval`` vectors.
    n_cells : int, optional
        Beyond ``all_pairs_max_plans``, the retrieval index: actions are grouped into ``n_cells`` k-means
        cells; None means sqrt(n_actions), at most 1024.
    n_probe : int, default 8
        Each action is compared with the actions of its ``n_probe`` nearest cells; ``n_probe = n_cells``
        compares all pairs.
    random_state : int, default 0
        Seed of the default ``retrieval`` vectors and of the cells.
    max_chunk_elements : int, default 2**24
        Bound on ``chunk * n_actions`` (see ``chunk_size``).

    Returns
    -------
    pandas.DataFrame
        :data:`ALIGN_COLUMNS`.  ``similarity`` is always the exact cosine of the two rows of ``X``; ``rank``
        orders an action's other plans by it (1 = most similar plan; ties by plan order); ``mutual`` is True
        when the match's recorded best match in this action's plan is this action.  Rows are sorted by input
        order of the action, then rank.
    """
    ids = np.asarray(action_ids, dtype=object)
    codes0 = _codes(list(jurisdictions), plans)
    n = len(ids)
    present = np.unique(codes0)
    if n == 0 or len(present) < 2:
        return pd.DataFrame(columns=ALIGN_COLUMNS)
    exact = len(present) <= all_pairs_max_plans
    k = len(present) - 1 if exact else min(top_k, len(present) - 1)
    perm = np.argsort(codes0, kind="stable")  # work in plan-sorted order, map back at the end
    codes = codes0[perm]
    Xs = X[perm]
    bounds, seg_plan = _segments(codes)
    if not exact:
        if retrieval is None:
            retrieval = LSA(n_components=retrieval_components, random_state=random_state,
                            n_iter=retrieval_n_iter).fit_transform(X)
        R = np.asarray(retrieval, dtype=np.float32)[perm]
        n_cand = n_candidates or max(3 * k, 20)
    out_i, out_j, out_s = [], [], []
    if exact:
        step = max(1, min(chunk_size, max_chunk_elements // max(n, 1)))
        for a in range(0, n, step):
            b = min(n, a + step)
            S = _dense(Xs[a:b] @ Xs.T).astype(np.float64)
            r, j, s = _exact_chunk(S, codes[a:b], bounds, seg_plan, k)
            out_i.append(perm[r + a])
            out_j.append(perm[j])
            out_s.append(s)
    else:
        r, j = _ivf_candidates(R, codes, n_cand, n_cells, n_probe, random_state, max_chunk_elements)
        s = _row_dots(Xs, r, j)
        r, j, s = _rank_plans(r, j, s, codes[j], k)
        out_i.append(perm[r])
        out_j.append(perm[j])
        out_s.append(s)
    i = np.concatenate(out_i)
    j = np.concatenate(out_j)
    s = np.concatenate(out_s)
    df = pd.DataFrame({"_i": i, "_j": j, "similarity": s}).sort_values(["_i"], kind="mergesort")
    df["rank"] = df.groupby("_i").cumcount() + 1
    # (j, i) is recorded only if i is j's best match in i's plan
    fwd = df["_i"].to_numpy(np.int64) * n + df["_j"].to_numpy(np.int64)
    rev = df["_j"].to_numpy(np.int64) * n + df["_i"].to_numpy(np.int64)
    df["mutual"] = np.isin(rev, fwd)
    df["action_id"] = ids[df["_i"].to_numpy()]
    df["jurisdiction"] = np.asarray(plans, dtype=object)[codes0[df["_i"].to_numpy()]]
    df["other_jurisdiction"] = np.asarray(plans, dtype=object)[codes0[df["_j"].to_numpy()]]
    df["match_action_id"] = ids[df["_j"].to_numpy()]
    return df[ALIGN_COLUMNS].reset_index(drop=True)


def plan_similarity(X, jurisdictions: Sequence[str], plans: Sequence[str], all_pairs_max_plans: int = 50,
                    top_k: int = 10, threshold: float = MATCH_THRESHOLD, chunk_plans: int = 256,
                    retrieval: np.ndarray | None = None, retrieval_components: int = 64,
                    random_state: int = 0) -> pd.DataFrame:
    """Plan-by-plan similarity, long form, one row per ordered pair of plans.

    For plans A (``jurisdiction``) and B (``other_jurisdiction``):

    - ``mean_best_similarity`` -- mean over A's actions of the similarity of
      their best match in B (directional: A's coverage by B);
    - ``share_matched`` -- share of A's actions whose best match in B reaches
      ``threshold`` [:data:`MATCH_THRESHOLD`, 0.35];
    - ``centroid_cosine`` -- cosine of the mean vectors of A and B (symmetric);
    - ``rank`` -- B's rank among A's other plans by ``mean_best_similarity``.

    Up to ``all_pairs_max_plans`` [50] plans every ordered pair is listed;
    beyond, each plan lists ``top_k`` [10] other plans: those whose centroid is
    nearest to its own in the dense ``retrieval`` vectors (default: an LSA of
    ``X`` with ``retrieval_components`` [64] dimensions and ``random_state``
    [0]; the exact product of sparse centroids is quadratic in the vocabulary
    they share); all reported values are exact.  Rows are sorted by A in ``plans`` order, then
    rank.  Work is one sparse product per plan (its actions against the
    actions of its listed plans) and centroid products ``chunk_plans`` [256]
    plans at a time, so memory stays bounded.

    Parameters
    ----------
    X : sparse matrix or ndarray
        L2-normalised vectors, one row per action.
    jurisdictions : sequence of str
        The plan of each row of ``X``.
    plans : sequence of str
        Every jurisdiction, in output order.
    all_pairs_max_plans : int, default 50
        Up to this many plans, every ordered pair.
    top_k : int, default 10
        Beyond ``all_pairs_max_plans``, other plans listed per plan.
    threshold : float, default MATCH_THRESHOLD
        Similarity a best match must reach to count in ``share_matched``.
    chunk_plans : int, default 256
        Plans whose centroid products are computed at once.
    retrieval : ndarray, optional
        Dense L2-normalised vectors of the rows, to find the nearest plans beyond ``all_pairs_max_plans``;
        None: an LSA of ``X``.
    retrieval_components : int, default 64
        Dimensions of the default ``retrieval`` vectors.
    random_state : int, default 0
        Seed of the default ``retrieval`` vectors.

    Returns
    -------
    pandas.DataFrame
        :data:`PLAN_SIMILARITY_COLUMNS` (the ``jurisdiction_similarity`` table), one row per listed ordered
        pair; empty with those columns when fewer than two plans have rows.
    """
    codes0 = _codes(list(jurisdictions), plans)
    perm = np.argsort(codes0, kind="stable")
    codes = codes0[perm]
    bounds, seg_plan = _segments(codes) if len(codes) else (np.zeros(1, np.int64), np.zeros(0, np.int64))
    P = len(seg_plan)
    if P < 2:
        return pd.DataFrame(columns=PLAN_SIMILARITY_COLUMNS)
    Xs = sparse.csr_matrix(X)[perm] if sparse.issparse(X) else np.asarray(X)[perm]
    lens = np.diff(bounds)
    seg_of_row = np.repeat(np.arange(P), lens)
    D = sparse.csr_matrix((1.0 / lens[seg_of_row], (seg_of_row, np.arange(len(codes)))), shape=(P, len(codes)))
    Cn = normalize(D @ Xs)  # plan centroids, L2-normalised
    exact = P <= all_pairs_max_plans
    k = P - 1 if exact else min(top_k, P - 1)
    if not exact:
        if retrieval is None:
            retrieval = LSA(n_components=retrieval_components, random_state=random_state, n_iter=3).fit_transform(X)
        Rc = normalize(D @ np.asarray(retrieval, dtype=np.float64)[perm])
    out = []
    for q0 in range(0, P, chunk_plans):
        q1 = min(P, q0 + chunk_plans)
        CC = (_dense(Cn[q0:q1] @ Cn.T) if exact else Rc[q0:q1] @ Rc.T).astype(np.float64)
        CC[np.arange(q1 - q0), np.arange(q0, q1)] = -np.inf
        top = np.argsort(-CC, axis=1, kind="stable")[:, :k]  # other plans by centroid cosine, ties by order
        for r in range(q1 - q0):
            a = q0 + r
            others = np.sort(top[r])
            cols = np.concatenate([np.arange(bounds[b], bounds[b + 1]) for b in others])
            starts = np.r_[0, np.cumsum(lens[others])[:-1]]
            S = _dense(Xs[bounds[a]:bounds[a + 1]] @ Xs[cols].T)
            best = np.maximum.reduceat(S, starts, axis=1)  # actions of A x other plans
            out.append(pd.DataFrame({
                "_a": a, "_b": others, "jurisdiction": plans[seg_plan[a]],
                "other_jurisdiction": np.asarray(plans, dtype=object)[seg_plan[others]],
                "n_actions": int(lens[a]), "n_actions_other": lens[others].astype(np.int64),
                "mean_best_similarity": best.mean(axis=0), "share_matched": (best >= threshold).mean(axis=0),
                "centroid_cosine": CC[r, others] if exact else _row_dots(Cn, np.full(len(others), a), others)}))
    df = pd.concat(out, ignore_index=True)
    df["_key"] = df["mean_best_similarity"].round(12)
    df = df.sort_values(["_a", "_key", "_b"], ascending=[True, False, True], kind="mergesort")
    df["rank"] = df.groupby("_a").cumcount() + 1
    return df[PLAN_SIMILARITY_COLUMNS].reset_index(drop=True)
