"""Which parts of a plan are independent: the units an interval resamples and a test compares.

A plan's actions are not independent draws.  Actions are nested in structures the build records, and a
number that is decided once for a whole structure varies between structures, not between actions:

- **department lists** (:func:`department_lists`): one division of work (``分工``) shared by a task's
  measures, or one department line that closes several items, assigns the same departments to every
  action it covers.  Whether 科协 is named, and its 1/k share, vary between lists.  An action with its own
  list (a parenthesis after it) is a list of its own.  A list is identified by where it stands in the text:
  the ``departments_start``/``departments_end`` of ``actions.csv``, or, where a list is not attached to
  its action's text (a task's ``分工``), the offsets and ``source`` of the action's assignment rows.
- **tasks** (:func:`tasks`): the measures of one task block (``unit == "task_measure"``) are written under
  one task and share its heading (``path``); every other action is its own unit.  The content measures
  (measurability, instruments) resample these.
- **group lines** (:func:`group_lines`): the section of actions a plan dedicates to a group.  A line that
  exists is part of the plan's design, so resampling is *stratified* by line: each line keeps its own
  actions in every draw (a one-action line is never drawn away).

Every function returns a :class:`pandas.Series` indexed by ``action_id`` (one row per action of
*actions*) holding the unit's id; ids are strings that start with the plan's id, so units of different
plans never coincide.
"""
from __future__ import annotations

import pandas as pd

from analysis.compare.tables import has_group

#: The stratum of the actions that stand in no group's line.
NO_LINE = "(no line)"

#: What each kind of unit is called in the report's notes, singular and plural.
UNIT_NAMES = {"action": ("action", "actions"), "list": ("department list", "department lists"),
              "task": ("task", "tasks"), "line": ("group line", "group lines")}


def _present(x) -> bool:
    return x == x and str(x) not in ("", "nan", "None")


def department_lists(actions: pd.DataFrame, assignments: pd.DataFrame | None = None) -> pd.Series:
    """The department list each action's departments come from (see module docstring).

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``action_id``, ``jurisdiction``, ``departments_start``, ``departments_end``).
    assignments : pandas.DataFrame, optional
        ``assignments.csv`` (``action_id``, ``source``, ``start``, ``end``), for lists that are not attached
        to their action's text.

    Returns
    -------
    pandas.Series
        ``action_id`` -> list id (``<plan>:list:<start>-<end>``); an action without any list is a unit of its
        own (``<plan>:action:<action_id>``).
    """
    spans: dict[str, str] = {}
    if assignments is not None and len(assignments):
        a = assignments.copy()
        a["start"] = pd.to_numeric(a["start"], errors="coerce")
        a["end"] = pd.to_numeric(a["end"], errors="coerce")
        g = a.dropna(subset=["start", "end"]).groupby("action_id")
        first, last = g["start"].min(), g["end"].max()
        source = g["source"].first() if "source" in a else pd.Series("", index=first.index)
        spans = {i: f"{source[i]}:{int(first[i])}-{int(last[i])}" for i in first.index}
    out = {}
    for r in actions.itertuples():
        s, e = getattr(r, "departments_start", None), getattr(r, "departments_end", None)
        if _present(s) and _present(e):
            out[r.action_id] = f"{r.jurisdiction}:list:{int(float(s))}-{int(float(e))}"
        elif r.action_id in spans:
            out[r.action_id] = f"{r.jurisdiction}:list:{spans[r.action_id]}"
        else:
            out[r.action_id] = f"{r.jurisdiction}:action:{r.action_id}"
    return pd.Series(out, name="unit", dtype=object).reindex(actions["action_id"])


def tasks(actions: pd.DataFrame) -> pd.Series:
    """The task each action belongs to: the measures of a task block share their task's heading (``path``);
    every other action is its own unit.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``action_id``, ``jurisdiction``, ``unit``, ``path``).

    Returns
    -------
    pandas.Series
        ``action_id`` -> task id (``<plan>:task:<path>`` or ``<plan>:action:<action_id>``).
    """
    unit = actions["unit"] if "unit" in actions else pd.Series("", index=actions.index)
    path = actions["path"] if "path" in actions else pd.Series("", index=actions.index)
    ids = [f"{j}:task:{p}" if u == "task_measure" and _present(p) else f"{j}:action:{a}"
           for a, j, u, p in zip(actions["action_id"], actions["jurisdiction"], unit, path)]
    return pd.Series(ids, index=actions["action_id"].to_numpy(), name="unit", dtype=object)


def group_lines(actions: pd.DataFrame) -> pd.Series:
    """The group line each action stands in (its stratum): ``<plan>:<group>``, or ``<plan>:(no line)``.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``actions.csv`` (``action_id``, ``jurisdiction``, ``group``, ``kind``); safeguards stand in no line.

    Returns
    -------
    pandas.Series
        ``action_id`` -> stratum id.
    """
    in_line = has_group(actions["group"]) & actions["kind"].eq("action")
    ids = [f"{j}:{g if ok else NO_LINE}" for j, g, ok in zip(actions["jurisdiction"], actions["group"], in_line)]
    return pd.Series(ids, index=actions["action_id"].to_numpy(), name="stratum", dtype=object)


def n_units(units: pd.Series) -> int:
    """How many distinct units *units* (a result of the functions above) holds.

    Parameters
    ----------
    units : pandas.Series
        One unit id per row (NaN is not counted).

    Returns
    -------
    int
    """
    return int(pd.Series(units).nunique())


def unit_name(kind: str, n: int | None = None) -> str:
    """``department list`` / ``department lists`` (by *n*), the words the report uses for a kind of unit.

    Parameters
    ----------
    kind : str
        ``action``, ``list``, ``task`` or ``line``; another kind is its own name, plural with ``s``.
    n : int, optional
        How many; 1 gives the singular, anything else (None included) the plural.

    Returns
    -------
    str
    """
    one, many = UNIT_NAMES.get(kind, (kind, kind + "s"))
    return one if n == 1 else many


__all__ = ["NO_LINE", "UNIT_NAMES", "department_lists", "tasks", "group_lines", "n_units", "unit_name"]
