"""seaborn in the house style: the annotated heatmap, and the theme of every :mod:`seaborn.objects` plot.

seaborn draws the heatmaps (:func:`seaborn.heatmap`: cells, their text in a
colour that reads on the cell, ticks), the bars and points with their 95%
intervals (``so.Bar``, ``so.Dot``, ``so.Range``) and the small multiples that
wrap (``so.Plot.facet(wrap=...)``).  This module only says how they look in
the house style of :mod:`analysis.plots.style`:

- :func:`heatmap` adds what seaborn does not draw: the grey hatched cells that
  have no value by construction (the axes' own background, showing through
  the masked cells), their label, and a second, smaller line in a cell (an
  interval under its value);
- :func:`draw` draws a ``seaborn.objects`` plot onto a figure or axes of ours
  with the rcParams in force (the house style inside
  :func:`analysis.plots.style.styled`) instead of seaborn's own theme, so its
  charts look like the others, and without the deprecation warnings seaborn
  0.13 raises under pandas 3 (they are about seaborn's calls, not ours, and a
  notebook must show none).

Nothing here is random (no jitter, no bootstrap: every interval is computed by
:mod:`analysis.compare` and drawn as given), so a chart gives the same bytes
every time.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Callable, Iterator

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
import seaborn.objects as so
from matplotlib.axes import Axes
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.plots import style
from analysis.plots.kit import ANNOT_SIZE, SUB_SIZE_DELTA

#: Width (points) of the white lines between heatmap cells.
CELL_GAP = 1.2


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the deprecation warnings seaborn's own calls raise under the installed pandas and matplotlib.

    Returns
    -------
    contextmanager
        Warnings of other modules, and other kinds of warning, pass as usual.
    """
    with warnings.catch_warnings():
        for kind in (DeprecationWarning, FutureWarning, PendingDeprecationWarning):
            warnings.filterwarnings("ignore", category=kind, module=r"seaborn(\.|$)")
        yield


def objects_theme() -> dict:
    """The rcParams a ``seaborn.objects`` plot is drawn with: the ones in force for every key seaborn's theme sets.

    Returns
    -------
    dict
        ``{rcParam: value}``; inside :func:`analysis.plots.style.styled`, the house style (white axes, no
        grid, the CJK font), not seaborn's grey ``darkgrid``.
    """
    return {k: matplotlib.rcParams[k] for k in so.Plot.config.theme}


def draw(plot: so.Plot, target) -> None:
    """Draw *plot* onto *target* in the rcParams in force (:func:`objects_theme`), quietly (:func:`quiet`).

    Parameters
    ----------
    plot : seaborn.objects.Plot
        The plot, marks and scales added.
    target : matplotlib.figure.Figure, matplotlib.figure.SubFigure or matplotlib.axes.Axes
        Where it is drawn (a figure for a faceted plot); the figure keeps its layout engine.

    Returns
    -------
    None
    """
    with quiet():
        plot.theme(objects_theme()).on(target).plot()


@contextlib.contextmanager
def _undrawn(fig: Figure) -> Iterator[None]:
    """*fig* on a canvas that does not render, for the length of the block.

    :func:`seaborn.heatmap` draws the whole figure to decide whether to rotate
    tick labels that overlap; :func:`heatmap` sets their rotation itself, so
    that draw (most of the time of a large heatmap, once per panel) is only
    cost.  The figure's own canvas is put back on leaving.
    """
    canvas = fig.canvas
    FigureCanvasBase(fig)
    try:
        yield
    finally:
        fig.set_canvas(canvas)


def missing_background(ax: Axes, blank: bool = False) -> None:
    """Make *ax*'s background the 'no value by construction' cell: grey and hatched (or white with *blank*).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A heatmap's axes; its masked cells show this background.
    blank : bool
        White, unhatched (cells left blank on purpose, e.g. zero counts).

    Returns
    -------
    None
    """
    if blank:
        ax.patch.set(facecolor="white", hatch=None)
    else:
        ax.patch.set(facecolor=style.MISSING_FACE, hatch=style.MISSING_HATCH, edgecolor=style.MISSING_EDGE,
                     linewidth=0)


def heatmap(ax: Axes, m: pd.DataFrame, xlabels: list[str], ylabels: list[str], *,
            fmt: Callable[[float], str] = lambda v: f"{v:.0f}", annot: pd.DataFrame | None = None,
            vmin: float | None = None, vmax: float | None = None, missing: str = "",
            missing_column: str | None = None, blank_zero: bool = False, fontsize: float = ANNOT_SIZE,
            subannot: pd.DataFrame | None = None, subsize: float | None = None) -> QuadMesh:
    """Draw matrix *m* with :func:`seaborn.heatmap`, its values written in the cells (no colour bar).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    m : pandas.DataFrame
        The values; NaN is 'no value by construction'.
    xlabels, ylabels : list of str
        Tick labels of the columns and rows, drawn as given (escape data with
        :func:`analysis.plots.kit.label`), upright.
    fmt : callable
        Formats a value as its cell text.
    annot : pandas.DataFrame, optional
        Cell texts (same shape as *m*) instead of the formatted values.
    vmin, vmax : float, optional
        Ends of the colour scale; default the finite values' range.
    missing : str
        Text written on each NaN cell.
    missing_column : str, optional
        Written once, vertically, over a column that is NaN from top to bottom (instead of *missing*).
    blank_zero : bool
        Zero cells are left white (counts, where "none" must not look like "one"); so is a NaN cell then.
    fontsize : float
        Size of the cell text.
    subannot : pandas.DataFrame, optional
        A second, smaller line under the value where not empty (same shape, strings; e.g. an interval).
    subsize : float, optional
        Its size (default *fontsize* - :data:`SUB_SIZE_DELTA`).

    Returns
    -------
    matplotlib.collections.QuadMesh
        The cells; its array is the data drawn (masked where NaN, and where zero with *blank_zero*).

    Notes
    -----
    NaN cells are masked and show the axes' background, grey and hatched
    (:func:`missing_background`), so they can never be read as the lowest
    colour of the scale; without NaN cells the background stays white.
    """
    values = m.to_numpy(dtype=float)
    mask = np.isnan(values) | ((values == 0) if blank_zero else False)
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if vmin is None and finite.size else (vmin or 0.0)
    hi = float(finite.max()) if vmax is None and finite.size else (vmax if vmax is not None else 1.0)
    hi = hi if hi > lo else lo + 1.0
    text = annot.to_numpy(dtype=object) if annot is not None else \
        np.array([[fmt(v) if np.isfinite(v) else "" for v in row] for row in values], dtype=object).reshape(values.shape)
    # seaborn draws the figure to see whether tick labels overlap: no Chinese text may reach it without a font
    style.require_cjk_font([*(t.get_text() for t in ax.figure.findobj(Text)), *xlabels, *ylabels, *text.ravel(),
                            missing, missing_column or ""])
    missing_background(ax, blank=blank_zero or not np.isnan(values).any())
    n_rows, n_cols = values.shape
    first = len(ax.texts)
    with quiet(), _undrawn(ax.figure):
        sns.heatmap(pd.DataFrame(values), mask=mask, cmap=matplotlib.colormaps[style.SEQUENTIAL_CMAP], vmin=lo,
                    vmax=hi, annot=text, fmt="", annot_kws={"fontsize": fontsize}, linewidths=CELL_GAP,
                    linecolor="white", cbar=False, xticklabels=list(xlabels) or False,
                    yticklabels=list(ylabels) or False, ax=ax)
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    for t in ax.texts[first:] if subannot is not None else []:
        x, y = t.get_position()
        sub = subannot.iat[int(y), int(x)]
        if isinstance(sub, str) and sub:
            t.set_verticalalignment("bottom")
            ax.text(x, y + 0.04, sub, ha="center", va="top", color=t.get_color(),
                    fontsize=subsize if subsize is not None else fontsize - SUB_SIZE_DELTA)
    full = {j for j in range(n_cols) if n_rows and np.isnan(values[:, j]).all()} if missing_column else set()
    for i, j in zip(*np.nonzero(np.isnan(values))) if missing else []:
        if j not in full:
            ax.text(j + 0.5, i + 0.5, missing, ha="center", va="center", fontsize=fontsize - 1, color="#333333",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    for j in sorted(full):
        ax.text(j + 0.5, n_rows / 2, missing_column, ha="center", va="center", rotation=90, fontsize=fontsize + 0.5,
                color="#222222", bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": style.MISSING_EDGE})
    ax.tick_params(which="both", length=0)
    ax.tick_params(axis="both", labelrotation=0)  # upright, whatever seaborn chose; a chart slants its own
    return mesh


__all__ = ["CELL_GAP", "quiet", "objects_theme", "draw", "missing_background",
           "heatmap"]
