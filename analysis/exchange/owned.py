"""Files the validation kit writes: several single files at once, each under the package's ownership rule.

The kit writes a sample and its coding manual, or two tables of scores.  Each file follows the rule of
every single file the package writes (:func:`analysis.files.write_owned`): it is written atomically, a
sidecar ``.<name>.analysis.json`` beside it records that the package wrote it (and its SHA-256), and an
existing file without that proof is never replaced unless ``--force``.  Every target is checked before the
first is written, so a refusal changes nothing.
"""
from __future__ import annotations

from pathlib import Path

from analysis import files


def check_writable(targets: list[Path], force: bool = False, option: str = "--out") -> None:
    """Refuse (``BuildError``) before anything is written if any target may not be written.

    Parameters
    ----------
    targets : list of Path
        The files about to be written; each keeps its own extension.
    force : bool
        Replace existing files the package did not write (never a folder).
    option : str
        The option that named them, for messages.

    Returns
    -------
    None

    Raises
    ------
    BuildError
        A target is a folder or another non-file, or an existing file (or symbolic link) the package did not
        write, without *force* (:func:`analysis.files.check_writable`).
    """
    for p in targets:
        files.check_writable(p, suffixes=(Path(p).suffix or ".",), force=force, option=option)


def write_owned(contents: dict[Path, bytes], force: bool = False, option: str = "--out",
                written_by: str = "python -m analysis (validation kit)") -> list[Path]:
    """Write every file of *contents* (path -> bytes), each atomically with its ownership sidecar.

    Parameters
    ----------
    contents : dict
        Path -> its whole content.
    force : bool
        Replace existing files the package did not write.
    option : str
        The option that named them, for messages.
    written_by : str
        The command recorded in each sidecar.

    Returns
    -------
    list of Path
        The files, in the order given (also those left as they were because their bytes would not change).
    """
    check_writable(list(contents), force, option)
    for p, data in contents.items():
        files.write_owned(p, data, written_by=written_by, suffixes=(Path(p).suffix or ".",), force=force,
                          option=option)
    return [Path(p) for p in contents]


__all__ = ["check_writable", "write_owned"]
