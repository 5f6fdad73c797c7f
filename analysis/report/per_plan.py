"""Sentences about each plan, and comparisons of plans on one measure: the corpus design, size and
measurability, target groups, departments, instruments and the validation.

Every function takes the tidy tables of :mod:`analysis.compare` and returns Markdown bullets (rules in
:mod:`analysis.report.findings`).
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.report.comparisons import higher_than_all, tested_ranking
from analysis.report.wording import (_num, _period, agree, all_of, bullets, ci, count_word, counted, lower, names, num,
                                     pct, plural, with_ci)
from analysis.selection import mix


def describe_documents(documents: pd.DataFrame, labels: dict[str, str]) -> str:
    """Each document as what it is, from ``documents.csv``: genre, issuing body and number, the framework it
    implements, and whether it states a science-literacy target.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv`` (reference documents are left out).
    labels : dict
        Plan labels.

    Returns
    -------
    str
        One bullet per document.
    """
    d = documents[documents.get("role", pd.Series("plan", index=documents.index)).fillna("plan") != "reference"]
    out = []
    for r in d.itertuples():
        txt = lambda col: getattr(r, col) if isinstance(getattr(r, col, None), str) and getattr(r, col) else ""  # noqa: E731
        genre, issuer, number, fw = txt("genre"), txt("issuer"), txt("doc_number"), txt("framework")
        s = f"**{labels.get(r.jurisdiction, r.jurisdiction)}**: " + (f"a {genre}" if genre else "a document")
        s += f" issued by {issuer}" if issuer else " (issuer not read from the text)"
        s += f" ({number})" if number else ""
        s += f", implementing {fw}" if fw else ", framework not stated in the manifest"
        target = getattr(r, "literacy_target_pct", float("nan"))
        if _num(target):
            year = getattr(r, "literacy_target_year", float("nan"))
            s += (f"; it states a science-literacy target of {float(target):g}%"
                  + (f" by {int(float(year))}" if _num(year) else ""))
        else:
            s += "; it states no science-literacy target"
        out.append(s + ".")
    return bullets(out)


def mixing(documents: pd.DataFrame, plans, what: str = "this comparison") -> str:
    """A sentence saying which genres and frameworks a comparison of *plans* mixes, or ``""`` when it mixes none.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv``.
    plans : iterable of str
        The documents compared.
    what : str
        The subject of the sentence.

    Returns
    -------
    str
        Markdown, or an empty string.
    """
    m = mix(documents, plans)
    parts = []
    if len(m["genre"]) > 1:
        parts.append(f"{count_word(len(m['genre']))} genres ({', '.join(m['genre'])})")
    if len(m["framework"]) > 1:
        parts.append(f"{count_word(len(m['framework']))} national frameworks ({'; '.join(m['framework'])})")
    if not parts:
        return ""
    return (f"*{what[:1].upper() + what[1:]} mixes kinds of document: {' and '.join(parts)}. A difference between "
            "plans can be the genre's or the framework's; the build's `exclude_documents` leaves documents out by "
            "genre or framework.*")


def corpus_design(documents: pd.DataFrame, labels: dict[str, str], excluded: dict[str, str] | None = None) -> str:
    """What kinds of document are compared: genres, frameworks, periods, template families, and the documents
    the build's ``exclude_documents`` leaves out of the comparisons (*excluded*, as
    :attr:`analysis.report.ReportData.excluded`).

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv``; reference documents (``role == "reference"``) are not described.
    labels : dict of str to str
        Plan id -> name used in the sentences.
    excluded : dict of str to str, optional
        Plan id -> why the build leaves it out; None: none is.

    Returns
    -------
    str
        Markdown bullets: the documents compared, frameworks, genres, template families, documents left out.
    """
    d = documents[documents.get("role", pd.Series("plan", index=documents.index)).fillna("plan") != "reference"]
    excluded = excluded or {}
    left = [j for j in d["jurisdiction"] if j in excluded]
    d = d[~d["jurisdiction"].isin(set(excluded))]
    n = len(d)
    out = [f"{count_word(n).capitalize()} {plural(n, 'document')} {agree(n, 'is', 'are')} compared: "
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
    if left:
        out.append(f"{names(left, labels)} {agree(len(left), 'is', 'are')} left out of every comparison by the "
                   "build's `exclude_documents` (" + "; ".join(f"{labels.get(j, j)}: {excluded[j]}" for j in left)
                   + "); " + agree(len(left), "it is", "they are") + " still described above.")
    return bullets(out)



# ------------------------------------------------------------------ overview
def overview(ov: pd.DataFrame, measurable: pd.DataFrame, labels: dict[str, str],
             tests: pd.DataFrame | None = None) -> str:
    """Size and measurability.  Plans without actions take no part in the size comparison (they are named
    as such): the shortest plan is the shortest of those with actions.  *tests*
    (:func:`analysis.compare.measurability_tests`) decide any "higher"; without them no ranking is stated.

    Parameters
    ----------
    ov : pandas.DataFrame
        :func:`analysis.compare.corpus_overview`.
    measurable : pandas.DataFrame
        :func:`analysis.compare.measurability`.
    labels : dict of str to str
        Plan id -> name used in the sentences.
    tests : pandas.DataFrame, optional
        :func:`analysis.compare.measurability_tests`.

    Returns
    -------
    str
        Markdown bullets: size, plans without actions, measurability with intervals, and the tested ranking.
    """
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
                 f"({with_ci(r.share_measurable, r.share_lo, r.share_hi, getattr(r, 'n_units', None))})"
                 for r in m.itertuples()]
        out.append("**Measurability** (actions with at least one quantified commitment): " + "; ".join(parts) + ".")
        if tests is not None and len(m) > 1:
            out.append(tested_ranking(tests, labels, "measurable actions"))
    return bullets(out)


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

    Parameters
    ----------
    without, with_line : list of str
        Plans without and with a line for the group.
    documents : pandas.DataFrame or None
        ``documents.csv``; None gives ``[]``.

    Returns
    -------
    list of str
        The distinct frameworks of the plans *without*, in their order; ``[]`` when nothing is to be said.
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
                  documents: pd.DataFrame | None = None, tests: pd.DataFrame | None = None) -> str:
    """Which groups have a line in which plans, how much text they get, and how often they are named.

    With *documents* (``documents.csv``), a group whose line is missing only from plans that implement an
    older framework than every plan with a line says so (:func:`older_frameworks`): the gap may be the
    framework's rather than the jurisdiction's choice.  *tests* (:func:`analysis.compare.mention_rate_tests`)
    decide whether the plan naming a group most often names it more than the others; without them no plan is
    said to name a group more than another.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`analysis.compare.group_coverage`.
    plan_labels, group_labels : dict of str to str
        Plan id -> name and group id -> name used in the sentences.
    documents : pandas.DataFrame, optional
        ``documents.csv`` (the frameworks).
    tests : pandas.DataFrame, optional
        :func:`analysis.compare.mention_rate_tests`.

    Returns
    -------
    str
        Markdown bullets: groups with a line everywhere, each other group's lines, rates resting on one action,
        the highest rate per group and what the tests say, how the intervals are computed.
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
        subject = all_of(n)
        out.append("**Lines in every plan.** " + subject[:1].upper() + subject[1:] + f" {agree(n, 'has', 'have')}"
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
    # the highest rate per group, and whether a test sets it above the others
    tops = []
    for g in order:
        gdf = coverage[coverage["group"] == g].sort_values("mentions_per_10k", ascending=False, kind="mergesort")
        if len(gdf) < 2 or gdf["mentions"].iloc[0] == 0:
            continue
        a = gdf.iloc[0]
        if (gdf["mentions"].iloc[1:] == 0).all():
            out.append(f"Only {plan_labels.get(a.jurisdiction, a.jurisdiction)} names {gl[g]} at all "
                       f"({counted(int(a.mentions), 'mention')}).")
            continue
        top = [r.jurisdiction for r in gdf.itertuples() if r.mentions_per_10k == a.mentions_per_10k]
        text = (f"{gl[g]}: {names(top, plan_labels)}, {num(a.mentions_per_10k)} "
                f"{ci(a.mentions_per_10k_lo, a.mentions_per_10k_hi, percent=False)}".rstrip()
                + (" (a tie)" if len(top) > 1 else ""))
        above, not_above = (higher_than_all(tests[tests["group"] == g], a.jurisdiction)
                            if tests is not None and len(top) == 1 else ([], []))
        if tests is not None and len(top) == 1 and not not_above:
            text += ", above every other plan by a test of the difference"
        elif above:
            text += f", above {names(above, plan_labels)} by a test of the difference"
        tops.append((text, bool(above)))
    if tops:
        out.append("**Most mentions per 10,000 characters**, by group: " + "; ".join(t for t, _ in tops) + ".")
    if tests is not None and len(tests):
        if not (tests["direction"] != 0).any():
            out.append(f"No test of the difference sets any plan's mention rate of a group above another's "
                       f"(cluster bootstrap over the plans' units, Holm-adjusted over all {len(tests)} pairs of "
                       "plans and groups): the data do not rank the plans by how often they name a group.")
        else:
            out.append(f"Rates are compared by a cluster bootstrap of the difference over the plans' units, "
                       f"Holm-adjusted over all {len(tests)} pairs of plans and groups; no other pair differs.")
    else:
        out.append("No test of the differences between rates was given, so no plan is said to name a group more "
                   "than another.")
    out.append("Text shares carry cluster-bootstrap intervals over the plan's units, stratified by group line; "
               "mention rates carry cluster-bootstrap intervals over the units, not stratified (mentions cluster "
               "inside actions). A zero is what the plan says and carries no interval.")
    return bullets(out)


def validation_summary(seg: pd.DataFrame, fields: pd.DataFrame, instr: pd.DataFrame) -> str:
    """What the validation shows.

    Parameters
    ----------
    seg : pandas.DataFrame
        :func:`analysis.validation.segmentation_report` (its row ``label == "all"`` is read).
    fields : pandas.DataFrame
        :func:`analysis.validation.fields_report` (rows ``group``, ``departments``, ``commitments``).
    instr : pandas.DataFrame
        :func:`analysis.validation.instruments_report` (row ``all`` and one row per code with its ``kind``).

    Returns
    -------
    str
        Markdown bullets: segmentation, fields, instruments (with the three weakest codes by F1), and who the
        coders were.
    """
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
           "The two coders and the adjudicator were independent sessions of an AI assistant, not people "
           "(docs/validation.md): their agreement is an upper bound on what two trained human coders would reach. "
           "They applied the project's written rules, which are also the package's: agreement on segmentation and "
           "on the structural target group measures how clearly the rules are written and how faithfully the "
           "package applies them, not whether the rules capture what a plan means."]
    return bullets(out)



__all__ = ["describe_documents", "mixing", "corpus_design", "overview", "older_frameworks", "target_groups",
           "validation_summary"]
