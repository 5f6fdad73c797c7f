"""Text statistics on the plans' actions: tokens -> vectors -> clusters, alignment, keyness, reuse.

A visible chain: :class:`ChineseTokenizer` (jieba, the library's own dictionary and stoplist) ->
:class:`WordTfidf` / :class:`CharNgramTfidf` -> :class:`LSA` -> :func:`cluster_vectors`; across plans
:func:`align_actions`, :func:`plan_similarity`, :func:`keyness_table` and :func:`find_reuse`.
"""
from analysis.textstats.align import align_actions, plan_similarity
from analysis.textstats.cluster import ClusterResult, cluster_vectors, ctfidf_terms
from analysis.textstats.keyness import keyness_table
from analysis.textstats.reuse import find_reuse
from analysis.textstats.tokens import ChineseTokenizer, default_tokenizer, tokenize, tokenize_many
from analysis.textstats.vectorize import LSA, CharNgramTfidf, WordTfidf

__all__ = ["ChineseTokenizer", "default_tokenizer", "tokenize", "tokenize_many", "WordTfidf", "CharNgramTfidf",
           "LSA", "ClusterResult", "cluster_vectors", "ctfidf_terms", "align_actions", "plan_similarity",
           "keyness_table", "find_reuse"]
