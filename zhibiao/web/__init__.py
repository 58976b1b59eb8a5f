"""The web app and REST API (``zhibiao serve``): `create_app` builds it over a fact base.

Loaded only by ``zhibiao serve`` and by callers who import it, so the rest of zhibiao does
not need FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from zhibiao.web.app import create_app


def __getattr__(name: str) -> Any:
    """Import `create_app` on first use."""
    if name == "create_app":
        from zhibiao.web.app import create_app

        return create_app
    raise AttributeError(f"module 'zhibiao.web' has no attribute {name!r}")
