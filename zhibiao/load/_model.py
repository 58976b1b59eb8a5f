"""Data model of the load stage: `Document`, `Table`, `LoadError` and a text builder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")


def one_line(s: str, limit: int = 300) -> str:
    """`s` on one line (newlines folded to spaces), cut to `limit` characters."""
    s = _ONE_LINE.sub(" ", str(s)).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


class LoadError(Exception):
    """One file could not be loaded; ``str(err) == f"{path}: {reason}"`` (one line)."""

    path: str
    reason: str

    def __init__(self, path: str, reason: str) -> None:
        """Record the file (`path`, as the caller named it) and why it failed (`reason`)."""
        self.path = one_line(str(path), 1000)
        self.reason = one_line(reason)
        super().__init__(f"{self.path}: {self.reason}")

    def __reduce__(self) -> tuple[type[LoadError], tuple[str, str]]:
        """Pickle support, so errors can cross process boundaries."""
        return (LoadError, (self.path, self.reason))


@dataclass
class Table:
    """A table found in the document.

    `start`/`end` span the whole table in `Document.text` (one row per line, cells separated
    by a tab); `rows[i][j]` is the ``(start, end)`` span of one cell, so
    ``text[start:end]`` is the cell's text (empty cells have ``start == end``).
    """

    start: int
    end: int
    rows: list[list[tuple[int, int]]] = field(default_factory=list)


@dataclass
class Document:
    """A loaded document: the text all offsets refer to, plus metadata and tables."""

    name: str
    text: str
    format: str
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    path: str | None = None


_CELL_WS = re.compile(r"[\t\r\n\x0b\x0c]+")


def clean_cell(s: str) -> str:
    """A table cell's text on one line without tabs (so rows stay tab-separated)."""
    return _CELL_WS.sub(" ", s).strip()


class TextBuilder:
    """Accumulates lines of text and the offsets of tables written into it.

    Lines are separated by a single ``"\\n"``; there is no trailing newline.
    """

    def __init__(self) -> None:
        """Start with empty text."""
        self._parts: list[str] = []
        self._len = 0
        self.tables: list[Table] = []

    @property
    def pos(self) -> int:
        """Length of the text written so far."""
        return self._len

    def _write(self, s: str) -> None:
        self._parts.append(s)
        self._len += len(s)

    def line(self, s: str) -> tuple[int, int]:
        """Append one line (which may itself contain newlines); return its span."""
        if self._len:
            self._write("\n")
        start = self._len
        self._write(s)
        return start, self._len

    def table(self, rows: list[list[str]]) -> Table | None:
        """Append a table, one row per line, cells tab-separated; record and return it.

        Cells are cleaned with `clean_cell`; rows whose cells are all empty are dropped and
        trailing empty cells are trimmed. Returns None (and writes nothing) for an empty table.
        """
        clean_rows: list[list[str]] = []
        for row in rows:
            cells = [clean_cell(c) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                clean_rows.append(cells)
        if not clean_rows:
            return None
        spans: list[list[tuple[int, int]]] = []
        table_start = -1
        for cells in clean_rows:
            if self._len:
                self._write("\n")
            if table_start < 0:
                table_start = self._len
            row_spans = []
            for j, cell in enumerate(cells):
                if j:
                    self._write("\t")
                start = self._len
                self._write(cell)
                row_spans.append((start, self._len))
            spans.append(row_spans)
        table = Table(start=table_start, end=self._len, rows=spans)
        self.tables.append(table)
        return table

    def text(self) -> str:
        """The text written so far."""
        return "".join(self._parts)
