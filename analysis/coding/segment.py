"""Segmenting a plan into actions and coding each one, with evidence offsets.

Rules, applied to the heading tree of :mod:`analysis.corpus.structure`; they are
about the *structure* of a Chinese government plan, never about its policy
domain (the codebook decides only what the units, groups and instruments are):

1. Top-level sections that state context (前言, 背景, 意义, 指导思想, 指导方针,
   基本原则, 总体要求, 目标; also when the heading runs on into its text, as in a
   flattened page: ``一、指导思想坚持…``) are not actions; the operative part is
   every other top-level section up to the attachments.
2. An action is the smallest work item: a numbered item with nothing numbered
   below it, or a paragraph measure under a heading.  Inside such a leaf:

   a. where department lists close its paragraphs (a bracket or a labelled list
      at the end, :mod:`analysis.coding.lists`), each list closes one action: the
      paragraphs since the previous list.  Several lists make several actions
      (paragraph measures, each with its bracket); one list closing the last
      paragraph makes the whole item one action, however many sub-paragraphs it
      holds (``13.开展…推广。`` then ``智能化制造。…`` ``网络化协同。…（责任单位：…）``);
   b. without such lists, two or more paragraphs that each open with a heading
      sentence (``培育各类平台。重点培育……``) are one action each, any
      introductory paragraphs before them being the section's introduction;
      otherwise the item is one action.
3. In a task block (``1.任务`` / ``2.措施`` / ``3.分工``) each 措施 paragraph is
   an action, the 任务 text is the task's objectives and 分工 gives every
   action of the task its lead and cooperating departments.
4. In a top-level section whose heading names 组织实施 or 保障, each first-level
   item is one action of kind ``safeguard``, however many paragraphs it holds.
5. Text before the first heading (a fragment that starts inside a section):
   heading-sentence paragraphs closed by a department line, or each closed by its
   own list, are the measures of a section whose heading is not in the text;
   their group is the one most of their group mentions name (``group_basis =
   mentions``).  A department line there with no paragraph before it belongs to
   an item that is not in the text: it is reported, not applied.
6. Department lines and group-heading lists (:mod:`analysis.coding.lists`) apply
   to the actions they close or head; a ``专栏`` box is part of its item, never an
   action.  Whatever text no action covers is accounted for in
   :mod:`analysis.coding.coverage`.
7. ``seq`` counts actions in reading order; ``title`` is the heading line or
   the paragraph's opening sentence.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from analysis.coding.codebook import Codebook
from analysis.coding.dimension import ActionUnit, ListSpan
from analysis.coding.groups import find_terms, group_of
from analysis.coding.lists import ListFinder, trailing_parenthesis
from analysis.corpus.structure import Line, Node, is_heading_paragraph, opening_sentence, parse

CONTEXT_RE = re.compile(r"前言|背景|意义|指导思想|指导方针|基本原则|总体要求|总则|(^|[和与及])(发展|工作|总体|主要)?目标($|[和与及])")
#: A heading that runs on into its text without a full stop (a flattened page) still starts with its name.
CONTEXT_START_RE = re.compile(r"^(前言|背景|指导思想|指导方针|基本原则|总体要求|总则|(发展|工作|总体|主要)目标)")
SAFEGUARD_RE = re.compile(r"组织实施|保障")
TASK_PARTS = {"任务": "objectives", "措施": "measures", "分工": "division"}
#: A numbered item's own title announces a target group only when it is a heading (实施农民科学素质行动),
#: not the opening sentence of a paragraph: at most this many characters.
OWN_HEADING_MAX = 20


@dataclass
class Unit:
    """A span that becomes one action."""

    kind: str  # action | safeguard
    unit: str  # numbered_item | heading_paragraph | task_measure | safeguard_item | paragraph_run
    node: Node | None  # the node the action is, or lies in (None: before the first heading)
    title: str
    start: int
    end: int  # end of its last line (its own department list included)
    path_nodes: list[Node]
    group_headings: list[str]
    division: list[ListSpan] = field(default_factory=list)
    line_lists: list[ListSpan] = field(default_factory=list)  # department lines that close it
    line_block: tuple[int, int] = (0, 0)
    box: tuple[int, int] | None = None  # a 专栏 box after its closing list
    group: str | None = None  # set when the group is not read from headings
    group_basis: str = ""


def part_of(heading: str) -> str:
    """``context``, ``safeguard`` or ``operative`` for a top-level heading.

    Parameters
    ----------
    heading : str
        A top-level heading's text.

    Returns
    -------
    {"context", "safeguard", "operative"}
        ``safeguard`` if it names 组织实施 or 保障; else ``context`` if it names a preface, background, guiding
        ideas, principles or objectives (前言, 背景, 指导思想, 基本原则, 目标 ...); else ``operative``.
    """
    if SAFEGUARD_RE.search(heading):
        return "safeguard"
    if CONTEXT_RE.search(heading) or CONTEXT_START_RE.match(heading):
        return "context"
    return "operative"


class _Extractor:
    def __init__(self, jurisdiction: str, text: str, codebook: Codebook):
        self.j, self.text, self.cb = jurisdiction, text, codebook
        self.lists = ListFinder(text, codebook)
        self.units: list[Unit] = []
        self.sections: list[dict] = []
        self.division_nodes: set[int] = set()
        self.root: Node | None = None
        self.preamble: list[Line] = []
        self.tail: list[Line] = []
        self.head_lists: dict[int, ListSpan] = {}  # id(node) -> list closing its heading (inherited)
        self.dangling: list[tuple[int, int]] = []  # department lines that close no unit in the text
        self.applied_lines: list[tuple[int, int]] = []  # department lines given to units

    def is_department_line(self, ln: Line) -> bool:
        """A line that only assigns units (``牵头单位：…``, ``（责任单位：…）``): never an action."""
        return self.lists.is_department_line(ln.text)

    # -- collection -------------------------------------------------------------
    def run(self) -> None:
        root, self.preamble, self.tail = parse(self.text, self.lists.is_department_line)
        self.root = root
        self.preamble_units(self.preamble)
        for top in root.children:
            part = part_of(top.title)
            if part == "safeguard":
                items = top.children or [top]
                for item in items:
                    self.units.append(Unit("safeguard", "safeguard_item", item, item.title, item.title_start,
                                           item.end(), item.ancestors(), []))
            elif part == "operative":
                self.heading_lists(top)
                self.collect(top)
            for node in top.walk():
                self.sections.append({"node": node, "part": part})
        self.units.sort(key=lambda u: u.start)
        self.assign_department_lines(root)

    def body_lines(self, node: Node) -> list[Line]:
        """A node's own text after its title and its paragraphs, department lines left out."""
        return [ln for ln in self._after_title(node) + node.paragraphs if not self.is_department_line(ln)]

    def heading_lists(self, node: Node) -> None:
        """Record the department bracket that closes a group heading (or its introduction) above numbered items.

        ``（一）青少年科学素质提升行动……（牵头单位：州教育局）`` followed by ``1.`` ``2.``: the list is
        inherited by every action of the group, role by role, unless an action names that role itself.
        """
        for n in node.walk():
            if n.line is None or not (n.children or n.paragraphs):
                continue
            if n.children:
                first_child = n.children[0].line.start
                cands = [Line(n.title_start, n.line.end, self.text[n.title_start:n.line.end])]
                cands += [p for p in n.paragraphs if p.start < first_child]
            elif not n.has_own_text():  # a heading line of its own above paragraphs: only that line
                cands = [Line(n.title_start, n.line.end, self.text[n.title_start:n.line.end])]
            else:
                continue
            for ln in reversed(cands):
                br = self.lists.closing_bracket(ln.start, ln.end) if ln.text.strip() else None
                if br is None and self.is_department_line(ln):
                    br = self.lists.line_list_span(ln.start, ln.end)
                    self.head_lists[id(n)] = ListSpan(br[0], br[1], "heading")
                    break
                if br is not None:
                    self.head_lists[id(n)] = ListSpan(br[0] + 1, br[1] - 1, "heading")
                    if ln.start == n.title_start and br[0] < n.title_start + len(n.title):
                        n.title = self.text[n.title_start:br[0]].rstrip(" ，。")  # the list is not its title
                    break

    def collect(self, node: Node) -> None:
        parts = {c.title: c for c in node.children if c.title in TASK_PARTS}
        if "措施" in parts and "分工" in parts:
            self.task_block(node, parts)
            return
        if node.children:
            for c in node.children:
                self.collect(c)
            return
        self.leaf_units(node)

    def leaf_units(self, node: Node) -> None:
        """The actions of a node with nothing numbered below it (rule 2 of the module docstring)."""
        lines = self.body_lines(node)
        closers = [i for i, ln in enumerate(lines) if self.lists.closes_with_list(ln.start, ln.end)]
        path = node.ancestors() + [node]
        heads = [n.title for n in path]
        if len(closers) >= 2 or (closers and closers[-1] != len(lines) - 1):
            runs, begin = [], 0
            for i in closers:
                runs.append(lines[begin:i + 1])
                begin = i + 1
            runs += [[ln] for ln in lines[begin:] if is_heading_paragraph(ln.text)]
            first = runs[0]
            # the section's introduction (the heading line's own text, paragraphs without a heading
            # sentence) before the first measure is not part of it
            k = 0
            while k < len(first) - 1 and (first[k].start < node.line.end or not is_heading_paragraph(first[k].text)):
                k += 1
            runs[0] = first[k:]
            for run in runs:
                self.units.append(Unit("action", "heading_paragraph", node, opening_sentence(run[0].text),
                                       run[0].start, run[-1].end, path, list(heads)))
            self._attach_box(node)
            return
        if not closers:
            lead = 0  # introductory paragraphs (no heading sentence) before heading paragraphs are context
            while lead < len(lines) and not is_heading_paragraph(lines[lead].text):
                lead += 1
            paras = lines[lead:] if lead < len(lines) and len(lines) - lead >= 2 else lines
            paras = [p for p in paras if p.start >= node.line.end]
            if len(paras) >= 2 and all(is_heading_paragraph(p.text) for p in paras):
                for p in paras:
                    self.units.append(Unit("action", "heading_paragraph", node, opening_sentence(p.text), p.start,
                                           p.end, path, list(heads)))
                self._attach_box(node)
                return
        own = [node.title] if len(node.title) <= OWN_HEADING_MAX else []
        end = max([node.line.end] + [ln.end for ln in node.paragraphs])
        self.units.append(Unit("action", "numbered_item", node, node.title, node.title_start, end,
                               node.ancestors(), [n.title for n in node.ancestors()] + own))
        self._attach_box(node)

    def _attach_box(self, node: Node) -> None:
        """Give a 专栏 box of *node* to the last action formed in it (a box is never an action)."""
        if node.boxes and self.units and self.units[-1].node is node:
            u = self.units[-1]
            a, b = node.boxes[0].start, node.boxes[-1].end
            if a >= u.end:
                u.box = (a, b)
            else:  # a box between the item's paragraphs is part of its text
                u.end = max(u.end, b)

    def task_block(self, node: Node, parts: dict[str, Node]) -> None:
        div = parts["分工"]
        self.division_nodes.add(id(div))
        division = [ListSpan(ln.start, ln.end, "division_block") for ln in self._after_title(div) + div.paragraphs]
        meas = parts["措施"]
        lines = self._after_title(meas) + [ln for ln in meas.paragraphs if not self.is_department_line(ln)]
        path = meas.ancestors() + [meas]
        for ln in lines:
            self.units.append(Unit("action", "task_measure", meas, opening_sentence(ln.text), ln.start, ln.end,
                                   path, [n.title for n in path], division))
        for c in meas.children:  # numbered measures, if a plan has them: every unit found under one shares the 分工
            before = len(self.units)
            self.collect(c)
            for u in self.units[before:]:
                u.division = division

    def preamble_units(self, preamble: list[Line]) -> None:
        """Measures before the first heading (rule 5): a fragment that starts inside a section."""
        new: list[Unit] = []
        run: list[Line] = []
        for ln in preamble:
            if self.is_department_line(ln):
                if run:
                    for p in run:
                        new.append(Unit("action", "heading_paragraph", None, opening_sentence(p.text), p.start,
                                        p.end, [], []))
                    run = []
                continue
            if is_heading_paragraph(ln.text):
                run.append(ln)
                if self.lists.closes_with_list(ln.start, ln.end):
                    for p in run:
                        new.append(Unit("action", "heading_paragraph", None, opening_sentence(p.text), p.start,
                                        p.end, [], []))
                    run = []
            else:
                run = []
        if not new:
            return
        counts: dict[str, int] = {}
        for u in new:
            for _, _, _, g in find_terms(self.text[u.start:u.end], self.cb):
                counts[g] = counts.get(g, 0) + 1
        total = sum(counts.values())
        best = max(sorted(counts), key=lambda g: counts[g]) if counts else ""
        for u in new:
            if best and counts[best] * 2 > total:
                u.group, u.group_basis = best, "mentions"
            else:
                u.group = ""
        self.units.extend(new)

    def assign_department_lines(self, root: Node) -> None:
        """Give every department line (block of consecutive lines) to the units it closes.

        A block applies to the units since the previous block that lie in the
        section holding it: the parent of the numbered item whose paragraph it
        is.  So a line after each item gives that item its units, and a line
        closing a section gives them to every item of the section since the
        previous line.  Lines before the first heading apply to the paragraph
        measures right above them; with none, they are reported (``dangling``).
        """
        blocks: list[tuple[Node | None, list[Line]]] = []
        for ln in self.preamble:
            if self.is_department_line(ln):
                if blocks and blocks[-1][1][-1].end + 1 == ln.start:
                    blocks[-1][1].append(ln)
                else:
                    blocks.append((None, [ln]))
        for node in root.walk():
            if id(node) in self.division_nodes or node.level == 0:
                continue
            for ln in node.paragraphs:
                if not self.is_department_line(ln):
                    continue
                if id(node) in self.head_lists and self.head_lists[id(node)].start >= ln.start \
                        and node.children and ln.start < node.children[0].line.start:
                    continue  # a group heading's list (inherited), not a closing line
                if blocks and blocks[-1][0] is node and blocks[-1][1][-1].end + 1 == ln.start:
                    blocks[-1][1].append(ln)
                else:
                    blocks.append((node, [ln]))
        blocks.sort(key=lambda b: b[1][0].start)
        starts = [u.start for u in self.units]
        previous = -1
        for node, lines in blocks:
            first = lines[0].start
            spans = [ListSpan(*self.lists.line_list_span(ln.start, ln.end), "department_line") for ln in lines]
            if node is None:
                lo = bisect.bisect_right(starts, previous)
                hi = bisect.bisect_left(starts, first)
                targets = [u for u in self.units[lo:hi] if u.node is None]
                previous = first
            elif node.children and first < node.children[0].title_start:
                # a line under a section heading, before its items, applies to every item of the section
                targets = [u for u in self.units if u.node is not None and _within(u.node, node)]
            else:
                section = _enclosing_section(node)
                lo = bisect.bisect_right(starts, previous)
                hi = bisect.bisect_left(starts, first)
                targets = []
                for u in reversed(self.units[lo:hi]):  # back to the previous list, of either kind
                    if u.node is None or not _within(u.node, section) or (targets and self._own_list(u)):
                        break
                    targets.insert(0, u)
                previous = first
            if not targets:
                self.dangling.append((lines[0].start, lines[-1].end))
                continue
            self.applied_lines.append((lines[0].start, lines[-1].end))
            for u in targets:
                u.line_lists.extend(spans)
                u.line_block = (lines[0].start, lines[-1].end)

    def _own_list(self, u: Unit) -> bool:
        """Whether the unit closes with a list of its own (a bracket or a labelled list)."""
        end = self._text_end(u)
        return self.lists.closes_with_list(u.start, end)

    def _text_end(self, u: Unit) -> int:
        """End of a unit's span before any department line inside it, trailing blanks trimmed."""
        end = u.end
        cut = self.lists.first_department_line(u.start, end)
        end = cut if cut is not None else end
        while end > u.start and self.text[end - 1] in " \n":
            end -= 1
        return end

    def _after_title(self, node: Node) -> list[Line]:
        """The rest of a heading line after ``措施。``/``分工。``, as a line (or nothing)."""
        if not node.has_own_text():
            return []
        a = node.title_start + len(node.title)
        while a < node.line.end and self.text[a] in "。：: ":
            a += 1
        return [Line(a, node.line.end, self.text[a:node.line.end])] if a < node.line.end else []

    # -- units -------------------------------------------------------------------
    def inherited(self, u: Unit) -> list[ListSpan]:
        """Lists of the group headings above *u* (innermost first), inherited role by role."""
        nodes = list(u.path_nodes)
        if u.node is not None and u.node not in nodes:
            nodes.append(u.node)
        return [self.head_lists[id(n)] for n in reversed(nodes) if id(n) in self.head_lists]

    def action_units(self) -> tuple[list[dict], list[ActionUnit]]:
        """The core row of every action (``actions.csv`` without the dimensions' columns) and its unit.

        Here the end of an action's own text is found: a department list that
        closes it -- a bracket at the end of its text, a labelled list at the
        end, or department lines after it -- is cut off and handed to the
        coding dimensions as :class:`ListSpan` objects, with the lists it
        inherits from a group heading (source ``heading``).
        """
        rows, units = [], []
        for seq, u in enumerate(self.units, start=1):
            aid = f"{self.j}-{seq:03d}"
            end = self._text_end(u)
            lists: list[ListSpan] = list(u.division)
            dept_text, dept_start, dept_end, closing = "", None, None, ""
            bracket = self.lists.closing_bracket(u.start, end)
            inline = None if bracket else self.lists.inline_list(u.start, end)
            if bracket is not None:
                a, b = bracket
                inner = self.text[a + 1:b - 1]
                dept_text, dept_start, dept_end = self.text[a:b], a, b
                lists = [ListSpan(a + 1, b - 1, "parenthesis")]
                closing = next((c for c in self.cb.list_closings if inner.rstrip("。").endswith(c)), "")
                end = a
            elif inline is not None:
                dept_text, dept_start, dept_end = self.text[inline:end], inline, end
                lists = [ListSpan(inline, end, "inline")]
                closing = "inline"
                end = inline
            if u.line_lists:
                lists = lists + [ls for ls in u.line_lists if ls not in lists]
                if not dept_text:
                    a, b = u.line_block
                    dept_text, dept_start, dept_end, closing = self.text[a:b], a, b, "department_line"
            if u.division and lists and lists[0].source == "division_block":
                closing = "division_block"
            spans = {(ls.start, ls.end) for ls in lists}
            inherited = [ls for ls in self.inherited(u) if (ls.start, ls.end) not in spans]
            if inherited and not dept_text:
                closing = "heading"
            lists += inherited
            while end > u.start and self.text[end - 1] in " \n":
                end -= 1
            body = self.text[u.start:end]
            group = u.group if u.group is not None else group_of(u.group_headings, self.cb)
            basis = u.group_basis or ("headings" if group else "")
            rows.append({
                "action_id": aid, "jurisdiction": self.j, "seq": seq, "kind": u.kind, "unit": u.unit,
                "path": " > ".join(n.heading for n in u.path_nodes),
                "number": u.node.number if u.node is not None and u.unit in ("numbered_item", "safeguard_item")
                else "",
                "title": u.title, "text": body, "group": group, "group_basis": basis,
                "start": u.start, "end": end, "n_chars": len(body),
                "departments_text": dept_text if dept_text else "",
                "departments_start": dept_start if dept_start is not None else "",
                "departments_end": dept_end if dept_end is not None else "",
                "list_closing": closing,
                "box_start": u.box[0] if u.box else "", "box_end": u.box[1] if u.box else "",
            })
            units.append(ActionUnit(aid, self.j, u.kind, u.start, end, tuple(u.group_headings), tuple(lists)))
        return rows, units


#: Numbering levels that open sections (一、 and （一）); 1. and （1） number items.
SECTION_LEVELS = (1, 2)


def _enclosing_section(node: Node) -> Node:
    """The smallest section (a ``一、`` or ``（一）`` heading) holding *node*, itself included.

    A department line applies to the actions before it back to the previous list, but never across the
    boundary of this section: a line closing ``（三）`` does not reach the last item of ``（二）``.  Where no
    such heading holds the node (a one-level work plan numbered ``1.`` …), the node's parent.
    """
    n = node
    while n is not None and n.level > 0:
        if n.level in SECTION_LEVELS:
            return n
        n = n.parent
    return node.parent if node.parent is not None else node


def _within(node: Node, section: Node) -> bool:
    """Whether *node* is *section* or lies below it."""
    n = node
    while n is not None:
        if n is section:
            return True
        n = n.parent
    return False


__all__ = ["Unit", "part_of", "trailing_parenthesis", "SECTION_LEVELS", "TASK_PARTS"]
