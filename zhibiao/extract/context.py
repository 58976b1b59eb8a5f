"""Document context: articles, their places and dates, and review/plan sections.

A file may hold several articles (a newspaper page, a news digest); each gets its own place
and date. Inside an article, headings split review parts (actual results of a past period)
from plan parts (targets for the coming period). `facts` reads these to give every fact its
region, period and kind.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from zhibiao.extract.numbers import parse_number
from zhibiao.extract.periods import UNKNOWN, document_date, document_day, time_refs
from zhibiao.extract.places import COUNTRY_CODE, Place, gazetteer
from zhibiao.extract.text import Line, is_heading, lines

#: A news dateline or byline opening an article's body.
_DATELINE = re.compile(r"^(?:■|◆)?(?:\S{0,8}(?:报讯|电讯|网讯)|记者|文[/／、]图|本报|通讯员|据\S{1,10}报道)")
_SEPARATOR = re.compile(r"^[-—=*_·•]{1,}$")
_SELF = {"county": re.compile(r"我区|全区|本区|我县|全县|我旗|全旗"),
         "prefecture": re.compile(r"我市|全市|本市|我州|全州|我盟|全盟"),
         "province": re.compile(r"我省|全省|本省|全自治区")}
_REVIEW = re.compile(
    r"执行情况|工作回顾|回顾|过去一年|过去的一年|过去五年|取得.{0,6}(?:进展|成绩|成效)|成绩|成就|完成情况"
)
_PLAN = re.compile(r"计划|安排|预期目标|主要目标|工作任务|总体要求|今年|明年|下一步|今后|重点工作|要这样做|将|展望")
_HEADING_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]+[）)])"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s?年")  # "2021 年" as PDF text spaces it
#: Reports of a finished year's statistics: 统计公报, and statistical reports such as 社会性别统计报告.
_COMMUNIQUE = re.compile(r"统计公报|统计(?:监测)?报告")
#: The title of a policy document ("国务院办公厅关于…的指导意见"): its provisions are rules in force.
POLICY_DOCUMENT = re.compile(r"关于.{2,80}(?:意见|通知|办法|措施|细则|规定|决定)$")
_PART_OF_YEAR = re.compile(r"上半年|前三季度|[一二三四]季度|首季|\d{1,2}\s*[-—至]\s*\d{1,2}月")
_OPEN_ENDED = re.compile(r"今后|下一步|未来|下阶段|长远")
_OPENER = re.compile(r"^(?:报告(?:显示|指出|提出|强调|明确)[，,:：])?(?:(?P<past>过去一年|过去的一年|去年)|今年)[，,]")
_OPENER_TARGET = re.compile(r"要|力争|确保|将|计划|目标|预期")
#: A sentence opening a review of several years ("过去五年，", "这五年，", "“十四五”时期我省…").
_SPAN_OPENER = re.compile(
    r"^(?:各位代表[！!，,]?)?(?:回望|回顾|纵观)?(?:过去的?五年|这五年|五年来|近五年|"
    r"[“\"]?十[一二三四五]五[”\"]?(?:时期|期间|以来))"
)
#: A sentence opening a review of one year ("刚刚过去的2025年很不平凡", "一年来", "2025年是…").
_YEAR_OPENER = re.compile(
    r"^(?:各位代表[！!，,]?)?(?:刚刚过去的|过去的|回顾)?(?:(?P<year>(?:19|20)\d{2})年(?=是|在|，|,|极|很|我|全)"
    r"|过去一年|过去的一年|一年来|这一年)"
)


@dataclass
class Section:
    """A part of an article: review (actual) or plan (target), with its year when known."""

    start: int
    end: int
    kind: str  # 'actual' | 'target'
    year: int | None
    period: str | None = None  # when the heading names a part of the year: "上半年…执行情况" → 2022H1


@dataclass
class Article:
    """One article of a document with the context its facts inherit."""

    start: int
    end: int
    title: str
    place: Place | None
    year: int | None  # the article's current year (今年)
    genre: str  # 'communique' | 'report' | 'news'
    date: tuple[int, int, int] | None = None  # the article's date (its dateline, else the document's)
    sections: list[Section] = field(default_factory=list)
    #: where the event a news article reports took place ("研讨活动在广州举行"), when its lead says
    venue: Place | None = None
    #: whether ``year`` is only the year an undated news article tells its events in (`_year_reported`)
    set_in: bool = False
    #: every place name in the article: (start, end, surface) in document offsets
    place_names: list[tuple[int, int, str]] = field(default_factory=list)

    _starts: list[int] = field(default_factory=list, repr=False)

    def section_at(self, pos: int) -> Section | None:
        """The review/plan section holding ``pos``, if any (sections are in text order)."""
        if len(self._starts) != len(self.sections):
            self._starts = [s.start for s in self.sections]
        i = bisect_right(self._starts, pos)
        return self.sections[i - 1] if i else None


def _article_starts(all_lines: list[Line]) -> list[int]:
    """Line indexes where a new article begins: a headline followed by a dateline, or a separator."""
    starts = []
    for i, line in enumerate(all_lines):
        if _SEPARATOR.match(line.text) and i + 1 < len(all_lines):
            starts.append(i + 1)
            continue
        if not is_heading(line.text) or _HEADING_MARK.match(line.text):
            continue
        following = [x.text for x in all_lines[i + 1:i + 3]]
        if any(_DATELINE.match(t) for t in following) and (not starts or starts[-1] < i - 1):
            # the headline may have a subtitle line above it
            j = i - 1 if i > 0 and is_heading(all_lines[i - 1].text) and (not starts or starts[-1] < i - 1) else i
            starts.append(j)
    return starts


#: The last text scanned for place names and what was found: ingest asks for the articles and
#: then for `document_info` of the same text (one scan, not two).
_LAST_SCAN: list[tuple[str, list[tuple[int, int, str]]]] = []


def _mentions(text: str) -> list[tuple[int, int, str]]:
    last = _LAST_SCAN[0] if _LAST_SCAN else None
    if last is not None and last[0] is text:
        return last[1]
    found = gazetteer().mentions(text)
    _LAST_SCAN[:] = [(text, found)]
    return found


def split_articles(text: str, meta: dict[str, str] | None = None) -> list[Article]:
    """The articles of a document with their places, dates, genres and sections."""
    meta = meta or {}
    all_lines = lines(text)
    if not all_lines:
        return []
    starts = _article_starts(all_lines)
    if len(starts) < 2:
        starts = [0]
    elif starts[0] != 0:
        starts = [0, *starts]
    doc_date = document_date(text, meta.get("date"))
    title = _title(all_lines, meta.get("title"))
    doc_year = doc_date[0] if doc_date else _current_year(text, 0, len(text), title, None)
    named = _mentions(text)  # every place name, scanned once for the whole document
    doc_place = place_of(text, 0, len(text), None, meta.get("place"), named)
    if not meta.get("place") and _is_national(title, text):
        doc_place = gazetteer().by_code(COUNTRY_CODE)  # "国务院关于…的若干意见": the whole country's
    articles = []
    for k, first in enumerate(starts):
        last = starts[k + 1] - 1 if k + 1 < len(starts) else len(all_lines) - 1
        a_start, a_end = all_lines[first].start, all_lines[last].end
        if k == 0 and len(starts) > 1 and a_start > 0:
            a_start = 0
        title = _title(all_lines[first:last + 1], meta.get("title") if k == 0 else None)
        if len(starts) > 1:
            place = place_of(text, a_start, a_end, doc_place, None, named) or doc_place
            date = document_date(text[a_start:a_end])
        else:
            place, date = doc_place, doc_date
        year = _current_year(text, a_start, a_end, title, date) or doc_year
        genre = "communique" if _COMMUNIQUE.search(title) else (
            "report" if _is_report(text, a_start, a_end) else "news")
        venue, set_in = None, False
        if year is None and genre == "news":
            year = _year_reported(text[a_start:a_end])
            set_in = year is not None
        if genre == "news" and not meta.get("place"):
            lead = _lead(all_lines[first:last + 1])
            venue = _venue(lead, place, named)
            place = _lead_place(lead, place, named)
        art = Article(a_start, a_end, title, place, year, genre, date or doc_date, venue=venue, set_in=set_in)
        art.place_names = [m for m in named if a_start <= m[0] < a_end]
        art.sections = _sections(all_lines[first:last + 1], art)
        if art.genre == "news" and not art.sections and not set_in:
            art.sections = _reported_period(all_lines[first:last + 1], art)
        articles.append(art)
    return articles


#: Titles of reports delivered in the year they name last: work reports and plan reports.
_REPORT_TITLE = re.compile(r"政府工作报告|计划草案|计划的报告|计划执行情况")
#: A line that reads as a document's title: what government documents call themselves.
_TITLE_WORDS = re.compile(r"(?:报告|公报|计划|规划|通知|意见|办法|方案|决定|纲要)$")


_REVIEWED_YEAR = re.compile(r"回顾((?:19|20)\d{2})年(?:和|及|以来|工作|的)")


def _is_title(line: str) -> bool:
    """Whether a line names a document ("2026年河南省政府工作报告"), rather than being a sentence."""
    return 6 <= len(line) <= 80 and _TITLE_WORDS.search(line.rstrip("》")) is not None


def _title(article_lines: list[Line], meta_title: str | None) -> str:
    if meta_title:
        return meta_title
    for line in article_lines[:20]:
        # past a site's toolbar ("下载 打印 全屏 收藏 …") to the line that names the document
        if _is_title(line.text):
            return line.text
    for line in article_lines[:6]:
        if len(line.text) >= 6 and not _SEPARATOR.match(line.text) and "位置" not in line.text:
            return line.text
    return article_lines[0].text if article_lines else ""


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself: its title, date (``YYYY-MM-DD`` or ``YYYY-MM``) and place."""

    title: str | None
    date: str | None
    place: Place | None


#: Spaces a typesetter put between the characters of a title ("政 府 工 作 报 告").
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")


def document_info(text: str, meta: dict[str, str] | None = None) -> DocumentInfo:
    """The document's title, date and place as its frame reads them (the first article's title;
    the meeting line, a labelled date or the metadata's date; the place the whole text is about)."""
    meta = meta or {}
    all_lines = lines(text)
    title = _tidy_title(meta["title"]) if meta.get("title") else _document_title(all_lines)
    if not meta.get("place") and _is_national(title or "", text):
        place = gazetteer().by_code(COUNTRY_CODE)  # the State Council's documents are about the whole country
    else:
        place = place_of(text, 0, len(text), None, meta.get("place"), _mentions(text))
    return DocumentInfo(title or None, document_day(text, meta.get("date")), place)


#: Titles and document numbers of the central government (国务院关于…, 国发〔2018〕39号).
_NATIONAL = re.compile(r"^(?:国务院|中共中央|中华人民共和国国务院|国家发展改革委|国家发展和改革委员会)")
_NATIONAL_NUMBER = re.compile(r"国(?:办)?发\s*[〔\[（(]\d{4}[〕\]）)]\s*\d+\s*号")


def _is_national(title: str, text: str) -> bool:
    """Whether a document is the central government's, about the whole country: its title or its
    document number says so."""
    return _NATIONAL.match(title) is not None or _NATIONAL_NUMBER.search(text[:1000]) is not None
#: Lines that are no title: a site's breadcrumbs, a meeting or byline, a caption.
_NOT_TITLE = re.compile(r"位置|>|^[一二三四五六七八九十]+、|^[—–-]|^[（(]|^\d{1,2}月\d{1,2}日|记者|通讯员"
                        r"|(?:局长|区长|市长|省长|县长|主任)\S{0,4}$")
_TITLE_LABEL = re.compile(r"^(?:名称|标题|题目)\s*[:：]\s*")


def _tidy_title(title: str) -> str:
    """A title without a typesetter's spaces, a label or a site name ("万载县人民政府 | …公报" → "…公报")."""
    parts = [_SPACED.sub("", _TITLE_LABEL.sub("", part)).strip() for part in re.split(r"\s[|｜]\s?|\s?[|｜]\s", title)]
    parts = [p for p in parts if p]
    return next((p for p in parts if _is_title(p)), parts[0] if parts else title.strip())


def _document_title(all_lines: list[Line]) -> str | None:
    """The line that names the document: one that reads as a title among the first 20 lines, else
    a headline-like line (no full stop or colon) among the first 6; None when there is neither."""
    candidates = [_tidy_title(line.text) for line in all_lines[:20]]
    candidates = [c for c in candidates if c and not _NOT_TITLE.search(c)]
    for text in candidates:
        if _is_title(text):
            return text
    for text in candidates[:6]:
        if 6 <= len(text) <= 60 and not re.search(r"[。；;:：]", text):
            return text
    return None


def _is_report(text: str, start: int, end: int) -> bool:
    head = text[start:min(end, start + 1500)]
    return bool(re.search(r"各位代表|在.{2,40}会议上|工作报告|计划执行情况|计划草案", head))


def _current_year(text: str, start: int, end: int, title: str, date: tuple[int, int, int] | None) -> int | None:
    """The year 今年 refers to: the document date's year, else one a careful reader can infer."""
    if date:
        return date[0]
    if _COMMUNIQUE.search(title):
        m = _YEAR.search(title)
        if m:
            return int(m.group(1)) + 1
    if _REPORT_TITLE.search(title) and _is_title(title):
        # "2026年某省政府工作报告" is delivered in 2026; "2024年计划执行情况与2025年计划草案" in 2025
        years = [int(y) for y in _YEAR.findall(title)]
        if years:
            return max(years)
    # "去年…在2023年…考核中": a paragraph tying 去年 to a written year
    body = text[start:end]
    review = _REVIEWED_YEAR.search(body, 0, 3000)
    if review:
        return int(review.group(1)) + 1  # "回顾2019年和今年以来的工作"
    for m in _PAST_YEAR_WORD.finditer(body):
        line_end = body.find("\n", m.end())
        line = body[body.rfind("\n", 0, m.start()) + 1:line_end if line_end >= 0 else len(body)]
        years = {int(y) for y in _YEAR.findall(line)}
        if len(years) == 1:
            return years.pop() + 1
    return _year_from_events(body)


_PAST_YEAR_WORD = re.compile(r"去年|过去一年|过去的一年|一年来")
_LAST_YEAR = re.compile(r"去年|过去一年|过去的一年|上年")
_ANNIVERSARY = re.compile(r"(迎接|庆祝|喜迎)?(建党|新中国成立|改革开放)(\d{2,3}|[一二三四五六七八九十百]+)周年")
_ANNIVERSARY_BASE = {"建党": 1921, "新中国成立": 1949, "改革开放": 1978}


@cache
def _events() -> list[tuple[re.Pattern[str], int]]:
    rows = files("zhibiao.data").joinpath("events.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(re.compile(r.split("\t")[0]), int(r.split("\t")[1])) for r in rows if r.strip()]


def _year_from_events(body: str) -> int | None:
    """The current year from dated events a paragraph places in the past year or this year.

    "过去一年，…广州白云站开通运营" → 2024 (the station opened in 2023); "迎接建党100周年" → 2020.
    A short, documented table of events (data/events.tsv) is the reader's world knowledge.
    """
    for line in body.split("\n"):
        for pattern, year in _events():
            if pattern.search(line):
                if _LAST_YEAR.search(line):
                    return year + 1
                if "今年" in line:
                    return year
        m = _ANNIVERSARY.search(line)
        if m and m.group(1):
            try:
                n = int(parse_number(m.group(3)))
            except ValueError:
                continue
            return _ANNIVERSARY_BASE[m.group(2)] + n - (1 if m.group(1) == "迎接" else 0)
    return None


#: A year opening a sentence or clause, as news tells a past event: "。2017年，…", "2017年一季度，…".
_YEAR_OPENING = re.compile(r"(?:^|(?<=[。！？!?，,；;\s]))((?:19|20)\d{2})年(?:[一二三四]季度|上半年|前三季度)?[，,]")


def _year_reported(body: str) -> int | None:
    """The year an undated news article is set in: the one year it writes, opening a sentence as a
    past event at least once ("2017年，总投资241.6亿元的…项目启动"). A year that is only a goal's
    ("明确到2025年…") or several years ("自2015年…", "预计于2018年建成") set no year."""
    years = {int(y) for y in _YEAR.findall(_unquoted_years(body))}
    if len(years) != 1:
        return None
    return years.pop() if _YEAR_OPENING.search(body) else None


def _unquoted_years(body: str) -> str:
    """``body`` without quoted names ("“中国制造2025”"), whose numbers are no dates."""
    return re.sub(r"“[^”]{1,20}”", "", body)


def _reported_period(article_lines: list[Line], art: Article) -> list[Section]:
    """News on a period's figures ("1-2月广东经济数据出炉", "上半年…") report that period throughout."""
    for line in article_lines[:4]:
        part = _PART_OF_YEAR.search(line.text)
        if part and art.year:
            refs = time_refs(line.text, max(0, part.start() - 6), part.end(), art.year, art.year)
            if refs and refs[-1].period != UNKNOWN:
                year = int(refs[-1].period[:4])
                return [Section(art.start, art.end, "actual", year, refs[-1].period)]
    return []


def _sections(article_lines: list[Line], art: Article) -> list[Section]:
    """Review and plan sections from the article's headings."""
    if art.genre == "communique":
        m = _YEAR.search(art.title)
        year = int(m.group(1)) if m else (art.year - 1 if art.year else None)
        return [Section(art.start, art.end, "actual", year)]
    if art.genre == "news" and POLICY_DOCUMENT.search(art.title):
        return []  # "一、总体要求", "二、主要任务" head the parts of a policy, not plans of a year
    sections: list[Section] = []
    default_review_year = art.year - 1 if art.year and art.genre == "report" else art.year
    from_headings = False
    for line in article_lines:
        t = line.text
        block = _review_block(t, line, art, sections[-1] if sections else None)
        if block:
            sections.append(block)
            continue
        opener = _OPENER.match(t)
        if opener and art.year and not from_headings:
            # a paragraph opening "过去一年，…" or "今年，…要/力争…" starts a review or plan part
            if opener.group("past"):
                sections.append(Section(line.start, line.end, "actual", art.year - 1))
            elif _OPENER_TARGET.search(t.split("。")[0]):
                sections.append(Section(line.start, line.end, "target", art.year))
            continue
        if not (is_heading(t) or _HEADING_MARK.match(t)) or len(t) > 60:
            continue
        m = _YEAR.search(t)
        heading_year = int(m.group(1)) if m else None
        past_year = heading_year is not None and art.year is not None and heading_year < art.year
        if _REVIEW.search(t) or (past_year and "计划" not in t and "目标" not in t):
            part = _PART_OF_YEAR.search(t)
            year = heading_year or (art.year if part else default_review_year)
            period = time_refs(t, 0, len(t), year, year)[0].period if part and year else None
            sections.append(Section(line.start, line.end, "actual", year, period))
            from_headings = True
        elif (plan_span := _plan_span(t)) is not None:
            # "二、“十五五”时期主要目标任务": targets for the five years
            sections.append(Section(line.start, line.end, "target", int(plan_span[:4]), plan_span))
            from_headings = True
        elif (_PLAN.search(t) and (heading_year or _HEADING_MARK.match(t) or "今年" in t or "今后" in t
                                   or "要" in t or "将" in t)) or (
                art.genre == "report" and heading_year is not None and heading_year == art.year
                and _HEADING_MARK.match(t)):
            if heading_year and art.year and heading_year < art.year and "计划" not in t:
                continue
            # "今后要这样做", "下一步": plans with no year of their own have no single period
            open_ended = heading_year is None and _OPEN_ENDED.search(t)
            sections.append(Section(line.start, line.end, "target", None if open_ended else heading_year or art.year))
            from_headings = True
    return sections


def _plan_span(heading: str) -> str | None:
    """The years of a five-year plan a target heading names ("“十五五”时期主要目标任务" → 2026/2030)."""
    if not _HEADING_MARK.match(heading) or not re.search(r"目标|任务|展望|发展", heading):
        return None
    if _REVIEW.search(heading):
        return None
    refs = [r for r in time_refs(heading, 0, len(heading), None) if "/" in r.period]
    return refs[0].period if refs else None


def _review_block(line_text: str, line: Line, art: Article, current: Section | None) -> Section | None:
    """A review part that a paragraph opens without a heading: five years, or one year.

    "过去的五年极不寻常…" starts the review of the five-year plan (its facts: ``2021/2025``
    for flows and averages, the end year for levels reached); "刚刚过去的2025年很不平凡"
    or "一年来，…" starts the review of that year. Only reports have such parts, and only
    inside a review (not inside a plan section).
    """
    if art.genre != "report" or not art.year or (current is not None and current.kind == "target"):
        return None
    for sentence in re.split(r"(?<=[。！!])", line_text)[:3]:
        if _SPAN_OPENER.match(sentence):
            refs = [r for r in time_refs(sentence, 0, min(len(sentence), 20), art.year) if "/" in r.period]
            span = refs[0].period if refs and refs[0].period != UNKNOWN else f"{art.year - 5}/{art.year - 1}"
            if int(span[-4:]) >= art.year:
                return None  # a plan period, not a review
            return Section(line.start, line.end, "actual", int(span[-4:]), span)
        m = _YEAR_OPENER.match(sentence)
        if m and current is not None and current.period and "/" in current.period:
            year = int(m.group("year")) if m.group("year") else art.year - 1
            if year < art.year:
                return Section(line.start, line.end, "actual", year)
    return None


_VENUE = re.compile(r"[在赴到于至]$")
#: Where an article's lead ends: its first numbered item ("一、政策体系…"), else its third sentence.
_LEAD_ITEM = re.compile(r"(?:^|\s)[一二三四五六七八九十]+、")
_THREE_SENTENCES = re.compile(r"(?:[^。！？!?]*[。！？!?]){3}")


def _lead(article_lines: list[Line]) -> Line | None:
    """The lead of a news article: its first body line, up to its first numbered item or its third
    sentence (a page's flattened article runs its sections on in one line)."""
    body = next((line for line in article_lines if not is_heading(line.text)), None)
    if body is None:
        return None
    item, three = _LEAD_ITEM.search(body.text), _THREE_SENTENCES.match(body.text)
    end = min(item.start() if item else len(body.text), three.end() if three else len(body.text))
    return Line(body.start, body.start + end, body.text[:end])


#: An event taking place, just after its venue: "在广州举行", "在广州高新区盛大开幕".
_TAKES_PLACE = re.compile(r"[^，,。；;]{0,6}?(?:举行|举办|召开|开幕|开展|启幕)")


def _venue(lead: Line | None, place: Place | None, named: list[tuple[int, int, str]]) -> Place | None:
    """The place where the event of a news article's `_lead` was held ("…研讨活动在广州举行"), if any."""
    if lead is None:
        return None
    for s, e, surface in named:
        if lead.start < s < lead.end and lead.text[s - lead.start - 1] == "在" and _TAKES_PLACE.match(
                lead.text, e - lead.start):
            found = gazetteer().resolve(surface, place)
            if found is not None and found.level != "country":
                return found
    return None


def _lead_place(lead: Line | None, place: Place | None, named: list[tuple[int, int, str]]) -> Place | None:
    """The place a news article is about when its `_lead` says so against its headline.

    A headline names the city ("广州人工智能产业集聚区加速布局") while the lead speaks of the province
    ("广东省通过招商引资加速…", "2018年，广东汽车产业在全国保持领先"), or names the city only as the
    venue ("研讨活动在广州举行…其中广东省中小企业…"): the article is the province's. Only a place
    above the headline's counts, and only when the lead names the headline's place as no subject.
    """
    if place is None or lead is None:
        return place
    gaz = gazetteer()
    subjects = set()
    for s, _, surface in named:
        if not lead.start <= s < lead.end:
            continue
        if s > lead.start and _VENUE.search(lead.text, 0, s - lead.start):
            continue  # "在广州举行": where it happened
        found = gaz.resolve(surface, place)
        if found is not None and found.level != "country":
            subjects.add(found)
    if len(subjects) != 1:
        return place
    (above,) = subjects
    return above if above in gaz.ancestors(place) else place


def place_of(text: str, start: int, end: int, context: Place | None, hint: str | None = None,
             named: list[tuple[int, int, str]] | None = None) -> Place | None:
    """The place a stretch of text is about: its headline's most specific place, else its most named one.

    ``named`` are the document's place names (document offsets) when already scanned.
    """
    gaz = gazetteer()
    if hint:
        found = gaz.resolve(hint, context)
        if found:
            return found
    body = text[start:end]
    if named is None:
        mentions = gaz.mentions(body)
    else:
        mentions = [(s - start, e - start, t) for s, e, t in named if start <= s and e <= end]
    if not mentions:
        return None
    counts = Counter(t for _, _, t in mentions)
    # context from unambiguous full names in the text: the prefecture or province most named
    ctx = context
    resolved: dict[str, Place] = {}
    for surface, _ in counts.most_common():
        p = gaz.resolve(surface, ctx)
        if p:
            resolved[surface] = p
    if ctx is None:
        tops = Counter()
        for surface, p in resolved.items():
            for anc in [p, *gaz.ancestors(p)]:
                if anc.level in ("prefecture", "province"):
                    tops[anc.code] += counts[surface]
        if tops:
            ctx = gaz.by_code(tops.most_common(1)[0][0])
            resolved = {s: p for s in counts if (p := gaz.resolve(s, ctx))}
    # the headline (the first real line) decides when it names a place, else the opening paragraph
    head_end = 400
    for m in re.finditer(r"[^\n]{6,}", body[:1000]):
        if m.end() - m.start() <= 80 and "位置" not in m.group():
            if any(m.start() <= s < m.end() for s, _, _ in mentions):
                head_end = m.end()
            break
    level_rank = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
    self_level = max(_SELF, key=lambda lv: len(_SELF[lv].findall(body)))
    self_count = len(_SELF[self_level].findall(body))
    # "…推介会在武汉举行": a venue or destination is where it happened, not whose news it is
    in_head = [resolved[t] for s, _, t in mentions
               if s < head_end and t in resolved and not _VENUE.search(body, max(0, s - 1), s)]
    if in_head:
        deepest = max(level_rank[p.level] for p in in_head)
        heads = list(dict.fromkeys(p for p in in_head if level_rank[p.level] == deepest))
        if len(heads) == 1:
            return heads[0]
        parents = {gaz.parent(p) for p in heads}
        if len(parents) == 1 and None not in parents:
            return parents.pop()
        return heads[0]
    ranked = Counter()
    for surface, p in resolved.items():
        if not self_count or p.level == self_level:
            ranked[p] += counts[surface]
    return ranked.most_common(1)[0][0] if ranked else None
