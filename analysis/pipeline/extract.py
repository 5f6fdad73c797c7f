"""The per-document pass: raw folder -> :class:`Dataset` (decoded, normalised, coded; nothing written).

Every document of the manifest is read in its format (:func:`analysis.corpus.read_document`: plain text
decoded, web pages, Word files and PDFs converted to text), normalised and coded on its own
(:func:`process_document`, in worker processes for large corpora); the
results are gathered, in manifest order, into one :class:`Dataset` that the
cross-plan stage (:mod:`analysis.pipeline.crossplan`) and the writer
(:mod:`analysis.pipeline.run`) take.

Nothing a plan says stops the build: a plan with no recognisable action gets
``n_actions = 0``, a QA row and a warning; a department or a target group the
codebook does not know is kept (category ``uncoded``) and listed once in
``codebook_gaps.csv``.  Reference documents (manifest role ``reference``) are
decoded and normalised, for text reuse, but not segmented or coded.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.coding.codebook import load_codebook
from analysis.coding.coverage import DESCRIPTIONS, WARN_KINDS
from analysis.coding.dimension import CodingContext
from analysis.coding.metadata import extract_metadata
from analysis.coding.registry import DIMENSIONS
from analysis.coding.plan import extract
from analysis.corpus.formats import FORMAT_NAMES, Decoded, read_document
from analysis.corpus.levels import place_names, prefix_for
from analysis.corpus.manifest import Document, load_errata, load_manifest
from analysis.corpus.normalization import LineIndex, normalize_mapped
from analysis.pipeline import catalog
from analysis.processes import worker_pool

if TYPE_CHECKING:  # pragma: no cover
    from analysis.pipeline.cache import PlanCache
    from analysis.pipeline.crossplan import CrossPlanResult

#: Below this many documents the build runs in one process (start-up costs more than it saves).
PARALLEL_MIN_DOCS = 40
#: A plan longer than this (characters) shows its own progress through the stages.
LONG_PLAN_CHARS = 2_000_000


@dataclass
class Dataset:
    """Everything extracted from the raw folder, before cross-plan analysis.

    ``documents``, ``actions``, ``sections``, ``qa``, ``gaps`` are the core
    tables; ``coded`` holds each coding dimension's table by name
    (``coded["assignments"]`` …), also reachable as attributes
    (``dataset.assignments``, ``dataset.mentions`` for ``group_mentions``,
    ``dataset.targets``); ``texts`` the normalised text of each document;
    ``warnings`` what the build reports at its end; ``crossplan`` the
    :class:`~analysis.pipeline.crossplan.CrossPlanResult` of the build that
    returned this dataset (None: no cross-plan stage ran); ``reused`` the plans
    an incremental build took from its cache (:mod:`analysis.pipeline.cache`).
    """

    documents: pd.DataFrame
    texts: dict[str, str]
    actions: pd.DataFrame
    sections: pd.DataFrame
    qa: pd.DataFrame
    coded: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    gaps: pd.DataFrame | None = None
    crossplan: "CrossPlanResult | None" = None
    #: The plans whose per-plan result came from the build's cache (unchanged since the last build).
    reused: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        coded = self.__dict__.get("coded", {})
        key = "group_mentions" if name == "mentions" else name
        if key in coded:
            return coded[key]
        raise AttributeError(f"Dataset has no attribute or coded table {name!r}")

    @property
    def plans(self) -> list[str]:
        """Ids of the documents that are plans (not references), in manifest order."""
        d = self.documents
        return [str(j) for j, r in zip(d["jurisdiction"], d["role"]) if r != "reference"]

    @property
    def plans_with_actions(self) -> list[str]:
        """Plans with at least one action or safeguard, in manifest order."""
        have = set(self.actions["jurisdiction"])
        return [j for j in self.plans if j in have]


def process_document(doc: Document, errata: list, codebook_path: Path | None = None,
                     progress: bool = False) -> dict:
    """Read, normalise and code one document; returns plain rows (picklable for worker processes).

    Messages point at the raw file and its line (the normalised text keeps a
    map back to the raw characters); for a file converted from another format,
    at the line of its converted text (and the page of a PDF).  *progress*: a progress bar through the
    stages, for a plan longer than :data:`LONG_PLAN_CHARS`.
    """
    codebook = load_codebook(codebook_path)
    dec = read_document(doc.path)
    raw, encoding = dec.text, dec.encoding
    bar = tqdm(total=4, desc=f"{doc.jurisdiction}: normalise", unit="stage", file=sys.stderr,
               disable=not (progress and len(raw) > LONG_PLAN_CHARS), leave=False)
    norm = normalize_mapped(raw, errata, name=str(doc.path))
    text = norm.text
    raw_lines = LineIndex(raw)
    bar.update()
    where = _where(doc, dec, raw_lines)

    def locate(offset: int) -> str:
        return where(norm.raw_offset(offset))

    qa = _format_rows(doc, dec, raw_lines)
    warnings = [f"{doc.path if n.offset is None else where(n.offset)}: {n.action} ({n.snippet})"
                for n in dec.notes if n.kind in WARN_NOTES]
    src = np.frombuffer(norm.src, dtype=np.int64) if len(norm.src) else np.zeros(0, dtype=np.int64)
    for f in norm.findings:
        line = raw_lines.line(f.offset)
        t0 = t1 = ""
        if f.kind == "erratum":  # where the repaired text lies in the normalised text
            pos = np.flatnonzero((src >= f.offset) & (src < f.offset + len(f.snippet)))
            if len(pos):
                t0, t1 = int(pos.min()), int(pos.max()) + 1
        qa.append({"document": doc.jurisdiction, "kind": f.kind, "line": line, "offset": f.offset,
                   "count": f.count, "snippet": f.snippet, "action": f.action, "text_start": t0, "text_end": t1})
        if dec.pages:  # a row of a PDF says on which page
            qa[-1]["action"] += f" (page {dec.page_of(f.offset)})"
        if f.kind.startswith("suspect_"):
            warnings.append(f"{where(f.offset)}: possible damage {f.snippet!r} "
                            "(see qa_report.csv; add a 'fix' or 'accept' row to errata.csv)")
    bar.set_description(f"{doc.jurisdiction}: segment and code")
    context = CodingContext(doc.jurisdiction, prefix_for(doc.level), place_names(doc.name_zh), locate)
    if doc.role == "reference":
        tables = extract(doc.jurisdiction, "", codebook, context=context)
    else:
        tables = extract(doc.jurisdiction, text, codebook, context=context)
    bar.update(2)
    unplaced = 0
    for o in tables.outside:
        qa.append({"document": doc.jurisdiction, "kind": "outside_units", "line": "", "offset": "",
                   "count": o["n_chars"], "snippet": f"{o['kind']}: {o['snippet']}", "action": DESCRIPTIONS[o["kind"]],
                   "text_start": o["start"], "text_end": o["end"]})
        if o["kind"] in WARN_KINDS:
            unplaced += o["n_chars"]
            warnings.append(f"{locate(o['start'])}: {o['n_chars']} characters no action covers "
                            f"({DESCRIPTIONS[o['kind']]}): {o['snippet']!r} (see qa_report.csv, kind outside_units)")
    n_act = sum(1 for a in tables.actions if a["kind"] == "action")
    if doc.role != "reference" and not tables.actions:
        warnings.append(f"{doc.path}: no action recognised (no numbered items or heading paragraphs outside "
                        "context sections); it is left out of the cross-plan comparisons. See docs/corpus.md, "
                        "'Document layouts the segmenter handles'.")
        qa.append({"document": doc.jurisdiction, "kind": "no_actions", "line": "", "offset": "", "count": 1,
                   "snippet": "", "action": "no action recognised: left out of the cross-plan comparisons",
                   "text_start": "", "text_end": ""})
    bar.set_description(f"{doc.jurisdiction}: metadata")
    doc_row = {
        "jurisdiction": doc.jurisdiction, "name_zh": doc.name_zh, "name_en": doc.name_en, "level": doc.level,
        "province": doc.province, "role": doc.role, "genre": doc.genre, "framework": doc.framework,
        "source_url": doc.source_url, "retrieved": doc.retrieved,
        "file": doc.file, "sha256": doc.sha256, "encoding": encoding, "source_format": dec.source_format,
        "converter": dec.converter,
        **extract_metadata(text, level=doc.level),
        "n_actions": n_act, "n_safeguards": len(tables.actions) - n_act,
        "operative_chars": sum(a["n_chars"] for a in tables.actions),
        "assigns_departments": any(not x["collective"] for x in tables.assignments),
        "outside_chars": sum(o["n_chars"] for o in tables.outside),
        "unplaced_chars": unplaced,
    }
    bar.update()
    bar.close()
    return {"text": text, "doc": doc_row, "qa": qa, "warnings": warnings, "actions": tables.actions,
            "sections": tables.sections, "coded": tables.coded, "gaps": context.gaps}


#: Notes of a format reader that are also printed as warnings at the end of the build.
WARN_NOTES = {"pdf_pages_without_text", "docx_embedded_not_read"}


def _where(doc: Document, dec: Decoded, raw_lines: LineIndex):
    """How messages point at an offset of the decoded raw text: the raw file and its line, or for a
    converted format the line of the converted text (and the PDF page)."""
    if not dec.converted:
        return lambda raw_offset: f"{doc.path}, line {raw_lines.line(raw_offset)}"

    def where(raw_offset: int) -> str:
        page = dec.page_of(raw_offset)
        on_page = f", page {page}" if page is not None else ""
        return (f"{doc.path} (converted from {FORMAT_NAMES[dec.source_format]}{on_page}), line "
                f"{raw_lines.line(raw_offset)} of the converted text")
    return where


def _format_rows(doc: Document, dec: Decoded, raw_lines: LineIndex) -> list[dict]:
    """The QA rows saying how the raw file was read: its encoding, its format and converter, the reader's
    notes."""
    row = {"document": doc.jurisdiction, "line": "", "offset": "", "count": 1, "snippet": "", "text_start": "",
           "text_end": ""}
    rows = []
    if dec.encoding:
        rows.append({**row, "kind": "encoding", "action": f"decoded as {dec.encoding}"})
    if dec.converted:
        rows.append({**row, "kind": "format", "snippet": dec.source_format,
                     "action": f"read as {FORMAT_NAMES[dec.source_format]} by {dec.converter}; lines and offsets of "
                               "this plan's rows point into the converted text (one paragraph a line, the lines of "
                               "the normalised text)"})
    for n in dec.notes:
        at = {} if n.offset is None else {"line": raw_lines.line(n.offset), "offset": n.offset}
        rows.append({**row, **at, "kind": n.kind, "count": n.count, "snippet": n.snippet, "action": n.action})
    return rows


def gap_table(gaps: list[dict], plans: list[str]) -> pd.DataFrame:
    """One row per name the codebook could not code (``codebook_gaps.csv``), first seen first."""
    order = {j: i for i, j in enumerate(plans)}
    rows: dict[tuple[str, str], dict] = {}
    for g in gaps:
        key = (g["kind"], g["name"])
        r = rows.get(key)
        if r is None:
            rows[key] = r = {"kind": g["kind"], "name": g["name"], "suggested": g.get("suggested", ""),
                             "plans": [], "count": 0, "first_plan": g["jurisdiction"], "first_where": g["where"],
                             "first_offset": g["offset"], "first_evidence": g.get("printed", g["name"])}
        r["count"] += 1
        if g["jurisdiction"] not in r["plans"]:
            r["plans"].append(g["jurisdiction"])
    out = []
    for r in rows.values():
        ps = sorted(r["plans"], key=lambda j: order.get(j, len(order)))
        out.append({**r, "plans": ";".join(ps), "n_plans": len(ps)})
    return catalog.frame(out, "codebook_gaps")


def extract_corpus(raw_dir: Path, codebook_path: Path | None = None, progress: bool = True,
                   n_jobs: int | None = None, cache: "PlanCache | None" = None) -> Dataset:
    """Decode, normalise and code every document of *raw_dir* (no writing).

    Parameters
    ----------
    raw_dir : Path
        The raw folder (plans, ``manifest.csv``, optionally ``errata.csv``).
    codebook_path : Path, optional
        A codebook YAML file (default: the one in use, see :func:`analysis.coding.codebook.load_codebook`).
    progress : bool
        A progress bar on stderr.
    n_jobs : int, optional
        Worker processes (default: all cores when at least :data:`PARALLEL_MIN_DOCS` documents are to be
        extracted, else 1).  Results are identical either way and always in manifest order.
    cache : PlanCache, optional
        Per-plan results of an earlier build (:mod:`analysis.pipeline.cache`): a plan whose key is
        unchanged is taken from it instead of being extracted again; every plan's result is added to it.

    Returns
    -------
    Dataset
    """
    docs = load_manifest(raw_dir)
    errata = load_errata(raw_dir, docs)
    cb = load_codebook(codebook_path)  # fail early on a bad codebook, every dimension's section included
    for d in DIMENSIONS:
        d.check(cb)
    results: list[dict | None] = [None] * len(docs)
    keys: list[str | None] = [None] * len(docs)
    if cache is not None:
        from analysis.files import file_sha256
        from analysis.pipeline.cache import pass_key

        cb_sha = file_sha256(cb.path)  # the file the codebook in use was read from
        for i, d in enumerate(docs):
            keys[i] = pass_key(d, errata[d.file], cb_sha)
            results[i] = cache.get(d.jurisdiction, keys[i])
    todo = [i for i, r in enumerate(results) if r is None]
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if len(todo) >= PARALLEL_MIN_DOCS else 1
    bar = tqdm(total=len(docs), initial=len(docs) - len(todo), desc="normalise + extract", unit="plan",
               disable=not progress, file=sys.stderr)
    if n_jobs > 1 and len(todo) > 1:
        with worker_pool(n_jobs) as pool:
            futures = [(i, pool.submit(process_document, docs[i], errata[docs[i].file], codebook_path))
                       for i in todo]
            for i, fut in futures:
                results[i] = fut.result()
                bar.update()
    else:
        for i in todo:
            results[i] = process_document(docs[i], errata[docs[i].file], codebook_path, progress=progress)
            bar.update()
    bar.close()
    if cache is not None:
        for i in todo:
            cache.put(docs[i].jurisdiction, keys[i], results[i])
    cat = lambda key: [row for r in results for row in r[key]]  # noqa: E731
    frame = catalog.frame
    coded = {d.table.name: frame([row for r in results for row in r["coded"][d.table.name]], d.table.name)
             for d in DIMENSIONS}
    documents = frame([r["doc"] for r in results], "documents")
    gaps = gap_table(cat("gaps"), [d.jurisdiction for d in docs])
    return Dataset(documents, {d.jurisdiction: r["text"] for d, r in zip(docs, results)},
                   frame(cat("actions"), "actions"), frame(cat("sections"), "sections"),
                   frame(cat("qa"), "qa_report"), coded, [w for r in results for w in r["warnings"]], gaps,
                   reused=list(cache.reused) if cache is not None else [])


__all__ = ["Dataset", "process_document", "extract_corpus", "gap_table", "PARALLEL_MIN_DOCS"]
