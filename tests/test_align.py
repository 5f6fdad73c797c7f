"""Alignment finds template counterparts, equals brute force, and its scale regime agrees with it."""
import numpy as np
import pytest

from analysis.textstats.align import align_actions, plan_similarity

import similarity_cache as sc


@pytest.fixture(scope="module")
def alignment(corpus):
    return sc.result(corpus).tables["alignment"]


def test_one_row_per_action_and_other_plan(corpus, alignment):
    n_plans = len(corpus.documents)
    assert len(alignment) == len(corpus.actions) * (n_plans - 1)
    assert not (alignment["jurisdiction"] == alignment["other_jurisdiction"]).any()
    assert not alignment.duplicated(["action_id", "other_jurisdiction"]).any()
    for _, g in alignment.groupby("action_id", sort=False):
        assert list(g["rank"]) == list(range(1, n_plans))
        assert (g["similarity"].diff().dropna() <= 0).all()


@pytest.mark.parametrize("a,b", [("zhifu", "pingyin"), ("pingyin", "zhifu")])
def test_title_identical_actions_are_each_others_best_match(corpus, alignment, a, b):
    pairs = sc.title_pairs(corpus, a, b)
    assert len(pairs) >= 10, pairs  # Zhifu and Pingyin share Shandong's template
    got = alignment[alignment["other_jurisdiction"] == b].set_index("action_id")
    for ida, idb in pairs:
        assert got.loc[ida, "match_action_id"] == idb, (ida, idb)
        assert bool(got.loc[ida, "mutual"]), ida


def test_template_siblings_are_closest_and_unrelated_matches_are_low(corpus, alignment):
    al = alignment
    zp = al[(al["jurisdiction"] == "zhifu") & (al["other_jurisdiction"] == "pingyin")]
    pairs = dict(sc.title_pairs(corpus))
    counterpart = zp[zp["action_id"].isin(pairs)]["similarity"]
    other = al[~al["jurisdiction"].isin(["zhifu", "pingyin"]) | ~al["other_jurisdiction"].isin(["zhifu", "pingyin"])]
    assert counterpart.median() > 2 * other["similarity"].median()
    # Pingyin is Zhifu's most similar plan for most of its actions
    first = al[(al["jurisdiction"] == "zhifu") & (al["rank"] == 1)]
    assert (first["other_jurisdiction"] == "pingyin").mean() > 0.6


def test_matches_equal_brute_force_cosine(corpus, alignment):
    X = sc.tfidf(corpus)
    S = (X @ X.T).toarray()
    ids = list(corpus.actions["action_id"])
    juris = corpus.actions["jurisdiction"].to_numpy()
    row = {a: i for i, a in enumerate(ids)}
    best = {}
    for r in alignment.itertuples():
        i = row[r.action_id]
        cols = np.flatnonzero(juris == r.other_jurisdiction)
        j = cols[np.argmax(S[i, cols])]
        assert r.match_action_id == ids[j]
        assert abs(r.similarity - S[i, j]) < 1e-6
        best[(r.action_id, r.other_jurisdiction)] = r.match_action_id
    for r in alignment.itertuples():
        back = best[(r.match_action_id, r.jurisdiction)]
        assert r.mutual == (back == r.action_id)


def test_chunking_does_not_change_the_result(corpus):
    X = sc.tfidf(corpus)
    a = corpus.actions
    one = align_actions(a["action_id"], a["jurisdiction"], X, sc.plans(corpus))
    tiny = align_actions(a["action_id"], a["jurisdiction"], X, sc.plans(corpus), chunk_size=7)
    assert one.equals(tiny)


def test_scale_regime_with_exhaustive_search_equals_all_pairs(corpus):
    X = sc.tfidf(corpus)
    a = corpus.actions
    plans = sc.plans(corpus)
    exact = align_actions(a["action_id"], a["jurisdiction"], X, plans)
    big = align_actions(a["action_id"], a["jurisdiction"], X, plans, all_pairs_max_plans=1, top_k=len(plans) - 1,
                        retrieval=X.toarray(), n_candidates=len(a), n_cells=4, n_probe=4)
    cols = ["action_id", "other_jurisdiction", "match_action_id", "rank", "mutual"]
    assert exact[cols].equals(big[cols])
    assert np.allclose(exact["similarity"], big["similarity"], atol=1e-12)


def test_scale_regime_keeps_top_k_with_exact_similarities(corpus):
    X = sc.tfidf(corpus)
    a = corpus.actions
    big = align_actions(a["action_id"], a["jurisdiction"], X, sc.plans(corpus), all_pairs_max_plans=1, top_k=2)
    assert big.groupby("action_id").size().max() == 2
    row = {x: i for i, x in enumerate(a["action_id"])}
    i = big["action_id"].map(row).to_numpy()
    j = big["match_action_id"].map(row).to_numpy()
    exact = np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()
    assert np.allclose(big["similarity"], exact)
    assert (a.set_index("action_id").loc[big["match_action_id"], "jurisdiction"].to_numpy()
            == big["other_jurisdiction"].to_numpy()).all()


def test_plan_similarity(corpus, alignment):
    js = sc.result(corpus).tables["jurisdiction_similarity"]
    n = len(corpus.documents)
    assert len(js) == n * (n - 1)
    top = js[js["rank"] == 1].set_index("jurisdiction")["other_jurisdiction"]
    assert top["zhifu"] == "pingyin" and top["pingyin"] == "zhifu"
    mean = alignment.groupby(["jurisdiction", "other_jurisdiction"])["similarity"].mean()
    for r in js.itertuples():
        assert abs(r.mean_best_similarity - mean[(r.jurisdiction, r.other_jurisdiction)]) < 1e-5
    sym = js.set_index(["jurisdiction", "other_jurisdiction"])["centroid_cosine"]
    for (x, y), v in sym.items():
        assert abs(v - sym[(y, x)]) < 1e-9
    X = sc.tfidf(corpus)
    a = corpus.actions
    big = plan_similarity(X, a["jurisdiction"], sc.plans(corpus), all_pairs_max_plans=1, top_k=2)
    assert big.groupby("jurisdiction").size().max() == 2
    merged = big.merge(js, on=["jurisdiction", "other_jurisdiction"], suffixes=("", "_all"))
    assert np.allclose(merged["mean_best_similarity"], merged["mean_best_similarity_all"], atol=1e-6)
    assert np.allclose(merged["centroid_cosine"], merged["centroid_cosine_all"], atol=1e-6)


def test_scale_regime_recall_on_the_five_plans(corpus, alignment):
    """The top-k regime's default search finds most exact best matches (README/align docstring: 0.967)."""
    X = sc.tfidf(corpus)
    a = corpus.actions
    big = align_actions(a["action_id"], a["jurisdiction"], X, sc.plans(corpus), all_pairs_max_plans=2)
    exact = alignment.set_index(["action_id", "other_jurisdiction"])["similarity"]
    found = big.set_index(["action_id", "other_jurisdiction"])["similarity"]
    hit = (found - exact.reindex(found.index)).abs() < 1e-6  # the build's table is rounded to 6 places
    recall = hit.sum() / len(exact)  # every action x its 4 other plans (top_k = 10 caps at 4)
    assert recall >= 0.95
    assert (big[big["rank"] == 1].set_index("action_id")["similarity"]
            - alignment[alignment["rank"] == 1].set_index("action_id")["similarity"]).abs().max() < 1e-6
