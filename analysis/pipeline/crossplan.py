"""Cross-plan analyses of the build: vectors, clusters, alignment,
keyness and text reuse, written as deterministic CSV files.

:func:`write_crossplan` is what ``python -m analysis build`` calls;
:func:`compute_crossplan` returns the same tables without writing, for
notebooks and the benchmark.  Every default lives in :class:`CrossPlanParams`
(:mod:`analysis.pipeline.params`, with the range of each); pass another
instance to change one (``CrossPlanParams(n_clusters=12)``).  This module
drives the stages; the reuse stage is :mod:`analysis.pipeline.reuse_stage`, the
sensitivity tables :mod:`analysis.pipeline.sensitivity_stage`.

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

import contextlib
import gc
import json
import multiprocessing
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

from analysis import schema
from analysis.files import write_csv, write_text
from analysis.pipeline import catalog
from analysis.pipeline.params import INPUTS_FILE, PARAMETERS_FILE, CrossPlanParams, read_params
from analysis.pipeline.reuse_stage import (erratum_spans, reuse_spans, reuse_tables, template_families,
                                           with_families)
from analysis.pipeline.sensitivity_stage import cluster_sensitivity, reuse_sensitivity
from analysis.textstats.align import align_actions, plan_similarity
from analysis.textstats.cluster import cluster_tables, cluster_vectors, ctfidf_terms, shared_by_all_counts
from analysis.textstats.keyness import keyness_table, merge_place_names
from analysis.processes import worker_pool
from analysis.selection import excluded
from analysis.textstats.tokens import MIN_PARALLEL_CHARS, default_tokenizer, resolve_n_jobs, tokenize_many
from analysis.textstats.vectorize import LSA, WordTfidf

if TYPE_CHECKING:  # pragma: no cover
    from analysis.pipeline.extract import Dataset

__all__ = ["CrossPlanParams", "CrossPlanResult", "compute_crossplan", "write_crossplan", "read_params",
           "OUTPUT_FILES", "PARAMETERS_FILE", "INPUTS_FILE", "empty_tables",
           # the stages of their own modules, re-exported where they used to live
           "erratum_spans", "reuse_spans", "reuse_tables", "template_families", "with_families",
           "cluster_sensitivity", "reuse_sensitivity"]

#: Files written by :func:`write_crossplan`, in writing order.
OUTPUT_FILES = [name for name, t in schema.CORE_TABLES.items() if t.stage == "crossplan"]


@dataclass
class CrossPlanResult:
    """Tables by output name (:data:`OUTPUT_FILES`) and seconds spent per stage."""

    tables: dict[str, pd.DataFrame]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    families: pd.DataFrame | None = None  # jurisdiction, template_family, template_basis
    #: documents.csv with the template families (set by :func:`write_crossplan`).
    documents: pd.DataFrame | None = None


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
    left_out = excluded(corpus.documents, p.exclude_documents)
    if left_out:
        notes.append("cross-plan stage: " + ", ".join(f"{j} ({why})" for j, why in left_out.items())
                     + " left out by exclude_documents")
    with_actions = corpus.plans_with_actions  # a property that scans the actions: asked once
    have = set(with_actions)
    plans = [j for j in with_actions if j not in left_out]
    skipped = [j for j in corpus.plans if j not in have]
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
    # the reuse stage needs no tokens: for a large corpus it runs in a process of its own, beside the
    # vectors, clusters, alignment and keyness (which use one core: tokenising used them all)
    with _reuse_job(corpus, items, plans, p) as reuse_job:
        with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=p.blas_threads):
            warnings.simplefilter("always")
            tables = _analyse(corpus, items, tokens, plans, p, lap, t)
        reuse, reuse_warnings, timings["reuse"] = reuse_job.result()
        tables.update(reuse)
        bar.update(1)
        with warnings.catch_warnings(record=True) as caught_keyness:
            warnings.simplefilter("always")
            t = time.perf_counter()
            tables["keyness"] = _keyness(corpus, items, tokens, plans, p, reuse["reuse_matrix"])
            lap("keyness", t)
        caught += caught_keyness
    bar.close()
    seen = set()
    for name, message in [(w.category.__name__, str(w.message)) for w in caught] + reuse_warnings:
        msg = f"cross-plan stage: {name}: {message}"
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
    clusters, summary, plan_counts = cluster_tables(items.iloc[ci], res.labels, terms, plans, p.label_terms,
                                                    coassignment=res.coassignment)
    quality = res.quality.copy()
    shared = shared_by_all_counts([res.labels] + res.seed_labels, items["jurisdiction"].to_numpy()[ci])
    quality["shared_by_all_min"] = np.where(quality["chosen"].astype(bool), min(shared), np.nan)
    quality["shared_by_all_max"] = np.where(quality["chosen"].astype(bool), max(shared), np.nan)
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
    lap("alignment", t)

    return {"clusters": clusters, "cluster_terms": terms, "cluster_summary": summary,
            "cluster_plans": plan_counts, "cluster_quality": quality, "cluster_sensitivity": sens, "alignment": alignment,
            "jurisdiction_similarity": jsim}


def _keyness(corpus: "Dataset", items: pd.DataFrame, tokens: list[list[str]], plans: list[str],
             p: CrossPlanParams, reuse_matrix: pd.DataFrame) -> pd.DataFrame:
    """The keyness table; a plan's template family (from *reuse_matrix*, as the build will round it) is left
    out of its reference corpus when ``keyness_exclude_family`` (:mod:`analysis.textstats.keyness`)."""
    exclude = None
    if p.keyness_exclude_family:  # a plan's template twin is not its reference
        fam = template_families(_round(reuse_matrix, p.decimals), plans, p.template_min_share)
        members: dict[str, list[str]] = {}  # one list per family, shared by its plans
        exclude = {}
        for j, f in zip(fam["jurisdiction"], fam["template_family"]):
            if f:
                if f not in members:
                    members[f] = f.split(";")
                exclude[j] = members[f]
    names = corpus.documents.set_index("jurisdiction")["name_zh"]
    with threadpool_limits(limits=p.blas_threads):
        return keyness_table(merge_place_names(tokens, [names[j] for j in plans]), items["jurisdiction"].tolist(),
                             plans, top_n=p.keyness_top_n, min_count=p.keyness_min_count, alpha=p.keyness_alpha,
                             min_log_ratio=p.keyness_min_log_ratio, exclude=exclude)


def _reuse_stage(corpus: "Dataset", items: pd.DataFrame, plans: list[str], p: CrossPlanParams):
    """The reuse tables (and their sensitivity), the warnings they raised as ``(category, message)``, and the
    seconds they took.  Needs no tokens: it runs beside the other stages (:class:`_ReuseJob`)."""
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=p.blas_threads):
        warnings.simplefilter("always")
        passages, matrix, rsum = reuse_tables(corpus, items, plans, p)
        rsens = reuse_sensitivity(corpus, items, plans, p) if (
            p.sensitivity if p.sensitivity is not None else len(plans) <= p.all_pairs_max_plans) else \
            schema.frame([], schema.CORE_TABLES["reuse_sensitivity"])
    tables = {"reuse_passages": passages, "reuse_matrix": matrix, "reuse_summary": rsum, "reuse_sensitivity": rsens}
    return tables, [(w.category.__name__, str(w.message)) for w in caught], time.perf_counter() - t0


#: The inputs of the reuse stage while a forked worker computes it (read by the worker, which is a copy of this
#: process made when the job starts: nothing is pickled on the way in).
_REUSE_INPUTS: tuple | None = None


def _reuse_in_worker():
    return _reuse_stage(*_REUSE_INPUTS)


class _ReuseJob:
    """The reuse stage, computed in a forked worker process while this process tokenises, vectorises,
    clusters and aligns (the reuse stage needs only the texts), or here, when :meth:`result` is asked, for a
    small corpus, one core, or a platform without ``fork``.  Same tables, same warnings either way."""

    def __init__(self, args: tuple, background: bool) -> None:
        self.args, self.future, self.pool = args, None, None
        if background:
            global _REUSE_INPUTS
            _REUSE_INPUTS = args
            self.pool = worker_pool(1)
            executor = self.pool.__enter__()
            # forks now, with the inputs in memory; frozen, the objects this process holds are left alone by the
            # worker's garbage collector, so their pages stay shared instead of being copied
            gc.freeze()
            try:
                self.future = executor.submit(_reuse_in_worker)
            finally:
                gc.unfreeze()

    def result(self):
        if self.future is None:
            return _reuse_stage(*self.args)
        out = self.future.result()
        self.close(None)  # the worker, a copy of this process, goes now: not kept through the stages after
        return out

    def close(self, exc: BaseException | None) -> None:
        global _REUSE_INPUTS
        pool, self.pool, self.future = self.pool, None, None
        try:
            if pool is not None:
                if exc is None:
                    pool.__exit__(None, None, None)
                else:
                    pool.__exit__(type(exc), exc, exc.__traceback__)
        finally:
            _REUSE_INPUTS = None


@contextlib.contextmanager
def _reuse_job(corpus: "Dataset", items: pd.DataFrame, plans: list[str], p: CrossPlanParams):
    """A :class:`_ReuseJob`, in the background when the corpus is large enough for a process to pay (as
    large as tokenising in parallel needs: :data:`analysis.textstats.tokens.MIN_PARALLEL_CHARS`)."""
    chars = int(items["text"].astype(str).str.len().sum())
    background = (resolve_n_jobs(p.n_jobs) > 1 and chars >= MIN_PARALLEL_CHARS
                  and multiprocessing.get_start_method(allow_none=False) == "fork")
    job = _ReuseJob((corpus, items, plans, p), background)
    try:
        yield job
    except BaseException as exc:
        job.close(exc)
        raise
    else:
        job.close(None)


def write_crossplan(corpus: "Dataset", out: Path, progress: bool = True,
                    params: CrossPlanParams | None = None) -> CrossPlanResult:
    """Compute every cross-plan table of *corpus* and write them into *out* (the build's staging folder).

    Parameters
    ----------
    corpus : Dataset
        What the per-document pass extracted; not changed.
    out : Path
        The folder to write into.
    progress : bool
        A progress bar on stderr.
    params : CrossPlanParams, optional
        Parameters (default: their defaults); written to ``parameters.json``.

    Returns
    -------
    CrossPlanResult
        The tables, timings and warnings; ``documents`` is ``documents.csv``
        with the template families the stage detects from verbatim reuse
        (``template_family``, ``template_basis``), written too when there are any.
    """
    p = params or CrossPlanParams()
    result = compute_crossplan(corpus, p, progress)
    out = Path(out)
    for name in OUTPUT_FILES:
        write_csv(result.tables[name], out / schema.CORE_TABLES[name].file, float_format="%.15g")
    write_text(json.dumps(p.as_dict(), indent=1, sort_keys=True) + "\n", out / PARAMETERS_FILE)
    inputs = dict(zip(corpus.documents["jurisdiction"], corpus.documents["sha256"]))
    write_text(json.dumps(inputs, indent=1, sort_keys=True) + "\n", out / INPUTS_FILE)
    result.documents = with_families(corpus.documents, result.families)
    if result.documents is not corpus.documents:
        write_csv(result.documents, out / catalog.table("documents").file)
    return result
