"""The same plans saved differently must give the same tables."""
import codecs
import re

import pandas as pd
import pytest

from analysis.pipeline.run import extract_corpus
from tests.conftest import copy_raw, rewrite_manifest


def encodings(raw):
    """Each plan in another supported encoding, some with other line endings."""
    specs = {"zhifu.txt": ("gb18030", "\r\n"), "pingyin.txt": ("utf-16", "\n"), "chongqing.txt": ("utf-8-sig", "\r"),
             "shenzhen.txt": ("gb18030", "\r\n"), "inner_mongolia.txt": ("utf-16-be-bom", "\r\n")}
    for f, (enc, nl) in specs.items():
        text = (raw / f).read_text(encoding="utf-8").replace("\n", nl)
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be") if enc == "utf-16-be-bom" else text.encode(enc)
        (raw / f).write_bytes(data)


def brackets(raw):
    """Half-width brackets and commas become full-width and vice versa, ideographic spaces added."""
    for p in raw.glob("*.txt"):
        t = p.read_text(encoding="utf-8")
        if "（" in t:
            t = t.replace("（", "(").replace("）", ")").replace("，", ",")
        else:
            t = t.replace("(", "（").replace(")", "）").replace(",", "，")
        t = re.sub(r"(?m)^(?=[一二三四五六七八九十]、)", "\u3000\u3000", t)
        p.write_text(t, encoding="utf-8")


def numbering(raw):
    """Other numbering punctuation: 1、 and 1．, 一. for 一、."""
    for p, sub in (("pingyin.txt", "、"), ("chongqing.txt", "．"), ("shenzhen.txt", "、")):
        t = (raw / p).read_text(encoding="utf-8")
        t = re.sub(r"(?m)^(\s*\d{1,2})[.．]", lambda m: m.group(1) + sub, t)
        (raw / p).write_text(t, encoding="utf-8")
    t = (raw / "inner_mongolia.txt").read_text(encoding="utf-8")
    (raw / "inner_mongolia.txt").write_text(re.sub(r"(?m)^([一二三四五六七])、", r"\1．", t), encoding="utf-8")


@pytest.mark.parametrize("variant", [encodings, brackets, numbering])
def test_variant_gives_same_tables(variant, tmp_path, corpus):
    raw = copy_raw(tmp_path / "raw")
    variant(raw)
    rewrite_manifest(raw)
    other = extract_corpus(raw, progress=False)
    assert other.texts == corpus.texts
    for name in ("actions", "assignments", "mentions", "targets", "sections"):
        pd.testing.assert_frame_equal(getattr(other, name), getattr(corpus, name), obj=name)
    meta = [c for c in corpus.documents.columns if c not in ("sha256", "encoding")]
    pd.testing.assert_frame_equal(other.documents[meta], corpus.documents[meta])


def test_parallel_and_serial_reading_agree(corpus):
    from analysis import paths

    par = extract_corpus(paths.RAW, progress=False, n_jobs=2)
    assert par.texts == corpus.texts
    for name in ("documents", "actions", "assignments", "mentions", "targets", "sections", "qa"):
        pd.testing.assert_frame_equal(getattr(par, name), getattr(corpus, name), obj=name)
