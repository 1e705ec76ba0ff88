"""A pool of warmed workers that run the CPU-bound families, so the event loop never does.

Each worker is its own single-process :class:`~concurrent.futures.ProcessPoolExecutor`. One
shared executor would do the same work, but when one of its processes dies every pending
future of the executor fails; with one executor per worker a crash fails only the micro-batch
that worker was running, and only that worker is restarted. Each worker builds a
:class:`~enrich.pipeline.Pipeline` of the CPU families once, in its initializer, with BLAS
limited to one thread (several workers share the cores).

``workers=0`` runs the CPU families in one thread of the server process instead: the same
code path without process isolation, for tests and development.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from .. import runtime
from ..family import Family
from ..pipeline import Pipeline
from ..post import Post
from ..registry import register
from ..settings import Settings

log = logging.getLogger(__name__)

Families = tuple[str, ...] | None
"""A family selection: ``None`` is every family the service runs."""

Group = tuple[Families, list[Post]]
"""Posts of one micro-batch that share a family selection."""

ItemOutput = tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]
"""What a worker sends back per post: ``Item.out``, ``Item.errors``, ``Item.provenance``."""



@dataclass(slots=True, frozen=True)
class WorkerInfo:
    """What a warmed worker reports about itself."""

    pid: int
    families: tuple[str, ...]
    disabled: dict[str, str]


@dataclass(slots=True)
class BatchResult:
    """Per-post outputs (in the order of the groups and their posts), per-family seconds, and
    the CPU families disabled in the worker (``finish`` reports them on each post)."""

    items: list[ItemOutput]
    timings: dict[str, float] = field(default_factory=dict)
    disabled: dict[str, str] = field(default_factory=dict)


class WorkerCrashed(Exception):
    """The worker running a micro-batch died or overran its deadline; it is being replaced."""


class Unavailable(Exception):
    """The pool cannot take work now (503)."""


class PoolClosed(Unavailable):
    """The pool is shutting down."""


class NotReady(Unavailable):
    """No worker is warm and starting them fails."""


class WorkerStartError(RuntimeError):
    """Building the pipeline in a worker failed (a family's ``setup`` has a bug)."""


# -- worker side --------------------------------------------------------------------------------
_pipeline: Pipeline | None = None
_init_error: str | None = None


def init_worker(families: Sequence[str] | None, settings: Settings | None,
                options: Mapping[str, Mapping[str, Any]] | None,
                extra_families: Sequence[type[Family]], limit_threads: bool,
                warmup_posts: int = 0) -> None:
    """Executor initializer: build the CPU pipeline once for this worker, and run it over
    ``warmup_posts`` synthetic posts so that first-call costs (lazily loaded models, caches)
    are paid before the worker reports ready."""
    global _pipeline, _init_error
    if limit_threads:
        runtime.limit_threads()
        # A worker must not die on the Ctrl-C meant for the server; the server stops it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for cls in extra_families:  # families registered at run time in the parent (plugins, tests)
            register(cls)
        _pipeline = Pipeline(families, settings, options, kinds=("cpu",))
        _init_error = None
    except Exception as exc:
        # An initializer that raises leaves only "pool broken" behind; keep the reason so the
        # server can report it (``/readyz``) and retry.
        log.exception("worker failed to build its pipeline")
        _pipeline = None
        _init_error = f"{type(exc).__name__}: {exc}"
        return
    if warmup_posts:
        from ..bench.generate import generate_posts

        try:
            _pipeline.run(generate_posts(warmup_posts, seed=20_240_601))
        except Exception:  # the same failure will show on real posts; do not refuse to start
            log.exception("worker warm-up run failed")
    if limit_threads:  # a worker process of its own (not the in-process thread of workers=0)
        runtime.tune_gc()


def describe_worker() -> WorkerInfo:
    pipe = _require_pipeline()
    return WorkerInfo(os.getpid(), tuple(pipe.names), dict(pipe.disabled))


def run_groups(groups: Sequence[Group]) -> BatchResult:
    """Run the CPU families over each group; return what the families produced."""
    pipe = _require_pipeline()
    before = {name: st.seconds for name, st in pipe.stats.items()}
    out: list[ItemOutput] = []
    for families, posts in groups:
        items = pipe.start(posts)
        pipe.run_cpu(items, families)
        out.extend((item.out, item.errors, item.provenance) for item in items)
    timings = {name: st.seconds - before.get(name, 0.0) for name, st in pipe.stats.items()
               if st.seconds != before.get(name, 0.0)}
    return BatchResult(out, timings, dict(pipe.disabled))


def _require_pipeline() -> Pipeline:
    if _pipeline is None:
        raise WorkerStartError(_init_error or "worker used before its initializer ran")
    return _pipeline


# -- server side --------------------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class Worker:
    index: int
    executor: Executor
    info: WorkerInfo | None = None
    batches: int = 0


class WorkerPool:
    """``workers`` warmed workers; :meth:`acquire` one, :meth:`run_on` it, and it comes back.

    Start with :meth:`start` (returns at once; workers warm in the background, see
    :meth:`wait_ready`), stop with :meth:`close`.
    """

    def __init__(self, workers: int = 1, families: Sequence[str] | None = None,
                 settings: Settings | None = None,
                 options: Mapping[str, Mapping[str, Any]] | None = None, *,
                 extra_families: Sequence[type[Family]] = (), start_method: str = "forkserver",
                 batch_timeout: float = 60.0, warmup_posts: int = 0) -> None:
        if workers < 0:
            raise ValueError("workers must be >= 0")
        self.processes = workers > 0
        self.size = max(workers, 1)
        self.batch_timeout = batch_timeout
        self._initargs = (list(families) if families is not None else None, settings,
                          {k: dict(v) for k, v in (options or {}).items()}, tuple(extra_families),
                          self.processes, warmup_posts)
        self._mp = multiprocessing.get_context(start_method) if self.processes else None
        if self._mp is not None and start_method == "forkserver":
            # Only takes effect if this process has not started its forkserver yet.
            self._mp.set_forkserver_preload(["enrich.service.preload"])
        self._workers: list[Worker] = []
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()
        self._all_warm = asyncio.Event()
        self._warm_failure: BaseException | None = None
        self.restarts = 0
        self.closed = False
        self.started = False

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Create the workers and warm them in the background."""
        if self.started:
            return
        self.started = True
        for i in range(self.size):
            worker = Worker(i, self._new_executor())
            self._workers.append(worker)
            self._spawn(self._warm(worker))

    async def wait_ready(self) -> None:
        """Wait until every worker has warmed once (wrap in ``asyncio.timeout`` to bound it)."""
        await self._ready.wait()

    async def wait_all_warm(self) -> None:
        """Wait until no worker is starting or restarting."""
        await self._all_warm.wait()

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and not self.closed and any(w.info for w in self._workers)

    @property
    def failing(self) -> bool:
        """No worker is warm and the last attempt to start one failed."""
        return self._warm_failure is not None and not any(w.info for w in self._workers)

    @property
    def warm_failure(self) -> BaseException | None:
        """The last error that kept a worker from warming, if any."""
        return self._warm_failure

    @property
    def info(self) -> WorkerInfo | None:
        """What the first warmed worker reports (all workers are built alike)."""
        return next((w.info for w in self._workers if w.info is not None), None)

    def status(self) -> dict[str, Any]:
        info = self.info
        return {
            "mode": "processes" if self.processes else "thread",
            "workers": self.size,
            "warmed": sum(1 for w in self._workers if w.info is not None),
            "idle": self._idle.qsize(),
            "restarts": self.restarts,
            "batches": sum(w.batches for w in self._workers),
            "families": list(info.families) if info else [],
            "disabled": dict(info.disabled) if info else {},
        }

    async def close(self) -> None:
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for worker in self._workers:
            await asyncio.to_thread(worker.executor.shutdown, True, cancel_futures=True)
        self._workers.clear()

    # -- running ------------------------------------------------------------------------------
    async def acquire(self) -> Worker:
        """Wait for an idle, warmed worker."""
        if self.closed:
            raise PoolClosed("worker pool is closed")
        return await self._idle.get()

    async def run_on(self, worker: Worker, groups: Sequence[Group]) -> BatchResult:
        """Run one micro-batch on an acquired worker; the worker goes back to the pool (or is
        replaced, when it dies or overruns ``batch_timeout``)."""
        loop = asyncio.get_running_loop()
        executor = worker.executor
        try:
            fut = loop.run_in_executor(executor, run_groups, list(groups))
        except BrokenProcessPool:
            # The process died while idle (killed from outside, the OOM killer): not this
            # batch's doing, so it runs on the next worker instead of failing.
            self._replace(worker, "worker process died while idle")
            return await self.run(groups)
        try:
            done, _ = await asyncio.wait({fut}, timeout=self.batch_timeout)
        except asyncio.CancelledError:
            # The batch keeps running in the worker; hand the worker back once it is done.
            fut.add_done_callback(lambda f: self._after(worker, executor, f))
            raise
        if not done:
            self._kill(worker)
            self._replace(worker, f"batch overran {self.batch_timeout:g} s")
            fut.add_done_callback(_consume)
            raise WorkerCrashed(f"batch overran the {self.batch_timeout:g} s deadline")
        try:
            result = fut.result()
        except BrokenProcessPool as exc:
            self._replace(worker, "worker process died")
            raise WorkerCrashed("worker process died") from exc
        worker.batches += 1
        self._release(worker, executor)
        return result

    def release(self, worker: Worker) -> None:
        """Hand back a worker acquired but not used."""
        self._release(worker, worker.executor)

    async def run(self, groups: Sequence[Group]) -> BatchResult:
        """Acquire a worker and run one micro-batch on it."""
        return await self.run_on(await self.acquire(), groups)

    # -- internals ------------------------------------------------------------------------------
    def _new_executor(self) -> Executor:
        if self._mp is not None:
            return ProcessPoolExecutor(max_workers=1, mp_context=self._mp, initializer=init_worker,
                                       initargs=self._initargs)
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich-worker",
                                  initializer=init_worker, initargs=self._initargs)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _warm(self, worker: Worker) -> None:
        delay = 0.5
        while not self.closed:
            loop = asyncio.get_running_loop()
            try:
                info = await loop.run_in_executor(worker.executor, describe_worker)
            except Exception as exc:
                # An initializer that raises (a family setup bug) would loop forever at full
                # speed; back off and keep reporting not-ready instead.
                self._warm_failure = exc
                log.error("worker %d failed to start: %s; retrying in %.1f s", worker.index, exc, delay)
                worker.executor.shutdown(wait=False, cancel_futures=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                worker.executor = self._new_executor()
                continue
            worker.info = info
            self._warm_failure = None
            log.info("worker %d ready (pid %d, families: %s)", worker.index, worker.info.pid,
                     ", ".join(worker.info.families))
            self._idle.put_nowait(worker)
            if all(w.info is not None for w in self._workers):
                self._all_warm.set()
                self._ready.set()
            return

    def _release(self, worker: Worker, executor: Executor) -> None:
        if worker.executor is executor and not self.closed:
            self._idle.put_nowait(worker)

    def _after(self, worker: Worker, executor: Executor, fut: asyncio.Future[Any]) -> None:
        if fut.cancelled() or isinstance(fut.exception(), BrokenProcessPool):
            if worker.executor is executor and not self.closed:
                self._replace(worker, "worker process died")
            return
        self._release(worker, executor)

    def _kill(self, worker: Worker) -> None:
        if self.processes and worker.info is not None and worker.info.pid != os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.info.pid, signal.SIGKILL)

    def _replace(self, worker: Worker, why: str) -> None:
        if self.closed:
            return
        self.restarts += 1
        log.warning("restarting worker %d: %s", worker.index, why)
        worker.executor.shutdown(wait=False, cancel_futures=True)
        worker.info = None
        self._all_warm.clear()
        worker.executor = self._new_executor()
        self._spawn(self._warm(worker))


def _consume(fut: asyncio.Future[Any]) -> None:
    # Retrieve the outcome of an abandoned batch so asyncio does not log it as never retrieved.
    if not fut.cancelled():
        fut.exception()
