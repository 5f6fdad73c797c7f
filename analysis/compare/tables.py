"""Reading the processed tables, and the helpers every comparison shares.

Kept apart from :mod:`analysis.compare` (the facade notebooks import) so the
comparison modules can use these without a circular import.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis import paths, schema
from analysis.pipeline import catalog

#: Files of data/processed the comparisons read (name -> file), from :mod:`analysis.pipeline.catalog`.
TABLE_FILES = {name: table.file for name, table in catalog.TABLES.items()}


def processed_dir(processed: Path | str | None = None) -> Path:
    return Path(processed) if processed is not None else paths.PROCESSED


def read_table(name: str, processed: Path | str | None = None) -> pd.DataFrame:
    """One table of ``data/processed`` by name (see :mod:`analysis.schema`), text columns read as text.

    Empty cells stay NaN (an empty ``group`` means "no group line"); booleans
    written as ``True``/``False`` come back as booleans.
    """
    known = catalog.TABLES.get(name)
    path = processed_dir(processed) / (known.file if known else name)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `python -m analysis build` first.")
    head = pd.read_csv(path, nrows=0).columns
    text = set(schema.text_columns(known)) if known else set()
    df = pd.read_csv(path, dtype={c: "string" for c in head if c in text}).pipe(_plain_strings)
    if name == "documents" and "jurisdiction" in df:
        roles = df["role"] if "role" in df else pd.Series(["plan"] * len(df))
        set_plan_order(j for j, r in zip(df["jurisdiction"], roles) if r != "reference")
    return df


def _plain_strings(df: pd.DataFrame) -> pd.DataFrame:
    """pandas 'string' columns back to object with NaN for missing: plain values for printing and tests."""
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype):
            df[c] = df[c].astype(object).where(df[c].notna(), np.nan)
    return df


def read_processed(processed: Path | str | None = None, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of *names* (default: all of :data:`TABLE_FILES`) that exists in *processed*."""
    folder = processed_dir(processed)
    wanted = list(names) if names is not None else list(TABLE_FILES)
    return {n: read_table(n, folder) for n in wanted if (folder / TABLE_FILES.get(n, n)).is_file()}


#: The corpus's plans in manifest order, registered when ``documents.csv`` is read (:func:`set_plan_order`).
_PLAN_ORDER: list[str] = []


def set_plan_order(ids: Iterable[str]) -> list[str]:
    """Register the order of the corpus's plans (manifest order); every table and chart follows it.

    :func:`read_table` calls it when it reads ``documents.csv`` (plans only,
    not reference documents), so a notebook never has to.
    """
    global _PLAN_ORDER
    _PLAN_ORDER = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
    return list(_PLAN_ORDER)


def corpus_plans() -> list[str]:
    """The registered plans, in manifest order (empty before ``documents.csv`` was read)."""
    return list(_PLAN_ORDER)


def plan_order(ids: Iterable[str]) -> list[str]:
    """*ids* in the corpus's order (manifest order, :func:`set_plan_order`); others follow as they come."""
    ids = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
    known = [j for j in _PLAN_ORDER if j in ids]
    return known + [j for j in ids if j not in known]


def plans_of(*frames: pd.DataFrame) -> list[str]:
    """The plans present in any of *frames* (column ``jurisdiction``), in the fixed order."""
    ids: list[str] = []
    for f in frames:
        if f is not None and "jurisdiction" in f:
            ids += list(f["jurisdiction"].dropna())
    return plan_order(ids)


def has_group(series: pd.Series) -> pd.Series:
    """True where an action belongs to a group line (empty string and NaN mean none)."""
    return series.notna() & (series.astype(str).str.len() > 0) & (series.astype(str) != "nan")


def matrix(df: pd.DataFrame, value: str, index: str = "jurisdiction", columns: str = "group",
           index_order: list[str] | None = None, column_order: list[str] | None = None) -> pd.DataFrame:
    """Pivot a tidy table into a matrix (rows *index*, columns *columns*) in the given orders.

    NaN stays NaN, so "not assigned" / "no line" survives into the chart.
    """
    m = df.pivot(index=index, columns=columns, values=value)
    rows = index_order if index_order is not None else (plan_order(m.index) if index == "jurisdiction"
                                                        else list(m.index))
    cols = column_order if column_order is not None else (plan_order(m.columns) if columns == "jurisdiction"
                                                          else list(m.columns))
    m = m.reindex(index=rows, columns=cols).astype(float)
    m.index.name, m.columns.name = index, columns
    return m


__all__ = ["TABLE_FILES", "processed_dir", "read_table", "read_processed", "plan_order", "set_plan_order",
           "corpus_plans", "plans_of",
           "has_group", "matrix"]
