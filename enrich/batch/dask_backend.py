"""Run a job's shards on a Dask cluster (``--scheduler tcp://host:port`` or ``--scheduler local``).

Each Dask worker builds the pipeline once: a worker plugin builds it when the worker joins (and
limits BLAS threads), and :func:`enrich.batch.worker.engine_for` keeps it per process for every
shard after that. Shards write their output into the job folder themselves, so the folder must
be on a file system every worker sees (it is for a ``local`` cluster). Run workers with one
thread each (``dask worker --nthreads 1 --nworkers N``): a pipeline runs one batch at a time.
"""

from __future__ import annotations

import logging
import multiprocessing
from typing import Any

from ..runtime import limit_threads, tune_gc
from .job import Done, Failed, Runner
from .shard import run_shard
from .sources import ShardSpec
from .worker import RunConfig, engine_for

log = logging.getLogger(__name__)


class EnginePlugin:
    """A Dask worker plugin (duck-typed: ``setup(worker)``) that builds the pipeline once."""

    name = "enrich-engine"

    def __init__(self, config: RunConfig) -> None:
        self.config = config

    def setup(self, worker: Any) -> None:
        # a worker process of its own, not the threads of a processes=False cluster in the client
        own_process = multiprocessing.current_process().name != "MainProcess"
        if own_process:
            limit_threads()
        engine_for(self.config)
        if own_process:
            tune_gc()

    def teardown(self, worker: Any) -> None:
        return None


def dask_runner(scheduler: str, workers: int) -> Runner:
    def run(specs: list[ShardSpec], job_dir: str, config: RunConfig,
            done: Done, failed: Failed) -> None:
        from distributed import Client, LocalCluster, as_completed
        from distributed.diagnostics.plugin import WorkerPlugin

        # Subclassing here keeps `distributed` an import of this backend only.
        plugin_cls = type("EnrichEnginePlugin", (EnginePlugin, WorkerPlugin), {})
        if logging.getLogger().getEffectiveLevel() >= logging.WARNING:
            # distributed logs every worker start and stop at INFO: keep the job's stderr readable
            logging.getLogger("distributed").setLevel(logging.WARNING)
        cluster = None
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=workers > 1,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler)
        try:
            client.register_plugin(plugin_cls(config), name=EnginePlugin.name)
            futures = {client.submit(run_shard, spec, job_dir, config, pure=False): spec for spec in specs}
            for fut in as_completed(list(futures)):
                spec = futures[fut]
                try:
                    done(fut.result())
                except Exception as exc:  # any shard failure is reported; the next run redoes it
                    failed(spec, exc)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return run
