"""The ``account`` family: automation (bot) likelihood, influence and activity of the author,
from the profile fields and metrics a single post carries.

The bot score is a documented heuristic (hand-set weights over exposed features), not a trained
classifier: there is no labelled bot data in ../shared/data, so no accuracy is claimed for it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..family import Family, FamilySettings, Item
from ..post import Author, Post
from ..registry import register

_P = "account"
ACTIVITY_LEVELS = ("low", "moderate", "active", "very_active", "hyperactive")
# posts/day upper bounds of each level but the last
_ACTIVITY_EDGES = (0.1, 1.0, 10.0, 50.0)
_OFFICIAL_APPS = ("twitter for", "twitter web", "tweetdeck", "twitter lite", "mobile web",
                  "x for", "x web", "twitter for ipad", "twitter for mac")
_AUTOMATION_APPS = ("ifttt", "dlvr.it", "twitterfeed", "buffer", "hootsuite", "zapier", "twittbot",
                    "botize", "socialoomph", "sprout social", "sendible", "echobox", "socialflow",
                    "trueanthem", "oktopost", "publer", "later.com", "crowdfire", "rss", "feed",
                    "autopost", "auto post", "scheduler", "bot")
# Hand-set log-odds contributions of the heuristic (see docs/accuracy.md): a score near 0.12
# (logistic of the base) means "nothing suspicious was seen".
_BASE = -2.0
_W = {
    "posting_rate": 1.8,       # per decade of posts/day above 10
    "default_profile_image": 1.2,
    "default_profile": 0.4,
    "handle_digits": 0.8,      # 4+ digits in the handle
    "handle_entropy": 0.5,     # random-looking handle of 12+ characters
    "automation_app": 1.5,
    "follow_spam": 0.8,        # follows 500+ accounts, followed back by under 5%
    "new_account": 0.7,        # under 30 days old
    "verified": -2.5,
    "official_app": -0.5,
}


class AccountSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_ACCOUNT_", extra="forbid")

    bot_threshold: float = Field(default=0.7, ge=0.0, le=1.0,
                                 description="Heuristic score at or above which an account is "
                                             "labelled likely_automated.")


def handle_entropy(handle: str) -> float:
    """Shannon entropy of the handle's characters, bits per character."""
    if not handle:
        return 0.0
    counts = Counter(handle.lower())
    n = len(handle)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def app_category(source: str | None) -> str | None:
    if not source:
        return None
    s = source.lower()
    if any(a in s for a in _AUTOMATION_APPS):
        return "automation"
    if any(s.startswith(a) for a in _OFFICIAL_APPS):
        return "official"
    return "third_party"


def _age_days(post: Post, author: Author, now: dt.datetime) -> float | None:
    if author.created_at is None:
        return None
    ref = post.created_at or now
    created = author.created_at if author.created_at.tzinfo else author.created_at.replace(tzinfo=dt.UTC)
    ref = ref if ref.tzinfo else ref.replace(tzinfo=dt.UTC)
    return max((ref - created).total_seconds() / 86400.0, 0.0)


def features(post: Post, now: dt.datetime) -> dict[str, Any]:
    a = post.author or Author()
    handle = (a.screen_name or "").lstrip("@")
    age = _age_days(post, a, now)
    rate = a.posts_count / max(age, 1.0) if age is not None and a.posts_count is not None else None
    ratio = (a.followers_count / max(a.following_count, 1)
             if a.followers_count is not None and a.following_count is not None else None)
    return {
        "account_age_days": round(age, 2) if age is not None else None,
        "posts_per_day": round(rate, 3) if rate is not None else None,
        "follower_ratio": round(ratio, 4) if ratio is not None else None,
        "followers": a.followers_count,
        "following": a.following_count,
        "default_profile": a.default_profile,
        "default_profile_image": a.default_profile_image,
        "handle_digits": sum(ch.isdigit() for ch in handle) if handle else None,
        "handle_entropy": round(handle_entropy(handle), 3) if handle else None,
        "handle_length": len(handle) if handle else None,
        "source_app": app_category(post.source),
        "verified": a.verified,
    }


def bot_score(f: dict[str, Any]) -> tuple[float, list[str], int]:
    """Heuristic automation likelihood, the cues that raised or lowered it, and how many of
    the features were observed at all."""
    z = _BASE
    reasons: list[str] = []

    def add(name: str, weight: float) -> None:
        nonlocal z
        z += weight
        reasons.append(f"{name}:{weight:+.2f}")

    rate = f["posts_per_day"]
    if rate is not None and rate > 10:
        add("posting_rate", min(2.5, _W["posting_rate"] * math.log10(rate / 10.0)))
    if f["default_profile_image"]:
        add("default_profile_image", _W["default_profile_image"])
    if f["default_profile"]:
        add("default_profile", _W["default_profile"])
    if f["handle_digits"] is not None and f["handle_digits"] >= 4:
        add("handle_digits", _W["handle_digits"])
    if f["handle_entropy"] is not None and f["handle_length"] >= 12 and f["handle_entropy"] >= 3.4:
        add("handle_entropy", _W["handle_entropy"])
    if f["source_app"] == "automation":
        add("automation_app", _W["automation_app"])
    elif f["source_app"] == "official":
        add("official_app", _W["official_app"])
    if f["following"] is not None and f["following"] >= 500 and f["follower_ratio"] is not None \
            and f["follower_ratio"] < 0.05:
        add("follow_spam", _W["follow_spam"])
    if f["account_age_days"] is not None and f["account_age_days"] < 30:
        add("new_account", _W["new_account"])
    if f["verified"]:
        add("verified", _W["verified"])
    observed = sum(1 for k in ("posts_per_day", "default_profile_image", "default_profile",
                               "handle_digits", "source_app", "follower_ratio",
                               "account_age_days", "verified") if f[k] is not None)
    return 1.0 / (1.0 + math.exp(-z)), reasons, observed


def _interactions(post: Post) -> int | None:
    m = post.metrics
    if m is None:
        return None
    vals = [m.like_count, m.retweet_count, m.reply_count, m.quote_count]
    if all(v is None for v in vals):
        return None
    return sum(v or 0 for v in vals)


@register
class AccountFamily(Family):
    name = "account"
    summary = (
        "Account signals of the author from the profile fields a single post carries: an "
        "automation (bot) likelihood with every feature it used exposed — a documented "
        "heuristic, not a trained classifier, so no accuracy is claimed; an influence score "
        "(log-scaled reach and engagement); and an activity level from the posting rate. "
        "Contains no author ids or handles.")
    method = "rules"
    version = "1"
    order = 610
    Settings = AccountSettings
    provides = (
        A(f"{_P}.bot.score", "number",
          "Heuristic automation likelihood 0..1 (logistic of hand-set weights; NOT a calibrated "
          "probability: no labelled bot data was available).", minimum=0, maximum=1),
        A(f"{_P}.bot.label", "string",
          "likely_automated when the score reaches bot_threshold, else no_strong_signal; null "
          "when fewer than 3 features were observed.", enum=("likely_automated", "no_strong_signal")),
        A(f"{_P}.bot.reasons[]", "string", "Cues that moved the score, with their log-odds weight."),
        A(f"{_P}.bot.observed_features", "integer", "How many of the 8 bot features the post carried.",
          minimum=0, maximum=8, nullable=False),
        A(f"{_P}.bot.features.account_age_days", "number", "Account age at the post's time.", unit="days"),
        A(f"{_P}.bot.features.posts_per_day", "number", "Lifetime posts divided by account age."),
        A(f"{_P}.bot.features.follower_ratio", "number", "Followers divided by followed accounts."),
        A(f"{_P}.bot.features.followers", "integer", "Followers of the author.", minimum=0),
        A(f"{_P}.bot.features.following", "integer", "Accounts the author follows.", minimum=0),
        A(f"{_P}.bot.features.default_profile", "boolean", "The profile theme was never changed."),
        A(f"{_P}.bot.features.default_profile_image", "boolean", "The avatar is the default egg/silhouette."),
        A(f"{_P}.bot.features.handle_digits", "integer", "Digits in the handle.", minimum=0),
        A(f"{_P}.bot.features.handle_entropy", "number", "Shannon entropy of handle characters (bits/char).",
          minimum=0),
        A(f"{_P}.bot.features.handle_length", "integer", "Characters in the handle.", minimum=0),
        A(f"{_P}.bot.features.source_app", "string",
          "Posting application category: official client, automation/scheduling tool, or other.",
          enum=("official", "automation", "third_party")),
        A(f"{_P}.bot.features.verified", "boolean", "The platform's verified flag."),
        A(f"{_P}.influence.score", "number",
          "0..100: 100 * min(1, 0.7 * reach/7 + 0.3 * engagement/5), i.e. 10M followers or 100k "
          "interactions on the post saturate their part.", minimum=0, maximum=100),
        A(f"{_P}.influence.reach", "number", "log10(1 + followers).", minimum=0),
        A(f"{_P}.influence.engagement", "number",
          "log10(1 + likes + reposts + replies + quotes) of this post.", minimum=0),
        A(f"{_P}.influence.listed", "number", "log10(1 + lists the author is on).", minimum=0),
        A(f"{_P}.activity.level", "string",
          "Posting activity from lifetime posts per day: low < 0.1, moderate < 1, active < 10, "
          "very_active < 50, else hyperactive.", enum=ACTIVITY_LEVELS),
        A(f"{_P}.activity.posts_per_day", "number", "Lifetime posts divided by account age.", minimum=0),
    )

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any] | None]:
        now = dt.datetime.now(dt.UTC)
        return [self._one(item.post, now) for item in items]

    def _one(self, post: Post, now: dt.datetime) -> dict[str, Any] | None:
        if post.author is None:
            return None
        f = features(post, now)
        score, reasons, observed = bot_score(f)
        label = None
        if observed >= 3:
            threshold = self.settings.bot_threshold  # type: ignore[attr-defined]
            label = "likely_automated" if score >= threshold else "no_strong_signal"
        a = post.author
        reach = math.log10(1 + a.followers_count) if a.followers_count is not None else None
        inter = _interactions(post)
        engagement = math.log10(1 + inter) if inter is not None else None
        influence = None
        if reach is not None or engagement is not None:
            influence = round(100 * min(1.0, 0.7 * (reach or 0.0) / 7 + 0.3 * (engagement or 0.0) / 5), 2)
        rate = f["posts_per_day"]
        level = None
        if rate is not None:
            level = ACTIVITY_LEVELS[sum(rate >= e for e in _ACTIVITY_EDGES)]
        return {
            "bot": {"score": round(score, 4), "label": label, "reasons": reasons,
                    "observed_features": observed, "features": f},
            "influence": {"score": influence,
                          "reach": round(reach, 3) if reach is not None else None,
                          "engagement": round(engagement, 3) if engagement is not None else None,
                          "listed": round(math.log10(1 + a.listed_count), 3)
                          if a.listed_count is not None else None},
            "activity": {"level": level, "posts_per_day": rate},
        }
