"""Comparisons *across* plans: similarity, text reuse, counterparts, keyness (clusters and the map: re-exported).

These read the tables the cross-plan stage of the build writes into
``data/processed``: ``jurisdiction_similarity.csv``, ``reuse_matrix.csv`` (``jurisdiction,
other_jurisdiction, shared_chars, operative_chars, share``),
``reuse_passages.csv`` (``jurisdiction_a, start_a, end_a, jurisdiction_b,
start_b, end_b, length, text``), ``alignment.csv`` and ``keyness.csv``.  Where a column name is
not fixed by the build (the value column of the similarity table, the score
of keyness) the functions accept the usual names, listed in each docstring,
and say which they found missing.  The functions on ``clusters.csv`` (composition, spread, the action
map) live in :mod:`analysis.compare.clusters` and are re-exported here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compare.clusters import (NOISE, action_map, cluster_composition, cluster_space,  # noqa: F401
                                       cluster_spread, shared_clusters, unique_clusters)
from analysis.compare.intervals import DEFAULT_BOOT, bootstrap_ratio, wilson
from analysis.compare.tables import plan_order
# the build's ``match_threshold``: a best match this close is a counterpart
from analysis.textstats.align import MATCH_THRESHOLD


def _value_column(df: pd.DataFrame, candidates: tuple[str, ...], what: str) -> str:
    found = next((c for c in candidates if c in df.columns), None)
    if found is None:
        raise KeyError(f"{what}: none of the columns {candidates} found (have {list(df.columns)})")
    return found


def _square(df: pd.DataFrame, value: str, a: str = "jurisdiction", b: str = "other_jurisdiction",
            symmetric: bool = False, diagonal: float | None = None) -> pd.DataFrame:
    plans = plan_order(list(df[a]) + list(df[b]))
    m = df.pivot_table(index=a, columns=b, values=value, aggfunc="first").reindex(index=plans, columns=plans)
    if symmetric:
        m = m.combine_first(m.T)
    return _with_diagonal(m.astype(float), diagonal)


def _with_diagonal(m: pd.DataFrame, diagonal: float | None = None, default: float | None = None) -> pd.DataFrame:
    """*m* with its diagonal set to *diagonal*, or NaN diagonal cells set to *default* (a copy)."""
    values = m.to_numpy(dtype=float, copy=True)
    d = np.diag(values).copy()
    if diagonal is not None:
        d[:] = diagonal
    elif default is not None:
        d = np.where(np.isnan(d), default, d)
    np.fill_diagonal(values, d)
    out = pd.DataFrame(values, index=list(m.index), columns=list(m.columns))
    out.index.name, out.columns.name = "jurisdiction", "other_jurisdiction"
    return out


SIMILARITY_VALUES = ("similarity", "mean_best_similarity", "centroid_cosine", "cosine", "value")


def similarity_matrix(similarity: pd.DataFrame, value: str | None = None) -> pd.DataFrame:
    """Plan x plan similarity as a square matrix in plan order (rows: ``jurisdiction``).

    Accepts the long form (``jurisdiction, other_jurisdiction`` and the value
    column *value*, default the first of :data:`SIMILARITY_VALUES` present --
    ``mean_best_similarity`` in the build's table: the mean, over the row
    plan's actions, of their best match in the column plan, so not symmetric)
    or a wide matrix whose first column is ``jurisdiction``.  A missing pair
    is taken from its mirror; a plan compared with itself is 1 unless the
    table says otherwise.

    Parameters
    ----------
    similarity : pandas.DataFrame
        ``jurisdiction_similarity.csv`` (long form) or a wide matrix, as above.
    value : str, optional
        The value column of the long form; None: the first of :data:`SIMILARITY_VALUES` present (``KeyError`` if
        none is).

    Returns
    -------
    pandas.DataFrame
        Square float matrix, index ``jurisdiction`` (row plan) and columns ``other_jurisdiction``, in plan order.
    """
    if "other_jurisdiction" in similarity.columns:
        col = value or _value_column(similarity, SIMILARITY_VALUES, "jurisdiction_similarity")
        m = _square(similarity, col, symmetric=True)
    else:
        wide = similarity.set_index(similarity.columns[0])
        plans = plan_order(list(wide.index))
        m = wide.reindex(index=plans, columns=plans).astype(float)
    return _with_diagonal(m, default=1.0)


def reuse_matrix(reuse: pd.DataFrame, plans: list[str] | None = None) -> pd.DataFrame:
    """Share of each row plan's operative text found verbatim in the column plan (square; diagonal NaN).

    Not symmetric: a short plan copied whole into a long one has a high
    share in its row and a low one in the other plan's.  Reads ``share`` (or
    ``shared_chars / operative_chars``) of ``reuse_matrix.csv``, which lists
    only pairs that share a passage: pass every plan as *plans* (e.g.
    ``documents["jurisdiction"]``) so the pairs that share nothing show 0,
    not a missing value, and plans sharing nothing with anyone still appear.

    Parameters
    ----------
    reuse : pandas.DataFrame
        ``reuse_matrix.csv``; rows whose ``other_role`` is not ``plan`` (e.g. a national outline) are left out.
    plans : list of str, optional
        Every plan to show; None: the plans named in *reuse*.

    Returns
    -------
    pandas.DataFrame
        Square float matrix of shares (0..1), index ``jurisdiction`` (row plan, whose text is measured) and
        columns ``other_jurisdiction``, in plan order; NaN on the diagonal.
    """
    df = reuse.copy()
    if "other_role" in df.columns:
        df = df[df["other_role"].fillna("plan") == "plan"]
    if "share" not in df.columns:
        df["share"] = df["shared_chars"] / df["operative_chars"]
    df = df[df["jurisdiction"] != df["other_jurisdiction"]]
    everyone = plan_order((list(plans) if plans is not None else []) + list(df["jurisdiction"]) + list(df["other_jurisdiction"]))
    m = df.pivot_table(index="jurisdiction", columns="other_jurisdiction", values="share", aggfunc="first")
    m = m.reindex(index=everyone, columns=everyone).fillna(0.0)
    return _with_diagonal(m, diagonal=np.nan)


def reuse_pairs(reuse: pd.DataFrame, passages: pd.DataFrame, actions: pd.DataFrame, plans: list[str] | None = None,
                n_boot: int = DEFAULT_BOOT, seed: int = 0) -> pd.DataFrame:
    """Every ordered pair of plans: the verbatim share with a 95% interval (bootstrap over A's actions).

    Columns: ``jurisdiction, other_jurisdiction, shared_chars, operative_chars, share, share_lo, share_hi``
    (0 with an empty interval for pairs that share nothing).  Each of A's actions contributes the
    characters of its span covered by passages shared with B; the actions are resampled.

    Parameters
    ----------
    reuse : pandas.DataFrame
        ``reuse_matrix.csv`` (the shares; rows with ``other_role`` other than ``plan`` are left out).
    passages : pandas.DataFrame
        ``reuse_passages.csv`` (the shared spans, which the bootstrap draws from).
    actions : pandas.DataFrame
        ``actions.csv`` (``jurisdiction, start, end``: the spans resampled).
    plans : list of str, optional
        The plans to pair; None: the plans of *actions*.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of different plans (A = ``jurisdiction``, B = ``other_jurisdiction``), in plan
        order, with the columns above; ``share`` and its bounds are fractions of A's operative characters.
    """
    plans = plan_order(plans if plans is not None else list(actions["jurisdiction"]))
    m = reuse.copy()
    if "other_role" in m.columns:
        m = m[m["other_role"].fillna("plan") == "plan"]
    rows = []
    for a in plans:
        acts = actions[actions["jurisdiction"] == a]
        starts, ends = acts["start"].astype(int).to_numpy(), acts["end"].astype(int).to_numpy()
        lens = ends - starts
        for b in plans:
            if a == b:
                continue
            r = m[(m["jurisdiction"] == a) & (m["other_jurisdiction"] == b)]
            if r.empty:
                rows.append({"jurisdiction": a, "other_jurisdiction": b, "shared_chars": 0,
                             "operative_chars": int(lens.sum()), "share": 0.0, "share_lo": 0.0, "share_hi": 0.0})
                continue
            first = (passages["jurisdiction_a"] == a) & (passages["jurisdiction_b"] == b)
            second = (passages["jurisdiction_a"] == b) & (passages["jurisdiction_b"] == a)
            iv = list(zip(passages.loc[first, "start_a"], passages.loc[first, "end_a"])) + \
                list(zip(passages.loc[second, "start_b"], passages.loc[second, "end_b"]))
            end = int(max(ends.max() if len(ends) else 0, max((int(e) for _, e in iv), default=0))) + 1
            cov = np.zeros(end + 1, dtype=np.int64)
            for s, e in iv:
                cov[int(s)] += 1
                cov[int(e)] -= 1
            covered = np.cumsum(cov)[:end] > 0
            csum = np.r_[0, np.cumsum(covered)]
            per_action = csum[ends] - csum[starts]
            lo, hi = bootstrap_ratio(per_action, lens, n_boot, seed)
            rows.append({"jurisdiction": a, "other_jurisdiction": b, "shared_chars": int(r["shared_chars"].iloc[0]),
                         "operative_chars": int(r["operative_chars"].iloc[0]), "share": float(r["share"].iloc[0]),
                         "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def similarity_pairs(similarity: pd.DataFrame) -> pd.DataFrame:
    """``jurisdiction_similarity.csv`` with a Wilson interval on ``share_matched`` (k of the row plan's actions).

    Parameters
    ----------
    similarity : pandas.DataFrame
        ``jurisdiction_similarity.csv`` (``share_matched``, ``n_actions`` per ordered pair).

    Returns
    -------
    pandas.DataFrame
        A copy, one row per ordered pair as in the input, with three columns added: ``n_matched`` (A's actions
        matched, ``share_matched * n_actions`` rounded), ``share_matched_lo``, ``share_matched_hi`` (95% Wilson).
    """
    s = similarity.copy()
    k = (s["share_matched"].astype(float) * s["n_actions"].astype(float)).round().astype(int)
    bounds = [wilson(x, n) for x, n in zip(k, s["n_actions"].astype(int))]
    s["n_matched"] = k
    s["share_matched_lo"] = [b[0] for b in bounds]
    s["share_matched_hi"] = [b[1] for b in bounds]
    return s


def longest_passages(passages: pd.DataFrame, n: int = 10, min_length: int = 0) -> pd.DataFrame:
    """The *n* longest passages two plans share: ``jurisdiction_a, jurisdiction_b, length, start_a, end_a,
    start_b, end_b, text``, longest first (ties: plan order, then offsets).

    Parameters
    ----------
    passages : pandas.DataFrame
        ``reuse_passages.csv``.
    n : int
        Most rows returned.
    min_length : int
        Shortest passage kept, in characters.

    Returns
    -------
    pandas.DataFrame
        At most *n* rows, one per passage, with the columns above (``length`` in characters), index reset.
    """
    order = {j: i for i, j in enumerate(plan_order(list(passages["jurisdiction_a"]) +
                                                   list(passages["jurisdiction_b"])))}
    p = passages[passages["length"] >= min_length].copy()
    p["_a"], p["_b"] = p["jurisdiction_a"].map(order), p["jurisdiction_b"].map(order)
    p = p.sort_values(["length", "_a", "_b", "start_a", "start_b"], ascending=[False, True, True, True, True])
    cols = ["jurisdiction_a", "jurisdiction_b", "length", "start_a", "end_a", "start_b", "end_b", "text"]
    return p[cols].head(n).reset_index(drop=True)


def counterparts(alignment: pd.DataFrame, actions: pd.DataFrame, jurisdiction: str, other: str,
                 threshold: float = MATCH_THRESHOLD) -> pd.DataFrame:
    """Each action of *jurisdiction* beside its most similar action in *other* (``alignment.csv``).

    Columns: ``action_id, title, match_action_id, match_title, similarity,
    mutual`` (the match's own best match in *jurisdiction* is this action),
    ``counterpart`` (``similarity`` reaches *threshold*; pass the build's
    ``match_threshold``, which ``share_matched`` used; default
    :data:`MATCH_THRESHOLD`).  Rows: most similar first (ties:
    order of the plan).  Safeguards are included, as in the alignment.
    Titles are the plans' own (Chinese) headings; an action without a title
    shows the opening of its text.

    Parameters
    ----------
    alignment : pandas.DataFrame
        ``alignment.csv``; must hold rows for *jurisdiction* -> *other* (else ``ValueError``).
    actions : pandas.DataFrame
        ``actions.csv`` (titles, texts and the plan's order).
    jurisdiction, other : str
        The plan whose actions are listed and the plan searched for matches (different, else ``ValueError``).
    threshold : float
        Cosine similarity (0..1) from which a best match is a counterpart.

    Returns
    -------
    pandas.DataFrame
        One row per aligned action of *jurisdiction*, the columns and order above, index reset.
    """
    if jurisdiction == other:
        raise ValueError("counterparts: give two different plans")
    pos = {a: i for i, a in enumerate(actions["action_id"])}
    titles = actions.set_index("action_id").apply(_title, axis=1)
    a = alignment[(alignment["jurisdiction"] == jurisdiction) & (alignment["other_jurisdiction"] == other)].copy()
    if a.empty:
        raise ValueError(f"alignment has no rows for {jurisdiction} -> {other}")
    a["title"] = a["action_id"].map(titles)
    a["match_title"] = a["match_action_id"].map(titles)
    a["similarity"] = a["similarity"].astype(float)
    a["mutual"] = a["mutual"].astype(str).str.lower().isin(["true", "1"])
    a["counterpart"] = a["similarity"] >= threshold
    a["_pos"] = a["action_id"].map(pos)
    a = a.sort_values(["similarity", "_pos"], ascending=[False, True])
    cols = ["action_id", "title", "match_action_id", "match_title", "similarity", "mutual", "counterpart"]
    return a[cols].reset_index(drop=True)


def _title(row: pd.Series, n: int = 24) -> str:
    title = row.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    text = str(row.get("text", "") or "").strip()
    return text if len(text) <= n else text[:n] + "…"


KEYNESS_SCORES = ("keyness", "log_likelihood", "loglik", "g2", "llr", "chi2", "chi_square", "score")


def top_keyness(keyness: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Each plan's *n* most distinctive terms (over-used against the other plans).

    Columns: ``jurisdiction, rank, term, score, measure`` (the name of the
    score column used, e.g. ``g2``) plus the other columns of the input
    (counts, ``log_ratio``...).  The score is the first of
    :data:`KEYNESS_SCORES` present.  Under-used terms are left out: a
    negative score, a negative ``log_ratio`` (G² itself is never negative),
    or a ``direction`` other than over/+.  With a ``key`` column (the build's
    table), only key terms are kept (significant after correction and at least
    twice as frequent) and the table's own ``rank`` order is used (G², then log
    ratio, then term); otherwise ties break on the term, so the list is stable.

    Parameters
    ----------
    keyness : pandas.DataFrame
        ``keyness.csv`` (``jurisdiction, term`` and a score column); ``KeyError`` if no score column is found.
    n : int
        Most terms per plan.

    Returns
    -------
    pandas.DataFrame
        At most *n* rows per plan, plans in plan order and ``rank`` 1.. within each, with the columns above.
    """
    score = _value_column(keyness, KEYNESS_SCORES, "keyness")
    k = keyness.copy()
    k["score"] = k[score].astype(float)
    k["measure"] = score
    k = k[k["score"] > 0]
    if "log_ratio" in k.columns:
        k = k[k["log_ratio"].astype(float) > 0]
    if "direction" in k.columns:
        k = k[k["direction"].astype(str).str.lower().isin(["over", "+", "positive", "overuse", "1"])]
    if "key" in k.columns:
        k = k[k["key"].astype(str).str.lower().isin(["true", "1"])]
    order = ["rank"] if "rank" in k.columns and "key" in k.columns else ["score", "term"]
    asc = [True] if order == ["rank"] else [False, True]
    rows = []
    for j in plan_order(k["jurisdiction"]):
        top = k[k["jurisdiction"] == j].sort_values(order, ascending=asc).head(n)
        top = top.drop(columns=[score] if score != "score" else []).assign(rank=range(1, len(top) + 1))
        rows.append(top)
    out = pd.concat(rows, ignore_index=True) if rows else k.assign(rank=[])
    first = ["jurisdiction", "rank", "term", "score", "measure"]
    return out[first + [c for c in out.columns if c not in first]]
