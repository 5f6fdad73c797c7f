"""The sentences of the report, written from the data so that a rebuild on another corpus cannot leave a
false sentence behind.

Every function takes the tidy tables of :mod:`analysis.compare` and returns Markdown bullets.  Rules
the sentences follow:

- every rate or share is printed with its 95% interval;
- "higher"/"lower" only where the intervals do not overlap
  (:func:`analysis.compare.intervals.differ`); otherwise the sentence says the
  data do not tell the plans apart;
- a finding that depends on a threshold names it;
- "every plan" means every plan that takes part in the comparison, and says how many that is;
- comparisons across plans of different genres or frameworks say so.

The notebooks display these with :func:`show`.
"""
from __future__ import annotations

import math
import re
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.compare.intervals import differ, wilson


# ------------------------------------------------------------------ formatting
def pct(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{100 * x:.{digits}f}%"


def ci(lo: float, hi: float, percent: bool = True, digits: int = 1) -> str:
    if lo != lo or hi != hi:
        return ""
    if percent:
        return f"[{100 * lo:.{digits}f}–{100 * hi:.{digits}f}%]"
    return f"[{lo:.{digits}f}–{hi:.{digits}f}]"


def num(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:.{digits}f}"


def names(ids: Iterable[str], labels: dict[str, str]) -> str:
    """``A, B and C`` from ids and their labels."""
    xs = [labels.get(i, i) for i in ids]
    if not xs:
        return "none"
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def count_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else str(n)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for *n* things: ``plural(1, "key term")`` -> ``key term``, ``plural(2, "key term")`` ->
    ``key terms`` (*plural_form* for an irregular plural)."""
    return singular if n == 1 else (plural_form if plural_form is not None else singular + "s")


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """``1 key term``, ``2 key terms``."""
    return f"{n} {plural(n, singular, plural_form)}"


def agree(n: int, singular: str, plural_form: str) -> str:
    """The verb for a subject of *n* things: ``agree(1, "holds", "hold")`` -> ``holds``."""
    return singular if n == 1 else plural_form


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {s}" for s in lines if s)


def show(markdown: str):
    """Display *markdown* in a notebook (returns an IPython Markdown object).

    The Markdown passes :func:`analysis.report.markup.sanitize_markdown` first: whatever a sentence
    interpolated from a manifest or a plan, no raw HTML, script, link or image reaches the page.
    """
    from IPython.display import Markdown

    from analysis.report.markup import sanitize_markdown

    return Markdown(sanitize_markdown(markdown))


# ------------------------------------------------------------------ corpus design
def parameters(params, names: Iterable[str]) -> str:
    """The values the build used for the parameters *names*: ``Parameters of this build: match_threshold = 0.35.``

    Notebooks show this instead of typing a threshold into their prose, so a
    build with other parameters (``--set``) is described truthfully.
    """
    def fmt(v):
        if isinstance(v, (tuple, list)):
            return ", ".join(map(str, v))
        return f"{v:g}" if isinstance(v, float) else str(v)

    return "Parameters of this build: " + "; ".join(f"`{n}` = {fmt(getattr(params, n))}" for n in names) + "."


def corpus_design(documents: pd.DataFrame, labels: dict[str, str]) -> str:
    """What kinds of document are compared: genres, frameworks, periods, template families."""
    d = documents[documents.get("role", pd.Series("plan", index=documents.index)).fillna("plan") != "reference"]
    n = len(d)
    out = [f"The corpus holds {count_word(n)} plan{'s' if n != 1 else ''}: "
           + "; ".join(f"{labels.get(r.jurisdiction, r.jurisdiction)} ({r.level}"
                       + (f", {r.genre}" if isinstance(r.genre, str) and r.genre else "")
                       + (_period(r.period_start, r.period_end) if _num(r.period_start) else "") + ")"
                       for r in d.itertuples()) + "."]
    fw = d["framework"].fillna("").astype(str)
    frameworks = [f for f in dict.fromkeys(fw) if f]
    if len(frameworks) > 1:
        groups = "; ".join(f"{f}: {names(d.loc[fw == f, 'jurisdiction'], labels)}" for f in frameworks)
        out.append(f"They implement {count_word(len(frameworks))} different frameworks ({groups}). A difference "
                   "between plans of different frameworks can be the framework's (which groups it names, which "
                   "tasks it sets), not the jurisdiction's choice.")
    elif not frameworks:
        out.append("The manifest states no framework for the plans; whether they implement the same outline is "
                   "not known to the analysis.")
    genres = [g for g in dict.fromkeys(d["genre"].fillna("").astype(str)) if g]
    if len(genres) > 1:
        out.append(f"They are of {count_word(len(genres))} genres ({', '.join(genres)}): a one-year work plan and a "
                   "multi-year implementation plan differ in length and detail by genre.")
    fam = d["template_family"].fillna("").astype(str) if "template_family" in d else pd.Series("", index=d.index)
    families = [f for f in dict.fromkeys(fam) if f]
    for f in families:
        members = f.split(";")
        out.append(f"{names(members, labels)} were written from one template (they share at least the "
                   f"`template_min_share` of their operative text verbatim): where they agree, that is one "
                   "template's choice counted twice.")
    if not families and n > 1:
        out.append("No two plans share enough verbatim text to count as one template family.")
    return bullets(out)


def _period(a, b) -> str:
    a, b = int(float(a)), int(float(b)) if _num(b) else int(float(a))
    return f", {a}" if a == b else f", {a}–{b}"


def lower(label: str) -> str:
    """A label for the middle of a sentence: ``The elderly`` -> ``the elderly``."""
    return label[:1].lower() + label[1:] if label[:2] != label[:2].upper() else label


def _num(x) -> bool:
    try:
        return not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ overview
def overview(ov: pd.DataFrame, measurable: pd.DataFrame, labels: dict[str, str]) -> str:
    """Size and measurability.  Plans without actions take no part in the size comparison (they are named
    as such): the shortest plan is the shortest of those with actions."""
    out = []
    with_actions = ov[ov["n_actions"].fillna(0).astype(int) > 0]
    empty = [j for j in ov["jurisdiction"] if j not in set(with_actions["jurisdiction"])]
    if len(with_actions) > 1:
        big = with_actions.loc[with_actions["operative_chars"].idxmax()]
        small = with_actions.loc[with_actions["operative_chars"].idxmin()]
        out.append(f"**Size.** {labels.get(big.jurisdiction, big.jurisdiction)}'s plan is the longest "
                   f"({counted(int(big.n_actions), 'action')}, {int(big.operative_chars):,} characters of operative "
                   f"text); {labels.get(small.jurisdiction, small.jurisdiction)}'s the shortest "
                   f"({counted(int(small.n_actions), 'action')}, {int(small.operative_chars):,} characters).")
    elif len(with_actions) == 1:
        one = with_actions.iloc[0]
        out.append(f"**Size.** {labels.get(one.jurisdiction, one.jurisdiction)}'s plan has "
                   f"{counted(int(one.n_actions), 'action')} and {int(one.operative_chars):,} characters of "
                   "operative text.")
    if empty:
        out.append(f"{names(empty, labels)} {agree(len(empty), 'has', 'have')} no actions and "
                   f"{agree(len(empty), 'is', 'are')} left out of the comparison of size.")
    m = measurable.dropna(subset=["share_measurable"])
    if len(m):
        parts = [f"{labels.get(r.jurisdiction, r.jurisdiction)} {int(r.n_measurable)} of {int(r.n_actions)} "
                 f"({pct(r.share_measurable)} {ci(r.share_lo, r.share_hi)})" for r in m.itertuples()]
        out.append("**Measurability** (actions with at least one quantified commitment): " + "; ".join(parts) + ".")
        out.append(_ranking_sentence(m, "share_measurable", "share_lo", "share_hi", labels,
                                     "measurable actions"))
    return bullets(out)


def _ranking_sentence(df: pd.DataFrame, value: str, lo: str, hi: str, labels: dict[str, str], what: str,
                      fmt=pct) -> str:
    """Which plans' intervals lie above or below others'; or that the data do not separate them."""
    rows = list(df.itertuples())
    pairs = []
    for a in rows:
        for b in rows:
            if a is not b and differ(getattr(a, lo), getattr(a, hi), getattr(b, lo), getattr(b, hi)) > 0:
                pairs.append((a.jurisdiction, b.jurisdiction))
    if not pairs:
        return (f"The 95% intervals of the share of {what} overlap for every pair of plans: the data do not show "
                "that any plan has more than another.")
    by = {}
    for a, b in pairs:
        by.setdefault(a, []).append(b)
    text = "; ".join(f"{labels.get(a, a)} has a higher share of {what} than {names(bs, labels)}"
                     for a, bs in by.items())
    return f"Where the 95% intervals do not overlap: {text}. For every other pair the data do not tell the plans apart."


# ------------------------------------------------------------------ target groups
def _framework_year(framework) -> int | None:
    """The earliest year a framework's name holds (``…纲要（2006—2010—2020年）`` -> 2006); None without one."""
    if not isinstance(framework, str):
        return None
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", framework)]
    return min(years) if years else None


def older_frameworks(without: list[str], with_line: list[str], documents: pd.DataFrame | None) -> list[str]:
    """The frameworks (``documents.csv`` column ``framework``) of the plans *without* a group's line, when
    every one of them is older than the framework of every plan *with* a line; else ``[]``.

    A framework's age is the earliest year its name holds (the manifest names the national outline a plan
    implements, e.g. ``全民科学素质行动计划纲要（2006—2010—2020年）``).  Nothing is said when a plan's framework is
    not stated or carries no year, or when a plan with a line implements one of the same frameworks.
    """
    if documents is None or "framework" not in documents or not without or not with_line:
        return []
    fw = dict(zip(documents["jurisdiction"], documents["framework"]))
    years = {j: _framework_year(fw.get(j)) for j in list(without) + list(with_line)}
    if any(y is None for y in years.values()):
        return []
    if max(years[j] for j in without) >= min(years[j] for j in with_line):
        return []
    return list(dict.fromkeys(str(fw[j]) for j in without))


def target_groups(coverage: pd.DataFrame, plan_labels: dict[str, str], group_labels: dict[str, str],
                  documents: pd.DataFrame | None = None) -> str:
    """Which groups have a line in which plans, how much text they get, and how often they are named.

    With *documents* (``documents.csv``), a group whose line is missing only from plans that implement an
    older framework than every plan with a line says so (:func:`older_frameworks`): the gap may be the
    framework's rather than the jurisdiction's choice.
    """
    plans = list(dict.fromkeys(coverage["jurisdiction"]))
    order = list(dict.fromkeys(coverage["group"]))
    gl = {g: lower(group_labels.get(g, g)) for g in order}
    n = len(plans)
    out = []
    has = coverage.pivot(index="group", columns="jurisdiction", values="has_line").reindex(index=order, columns=plans)
    has = has.astype(object).where(has.notna(), False).astype(bool)  # a missing row is no line
    all_groups = [g for g in has.index if bool(has.loc[g].all())]
    if all_groups:
        out.append("**Lines in every plan.** " + (f"All {count_word(n)} plans have" if n != 1 else "The one plan has")
                   + f" a line of actions for {names(all_groups, gl)}.")
    for g in has.index:
        if g in all_groups:
            continue
        with_line = [j for j in plans if bool(has.loc[g, j])]
        without = [j for j in plans if not bool(has.loc[g, j])]
        men = coverage[(coverage["group"] == g)].set_index("jurisdiction")["mentions"]
        silent = [j for j in without if men.get(j, 0) == 0]
        head = gl[g][:1].upper() + gl[g][1:]
        if with_line:
            s = (f"**{head}**: a line in {names(with_line, plan_labels)} "
                 f"({len(with_line)} of {n}); none in {names(without, plan_labels)}")
        else:
            s = f"**{head}**: no plan has a line for them"
        if silent:
            s += f", and {names(silent, plan_labels)} never name{'s' if len(silent) == 1 else ''} them"
        older = older_frameworks(without, with_line, documents)
        if older:
            s += (f". {names(without, plan_labels)} {agree(len(without), 'implements', 'implement')} "
                  f"{'an older framework' if len(older) == 1 else 'older frameworks'} ({'; '.join(older)}) than "
                  "the plans with a line: the gap may be the framework's, not only "
                  + ("the plan's" if len(without) == 1 else "the plans'") + " choice")
        out.append(s + ".")
    # concentrated rates: a high rate from one long dedicated action
    c = coverage[coverage["has_line"].astype(bool) & (coverage["mentions"] > 0)]
    for r in c.itertuples():
        if r.dedicated_actions == 1 and r.mentions >= 10 and r.mentions_in_line / r.mentions >= 0.9:
            out.append(f"{plan_labels.get(r.jurisdiction, r.jurisdiction)} names {gl[r.group]} "
                       f"{num(r.mentions_per_10k)} times per 10,000 characters "
                       f"{ci(r.mentions_per_10k_lo, r.mentions_per_10k_hi, percent=False)}, but "
                       f"{int(r.mentions_in_line)} of its {int(r.mentions)} mentions are inside the group's single "
                       "dedicated action: the rate reflects one long action, not attention across the plan.")
    # the highest rate per group, and whether it is distinguishable from the next
    for g in order:
        gdf = coverage[coverage["group"] == g].sort_values("mentions_per_10k", ascending=False)
        if len(gdf) < 2 or gdf["mentions"].iloc[0] == 0:
            continue
        a, b = gdf.iloc[0], gdf.iloc[1]
        if (gdf["mentions"].iloc[1:] == 0).all():
            out.append(f"Only {plan_labels.get(a.jurisdiction, a.jurisdiction)} names {gl[g]} at all "
                       f"({int(a.mentions)} mention{'s' if a.mentions != 1 else ''}).")
            continue
        d = differ(a.mentions_per_10k_lo, a.mentions_per_10k_hi, b.mentions_per_10k_lo, b.mentions_per_10k_hi)
        rate = (f"{plan_labels.get(a.jurisdiction, a.jurisdiction)} names {gl[g]} most often "
                f"({num(a.mentions_per_10k)} per 10,000 characters "
                f"{ci(a.mentions_per_10k_lo, a.mentions_per_10k_hi, percent=False)})")
        if d > 0:
            out.append(rate + f", more than any other plan (next: {plan_labels.get(b.jurisdiction, b.jurisdiction)}, "
                              f"{num(b.mentions_per_10k)} {ci(b.mentions_per_10k_lo, b.mentions_per_10k_hi, False)}).")
        else:
            out.append(rate + f"; its interval overlaps {plan_labels.get(b.jurisdiction, b.jurisdiction)}'s "
                              f"({num(b.mentions_per_10k)} {ci(b.mentions_per_10k_lo, b.mentions_per_10k_hi, False)}), "
                              "so the data do not rank them.")
    out.append("Rates count the group's terms in the operative text (exact Poisson intervals, which understate the "
               "uncertainty because mentions cluster); text shares carry bootstrap intervals over the plan's actions.")
    return bullets(out)


# ------------------------------------------------------------------ departments
def departments(summary: pd.DataFrame, workload: pd.DataFrame, networks: pd.DataFrame, assignments: pd.DataFrame,
                actions: pd.DataFrame, labels: dict[str, str], category_labels: dict[str, str]) -> str:
    """Who carries the plans, how concentrated, and what the format of the lists does to the numbers."""
    out = []
    s = summary.set_index("jurisdiction")
    assigned = [j for j in s.index if bool(s.loc[j, "assigned"])]
    not_assigned = [j for j in s.index if not bool(s.loc[j, "assigned"])]
    if not_assigned:
        out.append(f"{names(not_assigned, labels)} give{'s' if len(not_assigned) == 1 else ''} no list of departments "
                   "per action (a plan may still name departments in its text): *not assigned*, shown as missing, "
                   "never as zero.")
    hubs = networks[networks["assigned"].astype(bool)].set_index("jurisdiction")["hub"]
    common = [h for h in dict.fromkeys(hubs) if (hubs == h).all()]
    if len(hubs) and common:
        out.append(f"**{category_labels.get(common[0], common[0])} is the hub of every assigned plan's network** "
                   f"({len(hubs)} of {len(hubs)}): the category most often named with others.")
    elif len(hubs):
        out.append("**Hubs** (most often named with others): " + "; ".join(
            f"{labels.get(j, j)}: {category_labels.get(h, h)}" for j, h in hubs.items()) + ".")
    for j in assigned:
        r = s.loc[j]
        out.append(f"{labels.get(j, j)}: {int(r.n_assigned)} of {counted(int(r.n_actions), 'action')} "
                   f"{agree(int(r.n_assigned), 'names', 'name')} departments; the "
                   f"science and technology association (科协) carries {pct(r.cast_load_share)} "
                   f"{ci(r.cast_load_share_lo, r.cast_load_share_hi)} of the weighted load and is named on "
                   f"{pct(r.cast_action_share)} {ci(r.cast_action_share_lo, r.cast_action_share_hi)} of the assigned "
                   f"actions; concentration (HHI) {num(r.hhi, 3)} {ci(r.hhi_lo, r.hhi_hi, percent=False, digits=3)}.")
    # format: lists copied to every measure
    per_action = assignments[~assignments["collective"].astype(bool)].groupby("action_id").size()
    for j in assigned:
        ids = actions.loc[(actions["jurisdiction"] == j) & (actions["kind"] == "action"), "action_id"]
        med = float(per_action.reindex(ids).dropna().median()) if len(ids) else float("nan")
        src = assignments.loc[assignments["jurisdiction"] == j, "source"]
        if med >= 10:
            shared = " from a division of work shared by a task's measures" if (src == "division_block").any() else ""
            out.append(f"{labels.get(j, j)}'s actions carry a median of {med:.0f} departments each{shared}: its "
                       "low concentration reflects that format (everyone named on everything), not a division of "
                       "labour; compare it with the weighted load, and not with other plans' action counts.")
    few = [j for j in assigned if s.loc[j, "n_assigned"] < 0.5 * s.loc[j, "n_actions"]]
    for j in few:
        out.append(f"{labels.get(j, j)}'s department figures rest on {int(s.loc[j, 'n_assigned'])} of its "
                   f"{counted(int(s.loc[j, 'n_actions']), 'action')} (the others go to collective units only).")
    out.append("Weighted load counts an action shared by k departments as 1/k to each, lead and cooperating "
               "alike; intervals are bootstrap intervals over the plan's assigned actions (Wilson for shares of "
               "actions).")
    return bullets(out)


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


# ------------------------------------------------------------------ instruments
def instruments(kinds: pd.DataFrame, composition: pd.DataFrame, codes: pd.DataFrame, labels: dict[str, str],
                kind_labels: dict[str, str], code_labels: dict[str, str]) -> str:
    """The instrument mix per plan."""
    out = []
    plans = list(dict.fromkeys(composition["jurisdiction"]))
    for j in plans:
        rows = composition[composition["jurisdiction"] == j]
        if rows["n_total"].iloc[0] == 0:
            out.append(f"{labels.get(j, j)}: no instrument coded.")
            continue
        out.append(f"{labels.get(j, j)}: " + ", ".join(
            f"{lower(kind_labels.get(x.kind, x.kind))} {pct(x.share)} {ci(x.share_lo, x.share_hi)}"
            for x in rows.itertuples()) + f" of its instrument codes ({int(rows['n_total'].iloc[0])} action × "
            f"instrument {plural(int(rows['n_total'].iloc[0]), 'pair')}; bootstrap intervals over its actions).")
    for k, g in kinds.groupby("kind", sort=False):
        out.append(_ranking_sentence(g, "share", "share_lo", "share_hi", labels,
                                     f"actions using {kind_labels.get(k, k).lower()} instruments"))
    pooled = codes.groupby("code", sort=False)[["n_using", "n_actions"]].sum()
    pooled["share"] = pooled["n_using"] / pooled["n_actions"]
    pooled = pooled.sort_values("share", ascending=False, kind="mergesort")
    n_all = int(pooled["n_actions"].iloc[0]) if len(pooled) else 0
    n_top = len(pooled.head(3))
    out.append(f"Across all {n_all} actions and safeguards of the plans, the most used "
               f"{agree(n_top, 'instrument is', 'instruments are')} " + ", ".join(
        f"{lower(code_labels.get(c, c))} ({pct(x.share)} {ci(*wilson(int(x.n_using), int(x.n_actions)))})"
        for c, x in pooled.head(3).iterrows()) + ".")
    out.append("Instruments are coded by rules (cues in the codebook) whose agreement with two hand coders is "
               "reported per code in the validation notebook; read codes with a low F1 there with care.")
    return bullets(out)


def validation_summary(seg: pd.DataFrame, fields: pd.DataFrame, instr: pd.DataFrame) -> str:
    """What the validation shows."""
    s = seg.set_index("label")
    f = fields.set_index("field")
    i = instr.set_index("code")
    out = [f"**Segmentation** ({counted(int(s.loc['all', 'n_lines']), 'line')}): the two coders' alpha is "
           f"{num(s.loc['all', 'alpha_coders'], 3)}; the package agrees with the adjudicated coding on "
           f"{pct(s.loc['all', 'package_agreement'])} of lines.",
           f"**Fields** ({counted(int(f.loc['group', 'n_units']), 'sampled action')}): target group alpha "
           f"{num(f.loc['group', 'alpha_coders'], 3)} between coders, package agreement "
           f"{pct(f.loc['group', 'package_agreement'])}; departments precision {pct(f.loc['departments', 'precision'])},"
           f" recall {pct(f.loc['departments', 'recall'])}; commitments precision "
           f"{pct(f.loc['commitments', 'precision'])}, recall {pct(f.loc['commitments', 'recall'])} "
           f"({counted(int(f.loc['commitments', 'n_units']), 'commitment')} in the sample).",
           f"**Instruments** (held-out part, {counted(int(i.loc['all', 'n_actions']), 'action')}): coders' alpha "
           f"{num(i.loc['all', 'alpha_coders'], 2)}; package precision {pct(i.loc['all', 'precision'])}, recall "
           f"{pct(i.loc['all', 'recall'])}, F1 {num(i.loc['all', 'f1'], 2)}. Weakest codes: " + ", ".join(
               f"{c} (F1 {num(r.f1, 2)})" for c, r in i[i['kind'].isin(['supply', 'environment', 'demand'])]
               .sort_values('f1').head(3).iterrows()) + ".",
           "The coders applied the project's written rules, which are also the package's: agreement on "
           "segmentation and on the structural target group measures how clearly the rules are written and how "
           "faithfully the package applies them, not whether the rules capture what a plan means."]
    return bullets(out)


# ------------------------------------------------------------------ headlines
def corpus_table(r) -> str:
    """The plans of a loaded build *r* as a Markdown table (id, jurisdiction, level, genre, period, issued,
    actions), in manifest order."""
    d = r["documents"]
    rows = ["| plan | jurisdiction | level | genre | period | issued | actions |", "|---|---|---|---|---|---|---|"]
    for x in d.itertuples():
        if getattr(x, "role", "plan") == "reference":
            continue
        period = _period(x.period_start, x.period_end).strip(", ") if _num(x.period_start) else ""
        issued = str(x.issued)[:10] if isinstance(x.issued, str) else ""
        genre = x.genre if isinstance(x.genre, str) else ""
        rows.append(f"| `{x.jurisdiction}` | {x.name_zh} ({x.name_en}) | {x.level} | {genre} | {period} | {issued} "
                    f"| {int(x.n_actions)} |")
    return "\n".join(rows) + "\n"


def headlines(r) -> str:
    """The report's main findings in a few bullets (the README's *Findings*), from a loaded build *r*
    (:func:`analysis.report.load`), computed by the same functions as the notebooks."""
    from analysis import compare

    labels = r.labels
    docs, actions = r["documents"], r["actions"]
    plans = r.plans_with_actions
    out = []
    acts = actions[actions["kind"] == "action"]
    years = sorted({int(float(y)) for y in docs["period_start"] if _num(y)} |
                   {int(float(y)) for y in docs["period_end"] if _num(y)})
    span = f", plan periods within {years[0]}–{years[-1]}" if len(years) > 1 else ""
    out.append(f"**Corpus.** {count_word(len(r.plans)).capitalize()} plan{'s' if len(r.plans) != 1 else ''} "
               f"({', '.join(dict.fromkeys(docs.loc[docs['jurisdiction'].isin(r.plans), 'level']))}){span}; "
               f"{counted(len(acts), 'action')} and {counted(int((actions['kind'] == 'safeguard').sum()), 'safeguard')}"
               ", each with the offsets of its text.")
    if not plans:
        return bullets(out + ["No plan has actions: there is nothing to compare."])
    cov = compare.group_coverage(actions, r["group_mentions"])
    gl = {g: lower(r.group_labels.get(g, g)) for g in cov["group"].unique()}
    has = cov.pivot(index="group", columns="jurisdiction", values="has_line").reindex(
        index=list(dict.fromkeys(cov["group"])), columns=plans).fillna(False).astype(bool)
    n_line = has.sum(axis=1)
    every = [g for g in has.index if n_line[g] == len(plans)]
    some = [(gl[g], int(n_line[g]), _older_note(g, has, docs)) for g in has.index if 0 < n_line[g] < len(plans)]
    none = [g for g in has.index if n_line[g] == 0]
    parts = []
    if every:
        parts.append(f"every plan has a line of actions for {names(every, gl)}")
    if some:
        parts.append(f"{some[0][0]} have a line in {some[0][1]} of the {count_word(len(plans))} plans{some[0][2]}"
                     + "".join(f", {g} in {k}{note}" for g, k, note in some[1:]))
    if none:
        parts.append(f"none for {names(none, gl)}")
    out.append("**Target groups.** " + "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + ".")
    m = compare.measurability(actions, r["targets"]).dropna(subset=["share_measurable"])
    if len(m) == 1:
        x = m.iloc[0]
        out.append(f"**Measurability.** {pct(x.share_measurable)} {ci(x.share_lo, x.share_hi)} of "
                   f"{labels.get(x.jurisdiction, x.jurisdiction)}'s actions carry a quantified commitment (a number "
                   "with a unit).")
    elif len(m):
        lo, hi = m.loc[m["share_measurable"].idxmin()], m.loc[m["share_measurable"].idxmax()]
        out.append(f"**Measurability.** Between {pct(lo.share_measurable)} {ci(lo.share_lo, lo.share_hi)} "
                   f"({labels.get(lo.jurisdiction, lo.jurisdiction)}) and {pct(hi.share_measurable)} "
                   f"{ci(hi.share_lo, hi.share_hi)} ({labels.get(hi.jurisdiction, hi.jurisdiction)}) of a plan's "
                   "actions carry a quantified commitment (a number with a unit).")
    summ = compare.department_summary(actions, r["assignments"])
    summ = summ[summ["assigned"].astype(bool)].dropna(subset=["cast_load_share"])
    if len(summ):
        lo, hi = summ.loc[summ["cast_load_share"].idxmin()], summ.loc[summ["cast_load_share"].idxmax()]
        not_assigned = len(plans) - len(summ)
        share = (f"between {pct(lo.cast_load_share)} {ci(lo.cast_load_share_lo, lo.cast_load_share_hi)} "
                 f"({labels.get(lo.jurisdiction, lo.jurisdiction)}) and {pct(hi.cast_load_share)} "
                 f"{ci(hi.cast_load_share_lo, hi.cast_load_share_hi)} "
                 f"({labels.get(hi.jurisdiction, hi.jurisdiction)})") if len(summ) > 1 else \
            (f"{pct(lo.cast_load_share)} {ci(lo.cast_load_share_lo, lo.cast_load_share_hi)} "
             f"({labels.get(lo.jurisdiction, lo.jurisdiction)})")
        out.append(f"**Departments.** In the {count_word(len(summ))} {plural(len(summ), 'plan')} that "
                   f"{agree(len(summ), 'assigns', 'assign')} "
                   f"departments to actions, the science and technology association (科协) carries {share} of the "
                   "weighted workload"
                   + (f"; {count_word(not_assigned)} plan{'s name' if not_assigned != 1 else ' names'} no "
                      "departments per action" if not_assigned else "") + ".")
    if r.crossplan and r.has("reuse_matrix"):
        p = r.params
        reuse = compare.reuse_pairs(r["reuse_matrix"], r["reuse_passages"], actions, plans)
        reuse = reuse[reuse["share"] > 0].sort_values("share", ascending=False)
        fam = [f for f in dict.fromkeys(docs.get("template_family", pd.Series(dtype=str)).fillna("").astype(str))
               if f]
        if len(reuse):
            x = reuse.iloc[0]
            s = (f"**Reuse.** The largest verbatim overlap: {pct(x.share)} {ci(x.share_lo, x.share_hi)} of "
                 f"{labels.get(x.jurisdiction, x.jurisdiction)}'s operative text recurs in "
                 f"{labels.get(x.other_jurisdiction, x.other_jurisdiction)} (passages of at least "
                 f"{p.reuse_min_chars} characters)")
            s += ("; " + "; ".join(f"{names(f.split(';'), labels)} form a template family" for f in fam)) if fam \
                else "; no two plans share enough to form a template family"
            out.append(s + ".")
        else:
            out.append(f"**Reuse.** No two plans share a passage of {p.reuse_min_chars} characters or more.")
    if r.has("instruments"):
        comp = compare.instrument_composition(actions, r["instruments"]).dropna(subset=["share"])
        if len(comp):
            out.append(_instrument_headline(comp, len(plans)))
    return bullets(out)


def _older_note(group: str, has: pd.DataFrame, documents: pd.DataFrame) -> str:
    """`` (the other two implement an older framework than the rest, …)`` for the headline on target groups
    (:func:`older_frameworks`), or ``""``."""
    without = [j for j in has.columns if not bool(has.loc[group, j])]
    with_line = [j for j in has.columns if bool(has.loc[group, j])]
    older = older_frameworks(without, with_line, documents)
    if not older:
        return ""
    return (f" (the other {count_word(len(without))} {agree(len(without), 'implements', 'implement')} "
            f"{'an older framework' if len(older) == 1 else 'older frameworks'} than the rest, {'; '.join(older)})")


KIND_NAMES = {"supply": "supply-side", "environment": "environment-side", "demand": "demand-side"}


def leading_kinds(composition: pd.DataFrame) -> dict[str, str | None]:
    """``{plan: kind}``: the kind of instrument with the largest share of the plan's action × instrument codes
    (:func:`analysis.compare.instrument_composition`), where its 95% interval lies above the interval of the
    next kind; ``None`` where the two overlap (or are undefined): the data do not say which kind leads."""
    out: dict[str, str | None] = {}
    for j, g in composition.dropna(subset=["share"]).groupby("jurisdiction", sort=False):
        g = g.sort_values("share", ascending=False, kind="mergesort")
        top = g.iloc[0]
        if len(g) == 1:
            out[j] = top["kind"]
            continue
        nxt = g.iloc[1]
        out[j] = top["kind"] if differ(top["share_lo"], top["share_hi"], nxt["share_lo"], nxt["share_hi"]) > 0 \
            else None
    return out


def _instrument_headline(composition: pd.DataFrame, n_plans: int | None = None) -> str:
    """The README's sentence on the kind of instrument plans use most: a plan counts for a kind only where
    that kind's interval clears the next kind's (:func:`leading_kinds`).  *n_plans*: the plans with actions
    (when more than have instrument codes, the sentence says it counts those with codes)."""
    lead = leading_kinds(composition)
    n = len(lead)
    coded = " with instrument codes" if n_plans is not None and n_plans > n else ""
    clear = [k for k in lead.values() if k]
    order = list(dict.fromkeys(composition["kind"]))
    counts = sorted(((k, clear.count(k)) for k in dict.fromkeys(clear)),
                    key=lambda kc: (-kc[1], order.index(kc[0]) if kc[0] in order else len(order)))
    note = " (rule-based coding; its agreement with hand coders is in notebook 8)."
    if not clear:
        where = f"in each of the {count_word(n)} plans{coded}" if n != 1 else f"in the one plan{coded}"
        return ("**Instruments.** No plan clearly favours one kind of policy instrument: " + where + " the 95% "
                "interval of the most used kind's share of its action × instrument codes overlaps the next "
                "kind's" + note)
    rest = n - len(clear)
    return ("**Instruments.** The kind of policy instrument a plan uses most (share of its action × instrument "
            "codes), counted where its 95% interval lies above the next kind's: "
            + ", ".join(f"{KIND_NAMES.get(k, k)} in {c} of {n} {plural(n, 'plan')}{coded}" for k, c in counts)
            + (f"; in the other {count_word(rest)} no kind clearly leads (the intervals of the two most used "
               "kinds overlap)" if rest else "") + note)


# ------------------------------------------------------------------ tables with intervals
def interval_table(df: pd.DataFrame, value: str, lo: str, hi: str, index: str = "jurisdiction",
                   columns: str = "group", percent: bool = True, digits: int = 1,
                   index_labels: dict | None = None, column_labels: dict | None = None,
                   column_order: list | None = None) -> pd.DataFrame:
    """A matrix of ``value [lo–hi]`` strings (``–`` where the value is missing) for display."""
    cells = df.assign(_cell=[("–" if v != v else (pct(v, digits) if percent else num(v, digits)) + " "
                              + ci(a, b, percent, digits)).strip()
                             for v, a, b in zip(df[value], df[lo], df[hi])])
    m = cells.pivot(index=index, columns=columns, values="_cell")
    rows = list(dict.fromkeys(df[index]))
    cols = column_order if column_order is not None else list(dict.fromkeys(df[columns]))
    m = m.reindex(index=rows, columns=cols)
    if index_labels:
        m = m.rename(index=index_labels)
    if column_labels:
        m = m.rename(columns=column_labels)
    m.index.name, m.columns.name = index, columns
    return m.fillna("–")


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


__all__ = ["pct", "ci", "num", "names", "lower", "bullets", "show", "interval_table", "sensitivity", "parameters",
           "headlines", "corpus_table",
           "corpus_design",
           "overview", "target_groups",
           "departments", "clusters", "keyness", "alignment_reuse", "instruments", "validation_summary",
           "plural", "counted", "agree", "count_word", "older_frameworks", "leading_kinds"]
