"""The Python API for notebooks: a fact base whose answers are pandas DataFrames.

>>> import zhibiao
>>> kb = zhibiao.open("zhibiao.db")                      # or "postgresql://…"
>>> kb.facts(place="广州市南沙区", indicator="gdp")        # tidy: one row per fact
>>> kb.compare("gdp", measure="growth", within="广州市", periods="2019:2025")  # place × year
>>> kb.targets(place="广州市南沙区")                       # each target, its actual, met/missed/pending

Filters take the same values as the command line (names, aliases or codes; ``2019-2025``);
unknown names raise `zhibiao.analysis.query.QueryError` naming the closest known ones.

Columns have one dtype whatever the rows: ids, offsets and counts nullable ``Int64``, values
``float64`` (NaN when missing), text ``string``, ``disagree`` ``boolean``; a column no row fills
is still typed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zhibiao.analysis.query import COLUMNS, Filters

#: Columns of whole numbers (ids, offsets, counts): nullable Int64, never float because one is missing.
_INTS = frozenset({"id", "doc_id", "start", "end", "fact_id", "target_fact", "actual_fact", "actuals", "reports",
                   "group", "version", "n_facts"})
#: Columns of measured values: float64, NaN when missing.
_FLOATS = frozenset({"value", "investment", "rate", "cap", "target_value", "actual_value"})

if TYPE_CHECKING:
    import pandas as pd

    from zhibiao.store import Store
    from zhibiao.store.ingest import Summary


class KnowledgeBase:
    """An open fact base (SQLite file or PostgreSQL database)."""

    def __init__(self, store: Store) -> None:
        """Wrap an open `zhibiao.store.Store`; `zhibiao.open` is the usual way in."""
        self.store = store

    def __repr__(self) -> str:
        """``KnowledgeBase('zhibiao.db')``."""
        return f"KnowledgeBase({self.store.where!r})"

    def facts(self, place: str | list[str] | None = None, indicator: str | list[str] | None = None, *,
              within: str | None = None, period: str | None = None, kind: str | None = None,
              measure: str | None = None, type: str | None = None, search: str | None = None,
              doc: int | None = None, limit: int | None = None) -> pd.DataFrame:
        """Facts matching every filter given, one row per fact (columns: `zhibiao.analysis.query.COLUMNS`)."""
        from zhibiao.analysis.query import find

        flt = Filters(place=place, within=within, indicator=indicator, period=period, kind=kind, measure=measure,
                      type=type, search=search, doc=doc)
        return _frame(find(self.store, flt, limit), COLUMNS)

    def compare(self, indicator: str, measure: str = "level", *, kind: str = "actual",
                place: str | list[str] | None = None, within: str | None = None, periods: str | None = None,
                tidy: bool = False, display: bool = False) -> pd.DataFrame:
        """Values by place (rows, full names) and year (columns); ``tidy=True`` gives one row per cell
        (with its ``qualifier``, ``disagree`` and sources).

        The wide frame holds numbers in the stored unit; its ``attrs`` hold the unit, the cells
        whose sources disagree, and the qualifier of every cell that is not exact. ``display=True``
        gives the cells as text as reported instead (``>2,800``: over 2,800; ``≈`` about, ``≥`` at
        least, ``≠`` sources disagree) in the unit of ``attrs["unit"]`` (亿元 rather than 元).
        """
        import pandas as pd

        from zhibiao.analysis.compare import cell_records, compare

        cmp = compare(self.store, indicator, measure=measure, kind=kind, place=place, within=within, periods=periods)
        if tidy:
            return _frame(cell_records(cmp), ("region_code", "region", "period", "indicator", "measure", "kind",
                                              "value", "qualifier", "unit", "disagree", "reports", "sources",
                                              "fact_id"))
        frame = pd.DataFrame(index=pd.Index([name for _, name in cmp.places], dtype="string", name="region"),
                             columns=cmp.periods, dtype=float)
        for (_code, period), cell in cmp.cells.items():
            frame.loc[cell.region, period] = cell.value
        unit = cmp.unit
        if display:
            frame, unit = _as_reported(cmp, frame.index)
        frame.attrs = {
            "indicator": cmp.indicator, "measure": cmp.measure, "kind": cmp.kind, "unit": unit,
            "disagree": [(c.region, p) for (_, p), c in cmp.cells.items() if c.disagree],
            "qualifiers": {(c.region, p): c.qualifier for (_, p), c in cmp.cells.items()
                           if c.qualifier not in (None, "exact")},
        }
        return frame

    def targets(self, place: str | list[str] | None = None, *, within: str | None = None, period: str | None = None,
                indicator: str | list[str] | None = None, measure: str | None = None) -> pd.DataFrame:
        """Each target with the actual reported for it, ``status`` met/missed/pending, both sources."""
        from zhibiao.analysis.targets import TARGET_COLUMNS, target_records, targets

        rows = targets(self.store, place=place, within=within, period=period, indicator=indicator, measure=measure)
        return _frame(target_records(rows), TARGET_COLUMNS)

    def conflicts(self, place: str | list[str] | None = None, indicator: str | list[str] | None = None, *,
                  within: str | None = None, period: str | None = None) -> pd.DataFrame:
        """Reports that contradict each other, one row per report, numbered by ``group``."""
        from zhibiao.analysis.compare import CONFLICT_COLUMNS, conflict_records, conflicts

        groups = conflicts(self.store, Filters(place=place, within=within, indicator=indicator, period=period))
        return _frame(conflict_records(groups), CONFLICT_COLUMNS)

    def documents(self) -> pd.DataFrame:
        """The current documents: id, name, version, date, place, number of facts, path."""
        from zhibiao.analysis.query import document_list

        return _frame(document_list(self.store), ("id", "name", "version", "date", "place", "n_facts", "path"))

    def fact(self, fact_id: int) -> dict[str, Any] | None:
        """One fact with its document's text (``text[start:end] == evidence``)."""
        from zhibiao.analysis.query import fact

        return fact(self.store, fact_id)

    def ingest(self, *paths: str | os.PathLike[str], date: str | None = None, force: bool = False,
               workers: int | None = None) -> Summary:
        """Ingest files, folders or glob patterns (see `zhibiao.store.ingest.ingest`)."""
        from zhibiao.store.ingest import ingest

        return ingest(self.store, [os.fspath(p) for p in paths], date=date, force=force, workers=workers)

    def close(self) -> None:
        """Close the database connections."""
        self.store.close()

    def __enter__(self) -> KnowledgeBase:
        """Use in a ``with`` block; closed at its end."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close."""
        self.close()


def open(db: str | os.PathLike[str] | None = None, *, create: bool = False) -> KnowledgeBase:
    """Open the fact base at a path or URL (default: ``ZHIBIAO_DB``, else ``./zhibiao.db``).

    With ``create=True`` a missing SQLite file is created (empty, at the newest schema).
    """
    from zhibiao.store import open_store

    return KnowledgeBase(open_store(db, create=create))


def _frame(records: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """`records` as a frame of `columns`, each with its dtype (see the module's docstring)."""
    import pandas as pd

    frame = pd.DataFrame(records, columns=list(columns))
    types = {col: "Int64" if col in _INTS else "float64" if col in _FLOATS else "boolean" if col == "disagree"
             else "string" for col in frame.columns}
    return frame.astype(types)


def _as_reported(cmp: Any, index: pd.Index) -> tuple[pd.DataFrame, str]:
    """A comparison's cells as text as reported (qualifier marks, ≠), and the unit they are in."""
    import pandas as pd

    from zhibiao.analysis import views

    values = [c.value for c in cmp.cells.values()]
    factor, unit = views.scale_for(cmp.unit, values) if cmp.measure == "level" else (1.0, cmp.unit or "")
    frame = pd.DataFrame(index=index, columns=cmp.periods, dtype="string")
    for (_code, period), cell in cmp.cells.items():
        mark = views.QUALIFIER_MARK.get(cell.qualifier or "", "")
        frame.loc[cell.region, period] = (f"{mark}{views.number(cell.value / factor)}"
                                          f"{' ' + views.DISAGREE_MARK if cell.disagree else ''}")
    return frame, unit
