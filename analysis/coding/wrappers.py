"""What websites and legal databases put around a plan: labelled metadata fields, menus, numbers, dates.

General rules, never per-site values:

- **labelled fields**: ``LABEL：VALUE`` with any spacing inside the label
  (``文       号 : 赤政办发〔2012〕3号``), in brackets (``[ 发文字号 ] | …``,
  ``【法宝引证码】 …``), after a bullet (``• 发文字号: …``), several on one line
  separated by ``|`` or wide spaces (``索引号：| 113… | 主题分类：| 科技 |``), the
  value in the next cell when the label's cell is empty;
- **document numbers** ``…〔YYYY〕N号`` in every bracket form and spacing
  (``穗府办[2016]29号``, ``大政发 〔 2022〕 19号``, ``国发（2021）9号``), normalised to
  ``〔YYYY〕N号``;
- **dates** in every form: ``2023年3月24日``, ``2023-03-24 16:54``, ``2023/3/24``,
  ``二〇〇八年四月十五日``, and in a labelled date field also epoch time
  (``1652925292000``: milliseconds since 1970, read in China time, UTC+8);
- **furniture**: lines that are website or database chrome, not the document
  (menus of short links, breadcrumbs, page functions, labelled fields).
"""
from __future__ import annotations

import datetime as _dt
import re

#: What each labelled field means; labels are compared with every space removed.
FIELD_LABELS: dict[str, str] = {
    **{k: "doc_number" for k in ("文号", "发文字号", "发文文号", "字号", "发文号", "文件编号", "文件字号")},
    **{k: "title" for k in ("标题", "发文标题", "文件名称", "文件标题", "名称")},
    **{k: "issuer" for k in ("发文机关", "发文单位", "发文部门", "发布机构", "发布单位", "制发机关", "成文单位",
                              "发布部门", "颁布单位", "制定机关")},
    **{k: "issued" for k in ("成文日期", "发文日期", "发文时间", "印发日期", "成文时间")},
    **{k: "published" for k in ("发布日期", "发布时间", "公开日期", "发表于", "发表时间", "公布日期", "上网日期")},
    **{k: "other" for k in ("索引号", "主题分类", "体裁分类", "有效性", "关键词", "统一登记号", "来源", "信息来源",
                             "所属机构", "公文种类", "信息分类", "法宝引证码", "原文链接", "法规类型", "所属行业",
                             "所属区域", "阅读人次", "评论人次", "页面功能", "发文内容", "效力级别", "时效性",
                             "浏览次数", "点击数", "作者", "编辑", "责任编辑", "实施日期", "实施时间", "生效日期",
                             "施行日期", "废止日期", "分类", "主题词", "政策解读", "组配分类", "服务对象", "访问量",
                             "字体", "打印", "信息名称", "内容分类", "生成日期", "失效日期", "发布状态")},
}
_LABEL_ALT = "|".join(sorted({r"\s*".join(map(re.escape, k)) for k in FIELD_LABELS}, key=len, reverse=True))
#: One labelled field: optional bullet and brackets around the label, then a separator.
_BULLET = r"^[\s•·●◆■▪\-*]*"
_BRACKETED = re.compile(rf"{_BULLET}[\[【［]\s*(?P<label>{_LABEL_ALT})\s*[\]】］]\s*[：:|]?\s*(?P<value>.*)$")
_PLAIN = re.compile(rf"{_BULLET}(?P<label>{_LABEL_ALT})\s*(?:[：:|]\s*|$|\s{{2,}})(?P<value>.*)$")


class _FieldRe:
    """``match`` a labelled field, bracketed (``【法宝引证码】 CLI…``) or plain (``发文字号：…``)."""

    @staticmethod
    def match(text: str):
        return _BRACKETED.match(text) or _PLAIN.match(text)


FIELD_RE = _FieldRe()
DOCNO_RE = re.compile(r"(?P<org>[\u4e00-\u9fff]{1,15})\s*[〔\[［【（(]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］】）)]\s*"
                      r"第?\s*(?P<n>\d{1,4})\s*号")
HAN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2})(?!\d))")
HAN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
EPOCH_RE = re.compile(r"^\s*(\d{13}|\d{10})\s*$")
#: Lines of a website or database around the document (besides labelled fields).
CHROME_RE = re.compile(r"^(当前位置|您的位置|您现在的位置|首页\s*[>＞»]|.*[>＞»]\s*正文$|【[^】]*】\s*$|\[[^\]]*\]\s*$|"
                       r"[•·●]\s*(加入收藏|关闭|打印|收藏|分享)|分享到|扫一扫|打印本页|关闭窗口|字号[：:]?\s*[大中小]|"
                       r"本文仅供参考|如需引用|法规内容|政策\s*$|Loading|来源[：:]|.{0,20}LOGO$)")


def _iso(y, m, d) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _han_number(s: str) -> int:
    """一 -> 1, 十 -> 10, 十五 -> 15, 二十一 -> 21."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (HAN_DIGIT.get(tens, 1) if tens else 1) * 10 + (HAN_DIGIT.get(ones, 0) if ones else 0)
    return HAN_DIGIT.get(s, 0)


def parse_date(text: str, epoch: bool = False) -> str:
    """The first date in *text* as ISO ``YYYY-MM-DD``, or ``""``.

    Parameters
    ----------
    text : str
        Any text holding a date (Arabic or Chinese numerals).
    epoch : bool, default False
        Also read a bare 13-digit (milliseconds) or 10-digit (seconds) epoch time, in China time
        (UTC+8); only for the value of a labelled date field.

    Returns
    -------
    str
    """
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
    if epoch:
        m = EPOCH_RE.match(text)
        if m:
            seconds = int(m.group(1)) / (1000 if len(m.group(1)) == 13 else 1)
            when = _dt.datetime.fromtimestamp(seconds, _dt.timezone(_dt.timedelta(hours=8)))
            if 1949 <= when.year <= 2100:
                return when.date().isoformat()
    return ""


def doc_number(text: str) -> str:
    """The document number in *text*, normalised to ``机关代字〔YYYY〕N号`` (``""`` if none).

    Parameters
    ----------
    text : str
        Any text, e.g. a line of a page's header.

    Returns
    -------
    str
        The first document number found, the issuing organ's code stripped of a field label (``发文文号``), the
        serial number without leading zeros; ``""`` if none (or no organ code).

    Examples
    --------
    >>> doc_number("发文文号: 穗府办[2016]29号")
    '穗府办〔2016〕29号'
    >>> doc_number("大政发 〔 2022〕 19号")
    '大政发〔2022〕19号'
    """
    m = DOCNO_RE.search(text)
    if not m:
        return ""
    org = m.group("org")
    for label in sorted((k for k, v in FIELD_LABELS.items() if v == "doc_number"), key=len, reverse=True):
        if org.startswith(label):
            org = org[len(label):]
            break
    return f"{org}〔{m.group('year')}〕{int(m.group('n'))}号" if org else ""


def is_doc_number_line(line: str) -> bool:
    """A line that is only a document number (``儋府办〔2022〕39号``).

    Parameters
    ----------
    line : str
        One line of text.

    Returns
    -------
    bool
        True if the line holds a document number and, spaces aside, nothing before or after it.
    """
    m = DOCNO_RE.search(line)
    return bool(m) and not line.replace(" ", "")[:m.start()].strip() and not line[m.end():].strip()


def fields(line: str) -> list[tuple[str, str, str]]:
    """The labelled fields of one line: ``(meaning, label, value)`` in order (see the module docstring).

    Parameters
    ----------
    line : str
        A line of the text, e.g. ``[ 发文字号 ] | 丰都府办〔2022〕50号 | [ 主题分类 ] | 科技 |``.

    Returns
    -------
    list of tuple
        ``meaning`` is a key of :data:`FIELD_LABELS`'s values (``doc_number``, ``issued`` …).
    """
    cells = [c.strip() for c in re.split(r"\s*\|\s*", line)]
    if len(cells) == 1:  # fields side by side, separated by wide spaces: 发布时间 : 2022-10-31 来源:浏阳市司法局
        cells = [c for c in re.split(r"\s{2,}|(?<=\S)\s+(?=(?:" + _LABEL_ALT + r")\s*[：:])", line) if c.strip()]
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(cells):
        m = FIELD_RE.match(cells[i])
        if m:
            label = re.sub(r"\s+", "", m.group("label"))
            value = m.group("value").strip()
            if not value and i + 1 < len(cells) and not FIELD_RE.match(cells[i + 1]):
                value = cells[i + 1]
                i += 1
            out.append((FIELD_LABELS[label], label, value))
        i += 1
    return out


def is_furniture(line: str) -> bool:
    """Whether *line* is website or database chrome (a labelled field, a breadcrumb, a page function …).

    Parameters
    ----------
    line : str
        One line of text.

    Returns
    -------
    bool
        True if the stripped line holds a labelled metadata field (:func:`fields`) or
        matches the page-chrome pattern (breadcrumbs, print/close links, share buttons ...).
    """
    t = line.strip()
    return bool(fields(t)) or bool(CHROME_RE.match(t))


def despace(title: str) -> str:
    """Join a letter-spaced title: ``《 黔 南 州 … 方 案(2021-2025 年)》`` -> ``《黔南州…方案(2021-2025年)》``.

    Spaces are removed between CJK characters, brackets and digits when most
    characters of the text are separated by them; a title with ordinary word
    spacing is left alone.

    Parameters
    ----------
    title : str
        A plan's title.

    Returns
    -------
    str
        The title joined when at least four Han characters and half of them are followed by a space; otherwise
        only spaces between a digit and ``年`` are removed.
    """
    han = re.findall(r"[\u4e00-\u9fff]", title)
    spaced = re.findall(r"[\u4e00-\u9fff](?=\s)", title)
    if len(han) >= 4 and len(spaced) * 2 >= len(han):
        return re.sub(r"(?<=[^\sA-Za-z])\s+(?=[^\sA-Za-z])", "", title).strip()
    return re.sub(r"(?<=\d)\s+(?=年)", "", title)


__all__ = ["FIELD_LABELS", "parse_date", "doc_number", "is_doc_number_line", "fields", "is_furniture", "despace"]
