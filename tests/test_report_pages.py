"""The report's pages, from a corpus full of payloads (``python -m analysis report``), read as text and in a browser.

One report per test session (a session-scoped fixture; a report run executes every notebook): three
plans of our own making (layout fixtures) whose manifest carries HTML, script, Markdown links and
images, math and table syntax in its English and Chinese names, genre, framework and province, and
one of whose texts carries a script and a ``javascript:`` link in its header and inside an action.

- No page holds a tag, an event handler or a link that came from the data, and every page forbids
  scripts (content-security policy); each payload is shown as text.
- In headless Chromium no payload runs -- also with the content-security policy removed, so the
  escaping alone is shown to suffice -- and the payloads are visible as text.
- The evidence pages: a table page's row links to its span, which the browser finds highlighted.
- The front page: the corpus, the findings, the warnings (text no unit covers, linked to its place),
  every figure as a loading thumbnail, the notebooks for readers and in full, evidence and tables.
- The report is deterministic: run again into the same folder, no byte changes.

Browser tests skip with the reason when Chromium, its driver or selenium is missing (CI installs them).
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
#: What every payload does if it runs.
RUN = "window.__xss=(window.__xss||0)+1"
PAYLOADS = {
    "name_en": f'Zheyang <img src=x onerror="{RUN}"> *em* [link](javascript:{RUN}) $x^2$ a|b',
    "genre": f'工作要点<svg onload="{RUN}">',
    "name_zh": f"枫溪区<script>{RUN}</script>",
    "province": f'"><script>{RUN}</script>',
    "framework": f'![x](http://127.0.0.1:9/x.png) <iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
}
TEXT_PAYLOADS = (f'<img src=x onerror="{RUN}">[a](javascript:{RUN})', f"<script>{RUN}</script>")
PLANS = (("zheyang", "one_level_workplan", ("name_en", "genre")),
         ("fengxi", "notice_variant_2019", ("name_zh", "province", "framework")),
         ("wujiang", "lead_lines_per_item_2008", ()))


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _hostile_raw(raw: Path) -> Path:
    raw.mkdir(parents=True)
    rows = []
    for j, fx, cells in PLANS:
        exp = json.loads((FIXTURES / f"{fx}.expected.json").read_text(encoding="utf-8"))
        text = (FIXTURES / f"{fx}.txt").read_text(encoding="utf-8")
        if j == "zheyang":  # a payload in the page header the parser leaves uncovered, and one inside an action
            first = exp["actions"][0]["opening"]
            assert first in text
            text = TEXT_PAYLOADS[0] + "\n" + text.replace(first, first[:4] + TEXT_PAYLOADS[1] + first[4:], 1)
        (raw / f"{j}.txt").write_text(text, encoding="utf-8")
        row = {"jurisdiction": j, "file": f"{j}.txt", "sha256": hashlib.sha256((raw / f"{j}.txt").read_bytes()).hexdigest(),
               "name_zh": exp["name_zh"], "name_en": j.title(), "level": exp["level"], "province": "", "genre": "",
               "framework": ""}
        row.update({c: PAYLOADS[c] for c in cells})
        rows.append(row)
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return raw


def _report(raw: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "report", "--raw", str(raw), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=1800)


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    """The report of the hostile corpus (run once per session)."""
    base = tmp_path_factory.mktemp("hostile_report")
    raw = _hostile_raw(base / "raw")
    proc = _report(raw, base / "report")
    assert proc.returncode == 0, proc.stderr
    return base / "report"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's chromium and chromedriver), or a skip saying what is missing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(f"browser tests need {' and '.join(missing)} (apt-get install chromium chromium-driver; "
                    "CI's .ci/run installs them)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("browser tests need selenium (in the dev lock: make setup)")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
              "--window-size=1280,1024"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html")) + sorted(out.glob("*/*.html"))


class _Audit(HTMLParser):
    """Tags and attributes of a page that could run or load something."""

    def __init__(self):
        super().__init__()
        self.bad: list = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "frame", "base", "form"):
            self.bad.append(tag)
        for k, v in attrs:
            v = "".join((v or "").split()).lower()
            if k.startswith("on") or k == "srcdoc" \
                    or (k == "href" and v.startswith(("javascript:", "vbscript:", "data:"))) \
                    or (k == "src" and (":" in v.split("/")[0] and not v.startswith("data:image/") or v.startswith("//"))):
                self.bad.append((tag, k, v[:60]))


# ------------------------------------------------------------------------------------------------ as text
def test_the_report_writes_every_page(report):
    from analysis.report.notebooks import notebook_paths

    for j, _, _ in PLANS:
        assert (report / "evidence" / f"{j}.html").is_file()
    for name in ("index.html", "evidence/index.html", "tables/index.html", "tables/actions.html",
                 "tables/assignments.html", "tables/group_mentions.html", "tables/instruments.html"):
        assert (report / name).is_file(), name
    for nb in notebook_paths(paths.NOTEBOOKS):
        full, reader = report / "html" / f"{nb.stem}.html", report / "html" / f"{nb.stem}-reader.html"
        assert full.is_file() and reader.is_file()
        assert "hl-ipython3" in full.read_text(encoding="utf-8")  # highlighted code
        assert "hl-ipython3" not in reader.read_text(encoding="utf-8")  # no code for readers


def test_no_page_holds_markup_from_the_data(report):
    pages = _pages(report)
    assert len(pages) > 20
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html and "script-src 'none'" in html, p
        audit = _Audit()
        audit.feed(html)
        assert not audit.bad, (p.relative_to(report), audit.bad[:5])
    # the payloads are there, as text
    assert f'Zheyang <img src=x onerror="{RUN}">' in _text(report / "html" / "01_overview-reader.html")
    index = _text(report / "index.html")
    for cell in ("name_en", "genre", "name_zh", "framework"):  # the corpus table (the province is not on it)
        assert PAYLOADS[cell] in index, cell
    # the plan's text (as normalisation left it: brackets full-width) is on its evidence page, character for character
    normalised = (report / "processed" / "text" / "zheyang.txt").read_text(encoding="utf-8")
    assert '<img src=x onerror="window.__xss=' in normalised and "<script>window.__xss=" in normalised
    assert normalised in _text(report / "evidence" / "zheyang.html")
    assert "<script>window.__xss=" in _text(report / "tables" / "actions.html")


class _Data(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(page: Path) -> str:
    """The text of a page (what a browser shows, markup removed)."""
    d = _Data()
    d.feed(page.read_text(encoding="utf-8"))
    return "".join(d.parts)


# ------------------------------------------------------------------------------------------------ in a browser
def _visible(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "body").text


def _ran(browser) -> object:
    return browser.execute_script("return window.__xss === undefined ? null : window.__xss;")


def test_no_payload_runs_in_a_browser(report, browser):
    from selenium.webdriver.common.by import By

    for p in _pages(report):
        browser.get(p.as_uri())
        assert _ran(browser) is None, p.relative_to(report)
        assert not browser.find_elements(By.CSS_SELECTOR, "img[src='x'], iframe, script, svg[onload]"), p
    browser.get((report / "html" / "01_overview-reader.html").as_uri())
    shown = _visible(browser)
    assert f'Zheyang <img src=x onerror="{RUN}">' in shown  # the name, as typed
    assert f"[link](javascript:{RUN})" in shown
    browser.get((report / "index.html").as_uri())
    shown = _visible(browser)
    for cell in ("genre", "name_zh", "framework"):
        assert PAYLOADS[cell] in shown, cell


def test_escaping_alone_keeps_the_payloads_inert(report, browser, tmp_path):
    """The same pages without their content-security policy: still nothing runs (the escaping is enough)."""
    from selenium.webdriver.common.by import By

    import re

    for rel in ("index.html", "html/01_overview.html", "html/01_overview-reader.html", "evidence/zheyang.html",
                "tables/actions.html"):
        src = report / rel
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        html = src.read_text(encoding="utf-8")
        bare = re.sub(r"<meta[^>]*Content-Security-Policy[^>]*>", "", html)
        assert bare != html and "Content-Security-Policy" not in bare
        dst.write_text(bare, encoding="utf-8")
        browser.get(dst.as_uri())
        assert _ran(browser) is None, rel
        assert not browser.find_elements(By.CSS_SELECTOR, "img[src='x'], iframe, script, svg[onload]"), rel


def test_a_table_row_links_to_its_highlighted_span(report, browser):
    from selenium.webdriver.common.by import By

    actions = pd.read_csv(report / "processed" / "actions.csv")
    browser.get((report / "tables" / "actions.html").as_uri())
    links = browser.find_elements(By.CSS_SELECTOR, "td.link a")
    assert len(links) == len(actions)
    row = len(actions) // 2
    want = actions.iloc[row]
    links[row].click()
    url = browser.current_url
    assert url.endswith(f"evidence/{want['jurisdiction']}.html#a-{want['action_id']}"), url
    target = browser.find_element(By.ID, f"a-{want['action_id']}")
    assert "unit" in target.get_attribute("class").split()
    assert "".join(target.text.split()) == "".join(str(want["text"]).split())
    assert browser.execute_script("return document.querySelector(':target') === arguments[0];", target)
    style = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle;", target)
    assert style != "none"  # highlighted where the link lands
    assert target.get_attribute("data-label").startswith(want["action_id"])
    # a department: the link lands on the printed name
    assignments = pd.read_csv(report / "processed" / "assignments.csv")
    browser.get((report / "tables" / "assignments.html").as_uri())
    links = browser.find_elements(By.CSS_SELECTOR, "td.link a")
    assert len(links) == len(assignments)
    d = assignments.iloc[0]
    links[0].click()
    target = browser.find_element(By.CSS_SELECTOR, ":target")
    assert "department" in target.get_attribute("class").split()
    text = (report / "processed" / "text" / f"{d['jurisdiction']}.txt").read_text(encoding="utf-8")
    assert target.text.startswith(text[int(d["start"]):int(d["end"])][:2])
    assert str(d["role"]) in target.get_attribute("data-label")


def test_front_page_is_the_report_s_summary(report, browser):
    from selenium.webdriver.common.by import By

    from analysis.report.figures import FIGURES
    from analysis.report.notebooks import notebook_paths

    browser.get((report / "index.html").as_uri())
    corpus = browser.find_element(By.CSS_SELECTOR, "#corpus + p + table")
    assert len(corpus.find_elements(By.CSS_SELECTOR, "tbody tr")) == len(PLANS)
    findings = browser.find_elements(By.CSS_SELECTOR, "ul.findings li")
    assert len(findings) >= 3 and any("[" in li.text and "%]" in li.text for li in findings)
    shown = _visible(browser)
    assert "Text no unit covers" in shown and "Codebook gaps" in shown
    # the uncovered page header of zheyang is listed, and its link lands on a greyed stretch
    link = browser.find_element(By.CSS_SELECTOR, "a[href^='evidence/zheyang.html#g-zheyang-']")
    link.click()
    assert "gap" in browser.find_element(By.CSS_SELECTOR, ":target").get_attribute("class").split()
    browser.get((report / "index.html").as_uri())
    figures = browser.find_elements(By.CSS_SELECTOR, "figure img")
    drawn = sorted(p.stem for p in (report / "figures").glob("*.png"))
    assert len(figures) == len(drawn) and set(drawn) <= set(FIGURES)
    from selenium.webdriver.support.ui import WebDriverWait

    for img in figures:  # thumbnails load lazily: bring each into view
        browser.execute_script("arguments[0].scrollIntoView();", img)
        WebDriverWait(browser, 20).until(
            lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", img),
            message=f"thumbnail {img.get_attribute('src')} does not load")
    for name in drawn:
        assert FIGURES[name][1][:40] in shown
    hrefs = {a.get_attribute("href").rsplit("/", 2)[-2] + "/" + a.get_attribute("href").rsplit("/", 1)[-1]
             for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")}
    for nb in notebook_paths(paths.NOTEBOOKS):
        assert f"html/{nb.stem}-reader.html" in hrefs and f"html/{nb.stem}.html" in hrefs
    assert "evidence/index.html" in hrefs and "tables/index.html" in hrefs


def test_the_report_is_deterministic(report):
    """Run again into the same folder (the marker lets the report replace its own folder): no byte changes."""
    before = _digest(report)
    proc = _report(report.parent / "raw", report)
    assert proc.returncode == 0, proc.stderr
    assert _digest(report) == before
