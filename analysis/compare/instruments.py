"""How the plans act: the mix of policy instruments per plan, and instruments crossed with target groups.

All shares are of a plan's *actions and safeguards* (every row of
``actions.csv``): safeguards are where plans put funding, coordination and
evaluation, so leaving them out would hide those instruments.  An action
that uses an instrument in several clauses counts once.  Intervals are
Wilson intervals with the effective size of the plan's independent units (a
task's measures together, :func:`analysis.compare.units.tasks`), and a
cluster bootstrap over those units for the composition.  The coding is the
rules'; :mod:`analysis.compare.misclassification` corrects these shares for
its errors, and :func:`leading_kind_tests` says whether one kind leads a plan.
"""
from __future__ import annotations

import pandas as pd

from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes, instrument_kinds
from analysis.compare.inference import (ALPHA, TEST_BOOT, adjust_family, holm, paired_difference, pairwise_differences,
                                        tied_top)
from analysis.compare.intervals import DEFAULT_BOOT, cluster_bootstrap_ratio, wilson, wilson_clustered
from analysis.compare.tables import has_group, plans_of
from analysis.compare.units import tasks

NO_GROUP = "no_group"


def instrument_ids() -> list[str]:
    """The codebook's instrument codes, in codebook order.

    Returns
    -------
    list of str
        Ids of the codebook's instrument codes (the ``code`` column of ``instruments.csv``).
    """
    return [c.id for c in instrument_codes(load_codebook())]


def kind_ids() -> list[str]:
    """The codebook's instrument kinds (supply, environment, demand), in order.

    Returns
    -------
    list of str
        Ids of the codebook's instrument kinds (the ``kind`` column of ``instruments.csv``).
    """
    return list(instrument_kinds(load_codebook()))


def instrument_mix(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "code") -> pd.DataFrame:
    """Plan x instrument (``level="code"``) or plan x kind (``level="kind"``): how many actions use it.

    Columns: ``jurisdiction, <level>, n_actions`` (the plan's actions and
    safeguards), ``n_units`` (its independent units), ``n_using`` (those using
    it: for a kind, at least one code of the kind), ``share``, ``share_lo``,
    ``share_hi`` (Wilson 95% with the units' effective size).

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    level : {"code", "kind"}
        Count single instruments or their kinds; anything else raises ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        One row per plan and instrument (or kind), in plan and codebook order, zero counts included; ``share``
        (of the plan's actions, 0..1) is NaN for a plan without actions.
    """
    if level not in ("code", "kind"):
        raise ValueError("level must be 'code' or 'kind'")
    keys = instrument_ids() if level == "code" else kind_ids()
    rows = []
    for j in plans_of(actions):
        aj = actions[actions["jurisdiction"] == j]
        ids = set(aj["action_id"])
        units = tasks(aj).to_numpy()
        ins = instruments[instruments["action_id"].isin(ids)]
        for key in keys:
            users = set(ins.loc[ins[level] == key, "action_id"])
            k = len(users)
            lo, hi, _ = wilson_clustered(aj["action_id"].isin(users).astype(float), units)
            rows.append({"jurisdiction": j, level: key, "n_actions": len(ids), "n_units": len(set(units)),
                         "n_using": k, "share": k / len(ids) if ids else float("nan"), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def instrument_composition(actions: pd.DataFrame, instruments: pd.DataFrame, n_boot: int = DEFAULT_BOOT,
                           seed: int = 0) -> pd.DataFrame:
    """Plan x kind: the kind's share of all the plan's instrument uses (action x code pairs).

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, kind, n_uses, n_total, share, share_lo, share_hi``: the interval is a cluster
        bootstrap over the plan's independent units (an action's codes travel together, and a task's
        measures too).  The composition view of Chinese policy-tool studies (supply : environment : demand).
    """
    rows = []
    for j in plans_of(actions):
        ins = instruments[instruments["jurisdiction"] == j]
        aj = actions[actions["jurisdiction"] == j]
        ids = list(aj["action_id"])
        units = tasks(aj).to_numpy()
        per_action = ins.groupby("action_id").size().reindex(ids, fill_value=0).to_numpy()
        tot = len(ins)
        for kind in kind_ids():
            k = int((ins["kind"] == kind).sum())
            num = ins[ins["kind"] == kind].groupby("action_id").size().reindex(ids, fill_value=0).to_numpy()
            lo, hi = cluster_bootstrap_ratio(num, per_action, units, None, n_boot, seed)
            rows.append({"jurisdiction": j, "kind": kind, "n_uses": k, "n_total": tot,
                         "share": k / tot if tot else float("nan"), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def kind_share_tests(actions: pd.DataFrame, instruments: pd.DataFrame, alpha: float = ALPHA,
                     n_boot: int = TEST_BOOT, seed: int = 0, adjust: bool = True) -> pd.DataFrame:
    """Every pair of plans compared on the share of actions (and safeguards) using each kind of instrument.

    Fisher's exact test where both plans' rows are their own units, the cluster bootstrap over tasks
    otherwise; Holm-adjusted over every kind and pair together (``adjust=False``: left to the caller).

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    alpha : float
        Family-wise error rate.
    n_boot, seed : int
        Bootstrap draws and seed.
    adjust : bool
        Holm-adjust the family.

    Returns
    -------
    pandas.DataFrame
        ``kind`` and :data:`analysis.compare.inference.PAIR_COLUMNS`.
    """
    plans = plans_of(actions)
    a = actions[actions["jurisdiction"].isin(plans)]
    clusters = tasks(a).to_numpy()
    tables, kinds = [], kind_ids()
    for i, kind in enumerate(kinds):
        users = set(instruments.loc[instruments["kind"] == kind, "action_id"])
        units = pd.DataFrame({"jurisdiction": a["jurisdiction"].to_numpy(),
                              "num": a["action_id"].isin(users).astype(float).to_numpy(), "den": 1.0,
                              "cluster": clusters})
        tables.append(pairwise_differences(units, plans, alpha, n_boot, seed + 1000 * i, adjust=False))
    if adjust and tables:
        tables = adjust_family(tables, alpha)
    return pd.concat([t.assign(kind=k) for t, k in zip(tables, kinds)], ignore_index=True) if tables else \
        pd.DataFrame(columns=["kind"])


#: Columns of :func:`leading_kind_tests`.
LEADING_COLUMNS = ["jurisdiction", "kind", "share", "next_kind", "next_share", "tied", "difference",
                   "difference_lo", "difference_hi", "p_value", "p_adjusted", "leads"]


def leading_kind_tests(actions: pd.DataFrame, instruments: pd.DataFrame, alpha: float = ALPHA,
                       n_boot: int = TEST_BOOT, seed: int = 0) -> pd.DataFrame:
    """Does one kind of instrument lead each plan?  A test of the difference between its two largest kinds.

    Per plan, the kind with the largest share of the plan's instrument uses against the next one: a paired
    cluster bootstrap of the difference over the plan's units
    (:func:`analysis.compare.inference.paired_difference`), Holm-adjusted across the plans.

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    alpha : float
        Family-wise error rate.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        :data:`LEADING_COLUMNS`, one row per plan with instrument codes: ``tied`` lists every kind sharing the
        largest share (``;``-joined; a tie is never broken), ``leads`` is True where the largest kind is alone
        and its difference from the next is significant after adjustment.
    """
    rows = []
    for i, j in enumerate(plans_of(actions)):
        ins = instruments[instruments["jurisdiction"] == j]
        if not len(ins):
            continue
        aj = actions[actions["jurisdiction"] == j]
        ids = list(aj["action_id"])
        counts = {k: int((ins["kind"] == k).sum()) for k in kind_ids()}
        order = sorted(counts, key=lambda k: -counts[k])  # stable: codebook order among equals
        top = tied_top({k: float(counts[k]) for k in order})
        first = top[0]
        nxt = order[1] if len(order) > 1 else None
        per = ins.groupby(["action_id", "kind"]).size().unstack(fill_value=0).reindex(ids, fill_value=0)
        den = per.sum(axis=1).to_numpy(float)
        row = {"jurisdiction": j, "kind": first, "share": counts[first] / len(ins), "next_kind": nxt,
               "next_share": counts[nxt] / len(ins) if nxt else float("nan"), "tied": ";".join(top)}
        if nxt is not None and len(top) == 1:
            row.update(paired_difference(per.get(first, 0) * 1.0, per.get(nxt, 0) * 1.0, den,
                                         tasks(aj).to_numpy(), None, n_boot, seed + i))
        else:
            row.update({"difference": 0.0 if len(top) > 1 else float("nan"), "difference_lo": float("nan"),
                        "difference_hi": float("nan"), "p_value": float("nan")})
        rows.append(row)
    out = pd.DataFrame(rows, columns=[c for c in LEADING_COLUMNS if c not in ("p_adjusted", "leads")])
    out["p_adjusted"] = holm(out["p_value"])
    out["leads"] = out["p_adjusted"].lt(alpha) & ~out["tied"].str.contains(";")
    return out[LEADING_COLUMNS]


def instrument_by_group(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "kind") -> pd.DataFrame:
    """Plan x target-group line x instrument (or kind): the instrument x target framework of 政策工具 studies.

    Columns: ``jurisdiction, group`` (a codebook group, or ``no_group`` for
    actions outside every group line), ``<level>, n_actions`` (the line's
    actions), ``n_using``, ``share``, ``share_lo``, ``share_hi``.  Only
    ``kind == "action"`` rows (safeguards belong to no group line); a plan
    without a line for a group has no rows for it -- not zero.

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    level : {"kind", "code"}
        Count instrument kinds (default) or single instruments.

    Returns
    -------
    pandas.DataFrame
        One row per plan, group line it has (codebook order, ``no_group`` last) and instrument (or kind), with the
        columns above; the interval is Wilson's over the line's actions.
    """
    keys = instrument_ids() if level == "code" else kind_ids()
    cb = load_codebook()
    groups = [g.id for g in cb.groups] + [NO_GROUP]
    act = actions[actions["kind"] == "action"].copy()
    act["_g"] = act["group"].where(has_group(act["group"]), NO_GROUP)
    rows = []
    for j in plans_of(actions):
        aj = act[act["jurisdiction"] == j]
        for g in groups:
            ids = set(aj.loc[aj["_g"] == g, "action_id"])
            if not ids:
                continue
            ins = instruments[instruments["action_id"].isin(ids)]
            for key in keys:
                k = ins.loc[ins[level] == key, "action_id"].nunique()
                lo, hi = wilson(k, len(ids))
                rows.append({"jurisdiction": j, "group": g, level: key, "n_actions": len(ids), "n_using": k,
                             "share": k / len(ids), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


__all__ = ["instrument_ids", "kind_ids", "instrument_mix", "instrument_composition", "kind_share_tests",
           "leading_kind_tests",
           "LEADING_COLUMNS", "instrument_by_group", "NO_GROUP"]
