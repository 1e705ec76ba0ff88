"""``enrich run``: stream records from files/folders/stdin through the pipeline to JSONL.

Every input record is accounted for: it yields one output record per post it holds, or an
error record (inline, in input order, or in the dead-letter file), so that
``records_in == records_with_posts + error_records`` and nothing is silently dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..enricher import output_record
from ..errors import ErrorCode, ErrorRecord
from ..family import Item
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


class _IOStage:
    """Runs the I/O families (link expansion) of batch *k* on an event loop in a thread while
    the CPU families work on batch *k+1*, so slow sites never serialize the job. At most
    ``depth`` batches wait on I/O; output order is input order."""

    def __init__(self, pipeline: Pipeline, families: list[str] | None, depth: int = 4) -> None:
        self.pipeline = pipeline
        self.families = families
        self.depth = depth
        run, _ = pipeline.plan(families)
        self.active = any(f.kind == "io" for f in run)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        if self.active:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="enrich-io", daemon=True)
            self._thread.start()

    def submit(self, items: list[Item]) -> concurrent.futures.Future[None]:
        if not self.active or self._loop is None:
            done: concurrent.futures.Future[None] = concurrent.futures.Future()
            done.set_result(None)
            return done
        return asyncio.run_coroutine_threadsafe(self.pipeline.run_io(items, self.families), self._loop)

    def close(self) -> None:
        if self._loop is None or self._thread is None:
            self.pipeline.close()
            return
        # I/O families own sessions bound to this loop: close them on it.
        asyncio.run_coroutine_threadsafe(self.pipeline.aclose(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def run_files(inputs: list[str], output: str, families: list[str] | None = None,
              dead_letter: str | None = None, fmt: str = "auto", batch_size: int = 256,
              progress: bool | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
              settings: Settings | None = None) -> int:
    settings = settings or Settings()
    pipeline = Pipeline(families, settings, options)
    io_stage = _IOStage(pipeline, families)
    stats = RunStats()
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(unit=" posts", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    t0 = time.perf_counter()
    last_key: tuple[str, int | None] | None = None
    Pending = tuple[list[tuple[str, Post | ErrorRecord]], list[Item], "concurrent.futures.Future[None]"]
    pending: deque[Pending] = deque()
    try:
        with JsonlWriter(output) as out, (JsonlWriter(dead_letter) if dead_letter else _Null()) as dead:

            def write(batch: list[tuple[str, Post | ErrorRecord]], items: list[Item]) -> None:
                enriched = iter(pipeline.finish(items, families)) if items else iter(())
                posts = iter(items)
                for _, slot in batch:
                    if isinstance(slot, ErrorRecord):
                        stats.error_records += 1
                        stats.errors_by_code[slot.code] = stats.errors_by_code.get(slot.code, 0) + 1
                        (dead if dead_letter else out).write(slot.to_dict())
                    else:
                        next(posts)
                        out.write(output_record(slot, next(enriched)))
                        stats.posts_out += 1
                if bar is not None:
                    bar.update(len(items))

            def drain(keep: int) -> None:
                while len(pending) > keep:
                    batch, items, fut = pending.popleft()
                    fut.result()
                    write(batch, items)

            def flush(batch: list[tuple[str, Post | ErrorRecord]]) -> None:
                items = pipeline.start([s for _, s in batch if isinstance(s, Post)])
                if items:
                    pipeline.run_cpu(items, families)
                pending.append((batch, items, io_stage.submit(items)))
                drain(io_stage.depth)

            batch: list[tuple[str, Post | ErrorRecord]] = []
            for label, slot in _slots(inputs, fmt):
                # Posts of one record (an API page) arrive together with the same position.
                key = (label, slot.position)
                if key != last_key or slot.position is None:
                    stats.records_in += 1
                last_key = key
                batch.append((label, slot))
                if len(batch) >= batch_size:
                    flush(batch)
                    batch = []
            flush(batch)
            drain(0)
    finally:
        if bar is not None:
            bar.close()
        io_stage.close()
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
