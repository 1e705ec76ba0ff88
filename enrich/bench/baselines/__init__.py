"""Baselines: the plain library calls a family wraps, timed on the same posts.

Each module ``enrich.bench.baselines.<family>`` defines ``BASELINE(posts) -> object`` and
``BASELINE_NAME`` (what it measures). A baseline may set ``BASELINE_SETUP() -> None`` to load
what it needs outside the timed region.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from ...post import Post


@dataclass(frozen=True, slots=True)
class Baseline:
    family: str
    name: str
    run: Callable[[Sequence[Post]], object]
    setup: Callable[[], object] | None


def _load(mod: ModuleType, family: str) -> Baseline | None:
    run = getattr(mod, "BASELINE", None)
    if run is None:
        return None
    return Baseline(family, str(getattr(mod, "BASELINE_NAME", family)), run,
                    getattr(mod, "BASELINE_SETUP", None))


def baselines() -> dict[str, Baseline]:
    found: dict[str, Baseline] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        base = _load(importlib.import_module(f"{__name__}.{info.name}"), info.name)
        if base is not None:
            found[info.name] = base
    return found
