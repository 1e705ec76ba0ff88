"""``python -m enrich.bench``: posts/second on one core, per family and end to end, with the
ratio against each family's plain-library baseline."""

from __future__ import annotations

import os

# One core means one BLAS thread too; must be set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402

from .runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
