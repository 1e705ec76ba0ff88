"""Optional online geocoding of profile strings the gazetteer cannot read: a pre-pass.

The ``location`` family is CPU-bound and runs in worker processes, so it must never wait on
the network. Online geocoding is therefore a separate, asynchronous pre-pass:

    python -m enrich.geo.online INPUT... --cache geocode.sqlite --user-agent "my-app/1.0 (me@example.org)"

It reads the posts, keeps the profile location strings the gazetteer leaves ``unknown`` or
``low_confidence``, and geocodes each distinct string once through geopy's Nominatim geocoder
on the aiohttp adapter, with retries by geopy's ``AsyncRateLimiter`` (Nominatim's usage
policy: at most one request a second and an identifying User-Agent; point ``--domain`` at your
own Nominatim for more). The delay runs from the *end* of one request to the start of the next,
so the server sees requests at least ``--min-delay`` apart even when one was slow to connect.
Answers and misses go to a SQLite cache; the family reads that cache
(``ENRICH_LOCATION_GEOCODER_CACHE=geocode.sqlite``) when the gazetteer fails, and reports such
places with ``source: geocoder``. Off by default: it sends profile strings to a third party.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .normalize import fold

_FAILED = object()  # what the rate limiter returns when every retry failed: not cached
_CITY_TYPES = frozenset(
    (
        "city",
        "town",
        "village",
        "hamlet",
        "suburb",
        "municipality",
        "neighbourhood",
        "quarter",
        "borough",
        "city_district",
        "locality",
        "isolated_dwelling",
    )
)
_ADMIN1_TYPES = frozenset(("state", "province", "region", "state_district"))


class GeocodeCache:
    """Answers of an online geocoder by folded query, misses included (as ``None``)."""

    def __init__(self, path: str | Path, backend: str = "nominatim", *, read_only: bool = False) -> None:
        self.backend = backend
        if read_only:
            if not Path(path).is_file():
                raise FileNotFoundError(path)
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS geocode (backend TEXT NOT NULL, "
                "query TEXT NOT NULL, place TEXT, created REAL NOT NULL, "
                "PRIMARY KEY (backend, query))"
            )
            self._db.commit()

    def get(self, query: str) -> tuple[bool, dict[str, Any] | None]:
        """(found, place): ``(True, None)`` is a cached miss."""
        row = self._db.execute(
            "SELECT place FROM geocode WHERE backend = ? AND query = ?", (self.backend, fold(query))
        ).fetchone()
        if row is None:
            return False, None
        return True, (json.loads(row[0]) if row[0] else None)

    def put(self, query: str, place: dict[str, Any] | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO geocode VALUES (?, ?, ?, ?)",
            (self.backend, fold(query), json.dumps(place) if place else None, time.time()),
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def place_from_nominatim(raw: dict[str, Any]) -> dict[str, Any] | None:
    """A Nominatim result (``addressdetails=1``) as the family's place object."""
    address = raw.get("address") or {}
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    cc = str(address.get("country_code") or "").upper() or None
    iso = str(address.get("ISO3166-2-lvl4") or address.get("ISO3166-2-lvl3") or "")
    admin1_code = iso.split("-", 1)[1] if "-" in iso else None
    city = next(
        (address[k] for k in ("city", "town", "village", "hamlet", "municipality") if address.get(k)), None
    )
    kind = str(raw.get("addresstype") or raw.get("type") or "")
    if kind == "country":
        granularity = "country"
    elif kind in _ADMIN1_TYPES:
        granularity = "admin1"
    elif kind == "county":
        granularity = "admin2"
    elif kind in _CITY_TYPES or city:
        granularity = "city"
    elif address.get("state"):
        granularity = "admin1"
    else:
        granularity = "country"
    return {
        "name": raw.get("name") or str(raw.get("display_name") or "").split(",")[0] or None,
        "country": address.get("country"),
        "country_code": cc,
        "admin1": address.get("state") if granularity != "country" else None,
        "admin1_code": admin1_code if granularity != "country" else None,
        "city": city if granularity == "city" else None,
        "latitude": round(lat, 6),
        "longitude": round(lon, 6),
        "geonames_id": None,
        "granularity": granularity,
    }


async def geocode_strings(
    strings: Iterable[str],
    cache: GeocodeCache,
    *,
    domain: str,
    user_agent: str,
    scheme: str = "https",
    min_delay_seconds: float = 1.0,
    request_timeout: float = 10.0,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
) -> dict[str, int]:
    """Geocode the distinct uncached strings into ``cache``; returns counts of what happened."""
    from geopy.adapters import AioHTTPAdapter
    from geopy.extra.rate_limiter import AsyncRateLimiter
    from geopy.geocoders import Nominatim

    todo: dict[str, str] = {}
    stats = {"cached": 0, "found": 0, "missing": 0, "failed": 0}
    seen: set[str] = set()
    for text in strings:
        key = fold(text)
        if not key or key in seen:
            continue
        seen.add(key)
        if cache.get(text)[0]:
            stats["cached"] += 1
            continue
        todo[key] = text
    async with Nominatim(
        domain=domain,
        scheme=scheme,
        user_agent=user_agent,
        timeout=request_timeout,
        adapter_factory=AioHTTPAdapter,
    ) as geocoder:
        last_end: float | None = None

        async def spaced(*args: Any, **kwargs: Any) -> Any:
            # geopy's limiter spaces request *starts*; a request slow to connect can then reach
            # the server just before the next one. Spacing from the previous request's end
            # bounds the gap between arrivals, which is what the usage policy counts.
            nonlocal last_end
            if last_end is not None:
                await asyncio.sleep(max(0.0, last_end + min_delay_seconds - time.monotonic()))
            try:
                return await geocoder.geocode(*args, **kwargs)
            finally:
                last_end = time.monotonic()

        geocode = AsyncRateLimiter(
            spaced,
            min_delay_seconds=0.0,
            max_retries=max_retries,
            error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
            swallow_exceptions=True,
            return_value_on_exception=_FAILED,
        )
        for text in todo.values():
            found = await geocode(text, exactly_one=True, addressdetails=True, language="en")
            if found is _FAILED:
                stats["failed"] += 1  # transient: not cached, retried by the next pre-pass
                continue
            place = place_from_nominatim(found.raw) if found is not None else None
            cache.put(text, place)
            stats["found" if place else "missing"] += 1
    return stats


def unresolved_profile_strings(paths: Iterable[str]) -> list[str]:
    """Profile location strings of the posts in ``paths`` that the gazetteer cannot resolve."""
    from ..families.location import LocationFamily
    from ..family import Item
    from ..io import normalize, read_records
    from ..post import Author, Post

    family = LocationFamily({"geocoder_cache": None})
    family.setup()
    out: list[str] = []
    seen: set[str] = set()
    for path in paths:
        for pos, record in read_records(path):
            for post in normalize(record, pos, path):
                author = getattr(post, "author", None)
                if not isinstance(post, Post) or author is None or not author.location:
                    continue
                if author.location in seen:
                    continue
                seen.add(author.location)
                probe = Post(
                    text="",
                    author=Author(
                        location=author.location,
                        time_zone=author.time_zone,
                        utc_offset=author.utc_offset,
                        lang=author.lang,
                    ),
                )
                status = family.enrich_one(Item(probe))["profile_status"]
                if status in ("unknown", "low_confidence"):
                    out.append(author.location)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Geocode unresolved profile locations into a SQLite cache")
    parser.add_argument("inputs", nargs="+", help="input files (any format enrich reads)")
    parser.add_argument("--cache", default="geocode.sqlite", help="SQLite cache file (created if absent)")
    parser.add_argument("--domain", default="nominatim.openstreetmap.org", help="Nominatim host[:port]")
    parser.add_argument("--scheme", default="https", choices=("https", "http"))
    parser.add_argument("--user-agent", required=True, help="identifies you to the geocoder (its policy)")
    parser.add_argument("--min-delay", type=float, default=1.0, help="seconds between requests")
    parser.add_argument("--limit", type=int, default=None, help="at most this many distinct strings")
    args = parser.parse_args(argv)
    strings = unresolved_profile_strings(args.inputs)[: args.limit]
    cache = GeocodeCache(args.cache)
    try:
        stats = asyncio.run(
            geocode_strings(
                strings,
                cache,
                domain=args.domain,
                scheme=args.scheme,
                user_agent=args.user_agent,
                min_delay_seconds=args.min_delay,
            )
        )
    finally:
        cache.close()
    sys.stdout.write(json.dumps({"unresolved": len(strings), **stats}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
