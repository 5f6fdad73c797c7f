"""The numbers Word generates for numbered paragraphs (``numbering.xml``), as text.

A numbered paragraph names a numbering instance (``w:numId``) and a level (``w:ilvl``), in its own
properties or through its paragraph style.  The instance points at an abstract numbering definition whose
levels give the start value, the number format (``w:numFmt``: ``decimal``, ``chineseCounting``,
``chineseCountingThousand``, ``ideographTraditional`` …, see :func:`format_number`) and the text around the
number (``w:lvlText``: ``%1、``, ``（%1）``, ``%1.%2``); an instance may override a level's start or the
whole level.  Counters follow Word: instances of one abstract definition share their counters, an
instance that overrides a level's start restarts it when it is first used; a level restarts whenever a
higher level is used (or after the level ``w:lvlRestart`` names; ``0``: never).  Bullets are not numbers
and give no text.
"""
from __future__ import annotations

from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_DIGITS = "〇一二三四五六七八九"
_LEGAL_SIMPLIFIED = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _val(el, tag: str, default=None):
    child = el.find(f"{W}{tag}") if el is not None else None
    return child.get(f"{W}val", default) if child is not None else default


def _int(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def chinese_number(n: int, digits: str = _DIGITS, units: str = "十百千", zero: str = "零",
                   drop_leading_one: bool = True) -> str:
    """*n* (0 < n < 10000) in Chinese counting: 一 … 十 … 十一 … 二十 … 一百零一 … 一千.

    *digits*, *units* (ten, hundred, thousand) and *zero* give the characters; *drop_leading_one*: ten to
    nineteen as 十… rather than 一十….

    Parameters
    ----------
    n : int
        The number; outside 1 to 9999 it is returned as Arabic digits.
    digits : str, default "〇一二三四五六七八九"
        The ten digit characters, zero first.
    units : str, default "十百千"
        The characters for ten, hundred and thousand.
    zero : str, default "零"
        The character for a skipped place.
    drop_leading_one : bool, default True
        Write 10 to 19 as 十… rather than 一十….

    Returns
    -------
    str
    """
    if n <= 0 or n >= 10000:
        return str(n)
    parts, pending_zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(zero)
            pending_zero = False
        parts.append(("" if (d == 1 and power == 10 and n < 20 and drop_leading_one) else digits[d]) + unit)
    return "".join(parts)


def _letters(n: int, upper: bool) -> str:
    ch = chr((ord("A") if upper else ord("a")) + (n - 1) % 26)
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _enclosed(n: int, first: int, last_n: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last_n else str(n)


#: Number formats rendered (others are written as decimal numbers, with a note).
FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
    "decimalFullWidth2": lambda n: str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": lambda n: _letters(n, True),
    "lowerLetter": lambda n: _letters(n, False),
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "japaneseCounting": chinese_number,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese_number(n, _LEGAL_SIMPLIFIED, "拾佰仟", "零", False),
    "ideographLegalTraditional": lambda n: chinese_number(n, _LEGAL_TRADITIONAL, "拾佰仟", "零", False),
    "ideographTraditional": lambda n: _STEMS[(n - 1) % 10],
    "ideographZodiac": lambda n: _BRANCHES[(n - 1) % 12],
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
    "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3280, 10),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),
    "none": lambda n: "",
}


def format_number(n: int, fmt: str) -> str:
    """*n* in Word's number format *fmt* (``decimal`` for a format not in :data:`FORMATS`).

    Parameters
    ----------
    n : int
        The counter's value.
    fmt : str
        A Word number format (``decimal``, ``chineseCounting``, ``lowerLetter`` ...).

    Returns
    -------
    str
    """
    return FORMATS.get(fmt, str)(n)


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart (None: restart after any higher level)
    legal: bool = False  # w:isLgl: every number of the text in decimal
    suffix: str = "tab"  # w:suff: tab, space, nothing
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


def _level(lvl) -> Level:
    text_el = lvl.find(f"{W}lvlText")
    restart = _val(lvl, "lvlRestart")
    legal = lvl.find(f"{W}isLgl")
    return Level(start=_int(_val(lvl, "start"), 1), fmt=_val(lvl, "numFmt", "decimal"),
                 text=text_el.get(f"{W}val", "") if text_el is not None else "",
                 restart=_int(restart, 0) if restart is not None else None,
                 legal=legal is not None and legal.get(f"{W}val", "true") not in ("0", "false", "off"),
                 suffix=_val(lvl, "suff", "tab"), style=_val(lvl, "pStyle"))


class Numbering:
    """Word's numbering of one document: :meth:`label` gives each numbered paragraph its number's text.

    Parameters
    ----------
    numbering : lxml element or None
        The ``w:numbering`` root of ``numbering.xml``.
    styles : lxml element or None
        The ``w:styles`` root of ``styles.xml`` (numbering given by paragraph styles).
    """

    def __init__(self, numbering, styles) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, str] = {}
        self.overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = {}
        self.unknown_formats: set[str] = set()
        self.n_numbered = 0
        if numbering is not None:
            for a in numbering.iter(f"{W}abstractNum"):
                aid = a.get(f"{W}abstractNumId")
                self.abstract[aid] = {_int(lv.get(f"{W}ilvl"), 0): _level(lv) for lv in a.iter(f"{W}lvl")}
                link = _val(a, "numStyleLink")
                if link:
                    self.abstract_style_link[aid] = link
            for n in numbering.iter(f"{W}num"):
                nid = n.get(f"{W}numId")
                self.nums[nid] = _val(n, "abstractNumId")
                ov = {}
                for o in n.iter(f"{W}lvlOverride"):
                    start = _val(o, "startOverride")
                    lvl = o.find(f"{W}lvl")
                    ov[_int(o.get(f"{W}ilvl"), 0)] = (_int(start, 1) if start is not None else None,
                                                      _level(lvl) if lvl is not None else None)
                self.overrides[nid] = ov
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> (basedOn, numId, ilvl)
        if styles is not None:
            for s in styles.iter(f"{W}style"):
                ppr = s.find(f"{W}pPr")
                numpr = ppr.find(f"{W}numPr") if ppr is not None else None
                self.styles[s.get(f"{W}styleId")] = (_val(s, "basedOn"), _val(numpr, "numId"), _val(numpr, "ilvl"))
        self.counters: dict[str, dict[int, int | None]] = {}
        self.started: set[str] = set()
        self.starts: dict[tuple[str, int], int] = {}

    def _style_numpr(self, style: str | None) -> tuple[str | None, str | None]:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            based, num, ilvl = self.styles.get(style, (None, None, None))
            if num is not None:
                return num, ilvl
            style = based
        return None, None

    def _abstract_of(self, num: str) -> str | None:
        aid = self.nums.get(num)
        seen = set()
        while aid in self.abstract_style_link and aid not in seen:  # a definition that is a numbering style's
            seen.add(aid)
            linked, _ = self._style_numpr(self.abstract_style_link[aid])
            if linked is None or self.nums.get(linked) is None:
                break
            aid = self.nums[linked]
        return aid

    def _levels(self, num: str, aid: str) -> dict[int, Level]:
        levels = dict(self.abstract.get(aid, {}))
        for ilvl, (_, lvl) in self.overrides.get(num, {}).items():
            if lvl is not None:
                levels[ilvl] = lvl
        return levels

    def label(self, p) -> str:
        """The number's text for paragraph element *p* (``w:p``), with its separator; ``""`` if unnumbered.

        Calling it advances the counters: call it once per paragraph, in reading order.

        Parameters
        ----------
        p : lxml.etree._Element
            A ``w:p`` paragraph element of the document body.

        Returns
        -------
        str
            E.g. ``一、`` or ``（三）``; ``""`` for a paragraph without numbering or with a bullet.
        """
        ppr = p.find(f"{W}pPr")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        num, ilvl = _val(numpr, "numId"), _val(numpr, "ilvl")
        style = _val(ppr, "pStyle")
        if num is None:
            num, style_ilvl = self._style_numpr(style)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num is None or num == "0" or num not in self.nums:
            return ""
        aid = self._abstract_of(num)
        levels = self._levels(num, aid)
        if ilvl is None and style is not None:  # the level this paragraph style is linked to
            ilvl = next((str(k) for k, lv in levels.items() if lv.style == style), None)
        level_no = _int(ilvl, 0)
        if level_no not in levels:
            return ""
        counters = self.counters.setdefault(aid, {})
        if num not in self.started:  # an instance that overrides a start restarts that level when first used
            self.started.add(num)
            for k, (start, _) in self.overrides.get(num, {}).items():
                if start is not None:
                    counters[k] = None
                    self.starts[(aid, k)] = start
        starts = {k: self.starts.get((aid, k), lv.start) for k, lv in levels.items()}
        cur = counters.get(level_no)
        counters[level_no] = starts[level_no] if cur is None else cur + 1
        for k, lv in levels.items():  # deeper levels restart
            if k > level_no and (lv.restart is None or (lv.restart > 0 and level_no <= lv.restart - 1)):
                counters[k] = None
        lv = levels[level_no]
        if lv.fmt == "bullet":
            return ""
        self.n_numbered += 1

        def number(k: int) -> str:
            if k not in levels:
                return ""
            value = counters.get(k)
            value = starts[k] if value is None else value
            fmt = "decimal" if (lv.legal and levels[k].fmt != "none") else levels[k].fmt
            if fmt not in FORMATS:
                self.unknown_formats.add(fmt)
            return format_number(value, fmt)

        out, i, text = [], 0, lv.text
        while i < len(text):
            if text[i] == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
                out.append(number(int(text[i + 1]) - 1))
                i += 2
            else:
                out.append(text[i])
                i += 1
        label = "".join(out)
        if not label:
            return ""
        return label + ("" if lv.suffix == "nothing" else " ")


__all__ = ["Numbering", "Level", "format_number", "chinese_number", "FORMATS"]
