"""The same plans saved differently must give the same tables (whichever plans data/raw holds)."""
import codecs
import re

import pandas as pd
import pytest

from analysis.corpus.decode import read_text
from analysis.corpus.manifest import load_errata, load_manifest
from analysis.pipeline.run import extract_corpus
from tests.conftest import copy_raw, rewrite_manifest


#: (encoding, line ending) given to the documents in turn.
SAVED_AS = [("gb18030", "\r\n"), ("utf-16", "\n"), ("utf-8-sig", "\r"), ("gb18030", "\r\n"), ("utf-16-be-bom", "\r\n")]


def documents(raw):
    """The files of raw/manifest.csv, in manifest order (every plan and reference, whichever they are)."""
    return [d.path for d in load_manifest(raw, verify=False)]


def keeping_errata(raw, p, change):
    """*change* applied to the text of *p*, except to the passages errata.csv names (they must stay as they are
    to be found)."""
    docs = load_manifest(raw, verify=False)
    kept = sorted({e.corrupted for e in load_errata(raw, docs).get(p.name, [])}, key=len, reverse=True)
    t = text_of(p)
    for i, c in enumerate(kept):
        t = t.replace(c, chr(0xE000 + i))  # a private-use character no change touches
    t = change(t)
    for i, c in enumerate(kept):
        t = t.replace(chr(0xE000 + i), c)
    return t


def text_of(p):
    """The file's text (in whichever supported encoding it is saved), with \\n line ends."""
    return read_text(p)[0].replace("\r\n", "\n").replace("\r", "\n")


def encodings(raw):
    """Each document in another supported encoding, some with other line endings."""
    for i, p in enumerate(documents(raw)):
        enc, nl = SAVED_AS[i % len(SAVED_AS)]
        text = text_of(p).replace("\n", nl)
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be") if enc == "utf-16-be-bom" else text.encode(enc)
        p.write_bytes(data)


def brackets(raw):
    """Half-width brackets and commas become full-width and vice versa, ideographic spaces added."""
    def change(t):
        if "（" in t:
            t = t.replace("（", "(").replace("）", ")").replace("，", ",")
        else:
            t = t.replace("(", "（").replace(")", "）").replace(",", "，")
        return re.sub(r"(?m)^(?=[一二三四五六七八九十]、)", "\u3000\u3000", t)

    for p in documents(raw):
        p.write_text(keeping_errata(raw, p, change), encoding="utf-8")


def numbering(raw):
    """Other numbering punctuation: 1、 and 1．for 1., 一. for 一、 (in turn over the documents)."""
    for i, p in enumerate(documents(raw)):
        def change(t, sub="、．"[i % 2]):
            t = re.sub(r"(?m)^(\s*\d{1,2})[.．]", lambda m: m.group(1) + sub, t)
            return re.sub(r"(?m)^([一二三四五六七八九十]{1,3})、", r"\1．", t)

        p.write_text(keeping_errata(raw, p, change), encoding="utf-8")


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
