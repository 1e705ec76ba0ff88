"""A loopback network of shorteners, sites and hostile servers, for link tests and benchmarks.

One aiohttp server answers for many hostnames (chosen by the ``Host`` header), so tests point
names such as ``short.test`` at it with ``connect_to`` entries while the address guard stays on
(only the lab's own address is allow-listed). A raw TCP server answers garbage status lines.
Every route can add latency, to imitate real hops (the benchmark uses 20 ms a hop).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from aiohttp import web

LAB_ADDR = "127.0.0.2"  # not 127.0.0.1, so redirects to 127.0.0.1 prove the guard blocks loopback

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<meta property="og:site_name" content="Lab Site"><meta property="og:image" content="http://site.test/i.png">
<meta name="description" content="A page about {slug}."><meta name="author" content="Lab Writer">
<meta property="article:published_time" content="2024-05-01T10:00:00Z">
<meta property="article:modified_time" content="2024-05-02T10:00:00Z">
<meta name="twitter:card" content="summary"><meta name="twitter:site" content="@labsite">
<link rel="canonical" href="/page/{slug}">
</head><body><p>{slug}</p></body></html>"""

HOSTS = ("short.test", "mid.test", "site.test", "loop.test", "head405.test", "headhang.test",
         "drip.test", "bomb.test", "meta.test", "js.test", "rel.test", "status.test", "img.test",
         "huge.test", "hugebody.test", "evil.test", "refresh.test", "far.test", "bit.ly", "t.co")


@dataclass
class LinkLab:
    delay: float = 0.0  # seconds added to every response
    spread: int = 0  # when > 0, shorteners send to site0.test .. site{spread-1}.test (benchmarks)
    host: str = LAB_ADDR
    port: int = 0
    garbage_port: int = 0
    requests: int = 0
    _runner: web.AppRunner | None = None
    _garbage: asyncio.Server | None = None
    hits: dict[str, int] = field(default_factory=dict)

    def connect_to(self) -> list[str]:
        """``HOST:80:ADDR:PORT`` entries mapping every lab hostname to this server."""
        hosts = [*HOSTS, *(f"site{i}.test" for i in range(self.spread))]
        entries = [f"{h}:80:{self.host}:{self.port}" for h in hosts]
        entries.append(f"garbage.test:80:{self.host}:{self.garbage_port}")
        return entries

    def options(self, **extra: object) -> dict[str, object]:
        """Links family options that route the lab's hostnames here, guard on."""
        return {"mode": "live", "connect_to": self.connect_to(), "allow": [f"{self.host}/32"],
                "ports": ["80", str(self.port)], "cache": "memory", **extra}

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    async def start(self) -> LinkLab:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.2,
                                     handler_cancellation=True)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        # A deep accept queue, as real servers have: bursts of new connections must not be dropped
        # (a dropped SYN costs a 1 s retransmit and would measure the lab, not the client).
        site = web.SockSite(self._runner, sock, backlog=4096)
        await site.start()
        self._garbage = await asyncio.start_server(self._garbage_handler, self.host, 0, backlog=1024)
        self.garbage_port = self._garbage.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._garbage is not None:
            self._garbage.close()
            await self._garbage.wait_closed()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> LinkLab:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _garbage_handler(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 OK-ISH banana\r\nthis is : not http\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        host = (request.host or "").split(":")[0]
        path = request.path
        self.hits[f"{host}{path}"] = self.hits.get(f"{host}{path}", 0) + 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if host in ("", self.host):  # path-routed chain, for clients that cannot map hostnames
            return self._path_routed(request, path)
        label = host.split(".")[0]
        handler = getattr(self, "_h_" + label, None) or getattr(
            self, "_h_" + label.rstrip("0123456789"), None)
        if handler is None:
            return web.Response(status=404, text="unknown lab host")
        resp: web.StreamResponse = await handler(request, path)
        return resp

    def _path_routed(self, request: web.Request, path: str) -> web.StreamResponse:
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "s":
            raise web.HTTPMovedPermanently(f"/m/{parts[1]}")
        if len(parts) == 2 and parts[0] == "m":
            raise web.HTTPFound(f"/p/{parts[1]}")
        if len(parts) == 2 and parts[0] == "p":
            return _html(PAGE.format(title=f"Page {parts[1]}", slug=parts[1]), request)
        return web.Response(status=404)

    # -- host handlers (name: first label of the host) -------------------------------------
    async def _h_short(self, request: web.Request, path: str) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(f"http://mid.test{path}")

    async def _h_bit(self, request: web.Request, path: str) -> web.StreamResponse:
        site = f"site{zlib.crc32(path.encode()) % self.spread}" if self.spread else "site"
        raise web.HTTPMovedPermanently(f"http://{site}.test/page{path}?utm_source=twitter&utm_medium=social")

    async def _h_t(self, request: web.Request, path: str) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(f"http://bit.ly{path}")

    async def _h_mid(self, request: web.Request, path: str) -> web.StreamResponse:
        raise web.HTTPFound(f"http://site.test/page{path}")

    async def _h_site(self, request: web.Request, path: str) -> web.StreamResponse:
        slug = path.rsplit("/", 1)[-1] or "home"
        return _html(PAGE.format(title=f"Page {slug}", slug=slug), request)

    async def _h_far(self, request: web.Request, path: str) -> web.StreamResponse:
        n = int(path.strip("/") or "0")
        if n <= 0:
            return _html(PAGE.format(title="End of the chain", slug="end"), request)
        raise web.HTTPFound(f"/{n - 1}")

    async def _h_loop(self, request: web.Request, path: str) -> web.StreamResponse:
        raise web.HTTPFound("/b" if path == "/a" else "/a")

    async def _h_head405(self, request: web.Request, path: str) -> web.StreamResponse:
        if request.method == "HEAD":
            raise web.HTTPMethodNotAllowed("HEAD", ["GET"])
        return _html(PAGE.format(title="Head not allowed", slug="head405"), request)

    async def _h_headhang(self, request: web.Request, path: str) -> web.StreamResponse:
        if request.method == "HEAD":
            await asyncio.sleep(30)
        return _html(PAGE.format(title="Head hangs", slug="headhang"), request)

    async def _h_drip(self, request: web.Request, path: str) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        if request.method == "GET":
            for _ in range(120):
                await resp.write(b" ")
                await asyncio.sleep(0.25)
        return resp

    async def _h_bomb(self, request: web.Request, path: str) -> web.StreamResponse:
        body = _bomb()
        return web.Response(body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    async def _h_meta(self, request: web.Request, path: str) -> web.StreamResponse:
        return _html('<html><head><meta http-equiv="refresh" content="0; url=http://site.test/page/meta">'
                     "</head><body>moving</body></html>", request)

    async def _h_refresh(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(text="moving", headers={"Refresh": "0; url=http://site.test/page/refresh"})

    async def _h_js(self, request: web.Request, path: str) -> web.StreamResponse:
        return _html('<html><head><script>location.replace("http://site.test/page/js")</script>'
                     "</head><body></body></html>", request)

    async def _h_rel(self, request: web.Request, path: str) -> web.StreamResponse:
        if path == "/a/b/start":
            raise web.HTTPFound("../target?x=1")
        if path == "/a/target":
            return _html(PAGE.format(title="Relative target", slug="relative"), request)
        return web.Response(status=404)

    async def _h_status(self, request: web.Request, path: str) -> web.StreamResponse:
        code = int(path.strip("/") or "500")
        return web.Response(status=code, text=f"status {code}")

    async def _h_img(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, content_type="image/png")

    async def _h_huge(self, request: web.Request, path: str) -> web.StreamResponse:
        head = PAGE.format(title="Huge page", slug="huge").split("<body>")[0]
        body = "<body>" + "<p>lorem ipsum</p>" * 500_000 + "</body></html>"
        return _html(head + body, request)

    async def _h_hugebody(self, request: web.Request, path: str) -> web.StreamResponse:
        return _html("<html><head>" + "<!-- padding -->" * 200_000 + "<title>late</title></head></html>",
                     request)

    async def _h_evil(self, request: web.Request, path: str) -> web.StreamResponse:
        targets = {
            "/loopback": "http://127.0.0.1/", "/loopback6": "http://[::1]/",
            "/private": "http://10.0.0.1/", "/metadata": "http://169.254.169.254/latest/meta-data/",
            "/cgnat": "http://100.64.0.1/", "/mapped": "http://[::ffff:127.0.0.1]/",
            "/decimal": "http://2130706433/", "/hex": "http://0x7f.1/",
            "/octal": "http://0177.0.0.1/", "/name": "http://private.test/",
            "/ftp": "ftp://site.test/file", "/port": "http://site.test:25/",
        }
        if path in targets:
            raise web.HTTPFound(targets[path])
        return web.Response(status=404)


@lru_cache(maxsize=1)
def _bomb() -> bytes:
    """50 MB of HTML that compresses to about 50 KB."""
    return gzip.compress(b"<html><head>" + b"\0" * (50 * 1024 * 1024), compresslevel=9)


class LabThread:
    """A :class:`LinkLab` on its own event loop in a daemon thread, for synchronous callers
    (the sync pipeline, the catalogue tests, urlExpander in the benchmark)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.lab = LinkLab(delay=delay)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="linklab", daemon=True)

    def __enter__(self) -> LinkLab:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.lab.start(), self._loop).result(timeout=30)
        return self.lab

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.lab.close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def _html(text: str, request: web.Request) -> web.Response:
    # Same headers for HEAD as for GET, as real servers send (aiohttp drops a HEAD's body itself).
    return web.Response(text=text, content_type="text/html", charset="utf-8")
