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

from zhibiao.extract.context import Article, split_articles
from zhibiao.extract.indicators import taxonomy
from zhibiao.extract.periods import UNKNOWN, TimeRef, time_refs
from zhibiao.extract.places import Place, gazetteer
from zhibiao.extract.policies import find_policies, policy_title
from zhibiao.extract.projects import find_projects
from zhibiao.extract.quantities import Quantity, find_quantities
from zhibiao.extract.tables import table_cells
from zhibiao.extract.text import Span, clause_start, is_heading, lines, sentences
from zhibiao.load import Table

#: Words that make a statement a target (plan, goal, expectation).
_TARGET = re.compile(
    r"力争|确保|预计|预期|目标|计划|争取|拟|努力|全力"
    r"|将(?=[达突超实完新增建形带提降压缩扩引培推打开投竣可力全加])|要(?=[达突超实完新增建形带提扩引培推打开投加全确力努着抓])"
)
#: Words that mark a target only outside a review of results (争取 also means "obtained").
_WEAK_TARGET = re.compile(r"争取|拟|努力|全力")
_NOT_TARGET = re.compile(r"计划执行|完成年度(?:投资)?计划|目标任务|超额完成|完成了?.{0,8}目标")
#: Clause breaks for subjects.
_CLAUSE_BREAK = "，,；;：:、（(）)。！？!?\n"
#: The most characters a subject (its whole clause) reaches back from its number: clauses are far
#: shorter in real text (under 70), and the bound keeps a long unpunctuated line linear.
_SUBJECT_REACH = 200
#: Filler words at the start of a subject.
_LEAD = re.compile(
    r"^(?:其中|同时|并且|并|而且|另外|此外|全年|今年|去年|上半年|全区|全市|全省|全县|我区|我市|我省|累计|共|"
    r"实现|完成|新增加|截至[^，,]{1,8}(?:底|末)|(?:19|20)\d{2}年(?:度)?|[0-9]{1,2}[-—至][0-9]{1,2}月|年末|年底|首季|"
    r"一季度|前三季度|已|还|又|再|均|分别|同比|合计|总计|共计|力争|确保|预计|推动|带动|在|对|为|以|了|和|与|及|是|有|"
    r"按可比口径|按同口径|同口径|按可比价格计算|可比口径|"
    r"将|要|拟|争取|努力|全力|加快|持续|积极|进一步|着力|完成了|实现了|达到)+"
)
#: Verbs and particles between a subject and its number.
_TRAIL = re.compile(
    r"(?:同比|比上年|较上年|比去年|较去年|与上年相比|年均|累计|分别|均|总计|合计|共计|共有|共|达到|达|为|是|"
    r"实现|完成|增长|增加|提高|提升|下降|降低|减少|突破|超过|超|约|近|逾|有|至|到|了|已|新增|净增|跃升至|升至|"
    r"位居|居|列|排名|排|保持|占|比重|以上|的|再|又|仅|用时|仅用时|控制在|稳定在|在|增速|增幅|增收|减收|增支|减支|"
    r"[比较由从](?:19|20)\d\d年的?|(?:19|20)\d\d年的|比上年同期|较上年同期|按可比口径|按同口径|同口径|按可比价格计算)+$"
)
_NOTES = re.compile(r"(?:附件[:：]?)?(?:名词解释|名词注释|词语解释|注释|附注)[:：]?")
_ASIDE = re.compile(r"[（(][^（()）]{0,8}[)）]|同比")
_SPACE = re.compile(r"\s")
#: Patterns used per number, compiled once.
_CONDITION_AFTER = re.compile(r"(?:以上|以下)?的")
_LIST_JOINER = re.compile(r"[、和及与]|,?以及")
_TOTAL_WORD = re.compile(r"总量|规模|总额|总值")
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
    """Fact records of one document, article by article."""
    for article in split_articles(text, meta):
        title = policy_title(text[article.start:article.end]) or None
        inside = [t for t in tables if article.start <= t.start < article.end]
        yield from _article_facts(text, name, article, title, inside)
        yield from _table_facts(text, name, article, inside)


def _table_facts(text: str, name: str, art: Article, tables: Sequence[Table]) -> Iterator[dict]:
    """Quantities from the numeric cells of the article's tables."""
    for table in tables:
        section = art.section_at(table.start)
        kind = section.kind if section else "actual"
        fallback = (section.period or (str(section.year) if section.year else None)) if section else None
        fallback = fallback or (str(art.year) if art.year else UNKNOWN)
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
    for line in lines(text, art.start, art.end):
        if any(t.start <= line.start < t.end for t in tables):
            continue  # table rows are read cell by cell
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
        para_year: str | None = None
        para_place = art.place
        for n, sent in enumerate(sentences(text, line.start, line.end)):
            if n == 0 and section is None and art.genre != "communique" and _TARGET.search(
                    _unquoted(text[sent.start:sent.end])):
                default_kind = "target"
            # a time or place that opens a sentence carries on through its paragraph
            if section is None:
                opening = time_refs(text, sent.start, min(sent.end, sent.start + 24), art.year, section_year)
                if opening and opening[0].start - sent.start <= 12 and "/" not in opening[0].period:
                    para_year = opening[0].period
            if _ITEM_MARK.match(text, sent.start, sent.end):
                para_place = art.place  # a new numbered item starts afresh
            para_place = place = _sentence_place(text, sent, para_place, art.place, gaz, named)
            quantities = find_quantities(text, sent.start, sent.end)
            projects = find_projects(text, sent.start, sent.end)
            if quantities or projects:
                refs = time_refs(text, sent.start, sent.end, art.year, section_year)
            subjects = _subjects(text, sent, quantities)
            clause_place = place
            for q, subj in zip(quantities, subjects, strict=True):
                # "前二名：中卫市增长36.4%，吴忠市增长7.5%": a clause may name its own place
                clause_place = _clause_place(text, sent, q.start, clause_place, art.place, gaz, named)
                period = _period(text, q.start, refs, para_year or section_period, section_year)
                kind = _kind(text, sent, q.start, default_kind, art)
                if kind == "target" and section_period and period == section_period:
                    period = section_period[:4]  # a plan in news on part of a year is for the year
                yield _quantity_record(text, name, q, subj, clause_place, period, kind)
            for p in projects:
                period = _period(text, p.start, refs, para_year or section_period, section_year)
                kind = "target" if p.target else ("actual" if p.target is False else
                                                  _kind(text, sent, p.start, default_kind, art))
                yield _record(
                    "project", name, place, text, p.start, p.end,
                    name=p.name, status=p.status, period=period, kind=kind, investment=p.investment,
                )
            for rule in find_policies(text, sent.start, sent.end):
                yield _record(
                    "policy", name, place, text, rule.start, rule.end,
                    policy=policy_name or art.title, beneficiary=rule.beneficiary,
                    condition=rule.condition, rate=rule.rate, cap=rule.cap,
                )


def _record(rtype: str, doc: str, place: Place | None, text: str, start: int, end: int, **fields) -> dict:
    rec = {"type": rtype, "doc": doc, "region": place.full_name if place else "unknown"}
    rec.update(fields)
    rec.update(evidence=text[start:end], start=start, end=end, region_code=place.code if place else None)
    return rec


def _indicator(text: str, q: Quantity, subj: _Subject) -> str | None:
    """The indicator id of a quantity's subject, tried as cleaned and as written before the number."""
    if text.startswith("的", q.end) or _CONDITION_AFTER.match(text, q.end):
        return None  # a condition ("投资5000万元以上的项目"), not a measurement
    for candidate in dict.fromkeys((subj.text, text[subj.start:q.start])):
        found = _match(_strip_place(candidate), q.unit, q.measure) if candidate else None
        if found:
            return found
    return None


@lru_cache(maxsize=65536)
def _match(subject: str, unit: str, measure: str) -> str | None:
    return taxonomy().match(subject, unit, measure)


@lru_cache(maxsize=65536)
def _strip_place(subject: str) -> str:
    """A subject without the place it opens with: 白云区经济总量 → 经济总量."""
    for s, e, _ in gazetteer().mentions(subject[:12]):
        if s == 0 and e < len(subject):
            return subject[e:]
        break
    return subject


def _quantity_record(text: str, doc: str, q: Quantity, subj: _Subject, place: Place | None,
                     period: str, kind: str) -> dict:
    indicator = _indicator(text, q, subj)
    start = min(subj.start, q.start)
    return _record(
        "quantity", doc, place, text, start, max(q.end, subj.end),
        subject=subj.text, indicator=indicator, period=period, kind=kind, measure=q.measure,
        value=_round(q.value), unit=q.unit, qualifier=q.qualifier,
    )


def _round(value: float) -> float | int:
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
    raw = _TRAIL.sub("", raw)
    if not _ASIDE.sub("", raw).strip():
        raw = ""  # only an aside such as "(下同)" is left
    return _Subject(raw.strip(" “”\"'‘’"), start)


def _subjects(text: str, sent: Span, quantities: list[Quantity]) -> list[_Subject]:
    """The subject of each quantity: its clause's words, a shared list (分别), or carried over."""
    out: list[_Subject] = []
    listed: list[_Subject] = []
    previous: _Subject | None = None
    for i, q in enumerate(quantities):
        # "规上工业(8.0%)": a bracketed number belongs to the words before the bracket
        end = q.start - 1 if q.start > sent.start and text[q.start - 1] in "(（" else q.start
        c_start = _clause_start(text, max(sent.start, end - _SUBJECT_REACH), end)
        subj = _clean_subject(text, c_start, end)
        between = text[quantities[i - 1].end:q.start] if i else ""
        if listed and i and _LIST_JOINER.fullmatch(between.strip()):
            subj = listed.pop(0)
        elif "分别" in text[c_start:q.start] or "分别" in text[max(sent.start, c_start - 3):c_start]:
            listed = _list_subjects(text, sent.start, c_start, q.start)
            if listed:
                subj = listed.pop(0)
        elif previous is not None and _TOTAL_WORD.fullmatch(subj.text):
            subj = _Subject(_TRAIL.sub("", previous.text) + subj.text, subj.start)
        else:
            if q.unit in _COUNT_UNITS and q.measure == "level" and len(subj.text) <= 4:
                subj = _noun_after(text, q, sent, subj)  # "推动56个重点建设项目…"
            if not _meaningful(subj.text):
                subj = _carried(text, sent, c_start, previous)
        if _meaningful(subj.text):
            previous = subj
        out.append(subj)
    return out


def _carried(text: str, sent: Span, c_start: int, previous: _Subject | None) -> _Subject:
    """The subject a clause without one takes over ("…3862.52亿元,增长2.9%"; "新增6家、累计11家")."""
    if previous is None:
        back = _clause_start(text, max(sent.start, c_start - 1 - _SUBJECT_REACH), max(sent.start, c_start - 1))
        return _clean_subject(text, back, max(back, c_start - 1))
    if _STOCK_WORD.search(text, c_start, c_start + 4):
        # a running total of what was newly added: the stock, not the flow
        return _Subject(_NEW.sub("", previous.text), previous.start, previous.end)
    return previous


_NEW = re.compile(r"^(?:全年|今年)?(?:新增|新培育|新引进|新认定|新获评)")


#: Predicates that pick a subset out of the counted things.
_SUBSET = re.compile(r"(?:集中)?(?:动工|开工|签约|落户|入选|建成|竣工|投产|封顶|落地|入驻|获|通过|实现)")


def _noun_after(text: str, q: Quantity, sent: Span, before: _Subject) -> _Subject:
    """The counted noun after "N个": "新引进11个世界500强企业投资项目" → 新引进世界500强企业投资项目."""
    m = _NOUN_END.search(text, q.end, sent.end)
    end = m.start() if m else sent.end
    noun = text[q.end:end].strip(" “”\"")
    if len(noun) < 2 or len(noun) > 20:
        return before
    subset = _SUBSET.match(text, end)
    if subset:
        # "56个重点项目集中开工", "68家企业入选…": the count is of a subset, named with its verb
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


def _period(text: str, pos: int, refs: list[TimeRef], carried: str | None, section_year: int | None) -> str:
    """Period of a fact at ``pos``: the nearest time expression before it in its sentence, else a
    year written just after it, else the period its paragraph or section carries."""
    before = [r for r in refs if r.end <= pos]
    if before:
        ref = before[-1]
        if carried and text.startswith("同期", ref.end) and ref.period.isdigit() and not carried.isdigit():
            # "2020年同期" in news on January–February figures: 2020-01/2020-02
            return carried.replace(carried[:4], ref.period)
        return ref.period
    after = [r for r in refs if r.start >= pos and r.explicit_year]
    if after and after[0].start - pos < 15:
        return after[0].period
    if carried:
        return carried
    if section_year:
        return str(section_year)
    return UNKNOWN


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
    # a sentence is far shorter in real text; the bound keeps a long unpunctuated line linear
    before = _unquoted(text[max(sent.start, pos - _KIND_REACH):pos])
    if default == "actual":
        found = any(not _WEAK_TARGET.fullmatch(m.group()) for m in _TARGET.finditer(before))
        if found:
            clause = text[_clause_start(text, max(sent.start, pos - _SUBJECT_REACH), pos):pos]
            if _DONE.match(clause) and not _TARGET.search(clause):
                return "actual"  # "计划投资232亿元，完成63.5%": the result beside its plan
    else:
        found = _TARGET.search(before) is not None
    if found and not _NOT_TARGET.search(before):
        return "target"
    return default


_ITEM_MARK = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]")
#: Where a project or company is: 位于番禺区的…, 总部迁至南沙, 落户黄埔.
_LOCATED = re.compile(r"(?:位于|落户|落地|迁至|地处|坐落于)$")
_PLACE_AT_START = re.compile(r"(?:(?:19|20)\d{2}年[，,]?|近日[，,]?|今年|去年|同时[，,]?|其中[，,]?)?")


class _Named(dict[int, tuple[int, str]]):
    """Place names of an article: start → (end, surface), with the starts in text order."""

    def __init__(self, by_start: dict[int, tuple[int, str]]) -> None:
        super().__init__(by_start)
        self.starts = sorted(by_start)

    def starts_between(self, lo: int, hi: int) -> list[int]:
        """Starts of place names in ``[lo, hi)``."""
        return self.starts[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]


def _clause_place(text: str, sent: Span, pos: int, current: Place | None, article: Place | None, gaz,
                  named: _Named) -> Place | None:
    """The place a clause opens with ("，吴忠市增长7.5%"), else the place of the clause before."""
    start = _clause_start(text, sent.start, pos)
    if start == sent.start or start not in named:
        return current
    return _sentence_place(text, Span(start, sent.end), current, article, gaz, named)


def _sentence_place(text: str, sent: Span, current: Place | None, article: Place | None, gaz,
                    named: _Named) -> Place | None:
    """A place named as the sentence's subject ("番禺区完成…", "广东省中小企业…"), else ``current``.

    A place above the article's own counts only when written in full (广东省, not the 广州 of
    "广州地铁"): short forms of a parent are mostly parts of names. ``named`` maps the start of
    every place name in the article to its end and surface.
    """
    lead = _PLACE_AT_START.match(text, sent.start, sent.end)
    start = lead.end() if lead else sent.start
    if start not in named:
        located = next((p for p in named.starts_between(sent.start + 1, sent.end)
                        if _LOCATED.search(text, max(sent.start, p - 3), p)), None)
        if located is None:
            return current
        start = located
    end, surface = named[start]
    if end < sent.end and text[end] in "与和及、第首":
        return current  # several places, or an event's name (江西省第十六届运动会)
    place = gaz.resolve(surface, article)
    if place is None or place.level == "country":
        return current
    if article is not None and place in gaz.ancestors(article) and surface != place.name:
        return current
    return place
