"""Baseline for ``location``: carmen 2.0, the tweet geolocation library we compare with.

Its place, geocode and profile resolvers run on each post's place, coordinates and profile
location string. It reads no text, so it does strictly less than the family.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ...post import Post

BASELINE_NAME = "carmen 2.0 resolve_tweet (place, geocode, profile) per post"
_resolver: Any = None


def BASELINE_SETUP() -> None:
    global _resolver
    import carmen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _resolver = carmen.get_resolver()
        _resolver.load_locations()


def _tweet(post: Post) -> dict[str, Any]:
    tweet: dict[str, Any] = {"user": {"location": post.author.location if post.author else None}}
    if post.coordinates is not None:
        tweet["coordinates"] = {"type": "Point", "coordinates": list(post.coordinates)}
    if post.place is not None:
        tweet["place"] = {
            "id": post.place.id,
            "full_name": post.place.full_name,
            "name": post.place.name,
            "country": post.place.country,
            "country_code": post.place.country_code,
            "place_type": post.place.place_type,
        }
    return tweet


def BASELINE(posts: Sequence[Post]) -> list[object]:
    if _resolver is None:
        BASELINE_SETUP()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [_resolver.resolve_tweet(_tweet(p)) for p in posts]
