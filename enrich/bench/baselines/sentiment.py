"""Baseline of the ``sentiment`` family: VADER's polarity_scores on the raw text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...post import Post

BASELINE_NAME = "vaderSentiment SentimentIntensityAnalyzer().polarity_scores(text)"
_analyzer: Any = None


def BASELINE_SETUP() -> None:
    global _analyzer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _analyzer = SentimentIntensityAnalyzer()


def BASELINE(posts: Sequence[Post]) -> object:
    return [_analyzer.polarity_scores(p.text) for p in posts]
