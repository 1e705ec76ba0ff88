"""Middlewares: metrics, problem documents for every error, API keys, body size limit.

Order (outermost first): metrics see the final status; problems turn every exception into an
``application/problem+json`` answer; API keys are checked before the body is read; the size
limit refuses a declared ``Content-Length`` over the limit before reading a byte of it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from ..errors import EnrichError, ErrorCode
from .problems import Problem
from .state import METRICS, SETTINGS

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/ndjson",
                          "application/jsonlines"})


def _route_label(request: web.Request) -> str:
    # The route template, never the raw path: unknown paths must not create new label values.
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    metrics = request.app[METRICS]
    t0 = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except asyncio.CancelledError:
        status = 499  # the client went away first (nginx's convention)
        raise
    finally:
        route = _route_label(request)
        metrics.requests.labels(route, request.method, str(status)).inc()
        metrics.latency.labels(route).observe(time.perf_counter() - t0)


def _http_problem(exc: web.HTTPException, request: web.Request) -> Problem:
    if exc.status == 413:
        return Problem(ErrorCode.PAYLOAD_TOO_LARGE, limit=request.app[SETTINGS].max_body_bytes)
    if exc.status in (404, 405):
        return Problem(ErrorCode.NO_ROUTE, status=exc.status, method=request.method, path=request.path,
                       headers={k: v for k, v in exc.headers.items() if k.lower() == "allow"})
    return Problem(ErrorCode.BAD_REQUEST, status=exc.status, detail=exc.reason)


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    metrics = request.app[METRICS]
    try:
        return await handler(request)
    except Problem as exc:
        problem = exc
    except EnrichError as exc:
        problem = Problem.from_error(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        problem = _http_problem(exc, request)
    except Exception as exc:
        # A bug must cost one request, never the server; the detail stays in the log.
        log.exception("unhandled error on %s %s", request.method, request.path)
        problem = Problem(ErrorCode.INTERNAL_ERROR,
                          detail=ErrorCode.INTERNAL_ERROR.format(detail=type(exc).__name__))
    metrics.errors.labels(problem.error.code).inc()
    return problem.response(request.path)


def _given_key(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key") or None


def key_matches(given: str, keys: list[str]) -> bool:
    """Constant-time comparison against every key (no early exit that would leak which)."""
    probe = given.encode()
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(probe, key.encode())
    return ok


@web.middleware
async def api_key_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    keys = request.app[SETTINGS].api_keys
    if keys and request.path not in OPEN_PATHS and not request.path.startswith("/problems/"):
        given = _given_key(request)
        if given is None:
            raise Problem(ErrorCode.UNAUTHORIZED, detail=ErrorCode.UNAUTHORIZED.format(
                detail="send Authorization: Bearer <key> or X-API-Key"),
                headers={"WWW-Authenticate": 'Bearer realm="enrich"'})
        if not key_matches(given, keys):
            raise Problem(ErrorCode.UNAUTHORIZED,
                          detail=ErrorCode.UNAUTHORIZED.format(detail="the key given is not valid"),
                          headers={"WWW-Authenticate": 'Bearer realm="enrich", error="invalid_token"'})
    return await handler(request)


@web.middleware
async def body_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Streams are read line by line with a per-line cap instead (see ``max_line_bytes``);
    # bodies without Content-Length are capped by the app's ``client_max_size`` on read.
    limit = request.app[SETTINGS].max_body_bytes
    length = request.content_length
    if length is not None and length > limit and request.content_type not in NDJSON_TYPES:
        raise Problem(ErrorCode.PAYLOAD_TOO_LARGE, limit=limit)
    return await handler(request)


MIDDLEWARES = (metrics_middleware, problem_middleware, api_key_middleware, body_limit_middleware)
