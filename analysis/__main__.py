"""``python -m analysis``: see :mod:`analysis.cli`."""
import os
import sys

from analysis.cli import EXIT_INTERRUPTED, EXIT_TERMINATED, main

if __name__ == "__main__":
    code = main()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        # Interrupted: the unfinished output is already removed and the workers end with their parent
        # (processes.py). Leave now rather than wait for the worker pool's threads at interpreter shutdown,
        # which can block, or print a traceback if another signal arrives while they are joined.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
