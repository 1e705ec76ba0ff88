"""Service test fixtures: the test families, one shared worker pool per module, and clients
of apps built on that pool (only ever on 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from enrich.registry import temporarily
from enrich.service import ServiceSettings, WorkerPool, create_app
from enrich.settings import Settings

from ._families import SERVICE_FAMILIES, TEST_FAMILIES

PIPELINE_SETTINGS = Settings(strict_catalogue=True)


@pytest.fixture(scope="module")
def test_families() -> Iterator[None]:
    # Module scope, not session: the catalogue tests must not see these families.
    with temporarily(*TEST_FAMILIES):
        yield


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def thread_pool(test_families: None) -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(0, SERVICE_FAMILIES, PIPELINE_SETTINGS, batch_timeout=30)
    pool.start()
    async with asyncio.timeout(60):
        await pool.wait_ready()
    yield pool
    await pool.close()


def settings(**kw: Any) -> ServiceSettings:
    base: dict[str, Any] = {"families": SERVICE_FAMILIES, "workers": 0, "batch_max_wait_ms": 1}
    base.update(kw)
    return ServiceSettings(**base)


@asynccontextmanager
async def serve(pool: WorkerPool, **kw: Any) -> AsyncIterator[TestClient[Any, Any]]:
    app = create_app(settings(**kw), pool=pool, pipeline_settings=PIPELINE_SETTINGS)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
