"""Per-plan comparisons of *what* the plans cover: overview, target groups, measurability.

Conventions shared by every function here:

- *Operative text* is every action row of a plan, safeguards included (the
  same total as ``documents.csv`` ``operative_chars``): it is the text a
  share or a rate is taken of.
- Counts of *actions* are of ``kind == "action"`` rows.  Safeguards
  (组织实施/保障 items) are organisational provisions every plan words alike;
  they belong to no group line and carry no department assignments, so
  counting them would only dilute the shares.  :func:`measurability` can
  include them on request.
- A group a plan has no dedicated line for is ``has_line == False`` with NaN
  in the dedicated views -- never 0, which would read as "a line with no
  actions".
- Intervals describe the process that wrote the plan, not the plan (whose
  numbers are a census of its text).  They resample the independent units
  (:mod:`analysis.compare.units`): a task's measures together, every other
  action on its own; text shares are stratified by group line, so a line
  that exists keeps its actions in every draw.  Mention rates are not: a
  line's text is the line by definition, its mentions are not.  A zero count
  of mentions is what the plan says and carries no interval.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.coding.codebook import load_codebook
from analysis.compare.inference import ALPHA, TEST_BOOT, adjust_family, pairwise_differences
from analysis.compare.intervals import DEFAULT_BOOT, cluster_bootstrap_ratio, wilson_clustered
from analysis.compare.tables import has_group, plans_of
from analysis.compare.units import group_lines, tasks

def unit_classes() -> dict[str, str]:
    """Unit of a quantified commitment -> kind of unit (the current codebook's ``targets.unit_classes``).

    Returns
    -------
    dict of str to str
        ``{unit as written in targets.csv: id of its kind of unit}``, for every unit the codebook lists.
    """
    return {u: c.id for c in load_codebook().unit_classes for u in c.units}


def unit_class_order() -> list[str]:
    """Order of unit kinds in tables and charts: the current codebook's, then ``other``.

    Read from the codebook in use (the build's copy once a report loads it),
    so a codebook with other unit kinds gets its own rows.

    Returns
    -------
    list of str
        Ids of the codebook's unit kinds in codebook order, ``"other"`` last.
    """
    return [c.id for c in load_codebook().unit_classes] + ["other"]


def unit_class(unit: object) -> str:
    """Kind of a target's unit: percent, people, events, items, money, time, or other.

    Parameters
    ----------
    unit : object
        A ``unit`` value of ``targets.csv`` (turned into a string first, so NaN reads as ``"nan"``).

    Returns
    -------
    str
        Id of the codebook's unit kind listing the unit, ``"other"`` where none does.
    """
    return load_codebook().unit_class(str(unit))


def group_ids() -> list[str]:
    """The codebook's target groups, in codebook order (the order of every coverage table and chart).

    Returns
    -------
    list of str
        Group ids (``youth``, ``farmers`` ...) as the codebook orders them.
    """
    return [g.id for g in load_codebook().groups]


_group_ids = group_ids


#: The columns of :func:`design_table`: what each document is (the corpus design).
DESIGN_COLUMNS = ["jurisdiction", "name_en", "level", "genre", "framework", "period_start", "period_end", "issued",
                  "template_family", "n_actions", "n_safeguards"]


def design_table(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per document: level, genre, framework, period, issue date, template family and size.

    Years are whole numbers with missing values left empty (``<NA>``), not
    floats (``2021.0``); columns a build does not have are left out.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv``, one row per document.

    Returns
    -------
    pandas.DataFrame
        One row per row of *documents*, in its order, index reset; the columns of :data:`DESIGN_COLUMNS` the
        table has (``jurisdiction, name_en, level, genre, framework, period_start, period_end, issued,
        template_family, n_actions, n_safeguards``), the four counts and years as nullable integers (``Int64``).
    """
    cols = [c for c in DESIGN_COLUMNS if c in documents]
    out = documents[cols].copy()
    for c in ("period_start", "period_end", "n_actions", "n_safeguards"):
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce").round().astype("Int64")
    return out.reset_index(drop=True)


def corpus_overview(documents: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """One row per plan: what it is and how big it is.

    Columns: ``jurisdiction, name_zh, name_en, level, issued, issued_year,
    period_start, period_end, n_actions, n_safeguards, operative_chars,
    n_group_lines, actions_<group>`` (one per codebook group: actions in that
    group's line), ``actions_no_group``.  Counts come from ``actions`` (not the
    document table), so they describe exactly the rows every other analysis uses.

    Parameters
    ----------
    documents, actions : pandas.DataFrame
        ``documents.csv`` (names, level, dates) and ``actions.csv`` (the counts).

    Returns
    -------
    pandas.DataFrame
        One row per plan (:func:`analysis.compare.tables.plans_of`), with the columns above; a plan missing from
        *documents* keeps its counts with empty names and dates.  ``issued_year`` is ``Int64``, ``<NA>`` when
        ``issued`` does not start with a year.
    """
    groups = _group_ids()
    rows = []
    for j in plans_of(documents, actions):
        a = actions[actions["jurisdiction"] == j]
        d = documents[documents["jurisdiction"] == j]
        d = d.iloc[0] if len(d) else pd.Series(dtype=object)
        act = a[a["kind"] == "action"]
        in_group = has_group(act["group"])
        issued = d.get("issued")
        row = {
            "jurisdiction": j, "name_zh": d.get("name_zh"), "name_en": d.get("name_en"), "level": d.get("level"),
            "issued": issued,
            "issued_year": int(str(issued)[:4]) if isinstance(issued, str) and issued[:4].isdigit() else pd.NA,
            "period_start": d.get("period_start"), "period_end": d.get("period_end"),
            "n_actions": len(act), "n_safeguards": int((a["kind"] == "safeguard").sum()),
            "operative_chars": int(a["n_chars"].sum()),
            "n_group_lines": int(act.loc[in_group, "group"].nunique()),
        }
        for g in groups:
            row[f"actions_{g}"] = int((act["group"] == g).sum())
        row["actions_no_group"] = int((~in_group).sum())
        rows.append(row)
    columns = ["jurisdiction", "name_zh", "name_en", "level", "issued", "issued_year", "period_start", "period_end",
               "n_actions", "n_safeguards", "operative_chars", "n_group_lines"] + [f"actions_{g}" for g in groups] \
        + ["actions_no_group"]
    out = pd.DataFrame(rows, columns=columns)
    out["issued_year"] = out["issued_year"].astype("Int64")
    return out


def group_coverage(actions: pd.DataFrame, mentions: pd.DataFrame, groups: list[str] | None = None,
                   n_boot: int = DEFAULT_BOOT, seed: int = 0) -> pd.DataFrame:
    """Plan x target group, measured three ways, with 95% intervals.

    Parameters
    ----------
    actions, mentions : pandas.DataFrame
        ``actions.csv`` and ``group_mentions.csv``.
    groups : list of str, optional
        The groups, in order (default: the codebook's).
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, group, has_line, dedicated_actions, dedicated_chars, operative_chars, n_units,
        text_share, text_share_lo, text_share_hi, mentions, mentions_in_line, mentions_per_10k,
        mentions_per_10k_lo, mentions_per_10k_hi``:

        - ``dedicated_actions``: actions whose ``group`` is the group (its action line); NaN when the plan has
          no line for the group (``has_line`` False).
        - ``n_units``: the plan's independent units (tasks; every other action or safeguard its own).
        - ``text_share``: characters of those actions / the plan's operative characters; NaN without a line.
          Interval: cluster bootstrap over the units, stratified by group line
          (:func:`analysis.compare.intervals.cluster_bootstrap_ratio`), so the line never drops out.
        - ``mentions_per_10k``: mentions of the group's terms anywhere in the plan's operative text
          (``group_mentions.csv``) per 10,000 operative characters -- 0 is a real zero here: the plan never
          names the group, and carries no interval.  Interval: cluster bootstrap over the units, *not*
          stratified (mentions cluster inside actions, so units, not mentions, are drawn; where most of a
          plan's mentions of a group stand in one action, the interval shows how much rests on it).
        - ``mentions_in_line``: of those mentions, the ones inside the group's own line (a high rate from one
          long dedicated action is not the same as naming the group across the plan).
    """
    groups = groups if groups is not None else _group_ids()
    rows = []
    nan = float("nan")
    for j in plans_of(actions):
        a = actions[actions["jurisdiction"] == j]
        act = a[a["kind"] == "action"]
        op_chars = int(a["n_chars"].sum())
        m = mentions[mentions["jurisdiction"] == j]
        units = tasks(a).to_numpy()
        strata = group_lines(a).to_numpy()
        n_units = len(set(units))
        per_action = m.groupby(["action_id", "group"]).size()
        for g in groups:
            line = act[act["group"] == g]
            has_line = len(line) > 0
            mg = m[m["group"] == g]
            n_men = len(mg)
            in_line = a["group"].eq(g) & a["kind"].eq("action")
            lo, hi = (cluster_bootstrap_ratio(np.where(in_line, a["n_chars"], 0), a["n_chars"], units, strata,
                                              n_boot, seed) if has_line else (nan, nan))
            counts = np.asarray([per_action.get((x, g), 0) for x in a["action_id"]], dtype=float)
            plo, phi = (cluster_bootstrap_ratio(counts * 10_000, a["n_chars"], units, None, n_boot, seed)
                        if n_men and op_chars else (nan, nan))
            rows.append({
                "jurisdiction": j, "group": g, "has_line": has_line,
                "dedicated_actions": float(len(line)) if has_line else nan,
                "dedicated_chars": float(line["n_chars"].sum()) if has_line else nan,
                "operative_chars": op_chars, "n_units": n_units,
                "text_share": float(line["n_chars"].sum()) / op_chars if has_line and op_chars else nan,
                "text_share_lo": lo, "text_share_hi": hi,
                "mentions": n_men, "mentions_in_line": int(mg["action_id"].isin(set(line["action_id"])).sum()),
                "mentions_per_10k": n_men / op_chars * 10_000 if op_chars else nan,
                "mentions_per_10k_lo": plo, "mentions_per_10k_hi": phi,
            })
    return pd.DataFrame(rows)


def _scope(actions: pd.DataFrame, include_safeguards: bool) -> pd.DataFrame:
    return actions if include_safeguards else actions[actions["kind"] == "action"]


def measurability(actions: pd.DataFrame, targets: pd.DataFrame, include_safeguards: bool = False) -> pd.DataFrame:
    """Share of each plan's actions holding at least one quantified commitment, with a 95% interval.

    Parameters
    ----------
    actions, targets : pandas.DataFrame
        ``actions.csv`` and ``targets.csv``.
    include_safeguards : bool
        Count safeguards too (left out by default, see module doc).

    Returns
    -------
    pandas.DataFrame
        ``jurisdiction, n_actions, n_units, n_measurable, share_measurable, share_lo, share_hi, n_targets``
        (targets inside the counted actions).  ``n_units``: the independent units (a task's measures
        together, :func:`analysis.compare.units.tasks`); the interval is Wilson's with the effective size of
        that design (:func:`analysis.compare.intervals.wilson_clustered`), Wilson's own where every action is
        its own unit.
    """
    acts = _scope(actions, include_safeguards)
    rows = []
    for j in plans_of(actions):
        aj = acts[acts["jurisdiction"] == j]
        ids = set(aj["action_id"])
        t = targets[targets["action_id"].isin(ids)]
        n_meas = t["action_id"].nunique()
        units = tasks(aj)
        lo, hi, _ = wilson_clustered(aj["action_id"].isin(set(t["action_id"])).astype(float), units.to_numpy())
        rows.append({"jurisdiction": j, "n_actions": len(ids), "n_units": int(units.nunique()),
                     "n_measurable": n_meas, "share_measurable": n_meas / len(ids) if ids else float("nan"),
                     "share_lo": lo, "share_hi": hi, "n_targets": len(t)})
    return pd.DataFrame(rows, columns=["jurisdiction", "n_actions", "n_units", "n_measurable", "share_measurable",
                                       "share_lo", "share_hi", "n_targets"])


def measurability_by_unit(actions: pd.DataFrame, targets: pd.DataFrame,
                          include_safeguards: bool = False) -> pd.DataFrame:
    """Plan x kind of unit (:func:`unit_classes`): how the plans quantify.

    Columns: ``jurisdiction, unit_class, n_targets, n_actions`` (actions with
    at least one target of that kind), ``share_of_actions`` (of the plan's
    counted actions).  An action quantified in two kinds counts in both.

    Parameters
    ----------
    actions, targets : pandas.DataFrame
        ``actions.csv`` and ``targets.csv``.
    include_safeguards : bool
        Count safeguards too (left out by default, see module doc).

    Returns
    -------
    pandas.DataFrame
        One row per plan and unit kind (in :func:`unit_class_order`; ``other`` only where some target falls
        there), with the columns above; ``share_of_actions`` is NaN for a plan without counted actions.
    """
    acts = _scope(actions, include_safeguards)
    t = targets[targets["action_id"].isin(set(acts["action_id"]))].assign(
        unit_class=lambda d: d["unit"].map(unit_class))
    present = [c for c in unit_class_order() if c != "other" or (t["unit_class"] == "other").any()]
    rows = []
    for j in plans_of(actions):
        n_act = int((acts["jurisdiction"] == j).sum())
        tj = t[t["jurisdiction"] == j]
        for c in present:
            tc = tj[tj["unit_class"] == c]
            k = tc["action_id"].nunique()
            rows.append({"jurisdiction": j, "unit_class": c, "n_targets": len(tc), "n_actions": k,
                         "share_of_actions": k / n_act if n_act else float("nan")})
    return pd.DataFrame(rows)


def measurability_tests(actions: pd.DataFrame, targets: pd.DataFrame, alpha: float = ALPHA,
                        n_boot: int = TEST_BOOT, seed: int = 0, adjust: bool = True) -> pd.DataFrame:
    """Every pair of plans compared on the share of measurable actions (safeguards left out).

    Fisher's exact test where both plans' actions are their own units, the cluster bootstrap of the difference
    over tasks otherwise (:func:`analysis.compare.inference.pairwise_differences`), Holm-adjusted over the
    pairs (or not, with ``adjust=False``, for a larger family).

    Parameters
    ----------
    actions, targets : pandas.DataFrame
        ``actions.csv`` and ``targets.csv``.
    alpha : float
        Family-wise error rate.
    n_boot, seed : int
        Bootstrap draws and seed.
    adjust : bool
        Holm-adjust over the pairs.

    Returns
    -------
    pandas.DataFrame
        :data:`analysis.compare.inference.PAIR_COLUMNS`.
    """
    act = actions[actions["kind"] == "action"]
    units = pd.DataFrame({"jurisdiction": act["jurisdiction"].to_numpy(),
                          "num": act["action_id"].isin(set(targets["action_id"])).astype(float).to_numpy(),
                          "den": 1.0, "cluster": tasks(act).to_numpy()})
    return pairwise_differences(units, plans_of(actions), alpha, n_boot, seed, adjust=adjust)


def mention_rate_tests(actions: pd.DataFrame, mentions: pd.DataFrame, groups: list[str] | None = None,
                       alpha: float = ALPHA, n_boot: int = TEST_BOOT, seed: int = 0) -> pd.DataFrame:
    """Every pair of plans compared on each group's mentions per 10,000 operative characters.

    Cluster bootstrap of the difference of the two rates over the plans' units (tasks), as the intervals of
    :func:`group_coverage` are; Holm-adjusted over every group and pair together.

    Parameters
    ----------
    actions, mentions : pandas.DataFrame
        ``actions.csv`` and ``group_mentions.csv``.
    groups : list of str, optional
        The groups (default: the codebook's).
    alpha : float
        Family-wise error rate.
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        ``group`` and :data:`analysis.compare.inference.PAIR_COLUMNS` (rates per 10,000 characters).
    """
    groups = groups if groups is not None else _group_ids()
    per = mentions.groupby(["action_id", "group"]).size()
    clusters = tasks(actions).to_numpy()
    tables = []
    for i, g in enumerate(groups):
        counts = np.asarray([per.get((a, g), 0) for a in actions["action_id"]], dtype=float)
        units = pd.DataFrame({"jurisdiction": actions["jurisdiction"].to_numpy(), "num": counts * 10_000,
                              "den": actions["n_chars"].to_numpy(float), "cluster": clusters})
        t = pairwise_differences(units, plans_of(actions), alpha, n_boot, seed + 1000 * i, adjust=False)
        tables.append(t)
    tables = adjust_family(tables, alpha) if tables else []
    if not tables:
        return pd.DataFrame(columns=["group"])
    return pd.concat([t.assign(group=g) for t, g in zip(tables, groups)], ignore_index=True)
