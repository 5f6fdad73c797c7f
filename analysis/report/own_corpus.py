"""``python -m analysis report --raw DIR --out DIR``: one's own corpus, end to end.

Builds the tables of *raw* into ``OUT/processed``, executes every report
notebook against that build (their parameters cell pointed at it), saves the
figures into ``OUT/figures`` and writes a browsable HTML export
(``OUT/index.html`` and one page per notebook in ``OUT/html/``).  Nothing of
the repository's own ``data/processed``, ``notebooks`` or ``figures`` is
touched: the notebooks are copied.

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

import html
import json
from pathlib import Path

import nbformat

from analysis import console, paths
from analysis.errors import BuildError
from analysis.files import write_if_changed
from analysis.report.notebooks import execute, notebook_paths, read, serialize

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
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}; got {part!r}")
    with_actions = r.plans_with_actions
    if len(with_actions) < 2:
        from analysis.report.findings import names

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
        from analysis.textstats.cluster import MIN_CLUSTERED

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
    """Insert a cell setting *values* after the cell tagged ``parameters`` (papermill's convention)."""
    idx = next((i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), None)
    if idx is None:
        raise BuildError("a report notebook has no cell tagged 'parameters'; it cannot be pointed at another build.")
    src = "# Parameters of this report (inserted by python -m analysis report)\n" + "\n".join(
        f"{k} = {json.dumps(str(v), ensure_ascii=False) if v is not None else 'None'}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(idx + 1, cell)
    return nb


def export_html(notebook: Path, out: Path) -> Path:
    """The executed *notebook* as a standalone HTML page (images embedded) at *out*."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.read(notebook, as_version=4))
    write_if_changed(out, body.encode("utf-8"))
    return out


def index_page(title: str, pages: list[tuple[str, str]], figures: list[str], summary: str) -> str:
    """The report's front page: what was built, the notebooks and the figures."""
    items = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(name)}</a></li>' for name, href in pages)
    figs = "\n".join(f'<li><a href="figures/{html.escape(f)}">{html.escape(f)}</a></li>' for f in figures)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.5}</style></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p><h2>Notebooks</h2><ol>{items}</ol>"
            f"<h2>Figures</h2><ul>{figs}</ul><p>Tables: <a href=\"processed/\">processed/</a> (data dictionary: "
            "docs/data-dictionary.md of the package).</p></body></html>\n")


def make_report(raw: Path, out: Path, codebook: Path | None = None, lang: str = "en", keep_other_files: bool = False,
                progress: bool = True, notebooks_dir: Path | None = None, params=None) -> Path:
    """Build *raw*, run every report notebook on it and export the report into *out* (see module docstring)."""
    from analysis.pipeline.output import staged_output
    from analysis.pipeline.run import build

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
            pages.append((nb_path.stem, f"html/{nb_path.stem}.html"))
            export_html(target, htmldir / f"{nb_path.stem}.html")
        figures = sorted(p.name for p in figdir.iterdir() if p.suffix in (".png", ".svg"))
        summary = (f"{len(ds.plans)} plans ({len(ds.plans_with_actions)} with actions), {len(ds.actions)} actions "
                   f"and safeguards, built from {Path(raw).resolve().name}/. Warnings of the build: "
                   f"{len(ds.warnings)} (see processed/qa_report.csv and processed/codebook_gaps.csv).")
        write_if_changed(stage / "index.html", index_page("Science-literacy plans compared: report", pages, figures,
                                                          summary).encode("utf-8"))
    return out


__all__ = ["make_report", "parameterise", "export_html", "index_page", "skip_reason", "PARTS"]
