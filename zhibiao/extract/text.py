"""Text: a document's text cut into paragraphs, sentences and clauses, as offset views.

Like spaCy's ``Doc``, the text is owned once; every span here is a pair of character
offsets into it, so that ``text[span.start:span.end]`` is always the span's text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

#: Sentence ends: Chinese and ASCII full stops, question/exclamation marks, semicolons,
#: bullet marks and line breaks (reports put one item per line).
_SENTENCE = re.compile(r"[^。！？!?；;\n◆★●■▲※]+[。！？!?；;]*")


@dataclass(frozen=True, slots=True)
class Span:
    """A span of the document text: ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the document (a paragraph in most Chinese reports)."""

    start: int
    end: int
    text: str


_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"[。；;！？!?]$")


def lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Every non-blank line of ``text[start:end]`` with its offsets, surrounding white space trimmed."""
    out = []
    for m in _LINE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        stripped = raw.strip(" \t\u3000\r\xa0")
        if not stripped:
            continue
        start = m.start() + raw.index(stripped)
        out.append(Line(start, start + len(stripped), stripped))
    return out


#: A line that ends a sentence or a heading's list item: what follows starts anew.
_HARD_END = re.compile(r"[。！？!?；;：:”’）)」】…]$")
#: A line that opens a new block: a numbered heading or item, a table, figure or note caption.
_BLOCK_START = re.compile(
    r"[一二三四五六七八九十]+、|第[一二三四五六七八九十\d]+[章节部条]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+[.、．]\D|[表图附注]|[◆★●■▲※·•\-—]"
)
#: A page number or footnote mark on its own line, or a numbered note ("5 注：…").
_MARKER_LINE = re.compile(r"\d{1,3}[^\S\n]*(?:\n|$)|\d{1,2}\s+注")
_CAPTION = re.compile(r"[表图]\s*\d")
#: Words parted by spaces, as in a table's header row ("福田 罗湖 盐田").
_SPACED_WORDS = re.compile(r"[\u4e00-\u9fff][^\S\n]+(?=[\u4e00-\u9fff])")
#: A footnote mark of one or two digits alone on its line, after a line ending in Chinese.
_FOOTNOTE_MARK = re.compile(r"(?<=[\u4e00-\u9fff])\n\d{1,2}\n(?=[^\n])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: The rest of a clause after a moved break, up to its punctuation (bounded: the span that maps
#: one place on stays short).
_CLAUSE_REST = re.compile(r"[^，,。；;：:、！？!?\n]{1,40}(?=[，,。；;：:、！？!?\n])")
#: Shortest line, in characters, counted when measuring the wrap width.
_MIN_WRAPPED = 12


def _display_width(line: str) -> int:
    """Columns a line takes in print: CJK characters count two (as UTF-8 bytes count about so)."""
    return (len(line.encode("utf-8")) + len(line)) // 2


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """A document's text as extraction reads it, and how its offsets map back to the document.

    ``moved`` holds view ranges ``[a, b)`` whose characters stand one place later in the
    document (a line break between two Chinese characters was moved behind them).
    """

    text: str
    moved: tuple[tuple[int, int], ...] = ()

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        """The document offsets of the view span ``[start, end)``."""
        if not self.moved:
            return start, end
        return start + self._shift(start), end + self._shift(end - 1)

    def _shift(self, pos: int) -> int:
        i = bisect_left(self.moved, (pos + 1,)) - 1
        return 1 if i >= 0 and self.moved[i][0] <= pos < self.moved[i][1] else 0


def unwrap(text: str, move: bool = True) -> Unwrapped:
    """The text with its soft line breaks made spaces, as one view of the same length.

    Text taken from a PDF (pdftotext, pypdf) often keeps the printed page's line breaks inside
    sentences, even inside a number and its unit ("其中男性 969.57\n万人"). Such text is
    recognised by its lines: many fill the page width (the 90th percentile of line widths) and
    end without a sentence end. In such text
    1. a footnote mark on its own line inside a sentence is blanked with its breaks;
    2. a break is soft when the line before it is full (at least 70% of that width), holds some
       Chinese and ends mid-sentence, and the line after it opens no heading, item, caption or
       note and is not a number going on from one;
    3. a soft break after a Chinese character, often inside a word ("性\n别比", "增\n长"), is
       moved (with `move`) to the end of its clause, before the punctuation, so the words read
       whole: ``Unwrapped.doc_span`` maps offsets back.
    Text whose paragraphs are one line each comes back as it is (the same string).
    """
    if not _soft_breaks(text):  # most text stops after this one pass over its lines
        return Unwrapped(text)
    # the breaks are found again once the marks are gone: a marked line and the next are one line
    marked = _blank(text, _footnote_marks(text))
    parts, moved, done = [], [], 0
    for nl in _soft_breaks(marked):
        run = _CLAUSE_REST.match(marked, nl + 1) if move and _CJK.match(marked, nl - 1) else None
        parts.append(marked[done:nl])
        if run:
            parts += (run.group(), " ")
            moved.append((nl, run.end() - 1))
            done = run.end()
        else:
            parts.append(" ")
            done = nl + 1
    return Unwrapped("".join(parts) + marked[done:], tuple(moved))


def _soft_breaks(text: str) -> list[int]:
    """Offsets of the soft line breaks, or none where too few lines read as cut by the page edge."""
    found = [m for m in _LINE.finditer(text) if len(m.group().strip()) >= _MIN_WRAPPED]
    if len(found) < 8:
        return []
    widths = sorted(_display_width(m.group().strip()) for m in found)
    full_width = 0.7 * widths[int(0.9 * (len(widths) - 1))]
    cut = [m.end() for m in found if _soft_after(m.group().strip(), full_width)]
    if len(cut) < 0.3 * len(found) or len(cut) < 5:
        return []
    return [nl for nl in cut if nl < len(text) and text[nl] == "\n" and _continues(text, nl + 1)]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span (sorted, not overlapping) replaced by as many spaces."""
    parts, done = [], 0
    for start, end in spans:
        parts += (text[done:start], " " * (end - start))
        done = end
    return "".join(parts) + text[done:] if parts else text


def _footnote_marks(text: str) -> list[tuple[int, int]]:
    """Spans of footnote marks that stand on their own line inside a sentence, breaks included.

    pypdf puts a superscript mark on a line of its own: "2021 年，深圳市常住人口\n1\n1761.48 万人".
    The line before must read as a sentence begun (a comma in it, Chinese at its end).
    """
    out = []
    for m in _FOOTNOTE_MARK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "，" in text[line_start:m.start()] and _continues(text, m.end(), after_number=False):
            out.append((m.start(), m.end()))
    return out


def _soft_after(line: str, full_width: float) -> bool:
    """Whether a line reads as cut by the page edge: full, with Chinese, ending mid-sentence."""
    return (_display_width(line) >= full_width and not _HARD_END.search(line)
            and "\t" not in line and not _CAPTION.match(line)  # a tab: a table row
            and len(_CJK.findall(line)) >= 4 and len(_SPACED_WORDS.findall(line)) < 2)


def _continues(text: str, pos: int, after_number: bool = True) -> bool:
    """Whether the line at `pos` goes on with the sentence before it (not a new block, nor a
    number after one when `after_number`)."""
    nxt = text[pos:pos + 8].lstrip(" \t\u3000")
    if not nxt or nxt[0] == "\n" or _BLOCK_START.match(nxt) or _MARKER_LINE.match(nxt):
        return False
    return not (after_number and nxt[0].isdigit() and text[pos - 2].isdigit())


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of ``text[start:end]`` as document spans, white space trimmed."""
    end = len(text) if end is None else end
    out = []
    for m in _SENTENCE.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s] in " \t\u3000\r\xa0":
            s += 1
        while e > s and text[e - 1] in " \t\u3000\r\xa0":
            e -= 1
        if e > s:
            out.append(Span(s, e))
    return out


def is_heading(line: str) -> bool:
    """Whether a line reads as a heading or headline: short and without a sentence end."""
    return len(line) <= 40 and not _SENTENCE_END.search(line) and not line.endswith("：")


#: breaks -> (the text, start and end of the region scanned, offsets of its breaks)
_BREAKS: dict[str, tuple[str, int, int, list[int]]] = {}
_BREAK_RES: dict[str, re.Pattern[str]] = {}


def _break_offsets(text: str, breaks: str, floor: int, pos: int) -> list[int]:
    """Sorted offsets of the characters of ``breaks`` in a region of ``text`` holding ``[floor, pos)``.

    The region is the line of ``floor`` (or more, up to ``pos``), scanned once and kept for the
    calls that follow: a document's clauses are looked up line by line.
    """
    hit = _BREAKS.get(breaks)
    if hit is not None and hit[0] is text and hit[1] <= floor and pos <= hit[2]:
        return hit[3]
    rx = _BREAK_RES.get(breaks)
    if rx is None:
        rx = _BREAK_RES[breaks] = re.compile("[" + re.escape(breaks) + "]")
    lo = text.rfind("\n", 0, floor) + 1
    hi = text.find("\n", floor)
    hi = max(len(text) if hi < 0 else hi + 1, pos)
    offsets = [m.start() for m in rx.finditer(text, lo, hi)]
    _BREAKS[breaks] = (text, lo, hi, offsets)
    return offsets


def clause_start(text: str, floor: int, pos: int, breaks: str, brackets: bool = False) -> int:
    """Start of the clause ending at ``pos``: just after the last of ``breaks`` in ``text[floor:pos]``.

    With ``brackets``, a closed bracketed aside ("（市级、袁州区）") belongs to the clause
    rather than ending it.

    The break offsets of the line are found once and bisected, so that the cost does not grow
    with the length of a clause (a long line without punctuation stays linear).
    """
    if floor < 0 or pos < 0:
        return _clause_start_scan(text, floor, pos, breaks, brackets)
    offsets = _break_offsets(text, breaks, floor, pos)
    while True:
        k = bisect_left(offsets, pos) - 1
        i = offsets[k] if k >= 0 and offsets[k] >= floor else -1
        if brackets and i >= 0 and text[i] in "）)":
            lo = max(floor, i - 20)  # an opening further back than 20 characters does not count
            opening = max(text.rfind("（", lo, i), text.rfind("(", lo, i))
            if opening >= 0:
                pos = opening
                continue
        return i + 1 if i >= 0 else floor


def _clause_start_scan(text: str, floor: int, pos: int, breaks: str, brackets: bool = False) -> int:
    """`clause_start` by scanning back (for negative offsets, which count from the end)."""
    while True:
        i = max(text.rfind(ch, floor, pos) for ch in breaks)
        if brackets and i >= 0 and text[i] in "）)":
            opening = max(text.rfind("（", floor, i), text.rfind("(", floor, i))
            if opening >= 0 and i - opening <= 20:
                pos = opening
                continue
        return i + 1 if i >= 0 else floor
