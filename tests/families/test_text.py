"""The text family: twitter-text conformance, hand-written cases, and arbitrary Unicode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.families._text.conformance import Report, run
from enrich.families._text.features import emoji_hits, emoticons, money, parse_amount, script_counts
from enrich.families._text.twitter_text import (
    extract_cashtags,
    extract_hashtags,
    extract_mentions,
    extract_reply,
    extract_urls,
)
from enrich.families._text.weighted_length import weighted_length
from enrich.families.text import text_features
from enrich.post import Entities, MentionEntity, Post, Span, UrlEntity

# -- twitter-text conformance (development data) ---------------------------------------------------


@pytest.fixture(scope="module")
def conformance(shared_data: Path) -> Report:
    folder = shared_data / "twitter_text_conformance"
    if not (folder / "extract.yml").is_file():
        pytest.skip("twitter-text conformance files not present")
    report = Report()
    for name in ("extract.yml", "tlds.yml", "validate.yml"):
        if (folder / name).is_file():
            run(folder / name, report)
    return report


@pytest.mark.parametrize("category", ["hashtag", "mention", "cashtag", "url"])
def test_extract_conformance(conformance: Report, category: str) -> None:
    rate = conformance.rate(category)
    print(f"twitter-text {category}: {conformance.passed.get(category, 0)}/{conformance.total[category]}"
          f" = {rate:.1%}")
    failures = [f for f in conformance.failures if f[0].startswith(category)]
    assert rate >= 0.98, failures[:5]


def test_tld_and_weighted_length_conformance(conformance: Report) -> None:
    for category in ("tld", "weighted_length", "reply"):
        assert conformance.total.get(category), f"no {category} cases ran"
        assert conformance.rate(category) >= 0.98, [f for f in conformance.failures][:5]


# -- hand-written extraction cases ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("I love #python and #Rust!", ["python", "Rust"]),
    ("#1 is not a tag but #1st is", ["1st"]),
    ("no tag in a&#39;b or in foo#bar", []),
    ("full width ＃日本語 tag", ["日本語"]),
    ("keycap #️⃣ is an emoji", []),
    ("see https://example.com/#anchor", []),
    ("#tag1#tag2", []),  # a tag followed by another sign is not a tag
])
def test_hashtags(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_hashtags(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("@alice hi @bob_2", ["alice", "bob_2"]),
    ("mail me at me@example.com", []),
    ("RT@carol: yes", ["carol"]),
    ("@a_name_that_is_way_too_long", ["a_name_that_is_way_t"]),  # handles stop at 20 characters
    ("@list/members is a list", []),
])
def test_mentions(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_mentions(text)] == expected


def test_reply_and_cashtags() -> None:
    assert extract_reply("  @dana thanks") == "dana"
    assert extract_reply("thanks @dana") is None
    assert [e.text for e in extract_cashtags("$AAPL up, $BRK.A flat, $5 no, a$B no")] == ["AAPL", "BRK.A"]


@pytest.mark.parametrize(("text", "expected"), [
    ("go to https://example.com/a?b=c.", ["https://example.com/a?b=c"]),
    ("bare example.co.uk/path and www.test.org", ["example.co.uk/path", "www.test.org"]),
    ("not a url: file.txt or foo.notatld", []),
    ("links stop: https://t.co/AbC123's", ["https://t.co/AbC123"]),
    ("(see http://en.example.org/wiki/Foo_(bar))", ["http://en.example.org/wiki/Foo_(bar)"]),
    ("unicode https://bücher.de/ok", ["https://bücher.de/ok"]),
])
def test_urls(text: str, expected: list[str]) -> None:
    assert [e.text for e in extract_urls(text)] == expected


def test_url_offsets_are_code_points() -> None:
    text = "😀 https://example.com"
    (url,) = extract_urls(text)
    assert text[url.start:url.end] == "https://example.com"


def test_weighted_length() -> None:
    assert weighted_length("hello").weighted_length == 5
    assert weighted_length("https://example.com/a/very/long/path/indeed").weighted_length == 23
    assert weighted_length("日本").weighted_length == 4
    assert weighted_length("👨‍👩‍👧").weighted_length == 2  # one emoji sequence
    assert weighted_length("a" * 280).valid and not weighted_length("a" * 281).valid
    assert not weighted_length("").valid


# -- features ---------------------------------------------------------------------------------------


def test_emoji_names_groups_and_tones() -> None:
    hits = emoji_hits("ok 👍🏽 🇫🇷 ☕ #️⃣")
    assert [h.char for h in hits] == ["👍🏽", "🇫🇷", "☕", "#️⃣"]
    assert hits[0].skin_tone == "medium" and hits[0].category == "People & Body"
    assert hits[1].category == "Flags" and hits[2].name == "hot beverage"
    assert emoji_hits("plain ascii :)") == []


def test_emoticons_not_in_urls() -> None:
    assert emoticons("great :) and :-( also <3 ^_^") == [":)", ":-(", "<3", "^_^"]
    assert emoticons("http://example.com/:p") == []


@pytest.mark.parametrize(("raw", "value"), [
    ("1,299.99", 1299.99), ("1.299,99", 1299.99), ("49,9", 49.9), ("2.500", 2500.0), ("12", 12.0)])
def test_parse_amount(raw: str, value: float) -> None:
    assert parse_amount(raw) == pytest.approx(value)


def test_money() -> None:
    found = [(m.amount, m.currency) for m in money("it was $5k, then €3,50 and 20 dollars (R$ 12)")]
    assert found == [(5000.0, "USD"), (3.5, "EUR"), (20.0, "USD"), (12.0, "BRL")]
    assert [m.amount for m in money("$1234 or $1234.50")] == [1234.0, 1234.5]
    assert money("$" + "9" * 400) == []  # not a finite number: not an amount


def test_scripts() -> None:
    counts = script_counts("Hello Привет мир")
    assert list(counts) == ["Cyrl", "Latn"]
    assert script_counts("123 !!") == {}


def test_text_features_extracted() -> None:
    out = text_features(Post(text="RT @amy: Sooo GOOD!!! #win 😂 $AAPL at $12.50 https://t.co/xyz\nok?"))
    assert out["entities_source"] == "extracted"
    assert out["is_retweet_prefix"] and out["mentions"] == ["amy"] and out["hashtags"] == ["win"]
    assert out["cashtags"] == ["AAPL"] and out["url_count"] == 1
    assert out["elongated_words"] == ["Sooo"] and out["uppercase_word_count"] >= 1
    assert out["money"] == [{"text": "$12.50", "amount": 12.5, "currency": "USD"}]
    assert out["line_count"] == 2 and out["is_question"]
    assert out["emoji"][0]["name"] == "face with tears of joy"
    assert out["media_count"] is None


def test_text_features_prefer_platform_entities() -> None:
    text = "@zed look #NotExtracted https://t.co/abc"
    ents = Entities(hashtags=[Span(10, 23, "#Declared")],
                    mentions=[MentionEntity(0, 4, "@zed", screen_name="zed")],
                    urls=[UrlEntity(24, 40, "https://t.co/abc", url="https://t.co/abc")],
                    media=[{"type": "photo"}])
    out = text_features(Post(text=text, entities=ents))
    assert out["entities_source"] == "platform"
    assert out["hashtags"] == ["Declared"] and out["media_count"] == 1
    bad = Entities(hashtags=[Span(50, 60, "#out")])  # offsets beyond the text are dropped
    assert text_features(Post(text="short", entities=bad))["hashtags"] == []


def test_empty_and_blank_text() -> None:
    for text in ("", "   \n "):
        out = text_features(Post(text=text))
        assert out["word_count"] == 0 and out["unique_word_ratio"] is None
        assert out["flesch_reading_ease"] is None and out["dominant_script"] is None


@pytest.mark.parametrize(("word", "n"), [("movie", 2), ("make", 1), ("table", 2), ("the", 1), ("rhythm", 1),
                                          ("comprehensive", 4), ("queue", 1)])
def test_syllables(word: str, n: int) -> None:
    from enrich.families._text.features import syllables

    assert syllables(word) == n


def test_readability_only_for_latin_text() -> None:
    easy = text_features(Post(text="The cat sat on the mat. The dog ran to the park."))
    hard = text_features(Post(text="Institutional considerations necessitate comprehensive "
                                   "organizational restructuring initiatives."))
    assert easy["flesch_reading_ease"] > hard["flesch_reading_ease"]
    assert text_features(Post(text="Сегодня отличная погода в Москве"))["flesch_reading_ease"] is None


# -- arbitrary input --------------------------------------------------------------------------------

_ENTITY_SIGN = {"hashtag": "#＃", "mention": "@＠", "cashtag": "$", "url": ""}


def _check_consistent(text: str, out: dict[str, Any]) -> None:
    for ent in out["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        piece = text[ent["start"]:ent["end"]]
        if ent["kind"] == "url":
            assert piece
        else:
            assert piece[0] in _ENTITY_SIGN[ent["kind"]] and piece[1:] == ent["text"]
    for em in out["emoji"]:
        assert text[em["start"]:em["start"] + len(em["char"])] == em["char"]
    assert out["hashtag_count"] == len(out["hashtags"])
    assert out["mention_count"] == len(out["mentions"])
    assert out["url_count"] == len(out["urls"])
    assert out["emoji_count"] == len(out["emoji"]) >= out["unique_emoji_count"]
    assert out["char_count"] == len(text) >= out["grapheme_count"]
    assert out["word_count"] <= max(out["char_count"], 0)
    for key in ("uppercase_ratio", "whitespace_ratio", "non_ascii_ratio", "digit_ratio",
                "unique_word_ratio", "dominant_script_share"):
        assert out[key] is None or 0.0 <= out[key] <= 1.0


_PIECES = st.sampled_from(["#tag", "@user", "$AAPL", "https://t.co/x1", "example.com", "😂", "👍🏾",
                           "🇺🇸", ":)", "$4.99", "€3,50", "Sooo", "!!", "?", "\n", " ", "日本", "Привет",
                           "#️⃣", "＃タグ", "\u200d", "\ufe0f", "\u0301", "\U0001F3FD", "RT @a:"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=30)
                 .map("".join)))
def test_arbitrary_unicode(text: str) -> None:
    out = text_features(Post(text=text), cap=1000)
    _check_consistent(text, out)


_EMOJI_KEYS = sorted(__import__("emoji").EMOJI_DATA)


# Stray zero-width joiners are left out: the library splits a known sequence followed by a ZWJ
# into its parts, the scan keeps the known sequence.
@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_EMOJI_KEYS), st.sampled_from([" ", "a", "日", "#", "1"])),
                max_size=12).map("".join))
def test_emoji_scan_agrees_with_emoji_library(text: str) -> None:
    import emoji

    assert [h.char for h in emoji_hits(text)] == [e["emoji"] for e in emoji.emoji_list(text)]


@pytest.fixture(scope="module")
def cheap_enricher() -> Any:
    import jsonschema

    from enrich import Enricher
    from enrich.registry import catalogue

    enricher = Enricher(families=["text", "language", "time", "user", "engagement"])
    yield enricher, jsonschema.Draft202012Validator(catalogue().json_schema())
    enricher.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=20).map("".join)))
def test_cheap_families_on_arbitrary_text_are_schema_valid(cheap_enricher: Any, text: str) -> None:
    enricher, validator = cheap_enricher
    enrichment = enricher.enrich({"text": text})["enrichment"]
    assert enrichment["errors"] == []
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(enrichment)]
    assert not errors, errors[:3]


_SPANS = st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60), st.text(max_size=8)), max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=50), _SPANS, _SPANS, _SPANS)
def test_arbitrary_platform_entities_keep_offsets_in_the_text(text: str, tags: list, users: list,
                                                              urls: list) -> None:
    ents = Entities(hashtags=[Span(a, b, t) for a, b, t in tags],
                    mentions=[MentionEntity(a, b, t, screen_name=t) for a, b, t in users],
                    urls=[UrlEntity(a, b, t, url=t) for a, b, t in urls])
    out = text_features(Post(text=text, entities=ents), cap=1000)
    for ent in out["entities"]:
        assert 0 <= ent["start"] <= ent["end"] <= len(text)
    assert out["hashtag_count"] == len(out["hashtags"]) <= len(tags)
