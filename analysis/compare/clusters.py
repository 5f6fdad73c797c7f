"""Clusters across plans and the action map: which topics plans share, and where each action lies.

These read ``clusters.csv`` (``action_id, cluster, label``), which the
cross-plan stage of the build writes into ``data/processed``, beside
``actions.csv``.  Split from :mod:`analysis.compare.crossplan` (similarity,
reuse, keyness), which re-exports every public name here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.manifold import TSNE
from sklearn.metrics.pairwise import cosine_distances

from analysis.compare.tables import plan_order, plans_of
from analysis.pipeline.crossplan import CrossPlanParams
from analysis.textstats.tokens import default_tokenizer, tokenize_many
from analysis.textstats.vectorize import CharNgramTfidf, LSA, WordTfidf

#: Cluster id used for actions a clustering leaves unassigned (noise).
NOISE = -1


def _labelled(clusters: pd.DataFrame) -> pd.DataFrame:
    c = clusters[["action_id", "cluster"] + (["label"] if "label" in clusters else [])].copy()
    c["cluster"] = c["cluster"].astype(int)
    if "label" not in c:
        c["label"] = c["cluster"].astype(str)
    c["label"] = c["label"].fillna("").astype(str)
    return c


def _with_plan(clusters: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    c = _labelled(clusters).merge(actions[["action_id", "jurisdiction"]], on="action_id", how="left",
                                  validate="one_to_one")
    missing = c.loc[c["jurisdiction"].isna(), "action_id"]
    if len(missing):
        raise ValueError(f"clusters.csv names actions absent from actions.csv: {', '.join(missing[:5])}")
    return c


def _cluster_labels(c: pd.DataFrame) -> dict[int, str]:
    return c.groupby("cluster")["label"].first().to_dict()


def cluster_composition(clusters: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """Cluster x plan, full grid: ``cluster, label, jurisdiction, n_actions, share_of_cluster, share_of_plan``.

    ``share_of_plan`` is of the plan's clustered actions, so plans of
    different length compare.

    Parameters
    ----------
    clusters, actions : pandas.DataFrame
        ``clusters.csv`` (``action_id, cluster``, optional ``label``) and ``actions.csv`` (the plan of each
        action); an action of *clusters* missing from *actions* raises ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        One row per cluster (ascending id, noise included) and plan of *actions* (plan order), zero counts
        included.  ``share_of_cluster``: the cluster's actions that are the plan's; ``share_of_plan``: NaN for a
        plan with no clustered action.
    """
    c = _with_plan(clusters, actions)
    labels = _cluster_labels(c)
    plans = plans_of(actions)
    counts = c.groupby(["cluster", "jurisdiction"]).size()
    per_plan = c.groupby("jurisdiction").size()
    per_cluster = c.groupby("cluster").size()
    rows = [{"cluster": k, "label": labels[k], "jurisdiction": j, "n_actions": int(counts.get((k, j), 0)),
             "share_of_cluster": counts.get((k, j), 0) / per_cluster[k],
             "share_of_plan": counts.get((k, j), 0) / per_plan[j] if per_plan.get(j, 0) else np.nan}
            for k in sorted(labels) for j in plans]
    return pd.DataFrame(rows)


def cluster_spread(clusters: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster: how many plans it reaches.

    Columns: ``cluster, label, n_actions, n_plans, plans`` (ids joined by
    ``;`` in plan order), ``shared_by_all`` (every plan of ``actions`` has an
    action in it), ``unique_to`` (the one plan, or empty).  Sorted by
    ``n_plans`` then size, both descending.  The noise cluster (-1), if any, is
    never shared or unique: it is not a topic.

    Parameters
    ----------
    clusters, actions : pandas.DataFrame
        ``clusters.csv`` and ``actions.csv`` (the plan of each action, and the plans that count as "every").

    Returns
    -------
    pandas.DataFrame
        One row per cluster, the columns and order above.
    """
    c = _with_plan(clusters, actions)
    all_plans = plans_of(actions)
    rows = []
    for k, g in c.groupby("cluster"):
        plans = plan_order(g["jurisdiction"])
        noise = k == NOISE
        rows.append({"cluster": k, "label": g["label"].iloc[0], "n_actions": len(g), "n_plans": len(plans),
                     "plans": ";".join(plans), "shared_by_all": not noise and len(plans) == len(all_plans),
                     "unique_to": plans[0] if len(plans) == 1 and not noise else ""})
    out = pd.DataFrame(rows)
    return out.sort_values(["n_plans", "n_actions", "cluster"], ascending=[False, False, True]).reset_index(drop=True)


def shared_clusters(spread: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cluster_spread` shared by every plan.

    Parameters
    ----------
    spread : pandas.DataFrame
        The output of :func:`cluster_spread`.

    Returns
    -------
    pandas.DataFrame
        Its rows with ``shared_by_all`` true, same columns and order, index reset.
    """
    return spread[spread["shared_by_all"]].reset_index(drop=True)


def unique_clusters(spread: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cluster_spread` whose actions all come from one plan.

    Parameters
    ----------
    spread : pandas.DataFrame
        The output of :func:`cluster_spread`.

    Returns
    -------
    pandas.DataFrame
        Its rows with a non-empty ``unique_to``, same columns and order, index reset.
    """
    return spread[spread["unique_to"] != ""].reset_index(drop=True)


def cluster_space(actions: pd.DataFrame, clusters: pd.DataFrame, params=None) -> np.ndarray:
    """The vectors the build clustered, one row per action of *clusters* present in *actions*, in *actions* order.

    Recomputed the way :func:`analysis.pipeline.crossplan.compute_crossplan` does,
    with *params* (the build's :class:`~analysis.pipeline.crossplan.CrossPlanParams`,
    default its defaults): word TF-IDF over jieba tokens of every row of
    *actions* (safeguards included), then LSA of the clustered rows.  So the
    map shows clusters in the space they were found in.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``action_id, text``); all its rows fit the TF-IDF vocabulary.
    clusters : pandas.DataFrame
        ``clusters.csv``; only its ``action_id`` column is read.
    params : CrossPlanParams, optional
        The build's cross-plan parameters (``min_df``, ``lsa_components``, ``random_state``); None: the defaults.

    Returns
    -------
    numpy.ndarray
        Shape ``(n clustered actions, lsa_components)``, rows in *actions* order.
    """
    p = params or CrossPlanParams()
    items = actions.reset_index(drop=True)
    tokens = tokenize_many(items["text"].fillna("").astype(str).tolist(), default_tokenizer(), n_jobs=1)
    X = WordTfidf(min_df=p.min_df).fit_transform(tokens)
    rows = np.flatnonzero(items["action_id"].isin(set(clusters["action_id"])).to_numpy())
    return LSA(n_components=p.lsa_components, random_state=p.random_state).fit_transform(X[rows])


def _char_tfidf(texts: list[str]) -> np.ndarray:
    return CharNgramTfidf(ngram_range=(2, 3), min_df=2).fit_transform(texts).toarray()


def action_map(actions: pd.DataFrame, clusters: pd.DataFrame | None = None, vectors: np.ndarray | None = None,
               method: str = "tsne", random_state: int = 0, params=None,
               max_points: int | None = 2000) -> pd.DataFrame:
    """A deterministic 2-D map of the actions: ``action_id, jurisdiction, cluster, label, x, y``.

    Above *max_points* actions (exact t-SNE is quadratic in time and memory),
    a seeded random sample of *max_points* is mapped (``random_state``); the
    caller can tell by comparing the number of rows with the actions it
    passed.  *params*: the build's parameters, for :func:`cluster_space`.

    Only actions in *clusters* are mapped (all of *actions* without it).
    *vectors* (one row per mapped action, in *actions* order) defaults to the
    space the build clustered in (:func:`cluster_space`) when *clusters* is
    given, else to character 2-3-gram TF-IDF of the texts.  ``method="tsne"``: t-SNE on cosine distances,
    exact gradient (no multithreaded approximation) from a seeded random start
    (``random_state``) -- the same map on every run.  ``method="svd"``:
    the first two singular vectors (linear, faster, more crowded).  Axes
    have no meaning beyond nearness; coordinates are rounded to 1e-4 and each
    axis oriented so its largest-magnitude point is positive, so tiny floating
    differences do not flip or jitter the map.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``action_id, jurisdiction, text``).
    clusters : pandas.DataFrame, optional
        ``clusters.csv``; None maps every action with ``cluster`` -1 and an empty ``label``.
    vectors : array-like or sparse matrix, optional
        One row per mapped action; None: computed as said above.
    method : {"tsne", "svd"}
        The projection; any other value raises ``ValueError``.
    random_state : int
        Seed of the t-SNE start and of the sample above *max_points*.
    params : CrossPlanParams, optional
        The build's cross-plan parameters, passed to :func:`cluster_space`; None: the defaults.
    max_points : int or None
        Most actions mapped; None maps all, however slow.

    Returns
    -------
    pandas.DataFrame
        One row per mapped action, in *actions* order: ``action_id, jurisdiction, cluster, label, x, y``
        (``x, y`` unitless map coordinates rounded to 4 decimals).
    """
    acts = actions[actions["action_id"].isin(clusters["action_id"])] if clusters is not None else actions
    acts = acts.reset_index(drop=True)
    if vectors is None:
        vectors = cluster_space(actions, clusters, params) if clusters is not None else \
            _char_tfidf(acts["text"].fillna("").tolist())
    X = np.asarray(vectors.toarray() if hasattr(vectors, "toarray") else vectors, dtype=float)
    if len(X) != len(acts):
        raise ValueError(f"vectors has {len(X)} rows for {len(acts)} actions")
    if max_points is not None and len(acts) > max_points:
        keep = np.sort(np.random.default_rng(random_state).choice(len(acts), size=max_points, replace=False))
        acts, X = acts.iloc[keep].reset_index(drop=True), X[keep]
    if method == "tsne":
        d = cosine_distances(X)
        perplexity = float(min(30, max(2, (len(acts) - 1) // 3)))
        xy = TSNE(n_components=2, metric="precomputed", init="random", method="exact", perplexity=perplexity,
                  random_state=random_state, max_iter=1000).fit_transform(d)
    elif method == "svd":
        Xc = X - X.mean(axis=0)
        u, s, _ = np.linalg.svd(Xc, full_matrices=False)
        xy = u[:, :2] * s[:2]
    else:
        raise ValueError("method must be 'tsne' or 'svd'")
    for i in range(2):  # orient each axis deterministically
        if xy[np.argmax(np.abs(xy[:, i])), i] < 0:
            xy[:, i] = -xy[:, i]
    out = acts[["action_id", "jurisdiction"]].copy()
    if clusters is not None:
        out = out.merge(_labelled(clusters), on="action_id", how="left")
    else:
        out["cluster"], out["label"] = NOISE, ""
    xy = np.round(np.asarray(xy, dtype=np.float64), 4)
    out["x"], out["y"] = xy[:, 0], xy[:, 1]
    return out
