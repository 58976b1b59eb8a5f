"""zhibiao: source-grounded facts from Chinese regional economic documents.

``zhibiao.open("zhibiao.db")`` opens a fact base for notebooks (see `zhibiao.analysis.kb`); it is
loaded on first use so that ``import zhibiao`` and the command line stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeBase", "__version__", "open"]

if TYPE_CHECKING:
    from zhibiao.analysis.kb import KnowledgeBase, open

_LAZY = {"KnowledgeBase": "zhibiao.analysis.kb", "open": "zhibiao.analysis.kb"}


def __getattr__(name: str) -> Any:
    """Import the public API on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zhibiao' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Module attributes, the lazy ones included."""
    return sorted(set(globals()) | set(__all__))
