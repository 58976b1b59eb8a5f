"""Facts a user marked wrong: kept with an optional note and the time, one flag per fact.

A flag holds its fact's id and, for re-ingests that give the facts new ids, the fact's
document path (its name when it has none), type and span; `zhibiao.store.write` links a flag
again to the new fact with that key. Flagged facts are left out of compare, targets and
conflicts, and exported with the ``flagged`` column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from zhibiao.store.db import Store
from zhibiao.store.schema import documents, fact_flags, facts

#: The longest note kept (characters).
MAX_NOTE = 2000


class FlagError(ValueError):
    """A flag that cannot be set: no such fact, or a bad note (one line)."""


def _key(conn: Connection, fact_id: int) -> dict[str, Any]:
    row = conn.execute(select(documents.c.path, documents.c.name, facts.c.type, facts.c.char_start,
                              facts.c.char_end).join(documents, documents.c.id == facts.c.doc_id)
                       .where(facts.c.id == fact_id)).first()
    if row is None:
        raise FlagError(f"no fact {fact_id}")
    return {"doc_key": row.path or row.name, "type": row.type, "char_start": row.char_start or 0,
            "char_end": row.char_end or 0}


def flag_fact(store: Store, fact_id: int, note: str | None = None) -> dict[str, Any]:
    """Mark fact `fact_id` wrong with `note` (replacing an earlier flag's note); the flag as a dict."""
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise FlagError(f"note: {len(note)} characters, over the {MAX_NOTE} kept")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.write() as conn:
        key = _key(conn, fact_id)
        match = [fact_flags.c[k] == v for k, v in key.items()]
        if conn.execute(select(fact_flags.c.id).where(*match)).first() is None:
            conn.execute(insert(fact_flags).values(fact_id=fact_id, note=note, flagged_at=now, **key))
        else:
            conn.execute(update(fact_flags).where(*match).values(fact_id=fact_id, note=note, flagged_at=now))
    return {"fact_id": fact_id, "flagged": True, "note": note, "flagged_at": now}


def clear_flag(store: Store, fact_id: int) -> bool:
    """Remove the flag of fact `fact_id`; whether there was one."""
    with store.write() as conn:
        key = _key(conn, fact_id)
        return bool(conn.execute(delete(fact_flags).where(*(fact_flags.c[k] == v for k, v in key.items())))
                    .rowcount)


def flag_of(store: Store, fact_id: int) -> dict[str, Any] | None:
    """The flag on fact `fact_id` (``note``, ``flagged_at``), None when it is not marked wrong."""
    with store.read() as conn:
        row = conn.execute(select(fact_flags.c.note, fact_flags.c.flagged_at)
                           .where(fact_flags.c.fact_id == fact_id)).first()
    return {"fact_id": fact_id, "flagged": True, "note": row.note, "flagged_at": row.flagged_at} if row else None
