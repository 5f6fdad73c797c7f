"""Reading a coder's coding of a validation sample: a ``.qdpx`` exported by a QDA program.

:func:`read_coding` returns, for every document of the file that is a unit of
the build, the codes of the sample's code system present in it (a code counts
for its parents too), which units the coder marked ``Sample > checked``, and
what could not be matched.  Documents are matched to units by GUID, else by
name; codes by GUID, else by name path, else by a leaf name only one code has.
A selection lying entirely in a unit's first line (its headings) counts only
for a group line; a coding of the whole document counts.

**Reading untrusted files.** A ``.qdpx`` is a zip from someone else's computer:
at most :data:`MAX_MEMBERS` entries, a project file of at most
:data:`MAX_PROJECT_BYTES` and a source text of at most :data:`MAX_SOURCE_BYTES`
(read in chunks, stopped at the limit, whatever the zip declares); the XML is
parsed with DTDs and entities forbidden (``defusedxml``), and nested codes are
walked without recursion.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from analysis.errors import BuildError
from analysis.exchange.constants import NS
from analysis.exchange.sample import CHECKED_KEY, header_length, source_guid

#: At most this many entries in a ``.qdpx``.
MAX_MEMBERS = 100_000
#: At most this many bytes of uncompressed ``project.qde``.
MAX_PROJECT_BYTES = 256 * 2**20
#: At most this many bytes of one uncompressed source text.
MAX_SOURCE_BYTES = 64 * 2**20
@dataclass
class Coding:
    """One coder's file: ``units`` (unit id -> set of code keys, parents included), the units marked checked
    (None if the coder never used the code), and what could not be matched."""

    path: Path
    name: str
    units: dict[str, set] = field(default_factory=dict)
    checked: set | None = None
    unmatched_codes: list[str] = field(default_factory=list)
    unknown_sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ reading
def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _norm_guid(g) -> str:
    return (g or "").strip().strip("{}").upper()


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name or "")).strip().casefold()


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, file: Path) -> bytes:
    if info.file_size > limit:
        raise BuildError(f"{file}: {info.filename} unpacks to {info.file_size:,} bytes, more than the limit of "
                         f"{limit:,}; this is not a validation sample's project. Nothing was read.")
    out, total = [], 0
    with z.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise BuildError(f"{file}: {info.filename} unpacks to more than {limit:,} bytes (the zip understates "
                                 "its size); this is not a validation sample's project. Nothing was read.")
            out.append(chunk)
    return b"".join(out)


def _open(file: Path) -> tuple[bytes, zipfile.ZipFile | None]:
    """The project XML and an open zip (or None for a bare ``.qde``)."""
    try:
        if zipfile.is_zipfile(file):
            z = zipfile.ZipFile(file)
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                z.close()
                raise BuildError(f"{file}: {len(infos):,} entries in the zip, more than the limit of {MAX_MEMBERS:,}.")
            qde = next((i for i in infos if i.filename == "project.qde"), None) or next(
                (i for i in infos if i.filename.lower().endswith(".qde") and "/" not in i.filename.strip("/")), None)
            if qde is None:
                z.close()
                raise BuildError(f"{file}: a zip without a project.qde; export the project from the QDA program as a "
                                 "REFI-QDA project (.qdpx).")
            try:
                return _read_member(z, qde, MAX_PROJECT_BYTES, file), z
            except BaseException:
                z.close()
                raise
        size = file.stat().st_size
        if size > MAX_PROJECT_BYTES:
            raise BuildError(f"{file}: {size:,} bytes, more than the limit of {MAX_PROJECT_BYTES:,} for a project.")
        return file.read_bytes(), None
    except zipfile.BadZipFile as exc:
        raise BuildError(f"{file}: a damaged zip ({exc}).") from exc
    except OSError as exc:
        raise BuildError(f"{file}: cannot read ({exc.strerror or exc}).") from exc


def _parse(data: bytes, file: Path):
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BuildError(f"{file}: the project XML declares a DTD or entities ({type(exc).__name__}), which a "
                         "REFI-QDA project does not need; refused.") from exc
    except ParseError as exc:
        raise BuildError(f"{file}: the project XML is not well-formed ({exc}).") from exc


def _human_codes(root) -> dict[str, tuple[str, ...]]:
    """GUID -> name path of every code of the project's code book (walked without recursion)."""
    out: dict[str, tuple[str, ...]] = {}
    stack = []
    for book in root.iter(f"{{{NS}}}CodeBook"):
        for codes in book:
            if _local(codes.tag) == "Codes":
                stack += [(c, ()) for c in reversed(list(codes))]
    while stack:
        el, prefix = stack.pop()
        if _local(el.tag) != "Code":
            continue
        path = prefix + tuple(p for p in (x.strip() for x in (el.get("name") or "").split("::")) if p)
        g = _norm_guid(el.get("guid"))
        if g:
            out.setdefault(g, path)
        stack += [(c, path) for c in reversed(list(el))]
    return out


def code_ancestors(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """*key* and its parents below the top code: ``(d, a, b)`` -> ``[(d, a), (d, a, b)]``.

    Parameters
    ----------
    key : tuple of str
        A code's key (top code first).

    Returns
    -------
    list of tuple of str
        Prefixes of *key* of length 2 up to the whole key (empty for a top code).
    """
    return [key[:i] for i in range(2, len(key) + 1)]


def read_coding(file: Path | str, codes: dict, units: list[str], name: str | None = None) -> Coding:
    """One coder's coding of a validation sample.

    Parameters
    ----------
    file : path
        The coder's ``.qdpx`` (or bare ``project.qde``).
    codes : dict
        The sample's code system (:func:`analysis.exchange.sample.code_system`).
    units : list of str
        The build's unit ids (``actions.csv``), to match sources by name.
    name : str, optional
        The coder's name in the output (default: the file's stem).

    Returns
    -------
    Coding
        Units with their code keys (parents included; below the top codes), checked units, notes.

    Raises
    ------
    BuildError
        The file cannot be read, is over a limit, or is not a REFI-QDA project.
    """
    file = Path(file)
    data, z = _open(file)
    out = Coding(file, name or file.stem)
    try:
        root = _parse(data, file)
        if _local(root.tag) != "Project":
            raise BuildError(f"{file}: not a REFI-QDA project (its root element is {_local(root.tag)!r}).")
        by_guid = {c.guid: k for k, c in codes.items()}
        by_path = {}
        for k in codes:
            by_path[tuple(_norm(codes[k[:i]].name) for i in range(1, len(k) + 1))] = k
        leaf_names: dict[str, list] = {}
        for k, c in codes.items():
            leaf_names.setdefault(_norm(c.name), []).append(k)
        match: dict[str, tuple[str, ...]] = {}
        for g, path in _human_codes(root).items():
            if g in by_guid:
                match[g] = by_guid[g]
            elif tuple(_norm(x) for x in path) in by_path:
                match[g] = by_path[tuple(_norm(x) for x in path)]
            elif path and len(leaf_names.get(_norm(path[-1]), [])) == 1:
                match[g] = leaf_names[_norm(path[-1])][0]
            else:
                out.unmatched_codes.append(" > ".join(path))
        unit_by_guid = {source_guid(u): u for u in units}
        unit_by_name = {_norm(u): u for u in units}
        names = {i.filename.lower().lstrip("/"): i for i in z.infolist()} if z is not None else {}
        for src in root.iter(f"{{{NS}}}TextSource"):
            label = src.get("name") or ""
            u = unit_by_guid.get(_norm_guid(src.get("guid"))) or unit_by_name.get(_norm(label)) \
                or unit_by_name.get(_norm(re.sub(r"\.txt$", "", label, flags=re.I)))
            if u is None:
                out.unknown_sources.append(label or _norm_guid(src.get("guid")))
                continue
            if u in out.units:
                out.notes.append(f"a second document for unit {u} ({label!r}); its codes are added to the first's")
            have = out.units.setdefault(u, set())
            stored = None
            content = src.find(f"{{{NS}}}PlainTextContent")
            if content is not None:
                stored = content.text or ""
            elif z is not None and (src.get("plainTextPath") or "").lower().startswith("internal://"):
                ref = src.get("plainTextPath")[len("internal://"):].lstrip("/").lower()
                info = names.get(f"sources/{ref}") or names.get(ref)
                if info is not None:
                    stored = _read_member(z, info, MAX_SOURCE_BYTES, file).decode("utf-8-sig", errors="replace")
            head = header_length(stored.replace("\r\n", "\n")) if stored else 0

            def add(keys, header_only: bool) -> None:
                for g in keys:
                    k = match.get(g)
                    if k is None:
                        continue
                    if k == CHECKED_KEY:
                        if out.checked is None:
                            out.checked = set()
                        out.checked.add(u)
                        continue
                    if k[0] == CHECKED_KEY[0] or len(k) < 2:
                        continue
                    if header_only and k[0] != "group_lines":
                        continue
                    have.update(code_ancestors(k))

            for c in src:
                if _local(c.tag) == "Coding":
                    add([_norm_guid(r.get("targetGUID")) for r in c if _local(r.tag) == "CodeRef"], False)
            for sel in src.iter():
                if _local(sel.tag) != "PlainTextSelection":
                    continue
                try:
                    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    out.notes.append(f"unit {u}: a selection without positions (counted)")
                    s = e = None
                header_only = s is not None and max(s, e) <= head
                refs = [_norm_guid(r.get("targetGUID")) for c in sel if _local(c.tag) == "Coding"
                        for r in c if _local(r.tag) == "CodeRef"]
                add(refs, header_only)
    finally:
        if z is not None:
            z.close()
    return out


__all__ = ["read_coding", "code_ancestors", "Coding", "MAX_MEMBERS", "MAX_PROJECT_BYTES", "MAX_SOURCE_BYTES"]
