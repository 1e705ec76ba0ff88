"""Turning normalized input into answers: enrich the posts, keep error records in place, count
outcomes, and the problems for an overloaded or failing pool (shared by JSON and NDJSON)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from aiohttp import web

from ..enricher import output_record
from ..errors import ErrorCode, ErrorRecord
from ..io import normalize
from ..post import Post
from ..privacy import Pseudonymizer, from_settings
from ..settings import Settings
from .batcher import MicroBatcher
from .pool import Families, WorkerCrashed
from .problems import Problem
from .settings import ServiceSettings
from .state import BATCHER, METRICS

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def privacy() -> Pseudonymizer | None:
    """The pseudonymizer of the core settings (ENRICH_PSEUDONYMIZE), read once per process."""
    core = Settings()
    return from_settings(core.pseudonymize, core.pseudonym_key)


def normalize_record(record: Any, position: int) -> list[Post | ErrorRecord]:
    """``enrich.io.normalize``, with a bug in an adapter costing this record only."""
    try:
        return normalize(record, position)
    except Exception as exc:
        log.exception("normalize raised on record %d", position)
        return [ErrorRecord(ErrorCode.INTERNAL_ERROR, position=position,
                            detail=f"input adapter failed: {type(exc).__name__}")]


async def enrich_slots(request: web.Request, slots: Sequence[Post | ErrorRecord], families: Families,
                       *, wait: bool = False) -> list[dict[str, Any]]:
    """Output records (or error records) for normalized slots, in input order."""
    posts = [s for s in slots if isinstance(s, Post)]
    enrichments = iter(await request.app[BATCHER].enrich(posts, families, wait=wait))
    out: list[dict[str, Any]] = []
    for slot in slots:
        if isinstance(slot, ErrorRecord):
            out.append(slot.to_dict())
        else:
            out.append(output_record(slot, next(enrichments), privacy()))
    return out


def count_outcomes(request: web.Request, records: Sequence[dict[str, Any]]) -> None:
    metrics = request.app[METRICS]
    errors = 0
    for rec in records:
        if "enrichment" not in rec and isinstance(rec.get("error"), dict):
            errors += 1
            metrics.errors.labels(str(rec["error"].get("code", ""))).inc()
    if errors:
        metrics.posts.labels("error").inc(errors)
    if len(records) > errors:
        metrics.posts.labels("enriched").inc(len(records) - errors)


def overload_problem(settings: ServiceSettings, batcher: MicroBatcher) -> Problem:
    retry = str(batcher.retry_after(settings.retry_after_seconds))
    return Problem(ErrorCode.OVERLOADED, retry_after=retry, headers={"Retry-After": retry},
                   extra={"queued_posts": batcher.admitted, "queue_limit": batcher.limit})


def unavailable_code(exc: Exception) -> ErrorCode:
    return ErrorCode.WORKER_CRASHED if isinstance(exc, WorkerCrashed) else ErrorCode.UNAVAILABLE


def unavailable_problem(settings: ServiceSettings, exc: Exception) -> Problem:
    code = unavailable_code(exc)
    return Problem(code, detail=code.format(detail=str(exc)),
                   headers={"Retry-After": str(settings.retry_after_seconds)})
