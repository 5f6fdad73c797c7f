"""Messages to the person running the build: each on its own line, never glued to a progress bar.

Progress bars (tqdm) redraw the current line of stderr; a message printed
with :func:`warn` or :func:`error` goes through ``tqdm.write``, which clears
the bar, prints the message on a line of its own and redraws the bar.
"""
from __future__ import annotations

import sys

_quiet = False


def set_quiet(quiet: bool) -> None:
    """In quiet mode only errors are printed."""
    global _quiet
    _quiet = bool(quiet)


def _write(text: str) -> None:
    try:
        from tqdm import tqdm

        tqdm.write(text, file=sys.stderr)
    except Exception:  # pragma: no cover - tqdm missing or stderr closed
        print(text, file=sys.stderr)


def info(message: str) -> None:
    """A progress note (suppressed in quiet mode)."""
    if not _quiet:
        _write(message)


def warn(message: str) -> None:
    """A warning: ``warning: …`` (suppressed in quiet mode)."""
    if not _quiet:
        _write(f"warning: {message}")


def error(message: str) -> None:
    """An error: ``error: …`` (always printed)."""
    _write(f"error: {message}")


__all__ = ["set_quiet", "info", "warn", "error"]
