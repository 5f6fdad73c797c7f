"""Compare Chinese local science-literacy action plans (全民科学素质行动).

The package follows the data flow, one subpackage per stage:

- :mod:`analysis.corpus` -- reading a raw folder: manifest, decoding, normalisation, heading tree;
- :mod:`analysis.coding` -- segmenting a plan into actions and coding them (codebook, departments,
  target groups, commitments, metadata);
- :mod:`analysis.pipeline` -- the build: the per-document pass, the cross-plan stage, writing outputs;
- :mod:`analysis.textstats` -- tokens, vectors, clusters, alignment, keyness, reuse;
- :mod:`analysis.compare` -- comparisons of the plans from the processed tables;
- :mod:`analysis.plots` -- the house style and every chart;
- :mod:`analysis.report` -- the figure registry, the notebook runner, the report of one's own corpus;
- :mod:`analysis.exchange` -- round trips with QDA software (REFI-QDA projects);
- :mod:`analysis.validation` -- agreement of the validation sample's two coders (AI-assistant sessions) with each
  other and with the package;
- :mod:`analysis.selection` -- which documents an analysis compares (``exclude_documents``).

Infrastructure used by all of them: :mod:`analysis.paths`, :mod:`analysis.errors`,
:mod:`analysis.files`, and :mod:`analysis.config` -- the settings every comparison and chart reads (the
codebook, the plans' order, the language), set explicitly with :func:`set_config` or for a block with
:func:`config_context`; a loaded build (:func:`analysis.report.load`) carries its own.

Importing :mod:`analysis` is cheap: the public names below are resolved on first use
(PEP 562), so ``import analysis.errors`` does not load pandas, scikit-learn or matplotlib.
"""
from __future__ import annotations

import importlib

#: public name -> module that defines it
_PUBLIC = {
    # stages (subpackages)
    "corpus": "analysis.corpus", "coding": "analysis.coding", "pipeline": "analysis.pipeline",
    "textstats": "analysis.textstats", "compare": "analysis.compare", "plots": "analysis.plots",
    "report": "analysis.report", "paths": "analysis.paths", "errors": "analysis.errors",
    "exchange": "analysis.exchange", "validation": "analysis.validation", "schema": "analysis.schema",
    "config": "analysis.config",
    # settings a comparison or chart reads (codebook, plans' order, language), scikit-learn's manner
    "config_context": "analysis.config", "set_config": "analysis.config", "get_config": "analysis.config",
    # the most used names of each stage
    "BuildError": "analysis.errors",
    "Document": "analysis.corpus", "load_manifest": "analysis.corpus", "load_errata": "analysis.corpus",
    "decode_bytes": "analysis.corpus", "read_text": "analysis.corpus", "read_document": "analysis.corpus", "normalize": "analysis.corpus",
    "Codebook": "analysis.coding", "load_codebook": "analysis.coding", "extract_metadata": "analysis.coding",
    "extract": "analysis.coding", "PlanRows": "analysis.coding",
    "Dataset": "analysis.pipeline", "extract_corpus": "analysis.pipeline", "build": "analysis.pipeline",
    "CrossPlanParams": "analysis.pipeline", "CrossPlanResult": "analysis.pipeline",
    "compute_crossplan": "analysis.pipeline", "write_crossplan": "analysis.pipeline",
    "ChineseTokenizer": "analysis.textstats", "default_tokenizer": "analysis.textstats",
    "tokenize": "analysis.textstats", "tokenize_many": "analysis.textstats", "WordTfidf": "analysis.textstats",
    "CharNgramTfidf": "analysis.textstats", "LSA": "analysis.textstats", "ClusterResult": "analysis.textstats",
    "cluster_vectors": "analysis.textstats", "ctfidf_terms": "analysis.textstats",
    "align_actions": "analysis.textstats", "plan_similarity": "analysis.textstats",
    "keyness_table": "analysis.textstats", "find_reuse": "analysis.textstats",
    "kwic": "analysis.compare", "read_table": "analysis.compare", "read_processed": "analysis.compare",
    "export_qdpx": "analysis.exchange", "import_qdpx": "analysis.exchange",
    "MissingFontError": "analysis.plots", "apply_style": "analysis.plots", "save_figure": "analysis.plots",
    "set_lang": "analysis.plots",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name == "__version__":  # the installed distribution's version (pyproject.toml), as CITATION.cff cites it
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("analysis")
        except PackageNotFoundError:
            return "unknown"
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module == f"analysis.{name}" else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
