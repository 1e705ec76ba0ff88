"""Every supported input format normalizes to the canonical Post (fixtures in tests/fixtures/io)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from enrich.errors import ErrorRecord
from enrich.io import CsvRow, normalize
from enrich.post import Post

from ..conftest import FIXTURES

IO = FIXTURES / "io"


def lines(name: str) -> list[Any]:
    return [orjson.loads(line) for line in (IO / name).read_bytes().splitlines() if line.strip()]


def one(record: Any) -> Post:
    out = normalize(record, 0)
    assert len(out) == 1 and isinstance(out[0], Post), out
    return out[0]


def spans_index_text(post: Post) -> None:
    ents = post.entities
    if ents is None:
        return
    for span in [*ents.hashtags, *ents.mentions, *ents.cashtags, *ents.urls]:
        assert post.text[span.start:span.end] == span.text, (span, post.text)
    for m in ents.media:
        if "start" in m:
            assert 0 <= m["start"] < m["end"] <= len(post.text)


@pytest.fixture(scope="module")
def v1() -> list[Any]:
    return lines("v1.jsonl")


def test_v1_extended_unescapes_and_remaps_offsets(v1: list[Any]) -> None:
    post = one(v1[0])
    assert post.source_format == "twitter_v1"
    assert "Fish & chips <3" in post.text and "&amp;" not in post.text
    spans_index_text(post)
    assert post.entities is not None
    assert [h.text for h in post.entities.hashtags] == ["#FridayFeast"]
    assert [c.text for c in post.entities.cashtags] == ["$FISH"]
    assert post.entities.mentions[0].screen_name == "harbour_cat"
    assert post.entities.mentions[0].user_id == "501"
    url = post.entities.urls[0]
    assert url.url == "https://t.co/LnK0000001"
    assert url.expanded_url == "https://pier.example.com/menu?day=fri"
    media = post.entities.media[0]
    assert media["type"] == "photo" and media["alt_text"].startswith("A paper cone")
    assert post.text[media["start"]:media["end"]] == "https://t.co/MeD1a00001"
    # the display range skips the reply prefix and the trailing media link, after unescaping
    assert post.display_range is not None
    a, b = post.display_range
    assert post.text[a:].startswith("Fish & chips") and post.text[:b].endswith("$FISH https://t.co/LnK0000001")


def test_v1_fields(v1: list[Any]) -> None:
    post = one(v1[0])
    assert post.id == "1271111111111111111"
    assert post.kind == "reply"
    assert post.reference("replied_to") is not None
    assert post.reference("replied_to").id == "1270000000000000001"  # type: ignore[union-attr]
    assert post.in_reply_to_screen_name == "harbour_cat" and post.in_reply_to_user_id == "501"
    assert post.created_at == datetime(2020, 6, 12, 18, 30, 5, tzinfo=UTC)
    assert post.coordinates == (-1.8808, 50.7192)  # from ``geo`` (lat, lon), swapped
    assert post.place is not None and post.place.country_code == "GB"
    assert post.place.bbox == (-1.95, 50.70, -1.80, 50.76)
    assert post.source == "Example for Phones"
    assert post.possibly_sensitive is False
    assert post.metrics is not None and post.metrics.like_count == 19 and post.metrics.quote_count == 1
    assert post.withheld_in == ["XY"]
    author = post.author
    assert author is not None and author.screen_name == "PierWalker" and author.id == "700001"
    assert author.url == "https://pierwalker.example.org"
    assert author.following_count == 80 and author.posts_count == 2300 and author.likes_count == 450
    assert author.created_at == datetime(2015, 3, 2, 8, 15, tzinfo=UTC)
    assert author.description == "Bakes bread & writes code. More at https://t.co/AbCdEf1234"
    durl = author.description_urls[0]
    assert author.description[durl.start:durl.end] == "https://t.co/AbCdEf1234"
    assert not post.warnings


def test_v1_compat_truncated_is_flagged(v1: list[Any]) -> None:
    post = one(v1[1])
    assert post.truncated_input is True
    assert post.text.endswith("https://t.co/TrUnC00001")
    assert any("truncated" in w for w in post.warnings)
    spans_index_text(post)


def test_v1_streaming_uses_extended_tweet(v1: list[Any]) -> None:
    post = one(v1[2])
    assert post.truncated_input is False
    assert post.text.endswith("check @coastwatch before leaving")
    assert "tide tables & moon" in post.text
    assert post.coordinates == (-4.1427, 50.3755)  # GeoJSON ``coordinates`` wins over ``geo``
    assert post.entities is not None and [m.screen_name for m in post.entities.mentions] == ["coastwatch"]
    spans_index_text(post)
    assert post.author is not None and post.author.verified is True


def test_v1_retweet_takes_full_text_from_retweeted_status(v1: list[Any]) -> None:
    post = one(v1[3])
    assert post.kind == "retweet"
    assert post.text.startswith("RT @GreenPlots: Our community garden")
    assert post.text.endswith("#GrowLocal https://t.co/QuOtE00001")
    assert "…" not in post.text
    spans_index_text(post)
    assert post.entities is not None
    assert post.entities.mentions[0].text == "@GreenPlots"
    assert post.entities.mentions[0].user_id == "700005"
    ref = post.reference("retweeted")
    assert ref is not None and ref.id == "1269555555555555555"
    assert ref.post is not None and ref.post.kind == "quote" and ref.post.author is not None
    assert ref.post.author.screen_name == "GreenPlots"
    # the top level names the quoted post by id only; it is found inside the retweeted post
    quoted = post.reference("quoted")
    assert quoted is not None and quoted.post is not None
    assert quoted.post.text.startswith("Volunteers wanted")
    assert not post.warnings


def test_v1_quote_without_quoted_status_warns() -> None:
    post = one({"id_str": "5", "full_text": "quoting something", "quoted_status_id_str": "4",
                "is_quote_status": True, "user": {"id_str": "1", "screen_name": "q"}})
    assert post.kind == "quote"
    assert post.reference("quoted").id == "4"  # type: ignore[union-attr]
    assert any("quoted post 4" in w for w in post.warnings)


def test_v1_ids_never_go_through_floats() -> None:
    post = one({"id": 1271111111111111111, "text": "big id", "truncated": False})
    assert post.id == "1271111111111111111"
    assert one({"id": 12, "id_str": "1271111111111111111", "text": "x", "truncated": False}).id == \
        "1271111111111111111"


def test_v1_bad_coordinates_are_dropped() -> None:
    post = one({"id_str": "1", "text": "x", "truncated": False,
                "coordinates": {"type": "Point", "coordinates": [500, 91]},
                "geo": {"coordinates": ["a", None]}})
    assert post.coordinates is None


@pytest.fixture(scope="module")
def page_posts() -> list[Post | ErrorRecord]:
    return normalize(lines("v2_pages.jsonl")[0], 3, "pages.jsonl")


def test_v2_page_yields_one_post_per_item(page_posts: list[Post | ErrorRecord]) -> None:
    assert [type(p) for p in page_posts] == [Post] * 4
    posts = [p for p in page_posts if isinstance(p, Post)]
    assert [p.kind for p in posts] == ["retweet", "quote", "reply", "reply"]
    assert all(p.position == 3 and p.source_format == "twitter_v2" for p in posts)
    for p in posts:
        spans_index_text(p)
        assert isinstance(p.raw, dict) and p.raw["id"] == p.id  # each post's own object


def test_v2_retweet_expanded(page_posts: list[Post | ErrorRecord]) -> None:
    rt = page_posts[0]
    assert isinstance(rt, Post)
    assert rt.text == ("RT @isle_news: Ferry fares drop on Monday for residents of the three islands, "
                       "details at https://t.co/FaRe000001")
    assert rt.author is not None and rt.author.screen_name == "deck_hand"
    assert rt.author.description == "Ropes, knots & tides"
    ref = rt.reference("retweeted")
    assert ref is not None and ref.post is not None and ref.post.author is not None
    assert ref.post.author.screen_name == "isle_news" and ref.post.author.verified_type == "business"
    assert rt.entities is not None
    url = rt.entities.urls[0]
    assert url.unwound_url == "https://isle-news.example/2021/fares-drop" and url.status == 200
    assert rt.edit_history == ["1400000000000000001"]


def test_v2_quote_media_place_metrics(page_posts: list[Post | ErrorRecord]) -> None:
    q = page_posts[1]
    assert isinstance(q, Post)
    assert q.text == "Look at this view >> #islandlife https://t.co/PhOtO00002"
    assert q.entities is not None and [h.text for h in q.entities.hashtags] == ["#islandlife"]
    assert q.entities.urls == []  # the media link is media, as in v1
    media = q.entities.media[0]
    assert media["type"] == "photo" and media["alt_text"] == "Cliffs at dusk" and media["width"] == 1600
    assert q.text[media["start"]:media["end"]] == "https://t.co/PhOtO00002"
    assert q.place is not None and q.place.full_name == "Portree, Scotland"
    assert q.place.bbox == (-6.21, 57.40, -6.18, 57.42)
    assert q.coordinates == (-6.32, 57.41)
    assert q.metrics is not None and q.metrics.impression_count == 340 and q.metrics.bookmark_count == 1
    assert q.edit_history == ["1399999999999999990", "1400000000000000002"]
    assert q.withheld_in == ["ZZ"]
    assert q.author is not None and q.author.url == "https://isle-news.example"


def test_v2_note_tweet_and_same_page_reply(page_posts: list[Post | ErrorRecord]) -> None:
    note = page_posts[2]
    assert isinstance(note, Post)
    assert note.text.endswith("see #ferries") and len(note.text) > 280
    assert note.truncated_input is False
    assert note.entities is not None and note.entities.hashtags[0].text == "#ferries"
    ref = note.reference("replied_to")
    assert ref is not None and ref.post is not None and ref.post.id == "1400000000000000002"
    assert note.in_reply_to_screen_name == "isle_news"
    assert not note.warnings


def test_v2_missing_expansions_are_counted_not_fatal(page_posts: list[Post | ErrorRecord]) -> None:
    orphan = page_posts[3]
    assert isinstance(orphan, Post)
    assert orphan.author is not None and orphan.author.id == "800404" and orphan.author.screen_name is None
    assert len(orphan.warnings) == 2
    assert any("suspended" in w for w in orphan.warnings)  # the page's errors say why
    assert orphan.reference("replied_to").post is None  # type: ignore[union-attr]


def test_v2_pages_without_posts_are_error_records() -> None:
    pages = lines("v2_pages.jsonl")
    users, counts = normalize(pages[1], 1), normalize(pages[2], 2)
    assert isinstance(users[0], ErrorRecord) and users[0].code == "E105" and "user" in users[0].message
    assert isinstance(counts[0], ErrorRecord) and "count" in counts[0].message
    empty = normalize({"data": [], "meta": {"result_count": 0}}, 7)
    assert isinstance(empty[0], ErrorRecord) and empty[0].position == 7
    assert len(normalize({"data": [], "errors": [{"title": "Not Found Error"}]}, 0)) == 1


def test_v2_single_post_lookup_page() -> None:
    out = normalize({"data": {"id": "9", "text": "one", "author_id": "1"},
                     "includes": {"users": [{"id": "1", "username": "solo"}]}}, 0)
    assert len(out) == 1 and isinstance(out[0], Post)
    assert out[0].author is not None and out[0].author.screen_name == "solo"


def test_text_record_with_a_data_field_is_not_a_page() -> None:
    post = one({"text": "mine", "data": {"score": 1}})
    assert post.source_format == "text" and post.text == "mine"


def test_v2_flattened_post() -> None:
    post = one(lines("v2_flat.jsonl")[0])
    assert post.source_format == "twitter_v2_flat"
    assert post.author is not None and post.author.screen_name == "flat_earth_map"
    assert post.author.listed_count == 4
    assert post.place is not None and post.place.name == "Oban" and post.place.bbox is not None
    quoted = post.reference("quoted")
    assert quoted is not None and quoted.post is not None
    assert quoted.post.author is not None and quoted.post.author.screen_name == "quoted_one"
    spans_index_text(post)


def test_v2_bare_post() -> None:
    post = one({"id": "3", "text": "edit me", "edit_history_tweet_ids": ["3"]})
    assert post.source_format == "twitter_v2" and post.edit_history == ["3"]


def test_activity_streams() -> None:
    post_rec, share_rec = lines("activity_streams.jsonl")
    post = one(post_rec)
    assert post.source_format == "activity_streams"
    assert post.id == "1271555555555555555"
    assert post.text == "Trying the new bakery on Mill Lane & it is great #bread"
    spans_index_text(post)
    assert post.kind == "reply" and post.reference("replied_to").id == "1271500000000000000"  # type: ignore[union-attr]
    assert post.coordinates == (-2.05, 52.02)
    assert post.place is not None and post.place.country_code == "GB" and post.place.id == "0f0f0f0f0f0f0f0f"
    assert post.author is not None and post.author.id == "700010" and post.author.utc_offset == 3600
    assert post.author.url == "https://crumb.example" and post.author.description == "Loaves & fishes"
    assert post.source == "Example for Tablets"
    assert post.metrics is not None and post.metrics.like_count == 4
    share = one(share_rec)
    assert share.kind == "retweet"
    assert share.text == "RT @CrumbTrail: Trying the new bakery on Mill Lane & it is great #bread"
    spans_index_text(share)


def test_tweets_js_items() -> None:
    import re

    body = (IO / "tweets.js").read_text(encoding="utf-8")
    items = orjson.loads(re.sub(r"^window\.YTD\.tweets\.part0 = ", "", body))
    first, second = one(items[0]), one(items[1])
    assert first.source_format == "tweets_js" and first.raw == items[0]
    assert first.metrics is not None and first.metrics.like_count == 3  # archive counts are strings
    assert first.entities is not None and first.entities.hashtags[0].text == "#sourdough"
    assert first.source == "Example Web App"
    assert first.display_range == (0, 42)
    assert second.kind == "reply" and second.in_reply_to_screen_name == "friend_of_mine"
    assert not second.warnings  # the archive has no user object, and that is normal


def test_plain_text_and_text_records() -> None:
    post = one("just words")
    assert post.text == "just words" and post.source_format == "text" and post.raw == {"text": "just words"}
    rec = one({"text": "with id", "id": 17, "lang": "fr", "created_at": "2020-01-02T03:04:05+01:00"})
    assert rec.id == "17" and rec.lang == "fr"
    assert rec.created_at == datetime(2020, 1, 2, 2, 4, 5, tzinfo=UTC)
    # HTML in user text is left alone: only platform formats are escaped
    assert one("fish &amp; chips").text == "fish &amp; chips"


def test_csv_rows() -> None:
    post = one(CsvRow({"Tweet_ID": "5", "Content": "from a table", "Date": "1577934245", "Username": "@me"}))
    assert post.source_format == "csv" and post.id == "5" and post.text == "from a table"
    assert post.created_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert post.author is not None and post.author.screen_name == "me"
    missing = normalize(CsvRow({"a": "1", "b": "2"}), 4)
    assert isinstance(missing[0], ErrorRecord) and missing[0].code == "E107" and "a, b" in missing[0].message


@pytest.mark.parametrize(("record", "code"), [
    ([1, 2], "E102"),
    (None, "E102"),
    (3.5, "E102"),
    ({}, "E103"),
    ({"foo": 1, "bar": {"baz": 2}}, "E103"),
    ({"text": 5}, "E106"),
    ({"id_str": "1", "user": {}}, "E104"),
    ({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, "E110"),
    ({"delete": {"status": {"id": 1}}}, "E111"),
    ({"action": "suspend", "id": "3", "reason": "x", "created_at": "2020-01-01T00:00:00Z"}, "E111"),
    (b"\xff\xfe", "E109"),
])
def test_unrecognized_records_are_error_records(record: Any, code: str) -> None:
    out = normalize(record, 11, "in.jsonl")
    assert len(out) == 1 and isinstance(out[0], ErrorRecord), out
    err = out[0]
    assert err.code == code and err.position == 11 and err.source == "in.jsonl"
    assert err.message


def test_error_records_carry_the_id_when_known() -> None:
    err = normalize({"id_str": "77", "user": {"screen_name": "x"}}, 0)[0]
    assert isinstance(err, ErrorRecord) and err.id == "77"
    assert err.to_dict()["error"]["id"] == "77"


def test_reader_errors_pass_through() -> None:
    from enrich.errors import ErrorCode

    err = ErrorRecord(ErrorCode.INVALID_JSON, detail="x")
    assert normalize(err, 5) == [err] and err.position == 5


def test_html_escapes_in_entities_before_and_inside() -> None:
    # indices count the escaped text: "&lt;&lt;" is 8 code points before the hashtag
    rec = {"id_str": "1", "truncated": False, "user": {"id_str": "2"},
           "text": "&lt;&lt; #a &amp; @b_c &gt; $XY \U0001F600 #d",
           "entities": {"hashtags": [{"text": "a", "indices": [9, 11]}, {"text": "d", "indices": [34, 36]}],
                        "user_mentions": [{"screen_name": "b_c", "indices": [18, 22]}],
                        "symbols": [{"text": "XY", "indices": [28, 31]}], "urls": []}}
    post = one(rec)
    assert post.text == "<< #a & @b_c > $XY \U0001F600 #d"
    assert post.entities is not None
    got = [s.text for s in [*post.entities.hashtags, *post.entities.mentions, *post.entities.cashtags]]
    assert got == ["#a", "#d", "@b_c", "$XY"]
    assert not post.warnings
    spans_index_text(post)


def test_many_misplaced_entities_cost_bounded_work() -> None:
    from enrich.io.entities import MAX_SEARCHES, MAX_WARNINGS

    text = "x" * 50_000 + " #real"
    tags = [{"text": f"t{i}", "indices": [0, 3]} for i in range(2_000)]
    tags.append({"text": "real", "indices": [1, 6]})
    post = one({"id_str": "1", "truncated": False, "user": {"id_str": "2"}, "full_text": text,
                "entities": {"hashtags": tags}})
    assert post.entities is not None and post.entities.hashtags == []  # the search budget ran out
    assert len(post.warnings) == MAX_WARNINGS
    assert MAX_SEARCHES < 2_000


def test_unescape_offset_map() -> None:
    from enrich.io.entities import unescape

    text, remap = unescape("a &amp; b &lt;c&gt; d")
    assert text == "a & b <c> d"
    assert remap is not None
    assert [remap(i) for i in (0, 2, 7, 8, 10, 14, 15, 19, 20, 21)] == [0, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert unescape("no entities here") == ("no entities here", None)
    assert unescape("AT&T &copy2020")[0] == "AT&T &copy2020"  # only what the platforms escape


def test_misplaced_entities_are_relocated_or_dropped() -> None:
    # UTF-16 offsets (an astral emoji counted twice) are off by one: found again nearby
    rec = {"id_str": "1", "truncated": False, "user": {"id_str": "2"}, "text": "\U0001F600 #tag and #gone",
           "entities": {"hashtags": [{"text": "tag", "indices": [3, 7]},
                                     {"text": "missing", "indices": [0, 4]}]}}
    post = one(rec)
    assert post.entities is not None and [h.text for h in post.entities.hashtags] == ["#tag"]
    assert post.entities.hashtags[0].start == 2
    assert any("missing" in w for w in post.warnings)
