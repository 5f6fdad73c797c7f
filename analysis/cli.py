"""Command line: ``python -m analysis {build,notebooks,synth,bench}``.

``synth`` and ``bench`` are test and benchmark tooling that live in the repository's ``benchmarks/``
folder, not in the library: they run from a checkout of the repository.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import BuildError


def _benchmarks(name: str):
    """``benchmarks.<name>`` from the repository checkout the package is installed from."""
    import importlib

    if not (paths.ROOT / "benchmarks" / "__init__.py").is_file():
        raise BuildError(f"`{name}` needs the repository's benchmarks/ folder next to the package "
                         f"({paths.ROOT}); run it from a checkout of the repository.")
    if str(paths.ROOT) not in sys.path:
        sys.path.insert(0, str(paths.ROOT))
    return importlib.import_module(f"benchmarks.{name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="raw texts -> data/processed (all tables)")
    b.add_argument("--raw", type=Path, default=paths.RAW, help="folder with the plans and manifest.csv")
    b.add_argument("--out", type=Path, default=paths.PROCESSED, help="folder to (re)write")
    b.add_argument("--codebook", type=Path, default=None, help="codebook YAML (default: the package's)")
    b.add_argument("--no-similarity", action="store_true", help="only the per-plan tables (faster)")
    b.add_argument("--quiet", action="store_true", help="no progress bars")

    nb = sub.add_parser("notebooks", help="execute every notebook in place (writes figures/)")
    nb.add_argument("--dir", type=Path, default=paths.NOTEBOOKS)

    sy = sub.add_parser("synth", help="write a synthetic corpus of N plans (with its truth)")
    sy.add_argument("--plans", type=int, required=True)
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--out", type=Path, required=True)

    be = sub.add_parser("bench", help="benchmark the build on synthetic corpora")
    be.add_argument("--sizes", default="100,1000,2000", help="comma-separated numbers of plans")
    be.add_argument("--out", type=Path, default=paths.BENCHMARKS / "results.json")
    be.add_argument("--seed", type=int, default=0)

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from analysis.pipeline.run import build

            c = build(args.raw, args.out, args.codebook, progress=not args.quiet,
                      similarity=not args.no_similarity)
            print(f"built {len(c.documents)} plans, {len(c.actions)} actions -> {args.out}")
        elif args.command == "notebooks":
            from analysis.report.notebooks import execute_all

            execute_all(args.dir)
        elif args.command == "synth":
            generate = _benchmarks("synth").generate
            generate(args.plans, args.seed, args.out)
        elif args.command == "bench":
            run_bench = _benchmarks("bench").run_bench
            run_bench([int(x) for x in args.sizes.split(",") if x], args.out, seed=args.seed)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
