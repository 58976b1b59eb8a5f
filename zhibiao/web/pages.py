"""The HTML pages: home, facts, a document with its facts highlighted, a fact, the indicator
explorer, targets and conflicts. Server-rendered (Jinja2, autoescaped), Chinese labels by
default, English with ``?lang=en`` (remembered in a cookie).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from zhibiao.analysis.query import Filters
from zhibiao.store import Store
from zhibiao.web import data, render
from zhibiao.web.app import TEMPLATES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                                  trim_blocks=True, lstrip_blocks=True))
templates.env.globals.update(value_text=render.value_text, what=render.what, number=render.number)
# |tojson through orjson (Jinja still makes the result safe inside HTML: <, >, & and ' escaped)
templates.env.policies["json.dumps_function"] = lambda obj, **_: orjson.dumps(obj).decode()
LANG_COOKIE = "zhibiao_lang"
MEASURES = ("level", "growth", "change", "share", "rank", "rate")
#: The explorer chart's value axis: robust (far-out values at its edge), every value, logarithmic.
SCALES = ("auto", "full", "log")
#: Facts a list page shows at a time.
LIST_PAGE = 100
#: Facts of a document the side list and the highlights take at most (very long tables of figures).
DOC_FACTS = 5000


def language(request: Request) -> str:
    """``zh`` or ``en``: the ``lang`` parameter, else the cookie, else Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return asked if asked in render.LANGS else "zh"


def _with(request: Request, **changes: Any) -> str:
    params = {k: v for k, v in request.query_params.multi_items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v is not None})
    query = urlencode(list(params.items()))
    return f"{request.url.path}?{query}" if query else request.url.path


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render template `name` with the common context (labels, language links, read-only flag)."""
    lang = language(request)
    t = render.Translator(lang)
    context.update(request=request, t=t, lang=lang, lang_zh=_with(request, lang="zh"),
                   lang_en=_with(request, lang="en"), read_only=request.app.state.settings.token is None,
                   max_upload_mb=request.app.state.settings.max_upload_mb, nav=name.split(".")[0])
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if request.query_params.get("lang") in render.LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A page saying what went wrong (the message is escaped like everything else)."""
    return page(request, "error.html", status=status, status_code=status, message=message)


def _store(request: Request) -> Store:
    return request.app.state.store


def _period_range(start: str | None, end: str | None) -> str | None:
    start, end = (start or "").strip(), (end or "").strip()
    if not start and not end:
        return None
    return f"{start}:{end}"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The library at a glance, a search box, the documents."""
    from zhibiao.analysis.query import document_list

    store = _store(request)
    summary = request.app.state.cache.get("library", lambda: data.library(store))
    docs = request.app.state.cache.get("documents", lambda: document_list(store))
    return page(request, "home.html", library=summary, documents=docs[-200:][::-1], n_documents=len(docs))


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _number(name: str, value: str | None) -> float | None:
    """A number parameter of a form (empty: none); a `QueryError` naming it when it is not a number."""
    from zhibiao.analysis.query import QueryError

    if not _clean(value):
        return None
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        raise QueryError(f"{name} must be a number, not {value!r}") from None


def pages_around(page_no: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of `page_no` (None: a gap)."""
    keep = sorted({1, pages, *range(max(1, page_no - 2), min(pages, page_no + 2) + 1)})
    out: list[int | None] = []
    for n in keep:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@router.get("/facts", response_class=HTMLResponse)
def fact_list(request: Request, place: str | None = None, within: str | None = None, indicator: str | None = None,
              period: str | None = None, kind: str | None = None, measure: str | None = None,
              type: str | None = None, search: str | None = None, doc: int | None = None,
              value_min: str | None = None, value_max: str | None = None, unit: str | None = None,
              qualifier: str | None = None, sort: str | None = None,
              page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
              size: Annotated[int, Query(ge=1, le=1000)] = LIST_PAGE) -> HTMLResponse:
    """Facts matching the filters, sorted by any column, a page at a time, with facet counts."""
    flt = Filters(place=_clean(place), within=_clean(within), indicator=_clean(indicator), period=_clean(period),
                  kind=_clean(kind), measure=_clean(measure), type=_clean(type), search=_clean(search), doc=doc)
    refine = data.Refine(value_min=_number("value_min", value_min), value_max=_number("value_max", value_max),
                         unit=_clean(unit), qualifier=_clean(qualifier))
    _, sort_name = data.sort_order(sort)
    store = _store(request)
    rows, total = data.browse(store, flt, refine, sort=sort_name, page=page_no, size=size)
    pages = max(1, -(-total // size))
    unfiltered = flt == Filters() and refine == data.Refine()
    # the whole base's counts cost a scan of every fact: kept until the documents change
    facet_counts = (request.app.state.cache.get("facets", lambda: data.facets(store, flt, refine)) if unfiltered
                    else data.facets(store, flt, refine, matches=total))
    params = [(k, v) for k, v in request.query_params.multi_items() if v and k not in ("lang",)]
    kept = [(k, v) for k, v in params if k not in ("page", "size")]
    active = [(k, v, _with(request, **{k: None}, page=None)) for k, v in params
              if k in data.FACETS or k in ("within", "search", "value_min", "value_max", "qualifier")]
    return page(request, "facts.html", rows=rows, flt=flt, refine=refine, total=total, page_no=page_no,
                pages=pages, numbers=pages_around(page_no, pages), size=size, sort=sort_name, facets=facet_counts,
                active=active, facet_url=lambda k, v: _with(request, **{k: str(v)}, page=None),
                page_url=lambda n: _with(request, page=str(n)),
                sort_url=lambda k: _with(request, sort=("-" + k) if sort_name == k else k, page=None),
                json_url="/api/facts?" + urlencode([*kept, ("page", str(page_no)), ("size", str(size)),
                                                    ("count", "true")]),
                csv_url="/api/facts?" + urlencode([*kept, ("format", "csv")]),
                xlsx_url="/api/facts?" + urlencode([*kept, ("format", "xlsx")]),
                qualifiers=data.QUALIFIERS, measures=MEASURES)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: int) -> HTMLResponse:
    """A document's text with every fact highlighted by type, and the list of its facts."""
    import json

    from zhibiao.analysis.query import document

    found = document(_store(request), str(doc_id))
    if found is None:
        raise HTTPException(404, f"no document {doc_id}")
    meta, rows = found
    shown = rows[:DOC_FACTS]
    values = [render.value_text(r) for r in shown]
    t = render.Translator(language(request))
    try:
        extra = json.loads(meta.get("meta") or "{}")
    except ValueError:
        extra = {}
    return page(request, "document.html", doc=meta, meta_extra=extra, rows=shown, n_facts=len(rows),
                body=render.highlighted(meta["text"], shown),
                side=render.side_list(shown, t, len(meta["text"]), values),
                cards={str(r["id"]): render.card(r, t, v) for r, v in zip(shown, values, strict=True)},
                versions=data.document_versions(_store(request), doc_id))


@router.get("/facts/{fact_id}", response_class=HTMLResponse)
def fact_page(request: Request, fact_id: int) -> HTMLResponse:
    """A fact, its sentence in context and the same place, indicator and period in other documents."""
    from zhibiao.analysis.query import fact

    store = _store(request)
    row = fact(store, fact_id)
    if row is None:
        raise HTTPException(404, f"no fact {fact_id}")
    key = data.fact_topic(store, fact_id) or {}
    prev, nxt = data.neighbours(store, key) if key else (None, None)
    fields = [(k, row.get(k)) for k in ("type", "region", "region_code", "subject", "name", "indicator", "period",
                                        "kind", "measure", "value", "unit", "qualifier", "status", "investment",
                                        "policy", "beneficiary", "condition", "rate", "cap")
              if row.get(k) not in (None, "")]
    from zhibiao.store.flags import flag_of

    return page(request, "fact.html", fact=row, fields=fields, context=render.context_html(
        row["text"], row["start"], row["end"]), others=data.same_reports(store, key) if key else [],
        prev_id=prev, next_id=nxt, flag=flag_of(store, fact_id))


@router.get("/explore", response_class=HTMLResponse)
def explore(request: Request, indicator: str | None = None, measure: str = "level", kind: str = "actual",
            place: str | None = None, within: str | None = None,
            start: Annotated[str | None, Query(alias="from")] = None,
            end: Annotated[str | None, Query(alias="to")] = None, chart: str = "line",
            scale: str = "auto") -> HTMLResponse:
    """Pick an indicator, a place (and within), a period range: the place × year table and a chart."""
    from zhibiao.analysis.compare import compare

    store = _store(request)
    cache = request.app.state.cache
    indicators = cache.get("indicators", lambda: data.indicator_list(store))
    options = render.with_selected(cache.get("indicator-options", lambda: render.indicator_options(indicators)),
                                   indicators, indicator or "")
    chart = chart if chart in ("line", "bar") else "line"
    scale = scale if scale in SCALES else "auto"
    measure = measure if measure in MEASURES else "level"
    kind = kind if kind in ("actual", "target") else "actual"
    form = {"indicator": indicator or "", "measure": measure, "kind": kind, "place": place or "",
            "within": within or "", "from": start or "", "to": end or "", "chart": chart,
            "scale": scale}
    if not indicator:
        return page(request, "explore.html", form=form, indicator_options=options, cmp=None)
    periods = _period_range(start, end)
    places = [p.strip() for p in (place or "").split(",") if p.strip()] or None
    cmp = compare(store, indicator, measure=measure, kind=kind, place=places, within=(within or "").strip() or None,
                  periods=periods)
    factor, unit = (1.0, cmp.unit or "")
    if cmp.measure == "level":
        from zhibiao.analysis import views

        factor, unit = views.scale_for(cmp.unit, [c.value for c in cmp.cells.values()])
    series = []
    table = []
    t = render.Translator(language(request))
    disagree_label, within_label = t("disagree"), t("within_document")
    for code, name in cmp.places:
        row = [cmp.cells.get((code, period)) for period in cmp.periods]
        series.append((name, [(p, None, None) if c is None else (p, round(c.value / factor, 4), c.reports[0]["id"])
                              for p, c in zip(cmp.periods, row, strict=True)]))
        table.append((code, name, [render.compare_cell(c, factor, disagree_label, within_label) for c in row]))
    params = [(k, v) for k, v in (("indicator", cmp.indicator), ("measure", measure), ("kind", kind),
                                  ("within", within), ("periods", periods)) if v]
    params += [("place", p) for p in places or []]
    chart_data = {**render.chart_series(series, scale), "unit": unit, "type": chart,
                  "title": f"{cmp.indicator} · {measure}"}
    return page(request, "explore.html", form=form, indicator_options=options,
                cmp=cmp, table=table, factor=factor,
                unit=unit, chart_data=chart_data,
                csv_url="/api/compare?" + urlencode([*params, ("format", "csv")]),
                xlsx_url="/api/compare?" + urlencode([*params, ("format", "xlsx")]),
                json_url="/api/compare?" + urlencode(params),
                full_scale_url=_with(request, scale="full"), log_scale_url=_with(request, scale="log"))


@router.get("/targets", response_class=HTMLResponse)
def targets_page(request: Request, place: str | None = None, within: str | None = None, period: str | None = None,
                 indicator: str | None = None, status: str | None = None, sort: str | None = None,
                 page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
                 size: Annotated[int, Query(ge=1, le=1000)] = data.TARGET_PAGE) -> HTMLResponse:
    """Each target beside its actual (met, missed or pending), sortable, a page at a time."""
    from zhibiao.analysis.targets import targets

    found = targets(_store(request), place=_clean(place), within=_clean(within), period=_clean(period),
                    indicator=_clean(indicator))
    tally = {s: sum(r.status == s for r in found) for s in ("met", "missed", "pending")}
    if status in tally:
        found = [r for r in found if r.status == status]
    found, sort_name = data.sort_targets(found, sort)
    pages = max(1, -(-len(found) // size))
    shown = found[(page_no - 1) * size:page_no * size]
    params = [(k, v) for k, v in (("place", _clean(place)), ("within", _clean(within)), ("period", _clean(period)),
                                  ("indicator", _clean(indicator)), ("status", status if status in tally else None),
                                  ("sort", sort_name or None)) if v]
    form = {"place": place or "", "within": within or "", "period": period or "", "indicator": indicator or "",
            "status": status or ""}
    return page(request, "targets.html", rows=shown, tally=tally, form=form, n=len(found), sort=sort_name,
                page_no=page_no, pages=pages, numbers=pages_around(page_no, pages),
                page_url=lambda n: _with(request, page=str(n)),
                sort_url=lambda k: _with(request, sort=("-" + k) if sort_name == k else k, page=None),
                status_url=lambda s: _with(request, status=s, page=None),
                json_url="/api/targets?" + urlencode([*params, ("page", str(page_no)), ("size", str(size))]),
                csv_url="/api/targets?" + urlencode([*params, ("format", "csv")]),
                xlsx_url="/api/targets?" + urlencode([*params, ("format", "xlsx")]))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request, place: str | None = None, within: str | None = None,
                   indicator: str | None = None, period: str | None = None) -> HTMLResponse:
    """Disagreeing figures side by side, each with a link to its sentence."""
    from zhibiao.analysis.compare import conflicts

    def clean(v: str | None) -> str | None:
        return v.strip() if v and v.strip() else None

    groups = conflicts(_store(request), Filters(place=clean(place), within=clean(within),
                                                indicator=clean(indicator), period=clean(period)))
    params = [(k, v) for k, v in (("place", clean(place)), ("within", clean(within)),
                                  ("indicator", clean(indicator)), ("period", clean(period))) if v]
    form = {"place": place or "", "within": within or "", "indicator": indicator or "", "period": period or ""}
    return page(request, "conflicts.html", groups=groups, form=form,
                csv_url="/api/conflicts?" + urlencode([*params, ("format", "csv")]),
                xlsx_url="/api/conflicts?" + urlencode([*params, ("format", "xlsx")]),
                json_url="/api/conflicts?" + urlencode(params))


@router.get("/places/{code}", response_class=HTMLResponse)
def place_page(request: Request, code: str) -> HTMLResponse:
    """A place: the places above and below it, its yearly figures by indicator across years, its sources."""
    from zhibiao.analysis.views import scale_for
    from zhibiao.store.schema import facts

    store = _store(request)
    place = data.place_record(store, code.strip())
    if place is None:
        raise HTTPException(404, f"no place {code} in the fact base")
    years, series = data.place_series(store, place["code"])
    for row in series:  # 亿元 rather than twelve digits of 元
        row["factor"], row["unit_label"] = scale_for(row["unit"], [f["value"] for f in row["cells"].values()])
    return page(request, "place.html", place=place, years=years, series=series,
                sources=data.sources(store, [facts.c.region_code == place["code"]]))


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(request: Request, indicator_id: str) -> HTMLResponse:
    """An indicator: its names, each place's actual level (and growth) across years, its sources."""
    from zhibiao.analysis.compare import compare
    from zhibiao.analysis.query import resolve_indicator
    from zhibiao.analysis.views import scale_for
    from zhibiao.extract.indicators import taxonomy
    from zhibiao.store.schema import facts

    store = _store(request)
    known = taxonomy().indicators.get(resolve_indicator(indicator_id))
    if known is None:
        raise HTTPException(404, f"no indicator {indicator_id}")
    disagree = render.Translator(language(request))("disagree")
    tables = []
    for measure in ("level", "growth"):
        cmp = compare(store, known.id, measure=measure, kind="actual")
        if not cmp.cells:
            continue
        factor, unit = scale_for(cmp.unit, [c.value for c in cmp.cells.values()])
        rows = [(code, name, [render.compare_cell(cmp.cells.get((code, p)), factor, disagree) for p in cmp.periods])
                for code, name in cmp.places]
        tables.append((measure, cmp, unit, rows))
    return page(request, "indicator.html", indicator=known, tables=tables,
                sources=data.sources(store, [facts.c.indicator == known.id]))
