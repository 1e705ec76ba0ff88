"""``enrich run``: stream records from files/folders/stdin through the pipeline to JSONL.

Every input record is accounted for: it yields one output record per post it holds, or an
error record (inline, in input order, or in the dead-letter file), so that
``records_in == records_with_posts + error_records`` and nothing is silently dropped.

Three ways to run: in this process (``workers=1``, the I/O families overlapped with the CPU
families on an event loop in a thread), in ``workers`` local processes writing one ordered
output (:mod:`.parallel`), or as a sharded, resumable job in a folder (:mod:`.job`), locally or
on a Dask cluster (:mod:`.dask_backend`).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

from ..io import JsonlWriter
from ..runtime import tuned_gc
from ..settings import Settings
from .engine import Engine, InputRecord, NullSink, RunStats
from .progress import Progress
from .sources import expand_inputs, iter_records, raw_records
from .worker import RunConfig

log = logging.getLogger(__name__)

__all__ = ["InputRecord", "RunStats", "expand_inputs", "run_files", "run_job_cli"]


def run_files(inputs: list[str], output: str, families: list[str] | None = None,
              dead_letter: str | None = None, fmt: str = "auto", batch_size: int = 256,
              progress: bool | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
              settings: Settings | None = None, workers: int = 1, gc_tuning: bool = False) -> int:
    """Enrich ``inputs`` into one output file (``-``: stdout), in input order. ``gc_tuning``
    tunes the garbage collector for the run (:func:`~enrich.batch.worker.tune_gc`)."""
    bar = Progress(progress)
    t0 = time.perf_counter()
    try:
        with JsonlWriter(output) as out, (JsonlWriter(dead_letter) if dead_letter else NullSink()) as dead:
            if workers > 1:
                from .parallel import run_parallel

                config = RunConfig.make(families, options, batch_size, fmt, dead_letter is not None)
                # workers send serialized lines: write them to the writers' streams as they are
                dead_stream = dead._out if isinstance(dead, JsonlWriter) else None
                stats = run_parallel(raw_records(inputs, fmt), out._out, dead_stream, config, workers, bar)
            else:
                engine = Engine(families, options, batch_size, settings)
                setup = time.perf_counter() - t0
                try:
                    with tuned_gc() if gc_tuning else contextlib.nullcontext():
                        stats = engine.run(iter_records(inputs, fmt), out, dead if dead_letter else None,
                                           progress=bar.update)
                finally:
                    engine.close()
                stats.setup_seconds = setup
    finally:
        bar.close()
    stats.seconds = time.perf_counter() - t0
    print(stats.summary(), file=sys.stderr)
    return 0


def run_job_cli(job_dir: str, inputs: list[str] | None, families: list[str] | None, *,
                dead_letter: bool = False, fmt: str = "auto", batch_size: int = 256,
                progress: bool | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
                workers: int = 1, scheduler: str | None = None, shard_lines: int | None = None,
                resume: bool = True) -> int:
    """``enrich run IN... --out-dir DIR``: 0 when every shard is done, 1 when some failed (I/O),
    2 when the job cannot start as asked."""
    from .job import DEFAULT_SHARD_LINES, JobError, Runner, pool_runner, print_summary, run_job, tuned_inline

    config = RunConfig.make(families, options, batch_size, fmt, dead_letter)
    runner: Runner = tuned_inline
    if scheduler:
        from .dask_backend import dask_runner

        runner = dask_runner(scheduler, workers)
    elif workers > 1:
        runner = pool_runner(workers)
    try:
        outcome = run_job(job_dir, inputs or None, config, shard_lines=shard_lines or DEFAULT_SHARD_LINES,
                          resume=resume, runner=runner, progress=progress)
    except JobError as exc:
        print(f"enrich: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the job folder cannot be written
        print(f"enrich: {exc}", file=sys.stderr)
        return 1
    print_summary(outcome)
    return 1 if outcome.failed else 0
