"""Plan labels are unique (:func:`analysis.plots.style.plan_labels`): two plans of one place -- an older and a
newer plan of a city, the "compare periods" case -- get two labels, so no table, chart or sentence merges them.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import config_context, paths
from analysis.plots import style


@pytest.fixture(autouse=True)
def no_registered_plans():
    """Labels of the documents given only: no plans' order or documents table in the settings."""
    with config_context(plan_order=None, documents=None):
        yield


def docs(rows: list[dict]) -> pd.DataFrame:
    base = {"name_zh": "深圳市", "name_en": "Shenzhen", "issued": "", "period_start": float("nan")}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_two_plans_of_one_place_are_told_apart_by_the_year_issued():
    d = docs([{"jurisdiction": "shenzhen_old", "issued": "2017-03-25", "period_start": 2017.0},
              {"jurisdiction": "shenzhen_new", "issued": "2022-06-01", "period_start": 2021.0},
              {"jurisdiction": "zhifu", "name_zh": "烟台市芝罘区", "name_en": "Zhifu District, Yantai",
               "issued": "2022-09-25"}])
    assert style.plan_labels(d, "en") == {"shenzhen_old": "Shenzhen 2017", "shenzhen_new": "Shenzhen 2022",
                                          "zhifu": "Zhifu"}  # a label without a twin stays as it was
    assert style.plan_labels(d, "zh") == {"shenzhen_old": "深圳 2017", "shenzhen_new": "深圳 2022", "zhifu": "芝罘"}
    full = style.plan_labels(d, "en", full=True)
    assert full["shenzhen_old"] == "Shenzhen 2017" and full["zhifu"] == "Zhifu District, Yantai"


def test_the_period_when_the_year_issued_does_not_tell_them_apart():
    d = docs([{"jurisdiction": "a", "issued": "2021-05-01", "period_start": 2016.0},
              {"jurisdiction": "b", "issued": "2021-11-01", "period_start": 2021.0}])
    assert style.plan_labels(d, "en") == {"a": "Shenzhen 2016", "b": "Shenzhen 2021"}
    d = docs([{"jurisdiction": "a", "period_start": 2016.0}, {"jurisdiction": "b", "period_start": 2021.0}])
    assert style.plan_labels(d, "en") == {"a": "Shenzhen 2016", "b": "Shenzhen 2021"}  # no date issued


def test_identical_plans_fall_back_to_the_id():
    same = {"issued": "2021-05-01", "period_start": 2021.0}
    d = docs([{"jurisdiction": "shenzhen_a", **same}, {"jurisdiction": "shenzhen_b", **same}])
    assert style.plan_labels(d, "en") == {"shenzhen_a": "Shenzhen (shenzhen_a)", "shenzhen_b": "Shenzhen (shenzhen_b)"}
    assert style.plan_labels(d, "zh") == {"shenzhen_a": "深圳 (shenzhen_a)", "shenzhen_b": "深圳 (shenzhen_b)"}
    # three plans, two of one year: no year tells all three apart, so all three carry their id
    d = docs([{"jurisdiction": "x", "issued": "2017-01-01"}, {"jurisdiction": "y", "issued": "2017-06-01"},
              {"jurisdiction": "z", "issued": "2022-01-01"}])
    assert style.plan_labels(d, "en") == {"x": "Shenzhen (x)", "y": "Shenzhen (y)", "z": "Shenzhen (z)"}


def test_labels_are_deterministic_and_do_not_depend_on_row_order():
    d = docs([{"jurisdiction": "p", "issued": "2017-03-25"}, {"jurisdiction": "q", "issued": "2022-01-01"},
              {"jurisdiction": "r", "name_en": "Pingyin County, Jinan", "name_zh": "济南市平阴县"}])
    one = style.plan_labels(d, "en")
    assert one == style.plan_labels(d, "en") == style.plan_labels(d.iloc[::-1], "en")
    assert len(set(one.values())) == len(one)


def test_documents_read_as_text():
    """documents.csv read with ``dtype=str`` (as plan_labels reads it by default): years as ``"2021.0"``."""
    d = docs([{"jurisdiction": "a", "period_start": 2016.0}, {"jurisdiction": "b", "period_start": 2021.0}])
    assert style.plan_labels(d.astype(str), "en") == {"a": "Shenzhen 2016", "b": "Shenzhen 2021"}


def test_unique_labels_when_a_made_label_meets_another_name():
    labels = {"a": "Shenzhen", "b": "Shenzhen", "c": "Shenzhen 2017"}
    years = {"a": "2017", "b": "2022"}
    out = style.unique_labels(labels, [years.get])
    assert out == {"a": "Shenzhen (a)", "b": "Shenzhen 2022", "c": "Shenzhen 2017 (c)"}
    assert style.unique_labels({"a": "X", "b": "Y"}, [years.get]) == {"a": "X", "b": "Y"}
    assert style.unique_labels({"a": "X", "b": "X"}) == {"a": "X (a)", "b": "X (b)"}
    assert style.unique_labels({"a": "X", "b": "X", "x": "X (a)"}) == {"a": "X (a)", "b": "X (b)", "x": "X (a) (x)"}
    # the last resort: a label that is still not unique becomes the id itself
    assert style.unique_labels({"a": "X", "b": "X", "x": "X (a)", "y": "X (a) (x)"}) == \
        {"a": "X (a)", "b": "X (b)", "x": "x", "y": "y"}


def test_the_processed_build_has_one_label_per_plan():
    path = paths.PROCESSED / "documents.csv"
    if not path.is_file():
        pytest.skip("data/processed is not built")
    d = pd.read_csv(path, dtype=str)
    for lang in ("en", "zh"):
        for full in (False, True):
            labels = style.plan_labels(d, lang, full=full)
            assert set(d["jurisdiction"]) <= set(labels)
            assert len(set(labels.values())) == len(labels), (lang, full)
