"""Labelled fields: the catalogue lines government pages print before a document (``发文字号：…``).

Shared by the readers of web pages and Word files: a table cell holding a label alone is joined with the
value in the cell after it, so a field reads as one line (``发文字号：梧政办发〔2022〕12号``) whichever format
the page or file came in.
"""
from __future__ import annotations

import re

#: Labels of the catalogue fields government sites print before a document (政府信息公开 metadata).
METADATA_LABELS = (
    "索引号", "主题分类", "主题词", "体裁分类", "组配分类", "服务对象分类", "发文机关", "发文单位", "发布机构",
    "发布单位", "成文日期", "发文日期", "印发日期", "发布日期", "公开日期", "生效日期", "实施日期", "施行日期",
    "废止日期", "标题", "名称", "文件名称", "发文字号", "文号", "文件编号", "有效性", "时效性",
    "信息来源", "来源", "公开方式", "公开范围", "法宝引证码", "原文链接", "效力级别", "时效性状态", "发布时间",
    "成文时间", "发文时间", "公布日期", "发文文号",
)
#: A metadata line is at most this long (a label and a title, date or number).
MAX_METADATA_CHARS = 200
_LABEL = "|".join(r"[\s\u3000]*".join(map(re.escape, lab)) for lab in
                  sorted(METADATA_LABELS, key=len, reverse=True))
#: A label, alone or followed by its value: optional bullet or bracket, the label, then a separator (a
#: closing bracket, a colon or a bar, or both) before the value.
LABEL_RE = re.compile(rf"^[\s\u3000•·●▪\-*\[【(（]*(?:{_LABEL})[\s\u3000]*"
                      r"(?P<sep>[\]】)）][\s\u3000]*[:：|｜]?|[:：|｜])?[\s\u3000]*(?P<value>.*)$", re.S)

#: Labels so common in other text that a cell holding one alone is a field only with a separator (``名称：``).
GENERIC_LABELS = ("名称", "标题", "来源")


def label_only(text: str) -> bool:
    """Whether *text* is a field's label without its value (``发文字号：``, ``[ 索引号 ]``).

    Parameters
    ----------
    text : str
        A cell's or line's text.

    Returns
    -------
    bool
        True if it matches a label with an empty value and either has a separator (``：``, ``|``) or is no
        generic word (:data:`GENERIC_LABELS`) on its own.
    """
    m = LABEL_RE.match(text)
    if not m or m.group("value").strip():
        return False
    bare = re.sub(r"[\s\u3000•·●▪\-*\[\]【】()（）:：|｜]", "", text)
    return bool(m.group("sep")) or bare not in GENERIC_LABELS


def pair_cells(cells: list[str]) -> list[str]:
    """A table row's cells as lines, a label cell joined with the value in the cell after it.

    Parameters
    ----------
    cells : list of str
        The row's cell texts, in order.

    Returns
    -------
    list of str
        One line per cell, but a label-only cell followed by a non-empty value cell gives ``label：value``.
    """
    out, i = [], 0
    while i < len(cells):
        if label_only(cells[i]) and i + 1 < len(cells) and cells[i + 1] and not label_only(cells[i + 1]):
            label = cells[i].strip().rstrip(" :：|｜\u3000")
            out.append(f"{label}：{cells[i + 1]}")
            i += 2
            continue
        out.append(cells[i])
        i += 1
    return out


def is_metadata(text: str) -> bool:
    """Whether *text* is one labelled field with its value (``发文字号：梧政办发〔2022〕12号``), at most
    :data:`MAX_METADATA_CHARS` long.

    Parameters
    ----------
    text : str
        A line's or element's text.

    Returns
    -------
    bool
        True if *text* is non-empty, at most :data:`MAX_METADATA_CHARS` (200) characters, and a label, a
        separator and a non-blank value.
    """
    if not text or len(text) > MAX_METADATA_CHARS:
        return False
    m = LABEL_RE.match(text)
    return bool(m and m.group("sep") and m.group("value").strip())


__all__ = ["METADATA_LABELS", "MAX_METADATA_CHARS", "LABEL_RE", "label_only", "GENERIC_LABELS", "pair_cells",
           "is_metadata"]
