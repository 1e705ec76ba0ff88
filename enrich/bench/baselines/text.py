"""Baseline of the ``text`` family: the library calls it wraps, each run once over the full text.

The emoji library's own scan (``emoji.emoji_list``), grapheme clusters (``regex`` ``\\X``) and the
twitter-text URL/hashtag/mention/cashtag extraction, without the family's short-cuts (emoji only
on non-ASCII stretches, one URL pass shared by hashtags and weighted length) or its other features.
"""

from __future__ import annotations

from collections.abc import Sequence

import emoji
import regex

from ...families._text.twitter_text import extract_cashtags, extract_hashtags, extract_mentions, extract_urls
from ...post import Post

BASELINE_NAME = "emoji.emoji_list + regex \\X graphemes + twitter-text extraction"
_GRAPHEME = regex.compile(r"\X")


def BASELINE(posts: Sequence[Post]) -> object:
    out = []
    for p in posts:
        t = p.text
        out.append((emoji.emoji_list(t), len(_GRAPHEME.findall(t)), extract_urls(t), extract_hashtags(t),
                    extract_mentions(t), extract_cashtags(t)))
    return out
