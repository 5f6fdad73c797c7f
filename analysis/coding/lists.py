"""Where a plan puts its department lists: the rules that find them (parsing them is :mod:`departments`).

Chinese plans attach the units responsible for a measure in four ways, all
recognised by their form, never by which units they name:

- a **bracket closing the text** of an item or a paragraph:
  ``……。（责任单位：省经济和信息化厅、省财政厅）`` or ``（区科协、教体局按职责分工负责）``;
  the bracket may run over a line break (text copied from a PDF) and may be
  followed by a full stop;
- a **labelled list at the end of the text**, inline: ``……。牵头单位：A；配合单位：B。``;
- **department lines**: a line (or a paragraph) that only assigns units,
  ``牵头单位：…`` / ``责任单位：…``, also when the whole line is wrapped in a bracket
  ``（责任单位：…）``; it closes the item above it or the section it ends;
- a bracket closing a **group heading** (``（一）青少年科学素质提升行动……（牵头单位：州教育局）``),
  inherited by every item of the group.

A bracket is a department list when :func:`analysis.coding.departments.looks_like_list`
says so (a role label, a closing formula such as ``按职责分工负责``, or every item
reading as the name of a unit); brackets that explain a word (``（以下简称…）``) never are.
"""
from __future__ import annotations

from analysis.coding.codebook import Codebook
from analysis.coding.departments import ORG_SUFFIX_RE, _core, looks_like_list, split_items

OPENERS = "（("
CLOSERS = "）)"


def trailing_parenthesis(text: str) -> tuple[int, int] | None:
    """Span ``(open, close+1)`` of the parenthesis that ends *text*, nested-aware.

    Parameters
    ----------
    text : str
        The text; a final ``。`` and spaces after the parenthesis are ignored.

    Returns
    -------
    tuple of int or None
        Offsets in *text* of the opening bracket and just after the closing one,
        or None when *text* does not end with a balanced parenthesis.
    """
    body = text.rstrip().rstrip("。.；;").rstrip()
    if not body or body[-1] not in CLOSERS:
        return None
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        ch = body[i]
        if ch in CLOSERS:
            depth += 1
        elif ch in OPENERS:
            depth -= 1
            if depth == 0:
                return i, len(body)
    return None


class ListFinder:
    """The department lists of one normalised plan text (see the module docstring).

    Parameters
    ----------
    text : str
        The normalised text every offset points into.
    codebook : Codebook
        Gives the role labels, closing formulas and unit names that tell a list.
    """

    def __init__(self, text: str, codebook: Codebook) -> None:
        self.text = text
        self.cb = codebook

    # ------------------------------------------------------------------ lines
    def is_department_line(self, line: str) -> bool:
        """Whether a whole line only assigns units (``牵头单位：…``, ``（责任单位：…）``): never an action.

        Parameters
        ----------
        line : str
            The line's text.

        Returns
        -------
        bool
        """
        stripped = line.strip()
        if self.cb.role_label_re.match(stripped.lstrip("（( ")):
            return True
        # a whole line in brackets that is a list, e.g. （区科协、区教育局按职责分工负责）
        par = trailing_parenthesis(stripped)
        if not (par and par[0] == 0):
            return False
        inner = stripped[1:par[1] - 1]
        if not looks_like_list(inner, self.cb):
            return False
        if self.cb.role_label_re.search(inner) or any(inner.rstrip("。").endswith(c) for c in self.cb.list_closings):
            return True
        # without a label or a closing formula, every item must end like a unit's name: （市科协、市教育局）,
        # not a note that merely names one (（中国科协办公厅代章）)
        items = [inner[a:b].strip() for a, b in split_items(inner, self.cb) if inner[a:b].strip()]
        return all(ORG_SUFFIX_RE.search(_core(it, self.cb)) or it.startswith("各") for it in items)

    def line_list_span(self, start: int, end: int) -> tuple[int, int]:
        """The span to parse of a department line ``text[start:end]``: without an enclosing bracket.

        Parameters
        ----------
        start, end : int
            Offsets into the plan's text (:attr:`text`) of the span, *end* exclusive.

        Returns
        -------
        (int, int)
            Offsets of the list to parse: inside the bracket if the whole (stripped) line is one bracket, else
            ``(start, end)``.
        """
        seg = self.text[start:end]
        lead = len(seg) - len(seg.lstrip())
        par = trailing_parenthesis(seg.strip())
        if par and par[0] == 0:
            return start + lead + 1, start + lead + par[1] - 1
        return start, end

    # --------------------------------------------------------- closing lists
    def closing_bracket(self, start: int, end: int) -> tuple[int, int] | None:
        """The department bracket that closes ``text[start:end]``, or None.

        Parameters
        ----------
        start, end : int
            The span of the text (an item, a paragraph, a run of paragraphs).

        Returns
        -------
        tuple of int or None
            Document offsets ``(a, b)`` of the bracket itself (``text[a] == "（"``,
            ``text[b - 1] == "）"``).  The bracket may span lines; it must leave some
            text before it.
        """
        seg = self.text[start:end]
        par = trailing_parenthesis(seg)
        if not par:
            return None
        a, b = par
        inner = seg[a + 1:b - 1]
        if not seg[:a].strip(" \n，。；") or not looks_like_list(inner.replace("\n", ""), self.cb):
            return None
        return start + a, start + b

    def inline_list(self, start: int, end: int) -> int | None:
        """Offset of a labelled list written at the end of ``text[start:end]`` (``……。牵头单位：A；配合单位：B。``).

        Only the last line of the span is searched, outside brackets; some text
        must come before the label.

        Parameters
        ----------
        start, end : int
            Offsets into the plan's text (:attr:`text`) of the span, *end* exclusive.

        Returns
        -------
        int or None
            The offset of the role label that starts the list, or None if there is none.
        """
        line_start = max(self.text.rfind("\n", 0, end) + 1, start)
        depth = 0
        for i in range(line_start, end):
            ch = self.text[i]
            if ch in OPENERS:
                depth += 1
            elif ch in CLOSERS:
                depth = max(0, depth - 1)
            elif depth == 0 and i > start and self.cb.role_label_re.match(self.text, i, end):
                if self.text[start:i].strip(" ，。；;,"):
                    return i
        return None

    def closes_with_list(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` ends with a department list of its own (bracket or inline).

        Parameters
        ----------
        start, end : int
            Offsets into the plan's text (:attr:`text`) of the span, *end* exclusive.

        Returns
        -------
        bool
        """
        return self.closing_bracket(start, end) is not None or self.inline_list(start, end) is not None

    def first_department_line(self, start: int, end: int) -> int | None:
        """Offset of the first department line that starts inside ``[start, end)`` after its first line.

        Parameters
        ----------
        start, end : int
            Offsets into the plan's text (:attr:`text`) of the span, *end* exclusive.

        Returns
        -------
        int or None
            The offset where that line starts, or None if no later line of the span is a department line.
        """
        pos = self.text.find("\n", start, end)
        while 0 <= pos < end:
            ln_start = pos + 1
            ln_end = self.text.find("\n", ln_start, end)
            ln_end = end if ln_end < 0 else ln_end
            if ln_start < end and self.is_department_line(self.text[ln_start:ln_end]):
                return ln_start
            pos = self.text.find("\n", ln_start, end)
        return None


__all__ = ["ListFinder", "trailing_parenthesis"]
