"""REFI-QDA 1.5 project exchange (``.qdpx``): the package's coding out to QDA software, a coder's review back in.

Exported here (and from :mod:`analysis.exchange`):

- :func:`export_qdpx` -- write the processed folder as a REFI-QDA project: every normalised text
  (``text/<jurisdiction>.txt``) as a ``TextSource``, one ``Case`` per plan with ``documents.csv`` as typed
  variables, the codebook as a code tree and every coded fact as a coded ``PlainTextSelection``;
- :func:`validate_qdpx` -- the problems of a ``.qdpx`` (XML schema ``Project-mrt2019.xsd`` through the
  ``xmlschema`` package, plus what the schema cannot say: files present, UTF-8, positions inside the text,
  references resolved); empty when valid;
- :func:`import_qdpx` -- read a project a human coder reviewed or extended (in NVivo, MAXQDA, ATLAS.ti,
  QualCoder …) and compare its coding with the package's, code by code: overlap-based precision, recall
  and F1 and Krippendorff's alpha; :func:`format_agreement` prints that as a short report;
- :func:`coded_selections` -- the package's coding as the export writes it (one row per code and span);
- position helpers :func:`to_refi_position`, :func:`from_refi_position`, :func:`codepoints_to_utf16`,
  :func:`utf16_to_codepoints`.

The code tree (one top code per coded table; each code's GUID is a UUID 5 of a fixed namespace and the
code's stable key, so the same code has the same GUID in every export):

=================  =====================  ==================================================================
top code           table                  children, and what a selection selects
=================  =====================  ==================================================================
Target groups      ``group_mentions``     one per codebook group (``youth 青少年``): each term mention
Group lines        ``actions.group``      one per group: the span of each action of the group's action line
Departments        ``assignments``        one per category that occurs, and ``uncoded``; below each the
                                          roles ``lead`` / ``cooperating`` / ``responsible``: the printed
                                          department name
Commitments        ``targets``            one per unit class of the codebook, and ``other``: the clause
Instruments        ``instruments``        (when the table exists) kind → code: the evidence clause
Actions            ``actions``            one per kind (``action``, ``safeguard``): the action's span
Clusters           ``clusters``           one per cluster (number and label): the span of each action in it
=================  =====================  ==================================================================

A coding dimension registered in :mod:`analysis.coding.registry` that none of these covers gets a top code
of its own (children: the values of its ``code``/``category``/``kind``/… column), selecting its ``start``/
``end`` evidence.  Tables that are not codings (sections, reuse passages, QA notes) are not exported.

**How positions are counted.** REFI-QDA 1.5 (section 10.2): "Selections in a text file are defined by the
first and the last character (Unicode codepoint) in the file. The first codepoint in the file has the
number 0"; ``endPosition`` is one past the last character (the standard's own examples: ``granola`` is
62-69).  A character outside the Basic Multilingual Plane (``𠀀`` U+20000, CJK Extension B, emoji) is
*one* position, although UTF-16 -- the string type of .NET, Java and JavaScript tools -- stores it as two
code units (a surrogate pair).  A Python ``str`` indexes code points, so a package offset is already a
REFI-QDA position; :func:`to_refi_position` / :func:`from_refi_position` make that exact even for a
string that holds a surrogate pair as two code units (the pair counts once, and an offset between its
halves is refused), and :func:`codepoints_to_utf16` / :func:`utf16_to_codepoints` convert to and from
the UTF-16 count some tools use.  The text files are written as UTF-8 without a byte-order mark and
with the ``\\n`` line breaks of the normalised texts, byte for byte.

On import the positions of a source are read the way the standard says (code points of the text as
stored, a byte-order mark not counted), unless the selections' names -- ATLAS.ti, QualCoder and others
name a selection by its text -- fit another reading better: UTF-16 code units, or a ``\\r\\n`` line break
counted as one character (tools that re-write the text with Windows line breaks but count positions in
the text as they show it).  A text that was changed is aligned with the package's text character by
character (:mod:`difflib`), so the comparison is always in the package's offsets.

**Agreement.** For each code, on each source both projects hold: the characters the human's selections
of the code cover and those the package's cover.  ``precision`` = overlap / package characters,
``recall`` = overlap / human characters (the human is the reference), ``f1`` their harmonic mean, and
``alpha`` Krippendorff's alpha for nominal data with the characters of all compared sources as units,
two coders (human, package), value present/absent -- computed in closed form from the 2×2 counts (the
same number ``krippendorff.alpha(..., level_of_measurement="nominal")`` gives, in O(1)).  Codes are
matched by GUID first, then by their name path (``Departments > cast 科协 > lead``; ATLAS.ti's
``a::b`` names are read as paths), then by a leaf name only one package code has.
"""
from __future__ import annotations

import difflib
import io
import re
import unicodedata
import uuid
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import BuildError

# ------------------------------------------------------------------------------------------------ constants
#: The REFI-QDA project namespace.
NS = "urn:QDA-XML:project:1.0"
SCHEMA_LOCATION = "urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
#: Name of the project schema file (looked up by :func:`schema_path`).
XSD_NAME = "Project-mrt2019.xsd"
#: Namespace of every GUID the export makes (UUID 5 of this and a stable key).
GUID_NAMESPACE = uuid.UUID("6f0c5a3e-2b1d-5c8e-9a47-3d2e1f0b7c61")
#: The folder of the internal sources inside the zip (REFI-QDA 1.5 section 8.1 names it ``sources``;
#: importing accepts any case).
SOURCES_DIR = "sources"
#: Fixed timestamp of every zip entry (the earliest a zip can hold), for byte-identical exports.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: How an excerpt (a selection's name) is cut.
NAME_CHARS = 60
#: Ways of reading a source's positions on import (see :func:`import_qdpx`).
POSITION_MODES = ("codepoints", "codepoints_lf", "utf16", "utf16_lf")
#: Columns of :func:`import_qdpx`'s result.
AGREEMENT_COLUMNS = ["code", "n_human", "n_package", "overlap_chars", "precision", "recall", "f1", "alpha",
                     "human_chars", "package_chars", "match", "human_code", "guid"]
#: Columns of :func:`coded_selections`.
SELECTION_COLUMNS = ["code", "code_guid", "jurisdiction", "start", "end", "text", "note"]

#: Catalogue dtype -> REFI-QDA ``typeOfVariable``.
VARIABLE_TYPES = {"str": "Text", "date": "Date", "int": "Integer", "float": "Float", "bool": "Boolean"}
_VALUE_ELEMENT = {"Text": "TextValue", "Date": "DateValue", "Integer": "IntegerValue", "Float": "FloatValue",
                  "Boolean": "BooleanValue"}
ROLES = (("lead", "lead 牵头"), ("cooperating", "cooperating 配合"), ("responsible", "responsible 责任"))
KINDS = {"supply": "supply 供给型", "environment": "environment 环境型", "demand": "demand 需求型"}
ACTION_KINDS = {"action": "action 行动", "safeguard": "safeguard 保障措施"}
COLORS = {"groups": "#1F77B4", "group_lines": "#17BECF", "departments": "#FF7F0E", "commitments": "#2CA02C",
          "instruments": "#D62728", "actions": "#9467BD", "clusters": "#8C564B"}
GENERIC_COLOR = "#7F7F7F"
#: Columns a registered dimension's table is split by, first present wins (see the module docstring).
GENERIC_CODE_COLUMNS = ("code", "category", "kind", "group", "class", "type", "unit", "label")

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _guid(*key: object) -> str:
    """Deterministic GUID (upper case, as ATLAS.ti and NVivo write them) of a stable key."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(str(k) for k in key))).upper()


#: The package as a REFI-QDA user.
USER_GUID = _guid("user", "analysis")


# ------------------------------------------------------------------------------------------------ positions
def _pairs(text: str) -> list[int]:
    """Indices of the low halves of the surrogate pairs *text* holds as two code units."""
    if not _SURROGATE.search(text):
        return []
    return [i for i in range(1, len(text))
            if "\udc00" <= text[i] <= "\udfff" and "\ud800" <= text[i - 1] <= "\udbff"]


def _to_refi(lows: list[int], n: int, offset: int) -> int:
    if not 0 <= offset <= n:
        raise ValueError(f"offset {offset} is outside the text (0..{n})")
    if not lows:
        return offset
    k = bisect_right(lows, offset)  # pairs whose low half is before or at *offset*
    if k and lows[k - 1] == offset:
        raise ValueError(f"offset {offset} splits a surrogate pair")
    return offset - k


def to_refi_position(text: str, offset: int) -> int:
    """REFI-QDA position (Unicode code points from 0) of Python offset *offset* into *text*.

    Parameters
    ----------
    text : str
        The source text.
    offset : int
        A 0-based Python index into *text*, ``0 <= offset <= len(text)``.

    Returns
    -------
    int
        The position REFI-QDA 1.5 writes: the number of code points before *offset*.  For an ordinary
        Python string this is *offset* itself (Python counts code points; ``𠀀`` is one); a string that
        holds a character outside the BMP as a surrogate pair (two code units, as decoded with
        ``surrogatepass`` or from UTF-16 data) counts the pair once.

    Raises
    ------
    ValueError
        *offset* is outside the text or falls between the two halves of a surrogate pair.
    """
    return _to_refi(_pairs(text), len(text), offset)


def from_refi_position(text: str, position: int) -> int:
    """Python offset into *text* of REFI-QDA position *position* (the inverse of :func:`to_refi_position`).

    Parameters
    ----------
    text : str
        The source text.
    position : int
        A REFI-QDA position: code points from 0, one per character outside the BMP.

    Returns
    -------
    int
        The Python index (equal to *position* unless *text* holds surrogate pairs).

    Raises
    ------
    ValueError
        *position* is beyond the text's last code point.
    """
    lows = _pairs(text)
    n_points = len(text) - len(lows)
    if not 0 <= position <= n_points:
        raise ValueError(f"position {position} is outside the text (0..{n_points} code points)")
    offset = position
    for low in lows:  # each pair before the target moves the offset one code unit further
        if low <= offset:
            offset += 1
        else:
            break
    return offset


def _join_pairs(text: str) -> str:
    """*text* with surrogate pairs joined into the code points they stand for."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def codepoints_to_utf16(text: str, position: int) -> int:
    """UTF-16 code units before REFI-QDA position *position* of *text* (a non-BMP character counts 2).

    Parameters
    ----------
    text : str
        The source text.
    position : int
        REFI-QDA position (code points).

    Returns
    -------
    int
        The offset a UTF-16 based tool (.NET, Java, JavaScript) uses for the same place.
    """
    points = _join_pairs(text)
    if not 0 <= position <= len(points):
        raise ValueError(f"position {position} is outside the text (0..{len(points)} code points)")
    return position + sum(1 for c in points[:position] if ord(c) > 0xFFFF)


def utf16_to_codepoints(text: str, units: int) -> int:
    """REFI-QDA position (code points) of UTF-16 offset *units* into *text*.

    Parameters
    ----------
    text : str
        The source text.
    units : int
        UTF-16 code units from the start.

    Returns
    -------
    int
        The code-point position.

    Raises
    ------
    ValueError
        *units* is outside the text or falls inside a surrogate pair.
    """
    return _PositionMap(_join_pairs(text)).from_utf16(units)


class _PositionMap:
    """Fast conversions between code points and UTF-16 units of one text (a text of code points)."""

    def __init__(self, text: str):
        self.n = len(text)
        self.astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]  # code-point indices

    def to_utf16(self, position: int) -> int:
        return position + bisect_right(self.astral, position - 1)

    def from_utf16(self, units: int) -> int:
        if not 0 <= units <= self.n + len(self.astral):
            raise ValueError(f"UTF-16 offset {units} is outside the text")
        # utf16(i) = i + #astral before i; find the i with utf16(i) == units
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < units:
                lo = mid + 1
            else:
                hi = mid
        if self.to_utf16(lo) != units:
            raise ValueError(f"UTF-16 offset {units} falls inside a surrogate pair")
        return lo


# ------------------------------------------------------------------------------------------------ the coding
@dataclass
class Code:
    """One code of the tree: stable ``key`` (a path of ids), display ``name``, ``description``, ``color``."""

    key: tuple[str, ...]
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True

    @property
    def guid(self) -> str:
        return _guid("code", *self.key)


@dataclass(frozen=True)
class Fact:
    """One coded span: ``code`` key, ``jurisdiction``, Python offsets ``[start, end)``, a short ``note``."""

    code: tuple[str, ...]
    jurisdiction: str
    start: int
    end: int
    note: str = ""


@dataclass
class Coding:
    """The package's coding of one processed folder: texts, documents, code tree and coded spans."""

    folder: Path
    texts: dict[str, str]
    documents: pd.DataFrame
    codes: dict[tuple[str, ...], Code] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)

    def add_code(self, key: tuple[str, ...], name: str, description: str = "", color: str | None = None,
                 codable: bool = True) -> Code:
        if key not in self.codes:
            if len(key) > 1 and key[:-1] not in self.codes:
                raise ValueError(f"parent of code {key} missing")
            parent = self.codes.get(key[:-1])
            self.codes[key] = Code(key, name, description, color or (parent.color if parent else None), codable)
        return self.codes[key]

    def path(self, key: tuple[str, ...]) -> str:
        """The code's name path, ``Departments > cast 科协 > lead 牵头``."""
        return " > ".join(self.codes[key[:i]].name for i in range(1, len(key) + 1))


class _Context:
    """Reading the processed folder: tables by name (``None`` when absent), codebook, texts."""

    def __init__(self, folder: Path, codebook):
        from analysis.coding.codebook import Codebook, load_codebook

        self.folder = folder
        if codebook is None:
            from analysis.pipeline.run import build_codebook

            codebook = build_codebook(folder)  # the codebook the build coded with, if it kept a copy
        self.codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        self._tables: dict[str, pd.DataFrame | None] = {}
        self.raw_codebook = _yaml(self.codebook.path)

    def file(self, name: str) -> Path:
        from analysis.pipeline import catalog

        known = catalog.TABLES.get(name)
        return self.folder / (known.file if known else f"{name}.csv")

    def table(self, name: str, file: str | None = None) -> pd.DataFrame | None:
        """Table *name* of the folder (from *file* when the catalogue does not know it), None if absent."""
        if name not in self._tables:
            from analysis.compare.tables import read_table
            from analysis.pipeline import catalog

            path = self.folder / file if file and name not in catalog.TABLES else self.file(name)
            if not path.is_file():
                self._tables[name] = None
            elif name in catalog.TABLES:
                self._tables[name] = read_table(name, self.folder)
            else:
                self._tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", np.nan)
        return self._tables[name]


def _yaml(path: str) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader) or {}  # noqa: S506 - a safe loader
    except (OSError, ValueError, yaml.YAMLError):
        return {}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NA


def _s(v) -> str:
    return "" if _blank(v) else str(v)


def _add_facts(cod: Coding, df: pd.DataFrame, table: str, key_of: Callable[[dict], tuple[str, ...] | None],
               note_of: Callable[[dict], str], start: str = "start", end: str = "end") -> None:
    """A fact for each row of *df* at ``[start, end)`` of its plan's text, coded ``key_of(row)``."""
    for i, row in enumerate(df.to_dict("records")):
        s, e, j = row.get(start), row.get(end), _s(row.get("jurisdiction"))
        if _blank(s) or _blank(e):
            continue
        key = key_of(row)
        if key is None:
            continue
        s, e = int(float(s)), int(float(e))
        if j not in cod.texts:
            raise BuildError(f"{table}: row {i + 2} names plan {j!r}, which has no text in {cod.folder / 'text'}.")
        n = len(cod.texts[j])
        if not 0 <= s <= e <= n:
            raise BuildError(f"{table}: row {i + 2} has offsets [{s}, {e}) outside text/{j}.txt ({n} characters); "
                             "rebuild the processed folder.")
        if s == e:
            continue  # an empty span selects nothing
        cod.facts.append(Fact(key, j, s, e, note_of(row)))


# --- one function per top code -------------------------------------------------------------------------
def _family_groups(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("group_mentions")
    if df is None:
        return
    top = ("groups",)
    cod.add_code(top, "Target groups", "Every mention of a target group's term in an action (group_mentions.csv, "
                 "the term's offsets); one code per codebook group.", COLORS["groups"])
    for g in ctx.codebook.groups:
        more = f"; more terms: {'、'.join(g.more_terms)}" if g.more_terms else ""
        cod.add_code(top + (g.id,), f"{g.id} {g.zh}", f"{g.en}. Terms: {'、'.join(g.terms)}{more}.")
    for g in sorted(set(df["group"].dropna()) - {x.id for x in ctx.codebook.groups}):
        cod.add_code(top + (g,), g, "A group the codebook does not list.")
    _add_facts(cod, df, "group_mentions.csv", lambda r: top + (r["group"],) if not _blank(r.get("group")) else None,
               lambda r: f"{_s(r.get('action_id'))} · {_s(r.get('group'))}: {_s(r.get('term'))}")


def _family_group_lines(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("actions")
    if df is None or "group" not in df:
        return
    top = ("group_lines",)
    cod.add_code(top, "Group lines", "Actions and safeguards that belong to a target group's action line "
                 "(actions.csv `group`, announced by a heading above them), selecting the action's span.",
                 COLORS["group_lines"])
    for g in ctx.codebook.groups:
        cod.add_code(top + (g.id,), f"{g.id} {g.zh}", f"Actions of the {g.en} line.")
    for g in sorted(set(df["group"].dropna()) - {x.id for x in ctx.codebook.groups}):
        cod.add_code(top + (g,), g, "A group the codebook does not list.")
    _add_facts(cod, df, "actions.csv", lambda r: top + (r["group"],) if not _blank(r.get("group")) else None,
               lambda r: f"{_s(r.get('action_id'))} · group line {_s(r.get('group'))}")


def _family_departments(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("assignments")
    if df is None:
        return
    top = ("departments",)
    cod.add_code(top, "Departments", "Every department named for an action (assignments.csv, the printed name's "
                 "offsets): its codebook category, and below it the role the plan gives it.", COLORS["departments"])
    present = set(df["category"].dropna())
    cats = [c for c in ctx.codebook.categories if c.id in present]
    for c in cats:
        note = " A collective unit (all units, all towns …), not a department." if c.collective else ""
        cod.add_code(top + (c.id,), f"{c.id} {c.zh}", f"{c.en}.{note}")
    for cid in sorted(present - {c.id for c in cats} - {"uncoded"}):
        cod.add_code(top + (cid,), cid, "A category the codebook does not list.")
    cod.add_code(top + ("uncoded",), "uncoded 未编码", "Departments no codebook category matches "
                 "(listed in codebook_gaps.csv).")
    roles_of: dict[str, set[str]] = {}
    for cat, role in zip(df["category"], df["role"] if "role" in df else [None] * len(df)):
        if not _blank(cat) and not _blank(role):
            roles_of.setdefault(cat, set()).add(role)
    for cat in [k[1] for k in list(cod.codes) if len(k) == 2 and k[0] == "departments"]:
        for role, name in ROLES:
            cod.add_code(top + (cat, role), name, f"Named with the role `{role}`.")
        for role in sorted(roles_of.get(cat, set()) - {r for r, _ in ROLES}):
            cod.add_code(top + (cat, role), role, f"Named with the role `{role}`.")

    def key(r):
        cat = _s(r.get("category")) or "uncoded"
        return top + ((cat, r["role"]) if not _blank(r.get("role")) else (cat,))

    _add_facts(cod, df, "assignments.csv", key,
               lambda r: f"{_s(r.get('action_id'))} · {_s(r.get('department'))} ({_s(r.get('role')) or 'no role'})")


def _family_commitments(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("targets")
    if df is None:
        return
    top = ("commitments",)
    cb = ctx.codebook
    cod.add_code(top, "Commitments", "Every quantified commitment (targets.csv, the clause's offsets), by the "
                 "kind of its unit (codebook targets.unit_classes).", COLORS["commitments"])
    for u in cb.unit_classes:
        cod.add_code(top + (u.id,), f"{u.id} {u.zh}", f"{u.en}: units {' '.join(u.units)}.")
    cod.add_code(top + ("other",), "other 其他", "A unit no unit class lists.")

    def note(r):
        bits = [_s(r.get("qualifier")), _s(r.get("per")), _s(r.get("year"))]
        value = _s(r.get("value"))
        value = value[:-2] if value.endswith(".0") else value
        return f"{_s(r.get('action_id'))} · {value}{_s(r.get('unit'))} " + " ".join(b for b in bits if b)

    _add_facts(cod, df, "targets.csv", lambda r: top + (cb.unit_class(_s(r.get("unit"))),), lambda r: note(r).strip())


def _instrument_kinds(raw: dict) -> dict[str, tuple[str, str]]:
    """kind -> (zh, en) from the codebook's ``instruments.kinds``, if it has them."""
    section = raw.get("instruments") if isinstance(raw, dict) else None
    kinds = section.get("kinds") if isinstance(section, dict) else None
    if not isinstance(kinds, dict):
        return {}
    return {str(k): (str((v or {}).get("zh") or ""), str((v or {}).get("en") or ""))
            for k, v in kinds.items() if isinstance(v, dict) or v is None}


def _instrument_names(raw: dict) -> dict[str, tuple[str, str, str]]:
    """code -> (kind, zh, en) from a codebook ``instruments`` section (its ``codes`` list, or any list in it)."""
    section = raw.get("instruments") if isinstance(raw, dict) else None
    items: list = []
    if isinstance(section, dict):
        for v in section.values():
            if isinstance(v, list):
                items += v
    elif isinstance(section, list):
        items = section
    out = {}
    for it in items:
        if isinstance(it, dict):
            code = str(it.get("id") or it.get("code") or "")
            if code:
                kind = str(it.get("kind") or code.partition(".")[0])
                out[code] = (kind, str(it.get("zh") or ""), str(it.get("en") or it.get("label") or ""))
    return out


def _family_instruments(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("instruments")
    if df is None or "start" not in df or "end" not in df:
        return
    top = ("instruments",)
    cod.add_code(top, "Instruments", "Policy instruments (instruments.csv, the evidence clause's offsets): kind "
                 "(supply / environment / demand) and code.", COLORS["instruments"])
    names = _instrument_names(ctx.raw_codebook)
    kind_names = _instrument_kinds(ctx.raw_codebook)
    kinds = list(dict.fromkeys(list(kind_names) + list(KINDS)))
    kinds += sorted({k for k, _, _ in names.values()} - set(kinds))
    has_code = "code" in df
    data_kinds = set(df["kind"].dropna()) if "kind" in df else set()
    if has_code:
        data_kinds |= {c.partition(".")[0] for c in df["code"].dropna()}
    kinds += sorted(data_kinds - set(kinds))
    for k in kinds:
        zh, en = kind_names.get(k, ("", ""))
        name = f"{k} {zh}" if zh else KINDS.get(k, k)
        cod.add_code(top + (k,), name, f"{en or k.capitalize() + '-side'} instruments.")
    for code, (k, zh, en) in names.items():
        cod.add_code(top + (k, code), f"{code} {zh}".strip(), en)
    if has_code:
        for code in sorted(set(df["code"].dropna()) - set(names)):
            cod.add_code(top + (code.partition(".")[0], code), code)

    def key(r):
        code, kind = _s(r.get("code")), _s(r.get("kind"))
        kind = kind or code.partition(".")[0]
        if not kind:
            return None
        return top + ((kind, code) if code else (kind,))

    def note(r):
        extra = _s(r.get("term")) or _s(r.get("evidence")) or _s(r.get("keyword"))
        return f"{_s(r.get('action_id'))} · {_s(r.get('code')) or _s(r.get('kind'))}" + (f": {extra}" if extra else "")

    _add_facts(cod, df, "instruments.csv", key, note)


def _family_actions(ctx: _Context, cod: Coding) -> None:
    df = ctx.table("actions")
    if df is None:
        return
    top = ("actions",)
    cod.add_code(top, "Actions", "Every action and safeguard as segmentation found it (actions.csv, the "
                 "action's text span without its department list).", COLORS["actions"])
    for k, name in ACTION_KINDS.items():
        cod.add_code(top + (k,), name, f"Rows of kind `{k}`.")
    for k in sorted(set(df["kind"].dropna()) - set(ACTION_KINDS)):
        cod.add_code(top + (k,), k, f"Rows of kind `{k}`.")
    _add_facts(cod, df, "actions.csv", lambda r: top + (_s(r.get("kind")) or "action",),
               lambda r: f"{_s(r.get('action_id'))} · {_s(r.get('path'))}")


def _family_clusters(ctx: _Context, cod: Coding) -> None:
    df, actions = ctx.table("clusters"), ctx.table("actions")
    if df is None or actions is None or df.empty:
        return
    top = ("clusters",)
    cod.add_code(top, "Clusters", "The cross-plan clusters of similar actions (clusters.csv), selecting each "
                 "clustered action's span; a cluster is named by its number and three top terms.",
                 COLORS["clusters"])
    labels = {}
    for n, label in zip(df["cluster"], df["label"]):
        labels.setdefault(int(n), _s(label))
    for n in sorted(labels):
        cod.add_code(top + (str(n),), f"cluster {n}: {labels[n]}", f"Cluster {n} (1 = largest).")
    spans = actions.set_index("action_id")[["start", "end"]]
    rows = []
    for a, j, n in zip(df["action_id"], df["jurisdiction"], df["cluster"]):
        if a in spans.index:
            rows.append({"action_id": a, "jurisdiction": j, "cluster": int(n),
                         "start": spans.at[a, "start"], "end": spans.at[a, "end"]})
    _add_facts(cod, pd.DataFrame(rows), "clusters.csv", lambda r: top + (str(r["cluster"]),),
               lambda r: f"{r['action_id']} · cluster {r['cluster']}")


#: Tables with a top code of their own, in the order of the code tree.
FAMILIES: dict[str, Callable[[_Context, Coding], None]] = {
    "group_mentions": _family_groups, "group_lines": _family_group_lines, "assignments": _family_departments,
    "targets": _family_commitments, "instruments": _family_instruments, "actions": _family_actions,
    "clusters": _family_clusters,
}


def _family_generic(ctx: _Context, cod: Coding, dim) -> None:
    """A top code for a registered coding dimension no family above covers."""
    df = ctx.table(dim.table.name, dim.table.file)
    if df is None or not {"start", "end", "jurisdiction"} <= set(df.columns):
        return
    top = (dim.name,)
    cod.add_code(top, dim.name.replace("_", " ").capitalize(),
                 f"{dim.table.row} ({dim.table.file}, its start/end evidence offsets).", GENERIC_COLOR)
    col = next((c for c in GENERIC_CODE_COLUMNS if c in df.columns), None)
    if col is not None:
        for v in sorted({_s(v) for v in df[col]} - {""}):
            cod.add_code(top + (v,), v, f"{col} = {v}")
    _add_facts(cod, df, dim.table.file, lambda r: top + ((_s(r.get(col)),) if col and _s(r.get(col)) else ()),
               lambda r: _s(r.get("action_id")))


def _documents(folder: Path) -> pd.DataFrame:
    from analysis.compare.tables import read_table

    try:
        return read_table("documents", folder)
    except FileNotFoundError as exc:
        raise BuildError(f"{folder / 'documents.csv'} does not exist: run `python -m analysis build` first "
                         "(or pass --processed).") from exc


def _read_texts(folder: Path, ids: Iterable[str]) -> dict[str, str]:
    texts = {}
    for j in ids:
        p = paths.text_dir(folder) / f"{j}.txt"
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise BuildError(f"{p}: cannot read the normalised text of {j} ({exc}).") from exc
        try:
            texts[j] = data.decode("utf-8")  # no newline translation: offsets index exactly these characters
        except UnicodeDecodeError as exc:
            raise BuildError(f"{p}: not UTF-8 ({exc}).") from exc
    return texts


def package_coding(processed: Path | str | None = None, codebook=None) -> Coding:
    """The package's coding of a processed folder: texts, documents, the code tree and every coded span.

    Parameters
    ----------
    processed : path, optional
        The processed folder (default ``data/processed``).
    codebook : path or Codebook, optional
        The codebook the folder was built with (default: the package's).

    Returns
    -------
    Coding
        What :func:`export_qdpx` writes and :func:`import_qdpx` compares with.
    """
    from analysis.coding.registry import DIMENSIONS
    from analysis.compare.tables import processed_dir

    from analysis.compare.tables import corpus_plans, set_plan_order

    folder = processed_dir(processed)
    before = corpus_plans()
    docs = _documents(folder)
    if before:  # reading documents.csv registers its plan order; exporting another folder should not change it
        set_plan_order(before)
    ids = [str(j) for j in docs["jurisdiction"].dropna()]
    ctx = _Context(folder, codebook)
    cod = Coding(folder, _read_texts(folder, ids), docs)
    for build in FAMILIES.values():
        build(ctx, cod)
    covered = set(FAMILIES)
    for dim in DIMENSIONS:
        if dim.table.name not in covered:
            _family_generic(ctx, cod, dim)
    for f in cod.facts:  # a fact may name a code no codebook entry made (a value the tables hold)
        for i in range(2, len(f.code) + 1):
            cod.add_code(f.code[:i], f.code[i - 1])
    return cod


def coded_selections(processed: Path | str | None = None, codebook=None) -> pd.DataFrame:
    """The package's coding as the export writes it: one row per code and span.

    Parameters
    ----------
    processed : path, optional
        The processed folder (default ``data/processed``).
    codebook : path or Codebook, optional
        The codebook (default: the package's).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SELECTION_COLUMNS`: the code's name path and GUID, the plan, Python offsets
        ``[start, end)`` into ``text/<jurisdiction>.txt``, the selected text and a note on the fact.
    """
    cod = package_coding(processed, codebook)
    rows = [{"code": cod.path(f.code), "code_guid": cod.codes[f.code].guid, "jurisdiction": f.jurisdiction,
             "start": f.start, "end": f.end, "text": cod.texts[f.jurisdiction][f.start:f.end], "note": f.note}
            for f in cod.facts]
    return pd.DataFrame(rows, columns=SELECTION_COLUMNS)


# ------------------------------------------------------------------------------------------------ export
def _clean(s: str) -> str:
    return _XML_ILLEGAL.sub("", s)


def _excerpt(text: str) -> str:
    one = re.sub(r"\s+", " ", text).strip()
    return one if len(one) <= NAME_CHARS else one[:NAME_CHARS] + "…"


def _sub(parent: ET.Element, tag: str, attrib: dict | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _clean(str(v)) for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = _clean(text)
    return el


def _variable_type(col: str, series: pd.Series) -> str:
    from analysis.pipeline import catalog

    table = catalog.TABLES["documents"]
    if col in table.column_names:
        return VARIABLE_TYPES.get(table.column(col).dtype, "Text")
    if pd.api.types.is_bool_dtype(series):
        return "Boolean"
    if pd.api.types.is_integer_dtype(series):
        return "Integer"
    if pd.api.types.is_float_dtype(series):
        return "Float"
    return "Text"


def _variable_value(kind: str, v) -> str | None:
    """*v* as the XML text of a value of type *kind*, or None when empty or not of that type."""
    if _blank(v):
        return None
    try:
        if kind == "Integer":
            f = float(v)
            return str(int(f)) if f.is_integer() else None
        if kind == "Float":
            d = Decimal(repr(float(v)))
            return None if not d.is_finite() else format(d, "f")
        if kind == "Boolean":
            s = str(v).strip().lower()
            return {"true": "true", "false": "false", "1": "true", "0": "false"}.get(s)
        if kind == "Date":
            import datetime

            return datetime.date.fromisoformat(str(v)[:10]).isoformat()
    except (TypeError, ValueError, ArithmeticError):
        return None
    return str(v)


def _variable_description(col: str) -> str | None:
    from analysis.pipeline import catalog

    table = catalog.TABLES["documents"]
    return f"documents.csv `{col}`: {table.column(col).meaning}" if col in table.column_names else None


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("analysis")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "unknown"


def _project_xml(cod: Coding) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` and the source files (zip name -> bytes) of *cod*."""
    root = ET.Element("Project", {
        "xmlns": NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsi:schemaLocation": SCHEMA_LOCATION,
        "name": "Science-literacy action plans: machine coding",
        "origin": f"analysis {_package_version()} (REFI-QDA 1.5 export)",
        "creatingUserGUID": USER_GUID})
    users = _sub(root, "Users")
    _sub(users, "User", {"guid": USER_GUID, "name": "analysis (machine coding)"})

    # --- code book
    book = _sub(_sub(root, "CodeBook"), "Codes")
    elements: dict[tuple[str, ...], ET.Element] = {}
    for key, code in cod.codes.items():
        parent = book if len(key) == 1 else elements[key[:-1]]
        el = _sub(parent, "Code", {"guid": code.guid, "name": code.name,
                                   "isCodable": "true" if code.codable else "false", "color": code.color})
        if code.description:
            _sub(el, "Description", text=code.description)
        elements[key] = el

    # --- variables and cases
    docs = cod.documents
    columns = [c for c in docs.columns if c != "jurisdiction"]
    types = {c: _variable_type(c, docs[c]) for c in columns}
    if columns:
        variables = _sub(root, "Variables")
        for c in columns:
            v = _sub(variables, "Variable", {"guid": _guid("variable", c), "name": c, "typeOfVariable": types[c]})
            desc = _variable_description(c)
            if desc:
                _sub(v, "Description", text=desc)
    records = docs.to_dict("records")
    if records:
        cases = _sub(root, "Cases")
        for r in records:
            j = str(r["jurisdiction"])
            case = _sub(cases, "Case", {"guid": _guid("case", j), "name": j})
            title = " / ".join(x for x in (_s(r.get("name_zh")), _s(r.get("name_en"))) if x)
            desc = ": ".join(x for x in (title, _s(r.get("title"))) if x)
            if desc:
                _sub(case, "Description", text=desc)
            for c in columns:
                value = _variable_value(types[c], r.get(c))
                if value is None:
                    continue
                vv = _sub(case, "VariableValue")
                _sub(vv, "VariableRef", {"targetGUID": _guid("variable", c)})
                _sub(vv, _VALUE_ELEMENT[types[c]], text=value)
            _sub(case, "SourceRef", {"targetGUID": _guid("source", j)})

    # --- sources and selections
    by_span: dict[tuple[str, int, int], list[Fact]] = {}
    for f in cod.facts:
        by_span.setdefault((f.jurisdiction, f.start, f.end), []).append(f)
    files: dict[str, bytes] = {}
    sources = _sub(root, "Sources")
    for r in records:
        j = str(r["jurisdiction"])
        text = cod.texts[j]
        sguid = _guid("source", j)
        try:
            files[f"{SOURCES_DIR}/{sguid}.txt"] = _join_pairs(text).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BuildError(f"text/{j}.txt holds an unpaired surrogate ({exc}).") from exc
        src = _sub(sources, "TextSource", {"guid": sguid, "name": j, "plainTextPath": f"internal://{sguid}.txt",
                                           "creatingUser": USER_GUID})
        if _s(r.get("title")):
            _sub(src, "Description", text=_s(r.get("title")))
        lows = _pairs(text)
        for (jj, s, e) in sorted(k for k in by_span if k[0] == j):
            facts = by_span[(jj, s, e)]
            sel_guid = _guid("selection", j, s, e)
            sel = _sub(src, "PlainTextSelection", {
                "guid": sel_guid, "name": _excerpt(text[s:e]), "startPosition": _to_refi(lows, len(text), s),
                "endPosition": _to_refi(lows, len(text), e), "creatingUser": USER_GUID})
            notes = list(dict.fromkeys(f.note for f in facts if f.note))
            if notes:
                _sub(sel, "Description", text="\n".join(notes))
            for key in dict.fromkeys(f.code for f in facts):
                coding = _sub(sel, "Coding", {"guid": _guid("coding", sel_guid, *key), "creatingUser": USER_GUID})
                _sub(coding, "CodeRef", {"targetGUID": cod.codes[key].guid})
    _sub(root, "Description", text=(
        "Exported by the `analysis` package from its processed tables: the normalised text of each plan as a "
        "text source, one case per plan with documents.csv as variables, and every coded fact as a coded "
        "selection. Positions count Unicode code points from 0 (a character outside the Basic Multilingual "
        "Plane is one position); endPosition is one past the selection's last character. Code GUIDs are "
        "stable across exports, so `python -m analysis import-qdpx` can compare a reviewed copy code by code."))
    ET.indent(root, "  ")
    xml = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
    return xml, files


def _zip(entries: dict[str, bytes]) -> bytes:
    """A zip of *entries* with fixed timestamps and attributes, ``project.qde`` first, then sorted names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        folder = zipfile.ZipInfo(f"{SOURCES_DIR}/", date_time=ZIP_DATE)
        folder.create_system = 3
        folder.external_attr = (0o40755 << 16) | 0x10
        names = sorted(entries, key=lambda n: (n != "project.qde", n))
        for name in names[:1] + [None] + names[1:]:
            if name is None:
                z.writestr(folder, b"")
                continue
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def export_qdpx(out_file: Path | str, processed: Path | str | None = None, codebook=None) -> Path:
    """Write the package's coding of a processed folder as a REFI-QDA 1.5 project (``.qdpx``).

    Parameters
    ----------
    out_file : path
        The ``.qdpx`` file to write (its folder is created; an existing file is replaced atomically).
    processed : path, optional
        The processed folder (default ``data/processed``): ``documents.csv``, ``text/`` and the coded tables.
    codebook : path or Codebook, optional
        The codebook the folder was built with (default: the package's), for the code names.

    Returns
    -------
    Path
        *out_file*.  The same processed folder always gives the same bytes (fixed zip timestamps, sorted
        entries, GUIDs derived from stable keys, no dates that do not come from the data).

    Raises
    ------
    BuildError
        The folder has no ``documents.csv``, a text is missing or not UTF-8, or an offset lies outside its text.

    Notes
    -----
    The zip holds ``project.qde`` and ``sources/<GUID>.txt`` (UTF-8, no byte-order mark, the normalised
    text byte for byte).  Positions are REFI-QDA positions (see the module docstring).
    """
    from analysis.files import write_if_changed

    cod = package_coding(processed, codebook)
    xml, files = _project_xml(cod)
    out = Path(out_file)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(out, _zip({"project.qde": xml, **files}))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the project ({exc}).") from exc
    return out


# ------------------------------------------------------------------------------------------------ validation
def schema_path() -> Path | None:
    """The REFI-QDA project schema ``Project-mrt2019.xsd``: in the package's resources, else in the
    ``shared/refi-qda`` folder beside the repository; None when neither has it."""
    for p in (paths.RESOURCES / XSD_NAME, paths.ROOT.parent / "shared" / "refi-qda" / XSD_NAME,
              paths.ROOT / "shared" / "refi-qda" / XSD_NAME):
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=4)
def _schema(path: str):
    import xmlschema

    return xmlschema.XMLSchema(path)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _norm_guid(g: str | None) -> str:
    return (g or "").strip().strip("{}").upper()


def _zip_names(z: zipfile.ZipFile) -> dict[str, str]:
    """lower-cased name -> name of every entry (internal paths are looked up without regard to case)."""
    return {n.lower().lstrip("/"): n for n in z.namelist()}


def _internal(z: zipfile.ZipFile, names: dict[str, str], ref: str | None) -> str | None:
    """The zip entry of an ``internal://`` reference (in ``sources/`` or ``Sources/``), or None."""
    if not ref or not ref.lower().startswith("internal://"):
        return None
    name = ref[len("internal://"):].lstrip("/")
    for cand in (f"sources/{name}", name):
        if cand.lower() in names:
            return names[cand.lower()]
    return None


def _qde_name(z: zipfile.ZipFile) -> str | None:
    names = z.namelist()
    if "project.qde" in names:
        return "project.qde"
    return next((n for n in names if n.lower().endswith(".qde") and "/" not in n.strip("/")), None)


def validate_qdpx(path: Path | str, xsd: Path | str | None = None) -> list[str]:
    """Problems of a ``.qdpx`` file; an empty list when it is a valid REFI-QDA project.

    Parameters
    ----------
    path : path
        The ``.qdpx`` file.
    xsd : path, optional
        The project schema (default: :func:`schema_path`).

    Returns
    -------
    list of str
        One line per problem: the zip's structure, every XML schema error (with its path in the
        document), and what the schema cannot check -- each ``internal://`` text present and UTF-8,
        every ``PlainTextSelection`` inside its text (``0 <= start <= end <= code points``), every
        ``CodeRef``/``SourceRef``/``VariableRef`` pointing at an element of the project, GUIDs unique.

    Raises
    ------
    BuildError
        The ``xmlschema`` package is not installed, or no schema file is found.
    """
    try:
        import xmlschema  # noqa: F401  (lazily: only validation needs it)
    except ImportError as exc:
        raise BuildError("validating a .qdpx needs the `xmlschema` package, which is not installed: "
                         "`pip install xmlschema` (it is in the package's requirements).") from exc
    xsd_file = Path(xsd) if xsd is not None else schema_path()
    if xsd_file is None or not xsd_file.is_file():
        raise BuildError(f"the REFI-QDA schema {XSD_NAME} was not found (looked in {paths.RESOURCES} and "
                         f"{paths.ROOT.parent / 'shared' / 'refi-qda'}); pass xsd=.")
    problems: list[str] = []
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{path}: not a zip file ({exc})"]
    with z:
        qde = _qde_name(z)
        if qde is None:
            return [f"{path}: no project.qde in the zip"]
        if qde != "project.qde":
            problems.append(f"the project file is {qde!r}, not 'project.qde'")
        data = z.read(qde)
        schema = _schema(str(xsd_file))
        for err in schema.iter_errors(io.BytesIO(data)):
            problems.append(f"schema: {err.path or '/'}: {err.reason}")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            return problems + [f"project.qde: not well-formed XML ({exc})"]
        names = _zip_names(z)
        guids: dict[str, str] = {}
        for el in root.iter():
            g = el.get("guid")
            if g:
                ng = _norm_guid(g)
                if ng in guids and _local(el.tag) not in ("Representation",):
                    problems.append(f"GUID {g} is used by a {guids[ng]} and a {_local(el.tag)}")
                guids.setdefault(ng, _local(el.tag))
        codes = {_norm_guid(c.get("guid")) for c in root.iter(f"{{{NS}}}Code")}
        srcs = {_norm_guid(s.get("guid")) for tag in ("TextSource", "PictureSource", "PDFSource", "AudioSource",
                                                      "VideoSource") for s in root.iter(f"{{{NS}}}{tag}")}
        variables = {_norm_guid(v.get("guid")) for v in root.iter(f"{{{NS}}}Variable")}
        for ref in root.iter(f"{{{NS}}}CodeRef"):
            if _norm_guid(ref.get("targetGUID")) not in codes:
                problems.append(f"CodeRef to {ref.get('targetGUID')}: no such code")
        for ref in root.iter(f"{{{NS}}}SourceRef"):
            if _norm_guid(ref.get("targetGUID")) not in srcs:
                problems.append(f"SourceRef to {ref.get('targetGUID')}: no such source")
        for ref in root.iter(f"{{{NS}}}VariableRef"):
            if _norm_guid(ref.get("targetGUID")) not in variables:
                problems.append(f"VariableRef to {ref.get('targetGUID')}: no such variable")
        for src in root.iter(f"{{{NS}}}TextSource"):
            label = f"TextSource {src.get('name') or src.get('guid')!r}"
            path_ = src.get("plainTextPath")
            content = src.find(f"{{{NS}}}PlainTextContent")
            if path_ and content is not None:
                problems.append(f"{label}: both plainTextPath and PlainTextContent (the standard wants one)")
            if path_ is None and content is None:
                problems.append(f"{label}: neither plainTextPath nor PlainTextContent")
                continue
            if content is not None and not path_:
                text = content.text or ""
            else:
                entry = _internal(z, names, path_)
                if entry is None:
                    if (path_ or "").lower().startswith("internal://"):
                        problems.append(f"{label}: {path_} is not in the zip")
                    continue
                if PurePosixPath(entry).parts[0] != SOURCES_DIR:
                    problems.append(f"{label}: {entry} is not in the '{SOURCES_DIR}' folder")
                raw = z.read(entry)
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    problems.append(f"{label}: {entry} is not UTF-8 ({exc})")
                    continue
                if not entry.lower().endswith(".txt"):
                    problems.append(f"{label}: {entry} does not end in .txt")
            n = len(_join_pairs(text))
            for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
                try:
                    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    continue  # the schema reports it
                if not 0 <= s <= e <= n:
                    problems.append(f"{label}: selection {sel.get('guid')} [{s}, {e}) is outside the text "
                                    f"({n} code points)")
    return problems


# ------------------------------------------------------------------------------------------------ import
@dataclass
class _HumanCode:
    guid: str
    path: tuple[str, ...]  # names from the top, with ATLAS.ti's `a::b` split


@dataclass
class _HumanSelection:
    source: str  # the package plan it belongs to
    start: int  # package offsets
    end: int
    codes: list[str]  # code GUIDs


def _split_name(name: str) -> list[str]:
    return [p for p in (x.strip() for x in name.split("::")) if p] or [name]


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def _read_codes(root: ET.Element) -> dict[str, _HumanCode]:
    out: dict[str, _HumanCode] = {}

    def walk(el: ET.Element, prefix: tuple[str, ...]) -> None:
        for c in el:
            if _local(c.tag) != "Code":
                continue
            path = prefix + tuple(_split_name(c.get("name") or ""))
            g = _norm_guid(c.get("guid"))
            if g:
                out.setdefault(g, _HumanCode(g, path))
            walk(c, path)

    for book in root.iter():
        if _local(book.tag) == "CodeBook":
            for codes in book:
                if _local(codes.tag) == "Codes":
                    walk(codes, ())
    return out


class _Aligner:
    """Maps offsets of a text as a project holds it onto the package's text (identity when equal)."""

    def __init__(self, a: str, b: str):
        self.same = a == b
        self.n_a, self.n_b = len(a), len(b)
        if not self.same:
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            self.blocks = [(i, j, n) for i, j, n in sm.get_matching_blocks() if n]
            self.starts = [i for i, _, _ in self.blocks]

    def __call__(self, p: int, end: bool = False) -> int:
        if self.same:
            return p
        k = bisect_right(self.starts, p) - 1
        if k >= 0:
            i, j, n = self.blocks[k]
            if p < i + n or (end and p == i + n):
                return j + (p - i)
            return j + n  # in a stretch the package's text does not have: snap to the block's end
        return 0 if not self.blocks else (self.blocks[0][1] if end else 0)


def _score(text: str, sels: list[tuple[int, int, str]], conv: Callable[[int], int]) -> int:
    """How many selections' names (their excerpts) match *text* at their positions read with *conv*."""
    hits = 0
    for s, e, name in sels:
        want = re.sub(r"\s+", "", name.rstrip().removesuffix("…").removesuffix("...")).strip()
        if not want:
            continue
        try:
            cs, ce = conv(s), conv(e)
        except ValueError:
            continue
        if 0 <= cs <= ce <= len(text) and re.sub(r"\s+", "", text[cs:ce]).startswith(want):
            hits += 1
    return hits


def _reader(stored: str, mode: str) -> tuple[str, Callable[[int], int]]:
    """The text positions index under *mode*, and position -> code-point index into that text."""
    base = stored.replace("\r\n", "\n") if mode.endswith("_lf") else stored
    if mode.startswith("utf16"):
        pm = _PositionMap(base)
        return base, pm.from_utf16
    return base, lambda p: p


def _choose_mode(stored: str, sels: list[tuple[int, int, str]], positions: str) -> str:
    if positions != "auto":
        return positions
    candidates = ["codepoints"]
    if "\r\n" in stored:
        candidates.append("codepoints_lf")
    if any(ord(c) > 0xFFFF for c in stored):
        candidates += [m for m in ("utf16", "utf16_lf") if m != "utf16_lf" or "\r\n" in stored]
    if len(candidates) == 1:
        return candidates[0]
    named = [x for x in sels if x[2]]
    scores = {}
    for m in candidates:
        base, conv = _reader(stored, m)
        scores[m] = _score(base, named, conv)
    return max(candidates, key=lambda m: (scores[m], -candidates.index(m)))


def _human_selections(root: ET.Element, z: zipfile.ZipFile | None, cod: Coding, positions: str,
                      notes: dict) -> tuple[list[_HumanSelection], list[str]]:
    """Every text selection of the project on a source the package knows, in package offsets."""
    by_guid = {_guid("source", j): j for j in cod.texts}
    by_name = {_norm(j): j for j in cod.texts}
    by_text = {t: j for j, t in cod.texts.items()}
    names = _zip_names(z) if z is not None else {}
    out: list[_HumanSelection] = []
    compared: list[str] = []
    for src in root.iter(f"{{{NS}}}TextSource"):
        name = src.get("name") or ""
        stored = None
        content = src.find(f"{{{NS}}}PlainTextContent")
        if content is not None:
            stored = content.text or ""
        elif z is not None:
            entry = _internal(z, names, src.get("plainTextPath"))
            if entry is not None:
                stored = z.read(entry).decode("utf-8-sig", errors="replace")
        j = by_guid.get(_norm_guid(src.get("guid"))) or by_name.get(_norm(name)) \
            or by_name.get(_norm(re.sub(r"\.txt$", "", name, flags=re.I)))
        if j is None and stored is not None:
            j = by_text.get(stored) or by_text.get(stored.replace("\r\n", "\n"))
        if j is None:
            notes["unmatched_sources"].append(name or _norm_guid(src.get("guid")))
            continue
        if j in compared:
            notes["problems"].append(f"source {name!r}: a second source for plan {j} (ignored)")
            continue
        compared.append(j)
        package_text = cod.texts[j]
        if stored is None:
            stored = package_text
            notes["problems"].append(f"source {name!r}: its text is not in the file; the package's text is used")
        raw = []
        for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
            try:
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                notes["problems"].append(f"source {name!r}: selection {sel.get('guid')} without positions")
                continue
            codes = [_norm_guid(ref.get("targetGUID")) for c in sel if _local(c.tag) == "Coding"
                     for ref in c if _local(ref.tag) == "CodeRef"]
            raw.append((min(s, e), max(s, e), sel.get("name") or "", codes))
        whole = [_norm_guid(ref.get("targetGUID")) for c in src if _local(c.tag) == "Coding"
                 for ref in c if _local(ref.tag) == "CodeRef"]
        mode = _choose_mode(stored, [(s, e, n) for s, e, n, _ in raw], positions)
        base, conv = _reader(stored, mode)
        if mode != "codepoints":
            notes["positions"][j] = mode
        align = _Aligner(_join_pairs(base), package_text)
        if not align.same:
            notes["text_changed"].append(j)
        if whole:
            raw.append((None, None, "", whole))
        for s, e, _, codes in raw:
            if not codes:
                continue
            if s is None:
                ps, pe = 0, len(package_text)
            else:
                try:
                    cs, ce = conv(s), conv(e)
                except ValueError as exc:
                    notes["problems"].append(f"source {name!r}: selection [{s}, {e}): {exc}")
                    continue
                n = len(base)
                if ce > n or cs > n:
                    notes["problems"].append(f"source {name!r}: selection [{s}, {e}) beyond the text ({n}); clipped")
                cs, ce = min(cs, n), min(ce, n)
                ps, pe = align(cs), align(ce, end=True)
            if pe > ps:
                out.append(_HumanSelection(j, ps, pe, codes))
    return out, compared


def _parse_project(file: Path) -> tuple[ET.Element, zipfile.ZipFile | None]:
    try:
        if zipfile.is_zipfile(file):
            z = zipfile.ZipFile(file)
            qde = _qde_name(z)
            if qde is None:
                raise BuildError(f"{file}: a zip without a .qde project file; is it a REFI-QDA .qdpx?")
            return ET.fromstring(z.read(qde)), z
        return ET.fromstring(Path(file).read_bytes()), None  # a bare .qde
    except ET.ParseError as exc:
        raise BuildError(f"{file}: the project XML is not well-formed ({exc}).") from exc
    except OSError as exc:
        raise BuildError(f"{file}: cannot read ({exc}).") from exc


def _alpha(a11: int, a10: int, a01: int, n_units: int) -> float:
    """Krippendorff's alpha, nominal, two coders, every unit coded by both, values present/absent.

    With ``d`` disagreeing units among ``N``, pairable values ``n = 2N`` and ``n1``/``n0`` the values
    present/absent: ``alpha = 1 - (n - 1) d / (n0 n1)``; NaN when there is no variation (``n0 n1 = 0``).
    """
    d = a10 + a01
    n1 = 2 * a11 + d
    n0 = 2 * (n_units - a11 - d) + d
    if n0 <= 0 or n1 <= 0:
        return float("nan")
    return 1.0 - (2 * n_units - 1) * d / (n0 * n1)


def _mask(n: int, spans: Iterable[tuple[int, int]]) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    for s, e in spans:
        m[s:e] = True
    return m


def import_qdpx(file: Path | str, processed: Path | str | None = None, codebook=None, *,
                positions: str = "auto", rollup: bool = False) -> pd.DataFrame:
    """Compare the coding in a REFI-QDA project (reviewed by a human) with the package's coding, code by code.

    Parameters
    ----------
    file : path
        A ``.qdpx`` (or a bare ``project.qde``) -- an export of :func:`export_qdpx` as a coder left it in
        NVivo, MAXQDA, ATLAS.ti, QualCoder …: codes may be renamed, moved, added or removed, selections
        added, removed or moved, sources added (they are ignored) or removed (they are not compared).
    processed : path, optional
        The processed folder whose coding is the package's side (default ``data/processed``).
    codebook : path or Codebook, optional
        Its codebook (default: the package's).
    positions : {"auto", "codepoints", "codepoints_lf", "utf16", "utf16_lf"}
        How the file's positions count: REFI-QDA code points of the stored text (the standard),
        UTF-16 code units, and either with a ``\\r\\n`` counted as one character (``_lf``).  ``auto``
        takes the standard's reading unless the selections' names fit another one better, per source.
    rollup : bool
        Count a code's descendants' selections as its own (a category with its roles; a top code with
        everything below it), on both sides.

    Returns
    -------
    pandas.DataFrame
        One row per code (the package's codes in tree order, then codes only the project has), columns
        :data:`AGREEMENT_COLUMNS`: ``code`` (name path in the package, or in the project for codes the
        package lacks), ``n_human`` / ``n_package`` (selections), ``overlap_chars``, ``precision``
        (overlap / package characters), ``recall`` (overlap / human characters), ``f1``, ``alpha``
        (Krippendorff, nominal, on the characters of every compared source), ``human_chars``,
        ``package_chars``, ``match`` (``guid``, ``path``, ``name``, ``package only``, ``project only``),
        ``human_code`` (the project's name path where it differs), ``guid``.  Undefined ratios are NaN.
        ``df.attrs`` holds ``file``, ``sources`` (plans compared), ``unmatched_sources``, ``positions``
        (plans read other than as code points), ``text_changed`` (plans whose text differs and was
        aligned) and ``problems``.

    Raises
    ------
    BuildError
        The file cannot be read or holds no project.
    """
    if positions != "auto" and positions not in POSITION_MODES:
        raise ValueError(f"positions must be 'auto' or one of {POSITION_MODES}, not {positions!r}")
    file = Path(file)
    cod = package_coding(processed, codebook)
    root, z = _parse_project(file)
    notes: dict = {"unmatched_sources": [], "positions": {}, "text_changed": [], "problems": []}
    try:
        human_codes = _read_codes(root)
        selections, compared = _human_selections(root, z, cod, positions, notes)
    finally:
        if z is not None:
            z.close()

    # --- match the project's codes with the package's
    pkg_by_guid = {c.guid: k for k, c in cod.codes.items()}
    pkg_by_path = {tuple(_norm(cod.codes[k[:i]].name) for i in range(1, len(k) + 1)): k for k in cod.codes}
    leaf: dict[str, list[tuple[str, ...]]] = {}
    for k, c in cod.codes.items():
        leaf.setdefault(_norm(c.name), []).append(k)
    match: dict[str, tuple[tuple[str, ...], str]] = {}
    for g, hc in human_codes.items():
        if g in pkg_by_guid:
            match[g] = (pkg_by_guid[g], "guid")
        elif tuple(_norm(x) for x in hc.path) in pkg_by_path:
            match[g] = (pkg_by_path[tuple(_norm(x) for x in hc.path)], "path")
        elif len(leaf.get(_norm(hc.path[-1]), [])) == 1:
            match[g] = (leaf[_norm(hc.path[-1])][0], "name")
    unknown = {g for s in selections for g in s.codes} - set(human_codes)
    if unknown:
        notes["problems"].append(f"{len(unknown)} coding(s) refer to codes the project does not define (ignored)")

    # --- spans per code and plan, both sides
    texts = {j: cod.texts[j] for j in compared}
    n_units = sum(len(t) for t in texts.values())
    pkg: dict[tuple[str, ...], dict[str, set]] = {}
    for f in cod.facts:
        if f.jurisdiction in texts:
            pkg.setdefault(f.code, {}).setdefault(f.jurisdiction, set()).add((f.start, f.end))
    hum: dict[object, dict[str, set]] = {}  # package key, or ("project", guid) for unmatched codes
    for s in selections:
        for g in dict.fromkeys(s.codes):
            if g not in human_codes:
                continue
            target = match[g][0] if g in match else ("project", g)
            hum.setdefault(target, {}).setdefault(s.source, set()).add((s.start, s.end))

    def gather(side: dict, key: tuple[str, ...]) -> dict[str, set]:
        if not rollup:
            return side.get(key, {})
        out: dict[str, set] = {}
        for k, per in side.items():
            if isinstance(k, tuple) and k[:1] != ("project",) and k[:len(key)] == key:
                for j, spans in per.items():
                    out.setdefault(j, set()).update(spans)
        return out

    def measure(h: dict[str, set], p: dict[str, set]) -> dict:
        a11 = hc = pc = 0
        for j, text in texts.items():
            hs, ps = h.get(j, set()), p.get(j, set())
            if not hs and not ps:
                continue
            hm, pm = _mask(len(text), hs), _mask(len(text), ps)
            a11 += int((hm & pm).sum())
            hc += int(hm.sum())
            pc += int(pm.sum())
        nan = float("nan")
        return {"n_human": sum(len(v) for v in h.values()), "n_package": sum(len(v) for v in p.values()),
                "overlap_chars": a11, "human_chars": hc, "package_chars": pc,
                "precision": a11 / pc if pc else nan, "recall": a11 / hc if hc else nan,
                "f1": 2 * a11 / (hc + pc) if hc + pc else nan,
                "alpha": _alpha(a11, hc - a11, pc - a11, n_units) if n_units else nan}

    by_target: dict[tuple[str, ...], list[str]] = {}
    for g, (k, _) in match.items():
        by_target.setdefault(k, []).append(g)
    rows = []
    for k, code in cod.codes.items():
        gs = by_target.get(k, [])
        how = match[gs[0]][1] if gs else "package only"
        human_path = " > ".join(human_codes[gs[0]].path) if gs else ""
        rows.append({"code": cod.path(k), **measure(gather(hum, k), gather(pkg, k)), "match": how,
                     "human_code": human_path if human_path != cod.path(k) else "", "guid": code.guid})
    for g, hc in human_codes.items():
        if g in match:
            continue
        rows.append({"code": " > ".join(hc.path), **measure(hum.get(("project", g), {}), {}),
                     "match": "project only", "human_code": " > ".join(hc.path), "guid": g})
    df = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    df.attrs.update({"file": str(file), "sources": compared, "rollup": rollup, **notes})
    return df


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _fit(s: str, width: int) -> str:
    """*s* cut to *width* terminal columns (CJK characters take two) and padded to it."""
    if _width(s) > width:
        while _width(s) > width - 1:
            s = s[:-1]
        s += "…"
    return s + " " * (width - _width(s))


def format_agreement(df: pd.DataFrame, all_codes: bool = False) -> str:
    """A short plain-text report of :func:`import_qdpx`'s result.

    Parameters
    ----------
    df : pandas.DataFrame
        What :func:`import_qdpx` returned.
    all_codes : bool
        List every code; by default codes neither side used are left out (the order is the code tree's).

    Returns
    -------
    str
        The plans compared, how codes were matched, the overall (character-pooled) precision, recall
        and F1, the median alpha, one line per top code, then one line per code: selections on each
        side, overlap, precision, recall, F1 and alpha (``*`` marks codes below perfect agreement).
    """
    a = df.attrs
    used = df[(df["n_human"] > 0) | (df["n_package"] > 0)]
    lines = [f"REFI-QDA agreement: the coding in {a.get('file', '?')} (human) vs the package's"]
    lines.append(f"plans compared: {', '.join(a.get('sources', [])) or 'none'}")
    if a.get("unmatched_sources"):
        lines.append(f"sources the package does not have (not compared): {', '.join(a['unmatched_sources'])}")
    if a.get("positions"):
        lines.append("positions read as: " + ", ".join(f"{j} {m}" for j, m in a["positions"].items()))
    if a.get("text_changed"):
        lines.append(f"texts that differ from the package's (aligned): {', '.join(a['text_changed'])}")
    counts = df["match"].value_counts()
    lines.append("codes: " + ", ".join(f"{counts.get(m, 0)} {label}" for m, label in (
        ("guid", "matched by GUID"), ("path", "by name path"), ("name", "by name"),
        ("package only", "only in the package"), ("project only", "only in the project"))))
    renamed = df[(df["match"].isin(["guid", "name"])) & (df["human_code"] != "")]
    if len(renamed):
        lines.append(f"codes named differently in the project: {len(renamed)} (column human_code)")
    for p in a.get("problems", []):
        lines.append(f"note: {p}")

    def pooled(d: pd.DataFrame) -> str:
        o, h, p = d["overlap_chars"].sum(), d["human_chars"].sum(), d["package_chars"].sum()
        f = lambda x: "  -  " if np.isnan(x) else f"{x:.3f}"
        prec, rec = (o / p if p else np.nan), (o / h if h else np.nan)
        f1 = 2 * o / (h + p) if h + p else np.nan
        alpha = d["alpha"].median() if d["alpha"].notna().any() else np.nan
        return f"precision {f(prec)}  recall {f(rec)}  F1 {f(f1)}  median alpha {f(alpha)}"

    below = used[~(used["alpha"] >= 1 - 1e-12)]
    lines.append(f"codes used: {len(used)}; below perfect agreement: {len(below)}"
                 + (f" ({', '.join(below['code'].head(5))}{' …' if len(below) > 5 else ''})" if len(below) else ""))
    lines.append(f"overall (characters pooled over codes): {pooled(used)}")
    tops: dict[str, list[int]] = {}
    for i, code in zip(used.index, used["code"]):
        tops.setdefault(code.split(" > ")[0], []).append(i)
    for top, idx in tops.items():
        lines.append(f"  {top}: {pooled(used.loc[idx])}")
    shown = df if all_codes else used
    if len(shown):
        width = min(64, max(_width(c) for c in shown["code"]))
        lines.append("")
        lines.append(f"{'code':<{width}}  {'human':>5} {'pkg':>5} {'overlap':>7} {'P':>5} {'R':>5} {'F1':>5} "
                     f"{'alpha':>6}")
        for r in shown.itertuples():
            f = lambda x, w=5: f"{'-':>{w}}" if np.isnan(x) else f"{x:>{w}.3f}"
            flag = "*" if (np.isnan(r.alpha) and (r.n_human or r.n_package)) or (r.alpha < 1 - 1e-12) else " "
            lines.append(f"{_fit(r.code, width)}  {r.n_human:>5} {r.n_package:>5} {r.overlap_chars:>7} {f(r.precision)} "
                         f"{f(r.recall)} {f(r.f1)} {f(r.alpha, 6)}{flag}")
    return "\n".join(lines) + "\n"


__all__ = ["export_qdpx", "import_qdpx", "format_agreement", "validate_qdpx", "coded_selections", "package_coding",
           "schema_path", "to_refi_position", "from_refi_position", "codepoints_to_utf16", "utf16_to_codepoints",
           "Code", "Fact", "Coding", "AGREEMENT_COLUMNS", "SELECTION_COLUMNS", "POSITION_MODES", "GUID_NAMESPACE"]
