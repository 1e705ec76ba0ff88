"""``normalize``: recognize a record's format and hand it to its adapter."""

from __future__ import annotations

import logging
from typing import Any

from ..errors import ErrorCode, ErrorRecord, InputError
from ..post import Post
from .activity_streams import from_activity, looks_activity
from .fields import as_dict, as_list, record_id
from .plain import CsvRow, from_csv_row, from_text, from_text_record
from .twitter_v1 import V1_KEYS, from_v1, looks_v1
from .twitter_v2 import Expansions, from_page, from_v2, looks_v2

log = logging.getLogger(__name__)

# v1.1 streaming control messages and compliance events: records, but not posts.
_NOTICES = ("delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect",
            "warning", "friends", "event", "user_delete", "user_suspend", "user_protect")
_JSON_KINDS = {list: "array", int: "number", float: "number", bool: "boolean", type(None): "null"}


def normalize(record: Any, position: int | None = None,
              source: str | None = None) -> list[Post | ErrorRecord]:
    """Normalize one record into posts (several for a v2 API page) or error records.

    ``record`` is a parsed JSON value, a line of text, a :class:`CsvRow`, or an
    :class:`ErrorRecord` from the reader (passed through). Never raises for bad input.
    """
    try:
        out = _normalize(record, position, source)
        for item in out:
            if isinstance(item, Post):
                _drop_negative_counts(item)
        return out
    except InputError as exc:
        return [ErrorRecord.from_exception(exc, position=position, id=record_id(record), source=source)]
    except MemoryError:
        raise
    except Exception as exc:  # an adapter bug must cost one record, not the batch
        log.exception("normalizing record %s failed", position)
        return [ErrorRecord(ErrorCode.NORMALIZATION_FAILED, position=position, id=record_id(record),
                            source=source, detail=f"{type(exc).__name__}: {exc}"[:300])]


_AUTHOR_COUNTS = ("followers_count", "following_count", "listed_count", "posts_count", "likes_count",
                  "media_count")
_POST_COUNTS = ("reply_count", "retweet_count", "quote_count", "like_count", "bookmark_count",
                "impression_count")


def _drop_negative_counts(post: Post) -> None:
    """A count below zero is corrupt data, not a fact: families must never see it."""
    for obj, names, label in ((post.author, _AUTHOR_COUNTS, "author"), (post.metrics, _POST_COUNTS, "post")):
        if obj is None:
            continue
        for name in names:
            value = getattr(obj, name)
            if value is not None and value < 0:
                setattr(obj, name, None)
                post.warnings.append(f"negative {label} {name} ({value}) dropped")


def _error_detail(errors: Any) -> str:
    items = [e for e in as_list(errors) if isinstance(e, dict)]
    if not items:
        return str(errors)[:200]
    first = items[0]
    what = first.get("title") or first.get("message") or first.get("detail") or first
    extra = f" (+{len(items) - 1} more)" if len(items) > 1 else ""
    return f"{what}{extra}"[:300]


def _normalize(record: Any, position: int | None, source: str | None) -> list[Post | ErrorRecord]:
    if isinstance(record, ErrorRecord):
        if record.position is None:
            record.position = position
        return [record]
    if isinstance(record, Post):
        return [record]
    if isinstance(record, str):
        return [from_text(record, position)]
    if isinstance(record, bytes | bytearray):
        try:
            return [from_text(bytes(record).decode("utf-8"), position)]
        except UnicodeDecodeError as exc:
            return [ErrorRecord(ErrorCode.UNDECODABLE, position=position, source=source, detail=str(exc))]
    if isinstance(record, CsvRow):
        return [from_csv_row(record, position)]
    if not isinstance(record, dict):
        kind = _JSON_KINDS.get(type(record), type(record).__name__)
        return [ErrorRecord(ErrorCode.NOT_AN_OBJECT, position=position, source=source, kind=kind)]

    if "data" in record and isinstance(record["data"], list | dict) and "text" not in record:
        return from_page(record, position, source)
    if "errors" in record and "text" not in record:
        return [ErrorRecord(ErrorCode.API_ERROR_OBJECT, position=position, id=record_id(record),
                            source=source, detail=_error_detail(record["errors"]))]
    tweet = as_dict(record.get("tweet"))
    if tweet is not None and "text" not in record and "full_text" not in record:
        post = from_v1(tweet, position, source_format="tweets_js")
        post.raw = record
        return [post]
    if looks_activity(record):
        return [from_activity(record, position)]
    if not V1_KEYS.isdisjoint(record):
        return [from_v1(record, position)]
    if looks_v2(record):
        flat = "__twarc" in record or isinstance(record.get("author"), dict)
        return [from_v2(record, Expansions(), position, "twitter_v2_flat" if flat else "twitter_v2")]
    if looks_v1(record):
        return [from_v1(record, position)]
    if isinstance(record.get("text"), str):
        return [from_text_record(record, position)]
    if "action" in record and "reason" in record:
        return [ErrorRecord(ErrorCode.NOT_A_POST, position=position, id=record_id(record), source=source,
                            what=f"a compliance event (action {str(record['action'])[:40]!r})")]
    notice = next((k for k in _NOTICES if k in record), None)
    if notice is not None:
        return [ErrorRecord(ErrorCode.NOT_A_POST, position=position, id=record_id(record), source=source,
                            what=f"a streaming {notice!r} notice")]
    if "text" in record:
        raise InputError(ErrorCode.INVALID_FIELD, field="text",
                         detail=f"expected a string, got {_JSON_KINDS.get(type(record['text']), 'object')}")
    keys = ", ".join(sorted(map(str, record))[:12]) or "none"
    return [ErrorRecord(ErrorCode.UNRECOGNIZED_RECORD, position=position, id=record_id(record),
                        source=source, keys=keys)]
