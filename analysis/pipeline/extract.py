"""The per-document pass: raw folder -> :class:`Dataset` (decoded, normalised, coded; nothing written).

Every document of the manifest is decoded, normalised and coded on its own
(:func:`process_document`, in worker processes for large corpora); the
results are gathered, in manifest order, into one :class:`Dataset` that the
cross-plan stage (:mod:`analysis.pipeline.crossplan`) and the writer
(:mod:`analysis.pipeline.run`) take.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis import paths
from analysis.coding.registry import DIMENSIONS
from analysis.pipeline import catalog
from analysis.coding.segment import extract
from analysis.coding.codebook import load_codebook
from analysis.corpus.manifest import Document, load_errata, load_manifest
from analysis.corpus.decode import read_text
from analysis.corpus.levels import place_names, prefix_for
from analysis.coding.metadata import extract_metadata
from analysis.corpus.normalization import normalize, raw_line

@dataclass
class Dataset:
    """Everything extracted from the raw folder, before cross-plan analysis.

    ``documents``, ``actions``, ``sections``, ``qa`` are the core tables;
    ``coded`` holds each coding dimension's table by name (``coded["assignments"]``
    …), also reachable as attributes (``dataset.assignments``, ``dataset.mentions``
    for ``group_mentions``, ``dataset.targets``); ``texts`` the normalised text of
    each plan; ``warnings`` what the build reports at its end.
    """

    documents: pd.DataFrame
    texts: dict[str, str]
    actions: pd.DataFrame
    sections: pd.DataFrame
    qa: pd.DataFrame
    coded: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        coded = self.__dict__.get("coded", {})
        key = "group_mentions" if name == "mentions" else name
        if key in coded:
            return coded[key]
        raise AttributeError(f"Dataset has no attribute or coded table {name!r}")


def process_document(doc: Document, errata: list, codebook_path: Path | None = None) -> dict:
    """Decode, normalise and code one document; returns plain rows (picklable for worker processes)."""
    codebook = load_codebook(codebook_path)
    raw, encoding = read_text(doc.path)
    text, findings = normalize(raw, errata, name=str(doc.path))
    qa = [{"document": doc.jurisdiction, "kind": "encoding", "line": "", "offset": "", "count": 1,
           "snippet": "", "action": f"decoded as {encoding}"}]
    warnings = []
    for f in findings:
        line = raw_line(raw, f.offset)
        qa.append({"document": doc.jurisdiction, "kind": f.kind, "line": line, "offset": f.offset,
                   "count": f.count, "snippet": f.snippet, "action": f.action})
        if f.kind.startswith("suspect_"):
            warnings.append(f"{doc.path}, line {line}: possible damage {f.snippet!r} "
                            "(see qa_report.csv; add a 'fix' or 'accept' row to errata.csv)")
    tables = extract(doc.jurisdiction, text, codebook, prefix_for(doc.level), place_names(doc.name_zh))
    n_act = sum(1 for a in tables.actions if a["kind"] == "action")
    doc_row = {
        "jurisdiction": doc.jurisdiction, "name_zh": doc.name_zh, "name_en": doc.name_en, "level": doc.level,
        "province": doc.province, "file": doc.file, "sha256": doc.sha256, "encoding": encoding,
        **extract_metadata(text),
        "n_actions": n_act, "n_safeguards": len(tables.actions) - n_act,
        "operative_chars": sum(a["n_chars"] for a in tables.actions),
        "assigns_departments": any(not x["collective"] for x in tables.assignments),
    }
    return {"text": text, "doc": doc_row, "qa": qa, "warnings": warnings, "actions": tables.actions,
            "sections": tables.sections, "coded": tables.coded}


#: Below this many documents the build runs in one process (start-up costs more than it saves).
PARALLEL_MIN_DOCS = 40


def extract_corpus(raw_dir: Path, codebook_path: Path | None = None, progress: bool = True,
                n_jobs: int | None = None) -> Dataset:
    """Decode, normalise and code every document of *raw_dir* (no writing).

    ``n_jobs``: worker processes (default: all cores when there are at least
    ``PARALLEL_MIN_DOCS`` documents, else 1).  Results are identical either way
    and always in manifest order.
    """
    docs = load_manifest(raw_dir)
    errata = load_errata(raw_dir, docs)
    load_codebook(codebook_path)  # fail early on a bad codebook
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if len(docs) >= PARALLEL_MIN_DOCS else 1
    bar = tqdm(total=len(docs), desc="normalise + extract", unit="plan", disable=not progress, file=sys.stderr)
    results = []
    if n_jobs > 1:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            futures = [pool.submit(process_document, d, errata[d.file], codebook_path) for d in docs]
            for fut in futures:
                results.append(fut.result())
                bar.update()
    else:
        for d in docs:
            results.append(process_document(d, errata[d.file], codebook_path))
            bar.update()
    bar.close()
    cat = lambda key: [row for r in results for row in r[key]]  # noqa: E731
    frame = catalog.frame
    coded = {d.table.name: frame([row for r in results for row in r["coded"][d.table.name]], d.table.name)
             for d in DIMENSIONS}
    return Dataset(frame([r["doc"] for r in results], "documents"),
                   {d.jurisdiction: r["text"] for d, r in zip(docs, results)},
                   frame(cat("actions"), "actions"), frame(cat("sections"), "sections"),
                   frame(cat("qa"), "qa_report"), coded, [w for r in results for w in r["warnings"]])


