"""The report's front page (``index.html``): what was compared, what was found, what went wrong, where to look.

Sections, in order:

1. **The corpus** -- one row per document of ``documents.csv``: names, level,
   genre, issuer, document number, date, period, the framework it implements,
   its literacy target, actions and safeguards, and a link to its evidence page;
2. **Findings** -- the generated headline findings with their intervals
   (:func:`analysis.report.findings.headlines`, the sentences of the README)
   and the corpus design (:func:`analysis.report.findings.corpus_design`),
   rendered from their Markdown after :func:`~analysis.report.markup.sanitize_markdown`;
3. **Warnings of the build** -- the build's own warnings, the plans left out of
   the comparisons (no action recognised; reference documents), the text no
   unit covers (:func:`analysis.report.evidence.uncovered`, linked to the
   evidence pages), what normalisation found (``qa_report.csv`` by kind) and
   the codebook gaps (``codebook_gaps.csv``);
4. **Figures** -- every figure as a thumbnail with its caption (from
   :data:`analysis.report.figures.FIGURES`), linking to the full-size PNG and SVG;
5. **Notebooks** -- each with its page for readers (outputs only) and the full
   page (with code), and the executed ``.ipynb``;
6. **Evidence and tables** -- links to the evidence pages and the table pages.

Every value from the data is escaped (:mod:`analysis.report.markup`).
"""
from __future__ import annotations

import json
from pathlib import Path

import mistune
import numpy as np
import pandas as pd

from analysis.report.figures import FIGURES
from analysis.report.markup import anchor_id, html_text, safe_href, sanitize_markdown
from analysis.report.pages import page, table_html

#: ``qa_report.csv`` kinds that point at possible damage or lost content (shown first, as warnings).
DAMAGE_KINDS = ("erratum", "numbering", "export_artifact")

CSS = """
.figs{display:flex;flex-wrap:wrap;gap:1em}
figure{width:300px;margin:0}figure img{width:300px;height:190px;object-fit:contain;border:1px solid #ddd;
 background:#fff}figcaption{font-size:.82em;color:#333}
ul.findings li{margin-bottom:.4em}
"""


def _s(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def markdown_html(markdown: str) -> str:
    """Generated Markdown as HTML: :func:`~analysis.report.markup.sanitize_markdown`, then mistune (which
    renders the remaining text escaped and harmful link schemes as ``#harmful-link``).

    Parameters
    ----------
    markdown : str
        Markdown from :mod:`analysis.report.findings`.

    Returns
    -------
    str
        HTML (paragraphs, lists, emphasis, code, tables) with no tag, link or image from the text.
    """
    md = mistune.create_markdown(escape=False, plugins=["table"])
    return md(sanitize_markdown(markdown))


def corpus_section(docs: pd.DataFrame) -> str:
    """The corpus table: one row per document of ``documents.csv`` (escaped), with its evidence page.

    Parameters
    ----------
    docs : pandas.DataFrame
        ``documents.csv``.

    Returns
    -------
    str
        HTML: the section heading, a note, and the table (one row per document, in table order).
    """
    rows = []
    for d in docs.to_dict("records"):
        j = _s(d.get("jurisdiction"))
        names = " / ".join(html_text(x) for x in (_s(d.get("name_zh")), _s(d.get("name_en"))) if x)
        period = "–".join(x for x in (_s(d.get("period_start")), _s(d.get("period_end"))) if x)
        target = ""
        if _s(d.get("literacy_target_pct")):
            target = f"{_s(d.get('literacy_target_pct'))}% by {_s(d.get('literacy_target_year'))}".strip()
        role = _s(d.get("role")) or "plan"
        rows.append([f'<a href="{safe_href("evidence/" + anchor_id(j) + ".html")}"><code>{html_text(j)}</code></a>',
                     names, html_text(role), html_text(_s(d.get("level"))), html_text(_s(d.get("genre"))),
                     html_text(_s(d.get("issuer"))), html_text(_s(d.get("doc_number"))),
                     html_text(_s(d.get("issued"))[:10]), html_text(period), html_text(_s(d.get("framework"))),
                     html_text(target) or "none stated", html_text(_s(d.get("n_actions"))),
                     html_text(_s(d.get("n_safeguards")))])
    return ("<h2 id=\"corpus\">The corpus</h2><p>What each document is, as the manifest and the document's own text "
            "say (<code>processed/documents.csv</code>); the id links to the document's evidence page.</p>"
            + table_html(["id", "jurisdiction", "role", "level", "genre", "issuer", "document", "issued", "period",
                          "framework it implements", "literacy target", "actions", "safeguards"], rows,
                         numeric={11, 12}))


def findings_section(findings_md: str | None, error: str | None = None) -> str:
    """The findings: generated Markdown rendered safely, or why it is missing.

    Parameters
    ----------
    findings_md : str or None
        Generated Markdown of the findings (None or empty: none shown).
    error : str, optional
        Why the findings could not be written, shown as a warning.

    Returns
    -------
    str
        HTML of the section.
    """
    out = ["<h2 id=\"findings\">Findings</h2>"]
    if findings_md:
        out.append(markdown_html(findings_md).replace("<ul>", '<ul class="findings">', 1))
        out.append('<p class="note">Generated from the tables by the functions that write the notebooks\' sentences '
                   "(analysis.report.findings). Intervals are 95% intervals; how each one is computed, and which "
                   "unit it resamples or counts, is stated in the notebook that shows the finding (and in the "
                   "package's docs/methods.md).</p>")
    if error:
        out.append(f'<p class="warn">The findings could not be written: {html_text(error)}</p>')
    return "\n".join(out)


def warnings_section(warnings: list[str], docs: pd.DataFrame, uncovered: pd.DataFrame, qa: pd.DataFrame | None,
                     gaps: pd.DataFrame | None, limit: int = 30) -> str:
    """The build's warnings, plans left out, text no unit covers, what normalisation found, codebook gaps.

    Parameters
    ----------
    warnings : list of str
        The build's warnings.
    docs : pandas.DataFrame
        ``documents.csv`` (plans without actions, reference documents).
    uncovered : pandas.DataFrame
        :func:`analysis.report.evidence.uncovered` (``jurisdiction, start, chars, snippet``).
    qa, gaps : pandas.DataFrame or None
        ``qa_report.csv`` (counted by plan and kind) and ``codebook_gaps.csv``; None or empty: nothing found.
    limit : int
        Most rows listed of the uncovered text and of the codebook gaps (the page says how many there are).

    Returns
    -------
    str
        HTML of the section and its four sub-sections.
    """
    out = ["<h2 id=\"warnings\">Warnings of the build</h2>"]
    if warnings:
        out.append("<ul>" + "".join(f'<li class="warn">{html_text(w)}</li>' for w in warnings) + "</ul>")
    else:
        out.append("<p>The build gave no warning.</p>")
    role = docs["role"].fillna("plan") if "role" in docs else pd.Series("plan", index=docs.index)
    n_act = pd.to_numeric(docs.get("n_actions", pd.Series(0, index=docs.index)), errors="coerce").fillna(0)
    left = docs[(role != "reference") & (n_act == 0)]
    refs = docs[role == "reference"]
    out.append("<h3>Plans left out</h3>")
    if len(left):
        out.append("<p class=\"warn\">No action was recognised in: " + ", ".join(
            f'<a href="{safe_href("evidence/" + anchor_id(j) + ".html")}"><code>{html_text(j)}</code></a>'
            for j in left["jurisdiction"].astype(str)) + ". These plans are in the corpus table but in no comparison "
            "of actions; their evidence pages show the text the parser read (docs/corpus.md lists the layouts "
            "it knows).</p>")
    else:
        out.append("<p>Every plan has at least one recognised action.</p>")
    if len(refs):
        out.append("<p>Reference documents (compared for reuse only, counted in no share): " + ", ".join(
            f"<code>{html_text(j)}</code>" for j in refs["jurisdiction"].astype(str)) + ".</p>")
    out.append("<h3>Text no unit covers</h3>")
    if len(uncovered):
        rows = []
        for r in uncovered.head(limit).to_dict("records"):
            j = str(r["jurisdiction"])
            href = safe_href(f"evidence/{anchor_id(j)}.html#{anchor_id('g', j, r['start'])}")
            rows.append([f"<code>{html_text(j)}</code>", str(int(r["start"])), str(int(r["chars"])),
                         f'<a href="{href}">{html_text(r["snippet"])}</a>'])
        more = f" The first {limit} of {len(uncovered)} are listed." if len(uncovered) > limit else ""
        out.append("<p>Stretches of text outside every action, safeguard, department list, heading and section "
                   "text: usually a web page's header and footer or a title block, but content the segmentation "
                   f"missed would show here too.{more}</p>"
                   + table_html(["plan", "offset", "characters", "text (links to the evidence page)"], rows,
                                numeric={1, 2}))
    else:
        out.append("<p>All text lies in a unit, a department list, a heading or a section's own text.</p>")
    out.append("<h3>What normalisation found</h3>")
    if qa is not None and len(qa):
        counts = qa.groupby(["document", "kind"], sort=False)["count"].apply(
            lambda c: int(pd.to_numeric(c, errors="coerce").fillna(1).sum())).reset_index()
        rows = [[f"<code>{html_text(r.document)}</code>",
                 (f'<span class="warn">{html_text(r.kind)}</span>' if str(r.kind) in DAMAGE_KINDS
                  or str(r.kind).startswith("suspect") else html_text(r.kind)), str(int(r.count))]
                for r in counts.itertuples()]
        out.append("<p>Every repair and every sign of possible damage, by plan and kind "
                   "(<a href=\"processed/qa_report.csv\">qa_report.csv</a>; its columns say where and what; "
                   "kinds that may mean damaged or lost text are marked).</p>"
                   + table_html(["plan", "kind", "count"], rows, numeric={2}))
    else:
        out.append("<p>qa_report.csv is empty.</p>")
    out.append("<h3>Codebook gaps</h3>")
    if gaps is not None and len(gaps):
        rows = [[html_text(_s(r.get("kind"))), html_text(_s(r.get("name"))), html_text(_s(r.get("suggested"))),
                 html_text(_s(r.get("plans"))), html_text(_s(r.get("count")))]
                for r in gaps.head(limit).to_dict("records")]
        out.append(f"<p class=\"warn\">{len(gaps)} name(s) the codebook does not code, kept as <code>uncoded</code> "
                   "(<a href=\"processed/codebook_gaps.csv\">codebook_gaps.csv</a>"
                   + (f"; the first {limit} are listed" if len(gaps) > limit else "") + ").</p>"
                   + table_html(["kind", "name", "suggested", "plans", "count"], rows, numeric={4}))
    else:
        out.append("<p>The codebook coded every department and group name.</p>")
    return "\n".join(out)


def figures_section(figures: list[str]) -> str:
    """Every figure (PNG names of the report's ``figures/``) as a thumbnail with its caption, registry order first.

    Parameters
    ----------
    figures : list of str
        File names in the report's ``figures/``; figures are the ``.png`` names, an SVG is linked where present.

    Returns
    -------
    str
        HTML of the section; registered figures first, then unregistered ones by name.
    """
    names = [n for n in FIGURES if f"{n}.png" in figures]
    names += sorted(f[:-4] for f in figures if f.endswith(".png") and f[:-4] not in FIGURES)
    items = []
    for n in names:
        nb, caption = FIGURES.get(n, ("", ""))
        png, svg = safe_href(f"figures/{n}.png"), safe_href(f"figures/{n}.svg")
        svg_link = f' · <a href="{svg}">SVG</a>' if f"{n}.svg" in figures else ""
        where = f" ({html_text(nb.removesuffix('.ipynb'))})" if nb else ""
        items.append(f'<figure id="{html_text(anchor_id("fig", n))}"><a href="{png}"><img src="{png}" '
                     f'alt="{html_text(caption or n)}" loading="lazy"></a><figcaption><b>{html_text(n)}</b>{where}: '
                     f'{html_text(caption)} <a href="{png}">full size</a>{svg_link}</figcaption></figure>')
    return ("<h2 id=\"figures\">Figures</h2>" + (f'<div class="figs">{"".join(items)}</div>' if items
                                                  else "<p>No figure was drawn.</p>"))


def notebooks_section(notebooks: list[dict]) -> str:
    """The notebooks: title, page for readers, full page, executed notebook.

    Parameters
    ----------
    notebooks : list of dict
        ``stem``, ``title`` (optional), ``reader``, ``full``, ``ipynb`` (relative links) per notebook.

    Returns
    -------
    str
        HTML of the section, one table row per notebook in the order given.
    """
    rows = [[html_text(n["stem"]), html_text(n.get("title", "")),
             f'<a href="{safe_href(n["reader"])}">for readers</a>', f'<a href="{safe_href(n["full"])}">with code</a>',
             f'<a href="{safe_href(n["ipynb"])}">.ipynb</a>'] for n in notebooks]
    return ("<h2 id=\"notebooks\">Notebooks</h2><p>Each notebook's page for readers shows its text, tables and "
            "figures without the code; the full page shows the code too.</p>"
            + table_html(["notebook", "title", "", "", ""], rows))


def front_page(title: str, summary: str, docs: pd.DataFrame, findings_md: str | None, findings_error: str | None,
               warnings: list[str], uncovered: pd.DataFrame, qa: pd.DataFrame | None, gaps: pd.DataFrame | None,
               figures: list[str], notebooks: list[dict]) -> str:
    """The whole front page (see the module docstring); every argument is data, escaped here.

    Parameters
    ----------
    title, summary : str
        The page's title and its first paragraph.
    docs : pandas.DataFrame
        ``documents.csv``.
    findings_md : str or None
        Generated Markdown of the findings.
    findings_error : str or None
        Why the findings are missing, if they are.
    warnings : list of str
        The build's warnings.
    uncovered : pandas.DataFrame
        :func:`analysis.report.evidence.uncovered`.
    qa, gaps : pandas.DataFrame or None
        ``qa_report.csv`` and ``codebook_gaps.csv``.
    figures : list of str
        File names in the report's ``figures/``.
    notebooks : list of dict
        ``stem``, ``title``, ``reader``, ``full``, ``ipynb`` (relative links) per notebook.

    Returns
    -------
    str
        The page.
    """
    toc = ('<p class="note">On this page: <a href="#corpus">corpus</a> · <a href="#findings">findings</a> · '
           '<a href="#warnings">warnings</a> · <a href="#figures">figures</a> · <a href="#notebooks">notebooks</a> · '
           '<a href="#evidence">evidence and tables</a></p>')
    body = "\n".join([
        f"<h1>{html_text(title)}</h1><p>{html_text(summary)}</p>{toc}",
        corpus_section(docs), findings_section(findings_md, findings_error),
        warnings_section(warnings, docs, uncovered, qa, gaps), figures_section(figures),
        notebooks_section(notebooks),
        "<h2 id=\"evidence\">Evidence and tables</h2><p><a href=\"evidence/index.html\">Evidence pages</a>: each "
        "plan's text with every coded span highlighted and labelled. <a href=\"tables/index.html\">Table pages</a>: "
        "the main tables, each row linked to its span. All tables of the build: <a href=\"processed/\">processed/</a> "
        "(CSV, described in the package's docs/data-dictionary.md).</p>"])
    return page(title, body, CSS)


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook (``""`` if none).

    Parameters
    ----------
    path : pathlib.Path
        An ``.ipynb`` file (an unreadable or invalid file gives ``""``).

    Returns
    -------
    str
        The heading's text without its ``#`` marks.
    """
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for c in nb.get("cells", []):
        if c.get("cell_type") == "markdown":
            src = "".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for line in src.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


__all__ = ["front_page", "markdown_html", "corpus_section", "findings_section", "warnings_section",
           "figures_section", "notebooks_section", "notebook_title", "DAMAGE_KINDS"]
