"""What a report notebook starts from: every table of a build, the house style, labels, and saving figures.

A notebook's first cells are a *parameters* cell (``PROCESSED``, ``FIGURES``,
``LANG``; ``python -m analysis report`` sets them for one's own corpus) and::

    from analysis import compare, plots, report
    r = report.load(PROCESSED, FIGURES, LANG)

after which ``r["actions"]`` is a table, ``r.labels`` the plans' short names,
``r.crossplan`` whether there are cross-plan results to show, and
``r.save(fig, name, note)`` writes a figure with its source line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths


@dataclass
class ReportData:
    """Every table of one build, with the labels and the figure folder the notebooks use."""

    processed: Path
    figures: Path
    lang: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Documents left out of every comparison by the build's ``exclude_documents``, with the rule that does.
    excluded: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def has(self, name: str) -> bool:
        """The table exists and has rows."""
        return name in self.tables and len(self.tables[name]) > 0

    @property
    def documents(self) -> pd.DataFrame:
        return self.tables["documents"]

    @property
    def plans(self) -> list[str]:
        """The plans compared (not reference documents, not documents ``exclude_documents`` leaves out), in
        manifest order."""
        d = self.documents
        role = d["role"].fillna("plan") if "role" in d else pd.Series("plan", index=d.index)
        return [str(j) for j, r in zip(d["jurisdiction"], role) if r != "reference" and str(j) not in self.excluded]

    @property
    def plans_with_actions(self) -> list[str]:
        have = set(self.tables["actions"]["jurisdiction"])
        return [j for j in self.plans if j in have]

    @property
    def crossplan(self) -> bool:
        """Whether cross-plan results exist (at least two plans with actions)."""
        return len(self.plans_with_actions) >= 2 and self.has("clusters")

    @property
    def params(self):
        """The parameters of the build's cross-plan stage (:class:`~analysis.pipeline.crossplan.CrossPlanParams`,
        read from its ``parameters.json``)."""
        from analysis.pipeline.crossplan import read_params

        return read_params(self.processed)

    @property
    def labels(self) -> dict[str, str]:
        from analysis.plots import style

        return style.plan_labels(self.documents, self.lang)

    @property
    def group_labels(self) -> dict[str, str]:
        from analysis.plots import style

        return style.group_labels(self.lang)

    @property
    def category_labels(self) -> dict[str, str]:
        from analysis.plots import style

        return style.category_labels(self.lang)

    def corpus_line(self) -> str:
        """e.g. ``corpus: 3 plans (3 with actions), 80 actions and safeguards (build folder: processed)``."""
        a = self.tables["actions"]
        n, k = len(self.plans), len(self.plans_with_actions)
        return (f"corpus: {n} plan{'s' if n != 1 else ''} ({k} with actions), {len(a)} actions and safeguards "
                f"(build folder: {self.processed.name})")

    def note(self, *tables: str, extra: str = "") -> str:
        """A figure's source line: the tables it draws, the corpus, and *extra* (parameters, intervals)."""
        src = ", ".join(f"{t}.csv" for t in tables)
        return f"Source: {src} · {self.corpus_line()}" + (f" · {extra}" if extra else "")

    def save(self, fig, name: str, note: str | None = None) -> None:
        """Add *note* as the figure's footer and write ``<name>.png`` and ``.svg`` into the figure folder."""
        from analysis.plots import kit, style

        if note:
            kit.footnote(fig, note)
        style.save_figure(fig, name, self.figures)

    def show(self, markdown: str):
        """*markdown* for display in the notebook."""
        from analysis.report.findings import show

        return show(markdown)


def load(processed: Path | str | None = None, figures: Path | str | None = None, lang: str = "en") -> ReportData:
    """Read every table of the build *processed* (default ``data/processed``), set the house style in *lang*
    and fixed pandas display options, register the plans' order, and make the build's codebook (its
    ``codebook.yaml``) the one every comparison reads; figures go to *figures* (default ``figures/``).

    Documents the build's ``exclude_documents`` leaves out (:mod:`analysis.selection`) stay in ``documents``
    and are listed in :attr:`ReportData.excluded`; their rows are dropped from every other table, so no
    comparison includes them."""
    from analysis.compare import read_processed
    from analysis.report.figures import setup

    from analysis.coding.codebook import use_codebook
    from analysis.pipeline.run import build_codebook

    from analysis.pipeline.crossplan import read_params
    from analysis.selection import excluded, keep_compared

    setup(lang=lang)
    folder = Path(processed) if processed is not None else paths.PROCESSED
    use_codebook(build_codebook(folder))
    tables = read_processed(folder)
    left_out = excluded(tables["documents"], read_params(folder).exclude_documents) if "documents" in tables else {}
    return ReportData(folder, Path(figures) if figures is not None else paths.FIGURES, lang,
                      keep_compared(tables, left_out), left_out)


__all__ = ["ReportData", "load"]
