"""What a report notebook starts from: every table of one build, with the settings that travel with it.

A notebook's first cells are a *parameters* cell (``PROCESSED``, ``FIGURES``,
``LANG``; ``python -m analysis report`` sets them for one's own corpus) and::

    from analysis import compare, plots, report
    r = report.load(PROCESSED, FIGURES, LANG)
    r.activate()

after which ``r["actions"]`` is a table, ``r.labels`` the plans' short names,
``r.crossplan`` whether there are cross-plan results to show, and
``r.save(fig, name, note)`` writes a figure with its source line into the
figure folder the notebook named.

Loading a build sets nothing process-wide.  The build's codebook (its copy,
``codebook.yaml``), its plans' order and the language travel with the
:class:`ReportData` object (:attr:`ReportData.config`): its own members use
them, ``with r:`` runs any comparison or chart under them
(:func:`analysis.config_context`), so two builds loaded in one process never
mix their codebooks or orders; :meth:`ReportData.activate` makes them the
process's settings on purpose, for a notebook about one build.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config, paths
from analysis.compare.tables import documents_plan_order, read_processed
from analysis.errors import BuildError
from analysis.pipeline import catalog
from analysis.pipeline.crossplan import read_params
from analysis.pipeline.output import MARKER, read_marker
from analysis.pipeline.run import build_codebook
from analysis.plots import kit, style
from analysis.report.figures import setup
from analysis.report.wording import show
from analysis.selection import excluded, keep_compared

#: The tables without which a folder is not a build a report can start from.
REQUIRED_TABLES = ("documents", "actions")


@dataclass
class ReportData:
    """Every table of one build, with its settings (codebook, plans' order, language) and its figure folder.

    Parameters
    ----------
    processed : Path
        The build folder.
    figures : Path or None
        Where :meth:`save` writes figures (None: nowhere; :meth:`save` then needs a folder).
    lang : {"en", "zh"}
        The language of labels and charts.
    tables : dict
        ``{name: DataFrame}``.
    excluded : dict
        Documents left out of every comparison by the build's ``exclude_documents``, with the rule that does.
    codebook : Path or None
        The codebook the build coded with (its copy), None for the package's.
    """

    processed: Path
    figures: Path | None
    lang: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Documents left out of every comparison by the build's ``exclude_documents``, with the rule that does.
    excluded: dict[str, str] = field(default_factory=dict)
    #: The codebook the build coded with (its ``codebook.yaml``), None for the package's.
    codebook: Path | None = None
    _entered: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    # ------------------------------------------------------------- settings
    @property
    def config(self) -> dict:
        """The build's settings (:mod:`analysis.config`): its codebook, its plans in manifest order, the
        language and its documents table -- keyword arguments of :func:`analysis.config_context`."""
        return config.settings_of(codebook=self.codebook, plan_order=documents_plan_order(self.documents),
                                  lang=self.lang, documents=self.documents)

    def context(self) -> contextlib.AbstractContextManager:
        """A ``with`` block in which every comparison and chart uses this build's settings.

        Returns
        -------
        context manager
            :func:`analysis.config_context` with :attr:`config`.
        """
        return config.config_context(**self.config)

    def __enter__(self) -> "ReportData":
        cm = self.context()
        cm.__enter__()
        self._entered.append(cm)
        return self

    def __exit__(self, *exc) -> None:
        self._entered.pop().__exit__(*exc)

    def activate(self) -> None:
        """Make this build's settings the process's (:func:`analysis.set_config`), apply the house chart style
        and fixed pandas display options: the second line of a notebook about this one build.

        Returns
        -------
        None
        """
        config.set_config(**self.config)
        setup(lang=self.lang)

    # --------------------------------------------------------------- tables
    def has(self, name: str) -> bool:
        """Whether the table exists and has rows.

        Parameters
        ----------
        name : str
            A table name.

        Returns
        -------
        bool
        """
        return name in self.tables and len(self.tables[name]) > 0

    @property
    def documents(self) -> pd.DataFrame:
        """The ``documents`` table (every document, those left out of comparisons included)."""
        return self.tables["documents"]

    @property
    def plans(self) -> list[str]:
        """The plans compared (not reference documents, not documents ``exclude_documents`` leaves out), in
        manifest order."""
        return [j for j in documents_plan_order(self.documents) if j not in self.excluded]

    @property
    def plans_with_actions(self) -> list[str]:
        """The plans compared that have at least one action."""
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
        return read_params(self.processed)

    @property
    def labels(self) -> dict[str, str]:
        """``{plan: short name}`` in :attr:`lang`."""
        with self:
            return style.plan_labels(self.documents, self.lang)

    @property
    def group_labels(self) -> dict[str, str]:
        """``{group id: name}`` from the build's codebook, in :attr:`lang`."""
        with self:
            return style.group_labels(self.lang)

    @property
    def category_labels(self) -> dict[str, str]:
        """``{department category id: name}`` from the build's codebook, in :attr:`lang`."""
        with self:
            return style.category_labels(self.lang)

    def corpus_line(self) -> str:
        """A line describing the corpus.

        Returns
        -------
        str
            e.g. ``corpus: 3 plans (3 with actions), 80 actions and safeguards (build folder: processed)``.
        """
        a = self.tables["actions"]
        n, k = len(self.plans), len(self.plans_with_actions)
        return (f"corpus: {n} plan{'s' if n != 1 else ''} ({k} with actions), {len(a)} actions and safeguards "
                f"(build folder: {self.processed.name})")

    def note(self, *tables: str, extra: str = "") -> str:
        """A figure's source line.

        Parameters
        ----------
        *tables : str
            The tables the figure draws.
        extra : str
            Parameters, intervals … appended.

        Returns
        -------
        str
            ``Source: a.csv, b.csv · <corpus line> · <extra>``.
        """
        src = ", ".join(f"{t}.csv" for t in tables)
        return f"Source: {src} · {self.corpus_line()}" + (f" · {extra}" if extra else "")

    def save(self, fig, name: str, note: str | None = None, figures: Path | str | None = None) -> None:
        """Add *note* as the figure's footer and write ``<name>.png`` and ``.svg`` into the figure folder.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            A chart.
        name : str
            The files' stem (letters, digits, ``_`` and ``-``).
        note : str, optional
            The footer (:meth:`note`).
        figures : path, optional
            The folder; default :attr:`figures`, the folder given to :func:`load`.

        Returns
        -------
        None

        Raises
        ------
        ValueError
            No folder: neither *figures* nor :func:`load`'s ``figures`` names one.
        """
        folder = figures if figures is not None else self.figures
        if folder is None:
            raise ValueError(f"no figure folder: report.load({str(self.processed)!r}) was given none. Name one, "
                             f"report.load(..., figures='my_figures') or r.save(fig, {name!r}, figures='my_figures'); "
                             "nothing is written where it was not asked for.")
        with self:
            if note:
                kit.footnote(fig, note)
            style.save_figure(fig, name, folder)

    def show(self, markdown: str):
        """*markdown* for display in the notebook (sanitised, :func:`analysis.report.wording.show`).

        Parameters
        ----------
        markdown : str
            The text.

        Returns
        -------
        IPython.display.Markdown
        """
        return show(markdown)


def check_build(folder: Path | str) -> Path:
    """*folder* if it holds a build :func:`load` can read, else a :class:`BuildError` naming it and what to do.

    A build is a folder with the marker every build writes (``.analysis-build.json``) and at least the
    tables ``documents`` and ``actions``.

    Parameters
    ----------
    folder : path
        The folder.

    Returns
    -------
    Path

    Raises
    ------
    BuildError
        The folder is missing, not a folder, empty, has no build marker, or lacks a required table.
    """
    folder = Path(folder)
    todo = (f"Build one there with `python -m analysis build --raw <plans folder> --out {folder}` "
            "(or analysis.pipeline.build), or pass the folder a build wrote.")
    if not folder.exists():
        raise BuildError(f"{folder}: no such folder, so there is no build to load. {todo}")
    if not folder.is_dir():
        raise BuildError(f"{folder}: not a folder; a build is a folder of tables. {todo}")
    if not any(folder.iterdir()):
        raise BuildError(f"{folder}: the folder is empty, not a build. {todo}")
    if read_marker(folder) is None:
        raise BuildError(f"{folder}: not a build (no {MARKER}, the marker every build writes). {todo}")

    missing = [catalog.table(n).file for n in REQUIRED_TABLES if not (folder / catalog.table(n).file).is_file()]
    if missing:
        raise BuildError(f"{folder}: the build is incomplete ({', '.join(missing)} missing). Build it again with "
                         f"`python -m analysis build --raw <plans folder> --out {folder}`.")
    return folder


def load(processed: Path | str | None = None, figures: Path | str | None = None, lang: str = "en") -> ReportData:
    """Every table of a build, with its settings; nothing outside the returned object changes.

    Documents the build's ``exclude_documents`` leaves out (:mod:`analysis.selection`) stay in ``documents``
    and are listed in :attr:`ReportData.excluded`; their rows are dropped from every other table, so no
    comparison includes them.

    Parameters
    ----------
    processed : path, optional
        The build folder (default ``data/processed``).
    figures : path, optional
        Where :meth:`ReportData.save` writes figures.  None: nowhere until a folder is named (loading a
        build never chooses a place to write).
    lang : {"en", "zh"}
        The language of labels and charts.

    Returns
    -------
    ReportData
        With :attr:`~ReportData.config`: the build's codebook (its ``codebook.yaml``), its plans' order,
        *lang*; used by its own members and inside ``with r:``.

    Raises
    ------
    BuildError
        *processed* is not a build (:func:`check_build`).
    """
    folder = check_build(Path(processed) if processed is not None else paths.PROCESSED)
    lang = config.check_lang(lang)
    tables = read_processed(folder)
    left_out = excluded(tables["documents"], read_params(folder).exclude_documents)
    return ReportData(folder, Path(figures) if figures is not None else None, lang,
                      keep_compared(tables, left_out), left_out, build_codebook(folder))


__all__ = ["ReportData", "load", "check_build", "REQUIRED_TABLES"]
