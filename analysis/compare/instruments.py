"""How the plans act: the mix of policy instruments per plan, and instruments crossed with target groups.

All shares are of a plan's *actions and safeguards* (every row of
``actions.csv``): safeguards are where plans put funding, coordination and
evaluation, so leaving them out would hide those instruments.  An action
that uses an instrument in several clauses counts once.  Intervals are
Wilson intervals over the plan's actions (bootstrap over them for the composition).
"""
from __future__ import annotations

import pandas as pd

from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes, instrument_kinds
from analysis.compare.intervals import bootstrap_ratio, wilson
from analysis.compare.tables import has_group, plans_of

NO_GROUP = "no_group"


def instrument_ids() -> list[str]:
    """The codebook's instrument codes, in codebook order."""
    return [c.id for c in instrument_codes(load_codebook())]


def kind_ids() -> list[str]:
    """The codebook's instrument kinds (supply, environment, demand), in order."""
    return list(instrument_kinds(load_codebook()))


def instrument_mix(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "code") -> pd.DataFrame:
    """Plan x instrument (``level="code"``) or plan x kind (``level="kind"``): how many actions use it.

    Columns: ``jurisdiction, <level>, n_actions`` (the plan's actions and
    safeguards), ``n_using`` (those using it: for a kind, at least one code of
    the kind), ``share``, ``share_lo``, ``share_hi`` (Wilson 95%).
    """
    if level not in ("code", "kind"):
        raise ValueError("level must be 'code' or 'kind'")
    keys = instrument_ids() if level == "code" else kind_ids()
    rows = []
    for j in plans_of(actions):
        ids = set(actions.loc[actions["jurisdiction"] == j, "action_id"])
        ins = instruments[instruments["action_id"].isin(ids)]
        for key in keys:
            k = ins.loc[ins[level] == key, "action_id"].nunique()
            lo, hi = wilson(k, len(ids))
            rows.append({"jurisdiction": j, level: key, "n_actions": len(ids), "n_using": k,
                         "share": k / len(ids) if ids else float("nan"), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def instrument_composition(actions: pd.DataFrame, instruments: pd.DataFrame) -> pd.DataFrame:
    """Plan x kind: the kind's share of all the plan's instrument uses (action x code pairs).

    Columns: ``jurisdiction, kind, n_uses, n_total, share``, ``share_lo``/``share_hi`` (percentile
    bootstrap over the plan's actions and safeguards: an action's codes travel together).  The
    composition view of Chinese policy-tool studies (supply : environment : demand).
    """
    rows = []
    for j in plans_of(actions):
        ins = instruments[instruments["jurisdiction"] == j]
        ids = list(actions.loc[actions["jurisdiction"] == j, "action_id"])
        per_action = ins.groupby("action_id").size().reindex(ids, fill_value=0).to_numpy()
        tot = len(ins)
        for kind in kind_ids():
            k = int((ins["kind"] == kind).sum())
            num = ins[ins["kind"] == kind].groupby("action_id").size().reindex(ids, fill_value=0).to_numpy()
            lo, hi = bootstrap_ratio(num, per_action)
            rows.append({"jurisdiction": j, "kind": kind, "n_uses": k, "n_total": tot,
                         "share": k / tot if tot else float("nan"), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(rows)


def instrument_by_group(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "kind") -> pd.DataFrame:
    """Plan x target-group line x instrument (or kind): the instrument x target framework of 政策工具 studies.

    Columns: ``jurisdiction, group`` (a codebook group, or ``no_group`` for
    actions outside every group line), ``<level>, n_actions`` (the line's
    actions), ``n_using``, ``share``, ``share_lo``, ``share_hi``.  Only
    ``kind == "action"`` rows (safeguards belong to no group line); a plan
    without a line for a group has no rows for it -- not zero.
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


__all__ = ["instrument_ids", "kind_ids", "instrument_mix", "instrument_composition", "instrument_by_group",
           "NO_GROUP"]
