"""Baseline of the ``demographics`` family: gender-guesser on the first token of the author's
name (display name when present, else the handle), the name-only lookup the family improves on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...post import Post

BASELINE_NAME = "gender_guesser Detector().get_gender(first token of display name or handle)"
_detector: Any = None
_FIRST = re.compile(r"[^\W\d_]+")


def BASELINE_SETUP() -> None:
    global _detector
    import gender_guesser.detector as gg

    _detector = gg.Detector()


def BASELINE(posts: Sequence[Post]) -> object:
    out = []
    for p in posts:
        a = p.author
        name = (a.name or a.screen_name or "") if a else ""
        m = _FIRST.search(name)
        out.append(_detector.get_gender(m.group(0).capitalize()) if m else "unknown")
    return out
