"""Reading the processed tables, and the helpers every comparison shares.

Kept apart from :mod:`analysis.compare` (the facade notebooks import) so the
comparison modules can use these without a circular import.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis import config, paths, schema
from analysis.pipeline import catalog


def processed_dir(processed: Path | str | None = None) -> Path:
    """The build folder *processed*, or ``data/processed`` when None (reading only: nothing here writes).

    Parameters
    ----------
    processed : path, optional
        A build folder.

    Returns
    -------
    Path
    """
    return Path(processed) if processed is not None else paths.PROCESSED


def read_table(name: str, processed: Path | str | None = None) -> pd.DataFrame:
    """One table of a build folder by name (see :mod:`analysis.schema`), text columns read as text.

    Empty cells stay NaN (an empty ``group`` means "no group line"); booleans
    written as ``True``/``False`` come back as booleans.  Reading changes no
    setting: the plans' order of a build is :func:`documents_plan_order` of its
    ``documents`` table, which :func:`analysis.report.load` carries with the build.

    Parameters
    ----------
    name : str
        A table of :data:`analysis.pipeline.catalog.TABLES` (``"actions"``, ``"assignments"`` …), or a
        file name in the folder.
    processed : path, optional
        The build folder (default ``data/processed``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    FileNotFoundError
        The table does not exist in the folder (build first).
    """
    known = catalog.TABLES.get(name)
    path = processed_dir(processed) / (known.file if known else name)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `python -m analysis build` first.")
    head = pd.read_csv(path, nrows=0).columns
    text = set(schema.text_columns(known)) if known else set()
    return pd.read_csv(path, dtype={c: "string" for c in head if c in text}).pipe(_plain_strings)


def documents_plan_order(documents: pd.DataFrame) -> list[str]:
    """The plans of a ``documents`` table in its (manifest) order, reference documents left out.

    Parameters
    ----------
    documents : pandas.DataFrame
        A build's ``documents`` table.

    Returns
    -------
    list of str
        Plan ids, for the ``plan_order`` setting (:mod:`analysis.config`).
    """
    if documents is None or "jurisdiction" not in documents:
        return []
    roles = documents["role"].fillna("plan") if "role" in documents else pd.Series("plan", index=documents.index)
    return [j for j, r in zip(documents["jurisdiction"], roles) if r != "reference" and isinstance(j, str)]


def _plain_strings(df: pd.DataFrame) -> pd.DataFrame:
    """pandas 'string' columns back to object with NaN for missing: plain values for printing and tests."""
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype):
            df[c] = df[c].astype(object).where(df[c].notna(), np.nan)
    return df


def read_processed(processed: Path | str | None = None, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of *names* that exists in a build folder.

    Parameters
    ----------
    processed : path, optional
        The build folder (default ``data/processed``).
    names : list of str, optional
        Table names (default: every table of :data:`analysis.pipeline.catalog.TABLES`).

    Returns
    -------
    dict
        ``{name: DataFrame}`` of the tables present, in the order of *names*.
    """
    folder = processed_dir(processed)
    wanted = list(names) if names is not None else list(catalog.TABLES)
    return {n: read_table(n, folder) for n in wanted
            if (folder / (catalog.TABLES[n].file if n in catalog.TABLES else n)).is_file()}


def corpus_plans() -> list[str]:
    """The plans of the ``plan_order`` setting in force (:mod:`analysis.config`), empty when none is set.

    Returns
    -------
    list of str
    """
    return list(config.plan_order_setting())


def plan_order(ids: Iterable[str]) -> list[str]:
    """*ids* in the corpus's order (the ``plan_order`` setting); the others follow as they come.

    Parameters
    ----------
    ids : iterable of str
        Plan ids (repeats and non-strings are dropped).

    Returns
    -------
    list of str
    """
    ids = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
    known = [j for j in config.plan_order_setting() if j in ids]
    return known + [j for j in ids if j not in known]


def plans_of(*frames: pd.DataFrame) -> list[str]:
    """The plans present in any of *frames* (column ``jurisdiction``), in the corpus's order.

    Parameters
    ----------
    *frames : pandas.DataFrame
        Tables (None and tables without ``jurisdiction`` are skipped).

    Returns
    -------
    list of str
    """
    ids: list[str] = []
    for f in frames:
        if f is not None and "jurisdiction" in f:
            ids += list(f["jurisdiction"].dropna())
    return plan_order(ids)


def has_group(series: pd.Series) -> pd.Series:
    """True where an action belongs to a group line (empty string and NaN mean none).

    Parameters
    ----------
    series : pandas.Series
        The ``group`` column of ``actions``.

    Returns
    -------
    pandas.Series of bool
    """
    return series.notna() & (series.astype(str).str.len() > 0) & (series.astype(str) != "nan")


def matrix(df: pd.DataFrame, value: str, index: str = "jurisdiction", columns: str = "group",
           index_order: list[str] | None = None, column_order: list[str] | None = None) -> pd.DataFrame:
    """Pivot a tidy table into a matrix (rows *index*, columns *columns*) in the given orders.

    NaN stays NaN, so "not assigned" / "no line" survives into the chart.

    Parameters
    ----------
    df : pandas.DataFrame
        A tidy table.
    value, index, columns : str
        The column of the cells, of the rows and of the columns.
    index_order, column_order : list, optional
        The rows' and the columns' order.  Default: plans in the corpus's order (:func:`plan_order`, plans
        not in the ``plan_order`` setting as they first appear in *df*), other values as they first appear.

    Returns
    -------
    pandas.DataFrame
        Floats, ``index.name`` and ``columns.name`` set.
    """
    m = df.pivot(index=index, columns=columns, values=value)
    seen_rows = [v for v in dict.fromkeys(df[index]) if v in m.index]
    seen_cols = [v for v in dict.fromkeys(df[columns]) if v in m.columns]
    rows = index_order if index_order is not None else (plan_order(seen_rows) if index == "jurisdiction"
                                                        else list(m.index))
    cols = column_order if column_order is not None else (plan_order(seen_cols) if columns == "jurisdiction"
                                                          else list(m.columns))
    m = m.reindex(index=rows, columns=cols).astype(float)
    m.index.name, m.columns.name = index, columns
    return m


__all__ = ["processed_dir", "read_table", "read_processed", "documents_plan_order", "plan_order", "corpus_plans",
           "plans_of",
           "has_group", "matrix"]
