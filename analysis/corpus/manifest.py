"""The raw corpus: its manifest, checksums and errata.

A corpus folder holds plan texts, ``manifest.csv`` (one row per text) and,
optionally, ``errata.csv`` (reviewed repairs of damaged spans).  The build reads
only files listed in the manifest and refuses to run when a file and its row
disagree, so a researcher always knows exactly which bytes were analysed.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from analysis.paths import ERRATA_NAME, MANIFEST_NAME
from analysis.corpus import levels
from analysis.errors import BuildError
from analysis.files import file_sha256

#: Columns every manifest row fills.
REQUIRED_COLUMNS = ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"]
#: Columns a manifest may add for a corpus design; they pass into ``documents.csv``.
OPTIONAL_COLUMNS = ["province", "source_url", "retrieved", "genre", "framework", "role"]
MANIFEST_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
#: ``plan``: a plan to analyse; ``reference``: a source document (a national outline, a provincial plan) that
#: text reuse compares the plans with, but that no comparison of plans counts.
ROLES = ("plan", "reference")
ERRATA_COLUMNS = ["file", "action", "corrupted", "replacement", "reason"]
ERRATA_ACTIONS = {"fix", "accept"}
#: Files in a corpus folder that are not plan texts.
SIDE_FILES = {MANIFEST_NAME, ERRATA_NAME, "README.md", "README.txt", ".gitkeep"}
#: A plan's id: ASCII lower-case letters, digits and ``_``, starting with a letter or digit.
ID_RE = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")  # at most 64 characters: ids name files of the build
#: Characters no manifest or errata cell may hold (C0 controls but tab, DEL, C1 controls, line separators).
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
#: Leading characters a spreadsheet runs as a formula: text cells may not start with them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text cells checked for formulas (ids, files, hashes, levels and dates have stricter rules of their own).
TEXT_CELLS = ("name_zh", "name_en", "province", "source_url", "genre", "framework")
#: At most this many problems are listed in one message.
MAX_PROBLEMS = 40


@dataclass(frozen=True)
class Document:
    """One manifest row, with the path of its file (inside the raw folder)."""

    jurisdiction: str
    file: str
    sha256: str
    name_zh: str
    name_en: str
    level: str
    province: str
    path: Path
    source_url: str = ""
    retrieved: str = ""
    genre: str = ""
    framework: str = ""
    role: str = "plan"


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


#: The SHA-256 of a file (:func:`analysis.files.file_sha256`), under the name this module has exported.
sha256_of = file_sha256


class Problems:
    """Problems of one file, collected row by row and raised together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, line: int | None, message: str) -> None:
        """Note one problem.

        Parameters
        ----------
        line : int or None
            The file's line the problem is on (shown as ``line N:``); None for a problem of the whole file.
        message : str
            What is wrong and what to do.

        Returns
        -------
        None
        """
        self.items.append(f"line {line}: {message}" if line else message)

    def raise_if_any(self, what: str = "") -> None:
        """Raise one :class:`BuildError` listing every problem noted (at most :data:`MAX_PROBLEMS`), if any.

        Parameters
        ----------
        what : str, default ""
            Words added after the count in the message (e.g. `` in its columns``).

        Returns
        -------
        None

        Raises
        ------
        BuildError
            Naming the file, the number of problems and each of them.
        """
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        n = len(self.items)
        lines = "\n".join(f"  - {m}" for m in shown) + (f"\n  - … and {more} more" if more else "")
        raise BuildError(f"{self.path}: {n} problem{'s' if n > 1 else ''}{what}:\n{lines}")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _read_csv(path: Path, columns: list[str], optional: list[str] | None = None,
              problems: Problems | None = None) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows ``(line, {column: cell})`` of a UTF-8 CSV file in a raw folder.

    Refuses, naming the line: a file that is not UTF-8, NUL bytes, a header
    without a required column (with a hint when the file looks ``;``- or
    tab-separated), a row whose number of cells differs from the header's,
    an unterminated quote, and a cell longer than the CSV module's limit.
    """
    problems = problems or Problems(path)
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BuildError(f"{path}: byte {nul} is a NUL byte; this is not a text CSV file. Save it as UTF-8 CSV.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 (byte {exc.start}, 0x{data[exc.start]:02x}); save it as UTF-8 CSV.") \
            from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, [])
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if reader.line_num != start and any("\n" in c or "\r" in c for c in cells):
                problems.add(start, "a quoted cell runs over several lines (an unterminated quote?); close the "
                                    "quote or remove it")
            rows.append((start, cells))
    except csv.Error as exc:
        hint = ("an unterminated quote" if "unexpected end" in str(exc) or "EOF" in str(exc)
                else "a cell over the CSV limit of 131,072 characters" if "field larger" in str(exc) else str(exc))
        raise BuildError(f"{path}, line {reader.line_num}: cannot read the CSV ({hint}). Fix that line.") from None
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        hint = ""
        if ";" in first and "," not in first:
            hint = " The header is separated by ';': save the file as comma-separated CSV."
        elif "\t" in first and "," not in first:
            hint = " The header is separated by tabs: save the file as comma-separated CSV."
        raise BuildError(f"{path}: header lacks column(s) {', '.join(missing)}; expected {', '.join(columns)}"
                         f"{' (optional: ' + ', '.join(optional) + ')' if optional else ''}.{hint}")
    known = set(columns) | set(optional or [])
    unknown = [h for h in header if h and h not in known]
    if unknown:
        problems.add(1, f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}"
                        f"{', ' + ', '.join(optional) if optional else ''}")
    out = []
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            hint = " (a ';'-separated row?)" if len(cells) == 1 and ";" in cells[0] else \
                " (an unquoted comma inside a cell? quote the cell)" if len(cells) > len(header) else ""
            problems.add(line, f"{len(cells)} cells, but the header has {len(header)}{hint}")
            continue
        for h, c in zip(header, cells):
            m = CONTROL_RE.search(c)
            if m:
                problems.add(line, f"column {h} holds the control character U+{ord(m.group(0)):04X}; remove it")
        out.append((line, {h: c.strip() for h, c in zip(header, cells) if h}))
    return header, out


def load_manifest(raw_dir: Path, verify: bool = True) -> list[Document]:
    """Read ``manifest.csv`` of *raw_dir* and check it against the folder.

    Every problem is reported at once, row by row, in one ``BuildError``:
    missing or malformed cells; ids that are not ASCII lower-case letters,
    digits and ``_``; unknown levels or roles; control characters; text cells
    a spreadsheet would run as formulas (``= + - @``); ``file`` entries that are
    not plain names of files inside the raw folder (no separators, ``..``,
    absolute paths, hidden names, or symbolic links that lead out of it); the
    same plan or file listed twice (names compared after Unicode NFC
    normalisation, files by their resolved path and by inode, so a hard link
    is the same file); two rows with the same text (sha256); missing files; wrong
    checksums; files in the folder that no row lists; file names that differ only in
    letter case or only in Unicode normalisation (they collide on Windows and
    macOS).  A row finds its file in either normalisation (macOS writes names in
    NFD, a manifest typed elsewhere holds NFC).  Nothing outside the raw folder is
    ever opened or hashed.

    Parameters
    ----------
    raw_dir : path
        The raw folder: ``manifest.csv`` and the files it lists.
    verify : bool, default True
        Check each file's sha256 against the manifest's; False skips hashing the files.

    Returns
    -------
    list of Document
        One per manifest row, in manifest order, with the path of its file.

    Raises
    ------
    BuildError
        Listing every problem found, row by row.
    """
    raw_dir = Path(raw_dir)
    manifest = raw_dir / MANIFEST_NAME
    if not raw_dir.is_dir():
        raise BuildError(f"{raw_dir}: no such folder. Point --raw at the folder holding the plans and "
                         f"{MANIFEST_NAME}.")
    if not manifest.is_file():
        raise BuildError(f"{manifest}: no manifest. Every raw folder needs {MANIFEST_NAME} with columns "
                         f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)}); see docs/corpus.md.")
    if manifest.is_symlink() and not _inside(manifest, raw_dir):
        raise BuildError(f"{manifest}: a symbolic link out of the raw folder; the build reads only that folder.")
    problems = Problems(manifest)
    _, rows = _read_csv(manifest, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, problems)
    if not rows:
        problems.add(None, "the manifest lists no document")
    docs: list[Document] = []
    seen_j: dict[str, int] = {}
    seen_f: dict[str, int] = {}
    seen_path: dict[Path, int] = {}
    seen_inode: dict[tuple[int, int], int] = {}
    seen_sha: dict[str, tuple[int, str]] = {}
    root = raw_dir.resolve()
    for line, row in rows:
        empty = [c for c in REQUIRED_COLUMNS if not row.get(c)]
        if empty:
            problems.add(line, f"empty {', '.join(empty)}")
        j = unicodedata.normalize("NFC", row.get("jurisdiction", ""))
        f = unicodedata.normalize("NFC", row.get("file", ""))
        if j and not ID_RE.fullmatch(j):
            problems.add(line, f"jurisdiction {j[:80]!r}: an id is ASCII lower-case letters, digits and _, at "
                               "most 64 characters (e.g. zhifu, inner_mongolia, county_2008)")
        elif j in seen_j:
            problems.add(line, f"jurisdiction {j!r} is listed twice (also line {seen_j[j]}); each plan needs its "
                               "own id")
        elif j:
            seen_j[j] = line
        for col in TEXT_CELLS:
            v = row.get(col, "")
            if v.startswith(FORMULA_START):
                problems.add(line, f"column {col} starts with {v[0]!r}, which a spreadsheet would run as a formula; "
                                   "remove the leading character")
        lv = levels.level(row.get("level", "")) if row.get("level") else None
        if row.get("level") and lv is None:
            problems.add(line, f"level {row['level']!r} is not one of: {levels.describe()}")
        role = row.get("role", "") or "plan"
        if role not in ROLES:
            problems.add(line, f"role {role!r} is not one of {', '.join(ROLES)}")
        retrieved = row.get("retrieved", "")
        if retrieved and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", retrieved):
            problems.add(line, f"retrieved {retrieved!r}: write the date as YYYY-MM-DD")
        url = row.get("source_url", "")
        if url and not re.match(r"https?://", url):
            problems.add(line, f"source_url {url!r}: an http:// or https:// address")
        sha = row.get("sha256", "").lower()
        if sha and not re.fullmatch(r"[0-9a-f]{64}", sha):
            problems.add(line, "sha256 is not 64 hexadecimal digits")
        path = _checked_file(raw_dir, root, f, line, problems) if f else None
        if path is not None:
            key = path.resolve()
            st = path.stat()
            inode = (st.st_dev, st.st_ino)
            if f in seen_f or key in seen_path:
                other = seen_f.get(f) or seen_path.get(key)
                problems.add(line, f"file {f!r} is listed twice (also line {other}); each file is one plan")
                path = None
            elif inode in seen_inode:
                problems.add(line, f"file {f!r} is the same file as line {seen_inode[inode]} (a hard link): the same "
                                   "text under two ids would be counted twice; remove one of the rows")
                seen_f[f] = line  # listed, though refused
                path = None
            else:
                seen_f[f], seen_path[key], seen_inode[inode] = line, line, line
        if path is not None and re.fullmatch(r"[0-9a-f]{64}", sha):
            if sha in seen_sha:
                problems.add(line, f"{f}: the same text (sha256) as line {seen_sha[sha][0]} ({seen_sha[sha][1]}): "
                                   "one document under two ids would be counted twice; remove one of the rows")
                path = None
            else:
                seen_sha[sha] = (line, f)
        if path is not None and verify and re.fullmatch(r"[0-9a-f]{64}", sha):
            actual = sha256_of(path)
            if actual != sha:
                problems.add(line, f"{f}: sha256 is {actual} but the manifest says {sha}. Raw files are never "
                                   "edited: restore the original, or, for a new version of the document, update "
                                   "its row deliberately")
        if path is not None and j and lv is not None and not empty and role in ROLES:
            docs.append(Document(j, f, sha, row["name_zh"], row["name_en"], lv.id, row.get("province", ""), path,
                                 url, retrieved, row.get("genre", ""), row.get("framework", ""), role))
    _portable_names(raw_dir, problems)
    listed = {unicodedata.normalize("NFC", name) for name in seen_f}
    for p in sorted(raw_dir.iterdir()):
        name = unicodedata.normalize("NFC", p.name)
        if name in listed or name in SIDE_FILES or name.startswith("."):
            continue
        if p.is_file() or p.is_symlink():
            problems.add(None, f"{p.name}: this file is in the raw folder but has no row in {MANIFEST_NAME}; add a "
                               "row for it (jurisdiction, file, sha256, …) or move it out")
    problems.raise_if_any()
    if not any(d.role == "plan" for d in docs):
        raise BuildError(f"{manifest}: every row has role 'reference'; at least one row must be a plan.")
    return docs


def _checked_file(raw_dir: Path, root: Path, name: str, line: int, problems: Problems) -> Path | None:
    """The path of manifest entry *name*, or None after recording why it is refused."""
    if ("/" in name or "\\" in name or name in (".", "..") or os.path.isabs(name) or name.startswith(".")
            or ":" in name):
        problems.add(line, f"file {name!r}: write a plain file name inside the raw folder (no folders, '..', "
                           "absolute paths or hidden names)")
        return None
    path = raw_dir / name
    if not path.exists() and not path.is_symlink():
        path = _same_name_on_disk(raw_dir, name) or path
    if path.is_symlink():
        target = path.resolve()
        if not _inside(target, root) or target.parent != root:
            problems.add(line, f"file {name!r} is a symbolic link that leads out of the raw folder; copy the plan "
                               "into the folder instead")
            return None
    if not path.exists():
        like = _case_variants(raw_dir, name)
        hint = (f" (the folder has {', '.join(repr(x) for x in like)}, which differs only in letter case: names "
                "that differ only in case collide on Windows and macOS; make the row and the file name agree)"
                if like else "")
        problems.add(line, f"{name}: listed but missing from {raw_dir}; restore the file or remove its row{hint}")
        return None
    if not path.is_file():
        problems.add(line, f"{name}: not a regular file")
        return None
    return path


def _same_name_on_disk(raw_dir: Path, name: str) -> Path | None:
    """The one entry of *raw_dir* whose name is *name* in another Unicode normalisation (macOS writes NFD)."""
    want = unicodedata.normalize("NFC", name)
    try:
        found = [p for p in raw_dir.iterdir() if p.name != name and unicodedata.normalize("NFC", p.name) == want]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def _case_variants(raw_dir: Path, name: str) -> list[str]:
    """Names in *raw_dir* equal to *name* but for letter case (and Unicode normalisation)."""
    want = unicodedata.normalize("NFC", name).casefold()
    try:
        return sorted(p.name for p in raw_dir.iterdir()
                      if p.name != name and unicodedata.normalize("NFC", p.name).casefold() == want)
    except OSError:
        return []


def _portable_names(raw_dir: Path, problems: Problems) -> None:
    """Report plan files whose names collide where names are compared without regard to case (Windows,
    macOS) or to Unicode normalisation (macOS): the corpus could not be copied there intact."""
    by_form: dict[str, list[str]] = {}
    by_case: dict[str, list[str]] = {}
    for p in sorted(raw_dir.iterdir()):
        if p.name.startswith("."):
            continue
        nfc = unicodedata.normalize("NFC", p.name)
        by_form.setdefault(nfc, []).append(p.name)
        by_case.setdefault(nfc.casefold(), []).append(nfc)
    for names in by_form.values():
        if len(names) > 1:
            problems.add(None, f"the files {' and '.join(repr(n) for n in names)} have the same name in different "
                               "Unicode normalisations (NFC and NFD); macOS treats them as one file. Keep one "
                               "(its row names it either way)")
    for names in by_case.values():
        distinct = sorted(set(names))
        if len(distinct) > 1:
            problems.add(None, f"the files {' and '.join(repr(n) for n in distinct)} differ only in letter case; "
                               "they collide on Windows and macOS, so the corpus cannot be copied there intact. "
                               "Rename one of them (and its row)")


def load_errata(raw_dir: Path, documents: list[Document]) -> dict[str, list[Erratum]]:
    """Read ``errata.csv`` (optional) and group its rows by file; every problem is reported at once.

    Parameters
    ----------
    raw_dir : path
        The raw folder; ``errata.csv`` in it is read if present.
    documents : list of Document
        The manifest's documents (:func:`load_manifest`); an erratum must name one of their files.

    Returns
    -------
    dict of str to list of Erratum
        ``{file: errata}`` for every document's file, in the file's row order; empty lists without an errata file.

    Raises
    ------
    BuildError
        Listing every problem of ``errata.csv`` (unknown file, unknown action, empty cells).
    """
    path = Path(raw_dir) / ERRATA_NAME
    out: dict[str, list[Erratum]] = {d.file: [] for d in documents}
    if not path.is_file():
        return out
    if path.is_symlink() and not _inside(path, Path(raw_dir)):
        raise BuildError(f"{path}: a symbolic link out of the raw folder; the build reads only that folder.")
    problems = Problems(path)
    _, rows = _read_csv(path, ERRATA_COLUMNS, None, problems)
    for line, row in rows:
        f = unicodedata.normalize("NFC", row["file"])
        ok = True
        if f not in out:
            problems.add(line, f"file {row['file']!r} is not in the manifest")
            ok = False
        if row["action"] not in ERRATA_ACTIONS:
            problems.add(line, f"action {row['action']!r} must be one of {', '.join(sorted(ERRATA_ACTIONS))}")
            ok = False
        if not row["corrupted"] or not row["reason"]:
            problems.add(line, "'corrupted' and 'reason' must not be empty")
            ok = False
        if ok:
            out[f].append(Erratum(f, row["action"], row["corrupted"], row["replacement"], row["reason"], line))
    problems.raise_if_any()
    return out
