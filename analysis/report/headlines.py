"""The report's headlines: the README's findings block and its table of the corpus, computed from a loaded
build by the same functions as the notebooks."""
from __future__ import annotations

import pandas as pd

from analysis.report.per_plan import KIND_NAMES, leading_kinds, older_frameworks
from analysis.report.wording import (_num, _period, agree, bullets, ci, count_word, counted, lower, names, pct,
                                     plural)


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



__all__ = ["corpus_table", "headlines"]
