"""Caches of link results, failures included (with a shorter TTL), keyed by normalized URL.

SQLite on local disk is the embedded default; Redis lets replicas share one cache; memory is
for tests and one-off runs. All are async so the links family does not care which it has.
"""

from __future__ import annotations

import sqlite3
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import orjson


class LinkCache(Protocol):
    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None: ...

    async def close(self) -> None: ...


def cache_key(url: str) -> str:
    """Normalized URL: scheme and host lower-cased, default port and fragment dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if ":" in host.split("]")[0] and not host.startswith("["):
        host = f"[{host}]"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


class MemoryCache:
    """Bounded in-process LRU with expiry."""

    def __init__(self, max_items: int = 100_000) -> None:
        self.max_items = max_items
        self._data: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    async def get(self, key: str) -> dict[str, Any] | None:
        hit = self._data.get(key)
        if hit is None:
            return None
        expires, value = hit
        if expires < time.time():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None:
        self._data[key] = (time.time() + ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.max_items:
            self._data.popitem(last=False)

    async def close(self) -> None:
        self._data.clear()


class SQLiteCache:
    """One table on local disk. Operations take microseconds (WAL, no fsync per write), so they
    run inline rather than paying a thread hop each."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS links (key TEXT PRIMARY KEY, expires REAL NOT NULL, "
                         "value BLOB NOT NULL)")

    async def get(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT expires, value FROM links WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] < time.time():
            return None
        value: dict[str, Any] = orjson.loads(row[1])
        return value

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None:
        self._db.execute("INSERT OR REPLACE INTO links (key, expires, value) VALUES (?, ?, ?)",
                         (key, time.time() + ttl, orjson.dumps(value)))

    async def purge_expired(self) -> int:
        return self._db.execute("DELETE FROM links WHERE expires < ?", (time.time(),)).rowcount

    async def close(self) -> None:
        self._db.close()


class RedisCache:
    """Shared by every replica; entries expire through Redis's own TTLs."""

    def __init__(self, url: str, prefix: str = "enrich:links:") -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url)
        self.prefix = prefix

    async def get(self, key: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self.prefix + key)
        if raw is None:
            return None
        value: dict[str, Any] = orjson.loads(raw)
        return value

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None:
        await self._redis.set(self.prefix + key, orjson.dumps(value), ex=max(1, int(ttl)))

    async def close(self) -> None:
        await self._redis.aclose()
