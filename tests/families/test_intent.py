"""The intent family: each intent's cues, objects, speakers, negation, money parsing, offsets on
arbitrary text, and the labelled-sample precision floor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich import Enricher
from enrich.evaluate.intent import DEFAULT_SAMPLE, evaluate, load_sample, object_matches
from enrich.families.intent import IntentFamily
from enrich.families.intent.money import find_money, parse_amount
from enrich.families.intent.rules import INTENTS


@pytest.fixture(scope="module")
def family() -> Iterator[IntentFamily]:
    fam = IntentFamily()
    fam.setup()
    yield fam
    fam.close()


def items(fam: IntentFamily, text: str, intent: str) -> list[dict[str, Any]]:
    return [it for it in fam.analyse(text)["items"] if it["intent"] == intent]


@pytest.mark.parametrize(("text", "intent", "obj", "speaker"), [
    ("I really want to buy the new iPhone 15 Pro", "want_to_buy", "iPhone 15 Pro", "first_person"),
    ("Thinking about getting a standing desk", "want_to_buy", "standing desk", "first_person"),
    ("He wants to buy a boat lol", "want_to_buy", "boat", "other"),
    ("What running watch should I get?", "want_to_buy", "running watch", "first_person"),
    ("Just ordered a pair of Air Max from Nike", "bought", "Air Max", "first_person"),
    ("My wife just bought a Dyson vacuum", "bought", "Dyson vacuum", "other"),
    ("Highly recommend Notion if you're drowning in lists", "recommend", "Notion", "first_person"),
    ("Can't recommend Blue Bottle coffee enough", "recommend", "Blue Bottle coffee", "first_person"),
    ("I would not recommend this hotel to anyone", "complain", "hotel", "first_person"),
    ("my phone keeps crashing since the update", "complain", "phone", "first_person"),
    ("@Comcast why is my internet down again?", "question", "internet", "first_person"),
    ("Cancelled my Netflix subscription today", "churn", "Netflix subscription", "first_person"),
    ("Switching from Verizon to T-Mobile", "churn", "Verizon", "first_person"),
    ("Selling my PS5 with two controllers", "sell", "PS5", "first_person"),
    ("PS5 for sale, barely used", "sell", "PS5", "first_person"),
])
def test_intent_object_speaker(family: IntentFamily, text: str, intent: str, obj: str,
                               speaker: str) -> None:
    found = items(family, text, intent)
    assert found, family.analyse(text)
    it = found[0]
    assert it["object"] == obj
    assert it["speaker"] == speaker
    assert 0 < it["confidence"] <= 1
    assert text[it["start"]:it["end"]].lower().startswith(it["cue"].lower()) or it["cue"] in text


@pytest.mark.parametrize("text", [
    "I don't want to buy another phone",
    "That concert was sold out in minutes",
    "The new album is selling out everywhere",
    "I need a nap and a hug",
    "Can't wait for the weekend",
    "",
])
def test_no_commerce_signal(family: IntentFamily, text: str) -> None:
    out = family.analyse(text)
    assert out["items"] == [] and out["labels"] == []
    assert out["commercial"] is False and out["customer_care"] is False


@pytest.mark.parametrize(("text", "intent"), [
    ("honestly so annoyed with everyone at work today", "complain"),
    ("so disappointed in myself for skipping the gym", "complain"),
    ("In case you need any ideas for the party, here's our menu", "question"),
    ("it's friday night so what's the plan?", "question"),
    ("just got my heart broken by the season finale", "bought"),
    ("Should've bought the blue sneakers when they were in stock", "bought"),
    ("wish I had ordered the bigger pizza", "bought"),
    ("she finally got the blessing of her parents", "bought"),
    ("so happy to see $900 in my paycheck this week", "price"),
    ("what are the recommended settings for this emulator?", "recommend"),
    ("Traders keep selling shares as the index looks weak", "sell"),
    ("the shops have been selling holiday stuff since August", "sell"),
])
def test_not_this_intent(family: IntentFamily, text: str, intent: str) -> None:
    assert items(family, text, intent) == [], family.analyse(text)


@pytest.mark.parametrize(("text", "intent"), [
    ("so disappointed with the airline's app again", "complain"),
    ("Do you have any suggestions for a cheap blender?", "question"),
    ("Selling tickets for Saturday's show, $40 each", "sell"),
    ("Selling Jordans size 10, DM me", "sell"),
])
def test_still_this_intent(family: IntentFamily, text: str, intent: str) -> None:
    assert items(family, text, intent), family.analyse(text)


def test_pronoun_takes_the_earlier_object(family: IntentFamily) -> None:
    out = family.analyse("Just bought a Kindle and it is amazing, highly recommend it")
    rec = [it for it in out["items"] if it["intent"] == "recommend"]
    assert rec and rec[0]["object"] == "Kindle"
    assert out["labels"] == ["bought", "recommend"] and out["commercial"]


@pytest.mark.parametrize(("text", "obj"), [
    ("Markets are wild today: $BTC above $60k", "$BTC"),
    ("Tesla fell below $200 today", "Tesla"),
    ("I dropped $500 on shoes this weekend", "shoes"),
    ("spent $30 on the new album", "album"),
    ("Got these running shoes for $40 on sale", "running shoes"),
])
def test_price_objects_skip_movement_words_and_take_what_was_spent_on(family: IntentFamily, text: str,
                                                                       obj: str) -> None:
    (price,) = items(family, text, "price")
    assert price["object"] == obj


@pytest.mark.parametrize(("text", "obj"), [
    ("@NimbusAir delayed our flight 3 hours. Never flying with you again", "@NimbusAir"),
    ("@a_co @b_co never flying with you again", None),  # two accounts: "you" is not resolved
    ("Never flying with you again", None),
])
def test_churn_from_you_is_the_one_account_addressed(family: IntentFamily, text: str,
                                                     obj: str | None) -> None:
    (churn,) = items(family, text, "churn")
    assert churn["object"] == obj


@pytest.mark.parametrize(("text", "obj"), [
    ("@Quickcart I will never shop with you again", "@Quickcart"),
    ("I'll never buy from @Shoply again", "@Shoply"),
])
def test_future_never_is_churn(family: IntentFamily, text: str, obj: str) -> None:
    (churn,) = items(family, text, "churn")
    assert churn["object"] == obj and churn["speaker"] == "first_person"


def test_advice_with_never_is_not_churn(family: IntentFamily) -> None:
    assert items(family, "You should never buy cheap tires", "churn") == []


def test_recommending_to_you_is_not_recommending_the_account(family: IntentFamily) -> None:
    found = items(family, "@bob I recommend you try the ramen", "recommend")
    assert all(it["object"] != "@bob" for it in found)


def test_price_items(family: IntentFamily) -> None:
    out = family.analyse("Paid $1,299.99 for the new laptop and 20 bucks for a case")
    prices = [it for it in out["items"] if it["intent"] == "price"]
    assert [(p["amount"], p["currency"]) for p in prices] == [(1299.99, "USD"), (20.0, "USD")]
    assert prices[0]["object"] == "laptop" and prices[0]["speaker"] == "first_person"


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("€1.299,00 total", 1299.0, "EUR"), ("like £3k", 3000.0, "GBP"), ("USD 120 only", 120.0, "USD"),
    ("5 euros", 5.0, "EUR"), ("50 cents", 0.5, "USD"), ("R$ 50", 50.0, "BRL"), ("¥5000", 5000.0, "JPY"),
    ("12.5k dollars", 12500.0, "USD"), ("US$20", 20.0, "USD"),
])
def test_money(text: str, amount: float, currency: str) -> None:
    found = find_money(text)
    assert [(m.amount, m.currency) for m in found] == [(amount, currency)]
    m = found[0]
    assert 0 <= m.start < m.end <= len(text)


@pytest.mark.parametrize("text", ["$AAPL up today", "in 2024", "lost 5 pounds", "x$5"])
def test_not_money(text: str) -> None:
    assert find_money(text) == []


def test_parse_amount() -> None:
    assert parse_amount("1,000") == 1000 and parse_amount("4,99") == 4.99
    assert parse_amount("1.000.000") == 1_000_000 and parse_amount("1.299,99") == 1299.99


def test_object_matching_for_the_evaluation() -> None:
    assert object_matches("the iPhone 15", "iPhone") and not object_matches(None, "iPhone")
    assert object_matches("@Comcast", "comcast")


def test_min_confidence_setting() -> None:
    fam = IntentFamily({"min_confidence": 0.99})
    assert fam.analyse("Just ordered a pair of Air Max")["items"] == []


def test_in_the_pipeline() -> None:
    with Enricher(families=["intent"]) as enricher:
        out = enricher.enrich("Selling my PS4, $150 obo")["enrichment"]
    assert "sell" in out["intent"]["labels"] and "price" in out["intent"]["labels"]
    price = next(it for it in out["intent"]["items"] if it["intent"] == "price")
    assert out["post"]["text"][price["start"]:price["end"]].endswith("$150")


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300) | st.builds(
    lambda a, b: a + " I just bought my new " + b + " for $5, highly recommend it? " + a,
    st.text(max_size=40), st.text(max_size=40)))
def test_arbitrary_unicode_offsets_index_the_text(family: IntentFamily, text: str) -> None:
    out = family.analyse(text)
    for it in out["items"]:
        assert it["intent"] in INTENTS
        assert 0 <= it["start"] <= it["end"] <= len(text)
        assert it["cue"] == "?" or it["cue"] in text
        if it["object"]:
            assert it["object"] in text
        assert it["speaker"] in (None, "first_person", "other")


def test_labelled_sample_precision_floor(family: IntentFamily) -> None:
    """The hand-written sample's test half: the figures in docs/accuracy.md must hold."""
    rows = load_sample(Path(DEFAULT_SAMPLE), "test")
    assert len(rows) >= 80
    result = evaluate(rows, family)
    precision = result["tp"] / (result["tp"] + result["fp"])
    recall = result["tp"] / (result["tp"] + result["fn"])
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)
