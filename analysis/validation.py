"""Validation: how well two independent coders agree with each other, and how well the package agrees with them.

The coders (and the adjudicator) were separate sessions of an AI assistant, not people (docs/validation.md):
their agreement is an upper bound on what two trained human coders would reach.

A double-coded sample of the shipped plans lives in ``data/validation/``:
coding manuals, the packets the coders worked from, two independent codings
(``coder_a/``, ``coder_b/``) and the adjudicated gold (``reconciled/``):

- **segmentation**: every line of every plan labelled ``action_start``,
  ``safeguard_start``, ``continuation`` or ``outside``;
- **fields** of a stratified random sample of 15 actions per plan
  (:func:`field_sample`): target group, departments with roles and
  categories, quantified commitments;
- **policy instruments** of every action, with a development third
  (:func:`instrument_split`) on which the rules were tuned and a test part on
  which they are reported.

For each field: inter-coder agreement (Krippendorff's alpha, nominal, the
``krippendorff`` package) and the package's precision, recall and F1 against
the reconciled coding.  Set-valued fields (departments, commitments,
instruments) are compared as binary decisions: is this category (this unit,
this code) present in this action?  Agreement is computed over the union of
what either coder coded.

What this does and does not show: the coders applied written rules that are
also the package's rules (segmentation and the structural target group are
*defined* by the rules), so agreement there measures how clearly the rules
are written and how faithfully the package applies them, not whether the
rules capture what a plan "really" means.  Instruments are a judgement the
rules approximate; their test-part scores are the honest measure.  The
synthetic benchmark (``benchmarks/``) is generated from the same rules and
shows only that the parser handles the layouts it generates.
"""
from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from analysis import paths
from analysis.coding.codebook import load_codebook
from analysis.coding.instruments import instrument_codes
from analysis.files import sha256

VALIDATION = paths.DATA / "validation"
LABELS = ("action_start", "safeguard_start", "continuation", "outside")


# ------------------------------------------------------------------ the sample
def _key(action_id: str, seed: int = 0) -> str:
    return sha256(f"{seed}:{action_id}".encode())


def field_sample(actions: pd.DataFrame, per_plan: int = 15, seed: int = 0) -> list[str]:
    """The field sample: per plan, the *per_plan* actions with the smallest ``sha256(f"{seed}:{id}")``."""
    out = []
    for _, g in actions.groupby("jurisdiction", sort=False):
        ids = sorted(g["action_id"], key=lambda a: _key(a, seed))
        out += ids[:per_plan]
    return out


def instrument_split(actions: pd.DataFrame, seed: int = 0) -> dict[str, str]:
    """``{action_id: "dev" | "test"}``: per plan, the first third by the same key is the development part."""
    out = {}
    for _, g in actions.groupby("jurisdiction", sort=False):
        ids = sorted(g["action_id"], key=lambda a: _key(a, seed))
        n_dev = round(len(ids) / 3)
        out.update({a: ("dev" if i < n_dev else "test") for i, a in enumerate(ids)})
    return out


# ------------------------------------------------------------------ reading
def read_coding(who: str, what: str, folder: Path | None = None) -> pd.DataFrame:
    """One coding file: *who* is ``coder_a``, ``coder_b`` or ``reconciled``; *what* ``segmentation``,
    ``fields`` or ``instruments``."""
    path = Path(folder or VALIDATION) / who / f"{what}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _departments(cell: str) -> set[tuple[str, str]]:
    """``{(category, role)}`` of a fields cell ``name|role|category;…``."""
    out = set()
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        bits = part.split("|")
        if len(bits) >= 3:
            out.add((bits[2].strip(), bits[1].strip()))
    return out


def _commitments(cell: str) -> set[tuple[float, str]]:
    """``{(value, unit)}`` of a fields cell ``span|value|unit;…``."""
    out = set()
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        bits = part.split("|")
        if len(bits) >= 3:
            try:
                out.add((float(bits[1]), bits[2].strip()))
            except ValueError:
                continue
    return out


# ------------------------------------------------------------------ statistics
def alpha_nominal(a: list, b: list) -> float:
    """Krippendorff's alpha (nominal) of two coders' values for the same units (1.0 when they never differ)."""
    values = sorted(set(a) | set(b), key=str)
    if len(values) < 2:
        return 1.0 if list(a) == list(b) else float("nan")
    idx = {v: i for i, v in enumerate(values)}
    data = np.array([[idx[x] for x in a], [idx[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _set_alpha(a: dict[str, set], b: dict[str, set], units: list[str], items: set | None = None) -> float:
    """Alpha over binary present/absent decisions: every unit crossed with every item (*items*, default
    every item either coder coded anywhere), so agreeing that an item is absent counts too."""
    items = items if items is not None else {x for u in units for x in a.get(u, set()) | b.get(u, set())}
    pairs = [(u, x) for u in units for x in sorted(items, key=str)]
    if not pairs:
        return float("nan")
    return alpha_nominal([x in a.get(u, set()) for u, x in pairs], [x in b.get(u, set()) for u, x in pairs])


def precision_recall(pred: dict[str, set], gold: dict[str, set], units: list[str]) -> dict:
    """Micro precision, recall and F1 of predicted (unit, item) pairs against gold ones."""
    tp = sum(len(pred.get(u, set()) & gold.get(u, set())) for u in units)
    fp = sum(len(pred.get(u, set()) - gold.get(u, set())) for u in units)
    fn = sum(len(gold.get(u, set()) - pred.get(u, set())) for u in units)
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if p == p and r == r and p + r else float("nan")
    return {"n_gold": tp + fn, "n_package": tp + fp, "tp": tp, "precision": p, "recall": r, "f1": f}


# ------------------------------------------------------------------ the package's side
def package_line_labels(actions: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """The package's segmentation as line labels: ``jurisdiction, line, label`` (lines of ``text/<j>.txt``).

    A line holding an action's first character is ``action_start`` (``safeguard_start`` for a
    safeguard), a line inside an action's span (its department list included) ``continuation``,
    any other line ``outside``.
    """
    rows = []
    for j, text in texts.items():
        a = actions[actions["jurisdiction"] == j]
        starts = np.cumsum([0] + [len(x) + 1 for x in text.split("\n")])
        spans = []
        for r in a.itertuples():
            end = int(r.departments_end) if str(r.departments_end) not in ("", "nan") and \
                int(float(r.departments_end)) > int(r.end) else int(r.end)
            spans.append((int(r.start), max(int(r.end), end), r.kind))
        for i, line in enumerate(text.split("\n"), start=1):
            if not line:
                continue
            s, e = int(starts[i - 1]), int(starts[i - 1]) + len(line)
            label = "outside"
            for a0, a1, kind in spans:
                if a0 < e and s < a1:
                    label = ("safeguard_start" if kind == "safeguard" else "action_start") if s <= a0 < e \
                        else "continuation"
                    if label != "continuation":
                        break
            rows.append({"jurisdiction": j, "line": i, "label": label})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ reports
def segmentation_report(actions: pd.DataFrame, texts: dict[str, str], folder: Path | None = None) -> pd.DataFrame:
    """One row per label (and ``all``): alpha between the coders; the package's precision/recall vs gold."""
    a, b, g = (read_coding(w, "segmentation", folder) for w in ("coder_a", "coder_b", "reconciled"))
    key = ["jurisdiction", "line"]
    for df in (a, b, g):
        df["line"] = df["line"].astype(int)
    m = a.merge(b, on=key, suffixes=("_a", "_b")).merge(g.rename(columns={"label": "label_g"}), on=key)
    pkg = package_line_labels(actions, texts).rename(columns={"label": "label_p"})
    m = m.merge(pkg, on=key, how="left").fillna({"label_p": "outside"})
    rows = [{"label": "all", "n_lines": len(m), "alpha_coders": alpha_nominal(list(m.label_a), list(m.label_b)),
             "package_agreement": float((m.label_p == m.label_g).mean()),
             "alpha_package_gold": alpha_nominal(list(m.label_p), list(m.label_g))}]
    for lab in LABELS:
        pred = {f"{r.jurisdiction}:{r.line}": {lab} if r.label_p == lab else set() for r in m.itertuples()}
        gold = {f"{r.jurisdiction}:{r.line}": {lab} if r.label_g == lab else set() for r in m.itertuples()}
        pr = precision_recall(pred, gold, list(pred))
        rows.append({"label": lab, "n_lines": int((m.label_g == lab).sum()),
                     "alpha_coders": alpha_nominal(list(m.label_a == lab), list(m.label_b == lab)),
                     "precision": pr["precision"], "recall": pr["recall"], "f1": pr["f1"]})
    return pd.DataFrame(rows)


def _package_fields(ids: list[str], actions, assignments, targets) -> dict[str, dict]:
    act = actions.set_index("action_id")
    dep = {a: {(c, r) for c, r in zip(g["category"], g["role"])}
           for a, g in assignments[assignments["action_id"].isin(ids)].groupby("action_id")}
    com = {a: {(float(v), str(u)) for v, u in zip(g["value"], g["unit"])}
           for a, g in targets[targets["action_id"].isin(ids)].groupby("action_id")}
    grp = {a: (str(act.loc[a, "group"]) if str(act.loc[a, "group"]) not in ("nan", "None") else "") for a in ids
           if a in act.index}
    return {"group": grp, "departments": dep, "commitments": com}


def fields_report(actions: pd.DataFrame, assignments: pd.DataFrame, targets: pd.DataFrame,
                  folder: Path | None = None) -> pd.DataFrame:
    """One row per field (group, departments, commitments): alpha between coders, package vs gold."""
    a, b, g = (read_coding(w, "fields", folder).set_index("action_id") for w in ("coder_a", "coder_b",
                                                                             "reconciled"))
    ids = [i for i in g.index if i in set(actions["action_id"])]
    pkg = _package_fields(ids, actions, assignments, targets)
    rows = []
    ga, gb, gg = ([df.loc[i, "group"] for i in ids] for df in (a, b, g))
    pg = [pkg["group"].get(i, "") for i in ids]
    acc = float(np.mean([x == y for x, y in zip(pg, gg)])) if ids else float("nan")
    rows.append({"field": "group", "n_units": len(ids), "alpha_coders": alpha_nominal(ga, gb),
                 "package_agreement": acc, "alpha_package_gold": alpha_nominal(pg, gg),
                 **{k: float("nan") for k in ("precision", "recall", "f1")}})
    for field, parse in (("departments", _departments), ("commitments", _commitments)):
        sa, sb, sg = ({i: parse(df.loc[i, field]) for i in ids} for df in (a, b, g))
        if field == "departments":  # the package has no category for a unit the codebook lacks: compare categories
            pass
        pr = precision_recall(pkg[field], sg, ids)
        rows.append({"field": field, "n_units": pr["n_gold"], "alpha_coders": _set_alpha(sa, sb, ids),
                     "package_agreement": float("nan"), "alpha_package_gold": _set_alpha(pkg[field], sg, ids),
                     "precision": pr["precision"], "recall": pr["recall"], "f1": pr["f1"]})
    return pd.DataFrame(rows)


def _instrument_sets(df: pd.DataFrame) -> dict[str, set[str]]:
    df = df[df["code"] != "none"]
    return {a: set(g["code"]) for a, g in df.groupby("action_id")}


def instruments_report(actions: pd.DataFrame, instruments: pd.DataFrame, folder: Path | None = None,
                       split: str = "test") -> pd.DataFrame:
    """One row per instrument code, per kind and ``all``: alpha between coders (every coded action), package
    precision/recall/F1 against the gold on *split* (``test``, ``dev`` or ``all``).

    Only the actions the coders were given (``packets/instrument_units.csv``) are scored: a corpus's other
    plans have no hand coding, and counting them as coded-empty would be wrong."""
    codes = instrument_codes(load_codebook())
    sa, sb, sg = (_instrument_sets(read_coding(w, "instruments", folder))
                  for w in ("coder_a", "coder_b", "reconciled"))
    spl = instrument_split(actions)
    # the units the coders were given: a corpus's other actions have no hand coding, so they are left out
    units_file = Path(folder or VALIDATION) / "packets" / "instrument_units.csv"
    coded = set(pd.read_csv(units_file, dtype=str)["action_id"]) if units_file.is_file() else set(sg) | set(sa)
    all_ids = [a for a in actions["action_id"] if a in spl and a in coded]
    ids = [a for a in all_ids if split == "all" or spl[a] == split]
    pkg = {a: set(g["code"]) for a, g in instruments.groupby("action_id")}
    rows = []

    def row(name: str, kind: str, sel) -> dict:
        f = {u: {c for c in s if sel(c)} for u, s in pkg.items()}
        ga = {u: {c for c in s if sel(c)} for u, s in sa.items()}
        gb = {u: {c for c in s if sel(c)} for u, s in sb.items()}
        gg = {u: {c for c in s if sel(c)} for u, s in sg.items()}
        pr = precision_recall(f, gg, ids)
        items = {c.id for c in codes if sel(c.id)}
        return {"code": name, "kind": kind, "n_gold": pr["n_gold"], "n_package": pr["n_package"],
                "alpha_coders": _set_alpha(ga, gb, all_ids, items), "precision": pr["precision"], "recall": pr["recall"],
                "f1": pr["f1"], "split": split, "n_actions": len(ids)}

    for c in codes:
        rows.append(row(c.id, c.kind, lambda x, c=c: x == c.id))
    kind_of = {c.id: c.kind for c in codes}
    for kind in dict.fromkeys(c.kind for c in codes):
        rows.append(row(kind, "kind", lambda x, k=kind: kind_of.get(x) == k))
    rows.append(row("all", "all", lambda x: True))
    return pd.DataFrame(rows)


__all__ = ["VALIDATION", "field_sample", "instrument_split", "read_coding", "alpha_nominal", "precision_recall",
           "package_line_labels", "segmentation_report", "fields_report", "instruments_report"]
