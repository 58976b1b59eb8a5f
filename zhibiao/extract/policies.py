"""Quantitative rules of subsidy and support policies.

`find_policies(text, start, end)` reads one sentence ``text[start:end]`` and returns a `PolicyRule`
for every support rule it states with a number: a rate of a base ("按不高于固定资产投资总额的10%
给予一次性扶持" -> rate 10) and/or a cap in yuan ("同一项目最高1亿元" -> cap 1e8). A rate and a
cap in the same clause group (up to a semicolon) form one rule. Totals paid out ("发放租赁补贴
70.5万元") are not rules, nor are summary headlines ("同一项目最高扶持1亿元" on its own line).

`policy_title(text)` finds the policy's title: a 《…措施/办法/政策…》 title that is issued
(印发, 出台, 以下简称), a "关于印发…的通知", or a headline naming 措施/办法/政策.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.extract.numbers import NUMBER, parse_fraction, parse_number

__all__ = ["PolicyRule", "find_bound_rules", "find_condition_rules", "find_policies", "policy_title"]


@dataclass
class PolicyRule:
    """One quantitative rule of a support policy."""

    beneficiary: str  # who qualifies: '新型储能制造业项目'
    condition: str | None  # the threshold as written: '固定资产投资5000万元以上'
    rate: float | None  # percent of a base (10 for "不高于…10%")
    cap: float | None  # maximum in yuan (1e8 for "最高1亿元")
    start: int  # text[start:end] is the evidence
    end: int


#: words that make a clause a support rule
SUPPORT = re.compile(
    r"给予|予以|扶持|补贴|补助|资助|奖励|奖补|贴息|支持|减免|返还|退还|担保贷款|贷款|购房支持|租房补贴"
)
#: words that make an amount a total paid out, not a rule
TOTAL = re.compile(r"发放|兑现|兑付|下达|投放|拨付|累计|共计|合计|总额|总计|安排资金|筹集|拟资助资金|资金达")
MONEY = rf"({NUMBER})(元|美元)"
CAP = re.compile(
    rf"(?:最高|最多|上限|封顶|不超过|不高于)"
    rf"(?:不超过|不高于|可达|可获|达到|达|为|给予|予以|奖励|补贴|资助|扶持|支持|补助|一次性|每年|每家)*"
    rf"{MONEY}"
)
#: a fixed amount granted per beneficiary: 给予一次性10万元奖励, 每家奖励50万元
FIXED = re.compile(
    rf"(?:给予|予以|奖励|补贴|补助|资助|扶持)(?:一次性|每家|每户|每人|每个|每年)*{MONEY}"
    rf"(?:的)?(?:一次性)?(?:奖励|补贴|补助|资助|扶持|支持|奖补)?"
)
RATE = re.compile(
    rf"(?:按(?:照)?(?:不高于|不超过|最高)?[^，,。；;%]{{0,30}}?|(?:返还|退还|减免)[^，,。；;%]{{0,30}}?"
    rf"|(?:给予|予以|补贴|资助|补助|奖励|扶持|奖补)"
    rf"(?:比例)?(?:为|按|不高于|不超过|最高|的)?)(?<![达到超过])({NUMBER})[%％]"
)
SCOPE_WORD = re.compile(r"^(?:单个|同一|每个|每家|每户|每人|单家|单项|单户|每项)")
#: who may benefit, when no 对… names them
BENEFICIARY = re.compile(
    r"[^，,。；;：:、的]{0,10}?(?:企业|项目|人才|人员|园区|机构|个人|团队|毕业生|农户|主体|创业者|单位|平台)"
)
SCOPE = re.compile(
    r"(?:单个|同一|每个|每家|每户|每人|单家|单项|单户|每项)([^，,。；;、\d]{1,8}?)"
    r"(?=每年|最高|最多|资助|奖励|补贴|累计|可|给予|不超过|$)"
)
SUBJECT = re.compile(
    r"(?:^|[，,；;])[^，,；;]{0,12}?对(?:于)?([^；;。]{2,120}?)(?:的|者)?(?:[，,]|给予|予以|按|可|$)"
)
CONDITION = re.compile(
    rf"[^、，,的]{{0,16}}?{NUMBER}(?:万元|亿元|元|人|%|平方米|家)?(?:以上|及以上|以下|及以下|起)"
)
CLAUSE = re.compile(r"[^；;。！？!?]+")
LINE_END = re.compile(r"[。！？；.!?;:：]\s*$")


def _num(s: str) -> float | None:
    try:
        return parse_number(s)
    except ValueError:
        return None


def _yuan(number: str, unit: str) -> float | None:
    v = _num(number)
    if v is None or unit != "元":
        return None
    return v


def _is_headline(text: str, start: int, end: int) -> bool:
    """Is the span a summary line (a headline or sub-title) rather than body text?"""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    line = text[ls:le].strip()
    return len(line) < 60 and not LINE_END.search(line) and "对" not in line


def _clean_beneficiary(ben: str) -> str:
    ben = re.sub(r"^[\s\u3000]*(?:为|对|在|向|从|由|支持|鼓励|引导|推动|帮助)*", "", ben)
    ben = SCOPE_WORD.sub("", ben)
    ben = re.sub(r"(?:最高|最多|每年|一次性|给予|予以)+$", "", ben)
    ben = re.sub(r"^(?:优质|符合条件|新引进|新认定|新落户)+", "", ben)
    return ben.strip("、，, ")


def _beneficiary(seg: str, upto: int) -> tuple[str, str | None, int]:
    """Who a rule is for, its threshold, and where the subject starts in ``seg[:upto]``."""
    subjects = [
        m for m in SUBJECT.finditer(seg, 0, upto) if not re.match(r"其|此|该|上述|以上", m.group(1))
    ]
    if subjects:
        m = subjects[-1]
        subj = m.group(1)
        condition = None
        cm = CONDITION.search(subj)
        if cm:
            condition = cm.group().lstrip("、的")
        # the beneficiary is the head after the last 的 (新引进的、…以上的优质新型储能制造业项目)
        parts = [p for p in re.split(r"的", subj) if p]
        ben = parts[-1] if parts else subj
        # 高层次人才在白云区购买新建商品房 -> 高层次人才; condition = the rest
        cut = re.search(r"在|购买|取得|获得|开展|符合|达到|实现|年度|首次|新招用|自主", ben)
        if cut and cut.start() >= 2:
            condition = condition or ben[cut.start() :]
            ben = ben[: cut.start()]
        elif cut and condition is None:
            condition = ben
        if len(parts) > 1 and condition is None:
            condition = "的".join(parts[:-1])
        ben = re.split(r"、|等", ben)[-1] if "等" in ben else ben
        return _clean_beneficiary(ben) or subj, condition, m.start(1)
    # no 对…: the first beneficiary noun of the clause (符合…条件的人员自主创业的，可申请…)
    b = BENEFICIARY.search(seg, 0, upto)
    if b:
        head = seg[:upto]
        # (the quick test spares the search, which tries 120 characters at every start)
        cond = re.search(r"([^，,]{2,120}?)的[，,]", head) if "的，" in head or "的," in head else None
        return _clean_beneficiary(b.group()), cond.group(1) if cond else None, b.start()
    s = SCOPE.search(seg, 0, upto)
    if s:
        return _clean_beneficiary(s.group()), None, s.start()
    return "", None, 0


def find_policies(text: str, start: int, end: int) -> list[PolicyRule]:
    """Quantitative support-policy rules in the sentence ``text[start:end]`` (document offsets)."""
    sentence = text[start:end]
    if not SUPPORT.search(sentence) or _is_headline(text, start, end):
        return []
    out: list[PolicyRule] = []
    for seg_m in CLAUSE.finditer(sentence):
        seg = seg_m.group()
        if not SUPPORT.search(seg):
            continue
        base = start + seg_m.start()
        caps: list[tuple[float, int, int]] = []
        for m in CAP.finditer(seg):
            v = _yuan(m.group(1), m.group(2))
            if v is not None:
                caps.append((v, m.start(), m.end()))
        if not caps:
            for m in FIXED.finditer(seg):
                before = seg[max(0, m.start() - 12) : m.start()]
                if TOTAL.search(before) or TOTAL.search(m.group()):
                    continue
                v = _yuan(m.group(1), m.group(2))
                if v is not None and ("对" in seg[: m.start()] or re.search(r"每|单个|一次性", m.group())):
                    caps.append((v, m.start(), m.end()))
        rates: list[tuple[float, int, int]] = []
        for m in RATE.finditer(seg):
            v = _num(m.group(1))
            # the support word may open the clause group: "返还标准可按…确定，或按…费50%的标准确定"
            if v is None or not 0 < v <= 100 or not SUPPORT.search(seg, 0, min(len(seg), m.end() + 12)):
                continue
            if re.search(r"费率|利率|税率|增长|提高|占比|比重|达到", seg[max(0, m.start() - 8) : m.end()]):
                continue
            rates.append((v, m.start(), m.end()))
        if not caps and not rates:
            continue
        first = min([s for _, s, _ in caps + rates], default=len(seg))
        ben, cond, subj_start = _beneficiary(seg, first)
        pairs: list[tuple[float | None, float | None, int, int]] = []
        for i, (cap, cs, ce) in enumerate(caps):
            if i < len(rates):
                r, rs, re_ = rates[i]
                pairs.append((r, cap, min(rs, cs), max(re_, ce)))
            else:
                pairs.append((None, cap, cs, ce))
        for r, rs, re_ in rates[len(caps) :]:
            pairs.append((r, None, rs, re_))
        for rate, cap, s, e in pairs:
            s0 = min(subj_start, s)
            if s - s0 > 80:  # a far subject: the evidence starts at the clause holding the amount
                s0 = max(seg.rfind("，", 0, s), seg.rfind(",", 0, s)) + 1
            lead = len(seg[s0:]) - len(seg[s0:].lstrip("，, "))
            out.append(PolicyRule(ben, cond, rate, cap, base + s0 + lead, base + e))
    return out


#: A bound a policy sets on a ratio: "担保费率原则上不超过1%", "比例不得低于80%", "降至1%以下".
BOUND = re.compile(
    rf"(?:不超过|不高于|不得高于|不得超过|不低于|不得低于|降至|达到)(?:承担风险责任的|[^，,。；;%0-9]{{0,8}}?)"
    rf"({NUMBER})[%％]"
)


#: A bound on a share written as a fraction: "允许不超过五分之一…的中国公民担任股东".
FRACTION_BOUND = re.compile(
    r"(?:不超过|不高于|不得高于|不得超过|不低于|不得低于)([一二两三四五六七八九十百]+分之[一二两三四五六七八九十]+)"
)


def _bounds(seg: str) -> list[tuple[float | None, re.Match[str]]]:
    """The ratio bounds of a clause group and their rates in percent, in text order."""
    found = [(_num(m.group(1)), m) for m in BOUND.finditer(seg)]
    found += [(parse_fraction(m.group(1)), m) for m in FRACTION_BOUND.finditer(seg)]
    return sorted(found, key=lambda b: b[1].start())


def find_bound_rules(text: str, start: int, end: int) -> list[PolicyRule]:
    """Rules of a policy document that bound a ratio (a fee rate, a share) rather than grant money.

    Only for policy documents: in a report, "不低于80%" is a result or a goal, not a rule. A bound
    that qualifies a noun ("费率不超过1%的担保业务") is a condition of another rule, not one itself.
    """
    out: list[PolicyRule] = []
    sentence = text[start:end]
    if "%" not in sentence and "％" not in sentence and "分之" not in sentence:
        return out
    for seg_m in CLAUSE.finditer(sentence):
        seg = seg_m.group()
        base = start + seg_m.start()
        for rate, m in _bounds(seg):
            if rate is None or not 0 < rate <= 100 or seg.startswith("的", m.end()):
                continue
            ben, cond, subj_start = _beneficiary(seg, m.start())
            s0 = max(seg.rfind("，", 0, m.start()), seg.rfind(",", 0, m.start())) + 1
            s0 = min(s0, subj_start) if m.start() - subj_start <= 80 else s0
            lead = len(seg[s0:]) - len(seg[s0:].lstrip("，, "))
            out.append(PolicyRule(ben, cond, rate, None, base + s0 + lead, base + m.end()))
    return out


#: A numeric threshold of a rule: an amount, a duration or a count bounded or classed
#: ("单户担保金额500万元及以下", "3—12个月的就业见习", "参保1年以上", "每人每年只享受一次", "最多不超过六批").
THRESHOLD = re.compile(
    rf"(?P<bound>不超过|不高于|不得超过|最多|最长|至少|不低于|不少于|只享受|只能)?"
    rf"(?P<n>{NUMBER}(?:[—\-~至]{NUMBER})?)(?P<unit>万元|亿元|元|个月|周岁|岁|年|人|次|批|天|日)"
    r"(?P<post>以上|以下|及以下|及以上|以内)?"
)
#: Words that make a clause group a rule of the policy without a support word: a limit it sets.
LIMIT = re.compile(r"不超过|不得超过|最多|最长|至少|不少于|只享受|只能|申领条件|放宽至")


def _threshold(seg: str) -> re.Match[str] | None:
    """The first numeric threshold of a clause group (not a date: 2019年, 12月31日)."""
    for m in THRESHOLD.finditer(seg):
        if m.group("unit") in ("年", "日") and not m.group("post"):
            continue  # a date or a year, unless a duration bounded (1年以上)
        if m.group("bound") or m.group("post") or m.group("unit") in ("个月", "周岁", "岁") or "—" in m.group("n"):
            return m
    return None


def find_condition_rules(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[PolicyRule]:
    """Rules of a policy document whose number is a threshold, not a rate or a cap: who qualifies
    or how long ("参加3—12个月的就业见习，按规定给予就业见习补贴", "重点支持单户担保金额500万元及以下的
    小微企业"). ``taken`` are the spans of the rules found otherwise; a clause holding one is skipped.
    A sentence states one such rule: its thresholds ("扩展至16—24岁失业青年；组织失业青年参加3—12个月
    的就业见习") are the conditions of the same measure.
    """
    out: list[PolicyRule] = []
    sentence = text[start:end]
    for seg_m in CLAUSE.finditer(sentence):
        seg = seg_m.group()
        if not (SUPPORT.search(seg) or LIMIT.search(seg)):
            continue
        base = start + seg_m.start()
        m = _threshold(seg)
        if m is None:
            continue
        s = max(seg.rfind("，", 0, m.start()), seg.rfind(",", 0, m.start())) + 1
        e = min((i for i in (seg.find("，", m.end()), seg.find(",", m.end())) if i >= 0), default=len(seg))
        if any(base + s < te and ts < base + e for ts, te in taken):
            continue
        if out:
            out[0].end = base + e
            continue
        ben, cond, _ = _beneficiary(seg, m.start())
        lead = len(seg[s:]) - len(seg[s:].lstrip("，, "))
        out.append(PolicyRule(ben, cond or m.group(), None, None, base + s + lead, base + e))
    return out


TITLE = re.compile(
    r"《([^《》\n]{4,80}?(?:措施|办法|政策|意见|细则|方案|规定|条例|指引|规划|计划|目录|通知|决定|条款|十条|"
    r"若干|实施方案|行动方案|工作方案)(?:[(（][^()（）]{1,10}[)）])?)》"
)
ISSUE_AFTER = re.compile(r"^(?:[(（]以下简称|印发|出台|发布|实施|施行|正式|提出|明确)")
ISSUE_BEFORE = re.compile(r"(?:印发|出台|发布|制定|根据|按照|依据|落实|实施)了?$")
NOTICE = re.compile(r"关于印发(.{4,60}?)的通知")
#: a document opening with its title, possibly over two lines before a blank line or a 文号
OPENING = re.compile(r"\s*(?:[^\n。，,：:]{2,40}\n\s*){1,3}")
DOC_TITLE = re.compile(
    r"^[^。，,：:]{0,30}关于[^。，,：:]{2,60}?(?:意见|通知|措施|办法|决定|方案|规定|细则|政策)(?:[(（][^)）]{1,8}[)）])?"
)
HEADLINE = re.compile(r"^[^\n。，,]{4,40}(?:措施|办法|政策|新政|细则|条例)[^\n。]{0,20}$", re.M)


def policy_title(text: str) -> str | None:
    """The title of the policy a document (or the text before a rule) is about, or None.

    Prefers a 《…》 title that the text says is issued (印发/出台/发布, 以下简称) and that names a
    support instrument (措施, 办法, 政策, 细则, 资助); ties go to the last one, so a caller may pass the
    text up to a rule. Falls back to "关于印发…的通知" and to a headline naming 措施/办法/政策.
    """
    best: tuple[int, int, str] | None = None
    for m in TITLE.finditer(text):
        title = m.group(1)
        score = 0
        if ISSUE_AFTER.match(text[m.end() : m.end() + 8]):
            score += 2
        if ISSUE_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            score += 1
        if re.search(r"措施|办法|政策|细则|资助|扶持|补贴|奖励|若干", title):
            score += 1
        if score == 0:
            continue
        if best is None or (score, m.start()) >= (best[0], best[1]):
            best = (score, m.start(), title)
    if best is not None:
        return best[2]
    m = NOTICE.search(text)
    if m:
        return m.group(1).strip("《》")
    head = OPENING.match(text)
    if head:
        joined = re.sub(r"\s+", "", head.group())
        t = DOC_TITLE.match(joined)
        if t:
            return t.group()
    m = HEADLINE.search(text)
    if m:
        return m.group().strip()
    return None
