"""``python -m analysis report --raw DIR --out DIR``: one's own corpus, end to end.

Builds the tables of *raw* into ``OUT/processed``, executes every report
notebook against that build (their parameters cell pointed at it), saves the
figures into ``OUT/figures`` and writes a browsable HTML report:

- ``OUT/index.html``, the front page (:mod:`analysis.report.front`): the
  corpus, the generated findings, the build's warnings, every figure as a
  thumbnail, links to everything else;
- ``OUT/html/<notebook>.html`` (with code) and ``<notebook>-reader.html``
  (outputs only) for every notebook (:func:`export_html`);
- ``OUT/evidence/<plan>.html``, each plan's text with every coded span
  highlighted and labelled (:mod:`analysis.report.evidence`);
- ``OUT/tables/<table>.html``, the main tables with each row linked to its
  span (:mod:`analysis.report.table_pages`).

Every page is static (no script runs: a content-security policy says so) and
every value from the manifest, the codebook or a plan's text is escaped for
where it lands (:mod:`analysis.report.markup`).  Nothing of the repository's
own ``data/processed``, ``notebooks`` or ``figures`` is touched: the notebooks
are copied.

The output folder follows the build's rules (:mod:`analysis.pipeline.output`):
everything is staged and installed at the end, a folder holding files the
report did not write is refused (``keep_other_files`` leaves them alone), and
the raw folder may not lie inside it.

A small corpus lacks some of the cross-plan content: with fewer than two
plans with actions there is nothing to compare, and with fewer than three
clustered actions no number of clusters can be chosen.  The notebooks ask
:func:`skip_reason` before each cell that needs such content: it returns
``None`` when the content exists, else the sentence the notebook prints, and
the cell does nothing -- the per-plan content still renders.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd

from analysis import console, paths
from analysis.compare.tables import read_table
from analysis.errors import BuildError
from analysis.files import write_if_changed
from analysis.pipeline.output import staged_output
from analysis.pipeline.run import build
from analysis.report import findings
from analysis.report.context import load
from analysis.report.evidence import uncovered, write_evidence
from analysis.report.findings import names
from analysis.report.front import front_page, notebook_title
from analysis.report.notebooks import execute, notebook_paths, read, serialize
from analysis.report.pages import CSP_META
from analysis.report.table_pages import write_table_pages
from analysis.textstats.cluster import MIN_CLUSTERED

PARAMETERS_TAG = "parameters"
#: The parts of the cross-plan content :func:`skip_reason` answers for.
PARTS = ("crossplan", "clusters", "keyness", "cluster_sensitivity")


def skip_reason(r, part: str = "crossplan") -> str | None:
    """Why this build cannot show *part* of the cross-plan content, or None if it can.

    *r*: the notebook's :class:`~analysis.report.context.ReportData`.  *part*:

    - ``crossplan`` -- anything across plans (similarity, alignment, reuse):
      needs two plans with actions and the build's cross-plan tables
      (``r.crossplan``);
    - ``clusters`` -- also :data:`~analysis.textstats.cluster.MIN_CLUSTERED`
      clustered actions (fewer form one cluster, ``k = 1``: nothing to compare);
    - ``keyness`` -- also a term used ``keyness_min_count`` times in a plan
      (``keyness.csv`` has rows);
    - ``cluster_sensitivity`` -- the clusters, and the build's LSA-size
      comparison (``cluster_sensitivity.csv`` has rows: more than
      ``MIN_CLUSTERED`` clustered actions, and at most
      ``sensitivity_max_actions`` unless the build set ``sensitivity``).

    The reason is one sentence for the notebook to print, e.g. ``Cross-plan
    comparisons need at least two plans with actions; this corpus has 1 (Lanxi;
    Qingyuan has none).``

    Parameters
    ----------
    r : ReportData
        The loaded build.
    part : {"crossplan", "clusters", "keyness", "cluster_sensitivity"}
        What the cell needs; another value raises ``ValueError``.

    Returns
    -------
    str or None
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}; got {part!r}")
    with_actions = r.plans_with_actions
    if len(with_actions) < 2:
        need = "Cross-plan comparisons need at least two plans with actions"
        if not with_actions:
            return f"{need}; no plan of this corpus has any."
        labels = r.labels
        without = [j for j in r.plans if j not in with_actions]
        others = f"; {names(without, labels)} {'has' if len(without) == 1 else 'have'} none" if without else ""
        return f"{need}; this corpus has 1 ({names(with_actions, labels)}{others})."
    if not r.crossplan:
        return ("This build has no cross-plan tables (its clusters.csv is empty: the warnings of the build say "
                "why, e.g. the actions hold no content words).")
    if part == "keyness":
        if not r.has("keyness"):
            return (f"No term is used {r.params.keyness_min_count} times or more (keyness_min_count) in one plan's "
                    "actions, so no term is tested for keyness.")
        return None
    if part in ("clusters", "cluster_sensitivity"):
        n = len(r["clusters"])
        if n < MIN_CLUSTERED:
            return (f"Clusters are compared from {MIN_CLUSTERED} clustered actions on (k is chosen between 2 and "
                    f"one less than the number of actions); this corpus has {n}, which form one cluster (k = 1).")
        if part == "cluster_sensitivity" and not r.has("cluster_sensitivity"):
            p = r.params
            if n <= MIN_CLUSTERED:
                return (f"The LSA sizes are compared from {MIN_CLUSTERED + 1} clustered actions on; this corpus "
                        f"has {n}.")
            if p.sensitivity is False or (p.sensitivity is None and n > p.sensitivity_max_actions):
                return (f"The build did not compare LSA sizes: {n} clustered actions, above "
                        f"sensitivity_max_actions = {p.sensitivity_max_actions} (build with --set sensitivity=true "
                        "to compare them).")
            return "The build wrote cluster_sensitivity.csv empty, so there are no LSA sizes to compare."
    return None


def parameterise(nb: nbformat.NotebookNode, values: dict) -> nbformat.NotebookNode:
    """Insert a cell setting *values* after the cell tagged ``parameters`` (papermill's convention).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, changed in place; it must have a cell tagged ``parameters`` (else ``BuildError``).
    values : dict
        Variable name -> value; each is written as a JSON string of ``str(value)`` (None as ``None``).

    Returns
    -------
    nbformat.NotebookNode
        *nb*, with the new cell (id and tag ``injected-parameters``).
    """
    idx = next((i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), None)
    if idx is None:
        raise BuildError("a report notebook has no cell tagged 'parameters'; it cannot be pointed at another build.")
    src = "# Parameters of this report (inserted by python -m analysis report)\n" + "\n".join(
        f"{k} = {json.dumps(str(v), ensure_ascii=False) if v is not None else 'None'}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(src)
    if "id" in cell:  # nbformat draws a random id; the report's bytes must not depend on it
        cell["id"] = "injected-parameters"
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(idx + 1, cell)
    return nb


#: The exported notebook pages: nbconvert's ``lab`` template with the report's content-security policy in
#: place of its scripts (require.js and MathJax from a CDN, Mermaid): the pages are static, load nothing from
#: another site and run no script, whatever a cell printed.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
__CSP__
<meta name="generator" content="python -m analysis report">
<meta name="referrer" content="no-referrer">
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def export_html(notebook: Path, out: Path, reader: bool = False) -> Path:
    """The executed *notebook* as a standalone HTML page (images embedded) at *out*.

    Parameters
    ----------
    notebook : Path
        An executed notebook.
    out : Path
        The page to write (only if a byte changed).
    reader : bool
        The page for readers: outputs only, no code cells and no prompts (nbconvert's ``--no-input``).

    Returns
    -------
    Path
        *out*.  The page carries the content-security policy of :mod:`analysis.report.pages` (no script
        runs) and no script of its own.
    """
    import jinja2  # jinja2 and nbconvert take a second to import; only the HTML export needs them
    from nbconvert import HTMLExporter

    loader = jinja2.DictLoader({"report_page.html.j2": _TEMPLATE.replace("__CSP__", CSP_META)})
    options = {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True} if reader else {}
    exporter = HTMLExporter(template_name="lab", extra_loaders=[loader], template_file="report_page.html.j2",
                            **options)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    write_if_changed(out, body.encode("utf-8"))
    return out


def write_pages(stage: Path, out: Path, raw: Path, warnings: list[str], notebooks: list[Path], lang: str = "en",
                progress: bool = False) -> list[Path]:
    """The report's own pages, in the folder *stage* that will become *out*: evidence, tables, front page.

    Parameters
    ----------
    stage : Path
        The report folder being written (``processed/``, ``notebooks/``, ``html/`` and ``figures/`` in it).
    out : Path
        Where it will be installed (paths in warnings are named by it).
    raw : Path
        The raw folder the build read (its name is on the front page).
    warnings : list of str
        The build's warnings.
    notebooks : list of Path
        The executed notebooks (in *stage*), in report order.
    lang : str
        The report's language (for the plans' labels in the findings).
    progress : bool
        Say what is written.

    Returns
    -------
    list of Path
        The pages written.
    """
    processed = stage / "processed"
    if progress:
        console.info("writing the evidence pages, the table pages and the front page")
    written = write_evidence(processed, stage / "evidence") + write_table_pages(processed, stage / "tables")
    docs = read_table("documents", processed)

    def optional(name):
        try:
            return read_table(name, processed)
        except FileNotFoundError:
            return None

    findings_md, error = None, None
    try:
        r = load(processed, stage / "figures", lang)
        with r:
            findings_md = findings.headlines(r) + "\n" + findings.corpus_design(r["documents"], r.labels) + "\n"
    except Exception as exc:  # the front page still shows everything else; the notebooks show the detail
        error = f"{type(exc).__name__}: {exc}"
        console.warn(f"the front page has no findings ({error}); the notebooks show them.")
    n_plans = int((docs["role"].fillna("plan") != "reference").sum()) if "role" in docs else len(docs)
    n_with = int((pd.to_numeric(docs["n_actions"], errors="coerce").fillna(0) > 0).sum()) if "n_actions" in docs else 0
    summary = (f"{n_plans} plan{'s' if n_plans != 1 else ''} ({n_with} with actions) built from "
               f"{Path(raw).resolve().name}/ by the analysis package: the tables (processed/), every report "
               "notebook executed against them, their figures, and pages that show each coded fact in its text.")
    nbs = [{"stem": p.stem, "title": notebook_title(p), "reader": f"html/{p.stem}-reader.html",
            "full": f"html/{p.stem}.html", "ipynb": f"notebooks/{p.name}"} for p in notebooks]
    figures = sorted(p.name for p in (stage / "figures").iterdir() if p.suffix in (".png", ".svg"))
    text = front_page("Science-literacy plans compared: report", summary, docs, findings_md, error,
                      [w.replace(str(stage), str(out)) for w in warnings],
                      uncovered(processed), optional("qa_report"), optional("codebook_gaps"), figures, nbs)
    write_if_changed(stage / "index.html", text.encode("utf-8"))
    return written + [stage / "index.html"]


def make_report(raw: Path, out: Path, codebook: Path | None = None, lang: str = "en", keep_other_files: bool = False,
                progress: bool = True, notebooks_dir: Path | None = None, params=None) -> Path:
    """Build *raw*, run every report notebook on it and export the report into *out* (see module docstring).

    Parameters
    ----------
    raw : pathlib.Path
        The corpus folder to build (manifest and texts); it may not lie inside *out*.
    out : pathlib.Path
        The report folder; a folder holding files the report did not write is refused unless
        *keep_other_files*.
    codebook : pathlib.Path, optional
        A codebook YAML file; None: the package's.
    lang : {"en", "zh"}
        Language of the charts' labels.
    keep_other_files : bool
        Leave files in *out* the report did not write alone instead of refusing the folder.
    progress : bool
        Print a line per stage and per notebook.
    notebooks_dir : pathlib.Path, optional
        The report notebooks (``NN_*.ipynb``); None: the repository's ``notebooks/``.
    params : CrossPlanParams, optional
        The build's cross-plan parameters; None: the defaults.

    Returns
    -------
    pathlib.Path
        *out*, resolved.

    Raises
    ------
    analysis.errors.BuildError
        The notebooks are missing, no plan yields an action, or a notebook fails
        (:func:`~analysis.report.notebooks.execute`).
    """
    src = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS
    if not src.is_dir() or not notebook_paths(src):
        raise BuildError(f"{src}: the report notebooks are not there; run the report from a checkout of the "
                         "repository (they are its notebooks/ folder).")
    out = Path(out).resolve()
    with staged_output(out, raw, keep_other_files) as stage:
        # warnings are printed unless the console is silenced (console.set_quiet(2)): they are not progress
        ds = build(raw, stage / "processed", codebook, progress=progress, verbose=True, params=params)
        if not ds.plans_with_actions:
            raise BuildError(f"{raw}: no plan yields a single action ({', '.join(ds.plans)}), so there is nothing "
                             "to compare or draw; nothing was written. The layouts the parser reads are in "
                             "docs/corpus.md; `python -m analysis build --raw ... --out ...` writes the per-plan "
                             "tables (qa_report.csv says what was found).")
        nbdir, figdir, htmldir = stage / "notebooks", stage / "figures", stage / "html"
        nbdir.mkdir()
        figdir.mkdir()
        pages = []
        for nb_path in notebook_paths(src):
            nb = parameterise(read(nb_path), {"PROCESSED": out / "processed", "FIGURES": figdir, "LANG": lang})
            # point the copies at the staging folder while they run; the installed copies name the final one
            for c in nb.cells:
                if "injected-parameters" in c.get("metadata", {}).get("tags", []):
                    c.source = c.source.replace(json.dumps(str(out / "processed"), ensure_ascii=False),
                                                json.dumps(str(stage / "processed"), ensure_ascii=False))
            target = nbdir / nb_path.name
            target.write_text(serialize(nb), encoding="utf-8")
            if progress:
                console.info(f"running {nb_path.name}")
            execute(target)
            fixed = target.read_text(encoding="utf-8").replace(str(stage), str(out))
            target.write_text(fixed, encoding="utf-8")
            pages.append(target)
            export_html(target, htmldir / f"{nb_path.stem}.html")
            export_html(target, htmldir / f"{nb_path.stem}-reader.html", reader=True)
        write_pages(stage, out, raw, list(ds.warnings), pages, lang, progress)
    return out


__all__ = ["make_report", "parameterise", "export_html", "write_pages", "skip_reason", "PARTS"]
