"""Segmenting a plan into actions and coding each one, with evidence offsets.

Rules, applied to the heading tree of :mod:`analysis.corpus.structure`:

1. Top-level sections that state context (前言, 背景, 意义, 指导思想, 指导方针,
   基本原则, 总体要求, 目标) are not actions; the operative part is every other
   top-level section up to the attachments.
2. An action is the smallest work item: a numbered item with nothing numbered
   below it; or, where such an item holds two or more unnumbered paragraphs
   that each open with a heading sentence, each of those paragraphs (the
   item's own heading line is then the section's introduction).
3. In a task block (``1.任务`` / ``2.措施`` / ``3.分工``) each 措施 paragraph is
   an action, the 任务 text is the task's objectives and 分工 gives every
   action of the task its lead and cooperating departments.
4. In a top-level section whose heading names 组织实施 or 保障, each first-level
   item is one action of kind ``safeguard``, however many paragraphs it holds.
5./6. ``seq`` counts actions in reading order; ``title`` is the heading line or
   the paragraph's opening sentence.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from analysis.coding.codebook import Codebook
from analysis.coding.departments import looks_like_list
from analysis.coding.dimension import ActionUnit, CodingContext, CodingDimension, ListSpan
from analysis.coding.groups import group_of
from analysis.coding.registry import DIMENSIONS
from analysis.corpus.structure import Line, Node, is_heading_paragraph, opening_sentence, parse

CONTEXT_RE = re.compile(r"前言|背景|意义|指导思想|指导方针|基本原则|总体要求|总则|(^|[和与及])(发展|工作|总体|主要)?目标($|[和与及])")
SAFEGUARD_RE = re.compile(r"组织实施|保障")
TASK_PARTS = {"任务": "objectives", "措施": "measures", "分工": "division"}
#: A numbered item's own title announces a target group only when it is a heading (实施农民科学素质行动),
#: not the opening sentence of a paragraph: at most this many characters.
OWN_HEADING_MAX = 20


@dataclass
class Unit:
    """A span that becomes one action."""

    kind: str  # action | safeguard
    unit: str  # numbered_item | heading_paragraph | task_measure | safeguard_item
    node: Node  # the node the action is, or lies in
    title: str
    start: int
    end: int  # end of its last line (department parenthesis included)
    path_nodes: list[Node]
    group_headings: list[str]
    division: list[ListSpan] = field(default_factory=list)
    line_lists: list[ListSpan] = field(default_factory=list)  # department lines that close it
    line_block: tuple[int, int] = (0, 0)


@dataclass
class Tables:
    """One plan's rows: ``actions``, ``sections`` and, by table name, the rows of every coding dimension
    (``coded["assignments"]``, ``coded["group_mentions"]``, ``coded["targets"]`` …)."""

    actions: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    coded: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def assignments(self) -> list[dict]:
        return self.coded.get("assignments", [])

    @property
    def mentions(self) -> list[dict]:
        return self.coded.get("group_mentions", [])

    @property
    def targets(self) -> list[dict]:
        return self.coded.get("targets", [])


def part_of(heading: str) -> str:
    """``context``, ``safeguard`` or ``operative`` for a top-level heading."""
    if SAFEGUARD_RE.search(heading):
        return "safeguard"
    if CONTEXT_RE.search(heading):
        return "context"
    return "operative"


def trailing_parenthesis(text: str) -> tuple[int, int] | None:
    """Span ``(open, close+1)`` of the parenthesis that ends *text*, nested-aware."""
    body = text.rstrip().rstrip("。").rstrip()
    if not body.endswith("）"):
        return None
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        ch = body[i]
        if ch == "）":
            depth += 1
        elif ch == "（":
            depth -= 1
            if depth == 0:
                return i, len(body)
    return None


class _Extractor:
    def __init__(self, jurisdiction: str, text: str, codebook: Codebook):
        self.j, self.text, self.cb = jurisdiction, text, codebook
        self.units: list[Unit] = []
        self.sections: list[dict] = []
        self.division_nodes: set[int] = set()

    def is_department_line(self, ln: Line) -> bool:
        """A line that only assigns units (``牵头单位：…``, ``（责任单位：…）``): never an action."""
        return bool(self.cb.role_label_re.match(ln.text.lstrip("（( ")))

    # -- collection -------------------------------------------------------------
    def run(self) -> None:
        root, _, _ = parse(self.text)
        for top in root.children:
            part = part_of(top.title)
            if part == "safeguard":
                items = top.children or [top]
                for item in items:
                    self.units.append(Unit("safeguard", "safeguard_item", item, item.title, item.title_start,
                                           item.end(), item.ancestors(), []))
            elif part == "operative":
                self.collect(top)
            for node in top.walk():
                self.sections.append({"node": node, "part": part})
        self.assign_department_lines(root)

    def collect(self, node: Node) -> None:
        parts = {c.title: c for c in node.children if c.title in TASK_PARTS}
        if "措施" in parts and "分工" in parts:
            self.task_block(node, parts)
            return
        if node.children:
            for c in node.children:
                self.collect(c)
            return
        paras = [p for p in node.paragraphs if not self.is_department_line(p)]
        lead = 0  # introductory paragraphs (no heading sentence) before heading paragraphs are context
        while lead < len(paras) and not is_heading_paragraph(paras[lead].text):
            lead += 1
        if lead < len(paras) and len(paras) - lead >= 2:
            paras = paras[lead:]
        if len(paras) >= 2 and all(is_heading_paragraph(p.text) for p in paras):
            path = node.ancestors() + [node]
            for p in paras:
                self.units.append(Unit("action", "heading_paragraph", node, opening_sentence(p.text), p.start,
                                       p.end, path, [n.title for n in path]))
        else:
            path = node.ancestors()
            own = [node.title] if len(node.title) <= OWN_HEADING_MAX else []
            self.units.append(Unit("action", "numbered_item", node, node.title, node.title_start, node.end(),
                                   path, [n.title for n in path] + own))

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

    def assign_department_lines(self, root: Node) -> None:
        """Give every department line (block of consecutive lines) to the units it closes.

        A block applies to the units since the previous block that lie in the
        section holding it: the parent of the numbered item whose paragraph it
        is.  So a line after each item gives that item its units, and a line
        closing a section gives them to every item of the section since the
        previous line.
        """
        blocks: list[tuple[Node, list[Line]]] = []
        for node in root.walk():
            if id(node) in self.division_nodes or node.level == 0:
                continue
            for ln in node.paragraphs:
                if not self.is_department_line(ln):
                    continue
                if blocks and blocks[-1][0] is node and blocks[-1][1][-1].end + 1 == ln.start:
                    blocks[-1][1].append(ln)
                else:
                    blocks.append((node, [ln]))
        blocks.sort(key=lambda b: b[1][0].start)
        starts = [u.start for u in self.units]
        previous = -1
        for node, lines in blocks:
            first = lines[0].start
            spans = [ListSpan(ln.start, ln.end, "department_line") for ln in lines]
            if node.children and first < node.children[0].title_start:
                # a line under a section heading, before its items, applies to every item of the section
                targets = [u for u in self.units if _within(u.node, node)]
            else:
                section = node.parent if node.parent is not None and not node.children else node
                lo = bisect.bisect_right(starts, previous)
                hi = bisect.bisect_left(starts, first)
                targets = []
                for u in reversed(self.units[lo:hi]):  # back to the previous list, of either kind
                    if not _within(u.node, section) or (targets and self._own_list(u)):
                        break
                    targets.insert(0, u)
                previous = first
            for u in targets:
                u.line_lists.extend(spans)
                u.line_block = (lines[0].start, lines[-1].end)

    def _own_list(self, u: Unit) -> bool:
        """Whether the unit closes with a list of its own (a parenthesis or a labelled list)."""
        end = u.end
        cut = self._first_department_line(u.start, end)
        end = cut if cut is not None else end
        while end > u.start and self.text[end - 1] in " \n":
            end -= 1
        line_start = max(self.text.rfind("\n", 0, end) + 1, u.start)
        last = self.text[line_start:end]
        par = trailing_parenthesis(last)
        return bool(par and looks_like_list(last[par[0] + 1:par[1] - 1], self.cb)) or \
            self._inline_list(u.start, end) is not None

    def _after_title(self, node: Node) -> list[Line]:
        """The rest of a heading line after ``措施。``/``分工。``, as a line (or nothing)."""
        if not node.has_own_text():
            return []
        a = node.title_start + len(node.title)
        while a < node.line.end and self.text[a] in "。：: ":
            a += 1
        return [Line(a, node.line.end, self.text[a:node.line.end])] if a < node.line.end else []

    # -- units -------------------------------------------------------------------
    def _first_department_line(self, start: int, end: int) -> int | None:
        """Offset of the first department line that starts inside ``[start, end)`` (after its first line)."""
        pos = self.text.find("\n", start, end)
        while 0 <= pos < end:
            ln_start = pos + 1
            ln_end = self.text.find("\n", ln_start, end)
            ln_end = end if ln_end < 0 else ln_end
            if ln_start < end and self.is_department_line(Line(ln_start, ln_end, self.text[ln_start:ln_end])):
                return ln_start
            pos = self.text.find("\n", ln_start, end)
        return None

    def _inline_list(self, start: int, end: int) -> int | None:
        """Offset of a labelled list written at the end of the text (``……。牵头单位：A；配合单位：B。``)."""
        line_start = self.text.rfind("\n", 0, end) + 1
        line_start = max(line_start, start)
        depth = 0
        for i in range(line_start, end):
            ch = self.text[i]
            if ch == "（":
                depth += 1
            elif ch == "）":
                depth = max(0, depth - 1)
            elif depth == 0 and i > start and self.cb.role_label_re.match(self.text, i, end):
                if self.text[start:i].strip(" ，。；;,"):
                    return i
        return None

    def action_units(self) -> tuple[list[dict], list[ActionUnit]]:
        """The core row of every action (``actions.csv`` without the dimensions' columns) and its unit.

        Here the end of an action's own text is found: a department list that
        closes it -- a parenthesis on its last line, a labelled list at the end
        of its text, or department lines after it -- is cut off and handed to
        the coding dimensions as :class:`ListSpan` objects.
        """
        rows, units = [], []
        for seq, u in enumerate(self.units, start=1):
            aid = f"{self.j}-{seq:03d}"
            end = u.end
            cut = self._first_department_line(u.start, end)
            if cut is not None:
                end = cut
            while end > u.start and self.text[end - 1] in " \n":
                end -= 1
            last_line_start = max(self.text.rfind("\n", 0, end) + 1, u.start)
            last_line = self.text[last_line_start:end]
            lists: list[ListSpan] = list(u.division)
            dept_text, dept_start, dept_end, closing = "", None, None, ""
            par = trailing_parenthesis(last_line)
            inline = None
            if par and last_line_start + par[0] >= u.start and \
                    looks_like_list(last_line[par[0] + 1:par[1] - 1], self.cb):
                inner = last_line[par[0] + 1:par[1] - 1]
                a, b = last_line_start + par[0], last_line_start + par[1]
                dept_text, dept_start, dept_end = self.text[a:b], a, b
                lists = [ListSpan(a + 1, b - 1, "parenthesis")]
                closing = next((c for c in self.cb.list_closings if inner.rstrip("。").endswith(c)), "")
                end = a
            else:
                inline = self._inline_list(u.start, end)
            if inline is not None:
                b = end
                dept_text, dept_start, dept_end = self.text[inline:b], inline, b
                lists = [ListSpan(inline, b, "inline")]
                closing = "inline"
                end = inline
            if u.line_lists:
                lists = lists + [ls for ls in u.line_lists if ls not in lists]
                if not dept_text:
                    a, b = u.line_block
                    dept_text, dept_start, dept_end, closing = self.text[a:b], a, b, "department_line"
            if u.division and lists and lists[0].source == "division_block":
                closing = "division_block"
            while end > u.start and self.text[end - 1] in " \n":
                end -= 1
            body = self.text[u.start:end]
            rows.append({
                "action_id": aid, "jurisdiction": self.j, "seq": seq, "kind": u.kind, "unit": u.unit,
                "path": " > ".join(n.heading for n in u.path_nodes),
                "number": u.node.number if u.unit in ("numbered_item", "safeguard_item") else "",
                "title": u.title, "text": body, "group": group_of(u.group_headings, self.cb),
                "start": u.start, "end": end, "n_chars": len(body),
                "departments_text": dept_text if dept_text else "",
                "departments_start": dept_start if dept_start is not None else "",
                "departments_end": dept_end if dept_end is not None else "",
                "list_closing": closing,
            })
            units.append(ActionUnit(aid, self.j, u.kind, u.start, end, tuple(u.group_headings), tuple(lists)))
        return rows, units

    def _section_rows(self) -> list[dict]:
        """One row per heading; ``context_*`` spans its own text that is not part of an action.

        That is the introduction of a section, the objectives of a task (任务),
        the division of work (分工) or a context section's body.  Linear in the
        plan's length: actions are in reading order, so whether a line overlaps
        one is a binary search.
        """
        spans = sorted((u.start, u.end) for u in self.units)
        starts = [a for a, _ in spans]
        ends = list(itertools.accumulate((b for _, b in spans), max))
        counts: dict[int, int] = {}
        for u in self.units:
            for n in {id(x): x for x in [u.node] + u.path_nodes}.values():
                counts[id(n)] = counts.get(id(n), 0) + 1

        def overlaps(ln: Line) -> bool:
            k = bisect.bisect_left(starts, ln.end) - 1  # last action starting before the line ends
            return k >= 0 and ends[k] > ln.start

        task_parents: dict[int, bool] = {}  # parent -> holds a 措施 child (computed once: a root can hold thousands)

        def in_task_block(node: Node) -> bool:
            p = node.parent
            if p is None:
                return False
            if id(p) not in task_parents:
                task_parents[id(p)] = any(c.title == "措施" for c in p.children)
            return task_parents[id(p)]

        rows = []
        for i, rec in enumerate(self.sections, start=1):
            n, part = rec["node"], rec["part"]
            own = self._after_title(n) + n.paragraphs
            free = [ln for ln in own if not overlaps(ln)]
            rows.append({
                "section_id": f"{self.j}-s{i:03d}", "jurisdiction": self.j, "level": n.level, "number": n.number,
                "title": n.title, "path": " > ".join(x.heading for x in n.ancestors()), "part": part,
                "task_part": TASK_PARTS.get(n.title, "") if in_task_block(n) else "",
                "start": n.title_start, "end": n.end(),
                "context_start": min((ln.start for ln in free), default=""),
                "context_end": max((ln.end for ln in free), default=""),
                "n_actions": counts.get(id(n), 0),
            })
        return rows


def _within(node: Node, section: Node) -> bool:
    """Whether *node* is *section* or lies below it."""
    n = node
    while n is not None:
        if n is section:
            return True
        n = n.parent
    return False


def segment(jurisdiction: str, text: str, codebook: Codebook) -> tuple[list[dict], list[ActionUnit], list[dict]]:
    """Segment one normalised plan: ``(action rows, action units, section rows)`` (module docstring's rules)."""
    ex = _Extractor(jurisdiction, text, codebook)
    ex.run()
    rows, units = ex.action_units()
    return rows, units, ex._section_rows()


def extract(jurisdiction: str, text: str, codebook: Codebook, level_char: str = "",
            places: tuple[str, ...] = (), dimensions: tuple[CodingDimension, ...] | None = None,
            context: CodingContext | None = None) -> Tables:
    """Segment one normalised plan and code it along every dimension (default: the registry's).

    *level_char* and *places* complete elided department names (see
    :class:`~analysis.coding.dimension.CodingContext`); pass *context* instead to
    set how messages point at the raw file.
    """
    dimensions = DIMENSIONS if dimensions is None else dimensions
    ctx = context or CodingContext(jurisdiction, level_char, places)
    rows, units, sections = segment(jurisdiction, text, codebook)
    t = Tables(actions=rows, sections=sections)
    for dim in dimensions:
        coded = dim.code(text, units, codebook, ctx)
        t.coded[dim.table.name] = coded.rows
        for row in rows:
            row.update(coded.action_values.get(row["action_id"], {}))
    return t
