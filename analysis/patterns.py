"""Regular expressions from users, run with a time limit so that no pattern can hang a command.

A regular expression such as ``(a+)+$`` or ``(.+)+$`` makes a backtracking engine (Python's :mod:`re`)
try exponentially many ways to match before it fails: on a run of 40 ``a``'s, or on a plan's text, it
never finishes.  Patterns that come from outside the package -- the pattern of ``kwic``, and the
patterns of a researcher's own codebook (category ``patterns`` and ``hints``, ``canonical_names``,
instrument ``cues`` and ``not``) -- are therefore compiled with the ``regex`` package (the syntax of
:mod:`re`, plus ``\\p{Han}``-style classes) and every search runs with a limit on the CPU time it may take
(:data:`KWIC_TIMEOUT` per plan for ``kwic``, :data:`CODEBOOK_TIMEOUT` per name or clause for a codebook).
Past the limit the search stops with :class:`PatternTimeout`, an ``error:`` that names the pattern and
where it came from.

The patterns of the codebook the package ships (and of any file with exactly its bytes) are trusted:
they are tested (``tests/test_hostile_round2.py`` runs each against long adversarial texts) and are
compiled with :mod:`re`, which is faster.
"""
from __future__ import annotations

import re
from typing import Iterator

import regex

from analysis.errors import BuildError
from analysis.limits import CODEBOOK_TIMEOUT, KWIC_TIMEOUT
#: Errors a pattern that does not compile raises (``re`` or ``regex``).
PATTERN_ERRORS = (re.error, regex.error)


class PatternTimeout(BuildError):
    """A user's regular expression ran longer than its time limit (its message names the pattern)."""


class BoundedPattern:
    """A compiled user pattern whose every search stops after *timeout* CPU seconds.

    It offers the methods of a compiled :mod:`re` pattern that the package uses (``search``, ``match``,
    ``fullmatch``, ``finditer``, ``findall``, ``sub``) and its ``pattern``; the matches are ``regex``
    match objects, which behave as :mod:`re`'s.

    Parameters
    ----------
    pattern : str
        The regular expression.
    where : str
        Where it comes from, for messages (``my_codebook.yaml: categories[3].patterns[0]``).
    timeout : float
        CPU seconds per search.
    flags : int
        ``regex`` flags.

    Raises
    ------
    regex.error
        The pattern does not compile.
    """

    def __init__(self, pattern: str, where: str, timeout: float = CODEBOOK_TIMEOUT, flags: int = 0):
        self._rx = regex.compile(pattern, flags)
        self.pattern, self.where, self.timeout = pattern, where, float(timeout)

    def __repr__(self) -> str:
        return f"BoundedPattern({self.pattern!r}, timeout={self.timeout:g})"

    def __eq__(self, other) -> bool:
        return isinstance(other, BoundedPattern) and (self.pattern, self.timeout) == (other.pattern, other.timeout)

    def __hash__(self) -> int:
        return hash((self.pattern, self.timeout))

    @property
    def groups(self) -> int:
        """Number of capturing groups."""
        return self._rx.groups

    def _timed_out(self, string: str) -> PatternTimeout:
        return PatternTimeout(
            f"{self.where}: the regular expression {self.pattern!r} took more than {self.timeout:g} s of CPU on one "
            f"text of {len(string):,} characters and was stopped (nested repetition such as (a+)+ or (.+)+ makes "
            "a search try exponentially many ways); rewrite it without nested repetition.")

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        """Like :meth:`re.Pattern.search`, within the time limit."""
        try:
            return self._rx.search(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        """Like :meth:`re.Pattern.match`, within the time limit."""
        try:
            return self._rx.match(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        """Like :meth:`re.Pattern.fullmatch`, within the time limit."""
        try:
            return self._rx.fullmatch(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator:
        """Every match, like :meth:`re.Pattern.finditer`; the time limit holds for the whole scan."""
        try:
            yield from self._rx.finditer(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None

    def findall(self, string: str, pos: int = 0, endpos: int | None = None) -> list:
        """Like :meth:`re.Pattern.findall`, within the time limit."""
        try:
            return self._rx.findall(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None

    def sub(self, repl, string: str, count: int = 0) -> str:
        """Like :meth:`re.Pattern.sub`, within the time limit."""
        try:
            return self._rx.sub(repl, string, count, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(string) from None


def compile_user(pattern: str, where: str, *, trusted: bool = False, timeout: float = CODEBOOK_TIMEOUT):
    """Compile a pattern from outside the package: bounded unless *trusted* (then plain :mod:`re`).

    Parameters
    ----------
    pattern : str
        The regular expression.
    where : str
        Where it comes from, for messages.
    trusted : bool
        The pattern comes from a file the package ships (see the module docstring).
    timeout : float
        CPU seconds per search of a bounded pattern.

    Returns
    -------
    re.Pattern or BoundedPattern

    Raises
    ------
    re.error or regex.error
        The pattern does not compile (:data:`PATTERN_ERRORS`).
    """
    if not isinstance(pattern, str):
        raise TypeError(f"{where}: a pattern must be a string, not {type(pattern).__name__}")
    return re.compile(pattern) if trusted else BoundedPattern(pattern, where, timeout)


def alternation(patterns, where: str):
    """One pattern matching any of *patterns* (``(?:a)|(?:b)``), bounded if any of them is; None if none."""
    patterns = tuple(patterns)
    if not patterns:
        return None
    joined = "|".join(f"(?:{p.pattern})" for p in patterns)
    bounded = [p for p in patterns if isinstance(p, BoundedPattern)]
    if bounded:
        return BoundedPattern(joined, where, max(p.timeout for p in bounded))
    return re.compile(joined)


__all__ = ["BoundedPattern", "PatternTimeout", "compile_user", "alternation", "KWIC_TIMEOUT", "CODEBOOK_TIMEOUT",
           "PATTERN_ERRORS"]
