"""Building blocks shared by every chart: labels drawn as written, percentages, footnotes, finishing.

Kept apart from the chart modules so every chart shares one implementation of
how a label from the data, a missing value or a percentage looks; the
heatmap and the seaborn theme are in :mod:`analysis.plots.theme`.

Labels taken from data (plan names, departments, terms, passages, codebook
names) go through :func:`label` (:func:`analysis.report.markup.chart_text`):
a ``$`` in a plan's name is drawn as a dollar sign, never as the start of
Matplotlib's math; ``<``, ``>`` and ``&`` are escaped by the SVG writer.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, TransformedBbox

from analysis.plots import style
from analysis.report.markup import chart_text

#: Font size of the text in heatmap cells and beside bars.
ANNOT_SIZE = 7.5
#: Colours for categories that are not plans (groups, kinds of unit): Paul Tol's muted scheme,
#: colour-blind safe and distinct from the plans' Okabe-Ito colours.
QUALITATIVE = ["#332288", "#88CCEE", "#44AA99", "#DDCC77", "#CC6677", "#AA4499", "#117733"]


#: Size and colour of a figure's footnote (:func:`footnote`) and of sub-lines in heatmap cells.
FOOTNOTE_SIZE = 6.5
FOOTNOTE_COLOR = "#666666"
SUB_SIZE_DELTA = 1.8


def finish(fig: Figure, data: object, title: str, note: str | None = None) -> Figure:
    """Title the figure, attach the data it shows, and fail now if Chinese text has no font.

    Parameters
    ----------
    fig : Figure
        The chart.
    data : object
        What the chart drew (a table, or a dict of tables), stored as ``fig.analysis_data``.
    title : str
        The figure's title (``suptitle``), drawn as written (:func:`label`).
    note : str, optional
        A footnote (:func:`footnote`): sources, n, parameters.

    Returns
    -------
    Figure
        *fig*, titled.
    """
    fig.suptitle(label(title))
    fig.analysis_data = data
    if note:
        footnote(fig, note)
    return style.check_figure_text(fig)


_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]")
_TOKENS = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]|"
                     r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]+")


def _ems(text: str) -> float:
    """Approximate width of *text* in ems: a CJK character is one em, anything else 0.58 (a safe mean
    for DejaVu Sans / Noto Sans).  Deterministic, independent of the renderer."""
    return sum(1.0 if _CJK_CHAR.match(ch) else 0.58 for ch in text)


def wrap_text(text: str, width_ems: float) -> str:
    """Wrap *text* into lines of at most *width_ems* ems (see :func:`_ems`).

    Latin text breaks at spaces, Chinese text between any two characters;
    explicit line breaks are kept.  A single word longer than a line stays whole.

    Parameters
    ----------
    text : str
        The text.
    width_ems : float
        Width of a line in ems.

    Returns
    -------
    str
        The lines joined by ``\\n``.
    """
    out = []
    for para in str(text).split("\n"):
        line, width = "", 0.0
        for tok in _TOKENS.findall(para):
            w = _ems(tok)
            if tok.isspace():
                if line:
                    line, width = line + " ", width + _ems(" ")
                continue
            if line and width + w > width_ems:
                out.append(line.rstrip())
                line, width = "", 0.0
            line, width = line + tok, width + w
        out.append(line.rstrip())
    return "\n".join(out)


def footnote(fig: Figure, text: str, fontsize: float = FOOTNOTE_SIZE, color: str = FOOTNOTE_COLOR,
             replace: bool = False) -> Text:
    """Add a small grey footer below the plot area, wrapped to the figure's width.

    So that a saved figure stands alone: which tables it shows, n, the
    corpus, the parameters.  The footer hangs just below the figure's bottom
    edge (outside what constrained layout arranges, so it never overlaps an
    axis or an 'outside' legend); saving with ``bbox_inches="tight"`` (as
    :func:`analysis.plots.style.save_figure` and notebooks' inline display
    do) grows the image to include it.

    A chart writes how to read it (intervals, scales) with :func:`finish`;
    a caller adds its source line with a second call, which goes below the
    first (the same text twice is written once).  Call it after the
    figure's legends are added: it keeps them in place when the image grows
    (:func:`_pin_figure_legends`).  Deterministic: no dates, no paths.

    Parameters
    ----------
    fig : Figure
        The chart.
    text : str
        The footnote, drawn as written (:func:`label`); wrapped to the figure width (``\\n`` starts a
        new line).
    fontsize : float
        Font size in points.
    color : str
        Text colour.
    replace : bool
        Drop what earlier calls wrote instead of adding below it.

    Returns
    -------
    matplotlib.text.Text
        The footer (also ``fig.analysis_footnote``; its paragraphs, unwrapped,
        are ``fig.analysis_footnote_parts``).
    """
    _pin_figure_legends(fig)
    parts = [] if replace else list(getattr(fig, "analysis_footnote_parts", []))
    if text not in parts:
        parts.append(str(text))
    old = getattr(fig, "analysis_footnote", None)
    if old is not None and old in fig.texts:
        old.remove()
    width_ems = fig.get_figwidth() * 72.0 / fontsize * 0.96
    t = fig.text(0.005, -0.006, label("\n".join(wrap_text(p, width_ems) for p in parts)), ha="left", va="top",
                 fontsize=fontsize, color=color, transform=fig.transFigure, linespacing=1.25)
    fig.analysis_footnote = t
    fig.analysis_footnote_parts = parts
    return t


def _figure_box(fig: Figure) -> TransformedBbox:
    return TransformedBbox(Bbox.unit(), fig.transFigure)


def _pin_figure_legends(fig: Figure) -> None:
    """Anchor the figure's legends to the figure's own area, not to the box of the saved image.

    A figure legend (``loc="outside lower center"``...) is placed against
    ``fig.bbox``, which ``bbox_inches="tight"`` replaces by the box of
    everything drawn: with a footer hanging below the figure, the legend
    would slide down onto the footer.  Anchored to ``transFigure`` (the
    same box on screen), it stays where constrained layout made room for it;
    ``_bbox_to_anchor`` stays unset so the layout still reserves that room.
    """
    for leg in fig.legends:
        if getattr(leg, "_bbox_to_anchor", None) is None:
            leg.get_bbox_to_anchor = functools.partial(_figure_box, fig)


def label(value: object) -> str:
    """*value* as chart text drawn as written: :func:`analysis.report.markup.chart_text` (``$`` escaped).

    Parameters
    ----------
    value : object
        A label taken from data (a plan's name, a department, a term, a passage); None gives ``""``.

    Returns
    -------
    str
        The text, never read as Matplotlib math.
    """
    return chart_text(value)


def labels(names: Mapping[str, object]) -> dict[str, str]:
    """``{key: label(name)}``: a table of display names (plans, groups, categories, codes) made chart text.

    Parameters
    ----------
    names : mapping
        Display names by id.

    Returns
    -------
    dict of str to str
        The same keys, each name through :func:`label`.
    """
    return {k: label(v) for k, v in names.items()}


def plan_names(documents: pd.DataFrame | None, lang: str | None) -> dict[str, str]:
    """``{jurisdiction: short name}`` of every plan (:func:`analysis.plots.style.plan_labels`) as chart text.

    Parameters
    ----------
    documents : pandas.DataFrame, optional
        ``documents.csv``, for the names.
    lang : {"en", "zh"}, optional
        Label language.

    Returns
    -------
    dict of str to str
        Plan labels, escaped by :func:`label`.
    """
    return labels(style.plan_labels(documents, lang))


def plan_ticks(plans: Iterable[str], lang: str | None, documents: pd.DataFrame | None) -> list[str]:
    """Tick labels of *plans*: their short names as chart text (a plan without one: its id, escaped).

    Parameters
    ----------
    plans : iterable of str
        Plan ids, in the order drawn.
    lang : {"en", "zh"}, optional
        Label language.
    documents : pandas.DataFrame, optional
        ``documents.csv``, for the names.

    Returns
    -------
    list of str
        One label per plan.
    """
    names = plan_names(documents, lang)
    return [names.get(j, label(j)) for j in plans]


def nothing_to_show(lang: str | None = None) -> str:
    """The message of an empty panel.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Language.

    Returns
    -------
    str
        "Nothing to show: the table is empty", in *lang*.
    """
    return style.tr("Nothing to show: the table is empty", "无可显示的数据：表为空", lang)


def empty_panel(ax: Axes, text: str | None = None, lang: str | None = None) -> Axes:
    """Turn *ax* into a panel that says there is nothing to show (or *text*), instead of an empty plot.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel.
    text : str, optional
        The message (default :func:`nothing_to_show`).
    lang : {"en", "zh"}, optional
        Language of the default message.

    Returns
    -------
    matplotlib.axes.Axes
        *ax*, without ticks or spines.
    """
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_facecolor("none")
    ax.text(0.5, 0.5, text or nothing_to_show(lang), ha="center", va="center", transform=ax.transAxes,
            fontsize=8.5, color="#444444", wrap=False,
            bbox={"boxstyle": "round,pad=0.5", "fc": "#f4f4f4", "ec": style.MISSING_EDGE, "lw": 0.6})
    return ax


def empty_figure(title: str, data: object, lang: str | None = None, text: str | None = None,
                 figsize: tuple[float, float] = (6.0, 2.2), note: str | None = None) -> Figure:
    """A titled figure with one panel saying there is nothing to show (for an empty input table).

    Parameters
    ----------
    title : str
        The figure's title.
    data : object
        Stored as ``fig.analysis_data`` (the empty table).
    lang : {"en", "zh"}, optional
        Language of the default message.
    text : str, optional
        The message (default :func:`nothing_to_show`).
    figsize : tuple of float
        Size in inches.
    note : str, optional
        A footnote.

    Returns
    -------
    Figure
        The titled figure.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    empty_panel(ax, text, lang)
    return finish(fig, data, title, note)


def grid_shape(n: int, max_cols: int = 4) -> tuple[int, int]:
    """``(rows, cols)`` of a wrapped grid of *n* small multiples: as few rows as *max_cols* panels per row
    allow, filled evenly (5 panels, 4 per row: 2 rows of 3), at least 1 x 1.

    Parameters
    ----------
    n : int
        Panels.
    max_cols : int
        Most panels in a row.

    Returns
    -------
    tuple of int
        ``(rows, cols)``; ``cols`` is the ``wrap`` of a faceted ``seaborn.objects`` plot.
    """
    n = max(int(n), 1)
    rows = math.ceil(n / max(int(max_cols), 1))
    return rows, math.ceil(n / rows)


def interval_text(lo: float, hi: float, fmt: Callable[[float], str]) -> str:
    """``"[lo–hi]"`` with *fmt* applied to both ends; empty when either end is missing.

    Parameters
    ----------
    lo, hi : float
        The interval.
    fmt : callable
        Formats one end.

    Returns
    -------
    str
        The cell text of the interval.
    """
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    return f"[{fmt(lo)}–{fmt(hi)}]"


def pct_bounds(lo: float, hi: float) -> str:
    """``"[4–30]"``: the interval of a 0-1 share in percent without the sign, whole percent unless the upper
    end is below 10% (then one decimal); empty when either end is missing.

    Parameters
    ----------
    lo, hi : float
        The interval.

    Returns
    -------
    str
        The cell text of the interval.
    """
    d = 0 if hi is not None and np.isfinite(hi) and 100 * hi >= 9.95 else 1
    return interval_text(lo, hi, lambda v: f"{100 * v:.{d}f}")


def missing_patch(label: str) -> Patch:
    """Legend entry for the grey hatched 'no value by construction' cells.

    Parameters
    ----------
    label : str
        What such a cell means.

    Returns
    -------
    matplotlib.patches.Patch
        The legend handle.
    """
    return Patch(facecolor=style.MISSING_FACE, edgecolor=style.MISSING_EDGE, hatch=style.MISSING_HATCH,
                 linewidth=0, label=label)


def pct(v: float) -> str:
    """A 0-1 share as a whole percent.

    Parameters
    ----------
    v : float
        The share.

    Returns
    -------
    str
        ``"16%"``.
    """
    return f"{100 * v:.0f}%"


def small_pct(v: float) -> str:
    """Percent for cells: a true zero is '0', a share that rounds to zero '<1%'.

    Parameters
    ----------
    v : float
        The share.

    Returns
    -------
    str
        The cell text.
    """
    return "0" if v == 0 else ("<1%" if v < 0.005 else pct(v))


def percent_axis(axis) -> None:
    """Ticks of a 0-1 axis at round percentages (5%, 10%... not 2.5% shown as '2%').

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        The axis (``ax.xaxis``, a colour bar's ``cb.ax.yaxis``...).

    Returns
    -------
    None
    """
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(lambda v, _: pct(v))


def slant_xticks(ax: Axes, degrees: float = 30, ha: str = "right") -> None:
    """Rotate the x tick labels by *degrees*, anchored at the tick so long plan names stay under their column.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    degrees : float
        Rotation.
    ha : str
        Horizontal alignment of the labels at their anchor.

    Returns
    -------
    None
    """
    ax.tick_params(axis="x", labelrotation=degrees)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment(ha)
        t.set_rotation_mode("anchor")



__all__ = ["ANNOT_SIZE", "QUALITATIVE", "FOOTNOTE_SIZE", "SUB_SIZE_DELTA", "finish", "footnote", "wrap_text",
           "label", "labels", "plan_names", "plan_ticks", "nothing_to_show", "empty_panel", "empty_figure",
           "grid_shape", "interval_text", "pct_bounds", "missing_patch", "pct", "small_pct", "percent_axis", "slant_xticks"]
