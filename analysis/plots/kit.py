"""Building blocks shared by every chart: the annotated heatmap, 'missing' cells, labels, finishing.

Kept apart from the chart modules so :mod:`analysis.plots` and
:mod:`analysis.plots.crossplan` share one implementation of how a heatmap
cell, a missing value or a percentage looks.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, TransformedBbox

from analysis.plots import style

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
        The figure's title (``suptitle``).
    note : str, optional
        A footnote (:func:`footnote`): sources, n, parameters.

    Returns
    -------
    Figure
        *fig*, titled.
    """
    fig.suptitle(title)
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
        The footnote; wrapped to the figure width (``\\n`` starts a new line).
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
    t = fig.text(0.005, -0.006, "\n".join(wrap_text(p, width_ems) for p in parts), ha="left", va="top",
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


def nothing_to_show(lang: str | None = None) -> str:
    """The message of an empty panel."""
    return style.tr("Nothing to show: the table is empty", "无可显示的数据：表为空", lang)


def empty_panel(ax: Axes, text: str | None = None, lang: str | None = None) -> Axes:
    """Turn *ax* into a panel that says there is nothing to show (or *text*), instead of an empty plot."""
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
    """A titled figure with one panel saying there is nothing to show (for an empty input table)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    empty_panel(ax, text, lang)
    return finish(fig, data, title, note)


def grid_shape(n: int, max_cols: int = 4) -> tuple[int, int]:
    """``(rows, cols)`` of a wrapped grid of *n* small multiples: as few rows as *max_cols* panels per row
    allow, filled evenly (5 panels, 4 per row: 2 rows of 3), at least 1 x 1."""
    n = max(int(n), 1)
    rows = math.ceil(n / max(int(max_cols), 1))
    return rows, math.ceil(n / rows)


def interval_text(lo: float, hi: float, fmt: Callable[[float], str]) -> str:
    """``"[lo–hi]"`` with *fmt* applied to both ends; empty when either end is missing."""
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    return f"[{fmt(lo)}–{fmt(hi)}]"


def heatmap(ax: Axes, m: pd.DataFrame, xlabels: list[str], ylabels: list[str], *,
            fmt: Callable[[float], str] = lambda v: f"{v:.0f}", annot: pd.DataFrame | None = None,
            vmin: float | None = None, vmax: float | None = None, missing: str = "",
            missing_column: str | None = None, blank_zero: bool = False, fontsize: float = ANNOT_SIZE,
            subannot: pd.DataFrame | None = None, subsize: float | None = None):
    """Draw matrix *m* as a heatmap with values written in the cells.

    NaN cells are grey and hatched (:data:`style.MISSING_FACE`); they carry
    *missing* as text, and a column that is NaN from top to bottom carries
    *missing_column* once, vertically, instead.  *annot* (same shape) replaces
    the formatted values as cell text.  ``blank_zero``: zero cells are white
    (counts where "none" must not look like "one").  *subannot* (same shape,
    strings) adds a second, smaller line under the value in each cell where it is
    not empty (e.g. an interval); *subsize* is its font size.  Returns the image
    (its array is the data drawn).
    """
    values = m.to_numpy(dtype=float)
    cmap = style.sequential_cmap()
    finite = values[np.isfinite(values)]
    vmin = float(finite.min()) if vmin is None and finite.size else (vmin or 0.0)
    vmax = float(finite.max()) if vmax is None and finite.size else (vmax if vmax is not None else 1.0)
    if vmax <= vmin:
        vmax = vmin + 1.0
    norm = Normalize(vmin, vmax)
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    n_rows, n_cols = values.shape
    full_cols = {j for j in range(n_cols) if n_rows and np.isnan(values[:, j]).all()}
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            if np.isnan(v):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=style.MISSING_FACE,
                                       edgecolor=style.MISSING_EDGE, hatch=style.MISSING_HATCH, linewidth=0))
                if missing and not (missing_column and j in full_cols):
                    ax.text(j, i, missing, ha="center", va="center", fontsize=fontsize - 1, color="#333333",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
                continue
            if blank_zero and v == 0:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor="#dddddd",
                                       linewidth=0.5))
            text = annot.iat[i, j] if annot is not None else fmt(v)
            sub = subannot.iat[i, j] if subannot is not None else ""
            color = style.text_color_on(cmap, norm(v))
            if isinstance(sub, str) and sub:
                ax.text(j, i, text, ha="center", va="bottom", fontsize=fontsize, color=color)
                ax.text(j, i + 0.04, sub, ha="center", va="top", color=color,
                        fontsize=subsize if subsize is not None else fontsize - SUB_SIZE_DELTA)
            else:
                ax.text(j, i, text, ha="center", va="center", fontsize=fontsize, color=color)
    for j in sorted(full_cols) if missing_column else []:
        ax.text(j, (n_rows - 1) / 2, missing_column, ha="center", va="center", rotation=90, fontsize=fontsize + 0.5,
                color="#222222", bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": style.MISSING_EDGE})
    ax.set_xticks(range(n_cols), xlabels)
    ax.set_yticks(range(n_rows), ylabels)
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="both", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return im


def missing_patch(label: str) -> Patch:
    """Legend entry for the grey hatched 'no value by construction' cells."""
    return Patch(facecolor=style.MISSING_FACE, edgecolor=style.MISSING_EDGE, hatch=style.MISSING_HATCH,
                 linewidth=0, label=label)


def pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def small_pct(v: float) -> str:
    """Percent for cells: a true zero is '0', a share that rounds to zero '<1%'."""
    return "0" if v == 0 else ("<1%" if v < 0.005 else pct(v))


def percent_axis(axis) -> None:
    """Ticks of a 0-1 axis at round percentages (5%, 10%... not 2.5% shown as '2%')."""
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(lambda v, _: pct(v))



def slant_xticks(ax: Axes, degrees: float = 30, ha: str = "right") -> None:
    """Rotate the x tick labels by *degrees*, anchored at the tick so long plan names stay under their column."""
    ax.tick_params(axis="x", labelrotation=degrees)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment(ha)
        t.set_rotation_mode("anchor")


def plan_ticks(plans: list[str], lang: str, documents: pd.DataFrame | None) -> list[str]:
    labels = style.plan_labels(documents, lang)
    return [labels.get(j, j) for j in plans]


__all__ = ["ANNOT_SIZE", "QUALITATIVE", "FOOTNOTE_SIZE", "finish", "footnote", "wrap_text", "nothing_to_show",
           "empty_panel", "empty_figure", "grid_shape", "interval_text", "heatmap", "missing_patch", "pct",
           "small_pct", "percent_axis", "slant_xticks", "plan_ticks"]
