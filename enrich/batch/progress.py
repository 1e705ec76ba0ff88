"""A tqdm progress bar on a terminal (or when asked), nothing otherwise."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    def __init__(self, show: bool | None, total: int | None = None, unit: str = " posts",
                 initial: int = 0) -> None:
        self._bar: Any = None
        if sys.stderr.isatty() if show is None else show:
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=initial, unit=unit, file=sys.stderr,
                             dynamic_ncols=True, smoothing=0.1)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
