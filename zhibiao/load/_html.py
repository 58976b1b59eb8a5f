"""HTML loader: the page's main content as text with tables, plus page metadata.

The main content comes from the first of these steps that finds it (see `_main_content`):

1. the article container of a Chinese government CMS (``<ucapcontent>``, ``#UCAP-CONTENT``,
   ``.TRS_Editor``, ``#zoom`` …), rendered directly when it holds a real article (enough text,
   few links) — most government pages stop here, at a fraction of trafilatura's cost;
2. trafilatura (`bare_extraction`: tables on, comments off, its full cascade with the
   readability/justext comparison) on the tree parsed once here, metadata off;
3. on pages built from layout tables, the page region trafilatura's text came from, re-rendered
   in document order;
4. the page body with menus, headers and footers skipped, then the whole body.

We render the chosen tree ourselves so that tables come out one row per line with tab-separated
cells and exact cell offsets. Metadata come from the page: the Chinese government-site meta tags
(ArticleTitle, PubDate, ContentSource, SiteName), Open Graph / canonical links, labelled lines
("发布日期：", "来源："), then — field by field, only when those find nothing — trafilatura's own
(`_TrafilaturaMeta`). Attachment links (pdf/doc/docx/xls/xlsx/wps/ofd), which trafilatura drops,
go to meta['attachments'] as a JSON list.
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin

from zhibiao.load._model import Document, LoadError, TextBuilder, clean_cell
from zhibiao.load._text import decode_for_load, guess_title, labelled_date, labelled_meta, parse_date

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_SKIP = {"script", "style", "noscript", "template", "select", "option", "button", "input",
         "textarea", "iframe", "svg", "object", "embed", "canvas", "map", "title",
         "meta", "link", "graphic", "img"}
_CHROME = {"nav", "header", "footer", "aside", "form", "menu"}
_CHROME_CLASS = re.compile(r"(?:^|[\s_-])(?:nav|menu|footer|foot|header|breadcrumb|crumb|share|"
                           r"sidebar|copyright|banner|topbar|toolbar|related)(?:$|[\s_\d-])", re.I)
_BLOCK = {"p", "div", "head", "item", "list", "quote", "code", "section", "article", "main",
          "body", "doc", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "center", "address", "figure", "figcaption", "caption", "hr",
          "note", "fieldset", "legend", "details", "summary", "html", "font-block"}
_BREAK = {"lb", "br"}
_TABLE = {"table"}
_ROW = {"row", "tr"}
_CELL = {"cell", "td", "th"}
_BLOCKISH = _BLOCK | _ROW | _CELL  # a line ends before and after these

_BOILER_WORDS = (
    r"公网安备|网站标识码|版权所有|©|技术支持\s*[:：]|主办单位\s*[:：]|"
    r"承办单位\s*[:：]|您当前所在的?位置|您现在的位置|您的位置|当前位置\s*[:：]|分享到|扫一扫|"
    r"打印本页|关闭窗口|【\s*字体|字号\s*[:：]|【\s*打印\s*】|【\s*关闭\s*】|上一篇|下一篇|"
    r"浏览次数|访问量|阅读次数|网站地图|联系我们|无障碍|适老化")
_BOILER = re.compile(r"ICP备|ICP证|Copyright|" + _BOILER_WORDS, re.IGNORECASE)
#: `_BOILER` for text without "icp"/"copyr" in any letter case: without its Latin words, it needs no
#: IGNORECASE, and a pattern with IGNORECASE scans ten times slower.
_BOILER_NO_LATIN = re.compile(_BOILER_WORDS)
_NAV_SPLIT = re.compile(r"\s*[|｜»>/]\s*")
_RELATED = re.compile(r"^(?:相关(?:文章|新闻|链接|阅读|信息|文件|稿件|政策|解读|推荐)|延伸阅读|推荐阅读|"
                      r"热点推荐|热门文章|猜你喜欢)\s*[:：]?$")
_ATTACH = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|et)(?:$|[?#])", re.IGNORECASE)
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|tit|bt|biaoti|newst|headline|article[-_]?title|"
                          r"news[-_]?title|content[-_]?title|detail[-_]?title)(?:$|[\s_\d-])", re.I)
_SITE_SUFFIX = re.compile(r"^(.{6,}?)\s*[-–—_|｜]+\s*[^-–—_|｜]{2,25}?(?:人民政府|政府|门户网站|网站|"
                          r"新闻网|信息网|网|局|委员会|办公室|在线)$")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |——|--)\s*")

log = logging.getLogger(__name__)

Block = tuple[str, Any]  # ("line", str) | ("table", list[list[str]])


def sniff_charset(data: bytes) -> str | None:
    """The charset an HTML page declares (<meta charset>, http-equiv or XML declaration)."""
    head = data[:8192]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m[1].decode("ascii", "replace") if m else None


_TAG_NAMES: dict[str, str] = {}


def _tag(el: Any) -> str | None:
    """Lower-case local name of an element; None for comments, processing instructions, entities."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    name = _TAG_NAMES.get(tag)
    if name is None:
        name = (tag.rsplit("}", 1)[1] if "}" in tag else tag).lower()
        if len(_TAG_NAMES) < 4096:
            _TAG_NAMES[tag] = name
    return name


def _flatten(el: Any) -> str:
    """Text of an element on one line: blocks and breaks become spaces, inline text is joined."""
    parts: list[str] = []

    def walk(e: Any) -> None:
        tag = _tag(e)
        if tag is not None and tag not in _SKIP:
            sep = tag in _BLOCKISH or tag in _BREAK
            if sep:
                parts.append(" ")
            parts.append(e.text or "")
            for child in e:
                walk(child)
            if sep:
                parts.append(" ")
        parts.append(e.tail or "")

    parts.append(el.text or "")
    for child in el:
        walk(child)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _table_rows(table: Any) -> list[list[str]]:
    """Rows of a table element (trafilatura's row/cell or HTML tr/td), nested tables flattened."""
    return [[_flatten(c) for c in row if _tag(c) in _CELL] for row in _iter_rows(table)]


def _iter_rows(e: Any) -> Iterator[Any]:
    """The rows of a table element (through thead/tbody/tfoot, not into nested tables)."""
    for child in e:
        tag = _tag(child)
        if tag in _ROW:
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from _iter_rows(child)


def _is_data_table(table: Any) -> bool:
    """False for layout tables (one column, nested tables, cells holding several paragraphs)."""
    rows = list(_iter_rows(table))
    if not rows:
        return False
    widths = [sum(1 for c in r if _tag(c) in _CELL) for r in rows]
    if max(widths) < 2:
        return False
    for row in rows:
        for cell in row:
            if _tag(cell) not in _CELL:
                continue
            if any(_tag(d) in _TABLE for d in cell.iterdescendants()):
                return False
            paragraphs = [d for d in cell.iterdescendants() if _tag(d) in ("p", "div", "head", "list")
                          and len(_flatten(d)) >= 20]
            if len(paragraphs) >= 3:
                return False
    return True


class _Renderer:
    """Walks an element tree into blocks: lines of text and tables."""

    def __init__(self, skip_chrome: bool = False, tables_as_lines: bool = False,
                 max_lines: int | None = None) -> None:
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self.skip_chrome = skip_chrome
        self.tables_as_lines = tables_as_lines
        self.max_lines = max_lines  # stop (raise _Enough) once this many blocks are out

    def flush(self) -> None:
        """End the current block: its non-empty lines become line blocks."""
        text = "".join(self._buf)
        self._buf = []
        for piece in text.split("\n"):
            line = piece.replace("\xa0", " ").strip()
            if line:
                self.blocks.append(("line", line))
        if self.max_lines is not None and len(self.blocks) >= self.max_lines:
            raise _Enough

    def walk(self, el: Any) -> None:
        """Render `el` (and its tail text) into blocks."""
        tag = _tag(el)
        if tag is None or tag in _SKIP or (self.skip_chrome and (tag in _CHROME or _CHROME_CLASS.search(
                f"{el.get('class', '')} {el.get('id', '')}"))):
            pass
        elif tag in _TABLE and not self.tables_as_lines and _is_data_table(el):
            self.flush()
            rows = _table_rows(el)
            if any(any(c for c in r) for r in rows):
                self.blocks.append(("table", rows))
        elif tag in _TABLE:  # a layout table: its cells are ordinary blocks
            self.flush()
            self._buf.append(el.text or "")
            for child in el:
                self.walk(child)
            self.flush()
        elif tag in _BREAK:
            self._buf.append("\n")
        else:
            block = tag in _BLOCKISH
            if block:
                self.flush()
            self._buf.append(el.text or "")
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        self._buf.append(el.tail or "")

    def render(self, root: Any) -> list[Block]:
        """Blocks for everything inside `root` (only the first `max_lines` when that is set)."""
        try:
            self._buf.append(root.text or "")
            for child in root:
                self.walk(child)
            self.flush()
        except _Enough:
            del self.blocks[self.max_lines:]
        return self.blocks


class _Enough(Exception):
    """Stops a `_Renderer` that has rendered all the lines it was asked for."""


def _norm(s: str) -> str:
    return re.sub(r"[\s\u3000·•　]+", "", s)


def _is_nav(line: str) -> bool:
    """A menu bar or breadcrumb: "首页 | 机构 | 政务公开 …", "首页 > 政务公开 > …"."""
    if len(line) > 100:
        return False
    if line.startswith(("首页", "当前位置", "位置")):
        return True
    if line.count("|") + line.count("｜") + line.count(">") < 3:
        return False
    parts = [p for p in _NAV_SPLIT.split(line) if p]
    return len(parts) >= 4 and all(len(p) <= 8 for p in parts)


def _boiler_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines under 150 characters that `_BOILER` matches, in one regex scan.

    The lines are joined with NUL, which no part of `_BOILER` matches, so no match spans two
    lines (lines holding a NUL are tested one by one).
    """
    short = [(i, line) for i, line in enumerate(lines) if len(line) < 150]
    if any("\0" in line for _, line in short):
        return {i for i, line in short if _BOILER.search(line)}
    starts, pos = [], 0
    for _, line in short:
        starts.append(pos)
        pos += len(line) + 1
    joined = "\0".join(line for _, line in short)
    lower = joined.encode("utf-8", "surrogatepass").lower()
    boiler = _BOILER if b"icp" in lower or b"copyr" in lower else _BOILER_NO_LATIN
    return {short[bisect.bisect_right(starts, m.start()) - 1][0] for m in boiler.finditer(joined)}


def _clean_blocks(blocks: list[Block]) -> list[Block]:
    """Drop boilerplate lines (ICP/备案, breadcrumbs, share bars) and trailing related lists."""
    out: list[Block] = []
    skipping_related = False
    boiler = _boiler_lines([v for k, v in blocks if k == "line"])
    n = -1
    for kind, value in blocks:
        if kind == "line":
            line: str = value
            n += 1
            if _RELATED.match(line):
                skipping_related = True
                continue
            if skipping_related and len(line) < 60:
                continue
            skipping_related = False
            if n in boiler or _is_nav(line):
                continue
        else:
            skipping_related = False
        out.append((kind, value))
    return out


def _anchor(line: str) -> str:
    """A distinctive whitespace-free piece of a line, to find it again in the page."""
    runs = re.findall(r"[^\s\u3000]+", line)
    return max(runs, key=len)[:24] if runs else ""


def _source_region(tree: Any, blocks: list[Block]) -> list[Block] | None:
    """Blocks rendered from the smallest page element holding trafilatura's first and last lines.

    Returns None unless that rendering keeps ≥ 90% of trafilatura's lines and is not much longer.
    """
    from lxml import etree

    lines = [v for k, v in blocks if k == "line" and len(_anchor(v)) >= 6]
    root = tree.find("body")
    if len(lines) < 2 or root is None:
        return None
    finder = etree.XPath("descendant-or-self::*[contains(., $k)]")

    def deepest(line: str) -> Any:
        try:
            hits = finder(root, k=_anchor(line))
        except Exception:
            return None
        return hits[-1] if hits else None

    first, last = deepest(lines[0]), deepest(lines[-1])
    if first is None or last is None:
        return None
    above = [first, *first.iterancestors()]  # keep the proxies alive: lxml reuses them by node
    lca = next((a for a in (last, *last.iterancestors()) if any(a is b for b in above)), None)
    if lca is None:
        return None
    ours = _clean_blocks(_Renderer(skip_chrome=True).render(lca))
    ours_text = _norm("".join(v if k == "line" else "".join("".join(r) for r in v) for k, v in ours))
    theirs = [_norm(v) for k, v in blocks if k == "line"]
    kept = sum(1 for t in theirs if t in ours_text) / max(len(theirs), 1)
    theirs_len = sum(len(t) for t in theirs)
    if kept >= 0.9 and len(ours_text) <= 3 * theirs_len + 500:
        return ours
    return None


def _meta_content(tree: Any, *names: str) -> str | None:
    for name in names:
        low = name.lower()
        for el in tree.iter("meta"):
            key = (el.get("name") or el.get("property") or el.get("itemprop") or "").lower()
            if key == low:
                value = (el.get("content") or "").strip()
                if value:
                    return value
    return None


def _clean_title(title: str) -> str:
    """A page title without the site name ("报告_某某市人民政府门户网站" → "报告")."""
    title = re.sub(r"\s+", " ", title).strip()
    parts = [p for p in _TITLE_SPLIT.split(title) if p.strip()]
    if len(parts) > 1:
        title = max(parts[:-1], key=len) if len(parts) > 2 else parts[0]
    if m := _SITE_SUFFIX.match(title):
        title = m[1]
    return title.strip()[:300]


def _structural_title(tree: Any) -> str | None:
    """The text of the page's <h1>, or of an element whose class/id says it is the title."""
    for el in tree.iter("h1"):
        text = _flatten(el)
        if 4 <= len(text) <= 200:
            return text
    for el in tree.iter("div", "h2", "h3", "p", "td", "span", "strong"):
        if el.get("class") or el.get("id"):
            key = f"{el.get('class', '')} {el.get('id', '')}"
            if key.strip() and _TITLE_CLASS.search(key):
                text = _flatten(el)
                if 6 <= len(text) <= 200 and not _BOILER.search(text):
                    return text
    return None


def _page_title(tree: Any, traf_title: Callable[[], str | None]) -> str | None:
    """Title: government-site/Open Graph meta tags, else <h1>/title-like element, else <title>
    (trafilatura's, asked for only when the meta tags give none, else the <title> element)."""
    meta_title = _meta_content(tree, "ArticleTitle", "og:title", "title", "dc.title")
    if meta_title and len(_norm(meta_title)) >= 4:
        return _clean_title(meta_title)
    structural = _structural_title(tree)
    page_title = traf_title()
    if not page_title:
        for el in tree.iter("title"):
            page_title = _flatten(el) or (el.text or "")
            break
    page_title = _clean_title(page_title) if page_title else None
    if page_title and len(_norm(page_title)) >= 4:
        if structural and _norm(structural) in _norm(page_title):
            return structural  # "<title>报告-某县人民政府</title>" with <td class="bt">报告</td>
        return page_title
    return structural


def _attachments(tree: Any, base: str | None) -> list[dict[str, str]]:
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        text = _flatten(a)
        if not href or href.lower().startswith(("javascript:", "mailto:")):
            continue
        if not (_ATTACH.search(href) or _ATTACH.search(text + "#")):
            continue
        url = urljoin(base, href) if base else href
        if url in seen:
            continue
        seen.add(url)
        out.append({"title": text or href.rsplit("/", 1)[-1], "url": url})
    return out


def _parse(html: str) -> Any:
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except Exception:  # lxml refuses some inputs (empty, odd) outright
        stripped = re.sub(r"<[^>]*>", " ", html)
        return lxml.html.document_fromstring(f"<html><body>{stripped}</body></html>")


def _parse_once(html: str) -> tuple[Any, Any | None]:
    """(our page tree, the tree trafilatura builds from `html` or None when it refuses the page).

    One parse serves both (trafilatura's parser drops comments and processing instructions, which
    our rendering skips anyway); only pages trafilatura refuses or whose <body> it renamed get a
    second, plain lxml parse for our own use.
    """
    import trafilatura

    try:
        traf_tree = trafilatura.load_html(html)
    except Exception as e:  # refused input: trafilatura's own extraction would have failed too
        log.debug("trafilatura could not parse the page: %r", e)
        traf_tree = None
    if traf_tree is not None:
        # for a fragment trafilatura returns the element it stands for; the document is around it
        root = traf_tree.getroottree().getroot()
        if _tag(root) == "html" and root.find("body") is not None:
            return root, traf_tree
    return _parse(html), traf_tree


#: Article containers of Chinese government CMSs (UCAP, TRS WCM, gov.cn …), innermost first,
#: each with a string the page source must hold for it to match (a cheap test before the XPath;
#: none for the tag, whose name may come in any case).
_CONTAINERS = (
    ("", "//ucapcontent"),
    ("UCAP-CONTENT", "//*[@id='UCAP-CONTENT']"),
    ("TRS_", "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')"
             " or contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]"),
    ("oom", "//*[@id='zoom' or @id='Zoom' or @id='zoomcon' or @id='fontzoom']"),
    ("content-fontsize", "//*[@id='content-fontsize']"),
)
_MIN_CONTAINER_CHARS = 100
_MAX_CONTAINER_LINK_SHARE = 0.3


@functools.cache
def _xpath(expr: str) -> Any:
    from lxml import etree

    return etree.XPath(expr)


def _visible_chars(text: str) -> int:
    return sum(map(len, text.split()))


def _container_blocks(tree: Any, html: str) -> list[Block] | None:
    """Step 1: blocks of the page's CMS article container, or None when there is no usable one.

    The first selector of `_CONTAINERS` that matches wins (its longest match when it matches
    several); the container must hold `_MIN_CONTAINER_CHARS` of text, at most
    `_MAX_CONTAINER_LINK_SHARE` of it in links (a list page is not an article). Boilerplate lines
    are dropped as everywhere else.
    """
    for hint, expr in _CONTAINERS:
        if hint not in html:
            continue
        hits = [el for el in _xpath(expr)(tree) if _tag(el) not in _SKIP]
        if not hits:
            continue
        box = max(hits, key=lambda el: len(el.text_content())) if len(hits) > 1 else hits[0]
        chars = _visible_chars(box.text_content())
        links = sum(_visible_chars(a.text_content()) for a in box.iter("a"))
        if chars < _MIN_CONTAINER_CHARS or links > _MAX_CONTAINER_LINK_SHARE * chars:
            return None
        blocks = _clean_blocks(_Renderer().render(box))
        kept = sum(len(v) if k == "line" else sum(len(c) for r in v for c in r) for k, v in blocks)
        return blocks if kept >= _MIN_CONTAINER_CHARS else None
    return None


def _trafilatura(traf_tree: Any) -> Any | None:
    """trafilatura's main-content tree for the page trafilatura parsed; None when it finds nothing."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            traf_tree, include_tables=True, include_comments=False, with_metadata=False,
            include_images=False, include_links=False, deduplicate=False,
        )
    except Exception as e:  # malformed input can trip the extractor; fall back to lxml
        log.debug("trafilatura failed: %r", e)
        return None
    return getattr(doc, "body", None) if doc is not None else None


def _main_content(tree: Any, traf_tree: Any | None, html: str) -> tuple[list[Block], str, bool]:
    """(blocks, extraction method, whether trafilatura's metadata may be used) — the cascade of
    the module docstring: CMS container, trafilatura, layout-table region, page body."""
    blocks = _container_blocks(tree, html)
    if blocks:
        return blocks, "container", True
    body = _trafilatura(traf_tree) if traf_tree is not None else None
    blocks = []
    extraction = "trafilatura"
    if body is not None:
        blocks = _clean_blocks(_Renderer().render(body))
        if blocks and any(not _is_data_table(t) for t in body.iter("table")):
            # trafilatura keeps old-style layout tables and pulls nested tables out of order;
            # re-render the page region its text came from, in document order.
            region = _source_region(tree, blocks)
            if region is not None:
                blocks, extraction = region, "trafilatura+layout"
    if not blocks:
        extraction = "lxml-fallback"
        root = tree.find("body")
        root = root if root is not None else tree
        blocks = _clean_blocks(_Renderer(skip_chrome=True).render(root))
        if not blocks:
            blocks = _clean_blocks(_Renderer().render(root))
    return blocks, extraction, body is not None


class _TrafilaturaMeta:
    """trafilatura's page metadata (title, date, author, sitename, url), each field worked out the
    first time it is asked for, following `trafilatura.metadata.extract_metadata`.

    These are last resorts behind the page's own meta tags and labelled lines, and the whole
    `extract_metadata` pass costs more than extracting the facts of the page (its author search
    deep-copies the page and runs regex XPaths over it), so only the fields needed are computed,
    and the author search only on pages whose markup names an author/byline at all.
    """

    #: Every author XPath of trafilatura (2.x `xpaths.AUTHOR_XPATHS`) needs one of these, in any letter
    #: case, in a tag name or attribute value of the page.
    _AUTHOR_HINTS = (b"author", b"byl", b"bbl", b"username", b"zuozhe", b"bianji", b"xiaobian", b"channel-name",
                     b"submitted-by", b"posted-by", b"journalist-name", b"screenname", b"writer", b"<rel")
    _DATE_PARAMS: ClassVar[dict[str, Any]] = {"extensive_search": False, "original_date": True}

    def __init__(self, tree: Any | None, html: str) -> None:
        self._tree = tree
        self._html = html
        self._raw: dict[str, str | None] = {}
        self._base_doc: Any = None

    def get(self, key: str) -> str | None:
        """The field `key`, cleaned as trafilatura cleans it; None when absent."""
        if self._tree is None:
            return None
        if key not in self._raw:
            try:
                self._raw[key] = getattr(self, f"_{key}")()
            except Exception as e:  # metadata heuristics must never break loading
                log.debug("trafilatura metadata %s failed: %r", key, e)
                self._raw[key] = None
        value = self._raw[key]
        if not isinstance(value, str):
            return None
        from html import unescape

        from trafilatura.utils import line_processing

        return line_processing(unescape(value if len(value) <= 10000 else value[:9999] + "…"))

    def _base(self) -> Any:
        """Meta tags and JSON-LD, which every field consults first."""
        if self._base_doc is None:
            from trafilatura.metadata import examine_meta, extract_meta_json

            doc = examine_meta(self._tree)
            if doc.author and " " not in doc.author:
                doc.author = None
            try:
                doc = extract_meta_json(self._tree, doc)
            except Exception as e:
                log.debug("trafilatura JSON-LD failed: %r", e)
            self._base_doc = doc
        return self._base_doc

    def _title(self) -> str | None:
        from trafilatura.metadata import extract_title

        return self._base().title or extract_title(self._tree)

    def _author(self) -> str | None:
        from trafilatura.metadata import extract_author

        if self._base().author:
            return self._base().author
        # substring tests on the ASCII-lower-cased page: a regex over the raw page costs as much as the search
        page = self._html.encode("utf-8", "surrogatepass").lower()
        return extract_author(self._tree) if any(h in page for h in self._AUTHOR_HINTS) else None

    def _url(self) -> str | None:
        from trafilatura.metadata import extract_url

        if "url" not in self._raw:
            self._raw["url"] = self._base().url or extract_url(self._tree)
        return self._raw["url"]

    def _date(self) -> str | None:
        from htmldate import find_date

        return find_date(self._tree, **self._DATE_PARAMS, url=self._url())

    def _sitename(self) -> str | None:
        from trafilatura.metadata import META_URL, extract_sitename

        site = self._base().sitename or extract_sitename(self._tree)
        if site:
            site = site.lstrip("@")
            if site and "." not in site and not site[0].isupper():
                site = site.title()
            return site
        url = self._url()
        return m[1] if url and (m := META_URL.match(url)) else None


class _NoMeta:
    """Stands in for `_TrafilaturaMeta` where trafilatura found no content (nor metadata)."""

    def get(self, key: str) -> None:
        return None


def _page_lines(page_root: Any, title: str | None) -> tuple[list[str], list[str]]:
    """(the first 120 lines of the page, the lines near its title) — tables as lines.

    "Near the title" is the line holding the title and the 14 after it, else the first 120 lines.
    Rendering stops as soon as both are known.
    """
    tn = _norm(title) if title else ""
    limit = 120
    while True:
        lines = [v for k, v in _Renderer(tables_as_lines=True, max_lines=limit).render(page_root) if k == "line"]
        if not tn:
            return lines, lines
        found = next((i for i, line in enumerate(lines) if tn in _norm(line)), None)
        if found is not None and found + 15 <= len(lines):
            return lines[:120], lines[found: found + 15]
        if len(lines) < limit:  # the whole page
            return lines[:120], lines[found: found + 15] if found is not None else lines[:120]
        limit *= 4


def load_html(data: bytes, name: str, label: str, encoding: str | None) -> Document:
    """Load an HTML page: main content as text, tables with offsets, page metadata."""
    dec = decode_for_load(data, label, sniff_charset(data), encoding)
    html = _BAD_XML_CHARS.sub(" ", _XML_DECL.sub("", dec.text, count=1))
    if not html.strip():
        raise LoadError(label, "empty file (only whitespace)")
    tree, traf_tree = _parse_once(html)
    blocks, extraction, with_traf_meta = _main_content(tree, traf_tree, html)
    if not blocks:
        raise LoadError(label, "no main content")
    tmeta = _TrafilaturaMeta(traf_tree, html) if with_traf_meta else _NoMeta()

    meta: dict[str, str] = {"encoding_method": dec.method, "extraction": extraction}
    if dec.replaced:
        meta["decode_errors"] = str(dec.replaced)
    title = _page_title(tree, lambda: tmeta.get("title"))
    if title:
        meta["title"] = title

    page_root = tree.find("body")
    page_root = page_root if page_root is not None else tree
    first_lines, near = _page_lines(page_root, title)
    labelled = labelled_meta(near)
    date_sources: tuple[tuple[Callable[[], str | None], str], ...] = (
        (lambda: labelled.get("date"), "page-label"),
        (lambda: _meta_content(tree, "PubDate", "pubdate", "publishdate", "publish_date", "article:published_time",
                               "og:release_date", "dc.date", "dc.date.issued", "date", "firstpublishedtime",
                               "publishtime"), "html-meta"),
        (lambda: labelled_date(first_lines) if near != first_lines else None, "page-label"),
        (lambda: tmeta.get("date"), "trafilatura"),
    )
    for source_of, source in date_sources:
        if (cand := source_of()) and (date := parse_date(cand)):
            meta["date"], meta["date_source"] = date, source
            break
    publisher = (_meta_content(tree, "ContentSource") or labelled.get("publisher") or tmeta.get("author")
                 or _meta_content(tree, "SiteName") or tmeta.get("sitename"))
    if publisher:
        meta["publisher"] = publisher.strip()
    site = _meta_content(tree, "SiteName", "og:site_name") or tmeta.get("sitename")
    if site:
        meta["site"] = site.strip()
    url = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            url = link.get("href").strip()
            break
    url = url or _meta_content(tree, "og:url", "Url", "url") or tmeta.get("url")
    if url:
        meta["url"] = url
    attachments = _attachments(tree, url if url and url.startswith("http") else None)
    if attachments:
        meta["attachments"] = json.dumps(attachments, ensure_ascii=False)

    if not title:
        title = guess_title([v for k, v in blocks[:3] if k == "line"])
        if title:
            meta["title"], meta["title_source"] = title, "first-lines"
    if title and len(_norm(title)) >= 4:
        head = "".join(_norm(v) for k, v in blocks[:3] if k == "line")
        if not head.startswith(_norm(title)):
            blocks.insert(0, ("line", title))
            meta["title_inserted"] = "true"

    builder = TextBuilder()
    for kind, value in blocks:
        if kind == "line":
            builder.line(value)
        else:
            builder.table([[clean_cell(c) for c in row] for row in value])
    text = builder.text()
    if not text.strip():
        raise LoadError(label, "no main content")
    return Document(name=name, text=text, format="html", encoding=dec.encoding, meta=meta,
                    tables=builder.tables)
