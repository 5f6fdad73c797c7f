"""The generated pages of the documentation (``docs/``) and the site build.

Three pages are written from the code and the data, so they cannot drift from them:

- ``docs/data-dictionary.md`` from the table catalogue
  (:func:`analysis.pipeline.catalog.data_dictionary`);
- ``docs/parameters.md`` from :class:`analysis.pipeline.crossplan.CrossPlanParams`
  (its docstring and its fields).

and the README's *Findings* from the build (:func:`readme_findings`).

``python -m analysis docs`` rewrites them and builds the site with MkDocs
(``--check`` only reports stale pages); a test fails when a committed page
differs from what the code generates.
"""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import warnings
from dataclasses import fields
from pathlib import Path

from analysis import paths, report, validation
from analysis.compare import read_processed
from analysis.errors import BuildError
from analysis.files import file_sha256, write_if_changed
from analysis.pipeline.catalog import data_dictionary
from analysis.pipeline.params import PARAMETERS_FILE, RANGES, CrossPlanParams
from analysis.report.findings import corpus_table, headlines

#: The documentation folder and the MkDocs configuration of the repository.
DOCS = paths.ROOT / "docs"
MKDOCS_YML = paths.ROOT / "mkdocs.yml"

_ROLE = re.compile(r":(?:func|data|class|mod|meth|attr):`~?([^`]+)`")


def _rst_to_md(text: str) -> str:
    """The reStructuredText of a docstring as Markdown (roles and double back-quotes)."""
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    return text.replace("``", "`")


def _docstring_sections(doc: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The summary and the ``(title, [bullet, ...])`` sections of a parameters docstring.

    A line at the docstring's base indentation is a section title, a line
    starting with ``- `` a bullet, any other line continues the bullet above.
    """
    lines = doc.expandtabs().splitlines()
    rest = [ln for ln in lines[1:] if ln.strip()]
    base = min((len(ln) - len(ln.lstrip()) for ln in rest), default=0)
    sections: list[tuple[str, list[str]]] = []
    for raw in rest:
        line, indent = raw.strip(), len(raw) - len(raw.lstrip())
        if indent == base and not line.startswith("- "):
            sections.append((line, []))
        elif line.startswith("- ") and sections:
            sections[-1][1].append(line[2:])
        elif sections and sections[-1][1]:
            sections[-1][1][-1] += " " + line
        else:
            raise ValueError(f"cannot place docstring line {line!r}")
    return lines[0].strip(), sections


def parameters_markdown() -> str:
    """The parameters page (Markdown) from :class:`~analysis.pipeline.crossplan.CrossPlanParams`."""
    doc = CrossPlanParams.__doc__ or ""
    summary, sections = _docstring_sections(doc)
    defaults = CrossPlanParams()
    out = ["# Parameters", "",
           "Generated from `analysis.pipeline.params.CrossPlanParams` by `python -m analysis docs`; do not edit "
           "by hand.", "",
           "The segmentation and coding rules have no numeric parameters: what they recognise is the codebook "
           "(`analysis/resources/codebook.yaml`, replaceable with `--codebook`; see [your own corpus](corpus.md)). "
           "Every number the cross-plan stage depends on is a field below. "
           f"Each build records the values it used in `{PARAMETERS_FILE}` in its output folder, and the report "
           "notebooks read them from there.", "",
           "## Changing a parameter", "",
           "```bash",
           "python -m analysis build --raw my_plans --out my_build --set n_clusters=12 --set reuse_min_chars=15",
           "python -m analysis report --raw my_plans --out my_report --set match_threshold=0.4",
           "```", "",
           "From Python:", "",
           "```python",
           "from analysis.pipeline import build, CrossPlanParams",
           "build(\"my_plans\", \"my_build\", params=CrossPlanParams(n_clusters=12))",
           "```", "",
           "Values are read as the parameter's type: integers, decimals, `true`/`false`, `none` where allowed, "
           "comma-separated lists for tuples (`--set sensitivity_lsa=10,20,40`); each must lie in the range the "
           "table at the end gives.", "",
           f"## {_rst_to_md(summary)}", ""]
    for title, bullets in sections:
        out += [f"### {_rst_to_md(title)}", ""]
        out += [f"- {_rst_to_md(b)}" for b in bullets]
        out.append("")
    out += ["## Every field", "",
            "A value outside its range is refused with an `error:` naming the parameter, the value and the range "
            "(exit status 2); so is `k_min` above `k_max`.", "",
            "| parameter | type | range | default |", "|---|---|---|---|"]
    for f in fields(CrossPlanParams):
        kind = str(f.type).replace(" | ", " or ")
        out.append(f"| `{f.name}` | {kind} | {RANGES[f.name].text()} | `{getattr(defaults, f.name)!r}` |")
    return "\n".join(out).rstrip() + "\n"


def undocumented_parameters() -> list[str]:
    """Fields of :class:`~analysis.pipeline.crossplan.CrossPlanParams` its docstring does not mention."""
    doc = CrossPlanParams.__doc__ or ""
    return [f.name for f in fields(CrossPlanParams) if f"``{f.name}``" not in doc]


def _markdown_table(df, digits: int = 3) -> list[str]:
    """*df* as a Markdown table (floats rounded, missing values as ``–``)."""
    def cell(v):
        if isinstance(v, float):
            return "–" if math.isnan(v) else f"{v:.{digits}f}"
        return str(v)

    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return out


def validation_markdown(processed: Path | None = None) -> str:
    """The validation results page: the reports of :mod:`analysis.validation` on the build *processed*."""
    folder = Path(processed) if processed is not None else paths.PROCESSED
    t = read_processed(folder)
    out = ["# Validation results", "",
           "Generated by `python -m analysis docs` from the double-coded sample in `data/validation/` and the "
           "build in `data/processed/`; do not edit by hand. What was coded, how, and what these numbers do "
           "and do not show: [validation](validation.md). The same tables, with a figure, are in notebook "
           "`08_validation.ipynb`.", ""]
    sample = set(validation.read_coding("reconciled", "fields")["action_id"])
    if not sample <= set(t["actions"]["action_id"]):
        return "\n".join(out + ["The build does not hold the plans of the hand-coded sample (it was made from "
                                 "another corpus), so no result can be computed.", ""])
    texts = {j: (paths.text_dir(folder) / f"{j}.txt").read_text(encoding="utf-8")
             for j in t["documents"]["jurisdiction"]}
    seg = validation.segmentation_report(t["actions"], texts)
    fields = validation.fields_report(t["actions"], t["assignments"], t["targets"])
    test = validation.instruments_report(t["actions"], t["instruments"], split="test")
    dev = validation.instruments_report(t["actions"], t["instruments"], split="dev")
    out += ["## Segmentation: every line of every plan", "",
            "`alpha_coders`: Krippendorff's alpha (nominal) between the two coders; `package_agreement`: share "
            "of lines where the package's label equals the adjudicated one; precision, recall and F1 of the "
            "package per label.", ""]
    out += _markdown_table(seg) + [""]
    out += ["## Target group, departments, commitments: the sample of actions", "",
            "Departments and commitments are compared as present/absent decisions per action and category "
            "(unit).", ""]
    out += _markdown_table(fields) + [""]
    cols = ["code", "kind", "n_gold", "n_package", "alpha_coders", "precision", "recall", "f1"]
    out += ["## Policy instruments: the held-out part", "",
            f"Actions not used to tune the cues ({int(test['n_actions'].iloc[0])}); per code, per kind and "
            "overall (`all`).", ""]
    out += _markdown_table(test[cols]) + [""]
    summary = dev[dev["code"].isin(["all", "supply", "environment", "demand"])][["code", "n_gold", "precision",
                                                                                 "recall", "f1"]]
    out += ["## Policy instruments: the development part (better by construction)", "",
            f"The actions the cues were tuned on ({int(dev['n_actions'].iloc[0])}).", ""]
    out += _markdown_table(summary) + [""]
    return "\n".join(out).rstrip() + "\n"


def pages() -> dict[str, str]:
    """Every generated page by file name under ``docs/``."""
    return {"data-dictionary.md": data_dictionary(), "parameters.md": parameters_markdown(),
            "validation-results.md": validation_markdown()}


#: The README's generated block of findings lies between these two lines.
README = paths.ROOT / "README.md"
FINDINGS_START = "<!-- findings: generated by `python -m analysis docs` from data/processed; do not edit -->"
FINDINGS_END = "<!-- end of findings -->"


def readme_findings(processed: Path | None = None) -> str:
    """The README's findings block: :func:`analysis.report.findings.headlines` of the build *processed*."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = report.load(processed)
    with r:
        return corpus_table(r) + "\n" + headlines(r)


def readme_with_findings(text: str, block: str) -> str:
    """*text* (the README) with its findings block replaced by *block*."""
    i, j = text.find(FINDINGS_START), text.find(FINDINGS_END)
    if i < 0 or j < i:
        raise BuildError(f"{README}: the findings markers are missing; put the two lines\n{FINDINGS_START}\n"
                         f"{FINDINGS_END}\nwhere the findings belong.")
    return text[:i] + FINDINGS_START + "\n" + block.rstrip("\n") + "\n" + text[j:]


def stale_pages(docs: Path = DOCS, readme: Path = README) -> list[str]:
    """Generated pages (and the README's findings) that differ from what the code and the build generate."""
    out = []
    for name, text in pages().items():
        path = Path(docs) / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    if readme is not None:
        cur = Path(readme).read_text(encoding="utf-8")
        if readme_with_findings(cur, readme_findings()) != cur:
            out.append(Path(readme).name)
    return out


def write_pages(docs: Path, readme: Path | None) -> list[str]:
    """Write the generated pages into *docs* and the findings into *readme* (each only if a byte changes).

    Parameters
    ----------
    docs : path
        The documentation folder (``python -m analysis docs`` names the repository's :data:`DOCS`).
    readme : path or None
        The README whose findings block is rewritten (None: none).

    Returns
    -------
    list of str
        The names of the files rewritten.
    """
    changed = []
    for name, text in pages().items():
        if write_if_changed(Path(docs) / name, text.encode("utf-8")):
            changed.append(name)
    if readme is not None:
        new = readme_with_findings(Path(readme).read_text(encoding="utf-8"), readme_findings())
        if write_if_changed(Path(readme), new.encode("utf-8")):
            changed.append(Path(readme).name)
    return changed


#: The file that marks a folder as a site this module built (and may therefore replace).
SITE_MARKER = ".analysis-docs-site"


def _site_files(site: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file of *site* but its marker."""
    return {p.relative_to(site).as_posix(): file_sha256(p)
            for p in sorted(site.rglob("*")) if (p.is_file() or p.is_symlink()) and p.name != SITE_MARKER}


def build_site(site: Path, config: Path = MKDOCS_YML) -> Path:
    """Build the HTML site with MkDocs (``--strict``: a broken link or reference fails) into *site*.

    *site* must be new, empty, or a site built here before whose files are all as the build left them: its
    marker :data:`SITE_MARKER` lists every file it wrote with its SHA-256.  MkDocs empties the folder
    first, so a folder holding any other file (or a file changed since) is refused.
    """
    site = Path(site)
    if site.exists() and not site.is_dir():
        raise BuildError(f"{site}: --site names a file; give a new or empty folder (nothing was changed).")
    if site.is_dir() and any(site.iterdir()):
        marker = site / SITE_MARKER
        try:
            text = marker.read_text(encoding="utf-8")
            legacy = text.startswith("built by python -m analysis docs")  # the marker of earlier versions
            listed = None if legacy else json.loads(text)["files"]
        except (OSError, ValueError, KeyError, TypeError):
            legacy, listed = False, None
        present = {} if legacy else _site_files(site)
        other = sorted(f for f in present if listed is None or listed.get(f) != present[f])
        if not legacy and (listed is None or other):
            shown = ", ".join(other[:8]) + (" …" if len(other) > 8 else "")
            raise BuildError(f"{site}: holds files the documentation build did not write or that changed since "
                             f"({shown or 'no readable ' + SITE_MARKER}); MkDocs would delete them. Give a new or "
                             "empty folder with --site, or move those files away (nothing was changed).")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(site)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise BuildError(f"mkdocs build failed ({config}):\n{tail}")
    text = json.dumps({"written_by": "python -m analysis docs", "files": _site_files(site)}, indent=1,
                      sort_keys=True) + "\n"
    (site / SITE_MARKER).write_text(text, encoding="utf-8")
    return site


__all__ = ["DOCS", "MKDOCS_YML", "README", "readme_findings", "readme_with_findings", "pages", "stale_pages", "write_pages", "build_site", "parameters_markdown",
           "undocumented_parameters"]
