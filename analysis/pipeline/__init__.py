"""The build: raw folder -> :class:`Dataset` -> cross-plan tables -> ``data/processed``.

- :func:`extract_corpus` -- the per-document pass (decode, normalise, code), in memory;
- :func:`compute_crossplan` / :func:`write_crossplan` -- the cross-plan stage (clusters, alignment,
  keyness, reuse; :mod:`~analysis.pipeline.crossplan`, with the reuse stage in
  :mod:`~analysis.pipeline.reuse_stage` and the sensitivity tables in
  :mod:`~analysis.pipeline.sensitivity_stage`), parameters and their ranges in :class:`CrossPlanParams`
  (:mod:`~analysis.pipeline.params`);
- :func:`build` -- both, written atomically into an output folder.
"""
from analysis.pipeline.crossplan import CrossPlanParams, CrossPlanResult, compute_crossplan, read_params, write_crossplan
from analysis.pipeline.extract import Dataset, extract_corpus, process_document
from analysis.pipeline.run import build, write_dataset

__all__ = ["Dataset", "extract_corpus", "process_document", "CrossPlanParams", "CrossPlanResult",
           "compute_crossplan", "write_crossplan", "read_params", "build", "write_dataset"]
