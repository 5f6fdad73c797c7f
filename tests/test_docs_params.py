"""The generated documentation pages, the MkDocs site, and the parameters a build records."""
from __future__ import annotations

import json
import shutil
from dataclasses import fields

import pytest

from analysis import docgen, paths
from analysis.pipeline.crossplan import PARAMETERS_FILE, CrossPlanParams, read_params
from tests import cli


def test_generated_pages_are_current():
    assert docgen.stale_pages() == [], "run `python -m analysis docs` and commit docs/"


def test_every_parameter_is_documented():
    assert docgen.undocumented_parameters() == []
    page = docgen.parameters_markdown()
    for f in fields(CrossPlanParams):
        assert f"`{f.name}`" in page


def test_docstring_sections_are_parsed():
    summary, sections = docgen._docstring_sections("""Summary line.

    First
      - ``a`` = 1: one
        continued.
      - ``b`` = 2: two.

    Second
      - ``c`` = 3: three.
    """)
    assert summary == "Summary line."
    assert [t for t, _ in sections] == ["First", "Second"]
    assert sections[0][1] == ["``a`` = 1: one continued.", "``b`` = 2: two."]


def test_every_docs_page_is_in_the_navigation():
    import yaml

    nav = yaml.safe_load(docgen.MKDOCS_YML.read_text(encoding="utf-8"))["nav"]
    listed = {next(iter(item.values())) for item in nav}
    on_disk = {p.name for p in docgen.DOCS.glob("*.md")}
    assert on_disk == listed


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_site_builds_strictly(tmp_path):
    docgen.build_site(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").is_file()
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "CrossPlanParams" in api and "group_coverage" in api


# ------------------------------------------------------------------------ parameters

def test_assignments_are_read_as_the_defaults_types():
    p = CrossPlanParams.from_assignments(["n_clusters=12", "match_threshold=0.4", "reuse_exclude_errata=false",
                                          "sensitivity_lsa=10,20", "n_jobs=none", "align_kinds=action"])
    assert p.n_clusters == 12 and p.match_threshold == 0.4 and p.reuse_exclude_errata is False
    assert p.sensitivity_lsa == (10, 20) and p.n_jobs is None and p.align_kinds == ("action",)
    assert p.min_df == CrossPlanParams().min_df


@pytest.mark.parametrize("item, needle", [
    ("n_cluster=12", "NAME one of"),
    ("n_clusters", "NAME=VALUE"),
    ("n_clusters=twelve", "not a valid int"),
    ("min_df=none", "not a valid int"),
    ("include_safeguards=maybe", "not a valid bool"),
])
def test_bad_assignments_name_the_problem(item, needle):
    with pytest.raises(ValueError, match=needle):
        CrossPlanParams.from_assignments([item])


def test_params_round_trip_through_json():
    p = CrossPlanParams(n_clusters=9, sensitivity_lsa=(5, 7))
    assert CrossPlanParams.from_dict(json.loads(json.dumps(p.as_dict()))) == p
    with pytest.raises(ValueError, match="unknown"):
        CrossPlanParams.from_dict({"no_such": 1})


def test_the_build_records_its_parameters():
    """The repository's build used the defaults and says so."""
    assert read_params(paths.PROCESSED) == CrossPlanParams()
    recorded = json.loads((paths.PROCESSED / PARAMETERS_FILE).read_text(encoding="utf-8"))
    assert set(recorded) == {f.name for f in fields(CrossPlanParams)}


def test_read_params_without_a_file_gives_defaults(tmp_path):
    assert read_params(tmp_path) == CrossPlanParams()


def test_cli_refuses_an_unknown_parameter(tmp_path):
    proc = cli.run("build", "--out", tmp_path / "o", "--set", "no_such=1")
    assert proc.rc == 2
    assert "no_such" in proc.err and "Traceback" not in proc.err
    assert not (tmp_path / "o").exists()
