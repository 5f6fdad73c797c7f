"""The layouts real plans use: each fixture of tests/fixtures/layouts builds and reads as a careful reader reads it."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import opencc
import pytest

from analysis.pipeline import extract_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
T2S = opencc.OpenCC("t2s")


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", params=NAMES)
def built(request, tmp_path_factory):
    name = request.param
    exp = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    codebook = ROOT / exp["codebook"] if exp.get("codebook") else None
    raw = tmp_path_factory.mktemp(name)
    data = (FIXTURES / f"{name}.txt").read_bytes()
    if name == "traditional_big5":
        data = data.decode("utf-8").encode("big5")
    (raw / "plan.txt").write_bytes(data)
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"])
        w.writerow(["x", "plan.txt", hashlib.sha256(data).hexdigest(), exp["name_zh"], "X", exp["level"]])
    return name, exp, extract_corpus(raw, codebook_path=codebook, progress=False)


def test_every_action_found_with_kind_and_group(built):
    name, exp, ds = built
    got = [(r.text, r.kind, r.group if isinstance(r.group, str) else "") for r in ds.actions.itertuples()]
    assert len(got) == len(exp["actions"]), name
    for (text, kind, group), e in zip(got, exp["actions"]):
        assert text.startswith(T2S.convert(e["opening"])), (name, text[:15], e["opening"])
        assert (kind, group) == (e["kind"], e["group"]), (name, e["opening"])
    if any("group_basis" in e for e in exp["actions"]):
        assert [e.get("group_basis") for e in exp["actions"]] == [
            (b if isinstance(b, str) else "") for b in ds.actions["group_basis"]], name


def test_boxes_stay_with_their_item(built):
    """A 专栏 box of projects is never an action: it is linked to the item it follows."""
    name, exp, ds = built
    boxed = [isinstance(b, (int, float)) and b == b for b in ds.actions["box_start"]]
    assert boxed == [bool(e.get("box")) for e in exp["actions"]], name
    for r in ds.actions[boxed].itertuples():
        assert ds.texts["x"][int(r.box_start):int(r.box_end)].startswith("专栏")


def test_text_no_action_covers_is_accounted_for(built):
    """Every span outside the actions is a qa row; only the kinds the fixture expects are unplaced."""
    name, exp, ds = built
    qa = ds.qa[ds.qa.kind == "outside_units"]
    kinds = {s.split(":")[0] for s in qa["snippet"]}
    unplaced = kinds & {"unassigned", "department_list_without_unit", "box_without_unit"}
    assert unplaced == set(exp.get("unplaced", [])), (name, unplaced)
    doc = ds.documents.iloc[0]
    assert doc.outside_chars == qa["count"].sum()
    text = ds.texts["x"]
    covered = sum(len(t.replace("\n", "").replace(" ", "")) for t in ds.actions["text"])
    assert covered + doc.outside_chars <= len(text.replace("\n", "").replace(" ", ""))


def test_departments_with_roles(built):
    name, exp, ds = built
    for r, e in zip(ds.actions.itertuples(), exp["actions"]):
        a = ds.assignments[ds.assignments.action_id == r.action_id]
        got = sorted(zip(a["printed"], a["role"]))
        assert got == sorted((T2S.convert(n), role) for n, role in e["departments"]), (name, e["opening"])


def test_no_department_line_becomes_an_action(built):
    name, _, ds = built
    for text in ds.actions["text"]:
        assert not text.startswith(("牵头单位", "责任单位", "配合单位", "参与单位")), (name, text[:20])


def test_metadata(built):
    name, exp, ds = built
    d = ds.documents.iloc[0]
    assert d.title == T2S.convert(exp["title"]), name
    assert (d.issued or "") == (exp["issued"] or "")
    assert (d.literacy_target_pct if d.literacy_target_pct != "" else None) == exp["literacy_target_pct"]
    for key in ("doc_number", "published", "issuer", "notice_title"):
        if key in exp:
            assert (d[key] or "") == exp[key], (name, key)
    if "period" in exp:
        assert [d.period_start, d.period_end] == exp["period"], name


def test_codebook_knows_every_unit(built):
    name, _, ds = built
    assert ds.gaps.empty, (name, list(ds.gaps["name"]))


def test_a_task_blocks_division_reaches_every_action_of_its_numbered_measures():
    """A 任务/措施/分工 block whose 措施 holds numbered measures, one of them with two heading paragraphs:
    the 分工 departments belong to all three actions, not only to the last one a measure gives."""
    from analysis.coding import load_codebook
    from analysis.coding.plan import extract

    text = "\n".join([
        "某县全民科学素质行动实施方案",
        "一、重点任务",
        "（一）青少年科学素质提升行动",
        "1.任务。培养青少年的科学兴趣和创新精神。",
        "2.措施。",
        "（1）课程建设",
        "推进科技教育课程改革。开设科学课程。",
        "加强科技辅导员队伍建设。建立评价机制。",
        "（2）开展青少年科技创新大赛。组织学生参加各类竞赛。",
        "3.分工。牵头部门：县教育局，县科协、团县委。",
        "二、保障措施",
        "（一）加强组织领导。各部门要加强协调。",
    ]) + "\n"
    t = extract("x", text, load_codebook(), "县")
    acts = [a for a in t.actions if a["kind"] == "action"]
    assert len(acts) == 3
    for a in acts:
        assert a["list_closing"] == "division_block", a
    named = {}
    for row in t.coded["assignments"]:
        named.setdefault(row["action_id"], set()).add(row["department"])
    assert all(named.get(a["action_id"]) == {"县教育局", "县科协", "团县委"} for a in acts), named
