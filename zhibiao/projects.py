"""Named projects and their stage, found sentence by sentence.

`find_projects(text, start, end)` scans one sentence ``text[start:end]`` of a document and returns
a `ProjectMention` for every named project, park or facility whose stage the sentence tells:

    趣丸科技总部大厦、唯品会国际创新中心等10个重点项目动工建设   -> two mentions, 动工
    加快建设人工智能价值创新园、国家级自动驾驶测试基地          -> two mentions, 在建
    总投资7亿元的时代广场商业项目开工建设                      -> 动工, investment 7e8

The sentence is cut into clauses at commas and semicolons. In each clause a stage phrase
(动工, 封顶, 投入使用, 加快建设 ...) either follows the names ("subject" reading: 区青少年宫、
图书馆新馆建成) or a verb precedes them ("object" reading: 建成新中轴绿轴示范段, optionally closed
by a stage phrase: 推动名创优品国际总部等5个项目封顶, 加快 X 建设). The words between are split
into list items at 、/和/及 and each item is kept only when it reads as a name: it ends with a
head noun (大厦, 中心, 号线, 医院 ...), or it stands in a list marked as projects or companies
("A、B等N个项目", "等一批低空企业"), and it is not a generic phrase (重点项目, 产业园区,
基础设施). The word lists live in ``data/project_lexicon.tsv``.

Region, period and kind are left to the caller; `ProjectMention.target` only reports what the
clause itself says (将/力争/确保/推动 -> True, 已/了/累计/正式/顺利 -> False).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from zhibiao.numbers import NUMBER, parse_number

__all__ = ["STATUSES", "ProjectMention", "find_projects", "lexicon"]

#: The stages a project can be reported at (spec: facts.md, `project.status`).
STATUSES = ("签约", "落地", "动工", "封顶", "竣工", "投产", "规划", "在建", "unknown")


@dataclass
class ProjectMention:
    """One named project and the stage a clause reports for it."""

    name: str  # as written: '趣丸科技总部大厦', '香港科技大学(广州)', '地铁18号线'
    status: str  # one of STATUSES
    start: int  # text[start:end] is the evidence: the clause part holding the name and stage word
    end: int
    investment: float | None  # yuan, only when the clause gives this project's own investment
    target: bool | None  # True: marked planned/future; False: marked done; None: not said


# ---------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True)
class _Lexicon:
    stages: dict[str, str]
    verbs: dict[str, str]
    heads: tuple[str, ...]
    companies: tuple[str, ...]
    generic: tuple[str, ...]
    leads: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The stage words, verbs, head nouns and stop lists read from ``data/project_lexicon.tsv``."""
    sections: dict[str, list[tuple[str, str]]] = {}
    raw = resources.files("zhibiao").joinpath("data/project_lexicon.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        section, word = parts[0].strip(), parts[1].strip()
        value = parts[2].strip() if len(parts) > 2 else ""
        sections.setdefault(section, []).append((word, value))
    return _Lexicon(
        stages=dict(sections.get("stage", [])),
        verbs=dict(sections.get("verb", [])),
        heads=tuple(w for w, _ in sections.get("head", [])),
        companies=tuple(w for w, _ in sections.get("company", [])),
        generic=tuple(w for w, _ in sections.get("generic", [])),
        leads=tuple(w for w, _ in sections.get("lead", [])),
    )


def _alt(words) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


CJK = r"\u4e00-\u9fff"
CN_NUM = "零〇○一二两三四五六七八九十百千万亿几数"
#: a count with a classifier: "10个", "四所", "三大", "一批" (plural, so never part of one name)
COUNT = rf"(?:超过?|近|约|逾)?(?:{NUMBER}|[{CN_NUM}]+)(?:个|家|项|所|条|座|大|块|批|宗|栋|处|栋|台|类|只|支|场)"
#: a measure with a unit: "5000平方米", "1.5万亩" (a size before the name: 建成5000平方米新招工广场)
MEASURE = rf"(?:{NUMBER})(?:平方米|平方公里|公顷|万亩|亩|公里|千米|米|吨|千瓦|兆瓦|万千瓦|个床位|张床位)"
#: a project's own investment: "总投资7亿元", "投资4800万元", "首期投资47亿元"
INVEST = rf"(?:计划总投资|总投资|首期投资|计划投资|投资)(?:额)?(?:约|达|超过?|近|逾)?({NUMBER})元"


class _Patterns:
    """All compiled regexes, built once from the lexicon."""

    def __init__(self, lex: _Lexicon) -> None:
        stage_alt = _alt(lex.stages)
        verb_alt = _alt(lex.verbs)
        # a trigger: any stage phrase or verb; a stage word is not a trigger when it runs on into a
        # name (运营中心, 建设银行, 开工率) or when a count follows (已入驻35家企业, 签约33个项目)
        self.trigger = re.compile(
            rf"(?:{_alt(set(lex.stages) | set(lex.verbs))})"
            rf"(?!中心|区|率|面积|规模|总量|进度(?!$)|项目数|金额|额|仪式|活动|大会|成本|资金|主体|单位|者|方|后|时|前|期间|以来|"
            rf"银行|局|部|办|委|体系|机制|水平|标准|模式|能力|工作(?!$)|任务|计划|要求|指标|目标|"
            rf"{NUMBER}(?!年)|超|近|逾)"
        )
        self.stage_at_end = re.compile(
            rf"(?P<fill>(?:{FILLER})*)(?P<stage>{stage_alt})(?P<after>{END_FILL})$"
        )
        self.prefix = re.compile(rf"^(?:{PREFIX}|{verb_alt}|{INVEST}(?:的)?|{MEASURE}的?)*")
        self.filler_end = re.compile(rf"(?:{FILLER})+$")
        self.heads = re.compile(rf"(?:{_alt(lex.heads)})$")
        self.company = re.compile(rf"(?:{_alt(lex.companies)})$")
        self.generic = re.compile(_alt(lex.generic))
        self.leads = re.compile(rf"^(?:{_alt(lex.leads)})")
        self.invest = re.compile(INVEST)
        self.invest_clause = re.compile(rf"^(?:累计|共|全年)?{INVEST}$")
        self.invest_next = re.compile(rf"^(?:该|此)(?:项目|线路|工程|基地|园区)?{INVEST}")


#: time words, adverbs and control verbs that may open a clause before the names
PREFIX = (
    r"\s|[“”]|(?:\d{4}年)?(?:\d{1,2}月(?:底|末|份)?)?(?:\d{1,2}日)?(?:[起以来前后]+)?(?=\S)"
    r"|(?:今年|明年|全年|年内|当年|去年|上半年|下半年|年底前?|年初|近年来|五年来|目前|截至目前|当前|"
    r"同时|此外|另外|其中|还|并|也|已经?|均|都|先后|相继|陆续|共|累计|再|又|正式|顺利|成功|率先|"
    r"全面|有序|积极|全力以赴|全力|大力|着力|重点|扎实|持续|继续|进一步|深入|稳步|高标准|高质量|"
    r"高水平|集中|努力|尽快|尽早|加速|加紧|抓紧|协调|配合市里|配合|支持|帮助|引导|推动|促进|确保|"
    r"力争|争取|实现|将|要|拟|计划|预计|在此基础上|与此同时|此外|一是|二是|三是|四是|五是|"
    r"第[一二三四五六七八九十]+|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.．、]|"
    r"[◆★●■▲•·\-—]+)"
)
#: words between the names and a stage phrase: 中科院明珠科学园加快建设, 地铁18号线建设顺利推进
FILLER = (
    r"正式|顺利|全面|如期|基本|相继|先后|陆续|已经|已|均|都|全部|有序|成功|率先|集中|同步|将|要|"
    r"尽快|尽早|年内|年底前?|按时|按期|加快|加速|全力|力争|确保|实现|完成|相继|于\d{4}年(?:底|内)?|"
    r"\d{4}年(?:底|内|前)?|\d{1,2}月(?:底)?|预计于?|计划于?|永久|全新|成功|项目|工程|建设|整体|主体"
)
#: words after a closing stage phrase: 开工建设了, 投入使用工作
END_FILL = r"(?:了|工作|运营|使用|验收)?"

#: verbs inside a candidate that show it is a clause, not a name
CLAUSE_VERBS = re.compile(
    r"实现|达到|增长|下降|获得|获评|获批|入选|成为|举办|开展|完成|加快|推进|推动|带动|促进|围绕|通过|"
    r"坚持|持续|不断|进一步|日益|得到|已经|提供|吸引|支持|鼓励|引导|依托|发挥|形成|提高|扩大|"
    r"深化|强化|优化|做好|抓好|落实|争取|力争|确保|打造|建成|开工|竣工|投产|签约|落户|引进|"
    r"从|到|为|把|将|对|在(?!线)|是|有|了|等|及其|以及|通过|着力|全面|全力|积极|要|让"
)
#: classes of a marked list that say its items are projects or companies
LIST_CLASS = re.compile(
    r"(?:项目|企业|公司|工程|平台|载体|设施|学校|医院|场馆|片区|功能区|园区|基地|综合体|酒店|"
    r"商场|小镇|科创中心|中心|总部|大楼|地块|线路|道路|公路|高速|铁路|机构|银行|芯片企业|"
    r"产业集群|文化设施|星级酒店|水电站|互联互通工程|大国重器|装置|设施项目|场所|市场)$"
)
SPLIT_AND = re.compile(r"和|及|与|以及")
QUOTED_ONLY = re.compile(r"^[“\"][^“”\"]+[”\"]$")
HAS_NUMERAL = re.compile(r"[0-9一二两三四五六七八九十百千]")
STRIP_PHASE = re.compile(
    r"(?:[（(][^（()）]{1,12}[)）]|第?[一二三四五六七八九十\d]+(?:期|标段)(?:工程|项目)?|[A-Z]区)+$"
)
LEAD_FIRST = re.compile(r"^.{0,8}?(?:首个|首家|首座|首条|首批|第一个)")
LEAD_SCALE = re.compile(r"^(?:新的|全新的?)?(?:[千百十]亿级|[千百]亿元级|世界级|国家级(?=.{6}))")
CLAUSE_SPLIT = re.compile(r"[^，,；;：:。！？!?\n\r]+")
COUNT_RE = re.compile(rf"^{COUNT}")
COUNT_END = re.compile(rf"{COUNT}$|{MEASURE}$|{NUMBER}$")
MEASURE_LEAD = re.compile(rf"^{MEASURE}的?")
INVEST_LEAD = re.compile(rf"^(?:总投资|投资|首期投资)(?:约|达)?{NUMBER}元的?")
FUTURE = re.compile(r"将|计划|力争|争取|确保|拟|预计|推动|推进|要|尽快|尽早|加快|启动|年内|年底")
DONE = re.compile(r"已|了|累计|正式|顺利|成功|先后|相继|陆续|均已|实现了")
#: the head noun of a list's last item, distributed to short items: 地铁18号、22号线; F37、F57地块
NEEDS_HEAD = re.compile(r"^(?:[A-Za-z0-9]+|.{0,6}\d+号|.{0,6}[一二三四五六七八九十]+期)$")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


# ---------------------------------------------------------------------------------------------
# list parsing


@dataclass
class _Item:
    text: str
    start: int  # offset in the clause
    end: int


def _tail_split(np: str) -> tuple[str, str | None]:
    """Split a noun phrase into its list part and a list tail ("等10个重点项目", "三大平台")."""
    m = re.search(r"(?<![高中初平同对相均])等(?![级同于])([^、]{0,16})$", np)
    if m and m.start() > 0:
        return np[: m.start()], m.group(1)
    m = re.search(rf"(?<=[^、]){COUNT}[^、]{{0,12}}$", np)
    if m and m.start() > 0:
        return np[: m.start()], np[m.start() :]
    return np, None


def _split_items(np: str, base: int, p: _Patterns) -> list[_Item]:
    """Cut a list "A、B和C" into items, keeping offsets; 和/及/与 split only after a head noun."""
    items: list[_Item] = []
    pos = 0
    for piece in re.split(r"(、|”(?=“)|/)", np):
        if piece in ("、", "”", "/"):
            if piece == "”" and items:
                items[-1].text += "”"
                items[-1].end += 1
            pos += len(piece)
            continue
        sub_start = pos
        # A和B: split only when A ends with a head noun and B does not start with a modifier of A
        while True:
            cut = None
            for m in SPLIT_AND.finditer(piece, sub_start - pos):
                left = piece[sub_start - pos : m.start()]
                right = piece[m.end() :]
                if (
                    len(left) >= 2
                    and p.heads.search(STRIP_PHASE.sub("", left))
                    and right
                    and not re.match(r"周边|配套|相关|附属|其他|其它|周围|沿线|设备|运营", right)
                ):
                    cut = m
                    break
            if cut is None:
                break
            items.append(_Item(piece[sub_start - pos : cut.start()], base + sub_start, base + pos + cut.start()))
            sub_start = pos + cut.end()
        items.append(_Item(piece[sub_start - pos :], base + sub_start, base + pos + len(piece)))
        pos += len(piece)
    return [it for it in items if it.text]


def _head_of(name: str, p: _Patterns) -> str | None:
    m = p.heads.search(STRIP_PHASE.sub("", name))
    return m.group() if m else None


def _clean(item: _Item) -> _Item:
    """Drop what precedes a name inside an item: 投资4800万元的, 5000平方米, 一线城市首家, ——."""
    text, start = item.text, item.start
    while True:
        before = text
        for rx in (INVEST_LEAD, MEASURE_LEAD, LEAD_FIRST, LEAD_SCALE):
            m = rx.match(text)
            if m and m.end() < len(text):
                text, start = text[m.end() :], start + m.end()
        k = text.rfind("——")
        if k >= 0 and k + 2 < len(text):
            text, start = text[k + 2 :], start + k + 2
        text2 = text.lstrip("的了 \u3000")
        start += len(text) - len(text2)
        text = text2
        if text == before:
            break
    end = start + len(text)
    stripped = text.rstrip(" \u3000")
    return _Item(stripped, start, end - (len(text) - len(stripped)))


def _is_generic(name: str, p: _Patterns) -> bool:
    core = STRIP_PHASE.sub("", name)
    core = re.sub(r"[“”\"'《》()（）·、\s]", "", core)
    rest = p.generic.sub("", core)
    if re.search(r"[A-Za-z0-9]", rest):
        return False
    return len(rest) < 2


def _valid(name: str, marked: bool, status: str, p: _Patterns) -> bool:
    """Does a list item read as the name of one project / facility / company?"""
    if not 2 <= len(name) <= 40:
        return False
    if p.leads.match(name) or COUNT_RE.match(name) or COUNT_END.search(name):
        return False
    if re.search(r"[，,。；;：:！？]", name) or name[0] in "的和及与等、”)）":
        return False
    if QUOTED_ONLY.match(name) and HAS_NUMERAL.search(name):
        return False  # slogans: “三高三快”, “1+1+9”
    if name.count("“") != name.count("”"):
        return False
    inner = re.sub(r"“[^”]*”|[(（][^)）]*[)）]", "", name)  # quoted / bracketed parts may hold anything
    if CLAUSE_VERBS.search(inner):
        return False
    if _is_generic(name, p):
        return False
    if _head_of(name, p):
        return True
    if marked:
        return True
    return status in ("落地", "签约") and bool(p.company.search(name))


def _names(np: str, base: int, status: str, p: _Patterns, object_reading: bool) -> list[_Item]:
    """The names in the noun phrase ``np`` (clause offset ``base``), or [] when it is not a list of names."""
    np_list, tail = _tail_split(np)
    marked = tail is not None and bool(LIST_CLASS.search(re.sub(r"[“”]", "", tail).rstrip("等")))
    if tail is not None and not marked:
        # the tail may itself end in a head noun ("等重大科学装置") - then only heads count
        pass
    items = [_clean(it) for it in _split_items(np_list, base, p)]
    items = [it for it in items if it.text]
    if not items:
        return []
    # shared head: 地铁18号、22号线 -> 地铁18号线; F37、F57地块 -> F37地块
    last_head = _head_of(items[-1].text, p)
    if len(items) > 1 and last_head:
        for it in items[:-1]:
            if not _head_of(it.text, p) and NEEDS_HEAD.match(it.text):
                if it.text.endswith("号") and last_head.endswith("号线"):
                    it.text += "线"
                elif re.fullmatch(r"[A-Za-z0-9]+", it.text):
                    it.text += last_head
    # coordinated modifiers: 特警、消防、民兵综合训练馆; 邛窑、宝墩国家考古遗址公园 -> one name
    if (
        len(items) > 1
        and last_head
        and not marked
        and all(len(it.text) <= 3 and not _head_of(it.text, p) for it in items[:-1])
    ):
        first, last = items[0], items[-1]
        whole = np_list[first.start - base : last.end - base]
        items = [_Item(whole, first.start, last.end)]
    # distributed class: 伊敏河、六二六小河两条城市景观带 -> 伊敏河城市景观带 ...
    if tail and not np[len(np_list) :].startswith("等"):
        cls = re.sub(rf"^{COUNT}", "", tail)
        if cls and p.heads.search(cls) and not _is_generic(cls, p) is False:
            pass
        if cls and _head_of(cls, p) and all(not _head_of(it.text, p) for it in items):
            for it in items:
                it.text += cls
    # an A、B项目 list: the last item's generic head (项目/工程) covers the others
    if last_head in ("项目", "工程") and len(items) > 1:
        marked = True
    # object reading with no closing stage: trim the last item to its last head noun
    if object_reading and not marked and not _valid(items[-1].text, marked, status, p):
        last = items[-1]
        best = None
        for m in re.finditer(rf"(?:{_alt(lexicon().heads)})", last.text):
            if m.end() >= 4:
                best = m.end()
        if best is not None and best < len(last.text):
            items[-1] = _Item(last.text[:best], last.start, last.start + best)
    out = [it for it in items if _valid(it.text, marked, status, p)]
    # every item of a list must read as a name, or the list was not a list of names
    if len(out) < len(items) and not marked:
        good = [it for it in items if _head_of(it.text, p)]
        if len(good) < len(items) / 2:
            return []
    return out


# ---------------------------------------------------------------------------------------------
# clause scanning


def _resolve(status: str, verb: str | None) -> str | None:
    """Stage of a generic closing phrase (建设/施工: '*') from the verb before the names."""
    if status != "*":
        return status
    if verb is None:
        return None
    if verb in ("完成", "建成"):
        return "竣工"
    if verb.startswith(("启动", "开工", "动工")):
        return "动工"
    if verb in ("筹建", "高标准规划", "规划建设", "建立", "设立"):
        return "规划"
    return "在建"


def _target(words: str) -> bool | None:
    if FUTURE.search(words):
        return True
    if DONE.search(words):
        return False
    return None


def _scan_clause(c: str, off: int, prev: str, nxt: str, p: _Patterns) -> list[ProjectMention]:
    lex = lexicon()
    out: list[ProjectMention] = []
    pos = 0
    for m in p.trigger.finditer(c):
        if m.start() < pos:
            continue
        word = m.group()
        found: list[_Item] = []
        status = None
        span_start = span_end = 0
        # subject reading: names before the stage phrase
        if word in lex.stages and m.start() > pos:
            region = c[pos : m.start()]
            pre = p.prefix.match(region)
            np_start = pos + (pre.end() if pre else 0)
            np = c[np_start : m.start()]
            fm = p.filler_end.search(np)
            if fm and fm.start() > 0:
                np = np[: fm.start()]
            verb = None
            head_words = c[pos:np_start]
            for vm in re.finditer(_alt(lex.verbs), head_words):
                verb = vm.group()
            status = _resolve(lex.stages[word], verb)
            if status and np:
                found = _names(np, np_start, status, p, object_reading=False)
                span_start, span_end = np_start, m.end()
                # include the opening verb / investment in the evidence
                if pre and pre.end() > 0:
                    span_start = pos + len(region) - len(region.lstrip())
                    span_start = pos
        # object reading: names after the verb, maybe closed by a stage phrase
        if not found and word in lex.verbs:
            rest = c[m.end() :]
            se = p.stage_at_end.search(rest)
            np_end = len(rest)
            status = None
            if se and se.start() > 0:
                st = _resolve(lex.stages[se.group("stage")], word)
                if st:
                    status, np_end = st, se.start()
            if status is None:
                v = lex.verbs[word]
                status = None if v == "*" else v
            if status:
                pre = p.prefix.match(rest[:np_end])
                np_start = pre.end() if pre else 0
                np = rest[np_start:np_end]
                found = _names(np, m.end() + np_start, status, p, object_reading=True)
                span_start, span_end = m.start(), m.end() + len(rest)
        if not found or status is None:
            continue
        evidence = c[span_start:span_end]
        # the clause's own investment, only for a single project
        investment = None
        if len(found) == 1:
            name_pos = found[0].start
            im = None
            for cand in p.invest.finditer(c, span_start, name_pos):
                im = cand
            if im is None:
                im = p.invest.match(c, found[0].end)
                if im is None:
                    im = re.match(rf"^(?:项目)?{INVEST}", c[found[0].end :])
                    if im is not None:
                        investment = _num(im.group(1))
            if im is not None and investment is None:
                investment = _num(im.group(1))
            if investment is None:
                pm = p.invest_clause.match(prev)
                if pm:
                    investment = _num(pm.group(1))
                else:
                    nm = p.invest_next.match(nxt)
                    if nm:
                        investment = _num(nm.group(1))
        names_text = "".join(c[it.start : it.end] for it in found)
        around = evidence
        for it in found:
            around = around.replace(c[it.start : it.end], "")
        del names_text
        target = _target(around)
        for it in found:
            out.append(
                ProjectMention(
                    name=it.text,
                    status=status,
                    start=off + span_start,
                    end=off + span_end,
                    investment=investment,
                    target=target,
                )
            )
        pos = span_end
    return out


def _num(s: str) -> float | None:
    try:
        return parse_number(s)
    except ValueError:
        return None


def find_projects(text: str, start: int, end: int) -> list[ProjectMention]:
    """Named projects with their stage in the sentence ``text[start:end]``.

    Offsets in the result are document offsets; ``text[m.start:m.end]`` is the clause part that
    holds the name and its stage word. One mention per name, in text order.
    """
    p = _patterns()
    sentence = text[start:end]
    clauses = [(m.group(), start + m.start()) for m in CLAUSE_SPLIT.finditer(sentence)]
    out: list[ProjectMention] = []
    for i, (c, off) in enumerate(clauses):
        if not p.trigger.search(c):
            continue
        prev = clauses[i - 1][0].strip() if i else ""
        nxt = clauses[i + 1][0].strip() if i + 1 < len(clauses) else ""
        out.extend(_scan_clause(c, off, prev, nxt, p))
    return out
