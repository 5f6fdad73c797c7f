"""Building blocks shared by every chart: the annotated heatmap, 'missing' cells, labels, finishing.

Kept apart from the chart modules so :mod:`analysis.plots` and
:mod:`analysis.plots.crossplan` share one implementation of how a heatmap
cell, a missing value or a percentage looks.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from analysis.plots import style

ANNOT_SIZE = 7.5
#: Colours for categories that are not plans (groups, kinds of unit): Paul Tol's muted scheme,
#: colour-blind safe and distinct from the plans' Okabe-Ito colours.
QUALITATIVE = ["#332288", "#88CCEE", "#44AA99", "#DDCC77", "#CC6677", "#AA4499", "#117733"]


def finish(fig: Figure, data: object, title: str) -> Figure:
    """Title the figure, attach the data it shows, and fail now if Chinese text has no font."""
    fig.suptitle(title)
    fig.analysis_data = data
    return style.check_figure_text(fig)


def heatmap(ax: Axes, m: pd.DataFrame, xlabels: list[str], ylabels: list[str], *,
            fmt: Callable[[float], str] = lambda v: f"{v:.0f}", annot: pd.DataFrame | None = None,
            vmin: float | None = None, vmax: float | None = None, missing: str = "",
            missing_column: str | None = None, blank_zero: bool = False, fontsize: float = ANNOT_SIZE):
    """Draw matrix *m* as a heatmap with values written in the cells.

    NaN cells are grey and hatched (:data:`style.MISSING_FACE`); they carry
    *missing* as text, and a column that is NaN from top to bottom carries
    *missing_column* once, vertically, instead.  *annot* (same shape) replaces
    the formatted values as cell text.  ``blank_zero``: zero cells are white
    (counts where "none" must not look like "one").  Returns the image (its array is the
    data drawn).
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
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                    color=style.text_color_on(cmap, norm(v)))
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


__all__ = ["ANNOT_SIZE", "QUALITATIVE", "finish", "heatmap", "missing_patch", "pct", "small_pct", "percent_axis",
           "plan_ticks"]
