"""Word documents (``.docx``), read with python-docx: the body's text in reading order.

Paragraphs and tables come in body order (tables interleaved with paragraphs); a table is read row by row,
cell by cell (a cell's paragraphs, and tables nested in it, in order; a cell holding a field's label alone,
``发文字号：``, is joined with the value in the cell after it); text boxes follow the paragraph they are
anchored in.  The numbers Word generates for numbered paragraphs are written in front of the paragraph
(:mod:`.numbering`).  Line breaks start a new line, tabs stay tabs.  Not read: headers, footers, footnotes,
comments, deleted text of tracked changes (inserted text is read), field codes (their results are read).

The file is a ZIP archive; before anything is decompressed the archive is checked against
:data:`MAX_MEMBERS`, :data:`MAX_MEMBER_BYTES` and :data:`MAX_TOTAL_BYTES` (zip bombs), and an XML part that
declares a document type (``<!DOCTYPE``, ``<!ENTITY``: Word never writes one) is refused; XML entities are
never resolved.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from analysis.corpus.formats.base import Decoded, Note, clean_lines, drop_controls, package_version, one_line
from analysis.corpus.formats.fields import pair_cells
from analysis.corpus.formats.numbering import W, Numbering
from analysis.errors import BuildError

#: At most this many members in the archive.
MAX_MEMBERS = 5000
#: At most this many bytes in one member, uncompressed.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: At most this many bytes in all members, uncompressed.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DTD_RE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
#: Elements whose content is not the paragraph's own text (a text box's fallback copy, moved-away text).
_SKIP = {f"{MC}Fallback", f"{W}moveFrom", f"{W}del", f"{W}pPr", f"{W}rPr", f"{W}instrText", f"{W}delText"}


def converter() -> str:
    """Name and version of what reads Word documents.

    Returns
    -------
    str
        ``python-docx <version>``, written into ``documents.csv``.
    """
    return package_version("python-docx")


def check_archive(data: bytes, name: str | Path) -> None:
    """Refuse an archive that is too large once decompressed, or whose XML declares a document type.

    Parameters
    ----------
    data : bytes
        The Word file's content (a zip archive).
    name : str or path
        The file's name, for messages.

    Returns
    -------
    None

    Raises
    ------
    BuildError
        If the archive has more than :data:`MAX_MEMBERS` parts, a part over :data:`MAX_MEMBER_BYTES` or all over
        :data:`MAX_TOTAL_BYTES` decompressed, an XML part with ``<!DOCTYPE`` or ``<!ENTITY``, or it is damaged or
        encrypted.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BuildError(f"{name}: a Word file with {len(infos)} parts, more than the {MAX_MEMBERS} allowed; "
                                 "the file is damaged or hostile. Open it in Word and save it again, or save the plan "
                                 "as UTF-8 text.")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise BuildError(
                        f"{name}: the part {info.filename!r} of this Word file decompresses to "
                        f"{info.file_size:,} bytes ({total:,} in all so far; limits {MAX_MEMBER_BYTES // 2**20} MB "
                        f"a part, {MAX_TOTAL_BYTES // 2**20} MB in all): a damaged file or a zip bomb. Open it in "
                        "Word and save it again without large images, or save the plan as UTF-8 text.")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and _DTD_RE.search(zf.read(info)):
                    raise BuildError(f"{name}: the part {info.filename!r} of this Word file declares a document type "
                                     "(<!DOCTYPE or <!ENTITY>), which Word never writes; the file was not made by "
                                     "Word or was tampered with. Open it in Word and save it again.")
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as err:  # RuntimeError: encrypted
        raise BuildError(f"{name}: a damaged or encrypted Word file ({one_line(err)}). Open it in Word, remove any "
                         "password and save it again, or save the plan as UTF-8 text.") from None


class _Reader:
    """Walks a document body and collects its lines."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.lines: list[str] = []
        self.n_boxes = 0
        self.n_tables = 0

    def blocks(self, parent) -> None:
        for el in parent:
            tag = el.tag
            if tag == f"{W}p":
                self.paragraph(el)
            elif tag == f"{W}tbl":
                self.table(el)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent", f"{W}ins", f"{W}moveTo"):
                self.blocks(el)
            elif tag == f"{MC}AlternateContent":
                choice = el.find(f"{MC}Choice")
                if choice is not None:
                    self.blocks(choice)

    def paragraph(self, p) -> None:
        parts: list[str] = []
        boxes: list = []

        def walk(el) -> None:
            for child in el:
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIP:
                    continue
                if tag == f"{W}t":
                    parts.append(child.text or "")
                elif tag == f"{W}tab":
                    parts.append("\t")
                elif tag in (f"{W}br", f"{W}cr"):
                    parts.append("\n")
                elif tag == f"{W}noBreakHyphen":
                    parts.append("-")
                elif tag == f"{W}txbxContent":
                    boxes.append(child)
                elif tag == f"{W}p":  # a paragraph nested in a run (text boxes without a txbxContent wrapper)
                    boxes.append(child)
                else:
                    walk(child)

        walk(p)
        label = self.numbering.label(p)
        text = "".join(parts)
        if label or text.strip():
            self.lines.append(label + text)
        for box in boxes:
            self.n_boxes += 1
            if box.tag == f"{W}p":
                self.paragraph(box)
            else:
                self.blocks(box)

    def table(self, tbl) -> None:
        self.n_tables += 1
        for tr in tbl.iter(f"{W}tr"):
            if tr.getparent() is not tbl and tr.getparent().tag != f"{W}sdtContent":
                continue  # a row of a nested table: read with its cell
            cells: list[list[str]] = []
            for tc in tr:
                if tc.tag == f"{W}sdt":
                    tc = tc.find(f"{W}sdtContent/{W}tc")
                if tc is None or tc.tag != f"{W}tc":
                    continue
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue":
                    continue  # a cell merged into the one above: its content is the one above's
                sub = _Reader(self.numbering)
                sub.blocks(tc)
                self.n_boxes += sub.n_boxes
                self.n_tables += sub.n_tables
                cells.append(sub.lines)
            singles = [c[0] if len(c) == 1 else None for c in cells]
            if cells and all(s is not None for s in singles):
                self.lines.extend(pair_cells(singles))
            else:
                for c in cells:
                    self.lines.extend(c)


def read_docx(data: bytes, name: str | Path) -> Decoded:
    """Read a Word document's bytes (see the module docstring).

    Parameters
    ----------
    data : bytes
        The ``.docx`` file.
    name : str or Path
        The raw file, for messages.

    Returns
    -------
    Decoded
    """
    check_archive(data, name)
    import docx
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering_part = None
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/numbering") and not rel.is_external:
                numbering_part = rel.target_part
        numbering = Numbering(numbering_part.element if numbering_part is not None else None,
                              document.styles.element)
    except BuildError:
        raise
    except (ValueError, KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, AttributeError, TypeError) as err:
        raise BuildError(f"{name}: cannot be read as a Word document ({type(err).__name__}: {one_line(err)}). Open it "
                         "in Word and save it again as .docx, or save the plan as UTF-8 text.") from None
    except Exception as err:  # python-docx's own errors (PackageNotFoundError, InvalidXmlError …)
        if type(err).__module__.startswith("docx"):
            raise BuildError(f"{name}: cannot be read as a Word document ({type(err).__name__}: {one_line(err)}). "
                             "Open it in Word and save it again as .docx, or save the plan as UTF-8 text.") from None
        raise
    reader = _Reader(numbering)
    reader.blocks(body)
    text, n_controls = drop_controls(clean_lines(reader.lines))
    notes = []
    if numbering.n_numbered:
        notes.append(Note("conversion", "wrote the numbers Word generates for numbered paragraphs in front of "
                                        "them", count=numbering.n_numbered))
    if numbering.unknown_formats:
        notes.append(Note("conversion", "numbers in formats the reader does not know were written as decimal "
                                        "numbers", ", ".join(sorted(numbering.unknown_formats))))
    if reader.n_tables:
        notes.append(Note("conversion", "read tables row by row, one cell a line", count=reader.n_tables))
    if reader.n_boxes:
        notes.append(Note("conversion", "read text boxes after the paragraph they are anchored in",
                          count=reader.n_boxes))
    if n_controls:
        notes.append(Note("conversion", "removed control characters", count=n_controls))
    chunks = len(body.findall(f".//{W}altChunk"))
    if chunks:  # documents embedded whole (some converters write them): their text is not in the body
        notes.append(Note("docx_embedded_not_read", "parts embedded as whole documents (altChunk) are not read: "
                                                    "open the file in Word and save it again, which merges them",
                          "w:altChunk", chunks))
    return Decoded(text, "", "docx", converter(), tuple(notes))


__all__ = ["read_docx", "check_archive", "converter", "MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES"]
