"""Decoding raw bytes without being told the encoding, and never guessing silently.

Government sites serve UTF-8, GB18030/GBK and, in Hong Kong, Taiwan and older
archives, Big5; Word exports UTF-16 (and some tools UTF-32) with a byte-order
mark.  The rules:

1. a byte-order mark is unambiguous: UTF-8, UTF-32 LE/BE (checked before
   UTF-16, whose little-endian mark is a prefix of UTF-32's), UTF-16 LE/BE;
2. without one, NUL bytes mean UTF-16/32 without a mark, or a binary file:
   refused, naming the encoding the bytes most likely are;
3. UTF-8 is tried first (Chinese text in GB18030 or Big5 is essentially never
   valid UTF-8); failing that, GB18030 (a superset of GBK and GB2312) and
   Big5-HKSCS (a superset of Big5) are both tried;
4. every decoding is then checked for *plausibility* as Chinese text
   (:func:`plausibility`): at least :data:`MIN_COMMON_SHARE` of its Han
   characters among the common Simplified and Traditional characters
   (:data:`COMMON_HANZI`), no NULs or control characters, almost no
   private-use code points.  Big5 bytes read as GB18030 give about 58% common
   characters, the real plans 99%; a decoding below the threshold is refused,
   and so is a choice between two plausible decodings that are too close to
   call.

Nothing is ever replaced: bytes that fit no encoding stop the build with the
byte offset, so the researcher can look at the file.
"""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis import paths
from analysis.errors import BuildError

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030", "big5hkscs")
#: A decoding is plausible Chinese when at least this share of its Han characters is common.
MIN_COMMON_SHARE = 0.85
#: Two plausible decodings closer than this are too close to call.
AMBIGUITY_MARGIN = 0.05
#: At least this many Han characters for a plan text.
MIN_HAN = 10
COMMON_HANZI = paths.RESOURCES / "common_hanzi.txt"
#: How many of the most frequent characters of jieba's dictionary make the common set.
N_COMMON = 4500

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_PUA_RE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Plausibility:
    """How much a decoded text looks like Chinese: Han characters, the share of them that are common,
    private-use code points, control characters (NUL included)."""

    n_han: int
    common_share: float
    n_private_use: int
    n_control: int

    @property
    def plausible(self) -> bool:
        return (self.n_han >= MIN_HAN and self.common_share >= MIN_COMMON_SHARE and self.n_control == 0
                and self.n_private_use <= max(2, self.n_han // 1000))

    def describe(self) -> str:
        """The counts in words, for error messages (``"<share> of its <n> Han characters are common ones"`` and any
        private-use or control characters).

        Returns
        -------
        str
        """
        parts = [f"{self.common_share:.0%} of its {self.n_han} Han characters are common ones"]
        if self.n_private_use:
            parts.append(f"{self.n_private_use} private-use code points")
        if self.n_control:
            parts.append(f"{self.n_control} control characters")
        return ", ".join(parts)


def build_common_hanzi(n: int = N_COMMON) -> str:
    """The text of :data:`COMMON_HANZI`: jieba's *n* most frequent characters and their Traditional forms.

    A character's frequency is the sum of the dictionary frequencies of the
    words it appears in (ties by code point).  Traditional forms come from
    OpenCC (``s2t``, ``s2tw``, ``s2hk``).  Regenerate the file with this
    function if the dictionary changes; a test checks the two agree.

    Parameters
    ----------
    n : int, default N_COMMON
        How many of jieba's most frequent characters (4500).

    Returns
    -------
    str
        The file's content: three comment lines, then the characters sorted by code point, 100 per line.
    """
    import jieba  # heavy, and only for regenerating the resource file: not loaded by every decode
    import opencc

    freq: dict[str, int] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, f = line.split(" ")[:2]
            for ch in word:
                if "\u4e00" <= ch <= "\u9fff":
                    freq[ch] = freq.get(ch, 0) + int(f)
    top = [c for c, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))][:n]
    chars = set(top)
    for cfg in ("s2t", "s2tw", "s2hk"):
        chars |= set(opencc.OpenCC(cfg).convert("".join(top)))
    body = "".join(sorted(c for c in chars if _HAN_RE.fullmatch(c)))
    lines = [body[i:i + 100] for i in range(0, len(body), 100)]
    return ("# Common Chinese characters (Simplified and Traditional), used to judge whether a decoding is\n"
            f"# plausible. Generated by analysis.corpus.decode.build_common_hanzi(): jieba's {n} most frequent\n"
            "# characters and their OpenCC s2t/s2tw/s2hk forms. Do not edit by hand.\n" + "\n".join(lines) + "\n")


@lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """The common characters of :data:`COMMON_HANZI`."""
    text = COMMON_HANZI.read_text(encoding="utf-8")
    return frozenset("".join(ln for ln in text.splitlines() if not ln.startswith("#")))


def plausibility(text: str) -> Plausibility:
    """How plausible *text* is as Chinese (see :class:`Plausibility`).

    Parameters
    ----------
    text : str
        A decoded text.

    Returns
    -------
    Plausibility
        Its count of Han characters, the share of them among :data:`COMMON_HANZI`, private-use and control
        characters.
    """
    common = common_hanzi()
    han = _HAN_RE.findall(text)
    n_common = sum(1 for c in han if c in common)
    return Plausibility(len(han), n_common / len(han) if han else 0.0, len(_PUA_RE.findall(text)),
                        len(_CONTROL_RE.findall(text)))


_BOMS = [(codecs.BOM_UTF8, "utf-8-sig", "utf-8", 3), (codecs.BOM_UTF32_LE, "utf-32", "utf-32", 0),
         (codecs.BOM_UTF32_BE, "utf-32", "utf-32", 0), (codecs.BOM_UTF16_LE, "utf-16", "utf-16", 0),
         (codecs.BOM_UTF16_BE, "utf-16", "utf-16", 0)]


def decode_bytes(data: bytes, name: str | Path = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)`` for *data*; raise ``BuildError`` naming *name* otherwise.

    See the module docstring for the rules.  *encoding* is one of
    :data:`SUPPORTED`.

    Parameters
    ----------
    data : bytes
        A text file's content.
    name : str or path, default "<bytes>"
        The file's name, for error messages.

    Returns
    -------
    text : str
        The decoded text.
    encoding : str
        The encoding used, one of :data:`SUPPORTED`.

    Raises
    ------
    BuildError
        If *data* is empty, holds NUL bytes without a byte-order mark, or decodes to no plausible Chinese (or to
        two, too close to call).
    """
    if not data:
        raise BuildError(f"{name}: the file is empty (0 bytes). Replace it with the plan's text.")
    for bom, label, codec, skip in _BOMS:
        if data.startswith(bom):
            text = _strict(data[skip:] if skip else data, codec, name, skip)
            return _checked(text, label, name), label
    nul = data.find(b"\x00")
    if nul >= 0:
        likely = _likely_wide(data)
        what = (f"it looks like {likely} without a byte-order mark. Save the plan as UTF-8 text" if likely
                else "this looks like a binary file in none of the formats the build reads (text, web page, Word, "
                     "PDF; see docs/corpus.md, 'File formats'). Save the plan as UTF-8 text")
        raise BuildError(f"{name}: byte {nul} is a NUL byte; {what}.")
    try:
        return _checked(data.decode("utf-8"), "utf-8", name), "utf-8"
    except UnicodeDecodeError as utf8_err:
        first_bad = utf8_err.start
    candidates = []
    errors = {}
    for codec in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            errors[codec] = err.start
            continue
        candidates.append((plausibility(text), codec, text))
    good = sorted((c for c in candidates if c[0].plausible), key=lambda c: -c[0].common_share)
    if len(good) >= 2 and good[0][0].common_share - good[1][0].common_share < AMBIGUITY_MARGIN:
        raise BuildError(
            f"{name}: not UTF-8 (byte {first_bad}), and it reads as plausible Chinese both as {good[0][1]} "
            f"({good[0][0].describe()}) and as {good[1][1]} ({good[1][0].describe()}); too close to call. "
            "Re-save the file as UTF-8.")
    if good:
        return good[0][2], good[0][1]
    if candidates:
        tried = "; ".join(f"as {c} {p.describe()}" for p, c, _ in candidates)
        failed = "".join(f"; {c} fails at byte {b}" for c, b in errors.items())
        raise BuildError(
            f"{name}: not UTF-8 (byte {first_bad}, 0x{data[first_bad]:02x}), and no other encoding gives plausible "
            f"Chinese text ({tried}{failed}). The file may be damaged or in another encoding: re-save it as UTF-8.")
    raise BuildError(
        f"{name}: cannot be decoded. Byte {first_bad} (0x{data[first_bad]:02x}) is not valid UTF-8, byte "
        f"{errors.get('gb18030')} is not valid GB18030/GBK and byte {errors.get('big5hkscs')} not valid Big5; "
        "UTF-16 and UTF-32 need a byte-order mark. Re-save the file in UTF-8, or check it is the right file.")


def _likely_wide(data: bytes) -> str:
    """The BOM-less UTF-16/32 form *data* most plausibly is, or ``""``."""
    best = ("", 0.0)
    for codec in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        try:
            p = plausibility(data.decode(codec))
        except UnicodeDecodeError:
            continue
        if p.plausible and p.common_share > best[1]:
            best = (codec.upper(), p.common_share)
    return best[0]


def _checked(text: str, label: str, name: str | Path) -> str:
    """*text* if it is plausible Chinese, else a ``BuildError`` saying why."""
    p = plausibility(text)
    if p.plausible:
        return text
    if p.n_control:
        m = _CONTROL_RE.search(text)
        raise BuildError(f"{name}: decoded as {label}, the text holds control characters (the first, "
                         f"U+{ord(m.group(0)):04X}, at character {m.start()}); is the encoding right? Re-save the "
                         "plan as UTF-8 text.")
    if p.n_han < MIN_HAN:
        raise BuildError(f"{name}: decoded as {label}, the file holds {p.n_han} Chinese characters; a plan text "
                         "is expected. Check it is the right file.")
    raise BuildError(f"{name}: decoded as {label}, the text does not read as Chinese ({p.describe()}); the file "
                     "is probably in another encoding or damaged. Re-save it as UTF-8.")


def _strict(data: bytes, encoding: str, name: str | Path, skip: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise BuildError(f"{name}: byte {err.start + skip} is not valid {encoding.upper()} although the file "
                         f"starts with a {encoding.upper()} byte-order mark. Re-save it as UTF-8.") from None


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode the file at *path* (see :func:`decode_bytes`).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    text : str
    encoding : str
    """
    return decode_bytes(Path(path).read_bytes(), path)


__all__ = ["SUPPORTED", "MIN_COMMON_SHARE", "Plausibility", "plausibility", "decode_bytes", "read_text",
           "build_common_hanzi", "common_hanzi"]
