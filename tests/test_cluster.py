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
    assert chosen["score"].iloc[0] == q["score"].max()
    parts = q[["silhouette", "stability_seeds_ari", "stability_bootstrap_ari"]].mean(axis=1)
    assert (parts - q["score"]).abs().max() < 1e-5  # the score is the mean of the three
    assert list(q["k"]) == list(range(8, 31))
    for col in ["stability_seeds_ari", "stability_bootstrap_ari"]:  # every k is scored with its stability
        assert q[col].between(-1, 1).all() and 0 < chosen[col].iloc[0] <= 1


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
