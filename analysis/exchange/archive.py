"""Reading a project file from a stranger: a ``.qdpx`` zip or a bare ``.qde``, within limits, as hardened XML.

A ``.qdpx`` someone sends may be a zip bomb (a member of a few megabytes that unpacks to gigabytes), a
zip of millions of entries, or XML built to exhaust a parser.  Everything the exchange reads goes through
this module, which refuses such a file with a :class:`~analysis.errors.BuildError` naming the limit
*before* memory grows:

- the number of entries and the size of the zip's directory are read from its end record, before the
  directory itself is (:data:`~analysis.exchange.constants.MAX_MEMBERS`,
  :data:`~analysis.exchange.constants.MAX_DIRECTORY_BYTES`);
- each member that is read (``project.qde``, the text sources) is checked against its declared size
  (:data:`~analysis.exchange.constants.MAX_MEMBER_BYTES`), its compression ratio
  (:data:`~analysis.exchange.constants.MAX_RATIO`, for members above
  :data:`~analysis.exchange.constants.RATIO_FLOOR`) and the total of what was read so far
  (:data:`~analysis.exchange.constants.MAX_TOTAL_BYTES`) before it is opened, then streamed in chunks
  and counted again, so a member whose header lies is stopped at the limit too; members the import does
  not read (pictures, audio, PDFs) are neither unpacked nor counted;
- the XML is fed to the parser chunk by chunk; a document type declaration (``<!DOCTYPE``, and with it
  every entity declaration, external entity and billion-laughs expansion) is refused, as is nesting
  deeper than :data:`~analysis.exchange.constants.MAX_DEPTH`.

Every limit can be raised by the caller (:class:`ImportLimits`; ``import-qdpx --max-…`` options) for a
file they trust.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Callable, Iterator
from xml.etree import ElementTree as ET

from analysis.errors import BuildError
from analysis.exchange.constants import (MAX_DEPTH, MAX_DIRECTORY_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO,
                                         MAX_TOTAL_BYTES, RATIO_FLOOR)

_CHUNK = 1 << 16
_MB = 2**20


@dataclass(frozen=True)
class ImportLimits:
    """What reading a project file may unpack (defaults: :mod:`analysis.exchange.constants`).

    Parameters
    ----------
    members : int
        Entries in the zip.
    member_bytes : int
        Uncompressed bytes of one member that is read (and of a bare ``.qde``).
    total_bytes : int
        Uncompressed bytes of all members read, together.
    ratio : float
        Uncompressed / compressed size of a member above :data:`~analysis.exchange.constants.RATIO_FLOOR`.
    depth : int
        Nesting of XML elements.
    directory_bytes : int
        Bytes of the zip's central directory.
    """

    members: int = MAX_MEMBERS
    member_bytes: int = MAX_MEMBER_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    ratio: float = MAX_RATIO
    depth: int = MAX_DEPTH
    directory_bytes: int = MAX_DIRECTORY_BYTES

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0 or v != v:
                raise ValueError(f"ImportLimits.{f.name} must be a positive number, not {v!r}")


def _mb(n: float) -> str:
    return f"{n / _MB:,.1f} MB" if n >= _MB else f"{int(n):,} bytes"


def _end_record(fh, size: int) -> tuple[int, int] | None:
    """``(entries, directory bytes)`` from the zip's end-of-central-directory record (ZIP64 aware), or None."""
    tail_len = min(size, 22 + 0xFFFF + 20)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) - i < 22:
        return None
    _, _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", tail[i:i + 22])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        j = i - 20
        if j >= 0 and tail[j:j + 4] == b"PK\x06\x07":
            _, _, z64, _ = struct.unpack("<4sLQL", tail[j:j + 20])
            if 0 <= z64 <= size - 56:
                fh.seek(z64)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    entries, cd_size = struct.unpack("<4sQ2H2L4Q", rec)[7:9]
    return entries, cd_size


class Archive:
    """A ``.qdpx`` opened for reading within :class:`ImportLimits` (a context manager).

    Parameters
    ----------
    path : path
        The zip file.
    limits : ImportLimits, optional
        The limits (default: the documented ones).

    Raises
    ------
    BuildError
        The file is not a zip, or has more entries or a larger directory than the limits allow.
    """

    def __init__(self, path: Path | str, limits: ImportLimits | None = None):
        self.path = Path(path)
        self.limits = limits or ImportLimits()
        self.unpacked = 0  # bytes read from members so far
        lim = self.limits
        try:
            size = self.path.stat().st_size
            with open(self.path, "rb") as fh:
                record = _end_record(fh, size)
        except OSError as exc:
            raise BuildError(f"{self.path}: cannot read ({exc.strerror or exc}).") from None
        if record is None:
            raise BuildError(f"{self.path}: not a zip file (no end record); a .qdpx is a zip holding project.qde.")
        entries, directory = record
        if entries > lim.members:
            raise BuildError(f"{self.path}: the zip has {entries:,} entries, more than the limit of {lim.members:,}; "
                             "refusing to read it (raise the limit with --max-members if you trust the file).")
        if directory > lim.directory_bytes:
            raise BuildError(f"{self.path}: the zip's directory takes {_mb(directory)}, more than the limit of "
                             f"{_mb(lim.directory_bytes)}; refusing to read it.")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise BuildError(f"{self.path}: a damaged zip ({exc}); is it a REFI-QDA .qdpx?") from None
        infos = self.zip.infolist()
        if len(infos) > lim.members:
            self.zip.close()
            raise BuildError(f"{self.path}: the zip has {len(infos):,} entries, more than the limit of "
                             f"{lim.members:,}; refusing to read it (raise the limit with --max-members if you "
                             "trust the file).")
        #: lower-cased name -> name of every entry (internal paths are looked up without regard to case)
        self.names = {i.filename.lower().lstrip("/"): i.filename for i in infos}

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip.

        Returns
        -------
        None
        """
        self.zip.close()

    def qde_name(self) -> str | None:
        """The project file: ``project.qde``, else the one ``*.qde`` at the top of the zip (None without).

        Returns
        -------
        str or None
            The member name.
        """
        names = self.zip.namelist()
        if "project.qde" in names:
            return "project.qde"
        return next((n for n in names if n.lower().endswith(".qde") and "/" not in n.strip("/")), None)

    def internal_entry(self, ref: str | None) -> str | None:
        """The zip entry of an ``internal://`` reference (in ``sources/`` or ``Sources/``), or None.

        Parameters
        ----------
        ref : str or None
            A source's ``path`` attribute (``internal://<file>``); None, empty or another scheme gives None.

        Returns
        -------
        str or None
            The member name as the zip spells it (matched without regard to case).
        """
        if not ref or not ref.lower().startswith("internal://"):
            return None
        name = ref[len("internal://"):].lstrip("/")
        for cand in (f"sources/{name}", name):
            if cand.lower() in self.names:
                return self.names[cand.lower()]
        return None

    def check(self, name: str) -> None:
        """Refuse (``BuildError``) to read member *name* if its declared size, its compression ratio or the
        total unpacked so far exceed the limits (before anything of it is unpacked).

        Parameters
        ----------
        name : str
            A member of the zip.

        Returns
        -------
        None

        Raises
        ------
        BuildError
            The member is encrypted, or a limit of :class:`ImportLimits` (``member_bytes``, ``ratio``,
            ``total_bytes``) would be exceeded.
        """
        info = self.zip.getinfo(name)
        lim, where = self.limits, f"{self.path}: member {info.filename!r}"
        if info.flag_bits & 0x1:
            raise BuildError(f"{where} is encrypted; export the project again without a password.")
        if info.file_size > lim.member_bytes:
            raise BuildError(f"{where} unpacks to {_mb(info.file_size)}, more than the limit of "
                             f"{_mb(lim.member_bytes)} for one member; refusing to unpack it (a zip bomb, or a very "
                             "large project: raise the limit with --max-member-mb if you trust the file).")
        if info.file_size > RATIO_FLOOR and info.file_size > lim.ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise BuildError(f"{where} unpacks {ratio:,.0f} times larger than it is stored ({_mb(info.compress_size)} "
                             f"to {_mb(info.file_size)}), more than the limit of {lim.ratio:g}; refusing to unpack it "
                             "(a zip bomb? raise the limit with --max-ratio if you trust the file).")
        if self.unpacked + info.file_size > lim.total_bytes:
            raise BuildError(f"{where}: reading it would unpack {_mb(self.unpacked + info.file_size)} in all, more "
                             f"than the limit of {_mb(lim.total_bytes)}; refusing (raise the limit with "
                             "--max-total-mb if you trust the file).")

    def stream(self, name: str) -> Iterator[bytes]:
        """The bytes of member *name*, in chunks, within the limits (checked before it is opened and as it is read).

        Parameters
        ----------
        name : str
            A member of the zip.

        Yields
        ------
        bytes
            Chunks of at most 64 KiB, counted into the archive's total unpacked.

        Raises
        ------
        BuildError
            A limit is exceeded, or the member is damaged, encrypted or compressed in a way zip cannot read.
        """
        info = self.zip.getinfo(name)
        self.check(name)
        lim, where = self.limits, f"{self.path}: member {name!r}"
        n = 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    n += len(chunk)
                    self.unpacked += len(chunk)
                    if n > lim.member_bytes or self.unpacked > lim.total_bytes:
                        raise BuildError(f"{where} unpacks to more than the limits allow ({_mb(lim.member_bytes)} "
                                         f"per member, {_mb(lim.total_bytes)} in all); refusing to read on.")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BuildError(f"{where} is damaged ({exc}); the file cannot be read.") from None
        except NotImplementedError as exc:
            raise BuildError(f"{where} is compressed with a method this reader does not support ({exc}); save the "
                             "project again with ordinary (deflate) compression.") from None
        except RuntimeError as exc:
            raise BuildError(f"{where} cannot be read ({exc}).") from None

    def read(self, name: str) -> bytes:
        """The whole member *name*, within the limits (see :meth:`stream`).

        Parameters
        ----------
        name : str
            A member of the zip.

        Returns
        -------
        bytes
        """
        return b"".join(self.stream(name))


def regular_file(path: Path | str) -> Path:
    """*path* if it is a regular file; else (missing, a folder, a pipe or device that would block the reader) a
    ``BuildError`` naming it.

    Parameters
    ----------
    path : path
        The file given.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    if not path.exists():
        raise BuildError(f"{path}: no such file.")
    if not path.is_file():
        raise BuildError(f"{path}: not a regular file (a folder, pipe or device); give a .qdpx or .qde file.")
    return path


def file_chunks(path: Path | str, limits: ImportLimits | None = None) -> Iterator[bytes]:
    """The bytes of a bare file (a ``.qde`` outside a zip), in chunks; refused (at once) above
    ``limits.member_bytes``.

    Parameters
    ----------
    path : path
        The file.
    limits : ImportLimits, optional
        The limits (default: the documented ones); ``member_bytes`` bounds the file.

    Returns
    -------
    iterator of bytes
        Chunks of at most 64 KiB; reading on is refused if the file grows past the limit.

    Raises
    ------
    BuildError
        The file cannot be read or is larger than the limit.
    """
    path, lim = Path(path), limits or ImportLimits()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BuildError(f"{path}: cannot read ({exc.strerror or exc}).") from None
    if size > lim.member_bytes:
        raise BuildError(f"{path}: {_mb(size)}, more than the limit of {_mb(lim.member_bytes)} for a project file; "
                         "refusing to read it (raise the limit with --max-member-mb if you trust it).")
    return _chunks(path, lim)


def _chunks(path: Path, lim: ImportLimits) -> Iterator[bytes]:
    try:
        with open(path, "rb") as fh:
            n = 0
            while chunk := fh.read(_CHUNK):
                n += len(chunk)
                if n > lim.member_bytes:
                    raise BuildError(f"{path}: grew beyond the limit of {_mb(lim.member_bytes)} while it was read.")
                yield chunk
    except OSError as exc:
        raise BuildError(f"{path}: cannot read ({exc.strerror or exc}).") from None


# ------------------------------------------------------------------------------------------------ hardened XML
class _Refused(Exception):
    pass


class MalformedXML(BuildError):
    """The project XML is not well-formed (a :class:`BuildError` that validation reports as a problem)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class _Target:
    """Builds the tree like ElementTree, refusing a DOCTYPE and deep nesting; hands over watched elements."""

    def __init__(self, depth: int, watch: frozenset[str]):
        self.builder = ET.TreeBuilder()
        self.depth, self.max_depth, self.watch = 0, depth, watch
        self.done: list[ET.Element] = []

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > self.max_depth:
            raise _Refused(f"elements are nested more than {self.max_depth} deep")
        return self.builder.start(tag, attrs)

    def end(self, tag):
        self.depth -= 1
        el = self.builder.end(tag)
        if tag in self.watch:
            self.done.append(el)
        return el

    def data(self, data):
        self.builder.data(data)

    def doctype(self, name, pubid, system):
        raise _Refused("it has a document type declaration (<!DOCTYPE …>), which a REFI-QDA project never needs "
                       "and which can declare entities that expand without bound or read other files")

    def close(self):
        return self.builder.close()


def parse_xml(chunks: Iterator[bytes], where: str, limits: ImportLimits | None = None,
              watch: tuple[str, ...] = (), on_element: Callable[[ET.Element], None] | None = None) -> ET.Element:
    """Parse XML fed in *chunks* with the hardening of the module docstring; returns the root element.

    Parameters
    ----------
    chunks : iterator of bytes
        The document (from :meth:`Archive.stream` or :func:`file_chunks`).
    where : str
        How to name the document in messages.
    limits : ImportLimits, optional
        Its ``depth`` bounds the nesting.
    watch : tuple of str
        Tags (``{namespace}Name``) whose elements are handed to *on_element* as soon as they end, so a caller
        can process and clear them while the rest is read.
    on_element : callable, optional
        Called with each watched element.

    Returns
    -------
    xml.etree.ElementTree.Element
        The root element (watched elements may have been cleared by *on_element*).

    Raises
    ------
    BuildError
        The XML is not well-formed, declares a document type or nests too deep.
    """
    lim = limits or ImportLimits()
    target = _Target(lim.depth, frozenset(watch))
    parser = ET.XMLParser(target=target)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            if target.done:
                ready, target.done = target.done, []
                for el in ready:
                    if on_element is not None:
                        on_element(el)
        return parser.close()
    except _Refused as exc:
        raise BuildError(f"{where}: refused: {exc}.") from None
    except ET.ParseError as exc:
        raise MalformedXML(f"{where}: the project XML is not well-formed ({exc}).", str(exc)) from None
    except RecursionError:
        raise BuildError(f"{where}: refused: the XML nests too deep.") from None


def local_name(tag) -> str:
    """The tag without its namespace (``Code`` of ``{urn:…}Code``).

    Parameters
    ----------
    tag : object
        An element's tag (a comment's or processing instruction's tag is not a string).

    Returns
    -------
    str
        ``""`` for a tag that is not a string.
    """
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def norm_guid(g: str | None) -> str:
    """A GUID as the exchange compares them: upper case, without braces or spaces.

    Parameters
    ----------
    g : str or None
        A GUID as written (None: none).

    Returns
    -------
    str
        ``""`` for None.
    """
    return (g or "").strip().strip("{}").upper()


__all__ = ["ImportLimits", "Archive", "MalformedXML", "regular_file", "file_chunks", "parse_xml", "local_name", "norm_guid"]
