"""Keyness: counts add up, statistics match scipy, top terms are over-represented and ordered."""
import numpy as np
import pytest
from scipy.stats import chi2_contingency

from analysis.textstats.keyness import KEYNESS_COLUMNS, keyness_table as keyness

import similarity_cache as sc


@pytest.fixture(scope="module")
def full(corpus):
    return keyness(sc.tokens(corpus), corpus.actions["jurisdiction"].tolist(), sc.plans(corpus), top_n=None)


def test_counts_add_up_to_token_totals(corpus, full):
    toks = sc.tokens(corpus)
    juris = corpus.actions["jurisdiction"].tolist()
    total = sum(len(t) for t in toks)
    for j, g in full.groupby("jurisdiction"):
        n_j = sum(len(t) for t, x in zip(toks, juris) if x == j)
        assert g["count_target"].sum() == n_j
        assert (g["total_target"] == n_j).all()
        assert (g["total_target"] + g["total_reference"] == total).all()
    corpus_counts = {}
    for t in toks:
        for w in t:
            corpus_counts[w] = corpus_counts.get(w, 0) + 1
    for r in full.sample(200, random_state=0).itertuples():
        assert r.count_target + r.count_reference == corpus_counts[r.term]


def test_statistics_match_scipy(full):
    for r in full.sample(60, random_state=1).itertuples():
        table = [[r.count_target, r.count_reference],
                 [r.total_target - r.count_target, r.total_reference - r.count_reference]]
        g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        x2 = chi2_contingency(table, correction=False)[0]
        over = r.count_target / r.total_target > r.count_reference / r.total_reference
        assert np.isclose(abs(r.g2), g2, atol=1e-9) and np.isclose(abs(r.chi2), x2, atol=1e-9)
        assert (r.g2 > 0) == over or np.isclose(g2, 0)


def test_top_terms(corpus):
    res = sc.result(corpus).tables["keyness"]
    assert list(res.columns) == KEYNESS_COLUMNS
    assert list(res["jurisdiction"].unique()) == sc.plans(corpus)
    for _, g in res.groupby("jurisdiction"):
        assert 0 < len(g) <= 30
        assert list(g["rank"]) == list(range(1, len(g) + 1))
        assert (g["g2"] > 0).all() and (g["count_target"] >= 3).all()
        assert (g["g2"].diff().dropna() <= 0).all()
        assert ((g["p_value"] > 0) & (g["p_value"] <= 1)).all()
        assert (g["p_value"].diff().dropna() >= 0).all()  # larger G2, smaller p
    im = res[res["jurisdiction"] == "inner_mongolia"]["term"].head(10).tolist()
    assert "农牧民" in im or "旗县" in im  # the region's own vocabulary


def test_keyness_is_deterministic(corpus):
    args = (sc.tokens(corpus), corpus.actions["jurisdiction"].tolist(), sc.plans(corpus))
    assert keyness(*args).equals(keyness(*args))
