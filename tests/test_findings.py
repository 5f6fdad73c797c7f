"""The report's sentences (:mod:`analysis.report.findings`) on small tables whose right sentence is known.

Each test builds the tables a function takes (the shapes :mod:`analysis.compare` returns and the notebooks
and :func:`analysis.docgen.readme_findings` pass), states the sentence a reader must get -- a ranking only where
the 95% intervals separate, "not assigned" and not zero for a plan without department lists, zero-action
plans outside the size comparison, singular and plural -- and checks that the numbers a bullet prints are
numbers of the table it was written from.  The last test does the same on the build in ``data/processed``
without assuming which plans it holds.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis import compare, paths
from analysis.compare.inference import adjust_family, pairwise_differences
from analysis.report import findings as say

LABELS = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
GROUPS = {"youth": "Youth", "farmers": "Farmers", "elderly": "The elderly"}
NEW_FW, OLD_FW = "全民科学素质行动规划纲要（2021—2035年）", "全民科学素质行动计划纲要（2006—2010—2020年）"


def lines(markdown: str) -> list[str]:
    """The bullets of *markdown*, without their ``- ``."""
    out = markdown.split("\n")
    assert all(s.startswith("- ") for s in out), markdown
    return [s[2:] for s in out]


def percents(text: str) -> list[str]:
    """Every ``12.3`` of a ``12.3%`` or of a ``[12.3–45.6%]`` interval in *text*."""
    return re.findall(r"(\d+\.\d)(?=%|–)", text)


def formatted(values) -> set[str]:
    return {f"{100 * v:.1f}" for v in values if v == v}


# ------------------------------------------------------------------ formatting
def test_formatting_helpers():
    assert say.pct(0.365217) == "36.5%" and say.pct(float("nan")) == "–"
    assert say.ci(0.293, 0.438) == "[29.3–43.8%]" and say.ci(float("nan"), 1) == ""
    assert say.ci(2.0, 15.04, percent=False) == "[2.0–15.0]"
    assert say.names([], LABELS) == "none" and say.names(["a"], LABELS) == "Alpha"
    assert say.names(["a", "b", "c"], LABELS) == "Alpha, Beta and Gamma"
    assert say.names(["x"], LABELS) == "x"  # an id without a label is shown as it is
    assert [say.count_word(n) for n in (0, 1, 5, 10, 11)] == ["no", "one", "five", "ten", "11"]
    assert say.counted(1, "key term") == "1 key term" and say.counted(2, "key term") == "2 key terms"
    assert say.counted(0, "cluster") == "0 clusters" and say.counted(1, "pair", "pairs") == "1 pair"
    assert say.agree(1, "holds", "hold") == "holds" and say.agree(22, "holds", "hold") == "hold"
    assert say.lower("The elderly") == "the elderly" and say.lower("NGOs") == "NGOs"
    assert say.bullets(["one", "", "two"]) == "- one\n- two"


# ------------------------------------------------------------------ target groups
def coverage(rows: list[tuple]) -> pd.DataFrame:
    """(plan, group, has_line, mentions, rate, lo, hi) -> the table of :func:`analysis.compare.group_coverage`."""
    out = []
    for j, g, line, mentions, rate, lo, hi in rows:
        out.append({"jurisdiction": j, "group": g, "has_line": line,
                    "dedicated_actions": 2.0 if line else float("nan"),
                    "dedicated_chars": 300.0 if line else float("nan"), "operative_chars": 5000,
                    "text_share": 0.06 if line else float("nan"), "text_share_lo": 0.01 if line else float("nan"),
                    "text_share_hi": 0.1 if line else float("nan"), "mentions": mentions,
                    "mentions_in_line": mentions // 2, "mentions_per_10k": rate, "mentions_per_10k_lo": lo,
                    "mentions_per_10k_hi": hi})
    return pd.DataFrame(out)


def documents(frameworks: dict[str, str] | None = None, **extra) -> pd.DataFrame:
    frameworks = frameworks or {}
    d = pd.DataFrame({"jurisdiction": list(LABELS), "level": ["district", "county", "city"],
                      "role": "plan", "genre": "实施方案", "period_start": [2021.0, 2021.0, 2016.0],
                      "period_end": [2025.0, 2025.0, 2020.0],
                      "framework": [frameworks.get(j, "") for j in LABELS], "template_family": ""})
    for k, v in extra.items():
        d[k] = v
    return d


EVERY_GROUP_EVERY_PLAN = coverage([
    ("a", "youth", True, 15, 30.0, 20.0, 40.0), ("a", "farmers", True, 6, 12.0, 6.0, 20.0),
    ("b", "youth", True, 5, 10.0, 5.0, 15.0), ("b", "farmers", True, 5, 10.0, 5.0, 18.0),
    ("c", "youth", True, 3, 5.0, 2.0, 9.0), ("c", "farmers", True, 2, 4.0, 1.0, 9.0)])



def rate_tests(rows: list[tuple]) -> pd.DataFrame:
    """(group, plan, other, direction) -> a table of pairwise tests of mention rates."""
    return pd.DataFrame([{"group": g, "jurisdiction": a, "other_jurisdiction": b, "direction": d,
                          "p_adjusted": 0.01 if d else 0.8, "difference": 1.0 * d, "method": "cluster_bootstrap"}
                         for g, a, b, d in rows])


def test_every_group_in_every_plan_and_a_rate_ranked_only_by_tests():
    tests = rate_tests([("youth", "a", "b", 1), ("youth", "a", "c", 1), ("youth", "b", "c", 0),
                        ("farmers", "a", "b", 0), ("farmers", "a", "c", 1), ("farmers", "b", "c", 0)])
    out = lines(say.target_groups(EVERY_GROUP_EVERY_PLAN, LABELS, GROUPS, tests=tests))
    assert out[0] == "**Lines in every plan.** All three plans have a line of actions for youth and farmers."
    assert not any(s.startswith(("**Youth**", "**Farmers**")) for s in out)  # no group misses a line
    # youth: the tests set Alpha above both others; farmers: above Gamma only
    assert out[1] == ("**Most mentions per 10,000 characters**, by group: youth: Alpha, 30.0 [20.0–40.0], above every "
                      "other plan by a test of the difference; farmers: Alpha, 12.0 [6.0–20.0], above Gamma by a test "
                      "of the difference.")
    assert out[2].startswith("Rates are compared by a cluster bootstrap of the difference over the plans' units, "
                             "Holm-adjusted over all 6 pairs of plans and groups")
    # intervals that do not overlap are not a finding without a test
    plain = lines(say.target_groups(EVERY_GROUP_EVERY_PLAN, LABELS, GROUPS))
    assert not any("above" in x for x in plain)
    assert "no plan is said to name a group more than another" in plain[-2]
    none = lines(say.target_groups(EVERY_GROUP_EVERY_PLAN, LABELS, GROUPS,
                                   tests=tests.assign(direction=0)))
    assert any(x.startswith("No test of the difference sets any plan's mention rate of a group above another's")
               for x in none)


def test_target_groups_for_one_and_two_plans():
    one = lines(say.target_groups(EVERY_GROUP_EVERY_PLAN[EVERY_GROUP_EVERY_PLAN["jurisdiction"] == "a"], LABELS,
                                  GROUPS))
    assert one[0] == "**Lines in every plan.** The one plan has a line of actions for youth and farmers."
    two = lines(say.target_groups(EVERY_GROUP_EVERY_PLAN[EVERY_GROUP_EVERY_PLAN["jurisdiction"] != "c"], LABELS,
                                  GROUPS))
    assert two[0] == "**Lines in every plan.** Both plans have a line of actions for youth and farmers."


def test_a_group_missing_from_some_plans():
    cov = coverage([
        ("a", "youth", True, 15, 30.0, 20.0, 40.0), ("a", "farmers", True, 6, 12.0, 6.0, 20.0),
        ("a", "elderly", False, 1, 2.0, 0.1, 11.0),
        ("b", "youth", True, 5, 10.0, 5.0, 15.0), ("b", "farmers", True, 5, 10.0, 5.0, 18.0),
        ("b", "elderly", False, 0, 0.0, 0.0, 7.4),
        ("c", "youth", True, 3, 5.0, 2.0, 9.0), ("c", "farmers", False, 0, 0.0, 0.0, 7.4),
        ("c", "elderly", False, 0, 0.0, 0.0, 7.4)])
    out = lines(say.target_groups(cov, LABELS, GROUPS))
    assert out[0] == "**Lines in every plan.** All three plans have a line of actions for youth."
    assert "**Farmers**: a line in Alpha and Beta (2 of 3); none in Gamma, and Gamma never names them." in out
    # a plan without a line that still names the group is not among those that never name it
    assert ("**The elderly**: no plan has a line for them, and Beta and Gamma never name them.") in out
    assert "Only Alpha names the elderly at all (1 mention)." in out


def test_a_missing_row_is_no_line():
    cov = EVERY_GROUP_EVERY_PLAN[~((EVERY_GROUP_EVERY_PLAN["jurisdiction"] == "c")
                                   & (EVERY_GROUP_EVERY_PLAN["group"] == "farmers"))]
    out = lines(say.target_groups(cov, LABELS, GROUPS))
    assert out[0].endswith("a line of actions for youth.")
    assert out[1].startswith("**Farmers**: a line in Alpha and Beta (2 of 3); none in Gamma")


def test_a_single_dedicated_action_that_makes_the_rate():
    cov = EVERY_GROUP_EVERY_PLAN.copy()
    i = cov.index[(cov["jurisdiction"] == "a") & (cov["group"] == "youth")][0]
    cov.loc[i, ["dedicated_actions", "mentions", "mentions_in_line"]] = [1.0, 15, 14]
    out = lines(say.target_groups(cov, LABELS, GROUPS))
    assert ("Alpha names youth 30.0 times per 10,000 characters [20.0–40.0], but 14 of its 15 mentions are inside "
            "the group's single dedicated action: the rate reflects one long action, not attention across the "
            "plan.") in out


FARMERS_MISSING_IN_C = coverage([
    ("a", "youth", True, 5, 10.0, 5.0, 15.0), ("a", "farmers", True, 6, 12.0, 6.0, 20.0),
    ("b", "youth", True, 5, 10.0, 5.0, 15.0), ("b", "farmers", True, 5, 10.0, 5.0, 18.0),
    ("c", "youth", True, 5, 10.0, 5.0, 15.0), ("c", "farmers", False, 0, 0.0, 0.0, 7.4)])


def test_a_gap_in_plans_of_an_older_framework_is_noted():
    docs = documents({"a": NEW_FW, "b": NEW_FW, "c": OLD_FW})
    out = lines(say.target_groups(FARMERS_MISSING_IN_C, LABELS, GROUPS, documents=docs))
    assert (f"**Farmers**: a line in Alpha and Beta (2 of 3); none in Gamma, and Gamma never names them. Gamma "
            f"implements an older framework ({OLD_FW}) than the plans with a line: the gap may be the "
            "framework's, not only the plan's choice.") in out
    assert say.older_frameworks(["c"], ["a", "b"], docs) == [OLD_FW]
    # without the documents the sentence is as before
    assert not any("framework" in s for s in lines(say.target_groups(FARMERS_MISSING_IN_C, LABELS, GROUPS)))


@pytest.mark.parametrize("frameworks", [
    {"a": NEW_FW, "b": OLD_FW, "c": OLD_FW},  # a plan with a line implements the same framework
    {"a": OLD_FW, "b": OLD_FW, "c": NEW_FW},  # the plan without a line implements the newer one
    {"a": NEW_FW, "b": "", "c": OLD_FW},      # a framework not stated: its age is unknown
    {"a": NEW_FW, "b": "某纲要", "c": OLD_FW},  # a framework whose name carries no year
    {}], ids=["same", "newer", "unstated", "no-year", "none"])
def test_no_framework_note_where_the_data_do_not_carry_it(frameworks):
    docs = documents(frameworks)
    out = say.target_groups(FARMERS_MISSING_IN_C, LABELS, GROUPS, documents=docs)
    assert "framework" not in out
    assert say.older_frameworks(["c"], ["a", "b"], docs) == []


# ------------------------------------------------------------------ overview
def overview_table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"jurisdiction": j, "n_actions": n, "n_safeguards": 0, "operative_chars": c}
                         for j, n, c in rows])



def measurable(rows: list[tuple]) -> pd.DataFrame:
    out = []
    for j, k, n in rows:
        lo, hi = say.wilson(k, n) if n else (float("nan"), float("nan"))
        out.append({"jurisdiction": j, "n_actions": n, "n_units": n, "n_measurable": k,
                    "share_measurable": k / n if n else float("nan"), "share_lo": lo, "share_hi": hi})
    return pd.DataFrame(out, columns=["jurisdiction", "n_actions", "n_units", "n_measurable", "share_measurable",
                                      "share_lo", "share_hi"])


def measurable_tests(rows: list[tuple]) -> pd.DataFrame:
    """Fisher's tests of every pair of plans with k of n independent measurable actions."""
    units = pd.DataFrame([{"jurisdiction": j, "num": float(i < k), "den": 1.0} for j, k, n in rows for i in range(n)])
    return pairwise_differences(units)


def test_overview_leaves_a_zero_action_plan_out_of_the_shortest():
    ov = overview_table([("a", 10, 3000), ("b", 5, 1000), ("c", 0, 0)])
    out = lines(say.overview(ov, measurable([("a", 2, 10), ("b", 1, 5), ("c", 0, 0)]), LABELS))
    assert out[0] == ("**Size.** Alpha's plan is the longest (10 actions, 3,000 characters of operative text); "
                      "Beta's the shortest (5 actions, 1,000 characters).")
    assert out[1] == "Gamma has no actions and is left out of the comparison of size."
    assert "Gamma" not in out[2]  # no share of measurable actions for a plan without actions


def test_overview_singular_and_a_single_plan():
    out = lines(say.overview(overview_table([("a", 1, 120), ("b", 0, 0)]), measurable([("a", 0, 1)]), LABELS))
    assert out[0] == "**Size.** Alpha's plan has 1 action and 120 characters of operative text."
    assert out[1] == "Beta has no actions and is left out of the comparison of size."



def test_overview_numbers_come_from_the_table_and_no_test_means_no_ranking():
    rows = [("a", 2, 30), ("b", 6, 29), ("c", 0, 21)]
    m = measurable(rows)
    out = lines(say.overview(overview_table([("a", 30, 5484), ("b", 29, 5647), ("c", 21, 3452)]), m, LABELS,
                             measurable_tests(rows)))
    meas = out[1]
    assert meas.startswith("**Measurability** (actions with at least one quantified commitment): Alpha 2 of 30 ")
    for r in m.itertuples():  # each plan's part carries its own share and interval
        part = re.search(rf"{LABELS[r.jurisdiction]} {r.n_measurable} of {r.n_actions} \(([^)]*)\)", meas).group(1)
        assert percents(part) == [f"{100 * v:.1f}" for v in (r.share_measurable, r.share_lo, r.share_hi)]
    assert set(percents(meas)) <= formatted(m[["share_measurable", "share_lo", "share_hi"]].to_numpy().ravel())
    assert out[2] == ("No test tells any of the three pairs of plans apart in the share of measurable actions "
                      "(Fisher's exact test where every action is its own unit, Holm-adjusted over 3 comparisons): "
                      "the data do not show that one plan has more than another.")
    # without tests, no ranking sentence at all
    assert len(lines(say.overview(overview_table([("a", 30, 1), ("b", 29, 1), ("c", 21, 1)]), m, LABELS))) == 2



def test_overview_ranks_plans_only_where_a_test_of_the_difference_does():
    rows = [("a", 28, 30), ("b", 1, 30), ("c", 25, 30)]
    tests = measurable_tests(rows)
    out = lines(say.overview(overview_table([("a", 30, 900), ("b", 30, 800), ("c", 30, 700)]), measurable(rows),
                             LABELS, tests))
    assert out[-1] == ("Share of measurable actions, by tests of the difference (Fisher's exact test where every action "
                       "is its own unit, Holm-adjusted over 3 comparisons): Alpha higher than Beta (by 90.0 points, "
                       "p < 0.001); Gamma higher than Beta (by 80.0 points, p < 0.001); 1 other pair the tests do not "
                       "tell apart.")
    two = lines(say.overview(overview_table([("a", 30, 900), ("c", 30, 700)]), measurable([rows[0], rows[2]]),
                             LABELS, measurable_tests([rows[0], rows[2]])))
    assert two[-1].startswith("No test tells the two plans apart in the share of measurable actions")
    one = lines(say.overview(overview_table([("a", 30, 900)]), measurable([rows[0]]), LABELS,
                             measurable_tests([rows[0]])))
    assert len(one) == 2  # one plan: nothing to compare


# ------------------------------------------------------------------ corpus design

def test_corpus_design_frameworks_genres_and_template_families():
    docs = documents({"a": NEW_FW, "b": NEW_FW, "c": OLD_FW})
    docs.loc[2, "genre"] = "工作要点"
    docs["template_family"] = ["a;b", "a;b", ""]
    ref = pd.DataFrame([{"jurisdiction": "ref", "level": "national", "role": "reference", "genre": "纲要",
                         "period_start": 2021.0, "period_end": 2035.0, "framework": "", "template_family": ""}])
    out = lines(say.corpus_design(pd.concat([docs, ref], ignore_index=True), LABELS))
    assert out[0] == ("Three documents are compared: Alpha (district, 实施方案, 2021–2025); Beta (county, 实施方案, "
                      "2021–2025); Gamma (city, 工作要点, 2016–2020).")  # the reference document is no plan
    assert out[1].startswith(f"They implement two different frameworks ({NEW_FW}: Alpha and Beta; {OLD_FW}: Gamma).")
    assert out[2].startswith("They are of two genres (实施方案, 工作要点)")
    assert out[3].startswith("Alpha and Beta were written from one template")
    left = lines(say.corpus_design(docs, LABELS, excluded={"c": "genre:工作要点"}))
    assert left[0].startswith("Two documents are compared: Alpha")
    assert not any("two genres" in x or "two different frameworks" in x for x in left)  # Gamma is not compared
    assert left[-1] == ("Gamma is left out of every comparison by the build's `exclude_documents` (Gamma: "
                        "genre:工作要点); it is still described above.")


def test_each_document_described_as_what_it_is():
    docs = documents({"a": NEW_FW, "b": "", "c": OLD_FW}, issuer=["某区人民政府", "", "某市科协"],
                     doc_number=["某政字〔2022〕1号", "", ""], literacy_target_pct=[17.0, float("nan"), 10.0],
                     literacy_target_year=[2025.0, float("nan"), float("nan")])
    out = lines(say.describe_documents(docs, LABELS))
    assert out[0] == (f"**Alpha**: a 实施方案 issued by 某区人民政府 (某政字〔2022〕1号), implementing {NEW_FW}; it states a "
                      "science-literacy target of 17% by 2025.")
    assert out[1] == ("**Beta**: a 实施方案 (issuer not read from the text), framework not stated in the manifest; it "
                      "states no science-literacy target.")
    assert out[2].endswith("it states a science-literacy target of 10%.")



def test_corpus_design_without_families_or_frameworks():
    out = lines(say.corpus_design(documents(), LABELS))
    assert "The manifest states no framework for the plans" in out[1]
    assert out[-1] == "No two plans share enough verbatim text to count as one template family."
    one = lines(say.corpus_design(documents().iloc[:1], LABELS))
    assert one[0] == "One document is compared: Alpha (district, 实施方案, 2021–2025)."
    assert not any("template family" in s for s in one)


# ------------------------------------------------------------------ departments

def dept_tables(assigned: dict[str, tuple[int, int]], n_departments: int = 3, division: bool = False):
    """Tables of :func:`analysis.report.findings.departments`; *assigned*: plan -> (actions, assigned actions),
    a plan missing from it assigns no departments.  Every assigned action has its own department list."""
    summary, networks, assignments, actions, workload = [], [], [], [], []
    for j in LABELS:
        n, k = assigned.get(j, (4, 0))
        for i in range(n):
            actions.append({"action_id": f"{j}-{i}", "jurisdiction": j, "kind": "action"})
            if i < k:
                for d in range(n_departments):
                    assignments.append({"action_id": f"{j}-{i}", "jurisdiction": j, "collective": False,
                                        "source": "division_block" if division else "parenthesis",
                                        "category": "cast" if d == 0 else f"cat{d}"})
        on = j in assigned
        nan = float("nan")
        summary.append({"jurisdiction": j, "assigned": on, "names_leads": False, "n_actions": n, "n_assigned": k,
                        "n_lists": float(k) if on else nan,
                        "cast_load_share": 1 / n_departments if on else nan, "cast_load_share_lo": 0.2 if on else nan,
                        "cast_load_share_hi": 0.45 if on else nan, "cast_action_share": 1.0 if on else nan,
                        "cast_action_share_lo": 0.6 if on else nan, "cast_action_share_hi": 1.0 if on else nan,
                        "hhi": 0.333 if on else nan, "hhi_lo": 0.3 if on else nan, "hhi_hi": 0.4 if on else nan,
                        "cast_leads": nan})
        networks.append({"jurisdiction": j, "assigned": on, "hub": "cast" if on else nan,
                         "hubs": "cast" if on else nan})
        for rule in ("inverse_k", "lead_weighted", "lead_only"):
            workload.append({"jurisdiction": j, "category": "cast", "weighting": rule, "assigned": on,
                             "n_lists": float(k) if on else nan, "load_share": 1 / n_departments if on else nan,
                             "load_share_lo": 0.2 if on else nan, "load_share_hi": 0.45 if on else nan})
    return (pd.DataFrame(summary), pd.DataFrame(workload), pd.DataFrame(networks), pd.DataFrame(assignments),
            pd.DataFrame(actions))



def test_a_plan_without_department_lists_is_not_assigned_not_zero():
    s, w, n, asg, act = dept_tables({"a": (6, 6), "b": (1, 1)})
    out = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association"}))
    assert out[0] == ("Gamma gives no list of departments per action (a plan may still name departments in its "
                      "text): *not assigned*, shown as missing, never as zero.")
    assert not any(x.startswith("Gamma:") or "Gamma's" in x for x in out[1:])  # no 0 of 4, no 0.0%
    assert out[1] == ("**Association is the hub of every assigned plan's network** (2 of 2, no tie): the category "
                      "most often named with others.")
    assert out[2].startswith("Alpha: 6 of 6 actions name departments, from 6 department lists. The science and "
                             "technology association (科协) carries 33.3% [20.0–45.0%] (the same under every rule: "
                             "the plan names no leads) of the weighted load")
    # one list is too few for an interval: none is printed, and the sentence says why
    assert out[3].startswith("Beta: 1 of 1 action names departments, from 1 department list.")
    assert "33.3% (1 unit: too few for an interval)" in out[3]
    assert not any("median of" in x for x in out)  # three departments per action: no format warning


def test_hubs_that_tie_are_reported_as_ties():
    s, w, n, asg, act = dept_tables({"a": (6, 6), "b": (6, 6)})
    n.loc[1, "hubs"] = "cast;youth_league"
    out = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association", "youth_league": "League"}))
    assert ("**Hubs** (most often named with others; equal weighted degree is a tie): Alpha: Association; Beta: "
            "Association and League (a tie of 2).") in out
    assert not any("hub of every assigned plan" in x for x in out)


def load_tests(rows: list[tuple]) -> pd.DataFrame:
    """(plan, other, {rule: direction}) -> a table of load-share tests with ``robust``."""
    from analysis.compare.workload import robust_pairs

    out = [{"jurisdiction": a, "other_jurisdiction": b, "weighting": r, "direction": d, "p_adjusted": 0.01 if d else 1,
            "p_value": 0.001 if d else 0.9} for a, b, dirs in rows for r, d in dirs.items()]
    return robust_pairs(pd.DataFrame(out))


def test_load_findings_are_robust_only_under_every_rule():
    s, w, n, asg, act = dept_tables({"a": (6, 6), "b": (6, 6), "c": (6, 6)})
    rules = ("inverse_k", "lead_weighted", "lead_only")
    tests = load_tests([("a", "b", dict.fromkeys(rules, 1)),
                        ("a", "c", {"inverse_k": 1, "lead_weighted": 1, "lead_only": 0}),
                        ("b", "c", dict.fromkeys(rules, 0))])
    out = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association"}, tests))
    robust = next(x for x in out if x.startswith("**Robust differences**"))
    assert "Alpha above Beta (p = 0.010 under every rule)" in robust and "Gamma" not in robust
    depends = next(x for x in out if x.startswith("**Differences that depend on the weighting rule**"))
    assert depends.endswith("Alpha against Gamma: higher (1/k), higher (lead counted twice), no difference shown "
                            "(lead only).")
    none = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association"}, tests.assign(direction=0)))
    assert any(x.startswith("No test tells the plans apart in 科协's share of the load under any weighting rule")
               for x in none)


def test_departments_format_and_thin_base():
    s, w, n, asg, act = dept_tables({"a": (4, 1), "b": (3, 3), "c": (2, 2)}, n_departments=12, division=True)
    out = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association"}))
    assert not any("not assigned" in x for x in out)
    assert ("Beta's actions carry a median of 12 departments each from a division of work shared by a task's "
            "measures") in " ".join(out)
    assert "Alpha's department figures rest on 1 of its 4 actions (the others go to collective units only)." in out
    for x in out:  # a plan's bullet prints the shares of its own row
        j = next((j for j, lab in LABELS.items() if x.startswith(lab + ":")), None)
        if j:
            row = s.set_index("jurisdiction").loc[j]
            assert set(percents(x)) <= formatted(row.filter(like="cast_").to_numpy(dtype=float))


# ------------------------------------------------------------------ clusters and keyness

def cluster_tables(n_clusters: int, n_shared: int, unique: dict[int, str] | None = None, near=(18,), edge="",
                   shared_range=(float("nan"), float("nan")), plans=("a", "b", "c")):
    unique = unique or {}
    quality = pd.DataFrame({"k": [14, 16, 18], "silhouette": 0.45, "silhouette_full": 0.08,
                            "stability_seeds_ari": 0.8, "stability_bootstrap_ari": 0.75,
                            "score": [0.66 if 14 in near else 0.5, 0.66 if 16 in near else 0.5, 0.67],
                            "score_se": 0.015, "runs": 3, "chosen": [14 in near, False, 14 not in near],
                            "edge": ["", "", ""], "shared_by_all_min": float("nan"),
                            "shared_by_all_max": float("nan")})
    c = quality.index[quality["chosen"]][0]
    quality.loc[c, ["edge", "shared_by_all_min", "shared_by_all_max"]] = [edge, *shared_range]
    spread = pd.DataFrame({"cluster": range(1, n_clusters + 1), "label": "词、词、词",
                           "plans": [";".join(plans) if i < n_shared else
                                     (unique.get(i + 1) or ";".join(plans[:2])) for i in range(n_clusters)],
                           "shared_by_all": [i < n_shared for i in range(n_clusters)],
                           "unique_to": [unique.get(i + 1, "") for i in range(n_clusters)]})
    return quality, spread



def test_clusters_singular_plural_and_a_closed_sentence():
    q, sp = cluster_tables(22, 1, near=(14, 18), plans=("a", "b"))
    out = lines(say.clusters(q, sp, pd.DataFrame(), documents(), LABELS))
    assert out[0].startswith("**k = 14 clusters**, the smallest k whose score")
    assert out[0].endswith("k is weakly identified: 14, 18 score within one standard error (0.015) of the best "
                           "(k = 18).")
    assert out[2] == "1 of the 22 clusters holds actions of both plans with actions; none holds actions of one plan only."
    q, sp = cluster_tables(5, 3, unique={4: "a", 5: "b"}, shared_range=(2.0, 4.0))
    out = lines(say.clusters(q, sp, pd.DataFrame(), documents(), LABELS))
    assert out[0].endswith("No other k scores within one standard error of it.")
    assert out[2] == ("3 of the 5 clusters hold actions of all three plans with actions (in the seed runs at k = 18: "
                      "2–4); 2 hold actions of one plan only: cluster 4 (词、词、词) only Alpha; cluster 5 (词、词、词) only "
                      "Beta.")
    fam = documents(template_family=["a;b", "a;b", ""])
    assert "Plans of one template family share most clusters" in say.clusters(q, sp, pd.DataFrame(), fam, LABELS)
    assert say.clusters(q.iloc[:0], sp, pd.DataFrame(), fam, LABELS) == \
        "- No clusters: fewer than two plans with actions."
    one, sp1 = cluster_tables(3, 3, plans=("a",))
    assert "3 of the 3 clusters hold actions of the one plan with actions." in \
        lines(say.clusters(one, sp1, pd.DataFrame(), documents(), LABELS))


def test_clusters_name_the_edge_of_the_range_and_a_fixed_k():
    q, sp = cluster_tables(5, 3, edge="upper")
    out = lines(say.clusters(q, sp, pd.DataFrame(), documents(), LABELS))
    assert out[1] == ("The last k tried (18) scores within one standard error of the best: the range, not the data, "
                      "may have set k (raise `k_max` to see).")
    fixed = q[q["chosen"]].assign(score=float("nan"))
    assert lines(say.clusters(fixed, sp, pd.DataFrame(), documents(), LABELS))[0] == \
        "**k = 18 clusters**, fixed by the build's `n_clusters` (not chosen)."
    stab = pd.DataFrame({"stability": [0.9, 0.8, 0.3, float("nan")]})
    text = say.clusters(q, sp, pd.DataFrame(), documents(), LABELS, stab)
    assert "has a median of 0.80; 1 action of 3 keep less than half of their company" in text



def test_keyness_counts_terms_in_the_right_number():
    key = pd.DataFrame([
        {"jurisdiction": "a", "rank": 1, "term": "区级", "key": True, "g2": 15.81, "count_target": 5,
         "count_reference": 0, "ratio": 38.2, "reference_excludes": "b"},
        {"jurisdiction": "a", "rank": 2, "term": "工匠", "key": False, "g2": 13.69, "count_target": 6,
         "count_reference": 1, "ratio": 9.0, "reference_excludes": "b"},
        {"jurisdiction": "b", "rank": 1, "term": "青年", "key": False, "g2": 3.0, "count_target": 2,
         "count_reference": 3, "ratio": 1.5, "reference_excludes": "a"},
        {"jurisdiction": "c", "rank": 1, "term": "重庆", "key": True, "g2": 41.3, "count_target": 10,
         "count_reference": 0, "ratio": 137.2, "reference_excludes": ""},
        {"jurisdiction": "c", "rank": 2, "term": "时代", "key": True, "g2": 19.3, "count_target": 6,
         "count_reference": 1, "ratio": 2.45, "reference_excludes": ""}])
    out = lines(say.keyness(key, LABELS, alpha=0.05, min_log_ratio=1.0, min_count=3))
    assert out[0] == ("Alpha (its template family, Beta, left out of its reference): 1 key term, 区级 (5 uses, never "
                      "used in the reference; G² 15.8).")
    assert out[1] == ("Beta (its template family, Alpha, left out of its reference): no term passes both the "
                      "significance test and the effect-size floor.")
    assert out[2] == ("Gamma: 2 key terms; the first: 重庆 (10 uses, never used in the reference; G² 41.3), 时代 "
                      "(6 uses, 2.5× its rate in the reference; G² 19.3).")  # a ratio, not a raw count
    assert "p < 0.05" in out[3] and "at least 2 times as often per token" in out[3]
    assert "only terms a plan uses at least 3 times are tested" in out[3]


# ------------------------------------------------------------------ reuse, alignment, sensitivity, validation

def test_alignment_and_reuse_sentences():
    pairs = pd.DataFrame([("a", "b", 0.5, 0.6, 0.45, 0.74), ("b", "a", 0.45, 0.5, 0.35, 0.65),
                          ("a", "c", 0.15, 0.1, 0.03, 0.3), ("c", "a", 0.2, 0.05, 0.01, 0.2)],
                         columns=["jurisdiction", "other_jurisdiction", "mean_best_similarity", "share_matched",
                                  "share_matched_lo", "share_matched_hi"])
    reuse = pd.DataFrame([("a", "b", 0.195, 0.118, 0.277), ("b", "a", 0.189, 0.117, 0.26), ("a", "c", 0.0, 0.0, 0.0)],
                         columns=["jurisdiction", "other_jurisdiction", "share", "share_lo", "share_hi"])
    summary = pd.DataFrame({"jurisdiction": ["a", "b", "c"], "share_any": [0.2, 0.19, 0.0]})
    passages = pd.DataFrame({"in_reference": ["ref", "", ""]})
    out = lines(say.alignment_reuse(pairs, reuse, summary, passages, LABELS, threshold=0.35, min_chars=20))
    # a directional measure is given in both directions
    assert out[0] == ("**Closest pair**: Alpha → Beta (mean best-match similarity 0.500, and Beta → Alpha 0.450; every "
                      "other ordered pair 0.150–0.200); 60.0% [45.0–74.0%] of Alpha's actions have a best match of at "
                      "least 0.35 there, 50.0% [35.0–65.0%] of Beta's in Alpha. Similarity is directional: how well "
                      "the second plan covers the first.")
    assert out[1].startswith("Between any other two plans, at most 10.0% [3.0–30.0%] of a plan's actions reach that "
                             "threshold (Alpha → Gamma).")
    assert out[2] == ("**Verbatim reuse** (passages of at least 20 characters): 19.5% [11.8–27.7%] of Alpha's "
                      "operative text is found in Beta; 18.9% [11.7–26.0%] of Beta's operative text is found in Alpha.")
    assert out[3].startswith("Gamma shares no passage of 20 characters or more with any other plan.")
    assert out[4].startswith("1 shared passage also occurs in a reference document:")
    assert say.alignment_reuse(pairs.iloc[:0], reuse, summary, passages, LABELS, 0.35, 20) == \
        "- Fewer than two plans with actions: nothing to align."


def test_sensitivity_sentences():
    rows = [("a", "b", "counted", 10, 0.3), ("a", "b", "counted", 20, 0.2), ("a", "b", "excluded", 20, 0.19),
            ("b", "a", "counted", 10, 0.1), ("b", "a", "counted", 20, 0.0), ("a", "c", "counted", 10, 0.0),
            ("a", "c", "counted", 20, 0.0)]
    reuse = pd.DataFrame(rows, columns=["jurisdiction", "other_jurisdiction", "punctuation", "min_chars", "share"])
    counterparts = pd.DataFrame([(0.35, "b", "a", 0.656, 0.483, 0.796), (0.35, "a", "c", 0.1, 0.02, 0.3),
                                 (0.5, "a", "c", 0.9, 0.8, 0.95)],
                                columns=["threshold", "jurisdiction", "other_jurisdiction", "share", "share_lo",
                                         "share_hi"])
    choices = pd.DataFrame({"k": [13, 18], "lsa_components": [10, 15]})
    lexicon = pd.DataFrame([("a", "youth", 27.4, 15.3, 45.1, 7.3, 2.0, 18.7)],
                           columns=["jurisdiction", "group", "per_10k_all", "per_10k_all_lo", "per_10k_all_hi",
                                    "per_10k_core", "per_10k_core_lo", "per_10k_core_hi"])
    out = lines(say.sensitivity(reuse, counterparts, choices, lexicon, LABELS, GROUPS, min_chars=20, threshold=0.35))
    assert out[0].startswith("**Reuse threshold.** The share of Alpha's text found in Beta is 30.0% at 10 characters, "
                             "20.0% at 20 characters; without punctuation 19.0% at 20 (point estimates;")
    assert out[1] == ("1 ordered pair of plans shares nothing at 20 characters but shares text at 10: set phrases and "
                      "formulas of the genre (e.g. Beta–Alpha).")
    assert out[2].startswith("**Counterpart threshold.** At 0.35, the share of actions with a counterpart is highest "
                             "for Beta → Alpha (65.6% [48.3–79.6%]);")  # the build's threshold, not 0.5
    assert out[3].startswith("**Clusters.** The number of clusters chosen moves with the LSA size: 13 (10 dims), "
                             "18 (15 dims).")
    assert out[4] == ("**Mention lexicon.** The common wordings (the codebook's `more_terms`) add most to Alpha's "
                      "mentions of youth: 7.3 [2.0–18.7] per 10,000 characters with the outlines' terms only, 27.4 "
                      "[15.3–45.1] with the full lexicon.")


def test_validation_summary_in_the_right_number():
    nan = float("nan")
    seg = pd.DataFrame({"label": ["all"], "n_lines": [1], "alpha_coders": [1.0], "package_agreement": [1.0]})
    fields = pd.DataFrame({"field": ["group", "departments", "commitments"], "n_units": [1, 1, 1],
                           "alpha_coders": [0.9, nan, nan], "package_agreement": [1.0, nan, nan],
                           "precision": [nan, 0.9, 1.0], "recall": [nan, 0.8, 0.5]})
    instr = pd.DataFrame({"code": ["all", "supply.content", "demand.awards"], "kind": ["all", "supply", "demand"],
                          "n_actions": [1, 1, 1], "alpha_coders": [0.94, 0.9, 0.8], "precision": [0.7, 0.6, 0.5],
                          "recall": [0.8, 0.7, 0.6], "f1": [0.78, 0.64, 0.55]})
    out = lines(say.validation_summary(seg, fields, instr))
    assert out[0].startswith("**Segmentation** (1 line): the two coders' alpha is 1.000;")
    assert out[1].startswith("**Fields** (1 sampled action): target group alpha 0.900 between coders")
    assert out[1].endswith("commitments precision 100.0%, recall 50.0% (1 commitment in the sample).")
    assert out[2].startswith("**Instruments** (held-out part, 1 action): coders' alpha 0.94; package precision 70.0%")
    assert out[2].endswith("Weakest codes: demand.awards (F1 0.55), supply.content (F1 0.64).")


# ------------------------------------------------------------------ instruments
KINDS = ("supply", "environment", "demand")
KIND_LABELS = {"supply": "Supply-side", "environment": "Environment-side", "demand": "Demand-side"}


def composition(shares: dict[str, list[tuple[float, float, float]]], n_total: int = 100) -> pd.DataFrame:
    """plan -> [(share, lo, hi) per kind] (an empty list: a plan without codes)."""
    rows = []
    for j, xs in shares.items():
        for kind, x in zip(KINDS, xs or [(float("nan"),) * 3] * 3):
            total = n_total if xs else 0
            rows.append({"jurisdiction": j, "kind": kind, "n_uses": 0 if x[0] != x[0] else round(x[0] * total),
                         "n_total": total, "share": x[0], "share_lo": x[1], "share_hi": x[2]})
    return pd.DataFrame(rows)


#: Alpha: supply's interval clears demand's; Beta: overlapping (the audit's case: 36.5% [29–44] vs 33.0%
#: [26–39]); Gamma: environment clears the runner-up.
SEPARATED = {"a": [(0.6, 0.5, 0.7), (0.15, 0.1, 0.2), (0.25, 0.2, 0.3)],
             "b": [(0.365, 0.293, 0.438), (0.305, 0.222, 0.382), (0.33, 0.265, 0.393)],
             "c": [(0.2, 0.15, 0.25), (0.6, 0.55, 0.65), (0.2, 0.14, 0.26)]}



def leading(rows: dict[str, tuple]) -> pd.DataFrame:
    """plan -> (kind, share, next share, tied, leads)."""
    return pd.DataFrame([{"jurisdiction": j, "kind": k, "share": a, "next_kind": "x", "next_share": b, "tied": t,
                          "difference": a - b, "p_value": 0.001, "p_adjusted": 0.003 if lead else 0.4, "leads": lead}
                         for j, (k, a, b, t, lead) in rows.items()])


def test_leading_kind_only_where_a_test_sets_it_above_the_next():
    tests = leading({"a": ("supply", 0.6, 0.25, "supply", True), "b": ("supply", 0.365, 0.33, "supply", False),
                     "c": ("environment", 0.6, 0.2, "environment", True)})
    assert say.leading_kinds(composition(SEPARATED), tests) == {"a": "supply", "b": None, "c": "environment"}
    # without tests no kind is said to lead, however far apart the intervals are
    assert say.leading_kinds(composition(SEPARATED)) == {"a": None, "b": None, "c": None}
    assert say.leading_kinds(composition({"a": [], "b": SEPARATED["a"]}), tests) == {"b": None}  # no codes: no plan


def kind_mix(comp: pd.DataFrame) -> pd.DataFrame:
    return comp.rename(columns={"n_total": "n_actions", "n_uses": "n_using"}).assign(n_actions=30)



def test_instruments_per_plan_numbers_and_a_plan_without_codes():
    comp = composition({"a": SEPARATED["a"], "b": [(1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)], "c": []})
    comp.loc[comp["jurisdiction"] == "b", "n_total"] = 1
    kinds = kind_mix(comp[comp["jurisdiction"] != "c"])
    codes = pd.DataFrame({"jurisdiction": ["a", "b"], "code": ["supply.content"] * 2, "n_actions": [30, 1],
                          "n_using": [12, 1], "share": [0.4, 1.0], "share_lo": [0.2, 0.2], "share_hi": [0.6, 1.0]})
    out = lines(say.instruments(kinds, comp, codes, LABELS, KIND_LABELS, {"supply.content": "Content and media"}))
    assert out[0] == ("Alpha: supply-side 60.0% [50.0–70.0%], environment-side 15.0% [10.0–20.0%], demand-side 25.0% "
                      "[20.0–30.0%] of its instrument codes (100 action × instrument pairs).")
    assert out[1].endswith("(1 action × instrument pair).")
    assert out[2] == "Gamma: no instrument coded."
    for x, j in zip(out[:2], "ab"):  # the numbers of a plan's bullet are its row's
        rows = comp[comp["jurisdiction"] == j]
        expected = []
        for r in rows.itertuples():  # an interval of no width is not printed
            expected += [f"{100 * r.share:.1f}"] + ([f"{100 * r.share_lo:.1f}", f"{100 * r.share_hi:.1f}"]
                                                   if f"{100 * r.share_lo:.1f}" != f"{100 * r.share_hi:.1f}" else [])
        assert percents(x) == expected
    assert out[-2] == ("Across all 31 actions and safeguards, the instrument the rules code most often: content and "
                       "media (41.9%) (no validation sample applies to this corpus, so the coding's errors are not "
                       "corrected).")
    assert "independent sessions of an AI assistant, not people" in out[-1]


def test_instruments_leading_kind_and_corrected_shares():
    comp = composition(SEPARATED)
    kinds = kind_mix(comp)
    codes = pd.DataFrame({"jurisdiction": ["a"], "code": ["demand.activities"], "n_actions": [30], "n_using": [15],
                          "share": [0.5], "share_lo": [0.3], "share_hi": [0.7]})
    corrected = pd.DataFrame([("all", "demand.activities", 151, 0.517, 0.437, 0.595, 0.29, 0.05, 0.47, 0.371),
                              ("all", "environment.coordination", 151, 0.47, 0.4, 0.55, 0.36, 0.19, 0.55, 0.397),
                              ("all", "supply.talent", 151, 0.36, 0.27, 0.45, 0.38, 0.27, 0.5, 0.384)],
                             columns=["jurisdiction", "code", "n_units", "share_raw", "share_raw_lo", "share_raw_hi",
                                      "share_corrected", "share_corrected_lo", "share_corrected_hi",
                                      "share_adjudicated"]).assign(n_validation=101)
    names_ = {"demand.activities": "Activities", "environment.coordination": "Coordination",
              "supply.talent": "Talent"}
    tests = leading({"a": ("supply", 0.6, 0.25, "supply", True), "b": ("supply", 0.365, 0.33, "supply;demand", False),
                     "c": ("environment", 0.6, 0.2, "environment", False)})
    out = lines(say.instruments(kinds, comp, codes, LABELS, KIND_LABELS, names_, leading=tests, corrected=corrected))
    lead = next(x for x in out if x.startswith("**Leading kind**"))
    assert lead == ("**Leading kind** (the largest kind of a plan's instrument codes against the next, paired cluster "
                    "bootstrap, Holm-adjusted over 3 plans): Alpha: supply-side (60.0% against 25.0%, p = 0.003); in "
                    "the other two no kind leads (Beta: a tie at the top).")
    most = next(x for x in out if x.startswith("**Most used instruments**"))
    assert most.startswith("**Most used instruments** across all 151 actions and safeguards, as the rules code them: "
                           "activities 51.7% [43.7–59.5%], coordination 47.0% [40.0–55.0%], talent 36.0% [27.0–45.0%]. "
                           "Corrected for the rules' errors (sensitivity and specificity on 101 held-out double-coded "
                           "units, Rogan–Gladen): talent 38.0% [27.0–50.0%], coordination 36.0% [19.0–55.0%], "
                           "activities 29.0% [5.0–47.0%]; the adjudicated coding of the same units: coordination 39.7%,")


# ------------------------------------------------------------------ headlines (the README)
class Build:
    """What :func:`analysis.report.findings.headlines` reads of a loaded build, without the build."""

    def __init__(self, tables: dict[str, pd.DataFrame], plans: list[str], with_actions: list[str]):
        self.tables, self.plans, self.plans_with_actions = tables, plans, with_actions
        self.labels, self.group_labels, self.crossplan = LABELS, GROUPS, False

    def __getitem__(self, name):
        return self.tables[name]

    def has(self, name):
        return name in self.tables and len(self.tables[name]) > 0



@pytest.fixture
def build(monkeypatch):
    """A build of Alpha, Beta and Gamma whose comparison tables are given (the compare functions return them)."""
    def make(cov, meas, summary, comp, docs=None, n_actions=(30, 29, 21), safeguards=3, workload=None,
             meas_tests=None, load_tests_=None, lead_tests=None):
        docs = documents() if docs is None else docs
        plans = list(docs["jurisdiction"])
        actions = pd.DataFrame([{"jurisdiction": j, "kind": "action"} for j, n in zip(plans, n_actions)
                                for _ in range(n)] + [{"jurisdiction": plans[0], "kind": "safeguard"}] * safeguards,
                               columns=["jurisdiction", "kind"])
        empty_tests = pd.DataFrame(columns=["jurisdiction", "other_jurisdiction", "direction", "robust", "weighting",
                                            "p_adjusted"])
        monkeypatch.setattr(compare, "group_coverage", lambda *a, **k: cov)
        monkeypatch.setattr(compare, "measurability", lambda *a, **k: meas)
        monkeypatch.setattr(compare, "measurability_tests", lambda *a, **k: empty_tests if meas_tests is None
                            else meas_tests)
        monkeypatch.setattr(compare, "department_summary", lambda *a, **k: summary)
        monkeypatch.setattr(compare, "department_workload", lambda *a, **k: workload)
        monkeypatch.setattr(compare, "load_share_tests", lambda *a, **k: empty_tests if load_tests_ is None
                            else load_tests_)
        monkeypatch.setattr(compare, "instrument_composition", lambda *a, **k: comp)
        monkeypatch.setattr(compare, "leading_kind_tests", lambda *a, **k: lead_tests)
        with_actions = [j for j, n in zip(plans, n_actions) if n]
        tables = {"documents": docs, "actions": actions, "group_mentions": pd.DataFrame(), "targets": pd.DataFrame(),
                  "assignments": pd.DataFrame(), "instruments": pd.DataFrame({"x": [1]})}
        return Build(tables, plans, with_actions)
    return make



def test_headlines_of_a_known_build(build):
    docs = documents({"a": NEW_FW, "b": NEW_FW, "c": OLD_FW}, literacy_target_pct=[17.0, 18.5, float("nan")])
    summary, workload = dept_tables({"a": (30, 30), "b": (29, 29)})[:2]
    workload.loc[workload["jurisdiction"] == "b", ["load_share", "load_share_lo", "load_share_hi"]] = [0.1, 0.08, 0.12]
    rows = [("a", 2, 30), ("b", 6, 29), ("c", 0, 21)]
    meas = measurable(rows)
    lead = leading({"a": ("supply", 0.6, 0.25, "supply", True), "b": ("supply", 0.365, 0.33, "supply", False),
                    "c": ("environment", 0.6, 0.2, "environment", True)})
    tests = load_tests([("a", "b", dict.fromkeys(("inverse_k", "lead_weighted", "lead_only"), 1))])
    r = build(FARMERS_MISSING_IN_C, meas, summary, composition(SEPARATED), docs, workload=workload,
              meas_tests=measurable_tests(rows), load_tests_=tests, lead_tests=lead)
    out = lines(say.headlines(r))
    assert out == [
        "**Corpus.** Three documents (district, county, city), periods within 2016–2025; 80 actions and 3 "
        f"safeguards, each with the offsets of its text. They implement two national frameworks ({NEW_FW}; {OLD_FW}): "
        "comparisons across them mix kinds of document (the table says which is which). 2 of the 3 state a "
        "science-literacy target.",
        "**Target groups.** All three plans have a line of actions for youth; farmers have a line in 2 of the three "
        f"plans (the other one implements an older framework than the rest, {OLD_FW}).",
        "**Measurability.** Between 0.0% [0.0–15.5%] (Gamma) and 20.7% [9.8–38.4%] (Beta) of a plan's actions "
        "carry a quantified commitment (a number with a unit); no test of the difference tells any two plans apart "
        "after Holm's correction.",
        "**Departments.** In the two plans that assign departments to actions, the science and technology "
        "association (科协) carries between 10.0% [8.0–12.0%] (Beta) and 33.3% [20.0–45.0%] (Alpha) of the "
        "weighted workload when every named unit counts alike (1/k, lead and cooperating alike; intervals over "
        "department lists); under every weighting rule Alpha's share is higher than Beta's. One plan names no "
        "departments per action.",
        "**Instruments.** The kind of policy instrument a plan uses most (share of its action × instrument codes), "
        "counted where a test sets it above the next kind: supply-side in 1 of 3 plans, environment-side in 1 of 3 "
        "plans; in the other one no kind leads by a test (rule-based coding; notebook 6 corrects its shares for the "
        "coding's errors, and notebook 8 gives its agreement with two coders who were AI-assistant sessions, not "
        "people)."]
    # the measurability range is the table's minimum and maximum
    assert percents(out[2]) == [f"{100 * v:.1f}" for v in (*meas.iloc[2, 4:7], *meas.iloc[1, 4:7])]



def test_headline_on_instruments_states_no_ranking_without_a_significant_test(build):
    overlapping = {j: SEPARATED["b"] for j in LABELS}
    lead = leading({j: ("supply", 0.365, 0.33, "supply", False) for j in LABELS})
    summary, workload = dept_tables({})[:2]
    r = build(EVERY_GROUP_EVERY_PLAN, measurable([]), summary, composition(overlapping), workload=workload,
              lead_tests=lead)
    out = lines(say.headlines(r))
    assert out[1] == "**Target groups.** All three plans have a line of actions for youth and farmers."
    assert out[-1].startswith("**Instruments.** No plan clearly favours one kind of policy instrument: in none of "
                              "the three plans does a test set the most used kind's share of its action × instrument "
                              "codes above the next kind's (paired cluster bootstrap, Holm-adjusted; rule-based coding;")
    assert "supply-side in" not in " ".join(out)
    assert "**Departments.** No plan assigns departments to its actions." in out



def test_headlines_of_one_assigning_plan_and_a_plan_without_codes(build):
    summary, workload = dept_tables({"a": (6, 6)})[:2]
    comp = composition({"a": SEPARATED["a"], "b": SEPARATED["c"], "c": []})
    lead = leading({"a": ("supply", 0.6, 0.25, "supply", True), "b": ("environment", 0.6, 0.2, "environment", True)})
    r = build(EVERY_GROUP_EVERY_PLAN, measurable([("a", 1, 1)]), summary, comp, n_actions=(6, 2, 3), safeguards=1,
              workload=workload, lead_tests=lead)
    out = lines(say.headlines(r))
    assert out[0].startswith("**Corpus.** Three documents") and "11 actions and 1 safeguard, each" in out[0]
    assert out[2] == ("**Measurability.** 100.0% (1 unit: too few for an interval) of Alpha's actions carry a "
                      "quantified commitment (a number with a unit).")
    assert out[3] == ("**Departments.** In the one plan that assigns departments to actions, the science and "
                      "technology association (科协) carries 33.3% [20.0–45.0%] (Alpha) of the weighted workload when "
                      "every named unit counts alike (1/k, lead and cooperating alike; intervals over department "
                      "lists). Two plans name no departments per action.")
    assert "supply-side in 1 of 2 plans with instrument codes, environment-side in 1 of 2 plans with instrument " \
           "codes (" in out[4]


def test_headlines_of_one_and_two_plans(build):
    for n in (1, 2):
        docs = documents().iloc[:n]
        summary, workload = dept_tables({"a": (6, 6), "b": (6, 6)})[:2]
        summary, workload = summary.iloc[:n], workload[workload["jurisdiction"].isin(docs["jurisdiction"])]
        cov = EVERY_GROUP_EVERY_PLAN[EVERY_GROUP_EVERY_PLAN["jurisdiction"].isin(docs["jurisdiction"])]
        rows = [("a", 2, 30), ("b", 6, 29)][:n]
        lead = leading({"a": ("supply", 0.4, 0.3, "supply", False), "b": ("supply", 0.4, 0.3, "supply", False)})
        r = build(cov, measurable(rows), summary, composition({j: SEPARATED["b"] for j in docs["jurisdiction"]}),
                  docs, n_actions=(30, 29)[:n], workload=workload, meas_tests=measurable_tests(rows),
                  lead_tests=lead.iloc[:n])
        text = say.headlines(r)
        assert f"{'One document' if n == 1 else 'Two documents'} (" in text
        assert ("The one plan has a line" if n == 1 else "Both plans have a line") in text
        assert ("in the one plan no test sets" if n == 1 else "in neither plan does a test set") in text
        assert "1 plans" not in text and "two plan " not in text and "All two" not in text and "all two" not in text
        if n == 2:
            assert "no test of the difference tells the two plans apart" in text



def test_headlines_of_a_corpus_without_actions(build):
    summary, workload = dept_tables({})[:2]
    r = build(EVERY_GROUP_EVERY_PLAN, measurable([]), summary, composition({}), n_actions=(0, 0, 0),
              safeguards=0, workload=workload)
    assert lines(say.headlines(r)) == [
        "**Corpus.** Three documents (district, county, city), periods within 2016–2025; 0 actions and 0 "
        "safeguards, each with the offsets of its text.",
        "No plan has actions: there is nothing to compare."]


# ------------------------------------------------------------------ interval tables
def test_interval_table_shows_missing_as_a_dash():
    cov = FARMERS_MISSING_IN_C
    m = say.interval_table(cov, "text_share", "text_share_lo", "text_share_hi", index_labels=LABELS,
                           column_labels=GROUPS)
    assert m.loc["Gamma", "Farmers"] == "–" and m.loc["Alpha", "Farmers"] == "6.0% [1.0–10.0%]"
    assert list(m.index) == ["Alpha", "Beta", "Gamma"] and list(m.columns) == ["Youth", "Farmers"]


# ------------------------------------------------------------------ the build in data/processed
@pytest.fixture(scope="module")
def processed():
    """data/processed loaded as the README's findings load it (loading sets nothing process-wide)."""
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed is not built")
    import warnings

    from analysis import report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = report.load(paths.PROCESSED, None, "en")
    with r:  # the tests compare under the build's settings, as the headlines do
        yield r


def test_headlines_of_the_processed_build_print_the_numbers_of_its_tables(processed):
    r = processed
    out = {x.split("**")[1]: x for x in lines(say.headlines(r)) if x.startswith("**")}
    plans = r.plans_with_actions
    m = compare.measurability(r["actions"], r["targets"]).dropna(subset=["share_measurable"])
    if "Measurability." in out:
        assert set(percents(out["Measurability."])) <= formatted(
            m[["share_measurable", "share_lo", "share_hi"]].to_numpy().ravel())
    w = compare.department_workload(r["actions"], r["assignments"], weighting=compare.WEIGHTINGS)
    if "Departments." in out:
        cast = w[w["category"] == "cast"]
        assert set(percents(out["Departments."])) <= formatted(
            cast[["load_share", "load_share_lo", "load_share_hi"]].to_numpy(dtype=float).ravel())
        tests = compare.load_share_tests(r["actions"], r["assignments"])
        if not tests["robust"].any():
            assert not re.search(r"under every weighting rule [^:]*'s share is", out["Departments."])
    if "Instruments." in out:
        lead = compare.leading_kind_tests(r["actions"], r["instruments"])
        text = out["Instruments."]
        if not lead["leads"].any():
            assert "No plan clearly favours one kind" in text
        else:
            assert sum(int(k) for k in re.findall(r"in (\d+) of \d+ plan", text)) == int(lead["leads"].sum())
    ov = compare.corpus_overview(r["documents"], r["actions"])
    size = lines(say.overview(ov, m, r.labels))[0]
    if "the shortest" in size:  # the shortest plan has actions
        shortest = re.search(r"; (.+)'s the shortest", size).group(1)
        j = next(j for j in plans if r.labels[j] == shortest)
        assert int(ov.set_index("jurisdiction").loc[j, "n_actions"]) > 0
    assert len(set(r.labels.values())) == len(r.labels)  # one label per plan
    for x in out.values():  # no interval of no width, and the coders are not called hand coders
        assert not re.search(r"\[(\d+\.\d)–\1%\]", x) and "hand coder" not in x



def test_no_ranking_word_without_a_significant_test_on_the_processed_build(processed):
    r = processed
    cov = compare.group_coverage(r["actions"], r["group_mentions"])
    tests = compare.mention_rate_tests(r["actions"], r["group_mentions"])
    text = say.target_groups(cov, r.labels, r.group_labels, documents=r["documents"], tests=tests)
    if not (tests["direction"] != 0).any():
        assert "above every other plan" not in text and "by a test of the difference" not in text.split(
            "No test of the difference")[0].split("**Most mentions")[-1].replace("above every other plan", "")
    assert np.all(cov["has_line"].isin([True, False]))




# ------------------------------------------------------------------ wording for 1, 2 and N; intervals
def test_no_interval_without_width_or_enough_units():
    assert say.ci(0.4, 0.4) == "" and say.ci(0.4, 0.4001) == ""  # `40.0% [40.0–40.0%]` is never printed
    assert say.ci(0.39, 0.41) == "[39.0–41.0%]"
    assert say.with_ci(0.4, 0.4, 0.4, 3) == "40.0% (3 units: too few for an interval)"
    assert say.with_ci(0.4, 0.3, 0.5, 30) == "40.0% [30.0–50.0%]"
    assert say.with_ci(0.4, float("nan"), float("nan")) == "40.0%"
    assert say.ci_n(1.0, 2.0, 1, percent=False) == "(1 unit: too few for an interval)"


def test_subjects_for_one_two_and_many():
    assert [say.all_of(n) for n in (1, 2, 5)] == ["the one plan", "both plans", "all five plans"]
    assert say.all_of(3, "clusters") == "all three clusters"
    assert say.times(38.2) == "38×" and say.times(2.45) == "2.5×" and say.times(float("nan")) == "–"


def test_every_interval_note_names_population_unit_and_uncertainty():
    for measure in say.about.__globals__["ABOUT"]:
        line = say.about(measure)
        assert line.startswith("*About") and line.endswith("*")
        if measure != "census":
            assert "population:" in line and "independent unit:" in line and "uncertainty:" in line
    assert "no sampling interval" in say.about("census")
    assert "(9 to 30 per plan)" in say.about("workload", "9 to 30 per plan")
    with pytest.raises(KeyError):
        say.about("by eye")


def test_a_comparison_that_mixes_genres_or_frameworks_says_so():
    docs = documents({"a": NEW_FW, "b": NEW_FW, "c": OLD_FW})
    docs.loc[2, "genre"] = "工作要点"
    text = say.mixing(docs, ["a", "b", "c"])
    assert text.startswith("*This comparison mixes kinds of document: two genres (实施方案, 工作要点) and two national "
                           "frameworks (")
    assert say.mixing(docs, ["a", "b"]) == ""
    assert "genres" not in say.mixing(docs.assign(genre="实施方案"), ["a", "c"])


@pytest.mark.parametrize("n", [1, 2, 3])
def test_leading_kind_sentence_for_one_two_and_many_plans(n):
    plans = list(LABELS)[:n]
    comp = composition({j: SEPARATED["b"] for j in plans})
    tests = leading({j: ("supply", 0.365, 0.33, "supply", False) for j in plans})
    out = lines(say.instruments(kind_mix(comp), comp, pd.DataFrame(columns=["code", "n_using", "n_actions"]), LABELS,
                                KIND_LABELS, {}, leading=tests))
    lead = next(x for x in out if x.startswith("**Leading kind**"))
    expected = {1: "in the one plan no kind leads the next by a test of the difference.",
                2: "in neither plan does one kind lead the next by a test of the difference.",
                3: "in none of the three plans does one kind lead the next by a test of the difference."}[n]
    assert lead.endswith(expected), lead
    assert f"Holm-adjusted over {n} plan{'s' if n > 1 else ''})" in lead


def test_departments_for_one_assigned_plan():
    s, w, n, asg, act = dept_tables({"a": (6, 6)})
    out = lines(say.departments(s, w, n, asg, act, LABELS, {"cast": "Association"}))
    assert ("**Association is the hub of the one assigned plan's network** (no tie): the category most often named "
            "with others.") in out
    assert out[0].startswith("Beta and Gamma give no list of departments")
