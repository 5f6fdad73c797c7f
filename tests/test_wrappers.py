"""Website and database wrappers, invisible characters and levels: the general rules, on texts of our own making.

The wrapper forms are the ones seen on real government sites and legal databases (labelled fields in any
spacing, in brackets and table cells, epoch dates, letter-spaced titles); the values are invented.
"""
from __future__ import annotations

import pytest

from analysis.coding.codebook import load_codebook
from analysis.coding.metadata import extract_metadata
from analysis.coding.plan import extract
from analysis.coding.wrappers import despace, doc_number, fields, is_furniture, parse_date
from analysis.corpus import levels
from analysis.corpus.normalization import normalize


@pytest.mark.parametrize("line, number", [
    ("文       号 : 赤政办发〔2012〕3号", "赤政办发〔2012〕3号"),
    ("发文文号: 穗府办[2016]29号", "穗府办〔2016〕29号"),
    ("[ 发文字号 ] | 丰都府办〔2022〕50号 |", "丰都府办〔2022〕50号"),
    ("• 发文字号: 大政发 〔 2022〕 19号", "大政发〔2022〕19号"),
    ("文  号:楚政通〔2022〕61号", "楚政通〔2022〕61号"),
    ("发文字号：国发（2021）9号", "国发〔2021〕9号"),
    ("文号：湘政办发［2021］第74号", "湘政办发〔2021〕74号"),
])
def test_document_numbers_in_every_bracket_form_and_spacing(line, number):
    got = [(m, v) for m, _, v in fields(normalize(line)[0].strip())]
    assert got and got[0][0] == "doc_number"
    assert doc_number(got[0][1]) == number


def test_several_fields_on_one_line_and_values_in_the_next_cell():
    line = "[ 索引号 ] | 115002300086860353/2023-00019 | [ 发文字号 ] | 丰都府办〔2022〕50号 | [ 成文日期 ] | 2022-05-10 |"
    got = {m: v for m, _, v in fields(line)}
    assert got["doc_number"] == "丰都府办〔2022〕50号" and got["issued"] == "2022-05-10"
    assert got["other"] == "115002300086860353/2023-00019"
    cells = [(label, v) for _, label, v in fields("索引号：| 1137/2022-05769 | 主题分类：| 科技 |")]
    assert cells == [("索引号", "1137/2022-05769"), ("主题分类", "科技")]
    side = {m: v for m, _, v in fields("发布时间 : 2022-10-31 来源:某某市司法局")}
    assert side["published"].startswith("2022-10-31")


@pytest.mark.parametrize("text, iso", [
    ("2023年3月24日", "2023-03-24"), ("2023年03月24日", "2023-03-24"), ("2023-03-24 16:54", "2023-03-24"),
    ("2023/3/24", "2023-03-24"), ("二〇〇八年四月十五日", "2008-04-15"), ("二〇二一年十二月三十日", "2021-12-30"),
])
def test_dates_in_every_form(text, iso):
    assert parse_date(text) == iso


def test_epoch_time_only_in_a_labelled_date_field():
    # 1652925292000 ms is 2022-05-19 01:54 UTC, 09:54 in China
    assert parse_date("1652925292000", epoch=True) == "2022-05-19"
    assert parse_date("1652925292", epoch=True) == "2022-05-19"
    assert parse_date("1652925292000") == ""  # a long number in the text is not a date
    assert parse_date("12345", epoch=True) == ""


def test_letter_spaced_titles_are_joined_and_word_spacing_kept():
    assert despace("《 黔 南 州 全 民 科 学 素 质 行 动 实 施 方 案 (2021-2025 年)》") == "《黔南州全民科学素质行动实施方案(2021-2025年)》"
    assert despace("Science literacy 行动方案") == "Science literacy 行动方案"
    assert despace("某市人民政府 2021年3月1日") == "某市人民政府 2021年3月1日"


def test_furniture_lines():
    for line in ["当前位置：首页 > 政务公开 > 政策文件", "【法宝引证码】 CLI.12.4638041", "原文链接：http://x.gov.cn/1.html",
                 "• 加入收藏", "[ 主题分类 ] | 科技 |", "发文内容:"]:
        assert is_furniture(line), line
    assert not is_furniture("某市全民科学素质行动实施方案（2021—2025年）")


OPENING = """法规搜索 最新法规 点击最多
首页 > 地方法规 > 正文
发文标题: 某某市人民政府办公室关于印发某某市全民科学素质行动计划纲要实施方案[2016—2020年]的通知
发文文号: 某府办[2016]29号
发文部门: 某某市人民政府办公室
发文时间: 2016-12-20
发文内容:
各区人民政府，市政府各部门：
《某某市全民科学素质行动计划纲要实施方案（2016—2020年）》已经市政府同意，现印发给你们，请认真组织实施。
为贯彻落实《国务院关于印发全民科学素质行动计划纲要（2006—2010—2020年）的通知》，制定本方案。
一、总体目标
到2020年，全市公民具备科学素质的比例达到15%。
"""


def test_a_law_database_opening_gives_number_date_issuer_title_and_period():
    m = extract_metadata(normalize(OPENING)[0], "prefecture-level city")
    assert m["doc_number"] == "某府办〔2016〕29号"
    assert m["issued"] == "2016-12-20"
    assert m["issuer"] == "某某市人民政府办公室"
    assert m["title"] == "某某市全民科学素质行动计划纲要实施方案（2016—2020年）"
    assert (m["period_start"], m["period_end"]) == (2016, 2020)
    assert m["literacy_target_pct"] == 15.0


def test_the_plans_own_title_wins_over_a_title_it_cites():
    text = normalize("某省全民科学素质行动规划纲要实施方案(2021—2025年)\n为贯彻落实《国务院关于印发全民科学素质行动规划纲要"
                     "(2021—2035年)的通知》精神，制定本实施方案。\n一、总体要求\n到2025年，全省公民具备科学素质的比例超过12%。\n")[0]
    m = extract_metadata(text, "province")
    assert m["title"] == "某省全民科学素质行动规划纲要实施方案（2021—2025年）"
    assert (m["period_start"], m["period_end"]) == (2021, 2025)


@pytest.mark.parametrize("title, period", [
    ("某市实施方案（2021年—2025年）", (2021, 2025)), ("某市实施方案(2021-2025 年)", (2021, 2025)),
    ("某市实施方案[2016—2020年]", (2016, 2020)), ("某市“十四五”实施方案", (2021, 2025)),
    ("2020年某市工作要点", (2020, 2020)), ("某市行动计划纲要（2006—2010—2020年）", (2006, 2020)),
])
def test_periods_in_every_form(title, period):
    m = extract_metadata(normalize(title + "\n为提升公民科学素质，制定本方案。\n一、任务\n1.开展活动。\n")[0])
    assert (m["period_start"], m["period_end"]) == period


def test_a_notice_issuing_two_documents_names_the_plan():
    text = normalize("某省人民政府关于印发支持产业发展若干政策和某省行动计划（2019—2021年）的通知\n"
                     "现将《支持产业发展若干政策》《某省行动计划（2019—2021年）》印发给你们，请认真组织实施。\n"
                     "一、重点任务\n1.推进平台建设。\n")[0]
    assert extract_metadata(text)["title"] == "某省行动计划（2019—2021年）"


def test_invisible_and_lookalike_characters_are_removed_and_reported():
    text, findings = normalize("（县科\u200d协、教\u00ad育局、\u2f2f\u2060\u7d20\ufe0f局按职责分工负责）\n")
    assert "\u200d" not in text and "\u00ad" not in text and "\u2060" not in text and "\ufe0f" not in text
    kinds = {f.kind: f for f in findings}
    assert kinds["invisible_character"].count == 4
    assert "<U+200D>" in kinds["invisible_character"].snippet  # the warning shows what looks like nothing
    assert kinds["lookalike_character"].count == 1
    t = extract("x", "一、任务\n1.开展科普活动。" + text, load_codebook(), "县")
    cats = {r["printed"]: r["category"] for r in t.coded["assignments"]}
    assert cats["县科协"] == "cast" and cats["教育局"] == "education"


def test_national_and_township_levels():
    assert levels.level("national").tier == "national" and levels.level("国家").id == "national"
    assert levels.level("镇").id == "town" and levels.level("街道").id == "subdistrict"
    assert levels.prefix_for("national") == "" and levels.prefix_for("town") == "镇"
    assert levels.party_prefix_of("镇") == "镇党委"
    # a national document's bodies are named in full; a town's bare names take 镇
    t = extract("x", "一、任务\n1.开展科普活动。（教育部、中国科协）\n", load_codebook(), levels.prefix_for("national"))
    assert {r["department"] for r in t.coded["assignments"]} == {"教育部", "中国科协"}
    t = extract("x", "一、任务\n1.开展科普活动。（科协、团镇委、宣传办负责）\n", load_codebook(), "镇")
    assert {r["department"] for r in t.coded["assignments"]} >= {"镇科协", "团镇委"}


def test_national_literacy_figure_is_the_own_one_at_the_national_level():
    text = normalize("2019年全民科学素质行动工作要点\n重点做好以下工作。\n一、目标\n到2020年，我国公民具备科学素质的比例超过10%。\n")[0]
    assert extract_metadata(text, "national")["literacy_target_pct"] == 10.0
    assert extract_metadata(text, "province")["literacy_target_pct"] == ""
