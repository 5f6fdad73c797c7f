"""Segmenting a normalised plan into actions and coding each one, every fact with its evidence offsets.

:func:`extract` turns one plan's text into its tables (actions, department assignments, target-group
mentions, quantified commitments, sections); :func:`extract_metadata` reads the document's own
metadata (title, issuer, dates, literacy target).  The rules' vocabulary lives in the codebook
(:func:`load_codebook`), not in code.
"""
from analysis.coding.codebook import Codebook, load_codebook
from analysis.coding.metadata import extract_metadata
from analysis.coding.plan import PlanRows, extract

__all__ = ["Codebook", "load_codebook", "extract", "PlanRows", "extract_metadata"]
