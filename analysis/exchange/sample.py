"""The validation sample: a stratified sample of a build's units as an empty REFI-QDA project for human coders.

``python -m analysis validation-sample --size N --seed S --out sample.qdpx`` writes

- ``sample.qdpx``: a REFI-QDA 1.5 project (validated against the schema in
  ``analysis/resources/``) holding one text source per sampled unit and the
  build's code system with **no coding** -- the codebook's target groups, group
  lines, department categories with their roles, commitment unit classes and
  instrument kinds and codes, each code with the GUID the package's own export
  gives it (:func:`analysis.exchange.export_qdpx`), plus one code ``Sample >
  checked`` for the coder to mark a finished unit;
- ``sample-manual.md`` and ``sample-manual.html``: the coding manual generated
  from the same codebook (:mod:`analysis.exchange.manual`).

Two coders code the project in NVivo, MAXQDA, ATLAS.ti or QualCoder, each
exports it again as REFI-QDA, and ``validation-score``
(:mod:`analysis.exchange.score`) measures their agreement and the package's
accuracy.

**The units and the strata** are those of :mod:`analysis.exchange.sampling`:
a unit is one row of ``actions.csv``, the strata are plan × line, and the
allocation gives every stratum a unit before sharing the rest by size.

**A unit's text.** The source holds, in order: a first line
``上级标题 headings: <headings above the unit>`` (for reading the unit in its
place, and for coding its group line), a blank line, the unit's own text
(``actions.csv`` ``start``–``end``), and -- where the plan names the unit's
departments elsewhere -- its department list and the line of every department
named for it (a division-of-work block), each piece separated by a blank line
when it is not contiguous.  The score reads the coders' codes per unit, so how
far a selection reaches does not matter.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from analysis import paths
from analysis.coding.codebook import load_codebook
from analysis.compare.tables import read_table
from analysis.errors import BuildError
from analysis.exchange.codetree import Code, package_coding
from analysis.exchange.constants import (CHECKED_KEY, HEADER_PREFIX, NS, ROLES, SCHEMA_LOCATION, XML_ILLEGAL,
                                         SOURCES_DIR, stable_guid as guid)
from analysis.exchange.export import project_zip
from analysis.exchange.manual import coding_manual, manual_html
from analysis.exchange.owned import check_writable, write_owned
from analysis.exchange.sampling import SAMPLE_COLUMNS, allocate, strata, stratified_sample
from analysis.exchange.validate import validate_qdpx
from analysis.pipeline.run import build_codebook

#: Top codes of the package's code tree that are not in the sample's code system: the units themselves
#: (segmentation is given) and the clusters (not a coding anyone does by hand).
EXCLUDED_TOPS = ("actions", "clusters")

#: The package as the sample's creating user.
USER_GUID = guid("user", "analysis validation-sample")


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------------------------------------ unit texts
def _line(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def unit_pieces(action: dict, assignments: pd.DataFrame | None, text: str) -> list[tuple[int, int]]:
    """The stretches of the plan's text a unit's source holds: its own text, its department list, and the
    line of every department named for it outside both; contiguous stretches merged.

    Parameters
    ----------
    action : dict
        The unit's row of ``actions.csv``.
    assignments : pandas.DataFrame or None
        Its rows of ``assignments.csv``.
    text : str
        The plan's normalised text.

    Returns
    -------
    list of (int, int)
        Sorted ``[start, end)`` offsets.
    """
    n = len(text)
    spans = [(int(action["start"]), int(action["end"]))]
    if not _blank(action.get("departments_start")) and not _blank(action.get("departments_end")):
        spans.append((int(action["departments_start"]), int(action["departments_end"])))
    if assignments is not None:
        for s, e in zip(assignments["start"], assignments["end"]):
            if _blank(s) or _blank(e):
                continue
            s, e = int(s), int(e)
            if any(a <= s and e <= b for a, b in spans):
                continue
            if 0 <= s < n:
                spans.append(_line(text, s))
    spans = sorted((max(0, s), min(n, e)) for s, e in spans if e > s)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or not text[merged[-1][1]:s].strip()):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def unit_text(action: dict, pieces: list[tuple[int, int]], text: str) -> str:
    """The text of a unit's source: the headings line, a blank line, then the pieces separated by blank lines.

    Parameters
    ----------
    action : dict
        The unit's row of ``actions.csv`` (its ``path`` gives the headings).
    pieces : list of (int, int)
        :func:`unit_pieces`.
    text : str
        The plan's normalised text.

    Returns
    -------
    str
        The source text (line breaks ``\\n``).
    """
    path = "" if _blank(action.get("path")) else " ".join(str(action["path"]).split())
    body = "\n\n".join(text[s:e].strip("\n") for s, e in pieces)
    return f"{HEADER_PREFIX}{path or '—'}\n\n{body}\n"


def header_length(source_text: str) -> int:
    """Characters of a unit's headings line and the blank line after it (0 if the text has none).

    Parameters
    ----------
    source_text : str
        The text of a unit's source in a sample.

    Returns
    -------
    int
        For a text starting with :data:`~analysis.exchange.constants.HEADER_PREFIX`: its characters up to and
        including the first blank line (the whole text when it has none).
    """
    if not source_text.startswith(HEADER_PREFIX):
        return 0
    k = source_text.find("\n\n")
    return len(source_text) if k < 0 else k + 2


# ------------------------------------------------------------------------------------------------ code system
def _codebook(folder: Path):
    return load_codebook(build_codebook(folder))


def code_system(processed: Path | str | None = None) -> dict[tuple[str, ...], Code]:
    """The sample's code system: the package's code tree of the build without units and clusters, with every
    department category of the codebook (whether the build names it or not) and the ``checked`` code.

    Parameters
    ----------
    processed : path, optional
        The build folder (default ``data/processed``).

    Returns
    -------
    dict
        ``{key: Code}`` in the order of the tree; each code's GUID is the package export's GUID for it.
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    cod = package_coding(folder)
    cb = _codebook(folder)
    out: dict[tuple[str, ...], Code] = {}
    for key, code in cod.codes.items():
        if key[0] in EXCLUDED_TOPS or (key[0] == "departments" and len(key) > 1):
            continue
        out[key] = Code(key, code.name, code.description, code.color, code.codable)
        if key == ("departments",):
            dep = {k: c for k, c in cod.codes.items() if k[0] == "departments" and len(k) > 1}
            color = code.color
            cats = [c.id for c in cb.categories]
            present = [k[1] for k in dep if len(k) == 2]
            order = cats + [c for c in present if c not in cats and c != "uncoded"] + ["uncoded"]
            for cid in order:
                k = ("departments", cid)
                if k in dep:
                    base = dep[k]
                    out[k] = Code(k, base.name, base.description, color)
                else:
                    c = cb.category(cid)
                    note = " A collective unit (all units, all towns …), not a department." if c.collective else ""
                    out[k] = Code(k, f"{c.id} {c.zh}", f"{c.en}.{note}", color)
                roles = [r for r, _ in ROLES] + sorted({x[2] for x in dep if len(x) == 3 and x[1] == cid}
                                                      - {r for r, _ in ROLES})
                for role in roles:
                    rk = k + (role,)
                    name = dict(ROLES).get(role, role)
                    out[rk] = Code(rk, dep[rk].name if rk in dep else name, f"Named with the role `{role}`.", color)
    out[CHECKED_KEY[:1]] = Code(CHECKED_KEY[:1], "Sample", "Bookkeeping of the validation sample (not a coding).",
                                "#7F7F7F", codable=False)
    out[CHECKED_KEY] = Code(CHECKED_KEY, "checked 已核对", "Apply to a unit (any part of it) when you have finished "
                            "coding it; units without it are not scored once a coder uses it.", "#7F7F7F")
    return out


def path_of(codes: dict[tuple[str, ...], Code], key: tuple[str, ...]) -> str:
    """The code's name path, ``Departments > cast 科协 > lead 牵头``.

    Parameters
    ----------
    codes : dict of tuple of str to Code
        The code system by key.
    key : tuple of str
        A code's key; it and every ancestor must be in *codes* (else ``KeyError``).

    Returns
    -------
    str
        The names of the top code down to the code, joined by ``" > "``.
    """
    return " > ".join(codes[key[:i]].name for i in range(1, len(key) + 1))


# ------------------------------------------------------------------------------------------------ the project
def _clean(s) -> str:
    return XML_ILLEGAL.sub("", str(s))


def _sub(parent: ET.Element, tag: str, attrib: dict | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _clean(v) for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = _clean(text)
    return el


def source_guid(action_id: str) -> str:
    """The GUID of a unit's text source in every sample (and of its case, with another key).

    Parameters
    ----------
    action_id : str
        The unit's ``action_id``.

    Returns
    -------
    str
        :func:`guid` of ``("sample-source", action_id)``.
    """
    return guid("sample-source", action_id)


def sample_units(processed: Path | str | None, sample: pd.DataFrame) -> pd.DataFrame:
    """The sampled units with the text of their sources.

    Parameters
    ----------
    processed : path or None
        The build folder.
    sample : pandas.DataFrame
        :func:`stratified_sample`.

    Returns
    -------
    pandas.DataFrame
        *sample* with ``path`` (headings), ``pieces`` (``start-end;…`` in the plan's text) and ``text``
        (the source's text).
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    actions = read_table("actions", folder).set_index("action_id", drop=False)
    try:
        assignments = read_table("assignments", folder)
    except FileNotFoundError:
        assignments = None
    texts: dict[str, str] = {}
    rows = []
    for r in sample.to_dict("records"):
        a = actions.loc[r["action_id"]].to_dict()
        j = str(a["jurisdiction"])
        if j not in texts:
            texts[j] = (paths.text_dir(folder) / f"{j}.txt").read_bytes().decode("utf-8")
        mine = assignments[assignments["action_id"] == r["action_id"]] if assignments is not None else None
        pieces = unit_pieces(a, mine, texts[j])
        rows.append({**r, "path": "" if _blank(a.get("path")) else str(a["path"]),
                     "pieces": ";".join(f"{s}-{e}" for s, e in pieces), "text": unit_text(a, pieces, texts[j])})
    return pd.DataFrame(rows, columns=list(sample.columns) + ["path", "pieces", "text"])


def sample_project(units: pd.DataFrame, codes: dict[tuple[str, ...], Code], description: str) -> bytes:
    """The ``.qdpx`` of a sample: sources, cases with the units' variables, the code system, no coding.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`sample_units`.
    codes : dict
        :func:`code_system`.
    description : str
        The project's description.

    Returns
    -------
    bytes
        The zip (fixed timestamps, sorted entries: the same sample gives the same bytes).
    """
    root = ET.Element("Project", {
        "xmlns": NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsi:schemaLocation": SCHEMA_LOCATION,
        "name": "Validation sample", "origin": "analysis (python -m analysis validation-sample), REFI-QDA 1.5",
        "creatingUserGUID": USER_GUID})
    _sub(_sub(root, "Users"), "User", {"guid": USER_GUID, "name": "analysis (validation sample)"})
    book = _sub(_sub(root, "CodeBook"), "Codes")
    elements: dict[tuple[str, ...], ET.Element] = {}
    for key, code in codes.items():
        parent = book if len(key) == 1 else elements[key[:-1]]
        el = _sub(parent, "Code", {"guid": code.guid, "name": code.name,
                                   "isCodable": "true" if code.codable else "false", "color": code.color})
        if code.description:
            _sub(el, "Description", text=code.description)
        elements[key] = el
    variables = [("plan", "Text"), ("stratum", "Text"), ("kind", "Text"), ("weight", "Float"), ("headings", "Text")]
    vs = _sub(root, "Variables")
    for name, kind in variables:
        _sub(vs, "Variable", {"guid": guid("sample-variable", name), "name": name, "typeOfVariable": kind})
    cases = _sub(root, "Cases")
    files: dict[str, bytes] = {}
    sources = _sub(root, "Sources")
    for u in units.to_dict("records"):
        a = u["action_id"]
        case = _sub(cases, "Case", {"guid": guid("sample-case", a), "name": a})
        values = {"plan": u["jurisdiction"], "stratum": u["stratum"], "kind": u["kind"],
                  "weight": format(float(u["weight"]), ".6g"), "headings": u["path"]}
        for name, kind in variables:
            if values[name] in ("", None):
                continue
            vv = _sub(case, "VariableValue")
            _sub(vv, "VariableRef", {"targetGUID": guid("sample-variable", name)})
            _sub(vv, "FloatValue" if kind == "Float" else "TextValue", text=str(values[name]))
        sg = source_guid(a)
        _sub(case, "SourceRef", {"targetGUID": sg})
        files[f"{SOURCES_DIR}/{sg}.txt"] = _clean(u["text"]).encode("utf-8")
        src = _sub(sources, "TextSource", {"guid": sg, "name": a, "plainTextPath": f"internal://{sg}.txt",
                                           "creatingUser": USER_GUID})
        _sub(src, "Description", text=f"Unit {a} of plan {u['jurisdiction']} (stratum {u['stratum']}); "
                                      f"offsets in the plan's normalised text: {u['pieces']}.")
    _sub(root, "Description", text=description)
    ET.indent(root, "  ")
    xml = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
    return project_zip({"project.qde": xml, **files})


def manual_paths(out: Path) -> tuple[Path, Path]:
    """The coding manual's Markdown and HTML files beside the sample *out* (``sample-manual.md``, ``.html``).

    Parameters
    ----------
    out : pathlib.Path
        The sample's ``.qdpx`` path.

    Returns
    -------
    tuple of pathlib.Path
        ``(<stem>-manual.md, <stem>-manual.html)`` in the folder of *out*.
    """
    return out.with_name(f"{out.stem}-manual.md"), out.with_name(f"{out.stem}-manual.html")


def write_validation_sample(out: Path | str, size: int, seed: int = 0, processed: Path | str | None = None,
                            force: bool = False) -> list[Path]:
    """Write the validation sample *out* (``.qdpx``) and its coding manual (Markdown and HTML) beside it.

    Parameters
    ----------
    out : path
        The ``.qdpx`` file to write.
    size : int
        Units to sample (see :func:`stratified_sample`).
    seed : int
        The seed.
    processed : path, optional
        The build folder (default ``data/processed``).
    force : bool
        Replace existing files the package did not write (:mod:`analysis.exchange.owned`).

    Returns
    -------
    list of Path
        The files written: the project, the manual in Markdown and in HTML.

    Raises
    ------
    BuildError
        *out* does not end in ``.qdpx``; the build has no units; the project does not validate against the
        REFI-QDA schema; or a file would overwrite one the package did not write (nothing is written then).
    """
    out = Path(out)
    if out.suffix.lower() != ".qdpx":
        raise BuildError(f"{out}: the sample is a REFI-QDA project; give a file name ending in .qdpx. "
                         "Nothing was written.")
    if size < 1:
        raise BuildError(f"--size {size}: the sample needs at least one unit. Nothing was written.")
    md_path, html_path = manual_paths(out)
    check_writable([out, md_path, html_path], force)
    folder = Path(processed) if processed is not None else paths.PROCESSED
    try:
        actions = read_table("actions", folder)
    except FileNotFoundError as exc:
        raise BuildError(f"{exc} (--processed names the build to sample).") from None
    if actions.empty:
        raise BuildError(f"{folder}: the build has no actions or safeguards to sample. Nothing was written.")
    sample = stratified_sample(actions, size, seed)
    units = sample_units(folder, sample)
    codes = code_system(folder)
    n_strata = strata(actions).nunique()
    description = (f"Validation sample: {len(units)} of the {len(actions)} units (actions and safeguards) of the "
                   f"build {folder.name}, in {n_strata} strata (plan × line), seed {seed}; written by "
                   "`python -m analysis validation-sample`. One text source per unit; the code system is the "
                   "package's, without coding. The coding manual is the file "
                   f"{md_path.name} (or {html_path.name}) beside this project. Score two codings with "
                   "`python -m analysis validation-score A.qdpx B.qdpx [--adjudicated C.qdpx]`.")
    data = sample_project(units, codes, description)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "sample.qdpx"
        probe.write_bytes(data)
        problems = validate_qdpx(probe)
    if problems:
        raise BuildError(f"{out}: the sample does not validate against the REFI-QDA schema (this is a bug; nothing "
                         "was written):\n  - " + "\n  - ".join(problems[:20]))
    manual = coding_manual(units, codes, _codebook(folder), actions, seed=seed, project=out.name, build=folder.name)
    return write_owned({out: data, md_path: manual.encode("utf-8"),
                        html_path: manual_html(manual, f"Coding manual: {out.name}").encode("utf-8")}, force)


__all__ = ["stratified_sample", "allocate", "strata", "unit_pieces", "unit_text", "header_length", "code_system",
           "path_of", "sample_units", "sample_project", "source_guid", "write_validation_sample", "manual_paths",
           "CHECKED_KEY", "HEADER_PREFIX", "EXCLUDED_TOPS", "SAMPLE_COLUMNS"]
