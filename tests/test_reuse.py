"""Text reuse: passages really are shared, maximal, complete; shares add up; the scale regime agrees."""
import numpy as np
import pytest

from analysis.textstats.reuse import MIN_CHARS, _sketch_candidates, code_points, plan_windows, window_hashes
from analysis.textstats.reuse import find_reuse as reuse

from analysis.pipeline.crossplan import reuse_spans

import similarity_cache as sc


def _spans(corpus):
    """The spans the build compares: operative text, erratum spans cut out (as the cross-plan stage does)."""
    return reuse_spans(corpus, corpus.actions)


def _top_pair(tables):
    """The ordered pair of plans sharing the most text (the template pair, if the corpus has one)."""
    m = tables["reuse_matrix"].sort_values(["share", "jurisdiction"], ascending=[False, True])
    if m.empty:
        pytest.skip("no two plans share a passage")
    return m["jurisdiction"].iloc[0], m["other_jurisdiction"].iloc[0]


def _inside(spans, s, e):
    return any(a <= s and e <= b for a, b in spans)


@pytest.fixture(scope="module")
def tables(corpus):
    return sc.result(corpus).tables


def test_passages_occur_in_both_texts_at_their_offsets(corpus, tables):
    p = tables["reuse_passages"]
    assert len(p) > 10
    T = corpus.texts
    spans = _spans(corpus)
    order = {j: i for i, j in enumerate(sc.plans(corpus))}
    for r in p.itertuples():
        a = T[r.jurisdiction_a][r.start_a:r.end_a]
        b = T[r.jurisdiction_b][r.start_b:r.end_b]
        assert a == b == r.text
        assert r.length == len(r.text) >= MIN_CHARS
        assert order[r.jurisdiction_a] < order[r.jurisdiction_b]
        assert _inside(spans[r.jurisdiction_a], r.start_a, r.end_a)
        assert _inside(spans[r.jurisdiction_b], r.start_b, r.end_b)


def test_passages_are_maximal(corpus, tables):
    T = corpus.texts
    spans = _spans(corpus)
    for r in tables["reuse_passages"].itertuples():
        ta, tb = T[r.jurisdiction_a], T[r.jurisdiction_b]
        sa, sb = spans[r.jurisdiction_a], spans[r.jurisdiction_b]
        left_ok = (_inside(sa, r.start_a - 1, r.end_a) and _inside(sb, r.start_b - 1, r.end_b)
                   and ta[r.start_a - 1] == tb[r.start_b - 1])
        right_ok = (_inside(sa, r.start_a, r.end_a + 1) and _inside(sb, r.start_b, r.end_b + 1)
                    and r.end_a < len(ta) and r.end_b < len(tb) and ta[r.end_a] == tb[r.end_b])
        assert not left_ok and not right_ok, r


def test_every_shared_window_is_covered(corpus, tables):
    """Brute force on the pair sharing most: each operative 20-gram of A found in B lies in a passage."""
    T, spans = corpus.texts, _spans(corpus)
    n = MIN_CHARS
    a, b = _top_pair(tables)

    def grams(j):
        return {(T[j][i:i + n], i) for s, e in spans[j] for i in range(s, e - n + 1)}

    in_b = {g for g, _ in grams(b)}
    p = tables["reuse_passages"]
    first = p[(p["jurisdiction_a"] == a) & (p["jurisdiction_b"] == b)]
    second = p[(p["jurisdiction_a"] == b) & (p["jurisdiction_b"] == a)]
    covered = np.zeros(len(T[a]), dtype=bool)
    for s, e in list(zip(first["start_a"], first["end_a"])) + list(zip(second["start_b"], second["end_b"])):
        covered[s:e] = True
    expected = np.zeros_like(covered)
    for g, i in grams(a):
        if g in in_b:
            expected[i:i + n] = True
    assert expected.sum() > 0
    assert np.array_equal(covered, expected)


def test_shares_add_up(corpus, tables):
    p, m, s = tables["reuse_passages"], tables["reuse_matrix"], tables["reuse_summary"]
    T = corpus.texts
    any_cov = {j: np.zeros(len(T[j]), dtype=bool) for j in T}
    for r in m.itertuples():
        sel = p[((p["jurisdiction_a"] == r.jurisdiction) & (p["jurisdiction_b"] == r.other_jurisdiction))]
        cov = np.zeros(len(T[r.jurisdiction]), dtype=bool)
        for x, y in zip(sel["start_a"], sel["end_a"]):
            cov[x:y] = True
        sel = p[((p["jurisdiction_b"] == r.jurisdiction) & (p["jurisdiction_a"] == r.other_jurisdiction))]
        for x, y in zip(sel["start_b"], sel["end_b"]):
            cov[x:y] = True
        assert cov.sum() == r.shared_chars
        assert abs(r.share - r.shared_chars / r.operative_chars) < 1e-6
        any_cov[r.jurisdiction] |= cov
    spans = _spans(corpus)
    for r in s.itertuples():
        assert r.shared_chars_any == any_cov[r.jurisdiction].sum()
        assert r.operative_chars == sum(e - s_ for s_, e in spans[r.jurisdiction])  # erratum spans left out
    a, b = _top_pair(tables)
    top = m[(m["jurisdiction"] == a) & (m["rank"] == 1)]
    assert top["other_jurisdiction"].iloc[0] == b


def test_planted_passage_is_found_exactly_and_short_ones_are_not():
    shared = "这是一段两份文本逐字相同的二十五个汉字组成的句子"
    assert len(shared) == 24
    a = "甲" * 10 + shared + "乙" * 10 + "全民科学素质行动计划" + "丙" * 5
    b = "丁" * 3 + shared + "戊" * 7 + "全民科学素质行动计划" + "己" * 5
    texts = {"a": a, "b": b}
    spans = {"a": [(0, len(a))], "b": [(0, len(b))]}
    p, m, s = reuse(texts, spans, ["a", "b"], min_chars=20)
    assert p[["start_a", "end_a", "start_b", "end_b"]].values.tolist() == [[10, 34, 3, 27]]
    assert m["shared_chars"].tolist() == [24, 24]
    p, _, _ = reuse(texts, spans, ["a", "b"], min_chars=10)
    assert len(p) == 2 and "全民科学素质行动计划" in p["text"].tolist()
    # passages never leave the operative spans
    p, _, _ = reuse(texts, {"a": [(0, 30)], "b": [(0, len(b))]}, ["a", "b"], min_chars=20)
    assert p[["start_a", "end_a"]].values.tolist() == [[10, 30]]


def test_hashes_identify_windows():
    c = code_points("科普科普科普教育")
    h = window_hashes(c, 2)
    assert h[0] == h[2] == h[4] and h[0] != h[1]
    w = plan_windows("x", "科普科普科普教育", [(0, 4), (4, 8)], 3)
    assert sorted(w.pos.tolist()) == [0, 1, 4, 5]


def test_scale_regime_finds_the_template_source(corpus, tables):
    plans = sc.plans(corpus)
    p, m, s = reuse(corpus.texts, _spans(corpus), plans, all_pairs_max_plans=1, top_k=1)
    assert m.groupby("jurisdiction").size().max() == 1
    exact = tables["reuse_matrix"].set_index(["jurisdiction", "other_jurisdiction"])["shared_chars"]
    got = m.set_index(["jurisdiction", "other_jurisdiction"])["shared_chars"]
    a, b = _top_pair(tables)  # each plan's top source is found in the top-k regime, with the exact count
    assert got[(a, b)] == exact[(a, b)]
    cols = ["jurisdiction", "operative_chars", "shared_chars_any"]  # linear in the corpus: the same in both regimes
    assert s[cols].equals(tables["reuse_summary"][cols])


def _toy_windows(texts, n=MIN_CHARS):
    return [plan_windows(j, t, [(0, len(t))], n) for j, t in texts.items()]


def _toy_corpus(n_plans=40, seed=0):
    """Every plan holds one common template; plan i also shares a private passage with plan i ^ 1 only."""
    rng = np.random.default_rng(seed)
    chars = np.array(list("科普教育青少年农民工人老年干部社区学校活动宣传服务能力提升建设资源平台"))

    def rand(k):
        return "".join(rng.choice(chars, k))

    common = rand(400)
    pair_text = {i: rand(200) for i in range(0, n_plans, 2)}
    return {f"p{i:02d}": common + "。" + pair_text[i - i % 2] + "。" + rand(300) for i in range(n_plans)}


def test_candidate_search_without_cap_is_the_exact_sketch_count():
    texts = _toy_corpus(12)
    for j in list(texts)[:6]:  # some plans also share a second stretch with a few others
        texts[j] += "。" + list(texts.values())[-1][-150:]
    wins = _toy_windows(texts)
    sk, k = 64, 3
    got = _sketch_candidates(wins, sk, k, max_postings=10 ** 9, depth=k, rescore_size=sk)
    uniq = [np.unique(w.hashes) for w in wins]
    for a, u in enumerate(uniq):
        count = np.asarray([0 if b == a else np.isin(u[:sk], uniq[b]).sum() for b in range(len(wins))])
        order = sorted((b for b in range(len(wins)) if count[b] > 0), key=lambda b: (-count[b], b))[:k]
        assert got[a].tolist() == order


def test_candidate_search_is_linear_and_finds_the_private_source():
    """A template every plan holds makes every posting list as long as the corpus: capped, votes per plan are
    bounded (not proportional to the number of plans) and each plan's private partner is still its top source."""
    texts = _toy_corpus(40)
    wins = _toy_windows(texts)
    stats = {}
    got = _sketch_candidates(wins, 128, 1, max_postings=8, stats=stats)
    assert stats["max_postings_seen"] == 40
    assert stats["votes"] <= 40 * 128 * 8
    assert [int(g[0]) for g in got] == [i ^ 1 for i in range(40)]
    uncapped = {}
    _sketch_candidates(wins, 128, 1, max_postings=10 ** 9, stats=uncapped)
    assert uncapped["votes"] > 3 * stats["votes"]
    # and through reuse(): the top-k regime keeps the partner with its exact share
    plans = list(texts)
    spans = {j: [(0, len(t))] for j, t in texts.items()}
    _, m, s = reuse(texts, spans, plans, all_pairs_max_plans=10, top_k=1, max_postings=8)
    top = m.set_index("jurisdiction")["other_jurisdiction"]
    assert all(top[f"p{i:02d}"] == f"p{i ^ 1:02d}" for i in range(40))
    _, m_all, s_all = reuse(texts, spans, plans)
    exact = m_all.set_index(["jurisdiction", "other_jurisdiction"])["shared_chars"]
    assert all(r.shared_chars == exact[(r.jurisdiction, r.other_jurisdiction)] for r in m.itertuples())
    assert s.drop(columns="n_sources").equals(s_all.drop(columns="n_sources"))
