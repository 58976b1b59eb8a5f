"""zhibiao: source-grounded facts from Chinese regional economic documents."""

__version__ = "0.1.0"
