"""Gazetteer of China's province-, prefecture- and county-level divisions.

`gazetteer()` loads two files shipped in ``zhibiao/data`` (sources in ``PLACES_SOURCE.md``):

* ``places.tsv``: every division with its 6-digit administrative code, level and parent,
  plus the pseudo place ``全国`` (``000000``).
* ``place_aliases.tsv``: the hand-curated lists around the names, one row each
  (``form, code, kind, note``):

  - ``extra``: an alias of a place (内蒙 -> 150000);
  - ``zone``: a functional zone written as if it were a place, mapped to its host (广州开发区
    -> 黄埔区 440112);
  - ``stop``: a short form that is an ordinary word (合作, 新兴): `Gazetteer.mentions` does
    not match it (合作市 yes), `Gazetteer.resolve` still knows it;
  - ``chain``: an official name that is an ordinary word (城区, 郊区): matched in text only
    right after its parent (阳泉市城区);
  - ``phrase``: an ordinary word that contains a place form (长治久安, 三明治): no place there;
  - ``word``: common two-character words for the boundary guard (a few by hand, the rest
    generated, see below).

Short forms are derived from the official names by `short_forms` (广东省 -> 广东,
恩施土家族苗族自治州 -> 恩施州, 恩施).

Boundary guard: Chinese has no spaces, so a two-character place name is often just the two
characters that straddle a word boundary (创新平台 -> 新平, 发展和安全 -> 和安, 美丽江西 -> 丽江).
A two-character form is rejected when the character before it and its first character form a
common word (创|新) -- unless that character already belongs to the word before (作出|海珠) --
or when its last character and the next character do (平|台) -- unless that next character
begins a word of its own (南沙|发展, not 沙发). The common words come from JioNLP's word
frequencies (Apache-2.0); ``python -m zhibiao.extract.places build-words`` regenerates them.
"""

from __future__ import annotations

import functools
import gc
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

COUNTRY_CODE = "000000"
LEVELS = ("country", "province", "prefecture", "county")
#: 北京, 天津, 上海, 重庆: province-level units that are their own prefecture.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
ALIAS_KINDS = ("extra", "zone", "stop", "chain", "phrase", "word")

_LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}


@dataclass(frozen=True)
class Place:
    """One administrative division (or the pseudo place 全国)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    full_name: str


class AliasRow(NamedTuple):
    """One row of ``place_aliases.tsv``."""

    form: str
    code: str  # the place for extra and zone rows, empty otherwise
    kind: str  # one of ALIAS_KINDS
    note: str = ""


# --------------------------------------------------------------------------- short forms

#: The 55 minority nationalities, as they appear inside names of autonomous areas.
ETHNIC_GROUPS: tuple[str, ...] = (
    "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族",
    "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族",
    "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
_ETHNIC_TOKENS = sorted(
    {e for g in ETHNIC_GROUPS for e in (g, g[:-1])} | {"各族"}, key=len, reverse=True
)
_AUTONOMOUS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗")
_TWO_CHAR_SUFFIXES = ("林区", "特区", "新区", "矿区", "地区")  # all end in 区
_ETHNIC_TAIL = re.compile("(?:" + "|".join(map(re.escape, _ETHNIC_TOKENS)) + ")$")


def _strip_ethnic(core: str) -> str:
    """Drop trailing nationality names (恩施土家族苗族 -> 恩施) while two characters remain."""
    while (m := _ETHNIC_TAIL.search(core)) is not None and m.start() >= 2:
        core = core[: m.start()]
    return core


def short_forms(name: str, level: str) -> list[str]:
    """Short forms of an official name (before any stoplist).

    Drops 省/市/自治区/特别行政区/地区/盟/自治州/县/区/旗/林区/特区/新区 and the nationality
    qualifiers of autonomous areas, keeping results of at least two characters:
    广东省 -> 广东; 内蒙古自治区 -> 内蒙古; 呼伦贝尔市 -> 呼伦贝尔; 海拉尔区 -> 海拉尔;
    恩施土家族苗族自治州 -> 恩施, 恩施州; 石柱土家族自治县 -> 石柱, 石柱县;
    东乡族自治县 -> 东乡, 东乡县. 城区 and 忠县 have none.
    """
    if level == "country":
        return []
    forms: list[str] = []
    if name.endswith(_AUTONOMOUS):
        suffix = next(s for s in _AUTONOMOUS if name.endswith(s))
        core = name[: -len(suffix)]
        stripped = _strip_ethnic(core)
        if stripped == core and core in _ETHNIC_TOKENS:  # 东乡族自治县, 鄂伦春自治旗
            stripped = core.removesuffix("族")
        forms.append(stripped)
        if suffix in ("自治州", "自治县", "自治旗"):
            forms.append(stripped + suffix[-1])
    elif name.endswith(_TWO_CHAR_SUFFIXES) and len(name) >= 4:
        forms.append(name[:-2])  # 浦东新区 -> 浦东, 神农架林区 -> 神农架
    elif name[-1] in "省市盟县区旗":
        forms.append(name[:-1])  # 清新区 -> 清新, 城区 -> (城: too short)
    return [f for f in dict.fromkeys(forms) if len(f) >= 2 and f != name]


# --------------------------------------------------------------------------- gazetteer


class _Surface(NamedTuple):
    """What the scanner knows about one string it can match."""

    places: tuple[Place, ...]
    head: bool  # guard the boundary before the form
    tail: bool  # guard the boundary after the form
    chain_only: bool
    phrases: tuple[tuple[str, int], ...]  # ordinary words containing the form, at offset


def _guards(form: str, kind: str, place: Place) -> tuple[bool, bool]:
    """Which boundaries of `form` the word guard checks, by kind and level."""
    if kind == "name":
        if place.level == "country":
            return True, False  # 完全国产 is no 全国
        if place.level == "county":  # 新增城区 has no 增城区; 和县域 no 和县
            return True, len(form) == 2
        return False, False
    if kind in ("short", "extra") and len(form) == 2:
        if place.level == "province":
            return True, False  # 长江西岸 has no 江西
        return True, True
    return False, False


class Gazetteer:
    """Places by code, their tree, name resolution and place names in text."""

    stoplist: frozenset[str]  #: short forms not matched in running text
    chain_only: frozenset[str]  #: official names matched only right after their parent

    def __init__(self, places: Iterable[Place], rows: Iterable[AliasRow] = ()) -> None:
        """Index `places` and the alias-table `rows` (normally loaded by `gazetteer()`)."""
        self._places: dict[str, Place] = {p.code: p for p in places}
        self._children: dict[str, list[Place]] = defaultdict(list)
        for place in self._places.values():
            if place.parent_code is not None:
                self._children[place.parent_code].append(place)
        self._lineage: dict[str, frozenset[str]] = {}  # codes of all ancestors
        for place in sorted(self._places.values(), key=lambda p: _LEVEL_RANK[p.level]):
            parent = place.parent_code
            self._lineage[place.code] = (
                self._lineage.get(parent, frozenset()) | {parent} if parent else frozenset()
            )

        self._rows = list(rows)
        by_kind: dict[str, list[AliasRow]] = defaultdict(list)
        for row in self._rows:
            if row.kind not in ALIAS_KINDS:
                raise ValueError(f"unknown alias kind {row.kind!r} for {row.form!r}")
            if row.kind in ("extra", "zone") and row.code not in self._places:
                raise ValueError(f"alias {row.form!r} points to unknown code {row.code!r}")
            by_kind[row.kind].append(row)
        self.stoplist = frozenset(r.form for r in by_kind["stop"])
        self.chain_only = frozenset(r.form for r in by_kind["chain"])
        self._words = frozenset(r.form for r in by_kind["word"])

        # every (form, kind, place) the gazetteer knows
        forms: list[tuple[str, str, Place]] = []
        for place in self._places.values():
            forms.append((place.name, "chain" if place.name in self.chain_only else "name",
                          place))
            for short in short_forms(place.name, place.level):
                forms.append((short, "stop" if short in self.stoplist else "short", place))
        for row in by_kind["extra"] + by_kind["zone"]:
            forms.append((row.form, row.kind, self._places[row.code]))
        if any(len(form) < 2 for form, _, _ in forms):
            raise ValueError("place names and aliases need at least two characters")
        self._forms = forms

        self._by_full: dict[str, list[Place]] = defaultdict(list)
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        self._by_alias: dict[str, list[Place]] = defaultdict(list)
        for place in self._places.values():
            self._by_full[place.full_name].append(place)
        scan: dict[str, list[tuple[str, Place]]] = defaultdict(list)
        seen: set[tuple[bool, str, str]] = set()
        for form, kind, place in forms:
            is_name = kind in ("name", "chain")
            if (is_name, form, place.code) not in seen:
                seen.add((is_name, form, place.code))
                (self._by_name if is_name else self._by_alias)[form].append(place)
            if kind != "stop":
                scan[form].append((kind, place))

        phrases: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for row in by_kind["phrase"]:  # 长治久安 holds 长治 at offset 0
            text = row.form
            for i in range(len(text) - 1):
                for j in range(i + 2, len(text) + 1):
                    if text[i:j] in scan and text[i:j] != text:
                        phrases[text[i:j]].append((text, i))
        self._surfaces: dict[str, _Surface] = {}
        for form, entries in scan.items():
            if len(entries) == 1:
                kind, place = entries[0]
                head, tail = _guards(form, kind, place)
                self._surfaces[form] = _Surface(
                    (place,), head, tail, kind == "chain", tuple(phrases.get(form, ()))
                )
                continue
            guards = [_guards(form, kind, place) for kind, place in entries]
            self._surfaces[form] = _Surface(
                places=tuple({place.code: place for _, place in entries}.values()),
                # one string, several places: the most permissive guard wins
                head=all(g[0] for g in guards),
                tail=all(g[1] for g in guards),
                chain_only=all(kind == "chain" for kind, _ in entries),
                phrases=tuple(phrases.get(form, ())),
            )
        self._keys = set(self._by_full) | set(self._by_name) | set(self._by_alias)
        self._max_key = max(map(len, self._keys))
        # The scanner: a cheap regex finds each character that may start a form and is
        # followed by one that may come second; the two characters then pick the form
        # lengths to look up in `_surfaces`, longest first.
        lengths: dict[str, list[int]] = defaultdict(list)
        for form in sorted(self._surfaces, key=len, reverse=True):
            bigram_lengths = lengths[form[:2]]
            if not bigram_lengths or bigram_lengths[-1] != len(form):
                bigram_lengths.append(len(form))
        self._lengths = dict(lengths)
        firsts = "".join(sorted({b[0] for b in self._lengths}))
        seconds = "".join(sorted({b[1] for b in self._lengths}))
        self._prefilter = re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")

    # ---- tree

    def __len__(self) -> int:
        """Number of places, 全国 included."""
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        """All places in code order."""
        return iter(sorted(self._places.values(), key=lambda p: p.code))

    def by_code(self, code: str) -> Place | None:
        """The place with this 6-digit code (``'440115'``), or None."""
        return self._places.get(code)

    def parent(self, place: Place) -> Place | None:
        """The place directly above `place` (None for 全国)."""
        return self._places.get(place.parent_code) if place.parent_code else None

    def ancestors(self, place: Place) -> list[Place]:
        """All places above `place`, nearest first, ending with 全国."""
        out: list[Place] = []
        current = self.parent(place)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return out

    def children(self, place: Place) -> list[Place]:
        """The places directly below `place`, in code order."""
        return sorted(self._children.get(place.code, ()), key=lambda p: p.code)

    def is_within(self, place: Place, area: Place) -> bool:
        """True when `place` is `area` or lies inside it."""
        return place.code == area.code or area.code in self._lineage.get(place.code, ())

    # ---- names

    def _direct(self, name: str) -> list[Place]:
        """Places for one known string, best tier only: full name, name, then alias."""
        for table in (self._by_full, self._by_name, self._by_alias):
            if name in table:
                return list(table[name])
        return []

    def _any_direct(self, name: str) -> list[Place]:
        found = [*self._by_full.get(name, ()), *self._by_name.get(name, ()),
                 *self._by_alias.get(name, ())]
        return list(dict.fromkeys(found))

    def _compound(self, name: str) -> list[Place]:
        """Places denoted by a chain of names, each inside the one before (甘肃庆阳市)."""
        results: dict[str, Place] = {}

        def extend(pos: int, current: list[Place]) -> None:
            if pos == len(name):
                results.update((p.code, p) for p in current)
                return
            for end in range(min(len(name), pos + self._max_key), pos, -1):
                piece = name[pos:end]
                if piece in self._keys:
                    inside = [p for p in self._any_direct(piece)
                              if any(c.code in self._lineage[p.code] for c in current)]
                    if inside:
                        extend(end, inside)

        for end in range(min(len(name) - 1, self._max_key), 0, -1):
            if name[:end] in self._keys:
                extend(end, self._any_direct(name[:end]))
        return sorted(results.values(), key=lambda p: p.code)

    def candidates(self, name: str) -> list[Place]:
        """Every place a name, alias or chain of names (广东省广州市南沙区) may denote.

        Ordered by level (province first), then code.
        """
        name = "".join(name.split())
        found = self._any_direct(name) or self._compound(name)
        return sorted(found, key=lambda p: (_LEVEL_RANK[p.level], p.code))

    def _affinity(self, place: Place, context: Place) -> int:
        """3: `context` itself; 2: same prefecture (or municipality); 1: same province."""
        if place.code == context.code:
            return 3
        theirs = {context.code} | self._lineage[context.code]
        for p in (place, *self.ancestors(place)):
            if p.code in theirs:
                if p.level == "prefecture" or p.code in MUNICIPALITIES:
                    return 2
                return 1 if p.level == "province" else 0
        return 0

    def resolve(self, name: str, context: Place | None = None) -> Place | None:
        """The one place `name` stands for, or None when unknown or still ambiguous.

        A full name or a chain of names (广州市南沙区, 广东省广州市南沙区, 甘肃庆阳市) beats
        an official name, which beats a short form or alias. Among several, the ones
        nearest `context` win (`context` itself, then the same prefecture, then the same
        province); then the highest level (吉林 -> 吉林省 rather than 吉林市). 白云区
        without context is None: 广州 and 贵阳 both have one.
        """
        name = "".join(name.split())
        found = self._direct(name) or self._compound(name)
        if len(found) > 1 and context is not None and context.code in self._places:
            scores = {p.code: self._affinity(p, context) for p in found}
            best = max(scores.values())
            if best > 0:
                found = [p for p in found if scores[p.code] == best]
        if len(found) > 1:
            top = min(_LEVEL_RANK[p.level] for p in found)
            found = [p for p in found if _LEVEL_RANK[p.level] == top]
        return found[0] if len(found) == 1 else None

    # ---- text

    def _blocked(self, text: str, start: int, end: int, surface: _Surface) -> bool:
        """True when the form at text[start:end] is part of ordinary words, not a place."""
        words = self._words
        if (surface.head and start > 0 and text[start - 1:start + 1] in words
                and (start < 2 or text[start - 2:start] not in words)):
            return True
        if (surface.tail and end < len(text) and text[end - 1:end + 1] in words
                and text[end:end + 2] not in words):
            return True
        return any(start >= offset and text.startswith(phrase, start - offset)
                   for phrase, offset in surface.phrases)

    def _scan(self, text: str) -> list[tuple[int, int, tuple[Place, ...]]]:
        out: list[tuple[int, int, tuple[Place, ...]]] = []
        surfaces, lineage, all_lengths = self._surfaces, self._lineage, self._lengths
        # the first two characters of a form, looked up in one pass over the prefilter's hits
        hits = [(start, lengths) for m in self._prefilter.finditer(text)
                if (lengths := all_lengths.get(text[(start := m.start()):start + 2])) is not None]
        pos = 0
        for start, lengths in hits:
            if start < pos:
                continue
            prev = out[-1] if out and out[-1][1] == start else None
            for length in lengths:  # longest first
                surface = surfaces.get(text[start:start + length])
                if surface is None:
                    continue
                if prev is not None:
                    chained = tuple(p for p in surface.places
                                    if any(q.code in lineage[p.code] for q in prev[2]))
                    if chained:  # 广州市 + 南沙区: one mention
                        out[-1] = (prev[0], start + length, chained)
                        pos = start + length
                        break
                if not surface.chain_only and not self._blocked(
                    text, start, start + length, surface
                ):
                    out.append((start, start + length, surface.places))
                    pos = start + length
                    break
        return out

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Place names in `text` as (start, end, surface), left to right, non-overlapping.

        Longest match first; a chain of names each inside the one before (甘肃庆阳市,
        广州市南沙区, 广州南沙新区) is one mention. Stoplisted short forms are not matched
        (合作 no, 合作市 yes), chain-only names only after their parent (阳泉市城区), and
        two-character forms not where they straddle common words (创新平台 has no 新平).
        """
        return [(s, e, text[s:e]) for s, e, _ in self._scan(text)]

    def mention_places(self, text: str) -> list[tuple[int, int, str, list[Place]]]:
        """Like `mentions`, with the places each mention may denote."""
        return [(s, e, text[s:e], list(places)) for s, e, places in self._scan(text)]

    def forms(self) -> list[tuple[str, str, Place]]:
        """Every (form, kind, place) known; kind: name, chain, short, stop, extra or zone."""
        return list(self._forms)

    @property
    def alias_rows(self) -> list[AliasRow]:
        """The rows of the alias table this gazetteer was built from."""
        return list(self._rows)


# --------------------------------------------------------------------------- loading


def parse_places(text: str) -> list[Place]:
    """Places from the text of ``places.tsv`` (header, then code, name, level, parent_code)."""
    raw = [line.split("\t") for line in text.splitlines()[1:] if line.strip()]
    names = {code: (name, level) for code, name, level, _ in raw}
    places: list[Place] = []
    for code, name, level, parent in raw:
        full = name
        if level == "county" and parent in names:
            parent_name, parent_level = names[parent]
            if parent_level == "prefecture" or parent in MUNICIPALITIES:
                full = parent_name + name  # 广州市南沙区, 北京市海淀区; 仙桃市 stays
        places.append(Place(code, name, level, parent or None, full))
    return places


ALIAS_HEADER = "form\tcode\tkind\tnote"


def parse_aliases(text: str) -> list[AliasRow]:
    """Rows from the text of ``place_aliases.tsv`` (lines starting with # are comments)."""
    rows: list[AliasRow] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line == ALIAS_HEADER:
            continue
        form, code, kind, note = line.split("\t")
        rows.append(AliasRow(form, code, kind, note))
    return rows


def _data_text(name: str) -> str:
    return resources.files("zhibiao").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer built from the package data (loaded once, then cached)."""
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects: collecting meanwhile only costs time
    try:
        return Gazetteer(parse_places(_data_text("places.tsv")),
                         parse_aliases(_data_text("place_aliases.tsv")))
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- word list

DEFAULT_MIN_COUNT = 30000


def common_words(word_freq_path: str | Path, min_count: int, exclude: Iterable[str]) -> list[str]:
    """Two-character Han words seen at least `min_count` times, minus `exclude`.

    `word_freq_path` is JioNLP's ``dictionary/word_distribution.json`` (one
    ``["word", count]`` JSON array per line).
    """
    skip = set(exclude)
    words: list[str] = []
    with open(word_freq_path, encoding="utf-8") as fh:
        for line in fh:
            word, count = json.loads(line)
            if (count >= min_count and len(word) == 2 and word not in skip
                    and all("\u4e00" <= ch <= "\u9fff" for ch in word)):
                words.append(word)
    return sorted(set(words))


def rebuild_word_rows(word_freq_path: str | Path, min_count: int = DEFAULT_MIN_COUNT) -> str:
    """Text of ``place_aliases.tsv`` with its ``word`` rows regenerated.

    Words that are place names or aliases matched in text are left out (those are places),
    and so are the hand-written word rows, which are kept as they are.
    """
    text = _data_text("place_aliases.tsv")
    kept = [line for line in text.splitlines() if not line.endswith("\tword\t")]
    probe = Gazetteer(parse_places(_data_text("places.tsv")), parse_aliases("\n".join(kept)))
    exclude = set(probe._surfaces) | {r.form for r in probe.alias_rows if r.kind == "word"}
    words = common_words(word_freq_path, min_count, exclude)
    marker = "# word rows"
    kept = [line for line in kept if not line.startswith(marker)]
    kept.append(f"{marker}: two-character words seen >= {min_count} times in JioNLP "
                "word_distribution.json (Apache-2.0), place names removed")
    return "\n".join([*kept, *(f"{w}\t\tword\t" for w in words)]) + "\n"


def _main(argv: list[str]) -> int:
    if len(argv) in (2, 3) and argv[0] == "build-words":
        min_count = int(argv[2]) if len(argv) == 3 else DEFAULT_MIN_COUNT
        target = Path(__file__).parent.parent / "data" / "place_aliases.tsv"
        target.write_text(rebuild_word_rows(argv[1], min_count), encoding="utf-8")
        print(f"wrote {target}")
        return 0
    print("usage: python -m zhibiao.extract.places build-words WORD_DISTRIBUTION_JSON [MIN_COUNT]")
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
