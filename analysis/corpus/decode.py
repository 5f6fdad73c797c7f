"""Decoding raw bytes without being told the encoding, and without guessing wrong.

Government sites serve UTF-8 and GB18030/GBK; Word exports UTF-16 with a BOM.
The order below is safe: a BOM is unambiguous, and Chinese text in GB18030 is
essentially never valid UTF-8, while UTF-8 is always tried first.  Nothing is
ever replaced: bytes that fit no supported encoding stop the build with the
byte offset, so the researcher can look at the file.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from analysis.errors import BuildError

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "gb18030")


def decode_bytes(data: bytes, name: str | Path = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)`` for *data*; raise ``BuildError`` otherwise.

    Detected: UTF-8 with or without BOM, UTF-16 LE/BE with BOM, GB18030 (a
    superset of GBK and GB2312).  Empty and binary input (NUL bytes without a
    UTF-16 BOM) are refused with a message naming *name*.
    """
    if not data:
        raise BuildError(f"{name}: the file is empty (0 bytes). Replace it with the plan's text.")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", name), "utf-16"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BuildError(f"{name}: byte {nul} is a NUL byte; this looks like a binary file (or UTF-16 without "
                         "a byte-order mark), not a plan text. Save the plan as UTF-8 text.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_err:
            raise BuildError(
                f"{name}: cannot be decoded. Byte {utf8_err.start} (0x{data[utf8_err.start]:02x}) is not valid "
                f"UTF-8 and byte {gb_err.start} (0x{data[gb_err.start]:02x}) is not valid GB18030/GBK; UTF-16 "
                "needs a byte-order mark. Re-save the file in UTF-8, or check it is the right file."
            ) from None


def _strict(data: bytes, encoding: str, name: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        offset = err.start + (3 if encoding == "utf-8" else 0)
        raise BuildError(f"{name}: byte {offset} is not valid {encoding.upper()} although the file starts with "
                         f"a {encoding.upper()} byte-order mark. Re-save it as UTF-8.") from None


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode the file at *path* (see :func:`decode_bytes`)."""
    return decode_bytes(Path(path).read_bytes(), path)
