"""The canonical post: what every input adapter produces and every family reads.

Adapters normalize at the edge (see ``enrich.io``) so that families never branch on the
source format or API version. Plain slotted dataclasses: cheap to build, to pickle into worker
processes, and to read in hot loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

PostKind = Literal["original", "retweet", "quote", "reply"]


@dataclass(slots=True)
class Span:
    """An entity the platform (or the text family) found in the post text.

    ``start``/``end`` are character (code point) offsets into ``Post.text``.
    """

    start: int
    end: int
    text: str


@dataclass(slots=True)
class UrlEntity(Span):
    url: str = ""  # as written in the text (often a t.co link)
    expanded_url: str | None = None
    display_url: str | None = None
    unwound_url: str | None = None  # final address, when the platform gives it
    title: str | None = None
    description: str | None = None
    status: int | None = None


@dataclass(slots=True)
class MentionEntity(Span):
    screen_name: str = ""
    user_id: str | None = None
    name: str | None = None


@dataclass(slots=True)
class Entities:
    """Platform-supplied entities, or ``None`` fields when the input carried none."""

    hashtags: list[Span] = field(default_factory=list)
    mentions: list[MentionEntity] = field(default_factory=list)
    cashtags: list[Span] = field(default_factory=list)
    urls: list[UrlEntity] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Author:
    id: str | None = None
    screen_name: str | None = None
    name: str | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None  # expanded profile URL when known
    created_at: datetime | None = None
    followers_count: int | None = None
    following_count: int | None = None
    listed_count: int | None = None
    posts_count: int | None = None
    likes_count: int | None = None
    media_count: int | None = None
    verified: bool | None = None
    verified_type: str | None = None
    protected: bool | None = None
    default_profile: bool | None = None
    default_profile_image: bool | None = None
    profile_image_url: str | None = None
    profile_banner_url: str | None = None
    time_zone: str | None = None  # legacy v1 field, e.g. "Pacific Time (US & Canada)"
    utc_offset: int | None = None  # seconds, legacy v1 field
    lang: str | None = None
    description_urls: list[UrlEntity] = field(default_factory=list)


@dataclass(slots=True)
class Place:
    id: str | None = None
    name: str | None = None
    full_name: str | None = None
    country: str | None = None
    country_code: str | None = None
    place_type: str | None = None  # city, admin, country, poi, neighborhood
    bbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)


@dataclass(slots=True)
class Metrics:
    reply_count: int | None = None
    retweet_count: int | None = None
    quote_count: int | None = None
    like_count: int | None = None
    bookmark_count: int | None = None
    impression_count: int | None = None


@dataclass(slots=True)
class Reference:
    """A post this one retweets, quotes or replies to."""

    type: Literal["retweeted", "quoted", "replied_to"]
    id: str | None
    post: Post | None = None  # present when the input expanded it


@dataclass(slots=True)
class Post:
    """One post, normalized. ``text`` is the full, untruncated, HTML-unescaped text."""

    text: str
    id: str | None = None
    source_format: str = "text"
    kind: PostKind = "original"
    created_at: datetime | None = None  # timezone-aware UTC when known
    lang: str | None = None  # declared by the platform
    author: Author | None = None
    place: Place | None = None
    coordinates: tuple[float, float] | None = None  # GeoJSON order: (lon, lat)
    entities: Entities | None = None  # None: the input carried no entities
    references: list[Reference] = field(default_factory=list)
    in_reply_to_user_id: str | None = None
    in_reply_to_screen_name: str | None = None
    conversation_id: str | None = None
    metrics: Metrics | None = None
    source: str | None = None  # posting application, e.g. "Twitter for iPhone"
    possibly_sensitive: bool | None = None
    truncated_input: bool = False  # the input text was truncated and no full text was found
    raw: Any = None  # the record as it came (output unchanged beside ``enrichment``)
    position: int | None = None  # 0-based index of the input record this post came from
    warnings: list[str] = field(default_factory=list)  # non-fatal normalization notes
    display_range: tuple[int, int] | None = None  # part of ``text`` shown to readers (v1/v2)
    edit_history: list[str] = field(default_factory=list)  # ids of every version, oldest first
    withheld_in: list[str] = field(default_factory=list)  # country codes the post is withheld in

    def reference(self, type_: str) -> Reference | None:
        for ref in self.references:
            if ref.type == type_:
                return ref
        return None
