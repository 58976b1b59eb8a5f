"""Fuzzing the loaders: `load_bytes` either returns a Document or raises LoadError — nothing else.

Random bytes under every supported name, random text in several encodings, and mutated real
files (bit flips, truncations, insertions, deletions, duplicated spans) of the corpus HTML, GBK
text, DOCX and PDF. About 10,700 cases in total; the counts are balanced so that the whole file
runs in roughly a minute on 2 cores (PDF and HTML cases are the slow ones).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from zhibiao.load import Document, LoadError, load_bytes

REAL = Path("/work/shared/corpus/real")
NAMES = ["a.txt", "a.text", "a.md", "a.html", "a.htm", "a.shtml", "a.xhtml", "a.pdf", "a.docx", "noext"]
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=False)


def check(data: bytes, name: str) -> None:
    """The contract: a Document with consistent tables, or a one-line LoadError naming the file."""
    try:
        doc = load_bytes(data, name)
    except LoadError as e:
        assert str(e).startswith(f"{name}: ")
        assert "\n" not in str(e)
        event(f"LoadError: {e.reason.split('(')[0].strip()[:40]}")
        return
    assert isinstance(doc, Document)
    event(f"loaded as {doc.format}")
    assert isinstance(doc.text, str) and doc.text.strip()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in doc.meta.items())
    for t in doc.tables:
        assert 0 <= t.start <= t.end <= len(doc.text)
        for row in t.rows:
            for s, e in row:
                assert t.start <= s <= e <= t.end
                assert "\t" not in doc.text[s:e] and "\n" not in doc.text[s:e]


def _read(name: str) -> bytes | None:
    p = REAL / name
    return p.read_bytes() if p.is_file() else None


@cache
def html_seeds() -> tuple[bytes, ...]:
    names = ["hubei-huangshi-2021-investment-promotion-news.gb2312.html",
             "china-state-council-2018-employment-promotion-policy.html",
             "china-state-council-2019-financing-guarantee-smes-policy.html"]
    seeds = [d for n in names if (d := _read(n))]
    big = _read("jiangxi-yichun-wanzai-2015-communique.html")
    if big:  # the paragraphs around the table of a large saved page, to keep cases fast
        i = big.find(b"<table")
        start = big.rfind(b"<p", 0, max(i - 3000, 0))
        seeds.append(b'<html><head><meta charset="utf-8"><title>\xe4\xb8\x87\xe8\xbd\xbd</title></head><body>'
                     + big[start: i + 9000] + b"</body></html>")
    return tuple(seeds) or (b"<html><body><p>\xe5\x85\xa8\xe5\xb9\xb4 5%</p></body></html>",)


@cache
def gbk_seeds() -> tuple[bytes, ...]:
    seeds = [d[:6000] for n in ("hulunbuir-hailar-2015-gov-work-report.gbk.txt",
                                "hulunbuir-hailar-2019-gov-work-report.gbk.txt") if (d := _read(n))]
    utf8 = _read("guangzhou-baiyun-2022-plan-report.excerpt.txt")
    if utf8:
        seeds.append(utf8)
    return tuple(seeds) or ("全年地区生产总值增长5%。\r\n".encode("gbk") * 50,)


@cache
def docx_seeds() -> tuple[bytes, ...]:
    import docx

    d = docx.Document()
    d.add_heading("2024年某区统计公报", level=1)
    d.add_paragraph("全年地区生产总值2323.54亿元，同比增长4.3%。")
    t = d.add_table(rows=2, cols=3)
    for i, row in enumerate([["指标", "数值", "增长%"], ["工业总产值", "3862.52", "2.1"]]):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    seeds = [buf.getvalue()]
    real = _read("china-moe-2022-teacher-programme-certification-list.docx")
    if real:
        seeds.append(real)
    return tuple(seeds)


@cache
def pdf_seeds() -> tuple[bytes, ...]:
    seeds = [_small_pdf()]
    real = _read("shenzhen-2021-gender-statistics-report.pdf")
    if real:  # two pages (with a three-line table) of the real report, to keep cases fast
        import pypdfium2 as pdfium

        src = pdfium.PdfDocument(real)
        new = pdfium.PdfDocument.new()
        new.import_pages(src, [1, 2])
        buf = io.BytesIO()
        new.save(buf)
        seeds.append(buf.getvalue())
        new.close()
        src.close()
    return tuple(seeds)


def _small_pdf() -> bytes:
    """One page of Chinese text (STSong-Light) with a ruled table, written by reportlab."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    table = Table([["指标", "单位", "2023年"], ["地区生产总值", "亿元", "2323.54"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([
        Paragraph("初步核算，全年全市地区生产总值2323.54亿元，按可比价格计算，比上年增长4.3%。" * 3, style),
        table,
        Paragraph("全年居民消费价格比上年上涨0.2%。城镇新增就业3.12万人。", style),
    ])
    return buf.getvalue()


@st.composite
def mutations(draw: st.DrawFn, seeds: Callable[[], tuple[bytes, ...]], max_ops: int = 6) -> bytes:
    """A seed file with a few random edits: bit flips, byte sets, cuts, inserts, deletes, dups."""
    data = bytearray(draw(st.sampled_from(seeds())))
    for _ in range(draw(st.integers(1, max_ops))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "flip", "set", "truncate", "insert", "delete", "dup"]))
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[pos] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos: pos + draw(st.integers(1, 64))]
        else:
            data[pos:pos] = data[pos: pos + draw(st.integers(1, 64))]
    return bytes(data)


@st.composite
def docx_xml_mutations(draw: st.DrawFn) -> bytes:
    """A valid ZIP whose word/document.xml was mutated (exercises the XML paths, not the CRC)."""
    seed = draw(st.sampled_from(docx_seeds()[:1]))
    with zipfile.ZipFile(io.BytesIO(seed)) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, content in items:
            if info.filename == "word/document.xml":
                content = draw(mutations(lambda c=content: (c,), max_ops=4))
            zout.writestr(info.filename, content)
    return out.getvalue()


@settings(FUZZ, max_examples=4500)
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_random_bytes(data: bytes, name: str) -> None:
    check(data, name)


@settings(FUZZ, max_examples=1300)
@given(text=st.text(max_size=400), codec=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-16-be", "big5"]),
       name=st.sampled_from(NAMES[:7]), wrap=st.booleans())
def test_random_text_in_encodings(text: str, codec: str, name: str, wrap: bool) -> None:
    if wrap:
        text = f"<html><head><meta charset={codec}></head><body><p>{text}</p></body></html>"
    check(text.encode(codec, errors="ignore"), name)


@settings(FUZZ, max_examples=1800)
@given(data=mutations(gbk_seeds), name=st.sampled_from(["a.txt", "a.md", "a.html", "noext"]))
def test_mutated_text(data: bytes, name: str) -> None:
    check(data, name)


@settings(FUZZ, max_examples=1000)
@given(data=mutations(html_seeds), name=st.sampled_from(["a.html", "a.htm", "a.txt"]))
def test_mutated_html(data: bytes, name: str) -> None:
    check(data, name)


@settings(FUZZ, max_examples=700)
@given(data=mutations(docx_seeds), name=st.sampled_from(["a.docx", "a.pdf"]))
def test_mutated_docx(data: bytes, name: str) -> None:
    check(data, name)


@settings(FUZZ, max_examples=400)
@given(data=docx_xml_mutations())
def test_mutated_docx_xml(data: bytes) -> None:
    check(data, "a.docx")


@pytest.mark.filterwarnings("ignore")
@settings(FUZZ, max_examples=1000)
@given(data=mutations(pdf_seeds), name=st.sampled_from(["a.pdf", "a.txt"]))
def test_mutated_pdf(data: bytes, name: str) -> None:
    check(data, name)
