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
