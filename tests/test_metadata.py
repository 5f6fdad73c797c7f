"""documents.csv against the raw texts and the corpus README (data/raw/README.md).

The README's table states each plan's issue date and literacy target as the
collectors read them; the other fields are checked against the raw text.  A
README row of a shipped text is a golden fact of that text: it is checked
while the corpus holds that very file.  A row the researcher adds for a plan
of their own is checked like the others; a plan without a row, or a corpus
without the README, is no error (a plan is added as its file and one
manifest row).
"""
import re

import opencc
import pytest

from analysis import paths
from analysis.coding.metadata import extract_metadata
from analysis.corpus.decode import read_text
from tests.conftest import MANIFEST_PLANS, SHIPPED, golden, raw_path, require_shipped

T2S = opencc.OpenCC("t2s")


def readme_rows():
    rows = {}
    readme = paths.RAW / "README.md"
    if not readme.is_file():
        return rows
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].endswith(".txt"):
            rows[cells[0][:-4]] = {"issued": cells[4], "target": cells[5], "what": cells[3]}
    return rows


README = readme_rows()


def raw(j):
    """Raw text in Simplified script with pinyin annotations (as Zhifu's) dropped (a check, not the pipeline)."""
    text = read_text(raw_path(j))[0]
    return T2S.convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", "", text))


@pytest.fixture(scope="module")
def docs(corpus):
    return corpus.documents.set_index("jurisdiction")


@pytest.fixture
def row(docs, j):
    """The README row *j* describes: a golden fact if *j* is a shipped text; skipped if *j* is not in the corpus."""
    if j in SHIPPED:
        require_shipped(j)
    elif j not in docs.index:
        pytest.skip(f"the corpus README describes {j!r}, which is not in the corpus")
    return docs.loc[j]


@golden()
def test_readme_covers_the_shipped_plans(docs):
    assert set(SHIPPED) <= set(README)


@pytest.mark.parametrize("j", sorted(README))
def test_issue_date(row, j):
    assert row.issued == README[j]["issued"]
    y, m, d = (int(x) for x in README[j]["issued"].split("-"))
    assert f"{y}年{m}月{d}日" in raw(j)


@pytest.mark.parametrize("j", sorted(README))
def test_literacy_target_and_baseline(row, j):
    r = README[j]["target"]
    m = re.search(r"(\d+(?:\.\d+)?)% (?:or more )?by (\d{4})", r)
    if m is None:
        assert r == "none stated"
        assert row.literacy_target_pct == "" or row.literacy_target_pct != row.literacy_target_pct  # empty/NaN
        return
    assert float(row.literacy_target_pct) == float(m.group(1))
    assert int(row.literacy_target_year) == int(m.group(2))
    expected_q = "over" if "over" in r else "at_least" if "or more" in r else "reach"
    assert row.literacy_target_qualifier == expected_q
    b = re.search(r"\((\d+(?:\.\d+)?)% in (\d{4})\)", r)
    if b:
        assert float(row.literacy_baseline_pct) == float(b.group(1))
        assert int(row.literacy_baseline_year) == int(b.group(2))
    else:
        assert row.literacy_baseline_pct in ("", None) or row.literacy_baseline_pct != row.literacy_baseline_pct


@pytest.mark.parametrize("j", MANIFEST_PLANS)
def test_title_issuer_number_published_are_in_the_text(docs, j):
    row, text = docs.loc[j], raw(j)
    flat = text.replace("(", "（").replace(")", "）").replace("\n", "")
    if row.title:  # what the rules found is in the text (a plan whose title they miss leaves it empty)
        assert row.title in flat
    for part in (row.issuer or "").split("、"):
        assert part in text
    if row.doc_number:
        assert row.doc_number in text
        assert re.fullmatch(r"\S+〔\d{4}〕\d+号", row.doc_number)
    elif row.title:  # no document number printed before the title
        assert "〔" not in flat.split(row.title)[0]
    if row.published:
        assert row.published in text


@pytest.mark.parametrize("j", [pytest.param(j, marks=golden(j)) for j in SHIPPED])
def test_shipped_plans_have_title_and_issuer(docs, j):
    assert docs.loc[j, "title"] and docs.loc[j, "issuer"]


@golden("pingyin")
def test_doc_number_example(docs):
    assert docs.loc["pingyin", "doc_number"] == "平政字〔2022〕21号"


@pytest.mark.parametrize("j", sorted(README))
def test_period_matches_readme_description(row, j):
    what = README[j]["what"]
    m = re.search(r"\((\d{4})—(\d{4})年\)", what)
    if m:
        assert (int(row.period_start), int(row.period_end)) == (int(m.group(1)), int(m.group(2)))
    elif "十四五" in what:
        assert (int(row.period_start), int(row.period_end)) == (2021, 2025)
    elif re.match(r"\d{4}年", what):
        assert int(row.period_start) == int(row.period_end) == int(what[:4])
    else:
        assert row.period_start in ("", None) or row.period_start != row.period_start


def test_rules_work_on_another_plan_of_the_kind():
    text = ("东阿县人民政府文件\n东政发〔2023〕5号\n东阿县人民政府关于印发东阿县全民科学素质行动规划纲要实施方案"
            "（2021—2025年）的通知\n现将《东阿县全民科学素质行动规划纲要实施方案（2021—2025年）》印发给你们。\n"
            "东阿县人民政府\n2023年1月6日\n一、总体要求\n到2025年，全县公民具备科学素质的比例达到16%以上。"
            "2020年全县公民具备科学素质的比例为9.5%，全省公民具备科学素质的比例达到11.47%。\n")
    m = extract_metadata(text)
    assert (m["doc_number"], m["issued"], m["issuer"]) == ("东政发〔2023〕5号", "2023-01-06", "东阿县人民政府")
    assert (m["period_start"], m["period_end"]) == (2021, 2025)
    assert (m["literacy_target_pct"], m["literacy_target_year"], m["literacy_target_qualifier"]) == (16.0, 2025,
                                                                                                      "at_least")


@pytest.mark.parametrize("above", ["青峰市科学技术协会", "青峰市全民科学素质工作领导小组办公室", "中共青峰市委宣传部"])
def test_issuing_body_printed_above_the_title_is_not_part_of_it(above):
    """A unit's name on the line above the title is the issuer, not a wrapped first half of the title."""
    text = (f"{above}\n青峰市全民科学素质行动实施方案（2021—2025年）\n一、总体要求\n（一）加强青少年科学教育。\n")
    assert extract_metadata(text)["title"] == "青峰市全民科学素质行动实施方案（2021—2025年）"


def test_title_over_two_lines_is_joined_and_website_lines_are_never_the_title():
    text = ("发文单位：青峰市人民政府办公室\n发布机构：青峰市人民政府\n有效性：政策是否有效未知，请慎用\n"
            "发布日期：2023年03月24日\n青峰市全民科学素质行动\n实施方案（2021—2025年）\n文号：青政办发〔2023〕3号\n"
            "一、总体要求\n（一）加强青少年科学教育。\n")
    m = extract_metadata(text)
    assert m["title"] == "青峰市全民科学素质行动实施方案（2021—2025年）"
    assert (m["published"], m["doc_number"]) == ("2023-03-24", "青政办发〔2023〕3号")
