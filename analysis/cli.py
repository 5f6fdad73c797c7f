"""Command line: ``python -m analysis <command>`` (``--help`` lists the commands and their options).

Every failure caused by the input, the machine (a read-only or full disk, an
output path that is a file) or the user (Ctrl-C, SIGTERM) ends with one line
``error: …`` and exit status 2 (130 after Ctrl-C, 143 after SIGTERM); the
Python traceback is shown only with ``--debug``.  A traceback without
``--debug`` would be a bug.

``synth`` and ``bench`` are test and benchmark tooling that live in the
repository's ``benchmarks/`` folder, not in the library: they run from a
checkout of the repository.
"""
from __future__ import annotations

import argparse
import errno
import os
import re
import signal
import sys
import traceback
from pathlib import Path

from analysis import console, paths
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


def _benchmarks(name: str):
    """``benchmarks.<name>`` from the repository checkout the package is installed from."""
    import importlib

    if not (paths.ROOT / "benchmarks" / "__init__.py").is_file():
        raise BuildError(f"`{name}` needs the repository's benchmarks/ folder next to the package "
                         f"({paths.ROOT}); run it from a checkout of the repository.")
    if str(paths.ROOT) not in sys.path:
        sys.path.insert(0, str(paths.ROOT))
    return importlib.import_module(f"benchmarks.{name}")


def parser() -> argparse.ArgumentParser:
    """The command-line parser (its help is the reference of every command and option)."""
    p = argparse.ArgumentParser(
        prog="python -m analysis", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare Chinese local science-literacy action plans: build the tables from raw texts, "
                    "run the report notebooks, export and audit the coding.",
        epilog="Exit status: 0 success, 2 an error in the input or the environment (one 'error:' line), "
               "130 interrupted (Ctrl-C), 143 terminated. `--debug` shows tracebacks.")
    p.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the Python traceback of an error")

    b = sub.add_parser("build", parents=[common], help="raw texts -> data/processed (every table)",
                       description="Decode, normalise and code every plan of the raw folder, then compare them; "
                                   "write every table into the output folder (staged: all or nothing).")
    b.add_argument("--raw", type=Path, default=paths.RAW,
                   help="folder with the plans, manifest.csv and optionally errata.csv (default: data/raw)")
    b.add_argument("--out", type=Path, default=paths.PROCESSED,
                   help="output folder; a new or empty folder, or one an earlier build wrote "
                        "(default: data/processed)")
    b.add_argument("--codebook", type=Path, default=None, help="codebook YAML (default: the package's)")
    b.add_argument("--no-similarity", action="store_true",
                   help="only the per-plan tables (faster); cross-plan tables of an earlier build stay as they were")
    b.add_argument("--keep-other-files", action="store_true",
                   help="write into an output folder holding files the build did not write, leaving them untouched")
    b.add_argument("--strict", action="store_true",
                   help="stop with an error listing every name the codebook does not code")
    b.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                   help="change a parameter of the cross-plan stage (repeatable; e.g. --set n_clusters=12); "
                        "the build records every parameter in parameters.json")
    b.add_argument("--no-cache", action="store_true",
                   help="extract every plan again instead of reusing the unchanged plans of the earlier build in --out "
                        "(its per-plan cache, .analysis-cache/)")
    b.add_argument("--quiet", action="store_true", help="no progress bars and no warnings; errors only")

    nb = sub.add_parser("notebooks", parents=[common], help="execute the report notebooks in place (writes figures/)",
                        description="Execute every NN_*.ipynb notebook of the folder in place, in name order.")
    nb.add_argument("--dir", type=Path, default=paths.NOTEBOOKS, help="notebooks folder (default: notebooks)")
    nb.add_argument("--quiet", action="store_true", help="print nothing on success")

    rp = sub.add_parser("report", parents=[common], help="one's own corpus: build, run every notebook, export HTML",
                        description="Build the plans of --raw into OUT/processed, execute every report notebook "
                                    "against that build, and write the figures (OUT/figures), the executed notebooks "
                                    "(OUT/notebooks) and a browsable HTML export (OUT/index.html). The repository's "
                                    "own data/processed, notebooks and figures are not touched.")
    rp.add_argument("--raw", type=Path, required=True, help="folder with the plans and manifest.csv")
    rp.add_argument("--out", type=Path, required=True, help="report folder (new, empty, or an earlier report)")
    rp.add_argument("--codebook", type=Path, default=None, help="codebook YAML (default: the package's)")
    rp.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the charts (default: en)")
    rp.add_argument("--keep-other-files", action="store_true",
                    help="write into a folder holding files the report did not write, leaving them untouched")
    rp.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                    help="change a parameter of the cross-plan stage (repeatable), as for build")
    rp.add_argument("--quiet", action="store_true", help="no progress and no warnings; errors only")

    kw = sub.add_parser("kwic", parents=[common], help="concordance: every hit of a pattern or a code in context",
                        description="Keyword in context over the normalised texts of a build: a regular "
                                    "expression, or a whole code (group:youth, department:cast, commitment:percent, "
                                    "instrument:supply.talent, action:safeguard).")
    kw.add_argument("pattern", nargs="?", help="regular expression (omit with --code)")
    kw.add_argument("--code", help="a whole code instead of a pattern")
    kw.add_argument("--literal", action="store_true", help="the pattern is plain text, not a regular expression")
    kw.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    kw.add_argument("--window", type=int, default=20, help="characters of context on each side (default: 20)")
    kw.add_argument("--plans", help="comma-separated plan ids (default: all)")
    kw.add_argument("--sort", choices=["plan", "left", "right", "match"], default="plan", help="row order")
    kw.add_argument("--out", type=Path, help="write the concordance as CSV here instead of printing it")

    ex = sub.add_parser("export-qdpx", parents=[common], help="write the coding as a REFI-QDA project (.qdpx)",
                        description="Export the normalised texts, the plans' metadata, the codebook and every coded "
                                    "fact as a REFI-QDA 1.5 project that NVivo, MAXQDA, ATLAS.ti and QualCoder open.")
    ex.add_argument("--out", type=Path, required=True, help="the .qdpx file to write")
    ex.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    ex.add_argument("--no-validate", action="store_true", help="skip the check against the REFI-QDA schema")

    im = sub.add_parser("import-qdpx", parents=[common], help="compare a reviewed .qdpx with the package's coding",
                        description="Read a REFI-QDA project a coder reviewed or extended and report, code by code, "
                                    "how the human coding agrees with the package's (overlap precision, recall, F1, "
                                    "Krippendorff's alpha).")
    im.add_argument("file", type=Path, help="the .qdpx file")
    im.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    im.add_argument("--csv", type=Path, help="also write the agreement table as CSV here")
    im.add_argument("--all-codes", action="store_true", help="list every code, not only those with selections")

    dc = sub.add_parser("docs", parents=[common], help="regenerate the generated docs pages and build the site",
                        description="Rewrite docs/data-dictionary.md and docs/parameters.md from the code, then "
                                    "build the HTML documentation with MkDocs (strict: broken links fail).")
    dc.add_argument("--check", action="store_true", help="only report generated pages that are out of date (exit 2)")
    dc.add_argument("--site", type=Path, default=paths.ROOT / "site", help="site folder (default: site/)")
    dc.add_argument("--no-site", action="store_true", help="regenerate the pages without building the site")

    sy = sub.add_parser("synth", parents=[common], help="write a synthetic corpus of N plans with its truth (repository tooling)")
    sy.add_argument("--plans", type=int, required=True, help="number of plans")
    sy.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    sy.add_argument("--out", type=Path, required=True, help="folder to write raw/ and truth/ into")

    be = sub.add_parser("bench", parents=[common], help="benchmark the build on synthetic corpora (repository tooling)")
    be.add_argument("--sizes", default="100,1000,2000,10000", help="comma-separated numbers of plans")
    be.add_argument("--out", type=Path, default=paths.BENCHMARKS / "results.json", help="JSON file to write")
    be.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    be.add_argument("--long-plan", default="10000000,20000000", metavar="CHARS",
                    help="comma-separated lengths of the one-long-plan linearity check; empty skips it "
                         "(default: 10000000,20000000)")
    return p


def _params(items: list[str]):
    """The cross-plan parameters of ``--set`` items (None without any)."""
    if not items:
        return None
    from analysis.pipeline.crossplan import CrossPlanParams

    try:
        return CrossPlanParams.from_assignments(items)
    except ValueError as exc:
        raise BuildError(f"{exc}. The parameters are described in docs/parameters.md.") from None


def _positive_ints(text: str, option: str) -> list[int]:
    """Comma-separated positive integers of a command-line option (empty text: none)."""
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise BuildError(f"{option} {text!r}: give comma-separated whole numbers, e.g. 100,1000") from None
    if any(v < 1 for v in values):
        raise BuildError(f"{option} {text!r}: every number must be at least 1")
    return values


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command; raises on failure (see :func:`main`)."""
    if args.command == "build":
        from analysis.pipeline.run import build

        console.set_quiet(args.quiet)
        c = build(args.raw, args.out, args.codebook, progress=not args.quiet, similarity=not args.no_similarity,
                  keep_other_files=args.keep_other_files, strict=args.strict, verbose=not args.quiet,
                  params=_params(args.params), reuse=not args.no_cache)
        reused = f"; {len(c.reused)} unchanged since the last build, not extracted again" if c.reused else ""
        console.info(f"built {len(c.plans)} plans ({len(c.plans_with_actions)} with actions), "
                     f"{len(c.actions)} actions{reused} -> {args.out}")
    elif args.command == "notebooks":
        from analysis.report.notebooks import execute_all

        execute_all(args.dir, quiet=args.quiet)
    elif args.command == "report":
        from analysis.report.own_corpus import make_report

        console.set_quiet(args.quiet)
        out = make_report(args.raw, args.out, args.codebook, args.lang, args.keep_other_files,
                          progress=not args.quiet, params=_params(args.params))
        console.info(f"report -> {out / 'index.html'}")
    elif args.command == "docs":
        from analysis import docgen

        if args.check:
            stale = docgen.stale_pages()
            if stale:
                raise BuildError(f"docs/: out of date: {', '.join(stale)}; run `python -m analysis docs`.")
            console.info("docs/: generated pages are current")
        else:
            changed = docgen.write_pages()
            console.info(f"docs/: {', '.join(changed) if changed else 'no page'} rewritten")
            if not args.no_site:
                console.info(f"site -> {docgen.build_site(args.site)}")
    elif args.command == "kwic":
        from analysis.compare.kwic import format_kwic, kwic

        if (args.pattern is None) == (args.code is None):
            raise BuildError("kwic: give a pattern or --code (not both).")
        try:
            df = kwic(args.pattern, args.processed, code=args.code, regex=not args.literal, window=args.window,
                      plans=args.plans.split(",") if args.plans else None, sort=args.sort)
        except FileNotFoundError as exc:
            raise BuildError(str(exc)) from None
        except (ValueError, KeyError) as exc:
            raise BuildError(f"kwic: {exc}") from None
        except re.error as exc:
            raise BuildError(f"kwic: {args.pattern!r} is not a valid regular expression ({exc}); use --literal "
                             "for plain text.") from None
        if args.out:
            from analysis.files import write_csv

            write_csv(df, args.out)
            console.info(f"{len(df)} hits -> {args.out}")
        else:
            print(format_kwic(df))
    elif args.command == "export-qdpx":
        from analysis.exchange.qdpx import export_qdpx, validate_qdpx

        out = export_qdpx(args.out, args.processed)
        if not args.no_validate:
            problems = validate_qdpx(out)
            if problems:
                raise BuildError(f"{out}: the project does not validate against the REFI-QDA schema:\n  - "
                                 + "\n  - ".join(problems[:20]))
        console.info(f"wrote {out}")
    elif args.command == "import-qdpx":
        from analysis.exchange.qdpx import format_agreement, import_qdpx

        df = import_qdpx(args.file, args.processed)
        if args.csv:
            from analysis.files import write_csv

            write_csv(df, args.csv)
        print(format_agreement(df, all_codes=args.all_codes))
    elif args.command == "synth":
        try:
            _benchmarks("synth").generate(args.plans, args.seed, args.out)
        except ValueError as exc:
            raise BuildError(f"synth: {exc}") from None
    elif args.command == "bench":
        sizes, longp = _positive_ints(args.sizes, "--sizes"), _positive_ints(args.long_plan, "--long-plan")
        try:
            _benchmarks("bench").run_bench(sizes, args.out, seed=args.seed, long_plan=tuple(longp))
        except ValueError as exc:
            raise BuildError(f"bench: {exc}") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    global _MAIN_PID
    args = parser().parse_args(argv)
    _MAIN_PID = os.getpid()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        return run(args)
    except BuildError as exc:
        _debug(args)
        console.error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _debug(args)
        console.error("interrupted; nothing was changed (the unfinished output was removed).")
        return EXIT_INTERRUPTED
    except Terminated:
        _debug(args)
        console.error("terminated; nothing was changed (the unfinished output was removed).")
        return EXIT_TERMINATED
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        _debug(args)
        console.error(_os_message(exc))
        return EXIT_ERROR
    except Exception as exc:  # a bug: say so, in one line unless --debug
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


def _os_message(exc: OSError) -> str:
    where = exc.filename or ""
    if exc.errno == errno.ENOSPC:
        what = "no space left on the disk; free some space (nothing was changed)"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = "not allowed to write here (read-only or no permission); choose another --out"
    elif exc.errno == errno.ENOTDIR:
        what = "a path component is a file, not a folder"
    elif exc.errno == errno.EISDIR:
        what = "a folder where a file was expected"
    else:
        what = exc.strerror or str(exc)
    return f"{where}: {what}." if where else f"{what}."


__all__ = ["main", "parser", "run"]
