"""The sentences of the report, written from the data so that a rebuild on another corpus cannot leave a
false sentence behind.

Every function takes the tidy tables of :mod:`analysis.compare` and returns Markdown bullets.  Rules
the sentences follow:

- every rate or share is printed with its 95% interval;
- "higher"/"lower" only where the intervals do not overlap
  (:func:`analysis.compare.intervals.differ`); otherwise the sentence says the
  data do not tell the plans apart;
- a finding that depends on a threshold names it;
- "every plan" means every plan that takes part in the comparison, and says how many that is;
- comparisons across plans of different genres or frameworks say so.

The sentences live in modules of one concern, re-exported here so that notebooks write
``from analysis.report import findings as say``:

- :mod:`analysis.report.wording` -- numbers, intervals, names, singular and plural, bullets, tables;
- :mod:`analysis.report.per_plan` -- each plan and comparisons on one measure (size, groups, departments,
  instruments, validation);
- :mod:`analysis.report.cross_plan` -- clusters, keyness, alignment and reuse, sensitivity;
- :mod:`analysis.report.headlines` -- the README's findings and corpus table.

The notebooks display these with :func:`show`.
"""
from __future__ import annotations

from analysis.compare.intervals import differ, wilson  # noqa: F401  (read as say.wilson by callers)
from analysis.report.cross_plan import alignment_reuse, clusters, keyness, sensitivity
from analysis.report.headlines import corpus_table, headlines
from analysis.report.per_plan import (KIND_NAMES, corpus_design, departments, instruments, leading_kinds,
                                      older_frameworks, overview, target_groups, validation_summary)
from analysis.report.wording import (agree, bullets, ci, count_word, counted, interval_table, lower, names, num,
                                     parameters, pct, plural, show)

__all__ = ["pct", "ci", "num", "names", "lower", "bullets", "show", "interval_table", "sensitivity", "parameters",
           "headlines", "corpus_table",
           "corpus_design",
           "overview", "target_groups",
           "departments", "clusters", "keyness", "alignment_reuse", "instruments", "validation_summary",
           "plural", "counted", "agree", "count_word", "older_frameworks", "leading_kinds", "KIND_NAMES"]
