"""The ``engagement`` family: how people reacted to the post, as counted when it was collected."""

from __future__ import annotations

import math
from typing import Any

from ..attributes import Attribute as A
from ..family import Family, Item
from ..registry import register

_COUNTS = ("reply_count", "retweet_count", "quote_count", "like_count", "bookmark_count")


def _count(v: int | None) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _log10(v: int | None) -> float | None:
    return round(math.log10(1 + v), 4) if v is not None else None


def _rate(num: int | None, den: int | None) -> float | None:
    """num / den, or null when either is unknown or the denominator is zero."""
    if num is None or not den:
        return None
    return round(num / den, 6)


@register
class EngagementFamily(Family):
    name = "engagement"
    summary = ("Reactions to the post as the input counted them when it was collected (replies, "
               "retweets, quotes, likes, bookmarks, impressions), their total, log-scaled values, and "
               "rates relative to the author's followers and to impressions. A v1.1 retweet carries the "
               "counts of the post it retweets. Null when the input had no counts.")
    method = "passthrough"
    version = "1"
    order = 45
    provides = (
        *(A(f"engagement.{c}", "integer", f"{c.removesuffix('_count').capitalize()}s of the post, "
            "as counted when the input was collected.", minimum=0) for c in _COUNTS),
        A("engagement.impression_count", "integer", "Times the post was shown (v2 public metrics).",
          minimum=0),
        A("engagement.total", "integer",
          "Replies + retweets + quotes + likes + bookmarks, over the counts present.", minimum=0),
        A("engagement.has_engagement", "boolean", "At least one reaction was counted."),
        A("engagement.total_log10", "number", "log10(1 + total).", minimum=0),
        A("engagement.like_log10", "number", "log10(1 + likes).", minimum=0),
        A("engagement.retweet_log10", "number", "log10(1 + retweets).", minimum=0),
        A("engagement.rate_per_follower", "number",
          "Total engagement divided by the author's followers (engagement rate); null without "
          "followers.", minimum=0),
        A("engagement.like_rate_per_follower", "number", "Likes divided by the author's followers.",
          minimum=0),
        A("engagement.retweet_rate_per_follower", "number",
          "Retweets divided by the author's followers.", minimum=0),
        A("engagement.reply_rate_per_follower", "number", "Replies divided by the author's followers.",
          minimum=0),
        A("engagement.rate_per_impression", "number",
          "Total engagement divided by impressions; null without impressions.", minimum=0),
        A("engagement.amplification_share", "probability",
          "Share of the total that spreads the post further (retweets + quotes)."),
        A("engagement.conversation_share", "probability", "Share of the total that is replies."),
    )

    def enrich_one(self, item: Item) -> dict[str, Any] | None:
        m = item.post.metrics
        if m is None:
            return None
        counts = {c: _count(getattr(m, c)) for c in _COUNTS}
        impressions = _count(m.impression_count)
        present = [v for v in counts.values() if v is not None]
        total = sum(present) if present else None
        author = item.post.author
        followers = _count(author.followers_count) if author is not None else None
        spread = [v for v in (counts["retweet_count"], counts["quote_count"]) if v is not None]
        return {
            **counts,
            "impression_count": impressions,
            "total": total,
            "has_engagement": total > 0 if total is not None else None,
            "total_log10": _log10(total),
            "like_log10": _log10(counts["like_count"]),
            "retweet_log10": _log10(counts["retweet_count"]),
            "rate_per_follower": _rate(total, followers),
            "like_rate_per_follower": _rate(counts["like_count"], followers),
            "retweet_rate_per_follower": _rate(counts["retweet_count"], followers),
            "reply_rate_per_follower": _rate(counts["reply_count"], followers),
            "rate_per_impression": _rate(total, impressions),
            "amplification_share": _rate(sum(spread), total) if spread else None,
            "conversation_share": _rate(counts["reply_count"], total),
        }
