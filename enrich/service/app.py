"""The aiohttp application factory.

Setup and teardown are paired in ``cleanup_ctx``: the worker pool (warming in the background;
``/readyz`` says when it is done), the in-process pipeline of I/O families, and the micro-batcher
in front of both. A pool may be passed in (tests share one between apps); the app then leaves
closing it to its owner.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from ..family import Family
from ..pipeline import Pipeline
from ..settings import Settings
from .batcher import MicroBatcher
from .metrics import ServiceMetrics
from .middlewares import MIDDLEWARES
from .pool import WorkerPool
from .routes import routes
from .settings import ServiceSettings
from .state import BATCHER, IO_PIPELINE, METRICS, POOL, SETTINGS, SHUTTING_DOWN

log = logging.getLogger(__name__)


def create_pool(settings: ServiceSettings, *, pipeline_settings: Settings | None = None,
                extra_families: Sequence[type[Family]] = ()) -> WorkerPool:
    """A worker pool built as ``settings`` says (not started)."""
    return WorkerPool(settings.workers, settings.families, pipeline_settings,
                      extra_families=extra_families, start_method=settings.start_method,
                      batch_timeout=settings.batch_timeout_seconds, warmup_posts=settings.warmup_posts)


def create_app(settings: ServiceSettings | None = None, *, pool: WorkerPool | None = None,
               pipeline_settings: Settings | None = None) -> web.Application:
    """Build the service. ``settings`` default to the environment (``ENRICH_SERVICE_*``);
    ``pipeline_settings`` to ``ENRICH_*``."""
    settings = settings or ServiceSettings()
    app = web.Application(middlewares=MIDDLEWARES, client_max_size=settings.max_body_bytes)
    metrics = ServiceMetrics()
    app[SETTINGS] = settings
    app[METRICS] = metrics
    app[SHUTTING_DOWN] = [False]
    app.add_routes(routes)

    async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
        own = pool is None
        worker_pool = pool or create_pool(settings, pipeline_settings=pipeline_settings)
        worker_pool.start()
        metrics.watch_pool(worker_pool.status)
        app[POOL] = worker_pool
        yield
        if own:
            await worker_pool.close()

    async def io_ctx(app: web.Application) -> AsyncIterator[None]:
        io = Pipeline(settings.families, pipeline_settings, kinds=("io",))
        app[IO_PIPELINE] = io
        yield
        await io.aclose()

    async def batcher_ctx(app: web.Application) -> AsyncIterator[None]:
        batcher = MicroBatcher(app[POOL], app[IO_PIPELINE], max_size=settings.batch_max_size,
                               max_wait=settings.batch_max_wait_ms / 1000, limit=settings.queue_limit,
                               observer=metrics)
        batcher.start()
        app[BATCHER] = batcher
        yield
        await batcher.close()

    async def on_shutdown(app: web.Application) -> None:
        app[SHUTTING_DOWN][0] = True

    app.cleanup_ctx.extend((pool_ctx, io_ctx, batcher_ctx))
    app.on_shutdown.append(on_shutdown)
    return app
