"""End to end: extract the seed documents and score them against the hand-made dev gold.

The floors are a regression gate (trafilatura-style): they sit just under what the extractor
measures today and must only ever go up. The issue's goals are asserted separately; those not
reached yet are marked xfail so that the gap stays visible in every test run.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import GOLD, REAL, SEEDS, SHARED, need_shared
from zhibiao.extract.evaluate import load_records, score
from zhibiao.extract.facts import extract
from zhibiao.load import load_path

#: Regression floors (F1), measured on the dev gold.
FLOORS = {"quantity": 0.918, "indicator": 0.95, "project": 0.85, "policy": 0.95}
FLOORS_REAL = {"quantity": 0.97, "indicator": 0.97, "project": 0.85}
#: Floors on documents annotated by hand for this project, independently of the extractor
#: (tests/data/gold-own, genres the dev gold lacks: monthly economic news, project lists).
FLOORS_OWN = {"quantity": 0.918, "indicator": 0.89, "project": 0.705}
OWN_GOLD = __import__("pathlib").Path(__file__).parent / "data" / "gold-own"
#: Floors on shared/gold/real (12 real documents of other genres: plan and work report openings,
#: a communiqué opening, news).
FLOORS_REAL_SET = {"quantity": 0.94, "indicator": 0.955, "project": 0.775}
#: Floors on tests/data/gold-new: excerpts of 19 documents of places, years and genres the shared gold
#: lacks, annotated by hand before the extractor was run on them (see its README). The round-3 files
#: (NOTES-I) took the set's project F1 from 0.768 to 0.742 on the code of their day; the project work
#: of the same day (gold-held3's README) brought it to 0.796.
FLOORS_NEW = {"quantity": 0.95, "indicator": 0.95, "project": 0.79, "policy": 0.92}
NEW_GOLD = __import__("pathlib").Path(__file__).parent / "data" / "gold-new"
#: Floors on tests/data/gold-held3: five ~2 KB real openings (Guangzhou district reports) annotated by
#: hand before the extractor was run on them (see its README). They name no project, so the project
#: floor says that none is invented.
FLOORS_HELD3 = {"quantity": 0.93, "indicator": 0.955, "project": 0.99}
HELD3_GOLD = __import__("pathlib").Path(__file__).parent / "data" / "gold-held3"
#: The goals (issue 10): indicator F1 >= 0.95 and quantity F1 >= 0.92 on every gold set.
GOALS = {"quantity": 0.92, "indicator": 0.95, "project": 0.85, "policy": 0.80}


def _predict(folder, names):
    records = []
    for name in names:
        doc = load_path(folder / name)
        records.extend(extract(doc.text, doc.name, doc.meta, doc.tables))
    return records


def _scores(gold_dir, docs):
    need_shared()
    gold = load_records(gold_dir)
    return score(gold, _predict(docs, sorted({g["doc"] for g in gold})), docs)["scores"]


@pytest.fixture(scope="module")
def dev_scores():
    return _scores(GOLD / "dev", SEEDS)


@pytest.fixture(scope="module")
def real_scores():
    return _scores(GOLD / "dev-real", REAL)


@pytest.fixture(scope="module")
def own_scores():
    return _scores(OWN_GOLD, REAL)


@pytest.fixture(scope="module")
def real_set_scores():
    return _scores(GOLD / "real", REAL)


@pytest.fixture(scope="module")
def new_scores():
    gold = load_records(NEW_GOLD)
    docs = NEW_GOLD / "docs"
    return score(gold, _predict(docs, sorted({g["doc"] for g in gold})), docs)["scores"]


@pytest.fixture(scope="module")
def held3_scores():
    return _scores(HELD3_GOLD, REAL)


@pytest.mark.parametrize("kind", sorted(FLOORS_HELD3))
def test_held3_gold_floor(held3_scores, kind):
    """Short openings annotated before the extractor saw them: no fact invented, none lost."""
    assert held3_scores[kind]["f1"] >= FLOORS_HELD3[kind], held3_scores[kind]


@pytest.mark.parametrize("kind", sorted(FLOORS_REAL_SET))
def test_real_set_floor(real_set_scores, kind):
    assert real_set_scores[kind]["f1"] >= FLOORS_REAL_SET[kind], real_set_scores[kind]


@pytest.mark.parametrize("kind", sorted(FLOORS_NEW))
def test_new_gold_floor(new_scores, kind):
    """Documents nobody tuned on when they were annotated: the closest we have to unseen ones."""
    assert new_scores[kind]["f1"] >= FLOORS_NEW[kind], new_scores[kind]


@pytest.mark.parametrize("kind", sorted(FLOORS_OWN))
def test_own_gold_floor(own_scores, kind):
    assert own_scores[kind]["f1"] >= FLOORS_OWN[kind], own_scores[kind]


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_dev_gold_floor(dev_scores, kind):
    assert dev_scores[kind]["f1"] >= FLOORS[kind], dev_scores[kind]


@pytest.mark.parametrize("kind", sorted(FLOORS_REAL))
def test_other_genres_floor(real_scores, kind):
    assert real_scores[kind]["f1"] >= FLOORS_REAL[kind], real_scores[kind]


@pytest.mark.parametrize("kind", sorted(GOALS))
def test_dev_gold_goal(dev_scores, kind, request):
    if dev_scores[kind]["f1"] < GOALS[kind]:
        request.applymarker(pytest.mark.xfail(reason=f"goal {GOALS[kind]} not reached yet", strict=False))
    assert dev_scores[kind]["f1"] >= GOALS[kind], dev_scores[kind]


def test_every_record_is_grounded():
    """text[start:end] == evidence, and the evidence holds the record's number."""
    need_shared()
    for path in sorted(SEEDS.glob("*.txt")):
        doc = load_path(path)
        for r in extract(doc.text, doc.name, doc.meta):
            assert doc.text[r["start"]:r["end"]] == r["evidence"], r
            if r["type"] == "quantity":
                assert any(ch.isdigit() or ch in "一二两三四五六七八九十百千万亿成" for ch in r["evidence"]), r


def test_scorer_agrees_with_shared_score_py(tmp_path):
    """Our `eval` implements the same matching rules as the shared scorer."""
    need_shared()
    gold = load_records(GOLD / "dev")
    pred = _predict(SEEDS, sorted({g["doc"] for g in gold}))
    out = tmp_path / "pred.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred), encoding="utf-8")
    shared = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(GOLD / "dev"), "--pred", str(out),
         "--docs", str(SEEDS), "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(shared.stdout)
    ours = score(gold, pred, SEEDS)["scores"]
    for kind in ("quantity", "indicator", "project", "project+status", "policy"):
        assert ours[kind]["hits"] == theirs[kind]["hits"], kind
