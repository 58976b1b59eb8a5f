"""PDF loader: pypdfium2 characters → lines → paragraphs; ruled tables as tab-separated rows.

Per page we read every character with its box from pypdfium2 (fast, BSD/Apache). Then:

1. superscript footnote markers (small raised digits, as in "常住人口¹1761.48") are removed,
   so they do not fuse with the numbers they follow;
2. fragments on the same baseline are merged into lines;
3. ruled tables become `Table`s: grids (vertical and horizontal rules) through pdfplumber's
   `find_tables`, three-line tables (horizontal rules only, common in statistical reports)
   by grouping characters between the rules into rows and gap-separated cells;
4. running headers/footers (lines repeated on most pages) and page numbers ("- 3 -", "第3页",
   a bare number in the margin) are dropped;
5. lines are re-joined into paragraphs: a break is kept after 。！？；： and similar, before
   headings ("一、" "（二）" "1." "第三条" "表1"), after a short line and before an indented
   one; CJK-to-CJK (and CJK-to-digit) breaks join with no space.

meta['page_starts'] is a JSON list of the text offset at which each page begins.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import logging
import re
import statistics
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from zhibiao.load._model import Document, LoadError, TextBuilder
from zhibiao.load._text import add_labelled_meta, parse_date

log = logging.getLogger(__name__)
_PDFIUM_LOCK = threading.Lock()

#: One character: text, left, right, baseline y, height (loose box, ≈ font size).
Char = tuple[str, float, float, float, float]
SPACE = " "
BREAK = "\n"

_SENT_END = re.compile(r"[。！？；：!?;:…][”’」』）)】\]》\"']*$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d{1,2}[.、．](?!\d)|"
    r"[（(]\d{1,2}[）)]|第[一二三四五六七八九十百零〇\d]+[章节条部分篇编]|[①-⑳]|[⑴-⒇]|"
    r"(?:表|图|附表|附图)\s*\d|注\s*[:：\d]|附件|附录|[◆●■▲★☆◇○•]|"
    r"[一二三四五六七八九十]是)")
_PAGE_NO = re.compile(
    r"^[-—–―~·•\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
    r"[-—–―~·•\s]*$|^[-—–―\s]*[ivxlcdm]{1,7}[-—–―\s]*$|^page\s*\d{1,4}(?:\s*of\s*\d{1,4})?$",
    re.IGNORECASE)
_PAGE_NO_STRICT = re.compile(r"^[-—–―~]\s*\d{1,4}\s*[-—–―~]$|^第\s*\d{1,4}\s*页")
_SUPER_CHARS = set("0123456789*※†‡")
_JUNK_TITLE = re.compile(r"^\(?(?:anonymous|unspecified|untitled|无标题)\)?$|\.(?:docx?|pdf|wps|xlsx?)$|"
                         r"^microsoft (?:word|excel)", re.IGNORECASE)


@dataclass
class Line:
    """A line of text on a page with its geometry (PDF user space, y grows upwards)."""

    chars: list[Char]
    page: int
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0
    h: float = 0.0

    def finish(self) -> Line:
        """Compute text and geometry from `chars`; return self."""
        real = [c for c in self.chars if c[0] != SPACE]
        self.text = _chars_text(self.chars)
        if real:
            self.x0, self.x1 = real[0][1], max(c[2] for c in real)
            self.y = statistics.median(c[3] for c in real)
            self.h = statistics.median(c[4] for c in real) or 1.0
        return self


@dataclass
class PageData:
    """What we keep of one page: lines, table blocks and geometry."""

    index: int
    width: float
    height: float
    bottom: float
    items: list[tuple[str, Any]] = field(default_factory=list)  # ("line", Line) | ("table", rows)
    n_chars: int = 0
    n_garbled: int = 0
    n_images: int = 0


def _chars_text(chars: list[Char]) -> str:
    out: list[str] = []
    prev: Char | None = None
    for c in chars:
        if c[0] == SPACE:
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None and out and out[-1] != " " and c[1] - prev[2] > 0.6 * max(c[4], prev[4]):
            out.append(" ")  # a visible gap with no space character (e.g. between table cells)
        out.append(c[0])
        prev = c
    return "".join(out).strip()


def _join(a: str, b: str) -> str:
    """Join two pieces of a broken line: no space between CJK (or CJK and digits)."""
    if not a:
        return b
    if not b:
        return a
    x, y = a[-1], b[0]
    if x.isascii() and y.isascii() and y.isalpha() and (x.isalpha() or x in ",.;:"):
        return a + " " + b
    return a + b


# ---------------------------------------------------------------------------------------------
# Reading characters


def _read_chars(textpage: Any) -> list[Char]:
    import pypdfium2.raw as R

    raw = textpage.raw
    n = R.FPDFText_CountChars(raw)
    rect = R.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    get_u, get_box, get_origin = R.FPDFText_GetUnicode, R.FPDFText_GetLooseCharBox, R.FPDFText_GetCharOrigin
    chars: list[Char] = []
    for i in range(max(n, 0)):
        code = get_u(raw, i)
        if code in (10, 13):
            if chars and chars[-1][0] != BREAK:
                chars.append((BREAK, 0.0, 0.0, 0.0, 0.0))
            continue
        if code in (0, 9, 32, 0xA0, 0x3000):
            chars.append((SPACE, 0.0, 0.0, 0.0, 0.0))
            continue
        if code < 32 or code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        get_box(raw, i, rect)
        get_origin(raw, i, ox, oy)
        chars.append((chr(code), rect.left, rect.right, oy.value, abs(rect.top - rect.bottom)))
    return chars


def _strip_superscripts(chars: list[Char]) -> tuple[list[Char], int]:
    """Remove footnote markers: small raised digits next to normal-size text."""
    real_idx = [i for i, c in enumerate(chars) if c[0] not in (SPACE, BREAK)]
    drop: set[int] = set()
    last_normal: Char | None = None
    for k, i in enumerate(real_idx):
        c = chars[i]
        if c[0] in _SUPER_CHARS and c[4] > 0:
            refs: list[Char] = []
            if last_normal is not None:
                refs.append(last_normal)
            for j in real_idx[k + 1: k + 4]:
                nxt = chars[j]
                if nxt[0] not in _SUPER_CHARS or nxt[4] >= 1.3 * c[4]:
                    refs.append(nxt)
                    break
            for ref in refs:
                close = abs(ref[3] - c[3]) < ref[4] and (abs(c[1] - ref[2]) < 2 * ref[4]
                                                         or abs(ref[1] - c[2]) < 2 * ref[4])
                if (close and c[4] <= 0.75 * ref[4] and c[3] > ref[3] + 0.15 * ref[4]
                        and not (ref[0].isascii() and ref[0].isalpha())):
                    drop.add(i)
                    break
            if i in drop:
                continue
        last_normal = c
    if not drop:
        return chars, 0
    return [c for i, c in enumerate(chars) if i not in drop], len(drop)


def _make_lines(chars: list[Char], page: int) -> list[Line]:
    """Split at line breaks, then merge consecutive fragments that share a baseline."""
    lines: list[Line] = []
    cur: list[Char] = []
    for c in chars:
        if c[0] == BREAK:
            if cur:
                lines.append(Line(cur, page).finish())
            cur = []
        else:
            cur.append(c)
    if cur:
        lines.append(Line(cur, page).finish())
    merged: list[Line] = []
    for line in lines:
        if not line.text:
            continue
        if merged:
            prev = merged[-1]
            h = max(prev.h, line.h)
            if abs(prev.y - line.y) < 0.3 * h and line.x0 >= prev.x1 - 0.5 * h:
                gap = line.x0 - prev.x1
                space = [(SPACE, 0.0, 0.0, 0.0, 0.0)] if gap > 0.5 * h else []
                prev.chars = prev.chars + space + line.chars
                prev.finish()
                continue
        merged.append(line)
    return merged


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class _Rules:
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y)
    vertical: int = 0
    boxes: int = 0
    images: int = 0
    paths: int = 0


def _page_rules(page: Any) -> _Rules:
    import pypdfium2.raw as R

    rules = _Rules()
    for obj in page.get_objects(filter=[R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        if obj.type == R.FPDF_PAGEOBJ_IMAGE:
            rules.images += 1
            continue
        rules.paths += 1
        if rules.paths > 5000:
            break
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= 2.5 and w >= 20:
            rules.horizontal.append((left, right, (top + bottom) / 2))
        elif w <= 2.5 and h >= 5:
            rules.vertical += 1
        elif w > 20 and h > 5:
            rules.boxes += 1
    return rules


def _cells_from_chars(chars: list[Char]) -> list[str]:
    """Split one row's characters (sorted by x) into cells at wide gaps."""
    cells: list[list[Char]] = []
    prev: Char | None = None
    for c in chars:
        if prev is None or c[1] - prev[2] > 0.9 * max(c[4], prev[4]):
            cells.append([])
        cells[-1].append(c)
        prev = c
    return [_chars_text(cell) for cell in cells]


def _rows_from_chars(chars: list[Char]) -> list[list[Char]]:
    """Cluster characters into visual rows by baseline (top to bottom), each sorted by x."""
    rows: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (-c[3], c[1])):
        if rows and abs(rows[-1][0][3] - c[3]) < 0.4 * max(c[4], rows[-1][0][4]):
            rows[-1].append(c)
        else:
            rows.append([c])
    return [sorted(r, key=lambda c: c[1]) for r in rows]


def _n_cells(line: Line) -> int:
    """Number of gap-separated cells in a line (2+ means it looks like a table row)."""
    real = sorted((c for c in line.chars if c[0] != SPACE), key=lambda c: c[1])
    n, prev = 0, None
    for c in real:
        if prev is None or c[1] - prev[2] > 0.9 * max(c[4], prev[4]):
            n += 1
        prev = c
    return n


def _rule_regions(rules: _Rules, lines: list[Line]) -> list[tuple[float, float, float, float]]:
    """Table regions (x0, y_bottom, x1, y_top) drawn with horizontal rules only.

    Rules of the same extent belong to one table when no paragraph line lies between them
    (three-line tables: top rule, rule under the header, bottom rule). The region then grows
    over adjacent lines that look like rows (2+ cells), which also catches tables continued
    from or onto another page.
    """
    cells = {id(ln): _n_cells(ln) for ln in lines}

    def paragraph_between(y_hi: float, y_lo: float, x0: float, x1: float) -> bool:
        width = x1 - x0
        return any(y_lo < ln.y < y_hi and cells[id(ln)] < 2 and ln.x1 - ln.x0 >= 0.6 * width
                   for ln in lines)

    groups: list[list[tuple[float, float, float]]] = []
    for rule in sorted(rules.horizontal, key=lambda r: -r[2]):
        if rule[1] - rule[0] < 180:
            continue
        for g in groups:
            last = g[-1]
            if abs(last[0] - rule[0]) < 15 and abs(last[1] - rule[1]) < 15 and \
                    not paragraph_between(last[2], rule[2], rule[0], rule[1]):
                if last[2] - rule[2] > 1.0:
                    g.append(rule)
                break
        else:
            groups.append([rule])
    regions = []
    by_y = sorted(lines, key=lambda ln: -ln.y)
    for g in groups:
        x0, x1 = min(r[0] for r in g) - 5, max(r[1] for r in g) + 5
        y_top, y_bottom = g[0][2], g[-1][2]

        def fits(ln: Line, x0: float = x0, x1: float = x1) -> bool:
            return cells[id(ln)] >= 2 and ln.x0 >= x0 - 10 and ln.x1 <= x1 + 10

        for ln in by_y:  # grow downwards
            if ln.y < y_bottom:
                if not fits(ln):
                    break
                y_bottom = ln.y - 0.5 * ln.h
        for ln in reversed(by_y):  # grow upwards
            if ln.y > y_top:
                if not fits(ln):
                    break
                y_top = ln.y + ln.h
        inside = [ln for ln in lines if y_bottom < ln.y < y_top and ln.x0 >= x0 - 20 and ln.x1 <= x1 + 20]
        if len(inside) >= 2 and any(cells[id(ln)] >= 2 for ln in inside):
            regions.append((x0, y_bottom, x1, y_top))
    return regions


def _grid_tables(plumber_page: Any, page_bottom: float, page_top: float) -> list[tuple[Any, list]]:
    """pdfplumber tables on a page as (bbox in PDF space, list of rows of cell bboxes)."""
    out = []
    for t in plumber_page.find_tables():
        rows = []
        for row in t.rows:
            cells = [c for c in row.cells if c is not None]
            if cells:
                rows.append([(c[0], page_top - c[3], c[2], page_top - c[1]) for c in cells])
        ncols = max((len(r) for r in rows), default=0)
        if len(rows) < 2 or ncols < 2:
            continue
        x0, top, x1, bottom = t.bbox
        out.append(((x0, page_top - bottom, x1, page_top - top), rows))
    return out


def _inside(c: Char, box: tuple[float, float, float, float], pad: float = 1.0) -> bool:
    cx = (c[1] + c[2]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= c[3] + 0.3 * c[4] <= box[3] + pad


def _cell_text(chars: list[Char]) -> str:
    text = ""
    for row in _rows_from_chars(chars):
        text = _join(text, _chars_text(row))
    return text


# ---------------------------------------------------------------------------------------------
# Pages


class _LazyPlumber:
    """Opens the PDF with pdfplumber only when a page with a ruled grid needs it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc: Any = None
        self.failed = False

    def page(self, index: int) -> Any:
        """pdfplumber's page `index`, or None when pdfplumber cannot read the file."""
        if self.doc is None and not self.failed:
            try:
                import pdfplumber

                self.doc = pdfplumber.open(io.BytesIO(self.data))
            except Exception as e:
                log.debug("pdfplumber could not open the PDF: %r", e)
                self.failed = True
        return None if self.doc is None else self.doc.pages[index]

    def close(self) -> None:
        """Close the pdfplumber document if it was opened."""
        if self.doc is not None:
            with contextlib.suppress(Exception):
                self.doc.close()


def _read_page(pdf: Any, index: int, plumber: _LazyPlumber) -> tuple[PageData, int]:
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        data = PageData(index, right - left, top - bottom, bottom)
        textpage = page.get_textpage()
        try:
            chars = _read_chars(textpage)
        finally:
            textpage.close()
        chars, n_super = _strip_superscripts(chars)
        real = [c for c in chars if c[0] not in (SPACE, BREAK)]
        data.n_chars = len(real)
        data.n_garbled = sum(1 for c in real if c[0] == "\ufffd" or 0xE000 <= ord(c[0]) <= 0xF8FF)
        rules = _page_rules(page)
        data.n_images = rules.images
        lines = _make_lines(chars, index)

        tables: list[tuple[tuple[float, float, float, float], list[list[str]]]] = []
        grid = rules.vertical >= 2 or rules.boxes > 0
        if lines and grid and rules.paths <= 5000 and len(rules.horizontal) + rules.boxes >= 1:
            try:
                plumber_page = plumber.page(index)
                grids = _grid_tables(plumber_page, bottom, top) if plumber_page is not None else []
                for bbox, cell_rows in grids:
                    rows = [[_cell_text([c for c in real if _inside(c, cb)]) for cb in r] for r in cell_rows]
                    tables.append((bbox, rows))
            except Exception as e:  # pdfplumber is optional help; never fail the page over it
                log.debug("pdfplumber failed on page %d: %r", index + 1, e)
        if lines and rules.horizontal:
            for box in _rule_regions(rules, lines):
                if any(_overlaps(box, t[0]) for t in tables):
                    continue
                region = [c for c in real if _inside(c, box, pad=0.0)]
                rows = [_cells_from_chars(r) for r in _rows_from_chars(region)]
                if sum(len(r) >= 2 for r in rows) >= 1:
                    tables.append((box, rows))

        placed: set[int] = set()
        for line in lines:
            hit = None
            for ti, (box, _rows) in enumerate(tables):
                if box[1] - 1 <= line.y + 0.3 * line.h <= box[3] + 1 and line.x1 >= box[0] - 1 and \
                        line.x0 <= box[2] + 1:
                    hit = ti
                    break
            if hit is None:
                data.items.append(("line", line))
            elif hit not in placed:
                placed.add(hit)
                data.items.append(("table", tables[hit][1]))
        for ti, (_box, rows) in enumerate(tables):
            if ti not in placed:
                data.items.append(("table", rows))
        return data, n_super
    finally:
        page.close()


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _norm_repeat(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def _remove_running(pages: list[PageData]) -> int:
    """Drop page numbers and headers/footers repeated on most pages; return how many lines."""
    n = len(pages)
    bands: list[list[int]] = []
    counts: Counter[str] = Counter()
    for p in pages:
        idx = []
        for k, (kind, item) in enumerate(p.items):
            if kind != "line":
                continue
            rel = (item.y - p.bottom) / p.height if p.height else 0.5
            if rel < 0.1 or rel > 0.9:
                idx.append(k)
        bands.append(idx)
        counts.update({_norm_repeat(p.items[k][1].text) for k in idx})
    need = max(3, (n + 1) // 2) if n >= 3 else 2
    removed = 0
    for p, idx in zip(pages, bands, strict=True):
        drop = set()
        for k in idx:
            text = unicodedata.normalize("NFKC", p.items[k][1].text).strip()
            if _PAGE_NO.match(text) or (n >= 2 and counts[_norm_repeat(text)] >= need):
                drop.add(k)
        line_ks = [k for k, (kind, _) in enumerate(p.items) if kind == "line"]
        for k in line_ks[:1] + line_ks[-1:]:
            if _PAGE_NO_STRICT.match(unicodedata.normalize("NFKC", p.items[k][1].text).strip()):
                drop.add(k)
        if drop:
            p.items = [it for k, it in enumerate(p.items) if k not in drop]
            removed += len(drop)
    return removed


def _margins(lines: list[Line]) -> tuple[float, float]:
    """Typical left edge and right edge of body text lines."""
    if not lines:
        return 0.0, 0.0
    lefts = Counter(round(ln.x0 / 3) for ln in lines)
    left = lefts.most_common(1)[0][0] * 3
    long_rights = sorted(ln.x1 for ln in lines if len(ln.text) >= 8) or sorted(ln.x1 for ln in lines)
    right = long_rights[int(0.8 * (len(long_rights) - 1))]
    return left, right


def _lead_width(line: Line) -> float:
    """Width of the unbreakable run (digits, Latin, punctuation) that starts a line."""
    real = [c for c in line.chars if c[0] != SPACE]
    end = None
    for c in real:
        if not c[0].isascii() and not unicodedata.category(c[0]).startswith("P"):
            break
        end = c
    return (end[2] - real[0][1]) if end is not None else 0.0


def _breaks_before(a: Line, b: Line, margins: dict[int, tuple[float, float]]) -> bool:
    """True when line `b` starts a new paragraph after line `a`."""
    at, bt = a.text, b.text
    if _SENT_END.search(at) or _HEADING.match(bt):
        return True
    h = max(a.h, b.h)
    if abs(a.h - b.h) > 0.2 * h:
        return True
    _, right_a = margins.get(a.page, (a.x0, a.x1))
    left_b, _ = margins.get(b.page, (b.x0, b.x1))
    if a.x1 < right_a - 2.0 * a.h and right_a - a.x1 > _lead_width(b) + a.h:
        return True  # a short line ends a paragraph (unless b's first word could not fit)
    if b.x0 > left_b + 1.5 * b.h:
        return True  # an indented line starts one
    if _HEADING.match(at) and len(at) <= 30:
        return True
    return a.page == b.page and a.y - b.y > 2.2 * h  # a blank gap between the lines


def _title_from_page(page: PageData) -> str | None:
    lines = [it for kind, it in page.items if kind == "line"]
    if not lines:
        return None
    body_h = statistics.median(ln.h for ln in lines)
    top_h = max(ln.h for ln in lines)
    if top_h < 1.15 * body_h:
        return None
    title = ""
    started = False
    for ln in lines:
        if abs(ln.h - top_h) <= 0.05 * top_h:
            title = _join(title, ln.text)
            started = True
        elif started:
            break
    title = title.strip()
    return title if 4 <= len(title) <= 120 else None


def load_pdf(data: bytes, name: str, label: str) -> Document:
    """Load a PDF: text layer with paragraphs re-joined, tables, title/date metadata.

    PDFium is not thread-safe, so PDFs are read one at a time per process (use processes,
    not threads, to load PDFs in parallel).
    """
    with _PDFIUM_LOCK:
        return _load_pdf(data, name, label)


def _load_pdf(data: bytes, name: str, label: str) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise LoadError(label, "encrypted PDF") from None
        m = re.search(r"PDFium: ([^)]*)", msg)
        raise LoadError(label, f"not a readable PDF ({m[1] if m else msg})") from None
    plumber = _LazyPlumber(data)
    try:
        n = len(pdf)
        if n <= 0:
            raise LoadError(label, "not a readable PDF (no pages)")
        pages: list[PageData] = []
        bad_pages: list[int] = []
        n_super = 0
        for i in range(n):
            try:
                page, k = _read_page(pdf, i, plumber)
            except LoadError:
                raise
            except Exception as e:
                log.debug("page %d unreadable: %r", i + 1, e)
                bad_pages.append(i + 1)
                continue
            pages.append(page)
            n_super += k
        total_chars = sum(p.n_chars for p in pages)
        if total_chars == 0:
            if bad_pages and not pages:
                raise LoadError(label, "not a readable PDF (no page could be read)")
            raise LoadError(label, "no text layer; OCR is not supported")
        info: dict[str, str] = {}
        with contextlib.suppress(Exception):
            info = pdf.get_metadata_dict()
    finally:
        plumber.close()
        pdf.close()

    meta: dict[str, str] = {"pages": str(n)}
    first_lines = [it.text for kind, it in pages[0].items if kind == "line"][:40] if pages else []
    removed = _remove_running(pages)
    if removed:
        meta["running_lines_removed"] = str(removed)
    if n_super:
        meta["footnote_markers_removed"] = str(n_super)
    if bad_pages:
        meta["unreadable_pages"] = json.dumps(bad_pages)
    garbled = [p.index + 1 for p in pages if p.n_chars and p.n_garbled > 0.3 * p.n_chars]
    if garbled:
        meta["garbled_pages"] = json.dumps(garbled)
    empty = [p.index + 1 for p in pages if p.n_chars == 0]
    if empty:
        meta["pages_without_text"] = json.dumps(empty)

    all_lines = [it for p in pages for kind, it in p.items if kind == "line"]
    margins = {}
    doc_margin = _margins(all_lines)
    for p in pages:
        pl = [it for kind, it in p.items if kind == "line"]
        margins[p.index] = _margins(pl) if len(pl) >= 6 else doc_margin

    builder = TextBuilder()
    page_starts: list[int] = []
    para: list[Line] = []
    para_text = ""

    def flush() -> None:
        nonlocal para, para_text
        if para:
            builder.line(para_text)
        para, para_text = [], ""

    def next_block_start() -> int:
        return builder.pos + 1 if builder.pos else 0

    for p in pages:
        first = True
        for kind, item in p.items:
            if kind == "table":
                flush()
                if first:
                    page_starts.append(next_block_start())
                builder.table(item)
            elif para and not _breaks_before(para[-1], item, margins):
                joined = _join(para_text, item.text)
                if first:
                    page_starts.append(next_block_start() + len(joined) - len(item.text))
                para.append(item)
                para_text = joined
            else:
                flush()
                if first:
                    page_starts.append(next_block_start())
                para, para_text = [item], item.text
            first = False
        if first:
            page_starts.append(next_block_start() + len(para_text) if para else next_block_start())
    flush()
    text = builder.text()
    if not text.strip():
        raise LoadError(label, "no text layer; OCR is not supported")
    meta["page_starts"] = json.dumps([min(s, len(text)) for s in page_starts])

    title = _title_from_page(pages[0]) if pages else None
    pdf_title = (info.get("Title") or "").strip()
    if not title and pdf_title and len(pdf_title) >= 4 and not _JUNK_TITLE.search(pdf_title):
        title = pdf_title
    if title:
        meta["title"] = title
    add_labelled_meta(meta, first_lines, title=False)
    created = parse_date((info.get("CreationDate") or "").removeprefix("D:")[:8])
    if created:
        meta["created"] = created
        if "date" not in meta:
            meta["date"], meta["date_source"] = created, "pdf-metadata"
    return Document(name=name, text=text, format="pdf", encoding=None, meta=meta, tables=builder.tables)
