"""Place × period tables (the shape of statistical yearbooks) and conflicts between sources.

Both work on *reports*: quantity facts with the same place, topic (indicator, or subject when
there is none), period, kind, measure and unit, and both decide what contradicts with one
function, `conflict_scope`. Two reports agree when the values they state can both be true:
each value is read as an interval by its qualifier (exact ± 0.05% rounding, 约/左右 ± 5% or
± 0.5 points for percentages, 超/以上 from the value up, 不足/以下 from the value down) and
the intervals overlap. Reports conflict *between documents* when one document states a value
that no report of another agrees with, else *within one document* when a document's own
reports contradict each other. A
subject with no indicator that one document gives several contradicting values for (投资5亿元
… 投资6亿元) names no single quantity there: its reports of that document are left out.
Facts a user marked wrong (``fact_flags``) are left out of both.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import and_, func, select

from zhibiao.analysis.query import (
    Filters,
    conditions,
    document_labels,
    ids_in,
    not_flagged,
    parse_period,
    place_names,
    resolve_indicator,
)
from zhibiao.store import Store
from zhibiao.store.schema import facts

#: Relative slack of an exact value (published rounding: 2323.54 vs 2323.5).
EXACT_SLACK = 5e-4
#: Relative slack of an approximate value (约, 左右), or points for percentages.
APPROX_SLACK = 0.05
APPROX_POINTS = 0.5
PERCENT_UNITS = frozenset({"%", "百分点", "‰"})


def interval(value: float, qualifier: str | None, unit: str | None) -> tuple[float, float]:
    """The values a report with this qualifier is consistent with."""
    exact = abs(value) * EXACT_SLACK
    if qualifier == "approx":
        slack = max(abs(value) * APPROX_SLACK, APPROX_POINTS if unit in PERCENT_UNITS else 0.0)
        return value - slack, value + slack
    if qualifier in ("over", "at_least"):
        return value - exact, math.inf
    if qualifier in ("under", "at_most"):
        return -math.inf, value + exact
    return value - exact, value + exact


def _span(report: dict[str, Any]) -> tuple[float, float]:
    """`interval` of a report; every value for a report without one (it agrees with all)."""
    if report["value"] is None:
        return -math.inf, math.inf
    return interval(report["value"], report["qualifier"], report["unit"])


def agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two reports (dicts with value, qualifier, unit) can both be true."""
    lo1, hi1 = _span(a)
    lo2, hi2 = _span(b)
    return lo1 <= hi2 and lo2 <= hi1


def by_doc(reports: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Reports grouped by document id."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in reports:
        out[r["doc_id"]].append(r)
    return out


def consistent(reports: list[dict[str, Any]]) -> bool:
    """Whether all the reports can be true together: intervals that meet two by two share a
    point, so the highest lower end must not pass the lowest upper end."""
    return len(reports) < 2 or _share_a_point([_span(r) for r in reports])


def _share_a_point(spans: list[tuple[float, float]]) -> bool:
    """Whether intervals that meet two by two all meet: the highest lower end does not pass the lowest upper end."""
    return max(lo for lo, _ in spans) <= min(hi for _, hi in spans)


WITHIN = "within one document"
BETWEEN = "between documents"


def conflict_scope(reports: list[dict[str, Any]]) -> str | None:
    """Whether reports of one thing conflict: `BETWEEN` when a document states a value no report
    of another document agrees with, else `WITHIN` when a document's own reports contradict each
    other (two copies of a report that both do are a conflict within it), else None."""
    spans: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for r in reports:
        spans[r["doc_id"]].append(_span(r))
    for a_id, own in spans.items():
        for b_id, other in spans.items():
            if a_id != b_id and any(not any(lo <= x_hi and x_lo <= hi for lo, hi in other) for x_lo, x_hi in own):
                return BETWEEN
    return WITHIN if not all(_share_a_point(own) for own in spans.values()) else None


def single_quantity(reports: list[dict[str, Any]], topic: str) -> list[dict[str, Any]]:
    """The reports of a topic that name one quantity: for a subject (``~…``), those of the
    documents that do not give it contradicting values themselves (投资5亿元 … 投资6亿元)."""
    if not topic.startswith("~"):
        return reports
    return [r for own in by_doc(reports).values() if consistent(own) for r in own]


def by_recency(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exact values first, then the latest document (by date, then the last stored)."""
    return sorted(reports, key=lambda r: (r["qualifier"] in (None, "exact"), r["doc_date"] or "", r["doc_id"]),
                  reverse=True)  # stable even reversed: reports of one document keep their order


#: What compare reads of each report (all in the index ``ix_facts_measure``, so the table is not read).
_CELL_COLUMNS = ("id", "doc_id", "region_code", "period", "value", "unit", "qualifier")


@dataclass
class Cell:
    """One place and period of a comparison: the value shown and every report behind it."""

    region_code: str
    region: str
    period: str
    value: float
    qualifier: str | None
    unit: str | None
    reports: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def conflict(self) -> str | None:
        """`conflict_scope` of the reports: `WITHIN`, `BETWEEN` or None."""
        return conflict_scope(self.reports)

    @property
    def disagree(self) -> bool:
        """Whether some reports behind the cell contradict each other (conflicts lists them)."""
        return self.conflict is not None

    @cached_property
    def sources(self) -> list[str]:
        """The documents behind the cell, shown one first."""
        return list(dict.fromkeys(r["doc"] for r in self.reports))


@dataclass
class Comparison:
    """A place × period table: cells, row and column order, and the unit."""

    indicator: str
    measure: str
    kind: str
    unit: str | None
    places: list[tuple[str, str]]  # (code, full name), in row order
    periods: list[str]
    cells: dict[tuple[str, str], Cell]
    other_units: dict[str, int] = field(default_factory=dict)  # reports left out: unit → count


def compare(store: Store, indicator: str, *, measure: str = "level", kind: str = "actual",
            place: str | list[str] | None = None, within: str | None = None, periods: str | None = None) -> Comparison:
    """Annual reports of one indicator and measure, by place and year (see `Comparison`)."""
    # only quantities have a measure, so no type condition (it would make SQLite read the table)
    flt = Filters(place=place, within=within, indicator=indicator, measure=measure, kind=kind, period=periods)
    with store.read() as conn:
        where = [*conditions(store, conn, flt), facts.c.period_type == "year", not_flagged(facts.c.id)]
        rows = conn.execute(select(*(facts.c[c] for c in _CELL_COLUMNS)).where(and_(*where))).all()
        units = Counter(r[5] for r in rows)
        unit = max(units, key=lambda u: (units[u], u or "")) if units else None
        rows = [r for r in rows if r[5] == unit and r[2] and r[4] is not None]
        docs = document_labels(store, conn, {r[1] for r in rows})
        names = place_names(store, conn, {r[2] for r in rows})
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for fact_id, doc_id, code, period, value, fact_unit, qualifier in rows:
        doc, doc_date = docs[doc_id]
        groups[(code, period)].append({"id": fact_id, "doc_id": doc_id, "region": names[code], "region_code": code,
                                       "period": period, "value": value, "unit": fact_unit, "qualifier": qualifier,
                                       "doc": doc, "doc_date": doc_date})
    cells = {}
    for key, found in groups.items():
        reports = by_recency(found)
        first = reports[0]
        cells[key] = Cell(key[0], names[key[0]], key[1], first["value"], first["qualifier"], unit, reports)
    shown = {code: names[code] for code, _ in groups}
    return Comparison(resolve_indicator(indicator), measure, kind, unit, _place_order(shown),
                      _period_columns(periods, groups), cells, {str(u): n for u, n in units.items() if u != unit})


def _place_order(names: dict[str, str]) -> list[tuple[str, str]]:
    """Rows by level, then code: a city before its districts, as in yearbooks."""
    from zhibiao.extract.places import gazetteer

    gaz = gazetteer()
    rank = {"country": 0, "province": 1, "prefecture": 2, "county": 3}

    def key(code: str) -> tuple[int, str]:
        place = gaz.by_code(code)
        return (rank.get(place.level, 4) if place else 4, code)

    return [(code, names[code]) for code in sorted(names, key=key)]


def _period_columns(periods: str | None, groups: dict[tuple[str, str], Any]) -> list[str]:
    present = sorted({p for _, p in groups})
    if periods:
        _, lo, hi = parse_period(periods)
        if lo is not None and hi is not None and hi - lo <= 30:
            return [str(y) for y in range(lo, hi + 1)]
    return present


@dataclass
class Conflict:
    """Reports of the same thing that cannot all be true, each with its document and evidence."""

    region_code: str
    region: str
    topic: str
    period: str
    kind: str
    measure: str
    unit: str | None
    reports: list[dict[str, Any]]
    scope: str = BETWEEN  # WITHIN or BETWEEN (`conflict_scope`)


#: What groups reports into one thing (a conflict's key), and what is read of each report to tell
#: whether they contradict; all in ``ix_facts_report``, so the groups are found in the index alone.
_CONFLICT_KEY = ("region_code", "topic", "period", "kind", "measure", "unit")
_CONFLICT_READ = ("id", "doc_id", "value", "qualifier")


def can_conflict() -> list[Any]:
    """Conditions of the facts conflicts are looked for among: quantities, not flagged, with a
    place, topic, years and value."""
    return [facts.c.type == "quantity", facts.c.region_code.is_not(None), facts.c.year_from.is_not(None),
            facts.c.topic.is_not(None), facts.c.value.is_not(None), not_flagged(facts.c.id)]


def candidates(conn: Any, where: list[Any]) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Reports (`_CONFLICT_READ` and unit) of the things whose values differ, by `_CONFLICT_KEY`.

    One grouped pass over the index: each group's reports come back as one JSON array, not as a
    row each joined back to its group (7,861 rows made into Python objects cost more than the
    index read: 107 ms against 49 ms for a place's 1,732 groups at a million facts)."""
    key_cols = [facts.c[n] for n in _CONFLICT_KEY]
    read = [facts.c[n] for n in _CONFLICT_READ]
    sqlite = conn.dialect.name == "sqlite"
    packed = (func.json_group_array(func.json_array(*read)) if sqlite
              else func.json_agg(func.json_build_array(*read)))
    q = (select(*key_cols, packed).where(and_(*where)).group_by(*key_cols)
         .having(func.min(facts.c.value) < func.max(facts.c.value)))
    rows = conn.execute(q).all()
    # SQLite gives each array as JSON text: parsed in one call
    packs = json.loads(f"[{','.join(r[-1] for r in rows)}]") if sqlite else [r[-1] for r in rows]
    found: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row, listed in zip(rows, packs, strict=True):
        unit = row[-2]
        # SQLite's JSON writes 15 digits of a value: enough to tell agreement (its slack is 5e-4
        # of it); the value shown is read exactly with the report's text (`_TEXT_READ`)
        found[tuple(row[:-1])] = [{"id": i, "doc_id": d, "value": float(v), "qualifier": q, "unit": unit}
                                  for i, d, v, q in listed]
    return found


def conflicts(store: Store, flt: Filters | None = None) -> list[Conflict]:
    """Groups of reports whose values contradict each other, within one document or between
    documents (`conflict_scope`: the rule compare marks ≠ by), ordered by place, topic, period,
    kind, measure and unit."""
    flt = flt or Filters()
    with store.read() as conn:
        scoped = {}
        for key, reports in candidates(conn, [*conditions(store, conn, flt), *can_conflict()]).items():
            reports = single_quantity(reports, key[1])
            scope = conflict_scope(reports)
            if scope is not None:
                scoped[key] = (scope, reports)
        ids = sorted(r["id"] for _, reports in scoped.values() for r in reports)
        texts = _texts_by_id(conn, ids)
        docs = document_labels(store, conn, {r["doc_id"] for _, reports in scoped.values() for r in reports})
    out = []
    for key in sorted(scoped, key=_key_order):
        scope, found = scoped[key]
        code, topic, period, kind, measure, unit = key
        reports = by_recency([_shown(key, r, texts[r["id"]], docs[r["doc_id"]])
                              for r in sorted(found, key=itemgetter("id"))])
        out.append(Conflict(code, reports[0]["region"], topic, period, kind, measure, unit, reports, scope))
    return out


def _key_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A conflict key made sortable (no unit sorts first)."""
    return (*key[:5], key[5] is not None, key[5] or "")


#: What is read of a conflict's reports beyond what finding them gave (`_CONFLICT_READ`, their key):
#: they are quantities none of them flagged, so ``type`` and ``flagged`` are known and the project
#: and policy columns empty (the reports of a place's conflicts run into thousands).
_TEXT_READ = ("id", "region", "subject", "value", "evidence", "char_start", "char_end")
_QUANTITY_EMPTY = dict.fromkeys(("name", "status", "investment", "policy", "beneficiary", "condition", "rate", "cap"))


def _texts_by_id(conn: Any, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """`_TEXT_READ` of the facts `ids` (without the id), by id."""
    if not ids:
        return {}
    q = select(*(facts.c[n] for n in _TEXT_READ)).where(ids_in(conn, facts.c.id, ids))
    return {fact_id: rest for fact_id, *rest in conn.execute(q).all()}


def _shown(key: tuple[Any, ...], found: dict[str, Any], texts: tuple[Any, ...], doc: tuple[str, str | None]
           ) -> dict[str, Any]:
    """A conflict's report with the keys `facts_select` gives and its topic: from its key, what
    `candidates` read of it, its `_TEXT_READ` and its document's (name, date)."""
    code, topic, period, kind, measure, unit = key
    region, subject, value, evidence, start, end = texts
    return {"id": found["id"], "doc_id": found["doc_id"], "doc": doc[0], "doc_date": doc[1], "type": "quantity",
            "region": region, "region_code": code, "subject": subject,
            "indicator": None if topic.startswith("~") else topic, "period": period, "kind": kind,
            "measure": measure, "value": value, "unit": unit, "qualifier": found["qualifier"],
            **_QUANTITY_EMPTY, "evidence": evidence, "start": start, "end": end, "flagged": False, "topic": topic}


def cell_records(cmp: Comparison) -> list[dict[str, Any]]:
    """A comparison in long form: one dict per filled cell."""
    out = []
    for (code, period), cell in sorted(cmp.cells.items()):
        out.append({"region_code": code, "region": cell.region, "period": period, "indicator": cmp.indicator,
                    "measure": cmp.measure, "kind": cmp.kind, "value": cell.value, "qualifier": cell.qualifier,
                    "unit": cell.unit, "disagree": cell.disagree, "conflict": cell.conflict,
                    "reports": len(cell.reports),
                    "sources": "; ".join(cell.sources), "fact_id": cell.reports[0]["id"]})
    return out


def wide_records(cmp: Comparison) -> tuple[list[str], list[dict[str, Any]]]:
    """A comparison as rows of place × period values (columns, rows), as in yearbooks."""
    columns = ["region_code", "region", *cmp.periods]
    rows = []
    for code, name in cmp.places:
        row: dict[str, Any] = {"region_code": code, "region": name}
        for period in cmp.periods:
            cell = cmp.cells.get((code, period))
            row[period] = cell.value if cell else None
        rows.append(row)
    return columns, rows


CONFLICT_COLUMNS = ("group", "scope", "region_code", "region", "topic", "period", "kind", "measure", "unit", "value",
                    "qualifier", "doc_id", "doc", "doc_date", "fact_id", "evidence")


def conflict_records(groups: list[Conflict]) -> list[dict[str, Any]]:
    """Conflicts in long form: one dict per report, numbered by group."""
    out = []
    for n, g in enumerate(groups, 1):
        for r in g.reports:
            out.append({"group": n, "scope": g.scope, "region_code": g.region_code, "region": g.region,
                        "topic": g.topic, "period": g.period, "kind": g.kind, "measure": g.measure, "unit": g.unit,
                        "value": r["value"], "qualifier": r["qualifier"], "doc_id": r["doc_id"], "doc": r["doc"],
                        "doc_date": r["doc_date"], "fact_id": r["id"], "evidence": r["evidence"]})
    return out
