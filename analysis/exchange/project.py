"""Reading a reviewed project: its code tree and its text selections, in the package's offsets.

The positions of a source are read the way the standard says (code points of the text as stored, a
byte-order mark not counted), unless the selections' names -- ATLAS.ti, QualCoder and others name a
selection by its text -- fit another reading better: UTF-16 code units, or a ``\\r\\n`` line break counted
as one character (tools that re-write the text with Windows line breaks but count positions in the text as
they show it).  A text that was changed is aligned with the package's text (:mod:`difflib`: line by line,
then character by character inside changed lines), so the comparison is always in the package's offsets;
a text less than half or more than twice as long as the package's, or whose alignment would take more
than :data:`ALIGN_SECONDS` of CPU, is not compared (a note says so).

**Offsets that cannot be right.**  A coded selection whose start or end lies outside ``[0, n]`` (``n`` the
number of positions of the source's text under the chosen reading: a negative offset, or one past the
end), or whose start is after its end, or whose start or end falls between the two halves of a surrogate
pair, is excluded -- never clipped, swapped or guessed -- and counted by kind (``outside``, ``reversed``,
``splits a character``); the counts and the first cases are in the agreement's ``excluded`` note.

The project XML is parsed as it is read (:func:`analysis.exchange.archive.parse_xml`): each text source is
compared as soon as its element ends and then cleared, so memory holds one source at a time.
"""
from __future__ import annotations

import difflib
import re
import time
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable
from xml.etree import ElementTree as ET

from analysis.exchange.archive import Archive, local_name, norm_guid
from analysis.exchange.codetree import Coding
from analysis.exchange.constants import NS, stable_guid
from analysis.exchange.positions import PositionMap, join_pairs

#: Kinds of excluded selections (see the module docstring), in the order they are tested.
EXCLUDED_KINDS = ("outside", "reversed", "splits a character")
#: A changed text is aligned only if its length is within this factor of the package's (else not compared).
ALIGN_FACTOR = 2.0
#: How many named selections of a source decide how its positions are read, and how much of each name.
SCORED_SELECTIONS, NAME_WINDOW = 500, 200
#: CPU seconds aligning one changed text may take (else the source is not compared, with a note).
ALIGN_SECONDS = 10.0
#: Runs of changed lines are aligned character by character up to this many character pairs (their lengths'
#: product); longer runs are left unmatched (their positions snap to the nearest matched text).
ALIGN_CELLS = 4_000_000
_SHOWN = 5


@dataclass
class HumanCode:
    guid: str
    path: tuple[str, ...]  # names from the top, with ATLAS.ti's `a::b` split


@dataclass
class HumanSelection:
    source: str  # the package plan it belongs to
    start: int  # package offsets
    end: int
    codes: list[str]  # code GUIDs


def _split_name(name: str) -> list[str]:
    return [p for p in (x.strip() for x in name.split("::")) if p] or [name]


def norm_name(name: str) -> str:
    """A name as codes and sources are compared: NFKC, blanks collapsed, case folded.

    Parameters
    ----------
    name : str
        A code's or source's name.

    Returns
    -------
    str
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def read_codes(root: ET.Element) -> dict[str, HumanCode]:
    """The project's codes by normalised GUID, each with its name path from the top of the code tree.

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        The project's root element.

    Returns
    -------
    dict of str to HumanCode
        Normalised GUID (:func:`~analysis.exchange.archive.norm_guid`) -> the code; a name ``a::b`` (ATLAS.ti's
        groups) counts as two levels; the first code of a GUID wins, codes without one are skipped.
    """
    out: dict[str, HumanCode] = {}

    def walk(el: ET.Element, prefix: tuple[str, ...]) -> None:
        for c in el:
            if local_name(c.tag) != "Code":
                continue
            path = prefix + tuple(_split_name(c.get("name") or ""))
            g = norm_guid(c.get("guid"))
            if g:
                out.setdefault(g, HumanCode(g, path))
            walk(c, path)

    for book in root.iter():
        if local_name(book.tag) == "CodeBook":
            for codes in book:
                if local_name(codes.tag) == "Codes":
                    walk(codes, ())
    return out


class AlignmentTooCostly(Exception):
    """Aligning two texts would take longer than :data:`ALIGN_SECONDS` of CPU."""


class _BudgetedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher that stops (:class:`AlignmentTooCostly`) once it has used its CPU budget."""

    def __init__(self, a, b, deadline: float):
        super().__init__(None, a, b, autojunk=False)
        self.deadline = deadline

    def find_longest_match(self, *args, **kwargs):
        if time.process_time() > self.deadline:
            raise AlignmentTooCostly
        return super().find_longest_match(*args, **kwargs)


class _Aligner:
    """Maps offsets of a text as a project holds it onto the package's text (identity when equal).

    The texts are matched line by line first (lines compared without their line breaks, so a ``\\r\\n``
    text aligns with its ``\\n`` original), then character by character inside each run of changed lines
    of at most :data:`ALIGN_CELLS` character pairs; the whole alignment may take :data:`ALIGN_SECONDS` of
    CPU, past which :class:`AlignmentTooCostly` is raised (a text shuffled on purpose would otherwise take
    quadratic time).
    """

    def __init__(self, a: str, b: str):
        self.same = a == b
        self.n_a, self.n_b = len(a), len(b)
        if not self.same:
            self.blocks = _blocks(a, b, time.process_time() + ALIGN_SECONDS)
            self.starts = [i for i, _, _ in self.blocks]

    def __call__(self, p: int, end: bool = False) -> int:
        if self.same:
            return p
        k = bisect_right(self.starts, p) - 1
        if k >= 0:
            i, j, n = self.blocks[k]
            if p < i + n or (end and p == i + n):
                return j + (p - i)
            return j + n  # in a stretch the package's text does not have: snap to the block's end
        return 0 if not self.blocks else (self.blocks[0][1] if end else 0)


def _lines(text: str) -> tuple[list[str], list[int], list[str]]:
    """Lines without their breaks, the offset of each line, and each line's break (``""`` for none)."""
    keys, starts, breaks, pos = [], [], [], 0
    for line in text.splitlines(keepends=True):
        key = line.rstrip("\r\n")
        keys.append(key)
        starts.append(pos)
        breaks.append(line[len(key):])
        pos += len(line)
    return keys, starts, breaks


def _line_blocks(ka: list[str], sa: list[int], ba: list[str], sb: list[int], bb: list[str],
                 pairs) -> list[tuple[int, int, int]]:
    """Blocks of equal lines: the content, and the final ``\\n`` of both breaks (``\\r\\n`` against ``\\n``)."""
    out = []
    for i, j in pairs:
        n = len(ka[i])
        if ba[i] == bb[j]:
            out.append((sa[i], sb[j], n + len(ba[i])))
        else:
            if n:
                out.append((sa[i], sb[j], n))
            if ba[i].endswith("\n") and bb[j].endswith("\n"):
                out.append((sa[i] + n + len(ba[i]) - 1, sb[j] + n + len(bb[j]) - 1, 1))
    return [b for b in out if b[2]]


def _blocks(a: str, b: str, deadline: float) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, n)`` of *a* and *b*, in order (see :class:`_Aligner`)."""
    ka, sa, ba = _lines(a)
    kb, sb, bb = _lines(b)
    out: list[tuple[int, int, int]] = []
    for tag, i1, i2, j1, j2 in _BudgetedMatcher(ka, kb, deadline).get_opcodes():
        if tag == "equal":
            out += _line_blocks(ka, sa, ba, sb, bb, zip(range(i1, i2), range(j1, j2)))
        elif tag == "replace":
            a0, a1 = sa[i1], (sa[i2] if i2 < len(sa) else len(a))
            b0, b1 = sb[j1], (sb[j2] if j2 < len(sb) else len(b))
            if (a1 - a0) * (b1 - b0) <= ALIGN_CELLS:
                sub = _BudgetedMatcher(a[a0:a1], b[b0:b1], deadline)
                out += [(a0 + x, b0 + y, n) for x, y, n in sub.get_matching_blocks() if n]
    return out


def _score(text: str, sels: list[tuple[int, int, str]], conv: Callable[[int], int]) -> int:
    """How many selections' names (their excerpts) match *text* at their positions read with *conv* (the first
    :data:`SCORED_SELECTIONS` named selections, each compared over a window of its name's length)."""
    hits = 0
    for s, e, name in sels[:SCORED_SELECTIONS]:
        want = re.sub(r"\s+", "", name.rstrip().removesuffix("…").removesuffix("...")).strip()[:NAME_WINDOW]
        if not want:
            continue
        try:
            cs, ce = conv(s), conv(e)
        except ValueError:
            continue
        if 0 <= cs <= ce <= len(text) and re.sub(r"\s+", "", text[cs:min(ce, cs + 4 * len(want) + 64)]
                                                 ).startswith(want):
            hits += 1
    return hits


def _reader(stored: str, mode: str) -> tuple[str, Callable[[int], int], int]:
    """The text positions index under *mode*, position -> code-point index into that text, and the number of
    positions in it (the largest valid position)."""
    base = stored.replace("\r\n", "\n") if mode.endswith("_lf") else stored
    if mode.startswith("utf16"):
        pm = PositionMap(base)
        return base, pm.from_utf16, pm.n + len(pm.astral)
    return base, lambda p: p, len(base)


def _choose_mode(stored: str, sels: list[tuple[int, int, str]], positions: str) -> str:
    if positions != "auto":
        return positions
    candidates = ["codepoints"]
    if "\r\n" in stored:
        candidates.append("codepoints_lf")
    if any(ord(c) > 0xFFFF for c in stored):
        candidates += [m for m in ("utf16", "utf16_lf") if m != "utf16_lf" or "\r\n" in stored]
    if len(candidates) == 1:
        return candidates[0]
    named = [x for x in sels if x[2]]
    scores = {}
    for m in candidates:
        base, conv, _ = _reader(stored, m)
        scores[m] = _score(base, named, conv)
    return max(candidates, key=lambda m: (scores[m], -candidates.index(m)))




class ProjectReader:
    """Collects the selections of a project's text sources, one source element at a time.

    Parameters
    ----------
    cod : Coding
        The package's coding (its texts say which plans exist).
    archive : Archive or None
        The ``.qdpx`` holding the sources' text files (None for a bare ``.qde``).
    positions : str
        ``"auto"`` or one of :data:`~analysis.exchange.constants.POSITION_MODES`.
    """

    #: The element :meth:`source` reads.
    TAG = f"{{{NS}}}TextSource"

    def __init__(self, cod: Coding, archive: Archive | None, positions: str):
        self.cod, self.archive, self.positions = cod, archive, positions
        self.by_guid = {stable_guid("source", j): j for j in cod.texts}
        self.by_name = {norm_name(j): j for j in cod.texts}
        self.by_text = {t: j for j, t in cod.texts.items()}
        self.selections: list[HumanSelection] = []
        self.excluded_codes: list[list[str]] = []  # the code GUIDs of each excluded selection
        self.compared: list[str] = []
        self.notes: dict = {"unmatched_sources": [], "positions": {}, "text_changed": [], "problems": [],
                            "excluded": {k: 0 for k in EXCLUDED_KINDS}, "excluded_examples": []}

    def _stored(self, src: ET.Element) -> str | None:
        content = src.find(f"{{{NS}}}PlainTextContent")
        if content is not None:
            return content.text or ""
        if self.archive is not None:
            entry = self.archive.internal_entry(src.get("plainTextPath"))
            if entry is not None:
                return self.archive.read(entry).decode("utf-8-sig", errors="replace")
        return None

    def _exclude(self, kind: str, name: str, s: int, e: int, n: int, codes: list[str]) -> None:
        self.notes["excluded"][kind] += 1
        self.excluded_codes.append(codes)
        if len(self.notes["excluded_examples"]) < _SHOWN:
            self.notes["excluded_examples"].append(f"source {name!r}: [{s}, {e}) {kind} (0..{n})")

    def source(self, src: ET.Element) -> None:
        """Read one ``TextSource`` element (then clear it): its plan, its selections in package offsets.

        Parameters
        ----------
        src : xml.etree.ElementTree.Element
            A ``TextSource``; it is matched to a plan by GUID, name, or stored text.  Its selections are added to
            ``selections``; an unmatched source, a second source of a plan and refused selections are recorded in
            ``notes``.

        Returns
        -------
        None
        """
        try:
            self._source(src)
        finally:
            src.clear()

    def _source(self, src: ET.Element) -> None:
        notes = self.notes
        name = src.get("name") or ""
        stored = self._stored(src)
        j = self.by_guid.get(norm_guid(src.get("guid"))) or self.by_name.get(norm_name(name)) \
            or self.by_name.get(norm_name(re.sub(r"\.txt$", "", name, flags=re.I)))
        if j is None and stored is not None:
            j = self.by_text.get(stored) or self.by_text.get(stored.replace("\r\n", "\n"))
        if j is None:
            notes["unmatched_sources"].append(name or norm_guid(src.get("guid")))
            return
        if j in self.compared:
            notes["problems"].append(f"source {name!r}: a second source for plan {j} (ignored)")
            return
        package_text = self.cod.texts[j]
        if stored is None:
            stored = package_text
            notes["problems"].append(f"source {name!r}: its text is not in the file; the package's text is used")
        raw = []
        for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
            try:
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                notes["problems"].append(f"source {name!r}: selection {sel.get('guid')} without positions")
                continue
            codes = [norm_guid(ref.get("targetGUID")) for c in sel if local_name(c.tag) == "Coding"
                     for ref in c if local_name(ref.tag) == "CodeRef"]
            raw.append((s, e, sel.get("name") or "", codes))
        whole = [norm_guid(ref.get("targetGUID")) for c in src if local_name(c.tag) == "Coding"
                 for ref in c if local_name(ref.tag) == "CodeRef"]
        mode = _choose_mode(stored, [(s, e, n) for s, e, n, _ in raw if 0 <= s <= e], self.positions)
        base, conv, n_pos = _reader(stored, mode)
        text = join_pairs(base)
        if text != package_text and not (len(package_text) / ALIGN_FACTOR - 1000 <= len(text)
                                         <= len(package_text) * ALIGN_FACTOR + 1000):
            notes["problems"].append(f"source {name!r}: its text ({len(text):,} characters) is too unlike the "
                                     f"package's text of {j} ({len(package_text):,}) to align; not compared")
            return
        self.compared.append(j)
        if mode != "codepoints":
            notes["positions"][j] = mode
        try:
            align = _Aligner(text, package_text)
        except AlignmentTooCostly:
            self.compared.remove(j)
            notes["positions"].pop(j, None)
            notes["problems"].append(f"source {name!r}: its text differs from the package's text of {j} too much "
                                     f"to align within {ALIGN_SECONDS:g} s; not compared")
            return
        if not align.same:
            notes["text_changed"].append(j)
        if whole:
            self.selections.append(HumanSelection(j, 0, len(package_text), whole))
        for s, e, _, codes in raw:
            if not codes:
                continue
            if not (0 <= s <= n_pos and 0 <= e <= n_pos):
                self._exclude("outside", name, s, e, n_pos, codes)
                continue
            if s > e:
                self._exclude("reversed", name, s, e, n_pos, codes)
                continue
            try:
                cs, ce = conv(s), conv(e)
            except ValueError:
                self._exclude("splits a character", name, s, e, n_pos, codes)
                continue
            ps, pe = align(cs), align(ce, end=True)
            if pe > ps:
                self.selections.append(HumanSelection(j, ps, pe, codes))


__all__ = ["ProjectReader", "HumanCode", "HumanSelection", "read_codes", "norm_name", "EXCLUDED_KINDS"]
