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
from typing import Any

from sqlalchemy import Select, and_, select

from zhibiao.analysis.compare import PERCENT_UNITS, by_doc, by_recency, consistent
from zhibiao.analysis.query import Filters, conditions, document_labels, not_flagged
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


def _key(fact: dict[str, Any]) -> tuple[Any, ...]:
    return (fact["region_code"], fact["topic"], fact["period"], fact["measure"], fact["unit"])


_NAMES = ("id", "doc_id", "region", "region_code", "subject", "indicator", "topic", "period", "kind", "measure",
          "value", "unit", "qualifier", "evidence")


def _columns(alias: Any, prefix: str) -> list[Any]:
    return [alias.c[n].label(prefix + n) for n in _NAMES]


def _pairs() -> Select[Any]:
    """Targets (``facts``, so that query conditions apply to them as written) with every actual
    (``a``) of the same key; filtered later."""
    t, a = facts, facts.alias("a")
    match = and_(a.c.topic == t.c.topic, a.c.region_code == t.c.region_code, a.c.period == t.c.period,
                 a.c.measure == t.c.measure, a.c.kind == "actual", a.c.type == "quantity",
                 a.c.unit.is_not_distinct_from(t.c.unit), not_flagged(a.c.id))
    # no ORDER BY: sorting the pairs' wide rows cost SQLite 1 ms of 5; the targets are sorted after
    return select(*_columns(t, "t_"), *_columns(a, "a_")).select_from(t.outerjoin(a, match))


#: Built once: making the aliased statement cost more than running it (5 ms a call).
_PAIRS = _pairs()


def _report(values: Any, docs: dict[int, tuple[str, str | None]]) -> dict[str, Any]:
    report = dict(zip(_NAMES, values, strict=True))
    report["doc"], report["doc_date"] = docs[report["doc_id"]]
    return report


def targets(store: Store, *, place: str | list[str] | None = None, within: str | None = None,
            period: str | None = None, indicator: str | list[str] | None = None, measure: str | None = None
            ) -> list[TargetRow]:
    """Every target matching the filters, with its actual and status, ordered by place and period."""
    flt = Filters(place=place, within=within, period=period, indicator=indicator, measure=measure)
    with store.read() as conn:
        where = conditions(store, conn, flt)
        rows = conn.execute(_PAIRS.where(*where, facts.c.kind == "target", facts.c.type == "quantity",
                                         facts.c.region_code.is_not(None), facts.c.topic.is_not(None),
                                         facts.c.year_from.is_not(None), not_flagged(facts.c.id))).all()
        half = len(_NAMES)
        docs = document_labels(store, conn, {r[1] for r in rows} | {r[half + 1] for r in rows if r[half] is not None})
    out: list[TargetRow] = []
    by_target: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for r in rows:
        entry = by_target.get(r[0])
        if entry is None:
            entry = by_target[r[0]] = (_report(r[:half], docs), [])
        if r[half] is not None:
            actual = _report(r[half:], docs)
            target = entry[0]
            if not (target["doc_date"] and actual["doc_date"] and actual["doc_date"] < target["doc_date"]):
                entry[1].append(actual)
    own_targets: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for target, _ in by_target.values():
        own_targets[(*_key(target), target["doc_id"])].append(target)
    attributable = {key: consistent(found) for key, found in own_targets.items()}
    in_order = sorted(by_target.values(), key=lambda e: (e[0]["region_code"], e[0]["period"] or "", e[0]["topic"],
                                                         e[0]["id"]))
    for target, found in in_order:
        actuals = []
        if attributable[(*_key(target), target["doc_id"])]:  # not when its document sets several such targets
            unique = {a["id"]: a for a in found}.values()
            actuals = [a for own in by_doc(list(unique)).values() if consistent(own) for a in own]
        actuals = by_recency(actuals)
        chosen = actuals[0] if actuals else None
        out.append(TargetRow(target, chosen, verdict(target, chosen), len(actuals)))
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
