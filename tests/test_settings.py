"""The settings a comparison or chart reads (codebook, plans' order, language, plan names) travel with the loaded
build: loading sets nothing process-wide, and two builds of different corpora and codebooks loaded in one process
each give their own answers, in either order and interleaved (:mod:`analysis.config`)."""
from __future__ import annotations

import threading

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import analysis
from analysis import compare, config, config_context, plots, report
from analysis.coding.codebook import load_codebook
from analysis.errors import BuildError
from analysis.plots import style
from tests.corpora import INDUSTRIAL_CODEBOOK, build_layouts

#: Corpus A: science-literacy layouts, the package's codebook; manifest order is not the alphabet's.
PLANS_A = [("zeta_county", "division_of_tasks_2016"), ("alpha_city", "lead_lines_per_item_2008"),
           ("mid_banner", "banner_2021")]
#: Corpus B: another domain's plan and a science one, built with the industrial-policy codebook.
PLANS_B = [("yellow_river", "industrial_internet_2019"), ("blue_lake", "notice_variant_2019")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    a = build_layouts(tmp_path_factory.mktemp("corpus_a"), PLANS_A)
    b = build_layouts(tmp_path_factory.mktemp("corpus_b"), PLANS_B, codebook=INDUSTRIAL_CODEBOOK)
    return a, b


@pytest.fixture(autouse=True)
def _no_leftover_settings():
    """Each test starts and ends with the process's defaults (a failing test must not leak a setting)."""
    config.reset_config()
    yield
    config.reset_config()
    plt.close("all")


def group_ids(codebook) -> list[str]:
    return [g.id for g in load_codebook(codebook).groups]


def answers(r) -> dict:
    """What a build's comparisons and charts say, computed inside ``with r:``."""
    with r:
        cov = compare.group_coverage(r["actions"], r["group_mentions"])
        fig = plots.coverage_heatmap(cov)  # no documents= and no lang=: both from the build's settings
        ax = fig.axes[0]
        out = {"order": compare.plans_of(r["actions"]), "groups": compare.group_ids(),
               "matrix_rows": list(compare.matrix(cov, "dedicated_actions").index),
               "x": [t.get_text() for t in ax.get_xticklabels()], "y": [t.get_text() for t in ax.get_yticklabels()],
               "colors": [style.plan_color(j) for j in r.plans], "lang": style.get_lang()}
    plt.close(fig)
    return out


def expected(r, codebook, plans) -> dict:
    """The same answers worked out from the build's own files, without the settings machinery."""
    ids = [j for j, _ in plans]
    names = {g.id: (g.zh if r.lang == "zh" else style._short_en(g.en)) for g in load_codebook(codebook).groups}
    labels = style.plan_labels(compare.read_table("documents", r.processed), r.lang)  # the documents given
    return {"order": ids, "groups": group_ids(codebook), "matrix_rows": ids, "x": [labels[j] for j in ids],
            "y_names": set(names.values()), "colors": style.PLAN_PALETTE[:len(ids)], "lang": r.lang}


def check(r, codebook, plans):
    got, want = answers(r), expected(r, codebook, plans)
    assert got["order"] == want["order"] and got["matrix_rows"] == want["order"]
    assert got["groups"] == want["groups"]
    assert got["x"] == want["x"]  # plan labels from this build's documents table, in its language
    assert set(got["y"]) <= want["y_names"] and got["y"]  # group labels from this build's codebook
    assert got["colors"] == want["colors"] and got["lang"] == want["lang"]


def test_the_two_corpora_really_differ(builds):
    a, b = builds
    assert set(group_ids(a / "codebook.yaml")).isdisjoint(group_ids(b / "codebook.yaml"))
    assert [j for j, _ in PLANS_A] != sorted(j for j, _ in PLANS_A)  # order is the manifest's, not the alphabet's


@pytest.mark.parametrize("first", ["a", "b"])
def test_two_builds_in_one_process_each_give_their_own_answers(builds, first):
    a_dir, b_dir = builds
    loaded = {}
    for key in ([first, "b" if first == "a" else "a"]):
        loaded[key] = report.load(a_dir if key == "a" else b_dir, lang="en" if key == "a" else "zh")
    a, b = loaded["a"], loaded["b"]
    for _ in range(2):  # interleaved, twice over
        check(a, a_dir / "codebook.yaml", PLANS_A)
        check(b, b_dir / "codebook.yaml", PLANS_B)
    assert a.group_labels.keys() == set(group_ids(a_dir / "codebook.yaml"))  # outside any block: its own
    assert b.group_labels.keys() == set(group_ids(b_dir / "codebook.yaml"))
    assert list(a.labels) == [j for j, _ in PLANS_A] and list(b.labels) == [j for j, _ in PLANS_B]


def test_nested_blocks_restore_the_outer_build(builds):
    a, b = (report.load(p) for p in builds)
    with a:
        with b:
            assert compare.group_ids() == group_ids(builds[1] / "codebook.yaml")
            assert compare.corpus_plans() == [j for j, _ in PLANS_B]
        assert compare.group_ids() == group_ids(builds[0] / "codebook.yaml")
        assert compare.corpus_plans() == [j for j, _ in PLANS_A]
        with pytest.raises(RuntimeError):
            with b:
                raise RuntimeError("a failing block")
        assert compare.corpus_plans() == [j for j, _ in PLANS_A]  # restored on the error too
    assert compare.corpus_plans() == []


def test_loading_sets_nothing_process_wide(builds):
    before = analysis.get_config()
    package_groups = group_ids(None)
    r = report.load(builds[1], lang="zh")
    assert analysis.get_config() == before
    assert [g.id for g in load_codebook().groups] == package_groups  # not the build's codebook
    assert style.get_lang() == "en" and compare.corpus_plans() == []
    assert r.config["plan_order"] == tuple(j for j, _ in PLANS_B) and r.config["lang"] == "zh"
    assert r.config["codebook"] == builds[1] / "codebook.yaml"


def test_reading_a_table_sets_nothing(builds):
    compare.read_processed(builds[0])
    compare.read_table("documents", builds[1])
    assert analysis.get_config() == config.DEFAULTS


def test_activate_sets_the_process_settings_on_purpose(builds):
    a = report.load(builds[0], lang="zh")
    a.activate()
    assert compare.corpus_plans() == [j for j, _ in PLANS_A] and style.get_lang() == "zh"
    assert compare.group_ids() == group_ids(builds[0] / "codebook.yaml")
    b = report.load(builds[1])
    with b:  # another build's block still sees its own settings
        assert compare.corpus_plans() == [j for j, _ in PLANS_B] and style.get_lang() == "en"
    assert compare.corpus_plans() == [j for j, _ in PLANS_A]


def test_a_block_is_not_seen_by_another_thread(builds):
    seen = {}
    with report.load(builds[0]):
        t = threading.Thread(target=lambda: seen.update(order=compare.corpus_plans(), groups=compare.group_ids()))
        t.start()
        t.join()
        assert compare.corpus_plans() == [j for j, _ in PLANS_A]
    assert seen == {"order": [], "groups": group_ids(None)}


def test_settings_are_checked():
    with pytest.raises(ValueError, match="lang"):
        with config_context(lang="fr"):
            pass
    with pytest.raises(TypeError, match="colour"):
        config.set_config(colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="plan_order"):
        config.set_config(plan_order="zhifu")
    with pytest.raises(BuildError):
        config.set_config(codebook="no/such/codebook.yaml")
    assert analysis.get_config() == config.DEFAULTS  # a refused setting changes nothing


def test_settings_given_directly_to_a_function_win(builds):
    a = report.load(builds[0])
    with a:
        assert style.get_lang("zh") == "zh"  # an argument beats the setting
        docs = pd.DataFrame({"jurisdiction": ["zeta_county"], "name_zh": ["某县"], "name_en": ["Somewhere County"]})
        assert style.plan_labels(docs, "en")["zeta_county"] == "Somewhere"


def test_without_settings_plans_are_named_by_their_ids_and_nothing_is_read(monkeypatch):
    monkeypatch.setattr("analysis.paths.PROCESSED", None)  # a default folder would fail loudly if read
    assert style.plan_labels(None, "en") == {}
    with config_context(plan_order=["county_x"]):
        assert style.plan_labels(None, "en") == {"county_x": "County X"}
