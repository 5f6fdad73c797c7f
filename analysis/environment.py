"""Which Python runs the package: the modules it needs, and what to say when they are missing.

``python -m analysis`` run with a Python that lacks the dependencies (the system's ``python3`` instead of
the project's ``.venv``) is a problem of the environment, not a bug: :mod:`analysis.__main__` checks for
the dependencies before anything heavy is imported and names the environment to use.  This module imports
nothing outside the standard library, and its syntax runs on old Pythons too, so that the message can be
printed by any ``python3``.
"""
import importlib.util
import sys
from pathlib import Path

#: Import names of the runtime dependencies (pyproject.toml's ``dependencies``).
DEPENDENCIES = ("pandas", "numpy", "scipy", "matplotlib", "sklearn", "threadpoolctl", "jieba", "opencc", "networkx",
                "yaml", "tqdm", "mplfonts", "nbformat", "nbclient", "nbconvert", "ipykernel", "krippendorff",
                "seaborn", "regex", "docx", "pdfplumber", "trafilatura", "lxml")
#: The oldest Python the package runs on.
MIN_PYTHON = (3, 11)


def is_dependency(module) -> bool:
    """True if *module* (a dotted name, or None) is one of the package's dependencies or inside one."""
    return bool(module) and str(module).split(".")[0] in DEPENDENCIES


def missing_dependencies() -> list:
    """The dependencies this Python cannot import (found without importing them)."""
    missing = []
    for name in DEPENDENCIES:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


def missing_message(missing) -> str:
    """The ``error:`` text for a Python that lacks *missing* (or is too old): the environment to use."""
    root = Path(__file__).resolve().parents[1]
    venv = root / ".venv" / "bin" / "python"
    what = ("this Python ({0}, {1}.{2}) is older than the package needs ({3}.{4})".format(
        sys.executable, sys.version_info[0], sys.version_info[1], *MIN_PYTHON) if not missing else
        "this Python ({0}) lacks the package's dependencies (no module {1}{2})".format(
            sys.executable, ", ".join(repr(m) for m in list(missing)[:3]),
            " and {0} more".format(len(missing) - 3) if len(missing) > 3 else ""))
    where = ("run it with the project's environment: {0} -m analysis …".format(venv) if venv.is_file() else
             "create the project's environment with `make setup` in {0}, then run `.venv/bin/python -m analysis …`"
             .format(root))
    return ("{0}; this is not a bug in the package but the wrong environment: {1} (or activate it with "
            "`source .venv/bin/activate`; `make figures` and `make test` use it by themselves).").format(what, where)


def check() -> str:
    """The message for a Python that cannot run the package, or an empty string when it can."""
    if sys.version_info[:2] < MIN_PYTHON:
        return missing_message([])
    missing = missing_dependencies()
    return missing_message(missing) if missing else ""
