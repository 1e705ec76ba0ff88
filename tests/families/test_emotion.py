"""The emotion family: four TweetEval emotions, English only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from enrich import Enricher


@pytest.fixture(scope="module")
def enricher() -> Iterator[Enricher]:
    with Enricher(families=["emotion"]) as enr:
        yield enr


@pytest.mark.parametrize(("text", "label"), [
    ("I am absolutely furious with this airline, they cancelled my flight again", "anger"),
    ("Best day ever!! Had so much fun at the beach with my friends 😂", "joy"),
    ("Missing my grandma so much today. I cried all night 😢", "sadness"),
])
def test_clear_cases(enricher: Enricher, text: str, label: str) -> None:
    e = enricher.enrich({"text": text})["enrichment"]["emotion"]
    assert e["label"] == label
    assert abs(sum(e["probabilities"].values()) - 1) < 1e-3
    assert set(e["probabilities"]) == {"anger", "joy", "optimism", "sadness"}


def test_other_languages_abstain(enricher: Enricher) -> None:
    text = "Estoy muy enfadado con el servicio de esta compañía aérea"
    e = enricher.enrich({"text": text})["enrichment"]["emotion"]
    assert e["label"] is None and e["probabilities"] is None
    assert e["abstain_reason"] == "unsupported_language"
    assert e["lexicon"] is None


def test_lexicon_counts_words_of_empath_categories(enricher: Enricher) -> None:
    text = "So scared tonight, furious and sad. Delightful surprise though #DelightfulSurprise"
    lex = enricher.enrich({"text": text})["enrichment"]["emotion"]["lexicon"]
    assert lex["fear"] == 1  # scared
    assert lex["anger"] == 1  # furious
    assert lex["sadness"] == 1  # sad
    assert lex["surprise"] == 2  # the word and the hashtag's word
    assert lex["words"] == 11  # nine words and the hashtag as its two words (not as itself)
    assert all(isinstance(v, int) and v >= 0 for v in lex.values())


def test_lexicon_reads_elongated_and_negated_words(enricher: Enricher) -> None:
    plain, long, negated = (enricher.enrich({"text": t})["enrichment"]["emotion"]["lexicon"]
                            for t in ("I feel sad", "I feel saaaaad", "I do not feel sad"))
    assert plain["sadness"] == long["sadness"] == negated["sadness"] == 1
