"""The report of the smallest corpora the build accepts (``python -m analysis report``).

Two raw folders of our own making, each reported once (a module-scoped
fixture; every run executes every notebook, a few minutes: ``slow``, in
``make test-all``):

1. ``one_plan``: one plan with actions beside one whose text yields none --
   nothing to compare across plans;
2. ``two_actions``: two plans of one action each -- similarity and reuse
   exist, but two actions are too few to choose a number of clusters (they
   form one cluster, k = 1) or to test a term for keyness.

Either report finishes (exit 0) with no error in any notebook; the notebooks
whose cross-plan content cannot be computed print why
(:func:`analysis.report.own_corpus.skip_reason`) and skip the cells that need
it, and the per-plan content renders.  Faster checks of the pieces: the
clustering of fewer than three rows, and the runner's message for a failing
notebook.
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.corpus.manifest import REQUIRED_COLUMNS
from analysis.report import figures as registry
from tests.cli import Run
from tests.test_report import _report  # the report command as a researcher runs it

#: One plan's layout: 一、总体要求 … 二、重点任务 （一）… （二）… 三、保障措施.
THREE_ACTIONS = """岚溪县全民科学素质行动实施方案（2021—2025年）
一、总体要求
到2025年，全县公民具备科学素质的比例达到12%。
二、重点任务
（一）实施青少年科学素质提升行动
1.开展科技节。每年举办青少年科技节3场，组织中小学生参加科技竞赛。（县教育局、县科协负责）
2.加强科学教育。推进中小学科学课程改革，配备科技辅导员。（县教育局负责）
（二）实施农民科学素质提升行动
1.开展农业技术培训。每年培训农民2000人次以上。（县农业农村局牵头，县科协配合）
三、保障措施
（一）加强组织领导。县政府统筹协调各部门工作。
"""
#: A plan text with a target but no task section: the build recognises no action in it.
NO_ACTIONS = """青原县全民科学素质行动实施方案（2021—2025年）
一、总体要求
到2025年，全县公民具备科学素质的比例达到10%。
"""
ONE_ACTION_A = """岚溪县全民科学素质行动实施方案（2021—2025年）
一、总体要求
到2025年，全县公民具备科学素质的比例达到12%。
二、重点任务
（一）实施青少年科学素质提升行动。开展科技节，每年举办青少年科技节3场，组织中小学生参加科技竞赛。（县教育局、县科协负责）
"""
ONE_ACTION_B = """青原县全民科学素质行动实施方案（2021—2025年）
一、总体要求
到2025年，全县公民具备科学素质的比例达到10%。
二、重点任务
（一）实施农民科学素质提升行动。开展农业技术培训，每年培训农民2000人次以上。（县农业农村局牵头，县科协配合）
"""
PLANS = {"lanxi": ("岚溪县", "Lanxi County"), "qingyuan": ("青原县", "Qingyuan County")}
#: The notebooks with cross-plan content, and the figures only they draw.
CROSSPLAN_NOTEBOOKS = ("04_clusters.ipynb", "05_alignment_reuse.ipynb", "07_sensitivity.ipynb")
CROSSPLAN_FIGURES = [name for name, (nb, _) in registry.FIGURES.items() if nb in CROSSPLAN_NOTEBOOKS]
#: The per-plan figures (notebook 8 draws its figure only for the shipped plans' hand-coded sample).
PERPLAN_FIGURES = [name for name, (nb, _) in registry.FIGURES.items()
                   if nb not in CROSSPLAN_NOTEBOOKS + ("08_validation.ipynb",)]


def _raw(folder: Path, texts: dict[str, str]) -> Path:
    """A raw folder holding *texts* (jurisdiction -> plan text) and their manifest (the required columns)."""
    folder.mkdir(parents=True)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=REQUIRED_COLUMNS, lineterminator="\n")
        w.writeheader()
        for j, text in texts.items():
            (folder / f"{j}.txt").write_text(text, encoding="utf-8")
            w.writerow({"jurisdiction": j, "file": f"{j}.txt", "name_zh": PLANS[j][0], "name_en": PLANS[j][1],
                        "sha256": hashlib.sha256((folder / f"{j}.txt").read_bytes()).hexdigest(), "level": "county"})
    return folder


@pytest.fixture(scope="module")
def one_plan(tmp_path_factory):
    base = tmp_path_factory.mktemp("one_plan")
    raw = _raw(base / "raw", {"lanxi": THREE_ACTIONS, "qingyuan": NO_ACTIONS})
    return base / "report", _report(raw, base / "report")


@pytest.fixture(scope="module")
def two_actions(tmp_path_factory):
    base = tmp_path_factory.mktemp("two_actions")
    raw = _raw(base / "raw", {"lanxi": ONE_ACTION_A, "qingyuan": ONE_ACTION_B})
    return base / "report", _report(raw, base / "report")


def _notebooks(out: Path) -> dict[str, nbformat.NotebookNode]:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted((out / "notebooks").glob("*.ipynb"))}


def _printed(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream")


def _assert_clean_run(out: Path, proc: Run) -> dict[str, nbformat.NotebookNode]:
    assert proc.rc == 0, proc.err
    nbs = _notebooks(out)
    assert set(nbs) == {p.name for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    for name, nb in nbs.items():
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o["output_type"] != "error", f"{name}: {o.get('ename')}: {o.get('evalue')}"
                assert not (o["output_type"] == "stream" and o["name"] == "stderr"), f"{name}: {o['text']}"
    for name in PERPLAN_FIGURES:  # the per-plan content still renders
        assert (out / "figures" / f"{name}.png").is_file(), name
    return nbs


@pytest.mark.slow
def test_one_plan_with_actions_reports_and_says_why_nothing_is_compared(one_plan):
    out, proc = one_plan
    nbs = _assert_clean_run(out, proc)
    why = ("Cross-plan comparisons need at least two plans with actions; this corpus has 1 "
           "(Lanxi; Qingyuan has none).")
    for name in CROSSPLAN_NOTEBOOKS:
        assert why in _printed(nbs[name]), name
    for name in CROSSPLAN_FIGURES:  # skipped, not drawn empty
        assert not (out / "figures" / f"{name}.png").exists(), name
    actions = pd.read_csv(out / "processed" / "actions.csv")
    assert set(actions["jurisdiction"]) == {"lanxi"} and len(actions) == 4
    assert pd.read_csv(out / "processed" / "cluster_quality.csv").empty
    lexicon = "".join(o.get("data", {}).get("text/plain", "") for c in nbs["07_sensitivity.ipynb"].cells
                      for o in c.get("outputs", []))
    assert "lanxi" in lexicon  # the mention lexicon, per plan, is still shown


@pytest.mark.slow
def test_two_plans_of_one_action_each_report_with_one_cluster(two_actions):
    out, proc = two_actions
    nbs = _assert_clean_run(out, proc)
    quality = pd.read_csv(out / "processed" / "cluster_quality.csv")
    assert quality[["k", "chosen", "n_clustered"]].to_dict("records") == [{"k": 1, "chosen": True, "n_clustered": 2}]
    clusters = pd.read_csv(out / "processed" / "clusters.csv")
    assert len(clusters) == 2 and set(clusters["cluster"]) == {1}
    printed = _printed(nbs["04_clusters.ipynb"])
    assert "Clusters are compared from 3 clustered actions on" in printed and "this corpus has 2" in printed
    assert "no term is tested for keyness" in printed
    assert "Clusters are compared from 3 clustered actions on" in _printed(nbs["07_sensitivity.ipynb"])
    for name in ("cluster_composition", "cluster_map", "keyness", "cluster_choice"):
        assert not (out / "figures" / f"{name}.png").exists(), name
    # what two plans allow is shown: similarity, counterparts, reuse
    for name in ("jurisdiction_similarity", "text_reuse", "reuse_threshold", "counterpart_threshold"):
        assert (out / "figures" / f"{name}.png").is_file(), name
    assert "Cross-plan comparisons need" not in _printed(nbs["05_alignment_reuse.ipynb"])


@pytest.mark.parametrize("n", [0, 1, 2])
def test_fewer_than_three_rows_form_one_cluster_with_a_chosen_k(n):
    from analysis.textstats.cluster import MIN_CLUSTERED, cluster_vectors

    assert MIN_CLUSTERED == 3
    res = cluster_vectors(np.eye(4)[:n], stability_runs=2)
    assert list(res.labels) == [1] * n
    if n == 0:
        assert res.k == 0 and res.quality.empty
    else:
        assert res.k == 1 and res.quality[["k", "chosen"]].to_dict("records") == [{"k": 1, "chosen": True}]
        assert int(res.quality.loc[res.quality["chosen"], "k"].iloc[0]) == 1
    with pytest.raises(ValueError, match="at least 3 rows"):
        from analysis.textstats.cluster import choose_k

        choose_k(np.eye(4)[:2])


def test_a_failing_notebook_is_named_with_its_cell_and_error_first(tmp_path):
    from analysis.errors import BuildError
    from analysis.report.notebooks import execute

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook"), nbformat.v4.new_code_cell("x = []"),
                nbformat.v4.new_code_cell("# the first item\nx[0]")]
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell{i}"
    path = tmp_path / "01_fails.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    with pytest.raises(BuildError) as err:
        execute(path)
    first = str(err.value).splitlines()[:2]
    assert first == ["notebook 01_fails.ipynb failed at cell 3 (id cell2, first line: # the first item):",
                     "  IndexError: list index out of range"]
    assert path.read_bytes() == before


def test_a_corpus_without_any_action_is_an_error_not_a_report(tmp_path):
    """Nothing to compare or draw: one `error:` line naming the plans, exit 2, no report folder left behind."""
    raw = _raw(tmp_path / "raw", {"qingyuan": NO_ACTIONS})
    proc = _report(raw, tmp_path / "report")
    # warnings of the build survive --quiet (docs/safety.md); the error is the one `error:` line after them
    lines = proc.err.splitlines()
    first_error = next(i for i, ln in enumerate(lines) if ln.startswith("error:"))
    assert proc.rc == 2 and "Traceback" not in proc.err
    assert all(ln.startswith("warning:") for ln in lines[:first_error]), proc.err
    assert sum(ln.startswith("error:") for ln in lines) == 1
    assert "qingyuan" in proc.err and "no plan yields a single action" in proc.err
    assert not (tmp_path / "report").exists() or not any((tmp_path / "report").iterdir())
