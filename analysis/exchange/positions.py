"""Positions in a REFI-QDA project: Unicode code points from 0, and the UTF-16 count some tools use.

REFI-QDA 1.5 (section 10.2): "Selections in a text file are defined by the first and the last character
(Unicode codepoint) in the file. The first codepoint in the file has the number 0"; ``endPosition`` is one
past the last character.  A character outside the Basic Multilingual Plane (``𠀀`` U+20000, CJK Extension B,
emoji) is *one* position, although UTF-16 -- the string type of .NET, Java and JavaScript tools -- stores it
as two code units (a surrogate pair).  A Python ``str`` indexes code points, so a package offset is already
a REFI-QDA position; :func:`to_refi_position` / :func:`from_refi_position` make that exact even for a
string that holds a surrogate pair as two code units (the pair counts once, and an offset between its
halves is refused), and :func:`codepoints_to_utf16` / :func:`utf16_to_codepoints` convert to and from the
UTF-16 count.
"""
from __future__ import annotations

from bisect import bisect_right

from analysis.exchange.constants import SURROGATE


def surrogate_lows(text: str) -> list[int]:
    """Indices of the low halves of the surrogate pairs *text* holds as two code units.

    Parameters
    ----------
    text : str
        A Python string.

    Returns
    -------
    list of int
        Ascending indices (empty when *text* holds no surrogate).
    """
    if not SURROGATE.search(text):
        return []
    return [i for i in range(1, len(text))
            if "\udc00" <= text[i] <= "\udfff" and "\ud800" <= text[i - 1] <= "\udbff"]


def refi_offset(lows: list[int], n: int, offset: int) -> int:
    """REFI-QDA position of Python *offset* into a text of *n* code units whose surrogate pairs' low halves
    are at *lows* (:func:`surrogate_lows`); ValueError outside the text or inside a pair.

    Parameters
    ----------
    lows : list of int
        :func:`surrogate_lows` of the text, ascending.
    n : int
        Length of the text in code units (``len(text)``).
    offset : int
        A Python offset into the text, 0..*n*.

    Returns
    -------
    int
        *offset* less the pairs that end before it.
    """
    if not 0 <= offset <= n:
        raise ValueError(f"offset {offset} is outside the text (0..{n})")
    if not lows:
        return offset
    k = bisect_right(lows, offset)  # pairs whose low half is before or at *offset*
    if k and lows[k - 1] == offset:
        raise ValueError(f"offset {offset} splits a surrogate pair")
    return offset - k


def to_refi_position(text: str, offset: int) -> int:
    """REFI-QDA position (Unicode code points from 0) of Python offset *offset* into *text*.

    Parameters
    ----------
    text : str
        The source text.
    offset : int
        A 0-based Python index into *text*, ``0 <= offset <= len(text)``.

    Returns
    -------
    int
        The position REFI-QDA 1.5 writes: the number of code points before *offset*.  For an ordinary
        Python string this is *offset* itself (Python counts code points; ``𠀀`` is one); a string that
        holds a character outside the BMP as a surrogate pair (two code units, as decoded with
        ``surrogatepass`` or from UTF-16 data) counts the pair once.

    Raises
    ------
    ValueError
        *offset* is outside the text or falls between the two halves of a surrogate pair.
    """
    return refi_offset(surrogate_lows(text), len(text), offset)


def from_refi_position(text: str, position: int) -> int:
    """Python offset into *text* of REFI-QDA position *position* (the inverse of :func:`to_refi_position`).

    Parameters
    ----------
    text : str
        The source text.
    position : int
        A REFI-QDA position: code points from 0, one per character outside the BMP.

    Returns
    -------
    int
        The Python index (equal to *position* unless *text* holds surrogate pairs).

    Raises
    ------
    ValueError
        *position* is beyond the text's last code point.
    """
    lows = surrogate_lows(text)
    n_points = len(text) - len(lows)
    if not 0 <= position <= n_points:
        raise ValueError(f"position {position} is outside the text (0..{n_points} code points)")
    offset = position
    for low in lows:  # each pair before the target moves the offset one code unit further
        if low <= offset:
            offset += 1
        else:
            break
    return offset


def join_pairs(text: str) -> str:
    """*text* with surrogate pairs joined into the code points they stand for.

    Parameters
    ----------
    text : str
        A text that may hold surrogate pairs as two code units (as read from some XML or JSON).

    Returns
    -------
    str
        *text* itself when it holds no surrogate; a lone surrogate is kept as it is.
    """
    if not SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def codepoints_to_utf16(text: str, position: int) -> int:
    """UTF-16 code units before REFI-QDA position *position* of *text* (a non-BMP character counts 2).

    Parameters
    ----------
    text : str
        The source text.
    position : int
        REFI-QDA position (code points).

    Returns
    -------
    int
        The offset a UTF-16 based tool (.NET, Java, JavaScript) uses for the same place.
    """
    points = join_pairs(text)
    if not 0 <= position <= len(points):
        raise ValueError(f"position {position} is outside the text (0..{len(points)} code points)")
    return position + sum(1 for c in points[:position] if ord(c) > 0xFFFF)


def utf16_to_codepoints(text: str, units: int) -> int:
    """REFI-QDA position (code points) of UTF-16 offset *units* into *text*.

    Parameters
    ----------
    text : str
        The source text.
    units : int
        UTF-16 code units from the start.

    Returns
    -------
    int
        The code-point position.

    Raises
    ------
    ValueError
        *units* is outside the text or falls inside a surrogate pair.
    """
    return PositionMap(join_pairs(text)).from_utf16(units)


class PositionMap:
    """Fast conversions between code points and UTF-16 units of one text (a text of code points)."""

    def __init__(self, text: str):
        self.n = len(text)
        self.astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]  # code-point indices

    def to_utf16(self, position: int) -> int:
        """UTF-16 offset of code-point *position* (no range check: use :func:`codepoints_to_utf16` for one).

        Parameters
        ----------
        position : int
            A code-point position, 0..length of the text.

        Returns
        -------
        int
            *position* plus the characters outside the Basic Multilingual Plane before it.
        """
        return position + bisect_right(self.astral, position - 1)

    def from_utf16(self, units: int) -> int:
        """Code-point position of UTF-16 offset *units*.

        Parameters
        ----------
        units : int
            UTF-16 code units from the start.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            *units* is outside the text or falls inside a surrogate pair.
        """
        if not 0 <= units <= self.n + len(self.astral):
            raise ValueError(f"UTF-16 offset {units} is outside the text")
        # utf16(i) = i + #astral before i; find the i with utf16(i) == units
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < units:
                lo = mid + 1
            else:
                hi = mid
        if self.to_utf16(lo) != units:
            raise ValueError(f"UTF-16 offset {units} falls inside a surrogate pair")
        return lo


__all__ = ["to_refi_position", "from_refi_position", "codepoints_to_utf16", "utf16_to_codepoints", "join_pairs",
           "surrogate_lows", "refi_offset", "PositionMap"]
