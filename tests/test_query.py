"""zhibiao.analysis.query and `zhibiao query`/`show`/`doc`: filters in the user's words, exports, bad input.

Filter tests run on SQLite and PostgreSQL over real documents (`filled_ro`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhibiao.analysis.query import (
    Filters,
    QueryError,
    count,
    descendants,
    fact,
    find,
    ids_in,
    parse_period,
    resolve_indicator,
)
from zhibiao.cli import app

GUANGZHOU_DISTRICTS = {"广州市番禺区", "广州市黄埔区", "广州市天河区", "广州市南沙区"}


def cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_place_by_name_alias_full_name_or_code(filled_ro):
    by_full = find(filled_ro, Filters(place="广州市南沙区", indicator="gdp"))
    assert by_full and {r["region_code"] for r in by_full} == {"440115"}
    for same in ("南沙区", "南沙", "440115"):  # 三沙市 also has a 南沙区, but it has no facts here
        assert [r["id"] for r in find(filled_ro, Filters(place=same, indicator="gdp"))] == [r["id"] for r in by_full]
    both = find(filled_ro, Filters(place=["南沙", "番禺"], indicator="gdp"))
    assert {r["region"] for r in both} == {"广州市南沙区", "广州市番禺区"}


def test_within_takes_every_place_below(filled_ro):
    rows = find(filled_ro, Filters(within="广州市", indicator="gdp", measure="growth", kind="actual"))
    assert {r["region"] for r in rows} == GUANGZHOU_DISTRICTS
    assert all(r["region_code"] in descendants("440100") for r in rows)
    assert not find(filled_ro, Filters(within="广州市", place="海拉尔区"))


def test_indicator_by_id_name_or_alias(filled_ro):
    ids = [r["id"] for r in find(filled_ro, Filters(indicator="gdp"))]
    assert ids and all(r["indicator"] == "gdp" for r in find(filled_ro, Filters(indicator="gdp")))
    for alias in ("地区生产总值", "GDP", "gdp", "生产总值"):
        assert [r["id"] for r in find(filled_ro, Filters(indicator=alias))] == ids
    assert resolve_indicator("社会消费品零售总额") == "retail_sales"


def test_periods_exact_and_ranges(filled_ro):
    assert {r["period"] for r in find(filled_ro, Filters(period="2017", place="海拉尔区"))} == {"2017"}
    spread = {r["period"] for r in find(filled_ro, Filters(period="2016:2017", place="海拉尔区"))}
    assert {"2016", "2017"} <= spread and all(p[:4] in ("2016", "2017") for p in spread)
    assert {r["period"] for r in find(filled_ro, Filters(period="2021-01/2021-02"))} == {"2021-01/2021-02"}
    assert all(r["period"][:4] >= "2024" for r in find(filled_ro, Filters(period="2024:")))
    assert parse_period("2019:2025") == (None, 2019, 2025) and parse_period("2024H1") == ("2024H1", None, None)


def test_kind_measure_type_doc_and_search(filled_ro):
    targets = find(filled_ro, Filters(kind="target", measure="growth", place="海拉尔区", period="2017"))
    assert targets and all((r["kind"], r["measure"]) == ("target", "growth") for r in targets)
    projects = find(filled_ro, Filters(type="project"))
    assert projects and all(r["type"] == "project" and r["name"] for r in projects)
    one_doc = find(filled_ro, Filters(doc=targets[0]["doc_id"]))
    assert {r["doc"] for r in one_doc} == {targets[0]["doc"]}
    both = find(filled_ro, Filters(search="社会消费品 增长", place="海拉尔区"))
    assert both and all("社会消费品" in r["evidence"] + (r["subject"] or "") for r in both)
    assert count(filled_ro, Filters(search="社会消费品")) >= len(both)



@pytest.mark.parametrize("flt", [Filters(place="海拉尔区"), Filters(within="广州市"), Filters(place=["南沙", "番禺"]),
                                 Filters(within="广东省", kind="target")])
@pytest.mark.parametrize("words", ["投资", "增长 亿元", "GDP"])
def test_a_search_within_places_finds_what_the_search_finds_there(filled_ro, flt, words):
    """The place tokens let the index intersect a word's hits with the places' (zhibiao.store.fts):
    the answer must be the search's hits everywhere, kept to those places."""
    from dataclasses import replace

    everywhere = find(filled_ro, Filters(search=words, kind=flt.kind))
    places = {r["region_code"] for r in find(filled_ro, replace(flt, search=None))}
    within = find(filled_ro, replace(flt, search=words))
    assert [r["id"] for r in within] == [r["id"] for r in everywhere if r["region_code"] in places]
    assert within or words != "投资"  # every one of these places has investment figures


@pytest.mark.parametrize("words", ["投资", "增长 亿元", "GDP", "地区生产总值 增长", "投资 3000元"])
def test_a_search_counts_what_it_finds(filled_ro, words):
    """A search alone is counted in the index (zhibiao.analysis.query.count): the same number as its rows."""
    assert count(filled_ro, Filters(search=words)) == len(find(filled_ro, Filters(search=words)))


def test_every_placed_fact_carries_its_place_token():
    from zhibiao.store.fts import bigrams, place_token
    from zhibiao.store.rows import search_text

    rec = {"subject": "地区生产总值", "evidence": "地区生产总值2323.54亿元", "region_code": "440115"}
    assert search_text(rec) == bigrams("地区生产总值", "地区生产总值2323.54亿元") + " zbp440115"
    assert search_text({**rec, "region_code": None}) == bigrams("地区生产总值", "地区生产总值2323.54亿元")
    assert place_token("44 01") is None and place_token("广州") is None  # the tokenizers would split these

@pytest.mark.parametrize(("flt", "message"), [
    (Filters(place="广洲市"), "unknown place '广洲市'; closest: 广州市"),
    (Filters(indicator="gpd"), "unknown indicator 'gpd'; closest: gdp"),
    (Filters(period="2025:2019"), "ends before it starts"),
    (Filters(kind="plan"), "unknown kind 'plan': use one of actual, target"),
    (Filters(place="999999"), "unknown place code 999999"),
])
def test_unknown_names_say_so_and_suggest(filled_ro, flt, message):
    with pytest.raises(QueryError, match=message):
        find(filled_ro, flt)


def test_ids_in_reads_any_number_of_ids_as_one_value(filled_ro):
    """Every stored id and 7,000 absent ones (past the old 5,000-id chunks and SQLite's classic
    999-variable limit) select exactly the stored facts; one id selects one."""
    from sqlalchemy import select

    from zhibiao.store.schema import facts

    with filled_ro.read() as conn:
        stored = sorted(conn.execute(select(facts.c.id)).scalars())
        asked = stored + list(range(stored[-1] + 1, stored[-1] + 7_001))
        found = conn.execute(select(facts.c.id).where(ids_in(conn, facts.c.id, asked))).scalars()
        assert sorted(found) == stored
        one = conn.execute(select(facts.c.subject).where(ids_in(conn, facts.c.id, [stored[3]]))).scalars().all()
        assert one == [conn.execute(select(facts.c.subject).where(facts.c.id == stored[3])).scalar()]


def test_ambiguous_place_names_its_choices(filled, tmp_path):
    """Two 白云区 (广州, 贵阳): the one with facts is meant; once both have facts, name the choices."""
    from zhibiao.store.ingest import content_key, prepare
    from zhibiao.store.write import write_document

    assert {r["region"] for r in find(filled, Filters(place="白云区"))} == {"广州市白云区"}
    doc = tmp_path / "baiyun-guiyang.txt"
    doc.write_text("贵阳市白云区2023年地区生产总值增长5.1%。", encoding="utf-8")
    key, size = content_key(doc)
    write_document(filled, prepare(doc, key, size))
    with pytest.raises(QueryError, match=r"'白云区' is ambiguous: 广州市白云区 \(440111\), 贵阳市白云区 \(520113\)"):
        find(filled, Filters(place="白云区"))
    assert {r["region"] for r in find(filled, Filters(place="贵阳市白云区"))} == {"贵阳市白云区"}


# --------------------------------------------------------------------------- the command


@pytest.fixture
def db(filled_ro) -> str:
    return filled_ro.url if not filled_ro.is_sqlite else filled_ro.where


def test_query_table_csv_json_jsonl(db, tmp_path):
    table = cli("query", "--within", "广州市", "-i", "gdp", "--measure", "growth", "--db", db)
    assert table.exit_code == 0 and "广州市南沙区" in table.stdout and "4.3%" in table.stdout

    out = tmp_path / "gdp.csv"
    assert cli("query", "-i", "gdp", "--db", db, "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and rows[0]["indicator"] == "gdp" and {"start", "end", "region_code", "unit"} <= set(rows[0])

    as_json = cli("query", "-i", "gdp", "--db", db, "-f", "json")
    records = json.loads(as_json.stdout)
    assert len(records) == len(rows) and records[0]["evidence"]
    lines = cli("query", "-i", "gdp", "--db", db, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(x) for x in lines] == records
    assert "name" not in records[0] and "policy" not in records[0]  # a quantity keeps its own fields


def test_query_xlsx_has_a_notes_sheet_and_parquet_its_metadata(db, tmp_path):
    import openpyxl
    import pyarrow.parquet as pq

    from zhibiao.store.schema import HEAD

    xlsx = tmp_path / "gdp.xlsx"
    assert cli("query", "-i", "gdp", "--db", db, "-o", str(xlsx)).exit_code == 0
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["facts", "说明 notes"]
    notes = {r[0]: r[1] for r in book["说明 notes"].iter_rows(min_row=2, values_only=True)}
    assert "亿元" in notes["value"] and "元" in notes["units in this file"]
    assert notes["query"] == "zhibiao query --indicator gdp"
    assert any(isinstance(k, str) and k.isdigit() and "sha256" not in (v or "") for k, v in notes.items())
    header = [c.value for c in book["facts"][1]]
    assert header[:4] == ["id", "doc_id", "doc", "doc_date"]

    parquet = tmp_path / "gdp.parquet"
    assert cli("query", "-i", "gdp", "--db", db, "-o", str(parquet)).exit_code == 0
    table = pq.read_table(parquet)
    assert table.schema.metadata[b"zhibiao.schema"] == HEAD.encode()
    assert str(table.schema.field("value").type) == "double" and table.num_rows == len(
        cli("query", "-i", "gdp", "--db", db, "-f", "jsonl").stdout.splitlines())


def test_query_bad_input_messages(db, tmp_path):
    empty = cli("query", "--period", "1999", "--db", db)
    assert empty.exit_code == 0 and "no facts match" in empty.stderr
    unknown = cli("query", "--place", "广洲", "--db", db)
    assert unknown.exit_code == 1 and "unknown place '广洲'; closest: 广州市" in unknown.stderr
    binary = cli("query", "-f", "xlsx", "--db", db)
    assert binary.exit_code == 1 and "give a file with -o" in binary.stderr
    odd = cli("query", "-o", str(tmp_path / "out.doc"), "--db", db)
    assert odd.exit_code == 1 and "cannot tell the format" in odd.stderr


def test_table_is_capped_and_says_how_to_see_all(db):
    capped = cli("query", "--limit", "3", "--db", db)
    assert capped.exit_code == 0 and "showing 3 of" in capped.stderr


def test_show_gives_the_sentence_and_doc_the_document(db, filled_ro):
    row = find(filled_ro, Filters(place="南沙", indicator="gdp", measure="growth", period="2023", kind="actual"))[0]
    shown = cli("show", str(row["id"]), "--db", db)
    assert shown.exit_code == 0 and "同比增长4.3%" in shown.stdout and "in context" in shown.stdout
    assert "全年实现地区生产总值" in shown.stdout  # the words around the evidence
    stored = fact(filled_ro, row["id"])
    assert stored["text"][stored["start"] : stored["end"]] == stored["evidence"]

    listing = cli("doc", "--db", db)
    assert listing.exit_code == 0 and "nansha-2024-npc-news.txt" in listing.stdout
    one = cli("doc", str(row["doc_id"]), "--db", db)
    assert one.exit_code == 0 and "sha256" in one.stdout and "地区生产总值" in one.stdout
    by_name = cli("doc", "nansha-2024-npc-news.txt", "--db", db)
    assert by_name.exit_code == 0 and by_name.stdout == one.stdout
    missing = cli("doc", "nansha-2024.txt", "--db", db)
    assert missing.exit_code == 1 and "closest: nansha-2024-npc-news.txt" in missing.stderr
    assert cli("show", "99999999", "--db", db).exit_code == 1


def test_commands_refuse_a_file_that_is_not_a_fact_base(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n", encoding="utf-8")
    for args in (["query"], ["compare", "-i", "gdp"], ["targets"], ["conflicts"], ["show", "1"], ["doc"]):
        result = cli(*args, "--db", str(notes))
        assert result.exit_code == 1 and "not a zhibiao database" in result.stderr, args
    assert notes.read_text(encoding="utf-8") == "hello\n"
    gone = cli("query", "--db", str(tmp_path / "nothing.db"))
    assert gone.exit_code == 1 and "zhibiao ingest" in gone.stderr


@pytest.mark.parametrize("written", ["2016-2017", "2016—2017", "2016–2017", "2016年至2017年", "2016~2017", "2016/2017",
                                     "2016:2017", "2016 - 2017", "２０１６～２０１７", "2016到2017年"])
def test_period_ranges_in_the_forms_people_write(written):
    assert parse_period(written) == (None, 2016, 2017)


def test_period_single_years_and_stored_forms():
    assert parse_period("2025年") == parse_period("2025") == ("2025", None, None)
    assert parse_period("2024h1") == ("2024H1", None, None) and parse_period("2024Q1") == ("2024Q1", None, None)
    assert parse_period("2020-01/2020-07") == ("2020-01/2020-07", None, None)
    assert parse_period("2019:") == (None, 2019, None) and parse_period(":2025") == (None, None, 2025)


@pytest.mark.parametrize("bad", ["foo", "20-25", "2025年上", "", "2019..2025"])
def test_other_periods_are_refused_naming_the_forms(bad):
    with pytest.raises(QueryError, match=r"bad period .*2019-2025 .*2019年至2025年"):
        parse_period(bad)


def test_period_forms_and_the_country_in_every_command(db, filled_ro):
    by_colon = cli("query", "--period", "2016:2017", "--place", "海拉尔区", "--db", db, "-f", "jsonl").stdout
    assert by_colon and cli("query", "--period", "2016-2017", "--place", "海拉尔区", "--db", db, "-f",
                            "jsonl").stdout == by_colon
    assert cli("targets", "--period", "2017年", "--db", db, "-f", "jsonl").stdout == cli(
        "targets", "--period", "2017", "--db", db, "-f", "jsonl").stdout != ""
    wide = cli("compare", "-i", "gdp", "--periods", "2019年至2021年", "--db", db, "-f", "json")
    assert wide.exit_code == 0 and '"2020"' in wide.stdout and '"2022"' not in wide.stdout
    for command in (["query"], ["targets"], ["conflicts"], ["compare", "-i", "gdp", "--periods"]):
        refused = cli(*command, *(["foo"] if command[-1] == "--periods" else ["--period", "foo"]), "--db", db)
        assert refused.exit_code == 1 and "bad period 'foo': use 2025" in refused.stderr, command
    everything = [r["id"] for r in find(filled_ro, Filters())]
    for country in ("中国", "全国", "中华人民共和国"):
        assert [r["id"] for r in find(filled_ro, Filters(within=country))] == everything
    assert cli("query", "--within", "中国", "--db", db, "-f", "jsonl").stdout.count("\n") == len(everything)
