"""Who carries the plans: department workloads and concentration.

The co-assignment networks, under the same rules, are in :mod:`analysis.compare.networks`.

Counting rules (stated once, used by every function):

- Only ``kind == "action"`` rows count; safeguards assign no departments.
- *Collective* rows (各责任单位 "all responsible units", 各镇街道 "all towns and
  sub-districts") are not departments: they never enter departmental counts,
  shares, loads or networks, and are reported on their own
  (:func:`collective_assignments`, ``collective_share`` in :func:`department_summary`).
- An action is *assigned* when at least one named (non-collective) department
  carries it; shares are of the plan's assigned actions.
- *Weighted load*: every assigned action carries a load of 1, split among its
  departments by a **weighting rule** (:data:`WEIGHTINGS`), so a plan's loads
  sum to its number of assigned actions:

  - ``inverse_k`` (the default, :data:`DEFAULT_WEIGHTING`): 1/k to each of the
    k departments, lead and cooperating alike, so a department named on every
    long list does not look busier than one carrying actions alone;
  - ``lead_weighted``: a lead counts twice a cooperating or responsible unit;
  - ``lead_only``: the action's load goes to its lead departments (1/l each of
    l leads); an action that names no lead splits it 1/k, as ``inverse_k``.

  The rules differ only in plans that name leads (牵头); in a plan whose lists
  do not distinguish lead from cooperating units, all three give the same
  numbers.  A finding about load is robust only where its direction holds
  under every rule (:func:`load_share_tests`).
- *Independent units*: departments come in lists (a task's division of work
  names the same units for all its measures), so intervals and tests resample
  **department lists** (:func:`analysis.compare.units.department_lists`), not
  actions.
- A plan with no per-action departments at all (Inner Mongolia) is *not
  assigned*: ``assigned == False`` and NaN in every workload number -- never
  zero, which would claim its departments do nothing.
- Lead counts exist only for plans that name leads (牵头, Shenzhen); NaN elsewhere.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compare.inference import ALPHA, TEST_BOOT, adjust_family, pairwise_differences
from analysis.compare.intervals import (DEFAULT_BOOT, bootstrap_statistic, cluster_bootstrap_ratio,
                                        wilson_clustered)
from analysis.compare.tables import plans_of
from analysis.compare.units import department_lists

NAN = float("nan")
CAST = "cast"
#: The weighting rules of the load, in the order tables show them (module docstring).
WEIGHTINGS = ("inverse_k", "lead_weighted", "lead_only")
#: The rule every load number uses unless another is asked for.
DEFAULT_WEIGHTING = "inverse_k"
#: How the report names each rule.
WEIGHTING_NAMES = {"inverse_k": "1/k", "lead_weighted": "lead counted twice", "lead_only": "lead only"}


def _rules(weighting) -> list[str]:
    rules = [weighting] if isinstance(weighting, str) else list(weighting)
    bad = [r for r in rules if r not in WEIGHTINGS]
    if bad or not rules:
        raise ValueError(f"weighting must be one or more of {', '.join(WEIGHTINGS)}; got {weighting!r}")
    return rules


def _named(actions: pd.DataFrame, assignments: pd.DataFrame, weighting: str = DEFAULT_WEIGHTING) -> pd.DataFrame:
    """Non-collective assignment rows of actions (kind 'action'), one per action and department, with the
    action's ``weight`` for each under *weighting* (module docstring) and its department ``list``."""
    ids = set(actions.loc[actions["kind"] == "action", "action_id"])
    a = assignments[assignments["action_id"].isin(ids) & ~assignments["collective"].astype(bool)].copy()
    a["is_lead"] = a["role"] == "lead"
    # a department listed twice on one action (lead and cooperating) is one department, lead if either
    a = (a.groupby(["jurisdiction", "action_id", "department", "category"], as_index=False, sort=True)
         ["is_lead"].any())
    a["k"] = a.groupby("action_id")["department"].transform("size")
    a["weight"] = _weights(a, weighting)
    lists = department_lists(actions[actions["action_id"].isin(ids)], assignments)
    a["list"] = a["action_id"].map(lists)
    return a


def _weights(a: pd.DataFrame, rule: str) -> np.ndarray:
    """Each row's share of its action's load of 1 under *rule*."""
    k = a["k"].to_numpy(float)
    if rule == "inverse_k":
        return 1.0 / k
    lead = a["is_lead"].to_numpy(bool)
    n_lead = a.groupby("action_id")["is_lead"].transform("sum").to_numpy(float)
    if rule == "lead_weighted":
        m = np.where(lead, 2.0, 1.0)
        return m / pd.Series(m, index=a.index).groupby(a["action_id"]).transform("sum").to_numpy(float)
    if rule == "lead_only":
        return np.where(n_lead > 0, np.where(lead, 1.0 / np.maximum(n_lead, 1), 0.0), 1.0 / k)
    raise ValueError(f"unknown weighting {rule!r}; one of {', '.join(WEIGHTINGS)}")


def _plan_actions(actions: pd.DataFrame, j: str) -> pd.DataFrame:
    return actions[(actions["jurisdiction"] == j) & (actions["kind"] == "action")]


def department_workload(actions: pd.DataFrame, assignments: pd.DataFrame, level: str = "category",
                        keys: list[str] | None = None, n_boot: int = DEFAULT_BOOT, seed: int = 0,
                        weighting: str | tuple[str, ...] = DEFAULT_WEIGHTING) -> pd.DataFrame:
    """Plan x department category (or department) x weighting rule, full grid.

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    level : str
        ``"category"`` or ``"department"``.
    keys : list of str, optional
        The rows' categories and their order (default: every category named by any plan, by total load under
        the first rule, heaviest first).
    n_boot, seed : int
        Bootstrap draws and seed of the intervals.
    weighting : str or tuple of str
        One rule of :data:`WEIGHTINGS` or several (:data:`DEFAULT_WEIGHTING`); one block of rows per rule.

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, <level>, weighting, assigned, n_lists, actions, share, share_lo, share_hi, load,
        load_share, load_share_lo, load_share_hi, leads``:

        - ``n_lists``: the plan's department lists (the independent units of the intervals);
        - ``actions``: assigned actions the category carries (any of its departments);
        - ``share``: ``actions`` / the plan's assigned actions (Wilson interval with the effective size of
          the list design, :func:`analysis.compare.intervals.wilson_clustered`); the same under every rule;
        - ``load``: weighted load under the rule; ``load_share``: ``load`` / the plan's total load (interval:
          cluster bootstrap over the plan's department lists);
        - ``leads``: actions the category leads (NaN if the plan names no leads).

        Rows for a plan with ``assigned == False`` are NaN throughout.
    """
    if level not in ("category", "department"):
        raise ValueError("level must be 'category' or 'department'")
    rules = _rules(weighting)
    if keys is None:
        first = _named(actions, assignments, rules[0])
        tot = first.groupby(level)["weight"].sum()
        keys = sorted(tot.index, key=lambda c: (-round(tot[c], 9), c))
    rows = []
    for rule in rules:
        named = _named(actions, assignments, rule)
        for j in plans_of(actions, assignments):
            n = named[named["jurisdiction"] == j]
            assigned = len(n) > 0
            per_action = n.pivot_table(index="action_id", columns=level, values="weight", aggfunc="sum",
                                       fill_value=0.0) if assigned else None
            lists = n.groupby("action_id")["list"].first().reindex(per_action.index) if assigned else None
            n_assigned = len(per_action) if assigned else 0
            names_leads = bool(n["is_lead"].any())
            for key in keys:
                c = n[n[level] == key]
                acts = c["action_id"].nunique()
                if assigned:
                    named_on = per_action.index.isin(set(c["action_id"])).astype(float)
                    slo, shi, _ = wilson_clustered(named_on, lists.to_numpy())
                    w = per_action[key].to_numpy() if key in per_action else np.zeros(n_assigned)
                    llo, lhi = cluster_bootstrap_ratio(w, np.ones(n_assigned), lists.to_numpy(), None, n_boot, seed)
                else:
                    slo = shi = llo = lhi = NAN
                rows.append({
                    "jurisdiction": j, level: key, "weighting": rule, "assigned": assigned,
                    "n_lists": float(lists.nunique()) if assigned else NAN,
                    "actions": float(acts) if assigned else NAN,
                    "share": acts / n_assigned if assigned else NAN, "share_lo": slo, "share_hi": shi,
                    "load": float(c["weight"].sum()) if assigned else NAN,
                    "load_share": float(c["weight"].sum()) / n_assigned if assigned else NAN,  # total == n_assigned
                    "load_share_lo": llo, "load_share_hi": lhi,
                    "leads": float(c.loc[c["is_lead"], "action_id"].nunique()) if names_leads else NAN,
                })
    return pd.DataFrame(rows, columns=["jurisdiction", level, "weighting", "assigned", "n_lists", "actions", "share",
                                       "share_lo", "share_hi", "load", "load_share", "load_share_lo",
                                       "load_share_hi", "leads"])


def load_units(actions: pd.DataFrame, assignments: pd.DataFrame, category: str = CAST,
               weighting: str = DEFAULT_WEIGHTING, level: str = "category") -> pd.DataFrame:
    """The units of a load-share comparison: one row per assigned action of every assigned plan.

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    category : str
        The category (or department, with ``level="department"``) whose share of the load is compared.
    weighting : str
        A rule of :data:`WEIGHTINGS`.
    level : str
        ``"category"`` or ``"department"``.

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, action_id, num`` (the category's weight on the action), ``den`` (1: the action's
        load) and ``cluster`` (its department list), the input of
        :func:`analysis.compare.inference.pairwise_differences`.
    """
    named = _named(actions, assignments, weighting)
    w = named.assign(num=np.where(named[level] == category, named["weight"], 0.0))
    out = w.groupby(["jurisdiction", "action_id"], sort=False).agg(num=("num", "sum"), cluster=("list", "first"))
    out = out.reset_index()
    out["den"] = 1.0
    return out[["jurisdiction", "action_id", "num", "den", "cluster"]]


def load_share_tests(actions: pd.DataFrame, assignments: pd.DataFrame, category: str = CAST,
                     weightings: tuple[str, ...] = WEIGHTINGS, alpha: float = ALPHA, n_boot: int = TEST_BOOT,
                     seed: int = 0, adjust: bool = True) -> pd.DataFrame:
    """Every pair of assigned plans compared on *category*'s share of the load, under every weighting rule.

    Cluster bootstrap of the difference over department lists
    (:func:`analysis.compare.inference.pairwise_differences`), Holm-adjusted over all pairs and rules together.

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    category : str
        The category compared (科协 by default).
    weightings : tuple of str
        The rules (:data:`WEIGHTINGS`).
    alpha : float
        Family-wise error rate.
    n_boot, seed : int
        Bootstrap draws and seed.
    adjust : bool
        Holm-adjust over the table (False: the caller adjusts a larger family,
        :func:`analysis.compare.inference.adjust_family`, and recomputes ``robust`` with :func:`robust_pairs`).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~analysis.compare.inference.pairwise_differences` and ``weighting``, plus
        ``robust``: the pair's ``direction`` is the same, and not 0, under every rule (the same value on each
        of the pair's rows).
    """
    rules = _rules(weightings)
    tables = []
    for rule in rules:
        u = load_units(actions, assignments, category, rule)
        t = pairwise_differences(u, plans_of(actions, assignments), alpha, n_boot, seed, adjust=False)
        tables.append(t.assign(weighting=rule))
    tables = adjust_family(tables, alpha) if tables and adjust else tables
    out = pd.concat([t.assign(weighting=r) for t, r in zip(tables, rules)], ignore_index=True) if tables else \
        pd.DataFrame(columns=["jurisdiction", "other_jurisdiction", "weighting", "direction"])
    return robust_pairs(out)


def robust_pairs(tests: pd.DataFrame) -> pd.DataFrame:
    """*tests* (:func:`load_share_tests`) with ``robust``: a pair's ``direction`` is the same, and not 0, under
    every rule the table holds.

    Parameters
    ----------
    tests : pandas.DataFrame
        Pairwise tests with a ``weighting`` column.

    Returns
    -------
    pandas.DataFrame
        The same rows with ``robust`` (re)computed.
    """
    n_rules = tests["weighting"].nunique() if len(tests) else 0
    d = tests.groupby(["jurisdiction", "other_jurisdiction"], sort=False)["direction"]
    robust = d.transform(lambda x: bool(x.iloc[0] != 0 and (x == x.iloc[0]).all() and len(x) == n_rules))
    return tests.assign(robust=robust.astype(bool) if len(tests) else pd.Series(dtype=bool))


def collective_assignments(actions: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Plan x collective category: actions given to 'all responsible units' / 'all towns and sub-districts'.

    Columns: ``jurisdiction, category, actions, share`` (of the plan's
    actions), ``only`` (actions whose sole assignment is that collective).
    Every plan appears: 0 for a plan that names departments but no collective
    (a real zero), NaN for a plan that assigns nothing at all (not assigned).

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` (``kind == "action"`` rows are counted) and ``assignments.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per plan and collective category found in *assignments* (sorted by name), the columns above;
        ``actions``, ``only`` are floats so that NaN can stand for "not assigned".
    """
    ids = set(actions.loc[actions["kind"] == "action", "action_id"])
    a = assignments[assignments["action_id"].isin(ids)]
    coll = a[a["collective"].astype(bool)]
    n_named = a[~a["collective"].astype(bool)].groupby("action_id").size()
    cats = sorted(coll["category"].unique())
    with_rows = set(a["jurisdiction"])
    rows = []
    for j in plans_of(actions, assignments):
        n_act = len(_plan_actions(actions, j))
        for cat in cats:
            c = coll[(coll["jurisdiction"] == j) & (coll["category"] == cat)]
            got = set(c["action_id"])
            if j not in with_rows:
                rows.append({"jurisdiction": j, "category": cat, "actions": NAN, "share": NAN, "only": NAN})
                continue
            rows.append({"jurisdiction": j, "category": cat, "actions": float(len(got)),
                         "share": len(got) / n_act if n_act else NAN,
                         "only": float(sum(1 for x in got if n_named.get(x, 0) == 0))})
    return pd.DataFrame(rows, columns=["jurisdiction", "category", "actions", "share", "only"])


def department_summary(actions: pd.DataFrame, assignments: pd.DataFrame, n_boot: int = DEFAULT_BOOT,
                       seed: int = 0, weighting: str = DEFAULT_WEIGHTING) -> pd.DataFrame:
    """One row per plan: how its actions are assigned and how concentrated the work is.

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    n_boot, seed : int
        Bootstrap draws and seed of the intervals.
    weighting : str
        The rule of the load numbers (:data:`WEIGHTINGS`).

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, weighting, assigned, names_leads, n_actions, n_assigned, n_lists, n_collective,
        collective_share, n_collective_only, n_unassigned, n_departments, n_categories, hhi, hhi_lo, hhi_hi,
        effective_categories, cast_load_share, cast_load_share_lo, cast_load_share_hi, cast_action_share,
        cast_action_share_lo, cast_action_share_hi, cast_leads``.

        ``n_lists``: the department lists the assigned actions' departments come from (the independent units:
        intervals resample lists; Wilson with the lists' effective size for ``cast_action_share``).
        ``n_collective``: actions with an 'all units'/'all towns' row; ``n_collective_only``: actions with
        only such rows; ``n_unassigned``: actions with no row at all.  ``hhi`` is the Herfindahl index of
        category load shares (1 = one category does everything; 1/n = n categories share evenly),
        ``effective_categories`` its inverse.  ``cast_*``: the science and technology association's (科协)
        share of the load and of assigned actions, and the actions it leads (NaN where the plan names no
        leads).  Departmental numbers are NaN for a plan that is not assigned; the collective ones too when
        the plan has no assignment rows at all.
    """
    named = _named(actions, assignments, _rules(weighting)[0])
    ids = set(actions.loc[actions["kind"] == "action", "action_id"])
    a = assignments[assignments["action_id"].isin(ids)]
    coll_ids = set(a.loc[a["collective"].astype(bool), "action_id"])
    rows = []
    for j in plans_of(actions, assignments):
        plan_ids = set(_plan_actions(actions, j)["action_id"])
        n = named[named["jurisdiction"] == j]
        assigned = len(n) > 0
        named_ids = set(n["action_id"])
        coll = plan_ids & coll_ids
        any_rows = bool(plan_ids & set(a["action_id"]))
        names_leads = bool(n["is_lead"].any())
        row = {"jurisdiction": j, "weighting": weighting, "assigned": assigned, "names_leads": names_leads,
               "n_actions": len(plan_ids), "n_assigned": len(named_ids),
               "n_lists": float(n["list"].nunique()) if assigned else NAN,
               "n_collective": float(len(coll)) if any_rows else NAN,
               "collective_share": len(coll) / len(plan_ids) if plan_ids and any_rows else NAN,
               "n_collective_only": float(len(coll - named_ids)) if any_rows else NAN,
               "n_unassigned": len(plan_ids - named_ids - coll)}
        if assigned:
            shares = n.groupby("category")["weight"].sum() / len(named_ids)
            hhi = float((shares ** 2).sum())
            per_action = n.pivot_table(index="action_id", columns="category", values="weight", aggfunc="sum",
                                       fill_value=0.0)
            lists = n.groupby("action_id")["list"].first().reindex(per_action.index).to_numpy()
            mat = per_action.to_numpy()
            groups = [np.flatnonzero(lists == x) for x in dict.fromkeys(lists)]

            def _hhi(drawn):
                rows_idx = np.concatenate(drawn)
                s = mat[rows_idx].sum(axis=0) / len(rows_idx)
                return float((s ** 2).sum())

            hlo, hhi_hi = bootstrap_statistic(groups, _hhi, n_boot, seed)
            cw = per_action[CAST].to_numpy() if CAST in per_action else np.zeros(len(per_action))
            clo, chi = cluster_bootstrap_ratio(cw, np.ones(len(cw)), lists, None, n_boot, seed)
            cast_ids = set(n.loc[n["category"] == CAST, "action_id"])
            alo, ahi, _ = wilson_clustered(per_action.index.isin(cast_ids).astype(float), lists)
            row.update({"n_departments": n["department"].nunique(), "n_categories": n["category"].nunique(),
                        "hhi": hhi, "hhi_lo": hlo, "hhi_hi": hhi_hi, "effective_categories": 1 / hhi,
                        "cast_load_share": float(shares.get(CAST, 0.0)), "cast_load_share_lo": clo,
                        "cast_load_share_hi": chi,
                        "cast_action_share": len(cast_ids) / len(named_ids), "cast_action_share_lo": alo,
                        "cast_action_share_hi": ahi,
                        "cast_leads": float(n.loc[(n["category"] == CAST) & n["is_lead"], "action_id"].nunique())
                        if names_leads else NAN})
        else:
            row.update({k: NAN for k in ("n_departments", "n_categories", "hhi", "hhi_lo", "hhi_hi",
                                         "effective_categories", "cast_load_share", "cast_load_share_lo",
                                         "cast_load_share_hi", "cast_action_share", "cast_action_share_lo",
                                         "cast_action_share_hi", "cast_leads")})
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["CAST", "WEIGHTINGS", "DEFAULT_WEIGHTING", "WEIGHTING_NAMES", "department_workload", "load_units",
           "load_share_tests", "robust_pairs", "collective_assignments", "department_summary"]
