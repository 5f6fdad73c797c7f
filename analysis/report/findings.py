"""The sentences of the report, written from the data so that a rebuild on another corpus cannot leave a
false sentence behind.

Every function takes the tidy tables of :mod:`analysis.compare` and returns Markdown bullets.  Rules
the sentences follow:

- every rate or share is printed with its 95% interval, at the independent unit, and none where fewer than
  :data:`analysis.compare.intervals.MIN_UNITS` units support one; what each interval is about is the line
  :func:`about` writes under every table and figure;
- "higher"/"lower" only from a direct test of the difference, Holm-adjusted over the comparisons a notebook
  makes (:mod:`analysis.compare.inference`); otherwise the sentence says the data do not tell the plans apart;
  ties are reported as ties, directional measures in both directions;
- a load finding is called robust only where its direction holds under every weighting rule;
- a finding that depends on a threshold names it;
- "every plan" means every plan that takes part in the comparison, and says how many that is;
- comparisons across plans of different genres or frameworks say so.

The sentences live in modules of one concern, re-exported here so that notebooks write
``from analysis.report import findings as say``:

- :mod:`analysis.report.wording` -- numbers, intervals, names, singular and plural, bullets, tables;
- :mod:`analysis.report.per_plan` -- the documents, size, groups and validation;
  :mod:`analysis.report.departments` and :mod:`analysis.report.instruments` -- who does the work and how;
  :mod:`analysis.report.comparisons` -- "higher" and "lower" from tests;
- :mod:`analysis.report.about` -- what each interval is about;
- :mod:`analysis.report.cross_plan` -- clusters, keyness, alignment and reuse, sensitivity;
- :mod:`analysis.report.headlines` -- the README's findings and corpus table.

The notebooks display these with :func:`show`.
"""
from __future__ import annotations

from analysis.compare.intervals import differ, wilson  # noqa: F401  (read as say.wilson by callers)
from analysis.report.cross_plan import alignment_reuse, clusters, keyness, sensitivity
from analysis.report.headlines import corpus_table, headlines
from analysis.report.about import about
from analysis.report.departments import departments, weighting_table
from analysis.report.instruments import KIND_NAMES, instruments, leading_kinds
from analysis.report.per_plan import (corpus_design, describe_documents, mixing, older_frameworks, overview,
                                      target_groups, validation_summary)
from analysis.report.wording import (agree, all_of, bullets, ci, ci_n, count_word, counted, interval_table, lower,
                                     names, num, parameters, pct, plural, show, times, with_ci)

__all__ = ["pct", "ci", "num", "names", "lower", "bullets", "show", "interval_table", "sensitivity", "parameters",
           "headlines", "corpus_table",
           "corpus_design",
           "overview", "target_groups",
           "departments", "clusters", "keyness", "alignment_reuse", "instruments", "validation_summary",
           "plural", "counted", "agree", "count_word", "older_frameworks", "leading_kinds", "KIND_NAMES", "about",
           "describe_documents", "mixing", "ci_n", "with_ci", "all_of", "times", "weighting_table"]
