"""Typed application state (``web.AppKey``) shared by routes, middlewares and the app factory."""

from __future__ import annotations

from aiohttp import web

from ..pipeline import Pipeline
from .batcher import MicroBatcher
from .metrics import ServiceMetrics
from .pool import WorkerPool
from .settings import ServiceSettings

SETTINGS = web.AppKey("settings", ServiceSettings)
METRICS = web.AppKey("metrics", ServiceMetrics)
POOL = web.AppKey("pool", WorkerPool)
IO_PIPELINE = web.AppKey("io_pipeline", Pipeline)
BATCHER = web.AppKey("batcher", MicroBatcher)
SHUTTING_DOWN = web.AppKey("shutting_down", list[bool])  # a mutable cell: set on shutdown
