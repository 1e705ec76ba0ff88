"""Paired bootstrap confidence intervals for the difference between two systems' scores.

Two systems scored on the same validation posts differ by chance as well as by skill; with
~1,000 posts a macro-F1 moves by a point or two from the sample alone. Resampling the posts
(with replacement, the same resample for both systems) and recomputing both scores gives the
spread of their difference (Efron & Tibshirani; Koehn 2004 for the paired form used in NLP).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

G = TypeVar("G")
P = TypeVar("P")
Metric = Callable[[Sequence[G], Sequence[P]], float]


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """``metric(a) - metric(b)`` on the full sample and its bootstrap percentile interval."""

    delta: float
    low: float
    high: float
    a_better: float  # share of resamples in which a scores higher than b
    resamples: int

    def markdown(self) -> str:
        return f"{self.delta:+.4f} [{self.low:+.4f}, {self.high:+.4f}]"


def paired_bootstrap(metric: Metric[G, P], gold: Sequence[G], a: Sequence[P], b: Sequence[P], *,
                     resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> PairedDifference:
    """Percentile interval of ``metric(gold, a) - metric(gold, b)`` over paired resamples.

    An item is whatever the metric scores one of: a label (classification) or a sentence's set
    of entity spans (NER, where the metric pools spans over the resampled sentences).
    """
    scores = _resampled(metric, gold, [a, b], resamples, confidence, seed)
    deltas = scores[:, 0] - scores[:, 1]
    low, high = _percentiles(deltas, confidence)
    return PairedDifference(delta=metric(gold, a) - metric(gold, b), low=low, high=high,
                            a_better=float(np.mean(deltas > 0)), resamples=resamples)


def bootstrap_interval(metric: Metric[G, P], gold: Sequence[G], pred: Sequence[P], *,
                       resamples: int = 1000, confidence: float = 0.95,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile interval of one system's ``metric(gold, pred)`` over resamples of the items."""
    return _percentiles(_resampled(metric, gold, [pred], resamples, confidence, seed)[:, 0], confidence)


def _resampled(metric: Metric[G, P], gold: Sequence[G], systems: Sequence[Sequence[P]],
               resamples: int, confidence: float, seed: int) -> np.ndarray:
    """``scores[r, k]``: system k's metric on resample r (the same resamples for every system)."""
    n = len(gold)
    if n == 0 or any(len(system) != n for system in systems):
        raise ValueError(f"need equally long, non-empty predictions (gold {n}, "
                         f"systems {[len(system) for system in systems]})")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError("resamples must be >= 1 and confidence in (0, 1)")
    rng = np.random.default_rng(seed)
    scores = np.empty((resamples, len(systems)))
    for r in range(resamples):
        idx = rng.integers(0, n, n).tolist()
        g = [gold[i] for i in idx]
        for k, system in enumerate(systems):
            scores[r, k] = metric(g, [system[i] for i in idx])
    return scores


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
