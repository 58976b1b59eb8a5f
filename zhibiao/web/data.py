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
from collections.abc import Callable
from dataclasses import dataclass
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

