"""Extractor records → ``facts`` rows, and the derived columns (periods, topic, search).

Kept free of database code so migrations can backfill derived columns with the same rules.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from zhibiao.store.fts import bigrams, place_token

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
_PERIOD_TYPES = (
    (re.compile(r"\d{4}"), "year"),
    (re.compile(r"\d{4}H[12]"), "half"),
    (re.compile(r"\d{4}Q[1-4]"), "quarter"),
    (re.compile(r"\d{4}-\d{2}"), "month"),
    (re.compile(r"\d{4}-\d{2}/\d{4}-\d{2}"), "months"),
    (re.compile(r"\d{4}/\d{4}"), "years"),
)

#: Record fields copied as they are (the record's name → the column's name).
COPIED = {
    "type": "type", "region": "region", "region_code": "region_code", "subject": "subject",
    "indicator": "indicator", "period": "period", "kind": "kind", "measure": "measure",
    "unit": "unit", "qualifier": "qualifier", "name": "name", "status": "status",
    "policy": "policy", "beneficiary": "beneficiary", "condition": "condition", "evidence": "evidence",
    "start": "char_start", "end": "char_end",
}
#: What `text_hash` leaves out: all but letters and digits (``_`` is a word character to ``\w``).
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBERS = {"value": "value", "investment": "investment", "rate": "rate", "cap": "cap"}


def period_fields(period: str | None) -> tuple[str | None, int | None, int | None]:
    """``(period_type, year_from, year_to)`` of a period string of shared/spec/facts.md.

    ``2023`` → year; ``2024H1`` → half; ``2024Q1`` → quarter; ``2024-03`` → month;
    ``2020-01/2020-07`` → months; ``2016/2019`` → years; ``unknown`` or anything else → no years.
    """
    if not period or period == "unknown":
        return ("unknown" if period else None), None, None
    kind = next((name for pattern, name in _PERIOD_TYPES if pattern.fullmatch(period)), "other")
    years = [int(y) for y in _YEAR.findall(period)]
    if not years:
        return kind, None, None
    return kind, min(years), max(years)


def topic(indicator: str | None, subject: str | None, name: str | None = None) -> str | None:
    """What a fact measures, for matching across documents: the indicator id, else ``~subject``."""
    if indicator:
        return indicator
    what = subject or name
    return f"~{what}" if what else None


def search_text(rec: dict[str, Any]) -> str:
    """The bigram shadow column of a record: its subject or name, policy, beneficiary, evidence,
    and its place's token (`zhibiao.store.fts.place_token`)."""
    tokens = bigrams(rec.get("subject"), rec.get("name"), rec.get("policy"), rec.get("beneficiary"),
                     rec.get("evidence"))
    place = place_token(rec.get("region_code"))
    return f"{tokens} {place}".lstrip() if place else tokens


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def fact_row(rec: dict[str, Any], doc_id: int, seq: int) -> dict[str, Any]:
    """The ``facts`` row of one extractor record (every field, offsets and derived columns)."""
    row: dict[str, Any] = {"doc_id": doc_id, "seq": seq}
    for key, column in COPIED.items():
        value = rec.get(key)
        row[column] = None if value is None else (value if isinstance(value, int) else str(value))
    for key, column in _NUMBERS.items():
        row[column] = _number(rec.get(key))
    row["period_type"], row["year_from"], row["year_to"] = period_fields(rec.get("period"))
    row["topic"] = topic(rec.get("indicator"), rec.get("subject"), rec.get("name"))
    row["search"] = search_text(rec)
    return row


def text_hash(body: str) -> str:
    """SHA-256 of a document's text as read, not as typed or encoded: NFKC, letters and digits
    only (no whitespace, punctuation or symbols), so the same report as .txt, .html, GBK or UTF-8
    hashes alike."""
    kept = _NOT_WORD.sub("", unicodedata.normalize("NFKC", body))
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()
