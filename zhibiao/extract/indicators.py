"""Indicators: the canonical taxonomy (``data/indicators.tsv``) and subject → id matching.

The ids and names come from the shared spec; aliases were grown from real documents.
A subject takes an indicator only when, stripped of place words and filler, it *is* the
indicator ("全年实现地区生产总值" → gdp), never when it merely contains it
("跨境电商进出口" is not foreign_trade).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_QUOTES = re.compile(r"[“”\"‘’'《》「」\s]")
#: Words that may stand before an indicator's name without changing what it measures.
_PREFIX = re.compile(
    r"^(?:(?:全区|全市|全省|全县|全旗|全州|全盟|全国|我区|我市|我省|我县|本区|本市|区本级|市本级|全年|当年|年末|年底"
    r"|其中|同时|并|共|累计|累积|实现|完成|全面|主要|地方|今年|去年|上年|当年|上半年|前三季度|一季度|全部|总体|"
    r"我国|全口径|口径|同比|分别|预计|力争|确保|目标|要|将|达到|达|为|实现了|完成了|推动|拉动|带动|新引进|引进|净增|"
    r"(?:区|市|省|县)级?(?=重点|属|重大)|[0-9]+(?:个|家|项)|[0-9]+万元以上|(?:19|20)[0-9]{2}年(?:度)?|同期|"
    r"[0-9一二三四五六七八九十]年(?:来)?|五年|[0-9]{1,2}[-—至][0-9]{1,2}月|实施|安排|铺排|推进|落实|谋划|储备|"
    r"年(?=人均)|有效期内|扣除自然因素影响后)+)"
)
#: A programme's quoted name before the projects it counts: "“千项万亿”重大项目" are 重大项目.
_PROGRAMME = re.compile(r"^[“\"][^”\"]{1,8}[”\"](?=(?:重大|重点)(?:项目|工程)|工程项目)")
#: Words after the name that still denote the same quantity.
_SUFFIX = re.compile(
    r"(?:总额|总量|总值|规模|完成额|完成|实现|额|增速|增幅|增长|同比增长|比上年增长|达到|达|为|的|"
    r"预期增长目标|预期增速|增长目标|预期目标|预期|目标|预计增长|预计|数量|总数|提高到|提升到|提高至|提升至|升至|"
    r"迈上|跨上|跃上|站上|突破|超过|计划|共安排项目|共安排|安排|继续|稳居|连续[0-9一二两三四五六七八九十]{1,3}年)$"
)
#: Subjects that, measured by a growth rate alone, mean one indicator in statistical usage:
#: "投资增速前二名：中卫市增长36.4%" is fixed-asset investment.
_BARE_GROWTH = {"投资": "fixed_asset_investment"}
#: Verbs inside a subject that do not change what it measures: 企业实现营收 = 企业营收.
_INSIDE = re.compile(r"累计|实现|年均|完成(?!投资)|[（(][^（()）]{0,6}[)）]|[\[［]\d{1,2}[\]］]|[①-⑳]")
#: Indicator units and the quantity units compatible with them.
_COUNT_UNITS = {"个", "家", "户", "项", "人", "件"}


@dataclass(frozen=True, slots=True)
class Indicator:
    """One canonical indicator: id, name, aliases and the base unit of its level."""

    id: str
    name: str
    aliases: tuple[str, ...]
    unit: str


class Taxonomy:
    """The indicators and a lookup from normalised names and aliases to ids."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.indicators = {i.id: i for i in indicators}
        self._by_name: dict[str, str] = {}
        for ind in indicators:
            for name in (ind.name, *ind.aliases):
                self._by_name.setdefault(_normalise(name), ind.id)

    def match(self, subject: str, unit: str | None = None, measure: str | None = None) -> str | None:
        """Indicator id for a subject (in the document's words), or None.

        With ``unit`` and ``measure``, a level whose unit cannot be the indicator's
        (an amount of money for a count indicator) gets no id.
        """
        core = _INSIDE.sub("", _normalise(_PROGRAMME.sub("", subject)))
        core = _PREFIX.sub("", core)
        found = self._by_name.get(core)
        for _ in range(4):  # strip trailing words one at a time: 地区生产总值预期增长目标 → 地区生产总值
            if found or not (suffix := _SUFFIX.search(core)) or suffix.start() == 0:
                break
            core = core[:suffix.start()]
            found = self._by_name.get(core)
        if not found and measure == "growth":
            found = _BARE_GROWTH.get(core)
        if not found or measure != "level" or unit is None:
            return found
        return found if _compatible(self.indicators[found].unit, unit) else None


def _compatible(indicator_unit: str, unit: str) -> bool:
    if indicator_unit == "元":
        return unit in ("元", "美元")
    if indicator_unit in _COUNT_UNITS:
        return unit in _COUNT_UNITS
    return indicator_unit == unit


def _normalise(name: str) -> str:
    return _QUOTES.sub("", name).replace("（", "(").replace("）", ")")


@cache
def taxonomy() -> Taxonomy:
    """The package's indicator taxonomy (loaded once)."""
    rows = files("zhibiao.data").joinpath("indicators.tsv").read_text(encoding="utf-8").splitlines()
    indicators = []
    for row in rows[1:]:
        if not row.strip():
            continue
        ident, name, aliases, unit = row.split("\t")
        indicators.append(Indicator(ident, name, tuple(a for a in aliases.split("|") if a), unit))
    return Taxonomy(indicators)
