"""The development set: nine real fragments of other local plans, held to a careful reading of each.

``../shared/corpus-dev/`` (beside the repository) holds the texts, their manifest with true levels and
``expected.md``, what a careful reader expects the package to give.  The texts are not copied into the
project; this module reads them in place and skips, saying why, when the folder is absent.

Every expectation is read from ``expected.md`` itself (its table of openings, its lists of actions with
their groups and departments, its totals), so the test follows the reading, not a copy of it.  A part
of ``expected.md`` the parser cannot read fails the test rather than being skipped.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.pipeline.extract import extract_corpus

DEV = paths.ROOT.parent / "shared" / "corpus-dev"
pytestmark = pytest.mark.skipif(not (DEV / "expected.md").is_file(),
                                reason=f"the development set is not at {DEV} (it lives beside the repository)")

ROLE_WORDS = {"lead": "lead", "responsible": "responsible", "cooperating": "cooperating"}


def _expected() -> str:
    return (DEV / "expected.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    """The development set built as one corpus (a copy in a temporary folder: the shared folder is read-only)."""
    raw = tmp_path_factory.mktemp("corpus-dev")
    for p in DEV.iterdir():
        if p.suffix in (".txt", ".csv"):
            shutil.copyfile(p, raw / p.name)
    return extract_corpus(raw, progress=False)


# ------------------------------------------------------------------------------------------ parsing
def openings() -> dict[str, dict[str, str]]:
    """The table of openings: plan -> {column: cell}."""
    rows, header = {}, None
    for line in _expected().splitlines():
        if not line.startswith("|"):
            header = None if not line.strip() else header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "plan":
            header = cells
        elif header and not set(cells[0]) <= set("-: "):
            rows[cells[0]] = dict(zip(header, cells))
    assert rows, "expected.md: no table of openings found"
    return rows


def fragments() -> dict[str, list[dict]]:
    """The actions the middle fragments are expected to give: plan -> [{opening, group, roles}] in order.

    ``roles`` maps a role to the department names the reading lists for it (None: not in the fragment).
    """
    text = _expected()
    out: dict[str, list[dict]] = {}
    for sec in re.finditer(r"^## (\w+)\.txt .*?$(.*?)(?=^## |\Z)", text, re.M | re.S):
        plan, body = sec.group(1), sec.group(2)
        acts = []
        for m in re.finditer(r"^(\d+)\. \*\*`?(?:\d+\.)?(?P<open>[^`*…]+?)[。`…]*\*\*(?P<rest>.*?)(?=^\d+\. \*\*|\Z)",
                             body, re.M | re.S):
            rest = m.group("rest")
            g = re.search(r"Group: \*\*(\w+)\*\*", rest) or re.search(r"^[^\n:]*?:\s*(\w+)", rest)
            acts.append({"opening": m.group("open"), "group": g.group(1) if g else None, "roles": _roles(rest)})
        shared = _roles(body.split("is **not an action**")[-1]) if "is **not an action**" in body else None
        if shared:  # a department paragraph that assigns the section's units to the actions before it
            to = re.search(r"to actions (\d+)[–-](\d+)", body)
            for a in acts[int(to.group(1)) - 1:int(to.group(2))]:
                a["roles"] = a["roles"] or shared
        out[plan] = acts
    assert out, "expected.md: no fragment sections found"
    return out


def _roles(text: str) -> dict[str, list[str]] | None:
    """Department names per role in a reading (``Lead (…): A, B.``, ``Responsible (…): C, D, plus E and F``)."""
    roles = {}
    for m in re.finditer(r"^\s*- (Lead|Responsible|Cooperating) \([^)]*\):\s*(.+?)(?=\n\s*- |\n\s*\n|\n\d+\. |\Z)",
                         text, re.M | re.S):
        names = re.findall(r"[\u4e00-\u9fff]{2,}", re.sub(r"i\.e\..*$|joined by.*$", "", m.group(2)))
        roles[m.group(1).lower()] = names
    return roles or None


def totals() -> dict[str, str]:
    block = _expected().split("## Totals expected", 1)[1]
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r"^- ([^:]+): (.+)$", block, re.M)}


# ------------------------------------------------------------------------------------------- tests
def test_the_reading_is_parsed_whole():
    t = totals()
    n_actions = int(re.search(r"= (\d+)", t["Actions"]).group(1))
    assert sum(len(a) for a in fragments().values()) == n_actions
    assert len(openings()) >= 5


def test_openings_give_no_action_and_their_metadata(dev):
    docs = dev.documents.set_index("jurisdiction")
    for plan, row in openings().items():
        assert row["actions"].startswith("0"), plan
        assert not (dev.actions["jurisdiction"] == plan).any(), plan
        d = docs.loc[plan]
        assert d.title == row["title"].split(",")[0].strip(), plan
        number = re.search(r"\S+〔\d{4}〕\d+号", row["doc number"])
        assert (d.doc_number or "") == (number.group(0) if number else ""), plan
        issued = re.search(r"\d{4}-\d{2}-\d{2}", row["issuer / issued"])
        if issued:
            assert d.issued == issued.group(0), plan
        issuer = row["issuer / issued"].split("/")[0].strip()
        if re.fullmatch(r"[\u4e00-\u9fff]+", issuer):
            assert d.issuer == issuer, plan
        published = re.search(r"\d{4}-\d{2}-\d{2}", row["published"])
        assert (d.published or "") == (published.group(0) if published else ""), plan
        period = re.match(r"(\d{4})–(\d{4})", row["period"])
        assert ([d.period_start, d.period_end] if period else [d.period_start or "", d.period_end or ""]) == (
            [int(period.group(1)), int(period.group(2))] if period else ["", ""]), plan
        target = re.search(r"\*\*([\d.]+) %, (\w+) \([^)]*\), (\d{4})\*\*", row["literacy target"])
        if target:
            assert (d.literacy_target_pct, d.literacy_target_qualifier, d.literacy_target_year) == (
                float(target.group(1)), target.group(2), int(target.group(3))), plan
        else:
            assert d.literacy_target_pct in ("", None) or d.literacy_target_pct != d.literacy_target_pct, plan


def test_middle_fragments_give_the_actions_a_reader_finds(dev):
    for plan, expected in fragments().items():
        acts = dev.actions[dev.actions["jurisdiction"] == plan].reset_index(drop=True)
        assert len(acts) == len(expected), (plan, list(acts["title"]))
        for (_, a), e in zip(acts.iterrows(), expected):
            # a paragraph measure starts with its heading sentence; a numbered item (or a heading with
            # its one paragraph) holds it within its first lines
            assert e["opening"] in a["text"][:len(e["opening"]) + 40], (plan, e["opening"], a["text"][:40])
            assert a["group"] == e["group"], (plan, e["opening"])
            got = dev.assignments[dev.assignments["action_id"] == a["action_id"]]
            if not e["roles"]:
                assert got.empty, (plan, e["opening"])
                continue
            for role, names in e["roles"].items():
                mine = got[got["role"] == role]
                assert len(mine) == len(names), (plan, e["opening"], role)
                found = set(mine["printed"]) | set(mine["department"])
                assert all(n in found or any(n in f for f in found) for n in names), (plan, role, names)


def test_totals(dev):
    t = totals()
    assert len(dev.actions) == int(re.search(r"= (\d+)", t["Actions"]).group(1))
    assert len(dev.assignments) == int(re.search(r"= (\d+)", t["Department assignments"]).group(1))
    groups = []
    for part in t["Group labels"].split(","):
        m = re.match(r"\s*(\w+)(?: × (\d+))?", part)
        groups += [m.group(1)] * int(m.group(2) or 1)
    assert list(dev.actions["group"]) == groups
    n_targets = int(re.match(r"(\d+)", t["Literacy targets present"]).group(1))
    assert pd.to_numeric(dev.documents["literacy_target_pct"], errors="coerce").notna().sum() == n_targets


def test_a_department_line_whose_item_is_missing_is_reported_not_applied(dev):
    """ziyang opens with the 责任单位 line of an item the fragment does not hold: reported, given to no action."""
    qa = dev.qa[(dev.qa["kind"] == "outside_units") & dev.qa["snippet"].str.startswith("department_list_without_unit")]
    assert "ziyang" in set(qa["document"])
    first = dev.actions[dev.actions["jurisdiction"] == "ziyang"].iloc[0]
    line = qa[qa["document"] == "ziyang"].iloc[0]
    assert int(line["text_end"]) <= int(first["start"])


def test_no_text_is_lost(dev):
    """Every character of every fragment is in an action or in a qa row saying what it is."""
    for plan, text in dev.texts.items():
        spans = [(int(a.start), int(a.end)) for a in dev.actions[dev.actions["jurisdiction"] == plan].itertuples()]
        qa = dev.qa[(dev.qa["document"] == plan) & (dev.qa["kind"] == "outside_units")]
        spans += [(int(r.text_start), int(r.text_end)) for r in qa.itertuples()]
        acts = dev.actions[dev.actions["jurisdiction"] == plan]
        spans += [(int(a.departments_start), int(a.departments_end)) for a in acts.itertuples()
                  if a.departments_start == a.departments_start and a.departments_start != ""]
        covered = [False] * len(text)
        for a, b in spans:
            covered[a:b] = [True] * (b - a)
        lost = "".join(c for c, cov in zip(text, covered) if not cov and c not in " \n。，")
        assert len(lost) <= 8, (plan, lost)
