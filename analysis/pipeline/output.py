"""The output folder: written whole or not at all, and never losing a file the build did not write.

A build writes into a fresh *staging* folder next to its output folder and
installs it only once every file is written, so a failing or interrupted
build leaves the previous output exactly as it was.

The output folder carries a marker, :data:`MARKER` (``.analysis-build.json``):
the files the build wrote, with their SHA-256.  A build replaces only a folder
with that marker, and only the files listed in it:

- an existing folder without the marker, or holding files the marker does not
  list, is refused with a message naming them -- unless the user asks to keep
  them (``keep_other_files``), in which case the build's files are installed
  one by one and the others are left untouched;
- a listed file whose content changed since the build wrote it (edited by
  hand) is refused too: delete or move it to let the build rewrite it;
- files of an earlier build that this build does not write but is asked to
  keep (``carry``: the cross-plan tables when only the per-plan tables are
  rebuilt) stay, unchanged, and stay listed;
- the raw folder and the output folder may not contain one another.

Staging folders carry an owner file (process id, its start time, the host
and the target).  SIGTERM and SIGINT remove the staging folder on the way out;
after a ``kill -9`` the next build removes staging folders it can prove are its
own (same target, same host) and dead (the process is gone, or the pid now
belongs to a process started at another time).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from analysis.errors import BuildError
from analysis.files import file_sha256

MARKER = ".analysis-build.json"
OWNER = ".owner.json"
_SHOW = 8
#: The build's cache folder inside its output folder (:mod:`analysis.pipeline.cache`): the build's own, but not
#: listed in the marker; recognised by its tag file.
CACHE_DIR = ".analysis-cache"
#: The cache folder's tag file (https://bford.info/cachedir/; backup tools skip a folder holding it).
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# The per-plan cache of `python -m analysis build` (analysis.pipeline.cache); safe to delete.\n")


def is_own_cache(folder: Path) -> bool:
    """*folder* is a cache folder the build wrote: a real folder (not a link) holding the tag file.

    Parameters
    ----------
    folder : Path

    Returns
    -------
    bool
    """
    folder = Path(folder)
    tag = folder / TAG
    try:
        return (folder.is_dir() and not folder.is_symlink() and tag.is_file() and not tag.is_symlink()
                and tag.read_text(encoding="utf-8") == TAG_TEXT)
    except (OSError, UnicodeDecodeError):
        return False


_sha = file_sha256


def _walk(folder: Path):
    """Every path under *folder*, but the build's own cache folder (:data:`CACHE_DIR`, tagged) at its top."""
    folder = Path(folder)
    own = folder / CACHE_DIR if is_own_cache(folder / CACHE_DIR) else None
    for p in folder.rglob("*"):
        if own is not None and (p == own or own in p.parents):
            continue
        yield p


def _files(folder: Path) -> list[str]:
    """Relative POSIX paths of every file (and symlink) under *folder*, sorted (the build's cache aside)."""
    return sorted(p.relative_to(folder).as_posix() for p in _walk(folder) if p.is_file() or p.is_symlink())


def _empty_dirs(folder: Path) -> list[str]:
    """Relative POSIX paths, ending in ``/``, of the empty folders under *folder* (never written by the build)."""
    return sorted(p.relative_to(folder).as_posix() + "/" for p in _walk(folder)
                  if p.is_dir() and not p.is_symlink() and not any(p.iterdir()))


def read_marker(folder: Path) -> dict[str, str] | None:
    """``{relative path: sha256}`` of the files the build wrote into *folder*, or None without a marker."""
    path = Path(folder) / MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError
        listed = {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BuildError(f"{path}: the build's marker is damaged; if this is an earlier output, delete the folder "
                         "and build again.") from None
    bad = [k for k in listed if not _inside(Path(folder), k)]
    if bad:
        raise BuildError(f"{path}: the marker lists {len(bad)} path(s) outside its folder ({', '.join(bad[:3])}); "
                         "the build never writes such a marker, so it will not touch this folder. Check where the "
                         "marker came from, or choose another --out.")
    return listed


def _inside(folder: Path, rel: str) -> bool:
    """*rel* is a plain relative path that stays inside *folder* (no ``..``, not absolute, no symlink out)."""
    pure = Path(rel)
    if not rel or pure.is_absolute() or "\\" in rel or any(part in ("..", "") for part in rel.split("/")):
        return False
    base = folder.resolve()
    return _contains(base, (base / pure).resolve())


def write_marker(folder: Path) -> dict[str, str]:
    """List every file of *folder* (but the marker) with its SHA-256 in the marker; returns the listing."""
    folder = Path(folder)
    files = {f: _sha(folder / f) for f in _files(folder) if f != MARKER}
    text = json.dumps({"written_by": "python -m analysis build", "files": files}, indent=1, sort_keys=True,
                      ensure_ascii=False) + "\n"
    (folder / MARKER).write_text(text, encoding="utf-8")
    return files


def _contains(a: Path, b: Path) -> bool:
    try:
        b.relative_to(a)
        return True
    except ValueError:
        return False


def check_target(target: Path, raw_dir: Path | None = None, keep_other_files: bool = False) -> list[str]:
    """Refuse (``BuildError``) an output folder the build may not replace; returns the files it may not touch."""
    target = Path(target).resolve()
    if raw_dir is not None:
        raw = Path(raw_dir).resolve()
        if _contains(target, raw) or _contains(raw, target):
            raise BuildError(f"{target}: the output folder and the raw folder ({raw}) may not contain one another; "
                             "choose an output folder outside the raw folder (and vice versa).")
    if target.exists() and not target.is_dir():
        raise BuildError(f"{target}: --out names a file, not a folder; choose a new or empty folder.")
    if not target.exists() or not any(target.iterdir()):
        return []
    listed = read_marker(target)
    # files, and the empty folders someone made here (a replaced folder would lose them): "mydir/"
    present = _files(target) + _empty_dirs(target)
    if listed is None:
        if keep_other_files:
            return [f for f in present]
        shown = ", ".join(present[:_SHOW]) + (" …" if len(present) > _SHOW else "")
        raise BuildError(f"{target}: this folder is not empty ({shown}) and was not written by the build (it has no "
                         f"{MARKER}); refusing to write into it. Choose a new or empty folder for --out, or pass "
                         "--keep-other-files to add the build's files and leave the others untouched. (An output of an older "
                         "version of this package has no marker either: delete that folder and build again.)")
    other = [f for f in present if f != MARKER and f not in listed]
    changed = [f for f in present if f in listed and _sha(target / f) != listed[f]]
    if changed:
        shown = ", ".join(changed[:_SHOW]) + (" …" if len(changed) > _SHOW else "")
        raise BuildError(f"{target}: {len(changed)} file(s) changed since the build wrote them ({shown}); the build "
                         "would overwrite them. Move them elsewhere (or delete them) and build again.")
    if other and not keep_other_files:
        shown = ", ".join(other[:_SHOW]) + (" …" if len(other) > _SHOW else "")
        raise BuildError(f"{target}: {len(other)} file(s) or folder(s) here were not written by the build ({shown}); "
                         "refusing to replace the folder. Move them elsewhere, or pass --keep-other-files to leave them "
                         "untouched.")
    return other


def _start_time(pid: int) -> str | None:
    """The start time of process *pid* (clock ticks since boot, from /proc), or None if it is not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return "?"
        return "?"


def _owner() -> dict:
    return {"pid": os.getpid(), "start": _start_time(os.getpid()), "host": socket.gethostname()}


def remove_stale_stages(target: Path) -> list[Path]:
    """Remove staging folders of *target* left by builds that died (see module docstring); returns them."""
    target = Path(target).resolve()
    removed = []
    if not target.parent.is_dir():
        return removed
    for stage in sorted(target.parent.glob(f".{target.name}.staging-*")):
        owner_file = stage / OWNER
        try:
            owner = json.loads(owner_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not provably ours
        if owner.get("target") != str(target) or owner.get("host") != socket.gethostname():
            continue
        start = _start_time(int(owner.get("pid", -1)))
        if start is not None and (start == "?" or start == owner.get("start")):
            continue  # its build is still running
        shutil.rmtree(stage, ignore_errors=True)
        removed.append(stage)
    return removed


@contextlib.contextmanager
def staged_output(target: Path, raw_dir: Path | None = None, keep_other_files: bool = False,
                  carry: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a fresh staging folder whose files replace the build's files in *target* on success.

    *carry*: files of an earlier build to keep when this build does not write
    them (relative paths).  See the module docstring for what is refused.
    """
    target = Path(target).resolve()
    others = check_target(target, raw_dir, keep_other_files)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(target)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        (stage / OWNER).write_text(json.dumps({**_owner(), "target": str(target)}), encoding="utf-8")
        yield stage
        (stage / OWNER).unlink()
        old = read_marker(target) if target.is_dir() else None
        for rel in carry:
            src = target / rel
            if old and rel in old and src.is_file() and not (stage / rel).exists():
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, stage / rel)
        new = write_marker(stage)
        os.chmod(stage, 0o755)
        if not target.exists():
            os.replace(stage, target)
        elif not others:
            _swap(stage, target, old or {})
        else:
            _install_files(stage, target, new, old or {})
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _swap(stage: Path, target: Path, old: dict[str, str]) -> None:
    """Replace *target* by *stage* in two renames; files that appeared in *target* meanwhile are kept."""
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(backup)
    os.replace(target, backup)
    os.replace(stage, target)
    for rel in _files(backup):
        if rel != MARKER and rel not in old and not (target / rel).exists():  # not ours: put it back
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(backup / rel, target / rel)
    shutil.rmtree(backup, ignore_errors=True)


def _install_files(stage: Path, target: Path, new: dict[str, str], old: dict[str, str]) -> None:
    """Move the build's files into *target* one by one; other files stay as they are.

    A file of the build whose path is taken in *target* by a file the build did
    not write (not in the marker *old*) is never overwritten: the install is
    refused before anything moves.
    """
    taken = [rel for rel in new if rel not in old and ((target / rel).exists() or (target / rel).is_symlink())]
    if taken:
        shown = ", ".join(taken[:_SHOW]) + (" …" if len(taken) > _SHOW else "")
        raise BuildError(f"{target}: {len(taken)} file(s) the build writes already exist here and were not written "
                         f"by it ({shown}); --keep-other-files never overwrites them. Move them elsewhere or choose "
                         "another --out (nothing was changed).")
    for rel in new:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / rel, target / rel)
    for rel in old:
        if rel not in new and (target / rel).is_file():
            (target / rel).unlink()
    _install_cache(stage, target, old)
    os.replace(stage / MARKER, target / MARKER)
    shutil.rmtree(stage, ignore_errors=True)


def _install_cache(stage: Path, target: Path, old: dict[str, str]) -> None:
    """Replace the build's cache folder in *target* by the stage's.  A folder of that name the build did not
    write -- no tag, or in a folder without the build's marker (*old* empty) -- is left alone, and the new
    cache is then dropped."""
    new, cur = stage / CACHE_DIR, target / CACHE_DIR
    if not is_own_cache(new):
        return
    if cur.exists() or cur.is_symlink():
        if not (old and is_own_cache(cur)):
            return
        gone = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-cache-", dir=target.parent))
        os.replace(cur, gone / CACHE_DIR)
        shutil.rmtree(gone, ignore_errors=True)
    os.replace(new, cur)


__all__ = ["MARKER", "CACHE_DIR", "TAG", "is_own_cache", "staged_output", "check_target", "read_marker", "write_marker", "remove_stale_stages"]
