"""The page around a web page's article: its title and labelled metadata lines, its menus and loose text,
and the rendering of the extracted article as lines (see :mod:`.html`)."""
from __future__ import annotations

import re

from analysis.corpus.formats.fields import is_metadata, label_only, pair_cells

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TITLE_HINT_RE = re.compile(r"title", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|--|——|\s-\s|－)\s*")
#: Blocks of trafilatura's XML output: each starts a line.
_BLOCKS = {"doc", "main", "comments", "p", "head", "list", "item", "table", "row", "cell", "quote", "code", "div",
           "graphic"}


def _text_of(el) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def metadata_lines(root, order: dict) -> list[tuple[int, str]]:
    """The page's labelled metadata lines with their position in the page.

    Parameters
    ----------
    root : lxml.html.HtmlElement
        The parsed page.
    order : dict
        ``{element: position}`` of every element of the page in document order.

    Returns
    -------
    list of (int, str)
        ``(position, line)``: label/value pairs of table rows and ``<dt>``/``<dd>`` pairs, then every innermost
        other element whose text is one labelled field (:func:`~.fields.is_metadata`).
    """
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


def page_title(root, order: dict) -> tuple[int, str] | None:
    """The page's title and its position (after every element for a title the page shows only in its head).

    Visible candidates are the ``<h1>`` elements and the elements whose class or id names a title; the
    first that agrees with the title the head gives (``<meta name="ArticleTitle">`` or the longest part of
    ``<title>``) wins; else the head's title; else the ``<h1>`` with the most Chinese characters (a site's
    logo is often an ``<h1>`` too, and a list of news a row of "titles").

    Parameters
    ----------
    root : lxml.html.HtmlElement
        The parsed page.
    order : dict
        ``{element: position}`` of every element of the page in document order.

    Returns
    -------
    (int, str) or None
        ``(position, title)``, or None if the page has no title of at least four Chinese characters.
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


def render(node) -> list[str]:
    """trafilatura's XML output as lines: a line per block and per ``<lb/>``; a table row's cells each a
    line, a label cell joined with the value after it (:func:`~.fields.pair_cells`).

    Parameters
    ----------
    node : lxml.etree._Element
        trafilatura's XML output (the ``<doc>`` element or any part of it).

    Returns
    -------
    list of str
        The lines, unstripped, in document order.
    """
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


def loose_text_as_paragraphs(root) -> int:
    """Put text that sits directly in a container (``<div>line</div>``, ``<div>a<br>b<p>c</p>d</div>``)
    into ``<p>`` elements, so the extractor, which reads paragraphs, does not drop it; returns how many.

    Parameters
    ----------
    root : lxml.html.HtmlElement
        The parsed page.
        Changed in place.

    Returns
    -------
    int
        The number of ``<p>`` elements made (or containers renamed ``<p>``).
    """
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


#: Characters that separate the links of a menu (``首页 | 政务公开 > 政策文件``).
_MENU_SEPARATORS = re.compile(r"[\s|｜/／>＞»›·•\-—_,，、:：\[\]【】()（）]+")


def drop_link_menus(root) -> int:
    """Remove elements that hold nothing but two or more links (menus, link bars, related-link lists);
    returns how many.

    Parameters
    ----------
    root : lxml.html.HtmlElement
        The parsed page.
        Changed in place.

    Returns
    -------
    int
        The number of elements removed (the outermost of nested menus).
    """
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


__all__ = ["metadata_lines", "page_title", "render", "loose_text_as_paragraphs", "drop_link_menus"]
