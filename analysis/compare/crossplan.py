"""Comparisons *across* plans: clusters, the action map, similarity, text reuse, keyness.

These read the tables the cross-plan stage of the build writes into
``data/processed``: ``clusters.csv`` (``action_id, cluster, label``),
``jurisdiction_similarity.csv``, ``reuse_matrix.csv`` (``jurisdiction,
other_jurisdiction, shared_chars, operative_chars, share``),
``reuse_passages.csv`` (``jurisdiction_a, start_a, end_a, jurisdiction_b,
start_b, end_b, length, text``) and ``keyness.csv``.  Where a column name is
not fixed by the build (the value column of the similarity table, the score
of keyness) the functions accept the usual names, listed in each docstring,
and say which they found missing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.manifold import TSNE
from sklearn.metrics.pairwise import cosine_distances

from analysis.compare.intervals import DEFAULT_BOOT, bootstrap_ratio, wilson
from analysis.compare.tables import plan_order, plans_of
from analysis.pipeline.crossplan import CrossPlanParams
from analysis.textstats.align import MATCH_THRESHOLD  # the build's ``match_threshold``: a best match this close is a counterpart
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
    """Rows of :func:`cluster_spread` shared by every plan."""
    return spread[spread["shared_by_all"]].reset_index(drop=True)


def unique_clusters(spread: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cluster_spread` whose actions all come from one plan."""
    return spread[spread["unique_to"] != ""].reset_index(drop=True)


def cluster_space(actions: pd.DataFrame, clusters: pd.DataFrame, params=None) -> np.ndarray:
    """The vectors the build clustered, one row per action of *clusters* present in *actions*, in *actions* order.

    Recomputed the way :func:`analysis.pipeline.crossplan.compute_crossplan` does,
    with *params* (the build's :class:`~analysis.pipeline.crossplan.CrossPlanParams`,
    default its defaults): word TF-IDF over jieba tokens of every row of
    *actions* (safeguards included), then LSA of the clustered rows.  So the
    map shows clusters in the space they were found in.
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


def _value_column(df: pd.DataFrame, candidates: tuple[str, ...], what: str) -> str:
    found = next((c for c in candidates if c in df.columns), None)
    if found is None:
        raise KeyError(f"{what}: none of the columns {candidates} found (have {list(df.columns)})")
    return found


def _square(df: pd.DataFrame, value: str, a: str = "jurisdiction", b: str = "other_jurisdiction",
            symmetric: bool = False, diagonal: float | None = None) -> pd.DataFrame:
    plans = plan_order(list(df[a]) + list(df[b]))
    m = df.pivot_table(index=a, columns=b, values=value, aggfunc="first").reindex(index=plans, columns=plans)
    if symmetric:
        m = m.combine_first(m.T)
    return _with_diagonal(m.astype(float), diagonal)


def _with_diagonal(m: pd.DataFrame, diagonal: float | None = None, default: float | None = None) -> pd.DataFrame:
    """*m* with its diagonal set to *diagonal*, or NaN diagonal cells set to *default* (a copy)."""
    values = m.to_numpy(dtype=float, copy=True)
    d = np.diag(values).copy()
    if diagonal is not None:
        d[:] = diagonal
    elif default is not None:
        d = np.where(np.isnan(d), default, d)
    np.fill_diagonal(values, d)
    out = pd.DataFrame(values, index=list(m.index), columns=list(m.columns))
    out.index.name, out.columns.name = "jurisdiction", "other_jurisdiction"
    return out


SIMILARITY_VALUES = ("similarity", "mean_best_similarity", "centroid_cosine", "cosine", "value")


def similarity_matrix(similarity: pd.DataFrame, value: str | None = None) -> pd.DataFrame:
    """Plan x plan similarity as a square matrix in plan order (rows: ``jurisdiction``).

    Accepts the long form (``jurisdiction, other_jurisdiction`` and the value
    column *value*, default the first of :data:`SIMILARITY_VALUES` present --
    ``mean_best_similarity`` in the build's table: the mean, over the row
    plan's actions, of their best match in the column plan, so not symmetric)
    or a wide matrix whose first column is ``jurisdiction``.  A missing pair
    is taken from its mirror; a plan compared with itself is 1 unless the
    table says otherwise.
    """
    if "other_jurisdiction" in similarity.columns:
        col = value or _value_column(similarity, SIMILARITY_VALUES, "jurisdiction_similarity")
        m = _square(similarity, col, symmetric=True)
    else:
        wide = similarity.set_index(similarity.columns[0])
        plans = plan_order(list(wide.index))
        m = wide.reindex(index=plans, columns=plans).astype(float)
    return _with_diagonal(m, default=1.0)


def reuse_matrix(reuse: pd.DataFrame, plans: list[str] | None = None) -> pd.DataFrame:
    """Share of each row plan's operative text found verbatim in the column plan (square; diagonal NaN).

    Not symmetric: a short plan copied whole into a long one has a high
    share in its row and a low one in the other plan's.  Reads ``share`` (or
    ``shared_chars / operative_chars``) of ``reuse_matrix.csv``, which lists
    only pairs that share a passage: pass every plan as *plans* (e.g.
    ``documents["jurisdiction"]``) so the pairs that share nothing show 0,
    not a missing value, and plans sharing nothing with anyone still appear.
    """
    df = reuse.copy()
    if "other_role" in df.columns:
        df = df[df["other_role"].fillna("plan") == "plan"]
    if "share" not in df.columns:
        df["share"] = df["shared_chars"] / df["operative_chars"]
    df = df[df["jurisdiction"] != df["other_jurisdiction"]]
    everyone = plan_order((list(plans) if plans is not None else []) + list(df["jurisdiction"]) + list(df["other_jurisdiction"]))
    m = df.pivot_table(index="jurisdiction", columns="other_jurisdiction", values="share", aggfunc="first")
    m = m.reindex(index=everyone, columns=everyone).fillna(0.0)
    return _with_diagonal(m, diagonal=np.nan)


def reuse_pairs(reuse: pd.DataFrame, passages: pd.DataFrame, actions: pd.DataFrame, plans: list[str] | None = None,
                n_boot: int = DEFAULT_BOOT, seed: int = 0) -> pd.DataFrame:
    """Every ordered pair of plans: the verbatim share with a 95% interval (bootstrap over A's actions).

    Columns: ``jurisdiction, other_jurisdiction, shared_chars, operative_chars, share, share_lo, share_hi``
    (0 with an empty interval for pairs that share nothing).  Each of A's actions contributes the
    characters of its span covered by passages shared with B; the actions are resampled.
    """
    plans = plan_order(plans if plans is not None else list(actions["jurisdiction"]))
    m = reuse.copy()
    if "other_role" in m.columns:
        m = m[m["other_role"].fillna("plan") == "plan"]
    rows = []
    for a in plans:
        acts = actions[actions["jurisdiction"] == a]
        starts, ends = acts["start"].astype(int).to_numpy(), acts["end"].astype(int).to_numpy()
        lens = ends - starts
        for b in plans:
            if a == b:
                continue
            r = m[(m["jurisdiction"] == a) & (m["other_jurisdiction"] == b)]
            if r.empty:
                rows.append({"jurisdiction": a, "other_jurisdiction": b, "shared_chars": 0,
                             "operative_chars": int(lens.sum()), "share": 0.0, "share_lo": 0.0, "share_hi": 0.0})
                continue
            first = (passages["jurisdiction_a"] == a) & (passages["jurisdiction_b"] == b)
            second = (passages["jurisdiction_a"] == b) & (passages["jurisdiction_b"] == a)
            iv = list(zip(passages.loc[first, "start_a"], passages.loc[first, "end_a"])) + \
                list(zip(passages.loc[second, "start_b"], passages.loc[second, "end_b"]))
            end = int(max(ends.max() if len(ends) else 0, max((int(e) for _, e in iv), default=0))) + 1
            cov = np.zeros(end + 1, dtype=np.int64)
            for s, e in iv:
                cov[int(s)] += 1
                cov[int(e)] -= 1
            covered = np.cumsum(cov)[:end] > 0
            csum = np.r_[0, np.cumsum(covered)]
            per_action = csum[ends] - csum[starts]
            lo, hi = bootstrap_ratio(per_action, lens, n_boot, seed)
            rows.append({"jurisdiction": a, "other_jurisdiction": b, "shared_chars": int(r["shared_chars"].iloc[0]),
                         "operative_chars": int(r["operative_chars"].iloc[0]), "share": float(r["share"].iloc[0]),
                         "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def similarity_pairs(similarity: pd.DataFrame) -> pd.DataFrame:
    """``jurisdiction_similarity.csv`` with a Wilson interval on ``share_matched`` (k of the row plan's actions)."""
    s = similarity.copy()
    k = (s["share_matched"].astype(float) * s["n_actions"].astype(float)).round().astype(int)
    bounds = [wilson(x, n) for x, n in zip(k, s["n_actions"].astype(int))]
    s["n_matched"] = k
    s["share_matched_lo"] = [b[0] for b in bounds]
    s["share_matched_hi"] = [b[1] for b in bounds]
    return s


def longest_passages(passages: pd.DataFrame, n: int = 10, min_length: int = 0) -> pd.DataFrame:
    """The *n* longest passages two plans share: ``jurisdiction_a, jurisdiction_b, length, start_a, end_a,
    start_b, end_b, text``, longest first (ties: plan order, then offsets).
    """
    order = {j: i for i, j in enumerate(plan_order(list(passages["jurisdiction_a"]) +
                                                   list(passages["jurisdiction_b"])))}
    p = passages[passages["length"] >= min_length].copy()
    p["_a"], p["_b"] = p["jurisdiction_a"].map(order), p["jurisdiction_b"].map(order)
    p = p.sort_values(["length", "_a", "_b", "start_a", "start_b"], ascending=[False, True, True, True, True])
    cols = ["jurisdiction_a", "jurisdiction_b", "length", "start_a", "end_a", "start_b", "end_b", "text"]
    return p[cols].head(n).reset_index(drop=True)


def counterparts(alignment: pd.DataFrame, actions: pd.DataFrame, jurisdiction: str, other: str,
                 threshold: float = MATCH_THRESHOLD) -> pd.DataFrame:
    """Each action of *jurisdiction* beside its most similar action in *other* (``alignment.csv``).

    Columns: ``action_id, title, match_action_id, match_title, similarity,
    mutual`` (the match's own best match in *jurisdiction* is this action),
    ``counterpart`` (``similarity`` reaches *threshold*; pass the build's
    ``match_threshold``, which ``share_matched`` used; default
    :data:`MATCH_THRESHOLD`).  Rows: most similar first (ties:
    order of the plan).  Safeguards are included, as in the alignment.
    Titles are the plans' own (Chinese) headings; an action without a title
    shows the opening of its text.
    """
    if jurisdiction == other:
        raise ValueError("counterparts: give two different plans")
    pos = {a: i for i, a in enumerate(actions["action_id"])}
    titles = actions.set_index("action_id").apply(_title, axis=1)
    a = alignment[(alignment["jurisdiction"] == jurisdiction) & (alignment["other_jurisdiction"] == other)].copy()
    if a.empty:
        raise ValueError(f"alignment has no rows for {jurisdiction} -> {other}")
    a["title"] = a["action_id"].map(titles)
    a["match_title"] = a["match_action_id"].map(titles)
    a["similarity"] = a["similarity"].astype(float)
    a["mutual"] = a["mutual"].astype(str).str.lower().isin(["true", "1"])
    a["counterpart"] = a["similarity"] >= threshold
    a["_pos"] = a["action_id"].map(pos)
    a = a.sort_values(["similarity", "_pos"], ascending=[False, True])
    cols = ["action_id", "title", "match_action_id", "match_title", "similarity", "mutual", "counterpart"]
    return a[cols].reset_index(drop=True)


def _title(row: pd.Series, n: int = 24) -> str:
    title = row.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    text = str(row.get("text", "") or "").strip()
    return text if len(text) <= n else text[:n] + "…"


KEYNESS_SCORES = ("keyness", "log_likelihood", "loglik", "g2", "llr", "chi2", "chi_square", "score")


def top_keyness(keyness: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Each plan's *n* most distinctive terms (over-used against the other plans).

    Columns: ``jurisdiction, rank, term, score, measure`` (the name of the
    score column used, e.g. ``g2``) plus the other columns of the input
    (counts, ``log_ratio``...).  The score is the first of
    :data:`KEYNESS_SCORES` present.  Under-used terms are left out: a
    negative score, a negative ``log_ratio`` (G² itself is never negative),
    or a ``direction`` other than over/+.  With a ``key`` column (the build's
    table), only key terms are kept (significant after correction and at least
    twice as frequent) and the table's own ``rank`` order is used (G², then log
    ratio, then term); otherwise ties break on the term, so the list is stable.
    """
    score = _value_column(keyness, KEYNESS_SCORES, "keyness")
    k = keyness.copy()
    k["score"] = k[score].astype(float)
    k["measure"] = score
    k = k[k["score"] > 0]
    if "log_ratio" in k.columns:
        k = k[k["log_ratio"].astype(float) > 0]
    if "direction" in k.columns:
        k = k[k["direction"].astype(str).str.lower().isin(["over", "+", "positive", "overuse", "1"])]
    if "key" in k.columns:
        k = k[k["key"].astype(str).str.lower().isin(["true", "1"])]
    order = ["rank"] if "rank" in k.columns and "key" in k.columns else ["score", "term"]
    asc = [True] if order == ["rank"] else [False, True]
    rows = []
    for j in plan_order(k["jurisdiction"]):
        top = k[k["jurisdiction"] == j].sort_values(order, ascending=asc).head(n)
        top = top.drop(columns=[score] if score != "score" else []).assign(rank=range(1, len(top) + 1))
        rows.append(top)
    out = pd.concat(rows, ignore_index=True) if rows else k.assign(rank=[])
    first = ["jurisdiction", "rank", "term", "score", "measure"]
    return out[first + [c for c in out.columns if c not in first]]
