"""Document metadata read from the text itself: title, issuer, number, dates, targets.

Every field comes from a rule that works on any plan of this genre (a notice
that 印发 the plan, a signature above a date, a 发文字号 line, the
``公民具备科学素质的比例`` target sentence), never from per-file values.
Fields a plan does not state are left empty, never 0.
"""
from __future__ import annotations

import re

from analysis.corpus.structure import lines_of, parse

DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d{1,4}号")
DATE_LINE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PUBLISHED_RE = re.compile(r"(?:发布日期|发布时间|发表于|公开日期)[：:|\s]*(\d{4})-(\d{1,2})-(\d{1,2})")
TITLE_RE = re.compile(r"现将《(.+?)》(?:印发|转发)")
PERIOD_RE = re.compile(r"[（(](\d{4})\s*[—–\-－~至]+\s*(\d{4})年?[）)]")
FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
LITERACY_RE = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{0,4})公民具备科学素质的比例(?:要|将)?(?P<verb>达到|超过|提高到|提升到|力争达到)?"
    r"(?P<pct>\d+(?:\.\d+)?)%(?P<post>以上)?")
OTHER_LEVEL = ("全国", "全省", "全自治区", "我国", "全市平均")


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def front_matter_end(text: str) -> int:
    """Offset where the plan's first top-level heading starts (end of notice and title)."""
    root, _, _ = parse(text)
    return root.children[0].line.start if root.children else len(text)


def extract_metadata(text: str) -> dict:
    """Metadata fields of one normalised plan (see README for each column)."""
    head_end = front_matter_end(text)
    head = text[:head_end]
    lines = lines_of(head)
    out: dict = {k: "" for k in ["title", "issuer", "doc_number", "issued", "published", "period_start",
                                 "period_end", "literacy_target_pct", "literacy_target_year",
                                 "literacy_target_qualifier", "literacy_baseline_pct",
                                 "literacy_baseline_year"]}
    m = TITLE_RE.search(head)
    if m:
        out["title"] = m.group(1)
    else:  # no notice: the last heading-like line before the body
        cands = [ln.text for ln in lines if len(ln.text) <= 60 and not ln.text.endswith("。")]
        out["title"] = cands[-1] if cands else ""
    # document number: on a line of its own, or after 文号/发文字号 (not a cited one)
    for ln in lines:
        t = ln.text.replace(" ", "")
        m = DOCNO_RE.fullmatch(t) or re.match(r"^(?:文号|发文字号)[：:|]*(" + DOCNO_RE.pattern + ")", t)
        if m:
            out["doc_number"] = m.group(1) if m.re is not DOCNO_RE else m.group(0)
            break
    # issuer and issue date: the signature line(s) right above the first bare date line
    for i, ln in enumerate(lines):
        d = DATE_LINE_RE.match(ln.text.replace(" ", ""))
        if d:
            out["issued"] = _iso(*d.groups())
            sig = []
            for prev in reversed(lines[:i]):
                t = prev.text.strip()
                if t.endswith(("。", "：", ":")) or len(t) > 40 or t.startswith("（"):
                    break
                sig.insert(0, t)
            out["issuer"] = "、".join(p for s in sig for p in s.split(" ") if p)
            break
    m = PUBLISHED_RE.search(head)
    if m:
        out["published"] = _iso(*m.groups())
    title = out["title"]
    p = PERIOD_RE.search(title)
    if p:
        out["period_start"], out["period_end"] = int(p.group(1)), int(p.group(2))
    else:
        fy = next((v for k, v in FIVE_YEAR.items() if k in title), None)
        y = re.match(r"^(\d{4})年", title)
        if fy:
            out["period_start"], out["period_end"] = fy
        elif y:
            out["period_start"] = out["period_end"] = int(y.group(1))
    notice_end = 0
    for ln in lines:
        if DATE_LINE_RE.match(ln.text.replace(" ", "")):
            notice_end = ln.end
            break
    _literacy(text, notice_end, out)
    out["n_chars"] = len(text)
    return out


def _literacy(text: str, body_start: int, out: dict) -> None:
    """Target and baseline share of scientifically literate citizens, for the plan's own jurisdiction."""
    start_year = out["period_start"] or None
    for m in LITERACY_RE.finditer(text, body_start):
        if any(w in m.group("who") for w in OTHER_LEVEL):
            continue
        s = max(text.rfind(c, 0, m.start()) for c in "。\n") + 1
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
