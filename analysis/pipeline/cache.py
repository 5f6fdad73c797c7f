"""Incremental builds: the per-plan results of a build, kept in its output folder and reused by the next.

The per-document pass (:func:`analysis.pipeline.extract.process_document`) depends only on the plan's
raw file, its manifest row, its errata, the codebook and the code.  A build keeps each plan's result in
``OUT/.analysis-cache/<plan>.json`` under a *key*, the SHA-256 of all of those:

- the raw file's checksum and path, and every other field of its manifest row (level, names, role ...);
- the errata rows for the file;
- the codebook's checksum;
- the package: its version and a checksum of every source file and resource of the installed package
  (a change to the code re-extracts every plan), and the versions of Python and of the libraries the
  pass uses.

The next build into the same folder reuses the result of every plan whose key is unchanged and runs the
pass only for the others (a plan added, or changed); the cross-plan stage always runs on the whole
corpus.  The tables are byte for byte those of a build from scratch (a test checks it), and so is the
cache itself.

The cache is the build's own and stays inside its output folder: it is read only from a folder the
build wrote (it has the build's marker, :data:`analysis.pipeline.output.MARKER`) and only from a cache
folder carrying the build's tag file (:data:`TAG`, the ``CACHEDIR.TAG`` convention, so backup tools skip
it); symbolic links in it are never followed.  It is not listed in the marker: it changes whenever the
code does, while the tables may not.  An entry that cannot be read, or whose checksum or key does not
match, is ignored (that plan is extracted again).  Deleting the folder makes the next build a full one.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import zlib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from analysis import paths
from analysis.errors import BuildError
from analysis.files import file_sha256, sha256
from analysis.pipeline.output import CACHE_DIR, TAG, TAG_TEXT, is_own_cache, read_marker

__all__ = ["CACHE_DIR", "TAG", "PlanCache", "pass_key", "code_fingerprint", "is_own_cache"]

#: Version of the entries' format (part of every key).
FORMAT = 1
#: Libraries whose behaviour the per-document pass depends on (their versions are part of every key).
LIBRARIES = ("numpy", "pandas", "regex", "jieba", "opencc", "pyyaml")


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's version, every source file and resource of the package (paths and
    bytes), Python's version and the versions of :data:`LIBRARIES`.

    Returns
    -------
    str
        64 hexadecimal digits; any change to the code or the environment changes it.
    """
    parts = [f"format {FORMAT}", f"analysis {_version('analysis')}", f"python {platform.python_version()}",
             f"implementation {sys.implementation.name}"]
    parts += [f"{lib} {_version(lib)}" for lib in LIBRARIES]
    root = paths.PACKAGE_DIR
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            parts.append(f"{p.relative_to(root).as_posix()} {file_sha256(p)}")
    return sha256("\n".join(parts).encode("utf-8"))


def pass_key(doc, errata: list, codebook_sha: str) -> str:
    """The key of one plan's per-document pass.

    Parameters
    ----------
    doc : Document
        Its manifest row (:class:`analysis.corpus.manifest.Document`), its path included; the file's
        checksum is ``doc.sha256``, which the manifest reading has checked against the file.
    errata : list
        The errata rows for its file (:class:`analysis.corpus.manifest.Erratum`).
    codebook_sha : str
        The SHA-256 of the codebook file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    # the path too: the pass writes it into messages (a moved raw folder is extracted again)
    row = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(doc).items()}
    data = {"code": code_fingerprint(), "codebook": codebook_sha, "document": row,
            "errata": [{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(e).items()} for e in errata]}
    return sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))


def _encode(jurisdiction: str, key: str, result: dict) -> bytes | None:
    """The entry of one plan's result, or None when the result does not survive JSON unchanged (then the plan
    is simply not cached)."""
    try:
        payload = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    if json.loads(payload) != result:  # tuples, NaN, non-string keys ...: not stored, never wrong
        return None
    head = json.dumps({"format": FORMAT, "plan": jurisdiction, "key": key,
                       "sha256": sha256(payload.encode("utf-8"))}, sort_keys=True)
    return (head + "\n" + payload + "\n").encode("utf-8")


def _decode(data: bytes, jurisdiction: str, key: str) -> dict | None:
    try:
        head, payload = data.decode("utf-8").split("\n", 1)
        meta = json.loads(head)
        payload = payload[:-1] if payload.endswith("\n") else payload
        if meta != {"format": FORMAT, "plan": jurisdiction, "key": key, "sha256": sha256(payload.encode("utf-8"))}:
            return None
        result = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return None
    return result if isinstance(result, dict) else None


class PlanCache:
    """The per-plan results an earlier build left in *out* (read on demand), and those of this build.

    Parameters
    ----------
    out : Path or None
        The output folder of the build; its cache is read only if the folder holds the build's marker
        and a tagged cache folder (None: nothing is read).
    """

    def __init__(self, out: Path | None = None) -> None:
        self.folder = None
        if out is not None:
            try:
                ours = read_marker(Path(out)) is not None
            except (BuildError, OSError):
                ours = False  # the build refuses the folder later, saying why
            if ours and is_own_cache(Path(out) / CACHE_DIR):
                self.folder = Path(out) / CACHE_DIR
        #: Entries of this build: plan -> its bytes, compressed while they wait in memory (a corpus's entries
        #: hold every table of every plan; :meth:`write` writes them uncompressed and lets them go).
        self.entries: dict[str, bytes] = {}
        #: The plans whose result came from the cache, in the order asked.
        self.reused: list[str] = []

    def get(self, jurisdiction: str, key: str) -> dict | None:
        """The cached result of *jurisdiction* under *key* (None: not there, or not usable)."""
        if self.folder is None:
            return None
        path = self.folder / f"{jurisdiction}.json"
        try:
            if path.is_symlink() or not path.is_file():
                return None
            data = path.read_bytes()
        except OSError:
            return None
        result = _decode(data, jurisdiction, key)
        if result is not None:
            self.entries[jurisdiction] = zlib.compress(data, 1)
            self.reused.append(jurisdiction)
        return result

    def put(self, jurisdiction: str, key: str, result: dict) -> None:
        """Keep this build's *result* of *jurisdiction* for :meth:`write`."""
        data = _encode(jurisdiction, key, result)
        if data is not None:
            self.entries[jurisdiction] = zlib.compress(data, 1)

    def write(self, stage: Path) -> None:
        """Write this build's entries (and the tag) into *stage*'s cache folder; they are let go afterwards."""
        folder = Path(stage) / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / TAG).write_text(TAG_TEXT, encoding="utf-8")
        for j, data in sorted(self.entries.items()):
            tmp = folder / f".{j}.json.tmp"
            tmp.write_bytes(zlib.decompress(data))
            os.replace(tmp, folder / f"{j}.json")
        self.entries = {}
