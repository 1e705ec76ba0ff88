"""Twitter API v2: response pages (``data`` + ``includes``, one page a line as twarc2 writes them)
and single posts, either bare or flattened by twarc2 (expansions merged into each post)."""

from __future__ import annotations

from typing import Any

from ..errors import ErrorCode, ErrorRecord, InputError
from ..post import Author, Entities, Metrics, Place, Post, Reference, UrlEntity
from .compose import MAX_DEPTH, kind_of, retweet_text
from .entities import SpanPlacer, media_dict, unescape, v2_entities
from .fields import (
    as_dict,
    as_list,
    as_str,
    geojson_point,
    parse_iso_time,
    str_id,
    to_bool,
    to_int,
    v2_place,
)

V2_KEYS = frozenset((
    "author_id", "edit_history_tweet_ids", "public_metrics", "referenced_tweets", "note_tweet",
    "conversation_id", "attachments", "__twarc", "author", "reply_settings", "edit_controls",
    "context_annotations", "in_reply_to_user_id",
))


def looks_v2(record: dict[str, Any]) -> bool:
    return not V2_KEYS.isdisjoint(record)


class Expansions:
    """The ``includes`` of a page, indexed; a lookup that misses is counted on the post."""

    __slots__ = ("errors", "media", "places", "tweets", "users")

    def __init__(self, includes: Any = None, errors: Any = None) -> None:
        inc = as_dict(includes) or {}
        self.users = self._index(inc.get("users"), "id")
        self.tweets = self._index(inc.get("tweets"), "id")
        self.media = self._index(inc.get("media"), "media_key")
        self.places = self._index(inc.get("places"), "id")
        # the page's ``errors`` say why an expansion is missing (deleted, suspended, withheld)
        self.errors: dict[str, str] = {}
        for e in as_list(errors):
            if isinstance(e, dict) and (rid := str_id(e.get("resource_id")) or str_id(e.get("value"))):
                self.errors[rid] = str(e.get("detail") or e.get("title") or "")[:200]

    def missing(self, what: str, key: str | None) -> str:
        why = self.errors.get(key or "")
        return f"missing expansion: {what} {key}" + (f" ({why})" if why else "")

    @staticmethod
    def _index(items: Any, key: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for item in as_list(items):
            if isinstance(item, dict):
                k = str_id(item.get(key))
                if k is not None:
                    out[k] = item
        return out


def v2_author(u: dict[str, Any], warnings: list[str]) -> Author:
    metrics = as_dict(u.get("public_metrics")) or {}
    ents = as_dict(u.get("entities")) or {}
    url_urls = as_list((as_dict(ents.get("url")) or {}).get("urls"))
    expanded = as_str(url_urls[0].get("expanded_url")) if url_urls and isinstance(url_urls[0], dict) else None
    desc_raw = as_str(u.get("description"))
    desc, desc_map = unescape(desc_raw) if desc_raw else (None, None)
    desc_urls: list[UrlEntity] = []
    if desc:
        dents = v2_entities(ents.get("description"), SpanPlacer(desc, desc_map, warnings), lambda _k: None)
        desc_urls = dents.urls if dents else []
    return Author(
        id=str_id(u.get("id")),
        screen_name=as_str(u.get("username")),
        name=as_str(u.get("name")),
        description=desc,
        location=as_str(u.get("location")),
        url=expanded or as_str(u.get("url")),
        created_at=parse_iso_time(u.get("created_at")),
        followers_count=to_int(metrics.get("followers_count")),
        following_count=to_int(metrics.get("following_count")),
        listed_count=to_int(metrics.get("listed_count")),
        posts_count=to_int(metrics.get("tweet_count")),
        likes_count=to_int(metrics.get("like_count")),
        media_count=to_int(metrics.get("media_count")),
        verified=to_bool(u.get("verified")),
        verified_type=as_str(u.get("verified_type")),
        protected=to_bool(u.get("protected")),
        profile_image_url=as_str(u.get("profile_image_url")),
        profile_banner_url=as_str(u.get("profile_banner_url")),
        description_urls=desc_urls,
    )


def from_v2(t: dict[str, Any], exp: Expansions, position: int | None = None,
            source_format: str = "twitter_v2", depth: int = 0) -> Post:
    """Normalize one v2 post, expanding ids through ``exp`` (or the twarc2-flattened fields)."""
    warnings: list[str] = []
    note = as_dict(t.get("note_tweet"))
    if note is not None and isinstance(note.get("text"), str):
        raw_text, raw_ents = note["text"], note.get("entities")
    elif isinstance(t.get("text"), str):
        raw_text, raw_ents = t["text"], t.get("entities")
    else:
        raise InputError(ErrorCode.MISSING_TEXT, detail="no text or note_tweet.text")
    pid = str_id(t.get("id"))
    text, remap = unescape(raw_text)

    def media_for(key: str) -> dict[str, Any] | None:
        return exp.media.get(key)

    entities = v2_entities(raw_ents, SpanPlacer(text, remap, warnings), media_for)
    attachments = as_dict(t.get("attachments")) or {}
    keys = [k for k in as_list(attachments.get("media_keys")) if isinstance(k, str)]
    flat_media = [m for m in as_list(attachments.get("media")) if isinstance(m, dict)]
    if keys or flat_media:
        if entities is None:
            entities = Entities()
        placed = {m.get("media_key") for m in entities.media}
        for m in flat_media:
            if m.get("media_key") not in placed:
                entities.media.append(media_dict(m))
                placed.add(m.get("media_key"))
        for k in keys:
            if k in placed:
                continue
            item = exp.media.get(k)
            if item is None and not flat_media:
                warnings.append(exp.missing("media", k))
                item = {"media_key": k}
            if item is not None:
                entities.media.append(media_dict(item))

    refs: list[Reference] = []
    truncated = False
    for ref in as_list(t.get("referenced_tweets")):
        if not isinstance(ref, dict):
            continue
        rtype = ref.get("type")
        if rtype not in ("retweeted", "quoted", "replied_to"):
            continue
        rid = str_id(ref.get("id"))
        # twarc2 flattening merges the referenced post into the reference itself
        body = ref if "text" in ref else (exp.tweets.get(rid) if rid else None)
        rpost: Post | None = None
        if body is None:
            warnings.append(exp.missing(f"{rtype} post", rid))
        elif depth < MAX_DEPTH:
            try:
                rpost = from_v2(body, exp, position, source_format, depth + 1)
            except InputError as exc:
                warnings.append(f"{rtype} post {rid} could not be read: {exc.message}")
        refs.append(Reference(rtype, rid, rpost))
        if rtype == "retweeted":
            if rpost is not None:
                text, entities = retweet_text(text, rpost)
                truncated = rpost.truncated_input
            else:
                truncated = text.endswith("…")

    author: Author | None = None
    flat_author = as_dict(t.get("author"))
    author_id = str_id(t.get("author_id"))
    if flat_author is not None:
        author = v2_author(flat_author, warnings)
    elif author_id:
        u = exp.users.get(author_id)
        if u is None:
            warnings.append(exp.missing("author", author_id))
            author = Author(id=author_id)
        else:
            author = v2_author(u, warnings)

    reply_uid = str_id(t.get("in_reply_to_user_id"))
    reply_user = as_dict(t.get("in_reply_to_user")) or (exp.users.get(reply_uid) if reply_uid else None)

    geo = as_dict(t.get("geo")) or {}
    place = None
    if "full_name" in geo or "name" in geo:
        place = v2_place(geo)  # twarc2-flattened: the place merged into ``geo``
    elif (place_id := str_id(geo.get("place_id"))) is not None:
        body = exp.places.get(place_id)
        place = v2_place(body) if body else None
        if body is None:
            warnings.append(exp.missing("place", place_id))
            place = Place(id=place_id)

    pm = as_dict(t.get("public_metrics"))
    metrics = Metrics(
        reply_count=to_int(pm.get("reply_count")), retweet_count=to_int(pm.get("retweet_count")),
        quote_count=to_int(pm.get("quote_count")), like_count=to_int(pm.get("like_count")),
        bookmark_count=to_int(pm.get("bookmark_count")),
        impression_count=to_int(pm.get("impression_count"))) if pm else None
    withheld = as_dict(t.get("withheld")) or {}
    if "event_type" in t:
        warnings.append(f"direct-message event ({t.get('event_type')}), read as a post")
    return Post(
        text=text,
        id=pid,
        source_format=source_format,
        kind=kind_of(refs),
        created_at=parse_iso_time(t.get("created_at")),
        lang=as_str(t.get("lang")),
        author=author,
        place=place,
        coordinates=geojson_point(geo.get("coordinates")),
        entities=entities,
        references=refs,
        in_reply_to_user_id=reply_uid,
        in_reply_to_screen_name=as_str(reply_user.get("username")) if reply_user else None,
        conversation_id=str_id(t.get("conversation_id")),
        metrics=metrics,
        source=as_str(t.get("source")),
        possibly_sensitive=to_bool(t.get("possibly_sensitive")),
        truncated_input=truncated,
        raw=t,
        position=position,
        warnings=warnings,
        edit_history=[s for i in as_list(t.get("edit_history_tweet_ids")) if (s := str_id(i))],
        withheld_in=[c for c in as_list(withheld.get("country_codes")) if isinstance(c, str)],
    )


def _page_kind(items: list[Any]) -> str:
    """What a page without posts holds, for the error message."""
    sample = next((i for i in items if isinstance(i, dict)), None)
    if sample is None:
        return "no objects"
    if "username" in sample:
        return f"{len(items)} user object(s)"
    if "tweet_count" in sample and "start" in sample:
        return f"{len(items)} tweet-count bucket(s)"
    if "follower_count" in sample or ("name" in sample and "text" not in sample):
        return f"{len(items)} list or other non-post object(s)"
    return f"{len(items)} object(s) with keys {', '.join(sorted(map(str, sample))[:8])}"


def from_page(page: dict[str, Any], position: int | None, source: str | None) -> list[Post | ErrorRecord]:
    """One API response page: a post for each item of ``data``, with its expansions."""
    data = page.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    if not any(isinstance(i, dict) and ("text" in i or "note_tweet" in i) for i in items):
        if items:
            detail = _page_kind(items)
        elif page.get("errors"):
            errs = as_list(page.get("errors"))
            first = errs[0] if errs and isinstance(errs[0], dict) else {}
            detail = (f"data is empty; {len(errs)} error(s), first: "
                      f"{first.get('title') or first.get('detail') or first}")[:300]
        else:
            detail = "data is empty"
        return [ErrorRecord(ErrorCode.NO_POSTS_IN_PAGE, position=position, source=source, detail=detail)]
    exp = Expansions(page.get("includes"), page.get("errors"))
    for item in items:  # a post may reply to or quote another post of the same page
        if isinstance(item, dict) and (iid := str_id(item.get("id"))) is not None:
            exp.tweets.setdefault(iid, item)
    out: list[Post | ErrorRecord] = []
    for item in items:
        if not isinstance(item, dict):
            out.append(ErrorRecord(ErrorCode.NOT_AN_OBJECT, position=position, source=source,
                                   kind=type(item).__name__))
            continue
        try:
            out.append(from_v2(item, exp, position))
        except InputError as exc:
            out.append(ErrorRecord.from_exception(exc, position=position, id=str_id(item.get("id")),
                                                  source=source))
    return out

