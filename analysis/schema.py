"""Every output table, described once: its file, what a row is, each column's type and meaning.

This module holds the vocabulary (:class:`Table`, :class:`Column`) and the
tables of the core stages: the documents, the actions as segmentation finds
them, the sections, the QA report and the cross-plan tables.  Each coding
dimension describes its own table, and the columns it adds to ``actions.csv``,
in its own module (:mod:`analysis.coding.registry`);
:mod:`analysis.pipeline.catalog` puts them together.  The build orders the
columns of every table it writes by the catalogue, the readers
(:func:`analysis.compare.read_table`) type the columns by it, the data
dictionary in ``docs/`` is generated from it, and a test checks every written
table against it.

The conventions every table follows are :data:`CONVENTIONS`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

#: What holds for every table (the opening of the data dictionary).
CONVENTIONS = (
    "Every table is UTF-8 CSV with a header row and `\\n` line endings, rows sorted (plans in manifest order, "
    "then reading order), so a rebuild gives the same bytes. Offsets are 0-based character offsets "
    "`[start, end)`; an *evidence* column says which text it points into (the normalised "
    "`text/<jurisdiction>.txt`, or the decoded raw file). Booleans are `True`/`False`; an empty cell means "
    "*not stated* or *not applicable*, never zero.")

#: Column types: how a column is written and read back.
DTYPES = {
    "str": "text (read as text even when it looks like a number)",
    "int": "integer",
    "float": "decimal number",
    "bool": "True / False",
    "date": "ISO date YYYY-MM-DD (text)",
}


@dataclass(frozen=True)
class Column:
    """One column: ``name``, ``dtype`` (a key of :data:`DTYPES`), ``meaning``, and for offsets the
    text they point into (``evidence``: ``"text"`` or ``"raw"``)."""

    name: str
    dtype: str
    meaning: str
    evidence: str = ""


@dataclass(frozen=True)
class Table:
    """One output table: ``name`` (how readers ask for it), ``file``, ``stage`` (``extract``: the
    per-plan pass; ``crossplan``: the cross-plan stage), ``row`` (what one row is), ``notes``."""

    name: str
    file: str
    stage: str
    row: str
    columns: tuple[Column, ...]
    notes: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


_TABLES: list[Table] = [
    Table("documents", "documents.csv", "extract", "one plan", _cols(
        ("jurisdiction", "str", "the plan's id (manifest)"),
        ("name_zh", "str", "its jurisdiction's Chinese name (manifest)"),
        ("name_en", "str", "its English name (manifest)"),
        ("level", "str", "administrative level (manifest)"),
        ("province", "str", "province (manifest; may be empty)"),
        ("role", "str", "`plan`, or `reference` (a source document reuse compares the plans with; counted in no "
                        "comparison of plans)"),
        ("genre", "str", "kind of document, e.g. 实施方案, 工作要点, 任务分工方案 (manifest; may be empty)"),
        ("framework", "str", "the national outline it implements, e.g. 2006—2010—2020 or 2021—2035 (manifest; "
                             "may be empty)"),
        ("source_url", "str", "where it was retrieved (manifest; may be empty)"),
        ("retrieved", "date", "when it was retrieved (manifest; may be empty)"),
        ("file", "str", "the raw file (manifest)"),
        ("sha256", "str", "SHA-256 of the raw file (manifest, verified)"),
        ("encoding", "str", "encoding detected in the raw file (for a web page: the one it declares, GB2312 and GBK "
                            "read as gb18030, unless its bytes are in another); empty for binary formats (Word, PDF)"),
        ("source_format", "str", "format of the raw file, detected from its bytes: `text`, `html`, `mhtml`, `docx`, "
                                 "`pdf`, `doc`, `wps`, `rtf`, `odt` (see docs/corpus.md, 'File formats')"),
        ("converter", "str", "what turned the raw file into text, with its version (`python-docx 1.2.0`, "
                             "`pdfplumber …`, `LibreOffice …`); empty for plain text"),
        ("title", "str", "the plan's own title line printed above its body (joined when wrapped or letter-spaced); "
                         "without one, the title its issuing notice names (`现将《…》印发`), else a labelled title "
                         "field of the web page"),
        ("notice_title", "str", "the title as the issuing notice names it, where it differs from `title`"),
        ("issuer", "str", "signature above the issue date (several issuers joined by `、`); without one, the "
                          "web page's labelled issuing body (`发文机关`)"),
        ("doc_number", "str", "document number (`平政字〔2022〕21号`), brackets and spacing normalised to "
                              "`〔YYYY〕N号`; empty where none"),
        ("issued", "date", "date under the issuer's signature; without one, the web page's labelled date written "
                           "(`成文日期`)"),
        ("published", "date", "date the web page states (`发布日期`, `发布时间`), if any"),
        ("period_start", "int", "first year the plan covers (from the title: `（2021—2025年）`, `（2021年—2025年）`, "
                                "`十四五`, `2020年…工作要点`)"),
        ("period_end", "int", "last year the plan covers"),
        ("literacy_target_pct", "float", "the share of citizens with science literacy the plan aims at (percent)"),
        ("literacy_target_year", "int", "the year by which it aims at it"),
        ("literacy_target_qualifier", "str", "`over` (超过), `reach` (达到), `at_least` (…以上)"),
        ("literacy_baseline_pct", "float", "the starting share it states for its own jurisdiction"),
        ("literacy_baseline_year", "int", "the year of that starting share"),
        ("n_chars", "int", "characters in the normalised text"),
        ("n_actions", "int", "rows of kind `action` in actions.csv"),
        ("n_safeguards", "int", "rows of kind `safeguard` in actions.csv"),
        ("operative_chars", "int", "characters in all its actions and safeguards (the denominator of text "
                                   "shares)"),
        ("assigns_departments", "bool", "whether the plan names departments for its actions (False: *not "
                                        "assigned*)"),
        ("outside_chars", "int", "characters (but spaces and line breaks) that no action covers: front matter, "
                                 "headings, context sections, introductions, department lines … (each span is a "
                                 "`outside_units` row of qa_report.csv)"),
        ("unplaced_chars", "int", "of those, characters of text the rules could not place (`unassigned`, a "
                                  "department list closing no action in the text, a box with no action): check "
                                  "them"),
        ("template_family", "str", "plans (and reference documents) written from one template, detected from "
                                   "verbatim reuse: every member's id, `;`-separated, including this plan; empty "
                                   "when it shares no template (set by the cross-plan stage)"),
        ("template_basis", "str", "why: the verbatim shares (≥ `template_min_share` of operative text, passages of "
                                  "≥ `reuse_min_chars` characters) that link it to the family"),
    )),
    Table("actions", "actions.csv", "extract", "one action or safeguard", _cols(
        ("action_id", "str", "`<jurisdiction>-<seq:03d>`; joins every other table"),
        ("jurisdiction", "str", "the plan"),
        ("seq", "int", "position in the plan's reading order, from 1"),
        ("kind", "str", "`action`, or `safeguard` (items of the 组织实施/保障 section)"),
        ("unit", "str", "how it was found: `numbered_item`, `heading_paragraph` (a paragraph measure, or the "
                        "paragraphs a department list closes), `task_measure`, `safeguard_item`"),
        ("path", "str", "headings above it, ` > `-separated"),
        ("number", "str", "its own numbering marker, for numbered items"),
        ("title", "str", "heading line, or opening sentence up to the first `。`"),
        ("text", "str", "the action's text without its department list; equals `text/<j>.txt[start:end]`"),
        ("group", "str", "key target group whose action line it belongs to (empty: none)"),
        ("group_basis", "str", "how `group` was found: `headings` (a heading above it, or its own short numbered "
                               "heading, announces the group) or `mentions` (measures whose section heading is not "
                               "in the text -- a fragment -- take the group most of their group mentions name); "
                               "empty when there is no group"),
        ("start", "int", "offset where `text` starts", "text"),
        ("end", "int", "offset where `text` ends", "text"),
        ("n_chars", "int", "length of `text`"),
        ("departments_text", "str", "the department list as printed"),
        ("departments_start", "int", "offset where the department list starts", "text"),
        ("departments_end", "int", "offset where the department list ends", "text"),
        ("list_closing", "str", "where the list is and how it closes: the closing formula of a parenthesised "
                                "list (`按职责分工负责`, `负责`; empty: no formula, or no list), `inline` (a labelled "
                                "list inside the text, `责任单位：…`), `department_line` (lines of departments after "
                                "the item or closing its section, `牵头单位：…` included), `division_block` (a "
                                "task's 分工) or `heading` (only a list inherited from a group heading)"),
        ("box_start", "int", "start of a `专栏` box of projects that belongs to the action but follows its department "
                             "list (a box before the list is inside `text`); empty: none", "text"),
        ("box_end", "int", "end of that box", "text"),
    )),
    Table("sections", "sections.csv", "extract", "one heading of a plan", _cols(
        ("section_id", "str", "`<jurisdiction>-s<NNN>`"),
        ("jurisdiction", "str", "the plan"),
        ("level", "int", "heading level: 1 `一、`, 2 `（一）`, 3 `1.`, 4 `（1）`"),
        ("number", "str", "the numbering marker as printed"),
        ("title", "str", "the heading's title"),
        ("path", "str", "headings above it"),
        ("part", "str", "`context`, `operative` or `safeguard` (from its top-level section)"),
        ("task_part", "str", "`objectives`, `measures`, `division` inside a task block"),
        ("start", "int", "start of the section", "text"),
        ("end", "int", "end of the section", "text"),
        ("context_start", "int", "start of its own text that is not an action (an introduction, a task's "
                                 "objectives, a division of work)", "text"),
        ("context_end", "int", "end of that text", "text"),
        ("n_actions", "int", "actions under it"),
    )),
    Table("qa_report", "qa_report.csv", "extract", "one thing normalisation did or found", _cols(
        ("document", "str", "the plan"),
        ("kind", "str", "`encoding`, `format` (how a file not in plain text was read), `format_mismatch` (its "
                        "name says another format than its bytes), `conversion` (what the format reader did), "
                        "`pdf_pages_without_text`, `docx_embedded_not_read`, `line_endings`, `erratum`, "
                        "`erratum_accepted`, `pinyin_annotation`, `export_artifact`, `invisible_character`, "
                        "`lookalike_character`, `traditional_script`, `width_unified`, `numeral_zero`, "
                        "`flattened_lines`, `numbering`, `suspect_*`, `no_actions`, or `outside_units` (a span of "
                        "text no action covers; `snippet` starts with what it is, `text_start`/`text_end` locate "
                        "it, `count` is its characters)"),
        ("line", "int", "1-based line in the raw file; for a file converted from another format (web page, Word, "
                        "PDF), in its converted text, whose lines are those of the normalised text", "raw"),
        ("offset", "int", "0-based character offset in the decoded raw file (for a converted file: in its "
                          "converted text)", "raw"),
        ("count", "int", "occurrences, for bulk changes"),
        ("snippet", "str", "the text concerned"),
        ("action", "str", "what was done, or what to do"),
        ("text_start", "int", "for an erratum or an `outside_units` span: where it starts in the normalised text",
         "text"),
        ("text_end", "int", "for an erratum or an `outside_units` span: where it ends", "text"),
    ), notes="Erratum spans are excluded from text-reuse shares: what the damaged bytes said is an editor's "
             "reconstruction, often from the very plan it would be compared with."),
    Table("codebook_gaps", "codebook_gaps.csv", "extract", "one name the codebook could not code", _cols(
        ("kind", "str", "`department` (a unit no category matches), `ambiguous` (one several categories match) or "
                        "`group` (a heading announces a programme for a group the codebook lacks)"),
        ("name", "str", "the department as completed (`县劳社局`), or the group words of the heading"),
        ("suggested", "str", "a category the codebook's hints suggest (for `ambiguous`: the matching categories)"),
        ("plans", "str", "the plans that name it, `;`-separated"),
        ("n_plans", "int", "how many plans name it"),
        ("count", "int", "how often it is named"),
        ("first_plan", "str", "the first plan that names it"),
        ("first_where", "str", "its first occurrence: raw file and line"),
        ("first_offset", "int", "its first occurrence in the first plan's normalised text", "text"),
        ("first_evidence", "str", "the name or heading as printed there"),
    ), notes="Departments listed here are kept in assignments.csv, verbatim, with category `uncoded`; groups "
             "listed here get no group line. Add patterns to the codebook and build again; `--strict` turns a "
             "non-empty list into an error."),
    Table("clusters", "clusters.csv", "crossplan", "one clustered action (kind `action`)", _cols(
        ("action_id", "str", "the action"),
        ("jurisdiction", "str", "its plan"),
        ("cluster", "int", "cluster number, 1 = largest (ties: the cluster whose first action comes first)"),
        ("label", "str", "the cluster's three top c-TF-IDF terms joined by `、`"),
        ("stability", "float", "co-assignment stability: the mean, over the seed and resample runs at the chosen k, "
                               "of the Jaccard index between the action's cluster and the actions the run puts "
                               "with it (1 = always the same company)"),
    )),
    Table("cluster_terms", "cluster_terms.csv", "crossplan", "one top term of a cluster", _cols(
        ("cluster", "int", "cluster number"),
        ("rank", "int", "1 = most characteristic term"),
        ("term", "str", "a token that occurs in the cluster's actions"),
        ("weight", "float", "class-based TF-IDF: (occurrences in the cluster / tokens in the cluster) × "
                            "ln(1 + A / f), A the mean tokens per cluster, f the term's occurrences in all "
                            "clusters"),
        ("count", "int", "occurrences of the term in the cluster's actions"),
    )),
    Table("cluster_summary", "cluster_summary.csv", "crossplan", "one cluster", _cols(
        ("cluster", "int", "cluster number"),
        ("label", "str", "as in clusters.csv"),
        ("n_actions", "int", "actions in the cluster"),
        ("n_jurisdictions", "int", "plans with at least one action in it"),
        ("jurisdictions", "str", "those plans, in corpus order, `;`-separated"),
        ("scope", "str", "`shared_by_all` (every plan has an action in it), `unique` (one plan), `shared`"),
        ("stability", "float", "the mean co-assignment stability of its actions (clusters.csv)"),
    )),
    Table("cluster_plans", "cluster_plans.csv", "crossplan", "one cluster and plan with actions in it", _cols(
        ("cluster", "int", "cluster number"),
        ("jurisdiction", "str", "the plan"),
        ("n_actions", "int", "its actions in the cluster"),
    )),
    Table("cluster_quality", "cluster_quality.csv", "crossplan", "one number of clusters k tried", _cols(
        ("k", "int", "number of clusters tried"),
        ("silhouette", "float", "mean cosine silhouette of the k-means clustering, in the LSA space it was fitted in "
                                "(−1…1)"),
        ("silhouette_full", "float", "the same partition's silhouette in the full TF-IDF space (lower: the LSA "
                                     "space flatters clusters)"),
        ("stability_seeds_ari", "float", "mean adjusted Rand index against re-clusterings with other seeds"),
        ("stability_bootstrap_ari", "float", "the same against clusterings of bootstrap resamples"),
        ("score", "float", "mean of silhouette and the two stabilities: the criterion k is chosen by"),
        ("score_se", "float", "standard error of the score, from the spread of the stability runs"),
        ("runs", "int", "seed and resample runs made at this k (rounds stop when the choice is stable)"),
        ("chosen", "bool", "True for the k used: the smallest k whose score is within one standard error of the "
                           "best (or the k fixed)"),
        ("edge", "str", "on the chosen row: `upper` when the last k tried scores within one standard error of "
                        "the best, `lower` when the chosen k is the first tried (the range, not the data, may "
                        "have set k); else empty"),
        ("shared_by_all_min", "int", "on the chosen row: the fewest clusters holding actions of every plan in "
                                     "the seed runs at the chosen k and the build's partition"),
        ("shared_by_all_max", "int", "the most such clusters"),
        ("n_clustered", "int", "actions clustered"),
        ("n_sample", "int", "actions k was chosen on"),
        ("lsa_components", "int", "dimensions of the LSA space"),
    )),
    Table("cluster_sensitivity", "cluster_sensitivity.csv", "crossplan",
          "one size of the LSA space: the clustering it gives", _cols(
              ("lsa_components", "int", "dimensions of the LSA space"),
              ("k", "int", "the number of clusters the criterion chooses there"),
              ("silhouette", "float", "its silhouette in that space"),
              ("silhouette_full", "float", "its silhouette in the full TF-IDF space"),
              ("stability_seeds_ari", "float", "its stability across seeds"),
              ("stability_bootstrap_ari", "float", "its stability across bootstrap resamples"),
              ("score", "float", "the criterion's value"),
              ("edge", "str", "`upper`/`lower` where the range tried may have set k (cluster_quality.csv)"),
              ("ari_with_build", "float", "adjusted Rand index between this partition and the build's (1 = same)"),
              ("is_build", "bool", "the LSA size the build uses"),
          )),
    Table("alignment", "alignment.csv", "crossplan", "one action and another plan: that plan's most similar "
                                                     "action", _cols(
        ("action_id", "str", "the action"),
        ("jurisdiction", "str", "its plan"),
        ("other_jurisdiction", "str", "another plan"),
        ("match_action_id", "str", "that plan's most similar action (ties: the earlier action)"),
        ("similarity", "float", "cosine of the two actions' word TF-IDF vectors (0…1)"),
        ("rank", "int", "rank of the other plan among the action's other plans by similarity"),
        ("mutual", "bool", "the match's own best match in this action's plan is this action"),
    )),
    Table("jurisdiction_similarity", "jurisdiction_similarity.csv", "crossplan",
          "one ordered pair of plans (A = jurisdiction, B = other_jurisdiction)", _cols(
              ("jurisdiction", "str", "plan A"),
              ("other_jurisdiction", "str", "plan B"),
              ("n_actions", "int", "rows of A aligned (actions and safeguards)"),
              ("n_actions_other", "int", "rows of B aligned"),
              ("mean_best_similarity", "float", "mean over A's actions of the similarity of their best match in "
                                                "B (directional: how well B covers A)"),
              ("share_matched", "float", "share of A's actions whose best match in B reaches `match_threshold`"),
              ("centroid_cosine", "float", "cosine of the mean TF-IDF vectors of A and B (symmetric)"),
              ("rank", "int", "B's rank among A's other plans by `mean_best_similarity`"),
          )),
    Table("keyness", "keyness.csv", "crossplan", "one distinctive term of a plan", _cols(
        ("jurisdiction", "str", "the plan (the target)"),
        ("rank", "int", "1 = first key term (key terms first, by `g2`, ties by `log_ratio`, then term)"),
        ("term", "str", "the term"),
        ("count_target", "int", "occurrences in the plan"),
        ("count_reference", "int", "occurrences in its reference: every other plan, its template family left "
                                   "out (`reference_excludes`)"),
        ("total_target", "int", "tokens of the plan"),
        ("total_reference", "int", "tokens of its reference"),
        ("g2", "float", "log-likelihood ratio G² of the 2×2 table, positive for terms relatively more frequent "
                        "in the plan"),
        ("chi2", "float", "Pearson's chi-square of the same table, same sign"),
        ("p_value", "float", "of G² under chi-square with 1 degree of freedom"),
        ("log_ratio", "float", "effect size: log₂ of the ratio of relative frequencies, 0.5 for a zero count"),
        ("ratio", "float", "the ratio of relative frequencies itself (2^log_ratio): how many times as often, per "
                           "token, the plan uses the term as its reference does"),
        ("reference_excludes", "str", "plans left out of the reference: the plan's template family "
                                      "(`keyness_exclude_family`), `;`-separated; empty when none"),
        ("n_tested", "int", "terms tested in the plan (used at least `keyness_min_count` times there)"),
        ("p_adjusted", "float", "Bonferroni: `min(1, p_value × n_tested)`"),
        ("key", "bool", "a key term: `p_adjusted` < `keyness_alpha` and `log_ratio` ≥ `keyness_min_log_ratio` "
                        "(defaults 0.05 and 1: at least twice as frequent)"),
    ), notes="G² = 2 Σ O ln(O/E) over the four cells of the 2×2 table (Dunning 1993). Ranking: key terms first, "
             "by G² descending, ties by log ratio descending, then by term; then the other tested terms in the "
             "same order. Place names with and without their level word (重庆/重庆市) are one term."),
    Table("reuse_passages", "reuse_passages.csv", "crossplan", "one maximal passage two documents share verbatim",
          _cols(
              ("jurisdiction_a", "str", "document A (before B in corpus order)"),
              ("start_a", "int", "start of the passage in A's text", "text"),
              ("end_a", "int", "end of the passage in A's text", "text"),
              ("jurisdiction_b", "str", "document B (a plan, or a reference document)"),
              ("start_b", "int", "start of the passage in B's text", "text"),
              ("end_b", "int", "end of the passage in B's text", "text"),
              ("length", "int", "passage length in characters"),
              ("text", "str", "the passage"),
              ("in_reference", "str", "for two plans: the reference documents that also contain the passage "
                                      "(`;`-separated): a common source, not necessarily copying between them"),
          ), notes="Plans are compared on their operative text, reference documents on their whole text. Spans "
                   "repaired by an erratum are left out (their text is a reconstruction)."),
    Table("reuse_matrix", "reuse_matrix.csv", "crossplan", "one plan and another document it shares text with",
          _cols(
              ("jurisdiction", "str", "plan A"),
              ("other_jurisdiction", "str", "document B"),
              ("shared_chars", "int", "characters of A's operative text covered by passages shared with B"),
              ("operative_chars", "int", "characters of A's operative text (erratum spans left out)"),
              ("share", "float", "`shared_chars / operative_chars`"),
              ("rank", "int", "B's rank among A's sources by `shared_chars`"),
              ("shared_direct", "int", "of `shared_chars`, those in passages no reference document contains"),
              ("share_direct", "float", "`shared_direct / operative_chars`"),
              ("other_role", "str", "`plan` or `reference`"),
          )),
    Table("reuse_summary", "reuse_summary.csv", "crossplan", "one plan", _cols(
        ("jurisdiction", "str", "the plan"),
        ("operative_chars", "int", "characters of its operative text (erratum spans left out)"),
        ("shared_chars_any", "int", "characters of it found in any other plan"),
        ("share_any", "float", "their share"),
        ("n_sources", "int", "documents it shares a passage with (its rows in reuse_matrix.csv)"),
        ("share_reference", "float", "share of it found in any reference document (empty without one)"),
    )),
    Table("reuse_sensitivity", "reuse_sensitivity.csv", "crossplan",
          "one ordered pair of plans at one passage length and one way of counting", _cols(
              ("min_chars", "int", "shortest passage counted"),
              ("punctuation", "str", "`counted`, or `excluded` (only Chinese characters, letters and digits count)"),
              ("jurisdiction", "str", "plan A"),
              ("other_jurisdiction", "str", "plan B"),
              ("shared_chars", "int", "A's characters in passages shared with B"),
              ("operative_chars", "int", "A's operative characters (counted the same way)"),
              ("share", "float", "their ratio"),
          )),
]


#: The core tables by name (the coding dimensions' tables are added by :mod:`analysis.pipeline.catalog`).
CORE_TABLES: dict[str, Table] = {t.name: t for t in _TABLES}


def columns(name: str) -> list[str]:
    """Column names of core table *name*, in order."""
    try:
        return CORE_TABLES[name].column_names
    except KeyError:
        raise KeyError(f"no core table {name!r}; known: {', '.join(CORE_TABLES)}") from None


def text_columns(table: Table) -> list[str]:
    """Columns of *table* that are read back as text (``str`` and ``date``)."""
    return [c.name for c in table.columns if c.dtype in ("str", "date")]


def frame(rows: Iterable[Mapping] | None, table: Table):
    """A DataFrame of *rows* with exactly the columns of *table*, in schema order."""
    import pandas as pd  # not at the top: the schema is read without pandas (command-line start-up, docs)

    return pd.DataFrame(list(rows or []), columns=table.column_names)


def check_table(df, table: Table) -> list[str]:
    """Problems of *df* as *table*: wrong columns, or values that do not fit a column's type."""
    import pandas as pd  # not at the top: the schema is read without pandas (command-line start-up, docs)

    t = table
    problems = []
    if list(df.columns) != t.column_names:
        problems.append(f"{t.file}: columns {list(df.columns)} differ from the schema's {t.column_names}")
        return problems
    for c in t.columns:
        s = df[c.name].dropna()
        if c.dtype == "int":
            bad = s[~s.map(lambda v: float(v).is_integer() if _number(v) else False)]
        elif c.dtype == "float":
            bad = s[~s.map(_number)]
        elif c.dtype == "bool":
            bad = s[~s.map(lambda v: v in (True, False) or str(v) in ("True", "False"))]
        elif c.dtype == "date":
            bad = s[~s.astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}")]
        else:
            bad = pd.Series([], dtype=object)
        if len(bad):
            problems.append(f"{t.file}: column {c.name} ({c.dtype}) holds {bad.iloc[0]!r}")
    return problems


def _number(v) -> bool:
    try:
        float(v)
        return not isinstance(v, bool)
    except (TypeError, ValueError):
        return False


def data_dictionary(tables: Iterable[Table]) -> str:
    """The data dictionary (Markdown) of *tables* (the catalogue, :mod:`analysis.pipeline.catalog`)."""
    tables = list(tables)
    lines = ["# Data dictionary", "",
             "Generated from the table schema (`analysis/schema.py` and each coding dimension's module) by "
             "`python -m analysis docs`; do not edit by hand.", "",
             CONVENTIONS, "",
             "Column types: " + "; ".join(f"`{k}` {v}" for k, v in DTYPES.items()) + ".", "",
             "## `text/<jurisdiction>.txt`", "",
             "The normalised text of each plan, one paragraph per line. Every `text` evidence offset points "
             "into it.", ""]
    for stage, title in (("extract", "Tables of each plan"), ("crossplan", "Tables across plans")):
        lines += [f"## {title}", ""]
        for t in tables:
            if t.stage != stage:
                continue
            lines += [f"### `{t.file}` — one row: {t.row}", "", "| column | type | meaning |", "|---|---|---|"]
            for c in t.columns:
                ev = f" *Evidence offset into the {'normalised' if c.evidence == 'text' else 'raw'} text.*" \
                    if c.evidence else ""
                lines.append(f"| `{c.name}` | {c.dtype} | {c.meaning}{ev} |")
            if t.notes:
                lines += ["", t.notes]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["CONVENTIONS", "DTYPES", "Column", "Table", "CORE_TABLES", "columns", "text_columns", "frame",
           "check_table", "data_dictionary"]
