"""Writing single files the package can later prove it wrote (the validation kit's outputs).

The build proves ownership of its output folder with a marker
(:mod:`analysis.pipeline.output`).  Commands that write single files into a
folder the researcher chose -- ``validation-sample`` (the ``.qdpx`` and its
coding manual), ``validation-score`` (the score and confusion tables) -- do the
same, one folder at a time: ``.analysis-files.json`` beside the files lists
each file the package wrote there with its SHA-256.

- An existing file may be replaced only when the marker lists it with the
  SHA-256 it still has: the package wrote it and nobody changed it since.  Any
  other existing file -- somebody else's, or ours edited by hand -- is refused
  with an ``error:`` naming it, unless ``force`` (``--force``).
- A path that is a folder, a symbolic link or another special file is always
  refused.
- Every file is written to a temporary file in the same folder and renamed into
  place, all files after all temporary files are complete; on any failure the
  temporary files are removed, so nothing half-written is left.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from analysis.errors import BuildError

#: The marker file of a folder the package wrote single files into.
MARKER = ".analysis-files.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _marker(folder: Path) -> dict[str, str]:
    """``{file name: sha256}`` of the folder's marker; empty when there is none or it cannot be read."""
    p = folder / MARKER
    try:
        if not p.is_file() or p.is_symlink():
            return {}
        data = json.loads(p.read_text(encoding="utf-8"))
        files = data.get("files", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in files.items() if "/" not in str(k) and "\\" not in str(k)}
    except (OSError, ValueError):
        return {}


def _is_ours(marker: Path) -> bool:
    try:
        if marker.is_symlink() or not marker.is_file():
            return False
        data = json.loads(marker.read_text(encoding="utf-8"))
        return isinstance(data, dict) and data.get("written_by") == "python -m analysis" \
            and isinstance(data.get("files"), dict)
    except (OSError, ValueError):
        return False


def check_writable(targets: list[Path], force: bool = False, option: str = "--out") -> None:
    """Refuse to replace files the package cannot prove it wrote (see the module docstring).

    Parameters
    ----------
    targets : list of Path
        The files about to be written.
    force : bool
        Replace existing regular files whatever wrote them.
    option : str
        The command-line option the paths came from, for the message.

    Raises
    ------
    BuildError
        A target is a folder, a symbolic link or a special file; or it exists, was not written by the package
        (or was changed since) and *force* is false.  Nothing has been written when it is raised.
    """
    foreign = []
    for folder in dict.fromkeys(Path(t).parent for t in targets):
        m = folder / MARKER
        if (m.exists() or m.is_symlink()) and not _is_ours(m):
            raise BuildError(f"{m}: this file has the name of the package's record of the files it wrote, but the "
                             "package did not write it; move it away. Nothing was written.")
    for t in targets:
        t = Path(t)
        if t.is_symlink() or (t.exists() and not t.is_file()):
            kind = "a symbolic link" if t.is_symlink() else ("a folder" if t.is_dir() else "not a regular file")
            raise BuildError(f"{t}: {kind}; {option} names a file to write. Nothing was written.")
        if t.is_file():
            known = _marker(t.parent).get(t.name)
            if known is None or known != _sha(t.read_bytes()):
                foreign.append(t)
    if foreign and not force:
        names = ", ".join(str(p) for p in foreign[:8]) + (f" and {len(foreign) - 8} more" if len(foreign) > 8 else "")
        raise BuildError(f"{names}: already exist{'s' if len(foreign) == 1 else ''} and {'was' if len(foreign) == 1 else 'were'} "
                         f"not written by this package (or changed since; the record is {MARKER} beside the file); "
                         "refusing to overwrite. Choose another path, move the file away, or add --force to replace "
                         "it. Nothing was written.")


def _temp(folder: Path, name: str, data: bytes) -> Path:
    """A new hidden temporary file in *folder* holding *data* (permissions as for any new file: the umask's)."""
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_owned(files: dict[Path, bytes], force: bool = False, option: str = "--out") -> list[Path]:
    """Write *files* atomically after :func:`check_writable`, and record them in each folder's marker.

    Parameters
    ----------
    files : dict of Path to bytes
        What to write.
    force : bool
        See :func:`check_writable`.
    option : str
        The option the paths came from, for messages.

    Returns
    -------
    list of Path
        The files written (a file already holding exactly its bytes is not rewritten but is recorded).

    Raises
    ------
    BuildError
        See :func:`check_writable`; or a folder cannot be written (then nothing was changed).
    """
    targets = [Path(p) for p in files]
    check_writable(targets, force, option)
    temps: list[tuple[Path, Path]] = []
    markers: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for t, data in files.items():
            t = Path(t)
            t.parent.mkdir(parents=True, exist_ok=True)
            if t.is_file() and t.read_bytes() == data:
                continue
            temps.append((_temp(t.parent, t.name, data), t))
        by_folder: dict[Path, dict[str, str]] = {}
        for t, data in files.items():
            t = Path(t)
            by_folder.setdefault(t.parent, _marker(t.parent))[t.name] = _sha(data)
        for folder, recorded in by_folder.items():
            payload = json.dumps({"files": dict(sorted(recorded.items())), "written_by": "python -m analysis"},
                                 indent=1, ensure_ascii=False) + "\n"
            markers.append((_temp(folder, MARKER, payload.encode("utf-8")), folder / MARKER))
        for tmp, t in temps + markers:
            os.replace(tmp, t)
            done.append(t)
    except OSError as exc:
        changed = (", ".join(str(t) for t in done) + " were already replaced") if done else "nothing was changed"
        raise BuildError(f"{exc.filename or next(iter(files), '')}: cannot write ({exc.strerror or exc}); "
                         f"{changed}, and no temporary file was left.") from exc
    finally:
        for tmp, _ in temps + markers:
            tmp.unlink(missing_ok=True)  # a temporary file not renamed into place: removed, whatever happened
    return targets


__all__ = ["check_writable", "write_owned", "MARKER"]
