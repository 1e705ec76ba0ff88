"""The worker pool with real processes: isolation, crash recovery, deadlines, start failures."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
import pytest_asyncio

from enrich.errors import NotConfigured
from enrich.family import Family, Item
from enrich.registry import temporarily
from enrich.service import WorkerPool

from ._families import SERVICE_FAMILIES, TEST_FAMILIES
from .conftest import PIPELINE_SETTINGS, serve

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def process_pool(test_families: None) -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(2, SERVICE_FAMILIES, PIPELINE_SETTINGS, extra_families=TEST_FAMILIES,
                      batch_timeout=2.5)
    pool.start()
    async with asyncio.timeout(120):
        await pool.wait_ready()
    yield pool
    await pool.close()


async def all_warm(pool: WorkerPool) -> None:
    async with asyncio.timeout(120):
        await pool.wait_all_warm()
    assert pool.status()["warmed"] == pool.size


async def test_families_run_in_worker_processes_with_one_blas_thread(process_pool: WorkerPool) -> None:
    async with serve(process_pool, workers=2) as c:
        out = await (await c.post("/v1/enrich", json={"text": "where do I run?"})).json()
    echo = out["enrichment"]["svc_echo"]
    assert echo["pid"] != os.getpid()  # the event loop's process never runs CPU family code
    assert echo["blas_threads"] == "1"
    assert out["enrichment"]["svc_io"] == {"pid": os.getpid(), "batch_size": 1, "echo_pid": echo["pid"]}
    status = process_pool.status()
    assert status["mode"] == "processes" and status["warmed"] == 2


async def test_worker_crash_fails_only_its_batch_and_the_worker_comes_back(process_pool: WorkerPool) -> None:
    before = process_pool.restarts
    async with serve(process_pool, workers=2, batch_max_size=1, batch_max_wait_ms=0,
                     retry_after_seconds=2) as c:
        crash, fine = await asyncio.gather(c.post("/v1/enrich", json={"text": "crash!"}),
                                           c.post("/v1/enrich", json={"text": "fine"}))
        assert crash.status == 503
        assert crash.headers["Retry-After"] == "2"
        body = await crash.json(content_type=None)
        assert body["code"] == "E306"
        assert fine.status == 200
        assert (await fine.json())["enrichment"]["svc_misbehave"] == {"ok": True}
        assert process_pool.restarts == before + 1
        assert (await c.get("/healthz")).status == 200
        await all_warm(process_pool)
        resps = await asyncio.gather(*(c.post("/v1/enrich", json={"text": f"after {i}"}) for i in range(4)))
        assert [r.status for r in resps] == [200] * 4
        metrics = await (await c.get("/metrics")).text()
    assert f"enrich_worker_restarts_total {float(before + 1)}" in metrics


async def test_ndjson_crash_turns_that_chunk_into_error_lines(process_pool: WorkerPool) -> None:
    await all_warm(process_pool)
    data = b'{"text": "a"}\n{"text": "crash!"}\n'
    async with serve(process_pool, workers=2) as c:
        resp = await c.post("/v1/enrich", data=data, headers={"Content-Type": "application/x-ndjson"})
        lines = (await resp.read()).splitlines()
    assert resp.status == 200 and len(lines) == 2
    assert all(b'"E306"' in line for line in lines)
    await all_warm(process_pool)


async def test_hung_worker_is_killed_after_the_batch_deadline(process_pool: WorkerPool) -> None:
    await all_warm(process_pool)
    before = process_pool.restarts
    async with serve(process_pool, workers=2) as c:
        resp = await c.post("/v1/enrich", json={"text": "slow:60"})
        body = await resp.json(content_type=None)
        assert resp.status == 503 and body["code"] == "E306" and "deadline" in body["detail"]
        assert process_pool.restarts == before + 1
        assert (await c.post("/v1/enrich", json={"text": "next"})).status == 200
    await all_warm(process_pool)


async def test_a_worker_killed_while_idle_costs_no_request(process_pool: WorkerPool) -> None:
    await all_warm(process_pool)
    before = process_pool.restarts
    async with serve(process_pool, workers=2, batch_max_size=1, batch_max_wait_ms=0) as c:
        victim = process_pool.info
        assert victim is not None
        os.kill(victim.pid, signal.SIGKILL)
        await asyncio.sleep(0.5)  # the executor notices the death on its own
        resps = await asyncio.gather(*(c.post("/v1/enrich", json={"text": f"t{i}"}) for i in range(4)))
        assert [r.status for r in resps] == [200] * 4
    assert process_pool.restarts == before + 1
    await all_warm(process_pool)


class BrokenSetupFamily(Family):
    name = "svc_broken_setup"
    summary = "Service test family whose setup fails with a bug (not NotConfigured)."

    def setup(self) -> None:
        raise RuntimeError("setup bug on purpose")

    def enrich_batch(self, items: Sequence[Item]) -> list[Any]:
        return [None for _ in items]


class NotConfiguredFamily(Family):
    name = "svc_unconfigured"
    summary = "Service test family that is not configured here and is disabled alone."

    def setup(self) -> None:
        raise NotConfigured(self.name, "no model on purpose")


async def test_failing_setup_keeps_readyz_503() -> None:
    with temporarily(BrokenSetupFamily):
        pool = WorkerPool(0, ["post", "svc_broken_setup"])
        try:
            async with serve(pool, families=["post", "svc_broken_setup"]) as c:
                await asyncio.sleep(0.2)
                resp = await c.get("/readyz")
                body = await resp.json(content_type=None)
                assert resp.status == 503 and body["code"] == "E307"
                assert "setup bug on purpose" in body["detail"]
                assert (await c.get("/healthz")).status == 200
                # requests are refused at once rather than queued for a worker that never comes
                resp = await c.post("/v1/enrich", json={"text": "a"})
                body = await resp.json(content_type=None)
                assert resp.status == 503 and body["code"] == "E307" and resp.headers["Retry-After"]
        finally:
            await pool.close()


async def test_unconfigured_family_is_disabled_alone() -> None:
    with temporarily(NotConfiguredFamily):
        pool = WorkerPool(0, ["post", "svc_unconfigured"])
        try:
            async with serve(pool, families=["post", "svc_unconfigured"]) as c:
                out = await (await c.post("/v1/enrich", json={"text": "hi"})).json()
                attrs = await (await c.get("/v1/attributes")).json()
        finally:
            await pool.close()
    enrichment = out["enrichment"]
    assert enrichment["post"]["text"] == "hi" and enrichment["svc_unconfigured"] is None
    assert [e["code"] for e in enrichment["errors"]] == ["E202"]
    fam = next(f for f in attrs["families"] if f["name"] == "svc_unconfigured")
    assert "no model on purpose" in fam["disabled_reason"]
