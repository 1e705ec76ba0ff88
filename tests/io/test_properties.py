"""Property tests: untrusted input never escapes ``normalize`` as an exception, and every entity
span indexes ``post.text`` exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from enrich.errors import ErrorRecord
from enrich.io import CsvRow, normalize
from enrich.post import Post

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(json_scalars, lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(st.text(max_size=12), kids, max_size=5), max_leaves=25)

# keys the adapters look at, so generated objects reach deep into every adapter
KEYS = ["id", "id_str", "text", "full_text", "truncated", "entities", "extended_entities", "extended_tweet",
        "display_text_range", "retweeted_status", "quoted_status", "quoted_status_id_str", "user", "place",
        "coordinates", "geo", "created_at", "in_reply_to_status_id_str", "source", "data", "includes",
        "errors", "author_id", "author", "referenced_tweets", "note_tweet", "attachments", "public_metrics",
        "verb",
        "body", "actor", "object", "long_object", "twitter_entities", "tweet", "edit_history_tweet_ids",
        "withheld", "location", "hashtags", "user_mentions", "urls", "symbols", "media", "indices",
        "start", "end", "tag", "username", "screen_name", "url", "mentions", "cashtags", "users", "tweets",
        "media_keys", "media_key", "type", "coordinates", "bounding_box", "inReplyTo", "postedTime"]
tweetish = st.recursive(
    json_scalars | st.text(alphabet="ab#@$&;amplgt :/.\U0001F600\u00e9", max_size=30),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.sampled_from(KEYS), kids, max_size=6),
    max_leaves=40)

# a small tweet whose entity indices are arbitrary, over text full of escapes and astral chars
entity = st.fixed_dictionaries({"indices": st.lists(st.integers(-3, 60), min_size=2, max_size=2),
                                "text": st.text(alphabet="ab#", max_size=3),
                                "screen_name": st.text(alphabet="ab_", max_size=3),
                                "url": st.sampled_from(["https://t.co/x", "ab", ""])})
v1_tweet = st.fixed_dictionaries({
    "id_str": st.text(alphabet="0123456789", min_size=1, max_size=5),
    "full_text": st.text(alphabet="ab #@$&;amplgt\U0001F600https://t.co/x", max_size=60),
    "entities": st.fixed_dictionaries({k: st.lists(entity, max_size=3)
                                       for k in ("hashtags", "user_mentions", "symbols", "urls")}),
})
v2_tweet = st.fixed_dictionaries({
    "id": st.text(alphabet="0123456789", min_size=1, max_size=5),
    "text": st.text(alphabet="ab #@$&;amplgt\U0001F600https://t.co/x", max_size=60),
    "author_id": st.just("1"),
    "entities": st.fixed_dictionaries({k: st.lists(st.fixed_dictionaries({
        "start": st.integers(-3, 60), "end": st.integers(-3, 60), "tag": st.text(alphabet="ab", max_size=3),
        "username": st.text(alphabet="ab", max_size=3), "url": st.sampled_from(["https://t.co/x", "ab"])}),
        max_size=3) for k in ("hashtags", "mentions", "cashtags", "urls")}),
})


def check(out: list[Post | ErrorRecord]) -> None:
    assert out, "normalize returned nothing"
    for item in out:
        assert isinstance(item, Post | ErrorRecord)
        if isinstance(item, ErrorRecord):
            assert item.code != "E112", item.message  # an adapter bug, not a bad record
            assert item.message
            continue
        assert isinstance(item.text, str)
        for ref in item.references:
            if ref.post is not None:
                check([ref.post])
        ents = item.entities
        if ents is None:
            continue
        for span in [*ents.hashtags, *ents.mentions, *ents.cashtags, *ents.urls]:
            assert item.text[span.start:span.end] == span.text
            assert 0 <= span.start < span.end <= len(item.text)
        for m in ents.media:
            if "start" in m:
                assert 0 <= m["start"] < m["end"] <= len(item.text)
        if item.display_range is not None:
            assert 0 <= item.display_range[0] <= item.display_range[1] <= len(item.text)
        if item.coordinates is not None:
            lon, lat = item.coordinates
            assert -180 <= lon <= 180 and -90 <= lat <= 90


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(json_values)
def test_arbitrary_json(value: Any) -> None:
    check(normalize(value, 0))


@FAST
@given(tweetish)
def test_tweet_shaped_json(value: Any) -> None:
    check(normalize(value, 0))
    check(normalize({"data": [value], "includes": {"tweets": [value]}}, 0))


@FAST
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    out = normalize(text, 3)
    assert len(out) == 1 and isinstance(out[0], Post) and out[0].text == text and out[0].position == 3


@FAST
@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20) | st.none(), max_size=6))
def test_arbitrary_csv_rows(row: dict[str, Any]) -> None:
    check(normalize(CsvRow(row), 0))


@FAST
@given(v1_tweet)
def test_v1_entity_spans_index_text(tweet: dict[str, Any]) -> None:
    check(normalize(tweet, 0))
    check(normalize({"id_str": "9", "full_text": "RT @x: y", "retweeted_status": tweet}, 0))


@FAST
@given(v2_tweet)
def test_v2_entity_spans_index_text(tweet: dict[str, Any]) -> None:
    check(normalize({"data": [tweet], "includes": {"users": [{"id": "1", "username": "u"}]}}, 0))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
       st.sampled_from(["auto", "jsonl", "json", "csv", "tsv", "tweets_js", "text"]))
@example(b"\x00\r\t", "auto")  # a tab, after a lone carriage return, in the sniffed first line
@example(b"id\ttext\r1\thello\r", "auto")  # a TSV with old Mac line ends (a lone "\r" each)
def test_reader_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    from enrich.io import read_records

    positions = []
    for pos, rec in read_records(path, fmt, max_record_bytes=1024):
        positions.append(pos)
        check(normalize(rec, pos))
    assert positions == sorted(positions)
