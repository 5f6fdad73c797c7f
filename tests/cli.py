"""Run ``python -m analysis ARGS`` from the tests, without paying the imports each time.

:func:`run` gives what ``subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True)``
gives -- the exit status and stdout/stderr as text, decoded without newline translation (a ``\\r`` that
glues a message to a progress bar stays visible) -- but the command runs in a process *forked* from a
server that has already imported the package and its dependencies (numpy, pandas, scikit-learn, jieba:
about 2-3 s per process on the test machines).  The forked process is a fresh copy of a process that has
run nothing: it runs ``analysis.__main__`` as ``python -m analysis`` does (``sys.argv``, ``sys.path[0]``,
the working directory and the environment of the call), with stdin from ``/dev/null`` and stdout/stderr
into files of its own; it ends as an interpreter ends (threads joined, ``atexit`` handlers run, output
flushed; only the tear-down of the modules is skipped, which nothing outside the process sees), and its
exit status is read with ``waitpid`` (a negative number when a signal killed it, as ``subprocess`` says).
Process-wide state (a codebook, the quiet flag, signal handlers) therefore starts clean for every call.

What a fork cannot reproduce, :func:`run` leaves to a real interpreter (:func:`fresh`):

- ``env=...`` given, or an environment that differs from the server's in more than pytest's own
  ``PYTEST_*`` variables: variables read when the interpreter starts (``PYTHONHASHSEED``, thread
  counts of BLAS, the locale) cannot be changed after the imports;
- ``fresh=True``: the tests that check the real command line itself (and a few hostile cases kept on it).

The string-hash seed is the server's for every forked call, so a test comparing the output of two
processes for determinism must use :func:`fresh` (or ``env`` with its own ``PYTHONHASHSEED``).

One server per test process, started on the first call and stopped when the test process ends (it reads
its stdin, a pipe from the test process, and leaves when that closes).  Not a test module.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Modules the server imports before it forks: what ``python -m analysis build``, ``report``, ``kwic`` and the
#: exchange commands import (anything else loads in the forked process when it is needed, as in a fresh one).
PRELOAD = ("analysis.cli", "analysis.pipeline.run", "analysis.pipeline.crossplan", "analysis.report.own_corpus",
           "analysis.docgen", "analysis.compare.kwic", "analysis.exchange")

#: Environment variables that may differ between the server and a call forked from it (pytest sets
#: ``PYTEST_CURRENT_TEST`` for each test; nothing reads it at start-up).
_VOLATILE_ENV = ("PYTEST_",)


@dataclass
class Run:
    """Exit status and output of one command."""

    rc: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def fresh(*args, env: dict | None = None, cwd: Path | str | None = None, timeout: float = 300) -> Run:
    """``python -m analysis ARGS`` in a new interpreter (``subprocess.run``), from *cwd* (default: the repository).

    Raises :class:`subprocess.TimeoutExpired` after *timeout* seconds, as ``subprocess.run`` does.
    """
    p = subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd or ROOT, env=env,
                       capture_output=True, timeout=timeout)
    return Run(p.returncode, _decode(p.stdout), _decode(p.stderr))


def run(*args, env: dict | None = None, cwd: Path | str | None = None, timeout: float = 300,
        fresh_process: bool = False) -> Run:
    """``python -m analysis ARGS``: exit status, stdout and stderr (see the module docstring).

    Parameters
    ----------
    *args
        The command line after ``python -m analysis`` (paths and numbers are turned into strings).
    env : dict, optional
        The environment of the command; given, the command runs in a new interpreter (:func:`fresh`).
    cwd : path, optional
        Working directory (default: the repository's root, as ``make`` runs it).
    timeout : float
        Seconds; past it the command and its worker processes are killed and
        :class:`subprocess.TimeoutExpired` is raised.
    fresh_process : bool
        Run in a new interpreter even where a forked one would do.

    Returns
    -------
    Run
        ``rc`` (negative: killed by that signal), ``out`` and ``err`` as text.
    """
    if fresh_process or env is not None or not _forkable():
        return fresh(*args, env=env, cwd=cwd, timeout=timeout)
    return _server().call([str(a) for a in args], str(Path(cwd or ROOT).resolve()), dict(os.environ), timeout)


def _forkable() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and sys.platform != "win32"


# ------------------------------------------------------------------------------------------- the client

_LOCK = threading.Lock()
_SERVER: "_Client | None" = None


def _server() -> "_Client":
    global _SERVER
    with _LOCK:
        if _SERVER is None or _SERVER.proc.poll() is not None:
            _SERVER = _Client()
        return _SERVER


def _send(sock: socket.socket, payload: bytes, fds: list[int] = ()) -> None:
    data = struct.pack("!I", len(payload)) + payload
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.sendall(data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the command server closed the connection")
        buf += chunk
    return buf


def _recv(sock: socket.socket) -> bytes:
    (n,) = struct.unpack("!I", _recv_exact(sock, 4))
    return _recv_exact(sock, n)


class _Client:
    """The test process's side: starts the server and asks it for one command at a time (thread-safe)."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="analysis-cli-")
        self.address = os.path.join(self.dir, "socket")
        self.env = dict(os.environ)
        with open(os.path.join(self.dir, "server.log"), "wb") as log:
            self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", self.address],
                                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        ready = _wait_ready(self.proc, self.address)
        if not ready:
            log = Path(self.dir, "server.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"the test command server did not start:\n{log[-3000:]}")
        atexit.register(self.close)

    def forkable_env(self, env: dict) -> bool:
        keys = set(env) | set(self.env)
        return all(env.get(k) == self.env.get(k) for k in keys if not k.startswith(_VOLATILE_ENV))

    def call(self, argv: list[str], cwd: str, env: dict, timeout: float) -> Run:
        if not self.forkable_env(env):
            return fresh(*argv, env=env, cwd=cwd, timeout=timeout)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(self.address)
            _send(sock, json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode("utf-8"),
                  [out.fileno(), err.fileno()])
            pid = int(_recv(sock))
            sock.settimeout(timeout)
            try:
                status = int(_recv(sock))
            except socket.timeout:
                _kill_group(pid)
                raise subprocess.TimeoutExpired(["python", "-m", "analysis", *argv], timeout) from None
            out.seek(0)
            err.seek(0)
            return Run(status, _decode(out.read()), _decode(err.read()))

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for name in ("socket", "server.log"):
            try:
                os.unlink(os.path.join(self.dir, name))
            except OSError:
                pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


def _wait_ready(proc: subprocess.Popen, address: str, limit: float = 120) -> bool:
    """Wait until the server listens on *address* (True), or has died (False)."""
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if os.path.exists(address + ".ready"):
            return True
        time.sleep(0.02)
    return False


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
            return
        except OSError:
            continue


# ------------------------------------------------------------------------------------------- the server


def _serve(address: str) -> dict | None:
    """Accept requests until stdin closes.  Returns, in a forked command process, its request."""
    import importlib

    sys.path[0] = str(ROOT)  # as `python -m analysis` run from the repository
    for name in PRELOAD:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    Path(address + ".ready").touch()
    stdin = sys.stdin.fileno()
    try:
        while True:
            readable, _, _ = select.select([listener, stdin], [], [], 1.0)
            _reap()
            if stdin in readable and not os.read(stdin, 4096):
                return None  # the test process has gone
            if listener not in readable:
                continue
            conn, _ = listener.accept()
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:  # a handler for this request
                listener.close()
                request = _handle(conn)  # returns only in the command process
                return request
            conn.close()
    finally:
        try:
            os.unlink(address + ".ready")
        except OSError:
            pass


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _handle(conn: socket.socket) -> dict:
    """In the handler process: fork the command process, report its pid and exit status, then leave."""
    try:
        # the descriptors travel with the first bytes: receive those with recv_fds, then the rest
        head, fds, _, _ = socket.recv_fds(conn, 65536, 2)
        while len(head) < 4:
            head += _recv_exact(conn, 4 - len(head))
        (n,) = struct.unpack("!I", head[:4])
        msg = head[4:]
        if len(msg) < n:
            msg += _recv_exact(conn, n - len(msg))
        if len(fds) != 2:
            raise RuntimeError(f"expected stdout and stderr descriptors, got {len(fds)}")
        request = json.loads(msg.decode("utf-8"))
        pid = os.fork()
        if pid == 0:  # the command process
            conn.close()
            os.setpgid(0, 0)  # its own process group: a timeout kills it and its workers together
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(fds[0], 1)
            os.dup2(fds[1], 2)
            for fd in (devnull, *fds):
                os.close(fd)
            return request
        for fd in fds:
            os.close(fd)
        _send(conn, str(pid).encode())
        _, status = os.waitpid(pid, 0)
        _send(conn, str(os.waitstatus_to_exitcode(status)).encode())
    except BaseException:  # noqa: BLE001 - a handler never returns into the server's loop
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _command(request: dict) -> None:
    """In the command process: become ``python -m analysis ARGV`` and run it (ends the process)."""
    import runpy

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["cwd"]  # what `python -m` puts first
    import analysis

    sys.argv = [str(Path(analysis.__file__).with_name("__main__.py")), *request["argv"]]
    try:
        runpy.run_module("analysis", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:  # as the interpreter: the traceback on stderr, status 1
        sys.excepthook(*sys.exc_info())
        code = 1
    _end(code)


def _exit_code(exc: SystemExit) -> int:
    """The status an interpreter ends with on *exc* (printing a message code as it does)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _end(code: int) -> None:
    """End as an interpreter ends -- non-daemon threads joined, ``atexit`` handlers run, stdio flushed -- but
    without tearing down the modules (in a process forked from a big one that alone takes about 0.5 s, and
    nothing of it is seen outside the process)."""
    import atexit as _atexit
    import threading as _threading

    try:
        _threading._shutdown()
    except Exception:  # noqa: BLE001
        pass
    _atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] != ["--serve"] or len(sys.argv) != 3:
        sys.exit("usage: python tests/cli.py --serve SOCKET (started by tests.cli.run)")
    req = _serve(sys.argv[2])
    if req is not None:
        _command(req)  # runs `python -m analysis ARGV` and ends this process with its status
