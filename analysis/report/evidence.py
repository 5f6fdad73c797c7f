"""Evidence pages: each plan's normalised text with every coded span highlighted, labelled and addressable.

One page per plan (``evidence/<jurisdiction>.html`` in a report): the text of
``text/<jurisdiction>.txt`` exactly as the offsets of the tables count it,
with

- every **unit** (action or safeguard, ``actions.csv``) outlined and labelled
  with its id, kind, group line and cluster -- its anchor is ``a-<action id>``
  (``#a-zhifu-007``);
- every **department** named for an action (``assignments.csv``) with its
  category and role (``d-<plan>-<start>-<end>``);
- every **mention** of a target group (``group_mentions.csv``, ``m-…``);
- every **commitment** (``targets.csv``, ``c-…``);
- every **instrument** clause (``instruments.csv``, ``i-<plan>-<start>-<end>-<code>``);
- every stretch of text **no unit covers** (outside every action, safeguard,
  department list, heading and the sections' own text, ``g-<plan>-<start>``),
  greyed: what the segmentation left out.

:func:`row_anchor` (in :mod:`analysis.report.anchors`, re-exported here) gives the anchor of a row of
any of these tables, so a table page can link each row to its span (:mod:`analysis.report.table_pages`).
Spans that share an anchor (one department list serving several actions) are
one element whose label names them all.  Spans that cross each other are cut
where they cross; the first piece carries the anchor and the label.  Labels
are drawn from a ``data-label`` attribute by CSS, so they are not part of the
page's text (copying the text copies the plan's words only).

Everything from the data is escaped (:mod:`analysis.report.markup`): the text
of a plan is untrusted input like any other.
"""
from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.coding.codebook import load_codebook
from analysis.compare.tables import read_table
from analysis.files import write_if_changed
from analysis.pipeline.run import build_codebook
from analysis.report.anchors import FAMILY_TABLE, PREFIX, _ok, row_anchor, span_anchor, unit_anchor  # noqa: F401
from analysis.report.markup import anchor_id, html_text, safe_href
from analysis.report.pages import page, table_html

#: Families of highlighted spans, outermost first (the order in which spans that start and end together nest).
FAMILIES = ("unit", "gap", "department", "commitment", "instrument", "mention")
#: What each family is, for the page's legend.
FAMILY_NAMES = {"unit": "unit (action or safeguard)", "department": "department, with category and role",
                "mention": "mention of a target group", "commitment": "quantified commitment",
                "instrument": "policy-instrument clause", "gap": "text no unit covers"}
COLUMNS = ["jurisdiction", "family", "start", "end", "anchor", "label", "title"]

CSS = """
.legend span{display:inline-block;margin:0 .8em .3em 0;padding:0 .3em}
.text{white-space:pre-wrap;line-height:2.1;color:#555;font-size:1.05em;
 font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif}
.f[data-label]::before{content:attr(data-label);font:.62rem/1.2 system-ui,sans-serif;color:#222;
 background:#fff;border:1px solid #bbb;border-radius:3px;padding:0 .2em;margin:0 .15em;vertical-align:super;
 white-space:nowrap}
.unit{color:#111;background:#f6f2fb;box-shadow:inset 0 -2px 0 #9467bd}
.unit[data-label]::before{border-color:#9467bd;color:#4b2a70}
.department{background:#ffe3c2}.department[data-label]::before{border-color:#ff7f0e}
.mention{background:#d3e8fa}.mention[data-label]::before{border-color:#1f77b4}
.commitment{background:#d2f0d2}.commitment[data-label]::before{border-color:#2ca02c}
.instrument{text-decoration:underline 2px #d62728;text-underline-offset:3px}
.instrument[data-label]::before{border-color:#d62728}
.gap{color:#888;background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px)}
:target{outline:3px solid #111;outline-offset:1px;background:#fff36b}
.l-unit{background:#f6f2fb}.l-department{background:#ffe3c2}.l-mention{background:#d3e8fa}
.l-commitment{background:#d2f0d2}.l-instrument{text-decoration:underline 2px #d62728}.l-gap{color:#888}
"""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    rank: int
    anchor: str
    family: str
    label: str
    title: str

    @property
    def key(self):
        return (self.start, -self.end, self.rank, self.anchor)


# ------------------------------------------------------------------------------------------------ the spans
def _table(folder: Path, name: str) -> pd.DataFrame | None:
    try:
        return read_table(name, folder)
    except FileNotFoundError:
        return None


def _s(v) -> str:
    return "" if not _ok(v) else str(v)


def _codebook(folder: Path):
    try:
        return load_codebook(build_codebook(folder))
    except Exception:  # a build without a readable codebook copy: labels fall back to ids
        return None


def _names(cb) -> tuple[dict, dict, dict]:
    """Group, category and instrument-code names of codebook *cb* (``{id: "id 中文"}``)."""
    groups = {g.id: f"{g.id} {g.zh}" for g in cb.groups} if cb is not None else {}
    cats = {c.id: f"{c.id} {c.zh}" for c in cb.categories} if cb is not None else {}
    codes = {}
    if cb is not None:
        try:
            with open(cb.path, encoding="utf-8") as fh:
                raw = yaml.safe_load(fh) or {}
            for it in (raw.get("instruments") or {}).get("codes") or []:
                if isinstance(it, dict) and it.get("id"):
                    codes[str(it["id"])] = f"{it['id']} {it.get('zh', '')}".strip()
        except (OSError, ValueError, AttributeError, yaml.YAMLError):
            pass
    return groups, cats, codes


def evidence_spans(processed: Path | str | None = None) -> pd.DataFrame:
    """Every span an evidence page highlights, with its anchor and label.

    Parameters
    ----------
    processed : path, optional
        A build folder (default ``data/processed``).

    Returns
    -------
    pandas.DataFrame
        Columns ``jurisdiction``, ``family`` (see :data:`FAMILIES`), ``start``, ``end`` (offsets into
        ``text/<jurisdiction>.txt``), ``anchor``, ``label`` (shown beside the span) and ``title`` (shown on
        hover).  Spans with the same anchor are merged (their labels joined with ``; ``).  Rows whose
        offsets are missing or empty are left out.
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    groups, cats, codes = _names(_codebook(folder))
    rows: list[dict] = []
    actions = _table(folder, "actions")
    clusters = _table(folder, "clusters")
    cluster_of = {}
    if clusters is not None and len(clusters):
        cluster_of = {a: int(c) for a, c in zip(clusters["action_id"], clusters["cluster"])}
    if actions is not None:
        for r in actions.to_dict("records"):
            if not (_ok(r.get("start")) and _ok(r.get("end"))):
                continue
            a = _s(r.get("action_id"))
            bits = [a, _s(r.get("kind")) or "action"]
            if _s(r.get("group")):
                bits.append(f"{groups.get(r['group'], r['group'])} line")
            if a in cluster_of:
                bits.append(f"cluster {cluster_of[a]}")
            rows.append({"jurisdiction": _s(r.get("jurisdiction")), "family": "unit", "start": int(r["start"]),
                         "end": int(r["end"]), "anchor": unit_anchor(a), "label": " · ".join(bits),
                         "title": _s(r.get("path"))})
    for family, table in FAMILY_TABLE.items():
        if family == "unit":
            continue
        df = _table(folder, table)
        if df is None:
            continue
        for r in df.to_dict("records"):
            anchor = row_anchor(table, r)
            if anchor is None:
                continue
            a = _s(r.get("action_id"))
            if family == "department":
                cat = _s(r.get("category")) or "uncoded"
                label = f"{cats.get(cat, cat)} · {_s(r.get('role')) or 'no role'}"
                title = f"{_s(r.get('department'))} ({a})"
            elif family == "mention":
                label = groups.get(_s(r.get("group")), _s(r.get("group")))
                title = f"{_s(r.get('term'))} ({a})"
            elif family == "commitment":
                value = _s(r.get("value"))
                value = value[:-2] if value.endswith(".0") else value
                extra = " ".join(x for x in (_s(r.get("qualifier")), _s(r.get("per")), _s(r.get("year"))) if x)
                label = f"{value}{_s(r.get('unit'))}" + (f" {extra}" if extra else "")
                title = f"commitment ({a})"
            else:
                code = _s(r.get("code")) or _s(r.get("kind"))
                label = codes.get(code, code)
                title = f"{_s(r.get('evidence'))} ({a})"
            rows.append({"jurisdiction": _s(r.get("jurisdiction")), "family": family, "start": int(r["start"]),
                         "end": int(r["end"]), "anchor": anchor, "label": label, "title": title})
    for r in uncovered(folder).to_dict("records"):
        rows.append({"jurisdiction": r["jurisdiction"], "family": "gap", "start": r["start"], "end": r["end"],
                     "anchor": anchor_id("g", r["jurisdiction"], r["start"]), "label": "no unit",
                     "title": f"{r['chars']} characters outside every unit, department list and heading"})
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    merged = (df.groupby(["jurisdiction", "family", "start", "end", "anchor"], sort=False, as_index=False)
              .agg(label=("label", lambda x: "; ".join(dict.fromkeys(x))),
                   title=("title", lambda x: "; ".join(dict.fromkeys(x)))))
    rank = {f: i for i, f in enumerate(FAMILIES)}
    merged["_rank"] = merged["family"].map(rank)
    return (merged.sort_values(["jurisdiction", "start", "end", "_rank", "anchor"], kind="mergesort")
            .drop(columns="_rank").reset_index(drop=True)[COLUMNS])


def _line(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def uncovered(processed: Path | str | None = None) -> pd.DataFrame:
    """Stretches of each plan's text that no unit covers.

    Parameters
    ----------
    processed : path, optional
        A build folder (default ``data/processed``).

    Returns
    -------
    pandas.DataFrame
        One row per stretch: ``jurisdiction``, ``start``, ``end``, ``chars`` (characters that are not
        white space) and ``snippet`` (its first 60 characters on one line).  Covered is: every action and
        safeguard, its department list, the line of every department named for it (a division-of-work
        block), every section's heading line and its own text (``sections.csv`` ``context_*``).  What is
        left is typically a web page's header and footer, a document's title block and attachments --
        or content the segmentation missed.
    """
    folder = Path(processed) if processed is not None else paths.PROCESSED
    docs = _table(folder, "documents")
    actions, sections, assignments = _table(folder, "actions"), _table(folder, "sections"), _table(folder, "assignments")
    rows = []
    if docs is None:
        return pd.DataFrame(columns=["jurisdiction", "start", "end", "chars", "snippet"])
    for j in docs["jurisdiction"].astype(str):
        p = paths.text_dir(folder) / f"{j}.txt"
        if not p.is_file():
            continue
        text = p.read_bytes().decode("utf-8")
        n = len(text)
        cov = np.zeros(n + 1, dtype=np.int32)

        def add(s, e):
            if _ok(s) and _ok(e):
                s, e = max(0, int(s)), min(n, int(e))
                if e > s:
                    cov[s] += 1
                    cov[e] -= 1

        if actions is not None:
            for r in actions[actions["jurisdiction"] == j].itertuples():
                add(r.start, r.end)
                if "departments_start" in actions:
                    add(r.departments_start, r.departments_end)
        if assignments is not None:
            for r in assignments[assignments["jurisdiction"] == j].itertuples():
                if _ok(r.start) and 0 <= int(r.start) < n:
                    add(*_line(text, int(r.start)))
        if sections is not None:
            for r in sections[sections["jurisdiction"] == j].itertuples():
                if _ok(r.start) and 0 <= int(r.start) < n:
                    add(*_line(text, int(r.start)))
                if "context_start" in sections:
                    add(r.context_start, r.context_end)
        covered = np.cumsum(cov)[:n] > 0
        space = np.fromiter((c.isspace() for c in text), dtype=bool, count=n)
        bare = ~covered & ~space
        i = 0
        while i < n:
            if not bare[i]:
                i += 1
                continue
            k = i
            while k < n and not covered[k]:  # a stretch runs over white space until covered text
                k += 1
            e = k
            while e > i and space[e - 1]:
                e -= 1
            one = " ".join(text[i:e].split())
            rows.append({"jurisdiction": j, "start": i, "end": e, "chars": int(bare[i:e].sum()),
                         "snippet": one[:60] + ("…" if len(one) > 60 else "")})
            i = k
    return pd.DataFrame(rows, columns=["jurisdiction", "start", "end", "chars", "snippet"])


# ------------------------------------------------------------------------------------------------ rendering
def render_text(text: str, spans: pd.DataFrame) -> str:
    """The HTML of *text* with *spans* (rows of :func:`evidence_spans` for this text) as nested elements.

    Parameters
    ----------
    text : str
        The normalised text.
    spans : pandas.DataFrame
        Its spans (``family``, ``start``, ``end``, ``anchor``, ``label``, ``title``).

    Returns
    -------
    str
        The escaped text, each span an ``<span class="f <family>">`` holding exactly its characters; a span
        that crosses another is cut there, its first piece carrying ``id``, ``data-label`` and ``title``.
        Spans outside the text are clipped; empty spans are left out.
    """
    n = len(text)
    rank = {f: i for i, f in enumerate(FAMILIES)}
    items = []
    for r in spans.itertuples():
        s, e = max(0, int(r.start)), min(n, int(r.end))
        if e > s:
            items.append(_Span(s, e, rank.get(r.family, len(FAMILIES)), str(r.anchor), str(r.family), str(r.label),
                               str(r.title)))
    starts: dict[int, list[_Span]] = {}
    ends: dict[int, list[_Span]] = {}
    for it in items:
        starts.setdefault(it.start, []).append(it)
        ends.setdefault(it.end, []).append(it)
    bounds = sorted({0, n, *starts, *ends})
    out: list[str] = []
    stack: list[_Span] = []
    active: list[tuple] = []  # sorted keys of the open spans
    by_key: dict[tuple, _Span] = {}
    opened: set[tuple] = set()
    for b, nb in zip(bounds, bounds[1:]):
        for it in ends.get(b, []):
            active.remove(it.key)
        for it in starts.get(b, []):
            insort(active, it.key)
            by_key[it.key] = it
        desired = [by_key[k] for k in active]
        p = 0
        while p < len(stack) and p < len(desired) and stack[p] is desired[p]:
            p += 1
        out.append("</span>" * (len(stack) - p))
        del stack[p:]
        for it in desired[p:]:
            first = it.key not in opened
            opened.add(it.key)
            if first:
                out.append(f'<span class="f {it.family}" id="{html_text(it.anchor)}" data-label="{html_text(it.label)}"'
                           f' title="{html_text(it.title)}">')
            else:
                out.append(f'<span class="f {it.family} cont" data-of="{html_text(it.anchor)}">')
            stack.append(it)
        out.append(html_text(text[b:nb]))
    out.append("</span>" * len(stack))
    return "".join(out)


def _plan_title(doc: dict) -> str:
    names = " · ".join(x for x in (_s(doc.get("name_zh")), _s(doc.get("name_en"))) if x)
    return names or _s(doc.get("jurisdiction"))


def evidence_page(doc: dict, text: str, spans: pd.DataFrame) -> str:
    """The evidence page of one plan: its description, a legend with counts, and the highlighted text.

    Parameters
    ----------
    doc : dict
        The plan's row of ``documents.csv``.
    text : str
        Its normalised text.
    spans : pandas.DataFrame
        Its rows of :func:`evidence_spans`.

    Returns
    -------
    str
        A complete HTML page (:func:`analysis.report.pages.page`).
    """
    j = _s(doc.get("jurisdiction"))
    facts = [("genre", doc.get("genre")), ("issuer", doc.get("issuer")), ("document number", doc.get("doc_number")),
             ("issued", doc.get("issued")), ("framework", doc.get("framework"))]
    meta = "; ".join(f"{k}: {html_text(_s(v))}" for k, v in facts if _s(v))
    counts = spans["family"].value_counts() if len(spans) else pd.Series(dtype=int)
    legend = "".join(f'<span class="l-{f}">{html_text(FAMILY_NAMES[f])} ({int(counts.get(f, 0))})</span>'
                     for f in FAMILIES)
    body = (f"<h1>{html_text(_plan_title(doc))} <code>{html_text(j)}</code></h1>"
            f"<p>{html_text(_s(doc.get('title')))}</p>" + (f'<p class="note">{meta}</p>' if meta else "")
            + '<p class="note">The normalised text (<code>processed/text/' + html_text(j) + '.txt</code>) with every '
            "coded span highlighted and labelled; the offsets of the tables count its characters. Each span has an "
            "anchor the table pages link to (units: <code>#a-&lt;action id&gt;</code>).</p>"
            f'<p class="legend">{legend}</p>'
            f'<div class="text" lang="zh">{render_text(text, spans)}</div>')
    return page(f"Evidence: {_plan_title(doc)}", body, CSS, up="../")


def write_evidence(processed: Path | str, out: Path | str) -> list[Path]:
    """Write ``<out>/<jurisdiction>.html`` for every plan with a text, and ``<out>/index.html`` listing them.

    Parameters
    ----------
    processed : path
        The build folder.
    out : path
        The folder to write into (created).

    Returns
    -------
    list of Path
        The pages written, the index last.
    """
    folder, out = Path(processed), Path(out)
    docs = _table(folder, "documents")
    spans = evidence_spans(folder)
    written, rows = [], []
    for doc in ([] if docs is None else docs.to_dict("records")):
        j = _s(doc.get("jurisdiction"))
        p = paths.text_dir(folder) / f"{j}.txt"
        if not j or not p.is_file():
            continue
        text = p.read_bytes().decode("utf-8")
        mine = spans[spans["jurisdiction"] == j]
        target = out / f"{anchor_id(j)}.html"
        write_if_changed(target, evidence_page(doc, text, mine).encode("utf-8"))
        written.append(target)
        c = mine["family"].value_counts()
        rows.append([f'<a href="{safe_href(target.name)}">{html_text(_plan_title(doc))}</a>', f"<code>{html_text(j)}</code>"]
                    + [str(int(c.get(f, 0))) for f in FAMILIES])
    body = ("<h1>Evidence pages</h1><p>One page per plan: its normalised text with every coded span highlighted "
            "and labelled.</p>" + table_html(["plan", "id"] + [FAMILY_NAMES[f] for f in FAMILIES], rows,
                                             numeric=set(range(2, 2 + len(FAMILIES)))))
    index = out / "index.html"
    write_if_changed(index, page("Evidence pages", body, up="../").encode("utf-8"))
    return written + [index]


__all__ = ["evidence_spans", "uncovered", "render_text", "evidence_page", "write_evidence", "row_anchor",
           "unit_anchor", "span_anchor", "FAMILIES", "FAMILY_TABLE", "PREFIX"]
