"""The micro-batcher on its own: batching, splitting, admission, cancellation, shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from enrich.pipeline import Pipeline
from enrich.post import Post
from enrich.service.batcher import MicroBatcher, Overloaded
from enrich.service.pool import PoolClosed, WorkerPool

from ._families import SERVICE_FAMILIES

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def batcher(thread_pool: WorkerPool) -> AsyncIterator[MicroBatcher]:
    b = MicroBatcher(thread_pool, Pipeline(SERVICE_FAMILIES, kinds=("io",)), max_size=4,
                     max_wait=0.05, limit=6)
    b.start()
    yield b
    await b.close()


def posts(*texts: str) -> list[Post]:
    return [Post(text=t) for t in texts]


async def test_results_come_back_in_order_across_split_batches(batcher: MicroBatcher) -> None:
    out = await batcher.enrich(posts(*(f"p{i}" for i in range(10))), ("svc_echo",))
    assert [e["post"]["text"] for e in out] == [f"p{i}" for i in range(10)]
    assert [e["svc_echo"]["batch_size"] for e in out] == [4] * 8 + [2] * 2
    assert batcher.admitted == 0 and batcher.waiting == 0


async def test_requests_with_different_family_selections_share_a_batch(batcher: MicroBatcher) -> None:
    a, b = await asyncio.gather(batcher.enrich(posts("a"), ("svc_echo",)),
                                batcher.enrich(posts("b"), ("svc_misbehave",)))
    assert "svc_misbehave" not in a[0] and a[0]["svc_echo"]["batch_size"] == 1
    assert "svc_echo" not in b[0] and b[0]["svc_misbehave"] == {"ok": True}


async def test_admission_is_bounded(batcher: MicroBatcher) -> None:
    first = asyncio.ensure_future(batcher.enrich(posts("slow:0.6", "x", "y", "z", "w"), None))
    await asyncio.sleep(0.05)
    assert batcher.admitted == 5
    with pytest.raises(Overloaded):
        await batcher.enrich(posts("a", "b"), None)
    # wait=True queues behind the full queue instead of failing
    waited = asyncio.ensure_future(batcher.enrich(posts("a", "b"), None, wait=True))
    assert len(await first) == 5
    assert len(await waited) == 2
    assert batcher.admitted == 0


async def test_an_empty_queue_admits_a_request_over_the_limit(batcher: MicroBatcher) -> None:
    assert len(await batcher.enrich(posts(*("x" * 9)), None)) == 9


async def test_cancelled_request_is_dropped_from_the_queue(batcher: MicroBatcher) -> None:
    running = asyncio.ensure_future(batcher.enrich(posts("slow:0.6"), None))
    await asyncio.sleep(0.08)  # the worker is busy with it
    queued = asyncio.ensure_future(batcher.enrich(posts("never", "run"), ("svc_echo",)))
    await asyncio.sleep(0.01)
    assert batcher.waiting == 2
    queued.cancel()
    await asyncio.sleep(0)
    assert batcher.waiting == 0 and batcher.admitted == 1  # dropped at once, not when a worker frees
    await running
    await asyncio.sleep(0.1)
    assert batcher.admitted == 0 and batcher.waiting == 0


async def test_close_fails_what_is_queued(thread_pool: WorkerPool) -> None:
    b = MicroBatcher(thread_pool, Pipeline(SERVICE_FAMILIES, kinds=("io",)), max_size=1, max_wait=0)
    b.start()
    running = asyncio.ensure_future(b.enrich(posts("slow:0.6"), None))
    await asyncio.sleep(0.05)
    queued = asyncio.ensure_future(b.enrich(posts("q"), None))
    await asyncio.sleep(0.01)
    await b.close()
    assert len(await running) == 1  # running batches finish
    with pytest.raises(PoolClosed):
        await queued
    with pytest.raises(PoolClosed):
        await b.enrich(posts("late"), None)


async def test_retry_after_follows_the_drain_rate(thread_pool: WorkerPool) -> None:
    b = MicroBatcher(thread_pool, Pipeline(SERVICE_FAMILIES, kinds=("io",)), max_size=64, max_wait=0)
    b.start()
    try:
        assert b.retry_after(2) == 2  # nothing answered yet: the configured least value
        await b.enrich(posts(*("x" * 20)), None)  # 20 posts in the 10 s window: 2 posts/s
        pending = asyncio.ensure_future(b.enrich(posts("slow:0.6", *("y" * 9)), None))
        await asyncio.sleep(0.05)
        assert b.admitted == 10
        assert b.retry_after(1) == 5
        assert b.retry_after(1, maximum=3) == 3
        assert b.retry_after(7) == 7
        await pending
    finally:
        await b.close()
