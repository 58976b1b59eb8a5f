"""Tests for zhibiao.extract.places: the gazetteer of divisions, name resolution and name spotting."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from zhibiao.extract.places import (
    ALIAS_KINDS,
    MUNICIPALITIES,
    Gazetteer,
    Place,
    _data_text,
    gazetteer,
    parse_aliases,
    parse_places,
    short_forms,
)

SEEDS = Path("/work/shared/corpus/seeds")


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return gazetteer()


def place(g: Gazetteer, code: str) -> Place:
    found = g.by_code(code)
    assert found is not None, code
    return found


# --------------------------------------------------------------------------- data


def test_counts_per_level(g: Gazetteer) -> None:
    counts = collections.Counter(p.level for p in g)
    assert counts["country"] == 1
    assert counts["province"] == 34  # incl. 香港, 澳门, 台湾
    assert 330 <= counts["prefecture"] <= 340  # 333 at the end of 2025
    assert 2800 <= counts["county"] <= 2900  # 2,850 at the end of 2025
    assert len(g) == sum(counts.values())


def test_tree_is_consistent(g: Gazetteer) -> None:
    codes = set()
    for p in g:
        assert len(p.code) == 6 and p.code.isdigit()
        assert p.code not in codes
        codes.add(p.code)
        if p.level == "country":
            assert p.parent_code is None
            continue
        parent = g.parent(p)
        assert parent is not None, p
        expected = {"province": {"country"}, "prefecture": {"province"},
                    "county": {"prefecture", "province"}}[p.level]
        assert parent.level in expected, p
        assert p.code[:2] == parent.code[:2] or parent.level == "country"
        if p.level == "county" and parent.level == "province":
            # only municipality districts and province-administered units (x9xxxx, 济源)
            assert parent.code in MUNICIPALITIES or p.code[2:4] == "90", p


@pytest.mark.parametrize("code", ["110000", "120000", "310000", "500000", "810000", "820000",
                                  "710000", "650000", "460000"])
def test_province_level_units(g: Gazetteer, code: str) -> None:
    assert place(g, code).level == "province"


def test_hong_kong_macao_taiwan_have_no_subdivisions(g: Gazetteer) -> None:
    for code in ("810000", "820000", "710000"):
        assert g.children(place(g, code)) == []


def test_alias_table_is_consistent(g: Gazetteer) -> None:
    derived = {s for p in g for s in short_forms(p.name, p.level)}
    names = {p.name for p in g}
    for row in g.alias_rows:
        assert row.kind in ALIAS_KINDS
        if row.kind == "stop":
            assert row.form in derived, row
        elif row.kind == "chain":
            assert row.form in names, row
        elif row.kind in ("extra", "zone"):
            assert g.by_code(row.code) is not None, row
            assert row.note, row
        elif row.kind == "word":
            assert len(row.form) == 2, row


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("广州市南沙区", "440115"),
        ("广州市黄埔区", "440112"),
        ("呼伦贝尔市海拉尔区", "150702"),
        ("宜春市", "360900"),
        ("宜春市铜鼓县", "360926"),
        ("宜春市丰城市", "360981"),
        ("万载县", "360922"),
        ("甘肃庆阳市", "621000"),
        ("甘肃省庆阳市", "621000"),
        ("广东省广州市南沙区", "440115"),
        ("广州南沙", "440115"),
        ("北京市海淀区", "110108"),
        ("海淀区", "110108"),
        ("湖北省仙桃市", "429004"),
        ("重庆市江北区", "500105"),
        ("三沙市南沙区", "460322"),
        ("西沙区", "460321"),
        ("恩施州", "422800"),
        ("恩施土家族苗族自治州", "422800"),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("香港", "810000"),
        ("台湾", "710000"),
        ("全国", "000000"),
        ("广州开发区", "440112"),
        ("南沙新区", "440115"),
        ("浦东新区", "310115"),
        ("石河子市", "659001"),
        ("神农架林区", "429021"),
        ("六枝特区", "520203"),
        ("海南", "460000"),  # province over 海南藏族自治州 and 乌海市海南区
        ("吉林", "220000"),  # province over 吉林市
        ("吉林市", "220200"),
        ("合作市", "623001"),
        ("合作", "623001"),  # stoplisted for text scanning, still resolvable
        ("阳泉市城区", "140302"),
        ("攀枝花市东区", "510402"),
        ("石柱县", "500240"),
        ("龙江", "230000"),
    ],
)
def test_resolve_without_context(g: Gazetteer, name: str, code: str) -> None:
    found = g.resolve(name)
    assert found is not None, name
    assert found.code == code


@pytest.mark.parametrize(
    ("name", "context", "code"),
    [
        ("白云区", "440100", "440111"),  # 广州市
        ("白云区", "440115", "440111"),  # 广州市南沙区: same prefecture
        ("白云区", "440000", "440111"),  # 广东省: same province
        ("白云区", "520100", "520113"),  # 贵阳市
        ("白云区", "520000", "520113"),  # 贵州省
        ("白云区", None, None),
        ("白云区", "110000", None),  # 北京市: no help
        ("南沙", "440000", "440115"),
        ("南沙", "440112", "440115"),  # 广州市黄埔区
        ("南沙", "460000", "460322"),
        ("南沙", None, None),
        ("南沙区", None, None),
        ("南沙区", "440115", "440115"),
        ("鼓楼区", None, None),
        ("鼓楼区", "320000", None),  # 南京 and 徐州 are both in 江苏
        ("鼓楼区", "320100", "320106"),
        ("鼓楼区", "350100", "350102"),
        ("朝阳区", "110000", "110105"),
        ("朝阳区", "220100", "220104"),
        ("朝阳", "110108", "110105"),  # 海淀区: same municipality
        ("通州区", "320600", "320612"),
        ("通州区", "110000", "110112"),
        ("城区", "140300", "140302"),
    ],
)
def test_resolve_with_context(g: Gazetteer, name: str, context: str | None,
                              code: str | None) -> None:
    ctx = place(g, context) if context else None
    found = g.resolve(name, ctx)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("白云区", {"440111", "520113"}),
        ("南沙", {"440115", "460322"}),
        ("鼓楼区", {"320106", "320302", "350102", "410204"}),
        ("合作", {"623001"}),
        ("广州市南沙区", {"440115"}),
        ("不存在的地方", set()),
    ],
)
def test_candidates(g: Gazetteer, name: str, codes: set[str]) -> None:
    assert {p.code for p in g.candidates(name)} == codes


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("440000", "广东省"),
        ("440100", "广州市"),
        ("440115", "广州市南沙区"),
        ("440112", "广州市黄埔区"),
        ("150702", "呼伦贝尔市海拉尔区"),
        ("110108", "北京市海淀区"),
        ("500229", "重庆市城口县"),
        ("429004", "仙桃市"),
        ("659001", "石河子市"),
        ("460322", "三沙市南沙区"),
        ("000000", "全国"),
    ],
)
def test_full_name(g: Gazetteer, code: str, full_name: str) -> None:
    assert place(g, code).full_name == full_name


@pytest.mark.parametrize(
    ("code", "ancestors"),
    [
        ("440115", ["440100", "440000", "000000"]),
        ("110108", ["110000", "000000"]),
        ("429004", ["420000", "000000"]),
        ("440000", ["000000"]),
        ("000000", []),
    ],
)
def test_ancestors(g: Gazetteer, code: str, ancestors: list[str]) -> None:
    assert [p.code for p in g.ancestors(place(g, code))] == ancestors


def test_parent_and_children(g: Gazetteer) -> None:
    guangzhou = place(g, "440100")
    districts = {p.name for p in g.children(guangzhou)}
    assert {"南沙区", "黄埔区", "白云区", "海珠区", "番禺区", "天河区"} <= districts
    assert len(districts) == 11
    assert len(g.children(place(g, "110000"))) == 16
    assert len(g.children(place(g, "000000"))) == 34
    assert g.parent(place(g, "440115")) == guangzhou
    assert g.parent(place(g, "000000")) is None


@pytest.mark.parametrize(
    ("name", "level", "forms"),
    [
        ("广东省", "province", ["广东"]),
        ("内蒙古自治区", "province", ["内蒙古"]),
        ("广西壮族自治区", "province", ["广西"]),
        ("香港特别行政区", "province", ["香港"]),
        ("呼伦贝尔市", "prefecture", ["呼伦贝尔"]),
        ("大兴安岭地区", "prefecture", ["大兴安岭"]),
        ("阿拉善盟", "prefecture", ["阿拉善"]),
        ("恩施土家族苗族自治州", "prefecture", ["恩施", "恩施州"]),
        ("海拉尔区", "county", ["海拉尔"]),
        ("石柱土家族自治县", "county", ["石柱", "石柱县"]),
        ("东乡族自治县", "county", ["东乡", "东乡县"]),
        ("鄂伦春自治旗", "county", ["鄂伦春", "鄂伦春旗"]),
        ("浦东新区", "county", ["浦东"]),
        ("清新区", "county", ["清新"]),
        ("神农架林区", "county", ["神农架"]),
        ("白云鄂博矿区", "county", ["白云鄂博"]),
        ("城区", "county", []),
        ("忠县", "county", []),
    ],
)
def test_short_forms(name: str, level: str, forms: list[str]) -> None:
    assert short_forms(name, level) == forms


# --------------------------------------------------------------------------- text

SEED_SENTENCES = [
    # seeds/000: one chain per place, 合作 (cooperation) is no place
    ("黄埔区分别与甘肃庆阳市、内蒙古鄂尔多斯高新区、新疆克拉玛依市云计算产业园区签署算力一体化"
     "建设结对子合作备忘录,旨在与三地探索算力跨域调度模式",
     ["黄埔区", "甘肃庆阳市", "内蒙古鄂尔多斯", "新疆克拉玛依市"]),
    ("5月28日,广州市南沙区第四届人民代表大会第五次会议在南沙区行政中心大会堂开幕",
     ["广州市南沙区", "南沙区"]),
    ("■1月22日,广州南沙聚星桥开通。", ["广州南沙"]),
    ("筑牢先进制造业“强支撑”,壮大战略性新兴产业“新引擎”,开拓未来产业“新赛道”。", []),
    ("针对港澳地区的医疗机构,南沙可以提供更灵活的合作模式和经营许可。", ["南沙"]),
    # seeds/004: 中心城区 is no place
    ("“白云区作为广州市人口最多的行政区和面积最大的中心城区,作为广州市在推进中国式现代化中"
     "先行示范的主阵地", ["白云区", "广州市", "广州市"]),
    ("奋力谱写白云高质量发展新篇章。", ["白云"]),
    # seeds/001
    ("★精心策划推进粤港深度合作园建设,推动建设穗港澳国际健康产业城南沙园区。", ["南沙"]),
]


@pytest.mark.parametrize(("text", "surfaces"), SEED_SENTENCES)
def test_mentions_in_seed_sentences(g: Gazetteer, text: str, surfaces: list[str]) -> None:
    found = g.mentions(text)
    assert [s for _, _, s in found] == surfaces
    for start, end, surface in found:
        assert text[start:end] == surface


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("推动中小金融机构提质发展", []),  # 小金(川县)
        ("对工作提出了更高要求", []),  # 高要(区)
        ("全面完成安全生产治本攻坚", []),  # 成安(县)
        ("加快搬迁安置", []),  # 迁安(市)
        ("推进提高县城辐射带动能力", []),  # 高县
        ("全年新增城区绿地面积144亩", []),  # 增城区
        ("加快完全国产化替代", []),  # 全国
        ("全国首批试点", ["全国"]),
        ("更高标准推进美丽江西建设", ["江西"]),
        ("总书记再次亲临海南视察", ["海南"]),
        ("滨海城市带基本成型", []),  # 海城市
        ("老城区改造工作成效明显", []),  # 洛阳市老城区
        ("洛阳市老城区", ["洛阳市老城区"]),
        ("阳泉市城区", ["阳泉市城区"]),
        ("与甘肃合作市签署合作协议", ["甘肃合作市"]),
        ("中山大学附属第一医院", []),
        ("支持中山市建设", ["中山市"]),
        ("保障国家长治久安", []),
        ("南沙发展势头强劲", ["南沙"]),  # 沙发 (sofa) is not a word here
        ("广州开发区广州市黄埔区2020年国民经济", ["广州开发区", "广州市黄埔区"]),
        ("依托南沙新区、中新广州知识城、黄埔区等重大平台", ["南沙新区", "中新广州知识城", "黄埔区"]),
        ("广东省广州市南沙区", ["广东省广州市南沙区"]),
        ("呼伦贝尔市海拉尔区人民政府", ["呼伦贝尔市海拉尔区"]),
        ("宜春市丰城市、万载县", ["宜春市丰城市", "万载县"]),
    ],
)
def test_mentions(g: Gazetteer, text: str, surfaces: list[str]) -> None:
    assert [s for _, _, s in g.mentions(text)] == surfaces


def test_mention_places(g: Gazetteer) -> None:
    found = g.mention_places("黄埔区分别与甘肃庆阳市签署协议")
    assert [(s, [p.code for p in ps]) for _, _, s, ps in found] == [
        ("黄埔区", ["440112"]), ("甘肃庆阳市", ["621000"])]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seed corpus not available")
def test_no_false_places_in_seeds(g: Gazetteer) -> None:
    bad = {"合作", "城区", "新兴", "西区", "东区", "中山", "新城区", "老城区"}
    bad_codes = {"623001", "140302", "445321", "230902", "510402", "510403"}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for start, end, surface, places in g.mention_places(text):
            assert surface not in bad, (path.name, text[start - 10:end + 10])
            assert not {p.code for p in places} & bad_codes, (path.name, surface)


# --------------------------------------------------------------------------- speed


def test_load_and_scan_speed(g: Gazetteer) -> None:
    places_text, alias_text = _data_text("places.tsv"), _data_text("place_aliases.tsv")
    load = min(_timed(lambda: Gazetteer(parse_places(places_text), parse_aliases(alias_text)))
               for _ in range(2))
    text = ("2024年，广州市南沙区地区生产总值增长4.3%，黄埔区与甘肃庆阳市签署合作备忘录，"
            "推动中小金融机构提质发展，战略性新兴产业增加值占比提高，中心城区更新加快。") * 1200
    text = text[:100_000]
    scan = min(_timed(lambda: g.mentions(text)) for _ in range(3))
    # targets: 0.3 s and 0.05 s; twice that here so a busy test machine does not fail
    assert load < 0.6, load
    assert scan < 0.1, scan


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
