"""``python -m enrich.evaluate.links --data ../shared/data``: offline checks of the links
family's URL analysis on real t.co pairs (``urls/tco_pairs.jsonl``).

Live expansion cannot be scored here (no internet); what can be: URL parsing against the
platform's own display form, coverage of the curated domain categories, and the shortener
detector against the pairs where the platform gives the final (unwound) address.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from ..net.urls import DomainList, analyse


def evaluate(data: Path) -> dict[str, Any]:
    domains = DomainList.load()
    rows = [orjson.loads(line) for line in (data / "urls" / "tco_pairs.jsonl").read_bytes().splitlines()]
    parsed_ok = comparable = categorized = 0
    cats: Counter[str] = Counter()
    tp = fp = fn = tn = 0
    for row in rows:
        exp = row["expanded_url"]
        a = analyse(exp, domains)
        host = a["domain"]["host"] or ""
        shown = (row.get("display_url") or "").split("/", 1)[0].removeprefix("www.")
        # The platform elides long hosts ("…name.blogspot.com") and shows media as pic.twitter.com.
        if shown and not shown.startswith("…") and shown != "pic.twitter.com":
            comparable += 1
            parsed_ok += host.removeprefix("www.") == shown.lower()
        cat = a["domain"]["category"]
        if cat:
            categorized += 1
            cats[cat] += 1
        if row.get("unwound_url"):
            final = analyse(row["unwound_url"], domains)["domain"]["registered_domain"]
            moved = final != a["domain"]["registered_domain"]
            said = domains.shortener(host) is not None
            tp += said and moved
            fp += said and not moved
            fn += moved and not said
            tn += not said and not moved
    n = len(rows)
    return {
        "pairs": n,
        "display_host_comparable": comparable,
        "display_host_agreement": round(parsed_ok / comparable, 4) if comparable else None,
        "category_coverage": round(categorized / n, 4),
        "categories": dict(cats.most_common()),
        "shortener_detection": {"pairs_with_unwound_url": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn,
                                "tn": tn, "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                                "recall": round(tp / (tp + fn), 3) if tp + fn else None},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.evaluate.links", description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = ap.parse_args(argv)
    print(orjson.dumps(evaluate(args.data), option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
