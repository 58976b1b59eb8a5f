"""zhibiao.store.flags, `zhibiao flag`, /api/facts/{id}/flag and the fact page's form: marking a fact wrong.

Real documents on both backends (the Hailar reports: a retail-sales target set in 2017 and
reported in 2018; the 南沙 2023 news with a second outlet that prints another growth rate), and
the fact page in Debian's Chromium.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS, need_shared
from tests.test_compare import add_other_source
from zhibiao.analysis.compare import BETWEEN, compare, conflicts
from zhibiao.analysis.query import Filters, find
from zhibiao.analysis.targets import targets
from zhibiao.cli import app
from zhibiao.store import open_store
from zhibiao.store.flags import MAX_NOTE, FlagError, clear_flag, flag_fact, flag_of

TOKEN = "flag-token"


def _retail_2017(store):
    rows = targets(store, place="海拉尔区", period="2017", indicator="retail_sales", measure="growth")
    assert len(rows) == 1
    return rows[0]


def test_a_flag_keeps_its_note_and_time_and_leaves_the_fact_out_of_targets(filled):
    row = _retail_2017(filled)
    assert (row.target["value"], row.actual["value"], row.status) == (10, 6.9, "missed")
    actual_id, target_id = row.actual["id"], row.target["id"]

    flag = flag_fact(filled, actual_id, "  6.9% is 2017's rate of another indicator  ")
    assert flag["note"] == "6.9% is 2017's rate of another indicator" and flag["flagged_at"].startswith("20")
    assert flag_of(filled, actual_id) == flag
    assert flag_fact(filled, actual_id, "second thoughts")["note"] == "second thoughts"  # one flag, note replaced
    assert _retail_2017(filled).actual is None or _retail_2017(filled).actual["id"] != actual_id
    [exported] = [r for r in find(filled, Filters(doc=row.actual["doc_id"])) if r["id"] == actual_id]
    assert exported["flagged"] is True

    flag_fact(filled, target_id)
    assert targets(filled, place="海拉尔区", period="2017", indicator="retail_sales", measure="growth") == []
    assert clear_flag(filled, target_id) and clear_flag(filled, actual_id)
    assert not clear_flag(filled, actual_id)
    assert flag_of(filled, actual_id) is None and _retail_2017(filled).actual["id"] == actual_id


def test_a_flagged_report_is_left_out_of_compare_and_conflicts(filled, real_docs, tmp_path):
    add_other_source(filled, real_docs, tmp_path)  # the same news printing 4.9% for 4.2%
    cell = compare(filled, "gdp", measure="growth", place="南沙").cells[("440115", "2022")]
    assert cell.conflict == BETWEEN
    wrong = next(r for r in cell.reports if r["value"] == 4.9)
    flag_fact(filled, wrong["id"], "misprint of the second outlet")
    cell = compare(filled, "gdp", measure="growth", place="南沙").cells[("440115", "2022")]
    assert [r["value"] for r in cell.reports] == [4.2] and not cell.disagree
    assert [g for g in conflicts(filled, Filters(place="南沙")) if g.scope == BETWEEN] == []


def test_bad_flags_are_refused_and_nothing_is_written(filled):
    with pytest.raises(FlagError, match="no fact 987654321"):
        flag_fact(filled, 987654321)
    fact_id = _retail_2017(filled).target["id"]
    with pytest.raises(FlagError, match=f"note: {MAX_NOTE + 1} characters"):
        flag_fact(filled, fact_id, "x" * (MAX_NOTE + 1))
    assert flag_of(filled, fact_id) is None


def test_flags_survive_reingesting_the_document(db_url, tmp_path):
    """Re-ingesting replaces a document's facts with new rows (new ids): the flag follows its fact."""
    from zhibiao.store.ingest import ingest

    need_shared()
    doc, later = tmp_path / "000_3651a326c51bf532.txt", tmp_path / "001_18dbd27aeb4158ef.txt"
    for path in (doc, later):
        path.write_bytes((SEEDS / path.name).read_bytes())
    with open_store(db_url, create=True, say=None) as store:
        assert ingest(store, [str(doc), str(later)], workers=1).stored == 2  # the re-ingested facts come after
        gdp = next(r for r in find(store, Filters(indicator="gdp", measure="level")))
        flag_fact(store, gdp["id"], "checked against the yearbook")
        again = ingest(store, [str(doc)], workers=1, force=True)
        assert again.replaced == 1
        same = next(r for r in find(store, Filters(indicator="gdp", measure="level", doc=again.documents[0][1])))
        assert same["id"] != gdp["id"] and (same["start"], same["end"]) == (gdp["start"], gdp["end"])
        assert flag_of(store, same["id"])["note"] == "checked against the yearbook" and same["flagged"] is True
        assert flag_of(store, gdp["id"]) is None


def test_flag_command(filled):
    url = filled.where if filled.is_sqlite else filled.url
    fact_id = _retail_2017(filled).actual["id"]
    done = CliRunner().invoke(app, ["flag", str(fact_id), "--note", "wrong year", "--db", url])
    assert done.exit_code == 0 and f"fact {fact_id}: marked wrong" in done.stdout and "(wrong year)" in done.stdout
    assert flag_of(filled, fact_id)["note"] == "wrong year"
    cleared = CliRunner().invoke(app, ["flag", str(fact_id), "--clear", "--db", url])
    assert cleared.exit_code == 0 and "mark removed" in cleared.stdout and flag_of(filled, fact_id) is None
    unknown = CliRunner().invoke(app, ["flag", "987654321", "--db", url])
    assert unknown.exit_code == 1 and "no fact 987654321" in unknown.stderr
    both = CliRunner().invoke(app, ["flag", str(fact_id), "--clear", "--note", "x", "--db", url])
    assert both.exit_code == 1 and "give one of them" in both.stderr


# --------------------------------------------------------------------------- over HTTP


def _client(url: str, token: str | None):
    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from zhibiao.web import create_app

    return TestClient(create_app(url, token=token))


def test_flag_api_needs_the_token_and_changes_compare(filled, real_docs, tmp_path):
    add_other_source(filled, real_docs, tmp_path)
    url = filled.where if filled.is_sqlite else filled.url
    params = {"indicator": "gdp", "measure": "growth", "place": "南沙"}
    with _client(url, TOKEN) as client:
        cell = next(c for c in client.get("/api/compare", params=params).json()["cells"] if c["period"] == "2022")
        assert cell["disagree"] and cell["reports"] == 2
        fact_id = cell["fact_id"]
        assert client.post(f"/api/facts/{fact_id}/flag", json={"note": "misprint"}).status_code == 401
        bad = client.post(f"/api/facts/{fact_id}/flag", json={"note": "misprint"},
                          headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401 and "API token" in bad.json()["error"]
        auth = {"Authorization": f"Bearer {TOKEN}"}
        done = client.post(f"/api/facts/{fact_id}/flag", json={"note": "misprint"}, headers=auth)
        assert done.status_code == 200 and done.json()["flagged"] and done.json()["note"] == "misprint"
        assert client.get(f"/api/facts/{fact_id}").json()["flag"]["note"] == "misprint"
        cell = next(c for c in client.get("/api/compare", params=params).json()["cells"] if c["period"] == "2022")
        assert not cell["disagree"] and cell["reports"] == 1 and cell["fact_id"] != fact_id
        assert client.post("/api/facts/987654321/flag", json={}, headers=auth).status_code == 404
        gone = client.delete(f"/api/facts/{fact_id}/flag", headers=auth)
        assert gone.json() == {"ok": True, "fact_id": fact_id, "flagged": False, "removed": True}
        assert client.get(f"/api/facts/{fact_id}").json()["flag"] is None
    with _client(url, None) as read_only:
        refused = read_only.post(f"/api/facts/{fact_id}/flag", json={}, headers=auth)
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]
        assert "--token" in read_only.get(f"/facts/{fact_id}").text  # the page says why there is no form


def test_fact_page_form_works_without_javascript(filled):
    url = filled.where if filled.is_sqlite else filled.url
    fact_id = _retail_2017(filled).actual["id"]
    with _client(url, TOKEN) as client:
        assert client.post(f"/facts/{fact_id}/flag", data={"token": "nope", "note": "x"}).status_code == 401
        sent = client.post(f"/facts/{fact_id}/flag", data={"token": TOKEN, "note": "年份不对"}, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == f"/facts/{fact_id}"
        page = client.get(f"/facts/{fact_id}").text
        assert 'class="flag is-flagged"' in page and "年份不对" in page
        listed = client.get("/facts", params={"place": "海拉尔区", "period": "2017", "indicator": "retail_sales"}).text
        row = listed[listed.index(f'<a href="/facts/{fact_id}">'):].split("</tr>")[0]  # the list marks it
        assert "flagged-mark" in row and listed.count("flagged-mark") == 1
        client.post(f"/facts/{fact_id}/flag", data={"token": TOKEN, "action": "clear"})
        assert flag_of(filled, fact_id) is None


def test_mark_wrong_in_the_browser_then_reload(tmp_path: Path):
    """Click "mark wrong" on a fact page, reload: still marked; compare and targets leave it out."""
    import json
    import urllib.request

    from tests.serving import serving
    from tests.test_api import build_fact_base
    from tests.test_web_e2e import ARGS, CHROMIUM

    need_shared()
    if not CHROMIUM:
        pytest.skip("Chromium not found (apt-get install chromium; or set ZHIBIAO_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    db = build_fact_base(tmp_path)

    def get(url: str) -> dict:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    with serving(db, tmp_path / "serve.log", token=TOKEN, timeout=30) as (base, _), sync_api.sync_playwright() as p:
        compare_url = f"{base}/api/compare?indicator=gdp&measure=growth&place=440115"
        cell = next(c for c in get(compare_url)["cells"] if c["period"] == "2023")
        assert cell["disagree"] and cell["reports"] == 2  # 4.3% in the seed, 5.9% in the conflicting news
        fact_id = cell["fact_id"]
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/facts/{fact_id}")
            assert page.locator("#flag-status").is_hidden()
            page.fill("#flag-token", TOKEN)
            page.fill("#flag-note-input", "5.9% 是误报")
            page.click("#flag-button")
            page.locator("#flag-status").wait_for(state="visible")
            assert page.url == f"{base}/facts/{fact_id}"  # changed in place, no navigation
            assert "5.9% 是误报" in page.locator("#flag-note").inner_text()
            page.reload()
            status = page.locator("#flag-status")
            assert status.is_visible() and "5.9% 是误报" in status.inner_text()
            assert page.locator("#fact-flag.is-flagged").count() == 1
            assert errors == []
        finally:
            browser.close()
        cell = next(c for c in get(compare_url)["cells"] if c["period"] == "2023")
        assert cell["reports"] == 1 and not cell["disagree"] and cell["fact_id"] != fact_id
        listed = get(f"{base}/api/targets?place=440115&indicator=gdp&measure=growth")["rows"]
        assert all(r["actual_fact"] != fact_id and r["target_fact"] != fact_id for r in listed)
        assert all(g["region_code"] != "440115" or g["topic"] != "gdp" or g["measure"] != "growth"
                   for g in get(f"{base}/api/conflicts")["groups"])
