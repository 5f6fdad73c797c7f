"""Clusters: deterministic, k by silhouette and stability, labels from each cluster's own actions, consistent tables."""
import numpy as np
import pytest
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from analysis.textstats import cluster as sc_cluster
from analysis.textstats.cluster import choose_k, cluster_vectors, ctfidf_terms

import similarity_cache as sc


def _tokens_by_action(corpus):
    return dict(zip(corpus.actions["action_id"], sc.tokens(corpus)))


def test_every_action_clustered_once_safeguards_not(corpus):
    cl = sc.result(corpus).tables["clusters"]
    acts = corpus.actions
    assert list(cl["action_id"]) == list(acts.loc[acts["kind"] == "action", "action_id"])
    assert cl["cluster"].min() == 1


def test_labels_and_terms_come_from_the_clusters_own_actions(corpus):
    t = sc.result(corpus).tables
    by_action = _tokens_by_action(corpus)
    for c, g in t["clusters"].groupby("cluster"):
        own = [w for a in g["action_id"] for w in by_action[a]]
        counts = pd.Series(own).value_counts()
        label = g["label"].iloc[0]
        assert label, c
        for term in label.split("、"):
            assert term in counts.index, (c, term)
        terms = t["cluster_terms"][t["cluster_terms"]["cluster"] == c]
        assert list(terms["rank"]) == list(range(1, len(terms) + 1))
        assert (terms["weight"].diff().dropna() <= 1e-12).all()
        for term, n in zip(terms["term"], terms["count"]):
            assert counts[term] == n, (c, term)


def test_summary_and_plan_counts_agree_with_clusters(corpus):
    t = sc.result(corpus).tables
    cl, summ, pc = t["clusters"], t["cluster_summary"], t["cluster_plans"]
    n_plans = len(corpus.documents)
    assert summ["n_actions"].sum() == len(cl)
    for row in summ.itertuples():
        members = cl[cl["cluster"] == row.cluster]
        js = [j for j in sc.plans(corpus) if j in set(members["jurisdiction"])]
        assert row.n_actions == len(members)
        assert row.jurisdictions == ";".join(js) and row.n_jurisdictions == len(js)
        expected = "shared_by_all" if len(js) == n_plans else ("unique" if len(js) == 1 else "shared")
        assert row.scope == expected
    pivot = cl.groupby(["cluster", "jurisdiction"]).size()
    assert dict(zip(zip(pc["cluster"], pc["jurisdiction"]), pc["n_actions"])) == pivot.to_dict()
    sizes = summ.sort_values("cluster")["n_actions"].tolist()
    assert sizes == sorted(sizes, reverse=True)  # cluster 1 is the largest


def test_quality_table_names_the_k_used(corpus):
    t = sc.result(corpus).tables
    q = t["cluster_quality"]
    chosen = q[q["chosen"]]
    assert len(chosen) == 1
    k = int(chosen["k"].iloc[0])
    assert k == t["clusters"]["cluster"].nunique()
    # the one-standard-error rule: the smallest k whose score is within one standard error of the best
    best = q.loc[q["score"].idxmax()]
    within = q[q["score"] >= best["score"] - best["score_se"] - 1e-9]
    assert k == int(within["k"].min())
    parts = q[["silhouette", "stability_seeds_ari", "stability_bootstrap_ari"]].mean(axis=1)
    assert (parts - q["score"]).abs().max() < 1e-5  # the score is the mean of the three
    assert list(q["k"]) == list(range(8, 31))
    for col in ["stability_seeds_ari", "stability_bootstrap_ari"]:  # every k is scored with its stability
        assert q[col].between(-1, 1).all() and 0 < chosen[col].iloc[0] <= 1
    assert (q["runs"] >= 2).all() and q["runs"].max() <= 5  # rounds stop when the choice is stable
    lo, hi = chosen[["shared_by_all_min", "shared_by_all_max"]].iloc[0]
    n_shared = int((t["cluster_summary"]["scope"] == "shared_by_all").sum())
    assert lo <= n_shared <= hi  # the build's count lies in its range across seeds
    assert t["clusters"]["stability"].between(0, 1).all()


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centers = np.eye(6)[:3] * 5
    Z = np.vstack([c + rng.normal(scale=0.3, size=(20, 6)) for c in centers])
    return Z / np.linalg.norm(Z, axis=1, keepdims=True), np.repeat([0, 1, 2], 20)


def test_choose_k_finds_separated_groups_and_k_can_be_fixed():
    Z, truth = _blobs()
    k, table = choose_k(Z, k_min=2, k_max=6)
    assert k == 3 and table["chosen"].sum() == 1
    res = cluster_vectors(Z, k_min=2, k_max=6, stability_runs=3)
    assert res.k == 3 and adjusted_rand_score(truth, res.labels) == 1.0
    assert res.stability_seeds == 1.0 and res.stability_bootstrap == 1.0
    fixed = cluster_vectors(Z, k=5, stability_runs=0)
    assert fixed.k == 5 and len(set(fixed.labels)) == 5 and fixed.quality["chosen"].all()


def test_clustering_is_deterministic(corpus):
    from analysis.textstats.vectorize import LSA

    Z = LSA(n_components=15, random_state=0).fit_transform(sc.tfidf(corpus))
    a = cluster_vectors(Z, stability_runs=2)
    b = cluster_vectors(Z, stability_runs=2)
    assert np.array_equal(a.labels, b.labels) and a.quality.equals(b.quality)
    assert a.stability_seeds == b.stability_seeds


def test_ctfidf_prefers_terms_specific_to_a_cluster():
    tokens = [["科普", "青少年", "学校"], ["科普", "青少年"], ["科普", "农民"], ["科普", "农民", "农业"]]
    terms = ctfidf_terms(tokens, [1, 1, 2, 2], top_n=2)
    top = terms[terms["rank"] == 1].set_index("cluster")["term"].to_dict()
    assert top == {1: "青少年", 2: "农民"}


def test_defaults_agree_with_similarity_params():
    """cluster_vectors used on its own behaves as the build does (README: selection_sample 1,000)."""
    import inspect

    from analysis.pipeline.crossplan import CrossPlanParams

    sig = inspect.signature(cluster_vectors).parameters
    p = CrossPlanParams()
    for name in ("k_min", "k_max", "random_state", "n_init", "selection_sample"):
        assert sig[name].default == getattr(p, name), name
    assert sig["stability_runs"].default == p.stability_runs
    assert p.selection_sample == 1000
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(1200, 4))
    res = cluster_vectors(Z / np.linalg.norm(Z, axis=1, keepdims=True), k=3, stability_runs=0)
    assert res.n_sample == 1000 and len(res.labels) == 1200  # k chosen on a sample, every row clustered


def test_fit_kmeans_recovers_separated_blobs_deterministically():
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(1)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    truth = np.repeat(np.arange(4), 30)
    X = centres[truth] + rng.normal(scale=0.5, size=(120, 2))
    a = sc_cluster.fit_kmeans(X, 4, random_state=3, n_init=5)
    b = sc_cluster.fit_kmeans(X, 4, random_state=3, n_init=5)
    assert adjusted_rand_score(truth, a.labels_) == 1.0
    assert np.array_equal(a.labels_, b.labels_) and np.array_equal(a.cluster_centers_, b.cluster_centers_)
    assert np.array_equal(a.predict(X), a.labels_)
    # inertia is the sum of squared distances to the assigned centres
    assert a.inertia_ == pytest.approx(((X - a.cluster_centers_[a.labels_]) ** 2).sum())


def test_fit_kmeans_with_fewer_distinct_points_than_k():
    X = np.array([[0.0, 1.0]] * 5 + [[1.0, 0.0]] * 5)
    fit = sc_cluster.fit_kmeans(X, 4, random_state=0, n_init=2)
    assert len(fit.labels_) == 10 and fit.inertia_ == pytest.approx(0.0)
    with pytest.raises(ValueError):
        sc_cluster.fit_kmeans(X, 11)


def test_one_standard_error_rule_and_edges():
    """Hand-made scores: the smallest k within one standard error of the best is chosen; the edge is named."""
    from analysis.textstats.stability import Runs, _edge, _one_se

    scores = {k: (0, 0, sc, se) for k, sc, se in [(2, 0.50, 0.01), (3, 0.61, 0.02), (4, 0.63, 0.02), (5, 0.60, 0.01)]}
    assert _one_se(scores, [2, 3, 4, 5]) == (3, pytest.approx(0.61))
    assert _edge(3, 2, 5, 100, end_in_reach=False) == ""
    assert _edge(5, 2, 5, 100, end_in_reach=True) == "upper"
    assert _edge(5, 2, 5, 6, end_in_reach=True) == ""  # k = n - 1: no larger k was possible
    assert _edge(8, 8, 30, 100, end_in_reach=False) == "lower"
    r = Runs(seed_ari=[0.8, 0.6], boot_ari=[0.5, 0.7])
    s, b, score, se = r.score(0.4)
    assert (s, b, score) == pytest.approx((0.7, 0.6, (0.4 + 0.7 + 0.6) / 3))
    assert se == pytest.approx(np.sqrt(np.var([0.8, 0.6], ddof=1) / 2 + np.var([0.5, 0.7], ddof=1) / 2) / 3)


def test_fast_adjusted_rand_index_equals_scikit_learns():
    from analysis.textstats.stability import adjusted_rand_score as fast

    rng = np.random.default_rng(0)
    for n, ka, kb in [(10, 3, 4), (200, 15, 18), (50, 1, 5), (30, 30, 3)]:
        a, b = rng.integers(0, ka, n), rng.integers(0, kb, n)
        assert fast(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
        assert fast(a, a) == 1.0


def test_coassignment_stability_by_hand():
    from analysis.textstats.stability import coassignment_stability

    labels = np.array([1, 1, 1, 2, 2])
    same = coassignment_stability(labels, [np.array([5, 5, 5, 7, 7])])
    assert same == pytest.approx(np.ones(5))  # the same partition under other names
    moved = coassignment_stability(labels, [np.array([1, 1, 2, 2, 2])])
    # row 0: {0,1,2} vs {0,1}: 2/3; row 2: {0,1,2} vs {2,3,4}: 1/5; row 3: {3,4} vs {2,3,4}: 2/3
    assert moved == pytest.approx([2 / 3, 2 / 3, 1 / 5, 2 / 3, 2 / 3])
    assert np.isnan(coassignment_stability(labels, [])).all()


def test_the_choice_stops_early_and_reuses_the_fit():
    """Separated blobs: the choice is stable after the minimum rounds, so no k gets all the runs, and the
    clustering is the kept fit of the chosen k (no second fit)."""
    from analysis.textstats import stability

    Z, truth = _blobs()
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[1])
        return sc_cluster.fit_kmeans(*args, **kwargs)

    k, q, fits, runs = stability.select_k(Z, 2, 8, 0, 5, counting, max_runs=6, min_runs=2)
    assert k == 3 and q["runs"].max() < 6
    assert len(calls) == 7 + 2 * int(q["runs"].sum())  # one fit per k, two per run
    res = cluster_vectors(Z, k_min=2, k_max=8, stability_runs=3)
    assert adjusted_rand_score(res.labels, fits[3].labels_) == 1.0
    assert len(res.seed_labels) == 3 and np.isfinite(res.coassignment).all()
    assert sc_cluster.shared_by_all_counts([res.labels], np.repeat(["a", "b"], 30)) == [1]
