"""Sentences that compare plans from tests of differences (:mod:`analysis.compare.inference`), never by eye.

"Higher" or "lower" is written only where a direct test of the difference, at the independent unit, is
significant after Holm's correction over the comparisons the sentences make; every other pair is a tie the
data do not break, and is said to be one.
"""
from __future__ import annotations

import pandas as pd

from analysis.report.wording import count_word, counted


def p_text(p: float) -> str:
    """``p = 0.012`` / ``p < 0.001`` for a Holm-adjusted p-value.

    Parameters
    ----------
    p : float
        The adjusted p-value (NaN: not computed).

    Returns
    -------
    str
        Three decimals, ``p < 0.001`` below that, ``p not computed`` for NaN.
    """
    if p != p:
        return "p not computed"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def method_text(tests: pd.DataFrame) -> str:
    """How the pairs were tested, in words: Fisher's exact test, a cluster bootstrap, or both.

    Parameters
    ----------
    tests : pandas.DataFrame
        Pairwise tests (:data:`analysis.compare.inference.PAIR_COLUMNS`; its ``method`` column is read).

    Returns
    -------
    str
        The methods joined by "and"; ``no test`` for an empty table or one without ``method``.
    """
    methods = set(tests["method"]) if "method" in tests and len(tests) else set()
    words = []
    if "fisher" in methods:
        words.append("Fisher's exact test where every action is its own unit")
    if "cluster_bootstrap" in methods:
        words.append("a cluster bootstrap of the difference over the independent units")
    return " and ".join(words) if words else "no test"


def points(d: float) -> str:
    """A difference of two shares in percentage points: ``12.3 points``.

    Parameters
    ----------
    d : float
        A difference of two shares, as a fraction (0.123 = 12.3 points).

    Returns
    -------
    str
    """
    return f"{100 * d:.1f} points"


def tested_ranking(tests: pd.DataFrame, labels: dict[str, str], what: str, n_family: int | None = None,
                   fmt=points) -> str:
    """One sentence on which plans differ in *what*, from :func:`analysis.compare.inference.pairwise_differences`.

    Parameters
    ----------
    tests : pandas.DataFrame
        Pairwise tests (``direction``, ``p_adjusted``, ``difference``...), adjusted as one family.
    labels : dict
        Plan labels.
    what : str
        The measure, for "a higher share of *what*".
    n_family : int, optional
        The size of the family the p-values were adjusted over (default: the rows of *tests*).
    fmt : callable
        Formats a difference (default: percentage points).

    Returns
    -------
    str
        The sentence ("" without pairs).
    """
    if not len(tests):
        return ""
    n = n_family if n_family is not None else len(tests)
    how = (f"({method_text(tests)}, Holm-adjusted over {counted(n, 'comparison')})")
    sig = tests[tests["direction"] != 0]
    if not len(sig):
        n_pairs = len(tests)
        subject = "the two plans" if n_pairs == 1 else f"any of the {count_word(n_pairs)} pairs of plans"
        return (f"No test tells {subject} apart in the share of {what} {how}: the data do not show that one "
                "plan has more than another.")
    parts = []
    for r in sig.itertuples():
        hi, lo = (r.jurisdiction, r.other_jurisdiction) if r.direction > 0 else (r.other_jurisdiction, r.jurisdiction)
        d = abs(r.difference)
        parts.append(f"{labels.get(hi, hi)} higher than {labels.get(lo, lo)} (by {fmt(d)}, {p_text(r.p_adjusted)})")
    rest = len(tests) - len(sig)
    tail = (f"; {counted(rest, 'other pair')} the tests do not tell apart" if rest else "")
    return f"Share of {what}, by tests of the difference {how}: " + "; ".join(parts) + tail + "."


def higher_than_all(tests: pd.DataFrame, plan: str) -> tuple[list[str], list[str]]:
    """The plans *plan* is significantly above, and those it is not, in a table of pairwise tests.

    Parameters
    ----------
    tests : pandas.DataFrame
        Pairwise tests (``jurisdiction, other_jurisdiction, direction``; ``direction`` +1 / -1 only where the
        adjusted test is significant, else 0).
    plan : str
        The plan looked at.

    Returns
    -------
    tuple of (list of str, list of str)
        ``(above, not_above)``: the other plans of every pair with *plan*, in table order, split by whether
        *plan* is significantly higher.
    """
    above, not_above = [], []
    for r in tests.itertuples():
        if plan not in (r.jurisdiction, r.other_jurisdiction):
            continue
        other = r.other_jurisdiction if r.jurisdiction == plan else r.jurisdiction
        sign = r.direction if r.jurisdiction == plan else -r.direction
        (above if sign > 0 else not_above).append(other)
    return above, not_above


__all__ = ["p_text", "points", "method_text", "tested_ranking", "higher_than_all"]
