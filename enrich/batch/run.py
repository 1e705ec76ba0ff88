"""``enrich run``: stream records from files/folders/stdin through the pipeline to JSONL.

Every input record is accounted for: it yields one output record per post it holds, or an
error record (inline, in input order, or in the dead-letter file), so that
``records_in == records_with_posts + error_records`` and nothing is silently dropped.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..enricher import output_record
from ..errors import ErrorCode, ErrorRecord
from ..io import JsonlWriter, normalize, read_records
from ..pipeline import Pipeline
from ..post import Post
from ..settings import Settings

log = logging.getLogger(__name__)

_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".js", ".txt", ".gz")


@dataclass(slots=True)
class RunStats:
    records_in: int = 0
    posts_out: int = 0
    error_records: int = 0
    seconds: float = 0.0
    errors_by_code: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        rate = self.posts_out / self.seconds if self.seconds > 0 else 0.0
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors_by_code.items()))
        return (f"enrich: {self.records_in} records in, {self.posts_out} posts enriched, "
                f"{self.error_records} error records{f' ({codes})' if codes else ''}; "
                f"{self.seconds:.1f} s, {rate:,.0f} posts/s")


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files as given; folders walked recursively for known suffixes, in sorted order."""
    for name in inputs:
        path = Path(name)
        if name != "-" and path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if sub.name.lower().endswith(_SUFFIXES):
                    yield str(sub)
        else:
            yield name


def _slots(inputs: Iterable[str], fmt: str) -> Iterator[tuple[str, Post | ErrorRecord]]:
    for source in expand_inputs(inputs):
        if source != "-" and not Path(source).exists():
            yield source, ErrorRecord(ErrorCode.BAD_INPUT_PATH, source=source, path=source,
                                      detail="no such file")
            continue
        label = "<stdin>" if source == "-" else source
        try:
            for pos, rec in read_records(source, fmt):
                if isinstance(rec, ErrorRecord):
                    rec.source = rec.source or label
                    yield label, rec
                    continue
                for slot in normalize(rec, pos, label):
                    yield label, slot
        except OSError as exc:
            yield label, ErrorRecord(ErrorCode.BAD_INPUT_PATH, source=label, path=label, detail=str(exc))


def run_files(inputs: list[str], output: str, families: list[str] | None = None,
              dead_letter: str | None = None, fmt: str = "auto", batch_size: int = 256,
              progress: bool | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
              settings: Settings | None = None) -> int:
    settings = settings or Settings()
    pipeline = Pipeline(families, settings, options)
    stats = RunStats()
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(unit=" posts", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    t0 = time.perf_counter()
    last_key: tuple[str, int | None] | None = None
    try:
        with JsonlWriter(output) as out, (JsonlWriter(dead_letter) if dead_letter else _Null()) as dead:
            batch: list[tuple[str, Post | ErrorRecord]] = []

            def flush() -> None:
                posts = [s for _, s in batch if isinstance(s, Post)]
                enriched = iter(pipeline.run(posts, families)) if posts else iter(())
                for _, slot in batch:
                    if isinstance(slot, ErrorRecord):
                        stats.error_records += 1
                        stats.errors_by_code[slot.code] = stats.errors_by_code.get(slot.code, 0) + 1
                        (dead if dead_letter else out).write(slot.to_dict())
                    else:
                        out.write(output_record(slot, next(enriched)))
                        stats.posts_out += 1
                if bar is not None:
                    bar.update(len(posts))
                batch.clear()

            for label, slot in _slots(inputs, fmt):
                # Posts of one record (an API page) arrive together with the same position.
                key = (label, slot.position)
                if key != last_key or slot.position is None:
                    stats.records_in += 1
                last_key = key
                batch.append((label, slot))
                if len(batch) >= batch_size:
                    flush()
            flush()
    finally:
        if bar is not None:
            bar.close()
        pipeline.close()
    stats.seconds = time.perf_counter() - t0
    print(stats.summary(), file=sys.stderr)
    return 0


class _Null:
    def __enter__(self) -> _Null:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, record: Mapping[str, Any]) -> None:
        return None
