"""Paired bootstrap of a score difference."""

from __future__ import annotations

import random

import pytest

from enrich.evaluate.stats import bootstrap_interval, paired_bootstrap
from enrich.textclf.tasks import macro_f1


def _sample(n: int, accuracy: float, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    gold = [rng.choice("xyz") for _ in range(n)]
    pred = [g if rng.random() < accuracy else rng.choice("xyz") for g in gold]
    return gold, pred


def test_identical_systems_have_a_zero_interval() -> None:
    gold, pred = _sample(200, 0.7, 0)
    diff = paired_bootstrap(macro_f1, gold, pred, pred, resamples=50)
    assert (diff.delta, diff.low, diff.high, diff.a_better) == (0.0, 0.0, 0.0, 0.0)


def test_a_clearly_better_system_has_an_interval_above_zero() -> None:
    gold, good = _sample(600, 0.9, 1)
    _, bad = _sample(600, 0.5, 1)
    diff = paired_bootstrap(macro_f1, gold, good, bad, resamples=200)
    assert 0 < diff.low <= diff.delta <= diff.high
    assert diff.a_better == 1.0
    assert diff.markdown().startswith("+0.")


def test_close_systems_straddle_zero_and_the_result_is_reproducible() -> None:
    gold, a = _sample(300, 0.70, 2)
    b = list(a)
    for i in range(0, 300, 25):  # a dozen flips: a small difference on a small sample
        b[i] = gold[i] if a[i] != gold[i] else ("x" if gold[i] != "x" else "y")
    first = paired_bootstrap(macro_f1, gold, a, b, resamples=300, seed=7)
    assert first.low < 0 < first.high
    assert first == paired_bootstrap(macro_f1, gold, a, b, resamples=300, seed=7)


def test_rejects_mismatched_or_empty_input() -> None:
    with pytest.raises(ValueError, match="equally long"):
        paired_bootstrap(macro_f1, ["x"], ["x", "y"], ["x"])
    with pytest.raises(ValueError, match="equally long"):
        paired_bootstrap(macro_f1, [], [], [])
    with pytest.raises(ValueError, match="resamples"):
        paired_bootstrap(macro_f1, ["x"], ["x"], ["x"], resamples=0)


def test_interval_of_one_system_brackets_its_score() -> None:
    gold, pred = _sample(500, 0.7, 3)
    low, high = bootstrap_interval(macro_f1, gold, pred, resamples=200)
    assert low < macro_f1(gold, pred) < high and high - low < 0.2
    assert bootstrap_interval(macro_f1, gold, gold, resamples=20) == (1.0, 1.0)
    with pytest.raises(ValueError, match="equally long"):
        bootstrap_interval(macro_f1, gold, pred[:-1])
