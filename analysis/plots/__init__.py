"""Charts: the house style (:mod:`analysis.plots.style`) and one function per figure.

Every chart takes the tidy tables of :mod:`analysis.compare`, returns a titled Figure with the data
it drew attached as ``fig.analysis_data``, and is saved with :func:`save_figure`.  Per-plan charts
are in :mod:`analysis.plots.perplan`, the co-assignment networks in :mod:`analysis.plots.network`,
cross-plan charts in :mod:`analysis.plots.crossplan`, policy instruments in
:mod:`analysis.plots.instruments`, weighting rules and corrected shares in
:mod:`analysis.plots.inference`, the analysis's choices in :mod:`analysis.plots.sensitivity` and the
double-coded validation in :mod:`analysis.plots.validation`.  seaborn draws the heatmaps, the bars and
points with intervals and the small multiples, in the house style of :mod:`analysis.plots.theme`;
labels from data are drawn as written (:func:`analysis.plots.kit.label`).
:func:`analysis.plots.kit.footnote` adds a footer (sources, n, parameters) to any figure.
"""
from analysis.plots import style
from analysis.plots.crossplan import cluster_composition, cluster_map, jurisdiction_similarity, keyness, text_reuse
from analysis.plots.inference import corrected_shares, weighting_rules
from analysis.plots.instruments import instrument_by_group, instrument_mix
from analysis.plots.kit import footnote
from analysis.plots.network import department_network
from analysis.plots.perplan import corpus_overview, coverage_heatmap, department_workload_heatmap, measurability
from analysis.plots.sensitivity import cluster_choice, counterpart_threshold, reuse_threshold
from analysis.plots.style import MissingFontError, apply_style, save_figure, set_lang
from analysis.plots.validation import validation

__all__ = ["style", "corpus_overview", "coverage_heatmap", "department_workload_heatmap", "department_network",
           "measurability", "cluster_composition", "cluster_map", "jurisdiction_similarity", "text_reuse",
           "keyness", "instrument_mix", "instrument_by_group", "reuse_threshold", "counterpart_threshold",
           "cluster_choice", "validation", "footnote", "MissingFontError", "apply_style", "save_figure", "set_lang",
           "weighting_rules", "corrected_shares"]
