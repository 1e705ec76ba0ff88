"""The HTTP service: ``create_app`` (aiohttp app factory), its settings and the worker pool."""

from __future__ import annotations

from .app import create_app, create_pool
from .pool import WorkerPool
from .settings import ServiceSettings

__all__ = ["ServiceSettings", "WorkerPool", "create_app", "create_pool"]
