"""Sentences across plans: clusters, keyness, alignment and reuse, and the sensitivity of these to the
analysis's choices (rules in :mod:`analysis.report.findings`)."""
from __future__ import annotations

import pandas as pd

from analysis.report.wording import agree, bullets, ci, count_word, counted, lower, names, num, pct, times


# ------------------------------------------------------------------ clusters
def clusters(quality: pd.DataFrame, spread: pd.DataFrame, sensitivity: pd.DataFrame, documents: pd.DataFrame,
             labels: dict[str, str], clusters_table: pd.DataFrame | None = None) -> str:
    """How the clusters were chosen, how firm they are, and what they show.

    Parameters
    ----------
    quality : pandas.DataFrame
        ``cluster_quality.csv`` (the k tried, the chosen one, its edge flag and the range across seeds of the
        clusters shared by all plans).
    spread : pandas.DataFrame
        :func:`analysis.compare.cluster_spread`.
    sensitivity : pandas.DataFrame
        ``cluster_sensitivity.csv``.
    documents : pandas.DataFrame
        ``documents.csv`` (template families).
    labels : dict
        Plan labels.
    clusters_table : pandas.DataFrame, optional
        ``clusters.csv``, for the co-assignment stability of the actions.

    Returns
    -------
    str
        Markdown bullets.
    """
    out = []
    q = quality.copy()
    if q.empty:
        return bullets(["No clusters: fewer than two plans with actions."])
    chosen = q[q["chosen"].astype(bool)].iloc[0]
    k = int(chosen.k)
    if len(q) > 1:
        best = q.loc[q["score"].idxmax()]
        se = best.get("score_se", float("nan"))
        near = q[q["score"] >= best["score"] - (se if se == se else 0) - 1e-9]["k"].astype(int).tolist()
        out.append(f"**k = {k} clusters**, the smallest k whose score (the mean of the silhouette, "
                   f"{num(chosen.silhouette, 3)}, and the stability across seeds, ARI {num(chosen.stability_seeds_ari, 2)}, "
                   f"and across bootstrap resamples, ARI {num(chosen.stability_bootstrap_ari, 2)}) is within one "
                   f"standard error of the best, over k = {int(q.k.min())}–{int(q.k.max())}. "
                   + (f"k is weakly identified: {', '.join(map(str, near))} score within one standard error "
                      f"({num(se, 3)}) of the best (k = {int(best.k)})." if len(near) > 1 else
                      "No other k scores within one standard error of it."))
        edge = str(chosen.get("edge", "") or "")
        if edge == "upper":
            out.append(f"The last k tried ({int(q.k.max())}) scores within one standard error of the best: the "
                       "range, not the data, may have set k (raise `k_max` to see).")
        elif edge == "lower":
            out.append(f"k is the first of the range tried ({int(q.k.min())}): the range, not the data, may have "
                       "set it (lower `k_min` to see).")
    else:
        out.append(f"**k = {k} clusters**, fixed by the build's `n_clusters` (not chosen).")
    out.append(f"In the full TF-IDF space the same partition's silhouette is {num(chosen.silhouette_full, 3)}: "
               "the clusters are much less separated than the LSA space suggests; read them as groupings of "
               "related actions, not as natural kinds.")
    if clusters_table is not None and "stability" in clusters_table and clusters_table["stability"].notna().any():
        st = clusters_table["stability"].dropna()
        low = int((st < 0.5).sum())
        out.append(f"Per action, co-assignment stability (the Jaccard index of its cluster and its company in each "
                   f"seed and resample run) has a median of {num(st.median(), 2)}; "
                   f"{counted(low, 'action')} of {len(st)} keep less than half of their company across runs "
                   "(`stability` in clusters.csv).")
    if len(sensitivity) > 1:
        other = sensitivity[~sensitivity["is_build"].astype(bool)]
        out.append("With other LSA sizes the criterion chooses " + "; ".join(
            f"k = {int(r.k)} with {int(r.lsa_components)} dimensions ("
            + ("at the upper end of the range; " if str(getattr(r, "edge", "") or "") == "upper" else "")
            + f"ARI {num(r.ari_with_build, 2)} with the build's partition)" for r in other.itertuples()) + ".")
    n_plans = len({p for x in spread["plans"].astype(str) for p in x.split(";") if p}) if len(spread) else 0
    shared_all = spread[spread["shared_by_all"].astype(bool)]
    unique = spread[spread["unique_to"].fillna("").astype(str) != ""]
    span = ""
    lo, hi = chosen.get("shared_by_all_min", float("nan")), chosen.get("shared_by_all_max", float("nan"))
    if lo == lo and hi == hi:
        span = (f" (in the seed runs at k = {k}: {int(lo)}" + (f"–{int(hi)}" if hi != lo else "") + ")")
    whom = "the one plan" if n_plans == 1 else ("both plans" if n_plans == 2 else f"all {count_word(n_plans)} plans")
    out.append(f"{len(shared_all)} of the {counted(len(spread), 'cluster')} {agree(len(shared_all), 'holds', 'hold')} "
               f"actions of {whom} with actions{span}"
               + (f"; {'none' if not len(unique) else len(unique)} hold{'s' if len(unique) <= 1 else ''} actions "
                  "of one plan only"
                  + (": " + "; ".join(f"cluster {int(r.cluster)} ({r.label}) only {labels.get(r.unique_to, r.unique_to)}"
                                      for r in unique.itertuples()) if len(unique) else "") if n_plans > 1 else "")
               + ".")
    fam = documents["template_family"].fillna("").astype(str) if "template_family" in documents else None
    if fam is not None and (fam != "").any():
        out.append("Plans of one template family share most clusters by construction, so 'shared' clusters "
                   "partly count one template several times.")
    out.append("A cluster's label is its three most characteristic terms (class-based TF-IDF); what its actions "
               "are about is read from the actions themselves (listed below the chart), not from the label alone.")
    return bullets(out)


def keyness(key: pd.DataFrame, labels: dict[str, str], n: int = 5, alpha: float = 0.05,
            min_log_ratio: float = 1.0, min_count: int | None = None) -> str:
    """Each plan's key terms, with the ratio of relative frequencies a reader reads (not a raw count).

    Parameters
    ----------
    key : pandas.DataFrame
        ``keyness.csv``.
    labels : dict
        Plan labels.
    n : int
        Terms named per plan.
    alpha, min_log_ratio : float
        The build's ``keyness_alpha`` and ``keyness_min_log_ratio``, for the sentence that states the rule.
    min_count : int, optional
        The build's ``keyness_min_count``.

    Returns
    -------
    str
        Markdown bullets.
    """
    out = []
    for j, g in key.groupby("jurisdiction", sort=False):
        k = g[g["key"].astype(bool)].sort_values("rank")
        excl = ""
        if "reference_excludes" in g and g["reference_excludes"].fillna("").astype(str).ne("").any():
            fam = str(g["reference_excludes"].fillna("").astype(str).iloc[0]).split(";")
            excl = f" (its template family, {names(fam, labels)}, left out of its reference)"
        if k.empty:
            out.append(f"{labels.get(j, j)}{excl}: no term passes both the significance test and the effect-size "
                       "floor.")
            continue
        terms = []
        for r in k.head(n).itertuples():
            where = ("never used in the reference" if int(r.count_reference) == 0 else
                     f"{times(r.ratio if hasattr(r, 'ratio') else 2 ** r.log_ratio)} its rate in the reference")
            terms.append(f"{r.term} ({r.count_target} uses, {where}; G² {num(r.g2)})")
        out.append(f"{labels.get(j, j)}{excl}: {counted(len(k), 'key term')}"
                   + ("; the first: " if len(k) > 1 else ", ") + ", ".join(terms) + ".")
    rule = (f"A key term is over-represented with a Bonferroni-adjusted p < {alpha:g} (over the terms tested in "
            f"that plan) and used at least {2 ** min_log_ratio:g} times as often per token as in the other plans "
            f"(log ratio ≥ {min_log_ratio:g})")
    if min_count is not None:
        rule += f"; only terms a plan uses at least {min_count} times are tested"
    out.append(rule + ". A ratio for a term the reference never uses counts that zero as half a use. Place names "
               "with and without their level word are one term; a plan's template twin is not its reference.")
    return bullets(out)


# ------------------------------------------------------------------ alignment and reuse
def alignment_reuse(sim_pairs: pd.DataFrame, reuse: pd.DataFrame, summary: pd.DataFrame, passages: pd.DataFrame,
                    labels: dict[str, str], threshold: float, min_chars: int) -> str:
    """How close the plans come to each other, and what they share word for word.

    Parameters
    ----------
    sim_pairs : pandas.DataFrame
        :func:`analysis.compare.similarity_pairs` (``mean_best_similarity``, ``share_matched`` with its bounds).
    reuse : pandas.DataFrame
        :func:`analysis.compare.reuse_pairs` (verbatim shares with bootstrap bounds).
    summary : pandas.DataFrame
        ``reuse_summary.csv`` (``share_any`` per plan: 0 for a plan sharing no passage).
    passages : pandas.DataFrame
        ``reuse_passages.csv`` (its optional ``in_reference`` column names a reference document holding the
        passage).
    labels : dict of str to str
        Plan id -> name used in the sentences (an id without one is shown as itself).
    threshold : float
        The build's ``match_threshold`` (cosine similarity of a counterpart).
    min_chars : int
        The build's ``reuse_min_chars`` (shortest passage counted).

    Returns
    -------
    str
        Markdown bullets: the closest pair and its share of counterparts, the largest other share, the four
        largest verbatim shares, plans that share nothing, passages also in a reference; one bullet saying there
        is nothing to align when *sim_pairs* is empty.
    """
    out = []
    lab = lambda j: labels.get(j, j)  # noqa: E731
    if sim_pairs.empty:
        return bullets(["Fewer than two plans with actions: nothing to align."])
    best = sim_pairs.loc[sim_pairs["mean_best_similarity"].idxmax()]
    rest = sim_pairs[~(((sim_pairs["jurisdiction"] == best.jurisdiction) &
                        (sim_pairs["other_jurisdiction"] == best.other_jurisdiction)) |
                       ((sim_pairs["jurisdiction"] == best.other_jurisdiction) &
                        (sim_pairs["other_jurisdiction"] == best.jurisdiction)))]
    back = sim_pairs[(sim_pairs["jurisdiction"] == best.other_jurisdiction) &
                     (sim_pairs["other_jurisdiction"] == best.jurisdiction)]
    back_text = (f", and {lab(best.other_jurisdiction)} → {lab(best.jurisdiction)} "
                 f"{num(back.iloc[0].mean_best_similarity, 3)}" if len(back) else "")
    out.append(f"**Closest pair**: {lab(best.jurisdiction)} → {lab(best.other_jurisdiction)} "
               f"(mean best-match similarity {num(best.mean_best_similarity, 3)}{back_text}"
               + (f"; every other ordered pair {num(rest.mean_best_similarity.min(), 3)}–"
                  f"{num(rest.mean_best_similarity.max(), 3)}" if len(rest) else "") + "); "
               f"{pct(best.share_matched)} {ci(best.share_matched_lo, best.share_matched_hi)} of "
               f"{lab(best.jurisdiction)}'s actions have a best match of at least {threshold:g} there"
               + (f", {pct(back.iloc[0].share_matched)} {ci(back.iloc[0].share_matched_lo, back.iloc[0].share_matched_hi)}"
                  f" of {lab(best.other_jurisdiction)}'s in {lab(best.jurisdiction)}" if len(back) else "")
               + ". Similarity is directional: how well the second plan covers the first.")
    if len(rest):
        top = rest.loc[rest["share_matched"].idxmax()]
        out.append(f"Between any other two plans, at most {pct(top.share_matched)} "
                   f"{ci(top.share_matched_lo, top.share_matched_hi)} of a plan's actions reach that threshold "
                   f"({lab(top.jurisdiction)} → {lab(top.other_jurisdiction)}). The threshold "
                   f"{threshold:g} is a choice (`match_threshold`); the sensitivity notebook shows these shares at "
                   "other thresholds and the mutual best matches, which need none.")
    r = reuse[reuse["share"] > 0].sort_values("share", ascending=False)
    if len(r):
        out.append(f"**Verbatim reuse** (passages of at least {min_chars} characters): " + "; ".join(
            f"{pct(x.share)} {ci(x.share_lo, x.share_hi)} of {lab(x.jurisdiction)}'s operative text is found "
            f"in {lab(x.other_jurisdiction)}" for x in r.head(4).itertuples()) + ".")
    none = [j for j in summary["jurisdiction"] if float(summary.set_index("jurisdiction").loc[j, "share_any"]) == 0]
    if none:
        out.append(f"{names(none, labels)} share{'s' if len(none) == 1 else ''} no passage of {min_chars} characters "
                   "or more with any other plan. That does not make a plan independent: shorter shared phrases "
                   "(formulas of the national outline) appear at lower thresholds (sensitivity notebook), and "
                   "without the source documents in the corpus, copying from a common template and copying "
                   "between plans cannot be told apart.")
    if "in_reference" in passages and (passages["in_reference"].fillna("") != "").any():
        k = int((passages["in_reference"].fillna("") != "").sum())
        out.append(f"{counted(k, 'shared passage')} also {agree(k, 'occurs', 'occur')} in a reference document: "
                   "a common source, not necessarily "
                   "copying between the plans (`share_direct` leaves them out).")
    out.append("Shares carry bootstrap intervals over the plan's actions; spans repaired by an erratum are left "
               "out of every share.")
    return bullets(out)



# ------------------------------------------------------------------ sensitivity
def sensitivity(reuse: pd.DataFrame, counterparts: pd.DataFrame, choices: pd.DataFrame, lexicon: pd.DataFrame,
                labels: dict[str, str], group_labels: dict[str, str], min_chars: int, threshold: float) -> str:
    """How the headline numbers move with the analysis's choices.

    Parameters
    ----------
    reuse : pandas.DataFrame
        :func:`analysis.compare.sensitivity.reuse_threshold`.
    counterparts : pandas.DataFrame
        :func:`analysis.compare.sensitivity.counterpart_threshold`.
    choices : pandas.DataFrame
        ``cluster_sensitivity.csv`` (or :func:`analysis.compare.sensitivity.cluster_choices`): ``k`` and
        ``lsa_components`` per LSA size, optional ``edge``.
    lexicon : pandas.DataFrame
        :func:`analysis.compare.sensitivity.mention_lexicon`.
    labels, group_labels : dict of str to str
        Plan id -> name and group id -> name used in the sentences.
    min_chars : int
        The build's ``reuse_min_chars``.
    threshold : float
        The build's ``match_threshold``; the counterpart bullet reads the rows at this threshold.

    Returns
    -------
    str
        Markdown bullets, one per choice the tables allow a sentence on (reuse threshold, pairs sharing only
        short phrases, counterpart threshold, clusters, mention lexicon); empty when none does.
    """
    out = []
    lab = lambda j: labels.get(j, j)  # noqa: E731
    r = reuse[(reuse["punctuation"] == "counted")]
    top = r[r["min_chars"] == min_chars].sort_values("share", ascending=False).head(1)
    if len(top) and top["share"].iloc[0] > 0:
        a, b = top["jurisdiction"].iloc[0], top["other_jurisdiction"].iloc[0]
        s = r[(r["jurisdiction"] == a) & (r["other_jurisdiction"] == b)].sort_values("min_chars")
        ex = reuse[(reuse["punctuation"] == "excluded") & (reuse["jurisdiction"] == a) &
                   (reuse["other_jurisdiction"] == b) & (reuse["min_chars"] == min_chars)]["share"]
        out.append(f"**Reuse threshold.** The share of {labels.get(a, a)}'s text found in {labels.get(b, b)} is "
                   + ", ".join(f"{pct(x.share)} at {int(x.min_chars)} characters" for x in s.itertuples())
                   + (f"; without punctuation {pct(ex.iloc[0])} at {min_chars}" if len(ex) else "")
                   + " (point estimates; notebook 5 gives the interval at the build's threshold). The level "
                   "depends on the threshold; the ranking of pairs is what to read.")
    zero = r[r["min_chars"] == min_chars].groupby(["jurisdiction", "other_jurisdiction"])["share"].max()
    shortest = r[r["min_chars"] == r["min_chars"].min()].set_index(["jurisdiction", "other_jurisdiction"])["share"]
    appear = [k for k, v in zero.items() if v == 0 and shortest.get(k, 0) > 0]
    if appear:
        out.append(f"{counted(len(appear), 'ordered pair')} of plans {agree(len(appear), 'shares', 'share')} nothing "
                   f"at {min_chars} characters but {agree(len(appear), 'shares', 'share')} text at "
                   f"{int(r['min_chars'].min())}: set phrases and formulas of the genre (e.g. "
                   + ", ".join(f"{labels.get(a, a)}–{labels.get(b, b)}" for a, b in appear[:3]) + ").")
    c = counterparts[counterparts["threshold"] == threshold]
    if len(c):
        top = c.sort_values("share", ascending=False).iloc[0]
        out.append(f"**Counterpart threshold.** At {threshold:g}, the share of actions with a counterpart is highest for "
                   f"{lab(top.jurisdiction)} → {lab(top.other_jurisdiction)} ({pct(top.share)} "
                   f"{ci(top.share_lo, top.share_hi)}); "
                   "mutual best matches, which need no threshold, are listed beside it. The threshold is a choice: read "
                   "the shares across thresholds, not at one.")
    if len(choices):
        ks = ", ".join(f"{int(x.k)} ({int(x.lsa_components)} dims"
                       + (", at the upper end of the range" if str(getattr(x, "edge", "") or "") == "upper" else "")
                       + ")" for x in choices.itertuples())
        out.append(f"**Clusters.** The number of clusters chosen moves with the LSA size: {ks}. Cluster-level "
                   "findings hold for the build's partition; read them as one reasonable grouping.")
    if len(lexicon):
        d = lexicon.assign(diff=lexicon["per_10k_all"] - lexicon["per_10k_core"]).sort_values("diff",
                                                                                              ascending=False)
        x = d.iloc[0]
        if x["diff"] > 0:
            out.append(f"**Mention lexicon.** The common wordings (the codebook's `more_terms`) add most to "
                       f"{lab(x.jurisdiction)}'s mentions of {lower(group_labels.get(x.group, x.group))}: "
                       f"{num(x.per_10k_core)} {ci(x.per_10k_core_lo, x.per_10k_core_hi, percent=False)} per 10,000 "
                       f"characters with the outlines' terms only, {num(x.per_10k_all)} "
                       f"{ci(x.per_10k_all_lo, x.per_10k_all_hi, percent=False)} with the full lexicon.")
    return bullets(out)


__all__ = ["clusters", "keyness", "alignment_reuse", "sensitivity"]
