"""Every path the project uses, in one place.

Data flows raw -> processed -> figures (cookiecutter-data-science style).  Code
elsewhere asks this module for a path instead of building one, so pointing the
build at another corpus (``--raw`` / ``--out``) changes nothing else.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
RESOURCES = PACKAGE_DIR / "resources"

DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"
BENCHMARKS = ROOT / "benchmarks"

MANIFEST_NAME = "manifest.csv"
ERRATA_NAME = "errata.csv"

CODEBOOK = RESOURCES / "codebook.yaml"
USERDICT = RESOURCES / "userdict.txt"
STOPWORDS = RESOURCES / "stopwords.txt"

def text_dir(out: Path) -> Path:
    """Folder of the normalised texts inside a processed directory."""
    return Path(out) / "text"
