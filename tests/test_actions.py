"""The action table against the raw texts.

Each shipped plan's actions are re-derived here from its raw file with a
simple, plan-specific reading (which lines carry a department parenthesis,
which lines sit between 2.措施 and 3.分工, ...).  The library's general rules
must agree with every one of them: same actions, same order, same titles and
kinds.  These readings, and the other facts of one shipped text, are golden
tests (``@golden``): they run while the corpus holds that very text.  The rest
states properties of whatever plans the corpus holds.
"""
import re

import opencc
import pandas as pd
import pytest

from tests.conftest import MANIFEST_PLANS, SHIPPED, golden, raw_path  # noqa: E402
from analysis import paths

T2S = opencc.OpenCC("t2s")
GROUP_WORDS = {"青少年": "youth", "城郊居民": "farmers", "农牧民": "farmers", "农民": "farmers",
               "产业工人": "workers", "城镇劳动者": "workers", "城市劳动者": "workers", "老年人": "elderly",
               "领导干部": "cadres", "社区居民": "community"}


def raw_lines(j):
    """Lines of the raw text of shipped plan *j* (UTF-8, as shipped), Simplified, pinyin dropped."""
    text = raw_path(j).read_text(encoding="utf-8")
    text = T2S.convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", "", text))
    return [ln.strip().replace("\u3000", "") for ln in text.splitlines() if ln.strip()]


def first_sentence(s):
    return s.split("。")[0]


def group_in(heading):
    for w, g in GROUP_WORDS.items():
        if w in heading:
            return g
    return ""


def expected(j):
    """(title, kind, group) per action, read from the raw file of shipped plan *j* by a plan-specific rule."""
    lines, out = raw_lines(j), []
    if j in ("zhifu", "pingyin"):
        section, heading = "", ""
        for ln in lines:
            if re.match(r"^[一二三四五六七八九十]、", ln):
                section = ln
            elif re.match(r"^[(（][一二三四五六七八九十][)）]", ln):
                heading = ln
                if "保障" in section:
                    out.append((re.sub(r"^[(（].[)）]", "", first_sentence(ln)), "safeguard", ""))
            elif ln.endswith("负责)") or ln.endswith("负责）"):
                title = re.sub(r"^\d+[.．]", "", first_sentence(ln))
                out.append((title, "action", group_in(heading) if section.endswith("提升行动") else ""))
    elif j == "chongqing":
        for ln in lines:
            m = re.match(r"^(\d+)\.(.*)", ln)
            if m:
                out.append((first_sentence(m.group(2)), "action", group_in(first_sentence(m.group(2)))))
    elif j == "shenzhen":
        section, task, inside = "", "", False
        for ln in lines:
            if re.match(r"^[一二三四五六七八九十]、", ln):
                section = ln
            elif re.match(r"^\([一二三四五六七八九十]\)", ln):
                task = ln
                if "保障" in section:
                    out.append((ln[3:].rstrip("。"), "safeguard", ""))
            elif ln.startswith("2.措施。"):
                inside = True
                out.append((first_sentence(ln[len("2.措施。"):]), "action", group_in(task)))
            elif ln.startswith("3.分工"):
                inside = False
            elif inside:
                out.append((first_sentence(ln), "action", group_in(task)))
    elif j == "inner_mongolia":
        section = ""
        for ln in lines:
            if re.match(r"^[一二三四五六七八九十]、", ln):
                section = ln
            m = re.match(r"^\(([一二三四五六七八九十]+)\)(.*)", ln)
            if m:
                out.append((m.group(2), "safeguard" if "保障" in section else "action", group_in(m.group(2))))
    else:
        raise KeyError(f"no plan-specific reading of {j!r}")
    return out


def fold(s):
    return s.replace("(", "（").replace(")", "）").replace(",", "，")


def in_plan(corpus, j, table="actions"):
    t = getattr(corpus, table)
    return t[t.jurisdiction == j]


@pytest.mark.parametrize("j", [pytest.param(j, marks=golden(j)) for j in SHIPPED])
def test_every_action_exactly_once_with_title_kind_group(corpus, j):
    a = in_plan(corpus, j)
    got = list(zip(a.title, a.kind, a.group.fillna("")))
    want = [(fold(t), k, g) for t, k, g in expected(j)]
    assert got == want


@pytest.mark.parametrize("j", MANIFEST_PLANS)
def test_actions_numbered_in_reading_order(corpus, j):
    a = in_plan(corpus, j)
    assert list(a.seq) == list(range(1, len(a) + 1))
    assert list(a.action_id) == [f"{j}-{i:03d}" for i in range(1, len(a) + 1)]
    assert (a.start.diff().dropna() > 0).all()
    assert set(a.kind) <= {"action", "safeguard"}


@golden("chongqing", "inner_mongolia", "shenzhen")
def test_counts_match_corpus_readme(corpus):
    n = corpus.actions.groupby("jurisdiction").size()
    readme = (paths.RAW / "README.md").read_text(encoding="utf-8")
    assert "numbers 21 work points" in readme and n["chongqing"] == 21
    assert "nineteen items" in readme and n["inner_mongolia"] == 19
    assert "nine tasks" in readme
    assert corpus.sections.query("jurisdiction == 'shenzhen' and task_part == 'measures'").shape[0] == 9


@golden("shenzhen")
def test_groups_never_come_from_mentions_alone(corpus):
    a = in_plan(corpus, "shenzhen").set_index("title")
    m = corpus.mentions
    # an action that names students (学生) outside any group line has no group
    assert pd.isna(a.loc["加强科学教育研究", "group"]) or a.loc["加强科学教育研究", "group"] in ("", None)
    assert ((m.action_id == a.loc["加强科学教育研究", "action_id"]) & (m.group == "youth")).any()
    # youth science instructors (青少年科技辅导员) are the people who work for youth, not youth: no mention
    instructors = a.loc["加强青少年科技辅导员队伍建设", "action_id"]
    assert not ((m.action_id == instructors) & (m.group == "youth")).any()


@golden("chongqing", "shenzhen", "inner_mongolia")
def test_no_plan_outside_readme_groups(corpus):
    g = corpus.actions.groupby("jurisdiction").group.apply(lambda s: set(s.dropna()) - {""})
    assert "elderly" not in g["chongqing"] and "elderly" not in g["shenzhen"] and "farmers" not in g["shenzhen"]
    assert g["shenzhen"] == {"youth", "workers", "community", "cadres"}
    assert g["inner_mongolia"] == {"youth", "farmers", "workers", "elderly", "cadres"}


# ---- departments ---------------------------------------------------------------------------

def depts(corpus, j, title, role=None):
    a = corpus.actions
    aid = a[(a.jurisdiction == j) & (a.title == title)].action_id.item()
    s = corpus.assignments[corpus.assignments.action_id == aid]
    if role:
        s = s[s.role == role]
    return s


@golden("zhifu")
def test_elided_prefixes_restored_zhifu(corpus):
    s = depts(corpus, "zhifu", "弘扬和传承科学精神")
    assert s.department.tolist() == ["区委宣传部", "团区委", "区科协", "区教体局", "区科技局"]
    assert s.printed.tolist() == ["区委宣传部", "团区委", "科协", "教体局", "科技局"]
    assert set(s.role) == {"responsible"} and s.category.tolist() == [
        "propaganda", "youth_league", "cast", "education", "science_tech"]


@golden("zhifu")
def test_nested_parenthesis_and_party_organs(corpus):
    s = depts(corpus, "zhifu", "实施智慧助老行动")
    assert s.department.tolist()[:2] == ["区委宣传部（网信办）", "区委老干部局"]
    assert s.category.tolist()[:2] == ["propaganda", "veteran_cadres"]
    s = depts(corpus, "zhifu", "加强专兼职科普队伍和基层科普服务体系建设")
    assert s.department.tolist()[:2] == ["区委组织部", "区委宣传部"]


@golden("zhifu")
def test_list_closed_by_fuze_only(corpus):
    a = in_plan(corpus, "zhifu").set_index("title")
    assert a.loc["在公务员录用中落实科学素质要求", "list_closing"] == "负责"
    assert depts(corpus, "zhifu", "在公务员录用中落实科学素质要求").department.tolist() == ["区委组织部"]


@golden("shenzhen")
def test_shenzhen_lead_and_cooperating_with_shared_prefixes(corpus):
    lead = depts(corpus, "shenzhen", "科学统筹规划", "lead")
    assert lead.department.tolist() == ["市委组织部", "市人力资源保障局", "市科协"]
    coop = depts(corpus, "shenzhen", "大力开展职业培训", "cooperating").department.tolist()
    assert coop[:4] == ["市委组织部", "市委宣传部", "市经贸信息委", "市科技创新委"]
    assert "市市场和质量监管委" in coop
    coop3 = depts(corpus, "shenzhen", "提升社区科普能力", "cooperating").department.tolist()
    assert coop3[:2] == ["市委宣传部", "市委社工委"]


@golden("chongqing", "pingyin")
def test_chongqing_open_lists_and_all_units(corpus):
    s = depts(corpus, "chongqing", "助推科技经济融合发展")
    assert s.department.tolist() == ["市科协", "市经济信息委"] and s.open_ended.all()
    s = depts(corpus, "chongqing", "组织开展群众性科普活动")
    assert s.department.tolist() == ["各责任单位"] and s.collective.all() and s.category.item() == "all_units"
    p = depts(corpus, "pingyin", "培树科学理性的思想观念")
    assert p.category.tolist()[0] == "townships" and p.collective.tolist()[0]


def test_assigns_departments_says_whether_the_plan_names_any(corpus):
    """documents.assigns_departments is True exactly for the plans with a named (non-collective) department."""
    s = corpus.assignments
    named = set(s.loc[~s.collective.astype(bool), "jurisdiction"])
    for j, flag in zip(corpus.documents.jurisdiction, corpus.documents.assigns_departments):
        assert bool(flag) == (j in named), j


@golden("inner_mongolia", "zhifu")
def test_inner_mongolia_has_no_assignments(corpus):
    assert not (corpus.assignments.jurisdiction == "inner_mongolia").any()
    d = corpus.documents.set_index("jurisdiction")
    assert not d.loc["inner_mongolia", "assigns_departments"] and d.loc["zhifu", "assigns_departments"]


@pytest.mark.parametrize("j", [pytest.param(j, marks=golden(j)) for j in ("zhifu", "pingyin", "chongqing")])
def test_every_printed_department_list_is_fully_coded(corpus, j):
    """Items in each raw parenthesis == assignment rows of that action."""
    lines = [ln for ln in raw_lines(j) if re.search(r"[)）]$", ln) and (j == "chongqing" and re.match(r"^\d+\.", ln)
                                                                       or "负责" in ln[-8:])]
    a = corpus.actions[corpus.actions.jurisdiction == j]
    acts = a[a.kind == "action"]
    assert len(lines) == len(acts)
    for ln, aid in zip(lines, acts.action_id):
        s, depth = fold(ln), 0
        for i in range(len(s) - 1, -1, -1):  # the balanced parenthesis that ends the line
            depth += {"）": 1, "（": -1}.get(s[i], 0)
            if depth == 0:
                inner = s[i + 1:-1]
                break
        inner = re.sub(r"（[^（）]*）", "", re.sub(r"(按职责分工)?负责$", "", inner))
        n_items = len([x for x in inner.split("、") if x])
        assert (corpus.assignments.action_id == aid).sum() == n_items, (aid, inner)


def test_every_department_maps_to_exactly_one_category(corpus):
    from analysis.coding.codebook import load_codebook

    cb = load_codebook()
    for name, cat in corpus.assignments[["department", "category"]].drop_duplicates().itertuples(index=False):
        found = [c.id for c in cb.categories_of(name)]
        if cat == "uncoded":  # a name the codebook does not know is kept, and listed in codebook_gaps.csv
            assert found == [], name
        elif cat == "ambiguous":
            assert len(found) > 1, name
        else:
            assert found == [cat], name


@pytest.mark.parametrize("j", [pytest.param(j, marks=golden(j)) for j in SHIPPED])
def test_every_department_of_a_shipped_plan_is_coded(corpus, j):
    cats = set(in_plan(corpus, j, "assignments").category)
    assert not cats & {"uncoded", "ambiguous"}, cats


# ---- evidence offsets --------------------------------------------------------------------

def test_offsets_contain_what_rows_say(corpus):
    t = corpus.texts
    for _, r in corpus.actions.iterrows():
        doc = t[r.jurisdiction]
        assert doc[r.start:r.end] == r.text
        assert r.text.startswith(r.title)
        if r.departments_text:
            assert doc[int(r.departments_start):int(r.departments_end)] == r.departments_text
            assert int(r.departments_start) >= r.end
    for _, r in corpus.assignments.iterrows():
        assert t[r.jurisdiction][r.start:r.end] == r.printed
    spans = corpus.actions.set_index("action_id")[["start", "end"]]
    for _, r in corpus.mentions.iterrows():
        assert t[r.jurisdiction][r.start:r.end] == r.term
        assert spans.loc[r.action_id, "start"] <= r.start < r.end <= spans.loc[r.action_id, "end"]
    for _, r in corpus.targets.iterrows():
        assert t[r.jurisdiction][r.start:r.end] == r.span
        assert spans.loc[r.action_id, "start"] <= r.start < r.end <= spans.loc[r.action_id, "end"]
        assert r.span.endswith(r.unit) or r.span.endswith(("以上", "左右", "以内", "以下"))


def test_text_excludes_department_parenthesis(corpus):
    a = corpus.actions
    with_list = a[a.departments_text.fillna("") != ""]
    assert len(with_list) or not len(corpus.assignments)
    for r in with_list.itertuples():  # the list follows the text, outside it
        assert r.departments_text not in r.text, r.action_id


@golden("zhifu", "pingyin", "chongqing")
def test_shipped_texts_exclude_department_parenthesis(corpus):
    a = corpus.actions[corpus.actions.jurisdiction.isin(["zhifu", "pingyin", "chongqing"])]
    assert not a.text.str.contains("按职责分工负责").any()
    assert not a[a.jurisdiction == "chongqing"].text.str.endswith("）").any()


@pytest.mark.parametrize("j, span, value, unit, qualifier, per", [
    pytest.param(*case, marks=golden(case[0])) for case in [
        ("pingyin", "每年培训科技辅导员30余人次", 30, "人次", "over", "year"),
        ("zhifu", "覆盖率达到90%以上", 90, "%", "at_least", ""),
        ("zhifu", "每年新增达到市级标准的科普教育基地1个以上", 1, "个", "at_least", "year"),
        ("shenzhen", "5000万元", 5000, "万元", "", "year"),
        ("inner_mongolia", "不少于10名", 10, "名", "at_least", ""),
    ]])
def test_quantified_commitments_examples(corpus, j, span, value, unit, qualifier, per):
    t = in_plan(corpus, j, "targets")
    hit = t[t.span.str.contains(span, regex=False)]
    assert len(hit) == 1, hit
    r = hit.iloc[0]
    assert (r.value, r.unit, r.qualifier, r.per) == (value, unit, qualifier, per)


@golden("pingyin", "zhifu", "inner_mongolia")
def test_not_commitments(corpus):
    for j, s in (("pingyin", "66条"), ("zhifu", "第11次"), ("zhifu", "现有16个"), ("inner_mongolia", "30万以上"),
                 ("pingyin", "330工程"), ("zhifu", "330工程")):
        assert s in corpus.texts[j]  # the text says it, and it is not a commitment
        assert s not in " ".join(in_plan(corpus, j, "targets").span), (j, s)
    t = in_plan(corpus, "pingyin", "targets")
    assert t[t.span.str.contains("知晓率")].year.item() == "2025"


def test_mentions_follow_codebook_exclusions_and_variants(corpus):
    m = corpus.mentions
    assert not m.term.isin(["青少年宫", "城郊居民区"]).any()  # places, not groups
    assert set(m[m.term.isin(["城郊居民工", "异地务工人员", "农民工"])].group) <= {"workers"}  # migrant workers


@golden("zhifu", "chongqing", "shenzhen", "inner_mongolia")
def test_shipped_mentions_of_variants(corpus):
    m = corpus.mentions
    for j, term in (("zhifu", "城郊居民工"), ("chongqing", "农民工"), ("shenzhen", "异地务工人员")):
        assert set(m[(m.jurisdiction == j) & (m.term == term)].group) == {"workers"}, (j, term)
    for j, term in (("zhifu", "城郊居民区"), ("shenzhen", "青少年宫")):
        assert term in corpus.texts[j]  # the text has the word, and it is not a mention
    sz = m[(m.jurisdiction == "shenzhen") & (m.group == "workers")]
    assert len(sz) > 0
    assert (m[m.jurisdiction == "inner_mongolia"].term == "老人").any()


def test_one_spelling_per_department(corpus):
    names = set(corpus.assignments.department)
    assert not any(n.endswith("应急局") for n in names)


@golden("zhifu")
def test_one_spelling_per_department_zhifu(corpus):
    assert "区应急管理局" in set(in_plan(corpus, "zhifu", "assignments").department)


@golden("zhifu", "inner_mongolia")
def test_zhifu_t2s_leftovers_fixed(corpus):
    assert "著力" not in corpus.texts["zhifu"] and "着力打造全国科普日" in corpus.texts["zhifu"]
    assert "审核，净化" in corpus.texts["inner_mongolia"]
