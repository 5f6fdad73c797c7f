"""The package's coding as a code tree: codes, coded spans (facts), and the texts they select.

One top code per coded table; each code's GUID is a UUID 5 of a fixed namespace and the code's stable
key, so the same code has the same GUID in every export:

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
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.coding import registry  # read at call time: dimensions may be registered later
from analysis.coding.codebook import Codebook, load_codebook
from analysis.compare.tables import processed_dir, read_table
from analysis.errors import BuildError
from analysis.exchange.constants import (ACTION_KINDS, COLORS, GENERIC_CODE_COLUMNS, GENERIC_COLOR, KINDS, ROLES,
                                         SELECTION_COLUMNS)
from analysis.exchange.model import Code, Coding, Fact, cell_text, is_blank
from analysis.pipeline import catalog
from analysis.pipeline.run import build_codebook


class _Context:
    """Reading the processed folder: tables by name (``None`` when absent), codebook, texts."""

    def __init__(self, folder: Path, codebook):
        self.folder = folder
        if codebook is None:
            codebook = build_codebook(folder)  # the codebook the build coded with, if it kept a copy
        self.codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        self._tables: dict[str, pd.DataFrame | None] = {}
        self.raw_codebook = _yaml(self.codebook.path)

    def file(self, name: str) -> Path:
        known = catalog.TABLES.get(name)
        return self.folder / (known.file if known else f"{name}.csv")

    def table(self, name: str, file: str | None = None) -> pd.DataFrame | None:
        """Table *name* of the folder (from *file* when the catalogue does not know it), None if absent."""
        if name not in self._tables:
            path = self.folder / file if file and name not in catalog.TABLES else self.file(name)
            if not path.is_file():
                self._tables[name] = None
            elif name in catalog.TABLES:
                self._tables[name] = read_table(name, self.folder)
            else:
                self._tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", np.nan)
        return self._tables[name]


def _yaml(path: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader) or {}  # noqa: S506 - a safe loader
    except (OSError, ValueError, yaml.YAMLError):
        return {}


def _add_facts(cod: Coding, df: pd.DataFrame, table: str, key_of: Callable[[dict], tuple[str, ...] | None],
               note_of: Callable[[dict], str], start: str = "start", end: str = "end") -> None:
    """A fact for each row of *df* at ``[start, end)`` of its plan's text, coded ``key_of(row)``."""
    for i, row in enumerate(df.to_dict("records")):
        s, e, j = row.get(start), row.get(end), cell_text(row.get("jurisdiction"))
        if is_blank(s) or is_blank(e):
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
    _add_facts(cod, df, "group_mentions.csv", lambda r: top + (r["group"],) if not is_blank(r.get("group")) else None,
               lambda r: f"{cell_text(r.get('action_id'))} · {cell_text(r.get('group'))}: {cell_text(r.get('term'))}")


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
    _add_facts(cod, df, "actions.csv", lambda r: top + (r["group"],) if not is_blank(r.get("group")) else None,
               lambda r: f"{cell_text(r.get('action_id'))} · group line {cell_text(r.get('group'))}")


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
        if not is_blank(cat) and not is_blank(role):
            roles_of.setdefault(cat, set()).add(role)
    for cat in [k[1] for k in list(cod.codes) if len(k) == 2 and k[0] == "departments"]:
        for role, name in ROLES:
            cod.add_code(top + (cat, role), name, f"Named with the role `{role}`.")
        for role in sorted(roles_of.get(cat, set()) - {r for r, _ in ROLES}):
            cod.add_code(top + (cat, role), role, f"Named with the role `{role}`.")

    def key(r):
        cat = cell_text(r.get("category")) or "uncoded"
        return top + ((cat, r["role"]) if not is_blank(r.get("role")) else (cat,))

    _add_facts(cod, df, "assignments.csv", key,
               lambda r: f"{cell_text(r.get('action_id'))} · {cell_text(r.get('department'))} "
                         f"({cell_text(r.get('role')) or 'no role'})")


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
        bits = [cell_text(r.get("qualifier")), cell_text(r.get("per")), cell_text(r.get("year"))]
        value = cell_text(r.get("value"))
        value = value[:-2] if value.endswith(".0") else value
        return f"{cell_text(r.get('action_id'))} · {value}{cell_text(r.get('unit'))} " + " ".join(b for b in bits if b)

    _add_facts(cod, df, "targets.csv", lambda r: top + (cb.unit_class(cell_text(r.get("unit"))),),
               lambda r: note(r).strip())


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
        code, kind = cell_text(r.get("code")), cell_text(r.get("kind"))
        kind = kind or code.partition(".")[0]
        if not kind:
            return None
        return top + ((kind, code) if code else (kind,))

    def note(r):
        extra = cell_text(r.get("term")) or cell_text(r.get("evidence")) or cell_text(r.get("keyword"))
        what = cell_text(r.get("code")) or cell_text(r.get("kind"))
        return f"{cell_text(r.get('action_id'))} · {what}" + (f": {extra}" if extra else "")

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
    _add_facts(cod, df, "actions.csv", lambda r: top + (cell_text(r.get("kind")) or "action",),
               lambda r: f"{cell_text(r.get('action_id'))} · {cell_text(r.get('path'))}")


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
        labels.setdefault(int(n), cell_text(label))
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
        for v in sorted({cell_text(v) for v in df[col]} - {""}):
            cod.add_code(top + (v,), v, f"{col} = {v}")
    _add_facts(cod, df, dim.table.file,
               lambda r: top + ((cell_text(r.get(col)),) if col and cell_text(r.get(col)) else ()),
               lambda r: cell_text(r.get("action_id")))


def _documents(folder: Path) -> pd.DataFrame:
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
    folder = processed_dir(processed)
    docs = _documents(folder)
    ids = [str(j) for j in docs["jurisdiction"].dropna()]
    ctx = _Context(folder, codebook)
    cod = Coding(folder, _read_texts(folder, ids), docs)
    for build in FAMILIES.values():
        build(ctx, cod)
    covered = set(FAMILIES)
    for dim in registry.DIMENSIONS:
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


__all__ = ["Code", "Fact", "Coding", "package_coding", "coded_selections", "FAMILIES", "is_blank", "cell_text"]
