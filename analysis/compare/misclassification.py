"""Coding error carried into the numbers: shares of machine-coded categories corrected for misclassification.

The package codes instruments and target-group lines by rules, and rules err.  A validation sample coded
by hand (``data/validation/``; :mod:`analysis.validation`) says how often: for every category, the
rules' **sensitivity** (the share of units that truly have it which the rules code) and **specificity**
(the share of units that truly lack it which the rules leave uncoded).  A plan's observed share ``p_obs`` of
units coded with the category then estimates ``Se * p + (1 - Sp) * (1 - p)``, and the true share ``p``
is recovered by the **Rogan–Gladen** estimator (Rogan & Gladen 1978)::

    p = (p_obs + Sp - 1) / (Se + Sp - 1),   clipped to [0, 1]

(undefined when ``Se + Sp <= 1``: the rules then carry no information about the category).  It assumes
that sensitivity and specificity do not depend on the plan -- the rules read every plan the same way -- and
that the validation sample is representative of the units coded.

**Intervals** carry both sources of uncertainty (:func:`corrected_shares`): every bootstrap draw resamples
the plan's independent units (tasks, :mod:`analysis.compare.units`) for ``p_obs`` *and* the validation
units for ``Se`` and ``Sp``, then corrects; the 2.5th and 97.5th percentiles of the corrected draws are the
interval.  Where the validation sample shows no error for a category, its resamples show none either and
the correction adds no width: zero errors in n units is an upper bound of about 3/n on the error rate
(the "rule of three"), which the interval does not show.

**Which validation units.**  By default the held-out ``test`` part of the instrument sample
(:func:`analysis.validation.instrument_split`): the rules were tuned on the development part, where they
look better than they are.  The field sample (target group) has no such split and is used whole.

The input is a table of per-unit **decisions** (:func:`decisions`): for each validation unit and category,
whether the rules coded it (``predicted``) and whether the adjudicated coding has it (``gold``).  A
confusion matrix per category (``tp, fp, fn, tn``) carries the same information for one category and can be
expanded into decisions with :func:`decisions_from_confusion`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis import validation
from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes
from analysis.compare.coverage import group_ids
from analysis.compare.instruments import instrument_ids, kind_ids
from analysis.compare.intervals import DEFAULT_BOOT, MIN_UNITS
from analysis.compare.tables import plans_of
from analysis.compare.units import tasks

#: Columns of :func:`decisions`.
DECISION_COLUMNS = ["unit", "item", "predicted", "gold"]
#: Columns of :func:`corrected_shares`.
CORRECTED_COLUMNS = ["jurisdiction", "item", "n_units", "n_coded", "share_raw", "share_raw_lo", "share_raw_hi",
                     "sensitivity", "specificity", "n_validation", "share_corrected", "share_corrected_lo",
                     "share_corrected_hi", "n_adjudicated", "share_adjudicated"]


def decisions(predicted: dict, gold: dict, units: Iterable[str], items: Iterable[str]) -> pd.DataFrame:
    """Per-unit decisions: every unit crossed with every item.

    Parameters
    ----------
    predicted, gold : dict
        Unit -> set of items the rules coded / the adjudicated coding holds.
    units : iterable of str
        The validation units.
    items : iterable of str
        The categories.

    Returns
    -------
    pandas.DataFrame
        :data:`DECISION_COLUMNS`, one row per unit and item.
    """
    items = list(items)
    rows = [(u, i, i in predicted.get(u, set()), i in gold.get(u, set())) for u in units for i in items]
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def decisions_from_confusion(confusion: pd.DataFrame) -> pd.DataFrame:
    """Decisions from a confusion matrix per category (``item, tp, fp, fn, tn``), one synthetic unit per count.

    Parameters
    ----------
    confusion : pandas.DataFrame
        One row per item with its counts.

    Returns
    -------
    pandas.DataFrame
        :data:`DECISION_COLUMNS`; resampling these rows resamples the validation units of each item.
    """
    rows = []
    for r in confusion.itertuples():
        for cell, pred, gold in (("tp", True, True), ("fp", True, False), ("fn", False, True), ("tn", False, False)):
            rows += [(f"{r.item}:{cell}:{k}", r.item, pred, gold) for k in range(int(getattr(r, cell)))]
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def confusion(decisions_table: pd.DataFrame) -> pd.DataFrame:
    """Per category: ``item, n, tp, fp, fn, tn, sensitivity, specificity, precision``.

    Parameters
    ----------
    decisions_table : pandas.DataFrame
        :func:`decisions`.

    Returns
    -------
    pandas.DataFrame
        One row per item, in order of appearance; a ratio with an empty denominator is NaN.
    """
    d = decisions_table
    rows = []
    for item, g in d.groupby("item", sort=False):
        p, t = g["predicted"].astype(bool), g["gold"].astype(bool)
        tp, fp, fn, tn = int((p & t).sum()), int((p & ~t).sum()), int((~p & t).sum()), int((~p & ~t).sum())
        rows.append({"item": item, "n": len(g), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                     "sensitivity": tp / (tp + fn) if tp + fn else np.nan,
                     "specificity": tn / (tn + fp) if tn + fp else np.nan,
                     "precision": tp / (tp + fp) if tp + fp else np.nan})
    return pd.DataFrame(rows, columns=["item", "n", "tp", "fp", "fn", "tn", "sensitivity", "specificity",
                                       "precision"])


def rogan_gladen(p_obs, sensitivity, specificity):
    """The true share from an observed one: ``(p_obs + Sp - 1) / (Se + Sp - 1)``, clipped to [0, 1].

    Parameters
    ----------
    p_obs, sensitivity, specificity : float or numpy.ndarray
        Observed share and the coder's sensitivity and specificity (broadcast together).

    Returns
    -------
    float or numpy.ndarray
        The corrected share; NaN where ``Se + Sp <= 1`` or an input is NaN.
    """
    p_obs, se, sp = (np.asarray(x, dtype=float) for x in (p_obs, sensitivity, specificity))
    den = se + sp - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, np.clip((p_obs + sp - 1) / np.where(den > 0, den, 1), 0.0, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def _matrix(table: pd.DataFrame, index: str, items: list[str], value: str) -> np.ndarray:
    t = table.assign(_v=table[value].astype(bool).astype(int))
    m = t.pivot_table(index=index, columns="item", values="_v", aggfunc="max", sort=False)
    return m.reindex(columns=items).fillna(0).to_numpy(dtype=float)


def corrected_shares(coded: pd.DataFrame, decisions_table: pd.DataFrame, adjudicated: pd.DataFrame | None = None,
                     n_boot: int = DEFAULT_BOOT, seed: int = 0, conf: float = 0.95,
                     min_units: int = MIN_UNITS) -> pd.DataFrame:
    """Each plan's share of units coded with each category: raw, corrected for misclassification, adjudicated.

    Parameters
    ----------
    coded : pandas.DataFrame
        One row per plan, unit and item: ``jurisdiction, unit, cluster, item, coded`` (0/1: the rules coded
        the item on the unit); ``cluster`` is the unit's independent unit (a task).
    decisions_table : pandas.DataFrame
        :func:`decisions` of the validation sample, for the same items.
    adjudicated : pandas.DataFrame, optional
        ``unit, item, gold`` for the plan's units that were hand-coded: their adjudicated share is shown beside
        the corrected one.
    n_boot, seed : int
        Bootstrap draws and seed.
    conf : float
        Confidence level.
    min_units : int
        Fewest independent units of a plan for an interval.

    Returns
    -------
    pandas.DataFrame
        :data:`CORRECTED_COLUMNS`: ``share_raw`` (with its cluster-bootstrap interval), the validation's
        ``sensitivity`` and ``specificity`` (``n_validation`` units), ``share_corrected`` (Rogan–Gladen, its
        interval resampling the plan's units and the validation units together), the number of the plan's units
        that were hand-coded (``n_adjudicated``) and, where all of them were, the adjudicated share
        (``share_adjudicated``; NaN otherwise: a sample's share has sampling error of its own).
    """
    items = list(dict.fromkeys(coded["item"]))
    conf_t = confusion(decisions_table[decisions_table["item"].isin(items)]).set_index("item") \
        if len(decisions_table) else pd.DataFrame()
    d = decisions_table[decisions_table["item"].isin(items)]
    vu = list(dict.fromkeys(d["unit"]))
    V_pred = _matrix(d, "unit", items, "predicted") if len(d) else np.zeros((0, len(items)))
    V_gold = _matrix(d, "unit", items, "gold") if len(d) else np.zeros((0, len(items)))
    rng = np.random.default_rng(seed)
    vidx = rng.integers(0, len(vu), size=(n_boot, len(vu))) if len(vu) else None
    se_b = sp_b = None
    if vidx is not None:
        pos = np.stack([V_gold[i].sum(axis=0) for i in vidx])
        tp = np.stack([(V_gold[i] * V_pred[i]).sum(axis=0) for i in vidx])
        neg = len(vu) - pos
        tn = np.stack([((1 - V_gold[i]) * (1 - V_pred[i])).sum(axis=0) for i in vidx])
        with np.errstate(invalid="ignore", divide="ignore"):
            se_b, sp_b = tp / pos, tn / neg
    q = (1 - conf) / 2
    rows = []
    for j, g in coded.groupby("jurisdiction", sort=False):
        units = list(dict.fromkeys(g["unit"]))
        Y = _matrix(g, "unit", items, "coded")
        clusters = g.drop_duplicates("unit").set_index("unit")["cluster"].reindex(units)
        cl = pd.factorize(clusters)[0]
        n_c = int(cl.max()) + 1 if len(cl) else 0
        Yc = np.zeros((n_c, len(items)))
        np.add.at(Yc, cl, Y)
        mc = np.bincount(cl, minlength=n_c).astype(float)
        p_obs = Y.mean(axis=0) if len(Y) else np.full(len(items), np.nan)
        if n_c >= min_units:
            cidx = rng.integers(0, n_c, size=(n_boot, n_c))
            p_b = np.stack([Yc[i].sum(axis=0) / mc[i].sum() for i in cidx])
        else:
            p_b = None
        adj = None
        if adjudicated is not None and len(adjudicated):
            a = adjudicated[adjudicated["unit"].isin(set(units))]
            if len(a):
                share = a.groupby("item")["gold"].apply(lambda s: s.astype(bool).mean())
                # the adjudicated share is shown only where every unit of the plan was hand-coded (a census):
                # the share of a sample of the plan estimates it with sampling error of its own
                adj = (a["unit"].nunique(), share if a["unit"].nunique() == len(units) else None)
        for k, item in enumerate(items):
            se = float(conf_t.loc[item, "sensitivity"]) if item in conf_t.index else np.nan
            sp = float(conf_t.loc[item, "specificity"]) if item in conf_t.index else np.nan
            rlo = rhi = clo = chi = np.nan
            if p_b is not None:
                rlo, rhi = np.quantile(p_b[:, k], [q, 1 - q])
                if se_b is not None:
                    c = rogan_gladen(p_b[:, k], se_b[:, k], sp_b[:, k])
                    c = c[np.isfinite(c)]
                    if len(c):
                        clo, chi = np.quantile(c, [q, 1 - q])
            rows.append({"jurisdiction": j, "item": item, "n_units": len(units), "n_coded": int(Y[:, k].sum()),
                         "share_raw": float(p_obs[k]), "share_raw_lo": float(rlo), "share_raw_hi": float(rhi),
                         "sensitivity": se, "specificity": sp, "n_validation": len(vu),
                         "share_corrected": rogan_gladen(p_obs[k], se, sp),
                         "share_corrected_lo": float(clo), "share_corrected_hi": float(chi),
                         "n_adjudicated": adj[0] if adj else 0,
                         "share_adjudicated": float(adj[1].get(item, 0.0)) if adj and adj[1] is not None
                         else np.nan})
    return pd.DataFrame(rows, columns=CORRECTED_COLUMNS)


# ------------------------------------------------------------------ the package's categories
def instrument_decisions(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "code",
                         split: str = "test", folder: Path | None = None) -> pd.DataFrame:
    """Decisions of the instrument rules on the hand-coded units of the build (:func:`decisions`).

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv`` of the build.
    level : str
        ``"code"`` (an instrument) or ``"kind"`` (at least one code of the kind).
    split : str
        ``"test"`` (the held-out part, default), ``"dev"`` or ``"all"``.
    folder : pathlib.Path, optional
        The validation folder (default ``data/validation``).

    Returns
    -------
    pandas.DataFrame
        Decisions over the units the coders were given that the build holds (none when the build holds none
        of them: the shipped sample does not apply to another corpus).
    """
    units, gold = _validated_instruments(actions, folder)
    spl = validation.instrument_split(actions)
    units = [u for u in units if split == "all" or spl.get(u) == split]
    pred = {a: set(g["code"]) for a, g in instruments.groupby("action_id")}
    items = _instrument_items(level)
    if level == "kind":
        kind_of = _kind_of()
        pred = {u: {kind_of.get(c, c) for c in s} for u, s in pred.items()}
        gold = {u: {kind_of.get(c, c) for c in s} for u, s in gold.items()}
    return decisions(pred, gold, units, items)


def _validated_instruments(actions: pd.DataFrame, folder: Path | None):
    g = validation.read_coding("reconciled", "instruments", folder)
    g = g[g["code"] != "none"]
    gold = {a: set(x["code"]) for a, x in g.groupby("action_id")}
    units_file = Path(folder or validation.VALIDATION) / "packets" / "instrument_units.csv"
    given = list(pd.read_csv(units_file, dtype=str)["action_id"]) if units_file.is_file() else list(gold)
    have = set(actions["action_id"])
    return [u for u in given if u in have], gold


def _instrument_items(level: str) -> list[str]:
    if level not in ("code", "kind"):
        raise ValueError("level must be 'code' or 'kind'")
    return instrument_ids() if level == "code" else kind_ids()


def _kind_of() -> dict[str, str]:
    return {c.id: c.kind for c in instrument_codes(load_codebook())}


def corrected_instrument_shares(actions: pd.DataFrame, instruments: pd.DataFrame, level: str = "code",
                                split: str = "test", pooled: bool = False, folder: Path | None = None,
                                n_boot: int = DEFAULT_BOOT, seed: int = 0) -> pd.DataFrame:
    """Share of each plan's actions and safeguards using each instrument (or kind): raw and corrected.

    Parameters
    ----------
    actions, instruments : pandas.DataFrame
        ``actions.csv`` and ``instruments.csv``.
    level : str
        ``"code"`` or ``"kind"``.
    split : str
        The validation units the error rates are estimated on (``"test"``: held out).
    pooled : bool
        One row set for all plans together (``jurisdiction`` = ``"all"``) instead of one per plan.
    folder : pathlib.Path, optional
        The validation folder.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        :func:`corrected_shares` with the item column named *level*.
    """
    items = _instrument_items(level)
    a = actions[actions["jurisdiction"].isin(plans_of(actions))]
    field = "kind" if level == "kind" else "code"
    used = instruments.groupby("action_id")[field].agg(set).to_dict()
    cl = tasks(a)
    coded = pd.DataFrame([(("all" if pooled else j), u, cl[u], i, i in used.get(u, set()))
                          for j, u in zip(a["jurisdiction"], a["action_id"]) for i in items],
                         columns=["jurisdiction", "unit", "cluster", "item", "coded"])
    dec = instrument_decisions(actions, instruments, level, split, folder)
    units, gold = _validated_instruments(actions, folder)
    if level == "kind":
        kind_of = _kind_of()
        gold = {u: {kind_of.get(c, c) for c in s} for u, s in gold.items()}
    adjudicated = pd.DataFrame([(u, i, i in gold.get(u, set())) for u in units for i in items],
                               columns=["unit", "item", "gold"])
    out = corrected_shares(coded, dec, adjudicated, n_boot, seed)
    return out.rename(columns={"item": level})


def group_decisions(actions: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """Decisions of the structural target-group rule (the ``group`` of ``actions.csv``) on the field sample.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` of the build.
    folder : pathlib.Path, optional
        The validation folder.

    Returns
    -------
    pandas.DataFrame
        Decisions over the sampled actions the build holds, items the codebook's groups.
    """
    g = validation.read_coding("reconciled", "fields", folder)
    have = actions.set_index("action_id")["group"]
    units = [u for u in g["action_id"] if u in have.index]
    gold = {u: {x} for u, x in zip(g["action_id"], g["group"]) if isinstance(x, str) and x}
    pred = {u: {str(have[u])} for u in units if isinstance(have[u], str) and have[u]}
    return decisions(pred, gold, units, group_ids())


def corrected_group_shares(actions: pd.DataFrame, folder: Path | None = None, n_boot: int = DEFAULT_BOOT,
                           seed: int = 0) -> pd.DataFrame:
    """Share of each plan's actions standing in each group's line: raw and corrected for misclassification.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv``.
    folder : pathlib.Path, optional
        The validation folder.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        :func:`corrected_shares` with the item column named ``group`` (actions only, not safeguards).
    """
    a = actions[actions["kind"] == "action"]
    cl = tasks(a)
    coded = pd.DataFrame([(j, u, cl[u], g, grp == g) for j, u, grp in zip(a["jurisdiction"], a["action_id"],
                                                                             a["group"]) for g in group_ids()],
                         columns=["jurisdiction", "unit", "cluster", "item", "coded"])
    dec = group_decisions(actions, folder)
    adjudicated = dec[["unit", "item", "gold"]]
    return corrected_shares(coded, dec, adjudicated, n_boot, seed).rename(columns={"item": "group"})


def validation_applies(decisions_table: pd.DataFrame) -> bool:
    """Whether the build holds any hand-coded unit (else no correction can be estimated for it).

    Parameters
    ----------
    decisions_table : pandas.DataFrame
        :func:`decisions` (or :func:`group_decisions`, :func:`instrument_decisions`) of the build.

    Returns
    -------
    bool
        True if the table has at least one row.
    """
    return bool(len(decisions_table))


__all__ = ["DECISION_COLUMNS", "CORRECTED_COLUMNS", "decisions", "decisions_from_confusion", "confusion",
           "rogan_gladen", "corrected_shares", "instrument_decisions", "corrected_instrument_shares",
           "group_decisions", "corrected_group_shares", "validation_applies"]
