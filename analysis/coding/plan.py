"""One plan coded: :func:`segment` splits it into actions (the rules of :mod:`analysis.coding.segment`) and
:func:`extract` codes every action along each coding dimension, giving the plan's rows (:class:`PlanRows`):
its actions, sections, coded rows and the text no action covers (:mod:`analysis.coding.coverage`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.coding.codebook import Codebook
from analysis.coding.coverage import outside_spans, section_rows
from analysis.coding.dimension import ActionUnit, CodingContext, CodingDimension
from analysis.coding.registry import DIMENSIONS
from analysis.coding.segment import _Extractor


@dataclass
class PlanRows:
    """One plan's rows: ``actions``, ``sections`` and, by table name, the rows of every coding dimension
    (``coded["assignments"]``, ``coded["group_mentions"]``, ``coded["targets"]`` …), and ``outside``:
    the spans of text no action covers (:mod:`analysis.coding.coverage`)."""

    actions: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    coded: dict[str, list[dict]] = field(default_factory=dict)
    outside: list[dict] = field(default_factory=list)

    @property
    def assignments(self) -> list[dict]:
        return self.coded.get("assignments", [])

    @property
    def mentions(self) -> list[dict]:
        return self.coded.get("group_mentions", [])

    @property
    def targets(self) -> list[dict]:
        return self.coded.get("targets", [])



def segment(jurisdiction: str, text: str, codebook: Codebook) -> tuple[list[dict], list[ActionUnit], list[dict]]:
    """Segment one normalised plan: ``(action rows, action units, section rows)`` (module docstring's rules).

    Parameters
    ----------
    jurisdiction : str
        The plan's id, prefix of its ``action_id`` and ``section_id`` values.
    text : str
        The plan's normalised text; all offsets point into it.
    codebook : Codebook
        The codebook in force (role labels, unit names, closing formulas that tell department lists).

    Returns
    -------
    actions : list of dict
        One per action or safeguard, in reading order, with the segmentation's columns of ``actions.csv``.
    units : list of ActionUnit
        The same actions as the coding dimensions read them (body span, headings, department lists).
    sections : list of dict
        One per heading, the rows of ``sections.csv`` (:func:`analysis.coding.coverage.section_rows`).
    """
    rows, units, sections, _ = _segment(jurisdiction, text, codebook)
    return rows, units, sections


def _segment(jurisdiction: str, text: str, codebook: Codebook):
    ex = _Extractor(jurisdiction, text, codebook)
    ex.run()
    rows, units = ex.action_units()
    return rows, units, section_rows(ex), outside_spans(ex, rows)


def extract(jurisdiction: str, text: str, codebook: Codebook, level_char: str = "",
            places: tuple[str, ...] = (), dimensions: tuple[CodingDimension, ...] | None = None,
            context: CodingContext | None = None) -> PlanRows:
    """Segment one normalised plan and code it along every dimension (default: the registry's).

    Parameters
    ----------
    jurisdiction : str
        The plan's id (the prefix of its action ids).
    text : str
        The normalised text.
    codebook : Codebook
        Units, groups and instruments to code with.
    level_char : str, optional
        The prefix bare department names take (区, 县, 市 …).
    places : tuple of str, optional
        Place names in the jurisdiction's name (elided department names are completed with them).
    dimensions : tuple of CodingDimension, optional
        The coding dimensions (default: the registry's).
    context : CodingContext, optional
        Instead of *level_char* and *places*: also sets how messages point at the raw file.

    Returns
    -------
    PlanRows
        The plan's actions, sections, coded rows and the text no action covers.
    """
    dimensions = DIMENSIONS if dimensions is None else dimensions
    ctx = context or CodingContext(jurisdiction, level_char, places)
    rows, units, sections, outside = _segment(jurisdiction, text, codebook)
    t = PlanRows(actions=rows, sections=sections, outside=outside)
    for dim in dimensions:
        coded = dim.code(text, units, codebook, ctx)
        t.coded[dim.table.name] = coded.rows
        for row in rows:
            row.update(coded.action_values.get(row["action_id"], {}))
    return t


__all__ = ["PlanRows", "extract", "segment"]
