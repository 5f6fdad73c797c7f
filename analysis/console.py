"""Messages to the person running the build: each on its own line, never glued to a progress bar; and the
console's encodings: arguments the locale could not decode, output it cannot show.

Progress bars (tqdm) redraw the current line of stderr; a message printed
with :func:`warn` or :func:`error` goes through ``tqdm.write``, which clears
the bar, prints the message on a line of its own and redraws the bar.
"""
from __future__ import annotations

import locale
import os
import sys

from analysis.errors import BuildError

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
        from tqdm import tqdm  # not at the top: `python -m analysis` starts without it (see cli)

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
        from tqdm import tqdm  # not at the top: `python -m analysis` starts without it (see cli)

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


def tolerant_streams() -> None:
    """Let stdout and stderr print what their encoding cannot hold (a GBK or ASCII console and ``⏎``) as a
    replacement character instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding in ("utf-8", "utf8", "utf-16", "utf-32") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors="replace" if stream is sys.stdout else "backslashreplace")
        except (ValueError, OSError, AttributeError):  # pragma: no cover - a detached or closed stream
            pass


def locale_name() -> str:
    """The locale as the environment sets it, and the encoding Python decodes arguments with."""
    env = next((f"{k}={os.environ[k]}" for k in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(k)), "no LC_ALL, "
               "LC_CTYPE or LANG set")
    return f"{env}, encoding {locale.getpreferredencoding(False)}"


def decode_arguments(args) -> None:
    """Decode, in place, the text arguments of a parsed command line (an ``argparse.Namespace``).

    Text arguments (patterns, plan ids, codes) that the locale could not decode (an ASCII locale without
    UTF-8 mode gives surrogates for every other byte): decoded as UTF-8 if their bytes are UTF-8, else an error
    naming the locale.  Paths are left as they are: the same surrogates give back the same bytes on disk."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        fixed = []
        for v in values:
            if not isinstance(v, str) or not any("\udc80" <= c <= "\udcff" for c in v):
                fixed.append(v)
                continue
            raw = os.fsencode(v)
            try:
                fixed.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                option = {"pattern": "PATTERN", "params": "--set"}.get(name, "--" + name.replace("_", "-"))
                raise BuildError(f"{option}: the argument's bytes ({raw[:24]!r}) are not UTF-8, and the locale "
                                 f"({locale_name()}) cannot decode them; run the command in a UTF-8 locale "
                                 "(e.g. LC_ALL=C.UTF-8) or with PYTHONUTF8=1.") from None
        setattr(args, name, fixed if isinstance(value, list) else fixed[0])


__all__ = ["set_quiet", "info", "warn", "error", "close_bars", "tolerant_streams", "decode_arguments", "locale_name"]
