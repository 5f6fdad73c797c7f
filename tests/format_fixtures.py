"""Fixtures of our own making for tests/test_formats.py: one invented plan, written as plain text, as a web page,
as a Word document with Word's own numbering, and as a PDF with running headers, page numbers and lines broken by
the layout; and the pieces of a page, a document and a PDF that test one rule each.

Everything is generated here (nothing binary is committed); the plan is in a layout the segmenter handles
(`一、` > `（一）` > `1.` items with `牵头单位：` / `责任单位：` lines, see tests/fixtures/layouts/).
"""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

#: The plan: (style, text) in reading order. Styles say how a PDF lays the line out: ``para`` (first line
#: indented two characters), ``flush`` (not indented), ``center``, ``spaced`` (centred, letter-spaced),
#: ``right``.
PLAN = [
    ("flush", "临溪县人民政府办公室关于印发临溪县全民科学素质行动实施方案（2021—2025年）的通知"),
    ("center", "临政办发〔2021〕35号"),
    ("flush", "各乡镇人民政府，县政府各部门："),
    ("para", "现将《临溪县全民科学素质行动实施方案（2021—2025年）》印发给你们，请结合实际认真组织实施，确保各项任务落到实处。"),
    ("right", "临溪县人民政府办公室"),
    ("right", "2021年11月8日"),
    ("spaced", "临溪县全民科学素质行动实施方案（2021—2025年）"),
    ("para", "为贯彻落实《全民科学素质行动规划纲要（2021—2035年）》，进一步提升全县公民科学素质，推动科普工作与科技创新协同发展，结合我县实际，制定本方案。"),
    ("para", "一、总体目标"),
    ("para", "到2025年，全县公民具备科学素质的比例达到10%，科普工作体系更加完善，科普基础设施布局更加合理，公民科学素质发展的城乡差距明显缩小。"),
    ("para", "二、重点任务"),
    ("para", "（一）青少年科学素质提升行动"),
    ("para", "1.加强中小学科学教育，开足开好科学课程，推动每所中学至少配备1名专职科技辅导员，定期开展科学教师培训和教学观摩活动。"),
    ("para", "牵头单位：县教育局"),
    ("para", "责任单位：县科协、县科技局"),
    ("para", "2.开展青少年科技创新大赛和科技夏令营活动，每年组织一次全县青少年科技节，引导学生走进科技馆和科普教育基地。"),
    ("para", "牵头单位：县科协"),
    ("para", "责任单位：县教育局、团县委"),
    ("para", "（二）农民科学素质提升行动"),
    ("para", "1.实施高素质农民培育工程，围绕特色种养业开展实用技术培训，每年培训农民2000人次以上，培养一批乡土科技人才。"),
    ("para", "牵头单位：县农业农村局"),
    ("para", "责任单位：县科协、县人力资源和社会保障局"),
    ("para", "2.开展科技特派员下乡服务，建设乡村科普活动站和科普宣传栏，推广农业实用技术和绿色生产方式。"),
    ("para", "牵头单位：县科技局"),
    ("para", "责任单位：县农业农村局、各乡镇人民政府"),
    ("para", "（三）老年人科学素质提升行动"),
    ("para", "1.依托社区老年学校和老年大学开展智能技术培训，帮助老年人掌握智能手机使用技能，融入智慧社会。"),
    ("para", "牵头单位：县卫生健康局"),
    ("para", "责任单位：县民政局、县科协"),
    ("para", "三、保障措施"),
    ("para", "（一）加强组织领导。县全民科学素质工作领导小组负责统筹协调本方案实施，各成员单位按照职责分工抓好落实。"),
    ("para", "（二）加大经费投入。县财政将科普工作经费列入年度预算，并随经济社会发展逐步增加。"),
]

PLAN_TEXT = "".join(f"{text}\n" for _, text in PLAN)
NAME_ZH, LEVEL = "临溪县", "county"

_NUM_RE = re.compile(r"^(?:(?P<l0>[一二三四五六七八九十]+、)|(?P<l1>（[一二三四五六七八九十]+）)|(?P<l2>\d+\.))")
_NAV = """<div class="header"><div class="logo"><h1>临溪县人民政府</h1></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/bsfw">办事服务</a></li><li><a href="/zjlx">走进临溪</a></li></ul></div>
<div class="menu"><a href="/a">通知公告</a> | <a href="/b">政策文件</a> | <a href="/c">政策解读</a> | <a href="/d">人事信息</a></div>
</div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>"""
_FOOTER = """<div class="share">分享到：微信 微博 QQ空间</div>
<div class="footer"><p>主办单位：临溪县人民政府办公室　承办单位：临溪县大数据中心</p>
<p>网站标识码：5100000099　备案号：蜀ICP备00000000号</p><p>联系电话：0000-0000000</p></div>"""
#: The catalogue fields of the page's metadata table.
METADATA = [("索引号", "000000000/2021-00135"), ("主题分类", "科技、教育"), ("发文机关", "临溪县人民政府办公室"),
            ("成文日期", "2021年11月08日"), ("发文字号", "临政办发〔2021〕35号"), ("发布日期", "2021年11月10日")]


def html_page(lines: list[str] = None, charset: str | None = "utf-8", metadata: bool = False) -> str:
    """The plan as a government web page: head with script and style, menus, breadcrumb, (optionally) a
    metadata table, the first line as ``<h1>``, the rest as the article (paragraphs, a ``<br>``, a list, a
    ``<div>``), sharing bar and footer. *charset*: what ``<meta>`` declares (``None``: nothing)."""
    lines = [t for _, t in PLAN] if lines is None else lines
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    meta = ""
    if metadata:
        cells = [f"<td>{k}：</td><td>{html.escape(v)}</td>" for k, v in METADATA]
        rows = "".join(f"<tr>{''.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))
        meta = f'<table class="xxgk">{rows}</table>'
    body, i = [], 1
    while i < len(lines):
        t = html.escape(lines[i])
        if lines[i].startswith("牵头单位") and i + 1 < len(lines) and lines[i + 1].startswith("责任单位"):
            body.append(f"<p>{t}<br>{html.escape(lines[i + 1])}</p>")  # two lines in one paragraph
            i += 2
            continue
        if lines[i].startswith("（三）"):
            body.append(f"<div><strong>{t}</strong></div>")
        elif lines[i].startswith("三、"):
            body.append(f"<ul><li>{t}</li></ul>")
        else:
            body.append(f'<p style="text-indent:2em">{t}</p>')
        i += 1
    return f"""<!DOCTYPE html>
<html><head>{head}
<title>{html.escape(lines[0])}_政策文件_临溪县人民政府</title>
<style>.nav li {{ float: left; }} body {{ font-family: SimSun; }}</style>
<script type="text/javascript">var menu = ["一、首页", "二、政务公开"]; document.write("<p>脚本写的字</p>");</script>
</head><body>
{_NAV}
<div class="main">{meta}
<div class="article"><h1 class="article-title">{html.escape(lines[0])}</h1>
<div class="info">字号：大 中 小　浏览次数：1024</div>
<div class="content" id="zoom">
{chr(10).join(body)}
</div></div></div>
{_FOOTER}
<script>console.log("统计代码");</script>
</body></html>
"""


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def add_numbering(document, abstract_id: int, levels: list[dict] | None, num_id: int,
                  overrides: dict | None = None) -> None:
    """Add an abstract numbering definition (unless *levels* is None: it exists) and an instance of it to a
    python-docx document.

    *levels*: one dict per level with ``fmt``, ``text`` and optionally ``start``, ``restart``, ``suff``;
    *overrides*: level -> start override of the instance.
    """
    from lxml import etree

    numbering = document.part.numbering_part.element
    if levels is not None:
        _abstract(numbering, abstract_id, levels)
    n = etree.SubElement(numbering, _w("num"))
    n.set(_w("numId"), str(num_id))
    etree.SubElement(n, _w("abstractNumId")).set(_w("val"), str(abstract_id))
    for k, start in (overrides or {}).items():
        o = etree.SubElement(n, _w("lvlOverride"))
        o.set(_w("ilvl"), str(k))
        etree.SubElement(o, _w("startOverride")).set(_w("val"), str(start))


def _abstract(numbering, abstract_id: int, levels: list[dict]) -> None:
    from lxml import etree

    a = etree.SubElement(numbering, _w("abstractNum"))
    a.set(_w("abstractNumId"), str(abstract_id))
    for k, lv in enumerate(levels):
        el = etree.SubElement(a, _w("lvl"))
        el.set(_w("ilvl"), str(k))
        for tag, val in [("start", lv.get("start", 1)), ("numFmt", lv["fmt"])] + (
                [("lvlRestart", lv["restart"])] if "restart" in lv else []) + [
                ("suff", lv.get("suff", "nothing")), ("lvlText", lv["text"])]:
            etree.SubElement(el, _w(tag)).set(_w("val"), str(val))
    first_num = numbering.find(_w("num"))
    if first_num is not None:  # abstract definitions come before instances
        first_num.addprevious(a)


def number_paragraph(paragraph, num_id: int, ilvl: int) -> None:
    """Give a python-docx paragraph Word numbering (instance *num_id*, level *ilvl*)."""
    from lxml import etree

    ppr = paragraph._p.get_or_add_pPr()
    numpr = etree.SubElement(ppr, _w("numPr"))
    etree.SubElement(numpr, _w("ilvl")).set(_w("val"), str(ilvl))
    etree.SubElement(numpr, _w("numId")).set(_w("val"), str(num_id))


#: Word's numbering of the plan's three heading levels: 一、 > （一） > 1.
PLAN_LEVELS = [{"fmt": "chineseCounting", "text": "%1、"}, {"fmt": "chineseCounting", "text": "（%2）"},
               {"fmt": "decimal", "text": "%3."}]


def docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def plan_docx() -> bytes:
    """The plan as a Word document: every heading number generated by Word (the number is not in the
    paragraph's text), the rest plain paragraphs."""
    import docx

    d = docx.Document()
    add_numbering(d, 90, PLAN_LEVELS, 90)
    for _, text in PLAN:
        m = _NUM_RE.match(text)
        if m:
            p = d.add_paragraph(text[m.end():])
            number_paragraph(p, 90, next(k for k in range(3) if m.group(f"l{k}")))
        else:
            d.add_paragraph(text)
    return docx_bytes(d)


# ------------------------------------------------------------------------------------------------ PDF

PAGE_W, PAGE_H = 595.0, 842.0
LEFT = RIGHT = 72.0
TOP, BOTTOM = 100.0, 100.0
SIZE, LEADING = 14.0, 24.0
HEADER = "临溪县人民政府公报　2021年第11期"


def _font() -> str:
    import mplfonts
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "SimHei" not in pdfmetrics.getRegisteredFontNames():
        path = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
        pdfmetrics.registerFont(TTFont("SimHei", str(path)))
    return "SimHei"


def _wrap(text: str, first: float, rest: float, font: str) -> list[str]:
    """*text* broken into lines at most *first* (then *rest*) points wide, as a typesetter breaks CJK text."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out, width, line = [], first, ""
    for ch in text:
        if line and stringWidth(line + ch, font, SIZE) > width + 0.01:
            out.append(line)
            line, width = "", rest
        line += ch
    return out + [line] if line else out


def plan_pdf(page_number: str = "— {n} —", header: str | None = HEADER, plan=None, scanned_pages: int = 0) -> bytes:
    """The plan as a PDF: SimHei 14 pt, lines of 451 points, paragraphs indented two characters and
    broken at the right margin, a running header on every page, a page number at the foot
    (*page_number*, ``{n}`` the number, ``{total}`` the count); then *scanned_pages* pages of images only."""
    from reportlab.pdfgen import canvas

    font = _font()
    width = PAGE_W - LEFT - RIGHT
    layout = []  # (x, text, kind)
    for style, text in plan or PLAN:
        if style == "para":
            for k, part in enumerate(_wrap(text, width - 2 * SIZE, width, font)):
                layout.append((LEFT + (2 * SIZE if k == 0 else 0), part, "left"))
        elif style == "flush":
            for part in _wrap(text, width, width, font):
                layout.append((LEFT, part, "left"))
        else:
            layout.append((0, text, style))
    per_page = int((PAGE_H - TOP - BOTTOM) // LEADING)
    pages = [layout[i:i + per_page] for i in range(0, len(layout), per_page)]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for n, page in enumerate(pages, 1):
        if header:
            c.setFont(font, 10)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 50, header)
        c.setFont(font, 10)
        c.drawCentredString(PAGE_W / 2, 45, page_number.format(n=n, total=len(pages)))
        c.setFont(font, SIZE)
        y = PAGE_H - TOP
        for x, text, kind in page:
            if kind == "left":
                c.drawString(x, y, text)
            elif kind == "center":
                c.drawCentredString(PAGE_W / 2, y, text)
            elif kind == "right":
                c.drawRightString(PAGE_W - RIGHT, y, text)
            elif kind == "spaced":  # each character on its own, 4 pt apart: a letter-spaced title
                from reportlab.pdfbase.pdfmetrics import stringWidth

                x = (PAGE_W - stringWidth(text, font, SIZE) - 4 * (len(text) - 1)) / 2
                for ch in text:
                    c.drawString(x, y, ch)
                    x += stringWidth(ch, font, SIZE) + 4
            y -= LEADING
        c.showPage()
    for n in range(scanned_pages):  # pages that are images only, as a scanner gives them
        _image_page(c, n)
    c.save()
    return buf.getvalue()


def _image_page(c, n: int) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (120, 170), 255)
    draw = ImageDraw.Draw(img)
    for row in range(10, 160, 8):  # lines of "text" as a scanner sees them: dark strokes
        draw.line([(10, row), (110 - (row * 7 + n) % 40, row)], fill=0, width=3)
    c.drawImage(ImageReader(img), 0, 0, PAGE_W, PAGE_H)
    c.showPage()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of page images without any text (what a scanner gives)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for n in range(pages):
        _image_page(c, n)
    c.save()
    return buf.getvalue()


def ole2_doc() -> bytes:
    """The first bytes of a Word 97-2003 file: the OLE2 signature and a directory naming a WordDocument stream
    (enough for the format to be recognised; no converter could read it)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header + b"\x00" * (512 - len(header)) + "WordDocument".encode("utf-16-le") + b"\x00" * 512
