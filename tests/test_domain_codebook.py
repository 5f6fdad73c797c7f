"""Another policy domain: a plan of industrial policy built with a codebook that holds only its groups and
instruments (examples/industrial_policy/codebook.yaml); segmentation and departments need nothing else."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
import yaml

from analysis.coding.codebook import STRUCTURAL_SECTIONS, load_codebook
from analysis.coding.instruments import instrument_codes
from analysis.errors import BuildError
from analysis.pipeline import extract_corpus

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "industrial_policy" / "codebook.yaml"
PLAN = ROOT / "tests" / "fixtures" / "layouts" / "industrial_internet_2019.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("industrial")
    data = PLAN.read_bytes()
    (raw / "plan.txt").write_bytes(data)
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"])
        w.writerow(["hubin", "plan.txt", hashlib.sha256(data).hexdigest(), "湖滨省", "Hubin", "province"])
    return extract_corpus(raw, codebook_path=EXAMPLE, progress=False)


def test_the_example_codebook_holds_only_its_domain():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert not set(data) & set(STRUCTURAL_SECTIONS)
    cb = load_codebook(EXAMPLE)
    assert {g.id for g in cb.groups} == {g["id"] for g in data["groups"]}
    assert cb.categories == load_codebook().categories  # the structural sections come from the package's


def test_actions_and_departments_come_from_structure(built):
    assert (built.actions["kind"] == "action").sum() == 7
    assert built.gaps.empty  # every unit of the plan is coded by the package's categories
    cats = set(built.assignments["category"])
    assert {"industry_it", "propaganda", "public_security"} <= cats


def test_groups_and_instruments_come_from_the_domain_codebook(built):
    codes = {c.id for c in instrument_codes(load_codebook(EXAMPLE))}
    assert set(built.instruments["code"]) <= codes
    assert {"supply.platforms", "supply.infrastructure", "demand.adoption"} <= set(built.instruments["code"])
    assert {"sme", "large_firms"} <= set(built.mentions["group"])
    science = {c.id for c in instrument_codes(load_codebook())}
    assert not set(built.instruments["code"]) - codes and codes != science


def test_groups_need_their_heading_keywords(tmp_path):
    bad = tmp_path / "codebook.yaml"
    bad.write_text("groups:\n  - {id: sme, zh: 中小企业, en: SMEs, terms: ['中小企业']}\n", encoding="utf-8")
    with pytest.raises(BuildError, match="group_heading_keywords"):
        load_codebook(bad)


def test_a_codebook_without_groups_codes_none(tmp_path):
    bare = tmp_path / "codebook.yaml"
    bare.write_text("not_groups: []\n", encoding="utf-8")
    cb = load_codebook(bare)
    assert cb.groups == () and cb.categories == load_codebook().categories
