"""What the segmentation made of every character of a plan: section rows and the text no action covers.

Nothing is dropped silently: every stretch of the normalised text that no
action (its text, its own department list or its box) covers is returned as
one *outside* span with what it is:

- ``front_matter``: before the first heading -- website metadata, the notice,
  the title, the opening paragraph;
- ``heading``: a heading line (its own text, where it goes on, is ``introduction``);
- ``context``: a context section (指导思想, 目标 …) or the introduction of a
  safeguard section;
- ``introduction``: a section's text before its first action;
- ``task_objectives``: the 任务 of a task block;
- ``department_list``: a department line or a task's 分工, applied to actions;
- ``department_list_without_unit``: a department line that closes no action in the
  text (a fragment that starts after its item) -- reported, not applied;
- ``box``: a 专栏 box no action holds;
- ``closing``: attachments and document-closing lines after the plan;
- ``unassigned``: anything else in an operative section -- text the rules do not
  place, which the build reports as a warning.
"""
from __future__ import annotations

import bisect
import itertools

from analysis.coding.segment import TASK_PARTS
from analysis.corpus.structure import Line, lines_of

#: Kinds of outside text the build warns about (text that may hold measures the rules did not find).
WARN_KINDS = ("unassigned", "department_list_without_unit", "box_without_unit")
#: What each kind is, in a sentence (qa_report.csv's ``action`` column).
DESCRIPTIONS = {
    "front_matter": "front matter before the first heading (metadata, notice, title, opening): not an action",
    "heading": "a heading line: not an action",
    "context": "a context section (guiding ideas, principles, targets) or a safeguard section's introduction",
    "introduction": "a section's introduction before its first action",
    "task_objectives": "the objectives (任务) of a task block",
    "department_list": "a department list applied to the actions it closes",
    "department_list_without_unit": "a department list that closes no action in the text (its item is not in "
                                    "the text?); not applied",
    "box": "a 专栏 box",
    "box_without_unit": "a 专栏 box with no action to hold it",
    "closing": "attachments or document-closing lines after the plan",
    "unassigned": "text in an operative section that no rule made part of an action: check it",
}


def section_rows(ex) -> list[dict]:
    """One row per heading; ``context_*`` spans its own text that is not part of an action.

    That is the introduction of a section, the objectives of a task (任务),
    the division of work (分工) or a context section's body.  Linear in the
    plan's length: actions are in reading order, so whether a line overlaps
    one is a binary search.

    Parameters
    ----------
    ex : analysis.coding.segment._Extractor
        A plan's segmentation after ``run()``: its heading records (``sections``) and action units.

    Returns
    -------
    list of dict
        One per heading, in reading order, with the columns of ``sections.csv`` (``section_id``, ``jurisdiction``,
        ``level``, ``number``, ``title``, ``path``, ``part``, ``task_part``, ``start``, ``end``, ``context_start``,
        ``context_end`` -- ``""`` when all of its own text is in actions -- and ``n_actions``).
    """
    spans = sorted((u.start, u.end) for u in ex.units)
    starts = [a for a, _ in spans]
    ends = list(itertools.accumulate((b for _, b in spans), max))
    counts: dict[int, int] = {}
    for u in ex.units:
        nodes = ([u.node] if u.node is not None else []) + u.path_nodes
        for n in {id(x): x for x in nodes}.values():
            counts[id(n)] = counts.get(id(n), 0) + 1

    def overlaps(ln: Line) -> bool:
        k = bisect.bisect_left(starts, ln.end) - 1  # last action starting before the line ends
        return k >= 0 and ends[k] > ln.start

    task_parents: dict[int, bool] = {}  # parent -> holds a 措施 child (computed once: a root can hold thousands)

    def in_task_block(node) -> bool:
        p = node.parent
        if p is None:
            return False
        if id(p) not in task_parents:
            task_parents[id(p)] = any(c.title == "措施" for c in p.children)
        return task_parents[id(p)]

    rows = []
    for i, rec in enumerate(ex.sections, start=1):
        n, part = rec["node"], rec["part"]
        own = ex._after_title(n) + n.paragraphs
        free = [ln for ln in own if not overlaps(ln)]
        rows.append({
            "section_id": f"{ex.j}-s{i:03d}", "jurisdiction": ex.j, "level": n.level, "number": n.number,
            "title": n.title, "path": " > ".join(x.heading for x in n.ancestors()), "part": part,
            "task_part": TASK_PARTS.get(n.title, "") if in_task_block(n) else "",
            "start": n.title_start, "end": n.end(),
            "context_start": min((ln.start for ln in free), default=""),
            "context_end": max((ln.end for ln in free), default=""),
            "n_actions": counts.get(id(n), 0),
        })
    return rows


def _covered(rows: list[dict], ex) -> list[tuple[int, int]]:
    """Merged spans the actions cover: their text, their own department list, their box."""
    spans = []
    for r, u in zip(rows, ex.units):
        spans.append((r["start"], r["end"]))
        if r["departments_start"] != "" and r["departments_start"] < u.end:
            spans.append((int(r["departments_start"]), int(r["departments_end"])))  # its own bracket or inline list
        if u.box:
            spans.append(u.box)
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _line_kinds(ex) -> dict[int, str]:
    """Kind of every line by its start offset (see the module docstring)."""
    kinds: dict[int, str] = {}
    dangling = {a for a, _ in ex.dangling}

    def dept(ln: Line) -> str:
        return "department_list_without_unit" if any(a <= ln.start < b for a, b in ex.dangling) or \
            ln.start in dangling else "department_list"

    for ln in ex.preamble:
        kinds[ln.start] = dept(ln) if ex.is_department_line(ln) else "front_matter"
    for ln in ex.tail:
        kinds[ln.start] = "closing"
    first_unit: dict[int, int] = {}
    for u in ex.units:
        for n in ([u.node] if u.node is not None else []) + u.path_nodes:
            first_unit[id(n)] = min(first_unit.get(id(n), u.start), u.start)
    for rec in ex.sections:
        n, part = rec["node"], rec["part"]
        kinds[n.line.start] = "context" if part == "context" else "heading"
        for b in n.boxes:
            kinds[b.start] = "box"
        for ln in n.paragraphs:
            if ex.is_department_line(ln):
                kinds[ln.start] = dept(ln)
            elif part == "context":
                kinds[ln.start] = "context"
            elif id(n) in ex.division_nodes:
                kinds[ln.start] = "department_list"
            elif n.title == "任务" and n.parent is not None and any(c.title == "措施" for c in n.parent.children):
                kinds[ln.start] = "task_objectives"
            elif part == "safeguard":
                kinds[ln.start] = "context"
            elif ln.start < first_unit.get(id(n), len(ex.text)):
                kinds[ln.start] = "introduction"
            else:
                kinds[ln.start] = "unassigned"
    return kinds


def outside_spans(ex, rows: list[dict]) -> list[dict]:
    """The text no action covers, as spans of one kind each (see the module docstring).

    Parameters
    ----------
    ex : analysis.coding.segment._Extractor
        The segmentation of one plan, after :meth:`action_units`.
    rows : list of dict
        Its action rows.

    Returns
    -------
    list of dict
        ``{"kind", "start", "end", "n_chars", "snippet"}`` in text order; ``n_chars`` counts the
        characters but spaces and line breaks.
    """
    text = ex.text
    covered = _covered(rows, ex)
    kinds = _line_kinds(ex)
    heads = {rec["node"].line.start: rec["node"] for rec in ex.sections if rec["part"] != "context"}
    pieces: list[tuple[str, int, int]] = []
    k = 0
    for ln in lines_of(text):
        pos = ln.start
        while k < len(covered) and covered[k][1] <= pos:
            k += 1
        j = k
        while pos < ln.end:
            if j < len(covered) and covered[j][0] <= pos:
                pos = max(pos, covered[j][1])
                j += 1
                continue
            stop = min(ln.end, covered[j][0]) if j < len(covered) else ln.end
            kind = kinds.get(ln.start, "unassigned")
            if kind == "heading" and ln.start in heads:
                node = heads[ln.start]
                title_end = node.title_start + len(node.title)
                if pos < title_end:
                    pieces.append(("heading", pos, min(stop, title_end)))
                    pos = min(stop, title_end)
                    continue
                kind = "introduction"
            if kind == "box":  # a box an action holds is covered
                kind = "box_without_unit"
            pieces.append((kind, pos, stop))
            pos = stop
    out: list[dict] = []
    for kind, a, b in pieces:
        if not text[a:b].strip(" \n。，"):
            continue
        if out and out[-1]["kind"] == kind and not text[out[-1]["end"]:a].strip():
            out[-1]["end"] = b
        else:
            out.append({"kind": kind, "start": a, "end": b})
    for o in out:
        body = text[o["start"]:o["end"]]
        o["n_chars"] = sum(1 for c in body if c not in " \n")
        o["snippet"] = body[:40].replace("\n", "⏎")
    return out


__all__ = ["section_rows", "outside_spans", "WARN_KINDS", "DESCRIPTIONS"]
