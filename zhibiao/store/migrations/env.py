"""Alembic environment: runs on the connection `zhibiao.store.db` hands over (no alembic.ini).

``render_as_batch`` lets SQLite (which has almost no ALTER) take column changes by
move-and-copy; ``include_object`` hides the full-text tables, triggers and index, which
autogenerate would otherwise propose to drop.
"""

from __future__ import annotations

from alembic import context

from zhibiao.store.fts import include_object
from zhibiao.store.schema import metadata


def run_migrations_online() -> None:
    """Migrate on the caller's connection, inside its transaction."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
