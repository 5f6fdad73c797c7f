"""``python -m analysis build``: raw corpus -> every table in ``data/processed``.

The build is one pass over the manifest's documents (:mod:`analysis.pipeline.extract`),
then the cross-plan analyses (:mod:`analysis.pipeline.crossplan`).  All outputs are
staged and swapped in at the end (:func:`analysis.files.staged_dir`), so a build
that stops on bad input leaves the previous results untouched.
"""
from __future__ import annotations

import sys
from pathlib import Path

from analysis import paths
from analysis.pipeline import catalog
from analysis.files import staged_dir, write_csv, write_text
from analysis.pipeline.extract import Dataset, extract_corpus


def write_dataset(c: Dataset, out: Path) -> None:
    """Write the per-document tables of *c* into the (staging) folder *out*."""
    for j, text in c.texts.items():
        write_text(text, paths.text_dir(out) / f"{j}.txt")
    tables = {"documents": c.documents, "qa_report": c.qa, "actions": c.actions, **c.coded, "sections": c.sections}
    for name, df in tables.items():
        write_csv(df, out / catalog.table(name).file)


def build(raw_dir: Path = paths.RAW, out_dir: Path = paths.PROCESSED, codebook: Path | None = None,
          progress: bool = True, similarity: bool = True) -> Dataset:
    """Run the whole extraction from *raw_dir* into *out_dir* (atomically)."""
    corpus = extract_corpus(Path(raw_dir), codebook, progress)
    with staged_dir(Path(out_dir)) as stage:
        write_dataset(corpus, stage)
        if similarity:
            from analysis.pipeline.crossplan import write_crossplan

            write_crossplan(corpus, stage, progress=progress)
    for w in corpus.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return corpus
