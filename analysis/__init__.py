"""Compare Chinese local science-literacy action plans (全民科学素质行动).

Public names are gathered here; each lives in a small module of one concern.
Functions named like their module (``build``, ``normalize``, ``tokenize``,
``keyness``, ``reuse``) are not re-exported, so ``analysis.build`` etc. stay
modules: call ``analysis.build.build(...)``.
"""
from .build import Corpus, read_corpus
from .codebook import Codebook, load_codebook
from .corpus import Document, load_errata, load_manifest
from .decode import decode_bytes, read_text
from .errors import BuildError
from .metadata import extract_metadata
from .actions import extract, Tables

__all__ = ["Corpus", "read_corpus", "Codebook", "load_codebook", "Document", "load_errata",
           "load_manifest", "decode_bytes", "read_text", "BuildError", "extract_metadata",
           "extract", "Tables"]

from .tokenize import ChineseTokenizer, default_tokenizer, tokenize_many
from .vectorize import LSA, CharNgramTfidf, WordTfidf
from .cluster import ClusterResult, cluster_vectors, ctfidf_terms
from .align import align_actions, plan_similarity
from .similarity import SimilarityParams, SimilarityResult, compute_similarity, write_similarity
from . import charts, compare, style
from .style import MissingFontError, apply_style, save_figure, set_lang

__all__ += ["ChineseTokenizer", "default_tokenizer", "tokenize_many", "LSA", "CharNgramTfidf",
            "WordTfidf", "ClusterResult", "cluster_vectors", "ctfidf_terms", "align_actions", "plan_similarity",
            "SimilarityParams", "SimilarityResult", "compute_similarity", "write_similarity",
            "charts", "compare", "style", "MissingFontError", "apply_style", "save_figure", "set_lang"]
