"""Which documents an analysis compares: leaving documents out by genre or framework, and saying what is mixed.

A corpus can hold documents of different kinds: multi-year implementation plans (实施方案) beside one-year
work plans (工作要点), plans for the 2021 literacy outline beside plans for the 2006 one or for the 2022
opinion on science popularisation.  Comparing them is a choice.  The cross-plan parameter
``exclude_documents`` (:class:`analysis.pipeline.crossplan.CrossPlanParams`) makes it one setting: a list of
rules ``FIELD:TEXT``, where FIELD is ``genre`` or ``framework`` (the manifest's columns, in
``documents.csv``) or ``plan`` (a document's id), and a document is left out when its FIELD contains TEXT::

    python -m analysis build --set exclude_documents=genre:工作要点
    python -m analysis build --set "exclude_documents=framework:2006,framework:2022"

Documents left out keep their own tables (they are described, coded and counted like every other) but take
no part in any comparison across plans: the cross-plan stage skips them, and :func:`analysis.report.load`
drops their rows from the tables the notebooks compare.  :func:`mix` says, for the documents that are
compared, which genres and frameworks they mix, so a sentence that compares them can say so.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

#: The fields a rule of ``exclude_documents`` can test.
FIELDS = ("genre", "framework", "plan")


def parse_rules(rules: Iterable[str]) -> list[tuple[str, str]]:
    """``["genre:工作要点"]`` -> ``[("genre", "工作要点")]``; raises :class:`ValueError` naming a bad rule.

    Parameters
    ----------
    rules : iterable of str
        Rules ``FIELD:TEXT`` (FIELD one of :data:`FIELDS`, TEXT not empty).

    Returns
    -------
    list of tuple
        ``(field, text)`` pairs.
    """
    out = []
    for rule in rules:
        field, sep, text = str(rule).partition(":")
        field, text = field.strip(), text.strip()
        if not sep or field not in FIELDS or not text:
            raise ValueError(f"exclude_documents: {rule!r} is not FIELD:TEXT with FIELD one of "
                             f"{', '.join(FIELDS)} (e.g. genre:工作要点)")
        out.append((field, text))
    return out


def excluded(documents: pd.DataFrame, rules: Iterable[str]) -> dict[str, str]:
    """The documents *rules* leave out, each with the rule that does.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv`` (``jurisdiction``, and ``genre``/``framework`` where the manifest has them).
    rules : iterable of str
        Rules of ``exclude_documents`` (:func:`parse_rules`).

    Returns
    -------
    dict
        ``{jurisdiction: "genre:工作要点"}``, in the documents' order.
    """
    parsed = parse_rules(rules)
    out: dict[str, str] = {}
    for _, r in documents.iterrows():
        j = str(r["jurisdiction"])
        for field, text in parsed:
            value = j if field == "plan" else r.get(field, "")
            if isinstance(value, str) and text in value:
                out[j] = f"{field}:{text}"
                break
    return out


def keep_compared(tables: dict[str, pd.DataFrame], left_out: Iterable[str]) -> dict[str, pd.DataFrame]:
    """*tables* without the rows of the documents *left_out* (every table but ``documents``, which describes
    the whole corpus).

    Parameters
    ----------
    tables : dict of pandas.DataFrame
        Tables by name, as :func:`analysis.compare.read_processed` returns them.
    left_out : iterable of str
        Plan ids.

    Returns
    -------
    dict of pandas.DataFrame
        The same tables; rows whose ``jurisdiction`` (or ``other_jurisdiction``, ``jurisdiction_a``,
        ``jurisdiction_b``) is left out are dropped.
    """
    drop = set(left_out)
    if not drop:
        return tables
    out = {}
    for name, t in tables.items():
        if name == "documents" or not isinstance(t, pd.DataFrame):
            out[name] = t
            continue
        keep = pd.Series(True, index=t.index)
        for col in ("jurisdiction", "other_jurisdiction", "jurisdiction_a", "jurisdiction_b"):
            if col in t:
                keep &= ~t[col].astype(str).isin(drop)
        out[name] = t[keep].reset_index(drop=True)
    return out


def mix(documents: pd.DataFrame, plans: Iterable[str] | None = None) -> dict[str, list[str]]:
    """The genres and frameworks the documents *plans* (default: every plan) mix, each in order of appearance.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents.csv``.
    plans : iterable of str, optional
        The documents compared.

    Returns
    -------
    dict
        ``{"genre": [...], "framework": [...]}`` (empty values not counted); more than one entry under a key
        means the comparison mixes them.
    """
    d = documents
    if plans is not None:
        d = d[d["jurisdiction"].isin(set(plans))]
    out = {}
    for field in ("genre", "framework"):
        vals = d[field].fillna("").astype(str) if field in d else pd.Series(dtype=str)
        out[field] = [v for v in dict.fromkeys(vals) if v]
    return out


__all__ = ["FIELDS", "parse_rules", "excluded", "keep_compared", "mix"]
