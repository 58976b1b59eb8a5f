"""What the web app reads that `zhibiao.analysis.query` does not already answer: pages of facts, the
library at a glance, reports of the same thing in other documents, neighbours in a document,
and place autocomplete.

Every query here is built from the store's schema with SQLAlchemy Core (bound parameters
only) and reuses `zhibiao.analysis.query` for filters, so the web app and the command line read the
same facts in the same way. Results that cost a scan of the facts table (counts by type,
place and indicator) are cached per app and recomputed when the documents change.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import func, select

from zhibiao.analysis.query import Filters, conditions, facts_select, row_dicts
from zhibiao.store import Store
from zhibiao.store.schema import document_sources, documents, fact_flags, facts, indicators, places

T = TypeVar("T")

#: Rows a page of `/api/facts` holds unless ``size`` says otherwise, and the most it may ask for.
PAGE_SIZE = 100
MAX_PAGE = 1000
#: Rows a CSV/XLSX download of facts holds at most (an XLSX sheet holds about a million).
DOWNLOAD_LIMIT = 100_000
#: Seconds a cached summary is trusted before the documents' fingerprint is checked again.
CACHE_SECONDS = 5.0


def facts_page(store: Store, flt: Filters, *, after: int | None = None, size: int = PAGE_SIZE
               ) -> tuple[list[dict[str, Any]], int | None]:
    """One page of facts matching `flt` in id order after id `after`: (rows, last id if more follow).

    The page's ids are found first and its rows read after: when the filters are all on
    indexed columns (indicator, measure, place, years), SQLite finds the ids in an index alone
    instead of reading every matching fact from the table to sort them.
    """
    with store.read() as conn:
        where = conditions(store, conn, flt)
        if after is not None:
            where.append(facts.c.id > after)
        ids = select(facts.c.id).where(*where).order_by(facts.c.id).limit(size + 1)
        q = facts_select([facts.c.id.in_(ids.scalar_subquery())]).order_by(facts.c.id)
        rows = row_dicts(conn.execute(q))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1]["id"] if more and rows else None)


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Something that changes whenever a document is stored, replaced or removed, gets another
    source, or a fact is marked wrong or unmarked (cheap)."""
    with store.read() as conn:
        q = select(func.count(), func.max(documents.c.id), func.max(documents.c.ingested_at)).where(
            documents.c.is_current)
        flags = select(func.count(), func.max(fact_flags.c.id), func.max(fact_flags.c.flagged_at))
        sources = select(func.max(document_sources.c.id))
        return (*conn.execute(q).one(), *conn.execute(flags).one(), conn.execute(sources).scalar())


class Cache:
    """Values computed from the whole fact base, kept until its documents change."""

    def __init__(self, store: Store, seconds: float = CACHE_SECONDS) -> None:
        """Cache for `store`; the documents' fingerprint is checked at most every `seconds`."""
        self.store = store
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._print: tuple[Any, ...] | None = None
        self._checked = 0.0

    def clear(self) -> None:
        """Forget everything (after an upload)."""
        with self._lock:
            self._values.clear()
            self._print = None
            self._checked = 0.0

    def generation(self) -> tuple[Any, ...] | None:
        """The documents' fingerprint as last checked (checked again when older than `seconds`)."""
        now = time.monotonic()
        if now - self._checked > self.seconds:
            current = fingerprint(self.store)
            with self._lock:
                if current != self._print:
                    self._values.clear()
                    self._print = current
                self._checked = now
        return self._print

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The cached value of `key`, computed by `compute` when missing or stale."""
        self.generation()
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
        return value


def library(store: Store) -> dict[str, Any]:
    """The library at a glance: documents, facts by type, places, years, top places and indicators."""
    with store.read() as conn:
        n_docs, n_facts, first_date, last_date = conn.execute(
            select(func.count(), func.coalesce(func.sum(documents.c.n_facts), 0), func.min(documents.c.date),
                   func.max(documents.c.date)).where(documents.c.is_current)).one()
        by_type = dict(conn.execute(select(facts.c.type, func.count()).group_by(facts.c.type)).all())
        lo = conn.execute(select(func.min(facts.c.year_from))).scalar()
        hi = conn.execute(select(func.max(facts.c.year_from))).scalar()
        n = func.count().label("n")
        top_places = conn.execute(
            select(facts.c.region_code, n).where(facts.c.region_code.is_not(None))
            .group_by(facts.c.region_code).order_by(n.desc()).limit(12)).all()
        n_places = conn.execute(select(func.count()).select_from(
            select(facts.c.region_code).where(facts.c.region_code.is_not(None)).distinct().subquery())).scalar()
        names = dict(conn.execute(select(places.c.code, places.c.full_name)).all())
        top_indicators = conn.execute(
            select(facts.c.indicator, indicators.c.name, n).join(indicators, indicators.c.id == facts.c.indicator)
            .group_by(facts.c.indicator, indicators.c.name).order_by(n.desc()).limit(12)).all()
    return {
        "documents": n_docs, "facts": int(n_facts), "by_type": by_type, "places": n_places,
        "years": (lo, hi), "dates": (first_date, last_date),
        "top_places": [{"code": c, "name": names.get(c, c), "facts": k} for c, k in top_places],
        "top_indicators": [{"id": i, "name": name, "facts": k} for i, name, k in top_indicators],
    }


def indicator_list(store: Store) -> list[dict[str, Any]]:
    """Every indicator of the taxonomy with its names, unit and number of facts."""
    from zhibiao.extract.indicators import taxonomy

    with store.read() as conn:
        counts = dict(conn.execute(select(facts.c.indicator, func.count()).where(facts.c.indicator.is_not(None))
                                   .group_by(facts.c.indicator)).all())
    return [{"id": i.id, "name": i.name, "aliases": list(i.aliases), "unit": i.unit, "facts": counts.get(i.id, 0)}
            for i in taxonomy().indicators.values()]


def fact_topic(store: Store, fact_id: int) -> dict[str, Any] | None:
    """The matching keys of a fact (topic, place, period, kind, measure, unit, document, seq)."""
    cols = (facts.c.id, facts.c.topic, facts.c.region_code, facts.c.period, facts.c.kind, facts.c.measure,
            facts.c.unit, facts.c.doc_id, facts.c.seq)
    with store.read() as conn:
        row = conn.execute(select(*cols).where(facts.c.id == fact_id)).mappings().first()
        return dict(row) if row else None


def same_reports(store: Store, key: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
    """Facts of other documents about the same place, topic and period (any kind), oldest first."""
    if not key.get("topic") or not key.get("region_code") or not key.get("period"):
        return []
    where = [facts.c.topic == key["topic"], facts.c.region_code == key["region_code"],
             facts.c.period == key["period"], facts.c.doc_id != key["doc_id"]]
    with store.read() as conn:
        q = facts_select(where).order_by(documents.c.date, facts.c.id).limit(limit)
        return [dict(r) for r in conn.execute(q).mappings()]


def neighbours(store: Store, key: dict[str, Any]) -> tuple[int | None, int | None]:
    """The ids of the facts just before and after this one in its document."""
    with store.read() as conn:
        prev = conn.execute(select(facts.c.id).where(facts.c.doc_id == key["doc_id"], facts.c.seq < key["seq"])
                            .order_by(facts.c.seq.desc()).limit(1)).scalar()
        nxt = conn.execute(select(facts.c.id).where(facts.c.doc_id == key["doc_id"], facts.c.seq > key["seq"])
                           .order_by(facts.c.seq).limit(1)).scalar()
    return prev, nxt


def document_versions(store: Store, doc_id: int) -> list[dict[str, Any]]:
    """Every stored version of a document's path (newest first), itself included."""
    with store.read() as conn:
        path = conn.execute(select(documents.c.path).where(documents.c.id == doc_id)).scalar()
        if path is None:
            return []
        q = select(documents.c.id, documents.c.version, documents.c.is_current, documents.c.ingested_at).where(
            documents.c.path == path).order_by(documents.c.version.desc())
        return [dict(r) for r in conn.execute(q).mappings()]


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class PlaceEntry:
    """A place the fact base knows, with every key it can be found by."""

    code: str
    name: str
    full_name: str
    level: str
    parent_code: str | None
    aliases: tuple[str, ...]
    initials: tuple[str, ...]  # pinyin initials of the name and full name: gzs, gdsgzs
    spelled: tuple[str, ...]  # full pinyin: guangzhoushi


_LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
_ASCII = re.compile(r"[a-z]+")


def _pinyin(text: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    spelled = "".join(lazy_pinyin(text, errors="ignore")).lower()
    return initials, spelled


def place_entries(store: Store) -> list[PlaceEntry]:
    """The places of the fact base (those facts name and the places above them) with their keys."""
    from zhibiao.extract.places import gazetteer

    gaz = gazetteer()
    with store.read() as conn:
        rows = conn.execute(select(places.c.code, places.c.name, places.c.full_name, places.c.level,
                                   places.c.parent_code)).all()
    aliases: dict[str, set[str]] = {}
    codes = {r.code for r in rows}
    for form, kind, place in gaz.forms():
        if place.code in codes and kind in ("short", "extra", "zone", "stop"):
            aliases.setdefault(place.code, set()).add(form)
    out = []
    for r in rows:
        keys = {r.name, r.full_name, *aliases.get(r.code, ())}
        pinyin = [_pinyin(k) for k in sorted(keys)]
        out.append(PlaceEntry(r.code, r.name, r.full_name, r.level, r.parent_code,
                              tuple(sorted(aliases.get(r.code, set()) - {r.name, r.full_name})),
                              tuple(sorted({i for i, _ in pinyin if i})), tuple(sorted({s for _, s in pinyin if s}))))
    return out


def match_places(entries: list[PlaceEntry], q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Places whose name, alias, full name, code or pinyin (initials or spelled out) match `q`.

    Exact names first, then prefixes, then substrings; larger places before smaller ones.
    """
    q = "".join(q.split())
    low = q.lower()
    if not q:
        return []
    found: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    for e in entries:
        names = (e.name, e.full_name, *e.aliases)
        score, how = None, ""
        if q in names:
            score, how = 0, "name"
        elif q.isdigit():
            if e.code.startswith(q):
                score, how = 1, "code"
        elif any(n.startswith(q) for n in names):
            score, how = 1, "name"
        elif any(q in n for n in names):
            score, how = 2, "name"
        elif _ASCII.fullmatch(low):
            if any(i.startswith(low) for i in e.initials):
                score, how = 3, "initials"
            elif any(s.startswith(low) for s in e.spelled):
                score, how = 3, "pinyin"
        if score is None:
            continue
        found.append(((score, _LEVEL_RANK.get(e.level, 4), e.code),
                      {"code": e.code, "name": e.name, "full_name": e.full_name, "level": e.level,
                       "parent_code": e.parent_code, "aliases": list(e.aliases), "matched_by": how}))
    found.sort(key=lambda item: item[0])
    return [item for _, item in found[:limit]]


def all_facts(store: Store, flt: Filters, limit: int = DOWNLOAD_LIMIT) -> tuple[list[dict[str, Any]], bool]:
    """Facts matching `flt` in id order, at most `limit`: (rows, whether more matched)."""
    with store.read() as conn:
        q = facts_select(conditions(store, conn, flt)).order_by(facts.c.id).limit(limit + 1)
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return rows[:limit], len(rows) > limit


def any_facts(store: Store) -> bool:
    """Whether the fact base holds at least one fact."""
    with store.read() as conn:
        return conn.execute(select(facts.c.id).limit(1)).first() is not None



# --------------------------------------------------------------------------- browsing: sort, pages, facets


#: What the facts table can be sorted by: name in the URL → columns (the fact id breaks ties).
SORTS: dict[str, tuple[Any, ...]] = {
    "id": (facts.c.id,), "doc": (facts.c.doc_id, facts.c.seq), "place": (facts.c.region, facts.c.region_code),
    "period": (facts.c.year_from, facts.c.period), "type": (facts.c.type, facts.c.kind),
    "what": (facts.c.subject, facts.c.name), "indicator": (facts.c.indicator,), "measure": (facts.c.measure,),
    "value": (facts.c.value, facts.c.investment), "unit": (facts.c.unit,),
}
#: The facets of the facts table: name in the URL (the filter a click sets) → column counted.
FACETS: dict[str, Any] = {"place": facts.c.region_code, "indicator": facts.c.indicator, "period": facts.c.period,
                          "kind": facts.c.kind, "type": facts.c.type, "measure": facts.c.measure,
                          "unit": facts.c.unit, "doc": facts.c.doc_id}
#: Values a facet lists at most (the most frequent).
FACET_SIZE = 8
#: Matches up to which the facets are counted in one pass here rather than by the database.
FACET_SCAN = 20_000
QUALIFIERS = ("exact", "approx", "over", "under", "at_least", "at_most")


@dataclass(frozen=True)
class Refine:
    """What the facts table's filter builder adds to `Filters`: a value range, a unit, a qualifier."""

    value_min: float | None = None
    value_max: float | None = None
    unit: str | None = None
    qualifier: str | None = None

    def __post_init__(self) -> None:
        """Reject a range that ends before it starts and an unknown qualifier (`QueryError`)."""
        from zhibiao.analysis.query import QueryError

        if self.value_min is not None and self.value_max is not None and self.value_min > self.value_max:
            raise QueryError(f"value_min {self.value_min:g} is above value_max {self.value_max:g}")
        if self.qualifier and self.qualifier not in QUALIFIERS:
            raise QueryError(f"unknown qualifier {self.qualifier!r}: use one of {', '.join(QUALIFIERS)}")


def refine_conditions(refine: Refine) -> list[Any]:
    """WHERE conditions on ``facts`` for `refine` (``exact`` is a figure with no qualifier)."""
    where: list[Any] = []
    if refine.value_min is not None:
        where.append(facts.c.value >= refine.value_min)
    if refine.value_max is not None:
        where.append(facts.c.value <= refine.value_max)
    if refine.unit:
        where.append(facts.c.unit == refine.unit)
    if refine.qualifier == "exact":
        where.append(facts.c.qualifier.is_(None))
    elif refine.qualifier:
        where.append(facts.c.qualifier == refine.qualifier)
    return where


def sort_order(sort: str | None) -> tuple[list[Any], str]:
    """ORDER BY for ``sort`` (a `SORTS` name, ``-name`` descending; default id) and the name as understood.

    Raises `QueryError` for an unknown name."""
    from zhibiao.analysis.query import QueryError

    name = (sort or "id").strip() or "id"
    descending = name.startswith("-")
    columns = SORTS.get(name.lstrip("-"))
    if columns is None:
        raise QueryError(f"unknown sort {name!r}: use one of {', '.join(SORTS)} (- before it: descending)")
    order = [c.desc().nulls_last() if descending else c.asc().nulls_last() for c in columns]
    if columns[0] is not facts.c.id:
        order.append(facts.c.id.desc() if descending else facts.c.id)
    return order, name


def browse(store: Store, flt: Filters, refine: Refine = Refine(), *, sort: str | None = None, page: int = 1,
           size: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
    """Page `page` (from 1) of the facts matching `flt` and `refine` in `sort` order, and how many match.

    The page's ids are found first (LIMIT/OFFSET over the facts table alone) and their rows read
    after, as in `facts_page`."""
    order, _ = sort_order(sort)
    with store.read() as conn:
        where = conditions(store, conn, flt) + refine_conditions(refine)
        total = conn.execute(select(func.count()).select_from(facts).where(*where)).scalar_one()
        ids = conn.execute(select(facts.c.id).where(*where).order_by(*order).limit(size)
                           .offset((max(page, 1) - 1) * size)).scalars().all()
        rows = row_dicts(conn.execute(facts_select([facts.c.id.in_(ids)]))) if ids else []
    position = {fid: i for i, fid in enumerate(ids)}
    rows.sort(key=lambda r: position[r["id"]])
    return rows, total


def sorted_facts(store: Store, flt: Filters, refine: Refine = Refine(), *, sort: str | None = None,
                 limit: int = DOWNLOAD_LIMIT) -> tuple[list[dict[str, Any]], bool]:
    """Every fact matching `flt` and `refine` in `sort` order, at most `limit`: (rows, whether more matched)."""
    order, _ = sort_order(sort)
    with store.read() as conn:
        where = conditions(store, conn, flt) + refine_conditions(refine)
        rows = row_dicts(conn.execute(facts_select(where).order_by(*order).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def facets(store: Store, flt: Filters, refine: Refine = Refine(), size: int = FACET_SIZE,
           matches: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """For each of `FACETS`, its most frequent values among the matching facts:
    ``{"value", "label", "count"}`` (the label: a place's full name, an indicator's or document's name).

    The database counts them, one GROUP BY per facet, fast when the filters are on indexed
    columns (place, indicator, period, document). A value range, unit, qualifier or search is
    not: each GROUP BY would scan the table again (2 s for the eight facets of 300,000 facts),
    so when `matches` (how many match, when the caller knows) is at most `FACET_SCAN` the
    matching facts are read once and counted here instead (0.4 s)."""
    from zhibiao.analysis.query import document_labels, place_names
    from zhibiao.extract.indicators import taxonomy

    with store.read() as conn:
        where = conditions(store, conn, flt) + refine_conditions(refine)
        unindexed = refine != Refine() or bool(flt.search)
        if unindexed and matches is not None and matches <= FACET_SCAN:
            out = _counted_here(conn, where, size)
        else:
            out = _counted_by_database(conn, where, size)
        _count_spans_as_filtered(store, conn, flt, refine, out["period"])
        names = place_names(store, conn, [f["value"] for f in out["place"]])
        docs = document_labels(store, conn, [f["value"] for f in out["doc"]])
    known = taxonomy().indicators
    for f in out["place"]:
        f["label"] = names.get(f["value"], f["value"])
    for f in out["indicator"]:
        f["label"] = known[f["value"]].name if f["value"] in known else f["value"]
    for f in out["doc"]:
        f["label"] = docs.get(f["value"], (str(f["value"]), None))[0]
    return out


#: A period of several years as stored ("2011/2015"): as a filter it is the range of those years.
_YEAR_SPAN = re.compile(r"\d{4}/\d{4}")


def _count_spans_as_filtered(store: Store, conn: Any, flt: Filters, refine: Refine,
                             found: list[dict[str, Any]]) -> None:
    """Give a span's facet ("2011/2015") the count of the filter it stands for: that filter reads the
    span as a range of years, so it also holds the single years inside it; re-sort by count."""
    spans = [f for f in found if isinstance(f["value"], str) and _YEAR_SPAN.fullmatch(f["value"])]
    for f in spans:
        narrowed = replace(flt, period=f["value"])
        where = conditions(store, conn, narrowed) + refine_conditions(refine)
        f["count"] = conn.execute(select(func.count()).select_from(facts).where(*where)).scalar_one()
    if spans:
        found.sort(key=lambda f: (-f["count"], str(f["value"])))


def _counted_by_database(conn: Any, where: list[Any], size: int) -> dict[str, list[dict[str, Any]]]:
    n = func.count().label("n")
    out = {}
    for name, column in FACETS.items():
        q = select(column, n).where(*where, column.is_not(None)).group_by(column).order_by(n.desc(), column).limit(size)
        out[name] = [{"value": v, "label": str(v), "count": k} for v, k in conn.execute(q).all()]
    return out


def _counted_here(conn: Any, where: list[Any], size: int) -> dict[str, list[dict[str, Any]]]:
    counters: list[Counter[Any]] = [Counter() for _ in FACETS]
    for row in conn.execute(select(*FACETS.values()).where(*where)):
        for counter, value in zip(counters, row, strict=True):
            if value is not None:
                counter[value] += 1
    return {name: [{"value": v, "label": str(v), "count": k}
                   for v, k in sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:size]]
            for name, counter in zip(FACETS, counters, strict=True)}


# --------------------------------------------------------------------------- a place, an indicator


def place_record(store: Store, code: str) -> dict[str, Any] | None:
    """A place of the fact base: code, names, level, the place above and the places below with facts."""
    with store.read() as conn:
        row = conn.execute(select(places).where(places.c.code == code)).mappings().first()
        if row is None:
            return None
        parent = conn.execute(select(places.c.code, places.c.full_name).where(
            places.c.code == row["parent_code"])).first() if row["parent_code"] else None
        below = conn.execute(select(places.c.code, places.c.full_name).where(places.c.parent_code == code)
                             .order_by(places.c.code)).all()
        n_facts = conn.execute(select(func.count()).where(facts.c.region_code == code)).scalar_one()
    return {**dict(row), "parent": dict(parent._mapping) if parent else None,
            "children": [dict(r._mapping) for r in below], "facts": n_facts}


def place_series(store: Store, code: str) -> tuple[list[int], list[dict[str, Any]]]:
    """A place's actual yearly figures by indicator and measure across years: (years, rows), each row
    ``{"indicator", "name", "measure", "unit", "cells": {year: fact}}`` (the latest document's report)."""
    from zhibiao.extract.indicators import taxonomy

    cols = (facts.c.id, facts.c.indicator, facts.c.measure, facts.c.unit, facts.c.value, facts.c.qualifier,
            facts.c.year_from, facts.c.doc_id)
    where = [facts.c.region_code == code, facts.c.indicator.is_not(None), facts.c.kind == "actual",
             facts.c.period_type == "year", facts.c.value.is_not(None)]
    with store.read() as conn:
        found = conn.execute(select(*cols).where(*where).order_by(facts.c.doc_id, facts.c.id)).mappings().all()
    known = taxonomy().indicators
    series: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in found:
        key = (f["indicator"], f["measure"] or "", f["unit"] or "")
        row = series.setdefault(key, {"indicator": key[0], "measure": key[1], "unit": key[2], "cells": {},
                                      "name": known[key[0]].name if key[0] in known else key[0]})
        row["cells"][f["year_from"]] = dict(f)  # a later document's report replaces an earlier one
    years = sorted({y for row in series.values() for y in row["cells"]})
    rows = sorted(series.values(), key=lambda r: (-len(r["cells"]), r["indicator"], r["measure"]))
    return years, rows


def sources(store: Store, where: list[Any], limit: int = 50) -> list[dict[str, Any]]:
    """The documents holding facts that match `where`: id, name, date and how many, most first."""
    n = func.count().label("n")
    with store.read() as conn:
        q = (select(documents.c.id, documents.c.name, documents.c.date, n)
             .join(facts, facts.c.doc_id == documents.c.id).where(*where)
             .group_by(documents.c.id, documents.c.name, documents.c.date).order_by(n.desc(), documents.c.id)
             .limit(limit))
        return [dict(r) for r in conn.execute(q).mappings()]


# --------------------------------------------------------------------------- targets, a page at a time

#: Rows a page of the targets table holds unless ``size`` says otherwise.
TARGET_PAGE = 50
_STATUS_ORDER = {"missed": 0, "pending": 1, "met": 2}
#: What the targets table can be sorted by: name in the URL → key of a `TargetRow`.
TARGET_SORTS: dict[str, Callable[[Any], Any]] = {
    "place": lambda r: (r.target["region"] or "", r.target["period"] or ""),
    "period": lambda r: (r.target["period"] or "", r.target["region"] or ""),
    "what": lambda r: (r.target["subject"] or r.target["indicator"] or "",),
    "measure": lambda r: (r.target["measure"] or "",),
    "target": lambda r: (r.target["value"] is None, r.target["value"] or 0.0),
    "actual": lambda r: (r.actual is None or r.actual["value"] is None, (r.actual or {}).get("value") or 0.0),
    "status": lambda r: (_STATUS_ORDER.get(r.status, 3),),
}


def sort_targets(rows: list[Any], sort: str | None) -> tuple[list[Any], str]:
    """`rows` (`TargetRow`s) in ``sort`` order (a `TARGET_SORTS` name, ``-name`` descending; default:
    as they came, by place and period) and the name as understood; `QueryError` for an unknown name."""
    from zhibiao.analysis.query import QueryError

    name = (sort or "").strip()
    if not name:
        return rows, ""
    key = TARGET_SORTS.get(name.lstrip("-"))
    if key is None:
        raise QueryError(f"unknown sort {name!r}: use one of {', '.join(TARGET_SORTS)} (- before it: descending)")
    return sorted(rows, key=key, reverse=name.startswith("-")), name
