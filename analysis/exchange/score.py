"""Scoring a validation sample: agreement between coders, the package's accuracy, confusion counts.

``python -m analysis validation-score A.qdpx B.qdpx [--adjudicated C.qdpx]``
reads two (or three) codings of a sample written by ``validation-sample``
(:mod:`analysis.exchange.sample`) -- as the coders' QDA programs exported them
-- and the package's own coding of the same units (from the build the sample
came from), and reports:

- **Krippendorff's alpha** (nominal) between the two coders, per code and per
  dimension;
- the package's **precision, recall and F1** against the adjudicated coding,
  or, without one, against each coder, per code and per dimension, with
  alpha between the package and that reference;
- 95% **intervals**: Wilson score intervals for precision and recall (the units
  as independent trials), and percentile intervals of a bootstrap over units,
  resampled within the sample's strata (seeded), for alpha and F1;
- the **confusion counts** per code (``true`` = the reference, ``predicted``
  = the package): one row per (reference, dimension, code, true, predicted),
  with the count of units and their design-weighted count -- what a
  misclassification correction reads.

**What is compared.** Every decision is binary: is this code present in this
unit?  A coder's code is present in a unit when any selection of the unit's
text, or a coding of the whole document, carries it; selections that lie
entirely in the unit's first line (its headings) count only for group lines.
A code counts for its parents too (``Departments > cast 科协 > lead 牵头`` makes
``Departments > cast 科协`` present), so every code of the tree has a row; a
dimension's row pools the decisions of its leaf codes (every unit × every leaf
code of the dimension).  The package's codes of a unit are those of its rows
in the coded tables (``group_mentions``, ``actions`` for group lines,
``assignments``, ``targets``, ``instruments``, and any registered dimension's
table), named as the package's export names them.

**Which units.** The units of the sample are the documents the files hold
(matched by GUID, else by name).  A unit is scored when every file holds it;
when a coder used the code ``Sample > checked``, only the units that coder
marked are scored.  Design weights (``N_h / n_h``) come from the build's strata
and the units the files hold.

Reading the coders' files (with limits, as files from strangers) is
:mod:`analysis.exchange.coder_files`; the measures are
:mod:`analysis.exchange.kit_measures`.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.coding import registry  # read at call time: dimensions may be registered later
from analysis.compare.tables import read_table
from analysis.errors import BuildError
from analysis.exchange.coder_files import (Coding, MAX_MEMBERS, MAX_PROJECT_BYTES, MAX_SOURCE_BYTES, code_ancestors,
                                           read_coding)
from analysis.exchange.codetree import package_coding
from analysis.exchange.kit_measures import alpha_binary, boot_weights, compare
from analysis.exchange.owned import write_owned
from analysis.exchange.sample import CHECKED_KEY, _codebook, code_system, strata
from analysis.report.markup import csv_cell

#: Bootstrap draws for the intervals of alpha and F1.
N_BOOT = 1000

SCORE_COLUMNS = ["comparison", "reference", "compared", "dimension", "code", "code_name", "leaf", "n_units",
                 "n_reference", "n_compared", "n_both", "alpha", "alpha_lo", "alpha_hi", "precision", "precision_lo",
                 "precision_hi", "recall", "recall_lo", "recall_hi", "f1", "f1_lo", "f1_hi"]
CONFUSION_COLUMNS = ["reference", "dimension", "code", "leaf", "true", "predicted", "count", "weighted_count"]
#: The tables whose rows are the package's coding of a unit, by top code.
TOP_TABLES = {"groups": "group_mentions", "group_lines": "actions", "departments": "assignments",
              "commitments": "targets", "instruments": "instruments"}


# ------------------------------------------------------------------------------------------------ the package
def _s(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)


def _row_key(top: str, r: dict, cb) -> tuple[str, ...] | None:
    """The package export's code of a row (as :mod:`analysis.exchange.codetree` names it)."""
    if top in ("groups", "group_lines"):
        return (top, _s(r.get("group"))) if _s(r.get("group")) else None
    if top == "departments":
        cat = _s(r.get("category")) or "uncoded"
        return ("departments", cat) + ((_s(r.get("role")),) if _s(r.get("role")) else ())
    if top == "commitments":
        return ("commitments", cb.unit_class(_s(r.get("unit")))) if cb is not None else None
    if top == "instruments":
        code, kind = _s(r.get("code")), _s(r.get("kind"))
        kind = kind or code.partition(".")[0]
        return ("instruments", kind, code) if code else (("instruments", kind) if kind else None)
    return None


def package_units(processed: Path | str | None, units: list[str]) -> dict[str, set]:
    """The package's codes of each unit (parents included), as its export names them.

    Parameters
    ----------
    processed : path or None
        The build folder (default ``data/processed``).
    units : list of str
        Unit ids.

    Returns
    -------
    dict
        ``{unit: set of code keys}``.
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    cod = package_coding(folder)
    cb = _codebook(folder)
    at_span: dict[tuple, set] = {}
    for f in cod.facts:
        at_span.setdefault((f.code[0], f.jurisdiction, f.start, f.end), set()).add(f.code)
    tables = dict(TOP_TABLES)
    covered = set(TOP_TABLES.values())
    for dim in registry.DIMENSIONS:
        if dim.table.name not in covered:
            tables[dim.name] = dim.table.name
    wanted = set(units)
    out: dict[str, set] = {u: set() for u in units}
    for top, table in tables.items():
        try:
            df = read_table(table, folder)
        except FileNotFoundError:
            continue
        if "action_id" not in df or not {"start", "end", "jurisdiction"} <= set(df.columns):
            continue
        for r in df[df["action_id"].astype(str).isin(wanted)].to_dict("records"):
            if _s(r.get("start")) == "" or _s(r.get("end")) == "":
                continue
            keys = at_span.get((top, _s(r["jurisdiction"]), int(r["start"]), int(r["end"])), set())
            if len(keys) > 1:
                own = _row_key(top, r, cb)
                keys = {own} if own in keys else keys
            for k in keys:
                out[str(r["action_id"])].update(code_ancestors(k))
    return out


def score_codings(first: Path | str, second: Path | str, adjudicated: Path | str | None = None,
                  processed: Path | str | None = None, n_boot: int = N_BOOT, seed: int = 0) -> tuple[pd.DataFrame,
                                                                                                     pd.DataFrame]:
    """Score two codings of a validation sample (and an adjudicated one) against each other and the package.

    Parameters
    ----------
    first, second : path
        The two coders' ``.qdpx`` files.
    adjudicated : path, optional
        The adjudicated coding; without it the package is scored against each coder.
    processed : path, optional
        The build the sample was drawn from (default ``data/processed``).
    n_boot : int
        Bootstrap draws for the intervals of alpha and F1.
    seed : int
        The bootstrap's seed.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The scores (columns :data:`SCORE_COLUMNS`: one row per comparison, dimension and code; a dimension's
        own row has an empty ``code``) and the confusion counts (:data:`CONFUSION_COLUMNS`).  ``attrs`` of the
        scores hold ``files``, ``units`` (scored), ``left_out`` (units not scored, and why) and ``notes``.

    Raises
    ------
    BuildError
        A file cannot be read; no unit is held (and checked) by every file; two files are the same coder.
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    codes = code_system(folder)
    try:
        actions = read_table("actions", folder)
    except FileNotFoundError as exc:
        raise BuildError(f"{exc} (--processed names the build the sample was drawn from).") from None
    all_units = actions["action_id"].astype(str).tolist()
    files = [Path(first), Path(second)] + ([Path(adjudicated)] if adjudicated is not None else [])
    names = [p.stem for p in files]
    if len(set(names)) < len(names):
        names = [f"{n} ({i + 1})" for i, n in enumerate(names)]
    codings = [read_coding(p, codes, all_units, n) for p, n in zip(files, names)]
    held = [set(c.units) for c in codings]
    sample = sorted(set().union(*held), key=all_units.index)
    units, left = [], []
    for u in sample:
        missing = [c.name for c, h in zip(codings, held) if u not in h]
        unchecked = [c.name for c in codings if c.checked is not None and u not in c.checked]
        if missing:
            left.append(f"{u} (not in {', '.join(missing)})")
        elif unchecked:
            left.append(f"{u} (not marked checked by {', '.join(unchecked)})")
        else:
            units.append(u)
    if not units:
        raise BuildError("no unit of the sample is held (and, where a coder marks units, marked checked) by every "
                         f"file ({', '.join(str(p) for p in files)}); nothing to score.")
    pkg = package_units(folder, units)
    keys = [k for k in codes if len(k) >= 2 and k[0] != CHECKED_KEY[0]]
    col = {k: i for i, k in enumerate(keys)}
    leaf = {k: not any(len(o) == len(k) + 1 and o[:len(k)] == k for o in keys) for k in keys}

    def matrix(per_unit: dict[str, set]) -> np.ndarray:
        m = np.zeros((len(units), len(keys)), dtype=bool)
        for i, u in enumerate(units):
            for k in per_unit.get(u, ()):
                if k in col:
                    m[i, col[k]] = True
        return m

    mats = [matrix(c.units) for c in codings]
    mp = matrix(pkg)
    st_all = strata(actions).set_axis(all_units)
    st = [str(st_all[u]) for u in units]
    n_h = pd.Series(st).value_counts()
    N_h = st_all.value_counts()
    weights = np.array([N_h[s] / n_h[s] for s in st])
    w = boot_weights(st, n_boot, seed)
    tops = list(dict.fromkeys(k[0] for k in keys))
    groups = [(t, "", codes[(t,)].name, False, [col[k] for k in keys if k[0] == t and leaf[k]]) for t in tops]
    groups += [(k[0], "/".join(k[1:]), " > ".join(codes[k[:i]].name for i in range(1, len(k) + 1)), leaf[k], [col[k]])
               for k in keys]
    rows = []

    def emit(comparison, ref_name, other_name, res):
        for gi, (dim, code, cname, lf, _) in enumerate(groups):
            row = {"comparison": comparison, "reference": ref_name, "compared": other_name, "dimension": dim,
                   "code": code, "code_name": cname, "leaf": lf if code else np.nan}
            row.update({k: (v[gi] if isinstance(v, np.ndarray) else v) for k, v in res.items()})
            rows.append(row)

    emit("coders", names[0], names[1], compare(mats[0], mats[1], groups, w, accuracy=False))
    refs = [(names[2], mats[2])] if adjudicated is not None else [(names[0], mats[0]), (names[1], mats[1])]
    confusion = []
    for ref_name, ref in refs:
        emit("package", ref_name, "package", compare(ref, mp, groups, w, accuracy=True))
        for k in keys:
            c = col[k]
            for t in (True, False):
                for p in (True, False):
                    sel = (ref[:, c] == t) & (mp[:, c] == p)
                    confusion.append({"reference": ref_name, "dimension": k[0], "code": "/".join(k[1:]),
                                      "leaf": leaf[k], "true": t, "predicted": p, "count": int(sel.sum()),
                                      "weighted_count": float(weights[sel].sum())})
    scores = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    for c in ("n_units", "n_reference", "n_compared", "n_both"):
        scores[c] = scores[c].astype(int)
    notes = []
    for c in codings:
        if c.unmatched_codes:
            notes.append(f"{c.name}: {len(c.unmatched_codes)} code(s) not in the sample's code system, not scored: "
                         + ", ".join(c.unmatched_codes[:5]) + (" …" if len(c.unmatched_codes) > 5 else ""))
        if c.unknown_sources:
            notes.append(f"{c.name}: {len(c.unknown_sources)} document(s) that are no unit of the build, ignored: "
                         + ", ".join(c.unknown_sources[:5]) + (" …" if len(c.unknown_sources) > 5 else ""))
        notes += [f"{c.name}: {n}" for n in c.notes]
    scores.attrs.update({"files": [str(p) for p in files], "names": names, "units": units, "left_out": left,
                         "notes": notes, "adjudicated": adjudicated is not None, "n_boot": n_boot, "seed": seed,
                         "strata": int(len(n_h))})
    return scores, pd.DataFrame(confusion, columns=CONFUSION_COLUMNS)


# ------------------------------------------------------------------------------------------------ output
def _f(x, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def _iv(lo, hi, digits: int = 2) -> str:
    if lo is None or hi is None or (isinstance(lo, float) and np.isnan(lo)) or (isinstance(hi, float) and np.isnan(hi)):
        return ""
    return f"[{lo:.{digits}f}–{hi:.{digits}f}]"


def _fit(s: str, width: int) -> str:
    """*s* cut to *width* terminal columns (CJK characters take two) and padded to it."""
    def cols(x: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in x)

    if cols(s) > width:
        while cols(s) > width - 1:
            s = s[:-1]
        s += "…"
    return s + " " * (width - cols(s))


def format_scores(scores: pd.DataFrame, all_codes: bool = False) -> str:
    """A plain-text report of :func:`score_codings`.

    Parameters
    ----------
    scores : pandas.DataFrame
        The scores.
    all_codes : bool
        List every code; by default only codes some side marked present in some unit.

    Returns
    -------
    str
        The files, the units scored and left out, the notes, then per dimension the coders' alpha and the
        package's precision, recall, F1 and alpha with their intervals, then the same per code.
    """
    a = scores.attrs
    names = a.get("names", ["A", "B"])
    lines = ["Validation sample scores (unit × code decisions: is the code present in the unit?)"]
    lines.append("files: " + "; ".join(f"{n} = {f}" for n, f in zip(names, a.get("files", []))))
    lines.append(f"units scored: {len(a.get('units', []))} in {a.get('strata', '?')} strata"
                 + (f"; left out: {len(a['left_out'])} ({', '.join(a['left_out'][:5])}"
                    f"{' …' if len(a['left_out']) > 5 else ''})" if a.get("left_out") else ""))
    for n in a.get("notes", []):
        lines.append(f"note: {n}")
    lines.append(f"intervals: 95%; precision and recall Wilson, alpha and F1 bootstrap over units within strata "
                 f"({a.get('n_boot', N_BOOT)} draws, seed {a.get('seed', 0)})")
    dims = scores[scores["code"] == ""]
    coders = dims[dims["comparison"] == "coders"]
    lines += ["", f"Agreement between the coders ({names[0]} and {names[1]}), Krippendorff's alpha, nominal:"]
    for r in coders.itertuples():
        lines.append(f"  {_fit(r.code_name, 22)} alpha {_f(r.alpha)} {_iv(r.alpha_lo, r.alpha_hi):<13}  units×codes present: "
                     f"{names[0]} {r.n_reference}, {names[1]} {r.n_compared}, both {r.n_both}")
    for ref in dict.fromkeys(scores.loc[scores["comparison"] == "package", "reference"]):
        pk = dims[(dims["comparison"] == "package") & (dims["reference"] == ref)]
        lines += ["", f"The package against {ref}:"]
        for r in pk.itertuples():
            lines.append(f"  {_fit(r.code_name, 22)} P {_f(r.precision)} {_iv(r.precision_lo, r.precision_hi):<13} "
                         f"R {_f(r.recall)} {_iv(r.recall_lo, r.recall_hi):<13} F1 {_f(r.f1)} "
                         f"{_iv(r.f1_lo, r.f1_hi):<13} alpha {_f(r.alpha)}")
    codes = scores[scores["code"] != ""]
    used = codes.groupby(["dimension", "code"], sort=False)[["n_reference", "n_compared"]].sum().sum(axis=1) > 0
    keep = set(used[used].index) if not all_codes else set(used.index)
    per = codes[[(d, c) in keep for d, c in zip(codes["dimension"], codes["code"])]]
    if len(per):
        first_ref = next(iter(dict.fromkeys(per.loc[per["comparison"] == "package", "reference"])), None)
        lines += ["", f"Per code (alpha between the coders; the package against {first_ref}):",
                  f"  {'code':<48} {'alpha':>6} {'P':>5} {'R':>5} {'F1':>5}  units: ref/pkg/both"]
        c_rows = per[per["comparison"] == "coders"].set_index(["dimension", "code"])
        p_rows = per[(per["comparison"] == "package") & (per["reference"] == first_ref)].set_index(
            ["dimension", "code"])
        for idx in dict.fromkeys(zip(per["dimension"], per["code"])):
            c, p = c_rows.loc[idx], p_rows.loc[idx] if idx in p_rows.index else None
            lines.append(f"  {_fit(c['code_name'], 48)} {_f(c['alpha']):>6} {_f(p['precision']) if p is not None else '':>5} "
                         f"{_f(p['recall']) if p is not None else '':>5} {_f(p['f1']) if p is not None else '':>5}  "
                         + (f"{p['n_reference']}/{p['n_compared']}/{p['n_both']}" if p is not None else ""))
    return "\n".join(lines) + "\n"


def write_scores(scores: pd.DataFrame, confusion: pd.DataFrame, scores_path: Path, confusion_path: Path,
                 force: bool = False) -> list[Path]:
    """Write the score and confusion tables as CSV (see :mod:`analysis.exchange.owned` for overwriting).

    Parameters
    ----------
    scores, confusion : pandas.DataFrame
        :func:`score_codings`.
    scores_path, confusion_path : Path
        The CSV files (must end in ``.csv``).
    force : bool
        Replace files the package did not write.

    Returns
    -------
    list of Path
        The files written.  Text cells that a spreadsheet would run as a formula get a leading ``'``
        (:func:`analysis.report.markup.csv_cell`).
    """
    for p in (scores_path, confusion_path):
        if Path(p).suffix.lower() != ".csv":
            raise BuildError(f"{p}: the tables are CSV; give a file name ending in .csv. Nothing was written.")

    def csv(df: pd.DataFrame) -> bytes:
        safe = df.copy()
        for c in safe.columns:
            if safe[c].dtype == object:
                safe[c] = safe[c].map(csv_cell)
        return safe.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode("utf-8")

    return write_owned({Path(scores_path): csv(scores), Path(confusion_path): csv(confusion)}, force)


__all__ = ["score_codings", "format_scores", "write_scores", "read_coding", "package_units", "alpha_binary",
           "Coding", "SCORE_COLUMNS", "CONFUSION_COLUMNS", "MAX_MEMBERS", "MAX_PROJECT_BYTES", "MAX_SOURCE_BYTES",
           "N_BOOT"]
