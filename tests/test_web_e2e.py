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
