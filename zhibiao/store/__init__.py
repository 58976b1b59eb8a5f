"""The fact base: documents and their facts in SQLite (default) or PostgreSQL.

`open_store` opens or creates one (migrating an older schema); `write_document` stores one
document and its facts in one transaction. Queries live in `zhibiao.analysis.query`.
"""

from zhibiao.store.db import (
    DEFAULT_DB,
    DatabaseLocked,
    NotAFactBase,
    SchemaTooNew,
    Store,
    StoreError,
    open_store,
    resolve_url,
    upgrade,
)

__all__ = [
    "DEFAULT_DB",
    "DatabaseLocked",
    "NotAFactBase",
    "SchemaTooNew",
    "Store",
    "StoreError",
    "open_store",
    "resolve_url",
    "upgrade",
]
