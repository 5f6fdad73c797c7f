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
from analysis.corpus.formats.fields import LABEL_RE, METADATA_LABELS, is_metadata, label_only, pair_cells
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
_TITLE_HINT_RE = re.compile(r"title", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|--|——|\s-\s|－)\s*")
#: Blocks of trafilatura's XML output: each starts a line.
_BLOCKS = {"doc", "main", "comments", "p", "head", "list", "item", "table", "row", "cell", "quote", "code", "div",
           "graphic"}


def converter() -> str:
    """Name and version of what reads web pages."""
    return f"{package_version('trafilatura')}, {package_version('lxml')}"


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 8 KB (``<meta charset>``, ``http-equiv`` or an XML
    declaration), lower-cased, or ``None``."""
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


def _text_of(el) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def _metadata_lines(root, order: dict) -> list[tuple[int, str]]:
    """The page's labelled metadata lines with their position in the page."""
    found: list[tuple[int, str]] = []
    taken = set()
    for tr in root.iter("tr"):
        cells = [_text_of(td) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
        lines = [ln for ln in pair_cells(cells) if is_metadata(ln)]
        if lines:
            found.extend((order[tr], ln) for ln in lines)
            taken.update(tr.iter())
    for dt in root.iter("dt"):
        dd = dt.getnext()
        label, value = _text_of(dt), _text_of(dd) if dd is not None and dd.tag == "dd" else ""
        if value and label_only(label):
            found.append((order[dt], f"{label.rstrip(' :：')}：{value}"))
            taken.update(dt.iter())
            taken.update(dd.iter())
    candidates = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el in taken or el.tag in ("html", "body", "head", "title", "table",
                                                                     "tbody", "thead", "tr"):
            continue
        text = _text_of(el)
        if is_metadata(text):
            candidates.append(el)
    chosen = set(candidates)
    for el in candidates:  # the innermost element that holds a label and its value
        if any(d in chosen for d in el.iterdescendants()):
            chosen.discard(el)
    found.extend((order[el], _text_of(el)) for el in candidates if el in chosen)
    return found


def _same_title(a: str, b: str) -> bool:
    """Whether two titles are one (equal without spaces, or one holds the other and is nearly as long)."""
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    short, long_ = sorted((a, b), key=len)
    return bool(short) and short in long_ and len(short) >= 0.8 * len(long_)


def _title(root, order: dict) -> tuple[int, str] | None:
    """The page's title and its position (after every element for a title the page shows only in its head).

    Visible candidates are the ``<h1>`` elements and the elements whose class or id names a title; the
    first that agrees with the title the head gives (``<meta name="ArticleTitle">`` or the longest part of
    ``<title>``) wins; else the head's title; else the ``<h1>`` with the most Chinese characters (a site's
    logo is often an ``<h1>`` too, and a list of news a row of "titles").
    """
    def good(text: str) -> bool:
        return 4 <= len(_HAN_RE.findall(text)) and len(text) <= 300 and not is_metadata(text)

    visible = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "title", "meta"):
            continue
        if el.tag == "h1" or _TITLE_HINT_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
            text = _text_of(el)
            if good(text):
                visible.append((order[el], text, el.tag))
    hidden = []
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and good((meta.get("content") or "").strip()):
            hidden.append(meta.get("content").strip())
    for t in root.iter("title"):
        parts = [p for p in _TITLE_SPLIT_RE.split(_text_of(t)) if p]
        if parts:
            best = max(parts, key=lambda p: (len(_HAN_RE.findall(p)), -parts.index(p)))
            if good(best):
                hidden.append(best)
    for pos, text, _ in visible:
        if any(_same_title(text, h) for h in hidden):
            return pos, text
    if hidden:
        return len(order), hidden[0]  # after the metadata lines, before the article
    h1 = [(pos, text) for pos, text, tag in visible if tag == "h1"]
    return max(h1, key=lambda v: (len(_HAN_RE.findall(v[1])), -v[0])) if h1 else None


def _render(node) -> list[str]:
    """trafilatura's XML output as lines: a line per block and per ``<lb/>``; a table row's cells each a
    line, a label cell joined with the value after it (:func:`~.fields.pair_cells`)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush():
        if buf:
            lines.append("".join(buf))
            buf.clear()

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "row":
            flush()
            cells = [[ln for ln in (re.sub(r"[ \t\r\f\v]+", " ", x).strip() for x in _render_children(c)) if ln]
                     for c in el if c.tag == "cell"]
            if cells and all(len(c) == 1 for c in cells):
                lines.extend(pair_cells([c[0] for c in cells]))
            else:
                for c in cells:
                    lines.extend(c)
        elif tag == "lb":
            flush()
        elif tag:
            block = tag in _BLOCKS
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    def _render_children(cell) -> list[str]:
        saved = lines[:], buf[:]
        lines.clear()
        buf.clear()
        if cell.text:
            buf.append(cell.text)
        for child in cell:
            walk(child)
        flush()
        out = lines[:]
        lines[:], buf[:] = saved
        return out

    walk(node)
    flush()
    return lines


#: Elements that flow inside a line of text; every other element starts a block.
_INLINE = {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "dfn", "em", "font", "i",
           "img", "input", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong",
           "sub", "sup", "time", "tt", "u", "var", "wbr"}
#: Containers whose loose text becomes paragraphs before extraction.
_CONTAINERS = ("body", "div", "section", "article", "center", "main", "blockquote", "form")


def _loose_text_as_paragraphs(root) -> int:
    """Put text that sits directly in a container (``<div>line</div>``, ``<div>a<br>b<p>c</p>d</div>``)
    into ``<p>`` elements, so the extractor, which reads paragraphs, does not drop it; returns how many."""
    from lxml import html as lhtml

    def has_text(parts) -> bool:
        return any((t or "").strip() for t in parts)

    n = 0
    for el in list(root.iter(*_CONTAINERS)):
        children = [c for c in el if isinstance(c.tag, str)]
        if el.tag != "body" and not any(c.tag not in _INLINE for c in children):
            if has_text([el.text] + [t for c in el for t in (c.text_content() if isinstance(c.tag, str) else "",
                                                            c.tail)]):
                el.tag = "p"
                n += 1
            continue
        run_text, run = el.text, []
        el.text = None
        out = []
        for child in list(el):
            if isinstance(child.tag, str) and child.tag not in _INLINE:
                out.append((run_text, run))
                out.append(child)
                run_text, run = child.tail, []
                child.tail = None
            else:
                run.append(child)
        out.append((run_text, run))
        for child in list(el):
            el.remove(child)
        for item in out:
            if isinstance(item, tuple):
                text, inline = item
                if not has_text([text] + [c.text_content() if isinstance(c.tag, str) else "" for c in inline] +
                                [c.tail for c in inline]):
                    continue
                p = lhtml.Element("p")
                p.text = text
                for c in inline:
                    p.append(c)
                el.append(p)
                n += 1
            else:
                el.append(item)
    return n


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


#: Characters that separate the links of a menu (``首页 | 政务公开 > 政策文件``).
_MENU_SEPARATORS = re.compile(r"[\s|｜/／>＞»›·•\-—_,，、:：\[\]【】()（）]+")


def _drop_link_menus(root) -> int:
    """Remove elements that hold nothing but two or more links (menus, link bars, related-link lists);
    returns how many."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "a") or el.tag in _INLINE:
            continue
        links = [a for a in el.iter("a")]
        if len(links) < 2:
            continue
        rest = _MENU_SEPARATORS.sub("", el.text_content() or "")
        for a in links:
            rest = rest.replace(_MENU_SEPARATORS.sub("", a.text_content() or ""), "", 1)
        if not rest:
            found.append(el)
    dropped = set()
    for el in found:  # the outermost of them
        if not any(anc in dropped for anc in el.iterancestors()):
            dropped.add(el)
    for el in dropped:
        if el.getparent() is not None:
            el.drop_tree()
    return len(dropped)


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
    return _render(etree.fromstring(result.encode("utf-8"), parser))


def html_to_text(page: str, name: str | Path) -> tuple[str, list[Note]]:
    """The text of a decoded web page *page*: metadata and title lines, then the article (module docstring)."""
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
    head = _metadata_lines(root, order)
    title = _title(root, order)
    _drop_link_menus(root)
    _loose_text_as_paragraphs(root)
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
