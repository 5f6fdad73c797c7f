"""The library's jieba tokenizer: dictionary, stoplist, silence, determinism, parallel = serial."""
import logging
import pickle

import jieba
import pytest

from analysis import paths
from analysis.textstats import tokens as tk
from analysis.textstats.tokens import ChineseTokenizer, default_tokenizer, load_wordlist, tokenize, tokenize_many

SENTENCE = "推动“科普中国”资源落地应用，开展科普大篷车进校园活动，组织科技辅导员参加全国科普日和科技活动周。"


def test_user_dictionary_terms_stay_whole():
    toks = tokenize(SENTENCE)
    for term in ["科普中国", "科普大篷车", "科技辅导员", "全国科普日", "科技活动周"]:
        assert term in toks, (term, toks)


def test_every_userdict_entry_is_one_token():
    tok = default_tokenizer()
    for entry in load_wordlist(paths.USERDICT):
        word = entry.split(" ")[0]
        assert tok.cut(word) == [word], word


def test_stopwords_punctuation_numbers_and_short_tokens_are_dropped():
    stop = set(load_wordlist(paths.STOPWORDS))
    assert {"的", "和", "等", "加强", "推进", "开展", "积极"} <= stop
    text = "加强和推进科普工作，积极开展2025年的科普活动等。"
    toks = tokenize(text)
    assert toks, toks
    assert not stop & set(toks)
    assert all(len(t) >= 2 and tk.CONTENT_RE.search(t) for t in toks)
    assert "2025" not in toks


def test_min_len_and_no_stoplist_are_parameters():
    t = ChineseTokenizer(stopwords=None, min_len=1)
    toks = t("加强科普的工作")
    assert "加强" in toks and "的" in toks


def test_tokenisation_is_deterministic(corpus):
    texts = corpus.actions["text"].tolist()[:40]
    first = tokenize_many(texts)
    assert tokenize_many(texts) == first
    assert [ChineseTokenizer()(t) for t in texts] == first


def test_tokenizer_pickles_and_compares_by_parameters():
    t = ChineseTokenizer(hmm=False)
    u = pickle.loads(pickle.dumps(t))
    assert u == t and hash(u) == hash(t) and u != ChineseTokenizer()
    assert u(SENTENCE) == t(SENTENCE)


def test_initialisation_prints_nothing_and_leaves_jieba_alone(monkeypatch, capfd):
    monkeypatch.setattr(tk, "_JIEBA", {})  # force a fresh dictionary load in this process
    level = logging.getLogger("jieba").level
    capfd.readouterr()
    ChineseTokenizer().tokens(SENTENCE)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert logging.getLogger("jieba").level == level
    # the user dictionary went into our own instance, not jieba's global one
    assert jieba.dt.FREQ.get("科普大篷车") is None


def test_edited_user_dictionary_takes_effect(tmp_path):
    word = "芝罘科普嘉年华"
    plain = ChineseTokenizer(userdict=None)("举办芝罘科普嘉年华")
    assert word not in plain
    ud = tmp_path / "userdict.txt"
    ud.write_text("# a comment line\n" + word + "\n", encoding="utf-8")
    assert word in ChineseTokenizer(userdict=ud)("举办芝罘科普嘉年华")


def test_parallel_tokenisation_equals_serial(corpus):
    texts = corpus.actions["text"].tolist() * 3
    serial = tokenize_many(texts, n_jobs=1)
    parallel = tokenize_many(texts, n_jobs=2, min_parallel_chars=0, chunks_per_job=3)
    assert parallel == serial


@pytest.mark.parametrize("n", [1, 2, 5, 13])
def test_chunks_cover_every_index_once_in_order(n):
    sizes = [5, 1, 1, 30, 2, 2, 2, 9, 0, 4]
    bounds = tk._chunks(sizes, n)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(sizes)
    assert all(a < b for a, b in bounds)
    assert all(bounds[i][1] == bounds[i + 1][0] for i in range(len(bounds) - 1))
    assert len(bounds) <= max(n, 1)
