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
import signal
import sys
import traceback
from pathlib import Path

from analysis import console, limits, paths
from analysis.errors import BuildError
from analysis.limits import KWIC_TIMEOUT

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
    _quiet_options(b)

    nb = sub.add_parser("notebooks", parents=[common], help="execute the report notebooks in place (writes figures/)",
                        description="Execute every NN_*.ipynb notebook of the folder in place, in name order.")
    nb.add_argument("--dir", type=Path, default=paths.NOTEBOOKS, help="notebooks folder (default: notebooks)")
    _quiet_options(nb)

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
    _quiet_options(rp)

    kw = sub.add_parser("kwic", parents=[common], help="concordance: every hit of a pattern or a code in context",
                        description="Keyword in context over the normalised texts of a build: a regular "
                                    "expression, or a whole code (group:youth, department:cast, commitment:percent, "
                                    "instrument:supply.talent, action:safeguard).")
    kw.add_argument("pattern", nargs="?", help="regular expression (omit with --code)")
    kw.add_argument("--code", help="a whole code instead of a pattern")
    kw.add_argument("--literal", action="store_true", help="the pattern is plain text, not a regular expression")
    kw.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    kw.add_argument("--window", type=int, default=20, help="characters of context on each side, 0 or more "
                                                           "(default: 20)")
    kw.add_argument("--plans", help="comma-separated plan ids (default: all)")
    kw.add_argument("--sort", choices=["plan", "left", "right", "match"], default="plan", help="row order")
    kw.add_argument("--out", type=Path, help="write the concordance as CSV here instead of printing it (a .csv file; "
                                             "an existing file only if this package wrote it, or with --force)")
    kw.add_argument("--timeout", type=float, default=KWIC_TIMEOUT, metavar="SECONDS",
                    help=f"CPU seconds the search may take on one plan (default: {KWIC_TIMEOUT:g}); a pattern that "
                         "takes longer is stopped with an error")
    _force_option(kw, "--out")

    ex = sub.add_parser("export-qdpx", parents=[common], help="write the coding as a REFI-QDA project (.qdpx)",
                        description="Export the normalised texts, the plans' metadata, the codebook and every coded "
                                    "fact as a REFI-QDA 1.5 project that NVivo, MAXQDA, ATLAS.ti and QualCoder open.")
    ex.add_argument("--out", type=Path, required=True, help="the .qdpx file to write (an existing file only if this "
                                                            "package wrote it, or with --force)")
    ex.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    ex.add_argument("--no-validate", action="store_true", help="skip the check against the REFI-QDA schema")
    _force_option(ex, "--out")

    im = sub.add_parser("import-qdpx", parents=[common], help="compare a reviewed .qdpx with the package's coding",
                        description="Read a REFI-QDA project a coder reviewed or extended and report, code by code, "
                                    "how the human coding agrees with the package's (overlap precision, recall, F1, "
                                    "Krippendorff's alpha).")
    im.add_argument("file", type=Path, help="the .qdpx file")
    im.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    im.add_argument("--csv", type=Path, help="also write the agreement table as CSV here (a .csv file; an existing "
                                             "file only if this package wrote it, or with --force)")
    im.add_argument("--all-codes", action="store_true", help="list every code, not only those with selections")
    _force_option(im, "--csv")
    im.add_argument("--max-members", type=int, default=limits.MAX_MEMBERS, metavar="N",
                    help=f"refuse a zip of more entries (default: {limits.MAX_MEMBERS:,})")
    im.add_argument("--max-member-mb", type=float, default=limits.MAX_MEMBER_BYTES / 2**20, metavar="MB",
                    help="refuse to unpack a member larger than this "
                         f"(default: {limits.MAX_MEMBER_BYTES / 2**20:g})")
    im.add_argument("--max-total-mb", type=float, default=limits.MAX_TOTAL_BYTES / 2**20, metavar="MB",
                    help=f"refuse to unpack more than this in all (default: {limits.MAX_TOTAL_BYTES / 2**20:g})")
    im.add_argument("--max-ratio", type=float, default=limits.MAX_RATIO, metavar="R",
                    help="refuse a member of over 1 MB that unpacks more than R times its stored size "
                         f"(default: {limits.MAX_RATIO:g})")

    dc = sub.add_parser("docs", parents=[common], help="regenerate the generated docs pages and build the site",
                        description="Rewrite docs/data-dictionary.md and docs/parameters.md from the code, then "
                                    "build the HTML documentation with MkDocs (strict: broken links fail).")
    dc.add_argument("--check", action="store_true", help="only report generated pages that are out of date (exit 2)")
    dc.add_argument("--site", type=Path, default=paths.ROOT / "site", help="site folder (default: site/)")
    dc.add_argument("--no-site", action="store_true", help="regenerate the pages without building the site")

    _validation_parsers(sub, common)

    sy = sub.add_parser("synth", parents=[common], help="write a synthetic corpus of N plans with its truth (repository tooling)")
    sy.add_argument("--plans", type=int, required=True, help="number of plans")
    sy.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    sy.add_argument("--out", type=Path, required=True, help="folder to write raw/ and truth/ into")

    be = sub.add_parser("bench", parents=[common], help="benchmark the build on synthetic corpora (repository tooling)")
    be.add_argument("--sizes", default="100,1000,2000", help="comma-separated numbers of plans")
    be.add_argument("--out", type=Path, default=paths.BENCHMARKS / "results.json",
                    help="JSON file to write (an existing file only if an earlier bench wrote it, or with --force)")
    _force_option(be, "--out")
    be.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    be.add_argument("--long-plan", default="10000000,20000000", metavar="CHARS",
                    help="comma-separated lengths of the one-long-plan linearity check; empty skips it "
                         "(default: 10000000,20000000)")
    return p


def _validation_parsers(sub, common: argparse.ArgumentParser) -> None:
    """The validation kit's commands: ``validation-sample`` and ``validation-score``."""
    vs = sub.add_parser("validation-sample", parents=[common],
                        help="a stratified sample of units as an empty REFI-QDA project, with its coding manual",
                        description="Draw a stratified random sample of the build's units (actions and safeguards; "
                                    "strata: plan × target-group line, safeguards apart) and write it as a REFI-QDA "
                                    "project with the codebook as an empty code system, for coders in NVivo, MAXQDA, "
                                    "ATLAS.ti or QualCoder, and the coding manual beside it (OUT-manual.md, "
                                    "OUT-manual.html). See docs/validation.md.")
    vs.add_argument("--size", type=int, required=True, help="units to sample (all units if more)")
    vs.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    vs.add_argument("--out", type=Path, required=True, help="the .qdpx file to write")
    vs.add_argument("--processed", type=Path, default=paths.PROCESSED, help="build folder (default: data/processed)")
    vs.add_argument("--force", action="store_true", help="replace existing files the package did not write")

    sc = sub.add_parser("validation-score", parents=[common],
                        help="agreement of two codings of a sample, and the package's accuracy against them",
                        description="Read two codings of a validation sample (the .qdpx files the coders' QDA "
                                    "programs exported) and optionally an adjudicated one; report Krippendorff's "
                                    "alpha between the coders and the package's precision, recall and F1 against "
                                    "the adjudicated coding (or each coder), per dimension and code, with 95% "
                                    "intervals; write the scores and the confusion counts as CSV.")
    sc.add_argument("first", type=Path, help="the first coder's .qdpx")
    sc.add_argument("second", type=Path, help="the second coder's .qdpx")
    sc.add_argument("--adjudicated", type=Path, help="the adjudicated coding's .qdpx")
    sc.add_argument("--processed", type=Path, default=paths.PROCESSED,
                    help="the build the sample was drawn from (default: data/processed)")
    sc.add_argument("--scores", type=Path, help="CSV of the scores (default: validation_scores.csv beside FIRST)")
    sc.add_argument("--confusion", type=Path,
                    help="CSV of the confusion counts (default: validation_confusion.csv beside FIRST)")
    sc.add_argument("--seed", type=int, default=0, help="seed of the bootstrap intervals (default: 0)")
    sc.add_argument("--all-codes", action="store_true", help="list every code, not only those someone used")
    sc.add_argument("--force", action="store_true", help="replace existing files the package did not write")


def _validation(args: argparse.Namespace) -> int:
    """Carry out ``validation-sample`` or ``validation-score``."""
    if args.command == "validation-sample":
        from analysis.exchange.sample import write_validation_sample

        written = write_validation_sample(args.out, args.size, args.seed, args.processed, force=args.force)
        console.info("wrote " + ", ".join(str(p) for p in written))
        return 0
    from analysis.exchange.score import format_scores, score_codings, write_scores

    for f in [args.first, args.second] + ([args.adjudicated] if args.adjudicated else []):
        if not Path(f).is_file():
            raise BuildError(f"{f}: no such file (a coder's .qdpx).")
    scores, confusion = score_codings(args.first, args.second, args.adjudicated, args.processed, seed=args.seed)
    folder = Path(args.first).parent
    written = write_scores(scores, confusion, args.scores or folder / "validation_scores.csv",
                           args.confusion or folder / "validation_confusion.csv", force=args.force)
    print(format_scores(scores, all_codes=args.all_codes), end="")
    console.info("wrote " + ", ".join(str(p) for p in written))
    return 0


def _quiet_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="count", default=0,
                   help="no progress bars or progress notes (warnings and errors are still printed); twice "
                        "(-qq) is --silent")
    p.add_argument("--silent", action="store_const", const=2, dest="quiet",
                   help="errors only: no progress and no warnings")


def _force_option(p: argparse.ArgumentParser, option: str) -> None:
    p.add_argument("--force", action="store_true",
                   help=f"replace a file at {option} that this package did not write (never a folder)")


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


def _kwic(args: argparse.Namespace) -> None:
    from analysis.compare.kwic import format_kwic, kwic
    from analysis.files import check_writable, csv_bytes, write_owned

    if (args.pattern is None) == (args.code is None):
        raise BuildError("kwic: give a pattern or --code (not both).")
    if args.pattern is not None and not args.pattern:
        raise BuildError("kwic: the pattern is empty; give the text or regular expression to look for.")
    if args.code is not None and not args.code.strip():
        raise BuildError("kwic: --code is empty; give a code such as group:youth or department:cast.")
    if args.window < 0:
        raise BuildError(f"kwic: --window {args.window}: the context is a number of characters, 0 or more.")
    if not args.timeout > 0:
        raise BuildError(f"kwic: --timeout {args.timeout:g}: give a number of seconds above 0.")
    plans = None
    if args.plans is not None:
        plans = [p.strip() for p in args.plans.split(",") if p.strip()]
        if not plans:
            raise BuildError(f"kwic: --plans {args.plans!r} names no plan; give comma-separated plan ids.")
    if args.out:
        check_writable(args.out, suffixes=(".csv",), force=args.force)
    try:
        df = kwic(args.pattern, args.processed, code=args.code, regex=not args.literal, window=args.window,
                  plans=plans, sort=args.sort, timeout=args.timeout)
    except FileNotFoundError as exc:
        raise BuildError(str(exc)) from None
    except (ValueError, KeyError) as exc:
        raise BuildError(f"kwic: {exc}") from None
    if args.out:
        written = write_owned(args.out, csv_bytes(df), written_by="python -m analysis kwic", suffixes=(".csv",),
                              force=args.force)
        console.info(f"{len(df)} hits -> {args.out}" + ("" if written else " (unchanged)"))
    else:
        print(format_kwic(df))


def _digest(path: Path) -> str | None:
    """SHA-256 of a regular file, None for anything else (to tell whether a command changed it)."""
    import hashlib

    p = Path(path)
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else None


def _import_limits(args: argparse.Namespace):
    from analysis.exchange import ImportLimits

    values = {"--max-members": args.max_members, "--max-member-mb": args.max_member_mb,
              "--max-total-mb": args.max_total_mb, "--max-ratio": args.max_ratio}
    bad = [f"{k} {v:g}" for k, v in values.items() if not v > 0]
    if bad:
        raise BuildError(f"import-qdpx: {', '.join(bad)}: every limit must be above 0.")
    mb = 2**20
    return ImportLimits(members=args.max_members, member_bytes=int(args.max_member_mb * mb),
                        total_bytes=int(args.max_total_mb * mb), ratio=args.max_ratio)


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command; raises on failure (see :func:`main`)."""
    if args.command in ("validation-sample", "validation-score"):
        return _validation(args)
    if args.command == "build":
        from analysis.pipeline.run import build

        console.set_quiet(args.quiet)
        c = build(args.raw, args.out, args.codebook, progress=args.quiet == 0, similarity=not args.no_similarity,
                  keep_other_files=args.keep_other_files, strict=args.strict, verbose=args.quiet < 2,
                  params=_params(args.params))
        console.info(f"built {len(c.plans)} plans ({len(c.plans_with_actions)} with actions), "
                     f"{len(c.actions)} actions -> {args.out}")
    elif args.command == "notebooks":
        from analysis.report.notebooks import execute_all

        console.set_quiet(args.quiet)
        # the repository's notebooks save into figures/, whose README lists them; other folders name their own
        ours = Path(args.dir).resolve() == paths.NOTEBOOKS.resolve()
        execute_all(args.dir, quiet=args.quiet > 0, figures_readme=paths.FIGURES if ours else None)
    elif args.command == "report":
        from analysis.report.own_corpus import make_report

        console.set_quiet(args.quiet)
        out = make_report(args.raw, args.out, args.codebook, args.lang, args.keep_other_files,
                          progress=args.quiet == 0, params=_params(args.params))
        console.info(f"report -> {out / 'index.html'}")
    elif args.command == "docs":
        from analysis import docgen

        if args.check:
            stale = docgen.stale_pages()
            if stale:
                raise BuildError(f"docs/: out of date: {', '.join(stale)}; run `python -m analysis docs`.")
            console.info("docs/: generated pages are current")
        else:
            changed = docgen.write_pages(docgen.DOCS, docgen.README)
            console.info(f"docs/: {', '.join(changed) if changed else 'no page'} rewritten")
            if not args.no_site:
                console.info(f"site -> {docgen.build_site(args.site)}")
    elif args.command == "kwic":
        _kwic(args)
    elif args.command == "export-qdpx":
        from analysis.exchange import export_qdpx, validate_qdpx

        before = _digest(args.out)
        out = export_qdpx(args.out, args.processed, force=args.force)
        if not args.no_validate:
            from analysis.exchange import ImportLimits

            big = 2**62  # our own file, just written: no limit on what it may unpack
            problems = validate_qdpx(out, limits=ImportLimits(members=big, member_bytes=big, total_bytes=big,
                                                              ratio=big, directory_bytes=big))
            if problems:
                raise BuildError(f"{out}: the project was written but does not validate against the REFI-QDA "
                                 "schema:\n  - " + "\n  - ".join(problems[:20]))
        console.info(f"wrote {out}" if _digest(out) != before else f"{out} unchanged (it already held this export)")
    elif args.command == "import-qdpx":
        from analysis.exchange import format_agreement, import_qdpx
        from analysis.files import check_writable, csv_bytes, write_owned

        lim = _import_limits(args)
        if args.csv:
            check_writable(args.csv, suffixes=(".csv",), force=args.force, option="--csv")
        df = import_qdpx(args.file, args.processed, limits=lim)
        if args.csv:
            write_owned(args.csv, csv_bytes(df), written_by="python -m analysis import-qdpx", suffixes=(".csv",),
                        force=args.force, option="--csv")
        print(format_agreement(df, all_codes=args.all_codes))
    elif args.command == "synth":
        try:
            _benchmarks("synth").generate(args.plans, args.seed, args.out)
        except ValueError as exc:
            raise BuildError(f"synth: {exc}") from None
    elif args.command == "bench":
        sizes, longp = _positive_ints(args.sizes, "--sizes"), _positive_ints(args.long_plan, "--long-plan")
        bench = _benchmarks("bench")
        bench.check_out(args.out, force=args.force)
        try:
            bench.run_bench(sizes, args.out, seed=args.seed, long_plan=tuple(longp), force=args.force)
        except ValueError as exc:
            raise BuildError(f"bench: {exc}") from None
    return 0


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
