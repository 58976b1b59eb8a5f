"""Turning facts into HTML: highlights that never nest, periods on a time axis, a robust chart scale."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REAL, need_shared
from zhibiao.web import render


class Links(HTMLParser):
    """The ``<a>`` elements of a piece of HTML: how deep each opened, and the text each holds."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            link = {"attrs": dict(attrs), "depth": len(self.open), "text": ""}
            self.open.append(link)
            self.links.append(link)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for link in self.open:
            link["text"] += data


def links(markup: str) -> list[dict]:
    parser = Links()
    parser.feed(markup)
    return parser.links


def fact(fid: int, start: int, end: int, kind: str = "quantity") -> dict:
    return {"id": fid, "start": start, "end": end, "type": kind}


def test_overlapping_spans_become_pieces_side_by_side() -> None:
    text = "新建项目总投资120亿元，年产值300亿元。"
    project = fact(1, 0, 20, "project")
    figures = [fact(2, 4, 12), fact(3, 13, 20)]
    crossing = fact(4, 10, 16)  # starts in one figure, ends in the other
    same = fact(5, 4, 12)  # the very span of fact 2
    out = str(render.highlighted(text, [project, *figures, crossing, same]))
    found = links(out)
    assert all(link["depth"] == 0 for link in found)  # never a link inside a link
    assert re.sub(r"<[^>]+>", "", html.unescape(out)) == text  # the text, whole and in order
    owners = {int(link["attrs"]["data-fact"]) for link in found}
    assert owners == {1, 2, 3, 4, 5}
    ids = [link["attrs"]["id"] for link in found if "id" in link["attrs"]]
    assert sorted(ids) == ["f1", "f2", "f3", "f4", "f5"]  # one anchor per fact
    marks = [link for link in found if "mark" in link["attrs"]["class"]]
    assert [(m["attrs"]["data-fact"], m["text"]) for m in marks] == [("5", "")]  # under fact 2: a mark of its own
    project_text = "".join(link["text"] for link in found if link["attrs"]["data-fact"] == "1")
    assert project_text.startswith("新建项目")  # the project keeps what its figures leave


def test_markup_in_the_text_stays_text() -> None:
    text = '<script>alert("x")</script> 增长5%'
    out = str(render.highlighted(text, [fact(1, 29, 32), fact(2, 0, 8)]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert [link["depth"] for link in links(out)] == [0, 0]


def test_a_provincial_report_has_no_link_inside_another(tmp_path: Path) -> None:
    need_shared()
    from zhibiao.analysis.query import document
    from zhibiao.store import open_store
    from zhibiao.store.ingest import ingest

    name = "sichuan-province-2026-gov-work-report.txt"
    shutil.copyfile(REAL / name, tmp_path / name)
    with open_store(str(tmp_path / "kb.db"), create=True, say=None) as store:
        assert ingest(store, [str(tmp_path / name)], workers=1).ok
        meta, rows = document(store, name)
    out = str(render.highlighted(meta["text"], rows))
    found = links(out)
    assert len(rows) > 300 and all(link["depth"] == 0 for link in found)
    assert {int(link["attrs"]["data-fact"]) for link in found} == {r["id"] for r in rows}
    assert all(link["text"] for link in found if "mark" not in link["attrs"]["class"])


@pytest.mark.parametrize(("period", "x"), [("2019", 2019.0), ("2024H1", 2024.25), ("2024H2", 2024.75),
                                           ("2024Q3", 2024.625), ("2020-07", 2020 + 6.5 / 12),
                                           ("2020-01/2020-07", 2020 + 6.5 / 12), ("十三五", None)])
def test_periods_sit_on_a_time_axis(period: str, x: float | None) -> None:
    assert render.period_x(period) == x


def test_far_out_values_are_clipped_and_counted() -> None:
    assert render.robust_range([1.0, 2.0, 3.0, 4.0, 5.0]) is None
    lo, hi = render.robust_range([10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 9000.0])
    assert lo == 10.0 and 15.0 < hi < 9000.0
    series = [("甲", [("2019", 10.0, 1), ("2020", 11.0, 2), ("2021", None, None)]),
              ("乙", [("2019", 12.0, 3), ("2020", 13.0, 4), ("2021", 9000.0, 5), ("2022", 14.0, 6)])]
    chart = render.chart_series(series, "auto")
    assert chart["clipped"] == 1 and chart["y_axis"]["max"] < 9000 and "min" not in chart["y_axis"]
    far = chart["series"][1]["data"][2]
    assert far[1] == chart["y_axis"]["max"] or far[1] < chart["y_axis"]["max"]
    assert far[2] == 9000.0 and far[3] == "2021" and far[4] == 5
    assert len(chart["series"][0]["data"]) == 2  # no point for a missing value
    full = render.chart_series(series, "full")
    assert full["clipped"] == 0 and "max" not in full["y_axis"]
    assert render.chart_series(series, "log")["y_axis"]["type"] == "log"
    negative = [("甲", [("2019", -1.0, 1), ("2020", 2.0, 2)])]
    assert render.chart_series(negative, "log")["scale"] == "auto"  # no log axis below zero
