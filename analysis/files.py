"""Deterministic, atomic writing of outputs.

Every table is written with a fixed column order, sorted rows, ``\\n`` line
endings and UTF-8 without BOM, so the same inputs give the same bytes.  A whole
output directory is staged next to its target and swapped in only once every
file is written: a failing build leaves the previous results as they were.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd


def write_csv(df: pd.DataFrame, path: Path, float_format: str = "%.6g") -> None:
    """Write *df* as UTF-8 CSV with ``\\n`` endings and no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format=float_format)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace *path* with *data* unless it already holds exactly these bytes; True if written.

    The file is written to a hidden temporary file next to it and renamed, so a
    reader never sees half a file, and an unchanged file keeps its
    modification time.
    """
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


@contextlib.contextmanager
def staged_dir(target: Path, marker: str = "documents.csv") -> Iterator[Path]:
    """Yield a fresh staging directory that replaces *target* on success.

    The build owns its output directory: the stage becomes the whole new
    directory, so files of a plan removed from the corpus do not linger.  To
    never wipe a researcher's unrelated files, an existing non-empty *target*
    must hold *marker* (a file every build writes).  On any error the stage is
    removed and *target* is left exactly as it was.
    """
    from analysis.errors import BuildError

    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()) and not (target / marker).exists():
        raise BuildError(
            f"{target}: this folder is not empty and holds no {marker}, so it is not an earlier "
            "build's output; refusing to replace it. Choose an empty or new folder for --out."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    os.chmod(stage, 0o755)
    if target.exists():
        backup = target.with_name(f".{target.name}.old")
        if backup.exists():
            shutil.rmtree(backup)
        os.replace(target, backup)
        os.replace(stage, target)
        shutil.rmtree(backup, ignore_errors=True)
    else:
        os.replace(stage, target)
