"""Cross-plan analyses of the build: vectors, clusters, alignment,
keyness and text reuse, written as deterministic CSV files.

:func:`write_crossplan` is what ``python -m analysis build`` calls;
:func:`compute_crossplan` returns the same tables without writing, for
notebooks and the benchmark.  Every default lives in :class:`CrossPlanParams`;
pass another instance to change one (``CrossPlanParams(n_clusters=12)``).

Which rows go where, and why:

- tokens: every action and safeguard's ``text`` (the operative text), once,
  in parallel for large corpora; reused by every analysis below.
- clusters: rows of kind ``action`` only (``include_safeguards=False``):
  safeguards (组织领导, 经费保障, 监测评估) are the same few formulas in every
  plan and would form one cluster that says nothing about what plans *do*.
- alignment and plan similarity: actions *and* safeguards (``align_kinds``):
  safeguard sections are copied from templates too, and a researcher tracing
  a template wants their counterparts as well.
- keyness and reuse: all operative text (actions and safeguards).

Determinism: fixed seeds (``random_state``), stable sorts with explicit tie
breaks, floats rounded to ``decimals`` places (p-values to ``decimals``
significant digits) before writing, fixed column order.  Two builds of the
same corpus write identical bytes.
"""
from __future__ import annotations

import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from analysis.pipeline.params import INPUTS_FILE, PARAMETERS_FILE, CrossPlanParams, read_params
from analysis.textstats.align import align_actions, plan_similarity
from analysis.textstats.cluster import cluster_tables, cluster_vectors, ctfidf_terms
from analysis import schema
from analysis.files import write_csv, write_text
from analysis.textstats.keyness import keyness_table, merge_place_names
from analysis.textstats.reuse import find_reuse
from analysis.textstats.tokens import default_tokenizer, tokenize_many
from analysis.textstats.vectorize import LSA, WordTfidf

if TYPE_CHECKING:  # pragma: no cover
    from analysis.pipeline.extract import Dataset

__all__ = ["CrossPlanParams", "CrossPlanResult", "compute_crossplan", "write_crossplan", "read_params",
           "OUTPUT_FILES", "PARAMETERS_FILE", "INPUTS_FILE"]

#: Files written by :func:`write_crossplan`, in writing order.
OUTPUT_FILES = [name for name, t in schema.CORE_TABLES.items() if t.stage == "crossplan"]


@dataclass
class CrossPlanResult:
    """Tables by output name (:data:`OUTPUT_FILES`) and seconds spent per stage."""

    tables: dict[str, pd.DataFrame]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    families: pd.DataFrame | None = None  # jurisdiction, template_family, template_basis


def _round(df: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Round float columns (p-values, raw and adjusted, to significant digits); turn -0.0 into 0.0."""
    df = df.copy()
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            if col in ("p_value", "p_adjusted"):
                df[col] = [float(f"{v:.{decimals}g}") for v in df[col]]
            else:
                df[col] = df[col].round(decimals) + 0.0
    return df


def compute_crossplan(corpus: "Dataset", params: CrossPlanParams | None = None,
                       progress: bool = False) -> CrossPlanResult:
    """Every similarity table of *corpus* (see :data:`OUTPUT_FILES`), not written.

    *params*: :class:`CrossPlanParams` (default: its defaults).  *progress*:
    show a progress bar on stderr.
    """
    p = params or CrossPlanParams()
    notes: list[str] = []
    plans = corpus.plans_with_actions
    skipped = [j for j in corpus.plans if j not in plans]
    if skipped:
        notes.append(f"cross-plan stage: {', '.join(skipped)} left out (no actions); every summary across plans "
                     f"is over the {len(plans)} plan(s) with actions")
    items = corpus.actions[corpus.actions["jurisdiction"].isin(plans)].reset_index(drop=True)
    if len(plans) < 2:
        notes.append(f"cross-plan stage: {len(plans)} plan(s) with actions; clusters, alignment, keyness and "
                     "reuse need at least two, so their tables are written empty")
        return CrossPlanResult(empty_tables(), {}, notes)
    timings: dict[str, float] = {}
    bar = tqdm(total=6, desc="similarity", unit="stage", disable=not progress, file=sys.stderr)

    def lap(name: str, t0: float) -> float:
        timings[name] = time.perf_counter() - t0
        bar.update(1)
        return time.perf_counter()

    t = time.perf_counter()
    tokens = tokenize_many(items["text"].astype(str).tolist(), default_tokenizer(), n_jobs=p.n_jobs)
    t = lap("tokenize", t)
    if not any(tokens):
        bar.close()
        notes.append("cross-plan stage: the actions hold no content words, so their tables are written empty")
        return CrossPlanResult(empty_tables(), timings, notes)
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=p.blas_threads):
        warnings.simplefilter("always")
        tables = _analyse(corpus, items, tokens, plans, p, lap, t)
    bar.close()
    seen = set()
    for w in caught:
        msg = f"cross-plan stage: {w.category.__name__}: {w.message}"
        if msg not in seen:
            seen.add(msg)
            notes.append(msg)
    tables = {k: _round(v.reset_index(drop=True), p.decimals) for k, v in tables.items()}
    fam = template_families(tables["reuse_matrix"], plans, p.template_min_share)
    return CrossPlanResult(tables, timings, notes, fam)


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every cross-plan table with its columns and no rows."""
    return {name: schema.frame([], schema.CORE_TABLES[name]) for name in OUTPUT_FILES}


def _analyse(corpus: "Dataset", items: pd.DataFrame, tokens: list[list[str]], plans: list[str],
             p: CrossPlanParams, lap, t: float) -> dict[str, pd.DataFrame]:
    """The numeric stages of :func:`compute_crossplan` (vectors to reuse), timed with *lap*."""
    # vectors: word TF-IDF of every row (alignment); LSA of the clustered rows
    word = WordTfidf(min_df=p.min_df)
    X_all = word.fit_transform(tokens)
    is_clustered = items["kind"].eq("action") | (items["kind"].eq("safeguard") & p.include_safeguards)
    ci = np.flatnonzero(is_clustered.to_numpy())
    Xc = X_all[ci]
    Z = LSA(n_components=p.lsa_components, random_state=p.random_state).fit_transform(Xc) if len(ci) > 1 \
        else np.zeros((len(ci), 1))
    t = lap("vectors", t)

    res = cluster_vectors(Z, k=p.n_clusters, k_min=p.k_min, k_max=p.k_max, random_state=p.random_state,
                          n_init=p.n_init, stability_runs=p.stability_runs, selection_sample=p.selection_sample,
                          selection_runs=p.stability_runs, X_full=Xc)
    ctoks = [tokens[i] for i in ci]
    terms = ctfidf_terms(ctoks, res.labels, top_n=p.cluster_terms)
    clusters, summary, plan_counts = cluster_tables(items.iloc[ci], res.labels, terms, plans, p.label_terms)
    quality = res.quality.copy()
    quality["n_clustered"] = len(ci)
    quality["n_sample"] = res.n_sample
    quality["lsa_components"] = Z.shape[1]
    do_sens = p.sensitivity if p.sensitivity is not None else len(ci) <= p.sensitivity_max_actions
    sens = cluster_sensitivity(Xc, res, Z.shape[1], p) if do_sens and len(ci) > 3 else \
        schema.frame([], schema.CORE_TABLES["cluster_sensitivity"])
    t = lap("clusters", t)

    ai = np.flatnonzero(items["kind"].isin(p.align_kinds).to_numpy())
    Xa = X_all[ai]
    sub = items.iloc[ai]
    R = None
    if sub["jurisdiction"].nunique() > p.all_pairs_max_plans:  # dense vectors for retrieval, shared by both
        R = LSA(n_components=p.retrieval_components, random_state=p.random_state, n_iter=3).fit_transform(Xa)
    alignment = align_actions(sub["action_id"].tolist(), sub["jurisdiction"].tolist(), Xa, plans,
                              all_pairs_max_plans=p.all_pairs_max_plans, top_k=p.align_top_k, retrieval=R,
                              random_state=p.random_state)
    jsim = plan_similarity(Xa, sub["jurisdiction"].tolist(), plans, all_pairs_max_plans=p.all_pairs_max_plans,
                           top_k=p.align_top_k, threshold=p.match_threshold, retrieval=R,
                           random_state=p.random_state)
    t = lap("alignment", t)

    names = corpus.documents.set_index("jurisdiction")["name_zh"]
    key = keyness_table(merge_place_names(tokens, [names[j] for j in plans]), items["jurisdiction"].tolist(),
                        plans, top_n=p.keyness_top_n, min_count=p.keyness_min_count, alpha=p.keyness_alpha,
                        min_log_ratio=p.keyness_min_log_ratio)
    t = lap("keyness", t)

    passages, matrix, rsum = reuse_tables(corpus, items, plans, p)
    rsens = reuse_sensitivity(corpus, items, plans, p) if (
        p.sensitivity if p.sensitivity is not None else len(plans) <= p.all_pairs_max_plans) else \
        schema.frame([], schema.CORE_TABLES["reuse_sensitivity"])
    lap("reuse", t)
    return {"clusters": clusters, "cluster_terms": terms, "cluster_summary": summary,
            "cluster_plans": plan_counts, "cluster_quality": quality, "cluster_sensitivity": sens, "alignment": alignment,
            "jurisdiction_similarity": jsim, "keyness": key, "reuse_passages": passages, "reuse_matrix": matrix,
            "reuse_summary": rsum, "reuse_sensitivity": rsens}


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
    passages = schema.frame(passages.to_dict("records"), schema.CORE_TABLES["reuse_passages"])
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


def reuse_sensitivity(corpus: "Dataset", items: pd.DataFrame, plans: list[str], p: CrossPlanParams) -> pd.DataFrame:
    """Verbatim shares of every ordered pair of plans at each passage length of ``p.sensitivity_min_chars``,
    with punctuation counted and not counted (``reuse_sensitivity.csv``)."""
    rows = []
    for n in p.sensitivity_min_chars:
        for punct in (True, False):
            _, m, _ = reuse_tables(corpus, items, plans, p, min_chars=n, punctuation=punct)
            m = m[m["other_role"] == "plan"]
            for r in m.itertuples():
                rows.append({"min_chars": n, "punctuation": "counted" if punct else "excluded",
                             "jurisdiction": r.jurisdiction, "other_jurisdiction": r.other_jurisdiction,
                             "shared_chars": r.shared_chars, "operative_chars": r.operative_chars, "share": r.share})
    return schema.frame(rows, schema.CORE_TABLES["reuse_sensitivity"])


def template_families(matrix: pd.DataFrame, plans: list[str], min_share: float) -> pd.DataFrame:
    """Plans written from one template: connected components of the pairs whose verbatim share (either
    direction) reaches *min_share*.  One row per plan: ``jurisdiction, template_family, template_basis``."""
    links: dict[str, dict[str, float]] = {}
    for a, b, s in zip(matrix["jurisdiction"], matrix["other_jurisdiction"], matrix["share"]):
        if s >= min_share:
            links.setdefault(a, {})[b] = max(s, links.get(a, {}).get(b, 0.0))
            links.setdefault(b, {})
    order = {j: i for i, j in enumerate(plans)}
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
            todo += [y for y in links.get(x, {})] + [y for y, nb in links.items() if x in nb]
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


def cluster_sensitivity(X, build, build_dims: int, p: CrossPlanParams) -> pd.DataFrame:
    """How the clustering moves with the LSA dimension: one row per size in ``p.sensitivity_lsa``.

    For each size, k is chosen by the same criterion (:func:`analysis.textstats.cluster.choose_k`);
    the row gives that k, its silhouette (LSA and full space), its stabilities,
    and the adjusted Rand index between that partition and the build's
    (*build*, a :class:`~analysis.textstats.cluster.ClusterResult` in *build_dims* dimensions).
    """
    from sklearn.metrics import adjusted_rand_score

    rows = []
    for dims in sorted(set(p.sensitivity_lsa) | {build_dims}):
        if dims == build_dims:
            res, got = build, build_dims
        else:
            Z = LSA(n_components=dims, random_state=p.random_state).fit_transform(X)
            got = Z.shape[1]
            res = cluster_vectors(Z, k_min=p.k_min, k_max=p.k_max, random_state=p.random_state, n_init=p.n_init,
                                  stability_runs=p.stability_runs, selection_sample=p.selection_sample,
                                  selection_runs=p.stability_runs, X_full=X)
        if res.quality.empty or not res.quality["chosen"].any():
            continue
        row = res.quality[res.quality["chosen"]].iloc[0]
        rows.append({"lsa_components": got, "k": res.k, "silhouette": row["silhouette"],
                     "silhouette_full": row["silhouette_full"], "stability_seeds_ari": row["stability_seeds_ari"],
                     "stability_bootstrap_ari": row["stability_bootstrap_ari"], "score": row["score"],
                     "ari_with_build": float(adjusted_rand_score(build.labels, res.labels)),
                     "is_build": dims == build_dims})
    return schema.frame(rows, schema.CORE_TABLES["cluster_sensitivity"]).drop_duplicates("lsa_components")


def write_crossplan(corpus: "Dataset", out: Path, progress: bool = True,
                    params: CrossPlanParams | None = None) -> CrossPlanResult:
    """Compute every cross-plan table of *corpus* and write them into *out* (the build's staging folder).

    Also writes the template families into ``documents.csv`` (``template_family``,
    ``template_basis``), which the cross-plan stage detects from verbatim reuse.
    *progress* [True]: a progress bar on stderr.  *params* [None = :class:`CrossPlanParams`
    defaults].  Returns the :class:`CrossPlanResult`, timings included.
    """
    from analysis.pipeline import catalog

    result = compute_crossplan(corpus, params, progress)
    out = Path(out)
    for name in OUTPUT_FILES:
        write_csv(result.tables[name], out / schema.CORE_TABLES[name].file, float_format="%.15g")
    import json

    write_text(json.dumps((params or CrossPlanParams()).as_dict(), indent=1, sort_keys=True) + "\n",
               out / PARAMETERS_FILE)
    inputs = dict(zip(corpus.documents["jurisdiction"], corpus.documents["sha256"]))
    write_text(json.dumps(inputs, indent=1, sort_keys=True) + "\n", out / INPUTS_FILE)
    if result.families is not None and len(result.families):
        docs = corpus.documents.drop(columns=["template_family", "template_basis"])
        docs = docs.merge(result.families, on="jurisdiction", how="left")
        corpus.documents = docs[catalog.columns("documents")]
        write_csv(corpus.documents, out / catalog.table("documents").file)
    return result
