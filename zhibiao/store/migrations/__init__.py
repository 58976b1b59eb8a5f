"""Alembic migrations of the fact base (run through `zhibiao.store.db`)."""
