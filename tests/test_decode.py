"""Decoding: every supported encoding is detected; nothing is ever silently replaced."""
import codecs

import pytest

from analysis.corpus.decode import decode_bytes, read_text
from analysis.errors import BuildError
from tests.conftest import MANIFEST_PLANS, raw_path

#: A real plan's text: the corpus's first plan (any plan will do), as it decodes.
TEXT = read_text(raw_path(MANIFEST_PLANS[0]))[0].lstrip("\ufeff")


@pytest.mark.parametrize("data, enc", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),  # with BOM (native order)
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (TEXT.encode("gb18030"), "gb18030"),
])
def test_supported_encodings_are_detected(data, enc):
    text, detected = decode_bytes(data, "plan.txt")
    assert text == TEXT
    assert detected == enc


def test_gbk_text_is_read_as_gb18030():
    sample = "平阴县全民科学素质行动规划纲要实施方案（县科协、县教体局按职责分工负责）"
    assert decode_bytes(sample.encode("gbk"), "x")[0] == sample


def test_undecodable_bytes_name_file_and_offset():
    data = "科学素质".encode("utf-8") + b"\xff\xfe\xff" + "行动".encode("utf-8")
    with pytest.raises(BuildError) as e:
        decode_bytes(data, "bad.txt")
    msg = str(e.value)
    assert "bad.txt" in msg and "Byte 12" in msg and "UTF-8" in msg


def test_empty_and_binary_are_refused():
    with pytest.raises(BuildError, match="empty"):
        decode_bytes(b"", "empty.txt")
    with pytest.raises(BuildError, match="binary.txt: byte 3 is a NUL"):
        decode_bytes(b"PK\x03\x00\x04", "binary.txt")


def test_bad_utf16_after_bom_is_refused():
    with pytest.raises(BuildError, match="UTF-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "u16.txt")  # lone surrogate


def test_the_common_characters_file_is_what_its_generator_makes():
    """analysis/resources/common_hanzi.txt is generated (from jieba's dictionary and OpenCC) by
    ``build_common_hanzi``; the two agree, so the file can be regenerated when the dictionary changes."""
    from analysis.corpus.decode import COMMON_HANZI, build_common_hanzi

    assert build_common_hanzi() == COMMON_HANZI.read_text(encoding="utf-8"), \
        "regenerate analysis/resources/common_hanzi.txt with analysis.corpus.decode.build_common_hanzi()"
