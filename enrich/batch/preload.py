"""Imported once by the ``forkserver`` that forks the batch worker processes: the family modules
and their libraries are imported there once, so each worker starts by forking instead of
importing everything again. Each worker still builds its own pipeline (``setup``)."""

from __future__ import annotations

import os

# Before numpy (through the families) loads OpenBLAS: every worker runs single-threaded BLAS.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

from ..registry import discover  # noqa: E402 - the environment above must come first
from . import shard as _shard  # noqa: E402, F401 - the worker entry points
from . import worker as _worker  # noqa: E402, F401

discover()
