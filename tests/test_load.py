"""Tests for the load stage (zhibiao.load): real corpus files, encodings, formats, bad input."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import time
import zipfile
from pathlib import Path

import pytest

from zhibiao.load import (
    Document,
    LoadError,
    decode_text,
    detect_format,
    iter_inputs,
    load_bytes,
    load_path,
)

REAL = Path("/work/shared/corpus/real")
SEEDS = Path("/work/shared/corpus/seeds")
NUM = re.compile(r"\d+(?:\.\d+)?")

needs_corpus = pytest.mark.skipif(not REAL.is_dir(), reason="shared corpus not available")

TRADITIONAL = (
    "香港特別行政區政府統計處今日公布，二零二三年本地生產總值按年實質增長百分之三點二。"
    "全年經季節性調整的失業率為百分之二點九，較上年下降。政府將繼續推動經濟發展，加強與內地"
    "及國際市場的聯繫，鞏固香港作為國際金融中心的地位。財政司司長表示，預計明年經濟增長介乎"
    "百分之二點五至三點五。"
)


def seed_text(n: int = 3000) -> str:
    """Opening of a seed document (a real page excerpt), as the base of encoding fixtures."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if files:
        return files[0].read_text(encoding="utf-8")[:n]
    return ("南沙区今年以来的成绩\n今年以来，全区地区生产总值2323.54亿元，同比增长4.3%。"
            "规模以上工业总产值3862.52亿元。\n") * 20


def numbers(text: str) -> list[str]:
    return NUM.findall(text)


def share_present(expected: str, got: str) -> float:
    nums = numbers(expected)
    if not nums:
        return 1.0
    return sum(n in got for n in nums) / len(nums)


def check_tables(doc: Document) -> None:
    """Every table's span and cells are consistent with the text."""
    for t in doc.tables:
        assert 0 <= t.start <= t.end <= len(doc.text)
        lines = doc.text[t.start:t.end].split("\n")
        assert len(lines) == len(t.rows)
        for line, row in zip(lines, t.rows, strict=True):
            assert line.split("\t") == [doc.text[s:e] for s, e in row]
            for s, e in row:
                assert t.start <= s <= e <= t.end
                assert "\t" not in doc.text[s:e] and "\n" not in doc.text[s:e]


# ---------------------------------------------------------------------------------------------
# Real corpus


def real_files() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))


@needs_corpus
@pytest.mark.parametrize("path", real_files(), ids=lambda p: p.name)
def test_every_real_file_loads(path: Path) -> None:
    doc = load_path(path)
    assert doc.text.strip()
    assert doc.name == path.name
    assert doc.path == str(path)
    assert doc.format in ("text", "html", "pdf", "docx")
    check_tables(doc)
    if doc.format in ("text", "html"):
        assert doc.encoding
        assert doc.meta["encoding_method"]
    if "date" in doc.meta:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.meta["date"])


@needs_corpus
@pytest.mark.parametrize("path", [p for p in real_files() if p.suffix == ".txt" and ".gbk." not in p.name],
                         ids=lambda p: p.name)
def test_utf8_text_offsets_match_read_text(path: Path) -> None:
    """An external scorer reads .txt with Path.read_text(encoding='utf-8'); offsets must agree."""
    assert load_path(path).text == path.read_text(encoding="utf-8")


def originals() -> list[tuple[Path, Path]]:
    pairs = []
    for p in real_files():
        if p.suffix in (".html", ".pdf", ".docx") or ".gbk." in p.name:
            pair = p.with_name(p.name.replace(".gbk", "").replace(".gb2312", "")).with_suffix(".txt")
            if pair.exists():
                pairs.append((p, pair))
    return pairs


@needs_corpus
@pytest.mark.parametrize(("orig", "pair"), originals(), ids=lambda p: p.name)
def test_numbers_of_paired_text_are_present(orig: Path, pair: Path) -> None:
    doc = load_path(orig)
    share = share_present(pair.read_text(encoding="utf-8"), doc.text)
    # The PDF's pair is pypdf output with footnote digits fused into numbers ("11761.48").
    floor = 0.85 if orig.suffix == ".pdf" else 0.95
    assert share >= floor, f"{orig.name}: only {share:.1%} of the paired text's numbers present"


@needs_corpus
def test_gbk_text_equals_its_utf8_conversion() -> None:
    for p in REAL.glob("*.gbk.txt"):
        doc = load_path(p)
        assert doc.encoding == "gb18030"
        assert doc.text == p.with_name(p.name.replace(".gbk", "")).read_text(encoding="utf-8")


@needs_corpus
def test_real_html_metadata_and_title_first() -> None:
    doc = load_path(REAL / "jiangxi-2022-communique.html")
    assert doc.meta["title"] == "江西省2022年国民经济和社会发展统计公报"
    assert doc.meta["date"] == "2023-05-16"
    assert doc.text.startswith("江西省2022年国民经济和社会发展统计公报")
    assert "ICP" not in doc.text and "网站标识码" not in doc.text
    assert "初步核算，全年地区生产总值" in doc.text

    doc = load_path(REAL / "hubei-huangshi-2021-investment-promotion-news.gb2312.html")
    assert doc.encoding == "gb18030"
    assert doc.meta["date"] == "2021-06-09"
    assert doc.text.split("\n", 1)[0] == "2021湖北武黄同城暨黄石（光谷）产业投资推介会在武汉举行！"
    assert "字体" not in doc.text

    doc = load_path(REAL / "jiangxi-yichun-wanzai-2015-communique.html")
    assert len(doc.tables) == 1
    check_tables(doc)
    t = doc.tables[0]
    first_row = [doc.text[s:e] for s, e in t.rows[0]]
    assert first_row == ["产品名称", "计量单位", "产量", "较上年±%"]
    assert [doc.text[s:e] for s, e in t.rows[1]] == ["饮料酒", "千升", "15767", "18.64"]


@needs_corpus
def test_real_pdf() -> None:
    doc = load_path(REAL / "shenzhen-2021-gender-statistics-report.pdf")
    assert doc.format == "pdf"
    assert doc.meta["title"] == "2021 年深圳市社会性别统计报告"
    assert int(doc.meta["pages"]) == 13
    starts = json.loads(doc.meta["page_starts"])
    assert len(starts) == 13 and starts == sorted(starts)
    # footnote marker removed: the resident population is 1761.48, not "11761.48"
    assert "常住人口1761.48 万人" in doc.text
    assert "11761.48" not in doc.text
    # a sentence broken over two lines is re-joined; page numbers are gone
    assert "其中女性 0.38 万人，性别比为 193.32。" in doc.text
    assert not any(re.fullmatch(r"\s*\d{1,2}\s*", line) for line in doc.text.split("\n"))
    # three-line tables become tables
    assert len(doc.tables) >= 5
    check_tables(doc)
    cells = {doc.text[s:e] for t in doc.tables for row in t.rows for s, e in row}
    assert {"福田区", "124.88", "60.48", "大鹏新区", "104.45"} <= cells


@needs_corpus
def test_real_docx() -> None:
    path = REAL / "china-moe-2022-teacher-programme-certification-list.docx"
    doc = load_path(path)
    assert doc.format == "docx"
    assert doc.meta["title"] == "2022年通过普通高等学校师范类专业认证的专业名单"
    pair = path.with_suffix(".txt").read_text(encoding="utf-8")
    assert re.sub(r"\s+", "", doc.text) == re.sub(r"\s+", "", pair)
    assert doc.tables
    check_tables(doc)
    header = [doc.text[s:e] for s, e in doc.tables[0].rows[0]]
    assert header[:3] == ["序号", "学校名称", "专业名称"]


# ---------------------------------------------------------------------------------------------
# Text encodings


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030", "utf-8", "utf-8-sig", "utf-16",
                                   "utf-16-le", "utf-16-be"])
def test_encodings_roundtrip(tmp_path: Path, codec: str) -> None:
    text = seed_text()
    if codec == "gb2312":
        text = text.encode("gb2312", errors="ignore").decode("gb2312")
    path = tmp_path / f"doc-{codec}.txt"
    path.write_bytes(text.encode(codec))
    doc = load_path(path)
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert doc.format == "text"
    assert not doc.text.startswith("\ufeff")


def test_utf16_bom_and_no_bom_both_endians() -> None:
    text = seed_text(800)
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
        for prefix in (bom, b""):
            got, enc, method = decode_text(prefix + text.encode(codec))
            assert got == text, (codec, prefix)
            assert enc.startswith("utf-16")
    # ASCII-heavy UTF-16 without BOM is recognised by its NUL pattern (it is also valid UTF-8)
    got, enc, method = decode_text("GDP 2023: 5.2%\n".encode("utf-16-le") * 10)
    assert got == "GDP 2023: 5.2%\n" * 10 and method == "utf-16-nul-pattern"


def test_gb18030_only_character() -> None:
    text = "主任王䶮同志作报告，全年地区生产总值增长5.2%。" * 3
    got, enc, _ = decode_text(text.encode("gb18030"))
    assert got == text and enc == "gb18030"


def test_big5_is_not_read_as_gb18030() -> None:
    data = TRADITIONAL.encode("big5")
    assert data.decode("gb18030") != TRADITIONAL  # the trap: gb18030 "succeeds" with garbage
    got, enc, _ = decode_text(data)
    assert got == TRADITIONAL
    assert enc in ("big5", "cp950", "big5hkscs")
    short = TRADITIONAL[:24].encode("big5")
    assert decode_text(short)[0] == TRADITIONAL[:24]


def test_declared_charset_and_override() -> None:
    text = seed_text(500)
    gbk = text.encode("gbk")
    assert decode_text(gbk, declared="gb2312") == (text, "gb18030", "declared")
    assert decode_text(gbk, declared="x-gbk")[0] == text
    # UTF-8 bytes with a stale gb2312 declaration stay UTF-8
    got, enc, method = decode_text(text.encode("utf-8"), declared="gb2312")
    assert got == text and enc == "utf-8" and "ignored" in method
    # encoding= forces the codec; an impossible one is a clear LoadError
    assert load_bytes(gbk, "a.txt", encoding="gbk").text == text
    with pytest.raises(LoadError, match="cannot decode as utf-8"):
        load_bytes(gbk, "a.txt", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown encoding"):
        load_bytes(gbk, "a.txt", encoding="no-such-codec")


def test_damaged_utf8_still_loads() -> None:
    text = "某某市2023年国民经济和社会发展统计公报\n全年地区生产总值2323.54亿元，增长4.3%。\n" * 20
    data = bytearray(text.encode("utf-8"))
    data[50] ^= 0x40
    data[300] = 0xFF
    doc = load_bytes(bytes(data), "x.txt")
    assert doc.meta["encoding_method"] == "utf-8-lenient" and doc.meta["decode_errors"] == "2"
    assert doc.text.count("2323.54亿元") >= 19


def test_newlines_and_text_kept_verbatim() -> None:
    raw = "　　一、2023年工作回顾\r\n全年GDP增长5.2％，　同比提高0.3个百分点。\r旧行\n"
    doc = load_bytes(raw.encode("utf-8"), "r.txt")
    assert doc.text == "　　一、2023年工作回顾\n全年GDP增长5.2％，　同比提高0.3个百分点。\n旧行\n"
    doc = load_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"), "r.txt")
    assert doc.text.startswith("　　一、") and doc.meta["encoding_method"] == "bom"


def test_plain_text_dates_and_labels() -> None:
    body = "某某区2024年政府工作报告\n发布日期：2024-05-28  来源：区政府办公室\n正文第一段。\n"
    doc = load_bytes(body.encode("utf-8"), "r.txt")
    assert doc.text == body
    assert doc.meta["date"] == "2024-05-28"
    assert doc.meta["publisher"] == "区政府办公室"
    for line, want in (
        ("发文日期：2023年1月5日", "2023-01-05"),
        ("时间：2022/3/4 10:00", "2022-03-04"),
        ("date: Thu, 26 May 2022 07:54:49 GMT", "2022-05-26"),
        ("发布时间：２０２１－０６－０９", "2021-06-09"),
    ):
        assert load_bytes(f"标题\n{line}\n正文。".encode(), "x.txt").meta.get("date") == want, line
    assert "date" not in load_bytes("全年增长5.2%，时间紧任务重。".encode(), "x.txt").meta


def test_sidecar_metadata(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("全年地区生产总值增长5%。", encoding="utf-8")
    (tmp_path / "report.txt.meta.json").write_text(
        json.dumps({"title": "某区政府工作报告", "date": "2024年1月5日", "place": "广州市某区",
                    "url": "https://example.gov.cn/a.html"}, ensure_ascii=False), encoding="utf-8")
    doc = load_path(path)
    assert doc.meta["title"] == "某区政府工作报告"
    assert doc.meta["date"] == "2024-01-05"
    assert doc.meta["place"] == "广州市某区"
    assert doc.meta["url"] == "https://example.gov.cn/a.html"
    other = tmp_path / "b.html"
    other.write_text("<html><body><p>正文内容，全年增长百分之五。</p></body></html>", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"publisher": "某某局"}', encoding="utf-8")
    assert load_path(other).meta["publisher"] == "某某局"


# ---------------------------------------------------------------------------------------------
# HTML

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>2025年市政府工作报告_某某市人民政府门户网站</title>
<meta name="ArticleTitle" content="2025年某某市政府工作报告">
<meta name="PubDate" content="2025-01-20 09:30">
<meta name="ContentSource" content="市政府办公室">
<meta name="SiteName" content="某某市人民政府门户网站">
<link rel="canonical" href="https://www.example.gov.cn/zwgk/content/post_1.html">
</head><body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div>
<div class="breadcrumb">您当前所在的位置：首页 &gt; 政务公开 &gt; 政府工作报告</div>
<div class="article">
<h1>2025年某某市政府工作报告</h1>
<div class="info">发布日期：2025-01-20 来源：市政府办公室 【字体：大 中 小】 【打印】 分享到：</div>
<div id="zoom" class="TRS_Editor">
<p>各位代表：</p>
<p>过去一年，全市地区生产总值达到2323.54亿元，同比增长4.3%；规模以上工业总产值3862.52亿元，增长2.1%。一般公共预算收入156.7亿元，增长6.5%。</p>
<p>主要指标完成情况如下：</p>
<table border="1">
<tr><th>指标</th><th>单位</th><th>2024年</th><th>增长%</th></tr>
<tr><td>地区生产总值</td><td>亿元</td><td>2323.54</td><td>4.3</td></tr>
<tr><td>固定资产投资</td><td><p>亿元</p></td><td>1,120.8</td><td>-2.5</td></tr>
</table>
<p>今年主要预期目标是：地区生产总值增长5%左右，城镇新增就业3万人以上，居民消费价格涨幅3%左右。</p>
<p>附件：<a href="/files/2025report.pdf">2025年市政府工作报告（全文）.pdf</a></p>
</div></div>
<div class="related"><h3>相关文章</h3><ul><li><a href="/a">某某市召开常务会议</a></li>
<li><a href="/b">某某区经济运行情况</a></li></ul></div>
<div class="footer">主办单位：某某市人民政府办公室 版权所有 粤ICP备12345678号
网站标识码：4401000001 粤公网安备 44010402000001号</div>
</body></html>
"""


def test_gov_html_page() -> None:
    for charset, codec in (("utf-8", "utf-8"), ("gb2312", "gbk")):
        doc = load_bytes(GOV_PAGE.replace("{charset}", charset).encode(codec), "post_1.html")
        assert doc.format == "html"
        assert doc.text.split("\n", 1)[0] == "2025年某某市政府工作报告"
        assert doc.meta["title"] == "2025年某某市政府工作报告"
        assert doc.meta["date"] == "2025-01-20"
        assert doc.meta["publisher"] == "市政府办公室"
        assert doc.meta["url"] == "https://www.example.gov.cn/zwgk/content/post_1.html"
        attachments = json.loads(doc.meta["attachments"])
        assert attachments[0]["url"] == "https://www.example.gov.cn/files/2025report.pdf"
        assert "2025年市政府工作报告（全文）.pdf" in attachments[0]["title"]
        for junk in ("ICP", "网站标识码", "您当前所在的位置", "分享到", "互动交流", "相关文章",
                     "某某区经济运行情况"):
            assert junk not in doc.text, junk
        assert "同比增长4.3%" in doc.text and "城镇新增就业3万人以上" in doc.text
        assert len(doc.tables) == 1
        check_tables(doc)
        rows = [[doc.text[s:e] for s, e in r] for r in doc.tables[0].rows]
        assert rows == [["指标", "单位", "2024年", "增长%"], ["地区生产总值", "亿元", "2323.54", "4.3"],
                        ["固定资产投资", "亿元", "1,120.8", "-2.5"]]
        assert "地区生产总值\t亿元\t2323.54\t4.3" in doc.text


LAYOUT_PAGE = """<html><head><meta charset="utf-8">
<title>某县2023年国民经济和社会发展统计公报-某县人民政府</title></head>
<body>
<table width="100%" border="0"><tr><td>
<a href="/">首页</a> | <a href="/a">机构</a> | <a href="/b">政务公开</a> | <a href="/c">办事服务</a></td></tr>
<tr><td>
 <table width="960" align="center">
  <tr><td class="bt">某县2023年国民经济和社会发展统计公报</td></tr>
  <tr><td class="info">发布时间：2024-03-20 信息来源：县统计局 浏览次数：1024</td></tr>
  <tr><td id="zoom">
   <p>　　2023年，全县上下坚持稳中求进工作总基调，经济运行总体平稳。</p>
   <p>　　初步核算，全年全县地区生产总值312.45亿元，比上年增长5.1%。</p>
   <p>　　其中，第一产业增加值41.2亿元，增长3.9%；第二产业增加值120.3亿元，增长6.2%。</p>
   <p>　　全年规模以上工业增加值增长7.3%。全年固定资产投资比上年增长8.1%。</p>
   <table border="1" cellspacing="0"><tr><td>指标</td><td>绝对数</td><td>增长%</td></tr><tr>
<td>地区生产总值（亿元）</td><td>312.45</td><td>5.1</td></tr><tr><td>社会消费品零售总额（亿元）</td><td>98.7</td>
<td>6.0</td></tr></table>
   <p>　　全年社会消费品零售总额98.7亿元，增长6.0%。城镇居民人均可支配收入42315元，增长4.9%。</p>
  </td></tr>
 </table>
</td></tr>
<tr><td>版权所有：某县人民政府 备案号：赣ICP备0000000号</td></tr>
</table></body></html>
"""


def test_old_style_layout_table_page() -> None:
    """Body inside layout tables: the data table stays in place, menus and footer go."""
    doc = load_bytes(LAYOUT_PAGE.encode("gbk"), "old.htm", encoding="gbk")
    assert doc.meta["title"] == "某县2023年国民经济和社会发展统计公报"
    assert doc.meta["date"] == "2024-03-20" and doc.meta["publisher"] == "县统计局"
    lines = doc.text.split("\n")
    assert lines[0] == "某县2023年国民经济和社会发展统计公报"
    assert "首页" not in doc.text and "ICP" not in doc.text
    assert lines.index("指标\t绝对数\t增长%") < lines.index(
        "全年社会消费品零售总额98.7亿元，增长6.0%。城镇居民人均可支配收入42315元，增长4.9%。")
    assert len(doc.tables) == 1
    check_tables(doc)


def test_html_fragment_malformed_and_empty() -> None:
    doc = load_bytes("<p>全年增长5%".encode(), "frag.html")
    assert "全年增长5%" in doc.text
    broken = b"<div><p>2024\xe5\xb9\xb4GDP <b>12.5</b><p>unclosed <table><tr><td>a<td>1</table>"
    doc = load_bytes(broken, "m.html")
    assert "12.5" in doc.text
    with pytest.raises(LoadError, match="no main content"):
        load_bytes(b"<html><head><title>x</title><script>var a=1;</script></head><body> </body></html>",
                   "e.html")


def test_html_fallback_and_title_from_first_lines() -> None:
    doc = load_bytes("<p>全年增长5%".encode(), "frag.html")
    assert doc.text == "全年增长5%" and doc.meta["extraction"] == "lxml-fallback"
    frag = ("<p>国务院关于做好当前和今后一个时期</p><p>促进就业工作的若干意见</p><p>国发〔2018〕39号</p>"
            "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>"
            + "<p>就业是最大的民生，也是经济发展的重中之重。对不裁员的参保企业，"
            "可返还其上年度实际缴纳失业保险费的50%。</p>" * 5)
    doc = load_bytes(frag.encode(), "policy.html")
    assert doc.meta["title"] == "国务院关于做好当前和今后一个时期促进就业工作的若干意见"
    assert doc.text.startswith("国务院关于做好当前和今后一个时期\n促进就业工作的若干意见\n")


def test_html_with_wrong_extension_and_text_as_html() -> None:
    page = GOV_PAGE.replace("{charset}", "utf-8").encode("utf-8")
    assert load_bytes(page, "saved.txt").format == "html"
    assert detect_format(page, "noext") == "html"
    assert load_bytes("纯文本，不是网页。".encode(), "a.html").text.strip() == "纯文本，不是网页。"


# ---------------------------------------------------------------------------------------------
# DOCX


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "2024年某区统计公报"
    d.add_heading("2024年某区统计公报", level=1)
    d.add_paragraph("发布日期：2024年3月15日")
    d.add_paragraph("全年地区生产总值2323.54亿元，同比增长4.3%。")
    t = d.add_table(rows=3, cols=3)
    cells = [["指标", "数值", "增长%"], ["工业总产值", "3862.52", "2.1"], ["合并", "", "1.5"]]
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    t.cell(2, 0).merge(t.cell(2, 1))
    t.cell(0, 1).paragraphs[0].add_run("\t(亿元)")
    d.add_paragraph("表后的段落：城镇新增就业3万人。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order() -> None:
    doc = load_bytes(make_docx(), "r.docx")
    assert doc.format == "docx" and doc.encoding is None
    lines = doc.text.split("\n")
    assert lines[0] == "2024年某区统计公报"
    first = lines.index("全年地区生产总值2323.54亿元，同比增长4.3%。")
    assert first < lines.index("表后的段落：城镇新增就业3万人。")
    assert doc.meta["title"] == "2024年某区统计公报"
    assert doc.meta["date"] == "2024-03-15"
    assert len(doc.tables) == 1
    check_tables(doc)
    rows = [[doc.text[s:e] for s, e in r] for r in doc.tables[0].rows]
    assert rows[0] == ["指标", "数值 (亿元)", "增长%"]
    assert rows[1] == ["工业总产值", "3862.52", "2.1"]
    assert rows[2][-1] == "1.5" and len(rows[2]) == 2  # merged cell appears once
    assert doc.text.index("工业总产值") < doc.text.index("表后的段落")


def test_docx_that_is_not_word() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "just a zip")
    with pytest.raises(LoadError, match="not a Word document"):
        load_bytes(buf.getvalue(), "fake.docx")
    with pytest.raises(LoadError, match="not a Word document"):
        load_bytes("这是文本".encode(), "fake.docx")
    # a truncated docx
    with pytest.raises(LoadError, match=r"Word document|ZIP"):
        load_bytes(make_docx()[:3000], "cut.docx")
    # an .xlsx-like zip named .zip is refused clearly
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(LoadError, match="Excel"):
        load_bytes(buf.getvalue(), "book.xlsx")


def test_docx_with_wrong_extension() -> None:
    assert load_bytes(make_docx(), "report.pdf").format == "docx"


# ---------------------------------------------------------------------------------------------
# PDF


def make_pdf(pages: int = 3, encrypt: str | None = None) -> bytes:
    """A multi-page Chinese PDF (STSong-Light, not embedded) with header, footer and a ruled table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, firstLineIndent=24,
                          wordWrap="CJK")
    head = ParagraphStyle("h", fontName="STSong-Light", fontSize=18, leading=26, alignment=1)
    sec = ParagraphStyle("s", fontName="STSong-Light", fontSize=12, leading=18)

    def decorate(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, "某某市统计局 2023年统计公报")
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    story = [Paragraph("某某市2023年国民经济和社会发展统计公报", head), Spacer(1, 12)]
    for p in range(pages):
        story.append(Paragraph(f"{'一二三四五六七八九'[p]}、第{p + 1}部分", sec))
        story.append(Paragraph(
            f"初步核算，全年全市地区生产总值{2323 + p}.54亿元，按可比价格计算，比上年增长4.{p}%。"
            "其中，第一产业增加值51.36亿元，增长3.1%；第二产业增加值1023.67亿元，增长2.8%；"
            "第三产业增加值1248.51亿元，增长5.6%。三次产业结构调整为2.2:44.1:53.7。", body))
        if p == 0:
            t = Table([["指标", "单位", "2023年", "增长%"], ["地区生产总值", "亿元", "2323.54", "4.3"],
                       ["规模以上工业总产值", "亿元", "3862.52", "2.1"]])
            t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(t)
        story.append(Paragraph(
            "全年居民消费价格比上年上涨0.2%。城镇新增就业3.12万人，城镇调查失业率控制在5.5%以内。"
            "全年一般公共预算收入156.72亿元，增长6.5%，一般公共预算支出210.33亿元，增长3.4%。", body))
        if p < pages - 1:
            story.append(PageBreak())
    buf = io.BytesIO()
    kwargs = {"encrypt": encrypt} if encrypt else {}
    SimpleDocTemplate(buf, pagesize=A4, **kwargs).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


def test_pdf_text_tables_headers() -> None:
    doc = load_bytes(make_pdf(3), "gongbao.pdf")
    assert doc.format == "pdf" and doc.encoding is None
    assert doc.meta["title"] == "某某市2023年国民经济和社会发展统计公报"
    assert doc.meta["pages"] == "3"
    text = doc.text
    # running header and page numbers are removed
    assert "某某市统计局 2023年统计公报" not in text
    assert "- 2 -" not in text and not re.search(r"^\s*-\s*\d\s*-\s*$", text, re.M)
    # paragraphs re-joined across the printed line breaks, with no stray spaces between CJK
    assert ("初步核算，全年全市地区生产总值2323.54亿元，按可比价格计算，比上年增长4.0%。其中，第一产业增加值"
            "51.36亿元，增长3.1%；第二产业增加值1023.67亿元，增长2.8%；第三产业增加值1248.51亿元，增长5.6%。"
            "三次产业结构调整为2.2:44.1:53.7。") in text
    assert "一、第1部分\n" in text and "二、第2部分\n" in text
    # the ruled table
    assert len(doc.tables) == 1
    check_tables(doc)
    rows = [[text[s:e] for s, e in r] for r in doc.tables[0].rows]
    assert rows == [["指标", "单位", "2023年", "增长%"], ["地区生产总值", "亿元", "2323.54", "4.3"],
                    ["规模以上工业总产值", "亿元", "3862.52", "2.1"]]
    starts = json.loads(doc.meta["page_starts"])
    assert len(starts) == 3 and text[starts[1]:].startswith("二、第2部分")


def test_pdf_encrypted_truncated_scanned() -> None:
    with pytest.raises(LoadError, match="encrypted PDF"):
        load_bytes(make_pdf(1, encrypt="pw"), "secret.pdf")
    data = make_pdf(2)
    with pytest.raises(LoadError, match=r"not a readable PDF \("):
        load_bytes(data[: len(data) // 3], "cut.pdf")
    with pytest.raises(LoadError, match="not a readable PDF"):
        load_bytes(b"%PDF-1.4\n" + os.urandom(2000), "junk.pdf")
    with pytest.raises(LoadError, match="no text layer; OCR is not supported"):
        load_bytes(make_image_pdf(), "scan.pdf")


def make_image_pdf() -> bytes:
    import struct
    import zlib

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    w = h = 32
    raw = b"".join(b"\x00" + bytes((x * y) % 256 for x in range(w)) for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(io.BytesIO(png)), 100, 400, 300, 300)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_with_wrong_extension() -> None:
    doc = load_bytes(make_pdf(1), "report.txt")
    assert doc.format == "pdf"
    with pytest.raises(LoadError, match="no %PDF header"):
        load_bytes("不是PDF".encode(), "fake.pdf")


# ---------------------------------------------------------------------------------------------
# Bad input and errors


def test_empty_junk_and_binary(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LoadError) as ei:
        load_path(empty)
    assert str(ei.value) == f"{empty}: empty file"
    with pytest.raises(LoadError, match="empty file"):
        load_bytes(b"  \n\r\n ", "blank.txt")
    with pytest.raises(LoadError, match=r"not a text document \(binary data"):
        load_bytes(bytes(range(256)) * 8, "junk.txt")
    with pytest.raises(LoadError, match=r"not a text document \(binary data"):
        load_bytes(os.urandom(4096), "junk.html")
    with pytest.raises(LoadError, match="PNG"):
        load_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100), "image.txt")
    with pytest.raises(LoadError, match="legacy Office"):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old.doc")
    # undecodable high bytes with no control characters
    with pytest.raises(LoadError, match=r"cannot decode|binary data"):
        load_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80, 0xFF]) * 300, "weird.txt")


def test_huge_file_refused_fast(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(200 * 2**20)  # sparse: nothing is written
    t0 = time.perf_counter()
    with pytest.raises(LoadError) as ei:
        load_path(huge)
    assert time.perf_counter() - t0 < 1.0
    assert str(ei.value) == f"{huge}: file is 200 MB, over the 100 MB limit"
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        load_path(huge, max_bytes=2**20)


def test_missing_directory_and_error_shape(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as ei:
        load_path(tmp_path / "nope.txt")
    err = ei.value
    assert err.path == str(tmp_path / "nope.txt") and err.reason == "no such file or directory"
    assert str(err) == f"{err.path}: {err.reason}" and "\n" not in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, LoadError) and str(again) == str(err)
    with pytest.raises(LoadError, match="is a directory"):
        load_path(tmp_path)
    assert str(LoadError("a.txt", "line one\nline two")) == "a.txt: line one line two"


def test_iter_inputs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.txt").write_text("一", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.HTML").write_text("<p>二</p>", encoding="utf-8")
    (tmp_path / "a" / "b" / "three.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "a" / "skip.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a" / "one.txt.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "inside.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "odd.data").write_text("named explicitly", encoding="utf-8")

    out = list(iter_inputs([str(tmp_path / "a"), str(tmp_path / "a" / "one.txt"), str(tmp_path / "odd.data"),
                            str(tmp_path / "missing.txt"), str(tmp_path / "empty"),
                            str(tmp_path / "**" / "*.pdf"), str(tmp_path / "*.nothing")]))
    paths = [p for p in out if isinstance(p, Path)]
    errors = [e for e in out if isinstance(e, LoadError)]
    names = [p.name for p in paths]
    assert names == ["three.pdf", "two.HTML", "one.txt", "odd.data"]  # sorted walk, deduplicated
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert reasons["missing.txt"] == "no such file or directory"
    assert reasons["empty"].startswith("no documents found")
    assert reasons["*.nothing"] == "no documents match this pattern"


def test_only_load_error_escapes(tmp_path: Path) -> None:
    """A grab bag of hostile inputs: each either loads or raises LoadError."""
    cases = [
        (b"\x00" * 1000, "nul.txt"),
        (b"PK\x03\x04" + os.urandom(300), "x.docx"),
        (b"PK\x03\x04" + os.urandom(300), "x.txt"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "tiny.pdf"),
        (b"<?xml version='1.0' encoding='gbk'?><html><body><p>\xc4\xe3\xba\xc3</p></body></html>", "x.xhtml"),
        (b"<html>" + b"<div>" * 5000 + "深".encode() + b"</div>" * 5000 + b"</html>", "deep.html"),
        (b"<meta charset=big5><p>" + TRADITIONAL.encode("big5") + b"</p>", "big5.htm"),
        (b"\xff\xfe" + "<html><body><p>正文内容，增长百分之五。</p></body></html>".encode("utf-16-le"),
         "u16.html"),
        (b"{\\rtf1 hello}", "a.txt"),
    ]
    for data, name in cases:
        try:
            doc = load_bytes(data, name)
        except LoadError as e:
            assert str(e).startswith(name + ": ") and "\n" not in str(e)
        else:
            assert isinstance(doc, Document)
            check_tables(doc)
    doc = load_bytes(cases[6][0], "big5.htm")
    assert "香港特別行政區" in doc.text
    doc = load_bytes(cases[7][0], "u16.html")
    assert "正文内容" in doc.text
