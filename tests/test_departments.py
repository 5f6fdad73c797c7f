"""Department lists in formats of other plans (a sixth plan must work too)."""
import pytest

from analysis.coding.plan import extract
from analysis.coding.codebook import load_codebook
from analysis.coding.departments import complete_name, parse_list
from analysis.errors import BuildError
from analysis.corpus.normalization import normalize

CB = load_codebook()


def names(text, level="县", role="responsible"):
    return [(m.department, m.role, m.open_ended)
            for m in parse_list(text, 0, CB, level, ("平阴",), lambda off: "test", role)]


def test_role_clauses_lead_and_cooperating():
    assert names("县科协牵头，县教体局、科技局配合") == [
        ("县科协", "lead", False), ("县教体局", "cooperating", False), ("县科技局", "cooperating", False)]


def test_role_prefix_and_shared_prefix():
    assert names("牵头部门：市委组织部、宣传部，市科协。", "市") == [
        ("市委组织部", "lead", False), ("市委宣传部", "lead", False), ("市科协", "lead", False)]


def test_open_ended_and_closings():
    assert names("县科协、县教体局等按职责分工负责") == [("县科协", "responsible", True), ("县教体局", "responsible", True)]
    assert names("县委组织部负责") == [("县委组织部", "responsible", False)]


def test_prefix_rules():
    assert complete_name("市场监管局", "区", CB, ()) == "区市场监管局"
    assert complete_name("老干部局", "区", CB, ()) == "区委老干部局"
    assert complete_name("团区委", "区", CB, ()) == "团区委"
    assert complete_name("芝罘规划管理办公室", "区", CB, ("芝罘",)) == "芝罘规划管理办公室"
    assert complete_name("各镇街道", "县", CB, ()) == "各镇街道"


def test_unknown_department_is_kept_uncoded_and_reported():
    gaps = []
    got = parse_list("县科协、星际旅行局按职责分工负责", 0, CB, "县", (), lambda off: f"plan X, offset {off}",
                     gaps=gaps, jurisdiction="x")
    assert [(m.department, m.category, m.start) for m in got] == [("县科协", "cast", 0), ("县星际旅行局", "uncoded", 4)]
    assert [(g["kind"], g["name"], g["where"]) for g in gaps] == [("department", "县星际旅行局", "plan X, offset 4")]


PLAN = """东阿县全民科学素质行动实施方案
一、总体要求
（一）指导思想。以习近平新时代中国特色社会主义思想为指导。
二、重点任务
（一）实施青少年科学素质提升行动
1、加强科学教育。推进中小学科学教育（县教体局牵头，县科协、团县委配合）
2、开展科技竞赛。每年举办青少年科技竞赛2次以上。
责任单位：县教体局、县科协
（二）实施老年人科学素质提升行动
（1）开展智慧助老。普及智能技术（各镇街道、县卫生健康局等负责）
三、保障措施
（一）加强组织领导。县政府负责。
"""


def test_a_sixth_plan_with_other_conventions():
    t = extract("donge", normalize(PLAN)[0], CB, "县", ("东阿",))
    got = [(a["title"], a["group"], a["kind"], a["roles"]) for a in t.actions]
    assert got == [("加强科学教育", "youth", "action", "lead+cooperating"),
                   ("开展科技竞赛", "youth", "action", "responsible"),
                   ("开展智慧助老", "elderly", "action", "responsible"),
                   ("加强组织领导", "", "safeguard", "")]
    assert t.actions[1]["text"] == "开展科技竞赛。每年举办青少年科技竞赛2次以上。"
    deps = [(x["action_id"], x["department"], x["role"]) for x in t.assignments]
    assert ("donge-002", "县科协", "responsible") in deps and ("donge-003", "各镇街道", "responsible") in deps
    assert [x["value"] for x in t.targets] == [2.0]


def test_both_roles_on_one_line():
    assert names("牵头部门：县教体局，县科协；配合部门：县委宣传部，县科技局。") == [
        ("县教体局", "lead", False), ("县科协", "lead", False),
        ("县委宣传部", "cooperating", False), ("县科技局", "cooperating", False)]


def test_a_second_label_starts_a_new_clause():
    assert names("牵头部门：县教体局，配合部门：县委宣传部") == [
        ("县教体局", "lead", False), ("县委宣传部", "cooperating", False)]
    assert names("牵头单位：县科协　责任单位：县教育局、县科技局") == [
        ("县科协", "lead", False), ("县教育局", "responsible", False), ("县科技局", "responsible", False)]


PLAN2 = """二、重点任务
（一）实施青少年科学素质提升行动。
以激发青少年想象力和好奇心为重点，着重培养爱国情怀和社会责任感，提升创新精神和实践能力。
弘扬和传承科学精神。开展科学家精神进校园系列活动。（团区委牵头，区科协、区教育局配合）
提升教师科学素质。将科学精神作为教师培训的重要内容。（区科协、教体局按职责分工负责）
"""


def test_intro_paragraph_then_heading_paragraphs_and_league_led_roles():
    t = extract("x", normalize(PLAN2)[0], CB, "区", ())
    assert [a["title"] for a in t.actions] == ["弘扬和传承科学精神", "提升教师科学素质"]
    assert [(x["department"], x["role"]) for x in t.assignments if x["action_id"] == "x-001"] == [
        ("团区委", "lead"), ("区科协", "cooperating"), ("区教育局", "cooperating")]
    assert not t.actions[0]["text"].endswith("）")
    sec = [s for s in t.sections if s["title"] == "实施青少年科学素质提升行动"][0]
    assert sec["context_start"] != "" and sec["n_actions"] == 2


@pytest.mark.parametrize("name, category", [
    ("劳动和社会保障局", "hr_social_security"), ("人事局", "hr_social_security"), ("经委", "industry_it"),
    ("计生委", "health"), ("广电局", "culture_tourism"), ("文化局", "culture_tourism"), ("环保局", "ecology_environment"),
    ("安监局", "emergency"), ("民委", "united_front"), ("粮食局", "development_reform"), ("供销社", "supply_marketing"),
    ("日报社", "news_media"), ("广播电视台", "news_media"), ("科研院所", "research_institutions"),
])
def test_names_of_older_plans_are_coded(name, category):
    """Historical and media/research unit names code under their successors' categories, never 'uncoded'."""
    got = parse_list(f"县科协、{name}按职责分工负责", 0, CB, "县", (), lambda off: "t")
    assert [m.category for m in got] == ["cast", category], [(m.department, m.category) for m in got]
