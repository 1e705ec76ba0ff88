"""Twitter API v1.1 statuses (compat, extended and streaming modes) and X archive tweets."""

from __future__ import annotations

from typing import Any

from ..errors import ErrorCode, InputError
from ..post import Author, Metrics, Post, Reference, UrlEntity
from .compose import MAX_DEPTH, kind_of, retweet_text
from .entities import SpanPlacer, display_range, unescape, v1_entities
from .fields import (
    as_dict,
    as_list,
    as_str,
    geojson_point,
    latlon_point,
    parse_v1_time,
    str_id,
    strip_tags,
    to_bool,
    to_int,
    v1_place,
)

# Keys only a v1.1 status (or an archive tweet) has; ``text`` + ``id`` alone is not enough.
V1_KEYS = frozenset((
    "id_str", "full_text", "extended_tweet", "retweeted_status", "quoted_status", "user",
    "truncated", "favorite_count", "display_text_range", "in_reply_to_status_id_str",
    "in_reply_to_status_id", "is_quote_status", "favorited", "retweeted", "quoted_status_id_str",
    "extended_entities", "in_reply_to_screen_name",
))


def looks_v1(record: dict[str, Any]) -> bool:
    if not V1_KEYS.isdisjoint(record):
        return True
    ents = record.get("entities")
    if isinstance(ents, dict) and ("user_mentions" in ents or "symbols" in ents):
        return True
    return parse_v1_time(record.get("created_at")) is not None


_METRICS = ("reply_count", "retweet_count", "quote_count", "favorite_count", "bookmark_count")
_NO_METRICS = [None] * len(_METRICS)
_COUNTS = ("followers_count", "friends_count", "listed_count", "statuses_count", "favourites_count",
           "media_count", "utc_offset")
_FLAGS = ("verified", "protected", "default_profile", "default_profile_image")
_TEXTS = ("screen_name", "name", "location", "verified_type", "profile_banner_url", "time_zone", "lang")


def v1_author(u: Any, warnings: list[str]) -> Author | None:
    u = as_dict(u)
    if not u:
        return None
    g = u.get
    # the common types first, inline: this runs for every post and its retweeted/quoted posts
    counts = [v if type(v) is int or v is None else to_int(v) for v in map(g, _COUNTS)]
    flags = [v if v is True or v is False or v is None else to_bool(v) for v in map(g, _FLAGS)]
    texts = [(v or None) if type(v) is str or v is None else as_str(v) for v in map(g, _TEXTS)]
    ents = g("entities")
    expanded = desc = None
    desc_urls: list[UrlEntity] = []
    if type(ents) is dict:
        url_urls = as_list((as_dict(ents.get("url")) or {}).get("urls"))
        if url_urls and isinstance(url_urls[0], dict):
            expanded = as_str(url_urls[0].get("expanded_url"))
    desc_raw = as_str(g("description"))
    if desc_raw:
        desc, desc_map = unescape(desc_raw)
        dents = as_dict(ents.get("description")) if type(ents) is dict else None
        if dents and dents.get("urls"):
            got = v1_entities(dents, None, SpanPlacer(desc, desc_map, warnings))
            desc_urls = got.urls if got else []
    return Author(
        id=str_id(g("id_str")) or str_id(g("id")),
        screen_name=texts[0],
        name=texts[1],
        description=desc,
        location=texts[2],
        url=expanded or as_str(g("url")),
        created_at=parse_v1_time(g("created_at")),
        followers_count=counts[0],
        following_count=counts[1],
        listed_count=counts[2],
        posts_count=counts[3],
        likes_count=counts[4],
        media_count=counts[5],
        verified=flags[0],
        verified_type=texts[3],
        protected=flags[1],
        default_profile=flags[2],
        default_profile_image=flags[3],
        profile_image_url=as_str(g("profile_image_url_https")) or as_str(g("profile_image_url")),
        profile_banner_url=texts[4],
        time_zone=texts[5],
        utc_offset=counts[6],
        lang=texts[6],
        description_urls=desc_urls,
    )


def _nested(value: Any, position: int | None, source_format: str, depth: int, what: str,
            warnings: list[str]) -> Post | None:
    d = as_dict(value)
    if d is None:
        return None
    if depth >= MAX_DEPTH:
        return None
    try:
        return from_v1(d, position, source_format, depth + 1)
    except InputError as exc:
        warnings.append(f"{what} could not be read: {exc.message}")
        return None


def from_v1(r: dict[str, Any], position: int | None = None, source_format: str = "twitter_v1",
            depth: int = 0) -> Post:
    """Normalize one v1.1 status. Raises :class:`InputError` when it holds no text at all."""
    warnings: list[str] = []
    ext = as_dict(r.get("extended_tweet"))
    truncated = False
    if ext is not None and isinstance(ext.get("full_text"), str):
        raw_text, ents, ext_ents, drange = (ext["full_text"], ext.get("entities"),
                                            ext.get("extended_entities"), ext.get("display_text_range"))
    elif isinstance(r.get("full_text"), str):
        raw_text, ents, ext_ents, drange = (r["full_text"], r.get("entities"),
                                            r.get("extended_entities"), r.get("display_text_range"))
    elif isinstance(r.get("text"), str):
        raw_text, ents, ext_ents, drange = (r["text"], r.get("entities"),
                                            r.get("extended_entities"), r.get("display_text_range"))
        truncated = r.get("truncated") is True
    else:
        raise InputError(ErrorCode.MISSING_TEXT, detail="no text, full_text or extended_tweet.full_text")

    text, remap = unescape(raw_text)
    placer = SpanPlacer(text, remap, warnings)
    entities = v1_entities(ents, ext_ents, placer)
    display = display_range(drange, remap, text)

    refs: list[Reference] = []
    orig: Post | None = None
    rs = r.get("retweeted_status")
    if isinstance(rs, dict):
        orig = _nested(rs, position, source_format, depth, "retweeted post", warnings)
        rid = (orig.id if orig else None) or str_id(rs.get("id_str")) or str_id(rs.get("id"))
        refs.append(Reference("retweeted", rid, orig))
        if orig is not None:
            text, entities = retweet_text(text, orig)
            truncated = orig.truncated_input
            display = None
    qs = r.get("quoted_status")
    qid = str_id(r.get("quoted_status_id_str")) or str_id(r.get("quoted_status_id"))
    if isinstance(qs, dict) or qid:
        quoted = _nested(qs, position, source_format, depth, "quoted post", warnings)
        if quoted is None and orig is not None:
            # a retweet of a quote: the quoted post came inside the retweeted one
            inner = orig.reference("quoted")
            quoted = inner.post if inner is not None and inner.id == qid else None
        qid = qid or (quoted.id if quoted else None)
        refs.append(Reference("quoted", qid, quoted))
        if quoted is None and not isinstance(qs, dict) and depth < MAX_DEPTH:
            warnings.append(f"quoted post {qid} not included in the record")
    reply_id = str_id(r.get("in_reply_to_status_id_str")) or str_id(r.get("in_reply_to_status_id"))
    if reply_id:
        refs.append(Reference("replied_to", reply_id))

    user = r.get("user")
    author = v1_author(user, warnings)
    if author is None and source_format == "twitter_v1":
        warnings.append("no user object: author unknown")
    coords = geojson_point(r.get("coordinates")) or latlon_point(r.get("geo"))
    m = [v if type(v) is int or v is None else to_int(v) for v in map(r.get, _METRICS)]
    metrics = Metrics(*m) if m != _NO_METRICS else None
    withheld = [c for c in as_list(r.get("withheld_in_countries")) if isinstance(c, str)]
    if truncated:
        warnings.append("text is truncated and the record holds no full text")
    return Post(
        text=text,
        id=str_id(r.get("id_str")) or str_id(r.get("id")),
        source_format=source_format,
        kind=kind_of(refs),
        created_at=parse_v1_time(r.get("created_at")),
        lang=as_str(r.get("lang")),
        author=author,
        place=v1_place(r.get("place")),
        coordinates=coords,
        entities=entities,
        references=refs,
        in_reply_to_user_id=str_id(r.get("in_reply_to_user_id_str")) or str_id(r.get("in_reply_to_user_id")),
        in_reply_to_screen_name=as_str(r.get("in_reply_to_screen_name")),
        conversation_id=str_id(r.get("conversation_id_str")) or str_id(r.get("conversation_id")),
        metrics=metrics,
        source=strip_tags(r.get("source")),
        possibly_sensitive=to_bool(r.get("possibly_sensitive")),
        truncated_input=truncated,
        raw=r,
        position=position,
        warnings=warnings,
        display_range=display,
        edit_history=[s for i in as_list((as_dict(r.get("edit_history")) or {}).get("edit_tweet_ids"))
                      if (s := str_id(i))],
        withheld_in=withheld,
    )
