"""The report's main tables as HTML pages, each row linked to its span on the plan's evidence page.

``tables/<name>.html`` for every table of :data:`PAGES` the build wrote:
every row, every column (escaped), and a first column ``text`` linking to
``../evidence/<plan>.html#<anchor>`` (:func:`analysis.report.evidence.row_anchor`),
where the span the row describes is highlighted.  ``tables/index.html`` lists
them with the CSV files they show (``processed/<file>``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compare.tables import read_table
from analysis.files import write_if_changed
from analysis.pipeline import catalog
from analysis.report.evidence import row_anchor
from analysis.report.markup import anchor_id, html_text, safe_href
from analysis.report.pages import page, table_html

#: The tables that get a page, in order: name -> what a row is.
PAGES = {
    "actions": "one action or safeguard (a unit)",
    "assignments": "one department named for an action, with its role",
    "group_mentions": "one mention of a target group",
    "targets": "one quantified commitment",
    "instruments": "one policy instrument of an action, with its evidence clause",
    "clusters": "one clustered action and its cluster",
}

CSS = "td{max-width:40em}td.link{white-space:nowrap}"


def _cell(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return html_text(str(int(v)))
    return html_text(v)


def table_page(name: str, df: pd.DataFrame, file: str) -> str:
    """The page of table *name*: every row of *df*, linked to its span.

    Parameters
    ----------
    name : str
        A key of :data:`PAGES`.
    df : pandas.DataFrame
        The table as the build wrote it.
    file : str
        Its CSV file name (for the page's note).

    Returns
    -------
    str
        A complete HTML page; rows without a span (no offsets) have no link.
    """
    columns = [c for c in df.columns]
    rows = []
    for r in df.to_dict("records"):
        anchor = row_anchor(name, r)
        j = r.get("jurisdiction")
        if anchor and isinstance(j, str) and j:
            href = safe_href(f"../evidence/{anchor_id(j)}.html#{anchor}")
            link = f'<a href="{href}">text</a>'
        else:
            link = ""
        rows.append([link] + [_cell(r.get(c)) for c in columns])
    numeric = {i + 1 for i, c in enumerate(columns) if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])}
    body = (f"<h1>{html_text(name)}</h1><p>One row per {html_text(PAGES.get(name, 'row'))}: "
            f"<code>processed/{html_text(file)}</code>, {len(df)} rows. The first column links each row to its "
            "span on the plan's evidence page; the columns are described in the package's data dictionary "
            "(docs/data-dictionary.md).</p>"
            + table_html(["text"] + columns, rows, numeric=numeric))
    return page(f"Table {name}", body.replace("<td><a href", '<td class="link"><a href'), CSS, up="../")


def write_table_pages(processed: Path | str, out: Path | str) -> list[Path]:
    """Write ``<out>/<name>.html`` for every table of :data:`PAGES` in *processed*, and ``<out>/index.html``.

    Parameters
    ----------
    processed : path
        The build folder.
    out : path
        The folder to write into (created).

    Returns
    -------
    list of Path
        The pages written, the index last.
    """
    folder, out = Path(processed), Path(out)
    written, listed, files = [], [], set()
    for name, what in PAGES.items():
        file = catalog.TABLES[name].file if name in catalog.TABLES else f"{name}.csv"
        if not (folder / file).is_file():
            continue
        df = read_table(name, folder)
        target = out / f"{name}.html"
        write_if_changed(target, table_page(name, df, file).encode("utf-8"))
        written.append(target)
        files.add(file)
        listed.append([f'<a href="{safe_href(target.name)}">{html_text(name)}</a>', html_text(what), str(len(df)),
                       f'<a href="{safe_href("../processed/" + file)}">{html_text(file)}</a>'])
    others = sorted(p.name for p in folder.glob("*.csv") if p.name not in files)
    body = ("<h1>Tables</h1><p>The build's main tables, each row linked to its evidence. Every table of the build is "
            "a CSV file in <code>processed/</code>.</p>"
            + table_html(["table", "one row is", "rows", "CSV"], listed, numeric={2})
            + "<p>Other tables of the build: " + ", ".join(
                f'<a href="{safe_href("../processed/" + f)}">{html_text(f)}</a>' for f in others) + ".</p>")
    index = out / "index.html"
    write_if_changed(index, page("Tables", body, up="../").encode("utf-8"))
    return written + [index]


__all__ = ["table_page", "write_table_pages", "PAGES"]
