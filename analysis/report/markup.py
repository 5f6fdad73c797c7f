"""Text from the data, escaped for where it lands: Markdown, HTML, chart labels, spreadsheet cells.

A report is a document researchers send to each other, and everything in it
that comes from a manifest, a codebook or a plan's text is untrusted input:
``<img src=x onerror=…>`` in a plan's English name must show as those
characters, never run.  Each layer has its own escaping, applied where a value
is put into a template:

- :func:`md_text` -- a value inside generated Markdown (a notebook's sentences):
  HTML-significant characters become entities, Markdown punctuation is
  backslash-escaped, so the value is shown as typed and never becomes markup,
  a link, an image, emphasis, a table cell break or math;
- :func:`md_code` -- a value shown as code (an id): a code span when that is
  safe, else :func:`md_text`;
- :func:`html_text` -- a value in HTML text or a quoted attribute;
- :func:`safe_href` -- a link target: relative paths and ``#anchors``,
  ``http(s)`` and ``mailto`` only; anything else (``javascript:``, ``data:``,
  ``file:``, ``vbscript:``) becomes ``#``;
- :func:`anchor_id` -- an HTML id / URL fragment built from data (``a-zhifu-007``);
- :func:`chart_text` -- a label for a Matplotlib chart: ``$`` escaped, so a
  name cannot switch on mathtext (the SVG writer escapes ``<`` and ``&``);
- :func:`csv_cell` -- a cell of a CSV meant to be opened in a spreadsheet: a
  leading ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with
  ``'`` so the spreadsheet shows it as text instead of running it as a formula.

:func:`sanitize_markdown` is the safety net where generated Markdown is
displayed (:func:`analysis.report.findings.show`): whatever a sentence
interpolated, the Markdown that leaves it holds no ``<`` that opens a tag (so no HTML tag,
script, event handler or autolink) and no bracket that could close a link, an
image or a reference definition (``javascript:`` or otherwise).  Code spans are
kept as they are where they cannot hide either.  The report's generated
sentences use neither HTML nor links, so the net changes nothing a template
meant.
"""
from __future__ import annotations

import html
import re

#: The ASCII punctuation CommonMark lets a backslash escape.
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Characters :func:`md_text` backslash-escapes wherever they are (Markdown syntax inside a line: emphasis,
#: code, links and images, table cells, strike-through, math; ``_`` only where it could start or end emphasis,
#: i.e. not between two letters or digits); ``<``, ``>`` and ``&`` become entities instead.  A value is
#: inline, so what is syntax only at the start of a line (``#``, ``+``, ``1.``) cannot take effect.
MARKDOWN_SPECIAL = "\\`*_[]|~$"
#: Link schemes a generated link may use.
SAFE_SCHEMES = ("http", "https", "mailto")
#: Leading characters a spreadsheet runs as a formula (as the manifest's check, :mod:`analysis.corpus.manifest`).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_MD_ESCAPE = {c: "\\" + c for c in MARKDOWN_SPECIAL}
_MD_ESCAPE.update({"<": "&lt;", ">": "&gt;", "&": "&amp;"})
_SPACE = re.compile(r"[\r\n\t\u2028\u2029]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_CODE_SAFE = re.compile(r"[^\s<>\[\]|`$\\&]([^<>\[\]|`$\\&\r\n]*[^\s<>\[\]|`$\\&])?")
_ANCHOR_BAD = re.compile(r"[^A-Za-z0-9_\-]+")


def md_text(value) -> str:
    """*value* as literal text inside Markdown.

    Parameters
    ----------
    value : object
        Anything; ``str(value)`` is escaped (``None`` gives ``""``).

    Returns
    -------
    str
        The text with ``<``, ``>`` and ``&`` as entities, the Markdown punctuation
        :data:`MARKDOWN_SPECIAL` backslash-escaped and line breaks turned into spaces
        (a value is inline: it cannot start a heading, list or table row).  Rendered by a
        CommonMark renderer (with GFM tables and strike-through, and TeX math) it shows exactly the
        characters of *value*.
    """
    if value is None:
        return ""
    text = _SPACE.sub(" ", str(value))
    out = []
    for i, c in enumerate(text):
        if c == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(c)  # science_tech: inside a word, _ cannot open or close emphasis
        else:
            out.append(_MD_ESCAPE.get(c, c))
    return "".join(out)


def md_code(value) -> str:
    """*value* as a Markdown code span (``` `zhifu` ```) when it can be one safely, else as :func:`md_text`.

    Parameters
    ----------
    value : object
        Usually an id.

    Returns
    -------
    str
        A code span when the value holds no backtick, ``<``, ``>``, ``[``, ``]``, ``|``, ``$``, ``&``,
        backslash or line break and does not start or end with a space; the escaped text otherwise.
    """
    text = "" if value is None else str(value)
    if text and _CODE_SAFE.fullmatch(text):
        return f"`{text}`"
    return md_text(text)


def html_text(value) -> str:
    """*value* escaped for HTML text and for a double- or single-quoted attribute (``None`` gives ``""``).

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    str
        ``html.escape(str(value), quote=True)``.
    """
    return "" if value is None else html.escape(str(value), quote=True)


def safe_href(url) -> str:
    """A link target safe to put into ``href``: relative paths, ``#anchors``, http(s) and mailto.

    Parameters
    ----------
    url : object
        The target.

    Returns
    -------
    str
        The target escaped for an attribute, or ``#`` when it names another scheme (``javascript:``,
        ``data:``, ``file:``, ``vbscript:`` …, however it is spelled: control characters and spaces are
        ignored when the scheme is read, as browsers do).
    """
    if url is None:
        return "#"
    text = str(url)
    probe = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(text))
    m = _SCHEME.match(probe)
    if m and m.group(1).lower() not in SAFE_SCHEMES:
        return "#"
    if probe.startswith("//") or probe.startswith("\\\\") or probe.startswith("/\\"):
        return "#"  # a protocol-relative address leaves the report
    return html_text(text)


def anchor_id(*parts) -> str:
    """An HTML id and URL fragment from *parts*: ``anchor_id("a", "zhifu-007")`` -> ``a-zhifu-007``.

    Parameters
    ----------
    *parts : object
        Joined with ``-``; every run of characters other than ASCII letters, digits, ``_`` and ``-``
        becomes ``_``.

    Returns
    -------
    str
        The id (never empty: ``x`` for no usable character).
    """
    text = "-".join(_ANCHOR_BAD.sub("_", str(p)) for p in parts if p is not None and str(p) != "")
    return text or "x"


def chart_text(value) -> str:
    """*value* as a Matplotlib label: ``$`` escaped so a name cannot switch on mathtext.

    Parameters
    ----------
    value : object
        A label.

    Returns
    -------
    str
        The text with ``$`` as ``\\$`` (Matplotlib's SVG writer escapes ``<``, ``>`` and ``&`` itself).
    """
    return "" if value is None else str(value).replace("$", r"\$")


def csv_cell(value):
    """A CSV cell meant for a spreadsheet: text starting with a formula character gets a leading ``'``.

    Parameters
    ----------
    value : object
        A cell; anything but a string is returned unchanged.

    Returns
    -------
    object
        ``"'" + value`` when *value* is a string starting with one of :data:`FORMULA_START`, else *value*.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _closing(md: str, start: int, run: int) -> int | None:
    """Index of the backtick run of exactly *run* backticks at or after *start*, or None."""
    i, n = start, len(md)
    while i < n:
        j = md.find("`", i)
        if j < 0:
            return None
        k = j
        while k < n and md[k] == "`":
            k += 1
        if k - j == run:
            return j
        i = k
    return None


def sanitize_markdown(markdown: str) -> str:
    """The safety net for generated Markdown: no raw HTML, no autolink, no link or image.

    Parameters
    ----------
    markdown : str
        Markdown a template made, possibly with unescaped values in it.

    Returns
    -------
    str
        The same Markdown, where outside code spans every ``<`` not followed by a space or tab (which
        HTML tags, comments and autolinks all need) is ``&lt;``, and every ``]`` directly
        followed by ``(``, ``[`` or ``:`` is ``&#93;`` -- the three ways a bracket closes a link, an
        image, a reference or a reference definition (``[x](javascript:…)``, ``![x](file)``,
        ``[x][r]``, ``[r]: url``); a character reference never counts as Markdown structure, and without
        a definition a bare ``[x]`` is text, so intervals such as ``[4.1–9.8%]`` are left as they are.
        Other backslash escapes already there are kept, so escaped text is not escaped twice (``\\<``
        and ``\\](`` become the entities too: a renderer's bare-URL autolink can swallow a backslash).
        A code span is kept verbatim when its content holds no ``<``, ``[``, ``]``, ``|`` or line break
        (characters that a table or a paragraph break could pull out of the span, or that could start
        HTML); any other backtick run is escaped and its content treated as text.  The result
        therefore holds no ``<`` that could open a tag and no ``]`` directly before ``(``, ``[`` or
        ``:``, whichever way a renderer tokenises it.
    """
    md = str(markdown)
    out: list[str] = []
    i, n = 0, len(md)
    while i < n:
        c = md[i]
        if c == "\\" and i + 1 < n and md[i + 1] in ASCII_PUNCTUATION:
            nxt = md[i + 1]
            if nxt == "<":  # the same character, as an entity no other construct can take the backslash from
                out.append("&lt;")
            elif nxt == "]" and i + 2 < n and md[i + 2] in "([:":
                out.append("&#93;")
            else:
                out.append(md[i:i + 2])
            i += 2
            continue
        if c == "`":
            j = i
            while j < n and md[j] == "`":
                j += 1
            close = _closing(md, j, j - i)
            if close is None:
                out.append("\\`" * (j - i))
                i = j
                continue
            content = md[j:close]
            if not any(x in content for x in "<[]|\n\r"):
                out.append(md[i:close + (j - i)])
            else:  # not safe as a span: the backticks become text, and so does the content
                out.append("\\`" * (j - i) + sanitize_markdown(content.replace("`", "\\`")) + "\\`" * (j - i))
            i = close + (j - i)
            continue
        if c == "<":  # "p < 0.05" stays: a tag, comment or autolink needs a character right after the <
            out.append("<" if i + 1 < n and md[i + 1] in " \t" else "&lt;")
        elif c == "]" and i + 1 < n and md[i + 1] in "([:":
            out.append("&#93;")
        else:
            out.append(c)
        i += 1
    return "".join(out)


__all__ = ["md_text", "md_code", "html_text", "safe_href", "anchor_id", "chart_text", "csv_cell",
           "sanitize_markdown", "MARKDOWN_SPECIAL", "SAFE_SCHEMES", "FORMULA_START"]
