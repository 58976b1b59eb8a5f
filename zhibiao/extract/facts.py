"""Facts: quantities, projects and policy rules with subject, indicator, place, period and kind.

``extract(text, name, meta)`` is the pure core every interface and engine calls: it takes a
document's text and returns fact records in the schema of ``shared/spec/facts.md`` plus
``start``/``end`` (``text[start:end] == evidence``) and ``region_code``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from zhibiao.extract.context import POLICY_DOCUMENT, Article, split_articles
from zhibiao.extract.flat_tables import FlatCell, bare_quantity, flat_cells
from zhibiao.extract.indicators import taxonomy
from zhibiao.extract.periods import UNKNOWN, TimeRef, time_refs
from zhibiao.extract.places import COUNTRY_CODE, Place, gazetteer
from zhibiao.extract.policies import find_bound_rules, find_condition_rules, find_policies, policy_title
from zhibiao.extract.projects import ProjectMention, find_projects, list_head_status
from zhibiao.extract.quantities import Quantity, find_quantities
from zhibiao.extract.row_tables import RowCell, row_cells
from zhibiao.extract.tables import table_cells
from zhibiao.extract.text import Span, clause_start, is_heading, lines, sentences, unwrap
from zhibiao.load import Table

#: Words that make a statement a target (plan, goal, expectation).
_TARGET = re.compile(
    r"力争|确保|预计|预期(?!寿命)|目标|计划(?!项目)|争取|(?<![模虚])拟|努力|全力|(?:明确|提出|要求)到(?:19|20)\d{2}年"
    r"|将(?=[达突超实完新增建形带提降压缩扩引培推打开投竣可力全加以为])|要(?=[达突超实完新增建形带提扩引培推打开投加全确力努着抓])"
)
#: Words that mark a target only outside a review of results (争取 also means "obtained").
_WEAK_TARGET = re.compile(r"争取|努力|全力")
_NOT_TARGET = re.compile(r"计划执行|完成(?:年度?|全年)(?:投资)?计划|超计划|目标任务|超额完成|完成了?.{0,8}目标|完成率")
#: Plan verbs govern the rest of their sentence ("拟对…给予补贴，单个企业每年最高100万元"); plan nouns
#: (计划, 目标) are often parts of names ("人才支持计划") and govern their own clause only.
_PLAN_VERB = re.compile(r"力争|确保|预计|(?<![模虚])拟|将(?=[达突超实完新增建形带提降压缩扩引培推打开投竣以])")
#: A paragraph opening with a look back at a past year's results.
_LOOKING_BACK = re.compile(
    r"(?:从|就|回顾|据)?(?P<year>(?:19|20)\d{2})年(?:的|全年)?(?:完成情况|执行情况|情况)?(?:来看|看|[，,])"
)
#: A paragraph opening with the day of an event: "4月8日上午，", "2021年6月6日，".
_EVENT_DATELINE = re.compile(r"(?P<year>(?:19|20)\d{2}年)?(?P<month>\d{1,2})月\d{1,2}日(?:上午|下午|晚上?)?[，,]")
#: A clause reporting what a past year completed: "2021年完成投资", "去年累计完成".
_PAST_DONE = re.compile(r"(?:(?P<year>(?:19|20)\d{2})年|去年|上年)(?:全年|度)?(?:已|累计|共)?完成")
#: A year or a span of years (its end year last): "2025", "2021/2025".
_YEAR_END = re.compile(r"(?:(?:19|20)\d{2}/)?(?:19|20)\d{2}$")


def _estimate_only(text: str, start: int, end: int) -> bool:
    """Whether the only plan word before a number is 预计 (an estimate, not a plan)."""
    words = {m.group() for m in _TARGET.finditer(text, start, end)}
    return words == {"预计"}


#: Words of a result so far in the current year ("今年以来", "截至目前", "已").
_SO_FAR = re.compile(r"以来|截至|截止|目前|已|成绩|成效|执行情况")
#: Measures of how a plan was carried out: results, not plans.
_RESULT_MEASURE = re.compile(r"完成率|执行率|兑现率")
#: How far into a paragraph's first sentence a plan word makes the paragraph a plan.
_OPENING = 20
#: Clause breaks for subjects.
_CLAUSE_BREAK = "，,；;：:、（(）)。！？!?\n"
#: The most characters a subject (its whole clause) reaches back from its number: clauses are far
#: shorter in real text (under 70), and the bound keeps a long unpunctuated line linear.
_SUBJECT_REACH = 200
#: Filler words at the start of a subject (再 and 在 not where they open a noun: 再婚人数, 在校学生).
_LEAD = re.compile(
    r"^(?:其中|同时|并且|并|而且|另外|此外|全年|今年|去年|上半年|全区|全市|全省|全县|我区|我市|我省|累计|累积|共|"
    r"实现|完成|新增加|截至[^，,]{1,8}(?:底|末)|(?:19|20)\d{2}年(?:度)?|[0-9]{1,2}[-—至][0-9]{1,2}月|年末|年底|首季|"
    r"一季度|前三季度|已|还|又|再(?!婚|生|就业)|均|分别|同比|合计|总计|共计|力争|确保|预计|推动|带动|"
    r"在(?!校|园|册|建|职|岗|读|营|库|院|押|线)|对|为|以|了|和|与|及|是|有|"
    r"按可比口径|按同口径|同口径|按可比价格计算|可比口径|[0-9]{1,2}[．.](?![0-9])|"
    r"将|要|拟|争取|努力|全力|加快|持续|积极|进一步|着力|完成了|实现了|达到|"
    r"[“\"]?十[一二三四五]五[”\"]?(?:期间|时期|以来)?|五年来|过去五年)+"
)
#: Verbs and particles between a subject and its number.
_TRAIL = re.compile(
    r"(?:同比|比上年|较上年|比去年|较去年|与上年相比|年均|累计|分别|均|总计|合计|共计|共有|共|达到|达|为|是|"
    r"实现|完成|增长|增加|提高|提升|下降|降低|减少|突破|超过|超|约|近|逾|有|至|到|了|已|新增|净增|跃升至|升至|"
    r"位居|稳居|居|列|排名|(?<!安)排|安排|保持|占|比重|以上|的|再|又|仅|用时|仅用时|控制在|稳定在|在|增速|增幅|增收|减收|"
    r"增支|减支|首次|再次|继续|率先|连续[0-9一二两三四五六七八九十]{1,3}年|在全[省国市区县][^，,；;在]{0,10}|"
    r"[比较由从](?:19|20)\d\d年的?|(?:19|20)\d\d年的|比上年同期|较上年同期|按可比口径|按同口径|同口径|按可比价格计算|"
    r"从|由)+$"
)
_NOTES = re.compile(r"(?:附件[:：]?)?(?:名词解释|名词注释|词语解释|注释|附注)[:：]?")
_ASIDE = re.compile(r"[（(][^（()）]{0,8}[)）]|同比")
_SPACE = re.compile(r"\s")
#: Patterns used per number, compiled once.
_CONDITION_AFTER = re.compile(r"(?:以上|以下)?的")
_LIST_JOINER = re.compile(r"[、和及与]|,?以及")
_TOTAL_WORD = re.compile(r"总量|规模|总额|总值|总数")
#: What a count of enterprises goes on to measure: "规模以上工业企业…、增加值增长3%".
_OF_FIRMS = re.compile(r"增加值|总产值|产值|营业收入|营收|利润总额|利润")
_STOCK_WORD = re.compile(r"累计|共有|总数|总量")
_NOT_WORDS = re.compile(r"[\W\d]*")
_LIST_SPLIT = re.compile(r"([、和及与])")
_DONE = re.compile(r"(?:已|累计)?完成")


@dataclass
class _Subject:
    text: str
    start: int
    end: int = -1  # where the subject's words end when they follow the number


#: Units of counted things whose noun follows the number: "59个区重点建设项目".
_COUNT_UNITS = {"个", "家", "项", "户", "所", "座", "条", "宗", "件", "套", "批"}
#: Where a counted noun ends: a stage verb or other predicate.
_NOUN_END = re.compile(
    r"(?:集中)?(?:动工|开工|签约|落户|入选|建成|竣工|投产|封顶|落地|入驻|获|通过|完成|实现|累计|正式|顺利|加快|全面|"
    r"成功|已|均|共|总投资|计划|达到|达|为|在|被|和|与|及)|[，,；;：:、。！？（(]"
)


def extract(text: str, name: str, meta: dict[str, str] | None = None, tables: Sequence[Table] = ()) -> list[dict]:
    """All fact records of one document, article by article (the pure core of `extract`).

    ``tables`` are the document's tables as the loader found them (cell offsets into ``text``);
    their numeric cells become quantities too.
    """
    return list(iter_facts(text, name, meta, tables))


def iter_facts(text: str, name: str, meta: dict[str, str] | None = None,
               tables: Sequence[Table] = ()) -> Iterator[dict]:
    """Fact records of one document, article by article.

    Extraction reads the text with its soft line breaks as spaces (`unwrap`); offsets and
    evidence are always the document's own.
    """
    unwrapped = unwrap(text, move=not tables)  # the loader's table cells are offsets into `text`
    view = unwrapped.text
    for article in split_articles(view, meta):
        title = policy_title(view[article.start:article.end]) or None
        inside = [t for t in tables if article.start <= t.start < article.end]
        records = chain(_article_facts(view, name, article, title, inside), _table_facts(view, name, article, inside))
        if view is text:
            yield from records
            continue
        for record in records:
            record["start"], record["end"] = unwrapped.doc_span(record["start"], record["end"])
            record["evidence"] = text[record["start"]:record["end"]]
            yield record


def _table_frame(art: Article, pos: int) -> tuple[str, str]:
    """The kind and period of a table's cells at `pos` that give no year of their own: those of
    the section it stands in, else the article's year (or unknown)."""
    section = art.section_at(pos)
    kind = section.kind if section else "actual"
    period = (section.period or (str(section.year) if section.year else None)) if section else None
    return kind, period or (str(art.year) if art.year else UNKNOWN)


def _table_facts(text: str, name: str, art: Article, tables: Sequence[Table]) -> Iterator[dict]:
    """Quantities from the numeric cells of the article's tables."""
    for table in tables:
        kind, fallback = _table_frame(art, table.start)
        for cell in table_cells(text, table):
            indicator = taxonomy().match(cell.subject, cell.unit, cell.measure)
            yield _record(
                "quantity", name, art.place, text, cell.start, cell.end,
                subject=cell.subject, indicator=indicator, period=cell.period or fallback, kind=kind,
                measure=cell.measure, value=_round(cell.value), unit=cell.unit, qualifier="exact",
            )


def _article_facts(text: str, name: str, art: Article, policy_name: str | None,
                   tables: Sequence[Table]) -> Iterator[dict]:
    gaz = gazetteer()
    # every place named in the article, by start offset (one scan instead of one per sentence)
    named = _Named({s: (e, t) for s, e, t in art.place_names})
    in_headline = True
    event_month: str | None = None  # a news article that opens "6月6日，…举行": its event's month
    counted = False  # whether a number was found in the article yet
    # a policy document itself ("国务院办公厅关于…的指导意见"), whose ratio bounds are rules
    policy_document = art.genre == "news" and POLICY_DOCUMENT.search(art.title) is not None
    article_lines = lines(text, art.start, art.end)
    flat = flat_cells(article_lines, lambda pos: (s.year if (s := art.section_at(pos)) else None) or art.year)
    rows = row_cells(article_lines)
    for line in article_lines:
        if tables and any(t.start <= line.start < t.end for t in tables):
            continue  # table rows are read cell by cell
        if line.start in rows:
            yield from _row_facts(text, name, rows[line.start], art)
            continue
        if line.start in flat:
            yield from _flat_facts(text, name, line.start, line.end, flat[line.start], art)
            continue
        if _NOTES.fullmatch(_SPACE.sub("", line.text)):
            break  # a glossary of terms explains words; its numbers are definitions, not facts
        # headlines repeat what the body says: facts are taken from the body
        in_headline = in_headline and is_heading(line.text)
        if in_headline:
            continue
        section = art.section_at(line.start)
        default_kind = section.kind if section else "actual"
        section_year = section.year if section else art.year
        section_period = section.period if section and section.period else None
        para_year: str | None = event_month
        para_place = art.place
        last_subject: _Subject | None = None
        last_whole: _Subject | None = None
        listed_status: str | None = None  # the stage a list's head gave the projects it lists
        for n, sent in enumerate(sentences(text, line.start, line.end)):
            if n == 0 and section is None and art.genre != "communique" and _TARGET.search(
                    _unquoted(text[sent.start:min(sent.end, sent.start + _OPENING)])):
                # a paragraph that opens with a plan ("今年，我们将…", "下一步，要…") plans throughout
                default_kind = "target"
            if n == 0 and (dateline := _EVENT_DATELINE.match(text, sent.start, sent.end)):
                default_kind = "actual"  # "4月8日上午，…集中启动活动举行": an event that took place
                if section is None and not dateline.group("year") and art.genre == "news":
                    para_year = _event_month(int(dateline.group("month")), art) or para_year
                    if not counted:
                        event_month = para_year
            # a time or place that opens a sentence carries on through its paragraph
            if section is None:
                opening = time_refs(text, sent.start, min(sent.end, sent.start + 24), art.year, section_year)
                if opening and opening[0].start - sent.start <= 12 and "/" not in opening[0].period:
                    para_year = opening[0].period
            elif n == 0 and section.kind == "target" and art.year:
                # "从2021年完成情况来看，…" inside a plan: a paragraph looking back at a past year
                past = _LOOKING_BACK.match(text, sent.start, sent.end)
                if past and int(past.group("year")) < art.year:
                    para_year, default_kind = past.group("year"), "actual"
            if _ITEM_MARK.match(text, sent.start, sent.end):
                para_place = art.place  # a new numbered item starts afresh
            place, holds, carries = _place_of_sentence(text, sent, para_place, art, gaz, named)
            if carries:
                para_place = place
            quantities = find_quantities(text, sent.start, sent.end)
            counted = counted or bool(quantities)
            listed_status = list_head_status(text, sent.start, sent.end) or listed_status
            # a policy document's provisions are rules; the facilities they name are no projects
            projects = [] if policy_document else find_projects(text, sent.start, sent.end, listed_status)
            if quantities or projects:
                refs = time_refs(text, sent.start, sent.end, art.year, section_year)
            subjects = _subjects(text, sent, quantities, named, section_year, last_subject, last_whole)
            last_subject = next((s for s in reversed(subjects) if _meaningful(s.text)), None)
            last_whole = _last_whole(quantities, subjects)
            clause_place = place
            # a place that opens the sentence as part of a name ("张家界入境游客…", "新余“1·24”火灾事故整改…")
            # is its first clause's only
            name_end = -1 if holds else _first_break(text, sent)
            for q, subj in zip(quantities, subjects, strict=True):
                if q.start > name_end >= 0:
                    clause_place, name_end = para_place, -1
                # "前二名：中卫市增长36.4%，吴忠市增长7.5%": a clause may name its own place
                here, carries = _clause_place(text, sent, q.start, clause_place, art.place, gaz, named)
                if carries:
                    clause_place = here
                period, kind = _period_and_kind(text, sent, q, art, refs, para_year, section_period,
                                                section_year, default_kind, subj)
                respective = _respective_place(text, sent, quantities, q, art.place, gaz, named)
                for each_place in ([respective] if respective else None) or _listed_places(
                        text, sent, q.start, art.place, gaz, named) or [here]:
                    yield _quantity_record(text, name, q, subj, each_place, period, kind)
            for p in projects:
                period = _project_period(text, sent, p, refs, para_year or section_period, section_year)
                kind = "target" if p.target else ("actual" if p.target is False else
                                                  _kind(text, sent, p.start, default_kind, art))
                owner = _owner_place(text, p.owner, sent, art.place, gaz, named) if p.owner is not None else None
                yield _record(
                    "project", name, owner or _named_place(p.name, art.place, gaz) or place, text, p.start, p.end,
                    name=p.name, status=p.status, period=period, kind=kind, investment=p.investment,
                )
            rules = find_policies(text, sent.start, sent.end)
            if policy_document:
                rules += [r for r in find_bound_rules(text, sent.start, sent.end)
                          if not any(r.start < o.end and o.start < r.end for o in rules)]
                rules += find_condition_rules(text, sent.start, sent.end, [(r.start, r.end) for r in rules])
            for rule in rules:
                yield _record(
                    "policy", name, place, text, rule.start, rule.end,
                    policy=policy_name or art.title, beneficiary=rule.beneficiary,
                    condition=rule.condition, rate=rule.rate, cap=rule.cap,
                )


def _project_period(text: str, sent: Span, p: ProjectMention, refs: list[TimeRef], carried: str | None,
                    section_year: int | None) -> str:
    """When a project reaches its stage: a time inside its own clause ("雪花迁建项目10月份投入使用"), else
    one before it in its clause or opening the sentence ("2023年，X开工，Y竣工"), never a time in another
    project's clause ("大唐…一季度完成核准并开工建设，雪花…"); else what the paragraph carries."""
    inside = [r for r in refs if p.start <= r.start < p.end]
    if inside:
        return inside[0].period
    clause = _clause_start(text, sent.start, p.start) if refs else p.start
    before = [r for r in refs if r.end <= p.start and (r.start >= clause or r.start - sent.start <= _OPENING_REACH)]
    return _period(text, p.start, before, carried, section_year)


#: How far into a sentence a time expression still opens it (and dates all its clauses).
_OPENING_REACH = 4


def _first_break(text: str, sent: Span) -> int:
    """Where the sentence's first clause ends (its end when it has one clause)."""
    m = _BREAK.search(text, sent.start, sent.end)
    return m.start() if m else sent.end


def _event_month(month: int, art: Article) -> str | None:
    """The month of a news event dated "6月6日，…": in the year of the article's date, or the year
    before when that month is still to come ("12月28日" in a January article)."""
    if art.date is None or not 1 <= month <= 12:
        return None
    year = art.date[0] if month <= art.date[1] else art.date[0] - 1
    return f"{year}-{month:02d}"


def _period_and_kind(text: str, sent: Span, q: Quantity, art: Article, refs: list[TimeRef], para_year: str | None,
                     section_period: str | None, section_year: int | None, default_kind: str,
                     subj: _Subject | None = None) -> tuple[str, str]:
    """When a quantity holds and whether it is a plan: the clause's time, then the frame's rules.

    Each rule is one case of how a careful reader dates a figure; they run in this order.
    """
    period = _period(text, q.start, refs, para_year or section_period, section_year)
    kind = _kind(text, sent, q.start, default_kind, art)
    if kind == "target" and _YEAR_END.match(period) and art.year and int(period[-4:]) < art.year and (
            _estimate_only(text, max(sent.start, q.start - _KIND_REACH), q.start)):
        # "预计全年接待游客9.6亿人次" of a year already over, "人均预期寿命预计达79岁" in a review of five
        # years already over: a preliminary result
        kind = "actual"
    from_year = _FROM_YEAR.search(text, max(sent.start, q.start - 12), q.start)
    if from_year:
        period = from_year.group(1)  # "城镇化率从2020年的53.2%提升到…"
    elif period.isdigit() and "年均" in text[_clause_start(text, sent.start, q.start):q.start]:
        ends = _FROM_TO_YEARS.search(text, max(sent.start, q.start - _SUBJECT_REACH), q.start)
        if ends and ends.group(2) == period:
            # "由2010年的162.4亿元增加到2015年的287.9亿元，年均增长12.1%": 2011/2015
            period = f"{int(ends.group(1)) + 1}/{ends.group(2)}"
    if kind == "actual" and _YEAR_SPAN.fullmatch(period):
        period = _span_or_end(text, sent, q, period, subj)
    elif kind == "actual" and section_period and _over_the_span(text, sent, q, period, section_period):
        # "2015年城镇居民人均可支配收入完成30788元，比2010年增加13480元，年均递增12.2%" in a review of
        # 2011–2015: the year written is the span's end, the change and the average cover the span
        period = _span_or_end(text, sent, q, section_period, subj)
    elif kind == "actual" and art.genre == "report" and period == str(art.year) and not _SO_FAR.search(
            text, max(sent.start, q.start - _SUBJECT_REACH), q.start) and not _SO_FAR.search(art.title):
        kind = "target"  # a report's current year is still to come: its figures are plans
    if kind == "target" and section_period and period == section_period and not _YEAR_SPAN.fullmatch(period):
        period = section_period[:4]  # a plan in news on part of a year is for the year
    if kind == "target" and art.set_in and not para_year and period == str(art.year) and not any(
            r.start < q.start for r in refs):
        period = UNKNOWN  # the year an undated article is set in dates its results, not its goals
    return period, kind


def _flat_facts(text: str, name: str, start: int, end: int, cell: FlatCell, art: Article) -> Iterator[dict]:
    """Quantities of one value line of a flattened table, about its row's indicator."""
    subject = _Subject(cell.subject, cell.subject_start)
    period = cell.period or (str(art.year) if art.year else UNKNOWN)
    found = find_quantities(text, start, end)
    if not found and (bare := bare_quantity(text, start, end, cell)):
        found = [bare]  # a product table's "15767" in its row's unit
    for q in found:
        yield _quantity_record(text, name, q, subject, art.place, period, cell.kind)


def _row_place(label: str, art: Article) -> Place | None:
    """The place a table row's label names: a division inside the article's place, or the place
    itself for "全市" and the like; None when the label names a thing."""
    if _SELF_REFERENCE.fullmatch(label) or label in ("合计", "总计"):
        return art.place
    place = gazetteer().resolve(label, art.place)
    if place is None or (art.place is not None and not gazetteer().is_within(place, art.place)):
        return None
    return place


def _row_facts(text: str, name: str, cells: list[RowCell], art: Article) -> Iterator[dict]:
    """Quantities of one row of a row table: the row's place, or its thing prefixed to the subject."""
    for cell in cells:
        kind, fallback = _table_frame(art, cell.start)
        period = cell.period or fallback
        place = _row_place(cell.label, art) if cell.label else art.place
        subject = cell.subject if place is not None or not cell.label else cell.label + cell.subject
        yield _record(
            "quantity", name, place or art.place, text, cell.start, cell.end,
            subject=subject, indicator=_match(subject, cell.unit, cell.measure), period=period, kind=kind,
            measure=cell.measure, value=_round(cell.value), unit=cell.unit, qualifier="exact",
        )


#: White space beside a Chinese character inside a subject: PDF text spaces words and numbers
#: ("地区生产 总值", "R&D 就业人员"); a reader writes them without.
_SUBJECT_SPACE = re.compile(r"\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+")


def _record(rtype: str, doc: str, place: Place | None, text: str, start: int, end: int, **fields) -> dict:
    subject = fields.get("subject")
    if subject and " " in subject:
        fields["subject"] = _SUBJECT_SPACE.sub("", subject)
    return {"type": rtype, "doc": doc, "region": place.full_name if place else "unknown", **fields,
            "evidence": text[start:end], "start": start, "end": end, "region_code": place.code if place else None}


def _indicator(text: str, q: Quantity, subj: _Subject) -> str | None:
    """The indicator id of a quantity's subject, tried as cleaned and as written before the number."""
    if text.startswith("的", q.end) or _CONDITION_AFTER.match(text, q.end):
        return None  # a condition ("投资5000万元以上的项目"), not a measurement
    written = text[subj.start:q.start]
    if written == subj.text or _FLOW_HEAD.match(subj.text):  # a 新增 shared from the list's head stays
        written = subj.text
    for candidate in (subj.text,) if written == subj.text else (subj.text, written):
        found = _match(_strip_place(candidate), q.unit, q.measure) if candidate else None
        if found:
            # a ratio in 倍 of an amount ("是“十一五”时期的2.7倍") is no value of the amount's indicator
            return None if q.measure == "rate" and taxonomy().indicators[found].unit != q.unit else found
    return None


@lru_cache(maxsize=65536)
def _match(subject: str, unit: str, measure: str) -> str | None:
    return taxonomy().match(subject, unit, measure)


@lru_cache(maxsize=65536)
def _strip_place(subject: str) -> str:
    """A subject without the places it opens with: 白云区经济总量 → 经济总量, 内江、眉山经济总量 → 经济总量."""
    rest = subject
    while True:
        first = next(iter(gazetteer().mentions(rest[:12])), None)
        if first is None or first[0] != 0 or first[1] >= len(rest):
            return rest
        rest = rest[first[1]:]
        if rest[:1] not in ("、", "和"):
            return rest
        rest = rest[1:]


def _other_rate(text: str, q: Quantity, subj: _Subject, period: str) -> bool:
    """Whether a growth is not the indicator's own annual rate: cumulative over several years
    ("五年增长30.8%", "实现翻番"), where an average (年均增长) would be one."""
    if q.measure != "growth" or _YEAR_SPAN.fullmatch(period) is None:
        return False
    return "年均" not in text[max(subj.start, q.start - _SUBJECT_REACH):q.start]


def _quantity_record(text: str, doc: str, q: Quantity, subj: _Subject, place: Place | None,
                     period: str, kind: str) -> dict:
    indicator = _indicator(text, q, subj) if not _other_rate(text, q, subj, period) else None
    start = min(subj.start, q.start)
    return _record(
        "quantity", doc, place, text, start, max(q.end, subj.end),
        subject=subj.text, indicator=indicator, period=period, kind=kind, measure=q.measure,
        value=_round(q.value), unit=q.unit, qualifier=q.qualifier,
    )


def _round(value: float) -> float | int:
    if value.is_integer() and -1e12 < value < 1e12:
        return int(value)  # what the rounding below gives, without formatting
    rounded = float(f"{value:.12g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e18 else rounded


def _clause_start(text: str, floor: int, pos: int) -> int:
    """Start of the clause ending at ``pos``; a bracketed aside "（市级、袁州区）" belongs to it."""
    return clause_start(text, floor, pos, _CLAUSE_BREAK, brackets=True)


def _clean_subject(text: str, start: int, end: int) -> _Subject:
    raw = text[start:end]
    lead = _LEAD.match(raw)
    if lead:
        start += lead.end()
        raw = raw[lead.end():]
    raw = _TRAIL.sub("", raw.rstrip())
    if not _ASIDE.sub("", raw).strip():
        raw = ""  # only an aside such as "(下同)" is left
    return _Subject(raw.strip(" “”\"'‘’"), start)


def _subjects(text: str, sent: Span, quantities: list[Quantity], named: _Named | None = None,
              year: int | None = None, before: _Subject | None = None, whole_before: _Subject | None = None
              ) -> list[_Subject]:
    """The subject of each quantity: its clause's words, a shared list (分别), or carried over.

    ``year`` is the year the sentence reports on: "比2021年" in a 2022 communiqué is last year.
    ``before`` is the last subject of the sentence before, carried over a semicolon ("…同比增长2.8%；
    “十三五”期间年均增长6.3%"); ``whole_before`` its last whole (`_last_whole`), that a part after
    the semicolon is of ("常住人口1766.18万人，其中男性974.27万人；女性791.91万人").
    """
    out: list[_Subject] = []
    listed: list[_Subject] = []
    seen: list[_Subject] = []  # the sentence's subjects so far, in order
    previous: _Subject | None = None
    after_semicolon = bool(sent.start) and text[sent.start - 1] in "；;"
    carried = before if after_semicolon else None
    # the last level counted in whole, that a part ("其中女性") is of
    whole: _Subject | None = whole_before if after_semicolon else None
    for i, q in enumerate(quantities):
        # "规上工业(8.0%)": a bracketed number belongs to the words before the bracket
        end = q.start - 1 if q.start > sent.start and text[q.start - 1] in "(（" else q.start
        c_start = _joint_start(text, sent, _clause_start(text, max(sent.start, end - _SUBJECT_REACH), end), q, end)
        subj = _clean_subject(text, c_start, end)
        between = text[quantities[i - 1].end:q.start] if i else ""
        if listed and i and _LIST_JOINER.fullmatch(between.strip()):
            subj = listed.pop(0)
        elif previous is not None and i and _CHANGED_TO.fullmatch(between):
            subj = previous  # "地区生产总值从11.37万亿元提升到14.58万亿元"
        elif text.find("分别", c_start, q.start) >= 0 or text.find("分别", max(sent.start, c_start - 3), c_start) >= 0:
            listed = _list_subjects(text, sent.start, c_start, q.start)
            if not listed and seen:
                # "A达261.3亿元，B达1051.7亿元，年均分别增长0.7%、3.2%": over the subjects before
                listed = seen[-(1 + _listed_after(text, quantities, i)):]
            if listed:
                subj = listed.pop(0)
        elif previous is not None and _GENERIC_INVESTMENT.fullmatch(subj.text) and (
                projects := _SUBSET_AFTER.sub("", previous.text)).endswith(_PROJECT_NOUNS):
            # "实施重点项目300个，完成投资1200亿元", "1133个重大项目开工1116个，完成投资675.9亿元": the
            # investment of those projects
            subj = _Subject(_TRAIL.sub("", projects) + subj.text, subj.start)
        elif previous is not None and _OF_FIRMS.fullmatch(subj.text) and previous.text.endswith("企业"):
            # "规模以上工业企业达7.6万家、增加值增长3%": the value added of those enterprises' industry
            subj = _Subject(_TRAIL.sub("", previous.text)[:-2] + subj.text, subj.start)
        elif previous is not None and _TOTAL_WORD.fullmatch(subj.text):
            # "新增企业10.5万家，总数突破60万家": the total of the thing before, a stock, not new ones
            total_of = _NEW.sub("", previous.text) if _STOCK_WORD.fullmatch(subj.text) else previous.text
            total_of = _TRAIL.sub("", total_of)
            # a second number of the same total ("总量连续37年居全国首位") names it once
            subj = _Subject(total_of if total_of.endswith(subj.text) else total_of + subj.text, subj.start)
        elif previous is not None and _compares(_SAME_MEASURE, text, c_start, end):
            # "…增长6.5%，比上年末增加1.2万人": the same thing, compared with last year
            subj = previous
        elif previous is not None and (base := _compares(_OTHER_BASE, text, c_start, end)) and not (
                year and base.startswith(("比", "较", "与")) and base[1:5] == str(year - 1)):
            # "比2019年同期增长10.2%，两年平均增长5.0%": the same thing on another base, no longer its indicator
            out.append(_Subject(_TRAIL.sub("", previous.text) + base, previous.start))
            continue  # the subject before stays the base of what follows
        elif whole is not None and subj.text in _PARTS:
            # "户籍迁出人口4.21万人，其中女性1.93万人": a part of the whole counted before it
            subj = _Subject(subj.text + _strip_place(_TRAIL.sub("", whole.text)), subj.start)
        elif subj.text and named is not None and _only_a_place(subj, named):
            # "投资增速前二名：中卫市增长36.4%，吴忠市增长7.5%": the place is the clause's, the
            # subject the list's head
            head = _header_subject(text, sent, c_start)
            out.append(_Subject(head, subj.start) if head else previous or subj)
            continue
        else:
            if q.unit in _COUNT_UNITS and q.measure == "level" and len(subj.text) <= 4:
                subj = _noun_after(text, q, sent, subj)  # "推动56个重点建设项目…"
            if not _meaningful(subj.text):
                subj = _carried(text, sent, c_start, previous or carried)
        if previous is not None and c_start > sent.start and text[c_start - 1] == "、" and not _OWN_TOTAL.match(
                text, c_start, q.start):
            subj = _shared_verb(subj, previous, q)  # "新增A500家、B100家": B is new too
        if _meaningful(subj.text):
            previous = subj
            if not seen or seen[-1].text != subj.text:
                seen.append(subj)
            if _counts_whole(q, subj):
                whole = subj
        out.append(subj)
    return out


def _counts_whole(q: Quantity, subj: _Subject) -> bool:
    """Whether `q` counts a whole that a part named after it is of (no part such as 男性常住人口)."""
    return q.measure == "level" and _meaningful(subj.text) and not subj.text.startswith(_PART_LEADS)


def _last_whole(quantities: list[Quantity], subjects: list[_Subject]) -> _Subject | None:
    """The subject of a sentence's last level counted in whole (`_counts_whole`)."""
    return next((s for q, s in zip(reversed(quantities), reversed(subjects), strict=True) if _counts_whole(q, s)),
                None)


#: Parts of a population or of households, named alone after their whole ("其中女性", "城镇").
_PARTS = frozenset(("男性", "女性", "男", "女", "男童", "女童", "男婴", "女婴", "男生", "女生",
                    "城镇", "农村", "城市", "乡村"))
#: Subjects opening with a part ("女性户籍迁出人口") are parts themselves, no whole (the one-character
#: 男 and 女 excepted: many nouns open with them).
_PART_LEADS = tuple(part for part in _PARTS if len(part) > 1)


#: Words that a list of nouns sharing one number may hold: no number, no verb of its own.
_JOINT_ITEM = re.compile(r"[^0-9一二三四五六七八九十百千万亿%，,；;：:。（(）)]{1,8}")
_NOUN_NEXT = re.compile(r"[^\W\d]")


def _joint_start(text: str, sent: Span, c_start: int, q: Quantity, end: int) -> int:
    """Where the subject of a number shared by a list of nouns starts: "新改扩建中小学、幼儿园4868所"
    counts 中小学 and 幼儿园 together; items that hold numbers of their own ("A1家、B2家"), a
    分别 that distributes them, and names counted by a noun after the number ("哈萨尔、东升路两个市民
    广场", "A、B等7条高速公路") keep their own clauses."""
    if text[end - 1:end] == "等" or (q.unit in _COUNT_UNITS and _NOUN_NEXT.match(text, q.end)):
        return c_start
    while (c_start > sent.start and text[c_start - 1] == "、" and "分别" not in text[c_start:end]
           and text[end:end + 1] != "、"):
        before = _clause_start(text, max(sent.start, c_start - 1 - _SUBJECT_REACH), c_start - 1)
        if not _JOINT_ITEM.fullmatch(text, before, c_start - 1):
            break
        c_start = before
    return c_start


#: Words between a change's start and its end: "从17.9%提升到35.5%", "由7家增至16家".
_CHANGE_TO = r"(?:提升|提高|增|增加|扩大|扩充|跃升|上升|升|下降|降|减少|降低|增长)(?:到|至)"
_CHANGED_TO = re.compile(_CHANGE_TO + r"(?:\d{4}年的?)?")
#: A list item that is a running total of its own ("新增6家、累计11家"): it shares no verb.
_OWN_TOTAL = re.compile(r"(?:累计|共|总|合计|其中|全年)")
#: Verbs of new items that a list's first item shares with the rest.
_FLOW_HEAD = re.compile(r"^(?:新增|新引进|新培育|新认定|新设立?|新签约|净增加?)")


def _shared_verb(subj: _Subject, previous: _Subject, q: Quantity) -> _Subject:
    """A list item without a verb takes the verb of new items its list opened with."""
    verb = _FLOW_HEAD.match(previous.text)
    if not verb or not subj.text or _FLOW_HEAD.match(subj.text) or not _meaningful(subj.text):
        return subj
    if verb.group().startswith("净增") and q.measure == "level":
        q.measure = "change"  # "净增经营主体34.6万家、企业14万家"
    return _Subject(verb.group() + subj.text, subj.start, subj.end)


def _listed_after(text: str, quantities: list[Quantity], i: int) -> int:
    """How many numbers follow quantity ``i`` in its list ("0.7%、3.2%" → 1)."""
    n = 0
    for before, after in zip(quantities[i:], quantities[i + 1:], strict=False):
        if not _LIST_JOINER.fullmatch(text[before.end:after.start].strip()):
            break
        n += 1
    return n


#: An investment named without whose it is: it belongs to the projects counted just before.
_GENERIC_INVESTMENT = re.compile(r"(?:完成|计划|年度计划|累计完成|当年完成)?投资|总投资|投资额")
_PROJECT_NOUNS = ("项目", "工程")
#: A clause that compares the subject before with last year: the same measure of the same thing.
_SAME_MEASURE = re.compile(r"(?:比|较|与)(?:上年末|上年底|去年同期|上年同期|上年|去年)(?:相比)?|同比")
#: A clause that measures the subject before on another base ("比2019年同期", "两年平均").
_OTHER_BASE = re.compile(
    r"(?:(?:比|较|与)(?:(?:19|20)\d{2}年(?:同期)?|[“\"]?十[一二三四五]五[”\"]?(?:期末|末)))|[两三四五]年(?:平均|年均)"
)
#: What a list's head has around its subject: "地级市1—7月投资增速前二名".
_HEAD_NOISE = re.compile(
    r"^(?:[0-9]{1,2}[．.](?![0-9])\s*)?(?:地级市|县[（(]区[）)]|县区|各市|各县(?:区)?|分市|分县|分地区)(?:及[^0-9一二三四五六七八九十]{1,4}?)?|"
    r"[0-9一二三四五六七八九十]{1,2}\s*[—\-–至~]\s*[0-9一二三四五六七八九十]{1,2}月(?:份)?|"
    r"(?:前|后)[一二三四五六七八九十0-9]{1,2}(?:名|位)$|看$|排名$|情况$"
)


def _compares(pattern: re.Pattern[str], text: str, start: int, end: int) -> str | None:
    """The comparison words a clause consists of ("比上年末" of "比上年末增加"), or None."""
    lead = _LEAD.match(text, start, end)
    m = pattern.match(text, lead.end() if lead else start, end)
    if m is None:
        return None
    rest = text[m.end():end]
    return m.group() if not rest or _TRAIL.fullmatch(rest) else None


def _only_a_place(subj: _Subject, named: _Named) -> bool:
    """Whether a subject is nothing but a place's name ("中卫市" of "中卫市增长36.4%")."""
    found = named.get(subj.start)
    return found is not None and found[0] - subj.start == len(subj.text)


def _header_subject(text: str, sent: Span, c_start: int) -> str | None:
    """The subject a list's head gives its items: the words before the sentence's colon."""
    colon = max(text.rfind("：", sent.start, c_start), text.rfind(":", sent.start, c_start))
    if colon < 0:
        return None
    head_start = _clause_start(text, max(sent.start, colon - _SUBJECT_REACH), colon)
    head = _HEAD_NOISE.sub("", text[head_start:colon])
    head = _TRAIL.sub("", _HEAD_NOISE.sub("", head)).strip()
    return head if _meaningful(head) else None


def _carried(text: str, sent: Span, c_start: int, previous: _Subject | None) -> _Subject:
    """The subject a clause without one takes over ("…3862.52亿元,增长2.9%"; "新增6家、累计11家")."""
    if previous is None:
        back = _clause_start(text, max(sent.start, c_start - 1 - _SUBJECT_REACH), max(sent.start, c_start - 1))
        return _clean_subject(text, back, max(back, c_start - 1))
    if _STOCK_WORD.search(text, c_start, c_start + 4):
        # a running total of what was newly added: the stock, not the flow
        return _Subject(_NEW.sub("", previous.text), previous.start, previous.end)
    return previous


_NEW = re.compile(r"^(?:全年|今年)?(?:新增|新培育|新引进|新认定|新获评|新登记|新设立?|新注册|净增加?)")


#: Predicates that pick a subset out of the counted things.
_SUBSET = re.compile(r"(?:集中)?(?:动工|开工|签约|落户|入选|建成|竣工|投产|封顶|落地|入驻|获|通过|实现)")
_SUBSET_AFTER = re.compile(_SUBSET.pattern + "$")
_NUMBER_NEXT = re.compile(r"[0-9一二三四五六七八九十]")


def _noun_after(text: str, q: Quantity, sent: Span, before: _Subject) -> _Subject:
    """The counted noun after "N个": "新引进11个世界500强企业投资项目" → 新引进世界500强企业投资项目."""
    m = _NOUN_END.search(text, q.end, sent.end)
    end = m.start() if m else sent.end
    noun = text[q.end:end].strip(" “”\"")
    if len(noun) < 2 or len(noun) > 20:
        return before
    subset = _SUBSET.match(text, end)
    if subset and not _NUMBER_NEXT.match(text, subset.end()):
        # "56个重点项目集中开工", "68家企业入选…": the count is of a subset, named with its verb (not in
        # "1133个重大项目开工1116个", where the subset is counted next)
        noun += subset.group()
        end = subset.end()
    return _Subject(before.text + noun, before.start if before.text else q.start, end)


def _meaningful(subject: str) -> bool:
    return len(subject) >= 2 and not _NOT_WORDS.fullmatch(subject)


def _list_subjects(text: str, floor: int, c_start: int, q_start: int) -> list[_Subject]:
    """Subjects listed before 分别: "工业投资、制造业投资、工业技改投资分别增长…"."""
    head_end = text.rfind("分别", max(floor, c_start - 3), q_start)
    if head_end < 0:
        return []
    begin = clause_start(text, max(floor, head_end - _SUBJECT_REACH), head_end, "，,；;：:。\n")
    items = []
    pos = begin
    for part in _LIST_SPLIT.split(text[begin:head_end]):
        if part and part not in "、和及与":
            subj = _clean_subject(text, pos, pos + len(part))
            items.append(subj)
        pos += len(part)
    return [s for s in items if s.text]


_BREAK = re.compile(r"[，,；;。]")
#: A year as the base of a ratio: "是2010年的2.6倍" dates the base, not what follows.
_RATIO_BASE = re.compile(r"(?:是|为|相当于)$")
#: A comparison base framed in its clause: "在上年同期18.0%的高增速基础上，继续实现38.6%的增长".
_BASE_FRAME = re.compile(r"在[^，,；;。]{0,30}?基础上")


def _in_base_frame(text: str, ref: TimeRef, pos: int) -> bool:
    """Whether a time expression lies in a "在…基础上" frame that closes before ``pos``."""
    opening = text.rfind("在", max(0, ref.start - 30), ref.start + 1)
    if opening < 0:
        return False
    frame = _BASE_FRAME.match(text, opening, pos)
    return frame is not None and frame.end() <= pos and not (frame.start() <= pos < frame.end())


def _period(text: str, pos: int, refs: list[TimeRef], carried: str | None, section_year: int | None) -> str:
    """Period of a fact at ``pos``: the nearest time expression before it in its sentence, else a
    year written just after it, else the period its paragraph or section carries."""
    # a ratio's base year ("是2010年的2.6倍") and a change's start ("由2010年的21.6%提高到25.2%") date
    # something else than the number
    before = [r for r in refs if r.end <= pos and not _in_base_frame(text, r, pos)
              and not _RATIO_BASE.search(text, max(0, r.start - 3), r.start)
              and not (text.startswith(("的", "底的", "末的"), r.end) and _CHANGED_TO.search(text, r.end, pos))]
    if before:
        ref = before[-1]
        if carried and ref.period.isdigit() and not carried.isdigit() and (
                text.startswith("同期", ref.end) or "同期" in text[max(0, ref.start - 30):ref.start]):
            # "2020年同期" in news on January–February figures: 2020-01/2020-02; "2013-2018年同期…，
            # 2019年增速变缓至3%" compares the same months
            return carried.replace(carried[:4], ref.period)
        return ref.period
    after = [r for r in refs if r.start >= pos and r.explicit_year]
    if after and after[0].start - pos < 15 and not _BREAK.search(text, pos, after[0].start):
        return after[0].period  # "…增长5%（2023年）", not the next clause's "扭转了2020年以来的…"
    if carried:
        return carried
    if section_year:
        return str(section_year)
    return UNKNOWN


_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}/(?:19|20)\d{2}")
#: Words anywhere before a number that make it a flow over a review period.
_FLOW_ANYWHERE = re.compile(
    r"年均|累计|累积|合计|总计|共计|净增|[0-9五]年(?:来|间|共)|新(?:增|建|设|开|培育|引进|认定|入选|签)"
)
#: A verb opening the number's clause that makes it a flow ("新建改造高标准农田3167万亩"); inside
#: a noun ("国家生态文明建设示范区") such a word names a kind of thing, and the number is a stock.
_FLOW_VERB = re.compile(
    r"[^，,；;、]{0,3}?(?:新增|新建|新设|新开|新培育|新引进|新认定|新入选|增加(?!值)|减少|改造|新改扩建|改扩建|扩建|"
    r"新改建|复制推广|推广|制定|出台|退出|化解|处置|整治|清理|"
    r"建设|建成|培育|创建|实施|引进|治理|植树|造林|筹集|开挖|疏浚|获批|支持|打造|开通|修复|新签|签约|转移|帮扶|"
    r"搬迁|安置|发放|减免|吸引|开工|竣工|完成|办理|开行|获得|荣获|认定|培训|资助|投入|争取|布局|启动|推动|"
    r"铺设|修建|解决|削减|精简|关停|封停|节约|举办|落地|获评|获)"
)
#: What a counted noun's predicate says was done to it in the span ("23个重大工业项目建成投产",
#: "12个项目获国家科学技术奖"): the count is a flow.
_DONE_TO_COUNTED = re.compile(r"(?:集中)?(?:动工|开工|签约|落户|入选|建成|竣工|投产|封顶|落地|入驻|获)")
_FROM_TO_YEARS = re.compile(r"(?:由|从)((?:19|20)\d{2})年[^。；;]{0,40}?(?:到|至)((?:19|20)\d{2})年")
_FROM_YEAR = re.compile(r"(?:从|由)((?:19|20)\d{2})年(?:底|末)?的?$")
#: "从17.9%提升到35.5%": the value a change starts from, with the year it is written with.
_FROM = re.compile(r"(?:从|由)(?:(?P<year>(?:19|20)\d{2})年(?:底|末)?的?|[“\"]?十[一二三四五]五[”\"]?(?:期末|末)的?)?$")


#: A sentence that opens by summing over the review's years: its clauses are all sums.
_SUMMED_OPENING = re.compile(r"(?:[0-9五]年(?:来)?[，,]?|[“\"]?十[一二三四五]五[”\"]?(?:期间|时期)[，,]?)累[计积]")
#: A clause that states a level reached ("新增上市公司48家、总量达122家", "…，人均道路面积达到18.99平方米").
_REACHED = re.compile(r"[^，,；;、]{0,8}?(?:达到|达|增至|突破|提高到|提升至)")


def _counted_then_done(text: str, sent: Span, q: Quantity) -> bool:
    """Whether the noun a count counts is followed by what was done to those things in the period."""
    m = _NOUN_END.search(text, q.end, min(sent.end, q.end + 24))
    return m is not None and m.start() - q.end >= 2 and _DONE_TO_COUNTED.match(text, m.start()) is not None


def _flow_list(text: str, sent: Span, item: int) -> bool:
    """Whether the list an item at ``item`` continues ("…9823万元、") opens with a verb or word of a flow."""
    head_start = clause_start(text, max(sent.start, item - _SUBJECT_REACH), item, "，,；;：:。\n")
    head = text[head_start:item]
    lead = _LEAD.match(head)
    return bool(_FLOW_VERB.match(head, lead.end() if lead else 0) or _FLOW_ANYWHERE.search(head))


def _base_of_span(first: str) -> re.Pattern[str]:
    """Words that compare a figure with the year before a span ("比2010年", "是2010年的") or with the
    plan period before it ("是“十一五”时期的"): what the figure measures covers the span."""
    return re.compile(rf"(?:(?:比|较|与|是|为|相当于){int(first) - 1}年(?:底|末)?|(?:是|为|相当于|比|较)"
                      r"[“\"]?十[一二三四]五[”\"]?(?:时期|期间|期末|末))的?")


def _over_the_span(text: str, sent: Span, q: Quantity, period: str, span: str) -> bool:
    """Whether a figure dated by the year a five-year review ends in measures the whole span: an
    average, a running total, or a comparison with the year before the span."""
    if not _YEAR_SPAN.fullmatch(span) or period != span[-4:]:
        return False
    clause = text[_clause_start(text, max(sent.start, q.start - _SUBJECT_REACH), q.start):q.start]
    return bool(re.search(r"年均|累计", clause) or _base_of_span(span[:4]).search(clause))


def _span_or_end(text: str, sent: Span, q: Quantity, span: str, subj: _Subject | None = None) -> str:
    """A result reported over several years: the span for flows, averages and changes, else a year.

    In a five-year review "城镇新增就业603.7万人" and "年均增长6%" cover ``2021/2025``, while a
    level reached ("生产总值6.66万亿元") and a share are the end year's, and the start of a change
    ("从17.9%提升到35.5%") the year before the span, or its first year when the sentence names
    its ends ("2020年到2025年，…从17.9%提升到…").
    """
    first, last = span.split("/")
    c_start = _clause_start(text, max(sent.start, q.start - _SUBJECT_REACH), q.start)
    if subj is not None and sent.start <= subj.start < c_start:
        # a list sharing the number: "累计举办大型旅游、演艺、体育赛事活动600场" (from its lead words on)
        c_start = _clause_start(text, max(sent.start, subj.start - _SUBJECT_REACH), subj.start)
    clause = text[c_start:q.start]
    start_of_change = _FROM.search(clause)
    if start_of_change:
        if start_of_change.group("year"):
            return start_of_change.group("year")
        named_ends = re.search(first + r"\s*年?\s*[-—–~～至到]", text[sent.start:q.start])
        return first if named_ends else str(int(first) - 1)
    if _FLOW_ANYWHERE.search(clause) or (subj is not None and _FLOW_HEAD.match(subj.text)):
        return span  # "新增5A级景区1个、夜间文旅消费集聚区6个": the list's 新增 is each item's
    if q.measure == "rate" and _base_of_span(first).search(clause):
        return span  # "是2010年的2.6倍", "为“十三五”时期的2.2倍": five years against the five before
    if q.measure in ("share", "rank", "rate"):
        return last
    if q.unit in _COUNT_UNITS and _counted_then_done(text, sent, q):
        return span
    if c_start > sent.start and text[c_start - 1] == "、" and not (
            _OWN_TOTAL.match(clause) or _REACHED.match(clause)) and _flow_list(
            text, sent, c_start):
        return span  # "五年累计发放城乡低保金9823万元、贫困大学生救助金307万元": the list's verb is each item's
    lead = _LEAD.match(clause)
    if q.measure in ("growth", "change") or _FLOW_VERB.match(clause) or (lead and _FLOW_VERB.match(clause, lead.end())):
        return span
    opening = text[sent.start:c_start]
    if _SUMMED_OPENING.match(opening):
        return span  # "5年累计一般公共预算收入达261.3亿元,税收总收入达1051.7亿元": the 累计 sums each clause
    opening_lead = _LEAD.match(opening)
    if opening and not _REACHED.match(clause) and _FLOW_VERB.match(opening, opening_lead.end() if opening_lead else 0):
        return span  # "成功创建A1个、B6个、C5个": the sentence's verb counts its whole list
    return last


#: The most characters before a number that its sentence is searched for target words.
_KIND_REACH = 1000
_QUOTED = re.compile(r"“[^”]{1,15}”|《[^》]{1,40}》")


def _unquoted(s: str) -> str:
    """``s`` with quoted names blanked: the 计划 of “倍增计划” is a name, not a plan."""
    return _QUOTED.sub(lambda m: "　" * len(m.group()), s)


def _kind(text: str, sent: Span, pos: int, default: str, art: Article) -> str:
    """Target or actual: target words before the number in its sentence, else the section's kind."""
    if art.genre == "communique":
        return "actual"
    if _GOAL_AFTER.match(text, pos, sent.end):
        return "target"  # "构建“3-5个特色产业基地”的三年目标": the number is the goal's
    c_start = _clause_start(text, max(sent.start, pos - _SUBJECT_REACH), pos)
    done = _PAST_DONE.match(text, c_start, pos)
    if done and (not done.group("year") or not art.year or int(done.group("year")) < art.year):
        return "actual"  # "2021年完成投资达596.3亿元" in a 2022 report: a result, whatever the paragraph plans
    if _RESULT_MEASURE.search(text, c_start, pos):
        return "actual"  # "计划完成率119.3%" measures how a plan was carried out
    # a sentence is far shorter in real text; the bound keeps a long unpunctuated line linear
    floor = max(sent.start, pos - _KIND_REACH)
    if default == "actual":
        # in a review, a target word governs its own clause, and a clause that only goes on
        # with the same subject ("力争完成投资120亿元，增长8%")
        c_start = _clause_start(text, floor, pos)
        clause = text[c_start:pos]
        if c_start > floor and _CONTINUES.match(clause):
            c_start = _clause_start(text, floor, c_start - 1)
        own = _unquoted(text[c_start:pos])
        found = any(not _WEAK_TARGET.fullmatch(m.group()) for m in _TARGET.finditer(own)) and not (
            _NOT_TARGET.search(own))
        colon = max(text.rfind("：", floor, c_start), text.rfind(":", floor, c_start))
        if colon >= 0 and not found:
            head = _unquoted(text[floor:colon])  # "主要预期目标是：A增长…，B增长…": the head governs its list
            found = _TARGET.search(head) is not None and not _NOT_TARGET.search(head)
        found = found or _PLAN_VERB.search(_unquoted(text[floor:c_start])) is not None
        if found and _DONE.match(clause) and not _TARGET.search(clause):
            return "actual"  # "计划投资232亿元，完成63.5%": the result beside its plan
        return "target" if found else default
    else:
        before = _unquoted(text[floor:pos])
        found = _TARGET.search(before) is not None
    if found and not _NOT_TARGET.search(before):
        return "target"
    return default


#: A number inside the noun phrase of a goal: "“3-5个特色产业基地”的三年目标".
_GOAL_AFTER = re.compile(r"[^，,。；;：:实完达]{1,16}?的(?:[一二三四五六七八九十两]年|年度|阶段性?|发展|总体)?目标")
#: A clause that goes on with the subject of the clause before: "…，增长8%", "…，占比30%".
_CONTINUES = re.compile(r"(?:同比|比上年|年均|分别)?(?:增长|下降|增加|减少|提高|提升|占|比重|达到|达|突破|超过|其中)")
_ITEM_MARK = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]")
#: Where a project or company is: 位于番禺区的…, 总部迁至南沙, 落户黄埔.
_LOCATED = re.compile(r"(?:位于|落户|落地|迁至|地处|坐落于)$")
#: What follows a place that is the subject of its sentence: a break, a time, a measured
#: quantity's words or a predicate. Any other noun makes the place part of a name.
_PLACE_AS_SUBJECT = re.compile(
    r"[\s，,：:（(；;。）)]|[0-9一二三四五六七八九十]|(?:19|20)\d\d|全年|今年|去年|当年|上半年|前三季度|[一二三四]季度|"
    r"[1-9]|地区生产总值|生产总值|GDP|经济|规模以上|规上|固定资产|社会消费品|一般公共预算|公共财政|财政|税收|"
    r"进出口|外贸|出口|进口|城镇|城乡|居民|农村|常住|户籍|人均|完成|实现|新增|新引进|引进|累计|共|已|在|将|要|"
    r"获|成功|入选|荣获|获批|被|率先|全面|持续|加快|着力|积极|推动|推进|坚持|深入|大力|以|通过|围绕|聚焦|"
    r"市场主体|商事主体|企业|工业|投资|签约|项目|重点|主要|各类|全社会|全区|全市|全县|全省|的|作为|是|有|达|"
    r"位居|居|排名|列|首次|再次|连续|分别|均|同比|比上年|增长|下降|提高|提升|新建|建成|开工|动工|竣工|投产|"
    r"计划|预计|力争|中小|民营|外资|国有|服务业|农业|制造业|旅游|消费|地方|本级|辖区|境内|投入|发放|安排"
)
#: A place (or a thing named after it) given as one example of the things counted next.
_ONE_OF_SEVERAL = re.compile(r"[^，,；;。：:、]{0,16}?等[0-9一二两三四五六七八九十百]")
#: A place's own thing measured in the same clause: "张家界入境游客增长32.5%", "郑州机场年货邮吞吐量突破100万吨".
_MEASURED = re.compile(r"[^，,；;。：:、]{1,16}?(?:增长|下降|达到|达|突破|超过|[0-9])")


def _listed_places(text: str, sent: Span, pos: int, article: Place | None, gaz, named: _Named) -> list[Place]:
    """The places a clause opens with as a list ("内江、眉山、自贡、遂宁经济总量突破2000亿元"): the
    statement holds for each of them. Empty unless there are two or more."""
    start = _clause_start(text, sent.start, pos)
    if start not in named:
        return []
    starts = [start]
    # "、" ends clauses, so the list's first items lie before the clause's start
    while starts[0] - 1 > sent.start and text[starts[0] - 1] in "、和及与" and starts[0] - 1 in named.ends:
        starts.insert(0, named.ends[starts[0] - 1])
    if starts[0] - 1 > sent.start and text[starts[0] - 1] in "、和及与":
        return []  # "开通至乌兰巴托、赤塔、韩国、台湾、香港等航线10条": a list of other things ends in places
    found = []
    for s in starts:
        place = gaz.resolve(named[s][1], article)
        if place is None or place.level == "country":
            return []
        found.append(place)
    return found if len(found) >= 2 else []


def _owner_place(text: str, owner: int, sent: Span, article: Place | None, gaz, named: _Named) -> Place | None:
    """The place a bulletin's counting clause opens with ("银川市2个，A项目和宁夏B项目" → 银川市 for
    both; "自治区卫生健康委1个" → the article's own), else None."""
    lead = _PLACE_AT_START.match(text, owner, sent.end)
    start = lead.end() if lead else owner
    if start in named:
        return gaz.resolve(named[start][1], article)
    return article if _SELF_REFERENCE.match(text, start, sent.end) else None


def _respective_place(text: str, sent: Span, quantities: list[Quantity], q: Quantity, article: Place | None,
                      gaz, named: _Named) -> Place | None:
    """The place of a number in a list that 分别 gives to a list of places: "广州、深圳地铁…分别达
    1409万、1305万人次" gives 广州 the first and 深圳 the second; None when the lists do not pair up."""
    head_end = text.rfind("分别", sent.start, q.start)
    if head_end < 0:
        return None
    begin = clause_start(text, max(sent.start, head_end - _SUBJECT_REACH), head_end, "，,；;：:。\n")
    lead = _PLACE_AT_START.match(text, begin, head_end)
    places, pos = [], lead.end() if lead else begin
    while pos in named and pos < head_end:
        end, surface = named[pos]
        place = gaz.resolve(surface, article)
        if place is None or place.level == "country":
            return None
        places.append(place)
        if text[end:end + 1] not in ("、", "和", "与", "及"):
            break
        pos = end + 1
    if len(places) < 2:
        return None
    listed = [x for x in quantities if x.start > head_end]
    run = listed[:1 + _listed_after(text, listed, 0)] if listed else []
    return places[run.index(q)] if len(run) == len(places) and q in run else None


def _named_place(project: str, article: Place | None, gaz) -> Place | None:
    """The place a project's name holds, when it lies inside the article's ("宝安燕罗" in a Shenzhen
    report → 深圳市宝安区); a name such as "北京路步行街" elsewhere is no place of it."""
    if article is None:
        return None
    # the first of the article's own parts named anywhere in it: 北京大学口腔医院三亚医院 in a Hainan
    # report is 三亚's, 汉魏洛阳故城遗址博物馆 in a Henan one 洛阳's
    for _start, _end, surface in gaz.mentions(project):
        place = gaz.resolve(surface, article)
        if place is not None and place != article and article in gaz.ancestors(place):
            return place
    # short names too common to scan a whole text for (光明, 坪山) are safe among the article's own parts
    for child in gaz.children(article):
        short = _DIVISION_SUFFIX.sub("", child.name)
        if len(short) >= 2 and project.startswith(short):
            return child
    return None


_DIVISION_SUFFIX = re.compile(r"(?:特别合作区|新区|区|县|市|旗)$")


_PLACE_AT_START = re.compile(
    r"(?:(?:19|20)\d{2}年[，,]?|近日[，,]?|近期[，,]?|今年|去年|同时[，,]?|其中[，,]?"
    # an adverbial clause before the subject: "在数字经济…深度融合的背景下,广东省通过…"
    r"|(?:在|随着|面对|围绕|按照|根据)[^，,；;。]{2,30}?(?:背景下|形势下|情况下|中|下|以来|要求)[，,])?"
)


#: A sentence about the reported event itself: "此次研讨会汇聚了…", "本次高峰会议…吸引了…".
_ABOUT_THE_EVENT = re.compile(r"(?:此次|本次|这次|本届)[^，,。；;]{0,12}?(?:会|论坛|活动|峰会|博览|展|赛)")
#: A sentence whose subject is a plan of the central government ("此前印发的国家级规划已设定…").
_NATIONAL_PLAN = re.compile(r"[^，,。；;]{0,8}?(?:国家级|国家|国务院|中央)[^，,。；;、]{0,10}?(?:规划|纲要|行动计划)")
#: The end of a first clause that frames its sentence rather than naming its subject.
_FRAME_END = re.compile(r"(?:中|期间|过程中|方面|领域)$")
#: A numbered heading run on into its section's first sentence ("四、应用场景加速商业化落地 佛山制造业…"),
#: as pages flattened to one line per article write it.
_INLINE_HEADING = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])[^\s，,。；;：:！？!?]{2,30}[ \u3000]+")


class _Named(dict[int, tuple[int, str]]):
    """Place names of an article: start → (end, surface), with the starts in text order."""

    def __init__(self, by_start: dict[int, tuple[int, str]]) -> None:
        super().__init__(by_start)
        self.starts = sorted(by_start)
        self.ends = {end: start for start, (end, _) in by_start.items()}

    def starts_between(self, lo: int, hi: int) -> list[int]:
        """Starts of place names in ``[lo, hi)``."""
        return self.starts[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]


#: Words by which a document names its own place: 全市, 我区, 自治区, 省直 …
_SELF_REFERENCE = re.compile(r"(?:全|我|本)(?:省|市|区|县|旗|州|盟)|自治区|(?:省|市|区|县)(?:直|级|属|本级)")


def _clause_place(text: str, sent: Span, pos: int, current: Place | None, article: Place | None, gaz,
                  named: _Named) -> tuple[Place | None, bool]:
    """The place a clause opens with ("，吴忠市增长7.5%"), else the place of the clause before;
    and whether it holds for the clauses after (not when it only names something: "张家界入境游客")."""
    start = _clause_start(text, max(sent.start, pos - _SUBJECT_REACH), pos)
    if start == sent.start:
        return current, True
    lead = _PLACE_AT_START.match(text, start, pos)  # "，其中阳新签约18个项目"
    subject_start = lead.end() if lead else start
    if subject_start not in named:
        if _SELF_REFERENCE.match(text, subject_start, pos):
            return article, True  # "、自治区住房和城乡建设厅1个", "，全市共签约33个项目": the article's own
        return current, True
    if _ends_a_list_of_names(text, sent, start, named):
        return current, True
    return _sentence_place(text, Span(start, sent.end), current, article, gaz, named)


def _ends_a_list_of_names(text: str, sent: Span, start: int, named: _Named) -> bool:
    """Whether the clause at ``start`` is the last of a list of names that are not all places
    ("开通至乌兰巴托、赤塔、韩国、台湾、香港等国际及地区航线10条"), rather than one place's own
    figure in a list of places and figures ("A市5家、B市6家")."""
    pos = start
    while pos - 1 > sent.start and text[pos - 1] == "、":
        before = _clause_start(text, sent.start, pos - 1)
        if named.ends.get(pos - 1) == before:
            pos = before  # a bare place: the list goes on
            continue
        return not any(ch.isdigit() for ch in text[before:pos - 1])
    return False


def _sentence_place(text: str, sent: Span, current: Place | None, article: Place | None, gaz,
                    named: _Named) -> tuple[Place | None, bool]:
    """A place named as the sentence's subject ("番禺区完成…", "广东省中小企业…"), else ``current``;
    and whether it holds for what follows: not when the sentence opens with a place that is part
    of a name ("张家界入境游客"), which holds for its sentence only.

    A place above the article's own counts only when written in full (广东省, not the 广州 of
    "广州地铁"): short forms of a parent are mostly parts of names. ``named`` maps the start of
    every place name in the article to its end and surface.
    """
    begin = _sentence_begin(text, sent)
    lead = _PLACE_AT_START.match(text, begin, sent.end)
    start = lead.end() if lead else begin
    opening = named.get(start)
    in_name = opening is not None and opening[0] < sent.end and not _PLACE_AS_SUBJECT.match(
        text, opening[0], sent.end)
    place = _subject_place(text, sent, start, current, article, gaz, named)
    return place, not (in_name and place is not None)


def _place_of_sentence(text: str, sent: Span, current: Place | None, art: Article, gaz,
                       named: _Named) -> tuple[Place | None, bool, bool]:
    """The sentence's place; whether it holds past the sentence's first clause; and whether the
    paragraph goes on with it (see `_sentence_place`)."""
    begin = _sentence_begin(text, sent)
    if art.venue is not None and _ABOUT_THE_EVENT.match(text, begin, sent.end):
        return art.venue, True, False  # "此次研讨会汇聚了…300余名代表": the venue's
    if _NATIONAL_PLAN.match(text, begin, sent.end) and not named.starts_between(sent.start, _first_break(text, sent)):
        return gaz.by_code(COUNTRY_CODE), True, False  # "此前印发的国家级规划…明确到2025年…": the nation's
    place, holds = _sentence_place(text, sent, current, art.place, gaz, named)
    return place, holds, holds and not _sets_the_scene(text, sent, begin, named)


def _sentence_begin(text: str, sent: Span) -> int:
    """Where a sentence's own words begin, past a numbered heading run on into it."""
    heading = _INLINE_HEADING.match(text, sent.start, sent.end)
    return heading.end() if heading else sent.start


def _sets_the_scene(text: str, sent: Span, begin: int, named: _Named) -> bool:
    """Whether the sentence (its own words from ``begin``) opens with a place inside a frame
    ("佛山制造业数字化转型中，…"): the place is that sentence's, and the paragraph goes on with its own."""
    return begin in named and _FRAME_END.search(text, begin, _first_break(text, sent)) is not None


def _subject_place(text: str, sent: Span, start: int, current: Place | None, article: Place | None, gaz,
                   named: _Named) -> Place | None:
    """The place of `_sentence_place`, its subject starting at ``start`` (after its lead words)."""
    if start not in named and _SELF_REFERENCE.match(text, start, sent.end):
        return article  # "自治区住房和城乡建设厅1个；": the document's own place again
    if start not in named:
        for p in named.starts_between(sent.start + 1, sent.end):
            if _LOCATED.search(text, max(sent.start, p - 3), p):
                start = p  # the first place named as where something is
                break
        else:
            return current
    end, surface = named[start]
    if surface.endswith("市") and text.startswith("场", end):
        return current  # "北京市场" is 北京 + 市场
    if end < sent.end and text[end] in "与和及、第首":
        return current  # several places, or an event's name (江西省第十六届运动会)
    if _ONE_OF_SEVERAL.match(text, end, sent.end):
        return current  # "肇庆等7个大型产业集聚区", "揭阳中石油炼化一体化等23个项目": the place is one example
    in_name = end < sent.end and not _PLACE_AS_SUBJECT.match(text, end, sent.end)
    if in_name and not _MEASURED.match(text, end, sent.end):
        return current  # part of a name: 黄龙世界自然遗产地, 娄底硅钢
    place = gaz.resolve(surface, article)
    if place is None or place.level == "country":
        return current
    if in_name and article is not None and place in gaz.ancestors(article):
        return current  # a county's "宜春市科技进步奖3项" are the county's prizes
    if article is not None and place in gaz.ancestors(article) and surface != place.name:
        return current
    return place
