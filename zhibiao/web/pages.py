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


@router.get("/facts", response_class=HTMLResponse)
def fact_list(request: Request, place: str | None = None, within: str | None = None, indicator: str | None = None,
              period: str | None = None, kind: str | None = None, measure: str | None = None,
              type: str | None = None, search: str | None = None, doc: int | None = None,
              after: Annotated[int | None, Query(alias="next")] = None) -> HTMLResponse:
    """Facts matching the filters, a page at a time."""
    def clean(v: str | None) -> str | None:
        return v.strip() if v and v.strip() else None

    flt = Filters(place=clean(place), within=clean(within), indicator=clean(indicator), period=clean(period),
                  kind=clean(kind), measure=clean(measure), type=clean(type), search=clean(search), doc=doc)
    rows, last = data.facts_page(_store(request), flt, after=after, size=LIST_PAGE)
    api_params = [(k, v) for k, v in request.query_params.multi_items() if v and k not in ("next", "lang")]
    return page(request, "facts.html", rows=rows, flt=flt,
                next_url=_with(request, next=str(last)) if last else None,
                csv_url="/api/facts?" + urlencode([*api_params, ("format", "csv")]),
                xlsx_url="/api/facts?" + urlencode([*api_params, ("format", "xlsx")]))


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
            end: Annotated[str | None, Query(alias="to")] = None, chart: str = "line") -> HTMLResponse:
    """Pick an indicator, a place (and within), a period range: the place × year table and a chart."""
    from zhibiao.analysis.compare import compare

    store = _store(request)
    cache = request.app.state.cache
    indicators = cache.get("indicators", lambda: data.indicator_list(store))
    options = render.with_selected(cache.get("indicator-options", lambda: render.indicator_options(indicators)),
                                   indicators, indicator or "")
    chart = chart if chart in ("line", "bar") else "line"
    measure = measure if measure in MEASURES else "level"
    kind = kind if kind in ("actual", "target") else "actual"
    form = {"indicator": indicator or "", "measure": measure, "kind": kind, "place": place or "",
            "within": within or "", "from": start or "", "to": end or "", "chart": chart}
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
        series.append({"name": name, "data": [None if c is None else round(c.value / factor, 4) for c in row]})
        table.append((code, name, [render.compare_cell(c, factor, disagree_label, within_label) for c in row]))
    params = [(k, v) for k, v in (("indicator", cmp.indicator), ("measure", measure), ("kind", kind),
                                  ("within", within), ("periods", periods)) if v]
    params += [("place", p) for p in places or []]
    chart_data = {"periods": cmp.periods, "series": series, "unit": unit, "type": chart,
                  "title": f"{cmp.indicator} · {measure}"}
    return page(request, "explore.html", form=form, indicator_options=options,
                cmp=cmp, table=table, factor=factor,
                unit=unit, chart_data=chart_data,
                csv_url="/api/compare?" + urlencode([*params, ("format", "csv")]),
                xlsx_url="/api/compare?" + urlencode([*params, ("format", "xlsx")]),
                json_url="/api/compare?" + urlencode(params))


@router.get("/targets", response_class=HTMLResponse)
def targets_page(request: Request, place: str | None = None, within: str | None = None, period: str | None = None,
                 indicator: str | None = None, status: str | None = None) -> HTMLResponse:
    """Per place, each target beside its actual: met, missed or pending."""
    from zhibiao.analysis.targets import targets

    def clean(v: str | None) -> str | None:
        return v.strip() if v and v.strip() else None

    found = targets(_store(request), place=clean(place), within=clean(within), period=clean(period),
                    indicator=clean(indicator))
    tally = {s: sum(r.status == s for r in found) for s in ("met", "missed", "pending")}
    if status in tally:
        found = [r for r in found if r.status == status]
    groups: dict[str, list[Any]] = {}
    for r in found:
        groups.setdefault(r.target["region"] or "", []).append(r)
    params = [(k, v) for k, v in (("place", clean(place)), ("within", clean(within)), ("period", clean(period)),
                                  ("indicator", clean(indicator)), ("status", status if status in tally else None))
              if v]
    form = {"place": place or "", "within": within or "", "period": period or "", "indicator": indicator or "",
            "status": status or ""}
    return page(request, "targets.html", groups=groups, tally=tally, form=form, n=len(found),
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
                xlsx_url="/api/conflicts?" + urlencode([*params, ("format", "xlsx")]))
