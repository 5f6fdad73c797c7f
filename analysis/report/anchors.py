"""Anchors of the evidence pages: the HTML id of every unit and coded span, and of the span a table row points at.

Split from :mod:`analysis.report.evidence` (which re-exports every name here): a unit's anchor is
``a-<action id>`` (``#a-zhifu-007``), a coded span's ``<prefix>-<plan>-<start>-<end>`` with the prefix of its
family (:data:`PREFIX`; instruments add their code), so a table page (:mod:`analysis.report.table_pages`) can
link each row to the words it was coded from.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report.markup import anchor_id

#: Anchor prefix of each family.
PREFIX = {"unit": "a", "gap": "g", "department": "d", "mention": "m", "commitment": "c", "instrument": "i"}
#: The table each family's spans come from.
FAMILY_TABLE = {"unit": "actions", "department": "assignments", "mention": "group_mentions",
                "commitment": "targets", "instrument": "instruments"}


def unit_anchor(action_id) -> str:
    """The anchor of a unit: ``a-<action id>`` (``a-zhifu-007``).

    Parameters
    ----------
    action_id : object
        The ``action_id`` of an action or safeguard.

    Returns
    -------
    str
        The HTML id (:func:`analysis.report.markup.anchor_id`).
    """
    return anchor_id("a", action_id)


def span_anchor(family: str, jurisdiction, start, end, code=None) -> str:
    """The anchor of a coded span of *family* (``d-zhifu-2531-2536``; instruments add their code).

    Parameters
    ----------
    family : str
        A key of :data:`PREFIX` (``unit``, ``gap``, ``department``, ``mention``, ``commitment``, ``instrument``).
    jurisdiction : object
        The span's plan.
    start, end : int
        Character offsets of the span in the plan's normalised text.
    code : object, optional
        The instrument code (None for other families).

    Returns
    -------
    str
        The HTML id (:func:`analysis.report.markup.anchor_id`).
    """
    return anchor_id(PREFIX[family], jurisdiction, int(start), int(end), code)


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v)) and v is not pd.NA


def row_anchor(table: str, row) -> str | None:
    """The anchor of the span a row of *table* points at, or None when it has none.

    Parameters
    ----------
    table : str
        ``actions``, ``clusters`` (units), ``assignments``, ``group_mentions``, ``targets`` or
        ``instruments``.
    row : mapping
        The row (a dict or a pandas row).

    Returns
    -------
    str or None
        ``a-<action id>`` for units, ``<prefix>-<plan>-<start>-<end>`` for coded spans (instruments add
        their code), None when the row has no offsets (or *table* has no spans).
    """
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    if table in ("actions", "clusters"):
        return unit_anchor(get("action_id")) if _ok(get("action_id")) else None
    family = next((f for f, t in FAMILY_TABLE.items() if t == table and f != "unit"), None)
    if family is None:
        return None
    s, e, j = get("start"), get("end"), get("jurisdiction")
    if not (_ok(s) and _ok(e) and _ok(j)) or int(e) <= int(s):
        return None
    return span_anchor(family, j, s, e, get("code") if family == "instrument" else None)


__all__ = ["unit_anchor", "span_anchor", "row_anchor", "PREFIX", "FAMILY_TABLE"]
