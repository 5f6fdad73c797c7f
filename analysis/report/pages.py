"""The frame of every HTML page the report writes itself: head, content-security policy, house CSS.

Every page is static: no script, no request to another site.  A
``Content-Security-Policy`` in the head (:data:`CSP`) tells the browser so --
no script of any kind runs, nothing is loaded from elsewhere, no form is sent
-- so even a value that escaped its escaping (:mod:`analysis.report.markup`)
could not run.  The exported notebook pages get the same policy
(:func:`analysis.report.own_corpus.export_html`).
"""
from __future__ import annotations

from analysis.report.markup import html_text

#: What a report page may load: its own files (figures), embedded images and inline styles; no script, frame,
#: object or form, nothing from another site.
CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
       "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")
#: The ``<meta>`` element that sets :data:`CSP`.
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
#: The name every page carries as its generator (``<meta name="generator">``).
GENERATOR = "python -m analysis report"

BASE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC","Noto Sans SC",sans-serif;
 max-width:72em;margin:1.5em auto;padding:0 1em;line-height:1.5;color:#111}
nav{font-size:.9em;margin-bottom:1em}nav a{margin-right:1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-size:.9em;color:#444;caption-side:bottom;padding-top:.3em}
.note{color:#444;font-size:.9em}.warn{color:#8a4b00}
code{font-size:.95em;background:#f4f4f4;padding:0 .2em}
"""


def page(title: str, body: str, css: str = "", up: str = "", nav: bool = True) -> str:
    """A complete HTML page: *title* (escaped here), *body* (HTML the caller escaped), extra *css*.

    Parameters
    ----------
    title : str
        The page's title, as text.
    body : str
        The body's HTML; every value in it must already be escaped (:func:`~analysis.report.markup.html_text`).
    css : str
        Extra CSS after the house style.
    up : str
        Relative path from the page to the report's folder (``""`` or ``"../"``), for the navigation links.
    nav : bool
        Show the report's navigation links (not on pages outside a report).

    Returns
    -------
    str
        The page, ending in a newline, with the content-security policy :data:`CSP` in its head.
    """
    links = (f'<nav><a href="{up}index.html">Report</a><a href="{up}tables/index.html">Tables</a>'
           f'<a href="{up}evidence/index.html">Evidence</a></nav>') if nav else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"{CSP_META}<meta name=\"generator\" content=\"{GENERATOR}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"referrer\" content=\"no-referrer\"><title>{html_text(title)}</title>"
            f"<style>{BASE_CSS}{css}</style></head>\n<body>{links}\n{body}\n</body></html>\n")


def table_html(header: list[str], rows: list[list[str]], numeric: set[int] | None = None, caption: str = "",
               cls: str = "") -> str:
    """An HTML table of cells that are already HTML (escaped by the caller); *numeric* column indices align right.

    Parameters
    ----------
    header : list of str
        Column headings (text; escaped here).
    rows : list of list of str
        Cells as HTML.
    numeric : set of int, optional
        Columns to align right.
    caption : str
        A caption (text; escaped here).
    cls : str
        A class for the table.

    Returns
    -------
    str
        ``<table>…</table>``.
    """
    numeric = numeric or set()
    head = "".join(f"<th>{html_text(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                      for i, c in enumerate(r)) + "</tr>" for r in rows)
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    klass = f' class="{html_text(cls)}"' if cls else ""
    return f"<table{klass}>{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


__all__ = ["page", "table_html", "CSP", "CSP_META", "GENERATOR"]
