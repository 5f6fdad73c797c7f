"""The statistics of issue 19: intervals at the independent unit, tests of differences, weighting rules.

Every statistic is checked against an independent computation: a hand-worked small case, a formula
written out here, or scipy on the same numbers.  The tables are built here (plans of our own making), so
nothing assumes which plans the shipped corpus holds.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.compare import inference, intervals, networks, units, workload
from analysis.compare.coverage import group_coverage, measurability


# ------------------------------------------------------------------ Holm, Fisher, ties
def test_holm_matches_the_step_down_by_hand():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.02, 0.03, 0.06, 0.06
    got = inference.holm([0.01, 0.04, 0.03, 0.005])
    assert got == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert inference.holm([0.5, float("nan")])[0] == pytest.approx(0.5)  # a NaN is not counted in m
    assert math.isnan(inference.holm([0.5, float("nan")])[1])
    assert inference.holm([0.9, 0.8]).max() <= 1.0


def _fisher_by_hand(k1, n1, k2, n2):
    """Two-sided Fisher p: the sum of hypergeometric tables no more probable than the observed one."""
    k, n = k1 + k2, n1 + n2

    def prob(x):
        return math.comb(n1, x) * math.comb(n2, k - x) / math.comb(n, k)

    obs = prob(k1)
    lo, hi = max(0, k - n2), min(k, n1)
    return sum(prob(x) for x in range(lo, hi + 1) if prob(x) <= obs * (1 + 1e-7))


@pytest.mark.parametrize("k1,n1,k2,n2", [(3, 10, 8, 12), (0, 21, 6, 29), (5, 5, 0, 4), (7, 30, 7, 30)])
def test_fisher_difference_against_the_hypergeometric_sum(k1, n1, k2, n2):
    assert inference.fisher_difference(k1, n1, k2, n2) == pytest.approx(_fisher_by_hand(k1, n1, k2, n2), rel=1e-9)
    assert math.isnan(inference.fisher_difference(1, 0, 1, 2))


def test_tied_top_reports_every_tied_key():
    assert inference.tied_top({"b": 616.0, "a": 616.0, "c": 3.0}) == ["b", "a"]
    assert inference.tied_top({"a": 1.0, "b": float("nan")}) == ["a"]
    assert inference.tied_top({}) == []


# ------------------------------------------------------------------ resampling
def test_cluster_bootstrap_without_clusters_is_the_plain_bootstrap():
    rng = np.random.default_rng(3)
    num, den = rng.integers(0, 50, 20).astype(float), rng.integers(50, 200, 20).astype(float)
    assert intervals.cluster_bootstrap_ratio(num, den) == intervals.bootstrap_ratio(num, den)


def test_rows_of_one_cluster_are_drawn_together():
    """Rows of a cluster are drawn as one: the draws equal those of the clusters' totals as single rows."""
    num = np.array([1, 2, 0, 0, 5, 1, 1, 3, 0, 2], float)
    den = np.array([3, 3, 2, 2, 6, 4, 1, 5, 2, 3], float)
    cl = ["a", "a", "b", "b", "c", "d", "d", "e", "f", "f"]
    tot = pd.DataFrame({"n": num, "d": den, "c": cl}).groupby("c", sort=False).sum()
    a = intervals.ratio_draws(num, den, cl, n_boot=500, seed=7)
    b = intervals.ratio_draws(tot["n"].to_numpy(), tot["d"].to_numpy(), n_boot=500, seed=7)
    assert np.allclose(a, b)


def test_a_line_that_exists_keeps_a_positive_share_in_every_draw():
    """Stratified by line, a one-action line is in every draw; unstratified, it drops out of about a third."""
    chars = np.array([100, 80, 120, 90, 110, 95, 105], float)
    in_line = np.array([1, 0, 0, 0, 0, 0, 0], float)
    strata = ["youth", "none", "none", "none", "none", "none", "none"]
    strat = intervals.ratio_draws(in_line * chars, chars, None, strata, n_boot=2000, seed=0)
    plain = intervals.ratio_draws(in_line * chars, chars, None, None, n_boot=2000, seed=0)
    assert (strat > 0).all()
    assert 0.25 < (plain == 0).mean() < 0.45  # (6/7)^7 = 0.34 of the draws miss the line
    lo, hi = intervals.cluster_bootstrap_ratio(in_line * chars, chars, None, strata)
    assert 0 < lo <= in_line @ chars / chars.sum() <= hi


def test_no_resampling_interval_below_the_minimum_of_units():
    assert intervals.MIN_UNITS == 5
    four = np.ones(4)
    assert all(math.isnan(x) for x in intervals.cluster_bootstrap_ratio(four, four * 2))
    assert all(math.isnan(x) for x in intervals.bootstrap_ratio(four, four * 2))
    # ten actions in three lists are three units: no interval
    assert all(math.isnan(x) for x in intervals.cluster_bootstrap_ratio(np.ones(10), np.ones(10) * 2,
                                                                        [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]))
    assert not any(math.isnan(x) for x in intervals.cluster_bootstrap_ratio(np.arange(5.0), np.ones(5) * 5))


def test_design_effect_by_hand():
    y = [1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1]
    cl = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    # p = 0.5, cluster totals 2, 1, 0, 3 of 3: var_c = 4/3 * sum((t - 1.5)^2) / 144 = 4/3 * 5 / 144
    var_c = 4 / 3 * 5 / 144
    assert intervals.design_effect(y, cl) == pytest.approx(var_c / (0.25 / 12))
    assert intervals.design_effect(y) == 1.0  # every row its own unit
    # everyone agrees: the design effect of clusters whose members always agree, sum(m^2) / n
    assert intervals.design_effect([1] * 12, cl) == pytest.approx(3.0)
    assert intervals.design_effect([1] * 5, [0, 0, 0, 1, 1]) == pytest.approx((9 + 4) / 5)


def test_wilson_clustered_counts_lists_not_actions():
    """42 actions in 9 lists of equal agreement: the interval of 100% is Wilson's over the lists' effective size."""
    sizes = [5, 7, 3, 3, 5, 3, 5, 5, 6]
    cl = np.repeat(np.arange(9), sizes)
    lo, hi, n_eff = intervals.wilson_clustered(np.ones(42), cl)
    assert n_eff == pytest.approx(42 ** 2 / sum(m * m for m in sizes))
    z2 = intervals.Z95 ** 2
    assert lo == pytest.approx(n_eff / (n_eff + z2)) and hi == 1.0  # Wilson's lower bound at p = 1
    assert intervals.wilson_clustered(np.ones(9), np.arange(9))[:2] == pytest.approx(intervals.wilson(9, 9))
    assert intervals.wilson(9, 9)[0] == pytest.approx(0.701, abs=5e-4)
    y = np.r_[np.ones(7), np.zeros(13)]
    assert intervals.wilson_clustered(y)[:2] == pytest.approx(intervals.wilson(7, 20))


# ------------------------------------------------------------------ tests of differences
def _units(plan, nums, dens=None, clusters=None):
    d = pd.DataFrame({"jurisdiction": plan, "num": np.asarray(nums, float),
                      "den": np.ones(len(nums)) if dens is None else np.asarray(dens, float)})
    if clusters is not None:
        d["cluster"] = [f"{plan}:{c}" for c in clusters]
    return d


def test_pairwise_uses_fisher_for_independent_actions_and_the_bootstrap_for_clusters():
    u = pd.concat([_units("a", [1] * 9 + [0] * 21), _units("b", [1] * 20 + [0] * 10), _units("c", [1] * 10 + [0] * 20)])
    t = inference.pairwise_differences(u, ["a", "b", "c"])
    assert list(t["method"]) == ["fisher"] * 3
    assert list(zip(t["jurisdiction"], t["other_jurisdiction"])) == [("a", "b"), ("a", "c"), ("b", "c")]
    raw = [inference.fisher_difference(9, 30, 20, 30), inference.fisher_difference(9, 30, 10, 30),
           inference.fisher_difference(20, 30, 10, 30)]
    assert t["p_value"].tolist() == pytest.approx(raw)
    assert t["p_adjusted"].tolist() == pytest.approx(inference.holm(raw).tolist())
    assert t.loc[0, "difference"] == pytest.approx(9 / 30 - 20 / 30)
    assert t.loc[0, "direction"] == (-1 if inference.holm(raw)[0] < 0.05 else 0)
    assert t.loc[1, "direction"] == 0  # 9 of 30 against 10 of 30: a tie
    clustered = pd.concat([_units("a", [1] * 12 + [0] * 18, clusters=np.repeat(range(6), 5)),
                           _units("b", [1] * 30, clusters=np.repeat(range(6), 5))])
    t2 = inference.pairwise_differences(clustered)
    assert t2["method"].tolist() == ["cluster_bootstrap"] and t2["n_units"].tolist() == [6]


def test_bootstrap_difference_p_value_and_interval():
    same = _units("a", np.arange(10) % 3, np.full(10, 2.0))
    res = inference.bootstrap_difference(same, same.assign(jurisdiction="b"))
    assert res["difference"] == 0 and res["p_value"] > 0.5 and res["difference_lo"] < 0 < res["difference_hi"]
    far = inference.bootstrap_difference(_units("a", np.full(10, 1.0)), _units("b", np.zeros(10)), n_boot=999)
    assert far["difference"] == 1.0 and far["p_value"] == pytest.approx(2 / 1000)  # (0 + 1) / (B + 1), twice
    few = inference.bootstrap_difference(_units("a", [1, 0, 1]), _units("b", np.zeros(10)))
    assert math.isnan(few["p_value"])  # three units: too few to test


def test_adjust_family_holms_across_tables():
    u = pd.concat([_units("a", [1] * 9 + [0] * 21), _units("b", [1] * 20 + [0] * 10)])
    t1 = inference.pairwise_differences(u, adjust=False)
    t2 = inference.pairwise_differences(u.assign(num=1 - u["num"]), adjust=False)
    a1, a2 = inference.adjust_family([t1, t2])
    both = inference.holm([t1["p_value"][0], t2["p_value"][0]])
    assert [a1["p_adjusted"][0], a2["p_adjusted"][0]] == pytest.approx(both.tolist())


# ------------------------------------------------------------------ units
def _actions(rows):
    cols = ["action_id", "jurisdiction", "kind", "unit", "path", "group", "n_chars", "departments_start",
            "departments_end"]
    return pd.DataFrame(rows, columns=cols)


def test_department_lists_tasks_and_lines():
    acts = _actions([
        ("p-001", "p", "action", "numbered_item", "一 > （一）", "youth", 50, 100, 120),
        ("p-002", "p", "action", "numbered_item", "一 > （一）", "youth", 40, 200, 220),
        ("p-003", "p", "action", "numbered_item", "一 > （二）", None, 40, 300, 330),   # one line closes two items
        ("p-004", "p", "action", "numbered_item", "一 > （二）", None, 40, 300, 330),
        ("q-001", "q", "action", "task_measure", "三 > （一） > 2.措施", "youth", 60, None, None),
        ("q-002", "q", "action", "task_measure", "三 > （一） > 2.措施", "youth", 60, None, None),
        ("q-003", "q", "action", "task_measure", "三 > （二） > 2.措施", None, 60, None, None),
        ("q-004", "q", "safeguard", "safeguard_item", "五", None, 60, None, None),
    ])
    asg = pd.DataFrame({"action_id": ["q-001", "q-001", "q-002", "q-002", "q-003"],
                        "source": "division_block", "start": [900, 905, 900, 905, 950], "end": [903, 910, 903, 910, 960]})
    lists = units.department_lists(acts, asg)
    assert lists["p-003"] == lists["p-004"] != lists["p-001"] != lists["p-002"]
    assert lists["q-001"] == lists["q-002"] != lists["q-003"]
    assert lists["q-004"] == "q:action:q-004"  # no list: its own unit
    t = units.tasks(acts)
    assert t["q-001"] == t["q-002"] != t["q-003"] and t["p-003"] != t["p-004"]
    g = units.group_lines(acts)
    assert g["p-001"] == g["p-002"] == "p:youth" and g["p-003"] == "p:" + units.NO_LINE
    assert g["q-004"] == "q:" + units.NO_LINE  # a safeguard stands in no line
    assert units.n_units(lists) == 6 and units.unit_name("list", 2) == "department lists"


# ------------------------------------------------------------------ weighting rules
def _plan(plan, actions_depts):
    """{action: [(department, category, role), ...]} -> (actions, assignments), one parenthesis list each."""
    acts, asg = [], []
    for i, (aid, depts) in enumerate(actions_depts.items()):
        acts.append((aid, plan, "action", "numbered_item", f"一 > {i}", None, 50, 1000 + 10 * i, 1005 + 10 * i))
        for d, cat, role in depts:
            asg.append({"action_id": aid, "jurisdiction": plan, "department": d, "category": cat, "role": role,
                        "collective": False, "source": "parenthesis", "start": 1000 + 10 * i, "end": 1005 + 10 * i})
    return _actions(acts), pd.DataFrame(asg)


def test_weighting_rules_by_hand():
    acts, asg = _plan("p", {"p-1": [("A", "cast", "lead"), ("B", "edu", "cooperating"), ("C", "health", "cooperating")],
                            "p-2": [("A", "cast", "responsible"), ("D", "agri", "responsible")]})
    wl = workload.department_workload(acts, asg, weighting=workload.WEIGHTINGS).set_index(["weighting", "category"])
    expected = {"inverse_k": 1 / 3 + 1 / 2, "lead_weighted": 2 / 4 + 1 / 2, "lead_only": 1 + 1 / 2}
    for rule, load in expected.items():
        assert wl.loc[(rule, "cast"), "load"] == pytest.approx(load)
        assert wl.loc[(rule, "cast"), "load_share"] == pytest.approx(load / 2)
        assert wl.xs(rule)["load"].sum() == pytest.approx(2.0)  # each action carries a load of 1
    assert wl.loc[("lead_only", "edu"), "load"] == 0.0
    assert wl.loc[("lead_weighted", "edu"), "load"] == pytest.approx(1 / 4)
    assert (wl["share"].xs("cast", level="category") == 1.0).all()  # named on both, under every rule
    assert wl.loc[("inverse_k", "cast"), "leads"] == 1.0
    with pytest.raises(ValueError):
        workload.department_workload(acts, asg, weighting="by_eye")


def test_a_finding_is_robust_only_where_every_rule_agrees():
    """P (科协 alone) > Q (科协 cooperating with three, another leads) under every rule: robust.  R (科协
    cooperating with one lead) against S (科协 among four, no leads): higher under 1/k, lower under lead only."""
    parts = [
        _plan("P", {f"P-{i}": [("A", "cast", "responsible")] for i in range(10)}),
        _plan("Q", {f"Q-{i}": [("X", "edu", "lead"), ("A", "cast", "cooperating"), ("Y", "agri", "cooperating"),
                               ("Z", "health", "cooperating")] for i in range(10)}),
        _plan("R", {f"R-{i}": [("X", "edu", "lead"), ("A", "cast", "cooperating")] for i in range(10)}),
        _plan("S", {f"S-{i}": [("A", "cast", "responsible"), ("X", "edu", "responsible"), ("Y", "agri", "responsible"),
                               ("Z", "health", "responsible")] for i in range(10)}),
    ]
    acts = pd.concat([p[0] for p in parts], ignore_index=True)
    asg = pd.concat([p[1] for p in parts], ignore_index=True)
    t = workload.load_share_tests(acts, asg)
    assert len(t) == 6 * 3 and set(t["weighting"]) == set(workload.WEIGHTINGS)
    pq = t[(t["jurisdiction"] == "P") & (t["other_jurisdiction"] == "Q")]
    assert (pq["direction"] == 1).all() and pq["robust"].all()
    rs = t[(t["jurisdiction"] == "R") & (t["other_jurisdiction"] == "S")].set_index("weighting")
    assert rs.loc["inverse_k", "direction"] == 1 and rs.loc["lead_only", "direction"] == -1
    assert not rs["robust"].any()
    assert t["p_adjusted"].tolist() == pytest.approx(inference.holm(t["p_value"]).tolist())  # one family


def test_summary_intervals_resample_lists():
    """Ten actions sharing two division lists are two units: too few for a resampling interval."""
    acts, asg = _plan("p", {f"p-{i}": [("A", "cast", "lead"), ("B", "edu", "cooperating")] for i in range(10)})
    start = np.where(asg["action_id"].str[-1].astype(int) < 5, 1000, 2000)
    shared = asg.assign(start=start, end=start + 5, source="division_block")
    acts = acts.assign(departments_start=None, departments_end=None)
    s = workload.department_summary(acts, shared).iloc[0]
    assert s["n_lists"] == 2 and math.isnan(s["cast_load_share_lo"]) and math.isnan(s["hhi_lo"])
    assert s["cast_leads"] == 10 and s["cast_load_share"] == pytest.approx(0.5)
    s2 = workload.department_summary(acts, asg).iloc[0]  # ten lists of their own
    assert s2["n_lists"] == 10 and s2["cast_load_share_lo"] == pytest.approx(0.5)


def test_network_hubs_report_ties():
    acts, asg = _plan("p", {"p-1": [("A", "cast", "lead"), ("B", "edu", "cooperating")],
                            "p-2": [("C", "agri", "lead"), ("D", "health", "cooperating")]})
    ns = networks.network_summary(acts, asg).iloc[0]
    assert ns["n_hubs"] == 4 and ns["hubs"] == "agri;cast;edu;health" and ns["hub"] == "agri"


# ------------------------------------------------------------------ coverage and measurability
def _coverage_plan():
    rows = [("p-001", "p", "action", "numbered_item", "一 > （一）", "youth", 200, None, None)]
    rows += [(f"p-00{i}", "p", "action", "numbered_item", f"一 > （{i}）", None, 100 + 10 * i, None, None)
             for i in range(2, 9)]
    return _actions(rows)


def test_group_coverage_keeps_a_one_action_line_in_every_draw():
    acts = _coverage_plan()
    men = pd.DataFrame({"action_id": ["p-001", "p-001", "p-003"], "jurisdiction": "p", "group": "youth"})
    c = group_coverage(acts, men, groups=["youth", "farmers"]).set_index("group")
    y = c.loc["youth"]
    assert y["text_share"] == pytest.approx(200 / acts["n_chars"].sum())
    assert 0 < y["text_share_lo"] <= y["text_share"] <= y["text_share_hi"]
    assert y["n_units"] == 8 and y["mentions"] == 3
    assert y["mentions_per_10k"] == pytest.approx(3 / acts["n_chars"].sum() * 10_000)
    assert y["mentions_per_10k_lo"] <= y["mentions_per_10k"] <= y["mentions_per_10k_hi"]
    f = c.loc["farmers"]
    assert not f["has_line"] and math.isnan(f["text_share_lo"]) and f["mentions_per_10k"] == 0
    assert math.isnan(f["mentions_per_10k_lo"])  # a zero is what the plan says: no interval


def test_measurability_counts_tasks_as_units():
    acts = _actions([(f"q-{i:03d}", "q", "action", "task_measure", f"三 > （{i // 4}） > 2.措施", None, 60, None, None)
                     for i in range(12)])
    targets = pd.DataFrame({"action_id": [f"q-{i:03d}" for i in range(4)], "jurisdiction": "q"})
    m = measurability(acts, targets).iloc[0]
    assert m["n_units"] == 3 and m["share_measurable"] == pytest.approx(4 / 12)
    lo, hi, _ = intervals.wilson_clustered(np.r_[np.ones(4), np.zeros(8)], np.repeat([0, 1, 2], 4))
    assert (m["share_lo"], m["share_hi"]) == pytest.approx((lo, hi))
    assert m["share_hi"] - m["share_lo"] > np.subtract(*intervals.wilson(4, 12)[::-1])  # wider than over actions


# ------------------------------------------------------------------ misclassification
from analysis.compare import misclassification as mc  # noqa: E402
from analysis.compare.instruments import leading_kind_tests  # noqa: E402


def test_rogan_gladen_by_hand():
    # Se 0.8, Sp 0.9: p_obs = 0.8 p + 0.1 (1 - p); p = 0.5 gives 0.45, and back
    assert mc.rogan_gladen(0.45, 0.8, 0.9) == pytest.approx(0.5)
    assert mc.rogan_gladen(0.05, 0.8, 0.9) == 0.0  # below the false-positive floor: clipped
    assert mc.rogan_gladen(0.99, 0.8, 0.9) == 1.0
    assert math.isnan(mc.rogan_gladen(0.5, 0.5, 0.5))  # Se + Sp = 1: the coder tells nothing
    assert np.allclose(mc.rogan_gladen(np.array([0.45, 0.8]), 0.8, 0.9), [0.5, 1.0])


def _validation(n_pos, tp, n_neg, fp, item="x"):
    return mc.decisions_from_confusion(pd.DataFrame([{"item": item, "tp": tp, "fp": fp, "fn": n_pos - tp,
                                                      "tn": n_neg - fp}]))


def test_confusion_from_decisions_and_back():
    d = mc.decisions({"u1": {"a"}, "u2": {"a", "b"}, "u3": set()}, {"u1": {"a"}, "u2": {"b"}, "u3": {"a"}},
                     ["u1", "u2", "u3"], ["a", "b"])
    c = mc.confusion(d).set_index("item")
    assert (c.loc["a", ["tp", "fp", "fn", "tn"]] == [1, 1, 1, 0]).all()
    assert c.loc["a", "sensitivity"] == 0.5 and math.isnan(c.loc["a", "specificity"]) is False
    assert c.loc["b", "sensitivity"] == 1.0 and c.loc["b", "specificity"] == 1.0
    again = mc.confusion(mc.decisions_from_confusion(c.reset_index())).set_index("item")
    assert (again[["tp", "fp", "fn", "tn"]] == c[["tp", "fp", "fn", "tn"]]).all().all()


def _coded(plan, n, k, item="x"):
    return pd.DataFrame({"jurisdiction": plan, "unit": [f"{plan}-{i}" for i in range(n)],
                         "cluster": [f"{plan}-{i}" for i in range(n)], "item": item,
                         "coded": [i < k for i in range(n)]})


def test_corrected_share_and_its_interval_carry_the_validation_error():
    coded = _coded("p", 200, 90)  # p_obs = 0.45
    small = mc.corrected_shares(coded, _validation(50, 40, 50, 5)).iloc[0]   # Se 0.8, Sp 0.9 on 100 units
    big = mc.corrected_shares(coded, _validation(5000, 4000, 5000, 500)).iloc[0]  # the same rates on 10,000
    for x in (small, big):
        assert x["sensitivity"] == pytest.approx(0.8) and x["specificity"] == pytest.approx(0.9)
        assert x["share_raw"] == pytest.approx(0.45) and x["share_corrected"] == pytest.approx(0.5)
        assert x["share_corrected_lo"] < 0.5 < x["share_corrected_hi"]
    width = lambda x: x["share_corrected_hi"] - x["share_corrected_lo"]  # noqa: E731
    assert width(small) > width(big) > x["share_raw_hi"] - x["share_raw_lo"]  # the validation's own error counts
    assert small["n_validation"] == 100 and math.isnan(small["share_adjudicated"])


def test_adjudicated_share_only_for_a_plan_coded_whole():
    coded = pd.concat([_coded("p", 10, 4), _coded("q", 10, 2)])
    adj = pd.DataFrame({"unit": [f"p-{i}" for i in range(10)] + ["q-0"], "item": "x",
                        "gold": [i < 3 for i in range(10)] + [True]})
    out = mc.corrected_shares(coded, _validation(50, 45, 50, 2), adj).set_index("jurisdiction")
    assert out.loc["p", "share_adjudicated"] == pytest.approx(0.3) and out.loc["p", "n_adjudicated"] == 10
    assert math.isnan(out.loc["q", "share_adjudicated"]) and out.loc["q", "n_adjudicated"] == 1


def test_leading_kind_needs_a_significant_difference_and_reports_ties():
    acts = _actions([(f"p-{i:03d}", "p", "action", "numbered_item", f"一 > {i}", None, 50, None, None)
                     for i in range(30)] +
                    [(f"q-{i:03d}", "q", "action", "numbered_item", f"一 > {i}", None, 50, None, None)
                     for i in range(10)])
    rows = [(f"p-{i:03d}", "p", "supply") for i in range(30)] + [(f"p-{i:03d}", "p", "demand") for i in range(3)]
    rows += [(f"q-{i:03d}", "q", k) for i in range(10) for k in ("supply", "demand")]
    ins = pd.DataFrame(rows, columns=["action_id", "jurisdiction", "kind"])
    t = leading_kind_tests(acts, ins).set_index("jurisdiction")
    assert t.loc["p", "kind"] == "supply" and bool(t.loc["p", "leads"])
    assert t.loc["p", "difference"] == pytest.approx((30 - 3) / 33)
    assert t.loc["q", "tied"] == "supply;demand" and not bool(t.loc["q", "leads"])


def test_paired_difference_resamples_both_ratios_together():
    num1, num2, den = np.ones(20), np.zeros(20), np.ones(20)
    res = inference.paired_difference(num1, num2, den, n_boot=499)
    assert res["difference"] == 1.0 and res["difference_lo"] == res["difference_hi"] == 1.0
    assert res["p_value"] == pytest.approx(2 / 500)
    same = inference.paired_difference(np.arange(20) % 2, np.arange(20) % 2, den)
    assert same["difference"] == 0 and same["p_value"] == 1.0
