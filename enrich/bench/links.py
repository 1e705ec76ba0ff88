"""``python -m enrich.bench.links``: link expansion speed against the loopback link lab.

The lab (shorteners and sites, with injected latency per hop) runs in its own process, standing
in for the network; this process is pinned to one core. Reports URLs/second and the latency
distribution, cold and warm cache, checks every outcome, and runs urlExpander side by side on
the same URLs (path-routed on the lab's IP address, since urlExpander cannot remap hostnames).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import time
import zlib
from typing import Any

import orjson

from ..pipeline import Pipeline
from ..post import Entities, Post, UrlEntity
from ..runtime import tune_gc
from .linklab import LinkLab

SPREAD = 64  # final pages spread over this many site hosts, as real links are


def _serve_lab(delay: float, ready: Any) -> None:
    async def main() -> None:
        lab = await LinkLab(delay=delay, spread=SPREAD).start()
        ready.put((lab.host, lab.port, lab.garbage_port))
        await asyncio.Event().wait()

    asyncio.run(main())


def _post(url: str) -> Post:
    text = f"look {url}"
    return Post(text=text, entities=Entities(urls=[UrlEntity(start=5, end=len(text), text=url, url=url)]))


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


async def _run_enrich(
    lab: LinkLab, urls: list[str], expected: list[str], batch: int, gc_tuned: bool, **opts: Any
) -> dict[str, Any]:
    options = lab.options(head_timeout=2.0, deadline=10.0, **opts)
    pipe = Pipeline(["links"], options={"links": options})
    if gc_tuned:  # as `enrich run` and `enrich serve` do once families are loaded
        tune_gc()
    out: dict[str, Any] = {}
    try:
        for phase in ("cold", "warm"):
            t0 = time.perf_counter()
            results: list[dict[str, Any]] = []
            for i in range(0, len(urls), batch):
                enriched = await pipe.arun([_post(u) for u in urls[i : i + batch]])
                results.extend(e["links"][0] for e in enriched)
            secs = time.perf_counter() - t0
            correct = sum(
                r["final_url"] == e and r["error_code"] is None
                for r, e in zip(results, expected, strict=True)
            )
            lat = [r["elapsed_ms"] for r in results]
            out[phase] = {
                "urls": len(urls),
                "seconds": round(secs, 3),
                "urls_per_second": round(len(urls) / secs, 1),
                "correct": correct,
                "latency_ms": {
                    "p50": _pct(lat, 0.5),
                    "p90": _pct(lat, 0.9),
                    "p99": _pct(lat, 0.99),
                    "max": round(max(lat), 1),
                    "mean": round(statistics.fmean(lat), 1),
                },
            }
    finally:
        await pipe.aclose()
    return out


def _run_urlexpander(urls: list[str], expected: list[str], workers: int) -> dict[str, Any]:
    import types

    import urlexpander
    import urlexpander.core.api as ux_api

    from ..net.urls import _extractor

    # urlExpander's tldextract would fetch the public suffix list online: use the bundled one.
    ux_api.tldextract = types.SimpleNamespace(extract=_extractor())

    t0 = time.perf_counter()
    got = urlexpander.expand(list(urls), n_workers=workers, timeout=10)
    secs = time.perf_counter() - t0
    correct = sum(g == e for g, e in zip(got, expected, strict=True))
    return {
        "urls": len(urls),
        "workers": workers,
        "seconds": round(secs, 3),
        "urls_per_second": round(len(urls) / secs, 1),
        "correct": correct,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.bench.links", description=__doc__)
    ap.add_argument("-n", "--urls", type=int, default=3000, help="distinct URLs (3-hop chains)")
    ap.add_argument("--delay-ms", type=float, default=20.0, help="latency injected at every hop")
    ap.add_argument("--batch", type=int, default=1000, help="posts per pipeline batch")
    ap.add_argument(
        "--urlexpander",
        type=int,
        default=500,
        metavar="N",
        help="URLs to give urlExpander (0 to skip); it is much slower",
    )
    ap.add_argument("--urlexpander-workers", type=int, default=64)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--default-gc",
        action="store_true",
        help="keep Python's default GC thresholds (enrich run / serve tune them)",
    )
    ap.add_argument(
        "--head-first",
        choices=["always", "shorteners"],
        default="always",
        help="the links family's head_first setting",
    )
    args = ap.parse_args(argv)
    run_opts: dict[str, Any] = {"gc_tuned": not args.default_gc, "head_first": args.head_first}

    ctx = mp.get_context("spawn")
    ready = ctx.Queue()
    server = ctx.Process(target=_serve_lab, args=(args.delay_ms / 1000, ready), daemon=True)
    server.start()
    host, port, gport = ready.get(timeout=60)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) > 1:  # the lab gets the other core(s); we measure on one
        os.sched_setaffinity(server.pid or 0, set(cpus[1:]))
        os.sched_setaffinity(0, {cpus[0]})
    lab = LinkLab(host=host, port=port, garbage_port=gport, spread=SPREAD)
    try:
        by_name = [f"http://t.co/b{i}" for i in range(args.urls)]
        by_name_expected = [
            f"http://site{zlib.crc32(f'/b{i}'.encode()) % SPREAD}.test/page/b{i}"
            "?utm_source=twitter&utm_medium=social"
            for i in range(args.urls)
        ]
        by_path = [lab.url(f"/s/c{i}") for i in range(args.urls)]
        by_path_expected = [lab.url(f"/p/c{i}") for i in range(args.urls)]
        result: dict[str, Any] = {
            "delay_ms_per_hop": args.delay_ms,
            "hops_per_url": 3,
            "head_first": args.head_first,
            "gc_tuned": run_opts["gc_tuned"],
            "requests_per_url": "3 HEAD + 1 GET (final page metadata)"
            if args.head_first == "always"
            else "2 HEAD (shorteners) + 1 GET",
            "enrich_hostnames": asyncio.run(
                _run_enrich(lab, by_name, by_name_expected, args.batch, **run_opts)
            ),
            "enrich_same_urls_as_urlexpander": asyncio.run(
                _run_enrich(
                    lab,
                    by_path[: max(args.urlexpander, 1)],
                    by_path_expected[: max(args.urlexpander, 1)],
                    args.batch,
                    **run_opts,
                    # one host here, and urlExpander has no per-host limit at all
                    per_host_concurrency=256,
                )
            ),
        }
        if args.urlexpander:
            ux = _run_urlexpander(
                by_path[: args.urlexpander], by_path_expected[: args.urlexpander], args.urlexpander_workers
            )
            result["urlexpander"] = ux
            mine = result["enrich_same_urls_as_urlexpander"]["cold"]["urls_per_second"]
            result["ratio_vs_urlexpander_cold"] = round(mine / ux["urls_per_second"], 1)
            # urlExpander's own default is one thread: measured on fewer URLs, it is slow.
            n1 = min(100, args.urlexpander)
            ux1 = _run_urlexpander(by_path[-n1:], by_path_expected[-n1:], 1)
            result["urlexpander_default_1_thread"] = ux1
            result["ratio_vs_urlexpander_default_cold"] = round(mine / ux1["urls_per_second"], 1)
    finally:
        server.terminate()
        server.join(timeout=10)
    if args.json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    else:
        _print(result)
    return 0


def _print(r: dict[str, Any]) -> None:
    print(
        f"head_first={r['head_first']}; link lab: {r['delay_ms_per_hop']:g} ms per hop, "
        f"{r['hops_per_url']} hops per URL "
        f"({r['requests_per_url']})"
    )
    for label in ("enrich_hostnames", "enrich_same_urls_as_urlexpander"):
        for phase, v in r[label].items():
            lat = v["latency_ms"]
            print(
                f"{label:<34} {phase}: {v['urls_per_second']:>8,.0f} URLs/s  "
                f"({v['correct']}/{v['urls']} correct; "
                f"latency p50 {lat['p50']} ms, p90 {lat['p90']}, p99 {lat['p99']}, max {lat['max']})"
            )
    if "urlexpander" in r:
        ux = r["urlexpander"]
        print(
            f"{'urlexpander (' + str(ux['workers']) + ' threads)':<34} cold: "
            f"{ux['urls_per_second']:>8,.0f} URLs/s  "
            f"({ux['correct']}/{ux['urls']} correct)"
        )
        print(f"enrich / urlexpander (cold, same URLs): {r['ratio_vs_urlexpander_cold']}x")
        ux1 = r["urlexpander_default_1_thread"]
        print(
            f"urlexpander default (1 thread): {ux1['urls_per_second']:,.0f} URLs/s "
            f"({ux1['correct']}/{ux1['urls']} correct); enrich / that = "
            f"{r['ratio_vs_urlexpander_default_cold']}x"
        )


if __name__ == "__main__":
    raise SystemExit(main())
