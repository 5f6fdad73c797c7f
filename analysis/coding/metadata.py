"""Document metadata read from the text itself: title, issuer, number, dates, literacy target.

Every field comes from a rule that works on any plan of this genre, never from
per-file values; a field a plan does not state is left empty, never 0.

- **title**: from the issuing notice, in either form -- ``现将《…》印发给你们``
  or ``《…》已经…同意，现印发给你们`` (also ``关于印发…的通知``); without a
  notice, the title line above the body, joined with the line before it when
  the title is printed over two lines;
- **website furniture** (``来源：``, ``发布时间：``, ``有效性：``, ``字号``,
  ``索引号`` …) is never a title; where it carries a date, that date is
  ``published``;
- **issued** and **issuer**: the date line under the signature and the lines
  above it; dates in any common form (``2023年3月24日``, ``2023年03月24日``,
  ``2023-03-24``, ``二〇〇八年四月十五日``);
- **doc_number**: a ``…〔2022〕21号`` line (or after ``文号``/``发文字号``);
- **period**: from the title (``（2021—2025年）``, ``十四五``, ``2020年…``);
- **literacy target and baseline**: the ``公民具备（基本）科学素质的比例`` sentence
  for the plan's *own* level (``全县`` in a county plan, ``全省`` in a province's,
  ``全区`` in a district's but not in a banner's, where it is the region), not the
  national or provincial figures quoted beside it.
"""
from __future__ import annotations

import re

from analysis.coding.departments import ORG_SUFFIX_RE
from analysis.corpus import levels
from analysis.corpus.structure import lines_of, parse

DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［（(]\d{4}[〕\]］）)]\d{1,4}号")
HAN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DATE_RE = re.compile(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))")
HAN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DATE_LINE_RE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
                          r"[一二三四五六七八九十]{1,3}日)$")
PUBLISHED_RE = re.compile(r"(?:发布日期|发布时间|发表于|公开日期|发文日期)\s*[：:|]?\s*")
#: Lines a website puts around a document: never the title.
FURNITURE_RE = re.compile(r"^(来源|发布时间|发布日期|有效性|字号|索引号|主题分类|发文机关|发文单位|发布机构|发文字号|文号|"
                          r"所属机构|公文种类|信息分类|成文日期|生效日期|实施日期|废止日期|关键词|统一登记号|"
                          r"浏览次数|点击数|信息来源|作者|编辑|分享到|打印|关闭|【|\[|编者按)")
NOTICE_TITLE_RES = [
    re.compile(r"现将《(.+?)》(?:印发|转发)"),
    re.compile(r"《(.+?)》已经.{0,40}?(?:同意|通过|审定|研究)[，,。]?\s*现(?:予)?(?:印发|转发)"),
    re.compile(r"关于印发《?(.+?)》?的通知"),
]
#: Editorial notes after a title that are not part of it: （节选）, （摘要） …
EDITORIAL_RE = re.compile(r"（(节选|摘编|摘要|摘录|全文)）$")
PERIOD_RE = re.compile(r"[（(](\d{4})\s*[—–\-－~至]+\s*(?:\d{4}\s*[—–\-－~至]+\s*)?(\d{4})年?[）)]")
FIVE_YEAR = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
             "十五五": (2026, 2030)}
LITERACY_RE = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{0,6}?)公民具备(?:基本)?科学素质(?:的)?比例(?:要|将|力争)?"
    r"(?P<verb>达到|超过|提高到|提升到|力争达到|突破)?(?P<pct>\d+(?:\.\d+)?)%(?P<post>以上)?")
#: The genre words a title ends in (before a period in parentheses).
TITLE_END_RE = re.compile(r"(方案|纲要|计划|要点|意见|规划|办法|安排|措施|细则|通知)(（[^）]*）)*$")
#: A plan's own-level words by the level's department prefix (全县 in a county plan …).
_OWN = {"省": ("全省", "我省", "本省"), "自治区": ("全区", "全自治区", "我区", "本区", "自治区"),
        "市": ("全市", "我市", "本市"), "州": ("全州", "我州", "本州"), "盟": ("全盟", "我盟", "本盟"),
        "县": ("全县", "我县", "本县"), "旗": ("全旗", "我旗", "本旗"), "区": ("全区", "我区", "本区")}
_LEVEL_WORD_RE = re.compile(r"(全国|我国|全省|全自治区|全区|全市|全州|全盟|全县|全旗|我省|我区|我市|我州|我盟|我县|我旗|"
                            r"本省|本区|本市|本州|本县|本旗)")


def _iso(y: str | int, m: str | int, d: str | int) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _han_number(s: str) -> int:
    """一 -> 1, 十 -> 10, 十五 -> 15, 二十一 -> 21."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (HAN_DIGIT.get(tens, 1) if tens else 1) * 10 + (HAN_DIGIT.get(ones, 0) if ones else 0)
    return HAN_DIGIT.get(s, 0)


def parse_date(text: str) -> str:
    """The first date in *text* as ISO ``YYYY-MM-DD`` (Arabic or Chinese numerals), or ``""``."""
    m = DATE_RE.search(text)
    if m:
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            return _iso(y, mo, d)
    m = HAN_DATE_RE.search(text)
    if m:
        y = "".join(str(HAN_DIGIT[c]) for c in m.group(1))
        mo, d = _han_number(m.group(2)), _han_number(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return _iso(y, mo, d)
    return ""


def front_matter_end(text: str) -> int:
    """Offset where the plan's first top-level heading starts (end of notice and title)."""
    root, _, _ = parse(text)
    return root.children[0].line.start if root.children else len(text)


def _title_from_lines(lines: list[str]) -> str:
    """The title printed above the body: the last title-like line, joined with a wrapped first half."""
    cands = [i for i, t in enumerate(lines)
             if len(t) <= 70 and not t.endswith(("。", "：", ":")) and not FURNITURE_RE.match(t)
             and not DATE_LINE_RE.match(t.replace(" ", "")) and not DOCNO_RE.fullmatch(t.replace(" ", ""))
             and not t.startswith(("（此件", "(此件"))]
    ends = [i for i in cands if TITLE_END_RE.search(lines[i])]
    if not ends:
        return lines[cands[-1]] if cands else ""
    i = ends[-1]
    title = lines[i]
    prev = i - 1
    # the first half of a title printed over two lines -- not the issuing body's name printed above it
    if prev in cands and not TITLE_END_RE.search(lines[prev]) and len(lines[prev]) <= 30 and \
            not ORG_SUFFIX_RE.search(lines[prev].replace(" ", "")):
        title = lines[prev] + title
    return title


def extract_metadata(text: str, level: str = "") -> dict:
    """Metadata fields of one normalised plan (see the module docstring); *level* is the plan's level."""
    head_end = front_matter_end(text)
    head = text[:head_end]
    lines = [ln.text for ln in lines_of(head)]
    out: dict = {k: "" for k in ["title", "issuer", "doc_number", "issued", "published", "period_start",
                                 "period_end", "literacy_target_pct", "literacy_target_year",
                                 "literacy_target_qualifier", "literacy_baseline_pct",
                                 "literacy_baseline_year"]}
    for rx in NOTICE_TITLE_RES:
        m = rx.search(head)
        if m:
            out["title"] = m.group(1).strip("《》 ")
            break
    if not out["title"]:
        out["title"] = _title_from_lines(lines)
    out["title"] = EDITORIAL_RE.sub("", out["title"])
    # document number: on a line of its own, or after 文号/发文字号 (not a cited one)
    for t in lines:
        t = t.replace(" ", "")
        m = DOCNO_RE.fullmatch(t) or re.match(r"^(?:文号|发文字号)[：:|]*(" + DOCNO_RE.pattern + ")", t)
        if m:
            out["doc_number"] = m.group(1) if m.re is not DOCNO_RE else m.group(0)
            break
    # issuer and issue date: the signature line(s) right above the first bare date line
    notice_end = 0
    for i, ln in enumerate(lines_of(head)):
        if DATE_LINE_RE.match(ln.text.replace(" ", "")):
            out["issued"] = parse_date(ln.text.replace(" ", ""))
            sig = []
            for prev in reversed(lines[:i]):
                t = prev.strip()
                if t.endswith(("。", "：", ":")) or len(t) > 40 or t.startswith("（") or FURNITURE_RE.match(t):
                    break
                sig.insert(0, t)
            out["issuer"] = "、".join(p for s in sig for p in s.split(" ") if p)
            notice_end = ln.end
            break
    for t in lines:
        m = PUBLISHED_RE.search(t)
        if m:
            d = parse_date(t[m.end():])
            if d:
                out["published"] = d
                break
    title = out["title"]
    p = PERIOD_RE.search(title)
    if p:
        out["period_start"], out["period_end"] = int(p.group(1)), int(p.group(2))
    else:
        fy = next((v for k, v in FIVE_YEAR.items() if k in title), None)
        y = re.search(r"(\d{4})年", title)
        if fy:
            out["period_start"], out["period_end"] = fy
        elif y:
            out["period_start"] = out["period_end"] = int(y.group(1))
    _literacy(text, notice_end, out, levels.prefix_for(level))
    out["n_chars"] = len(text)
    return out


def _own_level(who: str, prefix: str) -> bool:
    """Whether the words before 公民 name the plan's own jurisdiction (or none at all)."""
    words = _LEVEL_WORD_RE.findall(who)
    if not words:
        return True
    if not prefix:  # level unknown: anything but the national figure
        return words[-1] not in ("全国", "我国")
    return words[-1] in _OWN.get(prefix, ())


def _literacy(text: str, body_start: int, out: dict, prefix: str) -> None:
    """Target and baseline share of scientifically literate citizens, for the plan's own jurisdiction."""
    start_year = out["period_start"] or None
    for m in LITERACY_RE.finditer(text, body_start):
        s = max(text.rfind(c, 0, m.start()) for c in "。\n；") + 1
        clause_start = max(text.rfind(c, 0, m.start()) for c in "。\n；，") + 1
        if not _own_level(text[clause_start:m.start()] + m.group("who"), prefix):
            continue
        sentence = text[s:m.start()]
        years = [int(y) for y in re.findall(r"(\d{4})年", sentence)]
        year = years[-1] if years else None
        baseline = ("调查" in sentence or (year is not None and start_year is not None and year < start_year))
        pct = m.group("pct")
        if baseline:
            if not out["literacy_baseline_pct"]:
                out["literacy_baseline_pct"], out["literacy_baseline_year"] = float(pct), year or ""
            continue
        if out["literacy_target_pct"]:
            continue
        out["literacy_target_pct"] = float(pct)
        out["literacy_target_year"] = year or out["period_end"] or ""
        if m.group("post"):
            out["literacy_target_qualifier"] = "at_least"
        elif m.group("verb") == "超过":
            out["literacy_target_qualifier"] = "over"
        else:
            out["literacy_target_qualifier"] = "reach"


__all__ = ["extract_metadata", "parse_date", "front_matter_end"]
