"""Precision and recall of the ``topics`` family on a hand-written labelled sample.

``python -m enrich.evaluate.topics [--sample tests/fixtures/labelled/topics.jsonl] [--split test]``

The sample (``tests/fixtures/labelled/topics.jsonl``) was written for this project: short posts
in the style of social media, each labelled with every topic it is about (or none). Its rows
alternate between a ``dev`` half, which the lexicon was corrected against, and a ``test`` half,
which was only scored: report the ``test`` figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..families.topics import TOPICS, TopicsFamily
from . import per_label_table

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "labelled" / "topics.jsonl"


@dataclass(slots=True)
class Scores:
    posts: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    top_correct: int = 0
    top_given: int = 0
    none_posts: int = 0
    none_clean: int = 0
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_sample(path: Path, split: str | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split in (None, "all") or r.get("split") == split]


def evaluate(rows: list[dict[str, Any]], family: TopicsFamily) -> tuple[Scores, dict[str, Counter[str]],
                                                                     list[tuple[str, list[str], list[str]]]]:
    total = Scores()
    per: dict[str, Counter[str]] = {t: Counter() for t in TOPICS}
    errors: list[tuple[str, list[str], list[str]]] = []
    t0 = time.perf_counter()
    outs = [family.classify(r["text"]) for r in rows]
    total.seconds = time.perf_counter() - t0
    for row, out in zip(rows, outs, strict=True):
        gold, got = set(row["topics"]), set(out["labels"])
        total.posts += 1
        total.tp += len(gold & got)
        total.fp += len(got - gold)
        total.fn += len(gold - got)
        total.exact += gold == got
        if out["top"] is not None:
            total.top_given += 1
            total.top_correct += out["top"] in gold
        if not gold:
            total.none_posts += 1
            total.none_clean += not got
        for t in gold | got:
            per[t]["tp" if t in gold and t in got else "fp" if t in got else "fn"] += 1
        if gold != got:
            errors.append((row["text"], sorted(gold), out["labels"]))
    return total, per, errors


def report(split: str, s: Scores, per: dict[str, Counter[str]]) -> str:
    lines = [
        f"split={split} posts={s.posts} (labels: {s.tp + s.fn}, posts with no topic: {s.none_posts})",
        f"micro precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}",
        f"top label precision {s.top_correct}/{s.top_given} = "
        f"{(s.top_correct / s.top_given if s.top_given else 0):.3f}; "
        f"exact label set {s.exact}/{s.posts} = {s.exact / max(1, s.posts):.3f}; "
        f"no-topic posts left unlabelled {s.none_clean}/{s.none_posts}",
        "",
        *per_label_table("topic", TOPICS, per),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--errors", action="store_true", help="print the posts the family got wrong")
    args = ap.parse_args(argv)
    family = TopicsFamily()
    family.setup()
    rows = load_sample(args.sample, args.split)
    if not rows:
        print(f"no rows for split {args.split!r} in {args.sample}", file=sys.stderr)
        return 1
    scores, per, errors = evaluate(rows, family)
    print(report(args.split, scores, per))
    if args.errors:
        print()
        for text, gold, got in errors:
            print(f"gold={gold} got={got}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
