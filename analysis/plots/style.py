"""One look for every chart: fonts, language, palettes, and deterministic saving.

Why a module: the figures go into printed reports in two languages, and the
same data must give the same bytes on every run (so a regenerated figure that
did not change does not show up as changed).  Everything that decides how a
chart looks or how it is written lives here, so the chart functions only
decide *what* is drawn.

Fonts
    Chinese text (plan names, department names, cluster terms) needs a CJK
    font.  The one we use is Noto Sans CJK SC shipped *inside* the ``mplfonts``
    package (a declared dependency), so it is installed with the environment
    and never downloaded at run time; preferring it over a system font also
    makes the output the same on every machine.  Failing that, a system CJK
    font matplotlib already knows (e.g. Debian's ``fonts-noto-cjk``) is used.
    With none, English-only charts still draw (DejaVu Sans), and any chart
    holding Chinese text raises :class:`MissingFontError` saying how to
    install one -- never a figure of empty boxes.

Language
    ``lang`` is ``"en"`` (default: most reports built from this project are in
    English) or ``"zh"``.  It decides titles, axis labels and the names of
    plans, groups and department categories; Chinese *content* (cluster terms,
    passages) stays Chinese in both.  Set it once with :func:`apply_style` /
    :func:`set_lang`, or pass ``lang=`` to a chart function.  The wording lives in
    :mod:`analysis.plots.labels`.

Colours
    Plans' colours and markers, cluster colours and the heatmap colormap live in
    :mod:`analysis.plots.palette`.

Every public name of those two modules is re-exported here, so ``style.plan_labels`` or
``style.plan_color`` keep working.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.files import write_if_changed
# the chart wording and the colours, in their own modules, are part of the house style: re-exported here
from analysis.plots.labels import (LANGS, _short_en, category_labels, check_lang, get_lang,  # noqa: F401
                                   group_labels, plan_labels, set_lang, short_plan_name, tr, unique_labels)
from analysis.plots.palette import (MISSING_EDGE, MISSING_FACE, MISSING_HATCH, OKABE_ITO,  # noqa: F401
                                    PLAN_MARKER_CYCLE, PLAN_PALETTE, SEQUENTIAL_CMAP, TOL_MUTED, cluster_colors,
                                    distinct_colors, plan_color, plan_index, plan_marker, sequential_cmap,
                                    text_color_on)

#: Font files looked for inside the ``mplfonts`` package, best first.
PACKAGED_FONTS = ("NotoSansCJKsc-Regular.otf", "SourceHanSerifSC-Regular.otf", "SimHei.ttf")
#: System font families used if the packaged font is absent (first found wins).
SYSTEM_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                       "Noto Sans CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
                       "Microsoft YaHei", "PingFang SC", "Heiti SC")
LATIN_FALLBACK = "DejaVu Sans"

INSTALL_HINT = ("Install a CJK font and restart Python: `pip install mplfonts` (ships Noto Sans CJK SC; the "
                "project's environment already lists it), or on Debian/Ubuntu `sudo apt-get install "
                "fonts-noto-cjk`. Or draw the chart with lang='en' if it holds no Chinese content.")

PNG_DPI = 300
SVG_HASHSALT = "analysis-figures"
SAVE_PAD_INCHES = 0.05

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]")


class MissingFontError(RuntimeError):
    """Chinese text was about to be drawn but no CJK font is available."""


# --------------------------------------------------------------------- fonts
def _packaged_font_files() -> list[Path]:
    """CJK font files inside the installed ``mplfonts`` (located without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for loc in spec.submodule_search_locations:
        for name in PACKAGED_FONTS:
            p = Path(loc) / "fonts" / name
            if p.is_file():
                out.append(p)
    return out


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of the CJK font charts use (registered with matplotlib), or None.

    Searched once per process: the packaged Noto Sans CJK SC first (same bytes
    everywhere), then known system families.  ``ANALYSIS_CJK_FONT`` may name a
    font file to use instead, for a machine with neither.
    """
    candidates = []
    env = os.environ.get("ANALYSIS_CJK_FONT")
    if env and Path(env).is_file():
        candidates.append(Path(env))
    candidates += _packaged_font_files()
    for path in candidates:
        try:
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
        except (OSError, RuntimeError, ValueError):  # unreadable file: try the next one
            continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((fam for fam in SYSTEM_CJK_FAMILIES if fam in known), None)


def has_cjk(text: object) -> bool:
    """Does *text* hold a character only a CJK font can draw?

    Parameters
    ----------
    text : object
        Any value; only a ``str`` can hold CJK text.

    Returns
    -------
    bool
        True if *text* is a string with at least one CJK ideograph, CJK punctuation or full-width character.
    """
    return isinstance(text, str) and bool(_CJK.search(text))


def require_cjk_font(texts: Iterable[object] = ("中文",)) -> None:
    """Raise :class:`MissingFontError` if any of *texts* is Chinese and no CJK font exists.

    Parameters
    ----------
    texts : iterable of object, default ("中文",)
        The texts about to be drawn (non-strings are ignored); the default asks whether any CJK font exists.

    Returns
    -------
    None

    Raises
    ------
    MissingFontError
        If a text holds CJK characters and :func:`cjk_font` finds no font, with :data:`INSTALL_HINT`.
    """
    bad = next((t for t in texts if has_cjk(t)), None)
    if bad is not None and cjk_font() is None:
        raise MissingFontError(f"No CJK font found to draw Chinese text such as {bad!r}. {INSTALL_HINT}")


def check_figure_text(fig: Figure) -> Figure:
    """Fail early (before saving) if *fig* holds Chinese text and no CJK font exists.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure whose every text artist (titles, labels, ticks, legends, annotations) is checked.

    Returns
    -------
    matplotlib.figure.Figure
        *fig* itself, unchanged, so the call can wrap a return.

    Raises
    ------
    MissingFontError
        If a text of *fig* holds Chinese characters and no CJK font exists.
    """
    require_cjk_font(t.get_text() for t in fig.findobj(Text))
    return fig


# ---------------------------------------------------------------- rcParams
def rc_params() -> dict:
    """rcParams of the house style: print-legible sizes, CJK font first, deterministic SVG.

    Returns
    -------
    dict
        ``{rcParam: value}``: the CJK font (if any) then DejaVu Sans as font family, font sizes in points, constrained
        layout, no top/right spines, the plan palette as colour cycle, ``viridis`` as colormap, 300 dpi and a fixed
        SVG hash salt with text as paths.
    """
    cjk = cjk_font()
    families = ([cjk] if cjk else []) + [LATIN_FALLBACK]
    return {
        # concrete families, not the generic "sans-serif": a text keeps them even when the figure is
        # drawn outside this style (e.g. by the notebook's inline display); missing glyphs fall back
        "font.family": families,
        "font.sans-serif": families + [f for f in plt.rcParamsDefault["font.sans-serif"] if f not in families],
        "axes.unicode_minus": False,  # the ASCII minus exists in every font
        "font.size": 9,
        "axes.titlesize": 10.5,
        "axes.titleweight": "normal",  # the packaged CJK font has no bold face,
        "axes.labelsize": 9,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5,
        "legend.title_fontsize": 9,
        "figure.titlesize": 12,
        "figure.titleweight": "normal",
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PLAN_PALETTE),
        "image.cmap": SEQUENTIAL_CMAP,
        "savefig.dpi": PNG_DPI,
        "savefig.bbox": "tight",
        "savefig.pad_inches": SAVE_PAD_INCHES,
        "svg.fonttype": "path",  # glyphs as outlines: the SVG renders without the font installed
        "svg.hashsalt": SVG_HASHSALT,
        "path.simplify": True,
    }


def apply_style(lang: str | None = None) -> None:
    """Use the house style for every figure from now on (call once at the top of a notebook).

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        If given, also sets the ``lang`` setting (:func:`set_lang`); None leaves the setting as it is.

    Returns
    -------
    None
    """
    if lang is not None:
        set_lang(lang)
    matplotlib.rcParams.update(rc_params())


@contextlib.contextmanager
def _rc(params: dict) -> Iterator[None]:
    """Like ``plt.rc_context`` but restores only the keys it set.

    ``rc_context`` restores *every* rcParam on exit; when a notebook's first
    figure is made inside it, pyplot's lazy backend set-up switches
    interactive mode on inside the context and the restore switched it off
    again, so later figures were no longer displayed inline.
    """
    saved = {k: matplotlib.rcParams[k] for k in params}
    matplotlib.rcParams.update(params)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


@contextlib.contextmanager
def styled(lang: str | None = None) -> Iterator[str]:
    """Context in which a chart is built: house rcParams, yields the language to use.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        The chart's language; None means the ``lang`` setting in force.

    Yields
    ------
    str
        The language to label the chart in, ``"en"`` or ``"zh"``; the rcParams set on entry are restored on exit.
    """
    with _rc(rc_params()):
        yield get_lang(lang)


# -------------------------------------------------------------------- saving
def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """*fig* rendered as PNG or SVG with fixed metadata (no date, no software version).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render (checked first with :func:`check_figure_text`).
    fmt : {"png", "svg"}
        The file format; PNG at :data:`PNG_DPI` dpi, SVG with text as outlines.

    Returns
    -------
    bytes
        The file's content, on a white background with tight bounding box; the same figure gives the same bytes.
    """
    check_figure_text(fig)
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}[fmt]
    buf = io.BytesIO()
    with _rc(rc_params()):
        fig.savefig(buf, format=fmt, dpi=PNG_DPI, metadata=meta, bbox_inches="tight",
                    pad_inches=SAVE_PAD_INCHES, facecolor="white")
    return buf.getvalue()


def figure_paths(name: str, figures_dir: Path | str) -> list[Path]:
    """The files :func:`save_figure` writes for *name*: ``<figures_dir>/<name>.png`` and ``.svg``.

    Parameters
    ----------
    name : str
    figures_dir : path

    Returns
    -------
    list of Path
    """
    if figures_dir is None:
        raise TypeError("figures_dir: name the folder the figure goes into (there is no default folder)")
    return [Path(figures_dir) / f"{name}.{fmt}" for fmt in ("png", "svg")]


def save_figure(fig: Figure, name: str, figures_dir: Path | str) -> None:
    """Write ``<name>.png`` (300 dpi) and ``<name>.svg`` into *figures_dir*, the folder the caller names.

    Same figure, same bytes: metadata is fixed and SVG ids are salted with a
    constant.  A file whose bytes would not change is not rewritten (its
    modification time stays), and each file is replaced atomically.  Returns
    None on purpose: as the last line of a notebook cell it prints nothing
    (no absolute paths in stored outputs; a trailing ``;`` does not silence
    a value under nbval).  :func:`figure_paths` names the files.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        The files' stem: letters, digits, ``_`` and ``-``.
    figures_dir : path
        The folder (created if missing); no default: nothing is written where the caller did not ask.

    Returns
    -------
    None
    """
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '_' or '-'")
    for path in figure_paths(name, figures_dir):
        write_if_changed(path, figure_bytes(fig, path.suffix[1:]))


__all__ = ["LANGS", "PLAN_PALETTE", "PLAN_MARKER_CYCLE", "OKABE_ITO", "TOL_MUTED", "SEQUENTIAL_CMAP", "MISSING_FACE",
           "MISSING_HATCH", "PNG_DPI", "MissingFontError", "cjk_font", "has_cjk", "require_cjk_font",
           "check_figure_text", "set_lang", "get_lang", "tr", "plan_labels", "unique_labels", "group_labels",
           "category_labels", "plan_color", "plan_marker", "plan_index", "distinct_colors", "cluster_colors",
           "sequential_cmap", "text_color_on",
           "rc_params", "apply_style", "styled", "figure_bytes", "figure_paths", "save_figure"]
