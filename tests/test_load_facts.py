"""The same facts from a document's original file (HTML, GBK text, PDF) as from its clean text."""

from __future__ import annotations

import pytest

from tests.conftest import REAL, need_shared
from zhibiao.extract.facts import extract
from zhibiao.load import load_path

PAIRS = [
    ("hulunbuir-hailar-2015-gov-work-report.gbk.txt", "hulunbuir-hailar-2015-gov-work-report.txt", 1.0),
    ("hulunbuir-hailar-2017-gov-work-report.gbk.txt", "hulunbuir-hailar-2017-gov-work-report.txt", 1.0),
    ("hulunbuir-hailar-2019-gov-work-report.gbk.txt", "hulunbuir-hailar-2019-gov-work-report.txt", 1.0),
    ("hubei-huangshi-2021-investment-promotion-news.gb2312.html", "hubei-huangshi-2021-investment-promotion-news.txt",
     1.0),
    ("jiangxi-2022-communique.html", "jiangxi-2022-communique.txt", 0.97),
    ("jiangxi-yichun-2022-communique.html", "jiangxi-yichun-2022-communique.txt", 0.97),
    ("jiangxi-yichun-wanzai-2015-communique.html", "jiangxi-yichun-wanzai-2015-communique.txt", 0.97),
    ("jiangxi-yichun-wanzai-2022-communique.html", "jiangxi-yichun-wanzai-2022-communique.txt", 0.97),
    ("china-state-council-2019-financing-guarantee-smes-policy.html",
     "china-state-council-2019-financing-guarantee-smes-policy.txt", 0.97),
]


def _keys(name: str) -> set[tuple]:
    doc = load_path(REAL / name)
    return {(r["value"], r["region"], r["period"], r["kind"], r["measure"])
            for r in extract(doc.text, doc.name, doc.meta, doc.tables) if r["type"] == "quantity"}


@pytest.mark.parametrize(("original", "clean", "share"), PAIRS)
def test_original_gives_the_facts_of_its_clean_text(original, clean, share):
    need_shared()
    ours, theirs = _keys(original), _keys(clean)
    assert theirs
    assert len(ours & theirs) >= share * len(theirs), sorted(theirs - ours)[:10]


def test_pdf_keeps_the_figures_its_text_layer_holds():
    """The PDF's figures, read from the PDF itself (the paired .txt has footnote digits glued on)."""
    need_shared()
    doc = load_path(REAL / "shenzhen-2021-gender-statistics-report.pdf")
    facts = [r for r in extract(doc.text, doc.name, doc.meta, doc.tables) if r["type"] == "quantity"]
    values = {(r["value"], r["unit"]) for r in facts}
    # 2021 年，深圳市常住人口1761.48 万人，其中男性 969.57万人 … 女性 791.91 万人
    assert {(17614800, "人"), (9695700, "人"), (7919100, "人")} <= values
    assert all(r["region"] == "深圳市" for r in facts if r["value"] in (17614800, 9695700))
