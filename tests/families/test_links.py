"""Link expansion against a loopback network of shorteners, sites and hostile servers."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from enrich import Pipeline, Post
from enrich.bench.linklab import LinkLab
from enrich.post import Entities, UrlEntity


def post_with_urls(*urls: str, expanded: dict[str, str] | None = None,
                   unwound: dict[str, Any] | None = None) -> Post:
    text, spans = "links:", []
    for u in urls:
        text += " "
        spans.append(UrlEntity(start=len(text), end=len(text) + len(u), text=u, url=u,
                               expanded_url=(expanded or {}).get(u),
                               **((unwound or {}).get(u) or {})))
        text += u
    return Post(text=text, entities=Entities(urls=spans))


@pytest.fixture
async def lab() -> AsyncIterator[LinkLab]:
    async with LinkLab() as running:
        yield running


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return int(s.getsockname()[1])


async def resolve(lab: LinkLab, *urls: str, **opts: Any) -> list[dict[str, Any]]:
    options = lab.options(**{"head_timeout": 0.5, "deadline": 3.0, **opts})
    pipe = Pipeline(["links"], options={"links": options})
    try:
        (out,) = await pipe.arun([post_with_urls(*urls)])
    finally:
        await pipe.aclose()
    assert out["errors"] == []
    links: list[dict[str, Any]] = out["links"]
    return links


async def test_shortener_chain_with_metadata(lab: LinkLab) -> None:
    (link,) = await resolve(lab, "http://t.co/AbC")
    assert link["error_code"] is None and link["source"] == "fetch"
    assert link["final_url"] == "http://site.test/page/AbC?utm_source=twitter&utm_medium=social"
    assert link["status"] == 200 and link["title"] == "Page AbC"
    assert [h["via"] for h in link["hops"]] == ["redirect", "redirect", "final"]
    assert [h["status"] for h in link["hops"]] == [301, 301, 200]
    assert link["shortener"] is True and link["shorteners"] == ["t.co", "bit.ly"]
    assert link["utm"] == {"source": "twitter", "medium": "social"}
    assert link["canonical_url"] == "http://site.test/page/AbC"
    assert link["description"] == "A page about AbC." and link["author"] == "Lab Writer"
    assert link["og"]["site_name"] == "Lab Site" and link["twitter_card"]["card"] == "summary"
    assert link["published_time"] == "2024-05-01T10:00:00Z" and link["language"] == "en"
    assert link["domain"]["host"] == "site.test" and link["path"] == "/page/AbC"


@pytest.mark.parametrize(("url", "final", "vias"), [
    ("http://short.test/x1", "http://site.test/page/x1", ["redirect", "redirect", "final"]),
    ("http://meta.test/", "http://site.test/page/meta", ["meta_refresh", "final"]),
    ("http://refresh.test/", "http://site.test/page/refresh", ["refresh_header", "final"]),
    ("http://js.test/", "http://site.test/page/js", ["script", "final"]),
    ("http://rel.test/a/b/start", "http://rel.test/a/target?x=1", ["redirect", "final"]),
    ("http://head405.test/x", "http://head405.test/x", ["final"]),
    ("http://headhang.test/x", "http://headhang.test/x", ["final"]),
    ("http://huge.test/", "http://huge.test/", ["final"]),
    ("http://far.test/5", "http://far.test/0", ["redirect"] * 5 + ["final"]),
])
async def test_resolves(lab: LinkLab, url: str, final: str, vias: list[str]) -> None:
    (link,) = await resolve(lab, url)
    assert link["error_code"] is None, link["error_message"]
    assert link["final_url"] == final and link["status"] == 200
    assert [h["via"] for h in link["hops"]] == vias
    assert link["title"]


async def test_head_fallback_uses_get(lab: LinkLab) -> None:
    (link,) = await resolve(lab, "http://head405.test/x")
    assert link["hops"][-1]["method"] == "GET" and link["title"] == "Head not allowed"


@pytest.mark.parametrize(("url", "code"), [
    ("http://loop.test/a", "loop"),
    ("http://far.test/6", "too_many_hops"),
    ("http://status.test/404", "http_error"),
    ("http://status.test/410", "http_error"),
    ("http://status.test/500", "http_error"),
    ("http://status.test/503", "http_error"),
    ("http://bomb.test/", "too_large"),
    ("http://hugebody.test/", "too_large"),
    ("http://garbage.test/", "bad_response"),
    ("http://evil.test/ftp", "unsupported_scheme"),
    ("http://evil.test/port", "disallowed_port"),
])
async def test_failures(lab: LinkLab, url: str, code: str) -> None:
    (link,) = await resolve(lab, url)
    assert link["error_code"] == code, (link["error_code"], link["error_message"])
    assert link["error_message"]


@pytest.mark.parametrize("target", ["loopback", "loopback6", "private", "metadata", "cgnat", "mapped",
                                    "decimal", "hex", "octal", "name"])
async def test_redirects_into_private_space_are_blocked(lab: LinkLab, target: str) -> None:
    (link,) = await resolve(lab, f"http://evil.test/{target}", resolve=["private.test:80:10.1.2.3"])
    assert link["error_code"] == "blocked_address", (link["error_code"], link["error_message"])
    assert link["final_url"] is None
    assert link["hops"][0]["status"] == 302  # it got as far as the redirect, no further


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]:80/", "http://169.254.169.254/",
                                 "http://2130706433/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/"])
async def test_private_urls_in_posts_are_blocked(lab: LinkLab, url: str) -> None:
    (link,) = await resolve(lab, url)
    assert link["error_code"] == "blocked_address" and link["hops"] == []


async def test_refused_and_non_html(lab: LinkLab) -> None:
    port = _closed_port()
    links = await resolve(lab, "http://refused.test/", "http://img.test/a.png",
                          connect_to=[*lab.connect_to(), f"refused.test:80:127.0.0.2:{port}"])
    assert links[0]["error_code"] == "refused"
    assert links[1]["error_code"] is None and links[1]["content_type"] == "image/png"
    assert links[1]["title"] is None and links[1]["hops"][0]["method"] == "HEAD"


async def test_post_never_waits_past_the_deadline(lab: LinkLab) -> None:
    t0 = time.perf_counter()
    links = await resolve(lab, "http://drip.test/", "http://headhang.test/y", "http://short.test/q",
                          deadline=1.0, head_timeout=5.0)
    took = time.perf_counter() - t0
    assert took < 1.8, took
    assert links[0]["error_code"] == "timeout" and links[1]["error_code"] == "timeout"
    assert links[2]["error_code"] is None


async def test_single_flight_and_cache(lab: LinkLab) -> None:
    opts = lab.options(head_timeout=0.5)
    pipe = Pipeline(["links"], options={"links": opts})
    try:
        outs = await pipe.arun([post_with_urls("http://short.test/same") for _ in range(20)])
        assert all(o["links"][0]["final_url"] == "http://site.test/page/same" for o in outs)
        assert lab.hits["short.test/same"] == 1
        again = await pipe.arun([post_with_urls("http://short.test/same", "http://status.test/404")])
        assert again[0]["links"][0]["source"] == "cache" and lab.hits["short.test/same"] == 1
        third = await pipe.arun([post_with_urls("http://status.test/404")])
        assert third[0]["links"][0]["source"] == "cache"  # failures are cached too
        assert third[0]["links"][0]["error_code"] == "http_error"
    finally:
        await pipe.aclose()


async def test_platform_data_is_used_without_fetching(lab: LinkLab) -> None:
    post = post_with_urls("https://t.co/zz", expanded={"https://t.co/zz": "https://bit.ly/zz"},
                          unwound={"https://t.co/zz": {"unwound_url": "https://www.bbc.co.uk/news/1",
                                                       "title": "A headline", "status": 200}})
    pipe = Pipeline(["links"], options={"links": lab.options()})
    try:
        (out,) = await pipe.arun([post])
    finally:
        await pipe.aclose()
    (link,) = out["links"]
    assert link["source"] == "platform" and link["final_url"] == "https://www.bbc.co.uk/news/1"
    assert link["title"] == "A headline" and lab.requests == 0
    assert link["domain"]["registered_domain"] == "bbc.co.uk" and link["domain"]["category"] == "news"
    assert link["shorteners"] == ["t.co", "bit.ly"]


async def test_expanded_url_skips_the_tco_hop(lab: LinkLab) -> None:
    post = post_with_urls("https://t.co/q1", expanded={"https://t.co/q1": "http://short.test/q1"})
    pipe = Pipeline(["links"], options={"links": lab.options()})
    try:
        (out,) = await pipe.arun([post])
    finally:
        await pipe.aclose()
    (link,) = out["links"]
    assert link["hops"][0] == {"url": "https://t.co/q1", "status": None, "method": "platform",
                               "elapsed_ms": 0.0, "via": "platform"}
    assert link["final_url"] == "http://site.test/page/q1" and link["hop_count"] == 3


@pytest.mark.parametrize("mode", ["off", "cache"])
def test_offline_modes_never_fetch(mode: str) -> None:
    pipe = Pipeline(["links"], options={"links": {"mode": mode, "cache": "memory"}})
    try:
        (out,) = pipe.run([post_with_urls("https://bit.ly/abc?utm_campaign=x")])
    finally:
        pipe.close()
    (link,) = out["links"]
    assert link["error_code"] == "not_expanded" and link["source"] == "not_expanded"
    assert link["domain"]["host"] == "bit.ly" and link["utm"] == {"campaign": "x"} and link["shortener"]


def test_text_without_entities_is_scanned() -> None:
    pipe = Pipeline(["links"], options={"links": {"mode": "off"}})
    try:
        (out,) = pipe.run([Post(text="read https://example.com/a?b=1 and www.gov.uk now")])
    finally:
        pipe.close()
    assert [(x["url"], x["start"], x["end"]) for x in out["links"]] == [
        ("https://example.com/a?b=1", 5, 30), ("www.gov.uk", 35, 45)]
    assert out["links"][1]["domain"]["category"] == "government"


def test_bad_settings_fail_at_startup() -> None:
    from enrich.errors import PipelineError

    for bad in ({"resolve": ["nonsense"]}, {"connect_to": ["a:1:b"]}, {"allow": ["not-a-cidr"]}):
        with pytest.raises((ValueError, PipelineError)):
            Pipeline(["links"], options={"links": bad})


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.families.links import LinksSettings

    monkeypatch.setenv("ENRICH_LINKS_RESOLVE", "a.test:80:127.0.0.2, b.test:443:127.0.0.3")
    monkeypatch.setenv("ENRICH_LINKS_ALLOW", "127.0.0.2/32,10.9.0.0/16")
    s = LinksSettings()
    assert s.resolve == ["a.test:80:127.0.0.2", "b.test:443:127.0.0.3"]
    assert s.allow == ["127.0.0.2/32", "10.9.0.0/16"]


async def test_sqlite_cache_persists(lab: LinkLab, tmp_path: Path) -> None:
    opts = lab.options(cache="sqlite", cache_path=str(tmp_path / "links.sqlite"))
    for expected in ("fetch", "cache"):
        pipe = Pipeline(["links"], options={"links": opts})
        try:
            (out,) = await pipe.arun([post_with_urls("http://short.test/persist")])
        finally:
            await pipe.aclose()
        assert out["links"][0]["source"] == expected


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_redis_cache_is_shared_between_replicas(lab: LinkLab, redis_url: str) -> None:
    opts = lab.options(cache="redis", redis_url=redis_url)
    a = Pipeline(["links"], options={"links": opts})
    b = Pipeline(["links"], options={"links": opts})
    try:
        (first,) = await a.arun([post_with_urls("http://short.test/shared")])
        (second,) = await b.arun([post_with_urls("http://short.test/shared")])
    finally:
        await a.aclose()
        await b.aclose()
    assert first["links"][0]["source"] == "fetch" and second["links"][0]["source"] == "cache"
    assert second["links"][0]["final_url"] == "http://site.test/page/shared"
    assert lab.hits["short.test/shared"] == 1


async def test_many_links_concurrently(lab: LinkLab) -> None:
    lab.delay = 0.02
    opts = lab.options(head_timeout=1.0)
    pipe = Pipeline(["links"], options={"links": opts})
    try:
        t0 = time.perf_counter()
        outs = await pipe.arun([post_with_urls(f"http://short.test/n{i}") for i in range(200)])
        took = time.perf_counter() - t0
    finally:
        await pipe.aclose()
    assert all(o["links"][0]["final_url"] == f"http://site.test/page/n{i}" for i, o in enumerate(outs))
    assert took < 10, took
    await asyncio.sleep(0)
