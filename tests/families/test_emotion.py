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
