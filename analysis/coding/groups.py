"""Target groups: the group an action belongs to, and every mention of a group.

An action's ``group`` comes from structure, not vocabulary: it is the group
announced by the heading of a section or item above it (or its own numbered
heading), e.g. ``（一）实施青少年科学素质提升行动``.  Mentions are the
vocabulary view: every occurrence of a group term in the action's text, so
coverage can be counted both ways.
"""
from __future__ import annotations

import re

from analysis.coding.codebook import Codebook


_REGEX_CACHE: dict[str, tuple[re.Pattern, dict[str, str]]] = {}


def _term_regex(codebook: Codebook) -> tuple[re.Pattern, dict[str, str]]:
    if codebook.path not in _REGEX_CACHE:
        pairs = codebook.group_terms() + [(t, "") for t in codebook.not_mentions]
        pairs.sort(key=lambda p: (-len(p[0]), p[0]))
        _REGEX_CACHE[codebook.path] = (re.compile("|".join(re.escape(t) for t, _ in pairs)), dict(pairs))
    return _REGEX_CACHE[codebook.path]


def find_terms(text: str, codebook: Codebook) -> list[tuple[int, int, str, str]]:
    """Non-overlapping ``(start, end, term, group)`` in *text*, longest term first."""
    rx, lookup = _term_regex(codebook)
    return [(m.start(), m.end(), m.group(0), lookup[m.group(0)]) for m in rx.finditer(text) if lookup[m.group(0)]]


def heading_group(heading: str, codebook: Codebook) -> str | None:
    """The group a heading announces, or None (see module doc)."""
    if not any(k in heading for k in codebook.group_heading_keywords):
        return None
    found = {g for _, _, _, g in find_terms(heading, codebook)}
    # 农民工 is coded to workers; a heading naming only that is a workers line
    return sorted(found)[0] if len(found) == 1 else None


def group_of(headings: list[str], codebook: Codebook) -> str:
    """Innermost heading (last in *headings*) that announces a group; ``""`` if none."""
    for h in reversed(headings):
        g = heading_group(h, codebook)
        if g:
            return g
    return ""
