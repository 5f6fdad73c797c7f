"""What each command of ``python -m analysis`` does, once parsed (:func:`analysis.cli.run` dispatches here).

The library is imported inside each command on purpose: ``python -m analysis`` must start (and print its
help, or an ``error:`` line about the environment) without loading pandas, scikit-learn or matplotlib, and a
command loads only what it uses.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from analysis import console, paths
from analysis.errors import BuildError


def _benchmarks(name: str):
    """``benchmarks.<name>`` from the repository checkout the package is installed from."""
    if not (paths.ROOT / "benchmarks" / "__init__.py").is_file():
        raise BuildError(f"`{name}` needs the repository's benchmarks/ folder next to the package "
                         f"({paths.ROOT}); run it from a checkout of the repository.")
    if str(paths.ROOT) not in sys.path:
        sys.path.insert(0, str(paths.ROOT))
    return importlib.import_module(f"benchmarks.{name}")


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


def _build(args: argparse.Namespace) -> int:
    from analysis.pipeline.run import build

    console.set_quiet(args.quiet)
    c = build(args.raw, args.out, args.codebook, progress=args.quiet == 0, similarity=not args.no_similarity,
              keep_other_files=args.keep_other_files, strict=args.strict, verbose=args.quiet < 2,
              params=_params(args.params), reuse=not args.no_cache)
    reused = f"; {len(c.reused)} unchanged since the last build, not extracted again" if c.reused else ""
    console.info(f"built {len(c.plans)} plans ({len(c.plans_with_actions)} with actions), "
                 f"{len(c.actions)} actions{reused} -> {args.out}")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from analysis.report.notebooks import execute_all

    console.set_quiet(args.quiet)
    # the repository's notebooks save into figures/, whose README lists them; other folders name their own
    ours = Path(args.dir).resolve() == paths.NOTEBOOKS.resolve()
    execute_all(args.dir, quiet=args.quiet > 0, figures_readme=paths.FIGURES if ours else None)
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis.report.own_corpus import make_report

    console.set_quiet(args.quiet)
    out = make_report(args.raw, args.out, args.codebook, args.lang, args.keep_other_files,
                      progress=args.quiet == 0, params=_params(args.params))
    console.info(f"report -> {out / 'index.html'}")
    return 0


def _docs(args: argparse.Namespace) -> int:
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
    return 0


def _export_qdpx(args: argparse.Namespace) -> int:
    from analysis.exchange import ImportLimits, export_qdpx, validate_qdpx

    before = _digest(args.out)
    out = export_qdpx(args.out, args.processed, force=args.force)
    if not args.no_validate:
        big = 2**62  # our own file, just written: no limit on what it may unpack
        problems = validate_qdpx(out, limits=ImportLimits(members=big, member_bytes=big, total_bytes=big,
                                                          ratio=big, directory_bytes=big))
        if problems:
            raise BuildError(f"{out}: the project was written but does not validate against the REFI-QDA "
                             "schema:\n  - " + "\n  - ".join(problems[:20]))
    console.info(f"wrote {out}" if _digest(out) != before else f"{out} unchanged (it already held this export)")
    return 0


def _import_qdpx(args: argparse.Namespace) -> int:
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
    return 0


def _synth(args: argparse.Namespace) -> int:
    try:
        _benchmarks("synth").generate(args.plans, args.seed, args.out)
    except ValueError as exc:
        raise BuildError(f"synth: {exc}") from None
    return 0


def _bench(args: argparse.Namespace) -> int:
    sizes, longp = _positive_ints(args.sizes, "--sizes"), _positive_ints(args.long_plan, "--long-plan")
    bench = _benchmarks("bench")
    bench.check_out(args.out, force=args.force)
    try:
        bench.run_bench(sizes, args.out, seed=args.seed, long_plan=tuple(longp), force=args.force)
    except ValueError as exc:
        raise BuildError(f"bench: {exc}") from None
    return 0


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


def _kwic(args: argparse.Namespace) -> int:
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
    return 0


def _digest(path: Path) -> str | None:
    """SHA-256 of a regular file, None for anything else (to tell whether a command changed it)."""
    p = Path(path)
    from analysis.files import file_sha256  # files imports pandas: the command line checks the environment first

    return file_sha256(p) if p.is_file() and not p.is_symlink() else None


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


#: command -> the function that carries it out (by name: :func:`analysis.cli.run` looks it up when it runs)
HANDLERS = {"build": "_build", "notebooks": "_notebooks", "report": "_report", "docs": "_docs", "kwic": "_kwic",
            "export-qdpx": "_export_qdpx", "import-qdpx": "_import_qdpx", "validation-sample": "_validation",
            "validation-score": "_validation", "synth": "_synth", "bench": "_bench"}

__all__ = ["HANDLERS"]
