"""The interface every coding dimension implements, and what segmentation hands it.

Segmentation (:mod:`analysis.coding.segment`) decides *where* the actions are:
one :class:`ActionUnit` per action, with its text span, the headings above it
and the spans of the department lists that close it.  A *coding dimension*
decides *what* an action says along one axis -- which departments carry it,
which target groups it names, which quantified commitments it makes -- and
returns one row per coded fact, each with the offsets of its evidence.

A dimension is a subclass of :class:`CodingDimension` with

- ``name`` -- short id (``"departments"``);
- ``table`` -- the :class:`analysis.schema.Table` of its rows (file, columns,
  meaning), described in the dimension's own module;
- ``codebook_section`` -- the codebook key(s) its vocabulary comes from;
- ``action_columns`` -- per-action summary columns it adds to ``actions.csv``;
- :meth:`CodingDimension.code` -- ``code(text, units, codebook, context)``.

Dimensions are listed once, in :mod:`analysis.coding.registry`; the build, the
readers and the data dictionary pick them up from there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from analysis.schema import Column, Table


@dataclass(frozen=True)
class ListSpan:
    """A department list found by segmentation: the text to parse is ``text[start:end]``.

    ``source``: ``parenthesis`` (the list closing the action, or role lines
    right after it) or ``division_block`` (a task's 分工, shared by the task's
    actions).
    """

    start: int
    end: int
    source: str = "parenthesis"


@dataclass(frozen=True)
class ActionUnit:
    """One action as segmentation found it: id, kind, body span, headings above it, department lists."""

    action_id: str
    jurisdiction: str
    kind: str
    start: int
    end: int
    headings: tuple[str, ...]
    lists: tuple[ListSpan, ...] = ()


@dataclass
class CodingContext:
    """What a dimension needs to know about the plan beyond its text.

    ``level_char``: the prefix bare department names take (区, 县, 市 …);
    ``places``: the place names in the jurisdiction's name (烟台, 芝罘);
    ``locate``: offset in the normalised text -> where to point a reader
    (file and line), for messages; ``gaps``: facts the codebook could not code,
    collected for the report.
    """

    jurisdiction: str
    level_char: str = ""
    places: tuple[str, ...] = ()
    locate: Callable[[int], str] | None = None
    gaps: list[dict] = field(default_factory=list)

    def where(self, offset: int, text: str | None = None) -> str:
        """Where *offset* is, for a reader: :attr:`locate`'s answer, else the plan and the line of *text*.

        Parameters
        ----------
        offset : int
            A character offset in the plan's normalised text.
        text : str, optional
            That text, to count the line; without it (and without ``locate``) the line is ``?``.

        Returns
        -------
        str
            E.g. ``"<file>:<line>"`` from ``locate``, or ``"<jurisdiction> (normalised text line N)"``.
        """
        if self.locate is not None:
            return self.locate(offset)
        line = text.count("\n", 0, offset) + 1 if text is not None else "?"
        return f"{self.jurisdiction} (normalised text line {line})"


@dataclass
class Coded:
    """What :meth:`CodingDimension.code` returns: the dimension's rows and per-action summary values."""

    rows: list[dict] = field(default_factory=list)
    action_values: dict[str, dict] = field(default_factory=dict)


class CodingDimension:
    """Base class of a coding dimension (see module docstring)."""

    name: str = ""
    table: Table
    codebook_section: tuple[str, ...] = ()
    action_columns: tuple[Column, ...] = ()

    def code(self, text: str, units: Sequence[ActionUnit], codebook, context: CodingContext) -> Coded:
        """Code every unit of one plan: rows of :attr:`table` and values of :attr:`action_columns`.

        Parameters
        ----------
        text : str
            The plan's normalised text; every unit's offsets point into it.
        units : sequence of ActionUnit
            The plan's actions as segmentation found them (body span, headings above, department lists).
        codebook : Codebook
            The codebook in force.
        context : CodingContext
            The plan's level prefix and place names, where to point a reader, and the list *gaps* is appended to.

        Returns
        -------
        Coded
            ``rows``: one dict per coded fact, with the columns of :attr:`table`; ``action_values``:
            ``{action_id: {column: value}}`` for every unit, one value per column of
            :attr:`action_columns`.
        """
        raise NotImplementedError

    def check(self, codebook) -> None:
        """Validate the dimension's codebook section before any plan is coded.

        Raise :class:`analysis.errors.BuildError` naming the codebook file and
        the faulty entry; the default checks nothing (sections read by
        :func:`analysis.coding.codebook.load_codebook` are checked there).

        Parameters
        ----------
        codebook : Codebook
            The loaded codebook.

        Returns
        -------
        None
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, table={self.table.file!r})"


__all__ = ["ListSpan", "ActionUnit", "CodingContext", "Coded", "CodingDimension"]
