"""The synthetic-corpus generator: determinism, valid manifests, real format
variety, a truth that matches the text, and the parser's accuracy on it."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.pipeline.run import extract_corpus
from analysis.corpus.levels import prefix_for
from analysis.corpus.manifest import load_manifest
from analysis.corpus.decode import decode_bytes
from analysis.corpus.normalization import normalize
from benchmarks.synth import (FORMATS, STYLES, VARIANTS, accuracy_report, extraction_accuracy, generate,
                            han_number)
from tests.conftest import shipped_reason

N = 12
#: Every layout variant at least this likely, so a dozen plans exercise each one.
BOOSTED = {k: max(v, 0.5) for k, v in VARIANTS.items()}


def needs_material() -> None:
    """Skip unless data/processed is built from the shipped plans: the generator lays out plans from their
    material (items, department lists, headings of every layout), read from the committed build."""
    reason = shipped_reason(processed=True)
    if reason:
        pytest.skip(f"{reason} (benchmarks.synth draws its material from the shipped plans in data/processed)")


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    needs_material()
    out = tmp_path_factory.mktemp("synth")
    generate(N, 0, out, quiet=True, variants=BOOSTED)
    return out


@pytest.fixture(scope="module")
def synth_corpus(synth):
    return extract_corpus(synth / "raw", progress=False)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    needs_material()
    generate(6, 7, tmp_path / "a", quiet=True)
    generate(6, 7, tmp_path / "b", quiet=True)
    generate(6, 8, tmp_path / "c", quiet=True)
    a, b, c = (tree_bytes(tmp_path / x) for x in "abc")
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_regenerating_replaces_the_previous_corpus(tmp_path):
    needs_material()
    generate(5, 0, tmp_path, quiet=True)
    generate(3, 0, tmp_path, quiet=True)
    assert len(list((tmp_path / "raw").glob("synth_*.txt"))) == 3


def test_rejects_an_empty_corpus(tmp_path):
    with pytest.raises(ValueError):
        generate(0, 0, tmp_path, quiet=True)


def test_manifest_is_valid_and_checksums_match(synth):
    raw = synth / "raw"
    manifest = rows(raw / "manifest.csv")
    assert list(manifest[0]) == ["jurisdiction", "file", "sha256", "name_zh", "name_en", "level", "province"]
    assert [r["jurisdiction"] for r in manifest] == [f"synth_{i:05d}" for i in range(1, N + 1)]
    for r in manifest:
        assert hashlib.sha256((raw / r["file"]).read_bytes()).hexdigest() == r["sha256"]
        suffix = {"district": "区", "county": "县", "prefecture-level city": "市"}[r["level"]]
        assert r["name_zh"].endswith(suffix)
    assert len(load_manifest(raw)) == N  # the build's own checks (sha256, no stray files) pass
    assert all(r["action"] == "accept" for r in rows(raw / "errata.csv"))


def test_every_format_dimension_is_covered(synth):
    plans = rows(synth / "truth" / "truth_plans.csv")
    for dim, options in FORMATS.items():
        if dim in ("elision", "rewrite"):
            assert {float(p[dim]) for p in plans} == set(options)
        elif dim == "blank_lines":
            assert {p[dim] for p in plans} == {"True", "False"}
        else:
            assert {p[dim] for p in plans} == set(options), dim
    assert {p["style"] for p in plans} == set(STYLES)
    variants = {r["variant"] for r in rows(synth / "truth" / "truth_actions.csv")}
    assert set(VARIANTS) - {"marker_space"} <= variants


def test_encodings_really_differ_and_decode(synth):
    raw = synth / "raw"
    seen = set()
    for p in rows(synth / "truth" / "truth_plans.csv"):
        data = (raw / p["file"]).read_bytes()
        text, enc = decode_bytes(data, p["file"])
        expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "utf-16-be": "utf-16",
                    "gb18030": "gb18030"}[p["encoding"]]
        assert enc == expected, p["file"]
        if p["encoding"] == "utf-8-sig":
            assert data.startswith(b"\xef\xbb\xbf")
        if p["encoding"] == "utf-16":
            assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
        if p["encoding"] == "utf-16-be":
            assert data.startswith(b"\xfe\xff")
        if p["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        newline = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}[p["newline"]]
        assert newline in text and (p["newline"] != "lf" or "\r" not in text)
        if p["script"] == "traditional":
            assert "學" in text and "学" not in text
        if p["pinyin"] == "True":
            assert "(" in text and any(f"{ch}({py})" in text.replace("（", "(").replace("）", ")")
                                       for ch, py in [("區", "qū"), ("質", "zhì"), ("發", "fā")])
        if p["brackets"] == "half":
            assert "（" not in text and "(" in text
        seen.add(enc)
    assert seen == {"utf-8", "utf-8-sig", "utf-16", "gb18030"}


def test_truth_matches_the_written_text(synth):
    raw = synth / "raw"
    plans = {p["jurisdiction"]: p for p in rows(synth / "truth" / "truth_plans.csv")}
    actions = pd.DataFrame(rows(synth / "truth" / "truth_actions.csv"))
    depts = pd.DataFrame(rows(synth / "truth" / "truth_assignments.csv"))
    assert set(actions.kind) == {"action", "safeguard"}
    assert set(depts.role) == {"responsible", "lead", "cooperating"}
    # layout styles of the generator (named after the shipped texts they imitate), not plans of data/raw
    assert {"chongqing", "inner_mongolia", "shenzhen"} <= set(STYLES)
    for j, acts in actions.groupby("jurisdiction"):
        text, _ = normalize(decode_bytes((raw / plans[j]["file"]).read_bytes())[0])
        seqs = acts.seq.astype(int).tolist()
        assert seqs == list(range(1, len(seqs) + 1))
        assert acts.title.is_unique or plans[j]["style"] in ("chongqing", "inner_mongolia")
        pos = 0
        for title in acts.title:  # every title is in the text, in reading order
            found = text.find(title, pos)
            assert found >= 0, (j, title)
            pos = found + len(title)
        assert acts.kind.iloc[-1] == "safeguard"  # the safeguard section closes every plan
        level_char = prefix_for(plans[j]["level"])
        for d in depts[depts.jurisdiction == j].department:
            bare = d.replace(f"{level_char}委", "", 1) if d.startswith(f"{level_char}委") else d.lstrip(level_char)
            assert d in text or bare in text, (j, d)
        if plans[j]["style"] == "inner_mongolia":
            assert depts[depts.jurisdiction == j].empty
        if plans[j]["style"] == "shenzhen":
            assert set(depts[depts.jurisdiction == j].role) <= {"lead", "cooperating"}


def test_han_numbers():
    assert [han_number(n) for n in (1, 9, 10, 11, 19, 20, 21, 99)] == \
        ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]


def test_the_build_recovers_every_format(synth, synth_corpus):
    """The parser's accuracy on plans laid out every way the generator knows (target: >= 0.99)."""
    report = accuracy_report(synth, synth_corpus, max_failures=-1)
    assert report["n_truth"] > 100
    first = {}  # one example per style and variant
    for f in report["failures"]:
        first.setdefault((f["style"], f.get("variant") or "-"), f)
    detail = "\n".join(f"  {f['jurisdiction']}-{int(f['seq']):03d} [{f['style']}/{f.get('variant') or '-'}] "
                       f"{f['title']!r}: {f['problem']}; missing {f.get('missing')}, extra {f.get('extra')}"
                       for f in first.values())
    assert report["accuracy"] >= 0.99, (
        f"extraction accuracy {report['accuracy']:.4f} < 0.99\nby style: {report['by_style']}\n"
        f"by variant: {report['by_variant']}\nfirst failures:\n{detail}")


def test_accuracy_counts_wrong_departments_and_groups(synth, synth_corpus):
    class Fake:
        actions = synth_corpus.actions.copy()
        assignments = synth_corpus.assignments.copy()

    base = accuracy_report(synth, Fake, max_failures=0)
    target = base["n_correct"]
    # drop every department of one correctly recovered action with departments, and blank one group
    truth = pd.DataFrame(rows(synth / "truth" / "truth_assignments.csv"))
    j, seq = truth.iloc[0].jurisdiction, int(truth.iloc[0].seq)
    aid = Fake.actions[(Fake.actions.jurisdiction == j) & (Fake.actions.seq == seq)].action_id.iloc[0]
    Fake.assignments = Fake.assignments[Fake.assignments.action_id != aid]
    grouped = Fake.actions.index[Fake.actions.group.fillna("") != ""][-1]
    Fake.actions.loc[grouped, "group"] = ""
    worse = accuracy_report(synth, Fake, max_failures=0)
    assert worse["n_correct"] <= target - 1
    assert worse["accuracy"] < base["accuracy"]
    assert extraction_accuracy(synth, Fake) == pytest.approx(worse["accuracy"])


def test_accuracy_reads_a_processed_folder(synth, synth_corpus, tmp_path):
    synth_corpus.actions.to_csv(tmp_path / "actions.csv", index=False)
    synth_corpus.assignments.to_csv(tmp_path / "assignments.csv", index=False)
    assert extraction_accuracy(synth / "truth", tmp_path) == pytest.approx(
        extraction_accuracy(synth, synth_corpus))
