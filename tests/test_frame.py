"""The document frame and clause rules, table-driven: what period, kind and place a figure takes.

Expected values are hand-annotated gold (`tests/data/gold-new`, made before the extractor
was run on these documents; see its README): each case names the document, the gold
evidence, the value and the fields a careful reader gives it. A case passes when the
extractor yields a record with that value, measure aside, whose span overlaps the evidence
and whose region, period and kind agree.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REAL, SHARED, need_shared
from zhibiao.extract.context import document_info, split_articles
from zhibiao.extract.facts import extract
from zhibiao.load import load_path

GOLD_NEW = Path(__file__).parent / "data" / "gold-new"
GUIZHOU, HEILONGJIANG, HENAN, HUNAN, SICHUAN, ZHEJIANG = (
    f"{p}-province-2026-gov-work-report.excerpt.txt"
    for p in ("guizhou", "heilongjiang", "henan", "hunan", "sichuan", "zhejiang"))
HAINAN = "hainan-province-2026-gov-work-report.excerpt.txt"
JIANGXI_2022 = "jiangxi-2022-communique.excerpt.txt"
JIANGXI_2026 = "jiangxi-province-2026-gov-work-report.excerpt.txt"
GUANGDONG = "guangdong-province-2026-gov-work-report.excerpt.txt"
HAILAR_2016 = "hulunbuir-hailar-2016-gov-work-report.excerpt.txt"
HAILAR = "呼伦贝尔市海拉尔区"



@cache
def _facts(name: str) -> tuple[str, list[dict]]:
    doc = load_path(GOLD_NEW / "docs" / name)
    return doc.text, extract(doc.text, doc.name, doc.meta, doc.tables)


def _found(name: str, evidence: str, value: float, region: str, period: str, kind: str) -> list[dict]:
    text, records = _facts(name)
    start = text.index(evidence)
    end = start + len(evidence)
    return [r for r in records if r["type"] == "quantity" and abs(r["value"] - value) <= 1e-4 * max(1, abs(value))
            and r["start"] < end and start < r["end"]
            and (r["region"], r["period"], r["kind"]) == (region, period, kind)]


#: Flows, averages and changes over a five-year review: the span.
FIVE_YEAR_FLOWS = [
    (HEILONGJIANG, '实有企业较“十三五”期末增长36.2%', 36.2, '黑龙江省', '2021/2025', 'actual'),
    (HEILONGJIANG, '出口年均增速20%以上', 20, '黑龙江省', '2021/2025', 'actual'),
    (HEILONGJIANG, '森林覆盖率提高1.43个百分点', 1.43, '黑龙江省', '2021/2025', 'actual'),
    (HENAN, '耕地面积净增212万亩', 1413340400, '河南省', '2021/2025', 'actual'),
    (HENAN, '新建改造高标准农田3167万亩', 21113438900, '河南省', '2021/2025', 'actual'),
    (HENAN, '开挖疏浚沟渠11.76万公里', 117600, '河南省', '2021/2025', 'actual'),
    (HENAN, '新增国家现代农业产业园11个', 11, '河南省', '2021/2025', 'actual'),
    (HENAN, '改造农村危房5.2万户', 52000, '河南省', '2021/2025', 'actual'),
    (HENAN, '脱贫地区农民收入年均增长7.9%', 7.9, '河南省', '2021/2025', 'actual'),
    (HENAN, '新增经营主体370万户', 3700000, '河南省', '2021/2025', 'actual'),
    (HENAN, '自贸试验区新设企业10.1万家', 101000, '河南省', '2021/2025', 'actual'),
    (HENAN, '治理水土流失面积6779平方公里', 6779000000, '河南省', '2021/2025', 'actual'),
    (HENAN, '完成历史遗留矿山修复治理15.8万亩', 105333860, '河南省', '2021/2025', 'actual'),
    (HENAN, '植树造林659万亩', 4393355300, '河南省', '2021/2025', 'actual'),
    (HENAN, '城镇新增就业603.7万人', 6037000, '河南省', '2021/2025', 'actual'),
    (HENAN, '新增农村劳动力转移就业246.2万人', 2462000, '河南省', '2021/2025', 'actual'),
    (HENAN, '居民人均可支配收入年均增长6%', 6, '河南省', '2021/2025', 'actual'),
    (HENAN, '新增公办幼儿园学位49万个', 490000, '河南省', '2021/2025', 'actual'),
    (HENAN, '新设8所本科院校', 8, '河南省', '2021/2025', 'actual'),
    (HENAN, '高等教育毛入学率提高8个百分点', 8, '河南省', '2021/2025', 'actual'),
    # a list's 新增 or 累计 covers its items and a list sharing one number
    (HAINAN, '5A级景区1个', 1, '海南省', '2021/2025', 'actual'),
    (HAINAN, '累计举办大型旅游、演艺、体育赛事活动600场', 600, '海南省', '2021/2025', 'actual'),
    (HAILAR_2016, '五年累计发放城乡低保金9823万元、贫困大学生救助金307万元', 3070000, HAILAR, '2011/2015', 'actual'),
    # a sentence opening "五年累计…" sums every clause of it
    (HAILAR_2016, '城乡特困群体大病医疗救助金476万元', 4760000, HAILAR, '2011/2015', 'actual'),
    (GUANGDONG, '处置批而未供土地171.6万亩、闲置土地18.3万亩', 122000610, '广东省', '2021/2025', 'actual'),
    # the year the review ends in, written: a change from the year before the span and an average cover it
    (HAILAR_2016, '比2010年增加13480元', 13480, HAILAR, '2011/2015', 'actual'),
    (HAILAR_2016, '比2010年增加13480元，年均递增12.2%', 12.2, HAILAR, '2011/2015', 'actual'),
    # a ratio to the year or the plan period before the span
    (HAILAR_2016, '2015年旅游收入达到69亿元，是2010年的2.6倍', 2.6, HAILAR, '2011/2015', 'actual'),
    (GUIZHOU, '利润总额为“十三五”时期的2.2倍', 2.2, '贵州省', '2021/2025', 'actual'),
    # a verb of something done in the span opens the clause
    (HAILAR_2016, '铺设自来水管道85公里', 85, HAILAR, '2011/2015', 'actual'),
    (HAILAR_2016, '修建村村通道路23条、163公里', 163, HAILAR, '2011/2015', 'actual'),
    (HAINAN, '获世界职业院校技能大赛金牌16项', 16, '海南省', '2021/2025', 'actual'),
    (HAINAN, '节约财政资金69亿元', 6900000000, '海南省', '2021/2025', 'actual'),
    # what was done to the things counted follows their noun
    (HUNAN, '12个项目获国家科学技术奖', 12, '湖南省', '2021/2025', 'actual'),
]

#: Results of the past year (and levels reached at the end of a five-year review).
PAST_YEAR = [
    (GUIZHOU, '全年地区生产总值增长4.9%', 4.9, '贵州省', '2025', 'actual'),
    (GUIZHOU, '服务业增加值占地区生产总值比重达56.2%', 56.2, '贵州省', '2025', 'actual'),
    (GUIZHOU, '城镇和农村常住居民人均可支配收入分别增长3.9%和5.7%', 5.7, '贵州省', '2025', 'actual'),
    (GUIZHOU, '新建县域医疗次中心50个', 50, '贵州省', '2025', 'actual'),
    (GUIZHOU, '水电、风电、光伏发电量占比达43.3%', 43.3, '贵州省', '2025', 'actual'),
    (GUIZHOU, '工业投资占固定资产投资比重从17.9%提升到35.5%', 35.5, '贵州省', '2025', 'actual'),
    (GUIZHOU, '易地搬迁脱贫劳动力就业率达96.9%', 96.9, '贵州省', '2025', 'actual'),
    (GUIZHOU, '铁路、高速公路省际通道增至46个', 46, '贵州省', '2025', 'actual'),
    (HENAN, '社会消费品零售总额2.9万亿元', 2900000000000, '河南省', '2025', 'actual'),
    (HENAN, '综合交通网总规模29.5万公里', 295000, '河南省', '2025', 'actual'),
    (HENAN, '新能源汽车等7大产业集群', 7, '河南省', '2025', 'actual'),
    (HENAN, '专精特新“小巨人”450家', 450, '河南省', '2025', 'actual'),
    (HENAN, '粮食总产量连续9年稳定在1300亿斤以上', 130000000000, '河南省', '2025', 'actual'),
    (HENAN, '跨境电商综试区扩容至7个', 7, '河南省', '2025', 'actual'),
    (HENAN, '绿色工业园区74个', 74, '河南省', '2025', 'actual'),
    (HENAN, '工业投资增长13.3%', 13.3, '河南省', '2025', 'actual'),
    (HENAN, '争取国家政策性资金超千亿元', 100000000000, '河南省', '2025', 'actual'),
    (HENAN, '生产安全事故起数下降18%', -18, '河南省', '2025', 'actual'),
    (HENAN, '全省PM2.5浓度下降13.7%', -13.7, '河南省', '2025', 'actual'),
    (HENAN, '发放育儿补贴181.2万人', 1812000, '河南省', '2025', 'actual'),
    # "各位代表，刚刚过去的2015年，…": the review of the year after the review of the five years
    (HAILAR_2016, '同比增长8.9%（按可比价计算）', 8.9, HAILAR, '2015', 'actual'),
    (HAILAR_2016, '城乡居民人均可支配收入分别增长8.7%和8.6%', 8.6, HAILAR, '2015', 'actual'),
    # a level reached in a five-year review is the end year's, whatever verb opened the sentence
    (HAILAR_2016, '人均道路面积达到18.99平方米', 18.99, HAILAR, '2015', 'actual'),
    (HAILAR_2016, '人均住房面积达到39.28平方米', 39.28, HAILAR, '2015', 'actual'),
    (JIANGXI_2026, '新增上市公司48家、总量达122家', 122, '江西省', '2025', 'actual'),
    # 预计 of a period already over is a preliminary result; 预期寿命 and 计划项目 are nouns, not plans
    (JIANGXI_2026, '人均预期寿命预计达79岁', 79, '江西省', '2025', 'actual'),
    (HEILONGJIANG, '人均预期寿命提高1岁以上', 1, '黑龙江省', '2021/2025', 'actual'),
    (ZHEJIANG, '省重大科技计划项目中企业牵头或参与占比超过80%', 80, '浙江省', '2025', 'actual'),
]

#: The start of a change ("从17.9%提升到35.5%"): the year before the span.
CHANGE_START = [
    (HEILONGJIANG, '全国重点实验室由7家增至16家', 7, '黑龙江省', '2020', 'actual'),
    (HUNAN, '区域创新能力由全国第12位', 12, '湖南省', '2020', 'actual'),
]

#: The coming year's targets ("今年主要预期目标是：…").
TARGET_YEAR = [
    (GUIZHOU, '地区生产总值增长5%左右', 5, '贵州省', '2026', 'target'),
    (GUIZHOU, '一二三产增加值分别增长3.5%左右、6%左右', 6, '贵州省', '2026', 'target'),
    (GUIZHOU, '规模以上工业增加值增长7.5%左右', 7.5, '贵州省', '2026', 'target'),
    (GUIZHOU, '社会消费品零售总额增长4%左右', 4, '贵州省', '2026', 'target'),
    (GUIZHOU, '城镇和农村常住居民人均可支配收入分别增长4%左右', 4, '贵州省', '2026', 'target'),
    (GUIZHOU, '城镇新增就业60万人左右', 600000, '贵州省', '2026', 'target'),
    (GUIZHOU, '居民消费价格涨幅2%左右', 2, '贵州省', '2026', 'target'),
    (HEILONGJIANG, '地区生产总值增长4.5-5%', 4.5, '黑龙江省', '2026', 'target'),
    (HEILONGJIANG, '粮食产量1600亿斤以上', 160000000000, '黑龙江省', '2026', 'target'),
    (HEILONGJIANG, '城镇调查失业率5.7%左右', 5.7, '黑龙江省', '2026', 'target'),
    (HEILONGJIANG, '单位地区生产总值二氧化碳排放降低3.8%左右', -3.8, '黑龙江省', '2026', 'target'),
    (HENAN, '规上工业增加值增长6.5%左右', 6.5, '河南省', '2026', 'target'),
    (HENAN, '社会消费品零售总额增长5.5%左右', 5.5, '河南省', '2026', 'target'),
    (HENAN, '城镇调查失业率5.5%左右', 5.5, '河南省', '2026', 'target'),
    (HENAN, '居民消费价格涨幅2%左右', 2, '河南省', '2026', 'target'),
    (HUNAN, '地区生产总值增长5%左右', 5, '湖南省', '2026', 'target'),
    (HUNAN, '规模工业增加值增长6%', 6, '湖南省', '2026', 'target'),
    (HUNAN, '进出口总额增长3%', 3, '湖南省', '2026', 'target'),
    (HUNAN, '居民消费价格涨幅2%左右', 2, '湖南省', '2026', 'target'),
    (SICHUAN, '地区生产总值增长5.5%左右', 5.5, '四川省', '2026', 'target'),
]

#: Targets of the next five-year plan ("“十五五”时期主要目标").
PLAN_SPAN = [
    (HENAN, '经济年均增长5%左右', 5, '河南省', '2026/2030', 'target'),
    (HENAN, '全社会研发经费投入年均增长10%以上', 10, '河南省', '2026/2030', 'target'),
    (HENAN, '战略性新兴产业增加值占规上工业比重30%', 30, '河南省', '2026/2030', 'target'),
    (HENAN, '常住人口城镇化率达到65%左右', 65, '河南省', '2026/2030', 'target'),
    (HENAN, '粮食综合生产能力达到1400亿斤', 140000000000, '河南省', '2026/2030', 'target'),
    (HENAN, '城镇新增就业500万人以上', 5000000, '河南省', '2026/2030', 'target'),
]

#: Figures of a place named as the subject inside a provincial report.
OTHER_PLACE = [
    (HENAN, '郑州机场年货邮吞吐量突破100万吨', 1000000, '郑州市', '2025', 'actual'),
    (HUNAN, '张家界入境游客增长32.5%', 32.5, '张家界市', '2025', 'actual'),
    (HUNAN, '长沙全球研发中心城市新增研发机构800余家', 800, '长沙市', '2025', 'actual'),
    (SICHUAN, '泸州经济总量突破3000亿元', 300000000000, '泸州市', '2025', 'actual'),
    (SICHUAN, '内江、眉山、自贡、遂宁经济总量突破2000亿元', 200000000000, '遂宁市', '2025', 'actual'),
    (SICHUAN, '内江、眉山、自贡、遂宁经济总量突破2000亿元', 200000000000, '内江市', '2025', 'actual'),
    (SICHUAN, '浙江省投入财政帮扶资金33.9亿元', 3390000000, '浙江省', '2025', 'actual'),
    (HUNAN, '怀化国际陆港开行东盟货运班列突破1200列', 1200, '怀化市', '2025', 'actual'),
    (JIANGXI_2022, '九江港完成货物吞吐量1.8亿吨', 180000000, '九江市', '2022', 'actual'),
    (JIANGXI_2022, '南昌港完成货物吞吐量2823.6万吨', 28236000, '南昌市', '2022', 'actual'),
    # places listed before 分别 take the numbers after it in turn
    (GUANGDONG, '广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次', 14090000, '广州市', '2025', 'actual'),
    (GUANGDONG, '广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次', 13050000, '深圳市', '2025', 'actual'),
]

#: A place named in a sentence that is not what the figure measures: the document's place stays
#: (comparisons with 全国, a venue, a slogan, a port named after its cities).
PLACE_KEPT = [
    (GUIZHOU, '创建全国文明城市8个', 8, '贵州省', '2021/2025', 'actual'),
    (HAINAN, '新能源汽车市场渗透率全国第一', 1, '海南省', '2025', 'actual'),
    (HAINAN, '连续四年赴香港发行地方政府债券', 4, '海南省', '2025', 'actual'),
    (HEILONGJIANG, '增量39.7亿斤、占全国23.6%', 23.6, '黑龙江省', '2025', 'actual'),
    (HEILONGJIANG, '对俄进出口增速高于全国8.4个百分点', 8.4, '黑龙江省', '2025', 'actual'),
    (HEILONGJIANG, '全国重点实验室由7家增至16家', 16, '黑龙江省', '2025', 'actual'),
    (HUNAN, '“我的韶山行”红色研学规模突破100万人次', 1000000, '湖南省', '2025', 'actual'),
    (HUNAN, '高于全国平均0.3个百分点', 0.3, '湖南省', '2025', 'actual'),
    (HUNAN, '区域创新能力由全国第12位跃升至第9位', 9, '湖南省', '2025', 'actual'),
    (SICHUAN, '水电装机容量突破1亿千瓦、保持全国第1位', 1, '四川省', '2025', 'actual'),
    (ZHEJIANG, '宁波舟山港集装箱吞吐量4387万标箱、增长11.6%', 11.6, '浙江省', '2025', 'actual'),
    (ZHEJIANG, '4家浙企上榜全国文化企业30强', 4, '浙江省', '2025', 'actual'),
    (ZHEJIANG, '三级公立医院“国考”高水平医院数量居全国首位', 1, '浙江省', '2025', 'actual'),
    # a place opening a sentence inside a name ("新余“1·24”…火灾事故整改…") is its first clause's only
    (JIANGXI_2026, '生产安全事故起数、死亡人数分别下降9.62%、10.47%', -9.62, '江西省', '2025', 'actual'),
    # a place given as one example of the things counted ("肇庆等7个…")
    (GUANGDONG, '肇庆等7个大型产业集聚区', 7, '广东省', '2025', 'actual'),
    (GUANGDONG, '揭阳中石油炼化一体化等23个投资额百亿元以上重大工业项目建成投产', 23, '广东省', '2021/2025', 'actual'),
    # places at the end of a list of destinations: "开通了海拉尔至乌兰巴托、赤塔、韩国、台湾、香港等…航线10条"
    (HAILAR_2016, '台湾、香港等国际及地区航线10条', 10, HAILAR, '2011/2015', 'actual'),
]


@pytest.mark.parametrize(
    "case", FIVE_YEAR_FLOWS + PAST_YEAR + CHANGE_START + TARGET_YEAR + PLAN_SPAN + OTHER_PLACE + PLACE_KEPT,
    ids=lambda c: f"{c[0][:12]}:{c[1][:14]}",
)
def test_gold_case(case):
    assert _found(*case), case


#: Places at the start of a sentence that are part of a name, not its subject (sentence, place kept).
PLACE_IN_NAME = [
    ("黄龙世界自然遗产地入选世界自然保护联盟绿色名录。交付31.7万套。", "四川省"),
    ("娄底硅钢、郴州锂电、常德生物制造等区域特色产业加快壮大。城镇化率达63%。", "湖南省"),
]


@pytest.mark.parametrize(("body", "place"), PLACE_IN_NAME)
def test_place_in_a_name_is_not_the_subject(body, place):
    text = f"2026年{place}政府工作报告\n各位代表：\n一、2025年工作回顾\n{body}\n"
    records = [r for r in extract(text, "t.txt") if r["type"] == "quantity"]
    assert records and all(r["region"] == place for r in records), records


def test_places_before_respectively_pair_with_the_numbers():
    """"广州、深圳…分别达1409万、1305万人次": one number each, not both numbers for both cities."""
    _, records = _facts(GUANGDONG)
    pairs = {(r["region"], r["value"]) for r in records
             if r["type"] == "quantity" and r["value"] in (14090000, 13050000)}
    assert pairs == {("广州市", 14090000), ("深圳市", 13050000)}, pairs


def test_place_list_gives_each_place_the_figure():
    text = "2026年四川省政府工作报告\n一、2025年工作回顾\n内江、眉山、自贡、遂宁经济总量突破2000亿元。\n"
    regions = sorted(r["region"] for r in extract(text, "t.txt") if r["value"] == 2e11)
    assert regions == sorted(["内江市", "眉山市", "自贡市", "遂宁市"])


def test_title_year_frames_an_undated_work_report():
    """No meeting date, no 发布日期: the title "2026年…政府工作报告" still says 今年 is 2026."""
    text = ("2026年河南省政府工作报告\n一、2025年工作回顾\n去年生产总值增长5.6%。\n"
            "三、2026年重点工作安排\n主要预期目标是：经济增长5%左右。\n")
    (article,) = split_articles(text)
    assert article.year == 2026
    periods = {(r["value"], r["period"], r["kind"]) for r in extract(text, "t.txt")}
    assert (5.6, "2025", "actual") in periods and (5, "2026", "target") in periods


#: A plan report's table of targets, flattened one cell per line (Baiyun's 2024 half-year report):
#: (indicator, value, period, kind), read off the table by hand; a target in words
#: ("与经济增长基本同步") holds no number but keeps its row.
FLAT_PLAN_CELLS = [
    ("gdp", 5.5, "2024", "target"), ("gdp", 6.3, "2024H1", "actual"),
    ("budget_revenue", 4, "2024", "target"), ("budget_revenue", 11.5, "2024H1", "actual"),
    ("industrial_output", 6.5, "2024", "target"), ("industrial_output", 3.8, "2024H1", "actual"),
    ("fixed_asset_investment", 10, "2024", "target"), ("fixed_asset_investment", 2.1, "2024H1", "actual"),
    ("retail_sales", 8, "2024", "target"), ("retail_sales", 1.1, "2024H1", "actual"),
    ("urban_disposable_income", 5, "2024H1", "actual"), ("rural_disposable_income", 7.7, "2024H1", "actual"),
]


@cache
def _baiyun_cells() -> set[tuple]:
    need_shared()
    doc = load_path(REAL / "guangzhou-baiyun-2024h1-plan-execution-report.excerpt.txt")
    return {(r["indicator"], r["value"], r["period"], r["kind"]) for r in extract(doc.text, doc.name, doc.meta)}


@pytest.mark.parametrize("cell", FLAT_PLAN_CELLS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_flattened_plan_table(cell):
    assert cell in _baiyun_cells()


def test_target_word_in_a_review_governs_its_clause_only():
    text = ("2026年四川省政府工作报告\n一、2025年工作回顾\n"
            "实施岗位挖潜扩容支持计划，开发政策性岗位35万个，全省城镇新增就业107万人。\n")
    kinds = {r["value"]: r["kind"] for r in extract(text, "t.txt")}
    assert kinds[350000] == "actual" and kinds[1070000] == "actual"


def test_target_list_after_colon():
    text = "南沙区2023年政府工作报告\n今年经济社会发展的主要预期目标是:地区生产总值增长10%,固定资产投资增长30%。\n"
    kinds = {r["value"]: r["kind"] for r in extract(text, "t.txt")}
    assert kinds == {10: "target", 30: "target"}


def test_project_named_after_a_district_is_in_that_district():
    """Shenzhen's 2022 report news names projects by district ("龙华Costco星河"); 北京路 is no Beijing."""
    need_shared()
    doc = load_path(REAL / "shenzhen-2022-gov-work-report-major-projects-news.txt")
    regions = {r["name"]: r["region"] for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "project"}
    assert regions.get("龙华Costco星河") == "深圳市龙华区", regions
    assert regions.get("深圳市罗湖“二线插花地”棚户区改造项目") == "深圳市罗湖区", regions
    text = "2026年海南省政府工作报告\n一、2025年工作回顾\n北京大学口腔医院三亚医院等医疗项目投入使用。\n"
    regions = {r["name"]: r["region"] for r in extract(text, "t.txt") if r["type"] == "project"}
    assert regions == {"北京大学口腔医院三亚医院": "三亚市"}, regions  # a part of the province named inside
    text = "广州市2024年政府工作报告\n加快北京路步行街改造提升工程建设。\n"
    regions = {r["name"]: r["region"] for r in extract(text, "t.txt") if r["type"] == "project"}
    assert regions and all(not region.startswith("北京") for region in regions.values()), regions


def test_bulletin_list_gives_its_heads_stage_and_its_counting_clauses_place():
    """gold-own Ningxia 2021 (notes 12): the listed projects are 规划 under "未开工项目", in the place
    of the clause that counts them ("银川市2个"), through the sentences of the paragraph."""
    need_shared()
    doc = load_path(REAL / "ningxia-2021-jan-jul-major-projects-news.txt")
    projects = {r["name"]: (r["status"], r["region"]) for r in extract(doc.text, doc.name, doc.meta)
                if r["type"] == "project"}
    assert projects["宁夏隆基乐叶科技有限公司年产3GW单晶电池项目"] == ("规划", "银川市")
    assert projects["自治区疾病控制中心迁建项目"] == ("规划", "宁夏回族自治区")
    assert projects["吴忠太阳山开发区热电联产项目"] == ("规划", "吴忠市")
    assert projects["石嘴山市星海湖生态环境整治工程"] == ("在建", "石嘴山市")
    assert projects["中石油青石峁气田开发项目"] == ("在建", "吴忠市")


def test_a_time_in_one_projects_clause_dates_that_project_only():
    """gold-new Hailar 2014 (NOTES-D): "确保大唐…一季度完成核准并开工建设，雪花…，亘富…项目年内投产" — the
    一季度 is 大唐's, 亘富 is planned for the year (2014); a time opening the sentence dates them all."""
    periods = {r["name"]: r["period"] for r in _facts("hulunbuir-hailar-2014-gov-work-report.excerpt.txt")[1]
               if r["type"] == "project"}
    assert periods["亘富200万吨褐煤提质项目"] == "2014"
    records = extract("番禺区2023年政府工作报告\n一、2022年工作回顾\n2022年，广州二中南沙天元学校投入使用，"
                      "区青少年宫建成。\n", "t.txt")
    assert {r["name"]: r["period"] for r in records if r["type"] == "project"} == {
        "广州二中南沙天元学校": "2022", "区青少年宫": "2022"}


#: Target or actual, decided inside real sentences (document, evidence, value, kind as the gold has it).
KINDS = [
    ("seeds/000_3651a326c51bf532.txt", "单个企业每年最高100万元", 1e6, "target"),  # 拟对…给予…补贴
    ("real/shenzhen-2022-gov-work-report-major-projects-news.txt", "2021年完成投资达596.3亿元", 5.963e10, "actual"),
    ("real/shenzhen-2022-gov-work-report-major-projects-news.txt", "计划完成率119.3%", 119.3, "actual"),
    ("real/shenzhen-2022-gov-work-report-major-projects-news.txt", "本次集中启动的新开工项目共200个", 200, "actual"),
    ("real/shenzhen-2022-gov-work-report-major-projects-news.txt", "新增国家高新技术企业500家", 500, "target"),
    ("real/shenzhen-2021-rd-subsidy-news.txt", "拟资助资金23877.6万元", 238776000, "target"),
    ("real/guangzhou-nansha-2023-gov-work-report-news.txt", "规模以上工业产值增长16%", 16, "target"),
    ("real/guangzhou-tianhe-2020-gov-work-report-news.excerpt.txt", "地区生产总值5047.4亿元", 5.0474e11, "actual"),
    # 将为…提供: what a programme will give (gold-own)
    ("real/dongguan-2022-doubling-plan-enterprises-news.txt", "2022年合计将为“倍增计划”企业提供扶持资金约2.5亿元",
     2.5e8, "target"),
]


@pytest.mark.parametrize(("path", "evidence", "value", "kind"), KINDS, ids=lambda v: str(v)[:16])
def test_kind_in_real_sentences(path, evidence, value, kind):
    need_shared()
    doc = load_path(SHARED / "corpus" / path)
    start = doc.text.index(evidence)
    found = [r["kind"] for r in extract(doc.text, doc.name, doc.meta)
             if r["type"] == "quantity" and abs(r["value"] - value) <= 1e-4 * value
             and r["start"] < start + len(evidence) and start < r["end"]]
    assert found and all(k == kind for k in found), found


def test_a_summing_opening_covers_its_sentence():
    """Haizhu's 2021 report (shared real gold): "5年累计一般公共预算收入达261.3亿元,税收总收入达1051.7亿元"
    sums both over 2016–2020."""
    need_shared()
    doc = load_path(REAL / "guangzhou-haizhu-2021-gov-work-report.excerpt.txt")
    periods = {r["value"]: r["period"] for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "quantity"}
    assert periods[26130000000] == periods[105170000000] == "2016/2020", periods


def test_reviewed_year_sets_the_current_year():
    """No date, no title: "回顾2019年和今年以来的工作" says 今年 is 2020."""
    text = "6月11日,天河区人民代表大会召开。报告提到,回顾2019年和今年以来的工作,天河区较好完成了目标任务。\n"
    (article,) = split_articles(text)
    assert article.year == 2020


def test_a_market_named_after_a_city_is_not_the_city():
    text = "广州市2022年政府工作报告\n北京市场销售额增长20%。\n与佛山市合作共建产业园3个。\n"
    regions = {r["value"]: r["region"] for r in extract(text, "t.txt")}
    assert regions == {20: "广州市", 3: "广州市"}


def test_self_reference_returns_to_the_documents_place():
    """A list by unit (Ningxia's news): "自治区…厅1个" is the region's own, not the city before it."""
    need_shared()
    doc = load_path(REAL / "ningxia-2021-jan-jul-major-projects-news.txt")
    start = doc.text.index("自治区住房和城乡建设厅1个")
    (record,) = [r for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "quantity" and r["start"] == start]
    assert record["region"] == "宁夏回族自治区"


def test_time_of_a_comparison_base_is_not_the_figures():
    """"在上年同期18.0%的高增速基础上，继续实现38.6%的增长": 38.6% is this period's (Guangdong news)."""
    need_shared()
    doc = load_path(REAL / "guangdong-2021-jan-feb-economy-news.txt")
    periods = {r["value"]: r["period"] for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "quantity"}
    assert periods[38.6] == "2021-01/2021-02" and periods[18] == "2020-01/2020-02"


def _flat_gold() -> list[tuple]:
    """Gold-new records read off Wanzai's flattened product table (their evidence spans its lines)."""
    cases = []
    for path in sorted(GOLD_NEW.glob("jiangxi-yichun-wanzai-2015-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["type"] == "quantity" and "\n" in r["evidence"]:
                cases.append((r["doc"], r["evidence"], r["value"], r["unit"], r["measure"], r["period"]))
    return cases


@pytest.mark.parametrize("case", _flat_gold(), ids=lambda c: f"{c[0][:12]}:{c[1].split()[0]}:{c[4]}")
def test_flattened_product_table_of_a_communique(case):
    """Wanzai's 2015 communiqué: 产品名称/计量单位/产量/较上年±% flattened one cell per line, each cell
    with its row's unit (万度 → 千瓦时) and its column's measure."""
    name, evidence, value, unit, measure, period = case
    text, records = _facts(name)
    start = text.index(evidence)
    end = start + len(evidence)
    assert any(r["type"] == "quantity" and abs(r["value"] - value) <= 1e-4 * max(1, abs(value))
               and r["unit"] == unit and r["measure"] == measure and r["period"] == period
               and r["start"] < end and start < r["end"] for r in records), case


def test_years_of_a_change_and_of_a_ratio_base():
    """Hailar's 2016 report reviews 十二五: the start, the end, the average and a ratio to 2010."""
    need_shared()
    doc = load_path(REAL / "hulunbuir-hailar-2016-gov-work-report.txt")
    periods = {r["value"]: r["period"] for r in extract(doc.text, doc.name, doc.meta) if r["type"] == "quantity"}
    assert periods[16240000000] == "2010"  # 地区生产总值由2010年的162.4亿元
    assert periods[28790000000] == "2015"  # 增加到2015年的287.9亿元
    assert periods[12.1] == "2011/2015"  # 年均增长12.1%
    assert periods[2.4] != "2010"  # 是2010年的2.4倍: 2010 is the base


def test_news_event_dateline_dates_its_article():
    """A news article that opens "6月6日，…推介会在武汉举行" (hubei-huangshi news, 2021/6/9): its
    signings are of that month, in later paragraphs too; "12月28日" in a January article is the
    year before."""
    need_shared()
    doc = load_path(REAL / "hubei-huangshi-2021-investment-promotion-news.txt")
    records = extract(doc.text, doc.name, doc.meta)
    signed = [r for r in records if r["type"] == "quantity" and r["evidence"].endswith("签约33个项目")]
    assert [r["period"] for r in signed] == ["2021-06"]
    text = "某县招商推介会成功举行\n发布日期：2022-01-05\n12月28日，某县招商推介会举行，现场签约项目12个。\n"
    (record,) = [r for r in extract(text, "t.txt") if r["type"] == "quantity"]
    assert record["period"] == "2021-12"


def test_policy_document_of_the_central_government():
    """国发〔2018〕39号 (gold-new): the country's, dated by its signature at the end, its provisions
    rules in force (actual) although its parts are headed "一、支持企业稳定发展"."""
    name = "china-state-council-2018-employment-promotion-policy.excerpt.txt"
    doc = load_path(GOLD_NEW / "docs" / name)
    _, records = _facts(name)
    (article,) = split_articles(doc.text, doc.meta)
    assert article.place is not None and article.place.name == "全国"
    assert article.date == (2018, 11, 16)
    rules = [r for r in records if r["type"] == "policy"]
    assert rules and all(r["region"] == "全国" for r in rules)
    assert _found(name, "可申请最高不超过300万元的创业担保贷款", 3000000, "全国", "2018", "actual")


def test_statistical_report_title_year():
    """"2021 年深圳市社会性别统计报告" (PDF text, a space before 年) reports on 2021, as a communiqué."""
    name = "shenzhen-2021-gender-statistics-report.excerpt.txt"
    doc = load_path(GOLD_NEW / "docs" / name)
    (article,) = split_articles(doc.text, doc.meta)
    assert article.genre == "communique"
    assert _found(name, "深圳市户籍迁入人口 38.24 万人", 382400, "深圳市", "2021", "actual")


@pytest.mark.parametrize(("name", "title", "date", "place"), [
    ("sichuan-province-2026-gov-work-report.txt", "2026年四川省人民政府工作报告", "2026-02-03", "510000"),
    ("hulunbuir-hailar-2017-gov-work-report.txt", None, "2017-02-11", "150702"),  # no title line, an official's
    ("hulunbuir-hailar-2019-gov-work-report.gbk.txt", "政府工作报告", "2019-03-04", "150702"),  # 政 府 工 作 报 告
    ("guangzhou-baiyun-2024h1-plan-execution-report.excerpt.txt",  # past the site's breadcrumbs
     "关于广州市白云区2024年上半年国民经济和社会发展计划执行情况的报告", "2024-07-31", "440111"),
    ("jiangxi-yichun-wanzai-2015-communique.txt", "万载县2015年国民经济和社会发展统计公报", "2017-05-15", "360922"),
    ("jiangxi-2022-communique.html", "江西省2022年国民经济和社会发展统计公报", "2023-05-16", "360000"),  # HTML meta
    ("china-state-council-2019-financing-guarantee-smes-policy.txt",
     "国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见", "2019-01-22", "000000"),
])
def test_document_info_reads_title_date_and_place(name, title, date, place):
    need_shared()
    doc = load_path(REAL / name)
    info = document_info(doc.text, doc.meta)
    assert (info.title, info.date, info.place.code if info.place else None) == (title, date, place)


SEED_PAGE = "seeds/003_769804915721e2a5.txt"
#: A page of news articles, each ending in the page's date line (dev gold, seed 003): the place an
#: article is about when its headline names the city and its lead the province, the venue of the
#: event it reports, a national plan, and goals in news (evidence, value, region, period, kind).
NEWS_PAGE = [
    # headline 广州…, lead "广东省通过招商引资加速人工智能产业链布局": the province's article
    ("目前已吸引超过200家产业链上下游企业入驻", 200, "广东省", "unknown", "actual"),
    ("自动驾驶路测里程累计突破100万公里", 1e6, "广东省", "unknown", "actual"),
    ("2018年,广东汽车产业在全国保持领先地位,产量继续位居第一", 1, "广东省", "2018", "actual"),
    # a place framing one sentence only ("佛山制造业数字化转型中,…")
    ("人工智能技术已应用于超500条智能化产线", 500, "佛山市", "unknown", "actual"),
    # lead "…研讨活动在广州举行…其中广东省中小企业…": the province's article, the seminar's own counts the venue's
    ("将企业平均融资成本压缩近两成", -20, "广东省", "unknown", "actual"),
    ("在珠三角地区试点期间,服务效率提升约40%", 40, "广东省", "unknown", "actual"),
    ("汇聚了来自亚欧23个国家的300余名代表", 23, "广州市", "unknown", "actual"),
    ("汇聚了来自亚欧23个国家的300余名代表", 300, "广州市", "unknown", "actual"),
    # "此前印发的国家级规划已设定分阶段目标,明确到2025年…": the nation's plan
    ("明确到2025年带动相关产业规模达5万亿元", 5e12, "全国", "2025", "target"),
    # the page's date line (2025-09-04) dates no article: 目前, 近期 stay unknown
    ("构建“3-5个特色产业基地”的三年目标", 3, "广州市", "unknown", "target"),
    ("构建“3-5个特色产业基地”的三年目标", 5, "广州市", "unknown", "target"),
    # an undated article telling its events in one year ("2017年,总投资241.6亿元的…项目启动") is set in
    # that year: its results take it, its goals stay unknown
    ("该总部已吸引2家建设集团公司", 2, "广州市南沙区", "2017", "actual"),
    ("3家投资公司", 3, "广州市南沙区", "2017", "actual"),
    ("预计产值同样将突破千亿元", 1e11, "广州市南沙区", "unknown", "target"),
]


@pytest.mark.parametrize(("evidence", "value", "region", "period", "kind"), NEWS_PAGE, ids=lambda v: str(v)[:14])
def test_news_page_articles(evidence, value, region, period, kind):
    need_shared()
    doc = load_path(SHARED / "corpus" / SEED_PAGE)
    start = doc.text.index(evidence)
    found = [(r["region"], r["period"], r["kind"]) for r in extract(doc.text, doc.name, doc.meta)
             if r["type"] == "quantity" and abs(r["value"] - value) <= 1e-4 * max(1, abs(value))
             and r["start"] < start + len(evidence) and start < r["end"]]
    assert found == [(region, period, kind)], found


#: Leads that keep the headline's place: it is the lead's subject too, or the lead names no place above it.
LEAD_KEEPS = [
    ("广州推进粤港澳大湾区建设专题会议 强化核心引擎功能\n为深入贯彻落实国家关于粤港澳大湾区建设的重要部署及广东省相关"
     "工作要求,广州市近日召开推进粤港澳大湾区建设专题会议。会议明确,全年新增项目30个。\n", "广州市"),
    ("广州举办重大项目融资对接会 强化产融合作促招商引资\n2017年,广州举办重大项目融资对接会。会上签约项目12个。\n",
     "广州市"),
    ("广州人工智能产业集聚区加速布局 龙头企业迎政策红利\n在数字经济与实体经济深度融合的背景下,广东省通过招商引资加速"
     "人工智能产业链布局。目前已吸引超过200家企业入驻。\n", "广东省"),
]


@pytest.mark.parametrize(("text", "region"), LEAD_KEEPS, ids=lambda v: str(v)[:10])
def test_lead_place_against_headline(text, region):
    (article,) = split_articles(text)
    assert article.place is not None and article.place.name == region


#: The year an undated news article is set in (article body, year): one year, written opening a past event.
YEAR_SET_IN = [
    ("南沙正通过重大项目建设提速。2017年,总投资241.6亿元的明珠湾区横沥岛整体开发项目启动。", 2017),
    ("2018年,广东汽车产业在全国保持领先地位,产量继续位居第一。", 2018),
    # a goal's year, or several years, set none
    ("此前印发的国家级规划已设定分阶段目标,明确到2025年带动相关产业规模达5万亿元。", None),
    ("自2015年达成协议以来,南沙吸引多家央企区域总部入驻。新能源整车工厂预计于2018年建成。", None),
]


@pytest.mark.parametrize(("body", "year"), YEAR_SET_IN, ids=lambda v: str(v)[:10])
def test_year_an_undated_news_article_is_set_in(body, year):
    (article,) = split_articles(f"广州三大千亿级价值创新园区启航 赋能产业高质量发展\n{body}\n")
    assert (article.year, article.set_in) == (year, year is not None)
