"""The safety family: offensive and hate probabilities, profanity, the platform's flag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich import Enricher
from enrich.textclf import profanity


@pytest.fixture(scope="module")
def enricher() -> Iterator[Enricher]:
    with Enricher(families=["safety"]) as enr:
        yield enr


def test_offensive_insult_scores_above_a_polite_post(enricher: Enricher) -> None:
    text = "@someone you are a stupid idiot, shut up and go away"
    rude = enricher.enrich({"text": text})["enrichment"]["safety"]
    polite = enricher.enrich({"text": "Thank you all for coming to the garden party yesterday"})
    polite_s = polite["enrichment"]["safety"]
    assert rude["offensive"] > 0.5 > polite_s["offensive"]
    assert rude["is_offensive"] is True and polite_s["is_offensive"] is False
    assert 0 <= polite_s["hate"] <= 1


def test_profanity_words_and_count(enricher: Enricher) -> None:
    s = enricher.enrich({"text": "What a damn mess, this is crap. Sh!t happens"})["enrichment"]["safety"]
    assert s["profanity"]["words"] == ["damn", "crap", "Sh!t"]
    assert s["profanity"]["count"] == 3
    clean = enricher.enrich({"text": "Scunthorpe is a town; classic assessment"})["enrichment"]["safety"]
    assert clean["profanity"] == {"count": 0, "words": []}


def test_possibly_sensitive_is_passed_through(enricher: Enricher) -> None:
    rec = {"id_str": "1", "full_text": "look at this", "possibly_sensitive": True, "lang": "en",
           "user": {"id_str": "2", "screen_name": "x"}}
    assert enricher.enrich(rec)["enrichment"]["safety"]["possibly_sensitive"] is True
    assert enricher.enrich({"text": "look at this"})["enrichment"]["safety"]["possibly_sensitive"] is None


def test_other_languages_abstain_from_the_models(enricher: Enricher) -> None:
    text = "Tu es vraiment un idiot, personne ne veut de toi ici"
    s = enricher.enrich({"text": text})["enrichment"]["safety"]
    assert s["offensive"] is None and s["hate"] is None
    assert s["abstain_reason"] == "unsupported_language"


@pytest.mark.parametrize("text", [
    "you are an asshole", "what the fuck", "this is bullshit", "sh1t happens", "b1tch please",
    "have a lovely day", "classic assessment", "I passed the exam", "hello there",
])
def test_agrees_with_better_profanity(text: str) -> None:
    from better_profanity import profanity as library

    assert bool(profanity.find(text)) == library.contains_profanity(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_find_returns_pieces_of_the_text(text: str) -> None:
    for word in profanity.find(text):
        assert all(part in text for part in word.split(" "))
