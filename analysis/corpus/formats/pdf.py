"""PDF files with a text layer, read with pdfplumber: the text as paragraphs, without page furniture.

Each page's text lines are taken with their positions.  Then:

1. **page furniture** is removed: a line among the first or last :data:`EDGE_LINES` lines of a page whose
   text (digits aside) recurs at the same height (within :data:`SAME_POSITION_PT`) on at least half the
   pages (two at least) is a running header or footer; a line in the top or bottom margin band
   (:data:`MARGIN_BAND` of the page height) that is nothing but a page number (``3``, ``- 3 -``, ``— 3 —``,
   ``第3页``, ``第3页 共10页``, ``3/10``, ``Page 3 of 10``) is a page number;
2. **spaces the layout put between characters** are removed (:func:`line_text`): between Chinese
   characters (or a Chinese character and a digit) only a gap of a character or more (table columns) is
   a space, and a letter-spaced line is closed up whole;
3. **lines are joined back into paragraphs**: a line that reaches the right margin (within
   :data:`MARGIN_TOLERANCE` of a character) continues on the next line, across a page break too, unless the
   next line starts with a numbering mark (``一、`` ``（一）`` ``1.`` ``1、`` ``(1)`` ``第一章`` ``①``) or is
   indented (the first line of a paragraph).  The margins are where at least a tenth of the lines start
   and end (:func:`margins`).

A PDF without text (a scan) is refused, suggesting OCR; pages without text in a PDF that has some are
reported.  The work is bounded: at most :data:`MAX_PAGES` pages, :data:`MAX_CHARS_PER_PAGE` characters a
page and :data:`MAX_SECONDS` seconds.
"""
from __future__ import annotations

import io
import math
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.corpus.decode import MIN_HAN
from analysis.corpus.formats.base import (Decoded, Note, drop_controls, one_line, package_version, strip_line,
                                         time_limit)
from analysis.errors import BuildError

#: At most this many pages.
MAX_PAGES = 2000
#: At most this many characters on one page.
MAX_CHARS_PER_PAGE = 100_000
#: At most this many seconds for one file.
MAX_SECONDS = 300
#: Running headers and footers are looked for among this many lines at the top and the bottom of a page.
EDGE_LINES = 3
#: Two lines are at the same position when their tops differ by at most this many points.
SAME_POSITION_PT = 3.0
#: Page numbers are looked for in this share of the page height at its top and at its bottom.
MARGIN_BAND = 0.15
#: A line reaches the right margin when it ends within this share of a character's size from it.
MARGIN_TOLERANCE = 0.6
#: A line is letter-spaced when at least this share of the gaps between its characters are wide.
LETTER_SPACED_SHARE = 0.8
#: Between Chinese characters, a gap of at least this share of the font size separates two columns.
COLUMN_GAP_EM = 1.0
#: Elsewhere, a gap of more than this share of the font size separates two words.
WORD_GAP_EM = 0.25
#: The margins are where at least this share of the lines start or end.
MARGIN_SHARE = 0.1
#: A line starting this share of a character's size right of the left margin is indented.
INDENT_TOLERANCE = 0.5

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = rf"{_HAN}\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019\u00b7"
_CJK_RE = re.compile(rf"[{_CJK}]")
_HAN_RE = re.compile(rf"[{_HAN}]")
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－―~～·•\s]*\d{1,4}[-—–－―~～·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$", re.I)
#: A numbering mark opening a line: it starts a paragraph even after a line that reaches the margin.
NUMBERING_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]{1,3}\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十百\d]{1,3}\s*[)）]"
    r"|\d{1,3}\s*[.．、,，)）﹒](?!\d)"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节条部分篇]"
    r"|[\u2460-\u2473\u2474-\u2487\u2488-\u249b])")


@dataclass
class Line:
    """A text line of a page: its text and box (points, top from the top of the page), its font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int = 0
    n_controls: int = 0


def converter() -> str:
    """Name and version of what reads PDF files.

    Returns
    -------
    str
        ``pdfplumber <version>, pdfminer.six <version>``, written into ``documents.csv``.
    """
    return f"{package_version('pdfplumber')}, {package_version('pdfminer.six')}"


def is_page_number(text: str) -> bool:
    """Whether *text* is nothing but a page number (``3``, ``- 3 -``, ``第3页 共10页``, ``3/10`` …).

    Parameters
    ----------
    text : str
        A line's text.

    Returns
    -------
    bool
    """
    return bool(PAGE_NUMBER_RE.match(text.strip()))


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def furniture(pages: list[list[Line]], heights: list[float]) -> tuple[set[int], int, int, list[str]]:
    """Page numbers, running headers and footers (module docstring, step 1).

    Parameters
    ----------
    pages : list of list of Line
        Each page's lines, top to bottom.
    heights : list of float
        Each page's height (points).

    Returns
    -------
    tuple
        The ids (``id(line)``) of the lines to drop; how many running lines and how many page numbers
        that is; the text of each running line.
    """
    n = len(pages)
    drop: set[int] = set()
    n_numbers = 0
    for lines, height in zip(pages, heights):
        for ln in lines[:2] + lines[-2:]:
            in_band = ln.bottom <= MARGIN_BAND * height or ln.top >= (1 - MARGIN_BAND) * height
            if id(ln) not in drop and in_band and is_page_number(ln.text):
                drop.add(id(ln))
                n_numbers += 1
    groups: dict[str, list[Line]] = {}
    for lines in pages:
        edge = lines[:EDGE_LINES] + lines[max(EDGE_LINES, len(lines) - EDGE_LINES):]
        for ln in edge:
            if id(ln) not in drop:
                groups.setdefault(_mask(ln.text), []).append(ln)
    running_texts: list[str] = []
    n_running = 0
    if n >= 2:
        for _, lines in sorted(groups.items()):
            lines = sorted(lines, key=lambda ln: ln.top)
            cluster: list[Line] = []
            for ln in lines + [None]:  # clusters of lines at the same height
                if ln is not None and (not cluster or ln.top - cluster[-1].top <= SAME_POSITION_PT):
                    cluster.append(ln)
                    continue
                if len({c.page for c in cluster}) >= max(2, n / 2):
                    drop.update(id(c) for c in cluster)
                    n_running += len(cluster)
                    running_texts.append(cluster[0].text)
                cluster = [ln] if ln is not None else []
    return drop, n_running, n_numbers, running_texts


def join_lines(lines: list[Line], left: float, right: float) -> tuple[list[str], list[tuple[int, int]], int]:
    """Join layout lines into paragraphs (module docstring, step 3).

    Parameters
    ----------
    lines : list of Line
        The body lines in reading order.
    left, right : float
        The left and right margins (points).

    Returns
    -------
    tuple
        The paragraphs; for each line, the paragraph it went into and where in it its text starts; the
        number of joins.
    """
    paras: list[str] = []
    where: list[tuple[int, int]] = []
    joins = 0
    prev: Line | None = None
    for ln in lines:
        if prev is not None:
            reaches = prev.x1 >= right - MARGIN_TOLERANCE * (prev.size or 10.0)
            indented = ln.x0 > left + INDENT_TOLERANCE * (ln.size or 10.0)
            if reaches and not indented and not NUMBERING_RE.match(ln.text):
                last, first = paras[-1][-1:], ln.text[:1]
                sep = " " if (last.isascii() and last.isalpha() and first.isascii() and first.isalpha()) else ""
                where.append((len(paras) - 1, len(paras[-1]) + len(sep)))
                paras[-1] += sep + ln.text
                joins += 1
                prev = ln
                continue
        where.append((len(paras), 0))
        paras.append(ln.text)
        prev = ln
    return paras, where, joins


def _kind(ch: str) -> str:
    if _CJK_RE.match(ch):
        return "cjk"
    return "digit" if ch.isdigit() and ch.isascii() else "other"


def line_text(chars: list[dict]) -> str:
    """A line's text from its characters (pdfplumber's dicts: ``text``, ``x0``, ``x1``, ``size``), spaced
    as it reads rather than as it was laid out.

    A letter-spaced line (at least :data:`LETTER_SPACED_SHARE` of the gaps between its characters wider
    than :data:`WORD_GAP_EM` of the font size, space characters counting as gap) is closed up whole.
    Elsewhere, between two Chinese characters, or a Chinese character and a digit, a gap narrower than
    :data:`COLUMN_GAP_EM` of the font size is layout (justification, a full-width space used as an indent)
    and gives nothing, a wider one (between the columns of a table) one space; between other characters
    (Latin words, numbers) a space character or a gap wider than :data:`WORD_GAP_EM` gives one space.

    Parameters
    ----------
    chars : list of dict
        The characters of one line, in any order (sorted here by ``x0``); blank ones mark spaces.

    Returns
    -------
    str
        ``""`` for a line of blank characters only.
    """
    glyphs: list[tuple[dict, float, bool]] = []  # character, gap before it, a space character before it
    prev = None
    spaced = False
    for c in sorted(chars, key=lambda c: (float(c["x0"]), float(c["x1"]))):
        if not c.get("text", "").strip():
            spaced = True
            continue
        gap = float(c["x0"]) - float(prev["x1"]) if prev is not None else 0.0
        glyphs.append((c, gap, spaced))
        prev, spaced = c, False
    if not glyphs:
        return ""

    def size(c, p) -> float:
        return max(float(p.get("size") or 0), float(c.get("size") or 0)) or 10.0

    wide = [sp or gap > WORD_GAP_EM * size(c, p[0]) for p, (c, gap, sp) in zip(glyphs, glyphs[1:])]
    if wide and sum(wide) >= LETTER_SPACED_SHARE * len(wide):
        return "".join(c["text"] for c, _, _ in glyphs)
    out = [glyphs[0][0]["text"]]
    for (p, _, _), (c, gap, sp) in zip(glyphs, glyphs[1:]):
        kinds = {_kind(p["text"][-1]), _kind(c["text"][0])}
        if "cjk" in kinds and kinds <= {"cjk", "digit"}:
            out.append(" " if gap >= COLUMN_GAP_EM * size(c, p) else "")
        else:
            out.append(" " if sp or gap > WORD_GAP_EM * size(c, p) else "")
        out.append(c["text"])
    return "".join(out)


def margins(lines: list[Line]) -> tuple[float, float]:
    """The left and right margins of a document's body lines: the positions that at least
    :data:`MARGIN_SHARE` of its lines (three at least) start left of or end right of, so a few outliers
    (a wide table, a letter-spaced title) do not move them."""
    k = max(3, math.ceil(MARGIN_SHARE * len(lines)))
    k = min(k, len(lines))
    return sorted(ln.x0 for ln in lines)[k - 1], sorted((ln.x1 for ln in lines), reverse=True)[k - 1]


def _page_lines(page, index: int, name: str | Path) -> list[Line]:
    if len(page.chars) > MAX_CHARS_PER_PAGE:
        raise BuildError(f"{name}: page {index + 1} of this PDF holds {len(page.chars):,} characters, more than the "
                         f"{MAX_CHARS_PER_PAGE:,} a page may have; the file is damaged or hostile. Save the plan's "
                         "text as UTF-8 text.")
    out = []
    for d in page.extract_text_lines(strip=True, return_chars=True):
        text, n_controls = drop_controls(line_text(d.get("chars") or []))
        text = strip_line(text)
        if not text:
            continue
        sizes = [c.get("size", 0) for c in d.get("chars", []) if c.get("text", "").strip()]
        out.append(Line(text, float(d["x0"]), float(d["x1"]), float(d["top"]), float(d["bottom"]),
                        float(statistics.median(sizes)) if sizes else 0.0, index, n_controls))
    out.sort(key=lambda ln: (round(ln.top, 1), ln.x0))
    return out


def read_pdf(data: bytes, name: str | Path) -> Decoded:
    """Read a PDF's bytes (see the module docstring).

    Parameters
    ----------
    data : bytes
        The PDF file.
    name : str or Path
        The raw file, for messages.

    Returns
    -------
    Decoded
        ``pages`` holds the offset where each page's text starts.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    started = time.monotonic()
    pages: list[list[Line]] = []
    heights: list[float] = []
    try:
        with time_limit(MAX_SECONDS, f"{name}: reading this PDF took more than {MAX_SECONDS} s; the file is damaged "
                                     "or hostile. Save the plan's text as UTF-8 text."):
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                n_pages = len(pdf.pages)
                if n_pages > MAX_PAGES:
                    raise BuildError(f"{name}: a PDF of {n_pages} pages, more than the {MAX_PAGES} a plan may have. "
                                     "Check the file, or save the plan's text as UTF-8 text.")
                for i, page in enumerate(pdf.pages):
                    pages.append(_page_lines(page, i, name))
                    heights.append(float(page.height))
                    page.close()
                    if time.monotonic() - started > MAX_SECONDS:
                        raise BuildError(f"{name}: reading this PDF took more than {MAX_SECONDS} s (stopped at page "
                                         f"{i + 1} of {n_pages}); the file is damaged or hostile. Save the plan's "
                                         "text as UTF-8 text.")
    except BuildError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise BuildError(f"{name}: an encrypted PDF that cannot be read without its password ({one_line(err)}). Save "
                         "an unprotected copy, or the plan's text as UTF-8 text.") from None
    except (PdfminerException, Exception) as err:  # pdfminer raises many kinds of errors on damaged files
        if isinstance(err, (MemoryError, KeyboardInterrupt)):
            raise
        cause = err.args[0] if isinstance(err, PdfminerException) and err.args else err
        raise BuildError(f"{name}: a damaged PDF that cannot be read ({type(cause).__name__}: {one_line(cause)}). "
                         "Download it again, or save the plan's text as UTF-8 text.") from None
    n_han = sum(len(_HAN_RE.findall(ln.text)) for lines in pages for ln in lines)
    if n_han < MIN_HAN:
        raise BuildError(f"{name}: a PDF without a text layer ({len(pages)} pages, {n_han} Chinese characters of "
                         "text): it holds images of the pages, a scan. Run OCR on it first (e.g. `ocrmypdf -l "
                         "chi_sim FILE.pdf FILE-ocr.pdf`) and list the OCRed file in the manifest, or save the "
                         "plan's text as UTF-8 text.")
    return _assemble(pages, heights)


def _assemble(pages: list[list[Line]], heights: list[float]) -> Decoded:
    notes: list[Note] = []
    drop, n_running, n_numbers, running = furniture(pages, heights)
    body = [[ln for ln in lines if id(ln) not in drop] for lines in pages]
    empty = [str(i + 1) for i, lines in enumerate(pages) if not lines]
    flat = [ln for lines in body for ln in lines]
    left, right = margins(flat)
    paras, where, joins = join_lines(flat, left, right)
    para_at, pos = [], 0
    for p in paras:
        para_at.append(pos)
        pos += len(p) + 1
    text = "".join(f"{p}\n" for p in paras)
    starts, i = [], 0
    for page_no in range(len(pages)):  # where each page's text starts (a page without text: where the next does)
        while i < len(flat) and flat[i].page < page_no:
            i += 1
        starts.append(para_at[where[i][0]] + where[i][1] if i < len(flat) else len(text))
    if n_running:
        notes.append(Note("conversion", "removed running page headers and footers", " | ".join(running)[:200],
                          n_running))
    if n_numbers:
        notes.append(Note("conversion", "removed page numbers", count=n_numbers))
    if joins:
        notes.append(Note("conversion", "joined lines the page layout had broken (a line reaching the right margin "
                                        "continues on the next)", count=joins))
    if empty:
        notes.append(Note("pdf_pages_without_text", "pages without any text (scanned pages?): their content is "
                                                    "missing from the text; run OCR on the PDF",
                          "pages " + ", ".join(empty[:20]), len(empty)))
    n_controls = sum(ln.n_controls for ln in flat)
    if n_controls:
        notes.append(Note("conversion", "removed control characters", count=n_controls))
    return Decoded(text, "", "pdf", converter(), tuple(notes), tuple(starts))


__all__ = ["read_pdf", "Line", "join_lines", "furniture", "is_page_number", "line_text", "converter", "MAX_PAGES",
           "MAX_SECONDS", "MAX_CHARS_PER_PAGE", "NUMBERING_RE", "PAGE_NUMBER_RE"]
