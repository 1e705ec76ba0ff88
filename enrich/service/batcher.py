"""Micro-batching in front of the worker pool.

Requests put their posts on one bounded queue. When a worker is free, the dispatcher takes up
to ``max_size`` posts off the queue, waiting at most ``max_wait`` after the oldest one arrived
for more to come, so families see batches (spaCy ``nlp.pipe``) even when every request holds a
single post. A request larger than ``max_size`` is split across micro-batches. The queue counts
posts admitted and not yet answered; a request that would push it past ``limit`` is refused
with :class:`Overloaded` (HTTP 429) instead of growing it.

After the worker returns, the I/O families (link expansion) run on the event loop over the
same micro-batch, and the ``enrichment`` objects are assembled.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..family import Item
from ..pipeline import Pipeline
from ..post import Post
from .pool import BatchResult, Families, Group, NotReady, PoolClosed, Unavailable, WorkerCrashed, WorkerPool

log = logging.getLogger(__name__)

RATE_WINDOW = 10.0  # seconds of answered batches the Retry-After estimate looks at


class Overloaded(Exception):
    """The queue is full; the client should retry later."""


class BatchObserver(Protocol):
    def batch_done(self, posts: int, timings: dict[str, float]) -> None:
        """A micro-batch of ``posts`` ran; ``timings`` are seconds spent per family."""

    def queue_changed(self, waiting: int, admitted: int) -> None:
        """Posts on the queue, and posts admitted and not yet answered."""


@dataclass(slots=True, eq=False)
class _Job:
    posts: list[Post]
    families: Families
    future: asyncio.Future[list[dict[str, Any]]]
    results: list[dict[str, Any] | None]
    remaining: int

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


@dataclass(slots=True, eq=False)
class _Piece:
    job: _Job
    start: int
    end: int
    queued_at: float = field(default_factory=time.monotonic)

    @property
    def size(self) -> int:
        return self.end - self.start


class MicroBatcher:
    """Gathers posts of concurrent requests into micro-batches for a :class:`WorkerPool`."""

    def __init__(self, pool: WorkerPool, io_pipeline: Pipeline, *, max_size: int = 64,
                 max_wait: float = 0.005, limit: int = 2048,
                 observer: BatchObserver | None = None) -> None:
        self.pool = pool
        self.io_pipeline = io_pipeline
        self.max_size = max_size
        self.max_wait = max_wait
        self.limit = limit
        self.observer = observer
        self._queue: deque[_Piece] = deque()
        self._waiting = 0  # posts on the queue
        self._admitted = 0  # posts accepted and not yet answered (queued or running)
        self._arrived = asyncio.Event()
        self._room = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self._answered: deque[tuple[float, int]] = deque()  # (when, posts) over the last RATE_WINDOW
        self.closed = False

    @property
    def admitted(self) -> int:
        return self._admitted

    @property
    def waiting(self) -> int:
        return self._waiting

    def start(self) -> None:
        if self._dispatcher is None:
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch_loop())

    async def close(self) -> None:
        """Stop dispatching; fail what is still queued, let running batches finish."""
        self.closed = True
        self._room.set()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.gather(self._dispatcher, return_exceptions=True)
        self._fail_queued(PoolClosed("service is shutting down"))
        if self._batches:
            await asyncio.gather(*self._batches, return_exceptions=True)

    def drain_rate(self) -> float | None:
        """Posts answered per second over the last ``RATE_WINDOW`` seconds (None: no data)."""
        self._forget_old(time.monotonic())
        if not self._answered:
            return None
        return sum(n for _, n in self._answered) / RATE_WINDOW

    def retry_after(self, minimum: int, maximum: int = 60) -> int:
        """Seconds until the queue has likely drained, from the recent drain rate."""
        rate = self.drain_rate()
        if not rate:
            return minimum
        return max(minimum, min(maximum, math.ceil(self._admitted / rate)))

    def _forget_old(self, now: float) -> None:
        while self._answered and self._answered[0][0] < now - RATE_WINDOW:
            self._answered.popleft()

    def has_room(self, n: int) -> bool:
        # An empty queue admits any request, so one request over ``limit`` is never refused
        # forever; the request size is bounded separately (``max_posts``).
        return self._admitted == 0 or self._admitted + n <= self.limit

    async def enrich(self, posts: Sequence[Post], families: Families = None, *,
                     wait: bool = False) -> list[dict[str, Any]]:
        """The ``enrichment`` object of each post, in order.

        Raises :class:`Overloaded` when the queue is full (``wait=False``; with ``wait=True``
        the caller waits for room, as an NDJSON stream does), :class:`WorkerCrashed` when the
        worker running the batch died, :class:`NotReady` when no worker can be started,
        :class:`PoolClosed` during shutdown.
        """
        if not posts:
            return []
        if self.closed:
            raise PoolClosed("service is shutting down")
        if self.pool.failing:  # do not queue work that no worker will ever take
            raise NotReady(f"workers fail to start: {self.pool.warm_failure}")
        n = len(posts)
        if not self.has_room(n):
            if not wait:
                raise Overloaded(f"{self._admitted} posts queued, limit {self.limit}")
            while not (self.closed or self.has_room(n)):
                self._room.clear()
                await self._room.wait()
            if self.closed:
                raise PoolClosed("service is shutting down")
        loop = asyncio.get_running_loop()
        job = _Job(list(posts), families, loop.create_future(), [None] * n, n)
        now = time.monotonic()
        for start in range(0, n, self.max_size):
            self._queue.append(_Piece(job, start, min(start + self.max_size, n), now))
        self._admitted += n
        self._waiting += n
        self._changed()
        self._arrived.set()
        try:
            return await job.future
        finally:
            if not job.future.done():
                job.future.cancel()
            if job.remaining:  # cancelled (the caller went away) or failed: drop what is queued
                self._drop_job(job)

    def _drop_job(self, job: _Job) -> None:
        kept: deque[_Piece] = deque()
        for piece in self._queue:
            if piece.job is job:
                self._settle(piece)
            else:
                kept.append(piece)
        self._queue = kept

    # -- dispatching ------------------------------------------------------------------------------
    async def _dispatch_loop(self) -> None:
        while True:
            try:
                await self._dispatch_one()
            except PoolClosed as exc:
                self._fail_queued(exc)
                return
            except Exception as exc:  # a bug here must not leave queued requests waiting forever
                log.exception("micro-batch dispatcher failed; failing the queued requests")
                self._fail_queued(exc)

    def _fail_queued(self, exc: BaseException) -> None:
        while self._queue:
            piece = self._queue.popleft()
            piece.job.fail(exc)
            self._settle(piece)

    async def _dispatch_one(self) -> None:
        """Wait for work and a free worker, gather one micro-batch, start running it."""
        await self._arrived.wait()
        self._drop_abandoned()
        if not self._queue:
            self._arrived.clear()
            return
        while True:
            try:
                async with asyncio.timeout(0.5):
                    worker = await self.pool.acquire()
                break
            except TimeoutError:
                if self.pool.failing:  # no worker will come: answer 503 instead of waiting
                    self._fail_queued(NotReady(f"workers fail to start: {self.pool.warm_failure}"))
                    return
        try:
            await self._gather()
            pieces = self._take()
        except BaseException:
            self.pool.release(worker)
            raise
        if not pieces:
            self.pool.release(worker)
            return
        task = asyncio.get_running_loop().create_task(self._run(worker, pieces))
        self._batches.add(task)
        task.add_done_callback(self._batches.discard)

    async def _gather(self) -> None:
        """Wait (up to ``max_wait`` after the oldest queued post arrived) for a full batch."""
        while self._queue and self._waiting < self.max_size:
            left = self._queue[0].queued_at + self.max_wait - time.monotonic()
            if left <= 0:
                return
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                return
            self._drop_abandoned()

    def _take(self) -> list[_Piece]:
        pieces: list[_Piece] = []
        room = self.max_size
        while self._queue and room > 0:
            piece = self._queue[0]
            if piece.job.future.done():
                self._queue.popleft()
                self._settle(piece)
                continue
            if piece.size > room:  # split: the rest stays at the head of the queue
                head = _Piece(piece.job, piece.start, piece.start + room, piece.queued_at)
                piece.start += room
                pieces.append(head)
                self._waiting -= room
                break
            self._queue.popleft()
            pieces.append(piece)
            self._waiting -= piece.size
            room -= piece.size
        if self._queue:
            self._arrived.set()
        else:
            self._arrived.clear()
        self._changed()
        return pieces

    def _drop_abandoned(self) -> None:
        while self._queue and self._queue[0].job.future.done():
            self._settle(self._queue.popleft())

    def _settle(self, piece: _Piece) -> None:
        """A queued piece whose request was cancelled: count it out without running it."""
        self._waiting -= piece.size
        self._done(piece.size)

    async def _run(self, worker: Any, pieces: list[_Piece]) -> None:
        groups: dict[Families, list[_Piece]] = {}
        for piece in pieces:
            groups.setdefault(piece.job.families, []).append(piece)
        payload: list[Group] = [
            (fams, [p for piece in ps for p in piece.job.posts[piece.start:piece.end]])
            for fams, ps in groups.items()]
        size = sum(piece.size for piece in pieces)
        try:
            try:
                result = await self.pool.run_on(worker, payload)
            except (WorkerCrashed, Unavailable) as exc:
                for piece in pieces:
                    piece.job.fail(exc)
                return
            except Exception as exc:  # a bug, not a bad post: fail these requests, keep serving
                log.exception("micro-batch of %d posts failed", size)
                for piece in pieces:
                    piece.job.fail(exc)
                return
            timings = await self._finish(groups, payload, result)
            now = time.monotonic()
            self._answered.append((now, size))
            self._forget_old(now)
            if self.observer is not None:
                self.observer.batch_done(size, timings)
        finally:
            self._done(size)

    async def _finish(self, groups: dict[Families, list[_Piece]], payload: list[Group],
                      result: BatchResult) -> dict[str, float]:
        """Run the I/O families, assemble the enrichments, answer the jobs; return timings."""
        outputs = iter(result.items)
        pipe = self.io_pipeline
        timings = dict(result.timings)
        for name, why in result.disabled.items():
            # CPU families are set up in the workers; this pipeline only knows its I/O ones.
            pipe.disabled.setdefault(name, why)
        for (fams, posts), pieces in zip(payload, groups.values(), strict=True):
            items = [Item(post, *next(outputs)) for post in posts]
            before = {name: st.seconds for name, st in pipe.stats.items()}
            try:
                await pipe.run_io(items, fams)
                enrichments = pipe.finish(items, fams)
            except Exception as exc:
                log.exception("I/O families failed on a micro-batch")
                for piece in pieces:
                    piece.job.fail(exc)
                continue
            for name, st in pipe.stats.items():
                spent = st.seconds - before.get(name, 0.0)
                if spent:
                    timings[name] = timings.get(name, 0.0) + spent
            at = 0
            for piece in pieces:
                job = piece.job
                job.results[piece.start:piece.end] = enrichments[at:at + piece.size]
                at += piece.size
                job.remaining -= piece.size
                if job.remaining == 0 and not job.future.done():
                    job.future.set_result([r for r in job.results if r is not None])
        return timings

    def _done(self, n: int) -> None:
        self._admitted -= n
        self._changed()
        self._room.set()

    def _changed(self) -> None:
        if self.observer is not None:
            self.observer.queue_changed(self._waiting, self._admitted)
