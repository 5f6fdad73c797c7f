"""The reuse stage of the cross-plan analyses: verbatim passages shared among the plans and with the
reference documents, the shares they make, and the template families they reveal.

Plans are compared on their operative text (the spans of their actions and safeguards), references on
their whole text; the spans an erratum repaired are cut out of every text (``reuse_exclude_errata``).
The search itself is :func:`analysis.textstats.reuse.find_reuse`; this module turns the corpus into its
input and its output into ``reuse_passages.csv``, ``reuse_matrix.csv`` and ``reuse_summary.csv``, and
the matrix into the ``template_family`` of ``documents.csv``.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import schema
from analysis.pipeline import catalog
from analysis.pipeline.params import CrossPlanParams
from analysis.textstats.reuse import find_reuse

if TYPE_CHECKING:  # pragma: no cover
    from analysis.pipeline.extract import Dataset

__all__ = ["erratum_spans", "reuse_spans", "reuse_tables", "template_families", "with_families"]


def erratum_spans(corpus: "Dataset") -> dict[str, list[tuple[int, int]]]:
    """Spans of the normalised texts repaired by an erratum (``qa_report.csv`` rows of kind ``erratum``)."""
    qa = corpus.qa
    out: dict[str, list[tuple[int, int]]] = {}
    rows = qa[(qa["kind"] == "erratum") & qa["text_start"].astype(str).ne("")]
    for j, s, e in zip(rows["document"], rows["text_start"], rows["text_end"]):
        out.setdefault(j, []).append((int(s), int(e)))
    return out


def _minus(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """*spans* with the characters of *holes* cut out (a passage never crosses or includes a hole)."""
    out = []
    for s, e in spans:
        cur = s
        for hs, he in sorted(holes):
            if he <= cur or hs >= e:
                continue
            if hs > cur:
                out.append((cur, hs))
            cur = max(cur, he)
        if cur < e:
            out.append((cur, e))
    return out


def reuse_spans(corpus: "Dataset", items: pd.DataFrame, exclude_errata: bool = True) -> dict[str, list]:
    """Operative spans of every plan with actions (errata cut out), and the whole text of every reference."""
    holes = erratum_spans(corpus) if exclude_errata else {}
    spans = {j: _minus(list(zip(g["start"].astype(int), g["end"].astype(int))), holes.get(j, []))
             for j, g in items.groupby("jurisdiction")}
    docs = corpus.documents
    for j in docs.loc[docs["role"] == "reference", "jurisdiction"]:
        spans[j] = _minus([(0, len(corpus.texts[j]))], holes.get(j, []))
    return spans


def reuse_tables(corpus: "Dataset", items: pd.DataFrame, plans: list[str], p: CrossPlanParams,
                 min_chars: int | None = None, punctuation: bool = True):
    """Passages, matrix and summary of verbatim reuse among the plans and against the reference documents.

    Plans are compared on their operative text, references on their whole
    text.  A passage two *plans* share that also occurs in a reference is
    marked (``in_reference``): it may come from the common source rather
    than from one plan copying the other, and ``share_direct`` leaves it out.
    Erratum spans are cut out of every text (``reuse_exclude_errata``).
    *punctuation* False counts only Chinese characters, letters and digits in
    shares (passages are the same).
    """
    n = int(min_chars or p.reuse_min_chars)
    refs = [str(j) for j in corpus.documents.loc[corpus.documents["role"] == "reference", "jurisdiction"]]
    spans = reuse_spans(corpus, items, p.reuse_exclude_errata)
    texts = corpus.texts
    passages, matrix, rsum = find_reuse(texts, spans, plans + refs, min_chars=n,
                                        all_pairs_max_plans=p.all_pairs_max_plans, top_k=p.reuse_top_k,
                                        max_postings=p.reuse_max_postings)
    plan_set = set(plans)
    in_ref = []
    for a, b, txt in zip(passages["jurisdiction_a"], passages["jurisdiction_b"], passages["text"]):
        in_ref.append(";".join(r for r in refs if a in plan_set and b in plan_set and txt in texts[r]))
    passages["in_reference"] = in_ref
    # characters of A shared with B, directly (not found in a reference) and with punctuation or not
    keep = _content_mask(texts) if not punctuation else None
    rows = []
    for (a, b), g in passages.groupby(["jurisdiction_a", "jurisdiction_b"], sort=False):
        for x, y, s_col, e_col in ((a, b, "start_a", "end_a"), (b, a, "start_b", "end_b")):
            if x not in plan_set:
                continue
            iv = list(zip(g[s_col], g[e_col]))
            direct = [(s, e) for (s, e), r in zip(iv, g["in_reference"]) if not r]
            rows.append({"jurisdiction": x, "other_jurisdiction": y,
                         "shared_chars": _count(iv, keep, x), "shared_direct": _count(direct, keep, x)})
    op = {j: _count(spans.get(j, []), keep, j) for j in plans}
    m = pd.DataFrame(rows, columns=["jurisdiction", "other_jurisdiction", "shared_chars", "shared_direct"])
    m = m[m["shared_chars"] > 0].copy()
    m["operative_chars"] = m["jurisdiction"].map(op)
    m["share"] = m["shared_chars"] / m["operative_chars"]
    m["share_direct"] = m["shared_direct"] / m["operative_chars"]
    m["other_role"] = np.where(m["other_jurisdiction"].isin(refs), "reference", "plan")
    order = {j: i for i, j in enumerate(plans + refs)}
    m = m.assign(_a=m["jurisdiction"].map(order), _b=m["other_jurisdiction"].map(order))
    m = m.sort_values(["_a", "shared_chars", "_b"], ascending=[True, False, True], kind="mergesort")
    m["rank"] = m.groupby("_a").cumcount() + 1
    matrix = schema.frame(m.to_dict("records"), schema.CORE_TABLES["reuse_matrix"])
    rsum = rsum[rsum["jurisdiction"].isin(plan_set)].reset_index(drop=True)
    if refs:
        ref_cov = {}
        for j in plans:
            g = passages[((passages["jurisdiction_a"] == j) & passages["jurisdiction_b"].isin(refs))]
            ref_cov[j] = _count(list(zip(g["start_a"], g["end_a"])), keep, j)
        rsum["share_reference"] = [ref_cov[j] / op[j] if op[j] else float("nan") for j in rsum["jurisdiction"]]
    else:
        rsum["share_reference"] = float("nan")
    rsum["operative_chars"] = rsum["jurisdiction"].map(op)
    if keep is not None:  # share_any with punctuation excluded is not recomputed: only pairwise shares are
        rsum["shared_chars_any"] = float("nan")
        rsum["share_any"] = float("nan")
    cols = schema.CORE_TABLES["reuse_passages"].column_names
    # the largest table of the stage: its columns taken as they are (the same values and types a trip through
    # records would give, without a dictionary per passage)
    passages = passages[cols].reset_index(drop=True) if len(passages) and set(cols) <= set(passages.columns) \
        else schema.frame(passages.to_dict("records"), schema.CORE_TABLES["reuse_passages"])
    rsum = schema.frame(rsum.to_dict("records"), schema.CORE_TABLES["reuse_summary"])
    return passages, matrix, rsum


_CONTENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")


def _content_mask(texts: dict[str, str]) -> dict[str, np.ndarray]:
    return {j: np.fromiter((bool(_CONTENT.match(c)) for c in t), dtype=bool, count=len(t)) for j, t in texts.items()}


def _count(intervals, keep: dict | None, j: str) -> int:
    """Characters covered by *intervals* (union), counting only content characters when *keep* is given."""
    if not len(intervals):
        return 0
    end = max(int(e) for _, e in intervals)
    cov = np.zeros(end + 1, dtype=np.int64)
    for s, e in intervals:
        cov[int(s)] += 1
        cov[int(e)] -= 1
    covered = np.cumsum(cov)[:end] > 0
    if keep is not None:
        covered &= keep[j][:end]
    return int(covered.sum())


def template_families(matrix: pd.DataFrame, plans: list[str], min_share: float) -> pd.DataFrame:
    """Plans written from one template: connected components of the pairs whose verbatim share (either
    direction) reaches *min_share*.  One row per plan: ``jurisdiction, template_family, template_basis``."""
    links: dict[str, dict[str, float]] = {}
    for a, b, s in zip(matrix["jurisdiction"], matrix["other_jurisdiction"], matrix["share"]):
        if s >= min_share:
            links.setdefault(a, {})[b] = max(s, links.get(a, {}).get(b, 0.0))
            links.setdefault(b, {})
    order = {j: i for i, j in enumerate(plans)}
    around: dict[str, set] = {j: set() for j in links}  # the links in both directions, built once
    for a, nb in links.items():
        for b in nb:
            around[a].add(b)
            around[b].add(a)
    seen, family = set(), {}
    for j in list(links):
        if j in seen:
            continue
        comp, todo = set(), [j]
        while todo:
            x = todo.pop()
            if x in comp:
                continue
            comp.add(x)
            todo += around[x]
        seen |= comp
        if len(comp) > 1:
            members = ";".join(sorted(comp, key=lambda x: order.get(x, len(order))))
            for x in comp:
                family[x] = members
    rows = []
    for j in plans:
        basis = ", ".join(f"{b} {s:.3f}" for b, s in sorted(links.get(j, {}).items(),
                                                             key=lambda kv: order.get(kv[0], len(order))))
        rows.append({"jurisdiction": j, "template_family": family.get(j, ""),
                     "template_basis": f"verbatim share ≥ {min_share:g}: {basis}" if family.get(j) and basis
                     else ("" if not family.get(j) else "linked through another member")})
    return pd.DataFrame(rows)




def with_families(documents: pd.DataFrame, families: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of *documents* with the ``template_family`` and ``template_basis`` of *families*.

    Parameters
    ----------
    documents : DataFrame
        The documents table (``documents.csv``); not changed.
    families : DataFrame or None
        :func:`template_families` output (None or empty: *documents* is returned as it is).

    Returns
    -------
    DataFrame
        The documents table, its columns in catalogue order.
    """
    if families is None or not len(families):
        return documents
    docs = documents.drop(columns=["template_family", "template_basis"])
    docs = docs.merge(families, on="jurisdiction", how="left")
    return docs[catalog.columns("documents")]
