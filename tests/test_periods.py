"""time_refs and document_date on phrases and headers copied from shared/corpus.

Expected values were worked out by reading each phrase (with the year of the document it
comes from as the reference year), not by running the code.
"""

from __future__ import annotations

import pytest

from zhibiao.extract.periods import document_date, document_day, time_refs

#: (phrase, reference year 今年, section year, expected periods in text order)
TIME_CASES = [
    # explicit years
    ("2024年,我区坚持以习近平新时代中国特色社会主义思想为指导", 2025, None, ["2024"]),
    ("在2023年国家级经开区综合发展水平考核中跃升至第7位", 2024, None, ["2023"]),
    ("2023年以来,全区顶住复杂外部经济环境压力与风险", 2024, None, ["2023"]),
    ("截至2021年底，东莞倍增企业数量从214家扩充至457家", 2022, None, ["2021"]),
    ("2019年1月1日至12月31日，对面临暂时性生产经营困难", None, None, ["2019"]),
    # 去年 / 今年 against the reference year
    ("回顾去年工作，提出今年经济社会发展的主要预期目标", 2022, None, ["2021", "2022"]),
    ("去年固定资产投资、社会消费品零售总额", 2026, None, ["2025"]),
    ("今年以来,我区坚持以习近平新时代中国特色社会主义思想为指导", 2020, None, ["2020"]),
    # the year to date at a month's end (ningxia news; seed 002): its first months, the year at 12月底
    ("截至7月底未开工项目共5个", 2021, None, ["2021-01/2021-07"]),
    ("截至12月底,全区共有各类商事主体21.02万户", 2024, None, ["2024"]),
    ("截至6月底，全省", 2021, None, ["2021H1"]),
    # half years and quarters
    ("关于广州市白云区2022年上半年国民经济和社会发展计划执行情况", 2022, None, ["2022H1"]),
    ("上半年实现地区生产总值795.3亿元", 2020, None, ["2020H1"]),
    ("今年首季共有56个重点项目集中开工(竣工)", 2024, None, ["2024Q1"]),
    ("今年一季度，以“倍增计划”企业为代表的龙头企业", 2022, None, ["2022Q1"]),
    ("2017年一季度,广州市场主体新增数量同比增长三成以上", 2017, None, ["2017Q1"]),
    ("深圳市2022年第二季度新开工项目集中启动", 2022, None, ["2022Q2"]),
    # a bare part belongs to the section's year (a 2024 plan report reviewing 2023)
    ("全年实现地区生产总值2867亿元、增长4.6%,增速由一季度的0.3%持续回稳提升", 2024, 2023,
     ["2023", "2023Q1"]),
    ("针对三季度经济增速回落的情况", 2026, 2025, ["2025Q3"]),
    ("前三季度", 2024, None, ["2024-01/2024-09"]),  # no 前三季度 in the corpus: written for this test
    # months
    ("◆1-7月固定资产投资、一般公共预算收入、进出口总值增速均位居全市前列", 2020, None, ["2020-01/2020-07"]),
    ("1—7月，围绕扩大有效投资年活动，全区重大项目加速推进", 2021, None, ["2021-01/2021-07"]),
    ("2021年1-2月，广东经济持续稳定恢复", 2021, None, ["2021-01/2021-02"]),
    ("今年1-2月规模以上工业增加值两年平均增长", 2021, None, ["2021-01/2021-02"]),
    # multi-year spans
    ("报告选取2016至2019年间发展数据", 2020, None, ["2016/2019"]),
    ("深圳市高新技术企业资质的企业（发证时间为2017-2019年）", 2021, None, ["2017/2019"]),
    ("2013-2018年同期广东规模以上工业增加值平均增速", 2021, None, ["2013/2018"]),
    ("2025年是“十四五”规划收官之年。过去五年，发展历程极不寻常", 2026, None, ["2025", "2021/2025"]),
    ("一、2025年和“十四五”时期工作回顾", 2026, None, ["2025", "2021/2025"]),
    ("“十三五”期间年均增长6.3%,均高于全市增速", 2021, None, ["2016/2020"]),
    # 全年 takes the year just named, else the section's year
    ("2022年深圳全年固定资产投资计划增长5%，全年基础设施投资2200亿元", None, None, ["2022", "2022", "2022"]),
    ("全年实现地区生产总值6614.7亿元", 2025, 2024, ["2024"]),
    # relative words with no reference year cannot be resolved
    ("全年实现地区生产总值6614.7亿元", None, None, ["unknown"]),
    ("回顾去年工作，提出今年经济社会发展的主要预期目标", None, None, ["unknown", "unknown"]),
    ("上半年实现地区生产总值795.3亿元", None, None, ["unknown"]),
    ("回望过去五年，打赢脱贫攻坚战后", None, None, ["unknown"]),
    # comparison bases are not the period measured
    ("比上年增长10.2亿元", 2025, None, []),
    ("人均体育场地面积达2.53平方米，比2021年新增0.14平方米", 2022, None, []),
    ("同比增长4.3%", 2024, None, []),
    ("PM2.5浓度29微克/立方米，比上年同期改善6.5%", 2022, None, []),
    pytest.param("一、二季度经济平稳增长", 2026, 2025, ["2025Q1", "2025Q2"], marks=pytest.mark.xfail(
        strict=True, reason="一、二季度 lists two quarters; only 二季度 is found")),
]


@pytest.mark.parametrize(("text", "year", "section_year", "expected"), TIME_CASES)
def test_time_refs(text, year, section_year, expected):
    refs = time_refs(text, 0, len(text), year, section_year)
    assert [r.period for r in refs] == expected


def test_time_refs_spans_and_window():
    text = "前言。关于广州市白云区2022年上半年国民经济和社会发展计划执行情况"
    start = text.index("关于")
    refs = time_refs(text, start, len(text), 2022)
    spans = [(text[r.start:r.end], r.period, r.explicit_year) for r in refs]
    assert spans == [("2022年上半年", "2022H1", True)]
    assert time_refs(text, 0, start, 2022) == []


def test_relative_year_is_not_explicit():
    refs = time_refs("今年首季共有56个重点项目集中开工", 0, 16, 2024)
    assert [(r.period, r.explicit_year) for r in refs] == [("2024Q1", False)]


#: (start of a document as written, meta date, expected (year, month, day))
DATE_CASES = [
    # a meeting date wins over the page's publication date
    ("发布日期:2025-03-14 17:14:41 来源:区发改局\n分享到:\n浏览量:-\n\n"
     "广州市海珠区2024年国民经济和社会发展计划执行情况与2025年计划草案的报告\n\n"
     "  ——2025年3月5日在广州市海珠区第十七届人民代表大会第五次会议上\n", None, (2025, 3, 5)),
    ("发布机构: 区人民政府办公室 成文日期: 2008-03-11\n名称: 海珠区2008年政府工作报告\n"
     "文号: 发布日期: 2008-03-14\n\n  ――2008年3月11日在广州市海珠区第十四届人民代表大会第三次会议上\n",
     None, (2008, 3, 11)),
    ("\u3000—2017年2月11日在海拉尔区第十四届人民代表大会第六次会议上 \n\n"
     "\u3000\u3000\u3000\u3000海拉尔区人民政府代区长", None, (2017, 2, 11)),
    ("  —— 2023年2月9日在广州市番禺区第十八届人民代表大会第三次会议上\n", None, (2023, 2, 9)),
    ("政府工作报告\n（2026年1月27日在贵州省第十四届人民代表大会第四次会议上）\n省长 李炳军\n", None,
     (2026, 1, 27)),
    # labelled dates
    ("发布日期:2025-03-14 17:14:41 来源:区发改局\n", None, (2025, 3, 14)),
    ("索\u2002引\u2002号：\n\n014717475N/2023-0040295\n\n发布机构：\n\n宜春市统计局\n\n发文日期：\n\n2023-04-18\n\n"
     "公开方式：\n\n主动公开\n", None, (2023, 4, 18)),
    ("来源: 发布时间:2021年06月17日 16:59 点击量:882 字体: 分享:\n", None, (2021, 6, 17)),
    ("发布时间:2022-03-21 来源:区发展改革局 字体大小:\n\n  ——2022年3月在广州市白云区第十七届\n\n"
     "  人民代表大会第二次会议上\n", None, (2022, 3, 21)),
    # the page's crawl date (no label) is not the document's date
    ("万载县人民政府 | 万载县2015年国民经济和社会发展统计公报\n\n|\n2023年10月11日 星期三\n\n"
     "来源：\n访问量：199\n发布日期：2017-05-15 10:49:00\n", None, (2017, 5, 15)),
    # a bracketed date line
    ("宜春市统计局 \u2002国家统计局宜春调查队\n\n（2023年4月12日）\n\n"
     "2022年，在市委、市政府的坚强领导下", None, (2023, 4, 12)),
    # an e-mail style header
    ("title: 深圳如何实现GDP增长6%：稳住制造业基本盘\ndate: Tue, 12 Apr 2022 02:27:27 GMT\n\n"
     "\u3000\u3000记者|戈振伟\n\u3000\u30004月11日，深圳市七届人大二次会议开幕", None, (2022, 4, 12)),
    # nothing in the text: the meta date, else None
    ("——2025416日在广州市黄埔区第\n\n人民代表大会第次会议上\n", None, None),
    ("——2025416日在广州市黄埔区第\n\n人民代表大会第次会议上\n", "2025-04-16", (2025, 4, 16)),
    ("各位代表:\n现在,我代表区人民政府向大会报告工作", "2024-03-01T10:00:00", (2024, 3, 1)),
    # a meeting line broken over two lines (as in many real headers)
    pytest.param("政府工作报告\n——2026年1月26日在广东省第十四届\n"
                 "人民代表大会第五次会议上\n广东省省长 孟凡利\n",
                 None, (2026, 1, 26)),
    pytest.param("发布日期:2021-02-09 10:03:38 来源:海珠区人民政府\n\n  政 府 工 作 报 告\n\n"
                 "  ——2021年2月7日在广州市海珠区第十六届\n\n  人民代表大会第七次会议上\n",
                 None, (2021, 2, 7)),
]


@pytest.mark.parametrize(("text", "meta_date", "expected"), DATE_CASES)
def test_document_date(text, meta_date, expected):
    assert document_date(text, meta_date) == expected


@pytest.mark.parametrize(("text", "meta_date", "expected"), [
    # the meeting line in its common forms (real headers)
    ("2026年四川省人民政府工作报告\n2026年02月10日 07时41分\n来源:\n四川日报\n"
     "2026年2月3日在四川省第十四届人民代表大会第五次会议上\n", None, "2026-02-03"),
    ("政府工作报告\n（2026年1月27日在贵州省第十四届人民代表大会第四次会议上）\n省长 李炳军\n", None, "2026-01-27"),
    ("政 府 工 作 报 告\n\n\u3000\u3000--2014年2月19日在海拉尔区第十四届人民代表大会第三次会议上\n", None,
     "2014-02-19"),
    ("政府工作报告\n——2024年1月在广州市南沙区第四届人民代表大会第三次会议上\n", None, "2024-01"),
    ("南沙区2023年经济运行简况\n\n发布日期：2024-02-20\n", None, "2024-02-20"),
    ("关于2023年预算执行情况\n发布时间：2024年3月1日\n", None, "2024-03-01"),
    # signed at the end (国务院 2018年11月16日), or a cover's month in Chinese numerals
    ("国务院关于做好当前和今后一个时期促进就业工作的若干意见\n\n国发〔2018〕39号\n\n……要及时报送人力资源社会保障部。\n\n"
     "国务院\n\n2018年11月16日\n\n（此件公开发布）\n", None, "2018-11-16"),
    ("成果。各区要切实履行职责,形成推进大湾区建设的强大合力。\n2025-09-04\n有想补充的信息?点我投稿\n", None,
     "2025-09-04"),
    ("1\n2021 年深圳市社会性别统计报告\n深圳市统计局\n深圳市妇女儿童工作委员会\n二〇二二年十二月\n2\n1 人口特征\n",
     None, "2022-12"),
    # the loader's date (an HTML page's meta date) when the text has none; nothing at all
    ("江西省2022年国民经济和社会发展统计公报\n江西省统计局\n", "2023-05-16", "2023-05-16"),
    ("各位代表:\n现在,我代表区人民政府向大会报告工作", None, None),
])
def test_document_day(text, meta_date, expected):
    assert document_day(text, meta_date) == expected
