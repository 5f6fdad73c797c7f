"""Normalisation: pinyin, Traditional script, widths, numbering, errata and damage detection."""
import re

import opencc
import pytest

from analysis import paths
from analysis.corpus.decode import read_text
from analysis.corpus.manifest import Erratum, load_errata, load_manifest
from analysis.errors import BuildError
from analysis.corpus.normalization import HAN, normalize
from tests.conftest import golden, raw_path, shipped_in_corpus

T2S = opencc.OpenCC("t2s")


def norm(s, errata=None):
    return normalize(s, errata or [])[0]


def test_pinyin_removed_real_parentheses_kept_nested():
    raw = "(區(qū)委宣傳部(網(wǎng)信辦)、老干部局、區(qū)科協(xié)按職責分工負責)"
    assert norm(raw) == "（区委宣传部（网信办）、老干部局、区科协按职责分工负责）\n"


def test_pinyin_variant_fullwidth_brackets_and_document_notice():
    assert norm("(此件公開發（fā）布)") == "（此件公开发布）\n"
    # an ASCII word in parentheses is not pinyin (no tone mark)
    assert norm("下载(app)") == "下载（app）\n"


@golden("zhifu")
def test_zhifu_has_no_traditional_no_pinyin_no_damage(corpus):
    text = corpus.texts["zhifu"]
    assert T2S.convert(text) == text
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+[)）]", text)
    assert not re.search(rf"[{HAN}][?？�]|[?？�][{HAN}]|[\u2460-\u24ff]", text)
    assert "广泛深入参与科普" in text and "家庭教育专家库，整合相关部门" in text
    assert "新媒体单位等领域专兼职科普人才队伍。探索构建以新时代文明实践中心" in text


def test_every_erratum_is_listed_in_qa(corpus):
    docs = load_manifest(paths.RAW)
    errata = load_errata(paths.RAW, docs)
    qa = corpus.qa
    by_file = {d.file: d.jurisdiction for d in docs}
    for f, rows in errata.items():
        for e in rows:
            kind = "erratum" if e.action == "fix" else "erratum_accepted"
            hit = qa[(qa.document == by_file[f]) & (qa.kind == kind) & (qa.snippet == e.corrupted)]
            assert len(hit) == 1, e


def test_shipped_texts_have_no_damage_left(corpus):
    """Every place the shipped texts are damaged is fixed or accepted in errata.csv (a plan a researcher
    adds may show suspected damage: the build warns and lists it in qa_report.csv, for them to triage)."""
    shipped = shipped_in_corpus()
    if not shipped:
        pytest.skip("golden test: no shipped text is in the corpus")
    qa = corpus.qa[corpus.qa.document.isin(shipped)]
    assert not qa.kind.str.startswith("suspect_").any(), qa[qa.kind.str.startswith("suspect_")]


def test_qa_offsets_point_into_raw(corpus):
    qa = corpus.qa[corpus.qa.kind == "erratum"]
    if qa.empty:
        pytest.skip("errata.csv fixes nothing in this corpus")
    raw = {j: read_text(raw_path(j))[0] for j in qa.document.unique()}
    for _, r in qa.iterrows():
        text = raw[r.document]
        assert text[int(r.offset):int(r.offset) + len(r.snippet)] == r.snippet
        assert text.splitlines()[int(r.line) - 1].find(r.snippet) >= 0


def test_detects_damage_without_erratum():
    text, findings = normalize("全社会广泛深入?与科普的格局\n建立家庭⑴c教育\n专家L库\n")
    kinds = sorted(f.kind for f in findings if f.kind.startswith("suspect_"))
    assert kinds == ["suspect_enclosed_numeral", "suspect_latin_in_word", "suspect_question_mark"]


@pytest.mark.parametrize("raw, kind", [
    ("加强科学教育，，提升能力。\n", "suspect_doubled_punctuation"),
    ("一、、总体要求\n", "suspect_doubled_numbering"),
    ("一、一、总体要求\n", "suspect_doubled_numbering"),
    ("（二）（二）加强科学教育。\n", "suspect_doubled_numbering"),
    ("3..加强科学教育。\n", "suspect_doubled_numbering"),
])
def test_detects_doubling_of_a_scraped_page(raw, kind):
    assert [f.kind for f in normalize(raw)[1] if f.kind.startswith("suspect_")] == [kind]


@pytest.mark.parametrize("raw", ["一、总体要求\n（一）（二）两项任务同步推进。\n", "（一）加强教育、培训。\n", "1.1 目标\n"])
def test_distinct_marks_are_not_doubling(raw):
    assert not [f for f in normalize(raw)[1] if f.kind.startswith("suspect_")]


def test_erratum_must_match_exactly_once():
    e = Erratum("x.txt", "fix", "不存在的文字", "", "test", 5)
    with pytest.raises(BuildError, match="errata.csv line 5"):
        normalize("一些文字\n", [e], "x.txt")


@pytest.mark.parametrize("raw, expected", [
    ("1、加强科学教育。\r\n2．提升能力。\r\n", "1.加强科学教育。\n2.提升能力。\n"),
    ("（一）组织领导\r（二）经费\r", "（一）组织领导\n（二）经费\n"),
    ("　　一.总体要求\n\n\n二．重点任务", "一、总体要求\n二、重点任务\n"),
    ("达到１８．５％，（县科协，８７８８）", "达到18.5%，（县科协，8788）\n"),
    ("二Ｏ三五年远景目标", "二〇三五年远景目标\n"),
    ("我区,科协:负责;", "我区，科协：负责；\n"),
    ("2021-2025, 1,000", "2021-2025, 1,000\n"),
])
def test_uniform_forms(raw, expected):
    assert norm(raw) == expected
