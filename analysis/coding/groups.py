"""Target groups: the group an action belongs to, and every mention of a group.

An action's ``group`` comes from structure, not vocabulary: it is the group
announced by the heading of a section or item above it (or its own numbered
heading), e.g. ``（一）实施青少年科学素质提升行动``.  Mentions are the
vocabulary view: every occurrence of a group term in the action's text, so
coverage can be counted both ways.
"""
from __future__ import annotations

import re

from analysis.coding.codebook import Codebook
from analysis.coding.dimension import Coded, CodingDimension
from analysis.schema import Column, Table


_REGEX_CACHE: dict[str, tuple[re.Pattern, dict[str, str]]] = {}


def _term_regex(codebook: Codebook) -> tuple[re.Pattern, dict[str, str]]:
    if codebook.path not in _REGEX_CACHE:
        pairs = codebook.group_terms() + [(t, "") for t in codebook.not_mentions]
        pairs.sort(key=lambda p: (-len(p[0]), p[0]))
        alternation = "|".join(re.escape(t) for t, _ in pairs if t)
        _REGEX_CACHE[codebook.path] = (re.compile(alternation or r"(?!)"), dict(pairs))
    return _REGEX_CACHE[codebook.path]


def find_terms(text: str, codebook: Codebook) -> list[tuple[int, int, str, str]]:
    """Non-overlapping ``(start, end, term, group)`` in *text*, longest term first.

    Parameters
    ----------
    text : str
        The text searched.
    codebook : Codebook
        The codebook in force (its target groups and their terms).

    Returns
    -------
    list of (int, int, str, str)
        ``(start, end, term, group_id)``, offsets into *text*, in text order; at each position the longest term.
    """
    rx, lookup = _term_regex(codebook)
    return [(m.start(), m.end(), m.group(0), lookup[m.group(0)]) for m in rx.finditer(text) if lookup[m.group(0)]]


def heading_group(heading: str, codebook: Codebook) -> str | None:
    """The group a heading announces, or None (see module doc).

    Parameters
    ----------
    heading : str
        A heading's text.
    codebook : Codebook
        The codebook in force (its target groups and their terms).

    Returns
    -------
    str or None
        The group's id if the heading has a group keyword and names exactly one group, else None.
    """
    if not any(k in heading for k in codebook.group_heading_keywords):
        return None
    found = {g for _, _, _, g in find_terms(heading, codebook)}
    # 农民工 is coded to workers; a heading naming only that is a workers line
    return sorted(found)[0] if len(found) == 1 else None


#: A heading that announces a programme for a group: 实施妇女科学素质提升行动, 老年人科普工程 …
PROGRAMME_RE = re.compile(r"^(?:实施|开展|推进|推动|提升|强化|加强|深化)?(?P<who>[\u4e00-\u9fff]{2,8}?)"
                          r"(?:科学素质|科学素养)(?:提升)?(?:行动|工程)")


def unknown_group(heading: str, codebook: Codebook) -> str:
    """The group words of a heading that announces a programme for a group the codebook lacks, or ``""``.

    Parameters
    ----------
    heading : str
        A heading's text.
    codebook : Codebook
        The codebook in force (its target groups and their terms).

    Returns
    -------
    str
        The words naming the group (the programme's ``who``), or ``""`` when the heading is no programme, names a
        known group, or names what the codebook lists as no group.
    """
    m = PROGRAMME_RE.match(heading)
    if not m or find_terms(heading, codebook):
        return ""
    who = m.group("who")
    if any(w in who for w in codebook.not_groups):
        return ""
    return who


def group_of(headings: list[str], codebook: Codebook) -> str:
    """Innermost heading (last in *headings*) that announces a group; ``""`` if none.

    Parameters
    ----------
    headings : list of str
        The headings above an action, outermost first.
    codebook : Codebook
        The codebook in force (its target groups and their terms).

    Returns
    -------
    str
        The group's id, or ``""``.
    """
    for h in reversed(headings):
        g = heading_group(h, codebook)
        if g:
            return g
    return ""


# ---------------------------------------------------------------- the dimension
TABLE = Table("group_mentions", "group_mentions.csv", "extract", "one mention of a target group in an action", (
    Column("action_id", "str", "the action"),
    Column("jurisdiction", "str", "its plan"),
    Column("group", "str", "codebook group id"),
    Column("term", "str", "the term as found (longest term wins: `农民工` is a workers mention)"),
    Column("start", "int", "offset of the term", "text"),
    Column("end", "int", "end of the term", "text"),
), notes="A mention is a word, not a commitment: many youth mentions are names of contests and programmes "
         "(`全国青少年科技创新大赛`). Read mention rates as attention in the text, dedicated actions as "
         "commitments.")


class GroupsDimension(CodingDimension):
    """Every mention of a target group in an action's text (the vocabulary view of coverage).

    The *structural* view -- the group line an action belongs to, ``group`` in
    ``actions.csv`` -- comes from the headings and is set by segmentation
    (:func:`group_of`).
    """

    name = "groups"
    table = TABLE
    codebook_section = ("groups", "not_mentions", "group_heading_keywords")
    action_columns = (Column("n_group_mentions", "int", "rows in group_mentions.csv"),)

    def code(self, text: str, units, codebook: Codebook, context) -> Coded:
        """Code the target-group terms of every action of one plan; report unknown groups.

        Parameters
        ----------
        text : str
            The plan's normalised text; every unit's offsets point into it.
        units : sequence of ActionUnit
            The plan's actions as segmentation found them (body span, headings above, department lists).
        codebook : Codebook
            The codebook in force.
        context : CodingContext
            The plan's level prefix and place names, where to point a reader, and the list *gaps* is appended to.

        Returns
        -------
        Coded
            ``rows``: one dict per group term found in an action, the columns of ``group_mentions.csv``;
            ``action_values``: ``{action_id: {n_group_mentions}}`` for every unit.
        """
        out = Coded()
        reported: set[str] = set()
        for u in units:
            for h in u.headings:
                who = unknown_group(h, codebook)
                if who and h not in reported:
                    reported.add(h)
                    at = max(text.rfind(h, 0, u.start), 0)
                    context.gaps.append({"kind": "group", "name": who, "printed": h, "offset": at,
                                         "jurisdiction": u.jurisdiction, "where": context.where(at, text),
                                         "suggested": ""})
            found = find_terms(text[u.start:u.end], codebook)
            for s, e, term, g in found:
                out.rows.append({"action_id": u.action_id, "jurisdiction": u.jurisdiction, "group": g,
                                 "term": term, "start": u.start + s, "end": u.start + e})
            out.action_values[u.action_id] = {"n_group_mentions": len(found)}
        return out
