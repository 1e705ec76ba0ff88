"""The ``user`` family: account signals of the post's author, as the input described them."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..family import Family, FamilySettings, Item
from ..post import Author, Post
from ..registry import register
from ._text.features import emoji_hits
from ._text.twitter_text import extract_hashtags, extract_mentions, extract_urls

_TRAILING_DIGITS = re.compile(r"\d+$")
_NAME_WORD = re.compile(r"[^\W_]+")


def _fold(s: str) -> str:
    """Lower-case letters and digits only, accents removed: 'José_Pérez' → 'joseperez'."""
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _nonneg(v: int | None) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


class UserSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_USER_", extra="forbid")

    min_age_days_for_rates: float = Field(
        1.0, ge=0, description="Accounts younger than this (days) get no per-day rates: they are noise.")


@register
class UserFamily(Family):
    name = "user"
    summary = ("Signals about the author's account, from the profile the input carried: account age "
               "at posting time, audience and activity counts with ratios and per-day rates, "
               "verification, default profile and image, protection, profile URL, bio, and features "
               "of the handle and display name (length, digits, underscores, emoji, name-handle "
               "similarity). Null when the input had no author object.")
    method = "rules"
    version = "1"
    order = 40
    Settings = UserSettings
    settings: UserSettings
    provides = (
        A("user.id", "string", "Author id as a string."),
        A("user.screen_name", "string", "Author handle, without '@'."),
        A("user.name", "string", "Author display name."),
        A("user.account_created_at", "datetime", "When the account was created, ISO 8601 UTC."),
        A("user.account_age_days", "number",
          "Age of the account when the post was written (null when the post time is unknown).",
          minimum=0, unit="d"),
        A("user.followers_count", "integer", "Followers.", minimum=0),
        A("user.following_count", "integer", "Accounts the author follows (friends).", minimum=0),
        A("user.listed_count", "integer", "Public lists the author is on.", minimum=0),
        A("user.posts_count", "integer", "Posts the author has written (statuses, incl. retweets).",
          minimum=0),
        A("user.likes_count", "integer", "Posts the author has liked (favourites).", minimum=0),
        A("user.media_count", "integer", "Media items the author has posted (v2 only).", minimum=0),
        A("user.followers_log10", "number", "log10(1 + followers): audience size on a log scale.",
          minimum=0),
        A("user.followers_per_following", "number",
          "Followers divided by following (following floored at 1): reach versus reciprocity.",
          minimum=0),
        A("user.listed_per_1k_followers", "number",
          "Lists per thousand followers (followers floored at 1): how curated the audience finds it.",
          minimum=0),
        A("user.posts_per_day", "number", "Posts per day of account age (null for accounts under a day).",
          minimum=0),
        A("user.likes_per_day", "number", "Likes per day of account age (null for accounts under a day).",
          minimum=0),
        A("user.verified", "boolean", "The platform's verified flag (any kind of verification)."),
        A("user.verified_type", "string",
          "Kind of verification when given (blue, business, government, legacy ...)."),
        A("user.protected", "boolean", "The account's posts are protected (private)."),
        A("user.default_profile", "boolean", "The author never changed the default theme/banner."),
        A("user.default_profile_image", "boolean", "The author kept the default avatar (egg)."),
        A("user.has_banner", "boolean", "The profile has a banner image."),
        A("user.has_profile_url", "boolean", "The profile links a website."),
        A("user.profile_url_domain", "string", "Host name of the profile website, 'www.' removed."),
        A("user.has_location", "boolean", "The profile states a location (free text)."),
        A("user.has_bio", "boolean", "The profile has a non-blank description."),
        A("user.bio_length", "integer", "Length of the description in code points.", minimum=0),
        A("user.bio_hashtag_count", "integer", "Hashtags in the description.", minimum=0),
        A("user.bio_mention_count", "integer", "Mentions in the description.", minimum=0),
        A("user.bio_url_count", "integer", "URLs in the description.", minimum=0),
        A("user.bio_emoji_count", "integer", "Emoji in the description.", minimum=0),
        A("user.declared_language", "string", "Interface language of the profile (legacy field)."),
        A("user.handle_length", "integer", "Length of the handle.", minimum=0),
        A("user.handle_digit_count", "integer", "Digits in the handle.", minimum=0),
        A("user.handle_trailing_digits", "integer",
          "Digits the handle ends with (auto-generated handles end in long digit runs).", minimum=0),
        A("user.handle_underscore_count", "integer", "Underscores in the handle.", minimum=0),
        A("user.name_length", "integer", "Length of the display name in code points.", minimum=0),
        A("user.name_word_count", "integer", "Words in the display name.", minimum=0),
        A("user.name_digit_count", "integer", "Digits in the display name.", minimum=0),
        A("user.name_emoji_count", "integer", "Emoji in the display name.", minimum=0),
        A("user.name_has_emoji", "boolean", "The display name contains emoji."),
        A("user.name_handle_similarity", "probability",
          "Similarity of display name and handle (letters and digits, case and accents folded; "
          "difflib ratio): 1.0 when the handle spells the name."),
    )

    def enrich_one(self, item: Item) -> dict[str, Any] | None:
        author = item.post.author
        if author is None:
            return None
        return self.features(item.post, author)

    def features(self, post: Post, a: Author) -> dict[str, Any]:
        followers, following = _nonneg(a.followers_count), _nonneg(a.following_count)
        listed, posts, likes = _nonneg(a.listed_count), _nonneg(a.posts_count), _nonneg(a.likes_count)
        age_days: float | None = None
        if a.created_at is not None and post.created_at is not None:
            age_days = max((_aware(post.created_at) - _aware(a.created_at)).total_seconds() / 86400.0, 0.0)
        rated = age_days is not None and age_days >= self.settings.min_age_days_for_rates
        return {
            "id": a.id,
            "screen_name": a.screen_name,
            "name": a.name,
            "account_created_at": _aware(a.created_at).astimezone(UTC).isoformat().replace("+00:00", "Z")
            if a.created_at else None,
            "account_age_days": round(age_days, 3) if age_days is not None else None,
            "followers_count": followers,
            "following_count": following,
            "listed_count": listed,
            "posts_count": posts,
            "likes_count": likes,
            "media_count": _nonneg(a.media_count),
            "followers_log10": round(math.log10(1 + followers), 4) if followers is not None else None,
            "followers_per_following": round(followers / max(following, 1), 4)
            if followers is not None and following is not None else None,
            "listed_per_1k_followers": round(1000 * listed / max(followers, 1), 4)
            if listed is not None and followers is not None else None,
            "posts_per_day": round(posts / age_days, 4) if rated and posts is not None and age_days else None,
            "likes_per_day": round(likes / age_days, 4) if rated and likes is not None and age_days else None,
            "verified": a.verified,
            "verified_type": a.verified_type,
            "protected": a.protected,
            "default_profile": a.default_profile,
            "default_profile_image": a.default_profile_image,
            "has_banner": bool(a.profile_banner_url),
            "has_location": bool(a.location and a.location.strip()),
            "declared_language": a.lang,
            **profile_text_features(a.screen_name, a.name, a.description or "", a.url,
                                    len(a.description_urls)),
        }


@lru_cache(maxsize=4096)
def profile_text_features(handle: str | None, name: str | None, bio: str, url: str | None,
                          bio_url_entities: int) -> dict[str, Any]:
    """Features of the profile's strings; cached because an author's posts repeat them."""
    h = handle or ""
    bio_urls = extract_urls(bio) if bio else []
    name_emoji = emoji_hits(name) if name else []
    domain = None
    if url:
        try:
            host = urlsplit(url if "//" in url else "//" + url).hostname
        except ValueError:
            host = None
        domain = host.removeprefix("www.") if host else None
    trailing = _TRAILING_DIGITS.search(h)
    fh, fn = _fold(h), _fold(name or "")
    has_handle, has_name = handle is not None, name is not None
    return {
        "has_profile_url": bool(url),
        "profile_url_domain": domain,
        "has_bio": bool(bio.strip()),
        "bio_length": len(bio),
        "bio_hashtag_count": len(extract_hashtags(bio, urls=bio_urls)) if bio else 0,
        "bio_mention_count": len(extract_mentions(bio)) if bio else 0,
        "bio_url_count": max(len(bio_urls), bio_url_entities),
        "bio_emoji_count": len(emoji_hits(bio)) if bio else 0,
        "handle_length": len(h) if has_handle else None,
        "handle_digit_count": sum(c.isdigit() for c in h) if has_handle else None,
        "handle_trailing_digits": len(trailing.group()) if trailing else (0 if has_handle else None),
        "handle_underscore_count": h.count("_") if has_handle else None,
        "name_length": len(name) if name is not None else None,
        "name_word_count": len(_NAME_WORD.findall(name)) if name is not None else None,
        "name_digit_count": sum(c.isdigit() for c in name) if name is not None else None,
        "name_emoji_count": len(name_emoji) if has_name else None,
        "name_has_emoji": bool(name_emoji) if has_name else None,
        "name_handle_similarity": round(SequenceMatcher(None, fh, fn).ratio(), 4) if fh and fn else None,
    }
