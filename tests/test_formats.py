"""Reading plans in the formats they come in: web pages, Word (.docx; .doc/.wps through a converter), PDF.

Every fixture is of our own making (tests/format_fixtures.py): one invented plan written as text, as a web page
with menus, scripts and a metadata table (UTF-8 and GB18030), as a Word document whose numbers Word generates,
and as a PDF with running headers, page numbers and lines broken by the layout.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import format_fixtures as F
from analysis.corpus import formats
from analysis.corpus.formats import detect, read_data, read_document
from analysis.corpus.formats import docx as docx_reader
from analysis.corpus.formats import legacy, pdf
from analysis.corpus.formats.numbering import chinese_number, format_number
from analysis.errors import BuildError
from analysis.pipeline.extract import extract_corpus

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(raw: Path, files: dict[str, bytes], name_zh: str = F.NAME_ZH, level: str = F.LEVEL) -> Path:
    """A raw folder holding *files* (name -> bytes), one plan each, with its manifest."""
    raw.mkdir(parents=True, exist_ok=True)
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "file", "sha256", "name_zh", "name_en", "level"])
        for i, (name, data) in enumerate(files.items()):
            (raw / name).write_bytes(data)
            w.writerow([f"p{i}", name, hashlib.sha256(data).hexdigest(), name_zh, f"Plan {i}", level])
    return raw


# ------------------------------------------------------------------------------------------------ detection


@pytest.mark.parametrize("name, data, fmt", [
    ("page.txt", F.html_page().encode("utf-8"), "html"),
    ("plan.doc", F.plan_pdf(), "pdf"),
    ("plan.txt", F.plan_docx(), "docx"),
    ("plan.pdf", F.ole2_doc(), "doc"),
    ("plan.html", F.PLAN_TEXT.encode("utf-8"), "text"),
])
def test_format_comes_from_the_bytes_and_a_disagreeing_extension_is_noted(name, data, fmt):
    found = detect(data, name)
    assert found.format == fmt
    assert found.note is not None and found.note.kind == "format_mismatch" and name in found.note.snippet


def test_matching_extension_gives_no_note_and_plain_text_stays_text():
    assert detect(F.PLAN_TEXT.encode("gb18030"), "plan.txt").format == "text"
    assert detect(F.PLAN_TEXT.encode("utf-8"), "plan.txt").note is None
    # a plan that mentions a tag or two in its text is not a web page
    assert detect("一、总体目标\n比例<10%的<p>标记\n".encode(), "plan.txt").format == "text"
    # a text quoting inline tags (a link, an image, a script) is a text, whatever their number
    quoted = '一、总体目标\n<img src=x onerror="f()">[a](javascript:f())\n1.<script>f()</script>加强\n'
    assert detect(quoted.encode(), "plan.txt").format == "text"
    # text copied from a page with its tags is HTML
    assert detect("一、总体目标</p><p align=\"left\">（一）青少年</p><p>1.加强</p>".encode(), "x.txt").format == "html"


@pytest.mark.parametrize("data, needle", [
    (b'<?xml version="1.0"?><w:wordDocument xmlns:w="x"></w:wordDocument>', "save it as .docx"),
    (b'<?xml version="1.0"?><data><row>1</row></data>', "XML document"),
])
def test_xml_that_is_not_a_page_is_refused(data, needle):
    with pytest.raises(BuildError, match=needle) as err:
        read_data(data, "plan.xml")
    assert "plan.xml" in str(err.value)


def test_an_old_excel_file_is_refused():
    xls = F.ole2_doc().replace("WordDocument".encode("utf-16-le"), "Workbook".encode("utf-16-le"))
    with pytest.raises(BuildError, match=r"table\.doc: the file is an Excel workbook in the old Office format"):
        read_data(xls, "table.doc")


def test_a_zip_that_is_not_a_word_document_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(BuildError, match=r"book\.docx: the file is an Excel workbook"):
        read_data(buf.getvalue(), "book.docx")


def test_read_document_reads_the_file_and_refuses_one_too_large(tmp_path, monkeypatch):
    path = tmp_path / "plan.docx"
    path.write_bytes(F.plan_docx())
    before = path.read_bytes()
    assert read_document(path).text == F.PLAN_TEXT
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["plan.docx"]
    monkeypatch.setattr(formats, "MAX_FILE_BYTES", 1000)
    with pytest.raises(BuildError, match=r"plan\.docx: [\d,]+ bytes, more than"):
        read_document(path)


# ------------------------------------------------------------------------------------------------ web pages

NAV_AND_FURNITURE = ["首页", "政务公开", "通知公告", "当前位置", "脚本写的字", "统计代码", "分享到", "网站标识码",
                     "备案号", "浏览次数", "float"]


@pytest.mark.parametrize("encoding, declared", [("gb18030", "gb2312"), ("utf-8", "utf-8")])
def test_web_page_gives_metadata_title_and_article_without_furniture(encoding, declared):
    data = F.html_page(charset=declared, metadata=True).encode(encoding)
    dec = read_data(data, "plan.html")
    assert (dec.source_format, dec.encoding) == ("html", encoding)
    assert dec.converter.startswith("trafilatura ") and "lxml" in dec.converter
    lines = dec.text.split("\n")[:-1]
    fields = [f"{k}：{v}" for k, v in F.METADATA]
    assert lines[:len(fields)] == fields  # the metadata table, one field a line, before the title
    assert lines[len(fields):] == F.PLAN_TEXT.split("\n")[:-1]  # the title (h1), then the article, block by block
    for word in NAV_AND_FURNITURE:
        assert word not in dec.text, word
    assert not any(n.kind == "encoding" for n in dec.notes)


def test_control_characters_in_a_page_without_declaration_are_dropped_with_a_note():
    page = F.html_page(charset=None).replace("console.log", "\x0cconsole.log").replace("备案号", "备\x0b案号")
    dec = read_data(page.encode("gb18030"), "p.html")
    assert dec.text == F.PLAN_TEXT and dec.encoding == "gb18030"
    assert any(n.action.startswith("removed control characters") and n.count == 2 for n in dec.notes)


def test_web_page_in_any_encoding_reads_the_same():
    page = F.html_page(charset="gb2312")
    base = read_data(page.encode("gb18030"), "a.html").text
    assert read_data(page.replace("gb2312", "big5").encode("big5hkscs", "replace"), "b.html").text  # decodes
    assert read_data(b"\xef\xbb\xbf" + page.replace("gb2312", "utf-8").encode(), "c.html").text == base  # BOM
    assert read_data(page.encode("utf-16"), "d.html").text == base  # a BOM overrides the declaration


def test_web_page_declaring_a_wrong_charset_is_read_in_its_bytes_encoding_with_a_note():
    dec = read_data(F.html_page(charset="gb2312").encode("utf-8"), "plan.htm")
    assert dec.encoding == "utf-8" and dec.text == F.PLAN_TEXT
    note = next(n for n in dec.notes if n.kind == "encoding")
    assert "gb2312" in note.action and "utf-8" in note.action


def test_web_page_saved_as_txt_is_read_as_a_page():
    dec = read_data(F.html_page().encode(), "plan.txt")
    assert dec.source_format == "html" and dec.text == F.PLAN_TEXT
    assert dec.notes[0].kind == "format_mismatch"


def test_text_copied_with_its_tags_keeps_every_line():
    copied = '</p><p align="left">'.join(F.PLAN_TEXT.split("\n")[:-1])  # a page's text saved with its tags
    dec = read_data(copied.encode(), "copy.txt")
    assert dec.source_format == "html" and dec.text == F.PLAN_TEXT


def test_loose_lines_in_divs_and_br_breaks_are_kept_as_lines():
    body = ("<div class='content'><div>一、总体目标</div><div>到2025年，全县公民具备科学素质的比例达到10%。<br>"
            "科普工作体系更加完善。</div><p>（一）青少年科学素质提升行动</p>"
            "<div>1.加强科学教育。<p>牵头单位：县教育局</p>责任单位：县科协</div>"
            "<table><tr><td>序号</td><td>任务</td></tr><tr><td>1</td><td>建设科普场馆</td></tr></table></div>")
    dec = read_data(f"<html><body>{body}</body></html>".encode(), "x.html")
    assert dec.text.split("\n")[:-1] == [
        "一、总体目标", "到2025年，全县公民具备科学素质的比例达到10%。", "科普工作体系更加完善。",
        "（一）青少年科学素质提升行动", "1.加强科学教育。", "牵头单位：县教育局", "责任单位：县科协",
        "序号", "任务", "1", "建设科普场馆"]


def test_page_laid_out_in_tables_keeps_its_lines_and_drops_its_link_menus():
    page = ("<html><head><meta charset='gb2312'><title>某县方案</title></head><body>"
            "<table><tr><td><a href='/'>首页</a> | <a href='/x'>政务公开</a> | <a href='/y'>办事服务</a></td></tr></table>"
            "<table><tr><td><ul><li><a href='/1'>县委文件</a></li><li><a href='/2'>县政府文件</a></li></ul></td>"
            "<td id='zoom'>各乡镇人民政府：<br>一、总体目标<br>&nbsp;&nbsp;到2025年，全县公民具备科学素质的比例达到10%。"
            "<br>1.加强中小学科学教育。<br>牵头单位：县教育局<br></td></tr></table></body></html>")
    lines = read_data(page.encode("gb18030"), "old.html").text.split("\n")[:-1]
    assert lines[-5:] == ["各乡镇人民政府：", "一、总体目标", "到2025年，全县公民具备科学素质的比例达到10%。",
                          "1.加强中小学科学教育。", "牵头单位：县教育局"]
    assert not any(w in "".join(lines) for w in ("首页", "政务公开", "县委文件"))


def test_metadata_written_as_labelled_items_and_letter_spaced_labels_are_kept():
    page = ("<html><head><title>某县关于印发方案的通知_某县人民政府</title></head><body>"
            "<ul class='info'><li><span>[ 发文字号 ]</span><span>某政办发〔2022〕50号</span></li>"
            "<li>• 成文日期: 2022年5月19日</li></ul><div>文       号 : 某政发〔2012〕3号</div>"
            "<div class='content'><p>一、总体目标</p><p>到2025年，全县公民具备科学素质的比例达到10%。</p></div>"
            "</body></html>")
    lines = read_data(page.encode(), "x.html").text.split("\n")
    assert lines[:4] == ["[ 发文字号 ]某政办发〔2022〕50号", "• 成文日期: 2022年5月19日", "文 号 : 某政发〔2012〕3号",
                         "某县关于印发方案的通知"]
    assert lines[4:6] == ["一、总体目标", "到2025年，全县公民具备科学素质的比例达到10%。"]


def test_page_without_an_article_is_refused_naming_the_file():
    page = "<html><head><title>某县人民政府</title><script>var a='一、总体目标，到2025年';</script></head><body>" \
           "<div class='nav'><a href='/'>首页</a> <a href='/b'>政务公开</a></div></body></html>"
    with pytest.raises(BuildError, match=r"empty\.html: read as a web page, but no article text was found"):
        read_data(page.encode(), "empty.html")


def test_web_archive_is_read_as_its_page():
    page = F.html_page(charset=None).encode("gb18030")
    import base64
    mht = (b"From: <Saved by a browser>\r\nSubject: plan\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/related; boundary=\"XX\"; type=\"text/html\"\r\n\r\n--XX\r\n"
           b"Content-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(page) + b"\r\n--XX--\r\n")
    dec = read_data(mht, "plan.mht")
    assert (dec.source_format, dec.encoding, dec.text) == ("mhtml", "gb18030", F.PLAN_TEXT)


def test_reading_is_deterministic():
    page = F.html_page(metadata=True).encode()
    assert read_data(page, "a.html") == read_data(page, "a.html")
    assert read_data(F.plan_pdf(), "a.pdf") == read_data(F.plan_pdf(), "a.pdf")


# ------------------------------------------------------------------------------------------------ Word


def test_docx_numbers_generated_by_word_are_written_in_front_of_paragraphs():
    data = F.plan_docx()
    assert "一、总体目标".encode() not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    dec = read_data(data, "plan.docx")
    assert (dec.source_format, dec.encoding) == ("docx", "")
    assert dec.converter.startswith("python-docx ")
    assert dec.text == F.PLAN_TEXT
    assert any("numbers Word generates" in n.action and n.count == 13 for n in dec.notes)


@pytest.mark.parametrize("n, fmt, text", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (101, "chineseCountingThousand", "一百零一"),
    (110, "chineseCountingThousand", "一百一十"), (3, "ideographTraditional", "丙"), (11, "ideographTraditional", "甲"),
    (2, "ideographZodiac", "丑"), (12, "chineseLegalSimplified", "壹拾贰"), (4, "decimalEnclosedCircle", "④"),
    (25, "decimalEnclosedCircle", "25"), (3, "decimalEnclosedParen", "⑶"), (7, "decimalZero", "07"),
    (14, "upperRoman", "XIV"), (28, "lowerLetter", "bb"), (5, "decimalFullWidth", "５"), (5, "bogus", "5"),
])
def test_number_formats(n, fmt, text):
    assert format_number(n, fmt) == text


def test_chinese_counting_to_ten_thousand():
    assert [chinese_number(n) for n in (19, 99, 1000, 1001, 1010, 2345)] == [
        "十九", "九十九", "一千", "一千零一", "一千零一十", "二千三百四十五"]


def test_docx_numbering_restarts_overrides_tables_and_reading_order():
    import docx

    d = docx.Document()
    F.add_numbering(d, 70, [{"fmt": "chineseCountingThousand", "text": "第%1部分"},
                            {"fmt": "ideographTraditional", "text": "（%2）", "suff": "space"},
                            {"fmt": "decimalEnclosedCircle", "text": "%3", "restart": 0}], 70)
    F.add_numbering(d, 71, [{"fmt": "decimal", "text": "%1.", "start": 5}], 71)
    F.add_numbering(d, 71, None, 72, overrides={0: 1})  # an instance of the same definition that restarts it
    d.add_paragraph("通知正文")
    for text, num, lvl in [("总则", 70, 0), ("目标", 70, 1), ("甲项", 70, 2), ("乙项", 70, 2), ("任务", 70, 0),
                           ("丙项", 70, 2), ("措施", 70, 1)]:
        F.number_paragraph(d.add_paragraph(text), num, lvl)
    t = d.add_table(rows=2, cols=4)
    for cell, text in zip(t.rows[0].cells + t.rows[1].cells,
                          ["发文字号：", "某政发〔2022〕1号", "成文日期", "2022年1月1日", "序号", "任务", "牵头单位", "县科协"]):
        cell.text = text
    F.number_paragraph(d.add_paragraph("五号"), 71, 0)
    F.number_paragraph(d.add_paragraph("六号"), 71, 0)
    F.number_paragraph(d.add_paragraph("重新一号"), 72, 0)
    F.number_paragraph(d.add_paragraph("继续二号"), 71, 0)  # the shared counters continue
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行\t末尾")
    dec = read_data(F.docx_bytes(d), "x.docx")
    assert dec.text.split("\n")[:-1] == [
        "通知正文", "第一部分总则", "（甲） 目标", "①甲项", "②乙项", "第二部分任务",
        "③丙项",  # level 3 never restarts (lvlRestart 0)
        "（甲） 措施",  # level 2 restarts under a new level 1
        "发文字号：某政发〔2022〕1号", "成文日期：2022年1月1日", "序号", "任务", "牵头单位", "县科协",
        "5.五号", "6.六号", "1.重新一号", "2.继续二号", "第一行", "第二行\t末尾"]


def test_docx_text_boxes_once_and_tracked_changes_as_accepted():
    import docx
    from lxml import etree

    w, mc = F.W_NS, "http://schemas.openxmlformats.org/markup-compatibility/2006"
    d = docx.Document()
    p = d.add_paragraph("正文段落")
    box = (f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
           '<w:txbxContent><w:p><w:r><w:t>专栏1 科普工程</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
           '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>专栏1 科普工程</w:t></w:r></w:p></w:txbxContent>'
           '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    p._p.append(etree.fromstring(box))
    q = d.add_paragraph("保留")
    q._p.append(etree.fromstring(f'<w:ins xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:t>插入的字</w:t></w:r></w:ins>'))
    q._p.append(etree.fromstring(f'<w:del xmlns:w="{w}" w:id="2" w:author="a"><w:r><w:delText>删去的字</w:delText>'
                                 '</w:r></w:del>'))
    d.element.body.insert(0, etree.fromstring(f'<w:altChunk xmlns:w="{w}" xmlns:r="http://schemas.openxmlformats.org'
                                              '/officeDocument/2006/relationships" r:id="rIdX"/>'))
    dec = read_data(F.docx_bytes(d), "box.docx")
    assert dec.text == "正文段落\n专栏1 科普工程\n保留插入的字\n"
    assert [n.count for n in dec.notes if n.kind == "docx_embedded_not_read"] == [1]  # said, not silent


def _docx_with(extra: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(F.plan_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, extra.pop(info.filename, src.read(info)))
        for name, data in extra.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb_refused_before_decompressing(monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_MEMBER_BYTES", 1_000_000)
    data = _docx_with({"word/media/big.bin": b"\x00" * 2_000_000})  # 2 MB of zeros, a few KB compressed
    assert len(data) < 100_000
    with pytest.raises(BuildError, match=r"bomb\.docx: the part 'word/media/big\.bin' .* zip bomb"):
        read_data(data, "bomb.docx")
    monkeypatch.setattr(docx_reader, "MAX_MEMBER_BYTES", 64 * 2**20)
    monkeypatch.setattr(docx_reader, "MAX_MEMBERS", 5)
    with pytest.raises(BuildError, match=r"more than the 5 allowed"):
        read_data(F.plan_docx(), "many.docx")


def test_docx_with_xml_entities_refused():
    doc = zipfile.ZipFile(io.BytesIO(F.plan_docx())).read("word/document.xml")
    head, rest = doc.split(b"?>", 1)
    evil = head + b'?><!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    with pytest.raises(BuildError, match=r"evil\.docx: the part 'word/document\.xml' .* declares a document type"):
        read_data(_docx_with({"word/document.xml": evil}), "evil.docx")


def test_damaged_docx_refused_naming_the_file():
    data = F.plan_docx()
    with pytest.raises(BuildError, match=r"cut\.docx: .*(damaged|cannot be)"):
        read_data(data[: len(data) // 2], "cut.docx")


# ------------------------------------------------------------------------------------------------ PDF


def test_pdf_headers_page_numbers_and_broken_lines_repaired():
    dec = read_data(F.plan_pdf(), "plan.pdf")
    assert (dec.source_format, dec.encoding) == ("pdf", "")
    assert dec.converter.startswith("pdfplumber ")
    assert dec.text == F.PLAN_TEXT
    kinds = {n.action.split(" (")[0]: n.count for n in dec.notes}
    assert kinds["removed running page headers and footers"] >= 2 and kinds["removed page numbers"] >= 2
    assert any(k.startswith("joined lines") for k in kinds)
    assert len(dec.pages) >= 2 and dec.pages[0] == 0
    # a page starts where its first line's text is: the text before it was drawn on the page before
    assert 0 < dec.pages[1] < len(dec.text) and dec.page_of(dec.pages[1]) == 2 and dec.page_of(0) == 1


@pytest.mark.parametrize("style", ["第{n}页 共{total}页", "- {n} -", "{n}/{total}", "{n}"])
def test_pdf_page_number_styles(style):
    assert read_data(F.plan_pdf(page_number=style, header=None), "plan.pdf").text == F.PLAN_TEXT


@pytest.mark.parametrize("text, yes", [("3", True), ("- 3 -", True), ("— 12 —", True), ("第3页", True),
                                       ("第 3 页 共 10 页", True), ("3/10", True), ("Page 3 of 10", True),
                                       ("共10页 第3页", True), ("3.加强", False), ("2021年", False), ("一、", False)])
def test_page_number_patterns(text, yes):
    assert pdf.is_page_number(text) is yes


def _line(text, x0, x1, top=0.0):
    return pdf.Line(text, x0, x1, top, top + 14, 14.0)


def test_join_lines_rules():
    left, right = 72.0, 520.0
    lines = [_line("第一段很长的一行到达右边距", 100, 520), _line("接着写完。", 72, 200),  # continues
             _line("第二段也到达右边距", 100, 519), _line("（一）新的编号开始新段", 72, 300),  # numbering mark
             _line("第三段到达右边距", 72, 520), _line("1.数字编号", 72, 200),
             _line("第四段到达右边距", 72, 520), _line("缩进的下一段", 100, 300),  # indented: a new paragraph
             _line("Reaches the right margin with English", 72, 520), _line("words continue", 72, 200),
             _line("短行", 72, 200), _line("下一行", 72, 300)]  # does not reach: stays apart
    paras, where, joins = pdf.join_lines(lines, left, right)
    assert paras == ["第一段很长的一行到达右边距接着写完。", "第二段也到达右边距", "（一）新的编号开始新段", "第三段到达右边距",
                     "1.数字编号", "第四段到达右边距", "缩进的下一段", "Reaches the right margin with English words continue",
                     "短行", "下一行"]
    assert joins == 2 and where[1] == (0, len("第一段很长的一行到达右边距"))


def _chars(*items, size=14.0):
    """pdfplumber-like characters: (text, x0) pairs, each character *size* wide (Latin and digits half)."""
    out = []
    for text, x0 in items:
        for ch in text:
            w = size if not ch.isascii() else size / 2
            out.append({"text": ch, "x0": x0, "x1": x0 + w, "size": size})
            x0 += w
    return out


def test_line_text_drops_layout_spaces_and_keeps_real_ones():
    # justified Chinese: small gaps between characters and around a number give nothing
    assert pdf.line_text(_chars(("到", 72), ("2025", 88), ("年", 118), ("，", 133), ("全县", 148))) == "到2025年，全县"
    # table columns: a gap of a character or more is one space
    assert pdf.line_text(_chars(("1", 72), ("开展科普活动", 110), ("县科协", 250), ("县教育局", 330))) == \
        "1 开展科普活动 县科协 县教育局"
    # Latin words: a space character or a word gap
    assert pdf.line_text(_chars(("5G", 72), (" ", 86), ("network", 90), ("建设", 150))) == "5G network 建设"
    # a letter-spaced title (each character 6 pt apart), digits included
    spaced = [(ch, 100 + 20 * k) for k, ch in enumerate("临溪县方案（2021—2025年）")]
    assert pdf.line_text(_chars(*spaced)) == "临溪县方案（2021—2025年）"
    assert pdf.line_text(_chars(("通", 200), (" ", 214), ("知", 242))) == "通知"


def test_scanned_pdf_refused_suggesting_ocr():
    with pytest.raises(BuildError, match=r"scan\.pdf: a PDF without a text layer .*OCR") as err:
        read_data(F.scanned_pdf(), "scan.pdf")
    assert "\n" not in str(err.value)


def test_pdf_work_is_bounded_and_damage_refused(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    with pytest.raises(BuildError, match=r"big\.pdf: a PDF of \d+ pages, more than the 1"):
        read_data(F.plan_pdf(), "big.pdf")
    monkeypatch.setattr(pdf, "MAX_PAGES", 2000)
    monkeypatch.setattr(pdf, "MAX_CHARS_PER_PAGE", 50)
    with pytest.raises(BuildError, match=r"dense\.pdf: page 1 .* characters"):
        read_data(F.plan_pdf(), "dense.pdf")
    monkeypatch.setattr(pdf, "MAX_CHARS_PER_PAGE", 100_000)
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.001)
    with pytest.raises(BuildError, match=r"slow\.pdf: reading this PDF took more than"):
        read_data(F.plan_pdf(), "slow.pdf")
    monkeypatch.setattr(pdf, "MAX_SECONDS", 300)
    with pytest.raises(BuildError, match=r"cut\.pdf: .*(damaged|without a text layer)"):
        read_data(F.plan_pdf()[:1500], "cut.pdf")


# ------------------------------------------------------------------------------------------------ .doc / .wps


def test_doc_without_converter_refused_with_the_command(tmp_path):
    with pytest.raises(BuildError) as err:
        legacy.read_legacy(F.ole2_doc(), "old.doc", "doc", path=str(tmp_path))
    msg = str(err.value)
    assert msg.startswith("old.doc: a Word 97-2003 document (.doc); reading it needs a converter")
    assert "soffice --headless --convert-to docx" in msg and "antiword" in msg and "catdoc" in msg


def _fake_converter(bin_dir: Path, name: str, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    exe = bin_dir / name
    exe.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    exe.chmod(0o755)


def test_doc_converted_by_the_first_converter_that_works(tmp_path):
    text = tmp_path / "out.txt"
    text.write_text(F.PLAN_TEXT.replace("\n", "\n\n"), encoding="utf-8")  # antiword puts blank lines between
    bins = tmp_path / "bin"
    _fake_converter(bins, "antiword", f'[ -z "$1" ] && {{ echo "Version: 0.37 (21 Oct 2005)" >&2; exit 1; }}\n'
                                      f'cat "{text}"\n')
    _fake_converter(bins, "catdoc", 'echo "cannot read this file" >&2; exit 1\n')
    dec = legacy.read_legacy(F.ole2_doc(), "old.wps", "wps", path=str(bins))
    assert (dec.source_format, dec.converter, dec.text) == ("wps", "antiword 0.37", F.PLAN_TEXT)
    os.remove(bins / "antiword")
    with pytest.raises(BuildError, match=r"old\.doc: a Word 97-2003 document \(\.doc\) that no converter could read "
                                         r"\(catdoc: cannot read this file\)"):
        legacy.read_legacy(F.ole2_doc(), "old.doc", "doc", path=str(bins))


def test_converter_is_stopped_after_its_time(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy, "TIMEOUT_SECONDS", 1)
    bins = tmp_path / "bin"
    _fake_converter(bins, "catdoc", "sleep 30\n")
    with pytest.raises(BuildError, match=r"catdoc: took more than 1 s"):
        legacy.read_legacy(F.ole2_doc(), "slow.doc", "doc", path=str(bins))


# ------------------------------------------------------------------------------------------------ the build

FORMATS = {"txt": lambda: F.PLAN_TEXT.encode("utf-8"), "html": lambda: F.html_page().encode("utf-8"),
           "docx": F.plan_docx, "pdf": F.plan_pdf}


@pytest.fixture(scope="module")
def one_plan_builds(tmp_path_factory):
    """The plan built as a one-plan corpus in each format."""
    out = {}
    for ext, make in FORMATS.items():
        raw = write_corpus(tmp_path_factory.mktemp(ext), {f"plan.{ext}": make()})
        out[ext] = extract_corpus(raw, progress=False)
    return out


def test_same_plan_in_every_format_gives_the_same_actions_titles_and_departments(one_plan_builds):
    def facts(ds):
        acts = [tuple(r) for r in ds.actions[["kind", "path", "number", "title", "text"]].itertuples(index=False)]
        deps = sorted(tuple(r) for r in ds.assignments[["action_id", "printed", "role"]].itertuples(index=False))
        return acts, deps, ds.documents.iloc[0]["title"]

    base = facts(one_plan_builds["txt"])
    acts, deps, title = base
    assert len([a for a in acts if a[0] == "action"]) >= 5 and len(deps) >= 10  # the plan is read, not empty
    assert title == "临溪县全民科学素质行动实施方案（2021—2025年）"
    for ext in ("html", "docx", "pdf"):
        assert facts(one_plan_builds[ext]) == base, ext
        assert one_plan_builds[ext].texts["p0"] == one_plan_builds["txt"].texts["p0"], ext


def test_documents_record_format_and_converter_and_qa_says_how_it_was_read(one_plan_builds):
    expected = {"txt": ("text", ""), "html": ("html", "trafilatura"), "docx": ("docx", "python-docx"),
                "pdf": ("pdf", "pdfplumber")}
    for ext, (fmt, conv) in expected.items():
        ds = one_plan_builds[ext]
        doc = ds.documents.iloc[0]
        assert doc["source_format"] == fmt and doc["converter"].startswith(conv)
        kinds = list(ds.qa["kind"])
        assert ("format" in kinds) == (ext != "txt")
        assert ("encoding" in kinds) == (ext in ("txt", "html"))


def test_messages_of_a_converted_plan_point_into_its_converted_text(tmp_path):
    lines = F.PLAN_TEXT.split("\n")
    lines[12] = lines[12].replace("科学课程", "科?课程")  # damage on line 13 of the converted text
    damaged = F.plan_pdf(plan=[(s, t) for (s, _), t in zip(F.PLAN, lines)])
    ds = extract_corpus(write_corpus(tmp_path / "raw", {"plan.pdf": damaged}), progress=False)
    warning = next(w for w in ds.warnings if "possible damage" in w)
    assert "plan.pdf (converted from PDF, page 1), line 13 of the converted text" in warning
    row = ds.qa[ds.qa.kind == "suspect_question_mark"].iloc[0]
    assert row["line"] == 13 and "(page 1)" in row["action"]
    assert ds.texts["p0"].split("\n")[12].startswith("1.加强中小学科学教育")  # the lines of text/<j>.txt
    # an erratum is written against the converted text
    raw = tmp_path / "raw"
    (raw / "errata.csv").write_text("file,action,corrupted,replacement,reason\n"
                                    "plan.pdf,fix,开足开好科?课程,开足开好科学课程,lost character\n", encoding="utf-8")
    fixed = extract_corpus(raw, progress=False)
    assert not any("possible damage" in w for w in fixed.warnings)
    assert "开足开好科学课程" in fixed.texts["p0"]


def test_pdf_pages_without_text_are_a_warning(tmp_path):
    ds = extract_corpus(write_corpus(tmp_path / "raw", {"plan.pdf": F.plan_pdf(scanned_pages=1)}), progress=False)
    assert ds.texts["p0"] == one_text(F.PLAN_TEXT)
    row = ds.qa[ds.qa.kind == "pdf_pages_without_text"].iloc[0]
    n_text_pages = len(read_data(F.plan_pdf(), "plan.pdf").pages)
    assert row["snippet"] == f"pages {n_text_pages + 1}" and row["count"] == 1
    assert any(w.startswith(f"{tmp_path / 'raw' / 'plan.pdf'}: pages without any text") for w in ds.warnings)


def one_text(text: str) -> str:
    """*text* normalised, as the build writes text/<j>.txt."""
    from analysis.corpus import normalize

    return normalize(text)[0]


def _cli(raw: Path, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out),
                           "--no-similarity", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_cli_refuses_a_doc_without_converter_in_one_error_line(tmp_path):
    raw = write_corpus(tmp_path / "raw", {"plan.txt": F.PLAN_TEXT.encode(), "old.doc": F.ole2_doc()})
    empty = tmp_path / "nobin"
    empty.mkdir()
    r = _cli(raw, tmp_path / "out", {"PATH": str(empty)})
    assert r.returncode == 2, r.stderr[-2000:]
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "old.doc" in errors[0] and "soffice --headless --convert-to docx" in errors[0]
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
