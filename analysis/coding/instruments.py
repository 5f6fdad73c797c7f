"""Policy instruments: *how* an action intends to act (Rothwell & Zegveld's supply-, environment- and
demand-side instruments, as Chinese 政策工具 studies use them).

The codebook's ``instruments`` section lists 14 codes in three kinds, each with
*cues* (regular expressions) and *not* patterns.  An action's own text (its
department list is cut off by segmentation) is cut into clauses at ``，；。：！？``
outside parentheses, quotes and book-title marks; a clause uses an instrument
when a cue of that code matches in it and no *not* pattern does.  An action
gets one row per instrument it uses, with the first clause that shows it as
evidence (offsets into the normalised text) and the number of its clauses that
do.  A goal (``提升…科学素质``) or a department list is not an instrument: no cue
names one.

How well the rules agree with independent coders is measured, not assumed: two
coders coded every action of the shipped plans by hand with the coding manual
(``data/validation/manual_instruments.md``); the rules were tuned on a third
of the actions (the development split) and precision and recall are reported
on the other two thirds (:mod:`analysis.validation`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.coding.codebook import Codebook, codebook_data
from analysis.coding.dimension import Coded, CodingDimension
from analysis.errors import BuildError
from analysis.patterns import PATTERN_ERRORS, alternation, compile_user
from analysis.schema import Column, Table

#: Clause ends (outside brackets and quotes).
CLAUSE_ENDS = "，；。：！？\n"
_OPEN, _CLOSE = "（《“‘【〔", "）》”’】〕"


@dataclass(frozen=True)
class InstrumentCode:
    """One instrument: ``id`` (``supply.talent``), ``kind``, names, compiled cues and exclusions."""

    id: str
    kind: str
    zh: str
    en: str
    cues: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...]

    @property
    def cue_re(self) -> re.Pattern | None:
        """All cues as one pattern (one search per clause instead of one per cue)."""
        return _alternation(self.cues)

    @property
    def exclude_re(self) -> re.Pattern | None:
        """All exclusions as one pattern."""
        return _alternation(self.exclude)


@lru_cache(maxsize=256)
def _alternation(patterns: tuple) -> re.Pattern | None:
    """One pattern for all of *patterns*; bounded in time if they are (a codebook not the package's)."""
    where = getattr(patterns[0], "where", "codebook instruments").rsplit("[", 1)[0] if patterns else ""
    return alternation(patterns, where)


def instrument_codes(codebook: Codebook) -> tuple[InstrumentCode, ...]:
    """The instrument codes of *codebook* (its ``instruments`` section), in codebook order.

    Parameters
    ----------
    codebook : Codebook
        The codebook in force.

    Returns
    -------
    tuple of InstrumentCode
    """
    return _codes(codebook.path)


@lru_cache(maxsize=8)
def _section(path: str) -> tuple[dict, tuple[InstrumentCode, ...]]:
    """The codebook's ``instruments`` section, validated: ``(kinds, codes)``.

    A malformed section raises :class:`BuildError` naming the file and the
    entry (``instruments.codes[3]``) and what is wrong with it.
    """
    where = f"{path}: instruments"
    data, trusted = codebook_data(path)
    section = (data.get("instruments") if isinstance(data, dict) else None) or {}
    if not isinstance(section, dict):
        raise BuildError(f"{where}: must be a mapping with `kinds` and `codes` (compare with the package's "
                         "codebook.yaml).")
    kinds = section.get("kinds") or {}
    if not isinstance(kinds, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in kinds.items()):
        raise BuildError(f"{where}.kinds: must map each kind's id to its `zh` and `en` names.")
    raw_codes = section.get("codes") or []
    if not isinstance(raw_codes, list):
        raise BuildError(f"{where}.codes: must be a list of codes (id, kind, zh, en, cues, not).")
    out, seen = [], set()
    for i, c in enumerate(raw_codes):
        at = f"{where}.codes[{i}]"
        if not isinstance(c, dict):
            raise BuildError(f"{at}: must be a mapping with id, kind, zh, en, cues and not.")
        cid, kind = c.get("id"), c.get("kind")
        if not isinstance(cid, str) or not cid.strip():
            raise BuildError(f"{at}: has no `id`.")
        at = f"{at} ({cid})"
        if cid in seen:
            raise BuildError(f"{at}: the id is used twice.")
        seen.add(cid)
        if kind not in kinds:
            raise BuildError(f"{at}: kind {kind!r} is not one of instruments.kinds ({', '.join(kinds) or 'none'}).")
        pats = {}
        for key in ("cues", "not"):
            items = c.get(key) or []
            if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
                raise BuildError(f"{at}.{key}: must be a list of regular expressions (strings).")
            compiled = []
            for j, p in enumerate(items):
                try:
                    rx = compile_user(p, f"{at}.{key}[{j}]", trusted=trusted)
                except PATTERN_ERRORS as exc:
                    raise BuildError(f"{at}.{key}[{j}]: {p!r} is not a valid regular expression ({exc}).") from exc
                if rx.search("") is not None:
                    raise BuildError(f"{at}.{key}[{j}]: {p!r} matches the empty string, so every clause; "
                                     "give it at least one character to match.")
                compiled.append(rx)
            pats[key] = tuple(compiled)
        out.append(InstrumentCode(cid, kind, str(c.get("zh", "")), str(c.get("en", "")), pats["cues"], pats["not"]))
    return dict(kinds), tuple(out)


def _codes(path: str) -> tuple[InstrumentCode, ...]:
    return _section(path)[1]


def instrument_kinds(codebook: Codebook) -> dict[str, dict]:
    """``{kind: {"zh": …, "en": …}}`` of the codebook's instrument kinds, in order.

    Parameters
    ----------
    codebook : Codebook
        The codebook in force.

    Returns
    -------
    dict of str to dict
        ``{kind: {"zh": name, "en": name}}``, in codebook order.
    """
    return dict(_kinds(codebook.path))


def _kinds(path: str) -> dict[str, dict]:
    return _section(path)[0]


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of *text*'s clauses: cut at :data:`CLAUSE_ENDS` outside brackets and quotes.

    Parameters
    ----------
    text : str
        An action's text.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets into *text* of the non-blank clauses, in order, the cutting character excluded.
    """
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in CLAUSE_ENDS and depth == 0:
            if text[start:i].strip():
                out.append((start, i))
            start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _matchers(codes: tuple[InstrumentCode, ...]) -> list[tuple[str, re.Pattern, re.Pattern | None]]:
    """``(id, cues, exclusions)`` of every code with cues, each as one compiled alternation."""
    return [(c.id, c.cue_re, c.exclude_re) for c in codes if c.cues]


def code_clause(clause: str, codes: tuple[InstrumentCode, ...], matchers=None) -> list[str]:
    """Ids of the instruments one clause uses (*matchers*: :func:`_matchers` of *codes*, computed once).

    Parameters
    ----------
    clause : str
        One clause.
    codes : tuple of InstrumentCode
        The codebook's instrument codes.
    matchers : list, optional
        ``_matchers(codes)``, passed when coding many clauses; None computes it.

    Returns
    -------
    list of str
        The ids of the codes whose cue matches and whose exclusion does not, in codebook order.
    """
    return [cid for cid, cue, exclude in (matchers if matchers is not None else _matchers(codes))
            if cue.search(clause) and not (exclude is not None and exclude.search(clause))]


TABLE = Table("instruments", "instruments.csv", "extract", "one policy instrument an action uses", (
    Column("action_id", "str", "the action"),
    Column("jurisdiction", "str", "its plan"),
    Column("kind", "str", "`supply`, `environment` or `demand`"),
    Column("code", "str", "the instrument, `<kind>.<name>` (codebook `instruments`)"),
    Column("n_clauses", "int", "clauses of the action that use it"),
    Column("evidence", "str", "the first such clause; equals `text[start:end]`"),
    Column("start", "int", "offset of the evidence clause", "text"),
    Column("end", "int", "end of the evidence clause", "text"),
), notes="Rule-based coding (cues per code in the codebook); its agreement with two independent coders (AI-assistant sessions, docs/validation.md) is reported "
         "per code in the validation notebook. An action usually uses several instruments.")


class InstrumentsDimension(CodingDimension):
    """Which policy instruments each action uses (module docstring)."""

    name = "instruments"
    table = TABLE
    codebook_section = ("instruments",)
    action_columns = (Column("n_instruments", "int", "rows in instruments.csv: instruments the action uses"),)

    def check(self, codebook: Codebook) -> None:
        """Validate the codebook's ``instruments`` section (raises :class:`BuildError` naming the entry).

        Parameters
        ----------
        codebook : Codebook
            The loaded codebook.

        Returns
        -------
        None
        """
        _section(codebook.path)

    def code(self, text: str, units, codebook: Codebook, context) -> Coded:
        """Code the policy instruments of every action of one plan, clause by clause.

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
            ``rows``: one dict per (action, instrument code), the columns of ``instruments.csv`` (the first
            clause using it as evidence); ``action_values``: ``{action_id: {n_instruments}}`` for every unit.
        """
        out = Coded()
        codes = instrument_codes(codebook)
        order = {c.id: i for i, c in enumerate(codes)}
        kind_of = {c.id: c.kind for c in codes}
        matchers = _matchers(codes)
        for u in units:
            body = text[u.start:u.end]
            found: dict[str, list[tuple[int, int]]] = {}
            for a, b in clauses(body):
                for cid in code_clause(body[a:b], codes, matchers):
                    found.setdefault(cid, []).append((a, b))
            for cid in sorted(found, key=order.get):
                a, b = found[cid][0]
                a += len(body[a:b]) - len(body[a:b].lstrip())
                out.rows.append({"action_id": u.action_id, "jurisdiction": u.jurisdiction, "kind": kind_of[cid],
                                 "code": cid, "n_clauses": len(found[cid]), "evidence": body[a:b],
                                 "start": u.start + a, "end": u.start + b})
            out.action_values[u.action_id] = {"n_instruments": len(found)}
        return out


__all__ = ["InstrumentCode", "instrument_codes", "instrument_kinds", "clauses", "code_clause", "TABLE",
           "InstrumentsDimension"]
