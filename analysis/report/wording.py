"""Wording shared by every sentence of the report: numbers, intervals, lists of names, singular and plural,
Markdown bullets and interval tables.

Every helper is small and pure; the sentence modules (:mod:`analysis.report.per_plan`,
:mod:`analysis.report.cross_plan`, :mod:`analysis.report.headlines`) and the charts' captions use them, so a
number is printed the same way everywhere.
"""
from __future__ import annotations

import math
from typing import Iterable

import pandas as pd


# ------------------------------------------------------------------ formatting
def pct(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{100 * x:.{digits}f}%"


def ci(lo: float, hi: float, percent: bool = True, digits: int = 1) -> str:
    if lo != lo or hi != hi:
        return ""
    if percent:
        return f"[{100 * lo:.{digits}f}–{100 * hi:.{digits}f}%]"
    return f"[{lo:.{digits}f}–{hi:.{digits}f}]"


def num(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:.{digits}f}"


def names(ids: Iterable[str], labels: dict[str, str]) -> str:
    """``A, B and C`` from ids and their labels."""
    xs = [labels.get(i, i) for i in ids]
    if not xs:
        return "none"
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def count_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else str(n)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for *n* things: ``plural(1, "key term")`` -> ``key term``, ``plural(2, "key term")`` ->
    ``key terms`` (*plural_form* for an irregular plural)."""
    return singular if n == 1 else (plural_form if plural_form is not None else singular + "s")


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """``1 key term``, ``2 key terms``."""
    return f"{n} {plural(n, singular, plural_form)}"


def agree(n: int, singular: str, plural_form: str) -> str:
    """The verb for a subject of *n* things: ``agree(1, "holds", "hold")`` -> ``holds``."""
    return singular if n == 1 else plural_form


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {s}" for s in lines if s)


def show(markdown: str):
    """Display *markdown* in a notebook (returns an IPython Markdown object)."""
    from IPython.display import Markdown

    return Markdown(markdown)


# ------------------------------------------------------------------ corpus design
def parameters(params, names: Iterable[str]) -> str:
    """The values the build used for the parameters *names*: ``Parameters of this build: match_threshold = 0.35.``

    Notebooks show this instead of typing a threshold into their prose, so a
    build with other parameters (``--set``) is described truthfully.
    """
    def fmt(v):
        if isinstance(v, (tuple, list)):
            return ", ".join(map(str, v))
        return f"{v:g}" if isinstance(v, float) else str(v)

    return "Parameters of this build: " + "; ".join(f"`{n}` = {fmt(getattr(params, n))}" for n in names) + "."


def _period(a, b) -> str:
    a, b = int(float(a)), int(float(b)) if _num(b) else int(float(a))
    return f", {a}" if a == b else f", {a}–{b}"


def lower(label: str) -> str:
    """A label for the middle of a sentence: ``The elderly`` -> ``the elderly``."""
    return label[:1].lower() + label[1:] if label[:2] != label[:2].upper() else label


def _num(x) -> bool:
    try:
        return not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ tables with intervals
def interval_table(df: pd.DataFrame, value: str, lo: str, hi: str, index: str = "jurisdiction",
                   columns: str = "group", percent: bool = True, digits: int = 1,
                   index_labels: dict | None = None, column_labels: dict | None = None,
                   column_order: list | None = None) -> pd.DataFrame:
    """A matrix of ``value [lo–hi]`` strings (``–`` where the value is missing) for display."""
    cells = df.assign(_cell=[("–" if v != v else (pct(v, digits) if percent else num(v, digits)) + " "
                              + ci(a, b, percent, digits)).strip()
                             for v, a, b in zip(df[value], df[lo], df[hi])])
    m = cells.pivot(index=index, columns=columns, values="_cell")
    rows = list(dict.fromkeys(df[index]))
    cols = column_order if column_order is not None else list(dict.fromkeys(df[columns]))
    m = m.reindex(index=rows, columns=cols)
    if index_labels:
        m = m.rename(index=index_labels)
    if column_labels:
        m = m.rename(columns=column_labels)
    m.index.name, m.columns.name = index, columns
    return m.fillna("–")


__all__ = ["pct", "ci", "num", "names", "count_word", "plural", "counted", "agree", "bullets", "show", "parameters",
           "lower", "interval_table"]
