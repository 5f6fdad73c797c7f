"""Vectors of Chinese texts as scikit-learn transformers.

Three transformers that follow scikit-learn's contract (``__init__`` only
stores its arguments, ``fit`` returns ``self``, learned state ends in ``_``,
``get_feature_names_out``), so they can be cloned, grid-searched and chained
in a :class:`sklearn.pipeline.Pipeline`:

- :class:`WordTfidf` -- TF-IDF over jieba content tokens (stopwords removed,
  :mod:`analysis.textstats.tokens`).  What the clusters, labels and alignment use:
  words are what a reader compares.
- :class:`CharNgramTfidf` -- TF-IDF over character n-grams of the runs of
  CJK/Latin/digit characters (punctuation splits runs and never enters an
  n-gram).  Needs no segmentation, so it is robust to jieba's mistakes and to
  rare names; a second opinion for near-verbatim text.
- :class:`LSA` -- truncated SVD of a TF-IDF matrix with a fixed
  ``random_state``, rows L2-normalised, so dot products are cosines.

Both TF-IDF classes wrap :class:`sklearn.feature_extraction.text.TfidfVectorizer`
rather than re-implementing it; they differ only in the analyzer they give it.

:class:`LSA` validates its input as scikit-learn estimators do (``validate_data``:
array-likes and CSR/CSC matrices, ``n_features_in_`` checked in ``transform``)
and declares sparse input in its tags; it passes
``sklearn.utils.estimator_checks.check_estimator``.  The TF-IDF classes take
documents (strings or token lists), not numeric arrays, so those checks do not
apply to them (nor to scikit-learn's own ``TfidfVectorizer``).
"""
from __future__ import annotations

import re
from functools import partial
from typing import Any, Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - scikit-learn 1.4/1.5
    def _validate_data(est, X, reset=True, **kw):
        return est._validate_data(X, reset=reset, **kw)

from analysis.textstats.tokens import ChineseTokenizer, default_tokenizer, tokenize_many

__all__ = ["WordTfidf", "CharNgramTfidf", "LSA", "char_ngrams", "as_token_lists"]

#: Runs of characters n-grams are taken from: CJK ideographs, Latin letters and
#: digits.  Everything else (punctuation, spaces, line breaks) separates runs.
RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


def _identity(doc: Sequence[str]) -> list[str]:
    """Analyzer for already tokenised documents (module level, so it pickles)."""
    return list(doc)


def char_ngrams(text: str, ngram_range: tuple[int, int] = (2, 3)) -> list[str]:
    """Character n-grams of *text* for n in *ngram_range* (inclusive), never across punctuation.

    Parameters
    ----------
    text : str
        Any text; n-grams are taken within runs of Han characters, Latin letters and digits.
    ngram_range : (int, int), default (2, 3)
        The smallest and the largest n.

    Returns
    -------
    list of str
        For each run, all n-grams of the smallest n, then the next n ..., in text order.

    Examples
    --------
    >>> char_ngrams("科普，中国", (2, 2))
    ['科普', '中国']
    """
    lo, hi = ngram_range
    out: list[str] = []
    for run in RUN_RE.findall(text):
        m = len(run)
        for n in range(lo, hi + 1):
            out.extend(run[i:i + n] for i in range(m - n + 1))
    return out


def as_token_lists(X: Iterable[Any], tokenizer: ChineseTokenizer | None = None,
                   n_jobs: int | None = 1) -> list[list[str]]:
    """Token lists for *X*: strings are tokenised, token sequences are kept as they are.

    Accepting pre-tokenised documents lets a caller tokenise a corpus once
    (in parallel, :func:`analysis.textstats.tokens.tokenize_many`) and reuse the tokens
    for several vectorisers, labels and keyness.

    Parameters
    ----------
    X : iterable
        Documents: strings, or sequences of tokens.
    tokenizer : ChineseTokenizer, optional
        For the strings; None means :func:`analysis.textstats.tokens.default_tokenizer`.
    n_jobs : int or None, default 1
        Processes for tokenising (:func:`analysis.textstats.tokens.tokenize_many`).

    Returns
    -------
    list of list of str
        One token list per document, in input order (a copy for pre-tokenised ones).
    """
    docs = list(X)
    idx = [i for i, d in enumerate(docs) if isinstance(d, str)]
    out: list[list[str]] = [d if not isinstance(d, str) else [] for d in docs]  # type: ignore[misc]
    if idx:
        toks = tokenize_many([docs[i] for i in idx], tokenizer=tokenizer, n_jobs=n_jobs)
        for i, t in zip(idx, toks):
            out[i] = t
    return [list(d) for d in out]


class _TfidfBase(TransformerMixin, BaseEstimator):
    """Shared plumbing: subclasses say how documents become the vectorizer's input."""

    def _vectorizer(self) -> TfidfVectorizer:  # pragma: no cover - abstract
        raise NotImplementedError

    def _prepare(self, X: Iterable[Any]) -> list[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X: Iterable[Any], y: Any = None) -> "_TfidfBase":
        """Learn vocabulary and IDF from the documents *X*; returns ``self``."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[Any], y: Any = None) -> sparse.csr_matrix:
        """Fit and return the TF-IDF matrix (documents x features, CSR)."""
        self.vectorizer_ = self._vectorizer()
        Xt = self.vectorizer_.fit_transform(self._prepare(X))
        self.vocabulary_ = self.vectorizer_.vocabulary_
        self.idf_ = self.vectorizer_.idf_
        return Xt

    def transform(self, X: Iterable[Any]) -> sparse.csr_matrix:
        """TF-IDF matrix of *X* in the fitted vocabulary (unknown terms ignored)."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(self._prepare(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The vocabulary, in column order (sorted, as TfidfVectorizer sorts it)."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()


class WordTfidf(_TfidfBase):
    """TF-IDF over jieba content tokens.

    Parameters (defaults in brackets):

    - ``tokenizer`` [``None`` = :func:`analysis.textstats.tokens.default_tokenizer`: the
      library's user dictionary and stoplist, ``min_len=2``] -- a
      :class:`~analysis.textstats.tokens.ChineseTokenizer`.
    - ``min_df`` [1], ``max_df`` [1.0] -- passed to TfidfVectorizer: drop terms
      in fewer / more documents (int = count, float = share).  Default keeps
      every term: with a few hundred short texts even a term in two actions is
      evidence of a shared subject.
    - ``sublinear_tf`` [True] -- ``1 + log(tf)``: a term repeated in one long
      action should not outweigh the other terms.
    - ``norm`` ['l2'] -- row normalisation; with 'l2', dot products are cosines.
    - ``n_jobs`` [1] -- processes for tokenising raw strings
      (:func:`analysis.textstats.tokens.tokenize_many`).

    ``X`` is an iterable of documents, each a string (tokenised here) or a
    sequence of tokens (used as given).
    """

    def __init__(self, tokenizer: ChineseTokenizer | None = None, min_df: float | int = 1,
                 max_df: float | int = 1.0, sublinear_tf: bool = True, norm: str | None = "l2",
                 n_jobs: int | None = 1) -> None:
        self.tokenizer = tokenizer
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.n_jobs = n_jobs

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=_identity, lowercase=False, token_pattern=None, min_df=self.min_df, max_df=self.max_df,
                               sublinear_tf=self.sublinear_tf, norm=self.norm, dtype=np.float64)

    def _prepare(self, X: Iterable[Any]) -> list[list[str]]:
        return as_token_lists(X, self.tokenizer or default_tokenizer(), self.n_jobs)


class CharNgramTfidf(_TfidfBase):
    """TF-IDF over character n-grams of Chinese text, punctuation ignored.

    Parameters (defaults in brackets):

    - ``ngram_range`` [(2, 3)] -- n-gram lengths, inclusive.  Bigrams are the
      commonest length of a Chinese word; trigrams catch three-character terms
      (科技馆, 青少年) and some word order.  Unigrams are left out: a character
      alone says little.
    - ``min_df`` [1], ``max_df`` [1.0], ``sublinear_tf`` [True], ``norm``
      ['l2'] -- as in :class:`WordTfidf`.

    ``X`` is an iterable of strings.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 3), min_df: float | int = 1, max_df: float | int = 1.0,
                 sublinear_tf: bool = True, norm: str | None = "l2") -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.norm = norm

    def _vectorizer(self) -> TfidfVectorizer:
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"ngram_range must satisfy 1 <= min <= max, got {self.ngram_range!r}")
        return TfidfVectorizer(analyzer=partial(char_ngrams, ngram_range=(lo, hi)), lowercase=False, token_pattern=None,
                               min_df=self.min_df, max_df=self.max_df, sublinear_tf=self.sublinear_tf,
                               norm=self.norm, dtype=np.float64)

    def _prepare(self, X: Iterable[Any]) -> list[str]:
        return [str(x) for x in X]


class LSA(TransformerMixin, BaseEstimator):
    """Latent semantic analysis: truncated SVD of a (TF-IDF) matrix, rows L2-normalised.

    Parameters (defaults in brackets):

    - ``n_components`` [100] -- dimensions kept; capped at
      ``min(n_samples, n_features) - 1`` when the data is smaller (the
      effective number is ``n_components_``).
    - ``random_state`` [0] -- seed of the randomized SVD; fixed, so the same
      matrix gives the same vectors on every run.
    - ``n_iter`` [7] -- power iterations of the randomized SVD (more = closer
      to the exact SVD).
    - ``normalize`` [True] -- L2-normalise output rows, so dot products are
      cosines and k-means on them approximates spherical k-means.

    Learned: ``svd_`` (the fitted TruncatedSVD), ``n_components_``,
    ``explained_variance_ratio_``, ``n_features_in_``.
    """

    def __init__(self, n_components: int = 100, random_state: int = 0, n_iter: int = 7,
                 normalize: bool = True) -> None:
        self.n_components = n_components
        self.random_state = random_state
        self.n_iter = n_iter
        self.normalize = normalize

    def fit(self, X: Any, y: Any = None) -> "LSA":
        """Fit the SVD on *X* (documents x features); returns ``self``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Documents x features.
        y : None
            Ignored (scikit-learn's API).

        Returns
        -------
        LSA
            ``self``, fitted.
        """
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit and return the reduced vectors (documents x ``n_components_``).

        *X*: a 2-D array-like or sparse matrix of numbers (validated with
        scikit-learn's ``validate_data``: lists are accepted, NaN and infinity
        refused); sets ``n_features_in_``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Documents x features.
        y : None
            Ignored (scikit-learn's API).

        Returns
        -------
        numpy.ndarray
            One row per document, ``n_components_`` columns.
        """
        X = _validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=True)
        n_samples, n_features = X.shape
        k = max(1, min(self.n_components, n_samples - 1, n_features - 1))
        self.svd_ = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=self.n_iter,
                                 random_state=self.random_state)
        Z = self.svd_.fit_transform(X)
        self.n_components_ = k
        self.explained_variance_ratio_ = self.svd_.explained_variance_ratio_
        return self._finish(Z)

    def transform(self, X: Any) -> np.ndarray:
        """Project *X* on the fitted components (it must have ``n_features_in_`` columns).

        Parameters
        ----------
        X : array-like or sparse matrix
            Documents x ``n_features_in_`` features.

        Returns
        -------
        numpy.ndarray
            One row per document, ``n_components_`` columns.
        """
        check_is_fitted(self, "svd_")
        X = _validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False)
        return self._finish(self.svd_.transform(X))

    def __sklearn_tags__(self):
        """scikit-learn >= 1.6 tags: sparse input is accepted (a TF-IDF matrix is the usual input)."""
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _finish(self, Z: np.ndarray) -> np.ndarray:
        return normalize(Z) if self.normalize else Z

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``lsa0 .. lsa{n_components_-1}``.

        Parameters
        ----------
        input_features : None
            Ignored (scikit-learn's API).

        Returns
        -------
        numpy.ndarray
            Object array of ``n_components_`` names.
        """
        check_is_fitted(self, "svd_")
        return np.asarray([f"lsa{i}" for i in range(self.n_components_)], dtype=object)
