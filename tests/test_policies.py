"""Quantitative support-policy rules and policy titles: real sentences from shared/corpus."""

from __future__ import annotations

import pytest

from zhibiao.extract.policies import find_policies, policy_title

# (sentence as in the corpus, [(rate, cap), ...])
RULES = [
    (  # Baiyun new-energy-storage measures (seed 000)
        "其中,在项目方面,对于新引进的、固定资产投资5000万元以上的优质新型储能制造业项目,"
        "按不高于固定资产投资总额的10%给予一次性扶持,同一项目最高1亿元。",
        [(10, 1e8)],
    ),
    (
        "在园区方面,支持打造产业集聚生态园区,遴选优质产业园区给予运营扶持,对单个园区最高给予500万元扶持。",
        [(None, 5e6)],
    ),
    (
        "在人才方面,对于新型储能领域国际杰出人才、国内领军人才、青年精英人才等高层次人才在白云区购买新建商品房的,"
        "给予一次性最高100万元的购房支持,同时在子女就学、配偶随迁、医疗保健等方面给予支持。",
        [(None, 1e6)],
    ),
    (
        "政策还助力企业开拓国内外市场,支持新型储能企业“走出去”积极开拓海外储能市场,拟对符合条件的且取得欧盟、"
        "美国、日韩等各类市场准入权威认证的新产品、新应用给予委托认证费用补贴,单个企业每年最高100万元。",
        [(None, 1e6)],
    ),
    (  # State Council 2018 employment measures
        "符合创业担保贷款申请条件的人员自主创业的，可申请最高不超过15万元的创业担保贷款。",
        [(None, 1.5e5)],
    ),
    (
        "小微企业当年新招用符合创业担保贷款申请条件的人员数量达到企业现有在职职工人数25%（超过100人的企业达到15%）"
        "并与其签订1年以上劳动合同的，可申请最高不超过300万元的创业担保贷款。",
        [(None, 3e6)],
    ),
    ("对不裁员或少裁员的参保企业，可返还其上年度实际缴纳失业保险费的50%。", [(50, None)]),
    (  # Shenzhen R&D subsidy news
        "据了解， 深圳市一直坚持对企业研究开发进行资助，旨在引导企业加大研发投入，增强自主创新能力，"
        "对开展符合加计扣除政策研究开发活动的企业，对其按规定支出的年度研发费用实际支出，予以一定比例事后资助，"
        "单个企业资助强度最高不超过1000万元。",
        [(None, 1e7)],
    ),
    (  # Dongguan doubling-plan news
        "其中，单项资助最高达1200万元。",
        [(None, 1.2e7)],
    ),
]

NOT_RULES = [
    "低收入家庭住房条件进一步改善,115户家庭入住公租房,全年发放租赁补贴70.5万元。",
    "城乡低保标准分别增长9.9%、13.2%，困难残疾人生活补贴标准提高25%，增幅均为近五年最高。",
    "其中，对单户担保金额500万元及以下的小微企业和“三农”主体收取的担保费率原则上不超过1%。",
    "大力实施提振消费专项行动，发放以旧换新补贴121.9亿元、带动销售金额905亿元。",
    "新增地铁运营里程171.7公里，广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次。",
]


@pytest.mark.parametrize(("sentence", "expected"), RULES, ids=[s[:14] for s, _ in RULES])
def test_rules(sentence: str, expected: list[tuple[float | None, float | None]]) -> None:
    text = "标题\n\n" + sentence
    rules = find_policies(text, 4, len(text))
    assert [(r.rate, r.cap) for r in rules] == expected
    for r in rules:
        evidence = text[r.start : r.end]
        assert evidence and evidence in sentence
        if r.cap is not None:
            assert "万元" in evidence or "亿元" in evidence
        if r.rate is not None:
            assert f"{r.rate:g}%" in evidence
        assert r.beneficiary


def test_beneficiary_and_condition() -> None:
    sentence = RULES[0][0]
    (rule,) = find_policies(sentence, 0, len(sentence))
    assert rule.beneficiary == "新型储能制造业项目"
    assert rule.condition == "固定资产投资5000万元以上"


@pytest.mark.parametrize("sentence", NOT_RULES, ids=[s[:14] for s in NOT_RULES])
def test_not_rules(sentence: str) -> None:
    assert find_policies(sentence, 0, len(sentence)) == []


def test_headline_is_not_a_rule() -> None:
    text = (
        "白云力撑新型储能 十条新政亮出重金\n\n"
        "同一项目最高扶持1亿元,单个园区最高扶持500万元\n\n"
        "新快报讯 近日印发。"
    )
    start = text.index("同一")
    end = text.index("\n", start)
    assert find_policies(text, start, end) == []


def test_policy_title() -> None:
    text = (
        "新快报讯 近日，《广州市白云区促进新型储能产业高质量发展若干措施(试行)》(以下简称《若干措施》)印发，"
        "白云区在《若干措施》中提出10项扶持措施。"
    )
    assert policy_title(text) == "广州市白云区促进新型储能产业高质量发展若干措施(试行)"
    doc = "国务院关于做好当前和今后一个时期\n\n促进就业工作的若干意见\n\n国发〔2018〕39号\n\n各省、自治区：\n"
    assert policy_title(doc) == "国务院关于做好当前和今后一个时期促进就业工作的若干意见"
    assert policy_title("全年实现地区生产总值2323.54亿元，同比增长4.3%。") is None


def test_bounds_of_a_policy_document_are_rules():
    """国办发〔2019〕6号 (tests/data/gold-new): ratio bounds are the policy's rules; hand-made gold rates."""
    from pathlib import Path

    from zhibiao.extract.facts import extract
    from zhibiao.load import load_path

    doc = load_path(Path(__file__).parent / "data" / "gold-new" / "docs"
                    / "china-state-council-2019-financing-guarantee-smes-policy.excerpt.txt")
    rates = sorted(r["rate"] for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "policy" and r["rate"])
    for rate in (80, 80, 50, 20, 1, 1.5, 0.5, 0.3):
        assert rate in rates, rates
    report = "2026年河南省政府工作报告\n一、2025年工作回顾\n研发投入强度不低于2%。\n"
    assert not [r for r in extract(report, "t.txt") if r["type"] == "policy"]


#: Rules of the State Council's policy documents (tests/data/gold-new, hand-made gold): the sentence as in
#: the document and the (rate, cap) of each of its rules, in text order.
BOUND_RULES = [
    # 国发〔2018〕38号 (十五): a share bounded as a fraction
    ("新设立有限责任制专利代理机构的，允许不超过五分之一不具有专利代理人资格、年满18周岁、能够在专利代理机构专职工作的"
     "中国公民担任股东。", [(20, None)]),
    # 国办发〔2019〕6号 (十五): "费率不超过1%的担保业务" qualifies the business the subsidy is for
    ("有条件的地方可对单户担保金额500万元及以下、平均担保费率不超过1%的担保业务给予适当担保费补贴。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), BOUND_RULES, ids=[s[:14] for s, _ in BOUND_RULES])
def test_bound_rules(sentence: str, expected: list[tuple[float | None, float | None]]) -> None:
    from zhibiao.extract.policies import find_bound_rules

    rules = find_bound_rules(sentence, 0, len(sentence))
    assert [(r.rate, r.cap) for r in rules] == expected


#: Rules whose number is a threshold (who qualifies, how long, how many times): no rate, no cap.
#: (sentence, a part the rule's evidence must cover)
CONDITION_RULES = [
    ("将就业见习补贴范围由离校未就业高校毕业生扩展至16—24岁失业青年；组织失业青年参加3—12个月的就业见习，"
     "按规定给予就业见习补贴。", "3—12个月"),
    ("生活费补贴政策每人每年只享受一次，且不可同时领取失业保险金。", "只享受一次"),
    ("将技术技能提升补贴申领条件由企业在职职工参加失业保险3年以上放宽至参保1年以上。", "3年以上"),
    ("各级政府性融资担保、再担保机构要重点支持单户担保金额500万元及以下的小微企业和“三农”主体。", "500万元及以下"),
    ("省级文化部门核发的批准文件在有效期内可一证多批使用，但最多不超过六批。", "不超过六批"),
    ("有条件的地方可对单户担保金额500万元及以下、平均担保费率不超过1%的担保业务给予适当担保费补贴。", "500万元及以下"),
]


@pytest.mark.parametrize(("sentence", "covered"), CONDITION_RULES, ids=[s[:14] for s, _ in CONDITION_RULES])
def test_condition_rules(sentence: str, covered: str) -> None:
    from zhibiao.extract.policies import find_condition_rules

    rules = find_condition_rules(sentence, 0, len(sentence), [])
    i = sentence.index(covered)
    assert [(r.rate, r.cap) for r in rules] == [(None, None)], [sentence[r.start:r.end] for r in rules]
    assert rules[0].start <= i and i + len(covered) <= rules[0].end


def test_condition_rules_leave_dates_and_other_rules_alone() -> None:
    from zhibiao.extract.policies import find_condition_rules

    dated = ("2019年1月1日至12月31日，对面临暂时性生产经营困难且恢复有望、坚持不裁员或少裁员的参保企业，"
             "适当放宽其稳岗返还标准。")
    assert find_condition_rules(dated, 0, len(dated), []) == []
    capped = "符合创业担保贷款申请条件的人员自主创业的，可申请最高不超过15万元的创业担保贷款。"
    assert find_condition_rules(capped, 0, len(capped), [(0, len(capped))]) == []


def test_a_policy_document_names_no_projects() -> None:
    """国发〔2018〕38号: "支持设立首次进口药品和生物制品口岸" is a measure, not a project's stage."""
    from pathlib import Path

    from zhibiao.extract.facts import extract
    from zhibiao.load import load_path

    doc = load_path(Path(__file__).parent / "data" / "gold-new" / "docs"
                    / "china-state-council-2018-ftz-reform-measures-policy.excerpt.txt")
    records = extract(doc.text, doc.name, doc.meta)
    assert not [r for r in records if r["type"] == "project"]
    assert sorted(r["rate"] or 0 for r in records if r["type"] == "policy") == [0, 20]
