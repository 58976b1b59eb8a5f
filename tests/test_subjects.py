"""Subject rules, table-driven on sentences from `shared/corpus`: what each number measures.

Each case is a sentence (copied from the named corpus document) put under a one-line frame,
and for chosen values the subject's key words and the indicator a careful reader gives them
(checked by hand against the sentence; ids of the package's taxonomy).
"""

from __future__ import annotations

import pytest

from zhibiao.extract.facts import extract

FRAME = "广东省2021年国民经济和社会发展统计公报\n"
HAILAR_FAI = "“十二五”期间，累积完成全社会固定资产投资615亿元，是“十一五”时期的2.7倍。"

#: (sentence, source document, value, words the subject holds, indicator id or None)
CASES = [
    # "比上年末增加": the same thing, compared with last year → a change of the stock (its indicator)
    ("年末全省常住人口4527.98万人，比上年末增加10.58万人。", "jiangxi-2022-communique", 105800, "常住人口",
     "resident_population"),
    ("年末全省常住人口4527.98万人，比上年末增加10.58万人。", "jiangxi-2022-communique", 45279800, "常住人口",
     "resident_population"),
    ("年末常住人口488403人，比上年末增加353人。", "jiangxi-yichun-wanzai-2015-communique", 353, "常住人口",
     "resident_population"),
    ("年末参加城镇职工基本养老保险人数1362.0万人，比上年末增加114.5万人。", "jiangxi-2022-communique", 1145000,
     "城镇职工基本养老保险", "employee_pension_insured"),
    # another base ("比2019年同期", "两年平均"): the same subject, no longer its year-on-year indicator
    ("规模以上工业增加值比2019年同期增长11.1%，两年平均增长5.4%。", "guangdong-2021-jan-feb-economy-news", 5.4,
     "规模以上工业增加值", None),
    ("先进制造业增加值增长46.7%，两年平均增长6.9%。", "guangdong-2021-jan-feb-economy-news", 6.9, "先进制造业增加值",
     None),
    ("先进制造业增加值增长46.7%，两年平均增长6.9%。", "guangdong-2021-jan-feb-economy-news", 46.7, "先进制造业增加值",
     "advanced_manufacturing_value_added"),
    ("高技术制造业增长40.7%，两年平均增长6.9%。", "guangdong-2021-jan-feb-economy-news", 6.9, "高技术制造业", None),
    ("全省地区生产总值增长18.6%，比2019年同期增长15.5%，两年平均增长7.5%。", "guangdong-2021-jan-feb-economy-news",
     18.6, "地区生产总值", "gdp"),
    ("全省地区生产总值增长18.6%，比2019年同期增长15.5%，两年平均增长7.5%。", "guangdong-2021-jan-feb-economy-news",
     15.5, "地区生产总值", None),
    ("全省地区生产总值增长18.6%，比2019年同期增长15.5%，两年平均增长7.5%。", "guangdong-2021-jan-feb-economy-news",
     7.5, "地区生产总值", None),
    # "分别" distributes over the subjects listed before it
    ("5年累计一般公共预算收入达261.3亿元,税收总收入达1051.7亿元,年均分别增长0.7%、3.2%。",
     "guangzhou-haizhu-2021-gov-work-report.excerpt", 0.7, "一般公共预算收入", "budget_revenue"),
    ("5年累计一般公共预算收入达261.3亿元,税收总收入达1051.7亿元,年均分别增长0.7%、3.2%。",
     "guangzhou-haizhu-2021-gov-work-report.excerpt", 3.2, "税收总收入", "tax_revenue"),
    ("一般公共预算收入、税收收入年均分别增长4.5%、3%。", "guizhou-province-2026-gov-work-report", 4.5,
     "一般公共预算收入", "budget_revenue"),
    ("一般公共预算收入、税收收入年均分别增长4.5%、3%。", "guizhou-province-2026-gov-work-report", 3, "税收收入",
     "tax_revenue"),
    ("规模工业企业利润、服务业企业营收年均分别增长5.9%、9.9%。", "hunan-province-2026-gov-work-report", 9.9,
     "服务业企业营收", None),
    ("接待游客人次、旅游总花费、游客人均花费年均分别增长4.4%、10%、5.4%。", "guizhou-province-2026-gov-work-report",
     10, "旅游总花费", "tourist_spending"),
    # a list's head names what its places measure
    ("地级市1—7月投资增速前二名：中卫市增长36.4%，吴忠市增长7.5%。", "ningxia-2021-jan-jul-major-projects-news",
     7.5, "投资", "fixed_asset_investment"),
    ("县（区）1—7月投资增速前三名：中宁县增长58.3%，海原县增长36.8%。", "ningxia-2021-jan-jul-major-projects-news",
     36.8, "投资", "fixed_asset_investment"),
    ("1．地级市1—7月投资增速前二名：中卫市增长36.4%，吴忠市增长7.5%。", "ningxia-2021-jan-jul-major-projects-news",
     36.4, "投资", "fixed_asset_investment"),
    # a total (总量, 总数) refers back to the subject before; of new things it is the stock
    ("新增企业10.5万家,总数在全省各区(县)率先突破60万家。", "guangzhou-tianhe-2025-gov-work-report.excerpt", 600000,
     "企业总数", "enterprises"),
    ("实现地区生产总值5047.4亿元,增长8%,总量连续十三年全市第一。",
     "guangzhou-tianhe-2020-gov-work-report-news.excerpt", 1, "地区生产总值总量", "gdp"),
    # a sentence after a semicolon without a subject of its own continues the one before
    ("2020年地区生产总值突破两千亿元,达到2086.93亿元,同比增长2.8%;“十三五”期间年均增长6.3%,均高于全市增速。",
     "guangzhou-haizhu-2021-gov-work-report.excerpt", 6.3, "地区生产总值", "gdp"),
    # runs of years, plan words and arranging verbs around a subject are not part of it
    ("深圳2021年全年地区生产总值3.07万亿元，规模以上工业总产值连续3年居全国城市首位。",
     "shenzhen-2022-gov-work-report-major-projects-news", 1, "规模以上工业总产值", "industrial_output"),
    ("2022年深圳全年固定资产投资计划增长5%。", "shenzhen-2022-gov-work-report-major-projects-news", 5, "固定资产投资",
     "fixed_asset_investment"),
    ("深圳2022年重大项目计划共安排项目883个，总投资35674.8亿元。",
     "shenzhen-2022-gov-work-report-major-projects-news", 883, "重大项目", "key_projects_count"),
    ("2022年重大项目共安排883个，年度社会投资占比74.3%。", "shenzhen-2022-gov-work-report-major-projects-news", 883,
     "重大项目", "key_projects_count"),
    # a count of projects followed by the count of a subset, then their investment
    ("全区重大项目加速推进，1133个重大项目开工1116个，完成投资675.9亿元。",
     "ningxia-2021-jan-jul-major-projects-news", 1133, "重大项目", "key_projects_count"),
    ("全区重大项目加速推进，1133个重大项目开工1116个，完成投资675.9亿元。",
     "ningxia-2021-jan-jul-major-projects-news", 6.759e10, "重大项目", "key_projects_investment"),
    # a list of nouns sharing one number is its subject as a whole; places before it are stripped
    ("新改扩建中小学、幼儿园4868所，新增学位、园位138.47万个。", "jiangxi-province-2026-gov-work-report", 4868,
     "中小学、幼儿园", None),
    ("交通运输、仓储和邮政业增加值1341.7亿元，增长2.3%。", "jiangxi-2022-communique", 2.3, "交通运输、仓储和邮政业",
     "transport_value_added"),
    ("内江、眉山、自贡、遂宁经济总量突破2000亿元。", "sichuan-province-2026-gov-work-report", 2e11, "经济总量", "gdp"),
    # 国内税收 is tax revenue (domestic: without customs duties)
    ("实现国内税收913.6亿元、增长6.2%,总量全市第一。", "guangzhou-tianhe-2025-gov-work-report.excerpt", 6.2,
     "国内税收", "tax_revenue"),
    # place and period words inside a subject do not hide the indicator
    ("深圳2022年规模以上工业增加值增长5%。", "shenzhen-2022-gov-work-report-major-projects-news", 5,
     "规模以上工业增加值", "industrial_value_added"),
    ("2022年深圳地区生产总值预期增长目标6%左右。", "shenzhen-2022-gov-work-report-major-projects-news", 6,
     "地区生产总值", "gdp"),
    # verbs before a counted noun, and an investment without its owner
    ("铺排落实省重点项目304个、完成投资4608亿元。", "hunan-province-2026-gov-work-report", 304, "重点项目",
     "key_projects_count"),
    ("铺排落实省重点项目304个、完成投资4608亿元。", "hunan-province-2026-gov-work-report", 4.608e11, "重点项目",
     "key_projects_investment"),
    # a list's verb of new items is shared by its items, which then take no stock's indicator
    ("新增国家高新技术企业500家、国家级专精特新“小巨人”企业100家。",
     "shenzhen-2022-gov-work-report-major-projects-news", 100, "新增", None),
    ("全年新增国家级专精特新“小巨人”6家、累计11家。", "002_5d7b83ef2be3264a (seed)", 11, "小巨人", "little_giants"),
    ("净增经营主体34.6万家、企业14万家。", "hunan-province-2026-gov-work-report", 140000, "企业", "enterprises"),
    # a change's start and end measure the same thing
    ("地区生产总值从11.37万亿元提升到14.58万亿元。", "guangdong-province-2026-gov-work-report", 1.458e13,
     "地区生产总值", "gdp"),
    ("地区生产总值从11.37万亿元提升到14.58万亿元。", "guangdong-province-2026-gov-work-report", 1.137e13,
     "地区生产总值", "gdp"),
    # growth over several years that is not an annual average is not the indicator's rate
    ("“十四五”时期，全省进出口总额实现翻番。", "heilongjiang-province-2026-gov-work-report", 100, "进出口总额", None),
    ("全年实现地区生产总值[2]5047.4亿元。", "(a footnote mark as communiqués write it)", 5.0474e11, "地区生产总值",
     "gdp"),
    # the total after a flow ("新登记…320万户、增长13%，总量达2037.7万户") is the stock (gold-new guangdong, jiangxi)
    ("新登记经营主体320万户、增长13%，总量达2037.7万户，其中企业929.8万户。", "guangdong-province-2026-gov-work-report",
     20377000, "经营主体", "market_entities"),
    ("新增境内外上市公司45家、总量达1224家，上榜世界500强企业增至18家。", "guangdong-province-2026-gov-work-report",
     1224, "上市公司", "listed_companies"),
    ("累计净增各类经营主体155万户、总量达474万户，新增上市公司48家、总量达122家。",
     "jiangxi-province-2026-gov-work-report", 4740000, "经营主体", "market_entities"),
    # what a count of enterprises goes on to measure is their industry's
    ("规模以上工业企业达7.6万家、增加值增长3%。", "guangdong-province-2026-gov-work-report", 3, "规模以上工业增加值",
     "industrial_value_added"),
    # a ratio in 倍 to an earlier period is no value of the amount's indicator (hailar 2016)
    (HAILAR_FAI, "hulunbuir-hailar-2016-gov-work-report", 2.7, "固定资产投资", None),
    (HAILAR_FAI, "hulunbuir-hailar-2016-gov-work-report", 6.15e10, "全社会固定资产投资", "fixed_asset_investment"),
    # a space before the number (PDF text) does not keep the verb in the subject
    ("2021 年，深圳市房产户主人数为 145.82 万人，房产户主性别比为 94.87。", "shenzhen-2021-gender-statistics-report",
     94.87, "房产户主性别比", None),
    # a part named alone after its whole ("其中女性") is that part of the whole
    ("户籍迁出人口 4.21 万人，其中女性 1.93 万人，性别比为 118.13。", "shenzhen-2021-gender-statistics-report", 19300,
     "女性户籍迁出人口", None),
    ("2021 年，深圳市常住人口 1761.48 万人，其中男性 969.57 万人，占全市人口的 55.0%。",
     "shenzhen-2021-gender-statistics-report", 9695700, "男性常住人口", None),
    # … and after a semicolon, of the whole of the sentence before (the part before it is no whole)
    ("2021 年，深圳市户籍人口 630.94 万人，其中男性 311.85 万人，占全市户籍人口的 49.4%；女性 319.09 万人，"
     "占全市户籍人口的 50.6%。", "shenzhen-2021-gender-statistics-report", 3190900, "女性户籍人口", None),
    ("2021 年，深圳市城镇非私营单位就业人员 513.60 万人，其中女性 199.29 万人。",
     "shenzhen-2021-gender-statistics-report", 1992900, "女性城镇非私营单位就业人员", None),
    # 再 and 在 open nouns here (再就业, 在校学生), no filler words to drop
    ("全市现有各级各类学校2204所，在校学生112.51万人，教职工8.73万人。", "jiangxi-yichun-2022-communique", 1125100,
     "在校学生", None),
    ("全年新增就业5611人，实现再就业2529人，城镇登记失业率控制到3.65%。", "hulunbuir-hailar-2014-gov-work-report", 2529,
     "再就业", None),
    # PDF text spaces numbers and Latin words; the subject is written without those spaces
    ("2021 年，深圳市 0-17 岁常住人口 298.76 万人。", "shenzhen-2021-gender-statistics-report", 2987600,
     "0-17岁常住人口", None),
    ("2021 年，深圳市 5 岁以下儿童死亡率为 1.36‰。", "shenzhen-2021-gender-statistics-report", 1.36,
     "5岁以下儿童死亡率", "under5_mortality"),
    ("2021 年，深圳市规模以上工业企业 R&D 就业人员 35.58 万人。", "shenzhen-2021-gender-statistics-report",
     355800, "规模以上工业企业R&D就业人员", None),
]


@pytest.mark.parametrize(("sentence", "source", "value", "words", "indicator"), CASES,
                         ids=[f"{c[1][:10]}:{c[2]}" for c in CASES])
def test_subject(sentence, source, value, words, indicator):
    records = [r for r in extract(FRAME + sentence + "\n", "t.txt")
               if r["type"] == "quantity" and abs(r["value"] - value) <= 1e-6 * abs(value)]
    assert records, f"no record of {value} in {sentence!r}"
    assert any(words in r["subject"] and r["indicator"] == indicator for r in records), records
    assert not any(r["subject"].endswith(("为", " ")) for r in records), records


@pytest.mark.parametrize(("sentence", "source"), [
    ("地区生产总值增长3.9%、总量连续37年居全国首位。", "guangdong-province-2026-gov-work-report"),
    ("实现地区生产总值5047.4亿元,增长8%,总量连续十三年全市第一。",
     "guangzhou-tianhe-2020-gov-work-report-news.excerpt"),
])
def test_every_number_of_a_total_names_it_once(sentence, source):
    """The years and the rank after 总量 are both of 地区生产总值总量, not of 地区生产总值总量总量."""
    records = [r for r in extract(FRAME + sentence + "\n", "t.txt") if r["type"] == "quantity"]
    after_total = [r for r in records if r["evidence"].startswith("总量")]
    assert len(after_total) == 2, records
    assert {r["subject"] for r in after_total} == {"地区生产总值总量"}, after_total
