"""Precision and recall of the ``intent`` family on a hand-written labelled sample.

``python -m enrich.evaluate.intent [--sample tests/fixtures/labelled/intent.jsonl] [--split test]``

The sample (``tests/fixtures/labelled/intent.jsonl``) was written for this project: each post is
labelled with the (intent, object, speaker) triples it expresses, or none; about a fifth are
hard negatives ("selling out", "I want to sleep", "check out this sunset"). Rows alternate
between a ``dev`` half, which the rules were corrected against, and a ``test`` half, which was
only scored: report the ``test`` figures.

A predicted intent is correct when the post's gold triples hold that intent. Its object is
correct when the predicted and gold phrases share a word (case-insensitive, ignoring "@");
its speaker is correct when equal to the gold speaker (checked where the gold names one).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..families.intent import IntentFamily
from ..families.intent.rules import INTENTS
from . import per_label_table

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "labelled" / "intent.jsonl"
_WORD = re.compile(r"[\w']+")


def load_sample(path: Path, split: str | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split in (None, "all") or r.get("split") == split]


def _words(phrase: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(phrase or "")}


def object_matches(got: str | None, gold: str | None) -> bool:
    return bool(_words(got) & _words(gold))


def evaluate(rows: list[dict[str, Any]], family: IntentFamily) -> dict[str, Any]:
    per: dict[str, Counter[str]] = {i: Counter() for i in INTENTS}
    obj_ok = obj_n = spk_ok = spk_n = 0
    amount_ok = amount_n = 0
    negatives = negatives_clean = 0
    errors: list[str] = []
    t0 = time.perf_counter()
    outs = [family.analyse(r["text"]) for r in rows]
    seconds = time.perf_counter() - t0
    for row, out in zip(rows, outs, strict=True):
        gold = {g["intent"]: g for g in row["intents"]}
        got: dict[str, list[dict[str, Any]]] = {}
        for item in out["items"]:
            got.setdefault(item["intent"], []).append(item)
        if not gold:
            negatives += 1
            negatives_clean += not got
        for intent in set(gold) | set(got):
            if intent in gold and intent in got:
                per[intent]["tp"] += 1
                g = gold[intent]
                if g["object"]:
                    obj_n += 1
                    obj_ok += any(object_matches(it["object"], g["object"]) for it in got[intent])
                if g["speaker"]:
                    spk_n += 1
                    spk_ok += any(it["speaker"] == g["speaker"] for it in got[intent])
                if intent == "price":
                    amount_n += 1
                    amount_ok += any(it["amount"] is not None and it["currency"] for it in got[intent])
            elif intent in got:
                per[intent]["fp"] += 1
                errors.append(f"FP {intent:<11} {got[intent][0]['cue']!r:<28} {row['text']}")
            else:
                per[intent]["fn"] += 1
                errors.append(f"FN {intent:<11} {'':<28} {row['text']}")
    tp = sum(c["tp"] for c in per.values())
    fp = sum(c["fp"] for c in per.values())
    fn = sum(c["fn"] for c in per.values())
    return {"posts": len(rows), "per": per, "tp": tp, "fp": fp, "fn": fn,
            "object": (obj_ok, obj_n), "speaker": (spk_ok, spk_n), "price": (amount_ok, amount_n),
            "negatives": (negatives_clean, negatives), "seconds": seconds, "errors": errors}


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.3f}" if b else "n/a"


def report(split: str, r: dict[str, Any]) -> str:
    tp, fp, fn = r["tp"], r["fp"], r["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    lines = [
        f"split={split} posts={r['posts']} gold intents={tp + fn}",
        f"micro precision {p:.3f}  recall {rec:.3f}  F1 {2 * p * rec / (p + rec) if p + rec else 0:.3f}",
        f"object correct {_ratio(*r['object'])}; speaker correct {_ratio(*r['speaker'])}; "
        f"price amount+currency {_ratio(*r['price'])}; "
        f"posts with no intent left empty {_ratio(*r['negatives'])}",
        "",
        *per_label_table("intent", INTENTS, r["per"]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--errors", action="store_true", help="print false positives and negatives")
    args = ap.parse_args(argv)
    family = IntentFamily()
    family.setup()
    rows = load_sample(args.sample, args.split)
    if not rows:
        print(f"no rows for split {args.split!r} in {args.sample}", file=sys.stderr)
        return 1
    result = evaluate(rows, family)
    print(report(args.split, result))
    if args.errors:
        print()
        print("\n".join(result["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
