"""The report: the notebooks' starting point (:func:`load`), the sentences written from the data
(:mod:`analysis.report.findings`), the figure registry (:mod:`analysis.report.figures`), the notebook
runner (:mod:`analysis.report.notebooks`) and the report of one's own corpus (:func:`make_report`)."""
from analysis.report import figures, findings
from analysis.report.context import ReportData, load
from analysis.report.figures import FIGURES, setup
from analysis.report.notebooks import execute, execute_all
from analysis.report.own_corpus import make_report

__all__ = ["figures", "findings", "FIGURES", "setup", "execute", "execute_all", "load", "ReportData",
           "make_report"]
