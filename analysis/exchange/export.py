"""Export: the package's coding of a processed folder as a REFI-QDA 1.5 project (``.qdpx``).

Every normalised text (``text/<jurisdiction>.txt``) becomes a ``TextSource``, each plan a ``Case`` with
``documents.csv`` as typed variables, the codebook the code tree of :mod:`analysis.exchange.codetree` and
every coded fact a coded ``PlainTextSelection``.  The text files are written as UTF-8 without a byte-order
mark and with the ``\\n`` line breaks of the normalised texts, byte for byte; positions are REFI-QDA
positions (:mod:`analysis.exchange.positions`).  The same processed folder always gives the same bytes.
"""
from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from analysis.errors import BuildError
from analysis.exchange.codetree import Coding, Fact, cell_text, is_blank, package_coding
from analysis.exchange.constants import (NAME_CHARS, NS, SCHEMA_LOCATION, SOURCES_DIR, USER_GUID, VALUE_ELEMENTS,
                                         VARIABLE_TYPES, XML_ILLEGAL, ZIP_DATE, stable_guid)
from analysis.exchange.positions import join_pairs, refi_offset, surrogate_lows
from analysis.files import check_writable, os_reason, write_owned
from analysis.pipeline import catalog


def _clean(s: str) -> str:
    return XML_ILLEGAL.sub("", s)


def _excerpt(text: str) -> str:
    one = re.sub(r"\s+", " ", text).strip()
    return one if len(one) <= NAME_CHARS else one[:NAME_CHARS] + "…"


def _sub(parent: ET.Element, tag: str, attrib: dict | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _clean(str(v)) for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = _clean(text)
    return el


def _variable_type(col: str, series: pd.Series) -> str:
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
    if is_blank(v):
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
            return datetime.date.fromisoformat(str(v)[:10]).isoformat()
    except (TypeError, ValueError, ArithmeticError):
        return None
    return str(v)


def _variable_description(col: str) -> str | None:
    table = catalog.TABLES["documents"]
    return f"documents.csv `{col}`: {table.column(col).meaning}" if col in table.column_names else None


def _package_version() -> str:
    try:
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
            v = _sub(variables, "Variable", {"guid": stable_guid("variable", c), "name": c, "typeOfVariable": types[c]})
            desc = _variable_description(c)
            if desc:
                _sub(v, "Description", text=desc)
    records = docs.to_dict("records")
    if records:
        cases = _sub(root, "Cases")
        for r in records:
            j = str(r["jurisdiction"])
            case = _sub(cases, "Case", {"guid": stable_guid("case", j), "name": j})
            title = " / ".join(x for x in (cell_text(r.get("name_zh")), cell_text(r.get("name_en"))) if x)
            desc = ": ".join(x for x in (title, cell_text(r.get("title"))) if x)
            if desc:
                _sub(case, "Description", text=desc)
            for c in columns:
                value = _variable_value(types[c], r.get(c))
                if value is None:
                    continue
                vv = _sub(case, "VariableValue")
                _sub(vv, "VariableRef", {"targetGUID": stable_guid("variable", c)})
                _sub(vv, VALUE_ELEMENTS[types[c]], text=value)
            _sub(case, "SourceRef", {"targetGUID": stable_guid("source", j)})

    # --- sources and selections
    by_span: dict[tuple[str, int, int], list[Fact]] = {}
    for f in cod.facts:
        by_span.setdefault((f.jurisdiction, f.start, f.end), []).append(f)
    files: dict[str, bytes] = {}
    sources = _sub(root, "Sources")
    for r in records:
        j = str(r["jurisdiction"])
        text = cod.texts[j]
        sguid = stable_guid("source", j)
        try:
            files[f"{SOURCES_DIR}/{sguid}.txt"] = join_pairs(text).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BuildError(f"text/{j}.txt holds an unpaired surrogate ({exc}).") from exc
        src = _sub(sources, "TextSource", {"guid": sguid, "name": j, "plainTextPath": f"internal://{sguid}.txt",
                                           "creatingUser": USER_GUID})
        if cell_text(r.get("title")):
            _sub(src, "Description", text=cell_text(r.get("title")))
        lows = surrogate_lows(text)
        for (jj, s, e) in sorted(k for k in by_span if k[0] == j):
            facts = by_span[(jj, s, e)]
            sel_guid = stable_guid("selection", j, s, e)
            sel = _sub(src, "PlainTextSelection", {
                "guid": sel_guid, "name": _excerpt(text[s:e]), "startPosition": refi_offset(lows, len(text), s),
                "endPosition": refi_offset(lows, len(text), e), "creatingUser": USER_GUID})
            notes = list(dict.fromkeys(f.note for f in facts if f.note))
            if notes:
                _sub(sel, "Description", text="\n".join(notes))
            for key in dict.fromkeys(f.code for f in facts):
                coding = _sub(sel, "Coding", {"guid": stable_guid("coding", sel_guid, *key), "creatingUser": USER_GUID})
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


def project_zip(entries: dict[str, bytes]) -> bytes:
    """A ``.qdpx`` archive of *entries* with fixed timestamps and attributes, ``project.qde`` first, then the
    ``sources/`` folder, then sorted names (the export and the validation sample both write it).

    Parameters
    ----------
    entries : dict of str to bytes
        Member name -> content (``project.qde`` and the sources).

    Returns
    -------
    bytes
        The archive.
    """
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


def export_qdpx(out_file: Path | str, processed: Path | str | None = None, codebook=None, *,
                force: bool = False) -> Path:
    """Write the package's coding of a processed folder as a REFI-QDA 1.5 project (``.qdpx``).

    Parameters
    ----------
    out_file : path
        The ``.qdpx`` file to write (its folder is created).  An existing file is replaced, atomically, only
        if the package wrote it and it is unchanged since (see :func:`analysis.files.write_owned`).
    processed : path, optional
        The processed folder (default ``data/processed``): ``documents.csv``, ``text/`` and the coded tables.
    codebook : path or Codebook, optional
        The codebook the folder was built with (default: the package's), for the code names.
    force : bool
        Replace an existing file the package did not write (``--force``; never a folder).

    Returns
    -------
    Path
        *out_file*.  The same processed folder always gives the same bytes (fixed zip timestamps, sorted
        entries, GUIDs derived from stable keys, no dates that do not come from the data).

    Raises
    ------
    BuildError
        The folder has no ``documents.csv``, a text is missing or not UTF-8, an offset lies outside its text,
        the name does not end in ``.qdpx``, the path is taken by a file the package did not write (without
        *force*), or the file cannot be written (nothing is then changed).

    Notes
    -----
    The zip holds ``project.qde`` and ``sources/<GUID>.txt`` (UTF-8, no byte-order mark, the normalised
    text byte for byte).  Positions are REFI-QDA positions (see :mod:`analysis.exchange.positions`).
    """
    out = check_writable(out_file, suffixes=(".qdpx",), force=force)
    cod = package_coding(processed, codebook)
    xml, files = _project_xml(cod)
    try:
        write_owned(out, project_zip({"project.qde": xml, **files}), written_by="python -m analysis export-qdpx",
                    suffixes=(".qdpx",), force=force)
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the project: {os_reason(exc)}; nothing was changed.") from exc
    return out

__all__ = ["export_qdpx"]
