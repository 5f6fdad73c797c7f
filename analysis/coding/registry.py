"""The coding dimensions the build runs, in the order their columns appear in ``actions.csv``.

To add a dimension: write its module (a :class:`~analysis.coding.dimension.CodingDimension`
with its table, codebook section and ``code``), add its vocabulary to the codebook, list it
here, and draw it in a chart.
"""
from __future__ import annotations

from analysis.coding.commitments import CommitmentsDimension
from analysis.coding.departments import DepartmentsDimension
from analysis.coding.dimension import CodingDimension
from analysis.coding.groups import GroupsDimension
from analysis.coding.instruments import InstrumentsDimension

#: Every dimension, in order.
DIMENSIONS: tuple[CodingDimension, ...] = (DepartmentsDimension(), CommitmentsDimension(), GroupsDimension(),
                                           InstrumentsDimension())


def dimension(name: str) -> CodingDimension:
    """The registered dimension called *name*.

    Parameters
    ----------
    name : str
        A dimension's ``name`` (e.g. ``"departments"``).

    Returns
    -------
    CodingDimension

    Raises
    ------
    KeyError
        If no registered dimension has that name; the message lists the registered ones.
    """
    for d in DIMENSIONS:
        if d.name == name:
            return d
    raise KeyError(f"no coding dimension {name!r}; registered: {', '.join(d.name for d in DIMENSIONS)}")


__all__ = ["DIMENSIONS", "dimension"]
