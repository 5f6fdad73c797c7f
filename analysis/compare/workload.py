"""Who carries the plans: department workloads, concentration and co-assignment networks.

Counting rules (stated once, used by every function):

- Only ``kind == "action"`` rows count; safeguards assign no departments.
- *Collective* rows (各责任单位 "all responsible units", 各镇街道 "all towns and
  sub-districts") are not departments: they never enter departmental counts,
  shares, loads or networks, and are reported on their own
  (:func:`collective_assignments`, ``collective_share`` in :func:`department_summary`).
- An action is *assigned* when at least one named (non-collective) department
  carries it; shares are of the plan's assigned actions.
- *Weighted load*: an action shared by k distinct departments counts 1/k to
  each, so a plan's loads sum to its number of assigned actions and a
  department named on every long list does not look busier than one carrying
  actions alone.
- A plan with no per-action departments at all (Inner Mongolia) is *not
  assigned*: ``assigned == False`` and NaN in every workload number -- never
  zero, which would claim its departments do nothing.
- Lead counts exist only for plans that name leads (牵头, Shenzhen); NaN elsewhere.
"""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd

from analysis.compare.intervals import DEFAULT_BOOT, bootstrap_ratio, bootstrap_statistic, wilson
from analysis.compare.tables import plans_of

NAN = float("nan")
CAST = "cast"


def _named(actions: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Non-collective assignment rows of actions (kind 'action'), one per action and department."""
    ids = set(actions.loc[actions["kind"] == "action", "action_id"])
    a = assignments[assignments["action_id"].isin(ids) & ~assignments["collective"].astype(bool)].copy()
    a["is_lead"] = a["role"] == "lead"
    # a department listed twice on one action (lead and cooperating) is one department, lead if either
    a = (a.groupby(["jurisdiction", "action_id", "department", "category"], as_index=False, sort=True)
         ["is_lead"].any())
    a["k"] = a.groupby("action_id")["department"].transform("size")
    a["weight"] = 1.0 / a["k"]
    return a


def _plan_actions(actions: pd.DataFrame, j: str) -> pd.DataFrame:
    return actions[(actions["jurisdiction"] == j) & (actions["kind"] == "action")]


def department_workload(actions: pd.DataFrame, assignments: pd.DataFrame, level: str = "category",
                        keys: list[str] | None = None, n_boot: int = DEFAULT_BOOT, seed: int = 0) -> pd.DataFrame:
    """Plan x department category (or department), full grid.

    Columns: ``jurisdiction, <level>, assigned, actions, share, share_lo,
    share_hi, load, load_share, load_share_lo, load_share_hi, leads``.

    - ``actions``: assigned actions the category carries (any of its departments);
    - ``share``: ``actions`` / the plan's assigned actions (Wilson interval);
    - ``load``: weighted load (1/k per action shared by k departments);
      ``load_share``: ``load`` / the plan's total load (interval: bootstrap
      over the plan's assigned actions);
    - ``leads``: actions the category leads (NaN if the plan names no leads).

    Rows for a plan with ``assigned == False`` are NaN throughout.  *keys*
    fixes the rows' categories and their order (default: every category
    named by any plan, by total load, heaviest first).
    """
    if level not in ("category", "department"):
        raise ValueError("level must be 'category' or 'department'")
    named = _named(actions, assignments)
    if keys is None:
        tot = named.groupby(level)["weight"].sum()
        keys = sorted(tot.index, key=lambda c: (-round(tot[c], 9), c))
    rows = []
    for j in plans_of(actions, assignments):
        n = named[named["jurisdiction"] == j]
        assigned = len(n) > 0
        n_assigned = n["action_id"].nunique()
        names_leads = bool(n["is_lead"].any())
        per_action = n.pivot_table(index="action_id", columns=level, values="weight", aggfunc="sum",
                                   fill_value=0.0) if assigned else None
        for key in keys:
            c = n[n[level] == key]
            acts = c["action_id"].nunique()
            load = float(c["weight"].sum())
            if assigned:
                slo, shi = wilson(acts, n_assigned)
                w = per_action[key].to_numpy() if key in per_action else np.zeros(len(per_action))
                llo, lhi = bootstrap_ratio(w, np.ones(len(w)), n_boot, seed)
            else:
                slo = shi = llo = lhi = NAN
            rows.append({
                "jurisdiction": j, level: key, "assigned": assigned,
                "actions": float(acts) if assigned else NAN,
                "share": acts / n_assigned if assigned else NAN, "share_lo": slo, "share_hi": shi,
                "load": load if assigned else NAN,
                "load_share": load / n_assigned if assigned else NAN,  # total load == n_assigned
                "load_share_lo": llo, "load_share_hi": lhi,
                "leads": float(c.loc[c["is_lead"], "action_id"].nunique()) if names_leads else NAN,
            })
    return pd.DataFrame(rows)


def collective_assignments(actions: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Plan x collective category: actions given to 'all responsible units' / 'all towns and sub-districts'.

    Columns: ``jurisdiction, category, actions, share`` (of the plan's
    actions), ``only`` (actions whose sole assignment is that collective).
    Every plan appears: 0 for a plan that names departments but no collective
    (a real zero), NaN for a plan that assigns nothing at all (not assigned).
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
                       seed: int = 0) -> pd.DataFrame:
    """One row per plan: how its actions are assigned and how concentrated the work is.

    Columns: ``jurisdiction, assigned, names_leads, n_actions, n_assigned,
    n_collective, collective_share, n_collective_only, n_unassigned,
    n_departments, n_categories, hhi, hhi_lo, hhi_hi, effective_categories,
    cast_load_share, cast_load_share_lo, cast_load_share_hi, cast_action_share,
    cast_action_share_lo, cast_action_share_hi`` (``_lo``/``_hi``: 95% intervals,
    bootstrap over the plan's assigned actions, Wilson for ``cast_action_share``).

    ``n_collective``: actions with an 'all units'/'all towns' row;
    ``n_collective_only``: actions with only such rows; ``n_unassigned``: actions
    with no row at all.  ``hhi`` is the Herfindahl index of category load shares
    (1 = one category does everything; 1/n = n categories share evenly),
    ``effective_categories`` its inverse.  ``cast_*``: the science and
    technology association's (科协) share of the load and of assigned actions.
    Departmental numbers are NaN for a plan that is not assigned; the
    collective ones too when the plan has no assignment rows at all.
    """
    named = _named(actions, assignments)
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
        row = {"jurisdiction": j, "assigned": assigned, "names_leads": bool(n["is_lead"].any()),
               "n_actions": len(plan_ids), "n_assigned": len(named_ids),
               "n_collective": float(len(coll)) if any_rows else NAN,
               "collective_share": len(coll) / len(plan_ids) if plan_ids and any_rows else NAN,
               "n_collective_only": float(len(coll - named_ids)) if any_rows else NAN,
               "n_unassigned": len(plan_ids - named_ids - coll)}
        if assigned:
            shares = n.groupby("category")["weight"].sum() / len(named_ids)
            hhi = float((shares ** 2).sum())
            per_action = n.pivot_table(index="action_id", columns="category", values="weight", aggfunc="sum",
                                       fill_value=0.0)
            mat = per_action.to_numpy()

            def _hhi(rows_idx):
                s = mat[rows_idx].sum(axis=0) / len(rows_idx)
                return float((s ** 2).sum())

            hlo, hhi_hi = bootstrap_statistic(list(range(len(mat))), _hhi, n_boot, seed)
            cw = per_action[CAST].to_numpy() if CAST in per_action else np.zeros(len(per_action))
            clo, chi = bootstrap_ratio(cw, np.ones(len(cw)), n_boot, seed)
            n_cast = n.loc[n["category"] == CAST, "action_id"].nunique()
            alo, ahi = wilson(n_cast, len(named_ids))
            row.update({"n_departments": n["department"].nunique(), "n_categories": n["category"].nunique(),
                        "hhi": hhi, "hhi_lo": hlo, "hhi_hi": hhi_hi, "effective_categories": 1 / hhi,
                        "cast_load_share": float(shares.get(CAST, 0.0)), "cast_load_share_lo": clo,
                        "cast_load_share_hi": chi,
                        "cast_action_share": n_cast / len(named_ids), "cast_action_share_lo": alo,
                        "cast_action_share_hi": ahi})
        else:
            row.update({k: NAN for k in ("n_departments", "n_categories", "hhi", "hhi_lo", "hhi_hi",
                                         "effective_categories", "cast_load_share", "cast_load_share_lo",
                                         "cast_load_share_hi", "cast_action_share", "cast_action_share_lo",
                                         "cast_action_share_hi")})
        rows.append(row)
    return pd.DataFrame(rows)


def coassignment_graph(actions: pd.DataFrame, assignments: pd.DataFrame, jurisdiction: str,
                       level: str = "category") -> nx.Graph:
    """The plan's co-assignment network: who is named on the same actions.

    Nodes are categories (or departments, ``level="department"``) with
    attributes ``actions`` (assigned actions carried) and ``load`` (weighted
    load); an edge joins two nodes named together on at least one action,
    ``weight`` = the number of such actions.  ``G.graph["assigned"]`` is False
    (and the graph empty) for a plan that names no departments -- "not
    assigned", not "no collaboration".
    """
    named = _named(actions, assignments)
    n = named[named["jurisdiction"] == jurisdiction]
    g = nx.Graph(jurisdiction=jurisdiction, level=level, assigned=len(n) > 0)
    for key, c in n.groupby(level, sort=True):
        g.add_node(key, actions=c["action_id"].nunique(), load=float(c["weight"].sum()))
    for _, c in n.groupby("action_id", sort=True):
        for u, v in itertools.combinations(sorted(set(c[level])), 2):
            w = g.edges[u, v]["weight"] + 1 if g.has_edge(u, v) else 1
            g.add_edge(u, v, weight=w)
    return g


def coassignment_edges(actions: pd.DataFrame, assignments: pd.DataFrame, level: str = "category") -> pd.DataFrame:
    """Every plan's co-assignment edges as a table: ``jurisdiction, source, target, weight``.

    Sorted by plan, then weight (heaviest first), then names; plans not
    assigned contribute no rows (see :func:`network_summary` for their flag).
    """
    rows = []
    for j in plans_of(actions, assignments):
        g = coassignment_graph(actions, assignments, j, level)
        rows += [{"jurisdiction": j, "source": u, "target": v, "weight": d["weight"]}
                 for u, v, d in g.edges(data=True)]
    out = pd.DataFrame(rows, columns=["jurisdiction", "source", "target", "weight"])
    order = {j: i for i, j in enumerate(plans_of(actions, assignments))}
    return (out.assign(_o=out["jurisdiction"].map(order)).sort_values(["_o", "weight", "source", "target"],
                                                                      ascending=[True, False, True, True])
            .drop(columns="_o").reset_index(drop=True))


def network_summary(actions: pd.DataFrame, assignments: pd.DataFrame, level: str = "category") -> pd.DataFrame:
    """One row per plan: ``jurisdiction, assigned, nodes, edges, density, mean_weighted_degree, hub, hub_degree``.

    ``hub`` is the node with the largest weighted degree (ties: name order),
    the department the plan most often pairs with others.  NaN / empty when
    the plan is not assigned.
    """
    rows = []
    for j in plans_of(actions, assignments):
        g = coassignment_graph(actions, assignments, j, level)
        if not g.graph["assigned"]:
            rows.append({"jurisdiction": j, "assigned": False, "nodes": NAN, "edges": NAN, "density": NAN,
                         "mean_weighted_degree": NAN, "hub": np.nan, "hub_degree": NAN})
            continue
        deg = dict(g.degree(weight="weight"))
        hub = min(deg, key=lambda x: (-deg[x], x))
        rows.append({"jurisdiction": j, "assigned": True, "nodes": g.number_of_nodes(),
                     "edges": g.number_of_edges(), "density": nx.density(g),
                     "mean_weighted_degree": float(np.mean(list(deg.values()))), "hub": hub,
                     "hub_degree": float(deg[hub])})
    return pd.DataFrame(rows)
