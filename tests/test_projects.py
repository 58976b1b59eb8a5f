"""Named projects and their stage: real sentences from shared/corpus (seeds and real documents)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zhibiao.extract.projects import STATUSES, ProjectMention, find_projects, lexicon, list_head_status

# (sentence as in the corpus, [(name, status, investment or None), ...])
POSITIVE = [
    # provincial 2026 reports: lists closed by a class of works, approvals and openings
    ("京哈（扩建）、哈肇、绥大等高速公路建成通车",  # heilongjiang
     [("京哈（扩建）", "投产", None), ("哈肇", "投产", None), ("绥大", "投产", None)]),
    ("桑龙、城龙、醴娄等7条高速公路建成通车",  # hunan
     [("桑龙", "投产", None), ("城龙", "投产", None), ("醴娄", "投产", None)]),
    ("比亚迪半导体、京东方第8.6代线等重大项目加快实施",  # sichuan
     [("比亚迪半导体", "在建", None), ("京东方第8.6代线", "在建", None)]),
    ("粮食产能提升灌溉一期等重大水利工程开工建设", [("粮食产能提升灌溉一期", "动工", None)]),  # heilongjiang
    ("中原农谷、周口国家农高区加快建设", [("中原农谷", "在建", None), ("周口国家农高区", "在建", None)]),  # henan
    ("周口港中心作业区开港运营", [("周口港中心作业区", "投产", None)]),  # henan
    ("哈伊高铁全线铺轨贯通", [("哈伊高铁", "在建", None)]),  # heilongjiang
    # hailar 2014: a count and class after the list names each item
    ("哈萨尔、东升路两个市民广场投入使用", [("哈萨尔市民广场", "投产", None), ("东升路市民广场", "投产", None)]),
    ("东海写字楼、区国税局综合业务用房主体封顶",
     [("东海写字楼", "封顶", None), ("区国税局综合业务用房", "封顶", None)]),
    ("确保时代广场、维多利等商贸综合体开工建设", [("时代广场", "动工", None), ("维多利", "动工", None)]),
    # ningxia news: a bulletin's list after a count names projects without telling their stage
    ("石嘴山市2个，石嘴山市星海湖生态环境整治工程、宁夏金晶科技有限公司太阳能光伏轻质面板项目",
     [("石嘴山市星海湖生态环境整治工程", "unknown", None),
      ("宁夏金晶科技有限公司太阳能光伏轻质面板项目", "unknown", None)]),
    ("吴忠市1个，吴忠太阳山开发区热电联产项目", [("吴忠太阳山开发区热电联产项目", "unknown", None)]),
    # ... a phase suffix's 项目 is a head (一期项目), and a 建设/迁建 inside a listed name is no stage
    ("宁东基地3个，宁夏百川科技有限公司正异丁醛项目、晓星集团氨纶及聚四氢呋喃一期项目、宁夏苏融达化工有限公司农药中间体项目",
     [("宁夏百川科技有限公司正异丁醛项目", "unknown", None), ("晓星集团氨纶及聚四氢呋喃一期项目", "unknown", None),
      ("宁夏苏融达化工有限公司农药中间体项目", "unknown", None)]),
    ("自治区卫生健康委1个，自治区疾病控制中心迁建项目", [("自治区疾病控制中心迁建项目", "unknown", None)]),
    ("银川市2个，银川市一体化绿色交通建设项目和宁夏隆基乐叶科技有限公司年产3GW单晶电池项目",
     [("银川市一体化绿色交通建设项目", "unknown", None),
      ("宁夏隆基乐叶科技有限公司年产3GW单晶电池项目", "unknown", None)]),
    # wanzai 2015: a head that says the list is of projects; each item with its own investment
    ("较大项目有：投资达11亿元的虹发铝型材、投资10亿元的帛士数码、投资达1.2亿元的阿里巴巴农村淘宝等",
     [("虹发铝型材", "unknown", 1.1e9), ("帛士数码", "unknown", 1e9), ("阿里巴巴农村淘宝", "unknown", 1.2e8)]),
    # a list closed by a class of places (园区, 片区, 景区景点) names instances of it, heads or not
    ("推动宝安燕罗、龙岗宝龙、龙华九龙山、坪山高新南、光明凤凰、深汕智造城等20个先进制造业园区建设提速",  # shenzhen
     [("宝安燕罗", "在建", None), ("龙岗宝龙", "在建", None), ("龙华九龙山", "在建", None),
      ("坪山高新南", "在建", None), ("光明凤凰", "在建", None), ("深汕智造城", "在建", None)]),
    ("重点推进西航大元文化旅游度假城、中俄蒙文化创意产业园、西山生态景观区、海拉尔河湿地等景区景点建设",  # hailar
     [("西航大元文化旅游度假城", "在建", None), ("中俄蒙文化创意产业园", "在建", None),
      ("西山生态景观区", "在建", None), ("海拉尔河湿地", "在建", None)]),
    # hailar 2019 and hainan 2026: more opening stages and heads
    ("老年养护院投入试运行", [("老年养护院", "投产", None)]),
    ("哈克卫生院综合门诊部投入使用", [("哈克卫生院综合门诊部", "投产", None)]),
    ("居然之家海拉尔店投入运营", [("居然之家海拉尔店", "投产", None)]),
    ("华为云平台上线运行", [("华为云平台", "投产", None)]),
    ("数字城管平台搭建完成", [("数字城管平台", "竣工", None)]),
    # gold-new misses (issue 10): approvals, openings by school intake, landings "在川", a length or
    # a month or 部分 between the name and its stage, a list class 在建项目, the building 新建
    ("长沙获批中欧班列国家集结中心", [("中欧班列国家集结中心", "规划", None)]),  # hunan
    ("粮食产能提升灌溉二期工程获批", [("粮食产能提升灌溉二期工程", "规划", None)]),  # heilongjiang
    ("海南警察学院、海南洛桑旅游大学招生", [("海南警察学院", "投产", None), ("海南洛桑旅游大学", "投产", None)]),
    ("国家雅下水电技术创新中心在川落地", [("国家雅下水电技术创新中心", "落地", None)]),  # sichuan
    ("沿黄生态廊道1194公里全线贯通", [("沿黄生态廊道", "竣工", None)]),  # henan
    ("雪花迁建项目10月份投入使用", [("雪花迁建项目", "投产", None)]),  # hailar 2014
    ("双良集团集中供热项目完成投资8.3亿元", [("双良集团集中供热项目", "在建", None)]),  # hailar 2014
    ("海悦城项目一期、红星美凯龙商贸综合体项目已部分试营业",  # hailar 2019
     [("海悦城项目一期", "投产", None), ("红星美凯龙商贸综合体项目", "投产", None)]),
    ("确保雪花、亘富、万家惠等在建项目尽早建成投产",  # hailar 2014
     [("雪花", "投产", None), ("亘富", "投产", None), ("万家惠", "投产", None)]),
    ("新建图书馆投入使用", [("图书馆", "投产", None)]),  # hailar 2014
    # a short subject and its adverbs before the verb (shenzhen 2022 news); parts listed after their
    # project take its name (hailar 2017)
    ("深圳将扎实推进深圳湾超级总部基地、香蜜湖新金融中心、北站国际商务区等20个重点片区规划建设",
     [("深圳湾超级总部基地", "规划", None), ("香蜜湖新金融中心", "规划", None), ("北站国际商务区", "规划", None)]),
    ("全国十四届冬运会主场馆项目大道馆、短道馆主体完成封顶",
     [("全国十四届冬运会主场馆项目大道馆", "封顶", None), ("全国十四届冬运会主场馆项目短道馆", "封顶", None)]),
    # lists closed by "等N个项目" + stage (Haizhu 2024 plan report)
    (
        "趣丸科技总部大厦、唯品会国际创新中心、三滘立交市政化改造一期工程等10个重点项目动工建设",
        [
            ("趣丸科技总部大厦", "动工", None),
            ("唯品会国际创新中心", "动工", None),
            ("三滘立交市政化改造一期工程", "动工", None),
        ],
    ),
    (
        "海灏国际大厦、国际文化中心、奇安信大厦等7个项目封顶",
        [("海灏国际大厦", "封顶", None), ("国际文化中心", "封顶", None), ("奇安信大厦", "封顶", None)],
    ),
    (
        "三七互娱、丸美总部、三一树根等8个项目竣工投产",
        [("三七互娱", "投产", None), ("丸美总部", "投产", None), ("三一树根", "投产", None)],
    ),
    ("全年招商落地蚂蚁万里汇等项目200个", [("蚂蚁万里汇", "落地", None)]),
    ("推动江原科技等30个高精尖企业落地", [("江原科技", "落地", None)]),
    ("引进海沃低空、融赋数智等一批低空企业", [("海沃低空", "落地", None), ("融赋数智", "落地", None)]),
    ("宝悦坊一期主体结构完工", [("宝悦坊一期", "封顶", None)]),
    ("地铁11号线通车", [("地铁11号线", "投产", None)]),
    ("穗莞深城际琶洲支线基本完工", [("穗莞深城际琶洲支线", "竣工", None)]),
    ("琶洲眼片区城市设计方案公布", [("琶洲眼片区", "规划", None)]),
    ("三七互娱总部投入运营", [("三七互娱总部", "投产", None)]),
    # Nansha 2020 review and plan
    (
        "中科院明珠科学园、香港科技大学(广州)加快建设",
        [("中科院明珠科学园", "在建", None), ("香港科技大学(广州)", "在建", None)],
    ),
    ("地铁18号线建设顺利推进", [("地铁18号线", "在建", None)]),
    ("区青少年宫、图书馆新馆建成", [("区青少年宫", "竣工", None), ("图书馆新馆", "竣工", None)]),
    ("中山大学附属第一(南沙)医院封顶", [("中山大学附属第一(南沙)医院", "封顶", None)]),
    (
        "广州二中南沙天元学校、广大附中南沙实验学校、湾区实验学校、启慧学校等四所学校投入使用",
        [
            ("广州二中南沙天元学校", "投产", None),
            ("广大附中南沙实验学校", "投产", None),
            ("湾区实验学校", "投产", None),
            ("启慧学校", "投产", None),
        ],
    ),
    (
        "刘少军院士工作室、广州水产种业创新中心签约落地",
        [("刘少军院士工作室", "落地", None), ("广州水产种业创新中心", "落地", None)],
    ),
    (
        "加快建设人工智能价值创新园、国家级自动驾驶测试基地、全球IPv6测试中心",
        [
            ("人工智能价值创新园", "在建", None),
            ("国家级自动驾驶测试基地", "在建", None),
            ("全球IPv6测试中心", "在建", None),
        ],
    ),
    (
        "加快地铁18号、22号线、深江铁路(南沙段)等重大交通基础设施建设",
        [("地铁18号线", "在建", None), ("22号线", "在建", None), ("深江铁路(南沙段)", "在建", None)],
    ),
    (
        "推动狮子洋通道、中南虎城际、广州至珠海(澳门)高铁、地铁15号线规划建设",
        [
            ("狮子洋通道", "规划", None),
            ("中南虎城际", "规划", None),
            ("广州至珠海(澳门)高铁", "规划", None),
            ("地铁15号线", "规划", None),
        ],
    ),
    ("筹建港澳保险服务中心", [("港澳保险服务中心", "规划", None)]),
    ("推动营商环境国际交流促进中心落户", [("营商环境国际交流促进中心", "落地", None)]),
    (
        "加快推进“城市大脑”“一脸走南沙”人工智能统一服务平台等重点项目建设",
        [("“城市大脑”", "在建", None), ("“一脸走南沙”人工智能统一服务平台", "在建", None)],
    ),
    # Hailar 2016/2017: investments, 进入…阶段, 完成前期工作, apposition, coordinated modifiers
    ("总投资7亿元的时代广场商业项目开工建设", [("时代广场商业项目", "动工", 7e8)]),
    ("总投资5.2亿元的发达广场商业项目主体封顶", [("发达广场商业项目", "封顶", 5.2e8)]),
    ("确保投资4800万元的成吉思汗广场改造提升工程如期完工", [("成吉思汗广场改造提升工程", "竣工", 4.8e7)]),
    ("投资2.5亿元,实施俄罗斯风情精品街项目", [("俄罗斯风情精品街项目", "在建", 2.5e8)]),
    ("推进总投资10亿元的国网信通大数据项目开工建设", [("国网信通大数据项目", "动工", 1e9)]),
    ("中网科技云计算基地进入设备安装阶段", [("中网科技云计算基地", "在建", None)]),
    ("国网信通华为大数据中心完成前期工作", [("国网信通华为大数据中心", "规划", None)]),
    ("建设一座标志性公园——海拉尔河湿地公园", [("海拉尔河湿地公园", "在建", None)]),
    ("黑羊站水厂扩建项目投入使用", [("黑羊站水厂扩建项目", "投产", None)]),
    ("加快推进特警、消防、民兵综合训练馆等项目建设", [("特警、消防、民兵综合训练馆", "在建", None)]),
    (
        "完成机场路护坡改造、学府路过街天桥、海宝公路等工程建设",
        [("机场路护坡改造", "竣工", None), ("学府路过街天桥", "竣工", None), ("海宝公路", "竣工", None)],
    ),
    # news: a project and the investment given in the next clause
    ("广州地铁18号线在横沥岛率先动工,该线路总投资达460亿元", [("广州地铁18号线", "动工", 4.6e10)]),
    # provincial work reports 2026
    (
        "巴斯夫核心装置、埃克森美孚一期、华润微电子12英寸产线、深汕比亚迪二期等一批重大项目建成投产",
        [
            ("巴斯夫核心装置", "投产", None),
            ("埃克森美孚一期", "投产", None),
            ("华润微电子12英寸产线", "投产", None),
            ("深汕比亚迪二期", "投产", None),
        ],
    ),
    ("广湛高铁建成通车", [("广湛高铁", "投产", None)]),
    ("全国高校区域技术转移转化中心落户广东", [("全国高校区域技术转移转化中心", "落地", None)]),
    (
        "渝昆高铁（渝宜段）、铜资高速等重大工程建成通车",
        [("渝昆高铁（渝宜段）", "投产", None), ("铜资高速", "投产", None)],
    ),
    ("成都美术学院、广安理工学院加快筹建", [("成都美术学院", "规划", None), ("广安理工学院", "规划", None)]),
    ("推动京东方、惠科等重大产业项目尽快投产满产", [("京东方", "投产", None), ("惠科", "投产", None)]),
    (
        "建成投产中芯国际12英寸线、华星光电T7二期等项目",
        [("中芯国际12英寸线", "投产", None), ("华星光电T7二期", "投产", None)],
    ),
    (
        "华强方特、丰城唯美养生谷等51个重大文旅项目开工建设",
        [("华强方特", "动工", None), ("丰城唯美养生谷", "动工", None)],
    ),
]

# sentences with stage words but no named project (generic phrases, counts, designations, slogans)
NEGATIVE = [
    "建成5G基站超25万个",
    "建成50家高水平医院",
    "城市建成区绿地率达41.2%",
    "集中动工签约193个重点项目、总投资额近4500亿元",
    "大湾区首个游戏产业园琶洲数字科技产业园已入驻35家企业",
    "开工建设一批海上风电、核电和抽水蓄能项目",
    "建设大湾区数字转型示范区",
    "打造南方海洋科技创新中心",
    "加快推进5G基站建设",
    "实施“百千万工程”",
    "古纳河酒业、贝伦公司等企业新三板挂牌",
    "重大项目支撑作用不断增强",
    "今年首季共有56个重点项目集中开工",
    "全面建成小康社会",
    "实施医疗卫生强基工程",
    "建设国际化的草原音乐名城",
    "加快教育、卫生、社区、文体等公共公益服务项目建设",
    "新开工改造城镇老旧小区1.1万个",
    "完成14宗土地出让",
    "对于新引进的、固定资产投资5000万元以上的优质新型储能制造业项目,按不高于固定资产投资总额的10%给予一次性扶持",
    "妥善解决影响项目落地",
    "广州首个互联网金融产业园区正式落户开发区绿地中央广场",  # the place landed at is no project
    "确保“产业规划、空间落位、渠道搭建、项目落地",
    "加快建设5G网络等信息基础设施",
    # clauses of names alone only after a colon or a count: verbs and categories are no list
    "支持企业做大做强，严格控制“两高”项目",
    "统筹各类资金，优先审理自贸试验区内口岸开放项目",
    "重点项目3个，重点小城镇建设项目",
    # gold-new and dev: whose projects a list counted without 等 names, a count of dwellings, a clause
    # before a count, free-trade designations and funds (NOTES-C, NOTES-G)
    "广州地铁、广航局2个项目获批",
    "建设保障性租赁住房15.6万套（间）",
    "实施好涉及经济和社会事业发展的93个重点项目",
    "海南自由贸易港建设迈入全岛封关运作",
    "海南自由贸易港正式启动",
    "长期整改项目扎实推进",  # panyu 2023: a category of rectification works
    "海南自由贸易港正式启动全岛封关运作",  # hainan: 启动 is a verb, not part of a name
    "国家自然科学基金项目获批",  # hainan: research grants
    "落地国家科创协同发展母基金、国家创业投资S基金、四川社保科创基金",
]


def _grounded(name: str, evidence: str) -> bool:
    """The evidence holds the name (a distributed head like 地铁18号线 holds its stem; a distributed
    class like 哈萨尔市民广场, or a shared project prefix, holds its item and the shared part)."""
    return name in evidence or name[:-1] in evidence or any(
        name[:k] in evidence and name[k:] in evidence for k in range(2, len(name) - 1))


def _run(sentence: str, prefix: str = "") -> tuple[str, list[ProjectMention]]:
    text = prefix + sentence
    return text, find_projects(text, len(prefix), len(text))


@pytest.mark.parametrize(("sentence", "expected"), POSITIVE, ids=[s[:16] for s, _ in POSITIVE])
def test_projects(sentence: str, expected: list[tuple[str, str, float | None]]) -> None:
    text, found = _run(sentence, prefix="前文。\n")
    assert [(m.name, m.status) for m in found] == [(n, s) for n, s, _ in expected]
    for m, (_, _, investment) in zip(found, expected, strict=True):
        assert m.status in STATUSES
        if investment is None:
            assert m.investment is None
        else:
            assert m.investment == pytest.approx(investment)
        evidence = text[m.start : m.end]
        assert len("前文。\n") <= m.start < m.end <= len(text)
        assert _grounded(m.name, evidence), (m.name, evidence)


@pytest.mark.parametrize("sentence", NEGATIVE, ids=[s[:16] for s in NEGATIVE])
def test_no_named_project(sentence: str) -> None:
    assert _run(sentence)[1] == []


#: a bulletin's list head and the stage it gives the projects it lists (ningxia 2021 news); None when
#: the sentence opens no list of projects or its stage word is about something else
LIST_HEADS = [
    ("截至7月底未开工项目共5个，按责任单位（主管单位）划分分别是：银川市2个，", "规划"),
    ("投资完成率前九名项目，按责任单位（主管单位）划分分别是：兰州局集团公司银川工程建设指挥部1个，包银高铁银川至惠农南段；",
     "在建"),
    ("1．地级市重大项目开工率前二名：固原市开工率100%，石嘴山市开工率100%。", None),  # lists places
    ("较大项目有：投资达11亿元的虹发铝型材、投资10亿元的帛士数码等", None),  # no stage word
    ("全年新开工项目56个，总投资约630亿元。", None),  # no list after a colon
]


@pytest.mark.parametrize(("sentence", "status"), LIST_HEADS, ids=[s[:12] for s, _ in LIST_HEADS])
def test_list_head_status(sentence: str, status: str | None) -> None:
    assert list_head_status(sentence, 0, len(sentence)) == status


def test_listed_names_take_the_heads_stage() -> None:
    # the head said the stage: a listed name needs no 项目/工程 ending any more, the clause holds no stage
    text = "兰州局集团公司银川工程建设指挥部1个，包银高铁银川至惠农南段；"
    found = find_projects(text, 0, len(text), listed_status="在建")
    assert [(m.name, m.status) for m in found] == [("包银高铁银川至惠农南段", "在建")]
    assert find_projects(text, 0, len(text)) == []  # without the head: not a project's name
    found = find_projects("石嘴山市2个，石嘴山市星海湖生态环境整治工程", 0, 22, listed_status="在建")
    assert [(m.status, m.owner) for m in found] == [("在建", 0)]  # where the counting clause starts


def test_target_flag() -> None:
    _, found = _run("确保投资4800万元的成吉思汗广场改造提升工程如期完工")
    assert found[0].target is True
    _, found = _run("推动京东方、惠科等重大产业项目尽快投产满产")
    assert all(m.target is True for m in found)
    _, found = _run("蒙古国驻呼伦贝尔领事馆正式开馆")
    assert found[0].target is False
    _, found = _run("广湛高铁建成通车")
    assert found[0].target is None


def test_investment_is_per_project_only() -> None:
    # a list's total is not any one project's investment (phrasing as in 南沙 news: 集中开工…总投资约630亿元)
    _, found = _run("恒大新能源汽车、广汽丰田新能源汽车等3个项目集中开工，总投资约630亿元")
    assert [m.name for m in found] == ["恒大新能源汽车", "广汽丰田新能源汽车"]
    assert all(m.investment is None for m in found)
    _, found = _run("推动思科广州智慧城等项目落地建设，总投资约450亿元")
    assert [m.investment for m in found] == [None]


def test_several_clauses_in_one_sentence() -> None:
    sentence = "区青少年宫、图书馆新馆建成，中山大学附属第一(南沙)医院封顶，广州二中南沙天元学校投入使用。"
    text, found = _run(sentence)
    assert [(m.name, m.status) for m in found] == [
        ("区青少年宫", "竣工"),
        ("图书馆新馆", "竣工"),
        ("中山大学附属第一(南沙)医院", "封顶"),
        ("广州二中南沙天元学校", "投产"),
    ]
    assert text[found[2].start : found[2].end] == "中山大学附属第一(南沙)医院封顶"


def test_lexicon_statuses_are_spec_stages() -> None:
    lex = lexicon()
    assert set(lex.stages.values()) <= set(STATUSES) | {"*"}
    assert set(lex.verbs.values()) <= set(STATUSES) | {"*"}


CORPUS = Path("/work/shared/corpus/real")


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not mounted")
def test_real_document_offsets_and_speed() -> None:
    text = (CORPUS / "hulunbuir-hailar-2017-gov-work-report.txt").read_text(encoding="utf-8")
    big = text * 10
    t0 = time.perf_counter()
    found: list[ProjectMention] = []
    pos = 0
    for end in range(len(big)):
        if big[end] in "。！？；\n":
            found.extend(find_projects(big, pos, end + 1))
            pos = end + 1
    elapsed = time.perf_counter() - t0
    assert len(found) > 500
    for m in found:
        assert _grounded(m.name, big[m.start : m.end])
    assert len(big.encode("utf-8")) / elapsed > 3e5  # comfortably above 1 MB/s on a quiet machine
