"""Sentences about each plan, and comparisons of plans on one measure: the corpus design, size and
measurability, target groups, departments, instruments and the validation.

Every function takes the tidy tables of :mod:`analysis.compare` and returns Markdown bullets (rules in
:mod:`analysis.report.findings`).
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.compare.intervals import differ, wilson
from analysis.report.wording import (_num, _period, agree, bullets, ci, count_word, counted, lower, names, num,
                                     pct, plural)


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




__all__ = ["corpus_design", "overview", "older_frameworks", "target_groups", "departments", "instruments",
           "validation_summary", "leading_kinds", "KIND_NAMES"]
