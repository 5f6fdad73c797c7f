"""The report: the figure registry (:mod:`analysis.report.figures`) and the notebook runner
(:mod:`analysis.report.notebooks`)."""
from analysis.report import figures
from analysis.report.figures import FIGURES, setup
from analysis.report.notebooks import execute, execute_all

__all__ = ["figures", "FIGURES", "setup", "execute", "execute_all"]
