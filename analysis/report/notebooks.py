"""``python -m analysis notebooks``: execute every report notebook in place, deterministically.

The notebooks are committed with their outputs and checked by nbval, so a
run must (a) leave a notebook byte-identical when nothing it shows changed,
and (b) never leave a half-executed notebook behind.  Hence:

- notebooks ``NN_*.ipynb`` run in name order, each in a fresh ``python3``
  kernel whose working directory is the notebooks folder (relative paths in
  notebooks work from any caller's directory), with ``PYTHONHASHSEED=0``;
- after execution, volatile metadata is dropped (per-cell execution
  timings), execution counts are renumbered 1, 2, ... over code cells that
  ran, missing cell ids (nbformat >= 4.5) are derived from the notebook's
  name and the cell's position instead of drawn at random, and the notebook is
  written with nbformat (indent 1, UTF-8 kept as is, final newline);
- a notebook is written only on success, and atomically (temporary file +
  rename); a failing notebook stops the run with a message that first names
  the cause when it lies in the machine (no space left, a read-only folder, no
  permission, out of memory; Ctrl-C is an interruption), else the notebook, its
  failing cell (position, id, first line) and the exception (type and message);
  the end of the traceback is shown only with ``--debug``; its file is left
  exactly as it was;
- after the notebooks all ran, the ``README.md`` of the figure folder the
  caller names (``python -m analysis notebooks`` names ``figures/`` for the
  repository's notebooks) is rewritten from the figure registry
  (:mod:`analysis.report.figures`), again only if a byte changed.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from analysis.errors import BuildError
from analysis.files import write_if_changed
from analysis.report.figures import README, write_readme

NOTEBOOK_PATTERN = re.compile(r"^\d+_.+\.ipynb$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Seconds a single cell may run (the cluster map's t-SNE and the first CJK font load take a few).
CELL_TIMEOUT = 1200
KERNEL = "python3"


def notebook_paths(notebooks_dir: Path | str) -> list[Path]:
    """The ``NN_*.ipynb`` notebooks of *notebooks_dir*, in name order.

    Parameters
    ----------
    notebooks_dir : path
        The folder (must exist).

    Returns
    -------
    list of pathlib.Path
        Files named like ``01_name.ipynb`` (digits, ``_``, any name).
    """
    folder = Path(notebooks_dir)
    return sorted(p for p in folder.iterdir() if p.is_file() and NOTEBOOK_PATTERN.match(p.name))


def _cell_id(path: Path, index: int) -> str:
    return hashlib.sha1(f"{path.name}:{index}".encode()).hexdigest()[:8]


def clean(nb: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """Drop what varies between runs and renumber executions (see module doc); returns *nb*.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook, changed in place.
    path : pathlib.Path
        Its file (seeds the cell ids filled in).

    Returns
    -------
    nbformat.NotebookNode
        *nb*.
    """
    count = 0
    clean_ids(nb, path)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if cell.source.strip():
            count += 1
            cell.execution_count = count
            cell.outputs = coalesce_streams(cell.outputs)
            for out in cell.outputs:
                if out.get("output_type") == "execute_result":
                    out["execution_count"] = count
        else:
            cell.execution_count = None
            cell.outputs = []
    nb.metadata.pop("widgets", None)
    return nb


def coalesce_streams(outputs: list) -> list:
    """*outputs* with each run of adjacent stream outputs of one name (``stdout``, ``stderr``) merged into one.

    How a kernel's writes are cut into stream messages depends on timing (two warnings may arrive as one
    message or two), so an executed notebook is only deterministic once the runs are merged, as Jupyter's
    own "coalesce streams" step does.

    Parameters
    ----------
    outputs : list of dict
        A code cell's outputs.

    Returns
    -------
    list of dict
        The outputs, adjacent streams of one name merged, in order.
    """
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            text = prev["text"] if isinstance(prev["text"], str) else "".join(prev["text"])
            more = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
            prev["text"] = text + more
        else:
            merged.append(out)
    return merged


def serialize(nb: nbformat.NotebookNode) -> str:
    """The notebook exactly as Jupyter saves it (nbformat: indent 1, sorted keys, non-ASCII kept), final newline.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.

    Returns
    -------
    str
        Its JSON text.
    """
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat 4, filling missing cell ids deterministically *before* validation.

    (``nbformat.read`` would warn about them, and later nbformat versions
    fill them with random ids -- a changed notebook on every fresh run.)

    Parameters
    ----------
    path : pathlib.Path
        The ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, version 4, validated.
    """
    nb = nbformat.reader.reads(path.read_text(encoding="utf-8"))
    if nb.nbformat != 4:
        nb = nbformat.convert(nb, 4)
    clean_ids(nb, path)
    nbformat.validate(nb)
    return nb


def clean_ids(nb: nbformat.NotebookNode, path: Path) -> None:
    if nb.nbformat == 4 and nb.nbformat_minor >= 5:  # cell ids exist from nbformat 4.5 on
        for i, cell in enumerate(nb.cells):
            if not cell.get("id"):
                cell["id"] = _cell_id(path, i)


def execute(path: Path | str, timeout: int = CELL_TIMEOUT, kernel_name: str = KERNEL) -> bool:
    """Execute one notebook in place; True if its file changed.

    Raises :class:`analysis.errors.BuildError` naming the notebook (and the
    failing cell) if execution fails; the file is then untouched.

    Parameters
    ----------
    path : path
        The notebook, run with its folder as working directory and ``PYTHONHASHSEED=0``.
    timeout : int
        Seconds a single cell may run (default :data:`CELL_TIMEOUT`).
    kernel_name : str
        The Jupyter kernel (default :data:`KERNEL`).

    Returns
    -------
    bool
        True if the executed, cleaned notebook (:func:`clean`, :func:`serialize`) differs from the file and
        was written; False if the bytes are the same.
    """
    path = Path(path).resolve()
    nb = read(path)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # the kernel's own log (e.g. its start-up notice about local TCP sockets) is not for the user: errors only
    running: dict[str, int] = {}

    def started(cell, cell_index, **_):  # nbclient's hook: remember which cell runs, to name it if it fails
        running["index"] = cell_index

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, record_timing=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}}, on_cell_start=started)
    try:
        client.execute(env=env, cwd=str(path.parent))
    except CellExecutionError as exc:
        error = _ANSI.sub("", f"{exc.ename}: {exc.evalue}").strip()
        where = _where(nb, running.get("index"))
        if exc.ename == "KeyboardInterrupt":  # Ctrl-C reached the kernel first: the run was interrupted
            raise KeyboardInterrupt from None
        cause = environment_cause(exc.ename, exc.evalue)
        if cause:
            raise BuildError(f"{cause}: notebook {path.name} stopped at {where} ({error}); the notebook was left "
                             "unchanged.", detail=_short(exc)) from None
        raise BuildError(f"notebook {path.name} failed at {where}:\n  {error}\n"
                         "The notebook was left unchanged (--debug shows the end of its traceback).",
                         detail=_short(exc)) from None
    except DeadKernelError as exc:
        raise BuildError(f"the notebook's kernel died (out of memory, or killed): notebook {path.name} stopped at "
                         f"{_where(nb, running.get('index'))}; it was left unchanged.", detail=str(exc)) from None
    except CellTimeoutError as exc:
        raise BuildError(f"notebook {path.name} did not finish at {_where(nb, running.get('index'))} "
                         f"({type(exc).__name__}: {exc}); it was left unchanged.") from None
    return write_if_changed(path, serialize(clean(nb, path)).encode("utf-8"))


#: ``[Errno N]`` of an error in a notebook cell -> the cause in the environment it names.
_ENVIRONMENT_ERRNOS = {errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "the disk quota is exhausted",
                       errno.EROFS: "the output folder is on a read-only file system",
                       errno.EACCES: "no permission to write there", errno.EPERM: "no permission to write there"}


def environment_cause(ename: str, evalue: str) -> str | None:
    """The cause in the machine of a cell's error (disk full, read-only, no permission, out of memory), or None.

    Parameters
    ----------
    ename, evalue : str
        The exception's type name and message, as the kernel reports them.

    Returns
    -------
    str or None
        A phrase that starts the ``error:`` message (``no space left on the disk``); None for an error of the
        notebook's own code.
    """
    if ename == "MemoryError":
        return "the machine ran out of memory"
    m = re.search(r"\[Errno (\d+)\]", evalue or "")
    if m and ename.endswith(("Error", "OSError")):
        return _ENVIRONMENT_ERRNOS.get(int(m.group(1)))
    return None


def _where(nb: nbformat.NotebookNode, index: int | None) -> str:
    """``cell 12 (id 1954784e, first line: fig = ...)``: the cell at *index*, numbered 1, 2, ... over the cells
    of the notebook as committed (a cell the report inserts, tagged ``injected-parameters``, is not counted)."""
    if index is None or not 0 <= index < len(nb.cells):
        return "a cell not known"
    cell = nb.cells[index]
    number = 1 + sum(1 for c in nb.cells[:index] if "injected-parameters" not in c.get("metadata", {}).get("tags", []))
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    first = first if len(first) <= 80 else first[:77] + "..."
    ident = f"id {cell['id']}, " if cell.get("id") else ""
    return f"cell {number} ({ident}first line: {first})"


def _short(exc: Exception, lines: int = 25) -> str:
    """The end of an execution error (the traceback's last lines name the cell and the error)."""
    text = _ANSI.sub("", str(exc)).strip().splitlines()
    return "\n".join(text[-lines:])


def execute_all(notebooks_dir: Path | str, timeout: int = CELL_TIMEOUT, quiet: bool = False,
                figures_readme: Path | str | None = None) -> list[Path]:
    """Execute every ``NN_*.ipynb`` of *notebooks_dir* in name order, in place; stop at the first failure.

    Notebooks after a failing one are not run (their results could depend on the failing one's figures or
    tables).

    Parameters
    ----------
    notebooks_dir : path
        The folder of the notebooks (rewritten in place, each only if a byte changed).
    timeout : int
        Seconds a cell may take.
    quiet : bool
        Print nothing (otherwise one line per notebook: ``updated`` or ``unchanged``).
    figures_readme : path, optional
        A figure folder whose ``README.md`` is rewritten from :data:`analysis.report.figures.FIGURES` after a
        successful run (:func:`analysis.report.figures.write_readme`); None: none is written.
        ``python -m analysis notebooks`` passes the repository's ``figures/`` when it runs the repository's
        ``notebooks/``.

    Returns
    -------
    list of Path
        The notebooks executed.

    Raises
    ------
    BuildError
        No notebook in the folder, or a notebook failed (the message names it and its failing cell).
    """
    found = notebook_paths(notebooks_dir)
    if not found:
        raise BuildError(f"{notebooks_dir}: no notebooks named NN_*.ipynb to execute.")
    for p in found:
        changed = execute(p, timeout=timeout)
        if not quiet:
            print(f"{p.name}: {'updated' if changed else 'unchanged'}")
    if figures_readme is not None:
        changed = write_readme(figures_readme)
        if not quiet:
            print(f"{Path(figures_readme).name}/{README}: {'updated' if changed else 'unchanged'}")
    return found


__all__ = ["execute_all", "execute", "notebook_paths", "read", "clean", "serialize"]
