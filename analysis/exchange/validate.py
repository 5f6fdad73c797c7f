"""Validation: what keeps a ``.qdpx`` from being a valid REFI-QDA project (the XML schema, and more).

The schema ``Project-mrt2019.xsd`` is checked through the ``xmlschema`` package; then what the schema
cannot say: the internal text files present and UTF-8, every selection inside its text, every reference
resolved, GUIDs unique.  The file is read within the limits of :mod:`analysis.exchange.archive`.
"""
from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

from analysis import paths
from analysis.errors import BuildError
from analysis.exchange.archive import (Archive, ImportLimits, MalformedXML, local_name, norm_guid, parse_xml,
                                       regular_file)
from analysis.exchange.constants import NS, SOURCES_DIR, XSD_NAME
from analysis.exchange.positions import join_pairs


def schema_path() -> Path | None:
    """The REFI-QDA project schema ``Project-mrt2019.xsd``: in the package's resources, else in the
    ``shared/refi-qda`` folder beside the repository; None when neither has it.

    Returns
    -------
    pathlib.Path or None
    """
    for p in (paths.RESOURCES / XSD_NAME, paths.ROOT.parent / "shared" / "refi-qda" / XSD_NAME,
              paths.ROOT / "shared" / "refi-qda" / XSD_NAME):
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=4)
def _schema(path: str):
    import xmlschema

    return xmlschema.XMLSchema(path)


def validate_qdpx(path: Path | str, xsd: Path | str | None = None, limits: ImportLimits | None = None) -> list[str]:
    """Problems of a ``.qdpx`` file; an empty list when it is a valid REFI-QDA project.

    Parameters
    ----------
    path : path
        The ``.qdpx`` file.
    xsd : path, optional
        The project schema (default: :func:`schema_path`).
    limits : ImportLimits, optional
        What may be unpacked (default: the limits of docs/safety.md).

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
        The ``xmlschema`` package is not installed, no schema file is found, or the file exceeds a limit of
        *limits* or declares a document type (see :mod:`analysis.exchange.archive`).
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
    path = regular_file(path)
    if not zipfile.is_zipfile(path):
        return [f"{path}: not a zip file"]
    with Archive(path, limits) as z:
        qde = z.qde_name()
        if qde is None:
            return [f"{path}: no project.qde in the zip"]
        if qde != "project.qde":
            problems.append(f"the project file is {qde!r}, not 'project.qde'")
        try:
            root = parse_xml(z.stream(qde), f"{path}: {qde}", z.limits)
        except MalformedXML as exc:
            return problems + [f"project.qde: not well-formed XML ({exc.reason})"]
        schema = _schema(str(xsd_file))
        for err in schema.iter_errors(root):
            problems.append(f"schema: {err.path or '/'}: {err.reason}")
        guids: dict[str, str] = {}
        for el in root.iter():
            g = el.get("guid")
            if g:
                ng = norm_guid(g)
                if ng in guids and local_name(el.tag) not in ("Representation",):
                    problems.append(f"GUID {g} is used by a {guids[ng]} and a {local_name(el.tag)}")
                guids.setdefault(ng, local_name(el.tag))
        codes = {norm_guid(c.get("guid")) for c in root.iter(f"{{{NS}}}Code")}
        srcs = {norm_guid(s.get("guid")) for tag in ("TextSource", "PictureSource", "PDFSource", "AudioSource",
                                                      "VideoSource") for s in root.iter(f"{{{NS}}}{tag}")}
        variables = {norm_guid(v.get("guid")) for v in root.iter(f"{{{NS}}}Variable")}
        for ref in root.iter(f"{{{NS}}}CodeRef"):
            if norm_guid(ref.get("targetGUID")) not in codes:
                problems.append(f"CodeRef to {ref.get('targetGUID')}: no such code")
        for ref in root.iter(f"{{{NS}}}SourceRef"):
            if norm_guid(ref.get("targetGUID")) not in srcs:
                problems.append(f"SourceRef to {ref.get('targetGUID')}: no such source")
        for ref in root.iter(f"{{{NS}}}VariableRef"):
            if norm_guid(ref.get("targetGUID")) not in variables:
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
                entry = z.internal_entry(path_)
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
            n = len(join_pairs(text))
            for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
                try:
                    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    continue  # the schema reports it
                if not 0 <= s <= e <= n:
                    problems.append(f"{label}: selection {sel.get('guid')} [{s}, {e}) is outside the text "
                                    f"({n} code points)")
    return problems


__all__ = ["validate_qdpx", "schema_path"]
