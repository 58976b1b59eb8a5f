"""The JSON API under ``/api``: the fact base's queries over HTTP.

Filters take what the command line takes (place names, aliases, full names or codes;
``within``; indicator ids or names; ``2023`` or ``2019:2025``). Answers are
``{"ok": true, …}``; errors are ``{"ok": false, "status": N, "error": "one line"}`` (400 for a
filter the fact base cannot answer, naming the closest known names; 404 for an unknown id).
Lists of facts are paged by id: pass ``next`` back as it came to get the following page.
Tables also come as CSV (UTF-8 with BOM, for Excel) or XLSX (with a notes sheet) with
``format=csv`` / ``format=xlsx``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from zhibiao.analysis.query import COLUMNS, Filters
from zhibiao.store import Store
from zhibiao.web import data
from zhibiao.web.app import UTF8JSON, Settings, request_token

router = APIRouter(prefix="/api", tags=["api"])

Format = Literal["json", "csv", "xlsx"]
PlaceQ = Annotated[list[str] | None, Query(description="Place name, alias, full name or 6-digit code (repeatable).")]
WithinQ = Annotated[str | None, Query(description="A place and every place below it: 广州市.")]
IndicatorQ = Annotated[list[str] | None, Query(description="Indicator id or any of its names: gdp, 地区生产总值 "
                                                           "(repeatable).")]
PeriodQ = Annotated[str | None, Query(description="2023, 2024H1, 2024Q1, 2020-01/2020-07, or a range 2019:2025.")]
FormatQ = Annotated[Format, Query(description="json (default), csv (UTF-8 with BOM) or xlsx (with a notes sheet).")]
_SAFE_FILE = re.compile(r"[^A-Za-z0-9_.-]+")


def _store(request: Request) -> Store:
    return request.app.state.store


def _described(request: Request) -> str:
    return f"GET {request.url.path}" + (f"?{request.url.query}" if request.url.query else "")


def table(request: Request, rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, name: str, *,
          sheet: str, doc_ids: set[int] | None = None, extra: dict[str, str] | None = None) -> Response:
    """`rows` as a CSV or XLSX download named `name` (the caller answers JSON itself)."""
    from zhibiao.analysis import export

    filename = _SAFE_FILE.sub("-", name).strip("-") or "zhibiao"
    headers = {"Content-Disposition": f'attachment; filename="{filename}.{fmt}"', **(extra or {})}
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        export.write_csv(rows, columns, out)
        return Response(out.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)
    store = _store(request)
    sources = export.sources(store, doc_ids) if doc_ids else []
    with tempfile.TemporaryDirectory(prefix="zhibiao-xlsx-") as folder:
        path = Path(folder) / "table.xlsx"
        export.write(rows, columns, "xlsx", path, sources=sources, query=_described(request), sheet=sheet[:31])
        body = path.read_bytes()
    return Response(body, headers=headers,
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _next_url(request: Request, token: str | None) -> str | None:
    if token is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "next"] + [("next", token)]
    from urllib.parse import urlencode

    return f"{request.url.path}?{urlencode(params)}"


def _after(token: str | None) -> int | None:
    if token is None or token == "":
        return None
    if not token.isdigit():
        raise HTTPException(400, f"bad next token {token!r}: pass back the 'next' value of the previous page")
    return int(token)


@router.get("", summary="The library at a glance")
def index(request: Request) -> UTF8JSON:
    """Documents, facts by type, places and years in the fact base, and where the API starts."""
    from zhibiao import __version__

    summary = request.app.state.cache.get("library", lambda: data.library(_store(request)))
    return UTF8JSON({"ok": True, "version": __version__, "library": summary,
                     "read_only": request.app.state.settings.token is None,
                     "endpoints": sorted(r.path for r in router.routes)})  # type: ignore[attr-defined]


@router.get("/facts", summary="Facts matching every filter, paged")
def facts(request: Request, place: PlaceQ = None, within: WithinQ = None, indicator: IndicatorQ = None,
          period: PeriodQ = None,
          kind: Annotated[Literal["actual", "target"] | None, Query()] = None,
          measure: Annotated[Literal["level", "growth", "change", "share", "rank", "rate"] | None, Query()] = None,
          type: Annotated[Literal["quantity", "project", "policy"] | None, Query()] = None,
          search: Annotated[str | None, Query(description="Words in the subject or evidence (all must occur).")
                            ] = None,
          doc: Annotated[int | None, Query(description="Only this document id.")] = None,
          value_min: Annotated[float | None, Query(description="Figures at least this (in their unit).")] = None,
          value_max: Annotated[float | None, Query(description="Figures at most this (in their unit).")] = None,
          unit: Annotated[str | None, Query(description="Only figures in this unit: 亿元, %.")] = None,
          qualifier: Annotated[Literal[data.QUALIFIERS] | None,  # type: ignore[valid-type]
                               Query(description="exact (none), approx, over, under, at_least, at_most.")] = None,
          sort: Annotated[str | None, Query(description="Order by " + ", ".join(data.SORTS) + "; -name: "
                                                         "descending (pages by number, with page).")] = None,
          page: Annotated[int | None, Query(ge=1, description="Page number (from 1) instead of the next token; "
                                                                "answers the total.")] = None,
          size: Annotated[int, Query(ge=1, le=data.MAX_PAGE, description="Rows per page.")] = data.PAGE_SIZE,
          next: Annotated[str | None, Query(description="The 'next' token of the previous page.")] = None,
          count: Annotated[bool, Query(description="Also count every match (costs a scan on large bases).")] = False,
          format: FormatQ = "json",
          money: Annotated[Literal["元", "万元", "亿元"] | None, Query(
              description="With format=csv or xlsx: money in 万元 or 亿元 instead of 元.")] = None) -> Response:
    """Facts in id order: ``rows`` (the columns of `zhibiao query`), ``next`` and ``next_url`` while more follow.

    With ``sort`` or ``page``: the page of that number in that order, with ``total`` and ``pages``
    (the web page's JSON link). With ``format=csv`` or ``xlsx`` every match (up to 100,000 rows,
    in ``sort`` order) comes as one file.
    """
    store = _store(request)
    flt = Filters(place=place, within=within, indicator=indicator, period=period, kind=kind, measure=measure,
                  type=type, search=search, doc=doc)
    refine = data.Refine(value_min=value_min, value_max=value_max, unit=unit or None, qualifier=qualifier)
    from zhibiao.analysis.export import in_unit

    if format != "json" and (sort or refine != data.Refine()):
        rows, more = data.sorted_facts(store, flt, refine, sort=sort)
        rows = list(in_unit(rows, money))
        extra = {"X-Zhibiao-Truncated": str(data.DOWNLOAD_LIMIT)} if more else None
        return table(request, rows, COLUMNS, format, "zhibiao-facts", sheet="facts",
                     doc_ids={r["doc_id"] for r in rows}, extra=extra)
    if format == "json" and (sort or page or refine != data.Refine()):
        rows, total = data.browse(store, flt, refine, sort=sort, page=page or 1, size=size)
        return UTF8JSON({"ok": True, "rows": rows, "size": len(rows), "page": page or 1, "total": total,
                         "pages": max(1, -(-total // size))})
    if format != "json":
        rows, more = data.all_facts(store, flt)
        rows = list(in_unit(rows, money))
        extra = {"X-Zhibiao-Truncated": str(data.DOWNLOAD_LIMIT)} if more else None
        return table(request, rows, COLUMNS, format, "zhibiao-facts", sheet="facts",
                     doc_ids={r["doc_id"] for r in rows}, extra=extra)
    rows, last = data.facts_page(store, flt, after=_after(next), size=size)
    token = None if last is None else str(last)
    body: dict[str, Any] = {"ok": True, "rows": rows, "size": len(rows), "next": token,
                            "next_url": _next_url(request, token)}
    if count:
        from zhibiao.analysis.query import count as count_facts

        body["total"] = count_facts(store, flt)
    return UTF8JSON(body)


@router.get("/facts/{fact_id}", summary="One fact with its sentence")
def fact(request: Request, fact_id: int) -> UTF8JSON:
    """A fact, its sentence in context (``before``, ``evidence``, ``after``), reports of the same
    place, indicator and period in other documents, and ``flag`` (note, time) when it is marked wrong."""
    from zhibiao.analysis import views
    from zhibiao.analysis.query import fact as get_fact

    store = _store(request)
    row = get_fact(store, fact_id)
    if row is None:
        raise HTTPException(404, f"no fact {fact_id}")
    text = row.pop("text")
    before, span, after = views.context(text, row["start"], row["end"])
    key = data.fact_topic(store, fact_id) or {}
    prev, nxt = data.neighbours(store, key) if key else (None, None)
    from zhibiao.store.flags import flag_of

    return UTF8JSON({"ok": True, "fact": row, "flag": flag_of(store, fact_id),
                     "context": {"before": before, "evidence": span, "after": after},
                     "same_elsewhere": data.same_reports(store, key) if key else [],
                     "previous": prev, "next": nxt})


@router.get("/documents", summary="The documents")
def documents(request: Request, format: FormatQ = "json") -> Response:
    """Current documents: id, name, title, version, date, place (name and code), number of facts, path,
    and ``sources``: every file with the document's text (the same report as .txt and .html)."""
    from zhibiao.analysis.query import DOCUMENT_COLUMNS, document_list

    rows = document_list(_store(request))
    if format != "json":
        return table(request, rows, DOCUMENT_COLUMNS, format, "zhibiao-documents", sheet="documents")
    return UTF8JSON({"ok": True, "rows": rows})


@router.get("/documents/{doc_id}", summary="A document and its facts")
def document(request: Request, doc_id: int,
             text: Annotated[bool, Query(description="Include the document's text (what start/end point into).")
                             ] = False,
             format: FormatQ = "json") -> Response:
    """A document's metadata and every fact in document order (CSV/XLSX: the facts)."""
    from zhibiao.analysis.query import document as get_document

    found = get_document(_store(request), str(doc_id))
    if found is None:
        raise HTTPException(404, f"no document {doc_id}")
    meta, rows = found
    if format != "json":
        return table(request, rows, COLUMNS, format, f"zhibiao-document-{doc_id}", sheet="facts", doc_ids={doc_id})
    meta = dict(meta)
    body_text = meta.pop("text")
    meta["text_length"] = len(body_text)
    with contextlib.suppress(ValueError):
        meta["meta"] = json.loads(meta.get("meta") or "{}")
    if text:
        meta["text"] = body_text
    return UTF8JSON({"ok": True, "document": meta, "facts": rows})


@router.post("/documents", status_code=201, summary="Upload a document (needs the API token)")
def upload(request: Request,
           file: Annotated[UploadFile, File(description="A .txt, .html, .pdf or .docx file.")],
           date: Annotated[str | None, Form(description="The document's date (YYYY-MM-DD) when its text lacks "
                                                        "one.")] = None) -> UTF8JSON:
    """Ingest one file through the same pipeline as ``zhibiao ingest``.

    Needs ``Authorization: Bearer TOKEN``; refused (403) when the server has no token, and
    (413) over the size limit. Uploading the same bytes again changes nothing (``unchanged``);
    a changed file of the same name replaces the earlier version's facts (``replaced``); a file with
    the text of a stored document (another format or encoding) becomes one of its sources (``same_text``).
    """
    from zhibiao.web.upload import UploadError, ingest_upload

    settings: Settings = request.app.state.settings
    if not settings.token_ok(request_token({k.lower(): v for k, v in request.headers.items()})):
        raise HTTPException(401, "uploads need the API token: send 'Authorization: Bearer TOKEN'")
    content = file.file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise HTTPException(413, f"the file is over the {settings.max_upload_mb:g} MB limit (--max-upload-mb)")
    try:
        with request.app.state.upload_lock:
            done = ingest_upload(_store(request), content, file.filename, date)
    except UploadError as err:
        raise HTTPException(err.status, str(err)) from None
    request.app.state.cache.clear()  # also makes every cached response stale
    return UTF8JSON(done.as_dict(), status_code=201 if done.status in ("stored", "replaced") else 200)


@router.get("/compare", summary="Place × year table of one indicator")
def compare(request: Request,
            indicator: Annotated[str, Query(description="Indicator id or name: gdp, 地区生产总值.")],
            measure: Annotated[Literal["level", "growth", "change", "share", "rank", "rate"], Query()] = "level",
            kind: Annotated[Literal["actual", "target"], Query()] = "actual",
            place: PlaceQ = None, within: WithinQ = None,
            periods: Annotated[str | None, Query(description="Years as columns: 2019:2025.")] = None,
            format: FormatQ = "json") -> Response:
    """Annual reports of one indicator by place (rows) and year (columns), as `zhibiao compare` gives them.

    ``cells`` has one entry per filled cell with the fact shown and how many reports back it;
    ``disagree`` marks a cell whose sources contradict each other. CSV/XLSX: the wide table.
    """
    from zhibiao.analysis.compare import cell_records, wide_records
    from zhibiao.analysis.compare import compare as run_compare

    store = _store(request)
    cmp = run_compare(store, indicator, measure=measure, kind=kind, place=place, within=within, periods=periods)
    columns, rows = wide_records(cmp)
    if format != "json":
        doc_ids = {r["doc_id"] for c in cmp.cells.values() for r in c.reports}
        return table(request, rows, columns, format, f"zhibiao-compare-{cmp.indicator}-{cmp.measure}",
                     sheet=f"{cmp.indicator} {cmp.measure}", doc_ids=doc_ids)
    return UTF8JSON({"ok": True, "indicator": cmp.indicator, "measure": cmp.measure, "kind": cmp.kind,
                     "unit": cmp.unit, "periods": cmp.periods,
                     "places": [{"code": c, "name": n} for c, n in cmp.places],
                     "rows": rows, "cells": cell_records(cmp), "other_units": cmp.other_units})


@router.get("/targets", summary="Targets beside their actuals")
def targets(request: Request, place: PlaceQ = None, within: WithinQ = None, period: PeriodQ = None,
            indicator: IndicatorQ = None,
            measure: Annotated[Literal["level", "growth", "change", "share", "rank", "rate"] | None, Query()] = None,
            status: Annotated[Literal["met", "missed", "pending"] | None, Query()] = None,
            sort: Annotated[str | None, Query(description="Order by " + ", ".join(data.TARGET_SORTS) + "; -name: "
                                                           "descending.")] = None,
            page: Annotated[int | None, Query(ge=1, description="Only this page (from 1) of `size` rows.")] = None,
            size: Annotated[int, Query(ge=1, le=data.MAX_PAGE, description="Rows per page.")] = data.TARGET_PAGE,
            format: FormatQ = "json") -> Response:
    """Each target with the actual reported for it: ``met``, ``missed`` or ``pending``, and both sources
    (``tally`` and ``total`` count every match, ``rows`` is one page of them with ``page``)."""
    from zhibiao.analysis.targets import TARGET_COLUMNS, target_records
    from zhibiao.analysis.targets import targets as run_targets

    found = run_targets(_store(request), place=place, within=within, period=period, indicator=indicator,
                        measure=measure)
    if status:
        found = [r for r in found if r.status == status]
    tally = {s: sum(r.status == s for r in found) for s in ("met", "missed", "pending")}
    found, _ = data.sort_targets(found, sort)
    total = len(found)
    if page and format == "json":
        found = found[(page - 1) * size:page * size]
    rows = target_records(found)
    if format != "json":
        doc_ids = {r.target["doc_id"] for r in found} | {r.actual["doc_id"] for r in found if r.actual}
        return table(request, rows, TARGET_COLUMNS, format, "zhibiao-targets", sheet="targets", doc_ids=doc_ids)
    return UTF8JSON({"ok": True, "rows": rows, "tally": tally, "total": total})


@router.get("/conflicts", summary="Reports that contradict each other")
def conflicts(request: Request, place: PlaceQ = None, within: WithinQ = None, indicator: IndicatorQ = None,
              period: PeriodQ = None, format: FormatQ = "json") -> Response:
    """Groups of reports of the same place, topic, period, kind and measure whose values cannot all be true;
    ``scope``: ``within one document`` or ``between documents``."""
    from zhibiao.analysis.compare import CONFLICT_COLUMNS, conflict_records
    from zhibiao.analysis.compare import conflicts as run_conflicts

    groups = run_conflicts(_store(request), Filters(place=place, within=within, indicator=indicator, period=period))
    rows = conflict_records(groups)
    if format != "json":
        return table(request, rows, CONFLICT_COLUMNS, format, "zhibiao-conflicts", sheet="conflicts",
                     doc_ids={r["doc_id"] for r in rows})
    out = [{"group": n, "scope": g.scope, "region_code": g.region_code, "region": g.region, "topic": g.topic,
            "period": g.period, "kind": g.kind, "measure": g.measure, "unit": g.unit, "reports": g.reports}
           for n, g in enumerate(groups, 1)]
    return UTF8JSON({"ok": True, "groups": out, "rows": rows})


@router.get("/places", summary="Place autocomplete")
def place_search(request: Request,
                 q: Annotated[str, Query(min_length=1, max_length=50,
                                         description="Name, alias, full name, code prefix or pinyin (initials "
                                                     "gz, or spelled out guangzhou).")],
                 limit: Annotated[int, Query(ge=1, le=50)] = 10) -> UTF8JSON:
    """Places of the fact base (those facts name, and the places above them) matching ``q``."""
    store = _store(request)
    entries = request.app.state.cache.get("places", lambda: data.place_entries(store))
    return UTF8JSON({"ok": True, "rows": data.match_places(entries, q, limit)})


@router.get("/indicators", summary="The indicators")
def indicator_list(request: Request, format: FormatQ = "json") -> Response:
    """Every indicator of the taxonomy: id, name, aliases, unit of its level, and how many facts have it."""
    rows = request.app.state.cache.get("indicators", lambda: data.indicator_list(_store(request)))
    if format != "json":
        flat = [{**r, "aliases": "|".join(r["aliases"])} for r in rows]
        return table(request, flat, ["id", "name", "aliases", "unit", "facts"], format, "zhibiao-indicators",
                     sheet="indicators")
    return UTF8JSON({"ok": True, "rows": rows})
