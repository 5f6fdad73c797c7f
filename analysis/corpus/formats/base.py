"""What every format reader returns, and the rules they share (limits, line cleaning, converter names)."""
from __future__ import annotations

import bisect
import contextlib
import re
import signal
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from analysis.errors import BuildError

#: A raw file larger than this is refused (no plan is anywhere near; a larger file is not a plan or is hostile).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Characters that make a line blank when they are all it holds (white space, zero-width and joiner characters).
_BLANK = " \t\r\n\f\v\u3000\u00a0\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Names of the source formats, as ``documents.csv`` records them.
FORMAT_NAMES = {
    "text": "plain text", "html": "HTML page", "mhtml": "MHTML web archive (.mht)", "docx": "Word document (.docx)",
    "pdf": "PDF", "doc": "Word 97-2003 document (.doc)", "wps": "WPS Writer document (.wps)",
    "rtf": "RTF document", "odt": "OpenDocument text (.odt)",
}


@dataclass(frozen=True)
class Note:
    """Something a reader did or found, for ``qa_report.csv``: ``kind``, ``action`` (what was done),
    ``snippet`` (the text concerned), ``count``, and ``offset`` (in the converted text; ``None``: the whole
    file)."""

    kind: str
    action: str
    snippet: str = ""
    count: int = 1
    offset: int | None = None


@dataclass(frozen=True)
class Decoded:
    """A raw file read: the text every offset points at and how it was obtained.

    ``text``: for plain text, the decoded file; for every other format, the converted text (one paragraph
    a line, no blank lines, so its lines are those of the normalised text). ``encoding``: the character
    encoding of the raw file ("" for binary formats). ``source_format``: a key of :data:`FORMAT_NAMES`.
    ``converter``: name and version of what converted it ("" for plain text). ``notes``: :class:`Note`
    rows for the QA report. ``pages``: for paged formats (PDF), the offset where each page starts in
    ``text``.
    """

    text: str
    encoding: str
    source_format: str
    converter: str = ""
    notes: tuple[Note, ...] = ()
    pages: tuple[int, ...] = field(default=())

    @property
    def converted(self) -> bool:
        """Whether ``text`` was converted from another format (not decoded plain text)."""
        return self.source_format != "text"

    def page_of(self, offset: int) -> int | None:
        """1-based page holding *offset* of ``text`` (``None`` for formats without pages).

        Parameters
        ----------
        offset : int
            A character offset in :attr:`text`.

        Returns
        -------
        int or None
        """
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))


def strip_line(line: str) -> str:
    """*line* without white space, zero-width and joiner characters at either end.

    Parameters
    ----------
    line : str

    Returns
    -------
    str
    """
    return line.strip(_BLANK)


def clean_lines(lines) -> str:
    """Join *lines* into one text: lines holding ``\\n`` split, each line stripped, blank lines dropped,
    ``\\n`` after every line.

    Parameters
    ----------
    lines : iterable
        Lines (any values; each is made a string).

    Returns
    -------
    str
        The non-blank lines, each ending with ``\\n``; ``""`` if there is none.
    """
    out = []
    for line in lines:
        for part in str(line).split("\n"):
            part = part.strip(_BLANK)
            if part:
                out.append(part)
    return "".join(f"{ln}\n" for ln in out)


class _TimeUp(BaseException):  # not an Exception: no library code swallows it
    pass


@contextlib.contextmanager
def time_limit(seconds: float, message: str):
    """Stop the block with ``BuildError(message)`` after *seconds* (wall clock).

    Uses a real-time interval timer, so only in the main thread of a process (the build's own process and
    its worker processes) and only when no other timer is running; elsewhere the block runs unbounded and
    the reader's own checks between pages bound it.

    Parameters
    ----------
    seconds : float
        The wall-clock limit.
    message : str
        The :class:`BuildError`'s message when the limit is reached (name the file and what to do).

    Yields
    ------
    None

    Raises
    ------
    BuildError
        With *message*, if the block runs longer than *seconds*.
    """
    usable = (threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise BuildError(message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def one_line(err) -> str:
    """An exception's message (or any text) on one line, at most 200 characters: for ``error:`` lines.

    Parameters
    ----------
    err : object
        An exception, or any value; its ``str()`` is used.

    Returns
    -------
    str
        White space runs made one space; cut to 199 characters and ``…`` when longer than 200.
    """
    text = re.sub(r"\s+", " ", str(err)).strip()
    return text if len(text) <= 200 else text[:199] + "…"


def drop_controls(text: str) -> tuple[str, int]:
    """*text* without C0 control characters other than tab and newline (a converter's stray form feeds and
    vertical tabs), and how many were dropped.

    Parameters
    ----------
    text : str

    Returns
    -------
    cleaned : str
        *text* without those characters.
    n : int
        How many were removed.
    """
    cleaned, n = _CONTROL_RE.subn("", text)
    return cleaned, n


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """``"NAME VERSION"`` of an installed Python distribution (``"NAME"`` when its version is unknown)."""
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return name


__all__ = ["Decoded", "Note", "FORMAT_NAMES", "MAX_FILE_BYTES", "clean_lines", "strip_line", "one_line",
           "drop_controls", "time_limit", "package_version"]
