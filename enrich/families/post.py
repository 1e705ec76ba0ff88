"""The ``post`` family: the canonical post's identity, always on."""

from __future__ import annotations

from typing import Any

from ..attributes import Attribute as A
from ..family import Family, Item
from ..registry import register

KINDS = ("original", "retweet", "quote", "reply")
MEDIA_TYPES = ("photo", "video", "animated_gif")


@register
class PostFamily(Family):
    name = "post"
    summary = ("The post as normalized at the edge: identity, full text and kind, whatever the "
               "input format. Always on; every other family reads this text and its offsets.")
    method = "passthrough"
    order = 0
    provides = (
        A("post.id", "string", "Post id as a string (ids never go through floats)."),
        A("post.text", "string", "Full, untruncated, HTML-unescaped text that every offset indexes.",
          nullable=False),
        A("post.kind", "string", "What the post is: its own words, a retweet, a quote or a reply.",
          nullable=False, enum=KINDS),
        A("post.source_format", "string",
          "Input format the post was read from (twitter_v1, twitter_v2, twitter_v2_flat, "
          "activity_streams, tweets_js, text, csv).", nullable=False),
        A("post.created_at", "datetime", "Creation time, ISO 8601 in UTC."),
        A("post.declared_language", "string", "Language the platform declared (BCP 47), if any."),
        A("post.author_id", "string", "Id of the author as a string."),
        A("post.reply_to_id", "string", "Id of the post this one replies to."),
        A("post.reply_to_user_id", "string", "Id of the author this post replies to."),
        A("post.reply_to_screen_name", "string", "Handle of the author this post replies to."),
        A("post.quoted_id", "string", "Id of the post this one quotes."),
        A("post.retweeted_id", "string", "Id of the post this one retweets."),
        A("post.conversation_id", "string", "Id of the conversation (thread root) when known."),
        A("post.source_app", "string", "Application the post was sent from, tags stripped."),
        A("post.possibly_sensitive", "boolean", "The platform's possibly_sensitive flag, passed through."),
        A("post.truncated_input", "boolean",
          "True when the input text was truncated and no full text was found anywhere in the record.",
          nullable=False),
        A("post.position", "integer", "0-based index of the input record this post came from.",
          minimum=0),
        A("post.warnings[]", "string", "Non-fatal notes from normalization (e.g. a missing expansion)."),
        A("post.display_start", "integer",
          "Start of the displayed part of post.text (after leading reply @mentions), when the "
          "platform gave a display range.", minimum=0),
        A("post.display_end", "integer",
          "End (exclusive) of the displayed part of post.text (before a trailing media link).",
          minimum=0),
        A("post.edit_history_ids[]", "string", "Ids of every version of the post, oldest first."),
        A("post.edited", "boolean",
          "The post has several versions (it was edited, or is an edit); null without edit history."),
        A("post.withheld_in[]", "string", "Country codes the post is withheld in."),
        A("post.media[].type", "string", "Kind of attached media.", enum=MEDIA_TYPES),
        A("post.media[].url", "string", "Address of the media file (or of its preview image)."),
        A("post.media[].alt_text", "string", "Description the author wrote for the media."),
        A("post.media[].expanded_url", "string", "Link to the media's page on the platform."),
    )

    def enrich_one(self, item: Item) -> dict[str, Any]:
        p = item.post
        reply = p.reference("replied_to")
        quote = p.reference("quoted")
        rt = p.reference("retweeted")
        return {
            "id": p.id,
            "text": p.text,
            "kind": p.kind,
            "source_format": p.source_format,
            "created_at": p.created_at.isoformat().replace("+00:00", "Z") if p.created_at else None,
            "declared_language": p.lang,
            "author_id": p.author.id if p.author else None,
            "reply_to_id": reply.id if reply else None,
            "reply_to_user_id": p.in_reply_to_user_id,
            "reply_to_screen_name": p.in_reply_to_screen_name,
            "quoted_id": quote.id if quote else None,
            "retweeted_id": rt.id if rt else None,
            "conversation_id": p.conversation_id,
            "source_app": p.source,
            "possibly_sensitive": p.possibly_sensitive,
            "truncated_input": p.truncated_input,
            "position": p.position,
            "warnings": list(p.warnings),
            "display_start": p.display_range[0] if p.display_range else None,
            "display_end": p.display_range[1] if p.display_range else None,
            "edit_history_ids": list(p.edit_history),
            "edited": len(p.edit_history) > 1 if p.edit_history else None,
            "withheld_in": list(p.withheld_in),
            "media": [_media(m) for m in p.entities.media] if p.entities else [],
        }


def _media(m: dict[str, Any]) -> dict[str, Any]:
    kind = m.get("type")
    return {"type": kind if kind in MEDIA_TYPES else None,
            "url": m.get("url") or m.get("preview_url"),
            "alt_text": m.get("alt_text"),
            "expanded_url": m.get("expanded_url")}
