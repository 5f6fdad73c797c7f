"""Co-assignment networks: which departments a plan names on the same actions.

Split from :mod:`analysis.compare.workload`, whose counting rules hold here
too: only ``kind == "action"`` rows count, collective rows (各责任单位 ...) are
not departments and make no nodes, and a plan that names no department per
action is *not assigned* (an empty graph flagged ``assigned == False``, NaN in
the summary) -- not a plan without collaboration.  Re-exported by
:mod:`analysis.compare`.
"""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd

from analysis.compare.inference import tied_top
from analysis.compare.tables import plans_of
from analysis.compare.workload import _named

NAN = float("nan")


def coassignment_graph(actions: pd.DataFrame, assignments: pd.DataFrame, jurisdiction: str,
                       level: str = "category") -> nx.Graph:
    """The plan's co-assignment network: who is named on the same actions.

    Nodes are categories (or departments, ``level="department"``) with
    attributes ``actions`` (assigned actions carried) and ``load`` (weighted
    load); an edge joins two nodes named together on at least one action,
    ``weight`` = the number of such actions.  ``G.graph["assigned"]`` is False
    (and the graph empty) for a plan that names no departments -- "not
    assigned", not "no collaboration".

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv`` (only named departments, not collectives, make nodes).
    jurisdiction : str
        The plan.
    level : {"category", "department"}
        What a node is.

    Returns
    -------
    networkx.Graph
        Graph attributes ``jurisdiction``, ``level``, ``assigned``; node and edge attributes as above.
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

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    level : {"category", "department"}
        What a node is (:func:`coassignment_graph`).

    Returns
    -------
    pandas.DataFrame
        One row per edge of every plan's graph; ``weight`` is the number of actions naming both ends.
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
    """One row per plan: how its co-assignment network looks, and which node is its hub.

    Parameters
    ----------
    actions, assignments : pandas.DataFrame
        ``actions.csv`` and ``assignments.csv``.
    level : str
        ``"category"`` or ``"department"``.

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, assigned, nodes, edges, density, mean_weighted_degree, hub, hub_degree, hubs, n_hubs``.
        ``hubs`` lists (``;``-joined, by name) every node with the largest weighted degree -- the departments
        the plan most often pairs with others -- and ``n_hubs`` how many tie for it; ``hub`` is the first of
        them by name (a tie is a tie: read ``hubs``).  NaN / empty when the plan is not assigned.
    """
    rows = []
    for j in plans_of(actions, assignments):
        g = coassignment_graph(actions, assignments, j, level)
        if not g.graph["assigned"]:
            rows.append({"jurisdiction": j, "assigned": False, "nodes": NAN, "edges": NAN, "density": NAN,
                         "mean_weighted_degree": NAN, "hub": np.nan, "hub_degree": NAN, "hubs": np.nan,
                         "n_hubs": NAN})
            continue
        deg = dict(g.degree(weight="weight"))
        hubs = sorted(tied_top({k: float(v) for k, v in deg.items()}))
        hub = hubs[0]
        rows.append({"jurisdiction": j, "assigned": True, "nodes": g.number_of_nodes(),
                     "edges": g.number_of_edges(), "density": nx.density(g),
                     "mean_weighted_degree": float(np.mean(list(deg.values()))), "hub": hub,
                     "hub_degree": float(deg[hub]), "hubs": ";".join(hubs), "n_hubs": float(len(hubs))})
    return pd.DataFrame(rows)


__all__ = ["coassignment_graph", "coassignment_edges", "network_summary"]
