"""Shared fixtures: the corpus read fresh from data/raw, and helpers to copy it."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from analysis import paths
from analysis.corpus.manifest import load_manifest
from analysis.pipeline.extract import extract_corpus

#: The plans of the repository's corpus, in manifest order (tests never assume which, or how many).
MANIFEST_PLANS = [d.jurisdiction for d in load_manifest(paths.RAW, verify=False) if d.role == "plan"]


@pytest.fixture(scope="session")
def corpus():
    """The plans of data/raw, decoded, normalised and coded (not read from data/processed)."""
    return extract_corpus(paths.RAW, progress=False)


def copy_raw(dst: Path) -> Path:
    """Copy data/raw (texts, manifest, errata) into *dst* and return it."""
    dst.mkdir(parents=True, exist_ok=True)
    for p in paths.RAW.iterdir():
        if p.is_file():
            shutil.copy2(p, dst / p.name)
    return dst


def rewrite_manifest(raw_dir: Path) -> None:
    """Recompute every sha256 in raw_dir/manifest.csv after a test changed the files on purpose."""
    path = raw_dir / "manifest.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["sha256"] = hashlib.sha256((raw_dir / r["file"]).read_bytes()).hexdigest()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
