"""Worker processes that die with their parent, and pools that stop at once when the build stops.

:func:`worker_pool` is the one way the library starts worker processes.  Each
worker asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``
on Linux; elsewhere a watchdog thread notices the parent is gone), so a build
killed with SIGKILL leaves no workers behind; and when the parent stops on an
error, Ctrl-C or SIGTERM, pending tasks are cancelled and the workers are
terminated instead of being waited for.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Make this process exit when its parent process *parent* (default: the current parent) dies."""
    parent = parent or os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _watchdog(parent)
    else:
        _watchdog(parent)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
    # a worker ignores Ctrl-C: the parent decides what stops, and terminates its workers.  It was forked with
    # SIGINT blocked (:class:`_Pool`), so a Ctrl-C that came before this line is pending, and now discarded.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _watchdog(parent: int) -> None:
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, daemon=True, name="die-with-parent").start()


def _init(parent: int, initializer: Callable | None, initargs: tuple) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


class _Pool(ProcessPoolExecutor):
    """A pool that forks its workers with SIGINT blocked (they are forked when tasks are submitted).

    A Ctrl-C reaches the whole process group: a worker forked just before it, and not yet ignoring SIGINT,
    would die in its start-up and could leave the pool waiting for it.  Blocked at the fork, the signal stays
    pending in the worker until :func:`die_with_parent` ignores it; in this process it is delivered as soon as
    the submission returns.
    """

    def submit(self, fn, /, *args, **kwargs):
        if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
            return super().submit(fn, *args, **kwargs)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def worker_pool(max_workers: int, initializer: Callable | None = None,
                initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    """A :class:`ProcessPoolExecutor` whose workers die with the parent and stop when it stops."""
    pool = _Pool(max_workers=max_workers, initializer=_init,
                 initargs=(os.getpid(), initializer, initargs))
    try:
        yield pool
    except BaseException:
        procs = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(timeout=5)
        raise
    else:
        pool.shutdown(wait=True)


def release_memory() -> None:
    """Collect garbage and hand the heap's free pages back to the system (glibc's ``malloc_trim``).

    Called between the stages of a build: memory freed by one stage otherwise stays in this process's
    resident set, and in every worker forked from it.  Changes no result; elsewhere than glibc it only
    collects garbage.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


__all__ = ["worker_pool", "die_with_parent", "release_memory"]
