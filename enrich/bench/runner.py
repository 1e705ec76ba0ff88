"""Benchmark runner (see ``python -m enrich.bench --help``)."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import time
from collections.abc import Sequence
from typing import Any

import orjson

from ..pipeline import Pipeline
from ..post import Post
from ..registry import family_classes
from ..runtime import tuned_gc
from ..settings import Settings
from .baselines import baselines
from .generate import generate_posts, generate_records


def _pin_one_core() -> str:
    """Pin to the least busy CPU we may use, so 'one core' means one core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpus = sorted(os.sched_getaffinity(0))
    try:
        import psutil

        busy = psutil.cpu_percent(interval=0.3, percpu=True)
        cpu = min(cpus, key=lambda c: busy[c] if c < len(busy) else 100.0)
    except Exception:  # psutil missing or unreadable /proc: any allowed CPU will do
        cpu = cpus[0]
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _gc(tune: bool) -> contextlib.AbstractContextManager[None]:
    # ``enrich run`` and ``enrich serve`` tune the collector once the models are loaded; timing
    # without that would measure collector pauses, which land on whichever family triggers them
    return tuned_gc() if tune else contextlib.nullcontext()


def bench_pipeline(posts: Sequence[Post], families: list[str] | None, batch_size: int,
                   repeat: int, tune_gc: bool = True) -> dict[str, Any]:
    t0 = time.perf_counter()
    pipe = Pipeline(families, Settings(batch_size=batch_size))
    setup = time.perf_counter() - t0
    with _gc(tune_gc):
        return _time_pipeline(pipe, posts, batch_size, repeat, setup)


def _time_pipeline(pipe: Pipeline, posts: Sequence[Post], batch_size: int, repeat: int,
                   setup: float) -> dict[str, Any]:
    # Warm-up on a slice so lazy caches and JIT-like first calls are not timed.
    pipe.run(posts[: min(len(posts), batch_size)])
    for st in pipe.stats.values():
        st.posts, st.batches, st.seconds, st.failures = 0, 0, 0.0, 0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(0, len(posts), batch_size):
            pipe.run(posts[i:i + batch_size])
        best = min(best, time.perf_counter() - t0)
    stats = pipe.stats_dict()
    pipe.close()
    return {"families": pipe.names, "disabled": pipe.disabled, "setup_seconds": round(setup, 3),
            "seconds": round(best, 4), "posts_per_second": round(len(posts) / best, 1),
            "per_family": {k: {"posts_per_second": round(v["posts"] / v["seconds"], 1)
                               if v["seconds"] else None, "seconds": v["seconds"]}
                           for k, v in stats.items()}}


def bench_baseline(family: str, posts: Sequence[Post], repeat: int,
                   tune_gc: bool = True) -> dict[str, Any] | None:
    """The plain library calls a family wraps, timed with the same collector settings."""
    base = baselines().get(family)
    if base is None:
        return None
    if base.setup is not None:
        base.setup()
    base.run(posts[:64])
    best = float("inf")
    with _gc(tune_gc):
        for _ in range(repeat):
            t0 = time.perf_counter()
            base.run(posts)
            best = min(best, time.perf_counter() - t0)
    return {"name": base.name, "posts_per_second": round(len(posts) / best, 1)}


def bench_parse(n: int) -> dict[str, Any]:
    from ..io import normalize

    lines = [orjson.dumps(r) for r in generate_records(n, seed=1)]
    t0 = time.perf_counter()
    for pos, line in enumerate(lines):
        normalize(orjson.loads(line), pos)
    secs = time.perf_counter() - t0
    return {"records": n, "records_per_second": round(n / secs, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="enrich bench", description=__doc__)
    ap.add_argument("--families", help="comma-separated families (default: every default family)")
    ap.add_argument("-n", "--posts", type=int, default=5000, help="synthetic posts to time")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    ap.add_argument("--baseline", action="store_true", help="also time each family's plain-library baseline")
    ap.add_argument("--parse", action="store_true", help="also time input parsing + normalization")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--default-gc", action="store_true",
                    help="keep Python's default collector settings (enrich run and serve tune them)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)

    pinned = "not pinned" if args.no_pin else _pin_one_core()
    families = args.families.split(",") if args.families else None
    posts = generate_posts(args.posts, seed=0)
    result: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                    "cores_visible": os.cpu_count(), "affinity": pinned, "load_average": _load()},
        "posts": len(posts), "batch_size": args.batch_size,
        "gc": "default" if args.default_gc else "tuned (gc.freeze after loading, threshold 50,000)",
        "pipeline": bench_pipeline(posts, families, args.batch_size, args.repeat, not args.default_gc),
    }
    if args.parse:
        result["parse"] = bench_parse(args.posts)
    if args.baseline:
        names = families or [n for n, c in family_classes().items() if c.default_enabled]
        result["baselines"] = {}
        for fam in names:
            b = bench_baseline(fam, posts, args.repeat, not args.default_gc)
            if b is None:
                continue
            mine = result["pipeline"]["per_family"].get(fam, {}).get("posts_per_second")
            b["family_posts_per_second"] = mine
            b["ratio"] = round(mine / b["posts_per_second"], 3) if mine else None
            result["baselines"][fam] = b
    if args.json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        return 0
    _print(result)
    return 0


def _print(r: dict[str, Any]) -> None:
    p = r["pipeline"]
    print(f"{r['posts']} synthetic posts, batch {r['batch_size']}, Python {r['machine']['python']}, "
          f"{r['machine']['affinity']}, load average {r['machine']['load_average']}")
    print(f"families: {', '.join(p['families'])}  (setup {p['setup_seconds']} s); collector {r['gc']}")
    if p["disabled"]:
        print(f"disabled: {p['disabled']}")
    print(f"end to end (pipeline): {p['posts_per_second']:,.0f} posts/s on one core")
    print(f"{'family':<16}{'posts/s':>12}")
    for fam, v in p["per_family"].items():
        pps = v["posts_per_second"]
        print(f"{fam:<16}{pps:>12,.0f}" if pps else f"{fam:<16}{'-':>12}")
    if "parse" in r:
        print(f"parse + normalize: {r['parse']['records_per_second']:,.0f} records/s")
    for fam, b in r.get("baselines", {}).items():
        ratio = f"{b['ratio']:.2f}x" if b["ratio"] is not None else "-"
        print(f"baseline {fam:<12} {b['name']}: {b['posts_per_second']:,.0f} posts/s; "
              f"family/baseline = {ratio}")
