"""Prometheus metrics of one service instance (its own registry, so apps never collide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class ServiceMetrics:
    """Request, post, error, queue and per-family counters; also the batcher's observer."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("enrich_http_requests", "HTTP requests answered.",
                                ["route", "method", "status"], registry=r)
        self.latency = Histogram("enrich_http_request_duration_seconds", "Time to answer a request.",
                                 ["route"], buckets=_LATENCY_BUCKETS, registry=r)
        self.posts = Counter("enrich_posts", "Input records answered, by outcome.", ["outcome"],
                             registry=r)
        self.errors = Counter("enrich_errors", "Errors by stable code (whole requests and items).",
                              ["code"], registry=r)
        self.queue_waiting = Gauge("enrich_queue_waiting_posts",
                                   "Posts on the queue waiting for a worker.", registry=r)
        self.queue_admitted = Gauge("enrich_queue_admitted_posts",
                                    "Posts admitted and not yet answered (queued or running).",
                                    registry=r)
        self.batch_posts = Histogram("enrich_batch_posts", "Posts per micro-batch.",
                                     buckets=_BATCH_BUCKETS, registry=r)
        self.family_seconds = Histogram("enrich_family_batch_seconds",
                                        "Seconds a family spent on one micro-batch.", ["family"],
                                        buckets=_LATENCY_BUCKETS, registry=r)
        self.family_posts = Counter("enrich_family_posts", "Posts each family processed.", ["family"],
                                    registry=r)
        self._pool_status: Callable[[], dict[str, Any]] | None = None
        r.register(_PoolCollector(self))

    # -- BatchObserver --------------------------------------------------------------------------
    def batch_done(self, posts: int, timings: dict[str, float]) -> None:
        self.batch_posts.observe(posts)
        for family, seconds in timings.items():
            self.family_seconds.labels(family).observe(seconds)
            self.family_posts.labels(family).inc(posts)

    def queue_changed(self, waiting: int, admitted: int) -> None:
        self.queue_waiting.set(waiting)
        self.queue_admitted.set(admitted)

    def watch_pool(self, status: Callable[[], dict[str, Any]]) -> None:
        """Report the pool's ``status()`` (warmed workers, restarts) at each scrape."""
        self._pool_status = status

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PoolCollector(Collector):
    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        status = self.metrics._pool_status() if self.metrics._pool_status is not None else {}
        yield GaugeMetricFamily("enrich_workers", "Configured workers.", value=status.get("workers", 0))
        yield GaugeMetricFamily("enrich_workers_ready", "Warmed workers.", value=status.get("warmed", 0))
        yield CounterMetricFamily("enrich_worker_restarts",
                                  "Workers replaced after dying or overrunning a deadline.",
                                  value=status.get("restarts", 0))
