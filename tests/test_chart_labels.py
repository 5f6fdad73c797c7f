"""Labels from data are drawn as text, never as markup: a ``$`` in a plan's name is a dollar sign, not the start of
Matplotlib's math, and ``<script>`` in a label is escaped in the SVG.

Every chart that names plans is drawn with two plans renamed (``A$x^2$B`` and a ``<script>`` tag): no text of
the figure may switch on math, the names must be shown as written, and the saved SVG must hold the tag only
escaped.  The plans renamed are the build's first two (whatever they are); the other data are the build's.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import cbook  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from analysis import compare, paths  # noqa: E402
from analysis import plots as charts  # noqa: E402
from analysis.compare import sensitivity as sens  # noqa: E402
from analysis.plots import kit, style  # noqa: E402

MATH = "A$x^2$B"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def t():
    if not (paths.PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    tables = compare.read_processed()
    if len(compare.plans_of(tables["actions"])) < 2:
        pytest.skip("two plans with actions are needed to rename two")
    return tables


@pytest.fixture(scope="module")
def hostile(t):
    """``documents`` with the first two plans (with actions) renamed ``A$x^2$B`` and ``<script>…``."""
    docs = t["documents"].copy()
    first, second = compare.plans_of(t["actions"])[:2]
    docs.loc[docs["jurisdiction"] == first, "name_en"] = MATH
    docs.loc[docs["jurisdiction"] == second, "name_en"] = SCRIPT
    return docs


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def shown(fig) -> list[str]:
    """Every text of *fig* after drawing (tick labels are made at draw time)."""
    fig.canvas.draw()
    return [x.get_text() for x in fig.findobj(Text) if x.get_text()]


def assert_drawn_as_written(fig, *names: str) -> None:
    texts = shown(fig)
    math = [x for x in texts if cbook.is_math_text(x)]
    assert not math, f"text drawn as math: {math}"
    as_drawn = " ".join(x.replace("\\$", "$") for x in texts)  # what Matplotlib renders for an escaped '$'
    for name in names:
        assert name in as_drawn, f"{name!r} not drawn"
    svg = style.figure_bytes(fig, "svg").decode("utf-8")
    assert "<script" not in svg
    if SCRIPT in names:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # the text, escaped (the glyphs are outlines)


def _charts(t, docs):
    a, s, tg = t["actions"], t["assignments"], t["targets"]
    plans = compare.plans_of(a)
    out = {
        "corpus_overview": charts.corpus_overview(compare.corpus_overview(docs, a), documents=docs),
        "measurability": charts.measurability(compare.measurability(a, tg), compare.measurability_by_unit(a, tg),
                                              documents=docs),
        "coverage_heatmap": charts.coverage_heatmap(compare.group_coverage(a, t["group_mentions"]), documents=docs),
        "department_workload_heatmap": charts.department_workload_heatmap(
            compare.department_workload(a, s), compare.collective_assignments(a, s), documents=docs),
        "department_weighting": charts.weighting_rules(
            compare.department_workload(a, s, weighting=compare.WEIGHTINGS), documents=docs),
        "department_network": charts.department_network({j: compare.coassignment_graph(a, s, j) for j in plans},
                                                         documents=docs),
        "instrument_mix": charts.instrument_mix(compare.instrument_mix(a, t["instruments"], level="kind"),
                                                compare.instrument_mix(a, t["instruments"], level="code"),
                                                documents=docs),
        "instrument_by_group": charts.instrument_by_group(
            compare.instrument_by_group(a, t["instruments"], level="kind"), documents=docs),
    }
    if "clusters" in t and len(t["clusters"]):
        out["cluster_composition"] = charts.cluster_composition(
            compare.cluster_composition(t["clusters"], a), compare.cluster_spread(t["clusters"], a), documents=docs)
        out["keyness"] = charts.keyness(compare.top_keyness(t["keyness"], 5), documents=docs, key_only=False)
        out["jurisdiction_similarity"] = charts.jurisdiction_similarity(
            compare.similarity_matrix(t["jurisdiction_similarity"]), documents=docs)
        out["text_reuse"] = charts.text_reuse(compare.reuse_matrix(t["reuse_matrix"], plans),
                                              compare.longest_passages(t["reuse_passages"], 5), documents=docs)
        out["counterpart_threshold"] = charts.counterpart_threshold(sens.counterpart_threshold(t["alignment"]),
                                                                    documents=docs, min_share=0.0)
    return out


@pytest.mark.slow  # every chart drawn once more (about 11 s); the report's pages test escaping too
def test_every_chart_draws_hostile_plan_names_as_written(t, hostile):
    for name, fig in _charts(t, hostile).items():
        try:
            assert_drawn_as_written(fig, MATH, SCRIPT)
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None
        plt.close(fig)


def test_terms_footnotes_and_item_labels_are_text():
    top = pd.DataFrame({"jurisdiction": ["a", "a", "b"], "rank": [1, 2, 1], "term": ["$x$", "<b>", "y$"],
                        "score": [3.0, 2.0, 1.0], "measure": "g2"})
    fig = charts.keyness(top, plans=["a", "b"])
    kit.footnote(fig, f"Source: {SCRIPT} {MATH}")
    assert_drawn_as_written(fig, "$x$", "<b>", "y$", MATH, SCRIPT)
    corrected = pd.DataFrame({"jurisdiction": "all", "code": ["c1", "c2"], "sensitivity": 0.9,
                              **{f"share_{s}{e}": [0.2, 0.4] for s in ("raw", "corrected") for e in ("", "_lo", "_hi")},
                              "share_adjudicated": [0.3, float("nan")]})
    fig = charts.corrected_shares(corrected, {"c1": MATH, "c2": SCRIPT})
    assert_drawn_as_written(fig, MATH, SCRIPT)


def test_label_escapes_only_the_dollar():
    assert kit.label(MATH) == r"A\$x^2\$B" and kit.label(SCRIPT) == SCRIPT and kit.label(None) == ""
    assert kit.labels({"a": MATH}) == {"a": r"A\$x^2\$B"}
    assert kit.plan_ticks(["x$y"], "en", pd.DataFrame(columns=["jurisdiction"])) == [r"x\$y"]  # an unnamed plan
