"""A concordance (keyword in context) over the normalised texts: every hit with its plan, action and offsets.

:func:`kwic` finds a *pattern* three ways:

- a regular expression (``kwic("科普(日|周)")``) or a literal string (``regex=False``);
- a codebook term: ``kwic("青少年")`` is just a string, ``kwic(code="group:youth")`` every term of the
  youth group (longest first, as the coder reads them);
- a whole code, read from the coded tables at their evidence offsets: ``group:<id>`` (mentions),
  ``department:<category>`` (assignments), ``commitment`` or ``commitment:<unit class>`` (quantified
  commitments), ``instrument:<code or kind>`` (policy instruments), ``action:<kind>`` (action spans).

Each row is one hit: ``jurisdiction, action_id`` (the action whose span holds it, ``""`` outside every
action), ``start, end`` (offsets into ``text/<jurisdiction>.txt``), ``left, match, right`` (context of
*window* characters, line breaks shown as ``⏎``).  Rows come in corpus order and by offset; sort them
with ``sort="left"`` / ``"right"`` / ``"match"`` to read a pattern's neighbourhoods.  The result is a
DataFrame: ``.to_csv()`` exports it; ``python -m analysis kwic`` prints it.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path

import pandas as pd
import regex as _regex

from analysis import paths
from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes, instrument_kinds
from analysis.compare.tables import plan_order, processed_dir, read_table
from analysis.limits import KWIC_TIMEOUT
from analysis.patterns import BoundedPattern, PATTERN_ERRORS, PatternTimeout
from analysis.pipeline.run import build_codebook

KWIC_COLUMNS = ["jurisdiction", "action_id", "start", "end", "left", "match", "right"]
SORTS = ("plan", "left", "right", "match")


def _texts(folder: Path, plans: list[str] | None) -> dict[str, str]:
    docs = read_table("documents", folder)
    if plans is not None:
        known = [str(j) for j in docs["jurisdiction"]]
        unknown = [p for p in plans if p not in known]
        if unknown:
            raise ValueError(f"no plan {', '.join(repr(p) for p in unknown)} in {folder}; its plans are "
                             f"{', '.join(known) or 'none'}")
    ids = [j for j in docs["jurisdiction"] if plans is None or j in plans]
    return {j: (paths.text_dir(folder) / f"{j}.txt").read_text(encoding="utf-8") for j in ids}


def _spans_from_code(code: str, folder: Path, plans: list[str] | None) -> dict[str, list[tuple[int, int, str]]]:
    """Evidence spans of a whole code (see module docstring) with the action coded, by plan."""
    kind, _, value = code.partition(":")
    if kind == "group":
        table, col = "group_mentions", "group"
    elif kind == "department":
        table, col = "assignments", "category"
    elif kind == "commitment":
        table, col = "targets", "unit"
    elif kind == "instrument":
        table, col = "instruments", "code"
    elif kind == "action":
        table, col = "actions", "kind"
    else:
        raise ValueError(f"code {code!r}: use group:<id>, department:<category>, commitment[:<unit class>], "
                         "instrument:<code or kind>, action:<kind>")
    df = read_table(table, folder)
    if value:
        cb = load_codebook(build_codebook(folder))
        known = {"group": lambda: [g.id for g in cb.groups],
                 "department": lambda: [c.id for c in cb.categories] + ["uncoded"],
                 "commitment": lambda: [u.id for u in cb.unit_classes] + ["other"] + sorted(set(df["unit"].dropna())),
                 "instrument": lambda: [c.id for c in instrument_codes(cb)] + list(instrument_kinds(cb)),
                 "action": lambda: ["action", "safeguard"]}[kind]()
        if value not in known:
            raise ValueError(f"code {code!r}: the build's codebook has no {kind} {value!r}; known: "
                             + ", ".join(known))
        if kind == "commitment":
            df = df[[cb.unit_class(u) == value or u == value for u in df["unit"]]]
        elif kind == "instrument":
            df = df[(df["code"] == value) | (df["kind"] == value)]
        else:
            df = df[df[col] == value]
    if plans is not None:
        df = df[df["jurisdiction"].isin(plans)]
    out: dict[str, list[tuple[int, int, str]]] = {}
    for j, s, e, a in zip(df["jurisdiction"], df["start"], df["end"], df["action_id"]):
        out.setdefault(j, []).append((int(s), int(e), str(a)))
    return out


def _group_pattern(group: str, folder: Path) -> str:
    cb = load_codebook(build_codebook(folder))
    terms = [t for t, g in cb.group_terms() if g == group]
    if not terms:
        raise ValueError(f"no group {group!r} in the codebook")
    return "|".join(re.escape(t) for t in terms)


def kwic(pattern: str | None = None, processed: Path | str | None = None, *, code: str | None = None,
         regex: bool = True, window: int = 20, plans: list[str] | None = None, sort: str = "plan",
         terms: bool = False, timeout: float = KWIC_TIMEOUT) -> pd.DataFrame:
    """Concordance of *pattern* (or of a whole *code*) over the normalised texts of *processed*.

    Parameters
    ----------
    pattern : str, optional
        A regular expression (a literal string with ``regex=False``), not empty.  It is matched by the
        ``regex`` package (the syntax of :mod:`re`, plus ``\\p{Han}``-style classes) with a time limit.
    processed : path, optional
        The processed folder (default ``data/processed``).
    code : str, optional
        A whole code instead of a pattern (module docstring). ``terms=True``
        with ``code="group:<id>"`` searches the group's terms in the whole
        text instead of reading the coded mentions.
    regex : bool
        Read *pattern* as a regular expression (default); False: as a literal string.
    window : int
        Characters of context on each side (default 20), 0 or more.
    plans : list of str, optional
        Only these plans (each must be a plan of the build).
    sort : {"plan", "left", "right", "match"}
        Row order: corpus order and offset (default), or alphabetical by the
        reversed left context, the right context or the match.
    terms : bool
        With ``code="group:<id>"``: search the group's terms instead of reading the coded mentions.
    timeout : float
        CPU seconds the search may take on one plan's text (:data:`analysis.limits.KWIC_TIMEOUT`).

    Returns
    -------
    pandas.DataFrame
        One row per hit, columns :data:`KWIC_COLUMNS`.

    Raises
    ------
    ValueError
        An empty pattern, a negative window, an unknown plan, sort or code.
    analysis.patterns.PatternTimeout
        The search took longer than *timeout* on a plan (the message names the pattern and the plan).
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    if (pattern is None) == (code is None):
        raise ValueError("give a pattern or a code (not both)")
    if pattern is not None and not pattern:
        raise ValueError("the pattern is empty")
    if int(window) < 0:
        raise ValueError(f"window {window}: the context is a number of characters, 0 or more")
    rx = _compile(pattern, regex, timeout) if pattern is not None else None
    folder = processed_dir(processed)
    texts = _texts(folder, plans)
    actions = read_table("actions", folder)
    if code is not None and code.startswith("group:") and terms:
        rx, code = re.compile(_group_pattern(code.split(":", 1)[1], folder)), None
    rows = []
    if code is not None:
        hits = _spans_from_code(code, folder, plans)
    else:
        hits = {j: _finditer(rx, t, j) for j, t in texts.items()}
    for j in plan_order(list(texts)):
        text = texts[j]
        a = actions[actions["jurisdiction"] == j].sort_values("start")
        starts, ends, ids = a["start"].tolist(), a["end"].tolist(), a["action_id"].tolist()
        for s, e, aid in sorted(hits.get(j, [])):
            if not aid:  # the action whose span holds the hit
                k = bisect.bisect_right(starts, s) - 1
                aid = ids[k] if k >= 0 and s < ends[k] else ""
            rows.append({"jurisdiction": j, "action_id": aid, "start": s, "end": e,
                         "left": text[max(0, s - window):s].replace("\n", "⏎"), "match": text[s:e],
                         "right": text[e:e + window].replace("\n", "⏎")})
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    if sort == "left":
        out = out.assign(_k=out["left"].str[::-1]).sort_values(["_k", "jurisdiction", "start"],
                                                               kind="mergesort").drop(columns="_k")
    elif sort in ("right", "match"):
        out = out.sort_values([sort, "jurisdiction", "start"], kind="mergesort")
    return out.reset_index(drop=True)


def _compile(pattern: str, regex: bool, timeout: float) -> BoundedPattern:
    if not timeout > 0:
        raise ValueError(f"timeout {timeout}: give a number of seconds above 0")
    try:
        return BoundedPattern(pattern if regex else _regex.escape(pattern), "kwic", timeout)
    except PATTERN_ERRORS as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression ({exc}); use --literal (regex=False) "
                         "for plain text") from None


def _finditer(rx, text: str, plan: str) -> list[tuple[int, int, str]]:
    """Non-empty matches of *rx* in one plan's *text*; a time-out names the plan."""
    try:
        return [(m.start(), m.end(), "") for m in rx.finditer(text) if m.end() > m.start()]
    except PatternTimeout:
        raise PatternTimeout(f"kwic: the regular expression {rx.pattern!r} took more than {rx.timeout:g} s of CPU "
                             f"on plan {plan} ({len(text):,} characters) and was stopped: nested repetition such "
                             "as (a+)+ or (.+)+ makes a search try exponentially many ways. Rewrite the pattern "
                             "(or raise --timeout).") from None


def format_kwic(df: pd.DataFrame, width: int | None = None) -> str:
    """The concordance as aligned text lines: ``plan action | left [match] right``.

    Parameters
    ----------
    df : pandas.DataFrame
        The output of :func:`kwic`.
    width : int, optional
        Width the left contexts are right-aligned to; None: the longest left context.

    Returns
    -------
    str
        One line per row of *df* (plan padded to 16 characters, action id to 20, ``-`` for none), or
        ``"(no hits)"`` for an empty table.
    """
    if df.empty:
        return "(no hits)"
    w = width or int(df["left"].str.len().max() or 0)
    return "\n".join(f"{j:<16} {a or '-':<20} {left:>{w}} [{m}] {right}"
                     for j, a, left, m, right in zip(df["jurisdiction"], df["action_id"], df["left"], df["match"],
                                                    df["right"]))


__all__ = ["kwic", "format_kwic", "KWIC_COLUMNS", "SORTS"]
