"""Verbatim text reuse between plans: shared passages and shares of text.

What is compared: each plan's *operative* text, the spans of its actions and
safeguards (``start``/``end`` in ``actions.csv``, offsets into
``text/<jurisdiction>.txt``).  The preamble, the issuing notice, headings and
department lists are left out: every plan opens with the same formulas
(为贯彻落实《全民科学素质行动规划纲要》...) and closes its items with the same
department-list phrases (按职责分工负责), so counting them would make every plan
look like a copy of every other.  A passage never crosses a span boundary.

What counts as reuse: a passage of at least ``min_chars`` consecutive
identical characters (after the build's normalisation).  Default 20 (see
:data:`MIN_CHARS`), set by reading what the shipped plans share at each length.
Below 15 characters, shared strings are the genre's set phrases, which every
plan uses without copying any other: 全民科学素质行动 (8),
新时代文明实践中心（所、站） (14), 习近平新时代中国特色社会主义思想 (16).
From 15 to 19, plans without a common template still share formulas and
lists: 弘扬劳模精神、劳动精神、工匠精神 (16), 全国科普日、科技活动周、防灾减灾日
(17), 。认真贯彻落实《干部教育培训工作条例》 (19).  From 20 on, what such plans
share are clauses copied from national documents (作为领导干部和公务员教育培训的
重要内容和长期任务, 24, in Pingyin and Shenzhen), and Zhifu and Pingyin, both
written from Shandong's template, share dozens of passages up to 66
characters long.  Lower ``min_chars`` to study formulas, raise it to see only
copied sentences.

How (an index of character shingles, not a comparison of every substring):

1. every window of ``min_chars`` characters inside an operative span gets a
   64-bit rolling hash, computed with numpy over the whole text at once
   (``min_chars`` vectorised passes);
2. windows with equal hashes in two plans are candidate matches, verified
   character by character (so a hash collision can never produce a passage);
3. matches on the same diagonal (offset in A minus offset in B) at
   consecutive positions are merged into one maximal passage: it cannot be
   extended by one character on both sides without leaving identical text or
   an operative span.

Shares: ``shared_chars`` of plan A in plan B is the number of A's operative
characters covered by a passage shared with B; ``share = shared_chars /
operative_chars``.  ``share_any`` (the ``summary`` of :func:`reuse`) counts
characters covered by a window whose hash occurs in *any* other plan, from
one global sort of all windows (linear in the corpus).  Unlike passages, these
windows are not checked character by character (that would double the cost of
the sort), so ``share_any`` is exact up to 64-bit hash collisions: with D
distinct windows the chance of any collision is about D**2 / 2**65 (3 in a
million for 10 million distinct windows), and a collision would add at most
``min_chars`` characters.

Scale: up to ``all_pairs_max_plans`` plans (default 50), passages
and shares are computed for every pair.  Beyond, plans copied from one
template share most of their text with hundreds of others, so every pair
would be quadratic in both time and output; each plan then keeps its
``top_k`` largest sources (:func:`_sketch_candidates`): each of its
``sketch_size`` (128) smallest window hashes votes for the plans holding it,
at most ``max_postings`` (256) of them (a fixed pseudo-random sample when
more hold it, which keeps the search linear in the number of plans); the
``4 * top_k`` plans with most votes are re-scored on the plan's
``rescore_size`` (512) smallest hashes, and the ``top_k`` best are its
sources, for which passages and shares are computed exactly.  The search is
approximate: a source holding less than ~1% of A is likely missed, and among
hundreds of copies of one template the ``top_k`` found are among the best,
not always the best.  Measured on synthetic corpora (``analysis synth``,
seed 0) against an exact count of shared windows for every pair: the 5
sources found hold on average 99.1% (1,000 plans) and 98.6% (2,000 plans) of
the windows the true 5 best hold, and the single best source is found for
98% and 94% of plans (the search without the cap and re-scoring: 97.6%,
97.5%; 92%, 90%).
``n_sources`` (rows of A in the matrix) can then be 0 while ``share_any`` is
above 0: what A shares with others is too little to reach its sample.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["MIN_CHARS", "PlanWindows", "plan_windows", "window_hashes", "pair_passages", "find_reuse",
           "PASSAGE_COLUMNS", "MATRIX_COLUMNS", "SUMMARY_COLUMNS"]

#: Default minimum passage length in characters (module docstring says why).
MIN_CHARS = 20

#: Columns of what :func:`find_reuse` returns (the build's tables, described in :mod:`analysis.schema`, add
#: the reference-document columns to them).
PASSAGE_COLUMNS = ["jurisdiction_a", "start_a", "end_a", "jurisdiction_b", "start_b", "end_b", "length", "text"]
MATRIX_COLUMNS = ["jurisdiction", "other_jurisdiction", "shared_chars", "operative_chars", "share", "rank"]
SUMMARY_COLUMNS = ["jurisdiction", "operative_chars", "shared_chars_any", "share_any", "n_sources"]

_BASE = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so the polynomial hash is invertible mod 2**64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def code_points(text: str) -> np.ndarray:
    """The characters of *text* as an array of Unicode code points (uint32: 4 bytes a character)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint32)


def window_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of every window of *n* code points (``len(codes) - n + 1`` of them).

    A polynomial hash mod 2**64 built in *n* vectorised passes, then mixed
    with the splitmix64 finaliser so that the hash values are spread evenly
    (the sketch of :func:`reuse` takes the smallest ones).

    Parameters
    ----------
    codes : numpy.ndarray
        The text's code points.
    n : int
        Window length.

    Returns
    -------
    numpy.ndarray
        ``uint64`` hashes, one per window start; empty if the text is shorter than *n*.
    """
    L = len(codes) - n + 1
    if L <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(L, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + codes[k:k + L]
    return _mix64(h)


@dataclass
class PlanWindows:
    """One plan's operative windows: their hashes (sorted), start offsets (in hash order), code points."""

    jurisdiction: str
    codes: np.ndarray
    pos: np.ndarray
    hashes: np.ndarray
    operative_chars: int
    repeats: bool = True  # some window occurs twice in the plan (joins then need both search bounds)


def plan_windows(jurisdiction: str, text: str, spans: Sequence[tuple[int, int]], n: int) -> PlanWindows:
    """Windows of *n* characters lying wholly inside one of *spans* (``(start, end)`` offsets into *text*).

    Parameters
    ----------
    jurisdiction : str
        The plan's id.
    text : str
        The plan's normalised text.
    spans : sequence of (int, int)
        The operative spans (clipped to the text).
    n : int
        Window length in characters.

    Returns
    -------
    PlanWindows
        The windows' hashes (sorted) and start offsets, the text's code points, the number of characters inside
        *spans* (``operative_chars``), and whether a window hash occurs twice.
    """
    codes = code_points(text)
    h = window_hashes(codes, n)
    valid = np.zeros(len(h), dtype=bool)
    covered = np.zeros(len(codes), dtype=bool)
    for s, e in spans:
        s, e = max(0, int(s)), min(len(codes), int(e))
        if e - s >= n:
            valid[s:e - n + 1] = True
        if e > s:
            covered[s:e] = True
    pos = np.flatnonzero(valid)
    o = np.argsort(h[pos], kind="stable")  # sorted once; every join below is then a merge of sorted arrays
    hs = h[pos][o]
    return PlanWindows(jurisdiction, codes, pos[o], hs, int(covered.sum()), bool((hs[1:] == hs[:-1]).any()))


def _match_pairs(A: PlanWindows, B: PlanWindows, n: int) -> tuple[np.ndarray, np.ndarray]:
    """All (pos_a, pos_b) whose windows are identical (hash join, then character check)."""
    if not len(A.pos) or not len(B.pos):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    hb = B.hashes
    lo = np.searchsorted(hb, A.hashes, side="left")
    if B.repeats:
        cnt = np.searchsorted(hb, A.hashes, side="right") - lo
    else:  # every hash of B is unique: a match is simply an equal value at lo
        cnt = (hb[np.minimum(lo, len(hb) - 1)] == A.hashes).astype(np.int64)
    ia = np.repeat(np.arange(len(A.pos)), cnt)
    if not len(ia):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    ib = np.repeat(lo, cnt) + (np.arange(len(ia)) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    pa, pb = A.pos[ia], B.pos[ib]
    wa = np.lib.stride_tricks.sliding_window_view(A.codes, n)
    wb = np.lib.stride_tricks.sliding_window_view(B.codes, n)
    same = (wa[pa] == wb[pb]).all(axis=1)
    return pa[same], pb[same]


def pair_passages(A: PlanWindows, B: PlanWindows, n: int) -> np.ndarray:
    """Maximal shared passages of A and B: array of rows ``(start_a, end_a, start_b, end_b)``.

    Sorted by ``start_a``, then ``start_b``.

    Parameters
    ----------
    A, B : PlanWindows
        The two plans' windows (:func:`plan_windows`).
    n : int
        The window length they were made with.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of shape ``(n_passages, 4)``, end offsets exclusive; ``(0, 4)`` if none.
    """
    pa, pb = _match_pairs(A, B, n)
    if not len(pa):
        return np.zeros((0, 4), dtype=np.int64)
    diag = pa - pb
    o = np.lexsort((pa, diag))
    pa, pb, diag = pa[o], pb[o], diag[o]
    new = np.r_[True, (np.diff(diag) != 0) | (np.diff(pa) != 1)]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(pa)] - 1
    out = np.column_stack([pa[starts], pa[ends] + n, pb[starts], pb[ends] + n]).astype(np.int64)
    return out[np.lexsort((out[:, 2], out[:, 0]))]


def _covered(intervals: np.ndarray, length: int) -> int:
    """Number of positions in ``[0, length)`` covered by the half-open *intervals* (rows start, end)."""
    if not len(intervals):
        return 0
    diff = np.zeros(length + 1, dtype=np.int64)
    np.add.at(diff, intervals[:, 0], 1)
    np.add.at(diff, intervals[:, 1], -1)
    return int((np.cumsum(diff[:-1]) > 0).sum())


def _share_any(wins: list[PlanWindows], n: int) -> np.ndarray:
    """Per plan: operative characters covered by a window whose hash occurs in another plan.

    Exact up to 64-bit hash collisions (module docstring): windows are matched
    by hash only, not checked character by character.
    """
    if not wins:
        return np.zeros(0, dtype=np.int64)
    # each plan's distinct hashes (its windows are sorted by hash), all plans together, sorted: a hash seen
    # twice is held by two plans (one sort of one array: the corpus's windows cost 8 bytes each here)
    h = np.concatenate([w.hashes[np.r_[True, w.hashes[1:] != w.hashes[:-1]]] for w in wins if len(w.hashes)]
                       or [np.zeros(0, dtype=np.uint64)])
    h.sort()
    shared_h = np.unique(h[1:][h[1:] == h[:-1]])
    del h
    out = []
    for w in wins:
        if len(shared_h) and len(w.hashes):
            j = np.minimum(np.searchsorted(shared_h, w.hashes), len(shared_h) - 1)
            p = w.pos[shared_h[j] == w.hashes]
        else:
            p = w.pos[:0]
        out.append(_covered(np.column_stack([p, p + n]), len(w.codes)))
    return np.asarray(out, dtype=np.int64)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser of a uint64 array (a bijection that spreads the bits)."""
    x = x.copy()
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x


def _top_per_row(score: np.ndarray, n: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(row + *offset*, column) of each row's *n* highest positive scores (ties: smaller column), rows ascending."""
    P = score.shape[1]
    if n < P:  # a threshold first, so only ~n entries per row are sorted
        thr = np.partition(score, P - n, axis=1)[:, P - n]
        r, c = np.nonzero(score >= np.maximum(thr, 1)[:, None])
    else:
        r, c = np.nonzero(score > 0)
    s = score[r, c]
    o = np.lexsort((c, -s, r))
    r, c = r[o], c[o]
    keep = np.arange(len(r)) - np.searchsorted(r, r, side="left") < n
    return r[keep] + offset, c[keep]


def _sketch_candidates(wins: list[PlanWindows], sketch_size: int, n_cand: int, max_postings: int = 256,
                       depth: int | None = None, rescore_size: int = 512, budget: int = 1 << 22,
                       stats: dict | None = None) -> list[np.ndarray]:
    """For every plan A, up to *n_cand* other plans that hold the largest share of A's windows (estimated).

    1. *Votes*: each of A's ``sketch_size`` smallest window hashes votes for
       the plans that hold it; a hash held by more than ``max_postings``
       plans votes for a fixed pseudo-random sample of ``max_postings`` of
       them (the ``max_postings`` smallest ``mix(hash, plan)``), so a plan
       casts at most ``sketch_size * max_postings`` votes whatever the number
       of plans (without the cap, a template shared by a fifth of the plans
       makes this quadratic).  The ``depth`` [``4 * n_cand``] plans with most
       votes are A's shortlist (ties: plan order).
    2. *Re-scoring*: each shortlisted plan B is scored by the number of A's
       ``rescore_size`` smallest hashes found among B's windows (a binary
       search per hash, exact for that sample); the ``n_cand`` best (ties:
       plan order, score > 0) are returned.

    With no hash held by more than ``max_postings`` plans and ``rescore_size
    == sketch_size``, this picks exactly the plans holding most of A's
    bottom-``sketch_size`` sketch.  Votes and re-scoring are linear in the
    corpus; votes are counted in a dense row of P counters per plan, in blocks
    of about *budget* counters (memory bounded; a P**2 term of a few
    nanoseconds per pair of plans, ~0.02 s at 2,000 plans).
    *stats*, if given, receives ``votes`` (votes cast) and ``max_postings_seen``.
    """
    P = len(wins)
    depth = max(int(depth or 4 * n_cand), n_cand)
    empty = [np.zeros(0, np.int64) for _ in range(P)]
    if P < 2 or n_cand < 1:
        return empty
    uniq = [w.hashes[np.r_[True, w.hashes[1:] != w.hashes[:-1]]] if len(w.hashes) else w.hashes for w in wins]
    sk = [u[:sketch_size] for u in uniq]
    Q = np.unique(np.concatenate(sk))  # every hash in some plan's sketch
    if not len(Q):
        return empty
    # postings of the sketch hashes: (hash id, plan), one pass over every plan's windows
    qid_parts, plan_parts = [], []
    for i, u in enumerate(uniq):
        j = np.searchsorted(Q, u)
        hit = Q[np.minimum(j, len(Q) - 1)] == u
        qid_parts.append(j[hit])
        plan_parts.append(np.full(int(hit.sum()), i, dtype=np.int64))
    qid, qpl = np.concatenate(qid_parts), np.concatenate(plan_parts)
    # cap each posting list at max_postings plans: a deterministic pseudo-random sample
    prio = _mix64(Q[qid] ^ _mix64(qpl.astype(np.uint64) + np.uint64(1)))
    o = np.lexsort((qpl, prio, qid))
    qid, qpl = qid[o], qpl[o]
    start = np.searchsorted(qid, np.arange(len(Q) + 1))
    if stats is not None:
        stats["max_postings_seen"] = int(np.diff(start).max())
    keep = np.arange(len(qid)) - start[qid] < max_postings
    qid, qpl = qid[keep], qpl[keep]
    start = np.searchsorted(qid, np.arange(len(Q) + 1))
    kept = np.diff(start)
    # votes: A's sketch hashes x their (capped) postings, counted in blocks of plans
    qa = np.repeat(np.arange(P), [len(x) for x in sk])
    qh = np.searchsorted(Q, np.concatenate(sk))
    cnt = kept[qh]
    qbound = np.searchsorted(qa, np.arange(P + 1))
    step = int(max(1, min(P, budget // P, budget // max(1, sketch_size * max_postings))))
    short_a, short_b, n_votes = [], [], 0
    for a0 in range(0, P, step):
        a1 = min(P, a0 + step)
        s0, s1 = qbound[a0], qbound[a1]
        c = cnt[s0:s1]
        rows = np.repeat(qa[s0:s1] - a0, c)
        idx = np.repeat(start[qh[s0:s1]], c) + (np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c))
        n_votes += len(idx)
        votes = np.bincount(rows * P + qpl[idx], minlength=(a1 - a0) * P).reshape(a1 - a0, P)
        votes[np.arange(a1 - a0), np.arange(a0, a1)] = 0  # not its own source
        r, b = _top_per_row(votes, depth, a0)
        short_a.append(r)
        short_b.append(b)
    if stats is not None:
        stats["votes"] = n_votes
    ca, cb = np.concatenate(short_a), np.concatenate(short_b)
    # re-score the shortlist: how many of A's rescore_size smallest hashes B holds
    sk2 = [u[:rescore_size] for u in uniq]
    score = np.zeros(len(ca), dtype=np.int64)
    o = np.argsort(cb, kind="stable")
    bbound = np.searchsorted(cb[o], np.arange(P + 1))
    for B in range(P):
        sel = o[bbound[B]:bbound[B + 1]]
        if not len(sel) or not len(uniq[B]):
            continue
        lens = np.asarray([len(sk2[a]) for a in ca[sel]], dtype=np.int64)
        q = np.concatenate([sk2[a] for a in ca[sel]])
        j = np.searchsorted(uniq[B], q)
        hit = (uniq[B][np.minimum(j, len(uniq[B]) - 1)] == q).astype(np.int64)
        score[sel] = np.add.reduceat(np.r_[hit, 0], np.r_[0, np.cumsum(lens)[:-1]])[:len(sel)] * (lens > 0)
    o = np.lexsort((cb, -score, ca))
    ca, cb, score = ca[o], cb[o], score[o]
    keep = (np.arange(len(ca)) - np.searchsorted(ca, ca, side="left") < n_cand) & (score > 0)
    ca, cb = ca[keep], cb[keep]
    bounds = np.searchsorted(ca, np.arange(P + 1))
    return [cb[bounds[a]:bounds[a + 1]] for a in range(P)]


def find_reuse(texts: Mapping[str, str], spans: Mapping[str, Sequence[tuple[int, int]]], plans: Sequence[str],
          min_chars: int = MIN_CHARS, all_pairs_max_plans: int = 50, top_k: int = 5,
          sketch_size: int = 128, max_postings: int = 256, n_candidates: int | None = None,
          rescore_size: int = 512) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Shared passages, plan-by-plan shares and per-plan totals of verbatim reuse.

    Parameters
    ----------
    texts : mapping of str to str
        ``{jurisdiction: normalised text}`` of each plan (``text/<j>.txt``).
    spans : mapping of str to sequence of (int, int)
        ``{jurisdiction: [(start, end), ...]}``: each plan's operative spans, offsets into its text.
    plans : sequence of str
        Plans to compare, in output order.
    min_chars : int, default MIN_CHARS
        Shortest passage reported (:data:`MIN_CHARS` = 20 characters).
    all_pairs_max_plans : int, default 50
        Up to this many plans, every pair.
    top_k : int, default 5
        Beyond ``all_pairs_max_plans``, sources kept per plan.
    sketch_size : int, default 128
        Beyond ``all_pairs_max_plans``, smallest window hashes per plan that vote for the plans holding them,
        to shortlist its sources.
    max_postings : int, default 256
        Beyond ``all_pairs_max_plans``, a hash held by more plans than this votes for a fixed pseudo-random
        sample of this many of them: candidate search then costs at most ``sketch_size * max_postings`` votes
        per plan, linear in the number of plans (raise it for better recall among hundreds of copies of one
        template, at proportional cost).
    n_candidates : int, optional
        Plans shortlisted per plan; None means ``4 * top_k``.
    rescore_size : int, default 512
        The shortlist is re-scored on this many of the plan's smallest window hashes (the share of them found
        in B estimates the share of A found in B, standard error at most ``0.5 / sqrt(512)``, 2.2%); its
        ``top_k`` best are the pairs whose passages and shares are computed, exactly.

    Returns
    -------
    passages : pandas.DataFrame
        :data:`PASSAGE_COLUMNS`: one row per maximal passage and unordered pair of plans (``jurisdiction_a``
        before ``jurisdiction_b`` in *plans*); offsets into each plan's text; ``text`` is the passage.
    matrix : pandas.DataFrame
        :data:`MATRIX_COLUMNS`: one row per ordered pair (A, B) with at least one shared passage: A's
        ``shared_chars`` covered by passages shared with B, A's ``operative_chars``, their ratio ``share``,
        and ``rank`` of B among A's sources by ``shared_chars`` (ties: plan order).
    summary : pandas.DataFrame
        :data:`SUMMARY_COLUMNS`: per plan, characters found in any other plan (``shared_chars_any``,
        ``share_any``; every plan counts, in both regimes; exact up to 64-bit hash collisions) and
        ``n_sources`` (rows of A in ``matrix``; beyond ``all_pairs_max_plans`` it can be 0 while
        ``share_any`` is not, when too little of A is shared to reach its sample).
    """
    plans = [p for p in plans if p in texts]
    n = int(min_chars)
    if n < 1:
        raise ValueError("min_chars must be at least 1")
    wins = [plan_windows(p, texts[p], spans.get(p, []), n) for p in plans]
    P = len(wins)
    chosen: set[tuple[int, int]] | None = None
    if P <= all_pairs_max_plans:
        pairs = [(a, b) for a in range(P) for b in range(a + 1, P)]
    else:
        # each plan's top_k sources by sketch estimate; passages and shares then computed exactly
        cands = _sketch_candidates(wins, sketch_size, top_k, max_postings=max_postings, depth=n_candidates,
                                   rescore_size=rescore_size)
        chosen = {(a, int(b)) for a, cand in enumerate(cands) for b in cand}
        pairs = sorted({(min(a, b), max(a, b)) for a, b in chosen})
    pas_rows, shared = [], {}
    for a, b in pairs:
        A, B = wins[a], wins[b]
        ps = pair_passages(A, B, n)
        if not len(ps):
            continue
        shared[(a, b)] = _covered(ps[:, [0, 1]], len(A.codes))
        shared[(b, a)] = _covered(ps[:, [2, 3]], len(B.codes))
        text_a = texts[plans[a]]
        for sa, ea, sb, eb in ps.tolist():
            pas_rows.append((a, sa, ea, b, sb, eb, ea - sa, text_a[sa:ea]))
    passages = pd.DataFrame(pas_rows, columns=["_a", "start_a", "end_a", "_b", "start_b", "end_b", "length", "text"])
    passages = passages.sort_values(["_a", "_b", "start_a", "start_b"], kind="mergesort")
    pas_a, pas_b = passages["_a"].tolist(), passages["_b"].tolist()
    passages.insert(0, "jurisdiction_a", [plans[i] for i in passages["_a"]])
    passages.insert(3, "jurisdiction_b", [plans[i] for i in passages["_b"]])
    passages = passages[PASSAGE_COLUMNS].reset_index(drop=True)

    mrows = [{"_a": a, "_b": b, "shared_chars": s, "operative_chars": wins[a].operative_chars}
             for (a, b), s in shared.items() if s > 0]
    matrix = pd.DataFrame(mrows, columns=["_a", "_b", "shared_chars", "operative_chars"])
    matrix["share"] = (matrix["shared_chars"] / matrix["operative_chars"].where(matrix["operative_chars"] > 0)
                       ).astype(float)
    matrix = matrix.sort_values(["_a", "shared_chars", "_b"], ascending=[True, False, True], kind="mergesort")
    matrix["rank"] = matrix.groupby("_a").cumcount() + 1
    if P > all_pairs_max_plans:
        matrix = matrix[matrix["rank"] <= top_k]
        kept = {(a, b) for a, b in zip(matrix["_a"], matrix["_b"])}
        kept |= {(b, a) for a, b in kept}
        passages = passages[[(a, b) in kept for a, b in zip(pas_a, pas_b)]].reset_index(drop=True)
    matrix.insert(0, "jurisdiction", [plans[i] for i in matrix["_a"]])
    matrix.insert(1, "other_jurisdiction", [plans[i] for i in matrix["_b"]])
    n_src = matrix.groupby("_a").size()
    matrix = matrix[MATRIX_COLUMNS].reset_index(drop=True)

    any_chars = _share_any(wins, n)
    summary = pd.DataFrame({
        "jurisdiction": plans, "operative_chars": [w.operative_chars for w in wins], "shared_chars_any": any_chars,
    })
    summary["share_any"] = (summary["shared_chars_any"] / summary["operative_chars"].where(
        summary["operative_chars"] > 0)).astype(float)
    summary["n_sources"] = [int(n_src.get(i, 0)) for i in range(P)]
    return passages, matrix, summary[SUMMARY_COLUMNS]
