"""How the cross-plan results move with the analysis's choices: the clustering at other LSA sizes
(``cluster_sensitivity.csv``) and the verbatim shares at other passage lengths, punctuation counted or
not (``reuse_sensitivity.csv``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis import schema
from analysis.pipeline.params import CrossPlanParams
from analysis.pipeline.reuse_stage import reuse_tables
from analysis.textstats.cluster import cluster_vectors
from analysis.textstats.vectorize import LSA

if TYPE_CHECKING:  # pragma: no cover
    from analysis.pipeline.extract import Dataset

__all__ = ["cluster_sensitivity", "reuse_sensitivity"]


def cluster_sensitivity(X, build, build_dims: int, p: CrossPlanParams) -> pd.DataFrame:
    """How the clustering moves with the LSA dimension: one row per size in ``p.sensitivity_lsa``.

    For each size, k is chosen by the same criterion (:func:`analysis.textstats.cluster.choose_k`);
    the row gives that k, its silhouette (LSA and full space), its stabilities,
    and the adjusted Rand index between that partition and the build's
    (*build*, a :class:`~analysis.textstats.cluster.ClusterResult` in *build_dims* dimensions).
    """
    from sklearn.metrics import adjusted_rand_score

    rows = []
    for dims in sorted(set(p.sensitivity_lsa) | {build_dims}):
        if dims == build_dims:
            res, got = build, build_dims
        else:
            Z = LSA(n_components=dims, random_state=p.random_state).fit_transform(X)
            got = Z.shape[1]
            res = cluster_vectors(Z, k_min=p.k_min, k_max=p.k_max, random_state=p.random_state, n_init=p.n_init,
                                  stability_runs=p.stability_runs, selection_sample=p.selection_sample,
                                  selection_runs=p.stability_runs, X_full=X)
        if res.quality.empty or not res.quality["chosen"].any():
            continue
        row = res.quality[res.quality["chosen"]].iloc[0]
        rows.append({"lsa_components": got, "k": res.k, "silhouette": row["silhouette"],
                     "silhouette_full": row["silhouette_full"], "stability_seeds_ari": row["stability_seeds_ari"],
                     "stability_bootstrap_ari": row["stability_bootstrap_ari"], "score": row["score"],
                     "edge": row.get("edge", ""), "ari_with_build": float(adjusted_rand_score(build.labels, res.labels)),
                     "is_build": dims == build_dims})
    return schema.frame(rows, schema.CORE_TABLES["cluster_sensitivity"]).drop_duplicates("lsa_components")


def reuse_sensitivity(corpus: "Dataset", items: pd.DataFrame, plans: list[str], p: CrossPlanParams) -> pd.DataFrame:
    """Verbatim shares of every ordered pair of plans at each passage length of ``p.sensitivity_min_chars``,
    with punctuation counted and not counted (``reuse_sensitivity.csv``)."""
    rows = []
    for n in p.sensitivity_min_chars:
        for punct in (True, False):
            _, m, _ = reuse_tables(corpus, items, plans, p, min_chars=n, punctuation=punct)
            m = m[m["other_role"] == "plan"]
            for r in m.itertuples():
                rows.append({"min_chars": n, "punctuation": "counted" if punct else "excluded",
                             "jurisdiction": r.jurisdiction, "other_jurisdiction": r.other_jurisdiction,
                             "shared_chars": r.shared_chars, "operative_chars": r.operative_chars, "share": r.share})
    return schema.frame(rows, schema.CORE_TABLES["reuse_sensitivity"])
