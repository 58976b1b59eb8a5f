"""Finding facts: filters in the user's words (place names, indicator aliases, periods) → SQL.

A place is a name, alias, full name or 6-digit code (`--within` adds every place below it);
an indicator is an id or any of its names; a period is one period string (``2023``,
``2024H1``) or a range of years (``2019:2025``, ``2019:``) that holds every period lying
inside it. Unknown names raise `QueryError` with the closest known names.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)

from zhibiao.extract.places import COUNTRY_CODE
from zhibiao.store import Store
from zhibiao.store import fts as search_index
from zhibiao.store.schema import document_sources, documents, fact_flags, facts, places

#: Output columns of a facts query, in order (``start``/``end`` as in the extractor's records;
#: ``flagged``: a user marked the fact wrong, see `zhibiao.store.flags`).
COLUMNS = ("id", "doc_id", "doc", "doc_date", "type", "region", "region_code", "subject", "indicator", "period",
           "kind", "measure", "value", "unit", "qualifier", "name", "status", "investment", "policy",
           "beneficiary", "condition", "rate", "cap", "evidence", "start", "end", "flagged")
TYPES = ("quantity", "project", "policy")
KINDS = ("actual", "target")
MEASURES = ("level", "growth", "change", "share", "rank", "rate")
_CODE = re.compile(r"\d{6}")
#: Names of the whole country: the pseudo place 全国 of the gazetteer.
_COUNTRY = frozenset({"全国", "中国", "中华人民共和国", "我国", "china"})
#: A range of years: 2019:2025, 2019-2025 (any dash), 2019~2025, 2019/2025, 2019至2025, 2019年至2025年; 2019: and :2025.
_RANGE = re.compile(r"(?:(\d{4})年?)?(?:[:~/至到]|[-‐‑‒–—―−]+)(?:(\d{4})年?)?")
_YEAR = re.compile(r"(\d{4})年?")
#: Periods as stored (shared/spec/facts.md): 2024H1, 2024Q1, 2020-01/2020-07, unknown.
_EXACT = re.compile(r"\d{4}(?:H[12]|Q[1-4])|\d{4}-\d{2}/\d{4}-\d{2}|unknown", re.IGNORECASE)
#: The period forms, for error messages and help texts.
PERIOD_FORMS = ("2025 (or 2025年), 2024H1, 2024Q1, 2020-01/2020-07, or years 2019-2025 "
                "(also 2019:2025, 2019~2025, 2019/2025, 2019年至2025年; 2019: from 2019 on)")


class QueryError(Exception):
    """A filter the fact base cannot answer (unknown or ambiguous name, bad period): one line."""


@dataclass(frozen=True)
class Filters:
    """What to look for; every field is optional and they all must hold."""

    place: str | Sequence[str] | None = None
    within: str | None = None
    indicator: str | Sequence[str] | None = None
    period: str | None = None
    kind: str | None = None
    measure: str | None = None
    type: str | None = None
    search: str | None = None
    doc: int | None = None


def _names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _suggest(name: str, known: Iterable[str], n: int = 5) -> str:
    close = difflib.get_close_matches(name, sorted(set(known)), n=n, cutoff=0.4)
    return f"; closest: {', '.join(close)}" if close else ""


def _stored_places(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(places.c.code, places.c.full_name)).all())


def resolve_place(conn: Connection, name: str) -> list[str]:
    """GB/T 2260 code(s) of a place name, alias, full name or code; raises `QueryError`."""
    from zhibiao.extract.places import gazetteer

    gaz = gazetteer()
    name = "".join(name.split())
    if name.lower() in _COUNTRY:
        return [COUNTRY_CODE]
    is_code = bool(_CODE.fullmatch(name))
    known = gaz.by_code(name) if is_code else gaz.resolve(name)
    if known is not None:
        return [known.code]
    stored = _stored_places(conn)  # places added to the fact base beyond the gazetteer
    if is_code:
        if name in stored:
            return [name]
        raise QueryError(f"unknown place code {name}{_suggest(name, stored)}")
    found = gaz.candidates(name) or [p for p in (gaz.by_code(c) for c, full in stored.items() if full == name) if p]
    if not found:
        hint = _suggest(name, stored.values()) or _suggest(name, [p.full_name for p in gaz] + [p.name for p in gaz])
        raise QueryError(f"unknown place {name!r}{hint}")
    in_data = [p for p in found if p.code in stored]
    if len(in_data) == 1 or len(found) == 1:
        return [(in_data or found)[0].code]
    if not in_data:
        return [p.code for p in found]  # none has facts: the answer is empty either way
    choices = ", ".join(f"{p.full_name} ({p.code})" for p in in_data)
    raise QueryError(f"place {name!r} is ambiguous: {choices}; give the full name or the code")


def descendants(code: str) -> list[str]:
    """`code` and every place below it in the gazetteer."""
    from zhibiao.extract.places import gazetteer

    gaz = gazetteer()
    out = [code]
    stack = [gaz.by_code(code)]
    while stack:
        place = stack.pop()
        if place is None:
            continue
        for child in gaz.children(place):
            out.append(child.code)
            stack.append(child)
    return out


def resolve_indicator(name: str) -> str:
    """The indicator id for an id, name or alias (any case); raises `QueryError` with suggestions."""
    from zhibiao.extract.indicators import taxonomy

    tax = taxonomy()
    key = name.strip()
    if key in tax.indicators:
        return key
    for ind in tax.indicators.values():
        if key == ind.name or key in ind.aliases or key.lower() in (ind.id.lower(), *(a.lower() for a in ind.aliases)):
            return ind.id
    matched = tax.match(key)
    if matched:
        return matched
    known = [i.id for i in tax.indicators.values()] + [i.name for i in tax.indicators.values()]
    hint = _suggest(key, known) or f"; known ids: {', '.join(tax.indicators)}"
    raise QueryError(f"unknown indicator {name!r}{hint}")


def parse_period(period: str) -> tuple[str | None, int | None, int | None]:
    """``(exact period, first year, last year)``: ``2023`` → exact; ``2019-2025`` (or ``:``, ``~``, ``/``, dashes,
    ``至``, ``2019年至2025年``; ``2019:`` open-ended) → years; anything else raises `QueryError` naming the forms."""
    text = "".join(unicodedata.normalize("NFKC", period).split())
    m = _RANGE.fullmatch(text)
    if m and (m.group(1) or m.group(2)):
        lo, hi = (int(g) if g else None for g in m.groups())
        if lo is not None and hi is not None and lo > hi:
            raise QueryError(f"period range {period!r} ends before it starts")
        return None, lo, hi
    m = _YEAR.fullmatch(text)
    if m:
        return m.group(1), None, None
    if _EXACT.fullmatch(text):
        return text if text.lower() == "unknown" else text.upper(), None, None
    raise QueryError(f"bad period {period!r}: use {PERIOD_FORMS}")


def _choice(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise QueryError(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    return value


def place_codes(conn: Connection, place: str | Sequence[str] | None, within: str | None) -> list[str] | None:
    """The region codes the place filters allow (None: no restriction)."""
    codes: list[str] | None = None
    for name in _names(place):
        codes = (codes or []) + resolve_place(conn, name)
    if within:
        below: list[str] = []
        for area in resolve_place(conn, within):
            below.extend(descendants(area) if area != "000000" else [])
        if below:
            codes = below if codes is None else [c for c in codes if c in set(below)]
    return codes


def conditions(store: Store, conn: Connection, flt: Filters) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``facts`` for `flt` (names resolved, values checked)."""
    where: list[ColumnElement[bool]] = []
    codes = place_codes(conn, flt.place, flt.within)
    if codes is not None:
        where.append(facts.c.region_code.in_(codes))
    ids = [resolve_indicator(n) for n in _names(flt.indicator)]
    if ids:
        where.append(facts.c.indicator.in_(ids))
    if flt.period:
        exact, lo, hi = parse_period(flt.period)
        if exact:
            where.append(facts.c.period == exact)
        if lo is not None:
            where.append(facts.c.year_from >= lo)
        if hi is not None:
            where.append(facts.c.year_to <= hi)
    for column, value, allowed in ((facts.c.kind, flt.kind, KINDS), (facts.c.measure, flt.measure, MEASURES),
                                   (facts.c.type, flt.type, TYPES)):
        if _choice(value, allowed, column.name):
            where.append(column == value)
    if flt.doc is not None:
        where.append(facts.c.doc_id == flt.doc)
    if flt.search:
        where.extend(search_conditions(store, flt.search, codes))
    return where


def _flagged_ids() -> Select[Any]:
    return select(fact_flags.c.fact_id).where(fact_flags.c.fact_id.is_not(None))


def not_flagged(fact_id: Any) -> ColumnElement[bool]:
    """The fact (id column `fact_id`) is not marked wrong by a user (``fact_flags``)."""
    return fact_id.not_in(_flagged_ids())


#: Up to this many places, a search's first phrase is matched with their place tokens inside the index.
PLACES_IN_INDEX = 400


def search_conditions(store: Store, query: str, codes: list[str] | None = None) -> list[ColumnElement[bool]]:
    """Full-text conditions: bigram phrases through the index, other terms through LIKE; with the
    `codes` of a place filter, the first phrase's hits are those of the places' tokens too."""
    terms = search_index.parse(query)
    out: list[ColumnElement[bool]] = []
    places = search_index.place_tokens(codes) if codes and len(codes) <= PLACES_IN_INDEX else None
    for n, phrase in enumerate(terms.phrases):
        in_places = places if n == 0 else None
        if store.is_sqlite:
            match = search_index.sqlite_match(phrase)
            if in_places:
                match = f"{match} AND ({' OR '.join(in_places)})"
            table = literal_column(search_index.SQLITE_TABLE)
            hits = select(literal_column("rowid")).select_from(text(search_index.SQLITE_TABLE)).where(
                table.op("MATCH")(literal(match)))
            out.append(facts.c.id.in_(hits.scalar_subquery()))
        else:
            query = func.phraseto_tsquery(literal_column("'simple'"), literal(phrase))
            if in_places:
                query = query.op("&&")(func.to_tsquery(literal_column("'simple'"), literal(" | ".join(in_places))))
            out.append(literal_column(search_index.PG_VECTOR).op("@@")(query))
    for term in terms.like:
        pattern = search_index.like_pattern(term)
        out.append(or_(*(c.ilike(pattern, escape="\\") for c in (facts.c.subject, facts.c.name, facts.c.policy,
                                                                    facts.c.beneficiary, facts.c.evidence))))
    return out


def facts_select(where: Sequence[ColumnElement[bool]], label: tuple[str, str | None] | None = None) -> Select[Any]:
    """SELECT of the output `COLUMNS` for facts matching `where`, in document order.

    `label`, the (name, date) of the one document all the facts come from, spares the join.
    """
    if label is None:
        doc: list[Any] = [documents.c.name.label("doc"), documents.c.date.label("doc_date")]
        source: Any = facts.join(documents, documents.c.id == facts.c.doc_id)
    else:
        doc, source = [literal(label[0]).label("doc"), literal(label[1]).label("doc_date")], facts
    cols = [facts.c.id, facts.c.doc_id, *doc]
    for name in COLUMNS[4:-1]:
        column = {"start": "char_start", "end": "char_end"}.get(name, name)
        cols.append(facts.c[column].label(name))
    # IN (flagged ids), read once per query: a correlated EXISTS cost a lookup per row (+50% on a full export)
    cols.append(type_coerce(facts.c.id.in_(_flagged_ids()), Boolean).label("flagged"))
    q = select(*cols).select_from(source)
    return q.where(and_(*where)) if where else q


def ids_in(conn: Connection, column: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as one bound value, however many there are.

    SQLite reads them from a JSON array (``json_each``), PostgreSQL from an array (``= ANY``).
    SQLAlchemy's expanding ``IN`` renders one placeholder per id instead: 5,000 ids cost 5-30 ms
    of compiling, more than the lookups themselves, on a place's conflicts at a million facts.
    """
    if conn.dialect.name == "sqlite":
        listed = select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(list(ids)))))
        return column.in_(listed.scalar_subquery())
    return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))


def document_labels(store: Store, conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    """(name, date) of documents by id, for at least `ids` (read once per store: they never change)."""
    known = store.doc_labels
    missing = sorted({i for i in ids if i not in known})
    for start in range(0, len(missing), 500):
        q = select(documents.c.id, documents.c.name, documents.c.date).where(
            documents.c.id.in_(missing[start:start + 500]))
        known.update((i, (name, date)) for i, name, date in conn.execute(q).all())
    return known


def place_names(store: Store, conn: Connection, codes: Iterable[str]) -> dict[str, str]:
    """Full names of places by code, for at least `codes` (read once per store: they never change);
    a code the fact base does not know stands for itself."""
    known = store.place_names
    missing = sorted({c for c in codes if c not in known})
    if missing:
        found = dict(conn.execute(select(places.c.code, places.c.full_name).where(places.c.code.in_(missing))).all())
        known.update((code, found.get(code) or code) for code in missing)
    return known


def row_dicts(result: Any) -> list[dict[str, Any]]:
    """The rows of a result as dicts (fetched at once: several times faster than row by row)."""
    keys = list(result.keys())
    return [dict(zip(keys, r, strict=True)) for r in result.all()]


def find(store: Store, flt: Filters, limit: int | None = None) -> list[dict[str, Any]]:
    """Facts matching `flt` (at most `limit`), as dicts with the `COLUMNS` keys."""
    with store.read() as conn:
        q = facts_select(conditions(store, conn, flt)).order_by(facts.c.id)
        if limit:
            q = q.limit(limit)
        return row_dicts(conn.execute(q))


def iter_find(store: Store, flt: Filters, limit: int | None = None, batch: int = 5_000) -> Iterator[dict[str, Any]]:
    """Facts matching `flt` in id order, like `find`, fetched `batch` rows at a time (a server-side
    cursor on PostgreSQL): memory stays that of one batch however many match. The read
    transaction stays open until the iterator is exhausted or closed.
    """
    with store.read() as conn:
        q = facts_select(conditions(store, conn, flt)).order_by(facts.c.id)
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(q.limit(limit) if limit else q)
        keys = list(result.keys())
        for part in result.partitions(batch):
            yield from (dict(zip(keys, r, strict=True)) for r in part)


def count(store: Store, flt: Filters) -> int:
    """How many facts match `flt`."""
    with store.read() as conn:
        if store.is_sqlite and flt.search and flt == Filters(search=flt.search):
            terms = search_index.parse(flt.search)
            if terms.phrases and not terms.like:  # the index alone answers (the table: 30x slower at 10 M hits)
                match = " AND ".join(search_index.sqlite_match(p) for p in terms.phrases)
                q = select(func.count()).select_from(text(search_index.SQLITE_TABLE)).where(
                    literal_column(search_index.SQLITE_TABLE).op("MATCH")(literal(match)))
                return conn.execute(q).scalar_one()
        where = conditions(store, conn, flt)
        q = select(func.count()).select_from(facts)
        return conn.execute(q.where(and_(*where)) if where else q).scalar_one()


def fact(store: Store, fact_id: int) -> dict[str, Any] | None:
    """One fact with its document's text and metadata (keys: the `COLUMNS`, ``text``, ``path``)."""
    with store.read() as conn:
        q = facts_select([facts.c.id == fact_id]).add_columns(documents.c.text, documents.c.path)
        row = conn.execute(q).mappings().first()
        return dict(row) if row else None


def document(store: Store, doc: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A document (by id, or by name for its current version) and its facts; None if unknown.

    The document's dict has every ``documents`` column and ``sources``: the files with its text."""
    with store.read() as conn:
        q = select(documents)
        q = q.where(documents.c.id == int(doc)) if doc.strip().isdigit() else q.where(
            documents.c.name == doc.strip(), documents.c.is_current)
        row = conn.execute(q.order_by(documents.c.id.desc())).mappings().first()
        if row is None:
            return None
        q = facts_select([facts.c.doc_id == row["id"]], (row["name"], row["date"])).order_by(facts.c.seq)
        meta = dict(row)
        meta["sources"] = [dict(r) for r in conn.execute(
            select(document_sources.c.path, document_sources.c.name, document_sources.c.format,
                   document_sources.c.encoding, document_sources.c.sha256, document_sources.c.added_at)
            .where(document_sources.c.doc_id == row["id"]).order_by(document_sources.c.id)).mappings()]
        return meta, row_dicts(conn.execute(q))


#: What `document_list` gives of each document.
DOCUMENT_COLUMNS = ("id", "name", "title", "version", "date", "place", "place_code", "n_facts", "path", "sources")


def document_list(store: Store) -> list[dict[str, Any]]:
    """Current documents (`DOCUMENT_COLUMNS`); ``sources``: the paths of every file with the
    document's text, its own first, joined by ``; ``."""
    with store.read() as conn:
        q = select(*(documents.c[c] for c in DOCUMENT_COLUMNS[:-1])).where(documents.c.is_current).order_by(
            documents.c.id)
        rows = [dict(r) for r in conn.execute(q).mappings()]
        found: dict[int, list[str]] = {}
        q = (select(document_sources.c.doc_id, document_sources.c.path, document_sources.c.name)
             .join(documents, documents.c.id == document_sources.c.doc_id).where(documents.c.is_current)
             .order_by(document_sources.c.id))
        for doc_id, path, name in conn.execute(q):
            found.setdefault(doc_id, []).append(path or name)
    for row in rows:
        row["sources"] = "; ".join(found.get(row["id"], [row["path"] or row["name"]]))
    return rows


def closest_documents(store: Store, doc: str) -> str:
    """A hint naming the stored documents closest to `doc`."""
    with store.read() as conn:
        names = conn.execute(select(documents.c.name).where(documents.c.is_current)).scalars().all()
    return _suggest(doc, names)
