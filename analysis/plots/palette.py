"""Chart colours: each plan's colour and marker, distinct colours for clusters, the heatmap colormap.

Part of the house style (:mod:`analysis.plots.style`, which re-exports every public name here).  Colours are
colour-blind safe (Okabe & Ito, then Paul Tol's muted scheme) and depend only on a plan's position in the
``plan_order`` setting, so the same plan has the same colour in every chart.
"""
from __future__ import annotations

import hashlib

import matplotlib
from matplotlib.colors import Colormap, hsv_to_rgb, to_hex

from analysis import config

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "blue": "#0072B2",
             "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000", "yellow": "#F0E442"}
#: Paul Tol's "muted" qualitative scheme (colour-blind safe, 9 colours).
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
#: Colours of plans, by their position in the corpus (manifest order): the eight Okabe-Ito colours (yellow,
#: the least legible on white, last), then Tol's muted nine. Beyond 17 plans colours repeat and the marker
#: changes, so every plan keeps a distinct (colour, marker) pair up to 17 x 13 plans.
PLAN_PALETTE = [OKABE_ITO[k] for k in ("orange", "sky_blue", "bluish_green", "vermillion", "blue",
                                        "reddish_purple", "black", "yellow")] + TOL_MUTED
PLAN_MARKER_CYCLE = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p", "d"]
#: Sequential colormap for every heatmap: perceptually uniform, readable in grey and by colour-blind readers.
SEQUENTIAL_CMAP = "viridis"
#: How a cell with no value by construction (plan has no such line / assigns no departments) is drawn;
#: grey is not a viridis colour, and the hatch keeps it distinct in black-and-white print.
MISSING_FACE = "#d9d9d9"
MISSING_HATCH = "///"
MISSING_EDGE = "#8c8c8c"


def plan_index(jurisdiction: str) -> int:
    """The plan's position in the ``plan_order`` setting (:mod:`analysis.config`); others follow, stably.

    Parameters
    ----------
    jurisdiction : str

    Returns
    -------
    int
    """
    order = list(config.plan_order_setting())
    if jurisdiction in order:
        return order.index(jurisdiction)
    return len(order) + int(hashlib.sha1(str(jurisdiction).encode()).hexdigest(), 16) % 997


def plan_color(jurisdiction: str) -> str:
    """The plan's colour: by its position in the corpus (:data:`PLAN_PALETTE`).

    Parameters
    ----------
    jurisdiction : str
        The plan's id.

    Returns
    -------
    str
        A hex colour of :data:`PLAN_PALETTE`, by :func:`plan_index`; colours repeat after 17 plans.
    """
    return PLAN_PALETTE[plan_index(jurisdiction) % len(PLAN_PALETTE)]


def plan_marker(jurisdiction: str) -> str:
    """The plan's marker: the first for the first 17 plans, then the next one per round of colours.

    Parameters
    ----------
    jurisdiction : str
        The plan's id.

    Returns
    -------
    str
        A matplotlib marker of :data:`PLAN_MARKER_CYCLE`; with :func:`plan_color` a distinct pair for up to
        17 x 13 plans.
    """
    i = plan_index(jurisdiction)
    return PLAN_MARKER_CYCLE[(i + i // len(PLAN_PALETTE)) % len(PLAN_MARKER_CYCLE)] if i >= len(PLAN_PALETTE) \
        else PLAN_MARKER_CYCLE[i % len(PLAN_MARKER_CYCLE)]


def distinct_colors(n: int) -> list[str]:
    """*n* colours that are all different: Tol's muted nine up to nine, else evenly spaced hues at
    alternating lightness (deterministic).

    Parameters
    ----------
    n : int
        How many colours.

    Returns
    -------
    list of str
        *n* different hex colours, the same for the same *n*.
    """
    if n <= len(TOL_MUTED):
        return TOL_MUTED[:n]

    out = []
    for i in range(n):
        h = (i * 0.618033988749895) % 1.0
        s, v = (0.75, 0.85) if i % 3 == 0 else ((0.55, 0.65) if i % 3 == 1 else (0.9, 0.55))
        out.append(to_hex(hsv_to_rgb((h, s, v))))
    return out


def cluster_colors(n: int) -> list[str]:
    """One distinct colour per cluster (:func:`distinct_colors`); charts also label clusters by number.

    Parameters
    ----------
    n : int
        The number of clusters.

    Returns
    -------
    list of str
        *n* different hex colours; cluster ``k`` gets the ``k``-th.
    """
    return distinct_colors(n)


def sequential_cmap() -> Colormap:
    """The heatmap colormap, with NaN drawn as the 'missing' grey.

    Returns
    -------
    matplotlib.colors.Colormap
        :data:`SEQUENTIAL_CMAP` (``viridis``) with NaN ("bad") values drawn in :data:`MISSING_FACE`.
    """
    return matplotlib.colormaps[SEQUENTIAL_CMAP].with_extremes(bad=MISSING_FACE)


def text_color_on(cmap: Colormap, fraction: float) -> str:
    """Black or white, whichever reads better on ``cmap(fraction)``.

    Parameters
    ----------
    cmap : matplotlib.colors.Colormap
        The colormap of the cell.
    fraction : float
        The cell's position on the colormap, 0 to 1 (clipped to that range).

    Returns
    -------
    str
        ``"black"`` if the colour's relative luminance is above 0.45, else ``"white"``.
    """
    r, g, b, _ = cmap(min(max(fraction, 0.0), 1.0))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


__all__ = ["OKABE_ITO", "TOL_MUTED", "PLAN_PALETTE", "PLAN_MARKER_CYCLE", "SEQUENTIAL_CMAP", "MISSING_FACE",
           "MISSING_HATCH", "MISSING_EDGE", "plan_index", "plan_color", "plan_marker", "distinct_colors",
           "cluster_colors", "sequential_cmap", "text_color_on"]
