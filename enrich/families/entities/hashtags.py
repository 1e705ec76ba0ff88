"""Hashtag segmentation: ``#NewYork`` -> ``New York``, ``#blacklivesmatter`` -> ``black lives matter``.

Mixed-case tags are split at their case and digit boundaries (the author already marked the
words); single-case ASCII tags are segmented by ``wordsegment`` (unigram/bigram counts of a
large English web corpus). Other scripts are left whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CAMEL = re.compile(r"(?<![A-Za-z])[a-z][A-Z][a-z]+|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")

_loaded = False


def load() -> None:
    """Load wordsegment's corpus counts (about half a second; once per process)."""
    global _loaded
    if not _loaded:
        import wordsegment

        wordsegment.load()
        _loaded = True


@lru_cache(maxsize=65536)
def segment(tag: str) -> tuple[str, ...]:
    """Words of a hashtag body (without ``#``); ``()`` when there is nothing to segment."""
    body = tag.lstrip("#＃").replace("_", " ").strip()
    if not body:
        return ()
    words: list[str] = []
    for chunk in body.split():
        if not _ASCII_WORD.fullmatch(chunk):
            words.append(chunk)
        elif chunk.islower() or chunk.isupper() or chunk.isdigit():
            words.extend(_segment_single_case(chunk))
        else:
            words.extend(_CAMEL.findall(chunk))
    return tuple(w for w in words if w)


def _segment_single_case(chunk: str) -> list[str]:
    if chunk.isdigit() or len(chunk) <= 3:
        return [chunk]
    load()
    import wordsegment

    parts: list[str] = wordsegment.segment(chunk)
    if chunk.isupper():
        # all-caps acronyms (#NASA, #BBC) are one word, not "nas a"
        return [chunk] if len(parts) > 1 and min(map(len, parts)) <= 2 else [p.upper() for p in parts]
    return parts


def phrase(words: tuple[str, ...]) -> str:
    """The words as a capitalised phrase, the form the NER model sees names in."""
    return " ".join(w if not w.islower() else w[:1].upper() + w[1:] for w in words)
