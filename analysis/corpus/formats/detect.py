"""Which format a raw file is in, from its bytes; the file name's extension is only a hint.

Binary formats announce themselves in their first bytes (magic numbers): ``%PDF-`` (PDF), a ZIP archive
holding ``word/document.xml`` (``.docx``), the OLE2 compound-file signature ``D0 CF 11 E0 A1 B1 1A E1``
(Word 97-2003 ``.doc`` and WPS ``.wps``), ``{\\rtf`` (RTF), a MIME header with ``multipart/related``
(``.mht`` web archives).  Everything else is text, and text is HTML when its markup says so: it opens with
a document type, ``<html>``, ``<head>`` or ``<meta>``, or holds at least :data:`MIN_HTML_TAGS` tags of HTML
elements that lay out a page -- paragraphs, line breaks, divisions, tables, lists, headings (a page saved with a
``.txt`` name, or text copied with its tags, is still HTML).  Inline tags (``<a>``, ``<img>``, ``<script>``,
``<span>``, ``<b>``) do not count: a text that quotes a few of them is a text, and keeps them as written.

A file whose extension names another format is read by its content; :func:`detect` says so in a note.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from analysis.corpus.formats.base import FORMAT_NAMES, Note, one_line
from analysis.errors import BuildError

#: What a file's extension suggests.
EXTENSIONS = {
    ".txt": "text", ".text": "text", ".htm": "html", ".html": "html", ".shtml": "html", ".xhtml": "html",
    ".mht": "mhtml", ".mhtml": "mhtml", ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "wps",
    ".rtf": "rtf", ".odt": "odt",
}
#: Text holding at least this many tags of HTML elements is read as HTML.
MIN_HTML_TAGS = 3
#: How much of a text file is looked at to tell HTML from plain text.
SNIFF_BYTES = 256 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START_RE = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                            r"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_HTML_TAG_RE = re.compile(r"</?(?:p|div|br|table|tbody|tr|td|th|li|ul|ol|h[1-6]|html|body|head|center|section|"
                          r"article|nav|header|footer|hr)(?:\s[^<>]*)?/?>", re.I)
_XML_RE = re.compile(r"^\s*<\?xml\b", re.I)
_WORD_XML_RE = re.compile(r"<w:wordDocument\b|progid=\"Word\.Document\"|<pkg:package\b", re.I)
#: Streams an OLE2 compound file of each kind holds (their names are stored in UTF-16LE).
_OLE_STREAMS = [("WordDocument", "word"), ("Workbook", "Excel workbook"), ("Book", "Excel workbook"),
                ("PowerPoint Document", "PowerPoint presentation")]


@dataclass(frozen=True)
class Detected:
    """A file's format (a key of :data:`~analysis.corpus.formats.base.FORMAT_NAMES`) and, when its
    extension names another format, a note saying so."""

    format: str
    note: Note | None = None


def _sniff_text(data: bytes) -> str:
    """The opening of a text file as characters, good enough to see its markup."""
    head = data[:SNIFF_BYTES]
    for bom, codec in [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]:
        if head.startswith(bom):
            return head.decode(codec, errors="replace")
    return head.decode("latin-1")  # markup is ASCII in every ASCII-compatible encoding


def looks_like_html(text: str) -> bool:
    """Whether *text* (the opening of a file, as characters) is an HTML page or text with HTML tags.

    Parameters
    ----------
    text : str
        The file's first characters (a byte-order mark, even mis-decoded, is ignored).

    Returns
    -------
    bool
        True if it starts like an HTML document (doctype, ``<html>``, ``<head>`` ...) or holds at least
        :data:`MIN_HTML_TAGS` HTML tags.
    """
    text = text.lstrip("\ufeff\u00ef\u00bb\u00bf")
    if _HTML_START_RE.match(text):
        return True
    n = 0
    for _ in _HTML_TAG_RE.finditer(text):
        n += 1
        if n >= MIN_HTML_TAGS:
            return True
    return False


def _zip_kind(data: bytes, name: str | Path) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names and zf.getinfo("mimetype").file_size < 200 \
                else b""
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise BuildError(f"{name}: starts like a ZIP archive (a .docx is one) but cannot be opened as one "
                         f"({one_line(err)}). The file is damaged or incomplete: download it again, or save the plan as .docx or "
                         "UTF-8 text.") from None
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    what = ("an Excel workbook" if "xl/workbook.xml" in names else
            "a PowerPoint presentation" if "ppt/presentation.xml" in names else
            "a ZIP archive that is not a Word document (it holds no word/document.xml)")
    raise BuildError(f"{name}: the file is {what}, not a plan text. List the plan's own file (text, web page, "
                     ".docx, .doc, .wps or PDF), or save the plan as UTF-8 text.")


def _ole_kind(data: bytes, hint: str, name: str | Path) -> str:
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            if kind == "word":
                return "wps" if hint == "wps" else "doc"
            raise BuildError(f"{name}: the file is an {kind} in the old Office format (OLE2), not a plan text. "
                             "List the plan's own file, or save the plan as UTF-8 text.")
    return "wps" if hint == "wps" else "doc"


def detect(data: bytes, name: str | Path = "<bytes>") -> Detected:
    """The format of a raw file's *data* (see the module docstring); *name* gives the extension hint and
    names the file in messages.

    Parameters
    ----------
    data : bytes
        The raw file's bytes.
    name : str or Path
        The file (its extension is a hint; the message of a refusal names it).

    Returns
    -------
    Detected
        The format, and a note when the extension names another format.
    """
    hint = EXTENSIONS.get(Path(str(name)).suffix.lower())
    if b"%PDF-" in data[:1024]:
        fmt = "pdf"
    elif data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        fmt = _zip_kind(data, name)
    elif data.startswith(OLE2_MAGIC):
        fmt = _ole_kind(data, hint or "", name)
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        fmt = "rtf"
    elif re.match(rb"(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\r?\n)*?MIME-Version:", data[:4096], re.I) \
            and re.search(rb"multipart/related", data[:8192], re.I):
        fmt = "mhtml"
    else:
        head = _sniff_text(data)
        if _XML_RE.match(head.lstrip("\ufeff\u00ef\u00bb\u00bf")) and not looks_like_html(head):
            if _WORD_XML_RE.search(head):
                raise BuildError(f"{name}: the file is a Word XML document (Word 2003 XML or flat OPC), which the "
                                 "build does not read. Open it in Word or LibreOffice and save it as .docx.")
            raise BuildError(f"{name}: the file is an XML document, not a plan text or a web page. List the "
                             "plan's own file, or save the plan as UTF-8 text.")
        fmt = "html" if looks_like_html(head) else "text"
    note = None
    compatible = {("doc", "wps"), ("wps", "doc")}
    if hint and hint != fmt and (hint, fmt) not in compatible:
        note = Note("format_mismatch", f"the file is named as {FORMAT_NAMES[hint]} but its content is "
                                       f"{FORMAT_NAMES[fmt]}: read as {FORMAT_NAMES[fmt]}", Path(str(name)).name)
    return Detected(fmt, note)


__all__ = ["Detected", "detect", "looks_like_html", "EXTENSIONS", "MIN_HTML_TAGS"]
