"""``python -m analysis build``: raw corpus -> every table in ``data/processed``.

The build is one pass over the manifest's documents (:mod:`analysis.pipeline.extract`),
then the cross-plan analyses (:mod:`analysis.pipeline.crossplan`).  A build into the
folder of an earlier one extracts only the plans that changed, or were added, since
(:mod:`analysis.pipeline.cache`).  All outputs are
staged and installed at the end (:mod:`analysis.pipeline.output`), so a build that
stops -- on bad input, an error of the machine or an interruption -- leaves the
previous results untouched, and a build never deletes a file it did not write.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analysis import paths
from analysis.console import warn
from analysis.errors import BuildError
from analysis.files import write_csv, write_text
from analysis.pipeline import catalog
from analysis.pipeline.cache import PlanCache
from analysis.pipeline.extract import Dataset, extract_corpus
from analysis.pipeline.output import staged_output
from analysis.processes import release_memory


#: The copy of the codebook a build coded with, kept in its output folder.
CODEBOOK_FILE = "codebook.yaml"


def build_codebook(folder: Path) -> Path | None:
    """The codebook the build in *folder* coded with (its copy), or None for a build without one."""
    path = Path(folder) / CODEBOOK_FILE
    return path if path.is_file() else None


def write_dataset(c: Dataset, out: Path) -> None:
    """Write the per-document tables of *c* into the (staging) folder *out*."""
    for j, text in c.texts.items():
        write_text(text, paths.text_dir(out) / f"{j}.txt")
    tables = {"documents": c.documents, "qa_report": c.qa, "actions": c.actions, **c.coded, "sections": c.sections,
              "codebook_gaps": c.gaps if c.gaps is not None else catalog.frame([], "codebook_gaps")}
    for name, df in tables.items():
        write_csv(df, out / catalog.table(name).file)


def crossplan_files() -> list[str]:
    """The files the cross-plan stage writes."""
    from analysis.pipeline.params import INPUTS_FILE, PARAMETERS_FILE

    return [t.file for t in catalog.TABLES.values() if t.stage == "crossplan"] + [PARAMETERS_FILE, INPUTS_FILE]


def _carried_describe_other_texts(out: Path, corpus: Dataset) -> str:
    """Why the cross-plan tables an earlier build left in *out* do not describe *corpus* ('' if they do, or if
    there are none): plans added, dropped or changed since they were computed (their ``crossplan_inputs.json``)."""
    import json

    from analysis.pipeline.params import INPUTS_FILE
    from analysis.pipeline.output import read_marker

    marker = read_marker(out) if out.is_dir() else None
    if not marker or not any(f in marker for f in crossplan_files()):
        return ""
    try:
        before = json.loads((out / INPUTS_FILE).read_text(encoding="utf-8"))
        if not isinstance(before, dict):
            raise ValueError
    except (OSError, ValueError):
        return f"the earlier build did not record which texts they describe ({INPUTS_FILE})"
    now = dict(zip(corpus.documents["jurisdiction"], corpus.documents["sha256"]))
    parts = []
    for label, ids in (("added", sorted(set(now) - set(before))), ("dropped", sorted(set(before) - set(now))),
                       ("changed", sorted(j for j in set(now) & set(before) if now[j] != before[j]))):
        if ids:
            parts.append(f"{label}: {', '.join(ids)}")
    return "; ".join(parts)


def gaps_summary(c: Dataset, limit: int = 12) -> str:
    """One line on what the codebook could not code, or ``""``."""
    g = c.gaps
    if g is None or g.empty:
        return ""
    names = ", ".join(f"{n} ({k}, {p} plan{'s' if p > 1 else ''})"
                      for n, k, p in zip(g["name"][:limit], g["kind"][:limit], g["n_plans"][:limit]))
    more = f" and {len(g) - limit} more" if len(g) > limit else ""
    return (f"{len(g)} name(s) the codebook does not code, kept as 'uncoded' and listed in codebook_gaps.csv: "
            f"{names}{more}. Add patterns to the codebook (--codebook) and build again.")


def build(raw_dir: Path, out_dir: Path, codebook: Path | None = None,
          progress: bool = True, similarity: bool = True, keep_other_files: bool = False, strict: bool = False,
          verbose: bool = True, params=None, reuse: bool = True) -> Dataset:
    """Run the whole extraction from *raw_dir* into *out_dir* (staged; see :mod:`analysis.pipeline.output`).

    Parameters
    ----------
    raw_dir, out_dir : Path
        The raw folder (plans and ``manifest.csv``) and the output folder; both required: the library writes
        only where its caller says (``python -m analysis build`` names ``data/raw`` and ``data/processed``
        by default).
    codebook : Path, optional
        A codebook YAML file (default: the package's).
    progress : bool
        Progress bars on stderr.
    similarity : bool
        Run the cross-plan stage; without it, the cross-plan tables of an
        earlier build are left in place, unchanged.
    keep_other_files : bool
        Leave files in *out_dir* that the build did not write untouched,
        instead of refusing to write there.
    strict : bool
        Stop with an error listing every name the codebook cannot code.
    verbose : bool
        Print the warnings (possible damage, plans without actions, codebook
        gaps) on stderr at the end.
    params : CrossPlanParams, optional
        Parameters of the cross-plan stage.
    reuse : bool
        Take the per-plan results of the plans that did not change since the
        build that wrote *out_dir* from its cache instead of extracting them
        again (:mod:`analysis.pipeline.cache`; the tables are the same bytes).
        False extracts every plan; the cache is rewritten either way.

    Returns
    -------
    Dataset
        What was extracted, with the cross-plan result in ``crossplan``
        (None with ``similarity=False``).
    """
    cache = PlanCache(Path(out_dir) if reuse else None)
    corpus = extract_corpus(Path(raw_dir), codebook, progress, cache=cache)
    if strict and corpus.gaps is not None and not corpus.gaps.empty:
        g = corpus.gaps
        lines = "\n".join(f"  - {k} {n!r}: {p} ({w}; suggested: {s or '-'})"
                          for k, n, p, w, s in zip(g["kind"], g["name"], g["plans"], g["first_where"],
                                                   g["suggested"]))
        raise BuildError(f"--strict: {len(g)} name(s) the codebook does not code:\n{lines}\nAdd patterns for them to "
                         "the codebook (--codebook), or build without --strict to keep them as 'uncoded'.")
    if not similarity:
        stale = _carried_describe_other_texts(Path(out_dir), corpus)
        if stale:
            corpus.warnings.append(f"--no-similarity keeps the cross-plan tables of the earlier build in {out_dir}, "
                                   f"but they describe other texts ({stale}); build without --no-similarity to "
                                   "bring them up to date.")
    with staged_output(Path(out_dir), raw_dir, keep_other_files,
                       carry=() if similarity else crossplan_files()) as stage:
        write_dataset(corpus, stage)
        cache.write(stage)
        (stage / CODEBOOK_FILE).write_bytes(Path(codebook or paths.CODEBOOK).read_bytes())
        release_memory()  # what the extraction freed, before the cross-plan stage forks its workers
        if similarity:
            from analysis.pipeline.crossplan import write_crossplan

            result = write_crossplan(corpus, stage, progress=progress, params=params)
            corpus = replace(corpus, documents=result.documents, crossplan=result,
                             warnings=corpus.warnings + result.warnings)
    summary = gaps_summary(corpus)
    if summary:
        corpus.warnings.append(summary)
    if verbose:
        for w in corpus.warnings:
            warn(w)
    return corpus


__all__ = ["build", "write_dataset", "crossplan_files", "gaps_summary", "build_codebook", "CODEBOOK_FILE"]
