"""The catalogue of every table the build writes: the core tables of :mod:`analysis.schema` and the
tables of the registered coding dimensions (:mod:`analysis.coding.registry`), with ``actions.csv``
extended by each dimension's per-action columns.

Order: the per-plan tables (documents, actions, one table per dimension, sections, QA report),
then the cross-plan tables.  Everything that writes, reads or documents a table asks here.
"""
from __future__ import annotations

from dataclasses import replace

from analysis import schema
from analysis.coding.registry import DIMENSIONS
from analysis.schema import Table


def _catalog() -> dict[str, Table]:
    core = schema.CORE_TABLES
    actions = core["actions"]
    actions = replace(actions, columns=actions.columns + tuple(c for d in DIMENSIONS for c in d.action_columns))
    out = {"documents": core["documents"], "actions": actions}
    out.update({d.table.name: d.table for d in DIMENSIONS})
    out.update({n: t for n, t in core.items() if n not in out})
    return out


#: Every output table by name.
TABLES: dict[str, Table] = _catalog()


def table(name: str) -> Table:
    """The table called *name* (``KeyError`` naming the known tables otherwise)."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; known: {', '.join(TABLES)}") from None


def columns(name: str) -> list[str]:
    """Column names of table *name*, in order."""
    return table(name).column_names


def frame(rows, name: str):
    """A DataFrame of *rows* with exactly the columns of table *name*."""
    return schema.frame(rows, table(name))


def data_dictionary() -> str:
    """The data dictionary of every table (Markdown), and of the build's other files."""
    from analysis.pipeline.output import CACHE_DIR, MARKER, TAG
    from analysis.pipeline.params import INPUTS_FILE, PARAMETERS_FILE

    return schema.data_dictionary(TABLES.values()) + "\n".join([
        "", "## Other files of a build", "",
        "- `codebook.yaml`: a copy of the codebook the build coded with (`--codebook`, or the package's); "
        "`analysis.report.load` makes it the codebook of every comparison of the build.",
        f"- `{PARAMETERS_FILE}`: every parameter of the cross-plan stage and the value the build used "
        "(see [parameters](parameters.md)); written with the cross-plan tables.",
        f"- `{INPUTS_FILE}`: the documents the cross-plan tables describe, each id with the SHA-256 of its text; "
        "a `--no-similarity` build that keeps those tables warns when the texts have changed since.",
        f"- `{MARKER}`: the files the build wrote, each with its SHA-256. A later build overwrites only a folder "
        "holding this marker, and only the files it lists (see [bad input and safety](safety.md)).",
        f"- `{CACHE_DIR}/`: the per-plan results of the build, one `<plan>.json` each, keyed on the plan's raw file, "
        "manifest row and errata, the codebook and the code; the next build into this folder extracts only the "
        f"plans whose key changed (`--no-cache`: every plan). Marked by its `{TAG}`, not listed in the marker "
        "(it changes with the code, the tables need not), never committed; safe to delete.", ""])


__all__ = ["TABLES", "table", "columns", "frame", "data_dictionary"]
