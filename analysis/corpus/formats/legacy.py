"""Legacy binary documents (Word 97-2003 ``.doc``, WPS ``.wps``; also ``.rtf`` and ``.odt``) through a
converter installed on the machine.

The converters are tried in the order of :data:`CONVERTERS`; the first one found on the ``PATH`` that
handles the format and succeeds is used, and recorded (name and version) in ``documents.csv``:

- LibreOffice (``soffice`` or ``libreoffice``): ``--headless --convert-to "txt:Text (encoded):UTF8"``, with
  a user profile of its own, so it neither needs nor touches a running LibreOffice;
- ``antiword -m UTF-8.txt -w 0`` (one paragraph a line);
- ``catdoc -d utf-8 -w`` (one paragraph a line).

Each runs on a copy of the file in a temporary folder outside the raw folder (LibreOffice writes lock files
next to what it opens), in a session of its own that is killed, with everything it started, after
:data:`TIMEOUT_SECONDS`, and dies with the build.  Its output must decode as plausible Chinese
(:func:`analysis.corpus.decode.decode_bytes`).  Without a converter the file is refused, with the command
that converts it to ``.docx`` (read with its numbering kept).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.corpus.formats.base import FORMAT_NAMES, Decoded, Note, clean_lines, drop_controls, one_line
from analysis.errors import BuildError

#: Seconds a converter may take on one file.
TIMEOUT_SECONDS = 120
#: Bytes of converted text a converter may write.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
_EXT = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}


@dataclass(frozen=True)
class Converter:
    """A converter program: its ``name``, the executables that may provide it, the formats it reads."""

    name: str
    executables: tuple[str, ...]
    formats: frozenset[str]


#: The converters, in the order they are tried.
CONVERTERS = (
    Converter("LibreOffice", ("soffice", "libreoffice"), frozenset({"doc", "wps", "rtf", "odt"})),
    Converter("antiword", ("antiword",), frozenset({"doc", "wps"})),
    Converter("catdoc", ("catdoc",), frozenset({"doc", "wps"})),
)


def available(fmt: str, path: str | None = None) -> list[tuple[Converter, str]]:
    """The converters for *fmt* found on *path* (default: the ``PATH``), with their executables, in order.

    Parameters
    ----------
    fmt : str
        A legacy format: ``doc``, ``wps``, ``rtf`` or ``odt``.
    path : str, optional
        A search path like ``PATH``; None means the process's ``PATH``.

    Returns
    -------
    list of (Converter, str)
        Each converter of :data:`CONVERTERS` that reads *fmt* and has an executable on the path, with that
        executable's full path, in :data:`CONVERTERS` order.
    """
    found = []
    for conv in CONVERTERS:
        if fmt not in conv.formats:
            continue
        for exe in conv.executables:
            where = shutil.which(exe, path=path)
            if where:
                found.append((conv, where))
                break
    return found


#: Runs a command that dies with its parent (PR_SET_PDEATHSIG survives exec): thread-safe, unlike preexec_fn.
_LAUNCHER = ("import ctypes, os, sys\n"
             "try:\n    ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)\nexcept Exception:\n    pass\n"
             "if os.getppid() != int(sys.argv[1]):\n    sys.exit(1)\n"
             "os.execvp(sys.argv[2], sys.argv[2:])\n")


def _run(argv: list[str], cwd: Path, env: dict, timeout: float) -> subprocess.CompletedProcess:
    """Run *argv* in a session of its own; on a timeout or an interruption kill it and all it started."""
    full = [sys.executable, "-I", "-c", _LAUNCHER, str(os.getpid()), *argv] if sys.platform.startswith("linux") \
        else argv
    proc = subprocess.Popen(full, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    with contextlib.suppress(ProcessLookupError, PermissionError):  # helpers it left behind
        os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


@lru_cache(maxsize=None)
def converter_version(exe: str, name: str) -> str:
    """``"NAME VERSION"`` of a converter executable (``"NAME"`` when it does not say)."""
    for args in (["--version"], ["-V"], []):
        try:
            with tempfile.TemporaryDirectory() as tmp:
                r = _run([exe, *args], Path(tmp), {**os.environ, "HOME": tmp}, 30)
        except (OSError, subprocess.SubprocessError):
            continue
        m = re.search(rb"(?i)(?:version|libreoffice)\s*:?\s*v?(\d+(?:\.\d+)+)", r.stdout + r.stderr)
        if m:
            return f"{name} {m.group(1).decode('ascii')}"
    return name


def _convert(conv: Converter, exe: str, data: bytes, fmt: str, tmp: Path) -> bytes:
    src = tmp / f"document{_EXT[fmt]}"
    src.write_bytes(data)
    env = {**os.environ, "HOME": str(tmp), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    if conv.name == "LibreOffice":
        out_dir = tmp / "out"
        argv = [exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out_dir), str(src)]
        r = _run(argv, tmp, env, TIMEOUT_SECONDS)
        result = out_dir / "document.txt"
        if not result.is_file():
            raise RuntimeError(_tail(r) or f"exit status {r.returncode}, no output")
        if result.stat().st_size > MAX_OUTPUT_BYTES:
            raise RuntimeError(f"more than {MAX_OUTPUT_BYTES // 2**20} MB of text")
        return result.read_bytes()
    argv = ([exe, "-m", "UTF-8.txt", "-w", "0", str(src)] if conv.name == "antiword"
            else [exe, "-d", "utf-8", "-w", str(src)])
    r = _run(argv, tmp, env, TIMEOUT_SECONDS)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError(_tail(r) or f"exit status {r.returncode}, no output")
    if len(r.stdout) > MAX_OUTPUT_BYTES:
        raise RuntimeError(f"more than {MAX_OUTPUT_BYTES // 2**20} MB of text")
    return r.stdout


def _tail(r: subprocess.CompletedProcess) -> str:
    text = (r.stderr or b"").decode("utf-8", "replace").strip().splitlines()
    return text[-1][:200] if text else ""


def convert_command(name: str | Path, fmt: str) -> str:
    """The command that converts the raw file to a ``.docx`` a researcher can list instead.

    Parameters
    ----------
    name : str or path
        The raw file (only its base name is used).
    fmt : str
        Its format (the command is the same for every legacy format).

    Returns
    -------
    str
        A LibreOffice command line writing the ``.docx`` into ``converted/``.
    """
    return f"soffice --headless --convert-to docx --outdir converted/ {Path(str(name)).name}"


def read_legacy(data: bytes, name: str | Path, fmt: str, path: str | None = None) -> Decoded:
    """Read a legacy document's bytes through a converter (see the module docstring).

    Parameters
    ----------
    data : bytes
        The file.
    name : str or Path
        The raw file, for messages.
    fmt : str
        ``doc``, ``wps``, ``rtf`` or ``odt``.
    path : str, optional
        Where to look for converters (default: the ``PATH``).

    Returns
    -------
    Decoded
    """
    from analysis.corpus.decode import decode_bytes

    what = FORMAT_NAMES[fmt]
    found = available(fmt, path)
    if not found:
        names = " / ".join("/".join(c.executables) for c in CONVERTERS if fmt in c.formats)
        raise BuildError(f"{name}: a {what}; reading it needs a converter and none is installed (looked for "
                         f"{names}). Install LibreOffice and build again, or convert the file and list the .docx "
                         f"in the manifest instead: `{convert_command(name, fmt)}`.")
    failures = []
    raw_dir = Path(str(name)).resolve().parent
    for conv, exe in found:
        with tempfile.TemporaryDirectory(prefix="analysis-convert-") as tmp:
            tmp_path = Path(tmp).resolve()
            if raw_dir == tmp_path or raw_dir in tmp_path.parents:
                raise BuildError(f"{name}: the temporary folder {tmp_path} lies inside the raw folder; set TMPDIR "
                                 "to a folder outside it and build again.")
            try:
                out = _convert(conv, exe, data, fmt, tmp_path)
            except subprocess.TimeoutExpired:
                failures.append(f"{conv.name}: took more than {TIMEOUT_SECONDS} s")
                continue
            except (OSError, RuntimeError) as err:
                failures.append(f"{conv.name}: {one_line(err)}")
                continue
        try:
            text, _ = decode_bytes(out, f"{name} (as converted by {conv.name})")
        except BuildError as err:
            failures.append(f"{conv.name}: {one_line(err)}")
            continue
        text, n_controls = drop_controls(clean_lines(text.lstrip("\ufeff").splitlines()))
        notes = [Note("conversion", f"converted by {converter_version(exe, conv.name)} ({exe})")]
        if n_controls:
            notes.append(Note("conversion", "removed control characters", count=n_controls))
        return Decoded(text, "", fmt, converter_version(exe, conv.name), tuple(notes))
    raise BuildError(f"{name}: a {what} that no converter could read ({'; '.join(failures)}). Open it in Word, "
                     f"WPS or LibreOffice and save it as .docx, or convert it: `{convert_command(name, fmt)}`.")


__all__ = ["read_legacy", "available", "CONVERTERS", "Converter", "converter_version", "convert_command",
           "TIMEOUT_SECONDS"]
