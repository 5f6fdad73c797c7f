"""Errors that stop the build with a message a researcher can act on."""
from __future__ import annotations


class BuildError(Exception):
    """Bad input: the message names the file (and line or byte) and what to do.

    The command line prints the message without a traceback and exits with 2;
    nothing in the output directory is replaced when it is raised.

    Parameters
    ----------
    message : str
        What is wrong and what to do (the ``error:`` line).
    detail : str, optional
        More for whoever debugs it (a notebook's traceback): printed only with ``--debug``.
    """

    def __init__(self, message: str = "", detail: str | None = None):
        super().__init__(message)
        self.detail = detail
