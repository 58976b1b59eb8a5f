"""The web app in a real browser: Debian's headless Chromium driven by Playwright for Python,
against ``zhibiao serve`` running on a free loopback port over the seed fact base.

Skipped, with the reason, when Playwright or Chromium is missing (``.ci/run`` installs both;
no browser is ever downloaded: Playwright is pointed at Debian's binary). Screenshots go to
``test-output/`` for a person to look at: Chinese must render as Chinese (a CJK font such as
``fonts-wqy-microhei`` is needed), which DOM checks alone cannot tell.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REAL, ROOT, need_shared
from tests.serving import serving
from tests.test_api import XSS_NAME, build_fact_base

SHOTS = ROOT / "test-output"
CHROMIUM = os.environ.get("ZHIBIAO_CHROMIUM") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), shutil.which("chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zhibiao serve`` over the seed fact base; yields its base URL and stops it afterwards."""
    need_shared()
    if not CHROMIUM:
        pytest.skip("Chromium not found (apt-get install chromium fonts-wqy-microhei; or set ZHIBIAO_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")
    db = build_fact_base(tmp_path_factory.mktemp("e2e"))
    with serving(db, tmp_path_factory.getbasetemp() / "serve.log", timeout=30) as (base, _):
        yield base


@pytest.fixture(scope="module")
def real_server(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zhibiao serve`` over every document of the real corpus (provincial reports, district
    reports over many years); yields its base URL."""
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest

    db = tmp_path_factory.mktemp("e2e-real") / "real.db"
    with open_store(str(db), create=True, say=None) as store:
        assert ingest(store, [str(REAL)], workers=1).ok
    with serving(db, tmp_path_factory.getbasetemp() / "serve-real.log", timeout=30) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator:
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator:
    """A fresh page (own cookies) that records dialogs and page errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def _json(url: str) -> dict:
    import json

    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _doc(server: str, name: str) -> int:
    return next(d["id"] for d in _json(server + "/api/documents")["rows"] if d["name"] == name)


def shot(pg, name: str) -> None:
    """Save a screenshot under test-output/."""
    SHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def test_document_hover_and_click_open_the_fact(page, server: str) -> None:
    doc = _doc(server, "000_3651a326c51bf532.txt")
    facts = _json(f"{server}/api/documents/{doc}")["facts"]
    gdp = next(f for f in facts if f["indicator"] == "gdp" and f["measure"] == "level")
    page.goto(f"{server}/documents/{doc}")
    mark = page.locator(f'#doc-text a.hl[data-fact="{gdp["id"]}"]')
    assert mark.inner_text() == gdp["evidence"]
    shown = page.eval_on_selector_all("#doc-text a.hl", "els => new Set(els.map(e => e.dataset.fact)).size")
    assert shown == len(facts)
    mark.hover()
    card = page.locator("#card")
    card.wait_for(state="visible")
    assert "2,323.54亿元" in card.inner_text() and "地区生产总值" in card.inner_text()
    assert "广州市南沙区" in card.inner_text()
    shot(page, "document-hover")
    # the side list scrolls the text to a fact far down
    last = facts[-1]
    page.locator(f'#fact-list a[data-target="f{last["id"]}"]').click()
    page.wait_for_function(
        """id => { const el = document.getElementById('f' + id), box = document.getElementById('doc-text');
                  const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
                  return r.top >= b.top && r.bottom <= b.bottom; }""", arg=last["id"])
    assert page.url.endswith(f"#f{last['id']}")
    shot(page, "document-side-list")
    mark.click()
    page.wait_for_url(f"**/facts/{gdp['id']}")
    assert "2,323.54亿元" in page.locator("#fact-title").inner_text()
    assert page.locator("#fact-context mark").inner_text() == gdp["evidence"]
    assert "440115" in page.locator("#fact-fields").inner_text()
    shot(page, "fact")
    assert page.errors == []


def test_explorer_table_and_chart(page, server: str) -> None:
    page.goto(f"{server}/explore")
    page.select_option("#indicator", "gdp")
    page.select_option("#measure", "growth")
    page.fill("#within", "广州市")
    page.click("#explore-go")
    page.wait_for_selector("#compare-table")
    table = page.locator("#compare-table").inner_text()
    assert "广州市南沙区" in table and "广州市白云区" in table and "2023" in table
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    paths = page.locator("#chart svg path").count()
    box = page.locator("#chart svg").bounding_box()
    assert paths > 5 and box and box["width"] > 300 and box["height"] > 200
    assert "广州市南沙区" in page.locator("#chart svg").inner_html()  # the legend
    shot(page, "explore-gdp-growth")
    with page.expect_download() as got:
        page.click("text=CSV")
    assert got.value.suggested_filename == "zhibiao-compare-gdp-growth.csv"
    page.select_option("#chart-type", "bar")
    page.click("#explore-go")
    page.wait_for_selector("#chart[data-rendered='1'] svg path", state="attached")
    shot(page, "explore-bar")
    assert page.errors == []


def test_place_autocomplete_by_pinyin(page, server: str) -> None:
    page.goto(f"{server}/explore")
    page.fill("#within", "gz")
    page.wait_for_function("() => document.querySelectorAll('#place-options option').length > 0")
    values = page.eval_on_selector_all("#place-options option", "os => os.map(o => o.value)")
    assert "广州市" in values


def test_stored_markup_never_runs(page, server: str) -> None:
    doc = _doc(server, XSS_NAME)
    facts = _json(f"{server}/api/documents/{doc}")["facts"]
    page.goto(f"{server}/documents/{doc}")
    text = page.locator("#doc-text").inner_text()
    assert '<script>alert("xss-script")</script>' in text and "onerror=\"alert('xss-img')\"" in text
    for f in facts:  # hover every highlight: the cards show the markup as text
        page.locator(f'#doc-text a.hl[data-fact="{f["id"]}"]').hover()
    tricky = next(f for f in facts if "onmouseover" in (f["subject"] or ""))
    page.locator(f'#doc-text a.hl[data-fact="{tricky["id"]}"]').hover()
    assert "<b onmouseover" in page.locator("#card").inner_text()
    shot(page, "xss-document")
    for url in (f"/facts/{tricky['id']}", "/facts?search=onmouseover", f"/facts?doc={doc}"):
        page.goto(server + url)
        page.mouse.move(300, 300)
        page.mouse.move(600, 400)
    shot(page, "xss-facts")
    for url in (f"/documents/{doc}", f"/facts/{tricky['id']}"):
        page.goto(server + url)
        injected = page.evaluate("""() => ({
            img: document.querySelectorAll('img').length,
            svg: document.querySelectorAll('main svg').length,
            handlers: document.querySelectorAll('[onerror],[onload],[onmouseover]').length,
            scripts: [...document.scripts].filter(s => s.type !== 'application/json').map(s => s.src)})""")
        assert injected["img"] == 0 and injected["svg"] == 0 and injected["handlers"] == 0, injected
        assert all(src.startswith(server + "/static/") for src in injected["scripts"]), injected
    assert page.dialogs == []
    assert page.errors == []


def test_english_switch(page, server: str) -> None:
    page.goto(f"{server}/targets")
    assert page.locator("h1").inner_text() == "目标完成"
    page.click("#lang-en")
    page.wait_for_url("**lang=en")
    assert page.locator("h1").inner_text() == "Targets"
    page.goto(f"{server}/conflicts")
    assert page.locator("h1").inner_text() == "Conflicts"
    assert "广州市南沙区" in page.locator("main").inner_text()
    shot(page, "conflicts-en")
    page.goto(f"{server}/")
    shot(page, "home-en")
    page.goto(f"{server}/?lang=zh")
    shot(page, "home")


#: In the page: every fact's highlight pieces, whether the browser hit-tests the middle of one of
#: them to the piece itself (what a click or hover reaches), and whether any link sits in another.
REACH = """() => {
  const text = document.getElementById('doc-text'), pieces = [...text.querySelectorAll('a.hl')], reached = {};
  for (const el of pieces) {
    const id = el.dataset.fact;
    reached[id] = reached[id] || false;
    if (reached[id]) continue;
    el.scrollIntoView({block: 'center'});
    const box = el.getClientRects()[0];
    if (!box || box.width < 4 || box.height < 4) continue;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    reached[id] = !!hit && hit.closest('a.hl') === el;
  }
  return {reached, nested: text.querySelectorAll('a a').length, marks: [...text.querySelectorAll('a.hl.mark')]
          .map(e => e.dataset.fact), inside: [...text.querySelectorAll('a.hl.nested')].map(e => e.dataset.fact),
          chars: text.innerText.length};
}"""


@pytest.mark.parametrize("name", ["sichuan-province-2026-gov-work-report.txt",
                                  "guangdong-province-2026-gov-work-report.txt",
                                  "zhejiang-province-2026-gov-work-report.txt"])
def test_every_highlight_of_a_provincial_report_is_reachable(page, real_server: str, name: str) -> None:
    doc = _doc(real_server, name)
    body = _json(f"{real_server}/api/documents/{doc}?text=true")
    facts = {str(f["id"]): f for f in body["facts"]}
    page.goto(f"{real_server}/documents/{doc}")
    seen = page.evaluate(REACH)
    assert seen["nested"] == 0
    assert set(seen["reached"]) == set(facts)
    assert [i for i, ok in seen["reached"].items() if not ok] == []
    assert seen["chars"] == len(body["document"]["text"])  # the marks add no text
    assert seen["inside"], "these reports have facts inside longer ones"
    # a real mouse: a fact inside a longer one, a fact sharing its span with another, a fact around a shorter one
    outer = next(f for f in facts.values() if any(
        f["start"] <= g["start"] and g["end"] <= f["end"] and g["end"] - g["start"] < f["end"] - f["start"]
        for g in facts.values()))
    for fid in (seen["inside"][0], *seen["marks"][:1], str(outer["id"])):
        piece = page.locator(f'#doc-text a.hl[data-fact="{fid}"]').first
        piece.scroll_into_view_if_needed()  # scrolling hides the card: scroll first, let the event pass
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        piece.hover()
        page.wait_for_function("id => document.querySelector('#card:not([hidden])')?.innerText.includes('#' + id)",
                               arg=fid)
    shot(page, "document-real-" + name.split("-")[0])
    page.locator(f'#doc-text a.hl[data-fact="{outer["id"]}"]').first.click()
    page.wait_for_url(f"**/facts/{outer['id']}")
    assert page.errors == []


def _ids(pg, table: str = "#facts-table") -> list[int]:
    cells = pg.eval_on_selector_all(f"{table} tbody tr td:first-child a", "as => as.map(a => a.textContent)")
    return [int(x) for x in cells]


def _total(pg) -> int:
    return int(pg.locator("#total").get_attribute("data-total"))


def _loads(body: bytes) -> dict:
    import json

    return json.loads(body)


def _fetch(pg, link: str) -> bytes:
    """What a link of the page answers (the browser's own request: the same URL a click sends)."""
    url = pg.locator(link).first.get_attribute("href")
    with urllib.request.urlopen(urllib.request.urljoin(pg.url, url), timeout=30) as r:
        return r.read()


def test_explorer_headers_sit_over_their_values_and_years_on_a_time_axis(page, real_server: str) -> None:
    page.goto(f"{real_server}/explore?indicator=gdp&measure=level&within=广州市")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    # each year's header ends where the values under it end (both right-aligned in one column)
    gaps = page.evaluate("""() => {
        const right = el => { const r = document.createRange(); r.selectNodeContents(el);
                              return r.getBoundingClientRect().right; };
        const heads = [...document.querySelectorAll('#compare-table thead th')].slice(1);
        return [...document.querySelectorAll('#compare-table tbody tr')].flatMap(tr =>
            [...tr.querySelectorAll('td')].map((td, i) => Math.abs(right(td) - right(heads[i]))));
    }""")
    assert gaps and max(gaps) < 3, gaps
    periods = page.eval_on_selector_all("#compare-table thead th", "ths => ths.slice(1).map(t => t.textContent)")
    assert {"2007", "2019", "2020"} <= set(periods)
    xs = page.evaluate("""ps => { const c = echarts.getInstanceByDom(document.getElementById('chart'));
                                  return ps.map(p => c.convertToPixel({xAxisIndex: 0}, p)); }""",
                       ["2007", "2019", "2020"])
    assert abs((xs[1] - xs[0]) - 12 * (xs[2] - xs[1])) < 2, xs  # 2007 → 2019 is twelve years, 2019 → 2020 one
    shot(page, "explore-time-axis")
    assert page.errors == []


def test_explorer_keeps_far_out_values_from_squashing_the_rest(page, real_server: str) -> None:
    page.goto(f"{real_server}/explore?indicator=gdp&measure=level")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    chart = """() => { const c = echarts.getInstanceByDom(document.getElementById('chart')), o = c.getOption();
        const points = o.series.flatMap(s => s.data.map(d => ({shown: d.value[1], real: d.value[2],
                                                               symbol: d.symbol || ''})));
        return {max: o.yAxis[0].max, type: o.yAxis[0].type, points}; }"""
    robust = page.evaluate(chart)
    outside = [p for p in robust["points"] if p["real"] > robust["max"]]
    assert outside and all(p["shown"] <= robust["max"] and p["symbol"] == "triangle" for p in outside)
    assert all(p["symbol"] == "" for p in robust["points"] if p["real"] <= robust["max"])
    assert str(len(outside)) in page.locator("#clipped-note").inner_text()
    shot(page, "explore-robust-scale")
    page.locator("#clipped-note a").last.click()  # the log scale
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    log = page.evaluate(chart)
    assert log["type"] == "log" and all(p["shown"] == p["real"] for p in log["points"])
    assert page.errors == []


def test_targets_come_a_page_at_a_time_without_squeezed_columns(page, real_server: str) -> None:
    page.goto(f"{real_server}/targets")
    api = _json(f"{real_server}/api/targets")
    total = _total(page)
    assert total == len(api["rows"]) > 500
    rows = page.locator("#targets-table tbody tr")
    assert rows.count() == 50
    first = page.eval_on_selector_all("#targets-table tbody tr td:nth-child(5) a", "as => as.map(a => a.href)")
    # no cell is taller than a few lines, and the short ones stay on one line
    heights = page.evaluate("""() => {
        const line = parseFloat(getComputedStyle(document.body).lineHeight);
        return [...document.querySelectorAll('#targets-table tbody td')].map(td => {
            const r = document.createRange(); r.selectNodeContents(td);
            return {cls: td.className, lines: r.getBoundingClientRect().height / line}; });
    }""")
    assert max(h["lines"] for h in heights) <= 4.5, max(heights, key=lambda h: h["lines"])
    assert max(h["lines"] for h in heights if h["cls"] in ("place", "period", "measure", "num")) < 1.5
    assert page.evaluate("document.documentElement.scrollHeight") < 12000
    shot(page, "targets-page-1")
    page.click(".pages a[data-page='2']")
    page.wait_for_url("**page=2")
    second = page.eval_on_selector_all("#targets-table tbody tr td:nth-child(5) a", "as => as.map(a => a.href)")
    assert second and not set(second) & set(first)
    # a status in the tally narrows the table to it; the JSON link answers the same rows
    page.click(".tally a.status.met")
    page.wait_for_url("**status=met**")
    assert _total(page) == api["tally"]["met"]
    assert {s.inner_text() for s in page.locator("#targets-table tbody .status").all()} == {"已完成"}
    shown = page.eval_on_selector_all("#targets-table tbody tr td:nth-child(5) a",
                                      "as => as.map(a => +a.href.split('/').pop())")
    assert [r["target_fact"] for r in _loads(_fetch(page, "a:text-is('JSON')"))["rows"]] == shown
    assert page.errors == []


def test_facets_narrow_the_facts_and_count_them(page, real_server: str) -> None:
    page.goto(f"{real_server}/facts")
    everything = _total(page)
    assert everything == _json(f"{real_server}/api/facts?page=1")["total"]
    facet = page.locator("#facets .facet[data-facet='place'] li").first
    label, count = facet.locator("a").inner_text(), int(facet.locator(".count").inner_text().replace(",", ""))
    facet.locator("a").click()
    page.wait_for_url("**place=**")
    assert _total(page) == count < everything
    assert {c.strip() for c in page.eval_on_selector_all("#facts-table tbody tr td:nth-child(3)",
                                                          "tds => tds.map(t => t.textContent)")} == {label}
    # a second facet narrows further, and its counts are those of the narrowed set
    kind = page.locator("#facets .facet[data-facet='kind'] li").first
    n_kind = int(kind.locator(".count").inner_text().replace(",", ""))
    assert n_kind <= count
    kind.locator("a").click()
    page.wait_for_url("**kind=**")
    assert _total(page) == n_kind
    shot(page, "facts-facets")
    page.locator(".active .chip").first.click()  # removing the place widens again
    page.wait_for_url(lambda url: "place=" not in url)
    assert _total(page) > n_kind
    assert page.errors == []


def test_facts_sort_by_a_column_and_page_by_number(page, real_server: str) -> None:
    page.goto(f"{real_server}/facts?type=quantity")
    page.click("#facts-table th[data-sort='value'] a")
    page.wait_for_url("**sort=value**")
    body = _loads(_fetch(page, "a:text-is('JSON')"))
    values = [r["value"] for r in body["rows"]]
    assert [r["id"] for r in body["rows"]] == _ids(page)
    assert values == sorted(values) and body["total"] == _total(page)
    page.click("#facts-table th[data-sort='value'] a")  # again: descending
    page.wait_for_url("**sort=-value**")
    down = [r["value"] for r in _loads(_fetch(page, "a:text-is('JSON')"))["rows"]]
    assert down == sorted(down, reverse=True) and down[0] > values[-1]
    assert page.locator("#facts-table th[data-sort='value']").get_attribute("aria-sort") == "descending"
    first = _ids(page)
    page.click(".pages a[data-page='2']")
    page.wait_for_url("**page=2**")
    second = _ids(page)
    assert len(second) == 100 and not set(first) & set(second)
    assert page.locator(".pages b[aria-current]").inner_text() == "2"
    later = [r["value"] for r in _loads(_fetch(page, "a:text-is('JSON')"))["rows"]]
    assert max(later) <= min(down)  # page 2 goes on where page 1 stopped
    page.click(".pages a[data-page='1']")
    assert _ids(page) == first
    assert page.errors == []


def test_filter_builder_narrows_and_the_downloads_hold_the_same_rows(page, real_server: str) -> None:
    page.goto(f"{real_server}/facts")
    everything = _total(page)
    page.select_option("#f-measure", "growth")
    page.fill("#f-value-min", "10")
    page.fill("#f-unit", "%")
    page.click("#facts-go")
    page.wait_for_url("**value_min=10**")
    narrowed = _total(page)
    assert 0 < narrowed < everything
    page.select_option("#f-qualifier", "over")
    page.click("#facts-go")
    page.wait_for_url("**qualifier=over**")
    over = _total(page)
    assert 0 < over < narrowed
    rows = _loads(_fetch(page, "a:text-is('JSON')"))["rows"]
    assert rows and all(r["measure"] == "growth" and r["value"] >= 10 and r["unit"] == "%" and
                        r["qualifier"] == "over" for r in rows)
    assert [r["id"] for r in rows] == _ids(page)
    import csv
    import io

    table = list(csv.DictReader(io.StringIO(_fetch(page, "a:text-is('CSV')").decode("utf-8-sig"))))
    assert len(table) == over and [int(r["id"]) for r in table][:len(rows)] == [r["id"] for r in rows]
    shot(page, "facts-filter-builder")
    page.goto(f"{real_server}/facts?value_min=abc")
    assert "value_min" in page.locator(".error").inner_text()
    assert page.errors == []


def test_place_and_indicator_pages_show_series_and_sources(page, real_server: str) -> None:
    page.goto(f"{real_server}/facts?place=广东省")
    page.locator("#facts-table tbody tr td:nth-child(3) a").first.click()
    page.wait_for_url("**/places/440000")
    assert "广东省" in page.locator("#place-title").inner_text()
    years = page.eval_on_selector_all("#place-series thead th.num", "ths => ths.map(t => +t.textContent)")
    assert years and years == sorted(years)
    gdp = page.locator("#place-series tr[data-indicator='gdp'][data-measure='level']")
    assert gdp.locator("td.num a").count() >= 1
    sources = page.locator("#place-sources li > a")
    assert sources.count() >= 1
    shot(page, "place")
    gdp.locator("td.num a").first.click()
    page.wait_for_url("**/facts/*")
    assert "gdp" in page.locator("#fact-fields").inner_text()
    page.go_back()
    page.locator("#place-sources li > a").first.click()
    page.wait_for_url("**/documents/*")
    assert page.locator("#doc-text a.hl").count() > 0
    page.goto(f"{real_server}/places/440000")
    page.locator("#place-series tr[data-indicator='gdp'] th a").first.click()
    page.wait_for_url("**/indicators/gdp")
    assert "地区生产总值" in page.locator("#indicator-title").inner_text()
    rows = page.locator("#series-level tbody tr")
    assert rows.count() >= 5 and "广东省" in page.locator("#series-level").inner_text()
    periods = page.eval_on_selector_all("#series-level thead th.num", "ths => ths.map(t => t.textContent)")
    assert {"2007", "2025"} <= set(periods)
    assert page.locator("#indicator-sources li > a").count() >= 5
    same = _loads(_fetch(page, "a:text-is('JSON')"))  # the first table's JSON link
    assert same["periods"] == periods and len(same["places"]) == rows.count()
    shot(page, "indicator")
    page.locator("#indicator-sources li > a").first.click()
    page.wait_for_url("**/documents/*")
    assert page.errors == []
