"""Turning facts into HTML safely: labels in Chinese or English, values as people read them, and
a document's text with every fact highlighted.

Document text is untrusted (an ingested web page may hold ``<script>`` or ``onerror=``): every
piece of it is escaped (`html.escape`) before it is joined with markup, and templates
autoescape everything else, so stored text is shown as text and never runs.
"""

from __future__ import annotations

import functools
import heapq
import html
import itertools
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup

from zhibiao.analysis import views

# The standard library's escape: same characters as markupsafe's (& < > " '), but a plain str,
# which made the document page's hot loops (hundreds of facts) 2 ms faster.
escape = functools.partial(html.escape, quote=True)

LANGS = ("zh", "en")

#: Interface labels: key → (中文, English).
LABELS: dict[str, tuple[str, str]] = {
    "app": ("指标", "zhibiao"),
    "tagline": ("地方经济文件中的数字，每一个都能追溯到原文", "Figures from regional economic documents, each traced "
                                                           "to its sentence"),
    "home": ("首页", "Home"),
    "documents": ("文件", "Documents"),
    "document": ("文件", "Document"),
    "facts": ("事实", "Facts"),
    "fact": ("事实", "Fact"),
    "explore": ("指标浏览", "Explorer"),
    "targets": ("目标完成", "Targets"),
    "conflicts": ("数据冲突", "Conflicts"),
    "api": ("API 文档", "API docs"),
    "search": ("搜索", "Search"),
    "search_hint": ("搜索主语或原文，如 新能源汽车", "Words in subjects or sentences, e.g. 新能源汽车"),
    "places": ("地区", "Places"),
    "years": ("年份", "Years"),
    "indicators": ("指标", "Indicators"),
    "indicator": ("指标", "Indicator"),
    "place": ("地区", "Place"),
    "region": ("地区", "Place"),
    "within": ("及其下辖", "and everything within"),
    "within_label": ("范围（含下辖）", "Within (and below)"),
    "period": ("时期", "Period"),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "kind": ("类别", "Kind"),
    "measure": ("口径", "Measure"),
    "type": ("类型", "Type"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "subject": ("主语", "Subject"),
    "evidence": ("原文", "Source text"),
    "in_context": ("上下文", "In context"),
    "status": ("状态", "Status"),
    "target": ("目标", "Target"),
    "actual": ("实际", "Actual"),
    "date": ("日期", "Date"),
    "version": ("版本", "Version"),
    "name": ("名称", "Name"),
    "id": ("编号", "ID"),
    "show": ("查看", "Show"),
    "download": ("下载", "Download"),
    "chart": ("图表", "Chart"),
    "line": ("折线图", "Line"),
    "bar": ("柱状图", "Bar"),
    "table": ("表格", "Table"),
    "no_results": ("没有符合条件的结果", "Nothing matches"),
    "more": ("下一页", "Next page"),
    "all": ("全部", "All"),
    "any": ("不限", "Any"),
    "facts_in_doc": ("本文件中的事实", "Facts in this document"),
    "other_reports": ("其他文件中的同一指标、地区和时期", "Other documents on the same place, indicator and period"),
    "none_other": ("没有其他文件报告同一内容", "No other document reports it"),
    "open_in_doc": ("在文件中查看", "Open in the document"),
    "previous": ("上一条", "Previous"),
    "next": ("下一条", "Next"),
    "legend": ("图例", "Legend"),
    "quantity": ("数量", "quantity"),
    "project": ("项目", "project"),
    "policy": ("政策", "policy"),
    "level": ("总量", "level"),
    "growth": ("增速", "growth"),
    "change": ("增减", "change"),
    "share": ("占比", "share"),
    "rank": ("排名", "rank"),
    "rate": ("比率", "rate"),
    "met": ("已完成", "met"),
    "missed": ("未完成", "missed"),
    "pending": ("待核实", "pending"),
    "disagree": ("来源不一致", "sources disagree"),
    "source": ("来源", "Source"),
    "sources": ("来源", "Sources"),
    "reports": ("报告数", "Reports"),
    "group": ("组", "Group"),
    "flagged": ("已标记为错误", "marked wrong"),
    "mark_wrong": ("标记为错误", "Mark wrong"),
    "unmark_wrong": ("取消错误标记", "Unmark"),
    "flag_note": ("说明（可选）", "Note (optional)"),
    "api_token": ("API 令牌", "API token"),
    "flag_read_only": ("只读服务器：用 --token 启动后可标记错误数据",
                       "read-only server: start it with --token to mark facts"),
    "flag_excluded": ("比较、目标和冲突中不再计入此数据", "compare, targets and conflicts leave it out"),
    "within_document": ("同一文件内", "within one document"),
    "between_documents": ("不同文件之间", "between documents"),
    "no_conflicts": ("没有发现相互矛盾的数据", "No conflicting reports found"),
    "no_targets": ("没有符合条件的目标", "No targets match"),
    "marks": ("≈ 约 · > 超过 · < 不足 · ≥ 不低于 · ≤ 不超过 · ≠ 来源不一致 · – 无数据",
              "≈ about · > over · < under · ≥ at least · ≤ at most · ≠ sources disagree · – no report"),
    "other_units": ("其他单位的数据未列入", "Left out (other units)"),
    "pick_indicator": ("请选择指标和地区", "Pick an indicator and a place"),
    "upload": ("上传文件", "Upload a document"),
    "token": ("令牌", "Token"),
    "upload_hint": ("上传需要服务器的 API 令牌（--token 或 ZHIBIAO_TOKEN）", "Uploads need the server's API token "
                                                                        "(--token or ZHIBIAO_TOKEN)"),
    "read_only": ("只读：未设置令牌，不能上传", "Read-only: no token set, uploads are off"),
    "send": ("上传", "Upload"),
    "text_chars": ("字符", "characters"),
    "path": ("路径", "Path"),
    "qualifier": ("限定", "Qualifier"),
    "region_code": ("行政区划代码", "Admin code"),
    "period_type": ("时期类型", "Period type"),
    "cite": ("引用", "Citation"),
    "error": ("出错了", "Something went wrong"),
    "not_found": ("找不到", "Not found"),
    "back_home": ("返回首页", "Back home"),
    "met_missed": ("已完成 / 未完成 / 待核实", "met / missed / pending"),
    "total": ("合计", "Total"),
    "with_facts": ("有事实的地区", "places with facts"),
    "rows": ("行", "rows"),
    "truncated": ("只显示前 {n} 行", "showing the first {n} rows"),
    "investment": ("投资", "Investment"),
    "beneficiary": ("对象", "Beneficiary"),
    "condition": ("条件", "Condition"),
    "cap": ("上限", "Cap"),
    "what": ("内容", "What"),
    "doc": ("文件", "Document"),
    "value_min": ("数值不小于", "Value at least"),
    "value_max": ("数值不大于", "Value at most"),
    "exact": ("确数", "exact"),
    "approx": ("约", "about"),
    "over": ("超过", "over"),
    "under": ("不足", "under"),
    "at_least": ("不低于", "at least"),
    "at_most": ("不超过", "at most"),
    "matches": ("共 {n} 条", "{n} matches"),
    "page_of": ("第 {page} / {pages} 页", "page {page} of {pages}"),
    "prev_page": ("上一页", "Previous page"),
    "facets": ("分面", "Facets"),
    "remove": ("去掉", "remove"),
    "sort_by": ("按此列排序", "Sort by this column"),
    "series": ("历年数据", "Series across years"),
    "above": ("上级", "Above"),
    "below": ("下辖", "Below"),
    "all_facts": ("全部事实", "All facts"),
    "in_explorer": ("在指标浏览中查看", "Open in the explorer"),
    "aliases": ("别名", "Also called"),
    "scale": ("纵轴", "Value axis"),
    "scale_auto": ("自动（异常值置于边缘）", "robust (far-out values at the edge)"),
    "scale_full": ("完整范围", "every value"),
    "scale_log": ("对数", "logarithmic"),
    "clipped": ("{n} 个远离其余数据的数值（可能是误读）画在纵轴边缘，以 ▲ 标出。",
                "{n} values far from the rest (perhaps misread) are drawn at the edge of the scale, marked ▲."),
}


class Translator:
    """Labels for one language; unknown keys come back as themselves."""

    def __init__(self, lang: str) -> None:
        """`lang`: ``zh`` or ``en``."""
        self.lang = lang if lang in LANGS else "zh"
        self._i = LANGS.index(self.lang)

    def __call__(self, key: str | None, **fields: Any) -> str:
        """The label of `key` (formatted with `fields`)."""
        if key is None:
            return ""
        pair = LABELS.get(key)
        text = pair[self._i] if pair else key
        return text.format(**fields) if fields else text


QUALIFIER_WORDS = {"approx": ("约", "about"), "over": ("超过", "over"), "under": ("不足", "under"),
                   "at_least": ("不低于", "at least"), "at_most": ("不超过", "at most")}


def value_text(row: dict[str, Any]) -> str:
    """A fact's figure as a reader expects it (≈2323.54亿元, 4.3%, a project's investment, a rule's cap)."""
    kind = row.get("type")
    if kind == "project":
        return views.value_text(row.get("investment"), "元") if row.get("investment") else ""
    if kind == "policy":
        if row.get("cap"):
            return views.value_text(row["cap"], "元", "at_most")
        return views.value_text(row.get("rate"), "%", "at_most") if row.get("rate") is not None else ""
    return views.value_text(row.get("value"), row.get("unit"), row.get("qualifier"))


def what(row: dict[str, Any]) -> str:
    """What a fact is about: its subject, project name or beneficiary."""
    return row.get("subject") or row.get("name") or row.get("beneficiary") or row.get("policy") or ""


def card(row: dict[str, Any], t: Translator, value: str | None = None) -> dict[str, Any]:
    """The few fields a hover card shows (plain data: the page's script puts them in as text);
    `value` is the row's `value_text` when the caller has it already."""
    return {"id": row["id"], "type": t(row["type"]), "what": what(row),
            "value": value_text(row) if value is None else value,
            "indicator": row.get("indicator") or "", "region": row.get("region") or "",
            "period": row.get("period") or "", "kind": t(row.get("kind")) if row.get("kind") else "",
            "measure": t(row.get("measure")) if row.get("measure") else (t(row.get("status")) if row.get("status")
                                                                         else "")}


def _spans(text: str, rows: Sequence[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    return [(r["start"], r["end"], r) for r in rows if isinstance(r.get("start"), int)
            and isinstance(r.get("end"), int) and 0 <= r["start"] < r["end"] <= len(text)]


def _pieces(spans: Sequence[tuple[int, int, dict[str, Any]]]) -> list[tuple[int, int, dict[str, Any], bool]]:
    """The text cut at every span boundary: (start, end, owner, covered by another span) for each
    covered piece; the owner is the shortest span over it (a quantity inside its project)."""
    cuts = sorted({p for start, end, _ in spans for p in (start, end)})
    by_start = sorted(spans, key=lambda s: s[0])
    active: list[tuple[int, int, int, dict[str, Any]]] = []  # (length, id, end, row): a heap
    out = []
    nxt = 0
    for lo, hi in itertools.pairwise(cuts):
        while nxt < len(by_start) and by_start[nxt][0] <= lo:
            start, end, row = by_start[nxt]
            heapq.heappush(active, (end - start, int(row["id"]), end, row))
            nxt += 1
        live = [a for a in active if a[2] > lo]
        if len(live) != len(active):
            active = live
            heapq.heapify(active)
        if active:
            out.append((lo, hi, active[0][3], len(active) > 1))
    return out


def highlighted(text: str, rows: Sequence[dict[str, Any]]) -> Markup:
    """`text` as HTML with each fact's span linked to its fact, never one link inside another.

    HTML forbids ``<a>`` inside ``<a>`` (a browser closes the outer one, leaving it empty), so
    overlapping spans are cut into pieces side by side: each piece links to the shortest span
    over it (a quantity inside a project links to the quantity; the rest of the project to the
    project), its first piece carries the fact's ``id="f…"``. A fact whose whole span lies
    under shorter ones gets a small mark of its own at its end. Every piece of text is escaped.
    """
    spans = _spans(text, rows)
    pieces = _pieces(spans)
    owners = {int(row["id"]) for _, _, row, _ in pieces}
    # (position, order, end, row, nested): a mark (order 0) goes after the piece that ends where it stands
    items = [(lo, 1, hi, row, covered) for lo, hi, row, covered in pieces]
    items += [(end, 0, end, row, True) for _, end, row in spans if int(row["id"]) not in owners]
    items.sort(key=lambda item: (item[0], item[1]))
    out: list[str] = []
    pos = 0
    seen: set[int] = set()
    for lo, order, hi, row, covered in items:
        fid = int(row["id"])
        anchor = "" if fid in seen else f' id="f{fid}"'
        seen.add(fid)
        out.append(escape(text[pos:lo]))
        cls = f"hl t-{_kind(row)}" + (" nested" if covered and order else "") + ("" if order else " mark")
        out.append(f'<a class="{cls}"{anchor} href="/facts/{fid}" data-fact="{fid}">{escape(text[lo:hi])}</a>')
        pos = max(pos, hi)
    out.append(escape(text[pos:]))
    return Markup("".join(out))


def _kind(row: dict[str, Any]) -> str:
    return row["type"] if row["type"] in ("quantity", "project", "policy") else "other"


def context_html(text: str, start: int, end: int, rows: Iterable[dict[str, Any]] = ()) -> Markup:
    """The sentence around ``text[start:end]`` with the span marked (escaped)."""
    before, span, after = views.context(text, start, end)
    return Markup(f"…{escape(before)}<mark class=\"hl-here\">{escape(span)}</mark>{escape(after)}…")


def number(value: float | None) -> str:
    """A table cell number (no trailing zeros), or an en dash when there is none."""
    return "–" if value is None else views.number(value)


_QUALIFIER_MARKS = {"approx": "≈", "over": ">", "under": "<", "at_least": "≥", "at_most": "≤"}


def compare_cell(cell: Any, factor: float, disagree_label: str, within_label: str | None = None) -> Markup:
    """One cell of the explorer's place × year table (a `zhibiao.analysis.compare.Cell`, or None when empty).

    Built here rather than in the template: a table has hundreds of cells, and this is the
    page's hot loop. The sources are document names, so they are escaped like any stored text.
    ≠ says why (`within_label` when the reports of one document contradict each other).
    """
    if cell is None:
        return Markup('<td class="num empty">–</td>')
    title = f' title="{escape("; ".join(cell.sources))}"' if len(cell.reports) > 1 else ""
    label = within_label if within_label and cell.conflict == "within one document" else disagree_label
    mark = f' <span title="{escape(label)}">≠</span>' if cell.disagree else ""
    shown = _QUALIFIER_MARKS.get(cell.qualifier or "", "") + number(cell.value / factor)
    return Markup(f'<td class="num{" disagree" if cell.disagree else ""}"{title}>'
                  f'<a href="/facts/{int(cell.reports[0]["id"])}">{escape(shown)}</a>{mark}</td>')


def indicator_options(indicators: Sequence[dict[str, Any]]) -> Markup:
    """The ``<option>`` list of the explorer's indicator picker, none selected (hundreds of rows:
    the app caches it and marks the chosen one with `with_selected`)."""
    out = []
    for i in indicators:
        count = f" · {i['facts']}" if i["facts"] else ""
        out.append(f'<option value="{escape(i["id"])}">{escape(i["name"])} ({escape(i["id"])}){count}</option>')
    return Markup("".join(out))


def with_selected(options: Markup, indicators: Sequence[dict[str, Any]], selected: str) -> Markup:
    """`options` (built by `indicator_options` with nothing selected) with `selected` (id or name) selected."""
    chosen = next((i["id"] for i in indicators if selected in (i["id"], i["name"])), None)
    if not chosen:
        return options
    tag = f'<option value="{escape(chosen)}">'
    return Markup(str(options).replace(tag, tag[:-1] + " selected>", 1))  # str: Markup.replace escapes


def side_list(rows: Sequence[dict[str, Any]], t: Translator, text_length: int,
              values: Sequence[str] | None = None) -> Markup:
    """The document page's list of facts: each links to its highlight (or its page when it has no span);
    `values` are the rows' `value_text` when the caller has them already."""
    out = []
    for i, r in enumerate(rows):
        fid = int(r["id"])
        kind = r["type"] if r["type"] in ("quantity", "project", "policy") else "other"
        spanned = isinstance(r.get("start"), int) and isinstance(r.get("end"), int) and r["end"] <= text_length
        href = f"#f{fid}" if spanned else f"/facts/{fid}"
        value = values[i] if values else value_text(r)
        out.append(f'<li class="t-{kind}"><a href="{href}" data-target="f{fid}"><span class="tag t-{kind}">'
                   f'{escape(t(r["type"]))}</span> {escape(what(r))} <b>{escape(value)}</b> '
                   f'<small>{escape(r.get("period") or "")}</small></a></li>')
    return Markup("".join(out))


_PERIOD = re.compile(r"(\d{4})(?:(H)([12])|(Q)([1-4])|-(\d{2}))?")


def period_x(period: str) -> float | None:
    """Where a period sits on a time axis, in years: ``2019`` → 2019, ``2024H1`` → 2024.25,
    ``2024Q3`` → 2024.625, ``2020-07`` → 2020.54; a range ``A/B`` sits at its end; None when unreadable."""
    m = _PERIOD.fullmatch(period.split("/")[-1].strip())
    if m is None:
        return None
    year = int(m.group(1))
    if m.group(2):
        return year + (int(m.group(3)) - 0.5) / 2
    if m.group(4):
        return year + (int(m.group(5)) - 0.5) / 4
    if m.group(6):
        return year + (int(m.group(6)) - 0.5) / 12
    return float(year)


#: How many interquartile ranges beyond the quartiles a value may lie before the explorer's
#: chart draws it at the edge of its scale (Tukey's "far out").
FENCE = 3.0


def robust_range(values: Sequence[float]) -> tuple[float, float] | None:
    """The range a chart's value axis should show so that a few far-out values (often a misread
    statement) do not squash the rest: the quartiles widened by `FENCE` interquartile ranges,
    clamped to the data; None when no value lies beyond (or there are too few to tell)."""
    if len(values) < 5:
        return None
    ordered = sorted(values)
    q1, q3 = statistics.quantiles(ordered, n=4, method="inclusive")[0::2]
    spread = q3 - q1
    if spread <= 0:
        return None
    lo, hi = max(ordered[0], q1 - FENCE * spread), min(ordered[-1], q3 + FENCE * spread)
    return None if (lo, hi) == (ordered[0], ordered[-1]) else (lo, hi)


def chart_series(series: Sequence[tuple[str, Sequence[tuple[str, float | None, int | None]]]], scale: str
                 ) -> dict[str, Any]:
    """The explorer chart's data: each place's points ``[x, shown y, true y, period, fact id]`` on a
    time axis, and the value axis (``scale``: ``auto`` clips far-out values to a robust range and marks
    them, ``full`` shows every value, ``log`` a logarithmic axis when every value is positive)."""
    values = [v for _, points in series for _, v, _ in points if v is not None]
    if scale == "log" and not all(v > 0 for v in values):
        scale = "auto"
    bounds = robust_range(values) if scale == "auto" else None
    out, clipped = [], 0
    for name, points in series:
        data = []
        for period, value, fid in points:
            x = period_x(period)
            if value is None or x is None:
                continue
            shown = value if bounds is None else min(max(value, bounds[0]), bounds[1])
            clipped += shown != value
            data.append([x, shown, value, period, fid])
        out.append({"name": name, "data": data})
    axis: dict[str, Any] = {"type": "log" if scale == "log" else "value", "scale": True}
    if bounds is not None:  # round numbers a little beyond the clipped ends
        step = 10 ** math.floor(math.log10(bounds[1] - bounds[0])) / 2
        if bounds[0] > min(values):
            axis["min"] = math.floor(bounds[0] / step) * step
        if bounds[1] < max(values):
            axis["max"] = math.ceil(bounds[1] / step) * step
    return {"series": out, "y_axis": axis, "clipped": clipped, "scale": scale}
