"""Dev measurement for zhibiao.extract.projects and zhibiao.extract.policies against the gold files.

usage: .venv/bin/python benchmarks/project_eval.py [--misses N] [--doc SUBSTRING] [--show FILE ...]

Splits each gold document into sentences (。！？； and newlines), runs find_projects and
find_policies, and compares per document:
  * projects by name (score.py's normalisation: drop spaces/quotes/brackets; containment counts
    when the shorter name has >= 4 characters), greedy one-to-one;
  * status accuracy over the matched pairs;
  * policies by rate and cap with overlapping evidence.
Then counts projects in a few documents without gold (--show adds more) and prints them for eyeballing.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhibiao.extract.policies import find_policies  # noqa: E402
from zhibiao.extract.projects import find_projects  # noqa: E402

SHARED = Path("/work/shared")
SETS = [
    ("dev", SHARED / "gold/dev", SHARED / "corpus/seeds"),
    ("dev-real", SHARED / "gold/dev-real", SHARED / "corpus/real"),
]
NO_GOLD = [
    "hulunbuir-hailar-2016-gov-work-report.txt",
    "guangdong-province-2026-gov-work-report.txt",
    "shenzhen-2022-gov-work-report-major-projects-news.txt",
]
STRIP = re.compile(r"[\s“”\"'‘’《》()（）·]")
SENT = re.compile(r"[^。！？；\n]+[。！？；]?")


def norm(name: str) -> str:
    return STRIP.sub("", name or "")


def name_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


def sentences(text: str):
    for m in SENT.finditer(text):
        yield m.start(), m.end()


def run_doc(text: str):
    projects, policies = [], []
    for s, e in sentences(text):
        projects.extend(find_projects(text, s, e))
        policies.extend(find_policies(text, s, e))
    return projects, policies


def greedy(golds, preds, match):
    used, pairs, missed = set(), [], []
    for g in golds:
        for j, p in enumerate(preds):
            if j not in used and match(g, p):
                used.add(j)
                pairs.append((g, p))
                break
        else:
            missed.append(g)
    spurious = [p for j, p in enumerate(preds) if j not in used]
    return pairs, missed, spurious


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-4)


def ev_spans(text: str, ev: str):
    out, i = [], text.find(ev)
    while i >= 0:
        out.append((i, i + len(ev)))
        i = text.find(ev, i + 1)
    return out


def prf(hits: int, n_gold: int, n_pred: int) -> tuple[float, float, float]:
    p = hits / n_pred if n_pred else 1.0
    r = hits / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(name: str, gold_dir: Path, doc_dir: Path, misses: int, only: str | None) -> None:
    tot = {"pg": 0, "pp": 0, "ph": 0, "st": 0, "lg": 0, "lp": 0, "lh": 0, "ig": 0, "ip": 0, "ih": 0}
    all_missed, all_spurious, all_wrong = [], [], []
    for gf in sorted(gold_dir.glob("*.jsonl")):
        doc = gf.stem + ".txt"
        if only and only not in doc:
            continue
        text = (doc_dir / doc).read_text(encoding="utf-8")
        gold = [json.loads(line) for line in gf.read_text(encoding="utf-8").splitlines() if line.strip()]
        gp = [g for g in gold if g["type"] == "project"]
        gl = [g for g in gold if g["type"] == "policy"]
        preds, pols = run_doc(text)
        # first pair up same-name same-status, then the rest by name
        pairs1, rest_g, rest_p = greedy(
            gp, preds, lambda g, p: name_match(g["name"], p.name) and g["status"] == p.status
        )
        pairs2, missed, spurious = greedy(rest_g, rest_p, lambda g, p: name_match(g["name"], p.name))
        hits = len(pairs1) + len(pairs2)
        tot["pg"] += len(gp)
        tot["pp"] += len(preds)
        tot["ph"] += hits
        tot["st"] += len(pairs1)
        for g, q in pairs1 + pairs2:  # investments over the matched pairs
            tot["ig"] += g.get("investment") is not None
            tot["ip"] += q.investment is not None
            tot["ih"] += g.get("investment") is not None and same(g["investment"], q.investment)
        all_missed += [(doc, g) for g in missed]
        all_spurious += [(doc, text, p) for p in spurious]
        all_wrong += [(doc, g, p) for g, p in pairs2]

        def policy_match(g, p, text=text):
            return (
                same(g["rate"], p.rate)
                and same(g["cap"], p.cap)
                and any(s < p.end and p.start < e for s, e in ev_spans(text, g["evidence"]))
            )

        lpairs, lmissed, lspur = greedy(gl, pols, policy_match)
        tot["lg"] += len(gl)
        tot["lp"] += len(pols)
        tot["lh"] += len(lpairs)
        p, r, f = prf(hits, len(gp), len(preds))
        print(
            f"  {doc[:48]:48s} projects gold {len(gp):3d} pred {len(preds):3d} hit {hits:3d}"
            f"  P {p:.2f} R {r:.2f} F {f:.2f} | policies gold {len(gl)} pred {len(pols)} hit {len(lpairs)}"
        )
        for g in lmissed:
            print(f"      policy miss: rate={g['rate']} cap={g['cap']} {g['evidence'][:60]}")
        for q in lspur:
            print(f"      policy spurious: rate={q.rate} cap={q.cap} {text[q.start : q.end][:60]}")
    p, r, f = prf(tot["ph"], tot["pg"], tot["pp"])
    acc = tot["st"] / tot["ph"] if tot["ph"] else 0.0
    lp, lr, lf = prf(tot["lh"], tot["lg"], tot["lp"])
    print(
        f"{name}: projects (name) P {p:.3f} R {r:.3f} F1 {f:.3f}"
        f"  [gold {tot['pg']} pred {tot['pp']} hit {tot['ph']}]"
        f"  status acc {acc:.3f} ({tot['st']}/{tot['ph']})"
        f"  investment: gold {tot['ig']} pred {tot['ip']} right {tot['ih']} (matched pairs)"
    )
    print(
        f"{name}: policies P {lp:.3f} R {lr:.3f} F1 {lf:.3f}"
        f"  [gold {tot['lg']} pred {tot['lp']} hit {tot['lh']}]"
    )
    if misses:
        print(f"  -- missed ({len(all_missed)}):")
        for doc, g in all_missed[:misses]:
            print(f"     {doc[:12]} {g['name']} [{g['status']}] | {g['evidence'][:70]}")
        print(f"  -- spurious ({len(all_spurious)}):")
        for doc, text, q in all_spurious[:misses]:
            print(f"     {doc[:12]} {q.name} [{q.status}] | {text[q.start : q.end][:70]}")
        print(f"  -- status differs ({len(all_wrong)}):")
        for doc, g, q in all_wrong[:misses]:
            print(f"     {doc[:12]} {g['name']} gold {g['status']} pred {q.status} | {g['evidence'][:50]}")


def show(doc: str, limit: int) -> None:
    path = SHARED / "corpus/real" / doc
    text = path.read_text(encoding="utf-8")
    preds, pols = run_doc(text)
    print(f"== {doc}: {len(preds)} projects, {len(pols)} policies")
    for q in preds[:limit]:
        inv = f" inv={q.investment:.0f}" if q.investment else ""
        print(f"   {q.name} [{q.status}]{inv} t={q.target} | {text[q.start : q.end][:60]}")
    for q in pols[:limit]:
        print(f"   POLICY rate={q.rate} cap={q.cap} {q.beneficiary} | {text[q.start : q.end][:60]}")


def speed() -> None:
    texts = []
    for path in sorted((SHARED / "corpus").glob("*/*.txt")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue  # the *.gbk.txt originals
    size = sum(len(t.encode("utf-8")) for t in texts)
    for _ in range(2):  # the first pass warms the regex caches
        t0, c0 = time.perf_counter(), time.process_time()
        for t in texts:
            run_doc(t)
        dt, ct = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"speed: {size / 1e6:.2f} MB in {ct:.2f} s CPU ({dt:.2f} s wall) = {size / 1e6 / ct:.2f} MB/s"
        " (projects + policies, sentence split included)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", type=int, default=40)
    ap.add_argument("--doc")
    ap.add_argument("--show", nargs="*", default=None)
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args()
    for name, gold_dir, doc_dir in SETS:
        evaluate(name, gold_dir, doc_dir, args.misses, args.doc)
    for doc in NO_GOLD if args.show is None else args.show:
        show(doc, args.limit)
    speed()


if __name__ == "__main__":
    main()
