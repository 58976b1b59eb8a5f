"""Quantities: numbers with their unit, scale, qualifier and measure, found in one sentence.

``find_quantities(text, start, end)`` scans ``text[start:end]`` with one compiled regular
expression and returns `Quantity` mentions with document offsets. It knows nothing of places,
periods or subjects; `zhibiao.extract.facts` adds those.

Extraction cascade for one match:
1. the number (Arabic, full-width, Chinese, mixed, bare scale words after a qualifier);
2. an optional range end (``2—3个``, ``10%-15%``);
3. scale (万/亿/千) and unit, converted to the spec's base unit;
4. qualifier words before and after (约, 超, 以上, 最高 …);
5. measure, from the words just before the number (增长 → growth, 占 … 比重 → share …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.extract.numbers import ARABIC, CHINESE, parse_fraction, parse_number
from zhibiao.extract.text import clause_start

#: surface unit → (base unit, factor to the base unit)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("元", 1), "美元": ("美元", 1), "港元": ("港元", 1), "欧元": ("欧元", 1), "日元": ("日元", 1),
    "%": ("%", 1), "％": ("%", 1), "‰": ("‰", 1), "个百分点": ("百分点", 1), "百分点": ("百分点", 1),
    "倍": ("倍", 1),
    "平方米": ("平方米", 1), "平米": ("平方米", 1), "平方公里": ("平方米", 1e6), "平方千米": ("平方米", 1e6),
    "亩": ("平方米", 666.67), "公顷": ("平方米", 1e4),
    "公里": ("公里", 1), "千米": ("公里", 1), "米": ("米", 1), "毫米": ("毫米", 1),
    "吨标准煤": ("吨标准煤", 1), "吨公里": ("吨公里", 1), "吨": ("吨", 1), "公斤": ("公斤", 1), "斤": ("斤", 1),
    "千瓦时": ("千瓦时", 1), "度": ("千瓦时", 1), "千瓦": ("千瓦", 1), "兆瓦": ("千瓦", 1e3),
    "标箱": ("标箱", 1), "TEU": ("标箱", 1),
    "人次": ("人次", 1), "家次": ("家次", 1), "场次": ("场次", 1), "批次": ("批次", 1), "架次": ("架次", 1),
    "人公里": ("人公里", 1),
    "个": ("个", 1), "家": ("家", 1), "户": ("户", 1), "项": ("项", 1), "场": ("场", 1), "人": ("人", 1),
    "名": ("人", 1), "位": ("人", 1), "套": ("套", 1), "辆": ("辆", 1), "件": ("件", 1), "条": ("条", 1),
    "宗": ("宗", 1), "所": ("所", 1), "间": ("间", 1), "座": ("座", 1), "批": ("批", 1), "台": ("台", 1),
    "艘": ("艘", 1), "架": ("架", 1), "株": ("株", 1), "棵": ("棵", 1), "头": ("头", 1), "只": ("只", 1),
    "张": ("张", 1), "份": ("份", 1), "篇": ("篇", 1), "部": ("部", 1), "款": ("款", 1), "处": ("处", 1),
    "栋": ("栋", 1), "幢": ("幢", 1), "床": ("床", 1), "种": ("种", 1), "片": ("片", 1), "起": ("起", 1),
    "枚": ("枚", 1), "块": ("块", 1), "支": ("支", 1), "颗": ("颗", 1), "次": ("次", 1), "笔": ("笔", 1),
    "单": ("单", 1), "册": ("册", 1), "盏": ("盏", 1), "口": ("口", 1), "眼": ("眼", 1), "粒": ("粒", 1),
    "小时": ("小时", 1), "分钟": ("分钟", 1), "天": ("天", 1), "个月": ("个月", 1), "周": ("周", 1),
    "P": ("P", 1), "PFlops": ("P", 1), "PFLOPS": ("P", 1), "Pflops": ("P", 1), "EFLOPS": ("P", 1e3),
    "EFlops": ("P", 1e3), "Eflops": ("P", 1e3), "百亿亿次/秒": ("P", 1e3), "百亿亿次": ("P", 1e3),
    "千升": ("千升", 1), "立方米": ("立方米", 1), "羽": ("羽", 1), "列": ("列", 1), "标准箱": ("标箱", 1),
    "吉瓦": ("千瓦", 1e6), "GWh": ("GWh", 1),
    "微克/立方米": ("微克/立方米", 1), "毫克/立方米": ("毫克/立方米", 1), "℃": ("℃", 1),
    "微克每立方米": ("微克/立方米", 1), "毫克每立方米": ("毫克/立方米", 1),
    "岁": ("岁", 1), "周岁": ("岁", 1),
}
#: What an age in years measures: 人均预期寿命, 平均年龄.
_AGE_MEASURED = re.compile(r"寿命|年龄")
#: Classifiers of counted things.
_COUNTED = frozenset({"个", "家", "户", "项", "件", "条", "所", "座", "批", "宗", "套", "台", "辆", "名", "人"})
#: Units written after an Arabic numeral only: "8大特色平台" counts 8 platforms.
ARABIC_CLASSIFIERS = {"大": ("个", 1)}
#: Abstract nouns counted in slogans and outlines (两个维护, 四个方面), not things to measure.
_ABSTRACT = re.compile(r"方面|工作|领域|要求|方向|体系|机制|重点|坚持|支撑|作用|优势|意识|自信|维护|全面|统筹|"
                       r"目标|任务|"
                       r"原则|理念|战略|结合|转变|必须|确保|环节|导向|大局|市场|资源")
#: A unit character that starts a longer word is not a unit: 633项目, 2024人工智能.
_WORD_AFTER_UNIT = {"项": "目", "人": "工", "个": "体", "家": "居", "户": "外", "名": "单", "位": "于", "大": "学",
                    "周": "年岁"}
#: Units that need an Arabic numeral: after a Chinese numeral they are ordinary words
#: (一次 "once", 一度 "for a while", 一口 …, 一天).
ARABIC_ONLY_UNITS = {"次", "度", "口", "眼", "天", "周", "米", "P", "起", "单", "只", "片", "部", "份", "支", "场"}

SCALES = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3, "百": 1e2}

QUALIFIER_BEFORE = {
    "约": "approx", "大约": "approx", "近": "approx", "将近": "approx", "接近": "approx",
    "超过": "over", "超": "over", "逾": "over", "突破": "over", "多于": "over", "高于": "over",
    "不足": "under", "不到": "under", "低于": "under", "少于": "under",
    "不低于": "at_least", "不少于": "at_least", "至少": "at_least",
    "最高": "at_most", "不高于": "at_most", "不超过": "at_most", "最多": "at_most", "最长": "at_most",
}
QUALIFIER_AFTER = {"以上": "over", "多": "over", "余": "over", "以下": "under", "以内": "at_most", "内": "at_most",
                   "左右": "approx", "上下": "approx"}

#: 约 inside 签约, 节约, 制约 … is no qualifier.
_QUAL_BEFORE = "|".join(
    "(?<![签节制合公条契预邀特守违履])约" if q == "约" else q for q in sorted(QUALIFIER_BEFORE, key=len, reverse=True)
)
#: A bound stated earlier in the clause: 按不高于投资总额的10%, 最高给予500万元.
_BOUND_BEFORE = re.compile(r"(最高|不高于|不超过|最多|不低于|至少|不少于)[^，,；;。]{0,14}$")
_UNIT = "|".join(re.escape(u) for u in sorted([*UNITS, *ARABIC_CLASSIFIERS], key=len, reverse=True))
_SCALE = "万亿|千万|百万|亿|万|千"
_BARE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百"

QUANTITY = re.compile(
    # the lookahead keeps the scan from trying every character
    r"(?=[约大近将接超逾突多高不低少至最过0-9０-９零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百千万亿])"
    rf"(?P<qual>{_QUAL_BEFORE})?"
    rf"(?P<num>(?P<ar>{ARABIC})|(?P<cn>{CHINESE})|(?P<bare>{_BARE})(?=[余多]?(?:{_SCALE})?[余多]?(?:{_UNIT})))"
    rf"(?: ?(?P<more>[余多]))?(?: ?(?P<scale>{_SCALE}))?(?P<more2>[余多])?"
    rf"(?P<unit1>%|％)?"
    rf"(?:(?P<dash>[-—–~～－]{{1,2}}|至|到)(?P<num2>{ARABIC}|{CHINESE})(?P<scale2>{_SCALE})?)?"
    rf" ?(?P<unit>{_UNIT})"
    r"(?P<per>/(?:千人|万人|百人|人月|人|户|年|月|天|亿元|万元|平方公里|千米|公里))?"
    rf"(?P<post>以上|以下|以内|左右|上下|多|内(?![容部外地资涵]))?"
)

RANK = re.compile(
    r"(?=[排居位列跃升名保跻稳均全同第])(?P<ctx>排名|排|居|位居|位列|列|跃升至|跃居|升至|名列|保持|位于|跻身|稳居|居于|均居)?"
    r"(?P<scope>(?:全国|全省|全市|全区|全州|全盟|全县|全球|同类城市)(?:各区|各市|各县|同类城市|县市区)?)?"
    rf"第(?P<num>{ARABIC}|[一二三四五六七八九十]+)(?P<unit>位|名|大)?"
)

GROWTH_WORDS = ("增长", "增速", "同比", "增幅", "涨幅", "上涨", "上升", "提高", "提升", "增加", "扩大", "改善",
                "偏高", "偏多", "偏少", "偏低",
                "下降", "降低", "减少", "回落", "下滑", "下跌", "压缩", "缩减", "缩小", "降幅", "增", "降", "减",
                "精简", "削减", "压减")
NEGATIVE_WORDS = ("下降", "降低", "减少", "回落", "下滑", "下跌", "压缩", "缩减", "缩小", "降幅", "偏少", "偏低",
                  "降", "减", "精简", "削减", "压减")
SHARE_WORDS = ("比重", "占比", "占", "比例", "率", "达标", "覆盖", "的", "为", "增长面", "覆盖面")
#: 增加 inside 增加值 (value added) is a noun, no growth verb.
_MEASURE_WORD = re.compile(
    "(?!增加值)(?:" + "|".join(sorted({*GROWTH_WORDS, *SHARE_WORDS}, key=len, reverse=True)) + ")")
#: Absolute changes: a growth verb right before an amount that is not a percentage.
_CHANGE_BEFORE = re.compile(
    r"(?:(?:净增|净增加|增加|减少|(?<![最至许])多|(?<![最至缺])少|提高|增长了?|下降|降低|增收|减收|增支|减支|增产|减产|偏高|偏低|偏多|偏少)(?:了)?"
    r"|(?:比|较)[^，,；;]{0,8}(?:新增|增加|增长|减少))$"
)
_NOT_CHANGE = re.compile(r"(?:新增|增加值)$")
#: Per-capita ratios: 每万人发明专利拥有量, 每千常住人口托位数.
_RATE_SUBJECT = re.compile(
    r"每(?:十万|万|千|百)?(?:人|常住人口|户籍人口|户|平方公里|元)|^万元(?:GDP|地区生产总值|生产总值)"
)
#: An increment named as such: 营收增量超30亿元.
_CHANGE_SUBJECT = re.compile(r"(?:增量|增加额|净增额?|增收|净增加)\S{0,3}$|净增")
#: Growth named after the number: 实现10%以上增长.
_GROWTH_AFTER = re.compile(r"(?:以上|左右)?的?(?:较?[高低])?(?:增长|增速|增幅)")


@dataclass(slots=True)
class Quantity:
    """One number in the text with everything the number itself tells.

    ``start``/``end`` cover qualifier, number and unit; ``text[start:end]`` is the mention.
    ``measure`` is decided from the words just before the number.
    """

    start: int
    end: int
    value: float
    unit: str
    qualifier: str
    measure: str


#: The most characters the clause before a number reaches back (real clauses are under 90): the
#: bound keeps a long unpunctuated line linear.
CLAUSE_REACH = 200


def _clause_before(text: str, start: int, floor: int) -> str:
    """Text of the current clause before ``start`` (back to a comma or the sentence start)."""
    return text[clause_start(text, max(floor, start - CLAUSE_REACH), start, "，,；;。：:"):start]


#: Whether a text holds any growth (negative) word: one search instead of a test per word.
_ANY_GROWTH = re.compile("(?!增加值)(?:" + "|".join(GROWTH_WORDS) + ")")
_ANY_NEGATIVE = re.compile("|".join(NEGATIVE_WORDS))
_RAISED_TO = re.compile(
    r"(?:提高|提升|增加|增长|上升|下降|降低|减少|回落|增|降)(?:到|至)(?:(?:19|20)\d{2}年(?:底|末)?的?)?$"
)


#: A percentage of a plan or target ("分别完成年计划的118.2%、248.57%"): how much of it was done.
_OF_PLAN = re.compile(r"(?:计划|目标|任务)的(?:[0-9.]+%、)*$")


def _measure(text: str, start: int, floor: int, unit: str) -> tuple[str, int]:
    """(measure, sign) for a percentage or point change from the words before it."""
    if unit not in ("百分点", "%", "‰"):
        return "level", 1
    clause = _clause_before(text, start, floor)
    if unit == "百分点":
        sign = -1 if _ANY_NEGATIVE.search(clause) else 1
        return "change", sign
    before = text[max(floor, start - 24):start]
    words = list(_MEASURE_WORD.finditer(before))
    if _RAISED_TO.search(before) or _OF_PLAN.search(before):
        return "share", 1  # 提高到80%: the new level, not a change; 完成年计划的118.2%: a share of the plan
    # a bare "(25.1%)" after an industry's name lists its growth
    if start > floor and text[start - 1] in "(（" and not words:
        return "growth", 1
    for m in reversed(words):
        w = m.group()
        if w in ("的", "为") and m.end() != len(before):
            continue
        if w in SHARE_WORDS and (w != "率" or m.start() >= len(before) - len(clause)):
            if w in ("的", "为") and _ANY_GROWTH.search(clause):
                continue
            return "share", 1
        if w in GROWTH_WORDS and m.start() >= len(before) - len(clause) - 1:
            return "growth", -1 if w in NEGATIVE_WORDS else 1
    if _ANY_GROWTH.search(clause):
        return "growth", -1 if _ANY_NEGATIVE.search(clause) else 1
    return "share", 1


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every quantity mention in ``text[start:end]``, in text order, with document offsets."""
    end = len(text) if end is None else end
    found: list[Quantity] = []
    for m in QUANTITY.finditer(text, start, end):
        q = _from_match(text, m, start)
        if q:
            found.extend(q)
    # cheap substring tests keep the rarer scans off sentences that cannot hold their forms
    main = len(found)
    ratios: list[Quantity] = []
    if text.find("第", start, end) >= 0:
        found.extend(_ranks(text, start, end, found))
    if text.find("首", start, end) >= 0 or text.find("前", start, end) >= 0:
        found.extend(_top_ranks(text, start, end, found))
    if text.find("连", start, end) >= 0:
        found.extend(_runs(text, start, end, found))
    if text.find("翻", start, end) >= 0:
        found.extend(_doublings(text, start, end, found))
    if text.find("成", start, end) >= 0 or text.find("分之", start, end) >= 0:
        found.extend(_fractions(text, start, end, found))
    if text.find("亿", start, end) >= 0:
        found.extend(_bare_money(text, start, end, found))
    if text.find("、", start, end) >= 0:
        found.extend(_unit_from_next(text, start, end, found))
    if text.find("性别比", start, end) >= 0:
        found.extend(_sex_ratios(text, start, end, found))
    if text.find(":", start, end) >= 0 or text.find("：", start, end) >= 0 or text.find("∶", start, end) >= 0:
        ratios = _ratios(text, start, end)
        if ratios:
            found = [q for q in found if not any(r.start <= q.start < r.end for r in ratios)]
            found.extend(ratios)
    if ratios or len(found) != main:
        found.sort(key=lambda q: q.start)  # the main scan's mentions are in text order already
    return found


#: An amount in 亿 with no unit after it ("税收收入877.6亿", "GDP首次超过三万亿").
_BARE_MONEY = re.compile(
    rf"(?P<qual>{_QUAL_BEFORE})?(?P<num>{ARABIC}|{CHINESE})(?P<scale>万亿|亿)(?P<post>以上|左右|多|余)?"
    r"(?=[，,。；;、）)\s]|台阶|大关|关口|$)"
)
#: Words of money amounts: the unit a bare 亿 leaves out is 元 only after one of these.
_MONEY_WORDS = re.compile(
    r"收入|税收|产值|总值|增加值|营收|GDP|生产总值|经济总量|投资|总额|资金|贷款|存款|消费|零售|销售额|利润"
)


def _bare_money(text: str, start: int, end: int, found: list[Quantity]) -> list[Quantity]:
    """Amounts of money written without 元 after a money word: "实现税收收入877.6亿"."""
    out = []
    for m in _BARE_MONEY.finditer(text, start, end):
        if any(q.start <= m.start("num") < q.end for q in found) or not _MONEY_WORDS.search(
                _clause_before(text, m.start(), start)):
            continue
        try:
            value = parse_number(m.group("num")) * SCALES[m.group("scale")]
        except ValueError:
            continue
        qualifier = QUALIFIER_AFTER[m.group("post")] if m.group("post") else QUALIFIER_BEFORE.get(
            m.group("qual") or "", "exact")
        q_start = m.start() if m.group("qual") else m.start("num")
        out.append(Quantity(q_start, m.end(), value, "元", qualifier, "level"))
    return out


#: A number with its scale but no unit, listed before one that has both: "分别达1409万、1305万人次".
_UNITLESS_ITEM = re.compile(rf"(?<![0-9０-９.．])(?P<num>{ARABIC})(?P<scale>{_SCALE})、")


def _unit_from_next(text: str, start: int, end: int, found: list[Quantity]) -> list[Quantity]:
    """Items of a list that write their unit once, after the last number, take that unit."""
    out: list[Quantity] = []
    by_start = {q.start: q for q in found}
    unit_of: dict[int, str] = {}  # start of a listed number → the unit it was given
    for m in reversed(list(_UNITLESS_ITEM.finditer(text, start, end))):
        nxt = by_start.get(m.end())
        if nxt is None or nxt.measure != "level" or any(q.start <= m.start() < q.end for q in found):
            continue
        surface = unit_of.get(nxt.start)
        if surface is None:
            written = QUANTITY.match(text, nxt.start, end)
            if written is None or written.group("scale") != m.group("scale") or written.group("per"):
                continue
            surface = written.group("unit")
        try:
            value = parse_number(m.group("num")) * SCALES[m.group("scale")] * UNITS[surface][1]
        except (ValueError, KeyError):
            continue
        q = Quantity(m.start(), m.end() - 1, value, nxt.unit, "exact", "level")
        out.append(q)
        by_start[q.start] = q  # "A万、B万、C万人次": the unit passes back along the list
        unit_of[q.start] = surface
    return out


def _skip(text: str, m: re.Match[str], floor: int, groups: tuple[str | None, ...] | None = None) -> bool:
    """Numbers that are not quantities: ordinals, codes, dates, names, size classes.

    ``groups`` are ``m.groups()`` when the caller has them already.
    """
    qual, _, ar, cn, bare, more, _, more2, _, _, _, _, unit, _, post = groups or m.groups()
    s, e = m.start(2), m.end()
    prev = text[s - 1] if s > floor else ""
    nxt = text[e:e + 1]
    if qual is None and prev == "第":
        return True
    if prev and prev in "数几多若前后" and (cn or bare):
        return True  # vague amounts: 数十项, 几百人
    if qual in ("超", "超过") and unit in ("元", "美元") and nxt == "的":
        return True  # a size class: 营业收入超亿元的工业企业
    if bare and not (qual or more or more2):
        return True  # 亿元以上项目, 百度, 每万人: a scale word alone is not an amount
    unit_end = m.end(13)
    after_unit = text[unit_end:unit_end + 1]
    if after_unit and after_unit in _WORD_AFTER_UNIT.get(unit, ""):
        return True
    if unit in ARABIC_CLASSIFIERS and not ar:
        return True
    if prev and prev in "“《" and ar and _YEAR_LIKE.fullmatch(ar):
        return True  # a year opening a name: “2024人工智能…”
    if _in_quoted_name(text, s, e, floor, bool(cn or bare)):
        return True
    if prev and ((prev.isascii() and prev.isalnum()) or prev in "+＋.·"):
        return True  # part of a code or a name such as 5G, 1+1, G15
    if (nxt and nxt in "级型+＋") or text[e:e + 2] in ("号线", "周年") or (
            text[e:e + 2] == "年度" and unit not in _COUNTED):
        return True  # size classes (千亿级) and names ("293项年度改革任务" counts tasks)
    if unit == "项" and text[e:e + 2] == "规定":
        return True  # 中央八项规定: the name of a code of conduct
    if unit in _CAPACITY_UNITS and _NAME_BEFORE.search(text, max(floor, s - 2), s) and _NAMED_FACILITY.match(text, e):
        return True  # a capacity inside a name: 大唐700万吨露天矿, 亘富200万吨褐煤提质项目 (not 建设年产5万吨生产线)
    if unit in ("%", "％") and text.startswith("的有", e):
        return True  # a threshold of a class counted next: "全国占比超过10%的有44种"
    if ar and unit == "个" and text.startswith("方面", e):
        return True  # "重点抓好以下14个方面的工作": the outline of a speech
    if unit in ("岁", "周岁") and not _AGE_MEASURED.search(_clause_before(text, s, floor)):
        return True  # an age class (3岁以下婴幼儿, 年满18周岁), not an age measured (人均预期寿命79岁)
    if cn:
        if unit in ARABIC_ONLY_UNITS:
            return True
        if cn == "一" and unit in ("个", "项", "批", "种", "家", "件", "条", "块", "张", "处", "名", "位"):
            return True  # 一个, 一批: an article, not a count worth recording
        if unit == "元" and not m.group("scale") and _WORD_NEXT.match(nxt):
            return True  # 三元乳业, 二元结构: a word, not an amount of money
        if (s > floor and text[s - 1] in "十百千万") or (nxt and nxt in "是"):
            return True
        if prev == "”" or _ABSTRACT.match(text, m.end()):
            return True  # "A、B和C两个方面": the size of a list of ideas, not a count
    # a size class with no count of its own: "亿元以上项目", "5000万元以上企业"
    return bool(
        post == "以上" and unit in ("元", "美元")
        and _SIZE_CLASS_NOUN.match(text[e:e + 5])
        and not _SIZE_CLASS_VERB.search(text[max(floor, s - 4):s])
    )


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
#: Units of a plant's capacity, and the facilities a capacity names: "日产500吨熟料生产线".
_CAPACITY_UNITS = frozenset({"吨", "千瓦", "兆瓦", "吉瓦", "立方米", "标箱", "标准箱", "千升"})
_NAMED_FACILITY = re.compile(
    r"[^\W\d_]{0,8}?(?:露天矿|煤矿|矿井|项目|生产线|产线|电站|电厂|工厂|装置|码头|泊位|水厂|储罐)"
)
#: What a capacity inside a name follows: the owner's name, not a verb or 年产/日产 ("建设日产6200吨…生产线").
_NAME_BEFORE = re.compile(r"(?<!日产|年产|产能|建设|新建|新增|扩建|达到|形成|实现|具备|规模)(?<=[^\W\d_])$")
#: A character that goes on a word: not a break, a qualifier or a particle after an amount.
_WORD_NEXT = re.compile(r"[^\W\d_以左上下的每余多]")
_SIZE_CLASS_NOUN = re.compile(r"[的]?(?:项目|企业|工业|重点|产业|固定资产)")
_SIZE_CLASS_VERB = re.compile(r"(?:投资|达|实现|完成|规模)$")
#: An Arabic numeral that ``float`` reads as written: ASCII digits and at most a decimal point.
_PLAIN_ARABIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_LESS_BEFORE = re.compile(r"(?:减少|少|下降|降低|减收|减支|减产|偏低|偏少)了?$")


def _in_quoted_name(text: str, s: int, e: int, floor: int, chinese: bool) -> bool:
    """Numbers inside a quoted slogan or name: “四个坚持”, “民营经济22条”."""
    opened = text.rfind("“", max(floor, s - 12), s)
    if opened < 0 or "”" in text[opened:s]:
        return False
    return chinese or text[e:e + 1] == "”"


def _from_match(text: str, m: re.Match[str], floor: int) -> list[Quantity]:
    groups = m.groups()
    if _skip(text, m, floor, groups):
        return []
    qual, num, ar, _, bare, more, scale_word, more2, unit1, _, num2, scale2, unit_surface, per, post = groups
    base, factor = UNITS.get(unit_surface) or ARABIC_CLASSIFIERS[unit_surface]
    if unit1 and unit_surface not in ("%", "％"):
        return []
    # "6-8亿元", "3至5万吨": the scale written once, after the second number, is both numbers'
    scale = SCALES.get(scale_word or "", 0) or (SCALES.get(scale2 or "", 1) if num2 else 1)
    try:
        if ar is not None and _PLAIN_ARABIC.fullmatch(ar):
            low = float(ar) * scale * factor  # what parse_number gives, without its steps
        elif bare:
            low = (SCALES.get(num, 0) or parse_number("一" + num)) * scale * factor
        else:
            low = parse_number(num) * scale * factor
        high = None
        if num2:
            high = parse_number(num2) * SCALES.get(scale2 or "", scale) * factor
    except ValueError:
        return []
    qualifier = QUALIFIER_BEFORE.get(qual or "", "exact")
    m_start = m.start()
    if qualifier == "exact":
        bound = _BOUND_BEFORE.search(text, max(floor, m_start - 20), m_start)
        if bound:
            qualifier = QUALIFIER_BEFORE[bound.group(1)]
    if more or more2:
        qualifier = "over"
    if post:
        qualifier = QUALIFIER_AFTER[post]
    q_start = m_start if qual else m.start(2)
    measure, sign = _measure(text, q_start, floor, "%" if base == "倍" else base)
    value_unit = base
    if base == "倍":
        if measure == "growth":
            low, high, value_unit = low * 100, high * 100 if high else None, "%"
        else:
            measure = "rate"
    elif base in ("%", "‰", "百分点"):
        pass
    else:
        before = text[max(floor, q_start - 14):q_start]
        measure = "change" if _CHANGE_BEFORE.search(before) and not _NOT_CHANGE.search(before) else "level"
        if measure == "change" and _LESS_BEFORE.search(before):
            sign = -1
    if base == "‰":
        measure = "rate"
    if per:
        value_unit += per
        measure = "level" if base in ("元", "美元") else "rate"
    elif measure == "level":
        clause = _clause_before(text, q_start, floor)
        if _RATE_SUBJECT.search(clause):
            measure = "rate"
        elif _CHANGE_SUBJECT.search(clause.split("、")[-1]):
            measure = "change"
    elif measure == "share" and _GROWTH_AFTER.match(text, m.end()):
        measure = "growth"
    if high is None:
        return [Quantity(q_start, m.end(), sign * low, value_unit, qualifier, measure)]
    return [
        Quantity(q_start, m.end(), sign * low, value_unit, "at_least", measure),
        Quantity(q_start, m.end(), sign * high, value_unit, "at_most", measure),
    ]


def _taken(m: re.Match[str], taken: list[Quantity]) -> bool:
    """Whether a match overlaps a quantity already found (the later scans yield to the earlier)."""
    return any(q.start < m.end() and m.start() < q.end for q in taken)


def _ranks(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """Ranks such as 跃升至第7位, 排名全市第二, 居全市第一."""
    out = []
    for m in RANK.finditer(text, start, end):
        if not (m.group("ctx") or m.group("scope")) or _taken(m, taken):
            continue
        if not m.group("ctx") and not m.group("unit") and not re.search(
                r"(?:排名|排|居|位居|位列|列|名列|保持|稳居|均居)$", text[max(start, m.start() - 6):m.start()]):
            nxt = text[m.end():m.end() + 2]
            if not m.group("scope") or (nxt and nxt[0] in "批次届个"):
                continue
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            continue
        s = m.start("ctx") if m.group("ctx") else m.start()
        out.append(Quantity(s, m.end(), value, "位", "exact", "rank"))
    return out


#: Doublings: "实现翻番" (+100%), "翻两番" (+300%).
DOUBLING = re.compile(r"翻(?:(?P<n>一|两|三)番|番)")


def _doublings(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """A doubling is a growth of 100% (翻番, 翻一番), quadrupling 300% (翻两番)."""
    out = []
    for m in DOUBLING.finditer(text, start, end):
        if _taken(m, taken) or _in_quoted_name(
                text, m.start(), m.end(), start, True):
            continue
        times = {"一": 1, "两": 2, "三": 3}.get(m.group("n") or "一", 1)
        out.append(Quantity(m.start(), m.end(), (2 ** times - 1) * 100.0, "%", "exact", "growth"))
    return out


#: Runs of years: "连续16年位居全国首位", "连续两年荣获…", "二十二连丰".
RUN = re.compile(
    r"连续(?P<num>[0-9]{1,2}|[一二两三四五六七八九十]{1,3})年(?![度底末初])"
    r"|(?P<times>[一二三四五六七八九十]{1,3})连(?:丰|增|好|冠|胜)"
)


def _runs(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """How many years running something held: a level in 年."""
    out = []
    for m in RUN.finditer(text, start, end):
        if _taken(m, taken) or _in_quoted_name(
                text, m.start(), m.end(), start, True):
            continue
        try:
            value = parse_number(m.group("num") or m.group("times"))
        except ValueError:
            continue
        out.append(Quantity(m.start(), m.end(), value, "年", "exact", "level"))
    return out


#: Ranks without 第: "居全国首位" (1), "稳居全国各区(县)前六" (6 at most), "前十强".
TOP_RANK = re.compile(
    r"(?:居|位居|稳居|跃居|位列|名列|均居|居于|排名|排在|进入|跻身|保持)"
    r"(?P<scope>[^，,；;。、]{0,10}?)"
    r"(?:(?P<first>首位|榜首|之首)|前(?P<top>[0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:名|位|强)?(?![0-9一二三四五六七八九十]))"
)


def _top_ranks(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """Ranks written as a place at the top: 居全国首位, 稳居全国前十强."""
    out = []
    for m in TOP_RANK.finditer(text, start, end):
        if _taken(m, taken) or not _RANK_SCOPE.search(m.group("scope")):
            continue
        try:
            value, qualifier = (1.0, "exact") if m.group("first") else (parse_number(m.group("top")), "at_most")
        except ValueError:
            continue
        out.append(Quantity(m.start(), m.end(), value, "位", qualifier, "rank"))
    return out


#: What a rank is among: "全国", "全省各区(县)", "中西部", "同类城市".
_RANK_SCOPE = re.compile(r"全国|全省|全市|全区|全球|世界|中部|西部|东部|东北|同类|各区|各市|各县|城市|省份")


FRACTION = re.compile(
    r"(?=[约大近将接超逾突多高不低少至最一二两三四五六七八九十百0-9])"
    rf"(?P<qual>{_QUAL_BEFORE})?(?P<frac>[一二两三四五六七八九十百]+分之[一二两三四五六七八九十]+"
    r"|(?:[一二两三四五六七八九]|[0-9](?:\.[0-9])?)成)(?P<post>以上|左右|多)?"
)


def _fractions(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """Shares written as fractions or tenths: 三分之一, 两成, 五成以上 (values in percent)."""
    out = []
    for m in FRACTION.finditer(text, start, end):
        if _taken(m, taken):
            continue
        before = text[m.start() - 1] if m.start() > start else ""
        if before and (before in "这那每一" or (before.isascii() and before.isalnum())):
            continue  # 这两成; a model number such as AR-E3000成功首飞
        value = parse_fraction(m.group("frac"))
        qualifier = QUALIFIER_BEFORE.get(m.group("qual") or "", "exact")
        if m.group("post"):
            qualifier = QUALIFIER_AFTER[m.group("post")]
        measure, sign = _measure(text, m.start(), start, "%")
        out.append(Quantity(m.start(), m.end(), sign * value, "%", qualifier, measure))
    return out


#: A sex ratio, men per 100 women, written as a bare number: "户籍人口性别比为 97.73".
SEX_RATIO = re.compile(r"性别比(?:为|是|达到?)?\s?(?P<num>\d+(?:\.\d+)?)(?![\d.%％‰])")


def _sex_ratios(text: str, start: int, end: int, taken: list[Quantity]) -> list[Quantity]:
    """Sex ratios: a rate in 女=100, the unit statistical reports write above such a column."""
    out = []
    for m in SEX_RATIO.finditer(text, start, end):
        if not any(q.start < m.end("num") and m.start("num") < q.end for q in taken):
            out.append(Quantity(m.start("num"), m.end("num"), float(m.group("num")), "女=100", "exact", "rate"))
    return out


RATIO = re.compile(r"(?<![\d.:：∶])(\d+(?:\.\d+)?)[:：∶](\d+(?:\.\d+)?)(?:[:：∶](\d+(?:\.\d+)?))?(?![\d.:：∶])")


def _ratios(text: str, start: int, end: int) -> list[Quantity]:
    """Ratios: an industry structure 10.1:43.5:46.4 gives three shares; 收入比2.06:1 a rate."""
    out = []
    for m in RATIO.finditer(text, start, end):
        parts = [g for g in m.groups() if g]
        if len(parts) == 3 and abs(sum(float(p) for p in parts) - 100) < 0.5:
            out.extend(Quantity(m.start(), m.end(), float(p), "%", "exact", "share") for p in parts)
        elif len(parts) == 2 and parts[1] == "1" and "比" in text[max(start, m.start() - 4):m.start()]:
            out.append(Quantity(m.start(), m.end(), float(parts[0]), "倍", "exact", "rate"))
    return out
