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
    :func:`set_lang`, or pass ``lang=`` to a chart function.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import Colormap, hsv_to_rgb, to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis import config
from analysis.coding.codebook import load_codebook
from analysis.corpus import levels
from analysis.files import write_if_changed

LANGS = config.LANGS

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
    """Does *text* hold a character only a CJK font can draw?"""
    return isinstance(text, str) and bool(_CJK.search(text))


def require_cjk_font(texts: Iterable[object] = ("中文",)) -> None:
    """Raise :class:`MissingFontError` if any of *texts* is Chinese and no CJK font exists."""
    bad = next((t for t in texts if has_cjk(t)), None)
    if bad is not None and cjk_font() is None:
        raise MissingFontError(f"No CJK font found to draw Chinese text such as {bad!r}. {INSTALL_HINT}")


def check_figure_text(fig: Figure) -> Figure:
    """Fail early (before saving) if *fig* holds Chinese text and no CJK font exists."""
    require_cjk_font(t.get_text() for t in fig.findobj(Text))
    return fig


# ------------------------------------------------------------------ language
def set_lang(lang: str) -> str:
    """Set the label language on purpose (``analysis.set_config(lang=...)``), for the process or the
    :func:`analysis.config_context` it is called in.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    str
    """
    config.set_config(lang=lang)
    return config.lang_setting()


def get_lang(lang: str | None = None) -> str:
    """*lang* if given (validated), else the ``lang`` setting in force (:mod:`analysis.config`).

    Parameters
    ----------
    lang : {"en", "zh"}, optional

    Returns
    -------
    str
    """
    return check_lang(lang) if lang is not None else config.lang_setting()


check_lang = config.check_lang


def tr(en: str, zh: str, lang: str | None = None) -> str:
    """Pick the English or Chinese wording of a chart string."""
    return zh if get_lang(lang) == "zh" else en


def _short_en(name: str) -> str:
    """Chart-length English name: the codebook's name without its parenthesised note."""
    return re.split(r"\s*\(", str(name), maxsplit=1)[0].strip()


def _documents(documents: pd.DataFrame | None) -> pd.DataFrame | None:
    """*documents*, else the ``documents`` setting in force (a loaded build's table), else None (plans are then
    named by their ids: no file is read behind the caller's back)."""
    return documents if documents is not None else config.documents_setting()


def short_plan_name(name_zh: str | None, name_en: str | None, lang: str) -> str | None:
    """烟台市芝罘区 -> 芝罘; "Zhifu District, Yantai" -> Zhifu (charts need short tick labels)."""
    if lang == "zh" and isinstance(name_zh, str) and name_zh:
        return levels.short_name_zh(name_zh)
    if lang == "en" and isinstance(name_en, str) and name_en:
        first = name_en.split(",")[0]
        return re.sub(r"\s+(District|County|City|Municipality|Autonomous (Region|Prefecture|County|Banner)|"
                      r"Province|Prefecture|Banner|League|New Area)$", "", first).strip()
    return None


def plan_labels(documents: pd.DataFrame | None = None, lang: str | None = None,
                full: bool = False) -> dict[str, str]:
    """``{jurisdiction: label}`` for every plan, short by default (芝罘 / Zhifu).

    Names come from ``documents.csv`` (``name_zh`` / ``name_en``, i.e. the
    manifest); with ``full=True`` the names are returned as written there.
    A plan missing from the table is labelled by its id.

    Labels are unique: plans whose names give the same label (two plans of
    one place, e.g. an older and a newer plan of a city) are told apart by
    :func:`unique_labels` -- the year issued, else the first year of the
    period, else the plan's id -- so no table, chart or sentence merges them.
    """
    lang = get_lang(lang)
    docs = _documents(documents)
    out = {j: j.replace("_", " ").title() for j in config.plan_order_setting()}
    if docs is None:
        return out
    rows = {}
    for row in docs.itertuples(index=False):
        zh, en = getattr(row, "name_zh", None), getattr(row, "name_en", None)
        name = (zh if lang == "zh" else en) if full else short_plan_name(zh, en, lang)
        if isinstance(name, str) and name:
            out[row.jurisdiction] = name
        rows[row.jurisdiction] = row
    return unique_labels(out, [lambda j: _year(getattr(rows.get(j), "issued", None)),
                               lambda j: _year(getattr(rows.get(j), "period_start", None))])


def _year(value) -> str:
    """``"2022-09-25"`` -> ``"2022"``; ``2021.0`` or ``"2021.0"`` -> ``"2021"``; ``""`` when there is none."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})(?:\D|$)", value)
        return m.group(1) if m else ""
    if isinstance(getattr(value, "year", None), int):  # a date or timestamp (NaT has none)
        return str(value.year)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    return str(int(f)) if f == f and 1000 <= f < 10000 else ""


def unique_labels(labels: dict[str, str], keys: Iterable = ()) -> dict[str, str]:
    """*labels* (``{id: label}``) with every label unique, deterministically.

    Ids sharing a label get ``"<label> <key>"`` from the first of *keys*
    (functions of the id, e.g. its year issued) that gives each of them a
    different, non-empty value; when none does, ``"<label> (<id>)"``.  A
    label that still occurs twice (it equals another plan's name) becomes
    ``"<label> (<id>)"`` as well, and, failing even that, the id itself.
    Labels that are unique already are left as they are.
    """
    keys = list(keys)
    out = dict(labels)

    def clashes(d: dict[str, str]) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for j, lab in d.items():
            by.setdefault(lab, []).append(j)
        return {lab: js for lab, js in by.items() if len(js) > 1}

    for lab, ids in clashes(out).items():
        for key in keys:
            vals = [str(key(j) or "") for j in ids]
            if all(vals) and len(set(vals)) == len(vals):
                out.update({j: f"{lab} {v}" for j, v in zip(ids, vals)})
                break
        else:
            out.update({j: f"{lab} ({j})" for j in ids})
    for ids in clashes(out).values():  # a made label met another plan's name
        out.update({j: f"{labels[j]} ({j})" for j in ids})
    for ids in clashes(out).values():
        out.update({j: str(j) for j in ids})
    return out


def group_labels(lang: str | None = None) -> dict[str, str]:
    """``{group_id: label}`` from the codebook (青少年 / Youth)."""
    lang = get_lang(lang)
    return {g.id: (g.zh if lang == "zh" else _short_en(g.en)) for g in load_codebook().groups}


def category_labels(lang: str | None = None, short: bool = False) -> dict[str, str]:
    """``{category_id: label}`` for department categories, from the codebook (科协 / Association for ...).

    ``short=True`` gives chart-length English names (the codebook's ``short_en``);
    Chinese names are short already.
    """
    lang = get_lang(lang)
    return {c.id: (c.zh if lang == "zh" else (c.short_en if short and c.short_en else _short_en(c.en)))
            for c in load_codebook().categories}


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
    """The plan's colour: by its position in the corpus (:data:`PLAN_PALETTE`)."""
    return PLAN_PALETTE[plan_index(jurisdiction) % len(PLAN_PALETTE)]


def plan_marker(jurisdiction: str) -> str:
    """The plan's marker: the first for the first 17 plans, then the next one per round of colours."""
    i = plan_index(jurisdiction)
    return PLAN_MARKER_CYCLE[(i + i // len(PLAN_PALETTE)) % len(PLAN_MARKER_CYCLE)] if i >= len(PLAN_PALETTE) \
        else PLAN_MARKER_CYCLE[i % len(PLAN_MARKER_CYCLE)]


def distinct_colors(n: int) -> list[str]:
    """*n* colours that are all different: Tol's muted nine up to nine, else evenly spaced hues at
    alternating lightness (deterministic)."""
    if n <= len(TOL_MUTED):
        return TOL_MUTED[:n]

    out = []
    for i in range(n):
        h = (i * 0.618033988749895) % 1.0
        s, v = (0.75, 0.85) if i % 3 == 0 else ((0.55, 0.65) if i % 3 == 1 else (0.9, 0.55))
        out.append(to_hex(hsv_to_rgb((h, s, v))))
    return out


def cluster_colors(n: int) -> list[str]:
    """One distinct colour per cluster (:func:`distinct_colors`); charts also label clusters by number."""
    return distinct_colors(n)


def sequential_cmap() -> Colormap:
    """The heatmap colormap, with NaN drawn as the 'missing' grey."""
    return matplotlib.colormaps[SEQUENTIAL_CMAP].with_extremes(bad=MISSING_FACE)


def text_color_on(cmap: Colormap, fraction: float) -> str:
    """Black or white, whichever reads better on ``cmap(fraction)``."""
    r, g, b, _ = cmap(min(max(fraction, 0.0), 1.0))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


# ---------------------------------------------------------------- rcParams
def rc_params() -> dict:
    """rcParams of the house style: print-legible sizes, CJK font first, deterministic SVG."""
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
    """Use the house style for every figure from now on (call once at the top of a notebook)."""
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
    """Context in which a chart is built: house rcParams, yields the language to use."""
    with _rc(rc_params()):
        yield get_lang(lang)


# -------------------------------------------------------------------- saving
def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """*fig* rendered as PNG or SVG with fixed metadata (no date, no software version)."""
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
           "category_labels",
           "plan_color", "plan_marker", "plan_index", "distinct_colors", "cluster_colors", "sequential_cmap", "text_color_on",
           "rc_params", "apply_style", "styled", "figure_bytes", "figure_paths", "save_figure"]
