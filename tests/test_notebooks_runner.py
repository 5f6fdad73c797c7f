"""``python -m analysis notebooks``: in-place, deterministic execution; a failure leaves the file untouched."""
from __future__ import annotations

import json

import nbformat
import pytest

from analysis.errors import BuildError
from analysis.report.notebooks import execute_all, notebook_paths


def write_nb(path, sources, minor=5):
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = minor
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny report")] + [nbformat.v4.new_code_cell(s) for s in sources]
    for c in nb.cells:  # as if written by an older tool: no ids, stale outputs and timing metadata
        c.pop("id", None)
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2001-01-01T00:00:00Z"}
    nb.cells[1].execution_count = 41
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(nb, indent=2))
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nbs")
    (folder / "data.txt").write_text("读到了\n", encoding="utf-8")
    write_nb(folder / "02_second.ipynb", ["x = 2", "", "print(x * 21)"])
    write_nb(folder / "01_first.ipynb", ["print(open('data.txt', encoding='utf-8').read().strip())", "'平阴' + 'Pingyin'"])
    (folder / "scratch.ipynb").write_text("not a report notebook, never run", encoding="utf-8")
    first = execute_all(folder, quiet=True)
    snapshot = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    second = execute_all(folder, quiet=True)
    return folder, first, second, snapshot


def test_runs_numbered_notebooks_in_name_order(executed):
    folder, first, second, _ = executed
    assert [p.name for p in first] == ["01_first.ipynb", "02_second.ipynb"] == [p.name for p in second]
    assert (folder / "scratch.ipynb").read_text(encoding="utf-8") == "not a report notebook, never run"
    assert notebook_paths(folder) == first


def test_outputs_written_in_place_with_cwd_the_notebook_folder(executed):
    folder = executed[0]
    nb = nbformat.read(folder / "01_first.ipynb", as_version=4)
    out = nb.cells[1].outputs[0]
    assert out["output_type"] == "stream" and out["text"] == "读到了\n"
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "'平阴Pingyin'"
    raw = (folder / "01_first.ipynb").read_text(encoding="utf-8")
    assert "平阴" in raw and raw.endswith("}\n") and raw.startswith('{\n "cells"')  # nbformat style, UTF-8 kept


def test_volatile_metadata_stripped_and_counts_sequential(executed):
    folder = executed[0]
    nb = nbformat.read(folder / "02_second.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, None, 2]
    assert all("execution" not in c.metadata for c in nb.cells)
    assert all(c.get("id") for c in nb.cells)
    nbformat.validate(nb)


def test_second_run_changes_no_byte(executed):
    folder, _, _, snapshot = executed
    assert {p.name: p.read_bytes() for p in folder.glob("*.ipynb")} == snapshot


def test_failing_notebook_stops_with_its_name_and_is_left_unchanged(tmp_path):
    write_nb(tmp_path / "01_ok.ipynb", ["1 + 1"])
    bad = write_nb(tmp_path / "02_bad.ipynb", ["y = 1", "raise RuntimeError('the data moved')"])
    later = write_nb(tmp_path / "03_later.ipynb", ["3"])
    before_bad, before_later = bad.read_bytes(), later.read_bytes()
    with pytest.raises(BuildError) as err:
        execute_all(tmp_path, quiet=True)
    msg = str(err.value)
    assert "02_bad.ipynb" in msg and "the data moved" in msg and "\x1b[" not in msg
    assert bad.read_bytes() == before_bad
    assert later.read_bytes() == before_later  # not run after a failure
    assert not list(tmp_path.glob(".*.tmp"))
    assert nbformat.read(tmp_path / "01_ok.ipynb", as_version=4).cells[1].outputs  # ran before the failure


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(BuildError, match="no notebooks"):
        execute_all(tmp_path, quiet=True)


def test_missing_cell_ids_are_derived_not_random(tmp_path):
    from analysis.report.notebooks import read

    p = write_nb(tmp_path / "01_ids.ipynb", ["1"])
    assert [c["id"] for c in read(p).cells] == [c["id"] for c in read(p).cells]
    old = write_nb(tmp_path / "02_old.ipynb", ["1"], minor=4)
    assert all("id" not in c for c in read(old).cells)  # nbformat 4.4 has no cell ids


def test_adjacent_streams_are_merged_so_timing_cannot_change_the_notebook():
    from analysis.report.notebooks import coalesce_streams

    def stream(name, text):
        return nbformat.v4.new_output("stream", name=name, text=text)

    one_message = [stream("stderr", "warning a\nwarning b\n")]
    two_messages = [stream("stderr", "warning a\n"), stream("stderr", "warning b\n")]
    assert coalesce_streams(two_messages) == coalesce_streams(one_message) == one_message
    # streams of different names, or separated by another output, stay apart and in order
    mixed = [stream("stdout", "x\n"), stream("stderr", "y\n"), nbformat.v4.new_output("display_data", data={}),
             stream("stderr", "z\n")]
    assert [o.get("name", o["output_type"]) for o in coalesce_streams(mixed)] == [
        "stdout", "stderr", "display_data", "stderr"]
