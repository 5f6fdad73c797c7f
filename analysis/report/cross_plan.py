"""Sentences across plans: clusters, keyness, alignment and reuse, and the sensitivity of these to the
analysis's choices (rules in :mod:`analysis.report.findings`)."""
from __future__ import annotations

import pandas as pd

from analysis.report.wording import agree, bullets, ci, count_word, counted, lower, names, num, pct


# ------------------------------------------------------------------ clusters
def clusters(quality: pd.DataFrame, spread: pd.DataFrame, sensitivity: pd.DataFrame, documents: pd.DataFrame,
             labels: dict[str, str]) -> str:
    """How the clusters were chosen, how firm they are, and what they show."""
    out = []
    q = quality.copy()
    if q.empty:
        return bullets(["No clusters: fewer than two plans with actions."])
    chosen = q[q["chosen"].astype(bool)].iloc[0]
    near = q[(q["score"] >= chosen["score"] - 0.02)]["k"].astype(int).tolist()
    out.append(f"**k = {int(chosen.k)} clusters**, chosen by the mean of silhouette ({num(chosen.silhouette, 3)}), "
               f"stability across seeds (ARI {num(chosen.stability_seeds_ari, 2)}) and across bootstrap resamples "
               f"(ARI {num(chosen.stability_bootstrap_ari, 2)}) over k = {int(q.k.min())}–{int(q.k.max())}. "
               + (f"k is weakly identified: {', '.join(map(str, near))} score within 0.02 of the best."
                  if len(near) > 1 else "No other k scores within 0.02."))
    out.append(f"In the full TF-IDF space the same partition's silhouette is {num(chosen.silhouette_full, 3)}: "
               "the clusters are much less separated than the LSA space suggests; read them as groupings of "
               "related actions, not as natural kinds.")
    if len(sensitivity) > 1:
        other = sensitivity[~sensitivity["is_build"].astype(bool)]
        out.append("With other LSA sizes the criterion chooses " + "; ".join(
            f"k = {int(r.k)} with {int(r.lsa_components)} dimensions (ARI {num(r.ari_with_build, 2)} with the "
            "build's partition)" for r in other.itertuples()) + ".")
    n_plans = len(set(documents.loc[documents["n_actions"].astype(float) > 0, "jurisdiction"])) if len(documents) \
        else 0
    shared_all = spread[spread["shared_by_all"].astype(bool)]
    unique = spread[spread["unique_to"].fillna("").astype(str) != ""]
    out.append(f"{len(shared_all)} of the {counted(len(spread), 'cluster')} {agree(len(shared_all), 'holds', 'hold')} "
               f"actions of {'both' if n_plans == 2 else 'all ' + count_word(n_plans)} plans with "
               f"actions; {'none' if not len(unique) else len(unique)} hold{'s' if len(unique) <= 1 else ''} actions "
               "of one plan only"
               + (": " + "; ".join(f"cluster {int(r.cluster)} ({r.label}) only {labels.get(r.unique_to, r.unique_to)}"
                                   for r in unique.itertuples()) if len(unique) else "") + ".")
    fam = documents["template_family"].fillna("").astype(str) if "template_family" in documents else None
    if fam is not None and (fam != "").any():
        out.append("Plans of one template family share most clusters by construction, so 'shared' clusters "
                   "partly count one template several times.")
    out.append("A cluster's label is its three most characteristic terms (class-based TF-IDF); what its actions "
               "are about is read from the actions themselves (listed below the chart), not from the label alone.")
    return bullets(out)


def keyness(key: pd.DataFrame, labels: dict[str, str], n: int = 5, alpha: float = 0.05,
            min_log_ratio: float = 1.0) -> str:
    """Each plan's key terms; *alpha* and *min_log_ratio*: the build's ``keyness_alpha`` and
    ``keyness_min_log_ratio``, for the sentence that states the rule."""
    out = []
    for j, g in key.groupby("jurisdiction", sort=False):
        k = g[g["key"].astype(bool)].sort_values("rank")
        if k.empty:
            out.append(f"{labels.get(j, j)}: no term passes both the significance test and the effect-size floor.")
        else:
            out.append(f"{labels.get(j, j)}: {counted(len(k), 'key term')}"
                       + ("; the first: " if len(k) > 1 else ", ") + ", ".join(
                f"{r.term} (G² {num(r.g2)}, {r.count_target}×)" for r in k.head(n).itertuples()) + ".")
    out.append(f"A key term is over-represented with a Bonferroni-adjusted p < {alpha:g} (over the terms tested in "
               f"that plan) and a log ratio of at least {min_log_ratio:g} ({2 ** min_log_ratio:g} times as frequent as "
               "in the other plans); place names with and without their level word are one term.")
    return bullets(out)


# ------------------------------------------------------------------ alignment and reuse
def alignment_reuse(sim_pairs: pd.DataFrame, reuse: pd.DataFrame, summary: pd.DataFrame, passages: pd.DataFrame,
                    labels: dict[str, str], threshold: float, min_chars: int) -> str:
    """How close the plans come to each other, and what they share word for word."""
    out = []
    lab = lambda j: labels.get(j, j)  # noqa: E731
    if sim_pairs.empty:
        return bullets(["Fewer than two plans with actions: nothing to align."])
    best = sim_pairs.loc[sim_pairs["mean_best_similarity"].idxmax()]
    rest = sim_pairs[~(((sim_pairs["jurisdiction"] == best.jurisdiction) &
                        (sim_pairs["other_jurisdiction"] == best.other_jurisdiction)) |
                       ((sim_pairs["jurisdiction"] == best.other_jurisdiction) &
                        (sim_pairs["other_jurisdiction"] == best.jurisdiction)))]
    out.append(f"**Closest pair**: {lab(best.jurisdiction)} → {lab(best.other_jurisdiction)} "
               f"(mean best-match similarity {num(best.mean_best_similarity, 3)}"
               + (f"; every other ordered pair {num(rest.mean_best_similarity.min(), 3)}–"
                  f"{num(rest.mean_best_similarity.max(), 3)}" if len(rest) else "") + "); "
               f"{pct(best.share_matched)} {ci(best.share_matched_lo, best.share_matched_hi)} of "
               f"{lab(best.jurisdiction)}'s actions have a best match of at least {threshold:g} there.")
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
    """How the headline numbers move with the analysis's choices."""
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
        ks = ", ".join(f"{int(x.k)} ({int(x.lsa_components)} dims)" for x in choices.itertuples())
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
