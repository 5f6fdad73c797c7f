"""Raw text -> one clean Simplified-Chinese text per document.

Each step is a small function on a :class:`MappedText`, which remembers for
every output character the offset of the raw character it came from.  That is
how the QA report can point at the raw file (line and character) for every
change and every suspicious span, although the output text is shifted by them.

Steps, in order (``normalize``):

1. line endings CRLF/CR -> LF;
2. errata from ``errata.csv``: reviewed repairs of damaged spans, matched
   exactly in the decoded raw text (and reviewed false alarms, which are only
   recorded);
3. inline pinyin annotations ``區(qū)`` -> ``區`` (a parenthesis right after a
   Han character holding one toned pinyin syllable; real parentheses hold
   Chinese and are untouched, nested or not);
4. export artefacts such as ``[bookmark: _GoBack]``;
5. invisible and look-alike characters: zero-width joiners and non-joiners, word
   joiners, soft hyphens, direction marks, variation selectors (removed);
   CJK compatibility ideographs and Kangxi radicals (replaced by the unified
   ideograph they stand for, Unicode NFKC of that character alone), so that
   ``县科\u200d协`` codes as ``县科协``; each kind reported with its count;
6. Traditional -> Simplified with OpenCC ``t2s``;
7. widths: ideographic and no-break spaces -> space; full-width letters,
   digits and symbols -> ASCII; brackets -> full-width ``（）``; ``, ; : ? !``
   next to Chinese -> full-width ``，；：？！``;
8. lines: trimmed, blank lines dropped, numbering ``1、`` ``1．`` ``1﹒`` ``1.`` -> ``1.``,
   ``1）`` ``1)`` -> ``（1）`` and ``一.`` ``一．`` ``一﹒`` -> ``一、`` at the start of a line;
   a line a web page flattened (its headings inline after a full stop: ``…实施。一、指导思想…。二、工作目标…``)
   is broken again before each numbering mark that continues the sequence of the one before it;
9. detection of damage no erratum covers (``?``/``�`` next to Han characters,
   enclosed numerals and lone Latin letters inside Chinese words, doubled
   punctuation ``，，`` and doubled numbering marks ``一、、``): reported.
"""
from __future__ import annotations

import bisect
import operator
import re
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from analysis.corpus.manifest import Erratum
from analysis.errors import BuildError

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_RE = re.compile(rf"(?<=[{HAN}])[(（](?=[a-zü]*[{TONED}])([a-zü{TONED}]{{1,6}})[)）]")
ARTIFACT_RE = re.compile(r"\[bookmark: [^\]\n]*\]")
CJK_PUNCT = "，。、；：？！“”‘’《》（）〔〕【】—…·"
NEAR = rf"[{HAN}{CJK_PUNCT}]"
SUSPECT_RES = [
    ("question_mark", re.compile(rf"(?<=[{HAN}])[?？�]|[?？�](?=[{HAN}])")),
    ("replacement_char", re.compile("\ufffd")),
    ("enclosed_numeral", re.compile(rf"(?<=[{HAN}])[\u2460-\u24ff\u2776-\u2793]|[\u2460-\u24ff\u2776-\u2793](?=[{HAN}])")),
    ("latin_in_word", re.compile(rf"(?<=[{HAN}])[A-Za-z](?=[{HAN}])")),
    # a scraped page doubles punctuation (，，), a numbering mark's punctuation (一、、 / 1..) or a whole
    # Chinese numbering mark (一、一、 / （一）（一）)
    ("doubled_numbering", re.compile(r"(?m)^(?:(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十\d]{1,3}）|\d{1,2}\.)"
                                     r"[、，,.．]|(?P<mark>[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十\d]{1,3}）)"
                                     r"[ \t\u3000]*(?P=mark))")),
    ("doubled_punctuation", re.compile(r"([，。、；：])\1")),
]


@dataclass
class MappedText:
    """A text plus, for each character, the offset of its raw source character."""

    text: str
    src: array = field(default_factory=lambda: array("q"))  # 8 bytes a character, not a Python int each

    @classmethod
    def from_raw(cls, raw: str) -> "MappedText":
        return cls(raw, array("q", range(len(raw))))

    def sub(self, pattern: re.Pattern, repl: Callable[[re.Match], str]) -> list[tuple[re.Match, str, int]]:
        """Replace every match; return ``(match, replacement, raw_offset)`` for each.

        Parameters
        ----------
        pattern : re.Pattern
            What to replace in the current text.
        repl : callable
            ``repl(match) -> str``; a match whose replacement equals it is left alone and not reported.

        Returns
        -------
        list of (re.Match, str, int)
            For each replaced match: the match, its replacement and the raw offset it maps to.  The text and its
            offset map are updated in place.
        """
        out, src, done, last = [], array("q"), [], 0
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new == m.group(0):
                continue
            out.append(self.text[last:m.start()])
            src.extend(self.src[last:m.start()])
            anchor = self.src[m.start()] if m.start() < len(self.src) else (self.src[-1] + 1 if self.src else 0)
            if len(new) == len(m.group(0)):
                src.extend(self.src[m.start():m.end()])
            else:
                src.extend(array("q", [anchor]) * len(new))
            out.append(new)
            done.append((m, new, anchor))
            last = m.end()
        if done:
            out.append(self.text[last:])
            src.extend(self.src[last:])
            self.text, self.src = "".join(out), src
        return done


@dataclass
class Finding:
    """One row of the QA report."""

    kind: str
    offset: int  # character offset in the decoded raw text
    snippet: str
    action: str
    count: int = 1


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


#: Characters that are invisible in print and only get in the way of matching (removed, reported).
INVISIBLE_RE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200c-\u200f\u202a-\u202e"
                          "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\uffa0\U000e0001-\U000e007f"
                          "\U000e0100-\U000e01ef]")
#: Look-alikes of ordinary ideographs: CJK compatibility ideographs and Kangxi / supplementary radicals.
LOOKALIKE_RE = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f\u2f00-\u2fdf\u2e80-\u2eff]")


def _lookalike(ch: str) -> str:
    """The unified ideograph a compatibility ideograph or a radical stands for (itself if none)."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) == 1 else ch


def _fullwidth_table() -> dict[int, str]:
    table = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: "", 0xFEFF: ""}
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = chr(cp - 0xFEE0)
    for ch in "（），；：？！":  # these stay full-width
        table.pop(ord(ch), None)
    table[ord("(")] = "（"
    table[ord(")")] = "）"
    table[ord("．")] = "."
    return table


FULLWIDTH = _fullwidth_table()
#: One-to-one width folding used only to *find* errata, so an erratum written
#: for the file as published still matches a copy saved with other brackets.
FOLD = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)} | {0x3000: " "}
HALF_PUNCT_RE = re.compile(rf"(?<={NEAR})[,;:?!]|[,;:?!](?={NEAR})")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
NUM_ARABIC_RE = re.compile(r"(?m)^(\d{1,2})\s*[.．、﹒](?!\d)\s*")
NUM_PAREN_RE = re.compile(r"(?m)^(\d{1,2})\s*[)）]\s*")
NUM_HAN_RE = re.compile(r"(?m)^([一二三四五六七八九十]{1,3})\s*[.．、,，﹒]\s*")
ZERO_RE = re.compile(r"(?<=[一二三四五六七八九〇零])[OoＯｏ○](?=[一二三四五六七八九〇零年])")
T2S_FIXES_RE = re.compile(r"(?<!显)著(?=[力重眼手])")
PUNCT_SPACE_RE = re.compile(r"(?<=[，。；：、！？）》”])[ \t]+|[ \t]+(?=[，。；：、！？（《“])")
SPACES_RE = re.compile(r"(?m)^[ \t]+|[ \t]+$")
BLANK_RE = re.compile(r"\n{2,}")


def raw_line(raw: str, offset: int) -> int:
    """1-based line of *offset* in *raw* (CRLF, CR and LF each end a line).

    Parameters
    ----------
    raw : str
        The decoded raw text.
    offset : int
        A character offset in *raw*.

    Returns
    -------
    int
    """
    return LineIndex(raw).line(offset)


class LineIndex:
    """Line numbers of character offsets in a text, in logarithmic time (CRLF, CR and LF each end a line)."""

    _BREAK = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in self._BREAK.finditer(text)]

    def line(self, offset: int) -> int:
        """1-based line holding character *offset*.

        Parameters
        ----------
        offset : int
            A character offset in the indexed text.

        Returns
        -------
        int
        """
        return bisect.bisect_right(self.starts, offset)


@dataclass
class Normalized:
    """What :func:`normalize_mapped` returns: the text, the QA findings, and for every character of the
    text (but its final newline) the offset of the raw character it came from."""

    text: str
    findings: list
    src: "array"

    def raw_offset(self, offset: int) -> int:
        """Offset in the decoded raw text of the character at *offset* of the normalised text.

        Parameters
        ----------
        offset : int
            A character offset in the normalised text (clipped to its range).

        Returns
        -------
        int
            0 for an empty text.
        """
        if not self.src:
            return 0
        return self.src[min(max(offset, 0), len(self.src) - 1)]


def _around(raw: str, offset: int, pad: int = 6) -> str:
    """A short, visible snippet of *raw* around *offset* (invisible characters shown as ``<U+XXXX>``)."""
    part = raw[max(0, offset - pad):offset + pad + 1]
    return INVISIBLE_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", part).replace("\n", "⏎")


def _snippet(text: str, start: int, end: int, pad: int = 8) -> str:
    return text[max(0, start - pad):end + pad].replace("\n", "⏎")


def normalize(raw: str, errata: list[Erratum] | None = None, name: str = "<text>") -> tuple[str, list[Finding]]:
    """Return the normalised text of *raw* and the QA findings (see module doc).

    Parameters
    ----------
    raw : str
        The decoded raw text of one plan.
    errata : list of Erratum, optional
        The reviewed repairs and false alarms for this file; each must match exactly once.
    name : str, default "<text>"
        The file's name, for error messages.

    Returns
    -------
    text : str
        The normalised text.
    findings : list of Finding
        The QA report's rows: what was changed or flagged, where in *raw*, and how often.

    Raises
    ------
    BuildError
        If an erratum does not match exactly once.
    """
    n = normalize_mapped(raw, errata, name)
    return n.text, n.findings


def normalize_mapped(raw: str, errata: list[Erratum] | None = None, name: str = "<text>") -> Normalized:
    """:func:`normalize`, with the map from the normalised text back to *raw* (:class:`Normalized`).

    Parameters
    ----------
    raw : str
        The decoded raw text of one plan.
    errata : list of Erratum, optional
        The reviewed repairs and false alarms for this file.
    name : str, default "<text>"
        The file's name, for error messages.

    Returns
    -------
    Normalized
        The text, the findings, and for each character of the text the offset in *raw* it came from.
    """
    errata = errata or []
    mt = MappedText.from_raw(raw)
    findings: list[Finding] = []

    done = mt.sub(re.compile(r"\r\n?"), lambda m: "\n")
    if done:
        findings.append(Finding("line_endings", done[0][2], "CRLF/CR", "converted to LF", len(done)))

    # Errata are matched in the raw text (only line endings changed so far).
    accepted: list[tuple[int, int]] = []
    for e in errata:
        needle = e.corrupted.translate(FOLD)
        folded = mt.text.translate(FOLD)  # width-insensitive, one character for one
        hits = [m.start() for m in re.finditer(re.escape(needle), folded)]
        if len(hits) != 1:
            where = "does not occur" if not hits else f"occurs {len(hits)} times"
            raise BuildError(f"errata.csv line {e.line}: the text {needle!r} {where} in {name}; an erratum must "
                             "match exactly one place. Quote more context, or remove the row if the file changed.")
        start = hits[0]
        if e.action == "accept":
            accepted.append((mt.src[start], mt.src[start + len(needle) - 1] + 1))
            findings.append(Finding("erratum_accepted", mt.src[start], needle, f"reviewed, kept as is: {e.reason}"))
            continue
        pattern = re.compile(re.escape(mt.text[start:start + len(needle)]))
        res = mt.sub(pattern, lambda m, r=e.replacement: r)
        findings.append(Finding("erratum", res[0][2], e.corrupted, f"replaced by {e.replacement!r}: {e.reason}"))

    done = mt.sub(PINYIN_RE, lambda m: "")
    if done:
        findings.append(Finding("pinyin_annotation", done[0][2], done[0][0].group(0),
                                "removed inline pinyin annotations", len(done)))

    for m, _, off in mt.sub(ARTIFACT_RE, lambda m: ""):
        findings.append(Finding("export_artifact", off, m.group(0), "removed (word-processor export marker)"))

    done = mt.sub(INVISIBLE_RE, lambda m: "")
    if done:
        names = sorted({f"U+{ord(m.group(0)):04X}" for m, _, _ in done})
        findings.append(Finding("invisible_character", done[0][2], _around(raw, done[0][2]),
                                f"removed invisible characters ({', '.join(names[:6])})", len(done)))
    done = mt.sub(LOOKALIKE_RE, lambda m: _lookalike(m.group(0)))
    if done:
        findings.append(Finding("lookalike_character", done[0][2], _around(raw, done[0][2]),
                                "replaced compatibility ideographs / radicals by the ideographs they stand for",
                                len(done)))

    simp = _t2s().convert(mt.text)
    if simp != mt.text:
        if len(simp) == len(mt.text):  # t2s is one-to-one here: the map is unchanged
            diff = [i for i, (a, b) in enumerate(zip(mt.text, simp)) if a != b]
            first_i = diff[0]
            mt.text = simp
            converted = len(diff)
        else:  # phrase conversions changed lengths: convert line by line, map lines as wholes
            converted, first_i = _t2s_by_line(mt)
        findings.append(Finding("traditional_script", mt.src[first_i], raw[mt.src[first_i]:mt.src[first_i] + 12],
                                "converted Traditional characters to Simplified (OpenCC t2s)", converted))
        # OpenCC keeps 著 in 著力/著重 (a Traditional form); Simplified writes 着
        fixed = mt.sub(T2S_FIXES_RE, lambda m: "着")
        if fixed:
            findings.append(Finding("traditional_script", fixed[0][2], raw[fixed[0][2]:fixed[0][2] + 4],
                                    "著 -> 着 in 著力/著重/著眼/著手 (left by OpenCC)", len(fixed)))

    widened = mt.text.translate(FULLWIDTH)
    if len(widened) == len(mt.text):  # no deletions: the map is unchanged
        n_width = sum(map(operator.ne, mt.text, widened)) if widened != mt.text else 0
        mt.text = widened
    else:
        n_width, chars, src = 0, [], array("q")
        for ch, off in zip(mt.text, mt.src):
            rep = FULLWIDTH.get(ord(ch), ch)
            n_width += rep != ch
            chars.append(rep)
            src.extend(array("q", [off]) * len(rep))
        mt.text, mt.src = "".join(chars), src
    n_width += len(mt.sub(HALF_PUNCT_RE, lambda m: HALF_TO_FULL[m.group(0)]))
    if n_width:
        findings.append(Finding("width_unified", 0, "", "unified full-/half-width characters, brackets and "
                                "punctuation", n_width))

    n_zero = len(mt.sub(ZERO_RE, lambda m: "〇"))
    if n_zero:
        findings.append(Finding("numeral_zero", 0, "", "letter O used as the numeral zero in a Chinese year -> 〇",
                                n_zero))
    mt.sub(SPACES_RE, lambda m: "")
    mt.sub(re.compile(r"[ \t]{2,}"), lambda m: " ")
    mt.sub(PUNCT_SPACE_RE, lambda m: "")
    mt.sub(BLANK_RE, lambda m: "\n")
    n_broken = _rebreak_flattened(mt)
    if n_broken:
        findings.append(Finding("flattened_lines", 0, "", "broke a flattened line again before its inline "
                                "headings (一、 二、 … after a full stop)", n_broken))
    n_num = len(mt.sub(NUM_ARABIC_RE, lambda m: f"{m.group(1)}.")) + len(
        mt.sub(NUM_PAREN_RE, lambda m: f"（{m.group(1)}）")) + len(
        mt.sub(NUM_HAN_RE, lambda m: f"{m.group(1)}、"))
    if n_num:
        findings.append(Finding("numbering", 0, "", "unified numbering punctuation to '1.' and '一、'", n_num))
    mt.sub(re.compile(r"^\n+|\n+$"), lambda m: "")
    text = mt.text + "\n"

    reported: set[int] = set()
    for kind, rx in SUSPECT_RES:
        for m in rx.finditer(mt.text):
            off = mt.src[m.start()]
            if any(a <= off < b for a, b in accepted) or reported & set(range(m.start(), m.end())):
                continue
            reported.update(range(m.start(), m.end()))
            findings.append(Finding(f"suspect_{kind}", off, _snippet(mt.text, m.start(), m.end()),
                                    "reported: no erratum covers this; add a 'fix' or 'accept' row to errata.csv"))
    return Normalized(text, findings, mt.src)


#: A numbering mark inside a line, right after the end of a sentence: where a flattened page had a line break.
INLINE_MARK_RE = re.compile(r"(?<=[。！？）])(?=(?P<mark>[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）))")
HAN_VALUE = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
#: Only lines longer than this are taken for flattened text.
FLATTENED_MIN = 300


def _han_value(mark: str) -> int:
    digits = mark.strip("、（）")
    if digits == "十":
        return 10
    if digits.startswith("十"):
        return 10 + HAN_VALUE.get(digits[1:], 0)
    if digits.endswith("十"):
        return HAN_VALUE.get(digits[0], 0) * 10
    if "十" in digits:
        a, b = digits.split("十")
        return HAN_VALUE.get(a, 0) * 10 + HAN_VALUE.get(b, 0)
    return HAN_VALUE.get(digits, 0)


#: A top-level heading run on into its first second-level mark: 三、重点任务（一）…
HEAD_TITLE_RE = re.compile(r"[一二三四五六七八九十]{1,3}、[^，。；：！？（）\n]{1,20}(?=（[一二三四五六七八九十]{1,3}）)")


def _sequence(values: list[int], restart: bool) -> bool:
    """Numbers that run 1, 2, 3 … (with *restart*, also back to 1 under a new parent)."""
    return bool(values) and values[0] == 1 and all(b == a + 1 or (restart and b == 1)
                                                   for a, b in zip(values, values[1:]))


def _rebreak_flattened(mt: MappedText) -> int:
    """Break long lines before inline headings that continue a numbering sequence; returns how many.

    A web page that lost its line breaks runs ``…制定本方案。一、指导思想……。二、工作目标……`` together.
    Inside a line longer than :data:`FLATTENED_MIN` characters, marks ``一、`` right after the end of a
    sentence or of a bracket (``…。二、`` ``…负责）二、``) start a new line when the line holds the whole run of them from one (``一、`` … ``二、`` …, each
    the next number); marks ``（一）`` likewise (they may start again at one under each ``一、``), also
    right after a top-level heading's short title (``三、重点任务（一）…``).  A single ``一、`` after a full
    stop, numbers out of sequence, or marks after ``：``/``；`` (an enumeration inside a sentence) are left
    alone.
    """
    breaks: list[int] = []
    pos = 0
    for line in mt.text.split("\n"):
        if len(line) > FLATTENED_MIN:
            marks = list(INLINE_MARK_RE.finditer(line))
            top = [(m.start(), _han_value(m.group("mark"))) for m in marks if m.group("mark").endswith("、")]
            tops = [p for p, _ in top] if len(top) >= 2 and _sequence([v for _, v in top], False) else []
            sub = {m.start(): _han_value(m.group("mark")) for m in marks if m.group("mark").endswith("）")}
            for p in tops + [0]:
                hm = HEAD_TITLE_RE.match(line, p)
                if hm:
                    sub[hm.end()] = _han_value(line[hm.end():line.index("）", hm.end()) + 1])
            subs = sorted(sub)
            if len(subs) >= 2 and _sequence([sub[p] for p in subs], True) and tops:
                tops += subs
            breaks += [pos + p for p in tops if p > 0]
        pos += len(line) + 1
    if not breaks:
        return 0
    at = set(breaks)
    mt.sub(re.compile(r"(?=[一二三四五六七八九十（])"), lambda m: "\n" if m.start() in at else "")
    return len(at)


def _t2s_by_line(mt: MappedText) -> tuple[int, int]:
    """Line-wise t2s for the rare case where conversion changes lengths; returns (count, first index)."""
    lines = mt.text.split("\n")
    out, src, pos, converted, first = [], array("q"), 0, 0, None
    for line in lines:
        simp = _t2s().convert(line) if line else line
        seg = mt.src[pos:pos + len(line)]
        if simp != line:
            converted += max(1, sum(1 for a, b in zip(line, simp) if a != b))
            first = len("\n".join(out)) + (1 if out else 0) if first is None else first
            if len(simp) != len(line):
                seg = array("q", [seg[0] if seg else (mt.src[pos - 1] if pos else 0)]) * len(simp)
        out.append(simp)
        src.extend(seg)
        pos += len(line)
        if pos < len(mt.src):
            src.append(mt.src[pos])
        pos += 1
    mt.text = "\n".join(out)
    mt.src = src[:len(mt.text)]
    return converted, first or 0
