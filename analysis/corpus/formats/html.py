"""Web pages (``.html``, and ``.mht`` web archives): the article's text, with the page's title and metadata.

Decoding: a byte-order mark decides; else the charset the page declares (``<meta charset>``,
``<meta http-equiv="Content-Type" content="…; charset=…">`` or an XML declaration; GB2312 and GBK are read
as GB18030, their superset, Big5 as Big5-HKSCS) when the bytes decode strictly in it and read as plausible
Chinese; else the plausibility-checked decoding of :mod:`analysis.corpus.decode` (a page whose declaration
is wrong is read in the encoding its bytes are in, with a note).

Extraction: the article is found by trafilatura (scripts, styles, navigation, menus, sharing bars, footers
dropped) and rendered one block a line: paragraphs, headings, ``<br>`` breaks, list items, and table cells
row by row (a cell holding a label such as ``发文字号：`` is joined with the value in the next cell).
Government pages put the document's catalogue fields (``发文字号``, ``成文日期``, ``发布机构``, ``索引号`` …,
see :data:`METADATA_LABELS`) and its title (an ``<h1>`` or an element whose class or id names a title,
agreeing with ``<meta name="ArticleTitle">`` or ``<title>``; else the head's title) outside the article; they
are kept, in page order, as lines before the article's text, so the metadata rules read them.  A page in which no article with
Chinese text is found is refused.
"""
from __future__ import annotations

import codecs
import copy
import email
import email.policy
import re
from functools import lru_cache
from pathlib import Path

from analysis.corpus.decode import MIN_HAN, decode_bytes, plausibility
from analysis.corpus.formats.base import Decoded, Note, clean_lines, drop_controls, package_version, one_line
from analysis.corpus.formats.fields import LABEL_RE, METADATA_LABELS, is_metadata
from analysis.corpus.formats.page import (drop_link_menus, loose_text_as_paragraphs, metadata_lines, page_title,
                                         render)
from analysis.errors import BuildError

_CHARSET_RE = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
#: Declared labels and the codec that reads them (GB2312/GBK are subsets of GB18030, Big5 of Big5-HKSCS).
_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
             "gb_2312-80": "gb18030", "csgb2312": "gb18030", "chinese": "gb18030", "euc-cn": "gb18030",
             "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
             "csbig5": "big5hkscs", "utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8"}
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas")
def converter() -> str:
    """Name and version of what reads web pages.

    Returns
    -------
    str
        ``trafilatura <version>, lxml <version>``, written into ``documents.csv``.
    """
    return f"{package_version('trafilatura')}, {package_version('lxml')}"


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 8 KB (``<meta charset>``, ``http-equiv`` or an XML
    declaration), lower-cased, or ``None``.

    Parameters
    ----------
    data : bytes
        The page's bytes.

    Returns
    -------
    str or None
    """
    head = data[:8192]
    m = _XML_ENCODING_RE.match(head) or _CHARSET_RE.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _codec_for(label: str) -> str | None:
    if label in _CHARSETS:
        return _CHARSETS[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(data: bytes, name: str | Path, declared: str | None = None) -> tuple[str, str, list[Note]]:
    """Decode a web page's bytes: ``(text, encoding, notes)`` (see the module docstring).

    *declared*: a charset given from outside the page (an MHTML part's header), tried before the page's own.

    Parameters
    ----------
    data : bytes
        The page's bytes.
    name : str or path
        The file's name, for messages.
    declared : str, optional
        A charset from outside the page; None uses the page's own declaration (:func:`declared_charset`).

    Returns
    -------
    text : str
        The decoded page.
    encoding : str
        The codec used.
    notes : list of Note
        An unknown or wrong declared charset, removed control bytes.

    Raises
    ------
    BuildError
        If no encoding gives plausible text (:func:`analysis.corpus.decode.decode_bytes`).
    """
    notes: list[Note] = []
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    label = None if data.startswith(boms) else (declared or declared_charset(data))
    codec = _codec_for(label) if label else None
    if label and not codec:
        notes.append(Note("encoding", f"the page declares the charset {label!r}, which is not known; the encoding "
                                      "was detected from the bytes", label))
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            text, bad = None, f"byte {err.start} is not valid {codec}"
        else:
            bad = "" if plausibility(text).plausible else f"as {codec} it does not read as Chinese"
        if text is not None and not bad:
            return text, codec, notes
        try:
            text, enc = decode_bytes(data, name)
        except BuildError:
            if text is None:
                raise
            return text, codec, notes  # decodes as declared; whether it holds a plan is checked on its text
        notes.append(Note("encoding", f"the page declares {label} but {bad}; read as {enc}, the encoding its bytes "
                                      "are in", label))
        return text, enc, notes
    # control bytes (a stray form feed in a script) are never text, and in none of the encodings tried here
    # (UTF-8, GB18030, Big5) part of a character: they go before the plausibility-checked decoding
    cleaned = data if data.startswith(boms[1:]) else _CONTROL_BYTES_RE.sub(b"", data)
    if len(cleaned) < len(data):
        notes.append(Note("conversion", "removed control characters from the page", count=len(data) - len(cleaned)))
    text, enc = decode_bytes(cleaned, name)
    return text, enc, notes


#: The shortest article (characters) trafilatura accepts before trying its fallbacks.  Its default (250) is
#: set for alphabetic text; a short Chinese article is shorter, and the last fallback dumps the whole page,
#: menus included, as one paragraph.
MIN_ARTICLE_CHARS = 20


@lru_cache(maxsize=1)
def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()  # the package's own settings file: the same on every machine
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_ARTICLE_CHARS))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _article(tree, name: str | Path) -> list[str]:
    import trafilatura
    from lxml import etree

    # favor_recall: a plan's headings are short lines, which the precision setting drops as boilerplate
    result = trafilatura.extract(copy.deepcopy(tree), output_format="xml", include_tables=True,
                                 include_comments=False, include_images=False, include_links=False,
                                 include_formatting=False, deduplicate=False, favor_recall=True,
                                 config=_trafilatura_config())
    if not result:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return render(etree.fromstring(result.encode("utf-8"), parser))


def html_to_text(page: str, name: str | Path) -> tuple[str, list[Note]]:
    """The text of a decoded web page *page*: metadata and title lines, then the article (module docstring).

    Parameters
    ----------
    page : str
        The decoded page.
    name : str or path
        The file's name, for messages.

    Returns
    -------
    text : str
        The metadata and title lines in page order, then the article's lines
        (:func:`analysis.corpus.formats.base.clean_lines`).
    notes : list of Note
        What was removed or moved, for the QA report.

    Raises
    ------
    BuildError
        If the page cannot be parsed or holds too little Chinese article text.
    """
    import lxml.html
    from lxml import etree

    page, n_controls = drop_controls(_XML_DECL_RE.sub("", page, count=1))
    notes = [Note("conversion", "removed control characters from the page", count=n_controls)] if n_controls else []
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as err:
        raise BuildError(f"{name}: read as a web page, but it cannot be parsed as HTML ({one_line(err)}). Save the "
                         "plan's text from the page as UTF-8 text.") from None
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            el.drop_tree()
    order = {el: i for i, el in enumerate(root.iter())}
    head = metadata_lines(root, order)
    title = page_title(root, order)
    drop_link_menus(root)
    loose_text_as_paragraphs(root)
    article = [ln for ln in clean_lines(_article(root, name)).split("\n") if ln]
    if len(_HAN_RE.findall("".join(article))) < MIN_HAN:
        raise BuildError(f"{name}: read as a web page, but no article text was found in it (menus, scripts and "
                         "page furniture only). Check it is the page of the plan, not a frame or a search page; "
                         "or copy the plan's text from the browser and save it as UTF-8 text.")
    if title and title[1] not in {t for _, t in head}:
        head.append(title)
    head_lines = [t for _, t in sorted(head, key=lambda pt: pt[0])]
    head_set = set(head_lines)
    while article and article[0] in head_set:  # the article repeats the title (or a field) first
        article.pop(0)
    meta_set = {t for _, t in head if is_metadata(t)}
    kept = [ln for ln in article if ln not in meta_set]
    if len(kept) < len(article):
        notes.append(Note("conversion", "metadata lines inside the article kept once, before the article",
                          count=len(article) - len(kept)))
    if head_lines:
        notes.append(Note("conversion", "kept the page's title and labelled metadata lines before the article "
                                        "text", " | ".join(head_lines)[:200], len(head_lines)))
    return clean_lines(head_lines + kept), notes


def read_html(data: bytes, name: str | Path, source_format: str = "html", declared: str | None = None,
              notes: list[Note] | None = None) -> Decoded:
    """Read a web page's bytes (see the module docstring).

    Parameters
    ----------
    data : bytes
        The page.
    name : str or Path
        The raw file, for messages.
    source_format : str
        What ``documents.csv`` records (``html``, or ``mhtml`` for a page taken out of a web archive).
    declared : str, optional
        A charset declared outside the page.
    notes : list of Note, optional
        Notes of an earlier step, kept first.

    Returns
    -------
    Decoded
    """
    page, encoding, dec_notes = decode_page(data, name, declared)
    text, conv_notes = html_to_text(page, name)
    return Decoded(text, encoding, source_format, converter(), tuple((notes or []) + dec_notes + conv_notes))


def read_mhtml(data: bytes, name: str | Path) -> Decoded:
    """Read a web archive (``.mht``, MIME ``multipart/related``): its first HTML part, as a web page.

    Parameters
    ----------
    data : bytes
        The archive.
    name : str or Path
        The raw file, for messages.

    Returns
    -------
    Decoded
    """
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            return read_html(payload, name, "mhtml", part.get_content_charset(),
                             [Note("conversion", "read the web page inside the web archive (its first text/html "
                                                 "part)")])
    raise BuildError(f"{name}: a web archive (MHTML) without a web page (no text/html part). Open it in a browser "
                     "and save the plan's text as UTF-8 text.")


__all__ = ["read_html", "read_mhtml", "html_to_text", "decode_page", "declared_charset", "METADATA_LABELS",
           "LABEL_RE", "converter"]
