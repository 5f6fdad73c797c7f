"""Quantified commitments inside an action's text.

A commitment is an Arabic number followed by a unit from the codebook
(``30余人次``, ``90%以上``, ``5000万元``, ``10名``), with the qualifier around it
(``不少于``, ``达到``, ``以上``, ``余``, ``左右``…), the period it recurs over
(``每年``) and its deadline (``到2025年``).  Numbers that are not commitments are
skipped: years and dates, ordinals (``第11次``), numbers inside titles
(``《健康素养66条》``), existing counts (``现有16个``) and parts of decimals or
codes.  Chinese numerals are not read: in these plans they name slogans
(``三下乡``, ``四个意识``), not targets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.coding.codebook import Codebook
from analysis.coding.dimension import Coded, CodingDimension
from analysis.schema import Column, Table

CLAUSE_SEPS = "，。；：！？\n"
#: How far back (characters) a commitment's clause and sentence are looked for.
WINDOW = 400
SPAN_SEPS = CLAUSE_SEPS + "、"


@dataclass(frozen=True)
class Target:
    span: str
    value: float
    unit: str
    qualifier: str
    per: str
    year: str
    start: int
    end: int


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


_RX: dict[str, re.Pattern] = {}


def _regex(codebook: Codebook) -> re.Pattern:
    if codebook.path not in _RX:
        units = "|".join(re.escape(u) for u in codebook.units)
        after = "|".join(re.escape(q) for q in sorted(codebook.after_qualifiers, key=len, reverse=True))
        _RX[codebook.path] = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(余|多)?({units})({after})?")
    return _RX[codebook.path]


def find_targets(text: str, codebook: Codebook, offset: int = 0) -> list[Target]:
    """Every commitment in *text*; offsets are shifted by *offset*.

    Parameters
    ----------
    text : str
        The text searched (an action's body).
    codebook : Codebook
        The codebook in force (qualifiers, periods, units).
    offset : int, default 0
        Where *text* starts in the plan's normalised text.

    Returns
    -------
    list of Target
        One per number with a unit, in text order: its clause (``span``), value, unit, qualifier, period, target
        year and document offsets.  Numbers inside 《》, ordinals (第) and existing counts (现有) are skipped.
    """
    rx = _regex(codebook)
    out = []
    for m in rx.finditer(text):
        num, pre_after, unit, post = m.group(1), m.group(2), m.group(3), m.group(4)
        s = m.start()
        before = text[max(0, s - 3):s]
        if before.endswith("第") or _inside_title(text, s) or text[max(0, s - 4):s].endswith(("现有", "已有")):
            continue
        if re.search(r"现有\d*$", text[max(0, s - 6):s]):
            continue
        if unit in ("%",) and text[m.end():m.end() + 1].isdigit():
            continue
        # the clause the number belongs to
        w = max(0, s - WINDOW)  # a clause is never longer: bounded look-back keeps long actions linear
        cs = max(max(text.rfind(c, w, s) for c in SPAN_SEPS) + 1, w)
        while text.count("）", cs, s) > text.count("（", cs, s):  # a separator inside （市、区）
            opened = text.rfind("（", w, cs)
            if opened < 0:
                break
            cs = max(max(text.rfind(c, w, opened) for c in SPAN_SEPS) + 1, w)
        clause_start = max(max(text.rfind(c, w, s) for c in CLAUSE_SEPS) + 1, w)
        sentence_start = max(max(text.rfind(c, w, s) for c in "。；\n") + 1, w)
        end = m.end()
        head = text[cs:s]
        qualifier = ""
        for q, code in sorted(codebook.before_qualifiers.items(), key=lambda kv: -len(kv[0])):
            if head.endswith(q) or q in head[-6:]:
                qualifier = code
                break
        for q in (pre_after, post):
            if q:
                qualifier = codebook.after_qualifiers.get(q, qualifier)
        per = ""
        clause = text[clause_start:s]
        for p, code in codebook.periods.items():
            if p in clause:
                per = code
                break
        year = ""
        ym = list(re.finditer(r"(?:到|至|于|在)?(\d{4})年(?:底|前|末)?", text[sentence_start:s]))
        if ym:
            cand = ym[-1]
            if cand.group(0).startswith(("到", "至")) or cand.group(0).endswith(("底", "前", "末")) or \
                    text[sentence_start + cand.end():sentence_start + cand.end() + 1] in ("，", ""):
                year = cand.group(1)
        value = float(num)
        out.append(Target(text[cs:end], value, unit, qualifier, per, year, offset + cs, offset + end))
    return out


# ---------------------------------------------------------------- the dimension
TABLE = Table("targets", "targets.csv", "extract", "one quantified commitment in an action", (
    Column("action_id", "str", "the action"),
    Column("jurisdiction", "str", "its plan"),
    Column("span", "str", "the clause holding the commitment (`每年培训科技辅导员30余人次`)"),
    Column("value", "float", "the number"),
    Column("unit", "str", "its unit (`人次`, `%`, `万元` …)"),
    Column("qualifier", "str", "`at_least`, `over`, `reach`, `at_most`, `about`, or empty"),
    Column("per", "str", "`year` (每年), `quarter`, `month`, `week`, `term`, or empty"),
    Column("year", "int", "deadline year (`到2025年`), or empty"),
    Column("start", "int", "offset of `span`", "text"),
    Column("end", "int", "end of `span`", "text"),
))


class CommitmentsDimension(CodingDimension):
    """Quantified commitments in each action's text (:func:`find_targets`)."""

    name = "commitments"
    table = TABLE
    codebook_section = ("targets",)
    action_columns = (Column("n_targets", "int", "rows in targets.csv"),)

    def code(self, text: str, units, codebook: Codebook, context) -> Coded:
        """Code the measurable commitments (numbers with units) of every action of one plan.

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
            ``rows``: one dict per commitment, the columns of ``targets.csv``; ``action_values``: ``{action_id:
            {n_targets}}`` for every unit.
        """
        out = Coded()
        for u in units:
            found = find_targets(text[u.start:u.end], codebook, u.start)
            for tg in found:
                out.rows.append({"action_id": u.action_id, "jurisdiction": u.jurisdiction, "span": tg.span,
                                 "value": tg.value, "unit": tg.unit, "qualifier": tg.qualifier, "per": tg.per,
                                 "year": tg.year, "start": tg.start, "end": tg.end})
            out.action_values[u.action_id] = {"n_targets": len(found)}
        return out
