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

import re
from dataclasses import dataclass, field

from analysis.coding.codebook import Codebook
from analysis.coding.departments import ROLE_PREFIX_RE, looks_like_list
from analysis.coding.dimension import ActionUnit, CodingContext, CodingDimension, ListSpan
from analysis.coding.groups import group_of
from analysis.coding.registry import DIMENSIONS
from analysis.corpus.structure import Line, Node, is_heading_paragraph, opening_sentence, parse

CONTEXT_RE = re.compile(r"前言|背景|意义|指导思想|指导方针|基本原则|总体要求|总则|(^|[和与及])(发展|工作|总体|主要)?目标($|[和与及])")
SAFEGUARD_RE = re.compile(r"组织实施|保障")
TASK_PARTS = {"任务": "objectives", "措施": "measures", "分工": "division"}


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

    def collect(self, node: Node) -> None:
        parts = {c.title: c for c in node.children if c.title in TASK_PARTS}
        if "措施" in parts and "分工" in parts:
            self.task_block(node, parts)
            return
        if node.children:
            for c in node.children:
                self.collect(c)
            return
        paras = node.paragraphs
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
            self.units.append(Unit("action", "numbered_item", node, node.title, node.title_start, node.end(),
                                   path, [n.title for n in path + [node]]))

    def task_block(self, node: Node, parts: dict[str, Node]) -> None:
        div = parts["分工"]
        division = [ListSpan(ln.start, ln.end, "division_block") for ln in self._after_title(div) + div.paragraphs]
        meas = parts["措施"]
        lines = self._after_title(meas) + meas.paragraphs
        path = meas.ancestors() + [meas]
        for ln in lines:
            self.units.append(Unit("action", "task_measure", meas, opening_sentence(ln.text), ln.start, ln.end,
                                   path, [n.title for n in path], division))
        for c in meas.children:  # numbered measures, if a plan has them
            self.collect(c)
            for u in self.units[-1:]:
                u.division = division

    def _after_title(self, node: Node) -> list[Line]:
        """The rest of a heading line after ``措施。``/``分工。``, as a line (or nothing)."""
        if not node.has_own_text():
            return []
        a = node.title_start + len(node.title)
        while a < node.line.end and self.text[a] in "。：: ":
            a += 1
        return [Line(a, node.line.end, self.text[a:node.line.end])] if a < node.line.end else []

    # -- units -------------------------------------------------------------------
    def action_units(self) -> tuple[list[dict], list[ActionUnit]]:
        """The core row of every action (``actions.csv`` without the dimensions' columns) and its unit.

        Here the end of an action's own text is found: a department list that
        closes it (a parenthesis on its last line, or ``牵头单位：…`` lines after
        it) is cut off and handed to the coding dimensions as a :class:`ListSpan`.
        """
        rows, units = [], []
        for seq, u in enumerate(self.units, start=1):
            aid = f"{self.j}-{seq:03d}"
            end = u.end
            last_line_start = self.text.rfind("\n", 0, end) + 1
            last_line = self.text[last_line_start:end]
            lists: list[ListSpan] = list(u.division)
            dept_text, dept_start, dept_end, closing = "", None, None, ""
            par = trailing_parenthesis(last_line)
            if par and last_line_start + par[0] >= u.start:
                inner = last_line[par[0] + 1:par[1] - 1]
                if looks_like_list(inner, self.cb):
                    a, b = last_line_start + par[0], last_line_start + par[1]
                    dept_text, dept_start, dept_end = self.text[a:b], a, b
                    lists = [ListSpan(a + 1, b - 1, "parenthesis")]
                    closing = next((c for c in self.cb.list_closings if inner.rstrip("。").endswith(c)), "")
                    end = a
            elif ROLE_PREFIX_RE.match(last_line) and last_line_start > u.start:
                # trailing lines "牵头单位：…" / "责任单位：…" (a common format in other plans)
                a = last_line_start
                while True:
                    prev_start = self.text.rfind("\n", 0, a - 1) + 1
                    if prev_start > u.start and ROLE_PREFIX_RE.match(self.text[prev_start:a - 1]):
                        a = prev_start
                    else:
                        break
                lists = []
                for ln_start in [a] + [i + 1 for i in range(a, end) if self.text[i] == "\n"]:
                    ln_end = self.text.find("\n", ln_start, end)
                    lists.append(ListSpan(ln_start, end if ln_end < 0 else ln_end, "parenthesis"))
                dept_text, dept_start, dept_end, closing = self.text[a:end], a, end, "role_lines"
                end = a
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
        the division of work (分工) or a context section's body.
        """
        spans = [(u.start, u.end) for u in self.units]
        counts: dict[int, int] = {}
        for u in self.units:
            for n in {id(x): x for x in [u.node] + u.path_nodes}.values():
                counts[id(n)] = counts.get(id(n), 0) + 1
        rows = []
        for i, rec in enumerate(self.sections, start=1):
            n, part = rec["node"], rec["part"]
            own = self._after_title(n) + n.paragraphs
            free = [ln for ln in own if not any(a < ln.end and ln.start < b for a, b in spans)]
            rows.append({
                "section_id": f"{self.j}-s{i:03d}", "jurisdiction": self.j, "level": n.level, "number": n.number,
                "title": n.title, "path": " > ".join(x.heading for x in n.ancestors()), "part": part,
                "task_part": TASK_PARTS.get(n.title, "") if n.parent and any(
                    c.title == "措施" for c in n.parent.children) else "",
                "start": n.title_start, "end": n.end(),
                "context_start": min((ln.start for ln in free), default=""),
                "context_end": max((ln.end for ln in free), default=""),
                "n_actions": counts.get(id(n), 0),
            })
        return rows


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
