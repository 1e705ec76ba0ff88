"""The entities family: tweet tokens, model entities, mentions/hashtags/cashtags, offsets, sentiment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from enrich.families.entities import EntitiesFamily
from enrich.families.entities.confidence import build_table, form, lookup
from enrich.families.entities.hashtags import phrase, segment
from enrich.family import Item
from enrich.post import Entities, MentionEntity, Post


@pytest.fixture(scope="module")
def family() -> Iterator[EntitiesFamily]:
    fam = EntitiesFamily()
    fam.setup()
    yield fam
    fam.close()


def _run(fam: EntitiesFamily, *posts: Post) -> list[dict[str, Any]]:
    return list(fam.enrich_batch([Item(p) for p in posts]))


def _one(fam: EntitiesFamily, text: str, **kw: Any) -> dict[str, Any]:
    (out,) = _run(fam, Post(text=text, **kw))
    return out


def _by_text(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]: e for e in out["items"]}


def test_tokenizer_keeps_tweet_tokens_whole(family: EntitiesFamily) -> None:
    text = "hi @sam_k, #NewYork! $TSLA.. (#tbt) https://t.co/Ab1?x=2 🤦🏽‍♀️👨‍👩‍👧 🇬🇧 ok😂😂 $5.00"
    words = [t.text for t in family._nlp.make_doc(text)]
    for whole in ("@sam_k", "#NewYork", "$TSLA", "#tbt", "https://t.co/Ab1?x=2", "🤦🏽‍♀️",
                  "👨‍👩‍👧", "🇬🇧", "😂"):
        assert whole in words, (whole, words)
    assert words.count("😂") == 2
    assert "$" in words and "5.00" in words  # money is not a cashtag


def test_model_entities_and_offsets(family: EntitiesFamily) -> None:
    text = "Loved the speech by Barack Obama in Chicago last night"
    items = _by_text(_one(family, text))
    assert items["Barack Obama"]["label"] == "person"
    assert items["Chicago"]["label"] == "location"
    for e in items.values():
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["source"] == "model"
        assert 0.0 < e["confidence"] < 1.0


def test_mention_with_display_name(family: EntitiesFamily) -> None:
    text = "@ada_l thanks for the tip!"
    post = Post(text=text, entities=Entities(mentions=[
        MentionEntity(start=0, end=6, text="@ada_l", screen_name="ada_l", name="Ada Lovelace")]))
    (out,) = _run(family, post)
    mention = _by_text(out)["@ada_l"]
    assert mention["source"] == "mention"
    assert mention["display_name"] == "Ada Lovelace"
    assert mention["normalized"] == "ada_l"
    assert mention["label"] in ("person", "organization", "location", "other")
    assert (mention["start"], mention["end"]) == (0, 6)


def test_cashtag_is_a_ticker(family: EntitiesFamily) -> None:
    out = _one(family, "Buying more $aapl today")
    tick = _by_text(out)["$aapl"]
    assert (tick["label"], tick["subtype"], tick["normalized"], tick["source"]) == (
        "organization", "ticker", "AAPL", "cashtag")
    assert tick["confidence"] is None


def test_hashtag_naming_a_place_is_typed(family: EntitiesFamily) -> None:
    out = _one(family, "Off on holiday tomorrow #NewYork")
    tag = _by_text(out)["#NewYork"]
    assert tag["label"] == "location"
    assert tag["source"] == "hashtag"
    assert tag["normalized"] == "New York"


def test_hashtag_naming_nothing_is_left_out(family: EntitiesFamily) -> None:
    out = _one(family, "what a day #tbt #blessed")
    assert not [e for e in out["items"] if e["source"] == "hashtag"]


def test_context_sentiment_follows_the_words_around(family: EntitiesFamily) -> None:
    good = _by_text(_one(family, "I absolutely love Microsoft, wonderful people and great products"))
    bad = _by_text(_one(family, "I hate Microsoft, awful and terrible products"))
    assert good["Microsoft"]["sentiment"] > 0.3
    assert bad["Microsoft"]["sentiment"] < -0.3


def test_summary_counts_labels_and_salient(family: EntitiesFamily) -> None:
    out = _one(family, "Paris is lovely. I met Emma Watson in Paris and then flew back to Paris")
    assert out["count"] == len(out["items"]) == sum(out["counts"].values())
    assert "Paris" in out["by_label"]["location"]
    assert out["by_label"]["location"].count("Paris") == 1
    assert out["salient"]["normalized"] == "Paris"
    assert out["items"][out["salient"]["index"]]["normalized"] == "Paris"


def test_empty_and_entity_free_text(family: EntitiesFamily) -> None:
    for text in ("", "   ", "lol ok 😂"):
        out = _one(family, text)
        assert out == {"items": [], "count": 0, "counts": {}, "by_label": {}, "salient": None,
                       "abstain_reason": None}


_FRENCH = "Bonne journée à tous, on se retrouve demain avec @marie_l pour parler de $AAPL #Lyon"


def test_other_languages_get_mentions_and_cashtags_only(family: EntitiesFamily) -> None:
    english, french, declared = _run(
        family, Post(text="Bonne journee to all of you from Barack Obama in Chicago @marie_l #Lyon"),
        Post(text=_FRENCH), Post(text="Barack Obama in Chicago with @marie_l", lang="fr"))
    assert english["abstain_reason"] is None
    assert {"Barack Obama", "Chicago"} <= set(_by_text(english))
    for out in (french, declared):
        assert out["abstain_reason"] == "unsupported_language"
        assert {e["source"] for e in out["items"]} <= {"mention", "cashtag"}
    items = _by_text(french)
    assert set(items) == {"@marie_l", "$AAPL"}
    assert items["@marie_l"]["label"] == "other"
    assert items["$AAPL"]["label"] == "organization"
    assert all(e["sentiment"] is None for e in items.values())  # VADER is English
    assert _FRENCH[items["@marie_l"]["start"]:items["@marie_l"]["end"]] == "@marie_l"


def test_the_language_family_decides_when_it_ran(family: EntitiesFamily) -> None:
    # A post the language family read as English is modelled whatever the platform declared.
    item = Item(Post(text="Barack Obama in Chicago", lang="fr"))
    item.out["language"] = {"language": "en", "reliable": True}
    (out,) = family.enrich_batch([item])
    assert out["abstain_reason"] is None and "Barack Obama" in _by_text(out)


def test_english_only_can_be_switched_off() -> None:
    fam = EntitiesFamily({"english_only": False})
    fam.setup()
    (out,) = fam.enrich_batch([Item(Post(text="Barack Obama à Chicago avec nous", lang="fr"))])
    fam.close()
    assert out["abstain_reason"] is None
    assert "Barack Obama" in _by_text(out)


def test_en_core_web_sm_is_selectable() -> None:
    fam = EntitiesFamily({"model": "en_core_web_sm"})
    fam.setup()
    (out,) = fam.enrich_batch([Item(Post(text="Angela Merkel visited Paris with Google engineers"))])
    labels = {e["text"]: e["label"] for e in out["items"]}
    assert labels.get("Angela Merkel") == "person"
    assert fam.model_name() and "en_core_web_sm" in (fam.model_name() or "")
    assert set(labels.values()) <= {"person", "organization", "location", "product", "creative_work",
                                    "event", "other"}


_PIECES = st.sampled_from(["@x_1", "#Tag", "#日本", "$AB", "$5", "😂", "🇬🇧", "👨‍👩‍👧", "\u200d", "\ufe0f",
                           "New York", "Obama", " ", "\n", "\t", "'s", "https://t.co/x", "#", "@", "$",
                           "\u0301", "\U0001F3FD", "\x00", "\ud7ff", "é"])
_TEXTS = st.one_of(st.text(max_size=80), st.lists(st.one_of(_PIECES, st.text(max_size=4)),
                                                    max_size=20).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXTS, min_size=1, max_size=4))
@example(texts=["0AAA\U0001f110@0"])  # an entity in a post read as another language: no sentiment
def test_offsets_always_index_the_text(family: EntitiesFamily, texts: list[str]) -> None:
    outs = _run(family, *(Post(text=t) for t in texts))
    assert len(outs) == len(texts)
    for text, out in zip(texts, outs, strict=True):
        for e in out["items"]:
            assert 0 <= e["start"] < e["end"] <= len(text)
            assert text[e["start"]:e["end"]] == e["text"]
            if out["abstain_reason"]:  # documented: VADER's lexicon is English
                assert e["sentiment"] is None
            else:
                assert -1.0 <= e["sentiment"] <= 1.0
            assert e["confidence"] is None or 0.0 <= e["confidence"] <= 1.0


def test_segment_hashtags() -> None:
    assert segment("#NewYork") == ("New", "York")
    assert segment("#newyork") == ("new", "york")
    assert segment("#iPhone12") == ("iPhone", "12")
    assert segment("#NASA") == ("NASA",)
    assert segment("#black_lives_matter") == ("black", "lives", "matter")
    assert segment("#") == ()
    assert phrase(segment("#newyork")) == "New York"


def test_confidence_table() -> None:
    table = build_table([("person", "Ann Lee", 2, True)] * 30 + [("person", "Bob", 1, False)] * 10)
    assert table["person"] == [30, 40]
    assert lookup(table, "person", "Ann Lee", 2) == round(31 / 32, 3)
    # too few single-token capitalised person spans: falls back to the label's precision
    assert lookup(table, "person", "Bob", 1) == round(31 / 42, 3)
    assert lookup({}, "person", "Bob", 1) is None
    assert form("@bob") == "mention" and form("#bob") == "hashtag" and form("bob") == "lower"
