"""The HTTP service end to end, on the in-process (thread) worker pool."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import jsonschema
import orjson
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.registry import catalogue
from enrich.service import WorkerPool
from enrich.service.state import BATCHER

from ._families import SERVICE_FAMILIES
from .conftest import serve

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROBLEM = "application/problem+json"
NDJSON = {"Content-Type": "application/x-ndjson"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(thread_pool: WorkerPool) -> AsyncIterator[TestClient[Any, Any]]:
    async with serve(thread_pool) as c:
        yield c


async def until(condition: Callable[[], bool], limit: float = 10.0) -> None:
    for _ in range(int(limit / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def problem(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.headers["Content-Type"].startswith(PROBLEM)
    body = await resp.json(content_type=None)
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"/problems/{body['name']}"
    assert body["title"] and body["detail"]
    return body


# -- POST /v1/enrich: JSON -------------------------------------------------------------------------
async def test_single_post(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", json={"text": "hello #world", "lang": "en"})
    assert resp.status == 200
    body = await resp.json()
    assert body["text"] == "hello #world" and body["lang"] == "en"  # the input, unchanged
    enrichment = body["enrichment"]
    assert enrichment["post"]["text"] == "hello #world"
    assert enrichment["svc_echo"]["batch_size"] >= 1
    assert enrichment["errors"] == []
    # the I/O family ran in this (the server's) process, after the CPU family it requires
    assert enrichment["svc_io"]["pid"] == os.getpid()
    assert enrichment["svc_io"]["echo_pid"] == enrichment["svc_echo"]["pid"]
    jsonschema.validate(enrichment, catalogue().json_schema())


async def test_plain_text_body(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", data="just some words",
                             headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status == 200
    assert (await resp.json())["enrichment"]["post"]["text"] == "just some words"


async def test_list_has_per_item_status(client: TestClient[Any, Any]) -> None:
    records = [{"text": "first"}, 5, {"foo": 1}, "fourth as a string", {"text": "boom"}]
    resp = await client.post("/v1/enrich", json=records)
    assert resp.status == 200
    out = await resp.json()
    assert len(out) == 5
    assert out[0]["enrichment"]["post"]["text"] == "first"
    assert out[1]["error"]["code"] == "E102" and out[1]["error"]["position"] == 1
    assert out[2]["error"]["code"] == "E103" and out[2]["error"]["position"] == 2
    assert out[3]["enrichment"]["post"]["position"] == 3
    # a family failing on one post is an entry in enrichment.errors, not a failed post
    failed = out[4]["enrichment"]
    assert failed["svc_misbehave"] is None
    assert [e["code"] for e in failed["errors"]] == ["E201"]
    assert out[0]["enrichment"]["svc_misbehave"] == {"ok": True}


async def test_empty_list(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", json=[])
    assert resp.status == 200 and await resp.json() == []


async def test_single_record_that_is_not_a_post_is_422(client: TestClient[Any, Any]) -> None:
    body = await problem(await client.post("/v1/enrich", json={"foo": 1}), 422, "E103")
    assert body["position"] == 0


@pytest.mark.parametrize(("data", "code"), [(b"{not json", "E101"), (b"", "E301"), (b"   ", "E301")])
async def test_malformed_body_is_400(client: TestClient[Any, Any], data: bytes, code: str) -> None:
    resp = await client.post("/v1/enrich", data=data, headers={"Content-Type": "application/json"})
    await problem(resp, 400, code)


async def test_undecodable_text_body_is_400(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", data=b"\xff\xfe bad", headers={"Content-Type": "text/plain"})
    await problem(resp, 400, "E109")


async def test_unsupported_media_type(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", data=b"<x/>", headers={"Content-Type": "application/xml"})
    await problem(resp, 415, "E310")
    form = await client.post("/v1/enrich", data=b"text=x",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    await problem(form, 415, "E310")


async def test_no_content_type_is_read_as_json(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", data=b'{"text": "untyped"}',
                             skip_auto_headers=["Content-Type"])
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["enrichment"]["post"]["text"] == "untyped"


# -- family selection ------------------------------------------------------------------------------
async def test_families_selection(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich?families=svc_echo", json=[{"text": "a"}, {"text": "b"}])
    assert resp.status == 200
    for rec in await resp.json():
        enrichment = rec["enrichment"]
        assert "svc_echo" in enrichment and "post" in enrichment  # post is always on
        assert "svc_misbehave" not in enrichment and "svc_io" not in enrichment
        assert set(enrichment["provenance"]) == {"post", "svc_echo"}


async def test_selecting_an_io_family_pulls_in_what_it_requires(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich?families=svc_io", json=[{"text": "a"}, {"text": "b"}])
    for rec in await resp.json():
        enrichment = rec["enrichment"]
        assert set(enrichment["provenance"]) == {"post", "svc_echo", "svc_io"}
        assert enrichment["svc_io"]["echo_pid"] == enrichment["svc_echo"]["pid"]


@pytest.mark.parametrize("query", ["families=nope", "families=svc_echo,nope", "families=text"])
async def test_unknown_or_unserved_family_is_400(client: TestClient[Any, Any], query: str) -> None:
    # "text" exists but this service runs only post and the test families
    resp = await client.post(f"/v1/enrich?{query}", json={"text": "a"})
    await problem(resp, 400, "E203")


async def test_empty_family_selection_is_400(client: TestClient[Any, Any]) -> None:
    await problem(await client.post("/v1/enrich?families=,", json={"text": "a"}), 400, "E301")


# -- micro-batching --------------------------------------------------------------------------------
async def test_concurrent_requests_share_micro_batches(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, batch_max_wait_ms=100, batch_max_size=64) as c:
        resps = await asyncio.gather(*(c.post("/v1/enrich?families=svc_echo", json={"text": f"p{i}"})
                                       for i in range(12)))
        sizes = [(await r.json())["enrichment"]["svc_echo"]["batch_size"] for r in resps]
    assert max(sizes) > 1, sizes


async def test_large_request_is_split_into_batches_in_order(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, batch_max_size=4) as c:
        resp = await c.post("/v1/enrich?families=svc_echo", json=[{"text": f"p{i}"} for i in range(10)])
        out = await resp.json()
    assert [r["enrichment"]["post"]["text"] for r in out] == [f"p{i}" for i in range(10)]
    assert max(r["enrichment"]["svc_echo"]["batch_size"] for r in out) <= 4


# -- limits ----------------------------------------------------------------------------------------
async def test_body_over_limit_is_413(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, max_body_bytes=2048) as c:
        big = orjson.dumps({"text": "x" * 4000})
        await problem(await c.post("/v1/enrich", data=big, headers={"Content-Type": "application/json"}),
                      413, "E302")

        async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: caught while reading
            for _ in range(4):
                yield b" " * 1000
            yield b'{"text": "x"}'

        resp = await c.post("/v1/enrich", data=chunked(), headers={"Content-Type": "application/json"})
        await problem(resp, 413, "E302")
        assert (await c.post("/v1/enrich", json={"text": "small"})).status == 200


async def test_too_many_posts_is_413(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, max_posts=3) as c:
        body = await problem(await c.post("/v1/enrich", json=[{"text": "a"}] * 4), 413, "E305")
        assert "4 posts" in body["detail"]
        assert (await c.post("/v1/enrich", json=[{"text": "a"}] * 3)).status == 200


async def test_full_queue_answers_429_with_retry_after(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, queue_limit=2, batch_max_size=1, retry_after_seconds=7) as c:
        slow = asyncio.ensure_future(c.post("/v1/enrich", json=[{"text": "slow:0.5"}, {"text": "slow:0.5"}]))
        await until(lambda: c.server.app[BATCHER].admitted == 2)  # the two slow posts fill the queue
        resp = await c.post("/v1/enrich", json={"text": "one more"})
        body = await problem(resp, 429, "E304")
        assert resp.headers["Retry-After"] == "7"
        assert body["queue_limit"] == 2
        first = await slow
        assert first.status == 200 and len(await first.json()) == 2
        assert (await c.post("/v1/enrich", json={"text": "room again"})).status == 200
        metrics = await (await c.get("/metrics")).text()
    assert 'enrich_errors_total{code="E304"} 1.0' in metrics


# -- NDJSON ----------------------------------------------------------------------------------------
async def test_ndjson_one_line_out_per_line_in(thread_pool: WorkerPool) -> None:
    lines = [b'{"text": "one"}', b"", b"not json", b'{"text": "' + b"y" * 3000 + b'"}', b"[1, 2]",
             b'"a plain string"', b'{"text": "last"}']
    async with serve(thread_pool, max_line_bytes=1024, batch_max_size=2) as c:
        resp = await c.post("/v1/enrich", data=b"\n".join(lines) + b"\n", headers=NDJSON)
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("application/x-ndjson")
        out = [orjson.loads(line) for line in (await resp.read()).splitlines()]
    assert len(out) == 6  # the blank line yields nothing
    assert out[0]["enrichment"]["post"]["text"] == "one"
    assert out[1]["error"]["code"] == "E101" and out[1]["error"]["position"] == 2
    assert out[2]["error"]["code"] == "E108" and out[2]["error"]["position"] == 3
    assert out[3]["error"]["code"] == "E102" and out[3]["error"]["position"] == 4
    assert out[4]["enrichment"]["post"]["text"] == "a plain string"
    assert out[5]["enrichment"]["post"]["position"] == 6


async def test_ndjson_answers_while_the_body_is_still_coming(client: TestClient[Any, Any]) -> None:
    sent_second = asyncio.Event()
    got_first = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"text": "first"}\n'
        await asyncio.wait_for(got_first.wait(), 10)
        sent_second.set()
        yield b'{"text": "second"}\n'

    resp = await client.post("/v1/enrich", data=body(), headers=NDJSON)
    first = orjson.loads(await asyncio.wait_for(resp.content.readline(), 10))
    assert first["enrichment"]["post"]["text"] == "first"
    assert not sent_second.is_set()
    got_first.set()
    second = orjson.loads(await asyncio.wait_for(resp.content.readline(), 10))
    assert second["enrichment"]["post"]["text"] == "second"
    assert await resp.content.read() == b""


async def test_ndjson_long_stream_keeps_order(thread_pool: WorkerPool) -> None:
    n = 300
    data = b"".join(orjson.dumps({"text": f"post {i}"}) + b"\n" for i in range(n))
    async with serve(thread_pool, batch_max_size=16, stream_inflight_batches=2, queue_limit=20) as c:
        resp = await c.post("/v1/enrich?families=svc_echo", data=data, headers=NDJSON)
        out = [orjson.loads(line) for line in (await resp.read()).splitlines()]
    assert [r["enrichment"]["post"]["text"] for r in out] == [f"post {i}" for i in range(n)]


# -- other routes ----------------------------------------------------------------------------------
async def test_attributes(client: TestClient[Any, Any]) -> None:
    body = await (await client.get("/v1/attributes")).json()
    assert body["count"] == len(body["attributes"]) == len(catalogue())
    fams = {f["name"]: f for f in body["families"]}
    assert all(f["served"] == (name in SERVICE_FAMILIES) for name, f in fams.items())
    schema = await (await client.get("/v1/attributes?format=schema")).json(content_type=None)
    assert schema == catalogue().json_schema()
    md = await client.get("/v1/attributes?format=md")
    assert md.headers["Content-Type"].startswith("text/markdown")
    assert "`svc_echo.batch_size`" in await md.text()
    await problem(await client.get("/v1/attributes?format=xml"), 400, "E301")


async def test_health_and_readiness(client: TestClient[Any, Any]) -> None:
    assert await (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status == 200
    body = await ready.json()
    assert body["pool"]["warmed"] == 1 and "svc_echo" in body["pool"]["families"]


async def test_unknown_route_and_method(client: TestClient[Any, Any]) -> None:
    await problem(await client.get("/v2/nothing"), 404, "E308")
    resp = await client.get("/v1/enrich")
    await problem(resp, 405, "E308")
    assert "POST" in resp.headers["Allow"]


async def test_problem_types_dereference(client: TestClient[Any, Any]) -> None:
    body = await (await client.get("/problems/overloaded")).json()
    assert body == {"type": "/problems/overloaded", "code": "E304", "name": "overloaded",
                    "title": "Too many requests", "status": 429,
                    "message_template": "Server is at capacity; retry after {retry_after} s"}
    await problem(await client.get("/problems/nothing_like_this"), 404, "E308")


async def test_metrics(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool) as c:
        await c.post("/v1/enrich", json=[{"text": "a"}, {"text": "b"}, 7])
        await c.post("/v1/enrich?families=nope", json={"text": "a"})
        resp = await c.get("/metrics")
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    expected = [
        'enrich_http_requests_total{method="POST",route="/v1/enrich",status="200"} 1.0',
        'enrich_http_requests_total{method="POST",route="/v1/enrich",status="400"} 1.0',
        'enrich_http_request_duration_seconds_count{route="/v1/enrich"} 2.0',
        'enrich_posts_total{outcome="enriched"} 2.0',
        'enrich_posts_total{outcome="error"} 1.0',
        'enrich_errors_total{code="E102"} 1.0',
        'enrich_errors_total{code="E203"} 1.0',
        'enrich_family_posts_total{family="svc_echo"} 2.0',
        'enrich_family_batch_seconds_count{family="post"} 1.0',
        "enrich_queue_admitted_posts 0.0",
        "enrich_queue_waiting_posts 0.0",
        "enrich_workers_ready 1.0",
        "enrich_batch_posts_count 1.0",
    ]
    for line in expected:
        assert line in text, line


# -- API keys --------------------------------------------------------------------------------------
async def test_api_keys(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, api_keys=["k-one", "k-two"]) as c:
        resp = await c.post("/v1/enrich", json={"text": "a"})
        await problem(resp, 401, "E303")
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        await problem(await c.post("/v1/enrich", json={"text": "a"},
                                   headers={"Authorization": "Bearer k-three"}), 401, "E303")
        await problem(await c.post("/v1/enrich", json={"text": "a"}, headers={"X-API-Key": "k-on"}),
                      401, "E303")
        ok = await c.post("/v1/enrich", json={"text": "a"}, headers={"Authorization": "Bearer k-two"})
        assert ok.status == 200
        ok = await c.post("/v1/enrich", json={"text": "a"}, headers={"X-API-Key": "k-one"})
        assert ok.status == 200
        assert (await c.get("/healthz")).status == 200
        assert (await c.get("/readyz")).status == 200
        await problem(await c.get("/metrics"), 401, "E303")
        await problem(await c.get("/v1/attributes"), 401, "E303")


async def test_api_keys_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.service import ServiceSettings

    monkeypatch.setenv("ENRICH_SERVICE_API_KEYS", "alpha, beta,,")
    monkeypatch.setenv("ENRICH_SERVICE_FAMILIES", "post,svc_echo")
    s = ServiceSettings()
    assert s.api_keys == ["alpha", "beta"] and s.families == ["post", "svc_echo"]
    assert "alpha" not in repr(s)


# -- untrusted input -------------------------------------------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=JSON | st.dictionaries(st.just("text"), st.text(), min_size=1))
async def test_arbitrary_json_never_breaks_the_server(client: TestClient[Any, Any], record: Any) -> None:
    # stdlib json: it writes integers beyond 64 bits, which the server must refuse cleanly
    resp = await client.post("/v1/enrich", data=json.dumps(record).encode(),
                             headers={"Content-Type": "application/json"})
    assert resp.status in (200, 400, 413, 422), await resp.text()
    if resp.status == 200:
        out = await resp.json()
        for rec in out if isinstance(out, list) else [out]:
            assert "enrichment" in rec or "error" in rec


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
async def test_arbitrary_bytes_never_break_the_server(client: TestClient[Any, Any], body: bytes) -> None:
    for ctype in ("application/json", "application/x-ndjson", "text/plain"):
        resp = await client.post("/v1/enrich", data=body, headers={"Content-Type": ctype})
        assert resp.status in (200, 400, 413, 422), await resp.text()
        await resp.read()


# -- API pages: one record, several posts --------------------------------------------------------
PAGE = {"data": [{"id": "11", "text": "page post one", "author_id": "9"},
                 {"id": "12", "text": "page post two", "author_id": "9"}],
        "includes": {"users": [{"id": "9", "username": "someone", "name": "Some One"}]}}


async def test_a_single_api_page_answers_with_one_record_per_post(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/v1/enrich", json=PAGE)
    assert resp.status == 200
    out = await resp.json()
    assert [r["enrichment"]["post"]["id"] for r in out] == ["11", "12"]


async def test_ndjson_page_line_yields_a_line_per_post(client: TestClient[Any, Any]) -> None:
    data = orjson.dumps(PAGE) + b"\n" + orjson.dumps({"data": [], "meta": {}}) + b"\n"
    resp = await client.post("/v1/enrich", data=data, headers=NDJSON)
    out = [orjson.loads(line) for line in (await resp.read()).splitlines()]
    assert [r.get("enrichment", {}).get("post", {}).get("id") for r in out[:2]] == ["11", "12"]
    assert out[2]["error"]["code"] == "E105" and out[2]["error"]["position"] == 1


async def test_max_posts_counts_the_posts_pages_expand_to(thread_pool: WorkerPool) -> None:
    async with serve(thread_pool, max_posts=3) as c:
        await problem(await c.post("/v1/enrich", json=[PAGE, PAGE]), 413, "E305")
        assert (await c.post("/v1/enrich", json=[PAGE, {"text": "x"}])).status == 200


async def test_a_bug_costs_the_request_not_the_server(thread_pool: WorkerPool,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.service.state import IO_PIPELINE

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug on purpose")

    async with serve(thread_pool) as c:
        monkeypatch.setattr(c.server.app[IO_PIPELINE], "finish", broken)
        body = await problem(await c.post("/v1/enrich", json={"text": "a"}), 500, "E309")
        assert "KeyError" in body["detail"] and "on purpose" not in body["detail"]  # no internals
        resp = await c.post("/v1/enrich", data=b'{"text": "a"}\n5\n', headers=NDJSON)
        lines = [orjson.loads(line) for line in (await resp.read()).splitlines()]
        assert [ln["error"]["code"] for ln in lines] == ["E309", "E102"]
        monkeypatch.undo()
        assert (await c.post("/v1/enrich", json={"text": "a"})).status == 200


async def test_an_adapter_bug_costs_only_its_record(client: TestClient[Any, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import enrich.service.answers as answers

    real = answers.normalize

    def flaky(record: Any, position: int | None = None, source: str | None = None) -> Any:
        if record == {"text": "explode"}:
            raise ValueError("adapter bug on purpose")
        return real(record, position)

    monkeypatch.setattr(answers, "normalize", flaky)
    out = await (await client.post("/v1/enrich", json=[{"text": "ok"}, {"text": "explode"}])).json()
    assert "enrichment" in out[0] and out[1]["error"]["code"] == "E309"
    resp = await client.post("/v1/enrich", data=b'{"text": "explode"}\n{"text": "ok"}\n', headers=NDJSON)
    lines = [orjson.loads(line) for line in (await resp.read()).splitlines()]
    assert lines[0]["error"]["code"] == "E309" and "enrichment" in lines[1]


async def test_every_input_error_code_is_a_client_problem() -> None:
    from enrich.errors import ErrorCode
    from enrich.service.problems import describe, status_of

    for error in ErrorCode:
        status, title = status_of(error)
        assert title
        if error.code.startswith("E1"):
            assert 400 <= status < 500, error
        if error.code.startswith("E2") and error is not ErrorCode.UNKNOWN_FAMILY:
            assert describe(error)["status"] is None
