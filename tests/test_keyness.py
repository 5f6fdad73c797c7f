"""Keyness: counts add up, statistics match scipy, top terms are over-represented and ordered."""
import numpy as np
import pytest

from analysis.pipeline.crossplan import CrossPlanParams
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
    p = CrossPlanParams()
    for _, g in res.groupby("jurisdiction"):
        assert 0 < len(g) <= p.keyness_top_n
        assert list(g["rank"]) == list(range(1, len(g) + 1))
        assert (g["count_target"] >= p.keyness_min_count).all()
        assert ((g["p_value"] > 0) & (g["p_value"] <= 1)).all()
        key = g["key"].astype(bool)
        assert not (~key.iloc[:-1].to_numpy() & key.iloc[1:].to_numpy()).any()  # key terms come first
        for block in (g[key], g[~key]):  # each block by G2, descending; larger G2, smaller p
            assert (block["g2"].diff().dropna() <= 0).all()
            assert (block["p_value"].diff().dropna() >= -1e-12).all()
        k = g[key]
        assert (k["p_adjusted"] < p.keyness_alpha).all() and (k["log_ratio"] >= p.keyness_min_log_ratio).all()
        assert np.allclose(g["p_adjusted"], (g["p_value"] * g["n_tested"]).clip(upper=1), rtol=1e-4, atol=0)


def test_keyness_is_deterministic(corpus):
    args = (sc.tokens(corpus), corpus.actions["jurisdiction"].tolist(), sc.plans(corpus))
    assert keyness(*args).equals(keyness(*args))
