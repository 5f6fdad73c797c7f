"""The report's headlines: the README's findings block and its table of the corpus, computed from a loaded
build by the same functions as the notebooks.

Each headline is one bullet written by one function from the tables, with the rules of
:mod:`analysis.report.findings`: intervals at the independent unit, "higher"/"lower" only from tests, load
findings robust only under every weighting rule, and every sentence right for one, two or many plans.
"""
from __future__ import annotations

import contextlib

import pandas as pd

from analysis import compare
from analysis.compare.workload import DEFAULT_WEIGHTING, WEIGHTING_NAMES
from analysis.report.instruments import KIND_NAMES, leading_kinds
from analysis.report.per_plan import older_frameworks
from analysis.report.wording import (_num, _period, agree, all_of, bullets, count_word, counted, lower, names, plural,
                                     with_ci)
from analysis.selection import mix


# ------------------------------------------------------------------ the corpus table
def _target(x) -> str:
    t = getattr(x, "literacy_target_pct", float("nan"))
    if not _num(t):
        return "none stated"
    year = getattr(x, "literacy_target_year", float("nan"))
    return f"{float(t):g}%" + (f" by {int(float(year))}" if _num(year) else "")


def corpus_table(r) -> str:
    """The documents of a loaded build *r* as a Markdown table, in manifest order: what each is (genre, issuing
    body, the framework it implements, its science-literacy target), its period, issue date and actions.

    A document the build's ``exclude_documents`` leaves out of the comparisons is marked so.

    Parameters
    ----------
    r : ReportData
        A loaded build.

    Returns
    -------
    str
        A Markdown table.
    """
    d = r["documents"]
    excluded = getattr(r, "excluded", {}) or {}
    rows = ["| plan | jurisdiction | level | genre | issued by | implements | literacy target | period | issued "
            "| actions |", "|---|---|---|---|---|---|---|---|---|---|"]
    for x in d.itertuples():
        if getattr(x, "role", "plan") == "reference":
            continue
        period = _period(x.period_start, x.period_end).strip(", ") if _num(x.period_start) else ""
        issued = str(x.issued)[:10] if isinstance(x.issued, str) else ""
        cell = lambda v: v if isinstance(v, str) else ""  # noqa: E731
        out = f" (left out: {excluded[x.jurisdiction]})" if x.jurisdiction in excluded else ""
        rows.append(f"| `{x.jurisdiction}`{out} | {x.name_zh} ({x.name_en}) | {x.level} | {cell(x.genre)} | "
                    f"{cell(getattr(x, 'issuer', ''))} | {cell(getattr(x, 'framework', ''))} | {_target(x)} | "
                    f"{period} | {issued} | {int(x.n_actions)} |")
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------ headlines
def headlines(r) -> str:
    """The report's main findings in a few bullets (the README's *Findings*), from a loaded build *r*
    (:func:`analysis.report.load`), computed by the same functions as the notebooks, under the build's settings
    (its codebook and plans' order: ``with r:``).

    Parameters
    ----------
    r : ReportData
        A loaded build.

    Returns
    -------
    str
        Markdown bullets.
    """
    with r.context() if hasattr(r, "context") else contextlib.nullcontext():
        return _headlines(r)


def _headlines(r) -> str:
    docs, actions = r["documents"], r["actions"]
    plans = r.plans_with_actions
    out = [_corpus(r)]
    if not plans:
        return bullets(out + ["No plan has actions: there is nothing to compare."])
    cov = compare.group_coverage(actions, r["group_mentions"])
    out.append(_groups(cov, plans, docs, r.group_labels))
    meas = compare.measurability(actions, r["targets"]).dropna(subset=["share_measurable"])
    if len(meas):
        out.append(_measurability(meas, compare.measurability_tests(actions, r["targets"]), r.labels))
    out.append(_departments(compare.department_workload(actions, r["assignments"], weighting=compare.WEIGHTINGS),
                            compare.department_summary(actions, r["assignments"]),
                            compare.load_share_tests(actions, r["assignments"]), plans, r.labels))
    if r.crossplan and r.has("reuse_matrix"):
        out.append(_reuse(compare.reuse_pairs(r["reuse_matrix"], r["reuse_passages"], actions, plans), docs,
                          r.params.reuse_min_chars, r.labels))
    if r.has("instruments"):
        comp = compare.instrument_composition(actions, r["instruments"]).dropna(subset=["share"])
        if len(comp):
            out.append(_instrument_headline(comp, len(plans), compare.leading_kind_tests(actions, r["instruments"])))
    return bullets(out)


def _corpus(r) -> str:
    """What the corpus holds: the documents, their levels and periods, the genres and frameworks they mix."""
    docs, actions = r["documents"], r["actions"]
    plans = r.plans
    d = docs[docs["jurisdiction"].isin(plans)]
    acts = actions[actions["kind"] == "action"]
    years = sorted({int(float(y)) for y in d["period_start"] if _num(y)} |
                   {int(float(y)) for y in d["period_end"] if _num(y)})
    span = f", periods within {years[0]}–{years[-1]}" if len(years) > 1 else ""
    n = len(plans)
    s = (f"**Corpus.** {count_word(n).capitalize()} {plural(n, 'document')} "
         f"({', '.join(dict.fromkeys(d['level']))}){span}; {counted(len(acts), 'action')} and "
         f"{counted(int((actions['kind'] == 'safeguard').sum()), 'safeguard')}, each with the offsets of its text.")
    m = mix(docs, plans)
    if len(m["framework"]) > 1:
        s += (f" They implement {count_word(len(m['framework']))} national frameworks ("
              + "; ".join(m["framework"]) + ")")
        s += f" and are of {count_word(len(m['genre']))} genres ({', '.join(m['genre'])})" if len(m["genre"]) > 1 \
            else ""
        s += ": comparisons across them mix kinds of document (the table says which is which)."
    elif len(m["genre"]) > 1:
        s += f" They are of {count_word(len(m['genre']))} genres ({', '.join(m['genre'])})."
    if "literacy_target_pct" in d:
        k = int(d["literacy_target_pct"].map(_num).sum())
        s += f" {k} of the {n} {agree(k, 'states', 'state')} a science-literacy target." if n > 1 else \
            (" It states a science-literacy target." if k else " It states no science-literacy target.")
    left = list(getattr(r, "excluded", {}) or {})
    if left:
        s += f" {names(left, r.labels)} {agree(len(left), 'is', 'are')} left out of the comparisons."
    return s


def _groups(cov: pd.DataFrame, plans: list[str], docs: pd.DataFrame, group_labels: dict[str, str]) -> str:
    gl = {g: lower(group_labels.get(g, g)) for g in cov["group"].unique()}
    has = cov.pivot(index="group", columns="jurisdiction", values="has_line").reindex(
        index=list(dict.fromkeys(cov["group"])), columns=plans).fillna(False).astype(bool)
    n_line = has.sum(axis=1)
    n = len(plans)
    every = [g for g in has.index if n_line[g] == n]
    some = [(gl[g], int(n_line[g]), _older_note(g, has, docs)) for g in has.index if 0 < n_line[g] < n]
    none = [g for g in has.index if n_line[g] == 0]
    parts = []
    if every:
        parts.append(f"{all_of(n)} {agree(n, 'has', 'have')} a line of actions for {names(every, gl)}")
    if some:
        parts.append(f"{some[0][0]} have a line in {some[0][1]} of the {count_word(n)} plans{some[0][2]}"
                     + "".join(f", {g} in {k}{note}" for g, k, note in some[1:]))
    if none:
        parts.append(f"none for {names(none, gl)}")
    text = "; ".join(parts)
    return "**Target groups.** " + text[:1].upper() + text[1:] + "."


def _measurability(m: pd.DataFrame, tests: pd.DataFrame, labels: dict[str, str]) -> str:
    m = m.dropna(subset=["share_measurable"])
    lab = lambda j: labels.get(j, j)  # noqa: E731
    if len(m) == 1:
        x = m.iloc[0]
        return (f"**Measurability.** {with_ci(x.share_measurable, x.share_lo, x.share_hi, x.n_units)} of "
                f"{lab(x.jurisdiction)}'s actions carry a quantified commitment (a number with a unit).")
    lo, hi = m.loc[m["share_measurable"].idxmin()], m.loc[m["share_measurable"].idxmax()]
    s = (f"**Measurability.** Between {with_ci(lo.share_measurable, lo.share_lo, lo.share_hi, lo.n_units)} "
         f"({lab(lo.jurisdiction)}) and {with_ci(hi.share_measurable, hi.share_lo, hi.share_hi, hi.n_units)} "
         f"({lab(hi.jurisdiction)}) of a plan's actions carry a quantified commitment (a number with a unit)")
    sig = tests[tests["direction"] != 0]
    if not len(sig):
        return s + ("; no test of the difference tells " + ("the two plans" if len(m) == 2 else "any two plans")
                    + " apart after Holm's correction.")
    pairs = [(r.jurisdiction, r.other_jurisdiction) if r.direction > 0 else (r.other_jurisdiction, r.jurisdiction)
             for r in sig.itertuples()]
    return s + "; by tests of the difference (Holm-adjusted), " + "; ".join(
        f"{lab(a)} has more than {lab(b)}" for a, b in pairs) + "."


def _departments(workload: pd.DataFrame, summary: pd.DataFrame, tests: pd.DataFrame, plans: list[str],
                 labels: dict[str, str]) -> str:
    """科协's share of the load: its range under the default rule, the plans where the rule moves it, and the
    differences that hold under every rule."""
    lab = lambda j: labels.get(j, j)  # noqa: E731
    cast = workload[(workload["category"] == "cast") & workload["assigned"].astype(bool)].dropna(
        subset=["load_share"])
    base = cast[cast["weighting"] == DEFAULT_WEIGHTING]
    if not len(base):
        return "**Departments.** No plan assigns departments to its actions."
    n = len(base)
    not_assigned = len(plans) - n
    lo, hi = base.loc[base["load_share"].idxmin()], base.loc[base["load_share"].idxmax()]
    fmt = lambda x: f"{with_ci(x.load_share, x.load_share_lo, x.load_share_hi, x.n_lists)} ({lab(x.jurisdiction)})"  # noqa: E731
    share = f"between {fmt(lo)} and {fmt(hi)}" if n > 1 else fmt(lo)
    s = (f"**Departments.** In the {count_word(n)} {plural(n, 'plan')} that {agree(n, 'assigns', 'assign')} "
         f"departments to actions, the science and technology association (科协) carries {share} of the weighted "
         f"workload when every named unit counts alike ({WEIGHTING_NAMES[DEFAULT_WEIGHTING]}, lead and cooperating "
         "alike; intervals over department lists)")
    leads = summary[summary["names_leads"].astype(bool)]
    for x in leads.itertuples():
        other = cast[(cast["jurisdiction"] == x.jurisdiction) & (cast["weighting"] != DEFAULT_WEIGHTING)]
        if len(other):
            s += (f"; {lab(x.jurisdiction)} names leads, and 科协 leads {int(x.cast_leads)} of its "
                  f"{int(x.n_assigned)} actions: " + ", ".join(
                      f"{with_ci(o.load_share, o.load_share_lo, o.load_share_hi, o.n_lists)} "
                      f"({WEIGHTING_NAMES.get(o.weighting, o.weighting)})" for o in other.itertuples()))
    if n > 1:
        robust = tests[tests["robust"].astype(bool)].drop_duplicates(["jurisdiction", "other_jurisdiction"])
        moved = tests[(tests["direction"] != 0) & ~tests["robust"].astype(bool)]
        if len(robust):
            s += "; under every weighting rule " + "; ".join(
                f"{lab(a)}'s share is {'higher' if d > 0 else 'lower'} than {lab(b)}'s"
                for a, b, d in zip(robust["jurisdiction"], robust["other_jurisdiction"], robust["direction"]))
        elif len(moved):
            s += ("; no difference between plans holds under every weighting rule: which plan's share is lower "
                  "depends on the rule")
        else:
            s += "; no test tells the plans apart under any weighting rule"
    if not_assigned:
        s += f". {count_word(not_assigned).capitalize()} {plural(not_assigned, 'plan')} " \
             f"{agree(not_assigned, 'names', 'name')} no departments per action"
    return s + "."


def _reuse(reuse: pd.DataFrame, docs: pd.DataFrame, min_chars: int, labels: dict[str, str]) -> str:
    lab = lambda j: labels.get(j, j)  # noqa: E731
    reuse = reuse[reuse["share"] > 0].sort_values("share", ascending=False)
    fam = [f for f in dict.fromkeys(docs.get("template_family", pd.Series(dtype=str)).fillna("").astype(str)) if f]
    if not len(reuse):
        return f"**Reuse.** No two plans share a passage of {min_chars} characters or more."
    x = reuse.iloc[0]
    back = reuse[(reuse["jurisdiction"] == x.other_jurisdiction) & (reuse["other_jurisdiction"] == x.jurisdiction)]
    s = (f"**Reuse.** The largest verbatim overlap: {with_ci(x.share, x.share_lo, x.share_hi)} of "
         f"{lab(x.jurisdiction)}'s operative text recurs in {lab(x.other_jurisdiction)}"
         + (f" ({with_ci(back.iloc[0].share, back.iloc[0].share_lo, back.iloc[0].share_hi)} of "
            f"{lab(x.other_jurisdiction)}'s in {lab(x.jurisdiction)})" if len(back) else "")
         + f", passages of at least {min_chars} characters")
    s += ("; " + "; ".join(f"{names(f.split(';'), labels)} form a template family" for f in fam)) if fam \
        else "; no two plans share enough to form a template family"
    return s + "."


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


def _instrument_headline(composition: pd.DataFrame, n_plans: int | None = None,
                         tests: pd.DataFrame | None = None) -> str:
    """The README's sentence on the kind of instrument plans use most: a plan counts for a kind only where a
    test sets that kind above the next one (:func:`analysis.report.instruments.leading_kinds`).  *n_plans*: the
    plans with actions (when more than have instrument codes, the sentence says it counts those with codes)."""
    lead = leading_kinds(composition, tests)
    n = len(lead)
    coded = " with instrument codes" if n_plans is not None and n_plans > n else ""
    clear = [k for k in lead.values() if k]
    order = list(dict.fromkeys(composition["kind"]))
    counts = sorted(((k, clear.count(k)) for k in dict.fromkeys(clear)),
                    key=lambda kc: (-kc[1], order.index(kc[0]) if kc[0] in order else len(order)))
    note = ("rule-based coding; notebook 6 corrects its shares for the coding's errors, and notebook 8 gives its "
            "agreement with two coders who were AI-assistant sessions, not people")
    if not clear:
        where = ("in the one plan" + coded + " no test sets" if n == 1 else
                 "in neither plan" + coded + " does a test set" if n == 2 else
                 f"in none of the {count_word(n)} plans{coded} does a test set")
        return ("**Instruments.** No plan clearly favours one kind of policy instrument: " + where + " the most used "
                "kind's share of its action × instrument codes above the next kind's (paired cluster bootstrap, "
                "Holm-adjusted; " + note + ").")
    rest = n - len(clear)
    return ("**Instruments.** The kind of policy instrument a plan uses most (share of its action × instrument "
            "codes), counted where a test sets it above the next kind: "
            + ", ".join(f"{KIND_NAMES.get(k, k)} in {c} of {n} {plural(n, 'plan')}{coded}" for k, c in counts)
            + (f"; in the other {count_word(rest)} no kind leads by a test" if rest else "") + " (" + note + ").")


__all__ = ["corpus_table", "headlines"]
