"""PostgreSQL: a document's facts loaded with ``COPY facts (…) FROM STDIN`` (psycopg 3).

COPY runs on the DBAPI connection under the SQLAlchemy `Connection` the document is being
written with, so it is part of that document's one transaction: the document row, its facts
and its places commit together or not at all. Values go through psycopg's text dumpers,
which the server parses by column type exactly as it parses INSERT parameters (NULL stays
NULL, floats keep every bit, strings are escaped; a boolean is written ``true``/``false``, as
INSERT stores one that lands in a text column). A row the table refuses (a NULL in a
NOT NULL column, a string too long) raises the same SQLAlchemy exception as an INSERT would
(`sqlalchemy.exc.IntegrityError`, `DataError`, …), so callers handle both paths alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from zhibiao.store.schema import facts


def copy_columns(row: dict[str, Any]) -> list[str]:
    """The ``facts`` columns a row sets, in table order (``id`` and unset columns keep their defaults)."""
    return [c.name for c in facts.columns if c.name in row]


def copy_statement(conn: Connection, columns: Sequence[str]) -> str:
    """``COPY facts (…) FROM STDIN`` for `columns`, names quoted where PostgreSQL needs it."""
    quote = conn.dialect.identifier_preparer.quote
    return f"COPY {quote(facts.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


@cache
def _bool_dumper() -> type:
    from psycopg.adapt import Dumper

    class BoolAsWord(Dumper):
        """``true``/``false``: PostgreSQL's text form of a boolean (psycopg's own COPY dumper writes ``t``)."""

        def dump(self, obj: bool) -> bytes:
            return b"true" if obj else b"false"

    return BoolAsWord


def copy_facts(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` (``facts`` rows, all with the same keys) with COPY inside `conn`'s transaction.

    Returns the number of rows written. `conn` must be a PostgreSQL (psycopg 3) connection.
    """
    if not rows:
        return 0
    columns = copy_columns(rows[0])
    return copy_values(conn, columns, [[row[c] for c in columns] for row in rows])


def copy_values(conn: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (value sequences in the order of `columns`) with COPY inside `conn`'s
    transaction; the number of rows written."""
    import psycopg

    statement = copy_statement(conn, columns)
    driver = conn.connection.driver_connection
    try:
        with driver.cursor() as cur:
            cur.adapters.register_dumper(bool, _bool_dumper())
            with cur.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
    except psycopg.Error as err:
        # the SQLAlchemy exception an INSERT would have raised; the transaction is rolled back by the caller
        raise DBAPIError.instance(statement, None, err, psycopg.Error, dialect=conn.dialect) from err
    return len(rows)
