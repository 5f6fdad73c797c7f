"""Writing files: deterministic bytes, atomic replacement, and never over a file the package did not write.

Every table is written with a fixed column order, sorted rows, ``\\n`` line
endings and UTF-8 without BOM, so the same inputs give the same bytes; a file
that would not change is not rewritten.  How a whole output folder is staged
and installed is :mod:`analysis.pipeline.output`.

Single files a command writes at a path the user names (``kwic --out``,
``export-qdpx --out``, ``import-qdpx --csv``, ``bench --out``) go through
:func:`write_owned`:

- the name must end in the command's extension (``.csv``, ``.qdpx``, ``.json``);
- an existing file is replaced only if the package wrote it and nobody changed it since: beside each
  such file the package keeps a *sidecar* ``.<name>.analysis.json`` holding the file's SHA-256 (the
  single-file counterpart of the build's ``.analysis-build.json``); a file without a sidecar, or whose
  content no longer has the recorded SHA-256, is refused unless the caller passes ``force`` (``--force``);
- a folder, or anything that is not a regular file, is never replaced, even with ``force``;
- the bytes go to a temporary file beside the target (``.<name>.<random>.tmp``), are flushed to disk
  and renamed over the target, so a reader sees the old file or the new one, never half of one; on any
  failure (no space, no permission, Ctrl-C) the temporary file is removed, folders the write created
  are removed again, and the target is as it was.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from analysis.errors import BuildError

#: Suffix of the sidecar that proves the package wrote a single file (``.<name>.analysis.json``).
SIDECAR_SUFFIX = ".analysis.json"
_CHUNK = 1 << 20


def sha256(data: bytes) -> str:
    """The SHA-256 of *data*, as 64 lowercase hexadecimal digits (the one hash of the package).

    Parameters
    ----------
    data : bytes

    Returns
    -------
    str
    """
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of the file at *path* (read in blocks), as :func:`sha256` gives it for its bytes.

    Parameters
    ----------
    path : Path or str

    Returns
    -------
    str
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(df: pd.DataFrame, path: Path, float_format: str = "%.6g") -> None:
    """Write *df* as UTF-8 CSV with ``\\n`` endings and no index (inside a staging folder of the build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format=float_format)


def csv_bytes(df: pd.DataFrame, float_format: str = "%.6g") -> bytes:
    """*df* as the bytes :func:`write_csv` writes.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    float_format : str
        How floats are printed.

    Returns
    -------
    bytes
        UTF-8 CSV with ``\\n`` line endings and no index.
    """
    return df.to_csv(index=False, lineterminator="\n", float_format=float_format).encode("utf-8")


def _missing_parents(folder: Path) -> list[Path]:
    """The folders of *folder*'s path that do not exist yet, outermost first."""
    missing = []
    p = folder
    while not p.exists() and not p.is_symlink() and p != p.parent:
        missing.append(p)
        p = p.parent
    return missing[::-1]


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _atomic_replace(path: Path, data: bytes) -> None:
    """Write *data* to a fresh temporary file beside *path*, flush it to disk and rename it over *path*.

    On any failure (also Ctrl-C) the temporary file is removed and *path* is untouched.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view[:_CHUNK])
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace *path* with *data* unless it already holds exactly these bytes; True if written.

    The file is written to a hidden temporary file next to it and renamed, so a
    reader never sees half a file, and an unchanged file keeps its
    modification time.  Nothing is left behind when the write fails.
    """
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_replace(path, data)
    return True


def write_text(text: str, path: Path) -> None:
    """Write *text* as UTF-8 with ``\\n`` line endings (inside a staging folder of the build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# ------------------------------------------------------------------------------------------------ owned files
def sidecar(path: Path | str) -> Path:
    """The sidecar of *path* (``.<name>.analysis.json`` beside it) that records what the package wrote there.

    Parameters
    ----------
    path : path
        A file the package writes.

    Returns
    -------
    Path
        Its sidecar (which may not exist).
    """
    path = Path(path)
    return path.with_name(f".{path.name}{SIDECAR_SUFFIX}")


def _recorded_sha(path: Path) -> str | None:
    """SHA-256 the sidecar of *path* records, or None without a readable sidecar of ours."""
    side = sidecar(path)
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        sha, name = data["sha256"], data["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return sha if isinstance(sha, str) and name == path.name else None


def is_owned(path: Path | str) -> bool:
    """True if the package wrote *path* and its bytes are still those it wrote (its sidecar says so).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    bool
        False for a missing file, a symbolic link, a file without a readable sidecar or with other bytes.
    """
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return False
    sha = _recorded_sha(path)
    return sha is not None and sha == file_sha256(path)


def check_writable(path: Path | str, *, suffixes: Iterable[str], force: bool = False, option: str = "--out",
                   embedded: Callable[[Path], bool] | None = None) -> Path:
    """Refuse (``BuildError``) a path :func:`write_owned` may not write; returns it as a Path.

    Call it before a long computation, so a refusal comes first.  Refused: a name without one of
    *suffixes* (compared without regard to case); a folder or any other non-file at the path; an
    existing file (or symbolic link) without proof that the package wrote it, unless *force*.  The proof is
    the sidecar (:func:`is_owned`) or, for a format that can carry one, *embedded*: a test of the file's
    content (the ``reproduce`` line of a benchmark's JSON).

    Parameters
    ----------
    path : path
        The file to write.
    suffixes : iterable of str
        Extensions it may have.
    force : bool
        Replace an existing file the package did not write.
    option : str
        The option that named it, for messages.
    embedded : callable, optional
        ``embedded(path)`` is True when the file's content shows that the package wrote it.

    Returns
    -------
    Path
        *path*.
    """
    path = Path(path)
    suffixes = tuple(suffixes)
    if not path.name.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise BuildError(f"{path}: {option} writes a {' or '.join(suffixes)} file; give a name ending in "
                         f"{' or '.join(suffixes)} (nothing was written).")
    if path.is_dir() and not path.is_symlink():
        raise BuildError(f"{path}: {option} names a folder; give the path of a file inside it (nothing was changed).")
    if path.exists() and not path.is_symlink() and not path.is_file():
        raise BuildError(f"{path}: {option} names something that is not a regular file (a device or pipe?); "
                         "give the path of a file (nothing was changed).")
    if (path.exists() or path.is_symlink()) and not force and not is_owned(path) and not (
            embedded is not None and path.is_file() and not path.is_symlink() and _safe(embedded, path)):
        why = ("is a symbolic link" if path.is_symlink() else
               "has changed since the package wrote it" if _recorded_sha(path) is not None else
               f"was not written by this package (it has no {sidecar(path).name} beside it)")
        raise BuildError(f"{path}: the file exists and {why}; refusing to overwrite it. Choose another "
                         f"{option}, move the file away, or pass --force to replace it (nothing was changed).")
    return path


def _safe(test: Callable[[Path], bool], path: Path) -> bool:
    try:
        return bool(test(path))
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def write_owned(path: Path | str, data: bytes, *, written_by: str, suffixes: Iterable[str], force: bool = False,
                option: str = "--out", embedded: Callable[[Path], bool] | None = None) -> bool:
    """Write *data* to *path* atomically, and record in its sidecar that the package wrote it.

    Parameters
    ----------
    path : path
        The file to write; missing parent folders are created (and removed again if the write fails).
    data : bytes
        Its whole content.
    written_by : str
        The command, recorded in the sidecar (``python -m analysis kwic``).
    suffixes : iterable of str
        Extensions the file may have (``(".csv",)``).
    force : bool
        Replace an existing file the package did not write (never a folder).
    option : str
        The command-line option that named the path, for messages.
    embedded : callable, optional
        A test of an existing file's content that proves the package wrote it (see :func:`check_writable`).

    Returns
    -------
    bool
        True if the file was written, False if it already held exactly *data* (it is then left as it is).

    Raises
    ------
    BuildError
        The path is refused (see :func:`check_writable`).
    OSError
        The write failed (no space, no permission); nothing was changed and nothing is left behind.
    """
    path = check_writable(path, suffixes=suffixes, force=force, option=option, embedded=embedded)
    if path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False  # nothing would change
    created = _missing_parents(path.parent)
    side = sidecar(path)
    record = json.dumps({"file": path.name, "sha256": sha256(data), "written_by": written_by},
                        indent=1, sort_keys=True).encode("utf-8") + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_replace(path, data)
    except BaseException as exc:
        if isinstance(exc, OSError):
            exc.filename = str(path)  # the file the user named, not the temporary file beside it
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    try:
        _atomic_replace(side, record)
    except BaseException as exc:
        _remove_quietly(side)  # a stale record must never vouch for the new content
        if isinstance(exc, OSError):
            raise BuildError(f"{path} was written, but its record {side.name} could not be ({os_reason(exc)}); a later "
                             "run will refuse to replace the file without --force.") from exc
        raise
    return True


def os_reason(exc: OSError) -> str:
    """What an error of the machine means, in words (``no space left on the disk``).

    Parameters
    ----------
    exc : OSError
        The error.

    Returns
    -------
    str
        The phrase for an ``error:`` message.
    """
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "not allowed to write there"
    return exc.strerror or str(exc)


__all__ = ["write_csv", "csv_bytes", "write_if_changed", "write_text", "write_owned", "check_writable", "is_owned",
           "sidecar", "os_reason", "SIDECAR_SUFFIX"]
