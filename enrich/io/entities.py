"""Platform entities → :class:`~enrich.post.Entities` whose spans index ``Post.text`` exactly.

The platform's offsets count code points of the HTML-escaped text (``&amp;`` is five), while
``Post.text`` is unescaped; and some archives carry offsets that are off (UTF-16 counts, edits).
So offsets are first remapped through the unescaping, then checked against the entity's own
text, and an entity that does not sit where it says is looked for nearby; one that cannot be
found is dropped with a warning. The guarantee families rely on:
``span.text == post.text[span.start:span.end]`` for every span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from ..post import Entities, MentionEntity, Span, UrlEntity
from .fields import as_dict, as_list, as_str, str_id, to_int

# The platforms escape only these; html.unescape would also rewrite text such as "&copy2020".
_ESCAPED = re.compile(r"&(?:amp|lt|gt|quot|apos|#39|#x27);")
_UNESCAPE = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&#39;": "'",
             "&#x27;": "'"}
_SIGILS = {"hashtag": "#＃", "mention": "@＠", "cashtag": "$＄"}

OffsetMap = Callable[[int], int]


def unescape(text: str) -> tuple[str, OffsetMap | None]:
    """Unescape HTML entities; also return a map from escaped to unescaped offsets (None when
    nothing changed, the common case)."""
    if "&" not in text:
        return text, None
    ends: list[int] = []
    removed: list[int] = []
    total = 0
    for m in _ESCAPED.finditer(text):
        total += m.end() - m.start() - 1
        ends.append(m.end())
        removed.append(total)
    if not ends:
        return text, None
    out = _ESCAPED.sub(lambda m: _UNESCAPE[m.group()], text)

    def remap(i: int) -> int:
        k = bisect_right(ends, i)
        return i - removed[k - 1] if k else i

    return out, remap


def _fits(text: str, start: int, end: int, kind: str, expect: str | None, alt: str | None) -> bool:
    if not 0 <= start < end <= len(text):
        return False
    if expect is None:
        return kind not in _SIGILS or text[start] in _SIGILS[kind]
    piece = text[start:end]
    if kind in _SIGILS:
        rest = piece[1:]
        return piece[0] in _SIGILS[kind] and (rest == expect or rest.casefold() == expect.casefold())
    return piece in (expect, alt)


def _locate(text: str, start: int, kind: str, expect: str) -> tuple[int, int] | None:
    if kind in _SIGILS:
        pattern = re.compile(f"[{_SIGILS[kind]}]{re.escape(expect)}", re.IGNORECASE)
        found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    else:
        found = []
        i = text.find(expect)
        while i >= 0:
            found.append((i, i + len(expect)))
            i = text.find(expect, i + 1)
    if not found:
        return None
    return min(found, key=lambda se: abs(se[0] - start))


# A search costs a scan of the text: a hostile record with thousands of misplaced entities over
# a long text must not cost thousands of scans, nor thousands of warnings.
MAX_SEARCHES = 64
MAX_WARNINGS = 16


def display_range(drange: Any, remap: OffsetMap | None, text: str) -> tuple[int, int] | None:
    """The platform's ``display_text_range`` as offsets into the unescaped ``text``, if sane."""
    if not (isinstance(drange, list) and len(drange) == 2):
        return None
    a, b = to_int(drange[0]), to_int(drange[1])
    if a is None or b is None:
        return None
    if remap is not None:
        a, b = remap(a), remap(b)
    return (a, b) if 0 <= a <= b <= len(text) else None


class SpanPlacer:
    """Places entity spans on one text, collecting warnings for entities it has to drop."""

    __slots__ = ("dropped", "remap", "searches", "text", "warnings")

    def __init__(self, text: str, remap: OffsetMap | None, warnings: list[str]) -> None:
        self.text = text
        self.remap = remap
        self.warnings = warnings
        self.searches = 0
        self.dropped = 0

    def _drop(self, kind: str, expect: str | None) -> None:
        self.dropped += 1
        if self.dropped < MAX_WARNINGS:
            self.warnings.append(f"dropped {kind} entity {(expect or '')[:60]!r}: not found in the text")
        elif self.dropped == MAX_WARNINGS:
            self.warnings.append("dropped further entities not found in the text")

    def place(self, start: Any, end: Any, kind: str, expect: str | None,
              alt: str | None = None) -> tuple[int, int] | None:
        """Where the entity sits in the text; ``alt`` is a second acceptable spelling (a link
        shown as its display text, as in the platform's own notices)."""
        if type(start) is int and type(end) is int and self.remap is None and \
                _fits(self.text, start, end, kind, expect, alt):
            return start, end
        s, e = to_int(start), to_int(end)
        if s is not None and e is not None:
            if self.remap is not None:
                s, e = self.remap(s), self.remap(e)
            if _fits(self.text, s, e, kind, expect, alt):
                return s, e
        for want in (expect, alt):
            if want and self.searches < MAX_SEARCHES:
                self.searches += 1
                got = _locate(self.text, s or 0, kind, want)
                if got is not None:
                    return got
        self._drop(kind, expect)
        return None

    def place_indices(self, ent: dict[str, Any], kind: str, expect: str | None,
                      alt: str | None = None) -> tuple[int, int] | None:
        idx = ent.get("indices")
        if type(idx) is list and len(idx) == 2:
            s, e = idx
            # fast path: int offsets into text that needed no unescaping, entity where it says
            if type(s) is int and type(e) is int and self.remap is None and \
                    _fits(self.text, s, e, kind, expect, alt):
                return s, e
            return self.place(s, e, kind, expect, alt)
        return self.place(None, None, kind, expect, alt)


def _url_entity(se: tuple[int, int], text: str, u: dict[str, Any]) -> UrlEntity:
    unwound = as_dict(u.get("unwound")) or {}
    return UrlEntity(
        se[0], se[1], text[se[0]:se[1]], url=as_str(u.get("url")) or text[se[0]:se[1]],
        expanded_url=as_str(u.get("expanded_url")), display_url=as_str(u.get("display_url")),
        unwound_url=as_str(u.get("unwound_url")) or as_str(unwound.get("url")),
        title=as_str(u.get("title")) or as_str(unwound.get("title")),
        description=as_str(u.get("description")) or as_str(unwound.get("description")),
        status=to_int(u.get("status")) or to_int(unwound.get("status")))


def media_dict(m: dict[str, Any], se: tuple[int, int] | None = None) -> dict[str, Any]:
    """One media item, v1 or v2, in a single shape (keys with no value left out)."""
    metrics = as_dict(m.get("public_metrics")) or {}
    sizes = as_dict(m.get("original_info")) or {}
    video = as_dict(m.get("video_info")) or {}
    out: dict[str, Any] = {
        "id": str_id(m.get("id_str")) or str_id(m.get("id")) or str_id(m.get("media_key")),
        "media_key": as_str(m.get("media_key")),
        "type": as_str(m.get("type")),
        "url": as_str(m.get("media_url_https")) or as_str(m.get("media_url")) or (
            as_str(m.get("url")) if "media_key" in m else None),
        "preview_url": as_str(m.get("preview_image_url")),
        "tco": as_str(m.get("url")) if "media_key" not in m else None,
        "expanded_url": as_str(m.get("expanded_url")),
        "display_url": as_str(m.get("display_url")),
        "width": to_int(m.get("width")) or to_int(sizes.get("width")),
        "height": to_int(m.get("height")) or to_int(sizes.get("height")),
        "alt_text": as_str(m.get("alt_text")) or as_str(m.get("ext_alt_text")),
        "duration_ms": to_int(m.get("duration_ms")) or to_int(video.get("duration_millis")),
        "view_count": to_int(metrics.get("view_count")),
    }
    if se is not None:
        out["start"], out["end"] = se
    return {k: v for k, v in out.items() if v is not None}


def v1_entities(ents: Any, ext_ents: Any, placer: SpanPlacer) -> Entities | None:
    """v1.1 / Activity Streams / X archive entities (``indices`` pairs)."""
    ents, ext_ents = as_dict(ents), as_dict(ext_ents)
    if ents is None and ext_ents is None:
        return None
    ents = ents or {}
    text = placer.text
    out = Entities()
    for h in as_list(ents.get("hashtags")):
        if isinstance(h, dict) and (se := placer.place_indices(h, "hashtag", as_str(h.get("text")))):
            out.hashtags.append(Span(se[0], se[1], text[se[0]:se[1]]))
    for h in as_list(ents.get("symbols")):
        if isinstance(h, dict) and (se := placer.place_indices(h, "cashtag", as_str(h.get("text")))):
            out.cashtags.append(Span(se[0], se[1], text[se[0]:se[1]]))
    for m in as_list(ents.get("user_mentions")):
        if isinstance(m, dict):
            name = as_str(m.get("screen_name"))
            if se := placer.place_indices(m, "mention", name):
                out.mentions.append(MentionEntity(
                    se[0], se[1], text[se[0]:se[1]], screen_name=name or text[se[0] + 1:se[1]],
                    user_id=str_id(m.get("id_str")) or str_id(m.get("id")), name=as_str(m.get("name"))))
    for u in as_list(ents.get("urls")):
        if isinstance(u, dict) and (se := placer.place_indices(u, "url", as_str(u.get("url")),
                                                               as_str(u.get("display_url")))):
            out.urls.append(_url_entity(se, text, u))
    media = as_list((ext_ents or {}).get("media")) or as_list(ents.get("media"))
    for m in media:
        if isinstance(m, dict):
            # media links usually close the text and are often cut off it (display range): keep
            # the item, with offsets only when its link is really in the text
            se = None
            url = as_str(m.get("url"))
            if url and url in text:
                se = placer.place_indices(m, "url", url)
            out.media.append(media_dict(m, se))
    return out


def v2_entities(ents: Any, placer: SpanPlacer, media_for: Callable[[str], dict[str, Any] | None]
                ) -> Entities | None:
    """v2 entities (``start``/``end``); URL entities that point at attached media become media."""
    ents = as_dict(ents)
    if ents is None:
        return None
    text = placer.text
    out = Entities()
    for h in as_list(ents.get("hashtags")):
        if isinstance(h, dict) and (se := placer.place(h.get("start"), h.get("end"), "hashtag",
                                                       as_str(h.get("tag")))):
            out.hashtags.append(Span(se[0], se[1], text[se[0]:se[1]]))
    for h in as_list(ents.get("cashtags")):
        if isinstance(h, dict) and (se := placer.place(h.get("start"), h.get("end"), "cashtag",
                                                       as_str(h.get("tag")))):
            out.cashtags.append(Span(se[0], se[1], text[se[0]:se[1]]))
    for m in as_list(ents.get("mentions")):
        if isinstance(m, dict):
            name = as_str(m.get("username"))
            if se := placer.place(m.get("start"), m.get("end"), "mention", name):
                out.mentions.append(MentionEntity(se[0], se[1], text[se[0]:se[1]],
                                                  screen_name=name or text[se[0] + 1:se[1]],
                                                  user_id=str_id(m.get("id"))))
    for u in as_list(ents.get("urls")):
        if not isinstance(u, dict):
            continue
        se = placer.place(u.get("start"), u.get("end"), "url", as_str(u.get("url")),
                          as_str(u.get("display_url")))
        if se is None:
            continue
        key = as_str(u.get("media_key"))
        if key:
            item = media_for(key) or {"media_key": key}
            out.media.append(media_dict({**item, "expanded_url": u.get("expanded_url"),
                                         "display_url": u.get("display_url")}, se))
        else:
            out.urls.append(_url_entity(se, text, u))
    return out


def shift(ents: Entities | None, by: int) -> Entities:
    """Entities of a retweeted post moved behind the ``RT @name: `` prefix of the retweet."""
    out = Entities()
    if ents is None:
        return out
    # explicit constructors: dataclasses.replace costs more than the rest of the retweet
    out.hashtags = [Span(s.start + by, s.end + by, s.text) for s in ents.hashtags]
    out.cashtags = [Span(s.start + by, s.end + by, s.text) for s in ents.cashtags]
    out.mentions = [MentionEntity(s.start + by, s.end + by, s.text, screen_name=s.screen_name,
                                  user_id=s.user_id, name=s.name) for s in ents.mentions]
    out.urls = [UrlEntity(s.start + by, s.end + by, s.text, url=s.url, expanded_url=s.expanded_url,
                          display_url=s.display_url, unwound_url=s.unwound_url, title=s.title,
                          description=s.description, status=s.status) for s in ents.urls]
    out.media = [({**m, "start": m["start"] + by, "end": m["end"] + by} if "start" in m else dict(m))
                 for m in ents.media]
    return out
