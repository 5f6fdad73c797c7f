"""Segmenting a plan into actions and coding each one, with evidence offsets.

Rules (issue #3), applied to the heading tree of :mod:`analysis.corpus.structure`:

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
from analysis.coding.departments import ROLE_PREFIX_RE, Mention, looks_like_list, parse_list
from analysis.coding.groups import find_terms, group_of
from analysis.corpus.structure import Line, Node, is_heading_paragraph, opening_sentence, parse
from analysis.coding.commitments import find_targets

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
    division: list[Mention] = field(default_factory=list)


@dataclass
class Tables:
    actions: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)


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
    def __init__(self, jurisdiction: str, text: str, codebook: Codebook, level_char: str,
                 places: tuple[str, ...]):
        self.j, self.text, self.cb, self.level_char, self.places = jurisdiction, text, codebook, level_char, places
        self.units: list[Unit] = []
        self.sections: list[dict] = []

    def where(self, offset: int) -> str:
        line = self.text.count("\n", 0, offset) + 1
        return f"{self.j} (normalised text line {line})"

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
        division: list[Mention] = []
        div = parts["分工"]
        div_lines = self._after_title(div) + div.paragraphs
        for ln in div_lines:
            division += parse_list(ln.text, ln.start, self.cb, self.level_char, self.places, self.where(ln.start))
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

    # -- tables -----------------------------------------------------------------
    def tables(self) -> Tables:
        t = Tables()
        for seq, u in enumerate(self.units, start=1):
            aid = f"{self.j}-{seq:03d}"
            end = u.end
            last_line_start = self.text.rfind("\n", 0, end) + 1
            last_line = self.text[last_line_start:end]
            mentions: list[Mention] = list(u.division)
            dept_text, dept_start, dept_end, closing = "", None, None, ""
            par = trailing_parenthesis(last_line)
            if par and last_line_start + par[0] >= u.start:
                inner = last_line[par[0] + 1:par[1] - 1]
                if looks_like_list(inner, self.cb):
                    a, b = last_line_start + par[0], last_line_start + par[1]
                    dept_text, dept_start, dept_end = self.text[a:b], a, b
                    mentions = parse_list(inner, a + 1, self.cb, self.level_char, self.places, self.where(a))
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
                mentions = []
                for ln_start in [a] + [i + 1 for i in range(a, end) if self.text[i] == "\n"]:
                    ln_end = self.text.find("\n", ln_start, end)
                    ln_end = end if ln_end < 0 else ln_end
                    mentions += parse_list(self.text[ln_start:ln_end], ln_start, self.cb, self.level_char,
                                           self.places, self.where(ln_start))
                dept_text, dept_start, dept_end, closing = self.text[a:end], a, end, "role_lines"
                end = a
            if u.division:
                closing = "division_block"
            while end > u.start and self.text[end - 1] in " \n":
                end -= 1
            body = self.text[u.start:end]
            group = group_of(u.group_headings, self.cb)
            roles = [r for r in ("lead", "cooperating", "responsible") if any(m.role == r for m in mentions)]
            t.actions.append({
                "action_id": aid, "jurisdiction": self.j, "seq": seq, "kind": u.kind, "unit": u.unit,
                "path": " > ".join(n.heading for n in u.path_nodes),
                "number": u.node.number if u.unit in ("numbered_item", "safeguard_item") else "",
                "title": u.title, "text": body, "group": group, "start": u.start, "end": end,
                "n_chars": len(body),
                "departments_text": dept_text if dept_text else "",
                "departments_start": dept_start if dept_start is not None else "",
                "departments_end": dept_end if dept_end is not None else "",
                "list_closing": closing,
                "n_departments": sum(1 for m in mentions if not m.collective),
                "n_collective": sum(1 for m in mentions if m.collective),
                "open_ended": any(m.open_ended for m in mentions),
                "roles": "+".join(roles),
            })
            for m in mentions:
                t.assignments.append({
                    "action_id": aid, "jurisdiction": self.j, "department": m.department,
                    "printed": m.printed, "category": m.category, "collective": m.collective, "role": m.role,
                    "open_ended": m.open_ended, "start": m.start, "end": m.end,
                    "source": "division_block" if u.division else "parenthesis",
                })
            for s, e, term, g in find_terms(body, self.cb):
                t.mentions.append({"action_id": aid, "jurisdiction": self.j, "group": g, "term": term,
                                   "start": u.start + s, "end": u.start + e})
            for tg in find_targets(body, self.cb, u.start):
                t.targets.append({"action_id": aid, "jurisdiction": self.j, "span": tg.span,
                                  "value": tg.value, "unit": tg.unit, "qualifier": tg.qualifier, "per": tg.per,
                                  "year": tg.year, "start": tg.start, "end": tg.end})
        t.sections = self._section_rows()
        return t

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


def extract(jurisdiction: str, text: str, codebook: Codebook, level_char: str,
            places: tuple[str, ...] = ()) -> Tables:
    """All four tables (and the section table) for one normalised plan."""
    ex = _Extractor(jurisdiction, text, codebook, level_char, places)
    ex.run()
    return ex.tables()
