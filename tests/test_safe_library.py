"""A library that is safe to call: nothing is written where the caller did not name the place, and a folder
that is not a build is refused with an ``error:``-style message naming it and what to do."""
from __future__ import annotations

import inspect
import json

import matplotlib.pyplot as plt
import pytest

from analysis import paths, report
from analysis.docgen import write_pages
from analysis.errors import BuildError
from analysis.pipeline import build
from analysis.pipeline.output import MARKER
from analysis.plots import style
from analysis.report.figures import write_readme
from analysis.report.notebooks import execute_all
from tests.corpora import build_layouts

PLANS = [("county_a", "one_level_workplan"), ("county_b", "town_plan_2022")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_layouts(tmp_path_factory.mktemp("safe"), PLANS)


# ------------------------------------------------------------------ no default places to write
@pytest.mark.parametrize("func, arg", [(build, "out_dir"), (style.save_figure, "figures_dir"),
                                       (style.figure_paths, "figures_dir"), (write_readme, "figures_dir"),
                                       (write_pages, "docs")])
def test_writers_have_no_default_place(func, arg):
    p = inspect.signature(func).parameters[arg]
    assert p.default is inspect.Parameter.empty, f"{func.__qualname__}({arg}=...) must be named by the caller"


def test_writers_refuse_to_run_without_the_place():
    fig = plt.figure()
    with pytest.raises(TypeError):
        style.save_figure(fig, "x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="figures_dir"):
        style.save_figure(fig, "x", None)
    with pytest.raises(TypeError):
        build(paths.RAW)  # type: ignore[call-arg]
    plt.close(fig)


def test_report_save_writes_only_where_it_was_told(built, tmp_path):
    r = report.load(built)  # no figure folder given
    assert r.figures is None
    fig = plt.figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    before = sorted(p.name for p in built.iterdir())
    with pytest.raises(ValueError, match="no figure folder"):
        r.save(fig, "chart", r.note("actions"))
    assert sorted(p.name for p in built.iterdir()) == before
    r.save(fig, "chart", figures=tmp_path / "mine")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["chart.png", "chart.svg"]
    r2 = report.load(built, tmp_path / "figs")
    r2.save(fig, "chart")
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["chart.png", "chart.svg"]
    plt.close(fig)


def test_execute_all_writes_a_figure_readme_only_where_named(tmp_path):
    import nbformat

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, nbs / "01_tiny.ipynb")
    repo = (paths.FIGURES / "README.md").read_bytes()
    execute_all(nbs, quiet=True)
    assert (paths.FIGURES / "README.md").read_bytes() == repo and not list(tmp_path.glob("**/README.md"))


# ------------------------------------------------------------------ report.load refuses what is not a build
def _message(folder) -> str:
    """The refusal: a BuildError (the command line prints it as one ``error:`` line, exit 2), one line long."""
    with pytest.raises(BuildError) as exc:
        report.load(folder)
    assert "\n" not in str(exc.value)
    return str(exc.value)


def test_load_refuses_a_missing_folder(tmp_path):
    msg = _message(tmp_path / "my_build")
    assert str(tmp_path / "my_build") in msg and "no such folder" in msg and "python -m analysis build" in msg


def test_load_refuses_an_empty_folder_and_a_file(tmp_path):
    msg = _message(tmp_path)
    assert str(tmp_path) in msg and "empty" in msg and "python -m analysis build" in msg
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    msg = _message(tmp_path / "notes.txt")
    assert "not a folder" in msg


def test_load_refuses_tables_without_the_build_marker(built, tmp_path):
    for name in ("documents.csv", "actions.csv"):
        (tmp_path / name).write_bytes((built / name).read_bytes())
    msg = _message(tmp_path)
    assert str(tmp_path) in msg and MARKER in msg and "python -m analysis build" in msg


def test_load_refuses_a_build_without_its_main_tables(built, tmp_path):
    (tmp_path / "documents.csv").write_bytes((built / "documents.csv").read_bytes())
    (tmp_path / MARKER).write_text(json.dumps({"files": {"documents.csv": "0" * 64}}), encoding="utf-8")
    msg = _message(tmp_path)
    assert "actions.csv missing" in msg and str(tmp_path) in msg


def test_load_of_a_real_build_works_and_reads_its_codebook(built):
    r = report.load(built)
    assert r.plans == [j for j, _ in PLANS] and r.codebook == built / "codebook.yaml"
