"""``python -m analysis``: see :mod:`analysis.cli`.

The environment is checked first, before anything heavy is imported: a Python without the package's
dependencies gets one ``error:`` line naming the environment to use (:mod:`analysis.environment`), exit 2.
"""
import os
import sys

from analysis import environment
from analysis.cli import EXIT_INTERRUPTED, EXIT_TERMINATED, main  # light: the heavy imports come per command

if __name__ == "__main__":
    problem = environment.check()
    if problem:
        sys.stderr.write("error: " + problem + "\n")
        sys.exit(2)

    code = main()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        # Interrupted: the unfinished output is already removed and the workers end with their parent
        # (processes.py). Leave now rather than wait for the worker pool's threads at interpreter shutdown,
        # which can block, or print a traceback if another signal arrives while they are joined.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
