"""The validation kit: ``validation-sample`` and ``validation-score`` (analysis.exchange.sample, .score).

On a build of three plans of our own making (the layout fixtures), a sample is exported, coded three
times the way a QDA program stores coding (coded selections added to the project, a code renamed, a
code added, one selection in the headings line, one unit left unchecked), and scored on the command
line.  The scores are checked against an independent computation: Krippendorff's alpha from the
``krippendorff`` package on presence vectors this test derives from what it wrote, and precision,
recall, F1 and the confusion counts by hand from the package's tables.  Also: the allocation of the
stratified sample, determinism, the REFI-QDA schema, and refusals (foreign files, wrong extensions,
DTDs, oversized members).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.exchange.sampling import allocate, stratified_sample, strata

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
NS = "urn:QDA-XML:project:1.0"
PLANS = (("lanxi", "one_level_workplan"), ("fengxi", "notice_variant_2019"), ("wujiang", "lead_lines_per_item_2008"))
TOPS = {"Target groups": "groups", "Group lines": "group_lines", "Departments": "departments",
        "Commitments": "commitments", "Instruments": "instruments"}


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """The command as a researcher runs it (a process of its own)."""
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=paths.ROOT,
                          timeout=timeout)


def _cli(*args: str) -> subprocess.CompletedProcess:
    """The command line in this process (faster than :func:`_run`; the same parser, exit codes and messages)."""
    from contextlib import redirect_stderr, redirect_stdout

    from analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """A build (per-plan tables) of three fixture plans."""
    from analysis.pipeline.run import build as run_build

    base = tmp_path_factory.mktemp("kit")
    raw = base / "raw"
    raw.mkdir()
    rows = []
    for j, fx in PLANS:
        exp = json.loads((FIXTURES / f"{fx}.expected.json").read_text(encoding="utf-8"))
        shutil.copy2(FIXTURES / f"{fx}.txt", raw / f"{j}.txt")
        rows.append({"jurisdiction": j, "file": f"{j}.txt",
                     "sha256": hashlib.sha256((raw / f"{j}.txt").read_bytes()).hexdigest(),
                     "name_zh": exp["name_zh"], "name_en": j.title(), "level": exp["level"]})
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    run_build(raw, base / "processed", progress=False, verbose=False, similarity=False)
    return base / "processed"


# ------------------------------------------------------------------------------------------------ sampling
def _actions(sizes: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = []
    for (j, g), n in sizes.items():
        for i in range(n):
            kind = "safeguard" if g == "safeguards" else "action"
            rows.append({"action_id": f"{j}-{g}-{i:03d}", "jurisdiction": j, "kind": kind,
                         "group": None if g in ("none", "safeguards") else g})
    return pd.DataFrame(rows)


def test_allocation_gives_every_stratum_a_unit_then_shares_by_size():
    acts = _actions({("p", "youth"): 20, ("p", "none"): 5, ("p", "safeguards"): 2, ("q", "youth"): 1,
                     ("q", "farmers"): 12})
    st = strata(acts)
    assert set(st) == {"p / youth", "p / no line", "p / safeguards", "q / youth", "q / farmers"}
    for size in (5, 6, 11, 25, 40):
        s = stratified_sample(acts, size, seed=3)
        counts = s["stratum"].value_counts()
        assert len(s) == size and s["action_id"].is_unique
        assert set(counts.index) == set(st)  # one per stratum at least
        assert all(counts[h] <= (st == h).sum() for h in counts.index)
        # the rest follows the strata's remaining units: a bigger stratum never gets fewer
        assert counts["p / youth"] >= counts["q / farmers"] >= counts["p / no line"]
        assert np.allclose(s["weight"], s["stratum_units"] / s["stratum_sampled"])
    assert len(stratified_sample(acts, 1000)) == len(acts)
    few = stratified_sample(acts, 3, seed=1)
    assert len(few) == 3 and few["stratum"].nunique() == 3


def test_sample_depends_on_the_seed_only():
    acts = _actions({("p", "youth"): 30, ("p", "none"): 30, ("q", "youth"): 30})
    a, b = stratified_sample(acts, 12, seed=1), stratified_sample(acts, 12, seed=1)
    assert a.equals(b)
    assert not a["action_id"].equals(stratified_sample(acts, 12, seed=2)["action_id"])
    assert allocate({"a": 3, "b": 0, "c": 7}, 4) == {"a": 2, "b": 0, "c": 2} or \
        sum(allocate({"a": 3, "b": 0, "c": 7}, 4).values()) == 4


def test_alpha_closed_form_matches_the_krippendorff_package():
    import krippendorff

    from analysis.exchange.score import alpha_binary

    rnd = np.random.default_rng(7)
    for _ in range(200):
        n = int(rnd.integers(2, 40))
        a = rnd.random(n) < rnd.random()
        b = np.where(rnd.random(n) < 0.2, ~a, a)
        mine = alpha_binary((a & b).sum(), (a & ~b).sum(), (~a & b).sum(), n)
        if len(set(a) | set(b)) < 2:
            assert np.isnan(mine)
            continue
        ref = krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float), level_of_measurement="nominal")
        assert mine == pytest.approx(ref, abs=1e-12)


# ------------------------------------------------------------------------------------------------ the sample
@pytest.fixture(scope="module")
def sample(build, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "sample.qdpx"
    size = strata(pd.read_csv(build / "actions.csv")).nunique() + 6  # a unit per stratum and six more
    proc = _run("validation-sample", "--size", str(size), "--seed", "5", "--out", str(out), "--processed", str(build))
    assert proc.returncode == 0, proc.stderr
    return out


def _project(path: Path) -> tuple[ET.Element, dict[str, bytes]]:
    z = zipfile.ZipFile(path)
    entries = {i.filename: z.read(i) for i in z.infolist() if not i.filename.endswith("/")}
    return ET.fromstring(entries["project.qde"]), entries


def _codes(root: ET.Element) -> dict[tuple[str, ...], str]:
    """``{(dimension, id, id…): guid}`` from the project's code names (``cast 科协`` -> ``cast``)."""
    out = {}

    def walk(el, prefix):
        for c in el:
            if c.tag != f"{{{NS}}}Code":
                continue
            name = c.get("name")
            key = (TOPS.get(name, name),) if not prefix else prefix + (name.split()[0],)
            out[key] = c.get("guid")
            walk(c, key)

    walk(root.find(f"{{{NS}}}CodeBook/{{{NS}}}Codes"), ())
    return out


def test_sample_is_a_valid_project_with_an_empty_code_system_and_a_manual(build, sample):
    from analysis.exchange import validate_qdpx

    assert validate_qdpx(sample) == []
    root, entries = _project(sample)
    assert not list(root.iter(f"{{{NS}}}PlainTextSelection")) and not list(root.iter(f"{{{NS}}}Coding"))
    units = [s.get("name") for s in root.iter(f"{{{NS}}}TextSource")]
    actions = pd.read_csv(build / "actions.csv")
    assert len(units) == strata(actions).nunique() + 6 and set(units) <= set(actions["action_id"])
    assert {strata(actions).set_axis(actions["action_id"])[u] for u in units} == set(strata(actions))  # every stratum
    codes = _codes(root)
    assert {k[0] for k in codes} == set(TOPS.values()) | {"Sample"}
    from analysis.coding.codebook import load_codebook

    cb = load_codebook(build / "codebook.yaml")
    assert {("departments", c.id, "lead") for c in cb.categories} <= set(codes)  # the codebook, used or not
    manual = sample.with_name("sample-manual.md").read_text(encoding="utf-8")
    html = sample.with_name("sample-manual.html").read_text(encoding="utf-8")
    for c in cb.categories:
        assert f"{c.id} {c.zh}" in manual
    for u in units:
        assert f"`{u}`" in manual
    assert "<script" not in html and "Content-Security-Policy" in html
    # each unit's text: the headings line, then the unit's own text from the plan
    text = {s.get("name"): entries[f"sources/{s.get('plainTextPath')[len('internal://'):]}"].decode("utf-8")
            for s in root.iter(f"{{{NS}}}TextSource")}
    act = actions.set_index("action_id")
    for u, t in text.items():
        assert t.startswith("上级标题 headings: ")
        assert str(act.at[u, "text"]).strip() in t


def test_sample_is_deterministic_and_refuses_what_it_did_not_write(build, sample, tmp_path):
    again = tmp_path / "sample.qdpx"
    size = str(len(_project(sample)[0].findall(f".//{{{NS}}}TextSource")))
    proc = _cli("validation-sample", "--size", size, "--seed", "5", "--out", str(again), "--processed", str(build))
    assert proc.returncode == 0, proc.stderr
    for name in ("sample.qdpx", "sample-manual.md", "sample-manual.html"):
        assert (tmp_path / name).read_bytes() == sample.with_name(name).read_bytes(), name
    # ours, unchanged: may be replaced; somebody else's: refused, untouched, nothing left behind
    proc = _cli("validation-sample", "--size", "9", "--seed", "1", "--out", str(again), "--processed", str(build))
    assert proc.returncode == 0, proc.stderr
    theirs = tmp_path / "theirs.qdpx"
    theirs.write_bytes(b"not ours")
    proc = _cli("validation-sample", "--size", "9", "--out", str(theirs), "--processed", str(build))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr and theirs.read_bytes() == b"not ours"
    assert not (tmp_path / "theirs-manual.md").exists()
    edited = tmp_path / "sample-manual.md"
    edited.write_text("my notes", encoding="utf-8")
    proc = _cli("validation-sample", "--size", "9", "--out", str(again), "--processed", str(build))
    assert proc.returncode == 2 and edited.read_text(encoding="utf-8") == "my notes"
    proc = _cli("validation-sample", "--size", "9", "--out", str(again), "--processed", str(build), "--force")
    assert proc.returncode == 0 and edited.read_text(encoding="utf-8") != "my notes"
    proc = _cli("validation-sample", "--size", "9", "--out", str(tmp_path / "s.zip"), "--processed", str(build))
    assert proc.returncode == 2 and ".qdpx" in proc.stderr
    assert not list(tmp_path.glob(".*.tmp"))


# ------------------------------------------------------------------------------------------------ coding it
def _package_truth(build: Path, units: list[str]) -> dict[str, set]:
    """The package's codes of each unit, from its tables (code keys as ids; parents included)."""
    from analysis.coding.codebook import load_codebook

    cb = load_codebook(build / "codebook.yaml")
    out = {u: set() for u in units}

    def add(u, *key):
        for i in range(2, len(key) + 1):
            out[u].add(key[:i])

    for r in pd.read_csv(build / "group_mentions.csv").itertuples():
        if r.action_id in out:
            add(r.action_id, "groups", r.group)
    for r in pd.read_csv(build / "actions.csv").itertuples():
        if r.action_id in out and isinstance(r.group, str):
            add(r.action_id, "group_lines", r.group)
    for r in pd.read_csv(build / "assignments.csv").itertuples():
        if r.action_id in out:
            cat = r.category if isinstance(r.category, str) else "uncoded"
            add(r.action_id, "departments", cat, *([r.role] if isinstance(r.role, str) else []))
    for r in pd.read_csv(build / "targets.csv").itertuples():
        if r.action_id in out:
            add(r.action_id, "commitments", cb.unit_class(str(r.unit)))
    for r in pd.read_csv(build / "instruments.csv").itertuples():
        if r.action_id in out:
            add(r.action_id, "instruments", r.kind, r.code)
    return out


def _write_coding(sample: Path, dst: Path, coded: dict[str, set], codes: dict, extra: dict | None = None) -> None:
    """*sample* with a coded selection per unit and code of *coded* (leaf keys), as a QDA program exports it.

    *extra*: ``{"rename": key, "new_code": (name, units), "header": {unit: key}, "unchecked": unit}``.
    """
    extra = extra or {}
    ET.register_namespace("", NS)
    root, entries = _project(sample)
    new_guid = "0F0F0F0F-0000-4000-8000-000000000001"
    book = root.find(f"{{{NS}}}CodeBook/{{{NS}}}Codes")
    for c in root.iter(f"{{{NS}}}Code"):
        if extra.get("rename") and c.get("guid") == codes[extra["rename"]]:
            c.set("name", "renamed by the coder")
    if extra.get("new_code"):
        ET.SubElement(book, f"{{{NS}}}Code", {"guid": new_guid, "name": extra["new_code"][0], "isCodable": "true"})
    n = 0

    def select(src, s, e, guid, text):
        nonlocal n
        n += 1
        sel = ET.SubElement(src, f"{{{NS}}}PlainTextSelection", {
            "guid": f"1A1A1A1A-0000-4000-8000-{n:012d}", "name": text[s:e][:30], "startPosition": str(s),
            "endPosition": str(e)})
        coding = ET.SubElement(sel, f"{{{NS}}}Coding", {"guid": f"2B2B2B2B-0000-4000-8000-{n:012d}"})
        ET.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": guid})

    for src in root.iter(f"{{{NS}}}TextSource"):
        u = src.get("name")
        text = entries[f"sources/{src.get('plainTextPath')[len('internal://'):]}"].decode("utf-8")
        head = text.index("\n\n") + 2
        for key in sorted(coded.get(u, ())):
            word = key[-1] if key[0] == "groups" else ""
            at = text.find(word, head) if word else -1
            s, e = (at, at + len(word)) if at >= 0 else (head, len(text) - 1)
            select(src, s, e, codes[key], text)
        if u in extra.get("header", {}):
            select(src, 0, head - 2, codes[extra["header"][u]], text)
        if extra.get("new_code") and u in extra["new_code"][1]:
            select(src, head, head + 2, new_guid, text)
        if u != extra.get("unchecked"):
            select(src, head, head + 1, codes[("Sample", "checked")], text)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, data in entries.items():
            if name != "project.qde":
                z.writestr(name, data)
    dst.write_bytes(buf.getvalue())


def _leaves(keys) -> set:
    keys = set(keys)
    return {k for k in keys if not any(len(o) == len(k) + 1 and o[:len(k)] == k for o in keys)}


def _with_parents(leaf_sets: dict[str, set]) -> dict[str, set]:
    return {u: {k[:i] for k in ks for i in range(2, len(k) + 1)} for u, ks in leaf_sets.items()}


@pytest.fixture(scope="module")
def coded(build, sample, tmp_path_factory):
    """Three codings of the sample (two coders, an adjudicator), what each one means, and the CLI's output."""
    folder = tmp_path_factory.mktemp("coded")
    root, _ = _project(sample)
    codes = _codes(root)
    units = [s.get("name") for s in root.iter(f"{{{NS}}}TextSource")]
    truth = _package_truth(build, units)
    leaves = sorted(_leaves(k for k in codes if len(k) >= 2 and k[0] != "Sample"))
    rnd = random.Random(11)

    def perturb(p: float) -> dict[str, set]:
        out = {}
        for u in units:
            have = {k for k in truth[u] if k in leaves}
            for k in leaves:
                if rnd.random() < p:
                    have ^= {k}
            out[u] = have
        return out

    a, b, c = perturb(0.04), perturb(0.06), perturb(0.01)
    group_codes = [k for k in leaves if k[0] == "group_lines"]
    mention_codes = [k for k in leaves if k[0] == "groups"]
    hdr_unit = units[0]
    header = {hdr_unit: group_codes[0]}  # a group line coded on the headings line: counts
    bad_unit = units[1]
    bad = next(k for k in mention_codes if k not in a[bad_unit])
    renamed = sorted(a[units[2]])[0] if a[units[2]] else leaves[0]
    _write_coding(sample, folder / "coder_a.qdpx", a, codes,
                  {"rename": renamed, "new_code": ("my own code", units[:3]), "header": header})
    _write_coding(sample, folder / "coder_b.qdpx", b, codes, {"header": {bad_unit: bad}, "unchecked": units[-1]})
    _write_coding(sample, folder / "adjudicated.qdpx", c, codes)
    a[hdr_unit] = a[hdr_unit] | {group_codes[0]}  # counts; B's mention in the headings line does not
    proc = _cli("validation-score", str(folder / "coder_a.qdpx"), str(folder / "coder_b.qdpx"), "--adjudicated",
                str(folder / "adjudicated.qdpx"), "--processed", str(build), "--scores", str(folder / "scores.csv"),
                "--confusion", str(folder / "confusion.csv"))
    scored = [u for u in units if u != units[-1]]
    return {"folder": folder, "proc": proc, "build": build, "units": scored, "truth": _with_parents(truth), "leaves": leaves,
            "a": _with_parents(a), "b": _with_parents(b), "c": _with_parents(c), "codes": codes}


def _vec(sets: dict[str, set], units: list[str], key) -> np.ndarray:
    return np.array([key in sets[u] for u in units], dtype=float)


def test_scores_match_an_independent_computation(coded):
    import krippendorff

    proc = coded["proc"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    scores = pd.read_csv(coded["folder"] / "scores.csv", keep_default_na=False, na_values=[""])
    scores["code"] = scores["code"].fillna("")
    units, truth, a, b, c = coded["units"], coded["truth"], coded["a"], coded["b"], coded["c"]
    keys = [k for k in coded["codes"] if len(k) >= 2 and k[0] != "Sample"]
    coders = scores[scores["comparison"] == "coders"].set_index(["dimension", "code"])
    pkg = scores[(scores["comparison"] == "package") & (scores["reference"] == "adjudicated")].set_index(
        ["dimension", "code"])
    assert set(scores["reference"]) == {"coder_a", "adjudicated"}
    assert (scores["n_units"] == len(units)).all()  # the unit coder_b left unchecked is not scored
    checked = 0
    for k in keys:
        idx = (k[0], "/".join(k[1:]))
        va, vb, vc, vp = (_vec(s, units, k) for s in (a, b, c, truth))
        row = coders.loc[idx]
        assert (row["n_reference"], row["n_compared"], row["n_both"]) == (va.sum(), vb.sum(), (va * vb).sum()), k
        if len(set(va) | set(vb)) > 1:
            ref = krippendorff.alpha(reliability_data=np.vstack([va, vb]), level_of_measurement="nominal")
            assert row["alpha"] == pytest.approx(ref, abs=1e-5), k
            checked += 1
        else:
            assert np.isnan(row["alpha"])
        p = pkg.loc[idx]
        tp, fp, fn = (vc * vp).sum(), ((1 - vc) * vp).sum(), (vc * (1 - vp)).sum()
        assert (p["n_both"], p["n_compared"], p["n_reference"]) == (tp, tp + fp, tp + fn), k
        if tp + fp:
            assert p["precision"] == pytest.approx(tp / (tp + fp), abs=1e-5)
            assert p["precision_lo"] <= p["precision"] <= p["precision_hi"]
        if tp + fn:
            assert p["recall"] == pytest.approx(tp / (tp + fn), abs=1e-5)
        if 2 * tp + fp + fn:
            assert p["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-5)
    assert checked > 20
    # a dimension pools its leaf codes: unit × leaf-code decisions
    leaves = coded["leaves"]
    for dim in dict.fromkeys(k[0] for k in leaves):
        mine = [k for k in leaves if k[0] == dim]
        va = np.concatenate([_vec(a, units, k) for k in mine])
        vb = np.concatenate([_vec(b, units, k) for k in mine])
        ref = krippendorff.alpha(reliability_data=np.vstack([va, vb]), level_of_measurement="nominal")
        row = coders.loc[(dim, "")]
        assert row["alpha"] == pytest.approx(ref, abs=1e-5), dim
        assert row["alpha_lo"] <= row["alpha"] + 1e-9 and row["alpha"] <= row["alpha_hi"] + 1e-9
    # the printed report names the files, the unit left out and the code the coder added
    out = proc.stdout
    assert "units scored: " + str(len(units)) in out and "not marked checked by coder_b" in out
    assert "my own code" in out


def test_confusion_counts_are_what_a_correction_reads(coded):
    conf = pd.read_csv(coded["folder"] / "confusion.csv", keep_default_na=False)
    assert list(conf.columns[:7]) == ["reference", "dimension", "code", "leaf", "true", "predicted", "count"]
    units, truth, c = coded["units"], coded["truth"], coded["c"]
    conf = conf.set_index(["dimension", "code", "true", "predicted"])
    for k in [k for k in coded["codes"] if len(k) >= 2 and k[0] != "Sample"]:
        vc, vp = _vec(c, units, k).astype(bool), _vec(truth, units, k).astype(bool)
        for t in (True, False):
            for p in (True, False):
                assert conf.loc[(k[0], "/".join(k[1:]), t, p), "count"] == int(((vc == t) & (vp == p)).sum()), k
    sums = conf.groupby(level=["dimension", "code"])["count"].sum()
    assert (sums == len(units)).all()


def test_score_without_adjudication_scores_the_package_against_each_coder(coded, tmp_path):
    f = coded["folder"]
    proc = _cli("validation-score", str(f / "coder_a.qdpx"), str(f / "coder_b.qdpx"),
                "--processed", str(coded["build"]), "--scores", str(tmp_path / "s.csv"),
                "--confusion", str(tmp_path / "c.csv"))
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_csv(tmp_path / "s.csv")
    assert set(scores.loc[scores["comparison"] == "package", "reference"]) == {"coder_a", "coder_b"}
    conf = pd.read_csv(tmp_path / "c.csv")
    assert set(conf["reference"]) == {"coder_a", "coder_b"}


def test_score_refuses_hostile_or_foreign_files(coded, tmp_path):
    f, build = coded["folder"], coded["build"]
    # somebody else's CSV is not overwritten; --force replaces it; the extension is checked
    theirs = tmp_path / "scores.csv"
    theirs.write_text("mine\n", encoding="utf-8")
    args = [str(f / "coder_a.qdpx"), str(f / "coder_b.qdpx"), "--processed", str(build), "--scores", str(theirs),
            "--confusion", str(tmp_path / "conf.csv")]
    proc = _cli("validation-score", *args)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and theirs.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "conf.csv").exists()
    proc = _cli("validation-score", *args, "--force")
    assert proc.returncode == 0 and theirs.read_text(encoding="utf-8") != "mine\n"
    proc = _cli("validation-score", *args[:4], "--scores", str(tmp_path / "s.xlsx"))
    assert proc.returncode == 2 and ".csv" in proc.stderr
    # a DTD with entities (billion laughs) is refused before anything is expanded
    root, entries = _project(f / "coder_a.qdpx")
    xml = entries["project.qde"].decode("utf-8")
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
            + xml.split("?>", 1)[1].replace("my own code", "&b;"))
    hostile = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(hostile, "w") as z:
        z.writestr("project.qde", bomb)
    proc = _cli("validation-score", str(hostile), str(f / "coder_b.qdpx"), "--processed", str(build),
                "--scores", str(tmp_path / "x.csv"), "--confusion", str(tmp_path / "y.csv"))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "DTD" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "x.csv").exists()
    garbage = tmp_path / "garbage.qdpx"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    proc = _cli("validation-score", str(garbage), str(f / "coder_b.qdpx"), "--processed", str(build))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_oversized_project_member_is_refused_before_it_is_read(coded, tmp_path, monkeypatch):
    from analysis.errors import BuildError
    from analysis.exchange import coder_files
    from analysis.exchange.sample import code_system

    big = tmp_path / "big.qdpx"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", b"<Project>" + b" " * 3_000_000 + b"</Project>")
    assert big.stat().st_size < 100_000  # a small file that unpacks large
    monkeypatch.setattr(coder_files, "MAX_PROJECT_BYTES", 1_000_000)
    with pytest.raises(BuildError, match="limit"):
        coder_files.read_coding(big, code_system(coded["build"]), [])
