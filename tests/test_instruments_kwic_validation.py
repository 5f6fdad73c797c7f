"""Policy instruments, the concordance and the validation statistics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths, validation
from analysis.coding import load_codebook
from analysis.coding.instruments import clauses, code_clause, instrument_codes
from analysis.compare import kwic, read_processed
from tests import cli
from tests.conftest import require_shipped

CB = load_codebook()
CODES = instrument_codes(CB)


@pytest.fixture(scope="module")
def t():
    if not (paths.PROCESSED / "instruments.csv").is_file():
        pytest.skip("no build in data/processed")
    return read_processed()


def test_clauses_respect_brackets_and_quotes():
    text = "开展“科普进校园、进社区”活动，建设科技馆（含分馆，配套设施）；加大投入。"
    spans = [text[a:b] for a, b in clauses(text)]
    assert spans == ["开展“科普进校园、进社区”活动", "建设科技馆（含分馆，配套设施）", "加大投入"]


@pytest.mark.parametrize("clause, codes", [
    ("加强专兼职科普人才培训", {"supply.talent"}),
    ("将科普经费列入本级财政预算", {"supply.funding"}),
    ("规划建设区级公益性科技馆", {"supply.infrastructure"}),
    ("开发动漫、短视频等科普作品", {"supply.content"}),
    ("将科学素质内容纳入干部教育培训计划", {"environment.planning", "supply.talent"}),
    ("建立公民科学素质监测评估制度", {"environment.regulation"}),
    ("建立部门联席会议制度", {"environment.coordination", "environment.regulation"}),
    ("对作出突出贡献的个人给予表彰", {"environment.incentives"}),
    ("大力弘扬科学家精神", {"environment.advocacy"}),
    ("组织开展全国科普日活动", {"demand.activities"}),
    ("建设一批科普示范社区", {"demand.demonstration"}),
    ("通过政府购买服务方式", {"demand.procurement"}),
    ("推动馆校合作", {"demand.exchange"}),
    ("提升全民科学素质", set()),  # a goal is not an instrument
])
def test_clause_rules(clause, codes):
    assert set(code_clause(clause, CODES)) == codes


def test_instruments_table_offsets_and_kinds(t):
    texts = {j: (paths.text_dir(paths.PROCESSED) / f"{j}.txt").read_text(encoding="utf-8")
             for j in t["documents"]["jurisdiction"]}
    ins = t["instruments"]
    assert set(ins["code"]) <= {c.id for c in CODES}
    for r in ins.itertuples():
        assert texts[r.jurisdiction][r.start:r.end] == r.evidence
        assert r.code.startswith(r.kind + ".")
    counts = ins.groupby("action_id").size()
    a = t["actions"].set_index("action_id")["n_instruments"]
    assert (counts.reindex(a.index).fillna(0).astype(int) == a).all()


def test_kwic_pattern_code_and_sort(t):
    hits = kwic("科普日", window=5)
    assert len(hits) and (hits["match"] == "科普日").all()
    texts = {}
    for r in hits.itertuples():
        text = texts.setdefault(r.jurisdiction, (paths.text_dir(paths.PROCESSED) / f"{r.jurisdiction}.txt")
                                .read_text(encoding="utf-8"))
        assert text[r.start:r.end] == r.match and text[r.start - len(r.left):r.start].replace("\n", "⏎") == r.left
    m = kwic(code="group:youth")
    assert len(m) == (t["group_mentions"]["group"] == "youth").sum()
    assert (m["action_id"] != "").all()
    d = kwic(code="department:cast", sort="right")
    assert list(d["right"]) == sorted(d["right"])
    with pytest.raises(ValueError):
        kwic("x", code="group:youth")
    for unknown in ("group:nobody", "department:no_such_category", "instrument:supply.nothing", "action:chapter"):
        with pytest.raises(ValueError, match="known: "):  # a misspelt code is an error listing the ids, not 0 hits
            kwic(code=unknown)


def test_kwic_command_line(tmp_path, t):
    out = tmp_path / "k.csv"
    r = cli.run("kwic", "科普", "--plans", t["documents"]["jurisdiction"].iloc[0], "--out", out)
    assert r.rc == 0, r.err
    assert len(pd.read_csv(out)) > 0
    bad = cli.run("kwic", "(")
    assert bad.rc == 2 and bad.err.startswith("error:") and "Traceback" not in bad.err


def test_alpha_and_precision_recall():
    assert validation.alpha_nominal([1, 0, 1, 1], [1, 0, 1, 1]) == 1.0
    assert validation.alpha_nominal([1, 0, 1, 1], [1, 0, 1, 0]) < 1.0
    pr = validation.precision_recall({"a": {"x", "y"}}, {"a": {"x", "z"}}, ["a"])
    assert (pr["tp"], pr["precision"], pr["recall"]) == (1, 0.5, 0.5)


def _validated_plans() -> list[str]:
    """The plans the validation sample codes (its packets were drawn from their build)."""
    return sorted(set(pd.read_csv(validation.VALIDATION / "packets" / "field_sample.csv")["jurisdiction"]))


def test_sample_and_split_are_reproducible(t):
    """The packets are what the sampling functions draw from the validated plans' actions today."""
    require_shipped(*_validated_plans(), processed=True)
    packets = validation.VALIDATION / "packets"
    acts = t["actions"][t["actions"]["jurisdiction"].isin(_validated_plans())]
    assert sorted(validation.field_sample(acts)) == sorted(pd.read_csv(packets / "field_sample.csv")["action_id"])
    split = validation.instrument_split(acts)
    units = pd.read_csv(packets / "instrument_units.csv")
    assert all(split[a] == s for a, s in zip(units["action_id"], units["instrument_split"]))


def test_validation_reports(t):
    """The reports cover the lines and held-out actions of the validated plans (other plans of the corpus are not
    in the sample)."""
    coded = set(pd.read_csv(validation.VALIDATION / "reconciled" / "segmentation.csv")["jurisdiction"])
    texts = {j: (paths.text_dir(paths.PROCESSED) / f"{j}.txt").read_text(encoding="utf-8")
             for j in t["documents"]["jurisdiction"]}
    seg = validation.segmentation_report(t["actions"], texts).set_index("label")
    assert seg.loc["all", "n_lines"] == sum(1 for j in texts if j in coded for ln in texts[j].split("\n") if ln)
    ins = validation.instruments_report(t["actions"], t["instruments"]).set_index("code")
    units = set(pd.read_csv(validation.VALIDATION / "packets" / "instrument_units.csv")["action_id"])
    assert ins.loc["all", "n_actions"] == sum(1 for a, s in validation.instrument_split(t["actions"]).items()
                                             if s == "test" and a in units)
    assert 0 <= ins.loc["all", "precision"] <= 1 and np.isfinite(ins.loc["all", "alpha_coders"])
