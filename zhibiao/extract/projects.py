"""Named projects and their stage, found sentence by sentence.

`find_projects(text, start, end)` scans one sentence ``text[start:end]`` of a document and returns
a `ProjectMention` for every named project, park or facility whose stage the sentence tells:

    趣丸科技总部大厦、唯品会国际创新中心等10个重点项目动工建设   -> two mentions, 动工
    加快建设人工智能价值创新园、国家级自动驾驶测试基地          -> two mentions, 在建
    总投资7亿元的时代广场商业项目开工建设                      -> 动工, investment 7e8

The sentence is cut into clauses at commas and semicolons. In a clause a stage phrase
(动工, 封顶, 投入使用, 加快建设 ...) either follows the names (the "subject" reading: 区青少年宫、
图书馆新馆建成) or a verb precedes them (the "object" reading: 建成新中轴绿轴示范段), and the
object may be closed by a stage phrase (推动名创优品国际总部等5个项目封顶; 加快 X 建设). The
words between are split into list items at 、/和/及 and an item is kept only when it reads as a
name: it ends with a head noun (大厦, 中心, 号线, 医院 ...) or stands in a list marked as projects or
companies ("A、B等N个项目", "等一批低空企业"), and it is not generic (重点项目, 产业园区, 基础设施)
nor a designation (示范区, 高地, 枢纽). An unmarked list is kept only when every item reads as a
name. The word lists live in ``data/project_lexicon.tsv``.

Region, period and kind are left to the caller; `ProjectMention.target` only reports what the
clause itself says (将/力争/确保/推动 -> True, 已/了/累计/正式/顺利 -> False, else None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple

from zhibiao.extract.numbers import NUMBER, parse_number

__all__ = ["STATUSES", "ProjectMention", "find_projects", "lexicon", "list_head_status"]

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
    owner: int | None = None  # where the clause counting a bulletin's listed names starts ("银川市2个")


# ---------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True)
class Lexicon:
    """Word lists from ``data/project_lexicon.tsv``."""

    stages: dict[str, str]  # stage phrase after the names -> status ('*': from the verb)
    verbs: dict[str, str]  # verb before the names -> status ('*': needs a closing stage phrase)
    heads: tuple[str, ...]
    nonheads: tuple[str, ...]
    companies: tuple[str, ...]
    generic: tuple[str, ...]
    leads: tuple[str, ...]
    list_heads: dict[str, str]  # word of a list's head -> the stage of the projects it lists


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The stage words, verbs, head nouns and stop lists read from ``data/project_lexicon.tsv``."""
    sections: dict[str, list[tuple[str, str]]] = {}
    raw = resources.files("zhibiao").joinpath("data/project_lexicon.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        value = parts[2].strip() if len(parts) > 2 else ""
        sections.setdefault(parts[0].strip(), []).append((parts[1].strip(), value))

    def words(name: str) -> tuple[str, ...]:
        return tuple(w for w, _ in sections.get(name, []))

    return Lexicon(
        stages=dict(sections.get("stage", [])),
        verbs=dict(sections.get("verb", [])),
        heads=words("head"),
        nonheads=words("nonhead"),
        companies=words("company"),
        generic=words("generic"),
        leads=words("lead"),
        list_heads=dict(sections.get("listhead", [])),
    )


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _trie(words: Iterable[str]) -> str:
    """`_alt` as a prefix tree: 建(?:成|设(?:好|运营)?)? for 建, 建成, 建设, 建设好, 建设运营.

    Where several words match at one place, the longest is tried first, as in `_alt` (a node's
    sub-tree comes before the end of its word), so the matches are the same, look-arounds and
    backtracking included; but a character that several words share is tested once, not per word.
    """
    tree: dict[str, dict] = {}
    for word in set(words):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _trie_regex(tree)


def _trie_regex(node: dict[str, dict]) -> str:
    """The regex for the words below ``node`` of a `_trie` tree."""
    branches = [re.escape(ch) + _trie_regex(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    if "" in node:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


# ---------------------------------------------------------------------------------------------
# fixed patterns

CN_NUM = "零〇○一二两三四五六七八九十百千万亿几数"
#: a Chinese count numeral starts with a digit, never with 万/千 (万家惠 is a name)
CN_COUNT = "[一二两三四五六七八九十几数][零〇一二两三四五六七八九十百千万亿]*"
#: a count with a classifier: "10个", "四所", "三大", "一批" (plural, so never part of one name)
COUNT = (
    rf"(?:超过?|近|约|逾|共)?(?:{NUMBER}|{CN_COUNT})余?"
    r"(?:个|家|项(?!目)|所|条|座|大|块|批|宗|栋|处|台|类|只|支|场|间|套|户|片)"
)
#: a size before a name: 建成5000平方米新招工广场, 启动1.5万亩“菜篮子”工程项目
MEASURE = rf"(?:{NUMBER})(?:平方米|平方公里|公顷|万亩|亩|公里|千米|米|吨|千瓦|兆瓦|万千瓦|床位|张床位|个床位)"
#: a project's own investment: "总投资7亿元", "投资4800万元", "首期投资47亿元"
INVEST = rf"(?:计划总投资|总投资|首期投资|计划投资|投资)(?:额)?(?:约|达|超过?|近|逾|为)?({NUMBER})元"

#: time words, adverbs and control verbs that may open a clause before the names
PREFIX = (
    r"[\s\u3000]+|\d{4}年(?:以来|起|底|初)?|\d{1,2}月(?:\d{1,2}日)?(?:底|末|份|起)?|\d{1,2}日"
    r"|今年|明年|全年|年内|当年|去年|上半年|下半年|年底前?|年初|近年来|五年来|目前|截至目前|当前"
    r"|同时|此外|另外|其中|还|并|也|已经|已|均|都|先后|相继|陆续|共|累计|再|又|正式|顺利|成功|率先"
    r"|全面|有序|积极|全力以赴|全力|大力|着力|重点|扎实|持续|继续|进一步|深入|稳步|高标准|高质量"
    r"|高水平|集中|努力|尽快|尽早|加速|加紧|抓紧|协调|配合市里|配合|支持|帮助|引导|推动|促进|确保"
    r"|力争|争取|实现|将|要|拟|计划|预计|在此基础上|与此同时|一是|二是|三是|四是|五是|六是"
    r"|第[一二三四五六七八九十]+(?=[，,])|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.．、]"
    r"|[◆★●■▲•·\-—]+"
)
#: words between the names and a stage phrase: 中科院明珠科学园加快建设, 地铁18号线建设顺利推进
FILLER = (
    r"正式|顺利|全面|如期|基本|相继|先后|陆续|已经|已|均|都|全部|有序|成功|率先|集中|同步|将|要|"
    r"尽快|尽早|年内|年底前?|按时|按期|加快|加速|全力|力争|确保|实现|完成|整体|永久|全新|部分|"
    r"于?\d{4}年(?:底|内|前)?|\d{1,2}月(?:底|份)?|预计于?|计划于?|建设|在[^、，,]{1,8}?(?=率先|正式|顺利|$)"
    # a length or area between the name and its stage: 沿黄生态廊道1194公里全线贯通
    rf"|(?:{MEASURE})"
)
#: words after a closing stage phrase: 开工建设了, 投入使用工作
END_FILL = r"(?:了|工作|运营|使用|验收)?"
#: verbs inside a candidate that show it is a clause, not a name
CLAUSE_VERBS = re.compile(
    r"实现|达到|增长|下降|获得|获评|获批|入选|成为|举办|开展|完成|加快|推进|推动|带动|围绕|通过|"
    r"坚持|持续|不断|进一步|日益|得到|已经|提供|吸引|支持|鼓励|引导|依托|发挥|形成|提高|扩大|"
    r"深化|强化|优化|做好|抓好|落实|争取|力争|确保|打造|建成|开工|竣工|投产|签约|落户|引进|"
    r"搭建|孵化|融入|打通|探索|谋划|聚焦|瞄准|对接|服务于|用于|位于|随着|迎来|从|到|把|将|"
    r"在(?!线|建)|是|了|等|迈入|迈向|迈上|启动(?!区)|及其|让|仅|培育|承担|招大引强|引小培优|增资扩产|见证|举行|召开|参加|组织|解决|妥善|筹集|用好|管好|护好|运营好|办好|保障(?!性|房)"
)
#: classes of a marked list ("等N个项目") that say its items are projects or companies
LIST_CLASS = re.compile(
    r"项目|企业|公司|工程|平台|载体|设施|学校|医院|场馆|片区|功能区|园区|基地|综合体|酒店|商场|"
    r"小镇|科创中心|中心|总部|大楼|地块|线路|道路|公路|高速|铁路|轨道交通|机构|银行|产业集群|"
    r"水电站|大国重器|装置|场所|市场|工厂|产线|生产线|景区|公园|馆|站|快速路|路|桥|隧道"
)
LIST_CLASS_WORDS = tuple(LIST_CLASS.pattern.split("|"))  # a plain alternation of words
#: a list class that admits items without a head noun: 等8个项目, 等一批低空企业, 等12家芯片企业,
#: 等20个先进制造业园区 (宝安燕罗), 等景区景点 (海拉尔河湿地)
LOOSE_CLASS = re.compile(
    rf"^(?:{COUNT})?(?:[^、]{{0,4}}(?:项目|企业|公司|集团|机构|银行|装置|高速公路|高速|公路|铁路|高铁|水库|灌区|机场|港口|航道|"
    rf"综合体)|[^、]{{0,6}}(?:园区|片区|景区|景点|主干道|街区|小镇)"
    rf"|(?:重大|重点)?(?:水利|交通|能源)?工程)(?:{COUNT})?$"
)
SPLIT_AND = re.compile(r"以及|和|及|与")
#: quoted and bracketed spans, never cut: “珠宝+文化旅游”小镇, 广州至珠海(澳门)高铁
MASK = re.compile(r"“[^”]*”|[（(][^（()）]*[)）]")
#: list separators: 、 and / and the seam between two quoted names (“城市大脑”“一脸走南沙”平台)
LIST_SEP = re.compile(r"[、/]|(?<=”)(?=“)")
PUNCT_STRIP = re.compile(r"[“”\"'《》()（）·、\s—-]")
ALNUM = re.compile(r"[A-Za-z0-9]")
QUOTE_ALNUM = re.compile(r"[“A-Za-z0-9]")
QUOTE_COUNT = re.compile(r"^“[^”]{1,4}”(?:个|家|项|类)|^[A-Z0-9]+级")
ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
BATCH = re.compile(r"一批|一些|多个|若干|一系列")
QUOTES = re.compile(r"[“”]")
HAS_PROJECT_WORD = re.compile(r"项目|工程")
NOT_SPLIT_AFTER_AND = re.compile(r"周边|配套|相关|附属|其他|其它|周围|沿线|设备|运营|管理|营销|服务")
QUOTED = re.compile(r"“[^”]*”")
HAS_NUMERAL = re.compile(r"[0-9一二两三四五六七八九十百千万]")
STRIP_PHASE = re.compile(
    r"(?:[（(][^（()）]{1,12}[)）]|第?[一二三四五六七八九十\d]+(?:期|标段)(?:工程|项目)?|[A-Z]区)+$"
)
#: the characters a STRIP_PHASE match can end with (a quick test before the regex)
PHASE_LAST = frozenset(")）期段程目区")
LEAD_FIRST = re.compile(r"^.{0,8}?(?:首个|首家|首座|首条|首批|第一个)")
LEAD_SCALE = re.compile(
    rf"^(?:新的|全新的?)?(?:[千百十]亿级|[千百]亿元级|万亿级|世界级|{NUMBER}(?:万吨|吨|万千瓦)级)"
)
#: clause separators: punctuation, and a run of spaces between two Chinese words (the look-behind
#: follows the first space, so that the regex can skip ahead to the next punctuation or space)
SEP = re.compile(r"[，,；;：:。！？!?\n\r]|[ \u3000](?<=[\u4e00-\u9fff”）)][ \u3000])[ \u3000]*(?=[\u4e00-\u9fff“（(])")
COUNT_START = re.compile(rf"^{COUNT}")
#: the classifiers a COUNT ends with, and the characters a NUMBER ends with (quick tests)
_CLASSIFIERS = frozenset("个家项所条座大块批宗栋处台类只支场间套户片")
_NUMBER_LAST = frozenset("0123456789０１２３４５６７８９零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万亿")
TRAILING_BRACKET = re.compile(r"[（(][^()（）]*[)）]$")
BAD_CHAR = re.compile(r"[，,。；;：:！？]")
COUNT_AT = re.compile(COUNT)
LIST_AFTER = re.compile(rf"[^，,]{{0,4}}?(?:等|{COUNT})")
COUNT_OR_NUMBER = re.compile(rf"{COUNT}|{NUMBER}")
COUNT_TAIL = re.compile(rf"(?<=[^、\d.]){COUNT}([^、]{{0,12}})$")
NUMBER_END = re.compile(rf"(?<=[^\d.]){NUMBER}$")
COUNT_INSIDE = re.compile(rf"(?<![第\d.]){COUNT}(?!号|期|代|路|线|届|楼|栋)")
COUNT_END = re.compile(rf"(?:{COUNT}|{MEASURE}|{NUMBER}(?:万元|亿元|元)?)$")
#: the characters a COUNT_END match can end with: a classifier, a measure's unit, a number or 元
#: (or a final line break, before which $ also matches) -- a quick test before the search
_COUNT_END_LAST = _CLASSIFIERS | _NUMBER_LAST | frozenset("米里顷亩吨瓦位元\n")
MEASURE_LEAD = re.compile(rf"^{MEASURE}(?:的)?")
INVEST_LEAD = re.compile(rf"^{INVEST}(?:的)?")
#: any of the leads `_clean` drops (one quick test before trying them in turn)
ANY_LEAD = re.compile("|".join(rx.pattern for rx in (INVEST_LEAD, MEASURE_LEAD, LEAD_FIRST, LEAD_SCALE)))
#: a short subject and its adverbs before a verb: 深圳将扎实(推进), 全区要加快(建设)
SUBJECT_VERB = re.compile(rf"[^、，,“（(]{{1,4}}?(?P<adverbs>(?:{PREFIX})+)")
NEW_BUILT = re.compile(r"新建|新改扩建|改扩建|新改建")
SIZE_CLASS = re.compile(r"以上|以下|及以上|规模以上|亿元级|级以上")
#: a programme: 医疗卫生强基工程, 康复护理扩容提升工程, 新时代立德树人工程 (kept when a facility is named
#: inside it: 成吉思汗广场改造提升工程)
PROGRAMME = re.compile(
    r"(?:强基|振兴|培育|激活|焕新|提质|扩优|畅通|创作|攻坚|惠民|铸魂|育人|守护|保护|修复|提升|升级|建设|"
    r"治理|整治|改造|扩容|发展|保障|研究|稳价|保供|行动|立德树人|引领|示范|创建|服务|融合)工程$"
)
#: a category, not a name: 广州南沙番禺重大项目, 重大工业项目
CATEGORY_END = re.compile(
    r"(?:重点|重大|优质|大型|产业|工业|招商|外资|民生|基建|续建|新建|新开工|投资|预算内|公益|服务|社会|政府|整改|基金)"
    r"(?:产业|工业|投资)?项目$"
)
#: an activity, not a facility: 基础设施完善, 景观提升 (kept when a facility is named before it:
#: 市博物馆功能完善, 金色大厅改造)
ACTIVITY_END = re.compile(
    r"(?:完善|提升|整治|治理|改造|保护|修复|绿化|硬化|亮化|美化|管理|整理|升级|建设|工作|安全|提质|扩容|"
    r"调整|改善|扶贫|发展|改革|核准|审批|备案|立项|征收|验收|批复|手续|征拆|拆迁)$"
)
FUTURE = re.compile(r"将|计划|力争|争取|确保|拟|预计|推动|要|尽快|尽早|年内|年底前|谋划")
DONE = re.compile(r"已|了|累计|正式|顺利|成功|先后|相继|陆续")
#: a short item that takes the head of the list's last item: 地铁18号、22号线; F37、F57地块
NEEDS_HEAD = re.compile(r"^(?:[A-Za-z0-9]+|.{0,6}\d+号)$")
#: 等 that closes a list (not 高等, 中等, 平等, 等级)
LIST_DENG = re.compile(r"(?<![高中初平同对相均])等(?![级同于待])")


#: the most characters a list of names (with its verb or stage phrase) spans in one clause
REACH = 200


class _Patterns:
    """The regexes that depend on the lexicon, compiled once."""

    def __init__(self, lex: Lexicon) -> None:
        stage_alt = _alt(lex.stages)
        verb_alt = _alt(lex.verbs)
        # a trigger is any stage phrase or verb, unless it runs on into a longer word (建设银行,
        # 开工率, 运营中心, 建成区) or a count follows it (已入驻35家企业, 签约33个项目)
        self.trigger = re.compile(
            rf"(?:{_trie(set(lex.stages) | set(lex.verbs))})"
            r"(?!(?<=建成|建设)区(?!级)|率|面积|规模|总量|项目数|金额|额度?|仪式|活动|大会|成本|资金|单位|者|方(?!案)|"
            r"后|时|前|期间|以来|银行|局|部|办|委|体系|机制|水平|标准|模式|能力|任务|计划|要求|指标|目标|用地)"
            r"(?!(?<=运营|规划|建设|管理|服务)(?:中心|馆))"
            r"(?<!新三板挂牌)(?<!上市挂牌)(?<!板挂牌)"
        )
        self.stage_at_end = re.compile(rf"(?:{FILLER})*(?P<stage>{stage_alt}){END_FILL}$")
        # a quick test stage_at_end needs to pass: the text ends with a stage phrase
        self.stage_tail = re.compile(rf"(?:{stage_alt}){END_FILL}$")
        self.prefix = re.compile(rf"(?:{PREFIX}|{verb_alt}|{INVEST}(?:的)?|{MEASURE}(?:的)?)+")
        self.filler_end = re.compile(rf"(?:{FILLER})+$")
        self.verb = re.compile(verb_alt)
        self.heads = re.compile(rf"(?:{_alt(lex.heads)})$")
        self.heads_long = re.compile(rf"(?:{_alt(h for h in lex.heads if len(h) > 1)})$")
        inside = (h for h in lex.heads if len(h) > 1 or h in "馆厅楼桥站厂库苑宫")
        self.heads_in = re.compile(rf"(?:{_alt(inside)})")
        # every name a list can yield holds a head noun, a company ending or a list class (项目,
        # 企业 ...) somewhere in its noun phrase, so text without any of them yields no names
        self.name_word = re.compile(_trie({*lex.heads, *lex.companies, *LIST_CLASS_WORDS}))
        self.nonheads = re.compile(rf"(?:{_alt(lex.nonheads)})$")
        self.company = re.compile(rf"(?:{_alt(lex.companies)})$")
        self.generic = re.compile(_alt(lex.generic))
        self.leads = re.compile(rf"^(?:{_alt(lex.leads)})")
        self.invest = re.compile(INVEST)
        self.invest_clause = re.compile(rf"^(?:累计|共|全年|计划)?{INVEST}$")
        self.invest_next = re.compile(
            rf"^(?:(?:该|此)(?:项目|线路|工程|基地|园区)?{INVEST}|(?:项目)?(?:计划)?总投资(?:约|达|为)?({NUMBER})元)"
        )
        self.invest_after = re.compile(rf"^(?:项目)?{INVEST}")
        # the stage word qualifies the listed 项目 ("未开工项目", "投资完成率前九名项目"), not what
        # follows it ("重大项目开工率前二名" lists places)
        self.list_head = re.compile(rf"(?P<word>{_alt(lex.list_heads)})[^，,；;：:]{{0,8}}?项目")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


# ---------------------------------------------------------------------------------------------
# names


@dataclass
class _Item:
    text: str
    start: int  # clause offsets
    end: int


def _strip_phase(name: str) -> str:
    """``name`` without a phase suffix such as 一期, 第二标段 or (南沙段) ('' when that is all it is)."""
    return STRIP_PHASE.sub("", name) if name[-1:] in PHASE_LAST else name


@lru_cache(maxsize=4096)
def _head_of(name: str, p: _Patterns) -> str | None:
    """The head noun a name ends with (ignoring a phase suffix such as 一期 or (南沙段))."""
    core = _strip_phase(name) or name
    if p.nonheads.search(core):
        return None
    m = p.heads.search(core)
    if m:
        return m.group()
    # 晓星集团氨纶及聚四氢呋喃一期项目: the phase suffix's own 项目/工程 is the head
    return name[-2:] if core != name and name.endswith((_PROJECT_END, _WORKS_END)) else None


@lru_cache(maxsize=4096)
def _is_generic(name: str, p: _Patterns, heads: bool = True) -> bool:
    """A name with less than two characters left once head nouns and generic words are removed."""
    core = _strip_phase(name) or name
    core = PUNCT_STRIP.sub("", core)
    if heads:
        core = p.heads.sub("", core)
        core = p.heads_long.sub("", core)  # 城际铁路 -> 城际 -> ''
    rest = p.generic.sub("", core)
    if ALNUM.search(rest):
        return False
    return len(rest) < 2


def _has_mask(text: str) -> bool:
    """Can ``text`` hold a MASK span (a quote or a bracket)?"""
    return "“" in text or "（" in text or "(" in text


def _mask(text: str) -> str:
    """``text`` with the inside of quotes and brackets blanked out (same length, ends kept)."""
    if not _has_mask(text):
        return text
    return MASK.sub(lambda m: m.group()[0] + "＊" * (len(m.group()) - 2) + m.group()[-1], text)


def _unmasked(text: str) -> str:
    """``text`` without its quoted and bracketed spans."""
    return MASK.sub("", text) if _has_mask(text) else text


def _mask_quotes(text: str) -> str:
    """``text`` with its quoted spans (“…”) blanked out, quotes included (same length)."""
    if "“" not in text:
        return text
    return QUOTED.sub(lambda m: "＊" * len(m.group()), text)


def _list_seps(masked: str) -> list[tuple[int, int]]:
    """The spans of the list separators in a masked noun phrase."""
    if "、" not in masked and "/" not in masked and "”“" not in masked:
        return []
    return [m.span() for m in LIST_SEP.finditer(masked)]


def _split_list(np: str, base: int, p: _Patterns) -> list[_Item]:
    """Cut "A、B和C" into items with clause offsets; quotes and brackets are never cut.

    和/及/与 separate two items only when the left part ends with a head noun and the right part
    does not start with a word that modifies the left one (琶洲南大街及周边道路项目 stays whole).
    """
    masked = _mask(np)
    has_and = "和" in masked or "及" in masked or "与" in masked
    seps = _list_seps(masked)
    if not seps and not has_and:  # one item: the whole phrase
        return [_Item(np, base, base + len(np))] if np else []
    items: list[_Item] = []
    start = 0
    for sep_start, sep_end in [*seps, (len(np), len(np))]:
        piece, cur = np[start:sep_start], 0
        for m in SPLIT_AND.finditer(masked, start, sep_start) if has_and else ():
            a, b = m.start() - start, m.end() - start
            left, right = piece[cur:a], piece[b:]
            if a > cur and _head_of(left, p) and right and not NOT_SPLIT_AFTER_AND.match(right):
                items.append(_Item(left, base + start + cur, base + start + a))
                cur = b
        items.append(_Item(piece[cur:], base + start + cur, base + sep_start))
        start = sep_end
    return [it for it in items if it.text]


def _clean(item: _Item) -> _Item:
    """Drop what precedes a name inside an item: 投资4800万元的, 5000平方米, 一线城市首家, ——, …的."""
    text, start = item.text, item.start
    while True:
        before = text
        for rx in (INVEST_LEAD, MEASURE_LEAD, LEAD_FIRST, LEAD_SCALE) if ANY_LEAD.match(text) else ():
            m = rx.match(text)
            if m and m.end() < len(text):
                text, start = text[m.end() :], start + m.end()
        k = text.rfind("——")
        if k >= 0 and k + 2 < len(text):
            text, start = text[k + 2 :], start + k + 2
        k = _mask_quotes(text).rfind("的") if "的" in text else -1
        if k > 0 and (_patterns().leads.match(text) or COUNT_START.match(text)):
            return _Item("", start, start)  # 多个…的汽车生产基地: a plural, whatever follows
        if k >= 0 and len(text) - k - 1 >= 2:
            text, start = text[k + 1 :], start + k + 1
        new = NEW_BUILT.match(text)  # 新建图书馆投入使用: the building, not "a new one"
        if new and len(text) - new.end() >= 2:
            text, start = text[new.end() :], start + new.end()
        trimmed = text.lstrip("的了之 \u3000")
        start += len(text) - len(trimmed)
        text = trimmed
        if text == before:
            break
    trimmed = text.rstrip(" \u3000")
    return _Item(trimmed, start, start + len(trimmed))


def _may_be_name(name: str, status: str, p: _Patterns) -> bool:
    """What `_valid` requires of an item of an unmarked list: a head noun, or a company for 落地/签约."""
    return bool(_head_of(name, p)) or (status in ("落地", "签约") and bool(p.company.search(name)))


def _valid(name: str, marked: bool, status: str, p: _Patterns, loose: bool = False) -> bool:
    """Does a list item read as the name of one project / facility / company?

    ``marked``: the list is marked as projects or companies ("等N个项目"); ``loose``: its class is
    bare (项目, 企业, 一批优质项目), so items without a head noun (三七互娱, 蚂蚁) count too.
    """
    if not 2 <= len(name) <= 40 or len(_strip_phase(name)) < 2:
        return False  # 二期工程 on its own is no name
    if p.leads.match(name) or COUNT_START.match(name):
        return False
    bare = TRAILING_BRACKET.sub("", name) if name[-1] in ")）\n" else name
    if bare[-1:] in _COUNT_END_LAST and COUNT_END.search(bare):
        return False
    if BAD_CHAR.search(name) or name[0] in "的和及与等、”)）" or name[-1] == "的" or name.count("“") != name.count("”"):
        return False
    quoted = "".join(QUOTED.findall(name))
    if quoted and HAS_NUMERAL.search(quoted) and _is_generic(QUOTED.sub("", name) or "项目", p):
        return False  # slogans: “三高三快”, “百千万工程”, “两重”项目, “1+1+9”
    inner = _unmasked(name)  # quoted / bracketed parts may hold anything
    if CLAUSE_VERBS.search(inner) or SIZE_CLASS.search(inner) or (
            not _CLASSIFIERS.isdisjoint(inner) and COUNT_INSIDE.search(inner)):
        return False
    act = ACTIVITY_END.search(inner)
    if act and not (p.heads_in.search(inner[: act.start()]) and not _is_generic(inner[: act.start()], p)):
        return False
    if QUOTE_COUNT.match(name):
        return False  # “1”个省级成果转移转化中心; A级旅游景区
    if not marked and PROGRAMME.search(inner) and not p.heads_in.search(PROGRAMME.sub("", inner)):
        return False  # 医疗卫生强基工程, 企业上市升级工程: programmes, not construction
    if marked and loose and len(name) <= 3:
        return not _is_generic(name, p, heads=False)  # 蚂蚁, 同程, 大湾 in "等N个项目"
    if marked and (loose or _head_of(name, p) or p.company.search(name)):
        return not (_is_generic(name, p) and len(name) <= 4 and not QUOTE_ALNUM.search(name))
    if _is_generic(name, p) or CATEGORY_END.search(inner):
        return False
    if _head_of(name, p):
        return True
    return status in ("落地", "签约") and bool(p.company.search(name))


def _tail_split(np: str, subject: bool) -> tuple[str, str | None, str | None, bool]:
    """Split a noun phrase into its list and its tail.

    Returns (list part, tail, class, plural). ``class`` is set when the tail marks the items as
    projects or companies: the class words up to the class noun ("一批优质项目" in "等一批优质项目
    实现…", "三大平台"). ``plural`` when the phrase ends in a bare count or a batch ("大模型备案项目
    7个", "投建运营一批项目"), so it names a category, not projects.
    """
    cands = [m for m in LIST_DENG.finditer(_mask_quotes(np)) if m.start() > 0] if "等" in np else []
    if cands:
        m = cands[-1]
        tail = np[m.end() :]
        lead = COUNT_AT.match(tail)
        core = tail[lead.end() :] if lead else tail
        cm = None
        for found in LIST_CLASS.finditer(core):
            cm = found
        if cm is None or CLAUSE_VERBS.search(core[: cm.start()]):
            return np[: m.start()], tail, None, False
        gap = core[cm.end() :]
        ok_gap = (
            len(gap) <= (10 if subject else 6) and not CLAUSE_VERBS.search(gap if not subject else "")
        ) or bool(COUNT_OR_NUMBER.fullmatch(gap))
        cls = tail[: len(tail) - len(gap)]
        return np[: m.start()], tail, cls if ok_gap else None, False
    # a count ends within the last 13 characters (14 before a final line break) with its classifier
    m = COUNT_TAIL.search(np) if not _CLASSIFIERS.isdisjoint(np[-14:]) else None
    if m:
        if BATCH.match(m.group()) or not m.group(1) or TRAILING_BRACKET.fullmatch(m.group(1)):
            return np, None, None, True  # 投建运营一批项目, 备案项目7个, 住房15.6万套（间）: a category
        several = "、" in np[: m.start()] or bool(SPLIT_AND.search(np[: m.start()]))
        cls = np[m.start() :] if several and LIST_CLASS.search(m.group(1)) else None
        return np[: m.start()], np[m.start() :], cls, False
    if (np[-1:] in _NUMBER_LAST or np.endswith("\n")) and NUMBER_END.search(np):
        return np, None, None, True
    return np, None, None, False


def _owners(tail: str | None, cls: str | None, items: list[_Item], p: _Patterns) -> bool:
    """Whether a list counted (without 等: the caller tests it) by a bare 项目 names whose projects they
    are, not projects: "广州地铁、广航局2个项目获批" (but "哈萨尔、东升路两个市民广场" names them)."""
    if not (tail and cls) or not COUNT_START.match(tail):
        return False
    return COUNT_START.sub("", cls) in ("项目", "工程") and not any(_head_of(it.text, p) for it in items)


def _share_project_prefix(items: list[_Item], p: _Patterns) -> None:
    """Parts of one project listed after its name: "全国十四届冬运会主场馆项目大道馆、短道馆" → the
    project's 大道馆 and its 短道馆 (items after the first that are a bare head take its 项目/工程 prefix)."""
    if len(items) < 2:
        return
    first = items[0].text
    cut = max(first.rfind(_PROJECT_END), first.rfind(_WORKS_END))
    part = first[cut + 2 :] if cut > 0 else ""
    if not (1 <= len(part) <= 4 and _head_of(part, p)):
        return
    rest = items[1:]
    if all(len(it.text) <= 4 and _head_of(it.text, p) and not HAS_PROJECT_WORD.search(it.text) for it in rest):
        for it in rest:
            it.text = first[: cut + 2] + it.text


def _names(np: str, base: int, status: str, p: _Patterns, subject: bool) -> list[_Item]:
    """The names in noun phrase ``np`` (at clause offset ``base``), or [] when it is not a list of names."""
    np_list, tail, cls, plural = _tail_split(np, subject)
    marked = cls is not None
    if plural:
        return []
    items = [_clean(it) for it in _split_list(np_list, base, p)]
    items = [it for it in items if it.text]
    if not items:
        return []
    if p.leads.match(items[0].text):
        return []  # 一批优质教育医疗、文化体育项目: a plural, not names
    if not np.startswith("等", len(np_list)) and _owners(tail, cls, items, p):
        return []
    _share_project_prefix(items, p)
    last_head = _head_of(items[-1].text, p)
    # a count and class after the list names each item: 哈萨尔、东升路两个市民广场
    distributed = bool(tail) and not marked and COUNT_START.match(tail) is not None
    if len(items) > 1 and last_head:
        # shared head: 地铁18号、22号线 -> 地铁18号线; F37、F57地块 -> F37地块
        for it, nxt in pairwise(items):
            next_head = _head_of(nxt.text, p)
            if next_head and not _head_of(it.text, p) and NEEDS_HEAD.match(it.text):
                if it.text.endswith("号") and next_head.endswith("线"):
                    it.text += "线"
                elif ASCII_WORD.fullmatch(it.text):
                    it.text += next_head
        # coordinated modifiers: 特警、消防、民兵综合训练馆; 智慧旅游服务、管理和营销平台 -> one name
        whole = np[items[0].start - base : items[-1].end - base]
        if "的" not in whole and not distributed and all(
            len(it.text) <= (3 if marked else 4)
            and not _head_of(it.text, p)
            and not HAS_PROJECT_WORD.search(it.text)
            for it in items[:-1]
        ):
            items = [_Item(whole, items[0].start, items[-1].end)]
    if tail and not tail.startswith("等") and not marked:
        # distributed class: 伊敏河、六二六小河两条城市景观带 -> 伊敏河城市景观带, 六二六小河城市景观带
        shared = COUNT_START.sub("", tail)
        headless = all(not _head_of(it.text, p) for it in items)
        if len(items) > 1 and shared and _head_of(shared, p) and (headless or distributed):
            for it in items:
                it.text += shared
            marked = True
    if (
        len(items) > 1
        and last_head == "项目"
        and len(items[-1].text) > 4
        and all(len(it.text) >= 4 and not ACTIVITY_END.search(it.text) for it in items[:-1])
    ):
        marked = True  # A、B项目: the last item's generic head covers the others
    if not marked:
        # an unmarked list counts only when every item is a name, and an unmarked name ends with a
        # head noun (or a company ending, for landings and signings): test that first, it is cheap
        if all(_may_be_name(it.text, status, p) for it in items) and all(
            _valid(it.text, False, status, p) for it in items
        ):
            return items
        return []
    loose = cls is None or bool(LOOSE_CLASS.search(QUOTES.sub("", cls)))
    return [it for it in items if _valid(it.text, True, status, p, loose)]


# ---------------------------------------------------------------------------------------------
# clause scanning


def _resolve(status: str, verb: str | None) -> str | None:
    """Stage of a closing phrase; the generic 建设/施工 ('*') takes it from the verb before the names."""
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


def _num(s: str) -> float | None:
    try:
        return parse_number(s)
    except ValueError:
        return None


def _investment(c: str, span_start: int, item: _Item, prev: str, nxt: str, p: _Patterns) -> float | None:
    """A single project's own investment.

    总投资7亿元的X; X总投资241.6亿元; 投资6.6亿元，实施X (a bare investment clause before); X，该线路总投资….
    """
    found = None
    for m in p.invest.finditer(c, span_start, item.start):
        found = m
    if found is None:
        found = p.invest_after.match(c[item.end :])
    if found is None:
        found = p.invest_clause.match(prev) or p.invest_next.match(nxt)
    if found is None:
        return None
    return _num(next(g for g in found.groups() if g is not None))


LANDING = frozenset({"落户", "落地", "入驻"})


def _prefix_end(c: str, start: int, end: int, p: _Patterns) -> int:
    pre = p.prefix.match(c, start, end)
    return pre.end() if pre else start


class _Reading(NamedTuple):
    """The names a trigger yields, their stage, and the clause span that holds them and the trigger."""

    found: list[_Item]
    status: str  # set whenever found is not empty
    span: tuple[int, int]


_NOTHING = _Reading([], "", (0, 0))


def _after_subject(c: str, start: int, end: int, p: _Patterns) -> int:
    """Where the names start when a short subject, its adverbs and a verb open the clause: "深圳将扎实推进|
    深圳湾超级总部基地、…等20个重点片区规划建设" (the prefix takes adverbs and verbs, not the subject)."""
    subject = SUBJECT_VERB.match(c, start, end)
    if subject is None or not p.verb.match(c, subject.end("adverbs"), end):
        return start
    verb = p.verb.match(c, subject.end("adverbs"), end)
    rest = p.prefix.match(c, verb.end(), end)
    return rest.end() if rest else verb.end()


def _subject_reading(c: str, m: re.Match[str], pos: int, p: _Patterns) -> _Reading:
    """Names in ``c[pos:m.start()]`` whose stage is the stage phrase ``m`` after them."""
    if not p.name_word.search(c, pos, m.start()):
        return _NOTHING  # no head noun, company ending or list class: no name can come out
    pre = p.prefix.match(c, pos, m.start())
    np_start = _after_subject(c, pre.end() if pre else pos, m.start(), p)
    np = c[np_start : m.start()]
    fm = p.filler_end.search(np)
    if fm and fm.start() > 0:
        np = np[: fm.start()]
    verbs = p.verb.findall(c, pos, np_start)
    status = _resolve(lexicon().stages[m.group()], verbs[-1] if verbs else None)
    if not (status and np):
        return _NOTHING
    found = _names(np, np_start, status, p, subject=True)
    lead = c[pos:np_start]
    return _Reading(found, status, (pos + len(lead) - len(lead.lstrip()), m.end()))


def _object_reading(c: str, m: re.Match[str], p: _Patterns) -> _Reading:
    """Names after the verb ``m``, maybe closed by a stage phrase at the clause end."""
    verbs = lexicon().verbs
    rest_start = m.end()
    if not p.name_word.search(c, rest_start):
        return _NOTHING
    status = None
    np_end = len(c)
    se = p.stage_at_end.search(c, rest_start) if p.stage_tail.search(c, rest_start) else None
    if se and se.start() > rest_start:
        status = _resolve(lexicon().stages[se.group("stage")], m.group())
        if status:
            np_end = se.start()
    pre = p.prefix.match(c, rest_start, np_end)
    np_start = pre.end() if pre else rest_start
    if status is None:
        # the verb nearest the names decides: 加快筹设 X -> 规划, 推动建设 X -> 在建
        chain = [v for v in [m.group(), *p.verb.findall(c, rest_start, np_start)] if verbs[v] != "*"]
        status = verbs[chain[-1]] if chain else None
    if not status:
        return _NOTHING
    return _Reading(_names(c[np_start:np_end], np_start, status, p, subject=False), status, (m.start(), len(c)))


def _takes_object(c: str, m: re.Match[str], pos: int, p: _Patterns) -> bool:
    """Can the names follow trigger ``m`` (a verb, not 的-modifying, within reach of the clause end)?"""
    word = m.group()
    if word not in lexicon().verbs or c.startswith("的", m.end()) or len(c) - m.end() > REACH:
        return False
    # X落户Y: Y is where X landed, not a project (落户 takes an object only at the clause start)
    return not (word in LANDING and _prefix_end(c, pos, m.start(), p) < m.start())


def _mentions(c: str, off: int, reading: _Reading, prev: str, nxt: str, p: _Patterns) -> list[ProjectMention]:
    """One mention per name found, with the investment and target the clause gives."""
    found, status, span = reading
    # an investment belongs to one project, never to a list ("X等56个项目开工，总投资约630亿元")
    single = len(found) == 1 and not LIST_AFTER.match(c, found[0].end)
    investment = _investment(c, span[0], found[0], prev, nxt, p) if single else None
    around = c[span[0] : span[1]]
    for it in found:
        around = around.replace(c[it.start : it.end], "")
    target = _target(around)
    return [ProjectMention(it.text, status, off + span[0], off + span[1], investment, target) for it in found]


def _scan_clause(c: str, off: int, prev: str, nxt: str, p: _Patterns) -> list[ProjectMention]:
    """Mentions in clause ``c`` (at document offset ``off``), trigger by trigger."""
    stages = lexicon().stages
    out: list[ProjectMention] = []
    pos = 0
    for m in p.trigger.finditer(c):
        if m.start() < pos:
            continue
        reading = _NOTHING
        # subject reading: the names stand before the stage phrase (a list never spans more than
        # REACH characters; the bound keeps a long unpunctuated line linear)
        counted = COUNT_AT.match(c, m.end())
        pos = max(pos, m.start() - REACH)
        if m.group() in stages and m.start() > pos and not counted:
            reading = _subject_reading(c, m, pos, p)
        # object reading: the names follow the verb, maybe closed by a stage phrase
        if not reading.found and _takes_object(c, m, pos, p):
            reading = _object_reading(c, m, p)
        if not reading.found:
            continue
        out.extend(_mentions(c, off, reading, prev, nxt, p))
        pos = reading.span[1]
    return out


def _clauses(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The non-empty clauses of ``text[start:end]`` with their document offsets."""
    bounds = [start]
    for m in SEP.finditer(text, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    return [(text[a:b], a) for a, b in zip(bounds[::2], bounds[1::2], strict=True) if b > a]


_PROJECT_END, _WORKS_END = "项目", "工程"
#: A clause that counts what the next one names: "石嘴山市2个".
_COUNTED = re.compile(r"(?:[0-9]+|[一二两三四五六七八九十]+)个$")
#: What opens such a list: a colon or a count.
_LIST_OPENER = re.compile(r"[：:]|个[，,]")
#: A head saying that the list after its colon is of projects: "较大项目有：", "重点项目包括：".
_PROJECTS_HEAD = re.compile(r"项目(?:有|是|包括|为|分别是|主要有)$")
#: An item's own investment before its name: "投资达11亿元的虹发铝型材".
_INVESTED = re.compile(r"(?:总)?投资(?:达|约|超|超过)?(?P<amount>[0-9.]+(?:亿|万))元的")
#: The shortest name a clause of names alone may hold: shorter ones are categories (重点项目).
_LISTED_MIN = 6
#: What a category of projects opens with, never a name: 重点小城镇建设项目, 重大产业项目.
_CATEGORY_LEAD = ("重点", "重大")


def _listed_names(c: str, off: int, p: _Patterns, headed: bool = False,
                  status: str | None = None, owner: int | None = None) -> list[ProjectMention]:
    """Names that make up a whole clause without a stage word, as a bulletin lists its projects after
    a colon or a count ("石嘴山市2个，石嘴山市星海湖生态环境整治工程、宁夏金晶科技有限公司太阳能光伏轻质面板
    项目"): every item must be a long name ending in 项目 or 工程; the stage is ``status``, what the
    list's head told (`list_head_status`), else unknown. After a head that says they are projects
    ("较大项目有：投资达11亿元的虹发铝型材、投资10亿元的帛士数码等"), or one that tells their stage, any
    name counts, each with its own investment. ``owner``: where the clause that counts them starts.
    """
    headed = headed or status is not None
    lead = len(c) - len(c.lstrip())
    body = c.strip()
    if headed:
        body = body.removesuffix("等")
    elif len(body) < _LISTED_MIN or not body.endswith((_PROJECT_END, _WORKS_END)):
        return []
    raw = _split_list(body, lead, p)
    spans = [(it.start, it.end) for it in raw]  # the evidence keeps an item's investment
    investments = [_num(m.group("amount")) if headed and (m := _INVESTED.match(it.text)) else None for it in raw]
    items = [_clean(it) for it in raw]
    if not items or not all(_listed_item(it.text, headed, p) for it in items):
        return []
    return [ProjectMention(it.text, status or "unknown", off + s, off + e, amount, None, owner)
            for it, (s, e), amount in zip(items, spans, investments, strict=True)]


def _listed_item(name: str, headed: bool, p: _Patterns) -> bool:
    """Whether an item of a list without stage words is a project's name."""
    if headed:
        return _valid(name, True, "unknown", p, loose=True)
    ends = (_PROJECT_END, _WORKS_END)
    return (len(name) >= _LISTED_MIN and (name.endswith(ends) or (_strip_phase(name) or name).endswith(ends))
            and _valid(name, True, "unknown", p) and not _is_generic(name, p) and not name.startswith(_CATEGORY_LEAD))


def list_head_status(text: str, start: int, end: int) -> str | None:
    """The stage a list's head gives the projects it lists, when the sentence ``text[start:end]``
    opens such a list: "截至7月底未开工项目共5个，按责任单位划分分别是：…" → 规划, "投资完成率前九名项目，
    …分别是：…" → 在建. None when the sentence has no colon after a 项目 that a stage word qualifies."""
    colon = next((i for i in range(start, end) if text[i] in "：:"), -1)
    head = text[start:colon] if colon > start else ""
    if _PROJECT_END not in head:
        return None
    m = _patterns().list_head.search(head)
    return lexicon().list_heads[m.group("word")] if m else None


def find_projects(text: str, start: int, end: int, listed_status: str | None = None) -> list[ProjectMention]:
    """Named projects with their stage in the sentence ``text[start:end]``.

    Offsets in the result are document offsets; ``text[m.start:m.end]`` is the clause part that
    holds the name and its stage word. One mention per name, in text order. ``listed_status`` is
    the stage of the names a bulletin lists without stage words, when the head of their list (in
    this sentence or one before it) told it (`list_head_status`).
    """
    p = _patterns()
    # most sentences have no stage word or verb, or nothing a name could end with (a slice, not
    # search(text, start, end): the trigger's look-behinds must not see the text before the sentence)
    sentence = text[start:end]
    if not p.name_word.search(sentence):
        return []
    triggered = p.trigger.search(sentence) is not None
    if not triggered and not (_LIST_OPENER.search(sentence) and (_PROJECT_END in sentence or _WORKS_END in sentence)):
        return []
    clauses = _clauses(text, start, end)
    out: list[ProjectMention] = []
    for i, (c, off) in enumerate(clauses):
        found: list[ProjectMention] = []
        if triggered and p.trigger.search(c) and p.name_word.search(c):
            prev = clauses[i - 1][0].strip() if i else ""
            nxt = clauses[i + 1][0].strip() if i + 1 < len(clauses) else ""
            found = _scan_clause(c, off, prev, nxt, p)
        # a bulletin's names alone after a colon or a count (a 建设 inside a name triggers no stage)
        counted = bool(i) and _COUNTED.search(clauses[i - 1][0]) is not None
        if not found and i and (text[off - 1] in "：:" or counted):
            headed = text[off - 1] in "：:" and _PROJECTS_HEAD.search(clauses[i - 1][0]) is not None
            found = _listed_names(c, off, p, headed, listed_status, clauses[i - 1][1] if counted else None)
        out.extend(found)
    return out
