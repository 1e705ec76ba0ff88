"""The ``post`` family: identity and references of the normalized post, whatever the format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from enrich import Enricher

from ..conftest import CORPUS


@pytest.fixture(scope="module")
def enricher() -> Iterator[Enricher]:
    e = Enricher(families=["post"])
    yield e
    e.close()


@pytest.fixture(scope="module")
def outputs(enricher: Enricher) -> list[dict[str, Any]]:
    lines = (CORPUS / "formats.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines if line.strip()]
    return list(enricher.enrich_many(records))


def by_id(outputs: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    return next(o["enrichment"]["post"] for o in outputs if o["enrichment"]["post"]["id"] == ident)


def test_every_format_is_read(outputs: list[dict[str, Any]]) -> None:
    formats = {o["enrichment"]["post"]["source_format"] for o in outputs}
    assert formats == {"twitter_v1", "twitter_v2", "twitter_v2_flat", "activity_streams", "tweets_js", "text"}


def test_reply_fields(outputs: list[dict[str, Any]]) -> None:
    p = by_id(outputs, "1271111111111111111")
    assert p["kind"] == "reply" and p["reply_to_id"] == "1270000000000000001"
    assert p["reply_to_screen_name"] == "harbour_cat" and p["reply_to_user_id"] == "501"
    assert p["created_at"] == "2020-06-12T18:30:05Z"
    assert p["source_app"] == "Example for Phones" and p["declared_language"] == "en"
    assert p["author_id"] == "700001" and p["withheld_in"] == ["XY"]
    assert p["text"][p["display_start"]:].startswith("Fish & chips")
    assert p["media"] == [{"type": "photo", "url": "https://pbs.example/media/chips.jpg",
                           "alt_text": "A paper cone of chips beside a harbour wall",
                           "expanded_url": "https://example.com/u/photo/1"}]


def test_retweet_and_quote_targets(outputs: list[dict[str, Any]]) -> None:
    rt = by_id(outputs, "1270444444444444444")
    assert rt["kind"] == "retweet" and rt["retweeted_id"] == "1269555555555555555"
    assert rt["quoted_id"] == "1269000000000000009"
    q = by_id(outputs, "1400000000000000002")
    assert q["kind"] == "quote" and q["quoted_id"] == "1399999999999999999"
    assert q["edited"] is True and q["edit_history_ids"] == ["1399999999999999990", "1400000000000000002"]
    assert q["conversation_id"] == "1400000000000000002" and q["possibly_sensitive"] is False


def test_page_posts_share_their_position_and_warn(outputs: list[dict[str, Any]]) -> None:
    posts = [o["enrichment"]["post"] for o in outputs]
    page = [p for p in posts if p["source_format"] == "twitter_v2"]
    assert len(page) == 4 and len({p["position"] for p in page}) == 1
    orphan = next(p for p in page if p["id"] == "1400000000000000004")
    assert orphan["warnings"] and orphan["edited"] is None


def test_truncated_input_flag(outputs: list[dict[str, Any]]) -> None:
    assert by_id(outputs, "1271222222222222222")["truncated_input"] is True
    assert by_id(outputs, "1271333333333333333")["truncated_input"] is False


def test_plain_text(enricher: Enricher) -> None:
    out = enricher.enrich("")["enrichment"]["post"]
    assert out["text"] == "" and out["kind"] == "original" and out["source_format"] == "text"
    assert out["media"] == [] and out["edited"] is None


def test_error_record_passes_through(enricher: Enricher) -> None:
    out = enricher.enrich({"no": "post"})
    assert out["error"]["code"] == "E103"
