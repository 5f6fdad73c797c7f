"""Golden tests: the numbers docs/methods.md and docs/validation.md quote from the shipped plans are the build's.

The methods page explains the statistics with the shipped corpus's own numbers (Shenzhen's department lists,
its 科协 shares under each weighting rule, the k chosen, the key terms a template twin hid, the codebook
revision's effect).  Each is recomputed here from data/processed, so the pages cannot drift from the build.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import compare, paths, validation
from conftest import golden

METHODS = (paths.ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
VALIDATION = (paths.ROOT / "docs" / "validation.md").read_text(encoding="utf-8")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.PROCESSED / f"{name}.csv", keep_default_na=False, na_values=[""])


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


@golden("shenzhen", processed=True)
def test_the_shenzhen_numbers_of_the_methods_page():
    a, s = _read("actions"), _read("assignments")
    w = compare.department_workload(a, s, weighting=compare.WEIGHTINGS)
    cast = w[(w["jurisdiction"] == "shenzhen") & (w["category"] == "cast")].set_index("weighting")
    n_lists = int(cast["n_lists"].iloc[0])
    assert f"Shenzhen's 42 actions carry {n_lists} lists" in METHODS and n_lists == 9
    x = cast.loc["inverse_k"]
    assert (f"its 科协 load share is {_pct(x.load_share)}%\n  [{_pct(x.load_share_lo)}–{_pct(x.load_share_hi)}%] over the "
            "lists") in METHODS
    assert f"[{_pct(x.share_lo)}–{_pct(x.share_hi)}%], not [91.6–100%]" in METHODS
    leads = int(cast.loc["inverse_k", "leads"])
    assert (f"where 科协 leads {leads} of 42 actions, 科协's\nshare is {_pct(cast.loc['inverse_k', 'load_share'])}% under "
            f"1/k, {_pct(cast.loc['lead_weighted', 'load_share'])}% with the lead counted twice and "
            f"{_pct(cast.loc['lead_only', 'load_share'])}% counting leads only") in METHODS


@golden(processed=True, whole=True)
def test_the_cluster_and_keyness_numbers_of_the_methods_page():
    q = _read("cluster_quality")
    chosen = int(q.loc[q["chosen"].astype(bool), "k"].iloc[0])
    best = int(q.loc[q["score"].idxmax(), "k"])  # the earlier rule: the highest score
    assert f"chooses k = {chosen} where the earlier rule chose {best}" in METHODS
    sens = _read("cluster_sensitivity").set_index("lsa_components")
    assert {int(sens.loc[25, "k"]), int(sens.loc[50, "k"])} == {int(x) for x in
                                                                re.findall(r"the criterion still chooses\s+(\d+)",
                                                                           METHODS)}
    assert sens.loc[50, "edge"] == "upper"
    key = _read("keyness")
    n_key = key[key["key"].astype(bool)].groupby("jurisdiction").size()
    assert f"takes Zhifu from 2 to {n_key['zhifu']} key terms and Pingyin from 2 to {n_key['pingyin']}" in METHODS


@golden(processed=True, whole=True)
def test_the_after_columns_of_the_codebook_revision_are_the_builds():
    a, ins = _read("actions"), _read("instruments")
    rows = {}
    for part in ("dev", "test"):
        r = validation.instruments_report(a, ins, split=part).set_index("code")
        for code in ("supply.content", "supply.services", "demand.activities", "all"):
            rows[(code, part)] = r.loc[code]
    for (code, part), r in rows.items():
        line = next(x for x in VALIDATION.splitlines() if x.startswith(f"| `{code}` | {part} |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[3] == f"{r.precision:.3f}" and cells[5] == f"{r.recall:.3f}" and cells[7] == str(
            int(r.n_package)), line
    m = _read("group_mentions")
    youth = int(((m["jurisdiction"] == "shenzhen") & (m["group"] == "youth")).sum())
    chars = int(a.loc[a["jurisdiction"] == "shenzhen", "n_chars"].sum())
    assert youth == 24 - 9
    assert f"its rate falls from 29.8 to {youth / chars * 10_000:.1f} per 10,000 characters" in VALIDATION


@pytest.mark.parametrize("page", ["methods", "validation"])
def test_the_pages_call_the_coders_what_they_were(page):
    text = METHODS if page == "methods" else VALIDATION
    assert "hand coders" not in text


@golden(processed=True, whole=True)
def test_the_cost_of_choosing_k_quoted_on_the_methods_page(monkeypatch):
    """The k-means fits the choice of k makes on the shipped corpus; the earlier search's count is arithmetic:
    every k with one fit, five seed and five resample runs, then a refit and ten stability runs."""
    from analysis.pipeline.crossplan import read_params
    from analysis.textstats import cluster

    p = read_params(paths.PROCESSED)
    a, cl = _read("actions"), _read("clusters")
    Z = compare.crossplan.cluster_space(a, cl, p)
    calls = []
    real = cluster.fit_kmeans

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cluster, "fit_kmeans", counting)
    res = cluster.cluster_vectors(Z, k_min=p.k_min, k_max=p.k_max, random_state=p.random_state, n_init=p.n_init,
                                  stability_runs=p.stability_runs, selection_sample=p.selection_sample,
                                  selection_runs=p.stability_runs)
    assert res.k == int(cl["cluster"].max())
    n_k = p.k_max - p.k_min + 1
    earlier = n_k * (1 + 2 * p.stability_runs) + 1 + 2 * p.stability_runs
    assert f"this takes {len(calls)} k-means fits where the earlier search (every k\nwith five seed and five " \
           f"resample runs) took {earlier}" in METHODS
