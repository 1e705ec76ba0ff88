"""Baseline of the ``topics`` family: a flat keyword lookup plus ``wordsegment`` on hashtags.

The naive way to tag topics from a word list: lowercase whitespace tokens looked up in a dict
built from the single-word terms of the same lexicon, and ``wordsegment.segment`` (the library
the family uses, called directly) on every hashtag. No phrases, weights, thresholds or caching.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence

from ...modelstore import models_root
from ...post import Post

BASELINE_NAME = "dict lookup of lowercase words (single-word lexicon terms) + wordsegment.segment(hashtag)"
_words: dict[str, set[str]] = {}
_segment: Callable[[str], list[str]] | None = None


def BASELINE_SETUP() -> None:
    global _segment
    import wordsegment

    wordsegment.load()
    _segment = wordsegment.segment
    with (models_root() / "topics" / "lexicon.toml").open("rb") as fh:
        data = tomllib.load(fh)
    for name, topic in data["topics"].items():
        for tier in ("strong", "medium", "weak"):
            for term in topic.get(tier, ()):
                if " " not in term:
                    _words.setdefault(term, set()).add(name)


def BASELINE(posts: Sequence[Post]) -> object:
    assert _segment is not None
    out = []
    for p in posts:
        found: set[str] = set()
        for tok in p.text.lower().split():
            words = _segment(tok[1:]) if tok.startswith("#") else [tok.strip(".,!?:;\"'()")]
            for w in words:
                found |= _words.get(w, set())
        out.append(found)
    return out
