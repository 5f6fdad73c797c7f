"""Distinctive terms of each plan against all the others (keyness).

For a term and a plan (the *target*), with ``a`` = the term's count in the
target, ``b`` = its count in every other plan together (the *reference*; the
plans of the target's template family are left out of it, see below),
``c`` / ``d`` = all tokens of target / reference, the 2x2 table
``[[a, b], [c - a, d - b]]`` gives:

- ``g2`` -- log-likelihood ratio (Dunning 1993; Rayson & Garside 2000),
  ``2 * sum(O * ln(O / E))`` over the four cells, with the sign of the
  difference: positive when the term is relatively more frequent in the
  target.  The usual keyness statistic for corpora of unequal size; reliable
  for counts as small as these plans give.
- ``chi2`` -- Pearson's chi-square of the same table (no continuity
  correction), signed the same way, for readers used to it.
- ``p_value`` -- of ``g2`` under chi-square with 1 degree of freedom;
- ``p_adjusted`` -- Bonferroni-corrected for the ``n_tested`` terms tested
  in that plan (every term used at least ``min_count`` times there):
  ``min(1, p_value * n_tested)``;
- ``log_ratio`` -- effect size (Hardie 2014): ``log2`` of the ratio of the
  relative frequencies, with 0.5 substituted for a zero count; ``ratio`` is
  the ratio itself (``2 ** log_ratio``: 38 = used 38 times as often, per
  token, as in the reference), the number the report prints;
- ``key`` -- the term is a *key term*: over-represented, ``p_adjusted <
  alpha`` (0.05) **and** ``log_ratio >= min_log_ratio`` (1: at least twice as
  frequent as in the other plans).  A frequent term can be significant with a
  small effect (科普 in a plan that uses it a little more than the others):
  the effect-size floor keeps it out.

Ranking (``rank``): key terms first, by ``g2`` descending, ties broken by
``log_ratio`` descending, then by the term (so the order is total and stated);
then the other tested terms in the same order.

Counts are of content tokens (:mod:`analysis.textstats.tokens`: stopwords, numbers,
punctuation and one-character tokens removed) of the plans' operative text
(every action and safeguard, ``text`` column of ``actions.csv``): the preamble
and headers would make place names and document titles the top terms.

**Template families.**  Plans written from one template share their wording
by construction: in the reference of one of them, its twin makes the
template's words look common and hides them.  With *exclude* (the build
passes each plan's template family, ``keyness_exclude_family``), the plans
named for a target are left out of its reference; ``reference_excludes``
says which.

**Minimum count.**  Only terms the target uses at least ``min_count`` times
(3) are tested: a term used once or twice is a drafting accident more often
than a trait, and cannot pass the test after the correction anyway (at these
corpus sizes even a term used three times here and never elsewhere has a
G² of about 10, p about 0.0015, which Bonferroni over a few hundred tested
terms does not accept).  Terms below the minimum count in the number of
tests of no plan.

Only terms over-represented in the target (``g2 > 0``) with at least
``min_count`` occurrences in it are listed; the ``top_n`` first by rank are
kept per plan.  Place names written with and without their level (重庆 and
重庆市) are one term when the caller merges them first
(:func:`merge_place_names`).  Computation is vectorised over the non-zero cells of the
plan x term count matrix, so it grows linearly with the corpus.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import chdtrc

from analysis import schema
from analysis.corpus.levels import PLACE_SUFFIXES as suffixes, place_names

__all__ = ["count_matrix", "keyness_table", "merge_place_names", "KEYNESS_COLUMNS"]

KEYNESS_COLUMNS = schema.columns("keyness")


def count_matrix(tokens: Sequence[Sequence[str]], jurisdictions: Sequence[str],
                 plans: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Plan x term counts (CSR, rows in *plans* order) and the sorted vocabulary.

    *tokens*: one token list per document; *jurisdictions*: the document's plan.

    Parameters
    ----------
    tokens : sequence of sequence of str
        One token list per document.
    jurisdictions : sequence of str
        The plan of each document; every one must be in *plans*.
    plans : sequence of str
        The plans, in row order.

    Returns
    -------
    counts : scipy.sparse.csr_matrix
        ``len(plans) x len(vocabulary)`` integer counts of each term in each plan.
    vocabulary : numpy.ndarray
        The terms (object array), sorted; column j counts term j.
    """
    index = {j: i for i, j in enumerate(plans)}
    ids: dict[str, int] = {}
    lengths = [len(t) for t in tokens]
    # dict lookups: linear, no object sort; straight into an array (a list of millions of ints is large)
    flat = np.fromiter((ids.setdefault(w, len(ids)) for t in tokens for w in t), dtype=np.int64,
                       count=sum(lengths))
    vocab = np.asarray(sorted(ids), dtype=object)
    remap = np.empty(len(ids), dtype=np.int64)
    remap[[ids[w] for w in vocab]] = np.arange(len(vocab))
    term_idx = remap[flat] if len(flat) else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.asarray([index[j] for j in jurisdictions], dtype=np.int64), lengths)
    M = sparse.csr_matrix((np.ones(len(flat), dtype=np.int64), (rows, term_idx)),
                          shape=(len(plans), len(vocab)))
    M.sum_duplicates()
    return M, vocab


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * ln(x / y) with 0 * ln(0) = 0."""
    out = np.zeros_like(x, dtype=np.float64)
    nz = x > 0
    out[nz] = x[nz] * np.log(x[nz] / y[nz])
    return out


def merge_place_names(tokens: Sequence[Sequence[str]], names_zh: Sequence[str]) -> list[list[str]]:
    """*tokens* with every place name written with its level (重庆市, 芝罘区) replaced by the bare name.

    The place names come from the jurisdictions' Chinese names (*names_zh*,
    :func:`analysis.corpus.levels.place_names`); a token equal to a place name
    followed by a level word (省, 市, 区, 县, 旗, 盟, 州, 自治区 …) becomes the
    place name, so one place is one term.

    Parameters
    ----------
    tokens : sequence of sequence of str
        One token list per document.
    names_zh : sequence of str
        The Chinese names of the jurisdictions.

    Returns
    -------
    list of list of str
        New token lists, same lengths and order.
    """
    merge: dict[str, str] = {}
    for name in names_zh:
        for place in place_names(str(name)):
            for s in suffixes:
                merge[place + s] = place
    return [[merge.get(w, w) for w in doc] for doc in tokens]


def keyness_table(tokens: Sequence[Sequence[str]], jurisdictions: Sequence[str], plans: Sequence[str],
                  top_n: int | None = 30, min_count: int = 3, alpha: float = 0.05,
                  min_log_ratio: float = 1.0, exclude: dict[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Distinctive terms of every plan against all other plans together (module docstring).

    Parameters
    ----------
    tokens : sequence of token lists
        One token list per document (e.g. per action).
    jurisdictions : sequence of str
        The plan of each document.
    plans : sequence of str
        Every plan, in output order.
    top_n : int or None
        Terms kept per plan (30); ``None`` keeps every term with
        ``count_target > 0`` (over- and under-represented alike, unfiltered by
        ``min_count``: the full table, whose counts add up to the totals).
    min_count : int
        Minimum count in the target for a term to be tested (3): a term used
        once or twice is a drafting accident more often than a trait.
    alpha : float
        Family-wise error rate of the Bonferroni correction (0.05).
    min_log_ratio : float
        Effect-size floor of a key term (1.0: twice as frequent).
    exclude : dict, optional
        Plan -> plans left out of its reference corpus (its template family); the plan itself is ignored.

    Returns
    -------
    pandas.DataFrame
        :data:`KEYNESS_COLUMNS`, sorted by plan (in *plans* order), then ``rank``.
    """
    M, vocab = count_matrix(tokens, jurisdictions, plans)
    M = M.tocoo()
    a = M.data.astype(np.float64)
    plan = M.row
    term = M.col
    col_tot = np.asarray(M.tocsr().sum(axis=0)).ravel().astype(np.float64)
    row_tot = np.asarray(M.tocsr().sum(axis=1)).ravel().astype(np.float64)
    index = {j: i for i, j in enumerate(plans)}
    # the counts in the plans left out of each plan's reference: a plan and the plans it leaves out form a
    # group (a template family is one group for all its members, whose lists are often one list object: its
    # set is made once); the group's counts less the plan's own
    group_of = np.full(len(plans), -1, dtype=np.int64)
    groups: dict[frozenset, int] = {}
    sets: dict[int, tuple] = {}
    for j, others in (exclude or {}).items():
        if j not in index:
            continue
        if id(others) not in sets:
            sets[id(others)] = (others, frozenset(index[x] for x in others if x in index))
        base = sets[id(others)][1]
        i = index[j]
        if len(base) - (i in base) > 0:
            group_of[i] = groups.setdefault(base if i in base else base | {i}, len(groups))
    G = sparse.csr_matrix((np.ones(sum(len(g) for g in groups), dtype=np.int64),
                           ([gi for g, gi in groups.items() for _ in g], [i for g in groups for i in sorted(g)])),
                          shape=(len(groups), len(plans)))
    group_counts = (G @ M.tocsr()).tocsr()  # group x term
    has = group_of[plan] >= 0
    fam_a = np.zeros(len(a))
    if has.any():
        fam_a[has] = np.asarray(group_counts[group_of[plan][has], term[has]], dtype=np.float64).ravel() - a[has]
    group_tot = G @ row_tot
    fam_tot = np.where(group_of >= 0, group_tot[np.maximum(group_of, 0)] - row_tot, 0.0) if len(groups) \
        else np.zeros(len(plans))
    N = row_tot.sum()
    b = col_tot[term] - a - fam_a
    c = row_tot[plan]
    N = N - fam_tot[plan]  # each target's own corpus: itself and its reference
    d = N - c
    # 2x2 table: [a, b] term in target/reference; [c - a, d - b] other tokens
    k = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        E = np.stack([c * k / N, d * k / N, c * (N - k) / N, d * (N - k) / N])
        O = np.stack([a, b, c - a, d - b])
        g2 = 2 * _xlogy(O, E).sum(axis=0)
        chi2 = np.where(E > 0, (O - E) ** 2 / np.where(E > 0, E, 1), 0).sum(axis=0)
        over = a / c > np.where(d > 0, b / np.where(d > 0, d, 1), 0)
        ra = np.where(a > 0, a, 0.5) / c
        rb = np.where(b > 0, b, 0.5) / np.where(d > 0, d, 1)
        log_ratio = np.log2(ra / rb)
    sign = np.where(over, 1.0, -1.0)
    df = pd.DataFrame({
        "_p": plan, "jurisdiction": np.asarray(plans, dtype=object)[plan], "term": vocab[term],
        "count_target": a.astype(np.int64), "count_reference": b.astype(np.int64),
        "total_target": c.astype(np.int64), "total_reference": d.astype(np.int64),
        "g2": sign * np.maximum(g2, 0.0), "chi2": sign * chi2, "log_ratio": log_ratio, "ratio": 2.0 ** log_ratio,
    })
    tested = df["count_target"] >= min_count
    n_tested = df[tested].groupby("_p").size()
    df["n_tested"] = df["_p"].map(n_tested).fillna(0).astype(np.int64)
    df["p_value"] = chdtrc(1, np.abs(df["g2"].to_numpy(np.float64)))
    df["p_adjusted"] = np.minimum(1.0, df["p_value"] * df["n_tested"].clip(lower=1))
    df["key"] = tested & (df["g2"] > 0) & (df["p_adjusted"] < alpha) & (df["log_ratio"] >= min_log_ratio)
    if top_n is not None:
        df = df[(df["g2"] > 0) & tested]
    df = df.assign(_k=~df["key"], _g=-df["g2"].round(9), _l=-df["log_ratio"].round(9))
    df = df.sort_values(["_p", "_k", "_g", "_l", "term"], kind="mergesort")
    df["rank"] = df.groupby("_p").cumcount() + 1
    if top_n is not None:
        df = df[df["rank"] <= top_n]
    # which plans each listed plan's reference leaves out, written only for the plans listed
    excluded = {}
    for i in pd.unique(df["_p"]):
        others = (exclude or {}).get(plans[i], ())
        excluded[i] = ";".join(x for x in dict.fromkeys(others) if x in index and x != plans[i])
    df = df.assign(reference_excludes=pd.array([excluded[i] for i in df["_p"]], dtype="str"))
    return df[KEYNESS_COLUMNS].reset_index(drop=True)
