"""Messages to the person running the build: each on its own line, never glued to a progress bar.

Progress bars (tqdm) redraw the current line of stderr; a message printed
with :func:`warn` or :func:`error` goes through ``tqdm.write``, which clears
the bar, prints the message on a line of its own and redraws the bar.
"""
from __future__ import annotations

import sys

_quiet = 0


def set_quiet(quiet: bool | int) -> None:
    """How much to hide: 0 nothing; 1 (``--quiet``) progress notes, not warnings; 2 (``-qq``, ``--silent``) warnings
    too -- errors are always printed.

    Parameters
    ----------
    quiet : bool or int
        The level (``True`` is 1).
    """
    global _quiet
    _quiet = int(quiet)


def _write(text: str) -> None:
    try:
        from tqdm import tqdm

        tqdm.write(text, file=sys.stderr)
    except Exception:  # pragma: no cover - tqdm missing or stderr closed
        print(text, file=sys.stderr)


def info(message: str) -> None:
    """A progress note (hidden from ``--quiet`` on)."""
    if not _quiet:
        _write(message)


def warn(message: str) -> None:
    """A warning: ``warning: …`` (hidden only by ``--silent`` / ``-qq``: a warning is not progress chatter)."""
    if _quiet < 2:
        _write(f"warning: {message}")


def close_bars() -> None:
    """Close every open progress bar, so nothing is drawn after (or on the line of) the next message."""
    try:
        from tqdm import tqdm

        for bar in list(getattr(tqdm, "_instances", ())):
            bar.close()
    except Exception:  # pragma: no cover - tqdm missing or stderr closed
        pass


def _indent_continuations(message: str) -> str:
    """Lines after the first that do not start with whitespace get two spaces, so every line of the
    message but the first is visibly part of it (a parser's multi-line message, for instance)."""
    first, *rest = message.splitlines() or [""]
    return "\n".join([first] + [ln if not ln or ln[0].isspace() else "  " + ln for ln in rest])


def error(message: str) -> None:
    """An error: ``error: …`` on a line of its own, after any progress bar is closed (always printed)."""
    close_bars()
    _write(f"error: {_indent_continuations(message)}")


__all__ = ["set_quiet", "info", "warn", "error", "close_bars"]
