"""Normalize every payload under ``<data>/tweets`` and tabulate what came out of each file.

``python -m enrich.io.survey --data ../shared/data`` prints a Markdown table: records read, posts
produced, error records by code, posts carrying normalization warnings, and the source formats
recognized. It is the figure behind docs/accuracy.md, "Input normalization".
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..errors import ErrorRecord
from .normalize import normalize
from .readers import read_records


def survey_file(path: Path) -> dict[str, Counter[str]]:
    stats: dict[str, Counter[str]] = {"n": Counter(), "codes": Counter(), "formats": Counter()}
    for pos, rec in read_records(path):
        stats["n"]["records"] += 1
        for out in normalize(rec, pos, str(path)):
            if isinstance(out, ErrorRecord):
                stats["n"]["errors"] += 1
                stats["codes"][out.code] += 1
            else:
                stats["n"]["posts"] += 1
                stats["formats"][out.source_format] += 1
                if out.warnings:
                    stats["n"]["warned"] += 1
                if out.truncated_input:
                    stats["n"]["truncated"] += 1
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.io.survey", description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = ap.parse_args(argv)
    root = args.data / "tweets"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))
    total: Counter[str] = Counter()
    codes_total: Counter[str] = Counter()
    print("| file | records | posts | error records | posts with warnings | truncated, no full text "
          "| formats |")
    print("|---|---:|---:|---|---:|---:|---|")
    for path in files:
        s = survey_file(path)
        total.update(s["n"])
        codes_total.update(s["codes"])
        errs = ", ".join(f"{c} ×{n}" for c, n in sorted(s["codes"].items())) or "0"
        fmts = ", ".join(sorted(s["formats"])) or "—"
        print(f"| `{path.relative_to(root).as_posix()}` | {s['n']['records']} | {s['n']['posts']} | {errs} "
              f"| {s['n']['warned']} | {s['n']['truncated']} | {fmts} |")
    errs = ", ".join(f"{c} ×{n}" for c, n in sorted(codes_total.items())) or "0"
    print(f"| **all {len(files)} files** | {total['records']} | {total['posts']} | {errs} "
          f"| {total['warned']} | {total['truncated']} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
