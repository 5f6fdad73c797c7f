"""The coding's data model: codes, coded spans (facts), one folder's coding, and blank-cell helpers.

Split from :mod:`analysis.exchange.codetree`, which builds a :class:`Coding` from a processed folder and
re-exports every name here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.exchange.constants import stable_guid


@dataclass
class Code:
    """One code of the tree: stable ``key`` (a path of ids), display ``name``, ``description``, ``color``."""

    key: tuple[str, ...]
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True

    @property
    def guid(self) -> str:
        return stable_guid("code", *self.key)


@dataclass(frozen=True)
class Fact:
    """One coded span: ``code`` key, ``jurisdiction``, Python offsets ``[start, end)``, a short ``note``."""

    code: tuple[str, ...]
    jurisdiction: str
    start: int
    end: int
    note: str = ""


@dataclass
class Coding:
    """The package's coding of one processed folder: texts, documents, code tree and coded spans."""

    folder: Path
    texts: dict[str, str]
    documents: pd.DataFrame
    codes: dict[tuple[str, ...], Code] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)

    def add_code(self, key: tuple[str, ...], name: str, description: str = "", color: str | None = None,
                 codable: bool = True) -> Code:
        """Add the code *key* (its parent must exist) unless it is there; return the tree's code.

        Parameters
        ----------
        key : tuple of str
            The code's path of ids (top code first); a key whose parent is not in the tree raises ``ValueError``.
        name : str
            Display name.
        description : str
            The code's description in the project.
        color : str, optional
            ``#RRGGBB``; None: the parent's colour (None for a top code).
        codable : bool
            Whether a selection may be coded with it (False for a code that only groups others).

        Returns
        -------
        Code
            The new code, or the one already in the tree under *key* (left unchanged).
        """
        if key not in self.codes:
            if len(key) > 1 and key[:-1] not in self.codes:
                raise ValueError(f"parent of code {key} missing")
            parent = self.codes.get(key[:-1])
            self.codes[key] = Code(key, name, description, color or (parent.color if parent else None), codable)
        return self.codes[key]

    def path(self, key: tuple[str, ...]) -> str:
        """The code's name path, ``Departments > cast 科协 > lead 牵头``.

        Parameters
        ----------
        key : tuple of str
            A code's key; it and every ancestor must be in the tree (else ``KeyError``).

        Returns
        -------
        str
            The names of the top code down to the code, joined by ``" > "``.
        """
        return " > ".join(self.codes[key[:i]].name for i in range(1, len(key) + 1))


def is_blank(v) -> bool:
    """Whether a table cell holds nothing: None, NaN, ``pd.NA`` or a string of white space.

    Parameters
    ----------
    v : object
        The cell.

    Returns
    -------
    bool
    """
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NA


def cell_text(v) -> str:
    """A table cell as text: ``""`` for a blank cell (:func:`is_blank`), else ``str(v)``.

    Parameters
    ----------
    v : object
        The cell.

    Returns
    -------
    str
    """
    return "" if is_blank(v) else str(v)


__all__ = ["Code", "Fact", "Coding", "is_blank", "cell_text"]
