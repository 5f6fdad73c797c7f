"""The heading tree of a normalised plan.

Chinese policy documents number their headings ``一、`` > ``（一）`` > ``1.`` >
``（1）``; normalisation has already made every variant (``1、``, ``1．``, ``1﹒``,
``1）``, half-width brackets) one of these.  A line that starts with a marker opens a
node; any other line is a paragraph of the innermost open node.

A *box* (``专栏7  5G＋工业互联网融合应用工程``, ``专栏：…``) lists projects inside an
item: its header and every line after it belong to the box of the node it
appears in (not to its paragraphs, and numbered lines inside it open no node),
until a heading that continues the numbering of that node or of one above it
(the box's own ``1.`` ``2.`` start again at one) or a line that assigns units.  Nothing here
decides what an action is (see :mod:`analysis.coding.segment`): this module only
records the tree, with character offsets, so every later fact can point back
at its text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

HAN_NUM = "一二三四五六七八九十"
MARKERS = [
    (1, re.compile(rf"^([{HAN_NUM}]{{1,3}})、")),
    (2, re.compile(rf"^（([{HAN_NUM}]{{1,3}})）")),
    (3, re.compile(r"^(\d{1,2})\.(?!\d)")),
    (4, re.compile(r"^（(\d{1,2})）")),
]
ATTACHMENT_RE = re.compile(r"^附件\s*\d*\s*[：:]?")
#: The header line of a box of projects inside an item.
BOX_RE = re.compile(r"^(?:【\s*)?专栏\s*[\d一二三四五六七八九十]*\s*(?:】)?(?:[：:\s]|$)")
#: Web-page furniture after a plan: ``[pdf文件下载]``, ``【打印本页】【关闭窗口】``.
FURNITURE_RE = re.compile(r"^((\[[^\]\n]*\]|【[^】\n]*】)\s*)+$")
#: Lines that close an official document or a web page: the plan has ended.
END_RE = re.compile(r"^(主题词|抄送|抄报|分送|分享到|扫一扫|打印本页|关闭窗口|相关附件|附件下载|责任编辑|"
                    r"\S{0,30}\d{4}年\d{1,2}月\d{1,2}日印发)")
HEADING_SENTENCE_MAX = 60


@dataclass
class Line:
    start: int
    end: int  # exclusive, without the newline
    text: str


@dataclass
class Node:
    """A numbered heading and everything under it."""

    level: int  # 1..4, 0 for the document root
    number: str  # the marker as printed, e.g. "（一）"
    title: str  # heading text (up to the first 。 if the line goes on)
    line: Line | None
    title_start: int  # offset of the title's first character
    body_start: int | None = None  # offset of text after the marker on the heading line, if any beyond the title
    paragraphs: list[Line] = field(default_factory=list)  # unnumbered lines directly under this node
    children: list["Node"] = field(default_factory=list)
    boxes: list[Line] = field(default_factory=list)  # lines of 专栏 boxes inside this node (header included)
    parent: "Node | None" = field(default=None, repr=False)

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"

    def ancestors(self) -> list["Node"]:
        """The headings above this node, outermost first (neither the root nor the node itself).

        Returns
        -------
        list of Node
            From the top-level heading down to the parent; the root (level 0) is left out.
        """
        out, n = [], self.parent
        while n is not None and n.level > 0:
            out.append(n)
            n = n.parent
        return out[::-1]

    def end(self) -> int:
        """End offset of the last line in this subtree.

        Returns
        -------
        int
            The largest end offset of its heading line, paragraphs, boxes and descendants (0 for an empty root).
        """
        ends = [self.line.end] if self.line else [0]
        ends += [p.end for p in self.paragraphs]
        ends += [b.end for b in self.boxes]
        ends += [c.end() for c in self.children]
        return max(ends)

    def has_own_text(self) -> bool:
        """True when the heading line goes on after its title (``（一）指导思想。以…``).

        Returns
        -------
        bool
        """
        return self.body_start is not None

    def walk(self):
        """This node and every node below it, depth first in reading order.

        Yields
        ------
        Node
        """
        yield self
        for c in self.children:
            yield from c.walk()


def split_title(rest: str) -> tuple[str, bool]:
    """Heading text of a line's remainder and whether the line goes on after it.

    The title is everything up to the first ``。`` (rule 6 of the segmentation rules); a
    line without one, or ending at it, is all title.

    Parameters
    ----------
    rest : str
        The heading line after its numbering mark.

    Returns
    -------
    title : str
        The heading's title, stripped, without a final ``。``.
    goes_on : bool
        True when text follows the first ``。`` on the line.
    """
    i = rest.find("。")
    if i < 0 or i == len(rest) - 1:
        return rest.rstrip("。").strip(), False
    return rest[:i].strip(), True


def opening_sentence(text: str) -> str:
    """The text up to its first ``。`` (excluded), or all of it if it has none.

    Parameters
    ----------
    text : str
        A paragraph's text.

    Returns
    -------
    str
    """
    i = text.find("。")
    return text if i < 0 else text[:i]


def is_heading_paragraph(text: str) -> bool:
    """A paragraph that opens with a short heading sentence (``弘扬和传承科学精神。…``).

    Parameters
    ----------
    text : str
        A paragraph's text.

    Returns
    -------
    bool
        True if its first ``。`` comes within the first :data:`HEADING_SENTENCE_MAX` (60) characters and text follows it.
    """
    i = text.find("。")
    return 0 < i <= HEADING_SENTENCE_MAX and i < len(text) - 1


def lines_of(text: str) -> list[Line]:
    """The non-empty lines of *text* with their offsets.

    Parameters
    ----------
    text : str
        A normalised text (lines end with ``\\n``).

    Returns
    -------
    list of Line
        ``Line(start, end, text)`` for every non-empty line, in order; offsets point into *text*, *end* excludes
        the newline.
    """
    out, pos = [], 0
    for raw in text.split("\n"):
        if raw:
            out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def number_value(digits: str) -> int:
    """The value of a numbering mark's digits: ``"3"`` -> 3, ``"十二"`` -> 12.

    Parameters
    ----------
    digits : str
        Arabic digits or Chinese numerals from 一 to 九十九.

    Returns
    -------
    int
        The value; 0 for a single character that is no numeral.
    """
    if digits.isdigit():
        return int(digits)
    vals = {c: i for i, c in enumerate(HAN_NUM, start=1)}
    if "十" not in digits:
        return vals.get(digits, 0)
    tens, _, ones = digits.partition("十")
    return (vals.get(tens, 1) if tens else 1) * 10 + (vals.get(ones, 0) if ones else 0)


def _continues(stack: list[Node], level: int, digits: str) -> bool:
    """Whether a heading of *level* numbered *digits* continues the numbering of an open node."""
    value = number_value(digits)
    for node in stack[1:]:
        if node.level == level:
            m = MARKERS[level - 1][1].match(node.number)
            return bool(m) and value == number_value(m.group(1)) + 1
        if node.level > level:  # a higher heading than any open at its level: a new section
            return True
    return False


def parse(text: str, is_department_line=None) -> tuple[Node, list[Line], list[Line]]:
    """Parse *text* into ``(root, preamble, tail)``.

    ``preamble`` holds the lines before the first top-level heading (notice,
    title, opening paragraph); ``tail`` the attachment, document-closing and
    web-page lines after the plan (``附件``, ``主题词``, ``抄送``, ``…印发``,
    ``[pdf文件下载]``), which are not part of any node.

    The top level is ``一、``; a text without any ``一、`` (a fragment, a
    one-level work plan) starts at its highest heading level present, e.g.
    ``（一）`` or ``1.``.  *is_department_line* (a predicate on a line's text)
    lets a line that assigns units close a box.

    Parameters
    ----------
    text : str
        A plan's normalised text.
    is_department_line : callable, optional
        ``is_department_line(line_text) -> bool``; None means no line closes a box that way.

    Returns
    -------
    root : Node
        The heading tree: a level-0 root whose children are the top-level headings, each with its paragraphs,
        boxes and child headings.
    preamble : list of Line
        The lines before the first top-level heading.
    tail : list of Line
        The lines after the plan, part of no node.
    """
    root = Node(0, "", "", None, 0)
    stack = [root]
    preamble: list[Line] = []
    tail: list[Line] = []
    ended = False
    lines = lines_of(text)
    present = set()
    for ln in lines:
        if ATTACHMENT_RE.match(ln.text) or FURNITURE_RE.match(ln.text) or (present and END_RE.match(ln.text)):
            break
        present.update(lv for lv, rx in MARKERS if rx.match(ln.text))
    top = min(present) if present else 1
    box: Node | None = None  # the node whose box is open
    for ln in lines:
        if ended or ATTACHMENT_RE.match(ln.text) or FURNITURE_RE.match(ln.text) or (
                len(stack) > 1 and END_RE.match(ln.text)):
            ended = True
            tail.append(ln)
            continue
        level, m = next(((lv, rx.match(ln.text)) for lv, rx in MARKERS if rx.match(ln.text)), (0, None))
        if box is not None:
            if (m and _continues(stack, level, m.group(1))) or (is_department_line and is_department_line(ln.text)):
                box = None
            else:
                box.boxes.append(ln)
                continue
        if len(stack) > 1 and BOX_RE.match(ln.text):
            box = stack[-1]
            box.boxes.append(ln)
            continue
        if m and (level == top or len(stack) > 1):
            rest = ln.text[m.end():]
            title, goes_on = split_title(rest)
            lead = len(rest) - len(rest.lstrip())
            node = Node(level, m.group(0), title, ln, ln.start + m.end() + lead,
                        (ln.start + m.end() + lead) if goes_on else None)
            while stack[-1].level >= level:
                stack.pop()
            node.parent = stack[-1]
            stack[-1].children.append(node)
            stack.append(node)
        elif len(stack) == 1:
            preamble.append(ln)
        else:
            stack[-1].paragraphs.append(ln)
    return root, preamble, tail
