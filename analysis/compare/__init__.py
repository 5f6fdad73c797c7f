"""Every comparison of the plans, in one namespace.

The comparison functions live in modules of one concern each
and are re-exported here, so a notebook can ``from analysis import compare``
and find everything (the table readers come from :mod:`analysis.compare.tables`):

- :mod:`analysis.compare.coverage` -- corpus overview, target-group coverage, measurability;
- :mod:`analysis.compare.workload` -- department workloads and concentration;
- :mod:`analysis.compare.networks` -- co-assignment networks (who is named on the same actions);
- :mod:`analysis.compare.clusters` -- clusters across plans and the action map;
- :mod:`analysis.compare.crossplan` -- similarity, text reuse, counterparts, keyness;
- :mod:`analysis.compare.instruments` -- policy-instrument mixes and instruments x target groups;
- :mod:`analysis.compare.sensitivity` -- how results move with the analysis's choices;
- :mod:`analysis.compare.intervals` -- the intervals every rate and share carries;
- :mod:`analysis.compare.units` -- the independent units intervals and tests resample (lists, tasks, lines);
- :mod:`analysis.compare.inference` -- tests of differences (Fisher, cluster bootstrap) with Holm's correction;
- :mod:`analysis.compare.misclassification` -- shares corrected for the coding's errors (validation sample);
- :mod:`analysis.compare.kwic` -- the concordance.

All of them take DataFrames (as read by :func:`read_table`) and return tidy
DataFrames with plans in the corpus's (manifest) order, so the
numbers a notebook prints and the data behind a chart are the same object.
"""
from __future__ import annotations

from analysis.compare.tables import (corpus_plans, documents_plan_order, has_group, matrix, plan_order, plans_of,
                                     processed_dir, read_processed, read_table)
from analysis.compare.coverage import (unit_class_order, unit_classes, corpus_overview, design_table, group_coverage, group_ids, measurability,
                       measurability_by_unit, measurability_tests, mention_rate_tests, unit_class)
from analysis.compare.workload import (DEFAULT_WEIGHTING, WEIGHTINGS, WEIGHTING_NAMES, department_summary,
                                       department_workload, collective_assignments, load_share_tests)
from analysis.compare.networks import coassignment_edges, coassignment_graph, network_summary
from analysis.compare.kwic import format_kwic, kwic
from analysis.compare import inference, intervals, misclassification, sensitivity, units
from analysis.compare.instruments import (NO_GROUP, instrument_by_group, instrument_composition, instrument_ids,
                                          instrument_mix, kind_ids, kind_share_tests, leading_kind_tests)
from analysis.compare.crossplan import (reuse_pairs, similarity_pairs, action_map, cluster_composition, cluster_spread, counterparts, longest_passages,
                        reuse_matrix, shared_clusters, similarity_matrix, top_keyness, unique_clusters)

__all__ = ["processed_dir", "read_table", "read_processed", "documents_plan_order", "plan_order",
           "corpus_plans", "plans_of", "has_group",
           "matrix", "unit_classes", "unit_class_order", "unit_class", "group_ids", "corpus_overview", "design_table",
           "group_coverage", "measurability", "measurability_by_unit", "department_workload", "department_summary",
           "collective_assignments", "coassignment_graph", "coassignment_edges", "network_summary",
           "cluster_composition", "cluster_spread", "shared_clusters", "unique_clusters", "action_map",
           "similarity_matrix", "counterparts", "reuse_matrix", "longest_passages", "top_keyness", "kwic",
           "format_kwic", "intervals", "sensitivity", "instrument_ids", "kind_ids", "instrument_mix",
           "instrument_composition", "instrument_by_group", "NO_GROUP", "reuse_pairs", "similarity_pairs",
           "inference", "misclassification", "units", "measurability_tests", "mention_rate_tests", "WEIGHTINGS",
           "DEFAULT_WEIGHTING", "WEIGHTING_NAMES", "load_share_tests", "kind_share_tests", "leading_kind_tests"]
