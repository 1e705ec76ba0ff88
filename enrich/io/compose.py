"""Pieces every Twitter-shaped adapter shares: retweet text, post kind, nesting limits."""

from __future__ import annotations

import re

from ..post import Entities, MentionEntity, Post, PostKind, Reference
from .entities import shift

# Referenced posts nest (a retweet of a quote of a post); deeper levels are kept as ids only.
MAX_DEPTH = 2
_RT_PREFIX = re.compile(r"RT @(\w{1,20}): ")


def retweet_text(own_text: str, orig: Post) -> tuple[str, Entities]:
    """The retweet's full text: its ``RT @name: `` prefix followed by the original's full text
    (the retweet's own text is cut at 140 characters), with the original's entities moved."""
    m = _RT_PREFIX.match(own_text)
    name = m.group(1) if m else (orig.author.screen_name if orig.author else None)
    prefix = m.group(0) if m else (f"RT @{name}: " if name else "")
    ents = shift(orig.entities, len(prefix))
    if name:
        ents.mentions.insert(0, MentionEntity(3, 4 + len(name), "@" + name, screen_name=name,
                                              user_id=orig.author.id if orig.author else None))
    return prefix + orig.text, ents


def kind_of(refs: list[Reference]) -> PostKind:
    """A retweet is a retweet whatever it carries; a quote that replies counts as a quote."""
    types = {r.type for r in refs}
    if "retweeted" in types:
        return "retweet"
    if "quoted" in types:
        return "quote"
    if "replied_to" in types:
        return "reply"
    return "original"
