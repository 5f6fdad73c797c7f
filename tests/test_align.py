"""Alignment finds template counterparts, equals brute force, and its scale regime agrees with it."""
import numpy as np
import pytest

from analysis.textstats.align import align_actions, plan_similarity

import similarity_cache as sc
from tests.conftest import golden


@pytest.fixture(scope="module")
def alignment(corpus):
    return sc.result(corpus).tables["alignment"]


@pytest.fixture
def two_plans(corpus):
    """The corpus's plans with actions; skips a test that compares plans when there are fewer than two."""
    if len(corpus.plans_with_actions) < 2:
        pytest.skip("alignment compares plans: the corpus has fewer than two plans with actions")
    return corpus.plans_with_actions


def family_of(corpus) -> dict[str, str]:
    """Template family of each plan (its own id when it belongs to none)."""
    fam = sc.result(corpus).families
    if fam is None:
        return {j: j for j in corpus.plans_with_actions}
    return {j: (f or j) for j, f in zip(fam["jurisdiction"], fam["template_family"].fillna(""))}


def test_one_row_per_action_and_other_plan(corpus, alignment):
    n_plans = len(corpus.plans_with_actions)
    assert len(alignment) == len(corpus.actions) * (n_plans - 1)
    assert not (alignment["jurisdiction"] == alignment["other_jurisdiction"]).any()
    assert not alignment.duplicated(["action_id", "other_jurisdiction"]).any()
    for _, g in alignment.groupby("action_id", sort=False):
        assert list(g["rank"]) == list(range(1, n_plans))
        assert (g["similarity"].diff().dropna() <= 0).all()


@pytest.mark.parametrize("backwards", [False, True])
def test_title_identical_actions_are_each_others_best_match(corpus, alignment, backwards):
    """In the two plans sharing the most text (a template pair), actions with the same title match each other."""
    a, b = sc.template_pair(corpus)
    if backwards:
        a, b = b, a
    pairs = sc.title_pairs(corpus, a, b)
    if not pairs:
        pytest.skip(f"the template pair {a}, {b} has no action title in common")
    got = alignment[alignment["other_jurisdiction"] == b].set_index("action_id")
    for ida, idb in pairs:
        assert got.loc[ida, "match_action_id"] == idb, (ida, idb)
        assert bool(got.loc[ida, "mutual"]), ida


def test_template_siblings_are_closest_and_unrelated_matches_are_low(corpus, alignment):
    al = alignment
    a, b = sc.template_pair(corpus)
    pairs = dict(sc.title_pairs(corpus, a, b))
    if not pairs:
        pytest.skip(f"the template pair {a}, {b} has no action title in common")
    ab = al[(al["jurisdiction"] == a) & (al["other_jurisdiction"] == b)]
    counterpart = ab[ab["action_id"].isin(pairs)]["similarity"]
    fam = family_of(corpus)
    unrelated = al[al["jurisdiction"].map(fam) != al["other_jurisdiction"].map(fam)]  # plans of no common template
    if unrelated.empty:
        pytest.skip("every plan of the corpus belongs to one template family")
    assert counterpart.median() > 2 * unrelated["similarity"].median()


@golden("zhifu", "pingyin")
def test_shipped_template_pair_shares_many_titles(corpus):
    assert len(sc.title_pairs(corpus, "zhifu", "pingyin")) >= 10  # both follow Shandong's provincial plan


@golden(whole=True)
def test_shipped_corpus_template_pair_is_closest(corpus, alignment):
    """The shipped corpus: Zhifu and Pingyin (one template) are the pair sharing most text; Pingyin is Zhifu's
    most similar plan for most of its actions, and each is the other's most similar plan."""
    assert sc.template_pair(corpus) == ("zhifu", "pingyin")
    first = alignment[(alignment["jurisdiction"] == "zhifu") & (alignment["rank"] == 1)]
    assert (first["other_jurisdiction"] == "pingyin").mean() > 0.6
    js = sc.result(corpus).tables["jurisdiction_similarity"]
    top = js[js["rank"] == 1].set_index("jurisdiction")["other_jurisdiction"]
    assert top["zhifu"] == "pingyin" and top["pingyin"] == "zhifu"


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
    one = align_actions(a["action_id"], a["jurisdiction"], X, corpus.plans_with_actions)
    tiny = align_actions(a["action_id"], a["jurisdiction"], X, corpus.plans_with_actions, chunk_size=7)
    assert one.equals(tiny)


def test_scale_regime_with_exhaustive_search_equals_all_pairs(corpus, two_plans):
    X = sc.tfidf(corpus)
    a = corpus.actions
    plans = two_plans
    exact = align_actions(a["action_id"], a["jurisdiction"], X, plans)
    big = align_actions(a["action_id"], a["jurisdiction"], X, plans, all_pairs_max_plans=1, top_k=len(plans) - 1,
                        retrieval=X.toarray(), n_candidates=len(a), n_cells=4, n_probe=4)
    cols = ["action_id", "other_jurisdiction", "match_action_id", "rank", "mutual"]
    assert exact[cols].equals(big[cols])
    assert np.allclose(exact["similarity"], big["similarity"], atol=1e-12)


def test_scale_regime_keeps_top_k_with_exact_similarities(corpus, two_plans):
    X = sc.tfidf(corpus)
    a = corpus.actions
    plans = two_plans
    k = min(2, len(plans) - 1)
    big = align_actions(a["action_id"], a["jurisdiction"], X, plans, all_pairs_max_plans=1, top_k=k)
    assert big.groupby("action_id").size().max() == k
    row = {x: i for i, x in enumerate(a["action_id"])}
    i = big["action_id"].map(row).to_numpy()
    j = big["match_action_id"].map(row).to_numpy()
    exact = np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()
    assert np.allclose(big["similarity"], exact)
    assert (a.set_index("action_id").loc[big["match_action_id"], "jurisdiction"].to_numpy()
            == big["other_jurisdiction"].to_numpy()).all()


def test_plan_similarity(corpus, alignment, two_plans):
    js = sc.result(corpus).tables["jurisdiction_similarity"]
    plans = two_plans
    n = len(plans)
    assert len(js) == n * (n - 1)
    for j, g in js.groupby("jurisdiction"):  # ranked by the build's similarity, most similar first
        assert list(g.sort_values("rank")["rank"]) == list(range(1, n))
    mean = alignment.groupby(["jurisdiction", "other_jurisdiction"])["similarity"].mean()
    for r in js.itertuples():
        assert abs(r.mean_best_similarity - mean[(r.jurisdiction, r.other_jurisdiction)]) < 1e-5
    sym = js.set_index(["jurisdiction", "other_jurisdiction"])["centroid_cosine"]
    for (x, y), v in sym.items():
        assert abs(v - sym[(y, x)]) < 1e-9
    X = sc.tfidf(corpus)
    a = corpus.actions
    k = min(2, n - 1)
    big = plan_similarity(X, a["jurisdiction"], plans, all_pairs_max_plans=1, top_k=k)
    assert big.groupby("jurisdiction").size().max() == k
    merged = big.merge(js, on=["jurisdiction", "other_jurisdiction"], suffixes=("", "_all"))
    assert np.allclose(merged["mean_best_similarity"], merged["mean_best_similarity_all"], atol=1e-6)
    assert np.allclose(merged["centroid_cosine"], merged["centroid_cosine_all"], atol=1e-6)


@golden(whole=True)
def test_scale_regime_recall_on_the_shipped_plans(corpus, alignment):
    """The top-k regime's default search finds most exact best matches of the shipped corpus (README/align
    docstring: 0.967); a measurement of these texts, not a guarantee for every corpus."""
    X = sc.tfidf(corpus)
    a = corpus.actions
    big = align_actions(a["action_id"], a["jurisdiction"], X, corpus.plans_with_actions, all_pairs_max_plans=2)
    exact = alignment.set_index(["action_id", "other_jurisdiction"])["similarity"]
    found = big.set_index(["action_id", "other_jurisdiction"])["similarity"]
    hit = (found - exact.reindex(found.index)).abs() < 1e-6  # the build's table is rounded to 6 places
    recall = hit.sum() / len(exact)  # every action x each other plan (top_k = 10 caps at their number)
    assert recall >= 0.95
    assert (big[big["rank"] == 1].set_index("action_id")["similarity"]
            - alignment[alignment["rank"] == 1].set_index("action_id")["similarity"]).abs().max() < 1e-6
