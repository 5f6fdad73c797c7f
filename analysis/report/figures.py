"""The figures of the report: which notebook draws each one, what it compares, and ``figures/README.md``.

:data:`FIGURES` is the one list of the figures in ``figures/``.  A notebook
saves a figure with :func:`analysis.plots.style.save_figure` under a name listed
here; ``python -m analysis notebooks`` then rewrites ``figures/README.md``
from this list (:func:`write_readme`), and the tests check that every listed
figure exists as PNG and SVG, that nothing else is in the folder, and that
each name is saved by the notebook the list names.

:func:`setup` is the first call of every notebook: the house chart style
and pandas display options that print tables the same way on every machine.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.files import write_if_changed

from analysis.plots import style

#: name -> (notebook that draws it, one-line caption: what is compared).  Order: order of the report.
FIGURES: dict[str, tuple[str, str]] = {
    "corpus_overview": (
        "01_overview.ipynb",
        "The plans at a glance: actions and safeguards, length of the operative text, and actions per "
        "target-group line, with each plan's level and year of issue."),
    "measurability": (
        "01_overview.ipynb",
        "Share of each plan's actions with a quantified commitment (k of n, whiskers: 95% Wilson interval with the "
        "effective size of the plan's tasks), and the commitments by kind of unit (percent, people, events, items, "
        "money)."),
    "coverage_heatmap": (
        "02_target_groups.ipynb",
        "Target groups × plans, three ways: dedicated actions, share of the operative text in those actions, "
        "mentions per 10,000 characters, each share and rate with its 95% cluster-bootstrap interval under it "
        "(text shares stratified by line); hatched: the plan has no line for the group."),
    "coverage_heatmap_zh": (
        "02_target_groups.ipynb",
        "The same target-group coverage chart with Chinese labels (lang='zh')."),
    "department_weighting": (
        "03_departments.ipynb",
        "科协's and the heaviest categories' shares of each assigned plan's load under the three weighting rules "
        "(1/k, lead counted twice, lead only) side by side, with 95% intervals over the plan's department lists."),
    "department_workload_heatmap": (
        "03_departments.ipynb",
        "Department categories × plans: actions carried (colour: share of the plan's assigned actions) and "
        "weighted load share (1/k); below, collective assignments; hatched: a plan that assigns no departments."),
    "department_network": (
        "03_departments.ipynb",
        "Co-assignment networks of the 12 categories with the most load, same layout in every plan: node area "
        "= share of the plan's weighted load, line width = actions named together, on one scale across the "
        "panels (key panel)."),
    "cluster_composition": (
        "04_clusters.ipynb",
        "Clusters of similar actions (number and top terms) × plans: actions per plan, from the clusters every "
        "plan shares to those of two plans; k by the one-standard-error rule."),
    "cluster_map": (
        "04_clusters.ipynb",
        "Map of all actions (t-SNE of the vectors they were clustered in): colour and number = cluster, "
        "marker = plan; only nearness is meaningful."),
    "keyness": (
        "04_clusters.ipynb",
        "Each plan's key terms among its ten most distinctive against the other plans (its template family left "
        "out; Bonferroni-significant and at least twice as frequent), G² log-likelihood on one scale in every panel."),
    "jurisdiction_similarity": (
        "05_alignment_reuse.ipynb",
        "Plan × plan: mean cosine similarity of each row plan's actions to their best match in the column plan."),
    "text_reuse": (
        "05_alignment_reuse.ipynb",
        "Share of each row plan's operative text found verbatim (≥ 20 characters) in the column plan, with its "
        "95% bootstrap interval under each non-zero share, and the ten longest shared passages."),
    "instrument_mix": (
        "06_instruments.ipynb",
        "Each plan's policy-instrument mix: share of its actions and safeguards using supply-, environment- and "
        "demand-side instruments (95% Wilson intervals over the plan's tasks), and the share using each instrument "
        "code, grouped by kind."),
    "instrument_corrected": (
        "06_instruments.ipynb",
        "Share of all actions and safeguards using each instrument as the rules code it, corrected for the rules' "
        "errors on the held-out validation part (Rogan–Gladen, intervals resampling both), and as adjudicated."),
    "instrument_by_group": (
        "06_instruments.ipynb",
        "Per plan, its target-group lines (and actions outside any line) × kinds of instrument: share of the "
        "line's actions using the kind, k/n in the cell; a group the plan has no line for is absent, not zero."),
    "reuse_threshold": (
        "07_sensitivity.ipynb",
        "Verbatim share of each ordered pair of plans that shares any passage, by the shortest passage counted, "
        "punctuation counted (solid) or excluded (dashed); the build's 20 characters marked."),
    "counterpart_threshold": (
        "07_sensitivity.ipynb",
        "Share of a plan's actions whose best match in another plan reaches the similarity threshold, for pairs "
        "above 5% at some threshold; 95% Wilson intervals at the build's 0.35, and mutual best matches at the right."),
    "cluster_choice": (
        "07_sensitivity.ipynb",
        "Cluster quality against k (score = mean of the silhouette and two ARI stabilities), the chosen k "
        "(one-standard-error rule) marked, and the k the same rule picks in LSA spaces of other sizes with its "
        "agreement with the build."),
    "validation": (
        "08_validation.ipynb",
        "Krippendorff's alpha between two independent coders (AI-assistant sessions) per coded field, and the "
        "package's precision and "
        "recall per instrument code on the held-out actions, with the number of gold codings beside each code."),
}

README = "README.md"
FORMATS = ("png", "svg")


def setup(lang: str = "en") -> None:
    """First call of a notebook: house chart style in *lang*, and fixed pandas display options.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language of chart labels (:func:`analysis.plots.style.apply_style`).

    Returns
    -------
    None
    """
    style.apply_style(lang=lang)
    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.max_rows", 60)


def figure_files(figures: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """File names the registry promises, in registry order (``<name>.png``, ``<name>.svg``, ...).

    Parameters
    ----------
    figures : dict, optional
        ``{figure name: (notebook, caption)}``; None: :data:`FIGURES`.

    Returns
    -------
    list of str
        One file name per figure and format of :data:`FORMATS`.
    """
    return [f"{name}.{fmt}" for name in (figures or FIGURES) for fmt in FORMATS]


def notebook_figures(figures: dict[str, tuple[str, str]] | None = None) -> dict[str, list[str]]:
    """``{notebook: [figure names]}`` in registry order.

    Parameters
    ----------
    figures : dict, optional
        ``{figure name: (notebook, caption)}``; None: :data:`FIGURES`.

    Returns
    -------
    dict of str to list of str
        Notebook file name -> the figures it writes, notebooks in order of first appearance.
    """
    out: dict[str, list[str]] = {}
    for name, (nb, _) in (figures or FIGURES).items():
        out.setdefault(nb, []).append(name)
    return out


def readme_text(figures: dict[str, tuple[str, str]] | None = None) -> str:
    """The text of ``figures/README.md``: every figure with its files, notebook and caption.

    Parameters
    ----------
    figures : dict, optional
        ``{figure name: (notebook, caption)}``; None: :data:`FIGURES`.

    Returns
    -------
    str
        Markdown: a heading, how figures are written, and a table with one row per figure; final newline.
    """
    figures = figures or FIGURES
    lines = [
        "# Figures",
        "",
        "Written by the notebooks in `notebooks/` (`python -m analysis notebooks`, or `make figures`); do not edit "
        "by hand. This list is generated from `analysis/report/figures.py`.",
        "",
        f"Every figure is saved as PNG ({style.PNG_DPI} dpi) and SVG (text as outlines). The same data gives "
        "the same bytes. Labels are in English; `coverage_heatmap_zh` shows the Chinese version that any chart "
        "draws with `lang='zh'`. Cluster terms and shared passages are the plans' own Chinese words.",
        "",
        "| figure | notebook | what is compared |",
        "|---|---|---|",
    ]
    for name, (nb, caption) in figures.items():
        files = ", ".join(f"[{fmt}]({name}.{fmt})" for fmt in FORMATS)
        lines.append(f"| `{name}` ({files}) | [{nb.removesuffix('.ipynb')}](../notebooks/{nb}) | {caption} |")
    return "\n".join(lines) + "\n"


def write_readme(figures_dir: Path | str, figures: dict[str, tuple[str, str]] | None = None) -> bool:
    """Write ``<figures_dir>/README.md`` unless it already holds that text.

    Parameters
    ----------
    figures_dir : path
        The figure folder (no default: the caller names where to write).
    figures : dict, optional
        The registry (default :data:`FIGURES`).

    Returns
    -------
    bool
        Whether the file was written.
    """
    path = Path(figures_dir) / README
    return write_if_changed(path, readme_text(figures).encode("utf-8"))


def missing_files(figures_dir: Path | str | None = None,
                  figures: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """Files the registry promises that *figures_dir* does not hold.

    Parameters
    ----------
    figures_dir : path, optional
        The folder checked; None: ``figures/`` of the project (:data:`analysis.paths.FIGURES`).
    figures : dict, optional
        ``{figure name: (notebook, caption)}``; None: :data:`FIGURES`.

    Returns
    -------
    list of str
        File names, in registry order (empty when all are there).
    """
    folder = Path(figures_dir if figures_dir is not None else paths.FIGURES)
    return [f for f in figure_files(figures) if not (folder / f).is_file()]


def unlisted_files(figures_dir: Path | str | None = None,
                   figures: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """Files in *figures_dir* that are neither a registered figure nor the README (stale or unregistered).

    Parameters
    ----------
    figures_dir : path, optional
        The folder checked; None: ``figures/`` of the project (:data:`analysis.paths.FIGURES`).
    figures : dict, optional
        ``{figure name: (notebook, caption)}``; None: :data:`FIGURES`.

    Returns
    -------
    list of str
        File names sorted; hidden files (``.*``) and subfolders are ignored; empty when the folder does not exist.
    """
    folder = Path(figures_dir if figures_dir is not None else paths.FIGURES)
    known = set(figure_files(figures)) | {README}
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in known
                  and not p.name.startswith(".")) if folder.is_dir() else []


__all__ = ["FIGURES", "README", "FORMATS", "setup", "figure_files", "notebook_figures", "readme_text",
           "write_readme", "missing_files", "unlisted_files"]
