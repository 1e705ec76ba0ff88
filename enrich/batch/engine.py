"""The enrichment loop shared by every batch mode: normalized input records in, output records
(and error records) out, in input order, with the I/O families (link expansion) of one batch
overlapped with the CPU families of the next.

Accounting is per input record: a record that yields at least one post counts as enriched,
one that yields only error records as an error record, so ``records_in == records_enriched +
records_failed`` holds for any stretch of input (a shard checks it before it is marked done).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..enricher import output_record
from ..errors import ErrorRecord
from ..family import Item
from ..pipeline import Pipeline
from ..post import Post
from ..privacy import from_settings
from ..settings import Settings

Slot = Post | ErrorRecord


@dataclass(slots=True)
class InputRecord:
    """One input record and what :func:`enrich.io.normalize` made of it (posts and/or errors)."""

    source: str
    position: int | None
    slots: list[Slot]


@dataclass(slots=True)
class RunStats:
    records_in: int = 0
    records_enriched: int = 0
    records_failed: int = 0
    posts_out: int = 0
    error_records: int = 0
    seconds: float = 0.0
    setup_seconds: float = 0.0  # loading families (models), when measured in this process
    errors_by_code: dict[str, int] = field(default_factory=dict)

    def add(self, other: RunStats) -> None:
        self.records_in += other.records_in
        self.records_enriched += other.records_enriched
        self.records_failed += other.records_failed
        self.posts_out += other.posts_out
        self.error_records += other.error_records
        for code, n in other.errors_by_code.items():
            self.errors_by_code[code] = self.errors_by_code.get(code, 0) + n

    @property
    def balanced(self) -> bool:
        return self.records_in == self.records_enriched + self.records_failed

    def summary(self) -> str:
        # Model loading is a fixed cost: the rate is over the time spent enriching.
        work = self.seconds - self.setup_seconds
        rate = self.posts_out / work if work > 0 else 0.0
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors_by_code.items()))
        loading = f" ({self.setup_seconds:.1f} s loading families)" if self.setup_seconds else ""
        return (f"enrich: {self.records_in} records in, {self.posts_out} posts enriched, "
                f"{self.error_records} error records{f' ({codes})' if codes else ''}; "
                f"{self.seconds:.1f} s{loading}, {rate:,.0f} posts/s")


class Sink(Protocol):
    def write(self, record: Any) -> None: ...


class NullSink:
    """Where nothing is written (no dead-letter file): a context manager like the writers."""

    def __enter__(self) -> NullSink:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, record: Any) -> None:
        return None


class IOStage:
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


_Pending = tuple[list[InputRecord], list[Item], "concurrent.futures.Future[None]"]


class Engine:
    """A pipeline built once (per process) and the loop that streams records through it."""

    def __init__(self, families: list[str] | None = None,
                 options: Mapping[str, Mapping[str, Any]] | None = None,
                 batch_size: int = 256, settings: Settings | None = None) -> None:
        self.families = families
        self.batch_size = batch_size
        self.settings = settings or Settings()
        self.pipeline = Pipeline(families, self.settings, options)
        # ENRICH_PSEUDONYMIZE: account ids and handles replaced in everything written
        self.privacy = from_settings(self.settings.pseudonymize, self.settings.pseudonym_key)
        self.io = IOStage(self.pipeline, families)
        self._closed = False

    def run(self, records: Iterable[InputRecord], out: Sink, dead: Sink | None = None,
            progress: Callable[[int], None] | None = None) -> RunStats:
        """Enrich ``records`` into ``out`` (error records too, unless ``dead`` takes them)."""
        stats = RunStats()
        pending: deque[_Pending] = deque()
        pipe = self.pipeline

        def write(batch: list[InputRecord], items: list[Item]) -> None:
            enriched = iter(pipe.finish(items, self.families)) if items else iter(())
            for rec in batch:
                posts = 0
                for slot in rec.slots:
                    if isinstance(slot, ErrorRecord):
                        stats.error_records += 1
                        stats.errors_by_code[slot.code] = stats.errors_by_code.get(slot.code, 0) + 1
                        (dead or out).write(slot.to_dict())
                    else:
                        out.write(output_record(slot, next(enriched), self.privacy))
                        posts += 1
                stats.posts_out += posts
                if posts:
                    stats.records_enriched += 1
                elif rec.slots:
                    stats.records_failed += 1
            if progress is not None:
                progress(len(items))

        def drain(keep: int) -> None:
            while len(pending) > keep:
                batch, items, fut = pending.popleft()
                fut.result()
                write(batch, items)

        def flush(batch: list[InputRecord]) -> None:
            items = pipe.start([s for rec in batch for s in rec.slots if isinstance(s, Post)])
            if items:
                pipe.run_cpu(items, self.families)
            pending.append((batch, items, self.io.submit(items)))
            drain(self.io.depth)

        batch: list[InputRecord] = []
        size = 0
        for rec in records:
            stats.records_in += 1
            batch.append(rec)
            size += len(rec.slots)
            if size >= self.batch_size:
                flush(batch)
                batch, size = [], 0
        flush(batch)
        drain(0)
        return stats

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.io.close()
