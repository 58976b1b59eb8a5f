"""Extraction cost stays linear in the input, whatever its shape.

A PDF table flattened into one line of numbers and words, or a long line of Chinese without a
full stop, is one sentence of tens of thousands of characters. Every look-back from a number
(its subject, its clause, the target words before it) is bounded, so such a line costs per
character about what normal text costs. The bounds here are generous (20x, a few seconds), so
that a busy CI machine does not make the test flaky; a quadratic path costs hundreds of times more.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import REAL, need_shared
from zhibiao.extract.facts import extract

LONG = 56_000
#: per-character cost of a long line, as a multiple of normal text's
MAX_RATIO = 20.0
#: wall-clock limit for one long line, in seconds
MAX_SECONDS = 10.0


def _corpus_text() -> str:
    need_shared()
    texts = []
    for path in sorted(REAL.glob("*.txt")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue  # the *.gbk.txt originals
    text = "\n".join(texts)
    if len(text) < 2 * LONG:
        pytest.skip("the real corpus is too small for the long-line test")
    return text


def _cpu_seconds(text: str, tries: int = 2) -> float:
    best = float("inf")
    for _ in range(tries):
        t0 = time.process_time()
        extract(text, "shape", {})
        best = min(best, time.process_time() - t0)
    return max(best, 1e-6)


@pytest.fixture(scope="module")
def corpus() -> str:
    return _corpus_text()


@pytest.fixture(scope="module")
def normal_cost(corpus: str) -> float:
    """CPU seconds per character of normal text (several real documents, punctuation kept)."""
    sample = corpus[:LONG * 2]
    extract(sample[:2000], "warm-up", {})  # load the gazetteer, taxonomy and lexicon first
    return _cpu_seconds(sample) / len(sample)


def _no_punctuation(text: str) -> str:
    """One line of words and numbers: every break, bracket and quote removed."""
    return re.sub(r"[\s。！？!?；;，,：:、（）()“”《》◆★●■▲※]", "", text)


def _no_full_stop(text: str) -> str:
    """One long sentence: commas kept, full stops and line breaks removed."""
    return re.sub(r"[\n\r。！？!?；;◆★●■▲※]", "", text)


def _flattened_table(text: str) -> str:
    """A table flattened into one line: its cells (words and numbers) separated by spaces."""
    cells = re.findall(r"[\u4e00-\u9fff]{2,8}|\d+(?:\.\d+)?(?:%|亿元|万元|个|家)?", text)
    return " ".join(cells)


@pytest.mark.parametrize("shape", [_no_punctuation, _no_full_stop, _flattened_table],
                         ids=["no-punctuation", "no-full-stop", "flattened-table"])
def test_long_line_costs_like_normal_text(corpus: str, normal_cost: float, shape) -> None:
    line = shape(corpus)[:LONG]
    assert len(line) == LONG and "\n" not in line
    t0 = time.perf_counter()
    seconds = _cpu_seconds(line, tries=1)
    wall = time.perf_counter() - t0
    ratio = seconds / len(line) / normal_cost
    assert wall < MAX_SECONDS, f"{shape.__name__}: {wall:.1f} s for one {LONG}-character line"
    assert ratio < MAX_RATIO, f"{shape.__name__}: {ratio:.1f}x the per-character cost of normal text"


def test_long_line_still_yields_facts(corpus: str) -> None:
    """The bounds keep the line linear without dropping its facts."""
    facts = extract(_no_punctuation(corpus)[:LONG], "shape", {})
    assert sum(f["type"] == "quantity" for f in facts) > 100
