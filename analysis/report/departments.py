"""Sentences on who carries the plans: department workloads under each weighting rule, concentration,
hubs (ties reported as ties), and comparisons of 科协's share by tests that hold under every rule."""
from __future__ import annotations

import pandas as pd

from analysis.compare.workload import DEFAULT_WEIGHTING, WEIGHTINGS, WEIGHTING_NAMES
from analysis.report.comparisons import p_text
from analysis.report.wording import agree, bullets, ci_n, counted, names, num, with_ci

CAST = "cast"


def _cast_by_rule(workload: pd.DataFrame, j: str) -> list[str]:
    """``6.5% [6.0–7.2%] under 1/k, …`` for plan *j* from a workload table with several rules."""
    if "weighting" not in workload:
        return []
    w = workload[(workload["jurisdiction"] == j) & (workload["category"] == CAST)]
    return [f"{with_ci(r.load_share, r.load_share_lo, r.load_share_hi, r.n_lists)} "
            f"({WEIGHTING_NAMES.get(r.weighting, r.weighting)})" for r in w.itertuples()]


def departments(summary: pd.DataFrame, workload: pd.DataFrame, networks: pd.DataFrame, assignments: pd.DataFrame,
                actions: pd.DataFrame, labels: dict[str, str], category_labels: dict[str, str],
                tests: pd.DataFrame | None = None) -> str:
    """Who carries the plans, how concentrated, what the weighting rule and the format of the lists do.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`analysis.compare.department_summary` (default rule).
    workload : pandas.DataFrame
        :func:`analysis.compare.department_workload`, with every rule of
        :data:`analysis.compare.workload.WEIGHTINGS` for 科协's shares side by side (one rule works too).
    networks : pandas.DataFrame
        :func:`analysis.compare.network_summary` (``hubs`` reports ties).
    assignments, actions : pandas.DataFrame
        ``assignments.csv`` and ``actions.csv``.
    labels, category_labels : dict
        Plan and category labels.
    tests : pandas.DataFrame, optional
        :func:`analysis.compare.load_share_tests` of 科协's share: "higher"/"lower" only from these, and "robust"
        only where the direction holds under every rule.

    Returns
    -------
    str
        Markdown bullets.
    """
    out = []
    s = summary.set_index("jurisdiction")
    assigned = [j for j in s.index if bool(s.loc[j, "assigned"])]
    not_assigned = [j for j in s.index if not bool(s.loc[j, "assigned"])]
    if not_assigned:
        out.append(f"{names(not_assigned, labels)} {agree(len(not_assigned), 'gives', 'give')} no list of departments "
                   "per action (a plan may still name departments in its text): *not assigned*, shown as missing, "
                   "never as zero.")
    out += _hubs(networks, labels, category_labels)
    for j in assigned:
        r = s.loc[j]
        names_leads = bool(r.names_leads)
        rules = _cast_by_rule(workload, j) if names_leads else []
        lead = (f"; 科协 leads {int(r.cast_leads)} of the {int(r.n_assigned)}" if names_leads and
                "cast_leads" in r and r.cast_leads == r.cast_leads else "")
        share = ("; ".join(rules) if len(rules) > 1 else
                 with_ci(r.cast_load_share, r.cast_load_share_lo, r.cast_load_share_hi, r.n_lists)
                 + (" (the same under every rule: the plan names no leads)"
                    if "weighting" in workload and workload["weighting"].nunique() > 1 else ""))
        out.append(f"{labels.get(j, j)}: {int(r.n_assigned)} of {counted(int(r.n_actions), 'action')} "
                   f"{agree(int(r.n_assigned), 'names', 'name')} departments, from "
                   f"{counted(int(r.n_lists), 'department list')}{lead}. The science and technology association "
                   f"(科协) carries {share} of the weighted load and is named on "
                   f"{with_ci(r.cast_action_share, r.cast_action_share_lo, r.cast_action_share_hi, r.n_lists)} of "
                   f"the assigned actions; concentration (HHI) {num(r.hhi, 3)} "
                   f"{ci_n(r.hhi_lo, r.hhi_hi, r.n_lists, percent=False, digits=3)}.")
    if tests is not None and len(tests):
        out += _comparisons(tests, labels)
    leads = [j for j in assigned if bool(s.loc[j, "names_leads"])]
    if leads and "weighting" in workload and workload["weighting"].nunique() > 1:
        out.append(f"The weighting rules differ only where a plan names leads ({names(leads, labels)}); in the "
                   "other plans lead and cooperating units are not distinguished and the three rules agree.")
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
                       "labour; its lists, not its actions, are the independent units.")
    for j in [j for j in assigned if s.loc[j, "n_assigned"] < 0.5 * s.loc[j, "n_actions"]]:
        out.append(f"{labels.get(j, j)}'s department figures rest on {int(s.loc[j, 'n_assigned'])} of its "
                   f"{counted(int(s.loc[j, 'n_actions']), 'action')} (the others go to collective units only).")
    default = WEIGHTING_NAMES.get(DEFAULT_WEIGHTING, DEFAULT_WEIGHTING)
    out.append(f"Every assigned action carries a load of 1, split among its departments by a weighting rule (1/k: "
               "every named unit alike; lead counted twice; lead only); unless a rule is named, numbers use "
               f"{default}. Intervals resample the plan's department lists (an action's departments are decided once "
               "for its whole list).")
    return bullets(out)


def _hubs(networks: pd.DataFrame, labels: dict[str, str], category_labels: dict[str, str]) -> list[str]:
    """The hub of each assigned plan's network, ties reported as ties."""
    nets = networks[networks["assigned"].astype(bool)]
    if not len(nets):
        return []
    hubs = {r.jurisdiction: (str(r.hubs).split(";") if "hubs" in nets and isinstance(r.hubs, str) else [r.hub])
            for r in nets.itertuples()}
    n = len(hubs)
    sole = {j: h[0] for j, h in hubs.items() if len(h) == 1}
    common = [c for c in dict.fromkeys(sole.values()) if all(sole.get(j) == c for j in hubs)]
    if common:
        c = category_labels.get(common[0], common[0])
        if n == 1:
            return [f"**{c} is the hub of the one assigned plan's network** (no tie): the category most often named "
                    "with others."]
        return [f"**{c} is the hub of every assigned plan's network** ({n} of {n}, no tie): the category most often "
                "named with others."]
    parts = []
    for j, h in hubs.items():
        who = names([category_labels.get(x, x) for x in h], {})
        parts.append(f"{labels.get(j, j)}: {who}" + (f" (a tie of {len(h)})" if len(h) > 1 else ""))
    return ["**Hubs** (most often named with others; equal weighted degree is a tie): " + "; ".join(parts) + "."]


def _comparisons(tests: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """科协's load share compared between plans under every rule: robust where every rule agrees."""
    rules = list(dict.fromkeys(tests["weighting"]))
    n = len(tests)
    out = []
    robust, depends = [], []
    for (a, b), g in tests.groupby(["jurisdiction", "other_jurisdiction"], sort=False):
        if not (g["direction"] != 0).any():
            continue
        if bool(g["robust"].iloc[0]):
            hi, lo = (a, b) if g["direction"].iloc[0] > 0 else (b, a)
            robust.append(f"{labels.get(hi, hi)} above {labels.get(lo, lo)} "
                          f"({p_text(g['p_adjusted'].max())} under every rule)")
        else:
            bits = []
            for r in g.itertuples():
                word = {1: "higher", -1: "lower", 0: "no difference shown"}[int(r.direction)]
                bits.append(f"{word} ({WEIGHTING_NAMES.get(r.weighting, r.weighting)})")
            depends.append(f"{labels.get(a, a)} against {labels.get(b, b)}: " + ", ".join(bits))
    how = (f"cluster bootstrap of the difference over department lists, Holm-adjusted over {counted(n, 'test')} "
           f"({len(rules)} {agree(len(rules), 'rule', 'rules')})")
    if robust:
        out.append("**Robust differences** in 科协's share of the load (the same direction under every weighting "
                   f"rule; {how}): " + "; ".join(robust) + ".")
    if depends:
        out.append("**Differences that depend on the weighting rule** (not findings about the plans: the rule "
                   "decides them): " + "; ".join(depends) + ".")
    if not robust and not depends:
        out.append(f"No test tells the plans apart in 科协's share of the load under any weighting rule ({how}).")
    return out


def weighting_table(workload: pd.DataFrame, categories: list[str], labels: dict[str, str],
                    category_labels: dict[str, str]) -> pd.DataFrame:
    """The load shares of *categories* under every weighting rule side by side: ``value [lo–hi]`` cells.

    Parameters
    ----------
    workload : pandas.DataFrame
        :func:`analysis.compare.department_workload` with several rules.
    categories : list of str
        The categories shown, in order.
    labels, category_labels : dict
        Plan and category labels.

    Returns
    -------
    pandas.DataFrame
        Rows (category, plan) of the assigned plans, one column per rule (named as the report names it).
    """
    w = workload[workload["category"].isin(categories) & workload["assigned"].astype(bool)]
    if w.empty:
        return pd.DataFrame(columns=[WEIGHTING_NAMES[r] for r in WEIGHTINGS])
    cells = w.assign(cell=[with_ci(v, a, b, n) for v, a, b, n in
                           zip(w["load_share"], w["load_share_lo"], w["load_share_hi"], w["n_lists"])],
                     _c=w["category"].map({c: i for i, c in enumerate(categories)}))
    t = cells.sort_values("_c", kind="mergesort").pivot_table(index=["category", "jurisdiction"], columns="weighting",
                                                             values="cell", aggfunc="first", sort=False)
    rules = [r for r in WEIGHTINGS if r in t.columns]
    t = t.reindex(columns=rules).rename(columns=WEIGHTING_NAMES)
    t.index = t.index.set_levels([[category_labels.get(c, c) for c in t.index.levels[0]],
                                  [labels.get(j, j) for j in t.index.levels[1]]])
    t.columns.name = "weighting"
    return t


__all__ = ["departments", "weighting_table"]
