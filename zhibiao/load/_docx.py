"""DOCX loader: body paragraphs and tables in document order (python-docx opens the package).

We walk the body XML ourselves (as `Document.iter_inner_content()` does, but also descending
into content controls, ``w:sdt``) so that paragraphs and tables keep their order. Paragraph
text is read from its runs, hyperlinks, fields and tracked insertions (w:t, w:tab, w:br);
deleted text and text boxes' anchors are not part of the paragraph. Tables come out one row per
line, cells separated by a tab; horizontally merged cells appear once, the continuation of a
vertically merged cell is empty; nested tables are flattened into their cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

from zhibiao.load._model import Document, LoadError, TextBuilder
from zhibiao.load._text import add_labelled_meta, parse_date

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_XML = 512 * 2**20  # refuse documents whose main XML would expand past this
_NS = {"w": W[1:-1], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_NOT_HIDDEN = ("not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent "
               "or ancestor::mc:Fallback)")
#: Text-bearing elements of a paragraph, in document order, outside deletions and text boxes
#: (tab stops in w:pPr are not tabs).
_TEXT_XPATH = etree.XPath(
    f".//w:t[{_NOT_HIDDEN}] | .//w:tab[not(ancestor::w:pPr) and {_NOT_HIDDEN}] | "
    f".//w:br[{_NOT_HIDDEN}] | .//w:cr[{_NOT_HIDDEN}] | .//w:noBreakHyphen[{_NOT_HIDDEN}]",
    namespaces=_NS)
_T, _TAB, _HYPHEN = W + "t", W + "tab", W + "noBreakHyphen"
_HEADING_STYLE = re.compile(r"^(?:title|heading\s*1|标题\s*1?|标题)$", re.IGNORECASE)


def _para_text(p: Any) -> str:
    """Text of a w:p element: runs, hyperlinks, fields, insertions; not deletions or text boxes."""
    parts: list[str] = []
    for el in _TEXT_XPATH(p):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    pieces: list[str] = []
    for child in tc:
        if child.tag == W + "p":
            t = _para_text(child).strip()
            if t:
                pieces.append(t)
        elif child.tag == W + "tbl":
            for row in _table_rows(child):
                pieces.extend(c for c in row if c)
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                t = _cell_text(content)
                if t:
                    pieces.append(t)
    return " ".join(pieces)


def _children(node: Any, tag: str) -> Any:
    """`node`'s ``w:`` children named `tag`, looking through content controls and custom XML."""
    for child in node:
        if child.tag == W + tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _table_rows(tbl: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in _children(tbl, "tr"):
        row: list[str] = []
        for tc in _children(tr, "tc"):
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(W + "val") not in ("restart",):
                row.append("")  # continuation of a vertically merged cell
            else:
                row.append(_cell_text(tc))
        rows.append(row)
    return rows


def _style_name(p: Any, styles: dict[str, str]) -> str:
    ps = p.find(f"{W}pPr/{W}pStyle")
    if ps is None:
        return ""
    sid = ps.get(W + "val") or ""
    return styles.get(sid, sid)


def _blocks(body: Any) -> Any:
    """(kind, element) for body paragraphs and tables in order, content controls unwrapped."""
    for child in body:
        if child.tag == W + "p":
            yield "p", child
        elif child.tag == W + "tbl":
            yield "tbl", child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _blocks(content)


def load_docx(data: bytes, name: str, label: str) -> Document:
    """Load a .docx: paragraphs and tables in body order, core-property metadata."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > _MAX_XML:
                size = info.file_size // 2**20
                raise LoadError(label, f"Word document too large when unpacked ({size} MB)")
    except KeyError:
        raise LoadError(label, "not a Word document (no word/document.xml)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise LoadError(label, f"not a Word document (corrupt ZIP: {e})") from None

    import docx

    try:
        wdoc = docx.Document(io.BytesIO(data))
    except LoadError:
        raise
    except Exception as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "content type" in reason or "not a Word file" in reason:
            raise LoadError(label, f"not a Word document ({reason})") from None
        raise LoadError(label, f"corrupt Word document ({type(e).__name__}: {reason})") from None

    styles: dict[str, str] = {}
    try:
        for st in wdoc.styles:
            if st.style_id and st.name:
                styles[st.style_id] = st.name
    except Exception:
        styles = {}

    body = getattr(wdoc.element, "body", None)
    if body is None:
        raise LoadError(label, "corrupt Word document (no document body)")
    builder = TextBuilder()
    heading: str | None = None
    first_lines: list[str] = []
    centred: str | None = None
    for kind, el in _blocks(body):
        if kind == "p":
            text = _para_text(el).strip()
            if not text:
                continue
            builder.line(text)
            if len(first_lines) < 40:
                first_lines.append(text)
            if heading is None and len(text) <= 120 and _HEADING_STYLE.match(_style_name(el, styles)):
                heading = text
            jc = el.find(f"{W}pPr/{W}jc")
            if centred is None and len(first_lines) <= 5 and jc is not None and \
                    jc.get(W + "val") == "center" and 4 <= len(text) <= 120:
                centred = text
        else:
            builder.table(_table_rows(el))
    text = builder.text()
    if not text.strip():
        raise LoadError(label, "empty Word document (no text)")

    meta: dict[str, str] = {}
    props = wdoc.core_properties
    core_title = (props.title or "").strip()
    title = core_title if len(core_title) >= 4 else (heading or centred)
    if title:
        meta["title"] = title
    add_labelled_meta(meta, first_lines, title=False)
    created = props.created.date().isoformat() if props.created else None
    if created and parse_date(created):
        meta["created"] = created
        if "date" not in meta:
            meta["date"], meta["date_source"] = created, "docx-metadata"
    if props.author and "publisher" not in meta:
        meta["author"] = props.author.strip()
    return Document(name=name, text=text, format="docx", encoding=None, meta=meta, tables=builder.tables)
