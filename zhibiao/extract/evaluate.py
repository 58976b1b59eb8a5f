"""Evaluation: precision, recall and F1 of fact records against gold, by the spec's matching rules.

Rules (shared/spec/facts.md, "Matching rules used by scoring"):
- quantity: region, period, kind, measure and value (0.01 % relative) agree, evidence overlaps;
- indicator: the same fields and the indicator id agree, wherever in the document (the spec's ids
  only, `data/spec_indicator_ids.txt`: the package's own taxonomy may grow beyond them);
- project: region and name (spaces, quotes and brackets removed; containment counts when the
  shorter name has ≥ 4 characters); project+status also needs status and period;
- policy: region, rate and cap agree and the evidence overlaps.
Regions compare without a leading province ("广东省广州市" = "广州市").
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path

_PROVINCE = re.compile(r"^(.{2,3}省|.{2,3}自治区)(?=.+[市州盟])")
_NAME_STRIP = re.compile(r"[\s“”\"'‘’《》()（）·]")
KINDS = ("quantity", "indicator", "project", "project+status", "policy")


def load_records(path: Path) -> list[dict]:
    """Records of a JSONL file or of every ``*.jsonl`` in a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    out = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise ValueError(f"{f}:{n}: not JSON: {err}") from None
    return out


def _region(r: dict) -> str:
    return _PROVINCE.sub("", (r.get("region") or "").strip())


def _same(a: object, b: object) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return x == y or math.isclose(x, y, rel_tol=1e-4, abs_tol=1e-9)


def _spans(r: dict, text: str | None) -> list[tuple[int, int]]:
    if text is None:
        return []
    if isinstance(r.get("start"), int) and isinstance(r.get("end"), int):
        return [(r["start"], r["end"])]
    ev = r.get("evidence") or ""
    out, i = [], text.find(ev) if ev else -1
    while i >= 0:
        out.append((i, i + len(ev)))
        i = text.find(ev, i + 1)
    return out


def _overlap(a: dict, b: dict, text: str | None) -> bool:
    sa, sb = _spans(a, text), _spans(b, text)
    if not sa or not sb:
        ea, eb = a.get("evidence") or "", b.get("evidence") or ""
        return bool(ea and eb and (ea in eb or eb in ea))
    return any(x0 < y1 and y0 < x1 for x0, x1 in sa for y0, y1 in sb)


def _quantity(g: dict, p: dict, text: str | None, by_indicator: bool) -> bool:
    if _region(g) != _region(p) or not _same(g.get("value"), p.get("value")):
        return False
    if any((g.get(f) or "") != (p.get(f) or "") for f in ("period", "kind", "measure")):
        return False
    return g.get("indicator") == p.get("indicator") if by_indicator else _overlap(g, p, text)


def _project(g: dict, p: dict) -> bool:
    a, b = _NAME_STRIP.sub("", g.get("name") or ""), _NAME_STRIP.sub("", p.get("name") or "")
    if _region(g) != _region(p) or not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


def _policy(g: dict, p: dict, text: str | None) -> bool:
    if _region(g) != _region(p):
        return False
    for f in ("rate", "cap"):
        if (g.get(f) is None) != (p.get(f) is None) or (g.get(f) is not None and not _same(g[f], p[f])):
            return False
    return _overlap(g, p, text)


def _matcher(kind: str, text: str | None) -> Callable[[dict, dict], bool]:
    return {
        "quantity": lambda g, p: _quantity(g, p, text, False),
        "indicator": lambda g, p: _quantity(g, p, text, True),
        "project": _project,
        "project+status": lambda g, p: _project(g, p) and all(
            (g.get(f) or "") == (p.get(f) or "") for f in ("status", "period")),
        "policy": lambda g, p: _policy(g, p, text),
    }[kind]


def _greedy(gold: list[dict], pred: list[dict], match: Callable[[dict, dict], bool]):
    used: set[int] = set()
    missed = []
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and match(g, p):
                used.add(j)
                break
        else:
            missed.append(g)
    return len(used), missed, [p for j, p in enumerate(pred) if j not in used]


def _prf(hits: int, n_gold: int, n_pred: int) -> dict:
    p = hits / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = hits / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "gold": n_gold, "pred": n_pred, "hits": hits}


def score(gold: list[dict], pred: list[dict], docs: Path | None, misses: int = 0) -> dict:
    """Scores per record kind, and up to ``misses`` missed/spurious examples of each."""
    gold_docs = {g["doc"] for g in gold}
    pred = [p for p in pred if p.get("doc") in gold_docs]
    texts = {}
    for d in gold_docs:
        f = docs / d if docs else None
        if f and f.exists():
            texts[d] = f.read_text(encoding="utf-8", errors="replace")
    grouped: dict[tuple, dict[str, list]] = defaultdict(lambda: {"gold": [], "pred": []})
    for side, records in (("gold", gold), ("pred", pred)):
        for r in records:
            grouped[(r.get("doc"), r.get("type"))][side].append(r)
    totals = {k: [0, 0, 0] for k in KINDS}
    examples: dict[str, dict[str, list]] = {k: {"missed": [], "spurious": []} for k in KINDS}
    for doc in sorted(gold_docs):
        for kind in KINDS:
            rtype = {"indicator": "quantity", "project+status": "project"}.get(kind, kind)
            g, p = grouped[(doc, rtype)]["gold"], grouped[(doc, rtype)]["pred"]
            if kind == "indicator":
                ids = spec_indicator_ids()
                g, p = [r for r in g if r.get("indicator") in ids], [r for r in p if r.get("indicator") in ids]
            hits, missed, spurious = _greedy(g, p, _matcher(kind, texts.get(doc)))
            for i, n in enumerate((hits, len(g), len(p))):
                totals[kind][i] += n
            examples[kind]["missed"].extend(missed[:misses])
            examples[kind]["spurious"].extend(spurious[:misses])
    return {"scores": {k: _prf(*v) for k, v in totals.items()},
            "examples": {k: {s: v[:misses] for s, v in e.items()} for k, e in examples.items()}}


@cache
def spec_indicator_ids() -> frozenset[str]:
    """The spec's indicator ids: the indicator score counts these only, so the taxonomy may grow freely."""
    rows = files("zhibiao.data").joinpath("spec_indicator_ids.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(r.strip() for r in rows if r.strip() and not r.startswith("#"))


def format_scores(result: dict) -> str:
    """The scores as a small text table, followed by examples of misses."""
    rows = [f"{'type':<15} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
    for k, s in result["scores"].items():
        rows.append(f"{k:<15} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['gold']:>6} {s['pred']:>6}")
    for k, e in result["examples"].items():
        for side, recs in e.items():
            for r in recs:
                keep = {f: r.get(f) for f in ("doc", "region", "subject", "name", "indicator", "period", "kind",
                                               "measure", "value", "evidence") if f in r}
                rows.append(f"{k} {side}: {json.dumps(keep, ensure_ascii=False)}")
    return "\n".join(rows)
