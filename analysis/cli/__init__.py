"""Command line: ``python -m analysis <command>`` (``--help`` lists the commands and their options).

Every failure caused by the input, the machine (a read-only or full disk, an
output path that is a file) or the user (Ctrl-C, SIGTERM) ends with one line
``error: …`` and exit status 2 (130 after Ctrl-C, 143 after SIGTERM); the
Python traceback is shown only with ``--debug``.  A traceback without
``--debug`` would be a bug.

``synth`` and ``bench`` are test and benchmark tooling that live in the
repository's ``benchmarks/`` folder, not in the library: they run from a
checkout of the repository.

The parser is :mod:`analysis.cli.parser`, what each command does
:mod:`analysis.cli.commands`; this module runs one command and turns every
failure into its ``error:`` line and exit status.
"""
from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import traceback

from analysis import console
from analysis.cli import commands
from analysis.cli.commands import (_bench, _build, _docs, _export_qdpx, _import_qdpx, _kwic, _notebooks, _report,
                                   _synth, _validation)
from analysis.cli.parser import parser
from analysis.errors import BuildError

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that staging folders are removed on the way out."""


_MAIN_PID = os.getpid()


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by the signal tests in a subprocess
    if os.getpid() != _MAIN_PID:  # a forked worker inherited this handler: just end, quietly
        os._exit(128 + signal.SIGTERM)
    raise Terminated()


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command (:mod:`analysis.cli.commands`); raises on failure (see :func:`main`).

    Parameters
    ----------
    args : argparse.Namespace
        What :func:`parser` parsed.

    Returns
    -------
    int
        The exit status (0).
    """
    handler = globals()[commands.HANDLERS[args.command]]  # looked up here, so a test may replace one
    return handler(args)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    global _MAIN_PID
    console.tolerant_streams()
    args = parser().parse_args(argv)
    console.set_quiet(getattr(args, "quiet", 0))
    _MAIN_PID = os.getpid()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        console.decode_arguments(args)
        return run(args)
    except BuildError as exc:
        _debug(args)
        if getattr(args, "debug", False) and getattr(exc, "detail", None):
            print(exc.detail, file=sys.stderr)
        console.error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _debug(args)
        console.error(f"interrupted; {_outcome(args.command)}.")
        return EXIT_INTERRUPTED
    except Terminated:
        _debug(args)
        console.error(f"terminated; {_outcome(args.command)}.")
        return EXIT_TERMINATED
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        _debug(args)
        console.error(_os_message(exc, args.command))
        return EXIT_ERROR
    except Exception as exc:  # a bug: say so, in one line unless --debug
        from analysis.environment import is_dependency, missing_message

        if isinstance(exc, ModuleNotFoundError) and is_dependency(exc.name):  # the environment, not a bug
            _debug(args)
            console.error(missing_message([exc.name]))
            return EXIT_ERROR
        if args.debug:
            raise
        console.error(f"unexpected {type(exc).__name__}: {exc}. This is a bug in the package; run the command "
                      "again with --debug and report the traceback.")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _debug(args: argparse.Namespace) -> None:
    if getattr(args, "debug", False):
        traceback.print_exc()


#: Commands whose output is written all or nothing (staged, or one file written aside and renamed).
ALL_OR_NOTHING = ("build", "report", "kwic", "export-qdpx", "import-qdpx", "bench")


def _outcome(command: str) -> str:
    """What a command that stopped half-way leaves behind, truthfully."""
    if command in ALL_OR_NOTHING:
        return "nothing was changed (the unfinished output was removed)"
    if command == "notebooks":
        return ("a notebook is rewritten only when it ran in full: the one running was left unchanged, those "
                "before it were updated")
    if command == "docs":
        return "each page is replaced whole: pages rewritten before this point stay rewritten"
    return "files written before this point stay as written"


def _os_message(exc: OSError, command: str = "") -> str:
    where = exc.filename or ""
    if isinstance(exc, TimeoutError) and not where:
        return f"timed out ({exc})."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = f"no space left on the disk; free some space; {_outcome(command)}"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = f"not allowed to write here (read-only or no permission); choose another --out; {_outcome(command)}"
    elif exc.errno == errno.ENOTDIR:
        what = "a path component is a file, not a folder"
    elif exc.errno == errno.EISDIR:
        what = "a folder where a file was expected"
    else:
        what = exc.strerror or str(exc)
    return f"{where}: {what}." if where else f"{what}."


__all__ = ["main", "parser", "run"]
