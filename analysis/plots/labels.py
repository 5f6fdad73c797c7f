"""Chart wording: the label language (``en``/``zh``) and the names of plans, groups and department categories.

Part of the house style (:mod:`analysis.plots.style`, which re-exports every public name here).  ``lang`` is
``"en"`` (default) or ``"zh"``; it decides titles, axis labels and the names of plans, groups and department
categories, while Chinese *content* (cluster terms, passages) stays Chinese in both.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from analysis import config
from analysis.coding.codebook import load_codebook
from analysis.corpus import levels

LANGS = config.LANGS


def set_lang(lang: str) -> str:
    """Set the label language on purpose (``analysis.set_config(lang=...)``), for the process or the
    :func:`analysis.config_context` it is called in.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    str
    """
    config.set_config(lang=lang)
    return config.lang_setting()


def get_lang(lang: str | None = None) -> str:
    """*lang* if given (validated), else the ``lang`` setting in force (:mod:`analysis.config`).

    Parameters
    ----------
    lang : {"en", "zh"}, optional

    Returns
    -------
    str
    """
    return check_lang(lang) if lang is not None else config.lang_setting()


check_lang = config.check_lang


def tr(en: str, zh: str, lang: str | None = None) -> str:
    """Pick the English or Chinese wording of a chart string.

    Parameters
    ----------
    en, zh : str
        The English and the Chinese wording.
    lang : {"en", "zh"}, optional
        The language; None means the ``lang`` setting in force.

    Returns
    -------
    str
        *zh* if the language is ``"zh"``, else *en*.
    """
    return zh if get_lang(lang) == "zh" else en


def _short_en(name: str) -> str:
    """Chart-length English name: the codebook's name without its parenthesised note."""
    return re.split(r"\s*\(", str(name), maxsplit=1)[0].strip()


def _documents(documents: pd.DataFrame | None) -> pd.DataFrame | None:
    """*documents*, else the ``documents`` setting in force (a loaded build's table), else None (plans are then
    named by their ids: no file is read behind the caller's back)."""
    return documents if documents is not None else config.documents_setting()


def short_plan_name(name_zh: str | None, name_en: str | None, lang: str) -> str | None:
    """烟台市芝罘区 -> 芝罘; "Zhifu District, Yantai" -> Zhifu (charts need short tick labels).

    Parameters
    ----------
    name_zh, name_en : str or None
        The plan's jurisdiction name in Chinese and in English, as in ``documents.csv``.
    lang : {"en", "zh"}
        Which of the two names to shorten.

    Returns
    -------
    str or None
        The Chinese name without its level suffix and parent place (:func:`analysis.corpus.levels.short_name_zh`),
        or the English name's first comma part without its level word; None if that name is missing or empty.
    """
    if lang == "zh" and isinstance(name_zh, str) and name_zh:
        return levels.short_name_zh(name_zh)
    if lang == "en" and isinstance(name_en, str) and name_en:
        first = name_en.split(",")[0]
        return re.sub(r"\s+(District|County|City|Municipality|Autonomous (Region|Prefecture|County|Banner)|"
                      r"Province|Prefecture|Banner|League|New Area)$", "", first).strip()
    return None


def plan_labels(documents: pd.DataFrame | None = None, lang: str | None = None,
                full: bool = False) -> dict[str, str]:
    """``{jurisdiction: label}`` for every plan, short by default (芝罘 / Zhifu).

    Names come from ``documents.csv`` (``name_zh`` / ``name_en``, i.e. the
    manifest); with ``full=True`` the names are returned as written there.
    A plan missing from the table is labelled by its id.

    Labels are unique: plans whose names give the same label (two plans of
    one place, e.g. an older and a newer plan of a city) are told apart by
    :func:`unique_labels` -- the year issued, else the first year of the
    period, else the plan's id -- so no table, chart or sentence merges them.

    Parameters
    ----------
    documents : pandas.DataFrame, optional
        The ``documents.csv`` table (one row per plan; ``jurisdiction``, ``name_zh``, ``name_en`` and, to tell
        plans of one place apart, ``issued`` and ``period_start``); None means the ``documents`` setting, and
        with none either every plan is labelled by its id.
    lang : {"en", "zh"}, optional
        The labels' language; None means the ``lang`` setting in force.
    full : bool, default False
        True gives the names as written in the table instead of short ones.

    Returns
    -------
    dict of str to str
        ``{jurisdiction: label}`` for every plan of the ``plan_order`` setting and every row of *documents*, all
        labels distinct.
    """
    lang = get_lang(lang)
    docs = _documents(documents)
    out = {j: j.replace("_", " ").title() for j in config.plan_order_setting()}
    if docs is None:
        return out
    rows = {}
    for row in docs.itertuples(index=False):
        zh, en = getattr(row, "name_zh", None), getattr(row, "name_en", None)
        name = (zh if lang == "zh" else en) if full else short_plan_name(zh, en, lang)
        if isinstance(name, str) and name:
            out[row.jurisdiction] = name
        rows[row.jurisdiction] = row
    return unique_labels(out, [lambda j: _year(getattr(rows.get(j), "issued", None)),
                               lambda j: _year(getattr(rows.get(j), "period_start", None))])


def _year(value) -> str:
    """``"2022-09-25"`` -> ``"2022"``; ``2021.0`` or ``"2021.0"`` -> ``"2021"``; ``""`` when there is none."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})(?:\D|$)", value)
        return m.group(1) if m else ""
    if isinstance(getattr(value, "year", None), int):  # a date or timestamp (NaT has none)
        return str(value.year)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    return str(int(f)) if f == f and 1000 <= f < 10000 else ""


def unique_labels(labels: dict[str, str], keys: Iterable = ()) -> dict[str, str]:
    """*labels* (``{id: label}``) with every label unique, deterministically.

    Ids sharing a label get ``"<label> <key>"`` from the first of *keys*
    (functions of the id, e.g. its year issued) that gives each of them a
    different, non-empty value; when none does, ``"<label> (<id>)"``.  A
    label that still occurs twice (it equals another plan's name) becomes
    ``"<label> (<id>)"`` as well, and, failing even that, the id itself.
    Labels that are unique already are left as they are.

    Parameters
    ----------
    labels : dict of str to str
        ``{id: label}``, labels possibly repeated.
    keys : iterable of callable, default ()
        Functions of an id giving a distinguishing text (e.g. the year issued), tried in order.

    Returns
    -------
    dict of str to str
        A new ``{id: label}`` with the same ids and no label twice; *labels* is not modified.
    """
    keys = list(keys)
    out = dict(labels)

    def clashes(d: dict[str, str]) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for j, lab in d.items():
            by.setdefault(lab, []).append(j)
        return {lab: js for lab, js in by.items() if len(js) > 1}

    for lab, ids in clashes(out).items():
        for key in keys:
            vals = [str(key(j) or "") for j in ids]
            if all(vals) and len(set(vals)) == len(vals):
                out.update({j: f"{lab} {v}" for j, v in zip(ids, vals)})
                break
        else:
            out.update({j: f"{lab} ({j})" for j in ids})
    for ids in clashes(out).values():  # a made label met another plan's name
        out.update({j: f"{labels[j]} ({j})" for j in ids})
    for ids in clashes(out).values():
        out.update({j: str(j) for j in ids})
    return out


def group_labels(lang: str | None = None) -> dict[str, str]:
    """``{group_id: label}`` from the codebook (青少年 / Youth).

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        The labels' language; None means the ``lang`` setting in force.

    Returns
    -------
    dict of str to str
        ``{group_id: label}`` for every target group of the codebook in force, in codebook order; English names
        without their parenthesised note.
    """
    lang = get_lang(lang)
    return {g.id: (g.zh if lang == "zh" else _short_en(g.en)) for g in load_codebook().groups}


def category_labels(lang: str | None = None, short: bool = False) -> dict[str, str]:
    """``{category_id: label}`` for department categories, from the codebook (科协 / Association for ...).

    ``short=True`` gives chart-length English names (the codebook's ``short_en``);
    Chinese names are short already.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        The labels' language; None means the ``lang`` setting in force.
    short : bool, default False
        True gives the codebook's ``short_en`` English names where it has one.

    Returns
    -------
    dict of str to str
        ``{category_id: label}`` for every department category of the codebook in force, in codebook order.
    """
    lang = get_lang(lang)
    return {c.id: (c.zh if lang == "zh" else (c.short_en if short and c.short_en else _short_en(c.en)))
            for c in load_codebook().categories}


__all__ = ["LANGS", "set_lang", "get_lang", "check_lang", "tr", "short_plan_name", "plan_labels", "unique_labels",
           "group_labels", "category_labels"]
