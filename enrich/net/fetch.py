"""The safe link fetcher: follows redirects itself, one hop at a time, under the address guard.

Every hop: http/https only, allowed ports only, IP literals checked before connecting and
hostnames checked at connect time by :class:`GuardedResolver` (the addresses the connection
uses are the ones checked, so DNS rebinding cannot slip a private address in). HEAD first, GET
when HEAD is refused or hangs; bodies read only for HTML, streamed, capped on decompressed
bytes; meta refresh, ``Refresh`` and literal script redirects in small pages followed as hops;
a total deadline per URL; ``trust_env`` off.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from .guard import AddressPolicy, BlockedAddress, parse_networks, parse_resolve
from .html_meta import parse_head, parse_refresh, script_redirect, sniff_charset

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class FetchConfig:
    max_hops: int = 5
    deadline: float = 8.0  # seconds for a whole URL, every hop and wait included
    head_timeout: float = 3.0
    connect_timeout: float = 3.0
    read_timeout: float = 4.0
    max_body_bytes: int = 512 * 1024  # decompressed
    script_redirect_max_bytes: int = 16 * 1024  # only small pages are searched for location = "…"
    user_agent: str = "enrich-links/0.1 (+https://github.com/enrich; link metadata bot)"
    ports: tuple[int, ...] = (80, 443)
    allow: tuple[str, ...] = ()
    resolve: tuple[str, ...] = ()
    connect_to: tuple[str, ...] = ()
    global_concurrency: int = 256
    per_host_concurrency: int = 16
    per_host_rate: float = 0.0  # requests/second per host; 0 = no rate limit
    # Shorteners (t.co, bit.ly, ...) are built for huge request rates: a per-host limit sized
    # for ordinary sites would make them the bottleneck of every batch.
    shortener_hosts: frozenset[str] = frozenset()
    shortener_concurrency: int = 256
    fetch_metadata: bool = True
    # "always": every hop starts with HEAD (GET on 405/4xx/timeout). "shorteners": HEAD only to
    # known shorteners; other hosts get one streaming GET that reads at most the page head, which
    # saves the HEAD that a final HTML page would otherwise cost on top of its GET.
    head_first: str = "always"


@dataclass(slots=True)
class Hop:
    url: str
    status: int | None
    method: str
    elapsed_ms: float
    via: str  # redirect | meta_refresh | refresh_header | script | platform

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "method": self.method,
                "elapsed_ms": round(self.elapsed_ms, 2), "via": self.via}


@dataclass(slots=True)
class FetchResult:
    url: str
    hops: list[Hop] = field(default_factory=list)
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    content_length: int | None = None
    meta: dict[str, Any] | None = None
    body_truncated: bool = False
    error_code: str | None = None
    error_message: str | None = None
    elapsed_ms: float = 0.0


class FetchError(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def parse_connect_to(entries: Iterable[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """curl-style ``HOST:PORT:CONNECT_ADDR:CONNECT_PORT`` (the URL keeps its host and port)."""
    table: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        host, port, rest = [*entry.split(":", 2), "", ""][:3]
        addr, _, cport = rest.rpartition(":")
        if not (host and port.isdigit() and addr and cport.isdigit()):
            raise ValueError(f"connect-to entry {entry!r} is not HOST:PORT:ADDR:PORT")
        table[(host.lower(), int(port))] = (addr.strip("[]"), int(cport))
    return table


class GuardedResolver(AbstractResolver):
    """Resolves (honouring overrides) and refuses any address the policy does not allow."""

    def __init__(self, policy: AddressPolicy, resolve: dict[tuple[str, int], list[str]],
                 connect_to: dict[tuple[str, int], tuple[str, int]]) -> None:
        self.policy = policy
        self.overrides = resolve
        self.connect_to = connect_to
        self._base = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        key = (host.lower().rstrip("."), port)
        if key in self.connect_to:
            addr, cport = self.connect_to[key]
            results = [_result(host, addr, cport)]
        elif key in self.overrides:
            results = [_result(host, a, port) for a in self.overrides[key]]
        else:
            results = await self._base.resolve(host, port, family)
        for res in results:
            self.policy.check(host, res["host"])
        return results

    async def close(self) -> None:
        await self._base.close()


def _result(host: str, addr: str, port: int) -> ResolveResult:
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return {"hostname": host, "host": addr, "port": port, "family": fam, "proto": 0,
            "flags": socket.AI_NUMERICHOST}


class HostLimiter:
    """Per-host concurrency and (optional) request rate."""

    def __init__(self, concurrency: int, rate: float, wide_hosts: frozenset[str] = frozenset(),
                 wide_concurrency: int = 256) -> None:
        self.concurrency = concurrency
        self.wide_hosts = wide_hosts
        self.wide_concurrency = wide_concurrency
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}

    async def __call__(self, host: str) -> asyncio.Semaphore:
        sem = self._sems.get(host)
        if sem is None:
            if len(self._sems) > 10_000:  # bounded: forget idle hosts
                self._sems = {h: s for h, s in self._sems.items() if s.locked()}
            limit = self.wide_concurrency if host in self.wide_hosts else self.concurrency
            sem = self._sems[host] = asyncio.Semaphore(limit)
        if self.interval and host not in self.wide_hosts:
            now = time.monotonic()
            at = max(now, self._next.get(host, 0.0))
            self._next[host] = at + self.interval
            if at > now:
                await asyncio.sleep(at - now)
        return sem


class Fetcher:
    """Resolves URLs to their final page. One per event loop; call :meth:`close` when done."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self.policy = AddressPolicy(parse_networks(config.allow))
        self._resolver = GuardedResolver(self.policy, parse_resolve(config.resolve),
                                         parse_connect_to(config.connect_to))
        self._session: aiohttp.ClientSession | None = None
        self._global = asyncio.Semaphore(config.global_concurrency)
        self._hosts = HostLimiter(config.per_host_concurrency, config.per_host_rate,
                                  config.shortener_hosts, config.shortener_concurrency)

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                # Per-host politeness is HostLimiter's job (it knows shorteners); the pool only
                # bounds the total.
                resolver=self._resolver, limit=self.config.global_concurrency,
                limit_per_host=0, ttl_dns_cache=60,
                enable_cleanup_closed=True)
            self._session = aiohttp.ClientSession(
                # No cookies: links from different posts must not share state (and the jar's
                # per-request matching is a measurable share of the client's CPU time).
                connector=connector, trust_env=False, auto_decompress=True,
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.config.user_agent,
                         "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                         "Accept-Encoding": "gzip, deflate"},
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.config.connect_timeout,
                                              sock_read=self.config.read_timeout),
                max_line_size=16384, max_field_size=16384)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, url: str) -> FetchResult:
        """Follow ``url`` to its final page within the deadline. Never raises."""
        result = FetchResult(url=url)
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.deadline):
                await self._follow(url, result)
        except TimeoutError:
            result.error_code = "timeout"
            result.error_message = f"no final page within the {self.config.deadline:g} s deadline"
        except FetchError as exc:
            result.error_code, result.error_message = exc.code, str(exc)
        except BlockedAddress as exc:
            result.error_code, result.error_message = "blocked_address", str(exc)
        except aiohttp.ClientConnectorDNSError as exc:
            result.error_code, result.error_message = "dns", f"name does not resolve: {exc}"
        except aiohttp.ClientConnectorError as exc:
            refused = isinstance(exc.os_error, ConnectionRefusedError)
            result.error_code = "refused" if refused else "connect"
            result.error_message = str(exc)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                aiohttp.ClientResponseError) as exc:
            result.error_code, result.error_message = "bad_response", f"{type(exc).__name__}: {exc}"
        except aiohttp.InvalidURL as exc:
            result.error_code, result.error_message = "invalid_url", f"invalid URL: {exc}"
        except (aiohttp.ClientError, OSError, ValueError, UnicodeError) as exc:
            result.error_code, result.error_message = "fetch_error", f"{type(exc).__name__}: {exc}"
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result

    def _check_url(self, url: str) -> str:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError("unsupported_scheme", f"only http and https are followed, not {scheme!r}")
        host = parts.hostname
        if not host:
            raise FetchError("invalid_url", f"URL has no host: {url[:200]}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise FetchError("invalid_url", str(exc)) from None
        if port not in self.config.ports:
            raise FetchError("disallowed_port", f"port {port} is not allowed (allowed: "
                             f"{', '.join(map(str, self.config.ports))})")
        self.policy.check_host_literal(host)
        return host

    async def _follow(self, url: str, result: FetchResult) -> None:
        seen = {_loop_key(url)}
        current = url
        while True:
            host = self._check_url(current)
            nxt, via = await self._hop(current, host, result)
            if nxt is None:
                return
            nxt = urljoin(current, nxt.strip())
            if len(result.hops) > self.config.max_hops:
                raise FetchError("too_many_hops", f"more than {self.config.max_hops} redirects")
            key = _loop_key(nxt)
            if key in seen:
                raise FetchError("loop", f"redirect loop back to {nxt[:300]}")
            seen.add(key)
            current = nxt
            result.hops[-1].via = via

    async def _hop(self, url: str, host: str, result: FetchResult) -> tuple[str | None, str]:
        """One request (HEAD, or GET when needed). Returns the next URL, if any, and how."""
        session = self._get_session()
        sem = await self._hosts(host)
        async with self._global, sem:
            method = "HEAD"
            t0 = time.perf_counter()
            status: int | None = None
            headers: Any = None
            if self.config.head_first == "always" or host in self.config.shortener_hosts:
                try:
                    async with asyncio.timeout(self.config.head_timeout):
                        async with session.head(url, allow_redirects=False) as resp:
                            status, headers = resp.status, resp.headers
                except TimeoutError:
                    status, headers = None, None
            if status is not None and status < 400:
                # HEAD answered: follow it, or stop here unless the page's metadata needs a GET.
                # (_follow labels the hop with how it led on.)
                hop = Hop(url, status, method, (time.perf_counter() - t0) * 1000, "final")
                location = headers.get("Location")
                if 300 <= status < 400 and location:
                    result.hops.append(hop)
                    return location, "redirect"
                target = parse_refresh(headers.get("Refresh") or "")
                if target:
                    result.hops.append(hop)
                    return target, "refresh_header"
                is_html = any(t in headers.get("Content-Type", "").lower() for t in HTML_TYPES)
                if not (is_html and self.config.fetch_metadata):
                    result.hops.append(hop)
                    return self._finish(result, url, status, headers, None, False)
            method = "GET"
            async with session.get(url, allow_redirects=False) as resp:
                status, headers = resp.status, resp.headers
                location = headers.get("Location")
                elapsed = (time.perf_counter() - t0) * 1000
                if 300 <= status < 400 and location:
                    result.hops.append(Hop(url, status, method, elapsed, "redirect"))
                    return location, "redirect"
                ctype = headers.get("Content-Type", "").lower()
                body, truncated = b"", False
                if any(t in ctype for t in HTML_TYPES) and status < 400:
                    body, truncated = await self._read_capped(resp)
                elapsed = (time.perf_counter() - t0) * 1000
            result.hops.append(Hop(url, status, method, elapsed, "final"))
            refresh = headers.get("Refresh")
            if refresh and status < 400:
                target = parse_refresh(refresh)
                if target:
                    return target, "refresh_header"
            nxt = self._finish(result, url, status, headers, body, truncated)
            return nxt

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> tuple[bytes, bool]:
        cap = self.config.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(16384):  # decompressed bytes
            chunks.append(chunk)
            size += len(chunk)
            if size >= cap:
                return b"".join(chunks)[:cap], True
            if b"</head>" in chunk or b"</HEAD>" in chunk:
                # Metadata lives in the head; the rest of a page is not needed.
                return b"".join(chunks), False
        return b"".join(chunks), False

    def _finish(self, result: FetchResult, url: str, status: int | None, headers: Any,
                body: bytes | None, truncated: bool) -> tuple[str | None, str]:
        result.final_url = url
        result.status = status
        ctype = headers.get("Content-Type") if headers is not None else None
        result.content_type = ctype.split(";", 1)[0].strip().lower() if ctype else None
        length = headers.get("Content-Length") if headers is not None else None
        result.content_length = int(length) if length and length.isdigit() else None
        result.body_truncated = truncated
        if status is not None and status >= 400:
            result.error_code = "http_error"
            result.error_message = f"final page answered HTTP {status}"
            return None, "final"
        if body:
            charset = None
            if ctype and "charset=" in ctype.lower():
                charset = ctype.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
            try:
                text = body.decode(sniff_charset(body, charset), "replace")
            except LookupError:
                text = body.decode("utf-8", "replace")
            meta = parse_head(text)
            if meta["refresh"]:
                return meta["refresh"], "meta_refresh"
            if len(body) <= self.config.script_redirect_max_bytes:
                target = script_redirect(text)
                if target:
                    return target, "script"
            result.meta = meta
            if truncated and not meta["head_complete"] and not meta["title"]:
                result.error_code = "too_large"
                result.error_message = f"no page head within the first {self.config.max_body_bytes} bytes"
        return None, "final"


def _loop_key(url: str) -> str:
    # Exact URL without its fragment: a loop comes back to the very same address.
    return url.split("#", 1)[0]
