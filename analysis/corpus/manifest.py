"""The raw corpus: its manifest, checksums and errata.

A corpus folder holds plan texts, ``manifest.csv`` (one row per text) and,
optionally, ``errata.csv`` (reviewed repairs of damaged spans).  The build reads
only files listed in the manifest and refuses to run when a file and its row
disagree, so a researcher always knows exactly which bytes were analysed.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from analysis.paths import ERRATA_NAME, MANIFEST_NAME
from analysis.corpus import levels
from analysis.errors import BuildError

MANIFEST_COLUMNS = ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level", "province"]
ERRATA_COLUMNS = ["file", "action", "corrupted", "replacement", "reason"]
ERRATA_ACTIONS = {"fix", "accept"}
#: Files in a corpus folder that are not plan texts.
SIDE_FILES = {MANIFEST_NAME, ERRATA_NAME, "README.md", "README.txt", ".gitkeep"}


@dataclass(frozen=True)
class Document:
    """One manifest row, with the path of its file."""

    jurisdiction: str
    file: str
    sha256: str
    name_zh: str
    name_en: str
    level: str
    province: str
    path: Path


@dataclass(frozen=True)
class Erratum:
    """A reviewed repair (``fix``) or a reviewed false alarm (``accept``).

    ``corrupted`` is the exact text as decoded from the raw file; it must occur
    exactly once there.  ``accept`` rows name a span that looks damaged to the
    corruption detector but is genuine (e.g. the programme name ``校园e站``).
    """

    file: str
    action: str
    corrupted: str
    replacement: str
    reason: str
    line: int  # line of errata.csv, for messages


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise BuildError(f"{path}: header lacks column(s) {', '.join(missing)}; "
                                 f"expected {', '.join(columns)}.")
            return [(i + 2, {k: (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader)]
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8.") from exc


def load_manifest(raw_dir: Path, verify: bool = True) -> list[Document]:
    """Read ``manifest.csv`` of *raw_dir* and check it against the folder.

    Refuses (``BuildError`` naming the file) when the manifest is missing, a row
    is incomplete, a jurisdiction or file is listed twice, a listed file is
    missing, its sha256 differs, or a file in the folder has no row.
    """
    raw_dir = Path(raw_dir)
    manifest = raw_dir / MANIFEST_NAME
    if not manifest.is_file():
        raise BuildError(f"{manifest}: no manifest. Every raw folder needs {MANIFEST_NAME} with columns "
                         f"{', '.join(MANIFEST_COLUMNS)} (see README).")
    rows = _read_csv(manifest, MANIFEST_COLUMNS)
    if not rows:
        raise BuildError(f"{manifest}: the manifest lists no document.")
    docs: list[Document] = []
    seen_j: dict[str, int] = {}
    seen_f: dict[str, int] = {}
    for line, row in rows:
        empty = [c for c in MANIFEST_COLUMNS if c != "province" and not row.get(c)]
        if empty:
            raise BuildError(f"{manifest}, line {line}: empty {', '.join(empty)}.")
        j, f = row["jurisdiction"], row["file"]
        if not j.replace("_", "").isalnum() or j.lower() != j:
            raise BuildError(f"{manifest}, line {line}: jurisdiction {j!r} must be lower-case letters, digits and _.")
        if j in seen_j:
            raise BuildError(f"{manifest}, line {line}: jurisdiction {j!r} is listed twice "
                             f"(also line {seen_j[j]}); each plan needs its own id.")
        if f in seen_f:
            raise BuildError(f"{manifest}, line {line}: file {f!r} is listed twice (also line {seen_f[f]}).")
        lv = levels.level(row["level"])
        if lv is None:
            raise BuildError(f"{manifest}, line {line}: level {row['level']!r} is not one of: {levels.describe()}.")
        row["level"] = lv.id
        seen_j[j], seen_f[f] = line, line
        path = raw_dir / f
        if not path.is_file():
            raise BuildError(f"{path}: listed in {MANIFEST_NAME} (line {line}) but missing from {raw_dir}. "
                             "Restore the file or remove its row.")
        if verify:
            actual = sha256_of(path)
            if actual != row["sha256"].lower():
                raise BuildError(f"{path}: sha256 is {actual} but {MANIFEST_NAME} line {line} says {row['sha256']}. "
                                 "Raw files are never edited: restore the original, or, for a new version of "
                                 "the document, update its row deliberately.")
        docs.append(Document(j, f, row["sha256"].lower(), row["name_zh"], row["name_en"], row["level"],
                             row.get("province", ""), path))
    listed = set(seen_f)
    for p in sorted(raw_dir.iterdir()):
        if p.is_file() and p.name not in listed and p.name not in SIDE_FILES and not p.name.startswith("."):
            raise BuildError(f"{p}: this file is in the raw folder but has no row in {MANIFEST_NAME}. "
                             "Add a row for it (jurisdiction, file, sha256, ...) or move it out.")
    return docs


def load_errata(raw_dir: Path, documents: list[Document]) -> dict[str, list[Erratum]]:
    """Read ``errata.csv`` (optional) and group its rows by file."""
    path = Path(raw_dir) / ERRATA_NAME
    out: dict[str, list[Erratum]] = {d.file: [] for d in documents}
    if not path.is_file():
        return out
    for line, row in _read_csv(path, ERRATA_COLUMNS):
        if row["file"] not in out:
            raise BuildError(f"{path}, line {line}: file {row['file']!r} is not in the manifest.")
        if row["action"] not in ERRATA_ACTIONS:
            raise BuildError(f"{path}, line {line}: action must be one of {sorted(ERRATA_ACTIONS)}.")
        if not row["corrupted"] or not row["reason"]:
            raise BuildError(f"{path}, line {line}: 'corrupted' and 'reason' must not be empty.")
        out[row["file"]].append(Erratum(row["file"], row["action"], row["corrupted"], row["replacement"],
                                        row["reason"], line))
    return out
