"""Load test of the HTTP service: requests/s and posts/s on loopback.

    python -m enrich.service.loadtest --workers 2 --families post,text --scenario single,batch,ndjson

Without ``--url`` it starts ``python -m enrich.service.cli`` on a free loopback port (stopped at
the end); with ``--url`` it loads a server that is already running. Every scenario is bounded
by a request count and a time limit. The posts are the benchmark's synthetic v1.1 tweets
(:func:`enrich.bench.generate.generate_records`), so no real tweet text is involved.

Scenarios: ``single`` (one post per request, ``--concurrency`` requests in flight), ``batch``
(``--batch`` posts per request), ``ndjson`` (``--concurrency`` streams of ``--stream-posts``
posts each). A warm-up request per scenario is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from ..bench.generate import generate_records


@dataclass(slots=True)
class Result:
    scenario: str
    posts_per_request: int
    concurrency: int
    requests: int = 0
    posts: int = 0
    failures: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else None

        return {
            "scenario": self.scenario, "posts/request": self.posts_per_request,
            "concurrency": self.concurrency, "requests": self.requests, "posts": self.posts,
            "seconds": round(self.seconds, 2),
            "requests/s": round(self.requests / self.seconds, 1) if self.seconds else None,
            "posts/s": round(self.posts / self.seconds, 1) if self.seconds else None,
            "p50 ms": pct(0.50), "p95 ms": pct(0.95), "p99 ms": pct(0.99),
            "mean ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
            "failures": {str(status): n for status, n in sorted(self.failures.items())},
        }


def _headers(api_key: str | None, ctype: str = "application/json") -> dict[str, str]:
    headers = {"Content-Type": ctype}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


async def _run(session: aiohttp.ClientSession, url: str, bodies: Sequence[bytes], per_request: int,
               concurrency: int, duration: float, ctype: str, api_key: str | None,
               result: Result) -> None:
    headers = _headers(api_key, ctype)
    deadline = time.perf_counter() + duration
    next_body = 0

    async def one() -> None:
        nonlocal next_body
        while next_body < len(bodies) and time.perf_counter() < deadline:
            body = bodies[next_body]
            next_body += 1
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                status = resp.status
            if status == 200:
                result.latencies.append(time.perf_counter() - t0)
                result.requests += 1
                result.posts += per_request
            else:
                result.failures[status] = result.failures.get(status, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - t0


def _bodies(records: list[dict[str, Any]], per_request: int, ndjson: bool, count: int) -> list[bytes]:
    out: list[bytes] = []
    i = 0
    for _ in range(count):
        chunk = [records[(i + k) % len(records)] for k in range(per_request)]
        i += per_request
        if ndjson:
            out.append(b"".join(orjson.dumps(r) + b"\n" for r in chunk))
        elif per_request == 1:
            out.append(orjson.dumps(chunk[0]))
        else:
            out.append(orjson.dumps(chunk))
    return out


async def load(url: str, scenarios: Sequence[str], *, families: str | None, requests: int,
               duration: float, concurrency: int, batch: int, stream_posts: int,
               api_key: str | None) -> list[dict[str, Any]]:
    records = list(generate_records(max(batch, stream_posts, 2000), seed=7))
    endpoint = f"{url.rstrip('/')}/v1/enrich" + (f"?families={families}" if families else "")
    results: list[dict[str, Any]] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=max(duration * 4, 120))
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for scenario in scenarios:
            if scenario == "single":
                per, ctype, ndjson = 1, "application/json", False
            elif scenario == "batch":
                per, ctype, ndjson = batch, "application/json", False
            elif scenario == "ndjson":
                per, ctype, ndjson = stream_posts, "application/x-ndjson", True
            else:
                raise SystemExit(f"unknown scenario {scenario!r}")
            n_requests = max(1, requests // per) if scenario != "single" else requests
            bodies = _bodies(records, per, ndjson, n_requests)
            warm = Result(scenario, per, 1)  # not counted: first-batch costs, connection set-up
            await _run(session, endpoint, bodies[:1], per, 1, duration, ctype, api_key, warm)
            result = Result(scenario, per, concurrency)
            await _run(session, endpoint, bodies, per, concurrency, duration, ctype, api_key, result)
            results.append(result.summary())
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_ready(url: str, limit: float, api_key: str | None) -> None:
    async with aiohttp.ClientSession(headers=_headers(api_key)) as session:
        async with asyncio.timeout(limit):
            while True:
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with session.get(f"{url}/readyz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.2)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.service.loadtest", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="load this running server instead of starting one")
    ap.add_argument("--workers", type=int, default=1, help="workers of the server started here")
    ap.add_argument("--server-families", help="families the started server runs (default: all)")
    ap.add_argument("--families", help="?families= of every request (default: all served)")
    ap.add_argument("--scenario", default="single,batch,ndjson", help="comma-separated scenarios")
    ap.add_argument("--requests", type=int, default=2000,
                    help="posts to send per scenario (single: requests), an upper bound")
    ap.add_argument("--duration", type=float, default=20.0, help="time limit per scenario, s")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    ap.add_argument("--batch", type=int, default=50, help="posts per request in 'batch'")
    ap.add_argument("--stream-posts", type=int, default=500, help="posts per NDJSON stream")
    ap.add_argument("--batch-max-size", type=int, help="server micro-batch size (server started here)")
    ap.add_argument("--queue-limit", type=int, help="server queue limit (server started here)")
    ap.add_argument("--api-key", default=os.environ.get("ENRICH_LOADTEST_API_KEY"),
                    help="API key to send (default: $ENRICH_LOADTEST_API_KEY)")
    args = ap.parse_args(argv)

    proc: subprocess.Popen[bytes] | None = None
    url = args.url
    if url is None:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "enrich.service.cli", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.workers)]
        if args.server_families:
            cmd += ["--families", args.server_families]
        if args.batch_max_size:
            cmd += ["--batch-max-size", str(args.batch_max_size)]
        if args.queue_limit:
            cmd += ["--queue-limit", str(args.queue_limit)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)  # noqa: S603 - our own module
    try:
        asyncio.run(_wait_ready(url, 300, args.api_key))
        results = asyncio.run(load(
            url, [s.strip() for s in args.scenario.split(",") if s.strip()], families=args.families,
            requests=args.requests, duration=args.duration, concurrency=args.concurrency,
            batch=args.batch, stream_posts=args.stream_posts, api_key=args.api_key))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for r in results:
        sys.stdout.write(orjson.dumps(r).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
