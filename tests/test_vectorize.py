"""The vectorisers follow scikit-learn's transformer contract and do what they say."""
import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from analysis.textstats.vectorize import LSA, CharNgramTfidf, WordTfidf, char_ngrams

import similarity_cache as sc

SKLEARN_TAGS = tuple(int(x) for x in sklearn.__version__.split(".")[:2]) >= (1, 6)
TRANSFORMERS = [WordTfidf(), CharNgramTfidf(), LSA(n_components=5)]


def _input(est, corpus):
    texts = corpus.actions["text"].tolist()
    if isinstance(est, LSA):
        return WordTfidf().fit_transform(sc.tokens(corpus))
    return texts


@pytest.mark.parametrize("est", TRANSFORMERS, ids=lambda e: type(e).__name__)
def test_transformer_contract(est, corpus):
    X = _input(est, corpus)
    params = est.get_params()
    c = clone(est)
    assert c.get_params() == params and c is not est
    assert not [a for a in vars(c) if a.endswith("_") and not a.startswith("_")], "learned state before fit"
    with pytest.raises(NotFittedError):
        c.transform(X)
    assert c.fit(X) is c
    Xt = c.transform(X)
    names = c.get_feature_names_out()
    assert Xt.shape == (X.shape[0] if hasattr(X, "shape") else len(X), len(names))
    assert len(set(names)) == len(names)
    Xf = clone(est).fit_transform(X)
    assert np.allclose(Xf.toarray() if sparse.issparse(Xf) else Xf, Xt.toarray() if sparse.issparse(Xt) else Xt)


def test_pipeline_word_tfidf_then_lsa(corpus):
    texts = corpus.actions["text"].tolist()
    pipe = Pipeline([("tfidf", WordTfidf()), ("lsa", LSA(n_components=10, random_state=0))])
    Z = pipe.fit_transform(texts)
    assert Z.shape == (len(texts), 10)
    assert np.allclose(np.linalg.norm(Z, axis=1), 1.0)
    assert list(pipe.get_feature_names_out()) == [f"lsa{i}" for i in range(10)]
    assert np.allclose(pipe.transform(texts[:5]), Z[:5])
    assert pipe.set_params(lsa__n_components=4).fit_transform(texts).shape == (len(texts), 4)


def test_word_tfidf_accepts_tokens_or_strings_alike(corpus):
    texts = corpus.actions["text"].tolist()
    a = WordTfidf().fit_transform(texts)
    b = WordTfidf().fit_transform(sc.tokens(corpus))
    assert (a != b).nnz == 0


def test_word_tfidf_features_are_content_tokens(corpus):
    w = WordTfidf().fit(sc.tokens(corpus))
    names = set(w.get_feature_names_out())
    assert "科普" in names and "的" not in names and "加强" not in names
    row = w.transform(["开展科普大篷车活动"])
    assert set(w.get_feature_names_out()[row.indices]) == {"科普大篷车", "活动"}
    assert np.isclose(sparse.linalg.norm(row), 1.0)


def test_char_ngrams_never_cross_punctuation():
    assert char_ngrams("科普，中国", (2, 2)) == ["科普", "中国"]
    assert char_ngrams("青少年", (2, 3)) == ["青少", "少年", "青少年"]
    c = CharNgramTfidf().fit(["加强科普。推进“三下乡”活动！"])
    assert all(all(ch.isalnum() for ch in f) for f in c.get_feature_names_out())
    with pytest.raises(ValueError):
        CharNgramTfidf(ngram_range=(3, 2)).fit(["科普"])


def test_lsa_is_seeded_and_capped(corpus):
    X = sc.tfidf(corpus)
    a = LSA(n_components=15, random_state=0).fit_transform(X)
    b = LSA(n_components=15, random_state=0).fit_transform(X)
    assert np.array_equal(a, b)
    small = LSA(n_components=500).fit(X[:6])
    assert small.n_components_ == 5
    assert small.explained_variance_ratio_.shape == (5,)


def test_lsa_validates_input_like_a_scikit_learn_estimator(corpus):
    X = sc.tfidf(corpus)[:40]
    dense = X.toarray()
    a = LSA(n_components=5).fit_transform(dense.tolist())  # a plain list of lists is accepted
    assert np.allclose(np.abs(a), np.abs(LSA(n_components=5).fit_transform(dense)), atol=1e-8)
    est = LSA(n_components=5).fit(X)
    assert est.n_features_in_ == X.shape[1]
    with pytest.raises(ValueError):
        est.transform(dense[:, :-1])  # wrong number of features
    bad = dense.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError):
        LSA(n_components=5).fit(bad)
    if SKLEARN_TAGS:
        assert LSA().__sklearn_tags__().input_tags.sparse


@pytest.mark.skipif(not SKLEARN_TAGS, reason="estimator tags and check_estimator(on_fail=None): scikit-learn >= 1.6")
def test_lsa_passes_scikit_learns_estimator_checks():
    """scikit-learn's own common checks (input validation, sparse input, cloning, pickling, n_features_in_ ...).

    The TF-IDF classes take documents (text or token lists), not numeric arrays, so these checks do not
    apply to them, as they do not to scikit-learn's own TfidfVectorizer.
    """
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(LSA(n_components=2), on_fail=None)
    failed = [(r["check_name"], repr(r["exception"])) for r in results if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 40
