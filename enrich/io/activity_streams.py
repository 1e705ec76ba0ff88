"""Gnip / PowerTrack Activity Streams activities (``verb``, ``body``, ``actor``, ``object``)."""

from __future__ import annotations

import re
from typing import Any

from ..errors import ErrorCode, InputError
from ..post import Author, Metrics, Place, Post, Reference
from .compose import MAX_DEPTH, kind_of, retweet_text
from .entities import SpanPlacer, display_range, unescape, v1_entities
from .fields import (
    as_dict,
    as_list,
    as_str,
    id_from_uri,
    latlon_point,
    parse_iso_time,
    polygon_bbox,
    str_id,
    to_bool,
    to_int,
)

_PLACE_ID = re.compile(r"/geo/id/([0-9a-f]+)")


def looks_activity(record: dict[str, Any]) -> bool:
    return ("verb" in record and ("actor" in record or "body" in record or "object" in record)) or (
        "body" in record and isinstance(record.get("actor"), dict))


def as_author(a: Any) -> Author | None:
    a = as_dict(a)
    if not a:
        return None
    links = [x for x in as_list(a.get("links")) if isinstance(x, dict)]
    langs = [x for x in as_list(a.get("languages")) if isinstance(x, str)]
    return Author(
        id=id_from_uri(a.get("id")),
        screen_name=as_str(a.get("preferredUsername")),
        name=as_str(a.get("displayName")),
        description=unescape(a["summary"])[0] if as_str(a.get("summary")) else None,
        location=as_str((as_dict(a.get("location")) or {}).get("displayName")),
        url=as_str(links[0].get("href")) if links else None,
        created_at=parse_iso_time(a.get("postedTime")),
        followers_count=to_int(a.get("followersCount")),
        following_count=to_int(a.get("friendsCount")),
        listed_count=to_int(a.get("listedCount")),
        posts_count=to_int(a.get("statusesCount")),
        likes_count=to_int(a.get("favoritesCount")),
        verified=to_bool(a.get("verified")),
        profile_image_url=as_str(a.get("image")),
        time_zone=as_str(a.get("twitterTimeZone")),
        utc_offset=to_int(a.get("utcOffset")),
        lang=langs[0] if langs else None,
    )


def as_place(loc: Any) -> Place | None:
    loc = as_dict(loc)
    if not loc:
        return None
    link = as_str(loc.get("link"))
    m = _PLACE_ID.search(link) if link else None
    place = Place(id=m.group(1) if m else None, name=as_str(loc.get("name")),
                  full_name=as_str(loc.get("displayName")),
                  # Gnip puts the country *name* in ``country_code``
                  country=as_str(loc.get("country_code")),
                  country_code=as_str(loc.get("twitter_country_code")),
                  place_type=as_str(loc.get("twitter_place_type")),
                  bbox=polygon_bbox(loc.get("geo")))
    return place if place.full_name or place.name or place.id else None


def _nested(value: Any, position: int | None, depth: int, what: str, warnings: list[str]) -> Post | None:
    d = as_dict(value)
    if d is None or depth >= MAX_DEPTH:
        return None
    try:
        return from_activity(d, position, depth + 1)
    except InputError as exc:
        warnings.append(f"{what} could not be read: {exc.message}")
        return None


def from_activity(r: dict[str, Any], position: int | None = None, depth: int = 0) -> Post:
    warnings: list[str] = []
    long = as_dict(r.get("long_object"))
    if long is not None and isinstance(long.get("body"), str):
        raw_text, ents, ext, drange = (long["body"], long.get("twitter_entities"),
                                       long.get("twitter_extended_entities"), long.get("display_text_range"))
    elif isinstance(r.get("body"), str):
        raw_text, ents, ext, drange = (r["body"], r.get("twitter_entities"),
                                       r.get("twitter_extended_entities"), r.get("display_text_range"))
    else:
        raise InputError(ErrorCode.MISSING_TEXT, detail="activity has no body")
    text, remap = unescape(raw_text)
    entities = v1_entities(ents, ext, SpanPlacer(text, remap, warnings))
    display = display_range(drange, remap, text)

    refs: list[Reference] = []
    truncated = False
    if r.get("verb") == "share":
        obj = as_dict(r.get("object"))
        orig = _nested(obj, position, depth, "shared post", warnings)
        rid = (orig.id if orig else None) or id_from_uri((obj or {}).get("id"))
        refs.append(Reference("retweeted", rid, orig))
        if orig is not None:
            text, entities = retweet_text(text, orig)
            truncated = orig.truncated_input
            display = None
        else:
            truncated = text.endswith("…")
    quoted = as_dict(r.get("twitter_quoted_status"))
    if quoted is not None:
        qpost = _nested(quoted, position, depth, "quoted post", warnings)
        qid = (qpost.id if qpost else None) or id_from_uri(quoted.get("id"))
        refs.append(Reference("quoted", qid, qpost))
    reply = as_dict(r.get("inReplyTo"))
    if reply is not None and (rid := id_from_uri(reply.get("link"))):
        refs.append(Reference("replied_to", rid))

    author = as_author(r.get("actor"))
    if author is None:
        warnings.append("no actor object: author unknown")
    has_metrics = "retweetCount" in r or "favoritesCount" in r
    gen = as_dict(r.get("generator")) or {}
    return Post(
        text=text,
        id=id_from_uri(r.get("id")) or str_id(r.get("id")),
        source_format="activity_streams",
        kind=kind_of(refs),
        created_at=parse_iso_time(r.get("postedTime")),
        lang=as_str(r.get("twitter_lang")),
        author=author,
        place=as_place(r.get("location")),
        coordinates=latlon_point(r.get("geo")),
        entities=entities,
        references=refs,
        metrics=Metrics(retweet_count=to_int(r.get("retweetCount")),
                        like_count=to_int(r.get("favoritesCount"))) if has_metrics else None,
        source=as_str(gen.get("displayName")),
        truncated_input=truncated,
        raw=r,
        position=position,
        warnings=warnings,
        display_range=display,
        withheld_in=[c for c in as_list(r.get("withheld_in_countries")) if isinstance(c, str)],
    )
