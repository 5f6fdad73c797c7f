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
:data:`MIN_CHARS`), set by reading what the five plans share at each length.
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
operative_chars``.  ``share_any`` (:func:`reuse_summary`) counts characters
covered by a window that occurs in *any* other plan, from one global sort of
all windows (linear in the corpus).

Scale (issue #6): up to ``all_pairs_max_plans`` plans (default 50), passages
and shares are computed for every pair.  Beyond, plans copied from one
template share most of their text with hundreds of others, so every pair
would be quadratic in both time and output; each plan then keeps its
``top_k`` largest sources: candidates are found with a bottom-``sketch_size`` (128)
sketch of each plan's windows (the share of A's sketch found in B estimates
the share of A found in B; a source holding less than ~1% of A is likely
missed); the ``top_k`` plans holding most of A's sketch are its sources, and
passages and shares are computed exactly for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["MIN_CHARS", "PlanWindows", "plan_windows", "window_hashes", "pair_passages", "reuse",
           "PASSAGE_COLUMNS", "MATRIX_COLUMNS", "SUMMARY_COLUMNS"]

#: Default minimum passage length in characters (module docstring says why).
MIN_CHARS = 20

PASSAGE_COLUMNS = ["jurisdiction_a", "start_a", "end_a", "jurisdiction_b", "start_b", "end_b", "length", "text"]
MATRIX_COLUMNS = ["jurisdiction", "other_jurisdiction", "shared_chars", "operative_chars", "share", "rank"]
SUMMARY_COLUMNS = ["jurisdiction", "operative_chars", "shared_chars_any", "share_any", "n_sources"]

_BASE = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so the polynomial hash is invertible mod 2**64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def code_points(text: str) -> np.ndarray:
    """The characters of *text* as an array of Unicode code points (uint32)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)


def window_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of every window of *n* code points (``len(codes) - n + 1`` of them).

    A polynomial hash mod 2**64 built in *n* vectorised passes, then mixed
    with the splitmix64 finaliser so that the hash values are spread evenly
    (the sketch of :func:`reuse` takes the smallest ones).
    """
    L = len(codes) - n + 1
    if L <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(L, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + codes[k:k + L]
        h ^= h >> np.uint64(30)
        h *= _M1
        h ^= h >> np.uint64(27)
        h *= _M2
        h ^= h >> np.uint64(31)
    return h


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
    """Windows of *n* characters lying wholly inside one of *spans* (``(start, end)`` offsets into *text*)."""
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
    """Per plan: operative characters covered by a window whose hash occurs in another plan."""
    if not wins:
        return np.zeros(0, dtype=np.int64)
    h = np.concatenate([w.hashes for w in wins])
    plan = np.repeat(np.arange(len(wins)), [len(w.hashes) for w in wins])
    o = np.lexsort((plan, h))
    hs, ps = h[o], plan[o]
    first_of_hash = np.r_[True, hs[1:] != hs[:-1]]
    new_pair = first_of_hash | np.r_[True, ps[1:] != ps[:-1]]
    hash_id = np.cumsum(first_of_hash) - 1
    n_plans = np.bincount(hash_id[new_pair], minlength=hash_id[-1] + 1 if len(hash_id) else 0)
    shared = np.empty(len(h), dtype=bool)
    shared[o] = n_plans[hash_id] >= 2
    out, off = [], 0
    for w in wins:
        m = shared[off:off + len(w.hashes)]
        p = w.pos[m]
        out.append(_covered(np.column_stack([p, p + n]), len(w.codes)))
        off += len(w.hashes)
    return np.asarray(out, dtype=np.int64)


def _sketch_candidates(wins: list[PlanWindows], sketch_size: int, n_cand: int,
                       chunk: int = 256) -> list[np.ndarray]:
    """For every plan, up to *n_cand* other plans that hold most of its bottom-*sketch_size* window hashes."""
    P = len(wins)
    uniq = [w.hashes[np.r_[True, w.hashes[1:] != w.hashes[:-1]]] if len(w.hashes) else w.hashes for w in wins]
    sk = [u[:sketch_size] for u in uniq]
    gh = np.concatenate(uniq)
    gp = np.repeat(np.arange(P), [len(u) for u in uniq])
    o = np.argsort(gh, kind="stable")
    gh, gp = gh[o], gp[o]
    out: list[np.ndarray] = []
    for a0 in range(0, P, chunk):
        a1 = min(P, a0 + chunk)
        qh = np.concatenate(sk[a0:a1])
        qa = np.repeat(np.arange(a1 - a0), [len(s) for s in sk[a0:a1]])
        lo = np.searchsorted(gh, qh, side="left")
        hi = np.searchsorted(gh, qh, side="right")
        cnt = hi - lo
        rows = np.repeat(qa, cnt)
        idx = np.repeat(lo, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        counts = np.bincount(rows * P + gp[idx], minlength=(a1 - a0) * P).reshape(a1 - a0, P)
        for r in range(a1 - a0):
            counts[r, a0 + r] = 0
            c = counts[r]
            cand = np.flatnonzero(c)
            cand = cand[np.lexsort((cand, -c[cand]))][:n_cand]
            out.append(cand)
    return out


def reuse(texts: Mapping[str, str], spans: Mapping[str, Sequence[tuple[int, int]]], plans: Sequence[str],
          min_chars: int = MIN_CHARS, all_pairs_max_plans: int = 50, top_k: int = 5,
          sketch_size: int = 128) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Shared passages, plan-by-plan shares and per-plan totals of verbatim reuse.

    - ``texts`` -- normalised text of each plan (``text/<j>.txt``).
    - ``spans`` -- each plan's operative spans ``(start, end)``.
    - ``plans`` -- plans to compare, in output order.
    - ``min_chars`` [:data:`MIN_CHARS` = 20] -- shortest passage reported.
    - ``all_pairs_max_plans`` [50] -- up to this many plans, every pair.
    - ``top_k`` [5] -- beyond it, sources kept per plan.
    - ``sketch_size`` [128] -- beyond it, smallest window hashes per plan used
      to pick its ``top_k`` sources (standard error of the estimated share at
      most ``0.5 / sqrt(sketch_size)``, 4.4%; shares reported are exact).

    Returns ``(passages, matrix, summary)``:

    - ``passages`` (:data:`PASSAGE_COLUMNS`): one row per maximal passage and
      unordered pair of plans (``jurisdiction_a`` before ``jurisdiction_b`` in
      *plans*); offsets into each plan's text; ``text`` is the passage;
    - ``matrix`` (:data:`MATRIX_COLUMNS`): one row per ordered pair (A, B)
      with at least one shared passage: A's ``shared_chars`` covered by
      passages shared with B, A's ``operative_chars``, their ratio ``share``,
      and ``rank`` of B among A's sources by ``shared_chars`` (ties: plan
      order);
    - ``summary`` (:data:`SUMMARY_COLUMNS`): per plan, characters found in any
      other plan (``shared_chars_any``, ``share_any``) and ``n_sources`` (rows
      of A in ``matrix``).
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
        chosen = {(a, int(b)) for a, cand in enumerate(_sketch_candidates(wins, sketch_size, top_k)) for b in cand}
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
