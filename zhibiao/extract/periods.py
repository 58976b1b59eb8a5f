"""Periods: dates of documents and time expressions resolved to the spec's period strings.

Period strings: ``2023``, ``2024H1``, ``2024Q1``, ``2020-01/2020-07`` (months), ``2016/2019``
(years) and ``unknown``. Relative words (去年, 今年, 上半年, 首季, 过去五年 …) are resolved
against a reference year; without one they stay ``unknown`` rather than being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate

UNKNOWN = "unknown"

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"

#: A time expression: an optional year (absolute or relative) and an optional part of it.
TIME = re.compile(
    # the lookahead keeps the scan from trying every character: an expression starts with one of these
    r"(?=(?:19|20)\d\d|去年|上年|上一年|前年|今年|本年|当年|明年|过去|全年|年内|上半年|下半年|前三季度"
    r"|[一二三四]季度|第[一二三四]季度|首季|前[两三四五]|头[两三四五]|[0-9一二三四五六七八九十]{1,2}\s*(?:[-—–~～至到]|月))(?:(?<![比较自从])(?P<year>(?:19|20)\d{2})\s*年(?!代|起)|(?P<rel>(?<![比较同于与])(?:去年|上年)|上一年|前年|今年|本年|当年|明年|过去一年|过去的一年|全年|年内))?"
    r"(?P<part>上半年|下半年|前三季度|[一二三四]季度|第[一二三四]季度|首季|(?:前|头)(?:两|三|四|五)个月"
    rf"|(?P<m1>{_M})\s*[-—–~～至到]\s*(?P<m2>{_M})\s*月(?:份)?(?:底|末)?|(?P<mend>{_M})月(?:底|末))?"
)
SPAN = re.compile(
    # the lookahead keeps the scan from trying every character: a span starts with one of these
    r"(?=[12过五近“\"十])(?:"
    r"(?P<y1>(?:19|20)\d{2})\s*(?:年)?\s*[-—–~～至到]\s*(?P<y2>(?:19|20)\d{2})\s*年"
    r"|(?P<five>过去五年|五年来|近五年)"
    r"|[“\"]?(?P<plan>十[一二三四五六七]五)[”\"]?(?:时期|期间|以来))"
)
_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_REL = {"去年": -1, "上年": -1, "上一年": -1, "前年": -2, "今年": 0, "本年": 0, "当年": 0, "明年": 1,
        "过去一年": -1, "过去的一年": -1}


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A resolved time expression: its document span and period string."""

    start: int
    end: int
    period: str
    explicit_year: bool


def _month(s: str) -> int:
    return int(s) if s.isdigit() else _CN_MONTH[s]


def _part(part: str, year: int, m: re.Match[str]) -> str:
    if part in ("上半年",):
        return f"{year}H1"
    if part == "下半年":
        return f"{year}H2"
    if part == "前三季度":
        return f"{year}-01/{year}-09"
    if part == "首季":
        return f"{year}Q1"
    if part.endswith("季度"):
        return f"{year}Q{'一二三四'.index(part[-3]) + 1}"
    if part[0] in "前头":
        n = "两三四五".index(part[1]) + 2
        return f"{year}-01/{year}-{n:02d}"
    if m.group("m1"):
        return f"{year}-{_month(m.group('m1')):02d}/{year}-{_month(m.group('m2')):02d}"
    if m.group("mend"):
        # the year to date: 截至12月底 is the year, 截至7月底 its first seven months
        month = _month(m.group("mend"))
        named = {3: f"{year}Q1", 6: f"{year}H1", 12: str(year)}  # as 首季, 上半年 and 全年 are written
        return named.get(month, f"{year}-01/{year}-{month:02d}")
    return str(year)


def time_refs(text: str, start: int, end: int, year: int | None, section_year: int | None = None) -> list[TimeRef]:
    """Every time expression in ``text[start:end]`` resolved to a period.

    ``year`` is the document's current year (今年); ``section_year`` the year a bare part
    such as 上半年 belongs to when no year is written (defaults to ``year``).
    """
    out: list[TimeRef] = []
    for m in SPAN.finditer(text, start, end):
        if m.group("y1"):
            period = f"{m.group('y1')}/{m.group('y2')}"
        elif m.group("five"):
            period = f"{year - 5}/{year - 1}" if year else UNKNOWN
        else:
            first = _PLANS.get(m.group("plan"))
            period = f"{first}/{first + 4}" if first else UNKNOWN
        out.append(TimeRef(m.start(), m.end(), period, bool(m.group("y1"))))
    spans = out[:]  # a time expression inside a span is part of it (TIME matches never overlap)
    last_year: int | None = None
    for m in TIME.finditer(text, start, end):
        m_start, m_end = m.span()
        if m_end == m_start or (spans and any(r.start <= m_start < r.end for r in spans)):
            continue
        written, rel, part = m.group("year", "rel", "part")
        if written:
            y: int | None = int(written)
        elif rel in ("全年", "年内", "当年", "本年"):
            y = last_year or section_year or year
        elif rel:
            y = year + _REL[rel] if year else None
        else:
            y = section_year if section_year else year
        if part is None and written is None and rel is None:
            continue
        if written and text[m_end:m_end + 1] == "度" and part is None:
            period = str(y)
        elif y is None:
            period = UNKNOWN
        else:
            period = _part(part, y, m) if part else str(y)
        last_year = y or last_year
        out.append(TimeRef(m_start, m_end, period, bool(written)))
    if spans:
        out.sort(key=lambda r: r.start)  # TIME matches come in text order, after the spans
    return out


_DATE_LABEL = re.compile(
    r"(?:发布日期|发文日期|发布时间|成文日期|日期|时间|date)\s*[:：]\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})",
    re.IGNORECASE,
)
_MEETING = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*在[^。]{2,60}?会议上")
#: A meeting line that names its month only ("2024年1月在…会议上").
_MEETING_MONTH = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月\s*在[^。]{2,60}?会议上")
_BRACKET_DATE = re.compile(r"^[（(]\s*(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*[）)]$", re.M)
#: The date an official document is signed with, on its own line near its end ("国务院\n2018年11月16日").
_SIGNED = re.compile(
    r"^[ \t\u3000]*(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日[ \t\u3000]*$", re.M)
#: Any date on its own line near the end ("2025-09-04"): a page's date, shown as the document's but
#: not used to date its facts (a list page repeats its crawl date under every article).
_DATE_LINE = re.compile(
    r"^[ \t\u3000]*(?P<y>(?:19|20)\d{2})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})\s*日?[ \t\u3000]*$",
    re.M)
_TAIL = 600
_HEADER_RFC = re.compile(r"^date:\s*(?P<raw>.+)$", re.M | re.IGNORECASE)
_ISO = re.compile(r"^(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")


def document_date(text: str, meta_date: str | None = None) -> tuple[int, int, int] | None:
    """The document's own date, from its text or metadata, as (year, month, day).

    Order: the meeting a report was delivered at ("2025年3月5日在…会议上"), a labelled
    date ("发布日期:", "发文日期", "date:"), a bracketed date line, the date an official document
    is signed with at its end, then ``meta_date``.
    """
    head = text[:3000]
    for pattern in (_MEETING, _DATE_LABEL, _BRACKET_DATE):
        m = pattern.search(head)
        if m:
            return int(m.group("y")), int(m.group("m")), int(m.group("d"))
    m = _HEADER_RFC.search(head)
    if m:
        parsed = parsedate(m.group("raw"))
        if parsed:
            return parsed[0], parsed[1], parsed[2]
        iso = _ISO.match(m.group("raw").strip())
        if iso:
            return int(iso.group("y")), int(iso.group("m")), int(iso.group("d"))
    signed = list(_SIGNED.finditer(text, max(0, len(text) - _TAIL)))
    if signed:
        m = signed[-1]
        return int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if meta_date:
        iso = _ISO.match(meta_date.strip())
        if iso:
            return int(iso.group("y")), int(iso.group("m")), int(iso.group("d"))
    return None


#: A cover's date in Chinese numerals ("二〇二二年十二月").
_CN_MONTH = re.compile(r"^[ \t\u3000]*(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>十[一二]?|[一二三四五六七八九])月"
                       r"[ \t\u3000]*$", re.M)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _cn_month(m: re.Match[str]) -> str:
    year = int("".join(str(_CN_DIGITS[c]) for c in m.group("y")))
    month = m.group("m")
    number = 10 + (_CN_DIGITS[month[1]] if len(month) > 1 else 0) if month.startswith("十") else _CN_DIGITS[month]
    return f"{year:04d}-{number:02d}"


def document_day(text: str, meta_date: str | None = None) -> str | None:
    """The document's own date as ``YYYY-MM-DD`` (see `document_date`, the date it is signed with
    included), else a date line near its end ("2025-09-04"), else ``YYYY-MM`` from a meeting line
    naming its month only ("2024年1月在…会议上") or a cover's date in Chinese numerals ("二〇二二年十二月")."""
    found = document_date(text, meta_date)
    if found:
        return f"{found[0]:04d}-{found[1]:02d}-{found[2]:02d}"
    dated = list(_DATE_LINE.finditer(text, max(0, len(text) - _TAIL)))
    if dated:
        last = dated[-1]
        return f"{int(last.group('y')):04d}-{int(last.group('m')):02d}-{int(last.group('d')):02d}"
    head = text[:3000]
    if m := _MEETING_MONTH.search(head):
        return f"{int(m.group('y')):04d}-{int(m.group('m')):02d}"
    if m := _CN_MONTH.search(head):
        return _cn_month(m)
    return None
