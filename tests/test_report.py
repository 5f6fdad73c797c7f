"""The whole report, run as a researcher runs it (``python -m analysis report``).

With one more plan of our own making (another year, level and layout) beside
a copy of the repository's raw folder, every notebook runs to the end without
an error, the new plan is in the tables and the findings (the notebooks
assume nothing about which plans, or how many, the corpus holds), the report
has its index and pages, and the repository's own files are not touched.

A run builds and executes every notebook (a few minutes): ``slow``, in
``make test-all``.  That the committed figures are what the notebooks draw
from the committed tables is checked in ``make test`` without running the
notebooks again (``tests/test_figures.py``, on nbval's run); that the committed
tables are what the build makes from data/raw, by ``tests/test_build.py``.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import paths
from analysis.files import file_sha256
from analysis.report import figures as registry
from tests import cli
from tests.conftest import copy_raw

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): file_sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _report(raw: Path, out: Path) -> cli.Run:
    """``python -m analysis report --raw RAW --out OUT --quiet`` (exit status, stdout, stderr)."""
    return cli.run("report", "--raw", raw, "--out", out, "--quiet", timeout=1500)


def _add_plan(raw: Path, fixture: str, jurisdiction: str) -> dict:
    """Add fixture *fixture* to *raw* as plan *jurisdiction*: its file and one manifest row, nothing else."""
    expected = json.loads((FIXTURES / f"{fixture}.expected.json").read_text(encoding="utf-8"))
    shutil.copy2(FIXTURES / f"{fixture}.txt", raw / f"{jurisdiction}.txt")
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    row = {c: "" for c in header}
    row.update({"jurisdiction": jurisdiction, "file": f"{jurisdiction}.txt",
                "sha256": file_sha256(raw / f"{jurisdiction}.txt"),
                "name_zh": expected["name_zh"], "name_en": "A test prefecture", "level": expected["level"]})
    with open(raw / "manifest.csv", "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow(row)
    return expected


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    base = tmp_path_factory.mktemp("extended")
    raw = copy_raw(base / "raw")
    expected = _add_plan(raw, "lead_lines_closing_section_2011", "test_prefecture")
    before = {name: _digest(folder) for name, folder in
              (("processed", paths.PROCESSED), ("figures", paths.FIGURES), ("notebooks", paths.NOTEBOOKS))}
    return base / "report", _report(raw, base / "report"), expected, before


def test_report_runs_every_notebook_with_a_plan_of_another_layout(extended):
    out, proc, expected, _ = extended
    assert proc.rc == 0, proc.err
    for nb_path in sorted((out / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o["output_type"] != "error", f"{nb_path.name}: {o.get('ename')}: {o.get('evalue')}"
    acts = (out / "processed" / "actions.csv").read_text(encoding="utf-8")
    assert acts.count("\ntest_prefecture-") == len(expected["actions"])
    overview = nbformat.read(out / "notebooks" / "01_overview.ipynb", as_version=4)
    shown = "".join(o.get("data", {}).get("text/markdown", "") for c in overview.cells for o in c.get("outputs", []))
    assert "A test prefecture" in shown or "test_prefecture" in shown
    for name in registry.FIGURES:
        assert (out / "figures" / f"{name}.png").is_file()


def test_report_leaves_the_repository_alone(extended):
    out, proc, _, before = extended
    assert proc.rc == 0, proc.err
    for name, folder in (("processed", paths.PROCESSED), ("figures", paths.FIGURES),
                         ("notebooks", paths.NOTEBOOKS)):
        assert _digest(folder) == before[name], f"the report changed the repository's {name}/"
    index = (out / "index.html").read_text(encoding="utf-8")
    for nb in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        assert (out / "notebooks" / nb.name).is_file() and (out / "html" / f"{nb.stem}.html").is_file()
        assert f"html/{nb.stem}.html" in index
