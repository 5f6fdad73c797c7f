"""Command line: ``python -m analysis {build,figures,synth,bench}``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config
from .errors import BuildError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="raw texts -> data/processed (all tables)")
    b.add_argument("--raw", type=Path, default=config.RAW, help="folder with the plans and manifest.csv")
    b.add_argument("--out", type=Path, default=config.PROCESSED, help="folder to (re)write")
    b.add_argument("--codebook", type=Path, default=None, help="codebook YAML (default: the package's)")
    b.add_argument("--no-similarity", action="store_true", help="only the per-plan tables (faster)")
    b.add_argument("--quiet", action="store_true", help="no progress bars")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from .build import build

            c = build(args.raw, args.out, args.codebook, progress=not args.quiet,
                      similarity=not args.no_similarity)
            print(f"built {len(c.documents)} plans, {len(c.actions)} actions -> {args.out}")
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
