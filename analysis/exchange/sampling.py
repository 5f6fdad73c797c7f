"""The stratified sample of a validation: strata, allocation, the seeded draw.

**The units and the strata.** A unit is one row of ``actions.csv`` (an action or
a safeguard) -- segmentation is given; the sample measures the coding of a
unit.  Units are stratified by plan and line: the stratum of an action is
``<plan> / <group>`` for an action of a target group's line, ``<plan> / no
line`` for an action outside any line, and ``<plan> / safeguards`` for the
safeguards.  :func:`stratified_sample` allocates the sample size *N*:

1. *N* at least the number of units: every unit;
2. *N* at least the number of strata *H*: one unit per stratum, and the other
   *N − H* in proportion to the strata's remaining units (``N_h − 1``), by
   largest remainder (ties: the stratum that comes first);
3. *N* below *H*: one unit from each of the *N* strata with the smallest
   ``sha256(f"{seed}:{stratum}")`` (the other strata get none; the manual
   lists which).

Within a stratum the units drawn are those with the smallest
``sha256(f"{seed}:{action_id}")`` -- a seeded simple random sample without
replacement, the rule of :func:`analysis.validation.field_sample`.  Each unit
carries its design weight ``N_h / n_h``.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from analysis.files import sha256

#: Columns of :func:`stratified_sample`.
SAMPLE_COLUMNS = ["action_id", "jurisdiction", "kind", "stratum", "stratum_units", "stratum_sampled", "weight"]


def _h(seed: int, key: str) -> str:
    return sha256(f"{seed}:{key}".encode("utf-8"))


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def strata(actions: pd.DataFrame) -> pd.Series:
    """The stratum of every unit: ``<plan> / <group>``, ``<plan> / no line`` or ``<plan> / safeguards``.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``jurisdiction``, ``kind``, ``group``).

    Returns
    -------
    pandas.Series
        The stratum label per row, indexed like *actions*.
    """
    group = actions["group"] if "group" in actions else pd.Series(np.nan, index=actions.index)
    out = []
    for j, k, g in zip(actions["jurisdiction"].astype(str), actions["kind"].astype(str), group):
        if k == "safeguard":
            out.append(f"{j} / safeguards")
        elif _blank(g):
            out.append(f"{j} / no line")
        else:
            out.append(f"{j} / {g}")
    return pd.Series(out, index=actions.index, name="stratum")


def allocate(sizes: dict[str, int], size: int, seed: int = 0) -> dict[str, int]:
    """Units to draw per stratum (see the module docstring).

    Parameters
    ----------
    sizes : dict
        Units per stratum, in the strata's order.
    size : int
        The sample size, at least 1.
    seed : int
        Seed of the stratum choice when *size* is below the number of strata.

    Returns
    -------
    dict
        ``{stratum: n_h}`` with ``sum == min(size, total units)`` and ``0 <= n_h <= N_h``.
    """
    total, strata_ = sum(sizes.values()), [s for s, n in sizes.items() if n > 0]
    if size >= total:
        return dict(sizes)
    if size < len(strata_):
        chosen = set(sorted(strata_, key=lambda s: _h(seed, s))[:size])
        return {s: int(s in chosen) for s in sizes}
    rest = size - len(strata_)
    spare = {s: sizes[s] - 1 for s in strata_}
    pool = sum(spare.values())
    quota = {s: rest * spare[s] / pool if pool else 0.0 for s in strata_}
    out = {s: 0 for s in sizes}
    for s in strata_:
        out[s] = 1 + int(np.floor(quota[s] + 1e-12))
    left = size - sum(out.values())
    order = sorted(strata_, key=lambda s: (-(quota[s] - np.floor(quota[s] + 1e-12)), strata_.index(s)))
    for s in order:
        if left <= 0:
            break
        if out[s] < sizes[s]:
            out[s] += 1
            left -= 1
    return out


def stratified_sample(actions: pd.DataFrame, size: int, seed: int = 0) -> pd.DataFrame:
    """A stratified random sample of *size* units (see the module docstring for the strata and the allocation).

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv``.
    size : int
        Units to draw (at least 1; more than there are gives every unit).
    seed : int
        The seed: the same build, size and seed give the same sample.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SAMPLE_COLUMNS`, one row per unit drawn, in the order of ``actions.csv``;
        ``weight`` is the design weight ``N_h / n_h``.
    """
    if size < 1:
        raise ValueError("the sample size must be at least 1")
    st = strata(actions)
    sizes = {s: int(n) for s, n in st.value_counts(sort=False).reindex(list(dict.fromkeys(st))).items()}
    take = allocate(sizes, size, seed)
    chosen: set[str] = set()
    for s, n in take.items():
        ids = actions.loc[st == s, "action_id"].astype(str)
        chosen.update(sorted(ids, key=lambda a: _h(seed, a))[:n])
    keep = actions["action_id"].astype(str).isin(chosen)
    out = actions.loc[keep, ["action_id", "jurisdiction", "kind"]].astype(str).copy()
    out["stratum"] = st[keep]
    out["stratum_units"] = out["stratum"].map(sizes).astype(int)
    out["stratum_sampled"] = out["stratum"].map(take).astype(int)
    out["weight"] = out["stratum_units"] / out["stratum_sampled"]
    return out.reset_index(drop=True)[SAMPLE_COLUMNS]


__all__ = ["strata", "allocate", "stratified_sample", "SAMPLE_COLUMNS"]
