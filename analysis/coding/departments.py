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

#: Category of a unit the codebook does not know (kept verbatim, listed in ``codebook_gaps.csv``).
UNCODED = "uncoded"


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
    """Spans of *text* split at separators outside parentheses.

    Parameters
    ----------
    text : str
        The text to split.
    seps : str, default "、，,；;"
        The separator characters.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets into *text* of the pieces, in order, separators excluded; empty pieces kept.
    """
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
    """The jurisdiction prefix a name carries (``市委``, ``区``, ``团县委``…), or None.

    Parameters
    ----------
    name : str
        A department's name.
    places : tuple of str
        The place names of the plan's jurisdiction (烟台, 芝罘), also accepted as a prefix.

    Returns
    -------
    str or None
        The prefix (a level character such as ``区``, a Youth League level, or a place name), or None if the name
        carries none.
    """
    m = re.match(r"^团(自治区|街道|[市区县旗盟省州镇乡])(?:党?工?委)", name)
    if m:
        return m.group(1)
    for lv in PREFIXES:
        # 市场监管局 begins with 市场 (market), not with the prefix 市
        if name.startswith(lv) and not name.startswith(("市场", "区块", "县域", "乡村", "乡镇", "镇街")):
            return lv
    for p in places:
        if p and name.startswith(p):
            return p
    return None


def complete_name(name: str, level_char: str, codebook: Codebook, places: tuple[str, ...]) -> str:
    """Restore the elided jurisdiction prefix of *name* (see module doc).

    Parameters
    ----------
    name : str
        A department's name as printed.
    level_char : str
        The plan's level prefix (``区``, ``县``, ``市`` ...); ``""`` leaves names as printed.
    codebook : Codebook
        The codebook in force (categories, joiners, role words, closing formulas).
    places : tuple of str
        The place names of the plan's jurisdiction.

    Returns
    -------
    str
        *name* with the plan's prefix (or the party prefix, for party organs) added if it had none; names that
        start with ``各`` or carry a prefix are returned unchanged.
    """
    if name.startswith("各") or prefix_of(name, places) is not None or not level_char:
        return name
    if any(name.startswith(org) for org in codebook.party_organs):
        return f"{party_prefix_of(level_char)}{name}"
    return f"{level_char}{name}"


#: Parentheses that explain a word rather than list units (``（以下简称科协）``, ``（含网信办）``).
NOT_A_LIST_RE = re.compile(r"^(以下简称|下称|简称|含|包括|如|即|详见|见|注|其中|不含)")
#: How a unit's name ends: 局, 委, 办, 中心, 协会, 学校 … (for lists the codebook does not know yet).
ORG_SUFFIX_RE = re.compile(
    r"(局|委|委员会|办|办公室|部|厅|会|协|联|团|院|所|站|中心|馆|社|台|处|室|队|署|行|司|公司|集团|校|学|园|基地|单位|部门|"
    r"机构|组织|企业|街道|镇|乡|村|苏木|嘎查|政府|工委|党组|网信办|分局|支队|大队)$")


def looks_like_org(name: str, codebook: Codebook) -> bool:
    """Whether *name* reads as the name of a unit: a codebook category matches it, or it ends like one.

    Parameters
    ----------
    name : str
        A candidate unit name.
    codebook : Codebook
        The codebook in force (categories, joiners, role words, closing formulas).

    Returns
    -------
    bool
        True if *name* is 1 to 30 characters without ``。`` and a codebook category matches it, it ends with a
        unit suffix, or it starts with ``各``.
    """
    name = name.strip()
    return (0 < len(name) <= 30 and "。" not in name
            and (bool(codebook.categories_of(name)) or bool(ORG_SUFFIX_RE.search(name))
                 or name.startswith("各")))


def _core(item: str, codebook: Codebook) -> str:
    """An item without its role label, role word and final 等 (``牵头单位：区科协牵头等`` -> ``区科协``)."""
    item = codebook.role_label_re.sub("", item.strip()).strip()
    for mk in codebook.open_ended_markers:
        if item.endswith(mk):
            item = item[:-len(mk)]
    for suf in codebook.role_suffixes:  # 团区委牵头 -> 团区委
        if item.endswith(suf) and len(item) > len(suf):
            return item[:-len(suf)]
    return item


def looks_like_list(text: str, codebook: Codebook) -> bool:
    """Whether a parenthesis at the end of an action is a department list.

    True when it ends with a closing formula (``按职责分工负责``/``负责``) or
    holds a role label (``牵头单位：``); otherwise when every item, stripped of
    its role word and ``等``, reads as a unit's name (:func:`looks_like_org`).
    Parentheses that explain a word (``以下简称…``, ``含…``) are never lists.

    Parameters
    ----------
    text : str
        The text inside the parenthesis.
    codebook : Codebook
        The codebook in force (categories, joiners, role words, closing formulas).

    Returns
    -------
    bool
    """
    body = text.strip().rstrip("。")
    if not body or NOT_A_LIST_RE.match(body):
        return False
    if any(body.endswith(c) for c in codebook.list_closings) or codebook.role_label_re.search(body):
        return True
    items = [body[a:b] for a, b in split_items(body, codebook) if body[a:b].strip()]
    return bool(items) and all(looks_like_org(_core(it, codebook), codebook) for it in items)


def split_items(text: str, codebook: Codebook) -> list[tuple[int, int]]:
    """Spans of the units of one list clause: split at 、，, and at the joiners of the codebook.

    Joiners (``会同``, ``以及``, ``及``) split where the text before them ends like
    a unit's name; ``和``, ``与`` and spaces only where the text on both sides
    does (``人力资源和社会保障局`` stays whole).  Never inside parentheses.

    Parameters
    ----------
    text : str
        One list clause.
    codebook : Codebook
        The codebook in force (categories, joiners, role words, closing formulas).

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets into *text* of the items, in order.
    """
    spans = split_top(text)
    out: list[tuple[int, int]] = []
    for a, b in spans:
        out += _split_joiners(text, a, b, codebook)
    return out


def _split_joiners(text: str, a: int, b: int, codebook: Codebook) -> list[tuple[int, int]]:
    seg = text[a:b]
    depth, i = 0, 0
    while i < len(seg):
        ch = seg[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            for j, strict in codebook.joiners:
                if seg.startswith(j, i) and i > 0:
                    left, right = seg[:i].strip(), seg[i + len(j):].strip()
                    # only between two complete names: 人力资源和社会保障局 is one unit
                    if not right or not ORG_SUFFIX_RE.search(left):
                        continue
                    if strict and not ORG_SUFFIX_RE.search(_core(right, codebook)):
                        continue
                    return [(a, a + i)] + _split_joiners(text, a + i + len(j), b, codebook)
        i += 1
    return [(a, b)]


def parse_list(text: str, offset: int, codebook: Codebook, level_char: str, places: tuple[str, ...],
               where, default_role: str = "responsible", gaps: list | None = None,
               jurisdiction: str = "") -> list[Mention]:
    """Parse one department list starting at document offset *offset*.

    Handles closing formulas, ``等`` (open-ended), nested parentheses, joiners
    (``会同``, ``以及``, ``和`` between two units), role words after units
    (``X牵头，Y配合``) and role labels before them (``牵头单位：…``), also several
    clauses on one line, separated by ``；`` or simply by the next label
    (``牵头单位：A　责任单位：B``).  Returns one mention per named unit, in printed
    order.  A unit the codebook does not know is kept verbatim with category
    ``uncoded`` (and one in several categories with ``ambiguous``); each is
    appended to *gaps* (``where(offset)`` says where it is), never an error.

    Parameters
    ----------
    text : str
        The list's text.
    offset : int
        Where *text* starts in the plan's normalised text; mentions' offsets are shifted by it.
    codebook : Codebook
        The codebook in force (categories, joiners, role words, closing formulas).
    level_char : str
        The plan's level prefix, restored on names that elide it (:func:`complete_name`).
    places : tuple of str
        The place names of the plan's jurisdiction.
    where : callable
        ``where(offset) -> str``: where a reader finds *offset*, for the gap rows.
    default_role : {"responsible", "lead", "cooperating"}, default "responsible"
        The role of a unit no role word or label names.
    gaps : list of dict, optional
        Appended to: one dict per uncoded or ambiguous unit (``kind``, ``name``, ``printed``, ``offset``,
        ``jurisdiction``, ``where``, ``suggested``); None collects nothing.
    jurisdiction : str, default ""
        The plan's id, written into the gap rows.

    Returns
    -------
    list of Mention
        One per named unit, in printed order: printed and completed name, category, collective, role,
        open-ended, and document offsets.
    """
    out: list[Mention] = []
    for cs, ce in _clauses(text, codebook):
        if text[cs:ce].strip(" 。\n"):
            out += _parse_clause(text[cs:ce], offset + cs, codebook, level_char, places, where, default_role,
                                 gaps, jurisdiction)
    return out


def _clauses(text: str, codebook: Codebook) -> list[tuple[int, int]]:
    """Clauses of a list: split at ``；`` outside parentheses, and before every role label after the first."""
    out = []
    for a, b in split_top(text, "；;"):
        starts = [m.start() + a for m in codebook.role_label_re.finditer(text[a:b]) if m.start() > 0]
        bounds = [a] + [s for s in starts if text[a:s].strip()] + [b]
        out += [(x, y) for x, y in zip(bounds[:-1], bounds[1:])]
    return out


#: Bare level words that continue a collective unit: ``各区、县级市``, ``各县、市、区``.
LEVEL_WORDS_RE = re.compile(r"^(省|自治区|市|州|盟|地区|县级市|县|区|旗|市辖区|自治县|自治旗|乡|镇|乡镇|街道|苏木)$")
COLLECTIVE_HEAD_RE = re.compile(r"^各(省|自治区|市|州|盟|地区|县级市|县|区|旗|市辖区|自治县|自治旗|乡|镇|乡镇|街道|苏木)")


def _join_collectives(text: str, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a collective unit a list separator cut: ``各区、县级市`` is one unit (every district and city)."""
    out: list[tuple[int, int]] = []
    for a, b in items:
        word = text[a:b].strip()
        if out and LEVEL_WORDS_RE.match(word) and COLLECTIVE_HEAD_RE.match(text[out[-1][0]:out[-1][1]].strip()):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _parse_clause(text: str, offset: int, codebook: Codebook, level_char: str, places: tuple[str, ...],
                  where, default_role: str, gaps: list | None, jurisdiction: str) -> list[Mention]:
    role = default_role
    lead_ws = len(text) - len(text.lstrip())
    m = codebook.role_label_re.match(text, lead_ws)
    base = 0
    if m:
        role = codebook.role_labels[m.group(1)]
        base = m.end()
    body = text[base:]
    # strip trailing punctuation and closing formula
    end = len(body.rstrip().rstrip("。；;，, "))
    for c in codebook.list_closings:
        if body[:end].endswith(c):
            end -= len(c)
            break
    end = len(body[:end].rstrip("，, "))
    out: list[Mention] = []
    listed = body[:end]
    items = _join_collectives(listed, [(a, b) for a, b in split_items(listed, codebook) if listed[a:b].strip()])
    # role clauses (X牵头，Y、Z配合): a role word closing an item applies to the items since the last one
    roles: list[str] = []
    pending = 0
    trimmed: list[tuple[int, int]] = []
    for a, b in items:
        item = listed[a:b].rstrip()
        suffix = next((suf for suf in codebook.role_suffixes if item.endswith(suf) and len(item) > len(suf)), None)
        if suffix:
            roles.extend([codebook.role_suffixes[suffix]] * (pending + 1))
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
            item = next(item[:-len(mk)] for mk in codebook.open_ended_markers if item.endswith(mk)).rstrip()
        if not item:
            continue
        abs_start = offset + base + a + lead
        name = codebook.canonical(complete_name(re.sub(r"\s*\n\s*", "", item), level_char, codebook, places))
        cats = codebook.categories_of(name)
        if len(cats) == 1:
            cid, collective = cats[0].id, cats[0].collective
        else:
            cid, collective = UNCODED, False
            if gaps is not None:
                gaps.append({"kind": "department" if not cats else "ambiguous", "name": name, "printed": item,
                             "jurisdiction": jurisdiction, "offset": abs_start, "where": where(abs_start),
                             "suggested": ";".join(c.id for c in cats) if cats else codebook.suggest(name)})
        out.append(Mention(item, name, cid, collective, r, open_ended, abs_start, abs_start + len(item)))
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
    Column("source", "str", "`parenthesis` (the list closing the action), `inline` (a labelled list inside its "
                            "text), `department_line` (lines of departments after the item or closing its section), "
                            "`division_block` (a task's 分工, shared by the task's actions) or `heading` (a list "
                            "closing a group heading, inherited by its actions for the roles they do not name)"),
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
        """Code the department lists of every action of one plan.

        Parameters
        ----------
        text : str
            The plan's normalised text; every unit's offsets point into it.
        units : sequence of ActionUnit
            The plan's actions as segmentation found them (body span, headings above, department lists).
        codebook : Codebook
            The codebook in force.
        context : CodingContext
            The plan's level prefix and place names, where to point a reader, and the list *gaps* is appended to.

        Returns
        -------
        Coded
            ``rows``: one dict per (action, department, role), the columns of ``departments.csv``;
            ``action_values``: ``{action_id: {n_departments, n_collective, open_ended, roles}}`` for every unit.
        """
        out = Coded()
        parsed: dict[tuple[int, int], list[Mention]] = {}  # a task's 分工 is shared by its actions: parse once
        for u in units:
            mentions: list[Mention] = []
            for ls in u.lists:
                key = (ls.start, ls.end)
                if key not in parsed:
                    parsed[key] = parse_list(text[ls.start:ls.end], ls.start, codebook, context.level_char,
                                             context.places, lambda off: context.where(off, text),
                                             gaps=context.gaps, jurisdiction=u.jurisdiction)
                mentions += parsed[key]
            sources = [ls.source for ls in u.lists for _ in parsed[(ls.start, ls.end)]]
            # a group heading's list is inherited role by role: a role the action names itself is its own
            own_roles = {m.role for m, src in zip(mentions, sources) if src != "heading"}
            keep = [not (src == "heading" and m.role in own_roles) for m, src in zip(mentions, sources)]
            mentions = [m for m, k in zip(mentions, keep) if k]
            sources = [src for src, k in zip(sources, keep) if k]
            seen: set[tuple[str, str]] = set()
            kept: list[Mention] = []
            for m, source in zip(mentions, sources):
                if (m.department, m.role) in seen:  # the same unit listed twice in one role (list and line)
                    continue
                seen.add((m.department, m.role))
                kept.append(m)
                out.rows.append({
                    "action_id": u.action_id, "jurisdiction": u.jurisdiction, "department": m.department,
                    "printed": m.printed, "category": m.category, "collective": m.collective, "role": m.role,
                    "open_ended": m.open_ended, "start": m.start, "end": m.end, "source": source})
            roles = [r for r in ("lead", "cooperating", "responsible") if any(m.role == r for m in kept)]
            out.action_values[u.action_id] = {
                "n_departments": sum(1 for m in kept if not m.collective),
                "n_collective": sum(1 for m in kept if m.collective),
                "open_ended": any(m.open_ended for m in kept),
                "roles": "+".join(roles)}
        return out
