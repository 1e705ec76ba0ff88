"""``enrich run IN... -o OUT --workers N``: N worker processes, one output file in input order.

The parent reads and parses records and hands them out in chunks; each worker (its pipeline
built once, in the pool initializer) normalizes, enriches and serializes a chunk and sends the
bytes back; the parent writes the chunks strictly in submission order. At most ``2 * N``
chunks are in flight, so memory stays bounded however large the input.
"""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from .engine import RunStats
from .progress import Progress
from .worker import ChunkResult, RawRecord, RunConfig, enrich_chunk, init_pool_worker, pool_context


def _chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def run_parallel(records: Iterable[RawRecord], out: IO[bytes], dead: IO[bytes] | None, config: RunConfig,
                 workers: int, bar: Progress, chunk_size: int = 1000) -> RunStats:
    stats = RunStats()
    ctx = pool_context()
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=init_pool_worker,
                                                initargs=(config,)) as pool:
        inflight: deque[concurrent.futures.Future[ChunkResult]] = deque()

        def take() -> None:
            res = inflight.popleft().result()
            out.write(res.out)
            if dead is not None:
                dead.write(res.dead)
            stats.add(res.stats)
            bar.update(res.stats.posts_out)

        try:
            for chunk in _chunks(records, chunk_size):
                inflight.append(pool.submit(enrich_chunk, config, chunk))
                while len(inflight) >= 2 * workers:
                    take()
            while inflight:
                take()
        except BaseException:
            for fut in inflight:
                fut.cancel()
            raise
    return stats
