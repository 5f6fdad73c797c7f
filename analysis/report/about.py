"""What each number of the report is about: the line under every table and figure.

Every number the report prints describes these documents exactly: they are a census of what the plans say.
An interval beside a number is about something else -- the process that wrote the plans, of which each plan
is one outcome ("had the same drafters written the plan again, how much could this share differ?") -- and
it is only as good as its idea of which parts of a plan are independent.  :data:`ABOUT` states, for each
kind of number, the population it speaks of, the independent unit its interval resamples, and the sources
of uncertainty the interval includes and leaves out; :func:`about` writes the line.
"""
from __future__ import annotations

from analysis.compare.intervals import MIN_UNITS

CENSUS = ("these documents, read whole (a census)", "none", "none: the number is exact for these texts")

#: measure -> (population, independent unit, uncertainty included; left out)
ABOUT: dict[str, tuple[str, str, str]] = {
    "census": CENSUS,
    "measurability": (
        "the process that wrote each plan (the plan as one outcome of it)",
        "tasks: the measures of one task block together, every other action on its own",
        "which actions the drafters wrote (Wilson interval with the tasks' effective size); left out: errors "
        "of the commitment rules (validated in notebook 8)"),
    "text_share": (
        "the process that wrote each plan",
        "tasks and actions, resampled within each group line (a line that exists stays in every draw)",
        "which actions each line and the rest of the plan hold (cluster bootstrap); left out: errors of the "
        "group-line rule (notebook 8) and the plan's design (which lines it has)"),
    "mention_rate": (
        "the process that wrote each plan",
        "tasks and actions (mentions cluster inside them; a zero is what the plan says and has no interval)",
        "which actions the drafters wrote (cluster bootstrap); left out: errors of the mention lexicon (no "
        "double-coded sample of mentions exists; the sensitivity notebook varies the lexicon)"),
    "group_line_corrected": (
        "the process that wrote each plan",
        "tasks and actions; and the double-coded validation units",
        "which actions the drafters wrote and the misclassification rates of the group-line rule estimated on "
        "the validation sample (both resampled together)"),
    "workload": (
        "the process that drew up each plan's department lists",
        "department lists: one division of work shared by a task's measures is one unit",
        "which lists the plan drew up (cluster bootstrap; Wilson with the lists' effective size for shares of "
        "actions); left out: the weighting rule (shown side by side) and errors of the department coding "
        "(notebook 8)"),
    "instruments": (
        "the process that wrote each plan",
        "tasks: the measures of one task block together, every other action and safeguard on its own",
        "which actions the drafters wrote (Wilson with the tasks' effective size; cluster bootstrap for the "
        "composition); left out: errors of the instrument rules -- see the corrected table"),
    "instruments_corrected": (
        "the process that wrote each plan",
        "tasks; and the double-coded validation units (held-out part)",
        "which actions the drafters wrote and the rules' sensitivity and specificity on the validation sample "
        "(both resampled together, Rogan–Gladen correction)"),
    "similarity": (
        "the process that wrote each plan",
        "actions",
        "which actions the drafters wrote (Wilson); left out: the choice of `match_threshold` (sensitivity "
        "notebook)"),
    "reuse": (
        "the process that wrote each plan",
        "actions",
        "which actions the drafters wrote (bootstrap over the plan's actions); left out: the choice of "
        "`reuse_min_chars` (sensitivity notebook)"),
    "clusters": (
        "these actions, grouped by what they say",
        "none (no interval): stability instead",
        "the partition's stability across k-means seeds and bootstrap resamples (per action and per cluster); "
        "'shared by all plans' as its range across seeds"),
    "keyness": (
        "the plans' wording, token by token",
        "tokens (an idealisation: a term repeats inside one action)",
        "the G² test's sampling error with a Bonferroni correction over the terms tested in a plan; left out: "
        "the clustering of terms in actions, which makes p-values too small"),
    "validation": (
        "the double-coded units of the shipped plans",
        "lines (segmentation) and sampled actions (fields, instruments)",
        "none: agreement and precision are reported for these units; the corrected tables carry their "
        "sampling error"),
}


#: The measures whose intervals resample units (and need :data:`~analysis.compare.intervals.MIN_UNITS` of them).
RESAMPLED = {"measurability", "text_share", "mention_rate", "group_line_corrected", "workload", "instruments",
             "instruments_corrected", "reuse"}


def about(measure: str, n_units: str | None = None) -> str:
    """The line under a table or a figure: population, independent unit, uncertainty included and left out.

    Parameters
    ----------
    measure : str
        A key of :data:`ABOUT`.
    n_units : str, optional
        The number of units behind the intervals, in words (e.g. ``"9 to 30 per plan"``), added to the unit.

    Returns
    -------
    str
        A Markdown line in italics.
    """
    if measure not in ABOUT:
        raise KeyError(f"no note for {measure!r}; one of {', '.join(ABOUT)}")
    population, unit, sources = ABOUT[measure]
    if measure == "census":
        return f"*About these numbers: {population}; no sampling interval.*"
    units = f" ({n_units})" if n_units else ""
    minimum = (f" Resampling intervals need at least {MIN_UNITS} units; with fewer none is printed."
               if measure in RESAMPLED else "")
    return (f"*About the intervals: population: {population}; independent unit: {unit}{units}; uncertainty: "
            f"{sources}.{minimum}*")


__all__ = ["ABOUT", "RESAMPLED", "about"]
