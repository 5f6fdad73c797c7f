"""Synthetic corpora: N plausible plans with known actions, groups and departments.

``python -m analysis synth --plans N --seed S --out DIR`` writes::

    DIR/raw/        N plan texts, manifest.csv (with sha256) and errata.csv (``accept``
                    rows for genuine text the damage detector flags, as in data/raw)
                    -- a raw folder the build reads as is (``build --raw DIR/raw``)
    DIR/truth/      truth_actions.csv      jurisdiction, seq, title, group, kind, style, unit, variant
                    truth_assignments.csv  jurisdiction, seq, department, role
                    truth_plans.csv        one row per plan: every formatting choice made

Every plan is recombined from the real plans (their action texts, section
headings, safeguard items, general-requirements sections and department
lists, read from the committed ``data/processed`` tables), laid out in one of
the real plans' styles, with the formatting varied the way real plans
vary (see :data:`FORMATS` and ``docs/scale.md``).  The original department
parentheses are not reused: each action gets a department list drawn by the
generator from a real list's categories, printed with the plan's own prefix
(区/县/市) and elisions, so the truth is known exactly.

Generation is deterministic: the same ``(n, seed)`` gives the same bytes.
Formatting choices are balanced over the plans (every option of every
dimension appears once N reaches the number of options), so even a dozen
plans exercise every format.
"""
from __future__ import annotations

import csv
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import paths
from analysis.files import sha256
from analysis.coding.codebook import load_codebook
from analysis.corpus.levels import prefix_for
from analysis.corpus.manifest import REQUIRED_COLUMNS

#: The manifest columns the generator fills: the required ones and the province.
MANIFEST_COLUMNS = REQUIRED_COLUMNS + ["province"]

STYLES = ("zhifu", "pingyin", "chongqing", "shenzhen", "inner_mongolia")
_CODEBOOK = load_codebook()
GROUPS = tuple(g.id for g in _CODEBOOK.groups)
#: Terms the generator writes for each group (a weighted subset of the codebook's terms).
GROUP_TERMS = {
    "youth": ["青少年"],
    "farmers": ["农民", "城郊居民", "农牧民"],
    "workers": ["产业工人", "城镇劳动者", "城市劳动者"],
    "elderly": ["老年人"],
    "cadres": ["领导干部和公务员", "领导干部和公务员", "领导干部"],  # listed twice: twice as likely
    "community": ["社区居民"],
}
_TERM_GROUP = {term: g for term, g in _CODEBOOK.group_terms()}
ALL_TERMS = sorted(_TERM_GROUP, key=len, reverse=True)
GROUP_KEYWORDS = _CODEBOOK.group_heading_keywords
MASS_ORGS = {"cast", "women_federation", "trade_union", "youth_league"}

#: Formatting dimensions, each balanced over the plans of one corpus.  A
#: value listed twice is twice as likely.
FORMATS: dict[str, tuple] = {
    "style": STYLES,
    "encoding": ("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be", "gb18030"),
    "script": ("simplified", "simplified", "traditional"),
    "newline": ("lf", "lf", "crlf", "cr"),
    "brackets": ("full", "full", "half"),
    "punctuation": ("full", "full", "half"),
    "arabic": ("1.", "1.", "1、", "1．", "１．"),
    "han": ("一、", "一、", "一、", "一．"),
    "indent": ("none", "none", "ideographic", "spaces"),
    "blank_lines": (False, False, True),
    "level": ("district", "county", "prefecture-level city"),
    "elision": (0.0, 0.6, 0.9),
    "closing": ("按职责分工负责", "按职责分工负责", "负责", "", "按照职责分工负责"),
    "placement": ("after_stop", "before_stop"),
    # share of action texts reworded (sentences dropped or swapped, quantities changed); the rest are
    # copied verbatim, as plans written from one template copy most of their text
    "rewrite": (0.0, 0.5, 1.0),
}

#: Layout variants drawn per section, item or list, with their default rates.
#: Each is a format the segmentation rules cover (see docs/scale.md); pass
#: ``variants={name: 0.0}`` to :func:`generate` to leave one out.
VARIANTS: dict[str, float] = {
    # Zhifu style: a group section's introduction on a line of its own (one
    # sentence, no heading sentence) before its heading paragraphs -- context
    # by rule 2, not an action.
    "intro_line": 0.25,
    # Pingyin style: the same introduction before the numbered items.
    "intro_line_numbered": 0.25,
    # Pingyin style: an item ``1.`` whose work is split into ``（1）（2）``
    # sub-items (each sub-item is an action: the smallest numbered item).
    "sub_items": 0.15,
    # Zhifu style: heading paragraphs directly under a top-level section.
    "flat_project_section": 0.3,
    # Parenthesis lists ``（区科协牵头，区教体局、科技局配合）``.
    "role_clause": 0.05,
    # ``（各责任单位按职责分工负责）``.
    "all_units_closing": 0.03,
    # A space after a numbering marker: ``1. 弘扬…``, ``（一） 实施…``.
    "marker_space": 0.1,
    # Shenzhen style: ``3.分工。牵头部门：…；配合部门：…。`` on one line.
    "division_one_line": 0.2,
}

# Place names: (province, prefecture, county-level stems).  Stems contain no
# level character (省市区县旗盟) and no department word.
PLACES = [
    ("山东省", "烟台", ["福山", "莱山", "牟平", "蓬莱", "龙口", "莱阳", "莱州", "招远", "栖霞", "海阳"]),
    ("山东省", "济南", ["长清", "章丘", "济阳", "商河", "历城", "槐荫", "天桥", "历下", "钢城", "莱芜"]),
    ("山东省", "潍坊", ["寿光", "青州", "诸城", "安丘", "高密", "昌乐", "临朐", "昌邑", "寒亭", "坊子"]),
    ("山东省", "济宁", ["滕州", "邹城", "曲阜", "兖州", "泗水", "微山", "鱼台", "金乡", "嘉祥", "汶上"]),
    ("江苏省", "苏州", ["常熟", "张家港", "昆山", "太仓", "吴江", "吴中", "相城", "姑苏"]),
    ("江苏省", "无锡", ["江阴", "宜兴", "惠山", "锡山", "滨湖", "梁溪"]),
    ("浙江省", "宁波", ["余姚", "慈溪", "奉化", "鄞州", "镇海", "北仑", "象山", "宁海"]),
    ("浙江省", "金华", ["义乌", "东阳", "永康", "兰溪", "浦江", "武义", "磐安", "婺城"]),
    ("广东省", "佛山", ["南海", "顺德", "三水", "高明", "禅城"]),
    ("广东省", "江门", ["台山", "开平", "鹤山", "恩平", "蓬江", "江海", "新会"]),
    ("四川省", "成都", ["郫都", "温江", "新都", "双流", "彭州", "邛崃", "崇州", "简阳", "大邑", "蒲江"]),
    ("河南省", "郑州", ["巩义", "荥阳", "新密", "新郑", "登封", "中牟", "惠济", "上街"]),
    ("湖北省", "宜昌", ["宜都", "当阳", "枝江", "远安", "兴山", "秭归", "长阳", "五峰"]),
    ("河北省", "保定", ["涿州", "定州", "安国", "高碑店", "涞水", "阜平", "定兴", "唐县"]),
]
#: Real place names in reused text, replaced by the synthetic plan's own.
REAL_PLACES = ["内蒙古自治区", "芝罘区", "平阴县", "深圳市", "重庆市", "烟台市", "济南市", "芝罘", "平阴", "深圳",
               "重庆", "内蒙古", "烟台", "济南", "齐鲁"]
PINYIN = {"區": "qū", "質": "zhì", "發": "fā", "創": "chuàng", "養": "yǎng", "關": "guān", "網": "wǎng",
          "織": "zhī", "實": "shí", "導": "dǎo"}

HAN_DIGITS = "零一二三四五六七八九"
#: Genuine text the damage detector flags (a Latin letter between Han characters);
#: each plan that reuses it gets an ``accept`` row in its errata.csv.
GENUINE_LATIN = ("校园e站",)
#: Quantities a reworded text may change (not years, dates, session numbers or decimals).
NUMBER_RE = re.compile(r"(?<![\d.])[1-9]\d{0,2}(?![\d.]|年|月|日|届|中全会|号|周年|%)")


def han_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 19 -> 十九, 21 -> 二十一 (1..99)."""
    if n < 10:
        return HAN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else HAN_DIGITS[tens]) + "十" + (HAN_DIGITS[ones] if ones else "")


def announced_group(title: str) -> str | None:
    """The group a heading would announce (a group term and 科学素质/科普/行动), else None."""
    if not any(k in title for k in GROUP_KEYWORDS):
        return None
    found, rest = set(), title
    for t in ALL_TERMS:  # longest first, consumed, like the codebook's matcher
        if t in rest:
            found.add(_TERM_GROUP[t])
            rest = rest.replace(t, "\0")
    return sorted(found)[0] if len(found) == 1 else ("?" if found else None)


# --------------------------------------------------------------------------- the pool
@dataclass
class Item:
    """A reusable work item from a real plan (department parenthesis removed)."""

    title: str
    paras: list[str]  # body paragraphs after the title
    group: str
    source: str  # action_id it came from

    @property
    def body(self) -> str:
        return "".join(self.paras)


@dataclass
class Base:
    """A department name without its jurisdiction prefix."""

    text: str  # 科协, 宣传部, 宣传部（网信办）; for the youth league: ""
    kind: str  # gov | party | league
    category: str

    def full(self, lc: str) -> str:
        if self.kind == "league":
            return f"团{lc}委"
        if self.kind == "party":
            return f"{lc}委{self.text}"
        return f"{lc}{self.text}"

    def printed(self, lc: str, elide: bool) -> str:
        if self.kind == "league" or not elide:
            return self.full(lc)
        return self.text


@dataclass
class Pool:
    group_items: dict[str, list[Item]]
    sections: list[tuple[str, list[Item]]]  # non-group sections: heading, items
    top_headings: list[str]  # non-group top-level headings (Chongqing, Inner Mongolia)
    safeguards: list[Item]
    bases: dict[str, list[Base]]
    lists: list[list[str]]  # category lists of real parenthesis lists
    divisions: list[tuple[list[str], list[str]]]  # (lead, cooperating) categories of real task blocks
    context: list[tuple[str, list[str]]]  # general-requirements sections: heading, lines
    prefaces: list[tuple[str, list[str]]]  # 前言 / 背景和意义 sections
    intros: list[str]  # opening paragraphs of real plans (after the title)
    objectives: dict[str, list[list[str]]]  # group ("" for none) -> 任务 paragraphs of real tasks
    group_intros: dict[str, list[str]]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _base_of(department: str, category: str) -> Base | None:
    if re.fullmatch(r"团[市区县]委", department):
        return Base("", "league", category)
    m = re.fullmatch(r"[市区县]委(.+)", department)
    if m:
        return Base(m.group(1), "party", category)
    m = re.fullmatch(r"[市区县](.+)", department)
    if m and not any(p in m.group(1) for p in REAL_PLACES):
        return Base(m.group(1), "gov", category)
    return None


def _split_item(text: str, title: str) -> list[str]:
    rest = text[len(title):] if text.startswith(title) else text
    rest = rest.lstrip("。：: \n")
    return [p.strip() for p in rest.split("\n") if p.strip()]


def _top_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Top-level sections (``一、…``) of a normalised text: heading and lines."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        m = re.match(r"^[一二三四五六七八九十]{1,3}、(.*)$", line)
        if m:
            blocks.append((m.group(1), []))
        elif blocks and line.strip():
            blocks[-1][1].append(line)
    return blocks


@lru_cache(maxsize=2)
def load_pool(processed: str | None = None) -> Pool:
    """Read the real plans' material from a processed folder (default: the committed one)."""
    src = Path(processed) if processed else paths.PROCESSED
    acts = _read_csv(src / "actions.csv")
    asg = _read_csv(src / "assignments.csv")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(paths.text_dir(src).glob("*.txt"))}

    bases: dict[str, dict[str, Base]] = {}
    by_action: dict[str, list[dict]] = {}
    for r in asg:
        by_action.setdefault(r["action_id"], []).append(r)
        if r["collective"] == "True":
            continue
        b = _base_of(r["department"], r["category"])
        if b:
            bases.setdefault(r["category"], {})[b.text + b.kind] = b

    lists: list[list[str]] = []
    divisions: dict[tuple, None] = {}
    for rows in by_action.values():
        cats = list(dict.fromkeys(r["category"] for r in rows if r["collective"] != "True" and r["category"] in bases))
        if rows[0]["source"] == "division_block":
            lead = list(dict.fromkeys(r["category"] for r in rows if r["role"] == "lead" and r["category"] in bases))
            coop = [c for c in dict.fromkeys(r["category"] for r in rows if r["role"] == "cooperating"
                                             and r["category"] in bases) if c not in lead]
            if lead:
                divisions[(tuple(lead), tuple(coop))] = None
        elif cats:
            lists.append(cats)

    group_items: dict[str, list[Item]] = {g: [] for g in GROUPS}
    sections: dict[str, list[Item]] = {}
    safeguards: list[Item] = []
    for a in acts:
        text = a["text"]
        if text.rstrip("。").endswith("）"):
            continue  # would look like a department list at the end of an action
        item = Item(a["title"], _split_item(text, a["title"]), a["group"], a["action_id"])
        if not item.paras or "。" in item.title:
            continue
        if a["kind"] == "safeguard":
            safeguards.append(item)
        elif a["group"]:
            if announced_group(item.title) in (None, a["group"]):
                group_items[a["group"]].append(item)
        elif a["jurisdiction"] not in ("chongqing", "inner_mongolia") and not announced_group(item.title):
            heading = a["path"].split(" > ")[1] if " > " in a["path"] else ""
            heading = re.sub(r"^（[一二三四五六七八九十]+）", "", heading)
            if heading:
                sections.setdefault(heading, []).append(item)
        elif not announced_group(item.title):
            heading = re.sub(r"^[一二三四五六七八九十]+、", "", a["path"].split(" > ")[0])
            sections.setdefault(heading, []).append(item)

    context, prefaces, intros = [], [], []
    objectives: dict[str, list[list[str]]] = {}
    group_intros: dict[str, list[str]] = {}
    group_of_heading = {}
    for a in acts:
        parts = a["path"].split(" > ")
        if a["group"] and len(parts) >= 2:
            group_of_heading[re.sub(r"^（[一二三四五六七八九十]+）", "", parts[1])] = a["group"]
    for _, text in sorted(texts.items()):
        blocks = _top_blocks(text)
        lines = text.split("\n")
        first_top = next((i for i, ln in enumerate(lines) if re.match(r"^[一二三四五六七八九十]{1,3}、", ln)), None)
        if first_top and first_top >= 1 and len(lines[first_top - 1]) > 60:
            intros.append(lines[first_top - 1])
        for heading, blines in blocks:
            if re.search(r"总体要求|指导方针|指导思想", heading):
                context.append((heading, blines))
            elif re.search(r"前言|背景", heading):
                prefaces.append((heading, blines))
        # Shenzhen-style task objectives and Zhifu-style group intros
        cur = None
        for i, ln in enumerate(lines):
            m = re.match(r"^（[一二三四五六七八九十]+）([^。]*)。?(.*)$", ln)
            if m:
                cur = m.group(1)
                g = group_of_heading.get(cur, "")
                if g and m.group(2):
                    group_intros.setdefault(g, []).append(m.group(2))
            elif ln.startswith("1.任务。") and cur is not None:
                obj = [ln[len("1.任务。"):]]
                for nxt in lines[i + 1:]:
                    if re.match(r"^\d+\.", nxt):
                        break
                    obj.append(nxt)
                objectives.setdefault(group_of_heading.get(cur, ""), []).append([o for o in obj if o])
    secs = sorted(((h, its) for h, its in sections.items() if len(its) >= 2), key=lambda x: x[0])
    tops = sorted({re.sub(r"^[一二三四五六七八九十]+、", "", a["path"].split(" > ")[0]) for a in acts
                   if a["jurisdiction"] in ("chongqing", "inner_mongolia") and a["kind"] == "action"
                   and not a["group"]})
    return Pool(group_items, secs, tops, safeguards,
                {c: sorted(v.values(), key=lambda b: (b.kind, b.text)) for c, v in sorted(bases.items())},
                lists, list(divisions), context, prefaces, intros, objectives, group_intros)


# --------------------------------------------------------------------------- one plan
@dataclass
class TruthAction:
    seq: int
    title: str
    group: str
    kind: str
    unit: str
    departments: list[tuple[str, str]] = field(default_factory=list)
    variant: str = ""


class PlanWriter:
    """Lays out one plan in a style and records its truth."""

    def __init__(self, pool: Pool, rng: random.Random, jurisdiction: str, fmt: dict,
                 variants: dict[str, float] | None = None):
        self.pool, self.rng, self.j, self.fmt = pool, rng, jurisdiction, fmt
        self.variants = {**VARIANTS, **(variants or {})}
        province, pref, stems = rng.choice(PLACES)
        stem = rng.choice(stems)
        self.level = fmt["level"]
        self.lc = prefix_for(self.level)
        self.stem = stem
        self.self_name = stem + self.lc
        self.name_zh = self.self_name if self.lc == "市" else f"{pref}市{self.self_name}"
        self.province = province
        self.style = fmt["style"]
        self.lines: list[str] = []
        self.truth: list[TruthAction] = []
        self.used_titles: set[str] = set()
        # one department name per category, as this plan spells it
        self.roster = {c: rng.choice(bs) for c, bs in pool.bases.items()}
        self.township = "各街道" if self.lc == "区" else rng.choice(["各镇街道", "各镇（街道）", "各乡镇"])
        self.top_no = 0

    # -- text helpers ------------------------------------------------------------------------
    def localise(self, text: str) -> str:
        for p in REAL_PLACES:
            if p in text:
                rep = self.self_name if p[-1] in "区县市" or p.endswith("自治区") else self.stem
                text = text.replace(p, rep)
        return re.sub(r"(我|全)[区县市](?!域)", lambda m: m.group(1) + self.lc, text)

    def arabic(self, n: int) -> str:
        f = self.fmt["arabic"]
        if f == "１．":
            return "".join(chr(ord(d) + 0xFEE0) for d in str(n)) + "．" + self.sp()
        return f"{n}{f[1]}{self.sp()}"

    def top(self, heading: str) -> None:
        self.top_no += 1
        self.lines.append(f"{han_number(self.top_no)}{self.fmt['han'][1]}{heading}")

    def sub(self, n: int) -> str:
        return f"（{han_number(n)}）{self.sp()}"

    def take(self, items: list[Item], k: int) -> list[Item]:
        free, seen = [], set(self.used_titles)
        for it in items:
            t = self.localise(it.title)
            if t not in seen:
                seen.add(t)
                free.append(it)
        out = self.rng.sample(free, min(k, len(free)))
        for it in out:
            self.used_titles.add(self.localise(it.title))
        return out

    def record(self, title: str, group: str, kind: str, unit: str, depts=(), variant: str = "") -> None:
        self.truth.append(TruthAction(len(self.truth) + 1, title, group, kind, unit, list(depts), variant))

    def chance(self, variant: str) -> bool:
        """Draw whether *variant* is used here (always consumes one random number)."""
        return self.rng.random() < self.variants.get(variant, 0.0)

    def sp(self) -> str:
        return " " if self.chance("marker_space") else ""

    # -- department lists ---------------------------------------------------------------------
    def _names(self, cats: list[str]) -> list[Base]:
        seen, out = set(), []
        for c in cats:
            b = self.roster.get(c)
            if b and b.full(self.lc) not in seen:
                seen.add(b.full(self.lc))
                out.append(b)
        return out

    def _print_names(self, bases: list[Base], first_full: bool = True) -> list[str]:
        out = []
        for i, b in enumerate(bases):
            elide = (i > 0 or not first_full) and self.rng.random() < self.fmt["elision"]
            out.append(b.printed(self.lc, elide))
        return out

    def dept_list(self) -> tuple[str, list[tuple[str, str]], str]:
        """A parenthesis list (printed, without brackets), its truth and its variant."""
        rng = self.rng
        if self.style == "chongqing" and rng.random() < 0.25:
            return "各责任单位", [("各责任单位", "responsible")], ""
        cats = list(rng.choice(self.pool.lists))
        if len(cats) > 2 and rng.random() < 0.3:
            cats = cats[:rng.randint(2, len(cats))]
        bases = self._names(cats)[:10]
        if self.style in ("zhifu", "pingyin"):
            if self.chance("all_units_closing"):
                return "各责任单位" + (self.fmt["closing"] or "按职责分工负责"), [("各责任单位", "responsible")], \
                    "all_units_closing"
            if len(bases) >= 2 and self.chance("role_clause"):
                k = rng.randint(1, len(bases) - 1)
                lead, coop = self._print_names(bases[:k]), self._print_names(bases[k:], first_full=False)
                truth = [(b.full(self.lc), "lead") for b in bases[:k]] + \
                        [(b.full(self.lc), "cooperating") for b in bases[k:]]
                return f"{'、'.join(lead)}牵头，{'、'.join(coop)}配合", truth, "role_clause"
        printed = self._print_names(bases)
        truth = [(b.full(self.lc), "responsible") for b in bases]
        if self.style in ("zhifu", "pingyin") and rng.random() < 0.15:
            printed.insert(0, self.township)
            truth.insert(0, (self.township, "responsible"))
        open_ended = rng.random() < (0.2 if self.style == "chongqing" else 0.05)
        closing = "" if self.style == "chongqing" else self.fmt["closing"]
        return "、".join(printed) + ("等" if open_ended else "") + closing, truth, "open_ended" if open_ended else ""

    def with_list(self, line: str, printed: str) -> str:
        line = line.rstrip("。")
        if self.fmt["placement"] == "after_stop":
            return f"{line}。（{printed}）"
        return f"{line}（{printed}）。"

    def division_lines(self) -> tuple[list[str], list[tuple[str, str]], str]:
        """A Shenzhen ``3.分工`` block: lead and cooperating departments."""
        lead_c, coop_c = self.rng.choice(self.pool.divisions)
        lead = self._names(list(lead_c))
        coop = [b for b in self._names(list(coop_c)) if b.full(self.lc) not in {x.full(self.lc) for x in lead}]
        labels = self.rng.choice([("牵头部门", "配合部门"), ("牵头单位", "配合单位")])

        def grouped(bases: list[Base]) -> str:
            parts = []
            for kinds in (("party",), ("gov",), ("league",)):
                grp = [b for b in bases if (b.kind in kinds and b.category not in MASS_ORGS) or
                       (kinds == ("league",) and b.category in MASS_ORGS)]
                if grp:
                    parts.append("、".join(self._print_names(grp)))
            return "，".join(parts)

        head = f"{self.arabic(3)}分工。"
        lines = []
        lead_line = f"{labels[0]}：{grouped(lead)}。"
        one_line = bool(coop) and self.chance("division_one_line")
        if one_line:
            lines.append(f"{head}{labels[0]}：{grouped(lead)}；{labels[1]}：{grouped(coop)}。")
        else:
            if self.rng.random() < 0.5:
                lines.append(head + lead_line)
            else:
                lines += [head, lead_line]
            if coop:
                lines.append(f"{labels[1]}：{grouped(coop)}。")
        truth = [(b.full(self.lc), "lead") for b in lead] + [(b.full(self.lc), "cooperating") for b in coop]
        return lines, truth, "division_one_line" if one_line else ""

    # -- shared parts -------------------------------------------------------------------------
    def title_text(self) -> str:
        return self.rng.choice([
            f"{self.name_zh}全民科学素质行动规划纲要实施方案（2021—2025年）",
            f"{self.name_zh}“十四五”全民科学素质行动规划纲要实施方案",
            f"{self.name_zh}全民科学素质行动计划纲要实施方案（2016—2020年）",
            f"{self.rng.choice([2020, 2021, 2022, 2023])}年{self.name_zh}全民科学素质行动工作要点",
        ])

    def front_matter(self) -> None:
        rng = self.rng
        title = self.title_text()
        year = rng.randint(2017, 2024)
        abbr = self.stem[0] + rng.choice(["政字", "政发", "政办字"])
        issuer = f"{self.name_zh}人民政府"
        lines = []
        if rng.random() < 0.8:
            lines += [f"{abbr}〔{year}〕{rng.randint(1, 120)}号", issuer, f"关于印发{title}的通知",
                      f"各{'街道办事处' if self.lc == '区' else '镇人民政府，各街道办事处'}，{self.lc}政府各部门，有关单位：",
                      f"现将《{title}》印发给你们，请认真贯彻落实。", issuer,
                      f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", "（此件公开发布）"]
        lines.append(title)
        if self.pool.intros:
            lines.append(self.localise(rng.choice(self.pool.intros)))
        self.lines += lines

    def context_section(self) -> None:
        rng = self.rng
        if self.pool.prefaces and rng.random() < 0.3:
            heading, body = rng.choice(self.pool.prefaces)
            self.top(heading)
            self.lines += [self.localise(x) for x in body]
        heading, body = rng.choice(self.pool.context)
        self.top(rng.choice(["总体要求", heading]))
        for ln in body:
            m = re.match(r"^(\d{1,2})\.(.*)$", ln)
            ln = f"{self.arabic(int(m.group(1)))}{m.group(2)}" if m else ln
            self.lines.append(self.localise(ln))

    def safeguard_section(self, first_no: int = 1) -> None:
        rng = self.rng
        self.top(rng.choice(["保障措施", "组织实施与保障", "组织实施和保障条件", "加强组织保障", "保障条件",
                             "组织保障"]))
        items = self.take(self.pool.safeguards, rng.randint(2, 4))
        inline = rng.random() < 0.5
        for i, it in enumerate(items, start=first_no):
            title = self.localise(it.title)
            paras = [self.localise(p) for p in it.paras]
            if inline:
                self.lines.append(f"{self.sub(i)}{title}。{paras[0]}")
                self.lines += paras[1:]
            else:
                self.lines.append(f"{self.sub(i)}{title}" + ("。" if rng.random() < 0.5 else ""))
                self.lines += paras
            self.record(title, "", "safeguard", "safeguard_item")

    def tail(self) -> None:
        r = self.rng.random()
        if r < 0.15:
            self.lines.append("附件：" + self.rng.choice(["任务分工表", "重点任务清单"]))
        elif r < 0.3:
            self.lines.append("[文字版下载] [pdf文件下载]")

    def group_heading(self, g: str, form: str) -> str:
        term = self.rng.choice(GROUP_TERMS[g])
        return {
            "zhifu": f"实施{term}科学素质提升行动",
            "pingyin": f"{term}科学素质提升行动",
            "chongqing": f"实施{term}科学素质行动",
            "shenzhen": f"实施{term}科学素质行动",
            "inner_mongolia": self.rng.choice([f"强化{term}科普工作", f"强化{term}科普教育",
                                               f"加强{term}科普服务", f"提升{term}科学素质"]),
        }[form]

    def pick_groups(self, lo: int, hi: int, need: int) -> list[str]:
        ok = [g for g in GROUPS if len(self.pool.group_items[g]) >= need]
        k = self.rng.randint(min(lo, len(ok)), min(hi, len(ok)))
        chosen = set(self.rng.sample(ok, k))
        return [g for g in GROUPS if g in chosen]

    def pick_sections(self, lo: int, hi: int, k_lo: int = 2, k_hi: int = 4) -> list[tuple[str, list[Item]]]:
        """Non-group sections with *k_lo*..*k_hi* items not used yet in this plan (titles unique)."""
        out, want = [], self.rng.randint(lo, hi)
        for heading, items in self.rng.sample(self.pool.sections, len(self.pool.sections)):
            if len(out) >= want:
                break
            free = [it for it in items if self.localise(it.title) not in self.used_titles]
            if len({it.title for it in free}) >= k_lo:
                out.append((heading, self.take(free, self.rng.randint(k_lo, k_hi))))
        return out

    def body_of(self, it: Item) -> str:
        """The item's text after its title, localised and, at the plan's ``rewrite`` rate, reworded."""
        body = self.localise(it.body)
        if self.rng.random() >= self.fmt["rewrite"]:
            return body  # copied verbatim, as from a common template
        sents = [x + "。" for x in body.split("。") if x]
        if len(sents) > 2:  # keep the opening sentence; drop or swap some of the others
            rest = [x for x in sents[1:] if self.rng.random() > 0.25] or sents[1:2]
            if len(rest) > 1 and self.rng.random() < 0.5:
                i = self.rng.randrange(len(rest) - 1)
                rest[i], rest[i + 1] = rest[i + 1], rest[i]
            sents = sents[:1] + rest
        body = "".join(sents) if body.endswith("。") else "".join(sents).rstrip("。")
        return NUMBER_RE.sub(lambda m: str(max(1, round(int(m.group(0)) * self.rng.uniform(0.5, 1.6)))), body)

    def line_of(self, it: Item) -> tuple[str, str]:
        title = self.localise(it.title)
        return title, f"{title}。{self.body_of(it)}"

    # -- styles -----------------------------------------------------------------------------
    def write(self) -> None:
        self.front_matter()
        self.context_section()
        getattr(self, f"_{self.style}")()
        self.tail()

    def _paragraph_sections(self, numbered: bool) -> None:
        """Zhifu (unnumbered heading paragraphs) and Pingyin (``1.`` items), both with lists."""
        rng = self.rng
        self.top(rng.choice(["提升行动", "重点人群科学素质提升行动", "主要任务"]))
        if rng.random() < 0.6:
            self.lines.append("聚焦重点人群科学素质提升，实施提升行动，带动全民科学素质整体水平持续提升。")
        for si, g in enumerate(self.pick_groups(3, 6, 2), start=1):
            head = self.group_heading(g, "zhifu" if rng.random() < 0.5 else "pingyin")
            intros = self.pool.group_intros.get(g) or [f"以提升{GROUP_TERMS[g][0]}科学素质为重点，推动各项任务落地见效。"]
            # one sentence: an introduction, never a heading sentence
            intro = self.localise(rng.choice(intros)).replace("。", "，").rstrip("，") + "。"
            variant = ""
            if self.chance("intro_line_numbered" if numbered else "intro_line"):
                self.lines += [f"{self.sub(si)}{head}" + ("。" if rng.random() < 0.5 else ""), intro]
                variant = "intro_line_numbered" if numbered else "intro_line"
            elif rng.random() < 0.6:
                self.lines.append(f"{self.sub(si)}{head}。{intro}")
            else:
                self.lines.append(f"{self.sub(si)}{head}" + ("。" if rng.random() < 0.5 else ""))
            self._items(self.take(self.pool.group_items[g], rng.randint(2, 5)), g, numbered, variant)
        self.top(rng.choice(["重点工程", "重点任务", "基础工程"]))
        if rng.random() < 0.5:
            self.lines.append("深化科普供给侧改革，提高供给效能，构建主体多元、手段多样、供给优质、机制有效的科学素质建设体系。")
        if not numbered and self.chance("flat_project_section"):
            for _, items in self.pick_sections(1, 1, 2, 5):
                self._items(items, "", numbered, "flat_project_section")
        else:
            for si, (heading, items) in enumerate(self.pick_sections(2, 4), start=1):
                self.lines.append(f"{self.sub(si)}{self.localise(heading)}" + ("。" if rng.random() < 0.4 else ""))
                self._items(items, "", numbered)
        self.safeguard_section()

    def _items(self, items: list[Item], group: str, numbered: bool, variant: str = "") -> None:
        if len(items) < 2:  # one heading paragraph would not be a section of paragraphs
            items = items + self.take(self.pool.group_items[group] if group else
                                      [x for _, xs in self.pool.sections for x in xs], 2 - len(items))
        n = 0
        while items:
            it = items.pop(0)
            n += 1
            title, line = self.line_of(it)
            if numbered and len(items) >= 2 and self.chance("sub_items"):
                # this item's title heads the ``（1）（2）`` sub-items made of the next ones
                self.lines.append(f"{self.arabic(n)}{title}。")
                k = self.rng.randint(2, len(items))
                for m in range(1, k + 1):
                    sub = items.pop(0)
                    stitle, sline = self.line_of(sub)
                    printed, truth, lv = self.dept_list()
                    self.lines.append(f"（{m}）{self.sp()}{self.with_list(sline, printed)}")
                    self.record(stitle, group, "action", "numbered_item", truth, "sub_items")
                continue
            printed, truth, lv = self.dept_list()
            line = self.with_list(line, printed)
            self.lines.append(f"{self.arabic(n)}{line}" if numbered else line)
            self.record(title, group, "action", "numbered_item" if numbered else "heading_paragraph", truth,
                        variant or lv)

    def _zhifu(self) -> None:
        self._paragraph_sections(numbered=False)

    def _pingyin(self) -> None:
        self._paragraph_sections(numbered=True)

    def _chongqing(self) -> None:
        rng = self.rng
        n = 0
        tops = rng.sample(self.pool.top_headings, min(len(self.pool.top_headings), 2))
        plan = [("top", tops[0]), ("groups", None)] + ([("top", tops[1])] if len(tops) > 1 else [])
        for kind, heading in plan:
            if kind == "top":
                self.top(heading)
                items = [x for _, xs in self.pick_sections(2, 2, 1, 3) for x in xs]
                for it in items:
                    n += 1
                    title, line = self.line_of(it)
                    printed, truth, lv = self.dept_list()
                    self.lines.append(f"{self.arabic(n)}{self.with_list(line, printed)}")
                    self.record(title, "", "action", "numbered_item", truth, lv)
            else:
                self.top(rng.choice(["聚焦重点人群，确保各项任务落地落实", "聚焦重点人群，提升科学素质"]))
                for g in self.pick_groups(3, 5, 1):
                    n += 1
                    title = self.group_heading(g, "chongqing")
                    body = "".join(self.line_of(it)[1].rstrip("。") + "。"
                                   for it in self.take(self.pool.group_items[g], rng.randint(1, 2)))
                    printed, truth, lv = self.dept_list()
                    self.lines.append(f"{self.arabic(n)}{self.with_list(f'{title}。{body}', printed)}")
                    self.record(title, g, "action", "numbered_item", truth, lv)
        self.safeguard_section()

    def _shenzhen(self) -> None:
        rng = self.rng
        self.top(rng.choice(["重点任务", "主要任务"]))
        tasks: list[tuple[str, str, list[Item]]] = []
        for g in self.pick_groups(3, 5, 2):
            tasks.append((self.group_heading(g, "shenzhen"), g, self.take(self.pool.group_items[g], rng.randint(2, 5))))
        for heading, items in self.pick_sections(2, 4, 2, 5):
            h = heading if heading.startswith("实施") or rng.random() < 0.5 else f"实施{heading}"
            tasks.append((h, "", items))
        for ti, (heading, g, items) in enumerate(tasks, start=1):
            self.lines.append(f"{self.sub(ti)}{self.localise(heading)}。")
            objs = (self.pool.objectives.get(g) or [[x] for x in self.pool.group_intros.get(g, [])]
                    or self.pool.objectives.get("") or [["推动各项任务落地见效。"]])
            obj = [self.localise(o) for o in rng.choice(objs)]
            self.lines.append(f"{self.arabic(1)}任务。{obj[0]}")
            self.lines += obj[1:]
            div_lines, truth, dv = self.division_lines()
            inline_first = rng.random() < 0.7
            for k, it in enumerate(items):
                title, line = self.line_of(it)
                if k == 0:
                    if inline_first:
                        self.lines.append(f"{self.arabic(2)}措施。{line}")
                    else:
                        self.lines += [f"{self.arabic(2)}措施。", line]
                else:
                    self.lines.append(line)
                self.record(title, g, "action", "task_measure", truth, dv)
            self.lines += div_lines
        self.safeguard_section()

    def _inner_mongolia(self) -> None:
        rng = self.rng
        n = 0
        inline = rng.random() < 0.3

        def item(title: str, body: str, group: str) -> None:
            nonlocal n
            n += 1
            if inline:
                self.lines.append(f"{self.sub(n)}{title}。{body}")
            else:
                self.lines += [f"{self.sub(n)}{title}", body]
            self.record(title, group, "action", "numbered_item")

        tops = rng.sample(self.pool.top_headings, min(len(self.pool.top_headings), rng.randint(2, 3)))
        gpos = rng.randint(0, len(tops))  # the group section goes before tops[gpos] (or last)
        for k, heading in enumerate(tops + [None]):
            if k == gpos:
                self._im_groups(item)
            if heading is None:
                break
            self.top(heading)
            for _, items in self.pick_sections(1, 1, 2, 4):
                for it in items:
                    title, _ = self.line_of(it)
                    item(title, self.body_of(it), "")
        self.safeguard_section(first_no=n + 1)

    def _im_groups(self, item) -> None:
        self.top(self.rng.choice(["强化重点领域科普供给", "加强重点人群科普"]))
        for g in self.pick_groups(3, 6, 1):
            body = "".join(self.body_of(it) for it in self.take(self.pool.group_items[g], 1))
            if body:
                item(self.group_heading(g, "inner_mongolia"), body, g)


# --------------------------------------------------------------------------- text variants
@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def render(lines: list[str], fmt: dict) -> bytes:
    """Apply the plan's formatting choices to its canonical lines and encode them."""
    indent = {"none": "", "ideographic": "\u3000\u3000", "spaces": "    "}[fmt["indent"]]
    sep = "\n\n" if fmt["blank_lines"] else "\n"
    text = sep.join(indent + ln for ln in lines) + "\n"
    if fmt["script"] == "traditional":
        text = _s2t().convert(text)
        if fmt.get("pinyin"):
            text = re.sub("[" + "".join(PINYIN) + "]", lambda m: f"{m.group(0)}({PINYIN[m.group(0)]})", text)
    if fmt["brackets"] == "half":
        text = text.replace("（", "(").replace("）", ")")
    if fmt["punctuation"] == "half":
        han = r"[\u4e00-\u9fff]"
        text = re.sub(rf"(?<={han})，|，(?={han})", ",", text)
        text = re.sub(rf"(?<={han})；|；(?={han})", ";", text)
        text = re.sub(rf"(?<={han})：(?={han})", ":", text)
    text = text.replace("\n", {"lf": "\n", "crlf": "\r\n", "cr": "\r"}[fmt["newline"]])
    enc = fmt["encoding"]
    if enc == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(enc)


def balanced(rng: random.Random, options: tuple, n: int) -> list:
    """*n* choices among *options*, each option as often as possible (shuffled)."""
    seq = [options[i % len(options)] for i in range(n)]
    rng.shuffle(seq)
    return seq


# --------------------------------------------------------------------------- the corpus
TRUTH_ACTION_COLUMNS = ["jurisdiction", "seq", "title", "group", "kind", "style", "unit", "variant"]
PLAN_COLUMNS = ["jurisdiction", "file", "style", "encoding", "script", "pinyin", "newline", "brackets", "punctuation",
                "arabic", "han", "indent", "blank_lines", "level", "elision", "closing", "placement", "rewrite",
                "n_actions", "n_chars"]


def _write_rows(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


#: The file that marks a folder as a synthetic corpus this module wrote (and may therefore replace).
MARKER = ".synth-corpus.json"


def generate(n: int, seed: int, out, *, quiet: bool = False, processed: Path | None = None,
             variants: dict[str, float] | None = None) -> dict:
    """Write a synthetic corpus of *n* plans into *out* (see module doc); return a summary.

    *out* must be a new or empty folder, or one this function wrote before (it
    holds :data:`MARKER`): only then are its ``raw/`` and ``truth/`` replaced.
    Anything else is refused with a :class:`ValueError`, so a mistyped
    ``--out`` cannot delete a folder of real plans.
    """
    if n < 1:
        raise ValueError(f"--plans {n}: give at least 1 plan")
    out = Path(out)
    raw, truth_dir = out / "raw", out / "truth"
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: not a folder; give a new or empty folder for the synthetic corpus")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ValueError(f"{out}: the folder holds files a synthetic corpus did not write; give a new or empty "
                         "folder (nothing was changed)")
    for d in (raw, truth_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    (out / MARKER).write_text(json.dumps({"written_by": "python -m analysis synth", "plans": n, "seed": seed})
                              + "\n", encoding="utf-8")
    pool = load_pool(str(processed) if processed else None)
    rng = random.Random(f"synth-{seed}")
    choices = {dim: balanced(rng, opts, n) for dim, opts in FORMATS.items()}
    manifest, actions, assignments, plans, errata = [], [], [], [], []
    n_chars = 0
    for i in range(n):
        j = f"synth_{i + 1:05d}"
        fmt = {dim: choices[dim][i] for dim in FORMATS}
        prng = random.Random(f"synth-{seed}-{i}")
        fmt["pinyin"] = fmt["script"] == "traditional" and prng.random() < 0.5
        w = PlanWriter(pool, prng, j, fmt, variants)
        w.write()
        data = render(w.lines, fmt)
        fname = f"{j}.txt"
        decoded = data.decode("utf-16" if fmt["encoding"].startswith("utf-16") else fmt["encoding"])
        for genuine in GENUINE_LATIN:  # reviewed false alarms of the damage detector, as in data/raw
            form = _s2t().convert(genuine) if fmt["script"] == "traditional" else genuine
            if decoded.count(form) == 1:
                errata.append({"file": fname, "action": "accept", "corrupted": form, "replacement": "",
                               "reason": "Not damage: a programme name with a genuine Latin letter "
                                         "(see data/raw/errata.csv)."})
        (raw / fname).write_bytes(data)
        manifest.append({"jurisdiction": j, "file": fname, "sha256": sha256(data),
                         "name_zh": w.name_zh, "name_en": f"Synthetic plan {i + 1} ({w.level})",
                         "level": w.level, "province": w.province})
        chars = sum(len(x) + 1 for x in w.lines)
        n_chars += chars
        plans.append({"jurisdiction": j, "file": fname, **{k: fmt[k] for k in PLAN_COLUMNS if k in fmt},
                      "n_actions": len(w.truth), "n_chars": chars})
        for t in w.truth:
            actions.append({"jurisdiction": j, "seq": t.seq, "title": t.title, "group": t.group, "kind": t.kind,
                            "style": w.style, "unit": t.unit, "variant": t.variant})
            for dept, role in sorted(set(t.departments), key=lambda x: (x[1], x[0])):
                assignments.append({"jurisdiction": j, "seq": t.seq, "department": dept, "role": role})
    _write_rows(raw / paths.MANIFEST_NAME, MANIFEST_COLUMNS, manifest)
    _write_rows(raw / paths.ERRATA_NAME, ["file", "action", "corrupted", "replacement", "reason"], errata)
    _write_rows(truth_dir / "truth_actions.csv", TRUTH_ACTION_COLUMNS, actions)
    _write_rows(truth_dir / "truth_assignments.csv", ["jurisdiction", "seq", "department", "role"], assignments)
    _write_rows(truth_dir / "truth_plans.csv", PLAN_COLUMNS, plans)
    summary = {"n_plans": n, "n_actions": len(actions), "n_assignments": len(assignments), "n_chars": n_chars,
               "raw": str(raw), "truth": str(truth_dir)}
    if not quiet:
        print(f"wrote {n} synthetic plans ({len(actions)} actions, {n_chars:,} characters) to {raw}; "
              f"truth in {truth_dir}. Build them with: python -m analysis build --raw {raw} --out DIR",
              file=sys.stderr)
    return summary


# --------------------------------------------------------------------------- accuracy
def _truth_dir(path: Path) -> Path:
    path = Path(path)
    return path if (path / "truth_actions.csv").is_file() else path / "truth"


def _parsed(corpus_or_processed):
    """(actions rows, {action_id: set((department, role))}) of a Dataset or a processed folder."""
    if hasattr(corpus_or_processed, "actions") and hasattr(corpus_or_processed, "assignments"):
        acts = corpus_or_processed.actions[["action_id", "jurisdiction", "seq", "title", "group", "kind"]]
        acts = acts.fillna("").astype(str).to_dict("records")
        asg = corpus_or_processed.assignments[["action_id", "department", "role"]].astype(str).to_dict("records")
    else:
        p = Path(corpus_or_processed)
        acts, asg = _read_csv(p / "actions.csv"), _read_csv(p / "assignments.csv")
    depts: dict[str, set] = {}
    for r in asg:
        depts.setdefault(r["action_id"], set()).add((r["department"], r["role"]))
    return acts, depts


def accuracy_report(truth_dir, corpus_or_processed, max_failures: int = 50) -> dict:
    """Extraction accuracy against a synthetic corpus's truth, with the failures explained.

    A truth action is matched to the parsed action of the same jurisdiction and
    ``seq`` when their titles agree, else to the parsed action of the same
    jurisdiction with that title, else (title differs, e.g. a normalisation
    change) to the same ``seq``.  It counts as recovered only when it is found,
    its ``group`` equals the truth and its set of ``(department, role)`` equals
    the truth's.  ``kind`` and ``title`` agreement are reported beside.
    """
    td = _truth_dir(truth_dir)
    truth = _read_csv(td / "truth_actions.csv")
    t_depts: dict[tuple[str, int], set] = {}
    for r in _read_csv(td / "truth_assignments.csv"):
        t_depts.setdefault((r["jurisdiction"], int(r["seq"])), set()).add((r["department"], r["role"]))
    acts, p_depts = _parsed(corpus_or_processed)
    by_seq = {(a["jurisdiction"], int(float(a["seq"]))): a for a in acts}
    by_title: dict[tuple[str, str], list[dict]] = {}
    for a in acts:
        by_title.setdefault((a["jurisdiction"], a["title"]), []).append(a)
    juris = {t["jurisdiction"] for t in truth}
    n_parsed = sum(1 for a in acts if a["jurisdiction"] in juris)
    counts = {"found": 0, "title": 0, "kind": 0, "group": 0, "departments": 0, "correct": 0}
    failures, by_style, by_variant = [], {}, {}
    for t in truth:
        key = (t["jurisdiction"], int(t["seq"]))
        cand = by_seq.get(key)
        if cand is None or cand["title"] != t["title"]:
            alt = by_title.get((t["jurisdiction"], t["title"]))
            cand = alt[0] if alt else cand
        style = by_style.setdefault(t.get("style", ""), [0, 0])
        style[1] += 1
        var = by_variant.setdefault(t.get("variant") or "-", [0, 0])
        var[1] += 1
        if cand is None:
            failures.append({**t, "problem": "not found"})
            continue
        counts["found"] += 1
        want_d, got_d = t_depts.get(key, set()), p_depts.get(cand["action_id"], set())
        ok = {"title": cand["title"] == t["title"], "kind": cand["kind"] == t["kind"],
              "group": (cand["group"] or "") == t["group"], "departments": want_d == got_d}
        for k, v in ok.items():
            counts[k] += v
        if ok["group"] and ok["departments"]:
            counts["correct"] += 1
            style[0] += 1
            var[0] += 1
        elif len(failures) < max_failures or max_failures < 0:
            failures.append({**t, "action_id": cand["action_id"], "got_title": cand["title"],
                             "got_group": cand["group"], "missing": sorted(want_d - got_d),
                             "extra": sorted(got_d - want_d),
                             "problem": ", ".join(k for k, v in ok.items() if not v)})
    n = len(truth)
    return {"accuracy": counts["correct"] / n if n else 1.0, "n_truth": n, "n_parsed": n_parsed, **{
        f"n_{k}": v for k, v in counts.items()}, "by_style": {k: v[0] / v[1] for k, v in sorted(by_style.items())},
        "by_variant": {k: v[0] / v[1] for k, v in sorted(by_variant.items())},
        "failures": failures[:max_failures] if max_failures >= 0 else failures}


def extraction_accuracy(truth_dir, corpus_or_processed) -> float:
    """Share of the generator's actions recovered with the right group and departments."""
    return accuracy_report(truth_dir, corpus_or_processed, max_failures=0)["accuracy"]
