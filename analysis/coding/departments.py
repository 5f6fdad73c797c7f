"""Department lists: splitting, completing elided prefixes, coding.

Plans name responsible units in lists such as
``区委宣传部（网信办）、团区委、科协、教体局按职责分工负责`` or, in Shenzhen's
``分工`` blocks, ``牵头部门：市教育局，市科协、团市委。``.  Names after the first
often drop the jurisdiction prefix; :func:`complete_name` restores it the way
a reader does (``科协`` -> ``区科协``; ``宣传部`` after ``市委组织部`` -> ``市委宣传部``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.coding.codebook import Codebook
from analysis.coding.dimension import Coded, CodingDimension
from analysis.schema import Column, Table
from analysis.corpus.levels import PREFIXES, party_prefix_of
from analysis.errors import BuildError

ROLE_SUFFIXES = {"牵头": "lead", "配合": "cooperating", "协助": "cooperating", "参与": "cooperating"}
ROLE_PREFIX_RE = re.compile(r"^(牵头部门|牵头单位|责任部门|责任单位|配合部门|配合单位|协办单位)[：:]")
ROLE_PREFIXES = {"牵头部门": "lead", "牵头单位": "lead", "责任部门": "responsible", "责任单位": "responsible",
                 "配合部门": "cooperating", "配合单位": "cooperating", "协办单位": "cooperating"}


@dataclass(frozen=True)
class Mention:
    """One department named in a list, with its evidence offsets."""

    printed: str  # as printed (without closing formula or 等)
    department: str  # prefix restored
    category: str
    collective: bool
    role: str
    open_ended: bool
    start: int
    end: int


def split_top(text: str, seps: str = "、，,；;") -> list[tuple[int, int]]:
    """Spans of *text* split at separators outside parentheses."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


def prefix_of(name: str, places: tuple[str, ...]) -> str | None:
    """The jurisdiction prefix a name carries (``市委``, ``区``, ``团县委``…), or None."""
    m = re.match(r"^团(自治区|[市区县旗盟省州])委", name)
    if m:
        return m.group(1)
    for lv in PREFIXES:
        # 市场监管局 begins with 市场 (market), not with the prefix 市
        if name.startswith(lv) and not name.startswith(("市场", "区块", "县域")):
            return lv
    for p in places:
        if p and name.startswith(p):
            return p
    return None


def complete_name(name: str, level_char: str, codebook: Codebook, places: tuple[str, ...]) -> str:
    """Restore the elided jurisdiction prefix of *name* (see module doc)."""
    if name.startswith("各") or prefix_of(name, places) is not None or not level_char:
        return name
    if any(name.startswith(org) for org in codebook.party_organs):
        return f"{party_prefix_of(level_char)}{name}"
    return f"{level_char}{name}"


def code_name(name: str, codebook: Codebook, where: str):
    cats = codebook.categories_of(name)
    if len(cats) != 1:
        if not cats:
            raise BuildError(f"{where}: department {name!r} matches no category of the codebook "
                             f"({codebook.path}). Add an alias pattern to the right category (or a new category).")
        raise BuildError(f"{where}: department {name!r} matches several categories "
                         f"({', '.join(c.id for c in cats)}); make the codebook patterns specific.")
    return cats[0]


def looks_like_list(text: str, codebook: Codebook) -> bool:
    """Whether a parenthesis at the end of an action is a department list.

    True when it ends with a closing formula (``按职责分工负责``/``负责``) or when
    its first item, prefix restored, matches a codebook category.
    """
    body = text.strip().rstrip("。")
    if any(body.endswith(c) for c in codebook.list_closings):
        return True
    spans = split_top(body)
    first = body[spans[0][0]:spans[0][1]].strip()
    first = first[:-1] if first.endswith("等") else first
    first = ROLE_PREFIX_RE.sub("", first)
    for suf in ROLE_SUFFIXES:  # 团区委牵头 -> 团区委
        if first.endswith(suf) and len(first) > len(suf):
            first = first[:-len(suf)]
            break
    return bool(first) and bool(codebook.categories_of(first)) and len(first) <= 20


def parse_list(text: str, offset: int, codebook: Codebook, level_char: str, places: tuple[str, ...],
               where: str, default_role: str = "responsible") -> list[Mention]:
    """Parse one department list starting at document offset *offset*.

    Handles closing formulas, ``等`` (open-ended), nested parentheses, role
    clauses (``X牵头，Y配合``) and role prefixes (``牵头部门：``), also several
    ``；``-separated clauses on one line (``牵头部门：…；配合部门：…``).  Returns
    one mention per named unit, in printed order.
    """
    out: list[Mention] = []
    for cs, ce in split_top(text, "；;"):
        if text[cs:ce].strip(" 。"):
            out += _parse_clause(text[cs:ce], offset + cs, codebook, level_char, places, where, default_role)
    if not out:
        raise BuildError(f"{where}: empty department list {text!r}.")
    return out


def _parse_clause(text: str, offset: int, codebook: Codebook, level_char: str, places: tuple[str, ...],
                  where: str, default_role: str) -> list[Mention]:
    role = default_role
    m = ROLE_PREFIX_RE.match(text)
    base = 0
    if m:
        role = ROLE_PREFIXES[m.group(1)]
        base = m.end()
    body = text[base:]
    # strip trailing punctuation and closing formula
    end = len(body.rstrip().rstrip("。；;"))
    for c in codebook.list_closings:
        if body[:end].endswith(c):
            end -= len(c)
            break
    out: list[Mention] = []
    listed = body[:end]
    items = [(a, b) for a, b in split_top(listed) if listed[a:b].strip()]
    # role clauses (X牵头，Y、Z配合): a role word closing an item applies to the items since the last one
    roles: list[str] = []
    pending = 0
    trimmed: list[tuple[int, int]] = []
    for a, b in items:
        item = listed[a:b].rstrip()
        suffix = next((suf for suf in ROLE_SUFFIXES if item.endswith(suf) and len(item) > len(suf)), None)
        if suffix:
            roles.extend([ROLE_SUFFIXES[suffix]] * (pending + 1))
            pending = 0
            trimmed.append((a, a + len(item) - len(suffix)))
        else:
            pending += 1
            trimmed.append((a, b))
    roles.extend([role] * pending)
    last = listed[trimmed[-1][0]:trimmed[-1][1]].strip() if trimmed else ""
    open_ended = any(last.endswith(mk) for mk in codebook.open_ended_markers)
    for k, ((a, b), r) in enumerate(zip(trimmed, roles)):
        raw_item = listed[a:b]
        lead = len(raw_item) - len(raw_item.lstrip())
        item = raw_item.strip()
        if k == len(trimmed) - 1 and open_ended:
            item = item[:-1]
        abs_start = offset + base + a + lead
        if "：" in item or ":" in item:
            raise BuildError(f"{where}: {item!r} is not a department name (a label inside a list?); "
                             "write each role as its own clause, e.g. 牵头部门：…；配合部门：…")
        name = codebook.canonical(complete_name(item, level_char, codebook, places))
        cat = code_name(name, codebook, where)
        out.append(Mention(item, name, cat.id, cat.collective, r, open_ended, abs_start, abs_start + len(item)))
    if not out:
        raise BuildError(f"{where}: empty department list {text!r}.")
    return out


# ---------------------------------------------------------------- the dimension
TABLE = Table("assignments", "assignments.csv", "extract", "one department named for an action", (
    Column("action_id", "str", "the action"),
    Column("jurisdiction", "str", "its plan"),
    Column("department", "str", "the name as the plan means it, elided prefix restored (`区科协`, `市委宣传部`), "
                                "in its canonical spelling (codebook `canonical_names`)"),
    Column("printed", "str", "the name as printed (`科协`, `宣传部`); equals `text[start:end]`"),
    Column("category", "str", "codebook category id"),
    Column("collective", "bool", "True for `各责任单位`, `各镇街道`: categories of their own, not departments"),
    Column("role", "str", "`lead`, `cooperating` (where the plan distinguishes them), `responsible` (where it "
                          "does not)"),
    Column("open_ended", "bool", "the list it comes from ends in `等`"),
    Column("source", "str", "`parenthesis` (the list closing the action, or lines right after it) or "
                            "`division_block` (a task's 分工, shared by the task's actions)"),
    Column("start", "int", "offset of the printed name", "text"),
    Column("end", "int", "end of the printed name", "text"),
))


class DepartmentsDimension(CodingDimension):
    """Who carries each action: the department lists segmentation found, parsed and coded by category."""

    name = "departments"
    table = TABLE
    codebook_section = ("categories", "party_organs", "canonical_names", "list_closings", "open_ended_markers")
    action_columns = (
        Column("n_departments", "int", "departments assigned (collective units not counted)"),
        Column("n_collective", "int", "collective units assigned (`各责任单位`, `各镇街道`)"),
        Column("open_ended", "bool", "the list ends in `等`"),
        Column("roles", "str", "roles present, `+`-joined in the order lead, cooperating, responsible"),
    )

    def code(self, text: str, units, codebook: Codebook, context) -> "Coded":
        out = Coded()
        parsed: dict[tuple[int, int], list[Mention]] = {}  # a task's 分工 is shared by its actions: parse once
        for u in units:
            mentions: list[Mention] = []
            for ls in u.lists:
                key = (ls.start, ls.end)
                if key not in parsed:
                    parsed[key] = parse_list(text[ls.start:ls.end], ls.start, codebook, context.level_char,
                                             context.places, context.where(ls.start, text))
                mentions += parsed[key]
            source = u.lists[0].source if u.lists else "parenthesis"
            for m in mentions:
                out.rows.append({
                    "action_id": u.action_id, "jurisdiction": u.jurisdiction, "department": m.department,
                    "printed": m.printed, "category": m.category, "collective": m.collective, "role": m.role,
                    "open_ended": m.open_ended, "start": m.start, "end": m.end, "source": source})
            roles = [r for r in ("lead", "cooperating", "responsible") if any(m.role == r for m in mentions)]
            out.action_values[u.action_id] = {
                "n_departments": sum(1 for m in mentions if not m.collective),
                "n_collective": sum(1 for m in mentions if m.collective),
                "open_ended": any(m.open_ended for m in mentions),
                "roles": "+".join(roles)}
        return out
