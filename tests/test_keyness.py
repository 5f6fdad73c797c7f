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


def test_a_template_twin_is_left_out_of_the_reference():
    """Plans A and B share a template's words; C does not.  With B left out of A's reference, A's counts are
    tested against C alone (scipy on that 2x2 table), and the template's word becomes a key term of A."""
    doc_t = ["模板", "模板", "科普", "行动"]
    tokens = ([doc_t] * 4 + [["科普", "行动", "学校"]] * 2          # A: the template's word 模板, 8 times
              + [doc_t] * 4 + [["科普", "行动", "工厂"]] * 2        # B: its twin
              + [["科普", "行动", "农村", "社区"]] * 10)             # C
    juris = ["A"] * 6 + ["B"] * 6 + ["C"] * 10
    plans = ["A", "B", "C"]
    plain = keyness(tokens, juris, plans, top_n=None, min_count=3)
    fam = keyness(tokens, juris, plans, top_n=None, min_count=3, exclude={"A": ["A", "B"], "B": ["A", "B"]})
    a_plain = plain[(plain["jurisdiction"] == "A") & (plain["term"] == "模板")].iloc[0]
    a_fam = fam[(fam["jurisdiction"] == "A") & (fam["term"] == "模板")].iloc[0]
    assert a_plain["count_reference"] == 8 and a_fam["count_reference"] == 0
    n_a = sum(len(t) for t, j in zip(tokens, juris) if j == "A")
    n_c = sum(len(t) for t, j in zip(tokens, juris) if j == "C")
    assert a_fam["total_target"] == n_a and a_fam["total_reference"] == n_c
    assert a_fam["reference_excludes"] == "B" and a_plain["reference_excludes"] == ""
    table = [[8, 0], [n_a - 8, n_c]]
    assert a_fam["g2"] == pytest.approx(chi2_contingency(table, correction=False, lambda_="log-likelihood")[0])
    assert bool(a_fam["key"]) and not bool(a_plain["key"])
    # the ratio of relative frequencies, with 0.5 for the zero count
    assert a_fam["ratio"] == pytest.approx((8 / n_a) / (0.5 / n_c))
    assert a_fam["ratio"] == pytest.approx(2 ** a_fam["log_ratio"])
    c_fam = fam[(fam["jurisdiction"] == "C") & (fam["term"] == "科普")].iloc[0]
    c_plain = plain[(plain["jurisdiction"] == "C") & (plain["term"] == "科普")].iloc[0]
    assert c_fam["count_reference"] == c_plain["count_reference"]  # C has no family: its reference is unchanged


def test_build_leaves_template_families_out_by_default():
    assert CrossPlanParams().keyness_exclude_family is True
    assert CrossPlanParams().keyness_min_count == 3
