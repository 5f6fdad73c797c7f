"""REFI-QDA exchange: the export validates, selects the right text, is deterministic; the import audits edits.

The main fixture exports a snapshot of data/processed (copied to a temporary folder, never written);
a small synthetic processed folder holds characters outside the Basic Multilingual Plane before and
inside coded spans, for the position rule.
"""
from __future__ import annotations

import io
import shutil
import sys
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.errors import BuildError
from analysis.exchange import (codepoints_to_utf16, coded_selections, export_qdpx, format_agreement,
                               from_refi_position, import_qdpx, schema_path, to_refi_position,
                               utf16_to_codepoints, validate_qdpx)
from analysis.exchange import constants as Q

NS = {"q": Q.NS}
PROCESSED = paths.PROCESSED


# ------------------------------------------------------------------------------------------------ helpers
def _read_zip(path: Path) -> tuple[ET.Element, dict[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    return ET.fromstring(files["project.qde"]), files


def _write_zip(path: Path, root: ET.Element, files: dict[str, bytes]) -> Path:
    """A project as another tool might write it: same sources, edited XML (namespace prefix ns0:)."""
    files = dict(files)
    files["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            if not name.endswith("/"):
                z.writestr(name, data)
    return path


def _code_guid(root: ET.Element, *names: str) -> str:
    """GUID of the code at name path *names*."""
    el = root.find("q:CodeBook/q:Codes", NS)
    for n in names:
        el = next(c for c in el.findall("q:Code", NS) if c.get("name") == n)
    return el.get("guid")


def _selections_of(root: ET.Element, guid: str) -> list[tuple[ET.Element, ET.Element, ET.Element]]:
    """(source, selection, coding) of every coding of code *guid*."""
    out = []
    for src in root.iter(f"{{{Q.NS}}}TextSource"):
        for sel in src.findall("q:PlainTextSelection", NS):
            for coding in sel.findall("q:Coding", NS):
                if coding.find("q:CodeRef", NS).get("targetGUID") == guid:
                    out.append((src, sel, coding))
    return out


def _source_text(root: ET.Element, files: dict[str, bytes], src: ET.Element) -> str:
    name = src.get("plainTextPath").removeprefix("internal://")
    return files[f"sources/{name}"].decode("utf-8")


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    if not (PROCESSED / "documents.csv").is_file():
        pytest.skip("data/processed not built (run `python -m analysis build`)")
    dst = tmp_path_factory.mktemp("processed") / "processed"
    shutil.copytree(PROCESSED, dst)
    return dst


@pytest.fixture(scope="module")
def exported(processed, tmp_path_factory) -> Path:
    return export_qdpx(tmp_path_factory.mktemp("qdpx") / "plans.qdpx", processed)


@pytest.fixture(scope="module")
def project(exported):
    return _read_zip(exported)


# ------------------------------------------------------------------------------------------------ export
def test_export_validates_against_the_schema(exported):
    xsd = schema_path()
    assert xsd is not None, "Project-mrt2019.xsd not found (analysis/resources or ../shared/refi-qda)"
    assert validate_qdpx(exported) == []
    import xmlschema  # and straight through xmlschema, without the package's own checks

    with zipfile.ZipFile(exported) as z:
        xmlschema.XMLSchema(str(xsd)).validate(io.BytesIO(z.read("project.qde")))


def test_zip_layout(exported):
    with zipfile.ZipFile(exported) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names[0] == "project.qde"
    assert names[1:] == sorted(names[1:]) and all(n.startswith("sources/") for n in names[1:])
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


def test_every_text_is_a_source_and_every_plan_a_case(project, processed):
    root, files = project
    docs = pd.read_csv(processed / "documents.csv", dtype=str)
    sources = {s.get("name"): s for s in root.iter(f"{{{Q.NS}}}TextSource")}
    assert list(sources) == list(docs["jurisdiction"])
    for j, src in sources.items():
        assert src.get("plainTextPath") == f"internal://{src.get('guid')}.txt"
        assert files[f"sources/{src.get('guid')}.txt"] == (processed / "text" / f"{j}.txt").read_bytes()
    variables = {v.get("guid"): v for v in root.iter(f"{{{Q.NS}}}Variable")}
    types = {v.get("name"): v.get("typeOfVariable") for v in variables.values()}
    assert types["name_zh"] == "Text" and types["issued"] == "Date" and types["period_start"] == "Integer"
    assert types["literacy_target_pct"] == "Float" and types["assigns_departments"] == "Boolean"
    assert types["n_actions"] == "Integer" and types["role"] == "Text"
    cases = list(root.iter(f"{{{Q.NS}}}Case"))
    assert [c.get("name") for c in cases] == list(docs["jurisdiction"])
    for case, row in zip(cases, docs.to_dict("records")):
        assert case.find("q:SourceRef", NS).get("targetGUID") == sources[row["jurisdiction"]].get("guid")
        values = {}
        for vv in case.findall("q:VariableValue", NS):
            var = variables[vv.find("q:VariableRef", NS).get("targetGUID")]
            values[var.get("name")] = vv[1]
        assert values["name_zh"].text == row["name_zh"]
        if isinstance(row["issued"], str) and row["issued"]:
            assert values["issued"].tag == f"{{{Q.NS}}}DateValue" and values["issued"].text == row["issued"]
        else:  # a plan that states no issue date has no value, never an invented one
            assert "issued" not in values
        assert int(values["n_actions"].text) == int(row["n_actions"])
        if isinstance(row["literacy_target_pct"], str):
            assert float(values["literacy_target_pct"].text) == float(row["literacy_target_pct"])
        assert values["assigns_departments"].text == row["assigns_departments"].lower()


def test_code_tree(project, processed):
    root, _ = project
    codes = root.find("q:CodeBook/q:Codes", NS)
    tops = [c.get("name") for c in codes.findall("q:Code", NS)]
    assert tops[:3] == ["Target groups", "Group lines", "Departments"]
    assert {"Commitments", "Actions"} <= set(tops)
    assert ("Clusters" in tops) == (processed / "clusters.csv").is_file()
    assert ("Instruments" in tops) == (processed / "instruments.csv").is_file()
    assert _code_guid(root, "Target groups", "youth 青少年")
    dep = next(c for c in codes.findall("q:Code", NS) if c.get("name") == "Departments")
    cats = dep.findall("q:Code", NS)
    assert cats[-1].get("name").startswith("uncoded")
    assert {c.get("name").split()[0] for c in cats} >= set(pd.read_csv(processed / "assignments.csv")["category"])
    for cat in cats:
        assert [r.get("name").split()[0] for r in cat.findall("q:Code", NS)][:3] == ["lead", "cooperating",
                                                                                    "responsible"]
    guids = [c.get("guid") for c in root.iter(f"{{{Q.NS}}}Code")]
    assert len(guids) == len(set(guids))
    # deterministic GUIDs: a UUID 5 of the fixed namespace and the code's key
    assert _code_guid(root, "Target groups", "youth 青少年") == \
        str(uuid.uuid5(Q.GUID_NAMESPACE, "\x1f".join(("code", "groups", "youth")))).upper()


def test_each_selection_selects_its_text(project, processed):
    """Read back from the zip: the source text at each selection's positions is the normalised text there."""
    root, files = project
    n = 0
    for src in root.iter(f"{{{Q.NS}}}TextSource"):
        zipped = _source_text(root, files, src)
        text = (processed / "text" / f"{src.get('name')}.txt").read_bytes().decode("utf-8")
        for sel in src.findall("q:PlainTextSelection", NS):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            ps, pe = from_refi_position(zipped, s), from_refi_position(zipped, e)
            assert zipped[ps:pe] == text[s:e] and pe > ps
            assert sel.get("name").removesuffix("…")[:20] == " ".join(text[s:e].split())[:20]
            n += 1
    sel = coded_selections(processed)
    assert n == len(sel[["jurisdiction", "start", "end"]].drop_duplicates())
    # the evidence columns the tables say equal the text at their offsets
    for table, column, top in (("group_mentions", "term", "Target groups"), ("assignments", "printed", "Departments"),
                               ("targets", "span", "Commitments"), ("actions", "text", "Actions")):
        df = pd.read_csv(processed / f"{table}.csv", dtype={column: str})
        got = sel[sel["code"].str.startswith(top + " > ")]
        assert len(got) == len(df)
        assert sorted(got["text"]) == sorted(df[column])


def test_every_coded_fact_is_a_coding(project, processed):
    root, _ = project
    sel = coded_selections(processed)
    codings = sum(1 for _ in root.iter(f"{{{Q.NS}}}Coding"))
    assert codings == len(sel.drop_duplicates(["code", "jurisdiction", "start", "end"]))
    n_instruments = len(pd.read_csv(processed / "instruments.csv")) if (processed / "instruments.csv").is_file() else 0
    assert (sel["code"].str.startswith("Instruments > ")).sum() == n_instruments
    if (processed / "clusters.csv").is_file():
        assert (sel["code"].str.startswith("Clusters > ")).sum() == len(pd.read_csv(processed / "clusters.csv"))


def test_export_is_byte_deterministic(exported, processed, tmp_path):
    again = export_qdpx(tmp_path / "again.qdpx", processed)
    assert again.read_bytes() == exported.read_bytes()


# ------------------------------------------------------------------------------------------------ import
def test_round_trip_agrees_perfectly(exported, processed):
    df = import_qdpx(exported, processed)
    assert list(df.columns) == Q.AGREEMENT_COLUMNS
    used = df[df["n_package"] > 0]
    assert len(used) > 20
    assert (used["n_human"] == used["n_package"]).all()
    for col in ("precision", "recall", "f1", "alpha"):
        assert (used[col] == 1.0).all(), used[used[col] != 1.0][["code", col]]
    assert set(df["match"]) == {"guid"}
    assert df.attrs["sources"] == list(pd.read_csv(processed / "documents.csv")["jurisdiction"])
    assert not df.attrs["problems"] and not df.attrs["text_changed"] and not df.attrs["positions"]
    report = format_agreement(df)
    assert "precision 1.000  recall 1.000  F1 1.000  median alpha 1.000" in report
    rolled = import_qdpx(exported, processed, rollup=True)
    cat = rolled[rolled["code"] == "Departments > cast 科协"].iloc[0]
    roles = df[df["code"].str.startswith("Departments > cast 科协 > ")]
    assert cat["n_package"] == roles["n_package"].sum() > 0 and cat["alpha"] == 1.0


def test_a_human_edit_lowers_only_the_edited_code(project, processed, tmp_path):
    root, files = project
    root = ET.fromstring(ET.tostring(root))  # a copy to edit
    youth = _code_guid(root, "Target groups", "youth 青少年")
    hits = _selections_of(root, youth)
    assert len(hits) >= 6
    for _, sel, coding in hits[:3]:  # the coder removes three codings
        sel.remove(coding)
    src, sel, coding = hits[3]  # … moves one selection two characters on
    sel.remove(coding)
    moved = ET.SubElement(src, f"{{{Q.NS}}}PlainTextSelection", {
        "guid": str(uuid.uuid4()), "startPosition": str(int(sel.get("startPosition")) + 2),
        "endPosition": str(int(sel.get("endPosition")) + 2)})
    moved.append(coding)
    # … renames a code and moves it elsewhere (same GUID), adds a code of their own with a selection
    farmers = next(c for c in root.iter(f"{{{Q.NS}}}Code") if c.get("name") == "farmers 农民")
    farmers.set("name", "Farmers (all wordings)")
    codes = root.find("q:CodeBook/q:Codes", NS)
    for parent in root.iter(f"{{{Q.NS}}}Code"):
        if farmers in list(parent):
            parent.remove(farmers)
            break
    codes.append(farmers)
    mine = ET.SubElement(codes, f"{{{Q.NS}}}Code", {"guid": str(uuid.uuid4()), "name": "Women", "isCodable": "true"})
    first = next(root.iter(f"{{{Q.NS}}}TextSource"))
    extra = ET.SubElement(first, f"{{{Q.NS}}}PlainTextSelection", {"guid": str(uuid.uuid4()), "startPosition": "10",
                                                                     "endPosition": "20"})
    ET.SubElement(ET.SubElement(extra, f"{{{Q.NS}}}Coding", {"guid": str(uuid.uuid4())}), f"{{{Q.NS}}}CodeRef",
                  {"targetGUID": mine.get("guid")})
    # … and their tool gave the safeguard code a new GUID (matched by its name path instead)
    safeguard = next(c for c in root.iter(f"{{{Q.NS}}}Code") if c.get("name") == "safeguard 保障措施")
    old, new = safeguard.get("guid"), str(uuid.uuid4()).upper()
    safeguard.set("guid", new)
    for ref in root.iter(f"{{{Q.NS}}}CodeRef"):
        if ref.get("targetGUID") == old:
            ref.set("targetGUID", new)
    edited = _write_zip(tmp_path / "edited.qdpx", root, files)
    assert validate_qdpx(edited) == []

    df = import_qdpx(edited, processed).set_index("code")
    row = df.loc["Target groups > youth 青少年"]
    assert row["n_package"] == len(hits) and row["n_human"] == len(hits) - 3
    assert row["precision"] < 1.0 and row["f1"] < 1.0 and row["alpha"] < 1.0
    others = df[(df["n_package"] > 0) & (df.index != "Target groups > youth 青少年")]
    for col in ("precision", "recall", "f1", "alpha"):
        assert (others[col] == 1.0).all(), others[others[col] != 1.0][[col]]
    assert df.loc["Target groups > farmers 农民", "match"] == "guid"
    assert df.loc["Target groups > farmers 农民", "human_code"] == "Farmers (all wordings)"
    assert df.loc["Actions > safeguard 保障措施", "match"] == "path"
    women = df.loc["Women"]
    assert women["match"] == "project only" and women["n_human"] == 1 and women["n_package"] == 0
    assert women["human_chars"] == 10 and np.isnan(women["precision"]) and women["recall"] == 0.0
    report = format_agreement(df.reset_index())
    line = next(x for x in report.splitlines() if x.startswith("Target groups > youth"))
    assert line.endswith("*")
    assert "1 only in the project" in report

    # the closed-form alpha is Krippendorff's (the krippendorff package on the same character units)
    import krippendorff

    n_units = sum(len((processed / "text" / f"{j}.txt").read_text(encoding="utf-8")) for j in df.attrs["sources"])
    a11 = int(row["overlap_chars"])
    a10, a01 = int(row["human_chars"]) - a11, int(row["package_chars"]) - a11
    human = np.r_[np.ones(a11 + a10), np.zeros(a01), np.zeros(n_units - a11 - a10 - a01)]
    package = np.r_[np.ones(a11), np.zeros(a10), np.ones(a01), np.zeros(n_units - a11 - a10 - a01)]
    expected = krippendorff.alpha(reliability_data=np.vstack([human, package]), level_of_measurement="nominal")
    assert row["alpha"] == pytest.approx(expected, abs=1e-9)


def test_removed_sources_are_not_compared(project, processed, tmp_path):
    root, files = project
    root = ET.fromstring(ET.tostring(root))
    sources = root.find("q:Sources", NS)
    gone = sources.findall("q:TextSource", NS)[0]
    sources.remove(gone)
    for cases in root.findall("q:Cases", NS):
        for case in cases.findall("q:Case", NS):
            if case.get("name") == gone.get("name"):
                cases.remove(case)
    df = import_qdpx(_write_zip(tmp_path / "fewer.qdpx", root, files), processed)
    assert gone.get("name") not in df.attrs["sources"]
    used = df[df["n_package"] > 0]
    assert (used["alpha"] == 1.0).all() and (used["n_human"] == used["n_package"]).all()


# ------------------------------------------------------------------------------------------------ positions
def test_position_helpers():
    text = "前𠀀言😀。"  # two characters outside the BMP
    assert [to_refi_position(text, i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert [codepoints_to_utf16(text, p) for p in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [utf16_to_codepoints(text, u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        utf16_to_codepoints(text, 2)  # inside the surrogate pair of 𠀀
    # a string holding 𠀀 as a surrogate pair (two code units): the pair is one position
    paired = "前\ud840\udc00言"
    assert [to_refi_position(paired, i) for i in (0, 1, 3, 4)] == [0, 1, 2, 3]
    assert [from_refi_position(paired, p) for p in range(4)] == [0, 1, 3, 4]
    assert codepoints_to_utf16(paired, 2) == 3
    with pytest.raises(ValueError):
        to_refi_position(paired, 2)
    with pytest.raises(ValueError):
        from_refi_position(text, 6)


SYNTH_TEXT = ("前言𠀀𠀁：本方案。\n"
              "（一）实施青少年科学素质提升行动\n"
              "加强青少年科学教育😀，组织老年人参加活动。（区教育局、区科协负责）\n")


@pytest.fixture()
def synth(tmp_path) -> Path:
    """A processed folder of one plan whose text has non-BMP characters before and inside coded spans."""
    folder = tmp_path / "synth"
    (folder / "text").mkdir(parents=True)
    (folder / "text" / "synth.txt").write_bytes(SYNTH_TEXT.encode("utf-8"))
    t = SYNTH_TEXT
    a_start = t.index("加强")
    a_end = t.index("（区教育局")
    pd.DataFrame([{"jurisdiction": "synth", "name_zh": "测试县", "name_en": "Test County", "level": "county",
                   "province": "", "role": "plan", "issued": "2022-05-01", "period_start": 2021, "period_end": 2025,
                   "literacy_target_pct": 15.5, "n_actions": 1, "assigns_departments": True}]).to_csv(
        folder / "documents.csv", index=False)
    pd.DataFrame([{"action_id": "synth-001", "jurisdiction": "synth", "seq": 1, "kind": "action",
                   "path": "（一）实施青少年科学素质提升行动", "text": t[a_start:a_end], "group": "youth",
                   "start": a_start, "end": a_end}]).to_csv(folder / "actions.csv", index=False)
    mentions = [(m, g) for m, g in (("青少年", "youth"), ("老年人", "elderly"))]
    rows = []
    for term, g in mentions:
        s = t.index(term, a_start)
        rows.append({"action_id": "synth-001", "jurisdiction": "synth", "group": g, "term": term,
                     "start": s, "end": s + len(term)})
    pd.DataFrame(rows).to_csv(folder / "group_mentions.csv", index=False)
    rows = []
    for name, cat in (("区教育局", "education"), ("区科协", "cast")):
        s = t.index(name)
        rows.append({"action_id": "synth-001", "jurisdiction": "synth", "department": name, "printed": name,
                     "category": cat, "collective": False, "role": "responsible", "open_ended": False,
                     "source": "parenthesis", "start": s, "end": s + len(name)})
    pd.DataFrame(rows).to_csv(folder / "assignments.csv", index=False)
    return folder


def test_non_bmp_positions_round_trip(synth, tmp_path):
    out = export_qdpx(tmp_path / "synth.qdpx", synth)
    assert validate_qdpx(out) == []
    root, files = _read_zip(out)
    src = next(root.iter(f"{{{Q.NS}}}TextSource"))
    zipped = _source_text(root, files, src)
    assert zipped == SYNTH_TEXT
    assert files[src.get("plainTextPath").replace("internal://", "sources/")] == SYNTH_TEXT.encode("utf-8")  # no BOM
    positions = {sel.get("name"): (int(sel.get("startPosition")), int(sel.get("endPosition")))
                 for sel in src.findall("q:PlainTextSelection", NS)}
    s, e = positions["青少年"]
    # code points: 𠀀 and 𠀁 count one each, so the position is the Python offset …
    assert s == SYNTH_TEXT.index("青少年", SYNTH_TEXT.index("加强")) and zipped[s:e] == "青少年"
    # … and two less than the UTF-16 offset a .NET or Java tool would compute
    assert codepoints_to_utf16(zipped, s) == s + 2
    action = next(p for n, p in positions.items() if n.startswith("加强"))
    assert zipped[action[0]:action[1]].endswith("活动。") and "😀" in zipped[action[0]:action[1]]
    assert codepoints_to_utf16(zipped, action[1]) == action[1] + 3  # 😀 inside the span too
    df = import_qdpx(out, synth)
    used = df[df["n_package"] > 0]
    assert len(used) == 6 and (used["alpha"] == 1.0).all() and (used["f1"] == 1.0).all()


def test_a_new_dimension_gets_a_top_code(synth, tmp_path, monkeypatch):
    """A coding dimension registered later is exported without changes here (its start/end evidence)."""
    from analysis.coding import registry
    from analysis.coding.dimension import CodingDimension
    from analysis.schema import Column, Table

    class Tone(CodingDimension):
        name = "tone"
        table = Table("tones", "tones.csv", "extract", "one tone word in an action", (
            Column("action_id", "str", "the action"), Column("jurisdiction", "str", "its plan"),
            Column("kind", "str", "tone"), Column("start", "int", "start", "text"), Column("end", "int", "end", "text")))

    s = SYNTH_TEXT.index("加强")
    pd.DataFrame([{"action_id": "synth-001", "jurisdiction": "synth", "kind": "imperative", "start": s,
                   "end": s + 2}]).to_csv(synth / "tones.csv", index=False)
    monkeypatch.setattr(registry, "DIMENSIONS", registry.DIMENSIONS + (Tone(),))
    sel = coded_selections(synth)
    assert sel[sel["code"] == "Tone > imperative"]["text"].tolist() == ["加强"]
    out = export_qdpx(tmp_path / "tone.qdpx", synth)
    assert validate_qdpx(out) == []
    row = import_qdpx(out, synth).set_index("code").loc["Tone > imperative"]
    assert row["n_package"] == row["n_human"] == 1 and row["alpha"] == 1.0


def _rewrite_positions(root: ET.Element, convert) -> ET.Element:
    root = ET.fromstring(ET.tostring(root))
    for sel in root.iter(f"{{{Q.NS}}}PlainTextSelection"):
        for attr in ("startPosition", "endPosition"):
            sel.set(attr, str(convert(int(sel.get(attr)))))
    return root


def test_import_reads_what_other_tools_write(synth, tmp_path):
    """UTF-16 offsets; a text re-written with a BOM and Windows line breaks, counted either way."""
    out = export_qdpx(tmp_path / "synth.qdpx", synth)
    root, files = _read_zip(out)
    name = next(n for n in files if n.startswith("sources/") and n.endswith(".txt"))

    def perfect(df):
        used = df[df["n_package"] > 0]
        return len(used) == 6 and (used["alpha"] == 1.0).all()

    # a UTF-16 tool: every position after 𠀀𠀁 is two units further on
    utf16 = _write_zip(tmp_path / "utf16.qdpx", _rewrite_positions(root, lambda p: codepoints_to_utf16(SYNTH_TEXT, p)),
                       files)
    df = import_qdpx(utf16, synth)
    assert perfect(df) and df.attrs["positions"] == {"synth": "utf16"}
    forced = import_qdpx(utf16, synth, positions="codepoints")
    assert not perfect(forced)
    # BOM + CRLF, positions counted with a line break as one character (as the text shows in the tool)
    crlf = dict(files)
    crlf[name] = b"\xef\xbb\xbf" + SYNTH_TEXT.replace("\n", "\r\n").encode("utf-8")
    df = import_qdpx(_write_zip(tmp_path / "crlf1.qdpx", root, crlf), synth)
    assert perfect(df) and df.attrs["positions"] == {"synth": "codepoints_lf"}
    # … or counted in the stored text, \r included (the standard's reading)
    shift = _rewrite_positions(root, lambda p: p + SYNTH_TEXT.count("\n", 0, p))
    df = import_qdpx(_write_zip(tmp_path / "crlf2.qdpx", shift, crlf), synth)
    assert perfect(df) and df.attrs["text_changed"] == ["synth"] and not df.attrs["positions"]


def test_import_of_a_project_from_another_tool(synth):
    """The ATLAS.ti example of shared/refi-qda: codes of its own, no text of ours; read without error."""
    example = paths.ROOT.parent / "shared" / "refi-qda" / "target-atlas-project.qdpx"
    if not example.is_file():
        pytest.skip("shared/refi-qda not beside the repository")
    assert validate_qdpx(example) == []
    df = import_qdpx(example, synth)
    assert df.attrs["sources"] == []
    assert set(df["match"]) == {"package only", "project only"}
    assert "Commits > 2022-05-10T02:05:59Z 19e4dce" in set(df["code"])
    assert "plans compared: none" in format_agreement(df)


# ------------------------------------------------------------------------------------------------ validation
def test_validate_reports_problems(synth, tmp_path):
    out = export_qdpx(tmp_path / "synth.qdpx", synth)
    root, files = _read_zip(out)
    root = ET.fromstring(ET.tostring(root))
    sel = next(root.iter(f"{{{Q.NS}}}PlainTextSelection"))
    sel.set("endPosition", "100000")
    next(root.iter(f"{{{Q.NS}}}CodeRef")).set("targetGUID", str(uuid.uuid4()))
    del next(root.iter(f"{{{Q.NS}}}Code")).attrib["isCodable"]
    problems = validate_qdpx(_write_zip(tmp_path / "broken.qdpx", root, files))
    text = "\n".join(problems)
    assert "outside the text" in text and "no such code" in text and "isCodable" in text
    bad = tmp_path / "not.qdpx"
    bad.write_bytes(b"not a zip")
    assert validate_qdpx(bad) and "not a zip" in validate_qdpx(bad)[0]


def test_validate_says_when_xmlschema_is_missing(synth, tmp_path, monkeypatch):
    out = export_qdpx(tmp_path / "synth.qdpx", synth)
    monkeypatch.setitem(sys.modules, "xmlschema", None)
    with pytest.raises(BuildError, match="xmlschema"):
        validate_qdpx(out)


def test_export_needs_a_built_folder(tmp_path):
    with pytest.raises(BuildError, match="documents.csv"):
        export_qdpx(tmp_path / "x.qdpx", tmp_path)


def test_offsets_outside_the_text_stop_the_export(synth, tmp_path):
    df = pd.read_csv(synth / "group_mentions.csv")
    df.loc[0, "end"] = 10_000
    df.to_csv(synth / "group_mentions.csv", index=False)
    with pytest.raises(BuildError, match="outside text/synth.txt"):
        export_qdpx(tmp_path / "x.qdpx", synth)
