"""figures/: every registered figure written as PNG (>= 200 dpi) and SVG, nothing else, and a README that lists them.

The registry (:data:`analysis.report.figures.FIGURES`) names each figure's notebook;
the notebooks' own ``style.save_figure(fig, "<name>")`` calls must match it,
so a figure cannot be added, renamed or moved to another notebook without
the README following.
"""
from __future__ import annotations

import ast
import xml.etree.ElementTree as ET

import nbformat
import pytest
from PIL import Image

from analysis import paths

from analysis.report import figures

from analysis.plots import style

#: The figures the report must have (at least).
REQUIRED = {"corpus_overview", "coverage_heatmap", "department_workload_heatmap", "department_network",
            "measurability", "cluster_map", "cluster_composition", "jurisdiction_similarity", "text_reuse",
            "keyness"}
MIN_DPI = 200


def test_registry_holds_the_required_figures():
    assert REQUIRED <= set(figures.FIGURES)
    for name, (nb, caption) in figures.FIGURES.items():
        assert (paths.NOTEBOOKS / nb).is_file(), f"{name}: notebook {nb} does not exist"
        assert caption and "\n" not in caption and "|" not in caption  # one line, table-safe


def test_every_registered_figure_is_written_as_png_and_svg():
    assert figures.missing_files() == [], "run `python -m analysis notebooks`"


def test_figures_folder_holds_nothing_unregistered():
    assert figures.unlisted_files() == [], "stale or unregistered figure files: register them or delete them"


def test_readme_is_the_generated_list_of_exactly_the_files():
    readme = paths.FIGURES / figures.README
    assert readme.is_file()
    text = readme.read_text(encoding="utf-8")
    assert text == figures.readme_text(), "figures/README.md is stale: run `python -m analysis notebooks`"
    files = sorted(p.name for p in paths.FIGURES.iterdir() if p.is_file() and p.name != figures.README
                   and not p.name.startswith("."))
    linked = sorted(part.split(")")[0] for part in text.split("](")[1:] if not part.startswith("../"))
    assert linked == files
    for name, (nb, caption) in figures.FIGURES.items():
        line = next(line for line in text.splitlines() if line.startswith(f"| `{name}` "))
        assert nb in line and caption in line


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_png_resolution(name):
    with Image.open(paths.FIGURES / f"{name}.png") as im:
        dpi = im.info.get("dpi")
        assert dpi is not None, "PNG has no pHYs resolution"
        assert min(dpi) >= MIN_DPI
        assert im.size[0] >= 5 * MIN_DPI  # at least 5 inches wide at that resolution: printable


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_svg_is_self_contained(name):
    """Valid SVG, text drawn as outlines (renders without the CJK font), no date stamp."""
    raw = (paths.FIGURES / f"{name}.svg").read_text(encoding="utf-8")
    root = ET.fromstring(raw)
    assert root.tag.endswith("svg")
    assert not any(el.tag.endswith("}text") for el in root.iter())
    assert "<dc:date>" not in raw


def _saved_names(path) -> list[str]:
    """Figure names a notebook passes to ``style.save_figure`` or ``r.save`` (string literals), in order."""
    nb = nbformat.read(path, as_version=4)
    names = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
                    in ("save_figure", "save")):
                assert len(node.args) >= 2 and isinstance(node.args[1], ast.Constant), \
                    f"{path.name}: name figures with a literal string"
                names.append(node.args[1].value)
    return names


def test_notebooks_save_exactly_the_registered_figures():
    expected = figures.notebook_figures()
    for path in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        assert _saved_names(path) == expected.get(path.name, []), path.name


def test_write_readme_only_when_changed(tmp_path):
    assert figures.write_readme(tmp_path) is True
    first = (tmp_path / figures.README).read_bytes()
    assert figures.write_readme(tmp_path) is False
    assert (tmp_path / figures.README).read_bytes() == first
    assert first.decode("utf-8") == figures.readme_text()


def test_missing_and_unlisted_on_a_folder(tmp_path):
    reg = {"a_chart": ("01_x.ipynb", "A caption.")}
    assert figures.missing_files(tmp_path, reg) == ["a_chart.png", "a_chart.svg"]
    (tmp_path / "a_chart.png").write_bytes(b"x")
    (tmp_path / "a_chart.svg").write_bytes(b"x")
    (tmp_path / "old_chart.png").write_bytes(b"x")
    assert figures.missing_files(tmp_path, reg) == []
    assert figures.unlisted_files(tmp_path, reg) == ["old_chart.png"]
    assert "`a_chart`" in figures.readme_text(reg) and f"({style.PNG_DPI} dpi)" in figures.readme_text(reg)


def test_runner_writes_the_readme_after_the_notebooks(tmp_path, monkeypatch):
    from analysis.report.notebooks import execute_all

    nbs, figs = tmp_path / "nbs", tmp_path / "figs"
    nbs.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, nbs / "01_tiny.ipynb")
    repo_readme = (paths.FIGURES / figures.README).read_bytes()
    execute_all(nbs, quiet=True)  # no figure folder named: no README written anywhere
    assert not (figs / figures.README).exists()
    assert (paths.FIGURES / figures.README).read_bytes() == repo_readme
    execute_all(nbs, quiet=True, figures_readme=figs)
    assert (figs / figures.README).read_text(encoding="utf-8") == figures.readme_text()


def test_notebooks_drew_the_committed_figures():
    """The committed figures are what the notebooks draw today, checked on nbval's run of them.

    ``make test`` executes every notebook once, with nbval, against data/processed; each saves its figures
    into figures/ (``style.save_figure`` rewrites a file only when its bytes change).  This test runs after
    the last notebook (conftest moves it there) and finds figures/ byte for byte as it was before the
    session: with ``test_build``'s check that data/processed is what the build makes from data/raw, the
    committed figures are what the code and the data make.  (Skipped when nbval did not run.)
    """
    from conftest import _digest, nbval_session

    items, before = nbval_session()
    if not items:
        pytest.skip("nbval did not run in this session (`make test` runs it: pytest tests --nbval notebooks)")
    ran = {item.path.name for item in items}
    drawn = [name for name, (nb, _) in figures.FIGURES.items() if nb in ran]
    if not drawn:
        pytest.skip(f"nbval ran no notebook that draws a figure ({', '.join(sorted(ran))})")
    after = _digest(paths.FIGURES)
    for name in drawn:
        for ext in figures.FORMATS:
            f = f"{name}.{ext}"
            assert f in after, f"figures/{f} is missing: run `make figures`"
            assert after[f] == before.get(f), f"figures/{f} is not what the notebooks draw now: run `make figures`"
    assert after == before, "the notebooks changed figures/: run `make figures`"
