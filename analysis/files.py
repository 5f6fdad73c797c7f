"""Deterministic writing of files.

Every table is written with a fixed column order, sorted rows, ``\\n`` line
endings and UTF-8 without BOM, so the same inputs give the same bytes; a file
that would not change is not rewritten.  How a whole output folder is staged
and installed is :mod:`analysis.pipeline.output`.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd


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
