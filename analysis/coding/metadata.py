"""Document metadata read from the text itself: title, issuer, number, dates, period, literacy target.

Every field comes from a rule that works on any plan of this genre, never from
per-file values; a field a plan does not state is left empty, never 0.

- **title**: the plan's own title line printed above its body (joined when
  it is printed over two lines or letter-spaced); without one, the title the
  issuing notice names -- ``现将《…》印发给你们``, ``《…》已经…同意，现印发给你们`` or a
  notice title ``…关于印发《…》的通知`` -- and without either, a labelled title
  field (``发文标题：``).  A title *cited* in the opening paragraph
  (``根据《国务院关于印发…的通知》``) is never the plan's.  The notice's title is
  kept as ``notice_title`` when it differs;
- **website and database wrappers** (:mod:`analysis.coding.wrappers`): labelled
  fields, menus and breadcrumbs are furniture, never the title; their fields give
  the document number, the dates and the issuer where the text itself does not;
- **issued** and **issuer**: the date line under the signature and the lines
  above it (also when a flattened page runs them into one line:
  ``…认真组织实施。德阳市人民政府2023年3月23日…``); else the labelled date written
  (``成文日期``, epoch time included) and issuing body (``发文机关``);
- **doc_number**: a line that is only a number (``儋府办〔2022〕39号``) or a labelled
  number field, normalised to ``〔YYYY〕N号``;
- **published**: the date a website states (``发布日期``/``发布时间``);
- **period**: from the title, in every form (``（2021—2025年）``, ``（2021年—2025年）``,
  ``(2021-2025 年)``, ``[2016—2020年]``, ``十四五``, ``2020年…工作要点``);
- **literacy target and baseline**: the ``公民具备（基本）科学素质的比例`` sentence
  for the plan's *own* level (``全县`` in a county plan, ``全省`` in a province's,
  ``全区`` in a district's but not in a banner's, where it is the region), not the
  national or provincial figures quoted beside it.
"""
from __future__ import annotations

import re

from analysis.coding.departments import ORG_SUFFIX_RE
from analysis.coding.wrappers import despace, doc_number, fields, is_doc_number_line, is_furniture, parse_date
from analysis.corpus import levels
from analysis.corpus.structure import lines_of, parse

DATE_LINE_RE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
                          r"[一二三四五六七八九十]{1,3}日)$")
#: A signature run into the text by a flattened page: an issuing body right before a full date.
INLINE_SIGNATURE_RE = re.compile(r"(?<=[。）])(?P<issuer>[\u4e00-\u9fff]{2,24}?(?:人民政府办公室|人民政府办公厅|人民政府|"
                                 r"政府办公室|办公室|办公厅|委员会|领导小组|局|厅|委|协会))\s*"
                                 r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)")
#: A note under a signature on whose seal the document went out: （中国科协办公厅代章）.
SEAL_NOTE_RE = re.compile(r"^[（(][^）)]{2,30}(代章|盖章|印章)[）)]$")
NOTICE_TITLE_RES = [
    re.compile(r"现将《(.+?)》(?:印发|转发)"),
    re.compile(r"《(.+?)》已经.{0,40}?(?:同意|通过|审定|研究)[，,。]*\s*现(?:予)?(?:印发|转发)"),
]
#: A notice's own title line: …关于印发《…》的通知 (not a title cited in the text).
NOTICE_LINE_RE = re.compile(r"^.{0,40}?关于(?:印发|转发)《?(.+?)》?的通知$")
#: Editorial notes after a title that are not part of it: （节选）, （摘要） …
EDITORIAL_RE = re.compile(r"（(节选|摘编|摘要|摘录|全文)）$")
_BRA, _KET = "（(\\[［【", "）)\\]］】"
PERIOD_RE = re.compile(rf"[{_BRA}](\d{{4}})\s*年?\s*[—–\-－~至到]+\s*(?:\d{{4}}\s*年?\s*[—–\-－~至到]+\s*)?"
                       rf"(\d{{4}})\s*年?\s*[{_KET}]")
FIVE_YEAR = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
             "十五五": (2026, 2030)}
LITERACY_RE = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{0,6}?)公民具备(?:基本)?科学素质(?:的)?比例(?:要|将|力争)?"
    r"(?P<verb>达到|超过|提高到|提升到|力争达到|突破)?(?P<pct>\d+(?:\.\d+)?)%(?P<post>以上)?")
#: The genre words a title ends in (before a period in parentheses).
TITLE_END_RE = re.compile(r"(方案|纲要|计划|要点|意见|规划|办法|安排|措施|细则|决定|规定|指南|清单)"
                          r"(（[^）]*）|\[[^\]]*\])*$")
#: A plan's own-level words by the level's department prefix (全县 in a county plan …).
_OWN = {"省": ("全省", "我省", "本省"), "自治区": ("全区", "全自治区", "我区", "本区", "自治区"),
        "市": ("全市", "我市", "本市"), "州": ("全州", "我州", "本州"), "盟": ("全盟", "我盟", "本盟"),
        "县": ("全县", "我县", "本县"), "旗": ("全旗", "我旗", "本旗"), "区": ("全区", "我区", "本区"),
        "镇": ("全镇", "我镇", "本镇"), "乡": ("全乡", "我乡", "本乡"), "街道": ("全街道", "本街道", "辖区"),
        "国": ("全国", "我国")}
_LEVEL_WORD_RE = re.compile(r"(全国|我国|全省|全自治区|全区|全市|全州|全盟|全县|全旗|全镇|全乡|全街道|我省|我区|我市|我州|"
                            r"我盟|我县|我旗|我镇|我乡|本省|本区|本市|本州|本县|本旗|本镇|本乡|本街道)")
FIELDS = ["title", "notice_title", "issuer", "doc_number", "issued", "published", "period_start", "period_end",
          "literacy_target_pct", "literacy_target_year", "literacy_target_qualifier", "literacy_baseline_pct",
          "literacy_baseline_year"]


def front_matter_end(text: str) -> int:
    """Offset where the plan's first top-level heading starts (end of notice and title).

    Parameters
    ----------
    text : str
        A plan's normalised text.

    Returns
    -------
    int
        Offset into *text* of the first top-level heading's line (:func:`analysis.corpus.structure.parse`), or
        ``len(text)`` when the plan has no heading.
    """
    root, _, _ = parse(text)
    return root.children[0].line.start if root.children else len(text)


def _unbracket(title: str) -> str:
    """A title taken out of 《》: inner 〈〉/<> become 《》 (``《德阳市贯彻落实〈…〉任务分工方案》``)."""
    title = title.strip("《》 ")
    return title.replace("〈", "《").replace("〉", "》").replace("<", "《").replace(">", "》")


def _title_like(t: str) -> bool:
    return (0 < len(t) <= 80 and not t.endswith(("。", "：", ":", "，")) and not is_furniture(t)
            and not DATE_LINE_RE.match(t.replace(" ", "")) and not is_doc_number_line(t)
            and not t.startswith(("（此件", "(此件", "各")) and not NOTICE_LINE_RE.match(t.replace(" ", "")))


#: The second half of a title printed over two lines starts with its genre word: …规划纲要 / 实施方案（…）.
GENRE_START_RE = re.compile(r"^(实施方案|工作方案|行动方案|方案|实施意见|意见|行动计划|计划|工作要点|要点|实施细则|细则|规划)")
#: A line that is only the period of the title above it: （2017—2020年）.
PERIOD_LINE_RE = re.compile(r"^[（(\[［【]\s*\d{4}.{0,12}[）)\]］】]$")


def _title_line(lines: list[str]) -> str:
    """The title printed above the body (see the module docstring); ``""`` if none.

    The last title-like line that ends in a genre word (方案, 计划 …, a period in brackets after it
    allowed); the line above it is its first half when it is not the issuing body's name and either does
    not end in a genre word itself or the title line starts with one (…规划纲要 / 实施方案（…）); a line
    below it holding only a period in brackets is its end.
    """
    plain = [despace(t) for t in lines]
    cands = [i for i, t in enumerate(plain) if _title_like(t)]
    ends = [i for i in cands if TITLE_END_RE.search(plain[i])]
    if not ends:
        return ""
    i = ends[-1]
    title = plain[i]
    prev = i - 1
    org = prev >= 0 and ORG_SUFFIX_RE.search(plain[prev].replace(" ", "")) and "关于" not in plain[prev] \
        and len(plain[prev]) <= 24
    if prev in cands and not org and len(plain[prev]) <= 40 and (
            not TITLE_END_RE.search(plain[prev]) or GENRE_START_RE.match(title)):
        title = plain[prev] + title
    if i + 1 < len(plain) and PERIOD_LINE_RE.match(plain[i + 1].replace(" ", "")) and not PERIOD_RE.search(title):
        title += plain[i + 1].replace(" ", "")
    return title


def _notice_title(lines: list[str], notice_end: int) -> str:
    """The title the issuing notice names (in the notice's lines only, not in the opening paragraph)."""
    notice = "\n".join(despace(t) for t in lines[:notice_end])
    for rx in NOTICE_TITLE_RES:
        m = rx.search(notice)
        if m:
            return m.group(1)
    for t in lines[:notice_end]:
        m = NOTICE_LINE_RE.match(despace(t).replace(" ", ""))
        if m:
            return m.group(1)
    # a notice title printed over two lines: …关于 / 印发《…》的通知
    for a, b in zip(lines[:notice_end], lines[1:notice_end]):
        m = NOTICE_LINE_RE.match((despace(a) + despace(b)).replace(" ", ""))
        if m and a.rstrip().endswith("关于"):
            return m.group(1)
    return ""


def _pick_of_several(title: str, line_title: str) -> str:
    """A notice that issues several documents (``《A》《B》``, ``《A》和《B》``): the one that is the plan."""
    parts = [p for p in re.split(r"》\s*(?:[和及、与]\s*)?《", title) if p]
    if len(parts) < 2:
        return title
    if line_title:
        same = [p for p in parts if p.replace(" ", "") == line_title.replace(" ", "")]
        if same:
            return same[0]
    planlike = [p for p in parts if re.search(r"(方案|计划|要点|纲要|规划)(（[^）]*）)*$", p)]
    return (planlike or parts)[-1]


def extract_metadata(text: str, level: str = "") -> dict:
    """Metadata fields of one normalised plan (see the module docstring).

    Parameters
    ----------
    text : str
        The normalised text.
    level : str, optional
        The plan's administrative level (manifest id): which literacy figure is its own.

    Returns
    -------
    dict
        :data:`FIELDS` and ``n_chars``; a field the text does not state is ``""``.
    """
    head_end = front_matter_end(text)
    head = text[:head_end]
    head_lines = lines_of(head)
    lines = [ln.text for ln in head_lines]
    out: dict = {k: "" for k in FIELDS}
    labelled: dict[str, str] = {}
    for t in lines:
        for meaning, _, value in fields(t):
            if value and meaning not in labelled:
                labelled[meaning] = value
    # issuer and issue date: the signature line(s) right above the first bare date line
    notice_end = 0
    for i, ln in enumerate(head_lines):
        if DATE_LINE_RE.match(ln.text.replace(" ", "")):
            out["issued"] = parse_date(ln.text.replace(" ", ""))
            sig = []
            for prev in reversed(lines[:i]):
                t = prev.strip()
                if SEAL_NOTE_RE.match(t):  # （中国科协办公厅代章）: who sealed it, not who issued it
                    continue
                if t.endswith(("。", "：", ":")) or len(t) > 40 or t.startswith("（") or is_furniture(t):
                    break
                sig.insert(0, t)
            out["issuer"] = "、".join(p for s in sig for p in s.split(" ") if p)
            notice_end = i + 1
            break
    if not out["issued"]:
        m = INLINE_SIGNATURE_RE.search(head)
        if m:
            out["issuer"], out["issued"] = m.group("issuer"), parse_date(m.group("date"))
            notice_end = next((i + 1 for i, ln in enumerate(head_lines) if ln.start <= m.start() < ln.end + 1), 0)
    if not notice_end:  # no signature: the notice ends where the text starts with its opening paragraph
        notice_end = next((i for i, t in enumerate(lines) if t.startswith(("为", "根据", "按照", "依据"))
                           and len(t) > 40), len(lines))
    line_title = _title_line(lines[notice_end:] if notice_end < len(lines) else []) or \
        _title_line(lines[:notice_end])
    notice = _notice_title(lines, max(notice_end, 1))
    if not notice and labelled.get("title"):
        m = NOTICE_LINE_RE.match(labelled["title"].replace(" ", ""))
        notice = m.group(1) if m else labelled["title"]
    notice = _unbracket(_pick_of_several(notice, line_title)) if notice else ""
    title = line_title or notice
    out["title"] = EDITORIAL_RE.sub("", despace(title))
    if notice and notice.replace(" ", "") != out["title"].replace(" ", ""):
        out["notice_title"] = notice
    # document number: a line of its own, or a labelled field (never a number cited in the text)
    for t in lines:
        if is_doc_number_line(t):
            out["doc_number"] = doc_number(t)
            break
    if not out["doc_number"] and labelled.get("doc_number"):
        out["doc_number"] = doc_number(labelled["doc_number"])
    if not out["issued"] and labelled.get("issued"):
        out["issued"] = parse_date(labelled["issued"], epoch=True)
    if not out["issuer"] and labelled.get("issuer") and not labelled["issuer"].endswith(("网", "网站")):
        out["issuer"] = labelled["issuer"]
    if labelled.get("published"):
        out["published"] = parse_date(labelled["published"], epoch=True)
    p = PERIOD_RE.search(out["title"])
    if p:
        out["period_start"], out["period_end"] = int(p.group(1)), int(p.group(2))
    else:
        fy = next((v for k, v in FIVE_YEAR.items() if k in out["title"]), None)
        y = re.search(r"(\d{4})年", out["title"])
        if fy:
            out["period_start"], out["period_end"] = fy
        elif y:
            out["period_start"] = out["period_end"] = int(y.group(1))
    body_start = head_lines[notice_end - 1].end if 0 < notice_end <= len(head_lines) else 0
    lv = levels.level(level) if level else None
    _literacy(text, body_start, out, "国" if lv is not None and lv.tier == "national" else levels.prefix_for(level))
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
