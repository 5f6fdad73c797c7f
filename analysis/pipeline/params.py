"""The parameters of the cross-plan stage: :class:`CrossPlanParams`, each with its type and range.

Every field has a :class:`Range` in :data:`RANGES` (its type, its bounds, whether ``None`` is
allowed); a value outside it is refused when the parameters are made -- from Python
(``CrossPlanParams(match_threshold=5)``), from ``--set NAME=VALUE`` on the command line, or from a
build's ``parameters.json`` -- with a :class:`ValueError` naming the parameter, the value and the range.
``docs/parameters.md`` lists the ranges (generated from :data:`RANGES`).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path

from analysis.selection import parse_rules
from analysis.textstats.align import MATCH_THRESHOLD
from analysis.textstats.reuse import MIN_CHARS

__all__ = ["CrossPlanParams", "Range", "RANGES", "read_params", "PARAMETERS_FILE", "INPUTS_FILE"]

#: The file in which the build records the parameters of its cross-plan stage.
PARAMETERS_FILE = "parameters.json"
#: The documents the cross-plan tables were computed from: ``{jurisdiction: sha256}`` (written beside them, and
#: carried with them by ``--no-similarity``, so a later build can tell when they describe other texts).
INPUTS_FILE = "crossplan_inputs.json"


@dataclass(frozen=True)
class Range:
    """The values a parameter takes: its type and bounds.

    Parameters
    ----------
    kind : type
        ``int``, ``float``, ``bool`` or ``str`` (of each element when *sequence*).
    lo, hi : float, optional
        Bounds (None: unbounded on that side); inclusive unless *lo_open* / *hi_open*.
    lo_open, hi_open : bool
        The bound itself is excluded.
    none : bool
        ``None`` is allowed (its meaning is in the parameter's description).
    also : tuple
        Other values allowed outside the bounds (``n_jobs = -1``: every core).
    choices : tuple
        The allowed strings, for ``kind=str``.
    sequence : bool
        A tuple of such values (comma-separated on the command line).
    min_len : int
        With *sequence*: the fewest elements.
    """

    kind: type
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    none: bool = False
    also: tuple = ()
    choices: tuple = ()
    sequence: bool = False
    min_len: int = 0

    def text(self) -> str:
        """The range in words, e.g. ``a decimal, 0 ≤ x ≤ 1`` or ``an integer ≥ 1, or none``."""
        if self.kind is bool:
            one = "true or false"
        elif self.choices:
            one = ("" if self.sequence else "one of ") + ", ".join(self.choices)
        else:
            one = {int: "integer", float: "decimal", str: "word"}[self.kind] + ("s" if self.sequence else "")
            lo = f"{_num(self.lo)} {'<' if self.lo_open else '≤'} x" if self.lo is not None else ""
            if self.hi is not None:
                one += f", {lo + ' ' if lo else ''}x {'<' if self.hi_open else '≤'} {_num(self.hi)}".replace(
                    "x x", "x")
            elif lo:
                one += f" {'>' if self.lo_open else '≥'} {_num(self.lo)}"
        if self.sequence:
            text = f"a comma-separated list of {'' if not self.choices else 'any of: '}{one}"
            if self.min_len:
                text += f" (at least {self.min_len})"
        elif self.kind is bool:
            text = one
        else:
            text = ("an " if one[0] in "aeiou" else "a ") + one
        extra = [_num(v) for v in self.also] + (["none"] if self.none else [])
        return text + (", or " + " or ".join(extra) if extra else "")

    def problem(self, value) -> str | None:
        """Why *value* is outside the range (None when it is inside)."""
        if value is None:
            return None if self.none else "none is not allowed"
        if self.sequence:
            if not isinstance(value, (tuple, list)):
                return "expected a list"
            if len(value) < self.min_len:
                return f"needs at least {self.min_len} value(s)"
            for v in value:
                p = self._one(v)
                if p:
                    return f"{v!r}: {p}"
            return None
        return self._one(value)

    def _one(self, v) -> str | None:
        if self.kind is bool:
            return None if isinstance(v, bool) else "not true or false"
        if self.kind is str:
            if not isinstance(v, str):
                return "not a word"
            return None if not self.choices or v in self.choices else "not one of the choices"
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return f"not {'an integer' if self.kind is int else 'a number'}"
        if self.kind is int and not isinstance(v, int):
            return "not an integer"
        if not math.isfinite(v):
            return "not a finite number"
        if v in self.also:
            return None
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return "too small"
        if self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)):
            return "too large"
        return None


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


#: The range of every field of :class:`CrossPlanParams` (a test checks that each field has one).
RANGES: dict[str, Range] = {
    "random_state": Range(int, 0, 2**32 - 1),
    "n_jobs": Range(int, 1, none=True, also=(-1,)),
    "decimals": Range(int, 1, 15),
    "blas_threads": Range(int, 1, none=True),
    "min_df": Range(int, 1),
    "lsa_components": Range(int, 1),
    "include_safeguards": Range(bool),
    "n_clusters": Range(int, 1, none=True),
    "k_min": Range(int, 2),
    "k_max": Range(int, 2),
    "n_init": Range(int, 1),
    "stability_runs": Range(int, 0),
    "sensitivity": Range(bool, none=True),
    "sensitivity_max_actions": Range(int, 0),
    "sensitivity_lsa": Range(int, 1, sequence=True),
    "selection_sample": Range(int, 3),  # choosing k needs 3 rows (analysis.textstats.cluster.MIN_CLUSTERED)
    "cluster_terms": Range(int, 1),
    "label_terms": Range(int, 1),
    "align_kinds": Range(str, choices=("action", "safeguard"), sequence=True, min_len=1),
    "all_pairs_max_plans": Range(int, 0),
    "align_top_k": Range(int, 1),
    "retrieval_components": Range(int, 1),
    "match_threshold": Range(float, 0.0, 1.0),
    "keyness_top_n": Range(int, 1),
    "keyness_min_count": Range(int, 1),
    "keyness_alpha": Range(float, 0.0, 1.0, lo_open=True),
    "keyness_min_log_ratio": Range(float, 0.0),
    "keyness_exclude_family": Range(bool),
    "reuse_min_chars": Range(int, 1),
    "reuse_exclude_errata": Range(bool),
    "sensitivity_min_chars": Range(int, 1, sequence=True),
    "template_min_share": Range(float, 0.0, 1.0, lo_open=True),
    "reuse_top_k": Range(int, 1),
    "reuse_max_postings": Range(int, 1),
    "exclude_documents": Range(str, sequence=True),  # each a FIELD:TEXT rule (analysis.selection)
}


@dataclass(frozen=True)
class CrossPlanParams:
    """Every parameter of the cross-plan stage, with its default.

    General
      - ``random_state`` = 0: seed of LSA, k-means and resampling.
      - ``n_jobs`` = None: processes for tokenisation (None = every core; the
        work stays in one process below 200,000 characters).
      - ``decimals`` = 6: rounding of floats in the written files.
      - ``blas_threads`` = 1: threads of BLAS/OpenMP during the numeric
        stages (None = library default).  One thread makes every sum run in
        the same order on every machine (bit-identical vectors), and was
        faster on the two-core machine measured: a QR of a 30,000 x 74 matrix
        took 0.15 s with one OpenBLAS thread and 2.0 s with two.  Parallelism
        at scale comes from tokenising in several processes.

    Vectors and clusters
      - ``min_df`` = 1: a term must occur in this many actions to count.
      - ``lsa_components`` = 15: LSA dimensions the clusters are computed in.
        With nearly as many dimensions as actions, silhouette only rises with
        k up to the end of the range (no structure found) and stability
        falls; ``cluster_sensitivity.csv`` shows, for each corpus, how the
        partition moves at the sizes of ``sensitivity_lsa``.
      - ``include_safeguards`` = False: cluster actions only (module docstring).
      - ``n_clusters`` = None: choose k in ``k_min`` = 8 .. ``k_max`` = 30 by the mean
        of silhouette and stability, the smallest k within one standard error of
        the best (:func:`analysis.textstats.cluster.choose_k`); an integer fixes k.
      - ``n_init`` = 10: k-means restarts.
      - ``stability_runs`` = 5: most rounds of seed and resample runs per k while
        choosing it (rounds stop when the choice is stable), and the runs behind
        the chosen k's stabilities and each action's co-assignment stability.
      - ``sensitivity`` = None, ``sensitivity_lsa`` = (10, 15, 25, 50): also
        cluster in LSA spaces of these sizes and report how the partition
        moves (``cluster_sensitivity.csv``); None does so up to
        ``sensitivity_max_actions`` = 600 clustered actions (each size costs
        as much as the clustering itself).
      - ``selection_sample`` = 1000: above this many actions, k and stability
        are computed on a sample of this size (silhouette is quadratic).
      - ``cluster_terms`` = 10: c-TF-IDF terms listed per cluster.
      - ``label_terms`` = 3: terms joined into a cluster's label.

    Alignment
      - ``align_kinds`` = ("action", "safeguard"): rows aligned.
      - ``all_pairs_max_plans`` = 50: up to this many plans, alignment, plan
        similarity and reuse are computed for every pair of plans; beyond,
        each keeps its top k.
      - ``align_top_k`` = 10: plans kept per action (and per plan) beyond it.
      - ``retrieval_components`` = 64: LSA dimensions used beyond it to find
        candidate matches (reported similarities are always exact TF-IDF
        cosines; see :mod:`analysis.textstats.align`).
      - ``match_threshold`` = 0.35: similarity counted as a counterpart in
        ``share_matched`` (:data:`analysis.textstats.align.MATCH_THRESHOLD`).

    Keyness
      - ``keyness_top_n`` = 30, ``keyness_min_count`` = 3: terms kept per plan,
        minimum count in the plan for a term to be tested (why 3:
        :mod:`analysis.textstats.keyness`).
      - ``keyness_exclude_family`` = True: leave a plan's template family
        (``template_min_share``) out of its reference corpus, so a template's
        own words are not hidden by its twin.
      - ``keyness_alpha`` = 0.05: family-wise error rate (Bonferroni over the
        terms tested in the plan); ``keyness_min_log_ratio`` = 1.0: effect-size
        floor of a key term (twice as frequent as in the other plans).

    Reuse
      - ``reuse_min_chars`` = 20: shortest shared passage
        (:data:`analysis.textstats.reuse.MIN_CHARS`, justified there).
      - ``reuse_exclude_errata`` = True: cut the spans an erratum repaired out
        of every text before comparing (their text is a reconstruction).
      - ``sensitivity_min_chars`` = (10, 12, 15, 20, 25, 30): passage lengths
        of ``reuse_sensitivity.csv`` (punctuation counted and not).
      - ``template_min_share`` = 0.10: two plans sharing at least this share of
        either one's operative text verbatim belong to one template family
        (``documents.csv`` ``template_family``).
      - ``reuse_top_k`` = 5: sources kept per plan beyond ``all_pairs_max_plans``.
      - ``reuse_max_postings`` = 256: beyond ``all_pairs_max_plans``, a window
        hash held by more plans than this votes for a fixed sample of this many
        when sources are searched, so the search stays linear in the number of
        plans (:func:`analysis.textstats.reuse.reuse`, ``max_postings``).

    Documents compared
      - ``exclude_documents`` = (): rules ``FIELD:TEXT`` (FIELD ``genre``,
        ``framework`` or ``plan``) leaving documents out of every comparison
        across plans (:mod:`analysis.selection`); e.g. ``genre:工作要点``.
    """

    random_state: int = 0
    n_jobs: int | None = None
    decimals: int = 6
    blas_threads: int | None = 1
    min_df: int = 1
    lsa_components: int = 15
    include_safeguards: bool = False
    n_clusters: int | None = None
    k_min: int = 8
    k_max: int = 30
    n_init: int = 10
    stability_runs: int = 5
    sensitivity: bool | None = None
    sensitivity_max_actions: int = 600
    sensitivity_lsa: tuple[int, ...] = (10, 15, 25, 50)
    selection_sample: int = 1000
    cluster_terms: int = 10
    label_terms: int = 3
    align_kinds: tuple[str, ...] = ("action", "safeguard")
    all_pairs_max_plans: int = 50
    align_top_k: int = 10
    retrieval_components: int = 64
    match_threshold: float = MATCH_THRESHOLD
    keyness_top_n: int = 30
    keyness_min_count: int = 3
    keyness_alpha: float = 0.05
    keyness_min_log_ratio: float = 1.0
    keyness_exclude_family: bool = True
    reuse_min_chars: int = MIN_CHARS
    reuse_exclude_errata: bool = True
    sensitivity_min_chars: tuple[int, ...] = (10, 12, 15, 20, 25, 30)
    template_min_share: float = 0.10
    reuse_top_k: int = 5
    reuse_max_postings: int = 256
    exclude_documents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f.name, getattr(self, f.name))
        parse_rules(self.exclude_documents)  # a malformed rule is refused when the parameters are made
        if self.k_min > self.k_max:
            raise ValueError(f"k_min = {self.k_min} is above k_max = {self.k_max}: k is chosen in k_min..k_max, "
                             "so k_min must be at most k_max")

    def as_dict(self) -> dict:
        """Every parameter by name (tuples as lists), for ``parameters.json``.

        Returns
        -------
        dict
            ``{name: value}`` in field order.
        """
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict) -> "CrossPlanParams":
        """Parameters from :meth:`as_dict` output.

        Parameters
        ----------
        values : dict
            ``{name: value}``; lists become tuples.

        Returns
        -------
        CrossPlanParams

        Raises
        ------
        ValueError
            An unknown name, or a value outside its range (:data:`RANGES`).
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    @classmethod
    def from_assignments(cls, items: "list[str] | tuple[str, ...]") -> "CrossPlanParams":
        """Parameters from ``NAME=VALUE`` strings (the command line's ``--set``), the rest at their defaults.

        A value is read as the parameter's type: integers, decimals,
        ``true``/``false``, ``none`` where the range allows it, and
        comma-separated values for lists (``sensitivity_lsa=10,20``).

        Parameters
        ----------
        items : list of str
            ``NAME=VALUE`` assignments; a later one of the same name wins.

        Returns
        -------
        CrossPlanParams

        Raises
        ------
        ValueError
            Naming the item and what was expected: an unknown name, a value
            that is not of the parameter's type, or one outside its range.
        """
        defaults = cls()
        kinds = {f.name for f in fields(cls)}
        out: dict = {}
        for item in items:
            name, sep, raw = str(item).partition("=")
            name, raw = name.strip(), raw.strip()
            if not sep or name not in kinds:
                raise ValueError(f"--set {item!r}: expected NAME=VALUE with NAME one of "
                                 f"{', '.join(sorted(kinds))}")
            value = _parse_value(name, raw)
            try:
                _check(name, value)
            except ValueError as exc:
                raise ValueError(f"--set {name}={raw}: {exc}") from None
            out[name] = value
        try:
            return replace(defaults, **out)
        except ValueError as exc:
            raise ValueError(f"--set {' '.join(map(str, items))}: {exc}") from None


def _check(name: str, value) -> None:
    """Raise :class:`ValueError` naming *name*, *value* and the range when *value* is outside it."""
    problem = RANGES[name].problem(value)
    if problem:
        shown = "none" if value is None else ",".join(map(str, value)) if isinstance(value, (tuple, list)) \
            else value
        raise ValueError(f"{name} = {shown} is outside its range ({problem}): {name} is {RANGES[name].text()}")


def _parse_value(name: str, raw: str):
    """*raw* (the text of ``--set NAME=RAW``) as a value of the type of parameter *name*."""
    r = RANGES[name]
    low = raw.lower()
    if r.none and low in ("none", "null", ""):
        return None
    try:
        if r.sequence:
            parts = [x.strip() for x in raw.split(",") if x.strip()]
            return tuple(int(x) for x in parts) if r.kind is int else tuple(parts)
        if r.kind is bool:
            if low in ("true", "yes", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
            raise ValueError
        if r.kind is int:
            return int(raw)
        if r.kind is float:
            return float(raw)
        return raw
    except ValueError:
        pass
    kind = next(str(f.type) for f in fields(CrossPlanParams) if f.name == name)
    raise ValueError(f"--set {name}={raw}: not a valid {kind}; {name} is {r.text()} "
                     f"(default: {getattr(CrossPlanParams(), name)!r})")


def read_params(folder: Path) -> CrossPlanParams:
    """The parameters a build used.

    Parameters
    ----------
    folder : Path
        A build's output folder.

    Returns
    -------
    CrossPlanParams
        From its ``parameters.json``; the defaults when the file is absent.
    """
    path = Path(folder) / PARAMETERS_FILE
    if not path.is_file():
        return CrossPlanParams()
    return CrossPlanParams.from_dict(json.loads(path.read_text(encoding="utf-8")))
