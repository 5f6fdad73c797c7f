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

from analysis.compare.intervals import MIN_UNITS
from analysis.report.markup import sanitize_markdown


# ------------------------------------------------------------------ formatting
def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage: ``0.123`` -> ``12.3%`` (``–`` for NaN).

    Parameters
    ----------
    x : float
        A share (0.123 = 12.3%).
    digits : int
        Decimals printed.

    Returns
    -------
    str
    """
    return "–" if x != x else f"{100 * x:.{digits}f}%"


def ci(lo: float, hi: float, percent: bool = True, digits: int = 1) -> str:
    """``[12.3–45.6%]``; empty where the interval is missing, or has no width at the printed precision (a
    resampling over units that do not vary, which says nothing about uncertainty).

    Parameters
    ----------
    lo, hi : float
        The bounds (shares when *percent*, else plain numbers); NaN: no interval.
    percent : bool
        Print the bounds as percentages (``[12.3–45.6%]``) or as numbers (``[1.2–3.4]``).
    digits : int
        Decimals printed.

    Returns
    -------
    str
        The bracketed interval, or ``""``.
    """
    if lo != lo or hi != hi:
        return ""
    if percent:
        a, b = f"{100 * lo:.{digits}f}", f"{100 * hi:.{digits}f}"
        return "" if a == b else f"[{a}–{b}%]"
    a, b = f"{lo:.{digits}f}", f"{hi:.{digits}f}"
    return "" if a == b else f"[{a}–{b}]"


def ci_n(lo: float, hi: float, n_units: float | None, percent: bool = True, digits: int = 1) -> str:
    """:func:`ci`, or ``(3 units: too few for an interval)`` where fewer than
    :data:`analysis.compare.intervals.MIN_UNITS` independent units support one.

    Parameters
    ----------
    lo, hi : float
        The bounds.
    n_units : float or None
        Independent units behind the interval; None or NaN: not checked.
    percent : bool
        Bounds as percentages or as numbers.
    digits : int
        Decimals printed.

    Returns
    -------
    str
    """
    if n_units is not None and n_units == n_units and n_units < MIN_UNITS:
        return f"({counted(int(n_units), 'unit')}: too few for an interval)"
    return ci(lo, hi, percent, digits)


def with_ci(x: float, lo: float, hi: float, n_units: float | None = None, percent: bool = True,
            digits: int = 1) -> str:
    """``12.3% [10.1–14.5%]``: a value and its interval (:func:`ci_n`), or the value alone.

    Parameters
    ----------
    x : float
        The value.
    lo, hi : float
        Its interval.
    n_units : float, optional
        Independent units behind the interval (:func:`ci_n`).
    percent : bool
        Value and bounds as percentages or as numbers.
    digits : int
        Decimals printed.

    Returns
    -------
    str
    """
    value = pct(x, digits) if percent else num(x, digits)
    return (value + " " + ci_n(lo, hi, n_units, percent, digits)).strip()


def num(x: float, digits: int = 1) -> str:
    """A number with fixed decimals: ``2.345`` -> ``2.3`` (``–`` for NaN).

    Parameters
    ----------
    x : float
        The number.
    digits : int
        Decimals printed.

    Returns
    -------
    str
    """
    return "–" if x != x else f"{x:.{digits}f}"


def names(ids: Iterable[str], labels: dict[str, str]) -> str:
    """``A, B and C`` from ids and their labels.

    Parameters
    ----------
    ids : iterable of str
        The ids, in the order to list them.
    labels : dict of str to str
        Id -> label (an id without one is shown as itself).

    Returns
    -------
    str
        ``none`` for no id.
    """
    xs = [labels.get(i, i) for i in ids]
    if not xs:
        return "none"
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def count_word(n: int) -> str:
    """``no``, ``one`` ... ``ten``, then digits.

    Parameters
    ----------
    n : int
        A count (a negative one is printed as digits too).

    Returns
    -------
    str
    """
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else str(n)


def all_of(n: int, noun: str = "plans") -> str:
    """The subject "every one of *n* things", right for 1, 2 and N: ``the one plan``, ``both plans``,
    ``all three plans`` (*noun* in the plural; a singular is made by dropping a final ``s``).

    Parameters
    ----------
    n : int
        How many things.
    noun : str
        Their noun, in the plural.

    Returns
    -------
    str
    """
    if n == 1:
        return f"the one {noun[:-1] if noun.endswith('s') else noun}"
    if n == 2:
        return f"both {noun}"
    return f"all {count_word(n)} {noun}"


def times(ratio: float) -> str:
    """A ratio of relative frequencies as a reader reads it: ``38×``, ``2.5×``.

    Parameters
    ----------
    ratio : float
        The ratio (NaN gives ``–``).

    Returns
    -------
    str
        No decimal from 10 on, one below.
    """
    if ratio != ratio:
        return "–"
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for *n* things: ``plural(1, "key term")`` -> ``key term``, ``plural(2, "key term")`` ->
    ``key terms`` (*plural_form* for an irregular plural).

    Parameters
    ----------
    n : int
        How many things.
    singular : str
        The noun for one.
    plural_form : str, optional
        The noun for several; None: *singular* + ``s``.

    Returns
    -------
    str
    """
    return singular if n == 1 else (plural_form if plural_form is not None else singular + "s")


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """``1 key term``, ``2 key terms``.

    Parameters
    ----------
    n : int
        How many things.
    singular : str
        The noun for one.
    plural_form : str, optional
        The noun for several; None: *singular* + ``s``.

    Returns
    -------
    str
    """
    return f"{n} {plural(n, singular, plural_form)}"


def agree(n: int, singular: str, plural_form: str) -> str:
    """The verb for a subject of *n* things: ``agree(1, "holds", "hold")`` -> ``holds``.

    Parameters
    ----------
    n : int
        How many things the subject is.
    singular, plural_form : str
        The verb for one and for several.

    Returns
    -------
    str
    """
    return singular if n == 1 else plural_form


def bullets(lines: Iterable[str]) -> str:
    """A Markdown bullet list, one ``- `` line per non-empty sentence.

    Parameters
    ----------
    lines : iterable of str
        The sentences (empty ones are skipped).

    Returns
    -------
    str
        The lines joined by newlines, no final newline.
    """
    return "\n".join(f"- {s}" for s in lines if s)


def show(markdown: str):
    """Display *markdown* in a notebook (returns an IPython Markdown object).

    The Markdown passes :func:`analysis.report.markup.sanitize_markdown` first: whatever a sentence
    interpolated from a manifest or a plan, no raw HTML, script, link or image reaches the page.

    Parameters
    ----------
    markdown : str
        Generated Markdown.

    Returns
    -------
    IPython.display.Markdown
    """
    from IPython.display import Markdown  # only inside a notebook: the docs and the report pages need no IPython

    return Markdown(sanitize_markdown(markdown))


# ------------------------------------------------------------------ corpus design
def parameters(params, names: Iterable[str]) -> str:
    """The values the build used for the parameters *names*: ``Parameters of this build: match_threshold = 0.35.``

    Notebooks show this instead of typing a threshold into their prose, so a
    build with other parameters (``--set``) is described truthfully.

    Parameters
    ----------
    params : object
        The build's parameters (:class:`~analysis.pipeline.crossplan.CrossPlanParams`, or any object with them).
    names : iterable of str
        The parameters to state, in order.

    Returns
    -------
    str
        One sentence; floats printed with ``:g``, lists and tuples joined by commas.
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
    """A label for the middle of a sentence: ``The elderly`` -> ``the elderly``.

    Parameters
    ----------
    label : str
        The label.

    Returns
    -------
    str
        The label with its first letter in lower case, unchanged when its first two characters are upper case
        (``NGOs``, ``CAST``).
    """
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
    """A matrix of ``value [lo–hi]`` strings (``–`` where the value is missing) for display.

    Parameters
    ----------
    df : pandas.DataFrame
        A long table with one row per cell.
    value, lo, hi : str
        Its columns of the value and of the bounds.
    index, columns : str
        Its columns giving the matrix's rows and columns (rows in order of first appearance).
    percent : bool
        Cells as percentages or as numbers.
    digits : int
        Decimals printed.
    index_labels, column_labels : dict, optional
        Id -> label for the rows and the columns.
    column_order : list, optional
        The columns in order; None: order of first appearance.

    Returns
    -------
    pandas.DataFrame
        Strings, one row per value of *index*, one column per value of *columns*; index and column names are
        *index* and *columns*.
    """
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


__all__ = ["pct", "ci", "ci_n", "with_ci", "num", "names", "count_word", "all_of", "times", "plural", "counted",
           "agree", "bullets", "show", "parameters", "lower", "interval_table"]
