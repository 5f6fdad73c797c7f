"""Every parameter of the cross-plan stage has a type and a range; a value outside it is refused, naming both."""
from __future__ import annotations

import json
import math
from dataclasses import fields

import pytest

from analysis import docgen
from analysis.pipeline.params import PARAMETERS_FILE, RANGES, CrossPlanParams, Range, read_params
from tests import cli

#: (parameter, a value outside its range) -- one of each kind of problem.
OUTSIDE = [("match_threshold", 5.0), ("match_threshold", -0.1), ("match_threshold", math.nan),
           ("match_threshold", math.inf), ("n_clusters", -1), ("n_clusters", 0), ("n_clusters", 2.5),
           ("n_clusters", True), ("keyness_alpha", 0.0), ("template_min_share", 1.5), ("n_jobs", 0),
           ("n_jobs", -2), ("decimals", 16), ("random_state", -1), ("stability_runs", -1), ("k_min", 1),
           ("include_safeguards", "yes"), ("sensitivity_lsa", (10, 0)), ("align_kinds", ("chapter",)),
           ("align_kinds", ()), ("reuse_min_chars", 0), ("selection_sample", 2)]


def test_every_field_has_a_range_and_its_default_lies_in_it():
    assert set(RANGES) == {f.name for f in fields(CrossPlanParams)}
    defaults = CrossPlanParams()
    for f in fields(CrossPlanParams):
        assert RANGES[f.name].problem(getattr(defaults, f.name)) is None, f.name


@pytest.mark.parametrize("name,value", OUTSIDE, ids=[f"{n}={v!r}" for n, v in OUTSIDE])
def test_a_value_outside_the_range_is_refused_naming_parameter_value_and_range(name, value):
    with pytest.raises(ValueError) as err:
        CrossPlanParams(**{name: value})
    msg = str(err.value)
    assert name in msg and RANGES[name].text() in msg
    shown = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
    assert shown in msg


@pytest.mark.parametrize("name,value", [("match_threshold", 0.0), ("match_threshold", 1.0), ("keyness_alpha", 1.0),
                                        ("n_jobs", -1), ("n_jobs", None), ("n_clusters", 1), ("stability_runs", 0),
                                        ("sensitivity", None), ("sensitivity_lsa", ()), ("k_min", 30),
                                        ("align_kinds", ("action",))])
def test_values_on_the_bounds_and_the_special_ones_are_accepted(name, value):
    assert getattr(CrossPlanParams(**{name: value}), name) == value


def test_k_min_above_k_max_is_refused():
    with pytest.raises(ValueError, match=r"k_min = 31 is above k_max = 30"):
        CrossPlanParams(k_min=31)
    assert CrossPlanParams(k_min=12, k_max=12).k_min == 12


def test_assignments_are_read_as_the_parameters_type():
    p = CrossPlanParams.from_assignments(["n_jobs=-1", "sensitivity=none", "sensitivity_lsa=10, 20",
                                          "match_threshold=0.5", "include_safeguards=true", "align_kinds=action"])
    assert (p.n_jobs, p.sensitivity, p.sensitivity_lsa, p.match_threshold, p.include_safeguards, p.align_kinds) == \
        (-1, None, (10, 20), 0.5, True, ("action",))
    with pytest.raises(ValueError, match=r"--set n_clusters=twelve: not a valid int \| None; n_clusters is an integer"):
        CrossPlanParams.from_assignments(["n_clusters=twelve"])
    with pytest.raises(ValueError, match=r"--set match_threshold=nan: match_threshold = nan is outside its range"):
        CrossPlanParams.from_assignments(["match_threshold=nan"])


def test_range_text_in_words():
    assert Range(float, 0.0, 1.0).text() == "a decimal, 0 ≤ x ≤ 1"
    assert Range(float, 0.0, 1.0, lo_open=True).text() == "a decimal, 0 < x ≤ 1"
    assert Range(int, 1, none=True, also=(-1,)).text() == "an integer ≥ 1, or -1 or none"
    assert Range(int, 1, sequence=True).text() == "a comma-separated list of integers ≥ 1"
    assert Range(bool, none=True).text() == "true or false, or none"


def test_the_parameters_page_gives_every_range():
    page = docgen.parameters_markdown()
    for name, r in RANGES.items():
        assert any(line.startswith(f"| `{name}` |") and f"| {r.text()} |" in line for line in page.splitlines()), name


def test_a_build_folder_with_an_out_of_range_parameter_is_refused(tmp_path):
    values = CrossPlanParams().as_dict()
    values["match_threshold"] = 7
    (tmp_path / PARAMETERS_FILE).write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(ValueError, match="match_threshold = 7 is outside its range"):
        read_params(tmp_path)


CLI_CASES = [("match_threshold=5", "match_threshold = 5.0", "0 ≤ x ≤ 1"),
             ("match_threshold=nan", "match_threshold = nan", "0 ≤ x ≤ 1"),
             ("n_clusters=-1", "n_clusters = -1", "an integer ≥ 1, or none"),
             ("k_min=40", "k_min = 40", "k_max = 30")]


@pytest.mark.parametrize("command", ["build", "report"])
@pytest.mark.parametrize("item,value,rng", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_the_command_line_refuses_a_value_outside_the_range(tmp_path, command, item, value, rng):
    r = cli.run(command, "--raw", "data/raw", "--out", tmp_path / "out", "--set", item)
    assert r.rc == 2, r.err
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: --set "), r.err
    assert value in lines[0] and rng in lines[0] and "Traceback" not in r.err
    assert not (tmp_path / "out").exists()
