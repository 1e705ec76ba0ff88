"""The optional online geocoding pre-pass, against a Nominatim imitation on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web

from enrich.families.location import LocationFamily
from enrich.family import Item
from enrich.geo.online import (
    GeocodeCache,
    geocode_strings,
    main,
    place_from_nominatim,
    unresolved_profile_strings,
)
from enrich.post import Author, Post

ANSWERS: dict[str, list[dict[str, Any]]] = {
    "the old mill, tinyville": [
        {
            "lat": "44.5",
            "lon": "-72.6",
            "name": "Tinyville",
            "display_name": "Tinyville, Vermont, United States",
            "addresstype": "village",
            "type": "village",
            "address": {
                "village": "Tinyville",
                "state": "Vermont",
                "ISO3166-2-lvl4": "US-VT",
                "country": "United States",
                "country_code": "us",
            },
        }
    ],
    "somewhere in brittany": [
        {
            "lat": "48.2",
            "lon": "-2.9",
            "name": "Bretagne",
            "display_name": "Bretagne, France",
            "addresstype": "state",
            "type": "administrative",
            "address": {
                "state": "Brittany",
                "ISO3166-2-lvl4": "FR-BRE",
                "country": "France",
                "country_code": "fr",
            },
        }
    ],
}


class Imitation:
    """Speaks the part of Nominatim's /search API geopy uses; counts and times requests."""

    def __init__(self, fail: int = 0) -> None:
        self.requests: list[tuple[float, dict[str, str]]] = []
        self.fail = fail

    async def search(self, request: web.Request) -> web.Response:
        self.requests.append((time.monotonic(), dict(request.query)))
        if self.fail:
            self.fail -= 1
            return web.Response(status=503, text="busy")
        assert request.headers["User-Agent"] == "enrich-tests/1.0"
        assert request.query["format"] == "json" and request.query["addressdetails"] == "1"
        body = ANSWERS.get(request.query["q"].lower(), [])
        return web.json_response(body)


@pytest.fixture
async def nominatim() -> AsyncIterator[tuple[str, Imitation]]:
    fake = Imitation()
    app = web.Application()
    app.router.add_get("/search", fake.search)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"127.0.0.1:{port}", fake
    finally:
        await runner.cleanup()


def test_place_from_nominatim() -> None:
    village = place_from_nominatim(ANSWERS["the old mill, tinyville"][0])
    assert village is not None
    assert (village["country_code"], village["admin1_code"], village["city"], village["granularity"]) == (
        "US",
        "VT",
        "Tinyville",
        "city",
    )
    region = place_from_nominatim(ANSWERS["somewhere in brittany"][0])
    assert region is not None and (region["granularity"], region["admin1_code"], region["city"]) == (
        "admin1",
        "BRE",
        None,
    )
    assert place_from_nominatim({"lat": "x"}) is None


async def test_prepass_caches_and_rate_limits(nominatim: tuple[str, Imitation], tmp_path: Path) -> None:
    domain, fake = nominatim
    cache = GeocodeCache(tmp_path / "g.sqlite")
    strings = ["The Old Mill, Tinyville", "Somewhere in Brittany", "the old mill,  tinyville", "Nowhere Real"]
    stats = await geocode_strings(
        strings, cache, domain=domain, scheme="http", user_agent="enrich-tests/1.0", min_delay_seconds=0.3
    )
    assert stats == {"cached": 0, "found": 2, "missing": 1, "failed": 0}  # one query per distinct string
    times = [t for t, _ in fake.requests]
    # Each request starts 0.3 s after the previous one ended, so arrivals are at least 0.3 s
    # apart however slow the first connection was (a few ms of slack for the loop's clock).
    assert len(times) == 3 and all(b - a >= 0.29 for a, b in pairwise(times))
    assert cache.get("THE OLD MILL, TINYVILLE")[1]["admin1_code"] == "VT"  # type: ignore[index]
    assert cache.get("Nowhere Real") == (True, None)  # misses are cached too
    again = await geocode_strings(
        strings, cache, domain=domain, scheme="http", user_agent="enrich-tests/1.0", min_delay_seconds=0.2
    )
    assert again["cached"] == 3 and len(fake.requests) == 3
    cache.close()


async def test_spacing_holds_when_a_request_is_slow_to_arrive(
    nominatim: tuple[str, Imitation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first request delayed on its way (a slow connect) must not let the next one arrive close behind."""
    from geopy.adapters import AioHTTPAdapter

    domain, fake = nominatim
    plain = AioHTTPAdapter.get_json
    delayed = [0.4]

    async def slow_first(self: AioHTTPAdapter, url: str, **kwargs: Any) -> Any:
        if delayed:
            await asyncio.sleep(delayed.pop())
        return await plain(self, url, **kwargs)

    monkeypatch.setattr(AioHTTPAdapter, "get_json", slow_first)
    cache = GeocodeCache(tmp_path / "g.sqlite")
    await geocode_strings(
        ["The Old Mill, Tinyville", "Somewhere in Brittany"],
        cache,
        domain=domain,
        scheme="http",
        user_agent="enrich-tests/1.0",
        min_delay_seconds=0.3,
    )
    (first, _), (second, _) = fake.requests
    assert second - first >= 0.29
    cache.close()


async def test_failures_are_retried_not_cached(nominatim: tuple[str, Imitation], tmp_path: Path) -> None:
    domain, fake = nominatim
    fake.fail = 10
    cache = GeocodeCache(tmp_path / "g.sqlite")
    stats = await geocode_strings(
        ["Somewhere in Brittany"],
        cache,
        domain=domain,
        scheme="http",
        user_agent="enrich-tests/1.0",
        max_retries=1,
        error_wait_seconds=0.01,
        min_delay_seconds=0,
    )
    assert stats["failed"] == 1 and len(fake.requests) == 2
    assert cache.get("Somewhere in Brittany") == (False, None)
    cache.close()


async def test_family_reads_the_cache(nominatim: tuple[str, Imitation], tmp_path: Path) -> None:
    domain, _fake = nominatim
    path = tmp_path / "g.sqlite"
    cache = GeocodeCache(path)
    await geocode_strings(
        ["The Old Mill, Tinyville"],
        cache,
        domain=domain,
        scheme="http",
        user_agent="enrich-tests/1.0",
        min_delay_seconds=0,
    )
    cache.close()
    fam = LocationFamily({"geocoder_cache": str(path)})
    fam.setup()
    out = fam.enrich_one(Item(Post(text="", author=Author(location="The Old Mill, Tinyville"))))
    assert out["profile_status"] == "geocoded"
    assert (out["home"]["source"], out["home"]["admin1_code"], out["home"]["confidence"]) == (
        "geocoder",
        "VT",
        0.7,
    )
    # The gazetteer still wins where it can answer.
    assert (
        fam.enrich_one(Item(Post(text="", author=Author(location="Philly"))))["home"]["source"] == "profile"
    )
    fam.close()


async def test_cli_prepass(
    nominatim: tuple[str, Imitation], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    domain, fake = nominatim
    records = tmp_path / "in.jsonl"
    locations = ["The Old Mill, Tinyville", "Philly", "Earth", "The Old Mill, Tinyville"]
    rows = [
        {"id_str": str(i), "text": "hello", "user": {"id_str": "1", "screen_name": "a", "location": loc}}
        for i, loc in enumerate(locations)
    ]
    records.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    assert unresolved_profile_strings([str(records)]) == ["The Old Mill, Tinyville"]
    cache_path = tmp_path / "c.sqlite"
    # main() runs its own event loop: a thread keeps this loop serving the imitation.
    code = await asyncio.to_thread(
        main,
        [
            str(records),
            "--cache",
            str(cache_path),
            "--domain",
            domain,
            "--scheme",
            "http",
            "--user-agent",
            "enrich-tests/1.0",
            "--min-delay",
            "0",
        ],
    )
    assert code == 0 and len(fake.requests) == 1
    assert orjson.loads(capsys.readouterr().out)["found"] == 1
    assert GeocodeCache(cache_path, read_only=True).get("the old mill, tinyville")[1] is not None
