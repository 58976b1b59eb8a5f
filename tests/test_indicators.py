"""The indicator taxonomy (``zhibiao/data/indicators.tsv``) and subject → id matching.

The taxonomy grows toward the national statistical indicator system (统计公报 / 统计年鉴); these
tests keep the file well formed, keep the spec's ids as the spec defines them, keep every name and
alias pointing at one indicator only, and check subjects written as real documents write them.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from tests.conftest import REAL, SHARED
from zhibiao.extract.indicators import _normalise, taxonomy

SPEC = SHARED / "spec" / "indicators.tsv"
#: Aliases kept from earlier versions of the file that the subject clean-up can no longer reach
#: ("地方" is stripped as a prefix, leaving "财政收入", which is no indicator's name).
UNREACHABLE = {"地方财政收入"}


def _rows() -> list[list[str]]:
    lines = files("zhibiao.data").joinpath("indicators.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["id", "name", "aliases", "unit"]
    return [line.split("\t") for line in lines[1:] if line.strip()]


def test_file_is_well_formed() -> None:
    rows = _rows()
    assert all(len(r) == 4 for r in rows), [r for r in rows if len(r) != 4]
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for ident, name, aliases, unit in rows:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ident), ident
        assert name and unit, ident
        assert "" not in aliases.split("|") or aliases == "", f"{ident}: empty alias"


def test_at_least_250_indicators() -> None:
    assert len(taxonomy().indicators) >= 250


def test_no_name_or_alias_belongs_to_two_indicators() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for ident, name, aliases, _ in _rows():
        for word in (name, *(a for a in aliases.split("|") if a)):
            key = _normalise(word)
            if owner.setdefault(key, ident) != ident:
                clashes.append((word, owner[key], ident))
    assert not clashes


def test_every_name_and_alias_matches_its_own_indicator() -> None:
    t = taxonomy()
    wrong = [(word, i.id, t.match(word)) for i in t.indicators.values() for word in (i.name, *i.aliases)
             if word not in UNREACHABLE and t.match(word) != i.id]
    assert not wrong


def test_spec_ids_keep_their_names_units_and_aliases() -> None:
    if not SPEC.is_file():
        pytest.skip(f"spec not found at {SPEC}")
    t = taxonomy()
    for line in SPEC.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        ident, name, aliases, unit = line.split("\t")
        assert ident in t.indicators, ident
        ind = t.indicators[ident]
        assert (ind.name, ind.unit) == (name, unit), ident
        assert set(a for a in aliases.split("|") if a) <= set(ind.aliases), ident


# (document in shared/corpus/real, subject exactly as the document writes it, expected id)
REAL_SUBJECTS = [
    # provincial 2026 reports and the Jiangxi 2022 communiqué (held-out gold-new files)
    ("jiangxi-province-2026-gov-work-report.txt", "有效期内高新技术企业", "high_tech_enterprises"),
    ("jiangxi-province-2026-gov-work-report.txt", "扣除自然因素影响后空气优良天数比率", "air_quality_rate"),
    ("zhejiang-province-2026-gov-work-report.txt", "“千项万亿”重大项目", "key_projects_count"),
    ("jiangxi-2022-communique.txt", "研究与试验发展（R&D）经费支出占GDP的比重", "rd_intensity"),
    ("hunan-province-2026-gov-work-report.txt", "企业主体", "enterprises"),
    ("guizhou-province-2026-gov-work-report.txt", "各类经营主体", "market_entities"),
    ("hainan-province-2026-gov-work-report.txt", "货物贸易", "foreign_trade"),
    # 地区生产总值 and the three industries: guangzhou-huangpu-2020-communique.excerpt.txt
    ("guangzhou-huangpu-2020-communique.excerpt.txt", "生产总值(GDP)", "gdp"),
    ("guangzhou-huangpu-2020-communique.excerpt.txt", "第一产业增加值", "primary_industry_value_added"),
    ("guangzhou-huangpu-2020-communique.excerpt.txt", "第二产业增加值", "secondary_industry_value_added"),
    ("guangzhou-huangpu-2020-communique.excerpt.txt", "第三产业增加值", "tertiary_industry_value_added"),
    # jiangxi-2022-communique.txt (江西省2022年统计公报)
    ("jiangxi-2022-communique.txt", "建筑业增加值", "construction_value_added"),
    ("jiangxi-2022-communique.txt", "批发和零售业增加值", "wholesale_retail_value_added"),
    ("jiangxi-2022-communique.txt", "住宿和餐饮业增加值", "accommodation_catering_value_added"),
    ("jiangxi-2022-communique.txt", "金融业增加值", "finance_value_added"),
    ("jiangxi-2022-communique.txt", "房地产业增加值", "real_estate_value_added"),
    ("jiangxi-2022-communique.txt", "粮食产量", "grain_output"),
    ("jiangxi-2022-communique.txt", "油料产量", "oil_crops_output"),
    ("jiangxi-2022-communique.txt", "猪牛羊禽肉产量", "pork_beef_mutton_poultry_output"),
    ("jiangxi-2022-communique.txt", "生猪出栏", "hogs_slaughtered"),
    ("jiangxi-2022-communique.txt", "生猪存栏", "hogs_inventory"),
    ("jiangxi-2022-communique.txt", "居民人均消费支出", "consumption_per_capita"),
    ("jiangxi-2022-communique.txt", "城镇居民人均消费支出", "urban_consumption_per_capita"),
    ("jiangxi-2022-communique.txt", "居民恩格尔系数", "engel_coefficient"),
    ("jiangxi-2022-communique.txt", "出生率", "birth_rate"),
    ("jiangxi-2022-communique.txt", "自然增长率", "natural_growth_rate"),
    ("jiangxi-2022-communique.txt", "城镇常住人口", "urban_population"),
    ("jiangxi-2022-communique.txt", "金融机构本外币各项存款余额", "deposits_balance"),
    ("jiangxi-2022-communique.txt", "金融机构本外币各项贷款余额", "loans_balance"),
    ("jiangxi-2022-communique.txt", "限额以上单位消费品零售额", "above_quota_retail_sales"),
    ("jiangxi-2022-communique.txt", "实物商品网上零售额", "physical_goods_online_retail_sales"),
    ("jiangxi-2022-communique.txt", "商品房销售面积", "commercial_housing_sales_area"),
    ("jiangxi-2022-communique.txt", "商品房销售额", "commercial_housing_sales"),
    ("jiangxi-2022-communique.txt", "货物贸易进出口总值", "foreign_trade"),
    ("jiangxi-2022-communique.txt", "货物运输周转量", "freight_turnover"),
    ("jiangxi-2022-communique.txt", "旅客运输周转量", "passenger_turnover"),
    ("jiangxi-2022-communique.txt", "民用汽车保有量", "civil_vehicles"),
    ("jiangxi-2022-communique.txt", "移动电话用户", "mobile_phone_users"),
    ("jiangxi-2022-communique.txt", "固定互联网宽带接入用户", "broadband_users"),
    ("jiangxi-2022-communique.txt", "快递业务收入", "express_delivery_revenue"),
    ("jiangxi-2022-communique.txt", "授权专利", "patents_granted"),
    ("jiangxi-2022-communique.txt", "参加失业保险人数", "unemployment_insured"),
    ("jiangxi-2022-communique.txt", "参加基本医疗保险人数", "medical_insured"),
    ("jiangxi-2022-communique.txt", "卫生技术人员", "health_technicians"),
    ("jiangxi-2022-communique.txt", "规模以上工业综合能源消费量", "industrial_energy_consumption"),
    ("jiangxi-2022-communique.txt", "万元规模以上工业增加值能耗", "industrial_energy_intensity"),
    ("jiangxi-2022-communique.txt", "规模以上服务业企业营业收入", "above_scale_services_revenue"),
    ("jiangxi-2022-communique.txt", "农产品生产者价格", "agricultural_producer_price"),
    # jiangxi-yichun-2022-communique.txt (宜春市2022年统计公报)
    ("jiangxi-yichun-2022-communique.txt", "非税收入", "non_tax_revenue"),
    ("jiangxi-yichun-2022-communique.txt", "教育支出", "education_expenditure"),
    ("jiangxi-yichun-2022-communique.txt", "规模以上工业企业资产负债率", "industrial_asset_liability_ratio"),
    ("jiangxi-yichun-2022-communique.txt", "全社会能源消费总量", "energy_consumption"),
    ("jiangxi-yichun-2022-communique.txt", "邮政业务总量", "postal_business_volume"),
    ("jiangxi-yichun-2022-communique.txt", "城乡居民收入比", "urban_rural_income_ratio"),
    ("jiangxi-yichun-2022-communique.txt", "公路货运量", "road_freight_traffic"),
    # jiangxi-yichun-wanzai-2015-communique.txt (万载县2015年统计公报)
    ("jiangxi-yichun-wanzai-2015-communique.txt", "农业机械总动力", "agricultural_machinery_power"),
    ("jiangxi-yichun-wanzai-2015-communique.txt", "农村居民最低生活保障人数", "rural_dibao_recipients"),
    ("jiangxi-yichun-wanzai-2015-communique.txt", "小学毛入学率", "primary_gross_enrolment"),
    # guangdong-province-2026-gov-work-report.txt (广东省政府工作报告)
    ("guangdong-province-2026-gov-work-report.txt", "农林牧渔业总产值", "agriculture_output"),
    ("guangdong-province-2026-gov-work-report.txt", "港口集装箱吞吐量", "container_throughput"),
    ("guangdong-province-2026-gov-work-report.txt", "机场旅客吞吐量", "airport_passenger_throughput"),
    ("guangdong-province-2026-gov-work-report.txt", "机场货邮吞吐量", "airport_cargo_throughput"),
    ("guangdong-province-2026-gov-work-report.txt", "旅游总收入", "tourism_revenue"),
    ("guangdong-province-2026-gov-work-report.txt", "接待游客", "tourist_visits"),
    ("guangdong-province-2026-gov-work-report.txt", "新能源汽车产量", "nev_output"),
    ("guangdong-province-2026-gov-work-report.txt", "森林覆盖率", "forest_coverage"),
    ("guangdong-province-2026-gov-work-report.txt", "常住人口城镇化率", "urbanization_rate"),
    ("guangdong-province-2026-gov-work-report.txt", "城镇调查失业率平均值", "surveyed_unemployment_rate"),
    ("guangdong-province-2026-gov-work-report.txt", "国考断面水质优良率", "surface_water_quality_rate"),
    ("guangdong-province-2026-gov-work-report.txt", "新登记经营主体", "new_market_entities"),
    ("guangdong-province-2026-gov-work-report.txt", "新设外资企业", "new_foreign_enterprises"),
    ("guangdong-province-2026-gov-work-report.txt", "服务贸易总额", "services_trade"),
    ("guangdong-province-2026-gov-work-report.txt", "全社会研发投入", "rd_expenditure"),
    # other provincial reports of 2026
    ("guizhou-province-2026-gov-work-report.txt", "居民消费价格涨幅", "cpi"),
    ("guizhou-province-2026-gov-work-report.txt", "电力装机规模", "installed_capacity"),
    ("heilongjiang-province-2026-gov-work-report.txt", "跨境电商进出口", "cross_border_ecommerce"),
    ("heilongjiang-province-2026-gov-work-report.txt", "单位地区生产总值二氧化碳排放", "carbon_intensity"),
    ("heilongjiang-province-2026-gov-work-report.txt", "网上零售额", "online_retail_sales"),
    ("hainan-province-2026-gov-work-report.txt", "PM2.5浓度", "pm25_concentration"),
    ("hainan-province-2026-gov-work-report.txt", "技术合同成交额", "tech_contract_turnover"),
    ("hunan-province-2026-gov-work-report.txt", "全社会研发投入强度", "rd_intensity"),
    ("henan-province-2026-gov-work-report.txt", "财政总收入", "fiscal_total_revenue"),
    ("zhejiang-province-2026-gov-work-report.txt", "高新技术产业增加值", "high_tech_industry_value_added"),
    # older district reports
    ("hulunbuir-hailar-2016-gov-work-report.txt", "公共预算支出", "budget_expenditure"),
    ("hulunbuir-hailar-2016-gov-work-report.txt", "工业固定资产投资", "industrial_investment"),
    ("hulunbuir-hailar-2016-gov-work-report.txt", "累积完成全社会固定资产投资", "fixed_asset_investment"),
    ("guangdong-province-2026-gov-work-report.txt", "境内外上市公司", "listed_companies"),
    ("hulunbuir-hailar-2014-gov-work-report.txt", "城镇居民人均可支配收入", "urban_disposable_income"),
    ("hulunbuir-hailar-2014-gov-work-report.txt", "农民人均纯收入", "rural_net_income"),
    ("guangzhou-haizhu-2021-gov-work-report.excerpt.txt", "税收总收入", "tax_revenue"),
    ("guangzhou-tianhe-2025-gov-work-report.excerpt.txt", "商品进出口总值", "foreign_trade"),
    ("guangdong-2021-jan-feb-economy-news.txt", "民间投资", "private_investment"),
    ("guangdong-2021-jan-feb-economy-news.txt", "高技术制造业投资", "high_tech_manufacturing_investment"),
]


@pytest.mark.parametrize(("doc", "subject", "expected"), REAL_SUBJECTS)
def test_real_subjects_match(doc: str, subject: str, expected: str) -> None:
    assert taxonomy().match(subject) == expected


def test_real_subjects_are_written_so_in_their_documents() -> None:
    if not REAL.is_dir():
        pytest.skip(f"real corpus not found at {REAL}")
    absent = [(doc, subject) for doc, subject, _ in REAL_SUBJECTS
              if subject not in (REAL / doc).read_text(encoding="utf-8")]
    assert not absent


@pytest.mark.parametrize(("subject", "expected"), [
    ("全年实现第一产业增加值", "primary_industry_value_added"),
    ("全市粮食总产量", "grain_output"),
    ("全省城镇居民人均可支配收入", "urban_disposable_income"),
    ("全区地区生产总值", "gdp"),
    ("年末金融机构本外币各项存款余额", "deposits_balance"),
    ("全年全社会用电量", "electricity_consumption"),
])
def test_prefixes_and_suffixes_are_stripped(subject: str, expected: str) -> None:
    assert taxonomy().match(subject) == expected


@pytest.mark.parametrize(("subject", "parent"), [
    ("规上纺织服装制造业产值", "industrial_output"),  # annotating.md rule 8
    ("规模以上工业企业营业收入", "industrial_output"),
    ("高技术制造业增加值", "industrial_value_added"),
    ("装备制造业增加值", "industrial_value_added"),
    ("跨境电商进出口", "foreign_trade"),
    ("一般贸易进出口", "foreign_trade"),
    ("民营企业进出口", "foreign_trade"),
    ("服务贸易", "foreign_trade"),
    ("机电产品出口", "exports"),
    ("限额以上单位消费品零售额", "retail_sales"),
    ("网上零售额", "retail_sales"),
    ("民间投资", "fixed_asset_investment"),
    ("第三产业投资", "fixed_asset_investment"),
    ("高技术制造业投资", "manufacturing_investment"),
    ("住宅投资", "real_estate_investment"),
    ("非税收入", "budget_revenue"),
    ("城镇居民人均可支配收入", "disposable_income"),
    ("农村居民人均可支配收入", "disposable_income"),
    ("规模以上工业企业", "above_scale_enterprises"),
    ("个体工商户", "market_entities"),
    ("新设个体工商户", "new_enterprises"),
    ("实际利用内资", "foreign_investment"),
    ("数字经济核心产业增加值", "digital_economy_core_revenue"),
    ("城镇人口", "resident_population"),
])
def test_sub_sector_is_not_its_parent(subject: str, parent: str) -> None:
    assert taxonomy().match(subject) != parent


@pytest.mark.parametrize("subject", ["投资", "收入", "产值", "增加值", "产量", "营业收入", "利润总额", "支出"])
def test_bare_words_take_no_indicator(subject: str) -> None:
    assert taxonomy().match(subject) is None


def test_level_units_gate_the_match() -> None:
    t = taxonomy()
    assert t.match("粮食产量", "吨", "level") == "grain_output"
    assert t.match("港口集装箱吞吐量", "标箱", "level") == "container_throughput"
    assert t.match("生猪出栏", "元", "level") is None  # a count of animals is no amount of money
    assert t.match("居民消费价格涨幅", None, "growth") == "cpi"


def test_footnote_marks_do_not_hide_the_indicator():
    """Communiqués mark notes inline ("地区生产总值[2]", "规模以上工业增加值①")."""
    from zhibiao.extract.indicators import taxonomy

    assert taxonomy().match("地区生产总值[2]") == "gdp"
    assert taxonomy().match("规模以上工业增加值①") == "industrial_value_added"
