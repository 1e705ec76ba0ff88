"""Process-level tuning shared by every place that runs families in worker processes (the batch
runner's workers, Dask workers, the service's pool)."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads() -> None:
    """Workers share the cores: one BLAS/OpenMP thread each."""
    for var in THREAD_VARS:
        os.environ[var] = "1"
    try:  # libraries already loaded ignore the variables above
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    threadpool_limits(1)


def tune_gc() -> None:
    """After the models are loaded: move them out of the collector's sight (``gc.freeze``) and
    collect the young generation less often. A batch keeps hundreds of objects per post alive,
    and with the default threshold (700) the collector traverses them again and again; the
    input-parsing benchmark (docs/performance.md) shows 10-40% saved."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


@contextlib.contextmanager
def tuned_gc() -> Iterator[None]:
    """:func:`tune_gc` for the length of a run in a process that goes on afterwards."""
    old = gc.get_threshold()
    tune_gc()
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
