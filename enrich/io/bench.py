"""Input-parsing throughput: reading + JSON parsing + normalization, on one core.

``python -m enrich.io.bench FILE... [--min-records N]`` reads each file with
:func:`enrich.io.read_records` (repeating it in memory until ``N`` records were seen) and
normalizes every record; without files it uses the synthetic posts of
:mod:`enrich.bench.generate`. Prints records/s and posts/s.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

from ..post import Post
from .normalize import normalize
from .readers import read_records
from .writers import JsonlWriter


def measure(path: Path, min_records: int, fmt: str = "auto", hold: int = 256
            ) -> tuple[int, int, int, float, float]:
    """(passes, records, posts, wall seconds, CPU seconds) for reading and normalizing ``path``
    repeatedly until ``min_records`` records (or posts) were seen. CPU time is this process's alone, the
    fairer figure on a shared machine. The last ``hold`` outputs are kept alive, as a pipeline
    batch keeps them, so that garbage-collection costs are those of a real run."""
    passes = records = posts = 0
    batch: list[object] = []
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    while records < min_records and posts < min_records:  # a v2 page is one record, 100 posts
        passes += 1
        for pos, rec in read_records(path, fmt):
            records += 1
            for out in normalize(rec, pos):
                posts += isinstance(out, Post)
                batch.append(out)
            if len(batch) >= hold:
                batch = []
        if records == 0:
            break
    return passes, records, posts, time.perf_counter() - start, time.process_time() - cpu


def parse_only(path: Path, passes: int, fmt: str = "auto") -> float:
    """CPU seconds to read and parse ``path`` ``passes`` times without normalizing: the floor."""
    cpu = time.process_time()
    for _ in range(passes):
        for _rec in read_records(path, fmt):
            pass
    return time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.io.bench", description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--min-records", type=int, default=50_000)
    ap.add_argument("--format", default="auto")
    ap.add_argument("--hold", type=int, default=256, help="outputs kept alive (a pipeline batch)")
    ap.add_argument("--gc-threshold", type=int, default=None,
                    help="gc.set_threshold(N, 20, 20) first: fewer young-generation collections")
    args = ap.parse_args(argv)
    if args.gc_threshold:
        gc.set_threshold(args.gc_threshold, 20, 20)
    files: list[Path] = list(args.files)
    tmp = None
    if not files:
        from ..bench.generate import generate_records

        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "synthetic.jsonl"
        with JsonlWriter(path) as out:
            out.write_many(generate_records(10_000, seed=1))
        files = [path]
    try:
        for path in files:
            passes, records, posts, secs, cpu = measure(path, args.min_records, args.format, args.hold)
            mb = path.stat().st_size * passes / 1e6
            floor = parse_only(path, passes, args.format)
            print(f"{path.name}: {records} records, {posts} posts, {mb:.1f} MB; "
                  f"wall {secs:.2f} s = {records / secs:,.0f} records/s; "
                  f"CPU {cpu:.2f} s = {records / cpu:,.0f} records/s, {posts / cpu:,.0f} posts/s, "
                  f"{mb / cpu:.1f} MB/s; reading+parsing alone {records / floor:,.0f} records/s CPU")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
