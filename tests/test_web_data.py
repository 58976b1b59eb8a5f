"""What the web pages read: pages in any order, facet counts, the filter builder, a place's series
and sources, targets in order — on SQLite and PostgreSQL, over real documents."""

from __future__ import annotations

import pytest

from zhibiao.analysis.query import Filters, QueryError, count, find
from zhibiao.store.schema import facts
from zhibiao.web import data


def test_pages_in_any_order_hold_every_match_once(filled_ro) -> None:
    flt = Filters(type="quantity")
    everything, more = data.sorted_facts(filled_ro, flt, sort="-value")
    assert not more and len(everything) == count(filled_ro, flt) > 250
    pages, page = [], 1
    while True:
        rows, total = data.browse(filled_ro, flt, sort="-value", page=page, size=100)
        if not rows:
            break
        assert total == len(everything)
        pages.extend(rows)
        page += 1
    assert [r["id"] for r in pages] == [r["id"] for r in everything]
    values = [r["value"] for r in pages if r["value"] is not None]
    assert values == sorted(values, reverse=True)
    assert all(r["value"] is None for r in pages[len(values):])  # no value: last either way
    up = [r["value"] for r in data.sorted_facts(filled_ro, flt, sort="value")[0]]
    assert up[:len(values)] == sorted(values)


def test_sort_by_place_breaks_ties_by_id(filled_ro) -> None:
    rows, _ = data.browse(filled_ro, Filters(), sort="place", size=1000)
    keys = [(r["region"] is None, r["region"] or "", r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_unknown_sort_names_the_choices(filled_ro) -> None:
    with pytest.raises(QueryError, match=r"unknown sort 'colour'.*value"):
        data.browse(filled_ro, Filters(), sort="colour")


def test_facet_counts_are_those_of_the_filtered_set(filled_ro) -> None:
    flt = Filters(kind="actual")
    found = data.facets(filled_ro, flt)
    assert set(found) == set(data.FACETS)
    for name in ("place", "indicator", "period", "type", "measure", "doc"):
        assert found[name], name
        for f in found[name][:3]:
            narrowed = Filters(**{**flt.__dict__, name: f["value"]})
            assert count(filled_ro, narrowed) == f["count"], (name, f)
        counts = [f["count"] for f in found[name]]
        assert counts == sorted(counts, reverse=True)
    assert {f["value"] for f in found["kind"]} == {"actual"}
    hailar = next(f for f in found["place"] if f["value"] == "150702")
    assert hailar["label"].endswith("呼伦贝尔市海拉尔区")
    gdp = next(f for f in found["indicator"] if f["value"] == "gdp")
    assert gdp["label"] == "地区生产总值"
    assert all(f["label"].endswith(".txt") for f in found["doc"])


def test_a_span_facet_counts_what_its_filter_shows(filled_ro) -> None:
    """A period of several years ("2011/2015", a five-year review's flows) filters as a range of years,
    so its facet counts the facts of that range, single years inside it included."""
    flt = Filters(kind="actual")
    spans = [f for f in data.facets(filled_ro, flt, size=500)["period"] if "/" in f["value"]
             and "-" not in f["value"]]
    assert spans
    for f in spans:
        assert count(filled_ro, Filters(kind="actual", period=f["value"])) == f["count"], f


def test_filter_builder_conditions(filled_ro) -> None:
    flt = Filters(measure="growth")
    every = find(filled_ro, flt)
    wanted = [r for r in every if r["value"] is not None and 5 <= r["value"] <= 10 and r["unit"] == "%"]
    rows, total = data.browse(filled_ro, flt, data.Refine(value_min=5, value_max=10, unit="%"), size=1000)
    assert total == len(wanted) > 10 and {r["id"] for r in rows} == {r["id"] for r in wanted}
    exact, _ = data.browse(filled_ro, Filters(), data.Refine(qualifier="exact"), size=1000)
    over, _ = data.browse(filled_ro, Filters(), data.Refine(qualifier="over"), size=1000)
    assert exact and all(r["qualifier"] is None for r in exact)
    assert over and all(r["qualifier"] == "over" for r in over)
    with pytest.raises(QueryError, match="value_min 10 is above value_max 5"):
        data.Refine(value_min=10, value_max=5)
    with pytest.raises(QueryError, match="unknown qualifier 'roughly'"):
        data.Refine(qualifier="roughly")


def test_a_place_has_series_across_years_and_sources(filled_ro) -> None:
    place = data.place_record(filled_ro, "150702")
    assert place is not None and place["full_name"].endswith("海拉尔区") and place["parent"]["code"] == "150700"
    assert place["facts"] == count(filled_ro, Filters(place="150702"))
    years, series = data.place_series(filled_ro, "150702")
    assert years == sorted(years) and {2015, 2016, 2017} <= set(years)
    longest = series[0]  # the rows with most years first
    assert len(longest["cells"]) >= 2 and all(f["year_from"] == y for y, f in longest["cells"].items())
    assert any(s["indicator"] == "gdp" for s in series)
    sources = data.sources(filled_ro, [facts.c.region_code == "150702"])
    assert {s["name"] for s in sources} >= {"hulunbuir-hailar-2016-gov-work-report.txt",
                                            "hulunbuir-hailar-2017-gov-work-report.txt"}
    assert sum(s["n"] for s in sources) == place["facts"]
    assert data.place_record(filled_ro, "999999") is None


def test_targets_sort(filled_ro) -> None:
    from zhibiao.analysis.targets import targets

    rows = targets(filled_ro)
    assert len(rows) > 20
    by_status, name = data.sort_targets(rows, "status")
    order = [r.status for r in by_status]
    assert name == "status" and order == sorted(order, key=["missed", "pending", "met"].index)
    down, _ = data.sort_targets(rows, "-target")
    values = [r.target["value"] for r in down if r.target["value"] is not None]
    assert values == sorted(values, reverse=True)
    assert data.sort_targets(rows, None) == (rows, "")
    with pytest.raises(QueryError, match="unknown sort"):
        data.sort_targets(rows, "size")


def test_facets_counted_here_match_the_database(filled_ro) -> None:
    for flt, refine in ((Filters(), data.Refine(unit="%")), (Filters(search="投资"), data.Refine()),
                        (Filters(kind="actual"), data.Refine(value_min=1, value_max=100))):
        _, total = data.browse(filled_ro, flt, refine, size=1)
        assert 0 < total <= data.FACET_SCAN
        here = data.facets(filled_ro, flt, refine, matches=total)
        assert here == data.facets(filled_ro, flt, refine) and here["type"]
