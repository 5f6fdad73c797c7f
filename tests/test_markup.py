"""Text from the data escaped for where it lands (analysis.report.markup), and the evidence renderer.

Fast tests: each escaping function on hostile values of our own making, the Markdown safety net on
thousands of random mixtures of Markdown and HTML syntax rendered by the two Markdown renderers the
report uses (nbconvert's, for notebook pages; mistune's, for the front page and the coding manual),
Matplotlib's SVG writer on hostile labels, and the evidence page's nesting of crossing spans.
"""
from __future__ import annotations

import random
from html.parser import HTMLParser

import pandas as pd
import pytest

from analysis.report import markup
from analysis.report.markup import (anchor_id, chart_text, csv_cell, html_text, md_code, md_text, safe_href,
                                    sanitize_markdown)

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "[click](javascript:window.__xss=1)",
    "![x](http://127.0.0.1:9/pixel.png)",
    '<a href="javascript:window.__xss=1">a</a>',
    "<svg onload=window.__xss=1>",
    "`<b>code</b>`",
    "$<img src=x onerror=1>$",
    "a | b *c* _d_ ~~e~~ \\",
    "&lt;script&gt; &#60;b&#62;",
]

#: Tags a rendered sentence may hold, and attributes that are never allowed.
ALLOWED = {"p", "code", "em", "strong", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
           "br", "del", "table", "thead", "tbody", "tr", "th", "td", "span", "dl", "dt", "dd", "a"}


class _Audit(HTMLParser):
    """Collects every tag or attribute of rendered HTML that could run, load or link anything."""

    def __init__(self):
        super().__init__()
        self.bad: list = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("src", "style", "srcdoc", "formaction"):
                self.bad.append((tag, k, v))
            if k == "href" and not (v or "").startswith(("http://", "https://")):
                self.bad.append((tag, k, v))


def _renderers():
    import mistune
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    front = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    return {"nbconvert": markdown2html_mistune, "mistune": front}


def _audit(html: str) -> list:
    a = _Audit()
    a.feed(html)
    return a.bad


@pytest.mark.parametrize("value", PAYLOADS)
def test_md_text_shows_the_value_as_typed(value):
    for name, render in _renderers().items():
        html = render(md_text(value))
        assert not _audit(html), (name, value, html)
        shown = _Text()
        shown.feed(html)
        assert shown.text.strip() == " ".join(value.split()).strip(), (name, value, html)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = ""

    def handle_data(self, data):
        self.text += data


def test_md_text_keeps_identifiers_readable_and_values_inline():
    assert md_text("science_tech") == "science_tech"
    assert md_text("_x_") == r"\_x\_"
    assert "\n" not in md_text("a\n# heading\r\n- item")
    assert md_code("zhifu") == "`zhifu`"
    assert md_code("a`b") == r"a\`b" and md_code("<b>") == "&lt;b&gt;"


def test_sanitize_markdown_on_random_mixtures():
    """No mixture of Markdown and HTML syntax gets a tag, a handler, a link or an image through either renderer."""
    tokens = ["<", ">", "[", "]", "(", ")", "`", "``", "\\", "!", "*", "_", "$", "$$", "|", ":", "\n", "\n\n", "x", " ",
              "javascript:alert(1)", "<img src=x onerror=alert(1)>", "<script>", "</script>", "&lt;", "&#60;",
              "http://e.com", "<svg onload=1>", "](", "][", "]:", "| a | b |\n|---|---|\n", "<a href='javascript:1'>",
              "![x](y.png)", "[r]: javascript:1\n", "<!--", "-->", "<?", "<![CDATA[", "\\<", "\\]("]
    rnd = random.Random(20240521)
    renderers = _renderers()
    for _ in range(3000):
        text = "".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 14)))
        safe = sanitize_markdown(text)
        for name, render in renderers.items():
            html = render(safe)
            assert not _audit(html), (name, text, safe, html)


def test_sanitize_markdown_leaves_the_report_s_own_markdown_alone():
    md = ("- **Measurability.** Between 0.0% [0.0–15.5%] (`zhifu`) and p < 0.05, a table:\n\n"
          "| plan | actions |\n|---|---|\n| `a` | 3 |\n")
    assert sanitize_markdown(md) == md
    assert sanitize_markdown(sanitize_markdown(PAYLOADS[0])) == sanitize_markdown(PAYLOADS[0])


def test_show_passes_every_sentence_through_the_net():
    from analysis.report.findings import show

    out = show(f"- Zheyang {PAYLOADS[0]} and {PAYLOADS[2]}")
    assert "<img" not in out.data and "](javascript" not in out.data


@pytest.mark.parametrize("url, ok", [
    ("evidence/zhifu.html#a-zhifu-007", True), ("#a-x", True), ("https://example.org/a?b=1&c=2", True),
    ("mailto:a@b.c", True), ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
    (" java\tscript:alert(1)", False), ("javascript&#58;alert(1)", False), ("data:text/html,<b>", False),
    ("vbscript:x", False), ("file:///etc/passwd", False), ("//evil.example/x", False)])
def test_safe_href(url, ok):
    out = safe_href(url)
    assert (out != "#") == ok, (url, out)
    assert '"' not in out and "<" not in out


def test_html_anchor_csv_and_chart_text():
    assert html_text('"><script>') == "&quot;&gt;&lt;script&gt;"
    assert html_text(None) == ""
    assert anchor_id("a", "zhifu-007") == "a-zhifu-007"
    assert anchor_id("d", 'x"><b>', 3) == "d-x_b_-3" and anchor_id() == "x"
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell("-x") == "'-x" and csv_cell("a=b") == "a=b"
    assert csv_cell(3) == 3
    assert chart_text("$x^2$") == r"\$x^2\$"


def test_matplotlib_svg_escapes_hostile_labels(tmp_path):
    """A chart label holding markup stays text in the SVG (Matplotlib escapes text, comments and attributes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from defusedxml.ElementTree import parse

    for fonttype in ("path", "none"):
        with matplotlib.rc_context({"svg.fonttype": fonttype}):
            fig, ax = plt.subplots()
            label = "--> " + PAYLOADS[1] + " " + PAYLOADS[0] + " ]]> <!-- x"
            ax.set_title(chart_text(label))
            ax.set_xlabel(label.replace("$", ""))
            fig.savefig(tmp_path / f"t_{fonttype}.svg")
            plt.close(fig)
        tree = parse(tmp_path / f"t_{fonttype}.svg")
        for el in tree.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "img", "foreignObject", "iframe"), tag
            assert not any(k.rsplit("}", 1)[-1].startswith("on") for k in el.attrib), el.attrib
        text = (tmp_path / f"t_{fonttype}.svg").read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text


def test_evidence_rendering_nests_crossing_spans_and_escapes_text():
    from analysis.report.evidence import render_text

    text = "ab<script>x</script>cdefgh"
    spans = pd.DataFrame([
        {"family": "unit", "start": 0, "end": 26, "anchor": "a-p-001", "label": 'p-001 <b>"', "title": "t"},
        {"family": "department", "start": 2, "end": 12, "anchor": "d-p-2-12", "label": "cast", "title": ""},
        {"family": "instrument", "start": 8, "end": 22, "anchor": "i-p-8-22-x", "label": "x", "title": ""},
        {"family": "mention", "start": 30, "end": 40, "anchor": "m-out", "label": "out", "title": ""},
    ])
    html = render_text(text, spans)
    assert "<script" not in html and "&lt;scr" in html
    assert 'data-label="p-001 &lt;b&gt;&quot;"' in html
    assert html.count("<span") == html.count("</span>")
    for anchor in ("a-p-001", "d-p-2-12", "i-p-8-22-x"):
        assert html.count(f'id="{anchor}"') == 1
    assert 'id="m-out"' not in html  # outside the text: left out
    # the crossing instrument is cut where the department ends and continues without its anchor
    assert 'data-of="i-p-8-22-x"' in html

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    t = Text()
    t.feed(html)
    assert "".join(t.parts) == text  # exactly the characters of the text, in order
