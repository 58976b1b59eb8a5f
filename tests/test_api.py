"""The REST API and the server-rendered pages, against real fact bases (a SQLite file and a
PostgreSQL database) built by ingesting the seed documents (plus two small documents of our own:
one that contradicts a seed, one full of markup that must never run).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import socket
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, need_shared
from tests.serving import serving

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx vs httpx2
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token"
#: A news item that reports 南沙's 2023 GDP growth differently from seed 000 (4.3%): a conflict.
CONFLICT_DOC = """南沙区2023年经济运行简况

发布日期：2024-02-20

2023年，广州市南沙区实现地区生产总值2323.54亿元，同比增长5.9%。
"""
#: Markup in the text and inside a fact's subject and evidence: it must show as text, never run.
XSS_DOC = """广州市白云区经济运行情况<script>alert("xss-script")</script>

发布日期：2024-03-01

2023年，广州市白云区地区生产总值增长8.1%<img src=x onerror="alert('xss-img')">，固定资产投资增长10.2%。
<b onmouseover="alert('xss-b')">规模以上工业总产值</b>达到1500亿元。"><svg onload=alert(1)>
"""
XSS_NAME = "xss-test.txt"
CONFLICT_NAME = "conflict-nansha.txt"


def build_fact_base(folder: Path, url: str | None = None) -> str:
    """Ingest the seeds and the two documents above (as ``zhibiao ingest`` does) into `url`, by
    default ``folder/web.db``; the database's path or URL."""
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest

    docs = folder / "docs"
    docs.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(path, docs / path.name)
    (docs / CONFLICT_NAME).write_text(CONFLICT_DOC, encoding="utf-8")
    (docs / XSS_NAME).write_text(XSS_DOC, encoding="utf-8")
    db = url or str(folder / "web.db")
    with open_store(db, create=True, say=None) as store:
        summary = ingest(store, [str(docs)], workers=1)
    assert summary.ok, summary.failed
    return db


@pytest.fixture(scope="module")
def fact_base(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed fact base, on SQLite and on PostgreSQL (read-only for the tests of this module)."""
    need_shared()
    return build_fact_base(tmp_path_factory.mktemp("web"), module_db_url)


@pytest.fixture(scope="module")
def client(fact_base: str) -> Iterator[TestClient]:
    """A client of the app over the seed fact base, with an API token set."""
    from zhibiao.web import create_app

    with TestClient(create_app(fact_base, token=TOKEN, max_upload_mb=1)) as c:
        yield c


@pytest.fixture
def fresh(db_url: str) -> Iterator[TestClient]:
    """A client of an app over a database of one seed document (SQLite, PostgreSQL), for tests that write."""
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest
    from zhibiao.web import create_app

    need_shared()
    db = db_url
    with open_store(db, create=True, say=None) as store:
        ingest(store, [str(SEEDS / "000_3651a326c51bf532.txt")], workers=1)
    with TestClient(create_app(db, token=TOKEN, max_upload_mb=1)) as c:
        yield c


def doc_id(client: TestClient, name: str) -> int:
    """The id of the current document called `name`."""
    rows = client.get("/api/documents").json()["rows"]
    return next(r["id"] for r in rows if r["name"] == name)


# --------------------------------------------------------------------------- facts


def test_library_at_a_glance(client: TestClient) -> None:
    body = client.get("/api").json()
    assert body["ok"] is True
    lib = body["library"]
    assert lib["documents"] == 7
    assert lib["facts"] == sum(lib["by_type"].values()) > 500
    assert lib["places"] >= 5
    assert body["read_only"] is False
    assert "/api/facts" in body["endpoints"]


def test_facts_filters_match_the_query_module(client: TestClient, fact_base: str) -> None:
    import zhibiao

    kb = zhibiao.open(fact_base)
    try:
        cases = [
            {"place": "南沙", "indicator": "gdp"},
            {"within": "广州市", "measure": "growth"},
            {"indicator": "地区生产总值", "period": "2023"},
            {"period": "2023:2024", "kind": "target"},
            {"type": "project"},
            {"search": "投资"},
            {"place": ["广州市南沙区", "440111"]},
        ]
        for params in cases:
            rows = client.get("/api/facts", params={**params, "size": 1000}).json()["rows"]
            kb_args = {k: v for k, v in params.items()}
            expected = kb.facts(**kb_args)
            assert [r["id"] for r in rows] == list(expected["id"]), params
            assert rows, params
        rows = client.get("/api/facts", params={"within": "广州市", "size": 1000}).json()["rows"]
        assert {r["region_code"][:4] for r in rows} == {"4401"}
        for written in ("2023-2024", "2023年至2024年"):  # the forms of zhibiao.analysis.query.parse_period
            same = client.get("/api/facts", params={"period": written, "kind": "target", "size": 1000}).json()
            assert [r["id"] for r in same["rows"]] == list(kb.facts(period="2023:2024", kind="target")["id"])
        rows = client.get("/api/facts", params={"search": "投资", "size": 1000}).json()["rows"]
        assert all("投资" in ((r["evidence"] or "") + (r["subject"] or "") + (r["name"] or "")) for r in rows)
    finally:
        kb.close()


def test_pagination_walks_every_fact_once(client: TestClient) -> None:
    first = client.get("/api/facts", params={"size": 50, "count": "true"}).json()
    total = first["total"]
    seen = [r["id"] for r in first["rows"]]
    url = first["next_url"]
    assert first["next"] and url.startswith("/api/facts?") and "size=50" in url
    while url:
        page = client.get(url).json()
        assert page["ok"] and len(page["rows"]) <= 50
        seen.extend(r["id"] for r in page["rows"])
        url = page["next_url"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == total
    filtered = client.get("/api/facts", params={"within": "广州市", "size": 7, "count": "true"}).json()
    ids = [r["id"] for r in filtered["rows"]]
    while filtered["next"]:
        filtered = client.get("/api/facts", params={"within": "广州市", "size": 7, "next": filtered["next"]}).json()
        ids.extend(r["id"] for r in filtered["rows"])
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("params", "status", "says"), [
    ({"place": "火星"}, 400, "unknown place"),
    ({"indicator": "no_such_thing"}, 400, "unknown indicator"),
    ({"period": "2025:2019"}, 400, "ends before it starts"),
    ({"period": "foo"}, 400, "bad period 'foo': use 2025 (or 2025年), 2024H1"),
    ({"kind": "guess"}, 422, "kind"),
    ({"size": 0}, 422, "size"),
    ({"next": "abc"}, 400, "bad next token"),
    ({"place": "' OR 1=1 --"}, 400, "unknown place"),
    ({"sort": "colour"}, 400, "unknown sort 'colour'"),
    ({"sort": "value; DROP TABLE facts"}, 400, "unknown sort"),
    ({"value_min": 10, "value_max": 5}, 400, "value_min 10 is above value_max 5"),
    ({"value_min": "lots"}, 422, "value_min"),
    ({"qualifier": "roughly"}, 422, "qualifier"),
    ({"page": 0}, 422, "page"),
])
def test_bad_filters_answer_one_line(client: TestClient, params: dict, status: int, says: str) -> None:
    r = client.get("/api/facts", params=params)
    assert r.status_code == status
    body = r.json()
    assert body["ok"] is False and body["status"] == status and says in body["error"]
    assert "\n" not in body["error"]


def test_parameters_are_data_not_sql(client: TestClient) -> None:
    before = client.get("/api").json()["library"]["facts"]
    for search in ("'; DROP TABLE facts; --", '" OR ""="', "投资') OR 1=1 --", "%_\\"):
        r = client.get("/api/facts", params={"search": search})
        assert r.status_code == 200 and r.json()["rows"] == []
    assert client.get("/api").json()["library"]["facts"] == before


def test_facts_download_in_yi_yuan(client: TestClient) -> None:
    params = {"place": "南沙", "indicator": "gdp", "period": "2023", "measure": "level", "format": "csv"}
    for unit, value in (("亿元", "2323.54"), ("万元", "23235400.0"), (None, "232354000000.0")):
        for extra in ({}, {"sort": "-value", "unit": "元"}):  # also through the filter builder's path
            r = client.get("/api/facts", params={**params, **extra, **({"money": unit} if unit else {})})
            rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
            assert (value, unit or "元") in {(row["value"], row["unit"]) for row in rows}, extra
    assert client.get("/api/facts", params={**params, "money": "千元"}).status_code in (400, 422)


def test_facts_csv_and_xlsx(client: TestClient) -> None:
    from openpyxl import load_workbook

    from zhibiao.analysis.query import COLUMNS

    total = client.get("/api/facts", params={"within": "广州市", "count": "true"}).json()["total"]
    r = client.get("/api/facts", params={"within": "广州市", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="zhibiao-facts.csv"' in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS and len(rows) - 1 == total
    r = client.get("/api/facts", params={"within": "广州市", "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["facts", "说明 notes"]
    assert book["facts"].max_row - 1 == total
    notes = [row[1] for row in book["说明 notes"].iter_rows(values_only=True)]
    assert any("within=" in str(n) for n in notes)


def test_a_fact_with_its_sentence_and_the_same_elsewhere(client: TestClient) -> None:
    rows = client.get("/api/facts", params={"place": "南沙", "indicator": "gdp", "measure": "growth",
                                            "period": "2023"}).json()["rows"]
    assert len(rows) >= 2
    body = client.get(f"/api/facts/{rows[0]['id']}").json()
    assert body["context"]["evidence"] == rows[0]["evidence"]
    assert body["context"]["before"] or body["context"]["after"]
    others = {r["id"] for r in body["same_elsewhere"]}
    assert rows[1]["id"] in others and all(r["doc_id"] != rows[0]["doc_id"] for r in body["same_elsewhere"])
    assert client.get("/api/facts/99999999").status_code == 404


# --------------------------------------------------------------------------- documents


def test_documents_and_offsets(client: TestClient) -> None:
    rows = client.get("/api/documents").json()["rows"]
    assert len(rows) == 7 and {"id", "name", "date", "n_facts"} <= set(rows[0])
    one = client.get(f"/api/documents/{rows[0]['id']}", params={"text": "true"}).json()
    text = one["document"]["text"]
    assert one["document"]["text_length"] == len(text)
    assert len(one["facts"]) == rows[0]["n_facts"] > 0
    for f in one["facts"]:
        assert text[f["start"]:f["end"]] == f["evidence"]
    without = client.get(f"/api/documents/{rows[0]['id']}").json()
    assert "text" not in without["document"]
    r = client.get(f"/api/documents/{rows[0]['id']}", params={"format": "csv"})
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == rows[0]["n_facts"] + 1
    assert client.get("/api/documents", params={"format": "csv"}).status_code == 200
    missing = client.get("/api/documents/424242")
    assert missing.status_code == 404 and missing.json()["error"] == "no document 424242"


# --------------------------------------------------------------------------- compare, targets, conflicts


def test_compare_within_guangzhou(client: TestClient) -> None:
    body = client.get("/api/compare", params={"indicator": "gdp", "measure": "growth", "within": "广州市"}).json()
    assert body["indicator"] == "gdp" and body["unit"] == "%"
    codes = [p["code"] for p in body["places"]]
    assert "440115" in codes and all(c.startswith("4401") for c in codes)
    nansha = next(c for c in body["cells"] if c["region_code"] == "440115" and c["period"] == "2023")
    assert nansha["disagree"] is True and nansha["reports"] == 2
    assert nansha["value"] == 5.9  # the newer document's report is shown
    row = next(r for r in body["rows"] if r["region_code"] == "440115")
    assert row["2023"] == 5.9
    r = client.get("/api/compare", params={"indicator": "gdp", "measure": "growth", "within": "广州市",
                                           "periods": "2022:2024", "format": "csv"})
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert header == ["region_code", "region", "2022", "2023", "2024"]
    assert 'filename="zhibiao-compare-gdp-growth.csv"' in r.headers["content-disposition"]
    assert client.get("/api/compare", params={"indicator": "gdp", "measure": "speed"}).status_code == 422
    assert client.get("/api/compare").status_code == 422


def test_facts_by_page_number_in_any_order(client: TestClient) -> None:
    first = client.get("/api/facts", params={"type": "quantity", "sort": "-value", "page": 1, "size": 20}).json()
    second = client.get("/api/facts", params={"type": "quantity", "sort": "-value", "page": 2, "size": 20}).json()
    assert first["total"] == second["total"] > 40 and first["pages"] == -(-first["total"] // 20)
    values = [r["value"] for r in first["rows"] + second["rows"]]
    assert values == sorted(values, reverse=True) and len(values) == 40
    narrowed = client.get("/api/facts", params={"value_min": 5, "value_max": 10, "unit": "%", "size": 1000}).json()
    assert narrowed["rows"] and all(5 <= r["value"] <= 10 and r["unit"] == "%" for r in narrowed["rows"])
    r = client.get("/api/facts", params={"value_min": 5, "value_max": 10, "unit": "%", "sort": "value",
                                         "format": "csv"})
    ids = [int(row["id"]) for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))]
    ordered = sorted(narrowed["rows"], key=lambda row: (row["value"], row["id"]))
    assert ids == [row["id"] for row in ordered]


def test_browsing_pages_answer_bad_parameters_by_name(client: TestClient) -> None:
    for url, says in [("/facts?value_min=abc", "value_min must be a number"), ("/facts?sort=colour", "unknown sort"),
                      ("/targets?sort=colour", "unknown sort"), ("/indicators/no_such_thing", "unknown indicator")]:
        r = client.get(url)
        assert r.status_code == 400 and says in r.text, url
    r = client.get("/places/999999")
    assert r.status_code == 404 and "no place 999999" in r.text
    page = client.get("/facts", params={"place": "440115", "sort": "-value", "page": 2, "size": 5}).text
    assert "/api/facts?place=440115&amp;sort=-value&amp;page=2&amp;size=5&amp;count=true" in page
    assert "/api/facts?place=440115&amp;sort=-value&amp;format=csv" in page


def test_targets(client: TestClient) -> None:
    body = client.get("/api/targets").json()
    assert body["rows"] and sum(body["tally"].values()) == len(body["rows"])
    pending = client.get("/api/targets", params={"status": "pending"}).json()["rows"]
    assert len(pending) == body["tally"]["pending"] and {r["status"] for r in pending} == {"pending"}
    placed = client.get("/api/targets", params={"place": "广州市南沙区"}).json()["rows"]
    assert placed and {r["region_code"] for r in placed} == {"440115"}
    r = client.get("/api/targets", params={"format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    paged = client.get("/api/targets", params={"sort": "-target", "page": 1, "size": 3}).json()
    assert len(paged["rows"]) == 3 and paged["total"] == len(body["rows"]) and paged["tally"] == body["tally"]
    values = [r["target_value"] for r in paged["rows"]]
    assert values == sorted(values, reverse=True)


def test_conflicts(client: TestClient) -> None:
    body = client.get("/api/conflicts").json()
    group = next(g for g in body["groups"] if g["region_code"] == "440115" and g["topic"] == "gdp"
                 and g["measure"] == "growth")
    assert group["period"] == "2023"
    assert {r["value"] for r in group["reports"]} == {4.3, 5.9}
    assert len({r["doc_id"] for r in group["reports"]}) == 2
    assert client.get("/api/conflicts", params={"place": "广州市海珠区"}).json()["groups"] == []
    assert client.get("/api/conflicts", params={"format": "csv"}).status_code == 200


# --------------------------------------------------------------------------- places and indicators


@pytest.mark.parametrize(("q", "code", "how"), [
    ("南沙", "440115", "name"),
    ("广州市南沙区", "440115", "name"),
    ("南沙新区", "440115", "name"),
    ("nsq", "440115", "initials"),
    ("gz", "440100", "initials"),
    ("guangzhou", "440100", "pinyin"),
    ("440111", "440111", "code"),
    ("4401", "440100", "code"),
])
def test_place_autocomplete(client: TestClient, q: str, code: str, how: str) -> None:
    rows = client.get("/api/places", params={"q": q}).json()["rows"]
    assert rows[0]["code"] == code and rows[0]["matched_by"] == how


def test_place_autocomplete_edges(client: TestClient) -> None:
    assert client.get("/api/places", params={"q": "zzzz"}).json()["rows"] == []
    assert client.get("/api/places", params={"q": ""}).status_code == 422
    assert len(client.get("/api/places", params={"q": "4", "limit": 3}).json()["rows"]) == 3


def test_indicators(client: TestClient) -> None:
    rows = client.get("/api/indicators").json()["rows"]
    gdp = next(r for r in rows if r["id"] == "gdp")
    assert gdp["name"] == "地区生产总值" and gdp["facts"] > 0 and "GDP" in gdp["aliases"]
    assert client.get("/api/indicators", params={"format": "xlsx"}).status_code == 200


# --------------------------------------------------------------------------- schema, docs, vendored files


def test_openapi_and_offline_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/facts", "/api/documents", "/api/documents/{doc_id}", "/api/compare", "/api/targets",
                 "/api/conflicts", "/api/places", "/api/indicators"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/documents"]
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-5.35.0-bundle.js" in docs
    assert "cdn." not in docs
    for page in ("/", "/explore?indicator=gdp", "/documents/1", "/docs"):
        html = client.get(page).text
        assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", html), page


def test_vendored_files_match_their_record() -> None:
    from zhibiao.web.app import STATIC

    record = (STATIC / "VENDORED.md").read_text(encoding="utf-8")
    listed = re.findall(r"\| `([^`]+)` \| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|", record)
    assert len(listed) == 3
    for name, package, digest in listed:
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest, name
        version = package.rsplit("@", 1)[1]
        assert version in name and re.fullmatch(r"\d+\.\d+\.\d+", version)


# --------------------------------------------------------------------------- pages


def test_pages_render_in_chinese_and_english(client: TestClient) -> None:
    nansha = doc_id(client, "000_3651a326c51bf532.txt")
    fact = client.get("/api/facts", params={"doc": nansha, "size": 1}).json()["rows"][0]
    for url, words in [("/", "文件"), ("/facts?search=投资", "事实"), (f"/documents/{nansha}", "本文件中的事实"),
                       (f"/facts/{fact['id']}", "在文件中查看"),
                       ("/explore", "指标浏览"), ("/targets", "目标完成"), ("/conflicts", "数据冲突")]:
        r = client.get(url)
        assert r.status_code == 200 and words in r.text, url
        assert r.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self';")
    r = client.get("/explore", params={"lang": "en"})
    assert "Explorer" in r.text and r.cookies.get("zhibiao_lang") == "en"
    assert 'lang="en"' in client.get("/targets").text  # remembered by the cookie
    client.get("/", params={"lang": "zh"})
    page = client.get("/explore", params={"indicator": "gdp", "measure": "growth", "within": "广州市"}).text
    assert 'id="compare-table"' in page and "广州市南沙区" in page and 'id="chart-data"' in page
    assert "/api/compare?indicator=gdp&amp;measure=growth" in page
    by_name = client.get("/explore", params={"indicator": "地区生产总值"}).text
    for html in (page, by_name):  # the picker keeps the indicator chosen, by id or by name, and only it
        assert re.findall(r'<option value="([^"]*)" selected>', html)[0] == "gdp"
    missing = client.get("/documents/424242")
    assert missing.status_code == 404 and "no document 424242" in missing.text
    bad = client.get("/facts", params={"place": "火星"})
    assert bad.status_code == 400 and "unknown place" in bad.text


def test_document_page_highlights_every_fact(client: TestClient) -> None:
    nansha = doc_id(client, "000_3651a326c51bf532.txt")
    doc = client.get(f"/api/documents/{nansha}").json()
    html = client.get(f"/documents/{nansha}").text
    for f in doc["facts"]:
        assert f'href="/facts/{f["id"]}" data-fact="{f["id"]}"' in html
        assert f'data-target="f{f["id"]}"' in html
    assert 'class="hl t-quantity"' in html and 'class="hl t-project"' in html


def test_stored_markup_stays_text(client: TestClient) -> None:
    xss = doc_id(client, XSS_NAME)
    facts = client.get(f"/api/documents/{xss}").json()["facts"]
    assert any("onmouseover" in (f["subject"] or "") for f in facts)
    pages = [f"/documents/{xss}", "/facts?search=onerror", f"/facts?doc={xss}", "/targets", "/conflicts",
             *(f"/facts/{f['id']}" for f in facts)]
    for url in pages:
        html = client.get(url).text
        for raw in ("<script>alert", "<img src=x", "<b onmouseover", "<svg onload", 'onerror="alert'):
            assert raw not in html, (url, raw)
    html = client.get(f"/documents/{xss}").text
    assert "&lt;script&gt;alert(&quot;xss-script&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    # the hover cards travel as JSON inside a non-executable script block, with < > & escaped
    cards = re.search(r'<script type="application/json" id="fact-cards">(.*?)</script>', html, re.S)
    assert cards and "<" not in cards.group(1) and "\\u003cb onmouseover" in cards.group(1)
    assert len(re.findall(r"<script\b", html)) == 3  # app.js and the two JSON blocks


# --------------------------------------------------------------------------- uploads


def _upload(client: TestClient, name: str, content: bytes, token: str | None = TOKEN, **form: str):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/documents", files={"file": (name, content, "text/plain")}, data=form, headers=headers)


def test_upload_needs_the_token(fresh: TestClient) -> None:
    r = _upload(fresh, "a.txt", CONFLICT_DOC.encode(), token=None)
    assert r.status_code == 401 and r.json()["ok"] is False and "token" in r.json()["error"]
    r = _upload(fresh, "a.txt", CONFLICT_DOC.encode(), token="wrong")
    assert r.status_code == 401
    r = fresh.post("/api/documents", files={"file": ("a.txt", b"x")}, headers={"X-Zhibiao-Token": "wrong"})
    assert r.status_code == 401
    assert len(fresh.get("/api/documents").json()["rows"]) == 1


def test_read_only_without_a_token(fact_base: str) -> None:
    from zhibiao.web import create_app

    with TestClient(create_app(fact_base, token="")) as c:
        r = _upload(c, "a.txt", CONFLICT_DOC.encode(), token="anything")
        assert r.status_code == 403 and "read-only" in r.json()["error"]
        assert c.get("/api").json()["read_only"] is True
        assert "只读" in c.get("/").text
        for method in ("put", "delete", "patch"):
            assert getattr(c, method)("/api/documents/1").status_code == 405


def test_upload_ingests_like_the_cli(fresh: TestClient) -> None:
    r = _upload(fresh, "../../etc/南沙 news.txt", CONFLICT_DOC.encode(), date="2024-02-20")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "stored" and body["facts_added"] >= 2
    assert body["document"]["name"] == "南沙 news.txt"
    new_id = body["document"]["id"]
    doc = fresh.get(f"/api/documents/{new_id}").json()["document"]
    assert doc["path"] == "upload:南沙 news.txt" and doc["meta"].get("date") == "2024-02-20"
    assert fresh.get(f"/documents/{new_id}").status_code == 200
    assert fresh.get("/api").json()["library"]["documents"] == 2  # caches were refreshed
    again = _upload(fresh, "../../etc/南沙 news.txt", CONFLICT_DOC.encode(), date="2024-02-20")
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    changed = _upload(fresh, "南沙 news.txt", CONFLICT_DOC.replace("5.9%", "6.1%").encode(), date="2024-02-20")
    assert changed.json()["status"] == "replaced" and changed.json()["facts_removed"] >= 2
    assert len(fresh.get("/api/documents").json()["rows"]) == 2
    gbk = _upload(fresh, "南沙 news.gbk.txt", CONFLICT_DOC.replace("5.9%", "6.1%").encode("gbk"), date="2024-02-20")
    assert gbk.status_code == 200 and gbk.json()["status"] == "same_text" and gbk.json()["document"]["id"] != new_id
    rows = fresh.get("/api/documents").json()["rows"]
    [news] = [r for r in rows if r["name"] == "南沙 news.txt"]
    assert len(rows) == 2 and news["sources"] == "upload:南沙 news.txt; upload:南沙 news.gbk.txt"


@pytest.mark.parametrize(("name", "content", "status", "says"), [
    ("empty.txt", b"", 422, "empty.txt: empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "photo.txt: not a text document"),
    ("big.txt", "增长".encode() * 700_000, 413, "over the 1 MB limit"),
])
def test_upload_errors_are_clear(fresh: TestClient, name: str, content: bytes, status: int, says: str) -> None:
    r = _upload(fresh, name, content)
    assert r.status_code == status and says in r.json()["error"], r.text
    assert len(fresh.get("/api/documents").json()["rows"]) == 1


def test_upload_refused_before_reading_an_oversized_body(fresh: TestClient) -> None:
    r = fresh.post("/api/documents", content=b"x" * 10, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Length": str(5 * 1024 * 1024),
        "Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


def test_upload_bad_date_and_missing_file(fresh: TestClient) -> None:
    r = _upload(fresh, "a.txt", CONFLICT_DOC.encode(), date="20 Feb 2024")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"]
    r = fresh.post("/api/documents", data={"date": "2024-01-01"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422 and r.json()["ok"] is False and "file" in r.json()["error"]


def test_safe_names() -> None:
    from zhibiao.web.upload import safe_name

    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\报告.docx") == "报告.docx"
    assert safe_name("..") == "upload" and safe_name("") == "upload" and safe_name(None) == "upload"
    assert safe_name("a\x00b\nc<script>.txt") == "abc_script_.txt"
    assert safe_name(".hidden.txt") == "hidden.txt"
    assert len(safe_name("长" * 500 + ".pdf")) == 120 and safe_name("长" * 500 + ".pdf").endswith(".pdf")


# --------------------------------------------------------------------------- the command


def test_serve_command_options() -> None:
    from typer.testing import CliRunner

    from zhibiao.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--token", "--max-upload-mb", "ZHIBIAO_TOKEN", "127.0.0.1"):
        assert option in result.output, option
    missing = CliRunner().invoke(app, ["serve", "--db", "/nonexistent/none.db"])
    assert missing.exit_code == 1


def test_repeated_requests_are_answered_alike(client: TestClient) -> None:
    """The response cache replays the same body and headers, never piling headers up."""
    url = "/api/compare?indicator=gdp&measure=growth&within=%E5%B9%BF%E5%B7%9E%E5%B8%82"
    first = client.get(url)
    for _ in range(3):
        again = client.get(url)
        assert again.content == first.content
        assert again.headers.get_list("content-security-policy") == first.headers.get_list("content-security-policy")
        assert len(again.headers.raw) == len(first.headers.raw)


@pytest.mark.parametrize("args", [(), ("--workers", "2")])
def test_a_raw_chinese_url_is_answered_with_how_to_encode_it(tmp_path: Path, args: tuple[str, ...]) -> None:
    """httptools refuses a request line that is not ASCII before the app sees it; the 400 says what to do."""
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest

    need_shared()
    db = tmp_path / "one.db"
    with open_store(str(db), create=True, say=None) as store:
        assert ingest(store, [str(SEEDS / "000_3651a326c51bf532.txt")], workers=1).ok
    with serving(db, tmp_path / "serve.log", *args) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall("GET /api/facts?within=广州市&indicator=gdp&format=csv HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        head, _, body = answer.decode("utf-8").partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 400") and "not percent-encoded" in body and "--data-urlencode" in body
        query = urllib.parse.urlencode({"within": "广州市", "indicator": "gdp", "format": "csv"})
        with urllib.request.urlopen(f"{base}/api/facts?{query}", timeout=30) as encoded:  # the README's way
            assert encoded.status == 200 and "广州市南沙区" in encoded.read().decode("utf-8-sig")


# --------------------------------------------------------------------------- documents' sources, conflicts' scope


def test_documents_show_title_place_sources_and_conflicts_their_scope(db_url: str, tmp_path: Path) -> None:
    """The 2016 Hailar report twice (UTF-8 and a GBK copy): one document, two sources; it gives
    海拉尔区's 2015 new jobs as 3000 and as 5650, a conflict within one document."""
    from tests.conftest import REAL
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest
    from zhibiao.web import create_app

    need_shared()
    name = "hulunbuir-hailar-2016-gov-work-report.txt"
    (tmp_path / name).write_bytes((REAL / name).read_bytes())
    (tmp_path / "copy.gbk.txt").write_bytes((REAL / name).read_text(encoding="utf-8").encode("gbk"))
    with open_store(db_url, create=True, say=None) as store:
        assert ingest(store, [str(tmp_path / name), str(tmp_path / "copy.gbk.txt")], workers=1).same_text == 1
    with TestClient(create_app(db_url)) as client:
        [row] = client.get("/api/documents").json()["rows"]
        assert (row["title"], row["date"], row["place"], row["place_code"]) == (
            "政府工作报告", "2016-02-19", "呼伦贝尔市海拉尔区", "150702")
        assert [Path(p).name for p in row["sources"].split("; ")] == [name, "copy.gbk.txt"]
        csv_head = client.get("/api/documents", params={"format": "csv"}).content.decode("utf-8-sig").splitlines()[0]
        assert csv_head == "id,name,title,version,date,place,place_code,n_facts,path,sources"
        one = client.get(f"/api/documents/{row['id']}").json()["document"]
        assert [(s["name"], s["encoding"]) for s in one["sources"]] == [(name, "utf-8"), ("copy.gbk.txt", "gb18030")]
        page = client.get(f"/documents/{row['id']}").text
        assert 'id="doc-sources"' in page and "copy.gbk.txt" in page and "(150702)" in page
        home = client.get("/").text
        assert "政府工作报告" in home and "+1 来源" in home
        groups = client.get("/api/conflicts", params={"indicator": "new_jobs", "period": "2015"}).json()["groups"]
        assert [(g["scope"], sorted(r["value"] for r in g["reports"])) for g in groups] == [
            ("within one document", [3000.0, 5650.0])]
        listed = client.get("/conflicts", params={"indicator": "new_jobs", "period": "2015"}).text
        assert "同一文件内" in listed and "5,650" in listed
        explored = client.get("/explore", params={"indicator": "new_jobs", "place": "海拉尔区"}).text
        assert '<span title="同一文件内">≠</span>' in explored


def test_explorer_says_which_conflicts_are_within_one_document(client: TestClient) -> None:
    """南沙 2023 GDP growth: 4.3% in the seed, 5.9% in the other news, a conflict between documents."""
    page = client.get("/explore", params={"indicator": "gdp", "measure": "growth", "within": "广州市"}).text
    assert '<span title="来源不一致">≠</span>' in page and '<span title="同一文件内">≠</span>' not in page
