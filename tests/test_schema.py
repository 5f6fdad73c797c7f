"""One schema: every written table matches the catalogue, and a coding dimension plugs in by itself."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, schema
from analysis.coding import load_codebook
from analysis.coding.dimension import Coded, CodingDimension
from analysis.coding.registry import DIMENSIONS
from analysis.coding.plan import extract
from analysis.compare import read_table
from analysis.corpus import normalize
from analysis.pipeline import catalog
from analysis.schema import Column, Table


def test_every_catalogued_table_is_written_and_fits_its_schema():
    written = {p.name for p in paths.PROCESSED.glob("*.csv")}
    assert written == {t.file for t in catalog.TABLES.values()}
    for name, t in catalog.TABLES.items():
        df = pd.read_csv(paths.PROCESSED / t.file, keep_default_na=False, na_values=[""])
        assert schema.check_table(df, t) == [], name


def test_check_table_finds_wrong_types_and_columns():
    t = catalog.table("targets")
    df = pd.read_csv(paths.PROCESSED / t.file, keep_default_na=False, na_values=[""])
    bad = df.astype({"year": object})
    bad.loc[bad.index[0], "year"] = "twenty"
    assert schema.check_table(bad, t) and "year" in schema.check_table(bad, t)[0]
    assert schema.check_table(df.drop(columns="span"), t)


def test_readers_type_columns_by_the_schema():
    t = read_table("targets")
    assert t["action_id"].map(type).eq(str).all()
    a = read_table("actions")
    assert a["seq"].dtype.kind == "i" and a["open_ended"].dtype == bool


def test_actions_columns_are_core_then_each_dimension_in_registry_order():
    cols = catalog.columns("actions")
    core = schema.columns("actions")
    assert cols[:len(core)] == core
    assert cols[len(core):] == [c.name for d in DIMENSIONS for c in d.action_columns]


PLAN = "一、主要任务\n（一）实施青少年科学素质提升行动\n1.开展科技节。每年举办科技节3场，组织青少年参加。（区科协、区教体局负责）\n"


class _LengthDimension(CodingDimension):
    """A toy dimension: one row per action with its length, to show the interface."""

    name = "length"
    table = Table("lengths", "lengths.csv", "extract", "one action", (
        Column("action_id", "str", "the action"), Column("n", "int", "characters"),
        Column("start", "int", "start", "text"), Column("end", "int", "end", "text")))
    action_columns = (Column("is_long", "bool", "more than 10 characters"),)

    def code(self, text, units, codebook, context):
        out = Coded()
        for u in units:
            out.rows.append({"action_id": u.action_id, "n": u.end - u.start, "start": u.start, "end": u.end})
            out.action_values[u.action_id] = {"is_long": u.end - u.start > 10}
        return out


def test_a_new_dimension_needs_only_its_own_class():
    text = normalize(PLAN)[0]
    t = extract("x", text, load_codebook(), "区", (), dimensions=DIMENSIONS + (_LengthDimension(),))
    assert [r["n"] for r in t.coded["lengths"]] == [len(t.actions[0]["text"])]
    assert t.actions[0]["is_long"] is True
    # the registry's dimensions still ran, with their evidence offsets
    assert [(r["department"], r["role"]) for r in t.assignments] == [("区科协", "responsible"),
                                                                      ("区教体局", "responsible")]
    for r in t.targets + t.mentions + t.assignments:
        assert 0 <= r["start"] < r["end"] <= len(text)


@pytest.mark.parametrize("dim", DIMENSIONS, ids=lambda d: d.name)
def test_registered_dimensions_declare_table_section_and_evidence(dim):
    import yaml

    cb = load_codebook()
    assert dim.table.name in catalog.TABLES
    assert any(c.evidence == "text" for c in dim.table.columns)
    sections = yaml.safe_load(Path(cb.path).read_text(encoding="utf-8"))
    for key in dim.codebook_section:  # the vocabulary it names is in the codebook file
        assert key in sections, f"{dim.name}: codebook has no section {key!r}"
