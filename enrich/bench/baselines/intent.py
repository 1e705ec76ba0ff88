"""Baseline of the ``intent`` family: one keyword regex searched over the text.

The naive commerce detector: a single compiled alternation of cue words ("buy", "bought",
"recommend", "refund", "cancel", "selling", a currency sign...) with ``re.findall``; no objects,
speakers, negation or offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...post import Post

BASELINE_NAME = "re.findall(one keyword alternation of commerce cues, text)"
_CUES = re.compile(
    r"\b(?:buy|buying|bought|purchase[ds]?|order(?:ed)?|recommend(?:ed|s)?|refund|cancel(?:led)?|"
    r"unsubscribe|switching|selling|for sale|broken|worst|waiting|want|need)\b|[$€£¥]\s?\d",
    re.IGNORECASE)


def BASELINE(posts: Sequence[Post]) -> object:
    return [_CUES.findall(p.text) for p in posts]
