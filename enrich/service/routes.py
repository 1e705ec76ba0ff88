"""HTTP routes: ``POST /v1/enrich``, ``GET /v1/attributes``, health, readiness, metrics."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from ..errors import EnrichError, ErrorCode, ErrorRecord
from ..post import Post
from ..registry import catalogue, family_classes, family_docs
from .answers import count_outcomes, enrich_slots, normalize_record, overload_problem, unavailable_problem
from .batcher import Overloaded
from .middlewares import NDJSON_TYPES
from .pool import Families, Unavailable, WorkerCrashed
from .problems import Problem, describe, lookup
from .state import BATCHER, IO_PIPELINE, METRICS, POOL, SETTINGS, SHUTTING_DOWN
from .stream import stream_ndjson

routes = web.RouteTableDef()

JSON_TYPES = frozenset({"application/json"})
TEXT_TYPES = frozenset({"text/plain"})


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def requested_families(request: web.Request) -> Families:
    """``?families=a,b`` as a canonical selection; unknown or unserved families are a 400."""
    raw = request.query.get("families")
    if raw is None:
        return None
    names = tuple(sorted({n.strip() for n in raw.split(",") if n.strip()}))
    if not names:
        raise Problem(ErrorCode.BAD_REQUEST, detail="?families= names no family")
    try:
        request.app[IO_PIPELINE].plan(names)
    except EnrichError as exc:
        raise Problem.from_error(exc) from None
    return names


def _parse_body(body: bytes, content_type: str) -> Any:
    if content_type in TEXT_TYPES:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem(ErrorCode.UNDECODABLE, detail=ErrorCode.UNDECODABLE.format(detail=exc)) from None
    if not body.strip():
        raise Problem(ErrorCode.BAD_REQUEST, detail="Request body is empty")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Problem(ErrorCode.INVALID_JSON, detail=ErrorCode.INVALID_JSON.format(detail=exc)) from None


@routes.post("/v1/enrich")
async def enrich_handler(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    families = requested_families(request)
    # No Content-Type at all is read as JSON (aiohttp would report application/octet-stream).
    ctype = request.content_type if "Content-Type" in request.headers else "application/json"
    if ctype in NDJSON_TYPES:
        return await stream_ndjson(request, families)
    if ctype not in JSON_TYPES and ctype not in TEXT_TYPES:
        raise Problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, content_type=ctype)
    batcher = request.app[BATCHER]
    if not batcher.has_room(1):  # shed load before reading and parsing the body
        raise overload_problem(settings, batcher)
    data = _parse_body(await request.read(), ctype)
    many = isinstance(data, list)
    records = data if many else [data]
    if len(records) > settings.max_posts:
        raise Problem(ErrorCode.TOO_MANY_POSTS, count=len(records), limit=settings.max_posts)
    slots: list[Post | ErrorRecord] = []
    for position, record in enumerate(records):
        slots.extend(normalize_record(record, position))
    n_posts = sum(isinstance(s, Post) for s in slots)
    if n_posts > settings.max_posts:  # API pages expand to several posts each
        raise Problem(ErrorCode.TOO_MANY_POSTS, count=n_posts, limit=settings.max_posts)
    if not many and len(slots) == 1 and isinstance(slots[0], ErrorRecord):
        raise Problem.from_record(slots[0])
    try:
        out = await enrich_slots(request, slots, families)
    except Overloaded:
        raise overload_problem(settings, batcher) from None
    except (WorkerCrashed, Unavailable) as exc:
        raise unavailable_problem(settings, exc) from None
    count_outcomes(request, out)
    if not many and len(out) == 1:
        return _json(out[0])
    return _json(out)


@routes.get("/v1/attributes")
async def attributes_handler(request: web.Request) -> web.Response:
    fmt = request.query.get("format", "json")
    cat = catalogue()
    if fmt == "schema":
        return web.Response(body=orjson.dumps(cat.json_schema()), content_type="application/schema+json")
    if fmt == "md":
        return web.Response(text=cat.markdown(family_docs()), content_type="text/markdown")
    if fmt != "json":
        raise Problem(ErrorCode.BAD_REQUEST, detail=f"?format= must be json, schema or md, not {fmt!r}")
    pool = request.app[POOL]
    io = request.app[IO_PIPELINE]
    served = set(io.selected)
    disabled = {**pool.status()["disabled"], **io.disabled}
    families = [
        {"name": name, "kind": cls.kind, "method": cls.method, "version": cls.version,
         "summary": cls.summary, "requires": list(cls.requires), "served": name in served,
         "disabled_reason": disabled.get(name)}
        for name, cls in family_classes().items()]
    return _json({"count": len(cat), "families": families, "attributes": [a.to_dict() for a in cat]})


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    # Liveness only: the event loop answers. Readiness (warmed workers) is /readyz.
    return _json({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    pool = request.app[POOL]
    batcher = request.app[BATCHER]
    status = pool.status()
    status["queued_posts"] = batcher.admitted
    if request.app[SHUTTING_DOWN][0]:
        raise Problem(ErrorCode.UNAVAILABLE, detail=ErrorCode.UNAVAILABLE.format(detail="shutting down"),
                      extra={"pool": status})
    if not pool.ready:
        why = "workers are warming up"
        if pool.warm_failure is not None:
            why = f"workers fail to start: {type(pool.warm_failure).__name__}: {pool.warm_failure}"
        raise Problem(ErrorCode.UNAVAILABLE, detail=ErrorCode.UNAVAILABLE.format(detail=why),
                      extra={"pool": status})
    return _json({"status": "ready", "pool": status})


@routes.get("/metrics")
async def metrics_handler(request: web.Request) -> web.Response:
    resp = web.Response(body=request.app[METRICS].render())
    resp.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    return resp


@routes.get("/problems/{name}")
async def problem_doc(request: web.Request) -> web.Response:
    error = lookup(request.match_info["name"])
    if error is None:
        raise web.HTTPNotFound()
    return _json(describe(error))
