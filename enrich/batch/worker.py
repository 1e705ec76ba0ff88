"""What runs in a worker process (a local pool process or a Dask worker): one :class:`Engine`
per process and configuration, built on first use (or by :func:`warm`) and kept, so spaCy and
the classifiers load once per worker, not once per chunk or shard."""

from __future__ import annotations

import io
import json
import multiprocessing
import multiprocessing.context
import multiprocessing.util
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..io import JsonlWriter
from ..runtime import limit_threads, tune_gc
from .engine import Engine, RunStats
from .sources import normalize_raw


@dataclass(slots=True, frozen=True)
class RunConfig:
    """Everything a worker needs to build the same pipeline as the parent (picklable)."""

    families: tuple[str, ...] | None = None
    options_json: str = "{}"
    batch_size: int = 256
    fmt: str = "auto"
    dead_letter: bool = False

    @classmethod
    def make(cls, families: list[str] | None, options: Mapping[str, Mapping[str, Any]] | None,
             batch_size: int = 256, fmt: str = "auto", dead_letter: bool = False) -> RunConfig:
        return cls(tuple(families) if families is not None else None,
                   json.dumps(options or {}, sort_keys=True), batch_size, fmt, dead_letter)

    @property
    def options(self) -> dict[str, dict[str, Any]]:
        opts: dict[str, dict[str, Any]] = json.loads(self.options_json)
        return opts

    @property
    def family_list(self) -> list[str] | None:
        return list(self.families) if self.families is not None else None


_engines: dict[tuple[RunConfig, tuple[tuple[str, str], ...]], Engine] = {}
_lock = threading.Lock()


def engine_for(config: RunConfig) -> Engine:
    # Settings come from ENRICH_* variables: an engine built under other values is another engine
    key = (config, tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("ENRICH_"))))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = Engine(config.family_list, config.options, config.batch_size)
            _engines[key] = engine
            # pool processes leave through os._exit: close caches through multiprocessing's hook
            multiprocessing.util.Finalize(engine, engine.close, exitpriority=10)
        return engine


def close_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.close()
        _engines.clear()


def pool_context() -> multiprocessing.context.BaseContext:
    """Worker processes fork from a server that imported the families once (see ``preload``);
    plain ``fork`` is unsafe next to the I/O and progress threads of the parent."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["enrich.batch.preload"])
    return ctx


def init_pool_worker(config: RunConfig) -> None:
    """ProcessPoolExecutor initializer: one thread per library, the pipeline built now."""
    import signal

    limit_threads()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    engine_for(config)
    tune_gc()


@dataclass(slots=True)
class ChunkResult:
    out: bytes
    dead: bytes
    stats: RunStats


RawRecord = tuple[str, int | None, Any]


def enrich_chunk(config: RunConfig, records: list[RawRecord]) -> ChunkResult:
    """Normalize and enrich a chunk of raw records; return the serialized output, in order."""
    engine = engine_for(config)
    out_buf, dead_buf = io.BytesIO(), io.BytesIO()
    with _lock_engine(engine), JsonlWriter(out_buf) as out, JsonlWriter(dead_buf) as dead:
        stats = engine.run((normalize_raw(*r) for r in records), out, dead if config.dead_letter else None)
    return ChunkResult(out_buf.getvalue(), dead_buf.getvalue(), stats)


_engine_locks: dict[int, threading.Lock] = {}


def _lock_engine(engine: Engine) -> threading.Lock:
    """Dask workers may run several tasks in threads; a pipeline serves one batch at a time."""
    with _lock:
        return _engine_locks.setdefault(id(engine), threading.Lock())
