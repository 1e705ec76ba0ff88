"""Accuracy of the ``language`` family on the XLM-T multilingual tweets (validation splits).

``python -m enrich.evaluate.language --data ../shared/data [--split val]``

Each XLM-T folder holds tweets collected for one language; the folder's language is the label.
That label is per data set, not per tweet (some "german" tweets are English), so the figures are
a lower bound of per-tweet accuracy. The Hindi set is mostly romanized Hindi-English mix, which a
character n-gram model trained on Wikipedia-style Devanagari Hindi does not recognise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..enricher import Enricher

LANGUAGES = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
             "italian": "it", "portuguese": "pt", "spanish": "es"}


@dataclass(frozen=True, slots=True)
class Row:
    language: str
    code: str
    n: int
    accuracy: float
    abstained: float
    reliable_share: float
    reliable_accuracy: float | None
    top_confusions: str
    posts_per_second: float


def evaluate(data: Path, split: str = "val", fasttext_only: bool = False) -> list[Row]:
    rows: list[Row] = []
    options = {"language": {"second_opinion_below": 0.0}} if fasttext_only else None
    with Enricher(families=["language"], options=options) as enricher:
        for folder, code in LANGUAGES.items():
            path = data / "xlmt_sentiment" / folder / f"{split}_text.txt"
            if not path.is_file():
                continue
            texts = [t for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
            t0 = time.perf_counter()
            outs = [o["enrichment"]["language"] for o in enricher.enrich_many(texts)]
            secs = time.perf_counter() - t0
            got = [o["language"] if o else None for o in outs]
            reliable = [(g, o["reliable"]) for g, o in zip(got, outs, strict=True) if o]
            rel = [g for g, r in reliable if r]
            wrong = Counter(g or "abstain" for g in got if g != code)
            rows.append(Row(
                language=folder, code=code, n=len(texts),
                accuracy=sum(g == code for g in got) / len(texts),
                abstained=sum(g is None for g in got) / len(texts),
                reliable_share=len(rel) / len(texts),
                reliable_accuracy=(sum(g == code for g in rel) / len(rel)) if rel else None,
                top_confusions=", ".join(f"{k} {v}" for k, v in wrong.most_common(3)),
                posts_per_second=len(texts) / secs,
            ))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = ["| data set | n | accuracy | abstained | reliable share | accuracy when reliable | "
             "most frequent errors |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        rel_acc = "" if r.reliable_accuracy is None else f"{r.reliable_accuracy:.1%}"
        lines.append(f"| {r.language} (`{r.code}`) | {r.n} | {r.accuracy:.1%} | {r.abstained:.1%} "
                     f"| {r.reliable_share:.1%} | {rel_acc} | {r.top_confusions} |")
    n = sum(r.n for r in rows)
    macro = sum(r.accuracy for r in rows) / len(rows) if rows else 0.0
    rest = [r for r in rows if r.code != "hi"]
    macro_rest = sum(r.accuracy for r in rest) / len(rest) if rest else 0.0
    lines += ["", f"{n} tweets; macro-averaged accuracy {macro:.1%} ({macro_rest:.1%} without the "
              "romanized Hindi set)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.evaluate.language", description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--split", default="val", choices=("train", "val"))
    ap.add_argument("--fasttext-only", action="store_true",
                    help="without the py3langid second opinion on unsure posts")
    args = ap.parse_args(argv)
    rows = evaluate(args.data, args.split, args.fasttext_only)
    if not rows:
        print(f"no XLM-T data under {args.data}", file=sys.stderr)
        return 2
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
