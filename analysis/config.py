"""What a comparison or a chart reads besides its tables: the codebook, the plans' order, the language and the
plans' names -- set explicitly, or scoped to a block, in scikit-learn's manner.

Every comparison of :mod:`analysis.compare` and every chart of :mod:`analysis.plots` reads four settings:

``codebook``
    The codebook whose groups, department categories and instruments give the rows, columns and labels
    (a path, a :class:`~analysis.coding.codebook.Codebook`, or None: the package's own).
``plan_order``
    The corpus's plans in manifest order (a tuple of ids, or None: plans follow in the order they appear
    in the tables, which the build writes in manifest order).  Colours and markers of plans follow it.
``lang``
    ``"en"`` or ``"zh"``: the language of chart titles and of the names of plans, groups and categories.
``documents``
    The build's ``documents.csv`` table, for the plans' names in charts and tables (None: plans are
    named by their ids).

Nothing sets them as a side effect: reading a table or loading a build changes none of them.  A loaded
build (:func:`analysis.report.load`) carries its own in :attr:`~analysis.report.ReportData.config` and
enters them around its own calls; ``with r:`` (or ``with config_context(**r.config):``) runs any code
under them, and :func:`set_config` makes them the process's defaults (what a notebook about one build
does, through :meth:`~analysis.report.ReportData.activate`).

Scoped settings are held in a :class:`contextvars.ContextVar`: a ``config_context`` in one thread (or
asyncio task) is not seen by another, and leaving it restores what was there before, even on an error.
New threads start from the process's defaults.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from pathlib import Path
from typing import Iterable, Iterator

from analysis.errors import BuildError

#: The languages of charts and labels.
LANGS = ("en", "zh")

#: Every setting and its default.
DEFAULTS: dict[str, object] = {"codebook": None, "plan_order": None, "lang": "en", "documents": None}

_UNSET = object()
_global: dict[str, object] = dict(DEFAULTS)
_local: ContextVar[dict | None] = ContextVar("analysis_config", default=None)


def check_lang(lang: str) -> str:
    """*lang* if it is one of :data:`LANGS`.

    Parameters
    ----------
    lang : str
        A language code.

    Returns
    -------
    str
        *lang*.

    Raises
    ------
    ValueError
        *lang* is not ``"en"`` or ``"zh"``.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def _checked(values: dict) -> dict:
    """*values* validated and normalised (plan order as a tuple, a codebook path read once to fail early)."""
    unknown = sorted(set(values) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    out = dict(values)
    if "lang" in out:
        out["lang"] = check_lang(out["lang"])
    if out.get("plan_order") is not None:
        order = out["plan_order"]
        if isinstance(order, str):
            raise TypeError("plan_order is a list of plan ids, not one string")
        out["plan_order"] = tuple(i for i in dict.fromkeys(order) if isinstance(i, str))
    cb = out.get("codebook")
    if cb is not None:
        if isinstance(cb, (str, Path)):
            out["codebook"] = Path(cb)
            if not out["codebook"].is_file():
                raise BuildError(f"{cb}: no such codebook file (the codebook setting names a YAML file).")
        for check in _CHECKS.get("codebook", ()):
            check(out["codebook"])  # a bad codebook fails here, not at the first comparison
    docs = out.get("documents")
    if docs is not None and not hasattr(docs, "itertuples"):
        raise TypeError(f"documents is the documents table (a DataFrame), not {type(docs).__name__}")
    return out



#: Checks of a setting's value, registered by the module that owns what the setting names (the codebook module
#: registers the codebook's: this module imports nothing of the package, so settings sit below everything).
_CHECKS: dict[str, list] = {}


def register_check(name: str, check) -> None:
    """Have :func:`set_config` and :func:`config_context` call *check(value)* on every new value of setting *name*.

    Parameters
    ----------
    name : str
        A setting of :data:`DEFAULTS`.
    check : callable
        Called with the value (a path as :class:`~pathlib.Path`); raises to refuse it.

    Returns
    -------
    None
    """
    if name not in DEFAULTS:
        raise TypeError(f"unknown setting {name!r}; known: {', '.join(DEFAULTS)}")
    checks = _CHECKS.setdefault(name, [])
    if check not in checks:
        checks.append(check)

def get_config() -> dict:
    """The settings in force here: the innermost :func:`config_context`, else the process's defaults.

    Returns
    -------
    dict
        ``{"codebook", "plan_order", "lang", "documents"}`` (a copy: changing it changes nothing).
    """
    local = _local.get()
    return dict(local if local is not None else _global)


def set_config(*, codebook=_UNSET, plan_order=_UNSET, lang=_UNSET, documents=_UNSET) -> None:
    """Set settings explicitly: inside a :func:`config_context`, until it ends; outside one, for the process.

    Parameters
    ----------
    codebook : path, Codebook or None, optional
        The codebook comparisons and charts read (None: the package's).
    plan_order : list of str or None, optional
        The plans in the corpus's order (None: as they appear in the tables).
    lang : {"en", "zh"}, optional
        The language of labels and chart titles.
    documents : pandas.DataFrame or None, optional
        The documents table the plans' names come from.

    Returns
    -------
    None
        A setting not given keeps its value.
    """
    given = {k: v for k, v in (("codebook", codebook), ("plan_order", plan_order), ("lang", lang),
                                ("documents", documents)) if v is not _UNSET}
    values = _checked(given)
    local = _local.get()
    if local is None:
        _global.update(values)
    else:
        local.update(values)


def reset_config() -> None:
    """Every process-wide setting back to its default (:data:`DEFAULTS`).

    Returns
    -------
    None
    """
    _global.clear()
    _global.update(DEFAULTS)


@contextlib.contextmanager
def config_context(*, codebook=_UNSET, plan_order=_UNSET, lang=_UNSET, documents=_UNSET) -> Iterator[dict]:
    """Settings for the code inside a ``with`` block; leaving it restores what was in force before.

    Parameters
    ----------
    codebook : path, Codebook or None, optional
        The codebook comparisons and charts read (None: the package's).
    plan_order : list of str or None, optional
        The plans in the corpus's order (None: as they appear in the tables).
    lang : {"en", "zh"}, optional
        The language of labels and chart titles.
    documents : pandas.DataFrame or None, optional
        The documents table the plans' names come from.

    Yields
    ------
    dict
        The settings in force inside the block (a setting not given keeps the outer value).

    Examples
    --------
    >>> from analysis import config_context, compare
    >>> with config_context(plan_order=["b", "a"]):
    ...     compare.plan_order(["a", "b", "c"])
    ['b', 'a', 'c']
    """
    given = {k: v for k, v in (("codebook", codebook), ("plan_order", plan_order), ("lang", lang),
                                ("documents", documents)) if v is not _UNSET}
    new = {**get_config(), **_checked(given)}
    token = _local.set(new)
    try:
        yield dict(new)
    finally:
        _local.reset(token)


def codebook_setting():
    """The ``codebook`` setting in force (a Path, a Codebook or None).

    Returns
    -------
    Path, Codebook or None
    """
    return get_config()["codebook"]


def plan_order_setting() -> tuple[str, ...]:
    """The plans' order in force (empty when none is set).

    Returns
    -------
    tuple of str
    """
    return tuple(get_config()["plan_order"] or ())


def lang_setting() -> str:
    """The language in force.

    Returns
    -------
    str
    """
    return str(get_config()["lang"])


def documents_setting():
    """The documents table in force, or None.

    Returns
    -------
    pandas.DataFrame or None
    """
    return get_config()["documents"]


def settings_of(codebook=None, plan_order: Iterable[str] | None = None, lang: str = "en", documents=None) -> dict:
    """A complete, validated set of settings (every key of :data:`DEFAULTS`), e.g. for one build.

    Parameters
    ----------
    codebook : path, Codebook or None
        The codebook.
    plan_order : list of str or None
        The plans' order.
    lang : {"en", "zh"}
        The language.
    documents : pandas.DataFrame or None
        The documents table.

    Returns
    -------
    dict
        Keyword arguments for :func:`config_context` and :func:`set_config`.
    """
    return _checked({"codebook": codebook, "plan_order": plan_order, "lang": lang, "documents": documents})


__all__ = ["LANGS", "DEFAULTS", "check_lang", "get_config", "set_config", "reset_config", "config_context",
           "codebook_setting", "plan_order_setting", "lang_setting", "documents_setting", "settings_of"]
