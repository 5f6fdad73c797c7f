"""Agreement of a reviewed REFI-QDA project with the package's coding, code by code, and its report.

For each code, on each source both projects hold: the characters the human's selections of the code cover
and those the package's cover.  ``precision`` = overlap / package characters, ``recall`` = overlap / human
characters (the human is the reference), ``f1`` their harmonic mean, and ``alpha`` Krippendorff's alpha for
nominal data with the characters of all compared sources as units, two coders (human, package), value
present/absent -- computed in closed form from the 2×2 counts (the same number
``krippendorff.alpha(..., level_of_measurement="nominal")`` gives, in O(1)).  Codes are matched by GUID
first, then by their name path (``Departments > cast 科协 > lead``; ATLAS.ti's ``a::b`` names are read as
paths), then by a leaf name only one package code has.  Selections with impossible offsets are excluded and
counted (:mod:`analysis.exchange.project`).
"""
from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.errors import BuildError
from analysis.exchange.archive import Archive, ImportLimits, file_chunks, parse_xml, regular_file
from analysis.exchange.codetree import package_coding
from analysis.exchange.constants import AGREEMENT_COLUMNS, POSITION_MODES
from analysis.exchange.project import ProjectReader, norm_name, read_codes


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


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans merged into disjoint, sorted intervals (the characters they cover)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _covered(a: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in a)


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Characters two disjoint sorted interval lists cover both (linear in their lengths)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if e > s:
            total += e - s
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def import_qdpx(file: Path | str, processed: Path | str | None = None, codebook=None, *,
                positions: str = "auto", rollup: bool = False, limits: ImportLimits | None = None) -> pd.DataFrame:
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
    limits : ImportLimits, optional
        What the file may unpack (default: the limits of docs/safety.md; see
        :mod:`analysis.exchange.archive`).

    Returns
    -------
    pandas.DataFrame
        One row per code (the package's codes in tree order, then codes only the project has), columns
        :data:`AGREEMENT_COLUMNS`: ``code`` (name path in the package, or in the project for codes the
        package lacks), ``n_human`` / ``n_package`` (selections), ``overlap_chars``, ``precision``
        (overlap / package characters), ``recall`` (overlap / human characters), ``f1``, ``alpha``
        (Krippendorff, nominal, on the characters of every compared source), ``human_chars``,
        ``package_chars``, ``n_excluded`` (the human's selections of the code left out for impossible
        offsets), ``match`` (``guid``, ``path``, ``name``, ``package only``, ``project only``),
        ``human_code`` (the project's name path where it differs), ``guid``.  Undefined ratios are NaN.
        ``df.attrs`` holds ``file``, ``sources`` (plans compared), ``unmatched_sources``, ``positions``
        (plans read other than as code points), ``text_changed`` (plans whose text differs and was
        aligned), ``problems``, ``excluded`` (coded selections left out of the scores, by kind: ``outside``
        the text, ``reversed``, ``splits a character``; see :mod:`analysis.exchange.project`) and
        ``excluded_examples`` (the first of them).

    Raises
    ------
    BuildError
        The file cannot be read, holds no project, exceeds a limit of *limits* or is not safe XML.
    """
    if positions != "auto" and positions not in POSITION_MODES:
        raise ValueError(f"positions must be 'auto' or one of {POSITION_MODES}, not {positions!r}")
    file = regular_file(file)
    lim = limits or ImportLimits()
    archive = Archive(file, lim) if zipfile.is_zipfile(file) else None
    try:
        if archive is not None:
            qde = archive.qde_name()
            if qde is None:
                raise BuildError(f"{file}: a zip without a .qde project file; is it a REFI-QDA .qdpx?")
            archive.check(qde)  # refuse a bomb before the package's coding is loaded
            chunks, where = archive.stream(qde), f"{file}: {qde}"
        else:
            chunks, where = file_chunks(file, lim), str(file)
        cod = package_coding(processed, codebook)
        reader = ProjectReader(cod, archive, positions)
        root = parse_xml(chunks, where, lim, watch=(ProjectReader.TAG,), on_element=reader.source)
        human_codes = read_codes(root)
    finally:
        if archive is not None:
            archive.close()
    selections, compared, notes = reader.selections, reader.compared, reader.notes

    # --- match the project's codes with the package's
    pkg_by_guid = {c.guid: k for k, c in cod.codes.items()}
    pkg_by_path = {tuple(norm_name(cod.codes[k[:i]].name) for i in range(1, len(k) + 1)): k for k in cod.codes}
    leaf: dict[str, list[tuple[str, ...]]] = {}
    for k, c in cod.codes.items():
        leaf.setdefault(norm_name(c.name), []).append(k)
    match: dict[str, tuple[tuple[str, ...], str]] = {}
    for g, hc in human_codes.items():
        if g in pkg_by_guid:
            match[g] = (pkg_by_guid[g], "guid")
        elif tuple(norm_name(x) for x in hc.path) in pkg_by_path:
            match[g] = (pkg_by_path[tuple(norm_name(x) for x in hc.path)], "path")
        elif len(leaf.get(norm_name(hc.path[-1]), [])) == 1:
            match[g] = (leaf[norm_name(hc.path[-1])][0], "name")
    unknown = {g for s in selections for g in s.codes} - set(human_codes)
    excluded: dict[object, int] = {}  # package key, or ("project", guid): the human's excluded selections
    for guids in reader.excluded_codes:
        for g in dict.fromkeys(guids):
            if g in human_codes:
                target = match[g][0] if g in match else ("project", g)
                excluded[target] = excluded.get(target, 0) + 1
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
            hu, pu = _union(hs), _union(ps)  # intervals, not masks: cost grows with the spans, not the text
            a11 += _overlap(hu, pu)
            hc += _covered(hu)
            pc += _covered(pu)
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
        rows.append({"code": cod.path(k), **measure(gather(hum, k), gather(pkg, k)), "n_excluded": excluded.get(k, 0),
                     "match": how,
                     "human_code": human_path if human_path != cod.path(k) else "", "guid": code.guid})
    for g, hc in human_codes.items():
        if g in match:
            continue
        rows.append({"code": " > ".join(hc.path), **measure(hum.get(("project", g), {}), {}),
                     "n_excluded": excluded.get(("project", g), 0),
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
    excluded = {k: n for k, n in (a.get("excluded") or {}).items() if n}
    if excluded:
        lines.append(f"excluded from the scores: {sum(excluded.values())} coded selection(s) with impossible offsets ("
                     + ", ".join(f"{n} {k}" for k, n in excluded.items()) + "): "
                     + "; ".join(a.get("excluded_examples", [])) + (" …" if sum(excluded.values()) > len(
                         a.get("excluded_examples", [])) else ""))

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


__all__ = ["import_qdpx", "format_agreement"]
