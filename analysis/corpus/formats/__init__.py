"""Reading raw files in the formats plans come in: text, web pages, Word, PDF, legacy Word/WPS.

:func:`read_document` is the one entry point: it detects the format from the bytes (:mod:`.detect`), reads
the file with the reader of that format, and returns a :class:`Decoded`: the text every offset of the build
points at (the decoded text of a plain-text file, the converted text of any other format), the encoding,
the source format, the converter (name and version) and notes for the QA report.  The raw file is only
read.  One module per format: :mod:`.html` (and ``.mht``, with :mod:`.page` and :mod:`.fields`),
:mod:`.docx` (with :mod:`.numbering`),
:mod:`.pdf`, :mod:`.legacy` (``.doc``, ``.wps``, ``.rtf``, ``.odt`` through a converter on the machine).
"""
from __future__ import annotations

from pathlib import Path

from analysis.corpus.formats.base import FORMAT_NAMES, MAX_FILE_BYTES, Decoded, Note
from analysis.corpus.formats.detect import detect
from analysis.errors import BuildError


def read_bytes(path: Path) -> bytes:
    """The bytes of the raw file at *path*, refusing one over :data:`MAX_FILE_BYTES`.

    Parameters
    ----------
    path : path
        The raw file.

    Returns
    -------
    bytes

    Raises
    ------
    BuildError
        If the file cannot be read or is larger than :data:`MAX_FILE_BYTES` (200 MB).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise BuildError(f"{path}: cannot be read ({err.strerror}).") from None
    if size > MAX_FILE_BYTES:
        raise BuildError(f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES // 2**20} MB a plan file may have; "
                         "this is not a plan text (check the file), or save the plan's text alone as UTF-8 text.")
    return path.read_bytes()


def read_document(path: Path) -> Decoded:
    """Read the raw file at *path* in whatever format it is in.

    Parameters
    ----------
    path : Path
        The raw file (never changed).

    Returns
    -------
    Decoded
        The text every offset points at and how it was obtained.

    Raises
    ------
    BuildError
        One line naming the file and what to do, for a file that cannot be read.
    """
    path = Path(path)
    data = read_bytes(path)
    return read_data(data, path)


def read_data(data: bytes, name: Path | str) -> Decoded:
    """:func:`read_document` on bytes already read; *name* is the file (extension hint, messages).

    Parameters
    ----------
    data : bytes
        The raw file's content.
    name : str or path
        The file's name: its extension helps tell the format, and messages name it.

    Returns
    -------
    Decoded
        The text every offset points at, the encoding, the format, the converter and the QA notes (the format
        detector's note first).

    Raises
    ------
    BuildError
        One line naming the file and what to do, for content that cannot be read.
    """
    from analysis.corpus.decode import decode_bytes

    found = detect(data, name)
    first = [found.note] if found.note else []
    fmt = found.format
    if fmt == "text":
        text, encoding = decode_bytes(data, name)
        return Decoded(text, encoding, "text", "", tuple(first))
    if fmt == "html":
        from analysis.corpus.formats.html import read_html
        return read_html(data, name, notes=first)
    if fmt == "mhtml":
        from analysis.corpus.formats.html import read_mhtml
        dec = read_mhtml(data, name)
    elif fmt == "docx":
        from analysis.corpus.formats.docx import read_docx
        dec = read_docx(data, name)
    elif fmt == "pdf":
        from analysis.corpus.formats.pdf import read_pdf
        dec = read_pdf(data, name)
    else:
        from analysis.corpus.formats.legacy import read_legacy
        dec = read_legacy(data, name, fmt)
    return Decoded(dec.text, dec.encoding, dec.source_format, dec.converter, tuple(first) + dec.notes, dec.pages)


__all__ = ["read_document", "read_data", "read_bytes", "detect", "Decoded", "Note", "FORMAT_NAMES",
           "MAX_FILE_BYTES"]
