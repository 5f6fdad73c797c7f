"""The command line's parser: every command and option of ``python -m analysis`` (its help is their reference).

Kept light: argparse and the package's paths and limits only, so ``python -m analysis --help`` starts at once.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis import limits, paths
from analysis.limits import KWIC_TIMEOUT


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
    be.add_argument("--sizes", default="100,1000,2000,10000", help="comma-separated numbers of plans")
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


def _quiet_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="count", default=0,
                   help="no progress bars or progress notes (warnings and errors are still printed); twice "
                        "(-qq) is --silent")
    p.add_argument("--silent", action="store_const", const=2, dest="quiet",
                   help="errors only: no progress and no warnings")


def _force_option(p: argparse.ArgumentParser, option: str) -> None:
    p.add_argument("--force", action="store_true",
                   help=f"replace a file at {option} that this package did not write (never a folder)")


__all__ = ["parser"]
