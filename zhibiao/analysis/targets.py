"""Targets and what became of them: each target beside the actual reported for it.

A target (kind ``target``) is matched with the actual reports (kind ``actual``) of the same
place, topic (indicator, or subject when there is none), measure, unit and period, from a
document not older than the target's. The latest exact report wins. A document that gives
several values that cannot all be true under one name (投资5亿元 … 投资6亿元) does not
count: that name is no single quantity there. The status is

- ``met``: the actual reaches the target (at least it; at most it for ceilings: targets
  stated with 不超过/以内/以下, reductions such as 下降3%, and lower-is-better subjects such as
  失业率, 能耗, CPI); an approximate target (5%左右) is met within 2% of it, or 0.1 points
  for percentages;
- ``missed``: it does not;
- ``pending``: no actual has been reported yet.

Facts a user marked wrong (``fact_flags``) count neither as targets nor as actuals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, and_, select

from zhibiao.analysis.compare import PERCENT_UNITS, by_doc, by_recency, consistent
from zhibiao.analysis.query import Filters, conditions, document_labels, ids_in, not_flagged
from zhibiao.store import Store
from zhibiao.store.schema import facts

_LOWER_IS_BETTER = re.compile(r"失业|物价|消费价格|CPI|能耗|水耗|排放|PM2\.5|PM10|负债|亏损|事故|死亡|发生率|贫困|降幅")
APPROX_MET = 0.02
APPROX_MET_POINTS = 0.1


@dataclass
class TargetRow:
    """One target, the actual chosen for it (if any) and the verdict."""

    target: dict[str, Any]
    actual: dict[str, Any] | None
    status: str  # met | missed | pending
    actuals: int  # how many actual reports were found

    @property
    def ceiling(self) -> bool:
        """Whether the target is a maximum (lower is better)."""
        return is_ceiling(self.target)


def is_ceiling(target: dict[str, Any]) -> bool:
    """Whether meeting `target` means staying at or below its value."""
    if target["qualifier"] in ("under", "at_most"):
        return True
    if target["measure"] in ("growth", "change") and (target["value"] or 0) < 0:
        return True
    if target["measure"] == "rank":
        return True
    return bool(_LOWER_IS_BETTER.search(target.get("subject") or ""))


def verdict(target: dict[str, Any], actual: dict[str, Any] | None) -> str:
    """``met``, ``missed`` or ``pending`` (see the module docstring)."""
    if actual is None or actual["value"] is None or target["value"] is None:
        return "pending"
    goal, got = target["value"], actual["value"]
    slack = 0.0
    if target["qualifier"] == "approx":
        slack = max(abs(goal) * APPROX_MET, APPROX_MET_POINTS if target["unit"] in PERCENT_UNITS else 0.0)
    slack += abs(goal) * 1e-9
    if is_ceiling(target):
        return "met" if got <= goal + slack else "missed"
    return "met" if got >= goal - slack else "missed"


_NAMES = ("id", "doc_id", "region", "region_code", "subject", "indicator", "topic", "period", "kind", "measure",
          "value", "unit", "qualifier", "evidence")
#: What is read of each actual of a target to choose among them (numbers only: the pairs of a place
#: over all years run into thousands, and strings are what costs to read); `_NAMES` of the chosen.
_ACTUAL_NAMES = ("id", "doc_id", "value", "qualifier")


def _is_target() -> list[Any]:
    return [facts.c.kind == "target", facts.c.type == "quantity", facts.c.region_code.is_not(None),
            facts.c.topic.is_not(None), facts.c.year_from.is_not(None), not_flagged(facts.c.id)]


def _actuals_of_targets() -> Select[Any]:
    """(target id, the actual's `_ACTUAL_NAMES`) for every actual of a target's key; the
    conditions of a query apply to the targets (``facts``) as written."""
    t, a = facts, facts.alias("a")
    match = and_(a.c.region_code == t.c.region_code, a.c.topic == t.c.topic, a.c.period == t.c.period,
                 a.c.measure == t.c.measure, a.c.unit.is_not_distinct_from(t.c.unit), a.c.kind == "actual",
                 a.c.type == "quantity", not_flagged(a.c.id))
    return select(t.c.id, *(a.c[n] for n in _ACTUAL_NAMES)).select_from(t.join(a, match))


#: Built once: making the aliased statement cost more than running it (5 ms a call). Both run
#: inside ``ix_facts_report`` but for the targets' own rows.
_ACTUALS = _actuals_of_targets()
_WIDE = select(*(facts.c[n] for n in _NAMES))


def _reports(conn: Any, where: list[Any]) -> list[dict[str, Any]]:
    """The `_NAMES` of the facts matching `where` (`labelled` adds their documents' names and dates)."""
    return [dict(zip(_NAMES, values, strict=True)) for values in conn.execute(_WIDE.where(*where)).all()]


def _labelled(reports: list[dict[str, Any]], docs: dict[int, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """`reports` with ``doc`` and ``doc_date``: their document's name and date."""
    for report in reports:
        report["doc"], report["doc_date"] = docs[report["doc_id"]]
    return reports


def _wide_by_id(conn: Any, ids: list[int], docs: dict[int, tuple[str, str | None]]) -> dict[int, dict[str, Any]]:
    """`_reports` of the facts `ids`, labelled, by id."""
    found = _reports(conn, [ids_in(conn, facts.c.id, ids)]) if ids else []
    return {r["id"]: r for r in _labelled(found, docs)}


def _found(pairs: list[Any], by_id: dict[int, dict[str, Any]], docs: dict[int, tuple[str, str | None]]
           ) -> dict[int, list[dict[str, Any]]]:
    """The actuals of each target (by id) from documents not older than the target's own."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for target_id, *values in pairs:
        target = by_id[target_id]
        actual_date = docs[values[1]][1]
        if not (target["doc_date"] and actual_date and actual_date < target["doc_date"]):
            actual = dict(zip(_ACTUAL_NAMES, values, strict=True))
            actual["unit"], actual["doc_date"] = target["unit"], actual_date
            found[target_id].append(actual)
    return found


def _counted(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actuals that count, latest exact first: one per fact, from documents that do not
    contradict themselves."""
    if len(found) == 1:
        return found
    unique = list({a["id"]: a for a in found}.values())
    return by_recency([a for own in by_doc(unique).values() if consistent(own) for a in own])


def _chosen(shown: list[dict[str, Any]], found: dict[int, list[dict[str, Any]]]
            ) -> list[tuple[dict[str, Any], dict[str, Any] | None, int]]:
    """(target, the actual chosen for it or None, how many actuals count), ordered by place,
    period, topic and id (see the module docstring for which actuals count)."""
    shown.sort(key=_DISPLAY_ORDER)  # targets have a place, topic and period (`_is_target`)
    own_keys = [_OWN_KEY(t) for t in shown]
    own_targets: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for key, target in zip(own_keys, shown, strict=True):
        own_targets.setdefault(key, []).append(target)
    # a document that sets several such targets that cannot all hold has none attributable
    unattributable = {key for key, same in own_targets.items() if len(same) > 1 and not consistent(same)}
    out = []
    for key, target in zip(own_keys, shown, strict=True):
        actuals = found.get(target["id"])
        actuals = _counted(actuals) if actuals and key not in unattributable else []
        out.append((target, actuals[0] if actuals else None, len(actuals)))
    return out


_DISPLAY_ORDER = itemgetter("region_code", "period", "topic", "id")
#: A target's key and its document: targets of one document under one key must agree.
_OWN_KEY = itemgetter("region_code", "topic", "period", "measure", "unit", "doc_id")


def targets(store: Store, *, place: str | list[str] | None = None, within: str | None = None,
            period: str | None = None, indicator: str | list[str] | None = None, measure: str | None = None
            ) -> list[TargetRow]:
    """Every target matching the filters, with its actual and status, ordered by place and period."""
    flt = Filters(place=place, within=within, period=period, indicator=indicator, measure=measure)
    with store.read() as conn:
        where = [*conditions(store, conn, flt), *_is_target()]
        pairs = conn.execute(_ACTUALS.where(*where)).all()
        shown = _reports(conn, where)
        docs = document_labels(store, conn, {*(t["doc_id"] for t in shown), *(p[2] for p in pairs)})
        chosen = _chosen(_labelled(shown, docs), _found(pairs, {t["id"]: t for t in shown}, docs))
        actuals = _wide_by_id(conn, sorted({a["id"] for _, a, _ in chosen if a}), docs)
    out = []
    for target, actual, n in chosen:
        shown_actual = actuals[actual["id"]] if actual else None
        out.append(TargetRow(target, shown_actual, verdict(target, shown_actual), n))
    return out


TARGET_COLUMNS = ("region_code", "region", "period", "indicator", "subject", "measure", "unit", "target_value",
                  "target_qualifier", "actual_value", "actual_qualifier", "status", "actuals", "target_fact",
                  "target_doc", "target_evidence", "actual_fact", "actual_doc", "actual_evidence")


def target_records(rows: list[TargetRow]) -> list[dict[str, Any]]:
    """Targets in long form: one dict per target with its actual, status and both sources."""
    out = []
    for row in rows:
        t, a = row.target, row.actual or {}
        out.append({"region_code": t["region_code"], "region": t["region"], "period": t["period"],
                    "indicator": t["indicator"], "subject": t["subject"], "measure": t["measure"], "unit": t["unit"],
                    "target_value": t["value"], "target_qualifier": t["qualifier"], "actual_value": a.get("value"),
                    "actual_qualifier": a.get("qualifier"), "status": row.status, "actuals": row.actuals,
                    "target_fact": t["id"], "target_doc": t["doc"], "target_evidence": t["evidence"],
                    "actual_fact": a.get("id"), "actual_doc": a.get("doc"), "actual_evidence": a.get("evidence")})
    return out
