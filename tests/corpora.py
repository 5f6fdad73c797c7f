"""Small corpora of our own making, written into a test's temporary folder.

Not a test module (no ``test_`` prefix): the test modules import it.  The plans are the layout fixtures
(``tests/fixtures/layouts``: texts written for the tests, see their README), never the shipped plans, so a
test built on them says nothing about which plans, or how many, data/raw holds.
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

from analysis import paths

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
#: The example codebook of another policy domain (industrial policy): groups and instruments of its own.
INDUSTRIAL_CODEBOOK = paths.ROOT / "examples" / "industrial_policy" / "codebook.yaml"


def write_raw(raw: Path, plans: list[tuple[str, str]]) -> Path:
    """A raw folder of layout fixtures: *plans* is ``[(jurisdiction, fixture name)]`` in manifest order.

    The manifest takes each plan's Chinese name and level from the fixture's expected file and an English
    name made from its id (``county_a`` -> ``County A``), so labels are predictable.
    """
    raw = Path(raw)
    raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for j, fx in plans:
        exp = json.loads((LAYOUTS / f"{fx}.expected.json").read_text(encoding="utf-8"))
        shutil.copy2(LAYOUTS / f"{fx}.txt", raw / f"{j}.txt")
        rows.append({"jurisdiction": j, "file": f"{j}.txt",
                     "sha256": hashlib.sha256((raw / f"{j}.txt").read_bytes()).hexdigest(),
                     "name_zh": exp["name_zh"], "name_en": j.replace("_", " ").title(), "level": exp["level"]})
    with open(raw / paths.MANIFEST_NAME, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return raw


def build_layouts(base: Path, plans: list[tuple[str, str]], codebook: Path | None = None,
                  similarity: bool = False) -> Path:
    """``base/raw`` written from *plans* and built into ``base/processed`` (quietly); returns the build folder."""
    from analysis.pipeline.run import build

    raw = write_raw(Path(base) / "raw", plans)
    build(raw, Path(base) / "processed", codebook, progress=False, verbose=False, similarity=similarity)
    return Path(base) / "processed"
