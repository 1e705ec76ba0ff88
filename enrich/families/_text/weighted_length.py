"""The platform's weighted post length (twitter-text ``parseTweet``, configuration v3).

Text is NFC-normalized; every URL counts 23; every emoji sequence counts 2; code points in the
"light" ranges (Latin, most scripts below U+10FF, some punctuation) count 1, everything else
(CJK, astral characters) 2. A post is valid up to 280.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .features import emoji_hits
from .twitter_text import extract_urls

MAX_WEIGHTED_LENGTH = 280
_SCALE = 100
_DEFAULT_WEIGHT = 200
_URL_LENGTH = 23
_INVALID = frozenset("\ufffe\ufeff\uffff")


# Code points outside the light ranges weigh double.
_HEAVY_RE = re.compile(r"[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


@dataclass(frozen=True, slots=True)
class WeightedLength:
    weighted_length: int
    valid: bool  # non-empty, within the limit, no invalid characters
    permillage: int


def weighted_length(text: str, urls: Sequence[tuple[int, int]] | None = None,
                    emojis: Sequence[tuple[int, int]] | None = None) -> WeightedLength:
    """Weighted length of ``text``; ``urls``/``emojis`` are spans already found in it (they are
    recomputed when the text is not in NFC, the form the platform measures)."""
    norm = text
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        norm = unicodedata.normalize("NFC", text)
        urls = emojis = None
    if urls is None:
        urls = [(u.start, u.end) for u in extract_urls(norm)]
    if emojis is None:
        emojis = [(h.start, h.end) for h in emoji_hits(norm)]
    covered = 0
    total = 0
    taken: list[tuple[int, int]] = []
    for start, end in sorted(urls):
        taken.append((start, end))
        total += _URL_LENGTH * _SCALE
        covered += end - start
    for start, end in emojis:
        if any(s <= start < e for s, e in taken):
            continue
        taken.append((start, end))
        total += _DEFAULT_WEIGHT
        covered += end - start
    total += (len(norm) - covered) * _SCALE
    if not norm.isascii():
        for m in _HEAVY_RE.finditer(norm):
            pos = m.start()
            if not any(s <= pos < e for s, e in taken):
                total += _DEFAULT_WEIGHT - _SCALE
    valid = not any(ch in norm for ch in _INVALID)
    length = total // _SCALE
    valid = valid and 0 < length <= MAX_WEIGHTED_LENGTH
    return WeightedLength(length, valid, total * 1000 // (MAX_WEIGHTED_LENGTH * _SCALE))
